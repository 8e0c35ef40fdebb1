"""`apply --server-side` and managedFields through the real CLI, with kubectl's exact output."""
from __future__ import annotations

import json

from litekube.errors import CONFLICT_ADVICE
from litekube.runtime.controlplane import ControlPlane
from tests.cli.conftest import DEPLOYMENT

WEB2 = DEPLOYMENT.format(replicas=2, annotations="{}")
WEB3 = DEPLOYMENT.format(replicas=3, annotations="{}")


def managed(lk, *target) -> list[tuple[str, str, str]]:
    obj = json.loads(lk("get", *target, "-o", "json", "--show-managed-fields").stdout)
    return [(e["manager"], e["operation"], e.get("subresource", "")) for e in obj["metadata"]["managedFields"]]


def replicas(lk) -> str:
    return lk("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}").stdout


class TestServerSideApply:
    def test_create_then_reapply(self, lk):
        first = lk("apply", "--server-side", "-f", "-", input=WEB2)
        assert (first.exit_code, first.stdout) == (0, "deployment.apps/web serverside-applied\n")
        again = lk("apply", "--server-side", "-f", "-", input=WEB2)
        assert (again.exit_code, again.stdout) == (0, "deployment.apps/web serverside-applied\n")
        assert managed(lk, "deploy", "web") == [  # the controller's status (and revision annotation) too
            ("kubectl", "Apply", ""), ("kube-controller-manager", "Update", "status")]

    def test_a_conflict_is_printed_as_kubectl_prints_it_and_changes_nothing(self, lk):
        lk("apply", "--server-side", "-f", "-", input=WEB2)
        result = lk("apply", "--server-side", "--field-manager", "ci", "-f", "-", input=WEB3)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr == ('error: Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas\n'
                                 + CONFLICT_ADVICE + "\n")
        assert CONFLICT_ADVICE.splitlines()[0] == "Please review the fields above--they currently have other " \
                                                  "managers. Here"
        assert replicas(lk) == "2"

    def test_force_conflicts_takes_the_field(self, lk):
        lk("apply", "--server-side", "-f", "-", input=WEB2)
        result = lk("apply", "--server-side", "--field-manager", "ci", "--force-conflicts", "-f", "-", input=WEB3)
        assert (result.exit_code, result.stdout) == (0, "deployment.apps/web serverside-applied\n")
        assert replicas(lk) == "3"

    def test_the_same_value_is_shared(self, lk):
        lk("apply", "--server-side", "-f", "-", input=WEB2)
        result = lk("apply", "--server-side", "--field-manager", "ci", "-f", "-", input=WEB2)
        assert (result.exit_code, result.stdout) == (0, "deployment.apps/web serverside-applied\n")
        assert ("ci", "Apply", "") in managed(lk, "deploy", "web")

    def test_server_dry_run(self, lk):
        result = lk("apply", "--server-side", "--dry-run=server", "-f", "-", input=WEB2)
        assert (result.exit_code, result.stdout) == (0, "deployment.apps/web serverside-applied (server dry run)\n")
        assert lk("get", "deploy", "web").exit_code == 1

    def test_flag_errors(self, lk):
        force = lk("apply", "--force-conflicts", "-f", "-", input=WEB2)
        assert (force.exit_code, force.stderr) == (1, "error: --force-conflicts only works with --server-side\n")
        client = lk("apply", "--server-side", "--dry-run=client", "-f", "-", input=WEB2)
        assert (client.exit_code, client.stderr) == (
            1, "error: --dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)\n")

    def test_from_client_side_apply_and_a_scale(self, lk):
        assert lk("apply", "-f", "-", input=WEB2).stdout == "deployment.apps/web created\n"
        # kubectl's own manager upgrades client-side apply: replicas still as last applied, no conflict
        assert lk("apply", "--server-side", "-f", "-", input=WEB3).stdout == "deployment.apps/web serverside-applied\n"
        assert lk("scale", "deploy", "web", "--replicas=5").stdout == "deployment.apps/web scaled\n"
        result = lk("apply", "--server-side", "-f", "-", input=WEB3)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", (
            'error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: '
            '.spec.replicas\n' + CONFLICT_ADVICE + "\n"))
        assert replicas(lk) == "5"
        assert managed(lk, "deploy", "web") == [
            ("kubectl", "Apply", ""), ("kubectl-client-side-apply", "Update", ""), ("kubectl", "Update", "scale"),
            ("kube-controller-manager", "Update", "status")]


