"""MemoryView.put holds each object with its subtrees shared and its strings interned (`views._interned`,
engine/reconcile/sharing.py): the object reads exactly as it was put (equal values, the same key order,
its own dict and top-level dicts the same dicts), two pods decoded apart share their equal strings and
their equal containers below the top-level dicts, and a subtree already shared is not walked again."""
from __future__ import annotations

import copy
import enum
import json
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.reconcile import sharing, views
from litekube.reconcile.views import MemoryView


def _fresh(text: str) -> str:
    """A string equal to `text` that is not the interned one (as json.loads makes them)."""
    return json.loads(json.dumps([text]))[0] if len(text) > 1 else text


def _strings(obj, out: list) -> list:
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.append(k)
            _strings(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _strings(v, out)
    elif isinstance(obj, str):
        out.append(obj)
    return out


def _below(obj: dict) -> list:
    """(path, container) for every dict and list below the object's top-level dicts (the shared part)."""
    out: list = []

    def walk(v, path):
        if isinstance(v, (dict, list)):
            out.append((path, v))
            for k, x in (v.items() if isinstance(v, dict) else enumerate(v)):
                walk(x, path + (k,))
    for k, v in obj.items():
        if isinstance(v, dict):
            for k2, x in v.items():
                walk(x, (k, k2))
        else:
            walk(v, (k,))
    return out


_TEXT = st.text(alphabet="abcf:.k{}\"=-/ 0129", min_size=0, max_size=12)
_JSON = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-2, 2, allow_nan=False) | _TEXT,
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
                     max_leaves=30)


def _pod(name: str, body: object) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "uid": "u-" + name},
            "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "nginx"}]}, "status": {"phase": "Running"},
            "extra": body}


@settings(max_examples=200, deadline=None)
@given(_JSON, _JSON)
def test_an_object_reads_as_it_was_put_and_two_share_their_equal_subtrees(body, other):
    a = json.loads(json.dumps(_pod("a", body)))
    b = json.loads(json.dumps(_pod("b", {"wrapped": body})))
    plain_a, plain_b = copy.deepcopy(a), copy.deepcopy(b)
    own_a = {k: v for k, v in a.items() if isinstance(v, dict)}
    view = MemoryView()
    view.put(a)
    view.put(b)
    held_a, held_b = view.get("Pod", "default", "a"), view.get("Pod", "default", "b")
    assert held_a is a and held_b is b  # the object put is the object held
    assert all(held_a[k] is v for k, v in own_a.items())  # and its top-level dicts
    assert held_a == plain_a and json.dumps(held_a) == json.dumps(plain_a)  # key order and types included
    assert held_b == plain_b and json.dumps(held_b) == json.dumps(plain_b)
    assert all(s is sys.intern(s) for s in _strings(held_a, []) + _strings(held_b, []))
    assert held_a["spec"]["containers"] is held_b["spec"]["containers"]
    if isinstance(body, (dict, list)):
        for path, sub in _below({"extra": {"wrapped": body}}):  # every subtree of body, at its path in b
            found_b = held_b
            for part in path:
                found_b = found_b[part]
            found_a = held_a["extra"]
            for part in path[2:]:
                found_a = found_a[part]
            # the same container, but a's own top-level dict when body is a dict
            assert found_b == sub and (found_a is found_b or path == ("extra", "wrapped") and isinstance(body, dict))
    # A copy is the reconciler's own: changing it reaches neither held object.
    copy_a = copy.deepcopy(held_a)
    copy_a["extra"] = other
    copy_a["spec"]["containers"][0]["image"] = "changed"
    copy_a["metadata"]["labels"] = {"x": "y"}
    assert view.get("Pod", "default", "b") == plain_b and view.get("Pod", "default", "a") == plain_a


@settings(max_examples=200, deadline=None)
@given(st.lists(_JSON, min_size=2, max_size=6))
def test_containers_are_shared_exactly_when_their_values_are_identical_json(bodies):
    """Equal containers (same keys in the same order, same scalar types: 1, 1.0, True differ) are one."""
    table = sharing.Sharing()
    held = [table.share(json.loads(json.dumps([body]))) for body in bodies]
    for x, hx in zip(bodies, held):
        for y, hy in zip(bodies, held):
            same = json.dumps([x]) == json.dumps([y])
            assert (hx is hy) == same


def test_two_pods_decoded_apart_share_their_equal_strings_and_containers():
    text = json.dumps(_pod("a", {"f:status": {"k:{\"type\":\"Ready\"}": {".": {}}}, "time": "2027-01-15T08:00:00Z"}))
    a, b = json.loads(text), json.loads(text.replace('"name": "a"', '"name": "b"'))
    assert a["extra"]["time"] is not b["extra"]["time"]
    view = MemoryView()
    view.put(a)
    view.put(b)
    held = view.get("Pod", "default", "b")
    assert held["extra"]["time"] is a["extra"]["time"]
    assert next(iter(a["extra"]["f:status"])) is next(iter(held["extra"]["f:status"]))
    assert a["extra"]["f:status"] is held["extra"]["f:status"]  # below the top-level dict: shared
    assert a["extra"] is not held["extra"] and a["metadata"] is not held["metadata"]  # the pods' own


