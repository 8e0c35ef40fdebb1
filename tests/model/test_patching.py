"""Tests for litekube.model.patching: merge patch, JSON patch, strategic merge, apply."""
from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.model import patching

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def deployment(*containers: dict[str, Any], **spec: Any) -> dict[str, Any]:
    """A Deployment manifest whose pod template runs `containers`."""
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec,
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": list(containers)}}},
    }


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return obj["spec"]["template"]["spec"]["containers"]


def live(manifest: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """`manifest` as the server stores it: defaulted, with status and metadata."""
    obj = copy.deepcopy(manifest)
    obj["metadata"].update(uid="u-1", resourceVersion="7", generation=1)
    obj["spec"].setdefault("replicas", 1)
    obj["spec"]["strategy"] = obj["spec"].get("strategy") or {
        "type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}
    for container in containers(obj):
        container.setdefault("imagePullPolicy", "IfNotPresent")
    obj["status"] = {"replicas": 1, "conditions": [{"type": "Available", "status": "True"}]}
    obj.update(extra)
    return obj


class TestPublicSurface:
    def test_all_names_exist(self) -> None:
        assert set(patching.__all__) == {
            "Field", "SCHEMAS", "merge_patch", "json_patch", "strategic_merge",
            "three_way_patch", "apply"}
        for name in patching.__all__:
            assert hasattr(patching, name)


class TestMergePatch:
    @pytest.mark.parametrize("target, patch, expected", [
        pytest.param({"a": 1}, {"a": 2}, {"a": 2}, id="scalar-replaced"),
        pytest.param({"a": 1, "b": 2}, {"a": None}, {"b": 2}, id="null-deletes"),
        pytest.param({"a": {"x": 1, "y": 2}}, {"a": {"y": 3}}, {"a": {"x": 1, "y": 3}}, id="maps-merge"),
        pytest.param({"a": [1, 2]}, {"a": [3]}, {"a": [3]}, id="lists-replace"),
        pytest.param({"a": 1}, {"b": {"c": None, "d": 1}}, {"a": 1, "b": {"d": 1}}, id="new-map-drops-nulls"),
        pytest.param({"a": 1}, ["x"], ["x"], id="non-object-patch-replaces"),
        pytest.param(
            {"metadata": {"annotations": {"example.com/a.b": "1"}}},
            {"metadata": {"annotations": {"example.com/a.b": None, "x.io/y": "2"}}},
            {"metadata": {"annotations": {"x.io/y": "2"}}}, id="dotted-slashed-keys"),
    ])
    def test_merge_patch(self, target: Any, patch: Any, expected: Any) -> None:
        assert patching.merge_patch(target, patch) == expected

    def test_does_not_mutate_target(self) -> None:
        target = {"a": {"b": 1}}
        patching.merge_patch(target, {"a": {"b": None}})
        assert target == {"a": {"b": 1}}


class TestJsonPatch:
    DOC = {"spec": {"replicas": 2, "args": ["a", "b"]}, "metadata": {"annotations": {"a/b": "x", "m~n": "y"}}}

    @pytest.mark.parametrize("ops, expected", [
        pytest.param([{"op": "replace", "path": "/spec/replicas", "value": 5}],
                     {"replicas": 5, "args": ["a", "b"]}, id="replace"),
        pytest.param([{"op": "add", "path": "/spec/paused", "value": True}],
                     {"replicas": 2, "args": ["a", "b"], "paused": True}, id="add-key"),
        pytest.param([{"op": "add", "path": "/spec/args/1", "value": "z"}],
                     {"replicas": 2, "args": ["a", "z", "b"]}, id="add-insert-index"),
        pytest.param([{"op": "add", "path": "/spec/args/-", "value": "z"}],
                     {"replicas": 2, "args": ["a", "b", "z"]}, id="add-append"),
        pytest.param([{"op": "remove", "path": "/spec/args/0"}], {"replicas": 2, "args": ["b"]}, id="remove"),
        pytest.param([{"op": "move", "from": "/spec/replicas", "path": "/spec/count"}],
                     {"args": ["a", "b"], "count": 2}, id="move"),
        pytest.param([{"op": "copy", "from": "/spec/args/0", "path": "/spec/first"}],
                     {"replicas": 2, "args": ["a", "b"], "first": "a"}, id="copy"),
        pytest.param([{"op": "test", "path": "/spec/replicas", "value": 2},
                      {"op": "replace", "path": "/spec/replicas", "value": 3}],
                     {"replicas": 3, "args": ["a", "b"]}, id="test-then-replace"),
    ])
    def test_operations(self, ops: list[dict[str, Any]], expected: Any) -> None:
        assert patching.json_patch(self.DOC, ops)["spec"] == expected

    def test_escaped_pointer_tokens(self) -> None:
        ops = [{"op": "replace", "path": "/metadata/annotations/a~1b", "value": "1"},
               {"op": "remove", "path": "/metadata/annotations/m~0n"}]
        assert patching.json_patch(self.DOC, ops)["metadata"] == {"annotations": {"a/b": "1"}}

    def test_replace_whole_document(self) -> None:
        assert patching.json_patch(self.DOC, [{"op": "replace", "path": "", "value": {"a": 1}}]) == {"a": 1}

    @pytest.mark.parametrize("op", [
        pytest.param({"op": "test", "path": "/spec/replicas", "value": 3}, id="test-mismatch"),
        pytest.param({"op": "test", "path": "/spec/replicas", "value": True}, id="test-bool-is-not-int"),
        pytest.param({"op": "replace", "path": "/spec/missing", "value": 1}, id="replace-missing"),
        pytest.param({"op": "remove", "path": "/spec/args/5"}, id="remove-out-of-range"),
        pytest.param({"op": "add", "path": "/nope/x", "value": 1}, id="add-missing-parent"),
        pytest.param({"op": "move", "from": "/spec", "path": "/spec/inner"}, id="move-into-child"),
        pytest.param({"op": "frobnicate", "path": "/spec"}, id="unknown-op"),
        pytest.param({"op": "add", "path": "spec"}, id="bad-pointer"),
    ])
    def test_failures_raise_value_error(self, op: dict[str, Any]) -> None:
        with pytest.raises(ValueError):
            patching.json_patch(self.DOC, [op])

    def test_failed_patch_leaves_target_alone(self) -> None:
        doc = copy.deepcopy(self.DOC)
        with pytest.raises(ValueError):
            patching.json_patch(doc, [{"op": "remove", "path": "/spec/replicas"},
                                      {"op": "test", "path": "/spec/replicas", "value": 2}])
        assert doc == self.DOC


class TestStrategicMergeDirectives:
    POD = {"metadata": {"name": "p", "finalizers": ["a", "b"]},
           "spec": {"containers": [{"name": "a", "image": "1"}, {"name": "b", "image": "2"}],
                    "tolerations": [{"key": "x"}]}}

    @pytest.mark.parametrize("patch, path, expected", [
        pytest.param({"spec": {"containers": [{"name": "b", "image": "3"}]}}, "containers",
                     [{"name": "a", "image": "1"}, {"name": "b", "image": "3"}], id="merge-by-name"),
        pytest.param({"spec": {"containers": [{"name": "c", "image": "4"}]}}, "containers",
                     [{"name": "c", "image": "4"}, {"name": "a", "image": "1"}, {"name": "b", "image": "2"}],
                     id="new-element-first-without-order"),
        pytest.param({"spec": {"$setElementOrder/containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
                               "containers": [{"name": "c", "image": "4"}]}}, "containers",
                     [{"name": "a", "image": "1"}, {"name": "b", "image": "2"}, {"name": "c", "image": "4"}],
                     id="new-element-placed-by-order"),
        pytest.param({"spec": {"containers": [{"name": "a", "$patch": "delete"}]}}, "containers",
                     [{"name": "b", "image": "2"}], id="patch-delete-element"),
        pytest.param({"spec": {"containers": [{"name": "z", "image": "9"}, {"$patch": "replace"}]}}, "containers",
                     [{"name": "z", "image": "9"}], id="patch-replace-list"),
        pytest.param({"spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "a"}]}}, "containers",
                     [{"name": "b", "image": "2"}, {"name": "a", "image": "1"}], id="set-element-order"),
        pytest.param({"spec": {"tolerations": [{"key": "y"}]}}, "tolerations", [{"key": "y"}],
                     id="other-lists-atomic"),
        pytest.param({"spec": {"containers": [{"name": "a", "image": None}]}}, "containers",
                     [{"name": "a"}, {"name": "b", "image": "2"}], id="null-deletes-in-element"),
    ])
    def test_lists(self, patch: dict[str, Any], path: str, expected: Any) -> None:
        assert patching.strategic_merge(self.POD, patch, "Pod")["spec"][path] == expected

    @pytest.mark.parametrize("patch, expected", [
        pytest.param({"metadata": {"finalizers": ["c", "a"]}}, ["c", "a", "b"], id="finalizers-union"),
        pytest.param({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}, ["b"],
                     id="delete-from-primitive-list"),
        pytest.param({"metadata": {"$setElementOrder/finalizers": ["b", "a"]}}, ["b", "a"],
                     id="primitive-set-element-order"),
    ])
    def test_primitive_lists(self, patch: dict[str, Any], expected: list[str]) -> None:
        assert patching.strategic_merge(self.POD, patch, "Pod")["metadata"]["finalizers"] == expected

    @pytest.mark.parametrize("patch, expected", [
        pytest.param({"spec": {"strategy": {"$patch": "replace", "type": "Recreate"}}}, {"type": "Recreate"},
                     id="patch-replace-map"),
        pytest.param({"spec": {"strategy": {"$patch": "delete"}}}, {}, id="patch-delete-map"),
        pytest.param({"spec": {"strategy": {"$patch": "merge", "type": "X"}}},
                     {"type": "X", "rollingUpdate": {"maxSurge": 1}}, id="patch-merge-map"),
        pytest.param({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}, {"type": "Recreate"},
                     id="retain-keys"),
    ])
    def test_maps(self, patch: dict[str, Any], expected: Any) -> None:
        obj = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}
        assert patching.strategic_merge(obj, patch, "Deployment")["spec"]["strategy"] == expected

    def test_retain_keys_rejects_unlisted_patched_field(self) -> None:
        with pytest.raises(ValueError):
            patching.strategic_merge({}, {"spec": {"strategy": {"$retainKeys": ["type"], "other": 1}}}, "Deployment")

    def test_element_without_merge_key_raises(self) -> None:
        with pytest.raises(ValueError):
            patching.strategic_merge(self.POD, {"spec": {"containers": [{"image": "x"}]}}, "Pod")

    def test_directives_never_reach_new_fields(self) -> None:
        patch = {"spec": {"containers": [{"name": "c", "$setElementOrder/env": [{"name": "A"}],
                                          "env": [{"name": "A", "value": "1"}, {"name": "B", "$patch": "delete"}]}]}}
        merged = patching.strategic_merge({"spec": {}}, patch, "Pod")
        assert merged == {"spec": {"containers": [{"name": "c", "env": [{"name": "A", "value": "1"}]}]}}

    def test_does_not_mutate_arguments(self) -> None:
        pod, patch = copy.deepcopy(self.POD), {"spec": {"containers": [{"name": "a", "$patch": "delete"}]}}
        patching.strategic_merge(pod, patch, "Pod")
        assert pod == self.POD and patch == {"spec": {"containers": [{"name": "a", "$patch": "delete"}]}}


class TestMergeKeysByContext:
    """The merge key of a list depends on where the list sits."""

    def test_container_ports_merge_on_container_port(self) -> None:
        pod = {"spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80}, {"containerPort": 443}]}]}}
        patch = {"spec": {"containers": [{"name": "a", "ports": [{"containerPort": 443, "name": "https"}]}]}}
        ports = patching.strategic_merge(pod, patch, "Pod")["spec"]["containers"][0]["ports"]
        assert ports == [{"containerPort": 80}, {"containerPort": 443, "name": "https"}]

    def test_service_ports_merge_on_port(self) -> None:
        svc = {"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443}]}}
        patch = {"spec": {"ports": [{"port": 80, "targetPort": 9090}]}}
        assert patching.strategic_merge(svc, patch, "Service")["spec"]["ports"] == [
            {"port": 80, "targetPort": 9090}, {"port": 443}]

    @pytest.mark.parametrize("kind, path", [
        pytest.param("Deployment", ("spec", "template", "spec"), id="deployment-template"),
        pytest.param("StatefulSet", ("spec", "template", "spec"), id="statefulset-template"),
        pytest.param("Job", ("spec", "template", "spec"), id="job-template"),
        pytest.param("CronJob", ("spec", "jobTemplate", "spec", "template", "spec"), id="cronjob-job-template"),
        pytest.param("Pod", ("spec",), id="pod"),
    ])
    def test_pod_specs_found_in_every_workload(self, kind: str, path: tuple[str, ...]) -> None:
        def nest(value: Any) -> dict[str, Any]:
            for key in reversed(path):
                value = {key: value}
            return value
        obj = nest({"containers": [{"name": "a", "image": "1"}, {"name": "b", "image": "1"}]})
        merged = patching.strategic_merge(obj, nest({"containers": [{"name": "b", "image": "2"}]}), kind)
        for key in path:
            merged = merged[key]
        assert merged["containers"] == [{"name": "a", "image": "1"}, {"name": "b", "image": "2"}]

    @pytest.mark.parametrize("field, key, first, second", [
        pytest.param("volumeMounts", "mountPath", {"mountPath": "/a", "name": "v"}, {"mountPath": "/b", "name": "v"},
                     id="volume-mounts-by-mount-path"),
        pytest.param("env", "name", {"name": "A", "value": "1"}, {"name": "B", "value": "2"}, id="env-by-name"),
    ])
    def test_container_lists(self, field: str, key: str, first: dict[str, Any], second: dict[str, Any]) -> None:
        pod = {"spec": {"containers": [{"name": "a", field: [first]}]}}
        merged = patching.strategic_merge(pod, {"spec": {"containers": [{"name": "a", field: [second]}]}}, "Pod")
        # Without $setElementOrder upstream's mergeSortedSlice puts new elements first.
        assert merged["spec"]["containers"][0][field] == [second, first]

    @pytest.mark.parametrize("kind, path, key, items", [
        pytest.param("Pod", ("status", "conditions"), "type", ({"type": "Ready", "status": "False"},
                                                               {"type": "Ready", "status": "True"}), id="conditions"),
        pytest.param("ConfigMap", ("metadata", "ownerReferences"), "uid", ({"uid": "1", "name": "a"},
                                                                           {"uid": "1", "name": "b"}), id="owners"),
        pytest.param("Pod", ("spec", "hostAliases"), "ip", ({"ip": "1.1.1.1", "hostnames": ["a"]},
                                                            {"ip": "1.1.1.1", "hostnames": ["b"]}), id="host-aliases"),
        pytest.param("Pod", ("spec", "imagePullSecrets"), "name", ({"name": "s"}, {"name": "s"}), id="pull-secrets"),
        pytest.param("Pod", ("spec", "topologySpreadConstraints"), "topologyKey",
                     ({"topologyKey": "zone", "maxSkew": 1}, {"topologyKey": "zone", "maxSkew": 2}), id="spread"),
    ])
    def test_merge_keyed_lists(self, kind: str, path: tuple[str, str], key: str, items: tuple[dict, dict]) -> None:
        obj = {path[0]: {path[1]: [items[0], {key: "other"}]}}
        merged = patching.strategic_merge(obj, {path[0]: {path[1]: [items[1]]}}, kind)
        assert merged[path[0]][path[1]] == [{**items[0], **items[1]}, {key: "other"}]


class TestThreeWayPatchWire:
    """The patch body matches what kubectl sends (kubectl-wire §6.5, §7.3)."""

    def test_update_image_replicas_and_drop_ports(self) -> None:
        original = deployment({"name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 80}]}, replicas=2)
        modified = deployment({"name": "nginx", "image": "nginx:1.26"}, replicas=3)
        last_applied = json.dumps(modified) + "\n"
        modified["metadata"]["annotations"] = {LAST_APPLIED: last_applied}
        patch = patching.three_way_patch(original, modified, live(original), "Deployment")
        assert patch == {
            "metadata": {"annotations": {LAST_APPLIED: last_applied}},
            "spec": {"replicas": 3, "template": {"spec": {
                "$setElementOrder/containers": [{"name": "nginx"}],
                "containers": [{"image": "nginx:1.26", "name": "nginx", "ports": None}]}}}}

    def test_observed_directive_example(self) -> None:
        original = deployment(
            {"name": "a", "image": "nginx:1", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
             "ports": [{"containerPort": 80}, {"containerPort": 443}]},
            {"name": "b", "image": "busybox"},
            strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}})
        original["spec"]["template"]["spec"]["volumes"] = [{"name": "v1", "emptyDir": {}}]
        modified = deployment(
            {"name": "a", "image": "nginx:2", "env": [{"name": "B", "value": "2"}, {"name": "C", "value": "3"}],
             "ports": [{"containerPort": 80}]},
            strategy={"type": "Recreate"})
        modified["spec"]["template"]["spec"]["volumes"] = [{"name": "v1", "configMap": {"name": "cm1"}}]
        patch = patching.three_way_patch(original, modified, original, "Deployment")
        assert patch["spec"] == {
            "strategy": {"$retainKeys": ["type"], "rollingUpdate": None, "type": "Recreate"},
            "template": {"spec": {
                "$setElementOrder/containers": [{"name": "a"}], "$setElementOrder/volumes": [{"name": "v1"}],
                "containers": [
                    {"$setElementOrder/env": [{"name": "B"}, {"name": "C"}],
                     "$setElementOrder/ports": [{"containerPort": 80}],
                     "env": [{"name": "C", "value": "3"}, {"$patch": "delete", "name": "A"}],
                     "image": "nginx:2", "name": "a", "ports": [{"$patch": "delete", "containerPort": 443}]},
                    {"$patch": "delete", "name": "b"}],
                "volumes": [{"$retainKeys": ["configMap", "name"], "configMap": {"name": "cm1"},
                             "emptyDir": None, "name": "v1"}]}}}
        assert patching.strategic_merge(original, patch, "Deployment") == modified

    def test_finalizer_removal_uses_parallel_list(self) -> None:
        original = {"metadata": {"name": "c", "finalizers": ["a", "b"]}}
        modified = {"metadata": {"name": "c", "finalizers": ["a"]}}
        patch = patching.three_way_patch(original, modified, original, "ConfigMap")
        assert patch == {"metadata": {"$deleteFromPrimitiveList/finalizers": ["b"],
                                      "$setElementOrder/finalizers": ["a"]}}


class TestApply:
    """Client-side apply keeps what others wrote and removes what the manifest dropped."""

    WEB = {"name": "web", "image": "nginx:1.25", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
           "ports": [{"containerPort": 80}, {"containerPort": 443}]}
    SIDECAR = {"name": "log", "image": "busybox:1"}

    def test_fields_set_by_the_server_are_kept(self) -> None:
        manifest = deployment(self.WEB)
        result = patching.apply(manifest, manifest, live(manifest), "Deployment")
        assert result["status"] == live(manifest)["status"]
        assert result["spec"]["strategy"]["type"] == "RollingUpdate"
        assert containers(result)[0]["imagePullPolicy"] == "IfNotPresent"

    def test_same_manifest_twice_is_an_empty_patch(self) -> None:
        manifest = deployment(self.WEB, self.SIDECAR, replicas=2)
        current = live(patching.apply(None, manifest, {}, "Deployment"))
        assert patching.three_way_patch(manifest, manifest, current, "Deployment") == {}

    def test_first_apply_over_an_existing_object_is_empty_when_equal(self) -> None:
        manifest = deployment(self.WEB)
        assert patching.three_way_patch(None, manifest, live(manifest), "Deployment") == {}

    def test_removed_field_is_removed(self) -> None:
        original = deployment(self.WEB, paused=True)
        result = patching.apply(original, deployment(self.WEB), live(original), "Deployment")
        assert "paused" not in result["spec"]

    def test_label_added_by_someone_else_is_kept(self) -> None:
        manifest = deployment(self.WEB)
        current = live(manifest)
        current["metadata"]["labels"] = {"team": "a"}
        modified = copy.deepcopy(manifest)
        modified["metadata"]["annotations"] = {"example.com/owner.name": "x"}
        result = patching.apply(manifest, modified, current, "Deployment")
        assert result["metadata"]["labels"] == {"team": "a"}
        assert result["metadata"]["annotations"] == {"example.com/owner.name": "x"}

    def test_annotation_with_dots_and_slashes_removed(self) -> None:
        original = deployment(self.WEB)
        original["metadata"]["annotations"] = {"a.example.com/x": "1", "b.example.com/y.z": "2"}
        modified = copy.deepcopy(original)
        del modified["metadata"]["annotations"]["b.example.com/y.z"]
        result = patching.apply(original, modified, live(original), "Deployment")
        assert result["metadata"]["annotations"] == {"a.example.com/x": "1"}

    def test_image_change_touches_only_that_container(self) -> None:
        original = deployment(self.WEB, self.SIDECAR)
        modified = deployment({**self.WEB, "image": "nginx:1.26"}, self.SIDECAR)
        result = patching.apply(original, modified, live(original), "Deployment")
        web, log = containers(result)
        assert web == {**self.WEB, "image": "nginx:1.26", "imagePullPolicy": "IfNotPresent"}
        assert log == {**self.SIDECAR, "imagePullPolicy": "IfNotPresent"}

    def test_removed_container_is_removed(self) -> None:
        original = deployment(self.WEB, self.SIDECAR)
        result = patching.apply(original, deployment(self.WEB), live(original), "Deployment")
        assert [c["name"] for c in containers(result)] == ["web"]

    def test_env_merged_by_name(self) -> None:
        original = deployment(self.WEB)
        current = live(original)
        containers(current)[0]["env"].append({"name": "INJECTED", "value": "x"})
        modified = deployment({**self.WEB, "env": [{"name": "B", "value": "20"}, {"name": "C", "value": "3"}]})
        result = patching.apply(original, modified, current, "Deployment")
        assert containers(result)[0]["env"] == [
            {"name": "B", "value": "20"}, {"name": "C", "value": "3"}, {"name": "INJECTED", "value": "x"}]

    def test_port_removal(self) -> None:
        original = deployment(self.WEB)
        current = live(original)
        containers(current)[0]["ports"][1]["protocol"] = "TCP"
        modified = deployment({**self.WEB, "ports": [{"containerPort": 80}]})
        result = patching.apply(original, modified, current, "Deployment")
        assert containers(result)[0]["ports"] == [{"containerPort": 80}]

    @pytest.mark.parametrize("original_replicas, expected", [
        pytest.param(2, None, id="in-last-applied-removed"),
        pytest.param(None, 5, id="never-applied-kept"),
    ])
    def test_replicas_dropped_after_scale(self, original_replicas: int | None, expected: int | None) -> None:
        original = deployment(self.WEB, **({"replicas": original_replicas} if original_replicas else {}))
        current = live(original)
        current["spec"]["replicas"] = 5  # kubectl scale
        result = patching.apply(original, deployment(self.WEB), current, "Deployment")
        assert result["spec"].get("replicas") == expected

    def test_service_port_removed_by_port(self) -> None:
        original = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                    "spec": {"ports": [{"port": 80}, {"port": 443}]}}
        current = copy.deepcopy(original)
        current["spec"].update(clusterIP="10.0.0.1", ports=[{"port": 80, "protocol": "TCP"},
                                                            {"port": 443, "protocol": "TCP"}])
        modified = {**original, "spec": {"ports": [{"port": 80}]}}
        result = patching.apply(original, modified, current, "Service")
        assert result["spec"] == {"clusterIP": "10.0.0.1", "ports": [{"port": 80, "protocol": "TCP"}]}

    def test_container_reorder_follows_manifest(self) -> None:
        original = deployment(self.WEB, self.SIDECAR)
        modified = deployment(self.SIDECAR, self.WEB)
        result = patching.apply(original, modified, live(original), "Deployment")
        assert [c["name"] for c in containers(result)] == ["log", "web"]


# -- properties -------------------------------------------------------------------

_KEYS = st.text("abcxyz./-", min_size=1, max_size=6).filter(
    lambda k: k not in {"metadata", "spec", "status", "template"})
_SCALARS = st.one_of(st.booleans(), st.integers(-3, 3), st.text("ab", max_size=2))
_VALUES = st.recursive(
    st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3)),
    lambda inner: st.dictionaries(_KEYS, inner, max_size=4), max_leaves=12)
_OBJECTS = st.dictionaries(_KEYS, _VALUES, max_size=5)
_CONTAINERS = st.lists(
    st.fixed_dictionaries({"name": st.sampled_from("abcd"), "image": st.sampled_from(["x:1", "x:2"])},
                          optional={"env": st.lists(st.fixed_dictionaries(
                              {"name": st.sampled_from("ABC"), "value": st.sampled_from("12")}),
                              max_size=3, unique_by=lambda e: e["name"])}),
    min_size=1, max_size=3, unique_by=lambda c: c["name"])
_DEPLOYMENTS = st.builds(lambda cs, spec: deployment(*cs, **spec), _CONTAINERS, _OBJECTS)


class TestApplyProperties:
    @settings(max_examples=200, deadline=None)
    @given(_OBJECTS)
    def test_unchanged_manifest_gives_empty_patch(self, manifest: dict[str, Any]) -> None:
        assert patching.three_way_patch(None, manifest, manifest, "ConfigMap") == {}
        assert patching.three_way_patch(manifest, manifest, manifest, "ConfigMap") == {}

    @settings(max_examples=300, deadline=None)
    @given(_OBJECTS, _OBJECTS)
    def test_live_equal_to_last_applied_becomes_the_manifest(self, original: dict, modified: dict) -> None:
        assert patching.apply(original, modified, original, "ConfigMap") == modified

    @settings(max_examples=200, deadline=None)
    @given(_DEPLOYMENTS, _DEPLOYMENTS)
    def test_merge_keyed_lists_become_the_manifest(self, original: dict, modified: dict) -> None:
        assert patching.apply(original, modified, original, "Deployment") == modified
        assert patching.three_way_patch(modified, modified, modified, "Deployment") == {}
