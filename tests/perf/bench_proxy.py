"""Benchmark: `proxy-rules` for one node with 1,000 Services x 10 endpoints (issue 10).

Run: python -m tests.perf.bench_proxy [--services 1000] [--endpoints 10] [--nodes 100]

Writes the Services and their EndpointSlices straight into a store, then
times `litekube proxy-rules NODE` as the CLI runs it (one read transaction,
the rules computed, the iptables-save text rendered) and prints the ratio to
the floor measured in the same run: reading the same objects from the store.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from litekube.api import networking
from litekube.api.server import Api
from litekube.model import nodes
from litekube.store import Store


def populate(api: Api, services: int, endpoints: int, node_count: int) -> None:
    with api.store.write() as writer:
        for i in range(services):
            name = f"svc-{i:04d}"
            svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
                   "spec": {"type": "NodePort" if i % 10 == 0 else "ClusterIP",
                            "clusterIP": f"10.96.{4 + i // 250}.{i % 250 + 1}",
                            "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080,
                                       **({"nodePort": 30100 + i} if i % 10 == 0 else {})}]}}
            writer.create("Service", "default", name, f"svc-uid-{i}", svc)
            eps = [{"addresses": [f"10.244.{(i * endpoints + j) % node_count}.{(i * endpoints + j) // node_count % 250 + 2}"],
                    "conditions": {"ready": True}, "nodeName": f"node-{(i * endpoints + j) % node_count + 1}"}
                   for j in range(endpoints)]
            sl = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                  "metadata": {"name": f"{name}-x", "namespace": "default",
                               "labels": {"kubernetes.io/service-name": name}},
                  "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}], "endpoints": eps}
            writer.create("EndpointSlice", "default", f"{name}-x", f"eps-uid-{i}", sl)


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
        best_floor = best = float("inf")
        for _ in range(args.runs):
            started = time.perf_counter()
            with api.read() as tx:
                tx.list("Service"), tx.list("EndpointSlice"), tx.get("Node", "", "node-1")
            best_floor = min(best_floor, time.perf_counter() - started)
            started = time.perf_counter()
            text = networking.proxy_rules(api, "node-1")
            best = min(best, time.perf_counter() - started)
        lines = text.count("\n")
        print(f"proxy-rules node-1: {args.services} Services x {args.endpoints} endpoints on {args.nodes} nodes: "
              f"{best * 1000:.0f} ms ({lines} lines); store read floor {best_floor * 1000:.0f} ms; "
              f"ratio {best / best_floor:.1f}x")
        api.store.close()


if __name__ == "__main__":
    main()
