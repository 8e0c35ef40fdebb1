"""The admission plugins that read the cluster, on a real store: ServiceAccount, Priority, LimitRanger, quota."""
from __future__ import annotations

import pytest

from litekube import errors
from litekube.api.server import Api


def pod(name: str = "", generate: str = "", cpu: str = "") -> dict:
    meta = {"name": name} if name else {"generateName": generate}
    container = {"name": "app", "image": "nginx"}
    if cpu:
        container["resources"] = {"requests": {"cpu": cpu}, "limits": {"cpu": cpu}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": {"containers": [container]}}


def test_the_default_account_is_made_in_the_same_transaction(api):
    with api.write() as tx:
        created = tx.create(pod("p"))
        assert tx.find("ServiceAccount", "default", "default") is not None
    assert created["spec"]["serviceAccountName"] == "default"


def test_a_refused_generated_pod_is_named_by_its_prefix(api):
    bad = pod(generate="web-")
    bad["spec"]["serviceAccountName"] = "robot"
    with pytest.raises(errors.Forbidden) as refused, api.write() as tx:
        tx.create(bad)
    assert refused.value.message == ('pods "web-" is forbidden: error looking up service account default/robot: '
                                     'serviceaccount "robot" not found')


def test_quota_usage_goes_up_within_one_transaction(api):
    quota = {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q"},
             "spec": {"hard": {"pods": "1"}}}
    with api.write() as tx:
        created = tx.create(quota)
        created["status"] = {"hard": {"pods": "1"}, "used": {"pods": "0"}}
        tx.update_status(created)
    with pytest.raises(errors.Forbidden) as refused, api.write() as tx:
        tx.create(pod("a"))
        assert tx.get("ResourceQuota", "default", "q")["status"]["used"] == {"pods": "1"}
        tx.create(pod("b"))
    assert refused.value.message == ('pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, '
                                     "limited: pods=1")
    with api.read() as tx:  # the failed transaction left nothing behind
        assert tx.find("Pod", "default", "a") is None


def test_a_given_priority_must_match_the_class(api):
    bad = pod("p")
    bad["spec"]["priority"] = 7
    with pytest.raises(errors.Forbidden) as refused, api.write() as tx:
        tx.create(bad)
    assert refused.value.message == ('pods "p" is forbidden: the integer value of priority (7) must not be provided '
                                     "in pod spec; priority admission controller computed 0 from the given "
                                     "PriorityClass name")


def test_priority_is_kept_when_an_update_leaves_it_out(api):
    with api.write() as tx:
        tx.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"},
                   "value": 1000})
        with_class = pod("p")
        with_class["spec"]["priorityClassName"] = "high"
        created = tx.create(with_class)
    replaced = {**created, "spec": {k: v for k, v in created["spec"].items() if k not in ("priority",
                                                                                         "preemptionPolicy")}}
    with api.write() as tx:
        assert tx.update(replaced)["spec"]["priority"] == 1000


def test_missing_bootstrap_objects_are_ensured_at_start(api):
    with api.write() as tx:
        tx.delete("PriorityClass", "", "system-node-critical")
        tx.delete("ClusterRole", "", "view")
    again = Api(api.store, node_count=0)
    with again.read() as tx:
        assert tx.get("PriorityClass", "", "system-node-critical")["value"] == 2000001000
        assert tx.find("ClusterRole", "", "view") is not None


def test_runtime_class_must_exist_and_brings_its_scheduling(api):
    gvisor = pod("p")
    gvisor["spec"]["runtimeClassName"] = "gvisor"
    with pytest.raises(errors.Forbidden) as refused, api.write() as tx:
        tx.create(gvisor)
    assert refused.value.message == 'pods "p" is forbidden: pod rejected: RuntimeClass "gvisor" not found'
    with api.write() as tx:
        tx.create({"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "gvisor"},
                   "handler": "runsc", "overhead": {"podFixed": {"cpu": "250m"}},
                   "scheduling": {"nodeSelector": {"sandbox": "true"}}})
        created = tx.create(gvisor)
    assert (created["spec"]["overhead"], created["spec"]["nodeSelector"]) == ({"cpu": "250m"}, {"sandbox": "true"})
