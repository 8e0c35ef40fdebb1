"""Leader election for one process: an `Elector` per Lease runs client-go's loop (electing decides each try).

This module does I/O (the store, a thread per Lease, the wall clock). A
candidate reads its Lease, asks `electing.decide`, and writes the answer
with a compare-and-swap on the Lease's revision: of two candidates racing,
one write lands and the other gets Conflict (or AlreadyExists) and tries
again a jittered retry period later. The holder renews every retry period
and stops leading when a renewal has not succeeded within the renew
deadline. `holds` is the fence the control-plane loop calls inside its
write transactions; `lost` is what it calls when the fence fails.
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
from litekube.runtime import electing
from litekube.runtime.electing import Timing, Verdict
from litekube.store import owners

__all__ = ["Elector", "identity", "holder_gone", "HOLDER_ANNOTATION"]

log = logging.getLogger("litekube.leasing")

HOLDER_ANNOTATION = "litekube.io/holder-process"  # which process holds it, so a dead holder is seen at once
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
