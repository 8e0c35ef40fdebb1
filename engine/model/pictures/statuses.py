"""What a picture says about an object's health: kubectl-tree's READY/REASON, a pod's state, the colours.

No I/O happens here. `ready_reason` is kubectl-tree's extractStatus (the
status and reason of the object's `Ready` condition, empty when it has
none); `pod_state` sorts a pod into the handful of states the pictures
colour (ready, running but not ready, pending, failing, ...), from the same
STATUS computation `kubectl get pods` prints; `node_state` does the same
for a node.
"""
from __future__ import annotations

from enum import StrEnum

from litekube.model.tables import pods

__all__ = ["ready_reason", "PodState", "pod_state", "NodeState", "node_state", "POD_COLORS", "NODE_COLORS", "condition"]

# Container reasons that mean the pod is not going to get better by itself (printPod's STATUS words).
_FAILING = {"CrashLoopBackOff", "Error", "ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "CreateContainerConfigError", "CreateContainerError", "RunContainerError", "OOMKilled",
            "ContainerCannotRun", "StartError"}


def condition(obj: dict, type_: str) -> dict | None:
    """The status condition of that type, or None."""
    status = obj.get("status")
    if not isinstance(status, dict):
        return None
    for cond in status.get("conditions") or []:
        if isinstance(cond, dict) and cond.get("type") == type_:
            return cond
    return None


def ready_reason(obj: dict) -> tuple[str, str]:
    """kubectl-tree's (READY, REASON): the `Ready` condition's status and reason, ("", "") without one."""
    cond = condition(obj, "Ready")
    if cond is None:
        return "", ""
    return str(cond.get("status") or ""), str(cond.get("reason") or "")


class PodState(StrEnum):
    """The states a picture colours a pod by."""

    READY = "ready"              # Running, every container ready
    RUNNING = "running"          # Running, not (yet) ready
    PENDING = "pending"          # waiting for a node, or for its containers to start
    FAILING = "failing"          # crash-looping or unable to start its containers
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TERMINATING = "terminating"  # deletionTimestamp set, still there
    UNKNOWN = "unknown"          # its node stopped reporting (STATUS Unknown)


def pod_state(pod: dict) -> PodState:
    """The state of a pod, from its phase, its Ready condition and printPod's STATUS."""
    phase = (pod.get("status") or {}).get("phase") or "Pending"
    _, _, reason, _, _ = pods.pod_status(pod)
    if reason == "Unknown":
        return PodState.UNKNOWN
    if reason == "Terminating":
        return PodState.TERMINATING
    if phase == "Succeeded":
        return PodState.SUCCEEDED
    if phase == "Failed":
        return PodState.FAILED
    if reason in _FAILING or reason.startswith(("Init:CrashLoopBackOff", "Init:Error", "Init:ExitCode",
                                                "Init:Signal", "ExitCode:", "Signal:")):
        return PodState.FAILING
    if phase == "Running":
        ready = condition(pod, "Ready")
        return PodState.READY if ready is not None and ready.get("status") == "True" else PodState.RUNNING
    return PodState.PENDING


class NodeState(StrEnum):
    """The states a picture colours a node by."""

    READY = "ready"
    NOT_READY = "not-ready"    # Ready False
    UNKNOWN = "unknown"        # Ready Unknown: its kubelet stopped posting status
    CORDONED = "cordoned"      # Ready, but spec.unschedulable


def node_state(node: dict) -> NodeState:
    """A node's state: its Ready condition, then whether it is cordoned."""
    status, _ = ready_reason(node)
    if status == "Unknown" or not status:
        return NodeState.UNKNOWN
    if status != "True":
        return NodeState.NOT_READY
    if (node.get("spec") or {}).get("unschedulable"):
        return NodeState.CORDONED
    return NodeState.READY


# One palette for the graph and the web page (fill colours, as CSS/Graphviz hex).
POD_COLORS: dict[PodState, str] = {
    PodState.READY: "#2f9e44",
    PodState.RUNNING: "#f2c94c",
    PodState.PENDING: "#74a9e0",
    PodState.FAILING: "#e03131",
    PodState.SUCCEEDED: "#adb5bd",
    PodState.FAILED: "#8f1d1d",
    PodState.TERMINATING: "#f08c00",
    PodState.UNKNOWN: "#6c4f9e",
}
NODE_COLORS: dict[NodeState, str] = {
    NodeState.READY: "#e9f5ec",
    NodeState.NOT_READY: "#fde2e1",
    NodeState.UNKNOWN: "#ece4f6",
    NodeState.CORDONED: "#fff3d6",
}
