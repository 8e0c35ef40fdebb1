"""apply, create, replace, delete through the real CLI, with kubectl's exact output."""
from __future__ import annotations

import pytest

from tests.cli.conftest import SAMPLES

CM = """apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  a: "1"
"""


class TestApply:
    def test_apply_the_samples(self, lk):
        result = lk("apply", "-f", str(SAMPLES))
        assert result.exit_code == 0, result.output
        assert result.stdout == ("namespace/demo created\n"
                                 "configmap/web-config created\n"
                                 "deployment.apps/web created\n"
                                 "service/web created\n")
        again = lk("apply", "-f", str(SAMPLES))
        assert again.stdout.splitlines() == ["namespace/demo unchanged", "configmap/web-config unchanged",
                                             "deployment.apps/web unchanged", "service/web unchanged"]

    def test_apply_from_stdin_then_configure(self, lk):
        assert lk("apply", "-f", "-", input=CM).stdout == "configmap/cfg created\n"
        assert lk("apply", "-f", "-", input=CM.replace('"1"', '"2"')).stdout == "configmap/cfg configured\n"
        assert lk("get", "cm", "cfg", "-o", "jsonpath={.data.a}").stdout == "2"
        missing = lk("get", "cm", "cfg", "-o", "jsonpath")  # kubectl: a template format needs its template
        assert (missing.exit_code, missing.stderr) == (1, "error: template format specified but no template given\n")

    def test_an_invalid_document_changes_nothing(self, lk, tmp_path):
        bad = tmp_path / "bad.yaml"
        bad.write_text(CM + "---\n" + CM.replace("name: cfg", "name: Bad_Name"))
        result = lk("apply", "-f", str(bad))
        assert result.exit_code == 1
        assert result.stderr == (
            'The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 '
            "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
            "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*') "
            f'(error when creating "{bad}" (document 2))\n')
        assert lk("get", "cm", "cfg").stderr == 'Error from server (NotFound): configmaps "cfg" not found\n'

    def test_unknown_field(self, lk):
        result = lk("apply", "-f", "-", input=CM.replace("\ndata:", "\ndta:"))
        assert result.exit_code == 1
        assert result.stderr == (
            'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be '
            'handled as a ConfigMap: strict decoding error: unknown field "dta"\n')

    def test_malformed_yaml(self, lk):
        result = lk("apply", "-f", "-", input="a: b\n  c: d\n")
        assert (result.exit_code, result.stderr) == (1, (
            "error: error parsing STDIN: error converting YAML to JSON: yaml: line 2: "
            "mapping values are not allowed in this context\n"))

    def test_missing_namespace(self, lk):
        result = lk("apply", "-f", "-", "-n", "nope", input=CM)
        assert (result.exit_code, result.stderr) == (
            1, 'Error from server (NotFound): error when creating "STDIN": namespaces "nope" not found\n')

    def test_dry_runs(self, lk):
        assert lk("apply", "-f", "-", "--dry-run=client", input=CM).stdout == "configmap/cfg created (dry run)\n"
        assert lk("apply", "-f", "-", "--dry-run=server", input=CM).stdout == (
            "configmap/cfg created (server dry run)\n")
        assert lk("get", "cm", "cfg").stderr == 'Error from server (NotFound): configmaps "cfg" not found\n'


class TestCreateReplaceDelete:
    def test_create_twice(self, lk):
        assert lk("create", "-f", "-", input=CM).stdout == "configmap/cfg created\n"
        again = lk("create", "-f", "-", input=CM)
        assert (again.exit_code, again.stderr) == (1, (
            'Error from server (AlreadyExists): error when creating "STDIN": configmaps "cfg" already exists\n'))

    def test_replace_with_a_stale_resource_version(self, lk):
        lk("create", "-f", "-", input=CM)
        stale = CM.replace("name: cfg", 'name: cfg\n  resourceVersion: "1"')
        result = lk("replace", "-f", "-", input=stale)
        assert (result.exit_code, result.stderr) == (1, (
            'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on '
            'configmaps "cfg": the object has been modified; please apply your changes to the latest version '
            "and try again\n"))

    def test_delete_forms(self, lk):
        lk("apply", "-f", str(SAMPLES))
        assert lk("delete", "cm/web-config", "-n", "demo").stdout == 'configmap "web-config" deleted\n'
        assert lk("delete", "svc", "web", "-n", "demo").stdout == 'service "web" deleted\n'
        missing = lk("delete", "deploy", "nosuch", "-n", "demo")
        assert (missing.exit_code, missing.stderr) == (
            1, 'Error from server (NotFound): deployments.apps "nosuch" not found\n')
        assert lk("delete", "deploy", "-l", "app=web", "-n", "demo").stdout == 'deployment.apps "web" deleted\n'

    def test_delete_all_and_by_file(self, lk, tmp_path):
        f = tmp_path / "cm.yaml"
        f.write_text(CM)
        lk("apply", "-f", str(f))
        assert lk("delete", "-f", str(f)).stdout == 'configmap "cfg" deleted\n'
        lk("apply", "-f", str(f))
        # Every namespace also holds kube-root-ca.crt; `--all` deletes it too (its publisher puts it back).
        assert lk("delete", "cm", "--all").stdout.splitlines() == ['configmap "cfg" deleted',
                                                                   'configmap "kube-root-ca.crt" deleted']

    def test_delete_needs_a_name(self, lk):
        result = lk("delete", "cm")
        assert result.exit_code == 2
        assert "resource(s) were provided, but no name was specified" in result.stderr

    def test_deleting_a_namespace_deletes_its_contents(self, lk):
        lk("apply", "-f", str(SAMPLES))
        assert lk("delete", "ns", "demo").stdout == 'namespace "demo" deleted\n'
        assert lk("get", "ns", "demo").stderr == 'Error from server (NotFound): namespaces "demo" not found\n'
        assert lk("get", "all", "-n", "demo").stderr == "No resources found in demo namespace.\n"


