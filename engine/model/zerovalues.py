"""The fields kube-apiserver always serializes: Go zero values of non-omitempty fields. No I/O happens here.

The apiserver answers with Go structs encoded as JSON, so a struct field
without `omitempty` appears even at its zero value, and a struct-valued
`status` appears as `{}` when nothing is set: a Deployment read right
after its create shows `status: {}`, a ReplicaSet `status: {replicas: 0}`,
a Service `status: {loadBalancer: {}}`. litekube stores only what was
written; `served(obj)` adds what Go's encoding would show (types of
k8s.io/api v1.32). The Pod's `status.qosClass`, which the apiserver sets
on create (qos.GetPodQOS), is added the same way.
"""
from __future__ import annotations

from typing import Callable

__all__ = ["served"]

_NODE_INFO = ("architecture", "bootID", "containerRuntimeVersion", "kernelVersion", "kubeProxyVersion",
              "kubeletVersion", "machineID", "operatingSystem", "osImage", "systemUUID")


def _counts(*names: str) -> Callable[[dict, dict], None]:
    def fill(status: dict, obj: dict) -> None:
        for name in names:
            status.setdefault(name, 0)
    return fill


def _load_balancer(status: dict, obj: dict) -> None:
    if not isinstance(status.get("loadBalancer"), dict):
        status["loadBalancer"] = {}


def _pod(status: dict, obj: dict) -> None:
    if not status.get("qosClass"):
        from litekube.model.describing.pods import qos_class
        status["qosClass"] = qos_class(obj)


def _node(status: dict, obj: dict) -> None:
    endpoints = status.get("daemonEndpoints")
    endpoints = dict(endpoints) if isinstance(endpoints, dict) else {}
    kubelet = endpoints.get("kubeletEndpoint")
    kubelet = dict(kubelet) if isinstance(kubelet, dict) else {}
    kubelet.setdefault("Port", 0)
    endpoints["kubeletEndpoint"] = kubelet
    status["daemonEndpoints"] = endpoints
    info = status.get("nodeInfo")
    info = dict(info) if isinstance(info, dict) else {}
    for name in _NODE_INFO:
        info.setdefault(name, "")
    status["nodeInfo"] = info


# kind -> what its status struct serializes when empty (None: `{}` only)
_STATUS: dict[str, Callable[[dict, dict], None] | None] = {
    "Deployment": None,
    "ReplicaSet": _counts("replicas"),
    "ReplicationController": _counts("replicas"),
    "StatefulSet": _counts("availableReplicas", "replicas"),
    "DaemonSet": _counts("currentNumberScheduled", "desiredNumberScheduled", "numberMisscheduled", "numberReady"),
    "Job": None,
    "CronJob": None,
    "Pod": _pod,
    "Service": _load_balancer,
    "Ingress": _load_balancer,
    "Namespace": None,
    "PersistentVolumeClaim": None,
    "PersistentVolume": None,
    "HorizontalPodAutoscaler": _counts("desiredReplicas"),
    "PodDisruptionBudget": _counts("currentHealthy", "desiredHealthy", "disruptionsAllowed", "expectedPods"),
    "Node": _node,
    "ResourceQuota": None,
}


def served(obj: dict) -> dict:
    """`obj` as the apiserver encodes it: a new dict when a status field is added, else `obj` itself.
    Never changes `obj` (it may be shared, e.g. by every watcher of one change)."""
    fill = _STATUS.get(obj.get("kind", ""), False)
    if fill is False:
        return obj
    status = obj.get("status")
    if status is not None and not isinstance(status, dict):
        return obj
    new_status = dict(status or {})
    if fill is not None:
        fill(new_status, obj)
    if status is not None and new_status == status:
        return obj
    return {**obj, "status": new_status}
