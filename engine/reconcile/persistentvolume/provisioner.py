"""kind's dynamic provisioner, rancher/local-path-provisioner, simulated: a hostPath volume on the selected node.

No I/O happens here. As local-path-provisioner (provisioner.go) driven by
sig-storage-lib-external-provisioner's controller:

- a claim handed to `rancher.io/local-path` (the storage-provisioner
  annotation the PV controller sets) and not bound yet gets a volume named
  `pvc-<claim uid>`: hostPath `/var/local-path-provisioner/<pv>_<ns>_<claim>`
  (DirectoryOrCreate), node affinity `kubernetes.io/hostname In [<node>]`,
  the class's reclaim policy, the claim's size, modes and volume mode, and a
  claimRef to the claim, so that the PV controller binds the two;
- the node is the claim's `volume.kubernetes.io/selected-node`, which the
  scheduler sets for a WaitForFirstConsumer claim; an Immediate class has
  none, and provisioning fails as local-path fails it;
- events `Provisioning` then `ProvisioningSucceeded` on the claim, from the
  provisioner's identity;
- a Released volume it provisioned with the Delete policy is deleted (its
  directory removed by a helper pod on kind, nothing to remove here).
"""
from __future__ import annotations

from collections.abc import Iterable

from litekube.reconcile.base import Component, Create, Delete, Key, RecordEvent, Result, View, key_of, ref_of
from litekube.reconcile.common import volumes

__all__ = ["COMPONENT", "PROVISIONER", "IDENTITY", "BASE_PATH", "reconcile", "volume_for"]

PROVISIONER = "rancher.io/local-path"
# The events' source: `<provisioner>_<pod name>_<uuid>` on kind; litekube's provisioner has no pod.
IDENTITY = "rancher.io/local-path_local-path-provisioner"
BASE_PATH = "/var/local-path-provisioner"
_SELECTED_NODE = "local.path.provisioner/selected-node"


def volume_for(pvc: dict, sc: dict, node: str) -> dict:
    """The PersistentVolume local-path makes for `pvc` on `node`."""
    meta, spec = pvc["metadata"], pvc.get("spec") or {}
    name = f"pvc-{meta.get('uid', '')}"
    return {
        "apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": name, "annotations": {_SELECTED_NODE: node, volumes.PROVISIONED_BY: PROVISIONER}},
        "spec": {
            "accessModes": list(spec.get("accessModes") or []),
            "capacity": {"storage": (((spec.get("resources") or {}).get("requests") or {}).get("storage", "0"))},
            "claimRef": volumes.claim_ref(pvc),
            "hostPath": {"path": f"{BASE_PATH}/{name}_{meta.get('namespace', '')}_{meta.get('name', '')}",
                         "type": "DirectoryOrCreate"},
            "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}},
            "persistentVolumeReclaimPolicy": sc.get("reclaimPolicy") or "Delete",
            "storageClassName": sc["metadata"]["name"],
            "volumeMode": spec.get("volumeMode") or "Filesystem",
        },
    }


def _event(pvc: dict, type_: str, reason: str, message: str) -> RecordEvent:
    return RecordEvent(ref_of(pvc), type_, reason, message, IDENTITY)


def _sync_claim(pvc: dict, view: View) -> Result:
    meta, spec = pvc["metadata"], pvc.get("spec") or {}
    annotations = meta.get("annotations") or {}
    # 1. Not ours, bound already, or being deleted.
    if annotations.get(volumes.STORAGE_PROVISIONER) != PROVISIONER or spec.get("volumeName") \
            or meta.get("deletionTimestamp"):
        return Result()
    sc = view.get("StorageClass", "", volumes.claim_class(pvc))
    if sc is None or sc.get("provisioner") != PROVISIONER:
        return Result()
    # 2. Made already: the PV controller binds it.
    if view.get("PersistentVolume", "", f"pvc-{meta.get('uid', '')}") is not None:
        return Result()
    claim = f"{meta.get('namespace', '')}/{meta.get('name', '')}"
    node = annotations.get(volumes.SELECTED_NODE)
    if not node:
        return Result([_event(pvc, "Normal", "Provisioning",
                              f'External provisioner is provisioning volume for claim "{claim}"'),
                       _event(pvc, "Warning", "ProvisioningFailed",
                              f'failed to provision volume with StorageClass "{sc["metadata"]["name"]}": '
                              "configuration error, no node was specified")])
    pv = volume_for(pvc, sc, node)
    return Result([
        _event(pvc, "Normal", "Provisioning", f'External provisioner is provisioning volume for claim "{claim}"'),
        Create(pv, event=_event(pvc, "Normal", "ProvisioningSucceeded",
                                f"Successfully provisioned volume {pv['metadata']['name']}")),
    ])


def _sync_volume(pv: dict) -> Result:
    annotations = pv["metadata"].get("annotations") or {}
    if annotations.get(volumes.PROVISIONED_BY) != PROVISIONER or pv["metadata"].get("deletionTimestamp"):
        return Result()
    if (pv.get("status") or {}).get("phase") != "Released" \
            or (pv.get("spec") or {}).get("persistentVolumeReclaimPolicy") != "Delete":
        return Result()
    return Result([Delete("PersistentVolume", "", pv["metadata"]["name"], uid=pv["metadata"].get("uid", ""))])


def reconcile(key: Key, view: View, now: float) -> Result:
    obj = view.get(key.kind, key.namespace, key.name)
    if obj is None:
        return Result()
    if key.kind == "PersistentVolume":
        return _sync_volume(obj)
    return _sync_claim(obj, view)


def _self(obj: dict, view: View) -> Iterable[Key]:
    return (key_of(obj),)


COMPONENT = Component(name="local-path-provisioner", reconcile=reconcile,
                      watches={"PersistentVolumeClaim": _self, "PersistentVolume": _self},
                      primary="PersistentVolumeClaim")
