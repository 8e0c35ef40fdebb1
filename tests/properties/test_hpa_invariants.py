"""Property: an HPA keeps its target within [minReplicas, maxReplicas] at every revision, whatever the load.

Hypothesis draws an HPA (min, max, with or without a `behavior` that
scales fast or slowly) over a Deployment that starts at minReplicas, then
a sequence of load changes (`set load --cpu`, per-pod usage) and waits of
15 s to 6 min. The changelog is replayed revision by revision
(tests/properties/replay.py): the only writer of the Deployment's
spec.replicas after its creation is the HPA, so every value it takes must
lie within [min, max], and so must every desiredReplicas the HPA reports
once a metric was computed. At the end, with the load at zero and the
stabilization window passed, the Deployment is back at minReplicas.
"""
from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litekube.api import applying, loading
from litekube.api.server import Api
from litekube.model import kinds, manifests, nodes
from litekube.runtime import embedded
from tests.properties import replay
from tests.properties.conftest import bootstrap

SHAPE = nodes.Shape(cpu="16", memory="64Gi", pods=110)
DEPLOYMENT = kinds.lookup("Deployment")
BEHAVIORS = st.sampled_from([
    None,
    {"scaleUp": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 30}]},
     "scaleDown": {"stabilizationWindowSeconds": 30, "policies": [{"type": "Percent", "value": 50,
                                                                   "periodSeconds": 15}]}},
    {"scaleUp": {"stabilizationWindowSeconds": 60, "selectPolicy": "Min"},
     "scaleDown": {"selectPolicy": "Disabled"}},
])
LOADS = st.sampled_from(["0", "100m", "450m", "1", "2500m"])
WAITS = st.sampled_from([15, 30, 60, 150])
STEPS = st.lists(st.tuples(LOADS, WAITS, st.sampled_from([None, "20%", "150m"])), min_size=1, max_size=3)


def manifest(low: int, high: int, behavior: dict | None) -> list[manifests.Document]:
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                  "spec": {"replicas": low, "selector": {"matchLabels": {"app": "web"}},
                           "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
                               {"name": "app", "image": "app:1",
                                "resources": {"requests": {"cpu": "200m"}, "limits": {"cpu": "500m"}}}]}}}}
    hpa: dict = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
                 "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                          "minReplicas": low, "maxReplicas": high,
                          "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                              "type": "Utilization", "averageUtilization": 50}}}]}}
    if behavior is not None:
        hpa["spec"]["behavior"] = behavior
    return manifests.parse(yaml.safe_dump_all([deployment, hpa]), "hpa.yaml")


@settings(max_examples=6, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                 HealthCheck.function_scoped_fixture])
@given(low=st.integers(1, 3), span=st.integers(0, 4), behavior=BEHAVIORS, steps=STEPS)
def test_an_hpa_keeps_its_target_within_min_and_max(databases, low, span, behavior, steps) -> None:
    high = low + span
    store = databases.fresh(databases.template("hpa", bootstrap(SHAPE, 1)))
    try:
        api = Api(store)
        applying.apply(api, manifest(low, high, behavior))
        embedded.settle(api)
        for load, wait, per_pod in steps:
            loading.set_load(api, DEPLOYMENT, "default", "web", cpu=load, cpu_per_pod=per_pod)
            embedded.advance(api, wait)
        loading.set_load(api, DEPLOYMENT, "default", "web", clear=True)
        embedded.advance(api, 330)  # past the 300 s window (or 30 s) with the load gone

        seen = replay.Replay(store)
        for change in seen.follow():
            if change.type == "DELETED" or change.namespace != "default" or change.name != "web":
                continue
            if change.kind == "Deployment":
                replicas = change.body["spec"]["replicas"]
                assert low <= replicas <= high, f"deployment at {replicas} outside [{low}, {high}] " \
                                                f"at revision {change.revision}"
            elif change.kind == "HorizontalPodAutoscaler":
                status = change.body.get("status") or {}
                # desiredReplicas is the HPA's own only once it computed one (a failed pass keeps the old one).
                active = any(c.get("type") == "ScalingActive" and c.get("status") == "True"
                             for c in status.get("conditions") or [])
                if active:
                    desired = status["desiredReplicas"]
                    assert low <= desired <= high, f"desiredReplicas {desired} outside [{low}, {high}] " \
                                                   f"at revision {change.revision}"
        final = seen.get("Deployment", "default", "web")
        scale_down_disabled = behavior is not None and behavior["scaleDown"].get("selectPolicy") == "Disabled"
        if not scale_down_disabled:
            assert final["spec"]["replicas"] == low
    finally:
        databases.discard(store)
