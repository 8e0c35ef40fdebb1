"""The REST contract byte by byte: discovery, Tables, write options, subresources and Status errors."""
from __future__ import annotations

import json

from tests.serve.client import Raw
from tests.serve.servers import wait_for

CM = "/api/v1/namespaces/default/configmaps"
DEPLOY = "/apis/apps/v1/namespaces/default/deployments"
DISCO = ("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
         "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json")
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"


def _deployment(name: str, replicas: int = 1) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"terminationGracePeriodSeconds": 0,
                                           "containers": [{"name": "c", "image": "nginx:1.25"}]}}}}


class TestDiscovery:
    def test_aggregated_only_when_asked(self, served):
        client = Raw(served)
        status, ctype, body = client.request("GET", "/apis", headers={"Accept": DISCO})
        assert (status, ctype) == (200, "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        doc = json.loads(body)
        apps = next(item for item in doc["items"] if item["metadata"]["name"] == "apps")
        deployments = next(r for r in apps["versions"][0]["resources"] if r["resource"] == "deployments")
        assert deployments["responseKind"] == {"group": "apps", "version": "v1", "kind": "Deployment"}
        assert (deployments["scope"], deployments["shortNames"], deployments["categories"]) == \
            ("Namespaced", ["deploy"], ["all"])
        assert {"subresource": "scale", "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"},
                "verbs": ["get", "patch", "update"]} in deployments["subresources"]
        status, ctype, body = client.request("GET", "/api", headers={"Accept": "application/json"})
        assert (status, ctype, json.loads(body)["kind"]) == (200, "application/json", "APIVersions")
        core = json.loads(client.request("GET", "/api/v1")[2])
        eviction = next(r for r in core["resources"] if r["name"] == "pods/eviction")
        assert (eviction["group"], eviction["version"], eviction["kind"]) == ("policy", "v1", "Eviction")

    def test_openapi_v3_has_patch_operations_without_strategic_merge(self, served):
        client = Raw(served)
        index = client.json("GET", "/openapi/v3")[1]
        url = index["paths"]["apis/apps/v1"]["serverRelativeURL"]
        doc = json.loads(client.request("GET", url)[2])
        patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
        assert patch["x-kubernetes-group-version-kind"] == {"group": "apps", "kind": "Deployment", "version": "v1"}
        assert "fieldValidation" in [p["name"] for p in patch["parameters"]]
        assert "application/strategic-merge-patch+json" not in patch["requestBody"]["content"]
        assert "io.k8s.api.apps.v1.DeploymentStrategy" in doc["components"]["schemas"]
        assert client.request("GET", "/openapi/v2")[0] == 404


class TestReads:
    def test_tables_and_pagination(self, served):
        client = Raw(served)
        for i in range(3):
            client.json("POST", CM, {"metadata": {"name": f"t-{i}", "labels": {"t": "yes"}}, "data": {"a": "1"}})
        status, _, body = client.request("GET", f"{CM}?labelSelector=t%3Dyes&limit=2", headers={"Accept": TABLE})
        table = json.loads(body)
        assert (status, table["kind"], table["apiVersion"]) == (200, "Table", "meta.k8s.io/v1")
        assert [(c["name"], c["type"]) for c in table["columnDefinitions"]] == [("Name", "string"), ("Data", "string"),
                                                                              ("Age", "string")]
        assert [r["cells"][:2] for r in table["rows"]] == [["t-0", 1], ["t-1", 1]]  # DATA is an int64 cell
        assert table["rows"][0]["object"]["kind"] == "PartialObjectMetadata"
        token = table["metadata"]["continue"]
        rest = json.loads(client.request("GET", f"{CM}?labelSelector=t%3Dyes&limit=2&continue={token}",
                                         headers={"Accept": TABLE})[2])
        assert [r["cells"][0] for r in rest["rows"]] == ["t-2"] and "continue" not in rest["metadata"]
        assert rest["metadata"]["resourceVersion"] == table["metadata"]["resourceVersion"]
        full = json.loads(client.request("GET", f"{CM}/t-0?includeObject=Object", headers={"Accept": TABLE})[2])
        assert full["rows"][0]["object"]["data"] == {"a": "1"}

    def test_field_selectors(self, served):
        client = Raw(served)
        names = [o["metadata"]["name"] for o in client.json("GET", f"{CM}?fieldSelector=metadata.name%3Dt-1")[1][
            "items"]]
        assert names == ["t-1"]
        status, body = client.json("GET", f"{CM}?fieldSelector=spec.nodeName%3Dx")
        assert (status, body["message"]) == (400, "field label not supported: spec.nodeName")


