"""The StatefulSet controller, with cases of upstream's stateful_set_control_test.go."""
from __future__ import annotations

from litekube.reconcile.base import Key
from litekube.reconcile.statefulset import utils
from tests.reconcile.statefulset_fixtures import Cluster, sts


def test_creates_pods_in_order_waiting_for_each_to_be_ready():  # OrderedReady, ScalesUp
    c = Cluster(sts(3))
    c.sync()
    assert c.pod_names() == ["web-0"] and c.log[-2:] == ["create PersistentVolumeClaim www-web-0", "create Pod web-0"]
    c.sync()
    assert c.pod_names() == ["web-0"]  # blocked: web-0 is Pending
    c.set_phase("web-0", "Running", ready=False)
    c.sync()
    assert c.pod_names() == ["web-0"]  # blocked: Running, not Ready
    c.ready("web-0")
    c.sync()
    assert c.pod_names() == ["web-0", "web-1"]
    c.converge()
    assert c.pod_names() == ["web-0", "web-1", "web-2"]
    pod = c.get("Pod", "web-1")
    assert pod["spec"]["hostname"] == "web-1" and pod["spec"]["subdomain"] == "nginx"
    labels = pod["metadata"]["labels"]
    assert labels[utils.POD_NAME_LABEL] == "web-1" and labels[utils.POD_INDEX_LABEL] == "1"
    assert labels[utils.REVISION_LABEL] == c.revisions()[0]["metadata"]["name"]
    assert pod["spec"]["volumes"][0] == {"name": "www", "persistentVolumeClaim": {"claimName": "www-web-1"}}
    claim = c.get("PersistentVolumeClaim", "www-web-1")
    assert claim["metadata"]["labels"] == {"tier": "data", "app": "nginx"}
    assert "ownerReferences" not in claim["metadata"]  # Retain/Retain
    status = c.set["status"]
    assert (status["replicas"], status["readyReplicas"], status["availableReplicas"], status["currentReplicas"],
            status["updatedReplicas"], status["collisionCount"]) == (3, 3, 3, 3, 3, 0)
    assert [e.message for e in c.events if e.reason == "SuccessfulCreate"][:2] == [
        "create Claim www-web-0 Pod web-0 in StatefulSet web success", "create Pod web-0 in StatefulSet web successful"]


def test_parallel_creates_all_at_once():
    c = Cluster(sts(3, policy="Parallel"))
    c.sync()
    assert c.pod_names() == ["web-0", "web-1", "web-2"]


def test_start_ordinal():
    c = Cluster(sts(2, start=5))
    c.converge()
    assert c.pod_names() == ["web-5", "web-6"]


def test_scales_down_in_reverse_order_one_at_a_time():
    c = Cluster(sts(5), graceful=True)
    c.converge()
    c.scale(2)
    c.sync()
    assert c.log[-1] == "delete Pod web-4"
    c.sync()
    assert c.log[-1] == "delete Pod web-4"  # web-4 terminating: blocks
    c.finish_terminating()
    c.sync()
    assert c.log[-1] == "delete Pod web-3"
    c.converge()
    assert c.pod_names() == ["web-0", "web-1"]
    assert c.get("PersistentVolumeClaim", "www-web-4") is not None  # whenScaled Retain


def test_parallel_scales_down_at_once():
    c = Cluster(sts(4, policy="Parallel"), graceful=True)
    c.converge()
    c.scale(1)
    c.sync()
    assert [x for x in c.log if x.startswith("delete")] == ["delete Pod web-3", "delete Pod web-2", "delete Pod web-1"]


def test_recreates_failed_pod():
    c = Cluster(sts(2))
    c.converge()
    c.set_phase("web-0", "Failed")
    c.sync()
    assert c.log[-1] == "delete Pod web-0"
    c.sync()
    assert c.log[-1] == "create Pod web-0"


def test_rolling_update_replaces_from_the_highest_ordinal():
    c = Cluster(sts(3), graceful=True)
    c.converge()
    c.set_image("nginx:1.28")
    c.sync()
    assert c.log[-1] == "delete Pod web-2" and len(c.revisions()) == 2
    c.converge()
    new = c.revisions()[-1]["metadata"]["name"]
    assert {utils.pod_revision(p) for p in c.pods()} == {new}
    status = c.set["status"]
    assert status["currentRevision"] == status["updateRevision"] == new and status["updatedReplicas"] == 3


