"""The pod failure back-off of the Job controller: backoff_utils.go.

No I/O happens here. A Job does not recreate a failed pod at once: after
the n-th consecutive failure (failures since the last success) it waits
10 s x 2^(n-1), capped at 10 minutes (`MaxJobPodFailureBackOff`; the
kubernetes.io page still says six), counted from the last failure.

Upstream keeps the failure count and the last failure time in the
controller's memory (a backoffRecord updated as failed pods are counted).
litekube keeps no state outside the objects, so `record` rebuilds it from
the Job's finished pods, which stay until the Job goes: the failures that
finished after the last success, and the time of the latest one. A failed
pod that someone deletes outright is forgotten here, where upstream
remembers it.
"""
from __future__ import annotations

from dataclasses import dataclass

from litekube.reconcile.common import pod_ranking
from litekube.reconcile.job import indexes

__all__ = ["DEFAULT_BACKOFF", "MAX_BACKOFF", "Record", "finished_time", "record", "remaining",
           "remaining_for_index", "remaining_for_count"]

DEFAULT_BACKOFF = 10.0
MAX_BACKOFF = 600.0


@dataclass(frozen=True)
class Record:
    """backoffRecord: consecutive failures since the last success, and when the last of them finished."""

    failures_after_last_success: int = 0
    last_failure_time: float | None = None


def _containers_finished_at(pod: dict) -> float | None:
    """The latest finishedAt if every container terminated (restartable init containers included)."""
    status = pod.get("status") or {}
    statuses = list(status.get("containerStatuses") or [])
    sidecars = {c.get("name") for c in (pod.get("spec") or {}).get("initContainers") or []
                if c.get("restartPolicy") == "Always"}
    statuses += [s for s in status.get("initContainerStatuses") or [] if s.get("name") in sidecars]
    latest: float | None = None
    for container in statuses:
        terminated = (container.get("state") or {}).get("terminated")
        finished = pod_ranking.timestamp((terminated or {}).get("finishedAt"))
        if finished is None:
            return None
        latest = finished if latest is None else max(latest, finished)
    return latest


def finished_time(pod: dict) -> float:
    """getFinishedTime: all containers' end, else Ready=False's transition, else deletion, else creation."""
    finished = _containers_finished_at(pod)
    if finished is not None:
        return finished
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready" and condition.get("status") == "False":
            since = pod_ranking.timestamp(condition.get("lastTransitionTime"))
            if since is not None:
                return since
            break
    meta = pod.get("metadata") or {}
    deleted = pod_ranking.timestamp(meta.get("deletionTimestamp"))
    if deleted is not None:
        return deleted - float(meta.get("deletionGracePeriodSeconds") or 0)
    return pod_ranking.timestamp(meta.get("creationTimestamp")) or 0.0


def record(succeeded: list[dict], failed: list[dict]) -> Record:
    """The back-off record the finished pods amount to (see the module docstring)."""
    if not failed:
        return Record()
    last_success = max((finished_time(p) for p in succeeded), default=None)
    failures = sorted(finished_time(p) for p in failed)
    if last_success is not None:
        failures = [t for t in failures if t > last_success]
    if not failures:
        return Record()
    return Record(len(failures), failures[-1])


def remaining_for_count(now: float, failures: int, last_failure: float | None, default: float = DEFAULT_BACKOFF,
                        maximum: float = MAX_BACKOFF) -> float:
    """getRemainingTimeForFailuresCount: the back-off left before a new pod may start."""
    if failures == 0 or last_failure is None:
        return 0.0
    backoff = default
    for _ in range(1, failures):
        backoff *= 2
        if backoff >= maximum:
            backoff = maximum
            break
    elapsed = now - last_failure
    return 0.0 if backoff < elapsed else backoff - elapsed


def remaining(rec: Record, now: float) -> float:
    return remaining_for_count(now, rec.failures_after_last_success, rec.last_failure_time)


def remaining_for_index(last_failed: dict | None, now: float) -> float:
    """getRemainingTimePerIndex: from the index's last failed pod and its failure-count annotations."""
    if last_failed is None:
        return 0.0
    return remaining_for_count(now, indexes.absolute_failure_count(last_failed) + 1, finished_time(last_failed))
