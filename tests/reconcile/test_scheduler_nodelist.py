"""The scheduler's node list kept up to date from the view's Node changes, never rebuilt after its first sync.

Hypothesis drives one long-lived view through random node changes (added,
removed, tainted PreferNoSchedule or NoSchedule, cordoned, deleting) and
checks, after each, that the kept list equals one built from scratch, that a
list handed out earlier is unchanged, that positions and the prefer-taints
answer agree with the list, and that scheduling on the long-lived view
decides as on a fresh view of the same objects.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litekube.model import values
from litekube.reconcile.base import Key
from litekube.reconcile.scheduler import classes, nodeinfo, nodelist
from litekube.reconcile.scheduler import scheduling as scheduler
from litekube.reconcile.views import MemoryView

PREFER = {"key": "soft", "value": "x", "effect": "PreferNoSchedule"}
HARD = {"key": "hard", "value": "x", "effect": "NoSchedule"}


def node(name: str, taints: list | None = None, cpu: str = "4") -> dict:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": f"uid-{name}", "labels": {}},
            "spec": {"taints": taints} if taints else {},
            "status": {"allocatable": {"cpu": cpu, "memory": "16Gi", "pods": "110"}}}


def pod(name: str, cpu: str = "100m", pinned: list[str] | None = None) -> dict:
    spec: dict = {"containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": cpu}}}]}
    if pinned:
        spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": pinned}]}]}}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "uid": name},
            "spec": spec, "status": {"phase": "Pending"}}


def fresh(view: MemoryView) -> list:
    return [f for f in (nodeinfo.node_facts(n) for n in view.list("Node")) if not f.deleting]


def test_adds_removes_and_changes_rebuild_nothing():
    view = MemoryView([node(f"n{i:03d}") for i in range(0, 200, 2)])
    assert [f.name for f in scheduler._all_nodes(view)] == [f"n{i:03d}" for i in range(0, 200, 2)]
    rebuilds = nodelist.REBUILDS["nodes"]
    for i in range(1, 200, 2):  # every add lands between two kept nodes
        view.put(node(f"n{i:03d}"))
    assert [f.name for f in scheduler._all_nodes(view)] == [f"n{i:03d}" for i in range(200)]
    for i in range(0, 200, 3):
        view.discard(Key("Node", "", f"n{i:03d}"))
    tainted = values.clone(view.get("Node", "", "n005"))
    tainted["spec"]["taints"] = [PREFER]
    view.put(tainted)
    deleting = values.clone(view.get("Node", "", "n007"))
    deleting["metadata"]["deletionTimestamp"] = "2027-01-15T08:00:00Z"
    view.put(deleting)
    got = scheduler._all_nodes(view)
    assert got == fresh(view)
    assert "n007" not in [f.name for f in got] and "n006" not in [f.name for f in got]
    assert scheduler._any_prefer_taints(got, view)
    assert nodelist.REBUILDS["nodes"] == rebuilds


def test_a_list_handed_out_is_never_changed_and_unchanged_nodes_keep_the_list():
    view = MemoryView([node("a"), node("c")])
    first = scheduler._all_nodes(view)
    assert scheduler._all_nodes(view) is first  # nothing changed: the same list
    view.put(node("b"))
    second = scheduler._all_nodes(view)
    assert [f.name for f in first] == ["a", "c"] and [f.name for f in second] == ["a", "b", "c"]
    view.discard(Key("Node", "", "a"))
    assert [f.name for f in second] == ["a", "b", "c"]
    assert [f.name for f in scheduler._all_nodes(view)] == ["b", "c"]


def test_positions_of_the_kept_list():
    view = MemoryView([node(f"n{i}") for i in range(5)])
    nodes = scheduler._all_nodes(view)
    view.put(node("n25"))
    nodes = scheduler._all_nodes(view)
    position = scheduler._positions(nodes, view)
    assert [position[name] for name in ("n0", "n1", "n2", "n25", "n3", "n4")] == [0, 1, 2, 3, 4, 5]
    assert "n9" not in position and "n25" in position
    held = scheduler._positions(nodes)  # a list not known to be the view's: the memoized dict, the same answer
    assert held == {f.name: i for i, f in enumerate(nodes)}


class Unsubscribed:
    """A view without subscriptions: the memoized list, built again whenever a Node changes."""

    def __init__(self, view: MemoryView) -> None:
        self.view = view

    def list(self, kind, namespace=None):
        return self.view.list(kind, namespace)

    def generation(self, kind):
        return self.view.generation(kind)


def test_rebuilds_count_only_lists_built_again():
    view = MemoryView([node("a"), node("b")])
    plain = Unsubscribed(view)
    rebuilds = nodelist.REBUILDS["nodes"]
    scheduler._all_nodes(view)
    scheduler._all_nodes(plain)
    assert nodelist.REBUILDS["nodes"] == rebuilds  # first lists
    view.put(node("c"))
    assert [f.name for f in scheduler._all_nodes(plain)] == ["a", "b", "c"]
    assert nodelist.REBUILDS["nodes"] == rebuilds + 1
    assert [f.name for f in scheduler._all_nodes(view)] == ["a", "b", "c"]
    assert nodelist.REBUILDS["nodes"] == rebuilds + 1


OPS = st.lists(st.tuples(st.sampled_from(["add", "add", "remove", "prefer", "hard", "untaint", "deleting", "cpu",
                                          "schedule", "schedule_pinned"]), st.integers(0, 40)), max_size=40)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.integers(0, 12), ops=OPS)
def test_kept_list_equals_a_fresh_one_and_decides_the_same(start, ops):
    view = MemoryView([node(f"n{i * 3:03d}") for i in range(start)])
    scheduler._all_nodes(view)
    rebuilds = nodelist.REBUILDS["nodes"]
    held = []
    for step, (op, index) in enumerate(ops):
        names = [n["metadata"]["name"] for n in view.list("Node")]
        name = names[index % len(names)] if names else None
        if op == "add":
            view.put(node(f"n{index:03d}"))
        elif op == "remove" and name:
            view.discard(Key("Node", "", name))
        elif op in ("prefer", "hard", "untaint", "deleting", "cpu") and name:
            obj = values.clone(view.get("Node", "", name))
            if op == "deleting":
                obj["metadata"]["deletionTimestamp"] = "2027-01-15T08:00:00Z"
            elif op == "cpu":
                obj["status"]["allocatable"]["cpu"] = str(1 + index % 8)
            else:
                obj["spec"]["taints"] = {"prefer": [PREFER], "hard": [HARD], "untaint": []}[op]
            view.put(obj)
        elif op.startswith("schedule"):
            new = pod(f"p{step}", pinned=names[index % 3::3][:4] if op == "schedule_pinned" else None)
            view.put(new)
            want = scheduler.schedule(new, MemoryView([values.clone(o) for o in view.list("Node")] + [new]))
            assert scheduler.schedule(new, view) == want
            view.discard(Key("Pod", "default", new["metadata"]["name"]))
        got = scheduler._all_nodes(view)
        assert got == fresh(view)
        assert scheduler._any_prefer_taints(got, view) == any(f.prefer_taints for f in got)
        position = scheduler._positions(got, view)
        assert all(position[f.name] == i for i, f in enumerate(got))
        held.append((got, list(got)))
    assert all(kept == copy for kept, copy in held)
    assert nodelist.REBUILDS["nodes"] == rebuilds


CLASS_OPS = st.lists(st.tuples(st.sampled_from(["add", "remove", "cpu", "hard", "deleting", "bind", "bind", "bind"]),
                               st.integers(0, 60), st.sampled_from(["100m", "500m", "1", "3"])), max_size=50)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.integers(1, 20), ops=CLASS_OPS)
def test_node_classes_follow_nodes_coming_and_going_without_a_rebuild(start, ops):
    """Nodes added, removed, resized, tainted and deleting between binds: the kept classes decide as the scan
    and as classes built from scratch, describe a failure as the full cycle, and are never rebuilt."""
    view = MemoryView([node(f"n{i * 3:03d}", cpu=str(1 + i % 3)) for i in range(start)])
    classes.for_view(view, scheduler._all_nodes)
    rebuilds = classes.REBUILDS["classes"]
    for step, (op, index, cpu) in enumerate(ops):
        names = [n["metadata"]["name"] for n in view.list("Node")]
        name = names[index % len(names)] if names else None
        if op == "add":
            view.put(node(f"n{index:03d}", cpu=str(1 + index % 4)))
        elif op == "remove" and name and len(names) > 1:
            view.discard(Key("Node", "", name))
        elif op in ("cpu", "hard", "deleting") and name:
            obj = values.clone(view.get("Node", "", name))
            if op == "cpu":
                obj["status"]["allocatable"]["cpu"] = str(1 + index % 4)
            elif op == "hard":
                obj["spec"]["taints"] = [] if obj["spec"].get("taints") else [HARD]
            else:
                obj["metadata"]["deletionTimestamp"] = "2027-01-15T08:00:00Z"
            view.put(obj)
        elif op == "bind":
            new = pod(f"p{step:03d}", cpu=cpu)
            view.put(new)
            all_nodes = scheduler._all_nodes(view)
            if not all_nodes:
                continue
            facts = nodeinfo.pod_facts(new)
            grouped = classes.for_view(view, scheduler._all_nodes)
            scratch = classes.NodeClasses(view, scheduler._all_nodes)
            wanted = scheduler.num_feasible_nodes_to_find(len(all_nodes))
            scan = scheduler._schedule_plain(facts, view, all_nodes)
            decided = grouped.decide(facts, wanted)
            assert decided == scratch.decide(facts, wanted) == (None if scan is None else scan.node)
            assert grouped.names == [f.name for f in all_nodes]
            if decided is None:
                assert scheduler.schedule(new, view).message == scheduler.full_cycle(new, facts, view, all_nodes).message
                view.discard(Key("Pod", "default", new["metadata"]["name"]))
            else:
                view.put({**new, "spec": {**new["spec"], "nodeName": decided}, "status": {"phase": "Running"}})
    assert classes.REBUILDS["classes"] == rebuilds


def test_classes_rebuild_only_over_a_list_that_is_not_the_views_node_list():
    view = MemoryView([node("a"), node("c", cpu="2")])
    kept = classes.NodeClasses(view, scheduler._all_nodes)
    other = classes.NodeClasses(view, fresh)  # a new list every time: no node list to say what moved
    rebuilds = classes.REBUILDS["classes"]
    view.put(node("b"))
    kept.sync()
    assert classes.REBUILDS["classes"] == rebuilds
    other.sync()
    assert classes.REBUILDS["classes"] == rebuilds + 1
    assert kept.names == other.names == ["a", "b", "c"]
    facts = nodeinfo.pod_facts(pod("p", cpu="3"))
    assert kept.decide(facts, 3) == other.decide(facts, 3) == "a"
