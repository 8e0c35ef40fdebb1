"""Node IPAM: give each node a pod CIDR out of the cluster CIDR (the RangeAllocator).

No I/O happens here. A node without spec.podCIDR gets the lowest /24 of
10.244.0.0/14 that no other node holds, written to spec.podCIDR and
spec.podCIDRs; once set it is immutable, so a node is handled once. When the
range is exhausted a `CIDRNotAvailable` event is recorded (upstream's
RecordNodeStatusChange) and the node is looked at again later.
"""
from __future__ import annotations

import ipaddress

from litekube.model import values
from litekube.reconcile.base import (
    Component,
    Key,
    RecordEvent,
    Result,
    Update,
    View,
    self_key,
)

__all__ = ["COMPONENT", "CLUSTER_CIDR", "NODE_MASK_SIZE", "CONTROLLER_NAME", "reconcile", "used_subnets"]

# --cluster-cidr: flannel's 10.244.0.0/16 widened to a /14 so that 1,024 nodes
# fit (10.244.0.0/24 ... 10.247.255.0/24); the first 256 nodes get flannel's addresses.
CLUSTER_CIDR = ipaddress.IPv4Network("10.244.0.0/14")
NODE_MASK_SIZE = 24  # --node-cidr-mask-size for IPv4
CONTROLLER_NAME = "cidrAllocator"  # the range allocator's event source
RETRY_AFTER = 30.0  # a full range frees up only when a node goes away, which nothing here watches

_SUBNETS = list(CLUSTER_CIDR.subnets(new_prefix=NODE_MASK_SIZE))


def _cidrs(node: dict) -> list[str]:
    spec = node.get("spec") or {}
    return list(spec.get("podCIDRs") or ([spec["podCIDR"]] if spec.get("podCIDR") else []))


_BASE = int(CLUSTER_CIDR.network_address)
_SHIFT = 32 - NODE_MASK_SIZE


def used_subnets(nodes: list[dict]) -> set[int]:
    """Indexes (into the cluster CIDR's /24s) of the subnets any of `nodes` overlaps."""
    used: set[int] = set()
    for node in nodes:
        for text in _cidrs(node):
            try:
                net = ipaddress.ip_network(text, strict=False)
            except ValueError:
                continue
            if not isinstance(net, ipaddress.IPv4Network) or not net.overlaps(CLUSTER_CIDR):
                continue
            first = max(int(net.network_address), _BASE) - _BASE
            last = min(int(net.broadcast_address), int(CLUSTER_CIDR.broadcast_address)) - _BASE
            used.update(range(first >> _SHIFT, (last >> _SHIFT) + 1))
    return used


def reconcile(key: Key, view: View, now: float) -> Result:
    """Allocate a pod CIDR to the node `key` if it has none."""
    node = view.get("Node", "", key.name)
    # 1. Gone, or already allocated (podCIDR is immutable once set).
    if node is None or _cidrs(node):
        return Result()
    # 2. Listing every node is acceptable here: it happens once per node, when
    #    it registers, never again for the node's lifetime.
    nodes = view.list("Node")
    used = used_subnets(nodes)
    free = [i for i in range(len(_SUBNETS)) if i not in used]
    # 3. Nodes waiting for a CIDR in the same snapshot would all pick the lowest
    #    free one; the n-th waiting node (by name) takes the n-th free subnet
    #    instead, so passes that run side by side never hand out one twice.
    waiting = sorted((n.get("metadata") or {}).get("name", "") for n in nodes if not _cidrs(n))
    rank = waiting.index(key.name) if key.name in waiting else 0
    if rank >= len(free):
        meta = node.get("metadata") or {}
        ref = {"apiVersion": "v1", "kind": "Node", "name": key.name, "uid": meta.get("uid", "")}
        return Result(actions=[RecordEvent(ref, "Normal", "CIDRNotAvailable",
                                           f"Node {key.name} status is now: CIDRNotAvailable", CONTROLLER_NAME)],
                      requeue_after=RETRY_AFTER)
    cidr = str(_SUBNETS[free[rank]])
    updated = values.clone(node)
    spec = updated.setdefault("spec", {})
    spec["podCIDR"] = cidr
    spec["podCIDRs"] = [cidr]
    return Result(actions=[Update(updated)])


COMPONENT = Component(name="node-ipam", reconcile=reconcile, watches={"Node": self_key}, primary="Node")
