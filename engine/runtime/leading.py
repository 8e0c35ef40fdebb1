"""`litekube run`: a control plane on the wall clock, its components led through Leases.

This module does I/O (the store, threads, the wall clock). Each `run`
process is a candidate for three coordination.k8s.io/v1 Leases in
kube-system, as upstream's components are: `kube-controller-manager` (every
controller), `kube-scheduler` and `litekube-simulator` (the simulated
kubelets). Its identity is `<hostname>_<uuid>`. One `Elector` per Lease runs
client-go's loop in a thread (`electing` decides each try): candidates retry
every retry period with jitter, the holder renews every retry period and
stops leading when it has not renewed within the renew deadline. The
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

import json
import logging
import random
import socket
import threading
import uuid
from typing import Callable

from litekube import errors
from litekube.api.server import Api
from litekube.model import values
from litekube.runtime import components, electing, embedded
from litekube.runtime.controlplane import ControlPlane
from litekube.runtime.electing import Timing, Verdict
from litekube.store import owners

__all__ = ["Elector", "run", "HOLDER_ANNOTATION", "MAINTAIN_EVERY", "identity"]

log = logging.getLogger("litekube.leading")

HOLDER_ANNOTATION = "litekube.io/holder-process"  # which process holds it, so a dead holder is seen at once
MAINTAIN_EVERY = 5.0  # seconds between compactions and expiry by the kube-controller-manager leader
_RETRIED = (errors.Conflict, errors.AlreadyExists, errors.NotFound, errors.StorageError, errors.Timeout)


def identity() -> str:
    """`<hostname>_<uuid>`, as kube-controller-manager and kube-scheduler name themselves."""
    return f"{socket.gethostname()}_{uuid.uuid4()}"


def holder_gone(lease: dict) -> bool:
    """Whether the Lease's holder is a process on this host that no longer runs."""
    spec = lease.get("spec") or {}
    text = ((lease.get("metadata") or {}).get("annotations") or {}).get(HOLDER_ANNOTATION)
    holder = spec.get("holderIdentity")
    if not text or not holder or not isinstance(text, str):
        return False
    try:
        data = json.loads(text)
    except ValueError:
        return False
    if not isinstance(data, dict) or data.get("holder") != holder or not isinstance(data.get("process"), str):
        return False
    return not owners.alive(owners.Owner.parse(data["process"]), lease_valid=True)


