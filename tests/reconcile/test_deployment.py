"""The deployment controller: objects in, actions out."""
from __future__ import annotations

import copy

from litekube.reconcile.base import (
    Create,
    Delete,
    Key,
    RecordEvent,
    Update,
    UpdateStatus,
)
from litekube.reconcile.deployment import controller as deployment
from litekube.reconcile.deployment import util as du
from litekube.reconcile.views import MemoryView
from tests.reconcile.test_rollout_arithmetic import (
    NOW,
    Cluster,
    make_deployment,
    rs,
    settle,
)

KEY = Key("Deployment", "default", "web")


def run(*objects: dict, now: float = NOW):
    return deployment.reconcile(KEY, MemoryView(objects), now)


def of(result, kind):
    return [a for a in result.actions if isinstance(a, kind)]


def status_of(result) -> dict:
    (update,) = of(result, UpdateStatus)
    return update.obj["status"]


def conditions(status: dict) -> dict:
    return {c["type"]: c for c in status.get("conditions", [])}


class TestCreatingTheNewReplicaSet:
    def test_first_replica_set(self):
        result = run(make_deployment(3))
        (create,) = of(result, Create)
        new = create.obj
        h = new["metadata"]["labels"][du.HASH_LABEL]
        assert new["metadata"]["name"] == f"web-{h}"
        assert new["spec"]["selector"]["matchLabels"] == {"app": "web", du.HASH_LABEL: h}
        assert new["spec"]["template"]["metadata"]["labels"] == {"app": "web", du.HASH_LABEL: h}
        assert new["spec"]["replicas"] == 3
        assert new["metadata"]["annotations"] == {du.REVISION: "1", du.DESIRED_REPLICAS: "3", du.MAX_REPLICAS: "4"}
        assert new["metadata"]["ownerReferences"] == [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                                       "uid": "u-d", "controller": True, "blockOwnerDeletion": True}]
        (event,) = of(result, RecordEvent)
        assert (event.reason, event.message, event.component) == (
            "ScalingReplicaSet", f"Scaled up replica set web-{h} from 0 to 3", "deployment-controller")
        (d_update,) = [a for a in of(result, Update) if a.obj["kind"] == "Deployment"]
        assert d_update.obj["metadata"]["annotations"][du.REVISION] == "1"
        status = status_of(result)
        progressing = conditions(status)["Progressing"]
        assert (progressing["status"], progressing["reason"], progressing["message"]) == (
            "True", "NewReplicaSetCreated", f'Created new replica set "web-{h}"')
        available = conditions(status)["Available"]
        assert (available["status"], available["reason"], available["message"]) == (
            "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")
        assert [c["type"] for c in status["conditions"]] == ["Progressing", "Available"]
        assert result.requeue_after == 601.0

    def test_min_ready_seconds_zero_is_not_stored(self):
        # ReplicaSetSpec.MinReadySeconds is `json:",omitempty"`: a Deployment without it makes a
        # ReplicaSet without it; one with 5 makes one with 5; back to 0 drops it again.
        (create,) = of(run(make_deployment(3)), Create)
        assert "minReadySeconds" not in create.obj["spec"]
        (create,) = of(run(make_deployment(3, minReadySeconds=5)), Create)
        assert create.obj["spec"]["minReadySeconds"] == 5
        new = copy.deepcopy(create.obj)
        new["metadata"]["uid"] = "u-new"
        (update,) = [a for a in of(run(make_deployment(3, minReadySeconds=0), new), Update)
                     if a.obj["kind"] == "ReplicaSet"]
        assert "minReadySeconds" not in update.obj["spec"]
        assert not [a for a in of(run(make_deployment(3, minReadySeconds=5), new), Update)
                    if a.obj["kind"] == "ReplicaSet"]

    def test_annotations_are_copied_except_skipped(self):
        d = make_deployment(1)
        d["metadata"]["annotations"] = {"kubernetes.io/change-cause": "v1",
                                        "kubectl.kubernetes.io/last-applied-configuration": "{}"}
        (create,) = of(run(d), Create)
        assert create.obj["metadata"]["annotations"]["kubernetes.io/change-cause"] == "v1"
        assert "kubectl.kubernetes.io/last-applied-configuration" not in create.obj["metadata"]["annotations"]

    def test_hash_collision_bumps_collision_count(self):
        d = make_deployment(1)
        (create,) = of(run(d), Create)
        squatter = copy.deepcopy(create.obj)
        squatter["metadata"].update(uid="u-other", ownerReferences=[])
        squatter["metadata"]["labels"] = {"other": "x"}
        result = run(d, squatter)
        assert not of(result, Create)
        assert status_of(result)["collisionCount"] == 1
        assert of(run({**d, "status": {"collisionCount": 1}}, squatter), Create)[0].obj["metadata"]["name"] \
            != squatter["metadata"]["name"]


