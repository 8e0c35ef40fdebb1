"""Field descriptions shared by every kind: ObjectMeta, LabelSelector, conditions.

No I/O happens here. Written after k8s.io/apimachinery/pkg/apis/meta/v1/types.go.
"""
from __future__ import annotations

from litekube.model.schemas.types import (
    BOOL,
    FREE,
    INT64,
    MAP_STRING,
    STRING,
    STRINGS,
    TIME,
    ListOf,
    Spec,
    Struct,
    named,
    struct,
)

__all__ = ["OBJECT_META", "LABEL_SELECTOR", "LIST_META", "OWNER_REFERENCE", "condition",
           "top_level", "LOCAL_OBJECT_REFERENCE"]

OWNER_REFERENCE = struct(
    "OwnerReference", apiVersion=STRING, kind=STRING, name=STRING, uid=named("types.UID"),
    controller=BOOL, blockOwnerDeletion=BOOL)

_MANAGED_FIELDS_ENTRY = struct(
    "ManagedFieldsEntry", manager=STRING, operation=named("v1.ManagedFieldsOperationType"),
    apiVersion=STRING, time=TIME, fieldsType=STRING, fieldsV1=FREE, subresource=STRING)

OBJECT_META = struct(
    "ObjectMeta", name=STRING, generateName=STRING, namespace=STRING, selfLink=STRING,
    uid=named("types.UID"), resourceVersion=STRING, generation=INT64, creationTimestamp=TIME,
    deletionTimestamp=TIME, deletionGracePeriodSeconds=INT64, labels=MAP_STRING,
    annotations=MAP_STRING, ownerReferences=ListOf(OWNER_REFERENCE), finalizers=STRINGS,
    managedFields=ListOf(_MANAGED_FIELDS_ENTRY))

LIST_META = struct("ListMeta", selfLink=STRING, resourceVersion=STRING, remainingItemCount=INT64)
LIST_META.fields["continue"] = STRING

LABEL_SELECTOR = struct(
    "LabelSelector", matchLabels=MAP_STRING,
    matchExpressions=ListOf(struct(
        "LabelSelectorRequirement", key=STRING, operator=named("v1.LabelSelectorOperator"),
        values=STRINGS)))

LOCAL_OBJECT_REFERENCE = struct("LocalObjectReference", name=STRING)


def condition(name: str, type_go: str = "string", status_go: str = "v1.ConditionStatus",
              probe: bool = False) -> Struct:
    """A status condition: type, status, reason, message, timestamps."""
    extra = {"lastProbeTime": TIME} if probe else {}
    return struct(name, type=named(type_go), status=named(status_go), reason=STRING,
                  message=STRING, lastTransitionTime=TIME, observedGeneration=INT64, **extra)


def top_level(kind: str, **fields: Spec) -> Struct:
    """A kind's top-level struct: TypeMeta inline, metadata, then its own fields."""
    return struct(kind, apiVersion=STRING, kind=STRING, metadata=OBJECT_META,
                  **fields)

