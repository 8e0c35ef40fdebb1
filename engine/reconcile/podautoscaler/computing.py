"""computeReplicasForMetrics: one proposal per metric of an HPA, their maximum, and the statuses.

No I/O happens here. Resource and ContainerResource metrics come from the
simulated metrics-server (`litekube.reconcile.metrics_server`), read as
pkg/controller/podautoscaler/metrics/client.go reads the metrics API.
litekube serves no custom metrics API (custom.metrics.k8s.io) and no
external one (external.metrics.k8s.io), so Pods and Object metrics fail
as they fail on a cluster without an adapter ("no custom metrics API
(custom.metrics.k8s.io) registered") and External ones as a 404 of the
external metrics API; the events, conditions and messages are upstream's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from litekube.model import quantities
from litekube.reconcile.base import View
from litekube.reconcile.common import pod_ranking
from litekube.reconcile.metrics_server import metrics as metrics_server
from litekube.reconcile.metrics_server.usage import Load
from litekube.reconcile.podautoscaler import replica_calculator as calc
from litekube.reconcile.podautoscaler.replica_calculator import MetricError, PodMetric

__all__ = ["Outcome", "compute", "NO_CUSTOM_METRICS", "go_label_selector", "milli_quantity"]

NO_CUSTOM_METRICS = "no custom metrics API (custom.metrics.k8s.io) registered"


@dataclass
class Failure:
    """A metric that could not be computed: its condition reason and the errors at each level."""

    reason: str  # FailedGetResourceMetric, ...
    event: str  # the message of the Warning event (and of the ScalingActive condition)
    error: str  # what computeReplicasForMetric returns


@dataclass
class Outcome:
    """What computeReplicasForMetrics gives back (replicas -1: nothing can be computed)."""

    replicas: int = 0
    metric: str = ""
    statuses: list[dict] | None = None
    error: str | None = None
    events: list[tuple[str, str]] = field(default_factory=list)  # (reason, message), Warning
    condition: tuple[str, str, str] | None = None  # (status, reason, message) of ScalingActive


def milli_quantity(milli: int) -> str:
    """resource.NewMilliQuantity(v, DecimalSI).String()."""
    return quantities.format_decimal(Fraction(milli, 1000))


def _milli(value: object) -> int:
    try:
        return quantities.cpu_millis(value)  # type: ignore[arg-type]
    except ValueError:
        return 0


def go_label_selector(selector: dict | None) -> str:
    """`%+v` of a *metav1.LabelSelector (its generated String method), as the external metric errors print it."""
    if selector is None:
        return "nil"
    labels = "".join(f"{k}: {v}," for k, v in sorted((selector.get("matchLabels") or {}).items()))
    exprs = "".join(f"LabelSelectorRequirement{{Key:{e.get('key', '')},Operator:{e.get('operator', '')},"
                    f"Values:[{' '.join(e.get('values') or [])}],}},"
                    for e in selector.get("matchExpressions") or [])
    return f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}"


class _Metrics:
    """The metrics client over the simulated metrics-server, for one HPA's pods."""

    def __init__(self, view: View, pods: list[dict], now: float) -> None:
        self.pods, self.now = pods, now
        load = Load(view)
        self.items = [m for m in (metrics_server.pod_metrics(view, p, now, load) for p in pods) if m is not None]
        self._times = {m["metadata"]["name"]: (_stamp(m["timestamp"]), _seconds(m["window"])) for m in self.items}

    def resource(self, resource: str, container: str) -> dict[str, PodMetric]:
        """GetResourceMetric: a sample per pod (a container's, or the sum over the pod's containers)."""
        if not self.items:
            raise MetricError("no metrics returned from resource metrics API")
        out: dict[str, PodMetric] = {}
        for item in self.items:
            name = item["metadata"]["name"]
            timestamp, window = self._times[name]
            if container:
                found = next((c for c in item.get("containers") or [] if c.get("name") == container), None)
                if found is None:
                    raise MetricError(f"failed to get container metrics: container {container} not present in "
                                      f"metrics for pod {item['metadata']['namespace']}/{name}")
                if resource in (found.get("usage") or {}):
                    out[name] = PodMetric(_milli(found["usage"][resource]), timestamp, window)
                continue
            containers = item.get("containers") or []
            if not containers or any(resource not in (c.get("usage") or {}) for c in containers):
                continue
            out[name] = PodMetric(sum(_milli(c["usage"][resource]) for c in containers), timestamp, window)
        return out


def _stamp(text: str) -> float:
    return pod_ranking.timestamp(text) or 0.0


def _seconds(window: str) -> float:
    minutes, _, rest = window.rpartition("m")
    return float(minutes or 0) * 60 + float(rest.rstrip("s") or 0)


