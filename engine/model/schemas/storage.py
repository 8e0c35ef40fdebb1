"""Field descriptions of PersistentVolume (core/v1) and StorageClass (storage.k8s.io/v1).

No I/O happens here. Written after staging/src/k8s.io/api/core/v1/types.go
(PersistentVolumeSpec, PersistentVolumeSource) and storage/v1/types.go.
"""
from __future__ import annotations

from litekube.model.schemas.core import OBJECT_REFERENCE
from litekube.model.schemas.meta import top_level
from litekube.model.schemas.pods import NODE_SELECTOR
from litekube.model.schemas.types import (
    BOOL,
    FREE,
    MAP_STRING,
    RESOURCE_LIST,
    STRING,
    STRINGS,
    TIME,
    ListOf,
    Struct,
    named,
    struct,
)

__all__ = ["STORAGE"]

_SECRET_REFERENCE = struct("SecretReference", name=STRING, namespace=STRING)
_PV_PLUGINS = ("gcePersistentDisk", "awsElasticBlockStore", "iscsi", "glusterfs", "rbd", "flexVolume",
               "cinder", "cephfs", "flocker", "fc", "azureFile", "azureDisk", "vsphereVolume", "quobyte",
               "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos")

_PV_SPEC = struct(
    "PersistentVolumeSpec", capacity=RESOURCE_LIST,
    hostPath=struct("HostPathVolumeSource", path=STRING, type=named("v1.HostPathType")),
    local=struct("LocalVolumeSource", path=STRING, fsType=STRING),
    nfs=struct("NFSVolumeSource", server=STRING, path=STRING, readOnly=BOOL),
    csi=struct("CSIPersistentVolumeSource", driver=STRING, volumeHandle=STRING, readOnly=BOOL, fsType=STRING,
               volumeAttributes=MAP_STRING, controllerPublishSecretRef=_SECRET_REFERENCE,
               nodeStageSecretRef=_SECRET_REFERENCE, nodePublishSecretRef=_SECRET_REFERENCE,
               controllerExpandSecretRef=_SECRET_REFERENCE, nodeExpandSecretRef=_SECRET_REFERENCE),
    accessModes=ListOf(named("v1.PersistentVolumeAccessMode")), claimRef=OBJECT_REFERENCE,
    persistentVolumeReclaimPolicy=named("v1.PersistentVolumeReclaimPolicy"), storageClassName=STRING,
    mountOptions=STRINGS, volumeMode=named("v1.PersistentVolumeMode"),
    nodeAffinity=struct("VolumeNodeAffinity", required=NODE_SELECTOR), volumeAttributesClassName=STRING,
    **{name: FREE for name in _PV_PLUGINS})
_PV_STATUS = struct("PersistentVolumeStatus", phase=named("v1.PersistentVolumePhase"), message=STRING,
                    reason=STRING, lastPhaseTransitionTime=TIME)
_TOPOLOGY = struct("v1.TopologySelectorTerm", matchLabelExpressions=ListOf(struct(
    "v1.TopologySelectorLabelRequirement", key=STRING, values=STRINGS)))

STORAGE: dict[str, Struct] = {
    "PersistentVolume": top_level("PersistentVolume", spec=_PV_SPEC, status=_PV_STATUS),
    "StorageClass": top_level(
        "StorageClass", provisioner=STRING, parameters=MAP_STRING,
        reclaimPolicy=named("v1.PersistentVolumeReclaimPolicy"), mountOptions=STRINGS,
        allowVolumeExpansion=BOOL, volumeBindingMode=named("v1.VolumeBindingMode"),
        allowedTopologies=ListOf(_TOPOLOGY)),
}

