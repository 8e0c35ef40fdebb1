"""The VolumeBinding plugin (pkg/scheduler/framework/plugins/volumebinding, v1.32): claims decide nodes.

No I/O happens here. `prefilter(pod, view)` reads the pod's claims:

- a missing claim fails PreFilter with `persistentvolumeclaim "x" not found`,
  one being deleted with `persistentvolumeclaim "x" is being deleted`, an
  unbound claim of an Immediate class (or of no class) with `pod has unbound
  immediate PersistentVolumeClaims`; all UnschedulableAndUnresolvable;
- otherwise `VolumeCheck.filter(node)` rejects a node where a bound claim's
  volume has node affinity for other nodes (`node(s) had volume node
  affinity conflict`) or where an unbound WaitForFirstConsumer claim finds
  no volume and cannot be provisioned (`node(s) didn't find available
  persistent volumes to bind`);
- `VolumeCheck.pre_bind(node)` is AssumePodVolumes/BindPodVolumes: each
  unbound WaitForFirstConsumer claim is bound to the smallest fitting
  volume on the node (its claimRef written, `bound-by-controller`) or, with
  none, annotated `volume.kubernetes.io/selected-node` for its
  provisioner. The pod is bound to the node only once all its claims are
  Bound; until then the scheduler waits, as PreBind does.

A claim that already names a selected node keeps the pod on that node.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from litekube.model import values
from litekube.reconcile.base import Key, Update, View, key_of
from litekube.reconcile.common import volumes
from litekube.reconcile.scheduler.filters import Code, Status
from litekube.reconcile.scheduler.nodeinfo import NodeFacts

__all__ = ["UNBOUND_IMMEDIATE", "NODE_CONFLICT", "BIND_CONFLICT", "VolumeCheck", "prefilter", "claim_wakes",
           "volume_wakes", "claim_pods"]

UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"
NODE_CONFLICT = "node(s) had volume node affinity conflict"
BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
_NO_PROVISIONER = "kubernetes.io/no-provisioner"


@dataclass
class VolumeCheck:
    """The PreFilter state: the pod's bound volumes and its unbound delayed claims."""

    error: str = ""
    bound: list[dict] = field(default_factory=list)  # PersistentVolumes
    delayed: list[dict] = field(default_factory=list)  # unbound WaitForFirstConsumer claims
    nodes: dict[str, dict] = field(default_factory=dict)
    view: View | None = None

    @property
    def all_bound(self) -> bool:
        return not self.delayed

    def filter(self, node: NodeFacts) -> Status | None:
        raw = self.nodes.get(node.name)
        for pv in self.bound:
            if not volumes.node_matches(pv, raw):
                return Status(Code.UNRESOLVABLE, (NODE_CONFLICT,))
        for pvc in self.delayed:
            selected = (pvc["metadata"].get("annotations") or {}).get(volumes.SELECTED_NODE)
            if selected and selected != node.name:
                return Status(Code.UNRESOLVABLE, (BIND_CONFLICT,))
            if volumes.find_best_match(pvc, self._volumes(), node=raw) is None and not self._provisionable(pvc):
                return Status(Code.UNRESOLVABLE, (BIND_CONFLICT,))
        return None

    def _volumes(self) -> list[dict]:
        return self.view.list("PersistentVolume") if self.view is not None else []

    def _provisionable(self, pvc: dict) -> bool:
        sc = self.view.get("StorageClass", "", volumes.claim_class(pvc)) if self.view is not None else None
        return sc is not None and sc.get("provisioner") not in (None, "", _NO_PROVISIONER)

    def pre_bind(self, node: str) -> list:
        """The writes that bind or hand over the delayed claims for `node` (none once all are done)."""
        actions: list = []
        taken: set[str] = set()
        for pvc in self.delayed:
            annotations = pvc["metadata"].get("annotations") or {}
            if annotations.get(volumes.SELECTED_NODE) == node:
                continue
            free = [v for v in self._volumes() if v["metadata"]["name"] not in taken]
            pv = volumes.find_best_match(pvc, free, node=self.nodes.get(node))
            if pv is not None and not volumes.is_bound_to(pv, pvc):
                taken.add(pv["metadata"]["name"])
                new = values.clone(pv)
                new["spec"]["claimRef"] = volumes.claim_ref(pvc)
                new["metadata"].setdefault("annotations", {})[volumes.BOUND_BY_CONTROLLER] = "yes"
                actions.append(Update(new))
            elif pv is None:
                new = values.clone(pvc)
                new["metadata"].setdefault("annotations", {})[volumes.SELECTED_NODE] = node
                actions.append(Update(new))
        return actions


def prefilter(pod: dict, view: View) -> VolumeCheck | None:
    """The pod's VolumeCheck, or None when it mounts no claims."""
    claims = volumes.claims_of_pod(pod)
    if not claims:
        return None
    namespace = (pod.get("metadata") or {}).get("namespace", "")
    check = VolumeCheck(view=view, nodes={n["metadata"]["name"]: n for n in view.list("Node")})
    for _, name in claims:
        pvc = view.get("PersistentVolumeClaim", namespace, name)
        if pvc is None:
            check.error = f'persistentvolumeclaim "{name}" not found'
            return check
        if pvc["metadata"].get("deletionTimestamp"):
            check.error = f'persistentvolumeclaim "{name}" is being deleted'
            return check
        volume_name = (pvc.get("spec") or {}).get("volumeName")
        bound = (pvc["metadata"].get("annotations") or {}).get(volumes.BIND_COMPLETED) == "yes" and volume_name
        if bound:
            pv = view.get("PersistentVolume", "", volume_name)
            if pv is None:
                check.error = f'persistentvolume "{volume_name}" not found'
                return check
            check.bound.append(pv)
        elif volumes.delay_binding(pvc, view):
            check.delayed.append(pvc)
        else:
            check.error = UNBOUND_IMMEDIATE
            return check
    return check


def claim_pods(namespace: str, name: str, view: View) -> list[Key]:
    """The unscheduled pods that mount a claim."""
    return [key_of(p) for p in view.pods_referencing("PersistentVolumeClaim", namespace, name)
            if not (p.get("spec") or {}).get("nodeName") and not p["metadata"].get("deletionTimestamp")]


def claim_wakes(old: dict | None, new: dict | None, view: View) -> Iterable[Key]:
    obj = new or old or {}
    meta = obj.get("metadata") or {}
    return claim_pods(meta.get("namespace", ""), meta.get("name", ""), view)


def volume_wakes(old: dict | None, new: dict | None, view: View) -> Iterable[Key]:
    obj = new or old or {}
    ref = (obj.get("spec") or {}).get("claimRef")
    if ref:
        return claim_pods(ref.get("namespace", ""), ref.get("name", ""), view)
    return [key_of(p) for p in view.unscheduled_pods() if volumes.claims_of_pod(p)]
