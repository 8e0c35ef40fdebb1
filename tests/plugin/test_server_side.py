"""Server-side apply through the Python API (Cluster.apply(server_side=True))."""
from __future__ import annotations

import pytest

from litekube import errors

CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "1"}}


def test_server_side_apply_shares_and_conflicts(cluster):
    assert [str(o) for o in cluster.apply(CM, server_side=True)] == ["configmap/cfg serverside-applied"]
    assert [str(o) for o in cluster.apply(CM, server_side=True, field_manager="ci")] == \
        ["configmap/cfg serverside-applied"]  # the same value: shared
    changed = {**CM, "data": {"a": "2"}}
    with pytest.raises(errors.ApplyConflict) as caught:
        cluster.apply(changed, server_side=True, field_manager="ci")
    # ci shares .data.a already: only the other owner conflicts
    assert caught.value.message == 'Apply failed with 1 conflict: conflict with "kubectl": .data.a'
    cluster.apply(changed, server_side=True, field_manager="ci", force_conflicts=True)
    obj = cluster.get("configmap/cfg")
    assert obj["data"] == {"a": "2"}
    assert [(e["manager"], e["operation"]) for e in obj["metadata"]["managedFields"]] == [("ci", "Apply")]