class TestDatabaseOption:
    @pytest.mark.sqlite_only  # the files the path, URL and variable name
    def test_db_takes_a_path_a_url_or_the_environment(self, tmp_path, monkeypatch):
        from click.testing import CliRunner

        from litekube import cli as litekube

        runner = CliRunner()
        url = f"sqlite:///{tmp_path / 'url.db'}"
        assert runner.invoke(litekube.cli, ["--db", url, "apply", "-f", "-"], input=CM).stdout == \
            "configmap/cfg created\n"
        assert (tmp_path / "url.db").exists()
        monkeypatch.setenv("LITEKUBE_DB", str(tmp_path / "env.db"))
        assert runner.invoke(litekube.cli, ["create", "-f", "-"], input=CM).stdout == "configmap/cfg created\n"
        assert (tmp_path / "env.db").exists()

    def test_an_oversized_object_changes_nothing(self, lk):
        """Past etcd's 1.5 MiB request limit (kinds with their own size rules fail validation first)."""
        big = ("apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: big}\n"
               "spec: {holderIdentity: " + "x" * (1536 * 1024) + "}\n")
        result = lk("create", "-f", "-", input=big)
        assert (result.exit_code, result.stderr) == (
            1, 'Error from server: error when creating "STDIN": etcdserver: request is too large\n')
        assert lk("get", "leases").stderr == "No resources found in default namespace.\n"

    @pytest.mark.sqlite_only  # SQLite's errors for a missing folder and a file of garbage
    def test_a_database_that_cannot_be_opened_is_a_one_line_error(self, tmp_path):
        from click.testing import CliRunner

        from litekube import cli as litekube

        runner = CliRunner()
        missing = runner.invoke(litekube.cli, ["--db", str(tmp_path / "no" / "x.db"), "get", "pods"])
        assert (missing.exit_code, missing.stderr) == (
            1, f'error: cannot open the database "{tmp_path / "no" / "x.db"}": unable to open database file\n')
        garbage = tmp_path / "garbage.db"
        garbage.write_text("not a database")
        broken = runner.invoke(litekube.cli, ["--db", str(garbage), "get", "pods"])
        assert (broken.exit_code, broken.stderr) == (
            1, f'error: cannot open the database "{garbage}": file is not a database\n')


TWO = CM + "---\n" + CM.replace("name: cfg", "name: other").replace('"1"', '"2"')


def masked(text: str) -> str:
    """The stored object's times and identities, which a test cannot know before it runs."""
    import re

    text = re.sub(r'(creationTimestamp|uid)(": |: )"?[^",\n]+"?', r"\1\2X", text)
    return re.sub(r'(resourceVersion)(": |: )"[0-9]+"', r"\1\2N", text)


