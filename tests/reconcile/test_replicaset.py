"""ReplicaSets: pods created and deleted toward spec.replicas, adoption, status, and the watches."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from litekube.model import durations
from litekube.reconcile.base import (
    Create,
    Delete,
    Key,
    RecordEvent,
    Update,
    UpdateStatus,
)
from litekube.reconcile.common import pod_ranking
from litekube.reconcile.replicaset import controller as replicaset
from litekube.reconcile.views import MemoryView

NOW = 1_800_000_000.0
KEY = Key("ReplicaSet", "default", "web")
TEMPLATE_SPEC = {"containers": [{"name": "web", "image": "nginx:1.27"}]}


def ts(seconds: float) -> str:
    return durations.format_time(datetime.fromtimestamp(seconds, timezone.utc))


def rs(replicas: int = 3, status: dict | None = None, min_ready: int = 0, owner: str | None = None,
       generation: int = 1, name: str = "web", uid: str = "u-rs", **meta) -> dict:
    metadata = {"name": name, "namespace": "default", "uid": uid, "generation": generation,
                "resourceVersion": "7", **meta}
    if owner:
        metadata["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                        "uid": owner, "controller": True}]
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": metadata,
            "spec": {"replicas": replicas, "minReadySeconds": min_ready,
                     "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web", "tier": "front"},
                                               "annotations": {"team": "a"}},
                                  "spec": TEMPLATE_SPEC}},
            "status": status if status is not None else {}}


def pod(name: str, *, node: str = "n1", phase: str = "Running", ready: bool = True, ready_since: float = NOW - 3600,
        created: float = NOW - 7200, restarts: int = 0, owner: str | None = "u-rs", owner_name: str = "web",
        labels: dict | None = None, deleting: bool = False, cost: str | None = None, uid: str | None = None) -> dict:
    metadata: dict = {"name": name, "namespace": "default", "uid": uid or f"u-{name}", "resourceVersion": "3",
                      "creationTimestamp": ts(created),
                      "labels": {"app": "web", "tier": "front"} if labels is None else labels}
    if owner:
        metadata["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": owner_name,
                                        "uid": owner, "controller": True, "blockOwnerDeletion": True}]
    if deleting:
        metadata["deletionTimestamp"] = ts(NOW - 1)
    if cost is not None:
        metadata["annotations"] = {pod_ranking.DELETION_COST_ANNOTATION: cost}
    ready_condition = {"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": ts(ready_since)}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": {"nodeName": node, **TEMPLATE_SPEC},
            "status": {"phase": phase, "conditions": [ready_condition],
                       "containerStatuses": [{"name": "web", "restartCount": restarts}]}}


def run(*objects: dict, now: float = NOW):
    return replicaset.reconcile(KEY, MemoryView(objects), now)


def of(result, kind: type) -> list:
    return [a for a in result.actions if isinstance(a, kind)]


def events(result) -> list[tuple[str, str]]:
    return [(e.reason, e.message) for e in of(result, RecordEvent)]


def deleted(result) -> list[str]:
    return [d.name for d in of(result, Delete)]


def written(result) -> dict:
    (update,) = of(result, UpdateStatus)
    return update.obj["status"]


OWNER_REF = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web", "uid": "u-rs", "controller": True,
             "blockOwnerDeletion": True}


class TestScaleUp:
    def test_creates_the_missing_pods_from_the_template(self):
        result = run(rs(3))
        creates = of(result, Create)
        assert len(creates) == 3
        for create in creates:
            # The API server names the pod from generateName, as upstream's controller asks it to.
            assert create.obj == {
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"generateName": "web-", "namespace": "default",
                             "labels": {"app": "web", "tier": "front"}, "annotations": {"team": "a"},
                             "ownerReferences": [OWNER_REF]},
                "spec": TEMPLATE_SPEC}
            assert create.obj["spec"] is not TEMPLATE_SPEC
            assert (create.event.reason, create.event.message) == ("SuccessfulCreate", "Created pod: {name}")

    def test_each_create_carries_its_event(self):
        result = run(rs(2))
        kinds = [type(a).__name__ for a in result.actions]
        assert kinds == ["Create", "Create", "UpdateStatus"]
        event = of(result, Create)[0].event
        assert (event.type, event.component, event.involved["uid"]) == ("Normal", "replicaset-controller", "u-rs")

    def test_creates_at_most_burst_replicas_per_pass(self):
        assert len(of(run(rs(600)), Create)) == replicaset.BURST_REPLICAS == 500

    def test_only_the_missing_count_is_created(self):
        assert len(of(run(rs(3), pod("a"), pod("b")), Create)) == 1

    def test_nothing_to_do_when_the_count_is_right(self):
        status = {"replicas": 2, "fullyLabeledReplicas": 2, "readyReplicas": 2, "availableReplicas": 2,
                  "observedGeneration": 1}
        assert run(rs(2, status=status), pod("a"), pod("b")).actions == []


class TestScaleDown:
    """Two pods, one replica: the first pod of each case is the one deleted."""

    @pytest.mark.parametrize("victim,survivor", [
        pytest.param(pod("v", node=""), pod("s"), id="unscheduled-before-scheduled"),
        pytest.param(pod("v", node="", ready=True), pod("s", ready=False, phase="Pending"),
                     id="unscheduled-wins-over-phase-and-readiness"),
        pytest.param(pod("v", phase="Pending", ready=False), pod("s", phase="Running"), id="pending-before-running"),
        pytest.param(pod("v", phase="Pending", ready=False), pod("s", phase="Unknown", ready=False),
                     id="pending-before-unknown"),
        pytest.param(pod("v", phase="Unknown", ready=False), pod("s", phase="Running", ready=False),
                     id="unknown-before-running"),
        pytest.param(pod("v", ready=False), pod("s"), id="not-ready-before-ready"),
        pytest.param(pod("v", cost="-5"), pod("s"), id="lower-deletion-cost-first"),
        pytest.param(pod("v", cost="10", ready=False), pod("s", cost="1"), id="readiness-before-cost"),
        pytest.param(pod("v", ready_since=NOW - 60), pod("s", ready_since=NOW - 7200),
                     id="ready-more-recently-first"),
        pytest.param(pod("v", restarts=3), pod("s", restarts=1), id="more-restarts-first"),
        pytest.param(pod("v", created=NOW - 60), pod("s", created=NOW - 86400), id="newer-first"),
        pytest.param(pod("v", ready_since=NOW - 60, restarts=0), pod("s", ready_since=NOW - 7200, restarts=9),
                     id="ready-time-before-restarts"),
        pytest.param(pod("v", created=NOW - 100, uid="a"), pod("s", created=NOW - 90, uid="b"),
                     id="same-log-bucket-lower-uid-first"),
        pytest.param(pod("v", restarts=2, created=NOW - 86400), pod("s", created=NOW - 60),
                     id="restarts-before-age"),
    ])
    @pytest.mark.parametrize("reverse", [False, True], ids=["listed-first", "listed-second"])
    def test_upstream_order(self, victim, survivor, reverse):
        pods = [survivor, victim] if reverse else [victim, survivor]
        result = run(rs(1), *pods)
        assert deleted(result) == ["v"]
        (delete,) = of(result, Delete)
        assert delete == Delete(kind="Pod", namespace="default", name="v", uid=victim["metadata"]["uid"])
        assert events(result) == [("SuccessfulDelete", "Deleted pod: v")]

    def test_more_related_pods_on_the_node_first(self):
        """Rank counts the active pods of every ReplicaSet of the same Deployment on the pod's node."""
        sibling = rs(0, name="web-old", uid="u-old", owner="u-dep")
        crowded = [pod(f"old-{i}", node="n1", owner="u-old", owner_name="web-old") for i in range(2)]
        gone = pod("old-gone", node="n2", owner="u-old", owner_name="web-old", deleting=True)
        view = MemoryView([rs(1, owner="u-dep"), sibling, *crowded, gone,
                           pod("s", node="n2", created=NOW - 60), pod("v", node="n1", created=NOW - 86400)])
        assert deleted(replicaset.reconcile(KEY, view, NOW)) == ["v"]

    def test_ranks_follow_the_siblings_pods_from_pass_to_pass(self):
        """The pods' facts are remembered per object by the view: a sibling's pod put again
        with labels its ReplicaSet no longer selects stops counting on its node at the next pass."""
        sibling = rs(0, name="web-old", uid="u-old", owner="u-dep")
        crowded = [pod(f"old-{i}", node="n1", owner="u-old", owner_name="web-old") for i in range(2)]
        view = MemoryView([rs(1, owner="u-dep"), sibling, *crowded,
                           pod("s", node="n2", created=NOW - 60), pod("v", node="n1", created=NOW - 86400)])
        assert deleted(replicaset.reconcile(KEY, view, NOW)) == ["v"]  # n1: 3 related pods, n2: 1
        for released in crowded:
            view.put({**released, "metadata": {**released["metadata"], "labels": {"app": "other"}}})
        assert deleted(replicaset.reconcile(KEY, view, NOW)) == ["s"]  # 1 and 1: the newer goes

    def test_ranking_follows_a_pod_put_again(self):
        """What the ranking reads of a pod is remembered per object: the same pod put again not
        Ready is the one deleted at the next pass."""
        view = MemoryView([rs(1), pod("s", created=NOW - 86400), pod("v", created=NOW - 60)])
        assert deleted(replicaset.reconcile(KEY, view, NOW)) == ["v"]  # the newer goes
        view.put(pod("s", created=NOW - 86400, ready=False))
        assert deleted(replicaset.reconcile(KEY, view, NOW)) == ["s"]  # not Ready before Ready

    def test_a_replicaset_without_controller_ranks_nothing(self):
        others = [pod(f"x-{i}", node="n1", owner="u-other", owner_name="other") for i in range(3)]
        result = run(rs(1), *others, pod("s", node="n2", created=NOW - 60), pod("v", node="n1", created=NOW - 86400))
        assert deleted(result) == ["s"]  # only age decides: the newer goes

    def test_scale_to_zero_deletes_every_active_pod(self):
        result = run(rs(0), pod("a"), pod("b"), pod("c", deleting=True))
        assert sorted(deleted(result)) == ["a", "b"]

    def test_deletes_at_most_burst_replicas_per_pass(self):
        pods = [pod(f"p{i:03}") for i in range(502)]
        assert len(deleted(run(rs(0), *pods))) == 500


