"""The simulated metrics-server: scrape timing, windows, and usage from the load annotations."""
from __future__ import annotations

from datetime import datetime, timezone
from fractions import Fraction

import pytest

from litekube.reconcile.metrics_server import metrics, usage
from litekube.reconcile.views import MemoryView

L = 1_700_000_010.0  # a scrape instant


def stamp(t: float) -> str:
    return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def container(name: str = "app", request: str | None = "200m", limit: str | None = None,
              memory: str | None = None) -> dict:
    resources: dict = {}
    if request or memory:
        resources["requests"] = {k: v for k, v in (("cpu", request), ("memory", memory)) if v}
    if limit:
        resources["limits"] = {"cpu": limit}
    return {"name": name, "image": "nginx", "resources": resources}


def pod(name: str = "p", started: float = L - 600, containers: list[dict] | None = None, ready: bool = True,
        annotations: dict | None = None, owner: str | None = None, phase: str = "Running") -> dict:
    containers = containers or [container()]
    meta: dict = {"name": name, "namespace": "default", "uid": f"u-{name}", "labels": {"app": "web"},
                  "annotations": annotations or {}}
    if owner:
        meta["ownerReferences"] = [{"kind": "ReplicaSet", "name": owner, "uid": f"u-{owner}", "controller": True}]
    return {"kind": "Pod", "metadata": meta, "spec": {"nodeName": "node-1", "containers": containers},
            "status": {"phase": phase, "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
                       "containerStatuses": [{"name": c["name"], "state": {"running": {"startedAt": stamp(started)}}}
                                             for c in containers]}}


def node(down: bool = False, created: float = L - 3600, annotations: dict | None = None) -> dict:
    annotations = dict(annotations or {})
    if down:
        annotations["sim.litekube.io/down"] = "true"
    return {"kind": "Node", "metadata": {"name": "node-1", "uid": "u-node", "creationTimestamp": stamp(created),
                                         "annotations": annotations, "labels": {"kubernetes.io/os": "linux"}}}


def workload(kind: str, name: str, annotations: dict, owner: str | None = None) -> dict:
    meta: dict = {"name": name, "namespace": "default", "uid": f"u-{name}", "annotations": annotations}
    if owner:
        meta["ownerReferences"] = [{"kind": "Deployment", "name": owner, "uid": f"u-{owner}", "controller": True}]
    return {"kind": kind, "metadata": meta}


class TestWindows:
    @pytest.mark.parametrize("age,window", [
        pytest.param(9, None, id="9s-too-fresh"),
        pytest.param(10, 10, id="10s-fresh-window"),
        pytest.param(14, 14, id="14s-fresh-window"),
        pytest.param(15, None, id="15s-previous-point-is-its-start"),
        pytest.param(16, 15, id="16s-two-scrapes"),
    ])
    def test_container_window(self, age, window) -> None:
        assert metrics.container_window(L - age, L) == window

    def test_metrics_are_those_of_the_latest_scrape(self) -> None:
        assert metrics.last_scrape(L + 14.9) == L and metrics.last_scrape(L + 15) == L + 15

    def test_pod_metrics(self) -> None:
        got = metrics.pod_metrics(MemoryView([node(), pod()]), pod(), L + 3)
        assert got == {"kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
                       "metadata": {"name": "p", "namespace": "default", "creationTimestamp": stamp(L + 3),
                                    "labels": {"app": "web"}},
                       "timestamp": stamp(L), "window": "15s",
                       "containers": [{"name": "app", "usage": {"cpu": "1m", "memory": "4Mi"}}]}

    def test_fresh_pod_window_is_its_age(self) -> None:
        assert metrics.pod_metrics(MemoryView([node()]), pod(started=L - 12), L)["window"] == "12s"

    @pytest.mark.parametrize("case", ["pending", "node-down", "too-fresh"])
    def test_no_metrics(self, case) -> None:
        p = pod(phase="Pending") if case == "pending" else pod(started=L - 3) if case == "too-fresh" else pod()
        assert metrics.pod_metrics(MemoryView([node(down=case == "node-down"), p]), p, L) is None

    def test_node_metrics(self) -> None:
        objs = [node(), pod("a"), pod("b", annotations={"sim.litekube.io/cpu-usage": "250m"})]
        got = metrics.node_metrics(MemoryView(objs), node(), L)
        assert got["usage"] == {"cpu": "351m", "memory": "520Mi"}  # 100m + 1m + 250m; 512Mi + 2 x 4Mi
        assert got["window"] == "15s" and got["metadata"]["labels"] == {"kubernetes.io/os": "linux"}

    @pytest.mark.parametrize("created,has", [pytest.param(L - 15, True, id="scraped-twice"),
                                             pytest.param(L - 14, False, id="scraped-once")])
    def test_a_new_node_needs_two_scrapes(self, created, has) -> None:
        assert (metrics.node_metrics(MemoryView([node(created=created)]), node(created=created), L) is not None) is has

    def test_a_down_node_has_none(self) -> None:
        assert metrics.node_metrics(MemoryView([node(down=True)]), node(down=True), L) is None


