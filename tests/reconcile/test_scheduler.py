"""The scheduler reconciler: objects in, the exact actions out."""
from __future__ import annotations

import dataclasses

import pytest

from litekube.reconcile.base import Bind, Delete, Key, RecordEvent, Result, UpdateStatus, ref_of
from litekube.reconcile.scheduler import queueing
from litekube.reconcile.scheduler import scheduling as scheduler
from litekube.reconcile.views import MemoryView

NOW = 1_800_000_000.0
NOW_TEXT = "2027-01-15T08:00:00Z"
VICTIMS = " preemption: 0/{n} nodes are available: {n} No preemption victims found for incoming pod.."
NOT_HELPFUL = " preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling.."


def node(name, cpu="4", memory="16Gi", pods="110", labels=None, taints=None, **spec):
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": f"uid-{name}", "labels": {"kubernetes.io/hostname": name,
                                                                        **(labels or {})}},
            "spec": {"taints": taints or [], **spec},
            "status": {"allocatable": {"cpu": cpu, "memory": memory, "pods": pods},
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def pod(name, cpu=None, memory=None, node_name=None, labels=None, namespace="default", phase="Pending", **spec):
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    obj = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{name}", "labels": labels or {}},
           "spec": {"containers": [{"name": "c", "image": "nginx", "resources": {"requests": requests}}], **spec},
           "status": {"phase": phase}}
    if node_name:
        obj["spec"]["nodeName"] = node_name
    return obj


def run(objects, name="p"):
    view = MemoryView(objects)
    result = scheduler.reconcile(Key("Pod", "default", name), view, NOW)
    return view, result if result.park is None else dataclasses.replace(result, park=None)


def parked(objects, name="p"):
    view = MemoryView(objects)
    return scheduler.reconcile(Key("Pod", "default", name), view, NOW).park


def failure(view, name, message):
    p = view.get("Pod", "default", name)
    updated = {**p, "status": {"phase": "Pending", "conditions": [{
        "type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": message,
        "lastProbeTime": None, "lastTransitionTime": NOW_TEXT}]}}
    return Result([UpdateStatus(updated),
                   RecordEvent(involved=ref_of(p), type="Warning", reason="FailedScheduling", message=message,
                               component="default-scheduler")], requeue_after=scheduler.UNSCHEDULABLE_FLUSH, routine=True)


class TestBinding:
    def test_binds_to_the_only_node(self):
        view, result = run([node("n1"), pod("p", cpu="1")])
        p = view.get("Pod", "default", "p")
        assert result == Result([
            Bind("default", "p", "uid-p", "n1"),
            RecordEvent(involved=ref_of(p), type="Normal", reason="Scheduled",
                        message="Successfully assigned default/p to n1", component="default-scheduler")])

    def test_prefers_the_least_allocated_node(self):
        _, result = run([node("a"), node("b"), pod("busy", cpu="3", node_name="a"), pod("p", cpu="1")])
        assert result.actions[0] == Bind("default", "p", "uid-p", "b")

    def test_ties_go_to_the_lowest_name(self):
        _, result = run([node("c"), node("b"), node("a"), pod("p", cpu="1")])
        assert result.actions[0] == Bind("default", "p", "uid-p", "a")

    def test_prefer_no_schedule_taint_steers_away(self):
        taint = [{"key": "k", "value": "v", "effect": "PreferNoSchedule"}]
        _, result = run([node("a", taints=taint), node("b"), pod("p")])
        assert result.actions[0].node == "b"

    def test_deleting_nodes_are_not_candidates(self):
        gone = node("a")
        gone["metadata"]["deletionTimestamp"] = NOW_TEXT
        _, result = run([gone, node("b"), pod("p")])
        assert result.actions[0].node == "b"

    @pytest.mark.parametrize("change", [
        {"spec": {"nodeName": "n1"}},
        {"metadata": {"deletionTimestamp": NOW_TEXT}},
        {"status": {"phase": "Succeeded"}},
        {"spec": {"schedulerName": "other"}},
        {"spec": {"schedulingGates": [{"name": "wait"}]}},
    ], ids=["bound", "terminating", "terminal", "other-scheduler", "gated"])
    def test_ignored_pods(self, change):
        p = pod("p")
        for part, values in change.items():
            p[part] = {**p[part], **values}
        assert run([node("n1"), p])[1] == Result()

    def test_missing_pod(self):
        assert run([node("n1")], name="absent")[1] == Result()


