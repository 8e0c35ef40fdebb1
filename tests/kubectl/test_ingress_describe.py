"""`describe ingress` is what kubectl v1.32 prints for the same objects (recorded; re-checked when kubectl is here).

This module does I/O when kubectl is installed: it runs kubectl against
tests.kubectl.fake_apiserver, with the discovery of Endpoints, EndpointSlices,
Events and IngressClasses added (kubectl's IngressDescriber lists a backend's
EndpointSlices, gets its Service and lists the Ingress's Events).
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from litekube.model import describing
from litekube.model.describing import networking as describing_networking
from tests.kubectl import fake_apiserver
from tests.kubectl.record import Kubectl, available

NOW = datetime(2026, 1, 2, tzinfo=timezone.utc)


def _meta(name: str, **extra) -> dict:
    return {"name": name, "namespace": "default", "uid": f"u-{name}", "creationTimestamp": "2026-01-01T00:00:00Z",
            "resourceVersion": "1", **extra}


def _backend(service: str, **port) -> dict:
    return {"service": {"name": service, "port": port}}


FANOUT = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
          "metadata": _meta("simple-fanout-example", annotations={"nginx.ingress.kubernetes.io/rewrite-target": "/"}),
          "spec": {"ingressClassName": "nginx",
                   "tls": [{"hosts": ["foo.bar.com"], "secretName": "s"}, {"hosts": ["a.b", "c.d"]}],
                   "rules": [{"host": "foo.bar.com", "http": {"paths": [
                       {"path": "/foo", "pathType": "Prefix", "backend": _backend("service1", number=4200)},
                       {"path": "/bar", "pathType": "Prefix", "backend": _backend("missing", number=8080)},
                       {"path": "/named", "pathType": "Prefix", "backend": _backend("service1", name="http")}]}},
                       {"http": {"paths": [{"path": "/r", "pathType": "ImplementationSpecific", "backend": {
                           "resource": {"apiGroup": "k8s.example.com", "kind": "StorageBucket", "name": "assets"}}}]}}]},
          "status": {"loadBalancer": {"ingress": [{"ip": "172.18.255.200"}]}}}
MINIMAL = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": _meta("minimal"),
           "spec": {"defaultBackend": _backend("test", number=80)}}
SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": _meta("service1"),
           "spec": {"ports": [{"name": "http", "port": 80, "targetPort": 8080},
                              {"name": "alt", "port": 4200, "targetPort": 8080}]}}
SLICE = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
         "metadata": _meta("service1-abcde", labels={"kubernetes.io/service-name": "service1"}),
         "addressType": "IPv4", "ports": [{"name": "http", "port": 8080}, {"name": "alt", "port": 8080}],
         "endpoints": [{"addresses": [f"10.244.{i}.2"], "conditions": {"ready": i != 1}} for i in range(5)]}
OBJECTS = [FANOUT, MINIMAL, SERVICE, SLICE]

RECORDED = {  # kubectl v1.32.0, `kubectl describe ingress NAME` against OBJECTS
    "simple-fanout-example": (
        "Name:             simple-fanout-example\n"
        "Labels:           <none>\n"
        "Namespace:        default\n"
        "Address:          172.18.255.200\n"
        "Ingress Class:    nginx\n"
        "Default backend:  <default>\n"
        "TLS:\n"
        "  s terminates foo.bar.com\n"
        "  SNI routes a.b,c.d\n"
        "Rules:\n"
        "  Host         Path  Backends\n"
        "  ----         ----  --------\n"
        "  foo.bar.com  \n"
        "               /foo     service1:4200 (10.244.0.2:8080,10.244.2.2:8080,10.244.3.2:8080 + 1 more...)\n"
        "               /bar     missing:8080 (<error: services \"missing\" not found>)\n"
        "               /named   service1:http (10.244.0.2:8080,10.244.2.2:8080,10.244.3.2:8080 + 1 more...)\n"
        "  *            \n"
        "               /r   APIGroup: k8s.example.com, Kind: StorageBucket, Name: assets\n"
        "Annotations:   nginx.ingress.kubernetes.io/rewrite-target: /\n"
        "Events:        <none>\n"),
    "minimal": (
        "Name:             minimal\n"
        "Labels:           <none>\n"
        "Namespace:        default\n"
        "Address:          \n"
        "Ingress Class:    <none>\n"
        "Default backend:  test:80 (<error: services \"test\" not found>)\n"
        "Rules:\n"
        "  Host        Path  Backends\n"
        "  ----        ----  --------\n"
        "  *           *     test:80 (<error: services \"test\" not found>)\n"
        "Annotations:  <none>\n"
        "Events:       <none>\n"),
}


def _related(ingress: dict) -> dict:
    names = describing_networking.backend_services(ingress)
    return {"services": {n: SERVICE if n == "service1" else None for n in names},
            "slices": {n: [SLICE] if n == "service1" else [] for n in names}}


@pytest.mark.parametrize("ingress", [FANOUT, MINIMAL], ids=lambda i: i["metadata"]["name"])
def test_litekube_prints_the_recording(ingress):
    assert describing.describe(ingress, [], NOW, _related(ingress)) == RECORDED[ingress["metadata"]["name"]]


@pytest.mark.skipif(not available(), reason="kubectl is not installed")
def test_recording_is_what_kubectl_prints(monkeypatch):
    monkeypatch.setattr(fake_apiserver, "RESOURCES", [
        *fake_apiserver.RESOURCES, ("", "v1", "endpoints", "Endpoints", True, ["ep"]),
        ("", "v1", "events", "Event", True, ["ev"]),
        ("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", True, []),
        ("networking.k8s.io", "v1", "ingressclasses", "IngressClass", False, [])])
    with Kubectl(OBJECTS) as k:
        code, out, _ = k.run("version", "--client")
        if "v1.32." not in out:
            pytest.skip("the recording is kubectl v1.32's")
        for name, expected in RECORDED.items():
            assert k.run("describe", "ingress", name) == (0, expected, "")