class TestClaiming:
    def test_matching_orphan_is_adopted_and_counted(self):
        other_ref = {"apiVersion": "v1", "kind": "ConfigMap", "name": "cfg", "uid": "u-cm"}
        orphan = pod("o", owner=None)
        orphan["metadata"]["ownerReferences"] = [other_ref]
        result = run(rs(2), pod("a"), orphan)
        (update,) = of(result, Update)
        assert update.obj["metadata"]["ownerReferences"] == [other_ref, OWNER_REF]
        assert update.obj["metadata"]["resourceVersion"] == "3"
        assert orphan["metadata"]["ownerReferences"] == [other_ref]  # the cached object is untouched
        assert of(result, Create) == []
        assert written(result)["replicas"] == 2

    @pytest.mark.parametrize("orphan", [
        pytest.param(pod("o", owner=None, labels={"app": "api"}), id="selector-does-not-match"),
        pytest.param(pod("o", owner=None, deleting=True), id="terminating"),
        pytest.param(pod("o", owner=None, phase="Succeeded"), id="succeeded"),
        pytest.param(pod("o", owner="u-other", owner_name="other"), id="controlled-by-another"),
    ])
    def test_other_pods_are_left_alone(self, orphan):
        result = run(rs(1), orphan)
        assert of(result, Update) == []
        assert len(of(result, Create)) == 1

    def test_pod_that_stopped_matching_is_released_and_replaced(self):
        result = run(rs(1), pod("a", labels={"app": "api"}))
        (update,) = of(result, Update)
        assert "ownerReferences" not in update.obj["metadata"]
        assert len(of(result, Create)) == 1
        assert result.actions.index(update) == 0  # claiming comes before managing

    def test_deleting_replicaset_adopts_releases_and_creates_nothing(self):
        deleting = rs(3, deletionTimestamp=ts(NOW - 5))
        result = run(deleting, pod("a"), pod("b", labels={"app": "api"}), pod("o", owner=None))
        assert [type(a).__name__ for a in result.actions] == ["UpdateStatus"]
        assert written(result)["replicas"] == 1

    def test_deleting_replicaset_deletes_nothing(self):
        result = run(rs(0, deletionTimestamp=ts(NOW - 5)), pod("a"))
        assert of(result, Delete) == []


