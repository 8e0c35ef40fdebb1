"""Deployments through the real CLI: scale, set image, rollout, label, wait, delete, with kubectl's output."""
from __future__ import annotations

import json
import re

import yaml

from tests.cli.conftest import DEPLOYMENT as WEB

RS = re.compile(r"web-[a-z0-9]{6,10}")
POD = re.compile(r"web-[a-z0-9]{6,10}-[a-z0-9]{5}")


def web(replicas: int = 3, annotations: str = "{}", **spec) -> str:
    text = WEB.format(replicas=replicas, annotations=annotations)
    for key, value in spec.items():
        text = text.replace("spec:\n  replicas", f"spec:\n  {key}: {value}\n  replicas", 1)
    return text


def mask(text: str) -> str:
    return RS.sub("web-RS", POD.sub("web-POD", text))


def deployment(lk) -> dict:
    return json.loads(lk("get", "deploy", "web", "-o", "json").stdout)


class TestDeploymentTables:
    def test_deploy_rs_and_pods(self, lk):
        assert lk("apply", "-f", "-", input=web()).stdout == "deployment.apps/web created\n"
        assert lk("get", "deploy").stdout == ("NAME   READY   UP-TO-DATE   AVAILABLE   AGE\n"
                                              "web    3/3     3            3           1s\n")
        assert lk("get", "deploy", "-o", "wide").stdout == (
            "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR\n"
            "web    3/3     3            3           1s    app          nginx:1.27   app=web\n")
        rs = lk("get", "rs", "-o", "wide").stdout
        hash_ = RS.search(rs.splitlines()[1]).group(0)[len("web-"):]
        assert rs == (
            f"NAME{' ' * (len(hash_) + 3)}DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES       SELECTOR\n"
            f"web-{hash_}   3         3         3       1s    app          nginx:1.27   "
            f"app=web,pod-template-hash={hash_}\n")
        pods = lk("get", "pods", "--no-headers").stdout.splitlines()
        assert len(pods) == 3
        for line in pods:
            name, *rest = line.split()
            assert name.startswith(f"web-{hash_}-") and rest == ["1/1", "Running", "0", "1s"]


class TestScale:
    def test_scale_and_the_current_replicas_precondition(self, lk):
        lk("apply", "-f", "-", input=web())
        assert lk("scale", "deploy", "web", "--replicas", "5").stdout == "deployment.apps/web scaled\n"
        assert lk("get", "deploy", "--no-headers").stdout.split()[:4] == ["web", "5/5", "5", "5"]
        refused = lk("scale", "deploy/web", "--replicas", "2", "--current-replicas", "3")
        assert (refused.exit_code, refused.stdout, refused.stderr) == (
            1, "", "error: Expected replicas to be 3, was 5\n")
        assert lk("scale", "deploy/web", "--replicas", "2", "--current-replicas", "5").stdout == (
            "deployment.apps/web scaled\n")
        assert len(lk("get", "pods", "-o", "name").stdout.splitlines()) == 2
        assert lk("scale", "deploy", "web", "--replicas", "0").stdout == "deployment.apps/web scaled\n"
        assert lk("get", "pods").stderr == "No resources found in default namespace.\n"


