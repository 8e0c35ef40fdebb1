"""Validation of ServiceAccount, LimitRange, ResourceQuota, PodTemplate, PriorityClass, RuntimeClass.

No I/O happens here. Worded as pkg/apis/core/validation/validation.go
(ValidateLimitRange, ValidateResourceQuota, ValidatePodTemplate),
pkg/apis/scheduling/validation and pkg/apis/node/validation.
"""
from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from litekube.errors import Raw
from litekube.model import names, quantities, resourcelists
from litekube.model.validation.fields import Errs, go_quote, validate_labels
from litekube.model.validation.pods import validate_pod_template_spec, validate_tolerations

__all__ = [
    "HIGHEST_USER_DEFINABLE_PRIORITY",
    "QUOTA_SCOPES",
    "STANDARD_QUOTA_RESOURCES",
    "SYSTEM_PRIORITY_CLASSES",
    "UPDATE_VALIDATORS",
    "VALIDATORS",
]

HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000
# scheduling.SystemPriorityClasses(): name -> value (neither is a global default).
SYSTEM_PRIORITY_CLASSES = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}
_PREEMPTION_POLICIES = ("Never", "PreemptLowerPriority")
_LIMIT_TYPES_CONTAINER = ("cpu", "memory", "ephemeral-storage")
QUOTA_SCOPES = ("BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating",
                "PriorityClass", "Terminating", "VolumeAttributesClass")
STANDARD_QUOTA_RESOURCES = (
    "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
    "persistentvolumeclaims", "services.nodeports", "services.loadbalancers", "cpu", "memory",
    "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage")
# Resources whose quota must be a whole number (IsIntegerResourceName).
_INTEGER_QUOTA_RESOURCES = ("pods", "services", "replicationcontrollers", "resourcequotas", "secrets",
                            "configmaps", "persistentvolumeclaims", "services.nodeports",
                            "services.loadbalancers")
# Resources each scope can limit (pkg/apis/core/helper/qos + quota scope helpers).
_POD_COMPUTE = ("pods", "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory",
                "ephemeral-storage", "requests.ephemeral-storage", "limits.ephemeral-storage")


def _quantity(value: Any) -> Fraction | None:
    try:
        return quantities.parse(value)
    except (ValueError, TypeError):
        return None


def _show(value: Any) -> str:
    try:
        return resourcelists.canonical(value)
    except (ValueError, TypeError):
        return str(value)


# -- LimitRange ---------------------------------------------------------------------

def _limit_resource_name(errs: Errs, limit_type: str, name: str, path: str) -> None:
    """validateLimitRangeResourceName: container resources for Pod/Container, storage for claims."""
    before = len(errs)
    errs.messages(path, name, names.is_qualified_name(name))
    if len(errs) != before or "/" in name:
        return
    if limit_type == "PersistentVolumeClaim":
        if name != "storage":
            errs.invalid(path, name, "must be a standard limit type or fully qualified")
    elif name not in _LIMIT_TYPES_CONTAINER and not name.startswith("hugepages-"):
        errs.invalid(path, name, "must be a standard limit type or fully qualified")


def validate_limit_range(errs: Errs, obj: Mapping[str, Any]) -> None:
    """ValidateLimitRange: each item's names, then min <= defaultRequest <= default <= max, ratios."""
    seen: set[str] = set()
    for i, limit in enumerate((obj.get("spec") or {}).get("limits") or []):
        path = f"spec.limits[{i}]"
        limit_type = str(limit.get("type") or "")
        errs.messages(f"{path}.type", limit_type, names.is_qualified_name(limit_type))
        if limit_type in seen:
            errs.duplicate(f"{path}.type", limit_type)
        seen.add(limit_type)
        fields: dict[str, dict[str, Any]] = {}
        for field in ("max", "min"):
            fields[field] = dict(limit.get(field) or {})
            for name in fields[field]:
                _limit_resource_name(errs, limit_type, name, f"{path}.{field}[{name}]")
        if limit_type == "Pod":
            if limit.get("default"):
                errs.forbidden(f"{path}.default", "may not be specified when `type` is 'Pod'")
            if limit.get("defaultRequest"):
                errs.forbidden(f"{path}.defaultRequest", "may not be specified when `type` is 'Pod'")
            fields["default"], fields["defaultRequest"] = {}, {}
        else:
            for field in ("default", "defaultRequest"):
                fields[field] = dict(limit.get(field) or {})
                for name in fields[field]:
                    _limit_resource_name(errs, limit_type, name, f"{path}.{field}[{name}]")
        if limit_type == "PersistentVolumeClaim" and "storage" not in fields["min"] and "storage" not in fields["max"]:
            errs.required(f"{path}.limits", "either minimum or maximum storage value is required, but neither "
                                            "was provided")
        fields["maxLimitRequestRatio"] = dict(limit.get("maxLimitRequestRatio") or {})
        for name in fields["maxLimitRequestRatio"]:
            _limit_resource_name(errs, limit_type, name, f"{path}.maxLimitRequestRatio[{name}]")
        keys = sorted({k for f in fields.values() for k in f})
        for key in keys:
            _limit_item_order(errs, path, key, fields)


