"""The iptables rules kube-proxy v1.32 programs on one node (pkg/proxy/iptables/proxier.go, syncProxyRules).

No I/O happens here. `rules(services, slices, node)` returns the
`iptables-restore` input kube-proxy writes for the `filter` and `nat`
tables, in the canonical order of upstream's proxier_test.go
(`sortIPTablesRules`): KUBE-NODEPORTS and KUBE-SERVICES first, the other
chains by name; within a chain, rules in the order syncProxyRules writes
them, service ports taken in `ns/name:port` order. The node is configured
as kind's kube-proxy is: masquerade mark 0x4000, local traffic detected by
the cluster CIDR (10.244.0.0/16 by default), `localhostNodePorts: true`,
nfacct counters available, no `--nodeport-addresses`.

Chain names are upstream's: KUBE-SVC-/KUBE-SVL-/KUBE-EXT-/KUBE-FW- + the first
16 characters of base32(sha256(`ns/name:port` + protocol)), KUBE-SEP- of
base32(sha256(`ns/name:port` + protocol + `ip:port`)).
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from litekube.model.network import endpoints as eps
from litekube.model.network.endpoints import Endpoint, ServicePort

__all__ = ["Options", "chain_name", "endpoint_chain_name", "probability", "rules", "render"]

MARK = "0x4000"
SERVICES, EXTERNAL_SERVICES, NODEPORTS = "KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-NODEPORTS"
POSTROUTING, MARK_MASQ, FORWARD = "KUBE-POSTROUTING", "KUBE-MARK-MASQ", "KUBE-FORWARD"
FIREWALL, PROXY_FIREWALL = "KUBE-FIREWALL", "KUBE-PROXY-FIREWALL"


@dataclass(frozen=True)
class Options:
    """How the node's kube-proxy runs (kind's defaults)."""

    cluster_cidr: str = "10.244.0.0/16"
    node_ip: str = ""
    masquerade_all: bool = False
    localhost_node_ports: bool = True


def _hash(text: str) -> str:
    return base64.b32encode(hashlib.sha256(text.encode()).digest()).decode()[:16]


def chain_name(prefix: str, sp: ServicePort) -> str:
    """KUBE-SVC-/SVL-/EXT-/FW- chain of a service port (servicePortChainName and friends)."""
    return f"KUBE-{prefix}-{_hash(sp.name_string + sp.protocol.lower())}"


def endpoint_chain_name(sp: ServicePort, endpoint: Endpoint) -> str:
    """KUBE-SEP- chain of one endpoint of a service port (servicePortEndpointChainName)."""
    return f"KUBE-SEP-{_hash(sp.name_string + sp.protocol.lower() + str(endpoint))}"


def probability(n: int) -> str:
    """`%0.10f` of 1/n, as the proxier's precomputed probabilities."""
    return f"{1.0 / n:0.10f}"


def _quote(comment: str) -> str:
    return f'"{comment}"' if " " in comment else comment


class _Tables:
    def __init__(self) -> None:
        self.filter: list[tuple[str, str]] = []
        self.nat: list[tuple[str, str]] = []
        self.nat_chains: set[str] = set()

    def f(self, chain: str, text: str) -> None:
        self.filter.append((chain, f"-A {chain} {text}"))

    def n(self, chain: str, text: str) -> None:
        self.nat.append((chain, f"-A {chain} {text}"))