class Elector:
    """One Lease, one candidate: client-go's LeaderElector, stepped by `tick` (a thread calls it).

    `leading` and `term` (counted up each time it starts leading) are read by
    the control-plane loop; `holds` is the fence that loop calls inside its
    write transactions; `lost` is what it calls when the fence fails.
    """

    def __init__(self, api: Api, name: str, me: str, timing: Timing, *, process: owners.Owner | None = None,
                 wall: Callable[[], float] | None = None, jitter: Callable[[], float] = random.random) -> None:
        self.api, self.name, self.identity, self.timing = api, name, me, timing
        self.wall = wall or api.store.wall
        self.jitter = jitter
        self.process = (process or owners.me("run")).text
        self.observed: electing.Observation | None = None
        self.holder = ""  # the holder last seen
        self.taken_from = ""  # whom this candidate took the Lease from, when it started leading
        self.attempted = False
        self.leading = False
        self.term = 0
        self.stopped = ""  # why it last stopped leading
        self.next_try: float | None = None
        self.renew_started: float | None = None
        self.rv = 0  # the revision of this candidate's last write of the Lease (the fencing token)
        self._mutex = threading.Lock()
        self._last: electing.Decision | None = None

    # -- one try ---------------------------------------------------------------
    def try_acquire_or_renew(self) -> bool:
        """Read the Lease, decide, write it (compare-and-swap on its revision); True when written."""
        prepared = self.prepare()
        return prepared is not None and self.attempt(*prepared)

    def prepare(self):
        """Read the Lease and decide: (the stored Lease or None, the Decision), or None when unreadable."""
        now = self.wall()
        try:
            with self.api.read() as tx:
                stored = tx.reader.get("Lease", electing.NAMESPACE, self.name)
        except Exception as exc:  # a busy or unreachable database: the next try tries again
            log.info("reading lease %s/%s: %s", electing.NAMESPACE, self.name, exc)
            return None
        spec = (stored.body.get("spec") or {}) if stored is not None else None
        decision = electing.decide(spec, stored is not None, now, self.identity, self.timing, self.observed,
                                   stored is not None and holder_gone(stored.body))
        self.observed, self._last = decision.observed, decision
        self.holder = decision.record.holder
        return stored, decision

    def attempt(self, stored, decision: electing.Decision) -> bool:
        """Write what `decision` says, if it writes: False when another candidate wrote the Lease first."""
        if not decision.writes:
            return False
        try:
            self._write(stored, decision.record.spec(), {"holder": self.identity, "process": self.process})
        except _RETRIED as exc:
            log.info("writing lease %s/%s: %s", electing.NAMESPACE, self.name, exc)
            return False
        except Exception:
            log.exception("writing lease %s/%s", electing.NAMESPACE, self.name)
            return False
        self.observed = electing.Observation(decision.record, self.wall())
        return True

    def _write(self, stored, spec: dict, process: dict | None) -> None:
        """Create or update the Lease with `spec` (and the holder-process annotation, or none); publishes its revision."""
        with self.api.write() as tx:
            if stored is None:
                body: dict = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                              "metadata": {"name": self.name, "namespace": electing.NAMESPACE}, "spec": spec}
                if process is not None:
                    body["metadata"]["annotations"] = {HOLDER_ANNOTATION: json.dumps(process, sort_keys=True)}
                written = tx.create(body, namespace=electing.NAMESPACE)
            else:
                new = values.clone(stored.body)
                new["spec"] = spec
                meta = new["metadata"]
                meta["resourceVersion"] = str(stored.resource_version)
                annotations = dict(meta.get("annotations") or {})
                annotations.pop(HOLDER_ANNOTATION, None)
                if process is not None:
                    annotations[HOLDER_ANNOTATION] = json.dumps(process, sort_keys=True)
                if annotations:
                    meta["annotations"] = annotations
                else:
                    meta.pop("annotations", None)
                written = tx.update(new, namespace=electing.NAMESPACE)
            if written is None:  # unchanged (two writes in one microsecond): the revision stands
                current = tx.reader.get("Lease", electing.NAMESPACE, self.name)
                rv = current.resource_version if current is not None else 0
            else:
                rv = int(written["metadata"]["resourceVersion"])
            with self._mutex:
                # published inside the transaction, so a batch that reads the Lease after this commit
                # finds the revision it expects (a rollback leaves a token no Lease has: fenced, safely)
                self.rv = rv

    # -- the loop --------------------------------------------------------------
    def tick(self) -> float:
        """Do what is due now (a try, or giving up leading); the seconds until something is due again.

        As a candidate: try, then again after the retry period with jitter. As
        the holder: renew every retry period; a renewal that has not succeeded
        within the renew deadline of the first try ends the leading.
        """
        now = self.wall()
        if self.next_try is not None and now < self.next_try:
            return self.next_try - now
        retry = self.timing.retry_period
        if not self.leading:
            ok = self.try_acquire_or_renew()
            self.attempted = True
            after = self.wall()
            if ok:
                with self._mutex:
                    decision = self._last
                    self.taken_from = decision.previous if decision and decision.verdict is Verdict.ACQUIRE else ""
                    self.leading, self.term, self.stopped = True, self.term + 1, ""
                self.renew_started = None
                self.next_try = after + retry
            else:
                self.next_try = after + electing.jittered(retry, self.jitter())
            return max(0.0, self.next_try - self.wall())
        if self.renew_started is not None and electing.renew_given_up(self.renew_started, now, self.timing):
            self.lost(f"did not renew within the renew deadline ({self.timing.renew_deadline:g}s)")
            self.next_try = now
            return 0.0
        if self.renew_started is None:
            self.renew_started = now
        ok = self.try_acquire_or_renew()
        after = self.wall()
        if ok and self.leading:
            self.renew_started = None
            self.next_try = after + retry
        elif self.leading:
            self.next_try = min(after + retry, self.renew_started + self.timing.renew_deadline)
        else:  # the fence ended it meanwhile
            self.next_try = after
        return max(0.0, self.next_try - self.wall())

    def loop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                delay = self.tick()
            except Exception:  # never let the election die: log it and try again a retry period later
                log.exception("leader election for %s", self.name)
                delay = self.timing.retry_period
            stop.wait(delay)

    # -- the fence -------------------------------------------------------------
    def holds(self, tx) -> bool:
        """Inside the caller's write transaction: this candidate leads and the Lease, read and held until
        the transaction ends, names it at the revision of its last write and has not expired."""
        stored = tx.writer.hold("Lease", electing.NAMESPACE, self.name)
        with self._mutex:
            leading, rv = self.leading, self.rv
        if not leading or stored is None or stored.resource_version != rv:
            return False
        return electing.holds(stored.body.get("spec"), self.identity, self.wall())

    def lost(self, reason: str) -> None:
        """Stop leading (the fence failed, or the renew deadline passed); a candidate again."""
        with self._mutex:
            if not self.leading:
                return
            self.leading, self.stopped = False, reason
        self.renew_started = None
        log.info("stopped leading %s: %s", self.name, reason)

    def release(self) -> bool:
        """Give the Lease up if this candidate holds it (an empty holder for 1 s), as ReleaseOnCancel does."""
        with self._mutex:
            self.leading = False
        try:
            with self.api.read() as tx:
                stored = tx.reader.get("Lease", electing.NAMESPACE, self.name)
            if stored is None or electing.Record.of(stored.body.get("spec")).holder != self.identity:
                return True
            record = electing.released(electing.Record.of(stored.body.get("spec")), self.wall())
            self._write(stored, record.spec(), None)
            return True
        except Exception as exc:
            log.info("releasing lease %s/%s: %s", electing.NAMESPACE, self.name, exc)
            return False


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
            self._follow_elections()
            plane = self.plane
            if plane is None or not plane.active:
                stop.wait(tick)
                continue
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
                continue
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
                elector.lost("the lease is no longer this process' (fenced)")
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
