"""The StatefulSet controller: ordered pods with stable names and claims, as kube-controller-manager v1.32 runs it.

No I/O happens here. `reconcile` is pkg/controller/statefulset's sync for one
StatefulSet key (stateful_set.go, stateful_set_control.go, stateful_pod_control.go):

- claim pods: the set's own and matching orphans whose name says they are its
  (`<set>-<ordinal>`); ours that stopped matching are released; orphan
  ControllerRevisions the selector matches are adopted;
- revisions (`common.history`): the update revision is the newest revision if
  it holds the template, an older equal one renumbered (a rollback), or a new
  one; the current revision is status.currentRevision's (the update revision
  at first);
- replicas `start..start+replicas-1` (`.spec.ordinals.start`): a missing one
  is made at the current revision below the partition and at the update
  revision above, its claims created first; failed and succeeded pods are
  deleted (and made again on the next pass); with OrderedReady (monotonic)
  the pass stops at the first pod created, terminating, not Running and
  Ready, or not yet available (minReadySeconds); Parallel goes on;
- condemned pods (ordinals outside the range) get their claims' ownerReferences
  fixed for the retention policy, then are deleted highest ordinal first (one
  a pass, and only once every replica is healthy, with OrderedReady);
- RollingUpdate deletes the highest-ordinal pod at or above the partition
  not at the update revision, one at a time, waiting for unhealthy pods;
  OnDelete never deletes for an update (MaxUnavailableStatefulSet is alpha,
  off, in 1.32: one at a time);
- status (replicas, ready, available, current, updated, revisions,
  collisionCount, observedGeneration), a rolling update completed once every
  pod is updated and ready; written only when it changed; revisions beyond
  revisionHistoryLimit truncated, never one a pod still runs.

Differences from upstream, on purpose: no expectations and no slow-start
batches (the runtime writes a pass's actions in order and stops at the first
failure, then requeues); the pod update for identity, storage or claim
retention is made only when identity or storage changed (a claim-only fix
updates the claims and records the same `update Pod` event); volumes follow
the claim templates' order (upstream ranges over a map); while a Ready pod
waits out minReadySeconds the pass is requeued just after it becomes available
(upstream requeues after minReadySeconds).
"""
from __future__ import annotations

from typing import Iterable

from litekube import errors
from litekube.model import selectors, values
from litekube.reconcile.base import (
    Component,
    Create,
    Delete,
    Key,
    RecordEvent,
    Result,
    Update,
    UpdateStatus,
    View,
    ref_of,
    self_key,
)
from litekube.reconcile.common import history
from litekube.reconcile.statefulset import utils as u

__all__ = ["COMPONENT", "EVENT_SOURCE", "reconcile", "statefulsets_for_pod", "statefulsets_for_claim"]

EVENT_SOURCE = "statefulset-controller"
_COUNTS = ("replicas", "readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas")
# Go's omitempty: these stay in the status object at zero
_KEPT_AT_ZERO = ("replicas", "availableReplicas", "collisionCount")


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _controller_ref(obj: dict) -> dict | None:
    return next((r for r in _meta(obj).get("ownerReferences") or [] if r.get("controller")), None)