class TestFailure:
    @pytest.mark.parametrize("nodes, p, message", [
        ([node("a"), node("b"), node("c")], pod("p", cpu="5"),
         "0/3 nodes are available: 3 Insufficient cpu." + VICTIMS.format(n=3)),
        ([node("a"), node("b", cpu="8", memory="1Gi"), node("c", cpu="8", memory="1Gi")], pod("p", cpu="5", memory="2Gi"),
         "0/3 nodes are available: 1 Insufficient cpu, 2 Insufficient memory." + VICTIMS.format(n=3)),
        ([node("a", taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]),
          node("b", taints=[{"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}]),
          node("c", cpu="1")], pod("p", cpu="2"),
         "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}, "
         "1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/3 nodes are available: "
         "1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.."),
        ([node("a", unschedulable=True)], pod("p"),
         "0/1 nodes are available: 1 node(s) were unschedulable." + NOT_HELPFUL.format(n=1)),
        ([node("a")], pod("p", nodeSelector={"disk": "ssd"}),
         "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector." + NOT_HELPFUL.format(n=1)),
        ([node("a", pods="0")], pod("p"), "0/1 nodes are available: 1 Too many pods." + VICTIMS.format(n=1)),
        ([], pod("p"), "no nodes available to schedule pods"),
        ([node("a")], pod("p", cpu="5", preemptionPolicy="Never"),
         "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.."),
    ], ids=["insufficient-cpu", "cpu-and-memory", "mixed-taints", "cordoned", "node-selector", "too-many-pods",
            "no-nodes", "preemption-never"])
    def test_message(self, nodes, p, message):
        view, result = run([*nodes, p])
        assert result == failure(view, "p", message)

    def test_histogram_sorts_as_strings(self):
        nodes = [node(f"n{i:02}", cpu="1") for i in range(10)] + [node("m1", memory="1Gi"), node("m2", memory="1Gi")]
        _, result = run([*nodes, pod("p", cpu="2", memory="2Gi")])
        assert result.actions[1].message.startswith(
            "0/12 nodes are available: 10 Insufficient cpu, 2 Insufficient memory.")

    def test_same_failure_records_the_event_again_only(self):
        view, first = run([node("a"), pod("p", cpu="5")])
        view.put(first.actions[0].obj)
        again = scheduler.reconcile(Key("Pod", "default", "p"), view, NOW + 60)
        assert again.actions == [first.actions[1]]  # the recorder bumps its count
        assert (again.requeue_after, again.routine) == (scheduler.UNSCHEDULABLE_FLUSH, True)

    def test_new_message_keeps_transition_time(self):
        view, first = run([node("a"), pod("p", cpu="5")])
        view.put(first.actions[0].obj)
        view.put(node("b", cpu="1"))
        again = scheduler.reconcile(Key("Pod", "default", "p"), view, NOW + 60)
        condition = again.actions[0].obj["status"]["conditions"][0]
        assert condition["lastTransitionTime"] == NOW_TEXT
        assert condition["message"].startswith("0/2 nodes are available: 2 Insufficient cpu.")
        assert again.actions[1].reason == "FailedScheduling"

    def test_lower_priority_pods_that_would_make_room_are_preempted(self):
        low = pod("low", cpu="3", node_name="a", priority=0, phase="Running")
        view, result = run([node("a"), low, pod("p", cpu="2", priority=100)])
        disrupted, delete, preempted, nominated, failed = result.actions
        assert isinstance(disrupted, UpdateStatus) and disrupted.obj["metadata"]["name"] == "low"
        assert disrupted.obj["status"]["conditions"] == [{
            "type": "DisruptionTarget", "status": "True", "lastProbeTime": None, "lastTransitionTime": NOW_TEXT,
            "reason": "PreemptionByScheduler",
            "message": "default-scheduler: preempting to accommodate a higher priority pod"}]
        assert delete == Delete("Pod", "default", "low", "uid-low")
        assert (preempted.reason, preempted.message, preempted.involved["name"]) == (
            "Preempted", "Preempted by pod uid-p on node a", "low")
        assert nominated.obj["status"]["nominatedNodeName"] == "a"
        assert failed.message == "0/1 nodes are available: 1 Insufficient cpu."

    def test_lower_priority_pods_that_would_not_make_room(self):
        low = pod("low", cpu="1", node_name="a", priority=0)
        _, result = run([node("a"), low, pod("p", cpu="5", priority=100)])
        assert result.actions[1].message == ("0/1 nodes are available: 1 Insufficient cpu. "
                                             "preemption: 0/1 nodes are available: 1 Insufficient cpu..")


def spread(key, skew=1, when="DoNotSchedule", **extra):
    return {"maxSkew": skew, "topologyKey": key, "whenUnsatisfiable": when,
            "labelSelector": {"matchLabels": {"app": "web"}}, **extra}


class TestTopologySpread:
    def test_missing_label(self):
        nodes = [node("a", labels={"zone": "z1"}), node("b")]
        view, result = run([*nodes, pod("p", labels={"app": "web"}, topologySpreadConstraints=[spread("zone")])])
        assert result.actions[0] == Bind("default", "p", "uid-p", "a")
        view.put(node("a", labels={"zone": "z1"}, unschedulable=True))
        result = scheduler.reconcile(Key("Pod", "default", "p"), view, NOW)
        assert result.actions[1].message == (
            "0/2 nodes are available: 1 node(s) didn't match pod topology spread constraints (missing required label), "
            "1 node(s) were unschedulable." + NOT_HELPFUL.format(n=2))

    def test_skew(self):
        nodes = [node("a", labels={"zone": "z1"}), node("b", labels={"zone": "z2"})]
        existing = pod("old", labels={"app": "web"}, node_name="a")
        _, result = run([*nodes, existing, pod("p", labels={"app": "web"}, topologySpreadConstraints=[spread("zone")])])
        assert result.actions[0].node == "b"

    def test_skew_rejection_message(self):
        nodes = [node("a", labels={"zone": "z1"}), node("b", labels={"zone": "z2"}, cpu="0")]
        existing = pod("old", labels={"app": "web"}, node_name="a")
        _, result = run([*nodes, existing, pod("p", cpu="1", labels={"app": "web"},
                                               topologySpreadConstraints=[spread("zone")])])
        assert result.actions[1].message.startswith(
            "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match pod topology spread constraints.")

    def test_schedule_anyway_prefers_the_emptier_domain(self):
        nodes = [node("a", labels={"zone": "z1"}), node("b", labels={"zone": "z2"})]
        existing = pod("old", labels={"app": "web"}, node_name="a")
        p = pod("p", labels={"app": "web"}, topologySpreadConstraints=[spread("zone", when="ScheduleAnyway")])
        assert run([*nodes, existing, p])[1].actions[0].node == "b"


def term(key="kubernetes.io/hostname", **labels):
    return {"labelSelector": {"matchLabels": labels}, "topologyKey": key}


class TestInterPodAffinity:
    def test_required_affinity_follows_the_pod(self):
        nodes = [node("a"), node("b")]
        db = pod("db", labels={"app": "db"}, node_name="b")
        p = pod("p", affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term(app="db")]}})
        assert run([*nodes, db, p])[1].actions[0].node == "b"

    def test_first_pod_of_a_self_affine_group_is_placed(self):
        p = pod("p", labels={"app": "web"},
                affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term(app="web")]}})
        assert run([node("a"), p])[1].actions[0].node == "a"

    def test_affinity_message(self):
        p = pod("p", affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term(app="db")]}})
        _, result = run([node("a"), p])
        assert result.actions[1].message == (
            "0/1 nodes are available: 1 node(s) didn't match pod affinity rules." + NOT_HELPFUL.format(n=1))

    def test_anti_affinity_message(self):
        web = pod("web", labels={"app": "web"}, node_name="a")
        p = pod("p", affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term(app="web")]}})
        _, result = run([node("a"), web, p])
        assert result.actions[1].message == (
            "0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules." + VICTIMS.format(n=1))

    def test_existing_anti_affinity_message(self):
        lonely = pod("lonely", node_name="a",
                     affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term(app="web")]}})
        _, result = run([node("a"), node("b", cpu="0"), lonely, pod("p", cpu="1", labels={"app": "web"})])
        assert result.actions[1].message.startswith(
            "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't satisfy existing pods anti-affinity rules.")

    def test_preferred_anti_affinity_spreads(self):
        web = pod("web", labels={"app": "web"}, node_name="a")
        p = pod("p", affinity={"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "podAffinityTerm": term(app="web")}]}})
        assert run([node("a"), node("b"), web, p])[1].actions[0].node == "b"


class TestWatches:
    def test_unbound_pod_maps_to_itself(self):
        view = MemoryView([pod("p")])
        assert list(scheduler.COMPONENT.watches["Pod"](pod("p"), view)) == [Key("Pod", "default", "p")]

    def test_running_bound_pod_maps_to_nothing(self):
        running = pod("old", node_name="a", phase="Running")
        view = MemoryView([node("a"), running])
        assert list(scheduler.COMPONENT.watches["Pod"](running, view)) == []

    @pytest.mark.parametrize("old,new,expected", [
        pytest.param(None, node("a"), [queueing.NODE_ADD], id="node-added"),
        pytest.param(node("a"), None, [queueing.NODE_DELETE], id="node-deleted"),
        pytest.param(node("a"), node("a", cpu="8"), [queueing.NODE_ALLOCATABLE], id="allocatable"),
        pytest.param(node("a"), node("a", labels={"disk": "ssd"}), [queueing.NODE_LABEL], id="labels"),
        pytest.param(node("a"), node("a", unschedulable=True), [queueing.NODE_TAINT], id="cordon"),
        pytest.param(node("a"), node("a", taints=[{"key": "k", "effect": "NoSchedule"}]), [queueing.NODE_TAINT],
                     id="taint"),
        pytest.param(node("a"), node("a"), [], id="heartbeat"),
    ])
    def test_node_wakes(self, old, new, expected):
        assert list(queueing.node_wakes(old, new, MemoryView())) == expected

    @pytest.mark.parametrize("old,new,expected", [
        pytest.param(pod("b", node_name="a", phase="Running"), None, [queueing.POD_DELETE], id="deleted"),
        pytest.param(pod("b", node_name="a", phase="Running"), pod("b", node_name="a", phase="Succeeded"),
                     [queueing.POD_DELETE], id="terminal"),
        pytest.param(pod("b"), pod("b", node_name="a"), [queueing.POD_ADD], id="bound"),
        pytest.param(pod("b", node_name="a"), pod("b", node_name="a", labels={"x": "y"}), [queueing.POD_LABEL],
                     id="labels"),
        pytest.param(pod("b", node_name="a", phase="Pending"), pod("b", node_name="a", phase="Running"), [],
                     id="status-only"),
        pytest.param(pod("b"), {**pod("b"), "status": {"phase": "Pending", "conditions": []}}, [],
                     id="unbound-status-only"),
        pytest.param(pod("b"), pod("b", nodeSelector={"x": "y"}), [Key("Pod", "default", "b")], id="unbound-spec"),
        pytest.param(pod("b"), None, [Key("Pod", "default", "b")], id="unbound-deleted"),
    ])
    def test_pod_wakes(self, old, new, expected):
        assert list(queueing.pod_wakes(old, new, MemoryView())) == expected

    @pytest.mark.parametrize("objects,expected", [
        pytest.param([node("a"), pod("p", cpu="5")],
                     {queueing.NODE_ADD, queueing.POD_DELETE, queueing.NODE_ALLOCATABLE}, id="resources"),
        pytest.param([node("a", unschedulable=True), pod("p")], {queueing.NODE_ADD, queueing.NODE_TAINT},
                     id="cordoned"),
        pytest.param([node("a"), pod("p", nodeSelector={"disk": "ssd"})], {queueing.NODE_ADD, queueing.NODE_LABEL},
                     id="selector"),
        pytest.param([pod("p")], {queueing.NODE_ADD}, id="no-nodes"),
    ])
    def test_park_events_follow_the_rejecting_plugins(self, objects, expected):
        assert parked(objects) == expected


def test_public_surface():
    assert set(scheduler.__all__) <= set(dir(scheduler))


def pinned(name, *nodes, cpu=None):
    return pod(name, cpu=cpu, affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [n]}]}
                              for n in nodes]}}})


