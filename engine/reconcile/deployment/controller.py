"""The deployment controller: ReplicaSets rolled out, scaled and cleaned up as Kubernetes v1.32 does.

No I/O happens here. `reconcile` is syncDeployment for one Deployment key:
claim ReplicaSets (adopt orphans that match the selector, release those that
no longer match), find or create the new ReplicaSet and sync revisions, then
one of: status only (being deleted), proportional scaling (paused, or a
replicas change), Recreate, or one rolling-update step; then the status and
its Available/Progressing conditions, written only when they changed, with a
requeue at the progress deadline while a rollout is incomplete.

Differences from upstream, on purpose: the legacy `deprecated.deployment.
rollback.to` annotation is ignored (kubectl undo patches the template); the
Deployment's revision annotation is written with an Update of the main
resource (litekube's status subresource keeps metadata), recorded in
managedFields as the status subresource's as upstream's, and the status
writes upstream makes along the way are folded into one UpdateStatus at the
end; a create error other than a name collision cannot be seen here, so
`ReplicaSetCreateError` is never set.
"""
from __future__ import annotations

from typing import Callable, Iterable

from litekube import errors
from litekube.model import durations, selectors, values
from litekube.reconcile.base import (
    Component,
    Create,
    Key,
    Result,
    View,
    controller_key,
    key_of,
    self_key,
)
from litekube.reconcile.deployment import rolling
from litekube.reconcile.deployment import util as du
from litekube.reconcile.deployment.rolling import Pass
from litekube.reconcile.deployment.util import (
    Reason,
    equal_ignore_hash,
    find_new_replica_set,
    max_revision,
    revision,
    rollout_status,
)

__all__ = ["COMPONENT", "reconcile", "revision", "max_revision", "find_new_replica_set", "equal_ignore_hash",
           "rollout_status", "calculate_status"]

_STATUS_INTS = ("observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas",
                "unavailableReplicas")


def _controller_ref(obj: dict) -> dict | None:
    return next((r for r in (obj.get("metadata") or {}).get("ownerReferences") or [] if r.get("controller")), None)


def _owner_ref(d: dict) -> dict:
    meta = d["metadata"]
    return {"apiVersion": "apps/v1", "kind": "Deployment", "name": meta["name"], "uid": meta.get("uid", ""),
            "controller": True, "blockOwnerDeletion": True}


def _canonical(status: dict) -> dict:
    """The status as the API serializes it: fields in Go's order, zero counts omitted."""
    out: dict = {}
    for name in _STATUS_INTS:
        if status.get(name):
            out[name] = status[name]
    if status.get("conditions"):
        out["conditions"] = status["conditions"]
    if status.get("collisionCount") is not None:
        out["collisionCount"] = status["collisionCount"]
    return out


# -- 3. claiming ReplicaSets ----------------------------------------------------------------

