"""apply -f writes Namespaces and cluster-wide kinds before what lives in them, in one transaction."""
from __future__ import annotations

from tests.cli.conftest import DEPLOYMENT

NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n"
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: team\ndata: {a: '1'}\n"


def _deployment(ns: str = "team") -> str:
    manifest = DEPLOYMENT.format(replicas=1, annotations="{}")
    return manifest.replace("  name: web\n", f"  name: web\n  namespace: {ns}\n", 1)


class TestApplyOrder:
    def test_a_directory_whose_namespace_sorts_last(self, lk, tmp_path):
        (tmp_path / "a-deploy.yaml").write_text(_deployment())
        (tmp_path / "b-config.yaml").write_text(CONFIGMAP)
        (tmp_path / "z-namespace.yaml").write_text(NAMESPACE)
        result = lk("apply", "-f", str(tmp_path))
        # written namespace first; listed in the order of the documents, as kubectl lists them
        assert (result.exit_code, result.stdout) == (
            0, "deployment.apps/web created\nconfigmap/cfg created\nnamespace/team created\n")
        assert lk("get", "pods", "-n", "team", "-o", "jsonpath={.items[*].status.phase}").stdout == "Running"

    def test_a_multi_document_file(self, lk, tmp_path):
        path = tmp_path / "all.yaml"
        path.write_text(_deployment() + "---\n" + NAMESPACE)
        assert lk("create", "-f", str(path)).stdout == "deployment.apps/web created\nnamespace/team created\n"

    def test_still_all_or_nothing(self, lk, tmp_path):
        path = tmp_path / "all.yaml"
        bad = CONFIGMAP.replace("name: cfg", "name: Bad_Name")
        path.write_text(_deployment() + "---\n" + NAMESPACE + "---\n" + bad)
        result = lk("apply", "-f", str(path))
        assert result.exit_code == 1 and "Bad_Name" in result.stderr
        assert lk("get", "ns", "team").exit_code == 1

    def test_delete_goes_the_other_way(self, lk, tmp_path):
        path = tmp_path / "all.yaml"
        path.write_text(NAMESPACE + "---\n" + CONFIGMAP)
        lk("apply", "-f", str(path))
        result = lk("delete", "-f", str(path))
        assert result.stdout == 'namespace "team" deleted\nconfigmap "cfg" deleted\n'
