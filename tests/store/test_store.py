"""The store on real SQLite and PostgreSQL: revisions, compare-and-swap, changelog, compaction."""
from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from litekube import errors
from litekube.store import Store, dialects, triggers


def cm(name: str, **data: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"},
            "data": data}


@pytest.fixture
def store(backend):
    s = Store(backend.db("t.db"))
    with s.write() as w:
        w.set_clock(1_000_000.0)  # virtual time, the default: the clock moves only when told
    yield s
    s.close()


class TestRevisions:
    def test_every_write_gets_the_next_revision(self, store):
        with store.write() as w:
            assert w.create("ConfigMap", "default", "a", "u1", cm("a")) == 1
            assert w.create("ConfigMap", "default", "b", "u2", cm("b")) == 2
        with store.write() as w:
            assert w.update("ConfigMap", "default", "a", cm("a", x="1"), 1) == 3
            assert w.delete("ConfigMap", "default", "b") == 4
        assert [(c.revision, c.type, c.name) for c in store.changes(0)] == [
            (1, "ADDED", "a"), (2, "ADDED", "b"), (3, "MODIFIED", "a"), (4, "DELETED", "b")]

    def test_a_no_op_write_creates_no_revision(self, store):
        with store.write() as w:
            w.create("ConfigMap", "default", "a", "u1", cm("a", x="1"))
            assert w.update("ConfigMap", "default", "a", cm("a", x="1"), 1) == 1
        assert store.revision() == 1
        assert len(store.changes(0)) == 1

    def test_updates_in_one_transaction_return_the_revisions_they_stored(self, store):
        # SQLite tells a changed body from an equal one by the rows its trigger wrote (no read-back):
        # each update returns what the row holds, whether it made a revision or not.
        with store.write() as w:
            w.create("ConfigMap", "default", "a", "u1", cm("a"))
            w.create("Event", "default", "e", "u2", cm("e"))  # a kind with a time to live
            returned = [w.update("ConfigMap", "default", "a", cm("a", x="1"), 1),
                        w.update("ConfigMap", "default", "a", cm("a", x="1"), 3),
                        w.update("Event", "default", "e", cm("e", n="1"), 2),
                        w.update("Event", "default", "e", cm("e", n="1"), 4),
                        w.update("ConfigMap", "default", "a", cm("a", x="2"), 3)]
            assert returned == [3, 3, 4, 4, 5]
            assert w.revision() == 5
            assert [w.get("ConfigMap", "default", "a").resource_version,
                    w.get("Event", "default", "e").resource_version] == [5, 4]
        with store.write() as w:  # a fresh transaction: the revision is not known yet
            assert w.update("ConfigMap", "default", "a", cm("a", x="2"), 5) == 5
            assert w.update("ConfigMap", "default", "a", cm("a", x="3"), 5) == 6
        assert [(c.revision, c.name) for c in store.changes(2)] == [(3, "a"), (4, "e"), (5, "a"), (6, "a")]

    def test_a_rolled_back_transaction_leaves_no_hole(self, store):
        with pytest.raises(RuntimeError):
            with store.write() as w:
                w.create("ConfigMap", "default", "a", "u1", cm("a"))
                raise RuntimeError("boom")
        with store.write() as w:
            assert w.create("ConfigMap", "default", "b", "u2", cm("b")) == 1
        assert [c.name for c in store.changes(0)] == ["b"]

    def test_the_body_carries_its_resource_version(self, store):
        with store.write() as w:
            w.create("ConfigMap", "default", "a", "u1", cm("a"))
        with store.read() as r:
            assert r.get("ConfigMap", "default", "a").body["metadata"]["resourceVersion"] == "1"
        change = store.changes(0)[0]
        assert change.body["metadata"]["resourceVersion"] == "1"
        assert change.time == 1_000_000.0

    def test_the_deleted_row_keeps_the_last_body(self, store):
        with store.write() as w:
            w.create("ConfigMap", "default", "a", "u1", cm("a", x="1"))
            w.delete("ConfigMap", "default", "a")
        deleted = store.changes(1)[0]
        assert (deleted.type, deleted.body["data"], deleted.prev_revision) == ("DELETED", {"x": "1"}, 1)


