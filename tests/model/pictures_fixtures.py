"""Hand-made objects for the picture tests: a Deployment's chain, a Service with a slice, an Ingress."""
from __future__ import annotations

T0 = "2026-01-01T00:00:00Z"


def meta(name: str, namespace: str | None = "demo", *, uid: str | None = None, owner: dict | None = None,
         labels: dict | None = None, created: str = T0, **extra) -> dict:
    m: dict = {"name": name, "uid": uid or f"uid-{name}", "creationTimestamp": created, **extra}
    if namespace:
        m["namespace"] = namespace
    if owner is not None:
        m["ownerReferences"] = [{"apiVersion": owner["apiVersion"], "kind": owner["kind"],
                                 "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
                                 "controller": True, "blockOwnerDeletion": True}]
    if labels:
        m["labels"] = labels
    return m


def deployment(name: str = "web", replicas: int = 2, namespace: str = "demo") -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(name, namespace),
            "spec": {"replicas": replicas},
            "status": {"readyReplicas": replicas, "updatedReplicas": replicas, "availableReplicas": replicas,
                       "conditions": [{"type": "Available", "status": "True"}]}}


def replicaset(owner: dict, hash_: str, replicas: int = 2) -> dict:
    name = f"{owner['metadata']['name']}-{hash_}"
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": meta(name, owner["metadata"]["namespace"], owner=owner, labels={"pod-template-hash": hash_}),
            "spec": {"replicas": replicas}, "status": {"replicas": replicas, "readyReplicas": replicas}}


def pod(name: str, *, owner: dict | None = None, node: str | None = "node-1", phase: str = "Running",
        ready: bool = True, namespace: str = "demo", ip: str = "10.244.0.5", labels: dict | None = None,
        reason: str | None = None, deleting: bool = False, waiting: str | None = None) -> dict:
    conditions = [{"type": "PodScheduled", "status": "True"}]
    if phase in ("Running", "Succeeded", "Failed"):
        conditions.append({"type": "Ready", "status": "True" if ready else "False",
                           **({"reason": reason} if reason else {})})
    state: dict = {"running": {"startedAt": T0}} if phase == "Running" else {}
    if waiting:
        state = {"waiting": {"reason": waiting}}
    if phase == "Succeeded":
        state = {"terminated": {"exitCode": 0, "reason": "Completed"}}
    obj = {"apiVersion": "v1", "kind": "Pod",
           "metadata": meta(name, namespace, owner=owner, labels=labels, **({"deletionTimestamp": T0} if deleting
                                                                            else {})),
           "spec": {"containers": [{"name": "app", "image": "nginx"}], **({"nodeName": node} if node else {})},
           "status": {"phase": phase, "conditions": conditions, "podIP": ip if node else None,
                      "containerStatuses": [{"name": "app", "ready": ready and phase == "Running",
                                             "restartCount": 0, "state": state}] if node else []}}
    if owner is not None and owner["kind"] == "ReplicaSet":
        template_hash = owner["metadata"]["labels"]["pod-template-hash"]
        obj["metadata"]["labels"] = {"app": "web", "pod-template-hash": template_hash}
    return obj


def node(name: str, *, ready: str = "True", unschedulable: bool = False, address: str = "172.18.0.2",
         down: bool = False) -> dict:
    annotations = {"sim.litekube.io/down": "true"} if down else {}
    obj = {"apiVersion": "v1", "kind": "Node", "metadata": meta(name, None, annotations=annotations),
           "spec": {"unschedulable": True} if unschedulable else {},
           "status": {"conditions": [{"type": "Ready", "status": ready, "reason": "KubeletReady"}],
                      "addresses": [{"type": "InternalIP", "address": address}]}}
    return obj


def service(name: str = "web", namespace: str = "demo") -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(f"{name}", namespace, uid=f"uid-svc-{name}"),
            "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.10", "selector": {"app": name},
                     "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}]}}


def endpointslice(svc: dict, endpoints: list[dict], suffix: str = "abcde") -> dict:
    """A slice as the endpointslice controller writes it (discovery.k8s.io/v1)."""
    name = svc["metadata"]["name"]
    obj = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
           "metadata": meta(f"{name}-{suffix}", svc["metadata"]["namespace"], owner={**svc, "apiVersion": "v1"},
                            labels={"kubernetes.io/service-name": name,
                                    "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}),
           "ports": [{"name": "", "port": 80, "protocol": "TCP"}], "endpoints": endpoints}
    return obj


def endpoint(p: dict, *, ready: bool = True) -> dict:
    return {"addresses": [p["status"]["podIP"]],
            "conditions": {"ready": ready, "serving": ready, "terminating": False},
            "targetRef": {"kind": "Pod", "namespace": p["metadata"]["namespace"], "name": p["metadata"]["name"],
                          "uid": p["metadata"]["uid"]},
            "nodeName": p["spec"].get("nodeName")}


def ingress(name: str, rules: list[tuple[str, str, str]], default: str | None = None, namespace: str = "demo") -> dict:
    spec: dict = {"rules": [{"host": host, "http": {"paths": [
        {"path": path, "pathType": "Prefix", "backend": {"service": {"name": svc, "port": {"number": 80}}}}]}}
        for host, path, svc in rules]}
    if default:
        spec["defaultBackend"] = {"service": {"name": default, "port": {"number": 80}}}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta(name, namespace), "spec": spec}
