"""Server-side Tables (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`). No I/O happens here.

The columns and cells are `litekube get`'s (litekube.model.tables), so
`kubectl get` prints what `litekube get` prints. Row objects follow
`includeObject`: `Metadata` (default) a PartialObjectMetadata, `Object`
the whole object, `None` nothing; kubectl takes the NAMESPACE column of
`-A`, `--show-labels` and `-L` from them.
"""
from __future__ import annotations

from datetime import datetime

from litekube.model import conversion, tables, zerovalues

__all__ = ["wants_table", "table", "column_definitions", "cells"]

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


_AGE_DESCRIPTION = ("CreationTimestamp is a timestamp representing the server time when this object was created. It "
                    "is not guaranteed to be set in happens-before order across separate operations. Clients may not "
                    "set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. "
                    "Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-"
                    "architecture/api-conventions.md#metadata")

# Column types that are not "string", per kind (printers.go v1.32 `...ColumnDefinitions`; the
# apiserver's default table types CREATED AT as "date").
_COLUMN_TYPES: dict[str, dict[str, str]] = {
    "PodDisruptionBudget": {"ALLOWED DISRUPTIONS": "integer"},
    "ReplicaSet": {"DESIRED": "integer", "CURRENT": "integer", "READY": "integer"},
    "ReplicationController": {"DESIRED": "integer", "CURRENT": "integer", "READY": "integer"},
    "DaemonSet": {"DESIRED": "integer", "CURRENT": "integer", "READY": "integer", "UP-TO-DATE": "integer",
                  "AVAILABLE": "integer"},
    "CronJob": {"SUSPEND": "boolean", "ACTIVE": "integer"},
    "PriorityClass": {"VALUE": "integer", "GLOBAL-DEFAULT": "boolean"},
}
# Cells the printers emit as Go integers or booleans (JSON numbers and true/false), whatever
# their column's type says: e.g. a Deployment's UP-TO-DATE is typed "string" but printed as int64.
_INTEGER_CELLS: dict[str, frozenset[str]] = {
    "PodDisruptionBudget": frozenset({"ALLOWED DISRUPTIONS"}),
    "ReplicaSet": frozenset({"DESIRED", "CURRENT", "READY"}),
    "ReplicationController": frozenset({"DESIRED", "CURRENT", "READY"}),
    "DaemonSet": frozenset({"DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE"}),
    "CronJob": frozenset({"ACTIVE"}),
    "Event": frozenset({"COUNT"}),
    "Secret": frozenset({"DATA"}),
    "ServiceAccount": frozenset({"SECRETS"}),
    "Deployment": frozenset({"UP-TO-DATE", "AVAILABLE"}),
    "HorizontalPodAutoscaler": frozenset({"MAXPODS", "REPLICAS"}),
    "ConfigMap": frozenset({"DATA"}),
    "ControllerRevision": frozenset({"REVISION"}),
    "PriorityClass": frozenset({"VALUE"}),
}
_BOOLEAN_CELLS: dict[str, frozenset[str]] = {
    "PriorityClass": frozenset({"GLOBAL-DEFAULT"}),
    "StorageClass": frozenset({"ALLOWVOLUMEEXPANSION"}),
}


def column_definitions(kind: str) -> list[dict]:
    """The Table's columnDefinitions for `kind`: name, type and format as upstream's printers declare them."""
    types = _COLUMN_TYPES.get(kind, {})
    out = []
    for index, column in enumerate(tables.columns(kind)):
        is_name = column.name == "NAME" and (index == 0 or kind == "Event")
        type_ = types.get(column.name, "string")
        description = column.name
        if is_name:
            description = _NAME_DESCRIPTION
        elif column.name in ("AGE", "CREATED AT"):
            description = _AGE_DESCRIPTION
        if column.name == "CREATED AT":
            type_ = "date"
        out.append({"name": column.title or column.name, "type": type_, "format": "name" if is_name else "",
                    "description": description, "priority": column.priority})
    return out


def _typed(kind: str) -> list[tuple[int, str]] | None:
    """(index, "integer" | "boolean") of the cells of `kind` that are not strings; None when all are."""
    ints, bools = _INTEGER_CELLS.get(kind, frozenset()), _BOOLEAN_CELLS.get(kind, frozenset())
    if not ints and not bools:
        return None
    return [(i, "integer" if c.name in ints else "boolean") for i, c in enumerate(tables.columns(kind))
            if c.name in ints or c.name in bools]


def cells(kind: str, obj: dict, now: datetime, typed: list[tuple[int, str]] | None = None) -> list:
    """The row's cells as the apiserver sends them: litekube get's text, with the integer and boolean
    cells as JSON numbers and booleans."""
    out: list = tables.row(obj, now)
    for index, type_ in typed or ():
        text = out[index]
        if type_ == "integer" and text.lstrip("-").isdigit():
            out[index] = int(text)
        elif type_ == "boolean" and text in ("true", "false"):
            out[index] = text == "true"
    return out


# printPod's row conditions for a pod that has run to its end (podSuccessConditions, podFailedConditions)
_POD_DONE = {
    "Succeeded": {"type": "Completed", "status": "True", "reason": "Succeeded",
                  "message": "The pod has completed successfully."},
    "Failed": {"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."},
}


def _row_object(obj: dict, include: str, api_version: str = "") -> dict | None:
    if include == "None":
        return None
    if include == "Object":  # in the version requested (the metadata of the others is the stored object's)
        obj = zerovalues.served(obj)
        return conversion.to_version(obj, api_version) if api_version else obj
    meta = obj.get("metadata") or {}
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta}


def table(kind: str, objs: list[dict], now: datetime, resource_version: str = "", include: str = "Metadata",
          headers: bool = True, continue_token: str = "", remaining: int | None = None,
          api_version: str = "") -> dict:
    """A meta.k8s.io/v1 Table of `objs` (all of `kind`)."""
    rows = []
    typed = _typed(kind)
    for obj in objs:
        row: dict = {"cells": cells(kind, obj, now, typed)}
        if kind == "Pod" and (obj.get("status") or {}).get("phase") in _POD_DONE:
            row["conditions"] = [_POD_DONE[obj["status"]["phase"]]]
        embedded = _row_object(obj, include, api_version)
        if embedded is not None:
            row["object"] = embedded
        rows.append(row)
    metadata: dict = {"resourceVersion": resource_version}
    if continue_token:
        metadata["continue"] = continue_token
    if remaining is not None:
        metadata["remainingItemCount"] = remaining
    out: dict = {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata}
    out["columnDefinitions"] = column_definitions(kind) if headers else []
    out["rows"] = rows
    return out
