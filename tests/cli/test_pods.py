"""Bare pods through their lifecycle, driven by the simulation annotations and `litekube fault`."""
from __future__ import annotations

import ipaddress
import json

from litekube.model import durations


def pod(name: str, annotations: str = "{}", *, cpu: str = "100m", restart: str = "Always") -> str:
    return (f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  annotations: {annotations}\n"
            f"spec:\n  restartPolicy: {restart}\n  containers:\n  - name: app\n    image: busybox\n"
            f"    resources:\n      requests: {{cpu: {cpu}}}\n")


def row(lk, name: str, *wide: str) -> list[str]:
    return lk("get", "pod", name, "--no-headers", *wide).stdout.split()


def status(lk, name: str) -> dict:
    return json.loads(lk("get", "pod", name, "-o", "json").stdout)["status"]


def seconds(stamp: str) -> float:
    return durations.parse_time(stamp).timestamp()


class TestStartingAndReadiness:
    def test_a_plain_pod_runs_after_the_start_delay(self, lk):
        assert lk("apply", "-f", "-", input=pod("p")).stdout == "pod/p created\n"
        assert lk("get", "pods").stdout == ("NAME   READY   STATUS    RESTARTS   AGE\n"
                                            "p      1/1     Running   0          1s\n")

    def test_readiness_delay(self, lk):
        lk("apply", "-f", "-", input=pod("slow", "{sim.litekube.io/ready-after: 20s}"))
        # settling waits for the readiness: 1s in ContainerCreating, then 20s until Ready
        assert lk("get", "pods").stdout == ("NAME   READY   STATUS    RESTARTS   AGE\n"
                                            "slow   1/1     Running   0          21s\n")
        st = status(lk, "slow")
        ready = next(c for c in st["conditions"] if c["type"] == "Ready")
        started = st["containerStatuses"][0]["state"]["running"]["startedAt"]
        assert seconds(ready["lastTransitionTime"]) - seconds(started) == 20

    def test_never_ready(self, lk):
        lk("apply", "-f", "-", input=pod("never", '{sim.litekube.io/never-ready: "true"}'))
        lk("advance", "2m")
        assert row(lk, "never") == ["never", "0/1", "Running", "0", "2m1s"]
        ready = next(c for c in status(lk, "never")["conditions"] if c["type"] == "Ready")
        assert (ready["status"], ready["reason"]) == ("False", "ContainersNotReady")


class TestExits:
    def test_exit_zero_completes(self, lk):
        lk("apply", "-f", "-", input=pod("job", "{sim.litekube.io/exit-after: 5s}", restart="Never"))
        lk("advance", "10s")
        assert row(lk, "job") == ["job", "0/1", "Completed", "0", "16s"]
        st = status(lk, "job")
        terminated = st["containerStatuses"][0]["state"]["terminated"]
        assert (st["phase"], terminated["reason"], terminated["exitCode"]) == ("Succeeded", "Completed", 0)
        assert seconds(terminated["finishedAt"]) - seconds(terminated["startedAt"]) == 5

    def test_exit_non_zero_is_an_error(self, lk):
        lk("apply", "-f", "-", input=pod("fail", '{sim.litekube.io/exit-after: 5s, sim.litekube.io/exit-code: "3"}',
                                         restart="Never"))
        assert row(lk, "fail")[:4] == ["fail", "0/1", "Error", "0"]
        st = status(lk, "fail")
        terminated = st["containerStatuses"][0]["state"]["terminated"]
        assert (st["phase"], terminated["reason"], terminated["exitCode"]) == ("Failed", "Error", 3)

    def test_crash_after_goes_into_crash_loop_back_off(self, lk):
        lk("apply", "-f", "-", input=pod("crashy", "{sim.litekube.io/crash-after: 10s}"))
        assert row(lk, "crashy") == ["crashy", "1/1", "Running", "0", "1s"]
        lk("advance", "1m")
        first = int(row(lk, "crashy")[3])
        assert first >= 2
        last = status(lk, "crashy")["containerStatuses"][0]["lastState"]["terminated"]
        assert (last["reason"], last["exitCode"]) == ("Error", 1)
        assert seconds(last["finishedAt"]) - seconds(last["startedAt"]) == 10
        seen = set()
        for _ in range(10):
            lk("advance", "30s")
            seen.add(row(lk, "crashy")[2])
        assert "CrashLoopBackOff" in seen
        assert int(row(lk, "crashy")[3]) > first
        events = lk("get", "events", "--field-selector", "involvedObject.name=crashy,reason=BackOff").stdout
        assert "Back-off restarting failed container app in pod crashy_default(" in events


