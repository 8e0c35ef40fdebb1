"""What the reliability tests share: the mode, template databases, subprocesses, store invariants.

This module does I/O (databases, files, processes). What it reads of a
database it reads through the store (`rows`), so the tests run on SQLite
files and, under LITEKUBE_TEST_CLI_DB (tests/conftest.py), on PostgreSQL.
The suite runs in a
short mode by default (CI); `LITEKUBE_RELIABILITY=long` runs the long one:

    LITEKUBE_RELIABILITY=long python -m pytest tests/reliability -q -s
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from litekube import cli as litekube

__all__ = ["LONG", "ROOT", "CLI", "FIGURES", "scaled", "copy_db", "invoke", "env_for", "rows", "backend", "integrity",
           "changelog_matches", "converged", "revision", "objects_named"]

LONG = os.environ.get("LITEKUBE_RELIABILITY", "").strip().lower() == "long"
if os.environ.get("LITEKUBE_RELIABILITY", "").strip().lower() not in ("", "short", "long"):
    raise RuntimeError('LITEKUBE_RELIABILITY must be "short" or "long"')
ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, str(ROOT / "cli.py")]
FIGURES: dict[str, dict] = {}  # printed at the end of the run (conftest.py)



def scaled(short: int, long: int) -> int:
    return long if LONG else short


def copy_db(template: Path, target: Path) -> Path:
    """A copy of a (checkpointed, closed) template database (a database under LITEKUBE_TEST_CLI_DB)."""
    from litekube import client

    client.copy(template, str(target))
    return target


def invoke(db: Path, *args: str, input: str | bytes | None = None):
    """The real CLI in this process: `litekube --db DB ARGS`, a click Result."""
    return CliRunner().invoke(litekube.cli, ["--db", str(db), *args], input=input, catch_exceptions=True)


def env_for(db: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "LITEKUBE_DB": str(db), "PYTHONUNBUFFERED": "1", **extra}


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """A query's rows in one read transaction of the store (`?` placeholders, as the store's SQL)."""
    from litekube.store import Store

    store = Store(str(db))
    try:
        with store.read() as reader:
            return [tuple(row) for row in reader._q(sql, params).fetchall()]
    finally:
        store.close()


def backend(db: Path) -> str:
    """The backend the database is on: "sqlite" (a file) or "postgresql" (under LITEKUBE_TEST_CLI_DB)."""
    from litekube.store import Store

    store = Store(str(db))
    try:
        return store.dialect.name
    finally:
        store.close()


def revision(db: Path) -> int:
    return rows(db, "SELECT rev FROM revision")[0][0]


def objects_named(db: Path, names: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Which of (kind, namespace, name) exist."""
    present = set(rows(db, "SELECT kind, namespace, name FROM objects"))
    return [n for n in names if n in present]


def integrity(db: Path) -> str | None:
    """PRAGMA integrity_check's answer ("ok") on an SQLite file; None on PostgreSQL (a server's storage is
    its own: a killed client cannot tear a page of it)."""
    if backend(db) != "sqlite":
        return None
    return rows(db, "PRAGMA integrity_check")[0][0]


def changelog_matches(db: Path) -> list[str]:
    """Problems between the changelog and the objects table (none when the store is sound).

    Every object's resource version is its latest changelog row; revisions are
    dense from the compaction point; and, when nothing was compacted yet,
    replaying the whole changelog gives the objects table exactly.
    """
    problems: list[str] = []
    from litekube.store import Store

    store = Store(str(db))
    try:
        with store.read() as reader:  # one snapshot
            def query(sql: str) -> list[tuple]:
                return [tuple(row) for row in reader._q(sql).fetchall()]

            head = query("SELECT rev FROM revision")[0][0]
            compacted = query("SELECT rev FROM compaction")[0][0]
            revs = [r for (r,) in query("SELECT rev FROM changelog ORDER BY rev")]
            objects = {(k, ns, n): (rv, body) for k, ns, n, rv, body in query(
                "SELECT kind, namespace, name, resource_version, body FROM objects")}
            latest = {(k, ns, n): rev for k, ns, n, rev in query(
                "SELECT kind, namespace, name, MAX(rev) FROM changelog GROUP BY kind, namespace, name")}
            log = query("SELECT rev, op, kind, namespace, name, body FROM changelog ORDER BY rev") \
                if compacted == 0 else []
    finally:
        store.close()
    if revs != list(range(compacted + 1, head + 1)):
        problems.append(f"changelog revisions are not dense {compacted + 1}..{head}")
    for key, (rv, _) in objects.items():
        if latest.get(key) != rv:
            problems.append(f"{key} has resourceVersion {rv}, its latest changelog row is {latest.get(key)}")
    if compacted == 0:
        replay: dict = {}
        for rev, op, k, ns, n, body in log:
            if op == "DELETED":
                replay.pop((k, ns, n), None)
            else:
                replay[(k, ns, n)] = (rev, body)
        if replay != objects:
            missing = set(objects) ^ set(replay)
            problems.append(f"replaying the changelog does not give the objects table: {sorted(missing)[:5]}")
    return problems


def _bodies(db: Path, kind: str) -> list[dict]:
    return [json.loads(b) for (b,) in rows(db, "SELECT body FROM objects WHERE kind = ?", (kind,))]


def converged(db: Path) -> list[str]:
    """Why the cluster is not in its desired state (none when every Deployment has rolled out)."""
    problems: list[str] = []
    pods = _bodies(db, "Pod")
    sets = {rs["metadata"]["uid"]: rs for rs in _bodies(db, "ReplicaSet")}
    for d in _bodies(db, "Deployment"):
        name = f"{d['metadata'].get('namespace')}/{d['metadata']['name']}"
        spec, status = d.get("spec") or {}, d.get("status") or {}
        want = spec.get("replicas", 1)
        got = tuple(status.get(f, 0) for f in ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas"))
        if got != (want,) * 4 or status.get("observedGeneration") != d["metadata"].get("generation"):
            problems.append(f"deployment {name}: status {got}, generation {d['metadata'].get('generation')} "
                            f"observed {status.get('observedGeneration')}, want {want}")
        image = spec["template"]["spec"]["containers"][0]["image"]
        mine = [p for p in pods if any(ref.get("uid") in sets and sets[ref["uid"]]["metadata"].get("ownerReferences", [{}])
                                        [0].get("uid") == d["metadata"]["uid"]
                                        for ref in p["metadata"].get("ownerReferences") or [])]
        live = [p for p in mine if not p["metadata"].get("deletionTimestamp")]
        if len(live) != want or any((p.get("status") or {}).get("phase") != "Running" for p in live):
            problems.append(f"deployment {name}: {len(live)} live pods, want {want} Running")
        if any(p["spec"]["containers"][0]["image"] != image for p in live):
            problems.append(f"deployment {name}: pods not all on {image}")
    return problems
