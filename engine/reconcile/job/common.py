"""What the Job controller's steps share: the sync context, pod predicates, conditions, times.

No I/O happens here. `SyncContext` is upstream's syncJobCtx: the Job being
synced (a copy the steps change), its claimed pods and the counts and
conditions the steps work out, plus the actions they ask for in order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from litekube.model import durations
from litekube.reconcile.base import RecordEvent, ref_of
from litekube.reconcile.common import pod_ranking
from litekube.reconcile.job import indexes

__all__ = ["TRACKING_FINALIZER", "EVENT_SOURCE", "SyncContext", "stamp", "has_finalizer", "is_indexed",
           "has_backoff_limit_per_index", "only_replace_failed", "is_pod_failed", "is_terminating",
           "is_finished", "condition", "new_condition", "ensure_condition", "event"]

TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
EVENT_SOURCE = "job-controller"


def stamp(now: float) -> str:
    """metav1.Time as stored: RFC 3339, whole seconds."""
    return durations.format_time(datetime.fromtimestamp(int(now), tz=timezone.utc))


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def has_finalizer(pod: dict) -> bool:
    return TRACKING_FINALIZER in (_meta(pod).get("finalizers") or [])


def is_indexed(job: dict) -> bool:
    return (job.get("spec") or {}).get("completionMode") == "Indexed"


def has_backoff_limit_per_index(job: dict) -> bool:
    return (job.get("spec") or {}).get("backoffLimitPerIndex") is not None


def only_replace_failed(job: dict) -> bool:
    """onlyReplaceFailedPods: podReplacementPolicy Failed, or any pod failure policy."""
    spec = job.get("spec") or {}
    return spec.get("podReplacementPolicy") == "Failed" or spec.get("podFailurePolicy") is not None


def is_pod_failed(pod: dict, job: dict) -> bool:
    """isPodFailed: Failed, or (unless only failed pods are replaced) deleted before it succeeded."""
    phase = (pod.get("status") or {}).get("phase")
    if phase == "Failed":
        return True
    if only_replace_failed(job):
        return False
    return bool(_meta(pod).get("deletionTimestamp")) and phase != "Succeeded"


def is_terminating(pod: dict) -> bool:
    """IsPodTerminating: being deleted and not yet Succeeded or Failed."""
    return bool(_meta(pod).get("deletionTimestamp")) and (pod.get("status") or {}).get("phase") not in (
        "Succeeded", "Failed")


def condition(job: dict, kind: str) -> dict | None:
    return next((c for c in (job.get("status") or {}).get("conditions") or [] if c.get("type") == kind), None)


def is_finished(job: dict) -> bool:
    """IsJobFinished: a Complete or Failed condition that is True."""
    return any(c.get("type") in ("Complete", "Failed") and c.get("status") == "True"
               for c in (job.get("status") or {}).get("conditions") or [])


def new_condition(kind: str, status: str, reason: str, message: str, now: float) -> dict:
    when = stamp(now)
    return {"type": kind, "status": status, "lastProbeTime": when, "lastTransitionTime": when, "reason": reason,
            "message": message}


def ensure_condition(conditions: list[dict], kind: str, status: str, reason: str, message: str,
                     now: float) -> tuple[list[dict], bool]:
    """ensureJobConditionStatus: set or append (never append a False one); whether anything changed."""
    for i, existing in enumerate(conditions):
        if existing.get("type") == kind:
            if (existing.get("status"), existing.get("reason", ""), existing.get("message", "")) != (
                    status, reason, message):
                conditions = list(conditions)
                conditions[i] = new_condition(kind, status, reason, message, now)
                return conditions, True
            return conditions, False
    if status != "False":
        return conditions + [new_condition(kind, status, reason, message, now)], True
    return conditions, False


def event(job: dict, kind: str, reason: str, message: str) -> RecordEvent:
    return RecordEvent(ref_of(job), kind, reason, message, EVENT_SOURCE)


@dataclass
class SyncContext:
    """syncJobCtx, plus the actions asked for so far (in the order upstream makes its calls)."""

    job: dict
    pods: list[dict]
    now: float
    active_pods: list[dict] = field(default_factory=list)
    finished_condition: dict | None = None
    succeeded: int = 0
    failed: int = 0
    prev_succeeded_indexes: indexes.Intervals = field(default_factory=list)
    succeeded_indexes: indexes.Intervals = field(default_factory=list)
    failed_indexes: indexes.Intervals | None = None
    uncounted_succeeded: set[str] = field(default_factory=set)
    uncounted_failed: set[str] = field(default_factory=set)
    delayed_deletion_per_index: dict[int, dict] = field(default_factory=dict)
    terminating: int = 0
    ready: int = 0
    actions: list = field(default_factory=list)
    requeue: float | None = None

    @property
    def spec(self) -> dict:
        return self.job.setdefault("spec", {})

    @property
    def status(self) -> dict:
        return self.job.setdefault("status", {})

    def requeue_after(self, seconds: float) -> None:
        self.requeue = seconds if self.requeue is None else min(self.requeue, seconds)

    def uid(self, pod: dict) -> str:
        return _meta(pod).get("uid", "")

    def ready_pods(self, pods: list[dict]) -> int:
        return sum(1 for p in pods if pod_ranking.is_ready(p))
