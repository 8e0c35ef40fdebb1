"""Converting objects written in another served version to the stored one, as the apiserver does.

No I/O happens here. The one such version is autoscaling/v1 for the
HorizontalPodAutoscaler (stored as autoscaling/v2), after
pkg/apis/autoscaling/v1/conversion.go:

- `spec.targetCPUUtilizationPercentage` becomes a `Resource` cpu metric
  with a `Utilization` target, placed after the metrics the
  `autoscaling.alpha.kubernetes.io/metrics` annotation carries (in the
  autoscaling/v1 `MetricSpec` shape: `targetAverageUtilization`,
  `metricName`, ...); with neither, the metric is cpu at 80%.
- `autoscaling.alpha.kubernetes.io/behavior` (JSON of the behavior, its
  keys matched case-insensitively as Go's decoder matches them) becomes
  `spec.behavior`.
- the status annotations (`.../current-metrics`, `.../conditions`) only
  carry status, which a write to the main resource cannot set; they are
  dropped like the others.

The annotations are removed from the stored object. A malformed annotation
is a BadRequest worded as the apiserver's decoding errors.
"""
from __future__ import annotations

import json
from typing import Any

from litekube import errors
from litekube.model import values

__all__ = ["to_stored", "METRICS_ANNOTATION", "BEHAVIOR_ANNOTATION", "CONDITIONS_ANNOTATION",
           "CURRENT_METRICS_ANNOTATION", "DEFAULT_CPU_UTILIZATION"]

METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics"
CURRENT_METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics"
CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions"
BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior"
_ROUND_TRIP = (METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION)
DEFAULT_CPU_UTILIZATION = 80  # autoscaling.DefaultCPUUtilization

# The field names of HorizontalPodAutoscalerBehavior, for Go's case-insensitive key matching.
_BEHAVIOR_FIELDS = {name.lower(): name for name in (
    "scaleUp", "scaleDown", "stabilizationWindowSeconds", "selectPolicy", "policies", "type", "value",
    "periodSeconds")}


def _bad(message: str) -> errors.BadRequest:
    return errors.BadRequest(
        f'HorizontalPodAutoscaler in version "v1" cannot be handled as a HorizontalPodAutoscaler: {message}')


def _decode(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise _bad(f"error decoding annotation: {exc}") from None


def _v1_target(utilization: Any, average: Any) -> dict:
    """Convert_v1_ResourceMetricSource_To_autoscaling: Utilization when a percentage is given."""
    target: dict[str, Any] = {"type": "AverageValue" if utilization is None else "Utilization"}
    if average is not None:
        target["averageValue"] = average
    if utilization is not None:
        target["averageUtilization"] = utilization
    return target


def _metric_from_v1(metric: Any) -> dict:
    """One autoscaling/v1 MetricSpec (the annotation's shape) as an autoscaling/v2 MetricSpec."""
    if not isinstance(metric, dict):
        raise _bad("json: cannot unmarshal into Go value of type v1.MetricSpec")
    out: dict[str, Any] = {"type": metric.get("type", "")}
    if isinstance(metric.get("resource"), dict):
        src = metric["resource"]
        out["resource"] = {"name": src.get("name", ""),
                           "target": _v1_target(src.get("targetAverageUtilization"), src.get("targetAverageValue"))}
    if isinstance(metric.get("containerResource"), dict):
        src = metric["containerResource"]
        out["containerResource"] = {
            "name": src.get("name", ""), "container": src.get("container", ""),
            "target": _v1_target(src.get("targetAverageUtilization"), src.get("targetAverageValue"))}
    if isinstance(metric.get("pods"), dict):
        src = metric["pods"]
        out["pods"] = {"metric": _identifier(src.get("metricName"), src.get("selector")),
                       "target": {"type": "AverageValue", **_some("averageValue", src.get("targetAverageValue"))}}
    if isinstance(metric.get("object"), dict):
        src = metric["object"]
        average = src.get("averageValue")
        out["object"] = {"describedObject": src.get("target") or {},
                         "metric": _identifier(src.get("metricName"), src.get("selector")),
                         "target": {"type": "Value" if average is None else "AverageValue",
                                    "value": src.get("targetValue", "0"), **_some("averageValue", average)}}
    if isinstance(metric.get("external"), dict):
        src = metric["external"]
        value = src.get("targetValue")
        out["external"] = {"metric": _identifier(src.get("metricName"), src.get("metricSelector")),
                           "target": {"type": "AverageValue" if value is None else "Value",
                                      **_some("value", value),
                                      **_some("averageValue", src.get("targetAverageValue"))}}
    return out


def _some(key: str, value: Any) -> dict:
    return {} if value is None else {key: value}


def _identifier(name: Any, selector: Any) -> dict:
    return {"name": name or "", **_some("selector", selector)}


def _behavior_keys(value: Any) -> Any:
    """The behavior JSON with its keys spelled as the v2 fields (Go matches names case-insensitively)."""
    if isinstance(value, dict):
        return {_BEHAVIOR_FIELDS.get(str(k).lower(), k): _behavior_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_behavior_keys(v) for v in value]
    return value


def to_stored(obj: dict) -> dict:
    """`obj` in the version its kind is stored in: a converted copy, or `obj` itself if already there."""
    if obj.get("kind") != "HorizontalPodAutoscaler" or obj.get("apiVersion") != "autoscaling/v1":
        return obj
    source = values.clone(obj)
    meta = source.get("metadata") if isinstance(source.get("metadata"), dict) else {}
    annotations = dict(meta.get("annotations") or {})
    spec = source.get("spec") if isinstance(source.get("spec"), dict) else {}
    out_spec: dict[str, Any] = {key: spec[key] for key in ("scaleTargetRef", "minReplicas", "maxReplicas")
                                if key in spec}
    metrics: list[dict] = []
    if METRICS_ANNOTATION in annotations:
        decoded = _decode(str(annotations[METRICS_ANNOTATION]))
        if not isinstance(decoded, list):
            raise _bad("json: cannot unmarshal object into Go value of type []v1.MetricSpec")
        metrics = [_metric_from_v1(m) for m in decoded]
    if spec.get("targetCPUUtilizationPercentage") is not None:
        metrics.append({"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": spec["targetCPUUtilizationPercentage"]}}})
    if not metrics:
        metrics = [{"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION}}}]
    out_spec["metrics"] = metrics
    if BEHAVIOR_ANNOTATION in annotations:
        behavior = _behavior_keys(_decode(str(annotations[BEHAVIOR_ANNOTATION])))
        if not isinstance(behavior, dict):
            raise _bad("json: cannot unmarshal into Go value of type autoscaling.HorizontalPodAutoscalerBehavior")
        out_spec["behavior"] = behavior
    for key in _ROUND_TRIP:
        annotations.pop(key, None)
    out_meta = dict(meta)
    if annotations:
        out_meta["annotations"] = annotations
    else:
        out_meta.pop("annotations", None)
    converted: dict[str, Any] = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                                 "metadata": out_meta, "spec": out_spec}
    status = source.get("status") if isinstance(source.get("status"), dict) else None
    if status is not None:
        converted["status"] = {k: status[k] for k in ("observedGeneration", "lastScaleTime", "currentReplicas",
                                                      "desiredReplicas") if k in status}
    return converted
