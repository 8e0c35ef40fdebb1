"""get, describe, changes, api-resources, version through the real CLI, exact output."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.cli.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[2]


class TestGet:
    def test_tables_for_several_kinds(self, lk):
        lk("apply", "-f", str(SAMPLES))
        out = lk("get", "cm,svc", "-n", "demo").stdout
        # The samples' readiness probe waits 5s after a 1s start: settling moved virtual time 6s on.
        assert out == ("NAME                         DATA   AGE\n"
                       "configmap/kube-root-ca.crt   1      6s\n"
                       "configmap/web-config         2      6s\n"
                       "\n"
                       "NAME          TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
                       "service/web   ClusterIP   10.96.1.1    <none>        80/TCP    6s\n")

    def test_all_namespaces_and_labels(self, lk):
        lk("apply", "-f", str(SAMPLES))
        out = lk("get", "ns", "-A", "--show-labels", "-l", "team=web").stdout
        assert out == ("NAMESPACE   NAME   STATUS   AGE   LABELS\n"
                       "            demo   Active   6s    kubernetes.io/metadata.name=demo,team=web\n")

    def test_label_selectors(self, lk):
        lk("apply", "-f", str(SAMPLES))
        assert lk("get", "ns", "-l", "team in (web,db)", "-o", "name").stdout == "namespace/demo\n"
        assert lk("get", "ns", "-l", "!team", "-o", "name").stdout.count("\n") == 5  # kube-flannel's too
        bad = lk("get", "ns", "-l", "a in (b")
        assert (bad.exit_code, bad.stdout, bad.stderr) == (
            1, "", 'Error from server (BadRequest): Unable to find "/v1, Resource=namespaces" that match label '
                   'selector "a in (b", field selector "": unable to parse requirement: found \'\', expected: \',\' or \')\'\n')

    def test_a_refused_selector_is_worded_as_kubectl_words_the_servers_400(self, lk):
        """kubectl v1.32 against the API server (`litekube serve`) prints these exact lines: the resource
        as a GroupVersionResource, both selectors, then the server's message (resource.EnhanceListError)."""
        lk("apply", "-f", str(SAMPLES))
        cases = [
            (("get", "deploy", "-A", "--field-selector", "abc"),
             'Unable to find "apps/v1, Resource=deployments" that match label selector "", field selector "abc": '
             "invalid selector: 'abc'; can't understand 'abc'"),
            (("get", "pods", "-A", "--field-selector", "foo=bar"),
             'Unable to find "/v1, Resource=pods" that match label selector "", field selector "foo=bar": '
             "field label not supported: foo"),
            (("get", "nodes,pods", "-l", "x", "--field-selector", "spec.unschedulable=false"),
             'Unable to find "/v1, Resource=pods" that match label selector "x", field selector '
             '"spec.unschedulable=false": field label not supported: spec.unschedulable'),
            (("delete", "pods", "-n", "demo", "-l", "a b"),
             'Unable to find "/v1, Resource=pods" that match label selector "a b", field selector "": '
             "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ]
        for args, message in cases:
            refused = lk(*args)
            assert (refused.exit_code, refused.stdout, refused.stderr) == (
                1, "", f"Error from server (BadRequest): {message}\n"), args
        assert lk("get", "pods", "-n", "demo", "-o", "name").stdout.count("pod/web-") == 3  # nothing deleted
        assert lk("get", "nodes", "--field-selector", "spec.unschedulable=false", "-o", "name").stdout.count(
            "node/") == 3

    def test_a_pods_spec_host_selects_by_its_node(self, lk):
        """kubectl's old alias: the API server converts spec.host to spec.nodeName before it selects."""
        lk("apply", "-f", str(SAMPLES))
        pods = json.loads(lk("get", "pods", "-n", "demo", "-o", "json").stdout)["items"]
        node = pods[0]["spec"]["nodeName"]
        expected = sorted(f"pod/{p['metadata']['name']}" for p in pods if p["spec"]["nodeName"] == node)
        by_host = lk("get", "pods", "-n", "demo", "--field-selector", f"spec.host={node}", "-o", "name")
        by_name = lk("get", "pods", "-n", "demo", "--field-selector", f"spec.nodeName={node}", "-o", "name")
        assert by_host.exit_code == 0 and sorted(by_host.stdout.split()) == expected
        assert by_host.stdout == by_name.stdout

    def test_type_slash_name_and_not_found(self, lk):
        lk("apply", "-f", str(SAMPLES))
        assert lk("get", "deploy/web", "svc/web", "-n", "demo", "-o", "name").stdout == (
            "deployment.apps/web\nservice/web\n")
        missing = lk("get", "deploy", "nosuch", "-n", "demo")
        assert (missing.exit_code, missing.stderr) == (
            1, 'Error from server (NotFound): deployments.apps "nosuch" not found\n')
        unknown = lk("get", "gizmos")
        assert (unknown.exit_code, unknown.stderr) == (
            1, 'error: the server doesn\'t have a resource type "gizmos"\n')

    def test_yaml_and_json(self, lk):
        lk("apply", "-f", str(SAMPLES))
        as_yaml = yaml.safe_load(lk("get", "cm", "web-config", "-n", "demo", "-o", "yaml").stdout)
        as_json = json.loads(lk("get", "cm", "web-config", "-n", "demo", "-o", "json").stdout)
        assert as_yaml == as_json and as_json["data"] == {"GREETING": "hello", "LOG_LEVEL": "info"}
        listing = yaml.safe_load(lk("get", "ns", "-o", "yaml").stdout)
        assert (listing["kind"], len(listing["items"])) == ("List", 6)

    def test_empty_answers(self, lk):
        assert lk("get", "deploy").stderr == "No resources found in default namespace.\n"
        assert lk("get", "deploy", "-A", "--no-headers").stdout.split()[:2] == ["kube-system", "coredns"]
        assert lk("get", "sts", "-A").stderr == "No resources found\n"


class TestDescribe:
    def test_describe_a_configmap(self, lk):
        lk("apply", "-f", str(SAMPLES))
        out = lk("describe", "cm", "web-config", "-n", "demo").stdout
        assert out.startswith("Name:         web-config\nNamespace:    demo\nLabels:       <none>\n"
                              "Annotations:  <none>\n\nData\n====\nGREETING:\n----\nhello\n")
        assert out.endswith("Events:  <none>\n")

    def test_describe_by_prefix(self, lk):
        lk("apply", "-f", str(SAMPLES))
        assert lk("describe", "cm", "web", "-n", "demo").stdout.startswith("Name:         web-config\n")


class TestChanges:
    def test_one_row_per_revision(self, lk):
        lk("apply", "-f", "-", input="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
        lk("delete", "cm", "a")
        rows = [line.split() for line in lk("changes").stdout.splitlines()]
        assert rows[0] == ["REVISION", "TIME", "EVENT", "KIND", "NAME"]
        mine = [r for r in rows if r[3] == "ConfigMap" and r[4] == "default/a"]
        assert [r[2:] for r in mine] == [["ADDED", "ConfigMap", "default/a"], ["DELETED", "ConfigMap", "default/a"]]
        assert [int(r[0]) for r in rows[1:]] == list(range(1, len(rows)))  # one row per revision, none skipped
        since = int(mine[0][0])
        after = [line.split()[0] for line in lk("changes", "--since", str(since), "--no-headers").stdout.splitlines()]
        assert after == [str(n) for n in range(since + 1, len(rows))]

    def test_one_objects_rows(self, lk):
        lk("apply", "-f", "-", input="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
        lk("apply", "-f", "-", input="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n")
        lk("label", "cm", "a", "x=y")
        lk("delete", "cm", "a")
        rows = [line.split()[2:] for line in lk("changes", "cm/a").stdout.splitlines()]
        assert rows == [["EVENT", "KIND", "NAME"], ["ADDED", "ConfigMap", "default/a"],
                        ["MODIFIED", "ConfigMap", "default/a"], ["DELETED", "ConfigMap", "default/a"]]
        assert lk("changes", "cm/b", "-n", "kube-system", "--no-headers").stdout == ""


class TestWatch:
    def test_get_w_follows_the_changelog(self, tmp_path):
        env = {**os.environ, "LITEKUBE_DB": str(tmp_path / "w.db")}
        run = [sys.executable, str(ROOT / "cli.py")]
        subprocess.run(run + ["get", "ns"], env=env, check=True, capture_output=True)
        watcher = subprocess.Popen(run + ["get", "cm", "-w", "--request-timeout", "4s"], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        subprocess.run(run + ["apply", "-f", "-"], env=env, check=True, capture_output=True,
                       input="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w}\ndata: {a: b}\n", text=True)
        out, _ = watcher.communicate(timeout=20)
        # The list comes first (every namespace holds kube-root-ca.crt), then the watched change.
        assert out.split()[-3:] == ["w", "1", "0s"] and "kube-root-ca.crt" in out


class TestInfo:
    def test_api_resources(self, lk):
        lines = lk("api-resources").stdout.splitlines()
        assert lines[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
        assert "deployments                deploy       apps/v1                        true         Deployment" in lines
        assert "resourcequotas             quota        v1                             true         ResourceQuota" in lines
        assert "networkpolicies            netpol       networking.k8s.io/v1           true         NetworkPolicy" in lines
        assert "priorityclasses            pc           scheduling.k8s.io/v1           false        PriorityClass" in lines
        assert "replicationcontrollers     rc           v1                             true         ReplicationController" in lines
        assert "pods                                    metrics.k8s.io/v1beta1         true         PodMetrics" in lines
        assert "storageclasses             sc           storage.k8s.io/v1              false        StorageClass" in lines
        assert len(lines) == 39

    def test_version(self, lk):
        assert lk("version").stdout == "Client Version: v0.1.0\nServer Version: v1.32.0-litekube\n"

