"""Rollout arithmetic: fenceposts, full rolling updates step by step, proportional scaling."""
from __future__ import annotations

import copy
import itertools

import pytest

from litekube.reconcile.base import (
    Create,
    Delete,
    Key,
    RecordEvent,
    Update,
    UpdateStatus,
)
from litekube.reconcile.deployment import controller as deployment
from litekube.reconcile.deployment import util as du
from litekube.reconcile.views import MemoryView

NOW = 1_800_000_000.0
KEY = Key("Deployment", "default", "web")


def template(image: str = "nginx:1.25") -> dict:
    return {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": image}]}}


def make_deployment(replicas: int = 3, surge="25%", unavailable="25%", image: str = "nginx:1.25",
                    strategy: str = "RollingUpdate", generation: int = 1, **spec) -> dict:
    strat: dict = {"type": strategy}
    if strategy == "RollingUpdate":
        strat["rollingUpdate"] = {"maxSurge": surge, "maxUnavailable": unavailable}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default", "uid": "u-d", "generation": generation,
                         "resourceVersion": "1"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}}, "strategy": strat,
                     "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600, "template": template(image),
                     **spec},
            "status": {}}


class Cluster:
    """A MemoryView plus a toy API and ReplicaSet controller: actions in, state out."""

    def __init__(self, *objects: dict) -> None:
        self.view = MemoryView(objects)
        self.now = NOW
        self.uids = itertools.count(1)
        self.events: list[RecordEvent] = []

    def apply(self, actions: list) -> None:
        for a in actions:
            if isinstance(a, Create):
                obj = copy.deepcopy(a.obj)
                n = next(self.uids)
                obj["metadata"].update(uid=f"u-{n}", creationTimestamp=du.timestamp(self.now + n),
                                       resourceVersion="1", generation=1)
                obj["status"] = {}
                self.view.put(obj)
            elif isinstance(a, Update):
                old = self.view.get(a.obj["kind"], "default", a.obj["metadata"]["name"])
                obj = copy.deepcopy(a.obj)
                obj["status"] = copy.deepcopy((old or {}).get("status", {}))
                self.view.put(obj)
            elif isinstance(a, UpdateStatus):
                old = self.view.get(a.obj["kind"], "default", a.obj["metadata"]["name"])
                obj = copy.deepcopy(old)
                obj["status"] = copy.deepcopy(a.obj["status"])
                self.view.put(obj)
            elif isinstance(a, Delete):
                self.view.discard(Key(a.kind, a.namespace, a.name))
            elif isinstance(a, RecordEvent):
                self.events.append(a)

    def replica_sets(self) -> list[dict]:
        return sorted(self.view.list("ReplicaSet", "default"), key=du.by_creation)

    def run_rs_controller(self, available: bool) -> None:
        """Pods appear and vanish at once; new pods become available only when `available`."""
        for rs in self.replica_sets():
            rs = copy.deepcopy(rs)
            size = du.replicas(rs)
            status = rs.setdefault("status", {})
            status.update(replicas=size, observedGeneration=rs["metadata"].get("generation", 1))
            status["availableReplicas"] = size if available else min(status.get("availableReplicas", 0), size)
            status["readyReplicas"] = status["availableReplicas"]
            self.view.put(rs)

    def reconcile(self):
        result = deployment.reconcile(KEY, self.view, self.now)
        self.apply(result.actions)
        return result

    def sizes(self) -> tuple[int, ...]:
        """Sizes oldest first; a rollout's new RS counts as 0 until it exists."""
        sizes = tuple(du.replicas(rs) for rs in self.replica_sets())
        return sizes + (0,) * (2 - len(sizes))


def settle(c: Cluster, check) -> list[tuple[int, ...]]:
    """Reconcile until nothing changes, recording sizes; pods become available between rounds."""
    seen = [c.sizes()]
    for _ in range(60):
        for _ in range(20):
            result = c.reconcile()
            c.run_rs_controller(available=False)
            check(c)
            if c.sizes() != seen[-1]:
                seen.append(c.sizes())
            if not [a for a in result.actions if isinstance(a, (Create, Update))]:
                break
        before = copy.deepcopy(c.view.list("ReplicaSet"))
        c.run_rs_controller(available=True)
        check(c)
        if before == c.view.list("ReplicaSet") and not any(isinstance(a, (Create, Update))
                                                          for a in c.reconcile().actions):
            return seen
    raise AssertionError("no convergence")


