"""The web view's history on a real store: a rollout step by step, live refresh, and compaction's baseline."""
from __future__ import annotations

import sqlite3

import pytest

from litekube.api.history import History
from litekube.api.server import Api
from litekube.store import Store
from tests.cli.conftest import SAMPLES, Litekube


@pytest.fixture
def cluster(tmp_path):
    """The samples applied and rolled to a new image through the CLI; yields (CLI, Api)."""
    lk = Litekube(tmp_path / "history.db")
    assert lk("apply", "-f", str(SAMPLES)).exit_code == 0
    assert lk("set", "image", "deployment/web", "nginx=nginx:1.28", "-n", "demo").exit_code == 0
    store = Store(str(lk.db))
    yield lk, Api(store)
    store.close()


def hashes(frame) -> set[str]:
    return {p["hash"] for n in frame["nodes"] for p in n["pods"]} | {p["hash"] for p in frame["unscheduled"]}


def test_the_slider_walks_through_the_rollout(cluster):
    _, api = cluster
    history = History(api, every=16)
    steps = history.steps()["steps"]
    revisions = [s[0] for s in steps]
    assert revisions == sorted(revisions) and history.steps()["start"] == 0
    created = [s[0] for s in steps if s[2:5] == ["ADDED", "ReplicaSet", "demo"]]
    assert len(created) == 2  # the first ReplicaSet, then the rollout's (kube-system's CoreDNS has its own)
    seen = [hashes(history.frame(r, "demo")) for r in revisions]
    rollout = revisions.index(created[1])
    old, = seen[rollout - 1]  # settled after apply: one ReplicaSet's pods
    new, = seen[-1]
    assert new != old
    assert {old, new} in seen[rollout:]  # some step has old and new pods side by side
    first_both = seen.index({old, new})
    assert all(s == {old} for s in seen[rollout - 1:first_both])
    images = {first_both: history.frame(revisions[first_both], "demo")}
    # the tree shows both ReplicaSets during the rollout
    [deployment] = images[first_both]["workloads"]
    assert [c["kind"] for c in deployment["children"]] == ["ReplicaSet", "ReplicaSet"]


def test_frames_are_clamped_and_carry_their_step(cluster):
    _, api = cluster
    history = History(api)
    head = history.timeline.head
    assert history.frame(10 ** 9)["revision"] == head and history.frame(-5)["revision"] == 0
    assert history.frame(-5)["nodes"] == [] and history.frame(-5)["step"] is None
    frame = history.frame(head)
    assert frame["position"] == len(history.timeline) and frame["step"][0] in ("ADDED", "MODIFIED", "DELETED")
    assert all(e["namespace"] == "demo" for e in history.frame(head, "demo")["events"])


def test_refresh_appends_what_was_written_since(cluster):
    lk, api = cluster
    history = History(api)
    before = history.timeline.head
    assert lk("scale", "deployment/web", "--replicas", "1", "-n", "demo").exit_code == 0
    assert history.refresh() > before
    assert history.steps(before)["steps"][0][0] > before
    pods = [p for n in history.frame(history.timeline.head, "demo")["nodes"] for p in n["pods"]
            if p["state"] != "terminating"]
    assert len(pods) == 1


def test_a_node_failure_and_its_evictions(tmp_path):
    lk = Litekube(tmp_path / "down.db")
    assert lk("apply", "-f", str(SAMPLES)).exit_code == 0
    assert lk("fault", "node-down", "node-1").exit_code == 0
    assert lk("advance", "6m").exit_code == 0
    store = Store(str(lk.db))
    try:
        history = History(Api(store))
        states = [{n["name"]: (n["state"], n["down"]) for n in history.frame(s[0])["nodes"]}
                  for s in history.steps()["steps"]]
        assert states[-1]["node-1"] == ("unknown", True)
        assert ("ready", True) in [s.get("node-1") for s in states]  # down before its Ready turned Unknown
        end = history.frame(history.timeline.head, "demo")
        node1 = {n["name"]: n for n in end["nodes"]}["node-1"]
        assert all(p["state"] in ("terminating", "unknown") for p in node1["pods"])
        assert sum(p["state"] == "ready" for n in end["nodes"] for p in n["pods"]) == 3
        reasons = {e["reason"] for s in history.steps()["steps"] for e in history.frame(s[0])["events"]}
        assert {"NodeNotReady", "TaintManagerEviction"} <= reasons
    finally:
        store.close()


@pytest.mark.sqlite_only  # copies the file with sqlite3's backup
def test_after_compaction_every_revision_past_the_approximate_ones_is_exact(cluster, tmp_path):
    lk, api = cluster
    full = History(api)
    copy = tmp_path / "compacted.db"
    with sqlite3.connect(lk.db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    store = Store(str(copy))
    try:
        point = store.compact(history=60, min_age=0)
        point = store.compacted()
        assert point > 0
        compacted = History(Api(store))
        timeline = compacted.timeline
        assert timeline.start == point and timeline.approximate_until >= point
        for revision in range(timeline.approximate_until, timeline.head + 1):
            assert timeline.state_at(revision) == full.timeline.state_at(revision), revision
        # before that, only objects changed after the compaction point may differ
        assert compacted.frame(point)["approximate"] is True
        assert compacted.frame(timeline.head)["approximate"] is False
    finally:
        store.close()
