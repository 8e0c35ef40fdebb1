"""Alembic migrations: upgrade an empty database, check it, round-trip down and up."""
from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from litekube.store import Store, database, triggers


def trigger_names(engine) -> set[str]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))}


class TestMigrations:
    def test_head_constant_matches_alembic(self):
        script = ScriptDirectory.from_config(database.alembic_config())
        assert script.get_current_head() == database.HEAD

    def test_an_empty_database_is_upgraded_with_its_triggers(self, tmp_path):
        store = Store(str(tmp_path / "m.db"))
        assert trigger_names(store._reader) == set(triggers.NAMES)
        with store.read() as r:
            assert r.revision() == 0
        store.close()

    def test_alembic_check_finds_no_drift(self, tmp_path):
        store = Store(str(tmp_path / "m.db"))
        with store._writer.begin() as conn:
            command.check(database.alembic_config(conn))
        store.close()

    def test_downgrade_and_upgrade_round_trip(self, tmp_path):
        store = Store(str(tmp_path / "m.db"))
        with store.write() as w:
            w.create("ConfigMap", "default", "a", "u", {"kind": "ConfigMap"})
        database.downgrade(store._writer, "base")
        assert trigger_names(store._reader) == set()
        database.migrate(store._writer, store._reader)
        assert trigger_names(store._reader) == set(triggers.NAMES)
        with store.write() as w:
            assert w.create("ConfigMap", "default", "a", "u", {"kind": "ConfigMap"}) == 1
        store.close()
