"""Scaling ReplicaSets for a Deployment: rolling update, Recreate, proportional scaling, history cleanup.

No I/O happens here. `Pass` is one sync of one Deployment: it holds the
working copy of the Deployment and collects the actions in order, like the
client calls upstream makes (rolling.go, recreate.go, sync.go `scale`,
`scaleReplicaSet`, `cleanupDeployment`). Each function returns what upstream
returns; objects read from the view are copied before they change.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from litekube.model import selectors, values
from litekube.reconcile.base import (
    Delete,
    Key,
    RecordEvent,
    Update,
    UpdateStatus,
    View,
    key_of,
    ref_of,
)
from litekube.reconcile.deployment import util as du

__all__ = ["COMPONENT_NAME", "Pass", "scale_replica_set", "scale_and_record", "reconcile_new_replica_set", "reconcile_old_replica_sets",
           "cleanup_unhealthy_replicas", "scale_down_old_for_rolling_update", "scale_down_old_for_recreate",
           "old_pods_running", "scale", "cleanup_deployment"]

COMPONENT_NAME = "deployment-controller"


@dataclass
class Pass:
    """One sync of one Deployment: its working copy, the time, and the actions so far."""

    d: dict
    now: float
    actions: list = field(default_factory=list)
    written: set[Key] = field(default_factory=set)
    # The status to write at the end (None: leave it), and when to look again.
    status: dict | None = None
    requeue_after: float | None = None

    def _fresh(self, obj: dict) -> dict:
        # A second write of the same object builds on our first one: its
        # resourceVersion precondition would be stale.
        key = key_of(obj)
        if key in self.written:
            obj.get("metadata", {}).pop("resourceVersion", None)
        self.written.add(key)
        return obj

    def update(self, obj: dict, record_as: str | None = None) -> dict:
        """Queue an Update of `obj` (a copy the caller owns), recorded in managedFields as `record_as`'s."""
        self.actions.append(Update(self._fresh(obj), record_as=record_as))
        return obj

    def update_status(self, obj: dict) -> None:
        self.actions.append(UpdateStatus(self._fresh(obj)))

    def event(self, reason: str, message: str, type_: str = "Normal") -> None:
        self.actions.append(RecordEvent(ref_of(self.d), type_, reason, message, COMPONENT_NAME))


def _active(rss: list) -> list[dict]:
    return [rs for rs in rss if rs is not None and du.replicas(rs) > 0]


def scale_replica_set(p: Pass, rs: dict, new_scale: int) -> tuple[bool, dict]:
    """scaleReplicaSet: set the size and the replicas annotations; event only when the size moved."""
    d = p.d
    desired, max_replicas = du.replicas(d), du.replicas(d) + du.max_surge(d)
    old_scale = du.replicas(rs)
    size_changed = old_scale != new_scale
    if not size_changed and not du.replicas_annotations_need_update(rs, desired, max_replicas):
        return False, rs
    new = values.clone(rs)
    new.setdefault("spec", {})["replicas"] = new_scale
    du.set_replicas_annotations(new, desired, max_replicas)
    p.update(new)
    if size_changed:
        verb = "up" if old_scale < new_scale else "down"
        p.event("ScalingReplicaSet", f"Scaled {verb} replica set {rs['metadata']['name']} from {old_scale} to {new_scale}")
    return size_changed, new


def scale_and_record(p: Pass, rs: dict, new_scale: int) -> tuple[bool, dict]:
    """scaleReplicaSetAndRecordEvent: nothing when the size is already right."""
    if du.replicas(rs) == new_scale:
        return False, rs
    return scale_replica_set(p, rs, new_scale)


# -- RollingUpdate -----------------------------------------------------------------

def reconcile_new_replica_set(p: Pass, all_rss: list[dict | None], new_rs: dict) -> bool:
    """reconcileNewReplicaSet: grow the new RS as far as maxSurge allows (or shrink it to replicas)."""
    want = du.replicas(p.d)
    if du.replicas(new_rs) == want:
        return False
    if du.replicas(new_rs) > want:
        return scale_and_record(p, new_rs, want)[0]
    return scale_and_record(p, new_rs, du.new_rs_new_replicas(p.d, all_rss, new_rs))[0]


def reconcile_old_replica_sets(p: Pass, all_rss: list[dict | None], old_rss: list[dict], new_rs: dict) -> bool:
    """reconcileOldReplicaSets: shrink the (active) old RSs without going under minAvailable."""
    d = p.d
    if sum(du.replicas(rs) for rs in old_rss) == 0:
        return False
    all_pods = sum(du.replicas(rs) for rs in all_rss if rs is not None)
    min_available = du.replicas(d) - du.max_unavailable(d)
    new_unavailable = du.replicas(new_rs) - du.status_int(new_rs, "availableReplicas")
    max_scaled_down = all_pods - min_available - new_unavailable
    if max_scaled_down <= 0:
        return False
    # Unhealthy old replicas first: otherwise they block the rollout until it times out.
    old_rss, cleaned = cleanup_unhealthy_replicas(p, old_rss, max_scaled_down)
    scaled = scale_down_old_for_rolling_update(p, old_rss + [new_rs], old_rss)
    return cleaned + scaled > 0


