"""The ReplicaSet controller: keep spec.replicas pods, adopt and release them, report status.

No I/O happens here. `reconcile` is pkg/controller/replicaset's
`syncReplicaSet` for one ReplicaSet:

- the pods considered are those it controls plus the orphans of its
  namespace (upstream's pod index by controller uid and its orphan key),
  never every pod; only active pods are claimed: matching orphans are
  adopted, controlled pods that stopped matching are released (neither
  while the ReplicaSet is being deleted);
- `manageReplicas` creates or deletes the difference, at most
  `BURST_REPLICAS` per pass, deleting in `pod_ranking` order;
- `calculateStatus` is written with UpdateStatus only when it changed.

Differences from upstream, on purpose:
- No expectations: the runtime writes a reconcile's actions and puts the
  results in its cache before the key is reconciled again, so the next
  pass already sees the pods this one created or deleted.
- No slow-start batches: the runtime executes actions in order and stops
  at the first failure (then requeues the key), which is what slow start
  buys: a failing create is not repeated 500 times.
- Pods are created with metadata.generateName, as upstream; the API server
  picks the 5 characters from the write's revision, so names are
  deterministic and never come back in a cluster's life. The
  SuccessfulCreate event rides on the Create action and is recorded with the
  name the server gave.
- ReplicaFailure is never set (a failed action is the runtime's to retry);
  a stale one is removed, as upstream does after a successful pass.
- Related pods for the colocation rank are the pods controlled by the
  ReplicaSets that share this one's controller and match their selectors
  (upstream lists the namespace by selector; the orphans among them are
  left out here). A ReplicaSet without a controller has none, as upstream.
- While a Ready pod waits out minReadySeconds, the pass asks to be
  requeued just after the earliest such pod becomes available (upstream
  requeues after minReadySeconds once all pods are Ready).
- Counted, not walked (`_counted`): when the view groups a ReplicaSet's
  pods by what the sync reads of them (MemoryView.pod_groups), a pass
  that deletes no pod and has no minReadySeconds counts the groups
  instead of reading every pod (its pods are read only to release them).
  The outcome is the walk's, action for action; the other passes walk.

The ReplicationController controller is this same sync with another
`Flavor` (its kind, its map selector, its event source), as upstream's
pkg/controller/replication wraps the ReplicaSet controller.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Callable, Iterable

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
from litekube.reconcile.common import pod_ranking

__all__ = ["COMPONENT", "EVENT_SOURCE", "BURST_REPLICAS", "Reason", "reconcile",
           "replicasets_for_pod", "available_after", "Flavor", "REPLICA_SET", "sync", "owners_for_pod", "VISITS"]

EVENT_SOURCE = "replicaset-controller"  # the event source upstream
BURST_REPLICAS = 500
# Available means Ready for strictly more than minReadySeconds: requeue just after.
_PAST_MIN_READY = 0.001
_STATUS_COUNTS = ("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas")
# What the syncs read (for tests that count work, not time): pods walked (controlled, siblings' and
# orphans), pod groups counted instead (`_counted`).
VISITS = {"pods": 0, "groups": 0}


class Reason(StrEnum):
    """Event reasons of the replicaset controller (controller_utils.go)."""

    SUCCESSFUL_CREATE = "SuccessfulCreate"
    SUCCESSFUL_DELETE = "SuccessfulDelete"


# -- small helpers ------------------------------------------------------------------

def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _controller_ref(obj: dict) -> dict | None:
    return next((r for r in _meta(obj).get("ownerReferences") or [] if r.get("controller")), None)


def _label_selector(rs: dict) -> selectors.Selector:
    """A ReplicaSet's selector; raises BadRequest for one that does not parse."""
    return selectors.from_label_selector((rs.get("spec") or {}).get("selector"))


@dataclass(frozen=True)
class Flavor:
    """What tells the ReplicaSet and ReplicationController controllers apart."""

    kind: str
    event_source: str
    selector: Callable[[dict], selectors.Selector]


REPLICA_SET = Flavor("ReplicaSet", EVENT_SOURCE, _label_selector)


def _replicas(rs: dict) -> int:
    value = (rs.get("spec") or {}).get("replicas")
    return 1 if value is None else int(value)


