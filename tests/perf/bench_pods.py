"""Benchmark: schedule and start N pods on M nodes from one apply (issue 3).

Run: python -m tests.perf.bench_pods [--pods 10000] [--nodes 1000] [--compare-managed-fields]

Prints pods/s for the whole apply (admission, scheduling, kubelet start-up,
all in virtual time) and the ratio to the store's own write floor measured
in the same run: the same number of object writes (one per revision the
apply produced) done directly through the store in batched transactions.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from litekube.api import applying
from litekube.api.server import Api
from litekube.model import manifests, nodes
from litekube.runtime import embedded
from litekube.store import Store


def pod_manifest(count: int) -> str:
    items = [{"apiVersion": "v1", "kind": "Pod",
              "metadata": {"name": f"p-{i:05d}", "labels": {"app": "bench"}},
              "spec": {"containers": [{"name": "c", "image": "nginx:1.27",
                                       "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}}
             for i in range(count)]
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": items})


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


def run_once(args, directory: Path, record_managed_fields: bool) -> tuple[float, int, str]:
    """(seconds of the apply's settle, writes it made, the lines to print) on a new cluster."""
    from litekube.runtime.controlplane import ControlPlane
    ControlPlane.record_managed_fields = record_managed_fields
    store = Store(str(directory / f"bench-{int(record_managed_fields)}.db"))
    started = time.perf_counter()
    api = Api(store, nodes.Shape(), args.nodes)
    embedded.settle(api, budget=0)  # no wall-time bound: the benchmark times the whole settle
    setup = time.perf_counter() - started
    docs = manifests.parse(pod_manifest(args.pods), "pods.json")
    before = store.revision()
    started = time.perf_counter()
    applying.apply(api, docs)
    del docs  # the parsed manifests (190 MB for 100,000 pods) are not kept through the settle
    report = embedded.settle(api, budget=0)
    elapsed = time.perf_counter() - started
    writes = store.revision() - before
    with api.read() as tx:
        # not kube-system's and kube-flannel's; only the two fields counted (not every pod decoded at once)
        pods = tx.list("Pod", "default", paths=(("status", "phase"), ("spec", "nodeName"))).items
    running = sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Running")
    on_nodes = len({(p.get("spec") or {}).get("nodeName") for p in pods})
    store.close()
    text = (f"cluster of {args.nodes} nodes ready in {setup:.1f}s\n"
            f"{args.pods} pods applied: {running} Running on {on_nodes} nodes, settled={report.settled}\n"
            f"control plane: {elapsed:.1f}s, {args.pods / elapsed:.0f} pods/s, {writes} writes "
            f"({writes / elapsed:.0f}/s)")
    return elapsed, writes, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=1_000)
    parser.add_argument("--compare-managed-fields", action="store_true",
                        help="also run with the components' managedFields off and print the ratio")
    args = parser.parse_args()
    from litekube.runtime.controlplane import ControlPlane
    default = ControlPlane.record_managed_fields
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


if __name__ == "__main__":
    main()