def start(replicas: int, surge, unavailable) -> Cluster:
    c = Cluster(make_deployment(replicas, surge, unavailable, image="v1"))
    c.reconcile()
    c.run_rs_controller(available=True)
    c.reconcile()
    d = copy.deepcopy(c.view.get("Deployment", "default", "web"))
    d["spec"]["template"] = template("v2")
    d["metadata"]["generation"] = 2
    c.view.put(d)
    return c


class TestFenceposts:
    @pytest.mark.parametrize("surge, unavailable, desired, expected", [
        ("25%", "25%", 1, (1, 0)), ("25%", "25%", 3, (1, 0)), ("25%", "25%", 4, (1, 1)),
        ("25%", "25%", 10, (3, 2)), ("25%", "25%", 100, (25, 25)), (0, 0, 5, (0, 1)),
        ("0%", "0%", 10, (0, 1)), (0, 1, 3, (0, 1)), (2, 0, 3, (2, 0)), ("50%", "50%", 5, (3, 2)),
        ("10%", "10%", 3, (1, 0)), ("25%", "25%", 0, (0, 1)), (1, "100%", 7, (1, 7)), ("1%", "1%", 1, (1, 0)),
    ], ids=lambda v: str(v))
    def test_resolve(self, surge, unavailable, desired, expected):
        assert du.resolve_fenceposts(surge, unavailable, desired) == expected

    def test_invalid_value_raises(self):
        with pytest.raises(ValueError):
            du.resolve_fenceposts("5", 0, 3)

    @pytest.mark.parametrize("replicas, unavailable, expected", [(0, "25%", 0), (3, 5, 3), (4, "25%", 1)],
                             ids=["zero-replicas", "capped", "percent"])
    def test_max_unavailable(self, replicas, unavailable, expected):
        assert du.max_unavailable(make_deployment(replicas, 1, unavailable)) == expected

    def test_recreate_has_no_fenceposts(self):
        d = make_deployment(4, strategy="Recreate")
        assert (du.max_surge(d), du.max_unavailable(d)) == (0, 0)


ROLLOUTS = {
    "3-default": (3, "25%", "25%", [(3, 0), (3, 1), (2, 1), (2, 2), (1, 2), (1, 3), (0, 3)]),
    # The pass that creates the new RS may already scale the old one down (it returns unscaled).
    "4-default": (4, "25%", "25%", [(4, 0), (3, 1), (3, 2), (1, 2), (1, 4), (0, 4)]),
    "10-default": (10, "25%", "25%", [(10, 0), (8, 3), (8, 5), (3, 5), (3, 10), (0, 10)]),
    "3-surge0-unavail1": (3, 0, 1, [(3, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2), (0, 3)]),
    "4-surge1-unavail0": (4, 1, 0, [(4, 0), (4, 1), (3, 1), (3, 2), (2, 2), (2, 3), (1, 3), (1, 4), (0, 4)]),
    "5-both-zero": (5, 0, 0, [(5, 0), (4, 0), (4, 1), (3, 1), (3, 2), (2, 2), (2, 3), (1, 3), (1, 4), (0, 4),
                              (0, 5)]),
    "10-surge100": (10, "100%", 0, [(10, 0), (10, 10), (0, 10)]),
    "1-default": (1, "25%", "25%", [(1, 0), (1, 1), (0, 1)]),
    "7-surge2-unavail3": (7, 2, 3, [(7, 0), (4, 2), (4, 5), (0, 5), (0, 7)]),
}