class _Pass:
    """One sync's actions, and the helpers that append them with their events."""

    def __init__(self, sts: dict, view: View) -> None:
        self.sts, self.view = sts, view
        self.actions: list = []
        self.involved = ref_of(sts)
        self.namespace = _meta(sts).get("namespace", "")

    def event(self, reason: str, message: str, type_: str = "Normal") -> RecordEvent:
        return RecordEvent(self.involved, type_, reason, message, EVENT_SOURCE)

    def claim(self, name: str) -> dict | None:
        return self.view.get("PersistentVolumeClaim", self.namespace, name)

    def create_claims(self, pod: dict, update_set: dict) -> bool:
        """createPersistentVolumeClaims: the pod's missing claims; False when one is being deleted."""
        ok = True
        n = u.ordinal(pod)
        pod_name = _meta(pod).get("name", "")
        for _, claim in u.claims_for(update_set, n):
            name = claim["metadata"]["name"]
            found = self.claim(name)
            if found is None:
                if u.retention_policy(update_set) != ("Retain", "Retain"):
                    claim = u.claim_with_owner_refs(claim, update_set, pod)
                self.actions.append(Create(claim, event=self.event(
                    "SuccessfulCreate", f"create Claim {name} Pod {pod_name} in StatefulSet "
                                        f"{_meta(self.sts)['name']} success")))
            elif _meta(found).get("deletionTimestamp"):
                ok = False
        return ok

    def claim_is_stale(self, sts: dict, pod: dict) -> bool:
        """PodClaimIsStale: a claim of the (uncreated) pod is being deleted."""
        return any(_meta(found).get("deletionTimestamp")
                   for _, claim in u.claims_for(sts, u.ordinal(pod))
                   if (found := self.claim(claim["metadata"]["name"])) is not None)

    def claims_match_policy(self, sts: dict, pod: dict) -> bool:
        """ClaimsMatchRetentionPolicy: missing claims are picked up on a later pass."""
        for _, claim in u.claims_for(sts, u.ordinal(pod)):
            found = self.claim(claim["metadata"]["name"])
            if found is not None and not u.claim_owner_up_to_date(found, sts, pod):
                return False
        return True

    def fix_claims(self, sts: dict, pod: dict) -> None:
        """UpdatePodClaimForRetentionPolicy."""
        for _, claim in u.claims_for(sts, u.ordinal(pod)):
            found = self.claim(claim["metadata"]["name"])
            if found is not None and not u.claim_owner_up_to_date(found, sts, pod):
                self.actions.append(Update(u.claim_with_owner_refs(found, sts, pod)))

    def create_pod(self, pod: dict, update_set: dict) -> None:
        """CreateStatefulPod: claims first, then the pod."""
        if not self.create_claims(pod, update_set):
            return
        self.actions.append(Create(pod, event=self.event(
            "SuccessfulCreate", f"create Pod {_meta(pod)['name']} in StatefulSet {_meta(self.sts)['name']} successful")))

    def delete_pod(self, pod: dict) -> None:
        """DeleteStatefulPod."""
        meta = _meta(pod)
        self.actions.append(Delete("Pod", meta.get("namespace", ""), meta.get("name", ""), meta.get("uid", "")))
        self.actions.append(self.event(
            "SuccessfulDelete", f"delete Pod {meta.get('name', '')} in StatefulSet {_meta(self.sts)['name']} successful"))

    def update_pod(self, update_set: dict, pod: dict) -> None:
        """UpdateStatefulPod: identity, storage (and its claims), and claim retention."""
        new = values.clone(pod)
        changed = False
        if not u.identity_matches(update_set, new):
            u.update_identity(update_set, new)
            changed = True
        if not u.storage_matches(update_set, new):
            u.update_storage(update_set, new)
            self.create_claims(new, update_set)
            changed = True
        retention = not self.claims_match_policy(update_set, new)
        if retention:
            self.fix_claims(update_set, new)
        if changed:
            self.actions.append(Update(new))
        if changed or retention:
            self.actions.append(self.event(
                "SuccessfulUpdate", f"update Pod {_meta(pod)['name']} in StatefulSet {_meta(self.sts)['name']} "
                                    f"successful"))


# -- claiming ------------------------------------------------------------------------------------

