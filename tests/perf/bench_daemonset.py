"""Benchmark: one DaemonSet on N nodes, from one apply (issue 9).

Run: python -m tests.perf.bench_daemonset [--nodes 1000]

Prints the time for the whole apply (the DaemonSet controller's pods, their
scheduling by node affinity, kubelet start-up and status, in virtual time)
and the ratio to the store's own write floor for the same number of writes,
measured as tests/perf/bench_pods.py measures it.
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

DAEMON_SET = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "default"},
              "spec": {"selector": {"matchLabels": {"app": "agent"}},
                       "template": {"metadata": {"labels": {"app": "agent"}},
                                    "spec": {"containers": [{"name": "agent", "image": "busybox:1.36",
                                                             "resources": {"requests": {"cpu": "10m"}}}]}}}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        store = Store(str(directory / "bench.db"))
        started = time.perf_counter()
        api = Api(store, nodes.Shape(), args.nodes)
        embedded.settle(api)
        setup = time.perf_counter() - started
        docs = manifests.parse(json.dumps(DAEMON_SET), "daemonset.json")
        before = store.revision()
        started = time.perf_counter()
        applying.apply(api, docs)
        report = embedded.settle(api)
        elapsed = time.perf_counter() - started
        writes = store.revision() - before
        with api.read() as tx:
            pods = tx.list("Pod", "default").items
            ds = tx.get("DaemonSet", "default", "agent")
        running = sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Running")
        on_nodes = len({p["spec"].get("nodeName") for p in pods})
        store.close()
        floor = write_floor(directory, writes)
    status = ds.get("status") or {}
    print(f"cluster of {args.nodes} nodes ready in {setup:.1f}s")
    print(f"1 DaemonSet: {running} pods Running on {on_nodes} nodes, desired {status.get('desiredNumberScheduled')}, "
          f"available {status.get('numberAvailable')}, settled={report.settled}")
    print(f"control plane: {elapsed:.1f}s, {len(pods) / elapsed:.0f} pods/s, {writes} writes ({writes / elapsed:.0f}/s)")
    print(f"store floor:   {floor:.1f}s for the same {writes} writes ({writes / floor:.0f}/s)")
    print(f"ratio control plane / store floor: {elapsed / floor:.1f}x")


if __name__ == "__main__":
    main()