class TestCompareAndSwap:
    def test_a_stale_resource_version_is_a_conflict_and_changes_nothing(self, store):
        with store.write() as w:
            w.create("ConfigMap", "default", "a", "u1", cm("a"))
            w.update("ConfigMap", "default", "a", cm("a", x="1"), 1)
        with pytest.raises(errors.Conflict) as exc:
            with store.write() as w:
                w.update("ConfigMap", "default", "a", cm("a", x="2"), 1)
        assert exc.value.render() == (
            'Error from server (Conflict): Operation cannot be fulfilled on configmaps "a": the object '
            "has been modified; please apply your changes to the latest version and try again")
        with store.read() as r:
            assert r.get("ConfigMap", "default", "a").body["data"] == {"x": "1"}
        assert store.revision() == 2

    def test_creating_twice_is_already_exists(self, store):
        with store.write() as w:
            w.create("Deployment", "default", "web", "u1", {"kind": "Deployment"})
        with pytest.raises(errors.AlreadyExists, match='deployments.apps "web" already exists'):
            with store.write() as w:
                w.create("Deployment", "default", "web", "u2", {"kind": "Deployment"})

    def test_updating_a_missing_object_is_not_found(self, store):
        with pytest.raises(errors.NotFound, match='pods "x" not found'):
            with store.write() as w:
                w.update("Pod", "default", "x", {"kind": "Pod"}, 1)


class TestWatchAndCompaction:
    def fill(self, store, n):
        for i in range(n):
            with store.write() as w:
                w.create("ConfigMap", "default", f"c{i}", f"u{i}", cm(f"c{i}"))

    def test_changes_after_a_revision_and_by_kind(self, store):
        self.fill(store, 5)
        with store.write() as w:
            w.create("Secret", "default", "s", "us", {"kind": "Secret"})
        assert [c.revision for c in store.changes(3)] == [4, 5, 6]
        assert [c.revision for c in store.changes(0, kinds_=["Secret"])] == [6]
        assert [c.revision for c in store.changes(0, limit=2)] == [1, 2]

    def test_compaction_keeps_the_history_and_expires_older_reads(self, store):
        self.fill(store, 25)
        assert store.compact(history=10, min_age=0, batch=4) == 15
        assert store.compacted() == 15
        assert [c.revision for c in store.changes(15)][0] == 16
        with pytest.raises(errors.Expired) as exc:
            store.changes(14)
        assert exc.value.render() == "Error from server (Expired): too old resource version: 14 (15)"

    def test_compaction_keeps_young_revisions(self, backend):
        store = Store(backend.db("t.db"))
        with store.write() as w:
            w.set_clock(1000.0)
        self.fill(store, 5)
        with store.write() as w:
            w.set_clock(2000.0)
        for i in range(5, 10):
            with store.write() as w:
                w.create("ConfigMap", "default", f"c{i}", f"u{i}", cm(f"c{i}"))
        # history 2 would allow compacting to 8, but revisions 6..10 are younger than 300s
        assert store.compact(history=2, min_age=300) == 5
        store.close()

    def test_nothing_to_compact_is_a_no_op(self, store):
        self.fill(store, 3)
        assert store.compact() == 0
        assert len(store.changes(0)) == 3


def _increment(path: str, rounds: int) -> int:
    """A controller-style read-modify-write loop with CAS retries; returns conflicts seen."""
    store = Store(path)
    conflicts = 0
    done = 0
    while done < rounds:
        with store.read() as r:
            current = r.get("ConfigMap", "default", "counter")
        body = current.body
        body["data"]["n"] = str(int(body["data"]["n"]) + 1)
        try:
            with store.write() as w:
                w.update("ConfigMap", "default", "counter", body, current.resource_version)
            done += 1
        except errors.Conflict:
            conflicts += 1
    store.close()
    return conflicts


class TestConcurrentProcesses:
    def test_no_update_is_lost_and_nothing_is_locked(self, backend):
        path = backend.db("shared.db")
        store = Store(path)
        with store.write() as w:
            w.create("ConfigMap", "default", "counter", "u", cm("counter", n="0"))
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(4) as pool:
            pool.starmap(_increment, [(path, 50)] * 4)
        with store.read() as r:
            assert r.get("ConfigMap", "default", "counter").body["data"]["n"] == "200"
        assert store.revision() == 201
        store.close()


