"""patch, edit (driven by a fake editor through KUBE_EDITOR) and diff (exit codes) through the real CLI."""
from __future__ import annotations

import re
import stat

import pytest

from tests.cli.conftest import DEPLOYMENT, SAMPLES


def _deploy(lk, tmp_path, replicas=2):
    path = tmp_path / "web.yaml"
    path.write_text(DEPLOYMENT.format(replicas=replicas, annotations="{}"))
    assert lk("apply", "-f", str(path)).exit_code == 0
    return path


def _replicas(lk) -> str:
    return lk("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}").stdout


class TestPatch:
    def test_strategic_merge_and_no_change(self, lk, tmp_path):
        _deploy(lk, tmp_path)
        assert lk("patch", "deploy", "web", "-p", '{"spec":{"replicas":3}}').stdout == "deployment.apps/web patched\n"
        assert _replicas(lk) == "3"
        assert lk("patch", "deploy/web", "-p", "spec: {replicas: 3}").stdout == \
            "deployment.apps/web patched (no change)\n"

    def test_container_by_merge_key(self, lk, tmp_path):
        _deploy(lk, tmp_path)
        lk("patch", "deploy", "web", "-p",
           '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}}}')
        images = lk("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image}").stdout
        assert images == "nginx:1.28"

    def test_merge_and_json_patch(self, lk, tmp_path):
        _deploy(lk, tmp_path)
        lk("patch", "deploy", "web", "--type", "merge", "-p", '{"metadata":{"labels":{"tier":"front"}}}')
        assert lk("get", "deploy", "web", "-o", "jsonpath={.metadata.labels.tier}").stdout == "front"
        out = lk("patch", "deploy", "web", "--type=json", "-p",
                 '[{"op":"replace","path":"/spec/replicas","value":1}]', "-o", "jsonpath={.spec.replicas}").stdout
        assert out == "1"

    def test_scale_subresource_and_patch_file(self, lk, tmp_path):
        _deploy(lk, tmp_path)
        patch_file = tmp_path / "p.yaml"
        patch_file.write_text("spec:\n  replicas: 4\n")
        out = lk("patch", "deploy", "web", "--subresource=scale", "--type=merge", "--patch-file", str(patch_file),
                 "-o", "jsonpath={.kind} {.spec.replicas}").stdout
        assert out == "Scale 4" and _replicas(lk) == "4"

    def test_dry_runs_change_nothing(self, lk, tmp_path):
        _deploy(lk, tmp_path)
        assert lk("patch", "deploy", "web", "-p", '{"spec":{"replicas":5}}', "--dry-run=client").stdout == (
            "deployment.apps/web patched (dry run)\n")
        assert lk("patch", "deploy", "web", "-p", '{"spec":{"replicas":5}}', "--dry-run=server").stdout == (
            "deployment.apps/web patched (server dry run)\n")
        assert _replicas(lk) == "2"

    def test_local_patch_of_a_file(self, lk, tmp_path):
        path = tmp_path / "web.yaml"
        path.write_text(DEPLOYMENT.format(replicas=2, annotations="{}"))
        out = lk("patch", "--local", "-f", str(path), "-p", '{"spec":{"replicas":7}}', "-o",
                 "jsonpath={.spec.replicas}").stdout
        assert out == "7"

    @pytest.mark.parametrize("args,message", [
        ((), "error: must specify --patch or --patch-file containing the contents of the patch\n"),
        (("-p", "{}", "--type", "bogus"), 'error: --type must be one of [json merge strategic], not "bogus"\n'),
        (("-p", "{}", "--patch-file", "x"), "error: cannot specify --patch and --patch-file together\n"),
        (("--patch-file", "/nonexistent"),
         "error: unable to read patch file: open /nonexistent: no such file or directory\n"),
        (("-p", "spec: ["), 'error: unable to parse "spec: [": yaml: line 1: expected the node content, '
                            "but found '<stream end>'\n"),
        (("--type", "merge", "-p", "[1]"),
         "Error from server (BadRequest): json: cannot unmarshal array into Go value of type "
         "map[string]interface {}\n"),
        (("--type", "json", "-p", '{"op":"replace"}'),
         "Error from server (BadRequest): json: cannot unmarshal object into Go value of type jsonpatch.Patch\n"),
        (("-p", '{"spec":{"replicas":-1}}'),
         'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n'),
    ])
    def test_hostile_patches_are_one_line_errors(self, lk, tmp_path, args, message):
        _deploy(lk, tmp_path)
        result = lk("patch", "deploy", "web", *args)
        assert (result.exit_code, result.stderr) == (1, message)
        assert _replicas(lk) == "2"

    def test_missing_object(self, lk):
        result = lk("patch", "deploy", "nosuch", "-p", "{}")
        assert (result.exit_code, result.stderr) == (
            1, 'Error from server (NotFound): deployments.apps "nosuch" not found\n')


