"""Storage printers: PersistentVolume and StorageClass (printers.go, v1.32).

No I/O happens here. PersistentVolumeClaim's printer stays with the cluster
printers; both share `access_modes` and `is_default_class`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from litekube.model.tables.cells import age, meta
from litekube.model.tables.cluster import access_modes

__all__ = ["PRINTERS", "DEFAULT_CLASS_ANNOTATION", "is_default_class", "volume_class"]

DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
_BETA_DEFAULT_CLASS_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class"


def is_default_class(sc: dict) -> bool:
    """storageutil.IsDefaultAnnotation: either annotation set to "true"."""
    annotations = meta(sc).get("annotations") or {}
    return (annotations.get(DEFAULT_CLASS_ANNOTATION) == "true"
            or annotations.get(_BETA_DEFAULT_CLASS_ANNOTATION) == "true")


def volume_class(pv: dict) -> str:
    """GetPersistentVolumeClass: the beta annotation, else spec.storageClassName."""
    annotations = meta(pv).get("annotations") or {}
    return annotations.get("volume.beta.kubernetes.io/storage-class") or \
        (pv.get("spec") or {}).get("storageClassName") or ""


def _persistent_volume(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    claim = spec.get("claimRef")
    claim_cell = f"{claim.get('namespace', '')}/{claim.get('name', '')}" if claim else ""
    phase = "Terminating" if meta(obj).get("deletionTimestamp") else status.get("phase", "")
    return [meta(obj).get("name", ""), (spec.get("capacity") or {}).get("storage", "0"),
            access_modes(spec.get("accessModes")), spec.get("persistentVolumeReclaimPolicy", ""), phase,
            claim_cell, volume_class(obj), spec.get("volumeAttributesClassName") or "<unset>",
            status.get("reason", ""), age(obj, now), spec.get("volumeMode") or "<unset>"]


def _storage_class(obj: dict, now: datetime) -> list:
    name = meta(obj).get("name", "")
    if is_default_class(obj):
        name += " (default)"
    expansion = "true" if obj.get("allowVolumeExpansion") else "false"
    return [name, obj.get("provisioner", ""), obj.get("reclaimPolicy") or "Delete",
            obj.get("volumeBindingMode") or "Immediate", expansion, age(obj, now)]


PRINTERS: dict[str, Callable[[dict, datetime], list]] = {
    "PersistentVolume": _persistent_volume,
    "StorageClass": _storage_class,
}
