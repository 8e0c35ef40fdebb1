"""Alembic migrations: upgrade an empty database, check it, round-trip down and up."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from litekube.store import Store, database, triggers


def trigger_names(store) -> set[str]:
    return store.dialect.triggers(store._connection())


def names(store) -> set[str]:
    return set(triggers.PG_NAMES if store.dialect.name == "postgresql" else triggers.NAMES)


class TestMigrations:
    def test_head_constant_matches_alembic(self):
        script = ScriptDirectory.from_config(database.alembic_config())
        assert script.get_current_head() == database.HEAD

    def test_an_empty_database_is_upgraded_with_its_triggers(self, backend):
        store = Store(backend.empty("m.db"))
        assert trigger_names(store) == names(store)
        with store.read() as r:
            assert r.revision() == 0
        store.close()

    def test_alembic_check_finds_no_drift(self, backend):
        store = Store(backend.empty("m.db"))
        with store._writer.begin() as conn:
            command.check(database.alembic_config(conn))
        store.close()

    def test_downgrade_and_upgrade_round_trip(self, backend):
        store = Store(backend.empty("m.db"))
        with store.write() as w:
            w.create("ConfigMap", "default", "a", "u", {"kind": "ConfigMap"})
        database.downgrade(store._writer, "base")
        assert trigger_names(store) == set()
        database.migrate(store._writer, store._reader)
        assert trigger_names(store) == names(store)
        with store.write() as w:
            assert w.create("ConfigMap", "default", "a", "u", {"kind": "ConfigMap"}) == 1
        store.close()

    def test_0010_replaces_the_one_row_snapshot_by_chunks_and_back_dropping_it_both_ways(self, backend):
        store = Store(backend.db("m.db"))
        store.save_snapshot(4, "f", [b"a", b"b"])

        def columns(table: str) -> list[str]:
            return [c["name"] for c in sa.inspect(store._writer).get_columns(table)]

        assert columns("snapshot") == ["id", "revision", "format", "token", "chunks", "checksum"]
        assert columns("snapshot_chunk") == ["token", "seq", "body"]
        database.downgrade(store._writer, "0009")
        assert columns("snapshot") == ["id", "revision", "format", "body"]
        assert "snapshot_chunk" not in sa.inspect(store._writer).get_table_names()
        with store._writer.begin() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM snapshot")).scalar() == 0  # dropped, not converted
            connection.execute(sa.text("INSERT INTO snapshot (id, revision, format, body) VALUES (1, 3, 'old', :b)"),
                               {"b": b"one blob"})
        database.migrate(store._writer, store._reader)
        assert store.load_snapshot() is None  # the one-row snapshot is not carried over
        store.save_snapshot(5, "g", [b"c"])
        revision, form, chunks = store.load_snapshot()
        assert (revision, form, list(chunks)) == (5, "g", [b"c"])
        store.close()
