"""No quadratic work: a settle's reconcile calls and store reads grow linearly with the pods (counts, not times)."""
from __future__ import annotations

import json

from litekube.api import applying
from litekube.api.server import Api
from litekube.model import manifests, nodes
from litekube.runtime import components, embedded
from litekube.runtime.controlplane import ControlPlane
from litekube.store import Store, objects


def deployment(replicas: int) -> str:
    return json.dumps({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                       "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                                "template": {"metadata": {"labels": {"app": "web"}},
                                             "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                                                                      "resources": {"requests": {"cpu": "10m"}}}]}}}})


def settle_counts(tmp_path, pods: int) -> tuple[int, int]:
    """(reconcile calls, store rows read) of the settle after applying a Deployment of `pods` replicas
    on pods/50 nodes (the nodes grow with the pods, so every node ends up with 50)."""
    store = Store(str(tmp_path / f"linear-{pods}.db"), wall=lambda: 1_700_000_000.0)
    api = Api(store, nodes.Shape(), pods // 50)
    embedded.settle(api)
    applying.apply(api, manifests.parse(deployment(pods), "web.json"))
    before = dict(objects.READS)
    plane = ControlPlane(api, components.ALL)
    plane.start()
    report = plane.settle()
    assert report.settled
    store.close()
    reads = sum(objects.READS[k] - before[k] for k in before)
    return sum(plane.reconciles.values()), reads


def test_counts_grow_linearly_from_1000_to_4000_pods(tmp_path):
    small = settle_counts(tmp_path, 1000)
    large = settle_counts(tmp_path, 4000)
    for name, a, b in (("reconcile calls", small[0], large[0]), ("store rows read", small[1], large[1])):
        # Linear: four times the pods, at most ~four times the work (plus a little for the fixed part).
        assert b <= 4.2 * a, f"{name}: {a} for 1,000 pods but {b} for 4,000 ({b / a:.2f}x)"
