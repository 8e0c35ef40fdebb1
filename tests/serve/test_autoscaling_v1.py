"""autoscaling/v1 HorizontalPodAutoscalers through `litekube serve`, converted from and to the stored autoscaling/v2
as kube-apiserver v1.32 does: `kubectl autoscale` (which posts v1), discovery, every verb, watches and Tables."""
from __future__ import annotations

import json
import os

import pytest

from tests.serve.client import Raw, Stream
from tests.serve.servers import KUBECTL, wait_for

pytestmark = pytest.mark.skipif(not os.path.exists(KUBECTL), reason="no kubectl on this machine")

V1 = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers"
V2 = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers"
REF = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"

PHP_APACHE = """apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: php-apache
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: php-apache
  minReplicas: 1
  maxReplicas: 10
  targetCPUUtilizationPercentage: 50
"""


@pytest.fixture(scope="module")
def raw(served):
    client = Raw(served)
    yield client
    client.close()


def _same(served, kubectl_args: list[str], litekube_args: list[str]) -> str:
    def both():
        ours = served.litekube(*litekube_args).stdout
        theirs = served.kubectl(*kubectl_args).stdout
        return theirs if theirs == ours else None
    return wait_for(both, timeout=30, interval=0.3, what=f"kubectl {' '.join(kubectl_args)} == litekube's")


class TestDiscovery:
    def test_the_group_serves_v2_then_v1_preferring_v2(self, raw):
        code, group = raw.json("GET", "/apis/autoscaling")
        assert code == 200
        assert group["versions"] == [{"groupVersion": "autoscaling/v2", "version": "v2"},
                                     {"groupVersion": "autoscaling/v1", "version": "v1"}]
        assert group["preferredVersion"] == {"groupVersion": "autoscaling/v2", "version": "v2"}

    def test_v1_lists_the_resource_and_its_status(self, raw):
        code, listing = raw.json("GET", "/apis/autoscaling/v1")
        assert code == 200
        assert listing["groupVersion"] == "autoscaling/v1"
        assert [(r["name"], r["kind"], r["verbs"]) for r in listing["resources"]] == [
            ("horizontalpodautoscalers", "HorizontalPodAutoscaler",
             ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]),
            ("horizontalpodautoscalers/status", "HorizontalPodAutoscaler", ["get", "patch", "update"])]
        assert listing["resources"][0]["shortNames"] == ["hpa"]

    def test_aggregated_discovery(self, raw):
        status, _, body = raw.request("GET", "/apis", headers={
            "Accept": "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"})
        assert status == 200
        group = next(g for g in json.loads(body)["items"] if g["metadata"]["name"] == "autoscaling")
        assert [v["version"] for v in group["versions"]] == ["v2", "v1"]
        v1 = group["versions"][1]["resources"][0]
        assert (v1["resource"], v1["responseKind"], v1["subresources"][0]["subresource"]) == (
            "horizontalpodautoscalers", {"group": "autoscaling", "version": "v1", "kind": "HorizontalPodAutoscaler"},
            "status")

    def test_api_resources_shows_the_preferred_version(self, served):
        out = served.kubectl("api-resources", "--api-group=autoscaling").stdout
        assert out.splitlines()[1].split() == ["horizontalpodautoscalers", "hpa", "autoscaling/v2", "true",
                                               "HorizontalPodAutoscaler"]
        assert "autoscaling/v1\n" in served.kubectl("api-versions").stdout

    def test_openapi_has_the_v1_document(self, raw):
        code, index = raw.json("GET", "/openapi/v3")
        assert code == 200 and "apis/autoscaling/v1" in index["paths"]
        code, doc = raw.json("GET", "/openapi/v3/apis/autoscaling/v1")
        assert code == 200
        spec = doc["components"]["schemas"]["io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec"]
        assert "targetCPUUtilizationPercentage" in spec["properties"]


