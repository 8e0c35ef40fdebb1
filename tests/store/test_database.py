"""Opening a database: any path works, new files are private, a failed open leaves nothing behind."""
from __future__ import annotations

import os
import stat

import pytest

from litekube import errors
from litekube.store import Store, database


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.sqlite_only  # the files the paths name
class TestPaths:
    @pytest.mark.parametrize("name", ["a#b.db", "100%.db", "sp ace.db", "ünï cødé.db", "q?x=1.db", "semi;colon.db",
                                      "%41.db", "@at.db"])
    def test_any_file_name_is_a_path_not_url_syntax(self, tmp_path, name):
        store = Store(str(tmp_path / name))
        with store.write() as w:
            w.create("ConfigMap", "default", "a", "u", {"kind": "ConfigMap"})
        store.close()
        assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db") == [name]
        assert Store(str(tmp_path / name)).revision() == 1

    def test_the_url_is_built_not_formatted(self, tmp_path):
        url = database.url_for(str(tmp_path / "a#b%c.db"))
        assert (url.get_backend_name(), url.database) == ("sqlite", str(tmp_path / "a#b%c.db"))

    def test_a_malformed_url_is_one_error(self):
        with pytest.raises(errors.StoreUnavailable, match='cannot open the database "sqlite://x:y:z"'):
            Store("sqlite://x:y:z")


@pytest.mark.sqlite_only  # the files' modes
class TestPermissions:
    def test_a_new_database_and_its_wal_and_shm_are_private(self, tmp_path):
        path = tmp_path / "p.db"
        store = Store(str(path))
        with store.write() as w:  # keeps the -wal and -shm files while the store is open
            w.create("ConfigMap", "default", "s", "u", {"kind": "Secret"})
            assert mode(path) == 0o600
            assert mode(str(path) + "-wal") == 0o600 and mode(str(path) + "-shm") == 0o600
        store.close()

    def test_an_existing_file_keeps_its_mode(self, tmp_path):
        path = tmp_path / "old.db"
        Store(str(path)).close()
        os.chmod(path, 0o640)
        Store(str(path)).close()
        assert mode(path) == 0o640


@pytest.mark.sqlite_only  # no file left behind
class TestFailedOpens:
    def test_nothing_is_left_when_the_directory_is_missing(self, tmp_path):
        with pytest.raises(errors.StoreUnavailable):
            Store(str(tmp_path / "no" / "x.db"))
        assert not (tmp_path / "no").exists()

    def test_nothing_is_left_when_migrating_fails(self, tmp_path, monkeypatch):
        def broken(*args, **kwargs):
            raise ValueError("boom")

        monkeypatch.setattr(database, "migrate", broken)
        with pytest.raises(errors.StoreUnavailable, match="boom"):
            Store(str(tmp_path / "m.db"))
        assert list(tmp_path.iterdir()) == []

    def test_an_existing_file_is_never_removed(self, tmp_path):
        garbage = tmp_path / "g.db"
        garbage.write_text("not a database")
        with pytest.raises(errors.StoreUnavailable, match="file is not a database"):
            Store(str(garbage))
        assert garbage.read_text() == "not a database"

    def test_a_bad_history_setting_is_refused(self, tmp_path, monkeypatch):
        monkeypatch.setenv("LITEKUBE_HISTORY", "abc")
        with pytest.raises(ValueError, match='invalid LITEKUBE_HISTORY "abc"'):
            Store(str(tmp_path / "h.db"))
