"""get's output formats through the real CLI: jsonpath, custom columns, --sort-by, -L, --show-kind, errors.

The formatting itself is compared with kubectl's recorded output in
tests/model/test_jsonpath.py; these tests check the flags end to end.
"""
from __future__ import annotations

import json

from tests.cli.conftest import SAMPLES

PODS = ["web-6c956c7598-6c2zz", "web-6c956c7598-g2lsm", "web-6c956c7598-w9lb8"]  # in name order
NODES = ["node-2", "node-1", "node-3"]


class TestJSONPath:
    def test_range_with_literals(self, lk):
        lk("apply", "-f", str(SAMPLES))
        out = lk("get", "pods", "-n", "demo", "-o",
                 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.nodeName}{"\\n"}{end}').stdout
        assert out == "".join(f"{p}\t{n}\n" for p, n in zip(PODS, NODES))

    def test_one_object_is_itself_and_several_are_a_list(self, lk):
        lk("apply", "-f", str(SAMPLES))
        assert lk("get", "deploy", "web", "-n", "demo", "-o", "jsonpath={.kind}").stdout == "Deployment"
        assert lk("get", "deploy", "-n", "demo", "-o", "jsonpath={.kind} {.items[*].spec.replicas}").stdout == "List 3"
        assert lk("get", "pods", "-n", "demo", "-o", "jsonpath", "--template",
                  "{.items[0].spec.containers[0].resources.requests.cpu}").stdout == "100m"

    def test_jsonpath_file_and_as_json(self, lk, tmp_path):
        lk("apply", "-f", str(SAMPLES))
        template = tmp_path / "t.txt"
        template.write_text("{.items[*].metadata.name}")
        assert lk("get", "pods", "-n", "demo", "-o", f"jsonpath-file={template}").stdout == " ".join(PODS)
        assert lk("get", "cm", "web-config", "-n", "demo", "-o", "jsonpath-as-json={.data}").stdout == (
            '[\n    {\n        "GREETING": "hello",\n        "LOG_LEVEL": "info"\n    }\n]\n')

    def test_malformed_template_is_kubectls_error(self, lk):
        lk("apply", "-f", str(SAMPLES))
        bad = lk("get", "pods", "-n", "demo", "-o", "jsonpath={.items[}")
        assert (bad.exit_code, bad.stdout, bad.stderr) == (
            1, "", "error: error parsing jsonpath {.items[}, unterminated array\n")
        empty = lk("get", "pods", "-n", "demo", "-o", "jsonpath=")
        assert (empty.exit_code, empty.stderr) == (1, "error: template format specified but no template given\n")
        missing = lk("get", "pods", "-n", "demo", "-o", "jsonpath-file=/nonexistent/t")
        assert missing.stderr == ("error: error reading --template /nonexistent/t, open /nonexistent/t: "
                                  "no such file or directory\n")

    def test_missing_keys_only_fail_when_asked(self, lk):
        lk("apply", "-f", str(SAMPLES))
        assert lk("get", "cm", "web-config", "-n", "demo", "-o", "jsonpath=[{.nope}]").stdout == "[]"
        strict = lk("get", "cm", "web-config", "-n", "demo", "-o", "jsonpath={.nope}",
                    "--allow-missing-template-keys=false")
        assert strict.exit_code == 1
        assert strict.stderr.startswith('error: error executing jsonpath "{.nope}": Error executing template: '
                                        'nope is not found. Printing more information for debugging the template:\n'
                                        '\ttemplate was:\n\t\t{.nope}\n\tobject given to jsonpath engine was:\n'
                                        '\t\tmap[string]interface {}{"apiVersion":"v1", "data":map[string]interface {}'
                                        '{"GREETING":"hello", "LOG_LEVEL":"info"}, "kind":"ConfigMap", ')
        assert strict.stderr.endswith("}}\n\n\n")


class TestCustomColumns:
    def test_spec_and_sort(self, lk):
        lk("apply", "-f", str(SAMPLES))
        out = lk("get", "ns", "--sort-by=.metadata.name", "-o",
                 "custom-columns=NAME:.metadata.name,PHASE:.status.phase,TEAM:.metadata.labels.team").stdout
        assert out == ("NAME              PHASE    TEAM\n"
                       "default           Active   <none>\n"
                       "demo              Active   web\n"
                       "kube-flannel      Active   <none>\n"
                       "kube-node-lease   Active   <none>\n"
                       "kube-public       Active   <none>\n"
                       "kube-system       Active   <none>\n")

    def test_file_and_no_headers(self, lk, tmp_path):
        lk("apply", "-f", str(SAMPLES))
        spec = tmp_path / "cols.txt"
        spec.write_text("NAME   IMAGE\n.metadata.name  {.spec.containers[*].image}\n")
        out = lk("get", "pods", "-n", "demo", "-o", f"custom-columns-file={spec}").stdout
        assert out == "NAME                   IMAGE\n" + "".join(f"{p}   nginx:1.27\n" for p in PODS)
        assert lk("get", "pods", "-n", "demo", "--no-headers", "-o",
                  "custom-columns=N:.metadata.name").stdout == "".join(p + "\n" for p in PODS)

    def test_bad_specs(self, lk):
        lk("apply", "-f", str(SAMPLES))
        for spec, message in [("custom-columns=", "custom-columns format specified but no custom columns given"),
                              ("custom-columns=NAME", "unexpected custom-columns spec: NAME, "
                                                      "expected <header>:<json-path-expr>")]:
            result = lk("get", "pods", "-n", "demo", "-o", spec)
            assert (result.exit_code, result.stderr) == (1, f"error: {message}\n")