def _owner_reference(rs: dict) -> dict:
    """metav1.NewControllerRef for a ReplicaSet (or ReplicationController: the object's own apiVersion and kind)."""
    meta = _meta(rs)
    return {"apiVersion": rs.get("apiVersion") or "apps/v1", "kind": rs.get("kind") or "ReplicaSet",
            "name": meta.get("name", ""), "uid": meta.get("uid", ""),
            "controller": True, "blockOwnerDeletion": True}


def _pod_facts(pod: dict) -> tuple[tuple, bool, bool, dict | None]:
    """What a sync reads of each of its pods: (the uids its controller ownerReferences name,
    IsPodActive, IsPodReady, its labels)."""
    meta = pod.get("metadata") or {}
    refs = meta.get("ownerReferences") or ()
    return tuple(r.get("uid") for r in refs if r.get("controller")), pod_ranking.is_active(pod), \
        pod_ranking.is_ready(pod), meta.get("labels")


def _facts_of(view: View) -> Callable[[dict], tuple[tuple, bool, bool, dict | None]]:
    """`_pod_facts`, remembered per pod by a view that can (MemoryView.memo): a ReplicaSet of
    thousands of pods is synced on every change of one of them, and its other pods are the same."""
    memo = getattr(view, "memo", None)
    return _pod_facts if memo is None else memo(_pod_facts)


def _selectors(view: View, parse: Callable[[dict], selectors.Selector]) -> Callable[[dict], selectors.Selector]:
    """`parse` (a ReplicaSet's selector, raising BadRequest), remembered per object by a view that can
    (MemoryView.memo; a Selector is immutable): a ReplicaSet is synced on every change of its pods."""
    memo = getattr(view, "memo", None)
    return parse if memo is None else memo(parse)  # type: ignore[return-value]


def _controlled(view: View, uid: str, facts: Callable[[dict], tuple] = _pod_facts) -> list[dict]:
    """Pods whose controller ownerReference points at `uid`."""
    owned = view.owned_by(uid, "Pod")
    VISITS["pods"] += len(owned)
    return [pod for pod in owned if uid in facts(pod)[0]]


# -- claiming (ControllerRefManager) -------------------------------------------------

def _adopted(pod: dict, rs: dict) -> dict:
    """The pod with the ReplicaSet's controller ref added (a ref with the same uid is replaced)."""
    result = values.clone(pod)
    ref = _owner_reference(rs)
    refs = [r for r in _meta(result).get("ownerReferences") or [] if r.get("uid") != ref["uid"]]
    result["metadata"]["ownerReferences"] = refs + [ref]
    return result


def _released(pod: dict, uid: str) -> dict:
    """The pod without its ownerReference to `uid`."""
    result = values.clone(pod)
    refs = [r for r in _meta(result).get("ownerReferences") or [] if r.get("uid") != uid]
    if refs:
        result["metadata"]["ownerReferences"] = refs
    else:
        result["metadata"].pop("ownerReferences", None)
    return result


def _claim(view: View, rs: dict, selector: selectors.Selector, controlled: list[dict],
           facts: Callable[[dict], tuple] = _pod_facts) -> tuple[list[dict], list]:
    """The active pods the ReplicaSet owns after claiming, and the adopt/release updates that takes."""
    meta = _meta(rs)
    uid, deleting = meta.get("uid", ""), bool(meta.get("deletionTimestamp"))
    claimed: list[dict] = []
    updates: list = []
    matches = selector.matches
    for pod in controlled:
        found = facts(pod)
        if not found[1]:
            continue
        if matches(found[3]):
            # Ours and matching: kept even while the ReplicaSet is being deleted.
            claimed.append(pod)
        elif not deleting:
            updates.append(Update(_released(pod, uid)))
    if deleting:
        return claimed, updates
    orphans = view.orphans("Pod", meta.get("namespace", ""))
    VISITS["pods"] += len(orphans)
    for pod in orphans:
        # Terminating pods are not active, so they are never adopted.
        if pod_ranking.is_active(pod) and selector.matches(_meta(pod).get("labels")):
            updates.append(Update(_adopted(pod, rs)))
            claimed.append(pod)
    return claimed, updates


