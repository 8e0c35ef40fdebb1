"""The replica calculator: proposed replica counts from metrics, as pkg/controller/podautoscaler (v1.32).

No I/O happens here. Ported from replica_calculator.go and
metrics/utilization.go with Go's integer arithmetic kept: the utilization
is `int32(Σ usage × 100 / Σ request)` truncated before the ratio is taken,
averages are integer divisions, proposals are `ceil(ratio × pods)`, and a
ratio within the tolerance (`|1 − ratio| <= 0.1`) keeps the current count.

Pods are grouped as `groupPods` does: deleted or Failed pods are ignored,
Pending pods are unready, pods without a sample are missing, and for cpu
only a pod in its first `CPU_INITIALIZATION_PERIOD` after start counts only
if Ready with a sample taken a full window after it became Ready, and later
one that was never Ready within `INITIAL_READINESS_DELAY` of starting is
unready. Missing pods are taken at 100% (or the target, if above 100%) on a
scale-down and 0 on a scale-up; unready pods at 0 on a scale-up; a
direction flip after that keeps the current count.

Values are milli-units (Quantity.MilliValue), times seconds since the epoch.
Errors carry upstream's messages (`MetricError`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from litekube.model import quantities
from litekube.reconcile.common import pod_ranking

__all__ = ["TOLERANCE", "CPU_INITIALIZATION_PERIOD", "INITIAL_READINESS_DELAY", "PodMetric", "MetricError",
           "group_pods", "pod_requests", "resource_utilization_ratio", "metric_usage_ratio", "resource_replicas",
           "plain_metric_replicas", "usage_ratio_replica_count", "object_per_pod_replicas", "external_replicas",
           "external_per_pod_replicas", "ready_pod_count", "Grouping"]

TOLERANCE = 0.1  # --horizontal-pod-autoscaler-tolerance
CPU_INITIALIZATION_PERIOD = 300.0  # --horizontal-pod-autoscaler-cpu-initialization-period (5m)
INITIAL_READINESS_DELAY = 30.0  # --horizontal-pod-autoscaler-initial-readiness-delay
_MAX_INT32 = 2 ** 31 - 1


class MetricError(Exception):
    """A metric that cannot be computed; the message is upstream's error text."""


@dataclass(frozen=True)
class PodMetric:
    """One pod's sample: its value (milli-units), when it was taken, over which window."""

    value: int
    timestamp: float = 0.0
    window: float = 60.0


@dataclass(frozen=True)
class Grouping:
    ready: int
    unready: frozenset[str]
    missing: frozenset[str]
    ignored: frozenset[str]


def _name(pod: dict) -> str:
    return (pod.get("metadata") or {}).get("name", "")


def _ready_condition(pod: dict) -> dict | None:
    return next((c for c in (pod.get("status") or {}).get("conditions") or [] if c.get("type") == "Ready"), None)


def _within(ratio: float, tolerance: float) -> bool:
    return abs(1.0 - ratio) <= tolerance


def group_pods(pods: list[dict], metrics: dict[str, PodMetric], resource: str, now: float,
               cpu_initialization_period: float = CPU_INITIALIZATION_PERIOD,
               initial_readiness_delay: float = INITIAL_READINESS_DELAY) -> Grouping:
    """groupPods: (ready count, unready, missing, ignored) pod names."""
    ready, unready, missing, ignored = 0, set(), set(), set()
    for pod in pods:
        name = _name(pod)
        status = pod.get("status") or {}
        if (pod.get("metadata") or {}).get("deletionTimestamp") or status.get("phase") == "Failed":
            ignored.add(name)
            continue
        if status.get("phase") == "Pending":
            unready.add(name)
            continue
        metric = metrics.get(name)
        if metric is None:
            missing.add(name)
            continue
        if resource == "cpu":
            condition = _ready_condition(pod)
            start = pod_ranking.timestamp(status.get("startTime"))
            if condition is None or start is None:
                is_unready = True
            else:
                transition = pod_ranking.timestamp(condition.get("lastTransitionTime")) or 0.0
                if start + cpu_initialization_period > now:
                    # Still initializing: a sample counts once a whole window followed readiness.
                    is_unready = (condition.get("status") == "False"
                                  or metric.timestamp < transition + metric.window)
                else:
                    # Past initialization: unready only if it never became ready in time.
                    is_unready = (condition.get("status") == "False"
                                  and start + initial_readiness_delay > transition)
            if is_unready:
                unready.add(name)
                continue
        ready += 1
    return Grouping(ready, frozenset(unready), frozenset(missing), frozenset(ignored))


