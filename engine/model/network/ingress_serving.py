"""ingress-nginx answering a request that reached its controller pod: TLS, the Ingress rule, the upstream.

No I/O happens here. Called by litekube.model.network.tracing (`t` is its
tracer) once a request arrives at port 80 or 443 of a controller pod: plain
HTTP to 443 and TLS to 80 are refused as nginx refuses them; on 443 the
certificate is the TLS section's Secret (for the SNI name) or ingress-nginx's
fake one, untrusted without -k (curl 60); then the route over the
controller's Ingresses (litekube.model.network.ingress_routing), the 308
ssl-redirect for plain HTTP to a host whose TLS Secret exists, and a ready
endpoint of the backend, reached directly as ingress-nginx's balancer does.
"""
from __future__ import annotations

from litekube.model.network import endpoints as eps
from litekube.model.network import ingress_nginx, ingress_routing, tracing, urls

__all__ = ["serve", "page"]


def serve(t, controller: dict, port: int, hops: list[dict], p: float) -> list:
    """The paths from the controller pod on: a page, curl's TLS error, or the backend's endpoints."""
    host = t.request.host if t.request.host is not None else urls.host_header(t.url)
    path = urls.location_path(t.url.path)
    # The certificate goes by the TLS server name (SNI, the URL's host); the ssl-redirect by the Host header.
    tls = ingress_routing.tls_for(t.net.ingresses, t.sni if port == 443 else host)
    secret = tls is not None and (tls[0]["metadata"]["namespace"], tls[1].get("secretName") or "") \
        in t.net.tls_secrets
    if port == 443 and t.url.scheme == "http":
        return [page(t, hops, p, 400, "the plain HTTP request was sent to the HTTPS port",
                     "The plain HTTP request was sent to HTTPS port")]
    if port == 80 and t.url.scheme == "https":
        return [t._fail(hops, p, 35, "OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number",
                        "port 80 of ingress-nginx speaks plain HTTP")]
    if port == 443 and not t.request.insecure:
        problem = "unable to get local issuer certificate" if secret else "self-signed certificate"
        cert = f"{tls[1]['secretName']}'s certificate" if secret else \
            "the Kubernetes Ingress Controller Fake Certificate"
        return [t._fail(hops, p, 60, f"SSL certificate problem: {problem}", f"ingress-nginx presents {cert}")]
    if not host:
        return [page(t, hops, p, 400, "no Host header")]
    found = ingress_routing.route(t.net.ingresses, host, path)
    match = {"hop": "ingress", "host": ingress_routing.normalize_host(host), "path": path,
             "server": found.server}
    if found.ingress is None:
        match["text"] = [f"ingress-nginx: Host {host}, path {path}: no rule matches (server {found.server}): "
                         "the default backend"]
        return [page(t, [*hops, match], p, 404)]
    ing = found.ingress
    backend = found.backend or {}
    service = backend.get("service") or {}
    port_ref = service.get("port") or {}
    target = f"{service.get('name', '')}:{port_ref.get('number') or port_ref.get('name') or ''}"
    what = "its defaultBackend" if found.default_backend else \
        f"rule {ing['spec']['rules'][found.rule].get('host') or '*'} {found.rule_path} ({found.path_type})"
    name = tracing._name(ing)
    match.update({"ingress": name, "rule": found.rule, "pathIndex": found.path, "backend": target,
                  "text": [f"ingress-nginx: Host {host}, path {path}: Ingress {name}, {what} -> {target}"]})
    hops = [*hops, match]
    if port == 80 and secret and tls is not None:
        location = f"https://{ingress_routing.normalize_host(host)}{t.url.target}"
        hops[-1]["text"].append(f"  ssl-redirect: {tls[1]['secretName']} terminates TLS for this host")
        return [tracing.Path(p, hops, 308, ["HTTP/1.1 308 Permanent Redirect", f"Location: {location}"],
                     ingress_nginx.error_page(308))]
    endpoints = _upstream(t, ing["metadata"]["namespace"], service)
    if not endpoints:
        hops[-1]["text"].append(f"  upstream {ing['metadata']['namespace']}-{target.replace(':', '-')}: "
                                "no ready endpoints")
        return [page(t, hops, p, 503)]
    out = []
    node = (controller.get("spec") or {}).get("nodeName") or ""
    for index, weight in t.pick(len(endpoints)):
        ep = endpoints[index]
        hop = {"hop": "upstream", "endpoint": str(ep), "of": len(endpoints), "text": [
            f"ingress-nginx upstream: endpoint {ep} ({index + 1} of {len(endpoints)}, round robin)"]}
        out += t._deliver(node, ep.ip, ep.port, [*hops, hop], p * weight, tls=False)
    return out

def _upstream(t, namespace: str, service: dict) -> list[eps.Endpoint]:
    port = service.get("port") or {}
    for sp in t.net.ports:
        if (sp.namespace, sp.name) != (namespace, service.get("name")):
            continue
        if (port.get("number") and sp.port == port["number"]) or (port.get("name") and
                                                                   sp.port_name == port["name"]):
            return [ep for ep in sp.endpoints if ep.ready]
    return []

def page(t, hops: list[dict], p: float, status: int, why: str = "", detail: str = ""):
    if why:
        hops = [*hops, {"hop": "nginx", "text": [f"ingress-nginx: {why}"]}]
    body = ingress_nginx.error_page(status, detail)
    return tracing.Path(p, hops, status, [f"HTTP/1.1 {status} {ingress_nginx.REASONS[status]}",
                                  "Content-Type: text/html"], body)

