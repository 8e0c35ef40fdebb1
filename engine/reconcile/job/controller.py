"""The Job controller: run pods to completion, count them, and finish the Job.

No I/O happens here. `reconcile` is pkg/controller/job's `syncJob` (v1.32,
with its default feature gates: per-index back-off, pod failure and
success policies, pod replacement policy, the delayed terminal condition):

1. a finished Job (Complete or Failed) is left alone;
2. pods are claimed (adopted with the tracking finalizer, released with it);
3. finished pods are counted (uncounted ones included), startTime set;
4. the failure checks, in upstream's order: a FailJob rule of the pod
   failure policy, backoffLimit (failed > limit) or restarts past it with
   OnFailure, activeDeadlineSeconds (reached at exactly the deadline);
   Indexed Jobs also maxFailedIndexes, failed indexes and the success policy;
5. a finishing Job deletes its active pods; otherwise `managing.manage`
   creates or deletes pods, and completions reached means success;
6. suspension (Suspended condition, events; resuming resets startTime);
7. `tracking.track` writes the status, counting pods through
   uncountedTerminatedPods and their finalizers.

Differences from upstream, on purpose:
- No expectations: the runtime's cache already holds this controller's
  own writes when it runs again.
- The pod failure back-off is rebuilt from the Job's finished pods instead
  of an in-memory record (see `backoff`).
Pod events reach the Job after `SYNC_BATCH_PERIOD` (1 s), as upstream
batches them; Job events at once.

The controller's second queue, for pods whose Job is gone or finished,
is `litekube.reconcile.job.orphans`; claiming pods is `claiming`.
"""
from __future__ import annotations

from typing import Iterable

from litekube import errors
from litekube.model import selectors, values
from litekube.reconcile.base import Component, Key, Result, View, self_key
from litekube.reconcile.common import pod_ranking, scheduled
from litekube.reconcile.job import backoff, claiming, indexes, managing, tracking
from litekube.reconcile.job.common import (
    SyncContext,
    condition,
    ensure_condition,
    event,
    has_backoff_limit_per_index,
    has_finalizer,
    is_finished,
    is_indexed,
    is_pod_failed,
    is_terminating,
    new_condition,
    stamp,
)
from litekube.reconcile.job.managing import SYNC_BATCH_PERIOD
from litekube.reconcile.job.policies import match_pod_failure_policy, match_success_policy

__all__ = ["COMPONENT", "reconcile", "jobs_for_pod", "MANAGED_BY"]

MANAGED_BY = claiming.MANAGED_BY


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _controller_ref(obj: dict) -> dict | None:
    return next((r for r in _meta(obj).get("ownerReferences") or [] if r.get("controller")), None)


# -- the failure checks ----------------------------------------------------------------------

def _past_backoff_limit_on_failure(job: dict, pods: list[dict]) -> bool:
    """pastBackoffLimitOnFailure: with restartPolicy OnFailure, container restarts count as failures."""
    spec = job.get("spec") or {}
    if ((spec.get("template") or {}).get("spec") or {}).get("restartPolicy") != "OnFailure":
        return False
    restarts = 0
    for pod in pods:
        status = pod.get("status") or {}
        if status.get("phase") in ("Running", "Pending"):
            for key in ("initContainerStatuses", "containerStatuses"):
                restarts += sum(int(s.get("restartCount") or 0) for s in status.get(key) or [])
    limit = int(spec.get("backoffLimit") or 0)
    return restarts > 0 if limit == 0 else restarts >= limit


def _started(job: dict) -> float | None:
    return pod_ranking.timestamp((job.get("status") or {}).get("startTime"))


def _past_active_deadline(job: dict, now: float) -> bool:
    spec = job.get("spec") or {}
    start = _started(job)
    if spec.get("activeDeadlineSeconds") is None or start is None or spec.get("suspend"):
        return False
    return now - start >= int(spec["activeDeadlineSeconds"])


