"""`apply --server-side` and managedFields through the real CLI, with kubectl's exact output."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from litekube.api.server import Api
from litekube.errors import CONFLICT_ADVICE
from litekube.runtime import embedded
from litekube.runtime.controlplane import ControlPlane
from litekube.store import Store
from tests.cli.conftest import DEPLOYMENT, Litekube

WEB2 = DEPLOYMENT.format(replicas=2, annotations="{}")
WEB3 = DEPLOYMENT.format(replicas=3, annotations="{}")
HPA_MANIFESTS = Path(__file__).resolve().parents[1] / "manifests" / "hpa"
WALL = 1_700_000_000.0
PHP_APACHE_REPLICAS = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: php-apache}\nspec: {replicas: 3}\n"


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


# `get deploy web -o yaml --show-managed-fields` after `apply` and the rollout, on a fixed clock: the entries
# kube-apiserver v1.32 records (kubectl's client-side apply, the deployment controller's status writes, which
# carry the revision annotation), in its order (Update entries by time).
DEPLOYMENT_MANAGED_FIELDS = (
    '  managedFields:\n'
    '  - apiVersion: apps/v1\n'
    '    fieldsType: FieldsV1\n'
    '    fieldsV1:\n'
    '      f:metadata:\n'
    '        f:annotations:\n'
    '          .: {}\n'
    '          f:kubectl.kubernetes.io/last-applied-configuration: {}\n'
    '      f:spec:\n'
    '        f:progressDeadlineSeconds: {}\n'
    '        f:replicas: {}\n'
    '        f:revisionHistoryLimit: {}\n'
    '        f:selector: {}\n'
    '        f:strategy:\n'
    '          f:rollingUpdate:\n'
    '            .: {}\n'
    '            f:maxSurge: {}\n'
    '            f:maxUnavailable: {}\n'
    '          f:type: {}\n'
    '        f:template:\n'
    '          f:metadata:\n'
    '            f:annotations: {}\n'
    '            f:labels:\n'
    '              .: {}\n'
    '              f:app: {}\n'
    '          f:spec:\n'
    '            f:containers:\n'
    '              k:{"name":"app"}:\n'
    '                .: {}\n'
    '                f:image: {}\n'
    '                f:imagePullPolicy: {}\n'
    '                f:name: {}\n'
    '                f:resources:\n'
    '                  .: {}\n'
    '                  f:requests:\n'
    '                    .: {}\n'
    '                    f:cpu: {}\n'
    '                f:terminationMessagePath: {}\n'
    '                f:terminationMessagePolicy: {}\n'
    '            f:dnsPolicy: {}\n'
    '            f:restartPolicy: {}\n'
    '            f:schedulerName: {}\n'
    '            f:securityContext: {}\n'
    '            f:terminationGracePeriodSeconds: {}\n'
    '    manager: kubectl-client-side-apply\n'
    '    operation: Update\n'
    '    time: "2023-11-14T22:13:20Z"\n'
    '  - apiVersion: apps/v1\n'
    '    fieldsType: FieldsV1\n'
    '    fieldsV1:\n'
    '      f:metadata:\n'
    '        f:annotations:\n'
    '          f:deployment.kubernetes.io/revision: {}\n'
    '      f:status:\n'
    '        f:availableReplicas: {}\n'
    '        f:conditions:\n'
    '          .: {}\n'
    '          k:{"type":"Available"}:\n'
    '            .: {}\n'
    '            f:lastTransitionTime: {}\n'
    '            f:lastUpdateTime: {}\n'
    '            f:message: {}\n'
    '            f:reason: {}\n'
    '            f:status: {}\n'
    '            f:type: {}\n'
    '          k:{"type":"Progressing"}:\n'
    '            .: {}\n'
    '            f:lastTransitionTime: {}\n'
    '            f:lastUpdateTime: {}\n'
    '            f:message: {}\n'
    '            f:reason: {}\n'
    '            f:status: {}\n'
    '            f:type: {}\n'
    '        f:observedGeneration: {}\n'
    '        f:readyReplicas: {}\n'
    '        f:replicas: {}\n'
    '        f:updatedReplicas: {}\n'
    '    manager: kube-controller-manager\n'
    '    operation: Update\n'
    '    subresource: status\n'
    '    time: "2023-11-14T22:13:21Z"\n'
)


@pytest.fixture
def fixed(tmp_path) -> Litekube:
    """A cluster whose clock starts at a fixed wall time: managedFields' times repeat exactly."""
    db = tmp_path / "litekube.db"
    store = Store(str(db), wall=lambda: WALL - 5)
    embedded.settle(Api(store))
    store.close()
    return Litekube(db)


