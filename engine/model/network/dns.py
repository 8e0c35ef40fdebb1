"""CoreDNS's kubernetes plugin (kubeadm's Corefile: `pods insecure`, zone cluster.local) as a pure function.

No I/O happens here. `answer(name, qtype, objects)` answers one query the way
CoreDNS answers it, from Services, EndpointSlices and Pods
(kubernetes/dns docs/specification.md, schema 1.1.0):

- `svc.ns.svc.zone`: A of the ClusterIP; a headless Service: one A per ready
  endpoint (all endpoints with publishNotReadyAddresses), NXDOMAIN with none;
  ExternalName: CNAME to `spec.externalName`;
- `host.svc.ns.svc.zone`: an endpoint of a headless Service, by its hostname
  (a pod's `spec.hostname` when its `spec.subdomain` names the Service) or its
  dashed IP;
- `_port._proto.svc.ns.svc.zone`: SRV per named port, `0 <weight> <port> <target>.`,
  weight 100/n over the n targets (CoreDNS's backend lookup);
- `a-b-c-d.ns.pod.zone`: A a.b.c.d (`pods insecure` answers without checking);
- `d.c.b.a.in-addr.arpa`: PTR of a ClusterIP or of a headless endpoint.

Names outside the zone are what CoreDNS forwards to the node's resolver;
litekube has none, so they answer NXDOMAIN. `search(name, qtype, namespace)`
applies a pod's resolv.conf (search list, ndots:5) as the resolver library does.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass

__all__ = ["ZONE", "DNS_IP", "Answer", "Records", "answer", "search", "search_list", "candidates", "resolv_conf",
           "TYPES"]

ZONE = "cluster.local"
DNS_IP = "10.96.0.10"
TYPES = ("A", "AAAA", "SRV", "PTR", "CNAME")
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


@dataclass(frozen=True)
class Answer:
    """A response: rcode (NOERROR or NXDOMAIN), answer records as `dig +short` prints them, the name used."""

    rcode: str
    records: tuple[str, ...] = ()
    name: str = ""


class Records:
    """The objects CoreDNS watches, indexed for lookups."""

    def __init__(self, services: list[dict], slices: list[dict], pods: list[dict] = (), zone: str = ZONE) -> None:
        self.zone = zone.lower().strip(".")
        self.services = {(s["metadata"].get("namespace", "default").lower(), s["metadata"]["name"].lower()): s
                         for s in services}
        self.namespaces = {ns for ns, _ in self.services}
        self.slices: dict[tuple[str, str], list[dict]] = {}
        for eps in slices:
            meta = eps.get("metadata") or {}
            owner = (meta.get("labels") or {}).get(SERVICE_NAME_LABEL)
            if owner:
                self.slices.setdefault((meta.get("namespace", "default").lower(), owner.lower()), []).append(eps)
        self.pods = {(p["metadata"].get("namespace", "default"), p["metadata"]["name"]): p for p in pods}

    def endpoints(self, key: tuple[str, str]) -> list[tuple[str, str]]:
        """(hostname, ip) of the Service's endpoints DNS publishes, in slice order."""
        svc = self.services[key]
        publish_all = bool((svc.get("spec") or {}).get("publishNotReadyAddresses"))
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        for eps in self.slices.get(key, []):
            for endpoint in eps.get("endpoints") or []:
                ready = (endpoint.get("conditions") or {}).get("ready")
                if not publish_all and ready is False:
                    continue
                hostname = endpoint.get("hostname") or self._pod_hostname(key, endpoint)
                for ip in endpoint.get("addresses") or []:
                    if ip in seen:
                        continue
                    seen.add(ip)
                    out.append((hostname or ip.replace(".", "-").replace(":", "-"), ip))
        return out

    def _pod_hostname(self, key: tuple[str, str], endpoint: dict) -> str:
        ref = endpoint.get("targetRef") or {}
        pod = self.pods.get((ref.get("namespace") or key[0], ref.get("name") or "")) if ref.get("kind") == "Pod" \
            else None
        spec = (pod or {}).get("spec") or {}
        return spec.get("hostname", "") if (spec.get("subdomain") or "").lower() == key[1] else ""

    def fqdn(self, ns: str, svc: str, host: str = "") -> str:
        return f"{host + '.' if host else ''}{svc}.{ns}.svc.{self.zone}."


def _record_type(ip: str) -> str:
    return "AAAA" if ":" in ip else "A"


def _srv(targets: list[tuple[int, str]]) -> tuple[str, ...]:
    weight = max(1, int(100 / len(targets))) if targets else 100
    return tuple(f"0 {weight} {port} {target}" for port, target in targets)


