"""One HTTP request through the cluster, hop by hop: what `litekube curl` shows. No I/O happens here.

`trace(network, request, choose)` follows a request from outside the
cluster (the host of a kind cluster, 172.18.0.1 on the node network), from
a pod, or from a node:

1. the name: an address, a `--resolve` entry, or, from a pod whose
   dnsPolicy is ClusterFirst, CoreDNS's answers along its resolv.conf search
   path (litekube.model.network.dns); from outside or from a node, cluster
   names do not resolve (curl 6);
2. the entry: which Service the address and port belong to (LoadBalancer
   IP, NodePort on a node's address, ClusterIP, externalIP) or which pod;
   from outside, a LoadBalancer IP reaches the node MetalLB's layer-2 mode
   announces it from (the first node by sha256(node + "#" + ip) among the
   Ready nodes, those with a local ready endpoint for externalTrafficPolicy
   Local); ClusterIPs and pod IPs are not routed from outside;
3. the node's kube-proxy rules the packet matches (litekube.model.network
   .netfilter over the node's iptables rules, or its ipvs virtual server),
   split at each `statistic` rule;
4. the route from that node to the endpoint (litekube.model.network.flannel:
   cni0 on the same node, flannel.1 to the other node's address with vxlan,
   eth0 with host-gw) and the pod and container port that receive it;
5. ingress-nginx, when the pod is its controller: the Ingress rule that
   matches (litekube.model.network.ingress_routing), then a ready endpoint
   of the backend Service, picked by its round robin, reached directly;
6. the response: 200 from the pod (a body naming it), nginx's 404, 503 or
   308 pages, the API server's replies, or curl's error: (7) refused by a
   REJECT rule or a closed port, (28) dropped or not routed (the kernel's
   127 s of SYN retries), (60) an untrusted certificate without -k, (35) TLS
   to a plain HTTP port.

`choose(p)` decides each split: one outcome for a seeded pick, every
outcome with its weight for `--all` (see netfilter.Chooser); `pick(n)`
likewise for nginx's choice among n endpoints.
"""
from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass, field

from litekube.model.network import dns, flannel, ingress_nginx, iptables, ipvs, netfilter, urls
from litekube.model.network import endpoints as eps

__all__ = ["Origin", "Request", "Network", "Path", "Trace", "trace", "OUTSIDE_IP", "SYN_TIMEOUT_MS"]

OUTSIDE_IP = "172.18.0.1"
SYN_TIMEOUT_MS = 127000  # net.ipv4.tcp_syn_retries = 6: 1+2+4+8+16+32+64 s
ARP_TIMEOUT_MS = 3000    # ucast_solicit + mcast_solicit probes 1 s apart before EHOSTUNREACH
APISERVER = ("172.18.0.1", 6443)
_FORBIDDEN = ('{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n'
              '  "message": "forbidden: User \\"system:anonymous\\" cannot get path \\"PATH\\"",\n'
              '  "reason": "Forbidden",\n  "details": {},\n  "code": 403\n}')


@dataclass(frozen=True)
class Origin:
    """Where curl runs: `outside` (the host), a pod (namespace, name) or a node (name)."""

    kind: str = "outside"
    name: str = ""
    namespace: str = ""


@dataclass(frozen=True)
class Request:
    url: str
    host: str | None = None                       # a -H 'Host: x' header (None: curl's own)
    resolve: tuple[tuple[str, int, str], ...] = ()
    insecure: bool = False
    origin: Origin = Origin()


@dataclass
class Path:
    """One way the request goes, with its probability and how it ends."""

    probability: float
    hops: list[dict] = field(default_factory=list)
    status: int | None = None
    headers: list[str] = field(default_factory=list)
    body: str = ""
    error: urls.CurlError | None = None
    pod: str = ""
    request: list[str] = field(default_factory=list)  # what curl sent, once connected

    @property
    def exit_code(self) -> int:
        return self.error.code if self.error else 0


@dataclass
class Trace:
    url: urls.Url | None
    resolution: dict
    paths: list[Path]
    address: str = ""


