"""The control plane's cache: a snapshot plus the changelog since, Events left out, parked keys kept."""
from __future__ import annotations

import json
import marshal

import pytest

from litekube.api import applying
from litekube.api.server import Api
from litekube.model import manifests, nodes
from litekube.model import selectors
from litekube.reconcile.base import Key
from litekube.reconcile import views
from litekube.reconcile.views import MemoryView
from litekube.runtime import components, controlplane, embedded
from litekube.runtime.controlplane import ControlPlane
from litekube.runtime.controlplane import _encode as snapshot_encode  # the runtime's encoder (takes FrozenDict)
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


def chunk_rows(api: Api) -> int:
    with api.store.read() as reader:
        return reader._q("SELECT count(*) FROM snapshot_chunk").fetchone()[0]


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
        api.store.save_snapshot(0, "other-format", [])  # unusable: relist instead
        relisted = plane(api)
        assert relisted.loaded["listed"] > 0
        assert cached(loaded) == cached(relisted)
        assert loaded.cursor == relisted.cursor

    def test_a_snapshot_restores_the_indexes_as_a_relist_builds_them(self, api, monkeypatch):
        # Pods with requests, a priority, a mounted ConfigMap and a Secret read from the environment, one
        # Pending: the restored view answers every index as a relisted one, decoding objects only when read.
        monkeypatch.setattr(controlplane, "SNAPSHOT_SMALL", 0)
        spec = {"priorityClassName": "high", "volumes": [{"name": "conf", "configMap": {"name": "conf"}}],
                "containers": [{"name": "web", "image": "nginx", "resources": {"requests": {"cpu": "1"}},
                                "env": [{"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "tok", "key": "t"}}}]}]}
        apply(api, {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"},
                    "value": 7})
        apply(api, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "conf"}, "data": {"a": "1"}})
        apply(api, {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "tok"}, "stringData": {"t": "x"}})
        apply(api, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                    "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
        apply(api, {**WEB, "spec": {**WEB["spec"], "replicas": 5,
                                    "template": {**WEB["spec"]["template"], "spec": spec}}})
        embedded.settle(api)
        first = plane(api)
        first.save_snapshot()
        loaded = plane(api)
        assert loaded.loaded["snapshot"] > 0 and loaded.loaded["listed"] == 0
        assert all(o.__class__ is bytes for o in loaded.view._objects.values())  # nothing decoded yet
        api.store.save_snapshot(0, "other-format", [])
        relisted = plane(api)
        assert relisted.loaded["listed"] > 0
        a, b = loaded.view, relisted.view
        pods = b.list("Pod", "default")  # not kube-system's and kube-flannel's
        # 2 nodes of 2 cpu hold 2 pods of 1 cpu beside flannel's and CoreDNS's 100m each
        assert len(pods) == 5 and len(b.unscheduled_pods()) == 3
        assert a.get("Pod", "default", pods[0]["metadata"]["name"]) == pods[0]
        assert sum(o.__class__ is not bytes for o in a._objects.values()) == 1  # only what was read
        for node in ("node-1", "node-2"):
            assert a.node_usage(node) == b.node_usage(node)
            assert a.min_priority(node) == b.min_priority(node)
            assert a.pods_on_node(node) == b.pods_on_node(node)
            assert a.nominated_pods(node) == b.nominated_pods(node)
        assert a.lowest_priority() == b.lowest_priority() == 7
        assert a.unscheduled_pods() == b.unscheduled_pods() and a.unschedulable_pods() == b.unschedulable_pods()
        for kind, name in (("ConfigMap", "conf"), ("Secret", "tok")):
            assert a.pods_referencing(kind, "default", name) == b.pods_referencing(kind, "default", name)
            assert len(a.pods_referencing(kind, "default", name)) == 5
        rs = b.list("ReplicaSet", "default")[0]
        assert a.owned_by(rs["metadata"]["uid"]) == b.owned_by(rs["metadata"]["uid"]) == pods
        assert a.by_uid(pods[1]["metadata"]["uid"]) == pods[1]
        assert a.select("Pod", "default", selectors.parse("app=web")) == pods
        assert a.services_selecting("default", {"app": "web"}) == b.services_selecting("default", {"app": "web"})
        bound = next(p["metadata"]["uid"] for p in pods if p["spec"].get("nodeName"))
        assert [s["metadata"]["name"] for s in a.slices_of_pod(bound)] == \
            [s["metadata"]["name"] for s in b.slices_of_pod(bound)] != []
        assert a.orphans("Pod", "default") == b.orphans("Pod", "default") == []
        assert a.namespaces_objects("default") == b.namespaces_objects("default")
        assert cached(loaded) == cached(relisted)
        # What a replayed change does to a restored view, it does as to a relisted one.
        gone = next(p for p in pods if p["spec"].get("nodeName"))
        node = gone["spec"]["nodeName"]
        before = a.node_usage(node)
        for view in (a, b):
            view.discard(Key("Pod", "default", gone["metadata"]["name"]))
        assert a.node_usage(node) == b.node_usage(node) != before and a.pods_on_node(node) == b.pods_on_node(node)
        kept = [p for p in pods if p is not gone]
        assert a.owned_by(rs["metadata"]["uid"]) == kept
        again = MemoryView.restore(a.pieces(snapshot_encode, size=2), marshal.loads)
        assert again.list("Pod", "default") == kept and again.node_usage(node) == b.node_usage(node)

    def test_a_snapshot_older_than_the_compaction_point_is_not_used(self, api, monkeypatch):
        monkeypatch.setattr(controlplane, "SNAPSHOT_SMALL", 0)
        first = plane(api)
        first.save_snapshot()
        apply(api, WEB)
        embedded.settle(api)
        api.store.compact(history=0, min_age=0)
        assert plane(api).loaded["listed"] > 0

    def test_a_snapshot_in_many_chunks_restores_as_a_relist_builds(self, api, monkeypatch):
        monkeypatch.setattr(controlplane, "SNAPSHOT_SMALL", 0)
        monkeypatch.setattr(views, "SNAPSHOT_CHUNK", 3)
        apply(api, WEB)
        embedded.settle(api)
        plane(api).save_snapshot()
        assert chunk_rows(api) > 10
        loaded = plane(api)
        assert loaded.loaded["snapshot"] > 0 and loaded.loaded["listed"] == 0
        api.store.save_snapshot(0, "other-format", [])
        relisted = plane(api)
        assert relisted.loaded["listed"] > 0 and cached(loaded) == cached(relisted)
        assert MemoryView.restore(loaded.view.pieces(snapshot_encode), marshal.loads).all_objects() == \
            loaded.view.all_objects()

    @pytest.mark.parametrize("tear", [
        "DELETE FROM snapshot_chunk WHERE seq = 1",  # a chunk missing
        "DELETE FROM snapshot_chunk WHERE seq = (SELECT max(seq) FROM snapshot_chunk)",  # the end missing
        "UPDATE snapshot SET chunks = chunks + 1",  # the header counts one more
        "UPDATE snapshot SET chunks = chunks - 1",  # one fewer: no end
        "UPDATE snapshot SET checksum = checksum + 1",
        "UPDATE snapshot_chunk SET body = (SELECT body FROM snapshot_chunk WHERE seq = 1) WHERE seq = 2",
        "UPDATE snapshot SET format = format || 'x'",  # an unknown format
    ])
    def test_a_torn_snapshot_is_not_trusted_the_cache_is_relisted(self, api, monkeypatch, tear):
        monkeypatch.setattr(controlplane, "SNAPSHOT_SMALL", 0)
        monkeypatch.setattr(views, "SNAPSHOT_CHUNK", 3)
        apply(api, WEB)
        embedded.settle(api)
        plane(api).save_snapshot()
        whole = plane(api)
        assert whole.loaded["snapshot"] > 0
        with api.store.write() as writer:
            writer._q(tear)
        torn = plane(api)
        assert torn.loaded["snapshot"] == 0 and torn.loaded["listed"] > 0
        assert cached(torn) == cached(whole) and torn.cursor == whole.cursor

    def test_events_are_not_cached(self, api):
        apply(api, WEB)
        embedded.settle(api)
        with api.read() as tx:
            assert tx.list("Event").items
        assert not [o for o in plane(api).view.all_objects() if o["kind"] == "Event"]


class TestEventsAcrossControlPlanes:
    def test_a_repeated_event_is_bumped_not_duplicated(self, api):
        # 4 pods do not fit (flannel's and CoreDNS's 100m each leave one 1-CPU pod per 2-CPU node): FailedScheduling
        apply(api, {**WEB, "spec": {**WEB["spec"], "replicas": 6}})
        embedded.settle(api)

        def failed() -> dict:
            with api.read() as tx:
                return {e["metadata"]["name"]: e["count"] for e in tx.list("Event").items
                        if e["reason"] == "FailedScheduling"}
        before = failed()
        embedded.advance(api, 301.0)  # the flush: one more attempt each, by another control plane
        assert len(before) == 4
        assert failed() == {name: count + 1 for name, count in before.items()}

    def test_the_events_of_an_older_object_are_read_once_per_object(self, api, monkeypatch):
        from litekube.model import events
        from litekube.runtime.executing import EventIndex
        from litekube.store import objects
        rs = {"kind": "ReplicaSet", "namespace": "default", "name": "web-1", "uid": "u1", "apiVersion": "apps/v1"}
        namesake = {**rs, "kind": "Deployment", "uid": "u2"}  # another kind's object of the same name
        with api.write() as tx:
            recorded = {message: tx.record_event(rs, "Normal", "SuccessfulCreate", message, "replicaset-controller")
                        for message in ("Created pod: a", "Created pod: b")}
            tx.record_event(namesake, "Normal", "ScalingReplicaSet", "Created pod: a", "deployment-controller")
        reads = []
        monkeypatch.setattr(objects.Reader, "list_prefix",
                            lambda self, *a, _real=objects.Reader.list_prefix: reads.append(a) or _real(self, *a))
        index = EventIndex()

        def find(involved: dict, message: str, component: str = "replicaset-controller") -> str | None:
            key = events.aggregation_key(involved, "Normal", "SuccessfulCreate", message, component)
            with api.read() as tx:
                found = index.find(tx, key, involved)
            return None if found is None else found["metadata"]["name"]
        assert find(rs, "Created pod: b") == recorded["Created pod: b"]["metadata"]["name"]
        assert find(rs, "Created pod: a") == recorded["Created pod: a"]["metadata"]["name"]
        assert find(rs, "Created pod: c") is None
        assert find(rs, "Created pod: a", "another-controller") is None
        assert find({**rs, "uid": "u3"}, "Created pod: a") is None  # a namesake that replaced it
        assert find(namesake, "Created pod: a") is None  # its event has another reason
        assert reads == [("Event", "default", "web-1.")]

    def test_the_first_lookups_are_single_queries_then_one_read(self, api, monkeypatch):
        """A command that records an event or two about a ReplicaSet with many Events decodes none of
        them: SINGLE_LOOKUPS queries compared in SQL, and only the lookup after those reads them all."""
        from litekube.model import events
        from litekube.runtime import executing
        from litekube.store import objects
        rs = {"kind": "ReplicaSet", "namespace": "default", "name": "web-1", "uid": "u1", "apiVersion": "apps/v1"}
        with api.write() as tx:
            recorded = {message: tx.record_event(rs, "Normal", "SuccessfulCreate", message, "replicaset-controller")
                        for message in ("Created pod: a", "Created pod: b")}
        calls = []
        monkeypatch.setattr(objects.Reader, "list_prefix",
                            lambda self, *a, _real=objects.Reader.list_prefix: calls.append("read") or _real(self, *a))
        monkeypatch.setattr(objects.Reader, "find_event",
                            lambda self, *a, _real=objects.Reader.find_event: calls.append("query") or _real(self, *a))
        index = executing.EventIndex()

        def find(message: str, uid: str = "u1") -> str | None:
            involved = {**rs, "uid": uid}
            key = events.aggregation_key(involved, "Normal", "SuccessfulCreate", message, "replicaset-controller")
            with api.read() as tx:
                found = index.find(tx, key, involved)
            return None if found is None else found["metadata"]["name"]
        asked = ["Created pod: b", "Created pod: c", "Created pod: a", "Created pod: d", "Created pod: b",
                 "Created pod: a", "Created pod: e"]
        answers = [find(m) for m in asked]
        assert answers == [recorded.get(m, {}).get("metadata", {}).get("name") for m in asked]
        assert executing.SINGLE_LOOKUPS == 4
        assert calls == ["query"] * 4 + ["read"]  # the fifth lookup reads them all; the rest ask nothing
        assert find("Created pod: a", uid="u3") is None  # a namesake that replaced it: from what was read
        assert calls == ["query"] * 4 + ["read"]


class TestParking:
    def test_an_unschedulable_pod_costs_nothing_until_something_changes(self, api):
        apply(api, {**WEB, "spec": {**WEB["spec"], "replicas": 6}})
        embedded.settle(api)
        p = plane(api)
        parked = [i for i in p.parked if i.component == "scheduler"]
        assert len(parked) == 4  # restored from the saved state (one web pod fits each node beside the system pods)
        p.settle()
        assert p.settle().steps == 0
        with api.write() as tx:
            tx.create(nodes.node_manifest("node-3", nodes.Shape(cpu="2"), 2))
        report = embedded.settle(api)
        assert report is not None and report.settled
        with api.read() as tx:
            pods = tx.list("Pod", "default").items
        assert sorted({p["spec"]["nodeName"] for p in pods if p["spec"].get("nodeName")}) == [
            "node-1", "node-2", "node-3"]
