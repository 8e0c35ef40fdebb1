"""Key order of typed objects, for `-o json` output of what kubectl decodes into Go structs.

No I/O happens here. kubectl prints a list it got from `get` as unstructured
maps (keys sorted) but an object it decoded into a typed struct (the answer
to create, patch, expose, ...) in the struct's field order: `kind`,
`apiVersion`, `metadata`, `spec`, `status`, with `name` before `namespace`
in metadata. `go_order(obj)` reorders an object's keys that way after the
field descriptions in litekube.model.schemas; keys a description does not
know keep their order after the known ones.
"""
from __future__ import annotations

from typing import Any

from litekube.model.schemas import KIND_SCHEMAS
from litekube.model.schemas.types import ListOf, MapOf, Spec, Struct

__all__ = ["go_order"]


def _ordered(value: Any, spec: Spec | None) -> Any:
    if isinstance(value, list):
        elem = spec.elem if isinstance(spec, ListOf) else None
        return [_ordered(v, elem) for v in value]
    if not isinstance(value, dict):
        return value
    if isinstance(spec, MapOf):
        return {k: _ordered(v, spec.elem) for k, v in value.items()}
    fields = spec.fields if isinstance(spec, Struct) else {}
    out = {k: _ordered(value[k], fields[k]) for k in fields if k in value}
    out.update((k, _ordered(v, None)) for k, v in value.items() if k not in out)
    return out


def go_order(obj: dict) -> dict:
    """The object with its keys in Go's struct order (TypeMeta: kind, then apiVersion)."""
    schema = KIND_SCHEMAS.get(obj.get("kind", ""))
    ordered = _ordered(obj, schema)
    head = {k: ordered[k] for k in ("kind", "apiVersion") if k in ordered}
    head.update((k, v) for k, v in ordered.items() if k not in head)
    return head
