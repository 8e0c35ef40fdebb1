"""The Job controller's orphan-pod queue (syncOrphanPod): release pods no unfinished Job counts.

No I/O happens here. A pod holding the `batch.kubernetes.io/job-tracking`
finalizer whose controller is gone, is not a batch/v1 Job's, or is a
finished Job, loses the finalizer, so that it can be deleted (a pod of
another controller, or of a Job another controller manages, is left alone).
A deleted or finished Job's pods are looked at again (cleanupPodFinalizers).
"""
from __future__ import annotations

from typing import Iterable

from litekube.reconcile.base import Component, Key, Result, Update, View
from litekube.reconcile.job.claiming import MANAGED_BY, controller_ref
from litekube.reconcile.job.common import has_finalizer, is_finished
from litekube.reconcile.job.managing import without_finalizer

__all__ = ["ORPHANS", "reconcile_orphan"]


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def reconcile_orphan(key: Key, view: View, now: float) -> Result:
    """Remove the tracking finalizer of a pod no unfinished batch/v1 Job controls."""
    pod = view.get("Pod", key.namespace, key.name)
    if pod is None or not has_finalizer(pod):
        return Result()
    ref = controller_ref(pod)
    if ref is not None:
        if ref.get("kind") != "Job" or ref.get("apiVersion") != "batch/v1":
            return Result()  # another controller's pod: its finalizer is not ours to remove
        job = view.get("Job", key.namespace, ref.get("name", ""))
        if job is not None and _meta(job).get("uid") != ref.get("uid"):
            job = None
        if job is not None:
            managed_by = (job.get("spec") or {}).get("managedBy")
            if managed_by is not None and managed_by != MANAGED_BY:
                return Result()
            if not is_finished(job):
                return Result()  # the Job's own sync counts it
    return Result([Update(without_finalizer(pod))])


def _orphan_candidate(pod: dict, view: View) -> Iterable[Key]:
    """A pod holding the tracking finalizer whose Job may no longer count it."""
    if not has_finalizer(pod):
        return ()
    ref = controller_ref(pod)
    if ref is not None and ref.get("kind") == "Job":
        job = view.get("Job", _meta(pod).get("namespace", ""), ref.get("name", ""))
        if job is not None and _meta(job).get("uid") == ref.get("uid") and not is_finished(job):
            return ()
    return (Key("Pod", _meta(pod).get("namespace", ""), _meta(pod).get("name", "")),)


def _pods_of_gone_job(job: dict, view: View) -> Iterable[Key]:
    """cleanupPodFinalizers: a deleted or finished Job's pods that still hold the finalizer."""
    meta = _meta(job)
    current = view.get("Job", meta.get("namespace", ""), meta.get("name", ""))
    if current is not None and _meta(current).get("uid") == meta.get("uid") and not is_finished(current):
        return ()
    return [Key("Pod", meta.get("namespace", ""), _meta(p).get("name", ""))
            for p in view.owned_by(meta.get("uid", ""), "Pod")
            if has_finalizer(p)]


ORPHANS = Component(name="job-orphan-pods", reconcile=reconcile_orphan,
                    watches={"Pod": _orphan_candidate, "Job": _pods_of_gone_job}, primary="Pod")
