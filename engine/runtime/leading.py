"""`litekube run`: a control plane on the wall clock, its components led through Leases.

This module does I/O (the store, threads, the wall clock). Each `run`
process is a candidate for three coordination.k8s.io/v1 Leases in
kube-system, as upstream's components are: `kube-controller-manager` (every
controller), `kube-scheduler` and `litekube-simulator` (the simulated
kubelets). Its identity is `<hostname>_<uuid>`. One `leasing.Elector` per
Lease runs client-go's loop in a thread (`electing` decides each try). The
process runs the components of the Leases it holds, so two or three
processes may split the work.

Fencing: every batch of reconciler actions is written in a transaction that
first reads the batch's Leases (`Writer.hold`) and checks that they still
name this process, at the revision its last renewal wrote, unexpired; the
items of a Lease it no longer holds are dropped unwritten and it stops
leading that Lease. A holder paused past its lease (SIGSTOP, a long stall)
that wakes up mid-batch therefore writes nothing, and the new holder, which
could only take the Lease by writing it, is the only writer.

Embedded commands and `run` exclude each other through the store's
control-plane lock: a command takes the lock, then looks for a live Lease
(and gives way if it finds one); a `run` that won a Lease waits while a live
command holds the lock before it runs anything. Either one sees the other.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from litekube import errors

from litekube.api.server import Api
from litekube.runtime import components, electing, embedded
from litekube.runtime.controlplane import ControlPlane
from litekube.runtime.electing import Timing
from litekube.runtime.leasing import Elector, holder_gone, identity
from litekube.store import owners

log = logging.getLogger(__name__)

__all__ = ["run", "MAINTAIN_EVERY"]

MAINTAIN_EVERY = 5.0  # seconds between compactions and expiry by the kube-controller-manager leader


def _state(me: str, electors: dict[str, Elector], waiting: set[str]) -> str:
    """The line `run` prints when what it leads changes."""
    led = [n for n, e in electors.items() if e.leading and n not in waiting]
    if len(led) == len(electors):
        return f"leading as {me}"
    others = [(n, e.holder) for n, e in electors.items() if n not in led]
    if not led:
        holders = {h for _, h in others}
        if len(holders) == 1 and "" not in holders and not waiting:
            return f"standing by: {holders.pop()} holds the lease"
    held = ", ".join(f"{n} ({'waiting for the control-plane lock' if n in waiting else 'held by ' + (h or 'nobody')})"
                     for n, h in others)
    return (f"leading {', '.join(led)} as {me}; " if led else "") + f"standing by for {held}"


def run(api: Api, stop: threading.Event, on_state: Callable[[str], None] = lambda state: None,
        tick: float = 0.2, timing: Timing | None = None, elect: bool = True) -> None:
    """`litekube run`: lead what this process wins, until `stop`; then release it."""
    timing = timing or Timing()
    if not elect:
        return _run_unelected(api, stop, on_state, tick)
    me = identity()
    process = owners.me("run")
    electors = {name: Elector(api, name, me, timing, process=process) for name in components.LEASES}
    for elector in electors.values():  # the first try of each at once, so that the first line tells all
        elector.tick()
    quit_electing = threading.Event()
    threads = [threading.Thread(target=e.loop, args=(quit_electing,), name=f"litekube-elect-{n}", daemon=True)
               for n, e in electors.items()]
    for thread in threads:
        thread.start()
    loop = _Leading(api, electors, on_state, me)
    try:
        loop.drive(stop, tick)
    finally:
        quit_electing.set()
        for thread in threads:
            thread.join(timeout=timing.renew_deadline + 5)
        loop.finish()


class _Leading:
    """The control-plane loop of an electing `run`: components join and leave as Leases are won and lost."""

    def __init__(self, api: Api, electors: dict[str, Elector], on_state: Callable[[str], None], me: str) -> None:
        self.api, self.store, self.electors, self.on_state, self.me = api, api.store, electors, on_state, me
        self.plane: ControlPlane | None = None
        self.terms = {name: 0 for name in electors}  # the term each Lease's components run under
        self.offset: float | None = None
        self.waiting: set[str] = set()
        self.reported = ""
        self.led = False
        self.maintained = 0.0

    def drive(self, stop: threading.Event, tick: float) -> None:
        while not stop.is_set():
            try:
                self._drive_once(stop, tick)
            except errors.StoreUnavailable as exc:  # the database server went away: the next pass reconnects
                log.warning("%s; trying again", exc)
                stop.wait(tick)

    def _drive_once(self, stop: threading.Event, tick: float) -> None:
        """One pass of the loop: follow the elections, poll, step, then wait for a change or what is due."""
        self._follow_elections()
        plane = self.plane
        if plane is None or not plane.active:
            stop.wait(tick)
            return
        assert self.offset is not None
        plane.now = max(plane.now, self.store.wall() + self.offset)
        plane.poll()
        busy = plane.step()
        if self.electors[electing.CONTROLLER_MANAGER].leading and \
                self.store.wall() - self.maintained > MAINTAIN_EVERY:
            plane.compact()
            embedded.expire(self.api)
            self.maintained = self.store.wall()
        if busy:
            return
        upcoming = plane.queue.next_due()
        wait = tick if upcoming is None else min(tick, max(0.0, upcoming - self.store.wall() - self.offset))
        self.store.wait_for_change(wait, stop)  # PostgreSQL: woken by NOTIFY at a commit; SQLite: stop.wait

    def _follow_elections(self) -> None:
        """Start the components of Leases won (again) since the last look, stop those of Leases lost."""
        won: dict[str, Elector] = {}
        for name, elector in self.electors.items():
            with elector._mutex:
                leading, term = elector.leading, elector.term
            if leading and term != self.terms[name]:
                won[name] = elector
            elif not leading and self.terms[name] and self.plane is not None:
                self.plane.deactivate(components.of_lease(name))
                self.terms[name] = 0
                self.on_state(f"stopped leading {name}: {elector.stopped or 'released'}")
        self.waiting = set()
        if won:
            holder = self.store.live_lock_holder()
            if holder is not None:  # a command settling (or an unelected run): it finishes first
                self.waiting = set(won)
            else:
                self._start(won)
        if all(e.attempted for e in self.electors.values()):
            line = _state(self.me, self.electors, self.waiting)
            if line != self.reported:
                self.on_state(line)
                self.reported = line

    def _start(self, won: dict[str, Elector]) -> None:
        if self.offset is None:
            with self.api.write() as tx:
                self.offset = tx.writer.wall_clock()
        names = set().union(*(components.of_lease(n) for n in won))
        if self.plane is None:
            plane = ControlPlane(self.api, components.ALL, active=names)
            plane.fence = self._fence
            plane.now = self.store.wall() + self.offset
            plane.start()
            # a Lease taken from a holder that did not release it: what that holder had queued is lost
            taken = {n for n, e in won.items() if e.taken_from}
            if taken:
                self._resync(plane, taken)
            self.plane = plane
        else:
            for name in won:
                self.plane.deactivate(components.of_lease(name))  # a stale term's keys, if any
            self.plane.activate(names, resync=True)
        for name, elector in won.items():
            self.terms[name] = elector.term
        self.led = True

    @staticmethod
    def _resync(plane: ControlPlane, leases: set[str]) -> None:
        names = set().union(*(components.of_lease(n) for n in leases))
        plane.deactivate(names)
        plane.activate(names, resync=True)

    def _fence(self, tx, batch: set[str]) -> set[str]:
        """The components of `batch` whose Lease this process still holds, checked inside `tx`."""
        allowed: set[str] = set()
        for lease in {components.lease_of(c) for c in batch}:
            elector = self.electors[lease]
            if elector.holds(tx):
                allowed |= components.of_lease(lease)
            else:
                elector.lost("fenced: the lease is no longer this process'")
        return allowed

    def finish(self) -> None:
        """Save what the loop had pending, release the Leases, and hand the clock back when no one leads."""
        try:
            if self.plane is not None and self.plane.active:
                self.plane.save()
        finally:
            for elector in self.electors.values():
                elector.release()
            if self.offset is not None:
                with self.api.write() as tx:
                    if not _others_lead(tx, self.store.wall()):
                        tx.writer.virtual_clock()
            if self.led:
                self.on_state("stopped")


def _others_lead(tx, wall: float) -> bool:
    for name in components.LEASES:
        lease = tx.find("Lease", electing.NAMESPACE, name)
        if lease is not None and electing.live(lease.get("spec"), wall) and not holder_gone(lease):
            return True
    return False


def _run_unelected(api: Api, stop: threading.Event, on_state: Callable[[str], None], tick: float) -> None:
    """--leader-elect=false: every component, under the store's control-plane lock instead of Leases."""
    me = identity()
    standing_by = False
    while not stop.is_set():
        status = embedded.leader_status(api)
        if status is None:
            lock = embedded._Lock(api, "run")
            lock.__enter__()
            if embedded.leader_status(api, leases_only=True) is None:
                break
            lock.__exit__(None, None, None)
        if not standing_by:
            on_state(f"standing by: {embedded.leader(api)} holds the lease")
            standing_by = True
        stop.wait(1.0)
    else:
        return
    try:
        with api.write() as tx:
            offset = tx.writer.wall_clock()
        on_state(f"running without leader election as {me}")
        plane = ControlPlane(api, components.ALL)
        plane.start()
        store, maintained = api.store, 0.0
        try:
            while not stop.is_set() and not lock.lost.is_set():
                plane.now = max(plane.now, store.wall() + offset)
                plane.poll()
                busy = plane.step()
                if store.wall() - maintained > MAINTAIN_EVERY:
                    plane.compact()
                    embedded.expire(api)
                    maintained = store.wall()
                if busy:
                    continue
                upcoming = plane.queue.next_due()
                store.wait_for_change(tick if upcoming is None else
                                      min(tick, max(0.0, upcoming - store.wall() - offset)), stop)
        finally:
            plane.save()
    finally:
        try:
            with api.write() as tx:
                if not _others_lead(tx, api.store.wall()):
                    tx.writer.virtual_clock()
        finally:
            lock.__exit__(None, None, None)
            on_state("stopped")
