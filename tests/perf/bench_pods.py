"""Benchmark: schedule and start N pods on M nodes from one apply (issue 3).

Run: python -m tests.perf.bench_pods [--pods 10000] [--nodes 1000] [--compare-managed-fields] [--nodes-only [--idle S]] [--plain]

Prints pods/s for the whole apply (admission, scheduling, kubelet start-up,
all in virtual time) and the ratio to the store's own write floor measured
in the same run: the same number of object writes (one per revision the
apply produced) done directly through the store in batched transactions.
It also prints the time of the very writes the apply made (its changelog
replayed, body for body, through the store into a new database): how much
of the run the store itself costs for bodies of that size.
With --nodes-only it sets up the cluster of M nodes (every node Ready with
its DaemonSet pods Running) and prints how long that took, and nothing else;
with --idle S, then lets S seconds of cluster time pass with nothing to do but
the heartbeats, and prints their cost (wall, CPU, reconciles, writes).
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from litekube.api import applying
from litekube.api.server import Api
from litekube.model import manifests, nodes
from litekube.runtime import embedded
from litekube.store import Store


LIST_SIZE = 10_000  # pods per List document: 100,000 in one would pass the manifest reader's 6 MiB per document


def pod_manifest(count: int) -> str:
    items = [{"apiVersion": "v1", "kind": "Pod",
              "metadata": {"name": f"p-{i:05d}", "labels": {"app": "bench"}},
              "spec": {"containers": [{"name": "c", "image": "nginx:1.27",
                                       "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}}
             for i in range(count)]
    return "\n".join(json.dumps({"apiVersion": "v1", "kind": "List", "items": items[i:i + LIST_SIZE]})
                     for i in range(0, count, LIST_SIZE))


POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x", "namespace": "default"},
       "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}, "status": {"phase": "Pending"}}


def timed_writes(store: Store, writes: int, batch: int = 256) -> float:
    """Seconds to make `writes` object writes (a third creates, then updates) straight through `store`,
    in transactions of `batch`: the store floor."""
    creates = writes // 3
    started = time.perf_counter()
    done = 0
    while done < writes:
        with store.write() as writer:
            for _ in range(min(batch, writes - done)):
                i = done % creates
                name = f"p-{i:05d}"
                if done < creates:
                    writer.create("Pod", "default", name, f"uid-{i}", {**POD, "metadata": {**POD["metadata"], "name": name}})
                else:
                    current = writer.get("Pod", "default", name)
                    new = {**current.body, "status": {"phase": "Running", "n": done}}
                    writer.update("Pod", "default", name, new, current.resource_version)
                done += 1
    return time.perf_counter() - started


def write_floor(directory: Path, writes: int, batch: int = 256) -> float:
    """The store floor on a new SQLite database in `directory` (timed_writes)."""
    store = Store(str(directory / "floor.db"))
    try:
        return timed_writes(store, writes, batch)
    finally:
        store.close()


def snapshot_copy(store: Store, path: Path) -> Path:
    """A copy of `store`'s SQLite database at this moment, at `path` (the state a replay starts from)."""
    source, target = sqlite3.connect(store.path), sqlite3.connect(str(path))
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return path


def replay_floor(source: Store, since: int, directory: Path, batch: int = 256, base: Path | None = None) -> float:
    """Seconds to make the writes `source` made after revision `since` again, body for body, straight
    through the store into a new database, in transactions of `batch`: the store floor for the very
    bodies the control plane wrote (its pods with their managedFields, its Events with their TTL), not
    for small ones. Only the writes are timed, not reading and decoding the changelog rows.

    `base`: a copy of the source's database taken at `since` (snapshot_copy); the replay goes into a copy
    of it, so a change to an object that existed before `since` is an update and its removal a delete, as
    in the source. Without it the replay starts empty: such an object is created, its removal skipped."""
    path = directory / "replay.db"
    if base is not None:
        shutil.copyfile(base, path)
    store = Store(str(path))
    versions: dict[tuple[str, str, str], int | None] = {}  # key -> its resource version in the replay
    elapsed = 0.0
    try:
        while True:
            rows = source.changes(since, limit=batch)
            if not rows:
                return elapsed
            since = rows[-1].revision
            writes = [(row.type, row.kind, row.namespace, row.name, row.uid,
                       None if row.type == "DELETED" else row.body) for row in rows]
            if base is not None:  # what the copy holds of the keys first met here (read untimed)
                with store.read() as reader:
                    for _, kind, namespace, name, _, _ in writes:
                        if (kind, namespace, name) not in versions:
                            held = reader.get(kind, namespace, name)
                            versions[(kind, namespace, name)] = None if held is None else held.resource_version
            started = time.perf_counter()
            with store.write() as writer:
                for op, kind, namespace, name, uid, body in writes:
                    key = (kind, namespace, name)
                    if op == "DELETED":
                        if versions.pop(key, None) is not None:
                            writer.delete(kind, namespace, name)
                    elif versions.get(key) is not None:
                        versions[key] = writer.update(kind, namespace, name, body, versions[key])
                    else:  # created in the phase, or (without a base) before it and changed in it
                        versions[key] = writer.create(kind, namespace, name, uid, body)
            elapsed += time.perf_counter() - started
    finally:
        store.close()


def peak_rss() -> str:
    """The process's peak resident set so far (ru_maxrss is in KiB on Linux)."""
    return f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"


