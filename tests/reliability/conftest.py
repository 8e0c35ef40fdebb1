"""Fixtures of the reliability suite: template databases (one per backend, `cli_db`); the figures printed at
the end of a run."""
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
    """An SQLite template's WAL folded into its file (a PostgreSQL one, LITEKUBE_TEST_CLI_DB, has none)."""
    import sqlite3

    if db.exists():
        with sqlite3.connect(str(db)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


@pytest.fixture(scope="session")
def empty_cluster(tmp_path_factory, cli_db) -> Path:
    """A new cluster of 3 nodes, settled."""
    db = tmp_path_factory.mktemp("templates") / "empty.db"
    assert harness.invoke(db, "init").exit_code == 0
    return _checkpointed(db)


@pytest.fixture(scope="session")
def web_cluster(tmp_path_factory, cli_db) -> Path:
    """3 nodes and a Deployment `web` of 6 replicas, rolled out."""
    db = tmp_path_factory.mktemp("templates") / "web.db"
    assert harness.invoke(db, "init").exit_code == 0
    assert harness.invoke(db, "apply", "-f", "-", input=WEB).exit_code == 0
    assert harness.converged(db) == []
    return _checkpointed(db)


@pytest.fixture(autouse=True)
def _figures(request):
    """A test's figures go with its report (user_properties), so that pytest-xdist's workers send them."""
    before = set(harness.FIGURES)
    yield
    for name in set(harness.FIGURES) - before:
        request.node.user_properties.append(("reliability figures", {name: harness.FIGURES.pop(name)}))


def pytest_terminal_summary(terminalreporter) -> None:
    figures: dict[str, dict] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            for key, value in getattr(report, "user_properties", ()):
                if key == "reliability figures" and getattr(report, "when", "") == "teardown":
                    figures.update(value)
    if not figures:
        return
    terminalreporter.section(f"reliability figures ({'long' if harness.LONG else 'short'} mode)")
    for name, values in sorted(figures.items()):
        terminalreporter.line(f"{name}: " + ", ".join(f"{k} {v}" for k, v in values.items()))