def _milli(value: object) -> int | None:
    try:
        return quantities.cpu_millis(value)  # type: ignore[arg-type]
    except ValueError:
        return None


def pod_requests(pods: list[dict], container: str, resource: str) -> dict[str, int]:
    """calculatePodRequests: each pod's request (milli) over regular and sidecar containers."""
    out: dict[str, int] = {}
    for pod in pods:
        spec = pod.get("spec") or {}
        containers = list(spec.get("containers") or [])
        containers += [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
        total = 0
        for c in containers:
            if container and container != c.get("name"):
                continue
            requests = (c.get("resources") or {}).get("requests") or {}
            if resource not in requests:
                raise MetricError(f"missing request for {resource} in container {c.get('name', '')} of Pod "
                                  f"{_name(pod)}")
            total += _milli(requests[resource]) or 0
        out[_name(pod)] = total
    return out


def resource_utilization_ratio(metrics: dict[str, PodMetric], requests: dict[str, int],
                               target: int) -> tuple[float, int, int]:
    """GetResourceUtilizationRatio: (ratio, utilization %, raw average milli-value)."""
    metrics_total = requests_total = entries = 0
    for name, metric in metrics.items():
        if name not in requests:
            continue  # missing requests are checked elsewhere: these are extraneous metrics
        metrics_total += metric.value
        requests_total += requests[name]
        entries += 1
    if requests_total == 0:
        raise MetricError("no metrics returned matched known pods")
    utilization = _int32(metrics_total * 100 // requests_total)
    return utilization / target, utilization, metrics_total // entries


def _int32(value: int) -> int:
    """Go's int32() of an int64: wraps around."""
    value &= 0xFFFFFFFF
    return value - 2 ** 32 if value > _MAX_INT32 else value


def metric_usage_ratio(metrics: dict[str, PodMetric], target: int) -> tuple[float, int]:
    """GetMetricUsageRatio: (ratio, average milli-value)."""
    total = sum(m.value for m in metrics.values())
    usage = total // len(metrics) if total >= 0 else -((-total) // len(metrics))  # Go's division truncates
    return usage / target, usage


def resource_replicas(current: int, target_utilization: int, pods: list[dict], metrics: dict[str, PodMetric],
                      resource: str, now: float, container: str = "",
                      tolerance: float = TOLERANCE) -> tuple[int, int, int]:
    """GetResourceReplicas after the metrics were fetched: (replicas, utilization %, raw average)."""
    if not pods:
        raise MetricError("no pods returned by selector while calculating replica count")
    metrics = dict(metrics)
    groups = group_pods(pods, metrics, resource, now)
    for name in groups.ignored | groups.unready:
        metrics.pop(name, None)
    if not metrics:
        raise MetricError("did not receive metrics for targeted pods (pods might be unready)")
    requests = pod_requests(pods, container, resource)
    ratio, utilization, raw = resource_utilization_ratio(metrics, requests, target_utilization)
    scale_up_with_unready = bool(groups.unready) and ratio > 1.0
    if not scale_up_with_unready and not groups.missing:
        if _within(ratio, tolerance):
            return current, utilization, raw
        return math.ceil(ratio * groups.ready), utilization, raw
    if groups.missing:
        if ratio < 1.0:
            fallback = max(100, target_utilization)
            for name in groups.missing:
                metrics[name] = PodMetric(requests[name] * fallback // 100)
        elif ratio > 1.0:
            for name in groups.missing:
                metrics[name] = PodMetric(0)
    if scale_up_with_unready:
        for name in groups.unready:
            metrics[name] = PodMetric(0)
    new_ratio, _, _ = resource_utilization_ratio(metrics, requests, target_utilization)
    if _within(new_ratio, tolerance) or (ratio < 1.0 < new_ratio) or (ratio > 1.0 > new_ratio):
        return current, utilization, raw
    new_replicas = math.ceil(new_ratio * len(metrics))
    if (new_ratio < 1.0 and new_replicas > current) or (new_ratio > 1.0 and new_replicas < current):
        return current, utilization, raw
    return new_replicas, utilization, raw


def plain_metric_replicas(current: int, target: int, pods: list[dict], metrics: dict[str, PodMetric],
                          resource: str, now: float, tolerance: float = TOLERANCE) -> tuple[int, int]:
    """calcPlainMetricReplicas (AverageValue resource targets, Pods metrics): (replicas, average usage)."""
    if not pods:
        raise MetricError("no pods returned by selector while calculating replica count")
    metrics = dict(metrics)
    groups = group_pods(pods, metrics, resource, now)
    for name in groups.ignored | groups.unready:
        metrics.pop(name, None)
    if not metrics:
        raise MetricError("did not receive metrics for targeted pods (pods might be unready)")
    ratio, usage = metric_usage_ratio(metrics, target)
    scale_up_with_unready = bool(groups.unready) and ratio > 1.0
    if not scale_up_with_unready and not groups.missing:
        if _within(ratio, tolerance):
            return current, usage
        return math.ceil(ratio * groups.ready), usage
    if groups.missing:
        if ratio < 1.0:
            for name in groups.missing:
                metrics[name] = PodMetric(target)
        elif ratio > 1.0:
            for name in groups.missing:
                metrics[name] = PodMetric(0)
    if scale_up_with_unready:
        for name in groups.unready:
            metrics[name] = PodMetric(0)
    new_ratio, _ = metric_usage_ratio(metrics, target)
    if _within(new_ratio, tolerance) or (ratio < 1.0 < new_ratio) or (ratio > 1.0 > new_ratio):
        return current, usage
    new_replicas = math.ceil(new_ratio * len(metrics))
    if (new_ratio < 1.0 and new_replicas > current) or (new_ratio > 1.0 and new_replicas < current):
        return current, usage
    return new_replicas, usage


def ready_pod_count(pods: list[dict]) -> int:
    """getReadyPodsCount: Running and Ready pods; an empty selection is an error."""
    if not pods:
        raise MetricError("unable to calculate ready pods: no pods returned by selector while calculating "
                          "replica count")
    return sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Running" and pod_ranking.is_ready(p))


def usage_ratio_replica_count(current: int, ratio: float, pods: list[dict], tolerance: float = TOLERANCE) -> int:
    """getUsageRatioReplicaCount: object and external Value targets (scales from zero on the ratio alone)."""
    if current != 0:
        if _within(ratio, tolerance):
            return current
        return math.ceil(ratio * ready_pod_count(pods))
    return math.ceil(ratio)


def object_per_pod_replicas(status_replicas: int, target_per_pod: int, usage: int,
                            tolerance: float = TOLERANCE) -> tuple[int, int]:
    """GetObjectPerPodMetricReplicas after the fetch: (replicas, per-pod usage)."""
    replicas = status_replicas
    ratio = usage / (target_per_pod * replicas) if replicas else math.inf
    if not _within(ratio, tolerance):
        replicas = math.ceil(usage / target_per_pod)
    per_pod = math.ceil(usage / status_replicas) if status_replicas else 0
    return replicas, per_pod


def external_replicas(current: int, target: int, values: list[int], pods: list[dict],
                      tolerance: float = TOLERANCE) -> tuple[int, int]:
    """GetExternalMetricReplicas after the fetch: the sum of the series against a Value target."""
    usage = sum(values)
    return usage_ratio_replica_count(current, usage / target, pods, tolerance), usage


def external_per_pod_replicas(status_replicas: int, target_per_pod: int, values: list[int],
                              tolerance: float = TOLERANCE) -> tuple[int, int]:
    """GetExternalPerPodMetricReplicas after the fetch: the sum against an AverageValue target."""
    return object_per_pod_replicas(status_replicas, target_per_pod, sum(values), tolerance)
