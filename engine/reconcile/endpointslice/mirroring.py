"""The EndpointSlice mirroring controller (pkg/controller/endpointslicemirroring). No I/O happens here.

For a Service without a selector whose Endpoints the user wrote (not
labelled `endpointslice.kubernetes.io/skip-mirror: "true"`, as the
apiserver's `kubernetes` Endpoints is), every subset is mirrored: its
addresses as ready endpoints, its notReadyAddresses as not ready, its
ports, at most 1000 addresses per subset (maxEndpointsPerSubset), into
slices of up to 1000 endpoints (the controller's mirroringMaxEndpointsPerSlice)
per port set and address type, named `<endpoints>-` + 5 characters, owned
by the Endpoints, labelled with the Endpoints' labels plus
`kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by:
endpointslicemirroring-controller.k8s.io`, annotated with the Endpoints'
annotations but the trigger time and last-applied configuration. A Service
that gains a selector, or Endpoints that go away, take their mirrors with them.
"""
from __future__ import annotations

import json
from typing import Iterable

from litekube.reconcile.base import Component, Create, Delete, Key, Result, Update, View
from litekube.reconcile.endpointslice import util
from litekube.reconcile.endpointslice.controller import service_slices

__all__ = ["COMPONENT", "MAX_ENDPOINTS_PER_SUBSET", "reconcile", "desired_slices"]

MAX_ENDPOINTS_PER_SUBSET = 1000
_DROPPED_ANNOTATIONS = (util.TRIGGER_TIME, "kubectl.kubernetes.io/last-applied-configuration")


def _endpoint(address: dict, ready: bool) -> dict:
    endpoint: dict = {"addresses": [address.get("ip", "")], "conditions": {"ready": ready}}
    if address.get("hostname"):
        endpoint["hostname"] = address["hostname"]
    if address.get("nodeName"):
        endpoint["nodeName"] = address["nodeName"]
    if address.get("targetRef"):
        endpoint["targetRef"] = address["targetRef"]
    return endpoint


def desired_slices(endpoints: dict) -> dict[str, tuple[str, list[dict], list[dict]]]:
    """Per (port set, address type) key: (address type, ports, endpoints)."""
    out: dict[str, tuple[str, list[dict], list[dict]]] = {}
    for subset in endpoints.get("subsets") or []:
        ports = [{"name": p.get("name") or "", "port": p.get("port"), "protocol": p.get("protocol") or "TCP",
                  **({"appProtocol": p["appProtocol"]} if p.get("appProtocol") else {})}
                 for p in subset.get("ports") or []]
        listed = [(a, True) for a in subset.get("addresses") or []] + \
                 [(a, False) for a in subset.get("notReadyAddresses") or []]
        for address, ready in listed[:MAX_ENDPOINTS_PER_SUBSET]:
            family = util.address_type(address.get("ip", ""))
            key = json.dumps([family, sorted(json.dumps(p, sort_keys=True) for p in ports)])
            group = out.setdefault(key, (family, ports, []))
            group[2].append(_endpoint(address, ready))
    return out


def _meta(endpoints: dict) -> tuple[dict, dict]:
    meta = endpoints.get("metadata") or {}
    labels = {**(meta.get("labels") or {}), util.SERVICE_NAME: meta["name"],
              util.MANAGED_BY: util.MIRROR_CONTROLLER_NAME}
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k not in _DROPPED_ANNOTATIONS}
    return labels, annotations


def reconcile(key: Key, view: View, now: float) -> Result:
    endpoints = view.get("Endpoints", key.namespace, key.name)
    service = view.get("Service", key.namespace, key.name)
    existing = service_slices(view, key.namespace, key.name, util.MIRROR_CONTROLLER_NAME)
    mirror = endpoints is not None and service is not None and not (service.get("spec") or {}).get("selector") \
        and ((endpoints.get("metadata") or {}).get("labels") or {}).get(util.SKIP_MIRROR) != "true"
    desired = desired_slices(endpoints) if mirror and endpoints is not None else {}
    actions: list = []
    by_key: dict[str, dict] = {}
    spare: list[dict] = []
    for sl in existing:
        k = json.dumps([sl.get("addressType"), sorted(json.dumps(p, sort_keys=True) for p in sl.get("ports") or [])])
        if k in desired and k not in by_key:
            by_key[k] = sl
        else:
            spare.append(sl)
    if desired and endpoints is not None:
        labels, annotations = _meta(endpoints)
        meta = endpoints["metadata"]
        for k, (family, ports, eps) in sorted(desired.items()):
            for start in range(0, max(1, len(eps)), MAX_ENDPOINTS_PER_SUBSET):
                chunk = eps[start:start + MAX_ENDPOINTS_PER_SUBSET]
                current = by_key.pop(k, None) if start == 0 else None
                if current is None and spare and spare[0].get("addressType") == family:
                    current = spare.pop(0)
                if current is not None:
                    wanted = {**current, "ports": ports, "endpoints": chunk,
                              "metadata": {**current["metadata"], "labels": labels}}
                    if annotations:
                        wanted["metadata"]["annotations"] = annotations
                    else:
                        wanted["metadata"].pop("annotations", None)
                    if wanted != current:
                        actions.append(Update(wanted))
                    continue
                obj = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                       "metadata": {"generateName": f"{meta['name']}-", "namespace": key.namespace,
                                    "labels": labels,
                                    "ownerReferences": [{"apiVersion": "v1", "kind": "Endpoints",
                                                         "name": meta["name"], "uid": meta.get("uid", ""),
                                                         "controller": True, "blockOwnerDeletion": True}]},
                       "addressType": family, "endpoints": chunk, "ports": ports}
                if annotations:
                    obj["metadata"]["annotations"] = annotations
                actions.append(Create(obj))
    for sl in list(by_key.values()) + spare:
        actions.append(Delete("EndpointSlice", key.namespace, sl["metadata"]["name"],
                              uid=sl["metadata"].get("uid", "")))
    return Result(actions)


def _to_endpoints(obj: dict, view: View) -> Iterable[Key]:
    return (Key("Endpoints", obj["metadata"].get("namespace", ""), obj["metadata"]["name"]),)


def _slice(obj: dict, view: View) -> Iterable[Key]:
    labels = (obj.get("metadata") or {}).get("labels") or {}
    if labels.get(util.MANAGED_BY) != util.MIRROR_CONTROLLER_NAME or not labels.get(util.SERVICE_NAME):
        return ()
    return (Key("Endpoints", obj["metadata"].get("namespace", ""), labels[util.SERVICE_NAME]),)


COMPONENT = Component(name="endpointslicemirroring", reconcile=reconcile,
                      watches={"Endpoints": _to_endpoints, "Service": _to_endpoints, "EndpointSlice": _slice},
                      primary="Endpoints")