def cleanup_unhealthy_replicas(p: Pass, old_rss: list[dict], max_cleanup: int) -> tuple[list[dict], int]:
    """cleanupUnhealthyReplicas: scale old RSs down by their unavailable pods, oldest first."""
    old_rss = sorted(old_rss, key=du.by_creation)
    total = 0
    for i, rs in enumerate(old_rss):
        if total >= max_cleanup:
            break
        size, available = du.replicas(rs), du.status_int(rs, "availableReplicas")
        if size == 0 or size == available:
            continue
        count = min(max_cleanup - total, size - available)
        _, old_rss[i] = scale_and_record(p, rs, size - count)
        total += count
    return old_rss, total


def scale_down_old_for_rolling_update(p: Pass, all_rss: list, old_rss: list[dict]) -> int:
    """scaleDownOldReplicaSetsForRollingUpdate: spend the available pods above minAvailable, oldest first."""
    d = p.d
    min_available = du.replicas(d) - du.max_unavailable(d)
    available = sum(du.status_int(rs, "availableReplicas") for rs in all_rss if rs is not None)
    if available <= min_available:
        return 0
    budget, total = available - min_available, 0
    for rs in sorted(old_rss, key=du.by_creation):
        if total >= budget:
            break
        if du.replicas(rs) == 0:
            continue
        count = min(du.replicas(rs), budget - total)
        scale_and_record(p, rs, du.replicas(rs) - count)
        total += count
    return total


# -- Recreate -----------------------------------------------------------------------

def scale_down_old_for_recreate(p: Pass, old_rss: list[dict]) -> bool:
    """scaleDownOldReplicaSetsForRecreate: every active old RS to 0."""
    scaled = False
    for rs in old_rss:
        if du.replicas(rs) == 0:
            continue
        if scale_and_record(p, rs, 0)[0]:
            scaled = True
    return scaled


def old_pods_running(view: View, d: dict, new_rs: dict | None, old_rss: list[dict]) -> bool:
    """oldPodsRunning: old RSs still report pods, or a non-terminal pod (terminating counts) is theirs."""
    if sum(du.status_int(rs, "replicas") for rs in old_rss) > 0:
        return True
    selector = selectors.from_label_selector((d.get("spec") or {}).get("selector"))
    new_uid = (new_rs or {}).get("metadata", {}).get("uid")
    for rs in old_rss:
        uid = rs["metadata"].get("uid", "")
        if not uid or uid == new_uid:
            continue
        for pod in view.owned_by(uid, "Pod"):
            meta = pod.get("metadata") or {}
            controller = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
            if controller is None or controller.get("uid") != uid or not selector.matches(meta.get("labels")):
                continue
            if (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                return True
    return False


# -- proportional scaling ---------------------------------------------------------------

def scale(p: Pass, new_rs: dict | None, old_rss: list[dict]) -> None:
    """sync.go `scale`: one active RS takes all; a saturated new RS empties the olds; else proportions."""
    d = p.d
    latest = du.find_active_or_latest(new_rs, old_rss)
    if latest is not None:
        if du.replicas(latest) != du.replicas(d):
            scale_and_record(p, latest, du.replicas(d))
        return
    if du.is_saturated(d, new_rs):
        for rs in _active(list(old_rss)):
            scale_and_record(p, rs, 0)
        return
    if not du.is_rolling_update(d):
        return
    all_rss = _active(list(old_rss) + [new_rs])
    allowed = du.replicas(d) + du.max_surge(d) if du.replicas(d) > 0 else 0
    to_add = allowed - sum(du.replicas(rs) for rs in all_rss)
    if to_add > 0:
        # ReplicaSetsBySizeNewer: largest first, ties newer first.
        all_rss.sort(key=du.by_creation, reverse=True)
        all_rss.sort(key=du.replicas, reverse=True)
    elif to_add < 0:
        # ReplicaSetsBySizeOlder: largest first, ties older first.
        all_rss.sort(key=du.by_creation)
        all_rss.sort(key=du.replicas, reverse=True)
    added, sizes = 0, []
    for rs in all_rss:
        share = du.replica_set_proportion(rs, d, to_add, added) if to_add else 0
        sizes.append(du.replicas(rs) + share)
        added += share
    for i, rs in enumerate(all_rss):
        if i == 0 and to_add != 0:
            # Leftovers go to the largest RS.
            sizes[0] = max(0, sizes[0] + to_add - added)
        scale_replica_set(p, rs, sizes[i])


# -- revision history -----------------------------------------------------------------

def cleanup_deployment(p: Pass, old_rss: list[dict]) -> None:
    """cleanupDeployment: delete the oldest empty old RSs beyond revisionHistoryLimit."""
    limit = (p.d.get("spec") or {}).get("revisionHistoryLimit")
    if limit is None or limit == du.MAX_INT32:
        return
    alive = [rs for rs in old_rss if rs is not None and not rs["metadata"].get("deletionTimestamp")]
    diff = len(alive) - int(limit)
    if diff <= 0:
        return
    for rs in sorted(alive, key=du.by_revision)[:diff]:
        meta = rs["metadata"]
        if (du.status_int(rs, "replicas") != 0 or du.replicas(rs) != 0
                or int(meta.get("generation") or 0) > du.status_int(rs, "observedGeneration")):
            continue
        p.actions.append(Delete("ReplicaSet", meta.get("namespace", ""), meta["name"], uid=meta.get("uid", "")))
