"""Structured merge: how server-side apply merges a configuration into an object, and prunes it.

No I/O happens here. `merge(live, config, kind)` is structured-merge-diff's
TypedValue.Merge: maps merge key by key, `map` and `set` lists element by
element (the live elements in their order, then the new ones in the
configuration's order), and everything else (scalars, atomic lists and
structs) is taken from the configuration whole. `remove(obj, fields, kind)`
is RemoveItems: the members of the set go, with all they hold, and a map
emptied by the removal goes with them. Objects are never mutated.
"""
from __future__ import annotations

from typing import Any

from litekube.model import fieldpath, listtypes
from litekube.model.fieldpath import SELF, FieldSet
from litekube.model.listtypes import Type
from litekube.model.values import clone

__all__ = ["merge", "remove"]

_MISSING = object()


def merge(live: dict | None, config: dict, kind: str) -> dict:
    """The object with `config` merged in. Raises fieldpath.KeyError_ for a list element without its keys."""
    if live is None:
        return clone(config)
    return _merge(live, config, listtypes.root(kind))


def _merge(lhs: Any, rhs: Any, t: Type) -> Any:
    if rhs is _MISSING:
        return lhs
    if lhs is _MISSING:
        return clone(rhs)
    if isinstance(lhs, dict) and isinstance(rhs, dict) and not t.atomic and (lhs or rhs):
        out = {}
        for key, value in lhs.items():
            out[key] = _merge(value, rhs.get(key, _MISSING), t.field(key))
        for key, value in rhs.items():
            if key not in lhs:
                out[key] = clone(value)
        return out
    if isinstance(lhs, list) and isinstance(rhs, list) and t.is_list and (lhs or rhs):
        et = t.element()
        incoming: dict[str, Any] = {}
        for index, item in enumerate(rhs):
            try:
                incoming[fieldpath.item_key(item, t)] = item
            except fieldpath.KeyError_ as exc:
                raise fieldpath.KeyError_(f"element {index}: {exc}") from None
        merged, seen = [], set()
        for item in lhs:
            try:
                element = fieldpath.item_key(item, t)
            except fieldpath.KeyError_:
                merged.append(item)  # a live element without its keys stays as it is
                continue
            if element in seen:
                continue
            seen.add(element)
            merged.append(_merge(item, incoming.get(element, _MISSING), et))
        merged += [clone(item) for element, item in incoming.items() if element not in seen]
        return merged
    return clone(rhs)


def remove(obj: dict, fields: FieldSet, kind: str) -> dict:
    """The object without the members of `fields` (and what they hold)."""
    return _remove(obj, fields, listtypes.root(kind))


def _remove(value: Any, fields: FieldSet, t: Type) -> Any:
    if isinstance(value, dict) and not t.atomic:
        out = {}
        for key, sub in value.items():
            node = fields.get("f:" + key)
            if node is None:
                out[key] = sub
                continue
            if SELF in node:
                continue
            kept = _remove(sub, node, t.field(key))
            if isinstance(kept, dict) and not kept and sub:
                continue  # emptied by the removal
            out[key] = kept
        return out
    if isinstance(value, list) and t.is_list:
        et = t.element()
        out_list = []
        for item in value:
            try:
                node = fields.get(fieldpath.item_key(item, t))
            except fieldpath.KeyError_:
                node = None
            if node is None:
                out_list.append(item)
            elif SELF not in node:
                out_list.append(_remove(item, node, et))
        return out_list
    return value
