"""Running the control plane: embedded in a CLI command, or as `litekube run`.

This module does I/O. A mutating command runs the control plane in-process
until the cluster settles, unless a `litekube run` process holds one of the
component Leases (runtime.leading); then the command only writes, as
against a real cluster. Embedded
runs take the store's control-plane lock one at a time, so two commands
never reconcile the same keys at once.

Crashes never wedge the cluster:
- the lock names its owner (host, boot, pid, start time) and carries a
  short lease (LOCK_LEASE seconds) that a thread renews while the owner
  works; a holder that died on this host is taken over at once, one on
  another host when its lease runs out; what the dead one committed stays,
  and the next control plane resumes from the saved cursor;
- the component Leases of `litekube run` (runtime.leading) are taken over
  at once when their holder's process is gone from this host, otherwise
  after the lease duration (15 s), as Kubernetes' leader election does;
- settling is bounded in wall time (SETTLE_BUDGET, LITEKUBE_SETTLE_TIMEOUT):
  a command that starts work that takes long (100,000 replicas on 3 nodes)
  returns, reporting what is still pending, and the next one continues;
- `run` keeps the cluster clock's lead from `advance` as an offset from the
  wall clock, so nothing waits for virtual time that has already passed;
- objects whose time to live passed (Events, after 1 h of cluster time) are
  deleted after each settle and while `run` leads.
"""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Callable

from litekube import errors
from litekube.api.server import Api
from litekube.runtime import components, electing, settings
from litekube.runtime.controlplane import ControlPlane, Settled
from litekube.store import owners

__all__ = ["settle", "advance", "run", "leader", "leader_status", "LeaderStatus", "LEASE_NAME",
           "LEASE_NAMESPACE", "LEASE_SECONDS", "LOCK_LEASE", "SETTLE_BUDGET", "settle_budget", "expire"]

LEASE_NAMESPACE = electing.NAMESPACE
LEASE_NAME = electing.CONTROLLER_MANAGER  # the Lease of the controllers; see electing.LEASES for all three
LEASE_SECONDS = 15
RENEW_EVERY = LEASE_SECONDS / 3
LOCK_LEASE = 5.0  # seconds a lock holder on another host is trusted without renewing
_LOCK_RENEW = 1.0
SETTLE_BUDGET, settle_budget = settings.SETTLE_BUDGET, settings.settle_budget


def _microtime(seconds: float) -> str:
    return electing.microtime(seconds)


@dataclass(frozen=True)
class LeaderStatus:
    """A leader as commands see it: who holds its Lease and how long since it was renewed."""

    holder: str
    renewed_ago: float

    @property
    def stale(self) -> bool:
        """Renewals are due every RENEW_EVERY seconds: two missed ones mean the leader is not working."""
        return self.renewed_ago > 2 * RENEW_EVERY + 1


def _identity_alive(identity: str) -> bool:
    """An identity `host_pid` (litekube's before `<hostname>_<uuid>`): on this host its process must exist."""
    host, _, pid = identity.rpartition("_")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    return owners.process_alive(int(pid))


def _live(lease: dict | None, wall: float) -> LeaderStatus | None:
    if lease is None:
        return None
    from litekube.runtime import leasing

    spec = lease.get("spec") or {}
    record = electing.Record.of(spec)
    if not record.holder or record.renew_time is None or not electing.live(spec, wall):
        return None
    if leasing.holder_gone(lease) or not _identity_alive(record.holder):
        return None
    return LeaderStatus(record.holder, max(0.0, wall - record.renew_time))


def leader_status(api: Api, leases_only: bool = False) -> LeaderStatus | None:
    """A live `litekube run` leading any component, if any: the holder of a component Lease
    (kube-controller-manager, kube-scheduler, litekube-simulator) or, unless `leases_only`, a
    `run --leader-elect=false` holding the control-plane lock.

    A Lease whose holder's process is gone from this host is no leader, even
    before it expires: the next command or standby takes over at once.
    """
    wall = api.store.wall()
    with api.read() as tx:
        leases = [tx.find("Lease", LEASE_NAMESPACE, name) for name in electing.LEASES]
    for lease in leases:
        status = _live(lease, wall)
        if status is not None:
            return status
    if leases_only:
        return None
    held = api.store.live_lock_holder()
    if held is not None and held[0].kind == "run":
        return LeaderStatus(str(held[0]), max(0.0, wall - (held[1] - LOCK_LEASE)))
    return None


def leader(api: Api) -> str | None:
    """The identity of a live `litekube run` leading a component, if any."""
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
        try:
            deadline = time.monotonic() + self.wait
            while (holder := self.api.store.try_lock(self.owner, LOCK_LEASE)) is not None:
                if time.monotonic() > deadline:
                    raise errors.Timeout(f"timed out waiting for another litekube control plane ({holder}) "
                                         "to finish")
                time.sleep(0.05)
            self._renewer = threading.Thread(target=self._renew, name="litekube-lock", daemon=True)
            self._renewer.start()
        except BaseException:
            # A SIGTERM's SystemExit (or Ctrl-C) between taking the lock and the `with` body would
            # otherwise leave the lock held by a process that is gone: let it go on the way out.
            self._done.set()
            try:
                self.api.store.unlock(self.owner)
            except Exception:
                pass
            raise
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
        if leader_status(api, leases_only=True) is not None:
            return None  # a `run` won a Lease meanwhile: it waits for this lock, then leads
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


def advance(api: Api, seconds: float, budget: float | None = None, settle: bool = True) -> Settled | None:
    """Let `seconds` of virtual cluster time pass, then settle (None if a leader runs).

    With `settle=False` the clock ends exactly `seconds` later (ControlPlane.advance).
    """
    return _embedded(api, lambda plane, keep: plane.advance(seconds, keep_going=keep, settle=settle), budget)


def run(api: Api, stop: threading.Event, on_state=lambda state: None, tick: float = 0.2, **options) -> None:
    """`litekube run` (see runtime.leading): lead what this process wins through the Leases, until `stop`."""
    from litekube.runtime import leading

    leading.run(api, stop, on_state, tick, **options)