class TestOutputOfTheManifestVerbs:
    """-o on apply, create -f and replace: recorded from kubectl v1.32.4 through `litekube serve`."""

    APPLIED = ('''- apiVersion: v1
  data:
    a: "{a}"
  kind: ConfigMap
  metadata:
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: |
        {{"apiVersion":"v1","data":{{"a":"{a}"}},"kind":"ConfigMap","metadata":{{"annotations":{{}},"name":"{name}","namespace":"default"}}}}
    creationTimestamp: X
    name: {name}
    namespace: default
{rv}    uid: X
''')

    def test_apply_gathers_several_objects_into_a_list(self, lk):
        result = lk("apply", "-f", "-", "-o", "yaml", input=TWO)
        assert result.exit_code == 0, result.output
        assert masked(result.stdout) == ("apiVersion: v1\nitems:\n"
                                         + self.APPLIED.format(a=1, name="cfg", rv="    resourceVersion: N\n")
                                         + self.APPLIED.format(a=2, name="other", rv="    resourceVersion: N\n")
                                         + "kind: List\nmetadata: {}\n")
        assert lk("apply", "-f", "-", "-o", "name", input=TWO).stdout == "configmap/cfg\nconfigmap/other\n"
        listed = lk("apply", "-f", "-", "-o", "json", input=TWO).stdout
        assert listed.startswith('{\n    "kind": "List",\n    "apiVersion": "v1",\n    "metadata": {},\n    "items": [\n'
                                 '        {\n            "apiVersion": "v1",\n            "data": {\n')
        assert lk("apply", "-f", "-", "-o", "jsonpath={.kind} {.items[*].metadata.name}", input=TWO).stdout == \
            "List cfg other"

    def test_apply_of_one_object_prints_the_object(self, lk):
        printed = lk("apply", "-f", "-", "-o", "json", input=CM).stdout
        assert printed.startswith('{\n    "apiVersion": "v1",\n    "data": {\n        "a": "1"\n    },\n')
        assert lk("apply", "-f", "-", "-o", "jsonpath={.metadata.name}", input=CM).stdout == "cfg"

    def test_server_dry_run_prints_the_object_without_a_new_version(self, lk):
        created = lk("apply", "-f", "-", "-o", "yaml", "--dry-run=server", input=TWO).stdout
        assert masked(created) == ("apiVersion: v1\nitems:\n" + self.APPLIED.format(a=1, name="cfg", rv="")
                                   + self.APPLIED.format(a=2, name="other", rv="") + "kind: List\nmetadata: {}\n")
        assert lk("get", "cm", "-o", "name").stdout == "configmap/kube-root-ca.crt\n"
        lk("apply", "-f", "-", input=CM)
        version = lk("get", "cm", "cfg", "-o", "jsonpath={.metadata.resourceVersion}").stdout
        changed = lk("apply", "-f", "-", "-o", "jsonpath={.data.a} {.metadata.resourceVersion}", "--dry-run=server",
                     input=CM.replace('"1"', '"3"')).stdout
        assert changed == f"3 {version}"
        assert lk("get", "cm", "cfg", "-o", "jsonpath={.data.a}").stdout == "1"

    def test_client_dry_run_prints_the_manifest_or_the_live_object(self, lk):
        new = lk("apply", "-f", "-", "-o", "yaml", "--dry-run=client", input=CM).stdout
        assert new == ('apiVersion: v1\ndata:\n  a: "1"\nkind: ConfigMap\nmetadata:\n  annotations:\n'
                       '    kubectl.kubernetes.io/last-applied-configuration: |\n'
                       '      {"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{},'
                       '"name":"cfg","namespace":"default"}}\n  name: cfg\n  namespace: default\n')
        lk("apply", "-f", "-", input=CM)
        live = lk("apply", "-f", "-", "-o", "jsonpath={.data.a}", "--dry-run=client", input=CM.replace('"1"', '"3"'))
        assert live.stdout == "1"  # kubectl patches nothing in a client dry run: it prints what it read
        assert lk("create", "-f", "-", "-o", "yaml", "--dry-run=client", input=TWO).stdout == (
            'apiVersion: v1\ndata:\n  a: "1"\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: default\n---\n'
            'apiVersion: v1\ndata:\n  a: "2"\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: default\n')

    def test_create_and_replace_print_each_object_in_turn(self, lk):
        created = lk("create", "-f", "-", "-o", "yaml", input=TWO)
        assert created.exit_code == 0, created.output
        one = ('apiVersion: v1\ndata:\n  a: "{a}"\nkind: ConfigMap\nmetadata:\n  creationTimestamp: X\n  name: {name}\n'
               '  namespace: default\n  resourceVersion: N\n  uid: X\n')
        assert masked(created.stdout) == one.format(a=1, name="cfg") + "---\n" + one.format(a=2, name="other")
        assert lk("replace", "-f", "-", "-o", "name", input=TWO).stdout == "configmap/cfg\nconfigmap/other\n"
        replaced = lk("replace", "-f", "-", "-o", "json", input=TWO).stdout
        assert replaced.count('"kind": "ConfigMap"') == 2 and '"kind": "List"' not in replaced
        assert replaced.startswith('{\n    "apiVersion": "v1",\n') and "}\n{\n" in replaced
        refused = lk("create", "-f", "-", "-o", "name", input=CM)
        assert (refused.exit_code, refused.stdout) == (1, "")
