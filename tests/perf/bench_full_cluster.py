"""Benchmark: a rollout that nearly fills the cluster (issue 8).

Run: python -m tests.perf.bench_full_cluster [--replicas 2000] [--nodes 25] [--pods-per-node 110]

A Deployment of R replicas on N nodes of P pods each, then `set image`: the
rolling update needs the old pods' slots while they terminate, so the
surge pods that do not fit stay Pending with FailedScheduling events (as
in Kubernetes) until the old pods are gone; the rollout completes. Prints the
wall time of the rollout, the pods left Pending along the way and the
FailedScheduling events recorded.

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


def deployment(replicas: int, image: str) -> str:
    return json.dumps({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                       "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                                "template": {"metadata": {"labels": {"app": "web"}},
                                             "spec": {"containers": [{"name": "web", "image": image}]}}}})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2000)
    parser.add_argument("--nodes", type=int, default=25)
    parser.add_argument("--pods-per-node", type=int, default=110)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "bench.db"))
        api = Api(store, nodes.Shape(pods=args.pods_per_node), args.nodes)
        embedded.settle(api, budget=0)
        started = time.perf_counter()
        applying.apply(api, manifests.parse(deployment(args.replicas, "nginx:1.27"), "web.json"))
        first = embedded.settle(api, budget=0)
        created = time.perf_counter() - started
        before = store.revision()
        started = time.perf_counter()
        applying.apply(api, manifests.parse(deployment(args.replicas, "nginx:1.28"), "web.json"))
        report = embedded.settle(api, budget=0)
        rollout = time.perf_counter() - started
        with api.read() as tx:
            d = tx.get("Deployment", "default", "web")
            pods = tx.list("Pod", "default").items
        pending = set()
        failed = 0
        for change in _changes(store, before):
            if change.kind == "Pod" and change.type != "DELETED" and \
                    not change.body["spec"].get("nodeName") and "PodScheduled" in change.text:
                pending.add(change.name)
            if change.kind == "Event" and '"FailedScheduling"' in change.text:
                failed += 1
        status = d.get("status") or {}
        updated = sum(1 for p in pods if p["spec"]["containers"][0]["image"] == "nginx:1.28")
        print(f"{args.replicas} replicas on {args.nodes} nodes of {args.pods_per_node} pods: "
              f"created in {created:.1f}s (settled={first.settled})")
        print(f"set image: rollout {'complete' if status.get('updatedReplicas') == args.replicas and status.get('availableReplicas') == args.replicas else 'INCOMPLETE'} "
              f"in {rollout:.1f}s (settled={report.settled}, {report.steps} reconciles, "
              f"{report.ended - report.started:.0f}s of cluster time, {store.revision() - before} writes)")
        print(f"pods left Pending along the way: {len(pending)}; FailedScheduling events written: {failed}; "
              f"pods now: {len(pods)}, on the new image: {updated}")
        store.close()


def _changes(store: Store, since: int):
    while True:
        batch = store.changes(since, limit=5000)
        if not batch:
            return
        yield from batch
        since = batch[-1].revision


if __name__ == "__main__":
    main()
