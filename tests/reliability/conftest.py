"""Fixtures of the reliability suite: template databases; the figures printed at the end of a run."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability import harness

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 6
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        resources:
          requests: {cpu: 100m}
"""


def _checkpointed(db: Path) -> Path:
    import sqlite3

    with sqlite3.connect(str(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


@pytest.fixture(scope="session")
def empty_cluster(tmp_path_factory) -> Path:
    """A new cluster of 3 nodes, settled."""
    db = tmp_path_factory.mktemp("templates") / "empty.db"
    assert harness.invoke(db, "init").exit_code == 0
    return _checkpointed(db)


@pytest.fixture(scope="session")
def web_cluster(tmp_path_factory) -> Path:
    """3 nodes and a Deployment `web` of 6 replicas, rolled out."""
    db = tmp_path_factory.mktemp("templates") / "web.db"
    assert harness.invoke(db, "init").exit_code == 0
    assert harness.invoke(db, "apply", "-f", "-", input=WEB).exit_code == 0
    assert harness.converged(db) == []
    return _checkpointed(db)


def pytest_terminal_summary(terminalreporter) -> None:
    if not harness.FIGURES:
        return
    terminalreporter.section(f"reliability figures ({'long' if harness.LONG else 'short'} mode)")
    for name, figures in harness.FIGURES.items():
        terminalreporter.line(f"{name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