def _limit_item_order(errs: Errs, path: str, key: str, fields: dict[str, dict[str, Any]]) -> None:
    got = {f: _quantity(v[key]) for f, v in fields.items() if key in v}
    shown = {f: _show(v[key]) for f, v in fields.items() if key in v}
    low, high = got.get("min"), got.get("max")
    default, request, ratio = got.get("default"), got.get("defaultRequest"), got.get("maxLimitRequestRatio")
    if low is not None and high is not None and low > high:
        errs.invalid(f"{path}.min[{key}]", shown["min"],
                     f"min value {shown['min']} is greater than max value {shown['max']}")
    if request is not None and low is not None and low > request:
        errs.invalid(f"{path}.defaultRequest[{key}]", shown["defaultRequest"],
                     f"min value {shown['min']} is greater than default request value {shown['defaultRequest']}")
    if request is not None and high is not None and request > high:
        errs.invalid(f"{path}.defaultRequest[{key}]", shown["defaultRequest"],
                     f"default request value {shown['defaultRequest']} is greater than max value {shown['max']}")
    if request is not None and default is not None and request > default:
        errs.invalid(f"{path}.defaultRequest[{key}]", shown["defaultRequest"],
                     f"default request value {shown['defaultRequest']} is greater than default limit value "
                     f"{shown['default']}")
    if default is not None and low is not None and low > default:
        errs.invalid(f"{path}.default[{key}]", shown["min"],
                     f"min value {shown['min']} is greater than default value {shown['default']}")
    if default is not None and high is not None and default > high:
        errs.invalid(f"{path}.default[{key}]", shown["max"],
                     f"default value {shown['default']} is greater than max value {shown['max']}")
    if ratio is not None and ratio < 1:
        errs.invalid(f"{path}.maxLimitRequestRatio[{key}]", shown["maxLimitRequestRatio"],
                     f"ratio {shown['maxLimitRequestRatio']} is less than 1")
    if ratio is not None and low is not None and high is not None and low > 0:
        limit = high / low
        if ratio > limit:
            errs.invalid(f"{path}.maxLimitRequestRatio[{key}]", shown["maxLimitRequestRatio"],
                         f"ratio {shown['maxLimitRequestRatio']} is greater than max/min = {float(limit):f}")


# -- ResourceQuota ------------------------------------------------------------------

def _quota_resource_name(errs: Errs, name: str, path: str) -> None:
    """ValidateResourceQuotaResourceName."""
    before = len(errs)
    errs.messages(path, name, names.is_qualified_name(name))
    if len(errs) != before:
        return
    if "/" not in name and name not in STANDARD_QUOTA_RESOURCES and not name.startswith(
            ("hugepages-", "requests.hugepages-")):
        errs.invalid(path, name, "must be a standard resource for quota")


def _scope_resources(scope: str) -> tuple[str, ...] | None:
    """The resources a scope may limit; None for scopes that take any pod resource."""
    if scope in ("Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"):
        return _POD_COMPUTE
    if scope == "BestEffort":
        return ("pods",)
    return None


def validate_resource_quota(errs: Errs, obj: Mapping[str, Any]) -> None:
    """ValidateResourceQuota: hard names and values, then the scopes."""
    spec = obj.get("spec") or {}
    for name, value in (spec.get("hard") or {}).items():
        path = f"spec.hard[{name}]"
        _quota_resource_name(errs, name, path)
        _quota_value(errs, name, value, path)
    for name, value in ((obj.get("status") or {}).get("hard") or {}).items():
        _quota_value(errs, name, value, f"status.hard[{name}]")
    scopes = list(spec.get("scopes") or [])
    selector_scopes = [e.get("scopeName", "") for e in (spec.get("scopeSelector") or {}).get("matchExpressions") or []]
    if scopes:
        bad = [s for s in scopes if s not in QUOTA_SCOPES]
        value = Raw("[]core.ResourceQuotaScope{" + ", ".join(go_quote(s) for s in scopes) + "}")
        if bad:
            errs.invalid("spec.scopes", value, "unsupported scope")
        for name in spec.get("hard") or {}:
            for scope in scopes:
                allowed = _scope_resources(scope)
                if allowed is not None and name not in allowed and not name.startswith("count/"):
                    errs.invalid("spec.scopes", value, "unsupported scope applied to resource")
                    break
        every = set(scopes) | set(selector_scopes)
        if {"Terminating", "NotTerminating"} <= every or {"BestEffort", "NotBestEffort"} <= every:
            errs.invalid("spec.scopes", value, "conflicting scopes")
    for i, expr in enumerate((spec.get("scopeSelector") or {}).get("matchExpressions") or []):
        path = f"spec.scopeSelector.matchExpressions[{i}]"
        if expr.get("scopeName") not in QUOTA_SCOPES:
            errs.invalid(f"{path}.scopeName", expr.get("scopeName", ""), "unsupported scope")
        operator = expr.get("operator", "")
        if operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            errs.invalid(f"{path}.operator", operator, "not a valid selector operator")
        elif operator in ("In", "NotIn") and not expr.get("values"):
            errs.required(f"{path}.values", "must be at least one value when `operator` is 'In' or 'NotIn' for "
                                            "scope selector")
        elif operator in ("Exists", "DoesNotExist") and expr.get("values"):
            errs.invalid(f"{path}.values", Raw(str(expr.get("values"))),
                         "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector")


