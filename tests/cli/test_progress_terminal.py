"""Progress through the real command: a settle shows its line on a terminal's stderr, and nothing
when stderr is a pipe. The delay before the first line (a second) is set to 0 here, so that the
test does not depend on how long settling takes on a loaded machine."""
from __future__ import annotations

import os
import pty
import subprocess
import sys

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: nginx}]}
"""

CODE = ("import sys; from litekube.runtime import progress; progress.DELAY = 0.0; progress.INTERVAL = 0.0\n"
        "from litekube.entry import main; sys.argv[0] = 'litekube'; main()")


def _run(db, stderr) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CODE, "apply", "-f", "-"], input=DEPLOYMENT.encode(),
                          stdout=subprocess.PIPE, stderr=stderr, env={**os.environ, "LITEKUBE_DB": str(db)},
                          timeout=300)


def _drain(fd: int) -> bytes:
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the terminal's other side is closed and read to the end
            return out
        if not chunk:
            return out
        out += chunk


def test_a_terminal_gets_the_progress_line_and_it_is_erased(tmp_path):
    master, slave = pty.openpty()
    try:
        done = _run(tmp_path / "t.db", slave)
        os.close(slave)
        slave = -1
        shown = _drain(master).decode()
    finally:
        os.close(master)
        if slave >= 0:
            os.close(slave)
    assert done.returncode == 0
    assert done.stdout.decode() == "deployment.apps/web created\n"
    assert "\r\x1b[Kreconciling " in shown and "pods Running " in shown and "cluster time " in shown
    assert shown.endswith("\r\x1b[K")  # the line is erased when settling ends


def test_nothing_when_stderr_is_a_pipe(tmp_path):
    done = _run(tmp_path / "t.db", subprocess.PIPE)
    assert (done.returncode, done.stdout.decode(), done.stderr.decode()) == (0, "deployment.apps/web created\n", "")
