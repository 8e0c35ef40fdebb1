"""fieldpath.compare's walk (which skips equal children before looking up their types) gives the
very sets, node for node, of the plain walk it replaced, kept here as the reference."""
from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.model import fieldpath, listtypes
from litekube.model.values import equal
from tests.model.test_fieldpath import _pods

_MISSING = fieldpath._MISSING
_NOTHING = (None, None, None)


def _reference(old, new, t):
    """The walk as it was: every key's type looked up, `equal` asked at every leaf."""
    if old is _MISSING:
        return fieldpath._added(new, t), None, None
    if new is _MISSING:
        return None, None, fieldpath._removed(old, t)
    if old == new:
        return _NOTHING
    container = None
    if isinstance(old, dict) or isinstance(new, dict):
        if not t.atomic and (old is None or isinstance(old, dict)) and (new is None or isinstance(new, dict)):
            container = "map"
    elif isinstance(old, list) or isinstance(new, list):
        if t.is_list and (old is None or isinstance(old, list)) and (new is None or isinstance(new, list)):
            container = "list"
    if container is None or (not old and not new):
        return (None, {fieldpath.SELF: {}}, None) if not equal(old, new) else _NOTHING
    added, modified, removed = {}, {}, {}
    if container == "map":
        lhs = old if isinstance(old, dict) else {}
        rhs = new if isinstance(new, dict) else {}
        for key in {**lhs, **rhs}:
            ft = t.field(key)
            a, b = lhs.get(key, _MISSING), rhs.get(key, _MISSING)
            if t.always_present(key):
                if a is _MISSING:
                    a = ft.empty_value()
                if b is _MISSING:
                    b = ft.empty_value()
            parts = _reference(a, b, ft)
            for into, part in zip((added, modified, removed), parts):
                if part:
                    into["f:" + key] = part
    else:
        et = t.element()
        lhs_items = fieldpath._indexed(old if isinstance(old, list) else [], t)
        rhs_items = fieldpath._indexed(new if isinstance(new, list) else [], t)
        for element in {**lhs_items, **rhs_items}:
            parts = _reference(lhs_items.get(element, _MISSING), rhs_items.get(element, _MISSING), et)
            for into, part in zip((added, modified, removed), parts):
                if part:
                    into[element] = part
    return added or None, modified or None, removed or None


def _same(old, new, kind: str) -> None:
    got = fieldpath.compare(old, new, kind)
    want = _reference({} if old is None else old, new, listtypes.root(kind))
    # equal as values, and in the same key order (pickle writes dicts in their order)
    assert (got.added, got.modified, got.removed) == tuple(part or {} for part in want)
    assert pickle.dumps((got.added, got.modified, got.removed)) == pickle.dumps(tuple(part or {} for part in want))


_condition = st.fixed_dictionaries({"type": st.sampled_from(["Ready", "PodScheduled", "Initialized"]),
                                    "status": st.sampled_from(["True", "False", True, 1])},
                                   optional={"lastTransitionTime": st.sampled_from(["t1", "t2", None]),
                                             "reason": st.sampled_from(["", "PodCompleted"])})
_status = st.fixed_dictionaries({}, optional={
    "phase": st.sampled_from(["Pending", "Running", None, 1]),
    "podIP": st.sampled_from(["10.0.0.2", "10.0.0.3"]),
    "podIPs": st.lists(st.fixed_dictionaries({"ip": st.sampled_from(["10.0.0.2", "10.0.0.3", 7])}), max_size=2),
    "conditions": st.lists(_condition, max_size=3),
    "containerStatuses": st.lists(st.fixed_dictionaries({"name": st.sampled_from(["a", "b"]),
                                                          "ready": st.booleans()}), max_size=2),
    "qosClass": st.sampled_from(["", "BestEffort"]),
    "hostIPs": st.sampled_from([None, [], {}]),
})


@settings(max_examples=400, deadline=None)
@given(_pods, _pods)
def test_pods_as_the_reference(old, new) -> None:
    _same(old, new, "Pod")
    _same(None, new, "Pod")


@settings(max_examples=400, deadline=None)
@given(_status, _status)
def test_statuses_as_the_reference(old, new) -> None:
    _same({"status": old}, {"status": new}, "Pod")
    _same({"status": old}, {"status": new}, "Deployment")