def idle(api: Api, store: Store, seconds: float) -> str:
    """`seconds` of cluster time on the settled cluster with nothing to do but keep it alive (the
    kubelets' Lease renewals, the node lifecycle controller's deadlines): what that costs, as one line."""
    from litekube.runtime.controlplane import ControlPlane
    calls = [0]
    reconcile = ControlPlane._reconcile

    def counting(self, tx, item):
        calls[0] += 1
        return reconcile(self, tx, item)

    ControlPlane._reconcile = counting
    before = store.revision()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        embedded.advance(api, seconds, budget=0)
    finally:
        ControlPlane._reconcile = reconcile
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return (f"{seconds:.0f}s of cluster time idle: {elapsed:.1f}s (cpu {cpu:.1f}s), {calls[0]} reconciles, "
            f"{store.revision() - before} writes")


def setup_nodes(args, directory: Path) -> str:
    """The node setup phase alone: a new cluster of `args.nodes` nodes, settled (then, with
    `args.idle`, that many seconds of cluster time with nothing to do)."""
    store = Store(str(directory / "nodes.db"))
    started, cpu = time.perf_counter(), time.process_time()
    api = Api(store, nodes.Shape(), args.nodes)
    report = embedded.settle(api, budget=0)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    with api.read() as tx:
        ready = sum(1 for n in tx.list("Node", paths=(("status", "conditions"),)).items
                    if any(c.get("type") == "Ready" and c.get("status") == "True"
                           for c in (n.get("status") or {}).get("conditions") or []))
        running = sum(1 for p in tx.list("Pod", paths=(("status", "phase"),)).items
                      if (p.get("status") or {}).get("phase") == "Running")
    writes = store.revision()
    quiet = f"\n{idle(api, store, args.idle)}" if args.idle else ""
    store.close()
    return (f"cluster of {args.nodes} nodes ready in {elapsed:.1f}s (cpu {cpu:.1f}s): {ready} nodes Ready, "
            f"{running} pods Running, {writes} revisions, settled={report.settled}{quiet}")


def run_once(args, directory: Path, record_managed_fields: bool) -> tuple[float, int, str]:
    """(seconds of the apply's settle, writes it made, the lines to print) on a new cluster."""
    from litekube.runtime.controlplane import ControlPlane
    ControlPlane.record_managed_fields = record_managed_fields
    store = Store(str(directory / f"bench-{int(record_managed_fields)}.db"))
    started = time.perf_counter()
    api = Api(store, nodes.Shape(), args.nodes)
    embedded.settle(api, budget=0)  # no wall-time bound: the benchmark times the whole settle
    setup = time.perf_counter() - started
    print(f"cluster of {args.nodes} nodes ready in {setup:.1f}s (cpu {time.process_time():.1f}s so far), {peak_rss()}",
          flush=True)  # at once: a long run is seen to get past the node setup
    docs = manifests.parse(pod_manifest(args.pods), "pods.json")
    before = store.revision()
    started = time.perf_counter()
    applying.apply(api, docs)
    del docs  # the parsed manifests (190 MB for 100,000 pods) are not kept through the settle
    report = embedded.settle(api, budget=0)
    elapsed = time.perf_counter() - started
    settled_rss = peak_rss()  # the control plane's own peak (its cache, the snapshot at the settle's end)
    writes = store.revision() - before
    with api.read() as tx:
        # not kube-system's and kube-flannel's; only the two fields counted (not every pod decoded at once)
        pods = tx.list("Pod", "default", paths=(("status", "phase"), ("spec", "nodeName"))).items
    running = sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Running")
    on_nodes = len({(p.get("spec") or {}).get("nodeName") for p in pods})
    replay = replay_floor(store, before, directory)
    store.close()
    text = (f"cluster of {args.nodes} nodes ready in {setup:.1f}s\n"
            f"{args.pods} pods applied: {running} Running on {on_nodes} nodes, settled={report.settled}\n"
            f"control plane: {elapsed:.1f}s, {args.pods / elapsed:.0f} pods/s, {writes} writes "
            f"({writes / elapsed:.0f}/s), {settled_rss}\n"
            f"the same writes, body for body, straight through the store: {replay:.1f}s "
            f"(ratio control plane / that: {elapsed / replay:.1f}x)")
    return elapsed, writes, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=1_000)
    parser.add_argument("--nodes-only", action="store_true", help="only set up the nodes, and print how long it took")
    parser.add_argument("--idle", type=float, default=0.0,
                        help="with --nodes-only: then let this many seconds of cluster time pass, and print the cost")
    parser.add_argument("--compare-managed-fields", action="store_true",
                        help="also run with the components' managedFields off and print the ratio")
    parser.add_argument("--plain", action="store_true",
                        help="the cache holds objects as put, strings not interned (to compare before/after)")
    args = parser.parse_args()
    if args.plain:
        from litekube.reconcile import views
        views._interned = lambda obj, old: None
    from litekube.runtime.controlplane import ControlPlane
    default = ControlPlane.record_managed_fields
    if args.nodes_only:
        with tempfile.TemporaryDirectory() as tmp:
            print(setup_nodes(args, Path(tmp)))
        print(peak_rss())
        return
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        elapsed, writes, text = run_once(args, directory, default)
        print(text)
        if args.compare_managed_fields:
            other, _, other_text = run_once(args, directory, not default)
            print(f"with record_managed_fields={not default}:\n{other_text}")
            on, off = (elapsed, other) if default else (other, elapsed)
            print(f"ratio managedFields on / off: {on / off:.2f}x")
        ControlPlane.record_managed_fields = default
        floor = write_floor(directory, writes)
    print(f"store floor:   {floor:.1f}s for the same {writes} writes ({writes / floor:.0f}/s)")
    print(f"ratio control plane / store floor: {elapsed / floor:.1f}x")
    print(peak_rss())


if __name__ == "__main__":
    main()
