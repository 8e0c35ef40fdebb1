"""Field sets in the FieldsV1 encoding, the fields an object holds, comparisons, structured merge."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from litekube.model import fieldpath, structured
from litekube.model.fieldpath import SELF

DEPLOYMENT = {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27",
                                                   "ports": [{"containerPort": 80}]}]}}},
}


def v1(obj, kind="Deployment"):
    return fieldpath.to_fields_v1(fieldpath.of(obj, kind))


class TestEncoding:
    def test_the_fields_of_a_deployment_as_an_applier_owns_them(self):
        assert v1(DEPLOYMENT) == {
            "f:apiVersion": {}, "f:kind": {},
            "f:metadata": {"f:labels": {"f:app": {}}, "f:name": {}},
            "f:spec": {
                "f:replicas": {}, "f:selector": {},  # a LabelSelector is atomic: one field
                "f:template": {"f:metadata": {"f:labels": {"f:app": {}}}, "f:spec": {"f:containers": {
                    'k:{"name":"nginx"}': {".": {}, "f:image": {}, "f:name": {}, "f:ports": {
                        'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}}}}}}},
        }

    def test_service_ports_are_keyed_by_port_and_protocol(self):
        svc = {"spec": {"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53}]}}
        assert set(v1(svc, "Service")["f:spec"]["f:ports"]) == {
            'k:{"port":53,"protocol":"UDP"}', 'k:{"port":53,"protocol":"TCP"}'}

    @pytest.mark.parametrize("field, value, expected", [
        ("finalizers", ["a/b", "c"], {'v:"a/b"': {}, 'v:"c"': {}}),  # a set: by value
        ("ownerReferences", [{"uid": "u1", "kind": "X"}], {'k:{"uid":"u1"}': {}}),  # an atomic struct
    ], ids=["set", "map-by-uid"])
    def test_metadata_lists(self, field, value, expected):
        assert v1({"metadata": {field: value}}, "ConfigMap") == {"f:metadata": {f"f:{field}": expected}}

    def test_atomic_lists_and_unknown_fields(self):
        pod = {"spec": {"containers": [{"name": "c", "args": ["a", "b"]}], "tolerations": [{"key": "k"}]},
               "x": {"y": [1, 2]}}
        assert v1(pod, "Pod") == {
            "f:spec": {"f:containers": {'k:{"name":"c"}': {".": {}, "f:args": {}, "f:name": {}}},
                       "f:tolerations": {}},
            "f:x": {".": {}, "f:y": {}},  # not in the schema: a map key (owned) holding an atomic list
        }

    def test_an_element_without_its_key_is_refused(self):
        with pytest.raises(fieldpath.MissingKey, match='element 0: associative list with keys has an element '
                                                      'that omits key field "name"'):
            fieldpath.of({"spec": {"containers": [{"image": "x"}]}}, "Pod")

    def test_round_trip_and_go_escaping(self):
        cm = {"data": {"a<b": "1", "c": "2"}}
        encoded = v1(cm, "ConfigMap")
        assert encoded == {"f:data": {"f:a<b": {}, "f:c": {}}}
        key = fieldpath.item_key({"name": "<&>"}, fieldpath.listtypes.root("Pod").field("spec").field("containers"))
        assert key == 'k:{"name":"\\u003c\\u0026\\u003e"}'
        assert fieldpath.to_fields_v1(fieldpath.from_fields_v1(encoded)) == encoded

    def test_from_fields_v1_marks_members(self):
        s = fieldpath.from_fields_v1({"f:a": {}, "f:b": {".": {}, "f:c": {}}, "f:d": {"f:e": {}}, "x:future": {}})
        assert s == {"f:a": {SELF: {}}, "f:b": {SELF: {}, "f:c": {SELF: {}}}, "f:d": {"f:e": {SELF: {}}}}
        with pytest.raises(ValueError):
            fieldpath.from_fields_v1({"f:a": 1})


class TestPaths:
    def test_paths_are_printed_as_upstream(self):
        s = fieldpath.of(DEPLOYMENT, "Deployment")
        printed = [fieldpath.describe(p) for p in fieldpath.paths(s)]
        assert printed[:3] == [".apiVersion", ".kind", ".metadata.name"]
        assert '.spec.template.spec.containers[name="nginx"]' in printed
        assert '.spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]' in printed
        assert printed.index(".spec.replicas") < printed.index('.spec.template.spec.containers[name="nginx"]')

    @pytest.mark.parametrize("element, text", [
        ("f:replicas", ".replicas"), ('k:{"name":"a"}', '[name="a"]'), ("v:5", "[=5]"), ('v:"x"', '[="x"]'),
        ("i:3", "[3]"), ('k:{"port":80,"protocol":"TCP"}', '[port=80,protocol="TCP"]'),
    ])
    def test_elements(self, element, text):
        assert fieldpath.element_of(element) == text


class TestCompare:
    def test_a_create_adds_every_field_but_the_structs_go_always_has(self):
        added = fieldpath.to_fields_v1(fieldpath.compare(None, DEPLOYMENT, "Deployment").added)
        assert "." not in added["f:spec"] and "." not in added["f:spec"]["f:template"]
        assert "." not in added["f:spec"]["f:template"]["f:spec"]["f:containers"]  # containers: null in Go
        assert added["f:metadata"]["f:labels"] == {".": {}, "f:app": {}}  # a map that was not there
        ports = added["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']["f:ports"]
        assert ports == {".": {}, 'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}}

    def test_modified_removed_added(self):
        new = {**DEPLOYMENT, "spec": {**DEPLOYMENT["spec"], "replicas": 3, "paused": True}}
        del new["spec"]["selector"]
        c = fieldpath.compare(DEPLOYMENT, new, "Deployment")
        assert fieldpath.to_fields_v1(c.modified) == {"f:spec": {"f:replicas": {}}}
        assert fieldpath.to_fields_v1(c.added) == {"f:spec": {"f:paused": {}}}
        assert fieldpath.to_fields_v1(c.removed) == {"f:spec": {"f:selector": {}}}

    def test_equal_objects_compare_same(self):
        assert fieldpath.compare(DEPLOYMENT, DEPLOYMENT, "Deployment").same
        assert not fieldpath.compare(DEPLOYMENT, {**DEPLOYMENT, "kind": "X"}, "Deployment").same

    def test_an_empty_map_is_a_field(self):
        c = fieldpath.compare({"spec": {}}, {"spec": {"securityContext": {}}}, "Pod")
        assert fieldpath.to_fields_v1(c.added) == {"f:spec": {"f:securityContext": {}}}


_sets = st.recursive(st.just({SELF: {}}), lambda children: st.dictionaries(
    st.sampled_from(["f:a", "f:b", 'k:{"name":"x"}', 'v:"y"', SELF]), children, max_size=3).map(
    lambda d: {k: ({} if k == SELF else v) for k, v in d.items() if k == SELF or v}), max_leaves=12)


def _members(s):
    return set(fieldpath.paths(s))


class TestSetAlgebra:
    @given(_sets, _sets)
    def test_operations_agree_with_the_members(self, a, b):
        assert _members(fieldpath.union(a, b)) == _members(a) | _members(b)
        assert _members(fieldpath.difference(a, b)) == _members(a) - _members(b)
        assert _members(fieldpath.intersection(a, b)) == _members(a) & _members(b)

    @given(_sets)
    def test_fields_v1_round_trip(self, s):
        assert _members(fieldpath.from_fields_v1(fieldpath.to_fields_v1(s))) == _members(s)


class TestMerge:
    def test_maps_merge_and_keyed_lists_merge_by_key(self):
        live = {"spec": {"replicas": 1, "paused": False, "template": {"spec": {"containers": [
            {"name": "a", "image": "a:1", "env": [{"name": "X", "value": "1"}]}, {"name": "b", "image": "b:1"}]}}}}
        config = {"spec": {"replicas": 3, "template": {"spec": {"containers": [
            {"name": "c", "image": "c:1"}, {"name": "a", "image": "a:2", "env": [{"name": "Y", "value": "2"}]}]}}}}
        merged = structured.merge(live, config, "Deployment")
        assert merged["spec"]["replicas"] == 3 and merged["spec"]["paused"] is False
        containers = merged["spec"]["template"]["spec"]["containers"]
        assert [c["name"] for c in containers] == ["a", "b", "c"]  # live order, then the new ones
        assert containers[0] == {"name": "a", "image": "a:2", "env": [{"name": "X", "value": "1"},
                                                                         {"name": "Y", "value": "2"}]}
        assert live["spec"]["replicas"] == 1  # never mutated

    def test_atomic_fields_are_replaced_whole(self):
        live = {"spec": {"selector": {"matchLabels": {"a": "1"}}, "template": {"spec": {
            "containers": [{"name": "a", "args": ["x", "y"]}]}}}}
        config = {"spec": {"selector": {"matchLabels": {"b": "2"}}, "template": {"spec": {
            "containers": [{"name": "a", "args": ["z"]}]}}}}
        merged = structured.merge(live, config, "Deployment")
        assert merged["spec"]["selector"] == {"matchLabels": {"b": "2"}}
        assert merged["spec"]["template"]["spec"]["containers"][0]["args"] == ["z"]

    def test_remove_drops_members_and_what_they_emptied(self):
        obj = {"metadata": {"labels": {"a": "1"}}, "spec": {"replicas": 2, "template": {"spec": {"containers": [
            {"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}}}}
        gone = {}
        fieldpath.insert(gone, ("f:metadata", "f:labels", "f:a"))
        fieldpath.insert(gone, ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"b"}'))
        assert structured.remove(obj, gone, "Deployment") == {  # metadata was emptied: it goes too
            "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "a", "image": "x"}]}}}}


_names = st.sampled_from(["a", "b", "c"])
_scalars = st.one_of(st.integers(-2, 2), st.sampled_from(["x", "y", ""]), st.booleans(), st.none())
_containers = st.lists(st.fixed_dictionaries({"name": _names}, optional={
    "image": _scalars, "args": st.lists(_scalars, max_size=2), "resources": st.just({}),
    "ports": st.lists(st.fixed_dictionaries({"containerPort": st.integers(1, 3)},
                                            optional={"protocol": st.sampled_from(["TCP", "UDP"])}), max_size=2,
                      # the list's keys are (containerPort, protocol) with protocol defaulted to TCP: a pod
                      # with two ports of one key is refused by the apiserver, so none is generated
                      unique_by=lambda p: (p["containerPort"], p.get("protocol", "TCP")))}),
    max_size=3, unique_by=lambda c: c["name"])
_pods = st.fixed_dictionaries({}, optional={
    "metadata": st.fixed_dictionaries({}, optional={"labels": st.dictionaries(_names, _scalars, max_size=2),
                                                     "finalizers": st.lists(_names, max_size=2, unique=True)}),
    "spec": st.fixed_dictionaries({}, optional={"containers": _containers, "nodeName": _scalars,
                                                "securityContext": st.just({})}),
    "status": st.fixed_dictionaries({}, optional={"phase": _scalars, "extra": st.dictionaries(_names, _scalars)}),
})


class TestProperties:
    @given(_pods)
    def test_a_create_sets_what_comparing_with_nothing_finds(self, pod):
        c = fieldpath.compare(None, pod, "Pod")
        assert fieldpath.created(pod, "Pod") == fieldpath.union(c.added, c.modified)

    @given(_pods, _pods)
    def test_compare_is_the_symmetric_difference_of_two_objects(self, old, new):
        forward, backward = fieldpath.compare(old, new, "Pod"), fieldpath.compare(new, old, "Pod")
        assert _members(forward.added) == _members(backward.removed)
        assert _members(forward.modified) == _members(backward.modified)
        assert fieldpath.compare(old, old, "Pod").same

    @given(_pods, _pods)
    def test_a_merge_holds_the_configuration(self, live, config):
        merged = structured.merge(live, config, "Pod")
        assert _members(fieldpath.of(config, "Pod")) <= _members(fieldpath.of(merged, "Pod"))
        assert fieldpath.compare(config, structured.merge(config, config, "Pod"), "Pod").same
        # every field the configuration sets has the configuration's value
        both = fieldpath.intersection(fieldpath.of(merged, "Pod"), fieldpath.of(config, "Pod"))
        differing = fieldpath.compare(config, merged, "Pod").modified
        assert not _members(fieldpath.intersection(both, differing))


class TestFieldsV1Algebra:
    """v1_union, v1_difference and v1_intersects on FieldsV1 equal the set algebra on decoded sets."""

    @staticmethod
    def _random_set(rng, depth=0) -> dict:
        s: dict = {}
        for _ in range(rng.randint(0, 3 if depth < 3 else 0)):
            child = TestFieldsV1Algebra._random_set(rng, depth + 1)
            if rng.random() < 0.5 or not child:
                child[fieldpath.SELF] = {}
            s[rng.choice(["f:a", "f:b", "f:c", 'k:{"name":"x"}', "v:2"])] = child
        return s

    @staticmethod
    def _members(s: dict, prefix: tuple = ()) -> set:
        out = set()
        for key, node in s.items():
            if key != fieldpath.SELF:
                if fieldpath.SELF in node:
                    out.add(prefix + (key,))
                out |= TestFieldsV1Algebra._members(node, prefix + (key,))
        return out

    @pytest.mark.parametrize("seed", range(4))
    def test_equal_to_decoded_algebra(self, seed):
        import random
        rng = random.Random(seed)
        for _ in range(3000):
            a, b = self._random_set(rng), self._random_set(rng)
            v1 = fieldpath.to_fields_v1(a)
            decoded = fieldpath.from_fields_v1(v1)
            assert fieldpath.v1_union(v1, b) == fieldpath.to_fields_v1(fieldpath.union(decoded, b))
            assert fieldpath.v1_difference(v1, b) == fieldpath.to_fields_v1(fieldpath.difference(decoded, b))
            assert fieldpath.v1_intersects(v1, b) == bool(self._members(decoded) & self._members(b))
