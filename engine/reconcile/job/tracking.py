"""trackJobStatusAndRemoveFinalizers: count finished pods exactly once, then mark the Job finished.

No I/O happens here. A finished pod is counted in three steps, each a
write, so that a crash between them neither loses nor repeats a count:
its uid goes into `.status.uncountedTerminatedPods`, its
`batch.kubernetes.io/job-tracking` finalizer comes off, and the uid moves
from the uncounted list into `.status.succeeded` or `.status.failed`
(Indexed Jobs count succeeded indexes in `.status.completedIndexes`). At
most 500 pods are in flight at once. The interim FailureTarget or
SuccessCriteriaMet condition is written first; the terminal Failed or
Complete condition (with `completionTime`) only once no pod is uncounted
or still terminating. The status writes after the first carry no
resourceVersion: they follow it in the same transaction.
"""
from __future__ import annotations

from litekube.model import values
from litekube.reconcile.base import Update, UpdateStatus
from litekube.reconcile.job import indexes
from litekube.reconcile.job.common import (
    SyncContext,
    condition,
    ensure_condition,
    event,
    has_backoff_limit_per_index,
    has_finalizer,
    is_indexed,
    is_pod_failed,
    new_condition,
)
from litekube.reconcile.job.managing import without_finalizer
from litekube.reconcile.job.policies import match_pod_failure_policy

__all__ = ["MAX_UNCOUNTED_PODS", "track", "written_status", "is_success_criteria_met"]

MAX_UNCOUNTED_PODS = 500


def is_success_criteria_met(cond: dict | None) -> bool:
    return cond is not None and cond.get("type") == "SuccessCriteriaMet" and cond.get("status") == "True"


def written_status(status: dict) -> dict:
    """The status as Go serializes JobStatus: zero counters and empty lists omitted, pointers kept."""
    out = {}
    for key in ("conditions", "startTime", "completionTime", "active", "succeeded", "failed", "terminating",
                "completedIndexes", "failedIndexes", "uncountedTerminatedPods", "ready"):
        if key not in status:
            continue
        value = status[key]
        if key in ("active", "succeeded", "failed", "completedIndexes", "conditions") and not value:
            continue
        if key in ("startTime", "completionTime") and value is None:
            continue
        if key == "uncountedTerminatedPods":
            value = {k: list(v) for k, v in (value or {}).items() if v}
        out[key] = value
    return out


def _clean_uncounted(status: dict, with_finalizer: set[str]) -> bool:
    """cleanUncountedPodsWithoutFinalizers: uncounted pods whose finalizer is gone move into the counters."""
    uncounted = status.setdefault("uncountedTerminatedPods", {})
    changed = False
    for key in ("succeeded", "failed"):
        old = list(uncounted.get(key) or [])
        kept = [uid for uid in old if uid in with_finalizer]
        if len(kept) != len(old):
            changed = True
            status[key] = int(status.get(key) or 0) + len(old) - len(kept)
            uncounted[key] = kept
    return changed


def _can_remove_finalizer(ctx: SyncContext, pod: dict, considered_failed: bool) -> bool:
    """canRemoveFinalizer: unless a failed pod of an index waits for its replacement (per-index back-off)."""
    if (ctx.job.get("metadata") or {}).get("deletionTimestamp") or ctx.finished_condition is not None \
            or (pod.get("status") or {}).get("phase") == "Succeeded":
        return True
    if not considered_failed:
        return False
    if has_backoff_limit_per_index(ctx.job):
        index = indexes.completion_index(pod)
        delayed = ctx.delayed_deletion_per_index.get(index) if index != indexes.UNKNOWN else None
        if delayed is not None and ctx.uid(delayed) == ctx.uid(pod):
            return False
    return True


def _flush(ctx: SyncContext) -> None:
    """A status write; only the first of a pass carries the resourceVersion it was read at."""
    job = values.clone(ctx.job)
    job["status"] = written_status(job.get("status") or {})
    if any(isinstance(a, UpdateStatus) and a.obj.get("kind") == "Job" for a in ctx.actions):
        job["metadata"].pop("resourceVersion", None)
    ctx.actions.append(UpdateStatus(job))


def _enact_finished(ctx: SyncContext) -> bool:
    """enactJobFinished: the terminal condition, once nothing is uncounted or terminating."""
    finished = ctx.finished_condition
    if finished is None:
        return False
    uncounted = ctx.status.get("uncountedTerminatedPods") or {}
    if uncounted.get("succeeded") or uncounted.get("failed") or ctx.terminating > 0:
        return False
    ctx.status["conditions"], _ = ensure_condition(ctx.status.get("conditions") or [], finished["type"],
                                                   finished["status"], finished.get("reason", ""),
                                                   finished.get("message", ""), ctx.now)
    if finished["type"] == "Complete":
        ctx.status["completionTime"] = finished["lastTransitionTime"]
    return True


