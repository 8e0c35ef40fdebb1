"""The namespace controller: a Namespace being deleted takes everything in it along.

No I/O happens here. While a namespace has a deletionTimestamp, every object
in it is deleted (in the background); Events, which the controllers' cache
does not hold, go by a DeleteCollection; once none is left, the `kubernetes`
finalizer is removed from spec.finalizers and the API server removes the
namespace.
"""
from __future__ import annotations

from typing import Iterable

from litekube.model import values
from litekube.reconcile.base import Component, Delete, DeleteCollection, Key, Result, Update, View, key_of

__all__ = ["reconcile", "COMPONENT"]


def reconcile(key: Key, view: View, now: float) -> Result:
    namespace = view.get(*key)
    if namespace is None or not namespace["metadata"].get("deletionTimestamp"):
        return Result()
    contents = view.namespaces_objects(key.name)
    # 1. Delete what is still there; objects already terminating are waited for.
    actions: list = [Delete(k.kind, k.namespace, k.name, o["metadata"].get("uid", ""))
                     for o in contents for k in [key_of(o)] if not o["metadata"].get("deletionTimestamp")]
    # 2. The Events, straight from the store (no reconciler caches them).
    if not contents or not actions:
        actions.append(DeleteCollection("Event", key.name))
    # 3. Empty: release the namespace.
    if not contents and (namespace.get("spec") or {}).get("finalizers"):
        done = values.clone(namespace)
        done["spec"]["finalizers"] = []
        actions.append(Update(done, subresource="finalize"))
    return Result(actions)


def _namespace_key(obj: dict, view: View) -> Iterable[Key]:
    ns = (obj.get("metadata") or {}).get("namespace")
    if ns:
        owner = view.get("Namespace", "", ns)
        if owner is not None and owner["metadata"].get("deletionTimestamp"):
            yield Key("Namespace", "", ns)


_CONTENT_KINDS = ("Pod", "ReplicaSet", "ReplicationController",
                  "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Service",
                  "Endpoints", "EndpointSlice", "ConfigMap", "Secret", "ControllerRevision", "Event",
                  "PersistentVolumeClaim", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress", "Lease",
                  "ServiceAccount", "LimitRange", "ResourceQuota", "PodTemplate", "NetworkPolicy", "Role",
                  "RoleBinding")

COMPONENT = Component(
    name="namespace", reconcile=reconcile,
    watches={"Namespace": lambda obj, view: (key_of(obj),), **{k: _namespace_key for k in _CONTENT_KINDS}},
    primary="Namespace")
