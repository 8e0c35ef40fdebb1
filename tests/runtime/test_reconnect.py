"""A PostgreSQL server that restarts under a running control plane: `litekube run` and `serve` reconnect.

Each test starts its own throwaway server (tests/pgserver.py), so restarting
it ends no other test's sessions; a durable one (fsync and synchronous
commits on), because a crash (`immediate`) of the tests' fsync=off server
loses commits it acknowledged, and revisions a watcher saw would come back
with other writes.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from litekube.store import Store
from tests import pgserver

ROOT = Path(__file__).resolve().parents[2]

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - {{name: app, image: nginx:1.27}}
"""


@pytest.fixture
def server():
    yield from pgserver.running(pgserver.Server(durable=True))


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _running(command, app: str) -> int:
    out = command("get", "pods", "-l", f"app={app}", "--no-headers").stdout
    return sum(1 for line in out.splitlines() if line.split()[2:3] == ["Running"])


def test_run_goes_on_after_the_server_restarts(server, tmp_path):
    url = server.database()
    env = {**os.environ, "LITEKUBE_DB": url, "PYTHONUNBUFFERED": "1"}

    def command(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], env=env, input=input,
                              capture_output=True, text=True, timeout=60)

    assert command("init").returncode == 0
    errors = open(tmp_path / "run.err", "w+")
    run = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "run"], env=env, stdout=subprocess.DEVNULL,
                           stderr=errors, text=True)
    try:
        # leading before the first apply: an apply settling under the control-plane lock as `run`
        # starts would make it stand by first (correct, but not the sequence this test follows)
        assert _wait_for(lambda: "litekube: leading" in (tmp_path / "run.err").read_text(), 60), \
            (tmp_path / "run.err").read_text()
        assert command("apply", "-f", "-", input=WEB.format(name="before")).returncode == 0
        assert _wait_for(lambda: _running(command, "before") == 2, 90), command("get", "pods").stdout
        for mode in ("fast", "immediate"):  # a clean shutdown, then a crash
            server.restart(mode)
            name = f"after-{mode}"
            applied = command("apply", "-f", "-", input=WEB.format(name=name))
            assert (applied.returncode, applied.stdout) == (0, f"deployment.apps/{name} created\n")
            assert _wait_for(lambda: _running(command, name) == 2, 90), \
                (command("get", "pods").stdout, open(tmp_path / "run.err").read())
            assert run.poll() is None
        store = Store(url)
        assert store.lock_holder() is None  # no command settled it: the running `run` did, leading all along
        store.close()
    finally:
        run.terminate()
        run.wait(timeout=30)
        errors.close()
    said = (tmp_path / "run.err").read_text().splitlines()
    assert [line.split(" as ")[0] for line in said] == ["litekube: leading", "litekube: stopped"], said


def test_serve_answers_again_after_the_server_restarts(server, tmp_path):
    from tests.serve.servers import Served

    served = Served(tmp_path, db=server.database())
    try:
        served.kubectl("apply", "-f", "-", input=WEB.format(name="before"))
        pods = lambda app: served.kubectl("get", "pods", "-l", f"app={app}", "--no-headers",  # noqa: E731
                                          check=False).stdout
        running = lambda app: sum(line.split()[2:3] == ["Running"] for line in pods(app).splitlines())  # noqa: E731
        assert _wait_for(lambda: running("before") == 2, 90), pods("before")
        server.restart("immediate")
        applied = served.kubectl("apply", "-f", "-", input=WEB.format(name="after"))
        assert applied.stdout == "deployment.apps/after created\n"
        assert _wait_for(lambda: running("after") == 2, 90), (pods(""), "".join(served.printed))
        assert served.proc.poll() is None
    finally:
        served.stop()


def _end_sessions(pg_server, url: str) -> int:
    """End every session on the database of `url`, as a server restart does; how many."""
    import psycopg

    name = url.split("?", 1)[0].rsplit("/", 1)[1]
    with psycopg.connect(f"host={pg_server.socket} user=postgres dbname=postgres", autocommit=True) as conn:
        return len(conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                                "AND pid <> pg_backend_pid()", (name,)).fetchall())


def test_the_store_connects_again_at_the_next_transaction(pg_server, pg_database):
    from litekube import errors

    store = Store(pg_database)
    with store.write() as writer:
        writer.create("ConfigMap", "default", "a", "a", {"kind": "ConfigMap", "metadata": {"name": "a"}})
    assert store.revision() == 1
    assert _end_sessions(pg_server, pg_database) >= 2  # the read and the write connection
    assert store.revision() == 1  # a read: BEGIN found the connection gone, and ran again on a new one
    assert _end_sessions(pg_server, pg_database) == 1  # the new read connection (the write one is gone already)
    with store.write() as writer:  # a write: its first statement, likewise
        assert writer.get("ConfigMap", "default", "a") is not None
        writer.create("ConfigMap", "default", "b", "b", {"kind": "ConfigMap", "metadata": {"name": "b"}})
    # a transaction that loses its connection midway fails whole, in one line; the next one works
    with pytest.raises(errors.StoreUnavailable, match="^lost the connection to the database: "):
        with store.write() as writer:
            writer.create("ConfigMap", "default", "c", "c", {"kind": "ConfigMap", "metadata": {"name": "c"}})
            _end_sessions(pg_server, pg_database)
            writer.create("ConfigMap", "default", "d", "d", {"kind": "ConfigMap", "metadata": {"name": "d"}})
    with store.read() as reader:
        assert [o.name for o in reader.list("ConfigMap")] == ["a", "b"]
    assert [c.revision for c in store.changes(0)] == [1, 2]
    store.close()
