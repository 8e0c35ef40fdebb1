"""The node lifecycle controller: heartbeats, Unknown conditions, node taints, NotReady pods.

No I/O happens here. For one node (pkg/controller/nodelifecycle,
tryUpdateNodeHealth / monitorNodeHealth / doNoScheduleTaintingPass /
doNoExecuteTaintingPass):

- the probe time is the latest of the node's creation, its Ready condition's
  lastHeartbeatTime and its Lease's renewTime (upstream uses the controller's
  own clock at the moment it saw one of them change; the stored times are
  the level-based equivalent);
- past the grace period (50s, or 60s while the node never posted a Ready
  condition) Ready, MemoryPressure, DiskPressure and PIDPressure become
  Unknown, the pods' Ready conditions False (MarkPodsNotReady), and a
  `NodeNotReady` event is recorded when Ready leaves True;
- NoExecute taints follow Ready (not-ready for False, unreachable for
  Unknown, neither for True), NoSchedule taints mirror the conditions and
  spec.unschedulable. Added taints carry timeAdded (SwapNodeControllerTaint).

Not implemented: the per-zone eviction rate limits (--node-eviction-rate and
the disruption modes) -- NoExecute taints are added as soon as they are due;
the RegisteredNode / RemovingNode events, which need memory of earlier
passes. A status change and a taint change are two writes to the same node
at one resourceVersion, so a pass that changes the status leaves the taints
to the next pass, which the status write itself triggers.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

from litekube.model import durations, values
from litekube.reconcile.base import (
    Component,
    Key,
    RecordEvent,
    Result,
    Update,
    UpdateStatus,
    View,
    self_key,
)
from litekube.reconcile.taint_eviction.controller import update_pod_condition

__all__ = ["COMPONENT", "CONTROLLER_NAME", "MONITOR_PERIOD", "MONITOR_GRACE_PERIOD", "STARTUP_GRACE_PERIOD",
           "LEASE_NAMESPACE", "reconcile", "probe_time", "desired_taints"]

CONTROLLER_NAME = "node-controller"  # the event source upstream
MONITOR_PERIOD = 5.0          # --node-monitor-period
MONITOR_GRACE_PERIOD = 50.0   # --node-monitor-grace-period (v1.32, PR #126287)
STARTUP_GRACE_PERIOD = 60.0   # --node-startup-grace-period
LEASE_NAMESPACE = "kube-node-lease"

NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
_CONDITION_TAINTS = {  # nodeConditionToTaintKeyStatusMap
    "Ready": {"False": NOT_READY, "Unknown": UNREACHABLE},
    "MemoryPressure": {"True": "node.kubernetes.io/memory-pressure"},
    "DiskPressure": {"True": "node.kubernetes.io/disk-pressure"},
    "NetworkUnavailable": {"True": "node.kubernetes.io/network-unavailable"},
    "PIDPressure": {"True": "node.kubernetes.io/pid-pressure"},
}
_MANAGED_NO_SCHEDULE = {k for m in _CONDITION_TAINTS.values() for k in m.values()} | {UNSCHEDULABLE}
# NetworkUnavailable is left alone: it is managed on the control plane's side.
_STALE_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")
# Requeues land this long after the grace deadline, since stale means strictly after it.
_PAST_DEADLINE = 1.0


def _timestamp(now: float) -> str:
    return durations.format_time(datetime.fromtimestamp(now, timezone.utc))


def _seconds(ts: str | None) -> float | None:
    return durations.parse_time(ts).timestamp() if ts else None


def _condition(node: dict, kind: str) -> dict | None:
    return next((c for c in (node.get("status") or {}).get("conditions") or [] if c.get("type") == kind), None)


def probe_time(node: dict, lease: dict | None) -> float:
    """The last sign of life: creation, Ready's lastHeartbeatTime or the Lease's renewTime, whichever is latest."""
    ready = _condition(node, "Ready")
    times = [_seconds((node.get("metadata") or {}).get("creationTimestamp")),
             _seconds(ready.get("lastHeartbeatTime")) if ready else None,
             _seconds(((lease or {}).get("spec") or {}).get("renewTime"))]
    return max((t for t in times if t is not None), default=0.0)


def _stale_status(node: dict, now: float) -> dict:
    """A copy of `node` with the kubelet-owned conditions set to Unknown (tryUpdateNodeHealth)."""
    new = values.clone(node)
    conditions = new.setdefault("status", {}).setdefault("conditions", [])
    stamp = _timestamp(now)
    for kind in _STALE_CONDITIONS:
        cond = next((c for c in conditions if c.get("type") == kind), None)
        if cond is None:
            conditions.append({"type": kind, "status": "Unknown",
                               "lastHeartbeatTime": (node.get("metadata") or {}).get("creationTimestamp"),
                               "lastTransitionTime": stamp, "reason": "NodeStatusNeverUpdated",
                               "message": "Kubelet never posted node status."})
        elif cond.get("status") != "Unknown":
            cond.update(status="Unknown", reason="NodeStatusUnknown",
                        message="Kubelet stopped posting node status.", lastTransitionTime=stamp)
    return new


def desired_taints(node: dict, now: float) -> list[dict]:
    """The node's taints once the controller-managed ones follow its conditions.

    Taints the controller does not manage are kept as they are, in order;
    managed taints already present keep their timeAdded; new ones get `now`.
    """
    spec = node.get("spec") or {}
    current = list(spec.get("taints") or [])
    wanted: list[tuple[str, str]] = []
    for cond in (node.get("status") or {}).get("conditions") or []:
        key = _CONDITION_TAINTS.get(cond.get("type", ""), {}).get(cond.get("status", ""))
        if key:
            wanted.append((key, "NoSchedule"))
    if spec.get("unschedulable"):
        wanted.append((UNSCHEDULABLE, "NoSchedule"))
    ready = _condition(node, "Ready")
    ready_status = ready.get("status") if ready else None
    no_execute = {"False": NOT_READY, "Unknown": UNREACHABLE}.get(ready_status or "")
    if no_execute:
        wanted.append((no_execute, "NoExecute"))

    def managed(taint: dict) -> bool:
        if taint.get("effect") == "NoSchedule":
            return taint.get("key") in _MANAGED_NO_SCHEDULE
        # Without a Ready condition upstream leaves the NoExecute taints alone.
        return (taint.get("effect") == "NoExecute" and taint.get("key") in (NOT_READY, UNREACHABLE)
                and ready_status is not None)

    kept = [t for t in current if not managed(t) or (t.get("key"), t.get("effect")) in wanted]
    have = {(t.get("key"), t.get("effect")) for t in kept}
    stamp = _timestamp(now)
    added = [{"key": k, "effect": e, "timeAdded": stamp} for k, e in dict.fromkeys(wanted) if (k, e) not in have]
    return kept + added


def _mark_pods_not_ready(view: View, node_name: str, now: float) -> list:
    """MarkPodsNotReady: each pod's Ready condition to False, with a NodeNotReady event per pod."""
    actions: list = []
    for pod in view.pods_on_node(node_name):
        ready = next((c for c in (pod.get("status") or {}).get("conditions") or [] if c.get("type") == "Ready"),
                     None)
        if ready is None or ready.get("status") == "False":
            continue
        updated, changed = update_pod_condition(pod, {**ready, "status": "False"}, now)
        if changed:
            meta = pod.get("metadata") or {}
            ref = {"apiVersion": "v1", "kind": "Pod", "name": meta.get("name", ""),
                   "namespace": meta.get("namespace", ""), "uid": meta.get("uid", "")}
            actions += [UpdateStatus(updated), RecordEvent(ref, "Warning", "NodeNotReady", "Node is not ready",
                                                           CONTROLLER_NAME)]
    return actions


