"""Jobs and CronJobs through the real CLI: the documentation's examples, kubectl's columns and describe, `create job`.

The cluster clock starts at a fixed time (2026-01-01T00:00:00Z), so names made
from times (a CronJob's Jobs) and the timestamps describe prints are exact.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from litekube.api.server import Api
from litekube.runtime import embedded
from litekube.store import Store
from tests.cli.conftest import Litekube

MANIFESTS = Path(__file__).resolve().parents[1] / "manifests" / "jobs"
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()


@pytest.fixture
def lk(tmp_path) -> Litekube:
    """The CLI on a new cluster whose clock reads T0 once its system pods run (they take 5s to start)."""
    path = tmp_path / "litekube.db"
    store = Store(str(path), wall=lambda: T0 - 5)
    embedded.settle(Api(store))
    assert store.now() == T0
    store.close()
    return Litekube(path)


def manifest(name: str) -> str:
    return str(MANIFESTS / name)


def with_annotations(name: str, tmp_path: Path, annotations: dict, **spec) -> str:
    """A documentation example plus pod template annotations of the simulation contract."""
    doc = yaml.safe_load((MANIFESTS / name).read_text())
    template = doc["spec"].get("jobTemplate", {}).get("spec", doc["spec"])["template"]
    template.setdefault("metadata", {}).setdefault("annotations", {}).update(annotations)
    doc["spec"].update(spec)
    out = tmp_path / name
    out.write_text(yaml.safe_dump(doc))
    return str(out)


def get_json(lk: Litekube, *args: str) -> dict:
    return json.loads(lk("get", *args, "-o", "json").stdout)


class TestPiJob:
    def test_the_documentation_pi_job_completes(self, lk):
        assert lk("apply", "-f", manifest("job.yaml")).stdout == "job.batch/pi created\n"
        assert lk("get", "jobs").stdout == (
            "NAME   STATUS     COMPLETIONS   DURATION   AGE\n"
            "pi     Complete   1/1           7s         7s\n")
        pods = lk("get", "pods", "-l", "batch.kubernetes.io/job-name=pi").stdout.splitlines()
        assert pods[0] == "NAME       READY   STATUS      RESTARTS   AGE"
        assert re.fullmatch(r"pi-[a-z0-9]{5}   0/1     Completed   0          7s", pods[1])

    def test_wide_columns(self, lk):
        lk("apply", "-f", manifest("job.yaml"))
        uid = get_json(lk, "job", "pi")["metadata"]["uid"]
        assert lk("get", "job", "pi", "-o", "wide").stdout == (
            "NAME   STATUS     COMPLETIONS   DURATION   AGE   CONTAINERS   IMAGES        SELECTOR\n"
            f"pi     Complete   1/1           7s         7s    pi           perl:5.34.0   "
            f"batch.kubernetes.io/controller-uid={uid}\n")

    def test_status_as_the_job_controller_writes_it(self, lk):
        lk("apply", "-f", manifest("job.yaml"))
        status = get_json(lk, "job", "pi")["status"]
        assert status == {
            "completionTime": "2026-01-01T00:00:07Z",
            "conditions": [
                {"lastProbeTime": "2026-01-01T00:00:07Z", "lastTransitionTime": "2026-01-01T00:00:07Z",
                 "message": "Reached expected number of succeeded pods", "reason": "CompletionsReached",
                 "status": "True", "type": "SuccessCriteriaMet"},
                {"lastProbeTime": "2026-01-01T00:00:07Z", "lastTransitionTime": "2026-01-01T00:00:07Z",
                 "message": "Reached expected number of succeeded pods", "reason": "CompletionsReached",
                 "status": "True", "type": "Complete"}],
            "ready": 0, "startTime": "2026-01-01T00:00:00Z", "succeeded": 1, "terminating": 0,
            "uncountedTerminatedPods": {}}

    def test_the_pod_lost_its_tracking_finalizer_once_counted(self, lk):
        lk("apply", "-f", manifest("job.yaml"))
        pod = get_json(lk, "pods")["items"][0]
        assert "finalizers" not in pod["metadata"]
        assert pod["metadata"]["ownerReferences"][0]["kind"] == "Job"

    def test_describe(self, lk):
        lk("apply", "-f", manifest("job.yaml"))
        uid = get_json(lk, "job", "pi")["metadata"]["uid"]
        pod = get_json(lk, "pods")["items"][0]["metadata"]["name"]
        assert lk("describe", "job", "pi").stdout == f"""\
