"""Benchmark: the store on PostgreSQL beside SQLite (issue 14).

Run: python -m tests.perf.bench_postgres [--pods 10000] [--nodes 1000] [--seconds 10] [--skip-pods] [--only pods]

Starts a throwaway PostgreSQL with its default, durable settings (fsync on;
tests/pgserver.py) and measures on each backend, in the same run:
- the store floor: object writes (creates, then updates) in transactions of 256;
- bench_pods: N pods applied on M nodes and settled (admission, scheduling, kubelets);
- PostgreSQL also with `synchronous_commit=off` (commits do not wait for the
  WAL flush), the nearest to SQLite's WAL with synchronous=NORMAL;
- concurrent writers: 1, 2 and 4 processes, each committing one-object
  transactions (a create, then a read and a compare-and-swap update of one of
  its own objects: no Conflicts) for `--seconds`; PostgreSQL with durable
  commits flushed after the writers' lock is released (the store's default,
  `flush="after-lock"`) and with the flush under the lock (`flush="under-lock"`,
  plain COMMITs: the store before), with the lock taken at the first write
  (the default, `write_lock="first-write"`) and queued at BEGIN
  (`write_lock="begin"`, as SQLite's BEGIN IMMEDIATE), and with
  `synchronous_commit=off` (no flush waited for: acknowledged writes can be lost).
Prints each figure and the PostgreSQL / SQLite ratio.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

from litekube.api import applying
from litekube.api.server import Api
from litekube.model import manifests, nodes
from litekube.runtime import embedded
from litekube.store import Store
from tests import pgserver
from tests.perf.bench_pods import POD as BODY, pod_manifest, timed_writes


def _open(db: str, write_lock: str = "first-write", sync: bool = True, flush: str = "after-lock") -> Store:
    store = Store(db)
    if store.dialect.name == "postgresql":
        store.dialect.write_lock = write_lock
        store.dialect.flush = flush
        if not sync:  # commits do not wait for the WAL flush: SQLite's synchronous=NORMAL, roughly
            store.dialect.flush = "under-lock"  # plain COMMITs (a barrier would wait for nothing)
            store._write_connection().execute("SET synchronous_commit = off")
    return store


def floor(db: str, writes: int, batch: int = 256, sync: bool = True) -> float:
    """Seconds for `writes` object writes (a third creates, then updates) in transactions of `batch`."""
    store = _open(db, sync=sync)
    try:
        return timed_writes(store, writes, batch)
    finally:
        store.close()


def pods(db: str, count: int, node_count: int, sync: bool = True) -> tuple[float, int]:
    """(seconds, writes) to apply `count` pods on `node_count` nodes and settle."""
    store = _open(db, sync=sync)
    api = Api(store, nodes.Shape(), node_count)
    embedded.settle(api)
    docs = manifests.parse(pod_manifest(count), "pods.json")
    before = store.revision()
    started = time.perf_counter()
    applying.apply(api, docs)
    report = embedded.settle(api)
    elapsed = time.perf_counter() - started
    writes = store.revision() - before
    with api.read() as tx:
        running = sum(1 for p in tx.list("Pod", "default").items if (p.get("status") or {}).get("phase") == "Running")
    store.close()
    assert report.settled and running == count, (report.stopped, running)
    return elapsed, writes


def _writer(db: str, index: int, write_lock: str, sync: bool, flush: str, start, seconds: float, queue) -> None:
    store = _open(db, write_lock, sync, flush)
    mine: list[tuple[str, int]] = []
    start.wait()
    done = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with store.write() as writer:
            if len(mine) < 50:
                name = f"w{index}-{len(mine)}"
                rv = writer.create("Pod", "default", name, name, {**BODY, "metadata": {**BODY["metadata"], "name": name}})
                mine.append((name, rv))
            else:
                slot = done % len(mine)
                name, _ = mine[slot]
                current = writer.get("Pod", "default", name)  # read, then compare-and-swap (as the API updates)
                rv = writer.update("Pod", "default", name, {**current.body, "status": {"phase": "Running", "n": done}},
                                   current.resource_version)
                mine[slot] = (name, rv)
        done += 1
    store.close()
    queue.put(done)


def writers(db: str, count: int, seconds: float, write_lock: str = "first-write", sync: bool = True,
            flush: str = "after-lock") -> float:
    """Committed transactions per second of `count` writer processes together."""
    ctx = multiprocessing.get_context("spawn")
    start, queue = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(db, i, write_lock, sync, flush, start, seconds, queue))
             for i in range(count)]
    for proc in procs:
        proc.start()
    time.sleep(3.0)  # let every process import litekube and connect before the clock starts
    start.set()
    total = sum(queue.get(timeout=seconds + 120) for _ in procs)
    for proc in procs:
        proc.join(60)
    return total / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=1_000)
    parser.add_argument("--writes", type=int, default=30_000, help="object writes of the store floor")
    parser.add_argument("--seconds", type=float, default=10.0, help="each concurrent-writer run")
    parser.add_argument("--skip-pods", action="store_true")
    parser.add_argument("--only", choices=("floor", "pods", "writers"), help="run one part alone")
    args = parser.parse_args()
    os.environ.setdefault("LITEKUBE_SETTLE_TIMEOUT", "3600")  # a settle is measured whole, however long
    print(f"load before: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp, pgserver.Server(durable=True) as server:
        sqlite = lambda name: str(Path(tmp) / name)  # noqa: E731
        postgres = lambda name: server.database()  # noqa: E731
        rows = []
        part = lambda name: args.only in (None, name)  # noqa: E731
        if part("floor"):
            lite = floor(sqlite("floor.db"), args.writes)
            pg, pg_off = floor(postgres("floor"), args.writes), floor(postgres("floor"), args.writes, sync=False)
            rows.append(("store floor, writes/s", args.writes / lite, args.writes / pg))
            rows.append(("store floor, writes/s, PG synchronous_commit=off", args.writes / lite, args.writes / pg_off))
            print(f"store floor: SQLite {lite:.1f}s, PostgreSQL {pg:.1f}s ({pg_off:.1f}s with synchronous_commit=off) "
                  f"for {args.writes} writes", flush=True)
        if part("pods") and not args.skip_pods:
            lite_s, lite_w = pods(sqlite("pods.db"), args.pods, args.nodes)
            pg_s, pg_w = pods(postgres("pods"), args.pods, args.nodes, sync=False)
            rows.append((f"bench_pods {args.pods} pods / {args.nodes} nodes, pods/s (PG sync off)",
                         args.pods / lite_s, args.pods / pg_s))
            print(f"bench_pods: SQLite {lite_s:.1f}s ({lite_w} writes), PostgreSQL {pg_s:.1f}s ({pg_w} writes)",
                  flush=True)
        for count in (1, 2, 4) if part("writers") else ():
            label = f"{count} writer process{'es' if count > 1 else ''}, txn/s"
            lite = writers(sqlite(f"w{count}.db"), count, args.seconds)
            pg = writers(postgres(f"w{count}"), count, args.seconds)
            under = writers(postgres(f"u{count}"), count, args.seconds, flush="under-lock")
            early = writers(postgres(f"b{count}"), count, args.seconds, "begin")
            off = writers(postgres(f"o{count}"), count, args.seconds, sync=False)
            early_off = writers(postgres(f"e{count}"), count, args.seconds, "begin", sync=False)
            print(f"{count} writers: SQLite {lite:.0f}/s, PostgreSQL {pg:.0f}/s (flush under the lock {under:.0f}/s, "
                  f"lock at BEGIN {early:.0f}/s), synchronous_commit=off {off:.0f}/s (lock at BEGIN "
                  f"{early_off:.0f}/s)", flush=True)
            rows.append((label, lite, pg))
            rows.append((label + ", PG flush under the lock", lite, under))
            rows.append((label + ", PG lock at BEGIN", lite, early))
            rows.append((label + ", PG synchronous_commit=off", lite, off))
            rows.append((label + ", PG sync off + lock at BEGIN", lite, early_off))
    print(f"load after: {os.getloadavg()[0]:.1f} (1 min)")
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  {'SQLite':>9}  {'PostgreSQL':>10}  {'PG/SQLite':>9}")
    for label, lite, pg in rows:
        print(f"{label:{width}}  {lite:9.0f}  {pg:10.0f}  {pg / lite:9.2f}")


if __name__ == "__main__":
    main()
