"""manageJob: create or delete a Job's pods toward what it wants running.

No I/O happens here. The number wanted is parallelism, lowered to the
completions still missing (a work-queue Job without completions stops
adding pods after its first success). Extra pods go first (for Indexed
Jobs also duplicated and out-of-range indexes), in controller.ActivePods
order; new pods wait out the failure back-off, at most 500 a pass. A
suspended Job deletes all its active pods. Pods that the Job deletes here
lose their tracking finalizer first, so they are not counted as failures.

Pods are created with metadata.generateName (`<job>-`, `<job>-<index>-`),
as upstream: the API server picks the name, and the SuccessfulCreate event
rides on the Create action to name the pod it made.
"""
from __future__ import annotations

import functools

from litekube.model import values
from litekube.reconcile.base import Create, Delete, Update
from litekube.reconcile.common import pod_ranking
from litekube.reconcile.job import backoff, indexes
from litekube.reconcile.job.common import (
    TRACKING_FINALIZER,
    SyncContext,
    event,
    has_backoff_limit_per_index,
    has_finalizer,
    is_indexed,
    only_replace_failed,
)
from litekube.reconcile.job.policies import match_pod_failure_policy

__all__ = ["MAX_POD_CREATE_DELETE_PER_SYNC", "SYNC_BATCH_PERIOD", "manage", "delete_active_pods",
           "active_pods_order", "without_finalizer", "failed_pod_counts"]

MAX_POD_CREATE_DELETE_PER_SYNC = 500
SYNC_BATCH_PERIOD = 1.0  # syncJobBatchPeriod: the least delay of a requeue
_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


# -- which pods go first ------------------------------------------------------------

def _active_pods_less(a: dict, b: dict) -> bool:
    """controller.ActivePods.Less: unassigned, pending, not ready, ready more recently, restarted more, newer."""
    node_a, node_b = (a.get("spec") or {}).get("nodeName") or "", (b.get("spec") or {}).get("nodeName") or ""
    if node_a != node_b and (not node_a or not node_b):
        return not node_a
    phase_a = _PHASE_ORDINAL.get((a.get("status") or {}).get("phase", ""), 0)
    phase_b = _PHASE_ORDINAL.get((b.get("status") or {}).get("phase", ""), 0)
    if phase_a != phase_b:
        return phase_a < phase_b
    ready_a, ready_b = pod_ranking.is_ready(a), pod_ranking.is_ready(b)
    if ready_a != ready_b:
        return not ready_a
    if ready_a and ready_b:
        t_a, t_b = pod_ranking.ready_time(a), pod_ranking.ready_time(b)
        if t_a != t_b:
            return t_a is None or (t_b is not None and t_a > t_b)
    restarts_a, restarts_b = pod_ranking.max_restarts(a), pod_ranking.max_restarts(b)
    if restarts_a != restarts_b:
        return restarts_a > restarts_b
    c_a = pod_ranking.timestamp(_meta(a).get("creationTimestamp"))
    c_b = pod_ranking.timestamp(_meta(b).get("creationTimestamp"))
    if c_a != c_b:
        return c_a is None or (c_b is not None and c_a > c_b)
    return False


def active_pods_order(pods: list[dict]) -> list[dict]:
    """sort.Sort(controller.ActivePods(pods)), stable."""
    return sorted(pods, key=functools.cmp_to_key(
        lambda a, b: -1 if _active_pods_less(a, b) else 1 if _active_pods_less(b, a) else 0))


def _duplicated_indexes(pods: list[dict], completions: int) -> tuple[list[dict], list[dict]]:
    """appendDuplicatedIndexPodsForRemoval: (to remove, left): unknown and out-of-range indexes, and
    for each repeated index all but the last pod in ActivePods order."""
    remove: list[dict] = []
    left: list[dict] = []
    groups: dict[int, list[dict]] = {}
    for pod in indexes.by_completion_index(pods):
        groups.setdefault(indexes.completion_index(pod), []).append(pod)
    for index, group in groups.items():
        if index == indexes.UNKNOWN or index >= completions:
            remove.extend(group)
        elif len(group) == 1:
            left.append(group[0])
        else:
            ordered = active_pods_order(group)
            remove.extend(ordered[:-1])
            left.append(ordered[-1])
    return remove, left


def _pods_for_removal(ctx: SyncContext, at_least: int) -> list[dict]:
    """activePodsForRemoval."""
    if is_indexed(ctx.job):
        remove, left = _duplicated_indexes(ctx.active_pods, int(ctx.spec.get("completions") or 0))
    else:
        remove, left = [], ctx.active_pods
    if len(remove) < at_least:
        remove = remove + active_pods_order(left)[:at_least - len(remove)]
    return remove


