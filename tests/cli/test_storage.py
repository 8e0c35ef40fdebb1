"""Storage through the CLI: the docs' task-pv-* manifests, a provisioned claim, reclaim and protection."""
from __future__ import annotations

PV = """apiVersion: v1
kind: PersistentVolume
metadata:
  name: task-pv-volume
  labels:
    type: local
spec:
  storageClassName: manual
  capacity:
    storage: 10Gi
  accessModes:
    - ReadWriteOnce
  hostPath:
    path: "/mnt/data"
"""
PVC = """apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: task-pv-claim
spec:
  storageClassName: manual
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 3Gi
"""
POD = """apiVersion: v1
kind: Pod
metadata:
  name: task-pv-pod
spec:
  volumes:
    - name: task-pv-storage
      persistentVolumeClaim:
        claimName: task-pv-claim
  containers:
    - name: task-pv-container
      image: nginx
      volumeMounts:
        - mountPath: "/usr/share/nginx/html"
          name: task-pv-storage
"""
DYN = """apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: dyn
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
"""


class TestStaticVolume:
    def test_claim_binds_the_docs_volume(self, lk) -> None:
        lk("apply", "-f", "-", input=PV)
        lk("apply", "-f", "-", input=PVC)
        assert lk("get", "pv").stdout == (
            "NAME             CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM                   "
            "STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE\n"
            "task-pv-volume   10Gi       RWO            Retain           Bound    default/task-pv-claim   "
            "manual         <unset>                          0s\n")
        assert lk("describe", "pvc", "task-pv-claim").stdout == (
            "Name:          task-pv-claim\nNamespace:     default\nStorageClass:  manual\nStatus:        Bound\n"
            "Volume:        task-pv-volume\nLabels:        <none>\n"
            "Annotations:   pv.kubernetes.io/bind-completed: yes\n"
            "               pv.kubernetes.io/bound-by-controller: yes\n"
            "Finalizers:    [kubernetes.io/pvc-protection]\nCapacity:      10Gi\nAccess Modes:  RWO\n"
            "VolumeMode:    Filesystem\nUsed By:       <none>\nEvents:        <none>\n")

    def test_claim_in_use_stays_terminating_then_the_volume_is_released(self, lk) -> None:
        lk("apply", "-f", "-", input=PV + "---\n" + PVC + "---\n" + POD)
        assert "Running" in lk("get", "pod", "task-pv-pod").stdout
        lk("delete", "pvc", "task-pv-claim")
        assert "Terminating" in lk("get", "pvc").stdout
        lk("delete", "pod", "task-pv-pod")
        out = lk("get", "pv").stdout
        assert "Retain           Released   default/task-pv-claim" in out


class TestDefaultClass:
    def test_standard_is_the_default(self, lk) -> None:
        assert lk("get", "sc").stdout == (
            "NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      "
            "ALLOWVOLUMEEXPANSION   AGE\n"
            "standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false"
            "                  5s\n")

    def test_wait_for_first_consumer_then_provisioned(self, lk) -> None:
        lk("apply", "-f", "-", input=DYN)
        out = lk("describe", "pvc", "dyn").stdout
        assert "StorageClass:  standard\nStatus:        Pending\n" in out
        assert "waiting for first consumer to be created before binding" in out
        lk("apply", "-f", "-", input=POD.replace("task-pv-claim", "dyn"))
        out = lk("describe", "pvc", "dyn").stdout
        assert "Status:        Bound\n" in out
        assert "volume.kubernetes.io/selected-node: node-" in out
        assert "ProvisioningSucceeded" in out
        lk("delete", "pod", "task-pv-pod")
        lk("delete", "pvc", "dyn")
        assert lk("get", "pv").stdout == ""

    def test_unbound_immediate_claim_keeps_the_pod_pending(self, lk) -> None:
        lk("apply", "-f", "-", input=PVC + "---\n" + POD)
        out = lk("describe", "pod", "task-pv-pod").stdout
        assert ("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes "
                "are available: 3 Preemption is not helpful for scheduling..") in out
