"""Server-side apply through the API on a real store, and managedFields recorded on every write."""
from __future__ import annotations

import pytest

from litekube import errors
from litekube.api import serverside
from litekube.model import kinds

DEPLOYMENTS = kinds.lookup("Deployment")
CONFIGMAPS = kinds.lookup("ConfigMap")


def deploy(replicas=2, **extra):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", **extra},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}}


def managers(obj):
    return [(e["manager"], e["operation"], e.get("subresource", "")) for e in obj["metadata"]["managedFields"]]


class TestApplyPatch:
    def test_create_then_update_then_noop(self, api):
        first = serverside.apply_patch(api, DEPLOYMENTS, "default", "web", deploy(), field_manager="alice")
        assert (first.created, first.changed) == (True, True)
        assert first.obj["spec"]["strategy"]["type"] == "RollingUpdate"  # admission defaulted the merge
        assert managers(first.obj) == [("alice", "Apply", "")]
        second = serverside.apply_patch(api, DEPLOYMENTS, "default", "web", deploy(3), field_manager="alice")
        assert (second.created, second.changed, second.obj["spec"]["replicas"]) == (False, True, 3)
        assert second.obj["metadata"]["generation"] == 2
        third = serverside.apply_patch(api, DEPLOYMENTS, "default", "web", deploy(3), field_manager="alice")
        assert third.changed is False
        assert third.obj["metadata"]["resourceVersion"] == second.obj["metadata"]["resourceVersion"]

    def test_a_conflict_writes_nothing_and_force_wins(self, api):
        serverside.apply_patch(api, DEPLOYMENTS, "default", "web", deploy(), field_manager="alice")
        with pytest.raises(errors.ApplyConflict, match='conflict with "alice": .spec.replicas'):
            serverside.apply_patch(api, DEPLOYMENTS, "default", "web", deploy(5), field_manager="bob")
        with api.read() as tx:
            assert tx.get("Deployment", "default", "web")["spec"]["replicas"] == 2
        forced = serverside.apply_patch(api, DEPLOYMENTS, "default", "web", deploy(5), field_manager="bob",
                                        force=True)
        assert forced.obj["spec"]["replicas"] == 5

    def test_dry_run_writes_nothing(self, api):
        result = serverside.apply_patch(api, DEPLOYMENTS, "default", "web", deploy(), field_manager="alice",
                                        dry_run=True)
        assert result.created
        with api.read() as tx:
            assert tx.find("Deployment", "default", "web") is None

    @pytest.mark.parametrize("body, error, message", [
        ([], errors.BadRequest, "must be an object"),
        ({**deploy(), "kind": "ReplicaSet"}, errors.BadRequest,
         r"the kind in the data \(ReplicaSet\) does not match the expected kind \(Deployment\)"),
        ({**deploy(), "apiVersion": "apps/v2"}, errors.BadRequest, "does not match the expected API version"),
        (deploy(name="other"), errors.BadRequest,
         r"the name of the object \(other\) does not match the name on the URL \(web\)"),
        (deploy(namespace="other"), errors.BadRequest, "the namespace of the provided object does not match"),
        ({**deploy(), "spec": {"replicas": "x"}}, errors.BadRequest, "cannot unmarshal string"),
    ], ids=["not-an-object", "kind", "version", "name", "namespace", "type"])
    def test_requests_that_do_not_fit_the_url(self, api, body, error, message):
        with pytest.raises(error, match=message):
            serverside.apply_patch(api, DEPLOYMENTS, "default", "web", body, field_manager="alice")

    def test_a_field_manager_is_required(self, api):
        with pytest.raises(errors.Invalid, match="fieldManager: Required value: is required for apply patch"):
            serverside.apply_patch(api, DEPLOYMENTS, "default", "web", deploy(), field_manager="")

    def test_status_subresource_of_a_missing_object(self, api):
        with pytest.raises(errors.NotFound):
            serverside.apply_patch(api, DEPLOYMENTS, "default", "web", deploy(), field_manager="a",
                                   subresource="status")


class TestRecordedOnWrites:
    def test_creates_and_updates_record_their_manager(self, api):
        with api.write(manager="kubectl-create") as tx:
            tx.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}})
        with api.write(manager="kubectl-edit") as tx:
            obj = tx.get("ConfigMap", "default", "c")
            obj["data"]["a"] = "2"
            stored = tx.update(obj)
        assert managers(stored) == [("kubectl-create", "Update", ""), ("kubectl-edit", "Update", "")]
        assert stored["metadata"]["managedFields"][1]["fieldsV1"] == {"f:data": {"f:a": {}}}

    def test_a_status_write_is_the_status_subresources(self, api):
        serverside.apply_patch(api, DEPLOYMENTS, "default", "web", deploy(), field_manager="alice")
        with api.write(trusted=True) as tx:
            tx.manager = "kube-controller-manager"
            obj = tx.get("Deployment", "default", "web")
            obj["status"] = {"replicas": 2}
            stored = tx.update_status(obj)
        assert managers(stored) == [("alice", "Apply", ""), ("kube-controller-manager", "Update", "status")]
        assert stored["metadata"]["managedFields"][1]["fieldsV1"] == {"f:status": {"f:replicas": {}}}

    def test_the_apiserver_and_the_kubelet_made_the_bootstrap_objects(self, tmp_path):
        from litekube.api.server import Api
        from litekube.store import Store
        api = Api(Store(str(tmp_path / "b.db"), wall=lambda: 1_700_000_000.0), node_count=1)
        with api.read() as tx:
            assert managers(tx.get("Node", "", "node-1")) == [("kubelet", "Update", "")]
            assert managers(tx.get("Namespace", "", "default")) == [("kube-apiserver", "Update", "")]
