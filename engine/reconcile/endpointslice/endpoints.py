"""The Endpoints controller (pkg/controller/endpoint): the legacy Endpoints of a Service with a selector.

No I/O happens here.

`reconcile` is syncService: for every pod the selector picks that
ShouldPodBeInEndpoints (terminating pods only with publishNotReadyAddresses),
an EndpointAddress (ip, nodeName, hostname, targetRef) goes into
`addresses` when the pod is Ready (or the Service publishes not-ready
addresses) and into `notReadyAddresses` otherwise, once per resolved port
set; subsets are repacked (one subset per distinct port set, addresses by
IP); a headless Service without ports still lists its pods. The Endpoints
carries the Service's labels (plus `service.kubernetes.io/headless`) and the
`endpoints.kubernetes.io/last-change-trigger-time` annotation, and is
written only when its subsets or labels change. A deleted Service's
Endpoints is deleted. Ports of a subset are ordered by name and number
(upstream orders them by a hash).
"""
from __future__ import annotations

import ipaddress
import json
from typing import Iterable

from litekube.model import selectors
from litekube.reconcile.base import Component, Create, Delete, Key, Result, Update, View, self_key
from litekube.reconcile.common.pod_ranking import is_ready
from litekube.reconcile.endpointslice import util

__all__ = ["COMPONENT", "reconcile", "subsets_for"]


def _address(pod: dict, service: dict) -> dict:
    meta, spec = pod.get("metadata") or {}, pod.get("spec") or {}
    address: dict = {"ip": (pod.get("status") or {}).get("podIP", "")}
    if util.should_set_hostname(pod, service):
        address["hostname"] = spec["hostname"]
    if spec.get("nodeName"):
        address["nodeName"] = spec["nodeName"]
    address["targetRef"] = {"kind": "Pod", "namespace": meta.get("namespace", ""), "name": meta.get("name", ""),
                            "uid": meta.get("uid", "")}
    return address


def _ip_key(address: dict) -> tuple:
    try:
        return (0, int(ipaddress.ip_address(address.get("ip", ""))), address.get("targetRef", {}).get("uid", ""))
    except ValueError:
        return (1, 0, address.get("ip", ""))


def subsets_for(service: dict, pods: Iterable[dict]) -> list[dict]:
    spec = service.get("spec") or {}
    publish = bool(spec.get("publishNotReadyAddresses"))
    groups: dict[str, dict] = {}
    for pod in pods:
        if not util.should_be_in_endpoints(pod, publish):
            continue
        address = _address(pod, service)
        ready = publish or is_ready(pod)
        ports: list[dict] = []
        if not spec.get("ports") and spec.get("clusterIP") == "None":
            ports = []
        else:
            for sp in spec.get("ports") or []:
                number = util.find_port(pod, sp)
                if number is None:
                    continue
                port = {"name": sp.get("name") or "", "port": number, "protocol": sp.get("protocol") or "TCP"}
                if sp.get("appProtocol"):
                    port["appProtocol"] = sp["appProtocol"]
                ports.append(port)
            if not ports:
                continue
        ports.sort(key=lambda p: (p["name"], p["port"], p["protocol"]))
        key = json.dumps(ports, sort_keys=True)
        group = groups.setdefault(key, {"addresses": [], "notReadyAddresses": [], "ports": ports})
        group["addresses" if ready else "notReadyAddresses"].append(address)
    out = []
    for key in sorted(groups):
        group = groups[key]
        subset: dict = {}
        if group["addresses"]:
            subset["addresses"] = sorted(group["addresses"], key=_ip_key)
        if group["notReadyAddresses"]:
            subset["notReadyAddresses"] = sorted(group["notReadyAddresses"], key=_ip_key)
        for port in group["ports"]:
            if not port["name"]:
                port.pop("name")
        if group["ports"]:
            subset["ports"] = group["ports"]
        out.append(subset)
    return out


def _labels(service: dict) -> dict:
    labels = {k: v for k, v in ((service.get("metadata") or {}).get("labels") or {}).items() if k != util.HEADLESS}
    if (service.get("spec") or {}).get("clusterIP") == "None":
        labels[util.HEADLESS] = ""
    return labels


def reconcile(key: Key, view: View, now: float) -> Result:
    service = view.get("Service", key.namespace, key.name)
    current = view.get("Endpoints", key.namespace, key.name)
    if service is None:
        if current is not None and not ((current.get("metadata") or {}).get("labels") or {}).get(util.SKIP_MIRROR):
            return Result([Delete("Endpoints", key.namespace, key.name, uid=current["metadata"].get("uid", ""))])
        return Result()
    selector = (service.get("spec") or {}).get("selector")
    if not selector:
        return Result()  # the user's Endpoints
    pods = view.select("Pod", key.namespace, selectors.from_set(selector))
    subsets = subsets_for(service, pods)
    labels = _labels(service)
    if current is not None and (current.get("subsets") or []) == subsets \
            and ((current.get("metadata") or {}).get("labels") or {}) == labels:
        return Result()
    trigger = util.trigger_time(service, pods)
    if current is None:
        obj: dict = {"apiVersion": "v1", "kind": "Endpoints",
                     "metadata": {"name": key.name, "namespace": key.namespace, "labels": labels,
                                  "annotations": {util.TRIGGER_TIME: trigger}}}
        if not labels:
            obj["metadata"].pop("labels")
        if subsets:
            obj["subsets"] = subsets
        return Result([Create(obj)])
    obj = {**current, "metadata": {**current["metadata"], "labels": labels,
                                   "annotations": {**(current["metadata"].get("annotations") or {}),
                                                   util.TRIGGER_TIME: trigger}}}
    if not labels:
        obj["metadata"].pop("labels")
    obj.pop("subsets", None)
    if subsets:
        obj["subsets"] = subsets
    return Result([Update(obj)])


def _pod_services(pod: dict, view: View) -> Iterable[Key]:
    keys = set(util.service_keys_for_pod(view, pod))
    # A pod that left a Service's Endpoints (labels changed) is found through the slices too.
    return sorted(keys)


COMPONENT = Component(name="endpoints", reconcile=reconcile,
                      watches={"Service": self_key, "Pod": _pod_services,
                               "Endpoints": lambda ep, view: (Key("Service", ep["metadata"].get("namespace", ""),
                                                                   ep["metadata"]["name"]),)},
                      primary="Service")