def test_rolling_update_with_partition():
    c = Cluster(sts(3, strategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}))
    c.converge()
    old = c.revisions()[0]["metadata"]["name"]
    c.set_image("nginx:1.28")
    c.converge()
    new = c.revisions()[-1]["metadata"]["name"]
    assert [utils.pod_revision(p) for p in c.pods()] == [old, old, new]
    assert c.set["status"]["updatedReplicas"] == 1 and c.set["status"]["currentRevision"] == old
    assert utils.rollout_status(c.set) == ("partitioned roll out complete: 1 new pods have been updated...", True)


def test_on_delete_never_deletes_for_an_update():
    c = Cluster(sts(2, strategy={"type": "OnDelete"}))
    c.converge()
    c.set_image("nginx:1.28")
    c.converge()
    assert not [x for x in c.log if x.startswith("delete")]
    c.view.discard(Key("Pod", "default", "web-1"))  # the user deletes it
    c.converge()
    assert utils.pod_revision(c.get("Pod", "web-1")) == c.revisions()[-1]["metadata"]["name"]


def test_rollback_renumbers_the_old_revision():
    c = Cluster(sts(1))
    c.converge()
    first = c.revisions()[0]["metadata"]["name"]
    c.set_image("nginx:1.28")
    c.converge()
    c.set_image("nginx:1.27")
    c.converge()
    assert [(r["metadata"]["name"] == first, r["revision"]) for r in c.revisions()] == [(False, 2), (True, 3)]


def test_history_limit_truncates_unused_revisions():
    c = Cluster(sts(1, history_limit=1))
    c.converge()
    for image in ("a", "b", "c"):
        c.set_image(image)
        c.converge()
    assert len(c.revisions()) == 2  # the live one and one more


def test_retention_when_deleted_delete_owns_claims_by_the_set():
    c = Cluster(sts(2, retention={"whenDeleted": "Delete", "whenScaled": "Retain"}))
    c.converge()
    refs = c.get("PersistentVolumeClaim", "www-web-0")["metadata"]["ownerReferences"]
    assert [(r["kind"], r["name"], r["controller"]) for r in refs] == [("StatefulSet", "web", True)]


def test_retention_when_scaled_delete_gives_condemned_claims_to_their_pod():
    c = Cluster(sts(2, retention={"whenDeleted": "Retain", "whenScaled": "Delete"}), graceful=True)
    c.converge()
    assert "ownerReferences" not in c.get("PersistentVolumeClaim", "www-web-1")["metadata"]
    c.scale(1)
    c.sync()
    refs = c.get("PersistentVolumeClaim", "www-web-1")["metadata"]["ownerReferences"]
    assert [(r["kind"], r["name"]) for r in refs] == [("Pod", "web-1")]
    assert c.log[-1] == "delete Pod web-1"


def test_min_ready_seconds_blocks_and_requeues():
    c = Cluster(sts(2, min_ready=10))
    c.sync()
    c.ready("web-0")
    result = c.sync()
    assert c.pod_names() == ["web-0"] and 10 <= result.requeue_after <= 10.01
    c.now += 11
    c.sync()
    assert c.pod_names() == ["web-0", "web-1"]


def test_rollout_status_messages():
    s = sts(3)
    s["status"] = {"observedGeneration": 1, "readyReplicas": 1}
    assert utils.rollout_status(s) == ("Waiting for 2 pods to be ready...", False)
    s["spec"]["updateStrategy"] = {"type": "RollingUpdate"}
    s["status"] = {"observedGeneration": 1, "readyReplicas": 3, "updatedReplicas": 3, "currentReplicas": 3,
                   "currentRevision": "web-a", "updateRevision": "web-a"}
    assert utils.rollout_status(s) == ("statefulset rolling update complete 3 pods at revision web-a...", True)
    s["status"]["updateRevision"] = "web-b"
    assert utils.rollout_status(s)[0] == "waiting for statefulset rolling update to complete 3 pods at revision web-b..."
    s["status"]["observedGeneration"] = 0
    assert utils.rollout_status(s) == ("Waiting for statefulset spec update to be observed...", False)
