"""The DaemonSet controller as a pure function, with the cases of daemon_controller_test.go and update_test.go."""
from __future__ import annotations

import pytest

from litekube.reconcile.base import Create, Delete, Key, RecordEvent, UpdateStatus
from litekube.reconcile.daemonset import controller as daemonset
from litekube.reconcile.daemonset import update, util
from tests.reconcile.daemonset_fixtures import (
    KEY,
    NOW,
    Cluster,
    current_hash,
    new_daemon_set,
    new_node,
    new_pod,
)
from litekube.reconcile.views import MemoryView


def counts(result) -> tuple[int, int, int]:
    """(creates of pods, deletes of pods, events) of one pass, as syncAndValidateDaemonSets counts them."""
    creates = sum(1 for a in result.actions if isinstance(a, Create) and a.obj["kind"] == "Pod")
    deletes = sum(1 for a in result.actions if isinstance(a, Delete) and a.kind == "Pod")
    events = sum(1 for a in result.actions if isinstance(a, RecordEvent)) + creates
    return creates, deletes, events


def nodes(n: int, labels: dict | None = None, prefix: str = "node-") -> list[dict]:
    return [new_node(f"{prefix}{i}", labels) for i in range(n)]


def sync_counts(objects) -> tuple[int, int, int]:
    return counts(daemonset.reconcile(KEY, MemoryView(objects), NOW))


class TestLaunching:
    def test_simple_daemon_set_launches_pods(self):
        assert sync_counts([new_daemon_set(), *nodes(5)]) == (5, 0, 5)

    def test_no_nodes_does_nothing(self):
        assert sync_counts([new_daemon_set()]) == (0, 0, 0)

    def test_one_node_daemon_launches_pod(self):
        assert sync_counts([new_daemon_set(), new_node("only")]) == (1, 0, 1)

    def test_not_ready_node_daemon_does_launch_pod(self):
        assert sync_counts([new_daemon_set(), new_node("not-ready", ready=False)]) == (1, 0, 1)

    def test_created_pod_is_pinned_by_node_affinity_and_left_to_the_scheduler(self):
        result = daemonset.reconcile(KEY, MemoryView([new_daemon_set(), new_node("n1")]), NOW)
        pod = next(a.obj for a in result.actions if isinstance(a, Create) and a.obj["kind"] == "Pod")
        assert "nodeName" not in pod["spec"]
        assert pod["spec"]["affinity"] == {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]}]}}}
        assert pod["metadata"]["generateName"] == "foo-"
        assert pod["metadata"]["labels"][util.GENERATION_LABEL] == "1"
        assert pod["metadata"]["labels"][util.HASH_LABEL]
        assert pod["metadata"]["ownerReferences"][0]["kind"] == "DaemonSet"
        assert [t["key"] for t in pod["spec"]["tolerations"]] == [
            "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable", "node.kubernetes.io/disk-pressure",
            "node.kubernetes.io/memory-pressure", "node.kubernetes.io/pid-pressure",
            "node.kubernetes.io/unschedulable"]
        assert all("tolerationSeconds" not in t for t in pod["spec"]["tolerations"])
        event = next(a.event for a in result.actions if isinstance(a, Create) and a.obj["kind"] == "Pod")
        assert (event.reason, event.message, event.component) == (
            "SuccessfulCreate", "Created pod: {name}", "daemonset-controller")

    def test_host_network_pods_tolerate_network_unavailable(self):
        spec = {"hostNetwork": True, "tolerations": [
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
             "tolerationSeconds": 300}]}
        util.add_tolerations(spec)
        assert spec["tolerations"][0] == {"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                                          "effect": "NoExecute"}
        assert spec["tolerations"][-1]["key"] == "node.kubernetes.io/network-unavailable"
        assert len(spec["tolerations"]) == 7

    def test_burst_replicas_caps_creates_per_pass(self):
        assert sync_counts([new_daemon_set(), *nodes(daemonset.BURST_REPLICAS + 3)])[0] == daemonset.BURST_REPLICAS

    def test_daemon_set_respects_termination(self):
        # A terminating pod on the node: no new pod until it is gone.
        ds = new_daemon_set()
        assert sync_counts([ds, new_node("n1"), new_pod("old", "n1", ds, deleting=True)]) == (0, 0, 0)

    def test_deals_with_existing_pods(self):
        ds = new_daemon_set()
        objects = [ds, *nodes(5)]
        objects += [new_pod("a1", "node-1", ds)]
        objects += [new_pod(f"b{i}", "node-2", ds, created=NOW - 100 + i) for i in range(2)]
        objects += [new_pod(f"c{i}", "node-3", ds, created=NOW - 100 + i) for i in range(5)]
        objects += [new_pod(f"x{i}", "node-4", None, labels={"other": "x"}) for i in range(2)]
        # nodes 0 and 4 get a pod; node-2 keeps its oldest, node-3 too.
        assert sync_counts(objects) == (2, 5, 7)

    def test_pod_pinned_to_a_node_that_is_gone_and_never_scheduled_is_deleted(self):
        ds = new_daemon_set()
        assert sync_counts([ds, new_pod("lost", "gone", ds, bound=False)]) == (0, 1, 1)


class TestNodeSelection:
    def test_selector_daemon_launches_pods(self):
        ds = new_daemon_set(node_selector={"color": "blue"})
        objects = [ds, *nodes(4), *nodes(3, {"color": "blue"}, prefix="blue-")]
        assert sync_counts(objects) == (3, 0, 3)

    def test_selector_daemon_deletes_unselected_pods(self):
        ds = new_daemon_set(node_selector={"color": "blue"})
        objects = [ds, new_node("plain"), new_node("blue", {"color": "blue"}), new_pod("p", "plain", ds)]
        assert sync_counts(objects) == (1, 1, 2)

    def test_bad_selector_launches_nothing(self):
        ds = new_daemon_set(node_selector={"color": "green"})
        assert sync_counts([ds, *nodes(3, {"color": "blue"})]) == (0, 0, 0)

    def test_node_affinity_daemon_launches_pods(self):
        affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "color", "operator": "In", "values": ["blue"]}]}]}}}
        ds = new_daemon_set(affinity=affinity)
        result = daemonset.reconcile(KEY, MemoryView([ds, *nodes(2), *nodes(2, {"color": "blue"}, "b-")]), NOW)
        pods = [a.obj for a in result.actions if isinstance(a, Create) and a.obj["kind"] == "Pod"]
        assert sorted(util.target_node(p) for p in pods) == ["b-0", "b-1"]
        # The required terms are replaced by the pin: nothing else constrains the scheduler.
        assert pods[0]["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] == {
            "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In",
                                                    "values": ["b-0"]}]}]}

    def test_name_daemon_set_launches_pods(self):
        ds = new_daemon_set()
        ds["spec"]["template"]["spec"]["nodeName"] = "node-0"
        assert sync_counts([ds, *nodes(3)]) == (1, 0, 1)


