"""The controllers' cache snapshot in chunks: MemoryView.pieces and restore (pure), and the store's
header and snapshot_chunk rows (save replaces, load streams, a torn snapshot is refused)."""
from __future__ import annotations

import marshal

import pytest

from litekube.reconcile import views
from litekube.reconcile.views import MemoryView
from litekube.runtime import controlplane
from litekube.runtime.controlplane import _encode as snapshot_encode  # the runtime's encoder (takes FrozenDict)
from litekube.store import Store
from litekube.store import objects as stored


def pod(name: str, node: str = "", *, labels: dict | None = None, owner: str | None = None, priority: int = 0,
        nominated: str = "", config: str = "", unschedulable: bool = False) -> dict:
    meta: dict = {"name": name, "namespace": "default", "uid": f"u-{name}", "labels": labels or {"app": "web"}}
    if owner:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": owner,
                                    "uid": f"u-{owner}", "controller": True}]
    spec: dict = {"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "100m"}}}],
                  "priority": priority}
    if node:
        spec["nodeName"] = node
    if config:
        spec["volumes"] = [{"name": "v", "configMap": {"name": config}}]
    status: dict = {"phase": "Running" if node else "Pending"}
    if nominated:
        status["nominatedNodeName"] = nominated
    if unschedulable:
        status["conditions"] = [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def objects() -> list[dict]:
    out: list[dict] = [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"n{i}", "uid": f"u-n{i}"},
                        "status": {"allocatable": {"cpu": "4", "pods": "110"}}} for i in range(3)]
    out.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default",
                                                                    "uid": "u-svc"},
                "spec": {"selector": {"app": "web"}}})
    out.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "conf", "namespace": "default",
                                                                      "uid": "u-conf"}})
    for i in range(9):
        out.append(pod(f"p{i}", f"n{i % 3}", owner="rs" if i % 2 else None, priority=i % 3,
                       config="conf" if i < 4 else "", labels={"app": "web", "i": str(i % 2)}))
    out.append(pod("waiting", nominated="n1", owner="rs"))
    out.append(pod("stuck", unschedulable=True))
    return out


def state(view: MemoryView) -> dict:
    """Everything restore rebuilds, in the order the view holds it."""
    out: dict = {"keys": list(view._objects), "skip": view.skip, "generations": view._generations,
                 "by_kind": {k: {ns: list(names) for ns, names in v.items()} for k, v in view._by_kind.items()},
                 "by_uid": list(view._by_uid.items()), "usage": view._usage, "priorities": view._priorities,
                 "all_priorities": view._all_priorities,
                 "pod_groups": {uid: {f: list(keys) for f, keys in g.items()} for uid, g in view._pod_groups.items()}}
    for name in MemoryView._KEYED:
        out[name] = {where: list(found) for where, found in getattr(view, name).items()}
    for name in MemoryView._SETS:
        out[name] = dict(getattr(view, name))
    for name in MemoryView._FLAT:
        out[name] = list(getattr(view, name))
    return out


