"""Benchmark: one DaemonSet on N nodes, from one apply (issue 9).

Run: python -m tests.perf.bench_daemonset [--nodes 1000]
     [--update [--max-unavailable N] [--max-surge N] [--min-ready S]]

Prints the time for the whole apply (the DaemonSet controller's pods, their
scheduling by node affinity, kubelet start-up and status, in virtual time)
and the ratio to the store's own write floor for the same number of writes,
measured as tests/perf/bench_pods.py measures it.

With --update, the DaemonSet (with those rollingUpdate budgets, ints or
percentages, and minReadySeconds) is then given a new image and the
rolling update is settled: it prints the update's wall and CPU time, its
virtual rollout time, the DaemonSet passes and the node answers they
computed (daemonset.incremental.VISITS), the counts to compare between
branches on a loaded machine.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from litekube.api import applying
from litekube.reconcile.daemonset import incremental
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
    parser.add_argument("--update", action="store_true", help="then roll the DaemonSet to a new image")
    parser.add_argument("--max-unavailable", default="1", help="rollingUpdate.maxUnavailable (N or N%%)")
    parser.add_argument("--max-surge", default="0", help="rollingUpdate.maxSurge (N or N%%)")
    parser.add_argument("--min-ready", type=int, default=0, help="minReadySeconds")
    args = parser.parse_args()
    daemon_set = json.loads(json.dumps(DAEMON_SET))
    if args.update:
        daemon_set["spec"]["updateStrategy"] = {"type": "RollingUpdate", "rollingUpdate": {
            "maxUnavailable": _int_or_percent(args.max_unavailable), "maxSurge": _int_or_percent(args.max_surge)}}
        daemon_set["spec"]["minReadySeconds"] = args.min_ready
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        store = Store(str(directory / "bench.db"))
        started = time.perf_counter()
        api = Api(store, nodes.Shape(), args.nodes)
        embedded.settle(api)
        setup = time.perf_counter() - started
        docs = manifests.parse(json.dumps(daemon_set), "daemonset.json")
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
        rolled = _roll(api, daemon_set) if args.update else None
        store.close()
        floor = write_floor(directory, writes)
    status = ds.get("status") or {}
    print(f"cluster of {args.nodes} nodes ready in {setup:.1f}s")
    print(f"1 DaemonSet: {running} pods Running on {on_nodes} nodes, desired {status.get('desiredNumberScheduled')}, "
          f"available {status.get('numberAvailable')}, settled={report.settled}")
    print(f"control plane: {elapsed:.1f}s, {len(pods) / elapsed:.0f} pods/s, {writes} writes ({writes / elapsed:.0f}/s)")
    print(f"store floor:   {floor:.1f}s for the same {writes} writes ({writes / floor:.0f}/s)")
    print(f"ratio control plane / store floor: {elapsed / floor:.1f}x")
    if rolled is not None:
        print(rolled)


def _int_or_percent(value: str):
    return value if value.endswith("%") else int(value)


def _updated(api: Api) -> int:
    with api.read() as tx:
        return int(((tx.get("DaemonSet", "default", "agent") or {}).get("status") or {})
                   .get("updatedNumberScheduled") or 0)


def _roll(api: Api, daemon_set: dict) -> str:
    """Give the DaemonSet a new image and settle the rolling update; what it cost, as one line."""
    rolled = json.loads(json.dumps(daemon_set))
    rolled["spec"]["template"]["spec"]["containers"][0]["image"] = "busybox:1.37"
    passes = [0]
    tracked = incremental.tracked

    def counting(*args, **kwargs):
        passes[0] += 1
        return tracked(*args, **kwargs)

    incremental.tracked = counting
    visits = incremental.VISITS["nodes"]
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        applying.apply(api, manifests.parse(json.dumps(rolled), "daemonset.json"))
        # No wall-clock bound: the rollout is what is measured. One settle stops after an hour of
        # cluster time (its horizon), and a rollout of one node at a time, each old pod given its 30 s
        # of grace, takes longer on a few hundred nodes: settle again until it ends or stops moving.
        report = embedded.settle(api, budget=0)
        started, moved = report.started, _updated(api)
        while not report.settled:
            report = embedded.settle(api, budget=0)
            now = _updated(api)
            if now == moved:
                break
            moved = now
        report.started = started
    finally:
        incremental.tracked = tracked
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    visits = incremental.VISITS["nodes"] - visits
    with api.read() as tx:
        pods = tx.list("Pod", "default").items
        status = (tx.get("DaemonSet", "default", "agent") or {}).get("status") or {}
    new = sum(1 for p in pods if p["spec"]["containers"][0]["image"] == "busybox:1.37")
    return (f"rolling update: {new}/{len(pods)} pods on the new image, updated {status.get('updatedNumberScheduled')}, "
            f"available {status.get('numberAvailable')}, settled={report.settled}; {wall:.1f}s wall, {cpu:.1f}s CPU, "
            f"rollout {report.ended - report.started:.0f}s virtual; {passes[0]} DaemonSet passes, {visits} node visits "
            f"({visits / max(passes[0], 1):.1f} a pass)")


if __name__ == "__main__":
    main()
