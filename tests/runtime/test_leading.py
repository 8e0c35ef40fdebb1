"""The election loop on real SQLite with a fake wall clock: races on the Lease, timers, requeues, the fence."""
from __future__ import annotations

import json
import threading

import pytest

from litekube.api.server import Api
from litekube.model import values
from litekube.reconcile.base import Component, Key, Result, Update
from litekube.runtime import components, electing, embedded, leading
from litekube.runtime.controlplane import ControlPlane
from litekube.runtime.electing import Timing, Verdict
from litekube.store import Store, owners

WALL = 1_800_000_000.0
TICK = 1e-6
TIMING = Timing()  # 15 s, 10 s, 2 s
KCM = electing.CONTROLLER_MANAGER


class Clock:
    def __init__(self) -> None:
        self.now = WALL

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def api(tmp_path, clock) -> Api:
    return Api(Store(str(tmp_path / "le.db"), wall=clock), node_count=1)


def elector(api: Api, me: str, name: str = KCM, jitter: float = 0.5, process: owners.Owner | None = None):
    return leading.Elector(api, name, me, TIMING, jitter=lambda: jitter, process=process)


def lease(api: Api, name: str = KCM) -> dict:
    with api.read() as tx:
        return tx.get("Lease", "kube-system", name)


def rv(api: Api, name: str = KCM) -> int:
    return int(lease(api, name)["metadata"]["resourceVersion"])


def dead_process() -> owners.Owner:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return owners.Owner("run", owners.me("run").host, proc.pid, "1", owners.me("run").boot)


class TestRacingCandidates:
    def test_two_creating_at_once_one_wins_the_other_gets_already_exists(self, api):
        a, b = elector(api, "a"), elector(api, "b")
        pa, pb = a.prepare(), b.prepare()
        assert (pa[1].verdict, pb[1].verdict) == (Verdict.CREATE, Verdict.CREATE)
        assert a.attempt(*pa) and not b.attempt(*pb)
        assert lease(api)["spec"] == {"holderIdentity": "a", "leaseDurationSeconds": 15,
                                      "acquireTime": electing.microtime(WALL),
                                      "renewTime": electing.microtime(WALL), "leaseTransitions": 0}

    def test_two_taking_over_an_expired_lease_one_wins_by_compare_and_swap(self, api, clock):
        old, a, b = elector(api, "old"), elector(api, "a"), elector(api, "b")
        assert old.try_acquire_or_renew()
        assert not a.try_acquire_or_renew() and not b.try_acquire_or_renew()  # first sight: they wait
        clock.now = WALL + 15
        pa, pb = a.prepare(), b.prepare()
        assert (pa[1].verdict, pb[1].verdict) == (Verdict.ACQUIRE, Verdict.ACQUIRE)
        before = rv(api)
        assert b.attempt(*pb) and not a.attempt(*pa)  # a's update carries the revision it read: Conflict
        spec = lease(api)["spec"]
        assert (spec["holderIdentity"], spec["leaseTransitions"], rv(api)) == ("b", 1, before + 1)
        # the loser saw its write refused and waits again: b's renewal is the new record it observes
        assert a.prepare()[1].verdict is Verdict.HELD

    def test_a_lease_edited_between_read_and_renewal_is_not_overwritten(self, api, clock):
        a = elector(api, "a")
        assert a.try_acquire_or_renew()
        clock.now = WALL + 2
        prepared = a.prepare()
        with api.write() as tx:  # someone else writes the Lease in between
            edited = tx.get("Lease", "kube-system", KCM)
            edited["spec"]["holderIdentity"] = "intruder"
            tx.update(edited, namespace="kube-system")
        assert not a.attempt(*prepared)
        assert lease(api)["spec"]["holderIdentity"] == "intruder"