def test_scalars_of_different_types_are_not_shared():
    view = MemoryView()
    values = {"int": 1, "bool": True, "float": 1.0, "none": None, "str": "1", "zero": 0.0, "minus-zero": -0.0}
    for name, value in values.items():
        view.put(_pod(name, {"v": {"x": value}, "l": [value]}))
    held = {n: view.get("Pod", "default", n)["extra"] for n in values}
    assert [repr(h["v"]["x"]) for h in held.values()] == [repr(v) for v in values.values()]
    assert [repr(h["l"][0]) for h in held.values()] == [repr(v) for v in values.values()]
    assert len({id(h["v"]) for h in held.values()}) == 7 and len({id(h["l"]) for h in held.values()}) == 7


def test_a_subtree_already_shared_is_not_walked_again(monkeypatch):
    monkeypatch.setattr(views, "_interned", sharing.Sharing(frozen=False).held)  # mutable, to change it below
    old = _pod("a", {"kept": {"v": "x"}})
    view = MemoryView()
    view.put(old)
    kept = old["extra"]["kept"]
    # A string put under the shared subtree after the fact (no reconciler does this; LITEKUBE_FROZEN_SHARED=1
    # refuses it) shows the walk skips what is shared already, wherever it is.
    late = _fresh("late-value")
    kept["late"] = late
    new = {**old, "status": {"phase": _fresh("Succeeded")}}
    view.put(new)
    held = view.get("Pod", "default", "a")
    assert held["extra"]["kept"]["late"] is late  # the replaced object's top-level dict: skipped
    assert held["status"]["phase"] is sys.intern("Succeeded")  # new: interned
    view.put({**old, "extra": {"moved": kept}})  # at another path: shared already, skipped too
    assert view.get("Pod", "default", "a")["extra"]["moved"] is kept and kept["late"] is late
    view.put({**old, "extra": {"moved": dict(kept)}})  # a copy is walked, and is a new value
    moved = view.get("Pod", "default", "a")["extra"]["moved"]
    assert moved is not kept and moved["late"] is sys.intern("late-value")


def test_held_is_in_place_for_the_top_level_dicts_and_keeps_key_order():
    obj = json.loads('{"b": "1", "a": {"d": ["x", {"c": "y"}], "c": {}}, "k:{\\"ip\\":\\"10.0.0.1\\"}": {}}')
    inner = obj["a"]
    views._interned(obj, None)
    assert list(obj) == ["b", "a", 'k:{"ip":"10.0.0.1"}'] and list(obj["a"]) == ["d", "c"]
    assert obj["a"] is inner and all(s is sys.intern(s) for s in _strings(obj, []))
    assert obj == json.loads('{"b": "1", "a": {"d": ["x", {"c": "y"}], "c": {}}, "k:{\\"ip\\":\\"10.0.0.1\\"}": {}}')


def test_keys_and_values_that_are_not_plain_strings_are_kept_as_they_are():
    class Phase(str, enum.Enum):
        RUNNING = "Running"
    fresh = _fresh("fresh-key")
    pod = _pod("a", {Phase.RUNNING: Phase.RUNNING, 3: "three", fresh: [Phase.RUNNING], "d": {Phase.RUNNING: 1}})
    view = MemoryView()
    view.put(pod)
    view.put(_pod("b", {"l": [Phase.RUNNING], "d": {Phase.RUNNING: 1}, "s": ["Running"]}))
    extra = view.get("Pod", "default", "a")["extra"]
    assert list(extra) == [Phase.RUNNING, 3, "fresh-key", "d"]
    assert [k.__class__ for k in extra] == [Phase, int, str, str]
    assert extra[Phase.RUNNING] is Phase.RUNNING and extra[3] is sys.intern("three")
    assert next(k for k in extra if k == "fresh-key") is sys.intern("fresh-key")
    assert extra["fresh-key"][0] is Phase.RUNNING and next(iter(extra["d"])).__class__ is Phase
    other = view.get("Pod", "default", "b")["extra"]
    # Not shared: an enum equals its string, so a shared copy could hold either.
    assert other["l"] is not extra["fresh-key"] and other["d"] is not extra["d"]
    assert other["s"][0].__class__ is str


def test_a_subtree_equal_to_one_seen_before_is_found_at_its_root_without_a_walk():
    table = sharing.Sharing()
    tree = {"f:spec": {"f:containers": {'k:{"name":"c"}': {".": {}, "f:image": {}, "f:ports": [{"p": 80}]}}}}
    first = table.share(json.loads(json.dumps(tree)))
    calls: list = []
    real = table.share
    table.share = lambda v: calls.append(v) or real(v)  # the recursive calls go through the instance
    again = table.share(json.loads(json.dumps(tree)))
    assert again is first and calls == [again]  # one lookup, nothing below it walked
    calls.clear()
    changed = json.loads(json.dumps(tree))
    changed["f:spec"]["f:containers"]['k:{"name":"c"}']["f:ports"][0]["p"] = 81
    other = table.share(changed)
    assert other is not first and other == changed
    # walked down the path that changed, the siblings below it found at their roots
    assert other["f:spec"]["f:containers"]['k:{"name":"c"}']["."] is first["f:spec"]["f:containers"]['k:{"name":"c"}']["."]
    assert len(calls) == 8  # the six containers on the changed path; "." and "f:image" found at their roots


def test_a_container_holding_a_tuple_is_kept_and_its_parent_shared_only_with_that_very_container():
    table = sharing.Sharing()
    one, two = {"t": (1, 2)}, {"t": (1, 2)}
    a, b = table.share({"x": one}), table.share({"x": two})
    assert a["x"] is one and b["x"] is two and a is not b  # equal, but not shared: kept as they are
    assert table.share({"x": one}) is a  # a parent holding that very container is
    assert table.share([1, "a"]) is table.share([1, "a"])  # and plain values still are