class TestTaints:
    NO_SCHEDULE = {"key": "dedicated", "value": "x", "effect": "NoSchedule"}
    NO_EXECUTE = {"key": "dedicated", "value": "x", "effect": "NoExecute"}

    def test_tainted_node_daemon_does_not_launch_intolerant_pod(self):
        node = new_node("tainted", taints=[self.NO_SCHEDULE])
        assert sync_counts([new_daemon_set(), node]) == (0, 0, 0)

    def test_tainted_node_daemon_launches_tolerate_pod(self):
        node = new_node("tainted", taints=[self.NO_SCHEDULE])
        ds = new_daemon_set(tolerations=[{"key": "dedicated", "operator": "Equal", "value": "x",
                                          "effect": "NoSchedule"}])
        assert sync_counts([ds, node]) == (1, 0, 1)

    def test_no_schedule_tainted_doesnt_evict_running_intolerant_pod(self):
        ds = new_daemon_set()
        node = new_node("tainted", taints=[self.NO_SCHEDULE])
        assert sync_counts([ds, node, new_pod("p", "tainted", ds)]) == (0, 0, 0)

    def test_no_execute_tainted_does_evict_running_intolerant_pod(self):
        ds = new_daemon_set()
        node = new_node("tainted", taints=[self.NO_EXECUTE])
        assert sync_counts([ds, node, new_pod("p", "tainted", ds)]) == (0, 1, 1)

    @pytest.mark.parametrize("key,effect", [
        ("node.kubernetes.io/not-ready", "NoExecute"), ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"), ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"), ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ])
    def test_default_tolerations_launch_on_condition_taints(self, key, effect):
        node = new_node("n", taints=[{"key": key, "effect": effect}])
        assert sync_counts([new_daemon_set(), node]) == (1, 0, 1)

    def test_network_unavailable_only_for_host_network(self):
        taint = {"key": "node.kubernetes.io/network-unavailable", "effect": "NoSchedule"}
        assert sync_counts([new_daemon_set(), new_node("n", taints=[taint])]) == (0, 0, 0)
        assert sync_counts([new_daemon_set(host_network=True), new_node("n", taints=[taint])]) == (1, 0, 1)

    def test_control_plane_taint_needs_a_toleration(self):
        taint = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
        assert sync_counts([new_daemon_set(), new_node("cp", taints=[taint])]) == (0, 0, 0)
        ds = new_daemon_set(tolerations=[{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists",
                                          "effect": "NoSchedule"}])
        assert sync_counts([ds, new_node("cp", taints=[taint])]) == (1, 0, 1)

    @pytest.mark.parametrize("taints,selector,want", [
        ([], None, (True, True)),
        ([{"key": "a", "effect": "NoSchedule"}], None, (False, True)),
        ([{"key": "a", "effect": "NoExecute"}], None, (False, False)),
        ([{"key": "a", "effect": "PreferNoSchedule"}], None, (True, True)),
        ([], {"color": "blue"}, (False, False)),
    ])
    def test_node_should_run_daemon_pod(self, taints, selector, want):
        assert util.should_run(new_node("n", taints=taints), new_daemon_set(node_selector=selector)) == want


