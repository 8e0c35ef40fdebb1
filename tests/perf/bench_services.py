"""Benchmark: S Services x E endpoints (a Deployment each) on N nodes: apply time, then the
EndpointSlice churn of a rolling update of every backing Deployment (issue 10).

Run: python -m tests.perf.bench_services [--services 1000] [--endpoints 10] [--nodes 100]
     python -m tests.perf.bench_services --allocations 4000

Prints the apply phase (Services allocated, pods running, slices written),
the rolling update's EndpointSlice writes (changelog rows of kind
EndpointSlice) per Service, with the ratio to the store's own write floor,
and the time of `proxy-rules` for one node of the cluster so made.

`--allocations N` times the Service allocators alone: N Services created
through the API one per transaction (every other one a NodePort, up to
2,000), printed per block of 500, so that a cost growing with the Services
already held shows as later blocks slower than the first.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from litekube.api import applying, networking
from litekube.api.server import Api
from litekube.model import manifests, nodes
from litekube.runtime import embedded
from litekube.store import Store
from tests.perf.bench_pods import write_floor


def manifest(count: int, replicas: int, image: str) -> str:
    items: list[dict] = []
    for i in range(count):
        name = f"s-{i:04d}"
        items.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
                      "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                               "template": {"metadata": {"labels": {"app": name}},
                                            "spec": {"containers": [{"name": "app", "image": image,
                                                                     "ports": [{"name": "http", "containerPort": 8080}],
                                                                     "resources": {"requests": {"cpu": "1m"}}}]}}}})
        items.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
                      "spec": {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": "http"}]}})
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": items})


def phase(api: Api, store: Store, text: str) -> tuple[float, int, int]:
    before = store.revision()
    started = time.perf_counter()
    applying.apply(api, manifests.parse(text, "services.json"))
    report = embedded.settle(api)
    elapsed = time.perf_counter() - started
    assert report is not None and report.settled, report
    slices = sum(1 for c in store.changes(before, limit=10_000_000) if c.kind == "EndpointSlice")
    return elapsed, store.revision() - before, slices


def allocations(count: int) -> None:
    block = 500
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "bench.db"))
        api = Api(store, nodes.Shape(), 0)
        times: list[float] = []
        started = time.perf_counter()
        for i in range(count):
            spec: dict = {"ports": [{"port": 80}]}
            if i % 2 == 0 and i < 4000:
                spec["type"] = "NodePort"
            with api.write() as tx:
                tx.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"a-{i:05d}"}, "spec": spec},
                          namespace="default")
            if (i + 1) % block == 0 or i + 1 == count:
                times.append(time.perf_counter() - started)
                started = time.perf_counter()
        with api.read() as tx:
            items = tx.list("Service").items
        ips = {s["spec"]["clusterIP"] for s in items}
        ports = [p["nodePort"] for s in items for p in s["spec"]["ports"] if p.get("nodePort")]
        assert len(ips) == count + 1 and len(ports) == len(set(ports)) == min(count // 2 + count % 2, 2000)
        total = sum(times)
        print(f"allocations: {count} Services ({len(ports)} with a nodePort) in {total:.1f} s "
              f"({1000 * total / count:.2f} ms each); per block of {block}: "
              + ", ".join(f"{1000 * t / block:.2f}" for t in times) + " ms each")
        store.close()


def main() -> None:
    os.environ.setdefault("LITEKUBE_SETTLE_TIMEOUT", "3600")  # a large run settles for longer than the CLI allows
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--allocations", type=int, default=0,
                        help="Time the allocators alone: this many Services created one by one.")
    args = parser.parse_args()
    if args.allocations:
        allocations(args.allocations)
        return
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "bench.db"))
        api = Api(store, nodes.Shape(pods=max(110, args.services * args.endpoints // args.nodes + 10)), args.nodes)
        embedded.settle(api)
        t1, w1, s1 = phase(api, store, manifest(args.services, args.endpoints, "nginx:1.27"))
        with api.read() as tx:
            ips = {s["spec"].get("clusterIP") for s in tx.list("Service", "default").items}  # not kube-dns
            ready = sum(len(sl.get("endpoints") or []) for sl in tx.list("EndpointSlice", "default").items
                        if (sl["metadata"].get("labels") or {}).get("endpointslice.kubernetes.io/managed-by"))
        assert len(ips) == args.services + 1 and ready == args.services * args.endpoints, (len(ips), ready)
        t2, w2, s2 = phase(api, store, manifest(args.services, args.endpoints, "nginx:1.28"))
        floor = w1 / write_floor(Path(tmp), w1)  # writes/s straight through the store
        print(f"apply: {args.services} Services x {args.endpoints} endpoints on {args.nodes} nodes: {t1:.1f} s, "
              f"{w1} writes ({w1 / t1:.0f}/s; the store floor is {floor:.0f}/s, {floor / (w1 / t1):.1f}x), "
              f"{s1} EndpointSlice writes")
        print(f"rolling update: {t2:.1f} s, {w2} writes, {s2} EndpointSlice writes "
              f"({s2 / args.services:.1f} per Service, {s2 / (2 * args.services * args.endpoints):.2f} per pod "
              f"replaced and removed)")
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            text = networking.proxy_rules(api, "node-1")
            best = min(best, time.perf_counter() - started)
        print(f"proxy-rules node-1: {1000 * best:.0f} ms (best of 3), {text.count(chr(10))} lines")
        store.close()


if __name__ == "__main__":
    main()
