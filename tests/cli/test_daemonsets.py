"""DaemonSets through the real CLI: the docs' fluentd-elasticsearch DaemonSet on 3 nodes, one a tainted control plane."""
from __future__ import annotations

import re

FLUENTD = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  namespace: kube-system
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      - key: node-role.kubernetes.io/master
        operator: Exists
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: quay.io/fluentd_elasticsearch/fluentd:v2.5.2
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
"""
NS = ("-n", "kube-system")
OWN = ("-l", "name=fluentd-elasticsearch")  # kube-system also holds kube-proxy's and CoreDNS's pods


def cluster(lk, tmp_path):
    lk("init", "--nodes", "2")
    lk("node", "add", "control-plane", "--labels", "node-role.kubernetes.io/control-plane=",
       "--taints", "node-role.kubernetes.io/control-plane:NoSchedule")
    path = tmp_path / "daemonset.yaml"
    path.write_text(FLUENTD)
    return lk("apply", "-f", str(path))


def nodes_of_pods(lk) -> list[str]:
    return sorted(line.split()[6] for line in lk("get", "pods", *NS, *OWN, "-o", "wide", "--no-headers")
                  .stdout.splitlines())


def test_one_pod_per_node_with_the_control_plane(lk, tmp_path):
    assert cluster(lk, tmp_path).stdout == "daemonset.apps/fluentd-elasticsearch created\n"
    assert lk("get", "ds", "fluentd-elasticsearch", *NS).stdout == (
        "NAME                    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE\n"
        "fluentd-elasticsearch   3         3         3       3            3           <none>          1s\n")
    assert lk("get", "ds", "fluentd-elasticsearch", *NS, "-o", "wide").stdout.splitlines()[1].split()[-3:] == [
        "fluentd-elasticsearch", "quay.io/fluentd_elasticsearch/fluentd:v2.5.2", "name=fluentd-elasticsearch"]
    assert nodes_of_pods(lk) == ["control-plane", "node-1", "node-2"]
    text = lk("describe", "ds", "fluentd-elasticsearch", *NS).stdout
    assert text.startswith(
        "Name:           fluentd-elasticsearch\n"
        "Namespace:      kube-system\n"
        "Selector:       name=fluentd-elasticsearch\n"
        "Node-Selector:  <none>\n"
        "Labels:         k8s-app=fluentd-logging\n"
        "Annotations:    deprecated.daemonset.template.generation: 1\n"
        "Desired Number of Nodes Scheduled: 3\n"
        "Current Number of Nodes Scheduled: 3\n"
        "Number of Nodes Scheduled with Up-to-date Pods: 3\n"
        "Number of Nodes Scheduled with Available Pods: 3\n"
        "Number of Nodes Misscheduled: 0\n"
        "Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"
        "Pod Template:\n")
    assert re.search(r"Normal  SuccessfulCreate  \S+\s+daemonset-controller  Created pod: fluentd-elasticsearch-",
                     text)


def test_nodes_added_tainted_and_removed(lk, tmp_path):
    cluster(lk, tmp_path)
    lk("node", "add", "node-3")
    lk("node", "add", "gpu-1", "--taints", "dedicated=gpu:NoSchedule")
    assert nodes_of_pods(lk) == ["control-plane", "node-1", "node-2", "node-3"]
    assert lk("delete", "node", "node-3").stdout == 'node "node-3" deleted\n'
    lk("advance", "1m")
    assert nodes_of_pods(lk) == ["control-plane", "node-1", "node-2"]
    assert lk("get", "ds", "fluentd-elasticsearch", *NS, "--no-headers").stdout.split()[1:6] == ["3", "3", "3", "3", "3"]


def test_set_image_rollout_status_history_and_undo(lk, tmp_path):
    cluster(lk, tmp_path)
    assert lk("set", "image", "ds/fluentd-elasticsearch", *NS,
              "fluentd-elasticsearch=quay.io/fluentd_elasticsearch/fluentd:v2.6.0").stdout == (
        "daemonset.apps/fluentd-elasticsearch image updated\n")
    assert lk("rollout", "status", "ds/fluentd-elasticsearch", *NS).stdout == (
        'daemon set "fluentd-elasticsearch" successfully rolled out\n')
    images = lk("get", "pods", *NS, *OWN, "-o", "jsonpath={.items[*].spec.containers[0].image}").stdout.split()
    assert images == ["quay.io/fluentd_elasticsearch/fluentd:v2.6.0"] * 3
    assert lk("rollout", "history", "ds/fluentd-elasticsearch", *NS).stdout == (
        "daemonset.apps/fluentd-elasticsearch \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n")
    assert lk("rollout", "undo", "ds/fluentd-elasticsearch", *NS).stdout == (
        "daemonset.apps/fluentd-elasticsearch rolled back\n")
    lk("rollout", "status", "ds/fluentd-elasticsearch", *NS)
    images = lk("get", "pods", *NS, *OWN, "-o", "jsonpath={.items[*].spec.containers[0].image}").stdout.split()
    assert images == ["quay.io/fluentd_elasticsearch/fluentd:v2.5.2"] * 3
    revisions = lk("get", "controllerrevisions", *NS, *OWN, "--no-headers").stdout.splitlines()
    assert sorted(line.split()[2] for line in revisions) == ["2", "3"]
    assert lk("rollout", "restart", "ds/fluentd-elasticsearch", *NS).stdout == (
        "daemonset.apps/fluentd-elasticsearch restarted\n")