class TestFailedPods:
    # The table of v1.32's TestDaemonKillFailedPods (its older "2 failed pods (kill 2)" row went with the
    # backoff: the second failed pod on a node waits for the next pass).
    @pytest.mark.parametrize("failed,normal,creates,deletes,warnings", [
        (0, 1, 0, 0, 0),  # normal (do nothing)
        (0, 0, 1, 0, 0),  # no pods (create 1)
        (1, 0, 0, 1, 1),  # 1 failed pod (kill 1), 0 normal pod (create 0; will create in the next sync)
        (1, 3, 0, 3, 1),  # 1 failed pod (kill 1), 3 normal pods (kill 2)
    ])
    @pytest.mark.parametrize("strategy", ["RollingUpdate", "OnDelete"])
    def test_daemon_kill_failed_pods(self, failed, normal, creates, deletes, warnings, strategy):
        ds = new_daemon_set(strategy=strategy)
        objects = [ds, new_node("node-0")]
        objects += [new_pod(f"bad{i}", "node-0", ds, phase="Failed", created=NOW - 10 + i) for i in range(failed)]
        objects += [new_pod(f"ok{i}", "node-0", ds, created=NOW - 100 + i) for i in range(normal)]
        result = daemonset.reconcile(KEY, MemoryView(objects), NOW)
        found = [a for a in result.actions if isinstance(a, RecordEvent) and a.type == "Warning"]
        assert counts(result)[:2] == (creates, deletes) and len(found) == warnings
        if failed:
            assert (found[0].reason, found[0].message) == (
                "FailedDaemonPod", "Found failed daemon pod default/bad0 on node node-0, will try to kill it")

    def test_failed_pod_backoff_doubles(self):
        ds = new_daemon_set(status={"observedGeneration": 1})
        cluster = Cluster([ds, new_node("n")])
        delays = []
        for _ in range(4):
            cluster.put(new_pod(f"bad{cluster.serial}", "n", ds, phase="Failed"))
            cluster.serial += 1
            # Within the backoff: nothing deleted, a look again after the delay.
            while True:
                result = cluster.sync()
                if any(isinstance(a, Delete) for a in result.actions):
                    break
                delays.append(result.requeue_after)
                cluster.now += result.requeue_after
            cluster.settle()
            for pod in cluster.pods():
                cluster.view.discard(Key("Pod", "default", pod["metadata"]["name"]))
            cluster.now += 0.5
        assert delays == [1.0, 2.0, 4.0]

    def test_succeeded_pod_is_replaced(self):
        ds = new_daemon_set()
        assert sync_counts([ds, new_node("n"), new_pod("done", "n", ds, phase="Succeeded")]) == (0, 1, 1)


