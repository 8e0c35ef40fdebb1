"""Projected lists: the store returns only the fields a table prints, the same by SQL and by Python."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.model import tables
from litekube.store import Store, dialects, objects

PATHS = (("metadata", "labels"), ("spec", "nodeName"), ("status", "phase"), ("status", "conditions"),
         ("metadata", "creationTimestamp"))


def pod(name: str, **fields) -> dict:
    body = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "uid": name},
            "spec": {"containers": [{"name": "c", "image": "nginx"}], "volumes": [{"name": "v"}]}}
    for path, value in fields.items():
        node = body
        keys = path.split("__")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value
    return body


@pytest.fixture
def store(tmp_path):
    s = Store(str(tmp_path / "t.db"))
    yield s
    s.close()


def fill(store: Store, bodies: list[dict]) -> None:
    with store.write() as w:
        for body in bodies:
            w.create("Pod", "default", body["metadata"]["name"], body["metadata"]["uid"], body)


class TestProjection:
    def test_only_the_fields_asked_for(self, store):
        fill(store, [pod("a", spec__nodeName="n1", status__phase="Running", metadata__labels={"app": "x"})])
        with store.read() as r:
            [stored] = r.list("Pod", "default", paths=PATHS)
        assert stored.body == {"kind": "Pod", "metadata": {"name": "a", "namespace": "default",
                                                           "resourceVersion": "1", "labels": {"app": "x"}},
                               "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}}

    def test_absent_and_null_fields_are_left_out(self, store):
        fill(store, [pod("a", status__phase=None)])
        with store.read() as r:
            [stored] = r.list("Pod", None, paths=PATHS)
        assert stored.body == {"kind": "Pod", "metadata": {"name": "a", "namespace": "default",
                                                           "resourceVersion": "1"}}

    def test_without_json_functions_the_same_answer(self, store, monkeypatch):
        bodies = [pod("a", spec__nodeName="n1", status__conditions=[{"type": "Ready", "status": "True"}]),
                  pod("b", metadata__labels={"k": ""}, status__phase="Pending")]
        fill(store, bodies)
        with store.read() as r:
            by_sql = [s.body for s in r.list("Pod", None, paths=PATHS)]
        monkeypatch.setattr(objects, "JSON_PROJECTION", False)
        with store.read() as r:
            by_python = [s.body for s in r.list("Pod", None, paths=PATHS)]
        assert by_sql == by_python
        assert [b["metadata"]["name"] for b in by_sql] == ["a", "b"]

    def test_selectors_still_narrow_a_projection(self, store):
        fill(store, [pod("a", metadata__labels={"app": "x"}), pod("b", metadata__labels={"app": "y"})])
        with store.read() as r:
            found = r.list("Pod", None, labels=[("app", ("y",))], paths=PATHS)
        assert [s.name for s in found] == ["b"]

    def test_a_key_sqlite_cannot_spell_goes_the_python_way(self, store):
        body = pod("a")
        body["status"] = {'we"ird': 1, "it's": 2}
        fill(store, [body])
        paths = (("status", 'we"ird'), ("status", "it's"))
        with store.read() as r:
            [stored] = r.list("Pod", None, paths=paths)
        assert stored.body["status"] == {'we"ird': 1, "it's": 2}

    def test_a_projection_decodes_no_whole_body(self, store, monkeypatch):
        fill(store, [pod(f"p{i}") for i in range(5)])
        decoded = []
        monkeypatch.setattr(objects, "decode", lambda text, rv: decoded.append(text) or {})
        with store.read() as r:
            assert len(r.list("Pod", None, paths=tables.READS["Pod"])) == 5
        assert decoded == []


COUNTED = (("metadata", "labels"), ("spec", "containers", objects.LENGTH), ("status", "phase"))


class TestLength:
    """A LENGTH path reads only an array's length: that many empty objects stand for the elements."""

    @pytest.mark.parametrize("containers, expected", [
        ([], []), ([{"name": "a"}], [{}]), ([{"name": "a"}, {"name": "b"}, {"name": "c"}], [{}, {}, {}])])
    def test_the_elements_are_counted_not_read(self, store, containers, expected):
        body = pod("a", status__phase="Running")
        body["spec"]["containers"] = containers
        fill(store, [body])
        with store.read() as r:
            [stored] = r.list("Pod", None, paths=COUNTED)
        assert stored.body == {"kind": "Pod", "metadata": {"name": "a", "namespace": "default",
                                                           "resourceVersion": "1"},
                               "spec": {"containers": expected}, "status": {"phase": "Running"}}

    @pytest.mark.parametrize("value", [None, {"name": "a"}, "ab", 2])
    def test_what_is_no_array_is_left_out(self, store, value):
        body = pod("a")
        body["spec"]["containers"] = value
        fill(store, [body])
        with store.read() as r:
            [stored] = r.list("Pod", None, paths=COUNTED)
        assert "spec" not in stored.body

    def test_absent_is_left_out(self, store):
        body = pod("a")
        del body["spec"]["containers"]
        fill(store, [body])
        with store.read() as r:
            [stored] = r.list("Pod", None, paths=COUNTED)
        assert "spec" not in stored.body

    @pytest.mark.parametrize("way", ["sql lengths", "arrays read whole", "python"])
    def test_every_way_gives_the_same_answer(self, store, monkeypatch, way):
        bodies = [pod("a", metadata__labels={"app": "x"}), pod("b", status__phase="Pending")]
        bodies[1]["spec"]["containers"] = [{"name": "c"}, {"name": "d"}]
        fill(store, bodies)
        if way == "arrays read whole":  # PostgreSQL's way: the projection reads the array, Python counts it
            monkeypatch.setattr(dialects.Dialect, "projection_lengths", False)
        if way == "python":
            monkeypatch.setattr(objects, "JSON_PROJECTION", False)
        with store.read() as r:
            found = [s.body for s in r.list("Pod", None, paths=COUNTED)]
            whole = [s.body for s in r.list("Pod", None)]
        assert [b["spec"]["containers"] for b in found] == [[{}], [{}, {}]]
        assert found == [objects.project(b, COUNTED) for b in whole]


_value = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=4),
                   st.lists(st.integers(0, 3), max_size=2), st.dictionaries(st.sampled_from("ab"), st.integers(0, 2)))


@settings(max_examples=40, deadline=None)
@given(phase=_value, node=_value, labels=_value, conditions=_value, containers=_value)
def test_sql_and_python_projections_agree(tmp_path_factory, phase, node, labels, conditions, containers):
    """Whatever JSON the fields hold (null, false, 0, "", lists, maps), SQLite's projection and the
    Python one (`objects.project` over the decoded body) give the same object."""
    s = Store(str(tmp_path_factory.mktemp("p") / "t.db"))
    try:
        fill(s, [pod("a", status__phase=phase, spec__nodeName=node, metadata__labels=labels,
                     status__conditions=conditions, spec__containers=containers)])
        counted = (*PATHS, ("spec", "containers", objects.LENGTH))
        with s.read() as r:
            [by_sql] = r.list("Pod", None, paths=PATHS)
            [by_length] = r.list("Pod", None, paths=counted)
            [whole] = r.list("Pod", None)
        assert by_sql.body == objects.project(whole.body, PATHS)
        assert by_length.body == objects.project(whole.body, counted)
    finally:
        s.close()
