"""Benchmark: D Deployments x R replicas on N nodes: apply until all are available,
then a rolling update of all of them (issue 4).

Run: python -m tests.perf.bench_deployments [--deployments 100] [--replicas 100] [--nodes 1000]

Prints pods/s for each phase and the ratio to the store's own write floor
measured in the same run (the same number of object writes done directly
through the store, as in bench_pods), and the time of each phase's very writes
replayed body for body through the store, from a copy of the database taken
at the phase's start (bench_pods.replay_floor).

Settling is not bounded in wall time (budget=0): the benchmark measures it to the end,
whatever LITEKUBE_SETTLE_TIMEOUT says.
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
from tests.perf.bench_pods import replay_floor, snapshot_copy, write_floor


def manifest(count: int, replicas: int, image: str) -> str:
    items = [{"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": {"name": f"d-{i:03d}"},
              "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": f"d-{i:03d}"}},
                       "template": {"metadata": {"labels": {"app": f"d-{i:03d}"}},
                                    "spec": {"containers": [{"name": "app", "image": image, "resources": {
                                        "requests": {"cpu": "10m", "memory": "16Mi"}}}]}}}}
             for i in range(count)]
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": items})


def phase(api: Api, store: Store, text: str, directory: Path) -> tuple[float, int, float]:
    """(seconds to apply `text` and settle, the writes it made, seconds of those writes replayed body
    for body through the store from a copy of the database at the phase's start)."""
    before = store.revision()
    base = snapshot_copy(store, directory / "base.db")
    started = time.perf_counter()
    applying.apply(api, manifests.parse(text, "deployments.json"))
    report = embedded.settle(api, budget=0)
    elapsed = time.perf_counter() - started
    assert report is not None and report.settled, report
    replay = replay_floor(store, before, directory, base=base)
    base.unlink()
    (directory / "replay.db").unlink()
    return elapsed, store.revision() - before, replay


def available(api: Api, image: str) -> tuple[int, int]:
    with api.read() as tx:
        deployments = tx.list("Deployment", "default").items  # not kube-system's CoreDNS
        pods = tx.list("Pod", "default").items
    ready = sum(int((d.get("status") or {}).get("availableReplicas") or 0) for d in deployments)
    current = sum(1 for p in pods if p["spec"]["containers"][0]["image"] == image)
    return ready, current


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deployments", type=int, default=100)
    parser.add_argument("--replicas", type=int, default=100)
    parser.add_argument("--nodes", type=int, default=1000)
    args = parser.parse_args()
    total = args.deployments * args.replicas
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        store = Store(str(directory / "bench.db"))
        api = Api(store, nodes.Shape(), args.nodes)
        embedded.settle(api, budget=0)
        create, create_writes, create_replay = phase(
            api, store, manifest(args.deployments, args.replicas, "nginx:1.27"), directory)
        print(f"apply: {total} pods available={available(api, 'nginx:1.27')} in {create:.1f}s; the same writes, "
              f"body for body, straight through the store: {create_replay:.1f}s "
              f"(ratio control plane / that: {create / create_replay:.1f}x)", flush=True)
        update, update_writes, update_replay = phase(
            api, store, manifest(args.deployments, args.replicas, "nginx:1.28"), directory)
        print(f"rolling update: available={available(api, 'nginx:1.28')} in {update:.1f}s; the same writes, "
              f"body for body, straight through the store: {update_replay:.1f}s "
              f"(ratio control plane / that: {update / update_replay:.1f}x)", flush=True)
        store.close()
        floor_create = write_floor(directory, create_writes)
    print(f"apply to available: {total / create:.0f} pods/s, {create_writes} writes, "
          f"ratio to store floor {create / floor_create:.1f}x (floor {create_writes / floor_create:.0f} writes/s)")
    with tempfile.TemporaryDirectory() as tmp:
        floor_update = write_floor(Path(tmp), update_writes)
    print(f"rolling update: {total / update:.0f} pods/s, {update_writes} writes, "
          f"ratio to store floor {update / floor_update:.1f}x (floor {update_writes / floor_update:.0f} writes/s)")


if __name__ == "__main__":
    main()