class TestTimers:
    def test_a_candidate_creates_then_renews_every_retry_period(self, api, clock):
        a = elector(api, "a")
        assert a.tick() == 2.0 and (a.leading, a.term) == (True, 1)
        first = rv(api)
        clock.now = WALL + 2 - TICK
        assert a.tick() == pytest.approx(TICK, abs=1e-6) and rv(api) == first  # not due: nothing written
        clock.now = WALL + 2
        assert a.tick() == 2.0 and rv(api) == first + 1
        spec = lease(api)["spec"]
        assert (spec["renewTime"], spec["acquireTime"], a.term) == (
            electing.microtime(WALL + 2), electing.microtime(WALL), 1)

    def test_a_standby_retries_after_the_jittered_period(self, api, clock):
        a, b = elector(api, "a"), elector(api, "b", jitter=0.5)
        a.tick()
        assert b.tick() == pytest.approx(2.0 + 0.5 * 1.2 * 2.0) and not b.leading
        assert (b.holder, b.observed.time) == ("a", WALL)

    @pytest.mark.parametrize("offset, takes_over", [(15 - TICK, False), (15, True)],
                             ids=["one-tick-before-expiry", "exactly-at-expiry"])
    def test_a_standby_takes_over_a_lease_duration_after_the_last_renewal_it_saw(self, api, clock, offset,
                                                                                 takes_over):
        a, b = elector(api, "a"), elector(api, "b")
        a.tick()
        b.tick()  # sees a's record at WALL; a then stops renewing (paused, or gone elsewhere)
        clock.now = WALL + offset
        b.tick()
        assert b.leading is takes_over
        assert lease(api)["spec"]["holderIdentity"] == ("b" if takes_over else "a")

    @pytest.mark.parametrize("offset, leading", [(2 + 10 - TICK, True), (2 + 10, False)],
                             ids=["one-tick-before-the-renew-deadline", "at-the-renew-deadline"])
    def test_a_holder_that_cannot_renew_stops_leading_at_the_renew_deadline(self, api, clock, offset, leading):
        a = elector(api, "a")
        a.tick()
        with api.write() as tx:  # from now on every renewal fails: another holder's valid record
            taken = tx.get("Lease", "kube-system", KCM)
            taken["spec"]["holderIdentity"] = "other"
            tx.update(taken, namespace="kube-system")
        clock.now = WALL + 2
        a.tick()  # the first renewal try fails: the deadline counts from here
        assert a.leading and a.renew_started == WALL + 2
        while clock.now < WALL + offset:
            clock.now = min(WALL + offset, clock.now + a.tick())
        a.tick()
        assert a.leading is leading
        if not leading:
            assert a.stopped == "did not renew within the renew deadline (10s)"

    def test_a_holder_whose_renewal_fails_once_retries_and_keeps_leading(self, api, clock, monkeypatch):
        a = elector(api, "a")
        a.tick()
        clock.now = WALL + 2
        real = a.api.write
        failing = iter([True])

        def flaky():
            if next(failing, False):
                raise leading.errors.Timeout("the database is busy")
            return real()
        monkeypatch.setattr(a.api, "write", flaky)
        assert a.tick() == 2.0 and a.leading and a.renew_started == WALL + 2  # requeued a retry period later
        clock.now = WALL + 4
        a.tick()
        assert a.leading and a.renew_started is None
        assert lease(api)["spec"]["renewTime"] == electing.microtime(WALL + 4)


class TestGoneAndReleased:
    def test_a_holder_whose_process_is_gone_is_taken_over_at_once(self, api, clock):
        dead = elector(api, "dead", process=dead_process())
        dead.tick()
        annotation = json.loads(lease(api)["metadata"]["annotations"][leading.HOLDER_ANNOTATION])
        assert annotation["holder"] == "dead"
        b = elector(api, "b")
        b.tick()
        spec = lease(api)["spec"]
        assert (b.leading, spec["holderIdentity"], spec["leaseTransitions"], b.taken_from) == (True, "b", 1, "dead")
        assert embedded.leader(api) == "b"

    def test_a_live_holder_on_this_host_is_waited_for(self, api):
        elector(api, "a", process=owners.me("run")).tick()
        b = elector(api, "b")
        b.tick()
        assert not b.leading

    def test_a_released_lease_is_free_at_once_and_leads_no_command(self, api):
        a = elector(api, "a")
        a.tick()
        assert embedded.leader(api) == "a"
        assert a.release()
        meta, spec = lease(api)["metadata"], lease(api)["spec"]
        assert (spec["holderIdentity"], spec["leaseDurationSeconds"], "annotations" in meta) == ("", 1, False)
        assert embedded.leader(api) is None
        b = elector(api, "b")
        b.tick()
        assert (b.leading, b.taken_from, lease(api)["spec"]["leaseTransitions"]) == (True, "", 1)