class TestActivePods:
    @pytest.mark.parametrize("inactive", [
        pytest.param(pod("old", deleting=True), id="terminating"),
        pytest.param(pod("old", phase="Failed", ready=False), id="failed"),
        pytest.param(pod("old", phase="Succeeded", ready=False), id="succeeded"),
    ])
    def test_inactive_pods_are_replaced_and_not_counted(self, inactive):
        result = run(rs(2), pod("a"), inactive)
        assert len(of(result, Create)) == 1
        assert of(result, Delete) == []
        assert written(result)["replicas"] == 1


class TestStatus:
    def test_counts(self):
        pods = [pod("a"), pod("b", ready=False), pod("c", labels={"app": "web"}),
                pod("d", labels={"app": "web", "tier": "front", "extra": "1"}), pod("e", deleting=True)]
        status = written(run(rs(4), *pods))
        assert status == {"replicas": 4, "fullyLabeledReplicas": 3, "readyReplicas": 3, "availableReplicas": 3,
                          "observedGeneration": 1}

    def test_zero_counts_are_omitted(self):
        status = written(run(rs(0, status={"replicas": 2, "readyReplicas": 2}, generation=3)))
        assert status == {"replicas": 0, "observedGeneration": 3}

    @pytest.mark.parametrize("ready_for,available,requeue", [
        pytest.param(None, 0, None, id="not-ready"),
        pytest.param(4, 0, 6.001, id="ready-4s-of-10"),
        pytest.param(10, 0, 0.001, id="exactly-min-ready-is-not-enough"),
        pytest.param(11, 1, None, id="ready-longer-than-min-ready"),
    ])
    def test_available_replicas_with_min_ready_seconds(self, ready_for, available, requeue):
        ready = ready_for is not None
        result = run(rs(1, min_ready=10), pod("a", ready=ready, ready_since=NOW - (ready_for or 0)))
        status = written(result)
        assert status.get("readyReplicas", 0) == int(ready)
        assert status.get("availableReplicas", 0) == available
        assert result.requeue_after == (pytest.approx(requeue) if requeue is not None else None)

    def test_requeue_for_the_earliest_pod_to_become_available(self):
        result = run(rs(2, min_ready=30), pod("a", ready_since=NOW - 5), pod("b", ready_since=NOW - 20))
        assert result.requeue_after == pytest.approx(10.001)

    @pytest.mark.parametrize("p,min_ready,expected", [
        pytest.param(pod("a", ready=False), 0, None, id="not-ready"),
        pytest.param(pod("a"), 0, 0.0, id="ready-no-min-ready"),
        pytest.param(pod("a", ready_since=NOW - 2), 5, 3.001, id="waiting"),
        pytest.param(pod("a", ready_since=NOW - 6), 5, 0.0, id="available"),
    ])
    def test_available_after(self, p, min_ready, expected):
        assert replicaset.available_after(p, min_ready, NOW) == (None if expected is None
                                                                  else pytest.approx(expected))

    def test_ready_without_transition_time_is_never_available(self):
        p = pod("a")
        del p["status"]["conditions"][0]["lastTransitionTime"]
        result = run(rs(1, min_ready=5), p)
        assert written(result).get("availableReplicas", 0) == 0
        assert result.requeue_after is None

    def test_no_update_when_unchanged(self):
        status = {"replicas": 1, "fullyLabeledReplicas": 1, "readyReplicas": 1, "availableReplicas": 1,
                  "observedGeneration": 1}
        assert of(run(rs(1, status=status), pod("a")), UpdateStatus) == []

    def test_new_generation_is_observed(self):
        status = {"replicas": 1, "fullyLabeledReplicas": 1, "readyReplicas": 1, "availableReplicas": 1,
                  "observedGeneration": 1}
        result = run(rs(1, status=status, generation=2), pod("a"))
        assert written(result)["observedGeneration"] == 2
        assert of(result, UpdateStatus)[0].obj["metadata"]["resourceVersion"] == "7"

    def test_stale_replica_failure_is_removed(self):
        failure = {"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate", "message": "quota"}
        status = {"replicas": 1, "fullyLabeledReplicas": 1, "readyReplicas": 1, "availableReplicas": 1,
                  "observedGeneration": 1, "conditions": [failure]}
        assert "conditions" not in written(run(rs(1, status=status), pod("a")))

    def test_status_counts_the_pods_before_this_pass_acts(self):
        assert written(run(rs(3), pod("a")))["replicas"] == 1


