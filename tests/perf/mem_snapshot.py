"""The memory and CPU time of saving and loading the controllers' cache snapshot at N pods (issue 8):
chunked (MemoryView.pieces, one snapshot_chunk row each, as the runtime saves it) against one blob
(every piece encoded first and marshaled into one value, stored as one chunk: what the one-row
snapshot held).

Run: python -m tests.perf.mem_snapshot [--pods 10000] [--nodes 1000]

A small cluster is settled for one real Pod and Node (managedFields, status and all), cloned into a
MemoryView of N pods on M nodes. Per way and phase it prints the peak of the Python heap above its
start (tracemalloc, in a run of its own) and the CPU time (a run without tracemalloc, the best of 3).
Load is MemoryView.restore from the store: no object is decoded.
"""
from __future__ import annotations

import argparse
import copy
import gc
import json
import marshal
import tempfile
import time
import tracemalloc
from pathlib import Path

from litekube.api import applying
from litekube.api.server import Api
from litekube.model import manifests, nodes
from litekube.reconcile.views import MemoryView
from litekube.runtime import controlplane, embedded
from litekube.store import Store

from tests.perf.bench_pods import pod_manifest


def samples(directory: Path) -> tuple[dict, dict]:
    """A settled Pod and Node of a small cluster."""
    store = Store(str(directory / "sample.db"))
    api = Api(store, nodes.Shape(), 2)
    embedded.settle(api)
    applying.apply(api, manifests.parse(pod_manifest(2), "pods.json"))
    embedded.settle(api)
    with store.read() as reader:
        stored = reader.list_all()
    store.close()
    pod = next(s.body for s in stored if s.kind == "Pod" and s.namespace == "default")
    node = next(s.body for s in stored if s.kind == "Node")
    return (json.loads(pod) if isinstance(pod, (str, bytes)) else pod,
            json.loads(node) if isinstance(node, (str, bytes)) else node)


def cluster(pods: int, count: int, pod: dict, node: dict) -> MemoryView:
    objects = []
    for i in range(count):
        n = copy.deepcopy(node)
        n["metadata"]["name"] = n["metadata"]["labels"]["kubernetes.io/hostname"] = f"node-{i + 1}"
        n["metadata"]["uid"] = f"node-uid-{i}"
        objects.append(n)
    for i in range(pods):
        p = copy.deepcopy(pod)
        p["metadata"]["name"] = f"p-{i:06d}"
        p["metadata"]["uid"] = f"pod-uid-{i}"
        p["spec"]["nodeName"] = f"node-{i % count + 1}"
        objects.append(p)
    return MemoryView(objects, skip=controlplane.UNCACHED)


def save(store: Store, view: MemoryView, blob: bool) -> None:
    pieces = view.pieces(controlplane._encode)
    store.save_snapshot(1, controlplane.SNAPSHOT_FORMAT, [marshal.dumps(list(pieces))] if blob else pieces)


def load(store: Store, blob: bool) -> MemoryView:
    _, _, chunks = store.load_snapshot()  # type: ignore[misc]
    if blob:
        chunks = iter(marshal.loads(b"".join(chunks)))
    return MemoryView.restore(chunks, marshal.loads)


def measure(phase, traced: bool) -> float:
    """The traced peak above the start in MiB (traced), else the best of 3 CPU times in seconds."""
    gc.collect()
    if traced:
        tracemalloc.start()
        start = tracemalloc.get_traced_memory()[0]
        phase()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return (peak - start) / 2**20
    best = float("inf")
    for _ in range(3):
        gc.collect()
        cpu = time.process_time()
        phase()
        best = min(best, time.process_time() - cpu)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        directory = Path(d)
        pod, node = samples(directory)
        view = cluster(args.pods, args.nodes, pod, node)
        print(f"{args.pods} pods on {args.nodes} nodes: {len(view)} objects cached", flush=True)
        for blob in (False, True):
            way = "one blob" if blob else "chunked "
            store = Store(str(directory / f"snap-{int(blob)}.db"))
            saved = measure(lambda: save(store, view, blob), traced=True)
            save_cpu = measure(lambda: save(store, view, blob), traced=False)
            loaded = measure(lambda: load(store, blob), traced=True)
            load_cpu = measure(lambda: load(store, blob), traced=False)
            with store.read() as reader:
                rows, size = reader._q("SELECT count(*), sum(length(body)) FROM snapshot_chunk").fetchone()
            restored = load(store, blob)
            assert len(restored) == len(view)
            store.close()
            print(f"{way}: save peak {saved:6.1f} MiB, cpu {save_cpu:.2f}s; load peak {loaded:6.1f} MiB, "
                  f"cpu {load_cpu:.2f}s; {rows} chunks, {size / 2**20:.1f} MiB stored", flush=True)


if __name__ == "__main__":
    main()