# -- deleting ------------------------------------------------------------------------

def without_finalizer(pod: dict) -> dict:
    """The pod without the tracking finalizer (upstream's $deleteFromPrimitiveList patch)."""
    result = values.clone(pod)
    finalizers = [f for f in _meta(result).get("finalizers") or [] if f != TRACKING_FINALIZER]
    if finalizers:
        result["metadata"]["finalizers"] = finalizers
    else:
        result["metadata"].pop("finalizers", None)
    return result


def _delete(ctx: SyncContext, pod: dict) -> None:
    meta = _meta(pod)
    ctx.actions.append(Delete("Pod", meta.get("namespace", ""), meta.get("name", ""), meta.get("uid", "")))
    ctx.actions.append(event(ctx.job, "Normal", "SuccessfulDelete", f"Deleted pod: {meta.get('name', '')}"))


def delete_active_pods(ctx: SyncContext, pods: list[dict]) -> int:
    """deleteActivePods (the Job failed or met its success criteria): finalizers kept; returns how many."""
    for pod in pods:
        _delete(ctx, pod)
    return len(pods)


def _delete_job_pods(ctx: SyncContext, pods: list[dict]) -> int:
    """deleteJobPods: the tracking finalizer comes off first, then the pod is deleted."""
    for pod in pods:
        if has_finalizer(pod):
            ctx.actions.append(Update(without_finalizer(pod)))
        _delete(ctx, pod)
    return len(pods)


# -- creating ------------------------------------------------------------------------

def _owner_reference(job: dict) -> dict:
    meta = _meta(job)
    return {"apiVersion": "batch/v1", "kind": "Job", "name": meta.get("name", ""), "uid": meta.get("uid", ""),
            "controller": True, "blockOwnerDeletion": True}


def _with_index_env(template: dict) -> None:
    """addCompletionIndexEnvVariables: JOB_COMPLETION_INDEX from the index label (PodIndexLabel, on)."""
    spec = template.setdefault("spec", {})
    for key in ("initContainers", "containers"):
        for container in spec.get(key) or []:
            env = container.setdefault("env", [])
            if any(e.get("name") == indexes.COMPLETION_INDEX_ENV for e in env):
                continue
            env.append({"name": indexes.COMPLETION_INDEX_ENV, "valueFrom": {"fieldRef": {
                "fieldPath": f"metadata.labels['{indexes.COMPLETION_INDEX}']"}}})


def _index_failure_annotations(job: dict, replaced: dict | None) -> dict[str, str]:
    """addIndexFailureCountAnnotation: the index's failure counts carried from the pod being replaced."""
    failures = ignored = 0
    if replaced is not None:
        failures, ignored = indexes.failure_count(replaced), indexes.ignored_failure_count(replaced)
        policy = (job.get("spec") or {}).get("podFailurePolicy")
        if policy is not None and not match_pod_failure_policy(policy, replaced)[1]:
            ignored += 1
        else:
            failures += 1
    out = {indexes.INDEX_FAILURE_COUNT: str(failures)}
    if ignored > 0:
        out[indexes.INDEX_IGNORED_FAILURE_COUNT] = str(ignored)
    return out


def _new_pod(ctx: SyncContext, template: dict, generate_name: str, index: int) -> dict:
    """GetPodFromTemplate plus the index's annotation, label, hostname and failure counts."""
    job = ctx.job
    template_meta = template.get("metadata") or {}
    labels = dict(template_meta.get("labels") or {})
    annotations = dict(template_meta.get("annotations") or {})
    spec = values.clone(template.get("spec") or {})
    if index != indexes.UNKNOWN:
        annotations[indexes.COMPLETION_INDEX] = str(index)
        labels[indexes.COMPLETION_INDEX] = str(index)
        spec["hostname"] = f"{_meta(job).get('name', '')}-{index}"
        if has_backoff_limit_per_index(job):
            annotations.update(_index_failure_annotations(job, ctx.delayed_deletion_per_index.get(index)))
    meta: dict = {"generateName": generate_name, "namespace": _meta(job).get("namespace", "")}
    if labels:
        meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    meta["finalizers"] = list(template_meta.get("finalizers") or [])
    if TRACKING_FINALIZER not in meta["finalizers"]:
        meta["finalizers"].append(TRACKING_FINALIZER)
    meta["ownerReferences"] = [_owner_reference(job)]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def _create(ctx: SyncContext, count: int, index_list: list[int]) -> None:
    job = ctx.job
    template = values.clone(ctx.spec.get("template") or {})
    if is_indexed(job):
        _with_index_env(template)
    job_name = _meta(job).get("name", "")
    slots = index_list if index_list else [indexes.UNKNOWN] * count
    for index in slots:
        prefix = indexes.generate_name_with_index(job_name, index) if index != indexes.UNKNOWN else f"{job_name}-"
        ctx.actions.append(Create(_new_pod(ctx, template, prefix, index),
                                  event=event(job, "Normal", "SuccessfulCreate", "Created pod: {name}")))


