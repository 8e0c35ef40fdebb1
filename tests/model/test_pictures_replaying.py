"""The timeline: the state at every revision equals a full replay, whatever the keyframe spacing."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.model.pictures import replaying
from litekube.model.pictures.replaying import Step, Timeline

NAMES = ["a", "b", "c"]
KINDS = ["Pod", "Event", "Node"]


@st.composite
def histories(draw):
    """A baseline and a changelog over a few keys: ADDED when absent, MODIFIED or DELETED when present."""
    live = {}
    for kind in ("Pod", "Node"):
        for name in draw(st.lists(st.sampled_from(NAMES), unique=True)):
            live[(kind, "ns" if kind == "Pod" else "", name)] = {"v": 0, "key": name}
    baseline = dict(live)
    start = draw(st.integers(0, 50))
    revision = start
    rows = []
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.sampled_from(KINDS))
        key = (kind, "" if kind == "Node" else "ns", draw(st.sampled_from(NAMES)))
        revision += draw(st.integers(1, 3))
        if key in live:
            op = draw(st.sampled_from(["MODIFIED", "DELETED"]))
        else:
            op = "ADDED"
        body = None if op == "DELETED" else {"v": revision, "key": key[2]}
        if op == "DELETED":
            live.pop(key)
        else:
            live[key] = body
        rows.append((Step(revision, float(revision), op, *key), body))
    return start, baseline, rows


def naive(baseline, rows, revision):
    state = {k: v for k, v in baseline.items() if k[0] != "Event"}
    for step, body in rows:
        if step.revision > revision:
            break
        if step.kind == "Event":
            continue
        if step.type == "DELETED":
            state.pop(step.key, None)
        else:
            state[step.key] = body
    return state


@settings(max_examples=150, deadline=None)
@given(histories(), st.sampled_from([1, 2, 3, 7, replaying.DEFAULT_EVERY]))
def test_state_at_any_revision_is_the_full_replay(history, every):
    start, baseline, rows = history
    timeline = Timeline(start, 0.0, baseline, every=every)
    for step, body in rows:
        timeline.append(step, body)
    last = rows[-1][0].revision if rows else start
    for revision in range(start - 1, last + 2):
        assert timeline.state_at(revision) == naive(baseline, rows, revision), revision
    assert timeline.head == last and len(timeline) == len(rows)


def test_events_are_a_log_beside_the_state():
    t = Timeline(0, 0.0, {})
    t.append(Step(1, 1.0, "ADDED", "Event", "ns", "e1"), {"reason": "Scheduled"})
    t.append(Step(2, 2.0, "ADDED", "Pod", "ns", "p"), {"kind": "Pod"})
    t.append(Step(3, 3.0, "MODIFIED", "Event", "ns", "e1"), {"reason": "Scheduled", "count": 2})
    t.append(Step(4, 4.0, "ADDED", "Event", "ns", "e2"), {"reason": "Started"})
    t.append(Step(5, 5.0, "DELETED", "Event", "ns", "e2"), {"reason": "Started"})
    assert t.state_at(5) == {("Pod", "ns", "p"): {"kind": "Pod"}}
    assert t.events_at(0) == []
    assert t.events_at(2) == [{"reason": "Scheduled"}]
    assert t.events_at(3) == [{"reason": "Scheduled", "count": 2}]  # each Event once, its latest version
    assert t.events_at(4) == [{"reason": "Started"}, {"reason": "Scheduled", "count": 2}]
    assert t.events_at(5) == [{"reason": "Scheduled", "count": 2}]  # expired Events drop out
    assert t.events_at(4, limit=1) == [{"reason": "Started"}]


def test_revisions_must_increase():
    t = Timeline(10, 0.0, {})
    with pytest.raises(ValueError):
        t.append(Step(10, 1.0, "ADDED", "Pod", "ns", "p"), {})
    t.append(Step(11, 1.0, "ADDED", "Pod", "ns", "p"), {})
    with pytest.raises(ValueError):
        t.append(Step(11, 1.0, "MODIFIED", "Pod", "ns", "p"), {})
    with pytest.raises(ValueError):
        Timeline(0, 0.0, {}, every=0)


def test_keyframes_bound_the_replay():
    t = Timeline(0, 0.0, {}, every=4)
    for r in range(1, 11):
        t.append(Step(r, float(r), "ADDED", "Pod", "ns", f"p{r}"), {"n": r})
    assert len(t._keyframes) == 3  # at 0, 4 and 8 rows
    assert t.index_of(0) == 0 and t.index_of(4) == 4 and t.index_of(99) == 10
    assert sorted(k[2] for k in t.state_at(9)) == sorted(f"p{r}" for r in range(1, 10))
