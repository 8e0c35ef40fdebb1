"""The real kubectl v1.32 (/usr/bin/kubectl) against `litekube serve`: what each command prints."""
from __future__ import annotations

import json
import os
import stat

import pytest
import yaml

from tests.serve.conftest import one_server
from tests.serve.servers import KUBECTL, ROOT, Lines, wait_for

pytestmark = pytest.mark.skipif(not os.path.exists(KUBECTL), reason="no kubectl on this machine")

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{containerPort: 80}]
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One server for the whole module, on the default backend (SQLite), not one per backend: the
    classes here build on each other's cluster in file order (the samples applied first, then read,
    changed and deleted), and the per-backend fixture's reordering ran them out of that order in CI.
    tests/serve/test_kubectl_postgresql.py runs the same classes, in the same order, on PostgreSQL."""
    yield from one_server(tmp_path_factory)


def _write(folder, name: str, text: str):
    path = folder / name
    path.write_text(text)
    return str(path)


def _same(served, kubectl_args: list[str], litekube_args: list[str]) -> str:
    """kubectl's output once it equals litekube's (an AGE may tick between the two calls)."""
    def both():
        ours = served.litekube(*litekube_args).stdout
        theirs = served.kubectl(*kubectl_args).stdout
        return theirs if theirs.rstrip("\n") == ours.rstrip("\n") else None
    return wait_for(both, timeout=30, interval=0.3, what=f"kubectl {' '.join(kubectl_args)} == litekube's")


def _rolled_out(served, name: str = "web", namespace: str = "default") -> str:
    return served.kubectl("rollout", "status", f"deployment/{name}", "-n", namespace, "--timeout=60s").stdout


class TestDiscovery:
    def test_version(self, served):
        out = served.kubectl("version").stdout
        assert "Server Version: v1.32.4" in out.splitlines()

    def test_api_resources_are_litekubes(self, served):
        out = _same(served, ["api-resources"], ["api-resources"])
        assert "deployments                         deploy       apps/v1                        true         " \
               "Deployment" in out.splitlines() or any(line.split()[:2] == ["deployments", "deploy"]
                                                        for line in out.splitlines())

    def test_explain(self, served):
        out = served.kubectl("explain", "deployment.spec.strategy").stdout
        assert out.splitlines()[:3] == ["GROUP:      apps", "KIND:       Deployment", "VERSION:    v1"]
        assert "FIELD: strategy <DeploymentStrategy>" in out
        assert "  rollingUpdate\t<RollingUpdateDeployment>" in out

    def test_auth_can_i(self, served):
        assert served.kubectl("auth", "can-i", "create", "pods").stdout == "yes\n"
        assert served.kubectl("auth", "can-i", "delete", "deployments", "-n", "kube-system").stdout == "yes\n"


class TestSamples:
    def test_apply_samples_then_unchanged(self, served):
        samples = str(ROOT / "samples")
        first = served.kubectl("apply", "-f", f"{samples}/00-namespace.yaml", "-f", f"{samples}/10-configmap.yaml",
                               "-f", f"{samples}/20-web.yaml").stdout
        assert first.splitlines() == ["namespace/demo created", "configmap/web-config created",
                                      "deployment.apps/web created", "service/web created"]
        again = served.kubectl("apply", "-f", f"{samples}/20-web.yaml").stdout
        assert again.splitlines() == ["deployment.apps/web unchanged", "service/web unchanged"]
        assert _rolled_out(served, "web", "demo").splitlines()[-1] == 'deployment "web" successfully rolled out'

    @pytest.mark.parametrize("args", [["all"], ["deploy,rs", "-o", "wide"], ["pods", "-o", "wide"],
                                      ["svc,cm", "--show-labels"], ["pods", "-L", "app"]],
                             ids=["all", "wide", "pods-wide", "show-labels", "label-column"])
    def test_get_prints_what_litekube_get_prints(self, served, args):
        out = _same(served, ["get", *args, "-n", "demo"], ["get", *args, "-n", "demo"])
        assert out.strip()

    def test_get_all_namespaces(self, served):
        out = _same(served, ["get", "deploy", "-A"], ["get", "deploy", "-A"])
        assert out.splitlines()[0].split() == ["NAMESPACE", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]

    @pytest.mark.parametrize("fmt", ["yaml", "json", "jsonpath={.spec.template.spec.containers[0].image}"])
    def test_get_output_formats(self, served, fmt):
        out = _same(served, ["get", "deploy", "web", "-n", "demo", "-o", fmt],
                    ["get", "deploy", "web", "-n", "demo", "-o", fmt])
        if fmt == "json":
            assert json.loads(out)["metadata"]["name"] == "web"
        elif fmt == "yaml":
            assert yaml.safe_load(out)["kind"] == "Deployment"
        else:
            assert out == "nginx:1.27"

    def test_describe_is_litekubes(self, served):
        out = _same(served, ["describe", "deployment", "web", "-n", "demo"],
                    ["describe", "deployment", "web", "-n", "demo"])
        assert "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable" in out
        assert "NewReplicaSet:" in out


class TestWorkloads:
    def test_scale_set_image_rollout(self, served, tmp_path):
        assert served.kubectl("apply", "-f", _write(tmp_path, "web.yaml", WEB)).stdout == \
            "deployment.apps/web created\n"
        assert _rolled_out(served).splitlines()[-1] == 'deployment "web" successfully rolled out'
        assert served.kubectl("scale", "deployment/web", "--replicas=3").stdout == "deployment.apps/web scaled\n"
        assert served.kubectl("scale", "deployment/web", "--current-replicas=3", "--replicas=2").stdout == \
            "deployment.apps/web scaled\n"
        stale = served.kubectl("scale", "deployment/web", "--current-replicas=7", "--replicas=1", check=False)
        assert stale.returncode == 1
        assert "Expected replicas to be 7, was 2" in stale.stderr
        assert served.kubectl("set", "image", "deployment/web", "nginx=nginx:1.26").stdout == \
            "deployment.apps/web image updated\n"
        assert _rolled_out(served).splitlines()[-1] == 'deployment "web" successfully rolled out'
        history = served.kubectl("rollout", "history", "deployment/web").stdout
        assert history.splitlines() == ["deployment.apps/web ", "REVISION  CHANGE-CAUSE", "1         <none>",
                                        "2         <none>", ""][:len(history.splitlines())]
        assert served.kubectl("rollout", "undo", "deployment/web").stdout == "deployment.apps/web rolled back\n"
        _rolled_out(served)
        image = served.kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
        assert image.stdout == "nginx:1.25"
        revisions = served.kubectl("get", "rs", "-l", "app=web", "-o",
                                   "jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/"
                                   "revision}{\" \"}{end}").stdout.split()
        assert sorted(revisions) == ["2", "3"]

    def test_patch_in_all_three_types(self, served):
        assert served.kubectl("patch", "deployment", "web", "-p", '{"spec":{"replicas":3}}').stdout == \
            "deployment.apps/web patched\n"
        assert served.kubectl("patch", "deployment", "web", "--type", "merge",
                              "-p", '{"metadata":{"labels":{"tier":"front"}}}').stdout == "deployment.apps/web patched\n"
        assert served.kubectl("patch", "deployment", "web", "--type", "json",
                              "-p", '[{"op":"replace","path":"/spec/replicas","value":1}]').stdout == \
            "deployment.apps/web patched\n"
        got = served.kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.replicas} {.metadata.labels.tier}")
        assert got.stdout == "1 front"
        bad = served.kubectl("patch", "deployment", "web", "--type", "json", "-p",
                             '[{"op":"test","path":"/spec/replicas","value":9}]', check=False)
        assert bad.returncode == 1 and bad.stderr.startswith("Error from server")

    def test_edit_with_kube_editor(self, served, tmp_path):
        editor = tmp_path / "editor.sh"
        editor.write_text("#!/bin/sh\nsed -i 's/replicas: 1/replicas: 2/' \"$1\"\n")
        editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
        out = served.kubectl("edit", "deployment", "web", env={"KUBE_EDITOR": str(editor)})
        assert out.stdout == "deployment.apps/web edited\n"
        assert served.kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}").stdout == "2"

    def test_diff(self, served, tmp_path):
        live = served.kubectl("get", "deploy", "web", "-o", "json").stdout
        changed = WEB.replace("nginx:1.25", "nginx:1.29")
        result = served.kubectl("diff", "-f", _write(tmp_path, "web2.yaml", changed), check=False)
        assert result.returncode == 1, result.stderr
        changes = [line for line in result.stdout.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
        assert "-      - image: nginx:1.25" in changes and "+      - image: nginx:1.29" in changes
        assert not any("resourceVersion" in line for line in changes)
        # a server-side dry run changes nothing
        after = json.loads(served.kubectl("get", "deploy", "web", "-o", "json").stdout)
        assert after["spec"] == json.loads(live)["spec"]

    def test_get_watch_sees_cli_writes(self, served):
        proc = served.kubectl_popen("get", "deploy", "web", "-w")
        try:
            out = Lines(proc)
            out.wait(lambda lines: len(lines) >= 2)  # the header and the current state
            served.litekube("scale", "deployment", "web", "--replicas=4")
            lines = out.wait(lambda lines: any(line.split()[1:2] == ["4/4"] for line in lines))
        finally:
            proc.terminate()
            proc.wait(10)
        assert lines[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
        assert all(line.split()[0] == "web" for line in lines[1:])

    def test_errors_are_upstreams(self, served, tmp_path):
        missing = served.kubectl("get", "deploy", "nosuch", check=False)
        assert (missing.returncode, missing.stderr) == \
            (1, 'Error from server (NotFound): deployments.apps "nosuch" not found\n')
        path = _write(tmp_path, "web.yaml", WEB)
        exists = served.kubectl("create", "-f", path, check=False)
        assert exists.stderr == f'Error from server (AlreadyExists): error when creating "{path}": ' \
                                f'deployments.apps "web" already exists\n'
        bad = served.kubectl("apply", "-f", _write(tmp_path, "bad.yaml", WEB.replace("name: web\n", "name: bad\n", 1)
                                                   .replace("replicas: 2", "replicas: -1")), check=False)
        assert bad.stderr == 'The Deployment "bad" is invalid: spec.replicas: Invalid value: -1: must be greater ' \
                             'than or equal to 0\n'

    def test_create_answers_empty_statuses_as_upstream(self, served):
        """The POST response (what `kubectl create -o yaml` prints) has the status Go serializes when
        nothing is set yet: `{}`, zero counts, an empty loadBalancer, the Pod's phase and qosClass."""
        manifests = """apiVersion: apps/v1
kind: Deployment
metadata: {name: zv-web}
spec:
  replicas: 0
  selector: {matchLabels: {app: zv-web}}
  template:
    metadata: {labels: {app: zv-web}}
    spec: {containers: [{name: c, image: nginx:1.25}]}
---
apiVersion: v1
kind: Service
metadata: {name: zv-svc}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: zv-pod}
spec: {containers: [{name: c, image: nginx:1.25}]}
"""
        out = served.kubectl("create", "-f", "-", "-o", "yaml", input=manifests).stdout
        statuses = {doc["kind"]: doc["status"] for doc in yaml.safe_load_all(out)}
        assert statuses == {"Deployment": {}, "Service": {"loadBalancer": {}},
                            "Pod": {"phase": "Pending", "qosClass": "BestEffort"}}
        served.kubectl("delete", "deploy/zv-web", "svc/zv-svc", "pod/zv-pod", "--wait=false")

    FRESH = """apiVersion: v1
kind: Namespace
metadata: {name: fresh}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: fr-web, namespace: fresh}
spec:
  replicas: 0
  selector: {matchLabels: {app: fr-web}}
  template:
    metadata: {labels: {app: fr-web}}
    spec: {containers: [{name: c, image: nginx:1.25}]}
---
apiVersion: v1
kind: Service
metadata: {name: fr-svc, namespace: fresh}
spec: {ports: [{port: 80}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: fr-job, namespace: fresh}
spec:
  suspend: true
  template:
    spec: {restartPolicy: Never, containers: [{name: c, image: busybox:1.36}]}
---
apiVersion: v1
kind: Pod
metadata: {name: fr-pod, namespace: fresh}
spec: {terminationGracePeriodSeconds: 0, containers: [{name: c, image: nginx:1.25}]}
"""

    @pytest.mark.parametrize("fmt", ["yaml", "json", "jsonpath={..status}"])
    def test_get_of_fresh_objects_prints_what_kubectl_prints(self, served, tmp_path, fmt):
        """`litekube get -o yaml|json|jsonpath` shows the zero values the apiserver sends (a Service's
        `status: {loadBalancer: {}}`, a ReplicaSet scaled to 0's `replicas: 0`, the Pod's qosClass), byte
        for byte what kubectl shows through `litekube serve`."""
        served.kubectl("apply", "-f", _write(tmp_path, "fresh.yaml", self.FRESH))
        printed = {}
        for what in (["deploy", "fr-web"], ["rs", "-l", "app=fr-web"], ["svc", "fr-svc"], ["ns", "fresh"],
                     ["job", "fr-job"], ["pod", "fr-pod"]):
            args = ["get", *what, "-n", "fresh", "-o", fmt]
            printed[what[0]] = _same(served, args, args)
        if fmt == "yaml":
            assert printed["svc"].endswith("\nstatus:\n  loadBalancer: {}\n")
            assert yaml.safe_load(printed["rs"])["items"][0]["status"] == {"observedGeneration": 1, "replicas": 0}
            assert yaml.safe_load(printed["pod"])["status"]["qosClass"] == "BestEffort"
        elif fmt == "json":
            assert json.loads(printed["svc"])["status"] == {"loadBalancer": {}}
        else:
            assert printed["svc"] == '{"loadBalancer":{}}'

    def test_edit_buffer_and_diff_of_fresh_objects_are_kubectls(self, served, tmp_path):
        """The edit buffer shows the object as served (zero-value statuses included), and diff compares the
        served objects: a new Service's `+status:` / `+  loadBalancer: {}` lines are in both."""
        served.kubectl("apply", "-f", _write(tmp_path, "fresh.yaml", self.FRESH))
        editor = tmp_path / "keep.sh"
        editor.write_text(f"#!/bin/sh\ncat \"$1\" >> {tmp_path}/buffers\necho ==== >> {tmp_path}/buffers\n")
        editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
        env = {"KUBE_EDITOR": str(editor), "EDITOR": str(editor)}
        buffers = tmp_path / "buffers"

        def same_buffers(targets):
            buffers.write_text("")
            theirs = served.kubectl("edit", *targets, "-n", "fresh", env=env)
            ours = served.litekube("edit", *targets, "-n", "fresh", env=env)
            assert theirs.stderr == ours.stderr == "Edit cancelled, no changes made.\n"
            kubectls, litekubes = buffers.read_text().split("====\n")[:2]
            return litekubes if litekubes == kubectls else None
        out = wait_for(lambda: same_buffers(["svc/fr-svc"]), timeout=30, what="the same edit buffers")
        assert out.endswith("\nstatus:\n  loadBalancer: {}\n")
        rs = served.kubectl("get", "rs", "-l", "app=fr-web", "-n", "fresh", "-o", "name").stdout.strip()
        out = wait_for(lambda: same_buffers([rs]), timeout=30, what="the same edit buffers")
        assert out.endswith("\nstatus:\n  observedGeneration: 1\n  replicas: 0\n")
        new = _write(tmp_path, "new.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: fr-new, namespace: fresh}\n"
                                           "spec: {ports: [{port: 80}]}\n")

        def changes(result):
            return [line for line in result.stdout.splitlines()
                    if line[:1] in "+-" and line[:3] not in ("+++", "---") and "10.96." not in line
                    and "creationTimestamp" not in line and "uid:" not in line]
        theirs = served.kubectl("diff", "-f", new, check=False)
        ours = served.litekube("diff", "-f", new, check=False)
        assert (theirs.returncode, ours.returncode) == (1, 1), (theirs.stderr, ours.stderr)
        assert changes(ours) == changes(theirs), (ours.stdout, theirs.stdout)
        assert changes(ours)[-2:] == ["+status:", "+  loadBalancer: {}"]

    def test_apply_server_side(self, served, tmp_path):
        # its own name and labels, so that its pods are not `-l app=web`'s (TestDeletion waits for those to go)
        path = _write(tmp_path, "ssa.yaml", WEB.replace("web", "ssa"))
        result = served.kubectl("apply", "--server-side", "-f", path, check=False)
        assert (result.returncode, result.stdout) == (0, "deployment.apps/ssa serverside-applied\n"), result.stderr
        again = served.kubectl("apply", "--server-side", "-f", path, check=False)
        assert (again.returncode, again.stdout) == (0, "deployment.apps/ssa serverside-applied\n"), again.stderr
        assert served.kubectl("delete", "deployment", "ssa").stdout == 'deployment.apps "ssa" deleted\n'


