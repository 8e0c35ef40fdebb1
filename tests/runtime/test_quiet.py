"""A component's writes of its `quiet` kinds do not wake the key that made them; anyone else's do.
A Ready node's Lease renewals do not wake the node lifecycle controller; its deadline does.

On real SQLite, through the control plane's loop: the reconcile counts are what is asserted.
"""
from __future__ import annotations

import dataclasses

import pytest

from litekube.api.server import Api
from litekube.model import durations
from litekube.model import values
from litekube.reconcile.base import Component, Create, Key, Result, Update
from litekube.runtime import components, embedded
from litekube.runtime.controlplane import ControlPlane
from litekube.store import Store
from tests.runtime.test_controlplane import api, configmap  # noqa: F401  (api: a fixture)

WALL = 1_800_000_000.0
SRC = Key("ConfigMap", "default", "src")
OTHER = Key("ConfigMap", "default", "other")


def _mirror(key: Key, view, now: float) -> Result:
    """ConfigMap `src` is copied to `src-copy` (level-based: written only when they differ)."""
    if key != SRC:
        return Result()
    src, copy = view.get(*SRC), view.get("ConfigMap", "default", "src-copy")
    if src is None:
        return Result()
    if copy is None:
        return Result([Create(configmap("src-copy", **(src.get("data") or {})))])
    if copy.get("data") != src.get("data"):
        updated = values.clone(copy)
        updated["data"] = dict(src.get("data") or {})
        return Result([Update(updated)])
    return Result()


def _keys(obj: dict, view) -> list[Key]:
    name = obj["metadata"]["name"]
    if name in ("src", "src-copy"):
        return [SRC]
    return [OTHER] if name == "other" else []


LOUD = Component("mirror", _mirror, {"ConfigMap": _keys})
QUIET = dataclasses.replace(LOUD, quiet=frozenset({"ConfigMap"}))


def _plane(api: Api, component: Component) -> ControlPlane:
    plane = ControlPlane(api, [component])
    plane.start()
    return plane


def _copy(api: Api) -> dict:
    with api.read() as tx:
        return tx.get("ConfigMap", "default", "src-copy")["data"]


class TestQuietKinds:
    @pytest.mark.parametrize("component, reconciles", [(LOUD, 2), (QUIET, 1)])
    def test_its_own_copy_wakes_the_key_only_when_not_quiet(self, api, component, reconciles):
        """src's ADDED row wakes src; the copy's ADDED row, mapped back to src, only when not quiet."""
        with api.write() as tx:
            tx.create(configmap("src", a="1"))
        plane = _plane(api, component)
        assert plane.settle().settled
        assert _copy(api) == {"a": "1"}
        assert plane.reconciles["mirror"] == reconciles
        assert not plane._quiet  # every revision it noted came back and was used up

    @staticmethod
    def _edited(api, name: str, **data: str) -> tuple[ControlPlane, int]:
        """src copied and settled, then ConfigMap `name` edited by someone else: the plane, settled
        again, and its reconciles of the mirror before the edit."""
        with api.write() as tx:
            tx.create(configmap("src", a="1"))
        plane = _plane(api, QUIET)
        assert plane.settle().settled
        before = plane.reconciles["mirror"]
        with api.write() as tx:
            edited = tx.get("ConfigMap", "default", name)
            edited["data"] = data
            tx.update(edited)
        assert plane.settle().settled
        return plane, before

    def test_an_update_of_its_own_is_quiet_too(self, api):
        plane, before = self._edited(api, "src", a="2")
        assert _copy(api) == {"a": "2"}
        assert plane.reconciles["mirror"] == before + 1  # the src change; not the copy's update
        assert not plane._quiet

    def test_someone_elses_write_of_the_quiet_kind_wakes_the_key(self, api):
        """A user edits the copy: src is reconciled and the copy restored; that restore is quiet."""
        plane, before = self._edited(api, "src-copy", a="edited")
        assert _copy(api) == {"a": "1"}
        assert plane.reconciles["mirror"] == before + 1

    def test_a_quiet_write_mapped_to_another_key_still_wakes_that_key(self, api):
        """`other` is not the key that wrote it: its change reaches `other` as any change would."""

        def write_other(key: Key, view, now: float) -> Result:
            if key == SRC and view.get(*OTHER) is None:
                return Result([Create(configmap("other"))])
            return Result()

        seen: list[Key] = []

        def counting(key: Key, view, now: float) -> Result:
            seen.append(key)
            return write_other(key, view, now)

        component = Component("mirror", counting, {"ConfigMap": _keys}, quiet=frozenset({"ConfigMap"}))
        with api.write() as tx:
            tx.create(configmap("src"))
        plane = _plane(api, component)
        assert plane.settle().settled
        assert seen.count(OTHER) == 1 and seen.count(SRC) == 1
        assert not plane._quiet


    def test_a_write_that_made_no_revision_is_not_kept_waiting(self, api):
        """A reconciler that writes its copy back unchanged: the store makes no revision for an equal
        body, so no row will ever come back for it; nothing is kept for it."""

        def sloppy(key: Key, view, now: float) -> Result:
            copy = view.get("ConfigMap", "default", "src-copy")
            if key != SRC or copy is None:
                return _mirror(key, view, now)
            return Result([Update(values.clone(copy))])  # the same body again

        with api.write() as tx:
            tx.create(configmap("src", a="1"))
            tx.create(configmap("src-copy", a="1"))
        plane = _plane(api, Component("mirror", sloppy, {"ConfigMap": _keys}, quiet=frozenset({"ConfigMap"})))
        assert plane.settle().settled
        revision = api.store.revision()
        with api.write() as tx:  # a change to src that leaves the copy as it is
            src = tx.get("ConfigMap", "default", "src")
            src["metadata"]["labels"] = {"touched": "yes"}
            tx.update(src)
        assert plane.settle().settled
        assert api.store.revision() == revision + 1  # the label only: the copy's write made none
        assert not plane._quiet


    def test_an_unchanged_write_of_the_newest_row_is_not_kept_either(self, api):
        """The copy's row is the last one polled (its revision is the cursor) when a timer brings the
        reconciler back to write it unchanged: no row will come for that revision again."""
        calls: list[float] = []

        def timed(key: Key, view, now: float) -> Result:
            copy = view.get("ConfigMap", "default", "src-copy")
            calls.append(now)
            if copy is None:  # the copy, and a look again in 5 s
                return dataclasses.replace(_mirror(key, view, now), requeue_after=5)
            return Result([Update(values.clone(copy))])  # the same body again

        with api.write() as tx:
            tx.create(configmap("src", a="1"))
        plane = _plane(api, Component("mirror", timed, {"ConfigMap": _keys}, quiet=frozenset({"ConfigMap"})))
        assert plane.settle().settled
        with api.read() as tx:
            copied = int(tx.get("ConfigMap", "default", "src-copy")["metadata"]["resourceVersion"])
        assert len(calls) == 2 and plane.cursor == copied == api.store.revision()
        assert not plane._quiet