def _mark_target(key: Key, view, now: float) -> Result:
    target = view.get("ConfigMap", "default", "target")
    if target is None or (target.get("data") or {}).get("done") == "yes":
        return Result()
    marked = values.clone(target)
    marked["data"] = {**(marked.get("data") or {}), "done": "yes"}
    return Result([Update(marked)])


MARKER = Component("marker", _mark_target, {"ConfigMap": lambda obj, view: (
    [Key("ConfigMap", "default", "trigger")] if obj["metadata"]["name"] == "trigger" else [])})


def fenced_plane(api: Api, e: leading.Elector) -> ControlPlane:
    plane = ControlPlane(api, [MARKER], active={"marker"})

    def fence(tx, batch):
        if e.holds(tx):
            return set(batch)
        e.lost("fenced")
        return set()
    plane.fence = fence
    return plane


def seed(api: Api) -> None:
    with api.write() as tx:
        tx.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "trigger"}})
        tx.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "target"}, "data": {"a": "1"}})


def marked(api: Api) -> bool:
    with api.read() as tx:
        return (tx.get("ConfigMap", "default", "target").get("data") or {}).get("done") == "yes"


class TestFence:
    def test_the_holder_writes(self, api):
        a = elector(api, "a")
        a.tick()
        seed(api)
        plane = fenced_plane(api, a)
        plane.start()
        assert plane.step() == 1 and marked(api) and a.leading

    def test_a_paused_holder_that_lost_the_lease_writes_nothing_when_it_wakes(self, api, clock):
        a, b = elector(api, "a"), elector(api, "b")
        a.tick()
        seed(api)
        plane = fenced_plane(api, a)
        plane.start()  # a has the batch in hand...
        b.tick()
        clock.now = WALL + 15  # ...and is paused past its lease: b takes over
        b.tick()
        assert b.leading and a.leading  # a has not noticed: its renewal is not due yet in its own loop
        revision = api.store.revision()
        plane.step()
        assert (marked(api), api.store.revision(), a.leading, a.stopped) == (False, revision, False, "fenced")

    def test_an_expired_lease_fences_even_with_no_new_holder(self, api, clock):
        """A command may settle once the Lease expired: the old holder must not write alongside it."""
        a = elector(api, "a")
        a.tick()
        seed(api)
        plane = fenced_plane(api, a)
        plane.start()
        clock.now = WALL + 15
        plane.step()
        assert not marked(api) and not a.leading

    def test_one_tick_before_expiry_the_holder_still_writes(self, api, clock):
        a = elector(api, "a")
        a.tick()
        seed(api)
        plane = fenced_plane(api, a)
        plane.start()
        clock.now = WALL + 15 - 1e-3
        plane.step()
        assert marked(api) and a.leading

    def test_a_foreign_write_of_the_lease_fences_even_if_it_keeps_the_holder(self, api):
        a = elector(api, "a")
        a.tick()
        seed(api)
        with api.write() as tx:
            edited = tx.get("Lease", "kube-system", KCM)
            edited["metadata"]["labels"] = {"edited": "yes"}
            tx.update(edited, namespace="kube-system")
        plane = fenced_plane(api, a)
        plane.start()
        plane.step()
        assert not marked(api)

    def test_the_holders_own_renewal_does_not_fence_it(self, api, clock):
        a = elector(api, "a")
        a.tick()
        seed(api)
        plane = fenced_plane(api, a)
        plane.start()
        clock.now = WALL + 2
        a.tick()  # renewed: a new revision of the Lease, published before the batch reads it
        plane.step()
        assert marked(api) and a.leading

    def test_a_renewal_committing_while_a_batch_starts_is_not_taken_for_a_loss(self, api):
        """The renewal publishes its revision inside its transaction, so a batch that reads the Lease
        after the commit, while the elector has not returned yet, finds the revision it expects."""
        a = elector(api, "a")
        a.tick()
        seed(api)
        plane = fenced_plane(api, a)
        plane.start()
        renewing = threading.Event()
        go_on = threading.Event()
        real_write = a._write

        def slow_write(stored, spec, process):
            real_write(stored, spec, process)
            renewing.set()
            go_on.wait(10)
        a._write = slow_write  # type: ignore[method-assign]
        renewal = threading.Thread(target=a.try_acquire_or_renew)
        renewal.start()
        assert renewing.wait(10)
        plane.step()  # the renewal committed; the elector has not returned yet
        go_on.set()
        renewal.join(10)
        assert marked(api) and a.leading


