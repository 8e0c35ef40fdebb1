"""Benchmark: interactive commands on a 10,000-pod database, as real CLI processes (issue 8).

Run: python -m tests.perf.bench_interactive [--pods 10000] [--nodes 100] [--runs 5]

Builds a cluster of N nodes with a Deployment `big` of P replicas and a
Deployment `web` of 3 (then rolled out once), keeping a changelog of at
least 50,000 rows (LITEKUBE_HISTORY), then times `litekube` subprocesses:
`version` (start-up), `get pods -A`, `scale` of `web` and of `big` by one
replica, and `rollout trace deploy/web`. Prints the best and the median wall
time of each, and the CPU time (user + system) of the best run.
"""
from __future__ import annotations

import argparse
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
    for text in (deployment("big", pods, "nginx:1.27"), deployment("web", 3, "nginx:1.27"),
                 deployment("web", 3, "nginx:1.28")):
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
    program = shutil.which("litekube") or None
    command = [program] if program else [sys.executable, "-m", "litekube.cli"]
    done = subprocess.run([*command, *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"litekube {' '.join(args)} failed: {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "interactive.db"
        started = time.perf_counter()
        rows = build(db, args.pods, args.nodes)
        print(f"built {args.pods + 3} pods on {args.nodes} nodes in {time.perf_counter() - started:.0f}s; "
              f"changelog rows: {rows}; load average {os.getloadavg()[0]:.2f}")
        timed(db, "scale", "deploy/web", "--replicas", "3")  # the first command after the build
        commands = [("version", ["version"]), ("get pods -A", ["get", "pods", "-A"]),
                    ("scale deploy/web by one", None), ("scale deploy/big by one", None),
                    ("rollout trace deploy/web", ["rollout", "trace", "deploy/web"])]
        replicas = {"web": 3, "big": args.pods}
        for label, command in commands:
            walls, cpus = [], []
            for _ in range(args.runs):
                if command is None:
                    name = label.split("/")[1].split()[0]
                    replicas[name] += 1
                    wall, cpu, _ = timed(db, "scale", f"deploy/{name}", "--replicas", str(replicas[name]))
                else:
                    wall, cpu, out = timed(db, *command)
                walls.append(wall)
                cpus.append(cpu)
            best = min(range(len(walls)), key=walls.__getitem__)
            print(f"{label:28s} best {walls[best]:.2f}s (cpu {cpus[best]:.2f}s)  median {statistics.median(walls):.2f}s")
        print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