class TestKubeletHeartbeat:
    def test_a_lease_renewal_does_not_wake_its_node_again(self, tmp_path):
        """Two nodes, a minute of cluster time: a renewal every 10 s each, one reconcile each (before
        the Lease was quiet, the renewal's own Lease row woke the node a second time)."""
        api = Api(Store(str(tmp_path / "nodes.db"), wall=lambda: WALL), node_count=2)
        plane = ControlPlane(api, components.ALL)
        plane.start()
        assert plane.settle().settled
        renewals = api.store.revision()
        before = plane.reconciles["kubelet-heartbeat"]
        plane.advance(60)
        with api.read() as tx:
            leases = tx.list("Lease", "kube-node-lease").items
        assert len(leases) == 2
        rows = [row for row in api.store.changes(renewals, limit=10_000) if row.kind == "Lease"
                and row.namespace == "kube-node-lease"]
        assert len(rows) == 12  # 6 renewals in 60 s for each of the 2 nodes
        assert plane.reconciles["kubelet-heartbeat"] - before == 12

    def test_a_lease_someone_else_deleted_is_made_again_at_once(self, tmp_path):
        api = Api(Store(str(tmp_path / "nodes.db"), wall=lambda: WALL), node_count=1)
        plane = ControlPlane(api, components.ALL)
        plane.start()
        assert plane.settle().settled
        with api.write() as tx:
            tx.delete("Lease", "kube-node-lease", "node-1")
        now = plane.now
        assert plane.settle().settled
        with api.read() as tx:
            lease = tx.get("Lease", "kube-node-lease", "node-1")
        assert lease is not None and plane.now == now  # recreated at the same instant, not at the next tick


class TestNodeLifecycle:
    def _plane(self, tmp_path, count: int) -> tuple[Api, ControlPlane]:
        api = Api(Store(str(tmp_path / "nodes.db"), wall=lambda: WALL), node_count=count)
        plane = ControlPlane(api, components.ALL)
        plane.start()
        assert plane.settle().settled
        return api, plane

    def test_a_healthy_node_is_looked_at_once_a_grace_period_not_once_a_renewal(self, tmp_path):
        """Ten minutes of two healthy nodes: 120 renewals; one pass per node every 50 s, 24 in all
        (one per renewal, 120, before renewals of a Ready node stopped waking it)."""
        api, plane = self._plane(tmp_path, 2)
        before = plane.reconciles["node-lifecycle"]
        plane.advance(600)
        assert plane.reconciles["node-lifecycle"] - before == 24

    def test_a_silent_node_still_goes_unknown_at_its_deadline(self, tmp_path):
        """The kubelet stops: Ready turns Unknown 50 s after the last renewal, at the first pass past
        the deadline (1 s after it), though no renewal woke the node since it was Ready."""
        api, plane = self._plane(tmp_path, 2)
        plane.advance(25)
        with api.write() as tx:
            node = tx.get("Node", "", "node-2")
            node["metadata"].setdefault("annotations", {})["sim.litekube.io/down"] = "true"
            tx.update(node)
        assert plane.settle().settled
        with api.read() as tx:
            renewed = durations.parse_time(tx.get("Lease", "kube-node-lease", "node-2")["spec"]["renewTime"])
        plane.advance(120)
        with api.read() as tx:
            ready = next(c for c in tx.get("Node", "", "node-2")["status"]["conditions"] if c["type"] == "Ready")
        assert ready["status"] == "Unknown"
        went = durations.parse_time(ready["lastTransitionTime"]).timestamp()
        assert went == int(renewed.timestamp()) + 50 + 1


def test_bench_pods_idle_counts_what_keeping_the_cluster_alive_costs(tmp_path):
    """tests/perf/bench_pods --nodes-only --idle: ten minutes of two idle nodes are 120 Lease renewals
    and 4 node status reports (every 5 minutes), and 164 reconciles: 120 of the kubelets' heartbeats,
    24 of the node lifecycle controller, and 20 woken by the 4 node status writes (the kubelet's 3 pods
    on each node, node IPAM, the DaemonSet controller)."""
    from tests.perf.bench_pods import idle

    store = Store(str(tmp_path / "idle.db"), wall=lambda: WALL)
    api = Api(store, node_count=2)
    embedded.settle(api)
    line = idle(api, store, 600)
    assert line.startswith("600s of cluster time idle: ")
    assert line.endswith(", 164 reconciles, 124 writes")
