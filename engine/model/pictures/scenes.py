"""What the web view draws at one revision: nodes with their pods, ownership trees, Services and endpoints.

No I/O happens here. `scene` reads an index of the objects (the informer
cache's: `list`, `owned_by`, `pods_on_node`) and returns plain JSON-ready
data, so the page only lays it out. Pods carry their state
(`statuses.pod_state`), kubectl's STATUS and READY, and the owner and
template hash that tell a rollout's old pods from its new ones; nodes
their Ready state, cordon, taints and whether their kubelet is down (the
`sim.litekube.io/down` fault); workloads are trees down their
ownerReferences; Services list the endpoints of their EndpointSlices.
"""
from __future__ import annotations

from typing import Protocol

from litekube.model.pictures import statuses
from litekube.model.tables import pods as pod_tables

__all__ = ["Index", "scene", "pod_entry", "ROOT_KINDS", "TREE_KINDS"]

# Objects drawn as the top of a tree when nothing in the picture controls them.
ROOT_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "ReplicationController", "ReplicaSet", "Job",
              "Pod")
TREE_KINDS = ROOT_KINDS + ("ControllerRevision", "PersistentVolumeClaim")
_HASH_LABELS = ("pod-template-hash", "controller-revision-hash")
_SERVICE_NAME = "kubernetes.io/service-name"
_DOWN = "sim.litekube.io/down"


class Index(Protocol):
    def list(self, kind: str, namespace: str | None = None) -> list[dict]: ...

    def owned_by(self, uid: str, kind: str | None = None) -> list[dict]: ...

    def pods_on_node(self, node: str) -> list[dict]: ...


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _controller(obj: dict) -> dict | None:
    return next((r for r in _meta(obj).get("ownerReferences") or [] if r.get("controller")), None)


def pod_entry(pod: dict) -> dict:
    """A pod as the page draws it."""
    meta = _meta(pod)
    ready, total, reason, restarts, _ = pod_tables.pod_status(pod)
    owner = _controller(pod)
    labels = meta.get("labels") or {}
    state = statuses.pod_state(pod)
    return {
        "namespace": meta.get("namespace") or "", "name": meta.get("name") or "",
        "state": str(state), "color": statuses.POD_COLORS[state], "status": reason,
        "ready": f"{ready}/{total}", "restarts": restarts,
        "ip": (pod.get("status") or {}).get("podIP") or "",
        "node": (pod.get("spec") or {}).get("nodeName") or "",
        "owner": f"{owner.get('kind')}/{owner.get('name')}" if owner else "",
        "hash": next((labels[k] for k in _HASH_LABELS if k in labels), ""),
    }


def _in_scope(obj: dict, namespace: str | None) -> bool:
    return namespace is None or _meta(obj).get("namespace") == namespace


def _node_entry(node: dict, index: Index, namespace: str | None) -> dict:
    meta = _meta(node)
    spec = node.get("spec") or {}
    ready, reason = statuses.ready_reason(node)
    state = statuses.node_state(node)
    address = next((a.get("address") for a in (node.get("status") or {}).get("addresses") or []
                    if a.get("type") == "InternalIP"), "")
    taints = [f"{t.get('key')}{'=' + t['value'] if t.get('value') else ''}:{t.get('effect')}"
              for t in spec.get("taints") or []]
    pods = [pod_entry(p) for p in index.pods_on_node(meta.get("name") or "") if _in_scope(p, namespace)]
    return {"name": meta.get("name") or "", "state": str(state), "color": statuses.NODE_COLORS[state],
            "ready": ready or "Unknown", "reason": reason, "unschedulable": bool(spec.get("unschedulable")),
            "down": (meta.get("annotations") or {}).get(_DOWN) == "true", "address": address,
            "taints": taints, "pods": sorted(pods, key=lambda p: (p["namespace"], p["name"]))}


def _summary(obj: dict) -> str:
    """A few words on a workload's progress, as `kubectl get` columns say it."""
    kind, spec, status = obj.get("kind"), obj.get("spec") or {}, obj.get("status") or {}
    if kind == "Deployment":
        return (f"{status.get('readyReplicas') or 0}/{spec.get('replicas', 1)} ready, "
                f"{status.get('updatedReplicas') or 0} up-to-date, {status.get('availableReplicas') or 0} available")
    if kind in ("ReplicaSet", "ReplicationController", "StatefulSet"):
        return f"{status.get('readyReplicas') or 0}/{spec.get('replicas', 1)} ready"
    if kind == "DaemonSet":
        return f"{status.get('numberReady') or 0}/{status.get('desiredNumberScheduled') or 0} ready"
    if kind == "Job":
        return f"{status.get('succeeded') or 0}/{spec.get('completions', 1)} succeeded"
    if kind == "CronJob":
        return f"{len(status.get('active') or [])} active, schedule {spec.get('schedule', '')}"
    if kind == "Pod":
        entry = pod_entry(obj)
        return f"{entry['status']} {entry['ready']}"
    if kind == "ControllerRevision":
        return f"revision {obj.get('revision', '')}"
    return ""


