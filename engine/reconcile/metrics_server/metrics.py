"""metrics-server's PodMetrics and NodeMetrics (metrics.k8s.io/v1beta1), computed in cluster time.

No I/O happens here. metrics-server (v0.7, `--metric-resolution=15s`)
scrapes every kubelet every 15 s and keeps the last two points of each
container and node; a rate needs both, so (pkg/storage/pod.go, storage.go):

- the scrapes happen at multiples of `RESOLUTION` seconds of cluster time;
  the metrics served at `now` are those of the latest scrape L <= now;
- a container that started at S has a point at L when it runs then; it has
  metrics at L when 10 s <= L - S < 15 s (metrics-server takes its start as
  the previous point: window L - S) or when L - S > 15 s (the previous
  scrape's point: window 15 s); at exactly 15 s its previous point is its
  start instant, which metrics-server does not keep;
- a pod has metrics while it is Running, its node's kubelet answers, and
  some running container has metrics; its timestamp is L and its window
  that of its first such container;
- a node has metrics once it has been scraped twice (registered 15 s
  before L) while its kubelet answers: its own system usage plus what its
  running pods' running containers use.

The usage itself comes from `usage.Load` (the simulated load annotations).
`pod_metrics` and `node_metrics` return the objects exactly as the API
serves them (labels included, creationTimestamp the time of the request).
"""
from __future__ import annotations

import math
from datetime import datetime, timezone
from fractions import Fraction

from litekube.model import quantities
from litekube.reconcile.base import View
from litekube.reconcile.common import pod_ranking
from litekube.reconcile.kubelet import simulation
from litekube.reconcile.metrics_server.usage import NANO, Load, running_containers

__all__ = ["RESOLUTION", "FRESH_CONTAINER_MIN", "last_scrape", "container_window", "pod_metrics",
           "node_metrics", "API_VERSION", "format_cpu", "format_memory"]

API_VERSION = "metrics.k8s.io/v1beta1"
RESOLUTION = 15.0  # --metric-resolution
FRESH_CONTAINER_MIN = 10.0  # freshContainerMinMetricsResolution


def _stamp(seconds: float) -> str:
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _window(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole}s" if whole < 60 else f"{whole // 60}m{whole % 60}s"


def last_scrape(now: float) -> float:
    """The cluster time of the latest scrape at or before `now`."""
    return math.floor(now / RESOLUTION) * RESOLUTION


def container_window(started: float, scrape: float) -> float | None:
    """The window of a container's metrics at `scrape` (started at `started`), or None if it has none yet."""
    age = scrape - started
    if FRESH_CONTAINER_MIN <= age < RESOLUTION:
        return age
    if age > RESOLUTION:
        return RESOLUTION
    return None


def format_cpu(nanocores: int) -> str:
    """A usage in nanocores as the API prints it: `250m`, `1`, `87142857n`."""
    return quantities.format_decimal(Fraction(nanocores, NANO))


def format_memory(count: int) -> str:
    """A usage in bytes, BinarySI as metrics-server prints it: `4Mi`, `13460Ki`."""
    return quantities.format_bytes(count)


def _kubelet_answers(view: View, node_name: str) -> bool:
    node = view.get("Node", "", node_name) if node_name else None
    return node is not None and not simulation.node_is_down(node)


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def pod_metrics(view: View, pod: dict, now: float, load: Load | None = None) -> dict | None:
    """The pod's PodMetrics as served at `now`, or None when metrics-server has none for it."""
    if (pod.get("status") or {}).get("phase") != "Running":
        return None
    if not _kubelet_answers(view, (pod.get("spec") or {}).get("nodeName") or ""):
        return None
    load = load or Load(view)
    scrape = last_scrape(now)
    containers, window = [], None
    for container, status in running_containers(pod):
        started = pod_ranking.timestamp(((status.get("state") or {}).get("running") or {}).get("startedAt"))
        if started is None:
            continue
        span = container_window(started, scrape)
        if span is None:
            continue
        window = span if window is None else window
        containers.append({"name": container.get("name", ""), "usage": {
            "cpu": format_cpu(load.container_usage(pod, container, "cpu")),
            "memory": format_memory(load.container_usage(pod, container, "memory"))}})
    if not containers or window is None:
        return None
    meta = _meta(pod)
    out_meta: dict = {"name": meta.get("name", ""), "namespace": meta.get("namespace", ""),
                      "creationTimestamp": _stamp(now)}
    if meta.get("labels"):
        out_meta["labels"] = dict(meta["labels"])
    return {"kind": "PodMetrics", "apiVersion": API_VERSION, "metadata": out_meta, "timestamp": _stamp(scrape),
            "window": _window(window), "containers": containers}


def node_metrics(view: View, node: dict, now: float, load: Load | None = None) -> dict | None:
    """The node's NodeMetrics as served at `now`, or None when metrics-server has none for it."""
    name = _meta(node).get("name", "")
    if simulation.node_is_down(node):
        return None
    scrape = last_scrape(now)
    created = pod_ranking.timestamp(_meta(node).get("creationTimestamp"))
    if created is None or scrape - created < RESOLUTION:
        return None
    load = load or Load(view)
    cpu, memory = load.node_system(node, "cpu"), load.node_system(node, "memory")
    for pod in view.pods_on_node(name):
        if (pod.get("status") or {}).get("phase") != "Running":
            continue
        for container, _ in running_containers(pod):
            cpu += load.container_usage(pod, container, "cpu")
            memory += load.container_usage(pod, container, "memory")
    out_meta: dict = {"name": name, "creationTimestamp": _stamp(now)}
    if _meta(node).get("labels"):
        out_meta["labels"] = dict(_meta(node)["labels"])
    return {"kind": "NodeMetrics", "apiVersion": API_VERSION, "metadata": out_meta, "timestamp": _stamp(scrape),
            "window": _window(RESOLUTION), "usage": {"cpu": format_cpu(cpu), "memory": format_memory(memory)}}
