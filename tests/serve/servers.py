"""Running `litekube serve` as a user does, in its own process, and the real kubectl against it."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
KUBECTL = "/usr/bin/kubectl"


def litekube(db: Path, *args: str, timeout: float = 120, check: bool = True,
             input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--db", str(db), *args], capture_output=True,
                            text=True, timeout=timeout, input=input, env={**os.environ, **env} if env else None)
    if check and result.returncode != 0:
        raise AssertionError(f"litekube {' '.join(args)} failed: {result.stdout}{result.stderr}")
    return result


def _wall_reaches_cluster_clock(db: Path, timeout: float = 30) -> None:
    """Wait until the wall clock reaches the cluster's: `init` runs the system pods' 5s start in
    virtual time, and a clock ahead of the wall becomes serve's offset, by which kubectl's ages
    (from its own clock) would differ from the cluster's."""
    from litekube.store import Store

    store = Store(str(db))
    try:
        ahead = store.now()
    finally:
        store.close()
    deadline = time.monotonic() + timeout
    while time.time() < ahead:
        assert time.monotonic() < deadline, "the wall clock never reached the cluster clock"
        time.sleep(min(0.1, ahead - time.time()))


class Served:
    """`litekube --db DB serve --port 0 --kubeconfig FILE`, started and answering."""

    def __init__(self, folder: Path, *serve_args: str, nodes: int = 3, timeout: float = 60,
                 env: dict | None = None, db: str | None = None) -> None:
        self.folder = folder
        self.db = folder / "cluster.db" if db is None else db  # `db`: a database URL (PostgreSQL), made new
        self.kubeconfig = folder / "kubeconfig"
        self.cache = folder / "kube-cache"
        if db is not None or not self.db.exists():
            litekube(self.db, "init", "--nodes", str(nodes))
            _wall_reaches_cluster_clock(self.db)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--db", str(self.db), "serve",
                                      "--port", "0", "--kubeconfig", str(self.kubeconfig), *serve_args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.printed: list[str] = []
        lines: queue.Queue = queue.Queue()

        def pump() -> None:
            for line in self.proc.stdout:  # type: ignore[union-attr]
                self.printed.append(line)
                lines.put(line)
        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + timeout
        self.url = ""
        while not self.url:
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"litekube serve did not start: {self.printed}")
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"litekube serve exited: {self.printed}") from None
                continue
            if "the Kubernetes API at " in line:
                self.url = line.split("the Kubernetes API at ")[1].split()[0]
        config = yaml.safe_load(self.kubeconfig.read_text())
        self.token = config["users"][0]["user"]["token"]
        cluster = config["clusters"][0]["cluster"]
        self.ca_file = None
        if "certificate-authority-data" in cluster:
            import base64
            self.ca_file = folder / "ca.crt"
            self.ca_file.write_bytes(base64.b64decode(cluster["certificate-authority-data"]))

    def kubectl(self, *args: str, timeout: float = 90, check: bool = True, input: str | None = None,
                env: dict | None = None) -> subprocess.CompletedProcess:
        full = {**os.environ, "KUBECONFIG": str(self.kubeconfig), **(env or {})}
        result = subprocess.run([KUBECTL, f"--cache-dir={self.cache}", *args], capture_output=True, text=True,
                                timeout=timeout, env=full, input=input)
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({result.returncode}): "
                                 f"{result.stdout}{result.stderr}")
        return result

    def kubectl_popen(self, *args: str) -> subprocess.Popen:
        env = {**os.environ, "KUBECONFIG": str(self.kubeconfig)}
        return subprocess.Popen([KUBECTL, f"--cache-dir={self.cache}", *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)

    def litekube(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return litekube(self.db, *args, **kwargs)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def wait_for(condition, timeout: float = 60, interval: float = 0.2, what: str = "condition"):
    """Poll `condition()` until it returns a true value (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


class Lines:
    """The stdout lines of a running process, read on a thread as they come."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()

        def reader() -> None:
            for line in proc.stdout:  # type: ignore[union-attr]
                with self._changed:
                    self.lines.append(line.rstrip("\n"))
                    self._changed.notify_all()
        threading.Thread(target=reader, daemon=True).start()

    def wait(self, predicate, timeout: float = 60) -> list[str]:
        """The lines so far, once `predicate(lines)` holds; fails after `timeout` seconds."""
        with self._changed:
            if not self._changed.wait_for(lambda: predicate(self.lines), timeout):
                raise AssertionError(f"the expected lines did not arrive: {self.lines}")
            return list(self.lines)