class TestManagedFields:
    def test_hidden_unless_asked(self, lk):
        lk("apply", "-f", "-", input=WEB2)
        for args in (("-o", "yaml"), ("-o", "json"), ("-o", "jsonpath={.metadata.managedFields}")):
            assert "managedFields" not in lk("get", "deploy", "web", *args).stdout
            assert "f:spec" not in lk("get", "deploy", "web", *args).stdout
        shown = lk("get", "deploy", "web", "-o", "yaml", "--show-managed-fields").stdout
        assert "  managedFields:\n  - apiVersion: apps/v1\n    fieldsType: FieldsV1\n" in shown
        assert "    manager: kubectl-client-side-apply\n    operation: Update\n" in shown

    def test_each_verb_writes_as_kubectl_names_it(self, lk):
        lk("create", "-f", "-", input=WEB2)
        lk("label", "deploy", "web", "tier=front")
        lk("set", "image", "deploy/web", "app=nginx:1.28")
        lk("scale", "deploy", "web", "--replicas=3")
        assert managed(lk, "deploy", "web") == [  # in the order of their writes, the rollout's status last
            ("kubectl-create", "Update", ""), ("kubectl-label", "Update", ""), ("kubectl-set", "Update", ""),
            ("kubectl", "Update", "scale"), ("kube-controller-manager", "Update", "status")]

    def test_without_the_control_plane_recording(self, lk, monkeypatch):
        monkeypatch.setattr(ControlPlane, "record_managed_fields", False)  # the benchmarks' comparison
        lk("create", "-f", "-", input=WEB2)
        lk("scale", "deploy", "web", "--replicas=3")
        assert managed(lk, "deploy", "web") == [("kubectl-create", "Update", ""), ("kubectl", "Update", "scale")]

    def test_controllers_write_as_their_binaries(self, lk):
        lk("apply", "-f", "-", input=WEB2)
        pod = json.loads(lk("get", "pods", "-o", "json", "--show-managed-fields").stdout)["items"][0]
        assert [(e["manager"], e.get("subresource", "")) for e in pod["metadata"]["managedFields"]] == [
            ("kube-controller-manager", ""), ("kubelet", "status")]
        kubelet = pod["metadata"]["managedFields"][1]["fieldsV1"]["f:status"]
        assert {"f:phase", "f:podIP", "f:conditions", "f:containerStatuses"} <= set(kubelet)


class TestConflictsWithEdits:
    def test_an_edited_field_belongs_to_kubectl_edit_and_the_editor_never_sees_managed_fields(
            self, lk, tmp_path, monkeypatch):
        seen = tmp_path / "seen.yaml"
        script = tmp_path / "editor.sh"
        script.write_text(f'#!/bin/sh\ncp "$1" {seen}\nsed -i "s/replicas: 2/replicas: 4/" "$1"\n')
        script.chmod(0o755)
        monkeypatch.setenv("KUBE_EDITOR", str(script))
        lk("apply", "--server-side", "-f", "-", input=WEB2)
        assert lk("edit", "deploy/web").stdout == "deployment.apps/web edited\n"
        assert "managedFields" not in seen.read_text()
        result = lk("apply", "--server-side", "-f", "-", input=WEB2)
        assert (result.exit_code, result.stderr) == (1, (
            'error: Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas\n'
            + CONFLICT_ADVICE + "\n"))
        forced = lk("apply", "--server-side", "--force-conflicts", "-f", "-", input=WEB2)
        assert forced.stdout == "deployment.apps/web serverside-applied\n"
        assert replicas(lk) == "2"
        assert managed(lk, "deploy", "web") == [  # kubectl-edit owned only that
            ("kubectl", "Apply", ""), ("kube-controller-manager", "Update", "status")]
