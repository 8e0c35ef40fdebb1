"""The node IPAM's bitmap over a cluster CIDR (upstream pkg/controller/nodeipam/ipam/cidrset).

No I/O happens here. The view keeps one CidrSet per (cluster CIDR, node
mask) up to date as Nodes change (`MemoryView.pod_cidrs`), so allocating a
subnet costs amortised O(1) instead of a walk over every node.
"""
from __future__ import annotations

import bisect
import builtins
import functools
import ipaddress

__all__ = ["CidrSet", "node_pod_cidrs"]


def node_pod_cidrs(node: dict) -> builtins.list[str]:
    """spec.podCIDRs, else [spec.podCIDR], else []."""
    spec = node.get("spec") or {}
    return list(spec.get("podCIDRs") or ([spec["podCIDR"]] if spec.get("podCIDR") else []))


@functools.lru_cache(maxsize=65536)
def _span(text: str) -> tuple[int, int] | None:
    """(first, last) address of an IPv4 CIDR as integers; None for anything else."""
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    if not isinstance(net, ipaddress.IPv4Network):
        return None
    return int(net.network_address), int(net.broadcast_address)


class CidrSet:
    """cidrset.CidrSet: a bitmap of the node subnets of one cluster CIDR, with the lowest free bit tracked.

    `free()` is amortised O(1): the hint only moves forward past used bits and
    back when a bit is released. Subnets outside the cluster CIDR are ignored.
    """

    def __init__(self, cluster_cidr: str, mask: int) -> None:
        self.network = ipaddress.IPv4Network(cluster_cidr, strict=False)
        self.mask = mask
        self.size = 1 << max(mask - self.network.prefixlen, 0)
        self._base = int(self.network.network_address)
        self._shift = 32 - mask
        self._top = int(self.network.broadcast_address)
        self._holders: dict[int, set[str]] = {}
        self._hint = 0
        self._waiting: list[str] = []  # nodes without a pod CIDR, sorted by name

    def _bits(self, text: str) -> range:
        span = _span(text)
        if span is None:
            return range(0)
        low, high = max(span[0], self._base), min(span[1], self._top)
        if low > high:
            return range(0)
        return range((low - self._base) >> self._shift, ((high - self._base) >> self._shift) + 1)

    def account(self, name: str, node: dict, sign: int) -> None:
        cidrs = node_pod_cidrs(node)
        if not cidrs:
            at = bisect.bisect_left(self._waiting, name)
            present = at < len(self._waiting) and self._waiting[at] == name
            if sign > 0 and not present:
                self._waiting.insert(at, name)
            elif sign < 0 and present:
                del self._waiting[at]
        for text in cidrs:
            for bit in self._bits(text):
                holders = self._holders.setdefault(bit, set())
                if sign > 0:
                    holders.add(name)
                else:
                    holders.discard(name)
                    if not holders:
                        del self._holders[bit]
                        self._hint = min(self._hint, bit)

    def waiting_rank(self, name: str) -> int:
        """How many nodes without a pod CIDR sort before `name` (0 when it is not waiting)."""
        return bisect.bisect_left(self._waiting, name)

    def used(self) -> int:
        return len(self._holders)

    def free(self, skip: int = 0) -> int | None:
        """The index of the lowest free subnet (after skipping `skip` free ones), or None when full."""
        while self._hint < self.size and self._hint in self._holders:
            self._hint += 1
        bit = self._hint
        while bit < self.size:
            if bit not in self._holders:
                if skip == 0:
                    return bit
                skip -= 1
            bit += 1
        return None

    def subnet(self, bit: int) -> str:
        return f"{ipaddress.IPv4Address(self._base + (bit << self._shift))}/{self.mask}"
