"""The EndpointSlice reconciler as pure functions: upstream reconciler_test.go's packing cases."""
from __future__ import annotations

from litekube.reconcile.base import Create, Delete, Key, Update
from litekube.reconcile.endpointslice import controller, endpoints
from litekube.reconcile.views import MemoryView

SVC = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "foo", "namespace": "default", "uid": "svc-uid",
                                                            "creationTimestamp": "2024-01-01T00:00:00Z"},
       "spec": {"selector": {"app": "foo"}, "ports": [{"name": "", "port": 80, "targetPort": 80, "protocol": "TCP"}]}}
NODE = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1",
                                                        "labels": {"topology.kubernetes.io/zone": "zone-a"}}}


def pod(i: int, ready: bool = True, deleting: bool = False) -> dict:
    meta = {"name": f"pod{i:03d}", "namespace": "default", "uid": f"uid-{i}", "labels": {"app": "foo"}}
    if deleting:
        meta["deletionTimestamp"] = "2024-01-01T00:01:00Z"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": {"nodeName": "node-1"},
            "status": {"podIP": f"10.0.{i // 250}.{i % 250 + 1}", "phase": "Running",
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def run(objects):
    view = MemoryView(objects)
    return controller.reconcile(Key("Service", "default", "foo"), view, 0.0).actions


def test_no_pods_gives_one_placeholder_slice():
    actions = run([SVC, NODE])
    assert len(actions) == 1 and isinstance(actions[0], Create)
    assert actions[0].obj["endpoints"] == [] and actions[0].obj["ports"] == []


def test_250_pods_pack_into_100_100_50():
    actions = run([SVC, NODE] + [pod(i) for i in range(250)])
    assert [len(a.obj["endpoints"]) for a in actions] == [100, 100, 50]
    first = actions[0].obj
    assert first["metadata"]["generateName"] == "foo-"
    assert first["metadata"]["labels"] == {"kubernetes.io/service-name": "foo",
                                           "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}
    ep = first["endpoints"][0]
    assert ep["conditions"] == {"ready": True, "serving": True, "terminating": False}
    assert ep["zone"] == "zone-a" and ep["nodeName"] == "node-1" and ep["targetRef"]["name"] == "pod000"
    assert first["ports"] == [{"name": "", "port": 80, "protocol": "TCP"}]


def slice_of(name: str, pods: list[dict]) -> dict:
    obj = controller.reconcile_slices(SVC, pods, [], MemoryView([NODE]), "t")[0][0]
    obj["metadata"]["name"] = name
    obj["metadata"]["uid"] = f"{name}-uid"
    return obj


def test_removed_endpoints_update_and_an_emptied_slice_is_deleted():
    a = slice_of("foo-a", [pod(i) for i in range(100)])
    b = slice_of("foo-b", [pod(i) for i in range(100, 110)])
    actions = run([SVC, NODE, a, b] + [pod(i) for i in range(50)])
    assert [type(x).__name__ for x in actions] == ["Update", "Delete"]
    assert len(actions[0].obj["endpoints"]) == 50 and actions[1].name == "foo-b"


def test_new_endpoints_fill_the_slice_being_updated_then_the_unchanged_one_closest_to_full():
    a = slice_of("foo-a", [pod(i) for i in range(90)])
    b = slice_of("foo-b", [pod(i) for i in range(100, 195)])
    # one pod of a goes, 3 new come: a is updated and takes them (fullest updated slice first)
    pods = [pod(i) for i in range(1, 90)] + [pod(i) for i in range(100, 195)] + [pod(i) for i in range(300, 303)]
    actions = run([SVC, NODE, a, b] + pods)
    assert len(actions) == 1 and isinstance(actions[0], Update) and actions[0].obj["metadata"]["name"] == "foo-a"
    assert len(actions[0].obj["endpoints"]) == 92
    # only additions: they go to the unchanged slice closest to full that can hold them all
    actions = run([SVC, NODE, a, b] + [pod(i) for i in range(90)] + [pod(i) for i in range(100, 195)]
                  + [pod(i) for i in range(300, 305)])
    assert [(type(x).__name__, x.obj["metadata"]["name"], len(x.obj["endpoints"])) for x in actions] == \
        [("Update", "foo-b", 100)]


def test_conditions_of_terminating_and_unready_pods_and_publish_not_ready():
    actions = run([SVC, NODE, pod(1, ready=False), pod(2, deleting=True)])
    conds = [e["conditions"] for e in actions[0].obj["endpoints"]]
    assert conds == [{"ready": False, "serving": False, "terminating": False},
                     {"ready": False, "serving": True, "terminating": True}]
    publish = {**SVC, "spec": {**SVC["spec"], "publishNotReadyAddresses": True}}
    view = MemoryView([publish, NODE, pod(1, ready=False)])
    out = controller.reconcile(Key("Service", "default", "foo"), view, 0.0).actions
    assert out[0].obj["endpoints"][0]["conditions"]["ready"] is True


def test_named_target_port_resolved_per_pod():
    svc = {**SVC, "spec": {**SVC["spec"], "ports": [{"name": "", "port": 80, "targetPort": "http", "protocol": "TCP"}]}}
    p1, p2 = pod(1), pod(2)
    p1["spec"]["containers"] = [{"name": "c", "ports": [{"name": "http", "containerPort": 8080}]}]
    p2["spec"]["containers"] = [{"name": "c", "ports": [{"name": "http", "containerPort": 9090}]}]
    out = controller.reconcile(Key("Service", "default", "foo"), MemoryView([svc, NODE, p1, p2]), 0.0).actions
    assert sorted(a.obj["ports"][0]["port"] for a in out) == [8080, 9090]


def test_legacy_endpoints_addresses_and_not_ready():
    out = endpoints.reconcile(Key("Service", "default", "foo"),
                              MemoryView([SVC, NODE, pod(2), pod(1, ready=False)]), 0.0).actions
    subset = out[0].obj["subsets"][0]
    assert [a["ip"] for a in subset["addresses"]] == ["10.0.0.3"]
    assert [a["ip"] for a in subset["notReadyAddresses"]] == ["10.0.0.2"]
    assert subset["ports"] == [{"port": 80, "protocol": "TCP"}]
    assert "endpoints.kubernetes.io/last-change-trigger-time" in out[0].obj["metadata"]["annotations"]
    gone = endpoints.reconcile(Key("Service", "default", "foo"),
                               MemoryView([{**out[0].obj, "metadata": {**out[0].obj["metadata"], "uid": "e"}}]), 0.0)
    assert isinstance(gone.actions[0], Delete)
