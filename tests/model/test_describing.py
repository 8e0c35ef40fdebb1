"""kubectl describe output, compared as exact text (describe.go through Go's tabwriter)."""
from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest

from litekube.model import describing
from litekube.model.tabwriting import format_cells

NOW = datetime(2026, 11, 27, 2, 20, 5, tzinfo=timezone.utc)
CREATED = "2026-11-27T02:15:05Z"
TEMPLATE = {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25",
                                     "ports": [{"containerPort": 80, "protocol": "TCP"}]}]}}


def event(reason: str, message: str, component: str, first: str, last: str, count: int = 1) -> dict:
    return {"type": "Normal", "reason": reason, "message": message, "source": {"component": component},
            "firstTimestamp": first, "lastTimestamp": last, "count": count}


class TestTabwriter:
    @pytest.mark.parametrize("text, expected", [
        pytest.param("a:\t1\nlonger:\t2\n", "a:       1\nlonger:  2\n", id="one-block"),
        pytest.param("a:\t1\nbreak\nlonger:\t2\n", "a:  1\nbreak\nlonger:  2\n", id="line-without-tab-ends-block"),
        pytest.param("T\tS\tR\nlong \tx\ty\nk:\tv\n", "T      S  R\nlong   x  y\nk:     v\n", id="nested-columns"),
    ])
    def test_alignment(self, text: str, expected: str) -> None:
        assert format_cells(text) == expected