class TestTableFlags:
    def test_label_columns_and_show_kind(self, lk):
        lk("apply", "-f", str(SAMPLES))
        out = lk("get", "deploy", "-n", "demo", "--show-kind", "-L", "app,missing").stdout
        # an empty label cell keeps its padding, as kubectl's tabwriter prints it
        assert out == ("NAME                  READY   UP-TO-DATE   AVAILABLE   AGE   APP   MISSING\n"
                       "deployment.apps/web   3/3     3            3           6s    web   \n")

    def test_sort_by_in_a_table(self, lk):
        lk("apply", "-f", str(SAMPLES))
        out = lk("get", "pods", "-n", "demo", "--sort-by={.spec.nodeName}", "--no-headers").stdout
        assert [line.split()[0] for line in out.splitlines()] == [p for _, p in sorted(zip(NODES, PODS))]
        pods = json.loads(lk("get", "pods", "-n", "demo", "-o", "json").stdout)["items"]
        by_uid = [p["metadata"]["name"] for p in sorted(pods, key=lambda p: p["metadata"]["uid"])]
        assert by_uid != PODS  # an order other than the names' own
        out = lk("get", "pods", "-n", "demo", "--sort-by=.metadata.uid", "--no-headers").stdout
        assert [line.split()[0] for line in out.splitlines()] == by_uid

    def test_sort_by_a_missing_field_prints_nothing_as_kubectl(self, lk):
        lk("apply", "-f", str(SAMPLES))
        result = lk("get", "pods", "-n", "demo", "--sort-by=.nope")
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No resources found in demo namespace.\n")
        listed = lk("get", "pods", "-n", "demo", "--sort-by=.nope", "-o", "name")
        assert (listed.exit_code, listed.stderr) == (
            1, 'error: couldn\'t find any field with path "{.nope}" in the list of objects\n')

    def test_show_labels_only_with_tables(self, lk):
        result = lk("get", "pods", "--show-labels", "-o", "json")
        assert (result.exit_code, result.stderr) == (
            1, "error: --show-labels option cannot be used with json printer\n")

    def test_unknown_format(self, lk):
        result = lk("get", "pods", "-o", "bogus")
        assert result.exit_code == 1 and result.stderr == (
            'error: unable to match a printer suitable for the output format "bogus", allowed formats are: '
            'custom-columns,custom-columns-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,wide,yaml\n')


class TestMissingObjects:
    def test_found_objects_print_and_the_missing_one_fails(self, lk):
        lk("apply", "-f", str(SAMPLES))
        result = lk("get", "pods", PODS[0], "nosuch", "-n", "demo", "-o", "name")
        assert (result.exit_code, result.stdout, result.stderr) == (
            1, f"pod/{PODS[0]}\n", 'Error from server (NotFound): pods "nosuch" not found\n')

    def test_ignore_not_found(self, lk):
        lk("apply", "-f", str(SAMPLES))
        result = lk("get", "pods", "nosuch", "-n", "demo", "--ignore-not-found")
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
        both = lk("get", "cm", "nosuch", "web-config", "-n", "demo", "--ignore-not-found", "--chunk-size=1")
        assert (both.exit_code, both.stdout) == (0, "NAME         DATA   AGE\nweb-config   2      6s\n")


class TestServedZeroValues:
    """Objects print as the apiserver sends them: Go's zero values of non-omitempty fields included
    (litekube.model.zerovalues, the same function `litekube serve` applies)."""

    SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: zv}\nspec: {ports: [{port: 80}]}\n"

    def test_get_shows_a_services_empty_load_balancer(self, lk, tmp_path):
        (tmp_path / "svc.yaml").write_text(self.SERVICE)
        lk("apply", "-f", str(tmp_path / "svc.yaml"))
        assert lk("get", "svc", "zv", "-o", "yaml").stdout.endswith("\nstatus:\n  loadBalancer: {}\n")
        assert json.loads(lk("get", "svc", "zv", "-o", "json").stdout)["status"] == {"loadBalancer": {}}
        assert lk("get", "svc", "zv", "-o", "jsonpath={.status}").stdout == '{"loadBalancer":{}}'
        assert lk("get", "svc", "zv", "-o", "custom-columns=LB:.status.loadBalancer").stdout == "LB\nmap[]\n"

    def test_create_prints_the_post_response(self, lk):
        """kubectl create prints the apiserver's answer to the POST: nothing reconciled yet, `status: {}`."""
        created = lk("create", "deployment", "zv", "--image=nginx", "-o", "yaml")
        assert created.stdout.endswith("\nstatus: {}\n"), created.stderr
        served = lk("create", "service", "clusterip", "zv", "--tcp=80", "--dry-run=server", "-o", "yaml").stdout
        assert served.endswith("\nstatus:\n  loadBalancer: {}\n")
        job = lk("create", "job", "zv", "--image=busybox", "-o", "yaml").stdout
        assert job.endswith("\nstatus: {}\n")

    def test_client_dry_run_prints_the_object_as_built(self, lk):
        """No apiserver in between: kubectl's typed encoding of the generated object, no server defaults."""
        out = lk("create", "deployment", "zv", "--image=nginx", "--dry-run=client", "-o", "yaml").stdout
        assert out.endswith("\nstatus: {}\n") and "progressDeadlineSeconds" not in out
