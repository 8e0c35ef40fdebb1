"""`kubectl describe ingress` and `describe ingressclass` (kubectl v1.32 describe.go). No I/O happens here.

`related` holds what kubectl fetches for each backend: `{"services": {name:
Service or None}, "slices": {name: [EndpointSlices labelled with it]}}` in
the Ingress's namespace (`backend_services(ingress)` names them). Checked
against kubectl v1.32 itself (tests.kubectl.fake_apiserver): the endpoints
come from EndpointSlices (formatEndpointSlices), so a backend whose Service
is missing reads `(<error: services "x" not found>)`.
"""
from __future__ import annotations

from datetime import datetime

from litekube.model.describing.pods import print_annotations, print_labels
from litekube.model.tabwriting import PrefixWriter

__all__ = ["DESCRIBERS", "backend_services", "format_endpoint_slices"]


def _backends(ingress: dict) -> list[dict]:
    spec = ingress.get("spec") or {}
    found = [spec["defaultBackend"]] if spec.get("defaultBackend") else []
    for rule in spec.get("rules") or []:
        found += [p.get("backend") or {} for p in (rule.get("http") or {}).get("paths") or []]
    return found


def backend_services(ingress: dict) -> list[str]:
    """The names of the Services the Ingress's backends point at, sorted."""
    return sorted({b["service"]["name"] for b in _backends(ingress) if (b.get("service") or {}).get("name")})


def _service_backend(service: dict) -> str:
    """serviceBackendStringer: `name:number` or `name:portname`."""
    port = service.get("port") or {}
    return f"{service.get('name', '')}:{port['number'] if port.get('number') else port.get('name', '')}"


def format_endpoint_slices(slices: list[dict], ports: set[str] | None) -> str:
    """formatEndpointSlices: the ready endpoints' `ip:port` (ports named in `ports`), three at most."""
    if not slices:
        return "<none>"
    listed: list[str] = []
    maximum, more, count = 3, False, 0
    for eps in slices:
        endpoints = eps.get("endpoints") or []
        port_list = eps.get("ports") or []
        pairs = [(e, None) for e in endpoints] if not port_list else \
            [(e, p) for p in port_list if ports is None or (p.get("name") or "") in ports for e in endpoints]
        for endpoint, port in pairs:
            if len(listed) == maximum:
                more = True
            if (endpoint.get("conditions") or {}).get("ready") is False:
                continue
            address = (endpoint.get("addresses") or [""])[0]
            if not more:
                if port is None:
                    listed.append(address)
                else:
                    host = f"[{address}]" if ":" in address else address
                    listed.append(f"{host}:{port.get('port')}")
            count += 1
    text = ",".join(listed)
    return f"{text} + {count - maximum} more..." if more else text


def _backend(namespace: str, backend: dict, related: dict) -> str:
    """describeBackendV1: the service backend and its endpoints, or the resource reference."""
    service = backend.get("service")
    if service is not None:
        text, name = _service_backend(service), service.get("name", "")
        slices = (related.get("slices") or {}).get(name) or []
        svc = (related.get("services") or {}).get(name)
        if svc is None:
            return f'{text} (<error: services "{name}" not found>)'
        port, port_name = service.get("port") or {}, ""
        for sp in (svc.get("spec") or {}).get("ports") or []:
            if port.get("number") and port["number"] == sp.get("port"):
                port_name = sp.get("name") or ""
            elif port.get("name") and port["name"] == sp.get("name"):
                port_name = sp.get("name") or ""
        return f"{text} ({format_endpoint_slices(slices, {port_name})})"
    resource = backend.get("resource")
    if resource is not None:
        return (f"APIGroup: {resource.get('apiGroup') or '<none>'}, Kind: {resource.get('kind', '')}, "
                f"Name: {resource.get('name', '')}")
    return ""


def _address(status: dict) -> str:
    """ingressLoadBalancerStatusStringerV1, wide: the IPs (else hostnames), sorted, unique."""
    found = {i.get("ip") or i.get("hostname") for i in (status.get("loadBalancer") or {}).get("ingress") or []}
    return ",".join(sorted(x for x in found if x))


def describe_ingress(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    namespace = meta.get("namespace", "")
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    print_labels(w, "Labels", meta.get("labels"))
    w.write(0, f"Namespace:\t{namespace}\n")
    w.write(0, f"Address:\t{_address(obj.get('status') or {})}\n")
    w.write(0, f"Ingress Class:\t{spec.get('ingressClassName') or '<none>'}\n")
    default = "<default>" if spec.get("defaultBackend") is None else \
        _backend(namespace, spec["defaultBackend"], related)
    w.write(0, f"Default backend:\t{default}\n")
    if spec.get("tls"):
        w.write(0, "TLS:\n")
        for entry in spec["tls"]:
            hosts = ",".join(entry.get("hosts") or [])
            if entry.get("secretName"):
                w.write(1, f"{entry['secretName']} terminates {hosts}\n")
            else:
                w.write(1, f"SNI routes {hosts}\n")
    w.write(0, "Rules:\n  Host\tPath\tBackends\n")
    w.write(1, "----\t----\t--------\n")
    count = 0
    for rule in spec.get("rules") or []:
        if rule.get("http") is None:
            continue
        count += 1
        w.write(1, f"{rule.get('host') or '*'}\t\n")
        for path in rule["http"].get("paths") or []:
            w.write(2, f"\t{path.get('path', '')} \t{_backend(namespace, path.get('backend') or {}, related)}\n")
    if count == 0:
        w.write(1, f"*\t*\t{default}\n")
    print_annotations(w, "Annotations", meta.get("annotations"))


def describe_ingress_class(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    print_labels(w, "Labels", meta.get("labels"))
    print_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Controller:\t{spec.get('controller', '')}\n")
    params = spec.get("parameters")
    if params is not None:
        w.write(0, "Parameters:\n")
        if params.get("apiGroup") is not None:
            w.write(1, f"APIGroup:\t{params['apiGroup']}\n")
        w.write(1, f"Kind:\t{params.get('kind', '')}\n")
        w.write(1, f"Name:\t{params.get('name', '')}\n")


DESCRIBERS = {"Ingress": describe_ingress, "IngressClass": describe_ingress_class}