@pytest.fixture
def editor(tmp_path, monkeypatch):
    """A fake editor: a script that records what it was shown and rewrites the file with sed."""
    seen = tmp_path / "seen.txt"
    script = tmp_path / "editor.sh"
    script.write_text(f'#!/bin/sh\ncat "$1" >> {seen}\necho ===== >> {seen}\nsed -i "$EDIT_SED" "$1"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("KUBE_EDITOR", str(script))
    monkeypatch.delenv("EDITOR", raising=False)

    def run(lk, sed, *args):
        monkeypatch.setenv("EDIT_SED", sed)
        return lk("edit", *args)
    run.seen = lambda: seen.read_text().split("=====\n")[:-1]
    return run


class TestEdit:
    def test_an_edit_is_saved(self, lk, tmp_path, editor):
        _deploy(lk, tmp_path)
        result = editor(lk, "s/replicas: 2/replicas: 3/", "deploy/web")
        assert (result.exit_code, result.stdout) == (0, "deployment.apps/web edited\n")
        assert _replicas(lk) == "3"
        shown = editor.seen()[0]
        assert shown.startswith("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
                                "# and an empty file will abort the edit. If an error occurs while saving this "
                                "file will be\n# reopened with the relevant failures.\n#\napiVersion: apps/v1\n")

    def test_no_change_cancels(self, lk, tmp_path, editor):
        _deploy(lk, tmp_path)
        result = editor(lk, "s/^#.*//", "deploy", "web")  # only the comments go: no change
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "Edit cancelled, no changes made.\n")

    def test_an_empty_file_cancels(self, lk, tmp_path, editor):
        _deploy(lk, tmp_path)
        result = editor(lk, "s/^[a-z].*//;s/^ .*//", "deploy/web")
        assert (result.exit_code, result.stderr) == (0, "Edit cancelled, saved file was empty.\n")

    def test_invalid_edit_reopens_with_the_error_on_top(self, lk, tmp_path, editor):
        _deploy(lk, tmp_path)
        result = editor(lk, "s/replicas: 2/replicas: -1/", "deploy/web")
        assert result.exit_code == 1
        second = editor.seen()[1]
        assert second.startswith("# Please edit the object below.") and (
            '#\n# deployments.apps "web" was not valid:\n'
            "# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\napiVersion: apps/v1\n"
        ) in second
        assert "replicas: -1" in second  # the user's edit is kept
        stderr = result.stderr.splitlines()
        assert stderr[0] == 'error: deployments.apps "web" is invalid'
        assert re.fullmatch(r'A copy of your changes has been stored to ".*litekube-edit-.*\.yaml"', stderr[1])
        assert stderr[2] == "error: Edit cancelled, no valid changes were saved."
        assert _replicas(lk) == "2"

    def test_a_syntax_error_reopens_too(self, lk, tmp_path, editor):
        _deploy(lk, tmp_path)
        editor(lk, "s/^kind: Deployment/kind: [/", "deploy/web")
        assert "# The edited file had a syntax error: " in editor.seen()[1]

    def test_editor_failure(self, lk, tmp_path, monkeypatch):
        _deploy(lk, tmp_path)
        monkeypatch.setenv("KUBE_EDITOR", "false")
        result = lk("edit", "deploy/web")
        assert (result.exit_code, result.stderr) == (1, 'error: there was a problem with the editor "false"\n')


