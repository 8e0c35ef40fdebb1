"""Server-side Tables (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`). No I/O happens here.

The columns and cells are `litekube get`'s (litekube.model.tables), so
`kubectl get` prints what `litekube get` prints. Row objects follow
`includeObject`: `Metadata` (default) a PartialObjectMetadata, `Object`
the whole object, `None` nothing; kubectl takes the NAMESPACE column of
`-A`, `--show-labels` and `-L` from them.
"""
from __future__ import annotations

from datetime import datetime

from litekube.model import conversion, tables

__all__ = ["wants_table", "table", "column_definitions"]

_NAME_DESCRIPTION = ("Name must be unique within a namespace. Is required when creating resources, although some "
                     "resources may allow a client to request the generation of an appropriate name automatically. "
                     "Name is primarily intended for creation idempotence and configuration definition. Cannot be "
                     "updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names")


def wants_table(accept: str) -> bool:
    """Does the Accept header ask for a meta.k8s.io Table (v1 or v1beta1)?"""
    for part in accept.split(","):
        params = {}
        for item in part.split(";")[1:]:
            key, _, value = item.strip().partition("=")
            params[key.strip()] = value.strip()
        if params.get("as") == "Table" and params.get("g") == "meta.k8s.io":
            return True
    return False


def column_definitions(kind: str) -> list[dict]:
    out = []
    for index, column in enumerate(tables.columns(kind)):
        is_name = index == 0 and column.name == "NAME"
        out.append({"name": column.name, "type": "string", "format": "name" if is_name else "",
                    "description": _NAME_DESCRIPTION if is_name else column.name, "priority": column.priority})
    return out


def _row_object(obj: dict, include: str, api_version: str) -> dict | None:
    if include == "None":
        return None
    if include == "Object":  # in the version requested (the metadata of the others is the stored object's)
        return conversion.to_version(obj, api_version) if api_version else obj
    meta = obj.get("metadata") or {}
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta}


def table(kind: str, objs: list[dict], now: datetime, resource_version: str = "", include: str = "Metadata",
          headers: bool = True, continue_token: str = "", api_version: str = "") -> dict:
    """A meta.k8s.io/v1 Table of `objs` (all of `kind`)."""
    rows = []
    for obj in objs:
        row: dict = {"cells": tables.row(obj, now)}
        embedded = _row_object(obj, include, api_version)
        if embedded is not None:
            row["object"] = embedded
        rows.append(row)
    metadata: dict = {"resourceVersion": resource_version}
    if continue_token:
        metadata["continue"] = continue_token
    out: dict = {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata}
    out["columnDefinitions"] = column_definitions(kind) if headers else []
    out["rows"] = rows
    return out
