"""The simulated kubelet: one reconciler for every node's pods, one for every node's heartbeat.

No I/O happens here. `PODS` moves bound pods through their lifecycle
(kubelet_pods); `NODES` renews node Leases and posts node status
(kubelet_nodes). Their behaviour is steered by the annotations of the
simulation contract, documented in litekube.reconcile.kubelet.simulation (and the README).
"""
from __future__ import annotations

from typing import Iterable

from litekube.reconcile.base import Component, Key, View, key_of
from litekube.reconcile.kubelet import nodes as kubelet_nodes
from litekube.reconcile.kubelet import pods as kubelet_pods
from litekube.reconcile.kubelet import references as kubelet_references
from litekube.reconcile.kubelet.nodes import reconcile_node
from litekube.reconcile.kubelet.pods import reconcile_pod

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
                 watches={"Pod": bound_pod_key, "Node": pods_of_node,
                          "ConfigMap": kubelet_references.pods_referencing_key,
                          "Secret": kubelet_references.pods_referencing_key,
                          "PersistentVolumeClaim": kubelet_references.pods_referencing_key}, primary="Pod")
NODES = Component(name="kubelet-heartbeat", reconcile=reconcile_node,
                  watches={"Node": node_key, "Lease": lease_node_key}, primary="Node", periodic=True,
                  quiet=frozenset({"Lease"}))