def _quota_value(errs: Errs, name: str, value: Any, path: str) -> None:
    """ValidateResourceQuantityValue: not negative; whole for the object counts."""
    amount = _quantity(value)
    if amount is None:
        return
    if amount < 0:
        errs.invalid(path, _show(value), "must be greater than or equal to 0")
    if (name in _INTEGER_QUOTA_RESOURCES or name.startswith("count/")) and amount.denominator != 1:
        errs.invalid(path, _show(value), "must be an integer")


# -- PodTemplate, ServiceAccount -----------------------------------------------------

def validate_pod_template(errs: Errs, obj: Mapping[str, Any]) -> None:
    validate_pod_template_spec(errs, obj.get("template") or {}, "template")


# -- PriorityClass, RuntimeClass -------------------------------------------------------

def validate_priority_class(errs: Errs, obj: Mapping[str, Any]) -> None:
    """ValidatePriorityClass: `system-` names are reserved, user values end at 1e9."""
    name = (obj.get("metadata") or {}).get("name") or ""
    value = obj.get("value") or 0
    if name.startswith("system-"):
        problem = None
        if name not in SYSTEM_PRIORITY_CLASSES:
            problem = f"{name} is not a known system priority class"
        elif SYSTEM_PRIORITY_CLASSES[name] != value:
            problem = f"value of {name} PriorityClass must be {SYSTEM_PRIORITY_CLASSES[name]}"
        elif obj.get("globalDefault"):
            problem = f"globalDefault of {name} PriorityClass must be false"
        if problem:
            errs.forbidden("metadata.name", "priority class names with 'system-' prefix are reserved for system "
                                            f"use only. error: {problem}")
    elif value > HIGHEST_USER_DEFINABLE_PRIORITY:
        errs.forbidden("value", f"maximum allowed value of a user defined priority is "
                                f"{HIGHEST_USER_DEFINABLE_PRIORITY}")
    policy = obj.get("preemptionPolicy")
    if policy is not None and policy not in _PREEMPTION_POLICIES:
        errs.not_supported("preemptionPolicy", policy, _PREEMPTION_POLICIES)


def validate_priority_class_update(errs: Errs, obj: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    if obj.get("value") != old.get("value"):
        errs.forbidden("value", "may not be changed in an update.")
    if obj.get("preemptionPolicy") != old.get("preemptionPolicy"):
        errs.invalid("preemptionPolicy", obj.get("preemptionPolicy"), "field is immutable")


def validate_runtime_class(errs: Errs, obj: Mapping[str, Any]) -> None:
    """ValidateRuntimeClass: the handler is a DNS label; scheduling labels and tolerations."""
    handler = obj.get("handler") or ""
    if not handler:
        errs.required("handler")
    else:
        errs.messages("handler", handler, names.is_dns1123_label(handler))
    for name, value in ((obj.get("overhead") or {}).get("podFixed") or {}).items():
        amount = _quantity(value)
        if amount is not None and amount < 0:
            errs.invalid(f"overhead.podFixed[{name}]", _show(value), "must be greater than or equal to 0")
    scheduling = obj.get("scheduling") or {}
    validate_labels(errs, scheduling.get("nodeSelector"), "scheduling.nodeSelector")
    validate_tolerations(errs, scheduling.get("tolerations") or [], "scheduling.tolerations")


def validate_runtime_class_update(errs: Errs, obj: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    if obj.get("handler") != old.get("handler"):
        errs.invalid("handler", obj.get("handler") or "", "field is immutable")


VALIDATORS = {
    "LimitRange": validate_limit_range,
    "ResourceQuota": validate_resource_quota,
    "PodTemplate": validate_pod_template,
    "PriorityClass": validate_priority_class,
    "RuntimeClass": validate_runtime_class,
}
UPDATE_VALIDATORS = {
    "PriorityClass": validate_priority_class_update,
    "RuntimeClass": validate_runtime_class_update,
}