class TestNothingToDo:
    def test_missing_replicaset(self):
        assert run(pod("a")).actions == []

    def test_invalid_selector(self):
        bad = rs(3)
        bad["spec"]["selector"] = {"matchExpressions": [{"key": "app", "operator": "Near", "values": ["x"]}]}
        assert run(bad).actions == []


class TestWatches:
    def test_replicaset_maps_to_itself(self):
        assert list(replicaset.COMPONENT.watches["ReplicaSet"](rs(), MemoryView())) == [KEY]

    @pytest.mark.parametrize("p,expected", [
        pytest.param(pod("a"), [KEY], id="controlled"),
        pytest.param(pod("a", owner=None), [KEY, Key("ReplicaSet", "default", "web-all")], id="orphan-matching"),
        pytest.param(pod("a", owner=None, labels={"app": "api"}), [Key("ReplicaSet", "default", "web-all")],
                     id="orphan-matching-one"),
    ])
    def test_pod_maps_to_its_replicasets(self, p, expected):
        everything = rs(name="web-all", uid="u-all")
        everything["spec"]["selector"] = {"matchExpressions": [{"key": "app", "operator": "Exists"}]}
        elsewhere = {**rs(name="web-x", uid="u-x"), "metadata": {"name": "web-x", "namespace": "other", "uid": "u-x"}}
        view = MemoryView([rs(), everything, elsewhere])
        assert list(replicaset.replicasets_for_pod(p, view)) == expected

    def test_pod_controlled_by_another_kind_maps_to_nothing(self):
        p = pod("a", owner=None)
        p["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db",
                                             "uid": "u-db", "controller": True}]
        assert list(replicaset.replicasets_for_pod(p, MemoryView([rs()]))) == []

    def test_component(self):
        assert (replicaset.COMPONENT.name, replicaset.COMPONENT.primary) == ("replicaset", "ReplicaSet")
        assert set(replicaset.COMPONENT.watches) == {"ReplicaSet", "Pod"}


