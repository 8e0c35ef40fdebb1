"""Benchmark: `litekube curl` through a ClusterIP with 1,000 Services x 10 endpoints on 100 nodes (issue 10).

Run: python -m tests.perf.bench_curl [--services 1000] [--endpoints 10] [--nodes 100]

Writes the Services and EndpointSlices as bench_proxy does, then times the
trace as the CLI makes it (one read transaction, the node's rules computed
and walked), seeded and with --all, and prints the ratio to `proxy-rules`
for the same node measured in the same run (computing and printing the
rules the trace walks).
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from litekube.api import curling, networking
from litekube.api.server import Api
from litekube.model import nodes
from litekube.model.network import tracing
from litekube.store import Store
from tests.perf.bench_proxy import populate


def _best(runs: int, fn) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - started)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        api = Api(Store(str(Path(tmp) / "bench.db")), nodes.Shape(), args.nodes)
        populate(api, args.services, args.endpoints, args.nodes)
        target = args.services // 2
        request = tracing.Request(f"http://10.96.{4 + target // 250}.{target % 250 + 1}/",
                                  origin=tracing.Origin("node", "node-1"))
        rules, _ = _best(args.runs, lambda: networking.proxy_rules(api, "node-1"))
        seeded, trace = _best(args.runs, lambda: curling.curl(api, request, curling.seeded(1)))
        every, all_trace = _best(args.runs, lambda: curling.curl(api, request, curling.every()))
        print(f"curl from node-1 to the ClusterIP of svc-{target:04d}: {args.services} Services x {args.endpoints} "
              f"endpoints on {args.nodes} nodes: seeded {seeded * 1000:.0f} ms, --all ({len(all_trace.paths)} "
              f"paths) {every * 1000:.0f} ms; proxy-rules node-1 {rules * 1000:.0f} ms; ratio {seeded / rules:.2f}x "
              f"and {every / rules:.2f}x")
        assert trace.paths and all_trace.paths
        api.store.close()


if __name__ == "__main__":
    main()
