"""The EndpointSlice controller (pkg/controller/endpointslice, staging/src/k8s.io/endpointslice). No I/O happens here.

`reconcile` is the Reconciler's reconcile for one Service with a selector:
the pods its selector picks in its namespace (an index, never every pod)
that ShouldPodBeInEndpoints (terminating ones included), grouped by their
resolved ports; per port group reconcileByPortMapping: (1) existing slices
keep the endpoints still desired (updated when they changed) and drop the
others, a slice left empty is deleted; (2) the slices being updated are
filled up, fullest first, to maxEndpointsPerSlice (100); (3) what is left
goes, when fewer than 100, into the unchanged slice closest to full that
can take them all (getSliceToFill), else into new slices; finally slices
to create replace slices to delete by name (finalize), and a Service with
no endpoints keeps one placeholder slice with no ports. Slices are named
`<service>-` + 5 generated characters, owned by the Service, labelled
`kubernetes.io/service-name`, `endpointslice.kubernetes.io/managed-by:
endpointslice-controller.k8s.io` (and `service.kubernetes.io/headless`
for a headless Service) plus the Service's own labels; hints are never set.
Where upstream pops from a hash set, litekube takes endpoints by pod name.
"""
from __future__ import annotations

import json
from typing import Iterable

from litekube.model import selectors, values
from litekube.reconcile.base import Component, Create, Delete, Key, Result, Update, View, self_key
from litekube.reconcile.endpointslice import util

__all__ = ["COMPONENT", "MAX_ENDPOINTS_PER_SLICE", "reconcile", "desired_endpoints", "slice_labels"]

MAX_ENDPOINTS_PER_SLICE = 100
_RESERVED = (util.SERVICE_NAME, util.MANAGED_BY, util.HEADLESS)


def _port_key(ports: list[dict]) -> str:
    return json.dumps(sorted(json.dumps(p, sort_keys=True) for p in ports))


def _endpoint_key(endpoint: dict) -> tuple:
    ref = endpoint.get("targetRef") or {}
    return (tuple(sorted(endpoint.get("addresses") or [])), endpoint.get("hostname") or "",
            ref.get("namespace", ""), ref.get("name", ""))


def slice_labels(service: dict, existing: dict | None = None) -> tuple[dict, bool]:
    """setEndpointSliceLabels: the Service's labels (but the reserved ones) plus the slice's own."""
    labels = {k: v for k, v in ((service.get("metadata") or {}).get("labels") or {}).items() if k not in _RESERVED}
    labels[util.SERVICE_NAME] = service["metadata"]["name"]
    labels[util.MANAGED_BY] = util.CONTROLLER_NAME
    if (service.get("spec") or {}).get("clusterIP") == "None":
        labels[util.HEADLESS] = ""
    old = ((existing or {}).get("metadata") or {}).get("labels") or {}
    return labels, labels != old


def _new_slice(service: dict, ports: list[dict], family: str) -> dict:
    meta = service["metadata"]
    labels, _ = slice_labels(service)
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"generateName": f"{meta['name']}-", "namespace": meta["namespace"], "labels": labels,
                         "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": meta["name"],
                                              "uid": meta.get("uid", ""), "controller": True,
                                              "blockOwnerDeletion": True}]},
            "addressType": family, "endpoints": [], "ports": ports}


def desired_endpoints(service: dict, pods: Iterable[dict], view: View | None,
                      family: str = "IPv4") -> dict[str, tuple[list[dict], dict[tuple, dict]]]:
    """Per port group (its key): the ports and the endpoints by identity, in pod name order."""
    out: dict[str, tuple[list[dict], dict[tuple, dict]]] = {}
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        if not util.should_be_in_endpoints(pod, True):
            continue
        node_name = (pod.get("spec") or {}).get("nodeName") or ""
        node = view.get("Node", "", node_name) if view is not None and node_name else None
        if view is not None and node is None and not (service.get("spec") or {}).get("publishNotReadyAddresses"):
            continue  # upstream skips a pod whose Node is not found (and retries)
        ports = util.endpoint_ports(service, pod)
        endpoint = util.pod_to_endpoint(pod, node, service, family)
        if not endpoint["addresses"]:
            continue
        group = out.setdefault(_port_key(ports), (ports, {}))
        group[1][_endpoint_key(endpoint)] = endpoint
    return out


