"""Concurrent writer processes on PostgreSQL: no lost update, a gap-free ordered changelog, clean Conflicts.

LITEKUBE_STRESS_WRITERS processes (default 8) run for LITEKUBE_STRESS_SECONDS
(default 10) against one database. Each transaction of a writer creates a
ticket object named after it and increments one of a few shared counters
with compare-and-swap, so writers collide; one in four also deletes an old
ticket of its own. A Conflict rolls the whole transaction back. Meanwhile a
watcher in this process follows the changelog by cursor, woken by NOTIFY.

Checked afterwards:
- no lost update: each counter's value is the number of increments its
  writers committed, and its MODIFIED events count 1, 2, 3, ... with each
  event's previous revision the one before it;
- the watcher saw every revision 1..head exactly once, in order, while the
  writers ran, and what it saw is the changelog;
- every Conflict is clean: the tickets that exist are exactly those of
  committed transactions (none of a conflicted one), and the head revision
  is the number of rows written.
"""
from __future__ import annotations

import multiprocessing
import os
import random
import threading
import time

from litekube import errors
from litekube.store import Store

COUNTERS = 3


def _seconds() -> float:
    return float(os.environ.get("LITEKUBE_STRESS_SECONDS") or 10)


def _writers() -> int:
    return int(os.environ.get("LITEKUBE_STRESS_WRITERS") or 8)


def cm(name: str, **data: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"},
            "data": data}


def _writer(url: str, index: int, start, seconds: float, queue) -> None:
    store = Store(url)
    rng = random.Random(index)
    committed: list[tuple[str, str | None, str]] = []  # (ticket, deleted ticket, counter)
    conflicted: list[str] = []
    mine: list[str] = []
    start.wait()
    deadline = time.monotonic() + seconds
    seq = 0
    while time.monotonic() < deadline:
        seq += 1
        ticket = f"t-{index}-{seq}"
        counter = f"counter-{rng.randrange(COUNTERS)}"
        with store.read() as reader:
            current = reader.get("ConfigMap", "default", counter)
        body = current.body
        body["data"]["n"] = str(int(body["data"]["n"]) + 1)
        drop = mine[0] if mine and rng.random() < 0.25 else None
        try:
            with store.write() as writer:
                writer.create("ConfigMap", "default", ticket, ticket, cm(ticket, by=str(index)))
                if drop is not None:
                    writer.delete("ConfigMap", "default", drop)
                writer.update("ConfigMap", "default", counter, body, current.resource_version)
        except errors.Conflict:
            conflicted.append(ticket)
            continue
        committed.append((ticket, drop, counter))
        mine.append(ticket)
        if drop is not None:
            mine.remove(drop)
    store.close()
    queue.put((index, committed, conflicted))


def test_writers_on_postgresql_lose_nothing_and_the_watcher_misses_nothing(pg_database):
    url, seconds, count = pg_database, _seconds(), _writers()
    store = Store(url)
    with store.write() as writer:
        for i in range(COUNTERS):
            writer.create("ConfigMap", "default", f"counter-{i}", f"c{i}", cm(f"counter-{i}", n="0"))
    seen: list = []
    stop = threading.Event()

    def watch() -> None:  # the watch primitive: changes after a cursor, woken by NOTIFY
        follower = Store(url)
        cursor = 0
        while True:
            batch = follower.changes(cursor, limit=1000)
            seen.extend(batch)
            if batch:
                cursor = batch[-1].revision
            elif stop.is_set() and cursor >= follower.revision():
                break
            else:
                follower.wait_for_change(0.5)
        follower.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    ctx = multiprocessing.get_context("spawn")
    start, queue = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(url, i, start, seconds, queue)) for i in range(count)]
    for proc in procs:
        proc.start()
    start.set()
    results = [queue.get(timeout=seconds + 300) for _ in procs]
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    stop.set()
    watcher.join(120)
    assert not watcher.is_alive()

    committed = [c for _, done, _ in results for c in done]
    conflicted = [t for _, _, lost in results for t in lost]
    assert len(committed) > count  # every writer got work done
    # no lost update
    with store.read() as reader:
        counters = {f"counter-{i}": int(reader.get("ConfigMap", "default", f"counter-{i}").body["data"]["n"])
                    for i in range(COUNTERS)}
        tickets = {o.name for o in reader.list("ConfigMap") if o.name.startswith("t-")}
    increments = {name: sum(1 for _, _, c in committed if c == name) for name in counters}
    assert counters == increments
    # clean Conflicts: exactly the committed transactions' tickets remain
    deleted = {d for _, d, _ in committed if d is not None}
    assert tickets == {t for t, _, _ in committed} - deleted
    assert not tickets & set(conflicted)
    head = store.revision()
    assert head == COUNTERS + len(committed) * 2 + len(deleted)  # a ticket, an increment, maybe a delete
    # the watcher: every revision once, in order, and the changelog itself
    assert [c.revision for c in seen] == list(range(1, head + 1))
    assert [(c.revision, c.type, c.name, c.prev_revision) for c in seen] == \
        [(c.revision, c.type, c.name, c.prev_revision) for c in store.changes(0, limit=head + 1)]
    for name in counters:
        events = [c for c in seen if c.name == name]
        assert [int(c.body["data"]["n"]) for c in events] == list(range(len(events)))
        assert all(b.prev_revision == a.revision for a, b in zip(events, events[1:]))
    print(f"\n{count} writers, {seconds:.0f} s: {len(committed)} transactions committed "
          f"({len(committed) / seconds:.0f}/s), {len(conflicted)} conflicts, head revision {head}")
    store.close()


def test_a_write_transaction_takes_the_writers_lock_at_its_first_write(pg_database):
    """Reads in a write transaction run beside another writer's open transaction; the first write waits for
    its commit (so the revisions come in commit order); `lock()` takes the lock before a read."""
    first, second = Store(pg_database), Store(pg_database)
    with first.write() as writer:
        writer.create("ConfigMap", "default", "a", "a", cm("a"))
    got: dict = {}
    reading_done = threading.Event()

    def other() -> None:
        with second.write() as writer:
            got["read"] = writer.get("ConfigMap", "default", "a") is not None  # no wait: the lock is not taken
            got["locked before"] = writer.locked
            reading_done.set()
            got["rv"] = writer.create("ConfigMap", "default", "c", "c", cm("c"))  # waits for `first` to commit

    with first.write() as writer:
        writer.create("ConfigMap", "default", "b", "b", cm("b"))  # holds the lock until this block ends
        thread = threading.Thread(target=other)
        thread.start()
        assert reading_done.wait(30)  # the other transaction read while this one holds the lock
        thread.join(0.5)
        assert thread.is_alive() and "rv" not in got  # ... and its write waits
    thread.join(30)
    assert got == {"read": True, "locked before": False, "rv": 3}
    assert [c.name for c in first.changes(0)] == ["a", "b", "c"]

    # lock() before a read: the read sees the commit it waited for
    with first.write() as writer:
        writer.create("ConfigMap", "default", "d", "d", cm("d"))
        thread = threading.Thread(target=lambda: got.update(seen=_locked_read(second)))
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()
    thread.join(30)
    assert got["seen"] is True
    first.close()
    second.close()


def _locked_read(store: Store) -> bool:
    with store.write() as writer:
        writer.lock()
        return writer.get("ConfigMap", "default", "d") is not None
