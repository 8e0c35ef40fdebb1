"""What the endpoint controllers share (staging/src/k8s.io/endpointslice/util, pkg/api/v1/pod). No I/O happens here.

`should_be_in_endpoints` is ShouldPodBeInEndpoints, `find_port` podutil.FindPort
(a named targetPort resolved per pod among its containers' and restartable
init containers' ports of the same protocol), `endpoint_ports` getEndpointPorts,
`pod_to_endpoint` podToEndpoint (ready = publishNotReadyAddresses or
(serving and not terminating), serving = the pod's Ready condition,
terminating = deletionTimestamp set; nodeName, the node's
`topology.kubernetes.io/zone`, hostname for `hostname` + `subdomain` = the
Service, targetRef), `trigger_time` the endpoints.kubernetes.io/last-change-trigger-time
value: the latest pod or Service change the controller reacts to.
"""
from __future__ import annotations

import ipaddress

from litekube.reconcile.base import View, Key
from litekube.reconcile.common.pod_ranking import is_ready

__all__ = ["SERVICE_NAME", "MANAGED_BY", "CONTROLLER_NAME", "MIRROR_CONTROLLER_NAME", "HEADLESS",
           "TRIGGER_TIME", "SKIP_MIRROR", "should_be_in_endpoints", "find_port", "endpoint_ports",
           "pod_to_endpoint", "trigger_time", "address_type", "selector_services", "service_keys_for_pod"]

SERVICE_NAME = "kubernetes.io/service-name"
MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
CONTROLLER_NAME = "endpointslice-controller.k8s.io"
MIRROR_CONTROLLER_NAME = "endpointslicemirroring-controller.k8s.io"
HEADLESS = "service.kubernetes.io/headless"
TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"
SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror"
ZONE = "topology.kubernetes.io/zone"


def should_be_in_endpoints(pod: dict, include_terminating: bool) -> bool:
    status = pod.get("status") or {}
    if not status.get("podIP") and not status.get("podIPs"):
        return False
    if not include_terminating and (pod.get("metadata") or {}).get("deletionTimestamp"):
        return False
    policy = (pod.get("spec") or {}).get("restartPolicy")
    phase = status.get("phase")
    if policy == "Never":
        return phase not in ("Failed", "Succeeded")
    if policy == "OnFailure":
        return phase != "Succeeded"
    return True


def find_port(pod: dict, service_port: dict) -> int | None:
    """The pod's port for a Service port: a number as is, a name among its containers' ports."""
    target = service_port.get("targetPort")
    if target is None:
        target = service_port.get("port")
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    protocol = service_port.get("protocol") or "TCP"
    spec = pod.get("spec") or {}
    containers = list(spec.get("containers") or []) + [
        c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    for container in containers:
        for port in container.get("ports") or []:
            if port.get("name") == target and (port.get("protocol") or "TCP") == protocol:
                return int(port.get("containerPort") or 0)
    return None


def endpoint_ports(service: dict, pod: dict) -> list[dict]:
    out = []
    for sp in (service.get("spec") or {}).get("ports") or []:
        number = find_port(pod, sp)
        if number is None:
            continue
        port = {"name": sp.get("name") or "", "port": number, "protocol": sp.get("protocol") or "TCP"}
        if sp.get("appProtocol"):
            port["appProtocol"] = sp["appProtocol"]
        out.append(port)
    return out


def address_type(ip: str) -> str:
    try:
        return "IPv6" if isinstance(ipaddress.ip_address(ip), ipaddress.IPv6Address) else "IPv4"
    except ValueError:
        return "FQDN"


def _pod_ips(pod: dict) -> list[str]:
    status = pod.get("status") or {}
    ips = [p.get("ip") for p in status.get("podIPs") or [] if p.get("ip")]
    return ips or ([status["podIP"]] if status.get("podIP") else [])


def should_set_hostname(pod: dict, service: dict) -> bool:
    spec, meta = pod.get("spec") or {}, service.get("metadata") or {}
    return bool(spec.get("hostname")) and spec.get("subdomain") == meta.get("name") \
        and (pod.get("metadata") or {}).get("namespace") == meta.get("namespace")


def pod_to_endpoint(pod: dict, node: dict | None, service: dict, family: str = "IPv4") -> dict:
    meta = pod.get("metadata") or {}
    serving = is_ready(pod)
    terminating = bool(meta.get("deletionTimestamp"))
    publish = bool((service.get("spec") or {}).get("publishNotReadyAddresses"))
    endpoint: dict = {
        "addresses": [ip for ip in _pod_ips(pod) if address_type(ip) == family][:1],
        "conditions": {"ready": publish or (serving and not terminating), "serving": serving,
                       "terminating": terminating},
    }
    if should_set_hostname(pod, service):
        endpoint["hostname"] = pod["spec"]["hostname"]
    node_name = (pod.get("spec") or {}).get("nodeName")
    if node_name:
        endpoint["nodeName"] = node_name
    zone = ((node or {}).get("metadata") or {}).get("labels", {}).get(ZONE)
    if zone:
        endpoint["zone"] = zone
    endpoint["targetRef"] = {"kind": "Pod", "namespace": meta.get("namespace", ""), "name": meta.get("name", ""),
                             "uid": meta.get("uid", "")}
    return endpoint


def trigger_time(service: dict, pods: list[dict]) -> str:
    """The latest change among the Service and its pods: their creation, condition and deletion times."""
    times = [(service.get("metadata") or {}).get("creationTimestamp") or ""]
    for pod in pods:
        meta = pod.get("metadata") or {}
        times.append(meta.get("creationTimestamp") or "")
        times.append(meta.get("deletionTimestamp") or "")
        times.extend(c.get("lastTransitionTime") or "" for c in (pod.get("status") or {}).get("conditions") or [])
    return max(times)


def selector_services(view: View, pod: dict) -> list[dict]:
    """The Services whose selector picks the pod (an index when the view has one)."""
    meta = pod.get("metadata") or {}
    labels = meta.get("labels") or {}
    namespace = meta.get("namespace", "")
    finder = getattr(view, "services_selecting", None)
    if finder is not None:
        return finder(namespace, labels)
    return [s for s in view.list("Service", namespace)
            if (s.get("spec") or {}).get("selector")
            and all(labels.get(k) == v for k, v in s["spec"]["selector"].items())]


def service_keys_for_pod(view: View, pod: dict) -> list[Key]:
    """The Services to reconcile for a pod change: those selecting it and those whose slices hold it."""
    namespace = (pod.get("metadata") or {}).get("namespace", "")
    names = {s["metadata"]["name"] for s in selector_services(view, pod)}
    slices = getattr(view, "slices_of_pod", None)
    if slices is not None:
        for sl in slices((pod.get("metadata") or {}).get("uid", "")):
            name = ((sl.get("metadata") or {}).get("labels") or {}).get(SERVICE_NAME)
            if name:
                names.add(name)
    return [Key("Service", namespace, n) for n in sorted(names)]
