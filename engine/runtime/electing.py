"""Leader election over a coordination.k8s.io/v1 Lease, decided as client-go's leaderelection does.

No I/O happens here: every function takes the Lease (or its spec), the
time and what the candidate saw before, and answers; the runtime
(`leading`) reads and writes the Lease and keeps the timers.

The rules (k8s.io/client-go/tools/leaderelection, LeaderElector):
- A candidate remembers the record it last saw and *when it saw it change*,
  on its own clock (`Observation`). Another holder's lease is valid while
  that local time plus the record's leaseDurationSeconds is after now:
  exactly at that instant it has expired (Go's `After` is strict). A
  candidate therefore waits a full lease duration after the last change it
  saw, whatever the renewTime says, which tolerates clock skew between hosts.
- Free (no holder), expired, or held by this candidate: write the record.
  A new holder keeps the count in leaseTransitions (+1) and sets acquireTime;
  the holder renewing keeps both. No Lease at all: create it, transitions 0.
- The holder renews every retry period; when it has not renewed within the
  renew deadline of starting to try, it stops leading (`renew_given_up`).
- Candidates retry every retry period plus up to 1.2 times it (JitterFactor).
- Release writes an empty holder, leaseDurationSeconds 1, both times now.
- litekube adds one thing: a holder whose process is known to be gone (the
  runtime checks a holder on this host) has no valid lease, so a standby
  takes over at once instead of after the lease duration.

Fencing (`holds`) is what a writer checks inside its own transaction: the
Lease still names it and its own renewal has not expired.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Mapping

from litekube.model import durations

__all__ = ["JITTER_FACTOR", "NAMESPACE", "CONTROLLER_MANAGER", "SCHEDULER", "SIMULATOR", "LEASES", "Timing",
           "Record", "Observation", "Verdict", "Decision", "decide", "released", "holds", "live",
           "renew_given_up", "jittered", "microtime", "parse_microtime"]

JITTER_FACTOR = 1.2
NAMESPACE = "kube-system"
CONTROLLER_MANAGER, SCHEDULER, SIMULATOR = "kube-controller-manager", "kube-scheduler", "litekube-simulator"
LEASES = (CONTROLLER_MANAGER, SCHEDULER, SIMULATOR)


def microtime(seconds: float) -> str:
    """metav1.MicroTime's RFC 3339 form: `2026-12-03T07:01:10.123456Z`."""
    whole = int(seconds // 1)
    micros = int(round((seconds - whole) * 1e6))
    if micros == 1_000_000:
        whole, micros = whole + 1, 0
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{micros:06d}Z"


def parse_microtime(value: Any) -> float | None:
    """Seconds since the epoch of a (Micro)Time string; None for a missing or unreadable one."""
    if not isinstance(value, str):
        return None
    try:
        return durations.parse_time(value).timestamp()
    except ValueError:
        return None


@dataclass(frozen=True)
class Timing:
    """--leader-elect-lease-duration, --leader-elect-renew-deadline, --leader-elect-retry-period (seconds)."""

    lease_duration: float = 15.0
    renew_deadline: float = 10.0
    retry_period: float = 2.0

    def problems(self) -> list[str]:
        """What NewLeaderElector refuses, in its words, naming the flags (empty when the timing is sound)."""
        out = []
        if self.lease_duration <= self.renew_deadline:
            out.append("--leader-elect-lease-duration must be greater than --leader-elect-renew-deadline "
                       "(leaseDuration must be greater than renewDeadline)")
        if self.renew_deadline <= JITTER_FACTOR * self.retry_period:
            out.append("--leader-elect-renew-deadline must be greater than --leader-elect-retry-period times "
                       f"{JITTER_FACTOR} (renewDeadline must be greater than retryPeriod*JitterFactor)")
        for flag, value in (("lease-duration", self.lease_duration), ("renew-deadline", self.renew_deadline),
                            ("retry-period", self.retry_period)):
            if value <= 0:
                out.append(f"--leader-elect-{flag} must be greater than zero")
        if 0 < self.lease_duration < 1:
            out.append("--leader-elect-lease-duration must be at least 1s (leaseDurationSeconds is whole seconds)")
        return out

    @property
    def lease_seconds(self) -> int:
        """The record's leaseDurationSeconds: int(LeaseDuration / time.Second), as client-go writes it."""
        return int(self.lease_duration)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass(frozen=True)
class Record:
    """client-go's LeaderElectionRecord, as a Lease spec carries it."""

    holder: str = ""
    lease_duration_seconds: int = 0
    acquire_time: float | None = None
    renew_time: float | None = None
    transitions: int = 0

    @classmethod
    def of(cls, spec: Mapping[str, Any] | None) -> "Record":
        """The record in a Lease spec; missing or mistyped fields read as Go's zero values."""
        spec = spec if isinstance(spec, Mapping) else {}
        holder = spec.get("holderIdentity")
        return cls(holder if isinstance(holder, str) else "", _int(spec.get("leaseDurationSeconds")),
                   parse_microtime(spec.get("acquireTime")), parse_microtime(spec.get("renewTime")),
                   _int(spec.get("leaseTransitions")))

    def spec(self) -> dict:
        """The Lease spec that LeaderElectionRecordToLeaseSpec writes (every field, an empty holder too)."""
        out: dict = {"holderIdentity": self.holder, "leaseDurationSeconds": self.lease_duration_seconds}
        if self.acquire_time is not None:
            out["acquireTime"] = microtime(self.acquire_time)
        if self.renew_time is not None:
            out["renewTime"] = microtime(self.renew_time)
        out["leaseTransitions"] = self.transitions
        return out


@dataclass(frozen=True)
class Observation:
    """The record a candidate last saw, and when (its own clock) it saw it change."""

    record: Record
    time: float

    def valid(self, now: float) -> bool:
        """Whether the observed holder's lease still runs at `now`: observed + duration is after now."""
        return self.time + self.record.lease_duration_seconds > now


class Verdict(StrEnum):
    CREATE = "create"    # no Lease yet: create it, holding it
    RENEW = "renew"      # this candidate holds it: renew
    ACQUIRE = "acquire"  # free, expired or its holder gone: take it
    HELD = "held"        # another holder's lease is valid: wait


@dataclass(frozen=True)
class Decision:
    """What `decide` answers: the verdict, the record to write (the observed one for HELD), and the
    observation to keep until a write succeeds (after which the written record, seen at that time)."""

    verdict: Verdict
    record: Record
    observed: Observation | None
    previous: str = ""  # the holder named before this decision ("" when free or new)
    reasons: tuple[str, ...] = field(default=())

    @property
    def writes(self) -> bool:
        return self.verdict is not Verdict.HELD


def decide(spec: Mapping[str, Any] | None, exists: bool, now: float, identity: str, timing: Timing,
           observed: Observation | None, holder_gone: bool = False) -> Decision:
    """tryAcquireOrRenew's decision for `identity` at `now`, given the Lease's spec (`exists` False: no Lease).

    `observed` is what this candidate saw on its previous try (None at first).
    """
    mine = Record(identity, timing.lease_seconds, now, now, 0)
    if not exists:
        return Decision(Verdict.CREATE, mine, None)
    current = Record.of(spec)
    # 2. A record that differs from the one last seen restarts the wait, on this candidate's clock.
    if observed is None or observed.record != current:
        observed = Observation(current, now)
    leader = current.holder == identity
    if current.holder and not leader and observed.valid(now) and not holder_gone:
        return Decision(Verdict.HELD, current, observed, current.holder)
    # 3. Write: the holder keeps acquireTime and the transition count; a new holder counts one more.
    if leader:
        record = Record(identity, timing.lease_seconds, current.acquire_time, now, current.transitions)
        return Decision(Verdict.RENEW, record, observed, current.holder)
    record = Record(identity, timing.lease_seconds, now, now, current.transitions + 1)
    return Decision(Verdict.ACQUIRE, record, observed, current.holder)


def released(observed: Record, now: float) -> Record:
    """The record `release()` writes: no holder, leaseDurationSeconds 1, acquire and renew now."""
    return Record("", 1, now, now, observed.transitions)


def holds(spec: Mapping[str, Any] | None, identity: str, now: float) -> bool:
    """The fence: the Lease names `identity` and its renewal has not expired at `now`.

    Exactly at renewTime + leaseDurationSeconds the lease has expired.
    """
    record = Record.of(spec)
    return (record.holder == identity and record.renew_time is not None
            and record.renew_time + record.lease_duration_seconds > now)


def live(spec: Mapping[str, Any] | None, now: float) -> bool:
    """Whether the Lease names a holder whose renewal has not expired at `now` (by renewTime, one look)."""
    record = Record.of(spec)
    return bool(record.holder) and holds(spec, record.holder, now)


def renew_given_up(started: float, now: float, timing: Timing) -> bool:
    """A holder that began trying to renew at `started` and has not succeeded stops leading at
    started + renew deadline (the poll's timeout), not one tick before."""
    return now >= started + timing.renew_deadline


def jittered(period: float, fraction: float) -> float:
    """wait.Jitter(period, JitterFactor) for a random `fraction` in [0, 1): period plus up to 1.2 periods."""
    return period + fraction * JITTER_FACTOR * period
