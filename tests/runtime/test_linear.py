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


def setup_counts(tmp_path, count: int) -> tuple[int, int, int]:
    """(reconcile calls, store rows read, DaemonSet node visits) of the settle that sets up `count` nodes
    (each Ready, with its kube-proxy and flannel pods Running)."""
    from litekube.reconcile.daemonset import incremental
    store = Store(str(tmp_path / f"nodes-{count}.db"), wall=lambda: 1_700_000_000.0)
    api = Api(store, nodes.Shape(), count)
    before, visits = dict(objects.READS), incremental.VISITS["nodes"]
    plane = ControlPlane(api, components.ALL)
    plane.start()
    report = plane.settle()
    assert report.settled
    with api.read() as tx:
        running = [p for p in tx.list("Pod", paths=(("status", "phase"),)).items
                   if (p.get("status") or {}).get("phase") == "Running"]
    store.close()
    assert len(running) >= 2 * count  # a kube-proxy and a flannel pod on every node
    reads = sum(objects.READS[k] - before.get(k, 0) for k in objects.READS)
    return sum(plane.reconciles.values()), reads, incremental.VISITS["nodes"] - visits


def test_node_setup_counts_grow_linearly_from_100_to_400_nodes(tmp_path):
    small = setup_counts(tmp_path, 100)
    large = setup_counts(tmp_path, 400)
    for name, a, b in zip(("reconcile calls", "store rows read"), small, large):
        # Linear: four times the nodes, at most ~four times the work (plus a little for the fixed part).
        assert b <= 4.4 * a, f"{name}: {a} for 100 nodes but {b} for 400 ({b / a:.2f}x)"
    # A DaemonSet pass visits a node again only when the node or one of its pods changed since the
    # last pass: a bounded number of times per node (about 14 at 100 nodes, 16 at 400: a bigger
    # cluster spreads a node's changes over a few more passes). When every pass visited every node,
    # the visits grew with the passes times the nodes: about 9.5x from 100 to 400 nodes.
    a, b = small[2], large[2]
    assert b <= 5 * a, f"DaemonSet node visits: {a} for 100 nodes but {b} for 400 ({b / a:.2f}x)"
    assert b <= 20 * 400, f"DaemonSet node visits: {b / 400:.1f} per node for 400 nodes"
