"""`kubectl describe` for PersistentVolume, PersistentVolumeClaim and StorageClass.

No I/O happens here. As kubectl's describe.go (v1.32): describePersistentVolume
with printVolumeNodeAffinity and the volume source printers litekube's
provisioner and manifests use (hostPath, local, nfs, csi),
describePersistentVolumeClaim with its "Used By" pods, and the
StorageClass describer.
"""
from __future__ import annotations

from datetime import datetime

from litekube.model import durations
from litekube.model.describing.pods import print_annotations, print_labels
from litekube.model.tables import access_modes
from litekube.model.tables.storage import is_default_class, volume_class
from litekube.model.tabwriting import PrefixWriter

__all__ = ["DESCRIBERS", "claim_class"]


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _finalizers(obj: dict) -> str:
    return "[" + " ".join(_meta(obj).get("finalizers") or []) + "]"


def _status(w: PrefixWriter, obj: dict, phase: str, now: datetime) -> None:
    deleted = _meta(obj).get("deletionTimestamp")
    if deleted:
        w.write(0, f"Status:\tTerminating (lasts {durations.age(deleted, now)})\n")
    else:
        w.write(0, f"Status:\t{phase}\n")


def claim_class(pvc: dict) -> str:
    """GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName."""
    annotations = _meta(pvc).get("annotations") or {}
    return annotations.get("volume.beta.kubernetes.io/storage-class") or \
        (pvc.get("spec") or {}).get("storageClassName") or ""


def _node_affinity(w: PrefixWriter, affinity: dict | None) -> None:
    w.write(0, "Node Affinity:\t")
    required = (affinity or {}).get("required")
    if required is None:
        w.write_line("<none>")
        return
    w.write_line("")
    w.write(1, "Required Terms:\t")
    terms = required.get("nodeSelectorTerms") or []
    if not terms:
        w.write_line("<none>")
        return
    w.write_line("")
    for i, term in enumerate(terms):
        w.write(2, f"Term {i}:\t")
        reqs = term.get("matchExpressions") or []
        if not reqs:
            w.write_line("<none>")
            continue
        for j, req in enumerate(reqs):
            if j:
                w.write(2, "\t")
            text = f"{req.get('key', '')} {str(req.get('operator', '')).lower()}"
            if req.get("values"):
                text += f" [{', '.join(req['values'])}]"
            w.write(0, f"{text}\n")


def _source(w: PrefixWriter, spec: dict) -> None:
    if spec.get("hostPath") is not None:
        host_path = spec["hostPath"]
        kind = host_path.get("type")
        w.write(2, f"Type:\tHostPath (bare host directory volume)\n    Path:\t{host_path.get('path', '')}\n"
                   f"    HostPathType:\t{'<none>' if kind is None else kind}\n")
    elif spec.get("nfs") is not None:
        nfs = spec["nfs"]
        w.write(2, "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n"
                   f"    Server:\t{nfs.get('server', '')}\n    Path:\t{nfs.get('path', '')}\n"
                   f"    ReadOnly:\t{str(bool(nfs.get('readOnly'))).lower()}\n")
    elif spec.get("local") is not None:
        w.write(2, "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n"
                   f"    Path:\t{spec['local'].get('path', '')}\n")
    elif spec.get("csi") is not None:
        csi = spec["csi"]
        w.write(2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n"
                   f"    Driver:\t{csi.get('driver', '')}\n    FSType:\t{csi.get('fsType', '')}\n"
                   f"    VolumeHandle:\t{csi.get('volumeHandle', '')}\n"
                   f"    ReadOnly:\t{str(bool(csi.get('readOnly'))).lower()}\n")
        attributes = csi.get("volumeAttributes") or {}
        w.write(2, "VolumeAttributes:\t")
        if not attributes:
            w.write_line("<none>")
        for i, key in enumerate(sorted(attributes)):
            if i:
                w.write(2, "\t")
            w.write(2, f"{key}={attributes[key]}\n")
    else:
        w.write(1, "<unknown>\n")


