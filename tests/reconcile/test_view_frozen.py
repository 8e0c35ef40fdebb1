"""The sharing table (engine/reconcile/sharing.py): in frozen mode (LITEKUBE_FROZEN_SHARED=1) a shared
container refuses every change in place while its copies are plain; equal subtrees are one object and read
back equal to what was put; the table is bounded, its older generation aging out; the snapshot encoder
takes frozen containers."""
from __future__ import annotations

import copy
import json
import marshal
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.model import values
from litekube.reconcile import sharing, views
from litekube.reconcile.sharing import FrozenDict, FrozenList, SharedMutation, Sharing
from litekube.reconcile.views import MemoryView
from litekube.runtime import controlplane


@pytest.fixture
def frozen(monkeypatch):
    """Views put objects through a fresh frozen table."""
    table = Sharing(frozen=True)
    monkeypatch.setattr(views, "_interned", table.held)
    return table


def _pod(name: str, node: str = "n1") -> dict:
    return json.loads(json.dumps({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "uid": "u-" + name, "labels": {"app": "web"},
                     "annotations": {"a": "b"}},
        "spec": {"nodeName": node, "containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}]}]},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}))


_DICT_CHANGES = {
    "setitem": lambda d: d.__setitem__("x", 1), "delitem": lambda d: d.__delitem__("app"),
    "update": lambda d: d.update(x=1), "setdefault": lambda d: d.setdefault("x", 1), "pop": lambda d: d.pop("app"),
    "popitem": lambda d: d.popitem(), "clear": lambda d: d.clear(), "ior": lambda d: d.__ior__({"x": 1}),
}
_LIST_CHANGES = {
    "setitem": lambda v: v.__setitem__(0, 1), "delitem": lambda v: v.__delitem__(0), "append": lambda v: v.append(1),
    "extend": lambda v: v.extend([1]), "insert": lambda v: v.insert(0, 1), "remove": lambda v: v.remove(v[0]),
    "pop": lambda v: v.pop(), "clear": lambda v: v.clear(), "sort": lambda v: v.sort(), "reverse": lambda v: v.reverse(),
    "iadd": lambda v: v.__iadd__([1]), "imul": lambda v: v.__imul__(2), "slice": lambda v: v.__setitem__(slice(0, 1), []),
}


@pytest.mark.parametrize("change", _DICT_CHANGES.values(), ids=_DICT_CHANGES.keys())
def test_a_shared_dict_refuses_every_change(frozen, change):
    view = MemoryView([_pod("a")])
    labels = view.get("Pod", "default", "a")["metadata"]["labels"]
    assert labels.__class__ is FrozenDict
    with pytest.raises(SharedMutation, match="copy it before changing it"):
        change(labels)
    assert labels == {"app": "web"}


@pytest.mark.parametrize("change", _LIST_CHANGES.values(), ids=_LIST_CHANGES.keys())
def test_a_shared_list_refuses_every_change(frozen, change):
    view = MemoryView([_pod("a")])
    containers = view.get("Pod", "default", "a")["spec"]["containers"]
    assert containers.__class__ is FrozenList
    before = copy.deepcopy(containers)
    with pytest.raises(SharedMutation):
        change(containers)
    assert containers == before


def test_the_objects_own_dicts_stay_plain_and_copies_are_plain(frozen):
    view = MemoryView([_pod("a")])
    pod = view.get("Pod", "default", "a")
    assert [pod[k].__class__ for k in ("metadata", "spec", "status")] == [dict, dict, dict]
    containers = pod["spec"]["containers"]
    for made in (copy.copy(containers), copy.deepcopy(containers), list(containers), containers[:],
                 values.clone(containers), pickle.loads(pickle.dumps(containers))):
        assert made.__class__ is list and made == containers
        made.append({})
    deep = copy.deepcopy(pod)
    assert deep == pod and deep["spec"]["containers"][0].__class__ is dict
    deep["spec"]["containers"][0]["image"] = "other"  # the copy is the reconciler's own
    assert pod["spec"]["containers"][0]["image"] == "nginx"
    labels = pod["metadata"]["labels"]
    assert {**labels, "x": "y"}.__class__ is dict and (labels | {"x": "y"}).__class__ is dict
    assert copy.copy(labels).__class__ is dict and json.loads(json.dumps(pod)) == pod


def test_equal_subtrees_of_two_pods_are_one_object(frozen):
    view = MemoryView([_pod("a", "n1"), _pod("b", "n2")])
    a, b = view.get("Pod", "default", "a"), view.get("Pod", "default", "b")
    assert a["spec"]["containers"] is b["spec"]["containers"]
    assert a["status"]["conditions"] is b["status"]["conditions"] and a["metadata"]["labels"] is b["metadata"]["labels"]
    assert a["spec"] is not b["spec"] and a["spec"]["nodeName"] != b["spec"]["nodeName"]


_TEXT = st.text(alphabet="abc:.k{}\"0129", max_size=6)
_JSON = st.recursive(st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2, allow_nan=False) | _TEXT,
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
                     max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(st.lists(_JSON, min_size=1, max_size=5), st.integers(1, 6))
def test_values_read_back_equal_to_what_was_put(bodies, limit):
    """With any table size (aging out in the middle of an object too), every object reads as put."""
    table = Sharing(limit=limit, frozen=True)
    put = [json.loads(json.dumps({"kind": "X", "spec": {"v": body}, "data": [body]})) for body in bodies]
    expected = [json.dumps(obj) for obj in put]
    for obj in put:
        table.held(obj, None)
    assert [json.dumps(obj) for obj in put] == expected
    assert len(table) <= 2 * limit


def test_the_table_is_two_generations_of_limit_keys():
    table = Sharing(limit=3)
    first = [table.share({"n": i}) for i in range(3)]
    assert table.tables()[1] == {} and len(table) == 3  # the younger generation full, not yet moved
    table.share({"n": 3})  # one more: the full generation becomes the older one
    assert len(table.tables()[0]) == 1 and len(table.tables()[1]) == 3
    assert table.share({"n": 0}) is first[0]  # found in the older generation: moved to the younger
    assert len(table.tables()[0]) == 2
    table.share({"n": 4})  # the younger generation full again: {3}, {0}, {4}
    assert len(table.tables()[0]) == 3 and len(table.tables()[1]) == 3
    table.share({"n": 5})  # it becomes the older one: {"n": 1} and {"n": 2}, never found again, age out
    assert len(table.tables()[0]) == 1 and len(table.tables()[1]) == 3
    assert table.share({"n": 0}) is first[0]
    again = table.share({"n": 1})
    assert again is not first[1] and again == first[1] and table.share({"n": 1}) is again
    assert len(table) <= 6


def test_an_aged_out_container_is_still_read_as_it_was():
    table = Sharing(limit=2, frozen=True)
    pods = [_pod(f"p{i}") for i in range(3)]
    for i, pod in enumerate(pods):
        pod["spec"]["containers"][0]["image"] = f"image-{i}"
        table.held(pod, None)
    for i, pod in enumerate(pods):
        assert pod["spec"]["containers"][0]["image"] == f"image-{i}"
        assert pod["spec"]["containers"].__class__ is FrozenList
    assert table.share(pods[0]["spec"]["containers"]) is pods[0]["spec"]["containers"]  # frozen: kept as is


def test_the_snapshot_encoder_takes_frozen_containers(frozen):
    view = MemoryView([_pod("a"), _pod("b")])
    pod = view.get("Pod", "default", "a")
    body = controlplane._encode(pod)
    assert marshal.loads(body) == pod and json.dumps(marshal.loads(body)) == json.dumps(pod)
    chunks = list(view.pieces(controlplane._encode, size=1))  # the chunked snapshot, one object a chunk
    restored = MemoryView.restore(chunks, marshal.loads)
    assert restored.get("Pod", "default", "b") == view.get("Pod", "default", "b")


def test_plain_is_a_plain_copy():
    shared = Sharing(frozen=True).share({"a": [{"b": 1}], "c": "d"})
    out = sharing.plain(shared)
    assert out == shared and out.__class__ is dict and out["a"].__class__ is list and out["a"][0].__class__ is dict


def test_an_object_read_after_a_restore_is_shared_as_a_put_one_is():
    view = MemoryView([_pod("a"), _pod("b")])
    restored = MemoryView.restore(list(view.pieces(controlplane._encode)), marshal.loads)
    a, b = restored.get("Pod", "default", "a"), restored.get("Pod", "default", "b")
    assert a == view.get("Pod", "default", "a") and b == view.get("Pod", "default", "b")
    assert a["spec"]["containers"] is b["spec"]["containers"]  # one copy, as put makes it
