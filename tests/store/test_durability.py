"""Durable commits on PostgreSQL with the flush outside the writers' lock (dialects' `flush="after-lock"`).

On a server with PostgreSQL's durable defaults (fsync on, synchronous
commit on; the test suite's shared server has both off), and with the WAL
writer slowed to one flush per 10 s (`wal_writer_delay`), so a commit that
nobody flushes stays unflushed for the length of a test:
- every acknowledged write survives a crash of the server (`pg_ctl stop -m
  immediate`, no checkpoint) with its revision, while writers are writing;
- the barrier is issued: when `Store.write` returns, the WAL is flushed
  past its commit (and without the barrier it is not, so the check can tell);
  a write transaction that wrote nothing writes no WAL, no barrier either;
- a changelog read that finds rows returns them only once they are durable,
  even when their writer never flushed;
- the concurrency test of test_concurrency.py (writers, a watcher, gap-free
  revisions in order) on this server.
"""
from __future__ import annotations

import threading
import time

import psycopg
import pytest

from litekube import errors
from litekube.store import Store
from tests import pgserver
from tests.store import test_concurrency


class SlowFlushServer(pgserver.Server):
    """PostgreSQL's durable settings; the WAL writer flushes at most every 10 s (or per 1 MB of WAL), and
    nothing else writes WAL in the background (no autovacuum, no standby snapshots at wal_level minimal)."""

    def _options(self) -> str:
        return super()._options() + (" -c wal_writer_delay=10s -c autovacuum=off -c wal_level=minimal"
                                     " -c max_wal_senders=0")


@pytest.fixture(scope="module")
def server():
    yield from pgserver.running(SlowFlushServer(durable=True))


def admin(server: SlowFlushServer, url: str) -> psycopg.Connection:
    name = url.split("?", 1)[0].rsplit("/", 1)[1]
    return psycopg.connect(f"host={server.socket} user=postgres dbname={name}", autocommit=True)


@pytest.fixture
def opened(server):
    """A store on a new database of the server, and an administrator's connection to that database."""
    url = server.database()
    store, conn = Store(url), admin(server, url)
    yield store, conn
    conn.close()
    store.close()


def flushed(conn: psycopg.Connection) -> bool:
    """Whether every WAL record inserted so far is flushed to disk."""
    return conn.execute("SELECT pg_current_wal_flush_lsn() >= pg_current_wal_insert_lsn()").fetchone()[0]


def pod(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"},
            "data": {"v": name}}


def test_a_write_is_flushed_when_the_store_returns(opened):
    store, conn = opened
    assert store.dialect.flush == "after-lock"  # the default
    for i in range(20):
        with store.write() as writer:
            writer.create("ConfigMap", "default", f"a{i}", f"a{i}", pod(f"a{i}"))
        assert flushed(conn), i
    # the control: the same writes with the barrier taken out are not flushed when the store returns
    # (the WAL writer flushes them later), so the check above does tell
    store.dialect.commit_write = lambda raw: raw.execute("COMMIT")
    unflushed = 0
    for i in range(20):
        with store.write() as writer:
            writer.create("ConfigMap", "default", f"b{i}", f"b{i}", pod(f"b{i}"))
        unflushed += not flushed(conn)
    assert unflushed >= 5  # (the WAL writer flushes at most every 10 s, or a full page when idle that long)


def test_a_write_transaction_that_writes_nothing_waits_for_no_flush(opened):
    """One that took the lock and read (an unchanged apply) writes no WAL at all: no barrier either."""
    store, conn = opened
    position = lambda: conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]  # noqa: E731
    with store.write() as writer:
        writer.create("ConfigMap", "default", "a", "a", pod("a"))
    before = position()
    for _ in range(3):
        with store.write() as writer:
            writer.lock()
            assert writer.get("ConfigMap", "default", "a") is not None
    assert position() == before
    with store.write() as writer:
        writer.create("ConfigMap", "default", "b", "b", pod("b"))
    assert position() > before and flushed(conn)


