"""ResourceQuota evaluation: usage per object, scopes, and admission at and over the limit."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.model import quota


def pod(name="p", requests=None, limits=None, **spec) -> dict:
    res = {}
    if requests:
        res["requests"] = requests
    if limits:
        res["limits"] = limits
    return {"kind": "Pod", "metadata": {"name": name, "namespace": "ns"},
            "spec": {"containers": [{"name": "app", "image": "x", "resources": res}], **spec}}


def rq(hard: dict, used: dict | None = None, scopes=None, selector=None) -> dict:
    spec: dict = {"hard": hard}
    if scopes:
        spec["scopes"] = scopes
    if selector:
        spec["scopeSelector"] = {"matchExpressions": selector}
    status = {"hard": hard, "used": used if used is not None else {k: "0" for k in hard}}
    return {"kind": "ResourceQuota", "metadata": {"name": "q", "namespace": "ns"}, "spec": spec, "status": status}


class TestUsage:
    """pkg/quota/v1/evaluator/core: what one object counts."""

    def test_pod_compute(self):
        used = quota.usage(pod(requests={"cpu": "250m", "memory": "64Mi"}, limits={"cpu": "500m", "memory": "128Mi"}))
        assert used == {"count/pods": 1, "pods": 1, "cpu": Fraction(1, 4), "requests.cpu": Fraction(1, 4),
                        "limits.cpu": Fraction(1, 2), "memory": 64 * 2 ** 20, "requests.memory": 64 * 2 ** 20,
                        "limits.memory": 128 * 2 ** 20}

    def test_init_containers_count_by_their_maximum(self):
        p = pod(requests={"cpu": "100m"})
        p["spec"]["initContainers"] = [{"name": "i", "image": "x", "resources": {"requests": {"cpu": "300m"}}}]
        assert quota.usage(p)["requests.cpu"] == Fraction(3, 10)

    @pytest.mark.parametrize("phase", ["Succeeded", "Failed"])
    def test_finished_pods_only_count_as_objects(self, phase):
        p = pod(requests={"cpu": "1"})
        p["status"] = {"phase": phase}
        assert quota.usage(p) == {"count/pods": 1}

    def test_a_deleted_pod_stops_counting_after_its_grace(self):
        p = pod(requests={"cpu": "1"})
        assert "pods" in quota.usage(p, now=100, deletion_at=100)
        assert "pods" not in quota.usage(p, now=101, deletion_at=100)

    @pytest.mark.parametrize("spec,nodeports,lbs", [
        ({"type": "ClusterIP", "ports": [{"port": 80}]}, 0, 0),
        ({"type": "NodePort", "ports": [{"port": 80}, {"port": 443}]}, 2, 0),
        ({"type": "LoadBalancer", "ports": [{"port": 80}]}, 1, 1),
        ({"type": "LoadBalancer", "allocateLoadBalancerNodePorts": False, "ports": [{"port": 80}]}, 0, 1),
    ])
    def test_services(self, spec, nodeports, lbs):
        used = quota.usage({"kind": "Service", "metadata": {"name": "s"}, "spec": spec})
        assert (used["services"], used["services.nodeports"], used["services.loadbalancers"]) == (1, nodeports, lbs)

    def test_claims_count_storage_and_class(self):
        claim = {"kind": "PersistentVolumeClaim", "metadata": {"name": "c"},
                 "spec": {"storageClassName": "gold", "resources": {"requests": {"storage": "5Gi"}}}}
        used = quota.usage(claim)
        assert used["requests.storage"] == 5 * 2 ** 30 == used["gold.storageclass.storage.k8s.io/requests.storage"]
        assert used["persistentvolumeclaims"] == 1

    def test_object_counts(self):
        assert quota.usage({"kind": "ConfigMap", "metadata": {"name": "c"}}) == {"count/configmaps": 1,
                                                                                 "configmaps": 1}
        assert quota.usage({"kind": "Deployment", "metadata": {"name": "d"}}) == {"count/deployments.apps": 1}


class TestScopes:
    @pytest.mark.parametrize("scope,matching,other", [
        ("Terminating", pod(activeDeadlineSeconds=30), pod()),
        ("NotTerminating", pod(), pod(activeDeadlineSeconds=30)),
        ("BestEffort", pod(), pod(requests={"cpu": "1"})),
        ("NotBestEffort", pod(limits={"memory": "1Gi"}), pod()),
    ])
    def test_scope(self, scope, matching, other):
        q = rq({"pods": "1"}, scopes=[scope])
        assert quota.matches(q, matching) and not quota.matches(q, other)

    def test_priority_class_selector(self):
        q = rq({"pods": "1"}, selector=[{"scopeName": "PriorityClass", "operator": "In", "values": ["high"]}])
        assert quota.matches(q, pod(priorityClassName="high"))
        assert not quota.matches(q, pod(priorityClassName="low")) and not quota.matches(q, pod())

    def test_scoped_quotas_never_count_other_kinds(self):
        assert not quota.matches(rq({"count/configmaps": "1"}, scopes=["BestEffort"]),
                                 {"kind": "ConfigMap", "metadata": {"name": "c"}})


class TestAdmit:
    """checkRequest: the new usage, or upstream's refusal."""

    def test_exactly_at_the_limit_is_accepted(self):
        q = rq({"pods": "2", "requests.cpu": "1"}, {"pods": "1", "requests.cpu": "500m"})
        assert quota.admit(q, pod(requests={"cpu": "500m"})) == {"pods": "2", "requests.cpu": "1"}

    def test_one_over_is_refused_naming_only_what_is_exceeded(self):
        q = rq({"pods": "2", "requests.cpu": "1"}, {"pods": "1", "requests.cpu": "500m"})
        with pytest.raises(quota.QuotaRefusal) as refused:
            quota.admit(q, pod(requests={"cpu": "501m"}))
        assert str(refused.value) == ("exceeded quota: q, requested: requests.cpu=501m, used: requests.cpu=500m, "
                                      "limited: requests.cpu=1")

    def test_several_exceeded_are_listed_in_order(self):
        q = rq({"limits.cpu": "1", "limits.memory": "1Gi", "pods": "5"})
        with pytest.raises(quota.QuotaRefusal) as refused:
            quota.admit(q, pod(limits={"cpu": "2", "memory": "2Gi"}, requests={"cpu": "2", "memory": "2Gi"}))
        assert str(refused.value) == ("exceeded quota: q, requested: limits.cpu=2,limits.memory=2Gi, "
                                      "used: limits.cpu=0,limits.memory=0, limited: limits.cpu=1,limits.memory=1Gi")

    def test_compute_quotas_require_every_container_to_say(self):
        q = rq({"limits.cpu": "2", "limits.memory": "2Gi"})
        with pytest.raises(quota.QuotaRefusal) as refused:
            quota.admit(q, pod(requests={"cpu": "1"}))
        assert str(refused.value) == "failed quota: q: must specify limits.cpu for: app; limits.memory for: app"

    def test_count_quota(self):
        q = rq({"count/deployments.apps": "1"}, {"count/deployments.apps": "1"})
        with pytest.raises(quota.QuotaRefusal) as refused:
            quota.admit(q, {"kind": "Deployment", "metadata": {"name": "d"}})
        assert str(refused.value) == ("exceeded quota: q, requested: count/deployments.apps=1, "
                                      "used: count/deployments.apps=1, limited: count/deployments.apps=1")

    def test_a_quota_without_status_is_not_enforced_yet(self):
        q = rq({"pods": "0"})
        q.pop("status")
        assert quota.admit(q, pod()) is None

    def test_memory_used_keeps_the_hard_limit_format(self):
        q = rq({"requests.memory": "1Gi"}, {"requests.memory": "0"})
        assert quota.admit(q, pod(requests={"memory": "512Mi"})) == {"requests.memory": "512Mi"}


def test_namespace_usage_sums_matching_objects():
    q = rq({"pods": "10", "requests.cpu": "4", "configmaps": "5"})
    objects = [(pod("a", requests={"cpu": "1"}), None), (pod("b", requests={"cpu": "500m"}), None),
               ({"kind": "ConfigMap", "metadata": {"name": "c"}}, None)]
    assert quota.namespace_usage(q, objects, now=0) == {"pods": "2", "requests.cpu": "1500m", "configmaps": "1"}


@settings(max_examples=200, deadline=None)
@given(hard=st.integers(0, 2000), requests=st.lists(st.integers(1, 700), max_size=12))
def test_admission_never_lets_usage_pass_the_hard_limit(hard, requests):
    """Whatever pods arrive, an admitted sequence keeps requests.cpu <= hard; a refusal changes nothing."""
    q = rq({"requests.cpu": f"{hard}m"}, {"requests.cpu": "0"})
    total = 0
    for millis in requests:
        try:
            used = quota.admit(q, pod(requests={"cpu": f"{millis}m"}))
        except quota.QuotaRefusal:
            assert total + millis > hard
            continue
        total += millis
        assert total <= hard
        q["status"]["used"] = used
