"""The pvc-protection and pv-protection controllers (pkg/controller/volume/pvcprotection, pvprotection).

No I/O happens here. A claim being deleted keeps its
`kubernetes.io/pvc-protection` finalizer while a pod that is not finished
(not Succeeded or Failed) mounts it, so it stays Terminating until the pod
goes; a volume being deleted keeps `kubernetes.io/pv-protection` while it
is Bound.
"""
from __future__ import annotations

from collections.abc import Iterable

from litekube.model import values
from litekube.reconcile.base import Component, Key, Result, Update, View, key_of
from litekube.reconcile.common import volumes

__all__ = ["PVC_COMPONENT", "PV_COMPONENT", "PVC_PROTECTION", "PV_PROTECTION", "reconcile_claim",
           "reconcile_volume"]

PVC_PROTECTION = "kubernetes.io/pvc-protection"
PV_PROTECTION = "kubernetes.io/pv-protection"


def _without(obj: dict, finalizer: str) -> Update:
    new = values.clone(obj)
    new["metadata"]["finalizers"] = [f for f in new["metadata"].get("finalizers") or [] if f != finalizer]
    return Update(new)


def _in_use(pvc: dict, view: View) -> bool:
    meta = pvc["metadata"]
    return any((p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
               for p in view.pods_referencing("PersistentVolumeClaim", meta["namespace"], meta["name"]))


def reconcile_claim(key: Key, view: View, now: float) -> Result:
    pvc = view.get(key.kind, key.namespace, key.name)
    if pvc is None or not pvc["metadata"].get("deletionTimestamp") \
            or PVC_PROTECTION not in (pvc["metadata"].get("finalizers") or []):
        return Result()
    if _in_use(pvc, view):
        return Result()
    return Result([_without(pvc, PVC_PROTECTION)])


def reconcile_volume(key: Key, view: View, now: float) -> Result:
    pv = view.get(key.kind, key.namespace, key.name)
    if pv is None or not pv["metadata"].get("deletionTimestamp") \
            or PV_PROTECTION not in (pv["metadata"].get("finalizers") or []):
        return Result()
    if (pv.get("status") or {}).get("phase") == "Bound":
        return Result()
    return Result([_without(pv, PV_PROTECTION)])


def _self(obj: dict, view: View) -> Iterable[Key]:
    return (key_of(obj),)


def _pod_claims(obj: dict, view: View) -> Iterable[Key]:
    namespace = (obj.get("metadata") or {}).get("namespace", "")
    return [Key("PersistentVolumeClaim", namespace, claim) for _, claim in volumes.claims_of_pod(obj)]


PVC_COMPONENT = Component(name="pvc-protection", reconcile=reconcile_claim,
                          watches={"PersistentVolumeClaim": _self, "Pod": _pod_claims},
                          primary="PersistentVolumeClaim")
PV_COMPONENT = Component(name="pv-protection", reconcile=reconcile_volume,
                         watches={"PersistentVolume": _self}, primary="PersistentVolume")
