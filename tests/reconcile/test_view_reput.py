"""MemoryView.put of a pod whose spec and identity are unchanged (a status write) takes a short
path (`_reput_pod`): every index, the node usage, the priorities, the ReplicaSet groups and the
nodes touched end exactly as the full unindex-and-index path leaves them."""
from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.reconcile import views
from litekube.reconcile.views import MemoryView

_OWNER = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web", "uid": "u-rs", "controller": True}


def _pod(name: str, *, node: str | None = "n1", phase: str = "Running", ready: bool = True,
         unschedulable: bool = False, nominated: str | None = None, deleting: bool = False,
         labels: dict | None = None, owner: bool = True, cpu: str = "100m", priority: int = 0,
         ip: str | None = None) -> dict:
    conditions = [{"type": "Ready", "status": "True" if ready else "False"}]
    if unschedulable:
        conditions.append({"type": "PodScheduled", "status": "False", "reason": "Unschedulable"})
    status: dict = {"phase": phase, "conditions": conditions}
    if nominated:
        status["nominatedNodeName"] = nominated
    if ip:
        status["podIP"] = ip
    meta: dict = {"name": name, "namespace": "default", "uid": f"u-{name}", "labels": labels or {"app": "web"}}
    if owner:
        meta["ownerReferences"] = [_OWNER]
    if deleting:
        meta["deletionTimestamp"] = "2027-01-15T08:00:00Z"
    spec: dict = {"containers": [{"name": "c", "image": "nginx",
                                  "resources": {"requests": {"cpu": cpu, "memory": "16Mi"}}}],
                  "priority": priority,
                  "volumes": [{"name": "cfg", "configMap": {"name": "cm"}}]}
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def _indexes(view: MemoryView) -> dict:
    """Every index of the view, as plain comparable values (key order aside)."""
    out: dict = {name: {at: set(keys) for at, keys in getattr(view, name).items()}
                 for name in MemoryView._KEYED + MemoryView._SETS}
    out.update({name: set(getattr(view, name)) for name in MemoryView._FLAT})
    out["usage"] = dict(view._usage)
    out["priorities"] = {node: dict(counts) for node, counts in view._priorities.items()}
    out["all_priorities"] = dict(view._all_priorities)
    out["by_uid"] = dict(view._by_uid)
    out["groups"] = {uid: {facts: set(keys) for facts, keys in groups.items()}
                     for uid, groups in view._pod_groups.items()}
    out["objects"] = dict(view._objects)
    out["addresses"] = {node: {name: getattr(index, name) for name in ("_entries", "_counts", "_used", "_waiting", "_uids")}
                        for node, index in view._addresses.items()}
    return out


def _replay(puts: list[dict], short: bool) -> tuple[dict, list[set[str]]]:
    """Put the pods in order on a view (the short path allowed or not); its indexes and the nodes
    touched by each put."""
    with pytest.MonkeyPatch.context() as patch:
        if not short:
            patch.setattr(views, "_same_pod_indexes", lambda old, new: False)
        view = MemoryView()
        view.pod_addresses("n1"), view.pod_addresses("n2")  # the kubelet's IPAM indexes, kept from here on
        touched, changed = view.subscribe_nodes(), view.subscribe("Pod")
        seen: list[set] = []
        for obj in puts:
            view.put(obj)
            seen.append(set(touched) | set(changed))  # the nodes touched and the pods a subscriber hears of
            touched.clear()
            changed.clear()
        return _indexes(view), seen


# What a pod's spec and identity can be (the full path between them); status writes keep them.
_SHAPES = [{}, {"node": None}, {"node": None, "deleting": True}, {"deleting": True}, {"node": "n2"},
           {"labels": {"app": "web", "tier": "x"}}, {"owner": False}, {"cpu": "200m", "priority": 5}]
_STATUS = st.fixed_dictionaries({
    "phase": st.sampled_from(["Pending", "Running", "Succeeded", "Failed"]),
    "ready": st.booleans(), "unschedulable": st.booleans(), "nominated": st.sampled_from([None, "n1", "n2"]),
    "ip": st.sampled_from([None, "10.244.1.2", "10.244.1.3"]),
})
# Mostly status writes (the short path), sometimes a new shape (the full path).
_CHANGE = st.tuples(st.sampled_from(["a", "b"]), st.sampled_from([None, None, None, *range(len(_SHAPES))]), _STATUS)


def _pods(changes: list[tuple]) -> list[dict]:
    shapes: dict[str, int] = {}
    out = []
    for name, shape, status in changes:
        if shape is not None or name not in shapes:
            shapes[name] = shape or 0
        out.append(_pod(name, **_SHAPES[shapes[name]], **status))
    return out


@settings(max_examples=300, deadline=None)
@given(changes=st.lists(_CHANGE, min_size=1, max_size=12))
def test_short_path_leaves_the_full_paths_indexes(changes):
    puts = _pods(changes)
    assert _replay(puts, True) == _replay(puts, False)


class TestWhichPutsAreShort:
    def test_a_status_write_is_short_and_moves_what_the_status_decides(self, monkeypatch) -> None:
        full = []
        monkeypatch.setattr(views.MemoryView, "_unindex", lambda self, key, old: full.append(key.name))
        view = MemoryView([_pod("a", node=None)])
        view.put(_pod("a", node=None, unschedulable=True, nominated="n2"))
        view.put(_pod("a", node=None, unschedulable=False))
        assert full == []
        assert view.unschedulable_pods() == [] and view.nominated_pods("n2") == []

    @pytest.mark.parametrize("change", [{"node": "n2"}, {"deleting": True}, {"labels": {"app": "x"}},
                                        {"owner": False}, {"cpu": "101m"}, {"priority": 1}],
                             ids=["bound-elsewhere", "deleting", "labels", "owner", "requests", "priority"])
    def test_any_other_change_takes_the_full_path(self, change: dict, monkeypatch) -> None:
        full = []
        unindex = views.MemoryView._unindex
        monkeypatch.setattr(views.MemoryView, "_unindex",
                            lambda self, key, old: (full.append(key.name), unindex(self, key, old)))
        view = MemoryView([_pod("a")])
        view.put(_pod("a", **change))
        assert full == ["a"]

    def test_turning_terminal_frees_the_node(self) -> None:
        view = MemoryView([_pod("a", cpu="250m", priority=3)])
        assert view.node_usage("n1")[0].cpu == 250 and view.min_priority("n1") == 3
        view.put(_pod("a", cpu="250m", priority=3, phase="Succeeded"))
        assert view.node_usage("n1")[0].cpu == 0 and view.min_priority("n1") is None
        view.put(_pod("a", cpu="250m", priority=3, phase="Succeeded", ready=False))
        assert view.node_usage("n1")[0].cpu == 0

    def test_the_cached_object_is_the_new_one_everywhere(self) -> None:
        first = _pod("a")
        view = MemoryView([first])
        second = copy.deepcopy(first)
        second["status"]["phase"] = "Failed"
        view.put(second)
        assert view.get("Pod", "default", "a") is second
        assert view.pods_on_node("n1") == [second] and view.owned_by("u-rs") == [second]
        assert view.pods_referencing("ConfigMap", "default", "cm") == [second]
        assert [facts[1] for facts, _ in view.pod_groups("u-rs")] == [False]