class TestKubectl:
    def test_autoscale_posts_v1(self, served):
        served.kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2")
        out = served.kubectl("autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu-percent=80", "-v=6")
        assert out.stdout == "horizontalpodautoscaler.autoscaling/web autoscaled\n"
        assert "POST https://" in out.stderr and "/apis/autoscaling/v1/namespaces/default/" \
            "horizontalpodautoscalers" in out.stderr
        stored = json.loads(served.kubectl("get", "hpa", "web", "-o", "json").stdout)
        assert stored["apiVersion"] == "autoscaling/v2"
        assert stored["spec"] == {"maxReplicas": 5, "metrics": [{"resource": {"name": "cpu", "target": {
            "averageUtilization": 80, "type": "Utilization"}}, "type": "Resource"}], "minReplicas": 2,
            "scaleTargetRef": REF}

    def test_get_matches_litekube(self, served):
        out = _same(served, ["get", "hpa"], ["get", "hpa"])
        assert out.splitlines()[0].split() == ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS",
                                               "AGE"]
        assert out.splitlines()[1].split()[:3] == ["web", "Deployment/web", "cpu:"]
        _same(served, ["get", "horizontalpodautoscalers.v1.autoscaling"], ["get", "hpa"])
        _same(served, ["get", "hpa.v1.autoscaling"], ["get", "hpa.v1.autoscaling"])

    def test_get_v1_json(self, served):
        got = json.loads(served.kubectl("get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o",
                                        "json").stdout)
        assert got["apiVersion"] == "autoscaling/v1"
        assert got["spec"] == {"maxReplicas": 5, "minReplicas": 2, "scaleTargetRef": REF,
                               "targetCPUUtilizationPercentage": 80}
        assert set(got["status"]) >= {"currentReplicas", "desiredReplicas"}
        # kubectl's shortcut expander drops the version of a short name: hpa.v1.autoscaling is the preferred v2
        short = json.loads(served.kubectl("get", "hpa.v1.autoscaling", "web", "-o", "json").stdout)
        assert short["apiVersion"] == "autoscaling/v2"

    def test_status_annotations_once_the_controller_has_run(self, served):
        def annotated():
            got = json.loads(served.kubectl("get", "horizontalpodautoscalers.v1.autoscaling", "web",
                                            "-o", "json").stdout)
            return got if conversion_key in (got["metadata"].get("annotations") or {}) else None
        conversion_key = "autoscaling.alpha.kubernetes.io/conditions"
        got = wait_for(annotated, timeout=60, what="the HPA's conditions")
        conditions = json.loads(got["metadata"]["annotations"][conversion_key])
        assert conditions[0]["type"] == "AbleToScale"
        v2 = json.loads(served.kubectl("get", "hpa", "web", "-o", "json").stdout)
        assert "annotations" not in v2["metadata"]

    def test_patch_in_v1(self, served):
        out = served.kubectl("patch", "horizontalpodautoscalers.v1.autoscaling", "web", "-p",
                             '{"spec":{"targetCPUUtilizationPercentage":50}}')
        assert out.stdout == "horizontalpodautoscaler.autoscaling/web patched\n"
        served.kubectl("patch", "horizontalpodautoscalers.v1.autoscaling", "web", "--type=json", "-p",
                       '[{"op":"replace","path":"/spec/maxReplicas","value":7}]')
        spec = json.loads(served.kubectl("get", "hpa", "web", "-o", "json").stdout)["spec"]
        assert (spec["maxReplicas"], spec["metrics"][0]["resource"]["target"]["averageUtilization"]) == (7, 50)

    def test_apply_the_docs_php_apache_manifest(self, served, tmp_path):
        path = tmp_path / "hpa.yaml"
        path.write_text(PHP_APACHE)
        assert served.kubectl("apply", "-f", str(path)).stdout == \
            "horizontalpodautoscaler.autoscaling/php-apache created\n"
        assert served.kubectl("apply", "-f", str(path)).stdout == \
            "horizontalpodautoscaler.autoscaling/php-apache unchanged\n"
        path.write_text(PHP_APACHE.replace("maxReplicas: 10", "maxReplicas: 9"))
        assert served.kubectl("apply", "-f", str(path)).stdout == \
            "horizontalpodautoscaler.autoscaling/php-apache configured\n"
        line = _same(served, ["get", "hpa", "php-apache"], ["get", "hpa", "php-apache"]).splitlines()[1]
        assert line.split()[:6] == ["php-apache", "Deployment/php-apache", "cpu:", "<unknown>/50%", "1", "9"]
        # the CLI applies the same v1 manifest
        path.write_text(PHP_APACHE.replace("maxReplicas: 10", "maxReplicas: 8"))
        assert served.litekube("apply", "-f", str(path)).stdout == \
            "horizontalpodautoscaler.autoscaling/php-apache configured\n"
        spec = json.loads(served.kubectl("get", "hpa", "php-apache", "-o", "json").stdout)["spec"]
        assert spec["maxReplicas"] == 8
        assert served.kubectl("delete", "-f", str(path)).stdout == \
            'horizontalpodautoscaler.autoscaling "php-apache" deleted\n'

    def test_replace_with_what_v1_get_printed(self, served, tmp_path):
        text = served.kubectl("get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o", "yaml").stdout
        path = tmp_path / "web.yaml"
        path.write_text(text.replace("maxReplicas: 7", "maxReplicas: 6"))
        result = served.kubectl("replace", "-f", str(path), check=False)
        if "Conflict" in result.stderr:  # the controller wrote the status in between: the real 409, retried
            text = served.kubectl("get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o", "yaml").stdout
            path.write_text(text.replace("maxReplicas: 7", "maxReplicas: 6"))
            result = served.kubectl("replace", "-f", str(path), check=False)
        assert result.stdout == "horizontalpodautoscaler.autoscaling/web replaced\n", result.stderr
        stored = json.loads(served.kubectl("get", "hpa", "web", "-o", "json").stdout)
        assert stored["spec"]["maxReplicas"] == 6
        assert "annotations" not in stored["metadata"]  # the round-trip annotations are not stored