def _claim_pods(view: View, sts: dict, selector: selectors.Selector) -> tuple[list[dict], list]:
    """ClaimPods with isMemberOf as the filter: (the set's pods, adopt and release updates)."""
    meta = _meta(sts)
    uid, deleting = meta.get("uid", ""), bool(meta.get("deletionTimestamp"))
    pods: list[dict] = []
    updates: list = []
    for pod in view.owned_by(uid, "Pod"):
        ref = _controller_ref(pod)
        if ref is None or ref.get("uid") != uid:
            continue
        if selector.matches(_meta(pod).get("labels")) and u.is_member(sts, pod):
            pods.append(pod)
        elif not deleting:
            released = values.clone(pod)
            refs = [r for r in _meta(pod).get("ownerReferences") or [] if r.get("uid") != uid]
            if refs:
                released["metadata"]["ownerReferences"] = refs
            else:
                released["metadata"].pop("ownerReferences", None)
            updates.append(Update(released))
    if deleting:
        return pods, updates
    for pod in view.orphans("Pod", meta.get("namespace", "")):
        if (not _meta(pod).get("deletionTimestamp") and selector.matches(_meta(pod).get("labels"))
                and u.is_member(sts, pod)):
            adopted = values.clone(pod)
            adopted["metadata"]["ownerReferences"] = list(_meta(pod).get("ownerReferences") or []) + [
                u.owner_reference(sts)]
            updates.append(Update(adopted))
            pods.append(adopted)
    return pods, updates


def _revisions(view: View, sts: dict) -> tuple[list[dict], list]:
    """ListRevisions and AdoptOrphanRevisions: the set's revisions (sorted) and the adoptions."""
    try:
        owned = history.owned_revisions(view, sts, (sts.get("spec") or {}).get("selector"))
    except errors.BadRequest:
        return [], []
    adopt = []
    revisions = []
    for cr in owned:
        if _controller_ref(cr) is None:
            cr = values.clone(cr)
            cr["metadata"]["ownerReferences"] = list(_meta(cr).get("ownerReferences") or []) + [
                u.owner_reference(sts)]
            adopt.append(Update(cr))
        revisions.append(cr)
    return history.sort_revisions(revisions), adopt


# -- status ------------------------------------------------------------------------------------------

def _count(status: dict, pods: Iterable[dict], min_ready: int, current: str, update: str, now: float) -> float | None:
    """computeReplicaStatus over `pods`, added to `status`; when the next Ready pod becomes available."""
    wait: float | None = None
    for pod in pods:
        if u.is_created(pod):
            status["replicas"] += 1
        if u.is_running_and_ready(pod):
            status["readyReplicas"] += 1
            left = u.available_after(pod, min_ready, now)
            if left == 0.0:
                status["availableReplicas"] += 1
            elif left is not None:
                wait = left if wait is None else min(wait, left)
        if u.is_created(pod) and not u.is_terminating(pod):
            revision = u.pod_revision(pod)
            if revision == current:
                status["currentReplicas"] += 1
            if revision == update:
                status["updatedReplicas"] += 1
    return wait


def _status_object(sts: dict, counts: dict) -> dict:
    status = {k: v for k, v in counts.items() if v or k in _KEPT_AT_ZERO}
    if not status.get("observedGeneration"):
        status.pop("observedGeneration", None)
    for field in ("currentRevision", "updateRevision"):
        if not status.get(field):
            status.pop(field, None)
    conditions = (sts.get("status") or {}).get("conditions")
    if conditions:
        status["conditions"] = conditions
    return status


def _inconsistent(sts: dict, status: dict) -> bool:
    old = sts.get("status") or {}
    return (int(status.get("observedGeneration") or 0) > int(old.get("observedGeneration") or 0)
            or any(int(status.get(f) or 0) != int(old.get(f) or 0) for f in _COUNTS)
            or status.get("currentRevision", "") != old.get("currentRevision", "")
            or status.get("updateRevision", "") != old.get("updateRevision", "")
            or old.get("collisionCount") is None)


# -- the sync ---------------------------------------------------------------------------------------------