def _slice_to_fill(slices: list[dict], count: int, maximum: int) -> dict | None:
    """getSliceToFill: the slice closest to full that can take `count` more."""
    best = None
    for sl in sorted(slices, key=lambda s: s["metadata"]["name"]):
        size = len(sl.get("endpoints") or [])
        if size + count <= maximum and (best is None or size > len(best.get("endpoints") or [])):
            best = sl
    return best


def reconcile_slices(service: dict, pods: list[dict], existing: list[dict], view: View | None, now_text: str,
                     maximum: int = MAX_ENDPOINTS_PER_SLICE) -> tuple[list[dict], list[dict], list[dict]]:
    """(to create, to update, to delete) for one Service's IPv4 slices."""
    family = "IPv4"
    to_delete: list[dict] = []
    by_ports: dict[str, list[dict]] = {}
    uid = service["metadata"].get("uid", "")
    for sl in existing:
        owners = (sl.get("metadata") or {}).get("ownerReferences") or []
        if sl.get("addressType") != family or not any(o.get("uid") == uid and o.get("kind") == "Service"
                                                       for o in owners):
            to_delete.append(sl)
        else:
            by_ports.setdefault(_port_key(sl.get("ports") or []), []).append(sl)
    desired = desired_endpoints(service, pods, view, family)
    to_create: list[dict] = []
    to_update: list[dict] = []
    for key, (ports, wanted) in sorted(desired.items()):
        c, u, d = _by_port_mapping(service, by_ports.get(key, []), ports, dict(wanted), family, maximum)
        to_create += c
        to_update += u
        to_delete += d
    for key, slices in sorted(by_ports.items()):
        if key not in desired:
            to_delete += slices
    if len(existing) == len(to_delete) and not to_create:
        placeholder = _new_slice(service, [], family)
        if len(to_delete) == 1 and _is_placeholder(to_delete[0], placeholder):
            to_delete = []
        else:
            to_create.append(placeholder)
    # finalize: creates become updates of slices that would be deleted.
    i = 0
    while i < len(to_delete) and to_create:
        victim = to_delete[i]
        owners = (victim.get("metadata") or {}).get("ownerReferences") or []
        if victim.get("addressType") == family and any(o.get("uid") == uid for o in owners):
            new = to_create.pop()
            replaced = values.clone(victim)
            replaced["endpoints"], replaced["ports"] = new["endpoints"], new["ports"]
            replaced["metadata"]["labels"] = new["metadata"]["labels"]
            to_update.append(replaced)
            to_delete.pop(i)
        else:
            i += 1
    if (service.get("metadata") or {}).get("deletionTimestamp"):
        to_create = []
    for sl in to_create + to_update:
        sl["metadata"].setdefault("annotations", {})[util.TRIGGER_TIME] = now_text
    return to_create, to_update, to_delete


def _is_placeholder(sl: dict, placeholder: dict) -> bool:
    return not sl.get("endpoints") and not sl.get("ports") and \
        ((sl.get("metadata") or {}).get("labels") or {}) == placeholder["metadata"]["labels"]