class TestRollingUpdate:
    @pytest.mark.parametrize("name", list(ROLLOUTS))
    def test_rollout_sequence_and_bounds(self, name):
        replicas, surge, unavailable, expected = ROLLOUTS[name]
        c = start(replicas, surge, unavailable)
        s, u = du.resolve_fenceposts(surge, unavailable, replicas)
        u = min(u, replicas)

        def check(cluster: Cluster) -> None:
            rss = cluster.replica_sets()
            assert sum(du.replicas(rs) for rs in rss) <= replicas + s
            assert sum(du.status_int(rs, "availableReplicas") for rs in rss) >= replicas - u

        seen = settle(c, check)
        if expected is not None:
            assert seen == expected
        assert seen[-1] == (0, replicas)
        status = c.view.get("Deployment", "default", "web")["status"]
        assert (status["updatedReplicas"], status["availableReplicas"]) == (replicas, replicas)
        reasons = {cond["type"]: cond["reason"] for cond in status["conditions"]}
        assert reasons == {"Available": "MinimumReplicasAvailable", "Progressing": "NewReplicaSetAvailable"}

    def test_events_name_every_step(self):
        c = start(3, "25%", "25%")
        settle(c, lambda _: None)
        messages = [e.message for e in c.events if e.reason == "ScalingReplicaSet"]
        new, old = (rs["metadata"]["name"] for rs in reversed(c.replica_sets()))
        assert messages[0] == f"Scaled up replica set {old} from 0 to 3"
        assert messages[1:] == [f"Scaled up replica set {new} from 0 to 1", f"Scaled down replica set {old} from 3 to 2",
                                f"Scaled up replica set {new} from 1 to 2", f"Scaled down replica set {old} from 2 to 1",
                                f"Scaled up replica set {new} from 2 to 3", f"Scaled down replica set {old} from 1 to 0"]

    def test_unhealthy_old_replicas_are_cleaned_up_first(self):
        c = start(4, 1, 1)
        old = copy.deepcopy(c.replica_sets()[0])
        old["status"]["availableReplicas"] = 2
        c.view.put(old)
        result = c.reconcile()  # creates the new RS with 1 replica, then looks at the old one
        (create,) = [a for a in result.actions if isinstance(a, Create)]
        (update,) = [a for a in result.actions if isinstance(a, Update) and a.obj["kind"] == "ReplicaSet"]
        # maxScaledDown = 5 - 3 - 1 = 1: one unhealthy old pod goes, nothing more (available 2 <= 3).
        assert (du.replicas(create.obj), update.obj["metadata"]["name"], du.replicas(update.obj)) == (
            1, old["metadata"]["name"], 3)


def rs(name: str, replicas: int, created: int, max_replicas: int | None = None, desired: int | None = None,
       available: int | None = None, image: str | None = None) -> dict:
    ann = {du.REVISION: str(created)}
    if max_replicas is not None:
        ann[du.MAX_REPLICAS] = str(max_replicas)
    if desired is not None:
        ann[du.DESIRED_REPLICAS] = str(desired)
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": "default", "uid": f"u-{name}", "labels": {"app": "web"},
                         "creationTimestamp": du.timestamp(NOW - 1000 + created), "resourceVersion": "5",
                         "annotations": ann, "ownerReferences": [
                             {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u-d",
                              "controller": True}]},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": template(image or name)},
            "status": {"replicas": replicas, "availableReplicas": replicas if available is None else available}}


# Upstream sync_test.go TestScale (maxSurge 0, maxUnavailable 0 unless noted): old replicas, new
# replicas, (new RS size, old RS sizes newest first) before and after.
SCALE_CASES = {
    "normal-10-to-12": (10, 12, (10, []), (12, [])),
    "normal-10-to-5": (10, 5, (10, []), (5, [])),
    "proportional-5-to-10": (5, 10, (2, [3]), (4, [6])),
    "proportional-5-to-3": (5, 3, (2, [3]), (1, [2])),
    "proportional-9-to-4": (9, 4, (8, [1]), (4, [0])),
    "proportional-7-to-10": (7, 10, (2, [3, 2]), (3, [4, 3])),
    "proportional-13-to-8": (13, 8, (2, [8, 3]), (1, [5, 2])),
    "leftover-3-to-4": (3, 4, (1, [1, 1]), (2, [1, 1])),
    "leftover-4-to-3": (4, 3, (1, [2, 1]), (1, [1, 1])),
    "leftover-4-to-9": (4, 9, (1, [2, 1]), (2, [5, 2])),
    "scale-to-zero": (6, 0, (3, [3]), (0, [0])),
    "three-rs-3-to-5": (3, 5, (1, [1, 1]), (2, [2, 1])),
    "equal-10-to-15": (10, 15, (5, [5]), (8, [7])),
}


