"""Server-side apply and field ownership as pure functions: merges, conflicts, removal, Update ownership."""
from __future__ import annotations

import copy
import json

import pytest

from litekube import errors
from litekube.api import ssa
from litekube.model import fieldpath

T0, T1, T2 = "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"


def cm(data: dict, **meta) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "d", **meta},
            "data": data}


def deploy(replicas=2, image="nginx:1.27", **spec) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "d"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "nginx", "image": image}]}}, **spec}}


def apply(live, config, manager, force=False, kind="ConfigMap", now=T1):
    return ssa.apply(live, config, manager, kind=kind, now=now, force=force)


def entries(obj) -> dict[str, dict]:
    return {e["manager"] + ("/" + e["subresource"] if e.get("subresource") else ""): e
            for e in obj["metadata"]["managedFields"]}


def owned(obj, manager) -> list[str]:
    entry = entries(obj)[manager]
    return [fieldpath.describe(p) for p in fieldpath.paths(fieldpath.from_fields_v1(entry["fieldsV1"]))]


class TestApplyCreates:
    def test_the_applier_owns_what_it_applied_and_not_the_object_bookkeeping(self):
        obj = apply(None, cm({"a": "1"}), "alice", now=T0)
        assert obj["data"] == {"a": "1"}
        assert obj["metadata"]["managedFields"] == [{
            "manager": "alice", "operation": "Apply", "apiVersion": "v1", "time": T0,
            "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {"f:a": {}}}}]

    def test_a_configuration_with_managed_fields_is_refused(self):
        config = cm({"a": "1"}, managedFields=[{"manager": "x"}])
        with pytest.raises(errors.BadRequest, match="metadata.managedFields must be nil"):
            apply(None, config, "alice")

    def test_an_element_without_its_key(self):
        config = deploy()
        del config["spec"]["template"]["spec"]["containers"][0]["name"]
        with pytest.raises(errors.BadRequest, match='omits key field "name"'):
            apply(None, config, "alice", kind="Deployment")


class TestSharedOwnership:
    def test_the_same_value_from_two_managers_is_shared_without_conflict(self):
        live = apply(None, cm({"a": "1", "b": "2"}), "alice", now=T0)
        after = apply(live, cm({"a": "1"}), "bob")
        assert after["data"] == {"a": "1", "b": "2"}
        assert owned(after, "alice") == [".data.a", ".data.b"]
        assert owned(after, "bob") == [".data.a"]

    def test_a_field_someone_else_still_owns_stays_when_its_applier_drops_it(self):
        live = apply(apply(None, cm({"a": "1", "b": "2"}), "alice", now=T0), cm({"a": "1"}), "bob")
        after = apply(live, cm({"b": "2"}), "alice", now=T2)
        assert after["data"] == {"a": "1", "b": "2"}  # bob still owns a
        assert owned(after, "alice") == [".data.b"]

    def test_a_field_nobody_else_owns_is_removed_when_its_applier_drops_it(self):
        live = apply(None, cm({"a": "1", "b": "2"}), "alice", now=T0)
        after = apply(live, cm({"b": "2"}), "alice")
        assert after["data"] == {"b": "2"}
        assert owned(after, "alice") == [".data.b"]

    def test_a_list_element_nobody_else_owns_is_removed(self):
        two = deploy()
        two["spec"]["template"]["spec"]["containers"].append({"name": "side", "image": "busybox"})
        live = apply(None, two, "alice", kind="Deployment", now=T0)
        after = apply(live, deploy(), "alice", kind="Deployment")
        assert [c["name"] for c in after["spec"]["template"]["spec"]["containers"]] == ["nginx"]


class TestConflicts:
    def test_a_different_value_is_a_conflict_with_upstreams_message(self):
        live = apply(None, deploy(replicas=2), "alice", kind="Deployment", now=T0)
        with pytest.raises(errors.ApplyConflict) as caught:
            apply(live, deploy(replicas=3), "bob", kind="Deployment")
        assert caught.value.message == 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas'
        assert caught.value.code == 409 and caught.value.reason == "Conflict"
        assert caught.value.causes == [{"type": "FieldManagerConflict", "message": 'conflict with "alice"',
                                        "field": ".spec.replicas"}]

    def test_force_takes_the_field_over(self):
        live = apply(None, deploy(replicas=2), "alice", kind="Deployment", now=T0)
        after = apply(live, deploy(replicas=3), "bob", force=True, kind="Deployment")
        assert after["spec"]["replicas"] == 3
        assert ".spec.replicas" not in owned(after, "alice")
        assert ".spec.replicas" in owned(after, "bob")

    def test_an_update_managers_field_names_its_version_and_several_conflicts_are_listed(self):
        live = apply(None, deploy(), "alice", kind="Deployment", now=T0)
        edited = copy.deepcopy(live)
        edited["spec"]["replicas"] = 5
        edited["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
        edited["metadata"]["managedFields"] = ssa.update(live, edited, "kubectl-edit", kind="Deployment",
                                                         api_version="apps/v1", now=T1)
        assert ".spec.replicas" not in owned(edited, "alice")  # an Update takes what it changes
        scaled = copy.deepcopy(edited)
        scaled["spec"]["paused"] = True
        scaled["metadata"]["managedFields"] = ssa.update(edited, scaled, "kubectl", kind="Deployment",
                                                         api_version="apps/v1", now=T1, subresource="scale")
        with pytest.raises(errors.ApplyConflict) as caught:
            apply(scaled, deploy(replicas=2, paused=False), "alice", kind="Deployment", now=T2)
        assert caught.value.message == (
            'Apply failed with 3 conflicts: conflicts with "kubectl" with subresource "scale" using apps/v1:\n'
            "- .spec.paused\n"
            'conflicts with "kubectl-edit" using apps/v1:\n'
            "- .spec.replicas\n"
            '- .spec.template.spec.containers[name="nginx"].image')

    def test_no_conflict_when_nothing_changes(self):
        live = apply(None, deploy(replicas=2), "alice", kind="Deployment", now=T0)
        again = apply(live, deploy(replicas=2), "alice", kind="Deployment", now=T2)
        assert again == live  # not even the time moves


class TestClientSideUpgrade:
    """kubectl's own manager upgrades an object made by client-side apply (lastAppliedManager)."""

    def live(self, replicas_live):
        from litekube.api import applying
        config = deploy(replicas=2)
        obj = copy.deepcopy(config)
        obj["metadata"]["annotations"] = {ssa.LAST_APPLIED: applying.last_applied(config)}
        obj["spec"]["replicas"] = replicas_live
        obj["metadata"]["managedFields"] = ssa.update(None, obj, "kubectl-client-side-apply", kind="Deployment",
                                                      api_version="apps/v1", now=T0)
        return obj

    def test_fields_still_as_last_applied_are_no_conflict_and_the_annotation_follows(self):
        after = apply(self.live(2), deploy(replicas=3), "kubectl", kind="Deployment")
        assert after["spec"]["replicas"] == 3
        assert json.loads(after["metadata"]["annotations"][ssa.LAST_APPLIED])["spec"]["replicas"] == 3

    def test_a_field_changed_since_is_a_conflict(self):
        with pytest.raises(errors.ApplyConflict, match='conflict with "kubectl-client-side-apply" using apps/v1: '
                                                       r'\.spec\.replicas'):
            apply(self.live(4), deploy(replicas=3), "kubectl", kind="Deployment")

    def test_another_manager_gets_no_upgrade(self):
        with pytest.raises(errors.ApplyConflict, match='"kubectl-client-side-apply" using apps/v1'):
            apply(self.live(2), deploy(replicas=3), "ci", kind="Deployment")


class TestUpdate:
    def test_a_create_owns_everything_but_bookkeeping(self):
        managed = ssa.update(None, cm({"a": "1"}, labels={"x": "y"}), "kubectl-create", kind="ConfigMap",
                             api_version="v1", now=T0)
        assert managed == [{"manager": "kubectl-create", "operation": "Update", "apiVersion": "v1", "time": T0,
                            "fieldsType": "FieldsV1",
                            "fieldsV1": {"f:data": {".": {}, "f:a": {}},
                                         "f:metadata": {"f:labels": {".": {}, "f:x": {}}}}}]

    def test_a_write_that_changes_nothing_keeps_the_entries(self):
        live = cm({"a": "1"})
        live["metadata"]["managedFields"] = ssa.update(None, live, "x", kind="ConfigMap", api_version="v1", now=T0)
        assert ssa.update(live, copy.deepcopy(live), "y", kind="ConfigMap", api_version="v1",
                          now=T1) == live["metadata"]["managedFields"]

    def test_bookkeeping_alone_is_no_change(self):
        live = cm({"a": "1"}, resourceVersion="7")
        live["metadata"]["managedFields"] = ssa.update(None, live, "x", kind="ConfigMap", api_version="v1", now=T0)
        new = copy.deepcopy(live)
        del new["metadata"]["resourceVersion"]  # what admission hands over
        new["metadata"]["generation"] = 2
        assert ssa.update(live, new, "x", kind="ConfigMap", api_version="v1",
                          now=T1) == live["metadata"]["managedFields"]

    def test_removed_fields_leave_every_manager(self):
        live = apply(None, cm({"a": "1", "b": "2"}), "alice", now=T0)
        new = copy.deepcopy(live)
        del new["data"]["a"]
        managed = ssa.update(live, new, "kubectl-edit", kind="ConfigMap", api_version="v1", now=T1)
        assert [e["manager"] for e in managed] == ["alice"]  # the edit only removed: it owns nothing
        assert managed[0]["fieldsV1"] == {"f:data": {"f:b": {}}}

    def test_at_most_ten_update_managers(self):
        live = cm({})
        for i in range(12):
            new = copy.deepcopy(live)
            new["data"][f"k{i}"] = "v"
            new["metadata"]["managedFields"] = ssa.update(live, new, f"m{i:02d}", kind="ConfigMap",
                                                          api_version="v1", now=f"2026-01-01T00:{i:02d}:00Z")
            live = new
        managers = [e["manager"] for e in live["metadata"]["managedFields"]]
        assert len(managers) == 10 and managers[0] == "ancient-changes"
        ancient = live["metadata"]["managedFields"][0]["fieldsV1"]["f:data"]
        assert set(ancient) == {"f:k0", "f:k1", "f:k2"}

    def test_malformed_managed_fields_are_reset(self):
        assert ssa.decode({"metadata": {"managedFields": [{"operation": "Bogus"}]}}) == []
        assert ssa.decode({"metadata": {"managedFields": "nope"}}) == []


class TestTrustedUpdates:
    """The control plane's shortcut (entries not decoded) records exactly what the full computation does."""

    STATUSES = [
        None,
        {"phase": "Pending", "qosClass": "BestEffort"},
        {"phase": "Pending", "qosClass": "BestEffort", "hostIP": "10.0.0.1",
         "conditions": [{"type": "PodScheduled", "status": "True"}],
         "containerStatuses": [{"name": "c", "ready": False, "state": {"waiting": {"reason": "ContainerCreating"}}}]},
        {"phase": "Running", "qosClass": "BestEffort", "hostIP": "10.0.0.1", "podIP": "10.244.0.5",
         "podIPs": [{"ip": "10.244.0.5"}],
         "conditions": [{"type": "PodScheduled", "status": "True"}, {"type": "Ready", "status": "True"}],
         "containerStatuses": [{"name": "c", "ready": True, "state": {"running": {"startedAt": "T"}}}]},
        {"phase": "Running", "qosClass": "BestEffort", "podIP": "10.244.0.5",
         "conditions": [{"type": "Ready", "status": "False"}]},
    ]

    @pytest.mark.parametrize("trusted", [False, True], ids=["full", "trusted"])
    def test_a_pod_status_sequence(self, trusted):
        spec_owner = [{"manager": "kubectl", "operation": "Update", "apiVersion": "v1", "time": T1,
                       "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:nodeName": {}}}},
                      {"manager": "other", "operation": "Update", "apiVersion": "v1", "time": T1,
                       "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:hostIP": {}}}}]
        results = {}
        for mode in (False, trusted):
            entries = copy.deepcopy(spec_owner)
            seen = []
            for before, after in zip(self.STATUSES, self.STATUSES[1:]):
                entries = ssa.update({} if before is None else {"status": before}, {"status": after}, "kubelet",
                                     kind="Pod", api_version="v1", now=T1, subresource="status",
                                     entries=entries, trusted=mode)
                seen.append(json.loads(json.dumps(entries, sort_keys=True)))
            results[mode] = seen
        assert results[trusted] == results[False]
        # the kubelet took status.hostIP from "other", whose entry then held nothing and went
        assert [e["manager"] for e in results[trusted][-1]] == ["kubectl", "kubelet"]
