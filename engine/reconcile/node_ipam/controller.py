"""Node IPAM: give each node a pod CIDR out of the cluster CIDR (the RangeAllocator).

No I/O happens here. The cluster CIDR and node mask are the cluster's
(`litekube init --cluster-cidr --node-cidr-mask-size`, kept in
kube-system/kubeadm-config; by default 10.244.0.0/16 and /24, 256 nodes). A
node without spec.podCIDR gets the lowest free subnet of the view's bitmap
(`MemoryView.pod_cidrs`, amortised O(1)), written to spec.podCIDR and
spec.podCIDRs; once set it is immutable, so a node is handled once. When the
range is exhausted the node gets upstream's `CIDRNotAvailable` event
(RecordNodeStatusChange: `Node <name> status is now: CIDRNotAvailable`) and
waits, parked, until a node holding a CIDR goes away (upstream's rate-limited
retry; routine, so the cluster still settles) or the node itself changes.

Nodes waiting in the same snapshot take the free subnets in name order (the
n-th waiting node the n-th free subnet), so passes that run on one snapshot
never hand out a subnet twice.
"""
from __future__ import annotations

from typing import Iterable

from litekube.model import cluster_network, values
from litekube.reconcile.base import (
    Component,
    Key,
    RecordEvent,
    Result,
    Update,
    View,
    key_of,
    self_key,
)
from litekube.reconcile.node_ipam.cidrset import node_pod_cidrs

__all__ = ["COMPONENT", "CONTROLLER_NAME", "RETRY_AFTER", "CIDR_RELEASED", "reconcile", "cluster_network_of"]

CONTROLLER_NAME = "cidrAllocator"  # the range allocator's event source
RETRY_AFTER = 1000.0  # the workqueue's maximum rate-limited delay (1000 s)
CIDR_RELEASED = "Node/CIDRReleased"  # the wake event: a node holding a pod CIDR is gone


def cluster_network_of(view: View) -> tuple[str, int]:
    """(cluster CIDR, node mask) of the cluster in the view."""
    return cluster_network.network(view.get("ConfigMap", cluster_network.CONFIG_NAMESPACE,
                                            cluster_network.CONFIG_NAME))


def reconcile(key: Key, view: View, now: float) -> Result:
    """Allocate a pod CIDR to the node `key` if it has none."""
    node = view.get("Node", "", key.name)
    # 1. Gone, or already allocated (podCIDR is immutable once set).
    if node is None or node_pod_cidrs(node):
        return Result()
    # 2. The lowest free subnet, skipping those the nodes waiting before this one will take.
    cidr, mask = cluster_network_of(view)
    cidrs = view.pod_cidrs(cidr, mask)  # type: ignore[attr-defined]
    bit = cidrs.free(cidrs.waiting_rank(key.name))
    # 3. Exhausted: say so on the node and wait for a subnet to be released.
    if bit is None:
        meta = node.get("metadata") or {}
        ref = {"apiVersion": "v1", "kind": "Node", "name": key.name, "uid": meta.get("uid", "")}
        return Result(actions=[RecordEvent(ref, "Normal", "CIDRNotAvailable",
                                           f"Node {key.name} status is now: CIDRNotAvailable", CONTROLLER_NAME)],
                      requeue_after=RETRY_AFTER, routine=True, park=frozenset({CIDR_RELEASED}))
    subnet = cidrs.subnet(bit)
    updated = values.clone(node)
    spec = updated.setdefault("spec", {})
    spec["podCIDR"] = subnet
    spec["podCIDRs"] = [subnet]
    return Result(actions=[Update(updated)])


def _node_wakes(old: dict | None, new: dict | None, view: View) -> Iterable[str | Key]:
    """A node that held a pod CIDR is gone: waiting nodes may get it. A node's own change wakes it."""
    if new is None:
        if old is not None and node_pod_cidrs(old):
            yield CIDR_RELEASED
        return
    if not node_pod_cidrs(new):
        yield key_of(new)


def _config_wakes(old: dict | None, new: dict | None, view: View) -> Iterable[str | Key]:
    obj = new or old or {}
    if key_of(obj) == Key("ConfigMap", cluster_network.CONFIG_NAMESPACE, cluster_network.CONFIG_NAME):
        yield CIDR_RELEASED


COMPONENT = Component(name="node-ipam", reconcile=reconcile, watches={"Node": self_key}, primary="Node",
                      wakes={"Node": _node_wakes, "ConfigMap": _config_wakes})
