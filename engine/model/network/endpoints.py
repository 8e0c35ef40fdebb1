"""Service ports and the endpoints kube-proxy uses for them (pkg/proxy: servicePortInfo, CategorizeEndpoints).

No I/O happens here. A service port is proxied when the Service has a
ClusterIP (not headless, not ExternalName); its endpoints come from the
EndpointSlices labelled `kubernetes.io/service-name`, matched by port name,
ordered as kube-proxy's endpointslice cache orders them ("ip:port" as a
string), de-duplicated.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Endpoint", "ServicePort", "service_ports", "categorize", "SERVICE_NAME_LABEL"]

SERVICE_NAME_LABEL = "kubernetes.io/service-name"


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of one service port: address, port, conditions, node."""

    ip: str
    port: int
    ready: bool = True
    serving: bool = True
    terminating: bool = False
    node: str = ""

    def __str__(self) -> str:
        return f"[{self.ip}]:{self.port}" if ":" in self.ip else f"{self.ip}:{self.port}"


@dataclass(frozen=True)
class ServicePort:
    """One port of a proxied Service, with what kube-proxy reads of the Service."""

    namespace: str
    name: str
    port_name: str
    protocol: str
    cluster_ip: str
    port: int
    node_port: int = 0
    external_ips: tuple[str, ...] = ()
    lb_ips: tuple[str, ...] = ()
    source_ranges: tuple[str, ...] = ()
    health_check_node_port: int = 0
    external_local: bool = False
    internal_local: bool = False
    affinity_seconds: int = 0  # >0: ClientIP affinity with this timeout
    endpoints: tuple[Endpoint, ...] = field(default=())

    @property
    def name_string(self) -> str:
        """`ns/name:port` (ServicePortName.String(); no `:` for an unnamed port)."""
        base = f"{self.namespace}/{self.name}"
        return f"{base}:{self.port_name}" if self.port_name else base

    @property
    def externally_accessible(self) -> bool:
        return bool(self.node_port or self.external_ips or self.lb_ips)

    @property
    def external_policy_local(self) -> bool:
        return self.externally_accessible and self.external_local

    @property
    def uses_cluster_endpoints(self) -> bool:
        return not self.internal_local or (self.externally_accessible and not self.external_local)

    @property
    def uses_local_endpoints(self) -> bool:
        return self.internal_local or self.external_policy_local


def _slice_endpoints(slices: list[dict], port_name: str, protocol: str) -> tuple[Endpoint, ...]:
    found: dict[str, Endpoint] = {}
    for eps in slices:
        if eps.get("addressType", "IPv4") != "IPv4":
            continue
        number = None
        for port in eps.get("ports") or []:
            if (port.get("name") or "") == port_name and (port.get("protocol") or "TCP") == protocol:
                number = port.get("port")
        if not number:
            continue
        for endpoint in eps.get("endpoints") or []:
            addresses = endpoint.get("addresses") or []
            if not addresses:
                continue
            conditions = endpoint.get("conditions") or {}
            ready = conditions.get("ready")
            ready = True if ready is None else bool(ready)
            serving = conditions.get("serving")
            ep = Endpoint(str(addresses[0]), int(number), ready, ready if serving is None else bool(serving),
                          bool(conditions.get("terminating")), str(endpoint.get("nodeName") or ""))
            found.setdefault(str(ep), ep)
    return tuple(found[key] for key in sorted(found))


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def service_ports(services: list[dict], slices: list[dict]) -> list[ServicePort]:
    """Every proxied service port, sorted by `ns/name:port`, with its endpoints."""
    by_service: dict[tuple[str, str], list[dict]] = {}
    for eps in slices:
        meta = eps.get("metadata") or {}
        owner = (meta.get("labels") or {}).get(SERVICE_NAME_LABEL)
        if owner:
            by_service.setdefault((meta.get("namespace", "default"), owner), []).append(eps)
    out: list[ServicePort] = []
    for svc in services:
        meta, spec = svc.get("metadata") or {}, svc.get("spec") or {}
        cluster_ip = spec.get("clusterIP") or ""
        if spec.get("type") == "ExternalName" or cluster_ip in ("", "None"):
            continue
        if (meta.get("labels") or {}).get("service.kubernetes.io/service-proxy-name"):
            continue  # a non-default proxy serves it (kube-proxy's informer skips it)
        namespace, name = meta.get("namespace", "default"), meta.get("name", "")
        lb_ips = tuple(str(i["ip"]) for i in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress")
                       or [] if i.get("ip") and i.get("ipMode", "VIP") == "VIP") \
            if spec.get("type") == "LoadBalancer" else ()
        affinity = 0
        if spec.get("sessionAffinity") == "ClientIP":
            affinity = _int(((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {})
                            .get("timeoutSeconds")) or 10800
        # apiservice.NeedsHealthCheck: only a LoadBalancer with externalTrafficPolicy Local.
        needs_health_check = spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"
        for port in spec.get("ports") or []:
            protocol = port.get("protocol") or "TCP"
            out.append(ServicePort(
                namespace, name, port.get("name") or "", protocol, cluster_ip, _int(port.get("port")),
                _int(port.get("nodePort")) if spec.get("type") in ("NodePort", "LoadBalancer") else 0,
                tuple(str(ip) for ip in spec.get("externalIPs") or []), lb_ips,
                tuple(str(r).strip() for r in spec.get("loadBalancerSourceRanges") or [] if str(r).strip()),
                _int(spec.get("healthCheckNodePort")) if needs_health_check else 0,
                spec.get("externalTrafficPolicy") == "Local", spec.get("internalTrafficPolicy") == "Local",
                affinity, _slice_endpoints(by_service.get((namespace, name), []), port.get("name") or "",
                                           protocol)))
    out.sort(key=lambda sp: (sp.name_string, sp.protocol))
    return out


def categorize(sp: ServicePort, node: str) -> tuple[list[Endpoint], list[Endpoint], list[Endpoint], bool]:
    """(cluster, local, all locally reachable, has any): proxy.CategorizeEndpoints without topology hints.

    Ready endpoints first; when none is ready, the serving-and-terminating ones.
    """
    def pick(candidates: list[Endpoint]) -> list[Endpoint]:
        ready = [ep for ep in candidates if ep.ready]
        return ready or [ep for ep in candidates if ep.serving and ep.terminating]

    every = list(sp.endpoints)
    cluster = pick(every) if sp.uses_cluster_endpoints else []
    if not sp.uses_local_endpoints:
        return cluster, [], cluster, bool(cluster)
    local = pick([ep for ep in every if ep.node == node])
    has = bool(cluster) or any(ep.ready or (ep.serving and ep.terminating) for ep in every)
    if not sp.uses_cluster_endpoints:
        return [], local, local, has
    chosen = {str(ep) for ep in cluster} | {str(ep) for ep in local}
    return cluster, local, [ep for ep in every if str(ep) in chosen], has