# -- manageReplicas --------------------------------------------------------------------

def _new_pod(rs: dict) -> dict:
    """GetPodFromTemplate: labels, annotations, finalizers and spec from the template, a controller ref."""
    meta = _meta(rs)
    template = (rs.get("spec") or {}).get("template") or {}
    template_meta = template.get("metadata") or {}
    pod_meta: dict = {"generateName": f"{meta.get('name', '')}-", "namespace": meta.get("namespace", "")}
    for field in ("labels", "annotations"):
        if template_meta.get(field):
            pod_meta[field] = dict(template_meta[field])
    if template_meta.get("finalizers"):
        pod_meta["finalizers"] = list(template_meta["finalizers"])
    pod_meta["ownerReferences"] = [_owner_reference(rs)]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": pod_meta, "spec": values.clone(template.get("spec") or {})}


def _related_pods(view: View, rs: dict, facts: Callable[[dict], tuple] = _pod_facts) -> list[dict]:
    """getIndirectlyRelatedPods: the pods of every ReplicaSet with the same controller as this one."""
    owner = _controller_ref(rs)
    if owner is None:
        return []
    related: dict[str, dict] = {}
    parse = _selectors(view, _label_selector)
    for sibling in view.owned_by(owner.get("uid", ""), "ReplicaSet"):
        sibling_owner = _controller_ref(sibling)
        if sibling_owner is None or sibling_owner.get("uid") != owner.get("uid"):
            continue
        try:
            selector = parse(sibling)
        except errors.BadRequest:
            continue  # an invalid selector matches no pods
        for pod in _controlled(view, _meta(sibling).get("uid", ""), facts):
            if selector.matches(_meta(pod).get("labels")):
                related.setdefault(_meta(pod).get("uid", ""), pod)
    return list(related.values())


def _creates(rs: dict, missing: int, source: str) -> list:
    """manageReplicas' creates of `missing` pods (BURST_REPLICAS at most), each with its event."""
    involved = ref_of(rs)
    return [Create(_new_pod(rs), event=RecordEvent(involved, "Normal", Reason.SUCCESSFUL_CREATE,
                                                   "Created pod: {name}", source))
            for _ in range(min(missing, BURST_REPLICAS))]


def _manage(view: View, rs: dict, active: list[dict], controlled: int, now: float,
            source: str = EVENT_SOURCE, facts: Callable[[dict], tuple] = _pod_facts) -> list:
    """Create or delete pods (with their events) toward spec.replicas, BURST_REPLICAS at most."""
    involved = ref_of(rs)
    diff = len(active) - _replicas(rs)
    actions: list = []
    if diff < 0:
        actions = _creates(rs, -diff, source)
    elif diff > 0:
        memo = getattr(view, "memo", None)
        unranked = pod_ranking.unranked_facts if memo is None else memo(pod_ranking.unranked_facts)
        for pod in pod_ranking.pods_to_delete(active, _related_pods(view, rs, facts), min(diff, BURST_REPLICAS), now,
                                              unranked):
            meta = _meta(pod)
            actions.append(Delete("Pod", meta.get("namespace", ""), meta.get("name", ""), meta.get("uid", "")))
            actions.append(RecordEvent(involved, "Normal", Reason.SUCCESSFUL_DELETE,
                                       f"Deleted pod: {meta.get('name', '')}", source))
    return actions


# -- calculateStatus -------------------------------------------------------------------

def available_after(pod: dict, min_ready_seconds: int, now: float) -> float | None:
    """IsPodAvailable as a wait: 0 if available now, else the (positive) seconds until it is; None if never.

    Available means Ready, and Ready for strictly more than minReadySeconds,
    so the wait lands just after the deadline. A pod that is not Ready, or
    Ready without a lastTransitionTime while minReadySeconds > 0, gets None.
    """
    return _wait_if_ready(pod, min_ready_seconds, now) if pod_ranking.is_ready(pod) else None