def test_the_write_transaction_commits_asynchronously_and_the_session_keeps_its_setting(server):
    url = server.database()
    store = Store(url)
    try:
        with store.write() as writer:
            writer.create("ConfigMap", "default", "a", "a", pod("a"))
            assert writer._q("SHOW synchronous_commit").fetchone()[0] == "off"  # SET LOCAL: this transaction
        raw = store._write_connection()
        assert raw.execute("SHOW synchronous_commit").fetchone()[0] == "on"  # the barrier's commit waits
    finally:
        store.close()


def test_a_changelog_read_hands_out_rows_only_once_they_are_durable(server):
    url = server.database()
    writing, watching = Store(url), Store(url)
    conn = admin(server, url)
    try:
        writing.dialect.commit_write = lambda raw: raw.execute("COMMIT")  # a writer that never flushes
        for i in range(10):  # (the WAL writer may flush one now and then: a few more writes then)
            with writing.write() as writer:
                writer.create("ConfigMap", "default", f"c{i}", f"c{i}", pod(f"c{i}"))
            horizon = conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]  # past every commit
            if not flushed(conn):
                break
        assert not flushed(conn)  # committed, visible, not on disk
        assert [c.name for c in watching.changes(0)][:1] == ["c0"]
        # the watch primitive returned the rows once they were on disk
        assert conn.execute("SELECT pg_current_wal_flush_lsn() >= %s", (horizon,)).fetchone()[0]
    finally:
        conn.close()
        writing.close()
        watching.close()


def test_acknowledged_writes_survive_a_crash_of_the_server(server):
    url = server.database()
    acknowledged: list[tuple[str, int]] = []
    failed: list[str] = []
    crashed, stop = threading.Event(), threading.Event()

    def write(index: int) -> None:
        store = Store(url)
        seq = 0
        while not stop.is_set():
            seq += 1
            name = f"w{index}-{seq}"
            try:
                with store.write() as writer:
                    rv = writer.create("ConfigMap", "default", name, name, pod(name))
            except (errors.StoreUnavailable, psycopg.Error) as exc:  # the crash: this one is not acknowledged
                failed.append(f"{name}: {exc}")
                if not crashed.is_set():
                    raise
                continue
            acknowledged.append((name, rv))  # the store returned: acknowledged
        store.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 120
        while len(acknowledged) < 150 and time.monotonic() < deadline and all(t.is_alive() for t in threads):
            time.sleep(0.01)
        assert len(acknowledged) >= 150, failed
        crashed.set()
        before = list(acknowledged)
        server.restart(mode="immediate")  # a crash: no checkpoint, unflushed WAL is gone
        after = len(acknowledged)
        deadline = time.monotonic() + 60
        while len(acknowledged) < after + 30 and time.monotonic() < deadline:  # the writers go on after it
            time.sleep(0.01)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    assert len(acknowledged) >= after + 30, failed[-3:]
    store = Store(url)
    try:
        head = store.revision()
        changes = {c.revision: c.name for c in store.changes(0, limit=head + 1)}
        with store.read() as reader:
            stored = {name: reader.get("ConfigMap", "default", name) for name, _ in acknowledged}
        missing = [(name, rv) for name, rv in acknowledged
                   if stored[name] is None or stored[name].resource_version != rv or changes.get(rv) != name]
        assert missing == []  # every acknowledged write, before the crash and after, with its revision
        assert sorted(changes) == list(range(1, head + 1))  # gap-free after the crash
        assert len(before) >= 150
    finally:
        store.close()


def test_writers_and_a_watcher_on_a_durable_server(server, monkeypatch):
    """test_concurrency's test: no lost update, every revision seen once and in order, clean Conflicts."""
    monkeypatch.setenv("LITEKUBE_STRESS_SECONDS", "5")
    monkeypatch.setenv("LITEKUBE_STRESS_WRITERS", "4")
    test_concurrency.test_writers_on_postgresql_lose_nothing_and_the_watcher_misses_nothing(server.database())