def _persistent_volume(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    w.write(0, f"Name:\t{_meta(obj).get('name', '')}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, f"Finalizers:\t{_finalizers(obj)}\n")
    w.write(0, f"StorageClass:\t{volume_class(obj)}\n")
    _status(w, obj, status.get("phase", ""), now)
    claim = spec.get("claimRef")
    w.write(0, f"Claim:\t{claim.get('namespace', '') + '/' + claim.get('name', '') if claim else ''}\n")
    w.write(0, f"Reclaim Policy:\t{spec.get('persistentVolumeReclaimPolicy', '')}\n")
    w.write(0, f"Access Modes:\t{access_modes(spec.get('accessModes'))}\n")
    if spec.get("volumeMode"):
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    w.write(0, f"Capacity:\t{(spec.get('capacity') or {}).get('storage', '0')}\n")
    _node_affinity(w, spec.get("nodeAffinity"))
    w.write(0, f"Message:\t{status.get('message', '')}\n")
    w.write(0, "Source:\n")
    _source(w, spec)


def _claim_uses(pvc: dict, pod: dict) -> bool:
    name = _meta(pvc).get("name")
    if any((v.get("persistentVolumeClaim") or {}).get("claimName") == name
           for v in (pod.get("spec") or {}).get("volumes") or []):
        return True
    return any(ref.get("kind") == "Pod" and ref.get("uid") == _meta(pod).get("uid")
               for ref in _meta(pvc).get("ownerReferences") or [])


def _persistent_volume_claim(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    w.write(0, f"Name:\t{_meta(obj).get('name', '')}\n")
    w.write(0, f"Namespace:\t{_meta(obj).get('namespace', '')}\n")
    w.write(0, f"StorageClass:\t{claim_class(obj)}\n")
    _status(w, obj, status.get("phase", ""), now)
    w.write(0, f"Volume:\t{spec.get('volumeName', '')}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, f"Finalizers:\t{_finalizers(obj)}\n")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes(status.get("accessModes"))
        capacity = (status.get("capacity") or {}).get("storage", "0")
    w.write(0, f"Capacity:\t{capacity}\n")
    w.write(0, f"Access Modes:\t{modes}\n")
    if spec.get("volumeMode"):
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    source = spec.get("dataSource")
    if source:
        w.write(0, "DataSource:\n")
        if source.get("apiGroup") is not None:
            w.write(1, f"APIGroup:\t{source['apiGroup']}\n")
        w.write(1, f"Kind:\t{source.get('kind', '')}\n")
        w.write(1, f"Name:\t{source.get('name', '')}\n")
    pods = sorted({_meta(p).get("name", "") for p in related.get("pods") or [] if _claim_uses(obj, p)})
    w.write(0, "Used By:\t")
    if not pods:
        w.write_line("<none>")
    for i, name in enumerate(pods):
        if i:
            w.write(0, "\t")
        w.write(0, f"{name}\n")
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \t"
                       f"{durations.format_rfc1123z(c.get('lastProbeTime') or '')} \t"
                       f"{durations.format_rfc1123z(c.get('lastTransitionTime') or '')} \t"
                       f"{c.get('reason', '')} \t{c.get('message', '')}\n")


def _format_map(values: dict | None) -> str:
    """labels.FormatLabels: `k=v,k2=v2` sorted, `<none>` when empty."""
    if not values:
        return "<none>"
    return ",".join(f"{k}={values[k]}" for k in sorted(values))


def _storage_class(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    w.write(0, f"Name:\t{_meta(obj).get('name', '')}\n")
    w.write(0, f"IsDefaultClass:\t{'Yes' if is_default_class(obj) else 'No'}\n")
    w.write(0, f"Annotations:\t{_format_map(_meta(obj).get('annotations'))}\n")
    w.write(0, f"Provisioner:\t{obj.get('provisioner', '')}\n")
    w.write(0, f"Parameters:\t{_format_map(obj.get('parameters'))}\n")
    expansion = obj.get("allowVolumeExpansion")
    w.write(0, f"AllowVolumeExpansion:\t{'<unset>' if expansion is None else str(bool(expansion))}\n")
    options = obj.get("mountOptions") or []
    if not options:
        w.write(0, "MountOptions:\t<none>\n")
    else:
        w.write(0, "MountOptions:\n")
        for option in options:
            w.write(1, f"{option}\n")
    if obj.get("reclaimPolicy") is not None:
        w.write(0, f"ReclaimPolicy:\t{obj['reclaimPolicy']}\n")
    if obj.get("volumeBindingMode") is not None:
        w.write(0, f"VolumeBindingMode:\t{obj['volumeBindingMode']}\n")
    topologies = obj.get("allowedTopologies")
    if topologies is not None:
        w.write(0, "AllowedTopologies:\t")
        if not topologies:
            w.write_line("<none>")
        for i, term in enumerate(topologies):
            w.write_line("")
            w.write(1, f"Term {i}:\t")
            for j, req in enumerate(term.get("matchLabelExpressions") or []):
                if j:
                    w.write(1, "\t")
                w.write(0, f"{req.get('key', '')} in [{', '.join(req.get('values') or [])}]\n")


DESCRIBERS = {"PersistentVolume": _persistent_volume, "PersistentVolumeClaim": _persistent_volume_claim,
              "StorageClass": _storage_class}