def _index_creation(ctx: SyncContext, wanted: list[int]) -> tuple[list[int], float]:
    """getPodCreationInfoForIndependentIndexes: the indexes out of back-off, else the least wait."""
    now_ready, least = [], None
    for index in wanted:
        wait = backoff.remaining_for_index(ctx.delayed_deletion_per_index.get(index), ctx.now)
        if wait == 0:
            now_ready.append(index)
        elif least is None or wait < least:
            least = wait
    return (now_ready, 0.0) if now_ready else ([], least or 0.0)


def _non_pending(ctx: SyncContext) -> indexes.Intervals:
    active = sorted({indexes.completion_index(p) for p in ctx.active_pods} - {indexes.UNKNOWN})
    busy = indexes.with_indexes(ctx.succeeded_indexes, active)
    if only_replace_failed(ctx.job):
        terminating = sorted({indexes.completion_index(p) for p in ctx.pods
                              if _meta(p).get("deletionTimestamp")
                              and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")}
                             - {indexes.UNKNOWN})
        busy = indexes.with_indexes(busy, terminating)
    if ctx.failed_indexes is not None:
        busy = indexes.merge(busy, ctx.failed_indexes)
    return busy


def manage(ctx: SyncContext, record: backoff.Record) -> int:
    """manageJob: the number of active pods after this pass's deletes and creates."""
    spec = ctx.spec
    active = len(ctx.active_pods)
    parallelism = int(spec.get("parallelism") or 0)
    # 1. A suspended Job keeps no pods running.
    if spec.get("suspend"):
        removed = _delete_job_pods(ctx, _pods_for_removal(ctx, active))
        ctx.terminating += removed
        ctx.ready -= ctx.ready_pods(ctx.active_pods)
        return active - removed
    # 2. How many should run: parallelism, but no more than the completions still missing.
    if spec.get("completions") is None:
        want = active if ctx.succeeded > 0 else parallelism
    else:
        want = max(min(int(spec["completions"]) - ctx.succeeded, parallelism), 0)
    # 3. Too many (or, Indexed, duplicated indexes): delete, and create nothing this pass.
    to_delete = _pods_for_removal(ctx, max(active - want, 0))[:MAX_POD_CREATE_DELETE_PER_SYNC]
    if to_delete:
        removed = _delete_job_pods(ctx, to_delete)
        ctx.terminating += removed
        ctx.ready -= ctx.ready_pods(to_delete)
        return active - removed
    # 4. Too few: wait out the back-off, then create (terminating pods count when only failed ones are replaced).
    terminating = ctx.terminating if only_replace_failed(ctx.job) else 0
    diff = want - terminating - active
    if diff <= 0:
        return active
    wait = 0.0 if has_backoff_limit_per_index(ctx.job) else backoff.remaining(record, ctx.now)
    if wait > 0:
        ctx.requeue_after(max(wait, SYNC_BATCH_PERIOD))
        return 0  # upstream reports no active pods while it waits out the back-off
    diff = min(diff, MAX_POD_CREATE_DELETE_PER_SYNC)
    index_list: list[int] = []
    if is_indexed(ctx.job):
        index_list = indexes.first_pending(diff, int(spec.get("completions") or 0), _non_pending(ctx))
        if has_backoff_limit_per_index(ctx.job):
            index_list, wait = _index_creation(ctx, index_list)
            if wait > 0:
                ctx.requeue_after(max(wait, SYNC_BATCH_PERIOD))
                return 0
        diff = len(index_list)
    _create(ctx, diff, index_list)
    return active + diff


def failed_pod_counts(ctx: SyncContext, pods: list[dict]) -> int:
    """nonIgnoredFailedPodsCount: failed pods less those an Ignore rule of the pod failure policy matches."""
    policy = ctx.spec.get("podFailurePolicy")
    if policy is None:
        return len(pods)
    return sum(1 for p in pods if match_pod_failure_policy(policy, p)[1])

