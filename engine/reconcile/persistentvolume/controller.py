"""The PV controller (pkg/controller/volume/persistentvolume/pv_controller.go, v1.32): binds claims to volumes.

No I/O happens here. A key is a PersistentVolumeClaim (syncClaim) or a
PersistentVolume (syncVolume):

- an unbound claim takes the volume pre-bound to it, else the smallest
  Available volume of its class, access modes, mode, size and selector
  (index.go); a WaitForFirstConsumer claim waits for the scheduler
  (`waiting for first consumer to be created before binding`) until it
  carries `volume.kubernetes.io/selected-node`; with a class and no volume
  it is handed to its class's external provisioner (`ExternalProvisioning`);
  with neither, `no persistent volumes available for this claim and no
  storage class is set`. Pending claims are looked at again every 15 s
  (the controller's resync period), which repeats those events;
- binding writes the volume's claimRef (`pv.kubernetes.io/bound-by-controller`
  when the controller chose it), then the claim's volumeName with
  `pv.kubernetes.io/bind-completed`, and both phases Bound;
- a volume whose claim is gone is Released and reclaimed: Retain keeps it,
  Delete deletes it (a volume of an external provisioner is left to it; the
  in-tree hostPath deleter only deletes under /tmp, else the volume Fails
  with `VolumeFailedDelete`).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from litekube.model import durations, values
from litekube.reconcile.base import (
    Component,
    Delete,
    Key,
    RecordEvent,
    Result,
    Update,
    UpdateStatus,
    View,
    key_of,
    ref_of,
)
from litekube.reconcile.common import volumes

__all__ = ["COMPONENT", "NAME", "RESYNC", "reconcile", "external_provisioning_message"]

NAME = "persistentvolume-controller"
RESYNC = 15.0  # pvClaimSyncPeriod


def external_provisioning_message(provisioner: str) -> str:
    return (f"Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually "
            "by the system administrator. If volume creation is delayed, please verify that the provisioner is "
            "running and correctly registered.")


def _time(now: float) -> str:
    return durations.format_time(datetime.fromtimestamp(int(now), tz=timezone.utc))


def _event(obj: dict, type_: str, reason: str, message: str) -> RecordEvent:
    return RecordEvent(ref_of(obj), type_, reason, message, NAME)


def _unversioned(obj: dict) -> dict:
    """A copy without resourceVersion: the second write of one object in a pass (no precondition)."""
    out = values.clone(obj)
    out["metadata"].pop("resourceVersion", None)
    return out


def _volume_phase(pv: dict, phase: str, now: float, message: str = "") -> list:
    status = pv.get("status") or {}
    if status.get("phase") == phase and (status.get("message") or "") == message:
        return []
    new = values.clone(pv)
    new_status = {"phase": phase, "lastPhaseTransitionTime": _time(now)}
    if message:
        new_status["message"] = message
    new["status"] = new_status
    return [UpdateStatus(new)]


def _claim_pending(pvc: dict) -> list:
    if (pvc.get("status") or {}).get("phase") == "Pending":
        return []
    new = values.clone(pvc)
    new["status"] = {**(pvc.get("status") or {}), "phase": "Pending"}
    return [UpdateStatus(new)]


def _bind(pv: dict, pvc: dict, now: float) -> list:
    """bind(): the volume's claimRef and phase, then the claim's volumeName, annotations and status."""
    actions: list = []
    pv_name = pv["metadata"]["name"]
    ref = (pv.get("spec") or {}).get("claimRef") or {}
    if ref.get("uid") != pvc["metadata"].get("uid"):
        new_pv = values.clone(pv)
        new_pv["spec"]["claimRef"] = volumes.claim_ref(pvc)
        if not ref:
            new_pv["metadata"].setdefault("annotations", {})[volumes.BOUND_BY_CONTROLLER] = "yes"
        actions.append(Update(new_pv))
        pv = _unversioned(new_pv)
    actions += _volume_phase(pv, "Bound", now)
    annotations = pvc["metadata"].get("annotations") or {}
    spec = pvc.get("spec") or {}
    claim = pvc
    if spec.get("volumeName") != pv_name or annotations.get(volumes.BIND_COMPLETED) != "yes":
        claim = values.clone(pvc)
        claim_annotations = claim["metadata"].setdefault("annotations", {})
        if spec.get("volumeName") != pv_name:
            claim_annotations[volumes.BOUND_BY_CONTROLLER] = "yes"
        claim_annotations[volumes.BIND_COMPLETED] = "yes"
        claim.setdefault("spec", {})["volumeName"] = pv_name
        actions.append(Update(claim))
        claim = _unversioned(claim)
    pv_spec = pv.get("spec") or {}
    wanted = {**(pvc.get("status") or {}), "phase": "Bound", "accessModes": list(pv_spec.get("accessModes") or []),
              "capacity": dict(pv_spec.get("capacity") or {})}
    if wanted != (pvc.get("status") or {}):
        new = values.clone(claim)
        new["status"] = wanted
        actions.append(UpdateStatus(new if claim is not pvc else new))
    return actions


def _waiting_pods(pvc: dict, view: View) -> list[str]:
    """findNonScheduledPodsByPVC: unscheduled pods that mount the claim."""
    meta = pvc["metadata"]
    return sorted(p["metadata"]["name"] for p in view.pods_referencing("PersistentVolumeClaim", meta["namespace"],
                                                                        meta["name"])
                  if not (p.get("spec") or {}).get("nodeName"))


def _sync_unbound(pvc: dict, view: View, now: float) -> Result:
    annotations = pvc["metadata"].get("annotations") or {}
    delay = volumes.delay_binding(pvc, view)
    pv = volumes.find_best_match(pvc, view.list("PersistentVolume"), delay_binding=delay)
    if pv is not None:
        return Result(_bind(pv, pvc, now))
    actions = _claim_pending(pvc)
    class_name = volumes.claim_class(pvc)
    if delay and volumes.SELECTED_NODE not in annotations:
        pods = _waiting_pods(pvc, view)
        if pods:
            message = (f"waiting for pods {','.join(pods)} to be scheduled" if len(pods) > 1
                       else f"waiting for pod {pods[0]} to be scheduled")
            actions.append(_event(pvc, "Normal", "WaitForPodScheduled", message))
        else:
            actions.append(_event(pvc, "Normal", "WaitForFirstConsumer",
                                  "waiting for first consumer to be created before binding"))
    elif class_name:
        sc = view.get("StorageClass", "", class_name)
        if sc is None:
            actions.append(_event(pvc, "Warning", "ProvisioningFailed",
                                  f'storageclass.storage.k8s.io "{class_name}" not found'))
        else:
            provisioner = sc.get("provisioner", "")
            if annotations.get(volumes.STORAGE_PROVISIONER) != provisioner \
                    or annotations.get(volumes.BETA_STORAGE_PROVISIONER) != provisioner:
                claim = values.clone(pvc)
                claim_annotations = claim["metadata"].setdefault("annotations", {})
                claim_annotations[volumes.STORAGE_PROVISIONER] = provisioner
                claim_annotations[volumes.BETA_STORAGE_PROVISIONER] = provisioner
                actions.insert(0, Update(claim))
                actions[1:] = [UpdateStatus(_unversioned({**claim, "status": a.obj["status"]}))
                               for a in actions[1:]]
            actions.append(_event(pvc, "Normal", "ExternalProvisioning", external_provisioning_message(provisioner)))
    else:
        actions.append(_event(pvc, "Normal", "FailedBinding",
                              "no persistent volumes available for this claim and no storage class is set"))
    return Result(actions, requeue_after=RESYNC, routine=True)


def _sync_claim(pvc: dict, view: View, now: float) -> Result:
    spec = pvc.get("spec") or {}
    name = spec.get("volumeName") or ""
    if not name:
        return _sync_unbound(pvc, view, now)
    pv = view.get("PersistentVolume", "", name)
    completed = (pvc["metadata"].get("annotations") or {}).get(volumes.BIND_COMPLETED) == "yes"
    if not completed:
        # 1. Pre-bound by the user to a volume by name.
        if pv is None:
            return Result(_claim_pending(pvc), requeue_after=RESYNC, routine=True)
        ref = (pv.get("spec") or {}).get("claimRef")
        if not ref:
            reason = volumes.mismatch(pv, pvc)
            if reason is not None:
                return Result(_claim_pending(pvc) + [_event(pvc, "Warning", "VolumeMismatch",
                                                             f'Cannot bind to requested volume "{name}": {reason}')],
                              requeue_after=RESYNC, routine=True)
            return Result(_bind(pv, pvc, now))
        if volumes.is_bound_to(pv, pvc):
            return Result(_bind(pv, pvc, now))
        return Result(_claim_pending(pvc) + [_event(pvc, "Warning", "FailedBinding",
                                                     f'volume "{name}" already bound to a different claim.')],
                      requeue_after=RESYNC, routine=True)
    # 2. Bound: keep both sides in agreement.
    if pv is None:
        return Result(_claim_lost(pvc) + [_event(pvc, "Warning", "ClaimLost", "Bound claim has lost reference to "
                                                 "PersistentVolume. Data on the volume is lost!")])
    ref = (pv.get("spec") or {}).get("claimRef")
    if not ref or ref.get("uid") == pvc["metadata"].get("uid"):
        return Result(_bind(pv, pvc, now))
    return Result(_claim_lost(pvc) + [_event(pvc, "Warning", "ClaimMisbound", "Two claims are bound to the same "
                                             "volume, this one is bound incorrectly")])


def _claim_lost(pvc: dict) -> list:
    if (pvc.get("status") or {}).get("phase") == "Lost":
        return []
    new = values.clone(pvc)
    new["status"] = {**(pvc.get("status") or {}), "phase": "Lost"}
    return [UpdateStatus(new)]


def _reclaim(pv: dict, now: float) -> list:
    """reclaimVolume: Retain keeps the volume; Delete deletes it where litekube's in-tree deleter can."""
    spec = pv.get("spec") or {}
    policy = spec.get("persistentVolumeReclaimPolicy")
    if policy != "Delete":
        return []
    annotations = pv["metadata"].get("annotations") or {}
    if annotations.get(volumes.PROVISIONED_BY):
        return []  # an external provisioner's volume: it deletes it
    host_path = (spec.get("hostPath") or {}).get("path")
    if host_path is not None:
        if host_path.startswith("/tmp/") and len(host_path) > len("/tmp/"):
            return [Delete("PersistentVolume", "", pv["metadata"]["name"], uid=pv["metadata"].get("uid", ""))]
        error = f"host_path deleter only supports /tmp/.+ but received provided {host_path}"
    else:
        error = (f'error getting deleter volume plugin for volume "{pv["metadata"]["name"]}": '
                 "no deletable volume plugin matched")
    if (pv.get("status") or {}).get("phase") == "Failed":
        return []
    return _volume_phase(pv, "Failed", now, error) + [_event(pv, "Warning", "VolumeFailedDelete", error)]