def cpu_of(objs: list[dict], name: str = "p", container_name: str = "app") -> Fraction:
    view = MemoryView(objs)
    p = view.get("Pod", "default", name)
    c = next(c for c in p["spec"]["containers"] if c["name"] == container_name)
    return Fraction(usage.Load(view).container_usage(p, c, "cpu"), usage.NANO)


class TestUsage:
    @pytest.mark.parametrize("text,expected", [
        pytest.param("250m", Fraction(1, 4), id="quantity"),
        pytest.param("80%", Fraction(16, 100), id="percent-of-request"),
        pytest.param("app=300m,side=10m", Fraction(3, 10), id="per-container"),
        pytest.param("side=10m", Fraction(1, 1000), id="unnamed-containers-keep-the-default"),
        pytest.param("oops", Fraction(1, 1000), id="a-value-that-does-not-parse-is-ignored"),
    ])
    def test_pod_annotation(self, text, expected) -> None:
        assert cpu_of([pod(annotations={"sim.litekube.io/cpu-usage": text})]) == expected

    def test_workload_annotation_overrides_the_template(self) -> None:
        objs = [workload("Deployment", "web", {"sim.litekube.io/cpu-usage": "400m"}),
                workload("ReplicaSet", "web-1", {}, owner="web"),
                pod(annotations={"sim.litekube.io/cpu-usage": "100m"}, owner="web-1")]
        assert cpu_of(objs) == Fraction(2, 5)

    def test_a_replicasets_copied_annotations_are_not_read(self) -> None:
        # The deployment controller copies a Deployment's annotations to its ReplicaSets and never removes them.
        objs = [workload("Deployment", "web", {}),
                workload("ReplicaSet", "web-1", {"sim.litekube.io/cpu-load": "600m"}, owner="web"),
                pod(owner="web-1")]
        assert cpu_of(objs) == Fraction(1, 1000)

    def test_load_is_shared_by_ready_pods_only(self) -> None:
        objs = [workload("Deployment", "web", {"sim.litekube.io/cpu-load": "600m"}),
                workload("ReplicaSet", "web-1", {}, owner="web"),
                pod("a", owner="web-1"), pod("b", owner="web-1"), pod("c", owner="web-1", ready=False)]
        assert cpu_of(objs, "a") == Fraction(301, 1000)  # its own 1m plus half of 600m
        assert cpu_of(objs, "c") == Fraction(1, 1000)

    def test_load_is_split_by_request_and_capped_at_the_limit(self) -> None:
        two = [container("app", "300m", limit="250m"), container("side", "100m")]
        objs = [workload("ReplicaSet", "web-1", {"sim.litekube.io/cpu-load": "400m"}),
                pod(containers=two, owner="web-1")]
        assert cpu_of(objs, container_name="app") == Fraction(1, 4)  # 1m + 300m, capped at 250m
        assert cpu_of(objs, container_name="side") == Fraction(101, 1000)

    @pytest.mark.parametrize("text", ["", "-1", "a=", "1,2", "=1m", "x%"])
    def test_bad_usage_is_refused(self, text) -> None:
        with pytest.raises(ValueError):
            usage.parse_usage(text, "cpu")
