"""Node lifecycle: heartbeats in, Unknown conditions, taints and NotReady pods out."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from litekube.model import durations
from litekube.reconcile.base import Key, RecordEvent, Update, UpdateStatus
from litekube.reconcile.node_lifecycle import controller as node_lifecycle
from litekube.reconcile.views import MemoryView

NOW = 1_800_000_000.0
KEY = Key("Node", "", "n1")


def ts(seconds: float) -> str:
    return durations.format_time(datetime.fromtimestamp(seconds, timezone.utc))


def node(ready: str | None = "True", heartbeat: float = NOW - 10, created: float = NOW - 3600,
         taints: list | None = None, unschedulable: bool = False) -> dict:
    conditions = []
    if ready is not None:
        conditions = [{"type": t, "status": s, "lastHeartbeatTime": ts(heartbeat),
                       "lastTransitionTime": ts(created), "reason": "Kubelet", "message": "m"}
                      for t, s in (("MemoryPressure", "False"), ("DiskPressure", "False"),
                                   ("PIDPressure", "False"), ("Ready", ready))]
    spec: dict = {}
    if taints is not None:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": "n1", "uid": "u-n1", "resourceVersion": "7", "creationTimestamp": ts(created)},
            "spec": spec, "status": {"conditions": conditions}}


def lease(renew: float) -> dict:
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": "n1", "namespace": "kube-node-lease"}, "spec": {"renewTime": ts(renew)}}


def pod(name: str = "web", ready: str = "True") -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "uid": f"u-{name}"},
            "spec": {"nodeName": "n1"},
            "status": {"phase": "Running", "conditions": [
                {"type": "Ready", "status": ready, "lastTransitionTime": ts(NOW - 600)}]}}


def run(*objects: dict):
    return node_lifecycle.reconcile(KEY, MemoryView(objects), NOW)


def conditions(obj: dict) -> dict:
    return {c["type"]: c for c in obj["status"]["conditions"]}


class TestHeartbeats:
    @pytest.mark.parametrize("objects", [
        pytest.param((node(),), id="fresh-node-status"),
        pytest.param((node(heartbeat=NOW - 300), lease(NOW - 5)), id="fresh-lease"),
        pytest.param((node(heartbeat=NOW - 50),), id="exactly-at-grace"),
    ])
    def test_fresh_heartbeat_does_nothing(self, objects):
        result = run(*objects)
        assert result.actions == []

    def test_healthy_node_requeues_at_the_deadline(self):
        result = run(node(heartbeat=NOW - 10))
        assert result.requeue_after == pytest.approx(41.0)

    def test_stale_heartbeat_posts_unknown(self):
        result = run(node(heartbeat=NOW - 51), pod())
        status = [a for a in result.actions if isinstance(a, UpdateStatus) and a.obj["kind"] == "Node"]
        assert len(status) == 1
        conds = conditions(status[0].obj)
        for kind in ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure"):
            assert conds[kind]["status"] == "Unknown"
            assert conds[kind]["reason"] == "NodeStatusUnknown"
            assert conds[kind]["message"] == "Kubelet stopped posting node status."
            assert conds[kind]["lastTransitionTime"] == ts(NOW)
            assert conds[kind]["lastHeartbeatTime"] == ts(NOW - 51)
        assert result.requeue_after == 5.0

    def test_stale_heartbeat_records_node_not_ready(self):
        events = [a for a in run(node(heartbeat=NOW - 60)).actions if isinstance(a, RecordEvent)]
        assert [(e.type, e.reason, e.message, e.component, e.involved["kind"]) for e in events] == [
            ("Normal", "NodeNotReady", "Node n1 status is now: NodeNotReady", "node-controller", "Node")]

    def test_stale_heartbeat_marks_pods_not_ready(self):
        result = run(node(heartbeat=NOW - 60), pod("a"), pod("b", ready="False"))
        pods = [a.obj for a in result.actions if isinstance(a, UpdateStatus) and a.obj["kind"] == "Pod"]
        assert [p["metadata"]["name"] for p in pods] == ["a"]
        assert conditions(pods[0])["Ready"] == {"type": "Ready", "status": "False", "lastTransitionTime": ts(NOW)}
        assert any(isinstance(a, RecordEvent) and a.reason == "NodeNotReady" and a.involved["kind"] == "Pod"
                   and a.type == "Warning" for a in result.actions)

    def test_never_reported_node_within_startup_grace(self):
        result = run(node(ready=None, created=NOW - 30))
        assert result.actions == []
        assert result.requeue_after == pytest.approx(31.0)

    def test_never_reported_node_past_startup_grace(self):
        result = run(node(ready=None, created=NOW - 61))
        (action,) = result.actions
        assert isinstance(action, UpdateStatus)
        conds = conditions(action.obj)
        assert set(conds) == {"Ready", "MemoryPressure", "DiskPressure", "PIDPressure"}
        assert conds["Ready"] == {"type": "Ready", "status": "Unknown", "lastHeartbeatTime": ts(NOW - 61),
                                  "lastTransitionTime": ts(NOW), "reason": "NodeStatusNeverUpdated",
                                  "message": "Kubelet never posted node status."}


class TestTaints:
    def test_unknown_node_gets_unreachable_taints(self):
        stale = node(ready="Unknown", heartbeat=NOW - 120)
        result = run(stale, pod())
        (update,) = [a for a in result.actions if isinstance(a, Update)]
        assert update.obj["spec"]["taints"] == [
            {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": ts(NOW)},
            {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": ts(NOW)},
        ]
        assert update.obj["metadata"]["resourceVersion"] == "7"

    def test_not_ready_swaps_unreachable_taint(self):
        taints = [{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": ts(NOW - 100)}]
        result = run(node(ready="False", taints=taints))
        (update,) = [a for a in result.actions if isinstance(a, Update)]
        assert {(t["key"], t["effect"]) for t in update.obj["spec"]["taints"]} == {
            ("node.kubernetes.io/not-ready", "NoSchedule"), ("node.kubernetes.io/not-ready", "NoExecute")}

    def test_kubelet_not_ready_records_event_once(self):
        result = run(node(ready="False"))
        assert [a.reason for a in result.actions if isinstance(a, RecordEvent)] == ["NodeNotReady"]
        tainted = node(ready="False", taints=[
            {"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule", "timeAdded": ts(NOW - 9)},
            {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute", "timeAdded": ts(NOW - 9)}])
        again = run(tainted)
        assert again.actions == []
        assert again.requeue_after == 5.0

    def test_existing_taint_keeps_time_added(self):
        taints = [{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": ts(NOW - 30)},
                  {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": ts(NOW - 30)}]
        assert [a for a in run(node(ready="Unknown", heartbeat=NOW - 120, taints=taints)).actions
                if isinstance(a, Update)] == []

    def test_recovered_node_loses_taints(self):
        taints = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
                  {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": ts(NOW - 30)},
                  {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": ts(NOW - 30)}]
        (update,) = run(node(taints=taints)).actions
        assert isinstance(update, Update)
        assert update.obj["spec"]["taints"] == [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]

    def test_cordoned_node_gets_unschedulable_taint(self):
        (update,) = run(node(unschedulable=True)).actions
        assert update.obj["spec"]["taints"] == [
            {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": ts(NOW)}]

    def test_uncordoned_node_loses_unschedulable_taint(self):
        taints = [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]
        (update,) = run(node(taints=taints)).actions
        assert update.obj["spec"]["taints"] == []

    @pytest.mark.parametrize("condition,key", [
        ("MemoryPressure", "node.kubernetes.io/memory-pressure"),
        ("DiskPressure", "node.kubernetes.io/disk-pressure"),
        ("PIDPressure", "node.kubernetes.io/pid-pressure"),
    ])
    def test_pressure_condition_mirrored_as_taint(self, condition, key):
        pressured = node()
        for c in pressured["status"]["conditions"]:
            if c["type"] == condition:
                c["status"] = "True"
        (update,) = run(pressured).actions
        assert [(t["key"], t["effect"]) for t in update.obj["spec"]["taints"]] == [(key, "NoSchedule")]


class TestComponent:
    def test_lease_maps_to_its_node(self):
        mapper = node_lifecycle.COMPONENT.watches["Lease"]
        assert list(mapper(lease(NOW), MemoryView())) == [KEY]
        other = {"kind": "Lease", "metadata": {"name": "x", "namespace": "kube-system"}}
        assert list(mapper(other, MemoryView())) == []

    @pytest.mark.parametrize("ready, woken", [("True", False), ("False", True), ("Unknown", True), (None, True)])
    def test_a_renewal_wakes_a_node_only_when_it_is_not_ready(self, ready, woken):
        """A Ready node's renewal only moves its deadline: the pass due at the old one sees it. A node
        not Ready (or not reporting yet) is looked at on every renewal: it may be coming back."""
        mapper = node_lifecycle.COMPONENT.watches["Lease"]
        assert list(mapper(lease(NOW), MemoryView([node(ready)]))) == ([KEY] if woken else [])

    def test_a_ready_node_waits_for_its_deadline_past_the_renewal(self):
        """The pass due at the old deadline, after a renewal nothing reconciled: no write, and the next
        pass at the deadline of the new renewal (grace 50 s, plus the margin past it)."""
        renewed = NOW - 5
        result = run(node("True", heartbeat=NOW - 300), lease(renewed))
        assert result.actions == []
        assert result.requeue_after == pytest.approx(renewed + node_lifecycle.MONITOR_GRACE_PERIOD - NOW
                                                     + node_lifecycle._PAST_DEADLINE)

    def test_component_shape(self):
        c = node_lifecycle.COMPONENT
        assert (c.name, c.primary, c.periodic) == ("node-lifecycle", "Node", True)
        assert set(c.watches) == {"Node", "Lease"}

    def test_missing_node(self):
        assert node_lifecycle.reconcile(KEY, MemoryView(), NOW).actions == []