class TestPodRanking:
    @pytest.mark.parametrize("value,cost", [
        pytest.param(None, 0, id="absent"), pytest.param("7", 7, id="positive"), pytest.param("-3", -3, id="negative"),
        pytest.param("0", 0, id="zero"), pytest.param("+1", 0, id="plus-sign"), pytest.param("007", 0, id="leading-zero"),
        pytest.param("2147483648", 0, id="beyond-int32"), pytest.param("1_0", 0, id="underscore"),
        pytest.param("x", 0, id="not-a-number"),
    ])
    def test_deletion_cost(self, value, cost):
        assert pod_ranking.deletion_cost(pod("a", cost=value)) == cost

    def test_no_sort_when_every_pod_goes(self):
        pods = [pod("ready"), pod("unscheduled", node="")]
        assert pod_ranking.pods_to_delete(pods, [], 2, NOW) == pods

    def test_without_now_times_compare_plainly(self):
        older, newer = pod("o", created=NOW - 100, uid="a"), pod("n", created=NOW - 90, uid="b")
        assert pod_ranking.sort_for_deletion([older, newer], [0, 0], None) == [newer, older]

    def test_ranks_count_active_related_pods_per_node(self):
        related = [pod("a", node="n1"), pod("b", node="n1"), pod("c", node="n2", deleting=True), pod("d", node="")]
        pods = [pod("x", node="n1"), pod("y", node="n2"), pod("z", node="")]
        assert pod_ranking.ranks_by_related_pods_on_node(pods, related) == [2, 0, 1]


def test_public_surface():
    assert set(replicaset.__all__) <= set(dir(replicaset))
    assert set(pod_ranking.__all__) <= set(dir(pod_ranking))