def _resource(metric: dict, key: str, client: _Metrics, current: int) -> tuple[int, str, dict]:
    """computeStatusForResourceMetric(Generic) and the ContainerResource variant."""
    source = metric.get(key) or {}
    name = source.get("name", "")
    container = source.get("container", "") if key == "containerResource" else ""
    target = source.get("target") or {}
    reason = "FailedGetResourceMetric" if key == "resource" else "FailedGetContainerResourceMetric"
    wrap = (f"failed to get {name} resource metric value" if key == "resource"
            else f"failed to get {container} container metric value")
    status_key = "resource" if key == "resource" else "containerResource"
    base = {"name": name} if key == "resource" else {"name": name, "container": container}
    try:
        if target.get("averageValue") is not None:
            try:
                try:
                    samples = client.resource(name, container)
                except MetricError as exc:
                    raise MetricError(f"unable to get metrics for resource {name}: {exc}") from None
                replicas, usage = calc.plain_metric_replicas(current, _milli(target["averageValue"]), client.pods,
                                                             samples, name, client.now)
            except MetricError as exc:
                raise MetricError(f"failed to get {name} usage: {exc}") from None
            status = {"type": metric.get("type"), status_key: {**base, "current": {
                "averageValue": milli_quantity(usage)}}}
            return replicas, f"{name} resource", status
        if target.get("averageUtilization") is None:
            raise MetricError("invalid resource metric source: neither an average utilization target nor an "
                              "average value (usage) target was set")
        try:
            try:
                samples = client.resource(name, container)
            except MetricError as exc:
                raise MetricError(f"unable to get metrics for resource {name}: {exc}") from None
            replicas, utilization, raw = calc.resource_replicas(current, int(target["averageUtilization"]),
                                                                client.pods, samples, name, client.now, container)
        except MetricError as exc:
            raise MetricError(f"failed to get {name} utilization: {exc}") from None
    except MetricError as exc:
        raise _Failed(Failure(reason, str(exc), f"{wrap}: {exc}")) from None
    label = (f"{name} resource utilization (percentage of request)" if key == "resource"
             else f"{name} container resource utilization (percentage of request)")
    status = {"type": metric.get("type"), status_key: {**base, "current": {
        "averageUtilization": utilization, "averageValue": milli_quantity(raw)}}}
    return replicas, label, status


class _Failed(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.error)
        self.failure = failure


def _custom(metric: dict, namespace: str) -> Failure:
    """Pods, Object and External metrics: no adapter serves them in litekube."""
    kind = metric.get("type")
    if kind == "Pods":
        name = ((metric.get("pods") or {}).get("metric") or {}).get("name", "")
        inner = f"unable to get metric {name}: unable to fetch metrics from custom metrics API: {NO_CUSTOM_METRICS}"
        return Failure("FailedGetPodsMetric", inner, f"failed to get pods metric value: {inner}")
    if kind == "Object":
        source = metric.get("object") or {}
        name = (source.get("metric") or {}).get("name", "")
        target = source.get("target") or {}
        described = source.get("describedObject") or {}
        inner = (f"unable to get metric {name}: unable to fetch metrics from custom metrics API: {NO_CUSTOM_METRICS}"
                 f" on {described.get('kind', '')} {namespace}/{described.get('name', '')}")
        if target.get("type") == "Value" and target.get("value") is not None:
            return Failure("FailedGetObjectMetric", inner, f"failed to get object metric value: {inner}")
        if target.get("type") == "AverageValue" and target.get("averageValue") is not None:
            return Failure("FailedGetObjectMetric", inner,
                           f"failed to get object metric value: failed to get {name} object metric: {inner}")
        message = "invalid object metric source: neither a value target nor an average value target was set"
        return Failure("FailedGetObjectMetric", message, f"failed to get object metric value: {message}")
    source = metric.get("external") or {}
    name = (source.get("metric") or {}).get("name", "")
    target = source.get("target") or {}
    inner = (f"unable to get external metric {namespace}/{name}/{go_label_selector((source.get('metric') or {}).get('selector'))}: "
             f"unable to fetch metrics from external metrics API: the server could not find the requested resource "
             f"(get {name}.external.metrics.k8s.io)")
    if target.get("averageValue") is not None:
        error = f"failed to get {name} external metric: {inner}"
    elif target.get("value") is not None:
        error = f"failed to get external metric {name}: {inner}"
    else:
        inner = error = "invalid external metric source: neither a value target nor an average value target was set"
        return Failure("FailedGetExternalMetric", inner, f"failed to get {name} external metric value: {error}")
    return Failure("FailedGetExternalMetric", inner, f"failed to get {name} external metric value: {error}")


def compute(view: View, hpa: dict, pods: list[dict], spec_replicas: int, now: float) -> Outcome:
    """computeReplicasForMetrics after the selector was validated (its pods given)."""
    specs = (hpa.get("spec") or {}).get("metrics") or []
    namespace = (hpa.get("metadata") or {}).get("namespace", "")
    client = _Metrics(view, pods, now)
    out = Outcome(statuses=[{"type": ""} for _ in specs])
    invalid, first_failure = 0, None
    for i, metric in enumerate(specs):
        kind = metric.get("type")
        try:
            if kind in ("Resource", "ContainerResource"):
                proposal, name, status = _resource(metric, "resource" if kind == "Resource" else "containerResource",
                                                   client, spec_replicas)
            elif kind in ("Pods", "Object", "External"):
                raise _Failed(_custom(metric, namespace))
            else:
                message = f'unknown metric source type "{kind}"'
                raise _Failed(Failure("InvalidMetricSourceType", message, message))
        except _Failed as failed:
            out.events.append((failed.failure.reason, failed.failure.event))
            if first_failure is None:
                first_failure = failed.failure
            invalid += 1
            continue
        assert out.statuses is not None
        out.statuses[i] = status
        if out.replicas == 0 or proposal > out.replicas:
            out.replicas, out.metric = proposal, name
    if first_failure is not None:
        out.error = (f"invalid metrics ({invalid} invalid out of {len(specs)}), first error is: "
                     f"{first_failure.error}")
    if first_failure is not None and (invalid >= len(specs) or out.replicas < spec_replicas):
        out.condition = ("False", first_failure.reason,
                         f"the HPA was unable to compute the replica count: {first_failure.event}")
        out.replicas = -1
        return out
    out.condition = ("True", "ValidMetricFound",
                     f"the HPA was able to successfully calculate a replica count from {out.metric}")
    return out
