"""Benchmark: `litekube serve` over HTTPS (issue 12).

Run: python -m tests.perf.bench_serve [--pods 1000] [--nodes 20] [--watches 100] [--requests 2000]

Starts `litekube serve` (its own process, TLS, the control plane on the
wall clock) on a cluster with a Deployment of P replicas, then measures,
from one client process:
- GET of one pod (keep-alive, one connection at a time, and 8 in parallel):
  requests per second and p50/p99 latency;
- LIST of the P pods as a Table (what `kubectl get pods` asks for);
- W concurrent watches of pods (one connection each, from resourceVersion
  R), then a rollout (`set image` through the API) of all P pods: every
  watch must receive every Pod change of the changelog between R and the
  end; reports the delivery latency (arrival minus the change's time,
  p50/p99 over every event of every watch) and the time until the last
  watch had the last event.
Prints the load average beside the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import ssl
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

from litekube.store import Store
from tests.serve.client import Raw
from tests.serve.servers import Served, wait_for


_EVENT = b'{"type":"'


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Counter:
    """A watch that only counts events (`{"type":"` opens each; inside objects quotes are escaped)
    and stamps their arrival."""

    def __init__(self, served, path: str) -> None:
        url = urlparse(served.url)
        raw = socket.create_connection((url.hostname, url.port))
        context = ssl.create_default_context(cafile=str(served.ca_file))
        self.sock = context.wrap_socket(raw, server_hostname=url.hostname)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {url.hostname}\r\nAuthorization: Bearer "
                          f"{served.token}\r\nAccept: application/json\r\n\r\n".encode())
        self.arrived: list[float] = []
        self.closed = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        tail = b""
        try:
            while True:
                data = self.sock.recv(1 << 20)
                if not data:
                    break
                now = time.time()
                joined = tail + data
                self.arrived.extend([now] * joined.count(_EVENT))
                tail = joined[-(len(_EVENT) - 1):]
        except OSError:
            pass
        self.closed = True


def _deployment(name: str, replicas: int, image: str) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"terminationGracePeriodSeconds": 0,
                                           "containers": [{"name": name, "image": image}]}}}}


def _timed(fn, count: int, workers: int = 1) -> tuple[float, list[float]]:
    latencies: list[float] = []

    def one(_):
        start = time.perf_counter()
        fn()
        latencies.append(time.perf_counter() - start)
    begin = time.perf_counter()
    if workers == 1:
        for i in range(count):
            one(i)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(one, range(count)))
    return count / (time.perf_counter() - begin), latencies


def _line(label: str, rate: float, latencies: list[float]) -> str:
    return (f"{label}: {rate:,.0f} req/s, p50 {_pct(latencies, 0.5) * 1000:.1f} ms, "
            f"p99 {_pct(latencies, 0.99) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pods", type=int, default=1000)
    parser.add_argument("--nodes", type=int, default=20)
    parser.add_argument("--watches", type=int, default=100)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--lists", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("LITEKUBE_HISTORY", "1000000")
    folder = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    served = Served(folder, nodes=args.nodes)
    try:
        client = Raw(served)
        deploy = "/apis/apps/v1/namespaces/default/deployments"
        status, _ = client.json("POST", deploy, _deployment("big", args.pods, "nginx:1.25"))
        assert status == 201

        def available() -> bool:
            d = client.json("GET", f"{deploy}/big")[1]
            return (d.get("status") or {}).get("availableReplicas") == args.pods
        began = time.time()
        wait_for(available, timeout=1800, interval=1.0, what="the Deployment available")
        print(f"{args.pods} pods on {args.nodes} nodes available in {time.time() - began:.1f} s")
        pods = client.json("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dbig")[1]
        name = pods["items"][0]["metadata"]["name"]
        one = f"/api/v1/namespaces/default/pods/{name}"
        print(f"load average before the requests: {os.getloadavg()[0]:.2f}")
        rate, lat = _timed(lambda: client.request("GET", one), args.requests)
        print(_line("GET one pod, 1 connection", rate, lat))
        local = threading.local()

        def parallel_get() -> None:
            if not hasattr(local, "client"):
                local.client = Raw(served)
            local.client.request("GET", one)
        rate, lat = _timed(parallel_get, args.requests, workers=8)
        print(_line("GET one pod, 8 connections", rate, lat))
        table = {"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"}
        status, _, body = client.request("GET", "/api/v1/namespaces/default/pods?limit=500", headers=table)
        rows = len(json.loads(body)["rows"])
        rate, lat = _timed(lambda: client.request("GET", "/api/v1/namespaces/default/pods", headers=table),
                           args.lists)
        print(_line(f"LIST {len(pods['items'])} pods as Table", rate, lat) + f" (first page of 500: {rows} rows)")

        start_rv = int(client.json("GET", "/api/v1/namespaces/default/pods?limit=1")[1]["metadata"]
                       ["resourceVersion"])
        path = f"/api/v1/namespaces/default/pods?watch=true&resourceVersion={start_rv}"
        watches = [Counter(served, path) for _ in range(args.watches)]
        time.sleep(1.0)
        print(f"load average before the rollout: {os.getloadavg()[0]:.2f}")
        began = time.time()
        patch = {"spec": {"template": {"spec": {"containers": [{"name": "big", "image": "nginx:1.26"}]}}}}
        status, _, _ = client.request("PATCH", f"{deploy}/big", json.dumps(patch).encode(),
                                      {"Content-Type": "application/strategic-merge-patch+json"})
        assert status == 200

        def rolled_out() -> bool:
            d = client.json("GET", f"{deploy}/big")[1]
            s = d.get("status") or {}
            return s.get("observedGeneration") == d["metadata"]["generation"] and \
                s.get("updatedReplicas") == args.pods == s.get("availableReplicas") == s.get("replicas")
        wait_for(rolled_out, timeout=3600, interval=1.0, what="the rollout")
        rolled = time.time() - began
        store = Store(str(served.db))
        try:
            offset = store.now() - time.time()
            changes = []
            since = start_rv
            end = store.revision()
            while since < end:
                batch = store.changes(since, 1000, ["Pod"])
                if not batch:
                    break
                changes += [c for c in batch if c.revision <= end]
                since = batch[-1].revision
        finally:
            store.close()
        expected = len(changes)
        wait_for(lambda: all(len(w.arrived) >= expected for w in watches), timeout=600, interval=0.5,
                 what=f"{expected} events on every watch")
        last = max(w.arrived[expected - 1] for w in watches) - began
        delays = [w.arrived[i] - (changes[i].time - offset) for w in watches for i in range(expected)]
        dropped = sum(1 for w in watches if w.closed)
        print(f"rollout of {args.pods} pods: complete in {rolled:.1f} s; each of {args.watches} watches received "
              f"all {expected} Pod events up to revision {end}, the last watch its last one {last:.1f} s after the "
              f"patch; delivery latency (arrival minus the change's time) p50 {_pct(delays, 0.5) * 1000:.0f} ms, "
              f"p99 {_pct(delays, 0.99) * 1000:.0f} ms; watches dropped: {dropped}")
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    finally:
        served.stop()


if __name__ == "__main__":
    main()
