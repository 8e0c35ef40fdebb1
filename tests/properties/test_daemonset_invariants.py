"""Property: a DaemonSet never has two pods on one node (one old and one new at most, with maxSurge).

Hypothesis draws a DaemonSet (maxUnavailable, maxSurge, a nodeSelector or
none) and a few operations on its nodes: add one (with or without the
selected label), remove one (its pods go with it, as the pod GC takes
them), taint one NoSchedule or NoExecute, untaint it, roll the template,
make the new pods come up unready or ready. The controller is run pass by
pass (tests/reconcile/daemonset_fixtures.Cluster carries out its actions),
and after every pass:

- no node runs two active pods of the DaemonSet without surge; with surge,
  at most one pod of the current revision and one older;
and once it settles, every node that should run a pod runs exactly one, and
no node whose taints or labels exclude it keeps one (NoSchedule taints keep
a running pod, as upstream).
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litekube.model import values
from litekube.reconcile.base import Key
from litekube.reconcile.daemonset import util
from tests.reconcile.daemonset_fixtures import KEY, Cluster, current_hash, new_daemon_set, new_node

OPERATION = st.one_of(
    st.tuples(st.just("add"), st.booleans()),
    st.tuples(st.just("remove"), st.integers(0, 9)),
    st.tuples(st.just("taint"), st.integers(0, 9), st.sampled_from(["NoSchedule", "NoExecute"])),
    st.tuples(st.just("untaint"), st.integers(0, 9)),
    st.tuples(st.just("roll"), st.integers(0, 3)),
    st.tuples(st.just("ready"), st.booleans()),
)
DAEMON_SET = st.fixed_dictionaries({
    "unavailable": st.sampled_from([0, 1, 2, "50%"]),
    "surge": st.sampled_from([0, 1, "50%"]),
    "selector": st.booleans(),
})


def check(cluster: Cluster, surge: bool) -> None:
    hash_ = None
    per_node: dict[str, list[dict]] = {}
    for pod in cluster.pods():
        if not pod["metadata"].get("deletionTimestamp"):
            per_node.setdefault(pod["spec"]["nodeName"], []).append(pod)
    ds = cluster.ds()
    crs = cluster.view.list("ControllerRevision", "default")
    if crs:
        hash_ = max(crs, key=lambda cr: cr["revision"])["metadata"]["labels"][util.HASH_LABEL]
    for node, pods in per_node.items():
        if not surge:
            assert len(pods) <= 1, f"two pods on {node}: {[p['metadata']['name'] for p in pods]}"
        else:
            new = [p for p in pods if p["metadata"]["labels"].get(util.HASH_LABEL) == hash_]
            assert len(new) <= 1 and len(pods) - len(new) <= 1, f"too many pods on {node}"
    assert ds is not None


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=DAEMON_SET, operations=st.lists(OPERATION, max_size=8))
def test_a_daemon_set_never_has_two_pods_on_one_node(spec, operations):
    unavailable, surge = spec["unavailable"], spec["surge"]
    if unavailable == 0 and surge == 0:
        unavailable = 1
    ds = new_daemon_set(max_unavailable=unavailable, max_surge=surge,
                        node_selector={"role": "agent"} if spec["selector"] else None)
    cluster = Cluster([ds, new_node("n0", {"role": "agent"}), new_node("n1", {"role": "agent"}), new_node("n2")])
    surging = util.allows_surge(ds)
    serial = 3

    def run() -> None:
        for _ in range(60):
            result = cluster.sync()
            check(cluster, surging)
            if not [a for a in result.actions if type(a).__name__ not in ("RecordEvent",)]:
                return
        raise AssertionError("did not settle")

    run()
    for op in operations:
        names = sorted(n["metadata"]["name"] for n in cluster.view.list("Node"))
        if op[0] == "add":
            cluster.put(new_node(f"n{serial}", {"role": "agent"} if op[1] else {}))
            serial += 1
        elif op[0] == "remove" and names:
            name = names[op[1] % len(names)]
            cluster.view.discard(Key("Node", "", name))
            for pod in cluster.pods():
                if pod["spec"]["nodeName"] == name:
                    cluster.view.discard(Key("Pod", "default", pod["metadata"]["name"]))
        elif op[0] in ("taint", "untaint") and names:
            node = values.clone(cluster.view.get("Node", "", names[op[1] % len(names)]))
            node["spec"] = {"taints": [{"key": "dedicated", "effect": op[2]}]} if op[0] == "taint" else {}
            cluster.put(node)
        elif op[0] == "roll":
            current = values.clone(cluster.ds())
            current["spec"]["template"]["spec"]["containers"][0]["image"] = f"foo/bar:{op[1]}"
            current["metadata"]["generation"] += 1
            current["metadata"]["annotations"][util.TEMPLATE_GENERATION] = str(current["metadata"]["generation"])
            cluster.put(current)
        elif op[0] == "ready":
            cluster.ready = op[1]
            cluster.set_ready(op[1])
        run()
    # Settled: every node that should run a pod runs one; none that must not keep one does.
    ds = cluster.ds()
    counts = cluster.pods_per_node()
    for node in cluster.view.list("Node"):
        should, keep = util.should_run(node, ds)
        name = node["metadata"]["name"]
        if should:
            assert counts.get(name, 0) >= 1, f"{name} should run a daemon pod"
        if not keep:
            assert counts.get(name, 0) == 0, f"{name} keeps a daemon pod it must not run"
    assert current_hash  # the fixtures' hash helper is the controller's