class TestWrites:
    def test_dry_run_create_stores_nothing(self, served):
        client = Raw(served)
        status, body = client.json("POST", f"{CM}?dryRun=All", {"metadata": {"name": "dry"}})
        assert status == 201 and body["metadata"]["uid"] and "resourceVersion" not in body["metadata"]
        assert client.json("GET", f"{CM}/dry")[0] == 404
        status, body = client.json("POST", f"{CM}?dryRun=Yes", {"metadata": {"name": "dry"}})
        assert (status, body["reason"]) == (400, "BadRequest")

    def test_delete_preconditions(self, served):
        client = Raw(served)
        made = client.json("POST", CM, {"metadata": {"name": "pre"}})[1]
        status, body = client.json("DELETE", f"{CM}/pre", {"preconditions": {"uid": "other"}})
        assert (status, body["reason"], body["message"]) == (
            409, "Conflict", f"Precondition failed: UID in precondition: other, UID in object meta: "
                             f"{made['metadata']['uid']}")
        status, body = client.json("DELETE", f"{CM}/pre", {"preconditions": {"resourceVersion": "1"}})
        assert status == 409
        status, body = client.json("DELETE", f"{CM}/pre", {"preconditions": {"uid": made["metadata"]["uid"]}})
        assert (status, body["status"], body["details"]["name"]) == (200, "Success", "pre")

    def test_orphan_propagation_keeps_dependents(self, served):
        client = Raw(served)
        assert client.json("POST", DEPLOY, _deployment("orphans"))[0] == 201
        rs = "/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dorphans"
        wait_for(lambda: client.json("GET", rs)[1]["items"], what="the ReplicaSet")
        assert client.json("DELETE", f"{DEPLOY}/orphans?propagationPolicy=Orphan")[0] == 200
        wait_for(lambda: client.json("GET", f"{DEPLOY}/orphans")[0] == 404, what="the Deployment gone")
        left = wait_for(lambda: [r for r in client.json("GET", rs)[1]["items"]
                                 if not r["metadata"].get("ownerReferences")], what="an orphaned ReplicaSet")
        assert len(left) == 1
        status, body = client.json("DELETE", f"{DEPLOY}/x?propagationPolicy=Sideways")
        assert status in (404, 422)

    def test_grace_period_zero_removes_a_pod_now(self, served):
        client = Raw(served)
        pods = "/api/v1/namespaces/default/pods"
        client.json("POST", pods, {"metadata": {"name": "brief"}, "spec": {"containers": [{"name": "c",
                                                                                           "image": "nginx"}]}})
        wait_for(lambda: client.json("GET", f"{pods}/brief")[1].get("status", {}).get("phase") == "Running",
                 what="the pod running")
        status, body = client.json("DELETE", f"{pods}/brief", {"gracePeriodSeconds": 0})
        assert status == 200
        wait_for(lambda: client.json("GET", f"{pods}/brief")[0] == 404, timeout=20, what="the pod removed")

    def test_stale_scale_put_is_conflict(self, served):
        client = Raw(served)
        client.json("POST", DEPLOY, _deployment("scaled", 1))
        scale = client.json("GET", f"{DEPLOY}/scaled/scale")[1]
        assert (scale["kind"], scale["apiVersion"], scale["spec"]) == ("Scale", "autoscaling/v1", {"replicas": 1})
        status, body = client.json("PATCH", f"{DEPLOY}/scaled", None)  # no patch type: nothing changes
        assert (status, body["reason"]) == (415, "UnsupportedMediaType")
        status, _, _ = client.request("PATCH", f"{DEPLOY}/scaled/scale", b'{"spec":{"replicas":2}}',
                                      {"Content-Type": "application/merge-patch+json"})
        assert status == 200
        scale["spec"]["replicas"] = 3
        status, body = client.json("PUT", f"{DEPLOY}/scaled/scale", scale)
        assert (status, body["reason"]) == (409, "Conflict")
        deployment = client.json("GET", f"{DEPLOY}/scaled")[1]
        assert deployment["spec"]["replicas"] == 2 and deployment["metadata"]["generation"] == 2

    def test_invalid_is_422_with_causes(self, served):
        status, body = Raw(served).json("POST", DEPLOY, _deployment("bad", -1))
        assert status == 422
        assert body["message"] == 'Deployment.apps "bad" is invalid: spec.replicas: Invalid value: -1: must be ' \
                                  'greater than or equal to 0'
        assert body["details"] == {"name": "bad", "group": "apps", "kind": "Deployment", "causes": [
            {"reason": "FieldValueInvalid", "message": "Invalid value: -1: must be greater than or equal to 0",
             "field": "spec.replicas"}]}

    def test_eviction_and_log(self, served):
        client = Raw(served)
        client.json("POST", DEPLOY, _deployment("evicted", 1))
        pods = "/api/v1/namespaces/default/pods?labelSelector=app%3Devicted"
        pod = wait_for(lambda: [p for p in client.json("GET", pods)[1]["items"]
                                if (p.get("status") or {}).get("phase") == "Running"], what="a running pod")[0]
        name = pod["metadata"]["name"]
        status, ctype, text = client.request("GET", f"/api/v1/namespaces/default/pods/{name}/log")
        assert (status, ctype) == (200, "text/plain")
        assert text.decode().splitlines()[0] == "Started container c (image docker.io/library/nginx:1.25)"
        status, body = client.json("POST", f"/api/v1/namespaces/default/pods/{name}/eviction",
                                   {"apiVersion": "policy/v1", "kind": "Eviction",
                                    "metadata": {"name": name, "namespace": "default"}})
        assert (status, body) == (201, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                                        "code": 201})
        wait_for(lambda: client.json("GET", f"/api/v1/namespaces/default/pods/{name}")[0] == 404,
                 what="the evicted pod gone")
