"""Which Ingress rule serves a request: host and path matching per the Ingress spec, merged as ingress-nginx merges.

No I/O happens here.

Path types (networking.k8s.io/v1 HTTPIngressPath, the Ingress concept page):
- `Exact`: the request path equals the rule's path, case-sensitively;
- `Prefix`: element-wise prefix on the path split by `/`, a trailing slash
  ignored on either side, `/` matching everything (`/foo/bar` matches
  `/foo/bar/baz` but not `/foo/barbaz`);
- `ImplementationSpecific`: what ingress-nginx renders it as, a plain nginx
  `location /path` block: a string prefix (`/foo` matches `/foobar`); an
  empty path is `/`.

Hosts: a rule's host matches the Host header (its port dropped, compared
case-insensitively as DNS names are); `*.foo.com` matches exactly one more
label (ingress-nginx renders it `~^(?<subdomain>[\\w-]+)\\.foo\\.com$`).

Merging (ingress-nginx's createServers): the controller's Ingresses, oldest
first, become one server per host plus the catch-all server `_` for rules
without a host and requests whose host matches no server. An exact server
name wins over a wildcard one. Within the chosen server the longest
matching path wins; on a tie Exact beats Prefix, and a path two Ingresses
both define belongs to the older. A request no path matches goes to the
server's default: `spec.defaultBackend` of the Ingress that first defined
the host, or, on `_`, of the oldest Ingress with a defaultBackend and no
rules; otherwise the controller's own default backend (404).
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Route", "path_matches", "host_matches", "normalize_host", "route", "CATCH_ALL", "PATH_TYPES",
           "tls_for"]

CATCH_ALL = "_"
PATH_TYPES = ("Exact", "Prefix", "ImplementationSpecific")
_TYPE_RANK = {"Exact": 2, "Prefix": 1, "ImplementationSpecific": 0}


@dataclass(frozen=True)
class Route:
    """The outcome: the Ingress and its rule and path (indexes, -1 for a defaultBackend), or the 404 default."""

    server: str                # the server name: a rule host, or `_`
    ingress: dict | None       # None: the controller's default backend (404)
    rule: int = -1
    path: int = -1
    backend: dict | None = None
    path_type: str = ""
    rule_path: str = ""

    @property
    def default_backend(self) -> bool:
        return self.ingress is not None and self.path < 0


def _elements(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def path_matches(path_type: str, rule_path: str, request_path: str) -> bool:
    """Whether a request path matches a rule path of this type."""
    if path_type == "Exact":
        return request_path == rule_path
    if path_type == "Prefix":
        wanted = _elements(rule_path)
        return _elements(request_path)[:len(wanted)] == wanted
    return request_path.startswith(rule_path or "/")


def normalize_host(host: str) -> str:
    """The Host header as nginx compares it: no port, no trailing dot, lower case."""
    host = host.strip()
    if host.startswith("["):
        host = host[: host.find("]") + 1] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".").lower()


def host_matches(rule_host: str, host: str) -> bool:
    """Whether a rule's host (exact or `*.suffix`) matches the (normalized) request host."""
    rule_host = rule_host.lower()
    if rule_host.startswith("*."):
        label, _, rest = host.partition(".")
        return bool(label) and rest == rule_host[2:] and all(c.isalnum() or c in "-_" for c in label)
    return rule_host == host


def _created(ing: dict) -> tuple:
    meta = ing.get("metadata") or {}
    return (meta.get("creationTimestamp") or "", meta.get("namespace") or "", meta.get("name") or "")


@dataclass
class _Server:
    name: str
    default: Route
    paths: dict


def _servers(ingresses: list[dict]) -> dict[str, _Server]:
    ordered = sorted(ingresses, key=_created)
    servers = {CATCH_ALL: _Server(CATCH_ALL, Route(CATCH_ALL, None), {})}
    for ing in ordered:
        spec = ing.get("spec") or {}
        default = spec.get("defaultBackend")
        default = default if (default or {}).get("service") else None  # Service backends only
        rules = spec.get("rules") or []
        if default is not None and not rules and servers[CATCH_ALL].default.ingress is None:
            servers[CATCH_ALL].default = Route(CATCH_ALL, ing, backend=default)
        for rule in rules:
            host = (rule.get("host") or "").lower() or CATCH_ALL
            if host not in servers:
                fallback = Route(host, ing, backend=default) if default is not None else Route(host, None)
                servers[host] = _Server(host, fallback, {})
    for ing in ordered:
        for i, rule in enumerate((ing.get("spec") or {}).get("rules") or []):
            server = servers[(rule.get("host") or "").lower() or CATCH_ALL]
            for j, http_path in enumerate((rule.get("http") or {}).get("paths") or []):
                if not (http_path.get("backend") or {}).get("service"):
                    continue  # "does not contain a service backend, using default backend"
                path_type = http_path.get("pathType") or "ImplementationSpecific"
                rule_path = http_path.get("path") or ("/" if path_type == "ImplementationSpecific" else "")
                key = (path_type, (rule_path.rstrip("/") or "/") if path_type == "Prefix" else rule_path)
                server.paths.setdefault(key, Route(server.name, ing, i, j, http_path.get("backend"),
                                                   path_type, rule_path))
    return servers


def _server_for(servers: dict[str, _Server], host: str) -> _Server:
    if host in servers and host != CATCH_ALL:
        return servers[host]
    wildcard = next((s for name, s in sorted(servers.items()) if name.startswith("*.") and host_matches(name, host)),
                    None)
    return wildcard or servers[CATCH_ALL]


def _length(route: Route) -> int:
    return len(route.rule_path.rstrip("/")) if route.path_type == "Prefix" else len(route.rule_path)


def route(ingresses: list[dict], host: str, request_path: str) -> Route:
    """The route for a request with this Host header and path over one controller's Ingresses."""
    server = _server_for(_servers(ingresses), normalize_host(host))
    matching = [r for r in server.paths.values() if path_matches(r.path_type, r.rule_path, request_path)]
    if not matching:
        return server.default
    return max(matching, key=lambda r: (_length(r), _TYPE_RANK[r.path_type]))


def tls_for(ingresses: list[dict], host: str) -> tuple[dict, dict] | None:
    """(Ingress, its tls entry) whose hosts cover the host (exact or one-label wildcard), oldest Ingress first."""
    host = normalize_host(host)
    for ing in sorted(ingresses, key=_created):
        for entry in (ing.get("spec") or {}).get("tls") or []:
            if any(host_matches(h, host) for h in entry.get("hosts") or []):
                return ing, entry
    return None
