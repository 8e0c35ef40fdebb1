"""A Service's endpoints through the real CLI: `get endpointslices -w` during a rollout, `describe service`.

The watch is the CLI's own (`litekube get endpointslices -w` in a process of its
own, reading the changelog as another process rolls the Deployment out); the
test waits for rows, never for a fixed time.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

WEB = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        ports: [{{name: http, containerPort: 8080}}]
---
apiVersion: v1
kind: Service
metadata: {{name: web}}
spec:
  selector: {{app: web}}
  ports: [{{name: http, port: 80, targetPort: http}}]
"""


def _wait_for(predicate, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


class Output:
    """A process' stdout read line by line in a thread."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[str] = []
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            self.lines.append(line.rstrip("\n"))


@pytest.fixture
def cli(tmp_path):
    env = {**os.environ, "LITEKUBE_DB": str(tmp_path / "w.db"), "PYTHONUNBUFFERED": "1"}
    procs: list[subprocess.Popen] = []

    def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], env=env, input=input,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done

    def start(*args: str) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        procs.append(proc)
        return proc

    run("init", "--nodes", "2")
    yield run, start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def pod_ips(run) -> set[str]:
    rows = [line.split() for line in run("get", "pods", "-l", "app=web", "-o", "wide", "--no-headers").stdout
            .splitlines()]
    return {r[5] for r in rows if r[2] == "Running"}


def test_a_rollout_moves_endpoints_in_and_out_of_the_watched_slice(cli):
    run, start = cli
    run("apply", "-f", "-", input=WEB.format(replicas=3))
    old_ips = pod_ips(run)
    watcher = start("get", "endpointslices", "-w", "-l", "kubernetes.io/service-name=web",
                    "--request-timeout", "120s")
    out = Output(watcher)
    assert _wait_for(lambda: len(out.lines) >= 2), out.lines  # the header and the listed slice
    header, first = out.lines[0].split(), out.lines[1].split()
    assert header == ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
    assert first[1:3] == ["IPv4", "8080"] and set(first[3].split(",")) == old_ips
    run("set", "image", "deployment/web", "app=nginx:1.28")
    new_ips = pod_ips(run)
    assert len(new_ips) == 3 and not new_ips & old_ips

    def endpoints(line: str) -> str:
        return line.split("8080", 1)[1].rsplit(None, 1)[0].strip()

    assert _wait_for(lambda: out.lines and set(endpoints(out.lines[-1]).split(",")) == new_ips), out.lines
    watcher.kill()
    shown: list[str] = []
    for line in out.lines[1:]:  # consecutive writes that change no listed address print the same row
        if not shown or endpoints(line) != shown[-1]:
            shown.append(endpoints(line))
    old, new = shown[0].split(","), shown[-1].split(",")
    # surge one new pod at a time (maxSurge 1, maxUnavailable 0 for 3 replicas): each joins the slice
    # when created and the old pods stay in it, terminating, until they are gone
    assert shown == [",".join(old), f"{','.join(old)} + 1 more...", f"{','.join(old)} + 2 more...",
                     f"{','.join(old)} + 3 more...", f"{','.join(old[1:] + new[:1])} + 2 more...",
                     f"{','.join(old[2:] + new[:2])} + 1 more...", ",".join(new)]


def test_describe_service_reads_the_slices(cli):
    run, _ = cli
    run("apply", "-f", "-", input=WEB.format(replicas=5))
    ips = sorted(pod_ips(run), key=lambda ip: tuple(int(p) for p in ip.split(".")))
    slices = run("get", "endpointslices", "-l", "kubernetes.io/service-name=web", "--no-headers").stdout.split()
    listed = slices[3].split(",")  # the slice's order, which describe follows
    assert set(listed) <= set(ips) and slices[4:7] == ["+", "2", "more..."]
    text = run("describe", "service", "web").stdout
    assert f"Endpoints:                {','.join(ip + ':8080' for ip in listed)} + 2 more...\n" in text
    run("scale", "deployment/web", "--replicas=0")
    assert "Endpoints:                \n" in run("describe", "service", "web").stdout  # a slice, no endpoints
