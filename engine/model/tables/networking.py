"""Networking printers: Service, Endpoints, EndpointSlice, Ingress, IngressClass.

No I/O happens here. Rows follow upstream printers.go; `format_endpoints` is
its formatEndpoints, which `kubectl describe service` prints too. `PRINTERS`
maps each kind to its row printer for `litekube.model.tables`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from litekube.model.tables.cells import age, format_labels, meta

__all__ = ["format_endpoints", "PRINTERS"]


def _lb_ingress(status: dict) -> str:
    found = {i.get("ip") or i.get("hostname") for i in (status.get("loadBalancer") or {}).get("ingress") or []}
    return ",".join(sorted(x for x in found if x))


def _service(obj: dict, now: datetime) -> list:
    spec = obj.get("spec") or {}
    type_ = spec.get("type", "ClusterIP")
    cluster_ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    external = spec.get("externalIPs") or []
    if type_ in ("ClusterIP", "NodePort"):
        external_cell = ",".join(external) or "<none>"
    elif type_ == "LoadBalancer":
        lb = _lb_ingress(obj.get("status") or {})
        parts = (lb.split(",") if lb else []) + external
        external_cell = ",".join(parts) or "<pending>"
    elif type_ == "ExternalName":
        external_cell = spec.get("externalName", "")
    else:
        external_cell = "<unknown>"
    ports = []
    for port in spec.get("ports") or []:
        protocol = port.get("protocol", "TCP")
        node_port = port.get("nodePort") or 0
        ports.append(f"{port.get('port')}:{node_port}/{protocol}" if node_port > 0
                     else f"{port.get('port')}/{protocol}")
    return [meta(obj).get("name", ""), type_, cluster_ips[0] if cluster_ips else "<none>", external_cell,
            ",".join(ports) or "<none>", age(obj, now), format_labels(spec.get("selector"))]


def format_endpoints(endpoints: dict, ports: set[str] | None = None) -> str:
    """formatEndpoints: `10.244.1.5:80,10.244.2.7:80 + 2 more...`, `<none>` with no subsets."""
    subsets = endpoints.get("subsets") or []
    if not subsets:
        return "<none>"
    listed: list[str] = []
    more, count, maximum = False, 0, 3
    for subset in subsets:
        addresses = subset.get("addresses") or []
        if not subset.get("ports"):
            count += len(addresses)
            for address in addresses:
                if len(listed) == maximum:
                    more = True
                    break
                listed.append(address.get("ip", ""))
            continue
        for port in subset["ports"]:
            if ports is None or port.get("name", "") in ports:
                count += len(addresses)
                for address in addresses:
                    if len(listed) == maximum:
                        more = True
                        break
                    ip = address.get("ip", "")
                    host = f"[{ip}]" if ":" in ip else ip
                    listed.append(f"{host}:{port.get('port')}")
    text = ",".join(listed)
    return f"{text} + {count - maximum} more..." if more else text


def _list_with_more(items: list[str], total: int) -> str:
    text = ",".join(items[:3])
    if total > 3:
        return f"{text} + {total - 3} more..."
    return text or "<unset>"


def _endpointslice(obj: dict, now: datetime) -> list:
    ports = [str(p["port"]) if p.get("port") is not None else (p.get("name") or "*")
             for p in obj.get("ports") or []]
    addresses = [a for e in obj.get("endpoints") or [] for a in e.get("addresses") or []]
    return [meta(obj).get("name", ""), obj.get("addressType", ""), _list_with_more(ports, len(ports)),
            _list_with_more(addresses, len(addresses)), age(obj, now)]


def _ingress(obj: dict, now: datetime) -> list:
    spec = obj.get("spec") or {}
    rules = spec.get("rules") or []
    hosts: list[str] = []
    more = False
    for rule in rules:  # formatHosts: three hosts at most, "more" once a rule comes after the third
        if len(hosts) == 3:
            more = True
        if not more and rule.get("host"):
            hosts.append(rule["host"])
    hosts_cell = ",".join(hosts) or "*"
    if more and hosts:
        hosts_cell = f"{hosts_cell} + {len(rules) - 3} more..."
    return [meta(obj).get("name", ""), spec.get("ingressClassName") or "<none>", hosts_cell,
            _lb_ingress(obj.get("status") or {}), "80, 443" if spec.get("tls") else "80", age(obj, now)]


def _ingressclass(obj: dict, now: datetime) -> list:
    spec = obj.get("spec") or {}
    params = spec.get("parameters")
    cell = "<none>"
    if params:
        cell = params.get("kind", "") + (f".{params['apiGroup']}" if params.get("apiGroup") else "")
        cell += "/" + params.get("name", "")
    return [meta(obj).get("name", ""), spec.get("controller", ""), cell, age(obj, now)]


PRINTERS: dict[str, Callable[[dict, datetime], list]] = {
    "Service": _service,
    "Endpoints": lambda o, now: [meta(o).get("name", ""), format_endpoints(o), age(o, now)],
    "EndpointSlice": _endpointslice,
    "Ingress": _ingress,
    "IngressClass": _ingressclass,
}
