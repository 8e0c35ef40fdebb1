"""Cluster and config printers: Node, Namespace, Event, storage, disruption budgets, config.

No I/O happens here. Rows follow upstream printers.go; `node_roles` and
`access_modes` are its findNodeRoles and GetAccessModesAsString. `PRINTERS`
maps each kind to its row printer for `litekube.model.tables`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from litekube.model import durations
from litekube.model.tables.cells import age, meta

__all__ = ["node_roles", "access_modes", "PRINTERS"]


def node_roles(node: dict) -> list[str]:
    """findNodeRoles: from `node-role.kubernetes.io/<role>` and `kubernetes.io/role` labels, sorted."""
    roles = set()
    for key, value in (meta(node).get("labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/") and key[len("node-role.kubernetes.io/"):]:
            roles.add(key[len("node-role.kubernetes.io/"):])
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return sorted(roles)


def _node(obj: dict, now: datetime) -> list:
    status = obj.get("status") or {}
    states = [("Ready" if c.get("status") == "True" else "NotReady")
              for c in status.get("conditions") or [] if c.get("type") == "Ready"][-1:] or ["Unknown"]
    if (obj.get("spec") or {}).get("unschedulable"):
        states.append("SchedulingDisabled")
    info = status.get("nodeInfo") or {}

    def address(type_: str) -> str:
        return next((a.get("address", "") for a in status.get("addresses") or [] if a.get("type") == type_),
                    "<none>")
    return [meta(obj).get("name", ""), ",".join(states), ",".join(node_roles(obj)) or "<none>", age(obj, now),
            info.get("kubeletVersion", ""), address("InternalIP"), address("ExternalIP"),
            info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>"]


def _event(obj: dict, now: datetime) -> list:
    first = durations.age(obj.get("firstTimestamp") or obj.get("eventTime"), now)
    last = durations.age(obj["lastTimestamp"], now) if obj.get("lastTimestamp") else first
    count = obj.get("count") or 0
    if obj.get("series"):
        last = durations.age(obj["series"].get("lastObservedTime"), now)
        count = obj["series"].get("count") or 0
    elif count == 0:
        count = 1
    involved = obj.get("involvedObject") or {}
    kind = (involved.get("kind") or "").lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    source = obj.get("source") or {}
    component = source.get("component") or obj.get("reportingController") or ""
    host = source.get("host") or obj.get("reportingInstance") or ""
    return [last, obj.get("type", ""), obj.get("reason", ""), target, involved.get("fieldPath", ""),
            f"{component}, {host}" if host else component, (obj.get("message") or "").strip(), first, count,
            meta(obj).get("name", "")]


def access_modes(modes: list[str] | None) -> str:
    """GetAccessModesAsString: `RWO,ROX,RWX,RWOP` in that fixed order."""
    short = [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
             ("ReadWriteOncePod", "RWOP")]
    return ",".join(abbr for mode, abbr in short if mode in (modes or []))


def _pvc(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    phase = "Terminating" if meta(obj).get("deletionTimestamp") else status.get("phase", "")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes(status.get("accessModes"))
        capacity = (status.get("capacity") or {}).get("storage", "")
    storage_class = ((meta(obj).get("annotations") or {}).get("volume.beta.kubernetes.io/storage-class")
                     or spec.get("storageClassName") or "")
    return [meta(obj).get("name", ""), phase, spec.get("volumeName", ""), capacity, modes, storage_class,
            spec.get("volumeAttributesClassName") or "<unset>", age(obj, now), spec.get("volumeMode") or "<unset>"]


def _pdb(obj: dict, now: datetime) -> list:
    spec = obj.get("spec") or {}
    return [meta(obj).get("name", ""), spec.get("minAvailable", "N/A"), spec.get("maxUnavailable", "N/A"),
            (obj.get("status") or {}).get("disruptionsAllowed") or 0, age(obj, now)]


def _controllerrevision(obj: dict, now: datetime) -> list:
    owner = next((o for o in meta(obj).get("ownerReferences") or [] if o.get("controller")), None)
    controller = "<none>"
    if owner is not None:
        api_version = owner.get("apiVersion", "")
        group = api_version.split("/")[0] if "/" in api_version else ""
        kind = owner.get("kind", "") + (f".{group}" if group else "")
        controller = f"{kind.lower()}/{owner.get('name', '')}" if kind else owner.get("name", "")
    return [meta(obj).get("name", ""), controller, obj.get("revision", 0), age(obj, now)]


PRINTERS: dict[str, Callable[[dict, datetime], list]] = {
    "Node": _node,
    "Namespace": lambda o, now: [meta(o).get("name", ""), (o.get("status") or {}).get("phase", ""),
                                 age(o, now)],
    "ConfigMap": lambda o, now: [meta(o).get("name", ""),
                                 len(o.get("data") or {}) + len(o.get("binaryData") or {}), age(o, now)],
    "Secret": lambda o, now: [meta(o).get("name", ""), o.get("type", ""), len(o.get("data") or {}),
                              age(o, now)],
    "Event": _event,
    "PersistentVolumeClaim": _pvc,
    "PodDisruptionBudget": _pdb,
    "Lease": lambda o, now: [meta(o).get("name", ""), (o.get("spec") or {}).get("holderIdentity") or "",
                             age(o, now)],
    "ControllerRevision": _controllerrevision,
}