def _sync_volume(pv: dict, view: View, now: float) -> Result:
    spec = pv.get("spec") or {}
    ref = spec.get("claimRef")
    phase = (pv.get("status") or {}).get("phase")
    # 1. Not bound, or pre-bound by name only: Available for a claim.
    if not ref or not ref.get("uid"):
        return Result(_volume_phase(pv, "Available", now) if phase != "Available" else [])
    claim = view.get("PersistentVolumeClaim", ref.get("namespace", ""), ref.get("name", ""))
    if claim is not None and claim["metadata"].get("uid") != ref.get("uid"):
        claim = None  # a new claim with the old name is another claim
    # 2. The claim is gone: Released, then reclaimed.
    if claim is None:
        if phase in ("Released", "Failed"):
            return Result(_reclaim(pv, now))
        released = _volume_phase(pv, "Released", now)
        following = values.clone(pv)
        following["status"] = {"phase": "Released"}
        return Result(released + _reclaim(_unversioned(following), now))
    volume_name = (claim.get("spec") or {}).get("volumeName") or ""
    # 3. The claim is not bound yet: its own sync completes the binding.
    if not volume_name:
        return Result()
    if volume_name == pv["metadata"]["name"]:
        return Result(_volume_phase(pv, "Bound", now) if phase != "Bound" else [])
    # 4. The claim is bound to another volume: undo a binding the controller made, else release.
    if (pv["metadata"].get("annotations") or {}).get(volumes.BOUND_BY_CONTROLLER):
        new = values.clone(pv)
        new["spec"].pop("claimRef", None)
        new["metadata"]["annotations"].pop(volumes.BOUND_BY_CONTROLLER, None)
        return Result([Update(new)] + _volume_phase(_unversioned(new), "Available", now))
    return Result(_volume_phase(pv, "Released", now))


