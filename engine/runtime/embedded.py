"""Running the control plane: embedded in a CLI command, or as `litekube run`.

This module does I/O. A mutating command runs the control plane in-process
until the cluster settles, unless a `litekube run` process holds the leader
Lease; then the command only writes, as against a real cluster. Embedded
runs take the store's control-plane lock one at a time, so two commands
never reconcile the same keys at once.
"""
from __future__ import annotations

import os
import socket
import threading
import time

from litekube import errors
from litekube.api.server import Api
from litekube.model import durations, values
from litekube.runtime import components
from litekube.runtime.controlplane import ControlPlane, Settled

__all__ = ["settle", "advance", "run", "leader", "LEASE_NAME", "LEASE_NAMESPACE"]

LEASE_NAMESPACE, LEASE_NAME = "kube-system", "litekube-control-plane"
LEASE_SECONDS = 15
_LOCK_TTL = 600.0


def _microtime(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int(seconds % 1 * 1e6):06d}Z"


def leader(api: Api) -> str | None:
    """The identity of a live `litekube run` holding the leader Lease, if any."""
    with api.read() as tx:
        lease = tx.find("Lease", LEASE_NAMESPACE, LEASE_NAME)
    if lease is None:
        return None
    spec = lease.get("spec") or {}
    holder, renewed = spec.get("holderIdentity"), spec.get("renewTime")
    if not holder or not renewed:
        return None
    expires = durations.parse_time(renewed).timestamp() + int(spec.get("leaseDurationSeconds") or LEASE_SECONDS)
    return holder if expires > api.store.wall() else None


class _Lock:
    """The store's control-plane lock, waited for politely."""

    def __init__(self, api: Api, holder: str, wait: float = 120.0) -> None:
        self.api, self.holder, self.wait = api, holder, wait

    def __enter__(self) -> "_Lock":
        deadline = time.monotonic() + self.wait
        while self.api.store.try_lock(self.holder, _LOCK_TTL) is not None:
            if time.monotonic() > deadline:
                raise errors.Timeout("timed out waiting for another litekube control plane to finish")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.api.store.unlock(self.holder)


def _embedded(api: Api, work) -> Settled | None:
    if leader(api) is not None:
        return None
    with _Lock(api, f"embedded:{socket.gethostname()}:{os.getpid()}"):
        plane = ControlPlane(api, components.ALL)
        plane.start()
        return work(plane)


def settle(api: Api) -> Settled | None:
    """Run the control plane in-process until the cluster settles (None if a leader runs)."""
    return _embedded(api, lambda plane: plane.settle())


def advance(api: Api, seconds: float) -> Settled | None:
    """Let `seconds` of virtual cluster time pass, then settle (None if a leader runs)."""
    return _embedded(api, lambda plane: plane.advance(seconds))


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
        if new["spec"].get("holderIdentity") != identity:
            new["spec"]["acquireTime"] = _microtime(now)
            new["spec"]["leaseTransitions"] = int(new["spec"].get("leaseTransitions") or 0) + 1
        new["spec"].update(body["spec"])
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
    with _Lock(api, f"run:{identity}"):
        with api.write() as tx:
            tx.writer.set_clock(store.wall(), virtual=False)
        on_state(f"leading as {identity}")
        plane = ControlPlane(api, components.ALL)
        plane.start()
        renewed = store.wall()
        try:
            while not stop.is_set():
                plane.now = max(plane.now, store.wall())
                plane.poll()
                if plane.step():
                    continue
                if store.wall() - renewed > LEASE_SECONDS / 3:
                    _hold_lease(api, identity, store.wall())
                    plane.compact()
                    renewed = store.wall()
                upcoming = plane.queue.next_due()
                wait = tick if upcoming is None else min(tick, max(0.0, upcoming - store.wall()))
                stop.wait(wait)
        finally:
            plane.save()
            with api.write() as tx:
                tx.writer.set_clock(store.wall(), virtual=True)
            _release_lease(api, identity)
            on_state("stopped")
