"""The TTL-after-finished controller: delete a finished Job once its ttlSecondsAfterFinished has passed.

No I/O happens here. ttlafterfinished_controller.go's processJob: a Job
that is not being deleted, has `spec.ttlSecondsAfterFinished` and is
finished (a Complete or Failed condition that is True) expires at that
condition's lastTransitionTime plus the TTL; once expired it is deleted
with foreground propagation and its uid as a precondition, else the Job
is looked at again when it expires. Waiting out a TTL is routine work: a
settle does not wait for it; `advance` lets it happen.
"""
from __future__ import annotations

from litekube.reconcile.base import Component, Delete, Key, Result, View, self_key
from litekube.reconcile.common import pod_ranking

__all__ = ["COMPONENT", "reconcile", "expires_at"]


def _finish_time(job: dict) -> float | None:
    """jobFinishTime: the lastTransitionTime of the True Complete or Failed condition."""
    for c in (job.get("status") or {}).get("conditions") or []:
        if c.get("type") in ("Complete", "Failed") and c.get("status") == "True":
            return pod_ranking.timestamp(c.get("lastTransitionTime"))
    return None


def expires_at(job: dict) -> float | None:
    """When the Job may be deleted; None if it needs no clean-up (no TTL, not finished, being deleted)."""
    ttl = (job.get("spec") or {}).get("ttlSecondsAfterFinished")
    if ttl is None or (job.get("metadata") or {}).get("deletionTimestamp"):
        return None
    finished = _finish_time(job)
    return None if finished is None else finished + int(ttl)


def reconcile(key: Key, view: View, now: float) -> Result:
    """processJob for the Job `key`."""
    job = view.get("Job", key.namespace, key.name)
    if job is None:
        return Result()
    expiry = expires_at(job)
    if expiry is None:
        return Result()
    if expiry - now > 0:
        return Result(requeue_after=expiry - now, routine=True)
    meta = job.get("metadata") or {}
    return Result([Delete("Job", key.namespace, key.name, meta.get("uid", ""), propagation="Foreground")])


COMPONENT = Component(name="ttl-after-finished", reconcile=reconcile, watches={"Job": self_key}, primary="Job",
                      periodic=True)
