"""The poller maps a removal the control plane wrote itself without decoding its DELETED row."""
from __future__ import annotations

import json

import pytest

from litekube.api import applying
from litekube.api.server import Api
from litekube.model import manifests
from litekube.reconcile.base import Key
from litekube.runtime import components, embedded
from litekube.runtime.controlplane import ControlPlane
from litekube.store import objects
from tests.runtime.test_cache import api  # noqa: F401  (the fixture: a settled cluster of 2 nodes)

WEB = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
       "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                             "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}


def apply(api: Api, replicas: int) -> None:
    obj = {**WEB, "spec": {**WEB["spec"], "replicas": replicas}}
    applying.apply(api, manifests.parse(json.dumps(obj), "web.json"))


def decoded_bodies(monkeypatch) -> list[tuple[str, str]]:
    """(kind, type) of every changelog row whose body is decoded from now on."""
    seen: list[tuple[str, str]] = []
    real = objects.Change.body.func

    def body(change: objects.Change) -> dict:
        seen.append((change.kind, change.type))
        return real(change)
    monkeypatch.setattr(objects.Change, "body", property(body))
    return seen


def change(key: Key, uid: str, prev: int | None) -> objects.Change:
    return objects.Change(revision=100, type="DELETED", kind=key.kind, namespace=key.namespace, name=key.name,
                          uid=uid, text="{}", prev_revision=prev, time=0.0)


class TestOwnRemovals:
    def test_pods_the_kubelet_removes_are_mapped_from_their_last_cached_state(self, api, monkeypatch):
        apply(api, 3)
        embedded.settle(api)
        plane = ControlPlane(api, components.ALL)
        plane.start()
        apply(api, 0)
        mapped: dict[str, dict] = {}
        last: dict[str, dict] = {}
        real_observe, real_enqueue = plane._observe, plane._enqueue

        def observe(old, new):
            if new is None and old is not None and old["kind"] == "Pod":
                last[old["metadata"]["name"]] = old
            real_observe(old, new)

        def enqueue(obj, due=None, revision=0):
            if obj["kind"] == "Pod" and obj["metadata"]["name"] in last:
                mapped[obj["metadata"]["name"]] = obj
            real_enqueue(obj, due, revision)
        plane.view.observer = observe
        monkeypatch.setattr(plane, "_enqueue", enqueue)
        seen = decoded_bodies(monkeypatch)
        assert plane.settle().settled
        assert len(last) == 3 and not plane.view.list("Pod", "default")
        assert ("Pod", "DELETED") not in seen
        assert all(mapped[name] is obj for name, obj in last.items())  # the tombstone is that state
        assert plane._gone == {}  # nothing kept once polled
        with api.read() as tx:
            rs = tx.list("ReplicaSet", "default").items
        assert [(r.get("status") or {}).get("replicas", 0) for r in rs] == [0]

    def test_a_removal_the_plane_did_not_write_is_decoded(self, api, monkeypatch):
        apply(api, 1)
        embedded.settle(api)
        plane = ControlPlane(api, components.ALL)
        plane.start()
        (pod,) = plane.view.list("Pod", "default")
        plane.view.discard(Key("Pod", "default", pod["metadata"]["name"]))  # not the plane's own write
        with api.write() as tx:
            tx.remove("Pod", "default", pod["metadata"]["name"])
        seen = decoded_bodies(monkeypatch)
        plane.poll()
        assert seen.count(("Pod", "DELETED")) == 1


class TestTombstone:
    KEY = Key("Pod", "default", "web-1")
    GONE = {"kind": "Pod", "metadata": {"name": "web-1", "namespace": "default", "uid": "u1",
                                        "resourceVersion": "41"}}

    @pytest.mark.parametrize("uid, prev, used", [
        ("u1", 41, True),
        ("u1", 42, False),  # written again since the cache's state: the row holds another body
        ("u2", 41, False),  # another object of the same name
        ("u1", None, False),
    ], ids=["same-state", "newer-state", "namesake", "no-previous-revision"])
    def test_the_last_state_stands_for_the_row_only_when_it_is_the_rows_body(self, api, uid, prev, used):
        plane = ControlPlane(api, components.ALL)
        plane._gone[self.KEY] = self.GONE
        found = plane._tombstone(self.KEY, change(self.KEY, uid, prev))
        assert (found is self.GONE) is used and (found is None) is not used
        assert self.KEY not in plane._gone  # asked once, then forgotten either way

    def test_a_key_never_removed_by_the_plane_has_none(self, api):
        plane = ControlPlane(api, components.ALL)
        assert plane._tombstone(self.KEY, change(self.KEY, "u1", 41)) is None
