"""`create KIND NAME ...` prints exactly what kubectl v1.32 prints, and creates what it prints."""
from __future__ import annotations

import json
import re
import shlex

import pytest
import yaml

from tests.cli.create_cases import CASES
from tests.kubectl.record import FIXTURES

FIX = str((FIXTURES / "create").resolve())


@pytest.mark.parametrize("command,code,stdout,stderr", CASES, ids=[c[0][:90] for c in CASES])
def test_same_output_as_kubectl(lk, command, code, stdout, stderr):
    result = lk(*shlex.split(command.replace("{FIX}", FIX)))
    got = result.stdout
    if "--image=a_b.c" in command:  # kubectl's suffix for such a container name is random
        got, stdout = (re.sub(r"a-b-c-[a-z0-9]{5}", "a-b-c-XXXXX", text) for text in (got, stdout))
    assert (result.exit_code, got, result.stderr) == (code, stdout, stderr)


class TestCreating:
    def test_a_created_deployment_runs(self, lk):
        result = lk("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "--port=80")
        assert (result.exit_code, result.stdout) == (0, "deployment.apps/web created\n")
        pods = lk("get", "pods", "-o", "jsonpath={.items[*].status.phase}").stdout
        assert pods == "Running Running"
        spec = json.loads(lk("get", "deploy", "web", "-o", "json").stdout)["spec"]
        assert spec["template"]["spec"]["containers"][0]["ports"] == [{"containerPort": 80, "protocol": "TCP"}]

    def test_server_dry_run_checks_but_writes_nothing(self, lk):
        result = lk("create", "configmap", "Bad_Name", "--from-literal=a=b", "--dry-run=server")
        assert result.exit_code == 1 and "Bad_Name" in result.stderr
        ok = lk("create", "configmap", "c", "--from-literal=a=b", "--dry-run=server")
        assert ok.stdout == "configmap/c created (server dry run)\n"
        assert lk("get", "cm", "c").exit_code == 1

    def test_output_of_the_created_object_is_the_servers(self, lk):
        out = lk("create", "namespace", "team-a", "-o", "yaml").stdout
        obj = yaml.safe_load(out)
        assert obj["status"] == {"phase": "Active"} and obj["metadata"]["uid"]
        assert lk("create", "secret", "generic", "s", "-n", "team-a", "--from-literal=k=v", "-o", "name").stdout == (
            "secret/s\n")
        assert lk("get", "secret", "s", "-n", "team-a", "-o", "jsonpath={.data.k}").stdout == "dg=="

    def test_an_existing_object_is_already_exists(self, lk):
        lk("create", "namespace", "n1")
        again = lk("create", "namespace", "n1")
        assert (again.exit_code, again.stderr) == (
            1, 'Error from server (AlreadyExists): namespaces "n1" already exists\n')

    def test_save_config_lets_apply_merge_later(self, lk):
        lk("create", "configmap", "c", "--from-literal=a=1", "--save-config")
        annotation = json.loads(lk("get", "cm", "c", "-o", "json").stdout)["metadata"]["annotations"]
        assert json.loads(annotation["kubectl.kubernetes.io/last-applied-configuration"])["data"] == {"a": "1"}