class TestRollout:
    def test_set_image_status_and_history(self, lk):
        lk("apply", "-f", "-", input=web())
        assert lk("set", "image", "deploy/web", "app=nginx:1.28").stdout == "deployment.apps/web image updated\n"
        assert lk("rollout", "status", "deploy/web").stdout == 'deployment "web" successfully rolled out\n'
        assert lk("get", "deploy", "-o", "wide", "--no-headers").stdout.split()[6] == "nginx:1.28"
        rs = [line.split() for line in lk("get", "rs", "--no-headers").stdout.splitlines()]
        assert sorted(r[1:4] for r in rs) == [["0", "0", "0"], ["3", "3", "3"]]
        # kubectl's name printer ends the history table with one more newline
        assert lk("rollout", "history", "deploy/web").stdout == (
            "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n")

    def test_history_of_one_revision(self, lk):
        lk("apply", "-f", "-", input=web())
        lk("set", "image", "deploy/web", "app=nginx:1.28")
        out = lk("rollout", "history", "deploy/web", "--revision", "2").stdout
        assert mask(out).startswith("deployment.apps/web with revision #2\nPod Template:\n  Labels:  app=web\n"
                                    "           pod-template-hash=")
        assert "  Containers:\n   app:\n    Image:      nginx:1.28\n" in out
        assert "nginx:1.27" in lk("rollout", "history", "deploy/web", "--revision", "1").stdout
        missing = lk("rollout", "history", "deploy/web", "--revision", "9")
        assert (missing.exit_code, missing.stderr) == (1, "error: unable to find the specified revision\n")

    def test_undo_and_to_revision(self, lk):
        lk("apply", "-f", "-", input=web())
        lk("set", "image", "deploy/web", "app=nginx:1.28")
        lk("set", "image", "deploy/web", "app=nginx:1.29")
        assert lk("rollout", "undo", "deploy/web").stdout == "deployment.apps/web rolled back\n"
        assert deployment(lk)["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
        assert lk("rollout", "history", "deploy/web").stdout.splitlines()[2:] == [
            "1         <none>", "3         <none>", "4         <none>", ""]
        assert lk("rollout", "undo", "deploy/web", "--to-revision", "1").stdout == "deployment.apps/web rolled back\n"
        assert deployment(lk)["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
        assert deployment(lk)["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "5"
        assert lk("get", "pods", "-o", "wide", "--no-headers").stdout.count("Running") == 3
        missing = lk("rollout", "undo", "deploy/web", "--to-revision", "9")
        assert (missing.exit_code, missing.stderr) == (1, "error: unable to find specified revision 9 in history\n")

    def test_pause_and_resume(self, lk):
        lk("apply", "-f", "-", input=web())
        assert lk("rollout", "pause", "deploy/web").stdout == "deployment.apps/web paused\n"
        again = lk("rollout", "pause", "deploy/web")
        assert (again.exit_code, again.stderr) == (1, 'error: deployments.apps "web" is already paused\n')
        lk("set", "image", "deploy/web", "app=nginx:1.28")
        assert lk("get", "deploy", "--no-headers").stdout.split()[:4] == ["web", "3/3", "0", "3"]
        waiting = lk("rollout", "status", "deploy/web", "--timeout", "5s")
        assert (waiting.exit_code, waiting.stdout, waiting.stderr) == (
            1, 'Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated...\n',
            "error: timed out waiting for the condition\n")
        assert lk("rollout", "resume", "deploy/web").stdout == "deployment.apps/web resumed\n"
        assert lk("get", "deploy", "--no-headers").stdout.split()[:4] == ["web", "3/3", "3", "3"]
        not_paused = lk("rollout", "resume", "deploy/web")
        assert (not_paused.exit_code, not_paused.stderr) == (1, 'error: deployments.apps "web" is not paused\n')

    def test_restart_stamps_the_template(self, lk):
        lk("apply", "-f", "-", input=web())
        before = set(lk("get", "pods", "-o", "name").stdout.split())
        assert lk("rollout", "restart", "deploy/web").stdout == "deployment.apps/web restarted\n"
        annotations = deployment(lk)["spec"]["template"]["metadata"]["annotations"]
        stamp = annotations["kubectl.kubernetes.io/restartedAt"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
        after = set(lk("get", "pods", "-o", "name").stdout.split())
        assert len(after) == 3 and not before & after

    def test_trace_shows_the_surge(self, lk):
        lk("apply", "-f", "-", input=web(4))
        lk("set", "image", "deploy/web", "app=nginx:1.28")
        lines = lk("rollout", "trace", "deploy/web").stdout.splitlines()
        header = lines[0].split()
        assert header[:2] == ["TIME", "REVISION"] and header[-2:] == ["PODS", "AVAILABLE"]
        assert len(header) == 6 and all(RS.fullmatch(h) for h in header[2:4])
        rows = [[int(c) for c in line.split()[1:]] for line in lines[1:]]
        totals = [r[1] + r[2] for r in rows]
        # maxSurge 25% of 4 rounds up to 1, maxUnavailable 25% rounds down to 1
        assert max(totals) == 5
        assert min(r[4] for r in rows) == 3
        assert sorted(rows[-1][1:3]) == [0, 4] and rows[-1][4] == 4
        assert [r[0] for r in rows] == sorted(r[0] for r in rows)

    def test_progress_deadline_exceeded(self, lk):
        lk("apply", "-f", "-", input=web(3, '{sim.litekube.io/never-ready: "true"}', progressDeadlineSeconds=30))
        result = lk("rollout", "status", "deploy/web")
        assert (result.exit_code, result.stderr) == (1, 'error: deployment "web" exceeded its progress deadline\n')
        conditions = {c["type"]: c for c in deployment(lk)["status"]["conditions"]}
        assert (conditions["Progressing"]["status"], conditions["Progressing"]["reason"]) == (
            "False", "ProgressDeadlineExceeded")
        assert lk("get", "deploy", "--no-headers").stdout.split()[:4] == ["web", "0/3", "3", "0"]


class TestMetadata:
    def test_label_overwrite_and_removal(self, lk):
        lk("apply", "-f", "-", input=web())
        assert lk("label", "deploy", "web", "tier=front").stdout == "deployment.apps/web labeled\n"
        clash = lk("label", "deploy", "web", "tier=back")
        assert (clash.exit_code, clash.stderr) == (
            1, "error: 'tier' already has a value (front), and --overwrite is false\n")
        assert lk("label", "deploy", "web", "tier=back", "--overwrite").stdout == "deployment.apps/web labeled\n"
        assert lk("label", "deploy", "web", "tier=back").stdout == "deployment.apps/web not labeled\n"
        assert lk("get", "deploy", "web", "--show-labels", "--no-headers").stdout.split()[-1] == "tier=back"
        assert lk("get", "deploy", "-l", "tier=back", "-o", "name").stdout == "deployment.apps/web\n"
        assert lk("label", "deploy", "web", "tier-").stdout == "deployment.apps/web unlabeled\n"
        assert lk("get", "deploy", "web", "--show-labels", "--no-headers").stdout.split()[-1] == "<none>"

    def test_removing_a_missing_label(self, lk):
        lk("apply", "-f", "-", input=web())
        assert lk("label", "deploy", "web", "tier-").stdout == (
            'label "tier" not found.\ndeployment.apps/web not labeled\n')

    def test_annotate(self, lk):
        lk("apply", "-f", "-", input=web())
        assert lk("annotate", "deploy", "web", "note=hi").stdout == "deployment.apps/web annotated\n"
        clash = lk("annotate", "deploy", "web", "note=ho")
        assert (clash.exit_code, clash.stderr) == (
            1, "error: 'note' already has a value (hi), and --overwrite is false\n")
        assert lk("annotate", "deploy", "web", "note=ho", "--overwrite").stdout == "deployment.apps/web annotated\n"
        assert deployment(lk)["metadata"]["annotations"]["note"] == "ho"
        assert lk("annotate", "deploy", "web", "note-").stdout == "deployment.apps/web annotated\n"
        assert "note" not in deployment(lk)["metadata"]["annotations"]


class TestWait:
    def test_conditions_and_jsonpath(self, lk):
        lk("apply", "-f", "-", input=web())
        assert lk("wait", "deploy/web", "--for=condition=Available").stdout == "deployment.apps/web condition met\n"
        assert lk("wait", "deploy/web", "--for=jsonpath={.status.readyReplicas}=3").stdout == (
            "deployment.apps/web condition met\n")
        never = lk("wait", "deploy/web", "--for=condition=Available=false", "--timeout", "5s")
        assert (never.exit_code, never.stderr) == (1, "error: timed out waiting for the condition on deployments/web\n")

    def test_wait_for_available_moves_virtual_time(self, lk):
        lk("apply", "-f", "-", input=web(2, '{sim.litekube.io/never-ready: "true"}'))
        timed_out = lk("wait", "deploy/web", "--for=condition=Available", "--timeout", "20s")
        assert (timed_out.exit_code, timed_out.stderr) == (
            1, "error: timed out waiting for the condition on deployments/web\n")

    def test_for_delete(self, lk):
        lk("init", "--nodes", "1")
        lk("apply", "-f", "-", input="apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                                     "spec: {containers: [{name: app, image: busybox}]}\n")
        lk("fault", "node-down", "node-1")
        assert lk("delete", "pod", "p").stdout == 'pod "p" deleted\n'
        assert lk("get", "pod", "p", "--no-headers").stdout.split()[2] == "Terminating"  # the kubelet is dead
        stuck = lk("wait", "pod/p", "--for=delete", "--timeout", "10s")
        assert (stuck.exit_code, stuck.stderr) == (1, "error: timed out waiting for the condition on pods/p\n")
        lk("fault", "node-up", "node-1")
        assert lk("get", "pods").stderr == "No resources found in default namespace.\n"

    def test_for_delete_of_an_object_already_gone_succeeds(self, lk):
        """kubectl wait --for=delete ignores NotFound: nothing to wait for, exit 0, no output."""
        result = lk("wait", "pod/gone", "--for=delete")
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")

    def test_for_delete_waits_for_finalizers(self, lk):
        held = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: held\n  finalizers: [example.com/hold]\n"
                "spec: {containers: [{name: app, image: busybox}]}\n")
        lk("apply", "-f", "-", input=held)
        lk("delete", "pod", "held")
        stuck = lk("wait", "pod/held", "--for=delete", "--timeout", "10s")
        assert (stuck.exit_code, stuck.stderr) == (1, "error: timed out waiting for the condition on pods/held\n")
        assert yaml.safe_load(lk("get", "pod", "held", "-o", "yaml").stdout)["metadata"]["finalizers"] == [
            "example.com/hold"]


class TestDelete:
    def test_background_cascade(self, lk):
        lk("apply", "-f", "-", input=web())
        assert lk("delete", "deploy", "web").stdout == 'deployment.apps "web" deleted\n'
        assert lk("get", "deploy,rs,pods").stderr == "No resources found in default namespace.\n"

    def test_orphan_leaves_the_replicaset_and_pods(self, lk):
        lk("apply", "-f", "-", input=web())
        pods = lk("get", "pods", "-o", "name").stdout
        assert lk("delete", "deploy", "web", "--cascade=orphan").stdout == 'deployment.apps "web" deleted\n'
        assert lk("get", "deploy").stderr == "No resources found in default namespace.\n"
        rs = json.loads(lk("get", "rs", "-o", "json").stdout)
        rs = rs["items"] if rs["kind"] == "List" else [rs]
        assert len(rs) == 1 and not rs[0]["metadata"].get("ownerReferences")
        assert lk("get", "pods", "-o", "name").stdout == pods
        lk("advance", "1m")
        assert lk("get", "pods", "-o", "name").stdout == pods

    def test_foreground_cascade(self, lk):
        lk("apply", "-f", "-", input=web())
        assert lk("delete", "deploy", "web", "--cascade=foreground").stdout == 'deployment.apps "web" deleted\n'
        assert lk("get", "deploy,rs,pods").stderr == "No resources found in default namespace.\n"
        kinds = [line.split() for line in lk("changes").stdout.splitlines()[1:]]
        deleted = [r[3] for r in kinds if r[2] == "DELETED" and r[3] in ("Deployment", "ReplicaSet", "Pod")]
        # foreground: the owner goes last, after its dependents
        assert deleted[-1] == "Deployment" and deleted.count("Pod") == 3 and deleted.count("ReplicaSet") == 1
