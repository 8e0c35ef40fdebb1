"""Validation of PersistentVolume and StorageClass, as pkg/apis/core/validation and
pkg/apis/storage/validation (v1.32) word it.

No I/O happens here. Covers ValidatePersistentVolumeSpec (access modes,
capacity, class name, volume mode, reclaim policy, exactly one volume
source, hostPath/local paths, local volumes' node affinity),
ValidateStorageClass (provisioner, reclaim policy, binding mode) and
ValidateStorageClassUpdate (the immutable fields).
"""
from __future__ import annotations

from typing import Any, Mapping

from litekube.errors import Raw
from litekube.model import names
from litekube.model.validation.fields import Errs

__all__ = ["VALIDATORS", "UPDATE_VALIDATORS", "PV_SOURCES"]

_ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
_VOLUME_MODES = ("Block", "Filesystem")
_PV_RECLAIM = ("Delete", "Recycle", "Retain")
_SC_RECLAIM = ("Delete", "Retain")
_BINDING_MODES = ("Immediate", "WaitForFirstConsumer")
_HOST_PATH_TYPES = ("", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate",
                    "Socket")
PV_SOURCES = ("hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "nfs", "rbd", "quobyte",
              "iscsi", "cinder", "cephfs", "fc", "flocker", "flexVolume", "azureFile", "vsphereVolume",
              "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "local", "storageos", "csi")


def _resource_list(capacity: Mapping[str, Any] | None) -> Raw:
    if capacity is None:
        return Raw("core.ResourceList(nil)")
    body = ", ".join(f'"{k}":resource.Quantity{{...}}' for k in sorted(capacity))
    return Raw("core.ResourceList{" + body + "}")


def _no_backsteps(errs: Errs, path: str, value: str) -> None:
    if ".." in value.split("/"):
        errs.invalid(path, value, "must not contain '..'")


def validate_persistent_volume(errs: Errs, obj: Mapping[str, Any]) -> None:
    spec = obj.get("spec") or {}
    modes = spec.get("accessModes") or []
    if not modes:
        errs.required("spec.accessModes")
    for mode in modes:
        if mode not in _ACCESS_MODES:
            errs.not_supported("spec.accessModes", mode, _ACCESS_MODES)
    if "ReadWriteOncePod" in modes and len(modes) > 1:
        errs.forbidden("spec.accessModes", "may not use ReadWriteOncePod with other access modes")
    capacity = spec.get("capacity")
    if not capacity:
        errs.required("spec.capacity")
    if "storage" not in (capacity or {}) or len(capacity or {}) > 1:
        errs.not_supported("spec.capacity", _resource_list(capacity), ("storage",))
    storage_class = spec.get("storageClassName") or ""
    if storage_class:
        errs.messages("spec.storageClassName", storage_class, names.is_dns1123_subdomain(storage_class))
    if spec.get("volumeMode") not in (None, *_VOLUME_MODES):
        errs.not_supported("spec.volumeMode", spec["volumeMode"], _VOLUME_MODES)
    policy = spec.get("persistentVolumeReclaimPolicy") or ""
    if policy not in _PV_RECLAIM:
        errs.not_supported("spec.persistentVolumeReclaimPolicy", policy, _PV_RECLAIM)
    affinity = spec.get("nodeAffinity")
    if affinity is not None and not (affinity.get("required") or {}).get("nodeSelectorTerms"):
        errs.required("spec.nodeAffinity.required.nodeSelectorTerms", "must have at least one node selector term")
    sources = [name for name in PV_SOURCES if spec.get(name) is not None]
    for name in sources:
        source = spec.get(name) or {}
        if name in ("hostPath", "local"):
            if not source.get("path"):
                errs.required(f"spec.{name}.path")
            else:
                _no_backsteps(errs, f"spec.{name}.path", source["path"])
        if name == "hostPath" and source.get("type") not in (None, *_HOST_PATH_TYPES):
            errs.not_supported("spec.hostPath.type", source["type"], _HOST_PATH_TYPES)
        if name == "local" and affinity is None:
            errs.required("spec.nodeAffinity", "Local volume requires node affinity")
        if name == "nfs":
            if not source.get("server"):
                errs.required("spec.nfs.server")
            if not source.get("path"):
                errs.required("spec.nfs.path")
        if name == "csi":
            if not source.get("driver"):
                errs.required("spec.csi.driver")
            if not source.get("volumeHandle"):
                errs.required("spec.csi.volumeHandle")
    if not sources:
        errs.required("spec", "must specify a volume type")
    elif len(sources) > 1:
        errs.forbidden(f"spec.{sources[1]}", "may not specify more than 1 volume type")


def validate_persistent_volume_update(errs: Errs, obj: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    """ValidatePersistentVolumeUpdate: the volume source may not change once set."""
    new_spec, old_spec = obj.get("spec") or {}, old.get("spec") or {}
    if any(new_spec.get(name) != old_spec.get(name) for name in PV_SOURCES):
        errs.forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation")


def validate_storage_class(errs: Errs, obj: Mapping[str, Any]) -> None:
    provisioner = obj.get("provisioner") or ""
    if not provisioner:
        errs.required("provisioner")
    else:
        errs.messages("provisioner", provisioner.lower(), names.is_qualified_name(provisioner.lower()))
    policy = obj.get("reclaimPolicy")
    if policy is not None and policy not in _SC_RECLAIM:
        errs.not_supported("reclaimPolicy", policy, _SC_RECLAIM)
    mode = obj.get("volumeBindingMode")
    if mode is None:
        errs.required("volumeBindingMode")
    elif mode not in _BINDING_MODES:
        errs.not_supported("volumeBindingMode", mode, _BINDING_MODES)


def validate_storage_class_update(errs: Errs, obj: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    if (obj.get("parameters") or {}) != (old.get("parameters") or {}):
        errs.forbidden("parameters", "updates to parameters are forbidden.")
    if obj.get("provisioner") != old.get("provisioner"):
        errs.forbidden("provisioner", "updates to provisioner are forbidden.")
    if obj.get("reclaimPolicy") != old.get("reclaimPolicy"):
        errs.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden.")
    if obj.get("volumeBindingMode") != old.get("volumeBindingMode"):
        errs.invalid("volumeBindingMode", obj.get("volumeBindingMode"), "field is immutable")


VALIDATORS = {"PersistentVolume": validate_persistent_volume, "StorageClass": validate_storage_class}
UPDATE_VALIDATORS = {"PersistentVolume": validate_persistent_volume_update,
                     "StorageClass": validate_storage_class_update}
