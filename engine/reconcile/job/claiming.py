"""Claiming a Job's pods: the ControllerRefManager with the tracking finalizer.

No I/O happens here. A Job's pods are those it controls (any phase) that
its selector still selects, plus the orphans of its namespace that it
selects and that are not being deleted: those are adopted, and get the
`batch.kubernetes.io/job-tracking` finalizer. A controlled pod the selector
no longer selects is released, and loses the finalizer. A Job being deleted
adopts and releases nothing.
"""
from __future__ import annotations

from litekube.model import selectors, values
from litekube.reconcile.base import Update, View
from litekube.reconcile.job.common import TRACKING_FINALIZER
from litekube.reconcile.job.managing import without_finalizer

__all__ = ["MANAGED_BY", "claim", "controller_ref"]

MANAGED_BY = "kubernetes.io/job-controller"


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def controller_ref(obj: dict) -> dict | None:
    return next((r for r in _meta(obj).get("ownerReferences") or [] if r.get("controller")), None)


def _adopted(pod: dict, job: dict) -> dict:
    result = values.clone(pod)
    meta = _meta(job)
    ref = {"apiVersion": "batch/v1", "kind": "Job", "name": meta.get("name", ""), "uid": meta.get("uid", ""),
           "controller": True, "blockOwnerDeletion": True}
    result["metadata"]["ownerReferences"] = [r for r in _meta(result).get("ownerReferences") or []
                                             if r.get("uid") != ref["uid"]] + [ref]
    finalizers = list(_meta(result).get("finalizers") or [])
    if TRACKING_FINALIZER not in finalizers:
        result["metadata"]["finalizers"] = finalizers + [TRACKING_FINALIZER]
    return result


def _released(pod: dict, uid: str) -> dict:
    result = without_finalizer(pod)
    refs = [r for r in _meta(result).get("ownerReferences") or [] if r.get("uid") != uid]
    if refs:
        result["metadata"]["ownerReferences"] = refs
    else:
        result["metadata"].pop("ownerReferences", None)
    return result


def claim(view: View, job: dict, selector: selectors.Selector) -> tuple[list[dict], list]:
    """getPodsForJob: the Job's pods (any phase) after adopting matching orphans and releasing strays."""
    meta = _meta(job)
    uid, deleting = meta.get("uid", ""), bool(meta.get("deletionTimestamp"))
    claimed: list[dict] = []
    actions: list = []
    for pod in view.owned_by(uid, "Pod"):
        ref = controller_ref(pod)
        if ref is None or ref.get("uid") != uid:
            continue
        if selector.matches(_meta(pod).get("labels")):
            claimed.append(pod)
        elif not deleting:
            actions.append(Update(_released(pod, uid)))
    if not deleting:
        for pod in view.orphans("Pod", meta.get("namespace", "")):
            if not _meta(pod).get("deletionTimestamp") and selector.matches(_meta(pod).get("labels")):
                adopted = _adopted(pod, job)
                actions.append(Update(adopted))
                claimed.append(adopted)
    return claimed, actions