def _tree(obj: dict, index: Index, seen: set[str]) -> dict:
    meta = _meta(obj)
    uid = meta.get("uid") or ""
    ready, reason = statuses.ready_reason(obj)
    entry = {"kind": obj.get("kind") or "", "namespace": meta.get("namespace") or "", "name": meta.get("name") or "",
             "ready": ready, "reason": reason, "summary": _summary(obj), "children": []}
    if obj.get("kind") == "Pod":
        pod = pod_entry(obj)
        entry.update(state=pod["state"], color=pod["color"])
    if uid and uid not in seen:
        seen.add(uid)
        children = [c for c in index.owned_by(uid) if c.get("kind") in TREE_KINDS]
        children.sort(key=lambda c: (c.get("kind") or "", _meta(c).get("name") or "", _meta(c).get("namespace") or ""))
        entry["children"] = [_tree(c, index, seen) for c in children]
    return entry


def _trees(index: Index, namespace: str | None) -> list[dict]:
    present = {(_meta(o).get("uid")) for kind in TREE_KINDS for o in index.list(kind, namespace)}
    roots = []
    for kind in ROOT_KINDS:
        for obj in index.list(kind, namespace):
            owner = _controller(obj)
            if owner is None or owner.get("uid") not in present:
                roots.append(obj)
    seen: set[str] = set()
    return [_tree(r, index, seen) for r in roots]


def _ports(service: dict) -> str:
    ports = (service.get("spec") or {}).get("ports") or []
    return ",".join(f"{p.get('port')}{':' + str(p['nodePort']) if p.get('nodePort') else ''}/{p.get('protocol', 'TCP')}"
                    for p in ports)


def _services(index: Index, namespace: str | None) -> list[dict]:
    slices: dict[tuple[str, str], list[dict]] = {}
    for s in index.list("EndpointSlice", namespace):
        name = (_meta(s).get("labels") or {}).get(_SERVICE_NAME)
        if name:
            slices.setdefault((_meta(s).get("namespace") or "", name), []).append(s)
    out = []
    for svc in index.list("Service", namespace):
        meta, spec = _meta(svc), svc.get("spec") or {}
        ns = meta.get("namespace") or ""
        endpoints = []
        mine = slices.get((ns, meta.get("name") or ""), [])
        for s in mine:
            for e in s.get("endpoints") or []:
                conditions = e.get("conditions") or {}
                ref = e.get("targetRef") or {}
                endpoints.append({"addresses": list(e.get("addresses") or []),
                                  "pod": ref.get("name", "") if ref.get("kind") == "Pod" else "",
                                  "node": e.get("nodeName") or "",
                                  # a missing condition reads as true (the EndpointSlice API's rule)
                                  "ready": conditions.get("ready") is not False,
                                  "serving": conditions.get("serving") is not False,
                                  "terminating": conditions.get("terminating") is True})
        endpoints.sort(key=lambda e: (e["addresses"], e["pod"]))
        out.append({"namespace": ns, "name": meta.get("name") or "", "type": spec.get("type") or "ClusterIP",
                    "clusterIP": spec.get("clusterIP") or "", "ports": _ports(svc),
                    "slices": sorted(_meta(s).get("name") or "" for s in mine), "endpoints": endpoints})
    return out


def _ingresses(index: Index, namespace: str | None) -> list[dict]:
    out = []
    for ing in index.list("Ingress", namespace):
        spec = ing.get("spec") or {}
        rules = []
        default = (spec.get("defaultBackend") or {}).get("service") or {}
        if default.get("name"):
            rules.append({"host": "*", "path": "(default)", "service": default["name"]})
        for rule in spec.get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                backend = (path.get("backend") or {}).get("service") or {}
                rules.append({"host": rule.get("host") or "*", "path": path.get("path") or "/",
                              "service": backend.get("name") or ""})
        out.append({"namespace": _meta(ing).get("namespace") or "", "name": _meta(ing).get("name") or "",
                    "rules": rules})
    return out


def scene(index: Index, namespace: str | None = None) -> dict:
    """The picture of the cluster (pods, workloads and Services of one namespace, or all when None)."""
    nodes = [_node_entry(n, index, namespace) for n in index.list("Node")]
    known = {n["name"] for n in nodes}
    unscheduled = [pod_entry(p) for p in index.list("Pod", namespace)
                   if (p.get("spec") or {}).get("nodeName") not in known]
    counts: dict[str, int] = {}
    for pod in [p for n in nodes for p in n["pods"]] + unscheduled:
        counts[pod["state"]] = counts.get(pod["state"], 0) + 1
    return {"nodes": nodes, "unscheduled": unscheduled, "workloads": _trees(index, namespace),
            "services": _services(index, namespace), "ingresses": _ingresses(index, namespace),
            "namespaces": sorted(_meta(n).get("name") or "" for n in index.list("Namespace")),
            "counts": dict(sorted(counts.items()))}
