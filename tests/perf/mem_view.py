"""Where the control plane's cache holds its bytes (issue 8): settle N pods on M nodes in-process,
then walk the MemoryView's objects with sys.getsizeof (each Python object counted once).

Run: python -m tests.perf.mem_view [--pods 2000] [--nodes 200] [--no-share | --plain]

Prints, per kind: objects, bytes held by them (shared parts counted once over the whole view), and
for pods the bytes per pod with the part under metadata.managedFields and the part in strings, then
the bytes the sharing table itself holds beyond the objects (its keys and dicts). --no-share interns
strings without sharing containers (what the cache did before engine/reconcile/sharing.py); --plain
does neither.
"""
from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from litekube.api import applying
from litekube.api.server import Api
from litekube.model import manifests, nodes
from litekube.runtime import components
from litekube.runtime.controlplane import ControlPlane
from litekube.store import Store

from tests.perf.bench_pods import pod_manifest


def walk(obj, seen: set[int], tally: dict[str, int]) -> int:
    """Bytes of `obj` and what it holds that `seen` has not counted yet (tally by type name)."""
    total = 0
    stack = [obj]
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        size = sys.getsizeof(o)
        tally[type(o).__name__] += size
        total += size
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, (list, tuple)):
            stack.extend(o)
    return total


def measure(view) -> list[str]:
    seen: set[int] = set()
    lines = []
    by_kind: dict[str, list] = defaultdict(list)
    for key in list(view._objects):
        by_kind[key.kind].append(view._resolve(key))
    # pods first, managedFields apart
    pods = by_kind.get("Pod", [])
    if pods:
        tally: dict[str, int] = defaultdict(int)
        managed = sum(walk(p.get("metadata", {}).get("managedFields"), seen, tally) for p in pods)
        mtally = dict(tally)
        tally = defaultdict(int)
        rest = sum(walk(p, seen, tally) for p in pods)
        n = len(pods)
        lines.append(f"Pod: {n} objects, {(managed + rest) / n:.0f} B/pod "
                     f"(managedFields {managed / n:.0f}, the rest {rest / n:.0f})")
        lines.append("  managedFields by type: " + ", ".join(f"{k} {v / n:.0f}" for k, v in sorted(mtally.items())))
        lines.append("  the rest by type: " + ", ".join(f"{k} {v / n:.0f}" for k, v in sorted(tally.items())))
    for kind, objects in sorted(by_kind.items()):
        if kind == "Pod":
            continue
        tally = defaultdict(int)
        size = sum(walk(o, seen, tally) for o in objects)
        lines.append(f"{kind}: {len(objects)} objects, {size / 1024:.0f} KiB ({size / len(objects):.0f} B each)")
    return lines


def table_bytes(table, view) -> int:
    """Bytes the sharing table holds that the view's objects do not (its dicts, keys, ids)."""
    seen: set[int] = set()
    tally: dict[str, int] = defaultdict(int)
    for key in list(view._objects):
        walk(view._resolve(key), seen, tally)
    return sum(walk(t, seen, tally) for t in table.tables())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=2_000)
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--plain", action="store_true", help="hold objects as put, strings not interned (before/after)")
    parser.add_argument("--no-share", action="store_true", help="intern strings, share no containers")
    args = parser.parse_args()
    from litekube.reconcile import sharing, views
    if args.plain:
        views._interned = lambda obj, old: None
    elif args.no_share:
        views._interned = sharing.interned
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "mem.db"))
        api = Api(store, nodes.Shape(), args.nodes)
        plane = ControlPlane(api, components.ALL)
        plane.start()
        plane.settle()
        applying.apply(api, manifests.parse(pod_manifest(args.pods), "pods.json"))
        started, cpu = time.perf_counter(), time.process_time()
        plane.settle()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        gc.collect()
        print(f"{args.pods} pods on {args.nodes} nodes settled in {elapsed:.1f}s (cpu {cpu:.1f}s), "
              f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
        lines = measure(plane.view)
        for line in lines:
            print(line)
        if not (args.plain or args.no_share):
            print(f"sharing table: {len(sharing.table())} keys, {table_bytes(sharing.table(), plane.view) / 1024:.0f} KiB "
                  "beyond the objects")
        store.close()


if __name__ == "__main__":
    main()
