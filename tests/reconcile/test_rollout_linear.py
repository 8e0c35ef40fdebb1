"""A rolling update's work per pod replaced does not grow with the rollout (counts, not times).

The ReplicaSet and Deployment controllers, the garbage collector and the pod deletion path (the
ReplicaSet's delete, the kubelet's graceful termination and removal) handle one pod change in work
proportional to the change: the counts below are per pod replaced and are compared between a
rollout of 100 pods and one four times larger.
"""
from __future__ import annotations

import json

from litekube.api import applying
from litekube.api.server import Api
from litekube.model import manifests, nodes
from litekube.reconcile.replicaset import controller as replicaset
from litekube.runtime import components
from litekube.runtime.controlplane import ControlPlane
from litekube.store import Store, objects


def deployment(replicas: int, image: str) -> str:
    return json.dumps({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                       "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                                "template": {"metadata": {"labels": {"app": "web"}},
                                             "spec": {"containers": [{"name": "web", "image": image,
                                                                      "resources": {"requests": {"cpu": "10m"}}}]}}}})


def rollout_counts(tmp_path, pods: int) -> dict[str, int]:
    """What the rolling update of a Deployment of `pods` replicas (on pods/50 nodes, applied and
    settled first) took: reconcile calls, objects decoded and changelog rows read from the store,
    the ReplicaSet syncs' pod visits and group counts, and the writes."""
    store = Store(str(tmp_path / f"rollout-{pods}.db"), wall=lambda: 1_700_000_000.0)
    api = Api(store, nodes.Shape(), pods // 50)
    plane = ControlPlane(api, components.ALL)
    plane.start()
    applying.apply(api, manifests.parse(deployment(pods, "nginx:1.27"), "web.json"))
    assert plane.settle().settled
    reconciles, reads, visits = sum(plane.reconciles.values()), dict(objects.READS), dict(replicaset.VISITS)
    revision = store.revision()
    applying.apply(api, manifests.parse(deployment(pods, "nginx:1.28"), "web.json"))
    assert plane.settle().settled
    counts = {"reconcile calls": sum(plane.reconciles.values()) - reconciles,
              "objects decoded": objects.READS["objects"] - reads["objects"],
              "changelog rows read": objects.READS["changes"] - reads["changes"],
              "pod visits": replicaset.VISITS["pods"] - visits["pods"],
              "group counts": replicaset.VISITS["groups"] - visits["groups"],
              "writes": store.revision() - revision}
    with api.read() as tx:
        images = [p["spec"]["containers"][0]["image"] for p in tx.list("Pod", "default").items]
    store.close()
    assert images == ["nginx:1.28"] * pods  # every pod replaced, none left over
    return counts


def test_rollout_work_per_pod_replaced_does_not_grow_from_100_to_400_pods(tmp_path):
    small, large = rollout_counts(tmp_path, 100), rollout_counts(tmp_path, 400)
    for name in small:
        a, b = small[name] / 100, large[name] / 400
        # Per pod replaced (about 6.5 reconciles, 7.75 pod visits, 15.4 writes at either size): not
        # growing with the rollout, where a pass walking every pod for each pod change grows ~4x.
        assert b <= 1.1 * a, f"{name} per pod replaced: {a:.2f} for 100 pods but {b:.2f} for 400"
    # The pod deletion path writes over the cached pod without reading it again: about 2.2 objects
    # decoded per pod replaced (the binding's read and the fixed part); 4.2 when the delete and the
    # kubelet's removal each read and decoded the pod.
    assert large["objects decoded"] <= 3 * 400, large
