"""The graph of a namespace (or of the cluster): nodes with their pods, owners, Services, Ingresses.

No I/O happens here. `build` turns objects into a `Graph` of vertices,
edges and clusters, every one with a stable id (`Pod/demo/web-...`) and in
a stable order, so the same cluster always draws the same picture:
- a cluster per Node (labelled with its name and Ready state, filled by
  it) holding the node itself and the pods bound to it, pods filled by
  their state (`statuses.pod_state`); pods no node has yet sit in an
  "unscheduled" cluster;
- an edge from each owner to what it controls (Deployment -> ReplicaSet ->
  Pod, StatefulSet/DaemonSet/Job -> Pod, CronJob -> Job, ...);
- Service -> its EndpointSlices (by the `kubernetes.io/service-name`
  label) -> the endpoints' pods (`targetRef`), dashed when the endpoint
  is not ready; an endpoint without a pod is drawn as its address;
- Ingress -> the Services its rules and default backend name, labelled
  with host and path; a Service that does not exist is drawn dashed.
`dot.digraph` writes it with Graphviz's Python bindings.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from litekube.model.pictures import statuses
from litekube.model.tables import pods as pod_tables

__all__ = ["Vertex", "Edge", "Cluster", "Graph", "build", "KINDS", "vertex_id"]

# What the graph draws, in the order vertices are listed (owners before what they own).
KINDS = ("Ingress", "Service", "EndpointSlice", "CronJob", "Deployment", "StatefulSet", "DaemonSet",
         "ReplicationController", "ReplicaSet", "Job", "Pod")
_SHAPES = {"Ingress": "cds", "Service": "ellipse", "EndpointSlice": "note", "Pod": "box"}
_WORKLOAD_FILL = "#dee6f5"
_SERVICE_NAME = "kubernetes.io/service-name"


@dataclass(frozen=True)
class Vertex:
    """One drawn object (or address): its id, label and Graphviz attributes."""

    id: str
    label: str
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Edge:
    tail: str
    head: str
    label: str = ""
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Cluster:
    """A box drawn around vertices: one per Node, and one for pods waiting for a node."""

    id: str
    label: str
    vertices: tuple[Vertex, ...]
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Graph:
    label: str
    clusters: tuple[Cluster, ...] = ()
    vertices: tuple[Vertex, ...] = ()
    edges: tuple[Edge, ...] = field(default_factory=tuple)


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def vertex_id(obj: dict) -> str:
    meta = _meta(obj)
    ns = meta.get("namespace") or ""
    return f"{obj.get('kind')}/{ns}/{meta.get('name')}" if ns else f"{obj.get('kind')}/{meta.get('name')}"


def _name(obj: dict, all_namespaces: bool) -> str:
    meta = _meta(obj)
    return f"{meta.get('namespace')}/{meta.get('name')}" if all_namespaces else str(meta.get("name"))


def _order(obj: dict) -> tuple:
    meta = _meta(obj)
    kind = obj.get("kind", "")
    return (KINDS.index(kind) if kind in KINDS else len(KINDS), meta.get("namespace") or "", meta.get("name") or "")


def _pod_vertex(pod: dict, all_namespaces: bool) -> Vertex:
    state = statuses.pod_state(pod)
    ready, total, reason, restarts, _ = pod_tables.pod_status(pod)
    label = f"{_name(pod, all_namespaces)}\n{reason} {ready}/{total}"
    if restarts:
        label += f" ({restarts} restarts)"
    font = "white" if state in (statuses.PodState.READY, statuses.PodState.FAILING, statuses.PodState.FAILED,
                                statuses.PodState.UNKNOWN) else "black"
    return Vertex(vertex_id(pod), label, (("shape", "box"), ("style", "rounded,filled"),
                                          ("fillcolor", statuses.POD_COLORS[state]), ("fontcolor", font)))


def _node_cluster(node: dict, pods: list[dict], all_namespaces: bool) -> Cluster:
    name = _meta(node).get("name") or ""
    state = statuses.node_state(node)
    ready, _ = statuses.ready_reason(node)
    words = [f"Ready={ready or 'Unknown'}"]
    if (node.get("spec") or {}).get("unschedulable"):
        words.append("SchedulingDisabled")
    address = next((a.get("address") for a in (node.get("status") or {}).get("addresses") or []
                    if a.get("type") == "InternalIP"), None)
    head = Vertex(vertex_id(node), "\n".join([f"node {name}", *([address] if address else []), " ".join(words)]),
                  (("shape", "box3d"), ("style", "filled"), ("fillcolor", "white")))
    members = (head, *(_pod_vertex(p, all_namespaces) for p in sorted(pods, key=_order)))
    return Cluster(f"cluster_node_{name}", name, members,
                   (("style", "filled,rounded"), ("fillcolor", statuses.NODE_COLORS[state]), ("color", "#868e96")))


def _ingress_backends(ingress: dict) -> list[tuple[str, str]]:
    """(service name, "host/path") for each backend an Ingress names, in the order written."""
    spec = ingress.get("spec") or {}
    found: list[tuple[str, str]] = []
    default = ((spec.get("defaultBackend") or {}).get("service") or {}).get("name")
    if default:
        found.append((default, "default backend"))
    for rule in spec.get("rules") or []:
        host = rule.get("host") or "*"
        for path in ((rule.get("http") or {}).get("paths") or []):
            service = ((path.get("backend") or {}).get("service") or {}).get("name")
            if service:
                found.append((service, f"{host}{path.get('path') or '/'}"))
    return found


def build(nodes: list[dict], objects: list[dict], *, scope: str, all_namespaces: bool = False) -> Graph:
    """The graph of `objects` (the namespaced objects in scope) on `nodes`; `scope` labels the picture."""
    objects = sorted((o for o in objects if o.get("kind") in KINDS), key=_order)
    by_uid = {_meta(o).get("uid"): o for o in objects if _meta(o).get("uid")}
    ids = {vertex_id(o) for o in objects}
    node_names = {_meta(n).get("name") for n in nodes}
    pods_by_node: dict[str, list[dict]] = {}
    unscheduled: list[dict] = []
    for pod in (o for o in objects if o["kind"] == "Pod"):
        node = (pod.get("spec") or {}).get("nodeName")
        if node in node_names:
            pods_by_node.setdefault(node, []).append(pod)
        else:
            unscheduled.append(pod)
    clusters = [_node_cluster(n, pods_by_node.get(_meta(n).get("name"), []), all_namespaces)
                for n in sorted(nodes, key=lambda n: _meta(n).get("name") or "")]
    if unscheduled:
        clusters.append(Cluster("cluster_unscheduled", "unscheduled",
                                tuple(_pod_vertex(p, all_namespaces) for p in unscheduled),
                                (("style", "dashed,rounded"), ("color", "#868e96"))))

    vertices: list[Vertex] = []
    edges: dict[tuple[str, str], Edge] = {}

    def add_edge(edge: Edge) -> None:
        edges.setdefault((edge.tail, edge.head), edge)

    for obj in objects:
        kind = obj["kind"]
        if kind != "Pod":
            attrs = [("shape", _SHAPES.get(kind, "box")), ("style", "filled"),
                     ("fillcolor", "white" if kind in _SHAPES else _WORKLOAD_FILL)]
            vertices.append(Vertex(vertex_id(obj), f"{kind.lower()}\n{_name(obj, all_namespaces)}", tuple(attrs)))
        for ref in _meta(obj).get("ownerReferences") or []:
            owner = by_uid.get(ref.get("uid"))
            if owner is not None and ref.get("controller") and owner["kind"] in KINDS and owner["kind"] != "Service":
                add_edge(Edge(vertex_id(owner), vertex_id(obj)))

    namespaced = {(_meta(o).get("namespace"), o["kind"], _meta(o).get("name")): o for o in objects}
    missing: dict[str, Vertex] = {}
    for obj in objects:
        ns = _meta(obj).get("namespace")
        if obj["kind"] == "EndpointSlice":
            service = (_meta(obj).get("labels") or {}).get(_SERVICE_NAME)
            svc = namespaced.get((ns, "Service", service))
            if svc is not None:
                add_edge(Edge(vertex_id(svc), vertex_id(obj)))
            for endpoint in obj.get("endpoints") or []:
                ready = (endpoint.get("conditions") or {}).get("ready")
                style = (("style", "dashed"),) if ready is False else ()
                ref = endpoint.get("targetRef") or {}
                target = f"Pod/{ref.get('namespace') or ns}/{ref.get('name')}"
                if ref.get("kind") == "Pod" and target in ids:
                    add_edge(Edge(vertex_id(obj), target, attrs=style))
                    continue
                for address in endpoint.get("addresses") or []:
                    vid = f"address/{address}"
                    missing.setdefault(vid, Vertex(vid, address, (("shape", "plaintext"),)))
                    add_edge(Edge(vertex_id(obj), vid, attrs=style))
        elif obj["kind"] == "Ingress":
            labels: dict[str, list[str]] = {}
            for service, where in _ingress_backends(obj):
                labels.setdefault(service, []).append(where)
            for service, wheres in labels.items():
                target = f"Service/{ns}/{service}"
                if target not in ids:
                    missing.setdefault(target, Vertex(target, f"service\n{service}\n(not found)",
                                                      (("shape", "ellipse"), ("style", "dashed"))))
                add_edge(Edge(vertex_id(obj), target, "\n".join(wheres)))
    vertices.extend(missing[k] for k in sorted(missing))
    return Graph(scope, tuple(clusters), tuple(vertices), tuple(edges[k] for k in sorted(edges)))