def _update_set(p: _Pass, sts: dict, current_rev: dict, update_rev: dict, collision_count: int,
                pods: list[dict], now: float) -> tuple[dict, float | None]:
    """updateStatefulSet: create, delete and update pods; the status counts and the availability wait."""
    current_set = u.apply_revision(sts, current_rev)
    update_set = u.apply_revision(sts, update_rev)
    spec = sts.get("spec") or {}
    min_ready = int(spec.get("minReadySeconds") or 0)
    current_name, update_name = _meta(current_rev)["name"], _meta(update_rev)["name"]
    status: dict = {"observedGeneration": int(_meta(sts).get("generation") or 0),
                    "currentRevision": current_name, "updateRevision": update_name,
                    "collisionCount": collision_count, **dict.fromkeys(_COUNTS, 0)}
    start, count = u.start_ordinal(sts), u.replicas(sts)
    replicas: list[dict | None] = [None] * max(count, 0)
    condemned: list[dict] = []
    for pod in pods:
        n = u.ordinal(pod)
        if u.in_range(pod, sts):
            replicas[n - start] = pod
        elif n >= 0:
            condemned.append(pod)
    for i in range(len(replicas)):
        if replicas[i] is None:
            replicas[i] = u.new_versioned_pod(current_set, update_set, current_name, update_name, start + i)
    slots: list[dict] = [r for r in replicas if r is not None]
    condemned.sort(key=u.ordinal, reverse=True)

    def finish() -> tuple[dict, float | None]:
        counts = dict.fromkeys(_COUNTS, 0)
        wait = _count(counts, slots + condemned, min_ready, current_name, update_name, now)
        status.update(counts)
        return status, wait

    first_unhealthy = next((r for r in slots if not u.is_healthy(r)), None)
    if first_unhealthy is None:
        first_unhealthy = next((c for c in reversed(condemned) if not u.is_healthy(c)), None)
    if _meta(sts).get("deletionTimestamp"):
        return finish()
    monotonic = not u.allows_burst(sts)

    # replicas: each in ordinal order; with OrderedReady the first blocking one ends the pass
    for pod in slots:
        if u.is_failed(pod) or u.is_succeeded(pod):
            if not u.is_terminating(pod):
                p.delete_pod(pod)
            if monotonic:
                return finish()
            continue
        if not u.is_created(pod):
            if p.claim_is_stale(update_set, pod):
                if monotonic:
                    return finish()
                continue
            p.create_pod(pod, update_set)
            if monotonic:
                return finish()
            continue
        if u.is_pending(pod):
            p.create_claims(pod, update_set)
        if monotonic and (u.is_terminating(pod) or not u.is_running_and_ready(pod)
                          or u.available_after(pod, min_ready, now) != 0.0):
            return finish()
        if not (u.identity_matches(sts, pod) and u.storage_matches(sts, pod)
                and p.claims_match_policy(update_set, pod)):
            p.update_pod(update_set, pod)

    # condemned: claims fixed for the retention policy, then deleted from the highest ordinal down
    for pod in condemned:
        if not p.claims_match_policy(update_set, pod):
            p.fix_claims(update_set, pod)
    for pod in condemned:
        if u.is_terminating(pod):
            if monotonic:
                return finish()
            continue
        if monotonic and pod is not first_unhealthy and (
                not u.is_running_and_ready(pod) or u.available_after(pod, min_ready, now) != 0.0):
            return finish()
        p.delete_pod(pod)
        if monotonic:
            return finish()

    result = finish()
    strategy = spec.get("updateStrategy") or {}
    if strategy.get("type") == "OnDelete":
        return result
    rolling = strategy.get("rollingUpdate")
    update_min = int(rolling.get("partition") or 0) if rolling is not None else 0
    for target in range(len(slots) - 1, update_min - 1, -1):
        pod = slots[target]
        if u.pod_revision(pod) != update_name and not u.is_terminating(pod):
            if not u.is_created(pod):  # not made yet: upstream's delete is a NotFound, ignored
                return result
            p.delete_pod(pod)
            status["currentReplicas"] -= 1
            return result
        if not u.is_healthy(pod):
            return result
    return result


