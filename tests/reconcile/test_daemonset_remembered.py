"""The DaemonSet controller's remembered per-node answers give the same pass as the walk over every node.

Hypothesis drives one view through random changes (nodes added, removed,
tainted and relabelled, pods failing, finishing, going unready, deleted,
duplicated, released and orphaned, the template changed with and without a
new generation, the clock moved) and passes that carry out the controller's actions. Before every change, the
pass from the remembered answers (kept on that view across the whole run) is
compared with the walk's, action for action.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litekube.model import values
from litekube.reconcile.base import Key
from litekube.reconcile.daemonset import controller as daemonset
from litekube.reconcile.daemonset import incremental

from .daemonset_fixtures import KEY, NOW, Cluster, new_daemon_set, new_node, new_pod

NO_EXECUTE = {"key": "k", "value": "v", "effect": "NoExecute"}
NO_SCHEDULE = {"key": "k", "value": "v", "effect": "NoSchedule"}

OPS = st.sampled_from(["sync", "sync", "sync", "add_node", "remove_node", "taint_execute", "taint_schedule",
                       "untaint", "label", "unlabel", "fail", "succeed", "unready", "ready", "delete_pod",
                       "deleting", "duplicate", "orphan", "release", "template", "respec", "tick", "unbound"])


def walk(view, now):
    daemonset.FAST = False
    try:
        return daemonset.reconcile(KEY, view, now)
    finally:
        daemonset.FAST = True


def remembered(view, now):
    return daemonset.reconcile(KEY, view, now)


def _pick(items, index):
    return items[index % len(items)] if items else None


def _change(cluster: Cluster, op: str, index: int) -> None:
    view = cluster.view
    nodes = view.list("Node")
    pods = cluster.pods()
    node, pod = _pick(nodes, index), _pick(pods, index)
    if op == "add_node":
        cluster.serial += 1
        view.put(new_node(f"node-{cluster.serial:03d}", labels={"pick": "yes"} if index % 2 else {}))
    elif op == "remove_node" and node is not None:
        view.discard(Key("Node", "", node["metadata"]["name"]))
    elif op in ("taint_execute", "taint_schedule", "untaint", "label", "unlabel") and node is not None:
        node = values.clone(node)
        if op == "untaint":
            node["spec"].pop("taints", None)
        elif op.startswith("taint"):
            node["spec"]["taints"] = [NO_EXECUTE if op == "taint_execute" else NO_SCHEDULE]
        else:
            node["metadata"]["labels"] = {"pick": "yes"} if op == "label" else {}
        view.put(node)
    elif op in ("fail", "succeed", "unready", "ready", "deleting", "release", "unbound") and pod is not None:
        pod = values.clone(pod)
        if op in ("fail", "succeed"):
            pod["status"]["phase"] = "Failed" if op == "fail" else "Succeeded"
        elif op in ("unready", "ready"):
            pod["status"]["conditions"][0]["status"] = "True" if op == "ready" else "False"
        elif op == "deleting":
            pod["metadata"]["deletionTimestamp"] = "2027-01-15T08:00:00Z"
        elif op == "release":
            pod["metadata"]["labels"] = {"other": "x"}
        else:
            pod["spec"].pop("nodeName", None)
        view.put(pod)
    elif op == "delete_pod" and pod is not None:
        view.discard(Key("Pod", "default", pod["metadata"]["name"]))
    elif op in ("duplicate", "orphan") and node is not None:
        cluster.serial += 1
        ds = cluster.ds()
        extra = new_pod(f"extra-{cluster.serial:03d}", node["metadata"]["name"], ds if op == "duplicate" else None,
                        created=cluster.now - index)
        view.put(extra)
    elif op == "template":
        ds = values.clone(cluster.ds())
        ds["spec"]["template"]["spec"]["containers"][0]["image"] = f"foo/bar:{index % 3}"
        generation = ds["metadata"]["generation"] + 1
        ds["metadata"]["generation"] = generation
        ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"] = str(generation)
        view.put(ds)
    elif op == "respec":  # the spec changed, the generation not (a view may be handed any object)
        ds = values.clone(cluster.ds())
        spec = ds["spec"]["template"]["spec"]
        if spec.pop("nodeSelector", None) is None:
            spec["nodeSelector"] = {"pick": "yes"}
        view.put(ds)
    elif op == "tick":
        cluster.now += (1, 3, 20, 2000)[index % 4]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(variant=st.sampled_from(["plain", "selector", "surge", "ondelete", "unavailable2", "min_ready", "surge_min_ready",
                                "surge_percent", "unavailable_percent", "both"]),
       nodes=st.integers(0, 6), ops=st.lists(st.tuples(OPS, st.integers(0, 50)), max_size=40))
def test_remembered_pass_equals_the_walk(variant, nodes, ops):
    # "template" starts a rolling update, "tick" (1, 3, 20 or 2000 s) moves minReadySeconds across its edge
    kwargs = {"plain": {}, "selector": {"node_selector": {"pick": "yes"}},
              "surge": {"max_surge": 1, "max_unavailable": 0}, "ondelete": {"strategy": "OnDelete"},
              "unavailable2": {"max_unavailable": 2}, "min_ready": {"min_ready": 10},
              "surge_min_ready": {"max_surge": 2, "max_unavailable": 0, "min_ready": 10},
              "surge_percent": {"max_surge": "30%", "max_unavailable": 0},
              "unavailable_percent": {"max_unavailable": "40%"},
              "both": {"max_surge": "20%", "max_unavailable": "20%"}}[variant]
    ds = new_daemon_set(**kwargs)
    cluster = Cluster([ds] + [new_node(f"node-{i}", labels={"pick": "yes"} if i % 2 else {}) for i in range(nodes)])
    cluster.serial = 100
    for op, index in ops:
        want, got = walk(cluster.view, cluster.now), remembered(cluster.view, cluster.now)
        assert got == want, (op, index)
        if op == "sync":
            cluster.apply(got.actions)
        else:
            _change(cluster, op, index)
    assert remembered(cluster.view, cluster.now) == walk(cluster.view, cluster.now)


def test_a_pass_after_one_pod_changes_visits_one_node():
    cluster = Cluster([new_daemon_set()] + [new_node(f"node-{i:03d}") for i in range(200)])
    cluster.settle()
    pod = values.clone(cluster.pods()[17])
    pod["status"]["conditions"][0]["status"] = "False"
    cluster.put(pod)
    want = walk(cluster.view, cluster.now)
    before = incremental.VISITS["nodes"]
    assert cluster.sync() == want
    assert incremental.VISITS["nodes"] - before == 1
    status = cluster.ds()["status"]
    assert (status["numberReady"], status["numberAvailable"], status["numberUnavailable"]) == (199, 199, 1)


@pytest.mark.parametrize("failed_nodes", [1, 3])
def test_nodes_with_failed_pods_are_visited_every_pass_in_name_order(failed_nodes):
    cluster = Cluster([new_daemon_set()] + [new_node(f"node-{i:03d}") for i in range(20)])
    cluster.settle()
    for pod in cluster.pods()[:failed_nodes]:
        pod = values.clone(pod)
        pod["status"]["phase"] = "Failed"
        cluster.put(pod)
    want = walk(cluster.view, NOW)
    got = remembered(cluster.view, NOW)
    assert got == want
    warnings = [a.message for a in got.actions if getattr(a, "reason", "") == "FailedDaemonPod"]
    assert len(warnings) == failed_nodes and warnings == sorted(warnings)
    before = incremental.VISITS["nodes"]
    remembered(cluster.view, NOW)
    assert incremental.VISITS["nodes"] - before == failed_nodes
