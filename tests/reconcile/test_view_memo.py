"""MemoryView.memo: what a reconciler derives from one object is computed once per object held."""
from __future__ import annotations

from litekube.reconcile.base import Key
from litekube.reconcile.replicaset import controller as replicaset
from litekube.reconcile.views import MemoryView


def pod(name: str, phase: str = "Running") -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "uid": f"u-{name}"},
            "status": {"phase": phase}}


def test_a_memo_computes_once_per_object_and_again_for_its_new_version():
    calls: list[str] = []

    def phase(obj: dict) -> str:
        calls.append(obj["metadata"]["name"])
        return obj["status"]["phase"]

    view = MemoryView([pod("a"), pod("b")])
    remembered = view.memo(phase)
    assert [remembered(p) for p in view.list("Pod")] == ["Running", "Running"]
    assert [remembered(p) for p in view.list("Pod")] == ["Running", "Running"]
    assert calls == ["a", "b"]
    view.put(pod("a", "Failed"))  # a new object: computed again; the old one's memo is dropped
    assert [remembered(p) for p in view.list("Pod")] == ["Failed", "Running"]
    assert calls == ["a", "b", "a"]
    view.discard(Key("Pod", "default", "b"))
    assert sum(len(table) for table in view._memos.values()) == 1  # only a's new version is remembered
    assert view.memo(phase)(view.get("Pod", "default", "a")) == "Failed" and calls == ["a", "b", "a"]


def test_the_replicaset_facts_are_the_same_remembered_or_not():
    owned = {**pod("c"), "metadata": {**pod("c")["metadata"], "ownerReferences": [
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web", "uid": "rs", "controller": True},
        {"apiVersion": "v1", "kind": "ConfigMap", "name": "x", "uid": "cm"}]}}
    view = MemoryView([owned, pod("d", "Succeeded")])
    remembered = replicaset._facts_of(view)
    for obj in view.list("Pod"):
        assert remembered(obj) == replicaset._pod_facts(obj)
    assert replicaset._pod_facts(owned) == (("rs",), True, False, None)
    assert replicaset._controlled(view, "rs", remembered) == [owned]
    assert replicaset._controlled(view, "cm", remembered) == []


def test_owned_by_stays_in_order_as_owned_objects_come_and_go():
    def owned(name: str, *uids: str) -> dict:
        return {**pod(name), "metadata": {**pod(name)["metadata"], "ownerReferences": [
            {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web", "uid": uid} for uid in uids]}}

    view = MemoryView([owned("b", "rs"), owned("d", "rs")])
    names = lambda uid: [p["metadata"]["name"] for p in view.owned_by(uid)]  # noqa: E731
    assert names("rs") == ["b", "d"]  # asked once: kept in order from now on
    view.put(owned("a", "rs", "rs"))  # the same owner twice: one entry
    view.put(owned("c", "rs"))
    view.put(owned("d", "other"))  # moved to another owner
    assert names("rs") == ["a", "b", "c"] and names("other") == ["d"]
    view.discard(Key("Pod", "default", "a"))
    view.put(owned("b", "rs"))  # changed, same owner
    assert names("rs") == ["b", "c"]
    for name in ("b", "c"):
        view.discard(Key("Pod", "default", name))
    assert names("rs") == [] and view.owned_by("rs", "Pod") == []
    view.put(owned("e", "rs"))
    assert names("rs") == ["e"]