Name:             pi
Namespace:        default
Selector:         batch.kubernetes.io/controller-uid={uid}
Labels:           batch.kubernetes.io/controller-uid={uid}
                  batch.kubernetes.io/job-name=pi
                  controller-uid={uid}
                  job-name=pi
Annotations:      <none>
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Suspend:          false
Backoff Limit:    4
Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
Completed At:     Thu, 01 Jan 2026 00:00:07 +0000
Duration:         7s
Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed
Pod Template:
  Labels:  batch.kubernetes.io/controller-uid={uid}
           batch.kubernetes.io/job-name=pi
           controller-uid={uid}
           job-name=pi
  Containers:
   pi:
    Image:      perl:5.34.0
    Port:       <none>
    Host Port:  <none>
    Command:
      perl
      -Mbignum=bpi
      -wle
      print bpi(2000)
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:
  Type    Reason            Age   From            Message
  ----    ------            ----  ----            -------
  Normal  SuccessfulCreate  7s    job-controller  Created pod: {pod}
  Normal  Completed         0s    job-controller  Job completed
"""

    def test_an_own_selector_needs_manual_selector(self, lk, tmp_path):
        doc = yaml.safe_load((MANIFESTS / "job.yaml").read_text())
        doc["spec"]["selector"] = {"matchLabels": {"app": "pi"}}
        doc["spec"]["template"]["metadata"] = {"labels": {"app": "pi"}}
        path = tmp_path / "sel.yaml"
        path.write_text(yaml.safe_dump(doc))
        result = lk("apply", "-f", str(path))
        assert result.exit_code == 1
        assert re.fullmatch(
            r'The Job "pi" is invalid: spec.selector: Invalid value: v1.LabelSelector\{MatchLabels:map\[string\]string'
            r'\{"app":"pi", "batch.kubernetes.io/controller-uid":"[0-9a-f-]+"\}, '
            r'MatchExpressions:\[\]v1.LabelSelectorRequirement\(nil\)\}: `selector` not auto-generated '
            rf'\(error when creating "{re.escape(str(path))}"\)\n', result.stderr)
        assert lk("get", "jobs").stderr == "No resources found in default namespace.\n"
        doc["spec"]["manualSelector"] = True
        path.write_text(yaml.safe_dump(doc))
        assert lk("apply", "-f", str(path)).stdout == "job.batch/pi created\n"
        assert get_json(lk, "job", "pi")["spec"]["selector"] == {"matchLabels": {"app": "pi"}}


class TestDocumentationExamples:
    @pytest.mark.parametrize("name,job,completions", [
        ("indexed-job.yaml", "indexed-job", "5/5"),
        ("job-wq-2.yaml", "job-wq-2", "2/1 of 2"),
        ("job-pod-failure-policy-example.yaml", "job-pod-failure-policy-example", "12/12"),
        ("job-pod-failure-policy-failjob.yaml", "job-pod-failure-policy-failjob", "8/8"),
        ("job-pod-failure-policy-ignore.yaml", "job-pod-failure-policy-ignore", "4/4"),
        ("job-backoff-limit-per-index-example.yaml", "job-backoff-limit-per-index-example", "10/10"),
        ("job-success-policy.yaml", "job-success", "10/10"),
    ])
    def test_applies_unchanged_and_completes(self, lk, name, job, completions):
        assert lk("apply", "-f", manifest(name)).stdout == f"job.batch/{job} created\n"
        row = re.split(r"\s{2,}", lk("get", "job", job, "--no-headers").stdout.strip())
        assert row[1:3] == ["Complete", completions]

    def test_indexed_job_pods(self, lk):
        lk("apply", "-f", manifest("indexed-job.yaml"))
        pods = sorted(get_json(lk, "pods")["items"], key=lambda p: p["metadata"]["name"])
        assert [p["spec"]["hostname"] for p in pods] == [f"indexed-job-{i}" for i in range(5)]
        assert [p["metadata"]["labels"]["batch.kubernetes.io/job-completion-index"] for p in pods] == list("01234")
        assert all(p["metadata"]["name"].startswith(f"indexed-job-{i}-") for i, p in enumerate(pods))
        status = get_json(lk, "job", "indexed-job")["status"]
        assert status["completedIndexes"] == "0-4" and status["succeeded"] == 5
        described = lk("describe", "job", "indexed-job").stdout
        assert "Completion Mode:    Indexed\n" in described and "Completed Indexes:  0-4\n" in described

    def test_fail_job_rule(self, lk, tmp_path):
        """The FailJob example with its pods exiting 42, as its command does."""
        path = with_annotations("job-pod-failure-policy-failjob.yaml", tmp_path,
                                {"sim.litekube.io/exit-after": "30s", "sim.litekube.io/exit-code": "42"})
        lk("apply", "-f", path)
        assert lk("get", "job", "job-pod-failure-policy-failjob", "--no-headers").stdout.split()[1:3] == [
            "Failed", "0/8"]
        conditions = get_json(lk, "job", "job-pod-failure-policy-failjob")["status"]["conditions"]
        assert [c["type"] for c in conditions] == ["FailureTarget", "Failed"]
        assert conditions[1]["reason"] == "PodFailurePolicy"
        assert re.fullmatch(r"Container main for pod default/job-pod-failure-policy-failjob-[a-z0-9]{5} failed with "
                            r"exit code 42 matching FailJob rule at index 0", conditions[1]["message"])


class TestFailures:
    def test_backoff_limit_with_growing_backoff(self, lk, tmp_path):
        path = with_annotations("job.yaml", tmp_path, {"sim.litekube.io/exit-after": "2s",
                                                         "sim.litekube.io/exit-code": "1"}, backoffLimit=2)
        lk("apply", "-f", path)
        assert lk("get", "job", "pi").stdout == (
            "NAME   STATUS   COMPLETIONS   DURATION   AGE\n"
            "pi     Failed   0/1           40s        40s\n")
        status = get_json(lk, "job", "pi")["status"]
        assert status["failed"] == 3 and [c["type"] for c in status["conditions"]] == ["FailureTarget", "Failed"]
        assert status["conditions"][1]["reason"] == "BackoffLimitExceeded"
        starts = sorted(p["metadata"]["creationTimestamp"] for p in get_json(lk, "pods")["items"])
        # The first pod fails at 3 s (1 s to start, 2 s to run); its replacement comes 10 s after that failure,
        # the third 20 s after the second's (at 16 s); the third fails at 39 s, seen at 40 s (the 1 s batch).
        assert starts == ["2026-01-01T00:00:00Z", "2026-01-01T00:00:13Z", "2026-01-01T00:00:36Z"]
        events = lk("describe", "job", "pi").stdout.split("Events:")[1]
        assert "Warning  BackoffLimitExceeded  0s    job-controller  Job has reached the specified backoff limit" \
            in events

    def test_active_deadline(self, lk, tmp_path):
        path = with_annotations("job.yaml", tmp_path, {"sim.litekube.io/exit-after": "1h"}, activeDeadlineSeconds=30)
        lk("apply", "-f", path)
        # A failed Job has no completionTime: DURATION keeps counting from its start, as kubectl prints it.
        assert lk("get", "job", "pi", "--no-headers").stdout.split()[1:4] == ["Failed", "0/1", "61s"]
        conditions = get_json(lk, "job", "pi")["status"]["conditions"]
        # FailureTarget at the deadline; Failed once the pod is gone (its 30 s grace period, the 1 s batch).
        assert [(c["type"], c["reason"], c["lastTransitionTime"]) for c in conditions] == [
            ("FailureTarget", "DeadlineExceeded", "2026-01-01T00:00:30Z"),
            ("Failed", "DeadlineExceeded", "2026-01-01T00:01:01Z")]
        assert lk("get", "pods").stderr == "No resources found in default namespace.\n"  # deleted and gone

    def test_on_failure_restarts_count_toward_the_backoff_limit(self, lk, tmp_path):
        path = with_annotations("job-wq-2.yaml", tmp_path, {"sim.litekube.io/crash-after": "1s"}, backoffLimit=2)
        lk("apply", "-f", path)
        conditions = get_json(lk, "job", "job-wq-2")["status"]["conditions"]
        assert conditions[-1]["type"] == "Failed" and conditions[-1]["reason"] == "BackoffLimitExceeded"


class TestLifecycle:
    def test_ttl_after_finished_deletes_the_job_and_its_pods(self, lk, tmp_path):
        path = with_annotations("job.yaml", tmp_path, {}, ttlSecondsAfterFinished=100)
        lk("apply", "-f", path)
        assert "Complete" in lk("get", "job", "pi").stdout  # a settle does not wait for the TTL
        lk("advance", "99s")
        assert "Complete" in lk("get", "job", "pi").stdout
        lk("advance", "1s")
        assert lk("get", "jobs,pods").stderr == "No resources found in default namespace.\n"

    def test_suspend_and_resume(self, lk, tmp_path):
        path = with_annotations("job.yaml", tmp_path, {"sim.litekube.io/exit-after": "1h"}, suspend=True)
        lk("apply", "-f", path)
        assert lk("get", "job", "pi", "--no-headers").stdout.split()[1:3] == ["Suspended", "0/1"]
        assert "startTime" not in get_json(lk, "job", "pi")["status"]
        lk("advance", "10m")
        resumed = with_annotations("job.yaml", tmp_path, {"sim.litekube.io/exit-after": "1h"}, suspend=False)
        lk("apply", "-f", resumed)
        status = get_json(lk, "job", "pi")["status"]
        assert status["startTime"] == "2026-01-01T00:10:00Z" and status["active"] == 1
        assert [(c["type"], c["status"], c["reason"]) for c in status["conditions"]] == [
            ("Suspended", "False", "JobResumed")]

    def test_deleting_a_running_job_leaves_no_pod_behind(self, lk, tmp_path):
        path = with_annotations("job.yaml", tmp_path, {"sim.litekube.io/exit-after": "1h"})
        lk("apply", "-f", path)
        assert lk("delete", "job", "pi").stdout == 'job.batch "pi" deleted\n'
        assert lk("get", "jobs,pods").stderr == "No resources found in default namespace.\n"


class TestCronJob:
    def test_advance_an_hour_on_every_five_minutes(self, lk, tmp_path):
        path = with_annotations("cronjob.yaml", tmp_path, {}, schedule="*/5 * * * *")
        assert lk("apply", "-f", path).stdout == "cronjob.batch/hello created\n"
        assert lk("get", "cj").stdout == (
            "NAME    SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE\n"
            "hello   */5 * * * *   <none>     False     0        <none>          0s\n")
        lk("advance", "1h")
        minute = int(T0) // 60
        # 00:05 ... 00:55: eleven Jobs; the 01:00 one is made 100 ms after the hour, past the advance.
        assert lk("get", "cj,jobs").stdout == (
            "NAME                  SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE\n"
            "cronjob.batch/hello   */5 * * * *   <none>     False     0        5m              60m\n\n"
            "NAME                       STATUS     COMPLETIONS   DURATION   AGE\n"
            f"job.batch/hello-{minute + 45}   Complete   1/1           7s         15m\n"
            f"job.batch/hello-{minute + 50}   Complete   1/1           7s         10m\n"
            f"job.batch/hello-{minute + 55}   Complete   1/1           7s         5m\n")
        events = [e for e in get_json(lk, "events")["items"] if e["involvedObject"]["kind"] == "CronJob"]
        created = [e["message"] for e in events if e["reason"] == "SuccessfulCreate"]
        assert created == [f"Created job hello-{minute + m}" for m in range(5, 60, 5)]
        assert len([e for e in events if e["reason"] == "SuccessfulDelete"]) == 8
        lk("advance", "1s")
        job = get_json(lk, "job", f"hello-{minute + 60}")
        assert job["metadata"]["annotations"] == {
            "batch.kubernetes.io/cronjob-scheduled-timestamp": "2026-01-01T01:00:00Z"}
        assert job["metadata"]["ownerReferences"][0]["name"] == "hello"
        # The reference names the Job as its create answer had it: its uid, and the revision that created it.
        store = Store(str(lk.db))
        added = next(c.revision for c in store.changes(0, limit=100_000)
                     if c.kind == "Job" and c.name == f"hello-{minute + 60}" and c.type == "ADDED")
        store.close()
        active = get_json(lk, "cj", "hello")["status"]["active"]
        assert active == [{"apiVersion": "batch/v1", "kind": "Job", "name": f"hello-{minute + 60}",
                           "namespace": "default", "resourceVersion": str(added), "uid": job["metadata"]["uid"]}]

    def test_describe(self, lk):
        lk("apply", "-f", manifest("cronjob.yaml"))
        lk("advance", "90s")
        minute = int(T0) // 60
        out = lk("describe", "cj", "hello").stdout
        assert out.startswith("""\
