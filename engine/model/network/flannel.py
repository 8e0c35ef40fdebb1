"""flannel with `--kube-subnet-mgr`: leases, node annotations, subnet.env, routes, FDB and ARP entries.

No I/O happens here. Each node's lease is its `spec.podCIDR`; flanneld
annotates the Node (`flannel.alpha.coreos.com/...`), writes
`/run/flannel/subnet.env` and programs, for every other node's lease, a
route through `flannel.1` (vxlan: via the lease's network address, onlink,
with a permanent FDB entry to the node's public IP and an ARP entry for
the VTEP MAC) or straight via the node's IP on eth0 (host-gw). Local pods
sit on the `cni0` bridge (.1 of the lease). The node addresses are the
simulated kind ones (172.18.0.0/16, gateway 172.18.0.1). VTEP MACs are
random in flannel; here a locally administered MAC derived from the node
name, so output is reproducible.
"""
from __future__ import annotations

import hashlib
import ipaddress
import json

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "NETWORK", "Lease", "leases", "annotations", "subnet_env",
           "routes", "fdb", "neighbours", "vtep_mac", "backend_of"]

BACKENDS = ("vxlan", "host-gw")
DEFAULT_BACKEND = "vxlan"
NETWORK = "10.244.0.0/16"
NODE_NETWORK, NODE_GATEWAY = "172.18.0.0/16", "172.18.0.1"
PREFIX = "flannel.alpha.coreos.com/"


class Lease(tuple):
    """(node name, subnet, public IP)."""

    @property
    def node(self) -> str:
        return self[0]

    @property
    def subnet(self) -> ipaddress.IPv4Network:
        return self[1]

    @property
    def public_ip(self) -> str:
        return self[2]


def backend_of(net_conf: str | None) -> tuple[str, str]:
    """(Network, Backend.Type) from net-conf.json; the manifest's defaults when unset or broken."""
    try:
        conf = json.loads(net_conf or "{}")
        return str(conf.get("Network") or NETWORK), str((conf.get("Backend") or {}).get("Type") or DEFAULT_BACKEND)
    except (ValueError, AttributeError):
        return NETWORK, DEFAULT_BACKEND


def vtep_mac(node: str) -> str:
    digest = bytearray(hashlib.sha256(node.encode()).digest()[:6])
    digest[0] = (digest[0] & 0xFE) | 0x02
    return ":".join(f"{b:02x}" for b in digest)


def leases(nodes: list[dict], node_ip) -> list[Lease]:
    """Every node with a podCIDR, sorted by subnet; `node_ip(node)` gives its InternalIP."""
    out = []
    for node in nodes:
        cidr = (node.get("spec") or {}).get("podCIDR")
        if not cidr:
            continue
        try:
            subnet = ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            continue
        out.append(Lease((node["metadata"]["name"], subnet, node_ip(node))))
    return sorted(out, key=lambda lease: (int(lease.subnet.network_address), lease.node))


def annotations(lease: Lease, backend: str) -> dict[str, str]:
    """The Node annotations flanneld's kube subnet manager writes."""
    data = json.dumps({"VNI": 1, "VtepMAC": vtep_mac(lease.node)}, separators=(",", ":")) \
        if backend == "vxlan" else "null"
    return {PREFIX + "backend-data": data, PREFIX + "backend-type": backend,
            PREFIX + "kube-subnet-manager": "true", PREFIX + "public-ip": lease.public_ip}


def subnet_env(lease: Lease, backend: str, network: str = NETWORK) -> str:
    """/run/flannel/subnet.env (MTU: eth0's 1500, less 50 for the vxlan header)."""
    gateway = lease.subnet.network_address + 1
    mtu = 1450 if backend == "vxlan" else 1500
    return (f"FLANNEL_NETWORK={network}\nFLANNEL_SUBNET={gateway}/{lease.subnet.prefixlen}\n"
            f"FLANNEL_MTU={mtu}\nFLANNEL_IPMASQ=true\n")


def routes(self_lease: Lease, all_leases: list[Lease], backend: str) -> str:
    """`ip route` on the node: default, one route per other lease, cni0, eth0, in the kernel's order."""
    entries: list[tuple[ipaddress.IPv4Network, str]] = [
        (ipaddress.ip_network("0.0.0.0/0"), f"default via {NODE_GATEWAY} dev eth0"),
        (self_lease.subnet, f"{self_lease.subnet} dev cni0 proto kernel scope link src "
                            f"{self_lease.subnet.network_address + 1}"),
        (ipaddress.ip_network(NODE_NETWORK), f"{NODE_NETWORK} dev eth0 proto kernel scope link src "
                                            f"{self_lease.public_ip}"),
    ]
    for lease in all_leases:
        if lease.node == self_lease.node:
            continue
        if backend == "host-gw":
            entries.append((lease.subnet, f"{lease.subnet} via {lease.public_ip} dev eth0"))
        else:
            entries.append((lease.subnet, f"{lease.subnet} via {lease.subnet.network_address} dev flannel.1 onlink"))
    entries.sort(key=lambda e: (int(e[0].network_address), e[0].prefixlen))
    return "".join(text + " \n" for _, text in entries)  # iproute2 ends each route with a space


def fdb(self_lease: Lease, all_leases: list[Lease]) -> str:
    """`bridge fdb show dev flannel.1` (vxlan only)."""
    return "".join(f"{vtep_mac(lease.node)} dst {lease.public_ip} self permanent\n"
                   for lease in all_leases if lease.node != self_lease.node)


def neighbours(self_lease: Lease, all_leases: list[Lease]) -> str:
    """`ip neigh show dev flannel.1` (vxlan only)."""
    return "".join(f"{lease.subnet.network_address} lladdr {vtep_mac(lease.node)} PERMANENT\n"
                   for lease in all_leases if lease.node != self_lease.node)