def _fail_job_message(job: dict, pods: list[dict]) -> str | None:
    policy = (job.get("spec") or {}).get("podFailurePolicy")
    if policy is None:
        return None
    for pod in pods:
        if is_pod_failed(pod, job):
            message = match_pod_failure_policy(policy, pod)[0]
            if message is not None:
                return message
    return None


def _failure(reason: str, message: str, now: float) -> dict:
    """newFailureCondition: FailureTarget first, as the delayed terminal condition has it."""
    return new_condition("FailureTarget", "True", reason, message, now)


# -- Indexed Jobs ------------------------------------------------------------------------------

def _valid_index(pod: dict, completions: int) -> bool:
    index = indexes.completion_index(pod)
    return index != indexes.UNKNOWN and index < completions


def _index_failed(job: dict, pod: dict) -> bool:
    """isIndexFailed: a FailIndex rule matched, or counted failures reached backoffLimitPerIndex."""
    if not is_pod_failed(pod, job):
        return False
    policy = (job.get("spec") or {}).get("podFailurePolicy")
    counted = True
    if policy is not None:
        _, counted, action = match_pod_failure_policy(policy, pod)
        if action == "FailIndex":
            return True
    return counted and indexes.failure_count(pod) >= int((job.get("spec") or {}).get("backoffLimitPerIndex") or 0)


def _delayed_deletion_per_index(ctx: SyncContext, completions: int) -> dict[int, dict]:
    """getPodsWithDelayedDeletionPerIndex: per index, the last failed pod, kept until its replacement exists."""
    active = {indexes.completion_index(p) for p in ctx.active_pods}
    delayed: dict[int, dict] = {}
    for pod in ctx.pods:
        if not has_finalizer(pod) or not _valid_index(pod, completions) or not is_pod_failed(pod, ctx.job):
            continue
        index = indexes.completion_index(pod)
        if indexes.has(ctx.succeeded_indexes, index) or indexes.has(ctx.failed_indexes, index) or index in active:
            continue
        last = delayed.get(index)
        if last is None or (indexes.absolute_failure_count(last) <= indexes.absolute_failure_count(pod)
                            and backoff.finished_time(pod) >= backoff.finished_time(last)):
            delayed[index] = pod
    return delayed


def _indexed_checks(ctx: SyncContext) -> None:
    job, status = ctx.job, ctx.status
    completions = int(ctx.spec.get("completions") or 0)
    ctx.prev_succeeded_indexes = indexes.parse(status.get("completedIndexes"), completions)
    new = sorted({indexes.completion_index(p) for p in ctx.pods if (p.get("status") or {}).get("phase") == "Succeeded"
                  and _valid_index(p, completions) and has_finalizer(p)})
    ctx.succeeded_indexes = indexes.with_indexes(ctx.prev_succeeded_indexes, new)
    ctx.succeeded = indexes.total(ctx.succeeded_indexes)
    if has_backoff_limit_per_index(job):
        previous = indexes.parse(status.get("failedIndexes"), completions) if status.get("failedIndexes") is not None \
            else []
        failed = sorted({indexes.completion_index(p) for p in ctx.pods
                         if _valid_index(p, completions) and has_finalizer(p) and _index_failed(job, p)})
        ctx.failed_indexes = indexes.with_indexes(previous, failed)
        if ctx.finished_condition is None:
            max_failed = ctx.spec.get("maxFailedIndexes")
            failed_total = indexes.total(ctx.failed_indexes)
            if max_failed is not None and failed_total > int(max_failed):
                ctx.finished_condition = _failure("MaxFailedIndexesExceeded",
                                                  "Job has exceeded the specified maximal number of failed indexes",
                                                  ctx.now)
            elif failed_total > 0 and failed_total + indexes.total(ctx.succeeded_indexes) >= completions:
                ctx.finished_condition = _failure("FailedIndexes", "Job has failed indexes", ctx.now)
        ctx.delayed_deletion_per_index = _delayed_deletion_per_index(ctx, completions)
    if ctx.finished_condition is None:
        message, met = match_success_policy(ctx.spec.get("successPolicy"), completions, ctx.succeeded_indexes)
        if met:
            ctx.finished_condition = new_condition("SuccessCriteriaMet", "True", "SuccessPolicy", message, ctx.now)