class TestRest:
    def test_create_get_list_delete_in_v1(self, raw):
        body = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "rest"},
                "spec": {"scaleTargetRef": REF, "maxReplicas": 3}}
        code, created = raw.json("POST", V1, body)
        assert code == 201
        assert created["apiVersion"] == "autoscaling/v1"
        assert created["spec"] == {"scaleTargetRef": {"kind": "Deployment", "name": "web", "apiVersion": "apps/v1"},
                                   "minReplicas": 1, "maxReplicas": 3, "targetCPUUtilizationPercentage": 80}
        code, stored = raw.json("GET", f"{V2}/rest")
        assert stored["spec"]["metrics"] == [{"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": 80}}}]
        code, listing = raw.json("GET", V1)
        assert (code, listing["kind"], listing["apiVersion"]) == (200, "HorizontalPodAutoscalerList",
                                                                  "autoscaling/v1")
        assert {i["apiVersion"] for i in listing["items"]} == {"autoscaling/v1"}
        code, gone = raw.json("DELETE", f"{V1}/rest")
        assert code == 200 and gone["status"] == "Success"
        assert raw.json("GET", f"{V1}/rest")[0] == 404

    def test_a_v2_body_on_the_v1_path_is_refused(self, raw):
        body = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "x"},
                "spec": {"scaleTargetRef": REF, "maxReplicas": 3}}
        code, status = raw.json("POST", V1, body)
        assert code == 400
        assert status["message"] == ("the API version in the data (autoscaling/v2) does not match the expected "
                                     "API version (autoscaling/v1)")

    def test_a_v1_field_is_unknown_in_v2(self, raw):
        body = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "x"},
                "spec": {"scaleTargetRef": REF, "maxReplicas": 3, "targetCPUUtilizationPercentage": 5}}
        code, status = raw.json("POST", f"{V2}?fieldValidation=Strict", body)
        assert code == 400 and "targetCPUUtilizationPercentage" in status["message"]

    def test_protobuf_v1_body(self, raw):
        from tests.serve import protobufs as pb
        spec = pb.ld(1, pb.ld(1, "Deployment") + pb.ld(2, "web") + pb.ld(3, "apps/v1")) + pb.vint(3, 4) \
            + pb.vint(4, 65)
        message = pb.meta("proto") + pb.ld(2, spec)
        status, _, data = raw.request("POST", V1, pb.envelope("autoscaling/v1", "HorizontalPodAutoscaler", message),
                                      {"Content-Type": "application/vnd.kubernetes.protobuf",
                                       "Accept": "application/json"})
        assert status == 201, data
        created = json.loads(data)
        assert created["spec"]["maxReplicas"] == 4 and created["spec"]["targetCPUUtilizationPercentage"] == 65
        assert raw.json("DELETE", f"{V1}/proto")[0] == 200

    def test_table_rows_are_the_stored_columns_with_v1_objects(self, raw):
        status, _, data = raw.request("GET", f"{V1}?includeObject=Object", headers={"Accept": TABLE})
        table = json.loads(data)
        assert status == 200 and table["kind"] == "Table"
        assert [c["name"] for c in table["columnDefinitions"]][:3] == ["Name", "Reference", "Targets"]
        row = next(r for r in table["rows"] if r["cells"][0] == "web")
        assert row["object"]["apiVersion"] == "autoscaling/v1"
        assert "targetCPUUtilizationPercentage" in row["object"]["spec"]

    def test_watch_in_v1(self, served, raw):
        stream = Stream(served, "resourceVersion=0&timeoutSeconds=30", path=V1)
        try:
            wait_for(lambda: any(e["object"]["metadata"]["name"] == "web" for e in stream.events), timeout=30,
                     what="the ADDED event of web")
            served.kubectl("patch", "hpa", "web", "--type=merge", "-p", '{"spec":{"minReplicas":3}}')
            event = wait_for(lambda: next((e for e in stream.events if e["type"] == "MODIFIED"
                                           and e["object"]["spec"].get("minReplicas") == 3), None),
                             timeout=30, what="the MODIFIED event")
            assert event["object"]["apiVersion"] == "autoscaling/v1"
            assert "metrics" not in event["object"]["spec"]
        finally:
            stream.close()
