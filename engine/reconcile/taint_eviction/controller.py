"""The taint eviction controller: delete pods from nodes with NoExecute taints they don't tolerate.

No I/O happens here. For one pod (pkg/controller/tainteviction): a pod on a
node with NoExecute taints is evicted at once when some taint is not
tolerated, after the shortest matching `tolerationSeconds` when all are, and
never when every matching toleration has no `tolerationSeconds`. Evicting is
an event, the DisruptionTarget condition, then a delete.

Upstream keeps a timer per pod that starts when it first sees the taints;
being level-based, this reconciler counts from the earliest `timeAdded` of
the node's NoExecute taints instead (the node lifecycle controller stamps
it), so a NotReady -> Unreachable swap restarts the clock where upstream
keeps the first one. No "Cancelling deletion" event is recorded: there is
no timer to cancel, only a requeue that finds nothing to do.

`default_tolerations` is the DefaultTolerationSeconds admission plugin; the
API layer calls it on pod create. `update_pod_condition` is
UpdatePodCondition, shared with the node lifecycle controller.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

from litekube.model import durations, values
from litekube.reconcile.base import (
    Component,
    Delete,
    Key,
    RecordEvent,
    Result,
    UpdateStatus,
    View,
)
from litekube.reconcile.common import tolerations as tolerating

__all__ = ["COMPONENT", "CONTROLLER_NAME", "DEFAULT_TOLERATION_SECONDS", "reconcile", "default_tolerations",
           "update_pod_condition", "eviction_time"]

CONTROLLER_NAME = "taint-eviction-controller"
DEFAULT_TOLERATION_SECONDS = 300  # --default-{not-ready,unreachable}-toleration-seconds
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"


def _timestamp(now: float) -> str:
    return durations.format_time(datetime.fromtimestamp(now, timezone.utc))


def _seconds(ts: str | None) -> float | None:
    return durations.parse_time(ts).timestamp() if ts else None


def update_pod_condition(pod: dict, condition: dict, now: float) -> tuple[dict, bool]:
    """UpdatePodCondition on a copy of `pod`: (the pod, whether the condition changed).

    The condition replaces the one of its type whole; lastTransitionTime is
    `now` unless the status stays the same, when the old one is kept.
    """
    new = values.clone(pod)
    status = new.setdefault("status", {})
    conditions = status.setdefault("conditions", [])
    cond = {k: v for k, v in condition.items() if k != "lastTransitionTime"}
    old = next((c for c in conditions if c.get("type") == cond.get("type")), None)
    if old is None:
        cond["lastTransitionTime"] = _timestamp(now)
        conditions.append(cond)
        return new, True
    same_status = old.get("status") == cond.get("status")
    cond["lastTransitionTime"] = old.get("lastTransitionTime") if same_status else _timestamp(now)
    equal = (same_status and all((old.get(f) or "") == (cond.get(f) or "")
                                 for f in ("reason", "message", "lastProbeTime")))
    conditions[conditions.index(old)] = cond
    return new, not equal


def eviction_time(pod: dict, node: dict | None) -> float | None:
    """When the pod must go (seconds since the epoch; 0 means now), or None for never.

    getMinTolerationTime over the tolerations matching the node's NoExecute
    taints: any untolerated taint or a tolerationSeconds <= 0 means now; no
    tolerationSeconds at all means never; otherwise the smallest, counted
    from the earliest timeAdded (the node's creation when no taint has one).
    """
    taints = tolerating.no_execute_taints(node)
    if not taints:
        return None
    all_tolerated, used = tolerating.matching_tolerations(taints, (pod.get("spec") or {}).get("tolerations"))
    if not all_tolerated:
        return 0.0
    limits = [int(t["tolerationSeconds"]) for t in used if t.get("tolerationSeconds") is not None]
    if not limits:
        return None
    shortest = min(limits)
    if shortest <= 0:
        return 0.0
    added = [s for s in (_seconds(t.get("timeAdded")) for t in taints) if s is not None]
    start = min(added) if added else _seconds(((node or {}).get("metadata") or {}).get("creationTimestamp"))
    return (start or 0.0) + shortest


def _evict(pod: dict, now: float) -> list:
    meta = pod["metadata"]
    ns, name = meta.get("namespace", ""), meta["name"]
    ref = {"apiVersion": "v1", "kind": "Pod", "name": name, "namespace": ns}
    actions: list = [RecordEvent(ref, "Normal", "TaintManagerEviction", f"Marking for deletion Pod {ns}/{name}",
                                 CONTROLLER_NAME)]
    updated, changed = update_pod_condition(pod, {
        "type": "DisruptionTarget", "status": "True", "reason": "DeletionByTaintManager",
        "message": "Taint manager: deleting due to NoExecute taint"}, now)
    if changed:
        actions.append(UpdateStatus(updated))
    actions.append(Delete(kind="Pod", namespace=ns, name=name, uid=meta.get("uid", "")))
    return actions


def reconcile(key: Key, view: View, now: float) -> Result:
    """Evict the pod `key` now, later (requeue), or never, by its node's NoExecute taints."""
    pod = view.get("Pod", key.namespace, key.name)
    # 1. Gone, or already being deleted: the deletion is under way.
    if pod is None or (pod.get("metadata") or {}).get("deletionTimestamp"):
        return Result()
    # 2. Unbound pods and pods on vanished nodes have no taints to answer to.
    node_name = (pod.get("spec") or {}).get("nodeName")
    node = view.get("Node", "", node_name) if node_name else None
    # 3. Tolerated forever (or untainted): nothing to schedule.
    when = eviction_time(pod, node)
    if when is None:
        return Result()
    # 4. Tolerated for a while: look again when the toleration runs out.
    if when > now:
        return Result(requeue_after=when - now)
    # 5. Not tolerated, or no longer: mark the disruption and delete.
    return Result(actions=_evict(pod, now))


def default_tolerations(pod: dict) -> list[dict]:
    """The DefaultTolerationSeconds admission: the pod's tolerations plus the two defaults it lacks.

    A toleration with the key (or an empty key) and effect NoExecute (or an
    empty effect) counts as tolerating already. Returns a new list; the pod
    is not modified.
    """
    existing = list((pod.get("spec") or {}).get("tolerations") or [])

    def covered(taint_key: str) -> bool:
        return any((t.get("key") or "") in (taint_key, "") and (t.get("effect") or "") in ("NoExecute", "")
                   for t in existing)

    result = [values.clone(t) for t in existing]
    for taint_key in (NOT_READY, UNREACHABLE):
        if not covered(taint_key):
            result.append({"key": taint_key, "operator": "Exists", "effect": "NoExecute",
                           "tolerationSeconds": DEFAULT_TOLERATION_SECONDS})
    return result


def _bound_pod(obj: dict, view: View) -> Iterable[Key]:
    # Only pods on nodes with NoExecute taints concern this controller.
    node_name = (obj.get("spec") or {}).get("nodeName")
    node = view.get("Node", "", node_name) if node_name else None
    if node is not None and tolerating.no_execute_taints(node):
        meta = obj.get("metadata") or {}
        return (Key("Pod", meta.get("namespace", ""), meta.get("name", "")),)
    return ()


def _pods_on_tainted_node(obj: dict, view: View) -> Iterable[Key]:
    # Only NoExecute taints concern this controller; pods on untainted nodes stay put.
    if not tolerating.no_execute_taints(obj):
        return ()
    name = (obj.get("metadata") or {}).get("name", "")
    return [Key("Pod", (p.get("metadata") or {}).get("namespace", ""), (p.get("metadata") or {}).get("name", ""))
            for p in view.pods_on_node(name)]


COMPONENT = Component(name=CONTROLLER_NAME, reconcile=reconcile,
                      watches={"Pod": _bound_pod, "Node": _pods_on_tainted_node}, primary="Pod")
