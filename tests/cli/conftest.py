"""Fixtures: the real CLI, in-process, on a fresh database file."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from litekube import cli as litekube

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

# A Deployment `web` of nginx pods requesting 100m cpu: `.format(replicas=3, annotations="{}")`.
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
      annotations: {annotations}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        resources:
          requests: {{cpu: 100m}}
"""


class Litekube:
    """Runs `litekube --db <tmp> ARGS...` and returns the click Result."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(litekube.cli, ["--db", str(self.db), *args], input=input,
                                  catch_exceptions=False)


@pytest.fixture
def lk(tmp_path) -> Litekube:
    # LITEKUBE_TEST_CLI_DB=postgresql: the path opens a PostgreSQL database (tests/conftest.py)
    return Litekube(tmp_path / "litekube.db")