Name:                          hello
Namespace:                     default
Labels:                        <none>
Annotations:                   <none>
Schedule:                      * * * * *
Concurrency Policy:            Allow
Suspend:                       False
Successful Job History Limit:  3
Failed Job History Limit:      1
Starting Deadline Seconds:     <unset>
Selector:                      <unset>
Parallelism:                   <unset>
Completions:                   <unset>
Pod Template:
  Labels:  <none>
  Containers:
   hello:
    Image:      busybox:1.28
""")
        assert out.split("Tolerations:")[1] == f"""       <none>
Last Schedule Time:  Thu, 01 Jan 2026 00:01:00 +0000
Active Jobs:         <none>
Events:
  Type    Reason            Age   From                Message
  ----    ------            ----  ----                -------
  Normal  SuccessfulCreate  30s   cronjob-controller  Created job hello-{minute + 1}
  Normal  SawCompletedJob   23s   cronjob-controller  Saw completed job: hello-{minute + 1}, status: Complete
"""

    def test_create_job_from_a_cronjob(self, lk):
        lk("apply", "-f", manifest("cronjob.yaml"))
        assert lk("create", "job", "manual", "--from=cronjob/hello").stdout == "job.batch/manual created\n"
        job = get_json(lk, "job", "manual")
        cj = get_json(lk, "cj", "hello")
        assert job["metadata"]["annotations"] == {"cronjob.kubernetes.io/instantiate": "manual"}
        assert job["metadata"]["ownerReferences"] == [{"apiVersion": "batch/v1", "controller": True,
                                                       "kind": "CronJob", "name": "hello",
                                                       "uid": cj["metadata"]["uid"]}]
        assert lk("get", "job", "manual", "--no-headers").stdout.split()[1:3] == ["Complete", "1/1"]
        events = lk("describe", "cj", "hello").stdout
        assert "Warning  UnexpectedJob" in events and "forgot: manual" in events

    @pytest.mark.parametrize("args,message", [
        (["create", "job", "x"], "error: either --image or --from must be specified\n"),
        (["create", "job", "x", "--image=busybox", "--from=cronjob/hello"],
         "error: either --image or --from must be specified\n"),
        (["create", "job", "x", "--from=cronjob/hello", "--", "date"], "error: cannot specify --from and command\n"),
        (["create", "job", "x", "--from=cronjob/nope"],
         'Error from server (NotFound): cronjobs.batch "nope" not found\n'),
        (["create", "job"], "error: exactly one NAME is required, got 0\n"),
        (["create"], "error: must specify one of -f and -k\n"),
    ])
    def test_create_job_errors(self, lk, args, message):
        lk("apply", "-f", manifest("cronjob.yaml"))
        result = lk(*args)
        assert (result.exit_code, result.stderr) == (1, message)
        assert "job.batch/x" not in lk("get", "jobs", "-o", "name").stdout

    def test_create_job_from_an_image(self, lk):
        assert lk("create", "job", "once", "--image=busybox", "--", "date").stdout == "job.batch/once created\n"
        job = get_json(lk, "job", "once")
        assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["date"]
        assert lk("create", "job", "once", "--image=busybox").stderr == (
            'error: failed to create job: jobs.batch "once" already exists\n')
        assert lk("create", "job", "dry", "--image=busybox", "--dry-run=client").stdout == \
            "job.batch/dry created (dry run)\n"
        assert "job.batch/dry" not in lk("get", "jobs", "-o", "name").stdout

    def test_create_job_client_dry_run_prints_what_kubectl_encodes(self, lk):
        # Recorded from kubectl v1.32.4 (`kubectl create job j --image=busybox --dry-run=client -o yaml`):
        # the typed struct's zero values, and a namespace only when -n names one.
        expected = """apiVersion: batch/v1
