"""The control-plane loop and the embedded runtime on real SQLite: retries, the lock, Event expiry, clocks."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from litekube.api.server import Api
from litekube.model import values
from litekube.reconcile.base import Component, Key, Result, Update
from litekube.runtime import components, embedded
from litekube.runtime.controlplane import ControlPlane
from litekube.store import Store, owners

WALL = 1_800_000_000.0


def configmap(name: str, **data: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"},
            "data": data}


@pytest.fixture
def api(tmp_path) -> Api:
    return Api(Store(str(tmp_path / "cp.db"), wall=lambda: WALL), node_count=1)


def _mark_target(key: Key, view, now: float) -> Result:
    """Reconciling ConfigMap `trigger` marks ConfigMap `target`, read from the cache."""
    target = view.get("ConfigMap", "default", "target")
    if target is None or (target.get("data") or {}).get("done") == "yes":
        return Result()
    marked = values.clone(target)
    marked["data"] = {**(marked.get("data") or {}), "done": "yes"}
    return Result([Update(marked)])


MARKER = Component("marker", _mark_target, {"ConfigMap": lambda obj, view: (
    [Key("ConfigMap", "default", "trigger")] if obj["metadata"]["name"] == "trigger" else [])})


class TestRequeueAfterConflict:
    def test_a_conflicting_write_is_retried_once_the_cache_catches_up(self, api):
        """The retry is the only thing that brings the key back: the component does not watch what
        conflicted, so without the requeue-after-Conflict the cluster settles unmarked."""
        with api.write() as tx:
            tx.create(configmap("trigger"))
            tx.create(configmap("target", a="1"))
        plane = ControlPlane(api, [MARKER])
        plane.start()
        with api.write() as tx:  # another writer: the cache's copy of `target` is stale now
            current = tx.get("ConfigMap", "default", "target")
            current["data"]["a"] = "2"
            tx.update(current)
        assert plane.step() == 1  # reconciled against the stale copy: Conflict, nothing written
        with api.read() as tx:
            assert "done" not in tx.get("ConfigMap", "default", "target")["data"]
        report = plane.settle()
        assert report.settled
        with api.read() as tx:
            assert tx.get("ConfigMap", "default", "target")["data"] == {"a": "2", "done": "yes"}


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


class TestLock:
    def test_a_dead_holder_on_this_host_is_taken_over_at_once(self, api):
        """The wall clock never moves here: only the holder's death frees its lease."""
        mine = owners.me("embedded")
        dead = owners.Owner("embedded", mine.host, _dead_pid(), "1", mine.boot)
        assert api.store.try_lock(dead, 600) is None
        assert api.store.try_lock(mine, 5) is None
        assert api.store.lock_holder() == mine

    def test_a_live_holder_keeps_the_lock_past_its_lease(self, api):
        parent = owners.me("embedded")
        other = owners.Owner("embedded", parent.host, os.getppid(), owners._start_time(os.getppid()), parent.boot)
        assert api.store.try_lock(other, -1) is None  # its lease expired long ago
        assert api.store.try_lock(parent, 5) == other

    def test_a_recycled_pid_is_not_the_holder(self, api):
        mine = owners.me("embedded")
        impostor = owners.Owner("embedded", mine.host, os.getpid(), "not-my-start-time", mine.boot)
        assert api.store.try_lock(impostor, 600) is None
        assert api.store.try_lock(mine, 5) is None

    def test_a_holder_on_another_host_is_trusted_until_its_lease_ends(self, tmp_path):
        wall = [WALL]
        store = Store(str(tmp_path / "l.db"), wall=lambda: wall[0])
        remote = owners.Owner("embedded", "elsewhere", 1, "1", "b")
        assert store.try_lock(remote, 5) is None
        mine = owners.me("embedded")
        assert store.try_lock(mine, 5) == remote
        wall[0] += 5.5
        assert store.try_lock(mine, 5) is None

    def test_renewing_a_lost_lock_says_so(self, api):
        mine = owners.me("embedded")
        assert api.store.try_lock(mine, 5) is None
        assert api.store.renew_lock(mine, 5)
        api.store.unlock(mine)
        assert not api.store.renew_lock(mine, 5)

    def test_an_older_litekubes_holder_text_is_a_foreign_owner(self, api):
        with api.store.write() as w:
            w._q("UPDATE controlplane SET holder = 'embedded:h:1', expires = 0")
        assert api.store.lock_holder() == owners.Owner("unknown", "embedded:h:1", 0)
        assert api.store.try_lock(owners.me("embedded"), 5) is None  # its lease has run out


