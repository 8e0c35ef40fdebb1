"""tests/perf/bench_pods.replay_floor: the apply's changelog replayed, body for body, into a new database
leaves there exactly the objects of the phase as the source holds them (what its timing is the floor of)."""
from __future__ import annotations

from litekube.api import applying
from litekube.api.server import Api
from litekube.model import manifests, nodes
from litekube.runtime import embedded
from litekube.store import Store
from tests.perf.bench_pods import pod_manifest, replay_floor


def _current(store: Store, keys: set) -> dict:
    with store.read() as reader:
        out = {}
        for kind, namespace, name in keys:
            stored = reader.get(kind, namespace, name)
            if stored is not None:
                body = dict(stored.body)
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
