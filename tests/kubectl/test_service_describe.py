"""`describe service` is what kubectl v1.32 prints for the same objects (recorded; re-checked when kubectl is here).

kubectl v1.32's describeService reads the Service's EndpointSlices (label
kubernetes.io/service-name), not its Endpoints: the ready endpoints of the
slices whose port is named as the Service port, `ip:port`, three at most and
`+ N more...` (N counts the ready ones past the third; a not-ready endpoint
met after the third still says `more`), an empty line for slices without
endpoints, `<none>` for no slices. This module does I/O when kubectl is
installed: it runs kubectl against tests.kubectl.fake_apiserver.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from litekube.model import describing
from tests.kubectl import fake_apiserver
from tests.kubectl.record import Kubectl, available

NOW = datetime(2026, 1, 2, tzinfo=timezone.utc)


def _meta(name: str, **extra) -> dict:
    return {"name": name, "namespace": "default", "uid": f"u-{name}", "creationTimestamp": "2026-01-01T00:00:00Z",
            "resourceVersion": "1", **extra}


def _service(name: str, ports: list[dict], **spec) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": _meta(name),
            "spec": {"type": "ClusterIP", "selector": {"app": name}, "clusterIP": "10.96.1.1",
                     "clusterIPs": ["10.96.1.1"], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                     "sessionAffinity": "None", "internalTrafficPolicy": "Cluster",
                     "ports": [{"protocol": "TCP", **p} for p in ports], **spec}}


def _slice(service: str, suffix: str, ports: list[dict], ready: list[bool | None]) -> dict:
    endpoints = []
    for i, r in enumerate(ready):
        e: dict = {"addresses": [f"10.244.{suffix}.{i + 2}"], "conditions": {}}
        if r is not None:
            e["conditions"]["ready"] = r
        endpoints.append(e)
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": _meta(f"{service}-{suffix}", labels={"kubernetes.io/service-name": service}),
            "addressType": "IPv4", "ports": [{"protocol": "TCP", **p} for p in ports], "endpoints": endpoints}


HTTP = [{"name": "http", "port": 80, "targetPort": 8080}, {"name": "metrics", "port": 9090, "targetPort": 9090}]
SLICE_PORTS = [{"name": "http", "port": 8080}, {"name": "metrics", "port": 9090}]
OBJECTS = [
    # two slices, 12 endpoints of which one is not ready: the first three and "+ 8 more..."
    _service("web", HTTP),
    _slice("web", "1", SLICE_PORTS, [True, False, True, None, True, True, True]),
    _slice("web", "2", SLICE_PORTS, [True, True, True, True, True]),
    # exactly three ready, then a not-ready one: "+ 0 more..." as kubectl prints it
    _service("edge", [{"port": 80, "targetPort": 8080}]),
    _slice("edge", "3", [{"name": "", "port": 8080}], [True, True, True, False]),
    # two ready: listed; a port the slice does not carry: nothing
    _service("few", [{"port": 80, "targetPort": "http", "name": "http"},
                     {"port": 81, "targetPort": 81, "name": "other"}]),
    _slice("few", "4", [{"name": "http", "port": 8080}], [True, True]),
    # no slice: <none>; a slice without endpoints: an empty value
    _service("lonely", [{"port": 80, "targetPort": 80}]),
    _service("empty", [{"port": 80, "targetPort": 80}]),
    _slice("empty", "5", [{"name": "", "port": 80}], []),
    # a slice without ports (headless, no ports in the Service's slice): addresses alone
    _service("bare", [{"port": 80, "targetPort": 80}], clusterIP="None", clusterIPs=["None"]),
    _slice("bare", "6", [], [True, True, True, True]),
]

RECORDED = {  # kubectl v1.32.4, `kubectl describe service NAME` against OBJECTS
    "web": (
        'Name:                     web\n'
        'Namespace:                default\n'
        'Labels:                   <none>\n'
        'Annotations:              <none>\n'
        'Selector:                 app=web\n'
        'Type:                     ClusterIP\n'
        'IP Family Policy:         SingleStack\n'
        'IP Families:              IPv4\n'
        'IP:                       10.96.1.1\n'
        'IPs:                      10.96.1.1\n'
        'Port:                     http  80/TCP\n'
        'TargetPort:               8080/TCP\n'
        'Endpoints:                10.244.1.2:8080,10.244.1.4:8080,10.244.1.5:8080 + 8 more...\n'
        'Port:                     metrics  9090/TCP\n'
        'TargetPort:               9090/TCP\n'
        'Endpoints:                10.244.1.2:9090,10.244.1.4:9090,10.244.1.5:9090 + 8 more...\n'
        'Session Affinity:         None\n'
        'Internal Traffic Policy:  Cluster\n'
        'Events:                   <none>\n'),
    "edge": (
        'Name:                     edge\n'
        'Namespace:                default\n'
        'Labels:                   <none>\n'
        'Annotations:              <none>\n'
        'Selector:                 app=edge\n'
        'Type:                     ClusterIP\n'
        'IP Family Policy:         SingleStack\n'
        'IP Families:              IPv4\n'
        'IP:                       10.96.1.1\n'
        'IPs:                      10.96.1.1\n'
        'Port:                     <unset>  80/TCP\n'
        'TargetPort:               8080/TCP\n'
        'Endpoints:                10.244.3.2:8080,10.244.3.3:8080,10.244.3.4:8080 + 0 more...\n'
        'Session Affinity:         None\n'
        'Internal Traffic Policy:  Cluster\n'
        'Events:                   <none>\n'),
    "few": (
        'Name:                     few\n'
        'Namespace:                default\n'
        'Labels:                   <none>\n'
        'Annotations:              <none>\n'
        'Selector:                 app=few\n'
        'Type:                     ClusterIP\n'
        'IP Family Policy:         SingleStack\n'
        'IP Families:              IPv4\n'
        'IP:                       10.96.1.1\n'
        'IPs:                      10.96.1.1\n'
        'Port:                     http  80/TCP\n'
        'TargetPort:               http/TCP\n'
        'Endpoints:                10.244.4.2:8080,10.244.4.3:8080\n'
        'Port:                     other  81/TCP\n'
        'TargetPort:               81/TCP\n'
        'Endpoints:                \n'
        'Session Affinity:         None\n'
        'Internal Traffic Policy:  Cluster\n'
        'Events:                   <none>\n'),
    "lonely": (
        'Name:                     lonely\n'
        'Namespace:                default\n'
        'Labels:                   <none>\n'
        'Annotations:              <none>\n'
        'Selector:                 app=lonely\n'
        'Type:                     ClusterIP\n'
        'IP Family Policy:         SingleStack\n'
        'IP Families:              IPv4\n'
        'IP:                       10.96.1.1\n'
        'IPs:                      10.96.1.1\n'
        'Port:                     <unset>  80/TCP\n'
        'TargetPort:               80/TCP\n'
        'Endpoints:                <none>\n'
        'Session Affinity:         None\n'
        'Internal Traffic Policy:  Cluster\n'
        'Events:                   <none>\n'),
    "empty": (
        'Name:                     empty\n'
        'Namespace:                default\n'
        'Labels:                   <none>\n'
        'Annotations:              <none>\n'
        'Selector:                 app=empty\n'
        'Type:                     ClusterIP\n'
        'IP Family Policy:         SingleStack\n'
        'IP Families:              IPv4\n'
        'IP:                       10.96.1.1\n'
        'IPs:                      10.96.1.1\n'
        'Port:                     <unset>  80/TCP\n'
        'TargetPort:               80/TCP\n'
        'Endpoints:                \n'
        'Session Affinity:         None\n'
        'Internal Traffic Policy:  Cluster\n'
        'Events:                   <none>\n'),
    "bare": (
        'Name:                     bare\n'
        'Namespace:                default\n'
        'Labels:                   <none>\n'
        'Annotations:              <none>\n'
        'Selector:                 app=bare\n'
        'Type:                     ClusterIP\n'
        'IP Family Policy:         SingleStack\n'
        'IP Families:              IPv4\n'
        'IP:                       None\n'
        'IPs:                      None\n'
        'Port:                     <unset>  80/TCP\n'
        'TargetPort:               80/TCP\n'
        'Endpoints:                10.244.6.2,10.244.6.3,10.244.6.4 + 1 more...\n'
        'Session Affinity:         None\n'
        'Internal Traffic Policy:  Cluster\n'
        'Events:                   <none>\n'),
}


def _related(name: str) -> dict:
    return {"slices": [o for o in OBJECTS if o["kind"] == "EndpointSlice"
                       and o["metadata"]["labels"]["kubernetes.io/service-name"] == name]}


@pytest.mark.parametrize("name", list(RECORDED))
def test_litekube_prints_the_recording(name):
    service = next(o for o in OBJECTS if o["kind"] == "Service" and o["metadata"]["name"] == name)
    assert describing.describe(service, [], NOW, _related(name)) == RECORDED[name]


@pytest.mark.skipif(not available(), reason="kubectl is not installed")
def test_recording_is_what_kubectl_prints(monkeypatch):
    monkeypatch.setattr(fake_apiserver, "RESOURCES", [
        *fake_apiserver.RESOURCES, ("", "v1", "endpoints", "Endpoints", True, ["ep"]),
        ("", "v1", "events", "Event", True, ["ev"]),
        ("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", True, [])])
    with Kubectl(OBJECTS) as k:
        code, out, _ = k.run("version", "--client")
        if "v1.32." not in out:
            pytest.skip("the recording is kubectl v1.32's")
        for name, expected in RECORDED.items():
            assert k.run("describe", "service", name) == (0, expected, "")
