"""Benchmark: interactive commands on a 10,000-pod database, as real CLI processes (issue 8).

Run: python -m tests.perf.bench_interactive [--pods 10000] [--nodes 100] [--runs 5]

First times `version` and `get nodes` on a new (small) cluster: start-up.
Then builds a cluster of N nodes with a Deployment `big` of P replicas, a
Deployment `ten` of 10 and a Deployment `web` of 3 (then rolled out once),
keeping a changelog of at least 50,000 rows (LITEKUBE_HISTORY), and times
`litekube` subprocesses on it: `get pods -A`, `get pods -l app=ten` (a label
selector picking 10 of the pods), `scale` of `web` and of `big` by one
replica, `rollout trace deploy/web` and `changes deploy/web` (one object's
history in the long changelog). Prints the best and the median wall time of
each, and the CPU time (user + system) of the best run. The modules are
byte-compiled first, so that no run pays for compiling them.
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from litekube.api import applying
from litekube.api.server import Api
from litekube.model import manifests, nodes
from litekube.runtime import embedded
from litekube.store import Store

HISTORY = "1000000"


def deployment(name: str, replicas: int, image: str) -> str:
    return json.dumps({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
                       "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                                "template": {"metadata": {"labels": {"app": name}},
                                             "spec": {"containers": [{"name": name, "image": image}]}}}})


def build(db: Path, pods: int, node_count: int) -> int:
    os.environ["LITEKUBE_HISTORY"] = HISTORY
    os.environ.setdefault("LITEKUBE_SETTLE_TIMEOUT", "0")  # the build is one long settle: no wall-time bound
    store = Store(str(db))
    api = Api(store, nodes.Shape(), node_count)
    embedded.settle(api)
    for text in (deployment("big", pods, "nginx:1.27"), deployment("ten", 10, "nginx:1.27"),
                 deployment("web", 3, "nginx:1.27"), deployment("web", 3, "nginx:1.28")):
        applying.apply(api, manifests.parse(text, "d.json"))
        report = embedded.settle(api)
        assert report is not None and report.settled, report
    rows = store.revision() - store.compacted()
    store.close()
    return rows


def timed(db: Path, *args: str) -> tuple[float, float, str]:
    env = {**os.environ, "LITEKUBE_DB": str(db), "LITEKUBE_HISTORY": HISTORY}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    beside = Path(sys.executable).with_name("litekube")  # the venv's installed command
    program = str(beside) if beside.exists() else shutil.which("litekube")
    command = [program] if program else [sys.executable, "-m", "litekube.cli"]
    done = subprocess.run([*command, *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"litekube {' '.join(args)} failed: {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def measure(db: Path, label: str, runs: int, args: list[str] | None = None,
            scale: tuple[dict, str] | None = None) -> None:
    walls, cpus = [], []
    for _ in range(runs):
        if scale is not None:
            replicas, name = scale
            replicas[name] += 1
            wall, cpu, _ = timed(db, "scale", f"deploy/{name}", "--replicas", str(replicas[name]))
        else:
            wall, cpu, _ = timed(db, *(args or []))
        walls.append(wall)
        cpus.append(cpu)
    best = min(range(len(walls)), key=walls.__getitem__)
    print(f"{label:28s} best {walls[best]:.2f}s (cpu {cpus[best]:.2f}s)  median {statistics.median(walls):.2f}s",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import litekube

    compileall.compile_dir(str(Path(litekube.__file__).parent), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.db"
        timed(small, "get", "nodes")  # creates the cluster (its nodes register)
        print(f"small cluster; load average {os.getloadavg()[0]:.2f}", flush=True)
        measure(small, "version", args.runs, ["version"])
        measure(small, "get nodes (small cluster)", args.runs, ["get", "nodes"])
        db = Path(tmp) / "interactive.db"
        started = time.perf_counter()
        rows = build(db, args.pods, args.nodes)
        print(f"built {args.pods + 13} pods on {args.nodes} nodes in {time.perf_counter() - started:.0f}s; "
              f"changelog rows: {rows}; load average {os.getloadavg()[0]:.2f}", flush=True)
        timed(db, "scale", "deploy/web", "--replicas", "3")  # the first command after the build
        replicas = {"web": 3, "big": args.pods}
        measure(db, "get pods -A", args.runs, ["get", "pods", "-A"])
        measure(db, "get pods -l app=ten", args.runs, ["get", "pods", "-l", "app=ten"])
        measure(db, "scale deploy/web by one", args.runs, scale=(replicas, "web"))
        measure(db, "scale deploy/big by one", args.runs, scale=(replicas, "big"))
        measure(db, "rollout trace deploy/web", args.runs, ["rollout", "trace", "deploy/web"])
        measure(db, "changes deploy/web", args.runs, ["changes", "deploy/web"])
        print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