def _by_port_mapping(service: dict, existing: list[dict], ports: list[dict], wanted: dict[tuple, dict],
                     family: str, maximum: int) -> tuple[list[dict], list[dict], list[dict]]:
    by_name: dict[str, dict] = {}
    unchanged: list[str] = []
    to_update: list[str] = []
    to_delete: list[str] = []
    for sl in sorted(existing, key=lambda s: s["metadata"]["name"]):
        name = sl["metadata"]["name"]
        by_name[name] = sl
        kept: list[dict] = []
        changed = False
        for endpoint in sl.get("endpoints") or []:
            got = wanted.pop(_endpoint_key(endpoint), None)
            if got is not None:
                kept.append(got)
                if got != endpoint:
                    changed = True
        labels, labels_changed = slice_labels(service, sl)
        if changed or len(kept) != len(sl.get("endpoints") or []):
            if not kept:
                to_delete.append(name)
            else:
                copy = values.clone(sl)
                copy["endpoints"], copy["metadata"]["labels"] = kept, labels
                by_name[name] = copy
                to_update.append(name)
        elif labels_changed:
            copy = values.clone(sl)
            copy["metadata"]["labels"] = labels
            by_name[name] = copy
            to_update.append(name)
        else:
            unchanged.append(name)
    queue = list(wanted.values())
    if queue and to_update:
        for name in sorted(to_update, key=lambda n: -len(by_name[n]["endpoints"])):
            sl = by_name[name]
            while queue and len(sl["endpoints"]) < maximum:
                sl["endpoints"].append(queue.pop(0))
    to_create: list[dict] = []
    while queue:
        fill = None
        if len(queue) < maximum and unchanged:
            fill = _slice_to_fill([by_name[n] for n in unchanged], len(queue), maximum)
        if fill is None:
            fill = _new_slice(service, ports, family)
        else:
            fill = values.clone(fill)
            by_name[fill["metadata"]["name"]] = fill
        fill.setdefault("endpoints", [])
        while queue and len(fill["endpoints"]) < maximum:
            fill["endpoints"].append(queue.pop(0))
        name = (fill.get("metadata") or {}).get("name")
        if name:
            to_update.append(name)
            unchanged.remove(name)
        else:
            to_create.append(fill)
    return to_create, [by_name[n] for n in to_update], [by_name[n] for n in to_delete]


def _timestamp(now: float) -> str:
    from datetime import datetime, timezone
    return datetime.fromtimestamp(int(now), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def service_slices(view: View, namespace: str, name: str, managed_by: str = util.CONTROLLER_NAME) -> list[dict]:
    found = view.select("EndpointSlice", namespace, selectors.from_set({util.SERVICE_NAME: name}))
    return [s for s in found if ((s.get("metadata") or {}).get("labels") or {}).get(util.MANAGED_BY) == managed_by]


def reconcile(key: Key, view: View, now: float) -> Result:
    service = view.get("Service", key.namespace, key.name)
    if service is None:
        return Result()  # the garbage collector removes the slices it owned
    selector = (service.get("spec") or {}).get("selector")
    if not selector:
        return Result()  # selector-less: the mirroring controller's, from the user's Endpoints
    pods = view.select("Pod", key.namespace, selectors.from_set(selector))
    existing = service_slices(view, key.namespace, key.name)
    trigger = util.trigger_time(service, pods) or _timestamp(now)
    to_create, to_update, to_delete = reconcile_slices(service, pods, existing, view, trigger)
    actions: list = [Create(sl) for sl in to_create]
    actions += [Update(sl) for sl in to_update]
    actions += [Delete("EndpointSlice", key.namespace, sl["metadata"]["name"], uid=sl["metadata"].get("uid", ""))
                for sl in to_delete]
    return Result(actions)


def _pod_services(pod: dict, view: View) -> Iterable[Key]:
    return util.service_keys_for_pod(view, pod)


def _slice_service(sl: dict, view: View) -> Iterable[Key]:
    labels = (sl.get("metadata") or {}).get("labels") or {}
    if labels.get(util.MANAGED_BY) != util.CONTROLLER_NAME or not labels.get(util.SERVICE_NAME):
        return ()
    return (Key("Service", sl["metadata"].get("namespace", ""), labels[util.SERVICE_NAME]),)


COMPONENT = Component(name="endpointslice", reconcile=reconcile,
                      watches={"Service": self_key, "Pod": _pod_services, "EndpointSlice": _slice_service},
                      primary="Service")
