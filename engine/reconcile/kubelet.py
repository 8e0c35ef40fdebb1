"""The simulated kubelet: one reconciler for every node's pods, one for every node's heartbeat.

No I/O happens here. `PODS` moves bound pods through their lifecycle
(kubelet_pods); `NODES` renews node Leases and posts node status
(kubelet_nodes). Their behaviour is steered by the annotations of the
simulation contract (see engine.reconcile.simulation, copied below).

| Annotation | On | Value | Effect |
|---|---|---|---|
| `sim.litekube.io/start-delay` | Pod | Go duration, default `1s` | Time a scheduled pod spends in ContainerCreating before its containers run (each init container also runs this long). |
| `sim.litekube.io/ready-after` | Pod | Go duration | Time after a container starts until it is Ready (default: the container's `readinessProbe.initialDelaySeconds`, or 0 without a probe). |
| `sim.litekube.io/never-ready` | Pod | `"true"` | The readiness probe never succeeds. |
| `sim.litekube.io/exit-after` | Pod | Go duration | Every regular container exits after running this long, with `sim.litekube.io/exit-code` (Job-style pods). |
| `sim.litekube.io/exit-code` | Pod | integer, default `"0"` | Exit code used by `exit-after` (0: reason Completed, otherwise Error). |
| `sim.litekube.io/crash-after` | Pod | Go duration | Every regular container crashes (exit code 1, reason Error) each time after running this long. |
| `sim.litekube.io/unready` | Pod | `"true"` | Fault (`litekube fault`): readiness fails until the annotation is removed. |
| `sim.litekube.io/crash` | Pod | RFC 3339 time | Fault (`litekube fault`): each container started before that time crashes once at that time (exit code 1, reason Error). |
| `sim.litekube.io/down` | Node | `"true"` | The node's kubelet is dead: no heartbeats, no pod status updates, no pod removal. |
| `sim.litekube.io/internal-ip` | Node | IPv4 address | The node's InternalIP (when not already in `status.addresses`). |
"""
from __future__ import annotations

from typing import Iterable

from engine.reconcile import kubelet_nodes, kubelet_pods
from engine.reconcile.base import Component, Key, View, key_of
from engine.reconcile.kubelet_nodes import reconcile_node
from engine.reconcile.kubelet_pods import reconcile_pod

__all__ = ["PODS", "NODES", "reconcile_pod", "reconcile_node", "bound_pod_key", "pods_of_node",
           "node_key", "lease_node_key"]


def bound_pod_key(obj: dict, view: View) -> Iterable[Key]:
    """A pod is the kubelet's business once it is bound to a node."""
    return (key_of(obj),) if (obj.get("spec") or {}).get("nodeName") else ()


def pods_of_node(obj: dict, view: View) -> Iterable[Key]:
    """A node change (down, back up, new IP) concerns every pod bound to it."""
    return [key_of(pod) for pod in view.pods_on_node((obj.get("metadata") or {}).get("name", ""))]


def node_key(obj: dict, view: View) -> Iterable[Key]:
    return (Key("Node", "", (obj.get("metadata") or {}).get("name", "")),)


def lease_node_key(obj: dict, view: View) -> Iterable[Key]:
    """A node Lease in kube-node-lease maps to its Node."""
    meta = obj.get("metadata") or {}
    if meta.get("namespace") != kubelet_nodes.LEASE_NAMESPACE:
        return ()
    return (Key("Node", "", meta.get("name", "")),)


PODS = Component(name=kubelet_pods.COMPONENT, reconcile=reconcile_pod,
                 watches={"Pod": bound_pod_key, "Node": pods_of_node}, primary="Pod")
NODES = Component(name="kubelet-heartbeat", reconcile=reconcile_node,
                  watches={"Node": node_key, "Lease": lease_node_key}, primary="Node", periodic=True)