class Network:
    """The objects a request crosses, indexed; `node_ips` maps node names to their InternalIP."""

    def __init__(self, services: list[dict], slices: list[dict], nodes: list[dict], pods: list[dict],
                 ingresses: list[dict], ingress_classes: list[dict], tls_secrets: set[tuple[str, str]],
                 node_ips: dict[str, str], proxy_mode: str = "iptables", backend: str = "vxlan",
                 cluster_cidr: str = flannel.NETWORK) -> None:
        self.services, self.slices, self.nodes, self.pods = services, slices, nodes, pods
        self.node_ips, self.proxy_mode, self.backend, self.cluster_cidr = node_ips, proxy_mode, backend, cluster_cidr
        self.tls_secrets = tls_secrets
        self.ports = eps.service_ports(services, slices)
        self.records = dns.Records(services, slices, pods)
        self.leases = flannel.leases(nodes, lambda n: node_ips.get(n["metadata"]["name"], ""))
        # A finished pod keeps its podIP, which host-local may hand out again: the Running pod holds it.
        by_phase = sorted(pods, key=lambda p: (p.get("status") or {}).get("phase") == "Running")
        self.pod_by_ip = {(p.get("status") or {}).get("podIP"): p for p in by_phase
                          if (p.get("status") or {}).get("podIP") and not (p.get("spec") or {}).get("hostNetwork")}
        classes = {c["metadata"]["name"]: c for c in ingress_classes}
        self.ingresses = [i for i in ingresses if ingress_nginx.serves(
            i, classes.get((i.get("spec") or {}).get("ingressClassName") or ""))]
        self.ready_nodes = sorted(n["metadata"]["name"] for n in nodes if _node_ready(n))
        self._tables: dict[str, netfilter.Tables] = {}

    def tables(self, node: str) -> netfilter.Tables:
        if node not in self._tables:
            opts = iptables.Options(cluster_cidr=self.cluster_cidr, node_ip=self.node_ips.get(node, ""))
            self._tables[node] = netfilter.Tables(iptables.rules(self.services, self.slices, node, opts))
        return self._tables[node]

    def node_of_ip(self, ip: str) -> str | None:
        return next((n for n, a in self.node_ips.items() if a == ip), None)


def _node_ready(node: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (node.get("status") or {}).get("conditions") or [])


def _name(obj: dict) -> str:
    return f"{obj['metadata'].get('namespace', '')}/{obj['metadata']['name']}"