class TestProportionalScaling:
    @pytest.mark.parametrize("name", list(SCALE_CASES))
    def test_scale(self, name):
        old_replicas, new_replicas, (new_before, olds_before), (new_after, olds_after) = SCALE_CASES[name]
        d = make_deployment(new_replicas, 0, 0, image="new")
        d["status"] = {"replicas": old_replicas}
        objects = [d, rs("new", new_before, 10, old_replicas, old_replicas, image="new")]
        objects += [rs(f"old{i}", n, 9 - i, old_replicas, old_replicas, available=0) for i, n in enumerate(olds_before)]
        c = Cluster(*objects)
        c.reconcile()
        got_new = du.replicas(c.view.get("ReplicaSet", "default", "new"))
        got_olds = [du.replicas(c.view.get("ReplicaSet", "default", f"old{i}")) for i in range(len(olds_before))]
        assert (got_new, got_olds) == (new_after, olds_after)

    def test_docs_example_with_surge(self):
        """kubernetes.io: 10 -> 15 with maxSurge 3 mid-rollout: old 8 -> 11, new 5 -> 7."""
        d = make_deployment(15, 3, 2, image="new")
        c = Cluster(d, rs("new", 5, 10, 13, 10, available=0, image="new"), rs("old", 8, 1, 13, 10))
        c.reconcile()
        assert c.sizes() == (11, 7)
        for r in c.replica_sets():
            assert r["metadata"]["annotations"][du.DESIRED_REPLICAS] == "15"
            assert r["metadata"]["annotations"][du.MAX_REPLICAS] == "18"

    @pytest.mark.parametrize("rs_replicas, to_add, added, expected", [
        (0, 5, 0, 0), (5, 0, 0, 0), (5, 5, 5, 0), (8, 5, 0, 4), (8, 2, 0, 2), (8, -5, 0, -4), (8, -2, 0, -2), (8, 5, 3, 2),
    ], ids=lambda v: str(v))
    def test_replica_set_proportion(self, rs_replicas, to_add, added, expected):
        d = make_deployment(10 + to_add, 0, 0)
        assert du.replica_set_proportion(rs("a", rs_replicas, 1, 10), d, to_add, added) == expected


class TestProportionRounding:
    """getReplicaSetFraction rounds rs.replicas x newMax / oldMax half away from zero (Go's math.Round).

    Pinned at the half-way point, so `2 * r >= y` written as `>` fails here.
    """

    @pytest.mark.parametrize("rs_replicas, new_max, old_max, fraction", [
        pytest.param(1, 3, 2, 1, id="1x3/2=1.5-rounds-up"),
        pytest.param(3, 3, 2, 2, id="3x3/2=4.5-rounds-up"),
        pytest.param(1, 1, 2, 0, id="1x1/2=0.5-rounds-up-to-1"),
        pytest.param(3, 5, 6, 0, id="3x5/6=2.5-rounds-up-to-3"),
        pytest.param(2, 4, 3, 1, id="2x4/3=2.67-rounds-up"),
        pytest.param(4, 4, 3, 1, id="4x4/3=5.33-rounds-down"),
        pytest.param(7, 6, 7, -1, id="7x6/7=6-exact"),
    ])
    def test_fraction_at_and_around_half(self, rs_replicas, new_max, old_max, fraction):
        d = make_deployment(new_max, 0, 1)  # maxSurge 0: newMax is d.replicas
        assert du.max_surge(d) == 0
        assert du.replica_set_proportion(rs("a", rs_replicas, 1, old_max), d, 100 if fraction >= 0 else -100,
                                         0) == fraction
