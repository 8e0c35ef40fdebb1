"""Hours of cluster churn in virtual time keep the store bounded.

A crash-looping Deployment (an Event and a restart every few minutes per
pod), a Deployment scaled up and down every 5 minutes and rolled out to a
new image every 10, a ConfigMap rewritten every 5, with the changelog
history set to HISTORY revisions. The bounds, checked every cluster hour:

- the changelog holds at most HISTORY + 1,000 (a compaction batch) + the
  rows of one command's settle (at most 2,000 here): 5,000 rows;
- no object whose time to live has passed is left (Events expire 1 h after
  their last write), so Events stop growing after the first hour;
- on SQLite, the -wal file stays under 8 MiB (database.WAL_LIMIT, after
  checkpoints), and the database file grows by less than 25% from one
  hour to the next (compacted and expired rows free pages that are
  reused), and stays under 32 MiB (a PostgreSQL server keeps its own
  files: the row bounds are checked there).
"""
from __future__ import annotations

import os

from litekube.store import database
from tests.reliability import harness

HISTORY = 2000
CRASHING = """apiVersion: apps/v1
kind: Deployment
metadata: {name: crash}
spec:
  replicas: 3
  selector: {matchLabels: {app: crash}}
  template:
    metadata:
      labels: {app: crash}
      annotations: {sim.litekube.io/crash-after: 45s}
    spec:
      containers:
      - {name: app, image: busybox}
"""


def _figures(db) -> dict:
    (now,), = harness.rows(db, "SELECT now FROM clock")
    (changelog, objects, events, expired), = harness.rows(
        db, "SELECT (SELECT COUNT(*) FROM changelog), (SELECT COUNT(*) FROM objects), "
            "(SELECT COUNT(*) FROM objects WHERE kind = 'Event'), (SELECT COUNT(*) FROM objects WHERE expires <= ?)",
        (now,))
    figures = {"changelog": changelog, "objects": objects, "events": events, "expired": expired}
    if os.path.exists(db):  # an SQLite file (under LITEKUBE_TEST_CLI_DB a PostgreSQL database has none)
        figures["db_bytes"] = os.path.getsize(db)
        figures["wal_bytes"] = os.path.getsize(str(db) + "-wal") if os.path.exists(str(db) + "-wal") else 0
    return figures


def test_hours_of_churn_stay_bounded(web_cluster, tmp_path, monkeypatch, cli_db):
    monkeypatch.setenv("LITEKUBE_HISTORY", str(HISTORY))
    db = harness.copy_db(web_cluster, tmp_path / "g.db")
    assert harness.invoke(db, "apply", "-f", "-", input=CRASHING).exit_code == 0
    hours = harness.scaled(2, 6)
    per_hour = []
    step = 0
    for _hour in range(hours):
        for _ in range(12):  # 5-minute steps
            step += 1
            for args in (["scale", "deployment/web", f"--replicas={3 + step % 6}"],
                         *([["set", "image", "deployment/web", f"app=nginx:1.{step % 7 + 20}"]] if step % 2 else []),
                         ["advance", "5m"]):
                result = harness.invoke(db, *args)
                assert result.exit_code == 0, (args, result.stderr)
            churn = harness.invoke(db, "apply", "-f", "-", input=(
                f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: churn}}\ndata: {{step: '{step}'}}\n"))
            assert churn.exit_code == 0, churn.stderr
        per_hour.append(_figures(db))
    on_file = "db_bytes" in per_hour[0]
    for figures in per_hour:
        assert figures["changelog"] <= HISTORY + 1000 + 2000, figures
        assert figures["expired"] == 0, figures
        if on_file:
            assert figures["wal_bytes"] <= database.WAL_LIMIT + 1024 * 1024, figures
            assert figures["db_bytes"] <= 32 * 1024 * 1024, figures
    for before, after in zip(per_hour, per_hour[1:]):
        assert not on_file or after["db_bytes"] <= 1.25 * before["db_bytes"], per_hour
    assert per_hour[-1]["events"] <= 1.25 * per_hour[1 if hours > 1 else 0]["events"] + 50, per_hour
    last = per_hour[-1]
    harness.FIGURES[f"growth ({cli_db})"] = {
        "cluster hours": hours, "commands": step * 4, "changelog rows (bound 5000)": last["changelog"],
        "objects": last["objects"], "events": "/".join(str(f["events"]) for f in per_hour),
        **({"db MiB per hour": "/".join(f"{f['db_bytes'] / 2 ** 20:.1f}" for f in per_hour),
            "max wal MiB": round(max(f["wal_bytes"] for f in per_hour) / 2 ** 20, 1)} if on_file else {})}