class TestTheControlPlanesEntries:
    def test_a_deployment_after_apply_and_its_rollout(self, fixed):
        assert fixed("apply", "-f", "-", input=WEB2).stdout == "deployment.apps/web created\n"
        shown = fixed("get", "deploy", "web", "-o", "yaml", "--show-managed-fields").stdout
        assert shown[shown.index("  managedFields:\n"):shown.index("  name: web\n")] == DEPLOYMENT_MANAGED_FIELDS

    def test_its_replicaset_and_a_running_pod(self, fixed):
        fixed("apply", "-f", "-", input=WEB2)
        rs = json.loads(fixed("get", "rs", "-o", "json", "--show-managed-fields").stdout)["items"][0]
        assert [(e["manager"], e["operation"], e.get("subresource", ""), e["time"])
                for e in rs["metadata"]["managedFields"]] == [
            ("kube-controller-manager", "Update", "", "2023-11-14T22:13:20Z"),
            ("kube-controller-manager", "Update", "status", "2023-11-14T22:13:21Z")]
        assert rs["metadata"]["managedFields"][1]["fieldsV1"] == {"f:status": {
            "f:availableReplicas": {}, "f:fullyLabeledReplicas": {}, "f:observedGeneration": {},
            "f:readyReplicas": {}, "f:replicas": {}}}
        pod = json.loads(fixed("get", "pods", "-o", "json", "--show-managed-fields").stdout)["items"][0]
        created, started = pod["metadata"]["managedFields"]
        assert [(e["manager"], e["operation"], e.get("subresource", "")) for e in (created, started)] == [
            ("kube-controller-manager", "Update", ""), ("kubelet", "Update", "status")]
        # The ReplicaSet controller owns the pod as it sent it, defaulted; not what admission added (the
        # service account's volume, the default tolerations, priority), nor the scheduler's binding.
        owner = 'k:{"uid":"%s"}' % pod["metadata"]["ownerReferences"][0]["uid"]
        assert created["fieldsV1"] == {
            "f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app": {}, "f:pod-template-hash": {}},
                           "f:ownerReferences": {".": {}, owner: {}}},
            "f:spec": {
                "f:containers": {'k:{"name":"app"}': {
                    ".": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {},
                    "f:resources": {".": {}, "f:requests": {".": {}, "f:cpu": {}}},
                    "f:terminationMessagePath": {}, "f:terminationMessagePolicy": {}}},
                "f:dnsPolicy": {}, "f:enableServiceLinks": {}, "f:restartPolicy": {}, "f:schedulerName": {},
                "f:securityContext": {}, "f:terminationGracePeriodSeconds": {}}}
        assert sorted(started["fieldsV1"]["f:status"]) == [
            "f:conditions", "f:containerStatuses", "f:hostIP", "f:hostIPs", "f:phase", "f:podIP", "f:podIPs",
            "f:startTime"]  # the pod strategy set status.qosClass at create

    def test_an_hpa_rescale_is_the_controller_managers_scale_and_a_later_apply_conflicts(self, fixed):
        fixed("apply", "-f", str(HPA_MANIFESTS / "php-apache.yaml"))
        fixed("apply", "-f", str(HPA_MANIFESTS / "hpa-php-apache.yaml"))
        fixed("set", "load", "deployment/php-apache", "--cpu", "610m")
        fixed("advance", "2m")
        assert fixed("get", "deploy", "php-apache", "-o", "jsonpath={.spec.replicas}").stdout == "7"
        assert managed(fixed, "deploy", "php-apache") == [
            ("kubectl-client-side-apply", "Update", ""), ("kubectl-set", "Update", ""),
            ("kube-controller-manager", "Update", "scale"), ("kube-controller-manager", "Update", "status")]
        scale = [e for e in json.loads(fixed("get", "deploy", "php-apache", "-o", "json", "--show-managed-fields")
                                       .stdout)["metadata"]["managedFields"] if e.get("subresource") == "scale"]
        assert scale[0]["fieldsV1"] == {"f:spec": {"f:replicas": {}}}
        result = fixed("apply", "--server-side", "-f", "-", input=PHP_APACHE_REPLICAS)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", (
            'error: Apply failed with 1 conflict: conflict with "kube-controller-manager" with subresource "scale" '
            'using apps/v1: .spec.replicas\n' + CONFLICT_ADVICE + "\n"))
        assert fixed("get", "deploy", "php-apache", "-o", "jsonpath={.spec.replicas}").stdout == "7"
