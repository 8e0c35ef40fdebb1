"""Benchmark: a Job of 1,000 completions with parallelism 100 on 100 nodes, from apply to Complete (issue 9).

Run: python -m tests.perf.bench_jobs [--completions 1000] [--parallelism 100] [--nodes 100]

Prints pods/s for the whole run (pod creation, scheduling, kubelet start-up
and exit, counting through uncountedTerminatedPods and finalizers, all in
virtual time) and the ratio to the store's own write floor measured in the
same run (the same number of object writes made straight through the
store, as in bench_pods).
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
from tests.perf.bench_pods import write_floor


def job_manifest(completions: int, parallelism: int) -> str:
    return json.dumps({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "bench"},
                       "spec": {"completions": completions, "parallelism": parallelism,
                                "template": {"spec": {"restartPolicy": "Never", "containers": [{
                                    "name": "c", "image": "busybox", "resources": {
                                        "requests": {"cpu": "10m", "memory": "16Mi"}}}]}}}})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--completions", type=int, default=1000)
    parser.add_argument("--parallelism", type=int, default=100)
    parser.add_argument("--nodes", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        store = Store(str(directory / "bench.db"))
        api = Api(store, nodes.Shape(), args.nodes)
        embedded.settle(api)
        before, started = store.revision(), time.perf_counter()
        applying.apply(api, manifests.parse(job_manifest(args.completions, args.parallelism), "job.json"))
        report = embedded.settle(api)
        elapsed = time.perf_counter() - started
        writes = store.revision() - before
        assert report is not None and report.settled, report
        with api.read() as tx:
            status = tx.get("Job", "default", "bench")["status"]
        assert status.get("succeeded") == args.completions, status
        cluster_time = report.ended - report.started
        store.close()
        floor = write_floor(directory, writes)
    print(f"job of {args.completions} completions, parallelism {args.parallelism}, {args.nodes} nodes: "
          f"Complete after {cluster_time:.0f}s of cluster time, in {elapsed:.1f}s")
    print(f"{args.completions / elapsed:.0f} pods/s, {writes} writes, ratio to store floor {elapsed / floor:.1f}x "
          f"(floor {writes / floor:.0f} writes/s)")


if __name__ == "__main__":
    main()
