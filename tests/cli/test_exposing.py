"""expose prints what kubectl v1.32 prints for the same objects, and creates a working Service."""
from __future__ import annotations

import json
import shlex

import pytest

from tests.cli.expose_cases import CASES
from tests.kubectl.record import FIXTURES


@pytest.fixture
def exposable(lk, tmp_path):
    manifest = tmp_path / "objects.json"
    manifest.write_text(json.dumps({"apiVersion": "v1", "kind": "List",
                                    "items": json.loads((FIXTURES / "expose.json").read_text())}))
    result = lk("apply", "-f", str(manifest))
    assert result.exit_code == 0, result.stderr
    return lk


@pytest.mark.parametrize("command,code,stdout,stderr", CASES, ids=[c[0] for c in CASES])
def test_same_output_as_kubectl(exposable, command, code, stdout, stderr):
    result = exposable(*shlex.split(command))
    assert (result.exit_code, result.stdout, result.stderr) == (code, stdout, stderr)


def test_the_service_selects_the_deployments_pods(lk):
    lk("create", "deployment", "web", "--image=nginx", "--replicas=2", "--port=80")
    assert lk("expose", "deployment", "web", "--port=8080", "--target-port=80").stdout == "service/web exposed\n"
    spec = json.loads(lk("get", "svc", "web", "-o", "json").stdout)["spec"]
    assert (spec["selector"], spec["ports"][0]["port"], spec["ports"][0]["targetPort"]) == ({"app": "web"}, 8080, 80)


class TestExplain:
    def test_a_field(self, lk):
        out = lk("explain", "deploy.spec.replicas").stdout
        assert out == ("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: replicas <integer>\n\n\n"
                       "DESCRIPTION:\n    Number of desired pods. This is a pointer to distinguish between explicit\n"
                       "    zero and not specified. Defaults to 1.\n    \n\n")

    def test_recursive_tree(self, lk):
        out = lk("explain", "pods", "--recursive").stdout
        assert "FIELDS:\n  apiVersion\t<string>\n  kind\t<string>\n  metadata\t<ObjectMeta>\n" in out
        assert "\n    containers\t<[]Container> -required-\n" in out

    def test_errors(self, lk):
        missing = lk("explain", "deployment.spec.nope")
        assert (missing.exit_code, missing.stdout, missing.stderr) == (
            1, "GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\n", 'error: field "nope" does not exist\n')
        unknown = lk("explain", "gizmos")
        assert (unknown.exit_code, unknown.stderr) == (1, 'error: the server doesn\'t have a resource type "gizmos"\n')
