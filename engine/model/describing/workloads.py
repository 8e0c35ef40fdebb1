"""`kubectl describe` for workloads: Deployment, ReplicaSet, StatefulSet (Job and CronJob: `describing.batch`).

No I/O happens here. Mirrors describe.go's DeploymentDescriber,
ReplicaSetDescriber, StatefulSetDescriber and DaemonSetDescriber; `related`
carries the owned ReplicaSets of a Deployment (`{"replicasets": [...]}`) and
the pods of a ReplicaSet, StatefulSet or DaemonSet (`{"pods": [...]}`). `DESCRIBERS`
maps each kind to its describer for `litekube.model.describing`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from litekube.model import tables
from litekube.model.describing.pods import (
    describe_pod_template,
    print_annotations,
    print_header,
    print_labels,
)
from litekube.model.tabwriting import PrefixWriter

__all__ = ["DESCRIBERS"]


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _controller(obj: dict) -> str:
    owner = next((o for o in _meta(obj).get("ownerReferences") or [] if o.get("controller")), None)
    return f"{owner.get('kind', '')}/{owner.get('name', '')}" if owner else ""


def _pod_counts(owner: dict, pods: list[dict]) -> str:
    uid = _meta(owner).get("uid")
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in pods:
        ref = next((o for o in _meta(pod).get("ownerReferences") or [] if o.get("controller")), None)
        if ref is None or (uid and ref.get("uid") != uid):
            continue
        phase = (pod.get("status") or {}).get("phase", "")
        if phase in counts:
            counts[phase] += 1
    return (f"{counts['Running']} Running / {counts['Pending']} Waiting / {counts['Succeeded']} Succeeded / "
            f"{counts['Failed']} Failed")


def _conditions(w: PrefixWriter, conditions: list[dict] | None) -> None:
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")


def _template_without_hash(template: dict | None) -> dict:
    template = dict(template or {})
    meta = dict(template.get("metadata") or {})
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k != "pod-template-hash"}
    meta["labels"] = labels
    template["metadata"] = meta
    return template


def _split_replicasets(deployment: dict, replicasets: list[dict]) -> tuple[list[dict], list[dict]]:
    """deploymentutil's FindNewReplicaSet / FindOldReplicaSets over the owned ReplicaSets."""
    uid = _meta(deployment).get("uid")
    owned = [rs for rs in replicasets
             if not uid or any(o.get("controller") and o.get("uid") == uid for o in _meta(rs).get("ownerReferences") or [])]
    wanted = _template_without_hash((deployment.get("spec") or {}).get("template"))
    by_age = sorted(owned, key=lambda rs: (_meta(rs).get("creationTimestamp") or "", _meta(rs).get("name", "")))
    new = next((rs for rs in by_age
                if _template_without_hash((rs.get("spec") or {}).get("template")) == wanted), None)
    return [rs for rs in owned if rs is not new], [new] if new is not None else []


def _replicasets_line(replicasets: list[dict]) -> str:
    return ", ".join(f"{_meta(rs).get('name', '')} ({(rs.get('status') or {}).get('replicas') or 0}/"
                     f"{(rs.get('spec') or {}).get('replicas') or 0} replicas created)"
                     for rs in replicasets) or "<none>"


def _deployment(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    print_header(w, obj, created=True)
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, f"Selector:\t{tables.selector_string(spec.get('selector'))}\n")
    w.write(0, f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('updatedReplicas') or 0} updated | "
               f"{status.get('replicas') or 0} total | {status.get('availableReplicas') or 0} available | "
               f"{status.get('unavailableReplicas') or 0} unavailable\n")
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds') or 0}\n")
    if strategy.get("rollingUpdate") is not None:
        ru = strategy["rollingUpdate"]
        w.write(0, f"RollingUpdateStrategy:\t{ru.get('maxUnavailable', 0)} max unavailable, "
                   f"{ru.get('maxSurge', 0)} max surge\n")
    describe_pod_template(w, spec.get("template"))
    _conditions(w, status.get("conditions"))
    old, new = _split_replicasets(obj, related.get("replicasets") or [])
    if old or new:
        w.write(0, f"OldReplicaSets:\t{_replicasets_line(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_replicasets_line(new)}\n")