class TestStatus:
    def status(self, cluster: Cluster) -> dict:
        return cluster.ds()["status"]

    def test_number_ready_status(self):
        cluster = Cluster([new_daemon_set(), *nodes(2)], ready=False)
        cluster.settle()
        status = self.status(cluster)
        assert (status["numberReady"], status["desiredNumberScheduled"], status["currentNumberScheduled"]) == (0, 2, 2)
        assert status["numberUnavailable"] == 2 and "numberAvailable" not in status
        cluster.set_ready()
        cluster.settle()
        status = self.status(cluster)
        assert (status["numberReady"], status["numberAvailable"], status.get("numberUnavailable")) == (2, 2, None)

    def test_observed_generation(self):
        cluster = Cluster([new_daemon_set(generation=3), *nodes(1)])
        cluster.settle()
        assert self.status(cluster)["observedGeneration"] == 3

    def test_misscheduled_and_updated(self):
        ds = new_daemon_set(node_selector={"color": "blue"})
        cluster = Cluster([ds, new_node("plain"), new_node("blue", {"color": "blue"}),
                           new_pod("stale", "plain", ds)])
        result = cluster.sync()
        status = next(a.obj["status"] for a in result.actions if isinstance(a, UpdateStatus))
        assert status == {"currentNumberScheduled": 0, "numberMisscheduled": 1, "desiredNumberScheduled": 1,
                          "numberReady": 0, "numberUnavailable": 1, "observedGeneration": 1}
        cluster.settle()
        assert self.status(cluster) == {"currentNumberScheduled": 1, "numberMisscheduled": 0,
                                        "desiredNumberScheduled": 1, "numberReady": 1,
                                        "updatedNumberScheduled": 1, "numberAvailable": 1, "observedGeneration": 1}

    def test_min_ready_seconds_requeues_just_after(self):
        cluster = Cluster([new_daemon_set(min_ready=30), new_node("n")])
        cluster.settle()
        result = daemonset.reconcile(KEY, cluster.view, cluster.now)
        assert result.requeue_after == pytest.approx(30.001)
        assert self.status(cluster)["numberReady"] == 1 and "numberAvailable" not in self.status(cluster)


def roll(cluster: Cluster, image: str) -> None:
    ds = cluster.ds()
    ds = {**ds, "metadata": {**ds["metadata"], "generation": ds["metadata"]["generation"] + 1,
                             "annotations": {util.TEMPLATE_GENERATION: str(ds["metadata"]["generation"] + 1)}},
          "spec": {**ds["spec"], "template": {**ds["spec"]["template"], "spec": {
              "containers": [{"name": "foo", "image": image}]}}}}
    cluster.put(ds)