def _record_finished(ctx: SyncContext) -> None:
    finished = ctx.finished_condition or {}
    if finished.get("type") == "Complete":
        completions = ctx.spec.get("completions")
        if completions is not None and int(ctx.status.get("succeeded") or 0) > int(completions):
            ctx.actions.append(event(ctx.job, "Warning", "TooManySucceededPods",
                                     "Too many succeeded pods running after completion count reached"))
        ctx.actions.append(event(ctx.job, "Normal", "Completed", "Job completed"))
    else:
        ctx.actions.append(event(ctx.job, "Warning", finished.get("reason", ""), finished.get("message", "")))


def track(ctx: SyncContext, needs_flush: bool) -> None:
    """trackJobStatusAndRemoveFinalizers, appending its writes to ctx.actions."""
    job, status = ctx.job, ctx.status
    indexed = is_indexed(job)
    completions = int(ctx.spec.get("completions") or 0)
    uncounted = status.setdefault("uncountedTerminatedPods", {})
    uncounted.setdefault("succeeded", [])
    uncounted.setdefault("failed", [])
    pods = indexes.by_completion_index(ctx.pods) if indexed else ctx.pods
    with_finalizer = {ctx.uid(p) for p in pods if has_finalizer(p)}
    # 1. Pods counted in an earlier pass whose finalizer is gone move into the counters.
    needs_flush = _clean_uncounted(status, with_finalizer) or needs_flush
    # 2. Finished pods (every pod, once the Job is finishing) join the uncounted lists.
    to_release: list[dict] = []
    new_indexes: list[int] = []
    reached_max = False
    policy = ctx.spec.get("podFailurePolicy")
    for pod in pods:
        if not has_finalizer(pod):
            continue  # counted in an earlier pass
        failed = is_pod_failed(pod, job)
        if not _can_remove_finalizer(ctx, pod, failed):
            continue
        to_release.append(pod)
        uid = ctx.uid(pod)
        if (pod.get("status") or {}).get("phase") == "Succeeded" and uid not in ctx.uncounted_failed:
            if indexed:
                index = indexes.completion_index(pod)
                if index != indexes.UNKNOWN and index < completions and not indexes.has(ctx.prev_succeeded_indexes,
                                                                                          index):
                    new_indexes.append(index)
                    needs_flush = True
            elif uid not in ctx.uncounted_succeeded:
                needs_flush = True
                uncounted["succeeded"].append(uid)
        elif failed or (ctx.finished_condition is not None and not is_success_criteria_met(ctx.finished_condition)):
            index = indexes.completion_index(pod)
            valid_index = index != indexes.UNKNOWN and index < completions
            if uid not in ctx.uncounted_failed and (not indexed or valid_index):
                if policy is None or match_pod_failure_policy(policy, pod)[1]:
                    needs_flush = True
                    uncounted["failed"].append(uid)
        if len(new_indexes) + len(uncounted["succeeded"]) + len(uncounted["failed"]) >= MAX_UNCOUNTED_PODS:
            reached_max = True
            break
    # 3. Indexed Jobs: the completed and failed indexes.
    if indexed:
        ctx.succeeded_indexes = indexes.with_indexes(ctx.succeeded_indexes, sorted(new_indexes))
        completed = indexes.format_intervals(ctx.succeeded_indexes)
        if completed != (status.get("completedIndexes") or ""):
            needs_flush = True
        status["succeeded"] = indexes.total(ctx.succeeded_indexes)
        status["completedIndexes"] = completed
        failed_text = None if ctx.failed_indexes is None else indexes.format_intervals(ctx.failed_indexes)
        if failed_text != status.get("failedIndexes"):
            if failed_text is None:
                status.pop("failedIndexes", None)
            else:
                status["failedIndexes"] = failed_text
            needs_flush = True
    # 4. The interim condition goes in with this write; the terminal one is prepared.
    finished = ctx.finished_condition
    if finished is not None and finished["type"] == "FailureTarget":
        status["conditions"] = (status.get("conditions") or []) + [finished]
        needs_flush = True
        ctx.finished_condition = new_condition("Failed", "True", finished.get("reason", ""),
                                               finished.get("message", ""), ctx.now)
    if finished is not None and is_success_criteria_met(finished):
        if not is_success_criteria_met(condition(job, "SuccessCriteriaMet")):
            status["conditions"] = (status.get("conditions") or []) + [finished]
            needs_flush = True
        ctx.finished_condition = new_condition("Complete", "True", finished.get("reason", ""),
                                               finished.get("message", ""), ctx.now)
    # 5. Write the uncounted pods, release their finalizers, then count them.
    if needs_flush:
        _flush(ctx)
        needs_flush = False
    for pod in to_release:
        ctx.actions.append(Update(without_finalizer(pod)))
        with_finalizer.discard(ctx.uid(pod))
    needs_flush = _clean_uncounted(status, with_finalizer) or needs_flush
    # 6. Finished once nothing is left to count or to terminate.
    finished_now = not reached_max and _enact_finished(ctx)
    if finished_now or needs_flush:
        _flush(ctx)
        if finished_now:
            _record_finished(ctx)
