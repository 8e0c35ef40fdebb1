"""`kubectl expose`: the Service kubectl builds for a pod, service, replication controller, deployment or replica set.

No I/O happens here. The selector, ports and protocols come from the object
(kubectl's MapBasedSelectorForObject, PortsForObject, ProtocolsForObject)
unless flags give them; errors are GeneratorError with kubectl's message.
"""
from __future__ import annotations

from typing import Any

from litekube.model.generators import GeneratorError

__all__ = ["EXPOSABLE", "service_for"]

EXPOSABLE = ("Pod", "Service", "ReplicationController", "Deployment", "ReplicaSet")


def _group_kind(obj: dict) -> str:
    group = str(obj.get("apiVersion") or "").rpartition("/")[0]
    return obj.get("kind", "") + (f".{group}" if group else "")


def _go_requirements(exprs: list[dict]) -> str:
    parts = [f"{{Key:{e.get('key', '')} Operator:{e.get('operator', '')} Values:[{' '.join(e.get('values') or [])}]}}"
             for e in exprs]
    return "[" + " ".join(parts) + "]"


def _selector(obj: dict) -> dict[str, str]:
    kind = obj["kind"]
    spec = obj.get("spec") or {}
    if kind == "Pod":
        labels = (obj.get("metadata") or {}).get("labels") or {}
        if not labels:
            raise GeneratorError("the pod has no labels and cannot be exposed")
        return dict(labels)
    if kind in ("Service", "ReplicationController"):
        selector = spec.get("selector") or {}
        if not selector:
            what = "service has no pod selector set" if kind == "Service" else \
                "replication controller has no selector set"
            raise GeneratorError(f"the {what}")
        return dict(selector)
    selector = spec.get("selector") or {}
    if not selector.get("matchLabels"):
        raise GeneratorError(f"invalid {kind.lower()}: no selectors, therefore cannot be exposed")
    if selector.get("matchExpressions"):
        raise GeneratorError(f'couldn\'t convert expressions - "{_go_requirements(selector["matchExpressions"])}" '
                             f"to map-based selector format")
    return dict(selector["matchLabels"])


def _ports(obj: dict) -> list[tuple[int, str]]:
    """(port, protocol) for each port the object declares, in order."""
    if obj["kind"] == "Service":
        return [(int(p["port"]), p.get("protocol") or "TCP") for p in (obj.get("spec") or {}).get("ports") or []]
    spec = obj.get("spec") or {}
    pod_spec = spec if obj["kind"] == "Pod" else ((spec.get("template") or {}).get("spec") or {})
    return [(int(p["containerPort"]), p.get("protocol") or "TCP")
            for c in pod_spec.get("containers") or [] for p in c.get("ports") or []]


def _atoi(text: str) -> int:
    if not text.lstrip("+-").isdigit():
        raise GeneratorError(f'strconv.Atoi: parsing "{text}": invalid syntax')
    return int(text)


def service_for(obj: dict, *, port: str = "", target_port: str = "", name: str = "", service_type: str = "",
                protocol: str = "", selector: str = "", labels: str = "", external_ip: str = "",
                load_balancer_ip: str = "", session_affinity: str = "", cluster_ip: str = "") -> dict:
    """The Service `kubectl expose` creates for `obj`."""
    if obj.get("kind") not in EXPOSABLE:
        raise GeneratorError(f"cannot expose a {_group_kind(obj)}")
    if selector:
        chosen = dict(pair.split("=", 1) for pair in selector.split(",") if "=" in pair)
    else:
        try:
            chosen = _selector(obj)
        except GeneratorError as exc:
            raise GeneratorError(f"couldn't retrieve selectors via --selector flag or introspection: {exc}") from None
    declared = _ports(obj)
    if port:
        ports = [(_atoi(p), None) for p in port.split(",")]
    elif declared:
        ports = [(p, proto) for p, proto in declared]
    else:
        raise GeneratorError("couldn't find port via --port flag or introspection")
    protocols = {p: proto for p, proto in declared}
    entries = []
    for i, (number, declared_protocol) in enumerate(ports):
        entry: dict[str, Any] = {}
        if len(ports) > 1:
            entry["name"] = f"port-{i + 1}"
        entry["protocol"] = protocol or declared_protocol or protocols.get(number, "TCP")
        entry["port"] = number
        if target_port:
            entry["targetPort"] = int(target_port) if target_port.isdigit() else target_port
        else:
            entry["targetPort"] = number
        entries.append(entry)
    meta: dict[str, Any] = {"name": name or obj["metadata"]["name"], "creationTimestamp": None}
    if labels:
        meta["labels"] = dict(pair.split("=", 1) for pair in labels.split(",") if "=" in pair)
    elif (obj.get("metadata") or {}).get("labels"):
        meta["labels"] = dict(obj["metadata"]["labels"])
    spec: dict[str, Any] = {"ports": entries, "selector": chosen}
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    if service_type:
        spec["type"] = service_type
    if external_ip:
        spec["externalIPs"] = [external_ip]
    if session_affinity:
        spec["sessionAffinity"] = session_affinity
    if service_type == "LoadBalancer" and load_balancer_ip:
        spec["loadBalancerIP"] = load_balancer_ip
    return {"kind": "Service", "apiVersion": "v1", "metadata": meta, "spec": spec, "status": {"loadBalancer": {}}}