class TestPieces:
    def test_restore_rebuilds_every_index_without_decoding(self):
        view = MemoryView(objects(), skip={"Event"})
        for size in (1, 2, 3, 1000):
            decoded: list = []
            restored = MemoryView.restore(view.pieces(snapshot_encode, size=size),
                                          lambda b: decoded.append(1) or marshal.loads(b))
            assert state(restored) == state(view)
            assert decoded == [] and all(o.__class__ is bytes for o in restored._objects.values())
            assert restored.all_objects() == view.all_objects() and len(decoded) == len(view)

    def test_a_chunk_holds_at_most_size_objects_or_positions(self):
        view = MemoryView([pod(f"p{i}", "n0") for i in range(4)])
        chunks = [marshal.loads(c) for c in view.pieces(snapshot_encode, size=4)]
        assert [c[0] for c in chunks][:2] == ["head", "objects"] and chunks[-1] == ("end", 4, chunks[-1][2])
        assert [len(c[1]) for c in chunks if c[0] == "objects"] == [4]  # size objects: one chunk
        chunks = [marshal.loads(c) for c in MemoryView([pod(f"p{i}", "n0") for i in range(5)])
                  .pieces(snapshot_encode, size=4)]
        assert [len(c[1]) for c in chunks if c[0] == "objects"] == [4, 1]  # one more: two
        # an index entry longer than a chunk (the 5 pods on n0) is split; a chunk's positions stay within size
        parts = [r for c in chunks if c[0] == "index" for r in c[1] if r[0] == "_by_node"]
        assert [len(r[2]) for r in parts] == [4, 1] and {r[1] for r in parts} == {"n0"}
        assert all(sum(len(r[2]) + 1 for r in c[1][:-1]) < 4 for c in chunks if c[0] == "index")

    def test_a_previously_restored_body_is_kept_as_it_was(self):
        view = MemoryView(objects())
        restored = MemoryView.restore(view.pieces(snapshot_encode), marshal.loads)
        bodies = dict(restored._objects)
        again = MemoryView.restore(restored.pieces(lambda obj: pytest.fail("encoded again")), marshal.loads)
        assert again._objects == bodies and all(o.__class__ is bytes for o in bodies.values())

    def test_the_runtime_encoder_takes_dict_and_list_subclasses_as_plain_values(self):
        class Frozen(dict):
            pass

        class Items(list):
            pass

        obj = pod("p", "n0")
        odd = Frozen(obj, spec=Frozen(obj["spec"], containers=Items(Frozen(c) for c in obj["spec"]["containers"])))
        restored = MemoryView.restore(MemoryView([odd]).pieces(controlplane._encode), marshal.loads)
        (body,) = restored._objects.values()  # as stored, before a read shares it (FrozenList when frozen)
        back = marshal.loads(body)
        assert back == obj and type(back) is dict and type(back["spec"]["containers"]) is list
        assert restored.all_objects() == [obj]

    @pytest.mark.parametrize("tear", ["no end", "a chunk missing", "an extra chunk", "counts", "version",
                                      "empty", "garbage", "objects after the indexes"])
    def test_a_torn_set_of_chunks_is_refused(self, tear):
        chunks = list(MemoryView(objects()).pieces(snapshot_encode, size=3))
        if tear == "no end":
            chunks = chunks[:-1]
        elif tear == "a chunk missing":
            del chunks[2]
        elif tear == "an extra chunk":
            chunks.append(chunks[1])
        elif tear == "counts":
            tag, count, records = marshal.loads(chunks[-1])
            chunks[-1] = marshal.dumps((tag, count, records + 1))
        elif tear == "version":
            head = marshal.loads(chunks[0])
            chunks[0] = marshal.dumps((head[0], views.SNAPSHOT_VERSION - 1, *head[2:]))
        elif tear == "empty":
            chunks = []
        elif tear == "garbage":
            chunks[1] = b"\x00not marshal"
        else:
            chunks.insert(-1, chunks[1])
        with pytest.raises(ValueError, match="not a whole snapshot"):
            MemoryView.restore(chunks, marshal.loads)


@pytest.fixture
def store(backend):
    s = Store(backend.db("snap.db"))
    yield s
    s.close()


def rows(store: Store) -> list[tuple]:
    with store.read() as reader:
        return [tuple(r) for r in reader._q("SELECT token, seq FROM snapshot_chunk ORDER BY token, seq").fetchall()]