# -- syncJob ---------------------------------------------------------------------------------------

def _new_finished(ctx: SyncContext) -> tuple[list[dict], list[dict]]:
    """getNewFinishedPods: finished pods still holding the finalizer and not yet uncounted."""
    succeeded, failed = [], []
    completions = int(ctx.spec.get("completions") or 0)
    for pod in ctx.pods:
        if not has_finalizer(pod):
            continue
        if is_indexed(ctx.job) and not _valid_index(pod, completions):
            continue
        uid = ctx.uid(pod)
        if (pod.get("status") or {}).get("phase") == "Succeeded" and uid not in ctx.uncounted_succeeded:
            succeeded.append(pod)
        if is_pod_failed(pod, ctx.job) and uid not in ctx.uncounted_failed:
            failed.append(pod)
    return succeeded, failed


def _suspension(ctx: SyncContext) -> bool:
    """The Suspended condition and its events; resuming restarts the clock. Whether it changed."""
    status = ctx.status
    if ctx.spec.get("suspend"):
        status["conditions"], changed = ensure_condition(status.get("conditions") or [], "Suspended", "True",
                                                         "JobSuspended", "Job suspended", ctx.now)
        if changed:
            ctx.actions.append(event(ctx.job, "Normal", "Suspended", "Job suspended"))
        return changed
    status["conditions"], changed = ensure_condition(status.get("conditions") or [], "Suspended", "False",
                                                     "JobResumed", "Job resumed", ctx.now)
    if changed:
        ctx.actions.append(event(ctx.job, "Normal", "Resumed", "Job resumed"))
        # ActiveDeadlineSeconds counts the time a Job is continuously active.
        status["startTime"] = stamp(ctx.now)
    return changed