def reconcile(key: Key, view: View, now: float) -> Result:
    obj = view.get(key.kind, key.namespace, key.name)
    if obj is None:
        return Result()
    if key.kind == "PersistentVolume":
        return _sync_volume(obj, view, now)
    return _sync_claim(obj, view, now)


def _volume_keys(obj: dict, view: View) -> Iterable[Key]:
    keys = [key_of(obj)]
    ref = (obj.get("spec") or {}).get("claimRef")
    if ref:
        keys.append(Key("PersistentVolumeClaim", ref.get("namespace", ""), ref.get("name", "")))
    else:
        # A volume that becomes Available may serve any pending claim.
        keys += [key_of(c) for c in view.list("PersistentVolumeClaim")
                 if not (c.get("spec") or {}).get("volumeName")]
    return keys


def _claim_keys(obj: dict, view: View) -> Iterable[Key]:
    keys = [key_of(obj)]
    name = (obj.get("spec") or {}).get("volumeName")
    if name:
        keys.append(Key("PersistentVolume", "", name))
    else:
        # A deleted claim releases the volume that named it.
        keys += [key_of(v) for v in view.list("PersistentVolume")
                 if ((v.get("spec") or {}).get("claimRef") or {}).get("name") == obj["metadata"].get("name")
                 and ((v.get("spec") or {}).get("claimRef") or {}).get("namespace")
                 == obj["metadata"].get("namespace")]
    return keys


COMPONENT = Component(name="persistentvolume-binder", reconcile=reconcile,
                      watches={"PersistentVolumeClaim": _claim_keys, "PersistentVolume": _volume_keys},
                      primary="PersistentVolumeClaim")