class TestFaults:
    def test_crash_restarts_the_container_once(self, lk):
        lk("apply", "-f", "-", input=pod("web"))
        lk("advance", "10s")
        assert lk("fault", "crash", "web").stdout == "pod/web crashed\n"
        assert row(lk, "web") == ["web", "1/1", "Running", "1", "(0s", "ago)", "11s"]
        lk("advance", "1m")
        assert row(lk, "web") == ["web", "1/1", "Running", "1", "(60s", "ago)", "71s"]  # once, not again

    def test_crash_right_after_the_pod_starts(self, lk):
        """The fault must hit a container that started in the same second as the fault."""
        lk("apply", "-f", "-", input=pod("web"))
        assert lk("fault", "crash", "web").stdout == "pod/web crashed\n"
        assert row(lk, "web") == ["web", "1/1", "Running", "1", "(0s", "ago)", "1s"]

    def test_unready_then_ready(self, lk):
        lk("apply", "-f", "-", input=pod("web"))
        assert lk("fault", "unready", "web").stdout == "pod/web is unready\n"
        assert row(lk, "web")[:3] == ["web", "0/1", "Running"]
        lk("advance", "1m")
        assert row(lk, "web")[:3] == ["web", "0/1", "Running"]
        assert lk("fault", "ready", "web").stdout == "pod/web is ready\n"
        assert row(lk, "web")[:4] == ["web", "1/1", "Running", "0"]

    def test_fault_on_a_missing_pod(self, lk):
        missing = lk("fault", "crash", "nosuch")
        assert (missing.exit_code, missing.stderr) == (1, 'Error from server (NotFound): pods "nosuch" not found\n')


class TestPlacement:
    def test_wide_shows_the_ip_from_the_nodes_pod_cidr(self, lk):
        lk("apply", "-f", "-", input=pod("p"))
        name, ready, phase, restarts, age, ip, node, nominated, gates = row(lk, "p", "-o", "wide")
        assert (name, ready, phase, restarts, age, nominated, gates) == (
            "p", "1/1", "Running", "0", "1s", "<none>", "<none>")
        cidr = json.loads(lk("get", "node", node, "-o", "json").stdout)["spec"]["podCIDR"]
        assert ipaddress.ip_address(ip) in ipaddress.ip_network(cidr)
        assert status(lk, "p")["podIP"] == ip

    def test_an_unschedulable_pod(self, lk):
        lk("apply", "-f", "-", input=pod("huge", cpu="5"))
        assert lk("get", "pods", "-o", "wide").stdout == (
            "NAME   READY   STATUS    RESTARTS   AGE   IP       NODE     NOMINATED NODE   READINESS GATES\n"
            "huge   0/1     Pending   0          0s    <none>   <none>   <none>           <none>\n")
        message = ("0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: "
                   "3 No preemption victims found for incoming pod..")
        assert lk("describe", "pod", "huge").stdout.endswith(
            "Events:\n"
            "  Type     Reason            Age   From               Message\n"
            "  ----     ------            ----  ----               -------\n"
            f"  Warning  FailedScheduling  0s    default-scheduler  {message}\n")
        assert lk("get", "events", "--field-selector", "type=Warning").stdout == (
            "LAST SEEN   TYPE      REASON             OBJECT     MESSAGE\n"
            f"0s          Warning   FailedScheduling   pod/huge   {message}\n")
        condition = next(c for c in status(lk, "huge")["conditions"] if c["type"] == "PodScheduled")
        assert (condition["status"], condition["reason"]) == ("False", "Unschedulable")