class TestDeletion:
    def test_delete_waits_for_finalizers(self, served):
        served.kubectl("apply", "-f", "-", input="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fin}\n")
        served.kubectl("patch", "configmap", "fin", "--type", "merge",
                       "-p", '{"metadata":{"finalizers":["example.com/hold"]}}')
        proc = served.kubectl_popen("delete", "configmap", "fin", "--wait=true")
        try:
            wait_for(lambda: served.kubectl("get", "cm", "fin", "-o", "jsonpath={.metadata.deletionTimestamp}")
                     .stdout, what="deletionTimestamp")
            assert proc.poll() is None  # still waiting: the finalizer holds it
            served.kubectl("patch", "configmap", "fin", "--type", "json",
                           "-p", '[{"op":"remove","path":"/metadata/finalizers"}]')
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert (proc.returncode, out) == (0, 'configmap "fin" deleted\n'), err
        missing = served.kubectl("get", "cm", "fin", check=False)
        assert missing.stderr == 'Error from server (NotFound): configmaps "fin" not found\n'

    def test_delete_deployment_wait(self, served):
        out = served.kubectl("delete", "deployment", "web", "--wait=true").stdout
        assert out == 'deployment.apps "web" deleted\n'
        wait_for(lambda: served.kubectl("get", "rs,pods", "-l", "app=web", "-o", "name").stdout == "",
                 timeout=120, what="dependents garbage-collected")

    def test_logs_follow_ends_with_the_pod(self, served):
        served.kubectl("apply", "-f", "-", input="apiVersion: v1\nkind: Pod\nmetadata: {name: talker}\nspec:\n"
                                                  "  terminationGracePeriodSeconds: 0\n"
                                                  "  containers: [{name: c, image: busybox:1.36}]\n")
        wait_for(lambda: served.kubectl("get", "pod", "talker", "-o", "jsonpath={.status.phase}").stdout == "Running",
                 what="the pod running")
        assert served.kubectl("logs", "talker").stdout.splitlines()[0] == \
            "Started container c (image docker.io/library/busybox:1.36)"
        proc = served.kubectl_popen("logs", "-f", "talker")
        try:
            out = Lines(proc)
            out.wait(lambda lines: lines and lines[0].startswith("Started container c"))
            assert proc.poll() is None  # following
            served.kubectl("delete", "pod", "talker", "--wait=true")
            assert proc.wait(60) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def test_drain(self, served):
        nodes = served.kubectl("get", "pods", "-n", "demo", "-o", "jsonpath={.items[0].spec.nodeName}").stdout
        out = served.kubectl("drain", nodes, "--ignore-daemonsets", "--force", "--delete-emptydir-data",
                             timeout=120)
        lines = out.stdout.splitlines()
        assert lines[0] == f"node/{nodes} cordoned"
        assert lines[-1] == f"node/{nodes} drained"
        assert any(line.startswith("pod/web-") and line.endswith(" evicted") for line in lines)
        assert served.kubectl("get", "node", nodes, "-o", "jsonpath={.spec.unschedulable}").stdout == "true"
