"""Selectors pushed into the store's query select exactly what the selectors themselves match."""
from __future__ import annotations

import pytest

from litekube.model import selectors

PODS = [("a", {"app": "web", "tier": "front"}, "n1", "Running"), ("b", {"app": "web"}, "n2", "Pending"),
        ("c", {"app": "db", "app.kubernetes.io/name": "x"}, "n1", "Running"), ("d", {}, "", "Pending")]


@pytest.fixture
def pods(api):
    with api.write() as tx:
        for name, labels, node, phase in PODS:
            spec = {"containers": [{"name": "c", "image": "x"}]}
            if node:
                spec["nodeName"] = node
            tx.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels}, "spec": spec})
    with api.write() as tx:
        for name, _, _, phase in PODS:
            pod = tx.get("Pod", "default", name)
            tx.update_status({**pod, "status": {"phase": phase}})
    return api


@pytest.mark.parametrize("label,field,expected", [
    ("app=web", None, ["a", "b"]),
    ("app==web,tier=front", None, ["a"]),
    ("app in (db,cache)", None, ["c"]),
    ("app.kubernetes.io/name=x", None, ["c"]),
    ("tier", None, ["a"]),
    ("!tier", None, ["b", "c", "d"]),
    ("app!=web", None, ["c", "d"]),
    ("app notin (web)", None, ["c", "d"]),
    (None, "spec.nodeName=n1", ["a", "c"]),
    (None, "spec.nodeName=", ["d"]),
    (None, "status.phase=Running,metadata.name!=a", ["c"]),
    (None, "metadata.name=b", ["b"]),
    ("app=web", "status.phase==Pending", ["b"]),
    (None, "spec.nodeName!=n1", ["b", "d"]),
])
def test_selectors(pods, label, field, expected):
    with pods.read() as tx:
        found = [p["metadata"]["name"] for p in tx.list("Pod", "default", label, field).items]
        everything = tx.list("Pod", "default").items
    assert found == expected
    labels = selectors.parse(label) if label else None
    fields = selectors.parse_fields(field) if field else None
    assert found == [p["metadata"]["name"] for p in everything
                     if (labels is None or labels.matches(p["metadata"].get("labels") or {}))
                     and (fields is None or selectors.match_fields(p, fields))]
