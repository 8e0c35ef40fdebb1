"""Field descriptions of every kind litekube serves, one table per API area.

No I/O happens here. `KIND_SCHEMAS["Deployment"]` is the top-level Struct of
a kind; `describe(kind)` flattens it to `{"spec.replicas": "integer", ...}`.
"""
from __future__ import annotations

from litekube.model.schemas.autoscaling import AUTOSCALING, SERVED_SCHEMAS
from litekube.model.schemas.core import CORE
from litekube.model.schemas.corekinds import COREKINDS
from litekube.model.schemas.networking import NETWORKING
from litekube.model.schemas.storage import STORAGE
from litekube.model.schemas.types import ListOf, MapOf, Struct, json_type
from litekube.model.schemas.workloads import WORKLOADS

__all__ = ["KIND_SCHEMAS", "SERVED_SCHEMAS", "describe"]

KIND_SCHEMAS: dict[str, Struct] = {**CORE, **WORKLOADS, **NETWORKING, **COREKINDS, **AUTOSCALING, **STORAGE}


def describe(kind: str) -> dict[str, str]:
    """Every field path of a kind with its JSON type; list members appear as `containers[]`."""
    out: dict[str, str] = {}

    def walk(spec: Struct, prefix: str, depth: int) -> None:
        for name, sub in spec.fields.items():
            path = f"{prefix}{name}"
            out[path] = json_type(sub)
            while isinstance(sub, (ListOf, MapOf)):
                if isinstance(sub, ListOf):
                    path += "[]"
                sub = sub.elem
            if isinstance(sub, Struct) and depth < 12:
                walk(sub, path + ".", depth + 1)

    walk(KIND_SCHEMAS[kind], "", 0)
    return out
