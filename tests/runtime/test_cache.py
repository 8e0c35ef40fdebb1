"""The control plane's cache: a snapshot plus the changelog since, Events left out, parked keys kept."""
from __future__ import annotations

import json

import pytest

from litekube.api import applying
from litekube.api.server import Api
from litekube.model import manifests, nodes
from litekube.runtime import components, controlplane, embedded
from litekube.runtime.controlplane import ControlPlane
from litekube.store import Store

WEB = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
       "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                             "spec": {"containers": [{"name": "web", "image": "nginx", "resources": {
                                 "requests": {"cpu": "1"}}}]}}}}


@pytest.fixture
def api(tmp_path):
    store = Store(str(tmp_path / "cache.db"), wall=lambda: 1_700_000_000.0)
    api = Api(store, nodes.Shape(cpu="2"), 2)
    embedded.settle(api)
    yield api
    store.close()


def apply(api: Api, obj: dict) -> None:
    applying.apply(api, manifests.parse(json.dumps(obj), "web.json"))


def plane(api: Api) -> ControlPlane:
    p = ControlPlane(api, components.ALL)
    p.start()
    return p


def cached(p: ControlPlane) -> dict:
    return {(o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]): o for o in p.view.all_objects()}


class TestSnapshot:
    def test_snapshot_plus_changelog_equals_a_relist(self, api, monkeypatch):
        monkeypatch.setattr(controlplane, "SNAPSHOT_SMALL", 0)
        apply(api, WEB)
        embedded.settle(api)
        first = plane(api)
        first.save_snapshot()
        apply(api, {**WEB, "spec": {**WEB["spec"], "replicas": 4}})  # written after the snapshot
        embedded.settle(api)
        loaded = plane(api)
        assert loaded.loaded["snapshot"] > 0 and loaded.loaded["listed"] == 0
        assert loaded.loaded["replayed"] > 0
        api.store.save_snapshot(0, "other-format", b"")  # unusable: relist instead
        relisted = plane(api)
        assert relisted.loaded["listed"] > 0
        assert cached(loaded) == cached(relisted)
        assert loaded.cursor == relisted.cursor

    def test_a_snapshot_restores_the_derived_indexes_as_a_relist_builds_them(self, api, monkeypatch):
        # Pods with requests, a priority, a mounted ConfigMap and a Secret read from the environment:
        # each node's usage and priorities and the pods by reference come from the snapshot, not recomputed.
        monkeypatch.setattr(controlplane, "SNAPSHOT_SMALL", 0)
        spec = {"priorityClassName": "high", "volumes": [{"name": "conf", "configMap": {"name": "conf"}}],
                "containers": [{"name": "web", "image": "nginx", "resources": {"requests": {"cpu": "500m"}},
                                "env": [{"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "tok", "key": "t"}}}]}]}
        apply(api, {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"},
                    "value": 7})
        apply(api, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "conf"}, "data": {"a": "1"}})
        apply(api, {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "tok"}, "stringData": {"t": "x"}})
        apply(api, {**WEB, "spec": {**WEB["spec"], "template": {**WEB["spec"]["template"], "spec": spec}}})
        embedded.settle(api)
        first = plane(api)
        first.save_snapshot()
        loaded = plane(api)
        assert loaded.loaded["snapshot"] > 0 and loaded.loaded["listed"] == 0
        api.store.save_snapshot(0, "other-format", b"")
        relisted = plane(api)
        assert relisted.loaded["listed"] > 0
        derived = relisted.view.derived()
        assert derived["usage"] and derived["priorities"] and len(derived["references"]) == 3  # conf, tok, token's CM
        assert loaded.view.derived() == derived
        for node in ("node-1", "node-2"):
            assert loaded.view.node_usage(node) == relisted.view.node_usage(node)
            assert loaded.view.min_priority(node) == relisted.view.min_priority(node)
        assert loaded.view.lowest_priority() == relisted.view.lowest_priority() == 7
        for kind, name in (("ConfigMap", "conf"), ("Secret", "tok")):
            assert loaded.view.pods_referencing(kind, "default", name) == \
                relisted.view.pods_referencing(kind, "default", name)
            assert len(loaded.view.pods_referencing(kind, "default", name)) == 3

    def test_a_snapshot_older_than_the_compaction_point_is_not_used(self, api, monkeypatch):
        monkeypatch.setattr(controlplane, "SNAPSHOT_SMALL", 0)
        first = plane(api)
        first.save_snapshot()
        apply(api, WEB)
        embedded.settle(api)
        api.store.compact(history=0, min_age=0)
        assert plane(api).loaded["listed"] > 0

    def test_events_are_not_cached(self, api):
        apply(api, WEB)
        embedded.settle(api)
        with api.read() as tx:
            assert tx.list("Event").items
        assert not [o for o in plane(api).view.all_objects() if o["kind"] == "Event"]


class TestEventsAcrossControlPlanes:
    def test_a_repeated_event_is_bumped_not_duplicated(self, api):
        apply(api, {**WEB, "spec": {**WEB["spec"], "replicas": 6}})  # 2 pods do not fit: FailedScheduling
        embedded.settle(api)

        def failed() -> dict:
            with api.read() as tx:
                return {e["metadata"]["name"]: e["count"] for e in tx.list("Event").items
                        if e["reason"] == "FailedScheduling"}
        before = failed()
        embedded.advance(api, 301.0)  # the flush: one more attempt each, by another control plane
        assert len(before) == 2
        assert failed() == {name: count + 1 for name, count in before.items()}


class TestParking:
    def test_an_unschedulable_pod_costs_nothing_until_something_changes(self, api):
        apply(api, {**WEB, "spec": {**WEB["spec"], "replicas": 6}})
        embedded.settle(api)
        p = plane(api)
        parked = [i for i in p.parked if i.component == "scheduler"]
        assert len(parked) == 2  # restored from the saved state
        p.settle()
        assert p.settle().steps == 0
        with api.write() as tx:
            tx.create(nodes.node_manifest("node-3", nodes.Shape(cpu="2"), 2))
        report = embedded.settle(api)
        assert report is not None and report.settled
        with api.read() as tx:
            pods = tx.list("Pod").items
        assert sorted({p["spec"].get("nodeName") for p in pods}) == ["node-1", "node-2", "node-3"]