class TestClaiming:
    def test_orphan_matching_is_adopted(self):
        orphan = rs("orphan", 3, 1, image="nginx:1.25")
        orphan["metadata"]["ownerReferences"] = []
        orphan["spec"]["template"] = make_deployment()["spec"]["template"]
        result = run(make_deployment(3), orphan)
        adopt = of(result, Update)[0]
        assert adopt.obj["metadata"]["name"] == "orphan"
        assert adopt.obj["metadata"]["ownerReferences"][-1]["uid"] == "u-d"
        assert not of(result, Create)  # the adopted RS is the new one

    def test_owned_not_matching_is_released(self):
        stray = rs("stray", 0, 1)
        stray["metadata"]["labels"] = {"app": "other"}
        result = run(make_deployment(3), stray)
        release = of(result, Update)[0]
        assert (release.obj["metadata"]["name"], release.obj["metadata"]["ownerReferences"]) == ("stray", [])

    def test_empty_selector_only_observes_generation(self):
        d = make_deployment(3, generation=4)
        d["spec"]["selector"] = {}
        result = run(d)
        (event,) = of(result, RecordEvent)
        assert (event.type, event.reason, event.message) == (
            "Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.")
        assert status_of(result) == {"observedGeneration": 4}
        assert not of(result, Create)


class TestStatusOnly:
    def test_deleting_deployment_only_syncs_status(self):
        d = make_deployment(3)
        d["metadata"]["deletionTimestamp"] = du.timestamp(NOW)
        result = run(d, rs("old", 3, 1))
        assert not of(result, Create) and not of(result, Update)
        assert status_of(result)["replicas"] == 3


class TestPaused:
    def test_paused_creates_nothing_and_sets_condition(self):
        d = make_deployment(3, paused=True)
        result = run(d, rs("old", 3, 1, 4, 3))
        assert not of(result, Create)
        cond = conditions(status_of(result))["Progressing"]
        assert (cond["status"], cond["reason"], cond["message"]) == ("Unknown", "DeploymentPaused",
                                                                       "Deployment is paused")
        assert result.requeue_after is None

    def test_paused_still_scales(self):
        result = run(make_deployment(5, paused=True), rs("old", 3, 1, 4, 3))
        (update,) = [a for a in of(result, Update) if a.obj["kind"] == "ReplicaSet"]
        assert du.replicas(update.obj) == 5

    def test_resume(self):
        d = make_deployment(3)
        d["status"] = {"conditions": [du.new_condition("Progressing", "Unknown", "DeploymentPaused",
                                                       "Deployment is paused", NOW - 10)]}
        new = rs("new", 3, 2, 4, 3)
        new["spec"]["template"] = d["spec"]["template"]
        cond = conditions(status_of(run(d, new)))["Progressing"]
        assert cond["reason"] in ("DeploymentResumed", "NewReplicaSetAvailable")


class TestRecreate:
    def test_old_first_then_wait_for_pods_then_new(self):
        c = Cluster(make_deployment(3, strategy="Recreate", image="v1"))
        c.reconcile()
        c.run_rs_controller(available=True)
        c.reconcile()
        d = copy.deepcopy(c.view.get("Deployment", "default", "web"))
        d["spec"]["template"]["spec"]["containers"][0]["image"] = "v2"
        c.view.put(d)
        result = c.reconcile()
        assert not of(result, Create)
        (scale,) = [a for a in of(result, Update) if a.obj["kind"] == "ReplicaSet"]
        assert du.replicas(scale.obj) == 0
        old = c.replica_sets()[0]
        pod = {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "p", "namespace": "default", "uid": "u-p", "labels": {"app": "web"},
                            "deletionTimestamp": du.timestamp(NOW),
                            "ownerReferences": [{"kind": "ReplicaSet", "name": old["metadata"]["name"],
                                                 "uid": old["metadata"]["uid"], "controller": True}]},
               "status": {"phase": "Running"}}
        c.view.put(pod)
        c.run_rs_controller(available=True)
        assert not of(c.reconcile(), Create)  # a terminating old pod still counts
        assert list(deployment.COMPONENT.watches["Pod"](pod, c.view)) == [KEY]
        c.view.put({**pod, "status": {"phase": "Succeeded"}})
        result = c.reconcile()
        (create,) = of(result, Create)
        assert create.obj["spec"]["replicas"] == 3


