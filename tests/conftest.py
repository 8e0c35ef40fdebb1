"""Shared fixtures for the test suite.

Which backends run (tests/pgserver.py finds PostgreSQL's server binaries, initdb and pg_ctl):

- With them (CI: .ci/run installs them; CI=true without them is an error), by default
  LITEKUBE_TEST_CLI_DB=both and LITEKUBE_TEST_BACKENDS=sqlite,postgresql: the whole suite on both.
- Without them, by default SQLite alone; the tests of PostgreSQL alone are skipped, saying why.

`backend`: the store's and the API's tests run on each database backend,
SQLite (a file in the test's temporary folder) and PostgreSQL (a fresh
database on one throwaway server per test process, tests/pgserver.py: each
pytest-xdist worker has its own, on a Unix socket in its own folder).
LITEKUBE_TEST_BACKENDS (comma-separated) narrows them; named explicitly,
PostgreSQL tests fail, never skip, when the server cannot start.

LITEKUBE_TEST_CLI_DB=postgresql: every other test too makes its databases on
PostgreSQL: a file path it gives the store (or the CLI, or a subprocess)
opens a database of the session's server instead (tests/pgmap.py). Tests
marked `sqlite_only` (they look at the file itself) keep the file.
LITEKUBE_TEST_CLI_DB=sqlite: file paths stay SQLite files.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

import litekube.runtime  # noqa: F401  (reads LITEKUBE_FROZEN_SHARED=1 for the pure tests' views too)
from tests import pgserver

PG_AVAILABLE = pgserver.available()
if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes") and not PG_AVAILABLE:
    raise RuntimeError("CI: PostgreSQL's server binaries (initdb, pg_ctl) are not installed, so the PostgreSQL "
                       "tests cannot run (.ci/run installs Debian's postgresql when they are missing)")
_BACKENDS_SET = bool(os.environ.get("LITEKUBE_TEST_BACKENDS", "").strip())
BACKENDS = [b.strip() for b in (os.environ.get("LITEKUBE_TEST_BACKENDS", "").strip()
                                or ("sqlite,postgresql" if PG_AVAILABLE else "sqlite")).split(",") if b.strip()]
CLI_DB = os.environ.get("LITEKUBE_TEST_CLI_DB", "").strip() or ("both" if PG_AVAILABLE else "sqlite")
if CLI_DB not in ("sqlite", "postgresql", "both"):
    raise ValueError(f"LITEKUBE_TEST_CLI_DB: unknown backend {CLI_DB!r} (want sqlite, postgresql, both)")
ON_POSTGRESQL = CLI_DB in ("postgresql", "both")
# LITEKUBE_TEST_CLI_DB=both: the tests that make a database of their own (in a `tmp_path`, or through a
# fixture made per backend: one that takes `cli_db`) run twice, `[sqlite]` and `[postgresql]`; the pure
# model and reconciler tests and the tests already on every backend (`backend`) once.
_TWICE = ("tmp_path",)
_ONCE_UNDER = ("tests/model/", "tests/reconcile/")
_INFRASTRUCTURE = {"pg_server", "_files_on_postgresql", "tmp_path_factory", "pytestconfig", "cli_db"}
_SCOPES = ("function", "class", "module", "package", "session")


def pytest_generate_tests(metafunc) -> None:
    if CLI_DB != "both" or "backend" in metafunc.fixturenames \
            or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    where = os.path.relpath(str(metafunc.definition.path), os.path.dirname(os.path.dirname(__file__)))
    if where.startswith(_ONCE_UNDER):
        return
    defs = {name: d[-1] for name, d in metafunc._arg2fixturedefs.items() if d}
    per_backend = {"cli_db"}  # the fixtures made once per backend: those that take cli_db, and theirs
    while True:
        more = {name for name, d in defs.items() if name not in per_backend and per_backend & set(d.argnames)}
        if not more:
            break
        per_backend |= more
    if not any(name in metafunc.fixturenames for name in _TWICE) and "cli_db" not in metafunc.fixturenames:
        return
    # A database a module-, class- or session-scoped fixture made that is not made per backend would be
    # shared by both runs of a test: such tests run once (LITEKUBE_TEST_CLI_DB=postgresql runs them on
    # PostgreSQL). The others are parametrized at the broadest scope of their fixtures, so that each
    # backend's run of a module (or session) gets its own.
    shared = {name: d.scope for name, d in defs.items() if d.scope != "function" and name not in _INFRASTRUCTURE}
    if set(shared) - per_backend:
        return
    scope = max(shared.values(), key=_SCOPES.index, default="function")
    if "cli_db" not in metafunc.fixturenames:
        metafunc.fixturenames.append("cli_db")
    metafunc.parametrize("cli_db", ["sqlite", "postgresql"], scope=scope)


@pytest.fixture(scope="session")
def cli_db() -> str:
    """The backend the databases a test makes from file paths are on; a fixture that makes a database
    for several tests (module or session scope) takes it, so that it is made once per backend."""
    return "postgresql" if CLI_DB == "postgresql" else "sqlite"


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "sqlite_only: the test looks at the SQLite file itself "
                                       "(kept on SQLite under LITEKUBE_TEST_CLI_DB=postgresql)")


def pytest_sessionstart(session) -> None:
    """The backends of the run, on its first line (also under -q)."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or hasattr(session.config, "workerinput"):  # a pytest-xdist worker: the controller says it
        return
    found = f"PostgreSQL from {pgserver.find_binary('initdb')}" if PG_AVAILABLE else \
        "PostgreSQL's server binaries are not installed: its tests are skipped (Debian: apt-get install postgresql)"
    reporter.write_line(f"litekube tests: LITEKUBE_TEST_CLI_DB={CLI_DB}, LITEKUBE_TEST_BACKENDS={','.join(BACKENDS)} "
                        f"({found})")


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
    if not PG_AVAILABLE and not _BACKENDS_SET and not os.environ.get("LITEKUBE_TEST_CLI_DB", "").strip():
        pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed (Debian: apt-get install "
                    "postgresql); LITEKUBE_TEST_BACKENDS=postgresql makes this an error")
    yield from pgserver.running(pgserver.Server())