def _replicaset(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    print_header(w, obj)
    w.write(0, f"Selector:\t{tables.format_label_selector(spec.get('selector'))}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    if _controller(obj):
        w.write(0, f"Controlled By:\t{_controller(obj)}\n")
    w.write(0, f"Replicas:\t{status.get('replicas') or 0} current / {spec.get('replicas', 1)} desired\n")
    w.write(0, "Pods Status:\t")
    w.write(0, _pod_counts(obj, related.get("pods") or []) + "\n")
    describe_pod_template(w, spec.get("template"))
    _conditions(w, status.get("conditions"))


def _statefulset(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    print_header(w, obj, created=True)
    w.write(0, f"Selector:\t{tables.selector_string(spec.get('selector'))}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('replicas') or 0} total\n")
    strategy = spec.get("updateStrategy") or {}
    w.write(0, f"Update Strategy:\t{strategy.get('type', '')}\n")
    rolling = strategy.get("rollingUpdate") or {}
    if rolling.get("partition") is not None:
        w.write(1, f"Partition:\t{rolling['partition']}\n")
    w.write(0, f"Pods Status:\t{_pod_counts(obj, related.get('pods') or [])}\n")
    describe_pod_template(w, spec.get("template"))
    claims = spec.get("volumeClaimTemplates") or []
    if not claims:
        w.write(0, "Volume Claims:\t<none>\n")
        return
    w.write(0, "Volume Claims:\n")
    for pvc in claims:
        pvc_spec = pvc.get("spec") or {}
        w.write(1, f"Name:\t{_meta(pvc).get('name', '')}\n")
        w.write(1, f"StorageClass:\t{pvc_spec.get('storageClassName', '')}\n")
        print_labels(w, "Labels", _meta(pvc).get("labels"), indent="  ")
        print_labels(w, "Annotations", _meta(pvc).get("annotations"), indent="  ")
        storage = ((pvc_spec.get("resources") or {}).get("requests") or {}).get("storage", "<default>")
        w.write(1, f"Capacity:\t{storage}\n")
        w.write(1, f"Access Modes:\t[{' '.join(pvc_spec.get('accessModes') or [])}]\n")


def _daemonset(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    """DaemonSetDescriber: the status counts as sentences, then the pods' phases and the template."""
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    w.write(0, f"Name:\t{_meta(obj).get('name', '')}\n")
    w.write(0, f"Namespace:\t{_meta(obj).get('namespace', '')}\n")
    w.write(0, f"Selector:\t{tables.selector_string(spec.get('selector'))}\n")
    node_selector = ((spec.get("template") or {}).get("spec") or {}).get("nodeSelector") or {}
    w.write(0, f"Node-Selector:\t{','.join(f'{k}={v}' for k, v in sorted(node_selector.items())) or '<none>'}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, f"Desired Number of Nodes Scheduled: {status.get('desiredNumberScheduled') or 0}\n")
    w.write(0, f"Current Number of Nodes Scheduled: {status.get('currentNumberScheduled') or 0}\n")
    w.write(0, f"Number of Nodes Scheduled with Up-to-date Pods: {status.get('updatedNumberScheduled') or 0}\n")
    w.write(0, f"Number of Nodes Scheduled with Available Pods: {status.get('numberAvailable') or 0}\n")
    w.write(0, f"Number of Nodes Misscheduled: {status.get('numberMisscheduled') or 0}\n")
    w.write(0, f"Pods Status:\t{_pod_counts(obj, related.get('pods') or [])}\n")
    describe_pod_template(w, spec.get("template"))


DESCRIBERS: dict[str, Callable[[PrefixWriter, dict, datetime, dict], None]] = {
    "DaemonSet": _daemonset,
    "Deployment": _deployment,
    "ReplicaSet": _replicaset,
    "StatefulSet": _statefulset,
}
