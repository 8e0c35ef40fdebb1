"""The web view's scene: nodes hold their pods, trees follow owners, Services list their endpoints."""
from __future__ import annotations

from litekube.model.pictures import scenes
from litekube.reconcile.views import MemoryView
from tests.model import pictures_fixtures as fx
from tests.model.test_pictures_graphs import cluster


def view(*extra):
    nodes, objects = cluster()
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": fx.meta("demo", None)}
    return MemoryView([*nodes, *objects, ns, *extra])


def test_nodes_hold_their_pods_with_state_owner_and_hash():
    scene = scenes.scene(view(), "demo")
    assert [(n["name"], n["state"], n["down"], [p["name"] for p in n["pods"]]) for n in scene["nodes"]] == [
        ("node-1", "unknown", True, ["web-aaaa-1"]), ("node-2", "ready", False, ["web-aaaa-2"])]
    pod = scene["nodes"][1]["pods"][0]
    assert pod == {"namespace": "demo", "name": "web-aaaa-2", "state": "running", "color": "#f2c94c",
                   "status": "Running", "ready": "0/1", "restarts": 0, "ip": "10.244.1.5", "node": "node-2",
                   "owner": "ReplicaSet/web-aaaa", "hash": "aaaa"}
    assert [p["name"] for p in scene["unscheduled"]] == ["web-aaaa-3"]
    assert scene["counts"] == {"pending": 1, "ready": 1, "running": 1}
    assert scene["namespaces"] == ["demo"]


def test_workloads_are_trees_down_their_owners():
    scene = scenes.scene(view(), "demo")
    [deployment] = scene["workloads"]

    def shape(entry):
        return (entry["kind"], entry["name"], [shape(c) for c in entry["children"]])

    assert shape(deployment) == ("Deployment", "web", [("ReplicaSet", "web-aaaa", [
        ("Pod", "web-aaaa-1", []), ("Pod", "web-aaaa-2", []), ("Pod", "web-aaaa-3", [])])])
    assert deployment["summary"] == "2/2 ready, 2 up-to-date, 2 available"


def test_an_object_whose_controller_is_gone_is_a_root():
    orphan = fx.pod("stray", owner=fx.replicaset(fx.deployment("old"), "zzzz"))
    roots = [(w["kind"], w["name"]) for w in scenes.scene(view(orphan), "demo")["workloads"]]
    assert roots == [("Deployment", "web"), ("Pod", "stray")]


def test_services_list_their_slices_endpoints():
    [svc] = scenes.scene(view(), "demo")["services"]
    assert svc["slices"] == ["web-abcde"] and svc["ports"] == "80/TCP"
    assert [(e["addresses"], e["pod"], e["ready"]) for e in svc["endpoints"]] == [
        (["10.244.0.5"], "web-aaaa-1", True), (["10.244.1.5"], "web-aaaa-2", False), (["192.168.9.9"], "", True)]


def test_ingress_rules():
    [ing] = scenes.scene(view(), "demo")["ingresses"]
    assert ing["rules"] == [{"host": "shop.example", "path": "/", "service": "web"},
                            {"host": "shop.example", "path": "/api", "service": "web"},
                            {"host": "*", "path": "/x", "service": "gone"}]


def test_another_namespace_is_left_out_but_nodes_stay():
    other = fx.pod("db-0", namespace="data", node="node-2")
    scene = scenes.scene(view(other), "demo")
    assert all(p["namespace"] == "demo" for n in scene["nodes"] for p in n["pods"])
    everything = scenes.scene(view(other), None)
    assert "db-0" in [p["name"] for n in everything["nodes"] for p in n["pods"]]


def test_a_statefulset_owns_its_revisions_and_pods():
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": fx.meta("db"), "spec": {"replicas": 1},
           "status": {"readyReplicas": 1}}
    revision = {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": fx.meta("db-7d9f", owner=sts),
                "revision": 1}
    pod = fx.pod("db-0", owner=sts)
    [root] = [w for w in scenes.scene(view(sts, revision, pod), "demo")["workloads"] if w["kind"] == "StatefulSet"]
    assert [(c["kind"], c["name"], c["summary"]) for c in root["children"]] == [
        ("ControllerRevision", "db-7d9f", "revision 1"), ("Pod", "db-0", "Running 1/1")]
    assert root["summary"] == "1/1 ready"
