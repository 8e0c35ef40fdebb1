"""MemoryView.put holds each object with its dict keys and strings interned (`views._interned`):
the object reads exactly as it was put (equal values, the same key order, the same containers),
two pods decoded apart share their equal strings and nothing else, and a subtree the new object
shares with the one it replaces is not walked again."""
from __future__ import annotations

import copy
import json
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.reconcile import views
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


def _containers(obj, out: list) -> list:
    if isinstance(obj, (dict, list)):
        out.append(obj)
        for v in obj.values() if isinstance(obj, dict) else obj:
            _containers(v, out)
    return out


_TEXT = st.text(alphabet="abcf:.k{}\"=-/ 0129", min_size=0, max_size=12)
_JSON = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | _TEXT,
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
                     max_leaves=30)


def _pod(name: str, body: object) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "uid": "u-" + name},
            "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "nginx"}]}, "status": {"phase": "Running"},
            "extra": body}


@settings(max_examples=200, deadline=None)
@given(_JSON, _JSON)
def test_an_object_reads_as_it_was_put_and_two_share_only_strings(body, other):
    a = json.loads(json.dumps(_pod("a", body)))
    b = json.loads(json.dumps(_pod("b", body)))
    plain_a, plain_b = copy.deepcopy(a), copy.deepcopy(b)
    containers_a = [id(c) for c in _containers(a, [])]
    view = MemoryView()
    view.put(a)
    view.put(b)
    held_a, held_b = view.get("Pod", "default", "a"), view.get("Pod", "default", "b")
    assert held_a is a and held_b is b  # the object put is the object held
    assert held_a == plain_a and json.dumps(held_a) == json.dumps(plain_a)  # key order included
    assert held_b == plain_b and json.dumps(held_b) == json.dumps(plain_b)
    assert [id(c) for c in _containers(held_a, [])] == containers_a  # the same dicts and lists, in place
    assert all(s is sys.intern(s) for s in _strings(held_a, []) + _strings(held_b, []))
    # No container is shared between the two pods: a change to one cannot reach the other.
    assert not {id(c) for c in _containers(held_a, [])} & {id(c) for c in _containers(held_b, [])}
    copy_a = copy.deepcopy(held_a)
    copy_a["extra"] = other
    copy_a["metadata"]["labels"] = {"x": "y"}
    assert view.get("Pod", "default", "b") == plain_b and view.get("Pod", "default", "a") == plain_a


def test_two_pods_decoded_apart_share_their_equal_strings():
    text = json.dumps(_pod("a", {"f:status": {"k:{\"type\":\"Ready\"}": {".": {}}}, "time": "2027-01-15T08:00:00Z"}))
    a, b = json.loads(text), json.loads(text.replace('"name": "a"', '"name": "b"'))
    assert a["extra"]["time"] is not b["extra"]["time"]
    view = MemoryView()
    view.put(a)
    view.put(b)
    held = view.get("Pod", "default", "b")
    assert held["extra"]["time"] is a["extra"]["time"]
    key_a = next(iter(a["extra"]["f:status"]))
    key_b = next(iter(held["extra"]["f:status"]))
    assert key_a is key_b
    assert a["extra"]["f:status"] is not held["extra"]["f:status"]


def test_a_subtree_shared_with_the_replaced_object_is_not_walked_again():
    old = _pod("a", {"kept": {"v": "x"}})
    view = MemoryView()
    view.put(old)
    # A string put under the shared subtree after the fact (no reconciler does this; it shows the walk
    # skips what the new object shares with the old one by identity) stays as it is.
    late = _fresh("late-value")
    old["extra"]["kept"]["late"] = late
    new = {**old, "status": {"phase": _fresh("Succeeded")}}
    view.put(new)
    held = view.get("Pod", "default", "a")
    assert held["extra"]["kept"]["late"] is late  # shared with `old`: skipped
    assert held["status"]["phase"] is sys.intern("Succeeded")  # new: interned
    # The same subtree at another path than the replaced object's is walked.
    other = {**old, "extra": {"moved": old["extra"]["kept"]}}
    view.put(other)
    assert view.get("Pod", "default", "a")["extra"]["moved"]["late"] is sys.intern("late-value")


def test_list_elements_are_matched_with_the_old_list_only_at_equal_length():
    shared = {"v": "x"}
    old = _pod("a", [shared])
    view = MemoryView()
    view.put(old)
    shared["late"] = late = _fresh("late-value")
    view.put({**old, "extra": [shared]})  # same length: element 0 is old's element 0, skipped
    assert view.get("Pod", "default", "a")["extra"][0]["late"] is late
    view.put({**old, "extra": [{"w": 1}, shared]})  # longer: no element is matched, all walked
    assert view.get("Pod", "default", "a")["extra"][1]["late"] is sys.intern("late-value")


def test_interned_is_in_place_and_keeps_key_order():
    obj = json.loads('{"b": "1", "a": {"d": ["x", {"c": "y"}], "c": {}}, "k:{\\"ip\\":\\"10.0.0.1\\"}": {}}')
    inner = obj["a"]
    views._interned(obj, None)
    assert list(obj) == ["b", "a", 'k:{"ip":"10.0.0.1"}'] and list(obj["a"]) == ["d", "c"]
    assert obj["a"] is inner and all(s is sys.intern(s) for s in _strings(obj, []))


def test_keys_and_values_that_are_not_plain_strings_are_kept_as_they_are():
    import enum

    class Phase(str, enum.Enum):
        RUNNING = "Running"
    fresh = _fresh("fresh-key")
    pod = _pod("a", {Phase.RUNNING: Phase.RUNNING, 3: "three", fresh: [Phase.RUNNING]})
    view = MemoryView()
    view.put(pod)
    extra = view.get("Pod", "default", "a")["extra"]
    assert list(extra) == [Phase.RUNNING, 3, "fresh-key"]
    assert [k.__class__ for k in extra] == [Phase, int, str]
    assert extra[Phase.RUNNING] is Phase.RUNNING and extra[3] is sys.intern("three")
    assert next(k for k in extra if k == "fresh-key") is sys.intern("fresh-key")
    assert extra["fresh-key"][0] is Phase.RUNNING
