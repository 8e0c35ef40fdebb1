"""What the apiserver serializes of an empty status: Go zero values of non-omitempty fields (k8s.io/api v1.32)."""
from __future__ import annotations

import pytest

from litekube.model import zerovalues


@pytest.mark.parametrize("kind, status, expected", [
    ("Deployment", None, {}),
    ("ReplicaSet", None, {"replicas": 0}),
    ("StatefulSet", None, {"availableReplicas": 0, "replicas": 0}),
    ("DaemonSet", None, {"currentNumberScheduled": 0, "desiredNumberScheduled": 0, "numberMisscheduled": 0,
                         "numberReady": 0}),
    ("Job", None, {}),
    ("CronJob", None, {}),
    ("Service", None, {"loadBalancer": {}}),
    ("Ingress", None, {"loadBalancer": {}}),
    ("HorizontalPodAutoscaler", None, {"desiredReplicas": 0}),
    ("PodDisruptionBudget", None, {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0,
                                   "expectedPods": 0}),
    ("ReplicaSet", {"replicas": 3, "readyReplicas": 2}, {"replicas": 3, "readyReplicas": 2}),
    ("Service", {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}, {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}),
], ids=lambda v: v if isinstance(v, str) else None)
def test_empty_status_serializes_as_go_does(kind, status, expected):
    obj = {"kind": kind, "metadata": {"name": "x"}, "spec": {}}
    if status is not None:
        obj["status"] = status
    assert zerovalues.served(obj)["status"] == expected


def test_pod_gets_its_qos_class():
    pod = {"kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "c", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]},
           "status": {"phase": "Pending"}}
    assert zerovalues.served(pod)["status"] == {"phase": "Pending", "qosClass": "Guaranteed"}
    assert pod["status"] == {"phase": "Pending"}  # the input is never changed


def test_node_shows_its_daemon_endpoint_and_node_info():
    node = {"kind": "Node", "metadata": {"name": "n"}, "status": {"nodeInfo": {"kubeletVersion": "v1.32.0"}}}
    status = zerovalues.served(node)["status"]
    assert status["daemonEndpoints"] == {"kubeletEndpoint": {"Port": 0}}
    assert status["nodeInfo"]["kubeletVersion"] == "v1.32.0" and status["nodeInfo"]["bootID"] == ""


def test_kinds_without_status_and_full_statuses_are_returned_as_they_are():
    cm = {"kind": "ConfigMap", "metadata": {"name": "c"}}
    assert zerovalues.served(cm) is cm
    rs = {"kind": "ReplicaSet", "metadata": {"name": "r"}, "status": {"replicas": 1}}
    assert zerovalues.served(rs) is rs


def test_output_prints_served_objects_only_when_asked():
    """output.render(served=True) is what the CLI prints for objects it read from the API; objects read from
    files or built locally print as they are."""
    from litekube.model import output

    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"type": "ClusterIP"}}
    yaml_ = output.parse("yaml")
    assert output.render(yaml_, [svc], single=True, served=True).endswith("\nstatus:\n  loadBalancer: {}\n")
    assert output.render(yaml_, [svc], single=True) == "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n" \
                                                      "spec:\n  type: ClusterIP\n"
    listing = output.render(output.parse("jsonpath={.items[*].status}"), [svc, svc], served=True)
    assert listing == '{"loadBalancer":{}} {"loadBalancer":{}}'
    assert "status" not in svc