def reconcile(key: Key, view: View, now: float) -> Result:
    """Sync the Job `key` (see the module docstring for the steps)."""
    shared = view.get("Job", key.namespace, key.name)
    # 1. Gone, managed by another controller, or finished: nothing to do.
    if shared is None:
        return Result()
    spec = shared.get("spec") or {}
    if spec.get("managedBy") is not None and spec["managedBy"] != MANAGED_BY:
        return Result()
    if is_finished(shared):
        return Result()
    if spec.get("completionMode") not in (None, "NonIndexed", "Indexed"):
        return Result([event(shared, "Warning", "UnknownCompletionMode",
                             "Skipped Job sync because completion mode is unknown")])
    try:
        selector = selectors.from_label_selector(spec.get("selector"))
    except errors.BadRequest:
        return Result()
    job = values.clone(shared)
    status = job.setdefault("status", {})
    uncounted = status.setdefault("uncountedTerminatedPods", {}) or {}
    # 2. Claim the pods.
    pods, claim_actions = claiming.claim(view, job, selector)
    ctx = SyncContext(job, pods, now, actions=claim_actions)
    ctx.active_pods = [p for p in pods if pod_ranking.is_active(p)]
    ctx.ready = ctx.ready_pods(ctx.active_pods)
    ctx.uncounted_succeeded = set(uncounted.get("succeeded") or [])
    ctx.uncounted_failed = set(uncounted.get("failed") or [])
    ctx.terminating = sum(1 for p in pods if is_terminating(p))
    active = len(ctx.active_pods)
    # 3. Count what finished; the Job starts when first synced unsuspended.
    new_succeeded, new_failed = _new_finished(ctx)
    ctx.succeeded = int(status.get("succeeded") or 0) + len(new_succeeded) + len(ctx.uncounted_succeeded)
    ctx.failed = int(status.get("failed") or 0) + managing.failed_pod_counts(ctx, new_failed) + len(
        ctx.uncounted_failed)
    if not status.get("startTime") and not spec.get("suspend"):
        status["startTime"] = stamp(now)
    record = backoff.record([p for p in pods if (p.get("status") or {}).get("phase") == "Succeeded"],
                            [p for p in pods if is_pod_failed(p, job)])
    # 4. Is it finishing? Success criteria met before, a FailJob rule, the back-off limit, the deadline.
    met = condition(job, "SuccessCriteriaMet")
    ctx.finished_condition = dict(met) if met is not None and met.get("status") == "True" else None
    if ctx.finished_condition is None:
        target = condition(job, "FailureTarget")
        if target is not None and target.get("status") == "True":
            ctx.finished_condition = new_condition("Failed", "True", target.get("reason", ""),
                                                   target.get("message", ""), now)
        else:
            message = _fail_job_message(job, pods)
            if message is not None:
                ctx.finished_condition = _failure("PodFailurePolicy", message, now)
    if ctx.finished_condition is None:
        if ctx.failed > int(spec.get("backoffLimit") or 0) or _past_backoff_limit_on_failure(job, pods):
            ctx.finished_condition = _failure("BackoffLimitExceeded", "Job has reached the specified backoff limit",
                                              now)
        elif _past_active_deadline(job, now):
            ctx.finished_condition = _failure("DeadlineExceeded", "Job was active longer than specified deadline",
                                              now)
        elif spec.get("activeDeadlineSeconds") is not None and not spec.get("suspend"):
            ctx.requeue_after(int(spec["activeDeadlineSeconds"]) - (now - (_started(job) or now)))
    if is_indexed(job):
        _indexed_checks(ctx)
    # 5. A finishing Job deletes its active pods; otherwise pods are managed and completion tested.
    suspend_changed = False
    if ctx.finished_condition is not None:
        deleted = managing.delete_active_pods(ctx, ctx.active_pods)
        active -= deleted
        ctx.terminating += deleted
        ctx.ready -= ctx.ready_pods(ctx.active_pods)
    else:
        managed = False
        if not _meta(job).get("deletionTimestamp"):
            active = managing.manage(ctx, record)
            managed = True
        completions = spec.get("completions")
        if completions is None:
            complete = ctx.succeeded > 0 and active == 0
        else:
            complete = ctx.succeeded >= int(completions) and active == 0
        if complete:
            ctx.finished_condition = new_condition("SuccessCriteriaMet", "True", "CompletionsReached",
                                                   "Reached expected number of succeeded pods", now)
        elif managed:
            # 6. Suspension, only when this pass managed the pods.
            suspend_changed = _suspension(ctx)
    # 7. Write the status, counting finished pods.
    needs_update = (suspend_changed or active != int(status.get("active") or 0)
                    or status.get("ready") != ctx.ready or status.get("terminating") != ctx.terminating)
    status["active"] = active
    status["ready"] = ctx.ready
    status["terminating"] = ctx.terminating
    tracking.track(ctx, needs_update)
    # A Job its CronJob started on schedule is periodic work (see reconcile.common.scheduled).
    return Result(actions=ctx.actions, requeue_after=ctx.requeue, routine=scheduled.job_on_schedule(shared))


# -- watches ------------------------------------------------------------------------------------------------

def jobs_for_pod(pod: dict, view: View) -> Iterable[Key]:
    """The Job controlling a pod; for an orphan, every Job in its namespace that selects it."""
    namespace = _meta(pod).get("namespace", "")
    owner = _controller_ref(pod)
    if owner is not None:
        return (Key("Job", namespace, owner.get("name", "")),) if owner.get("kind") == "Job" else ()
    keys = []
    for job in view.list("Job", namespace):
        try:
            if selectors.from_label_selector((job.get("spec") or {}).get("selector")).matches(_meta(pod).get("labels")):
                keys.append(Key("Job", namespace, _meta(job).get("name", "")))
        except errors.BadRequest:
            continue
    return keys


COMPONENT = Component(name="job", reconcile=reconcile, watches={"Job": self_key, "Pod": jobs_for_pod},
                      primary="Job", delays={"Pod": SYNC_BATCH_PERIOD})
