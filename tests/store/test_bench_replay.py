"""tests/perf/bench_pods.replay_floor: the apply's changelog replayed, body for body, into a new database
leaves there exactly the objects of the phase as the source holds them (what its timing is the floor of);
from a copy of the database at the phase's start, it makes the very writes the source made, at the same
revisions."""
from __future__ import annotations

import pytest

from litekube.api import applying
from litekube.api.server import Api
from litekube.model import manifests, nodes
from litekube.runtime import embedded
from litekube.store import Store
from tests.perf.bench_pods import pod_manifest, replay_floor, snapshot_copy


def _current(store: Store, keys: set, versions: bool = False) -> dict:
    with store.read() as reader:
        out = {}
        for kind, namespace, name in keys:
            stored = reader.get(kind, namespace, name)
            if stored is not None:
                body = dict(stored.body)
                if not versions:
                    body["metadata"] = {k: v for k, v in body["metadata"].items() if k != "resourceVersion"}
                out[(kind, namespace, name)] = body
        return out


def test_the_replay_holds_what_the_phase_wrote(tmp_path):
    source = Store(str(tmp_path / "source.db"))
    try:
        api = Api(source, nodes.Shape(), 2)
        embedded.settle(api, budget=0)
        before = source.revision()
        applying.apply(api, manifests.parse(pod_manifest(6), "pods.json"))
        with api.write(trusted=True) as tx:  # a delete in the phase too
            tx.remove("Pod", "default", "p-00005")
        embedded.settle(api, budget=0)
        rows = source.changes(before, limit=100_000)
        keys = {(row.kind, row.namespace, row.name) for row in rows}
        assert any(row.type == "DELETED" for row in rows) and any(row.type == "MODIFIED" for row in rows)
        seconds = replay_floor(source, before, tmp_path, batch=4)
        assert seconds > 0
        replayed = Store(str(tmp_path / "replay.db"))
        try:
            assert _current(replayed, keys) == _current(source, keys)
            assert ("Pod", "default", "p-00005") not in _current(replayed, keys)
            with replayed.read() as reader:
                assert len(reader.list("Pod", "default")) == 5
        finally:
            replayed.close()
    finally:
        source.close()


@pytest.mark.sqlite_only  # the copy is of the SQLite file itself, as the benchmarks run on SQLite
def test_from_a_copy_at_the_start_the_replay_makes_the_same_writes(tmp_path):
    source = Store(str(tmp_path / "source.db"))
    try:
        api = Api(source, nodes.Shape(), 2)
        embedded.settle(api, budget=0)
        applying.apply(api, manifests.parse(pod_manifest(4), "pods.json"))
        embedded.settle(api, budget=0)
        before = source.revision()
        base = snapshot_copy(source, tmp_path / "base.db")
        with api.write(trusted=True) as tx:  # the phase removes a pod that was there before it
            tx.remove("Pod", "default", "p-00003")
        applying.apply(api, manifests.parse(pod_manifest(6), "pods.json"))  # p-00003 again, new; 4 and 5
        embedded.settle(api, budget=0)
        rows = source.changes(before, limit=100_000)
        keys = {(row.kind, row.namespace, row.name) for row in rows}
        assert [row.type for row in rows if row.name == "p-00003" and row.kind == "Pod"][:2] == ["DELETED", "ADDED"]
        replay_floor(source, before, tmp_path, batch=4, base=base)
        replayed = Store(str(tmp_path / "replay.db"))
        try:
            assert replayed.revision() == source.revision()
            assert _current(replayed, keys, versions=True) == _current(source, keys, versions=True)
            with replayed.read() as reader:
                assert len(reader.list("Pod", "default")) == 6
        finally:
            replayed.close()
        copy = Store(str(base))
        try:
            with copy.read() as reader:  # the copy itself is as it was at the start
                assert reader.get("Pod", "default", "p-00003").uid != _current(source, keys)[
                    ("Pod", "default", "p-00003")]["metadata"]["uid"]
                assert reader.get("Pod", "default", "p-00004") is None
        finally:
            copy.close()
    finally:
        source.close()
