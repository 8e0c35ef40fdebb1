"""Validation of HorizontalPodAutoscaler (autoscaling/v2) and ReplicationController.

No I/O happens here. Worded as pkg/apis/autoscaling/validation (v1.32:
HPAScaleToZero off, HPAContainerMetrics GA) and pkg/apis/core/validation's
ValidateReplicationController. Values render as the apiserver's field
errors render them: pointers dereferenced, a Quantity as Go's `%#v` of the
struct (it has no value-receiver String method).
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping

from litekube.errors import Raw
from litekube.model import names, quantities, selectors
from litekube.model.validation.fields import Errs, go_map, nonnegative
from litekube.model.validation.pods import validate_pod_template_spec

__all__ = ["VALIDATORS", "UPDATE_VALIDATORS", "MAX_PERIOD_SECONDS", "MAX_STABILIZATION_WINDOW_SECONDS",
           "go_quantity"]

MAX_PERIOD_SECONDS = 1800
MAX_STABILIZATION_WINDOW_SECONDS = 3600
_METRIC_TYPES = ("ContainerResource", "External", "Object", "Pods", "Resource")
_SOURCE_FIELDS = (("object", "Object"), ("external", "External"), ("pods", "Pods"), ("resource", "Resource"),
                  ("containerResource", "ContainerResource"))
_SELECT_POLICIES = ("Disabled", "Max", "Min")
_POLICY_TYPES = ("Percent", "Pods")
_STANDARD_CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")


def go_quantity(value: Any) -> Raw:
    """A resource.Quantity as `%#v` prints it (the value the apiserver's field error shows)."""
    text = str(value)
    try:
        amount = quantities.parse(value)
    except ValueError:
        amount = Fraction(0)
    binary = any(text.endswith(s) for s in ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"))
    scale = 0
    while amount.denominator != 1 and scale > -9:
        amount *= 1000
        scale -= 3
    number = int(amount)
    while not binary and scale < 0 and number % 1000 == 0 and number:
        number //= 1000
        scale += 3
    fmt = "BinarySI" if binary else ("DecimalExponent" if "e" in text.lower() else "DecimalSI")
    return Raw(f"resource.Quantity{{i:resource.int64Amount{{value:{number}, scale:{scale}}}, "
               f"d:resource.infDecAmount{{Dec:(*inf.Dec)(nil)}}, s:\"\", Format:\"{fmt}\"}}")


def _positive_quantity(value: Any) -> bool:
    try:
        return quantities.parse(value) > 0
    except ValueError:
        return False


def _path_segment(errs: Errs, value: str, path: str) -> None:
    """IsValidPathSegmentName."""
    if value in (".", ".."):
        errs.invalid(path, value, f"may not be '{value}'")
        return
    for bad in ("/", "%"):
        if bad in value:
            errs.invalid(path, value, f"may not contain '{bad}'")


def _cross_version_ref(errs: Errs, ref: Mapping[str, Any], path: str) -> None:
    for key in ("kind", "name"):
        if not ref.get(key):
            errs.required(f"{path}.{key}")
        else:
            _path_segment(errs, str(ref[key]), f"{path}.{key}")


def _metric_target(errs: Errs, target: Mapping[str, Any], path: str) -> None:
    kind = target.get("type") or ""
    if not kind:
        errs.required(f"{path}.type", "must specify a metric target type")
    if kind not in ("Utilization", "Value", "AverageValue"):
        errs.invalid(f"{path}.type", kind, "must be either Utilization, Value, or AverageValue")
    for field in ("value", "averageValue"):
        if target.get(field) is not None and not _positive_quantity(target[field]):
            errs.invalid(f"{path}.{field}", go_quantity(target[field]), "must be positive")
    utilization = target.get("averageUtilization")
    if isinstance(utilization, int) and utilization < 1:
        errs.invalid(f"{path}.averageUtilization", utilization, "must be greater than 0")


def _metric_identifier(errs: Errs, metric: Mapping[str, Any], path: str) -> None:
    if not metric.get("name"):
        errs.required(f"{path}.name", "must specify a metric name")
    else:
        _path_segment(errs, str(metric["name"]), f"{path}.name")


def _object_source(errs: Errs, src: Mapping[str, Any], path: str) -> None:
    _cross_version_ref(errs, src.get("describedObject") or {}, f"{path}.describedObject")
    _metric_identifier(errs, src.get("metric") or {}, f"{path}.metric")
    target = src.get("target") or {}
    _metric_target(errs, target, f"{path}.target")
    if target.get("value") is None and target.get("averageValue") is None:
        errs.required(f"{path}.target.averageValue", "must set either a target value or averageValue")


def _external_source(errs: Errs, src: Mapping[str, Any], path: str) -> None:
    _metric_identifier(errs, src.get("metric") or {}, f"{path}.metric")
    target = src.get("target") or {}
    _metric_target(errs, target, f"{path}.target")
    if target.get("value") is None and target.get("averageValue") is None:
        errs.required(f"{path}.target.averageValue", "must set either a target value for metric or a per-pod target")
    if target.get("value") is not None and target.get("averageValue") is not None:
        errs.forbidden(f"{path}.target.value", "may not set both a target value for metric and a per-pod target")


def _pods_source(errs: Errs, src: Mapping[str, Any], path: str) -> None:
    _metric_identifier(errs, src.get("metric") or {}, f"{path}.metric")
    target = src.get("target") or {}
    _metric_target(errs, target, f"{path}.target")
    if target.get("averageValue") is None:
        errs.required(f"{path}.target.averageValue", "must specify a positive target averageValue")


def _utilization_or_value(errs: Errs, target: Mapping[str, Any], path: str) -> None:
    if target.get("averageUtilization") is None and target.get("averageValue") is None:
        errs.required(f"{path}.target.averageUtilization", "must set either a target raw value or a target utilization")
    if target.get("averageUtilization") is not None and target.get("averageValue") is not None:
        errs.forbidden(f"{path}.target.averageValue", "may not set both a target raw value and a target utilization")


def _container_resource_name(errs: Errs, name: str, path: str) -> None:
    """ValidateContainerResourceName: a standard container resource, hugepages, or an extended resource."""
    for msg in names.is_qualified_name(name):
        errs.invalid(path, name, msg)
    standard = name in _STANDARD_CONTAINER_RESOURCES or name.startswith("hugepages-")
    extended = "/" in name and not name.split("/", 1)[0].endswith("kubernetes.io")
    if not standard and not extended:
        errs.invalid(path, name, "must be a standard resource for containers")


def _container_resource_source(errs: Errs, src: Mapping[str, Any], path: str) -> None:
    if not src.get("name"):
        errs.required(f"{path}.name", "must specify a resource name")
    else:
        _container_resource_name(errs, str(src["name"]), f"{path}.name")
    if not src.get("container"):
        errs.required(f"{path}.container", "must specify a container")
    else:
        for msg in names.is_dns1123_label(str(src["container"])):
            errs.invalid(f"{path}.container", src["container"], msg)
    target = src.get("target") or {}
    _metric_target(errs, target, f"{path}.target")
    _utilization_or_value(errs, target, path)


def _resource_source(errs: Errs, src: Mapping[str, Any], path: str) -> None:
    if not src.get("name"):
        errs.required(f"{path}.name", "must specify a resource name")
    target = src.get("target") or {}
    _metric_target(errs, target, f"{path}.target")
    _utilization_or_value(errs, target, path)


_SOURCE_VALIDATORS = {"object": _object_source, "external": _external_source, "pods": _pods_source,
                      "resource": _resource_source, "containerResource": _container_resource_source}


def _metric_spec(errs: Errs, metric: Mapping[str, Any], path: str) -> None:
    """validateMetricSpec: the type, the one source it names, and no other."""
    kind = metric.get("type") or ""
    if not kind:
        errs.required(f"{path}.type", "must specify a metric source type")
    if kind not in _METRIC_TYPES:
        errs.not_supported(f"{path}.type", kind, _METRIC_TYPES)
    present = []
    for field, _ in _SOURCE_FIELDS:
        if metric.get(field) is not None:
            present.append(field)
            if len(present) == 1:
                _SOURCE_VALIDATORS[field](errs, metric[field] or {}, f"{path}.{field}")
    expected = next((field for field, name in _SOURCE_FIELDS if name == kind), None)
    if expected is None:
        errs.not_supported(f"{path}.type", kind, _METRIC_TYPES)
    elif metric.get(expected) is None:
        errs.required(f"{path}.{expected}", "must populate information for the given metric source")
    if len(present) != 1:
        for field in present:
            if field != expected:
                errs.forbidden(f"{path}.{field}", "must populate the given metric source only")


def _scaling_rules(errs: Errs, rules: Mapping[str, Any] | None, path: str) -> None:
    if rules is None:
        return
    window = rules.get("stabilizationWindowSeconds")
    if isinstance(window, int) and window < 0:
        errs.invalid(f"{path}.stabilizationWindowSeconds", window, "must be greater than or equal to zero")
    if isinstance(window, int) and window > MAX_STABILIZATION_WINDOW_SECONDS:
        errs.invalid(f"{path}.stabilizationWindowSeconds", window,
                     f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}")
    select = rules.get("selectPolicy")
    if select is not None and select not in _SELECT_POLICIES:
        errs.not_supported(f"{path}.selectPolicy", select, _SELECT_POLICIES)
    policies = rules.get("policies") or []
    if not policies:
        errs.required(f"{path}.policies", "must specify at least one Policy")
    for i, policy in enumerate(policies):
        where = f"{path}.policies[{i}]"
        if policy.get("type") not in _POLICY_TYPES:
            errs.not_supported(f"{where}.type", policy.get("type") or "", _POLICY_TYPES)
        value, period = policy.get("value") or 0, policy.get("periodSeconds") or 0
        if value <= 0:
            errs.invalid(f"{where}.value", value, "must be greater than zero")
        if period <= 0:
            errs.invalid(f"{where}.periodSeconds", period, "must be greater than zero")
        if period > MAX_PERIOD_SECONDS:
            errs.invalid(f"{where}.periodSeconds", period, f"must be less than or equal to {MAX_PERIOD_SECONDS}")


def _hpa_spec(errs: Errs, spec: Mapping[str, Any], min_lower_bound: int) -> None:
    low, high = spec.get("minReplicas"), spec.get("maxReplicas") or 0
    if isinstance(low, int) and low < min_lower_bound:
        errs.invalid("spec.minReplicas", low, f"must be greater than or equal to {min_lower_bound}")
    if high < 1:
        errs.invalid("spec.maxReplicas", high, "must be greater than 0")
    if isinstance(low, int) and high < low:
        errs.invalid("spec.maxReplicas", high, "must be greater than or equal to `minReplicas`")
    _cross_version_ref(errs, spec.get("scaleTargetRef") or {}, "spec.scaleTargetRef")
    metrics = spec.get("metrics") or []
    for i, metric in enumerate(metrics):
        _metric_spec(errs, metric or {}, f"spec.metrics[{i}]")
    if low == 0 and not any((m or {}).get("type") in ("Object", "External") for m in metrics):
        errs.forbidden("spec.metrics", "must specify at least one Object or External metric to support "
                                       "scaling to zero replicas")
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        _scaling_rules(errs, behavior.get("scaleUp"), "spec.behavior.scaleUp")
        _scaling_rules(errs, behavior.get("scaleDown"), "spec.behavior.scaleDown")


def validate_hpa(errs: Errs, obj: Mapping[str, Any]) -> None:
    """ValidateHorizontalPodAutoscaler (minReplicas must be at least 1: HPAScaleToZero is off)."""
    _hpa_spec(errs, obj.get("spec") or {}, 1)


def validate_hpa_update(errs: Errs, obj: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    """ValidateHorizontalPodAutoscalerUpdate: an HPA that already has minReplicas 0 may keep it."""
    if ((old.get("spec") or {}).get("minReplicas")) == 0:
        errs[:] = [c for c in errs if not (c.field == "spec.minReplicas" and c.value == 0)]


def validate_replication_controller(errs: Errs, obj: Mapping[str, Any]) -> None:
    """ValidateReplicationControllerSpec: minReadySeconds, a non-empty selector, replicas, the template."""
    spec = obj.get("spec") or {}
    nonnegative(errs, spec.get("minReadySeconds"), "spec.minReadySeconds")
    selector = spec.get("selector") or {}
    if not selector:
        errs.required("spec.selector")
    nonnegative(errs, spec.get("replicas"), "spec.replicas")
    template = spec.get("template")
    if template is None:
        errs.required("spec.template")
        return
    labels = (template.get("metadata") or {}).get("labels")
    if selector and not selectors.from_set(selector).matches(labels or {}):
        errs.invalid("spec.template.metadata.labels", go_map(labels), "`selector` does not match template `labels`")
    validate_pod_template_spec(errs, template, "spec.template")
    restart = (template.get("spec") or {}).get("restartPolicy", "Always")
    if restart != "Always":
        errs.not_supported("spec.template.spec.restartPolicy", restart, ("Always",))
    if (template.get("spec") or {}).get("activeDeadlineSeconds") is not None:
        errs.forbidden("spec.template.spec.activeDeadlineSeconds",
                       "activeDeadlineSeconds in ReplicationController is not Supported")


VALIDATORS = {"HorizontalPodAutoscaler": validate_hpa, "ReplicationController": validate_replication_controller}
UPDATE_VALIDATORS = {"HorizontalPodAutoscaler": validate_hpa_update}
