"""ingress-nginx's status sync: an Ingress of its class gets the controller Service's load balancer addresses.

No I/O happens here.

ingress-nginx runs with `--publish-service=ingress-nginx/ingress-nginx-controller`
and `--ingress-class=nginx`: its elected leader (a Ready controller pod)
writes into `status.loadBalancer.ingress` of every Ingress it serves the
addresses of that Service (`status.loadBalancer.ingress[].ip`, else
`.hostname`, then `spec.externalIPs`), sorted, and records `Sync`
`Scheduled for sync`. It serves an Ingress whose `spec.ingressClassName`
names an IngressClass `nginx` with controller `k8s.io/ingress-nginx`, or
whose `kubernetes.io/ingress.class` annotation is `nginx`. With no Ready
controller pod nothing is written (there is no leader); while the Service
is `<pending>` the list is empty, as kubectl's ADDRESS column is.
"""
from __future__ import annotations

from typing import Iterable

from litekube.model.network import ingress_nginx as nginx
from litekube.reconcile.base import Component, Key, RecordEvent, Result, UpdateStatus, View, ref_of
from litekube.reconcile.common import pod_ranking

__all__ = ["COMPONENT", "reconcile", "serves", "addresses", "leader_ready"]


def serves(ingress: dict, view: View) -> bool:
    """Whether the controller serves this Ingress (its class, or the legacy annotation)."""
    name = (ingress.get("spec") or {}).get("ingressClassName")
    return nginx.serves(ingress, view.get("IngressClass", "", name) if name else None)


def addresses(view: View) -> list[dict] | None:
    """The publish-service's addresses as IngressLoadBalancerIngress entries; None without the Service."""
    svc = view.get("Service", nginx.NAMESPACE, nginx.SERVICE)
    if svc is None:
        return None
    found: list[str] = []
    for entry in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
        value = entry.get("ip") or entry.get("hostname")
        if value and value not in found:
            found.append(value)
    found += [ip for ip in (svc.get("spec") or {}).get("externalIPs") or [] if ip not in found]
    return [{"ip": a} if a[:1].isdigit() or ":" in a else {"hostname": a} for a in sorted(found)]


def leader_ready(view: View) -> bool:
    """A Ready controller pod (one can hold the ingress-nginx-leader lease)."""
    for pod in view.list("Pod", nginx.NAMESPACE):
        labels = (pod.get("metadata") or {}).get("labels") or {}
        if all(labels.get(k) == v for k, v in nginx.SELECTOR.items()) and pod_ranking.is_ready(pod) \
                and not (pod.get("metadata") or {}).get("deletionTimestamp"):
            return True
    return False


def reconcile(key: Key, view: View, now: float) -> Result:
    ingress = view.get("Ingress", key.namespace, key.name)
    # 1. Gone, going, or another controller's: nothing to publish.
    if ingress is None or (ingress.get("metadata") or {}).get("deletionTimestamp") or not serves(ingress, view):
        return Result()
    # 2. No controller Service or no leader: no status sync runs.
    wanted = addresses(view)
    if wanted is None or not leader_ready(view):
        return Result()
    # 3. Publish when it differs (ingress-nginx compares before it updates).
    status = ingress.get("status") or {}
    if ((status.get("loadBalancer") or {}).get("ingress") or []) == wanted:
        return Result()
    new = {**ingress, "status": {**status, "loadBalancer": {"ingress": wanted} if wanted else {}}}
    return Result([UpdateStatus(new),
                   RecordEvent(ref_of(ingress), "Normal", "Sync", "Scheduled for sync", nginx.EVENT_SOURCE)])


def _all_ingresses(obj: dict, view: View) -> Iterable[Key]:
    """A change of what every Ingress's status depends on: all of them (the controller's class is cluster-wide)."""
    meta = obj.get("metadata") or {}
    if obj.get("kind") == "Service" and (meta.get("namespace"), meta.get("name")) != (nginx.NAMESPACE, nginx.SERVICE):
        return ()
    if obj.get("kind") == "Pod" and meta.get("namespace") != nginx.NAMESPACE:
        return ()
    return [Key("Ingress", i["metadata"]["namespace"], i["metadata"]["name"]) for i in view.list("Ingress")]


def _self(obj: dict, view: View) -> Iterable[Key]:
    return (Key("Ingress", obj["metadata"].get("namespace", ""), obj["metadata"]["name"]),)


COMPONENT = Component(name="ingress-nginx", reconcile=reconcile, primary="Ingress",
                      watches={"Ingress": _self, "Service": _all_ingresses, "Pod": _all_ingresses,
                               "IngressClass": _all_ingresses})
