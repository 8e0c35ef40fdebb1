"""logs (the simulated log of a container's lifecycle) and exec, through the real CLI."""
from __future__ import annotations

CRASHY = """apiVersion: v1
kind: Pod
metadata:
  name: crashy
  annotations:
    sim.litekube.io/crash-after: 20s
    sim.litekube.io/log: |
      booting
      listening on :8080
spec:
  containers:
  - name: app
    image: busybox
    readinessProbe: {exec: {command: ["true"]}, initialDelaySeconds: 5}
  - name: side
    image: envoy
"""


class TestLogs:
    def test_the_lifecycle_of_the_current_run(self, lk, tmp_path):
        path = tmp_path / "crashy.yaml"
        path.write_text(CRASHY)
        lk("apply", "-f", str(path))
        result = lk("logs", "crashy")
        assert result.stderr == 'Defaulted container "app" out of: app, side\n'
        assert result.stdout == ("Started container app (image docker.io/library/busybox:latest)\n"
                                 "booting\nlistening on :8080\n"
                                 "Readiness probe succeeded: container app is ready\n")
        assert lk("logs", "crashy", "-c", "side").stdout.endswith("Container side is ready\n")

    def test_previous_run_and_its_exit(self, lk, tmp_path):
        path = tmp_path / "crashy.yaml"
        path.write_text(CRASHY)
        lk("apply", "-f", str(path))
        missing = lk("logs", "crashy", "-c", "app", "-p")
        assert (missing.exit_code, missing.stderr) == (
            1, 'Error from server (BadRequest): previous terminated container "app" in pod "crashy" not found\n')
        lk("advance", "40s")
        lines = lk("logs", "crashy", "-c", "app", "--previous", "--timestamps").stdout.splitlines()
        started, _ = lines[0].split(" ", 1)
        assert lines[-1].endswith(" Container app exited with code 1 (Error)")
        assert lines[0] == f"{started} Started container app (image docker.io/library/busybox:latest)"

    def test_tail_prefix_and_all_containers(self, lk, tmp_path):
        path = tmp_path / "crashy.yaml"
        path.write_text(CRASHY)
        lk("apply", "-f", str(path))
        out = lk("logs", "pod/crashy", "--all-containers", "--prefix", "--tail", "1").stdout
        assert out == ("[pod/crashy/app] Readiness probe succeeded: container app is ready\n"
                       "[pod/crashy/side] Container side is ready\n")
        assert lk("logs", "crashy", "-c", "app", "--tail", "0").stdout == ""

    def test_errors(self, lk, tmp_path):
        path = tmp_path / "crashy.yaml"
        path.write_text(CRASHY)
        lk("apply", "-f", str(path))
        bad = lk("logs", "crashy", "-c", "nope")
        assert (bad.exit_code, bad.stderr) == (1, "Error from server (BadRequest): container nope is not valid "
                                                  "for pod crashy\n")
        gone = lk("logs", "nosuch")
        assert (gone.exit_code, gone.stderr) == (1, 'Error from server (NotFound): pods "nosuch" not found\n')

    def test_a_deployment_picks_one_of_its_pods(self, lk):
        lk("create", "deployment", "web", "--image=nginx", "--replicas=2")
        result = lk("logs", "deploy/web")
        assert result.stderr.startswith("Found 2 pods, using pod/web-")
        assert result.stdout.startswith("Started container nginx (image docker.io/library/nginx:latest)\n")


def test_exec_explains_that_containers_are_simulated(lk):
    result = lk("exec", "mypod", "--", "date")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == ("error: litekube simulates containers: there is no process to run a command in "
                             "(see `litekube logs` for what a container did)\n")


class TestLabelAndDelete:
    def test_label_by_selector_and_all(self, lk):
        lk("create", "deployment", "web", "--image=nginx", "--replicas=2")
        out = lk("label", "pods", "-l", "app=web", "tier=front").stdout.splitlines()
        assert len(out) == 2 and all(line.endswith(" labeled") for line in out)
        assert lk("get", "pods", "-l", "tier=front", "-o", "name").stdout.count("\n") == 2
        out = lk("annotate", "deploy", "--all", "-A", "note=x").stdout
        assert out == "deployment.apps/web annotated\ndeployment.apps/coredns annotated\n"  # kube-system's too
        bare = lk("label", "pods", "x=y")
        assert bare.exit_code == 2 and "resource(s) were provided, but no name was specified" in bare.stderr

    def test_force_delete(self, lk):
        lk("create", "deployment", "web", "--image=nginx", "--replicas=1")
        pod = lk("get", "pods", "-o", "jsonpath={.items[0].metadata.name}").stdout
        result = lk("delete", "pod", pod, "--force")
        assert result.stdout == f'pod "{pod}" force deleted\n'
        assert result.stderr == ("Warning: Immediate deletion does not wait for confirmation that the running "
                                 "resource has been terminated. The resource may continue to run on the cluster "
                                 "indefinitely.\n")
