"""Shared fixtures for the test suite.

`backend`: the store's and the API's tests run on each database backend,
SQLite (a file in the test's temporary folder) and PostgreSQL (a fresh
database on one throwaway server per test session, tests/pgserver.py).
LITEKUBE_TEST_BACKENDS (comma-separated, default `sqlite,postgresql`)
narrows them; PostgreSQL tests fail, never skip, when the server cannot start.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

BACKENDS = [b.strip() for b in os.environ.get("LITEKUBE_TEST_BACKENDS", "sqlite,postgresql").split(",") if b.strip()]


@dataclass
class Backend:
    """One database backend for a test: `db(name)` is a new, empty database's `--db` value."""

    name: str
    _new: Callable[[str, bool], str]

    def db(self, name: str = "t.db") -> str:
        return self._new(name, True)

    def empty(self, name: str = "t.db") -> str:
        """A database no migration has run on (SQLite: no file yet; PostgreSQL: an empty database)."""
        return self._new(name, False)


@pytest.fixture(scope="session")
def pg_server():
    from tests import pgserver

    server = pgserver.Server()
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield Backend("sqlite", lambda name, migrated: str(tmp_path / name))
        return
    if request.param == "postgresql":
        server = request.getfixturevalue("pg_server")
        made: dict[str, str] = {}

        def new(name: str, migrated: bool) -> str:  # one database per name, as one file per name
            if name not in made:
                made[name] = server.database(migrated=migrated)
            return made[name]

        yield Backend("postgresql", new)
        for url in made.values():
            server.release(url)
        return
    raise ValueError(f"LITEKUBE_TEST_BACKENDS: unknown backend {request.param!r} (want sqlite, postgresql)")


@pytest.fixture
def pg_database(pg_server) -> Iterator[str]:
    """The URL of a new, migrated PostgreSQL database (for the tests of PostgreSQL alone)."""
    url = pg_server.database()
    yield url
    pg_server.release(url)