def _in_cidr(ip: str, cidr: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


def _service_rules(t: _Tables, sp: ServicePort, node: str, opts: Options) -> None:
    proto, name = sp.protocol.lower(), sp.name_string
    match = f"-m {proto} -p {proto}"
    cluster, local, reachable, has = eps.categorize(sp, node)
    svc_chain, svl_chain = chain_name("SVC", sp), chain_name("SVL", sp)
    ext_chain, fw_chain = chain_name("EXT", sp), chain_name("FW", sp)
    internal_chain, has_internal = svc_chain, has
    if sp.internal_local:
        internal_chain, has_internal = svl_chain, has and bool(local)
    external_chain_target, has_external = svc_chain, has
    if sp.external_policy_local:
        external_chain_target, has_external = svl_chain, has and bool(local)
    uses_ext = has and sp.externally_accessible
    uses_fw = has and bool(sp.lb_ips) and bool(sp.source_ranges)
    lb_target = fw_chain if uses_fw else ext_chain
    internal_filter = external_filter = (f'--comment "{name} has no local endpoints"', "DROP")
    if not has:
        internal_filter = external_filter = (f'--comment "{name} has no endpoints"', "REJECT")

    dst = f"-d {sp.cluster_ip} --dport {sp.port}"
    if has_internal:
        t.n(SERVICES, f'-m comment --comment "{name} cluster IP" {match} {dst} -j {internal_chain}')
    else:
        comment, target = internal_filter
        t.f(SERVICES, f"-m comment {comment} {match} {dst} -j {target}")
    for ip in sp.external_ips:
        if has:
            t.n(SERVICES, f'-m comment --comment "{name} external IP" {match} -d {ip} --dport {sp.port} '
                          f"-j {ext_chain}")
        if not has_external:
            comment, target = external_filter
            t.f(EXTERNAL_SERVICES, f"-m comment {comment} {match} -d {ip} --dport {sp.port} -j {target}")
    for ip in sp.lb_ips:
        if has:
            t.n(SERVICES, f'-m comment --comment "{name} loadbalancer IP" {match} -d {ip} --dport {sp.port} '
                          f"-j {lb_target}")
        if uses_fw:
            t.f(PROXY_FIREWALL, f'-m comment --comment "{name} traffic not accepted by {fw_chain}" {match} '
                                f"-d {ip} --dport {sp.port} -j DROP")
    if not has_external:
        comment, target = external_filter
        for ip in sp.lb_ips:
            t.f(EXTERNAL_SERVICES, f"-m comment {comment} {match} -d {ip} --dport {sp.port} -j {target}")
    if sp.node_port:
        if has:
            if opts.localhost_node_ports:
                t.n(NODEPORTS, f"-m comment --comment {name} {match} -d 127.0.0.0/8 --dport {sp.node_port} "
                               f"-m nfacct --nfacct-name localhost_nps_accepted_pkts -j {ext_chain}")
            t.n(NODEPORTS, f"-m comment --comment {name} {match} --dport {sp.node_port} -j {ext_chain}")
        if not has_external:
            comment, target = external_filter
            t.f(EXTERNAL_SERVICES, f"-m comment {comment} -m addrtype --dst-type LOCAL {match} "
                                   f"--dport {sp.node_port} -j {target}")
    if sp.health_check_node_port:
        t.f(NODEPORTS, f'-m comment --comment "{name} health check node port" -m tcp -p tcp '
                       f"--dport {sp.health_check_node_port} -j ACCEPT")

    # Internal traffic: masquerade what comes from outside the pod network.
    if has_internal:
        args = f'-m comment --comment "{name} cluster IP" {match} {dst}'
        if opts.masquerade_all:
            t.n(internal_chain, f"{args} -j {MARK_MASQ}")
        elif opts.cluster_cidr:
            t.n(internal_chain, f"{args} ! -s {opts.cluster_cidr} -j {MARK_MASQ}")
    if uses_ext:
        t.nat_chains.add(ext_chain)
        if not sp.external_policy_local:
            t.n(ext_chain, f'-m comment --comment "masquerade traffic for {name} external destinations" '
                           f"-j {MARK_MASQ}")
        else:
            if opts.cluster_cidr:
                t.n(ext_chain, f'-m comment --comment "pod traffic for {name} external destinations" '
                               f"-s {opts.cluster_cidr} -j {svc_chain}")
            t.n(ext_chain, f'-m comment --comment "masquerade LOCAL traffic for {name} external destinations" '
                           f"-m addrtype --src-type LOCAL -j {MARK_MASQ}")
            t.n(ext_chain, f'-m comment --comment "route LOCAL traffic for {name} external destinations" '
                           f"-m addrtype --src-type LOCAL -j {svc_chain}")
        if has_external:
            t.n(ext_chain, f"-j {external_chain_target}")
    if uses_fw:
        t.nat_chains.add(fw_chain)
        head = f'-m comment --comment "{name} loadbalancer IP"'
        allow_node = False
        for cidr in sp.source_ranges:
            t.n(fw_chain, f"{head} -s {cidr} -j {ext_chain}")
            allow_node = allow_node or (bool(opts.node_ip) and _in_cidr(opts.node_ip, cidr))
        if allow_node:
            for ip in sp.lb_ips:
                t.n(fw_chain, f"{head} -s {ip} -j {ext_chain}")
        t.nat.append((fw_chain, f'-A {fw_chain} -m comment --comment "other traffic to {name} will be dropped by '
                                f'KUBE-PROXY-FIREWALL"'))
    if cluster and sp.uses_cluster_endpoints:
        t.nat_chains.add(svc_chain)
        _endpoint_rules(t, sp, svc_chain, cluster)
    if local and sp.uses_local_endpoints:
        t.nat_chains.add(svl_chain)
        _endpoint_rules(t, sp, svl_chain, local)
    for ep in reachable:
        chain = endpoint_chain_name(sp, ep)
        t.nat_chains.add(chain)
        t.n(chain, f"-m comment --comment {name} -s {ep.ip} -j {MARK_MASQ}")
        recent = f" -m recent --name {chain} --set" if sp.affinity_seconds else ""
        t.n(chain, f"-m comment --comment {name}{recent} {match} -j DNAT --to-destination {ep}")


def _endpoint_rules(t: _Tables, sp: ServicePort, chain: str, endpoints: list[Endpoint]) -> None:
    if sp.affinity_seconds:
        for ep in endpoints:
            target = endpoint_chain_name(sp, ep)
            t.n(chain, f'-m comment --comment "{sp.name_string} -> {ep}" -m recent --name {target} --rcheck '
                       f"--seconds {sp.affinity_seconds} --reap -j {target}")
    for i, ep in enumerate(endpoints):
        split = f" -m statistic --mode random --probability {probability(len(endpoints) - i)}" \
            if i < len(endpoints) - 1 else ""
        t.n(chain, f'-m comment --comment "{sp.name_string} -> {ep}"{split} -j {endpoint_chain_name(sp, ep)}')


def rules(services: list[dict], slices: list[dict], node: str, opts: Options = Options()) -> dict[str, list[str]]:
    """The `filter` and `nat` tables kube-proxy writes on `node`, each as its iptables-restore lines."""
    t = _Tables()
    for sp in eps.service_ports(services, slices):
        _service_rules(t, sp, node, opts)
    t.n(SERVICES, '-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this '
                  'chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS')
    if opts.localhost_node_ports:
        t.f(FIREWALL, '-m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 '
                      "-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP")
    t.f(FORWARD, "-m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP")
    t.f(FORWARD, f'-m comment --comment "kubernetes forwarding rules" -m mark --mark {MARK}/{MARK} -j ACCEPT')
    t.f(FORWARD, '-m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate '
                 "RELATED,ESTABLISHED -j ACCEPT")
    t.n(MARK_MASQ, f"-j MARK --or-mark {MARK}")
    t.n(POSTROUTING, f"-m mark ! --mark {MARK}/{MARK} -j RETURN")
    t.n(POSTROUTING, f"-j MARK --xor-mark {MARK}")
    t.n(POSTROUTING, '-m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE')
    filter_chains = [NODEPORTS, SERVICES, EXTERNAL_SERVICES, FIREWALL, FORWARD, PROXY_FIREWALL]
    nat_chains = [NODEPORTS, SERVICES, *sorted(t.nat_chains | {MARK_MASQ, POSTROUTING})]
    return {"filter": _table("filter", filter_chains, t.filter), "nat": _table("nat", nat_chains, t.nat)}


def _table(name: str, chains: list[str], lines: list[tuple[str, str]]) -> list[str]:
    order = {chain: i for i, chain in enumerate(chains)}
    out = [f"*{name}", *(f":{chain} - [0:0]" for chain in chains)]
    out += [text for _, text in sorted(lines, key=lambda pair: order[pair[0]])]
    return [*out, "COMMIT"]


def render(tables: dict[str, list[str]], table: str | None = None) -> str:
    """The iptables-restore text of both tables (filter, then nat), or of one."""
    names = [table] if table else ["filter", "nat"]
    return "".join(line + "\n" for name in names for line in tables[name])
