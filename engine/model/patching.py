"""Patching objects: JSON merge patch, JSON patch, strategic merge patch, apply.

No I/O happens here. Objects are plain JSON-like dicts and are never mutated;
every function returns new values. This module applies RFC 7386 JSON merge
patches (`merge_patch`) and RFC 6902 JSON patches (`json_patch`), and is the
one import path for every kind of patch: the strategic merge patch and
kubectl's three-way apply patch live in `litekube.model.strategic`, the merge
keys they follow (`Field`, `SCHEMAS`) in `litekube.model.merge_keys`, and are
re-exported here.

Malformed patches raise `ValueError`.
"""
from __future__ import annotations

import copy
from typing import Any

from litekube.model.merge_keys import SCHEMAS, Field
from litekube.model.strategic import apply, strategic_merge, three_way_patch
from litekube.model.values import equal, json_type

__all__ = [
    "Field", "SCHEMAS", "merge_patch", "json_patch", "strategic_merge",
    "three_way_patch", "apply",
]


# -- RFC 7386 and RFC 6902 --------------------------------------------------------

def merge_patch(target: Any, patch: Any) -> Any:
    """Apply an RFC 7386 JSON merge patch: maps merge, `None` deletes, lists replace."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise ValueError(f"invalid JSON pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _list_index(container: list[Any], token: str, *, adding: bool) -> int:
    if adding and token == "-":
        return len(container)
    if not token.isdigit() or (token != "0" and token.startswith("0")):
        raise ValueError(f"invalid list index {token!r}")
    index = int(token)
    if index > len(container) or (index == len(container) and not adding):
        raise ValueError(f"list index {index} out of range")
    return index


def _resolve(doc: Any, tokens: list[str]) -> Any:
    for token in tokens:
        if isinstance(doc, dict) and token in doc:
            doc = doc[token]
        elif isinstance(doc, list):
            doc = doc[_list_index(doc, token, adding=False)]
        else:
            raise ValueError(f"path segment {token!r} not found")
    return doc


def _add(doc: Any, tokens: list[str], value: Any) -> Any:
    if not tokens:
        return value
    parent = _resolve(doc, tokens[:-1])
    if isinstance(parent, dict):
        parent[tokens[-1]] = value
    elif isinstance(parent, list):
        parent.insert(_list_index(parent, tokens[-1], adding=True), value)
    else:
        raise ValueError(f"cannot add into a {json_type(parent)}")
    return doc


def _remove(doc: Any, tokens: list[str]) -> Any:
    if not tokens:
        raise ValueError("cannot remove the whole document")
    parent = _resolve(doc, tokens[:-1])
    _resolve(parent, tokens[-1:])
    if isinstance(parent, dict):
        return parent.pop(tokens[-1])
    return parent.pop(_list_index(parent, tokens[-1], adding=False))


def json_patch(target: Any, ops: list[dict[str, Any]]) -> Any:
    """Apply an RFC 6902 JSON patch; raises ValueError when an operation fails."""
    doc = copy.deepcopy(target)
    for op in ops:
        if not isinstance(op, dict) or "path" not in op:
            raise ValueError(f"invalid JSON patch operation {op!r}")
        name, path = op.get("op"), _pointer(op["path"])
        if name in ("add", "replace", "test") and "value" not in op:
            raise ValueError(f"operation {name!r} needs a value")
        if name == "add":
            doc = _add(doc, path, copy.deepcopy(op["value"]))
        elif name == "remove":
            _remove(doc, path)
        elif name == "replace":
            if path:
                _remove(doc, path)
            doc = _add(doc, path, copy.deepcopy(op["value"]))
        elif name in ("move", "copy"):
            source = _pointer(op.get("from", ""))
            if name == "move" and path[: len(source)] == source and path != source:
                raise ValueError("cannot move a value into one of its children")
            value = copy.deepcopy(_resolve(doc, source))
            if name == "move" and source:
                _remove(doc, source)
            doc = _add(doc, path, value)
        elif name == "test":
            if not equal(_resolve(doc, path), op["value"]):
                raise ValueError(f"test failed at {op['path']!r}")
        else:
            raise ValueError(f"unknown JSON patch operation {name!r}")
    return doc
