"""What the PV controller, the provisioner, the scheduler and the kubelet share about claims and volumes.

No I/O happens here. After pkg/controller/volume/persistentvolume/index.go
(findByClaim: the smallest volume that satisfies a claim),
pv_controller.go's checkVolumeSatisfyClaim, component-helpers'
storage/volume (GetPersistentVolumeClaimClass, IsDelayBindingMode,
CheckNodeAffinity) and the annotations they set.
"""
from __future__ import annotations

from fractions import Fraction

from litekube.model import quantities, selectors
from litekube.reconcile.base import View
from litekube.reconcile.scheduler import nodeinfo

__all__ = ["BIND_COMPLETED", "BOUND_BY_CONTROLLER", "SELECTED_NODE", "STORAGE_PROVISIONER",
           "BETA_STORAGE_PROVISIONER", "PROVISIONED_BY", "claim_class", "volume_class", "requested",
           "capacity", "is_bound_to", "mismatch", "find_best_match", "delay_binding", "node_matches",
           "claims_of_pod", "claim_ref"]

BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
PROVISIONED_BY = "pv.kubernetes.io/provisioned-by"
SELECTED_NODE = "volume.kubernetes.io/selected-node"
STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
_BETA_CLASS = "volume.beta.kubernetes.io/storage-class"


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def claim_class(pvc: dict) -> str:
    """GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName, else ""."""
    annotations = _meta(pvc).get("annotations") or {}
    if _BETA_CLASS in annotations:
        return annotations[_BETA_CLASS]
    return (pvc.get("spec") or {}).get("storageClassName") or ""


def volume_class(pv: dict) -> str:
    annotations = _meta(pv).get("annotations") or {}
    if _BETA_CLASS in annotations:
        return annotations[_BETA_CLASS]
    return (pv.get("spec") or {}).get("storageClassName") or ""


def requested(pvc: dict) -> Fraction:
    storage = (((pvc.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage", "0")
    return quantities.parse(storage)


def capacity(pv: dict) -> Fraction:
    return quantities.parse(((pv.get("spec") or {}).get("capacity") or {}).get("storage", "0"))


def claim_ref(pvc: dict) -> dict:
    """The claimRef a volume bound to `pvc` carries (GetReference)."""
    meta = _meta(pvc)
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": meta.get("name", ""),
            "namespace": meta.get("namespace", ""), "resourceVersion": meta.get("resourceVersion", ""),
            "uid": meta.get("uid", "")}


def is_bound_to(pv: dict, pvc: dict) -> bool:
    """isVolumeBoundToClaim: claimRef names the claim (and its uid, when the ref has one)."""
    ref = (pv.get("spec") or {}).get("claimRef")
    if not ref:
        return False
    meta = _meta(pvc)
    if ref.get("name") != meta.get("name") or ref.get("namespace") != meta.get("namespace"):
        return False
    return not ref.get("uid") or ref.get("uid") == meta.get("uid")


def _modes_ok(pv: dict, pvc: dict) -> bool:
    have = set((pv.get("spec") or {}).get("accessModes") or [])
    return all(mode in have for mode in (pvc.get("spec") or {}).get("accessModes") or [])


def _volume_mode(obj: dict) -> str:
    return (obj.get("spec") or {}).get("volumeMode") or "Filesystem"


def mismatch(pv: dict, pvc: dict) -> str | None:
    """checkVolumeSatisfyClaim: why a requested volume cannot serve the claim, or None."""
    if capacity(pv) < requested(pvc):
        return "requested PV is too small"
    if volume_class(pv) != claim_class(pvc):
        return "storageClassName does not match"
    if _volume_mode(pv) != _volume_mode(pvc):
        return "incompatible volumeMode"
    if not _modes_ok(pv, pvc):
        return "incompatible accessMode"
    return None


def node_matches(pv: dict, node: dict | None) -> bool:
    """CheckNodeAffinity: a volume without required node affinity fits every node."""
    terms = (((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required") or {}).get("nodeSelectorTerms")
    if not terms:
        return True
    if node is None:
        return False
    facts = nodeinfo.node_facts(node)
    return any(term.matches(facts) for term in nodeinfo.parse_terms(terms))


def find_best_match(pvc: dict, volumes: list[dict], node: dict | None = None,
                    delay_binding: bool = False) -> dict | None:
    """findMatchingVolume: a volume pre-bound to the claim first, else the smallest that satisfies it.

    Skipped: volumes being deleted, bound to another claim, not Available, of
    another class, mode or access modes, too small, not matching the claim's
    selector, or (with `node`) whose node affinity excludes it. With
    `delay_binding` and no node, only pre-bound volumes are taken: the
    scheduler binds the rest.
    """
    size = requested(pvc)
    selector = (pvc.get("spec") or {}).get("selector")
    parsed = selectors.from_label_selector(selector) if selector else None
    best: dict | None = None
    for pv in sorted(volumes, key=lambda v: _meta(v).get("name", "")):
        if _meta(pv).get("deletionTimestamp"):
            continue
        if _volume_mode(pv) != _volume_mode(pvc):
            continue
        if node is not None and not node_matches(pv, node):
            continue
        bound = is_bound_to(pv, pvc)
        if bound and capacity(pv) >= size and volume_class(pv) == claim_class(pvc) and _modes_ok(pv, pvc):
            return pv  # pre-bound: an exact fit by the administrator's choice
        if (pv.get("spec") or {}).get("claimRef") or (pv.get("status") or {}).get("phase") != "Available":
            continue
        if node is None and delay_binding:
            continue
        if volume_class(pv) != claim_class(pvc) or not _modes_ok(pv, pvc):
            continue
        if parsed is not None and not parsed.matches(_meta(pv).get("labels") or {}):
            continue
        if capacity(pv) < size:
            continue
        if best is None or capacity(pv) < capacity(best):
            best = pv
    return best


def delay_binding(pvc: dict, view: View) -> bool:
    """IsDelayBindingMode: the claim's class exists and binds WaitForFirstConsumer."""
    name = claim_class(pvc)
    if not name:
        return False
    sc = view.get("StorageClass", "", name)
    return sc is not None and sc.get("volumeBindingMode") == "WaitForFirstConsumer"


def claims_of_pod(pod: dict) -> list[tuple[str, str]]:
    """(volume name, claim name) of every claim a pod mounts, ephemeral volumes as `<pod>-<volume>`."""
    out = []
    for volume in (pod.get("spec") or {}).get("volumes") or []:
        if isinstance(volume.get("persistentVolumeClaim"), dict):
            out.append((volume.get("name", ""), volume["persistentVolumeClaim"].get("claimName", "")))
        elif isinstance(volume.get("ephemeral"), dict):
            out.append((volume.get("name", ""), f"{_meta(pod).get('name', '')}-{volume.get('name', '')}"))
    return out
