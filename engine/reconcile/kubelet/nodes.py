"""The simulated kubelet's node side: the Lease heartbeat and the node status it posts.

No I/O happens here. A live node renews `kube-node-lease/<node>` every 10s
(nodeLeaseDurationSeconds 40), posts Ready with its addresses, nodeInfo and
capacity when it is not Ready, and refreshes lastHeartbeatTime every 5
minutes (nodeStatusReportFrequency). A node annotated
`sim.litekube.io/down: "true"` does nothing at all.
"""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timezone

from litekube.model import durations, values
from litekube.reconcile.base import (
    Create,
    Key,
    RecordEvent,
    Result,
    Update,
    UpdateStatus,
    View,
)
from litekube.reconcile.kubelet import simulation
from litekube.reconcile.kubelet import status as ks

__all__ = ["reconcile_node", "LEASE_NAMESPACE", "LEASE_DURATION", "RENEW_INTERVAL", "REPORT_INTERVAL",
           "KUBELET_VERSION", "micro_time"]

LEASE_NAMESPACE = "kube-node-lease"
LEASE_DURATION = 40
RENEW_INTERVAL = 10.0  # nodeLeaseDurationSeconds / 4, as the kubelet renews
REPORT_INTERVAL = 300.0  # nodeStatusReportFrequency
KUBELET_VERSION = "v1.32.0"
COMPONENT = "kubelet"

# (type, reason, message) for the pressure conditions, in the kubelet's order.
_PRESSURE = (
    ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
)
_DEFAULT_CAPACITY = {"cpu": "4", "memory": "16Gi", "pods": "110"}


def micro_time(t: float) -> str:
    """metav1.MicroTime as the API serializes it: `2026-11-27T02:15:05.000000Z`."""
    return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _ts(text: str | None) -> float | None:
    return durations.parse_time(text).timestamp() if text else None


def _lease(node: dict, now: float, existing: dict | None) -> dict:
    name = node["metadata"]["name"]
    # A renewal changes only the spec: the rest is shared with the cached Lease (never changed).
    lease: dict = {**existing, "spec": dict(existing.get("spec") or {})} if existing else {
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": name, "namespace": LEASE_NAMESPACE, "ownerReferences": [
            {"apiVersion": "v1", "kind": "Node", "name": name, "uid": node["metadata"].get("uid", "")}]},
        "spec": {}}
    lease.setdefault("spec", {}).update(
        {"holderIdentity": name, "leaseDurationSeconds": LEASE_DURATION, "renewTime": micro_time(now)})
    return lease


def _node_info(name: str) -> dict:
    digest = hashlib.sha256(name.encode()).hexdigest()
    return {"architecture": "amd64", "bootID": str(uuid.UUID(digest[:32])),
            "containerRuntimeVersion": "containerd://1.7.0", "kernelVersion": "6.8.0-litekube",
            "kubeletVersion": KUBELET_VERSION, "machineID": digest[32:64], "operatingSystem": "linux",
            "osImage": "Ubuntu 24.04.1 LTS", "systemUUID": str(uuid.UUID(digest[32:64]))}


def _ready_status(node: dict, stamp: str) -> dict:
    """The full status a kubelet posts when it (re)registers as Ready."""
    status = values.clone(node.get("status") or {})
    old = {c.get("type"): c for c in status.get("conditions") or []}
    conditions = []
    for kind, reason, message, value in [(*p, "False") for p in _PRESSURE] + \
            [("Ready", "KubeletReady", "kubelet is posting ready status", "True")]:
        previous = old.get(kind)
        since = previous["lastTransitionTime"] if previous and previous.get("status") == value \
            and previous.get("lastTransitionTime") else stamp
        conditions.append({"lastHeartbeatTime": stamp, "lastTransitionTime": since, "message": message,
                           "reason": reason, "status": value, "type": kind})
    status["conditions"] = [c for c in status.get("conditions") or []
                            if c.get("type") not in {c["type"] for c in conditions}] + conditions
    name = node["metadata"]["name"]
    status["addresses"] = _addresses(node)
    status["capacity"] = {**_DEFAULT_CAPACITY, **(status.get("capacity") or {})}
    status["allocatable"] = {**status["capacity"], **(status.get("allocatable") or {})}
    status["daemonEndpoints"] = {"kubeletEndpoint": {"Port": 10250}}
    status["nodeInfo"] = {**_node_info(name), **(status.get("nodeInfo") or {})}
    return status