@pytest.fixture(scope="session", autouse=ON_POSTGRESQL)
def _files_on_postgresql(request):
    """LITEKUBE_TEST_CLI_DB=postgresql: file databases open on PostgreSQL, here and in subprocesses."""
    from tests import pgmap

    server = request.getfixturevalue("pg_server")
    pgmap.install(str(server.socket), take=server.take)
    pgmap.SOCKET = str(server.socket)
    saved = {k: os.environ.get(k) for k in (pgmap.SOCKET_ENV, "PYTHONPATH")}
    if pgmap.ACTIVE:  # as the test that is the first to use it wants (pytest_runtest_setup)
        os.environ[pgmap.SOCKET_ENV] = str(server.socket)
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (pgmap.SITE, saved["PYTHONPATH"]) if p)
    yield server
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    pgmap.uninstall()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item) -> None:
    """LITEKUBE_TEST_CLI_DB=postgresql: a `sqlite_only` test keeps its files, set before any fixture of
    it (a session fixture it is the first to use makes its database as it would)."""
    if not ON_POSTGRESQL:
        return
    from tests import pgmap

    wanted = CLI_DB if CLI_DB != "both" else getattr(item, "callspec", None) and item.callspec.params.get("cli_db")
    pgmap.ACTIVE = wanted == "postgresql" and item.get_closest_marker("sqlite_only") is None
    socket = getattr(pgmap, "SOCKET", None)
    if socket is not None:
        if pgmap.ACTIVE:
            os.environ[pgmap.SOCKET_ENV] = socket
        else:
            os.environ.pop(pgmap.SOCKET_ENV, None)


@pytest.fixture(autouse=ON_POSTGRESQL)
def _test_files_on_postgresql(request):
    """Per test: its databases are given back when it ends."""
    from tests import pgmap

    server = request.getfixturevalue("_files_on_postgresql")
    if not pgmap.ACTIVE:  # the first test set up the session fixture: as it would
        os.environ.pop(pgmap.SOCKET_ENV, None)
    yield
    folder = request.node.funcargs.get("tmp_path")
    if folder is not None and pgmap.ACTIVE:
        pgmap.release_under(server, str(folder))


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        if ON_POSTGRESQL:  # the SQLite one stays a file
            from tests import pgmap
            request.getfixturevalue("monkeypatch").setattr(pgmap, "ACTIVE", False)
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