def _service(records: Records, qtype: str, labels: list[str]) -> Answer:
    if len(labels) == 1:  # `ns.svc.zone`: a namespace, no records of its own
        return Answer("NOERROR") if labels[0] in records.namespaces else Answer("NXDOMAIN")
    port = proto = host = ""
    if len(labels) == 4 and labels[0].startswith("_") and labels[1].startswith("_"):
        port, proto, svc, ns = labels[0][1:], labels[1][1:], labels[2], labels[3]
    elif len(labels) == 3:
        host, svc, ns = labels
    elif len(labels) == 2:
        svc, ns = labels
    else:
        return Answer("NXDOMAIN")
    key = (ns, svc)
    if key not in records.services:
        return Answer("NXDOMAIN")
    spec = records.services[key].get("spec") or {}
    if spec.get("type") == "ExternalName":
        if host or port:
            return Answer("NXDOMAIN")
        target = str(spec.get("externalName", "")).rstrip(".") + "."
        return Answer("NOERROR", (target,) if qtype in ("A", "AAAA", "CNAME") else ())
    cluster_ip = spec.get("clusterIP") or ""
    headless = cluster_ip in ("", "None")
    if port:
        ports = [p for p in spec.get("ports") or [] if (p.get("name") or "").lower() == port
                 and (p.get("protocol") or "TCP").lower() == proto]
        if not ports:
            return Answer("NXDOMAIN")
        if headless:
            endpoints = records.endpoints(key)
            if not endpoints:
                return Answer("NXDOMAIN")
            targets = [(_endpoint_port(records, key, port, proto, p), records.fqdn(ns, svc, h))
                       for p in ports for h, _ in endpoints]
        else:
            targets = [(int(p.get("port", 0)), records.fqdn(ns, svc)) for p in ports]
        return Answer("NOERROR", _srv(targets) if qtype == "SRV" else ())
    if headless:
        endpoints = records.endpoints(key)
        if host:
            endpoints = [(h, ip) for h, ip in endpoints if h.lower() == host]
        if not endpoints:
            return Answer("NXDOMAIN")
        return Answer("NOERROR", tuple(ip for _, ip in endpoints if _record_type(ip) == qtype))
    if host:
        return Answer("NXDOMAIN")
    if qtype == "SRV":  # SRV on the Service name: one per port
        return Answer("NOERROR", _srv([(int(p.get("port", 0)), records.fqdn(ns, svc)) for p in spec.get("ports")
                                       or []]))
    ips = spec.get("clusterIPs") or [cluster_ip]
    return Answer("NOERROR", tuple(ip for ip in ips if _record_type(ip) == qtype))


def _endpoint_port(records: Records, key: tuple[str, str], name: str, proto: str, service_port: dict) -> int:
    for eps in records.slices.get(key, []):
        for port in eps.get("ports") or []:
            if (port.get("name") or "").lower() == name and (port.get("protocol") or "TCP").lower() == proto:
                return int(port.get("port", 0))
    return int(service_port.get("port", 0))


def _pod(records: Records, qtype: str, labels: list[str]) -> Answer:
    if len(labels) != 2:
        return Answer("NXDOMAIN")
    dashed, _ns = labels
    try:
        ip = ipaddress.ip_address(dashed.replace("-", ".") if dashed.count("-") == 3 else dashed.replace("-", ":"))
    except ValueError:
        return Answer("NXDOMAIN")
    return Answer("NOERROR", (str(ip),) if _record_type(str(ip)) == qtype else ())


def _reverse(records: Records, qtype: str, name: str) -> Answer:
    try:
        ip = str(ipaddress.ip_address(".".join(reversed(name[: -len(".in-addr.arpa")].split(".")))))
    except ValueError:
        return Answer("NXDOMAIN")
    found: list[str] = []
    for (ns, svc), obj in sorted(records.services.items()):
        spec = obj.get("spec") or {}
        if ip in (spec.get("clusterIPs") or [spec.get("clusterIP")]):
            found.append(records.fqdn(ns, svc))
        elif spec.get("clusterIP") == "None":
            found += [records.fqdn(ns, svc, h) for h, e in records.endpoints((ns, svc)) if e == ip]
    if not found:
        return Answer("NXDOMAIN")  # fallthrough in-addr.arpa: the upstream resolver knows no such address
    return Answer("NOERROR", tuple(found) if qtype == "PTR" else ())


def answer(name: str, qtype: str, records: Records) -> Answer:
    """CoreDNS's answer to one absolute query."""
    fqdn = name.lower().rstrip(".")
    qtype = qtype.upper()
    if fqdn.endswith(".in-addr.arpa"):
        return _with_name(_reverse(records, qtype, fqdn), fqdn)
    if fqdn == records.zone or not fqdn.endswith("." + records.zone):
        return _with_name(Answer("NXDOMAIN"), fqdn)
    labels = fqdn[: -len(records.zone) - 1].split(".")
    if labels[-1] == "svc":
        return _with_name(_service(records, qtype, labels[:-1]), fqdn)
    if labels[-1] == "pod":
        return _with_name(_pod(records, qtype, labels[:-1]), fqdn)
    return _with_name(Answer("NXDOMAIN"), fqdn)


def _with_name(result: Answer, fqdn: str) -> Answer:
    return Answer(result.rcode, result.records, fqdn + ".")


def search_list(namespace: str, zone: str = ZONE) -> list[str]:
    return [f"{namespace}.svc.{zone}", f"svc.{zone}", zone]


def resolv_conf(namespace: str, zone: str = ZONE, nameserver: str = DNS_IP) -> str:
    """A ClusterFirst pod's /etc/resolv.conf, as the kubelet writes it."""
    return f"search {' '.join(search_list(namespace, zone))}\nnameserver {nameserver}\noptions ndots:5\n"


def candidates(name: str, namespace: str, zone: str = ZONE, ndots: int = 5) -> list[str]:
    """The names the resolver tries, in order (res_search with the pod's search list)."""
    if name.endswith("."):
        return [name]
    expanded = [f"{name}.{domain}." for domain in search_list(namespace, zone)]
    return [name + ".", *expanded] if name.count(".") >= ndots else [*expanded, name + "."]


def search(name: str, qtype: str, records: Records, namespace: str) -> Answer:
    """The first answer with records along the search path; NODATA over NXDOMAIN when none has any."""
    nodata: Answer | None = None
    last = Answer("NXDOMAIN", (), name)
    for candidate in candidates(name, namespace, records.zone):
        result = answer(candidate, qtype, records)
        if result.records:
            return result
        if result.rcode == "NOERROR" and nodata is None:
            nodata = result
        last = result
    return nodata or last
