"""The DaemonSet's rolling update from the remembered per-node answers: its budgets, its cost, its state.

- A table of maxUnavailable/maxSurge cases (ints and percentages, both
  rounded up as upstream's SurgeCount and UnavailableCount; both 0 means 1
  unavailable): every pass of the rollout deletes and creates exactly the
  pods the table says, and the same as the walk over every node.
- The node answers a pass computes do not grow with the cluster (200 and
  800 nodes) when one node's pod changes in a rolling update.
- Hypothesis: after random node and pod changes, the remembered sums, marks
  and per-node answers equal those recomputed from scratch.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litekube.model import values
from litekube.reconcile.base import Create, Delete
from litekube.reconcile.daemonset import incremental

from .daemonset_fixtures import KEY, NOW, Cluster, new_daemon_set, new_node, new_pod, ts
from .test_daemonset_remembered import OPS, _change, remembered, walk


def _rolled(n: int, *, max_unavailable=1, max_surge=0, min_ready: int = 0, unready=(), surged=()) -> Cluster:
    """n nodes (node-00 ...), each with an available pod of the old template; the DaemonSet already at a
    new template. `unready`: nodes whose old pod is not Ready; `surged`: nodes that also have a new pod,
    not Ready."""
    ds = new_daemon_set(max_unavailable=max_unavailable, max_surge=max_surge, min_ready=min_ready, image="foo/bar:v2",
                        generation=2)
    objects = [ds]
    for i in range(n):
        node = f"node-{i:02d}"
        objects.append(new_node(node))
        objects.append(new_pod(f"old-{node}", node, ds, hash_="oldhash", ready=node not in unready))
        if node in surged:
            objects.append(new_pod(f"new-{node}", node, ds, ready=False, created=NOW - 60))
    return Cluster(objects)


def _pass(cluster: Cluster) -> tuple[list[str], list[str]]:
    """One pass, checked against the walk and carried out: (pods deleted, nodes a pod is created on)."""
    want = walk(cluster.view, cluster.now)
    got = remembered(cluster.view, cluster.now)
    assert got == want
    cluster.apply(got.actions)
    deleted = [a.name for a in got.actions if isinstance(a, Delete) and a.kind == "Pod"]
    created = [a.obj["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
        "nodeSelectorTerms"][0]["matchFields"][0]["values"][0]
        for a in got.actions if isinstance(a, Create) and a.obj["kind"] == "Pod"]
    return deleted, created


def _expected(n: int, step: int, surge: bool) -> list[tuple[list[str], list[str]]]:
    """The rollout pass by pass with new pods Ready at once: without surge, delete `step` old pods then
    recreate them; with surge, create `step` new pods beside the old then delete those old ones."""
    names = [f"node-{i:02d}" for i in range(n)]
    passes = []
    for start in range(0, n, step):
        chunk = names[start:start + step]
        olds = [f"old-{name}" for name in chunk]
        passes += [([], chunk), (olds, [])] if surge else [(olds, []), ([], chunk)]
    return passes + [([], [])]


# (nodes, maxUnavailable, maxSurge, pods per step): percentages of the desired number, rounded up.
ROLLOUTS = [
    (10, 1, 0, 1),
    (10, 3, 0, 3),
    (10, "20%", 0, 2),  # exactly 2
    (10, "21%", 0, 3),  # 2.1 rounds up
    (10, "25%", 0, 3),
    (10, "1%", 0, 1),  # 0.1 rounds up
    (10, "100%", 0, 10),
    (7, "50%", 0, 4),
    (3, 5, 0, 3),  # more than the nodes
    (10, 0, 0, 1),  # both 0: one unavailable
    (10, "0%", "0%", 1),
    (10, 0, 1, 1),
    (10, 0, 3, 3),
    (10, 0, "20%", 2),
    (10, 0, "21%", 3),
    (10, 0, "1%", 1),
    (7, 0, "50%", 4),
    (10, 0, "100%", 10),
    (10, 4, 2, 2),  # with a surge, maxUnavailable is not read
]


@pytest.mark.parametrize("n,max_unavailable,max_surge,step", ROLLOUTS)
def test_rollout_pass_by_pass(n, max_unavailable, max_surge, step):
    cluster = _rolled(n, max_unavailable=max_unavailable, max_surge=max_surge)
    surge = max_surge not in (0, "0%")
    got = [_pass(cluster) for _ in range(len(_expected(n, step, surge)))]
    assert got == _expected(n, step, surge)
    assert {p["metadata"]["name"][:4] for p in cluster.pods()} == {"foo-"}
    status = cluster.ds()["status"]
    assert (status["updatedNumberScheduled"], status["numberAvailable"]) == (n, n)


# The first pass with some pods already unavailable: (maxUnavailable, maxSurge, old pods not Ready,
# nodes with a new pod not Ready beside the old, the pods deleted, the nodes created on).
FIRST_PASSES = [
    # an old pod not Ready is deleted whatever the budget, and counts against it
    (3, 0, ["node-05", "node-07"], [], ["old-node-05", "old-node-07", "old-node-00"], []),
    (3, 0, ["node-01", "node-05", "node-07"], [], ["old-node-01", "old-node-05", "old-node-07"], []),
    (3, 0, ["node-01", "node-02", "node-05", "node-07"], [],
     ["old-node-01", "old-node-02", "old-node-05", "old-node-07"], []),
    (2, 0, ["node-09"], [], ["old-node-09", "old-node-00"], []),
    ("30%", 0, ["node-09"], [], ["old-node-09", "old-node-00", "old-node-01"], []),
    # with a surge: an old pod not Ready gets its new pod at once; a new pod not Ready uses the budget
    (0, 2, [], ["node-04"], [], ["node-00"]),
    (0, 2, [], ["node-04", "node-06"], [], []),
    (0, 2, ["node-08"], ["node-04", "node-06"], [], ["node-08"]),
    (0, 3, ["node-08"], ["node-04"], [], ["node-08", "node-00", "node-01"]),
    (0, "20%", [], ["node-00"], [], ["node-01"]),
]


@pytest.mark.parametrize("max_unavailable,max_surge,unready,surged,deleted,created", FIRST_PASSES)
def test_first_pass_with_pods_unavailable(max_unavailable, max_surge, unready, surged, deleted, created):
    cluster = _rolled(10, max_unavailable=max_unavailable, max_surge=max_surge, unready=unready, surged=surged)
    assert _pass(cluster) == (deleted, created)


@pytest.mark.parametrize("surge", [False, True])
def test_min_ready_seconds_holds_the_next_step_back_until_just_after(surge):
    cluster = _rolled(4, max_unavailable=0 if surge else 1, max_surge=1 if surge else 0, min_ready=10)
    cluster.now = NOW
    first = _pass(cluster)
    if not surge:
        assert first == (["old-node-00"], [])
        assert _pass(cluster) == ([], ["node-00"])
    else:
        assert first == ([], ["node-00"])
    # the new pod came up Ready at NOW: available only once more than 10 s have passed
    for now in (NOW, NOW + 5, NOW + 10):
        cluster.now = now
        assert _pass(cluster) == ([], [])
    # the status's pod of node-00 is its oldest: the new one without surge (the pass asks to look again
    # just after it becomes available), the old one with surge (it does not: as the walk)
    result = remembered(cluster.view, cluster.now)
    assert result.requeue_after == (None if surge else pytest.approx(0.001))
    cluster.now = NOW + 11
    assert _pass(cluster) == ((["old-node-01"], []) if not surge else (["old-node-00"], []))


def _rollout_visits(n: int) -> list[int]:
    """Node answers per pass while a maxUnavailable=1 rollout on n nodes goes on (past its first passes)."""
    cluster = Cluster([new_daemon_set()] + [new_node(f"node-{i:04d}") for i in range(n)])
    cluster.settle()
    ds = values.clone(cluster.ds())
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "foo/bar:v2"
    ds["metadata"]["generation"] = 2
    ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"] = "2"
    cluster.put(ds)
    before = incremental.VISITS["nodes"]
    cluster.sync()  # the new template: every node once
    assert incremental.VISITS["nodes"] - before == n
    cluster.sync()
    visits = []
    for _ in range(8):
        before = incremental.VISITS["nodes"]
        result = cluster.sync()
        visits.append(incremental.VISITS["nodes"] - before)
        assert [a for a in result.actions if isinstance(a, (Create, Delete))]  # the rollout goes on
    return visits


def test_rollout_pass_visits_do_not_grow_with_the_nodes():
    small, large = _rollout_visits(200), _rollout_visits(800)
    assert small == large
    assert max(large) <= 1


def test_min_ready_pass_visits_only_the_nodes_whose_pods_become_available():
    cluster = Cluster([new_daemon_set(min_ready=30)] + [new_node(f"node-{i:03d}") for i in range(300)])
    cluster.settle()
    cluster.now = start = NOW + 100
    cluster.sync()  # every node once: its pod became available
    assert cluster.ds()["status"]["numberAvailable"] == 300
    pod = values.clone(cluster.pods()[40])
    pod["status"]["conditions"][0]["lastTransitionTime"] = ts(cluster.now)
    cluster.put(pod)
    cluster.sync()  # the changed pod's node, now waiting for minReadySeconds
    assert cluster.ds()["status"]["numberAvailable"] == 299
    for now, visits, available in ((29, 0, 299), (30, 0, 299), (31, 1, 300), (500, 0, 300)):
        cluster.now = start + now
        want = walk(cluster.view, cluster.now)
        before = incremental.VISITS["nodes"]
        assert cluster.sync() == want
        assert incremental.VISITS["nodes"] - before == visits, now
        assert cluster.ds()["status"]["numberAvailable"] == available


def test_a_pass_at_an_earlier_clock_starts_over():
    cluster = Cluster([new_daemon_set(min_ready=30)] + [new_node(f"node-{i}") for i in range(5)])
    cluster.now = NOW
    cluster.settle()
    cluster.now = NOW + 60
    cluster.sync()
    assert cluster.ds()["status"]["numberAvailable"] == 5
    rebuilds = incremental.VISITS["rebuilds"]
    earlier = remembered(cluster.view, NOW + 10)
    assert earlier == walk(cluster.view, NOW + 10)
    assert incremental.VISITS["rebuilds"] == rebuilds + 1
    status = next(a.obj["status"] for a in earlier.actions if a.obj.get("kind") == "DaemonSet")
    assert status.get("numberAvailable", 0) == 0 and status["numberReady"] == 5


def _snapshot(state: incremental.Tracked) -> dict:
    def answer(r: incremental.NodeResult) -> tuple:
        return (r.need, [p["metadata"]["name"] for p in r.delete], [p["metadata"]["name"] for p in r.gone_delete],
                r.counts, r.volatile, r.roll,
                {m: v if v is True else v["metadata"]["name"] for m, v in r.marks.items()}, r.expires, r.wait_at)

    return {"results": {name: answer(r) for name, r in state.results.items()}, "totals": list(state.totals),
            "roll": list(state.roll_totals), "marks": {m: list(s.names) for m, s in state.marks.items()},
            "needing": sorted(state.needing), "deleting": sorted(state.deleting), "volatile": sorted(state.volatile),
            "wait_at": state.first_wait_at(), "pods": dict(state.pod_node)}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(variant=st.sampled_from([{}, {"max_unavailable": "30%"}, {"max_surge": "25%", "max_unavailable": 0},
                                {"max_surge": 1, "max_unavailable": 0, "min_ready": 10}, {"min_ready": 10}]),
       nodes=st.integers(0, 6), ops=st.lists(st.tuples(OPS, st.integers(0, 50)), max_size=30))
def test_remembered_answers_equal_a_recomputation(variant, nodes, ops):
    cluster = Cluster([new_daemon_set(**variant)] + [new_node(f"node-{i}", labels={"pick": "yes"} if i % 2 else {})
                                                     for i in range(nodes)])
    cluster.serial = 100
    for op, index in ops:
        got = remembered(cluster.view, cluster.now)
        per_view = incremental._VIEWS[cluster.view]
        kept = per_view.by_key.get(KEY)
        if kept is not None:
            per_view.by_key[KEY] = incremental.Tracked(kept.uid)  # from scratch, on the same view and clock
            fresh = remembered(cluster.view, cluster.now)
            assert fresh == got
            assert _snapshot(per_view.by_key[KEY]) == _snapshot(kept)
            per_view.by_key[KEY] = kept
        if op == "sync":
            cluster.apply(got.actions)
        else:
            _change(cluster, op, index)

