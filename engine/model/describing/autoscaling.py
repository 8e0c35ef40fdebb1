"""`kubectl describe` for HorizontalPodAutoscaler (autoscaling/v2) and ReplicationController.

No I/O happens here. Mirrors describe.go's describeHorizontalPodAutoscalerV2
(with printDirectionBehavior) and describeReplicationController; `related`
carries an RC's pods (`{"pods": [...]}`), counted by phase as kubectl's
getPodStatusForController counts the pods the controller owns.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from litekube.model import durations
from litekube.model.describing.pods import describe_pod_template, print_annotations, print_header, print_labels
from litekube.model.tables import format_labels
from litekube.model.tables.autoscaling import canonical_quantity
from litekube.model.tabwriting import PrefixWriter

__all__ = ["DESCRIBERS"]


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _current(statuses: list, i: int, key: str) -> dict | None:
    if len(statuses) <= i or not isinstance(statuses[i], dict) or not isinstance(statuses[i].get(key), dict):
        return None
    return statuses[i][key].get("current") or {}


def _quantity(current: dict | None, field: str) -> str:
    return "<unknown>" if current is None else canonical_quantity(current.get(field, "0"))


def _resource_line(w: PrefixWriter, head: str, target: dict, current: dict | None) -> None:
    """The `resource cpu on pods` lines: a raw value target, or a percentage of request."""
    w.write(1, head)
    if target.get("averageValue") is not None:
        w.write(0, f":\t{_quantity(current, 'averageValue')} / {canonical_quantity(target['averageValue'])}\n")
        return
    value = "<unknown>"
    if current is not None and current.get("averageUtilization") is not None:
        value = f"{current['averageUtilization']}% ({canonical_quantity(current.get('averageValue', '0'))})"
    goal = f"{target['averageUtilization']}%" if target.get("averageUtilization") is not None else "<auto>"
    w.write(1, f"(as a percentage of request):\t{value} / {goal}\n")


def _metric(w: PrefixWriter, i: int, metric: dict, statuses: list) -> None:
    kind = metric.get("type", "")
    if kind == "External":
        source = metric.get("external") or {}
        target, name = source.get("target") or {}, (source.get("metric") or {}).get("name", "")
        current = _current(statuses, i, "external")
        if target.get("averageValue") is not None:
            value = "<unknown>" if current is None or current.get("averageValue") is None \
                else canonical_quantity(current["averageValue"])
            w.write(1, f'"{name}" (target average value):\t{value} / {canonical_quantity(target["averageValue"])}\n')
        else:
            w.write(1, f'"{name}" (target value):\t{_quantity(current, "value")} / '
                       f'{canonical_quantity(target.get("value", "0"))}\n')
    elif kind == "Pods":
        source = metric.get("pods") or {}
        target, name = source.get("target") or {}, (source.get("metric") or {}).get("name", "")
        w.write(1, f'"{name}" on pods:\t{_quantity(_current(statuses, i, "pods"), "averageValue")} / '
                   f'{canonical_quantity(target.get("averageValue", "0"))}\n')
    elif kind == "Object":
        source = metric.get("object") or {}
        target, name = source.get("target") or {}, (source.get("metric") or {}).get("name", "")
        described = source.get("describedObject") or {}
        current = _current(statuses, i, "object")
        w.write(1, f'"{name}" on {described.get("kind", "")}/{described.get("name", "")} ')
        if target.get("type") == "AverageValue":
            w.write(0, f"(target average value):\t{_quantity(current, 'averageValue')} / "
                       f"{canonical_quantity(target.get('averageValue', '0'))}\n")
        else:
            w.write(0, f"(target value):\t{_quantity(current, 'value')} / "
                       f"{canonical_quantity(target.get('value', '0'))}\n")
    elif kind == "Resource":
        source = metric.get("resource") or {}
        _resource_line(w, f"resource {source.get('name', '')} on pods", source.get("target") or {},
                       _current(statuses, i, "resource"))
    elif kind == "ContainerResource":
        source = metric.get("containerResource") or {}
        _resource_line(w, f'resource {source.get("name", "")} of container "{source.get("container", "")}" on pods',
                       source.get("target") or {}, _current(statuses, i, "containerResource"))
    else:
        w.write(1, f'<unknown metric type "{kind}">\n')


def _direction(w: PrefixWriter, title: str, rules: dict | None) -> None:
    """printDirectionBehavior."""
    if rules is None:
        return
    w.write(1, f"{title}:\n")
    if rules.get("stabilizationWindowSeconds") is not None:
        w.write(2, f"Stabilization Window: {rules['stabilizationWindowSeconds']} seconds\n")
    if rules.get("policies"):
        w.write(2, f"Select Policy: {rules.get('selectPolicy') or 'Max'}\n")
        w.write(2, "Policies:\n")
        for p in rules["policies"]:
            w.write(3, f"- Type: {p.get('type', '')}\tValue: {p.get('value', 0)}\tPeriod: "
                       f"{p.get('periodSeconds', 0)} seconds\n")


def _hpa(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    print_header(w, obj)
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, f"CreationTimestamp:\t{durations.format_rfc1123z(_meta(obj).get('creationTimestamp') or '')}\n")
    ref = spec.get("scaleTargetRef") or {}
    w.write(0, f"Reference:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
    w.write(0, "Metrics:\t( current / target )\n")
    statuses = status.get("currentMetrics") or []
    for i, metric in enumerate(spec.get("metrics") or []):
        _metric(w, i, metric, statuses)
    low = spec.get("minReplicas")
    w.write(0, f"Min replicas:\t{'<unset>' if low is None else low}\n")
    w.write(0, f"Max replicas:\t{spec.get('maxReplicas') or 0}\n")
    behavior = spec.get("behavior")
    if behavior is not None:
        w.write(0, "Behavior:\n")
        _direction(w, "Scale Up", behavior.get("scaleUp"))
        _direction(w, "Scale Down", behavior.get("scaleDown"))
    w.write(0, f"{ref.get('kind', '')} pods:\t")
    w.write(0, f"{status.get('currentReplicas') or 0} current / {status.get('desiredReplicas') or 0} desired\n")
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tReason\tMessage\n")
        w.write(1, "----\t------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')}\t{c.get('status', '')}\t{c.get('reason', '')}\t{c.get('message', '')}\n")


def _pod_counts(owner: dict, pods: list[dict]) -> str:
    uid = _meta(owner).get("uid")
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in pods:
        ref = next((o for o in _meta(pod).get("ownerReferences") or [] if o.get("controller")), None)
        if ref is None or ref.get("uid") != uid:
            continue
        phase = (pod.get("status") or {}).get("phase", "")
        if phase in counts:
            counts[phase] += 1
    return (f"{counts['Running']} Running / {counts['Pending']} Waiting / {counts['Succeeded']} Succeeded / "
            f"{counts['Failed']} Failed")


def _replication_controller(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    print_header(w, obj)
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, f"Replicas:\t{status.get('replicas') or 0} current / {spec.get('replicas', 1)} desired\n")
    w.write(0, f"Pods Status:\t{_pod_counts(obj, related.get('pods') or [])}\n")
    describe_pod_template(w, spec.get("template"))
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")


DESCRIBERS: dict[str, Callable[[PrefixWriter, dict, datetime, dict], None]] = {
    "HorizontalPodAutoscaler": _hpa,
    "ReplicationController": _replication_controller,
}