class _Tracer:
    def __init__(self, network: Network, request: Request, url: urls.Url, choose: netfilter.Chooser, pick) -> None:
        self.net, self.request, self.url, self.choose, self.pick = network, request, url, choose, pick
        self.sni = url.host

    # -- 1. the name ---------------------------------------------------------
    def resolve(self) -> tuple[str | None, dict]:
        url, request = self.url, self.request
        for host, port, address in request.resolve:
            if host == url.host and port == url.port:
                return address, {"name": url.host, "address": address, "via": "--resolve",
                                 "text": [f"Added {host}:{port}:{address} to DNS cache (--resolve)"]}
        try:
            ipaddress.ip_address(url.host)
            return url.host, {"name": url.host, "address": url.host, "via": "address", "text": []}
        except ValueError:
            pass
        if url.host == "localhost":
            return "127.0.0.1", {"name": url.host, "address": "127.0.0.1", "via": "/etc/hosts",
                                 "text": ["localhost is 127.0.0.1 (/etc/hosts)"]}
        origin = request.origin
        pod = self._origin_pod()
        if origin.kind != "pod" or not _cluster_first(pod):
            where = "the host's resolver" if origin.kind == "outside" else "the node's resolver (no cluster DNS)"
            return None, {"name": url.host, "address": None, "via": where,
                          "text": [f"{url.host}: NXDOMAIN from {where}"]}
        return self._search(pod["metadata"]["namespace"])

    def _search(self, namespace: str) -> tuple[str | None, dict]:
        queries, lines = [], []
        for candidate in dns.candidates(self.url.host, namespace, self.net.records.zone):
            name = candidate
            for _ in range(8):  # CNAMEs (ExternalName) are followed
                answer = dns.answer(name, "A", self.net.records)
                queries.append({"name": answer.name, "rcode": answer.rcode, "records": list(answer.records)})
                if answer.records and not _is_ip(answer.records[0]):
                    lines.append(f"{answer.name} CNAME {answer.records[0]}")
                    name = answer.records[0]
                    continue
                break
            if answer.records:
                lines.append(f"{answer.name} A {answer.records[0]} (CoreDNS, kube-dns {dns.DNS_IP})")
                return answer.records[0], {"name": self.url.host, "address": answer.records[0], "via": "dns",
                                           "queries": queries, "text": lines}
            lines.append(f"{answer.name} {answer.rcode}")
        return None, {"name": self.url.host, "address": None, "via": "dns", "queries": queries, "text": lines}

    def _origin_pod(self) -> dict | None:
        origin = self.request.origin
        if origin.kind != "pod":
            return None
        return next((p for p in self.net.pods if p["metadata"]["name"] == origin.name
                     and p["metadata"].get("namespace") == origin.namespace), None)

    # -- 2. the entry ----------------------------------------------------------
    def start(self, address: str) -> list[Path]:
        port, origin = self.url.port, self.request.origin
        entry = self._entry(address, port)
        if origin.kind == "outside":
            return self._from_outside(address, port, entry)
        if origin.kind == "pod":
            pod = self._origin_pod() or {}
            node, src = (pod.get("spec") or {}).get("nodeName") or "", (pod.get("status") or {}).get("podIP") or ""
            head = {"hop": "origin", "pod": _name(pod), "node": node, "ip": src,
                    "text": [f"From pod {_name(pod)} ({src}) on {node}"]}
            if (pod.get("spec") or {}).get("hostNetwork"):  # the node's own network namespace: OUTPUT
                pkt = netfilter.Packet(src, address, port, src_local=True, dst_local=address in (src, "127.0.0.1"))
                return self._at_node(node, pkt, [head, entry], 1.0)
            return self._at_node(node, netfilter.Packet(src, address, port), [head, entry], 1.0)
        node = origin.name
        src = self.net.node_ips.get(node, "")
        head = {"hop": "origin", "node": node, "ip": src, "text": [f"From node {node} ({src})"]}
        pkt = netfilter.Packet(src, address, port, src_local=True,
                               dst_local=address in (src, "127.0.0.1"))
        return self._at_node(node, pkt, [head, entry], 1.0)

    def _entry(self, address: str, port: int) -> dict:
        found = self._what(address, port)
        found["text"].insert(0, f"  Trying {f'[{address}]' if ':' in address else address}:{port}...")
        return found

    def _what(self, address: str, port: int) -> dict:
        for sp in self.net.ports:
            svc = f"{sp.namespace}/{sp.name}"
            label = f" (port {sp.port_name})" if sp.port_name else ""
            if address in sp.lb_ips and port == sp.port:
                return {"hop": "entry", "type": "LoadBalancer", "service": svc, "port": sp.port_name,
                        "text": [f"{address}:{port} is the LoadBalancer IP of Service {svc}{label}"]}
            if address in sp.external_ips and port == sp.port:
                return {"hop": "entry", "type": "ExternalIP", "service": svc, "port": sp.port_name,
                        "text": [f"{address}:{port} is an externalIP of Service {svc}{label}"]}
            if address == sp.cluster_ip and port == sp.port:
                return {"hop": "entry", "type": "ClusterIP", "service": svc, "port": sp.port_name,
                        "text": [f"{address}:{port} is the ClusterIP of Service {svc}{label}"]}
            if sp.node_port and port == sp.node_port and self.net.node_of_ip(address):
                return {"hop": "entry", "type": "NodePort", "service": svc, "port": sp.port_name,
                        "text": [f"{address}:{port} is NodePort {port} of Service {svc}{label} on "
                                 f"{self.net.node_of_ip(address)}"]}
        pod = self.net.pod_by_ip.get(address)
        if pod is not None:
            return {"hop": "entry", "type": "Pod", "pod": _name(pod), "text": [f"{address} is pod {_name(pod)}"]}
        node = self.net.node_of_ip(address)
        if node:
            return {"hop": "entry", "type": "Node", "node": node, "text": [f"{address} is node {node}"]}
        return {"hop": "entry", "type": "", "text": [f"{address} is no Service, node or pod of the cluster"]}

    def _from_outside(self, address: str, port: int, entry: dict) -> list[Path]:
        head = {"hop": "origin", "outside": True, "ip": OUTSIDE_IP,
                "text": [f"From outside the cluster ({OUTSIDE_IP}, the host on the node network)"]}
        hops = [head, entry]
        if ipaddress.ip_address(address).is_loopback:
            return [self._fail(hops, 1.0, 7, "Connection refused", "nothing listens on the host's loopback")]
        node = self.net.node_of_ip(address)
        if node is not None:
            return self._at_node(node, netfilter.Packet(OUTSIDE_IP, address, port, dst_local=True), hops, 1.0)
        lb = [sp for sp in self.net.ports if address in sp.lb_ips]
        if lb:
            speaker = self._announcer(address, lb)
            if speaker is None:
                return [self._fail(hops, 1.0, 7, "No route to host",
                                   "no node announces it: MetalLB has no node with a ready local endpoint")]
            hops.append({"hop": "arp", "node": speaker, "text": [
                f"ARP {address} is-at {speaker} ({self.net.node_ips.get(speaker)}): MetalLB layer 2 announces it "
                f"from {speaker}"]})
            return self._at_node(speaker, netfilter.Packet(OUTSIDE_IP, address, port), hops, 1.0)
        return [self._fail(hops, 1.0, 28, "Connection timed out",
                           f"{address} is not routed from outside the cluster")]

    def _announcer(self, address: str, ports: list[eps.ServicePort]) -> str | None:
        """MetalLB layer 2 (speaker/layer2_controller.go ShouldAnnounce): the first eligible node by hash."""
        local = any(sp.external_local for sp in ports)
        nodes = [n for n in self.net.ready_nodes
                 if not local or any(ep.node == n and ep.ready for sp in ports for ep in sp.endpoints)]
        nodes.sort(key=lambda n: hashlib.sha256(f"{n}#{address}".encode()).digest())
        return nodes[0] if nodes else None

    # -- 3. kube-proxy ---------------------------------------------------------
    def _at_node(self, node: str, pkt: netfilter.Packet, hops: list[dict], probability: float,
                 forwarded: bool = False) -> list[Path]:
        if self.net.proxy_mode == "ipvs":
            return self._ipvs(node, pkt, hops, probability)
        out: list[Path] = []
        for outcome in self.net.tables(node).walk(pkt, self.choose):
            p = probability * outcome.probability
            rules = list(outcome.rules)
            hop = {"hop": "kube-proxy", "node": node, "mode": "iptables", "rules": rules,
                   "verdict": outcome.verdict, "to": outcome.to, "masquerade": outcome.masquerade,
                   "text": [f"{node} kube-proxy (iptables): " + (
                       f"DNAT to {outcome.to}" if outcome.verdict == "DNAT" else
                       f"{outcome.verdict}" if outcome.verdict else "no rule matches")]
                   + [f"  {r}" for r in rules]}
            if outcome.verdict == "DNAT":
                ip, _, port = outcome.to.rpartition(":")
                out += self._deliver(node, ip, int(port), [*hops, hop], p)
            elif outcome.verdict == "REJECT":
                out.append(self._fail([*hops, hop], p, 7, "Connection refused"))
            elif outcome.verdict == "DROP":
                out.append(self._fail([*hops, hop], p, 28, "Connection timed out"))
            else:
                out += self._unproxied(node, pkt, hops, p, forwarded)
        return out

    def _ipvs(self, node: str, pkt: netfilter.Packet, hops: list[dict], probability: float) -> list[Path]:
        """ipvs mode: the node's virtual server for the address, rr over its real servers."""
        text = ipvs.render(self.net.services, self.net.slices, node, self.net.node_ips.get(node, ""))
        servers: dict[str, tuple[str, list[str]]] = {}
        current = ""
        for line in text.splitlines()[3:]:
            if line.startswith("  ->"):
                servers[current][1].append(line.split()[1])
            else:
                current = line.split()[1]
                servers[current] = (line.strip(), [])
        found = servers.get(f"{pkt.dst}:{pkt.dport}")
        if found is None:
            return self._unproxied(node, pkt, hops, probability, False)
        header, reals = found
        if not reals:
            hop = {"hop": "kube-proxy", "node": node, "mode": "ipvs", "server": header,
                   "text": [f"{node} kube-proxy (ipvs): {header}: no real servers"]}
            return [self._fail([*hops, hop], probability, 7, "Connection refused")]
        out = []
        for index, weight in self.pick(len(reals)):
            hop = {"hop": "kube-proxy", "node": node, "mode": "ipvs", "server": header, "real": reals[index],
                   "text": [f"{node} kube-proxy (ipvs): {header} -> {reals[index]} (Masq)"]}
            ip, _, port = reals[index].rpartition(":")
            out += self._deliver(node, ip, int(port), [*hops, hop], probability * weight)
        return out

    def _unproxied(self, node: str, pkt: netfilter.Packet, hops: list[dict], p: float, forwarded: bool) -> list[Path]:
        """No kube-proxy rule took it: routed as addressed."""
        if pkt.dst in self.net.pod_by_ip or pkt.dst == APISERVER[0]:
            return self._deliver(node, pkt.dst, pkt.dport, hops, p)
        target = self.net.node_of_ip(pkt.dst)
        if target and target != node and not forwarded:
            hop = {"hop": "route", "from": node, "to": target, "text": [
                f"Route on {node} to {pkt.dst}: 172.18.0.0/16 dev eth0 (node {target})"]}
            return self._at_node(target, netfilter.Packet(pkt.src, pkt.dst, pkt.dport, dst_local=True),
                                 [*hops, hop], p, True)
        if pkt.dst_local or target:
            return [self._fail(hops, p, 7, "Connection refused", f"nothing listens on {node} port {pkt.dport}")]
        return [self._fail(hops, p, 28, "Connection timed out", f"no rule or route takes {pkt.dst}:{pkt.dport}")]

    # -- 4. the route and the pod ----------------------------------------------
    def _route(self, node: str, ip: str) -> dict:
        mine = next((lease for lease in self.net.leases if lease.node == node), None)
        lease = next((lease for lease in self.net.leases if _in(ip, lease.subnet)), None)
        if mine is None or lease is None:
            return {"hop": "route", "from": node, "dev": "eth0", "text": [
                f"Route on {node} to {ip}: {flannel.NODE_NETWORK} dev eth0"]}
        table = flannel.routes(mine, self.net.leases, self.net.backend).splitlines()
        line = next((r.strip() for r in table if r.startswith(f"{lease.subnet} ")), "")
        hop = {"hop": "route", "from": node, "to": lease.node, "route": line}
        if lease.node == node:
            hop["dev"] = "cni0"
            hop["text"] = [f"Route on {node} to {ip}: {line} (same node, the cni0 bridge)"]
        elif self.net.backend == "vxlan":
            hop["dev"] = "flannel.1"
            hop["text"] = [f"Route on {node} to {ip}: {line} (vxlan to {lease.node} at {lease.public_ip}, "
                           f"FDB {flannel.vtep_mac(lease.node)} dst {lease.public_ip})"]
        else:
            hop["dev"] = "eth0"
            hop["text"] = [f"Route on {node} to {ip}: {line} ({lease.node})"]
        return hop

    def _deliver(self, node: str, ip: str, port: int, hops: list[dict], p: float,
                 tls: bool | None = None) -> list[Path]:
        """The packet routed from `node` to ip:port and what answers there; `tls`: whether it speaks TLS."""
        hops = [*hops, self._route(node, ip)]
        if (ip, port) == APISERVER:
            return [self._apiserver(hops, p)]
        pod = self.net.pod_by_ip.get(ip)
        if pod is None:
            return [self._fail(hops, p, 28, "Connection timed out", f"no pod has the address {ip}")]
        spec, status = pod.get("spec") or {}, pod.get("status") or {}
        container = _container_for(pod, port)
        where = f"Pod {_name(pod)} on {spec.get('nodeName', '')}"
        if status.get("phase") != "Running":
            hop = {"hop": "pod", "pod": _name(pod), "text": [f"{where}: {status.get('phase', 'Pending')}"]}
            return [self._fail([*hops, hop], p, 7, "Connection refused")]
        if container is None:
            hop = {"hop": "pod", "pod": _name(pod), "port": port, "text": [
                f"{where}: no container listens on port {port}"]}
            return [self._fail([*hops, hop], p, 7, "Connection refused")]
        name, port_name = container
        hop = {"hop": "pod", "pod": _name(pod), "node": spec.get("nodeName", ""), "ip": ip, "container": name,
               "port": port, "text": [f"{where}: container {name}, port {port}"
                                      + (f" ({port_name})" if port_name else "")]}
        hops.append(hop)
        if _is_controller(pod) and port in (80, 443):
            from litekube.model.network import ingress_serving

            return ingress_serving.serve(self, pod, port, hops, p)
        if (self.url.scheme == "https" if tls is None else tls):
            return [self._fail(hops, p, 35, "OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number",
                               "the pod answers plain HTTP")]
        body = (f"litekube: pod {_name(pod)} ({ip}:{port}) on {spec.get('nodeName', '')} answered GET "
                f"{self.url.target}\n")
        return [Path(p, hops, 200, ["HTTP/1.1 200 OK", "Content-Type: text/plain; charset=utf-8"], body,
                     pod=_name(pod))]

    def _apiserver(self, hops: list[dict], p: float) -> Path:
        hops = [*hops, {"hop": "apiserver", "text": [f"kube-apiserver at {APISERVER[0]}:{APISERVER[1]}"]}]
        if self.url.scheme == "http":
            return Path(p, hops, 400, ["HTTP/1.0 400 Bad Request"], "Client sent an HTTP request to an HTTPS server.\n")
        if not self.request.insecure:
            return self._fail(hops, p, 60, "SSL certificate problem: unable to get local issuer certificate")
        body = _FORBIDDEN.replace("PATH", self.url.path) + "\n"
        return Path(p, hops, 403, ["HTTP/2 403", "content-type: application/json"], body)

    # -- 6. endings -----------------------------------------------------------
    def _fail(self, hops: list[dict], p: float, code: int, errno: str, why: str = "") -> Path:
        url = self.url
        if code in (7, 28):
            ms = SYN_TIMEOUT_MS if code == 28 else ARP_TIMEOUT_MS if errno == "No route to host" else 0
            message = f"Failed to connect to {url.host} port {url.port} after {ms} ms: Couldn't connect to server"
            lines = [f"connect to {url.host} port {url.port} failed: {errno}"]
        else:
            message, lines = errno, []
        if why:
            lines.insert(0, why)
        return Path(p, [*hops, {"hop": "error", "code": code, "text": lines}], error=urls.CurlError(code, message))


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _in(ip: str, network) -> bool:
    try:
        return ipaddress.ip_address(ip) in network
    except ValueError:
        return False