def _claim(p: Pass, view: View, selector: selectors.Selector) -> list[dict]:
    """ClaimReplicaSets: keep ours that match, release ours that don't, adopt matching orphans."""
    d = p.d
    meta = d["metadata"]
    uid, ns, deleting = meta.get("uid", ""), meta.get("namespace", ""), bool(meta.get("deletionTimestamp"))
    claimed: list[dict] = []
    for rs in view.owned_by(uid, "ReplicaSet"):
        ref = _controller_ref(rs)
        if ref is None or ref.get("uid") != uid or rs["metadata"].get("namespace", "") != ns:
            continue
        if selector.matches(rs["metadata"].get("labels")):
            claimed.append(rs)
        elif not deleting:
            released = values.clone(rs)
            refs = [r for r in released["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
            released["metadata"]["ownerReferences"] = refs
            p.update(released)
    if deleting:
        return claimed
    for rs in view.orphans("ReplicaSet", ns):
        if rs["metadata"].get("deletionTimestamp") or not selector.matches(rs["metadata"].get("labels")):
            continue
        adopted = values.clone(rs)
        adopted["metadata"].setdefault("ownerReferences", []).append(_owner_ref(d))
        claimed.append(p.update(adopted))
    return claimed


# -- the new ReplicaSet and revisions ----------------------------------------------------------

def _set_deployment_revision(p: Pass, view: View, value: str) -> None:
    """SetDeploymentRevision, written at once with an Update of the Deployment."""
    annotations = p.d["metadata"].setdefault("annotations", {})
    if annotations.get(du.REVISION) == value:
        return
    annotations[du.REVISION] = value
    current = view.get("Deployment", p.d["metadata"].get("namespace", ""), p.d["metadata"]["name"])
    new = values.clone(current if current is not None else p.d)
    new["metadata"].setdefault("annotations", {})[du.REVISION] = value
    p.update(new, record_as="status")  # upstream's UpdateStatus: managedFields' status entry


def _sync_existing_new(p: Pass, view: View, existing: dict | None, old_rss: list[dict]) -> dict | None:
    """getNewReplicaSet for an existing new RS: sync its annotations and minReadySeconds, then ours."""
    if existing is None:
        return None
    d = p.d
    rs = values.clone(existing)
    changed = du.set_new_replica_set_annotations(d, rs, max_revision(old_rss) + 1, exists=True)
    want = int((d.get("spec") or {}).get("minReadySeconds") or 0)
    if changed or int(rs["spec"].get("minReadySeconds") or 0) != want:
        _set_min_ready(rs, want)
        p.update(rs)
    else:
        rs = existing
    _set_deployment_revision(p, view, (rs["metadata"].get("annotations") or {}).get(du.REVISION, ""))
    status = p.d["status"]
    if du.has_progress_deadline(d) and du.get_condition(status, "Progressing") is None:
        du.set_condition(status, du.new_condition("Progressing", "True", Reason.FOUND_NEW_RS,
                                                  f'Found new replica set "{rs["metadata"]["name"]}"', p.now))
    return rs


def _set_min_ready(rs: dict, seconds: int) -> None:
    """ReplicaSetSpec.MinReadySeconds is `omitempty`: zero is not serialized, so it is not stored."""
    if seconds:
        rs["spec"]["minReadySeconds"] = seconds
    else:
        rs["spec"].pop("minReadySeconds", None)


def _create_new(p: Pass, view: View, old_rss: list[dict]) -> dict | None:
    """getNewReplicaSet's create half: `<deployment>-<hash>`, sized by NewRSNewReplicas."""
    d = p.d
    meta, spec = d["metadata"], d.get("spec") or {}
    template = values.clone(spec.get("template") or {})
    collisions = p.d["status"].get("collisionCount")
    pod_hash = du.compute_hash(template, collisions)
    labels = {**((template.get("metadata") or {}).get("labels") or {}), du.HASH_LABEL: pod_hash}
    template.setdefault("metadata", {})["labels"] = labels
    selector = values.clone(spec.get("selector") or {})
    selector["matchLabels"] = {**(selector.get("matchLabels") or {}), du.HASH_LABEL: pod_hash}
    name = f"{meta['name']}-{pod_hash}"
    new_rs: dict = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
                    "metadata": {"name": name, "namespace": meta.get("namespace", ""), "labels": dict(labels),
                                 "ownerReferences": [_owner_ref(d)]},
                    "spec": {"replicas": 0, "selector": selector, "template": template}}
    _set_min_ready(new_rs, int(spec.get("minReadySeconds") or 0))
    count = du.new_rs_new_replicas(d, old_rss + [new_rs], new_rs)
    new_rs["spec"]["replicas"] = count
    new_revision = max_revision(old_rss) + 1
    du.set_new_replica_set_annotations(d, new_rs, new_revision, exists=False)
    taken = view.get("ReplicaSet", meta.get("namespace", ""), name)
    if taken is not None:
        ours = (_controller_ref(taken) or {}).get("uid") == meta.get("uid")
        if ours and equal_ignore_hash((taken.get("spec") or {}).get("template"), spec.get("template")):
            return taken
        # A hash collision: bump collisionCount and try another name on the next pass.
        p.d["status"]["collisionCount"] = int(collisions or 0) + 1
        p.status = dict(p.d["status"])
        p.requeue_after = 1.0
        return None
    p.actions.append(Create(new_rs))
    if count > 0:
        p.event("ScalingReplicaSet", f"Scaled up replica set {name} from 0 to {count}")
    _set_deployment_revision(p, view, str(new_revision))
    if du.has_progress_deadline(d):
        du.set_condition(p.d["status"], du.new_condition("Progressing", "True", Reason.NEW_RS_CREATED,
                                                         f'Created new replica set "{name}"', p.now))
    return new_rs


# -- status ----------------------------------------------------------------------------

def calculate_status(all_rss: Iterable[dict | None], new_rs: dict | None, d: dict, now: float) -> dict:
    """calculateStatus: counts from the ReplicaSets, conditions copied, Available recomputed."""
    rss = [rs for rs in all_rss if rs is not None]
    available = sum(du.status_int(rs, "availableReplicas") for rs in rss)
    old = d.get("status") or {}
    status: dict = {
        "observedGeneration": int((d.get("metadata") or {}).get("generation") or 0),
        "replicas": sum(du.status_int(rs, "replicas") for rs in rss),
        "updatedReplicas": du.status_int(new_rs, "replicas"),
        "readyReplicas": sum(du.status_int(rs, "readyReplicas") for rs in rss),
        "availableReplicas": available,
        "unavailableReplicas": max(0, sum(du.replicas(rs) for rs in rss) - available),
        "conditions": [dict(c) for c in old.get("conditions") or []],
        "collisionCount": old.get("collisionCount"),
    }
    if available >= du.replicas(d) - du.max_unavailable(d):
        cond = du.new_condition("Available", "True", Reason.MIN_AVAILABLE, "Deployment has minimum availability.", now)
    else:
        cond = du.new_condition("Available", "False", Reason.MIN_UNAVAILABLE,
                                "Deployment does not have minimum availability.", now)
    du.set_condition(status, cond)
    return status


def _sync_deployment_status(p: Pass, all_rss: list[dict | None], new_rs: dict | None) -> None:
    p.status = calculate_status(all_rss, new_rs, p.d, p.now)


def _replica_failures(all_rss: list[dict | None], new_rs: dict | None) -> list[dict]:
    def of(rs: dict | None) -> list[dict]:
        return [{"type": "ReplicaFailure", "status": c.get("status"), "lastUpdateTime": c.get("lastTransitionTime"),
                 "lastTransitionTime": c.get("lastTransitionTime"), "reason": c.get("reason"),
                 "message": c.get("message")}
                for c in ((rs or {}).get("status") or {}).get("conditions") or [] if c.get("type") == "ReplicaFailure"]
    return of(new_rs) or [c for rs in all_rss for c in of(rs)]


def _sync_rollout_status(p: Pass, all_rss: list[dict | None], new_rs: dict | None) -> None:
    """syncRolloutStatus: the Progressing condition, and the requeue at the progress deadline."""
    d, now = p.d, p.now
    status = calculate_status(all_rss, new_rs, d, now)
    if not du.has_progress_deadline(d):
        du.remove_condition(status, "Progressing")
    current = du.get_condition(d["status"], "Progressing")
    complete = status["replicas"] == status["updatedReplicas"] and current is not None \
        and current.get("reason") == Reason.NEW_RS_AVAILABLE
    name = new_rs["metadata"]["name"] if new_rs is not None else None
    subject = f'ReplicaSet "{name}"' if name else f'Deployment "{d["metadata"]["name"]}"'
    if du.has_progress_deadline(d) and not complete:
        if du.deployment_complete(d, status):
            du.set_condition(status, du.new_condition("Progressing", "True", Reason.NEW_RS_AVAILABLE,
                                                      f"{subject} has successfully progressed.", now))
        elif du.deployment_progressing(d, status):
            cond = du.new_condition("Progressing", "True", Reason.RS_UPDATED, f"{subject} is progressing.", now)
            # Progress always refreshes lastUpdateTime, even with the same reason.
            if current is not None:
                if current.get("status") == "True":
                    cond["lastTransitionTime"] = current.get("lastTransitionTime")
                du.remove_condition(status, "Progressing")
            du.set_condition(status, cond)
        elif du.deployment_timed_out(d, status, now):
            du.set_condition(status, du.new_condition("Progressing", "False", Reason.TIMED_OUT,
                                                      f"{subject} has timed out progressing.", now))
    failures = _replica_failures(all_rss, new_rs)
    if failures:
        du.set_condition(status, failures[0])
    else:
        du.remove_condition(status, "ReplicaFailure")
    p.status = status
    p.requeue_after = _requeue_stuck(d, status, now)


def _requeue_stuck(d: dict, status: dict, now: float) -> float | None:
    """requeueStuckDeployment: look again just after lastUpdateTime + progressDeadlineSeconds."""
    current = du.get_condition(d["status"], "Progressing")
    if not du.has_progress_deadline(d) or current is None:
        return None
    if du.deployment_complete(d, status) or current.get("reason") == Reason.TIMED_OUT:
        return None
    # After a successful rollout nothing can time out (DeploymentTimedOut ignores a
    # NewReplicaSetAvailable condition), so there is no deadline to watch: upstream
    # would requeue with ever longer back-off for nothing; a spec change or a pod
    # change brings the deployment back anyway.
    if current.get("reason") == Reason.NEW_RS_AVAILABLE:
        return None
    last = durations.parse_time(current["lastUpdateTime"]).timestamp()
    after = last + int(d["spec"]["progressDeadlineSeconds"]) - now
    # Under a second: upstream requeues rate-limited; one second keeps virtual time moving.
    return after + 1.0 if after >= 1.0 else 1.0


def _check_paused_conditions(p: Pass) -> None:
    d = p.d
    if not du.has_progress_deadline(d):
        return
    cond = du.get_condition(d["status"], "Progressing")
    if cond is not None and cond.get("reason") == Reason.TIMED_OUT:
        return  # a reported lack of progress is not overwritten
    paused_cond = cond is not None and cond.get("reason") == Reason.PAUSED
    paused = bool(d["spec"].get("paused"))
    if paused and not paused_cond:
        du.set_condition(d["status"], du.new_condition("Progressing", "Unknown", Reason.PAUSED,
                                                       "Deployment is paused", p.now))
    elif not paused and paused_cond:
        du.set_condition(d["status"], du.new_condition("Progressing", "Unknown", Reason.RESUMED,
                                                       "Deployment is resumed", p.now))


# -- the sync ------------------------------------------------------------------------------

def _is_scaling_event(d: dict, all_rss: list[dict | None]) -> bool:
    for rs in all_rss:
        if rs is None or du.replicas(rs) == 0:
            continue
        desired = du.desired_replicas_annotation(rs)
        if desired is not None and desired != du.replicas(d):
            return True
    return False


def _rollout_rolling(p: Pass, view: View, new_rs: dict | None, old_rss: list[dict]) -> None:
    if new_rs is None:
        new_rs = _create_new(p, view, old_rss)
        if new_rs is None:
            return
    all_rss: list[dict | None] = [*old_rss, new_rs]
    # 1. Scale up, if we can; 2. scale down, if we can; each ends the pass.
    if rolling.reconcile_new_replica_set(p, all_rss, new_rs):
        return _sync_rollout_status(p, all_rss, new_rs)
    active_old = [rs for rs in old_rss if du.replicas(rs) > 0]
    if rolling.reconcile_old_replica_sets(p, all_rss, active_old, new_rs):
        return _sync_rollout_status(p, all_rss, new_rs)
    # 3. Only a finished rollout (as last recorded) prunes history.
    if du.deployment_complete(p.d, p.d["status"]):
        rolling.cleanup_deployment(p, old_rss)
    _sync_rollout_status(p, all_rss, new_rs)


def _rollout_recreate(p: Pass, view: View, new_rs: dict | None, old_rss: list[dict]) -> None:
    all_rss: list[dict | None] = [*old_rss, new_rs]
    # 1. Every old pod goes first, 2. and must be gone, 3. before the new RS gets any.
    if rolling.scale_down_old_for_recreate(p, [rs for rs in old_rss if du.replicas(rs) > 0]):
        return _sync_rollout_status(p, all_rss, new_rs)
    if rolling.old_pods_running(view, p.d, new_rs, old_rss):
        return _sync_rollout_status(p, all_rss, new_rs)
    if new_rs is None:
        new_rs = _create_new(p, view, old_rss)
        if new_rs is None:
            return
        all_rss = [*old_rss, new_rs]
    rolling.scale_and_record(p, new_rs, du.replicas(p.d))
    if du.deployment_complete(p.d, p.d["status"]):
        rolling.cleanup_deployment(p, old_rss)
    _sync_rollout_status(p, all_rss, new_rs)


def _template_keys(view: View) -> Callable[[dict], object]:
    """du.replica_set_template_key, remembered per ReplicaSet the view holds (MemoryView.memo): a
    Deployment is synced on every change of its ReplicaSets, whose templates rarely change."""
    memo = getattr(view, "memo", None)
    if memo is None:
        return du.replica_set_template_key
    remembered = memo(du.replica_set_template_key)

    def key(rs: dict) -> object:
        meta = rs["metadata"]
        if view.get("ReplicaSet", meta.get("namespace", ""), meta.get("name", "")) is rs:
            return remembered(rs)
        return du.replica_set_template_key(rs)  # a copy of this pass's (an adoption): not remembered
    return key


def _finish(p: Pass, original: dict) -> Result:
    if p.status is not None and _canonical(p.status) != _canonical(original.get("status") or {}):
        # A status write changes only the status: the rest is the cached object's, never changed
        # (the metadata is copied: Pass._fresh may drop its resourceVersion).
        p.update_status({**original, "metadata": dict(original["metadata"]), "status": _canonical(p.status)})
    return Result(p.actions, requeue_after=p.requeue_after)


def reconcile(key: Key, view: View, now: float) -> Result:
    """syncDeployment for one key; see the module docstring."""
    original = view.get("Deployment", key.namespace, key.name)
    if original is None:
        return Result()
    d = values.clone(original)
    d.setdefault("metadata", {})
    d["spec"] = d.get("spec") or {}
    d["status"] = d.get("status") or {}
    p = Pass(d, now)
    raw_selector = d["spec"].get("selector")
    # 2. An empty selector would select every pod: refuse, only observe the generation.
    if raw_selector is not None and not raw_selector.get("matchLabels") and not raw_selector.get("matchExpressions"):
        p.event("SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.", "Warning")
        generation = int(d["metadata"].get("generation") or 0)
        if int(d["status"].get("observedGeneration") or 0) < generation:
            p.status = {**d["status"], "observedGeneration": generation}
        return _finish(p, original)
    try:
        selector = selectors.from_label_selector(raw_selector)
    except errors.LitekubeError:
        return Result()
    # 3. Claim ReplicaSets; then split them into the new one and the old ones.
    rs_list = _claim(p, view, selector)
    existing = find_new_replica_set(d, rs_list, _template_keys(view))
    old_rss = [rs for rs in rs_list if rs is not existing]
    new_rs = _sync_existing_new(p, view, existing, old_rss)
    all_rss: list[dict | None] = [*old_rss, new_rs]
    # 5. Being deleted: status only.
    if d["metadata"].get("deletionTimestamp"):
        _sync_deployment_status(p, all_rss, new_rs)
        return _finish(p, original)
    _check_paused_conditions(p)
    # 7./9. Paused, or a replicas change: proportional scaling, no rollout.
    paused = bool(d["spec"].get("paused"))
    if paused or _is_scaling_event(d, all_rss):
        rolling.scale(p, new_rs, old_rss)
        if paused:
            rolling.cleanup_deployment(p, old_rss)
        _sync_deployment_status(p, all_rss, new_rs)
        return _finish(p, original)
    # 10. One step of the strategy.
    if (d["spec"].get("strategy") or {}).get("type") == "Recreate":
        _rollout_recreate(p, view, new_rs, old_rss)
    else:
        _rollout_rolling(p, view, new_rs, old_rss)
    return _finish(p, original)


# -- watches --------------------------------------------------------------------------

def _replica_set_keys(rs: dict, view: View) -> Iterable[Key]:
    """The controlling Deployment; for an orphan, the Deployments whose selector matches it."""
    keys = tuple(controller_key("Deployment")(rs, view))
    if keys or _controller_ref(rs) is not None:
        return keys
    meta = rs.get("metadata") or {}
    found = []
    for d in view.list("Deployment", meta.get("namespace", "")):
        try:
            selector = selectors.from_label_selector((d.get("spec") or {}).get("selector"))
        except errors.LitekubeError:
            continue
        if not selector.empty and selector.matches(meta.get("labels")):
            found.append(key_of(d))
    return found


def _pod_keys(pod: dict, view: View) -> Iterable[Key]:
    """Pods matter only to Recreate (it waits for old pods to go): map to that Deployment."""
    ref = _controller_ref(pod)
    if ref is None or ref.get("kind") != "ReplicaSet":
        return ()
    ns = (pod.get("metadata") or {}).get("namespace", "")
    rs = view.get("ReplicaSet", ns, ref.get("name", ""))
    owner = _controller_ref(rs) if rs is not None and rs["metadata"].get("uid") == ref.get("uid") else None
    if owner is None or owner.get("kind") != "Deployment":
        return ()
    d = view.get("Deployment", ns, owner.get("name", ""))
    if d is None or ((d.get("spec") or {}).get("strategy") or {}).get("type") != "Recreate":
        return ()
    return (key_of(d),)


COMPONENT = Component(name="deployment", reconcile=reconcile, primary="Deployment",
                      watches={"Deployment": self_key, "ReplicaSet": _replica_set_keys, "Pod": _pod_keys})