class TestLeader:
    def lease(self, api, holder: str) -> None:
        with api.write() as tx:
            tx.create({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                       "metadata": {"name": embedded.LEASE_NAME, "namespace": embedded.LEASE_NAMESPACE},
                       "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15,
                                "renewTime": embedded._microtime(WALL - 1)}}, namespace="kube-system")

    def test_a_lease_of_a_dead_process_on_this_host_leads_nothing(self, api):
        self.lease(api, f"{owners.me('run').host}_{_dead_pid()}")
        assert embedded.leader(api) is None

    def test_a_live_leader(self, api):
        identity = f"{owners.me('run').host}_{os.getpid()}"
        self.lease(api, identity)
        status = embedded.leader_status(api)
        assert (status.holder, status.renewed_ago, status.stale) == (identity, 1.0, False)

    def test_a_remote_leader_that_stopped_renewing_is_stale(self, tmp_path):
        wall = [WALL]
        api = Api(Store(str(tmp_path / "r.db"), wall=lambda: wall[0]), node_count=0)
        self.lease(api, "elsewhere_1")
        wall[0] = WALL - 1 + 2 * embedded.RENEW_EVERY + 2
        assert embedded.leader_status(api).stale
        wall[0] = WALL - 1 + 15
        assert embedded.leader(api) is None  # expired


class TestEventTTL:
    def test_events_expire_an_hour_after_their_last_write(self, api):
        involved = {"kind": "ConfigMap", "namespace": "default", "name": "c", "uid": "u", "apiVersion": "v1"}
        with api.write() as tx:
            old = tx.record_event(involved, "Normal", "Old", "first", "test")
        embedded.advance(api, 1800)
        with api.write() as tx:
            young = tx.record_event(involved, "Normal", "Young", "second", "test")
            bumped = tx.record_event(involved, "Normal", "Old", "first", "test", existing=old)
        assert bumped["metadata"]["name"] == old["metadata"]["name"] and bumped["count"] == 2
        embedded.advance(api, 1800)
        with api.read() as tx:
            # `Old` was written again at 30 min: its TTL restarted then, as an etcd lease's does
            assert self.reasons(tx) == ["Old", "Young"]
        embedded.advance(api, 1799)
        with api.read() as tx:
            assert self.reasons(tx) == ["Old", "Young"]
        embedded.advance(api, 1)
        with api.read() as tx:
            assert self.reasons(tx) == []
        # gone through the store's normal delete: one DELETED changelog row each
        deleted = [c.name for c in api.store.changes(0, limit=100_000)
                   if c.kind == "Event" and c.type == "DELETED" and c.name.startswith("c.")]
        assert sorted(deleted) == sorted([old["metadata"]["name"], young["metadata"]["name"]])

    @staticmethod
    def reasons(tx) -> list[str]:
        return sorted(e["reason"] for e in tx.list("Event").items if e["involvedObject"]["name"] == "c")

    def test_other_kinds_never_expire(self, api):
        with api.write() as tx:
            tx.create(configmap("keep"))
        embedded.advance(api, 10 * 3600)
        with api.read() as tx:
            assert tx.find("ConfigMap", "default", "keep") is not None


class TestClocks:
    def test_run_keeps_the_lead_advance_gave_the_cluster(self, tmp_path):
        wall = [WALL]
        store = Store(str(tmp_path / "c.db"), wall=lambda: wall[0])
        Api(store, node_count=0)
        with store.write() as w:
            w.set_clock(WALL + 3600)  # `advance 1h`
        with store.write() as w:
            assert w.wall_clock() == 3600
        wall[0] += 10
        assert store.now() == WALL + 3610  # the cluster moves on at once, an hour ahead
        with store.write() as w:
            w.virtual_clock()
        wall[0] += 100
        assert store.now() == WALL + 3610  # virtual again: the clock stays where run left it


class TestSettleBudget:
    def test_a_bounded_settle_returns_and_the_next_one_continues(self, api):
        with api.write() as tx:
            tx.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                       "spec": {"replicas": 40, "selector": {"matchLabels": {"app": "web"}},
                                "template": {"metadata": {"labels": {"app": "web"}},
                                             "spec": {"containers": [{"name": "a", "image": "b"}]}}}})
        calls = iter(["", "", "out of time"])
        plane = ControlPlane(api, components.ALL)
        plane.start()
        report = plane.settle(keep_going=lambda: next(calls, "out of time"))
        assert (report.settled, report.steps > 0, report.stopped) == (False, True, "out of time")
        assert report.message().startswith("warning: out of time after ")
        assert report.message().endswith("; the next command continues")
        assert embedded.settle(api, budget=0).settled
        with api.read() as tx:
            assert len(tx.list("Pod", "default").items) == 40


def test_owner_text_round_trips():
    mine = owners.me("run")
    assert owners.Owner.parse(mine.text) == mine and json.loads(mine.text)["pid"] == os.getpid()