class TestPinnedByName:
    """NodeAffinity's PreFilter (matchFields metadata.name In, as DaemonSet pods): only the named nodes are
    evaluated, found by name; the others are reported as NodeAffinity failures."""

    NODES = [node(f"n-{i:02d}") for i in range(10)]

    def test_binds_to_the_one_named_node(self):
        for target in ("n-00", "n-07", "n-09"):
            view = MemoryView(self.NODES + [pinned("p", target)])
            assert scheduler.schedule(view.get("Pod", "default", "p"), view).node == target

    def test_of_two_terms_naming_nodes_the_emptier_wins(self):
        busy = pod("busy", cpu="3", node_name="n-03", phase="Running")
        view = MemoryView(self.NODES + [busy, pinned("p", "n-03", "n-08", cpu="500m")])
        assert scheduler.schedule(view.get("Pod", "default", "p"), view).node == "n-08"

    def test_a_named_node_that_does_not_fit(self):
        busy = pod("busy", cpu="4", node_name="n-07", phase="Running")
        view = MemoryView(self.NODES + [busy, pinned("p", "n-07", cpu="1")])
        decision = scheduler.schedule(view.get("Pod", "default", "p"), view)
        assert decision.node is None
        assert decision.message == (
            "0/10 nodes are available: 1 Insufficient cpu, 9 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
            "preemption: 0/10 nodes are available: 1 No preemption victims found for incoming pod, "
            "9 Preemption is not helpful for scheduling..")

    def test_a_named_node_that_does_not_exist(self):
        view = MemoryView(self.NODES + [pinned("p", "n-10")])
        decision = scheduler.schedule(view.get("Pod", "default", "p"), view)
        assert decision.node is None
        assert decision.message == (
            "0/10 nodes are available: 10 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
            "preemption: 0/10 nodes are available: 10 Preemption is not helpful for scheduling..")