kind: Job
metadata:
  creationTimestamp: null
  name: j
{namespace}spec:
  template:
    metadata:
      creationTimestamp: null
    spec:
      containers:
      - image: busybox
        name: j
        resources: {{}}
      restartPolicy: Never
status: {{}}
"""
        assert lk("create", "job", "j", "--image=busybox", "--dry-run=client", "-o", "yaml").stdout == \
            expected.format(namespace="")
        assert lk("create", "job", "j", "--image=busybox", "-n", "foo", "--dry-run=client", "-o", "yaml").stdout == \
            expected.format(namespace="  namespace: foo\n")
        printed = lk("create", "job", "j", "--image=busybox", "--dry-run=client", "-o", "json", "--", "date").stdout
        assert printed.startswith('{\n    "kind": "Job",\n    "apiVersion": "batch/v1",\n')
        assert json.loads(printed)["spec"]["template"]["spec"]["containers"][0]["command"] == ["date"]
        assert lk("create", "job", "j", "--image=busybox", "--dry-run=client",
                  "-o", "jsonpath={.metadata.name}").stdout == "j"
        assert "job.batch/j" not in lk("get", "jobs", "-o", "name").stdout

    def test_create_still_takes_files(self, lk):
        assert lk("create", "-f", manifest("job.yaml")).stdout == "job.batch/pi created\n"

    def test_forbid_and_time_zone(self, lk, tmp_path):
        path = with_annotations("cronjob.yaml", tmp_path, {"sim.litekube.io/exit-after": "150s"},
                                concurrencyPolicy="Forbid", timeZone="Asia/Tokyo")
        lk("apply", "-f", path)
        assert re.split(r"\s{2,}", lk("get", "cj", "--no-headers").stdout.strip())[1:4] == [
            "* * * * *", "Asia/Tokyo", "False"]
        lk("advance", "5m")
        names = sorted(j["metadata"]["name"] for j in get_json(lk, "jobs")["items"])
        minute = int(T0) // 60
        # Runs of 2.5 min every minute, one at a time: the 00:01 run ends at 00:03:32, when the 00:03 run (missed
        # while it ran) starts late; 00:02, 00:04 and 00:05 are JobAlreadyActive. The run started on schedule is
        # periodic work: the settle after the advance does not wait for it.
        assert names == [f"hello-{minute + 1}", f"hello-{minute + 3}"]
        assert lk("get", "jobs", "--no-headers").stdout.split()[1::5] == ["Complete", "Running"]
        job = get_json(lk, "job", f"hello-{minute + 1}")
        assert job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] == \
            "2026-01-01T09:01:00+09:00"