class TestRollingUpdate:
    """update_test.go."""

    def updated(self, cluster: Cluster) -> int:
        return cluster.ds()["status"].get("updatedNumberScheduled", 0)

    def test_daemon_set_updates_pods(self):
        cluster = Cluster([new_daemon_set(max_unavailable=2), *nodes(5)])
        cluster.settle()
        roll(cluster, "foo2/bar2")
        # Each step deletes maxUnavailable old pods, then creates their replacements.
        steps = []
        for _ in range(12):
            result = cluster.sync()
            c, d, _ = counts(result)
            if c or d:
                steps.append((c, d))
        assert steps == [(0, 2), (2, 0), (0, 2), (2, 0), (0, 1), (1, 0)]
        cluster.settle()
        assert self.updated(cluster) == 5

    def test_daemon_set_updates_pods_with_max_surge(self):
        cluster = Cluster([new_daemon_set(max_unavailable=0, max_surge=2), *nodes(5)])
        cluster.settle()
        roll(cluster, "foo2/bar2")
        steps = []
        for _ in range(12):
            c, d, _ = counts(cluster.sync())
            if c or d:
                steps.append((c, d))
            assert max(cluster.pods_per_node().values()) <= 2
        # Surge 2 new pods, then (available at once) delete 2 old ones and surge 2 more, ...
        assert steps == [(0, 0)] * 0 + [(2, 0), (0, 2), (2, 0), (0, 2), (1, 0), (0, 1)]

    def test_daemon_set_updates_when_new_pod_is_not_ready(self):
        cluster = Cluster([new_daemon_set(max_unavailable=1), *nodes(3)])
        cluster.settle()
        roll(cluster, "foo2/bar2")
        cluster.ready = False
        assert counts(cluster.sync())[:2] == (0, 1)
        assert counts(cluster.sync())[:2] == (1, 0)
        # The new pod is not ready: it uses the whole budget.
        for _ in range(3):
            assert counts(cluster.sync())[:2] == (0, 0)

    def test_daemon_set_updates_all_old_pods_not_ready(self):
        cluster = Cluster([new_daemon_set(max_unavailable=1), *nodes(3)], ready=False)
        cluster.settle()
        roll(cluster, "foo2/bar2")
        # Old pods that are not available are replaced whatever the budget.
        assert counts(cluster.sync())[:2] == (0, 3)

    def test_daemon_set_updates_all_old_pods_not_ready_max_surge(self):
        cluster = Cluster([new_daemon_set(max_unavailable=0, max_surge=1), *nodes(3)], ready=False)
        cluster.settle()
        roll(cluster, "foo2/bar2")
        assert counts(cluster.sync())[:2] == (3, 0)

    def test_daemon_set_updates_no_template_changed(self):
        cluster = Cluster([new_daemon_set(max_unavailable=3), *nodes(5)])
        cluster.settle()
        assert counts(cluster.sync())[:2] == (0, 0)

    def test_on_delete_leaves_old_pods(self):
        cluster = Cluster([new_daemon_set(strategy="OnDelete"), *nodes(3)])
        cluster.settle()
        roll(cluster, "foo2/bar2")
        assert cluster.settle() == 1  # the status pass only
        assert self.updated(cluster) == 0
        victim = cluster.pods()[0]["metadata"]["name"]
        cluster.view.discard(Key("Pod", "default", victim))
        cluster.settle()
        assert self.updated(cluster) == 1

    def test_never_two_pods_per_node_without_surge(self):
        cluster = Cluster([new_daemon_set(max_unavailable="50%"), *nodes(7)])
        cluster.settle()
        roll(cluster, "foo2/bar2")
        for _ in range(20):
            cluster.sync()
            assert max(cluster.pods_per_node().values(), default=0) <= 1
        assert self.updated(cluster) == 7


class TestBudgets:
    """TestGetUnavailableNumbers and the rounding of percents (up, as upstream)."""

    @pytest.mark.parametrize("value,desired,want", [
        (1, 5, 1), ("50%", 5, 3), ("50%", 4, 2), ("1%", 1000, 10), ("1%", 1, 1), ("0%", 10, 0),
        ("100%", 3, 3), ("33%", 3, 1), ("34%", 3, 2), (0, 3, 0),
    ])
    def test_unavailable_count_rounds_up(self, value, desired, want):
        assert util.unavailable_count(new_daemon_set(max_unavailable=value), desired) == want

    @pytest.mark.parametrize("value,desired,want", [(0, 5, 0), ("10%", 5, 1), ("50%", 5, 3), (2, 5, 2)])
    def test_surge_count_rounds_up(self, value, desired, want):
        assert util.surge_count(new_daemon_set(max_unavailable=0, max_surge=value), desired) == want

    def test_on_delete_has_no_budgets(self):
        ds = new_daemon_set(strategy="OnDelete")
        assert (util.unavailable_count(ds, 5), util.surge_count(ds, 5), util.allows_surge(ds)) == (0, 0, False)

    def test_zero_and_zero_defaults_to_one_unavailable(self):
        ds = new_daemon_set(max_unavailable=0, max_surge=0)
        live = {f"node-{i}": [new_pod(f"p{i}", f"node-{i}", ds, hash_="old")] for i in range(3)}
        to_delete, to_create = update.rolling_update(ds, {n: new_node(n) for n in live}, live, "new",
                                                     util.Simulated(ds), NOW)
        assert (len(to_delete), to_create) == (1, [])