def _addresses(node: dict) -> list[dict]:
    ip = simulation.node_internal_ip(node)
    addresses = [{"address": ip, "type": "InternalIP"}] if ip else []
    return addresses + [{"address": node["metadata"]["name"], "type": "Hostname"}]


def _events(node: dict) -> list[RecordEvent]:
    """What a starting kubelet records about its node (the involved uid is the node name, as upstream)."""
    name = node["metadata"]["name"]
    ref = {"apiVersion": "v1", "kind": "Node", "name": name, "uid": name}
    events = [RecordEvent(ref, "Normal", "Starting", "Starting kubelet.", COMPONENT, name)]
    for reason in ("NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID"):
        events.append(RecordEvent(ref, "Normal", reason, f"Node {name} status is now: {reason}", COMPONENT, name))
    events.append(RecordEvent(ref, "Normal", "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods",
                              COMPONENT, name))
    events.append(RecordEvent(ref, "Normal", "NodeReady", f"Node {name} status is now: NodeReady", COMPONENT, name))
    return events


def reconcile_node(key: Key, view: View, now: float) -> Result:
    """Renew the node's Lease when due and post node status when it is not Ready or stale."""
    # 1. A missing node or a dead kubelet does nothing.
    node = view.get("Node", "", key.name)
    if node is None or simulation.node_is_down(node) or (node.get("metadata") or {}).get("deletionTimestamp"):
        return Result()
    actions: list = []
    waits: list[float] = []
    # 2. The Lease: create it, or renew it once the last renewal is 10s old.
    lease = view.get("Lease", LEASE_NAMESPACE, key.name)
    renewed = _ts(((lease or {}).get("spec") or {}).get("renewTime"))
    if lease is None:
        actions.append(Create(_lease(node, now, None)))
        waits.append(RENEW_INTERVAL)
    elif renewed is None or now - renewed >= RENEW_INTERVAL:
        actions.append(Update(_lease(node, now, lease)))
        waits.append(RENEW_INTERVAL)
    else:
        waits.append(renewed + RENEW_INTERVAL - now)
    # 3. Node status: register as Ready, or refresh the heartbeat every 5 minutes.
    conditions = {c.get("type"): c for c in (node.get("status") or {}).get("conditions") or []}
    ready = conditions.get("Ready") or {}
    beat = _ts(ready.get("lastHeartbeatTime"))
    stamp = ks.stamp(now)
    if ready.get("status") != "True":
        updated = values.clone(node)
        updated["status"] = _ready_status(node, stamp)
        actions.append(UpdateStatus(updated))
        actions.extend(_events(node))
        waits.append(REPORT_INTERVAL)
    elif _addresses(node) != (node.get("status") or {}).get("addresses"):
        # The node's address became known (its pod CIDR was assigned): post it.
        updated = values.clone(node)
        updated["status"]["addresses"] = _addresses(node)
        actions.append(UpdateStatus(updated))
        waits.append(REPORT_INTERVAL)
    elif beat is None or now - beat >= REPORT_INTERVAL:
        updated = values.clone(node)
        for condition in updated["status"]["conditions"]:
            if condition.get("type") in ("Ready", *(p[0] for p in _PRESSURE)):
                condition["lastHeartbeatTime"] = stamp
        actions.append(UpdateStatus(updated))
        waits.append(REPORT_INTERVAL)
    else:
        waits.append(beat + REPORT_INTERVAL - now)
    return Result(actions, requeue_after=min(waits))
