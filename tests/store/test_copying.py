"""`litekube migrate`: a cluster and its history copied between SQLite and PostgreSQL, row for row."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from litekube import cli as litekube
from litekube.store import Store
from tests.cli.conftest import SAMPLES

TABLES = {
    "objects": "SELECT id, kind, namespace, name, uid, resource_version, body, expires FROM objects ORDER BY id",
    "changelog": "SELECT rev, op, kind, namespace, name, uid, body, prev_rev, ts FROM changelog ORDER BY rev",
    "revision": "SELECT rev FROM revision",
    "compaction": "SELECT rev FROM compaction",
    "clock": 'SELECT now, virtual, "offset" FROM clock',
    "controlplane": "SELECT cursor, timers FROM controlplane",
    "controller_state": "SELECT component, kind, namespace, name, body FROM controller_state "
                        "ORDER BY component, kind, namespace, name",
    "snapshot": "SELECT revision, format, token, chunks, checksum FROM snapshot",
    "snapshot_chunk": "SELECT token, seq, body FROM snapshot_chunk ORDER BY token, seq",
    "allocations": "SELECT kind, value, family, namespace, name FROM allocations "
                   "ORDER BY kind, value, family, namespace, name",
    "allocation_hints": "SELECT kind, start, next FROM allocation_hints ORDER BY kind, start",
}


def run(db: str, *args: str, input: str | None = None):
    return CliRunner().invoke(litekube.cli, ["--db", db, *args], input=input, catch_exceptions=False)


def rows(db: str) -> dict[str, list[tuple]]:
    store = Store(db)
    try:
        with store.read() as reader:
            return {t: [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r)
                        for r in reader._q(sql).fetchall()] for t, sql in TABLES.items()}
    finally:
        store.close()


@pytest.fixture
def cluster(tmp_path):
    """A cluster on SQLite with history: the samples applied, rolled to a new image, partly compacted."""
    db = str(tmp_path / "a.db")
    assert run(db, "init").exit_code == 0
    assert run(db, "apply", "-f", str(SAMPLES)).exit_code == 0
    assert run(db, "set", "image", "deployment/web", "nginx=nginx:1.28", "-n", "demo").exit_code == 0
    store = Store(db)
    store.compact(history=store.revision() - 40, min_age=0)  # history from revision 40 on is kept
    store.close()
    return db


@pytest.mark.sqlite_only  # the source is an SQLite file
def test_sqlite_to_postgresql_and_back_copies_every_row(cluster, pg_database, tmp_path):
    before = rows(cluster)
    assert before["compaction"] == [(40,)] and len(before["changelog"]) > 100
    result = run(cluster, "migrate", "--from", f"sqlite:///{cluster}", "--to", pg_database)
    head = before["revision"][0][0]
    assert (result.exit_code, result.output) == (0, (
        f"copied {len(before['objects'])} objects and {len(before['changelog'])} changelog rows (revision {head}, "
        f"compacted to 40) from sqlite:///{cluster} to {pg_database}\n"))
    assert rows(pg_database) == before

    # the copy is a working cluster: the same answers, and the next write takes the next revision
    for args in (["get", "pods", "-A"], ["get", "deployment,replicaset", "-n", "demo", "-o", "wide"],
                 ["rollout", "history", "deployment/web", "-n", "demo"], ["changes", "--since", "200"]):
        assert run(pg_database, *args).output == run(cluster, *args).output, args
    expired = run(pg_database, "changes", "--since", "39")
    assert (expired.exit_code, expired.output) == (1, run(cluster, "changes", "--since", "39").output)
    made = run(pg_database, "apply", "-f", "-", input="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: after}\n")
    assert (made.exit_code, made.output) == (0, "configmap/after created\n"), made.output
    store = Store(pg_database)
    with store.read() as reader:
        assert reader.get("ConfigMap", "default", "after").resource_version > head
        assert [c.revision for c in store.changes(head)][0] == head + 1
    store.close()

    back = str(tmp_path / "back.db")
    assert run(back, "migrate", "--from", pg_database, "--to", back).exit_code == 0
    assert rows(back)["changelog"][:len(before["changelog"])] == before["changelog"]
    assert rows(back) == rows(pg_database)


@pytest.mark.sqlite_only  # SQLite files as source and target
def test_a_target_holding_a_cluster_is_refused_and_left_as_it_was(cluster, tmp_path):
    other = str(tmp_path / "b.db")
    assert run(other, "init", "--nodes", "1").exit_code == 0
    kept = rows(other)
    result = run(other, "migrate", "--from", cluster, "--to", other)
    assert (result.exit_code, result.output) == (
        1, f"error: the database {other} already holds a cluster; migrate copies into an empty database\n")
    assert rows(other) == kept


def test_a_missing_source_is_one_error_and_creates_nothing(tmp_path):
    missing = tmp_path / "none.db"
    result = run(str(tmp_path / "x.db"), "migrate", "--from", str(missing), "--to", str(tmp_path / "y.db"))
    assert (result.exit_code, result.output) == (1, f"error: the database {missing} does not exist\n")
    assert not missing.exists() and not (tmp_path / "y.db").exists()


@pytest.mark.sqlite_only  # SQLite files as source and target
def test_sqlite_to_sqlite_keeps_the_history(cluster, tmp_path):
    copy = str(tmp_path / "copy.db")
    assert run(copy, "migrate", "--from", cluster, "--to", copy).exit_code == 0
    assert rows(copy) == rows(cluster)
