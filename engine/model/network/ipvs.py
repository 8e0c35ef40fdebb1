"""kube-proxy's ipvs mode: the virtual servers `ipvsadm -Ln` lists on one node (pkg/proxy/ipvs/proxier.go).

No I/O happens here. One virtual server per ClusterIP, external IP and
LoadBalancer IP, and per NodePort on the node's InternalIP, scheduler `rr`
(kube-proxy's default), `persistent <timeout>` with ClientIP affinity; its
real servers are the endpoints kube-proxy picks (the Local ones for
externalTrafficPolicy Local on external addresses), forwarding `Masq`,
weight 1, no connections. Listed sorted by protocol, address and port
(the kernel lists in its hash order).
"""
from __future__ import annotations

import ipaddress

from litekube.model.network import endpoints as eps

__all__ = ["render"]

HEADER = ("IP Virtual Server version 1.2.1 (size=4096)\n"
          "Prot LocalAddress:Port Scheduler Flags\n"
          "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n")


def render(services: list[dict], slices: list[dict], node: str, node_ip: str) -> str:
    """`ipvsadm -Ln` on the node."""
    servers: dict[tuple[str, int, str, int], tuple[str, list[str]]] = {}
    for sp in eps.service_ports(services, slices):
        cluster, local, _, _ = eps.categorize(sp, node)
        internal = local if sp.internal_local else cluster
        external = local if sp.external_policy_local else cluster
        flags = f" persistent {sp.affinity_seconds}" if sp.affinity_seconds else ""
        addresses = [(sp.cluster_ip, sp.port, internal)]
        addresses += [(ip, sp.port, external) for ip in (*sp.external_ips, *sp.lb_ips)]
        if sp.node_port and node_ip:
            addresses.append((node_ip, sp.node_port, external))
        for ip, port, chosen in addresses:
            key = (sp.protocol, int(ipaddress.ip_address(ip)), ip, port)
            servers[key] = (flags, [str(ep) for ep in chosen])
    out = [HEADER]
    for (proto, _, ip, port), (flags, reals) in sorted(servers.items()):
        out.append(f"{proto}  {ip}:{port} rr{flags}\n")
        out += [f"  -> {real:<28} {'Masq':<7} {1:<6} {0:<10} {0:<10}\n" for real in reals]
    return "".join(out)
