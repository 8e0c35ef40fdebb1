"""A simulated load balancer controller for `type: LoadBalancer` Services, as MetalLB (layer2) does.

No I/O happens here.

`reconcile` gives a LoadBalancer Service without a `loadBalancerClass` one
address of the pool (metallb-system/config, else 172.18.255.200-250, see
model.service_network): its `spec.loadBalancerIP` when that is in the pool
and free, else the lowest free address; it writes
`status.loadBalancer.ingress: [{ip, ipMode: VIP}]` (ipMode as the apiserver
defaults it) and records MetalLB's `IPAllocated` event. With the pool
exhausted the Service stays `<pending>` with a Warning `AllocationFailed`
event. A Service that stops being a LoadBalancer loses its ingress.
"""
from __future__ import annotations

from typing import Iterable

from litekube.model import service_network
from litekube.reconcile.base import Component, Key, RecordEvent, Result, UpdateStatus, View, ref_of

__all__ = ["COMPONENT", "CONTROLLER", "reconcile"]

CONTROLLER = "metallb-controller"


def _ingress_ips(svc: dict) -> list[str]:
    return [i.get("ip") for i in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
            if i.get("ip")]


def _ours(svc: dict) -> bool:
    spec = svc.get("spec") or {}
    return spec.get("type") == "LoadBalancer" and not spec.get("loadBalancerClass")


def reconcile(key: Key, view: View, now: float) -> Result:
    svc = view.get("Service", key.namespace, key.name)
    if svc is None or (svc.get("metadata") or {}).get("deletionTimestamp"):
        return Result()
    status = svc.get("status") or {}
    if not _ours(svc):
        if _ingress_ips(svc) and (svc.get("spec") or {}).get("type") != "LoadBalancer":
            return Result([UpdateStatus({**svc, "status": {**status, "loadBalancer": {}}})])
        return Result()
    if _ingress_ips(svc):
        return Result()
    pool = service_network.lb_pool(view.get("ConfigMap", service_network.LB_CONFIG_NAMESPACE,
                                            service_network.LB_CONFIG_NAME))
    used = {ip for other in view.list("Service") if other is not svc for ip in _ingress_ips(other)}
    wanted = (svc.get("spec") or {}).get("loadBalancerIP")
    name = f"{key.namespace}/{key.name}"
    if wanted:
        ip = wanted if wanted in pool and wanted not in used else None
        reason = f'Failed to allocate IP for "{name}": ["{wanted}"] is not allowed in config' if wanted not in pool \
            else f'Failed to allocate IP for "{name}": can\'t change sharing key for "{name}", address also ' \
                 f'in use by another service'
    else:
        ip = next((a for a in pool if a not in used), None)
        reason = f'Failed to allocate IP for "{name}": no available IPs'
    if ip is None:
        return Result([RecordEvent(ref_of(svc), "Warning", "AllocationFailed", reason, CONTROLLER)])
    new = {**svc, "status": {**status, "loadBalancer": {"ingress": [{"ip": ip, "ipMode": "VIP"}]}}}
    return Result([UpdateStatus(new),
                   RecordEvent(ref_of(svc), "Normal", "IPAllocated", f'Assigned IP ["{ip}"]', CONTROLLER)])


def _pending_load_balancers(svc: dict, view: View) -> Iterable[Key]:
    """A Service change: itself, and when it frees an address, the LoadBalancers still pending."""
    keys = [Key("Service", svc["metadata"].get("namespace", ""), svc["metadata"]["name"])]
    if _ingress_ips(svc):
        keys += [Key("Service", o["metadata"]["namespace"], o["metadata"]["name"]) for o in view.list("Service")
                 if _ours(o) and not _ingress_ips(o) and o is not svc]
    return keys


COMPONENT = Component(name="service-lb", reconcile=reconcile,
                      watches={"Service": _pending_load_balancers}, primary="Service")
