"""What a node's kube-proxy, flanneld and the cluster's CoreDNS hold, read from the store. This module does I/O.

The computing is pure (litekube.model.network); here the objects are read
in one transaction: Services, EndpointSlices, Nodes, Pods, and the
`kube-system/kube-proxy` and `kube-flannel/kube-flannel-cfg` ConfigMaps
that choose the proxy mode and the flannel backend, as on a kind cluster.
"""
from __future__ import annotations

from litekube import errors
from litekube.model.network import dns, flannel, iptables, ipvs, system
from litekube.reconcile.kubelet import simulation

__all__ = ["proxy_rules", "routes", "dns_answer", "resolv_conf", "proxy_mode", "flannel_backend"]


def proxy_mode(tx) -> str:
    """`iptables` or `ipvs`: the `mode` of the kube-proxy ConfigMap's config.conf (iptables when unset)."""
    cm = tx.find("ConfigMap", system.KUBE_SYSTEM, system.KUBE_PROXY)
    return system.proxy_mode_of(((cm or {}).get("data") or {}).get("config.conf"))


def flannel_backend(tx) -> tuple[str, str]:
    """(Network, backend type) from kube-flannel-cfg's net-conf.json."""
    cm = tx.find("ConfigMap", system.KUBE_FLANNEL, system.FLANNEL_CONFIG)
    return flannel.backend_of(((cm or {}).get("data") or {}).get("net-conf.json"))


def _node(tx, name: str) -> dict:
    return tx.get("Node", "", name)


def proxy_rules(api, node: str, table: str | None = None) -> str:
    """The node's rules: `iptables-save` text (filter and nat, or one table), or `ipvsadm -Ln` in ipvs mode."""
    with api.read() as tx:
        node_obj = _node(tx, node)
        services, slices = tx.list("Service").items, tx.list("EndpointSlice").items
        mode = proxy_mode(tx)
        network, _ = flannel_backend(tx)
    if mode == "ipvs":
        if table:
            raise errors.ManifestError("--table applies to iptables mode; this cluster's kube-proxy runs ipvs")
        return ipvs.render(services, slices, node, simulation.node_internal_ip(node_obj))
    opts = iptables.Options(cluster_cidr=network, node_ip=simulation.node_internal_ip(node_obj))
    return iptables.render(iptables.rules(services, slices, node, opts), table)


def routes(api, node: str, what: str = "route") -> str:
    """`ip route`, `ip neigh show dev flannel.1` or `bridge fdb show dev flannel.1` on the node."""
    with api.read() as tx:
        _node(tx, node)
        nodes = tx.list("Node").items
        _, backend = flannel_backend(tx)
    leases = flannel.leases(nodes, simulation.node_internal_ip)
    mine = next((lease for lease in leases if lease.node == node), None)
    if mine is None:
        raise errors.ManifestError(f'node "{node}" has no pod CIDR yet: flannel has no subnet lease for it')
    if what == "route":
        return flannel.routes(mine, leases, backend)
    if backend != "vxlan":
        return ""
    return flannel.neighbours(mine, leases) if what == "neigh" else flannel.fdb(mine, leases)


def _records(tx) -> dns.Records:
    return dns.Records(tx.list("Service").items, tx.list("EndpointSlice").items, tx.list("Pod").items)


def _pod_namespace(tx, pod: str, namespace: str) -> tuple[str, bool]:
    """(the pod's namespace, whether it resolves through the cluster DNS: dnsPolicy ClusterFirst...)."""
    obj = tx.get("Pod", namespace, pod)
    spec = obj.get("spec") or {}
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    cluster_first = policy == "ClusterFirstWithHostNet" or (policy == "ClusterFirst" and not spec.get("hostNetwork"))
    return namespace, cluster_first


def dns_answer(api, name: str, qtype: str, from_pod: str | None, namespace: str) -> dns.Answer:
    """CoreDNS's answer; from a pod, after its resolv.conf's search-path expansion."""
    with api.read() as tx:
        records = _records(tx)
        if from_pod is None:
            return dns.answer(name, qtype, records)
        ns, cluster_first = _pod_namespace(tx, from_pod, namespace)
    if not cluster_first:  # the node's resolver: it knows nothing of the cluster
        return dns.Answer("NXDOMAIN", (), name.rstrip(".") + ".")
    return dns.search(name, qtype, records, ns)


def resolv_conf(api, pod: str, namespace: str) -> str:
    """The pod's /etc/resolv.conf."""
    with api.read() as tx:
        ns, cluster_first = _pod_namespace(tx, pod, namespace)
    if not cluster_first:
        return "nameserver 172.18.0.1\n"  # the node's resolver on a kind node (Docker's embedded DNS proxy)
    return dns.resolv_conf(ns)
