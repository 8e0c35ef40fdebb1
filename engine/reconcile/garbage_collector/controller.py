"""The garbage collector: ownerReferences, and Background, Foreground and Orphan deletion.

No I/O happens here. Semantics follow reference/controllers.md section 7:
an object is collected only when none of its owners is alive; an owner
being deleted with the `orphan` finalizer first releases its dependents;
one with `foregroundDeletion` first deletes them and waits for those that
block owner deletion.
"""
from __future__ import annotations

from typing import Iterable

from litekube.model import values
from litekube.reconcile.base import Component, Delete, Key, Result, Update, View, key_of

__all__ = ["reconcile", "COMPONENT"]

ORPHAN, FOREGROUND = "orphan", "foregroundDeletion"


def _deleting(obj: dict, finalizer: str) -> bool:
    meta = obj.get("metadata") or {}
    return bool(meta.get("deletionTimestamp")) and finalizer in (meta.get("finalizers") or [])


def _without_finalizer(obj: dict, finalizer: str) -> dict:
    new = values.clone(obj)
    new["metadata"]["finalizers"] = [f for f in new["metadata"].get("finalizers") or [] if f != finalizer]
    return new


def _without_owner(obj: dict, uids: set[str]) -> dict:
    new = values.clone(obj)
    refs = [r for r in new["metadata"].get("ownerReferences") or [] if r.get("uid") not in uids]
    if refs:
        new["metadata"]["ownerReferences"] = refs
    else:
        new["metadata"].pop("ownerReferences", None)
    return new


def _delete(obj: dict, propagation: str | None) -> Delete:
    """A Delete with a propagation policy (`Foreground`, `Background`, `Orphan`), not a finalizer name."""
    k = key_of(obj)
    return Delete(k.kind, k.namespace, k.name, obj["metadata"].get("uid", ""), propagation)


def _as_owner(obj: dict, view: View) -> Result | None:
    """Orphan or foreground handling for an owner being deleted; None if not applicable."""
    uid = obj["metadata"].get("uid", "")
    if _deleting(obj, ORPHAN):
        # 1. Release every dependent, then let the owner go.
        actions: list = [Update(_without_owner(d, {uid})) for d in view.owned_by(uid)]
        return Result(actions + [Update(_without_finalizer(obj, ORPHAN))])
    if _deleting(obj, FOREGROUND):
        dependents = view.owned_by(uid)
        # 2. Delete dependents (foreground when they own objects themselves).
        actions = [_delete(d, "Foreground" if view.owned_by(d["metadata"].get("uid", "")) else None)
                   for d in dependents if not (d.get("metadata") or {}).get("deletionTimestamp")]
        blocking = [d for d in dependents if any(
            r.get("uid") == uid and r.get("blockOwnerDeletion") for r in d["metadata"].get("ownerReferences") or [])]
        # 3. The owner goes once nothing that blocks its deletion remains.
        if not blocking:
            actions.append(Update(_without_finalizer(obj, FOREGROUND)))
        return Result(actions)
    return None


def _as_dependent(obj: dict, view: View) -> Result:
    refs = (obj.get("metadata") or {}).get("ownerReferences") or []
    if not refs or (obj["metadata"].get("deletionTimestamp") and not _deleting(obj, FOREGROUND)):
        return Result()
    solid, dangling, waiting = [], set(), []
    for ref in refs:
        owner = view.by_uid(ref.get("uid", ""))
        if owner is None or owner.get("kind") != ref.get("kind"):
            dangling.add(ref.get("uid", ""))
        elif _deleting(owner, FOREGROUND):
            waiting.append(owner)
        else:
            solid.append(owner)
    # 1. A live owner keeps the object; references to absent owners are dropped.
    if solid:
        return Result([Update(_without_owner(obj, dangling))] if dangling else [])
    if obj["metadata"].get("deletionTimestamp"):
        return Result()
    # 2. An owner waiting for its dependents: delete in the foreground if this has dependents too.
    if waiting and view.owned_by(obj["metadata"].get("uid", "")):
        return Result([_delete(obj, "Foreground")])
    # 3. No owner left: collect it, honouring its own finalizers' policy.
    finalizers = obj["metadata"].get("finalizers") or []
    policy = "Orphan" if ORPHAN in finalizers else "Foreground" if FOREGROUND in finalizers else "Background"
    return Result([_delete(obj, policy)])


def reconcile(key: Key, view: View, now: float) -> Result:
    """Collect `key` if its owners are gone; release or delete its dependents if it is going."""
    obj = view.get(*key)
    if obj is None:
        return Result()
    as_owner = _as_owner(obj, view)
    if as_owner is not None:
        return as_owner
    return _as_dependent(obj, view)


def _needs_collector(obj: dict, view: View) -> bool:
    """Whether the collector has anything to do for `obj` itself: a finalizer of its own to
    act on, or an ownerReference to an owner that is gone or deleting in the foreground."""
    meta = obj.get("metadata") or {}
    if meta.get("deletionTimestamp") and {ORPHAN, FOREGROUND} & set(meta.get("finalizers") or []):
        return True
    for ref in meta.get("ownerReferences") or []:
        owner = view.by_uid(ref.get("uid", ""))
        if owner is None or owner.get("kind") != ref.get("kind") or _deleting(owner, FOREGROUND):
            return True
    return False


def _keys(obj: dict, view: View) -> Iterable[Key]:
    """The object itself (it may be an owner going or a dependent orphaned), and its dependents."""
    key = key_of(obj)
    if _needs_collector(obj, view):
        yield key
    meta = obj.get("metadata") or {}
    uid = meta.get("uid", "")
    gone = view.get(*key) is None
    if uid and (gone or meta.get("deletionTimestamp")):
        for dependent in view.owned_by(uid):
            yield key_of(dependent)
    if gone:
        # A removed dependent may unblock its owner's foreground deletion.
        for ref in meta.get("ownerReferences") or []:
            owner = view.by_uid(ref.get("uid", ""))
            if owner is not None and _deleting(owner, FOREGROUND):
                yield key_of(owner)


_GC_KINDS = ("Pod", "ReplicaSet", "ReplicationController",
             "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Service",
             "Endpoints", "EndpointSlice", "ConfigMap", "Secret", "ControllerRevision", "PersistentVolumeClaim",
             "HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress", "Lease", "Node", "Namespace",
             "IngressClass", "Event")

COMPONENT = Component(name="garbage-collector", reconcile=reconcile,
                      watches={kind: _keys for kind in _GC_KINDS if kind != "Event"})
