"""The metrics API (metrics.k8s.io/v1beta1) as metrics-server serves it: read-only, computed on read.

This module does I/O: it reads the store in one transaction, builds an
indexed view of what the metrics need (pods, nodes, workloads) and asks
`litekube.reconcile.metrics_server.metrics` for the objects at the cluster's
current time. Errors are metrics-server's: a missing pod or node is its own
NotFound (`pods "x" not found`), a pod without metrics yet is
`podmetrics.metrics.k8s.io "default/x" not found`.
"""
from __future__ import annotations

from litekube import errors
from litekube.api.server import Api, Transaction
from litekube.model import selectors
from litekube.reconcile.metrics_server import metrics
from litekube.reconcile.metrics_server.usage import Load
from litekube.reconcile.views import MemoryView

__all__ = ["pod_metrics", "node_metrics", "get_pod_metrics", "get_node_metrics", "Snapshot", "filtered"]

# Kinds whose objects can carry load annotations, or own pods that do.
_VIEW_KINDS = ("Pod", "Node", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "ReplicationController",
               "Job")


class Snapshot:
    """The cluster as one read sees it, indexed for the metrics pass, and the cluster time."""

    def __init__(self, tx: Transaction) -> None:
        self.now = tx.now()
        self.view = MemoryView(o for kind in _VIEW_KINDS for o in tx.list(kind).items)
        self.load = Load(self.view)

    def pod(self, pod: dict) -> dict | None:
        return metrics.pod_metrics(self.view, pod, self.now, self.load)

    def node(self, node: dict) -> dict | None:
        return metrics.node_metrics(self.view, node, self.now, self.load)


def filtered(objs: list[dict], label_selector: str | None, field_selector: str | None) -> list[dict]:
    labels = selectors.parse(label_selector) if label_selector else None
    fields = selectors.parse_fields(field_selector) if field_selector else None
    out = []
    for obj in objs:
        if labels is not None and not labels.matches((obj.get("metadata") or {}).get("labels") or {}):
            continue
        if fields is not None and not selectors.match_fields(obj, fields):
            continue
        out.append(obj)
    return out


def pod_metrics(api: Api, namespace: str | None, label_selector: str | None = None,
                field_selector: str | None = None) -> list[dict]:
    """PodMetrics of the pods (of a namespace, or all with None) that have metrics, by namespace and name."""
    with api.read() as tx:
        snap = Snapshot(tx)
    pods = filtered(snap.view.list("Pod", namespace), label_selector, field_selector)
    return [m for m in (snap.pod(p) for p in pods) if m is not None]


def get_pod_metrics(api: Api, namespace: str, name: str) -> dict:
    with api.read() as tx:
        snap = Snapshot(tx)
    pod = snap.view.get("Pod", namespace, name)
    if pod is None:
        raise errors.NotFound.of("pods", name)
    found = snap.pod(pod)
    if found is None:
        raise errors.NotFound.of("podmetrics.metrics.k8s.io", f"{namespace}/{name}")
    return found


def node_metrics(api: Api, label_selector: str | None = None) -> list[dict]:
    """NodeMetrics of the nodes that have metrics, by name."""
    with api.read() as tx:
        snap = Snapshot(tx)
    nodes = filtered(snap.view.list("Node"), label_selector, None)
    return [m for m in (snap.node(n) for n in nodes) if m is not None]


def get_node_metrics(api: Api, name: str) -> dict:
    with api.read() as tx:
        snap = Snapshot(tx)
    node = snap.view.get("Node", "", name)
    if node is None:
        raise errors.NotFound.of("nodes", name)
    found = snap.node(node)
    if found is None:
        raise errors.NotFound.of("nodemetrics.metrics.k8s.io", name)
    return found