class TestDiff:
    def test_exit_codes(self, lk, tmp_path):
        path = _deploy(lk, tmp_path)
        same = lk("diff", "-f", str(path))
        assert (same.exit_code, same.stdout) == (0, "")
        path.write_text(DEPLOYMENT.format(replicas=5, annotations="{}"))
        changed = lk("diff", "-f", str(path))
        assert changed.exit_code == 1
        lines = changed.stdout.splitlines()
        assert re.fullmatch(r"diff -u -N \S*/LIVE-\w+/apps\.v1\.Deployment\.default\.web "
                            r"\S*/MERGED-\w+/apps\.v1\.Deployment\.default\.web", lines[0])
        assert "-  replicas: 2" in lines and "+  replicas: 5" in lines
        assert "-  generation: 1" in lines and "+  generation: 2" in lines
        assert _replicas(lk) == "2"  # diff writes nothing

    def test_a_new_object_diffs_against_nothing(self, lk, tmp_path):
        result = lk("diff", "-f", str(SAMPLES / "00-namespace.yaml"))
        assert result.exit_code == 1 and "+kind: Namespace" in result.stdout.splitlines()
        assert lk("get", "ns", "demo").exit_code == 1

    def test_errors_exit_above_one(self, lk):
        result = lk("diff", "-f", "/nonexistent")
        assert (result.exit_code, result.stderr) == (2, 'error: the path "/nonexistent" does not exist\n')

    def test_external_diff(self, lk, tmp_path, monkeypatch):
        path = _deploy(lk, tmp_path)
        path.write_text(DEPLOYMENT.format(replicas=5, annotations="{}"))
        monkeypatch.setenv("KUBECTL_EXTERNAL_DIFF", "diff -q")
        result = lk("diff", "-f", str(path))
        assert result.exit_code == 1 and result.stdout.startswith("Files ") and result.stdout.endswith(" differ\n")

    def test_secrets_are_masked(self, lk, tmp_path):
        secret = tmp_path / "s.yaml"
        secret.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: YQ==, b: Yg==}\n")
        lk("apply", "-f", str(secret))
        secret.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: YQ==, b: Yw==}\n")
        out = lk("diff", "-f", str(secret)).stdout.splitlines()
        assert "-  b: '*** (before)'" in out and "+  b: '*** (after)'" in out and "   a: '***'" in out
        # as kubectl, only data is masked: the last-applied annotation still carries the manifest

    def test_a_new_object_is_the_dry_run_create_as_served(self, lk, tmp_path):
        """As kubectl: the object dry-run created as written (no last-applied annotation, no resourceVersion),
        printed as the apiserver sends it (a Service's `status: {loadBalancer: {}}`), against an empty LIVE file."""
        svc = tmp_path / "svc.yaml"
        svc.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: fresh}\nspec: {ports: [{port: 80}]}\n")
        result = lk("diff", "-f", str(svc))
        lines = result.stdout.splitlines()
        assert result.exit_code == 1 and lines[3] == "@@ -0,0 +1,23 @@"
        assert not lines[1].endswith("1970-01-01 00:00:00.000000000 +0000")  # an empty file, not a missing one
        added = [line for line in lines[4:] if "clusterIP" not in line and "10.96." not in line
                 and "creationTimestamp" not in line and "uid:" not in line]
        assert added == ["+apiVersion: v1", "+kind: Service", "+metadata:", "+  name: fresh", "+  namespace: default",
                         "+spec:", "+  internalTrafficPolicy: Cluster", "+  ipFamilies:", "+  - IPv4",
                         "+  ipFamilyPolicy: SingleStack", "+  ports:", "+  - port: 80", "+    protocol: TCP",
                         "+    targetPort: 80", "+  sessionAffinity: None", "+  type: ClusterIP", "+status:",
                         "+  loadBalancer: {}"]
        assert lk("get", "svc", "fresh").exit_code == 1