def reconcile(key: Key, view: View, now: float) -> Result:
    """Sync the StatefulSet `key`."""
    sts = view.get("StatefulSet", key.namespace, key.name)
    if sts is None:
        return Result()
    try:
        selector = selectors.from_label_selector((sts.get("spec") or {}).get("selector"))
    except errors.BadRequest:
        return Result()
    if selector.matches_nothing:
        return Result()  # no selector: validation refuses one, and it would select nothing
    p = _Pass(sts, view)
    pods, claim_updates = _claim_pods(view, sts, selector)
    p.actions += claim_updates
    revisions, adoptions = _revisions(view, sts)
    p.actions += adoptions

    collision_count = int((sts.get("status") or {}).get("collisionCount") or 0)
    update_rev, what, collision_count = history.resolve_update_revision(
        view, sts, revisions, lambda number, probe: u.new_revision(sts, number, probe), collision_count)
    if what == "create":
        p.actions.append(Create(update_rev))
    elif what == "update":
        p.actions.append(Update(update_rev))
    current_name = (sts.get("status") or {}).get("currentRevision")
    current_rev = next((cr for cr in revisions if _meta(cr).get("name") == current_name), None) or update_rev

    status, wait = _update_set(p, sts, current_rev, update_rev, collision_count, pods, now)
    # completeRollingUpdate
    strategy = (sts.get("spec") or {}).get("updateStrategy") or {}
    if (strategy.get("type") == "RollingUpdate" and status["updatedReplicas"] == status["replicas"]
            and status["readyReplicas"] == status["replicas"]):
        status["currentReplicas"] = status["updatedReplicas"]
        status["currentRevision"] = status["updateRevision"]
    status = _status_object(sts, status)
    if _inconsistent(sts, status):
        p.actions.append(UpdateStatus({**values.clone(sts), "status": status}))

    # truncateHistory: the current and update revisions and those pods still run are live
    live = {_meta(current_rev)["name"], _meta(update_rev)["name"]} | {u.pod_revision(pod) for pod in pods}
    limit = (sts.get("spec") or {}).get("revisionHistoryLimit")
    for cr in history.revisions_to_truncate(revisions, live, limit):
        meta = _meta(cr)
        p.actions.append(Delete("ControllerRevision", meta.get("namespace", ""), meta["name"], meta.get("uid", "")))
    return Result(actions=p.actions, requeue_after=wait)


# -- watches ----------------------------------------------------------------------------------------------

def statefulsets_for_pod(pod: dict, view: View) -> Iterable[Key]:
    """A pod's controlling StatefulSet; for an orphan, every set that selects it and whose name it carries."""
    namespace = _meta(pod).get("namespace", "")
    owner = _controller_ref(pod)
    if owner is not None:
        return (Key("StatefulSet", namespace, owner.get("name", "")),) if owner.get("kind") == "StatefulSet" else ()
    parent, _ = u.parent_and_ordinal(pod)
    sts = view.get("StatefulSet", namespace, parent) if parent else None
    if sts is None:
        return ()
    try:
        if selectors.from_label_selector((sts.get("spec") or {}).get("selector")).matches(_meta(pod).get("labels")):
            return (Key("StatefulSet", namespace, parent),)
    except errors.BadRequest:
        pass
    return ()


def statefulsets_for_revision(cr: dict, view: View) -> Iterable[Key]:
    owner = _controller_ref(cr)
    if owner is not None and owner.get("kind") == "StatefulSet":
        return (Key("StatefulSet", _meta(cr).get("namespace", ""), owner.get("name", "")),)
    return ()


def statefulsets_for_claim(claim: dict, view: View) -> Iterable[Key]:
    """The sets whose claim templates name this claim (`<template>-<set>-<ordinal>`): a claim that goes
    away unblocks a pod waiting for it, one that changes may need its ownerReferences fixed."""
    namespace, name = _meta(claim).get("namespace", ""), _meta(claim).get("name", "")
    keys = []
    for sts in view.list("StatefulSet", namespace):
        set_name = _meta(sts).get("name", "")
        for template in (sts.get("spec") or {}).get("volumeClaimTemplates") or []:
            prefix = f"{_meta(template).get('name', '')}-{set_name}-"
            if name.startswith(prefix) and name[len(prefix):].isdigit():
                keys.append(Key("StatefulSet", namespace, set_name))
                break
    return keys


COMPONENT = Component(name="statefulset", reconcile=reconcile, primary="StatefulSet",
                      watches={"StatefulSet": self_key, "Pod": statefulsets_for_pod,
                               "ControllerRevision": statefulsets_for_revision,
                               "PersistentVolumeClaim": statefulsets_for_claim})