def _wait_if_ready(pod: dict, min_ready_seconds: int, now: float) -> float | None:
    """`available_after` for a pod known to be Ready."""
    if min_ready_seconds <= 0:
        return 0.0
    since = pod_ranking.ready_time(pod)
    if since is None:
        return None
    due = since + min_ready_seconds
    return 0.0 if due < now else due - now + _PAST_MIN_READY


def _counted_status(rs: dict, counts: tuple[int, int, int, int]) -> dict:
    """The new status from (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas)."""
    status = values.clone(rs.get("status") or {})
    for field, value in zip(_STATUS_COUNTS, counts):
        if value or field == "replicas":
            status[field] = value
        else:
            status.pop(field, None)
    conditions = [c for c in status.get("conditions") or [] if c.get("type") != "ReplicaFailure"]
    if conditions:
        status["conditions"] = conditions
    else:
        status.pop("conditions", None)
    return status


def _status(rs: dict, active: list[dict], now: float, facts: Callable[[dict], tuple] = _pod_facts,
            selector: selectors.Selector | None = None) -> tuple[dict, float | None]:
    """The new status (zero counts omitted, as Go's omitempty) and when a Ready pod becomes available.

    `selector`: the one every pod of `active` matches (claimed by it), when known: a template whose
    labels make the same selector labels them all without matching each."""
    spec = rs.get("spec") or {}
    min_ready = int(spec.get("minReadySeconds") or 0)
    template_labels = selectors.from_set(((spec.get("template") or {}).get("metadata") or {}).get("labels"))
    counts = dict.fromkeys(_STATUS_COUNTS, 0)
    counts["replicas"] = len(active)
    wait: float | None = None
    labeled = ready = available = 0
    matches = None if selector is not None and template_labels == selector else template_labels.matches
    for pod in active:
        found = facts(pod)
        if matches is None or matches(found[3]):
            labeled += 1
        if not found[2]:
            continue
        ready += 1
        left = 0.0 if min_ready <= 0 else _wait_if_ready(pod, min_ready, now)
        if left == 0.0:
            available += 1
        elif left is not None:
            wait = left if wait is None else min(wait, left)
    counts.update(fullyLabeledReplicas=labeled, readyReplicas=ready, availableReplicas=available)
    return _counted_status(rs, tuple(counts[f] for f in _STATUS_COUNTS)), wait  # type: ignore[arg-type]


def _status_changed(rs: dict, status: dict) -> bool:
    """updateReplicaSetStatus's steady-state test: counts, observedGeneration and conditions."""
    old = rs.get("status") or {}
    return (any(old.get(f, 0) != status.get(f, 0) for f in _STATUS_COUNTS)
            or _meta(rs).get("generation", 0) != old.get("observedGeneration", 0)
            or (old.get("conditions") or []) != (status.get("conditions") or []))


# -- reconcile ---------------------------------------------------------------------------

def reconcile(key: Key, view: View, now: float) -> Result:
    """Sync the ReplicaSet `key`: claim pods, create or delete toward spec.replicas, update status."""
    return sync(key, view, now, REPLICA_SET)


def sync(key: Key, view: View, now: float, flavor: Flavor) -> Result:
    """syncReplicaSet for one object of `flavor.kind` (a ReplicaSet or a ReplicationController)."""
    rs = view.get(flavor.kind, key.namespace, key.name)
    # 1. Gone: its pods are the garbage collector's business.
    if rs is None:
        return Result()
    # 2. A selector that does not parse selects nothing; upstream drops the key.
    try:
        selector = _selectors(view, flavor.selector)(rs)
    except errors.BadRequest:
        return Result()
    # 3. Claim the active pods: adopt matching orphans, release ours that stopped matching.
    counted = _counted(view, rs, selector, now, flavor)
    if counted is not None:
        return counted
    facts = _facts_of(view)
    controlled = _controlled(view, _meta(rs).get("uid", ""), facts)
    active, actions = _claim(view, rs, selector, controlled, facts)
    # 4. Create or delete toward spec.replicas, unless it is being deleted.
    if not _meta(rs).get("deletionTimestamp"):
        actions += _manage(view, rs, active, len(controlled), now, flavor.event_source, facts)
    # 5. Status from the pods claimed before this pass's creates and deletes, as upstream.
    status, wait = _status(rs, active, now, facts, selector)
    _update_status(rs, status, actions)
    # 6. Look again when the next Ready pod has been Ready for minReadySeconds.
    return Result(actions=actions, requeue_after=wait)


