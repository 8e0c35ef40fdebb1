"""apply / create / replace / delete of manifests: outcomes, merges, all-or-nothing."""
from __future__ import annotations

import pytest

from litekube import errors
from litekube.api import applying
from litekube.model import manifests

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        env:
        - {name: A, value: "1"}
"""

CM = """
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1"}
"""


def docs(text, source="m.yaml"):
    return manifests.parse(text, source)


def outcomes(result):
    return [str(o) for o in result]


def get(api, kind, name, namespace="default"):
    with api.read() as tx:
        return tx.get(kind, namespace, name)


class TestApply:
    def test_created_then_unchanged_then_configured(self, api):
        assert outcomes(applying.apply(api, docs(WEB))) == ["deployment.apps/web created"]
        assert outcomes(applying.apply(api, docs(WEB))) == ["deployment.apps/web unchanged"]
        changed = WEB.replace("nginx:1.27", "nginx:1.28")
        assert outcomes(applying.apply(api, docs(changed))) == ["deployment.apps/web configured"]
        assert get(api, "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"

    def test_the_last_applied_annotation_is_kubectls(self, api):
        applying.apply(api, docs(CM))
        annotation = get(api, "ConfigMap", "cfg")["metadata"]["annotations"][applying.LAST_APPLIED]
        assert annotation == ('{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":'
                              '{"annotations":{},"name":"cfg","namespace":"default"}}\n')

    def test_the_annotation_leaves_the_manifest_as_it_was(self):
        # last_applied copies only the metadata: the object it is given keeps its annotation and
        # its nested values (the same objects), and the text is of the manifest without the annotation
        spec = {"containers": [{"name": "c", "image": "nginx:1.27"}]}
        obj = {"apiVersion": "v1", "kind": "Pod", "spec": spec,
               "metadata": {"name": "p", "annotations": {applying.LAST_APPLIED: "old", "a": "b"}}}
        text = applying.last_applied(obj)
        assert text == ('{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{"a":"b"},"name":"p"},'
                        '"spec":{"containers":[{"image":"nginx:1.27","name":"c"}]}}\n')
        assert obj["metadata"]["annotations"] == {applying.LAST_APPLIED: "old", "a": "b"} and obj["spec"] is spec
        assert applying.last_applied({"kind": "Pod"}) == '{"kind":"Pod","metadata":{"annotations":{}}}\n'

    def test_a_create_leaves_the_parsed_manifest_as_it_was(self, api):
        parsed = docs(WEB)
        before = repr(parsed[0].obj)
        applying.apply(api, parsed)
        assert repr(parsed[0].obj) == before
        stored = get(api, "Deployment", "web")
        assert stored["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
        assert "imagePullPolicy" not in parsed[0].obj["spec"]["template"]["spec"]["containers"][0]

    def test_a_field_removed_from_the_manifest_is_removed(self, api):
        applying.apply(api, docs(WEB))
        applying.apply(api, docs(WEB.replace('        env:\n        - {name: A, value: "1"}\n', "")))
        assert "env" not in get(api, "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]

    def test_fields_others_set_are_kept(self, api):
        applying.apply(api, docs(WEB))
        live = get(api, "Deployment", "web")
        live["metadata"].setdefault("labels", {})["team"] = "blue"
        with api.write() as tx:
            tx.update(live)
        applying.apply(api, docs(WEB.replace("replicas: 2", "replicas: 4")))
        after = get(api, "Deployment", "web")
        assert after["metadata"]["labels"] == {"team": "blue"} and after["spec"]["replicas"] == 4

    def test_all_or_nothing(self, api):
        bad = CM + "---\n" + WEB.replace("replicas: 2", "replicas: -1")
        before = api.store.revision()
        with pytest.raises(errors.Invalid) as exc:
            applying.apply(api, docs(bad))
        assert exc.value.render() == (
            'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or '
            'equal to 0 (error when creating "m.yaml" (document 2))')
        assert api.store.revision() == before

    def test_unknown_kind_names_the_file(self, api):
        text = "apiVersion: v1\nkind: Gizmo\nmetadata: {name: g}\n"
        with pytest.raises(errors.ManifestError) as exc:
            applying.apply(api, docs(text))
        assert exc.value.render() == (
            'error: resource mapping not found for name: "g" namespace: "" from "m.yaml": '
            'no matches for kind "Gizmo" in version "v1"')

    def test_server_dry_run_writes_nothing(self, api):
        before = api.store.revision()
        assert outcomes(applying.apply(api, docs(CM), dry_run="server")) == [
            "configmap/cfg created (server dry run)"]
        assert api.store.revision() == before

    def test_a_namespace_mismatch_is_refused(self, api):
        text = CM.replace("name: cfg}", "name: cfg, namespace: a}")
        with pytest.raises(errors.ManifestError, match="does not match the namespace"):
            applying.apply(api, docs(text), namespace="b", explicit_namespace=True)


class TestCreateReplaceDelete:
    def test_create_twice_is_already_exists(self, api):
        applying.create(api, docs(CM))
        with pytest.raises(errors.AlreadyExists) as exc:
            applying.create(api, docs(CM))
        assert exc.value.render() == (
            'Error from server (AlreadyExists): error when creating "m.yaml": configmaps "cfg" already exists')

    def test_replace_honours_the_resource_version(self, api):
        applying.create(api, docs(CM))
        rv = get(api, "ConfigMap", "cfg")["metadata"]["resourceVersion"]
        fresh = CM.replace("name: cfg}", f'name: cfg, resourceVersion: "{rv}"}}').replace('a: "1"', 'a: "2"')
        assert outcomes(applying.replace(api, docs(fresh))) == ["configmap/cfg replaced"]
        with pytest.raises(errors.Conflict):
            applying.replace(api, docs(fresh.replace('a: "2"', 'a: "3"')))
        assert get(api, "ConfigMap", "cfg")["data"] == {"a": "2"}

    def test_delete_by_manifest(self, api):
        applying.create(api, docs(CM))
        assert outcomes(applying.delete(api, docs(CM))) == ['configmap "cfg" deleted']
        with pytest.raises(errors.NotFound) as exc:
            applying.delete(api, docs(CM))
        assert exc.value.render() == (
            'Error from server (NotFound): error when deleting "m.yaml": configmaps "cfg" not found')


class TestManifests:
    def test_malformed_yaml_names_the_file_and_line(self):
        with pytest.raises(errors.ManifestError) as exc:
            manifests.parse("a: b\n  c: d\n", "bad.yaml")
        assert exc.value.render() == (
            "error: error parsing bad.yaml: error converting YAML to JSON: yaml: line 2: "
            "mapping values are not allowed in this context")  # kubectl v1.32's text

    def test_json_and_lists(self):
        text = '{"apiVersion": "v1", "kind": "List", "items": [' \
               '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}]}'
        assert [d.obj["metadata"]["name"] for d in manifests.parse(text, "l.json")] == ["a"]

    def test_yes_and_no_are_yaml_1_1_booleans(self):
        """As kubectl v1.32 decodes them (go-yaml v2): `kubectl label --local` prints `"x": true`."""
        doc = manifests.parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: yes, z: 'yes'}\n", "f")[0]
        assert doc.obj["data"] == {"x": True, "z": "yes"}

    def test_missing_kind(self):
        with pytest.raises(errors.ManifestError, match='error validating "f": error validating data: kind not set; if you choose'):
            manifests.parse("apiVersion: v1\nmetadata: {name: a}\n", "f")
