"""Alembic migrations: upgrade an empty database, check it, round-trip down and up."""
from __future__ import annotations

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