class TestDeployment:
    def test_full_describe(self) -> None:
        deployment = {
            "kind": "Deployment", "metadata": {
                "name": "web", "namespace": "default", "uid": "u1", "creationTimestamp": CREATED,
                "labels": {"app": "web"}, "annotations": {"deployment.kubernetes.io/revision": "1"}},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": TEMPLATE,
                     "strategy": {"type": "RollingUpdate",
                                  "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}},
            "status": {"replicas": 2, "updatedReplicas": 2, "availableReplicas": 2, "conditions": [
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}}
        rs_template = copy.deepcopy(TEMPLATE)
        rs_template["metadata"]["labels"]["pod-template-hash"] = "7d4b8c9f5"
        replicaset = {"kind": "ReplicaSet", "metadata": {
            "name": "web-7d4b8c9f5", "creationTimestamp": CREATED,
            "ownerReferences": [{"kind": "Deployment", "name": "web", "uid": "u1", "controller": True}]},
            "spec": {"replicas": 2, "template": rs_template}, "status": {"replicas": 2}}
        events = [event("ScalingReplicaSet", "Scaled up replica set web-7d4b8c9f5 to 2", "deployment-controller",
                        CREATED, CREATED)]
        assert describing.describe(deployment, events, NOW, {"replicasets": [replicaset]}) == """\
Name:                   web
Namespace:              default
CreationTimestamp:      Fri, 27 Nov 2026 02:15:05 +0000
Labels:                 app=web
Annotations:            deployment.kubernetes.io/revision: 1
Selector:               app=web
Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=web
  Containers:
   nginx:
    Image:         nginx:1.25
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   web-7d4b8c9f5 (2/2 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  5m    deployment-controller  Scaled up replica set web-7d4b8c9f5 to 2
"""


class TestPod:
    def test_full_describe(self) -> None:
        pod = {"kind": "Pod", "metadata": {
            "name": "web-7d4b8c9f5-abcde", "namespace": "default", "creationTimestamp": CREATED,
            "labels": {"app": "web", "pod-template-hash": "7d4b8c9f5"},
            "ownerReferences": [{"kind": "ReplicaSet", "name": "web-7d4b8c9f5", "controller": True}]},
            "spec": {"nodeName": "node1", "priority": 0, "serviceAccountName": "default",
                     "containers": TEMPLATE["spec"]["containers"], "tolerations": [
                         {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                          "tolerationSeconds": 300},
                         {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                          "tolerationSeconds": 300}]},
            "status": {"phase": "Running", "hostIP": "10.0.0.1", "podIP": "10.244.1.5",
                       "podIPs": [{"ip": "10.244.1.5"}], "startTime": CREATED,
                       "conditions": [{"type": "Ready", "status": "True"},
                                      {"type": "PodScheduled", "status": "True"}],
                       "containerStatuses": [{"name": "nginx", "ready": True, "restartCount": 0,
                                              "containerID": "containerd://abc", "imageID": "nginx@sha256:1",
                                              "state": {"running": {"startedAt": "2026-11-27T02:15:07Z"}}}]}}
        events = [event("Scheduled", "Successfully assigned default/web-7d4b8c9f5-abcde to node1",
                        "default-scheduler", CREATED, CREATED),
                  event("Pulled", "Container image \"nginx:1.25\" already present on machine", "kubelet",
                        "2026-11-27T02:15:06Z", "2026-11-27T02:18:05Z", count=3)]
        assert describing.describe(pod, events, NOW) == """\
Name:             web-7d4b8c9f5-abcde
Namespace:        default
Priority:         0
Service Account:  default
Node:             node1/10.0.0.1
Start Time:       Fri, 27 Nov 2026 02:15:05 +0000
Labels:           app=web
                  pod-template-hash=7d4b8c9f5
Annotations:      <none>
Status:           Running
IP:               10.244.1.5
IPs:
  IP:           10.244.1.5
Controlled By:  ReplicaSet/web-7d4b8c9f5
Containers:
  nginx:
    Container ID:   containerd://abc
    Image:          nginx:1.25
    Image ID:       nginx@sha256:1
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Fri, 27 Nov 2026 02:15:07 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:         <none>
Conditions:
  Type           Status
  Ready          True 
  PodScheduled   True 
Volumes:         <none>
QoS Class:       BestEffort
Node-Selectors:  <none>
Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age                 From               Message
  ----    ------     ----                ----               -------
  Normal  Scheduled  5m                  default-scheduler  Successfully assigned default/web-7d4b8c9f5-abcde to node1
  Normal  Pulled     2m (x3 over 4m59s)  kubelet            Container image "nginx:1.25" already present on machine
"""


class TestEvents:
    def test_none(self) -> None:
        cm = {"kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "default"}, "data": {"a": "1"}}
        assert describing.describe(cm, [], NOW).endswith("BinaryData\n====\n\nEvents:  <none>\n")

    def test_sorted_by_last_timestamp(self) -> None:
        later = event("B", "second", "x", CREATED, "2026-11-27T02:19:05Z")
        earlier = event("A", "first", "x", CREATED, "2026-11-27T02:16:05Z")
        text = describing.describe({"kind": "Lease", "metadata": {"name": "l"}}, [later, earlier], NOW)
        assert text.index("first") < text.index("second")


class TestOtherKinds:
    def test_service(self) -> None:
        svc = {"kind": "Service", "metadata": {"name": "web", "namespace": "default"},
               "spec": {"type": "ClusterIP", "selector": {"app": "web"}, "ipFamilyPolicy": "SingleStack",
                        "ipFamilies": ["IPv4"], "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
                        "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}],
                        "sessionAffinity": "None", "internalTrafficPolicy": "Cluster"}}
        slices = [{"kind": "EndpointSlice", "addressType": "IPv4", "ports": [{"name": "", "port": 8080}],
                   "endpoints": [{"addresses": ["10.244.1.5"], "conditions": {"ready": True}}]}]
        assert describing.describe(svc, [], NOW, {"slices": slices}) == """\
Name:                     web
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 app=web
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.0.10
IPs:                      10.96.0.10
Port:                     <unset>  80/TCP
TargetPort:               8080/TCP
Endpoints:                10.244.1.5:8080
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
"""

    def test_namespace_has_quota_lines_and_no_events(self) -> None:
        ns = {"kind": "Namespace", "metadata": {"name": "default",
                                                "labels": {"kubernetes.io/metadata.name": "default"}},
              "status": {"phase": "Active"}}
        assert describing.describe(ns, [], NOW) == """\
Name:         default
Labels:       kubernetes.io/metadata.name=default
Annotations:  <none>
Status:       Active

No resource quota.

No LimitRange resource.
"""

    def test_secret_shows_sizes_only(self) -> None:
        secret = {"kind": "Secret", "type": "Opaque", "metadata": {"name": "db", "namespace": "default"},
                  "data": {"password": "czNjcjN0IQ==", "user": "YWRtaW4="}}
        assert describing.describe(secret, [], NOW) == """\
Name:         db
Namespace:    default
Labels:       <none>
Annotations:  <none>

Type:  Opaque

Data
====
password:  7 bytes
user:      5 bytes
"""

    def test_node_with_pods(self) -> None:
        node = {"kind": "Node", "metadata": {"name": "node1", "creationTimestamp": CREATED,
                                             "labels": {"kubernetes.io/hostname": "node1"}},
                "spec": {}, "status": {"allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"},
                                       "nodeInfo": {"kubeletVersion": "v1.32.4"}}}
        pods = [{"metadata": {"name": "web-1", "namespace": "default", "creationTimestamp": CREATED},
                 "spec": {"nodeName": "node1", "containers": [
                     {"resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}}]}, "status": {"phase": "Running"}}]
        text = describing.describe(node, [], NOW, {"pods": pods})
        assert "Non-terminated Pods:          (1 in total)\n" in text
        assert "  default                     web-1    500m (25%)    0 (0%)      1Gi (25%)        0 (0%)         5m\n" in text
        assert "  cpu                500m (25%)  0 (0%)\n" in text

    def test_generic_dump(self) -> None:
        lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                 "metadata": {"name": "l", "namespace": "default", "uid": "x"}, "spec": {"holderIdentity": "me"}}
        assert describing.describe(lease, [], NOW) == """\
Name:         l
Namespace:    default
Labels:       <none>
Annotations:  <none>
API Version:  coordination.k8s.io/v1
Kind:         Lease
Metadata:
  UID:  x
Spec:
  Holder Identity:  me
Events:             <none>
"""


def test_public_surface() -> None:
    assert "describe" in describing.__all__


class TestDescribePodDisruptionBudget:
    def test_layout_as_kubectl(self):
        from datetime import datetime, timezone

        from litekube.model import describing

        pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
               "metadata": {"name": "web", "namespace": "demo"},
               "spec": {"maxUnavailable": "25%", "selector": {"matchLabels": {"app": "web"}}},
               "status": {"disruptionsAllowed": 1, "currentHealthy": 4, "desiredHealthy": 3, "expectedPods": 4}}
        text = describing.describe(pdb, [], datetime(2026, 11, 27, tzinfo=timezone.utc))
        assert text == ("Name:             web\n"
                        "Namespace:        demo\n"
                        "Max unavailable:  25%\n"
                        "Selector:         app=web\n"
                        "Status:\n"
                        "    Allowed disruptions:  1\n"
                        "    Current:              4\n"
                        "    Desired:              3\n"
                        "    Total:                4\n"
                        "Events:                   <none>\n")
