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
- `status.currentCPUUtilizationPercentage` becomes a cpu current metric;
  the status annotations (`.../current-metrics`, `.../conditions`) become
  `status.currentMetrics` and `status.conditions` (only a write to the
  status subresource keeps them).

The annotations are removed from the stored object. A malformed annotation
is a BadRequest worded as the apiserver's decoding errors.

`to_version` goes the other way, for answers in autoscaling/v1
(Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler):
the first cpu `Resource` metric with a utilization target is
`spec.targetCPUUtilizationPercentage`; every other metric rides in the
metrics annotation (v1 `MetricSpec` shape), `status.currentMetrics` in the
current-metrics annotation (the cpu one too, for its raw value), the
conditions in the conditions annotation, and the behavior in the behavior
annotation as Go marshals the internal type (its Go field names, no tags).
Annotation values are Go's `json.Marshal`: compact, HTML characters escaped.
"""
from __future__ import annotations

import json
from typing import Any

from litekube import errors
from litekube.model import values

__all__ = ["to_stored", "to_version", "METRICS_ANNOTATION", "BEHAVIOR_ANNOTATION", "CONDITIONS_ANNOTATION",
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
    if isinstance(value, dict):  # a null is Go's nil pointer or slice: no field
        return {_BEHAVIOR_FIELDS.get(str(k).lower(), k): _behavior_keys(v) for k, v in value.items()
                if v is not None}
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
        converted["status"] = _status_from_v1(status, dict(meta.get("annotations") or {}))
    return converted


def _status_from_v1(status: dict, annotations: dict) -> dict:
    """Convert_v1_HorizontalPodAutoscalerStatus: the cpu percentage is a current metric, unless the
    current-metrics annotation has them all; the conditions annotation holds the conditions."""
    out = {k: status[k] for k in ("observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas")
           if k in status}
    if status.get("currentCPUUtilizationPercentage") is not None:
        out["currentMetrics"] = [{"type": "Resource", "resource": {"name": "cpu", "current": {
            "averageUtilization": status["currentCPUUtilizationPercentage"]}}}]
    if CURRENT_METRICS_ANNOTATION in annotations:
        decoded = _decode(str(annotations[CURRENT_METRICS_ANNOTATION]))
        if not isinstance(decoded, list):
            raise _bad("json: cannot unmarshal object into Go value of type []v1.MetricStatus")
        out["currentMetrics"] = [_status_metric_from_v1(m) for m in decoded]
    if CONDITIONS_ANNOTATION in annotations:
        decoded = _decode(str(annotations[CONDITIONS_ANNOTATION]))
        if not isinstance(decoded, list) or not all(isinstance(c, dict) for c in decoded):
            raise _bad("json: cannot unmarshal object into Go value of type "
                       "[]v1.HorizontalPodAutoscalerCondition")
        out["conditions"] = [{k: c[k] for k in ("type", "status", "lastTransitionTime", "reason", "message")
                              if c.get(k) not in (None, "") or k in ("type", "status")} for c in decoded]
    return out


def _current(value: Any, average: Any, utilization: Any = None) -> dict:
    return {**_some("value", value), **_some("averageValue", average), **_some("averageUtilization", utilization)}


def _status_metric_from_v1(metric: Any) -> dict:
    """One autoscaling/v1 MetricStatus (the annotation's shape) as an autoscaling/v2 MetricStatus."""
    if not isinstance(metric, dict):
        raise _bad("json: cannot unmarshal into Go value of type v1.MetricStatus")
    out: dict[str, Any] = {"type": metric.get("type", "")}
    if isinstance(metric.get("object"), dict):
        src = metric["object"]
        out["object"] = {"describedObject": src.get("target") or {},
                         "metric": _identifier(src.get("metricName"), src.get("selector")),
                         "current": _current(src.get("currentValue", "0"), src.get("averageValue"))}
    if isinstance(metric.get("pods"), dict):
        src = metric["pods"]
        out["pods"] = {"metric": _identifier(src.get("metricName"), src.get("selector")),
                       "current": _current(None, src.get("currentAverageValue", "0"))}
    if isinstance(metric.get("resource"), dict):
        src = metric["resource"]
        out["resource"] = {"name": src.get("name", ""), "current": _current(
            None, src.get("currentAverageValue", "0"), src.get("currentAverageUtilization"))}
    if isinstance(metric.get("containerResource"), dict):
        src = metric["containerResource"]
        out["containerResource"] = {"name": src.get("name", ""), "container": src.get("container", ""),
                                    "current": _current(None, src.get("currentAverageValue", "0"),
                                                        src.get("currentAverageUtilization"))}
    if isinstance(metric.get("external"), dict):
        src = metric["external"]
        out["external"] = {"metric": _identifier(src.get("metricName"), src.get("metricSelector")),
                           "current": _current(src.get("currentValue", "0"), src.get("currentAverageValue"))}
    return out


# -- stored (autoscaling/v2) -> autoscaling/v1 ------------------------------------------------

def _go_json(value: Any) -> str:
    """encoding/json.Marshal: compact, with <, >, & and the line separators escaped."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _ref(obj: Any) -> dict:
    obj = _d(obj)
    return {"kind": obj.get("kind", ""), "name": obj.get("name", ""), **_some("apiVersion", obj.get("apiVersion") or None)}


def _metric_to_v1(metric: dict) -> dict:
    """Convert_autoscaling_MetricSpec_To_v1_MetricSpec, in the field order of the v1 Go types."""
    out: dict[str, Any] = {"type": metric.get("type", "")}
    if isinstance(metric.get("object"), dict):
        src = metric["object"]
        target, ident = _d(src.get("target")), _d(src.get("metric"))
        out["object"] = {"target": _ref(src.get("describedObject")), "metricName": ident.get("name", ""),
                         "targetValue": target.get("value") or "0", **_some("selector", ident.get("selector")),
                         **_some("averageValue", target.get("averageValue"))}
    if isinstance(metric.get("pods"), dict):
        src = metric["pods"]
        target, ident = _d(src.get("target")), _d(src.get("metric"))
        out["pods"] = {"metricName": ident.get("name", ""), "targetAverageValue": target.get("averageValue") or "0",
                       **_some("selector", ident.get("selector"))}
    if isinstance(metric.get("resource"), dict):
        src = metric["resource"]
        target = _d(src.get("target"))
        out["resource"] = {"name": src.get("name", ""),
                           **_some("targetAverageUtilization", target.get("averageUtilization")),
                           **_some("targetAverageValue", target.get("averageValue"))}
    if isinstance(metric.get("containerResource"), dict):
        src = metric["containerResource"]
        target = _d(src.get("target"))
        out["containerResource"] = {"name": src.get("name", ""),
                                    **_some("targetAverageUtilization", target.get("averageUtilization")),
                                    **_some("targetAverageValue", target.get("averageValue")),
                                    "container": src.get("container", "")}
    if isinstance(metric.get("external"), dict):
        src = metric["external"]
        target, ident = _d(src.get("target")), _d(src.get("metric"))
        out["external"] = {"metricName": ident.get("name", ""), **_some("metricSelector", ident.get("selector")),
                           **_some("targetValue", target.get("value")),
                           **_some("targetAverageValue", target.get("averageValue"))}
    return out


def _status_metric_to_v1(metric: dict) -> dict:
    """Convert_autoscaling_MetricStatus_To_v1_MetricStatus."""
    out: dict[str, Any] = {"type": metric.get("type", "")}
    if isinstance(metric.get("object"), dict):
        src = metric["object"]
        current, ident = _d(src.get("current")), _d(src.get("metric"))
        out["object"] = {"target": _ref(src.get("describedObject")), "metricName": ident.get("name", ""),
                         "currentValue": current.get("value") or "0", **_some("selector", ident.get("selector")),
                         **_some("averageValue", current.get("averageValue"))}
    if isinstance(metric.get("pods"), dict):
        src = metric["pods"]
        current, ident = _d(src.get("current")), _d(src.get("metric"))
        out["pods"] = {"metricName": ident.get("name", ""), "currentAverageValue": current.get("averageValue") or "0",
                       **_some("selector", ident.get("selector"))}
    if isinstance(metric.get("resource"), dict):
        src = metric["resource"]
        current = _d(src.get("current"))
        out["resource"] = {"name": src.get("name", ""),
                           **_some("currentAverageUtilization", current.get("averageUtilization")),
                           "currentAverageValue": current.get("averageValue") or "0"}
    if isinstance(metric.get("containerResource"), dict):
        src = metric["containerResource"]
        current = _d(src.get("current"))
        out["containerResource"] = {"name": src.get("name", ""),
                                    **_some("currentAverageUtilization", current.get("averageUtilization")),
                                    "currentAverageValue": current.get("averageValue") or "0",
                                    "container": src.get("container", "")}
    if isinstance(metric.get("external"), dict):
        src = metric["external"]
        current, ident = _d(src.get("current")), _d(src.get("metric"))
        out["external"] = {"metricName": ident.get("name", ""), **_some("metricSelector", ident.get("selector")),
                           "currentValue": current.get("value") or "0",
                           **_some("currentAverageValue", current.get("averageValue"))}
    return out


def _condition_to_v1(condition: dict) -> dict:
    # lastTransitionTime is a non-pointer metav1.Time: an unset one marshals as null
    return {"type": condition.get("type", ""), "status": condition.get("status", ""),
            "lastTransitionTime": condition.get("lastTransitionTime"),
            **_some("reason", condition.get("reason") or None), **_some("message", condition.get("message") or None)}


def _rules_internal(rules: Any) -> Any:
    """An HPAScalingRules as Go marshals the internal type: Go field names, nil pointers as null."""
    if not isinstance(rules, dict):
        return None
    policies = rules.get("policies")
    return {"StabilizationWindowSeconds": rules.get("stabilizationWindowSeconds"),
            "SelectPolicy": rules.get("selectPolicy"),
            "Policies": None if not isinstance(policies, list) else [
                {"Type": _d(p).get("type", ""), "Value": _d(p).get("value", 0),
                 "PeriodSeconds": _d(p).get("periodSeconds", 0)} for p in policies]}


def _is_cpu(metric: Any, side: str) -> bool:
    return isinstance(metric, dict) and metric.get("type") == "Resource" and isinstance(metric.get("resource"), dict) \
        and metric["resource"].get("name") == "cpu" and isinstance(metric["resource"].get(side), dict)


def to_version(obj: dict, api_version: str) -> dict:
    """The stored `obj` as `api_version` serves it: a converted copy, or `obj` itself when that is its version."""
    if obj.get("kind") != "HorizontalPodAutoscaler" or api_version != "autoscaling/v1" \
            or obj.get("apiVersion") == api_version:
        return obj
    meta = dict(_d(obj.get("metadata")))
    spec, status = _d(obj.get("spec")), _d(obj.get("status"))
    annotations = {k: v for k, v in _d(meta.get("annotations")).items() if k not in _ROUND_TRIP}
    metrics = [m for m in spec.get("metrics") or [] if isinstance(m, dict)]
    out_spec: dict[str, Any] = {"scaleTargetRef": _ref(spec.get("scaleTargetRef")),
                                **_some("minReplicas", spec.get("minReplicas")), "maxReplicas": spec.get("maxReplicas", 0)}
    for metric in metrics:
        if _is_cpu(metric, "target"):
            utilization = metric["resource"]["target"].get("averageUtilization")
            if utilization is not None:
                out_spec["targetCPUUtilizationPercentage"] = utilization
            break
    others = [_metric_to_v1(m) for m in metrics
              if not (_is_cpu(m, "target") and m["resource"]["target"].get("averageUtilization") is not None)]
    current = [m for m in status.get("currentMetrics") or [] if isinstance(m, dict)]
    conditions = [c for c in status.get("conditions") or [] if isinstance(c, dict)]
    if others:
        annotations[METRICS_ANNOTATION] = _go_json(others)
    if current:
        annotations[CURRENT_METRICS_ANNOTATION] = _go_json([_status_metric_to_v1(m) for m in current])
    if isinstance(spec.get("behavior"), dict):
        behavior = spec["behavior"]
        annotations[BEHAVIOR_ANNOTATION] = _go_json({"ScaleUp": _rules_internal(behavior.get("scaleUp")),
                                                     "ScaleDown": _rules_internal(behavior.get("scaleDown"))})
    if conditions:
        annotations[CONDITIONS_ANNOTATION] = _go_json([_condition_to_v1(c) for c in conditions])
    if annotations:
        meta["annotations"] = dict(sorted(annotations.items()))  # a Go map: its keys in order
    else:
        meta.pop("annotations", None)
    out_status: dict[str, Any] = {**_some("observedGeneration", status.get("observedGeneration")),
                                  **_some("lastScaleTime", status.get("lastScaleTime")),
                                  "currentReplicas": status.get("currentReplicas", 0),
                                  "desiredReplicas": status.get("desiredReplicas", 0)}
    for metric in current:  # the last cpu utilization wins, as upstream's loop has no break
        if _is_cpu(metric, "current") and metric["resource"]["current"].get("averageUtilization") is not None:
            out_status["currentCPUUtilizationPercentage"] = metric["resource"]["current"]["averageUtilization"]
    out: dict[str, Any] = {}
    for key in obj:
        if key == "apiVersion":
            out[key] = api_version
        elif key == "metadata":
            out[key] = meta
        elif key == "spec":
            out[key] = out_spec
        elif key == "status":
            out[key] = out_status
        else:
            out[key] = obj[key]
    out.setdefault("apiVersion", api_version)
    out.setdefault("spec", out_spec)
    out.setdefault("status", out_status)
    return out