class TestStore:
    def test_none_until_saved_then_the_chunks_in_order(self, store):
        assert store.load_snapshot() is None
        store.save_snapshot(7, "f", [b"one", b"", b"three"])
        revision, form, chunks = store.load_snapshot()
        assert (revision, form, list(chunks)) == (7, "f", [b"one", b"", b"three"])

    def test_a_save_replaces_the_snapshot_and_deletes_the_old_chunks(self, store):
        store.save_snapshot(1, "f", [b"a", b"b"])
        store.save_snapshot(2, "g", [b"c"])
        revision, form, chunks = store.load_snapshot()
        assert (revision, form, list(chunks)) == (2, "g", [b"c"])
        assert [seq for _, seq in rows(store)] == [0]

    def test_chunks_are_made_outside_any_transaction_and_the_header_comes_last(self, store, monkeypatch):
        monkeypatch.setattr(stored, "SNAPSHOT_WRITE", 1)
        def chunks():
            for body in (b"x", b"y"):
                with store.write() as writer:  # no transaction of the save's is open
                    writer.create("ConfigMap", "default", body.decode(), "u-" + body.decode(), {"kind": "ConfigMap"})
                found = store.load_snapshot()
                assert found is None or found[0] == 1  # still the previous snapshot
                yield body
        store.save_snapshot(1, "f", [b"old"])
        store.save_snapshot(2, "f", chunks())
        revision, _, loaded = store.load_snapshot()
        assert (revision, list(loaded)) == (2, [b"x", b"y"])

    @pytest.mark.parametrize("budget, writes", [(5, 2), (6, 1), (1, 4)])
    def test_chunks_wait_until_snapshot_write_bytes_of_them_then_go_in_one_write(self, store, monkeypatch,
                                                                                  budget, writes):
        monkeypatch.setattr(stored, "SNAPSHOT_WRITE", budget)
        made, real = [], store.write
        monkeypatch.setattr(store, "write", lambda: made.append(1) or real())
        store.save_snapshot(1, "f", [b"aa", b"bb", b"c"])  # 5 bytes in all: a write once 5 wait (then the header's)
        assert len(made) == writes
        _, _, chunks = store.load_snapshot()
        assert list(chunks) == [b"aa", b"bb", b"c"]

    def test_a_save_whose_chunks_a_concurrent_save_deleted_writes_no_header(self, store, monkeypatch):
        monkeypatch.setattr(stored, "SNAPSHOT_WRITE", 1)  # each chunk written as soon as it is made
        def chunks():
            yield b"first"
            store.save_snapshot(3, "f", [b"other"])  # a save that finishes in between deletes them
            yield b"second"
        store.save_snapshot(2, "f", chunks())
        revision, _, loaded = store.load_snapshot()
        assert (revision, list(loaded)) == (3, [b"other"])
        assert len(rows(store)) == 1

    def test_a_stopped_save_keeps_the_previous_snapshot_and_the_next_deletes_its_chunks(self, store, monkeypatch):
        monkeypatch.setattr(stored, "SNAPSHOT_WRITE", 1)
        def chunks():
            yield b"half"
            raise KeyboardInterrupt
        store.save_snapshot(1, "f", [b"kept"])
        with pytest.raises(KeyboardInterrupt):
            store.save_snapshot(2, "f", chunks())
        revision, _, loaded = store.load_snapshot()
        assert (revision, list(loaded)) == (1, [b"kept"]) and len(rows(store)) == 2
        store.save_snapshot(3, "f", [b"new"])
        assert len(rows(store)) == 1

    def test_a_missing_chunk_is_refused_when_it_is_taken(self, store):
        store.save_snapshot(1, "f", [b"a", b"b", b"c"])
        with store.write() as writer:
            writer._q("DELETE FROM snapshot_chunk WHERE seq = 1")
        _, _, chunks = store.load_snapshot()
        assert next(chunks) == b"a"
        with pytest.raises(ValueError, match="chunk 1 of 3 is missing"):
            next(chunks)

    def test_a_changed_chunk_fails_the_checksum_after_the_last(self, store):
        store.save_snapshot(1, "f", [b"a", b"b"])
        with store.write() as writer:
            writer._q("UPDATE snapshot_chunk SET body = ? WHERE seq = 1", (b"B",))
        _, _, chunks = store.load_snapshot()
        assert [next(chunks), next(chunks)] == [b"a", b"B"]
        with pytest.raises(ValueError, match="checksum"):
            next(chunks)

    def test_a_view_round_trips_through_the_store(self, store):
        view = MemoryView(objects())
        store.save_snapshot(5, "f", view.pieces(snapshot_encode, size=2))
        _, _, chunks = store.load_snapshot()
        assert state(MemoryView.restore(chunks, marshal.loads)) == state(view)
        assert len(rows(store)) > 10