def _node_event(node: dict, status: str) -> RecordEvent:
    """RecordNodeStatusChange: `Node <name> status is now: <status>`."""
    meta = node.get("metadata") or {}
    ref = {"apiVersion": "v1", "kind": "Node", "name": meta.get("name", ""), "uid": meta.get("uid", "")}
    return RecordEvent(ref, "Normal", status, f"Node {meta.get('name', '')} status is now: {status}",
                       CONTROLLER_NAME)


def reconcile(key: Key, view: View, now: float) -> Result:
    """Bring one node's health conditions, taints and pods' readiness in line with its heartbeats."""
    node = view.get("Node", "", key.name)
    # 1. A deleted node needs nothing; the garbage collector takes its pods.
    if node is None:
        return Result()
    # 2. When did the kubelet last show signs of life, and how long may it be silent?
    ready = _condition(node, "Ready")
    grace = STARTUP_GRACE_PERIOD if ready is None else MONITOR_GRACE_PERIOD
    deadline = probe_time(node, view.get("Lease", LEASE_NAMESPACE, key.name)) + grace
    # 3. Silent too long: post Unknown for the kubelet. Only a changed Ready
    #    condition is written, as upstream; the taints follow on the next pass.
    if now > deadline:
        stale = _stale_status(node, now)
        if _condition(stale, "Ready") != ready:
            actions: list = [UpdateStatus(stale)]
            if ready is not None and ready.get("status") == "True":
                actions.append(_node_event(node, "NodeNotReady"))
            actions += _mark_pods_not_ready(view, key.name, now)
            return Result(actions=actions, requeue_after=MONITOR_PERIOD)
    actions = []
    # 4. Taints follow the conditions as they stand. A kubelet-posted
    #    Ready=False is first noticed here, when its NoExecute taint goes on.
    taints = desired_taints(node, now)
    if taints != list((node.get("spec") or {}).get("taints") or []):
        updated = values.clone(node)
        updated.setdefault("spec", {})["taints"] = taints
        actions.append(Update(updated))
        had = {(t.get("key"), t.get("effect")) for t in (node.get("spec") or {}).get("taints") or []}
        if (ready is not None and ready.get("status") == "False"
                and not had & {(NOT_READY, "NoExecute"), (UNREACHABLE, "NoExecute")}):
            actions.append(_node_event(node, "NodeNotReady"))
    # 5. Pods on a node that is not Ready are not Ready either (also pods bound since).
    if ready is not None and ready.get("status") != "True":
        actions += _mark_pods_not_ready(view, key.name, now)
    # 6. Ready (or not reporting yet) and fresh: only the deadline can change
    #    anything, so a healthy node costs one pass per deadline (its Lease's
    #    renewals do not wake it: _lease_node). Not Ready:
    #    poll every monitor period for pods bound since (recovery arrives as a
    #    Node or Lease change).
    if now <= deadline and (ready is None or ready.get("status") == "True"):
        return Result(actions=actions, requeue_after=deadline - now + _PAST_DEADLINE)
    return Result(actions=actions, requeue_after=MONITOR_PERIOD)


def _lease_node(obj: dict, view: View) -> Iterable[Key]:
    """A node Lease's change concerns its node, unless the node is Ready: then a renewal only moves
    the deadline later, and the pass already due at the old deadline (step 6) finds it and waits
    for the new one, so a healthy node costs one pass per grace period, not one per renewal."""
    meta = obj.get("metadata") or {}
    if meta.get("namespace") == LEASE_NAMESPACE and meta.get("name"):
        node = view.get("Node", "", meta["name"])
        ready = _condition(node, "Ready") if node is not None else None
        if ready is not None and ready.get("status") == "True":
            return ()
        return (Key("Node", "", meta["name"]),)
    return ()


COMPONENT = Component(name="node-lifecycle", reconcile=reconcile,
                      watches={"Node": self_key, "Lease": _lease_node}, primary="Node", periodic=True)