class TestClock:
    def test_virtual_time_stands_still_until_moved(self, backend):
        store = Store(backend.db("c.db"), wall=lambda: 5000.0)
        with store.write() as w:
            w.set_clock(100.0)
        assert store.now() == 100.0
        with store.write() as w:
            w.set_clock(50.0)  # never backwards
        assert store.now() == 100.0

    def test_wall_time_follows_the_wall_clock_on_writes(self, backend):
        wall = [5000.0]
        store = Store(backend.db("c.db"), wall=lambda: wall[0])
        with store.write() as w:
            w.set_clock(100.0, virtual=False)
        assert store.now() == 5000.0
        wall[0] = 6000.0
        with store.write() as w:
            w.create("ConfigMap", "default", "a", "u", cm("a"))
        assert store.changes(0)[0].time == 6000.0


@pytest.mark.sqlite_only  # SQLite's own settings (WAL, BEGIN IMMEDIATE)
class TestSettings:
    @pytest.fixture
    def store(self, tmp_path):
        s = Store(str(tmp_path / "t.db"))
        yield s
        s.close()

    def test_wal_and_synchronous_normal(self, store, tmp_path):
        with store.read() as r:
            assert r._q("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert r._q("PRAGMA synchronous").fetchone()[0] == 1
            assert r._q("PRAGMA busy_timeout").fetchone()[0] == 30000

    def test_write_transactions_begin_immediate(self, store, tmp_path):
        """A second writer waits on the lock instead of failing at once."""
        other = sqlite3.connect(str(tmp_path / "t.db"), timeout=0.05, isolation_level=None)
        with store.write() as w:
            w.create("ConfigMap", "default", "a", "u", cm("a"))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        other.close()


class TestAutomaticCompaction:
    def test_the_control_plane_compacts_past_the_kept_history(self, backend, monkeypatch):
        from litekube.api.server import Api
        from litekube.runtime import embedded

        monkeypatch.setenv("LITEKUBE_HISTORY", "50")
        store = Store(backend.db("c.db"))
        api = Api(store, node_count=0)
        for i in range(1100):
            with store.write() as w:
                w.create("ConfigMap", "default", f"c{i}", f"u{i}", cm(f"c{i}"))
        embedded.settle(api)
        head = store.revision()
        # min_age keeps the last 5 minutes too: nothing here is older, so move the clock on first
        with store.write() as w:
            w.set_clock(store.now() + 600)
        embedded.settle(api)
        assert store.compacted() == head - 50
        with pytest.raises(errors.Expired):
            store.changes(0)
        store.close()


class TestLimits:
    def test_an_object_over_etcds_request_limit_is_refused(self, store):
        with pytest.raises(errors.StorageError) as exc:
            with store.write() as w:
                w.create("ConfigMap", "default", "big", "u", cm("big", blob="x" * (1536 * 1024)))
        assert exc.value.render() == "Error from server: etcdserver: request is too large"
        assert store.revision() == 0


class TestPostgreSQL:
    """What the PostgreSQL dialect adds: its transactions, the writers' lock, the wake-up."""

    @pytest.fixture
    def url(self, pg_database):
        return pg_database

    def test_reads_are_repeatable_read_snapshots_and_read_only(self, url):
        store = Store(url)
        with store.read() as r:
            assert r._q("SHOW transaction_isolation").fetchone()[0] == "repeatable read"
            assert r._q("SHOW transaction_read_only").fetchone()[0] == "on"
        store.close()

    def test_a_second_writer_waits_for_the_first_to_commit(self, url):
        import psycopg

        store = Store(url)
        other = psycopg.connect(store.dialect.conninfo, autocommit=True)
        other.execute("SET lock_timeout = '50ms'")
        with store.write() as w:
            w.create("ConfigMap", "default", "a", "u", cm("a"))
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("BEGIN")
                other.execute(f"SELECT pg_advisory_xact_lock({dialects.WRITE_LOCK})")
            other.execute("ROLLBACK")
        other.execute("BEGIN")
        other.execute(f"SELECT pg_advisory_xact_lock({dialects.WRITE_LOCK})")
        other.execute("ROLLBACK")
        other.close()
        store.close()

    def test_a_commit_wakes_a_waiting_poller_and_a_timeout_does_not(self, url):
        import threading

        store, other = Store(url), Store(url)
        assert store.wait_for_change(0.05) is False  # nothing committed: the wait times out
        woke = []
        waiter = threading.Thread(target=lambda: woke.append(store.wait_for_change(30.0)))
        waiter.start()
        while store._listener is None or store._listener._raw is None:  # listening before the commit
            threading.Event().wait(0.01)
        with other.write() as w:
            w.create("ConfigMap", "default", "a", "u", cm("a"))
        waiter.join(30.0)
        assert woke == [True]
        store.close()
        other.close()

    def test_a_rolled_back_write_sends_no_wake_up(self, url):
        store, other = Store(url), Store(url)
        store.wait_for_change(0.0)  # listening from here on
        with pytest.raises(RuntimeError):
            with other.write() as w:
                w.create("ConfigMap", "default", "a", "u", cm("a"))
                raise RuntimeError("boom")
        assert store.wait_for_change(0.2) is False
        store.close()
        other.close()

    def test_keys_order_byte_wise_as_on_sqlite(self, url):
        store = Store(url)
        names = ["b", "B", "a-1", "a.1", "a1", "\u00e9", "Z"]
        with store.write() as w:
            for n in names:
                w.create("ConfigMap", "default", n, "u" + n, cm(n))
        with store.read() as r:
            assert [o.name for o in r.list("ConfigMap")] == sorted(names)
        store.close()

    def test_the_triggers_are_installed(self, url):
        store = Store(url)
        assert store.dialect.triggers(store._connection()) == set(triggers.PG_NAMES)
        store.close()


class TestPages:
    """A page of a list (`start` key, `limit`) reads its own rows: a keyset on the key's index."""

    def _fill(self, store) -> None:
        with store.write() as w:
            for i, (ns, name) in enumerate([("a", "x"), ("b", "m"), ("b", "n"), ("b", "o"), ("c", "a")]):
                w.create("ConfigMap", ns, name, f"u{i}", {**cm(name), "metadata": {"name": name, "namespace": ns}})

    def test_start_and_limit_across_and_in_a_namespace(self, store):
        self._fill(store)
        with store.read() as r:
            keys = lambda stored: [(s.namespace, s.name) for s in stored]  # noqa: E731
            assert keys(r.list("ConfigMap", start=("b", "n"), limit=2)) == [("b", "n"), ("b", "o")]
            assert keys(r.list("ConfigMap", start=("b", "o\x00"))) == [("c", "a")]
            assert keys(r.list("ConfigMap", "b", start=("b", "m\x00"), limit=5)) == [("b", "n"), ("b", "o")]
            assert keys(r.list("ConfigMap", "b", start=("c", ""))) == []
            assert keys(r.list("ConfigMap", "b", start=("a", "z"), limit=1)) == [("b", "m")]
            assert [r.count("ConfigMap", start=s) for s in (None, ("b", "n"), ("b", "o\x00"), ("d", ""))] == [5, 3, 1, 0]
            assert r.count("ConfigMap", "b", start=("b", "m\x00")) == 2

    def test_a_past_page_and_its_count(self, store):
        from litekube.store import revisions
        self._fill(store)
        at = store.revision()
        with store.write() as w:
            w.delete("ConfigMap", "b", "n")  # deleted since: still in the past page
            w.create("ConfigMap", "b", "mm", "u9", {**cm("mm"), "metadata": {"name": "mm", "namespace": "b"}})
            w.update("ConfigMap", "b", "o", {**cm("o", v="2"), "metadata": {"name": "o", "namespace": "b"}}, 4)
        with store.read() as r:
            page = revisions.list_at(r, "ConfigMap", None, at, start=("b", "m"), limit=2)
            assert [(s.namespace, s.name, s.resource_version) for s in page] == [("b", "m", 2), ("b", "n", 3)]
            page = revisions.list_at(r, "ConfigMap", None, at, start=("b", "n\x00"), limit=5)
            assert [(s.name, s.body.get("data")) for s in page] == [("o", {}), ("a", {})]
            assert [revisions.count_at(r, "ConfigMap", None, at, s) for s in (None, ("b", "m\x00"), ("b", "o\x00"))] \
                == [5, 3, 1]
            assert revisions.count_at(r, "ConfigMap", "b", at, ("b", "")) == 3
