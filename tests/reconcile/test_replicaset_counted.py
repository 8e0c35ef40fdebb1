"""The ReplicaSet sync counted from the view's pod groups gives the walk's actions, action for action."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.reconcile.replicaset import controller as replicaset
from litekube.reconcile.views import MemoryView
from tests.reconcile.test_replicaset import KEY, NOW, pod, rs


class _Walking:
    """The same view without pod groups: the sync walks every pod."""

    def __init__(self, view: MemoryView) -> None:
        self._view = view

    def __getattr__(self, name: str):
        if name in ("pod_groups", "memo"):
            raise AttributeError(name)
        return getattr(self._view, name)


_LABELS = st.sampled_from([None, {"app": "web", "tier": "front"}, {"app": "web"}, {"app": "other"},
                           {"app": "web", "tier": "back"}, {}])
_POD = st.fixed_dictionaries({
    "phase": st.sampled_from(["Running", "Pending", "Succeeded", "Failed"]),
    "ready": st.booleans(), "deleting": st.booleans(), "labels": _LABELS,
    "owner": st.sampled_from(["u-rs", "u-rs", "u-rs", None, "u-other"]),
})


def _objects(replicas: int, deleting: bool, specs: list[dict], status: dict) -> list[dict]:
    meta = {"deletionTimestamp": "2027-01-15T07:59:00Z"} if deleting else {}
    objects = [rs(replicas, status=status, **meta)]
    for i, spec in enumerate(specs):
        objects.append(pod(f"web-{i:03d}", **spec))
    return objects


@settings(max_examples=300, deadline=None)
@given(replicas=st.integers(0, 8), deleting=st.booleans(), specs=st.lists(_POD, max_size=10),
       status=st.sampled_from([{}, {"replicas": 3, "readyReplicas": 3, "availableReplicas": 3,
                                    "fullyLabeledReplicas": 3, "observedGeneration": 1}]))
def test_counted_equals_walked(replicas, deleting, specs, status):
    objects = _objects(replicas, deleting, specs, status)
    view = MemoryView(objects)
    counted = replicaset.reconcile(KEY, view, NOW)
    walked = replicaset.reconcile(KEY, _Walking(MemoryView(objects)), NOW)
    assert counted == walked


def test_groups_follow_changes_and_survive_a_snapshot():
    view = MemoryView([rs(3), pod("a"), pod("b"), pod("c", ready=False)])
    assert sorted((facts[2], len(keys)) for facts, keys in view.pod_groups("u-rs")) == [(False, 1), (True, 2)]
    view.put(pod("c"))
    view.discard(next(k for _, keys in view.pod_groups("u-rs") for k in keys if k.name == "a"))
    restored = MemoryView.restore(view.pieces(lambda obj: b""), lambda b: {})  # the groups, not the bodies
    for v in (view, restored):
        ((facts, keys),) = v.pod_groups("u-rs")
        assert facts[:3] == (("u-rs",), True, True) and sorted(k.name for k in keys) == ["b", "c"]
