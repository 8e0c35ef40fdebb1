"""The docs' `web` StatefulSet (concepts/workloads/controllers/statefulset) through the real CLI."""
from __future__ import annotations

from pathlib import Path

WEB = Path(__file__).resolve().parents[1] / "manifests" / "apps" / "statefulset-web.yaml"


MY_STORAGE_CLASS = """apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: my-storage-class}
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
"""


def test_the_docs_claims_wait_for_their_storage_class(lk):
    """The page's claims name my-storage-class, which a new cluster lacks: web-0 waits, as on kind."""
    lk("apply", "-f", str(WEB))
    assert lk("get", "sts").stdout == "NAME   READY   AGE\nweb    0/3     0s\n"
    assert "unbound immediate PersistentVolumeClaims" in lk("describe", "pod", "web-0").stdout
    assert 'storageclass.storage.k8s.io "my-storage-class" not found' in lk("describe", "pvc", "www-web-0").stdout


def test_web_statefulset_scale_update_history_undo(lk, tmp_path):
    storage_class = tmp_path / "sc.yaml"
    storage_class.write_text(MY_STORAGE_CLASS)
    assert lk("apply", "-f", str(storage_class)).exit_code == 0
    assert lk("apply", "-f", str(WEB)).stdout == "service/nginx created\nstatefulset.apps/web created\n"
    assert lk("get", "sts").stdout == "NAME   READY   AGE\nweb    3/3     33s\n"
    assert lk("get", "pods").stdout.splitlines() == [
        "NAME    READY   STATUS    RESTARTS   AGE", "web-0   1/1     Running   0          33s",
        "web-1   1/1     Running   0          22s", "web-2   1/1     Running   0          11s"]
    assert lk("rollout", "status", "sts/web").stdout == "partitioned roll out complete: 3 new pods have been updated...\n"
    lk("scale", "sts", "web", "--replicas=5")
    assert [line.split()[0] for line in lk("get", "pods").stdout.splitlines()[1:]] == [
        "web-0", "web-1", "web-2", "web-3", "web-4"]
    assert lk("scale", "sts", "web", "--replicas=2").stdout == "statefulset.apps/web scaled\n"
    assert [line.split()[0] for line in lk("get", "pods").stdout.splitlines()[1:]] == ["web-0", "web-1"]
    assert len(lk("get", "pvc").stdout.splitlines()) == 6  # whenScaled Retain keeps www-web-2..4
    lk("set", "image", "sts/web", "nginx=registry.k8s.io/nginx-slim:0.27")
    assert lk("rollout", "status", "sts/web").stdout == "partitioned roll out complete: 2 new pods have been updated...\n"
    assert lk("rollout", "history", "sts/web").stdout == (
        "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n")
    assert "nginx-slim:0.27" in lk("rollout", "history", "sts/web", "--revision=2").stdout
    assert lk("rollout", "undo", "sts/web").stdout == "statefulset.apps/web rolled back\n"
    assert lk("rollout", "history", "sts/web").stdout.splitlines()[2:] == ["2         <none>", "3         <none>", ""]
    assert "registry.k8s.io/nginx-slim:0.24" in lk("get", "sts", "-o", "wide").stdout
    described = lk("describe", "sts", "web").stdout
    assert "Pods Status:        2 Running / 0 Waiting / 0 Succeeded / 0 Failed\n" in described
    assert "create Pod web-0 in StatefulSet web successful" in described
    assert lk("rollout", "restart", "sts/web").stdout == "statefulset.apps/web restarted\n"