def _update_status(rs: dict, status: dict, actions: list) -> None:
    """Append the UpdateStatus of `status` to `actions` if it changed."""
    if _status_changed(rs, status):
        status["observedGeneration"] = _meta(rs).get("generation", 0)
        if not status["observedGeneration"]:
            status.pop("observedGeneration")
        # Only the status changes: the rest is the cached object's, never changed (as the kubelet's).
        actions.append(UpdateStatus({**rs, "status": status}))


def _counted(view: View, rs: dict, selector: selectors.Selector, now: float, flavor: Flavor) -> Result | None:
    """`sync`'s steps 3 to 5 from the view's pod groups, None when the pass must walk the pods:
    the view keeps no groups, minReadySeconds is set (availability is per pod), or the pass
    deletes pods (which ones is a ranking of each)."""
    groups_of = getattr(view, "pod_groups", None)
    spec = rs.get("spec") or {}
    if groups_of is None or int(spec.get("minReadySeconds") or 0) > 0:
        return None
    meta = _meta(rs)
    uid, deleting = meta.get("uid", ""), bool(meta.get("deletionTimestamp"))
    template_labels = selectors.from_set(((spec.get("template") or {}).get("metadata") or {}).get("labels"))
    labeled_by = None if template_labels == selector else template_labels.matches
    claimed = labeled = ready = 0
    released: list[Key] = []
    groups = groups_of(uid)
    VISITS["groups"] += len(groups)
    for (uids, active, is_ready, labels), keys in groups:
        if uid not in uids or not active:
            continue
        found = dict(labels)
        if selector.matches(found):
            claimed += len(keys)
            labeled += len(keys) if labeled_by is None or labeled_by(found) else 0
            ready += len(keys) if is_ready else 0
        elif not deleting:
            released.extend(keys)
    # Released in key order, as the walk releases them (only these pods are read).
    actions: list = [Update(_released(view.get("Pod", k.namespace, k.name), uid))  # type: ignore[arg-type]
                     for k in sorted(released)]
    if not deleting:
        orphans = view.orphans("Pod", meta.get("namespace", ""))
        VISITS["pods"] += len(orphans)
        for pod in orphans:
            if pod_ranking.is_active(pod) and selector.matches(_meta(pod).get("labels")):
                actions.append(Update(_adopted(pod, rs)))
                claimed += 1
                labeled += 1 if labeled_by is None or labeled_by(_meta(pod).get("labels")) else 0
                ready += 1 if pod_ranking.is_ready(pod) else 0
        if claimed > _replicas(rs):
            return None
        actions += _creates(rs, _replicas(rs) - claimed, flavor.event_source)
    _update_status(rs, _counted_status(rs, (claimed, labeled, ready, ready)), actions)
    return Result(actions=actions)


# -- watches --------------------------------------------------------------------------------

def owners_for_pod(flavor: Flavor) -> Callable[[dict, View], Iterable[Key]]:
    """The watch mapper: a pod's controller of `flavor.kind`; for an orphan, every one that selects it.

    Listing the namespace's ReplicaSets is fine here: only orphans do it,
    and orphans are rare.
    """
    def mapper(pod: dict, view: View) -> Iterable[Key]:
        namespace = _meta(pod).get("namespace", "")
        owner = _controller_ref(pod)
        if owner is not None:
            return (Key(flavor.kind, namespace, owner.get("name", "")),) if owner.get("kind") == flavor.kind else ()
        keys = []
        for rs in view.list(flavor.kind, namespace):
            try:
                if flavor.selector(rs).matches(_meta(pod).get("labels")):
                    keys.append(Key(flavor.kind, namespace, _meta(rs).get("name", "")))
            except errors.BadRequest:
                continue
        return keys
    return mapper


replicasets_for_pod = owners_for_pod(REPLICA_SET)


COMPONENT = Component(name="replicaset", reconcile=reconcile,
                      watches={"ReplicaSet": self_key, "Pod": replicasets_for_pod}, primary="ReplicaSet")