def _cluster_first(pod: dict | None) -> bool:
    spec = (pod or {}).get("spec") or {}
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    return pod is not None and (policy == "ClusterFirstWithHostNet"
                                or (policy == "ClusterFirst" and not spec.get("hostNetwork")))


def _container_for(pod: dict, port: int) -> tuple[str, str] | None:
    """(container, port name) listening on the port: one that declares it, or the first when none declares ports."""
    containers = (pod.get("spec") or {}).get("containers") or []
    declared = False
    for c in containers:
        for cp in c.get("ports") or []:
            declared = True
            if cp.get("containerPort") == port and (cp.get("protocol") or "TCP") == "TCP":
                return c.get("name", ""), cp.get("name") or ""
    return (containers[0].get("name", ""), "") if containers and not declared else None


def _is_controller(pod: dict) -> bool:
    labels = (pod.get("metadata") or {}).get("labels") or {}
    return pod["metadata"].get("namespace") == ingress_nginx.NAMESPACE and \
        all(labels.get(k) == v for k, v in ingress_nginx.SELECTOR.items())


def trace(network: Network, request: Request, choose: netfilter.Chooser, pick) -> Trace:
    """Every path the request takes (one for a seeded choice), with its probability and ending."""
    try:
        url = urls.parse(request.url)
    except urls.CurlError as exc:
        return Trace(None, {}, [Path(1.0, [], error=exc)])
    tracer = _Tracer(network, request, url, choose, pick)
    address, resolution = tracer.resolve()
    if address is None:
        return Trace(url, resolution, [Path(1.0, [], error=urls.CurlError(6, f"Could not resolve host: {url.host}"))])
    paths = tracer.start(address)
    for path in paths:
        if path.status is not None:
            _sent(path, url, request)
    return Trace(url, resolution, paths, address)


def _sent(path: Path, url: urls.Url, request: Request) -> None:
    """The request lines `curl -v` shows; over TLS to nginx or the API server, HTTP/2 (ALPN h2)."""
    h2 = url.scheme == "https" and any(h["hop"] in ("ingress", "nginx", "apiserver") for h in path.hops)
    host = request.host if request.host is not None else urls.host_header(url)
    path.request = [f"GET {url.target} HTTP/{'2' if h2 else '1.1'}", *([f"Host: {host}"] if host else []),
                    "User-Agent: curl/7.88.1", "Accept: */*"]
    if h2 and path.headers and path.headers[0].startswith("HTTP/1.1 "):
        path.headers = [f"HTTP/2 {path.status}", *(h.split(":", 1)[0].lower() + ":" + h.split(":", 1)[1]
                                                   for h in path.headers[1:])]
