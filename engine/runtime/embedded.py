"""Running the control plane: embedded in a CLI command, or as `litekube run`.

This module does I/O. A mutating command runs the control plane in-process
until the cluster settles, unless a `litekube run` process holds the leader
Lease; then the command only writes, as against a real cluster. Embedded
runs take the store's control-plane lock one at a time, so two commands
never reconcile the same keys at once.

Crashes never wedge the cluster:
- the lock names its owner (host, boot, pid, start time) and carries a
  short lease (LOCK_LEASE seconds) that a thread renews while the owner
  works; a holder that died on this host is taken over at once, one on
  another host when its lease runs out; what the dead one committed stays,
  and the next control plane resumes from the saved cursor;
- the leader Lease of `litekube run` is taken over at once when its holder's
  process is gone from this host, otherwise after its 15 s, as Kubernetes'
  leader election does;
- settling is bounded in wall time (SETTLE_BUDGET, LITEKUBE_SETTLE_TIMEOUT):
  a command that starts work that takes long (100,000 replicas on 3 nodes)
  returns, reporting what is still pending, and the next one continues;
- `run` keeps the cluster clock's lead from `advance` as an offset from the
  wall clock, so nothing waits for virtual time that has already passed;
- objects whose time to live passed (Events, after 1 h of cluster time) are
  deleted after each settle and while `run` leads.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Callable

from litekube import errors
from litekube.api.server import Api
from litekube.model import durations, values
from litekube.runtime import components, settings
from litekube.runtime.controlplane import ControlPlane, Settled
from litekube.store import owners

__all__ = ["settle", "advance", "run", "leader", "leader_status", "LeaderStatus", "LEASE_NAME",
           "LEASE_NAMESPACE", "LEASE_SECONDS", "LOCK_LEASE", "SETTLE_BUDGET", "settle_budget", "expire"]

LEASE_NAMESPACE, LEASE_NAME = "kube-system", "litekube-control-plane"
LEASE_SECONDS = 15
RENEW_EVERY = LEASE_SECONDS / 3
LOCK_LEASE = 5.0  # seconds a lock holder on another host is trusted without renewing
_LOCK_RENEW = 1.0
SETTLE_BUDGET, settle_budget = settings.SETTLE_BUDGET, settings.settle_budget


def _microtime(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int(seconds % 1 * 1e6):06d}Z"


@dataclass(frozen=True)
class LeaderStatus:
    """The leader Lease as commands see it: who holds it and how long since it was renewed."""

    holder: str
    renewed_ago: float

    @property
    def stale(self) -> bool:
        """Renewals are due every RENEW_EVERY seconds: two missed ones mean the leader is not working."""
        return self.renewed_ago > 2 * RENEW_EVERY + 1


def _identity_alive(identity: str) -> bool:
    """A `run` identity is `host_pid`: on this host its process must exist; elsewhere, trust the Lease."""
    host, _, pid = identity.rpartition("_")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    return owners.process_alive(int(pid))


def leader_status(api: Api) -> LeaderStatus | None:
    """The live `litekube run` holding the leader Lease, if any.

    A Lease whose holder's process is gone from this host is no leader, even
    before it expires: the next command or standby takes over at once.
    """
    with api.read() as tx:
        lease = tx.find("Lease", LEASE_NAMESPACE, LEASE_NAME)
    if lease is None:
        return None
    spec = lease.get("spec") or {}
    holder, renewed = spec.get("holderIdentity"), spec.get("renewTime")
    if not holder or not renewed or not isinstance(holder, str) or not isinstance(renewed, str):
        return None
    try:
        renewed_at = durations.parse_time(renewed).timestamp()
    except ValueError:
        return None
    duration = spec.get("leaseDurationSeconds")
    duration = duration if isinstance(duration, int) and not isinstance(duration, bool) else LEASE_SECONDS
    wall = api.store.wall()
    if renewed_at + duration <= wall or not _identity_alive(holder):
        return None
    return LeaderStatus(holder, max(0.0, wall - renewed_at))


def leader(api: Api) -> str | None:
    """The identity of a live `litekube run` holding the leader Lease, if any."""
    status = leader_status(api)
    return None if status is None else status.holder


class _Lock:
    """The store's control-plane lock: waited for politely, renewed while held.

    Waiting ends at once when the holder dies (see `Store.try_lock`); a live
    holder is waited for up to `wait` seconds.
    """

    def __init__(self, api: Api, kind: str, wait: float = 120.0) -> None:
        self.api, self.wait = api, wait
        self.owner = owners.me(kind)
        self.lost = threading.Event()
        self._done = threading.Event()
        self._renewer: threading.Thread | None = None

    def __enter__(self) -> "_Lock":
        deadline = time.monotonic() + self.wait
        while (holder := self.api.store.try_lock(self.owner, LOCK_LEASE)) is not None:
            if time.monotonic() > deadline:
                raise errors.Timeout(f"timed out waiting for another litekube control plane ({holder}) to finish")
            time.sleep(0.05)
        self._renewer = threading.Thread(target=self._renew, name="litekube-lock", daemon=True)
        self._renewer.start()
        return self

    def _renew(self) -> None:
        while not self._done.wait(_LOCK_RENEW):
            try:
                if not self.api.store.renew_lock(self.owner, LOCK_LEASE):
                    self.lost.set()
                    return
            except Exception:  # a busy database delays a renewal; the next one tries again
                continue

    def __exit__(self, *exc) -> None:
        self._done.set()
        if self._renewer is not None:
            self._renewer.join(timeout=5)
        self.api.store.unlock(self.owner)


def _keep_going(lock: _Lock, budget: float) -> Callable[[], str]:
    deadline = time.monotonic() + budget if budget else None

    def check() -> str:
        if lock.lost.is_set():
            return "another control plane took the lock"
        if deadline is not None and time.monotonic() > deadline:
            return f"stopped settling after {budget:g}s of wall time (LITEKUBE_SETTLE_TIMEOUT)"
        return ""
    return check


def expire(api: Api) -> int:
    """Delete the objects whose time to live passed (Events after --event-ttl); how many."""
    return api.store.expire()


def _embedded(api: Api, work: Callable[[ControlPlane, Callable[[], str]], Settled],
              budget: float | None) -> Settled | None:
    if leader(api) is not None:
        return None
    with _Lock(api, "embedded") as lock:
        plane = ControlPlane(api, components.ALL)
        plane.start()
        report = work(plane, _keep_going(lock, settle_budget() if budget is None else budget))
        expire(api)
        return report


def settle(api: Api, budget: float | None = None) -> Settled | None:
    """Run the control plane in-process until the cluster settles (None if a leader runs).

    Settling stops after `budget` wall seconds (default: settle_budget()),
    reported in the answer; 0 means no bound.
    """
    return _embedded(api, lambda plane, keep: plane.settle(keep_going=keep), budget)


def advance(api: Api, seconds: float, budget: float | None = None) -> Settled | None:
    """Let `seconds` of virtual cluster time pass, then settle (None if a leader runs)."""
    return _embedded(api, lambda plane, keep: plane.advance(seconds, keep_going=keep), budget)


def _hold_lease(api: Api, identity: str, now: float) -> bool:
    """Take or renew the leader Lease; False if another live holder has it."""
    body: dict = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                  "metadata": {"name": LEASE_NAME, "namespace": LEASE_NAMESPACE},
                  "spec": {"holderIdentity": identity, "leaseDurationSeconds": LEASE_SECONDS,
                           "renewTime": _microtime(now)}}
    current_holder = leader(api)
    if current_holder not in (None, identity):
        return False
    with api.write() as tx:
        lease = tx.find("Lease", LEASE_NAMESPACE, LEASE_NAME)
        if lease is None:
            body["spec"]["acquireTime"] = _microtime(now)
            tx.create(body, namespace=LEASE_NAMESPACE)
            return True
        new = values.clone(lease)
        spec = new["spec"] if isinstance(new.get("spec"), dict) else {}
        new["spec"] = spec
        if spec.get("holderIdentity") != identity:
            spec["acquireTime"] = _microtime(now)
            transitions = spec.get("leaseTransitions")
            spec["leaseTransitions"] = (transitions if isinstance(transitions, int) else 0) + 1
        spec.update(body["spec"])
        tx.update(new, namespace=LEASE_NAMESPACE)
    return True


def _release_lease(api: Api, identity: str) -> None:
    with api.write() as tx:
        lease = tx.find("Lease", LEASE_NAMESPACE, LEASE_NAME)
        if lease is not None and (lease.get("spec") or {}).get("holderIdentity") == identity:
            new = values.clone(lease)
            new["spec"].pop("holderIdentity", None)
            tx.update(new, namespace=LEASE_NAMESPACE)


def run(api: Api, stop: threading.Event, on_state=lambda state: None, tick: float = 0.2) -> None:
    """`litekube run`: a control plane on the wall clock, leader through a Lease, until `stop`."""
    identity = f"{socket.gethostname()}_{os.getpid()}"
    store = api.store
    standing_by = False
    while not stop.is_set():
        if _hold_lease(api, identity, store.wall()):
            break
        if not standing_by:
            on_state(f"standing by: {leader(api)} holds the lease")
            standing_by = True
        stop.wait(1.0)
    if stop.is_set():
        return
    lock = _Lock(api, "run")  # a live embedded command finishes within its settle budget
    try:
        lock.__enter__()
    except errors.Timeout:
        _release_lease(api, identity)
        raise
    try:
        with api.write() as tx:
            offset = tx.writer.wall_clock()
        on_state(f"leading as {identity}")
        plane = ControlPlane(api, components.ALL)
        plane.start()
        _lead(api, plane, identity, offset, stop, lock, tick)
    finally:
        try:
            with api.write() as tx:
                tx.writer.virtual_clock()
            _release_lease(api, identity)
        finally:
            lock.__exit__(None, None, None)
            on_state("stopped")


def _lead(api: Api, plane: ControlPlane, identity: str, offset: float, stop: threading.Event,
          lock: _Lock, tick: float) -> None:
    store = api.store
    renewed = store.wall()
    try:
        while not stop.is_set() and not lock.lost.is_set():
            plane.now = max(plane.now, store.wall() + offset)
            plane.poll()
            busy = plane.step()
            if store.wall() - renewed > RENEW_EVERY:  # renewed while busy too, or the Lease would lapse
                _hold_lease(api, identity, store.wall())
                plane.compact()
                expire(api)
                renewed = store.wall()
            if busy:
                continue
            upcoming = plane.queue.next_due()
            wait = tick if upcoming is None else min(tick, max(0.0, upcoming - store.wall() - offset))
            store.wait_for_change(wait, stop)  # PostgreSQL: woken by NOTIFY at once; SQLite: stop.wait
    finally:
        plane.save()
