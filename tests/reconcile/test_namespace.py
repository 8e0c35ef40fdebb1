"""The namespace controller: contents go first, then the `kubernetes` finalizer, via finalize."""
from __future__ import annotations

from litekube.reconcile.base import Delete, DeleteCollection, Key, Update
from litekube.reconcile.namespace import controller as namespace
from litekube.reconcile.views import MemoryView

NS = {"apiVersion": "v1", "kind": "Namespace",
      "metadata": {"name": "demo", "uid": "n", "deletionTimestamp": "2026-11-27T00:00:00Z"},
      "spec": {"finalizers": ["kubernetes"]}}
CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "demo", "uid": "c"}}


class TestNamespaceController:
    def test_contents_are_deleted_first(self):
        result = namespace.reconcile(Key("Namespace", "", "demo"), MemoryView([NS, CM]), 0.0)
        assert result.actions == [Delete("ConfigMap", "demo", "c", "c")]

    def test_an_empty_namespace_is_finalized_through_the_subresource(self):
        events, action = namespace.reconcile(Key("Namespace", "", "demo"), MemoryView([NS]), 0.0).actions
        assert events == DeleteCollection("Event", "demo")
        assert isinstance(action, Update) and action.subresource == "finalize"
        assert action.obj["spec"]["finalizers"] == []

    def test_a_live_namespace_is_left_alone(self):
        live = {**NS, "metadata": {"name": "demo", "uid": "n"}}
        assert namespace.reconcile(Key("Namespace", "", "demo"), MemoryView([live, CM]), 0.0).actions == []
