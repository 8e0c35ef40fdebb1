"""Service and EndpointSlice fixtures in the shape of upstream's proxier_test.go helpers."""
from __future__ import annotations

NODE = "test-node"  # proxier_test.go's testNodeName


def service(namespace: str, name: str, cluster_ip: str, ports: list[dict], **spec) -> dict:
    status = spec.pop("status", {})
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"namespace": namespace, "name": name},
            "spec": {"type": "ClusterIP", "clusterIP": cluster_ip, "ports": ports, **spec}, "status": status}


def port(name: str, number: int, protocol: str = "TCP", **extra) -> dict:
    return {"name": name, "port": number, "protocol": protocol, **extra}


def endpoint(ip: str, node: str | None = None, ready: bool = True, serving: bool | None = None,
             terminating: bool = False) -> dict:
    out: dict = {"addresses": [ip], "conditions": {"ready": ready}}
    if serving is not None:
        out["conditions"]["serving"] = serving
    if terminating:
        out["conditions"]["terminating"] = True
    if node:
        out["nodeName"] = node
    return out


def endpoint_slice(namespace: str, service_name: str, n: int, endpoints: list[dict], ports: list[dict]) -> dict:
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"namespace": namespace, "name": f"{service_name}-{n}",
                         "labels": {"kubernetes.io/service-name": service_name}},
            "addressType": "IPv4", "endpoints": endpoints, "ports": ports}
