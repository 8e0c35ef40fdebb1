"""The Service network: ClusterIP and NodePort ranges and their allocators, as kube-apiserver v1.32.

No I/O happens here.

`IPRange` is pkg/registry/core/service/ipallocator's bitmap Range over the
service CIDR: offsets count from the first address after the network
address (10.96.0.1 is offset 0); the broadcast address is never used. The
range is split at `offset = min(max(16, size / 16), 256)` (size: every
address of the CIDR; 0 for a CIDR of 16 addresses or fewer): offsets below
it are the static band, kept for requested `clusterIP`s, the rest the
dynamic band. `PortRange` is portallocator's, split at
`min(max(16, size / 32), 128)` (86 for 30000-32767).

Dynamic allocation takes from the upper band first and falls back to the
lower band, as upstream; where upstream picks a random free offset in a
band, litekube takes the lowest free offset of the band, so that the same
commands on a new cluster give the same addresses (10.96.1.1, 10.96.1.2, ...
on the default 10.96.0.0/12; nodePorts 30086, 30087, ...).

The allocators take the used offsets as an argument: a set, or a `Used`
that answers membership and the lowest free offset of a band (the API
layer's asks the store's allocation table inside the writing transaction,
so an address is released when its Service goes and two Services never
share one). Errors carry upstream's texts (`provided IP is already allocated`,
`the provided IP (...) is not in the valid range. The range of valid IPs
is 10.96.0.0/12`, `provided port is already allocated`, ...).

The configuration lives where kubeadm and MetalLB keep it:
networking.serviceSubnet of the `kube-system/kubeadm-config`
ClusterConfiguration (see cluster_network), and the load balancer pool in
MetalLB's legacy `metallb-system/config` ConfigMap. Without them the
defaults are kubeadm's (10.96.0.0/12, DNS at 10.96.0.10) and kind's MetalLB
example pool, 172.18.255.200-172.18.255.250.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Protocol

from litekube import errors

__all__ = ["DEFAULT_SERVICE_SUBNET", "DEFAULT_NODE_PORTS", "DEFAULT_LB_POOL", "APISERVER_ADDRESS",
           "APISERVER_PORT", "AllocationError", "Used", "IPRange", "PortRange", "range_offset", "port_range_offset",
           "service_subnet", "validate_service_subnet", "lb_pool", "parse_pool", "pool_config_map",
           "LB_CONFIG_NAMESPACE", "LB_CONFIG_NAME", "kubernetes_objects", "dns_ip"]

DEFAULT_SERVICE_SUBNET = "10.96.0.0/12"
DEFAULT_NODE_PORTS = (30000, 2768)  # --service-node-port-range 30000-32767: base and size
DEFAULT_LB_POOL = "172.18.255.200-172.18.255.250"
# Where the simulated kube-apiserver listens: the host side of the node network (the nodes are
# 172.18.0.2, 172.18.0.3, ... as a kind cluster's), on kube-apiserver's --secure-port.
APISERVER_ADDRESS = "172.18.0.1"
APISERVER_PORT = 6443
LB_CONFIG_NAMESPACE, LB_CONFIG_NAME = "metallb-system", "config"


class AllocationError(Exception):
    """An allocator refused: the text is upstream's error (`provided IP is already allocated`)."""


