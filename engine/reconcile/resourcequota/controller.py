"""The resourcequota controller: a quota's status.hard mirrors spec.hard, status.used sums its namespace.

No I/O happens here. As resource_quota_controller.go (syncResourceQuota):
`hard` is copied from the spec and `used` recalculated for every hard
resource from the objects of the namespace the quota's evaluators count
(pkg/quota/v1/evaluator/core via litekube.model.quota), written only when
it changed. Upstream resyncs every 5 minutes and replenishes on deletes;
here any change of a counted object in the namespace triggers the
recalculation (level-based), and a pod past its deletion grace period is
looked at again when it stops counting.
"""
from __future__ import annotations

from collections.abc import Iterable

from litekube.model import durations, kinds, quota, values
from litekube.reconcile.base import Component, Key, Result, UpdateStatus, View, key_of

__all__ = ["COMPONENT", "reconcile"]


def _deletion_end(obj: dict) -> float | None:
    """QuotaV1Pod's cut-off: deletionTimestamp plus the grace period once more, as upstream adds it."""
    meta = obj.get("metadata") or {}
    if not meta.get("deletionTimestamp"):
        return None
    return durations.parse_time(meta["deletionTimestamp"]).timestamp() + float(
        meta.get("deletionGracePeriodSeconds") or 0)


def reconcile(key: Key, view: View, now: float) -> Result:
    item = view.get("ResourceQuota", key.namespace, key.name)
    # 1. A deleted quota has no status to keep.
    if item is None:
        return Result()
    hard = dict((item.get("spec") or {}).get("hard") or {})
    # 2. Sum what the namespace's counted objects use.
    candidates: list[tuple[dict, float | None]] = []
    for kind in sorted(quota.quota_kinds(hard)):
        for obj in view.list(kind, key.namespace):
            candidates.append((obj, _deletion_end(obj)))
    used = quota.namespace_usage(item, candidates, now)
    # 3. A pod still terminating stops counting at its cut-off: look again then.
    pending = [end for _, end in candidates if end is not None and end >= now]
    requeue = min(pending) - now + 1 if pending else None
    status = {"hard": hard, "used": used}
    if (item.get("status") or {}) == status:
        return Result(requeue_after=requeue)
    updated = values.clone(item)
    updated["status"] = status
    return Result([UpdateStatus(updated)], requeue_after=requeue)


def _quotas_of_namespace(obj: dict, view: View) -> Iterable[Key]:
    """A counted object changed: every quota of its namespace that counts its kind."""
    meta = obj.get("metadata") or {}
    namespace = meta.get("namespace")
    if not namespace:
        return ()
    keys = []
    for item in view.list("ResourceQuota", namespace):
        if obj.get("kind") in quota.quota_kinds((item.get("spec") or {}).get("hard") or {}):
            keys.append(key_of(item))
    return keys


_WATCHED = tuple(k.kind for k in kinds.KINDS if k.namespaced and k.kind not in ("Event", "ResourceQuota", "Lease"))

COMPONENT = Component(
    name="resourcequota", reconcile=reconcile, primary="ResourceQuota",
    watches={"ResourceQuota": lambda obj, view: (key_of(obj),), **{k: _quotas_of_namespace for k in _WATCHED}})