class TestLeadingLoop:
    def electors(self, api: Api, me: str) -> dict[str, leading.Elector]:
        return {n: leading.Elector(api, n, me, TIMING, jitter=lambda: 0.0) for n in components.LEASES}

    def test_components_join_and_leave_with_their_lease_and_resync_on_return(self, api, clock):
        mine = self.electors(api, "me")
        for e in mine.values():
            e.tick()
        lines: list[str] = []
        loop = leading._Leading(api, mine, lines.append, "me")
        loop._follow_elections()
        plane = loop.plane
        assert plane is not None and plane.active == {c.name for c in components.ALL}
        assert lines == ["leading as me"]
        assert any(i.component == "node-lifecycle" for i, _, _ in plane.queue.pending())
        # the fence fails for the controller manager: its components leave, their keys dropped
        mine[KCM].lost("fenced")
        loop._follow_elections()
        assert plane.active == components.of_lease(electing.SCHEDULER) | components.of_lease(electing.SIMULATOR)
        assert not any(i.component in components.of_lease(KCM) for i, _, _ in plane.queue.pending())
        assert lines[-1] == (f"leading {electing.SCHEDULER}, {electing.SIMULATOR} as me; standing by for "
                             f"{KCM} (held by me)")
        # won again (a new term): every object its components watch is looked at again
        mine[KCM].next_try = None
        mine[KCM].tick()
        assert mine[KCM].term == 2
        loop._follow_elections()
        assert components.of_lease(KCM) <= plane.active
        assert any(i.component == "node-lifecycle" for i, _, _ in plane.queue.pending())
        assert lines[-1] == "leading as me"

    def test_a_won_lease_waits_while_a_command_holds_the_control_plane_lock(self, api):
        command = owners.me("embedded")
        assert api.store.try_lock(command, 5) is None
        mine = self.electors(api, "me")
        for e in mine.values():
            e.tick()
        lines: list[str] = []
        loop = leading._Leading(api, mine, lines.append, "me")
        loop._follow_elections()
        assert loop.plane is None and loop.waiting == set(components.LEASES)
        assert lines == [f"standing by for {KCM} (waiting for the control-plane lock), {electing.SCHEDULER} "
                         f"(waiting for the control-plane lock), {electing.SIMULATOR} (waiting for the "
                         "control-plane lock)"]
        api.store.unlock(command)
        loop._follow_elections()
        assert loop.plane is not None and lines[-1] == "leading as me"

    def test_a_command_gives_way_to_a_lease_won_while_it_took_the_lock(self, api, monkeypatch):
        looks: list[str | None] = []
        monkeypatch.setattr(embedded, "leader", lambda a: looks.append(None))  # the first look finds no leader
        e = elector(api, "a")
        e.tick()  # won after the command's first look but before it took the lock
        with api.write() as tx:
            tx.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "trigger"}})
        revision = api.store.revision()
        assert embedded.settle(api) is None and looks == [None]
        assert api.store.lock_holder() is None and api.store.revision() == revision  # nothing reconciled

    def test_standby_lines(self, api):
        other = self.electors(api, "other")
        for e in other.values():
            e.tick()
        mine = self.electors(api, "me")
        for e in mine.values():
            e.tick()
        lines: list[str] = []
        leading._Leading(api, mine, lines.append, "me")._follow_elections()
        assert lines == ["standing by: other holds the lease"]