class TestHistory:
    def test_oldest_empty_replica_sets_beyond_limit_are_deleted(self):
        d = make_deployment(1, revisionHistoryLimit=2)
        new = rs("new", 1, 9, 2, 1)
        new["spec"]["template"] = d["spec"]["template"]
        olds = [rs(f"old{i}", 0, i, 2, 1) for i in range(1, 6)]
        olds[0]["status"]["replicas"] = 1  # not empty yet: skipped, not replaced
        d["status"] = {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "availableReplicas": 1}
        result = run(d, new, *olds)
        assert [a.name for a in of(result, Delete)] == ["old2", "old3"]


class TestProgress:
    def rolling_out(self):
        d = make_deployment(3)
        updated = NOW - 700
        d["status"] = {"observedGeneration": 1, "replicas": 4, "updatedReplicas": 1, "availableReplicas": 3,
                       "conditions": [{"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated",
                                       "message": 'ReplicaSet "new" is progressing.',
                                       "lastUpdateTime": du.timestamp(updated),
                                       "lastTransitionTime": du.timestamp(updated - 5)}]}
        new = rs("new", 1, 9, 4, 3, available=0)
        new["spec"]["template"] = d["spec"]["template"]
        return d, new, rs("old", 3, 1, 4, 3)

    def test_deadline_exceeded(self):
        d, new, old = self.rolling_out()
        result = run(d, new, old)
        cond = conditions(status_of(result))["Progressing"]
        assert (cond["status"], cond["reason"], cond["message"]) == (
            "False", "ProgressDeadlineExceeded", 'ReplicaSet "new" has timed out progressing.')
        assert cond["lastTransitionTime"] == du.timestamp(NOW)

    def test_requeue_before_deadline(self):
        d, new, old = self.rolling_out()
        result = run(d, new, old, now=NOW - 400)
        assert result.requeue_after == 301.0

    def test_progress_refreshes_update_time_only(self):
        d, new, old = self.rolling_out()
        new["status"]["availableReplicas"] = 1
        cond = conditions(status_of(run(d, new, old)))["Progressing"]
        assert (cond["reason"], cond["lastUpdateTime"], cond["lastTransitionTime"]) == (
            "ReplicaSetUpdated", du.timestamp(NOW), du.timestamp(NOW - 705))

    def test_complete_then_quiet(self):
        c = Cluster(make_deployment(3))
        settle(c, lambda _: None)
        d = c.view.get("Deployment", "default", "web")
        cond = conditions(d["status"])["Progressing"]
        name = c.replica_sets()[0]["metadata"]["name"]
        assert (cond["reason"], cond["message"]) == ("NewReplicaSetAvailable",
                                                     f'ReplicaSet "{name}" has successfully progressed.')
        assert d["status"] == {**d["status"], "observedGeneration": 1, "replicas": 3, "updatedReplicas": 3,
                               "readyReplicas": 3, "availableReplicas": 3}
        result = c.reconcile()
        assert result.actions == [] and result.requeue_after is None
        assert du.rollout_status(d) == ('deployment "web" successfully rolled out', True)


class TestRollback:
    def test_matching_old_replica_set_gets_next_revision(self):
        d = make_deployment(3, image="v1")
        d["metadata"]["annotations"] = {du.REVISION: "2"}
        back = rs("back", 0, 1, 4, 3)
        back["spec"]["template"] = d["spec"]["template"]
        result = run(d, back, rs("cur", 3, 2, 4, 3))
        bumped = [a.obj for a in of(result, Update) if a.obj["metadata"]["name"] == "back"][0]
        assert bumped["metadata"]["annotations"][du.REVISION] == "3"
        assert bumped["metadata"]["annotations"][du.REVISION_HISTORY] == "1"
        (d_update,) = [a for a in of(result, Update) if a.obj["kind"] == "Deployment"]
        assert d_update.obj["metadata"]["annotations"][du.REVISION] == "3"


class TestWatches:
    def test_orphan_replica_set_maps_to_matching_deployments(self):
        orphan = rs("o", 1, 1)
        orphan["metadata"]["ownerReferences"] = []
        view = MemoryView([make_deployment(1), orphan])
        assert list(deployment.COMPONENT.watches["ReplicaSet"](orphan, view)) == [KEY]
        assert list(deployment.COMPONENT.watches["ReplicaSet"](rs("x", 1, 1), view)) == [KEY]
