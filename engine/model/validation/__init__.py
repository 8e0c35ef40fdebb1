"""Validation of objects as the apiserver's ValidateXxx / ValidateXxxUpdate do it.

No I/O happens here. `validate` collects every field error for an object
(metadata first, then the kind's own rules, then the update rules) and
raises one errors.Invalid carrying them all, deduplicated as Go's
aggregate prints them. It expects a defaulted object, as upstream does:
call defaults.apply_defaults first.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from litekube import errors
from litekube.model import kinds
from litekube.model.validation import access as validation_access
from litekube.model.validation import apps as validation_apps
from litekube.model.validation import autoscaling as validation_autoscaling
from litekube.model.validation import batch as validation_batch
from litekube.model.validation import core as validation_core
from litekube.model.validation import corekinds as validation_corekinds
from litekube.model.validation import policy as validation_policy
from litekube.model.validation import storage as validation_storage
from litekube.model.validation.fields import Errs, validate_object_meta
from litekube.model.validation.pods import validate_pod_spec

__all__ = ["validate", "causes"]

Validator = Callable[[Errs, Mapping[str, Any]], None]
UpdateValidator = Callable[[Errs, Mapping[str, Any], Mapping[str, Any]], None]


def _validate_pod(errs: Errs, obj: Mapping[str, Any]) -> None:
    validate_pod_spec(errs, obj.get("spec") or {}, "spec")


_POD_UPDATE_MESSAGE = (
    "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,"
    "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)")


def _validate_pod_update(errs: Errs, obj: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    """ValidatePodUpdate: a pod's spec is immutable but for images, the deadline and added tolerations.

    (Upstream appends a diff of the specs to the message; litekube leaves it out.)
    """
    new_spec, old_spec = dict(obj.get("spec") or {}), dict(old.get("spec") or {})
    for spec in (new_spec, old_spec):
        for field in ("containers", "initContainers"):
            spec[field] = [{k: v for k, v in c.items() if k != "image"} for c in spec.get(field) or []]
        spec.pop("activeDeadlineSeconds", None)
        spec.pop("tolerations", None)
    # The binding subresource sets nodeName once; a client may not change or clear it.
    old_tolerations = list((old.get("spec") or {}).get("tolerations") or [])
    new_tolerations = list((obj.get("spec") or {}).get("tolerations") or [])
    removed = any(t not in new_tolerations for t in old_tolerations)
    if new_spec != old_spec or removed:
        errs.forbidden("spec", _POD_UPDATE_MESSAGE)


_VALIDATORS: dict[str, Validator] = {
    "Pod": _validate_pod, **validation_apps.VALIDATORS, **validation_core.VALIDATORS,
    **validation_policy.VALIDATORS, **validation_corekinds.VALIDATORS, **validation_access.VALIDATORS,
    **validation_autoscaling.VALIDATORS,
    **validation_batch.VALIDATORS, **validation_storage.VALIDATORS,
}
_UPDATE_VALIDATORS: dict[str, UpdateValidator] = {
    "Pod": _validate_pod_update, **validation_apps.UPDATE_VALIDATORS, **validation_core.UPDATE_VALIDATORS,
    **validation_corekinds.UPDATE_VALIDATORS, **validation_access.UPDATE_VALIDATORS,
    **validation_autoscaling.UPDATE_VALIDATORS, **validation_policy.UPDATE_VALIDATORS,
    **validation_batch.UPDATE_VALIDATORS, **validation_storage.UPDATE_VALIDATORS,
}


def causes(obj: Mapping[str, Any], old: Mapping[str, Any] | None = None) -> list[errors.Cause]:
    """Every field error of `obj` (an update of `old` when given), in upstream's order."""
    kind = kinds.lookup(obj.get("kind", ""))
    errs = Errs()
    if old is not None:
        update = _UPDATE_VALIDATORS.get(kind.kind)
        if update is not None and kind.kind in ("Service", "ConfigMap", "Secret"):
            update(errs, obj, old)  # core's update checks come before the object's own
    validate_object_meta(errs, obj.get("metadata") or {}, kind.kind, kind.namespaced)
    validator = _VALIDATORS.get(kind.kind)
    if validator is not None and not (old is not None and kind.kind in validation_batch.UPDATES_REPLACE_CREATE):
        validator(errs, obj)
    if old is not None:
        update = _UPDATE_VALIDATORS.get(kind.kind)
        if update is not None and kind.kind not in ("Service", "ConfigMap", "Secret"):
            update(errs, obj, old)
    unique: dict[str, errors.Cause] = {}
    for cause in errs:
        unique.setdefault(str(cause), cause)
    return list(unique.values())


def validate(obj: dict[str, Any], old: dict[str, Any] | None = None) -> None:
    """None when `obj` is valid; raises errors.Invalid(kind, name, causes) otherwise."""
    found = causes(obj, old)
    if found:
        name = (obj.get("metadata") or {}).get("name") or ""
        raise errors.Invalid(obj.get("kind", ""), name, found)
