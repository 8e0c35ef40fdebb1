"""Benchmark: the web view's time slider on a changelog of 10,000+ rows (issue 13).

Run: python -m tests.perf.bench_timeline [--rows 10000] [--replicas 50] [--nodes 10]

Rolls a Deployment to new images until the changelog holds --rows rows of
the kinds the web view shows, then moves the slider to 200 random
positions: each answer is the state at that revision (keyframes every 256
rows) and its scene. Prints the cost of the state alone and of a whole
position, and their ratios to the same positions replayed from the start
of the log (no keyframes), measured in this run; and the time to read the
history when the page opens.
"""
from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from litekube.api import applying, history, rollouts
from litekube.api.server import Api
from litekube.model import kinds, manifests, nodes
from litekube.runtime import embedded
from litekube.store import Store


def deployment(replicas: int) -> str:
    return json.dumps({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                       "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                                "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
                                    {"name": "app", "image": "nginx:1", "resources": {"requests": {"cpu": "10m"}}}]}}}})


def states(h: history.History, revisions: list[int]) -> float:
    started = time.perf_counter()
    for revision in revisions:
        h.timeline.state_at(revision)
    return (time.perf_counter() - started) / len(revisions)


def positions(h: history.History, revisions: list[int]) -> float:
    started = time.perf_counter()
    for revision in revisions:
        h._frames.clear()
        h.frame(revision)
    return (time.perf_counter() - started) / len(revisions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--replicas", type=int, default=50)
    parser.add_argument("--nodes", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "bench.db"), history=10 ** 9)
        api = Api(store, nodes.Shape(), args.nodes)
        embedded.settle(api)
        applying.apply(api, manifests.parse(deployment(args.replicas), "web.json"))
        embedded.settle(api)
        image = 1
        while len(store.changes(0, limit=10 ** 9, kinds_=history.KINDS)) < args.rows:
            image += 1
            rollouts.set_image(api, kinds.lookup("Deployment"), "default", "web", {"app": f"nginx:{image}"})
            embedded.settle(api)
        started = time.perf_counter()
        keyframed = history.History(api)
        opened = time.perf_counter() - started
        linear = history.History(api, every=10 ** 9)
        rows = len(keyframed.timeline)
        revisions = random.Random(13).choices([s.revision for s in keyframed.timeline.steps], k=200)
        fast = positions(keyframed, revisions)
        slow = positions(linear, revisions[:40])
        fast_state, slow_state = states(keyframed, revisions), states(linear, revisions)
        store.close()
    print(f"{rows} changelog rows ({image - 1} rollouts of {args.replicas} pods on {args.nodes} nodes); "
          f"history read in {opened:.2f}s")
    print(f"the state at a revision: {fast_state * 1000:.2f} ms with keyframes every {keyframed.every} rows, "
          f"{slow_state * 1000:.2f} ms replaying from the start: {slow_state / fast_state:.1f}x faster")
    print(f"a slider position (state and scene, as the page asks): {fast * 1000:.1f} ms with keyframes, "
          f"{slow * 1000:.1f} ms without: {slow / fast:.1f}x")


if __name__ == "__main__":
    main()