def range_offset(size: int) -> int:
    """ipallocator's calculateRangeOffset: min(max(16, size/16), 256); 0 for 16 addresses or fewer."""
    if size <= 16:
        return 0
    return min(max(16, size // 16), 256)


def port_range_offset(size: int) -> int:
    """portallocator's calculateRangeOffset: min(max(16, size/32), 128); 0 for 16 ports or fewer."""
    if size <= 16:
        return 0
    return min(max(16, size // 32), 128)


def _lowest_free(used: set[int], start: int, stop: int) -> int | None:
    offset = start
    while offset < stop:
        if offset not in used:
            return offset
        offset += 1
    return None


class Used(Protocol):
    """The used offsets of a range: membership, and the lowest free offset in [start, stop)."""

    def __contains__(self, offset: object) -> bool: ...

    def first_free(self, start: int, stop: int) -> int | None: ...


class _UsedSet:
    def __init__(self, used: set[int]) -> None:
        self.used = used

    def __contains__(self, offset: object) -> bool:
        return offset in self.used

    def first_free(self, start: int, stop: int) -> int | None:
        return _lowest_free(self.used, start, stop)


def _used(used: "set[int] | Used") -> Used:
    return _UsedSet(used) if isinstance(used, (set, frozenset)) else used


def _next(used: "set[int] | Used", size: int, offset: int) -> int | None:
    """The offset AllocateNext takes: the upper band first (the lowest free), then the lower band."""
    used = _used(used)
    found = used.first_free(offset, size)
    if found is None and offset:
        found = used.first_free(0, offset)
    return found


@dataclass(frozen=True)
class IPRange:
    """The bitmap range of an IPv4 service CIDR (ipallocator.Range)."""

    cidr: str

    @property
    def network(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(self.cidr, strict=False)

    @property
    def base(self) -> int:
        return int(self.network.network_address) + 1

    @property
    def size(self) -> int:
        """How many addresses can be allocated (the network and broadcast addresses cannot)."""
        return max(0, self.network.num_addresses - 2)

    @property
    def offset(self) -> int:
        return range_offset(self.network.num_addresses)

    def index(self, ip: str) -> int | None:
        """The offset of `ip` in the range, None when it is outside (or the network/broadcast address)."""
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return None
        if address not in self.network:
            return None
        offset = int(address) - self.base
        return offset if 0 <= offset < self.size else None

    def address(self, offset: int) -> str:
        return str(ipaddress.IPv4Address(self.base + offset))

    def allocate(self, ip: str, used: "set[int] | Used") -> int:
        """Reserve `ip`; its offset. Raises AllocationError (not in range, already allocated)."""
        offset = self.index(ip)
        if offset is None:
            raise AllocationError(f"the provided IP ({ipaddress.ip_address(ip)}) is not in the valid range. "
                                  f"The range of valid IPs is {self.network}")
        if offset in used:
            raise AllocationError("provided IP is already allocated")
        return offset

    def allocate_next(self, used: "set[int] | Used") -> str:
        """The next free address; AllocationError `range is full` when none is left."""
        found = _next(used, self.size, self.offset)
        if found is None:
            raise AllocationError("range is full")
        return self.address(found)

    def used(self, ips: Iterable[str]) -> set[int]:
        return {o for o in (self.index(ip) for ip in ips) if o is not None}


@dataclass(frozen=True)
class PortRange:
    """The NodePort range (portallocator.PortAllocator over a net.PortRange)."""

    base: int = DEFAULT_NODE_PORTS[0]
    size: int = DEFAULT_NODE_PORTS[1]

    @property
    def offset(self) -> int:
        return port_range_offset(self.size)

    def __str__(self) -> str:
        return f"{self.base}-{self.base + self.size - 1}"

    def contains(self, port: int) -> bool:
        return self.base <= port < self.base + self.size

    def allocate(self, port: int, used: "set[int] | Used") -> None:
        """Reserve `port`. Raises AllocationError (not in range, already allocated).

        `used` holds ports (a set) or answers in offsets from `base` (a Used), as in allocate_next."""
        if not self.contains(port):
            raise AllocationError(f"provided port is not in the valid range. The range of valid ports is {self}")
        if (port if isinstance(used, (set, frozenset)) else port - self.base) in used:
            raise AllocationError("provided port is already allocated")

    def allocate_next(self, used: "set[int] | Used") -> int:
        """The next free port; `used` holds ports (a set) or answers in offsets from `base` (a Used)."""
        offsets = {p - self.base for p in used if self.contains(p)} if isinstance(used, (set, frozenset)) else used
        found = _next(offsets, self.size, self.offset)
        if found is None:
            raise AllocationError("range is full")
        return self.base + found


def validate_service_subnet(cidr: str) -> str:
    """The canonical service CIDR; ManifestError in kubeadm's words when it is not one."""
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        raise errors.ManifestError(f'invalid --service-cidr "{cidr}": couldn\'t parse subnet') from None
    if not isinstance(net, ipaddress.IPv4Network):
        raise errors.ManifestError(f'invalid --service-cidr "{cidr}": only IPv4 service subnets are supported')
    if net.num_addresses < 8:
        # kube-apiserver: the kubernetes Service needs the first address and the range at least 8
        raise errors.ManifestError(f'networking.serviceSubnet: Invalid value: "{net}": the service subnet '
                                   "must hold at least 8 addresses")
    return str(net)


@lru_cache(maxsize=64)
def _parse_subnet(text: str) -> str:
    import yaml

    try:
        config = yaml.safe_load(text) or {}
        cidr = ((config.get("networking") or {}).get("serviceSubnet") or DEFAULT_SERVICE_SUBNET)
        return validate_service_subnet(str(cidr).split(",")[0].strip())
    except (errors.LitekubeError, ValueError, TypeError, AttributeError, yaml.YAMLError):
        return DEFAULT_SERVICE_SUBNET


def service_subnet(config: dict | None) -> str:
    """networking.serviceSubnet of the kubeadm-config ConfigMap, or kubeadm's default."""
    text = ((config or {}).get("data") or {}).get("ClusterConfiguration")
    return _parse_subnet(text) if text else DEFAULT_SERVICE_SUBNET


def dns_ip(cidr: str) -> str:
    """The cluster DNS address: the tenth of the service range (kubeadm's 10.96.0.10)."""
    return str(ipaddress.IPv4Network(cidr, strict=False).network_address + 10)


def parse_pool(text: str) -> list[str]:
    """The addresses of a MetalLB pool entry: `A-B` ranges, CIDRs or single addresses, comma separated.

    Raises ManifestError for a malformed entry.
    """
    found: list[str] = []
    for part in (p.strip() for p in str(text).split(",")):
        if not part:
            continue
        try:
            if "-" in part:
                first, last = (ipaddress.IPv4Address(x.strip()) for x in part.split("-", 1))
                if int(last) < int(first):
                    raise ValueError(part)
                found.extend(str(ipaddress.IPv4Address(n)) for n in range(int(first), int(last) + 1))
            elif "/" in part:
                found.extend(str(a) for a in ipaddress.IPv4Network(part, strict=False))
            else:
                found.append(str(ipaddress.IPv4Address(part)))
        except ValueError:
            raise errors.ManifestError(f'invalid load balancer pool "{text}": want A-B ranges, CIDRs '
                                       "or addresses, comma separated") from None
    if not found:
        raise errors.ManifestError(f'invalid load balancer pool "{text}": no addresses')
    return found


def pool_config_map(pool: str) -> dict:
    """MetalLB's legacy ConfigMap (`metallb-system/config`) with one layer2 pool."""
    import yaml

    parse_pool(pool)
    config = {"address-pools": [{"name": "default", "protocol": "layer2",
                                 "addresses": [p.strip() for p in pool.split(",") if p.strip()]}]}
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": LB_CONFIG_NAME, "namespace": LB_CONFIG_NAMESPACE},
            "data": {"config": yaml.safe_dump(config, sort_keys=False)}}


@lru_cache(maxsize=64)
def _parse_lb(text: str) -> tuple[str, ...]:
    import yaml

    try:
        config = yaml.safe_load(text) or {}
        found: list[str] = []
        for pool in config.get("address-pools") or []:
            for entry in pool.get("addresses") or []:
                found.extend(parse_pool(str(entry)))
        return tuple(found) or _parse_lb_default()
    except (errors.LitekubeError, ValueError, TypeError, AttributeError, yaml.YAMLError):
        return _parse_lb_default()


@lru_cache(maxsize=1)
def _parse_lb_default() -> tuple[str, ...]:
    return tuple(parse_pool(DEFAULT_LB_POOL))


def lb_pool(config: dict | None) -> tuple[str, ...]:
    """The load balancer addresses, in order, from the MetalLB ConfigMap or the default pool."""
    text = ((config or {}).get("data") or {}).get("config")
    return _parse_lb(text) if text else _parse_lb_default()


def kubernetes_objects(cidr: str, address: str = APISERVER_ADDRESS) -> list[dict]:
    """`default/kubernetes`: the Service at the range's first address and the Endpoints and
    EndpointSlice kube-apiserver's endpoint reconciler writes for it."""
    ip = IPRange(cidr).address(0)
    service = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "kubernetes", "namespace": "default",
                            "labels": {"component": "apiserver", "provider": "kubernetes"}},
               "spec": {"clusterIP": ip, "clusterIPs": [ip], "type": "ClusterIP", "sessionAffinity": "None",
                        "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": APISERVER_PORT}]}}
    endpoints = {"apiVersion": "v1", "kind": "Endpoints",
                 "metadata": {"name": "kubernetes", "namespace": "default",
                              "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
                 "subsets": [{"addresses": [{"ip": address}],
                              "ports": [{"name": "https", "port": APISERVER_PORT, "protocol": "TCP"}]}]}
    slice_ = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
              "metadata": {"name": "kubernetes", "namespace": "default",
                           "labels": {"kubernetes.io/service-name": "kubernetes"}},
              "addressType": "IPv4",
              "endpoints": [{"addresses": [address], "conditions": {"ready": True}}],
              "ports": [{"name": "https", "port": APISERVER_PORT, "protocol": "TCP"}]}
    return [service, endpoints, slice_]