class TestHistory:
    def revisions(self, cluster: Cluster) -> list[dict]:
        return cluster.view.list("ControllerRevision", "default")

    def test_revision_made_once_and_pods_carry_its_hash(self):
        cluster = Cluster([new_daemon_set(), *nodes(2)])
        cluster.settle()
        [cr] = self.revisions(cluster)
        hash_ = cr["metadata"]["labels"][util.HASH_LABEL]
        assert cr["metadata"]["name"] == f"foo-{hash_}" and cr["revision"] == 1
        assert cr["data"]["spec"]["template"]["$patch"] == "replace"
        assert {p["metadata"]["labels"][util.HASH_LABEL] for p in cluster.pods()} == {hash_}

    def test_rollback_renumbers_the_old_revision(self):
        cluster = Cluster([new_daemon_set(), *nodes(2)])
        cluster.settle()
        first = self.revisions(cluster)[0]["metadata"]["name"]
        roll(cluster, "foo2/bar2")
        cluster.settle()
        roll(cluster, "foo/bar")
        cluster.settle()
        by_name = {cr["metadata"]["name"]: cr["revision"] for cr in self.revisions(cluster)}
        assert len(by_name) == 2 and by_name[first] == 3

    def test_history_limit_keeps_the_newest_old_revisions(self):
        cluster = Cluster([new_daemon_set(history_limit=1), *nodes(1)])
        cluster.settle()
        for image in ("a", "b", "c"):
            roll(cluster, image)
            cluster.settle()
        assert sorted(cr["revision"] for cr in self.revisions(cluster)) == [3, 4]

    def test_hash_collision_bumps_collision_count(self):
        ds = new_daemon_set()
        cluster = Cluster([ds, new_node("n")])
        cluster.settle()
        [cr] = self.revisions(cluster)
        # A revision of another DaemonSet's template holds the name the next template hashes to.
        roll(cluster, "foo2/bar2")
        name = update.history.revision_name("foo", update.compute_hash(cluster.ds()["spec"]["template"], None))
        squatter = {**cr, "metadata": {**cr["metadata"], "name": name, "uid": "squat", "labels": {"x": "y"}},
                    "data": {"spec": {"template": {"other": True}}}}
        squatter["metadata"].pop("ownerReferences")
        cluster.put(squatter)
        cluster.sync()
        assert cluster.ds()["status"]["collisionCount"] == 1
        cluster.settle()
        assert cluster.ds()["status"]["updatedNumberScheduled"] == 1


class TestWatches:
    def test_node_maps_to_every_daemon_set(self):
        view = MemoryView([new_daemon_set("a"), new_daemon_set("b")])
        assert list(daemonset.COMPONENT.watches["Node"](new_node("n"), view)) == [
            Key("DaemonSet", "default", "a"), Key("DaemonSet", "default", "b")]

    def test_pod_maps_to_its_controller_or_selecting_daemon_sets(self):
        ds = new_daemon_set()
        view = MemoryView([ds])
        assert list(daemonset.COMPONENT.watches["Pod"](new_pod("p", "n", ds), view)) == [KEY]
        assert list(daemonset.COMPONENT.watches["Pod"](new_pod("o", "n", None), view)) == [KEY]

    def test_orphan_is_adopted(self):
        ds = new_daemon_set()
        orphan = new_pod("o", "n", None, hash_=current_hash(ds))
        result = daemonset.reconcile(KEY, MemoryView([ds, new_node("n"), orphan]), NOW)
        assert counts(result)[:2] == (0, 0)
        adopted = [a.obj for a in result.actions if getattr(a, "obj", {}).get("kind") == "Pod"]
        assert adopted[0]["metadata"]["ownerReferences"][0]["uid"] == ds["metadata"]["uid"]


class TestRolloutStatus:
    @pytest.mark.parametrize("status,want", [
        ({"observedGeneration": 1, "desiredNumberScheduled": 3, "updatedNumberScheduled": 1},
         ('Waiting for daemon set "foo" rollout to finish: 1 out of 3 new pods have been updated...', False)),
        ({"observedGeneration": 1, "desiredNumberScheduled": 3, "updatedNumberScheduled": 3, "numberAvailable": 2},
         ('Waiting for daemon set "foo" rollout to finish: 2 of 3 updated pods are available...', False)),
        ({"observedGeneration": 1, "desiredNumberScheduled": 3, "updatedNumberScheduled": 3, "numberAvailable": 3},
         ('daemon set "foo" successfully rolled out', True)),
        ({"observedGeneration": 0}, ("Waiting for daemon set spec update to be observed...", False)),
    ])
    def test_messages(self, status, want):
        assert util.rollout_status(new_daemon_set(status=status)) == want

    def test_on_delete_has_no_status(self):
        with pytest.raises(ValueError, match="only available for RollingUpdate strategy type"):
            util.rollout_status(new_daemon_set(strategy="OnDelete"))
