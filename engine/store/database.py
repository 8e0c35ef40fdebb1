"""Opening a store database: engines, SQLite settings, and migrations on open.

This module does I/O. On an SQLite file the store talks to the sqlite3
driver itself (`connect_raw`): SQLAlchemy and Alembic are imported only when
a migration is due or the database is named by a URL. The writer begins
every transaction with `BEGIN IMMEDIATE` (so concurrent processes queue on
the busy timeout instead of failing with "database is locked" or losing
updates), readers take short deferred snapshots that never hold the write
lock. Alembic migrations run on open, inside an IMMEDIATE transaction so
that two processes opening a new database do not race. New database files
are created 0600 (they hold Secrets), and a failed open leaves none behind.
A PostgreSQL URL gets one SQLAlchemy engine for migrations (which queue on
an advisory lock); the store's own statements go through dialects.py.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from litekube.store import dialects

if TYPE_CHECKING:  # SQLAlchemy is imported only when a command migrates or names a URL (start-up time)
    import sqlite3

    from sqlalchemy import Engine
    from sqlalchemy.engine import URL

__all__ = ["url_for", "sqlite_file", "sqlite_path", "open_engines", "migrate", "HEAD", "alembic_config",
           "connect_raw", "is_current", "create_private", "remove_new"]

HEAD = "0010"  # the newest migration; tests check it against Alembic's head

_SIDE_FILES = ("-wal", "-shm", "-journal")
WAL_LIMIT = dialects.WAL_LIMIT


def url_for(db: str) -> "URL":
    """An SQLAlchemy URL for `--db`: a URL as is, otherwise an SQLite file path.

    The path goes into the URL object as it is, never through string
    formatting, so `#`, `%`, `?`, spaces and any Unicode stay part of it.
    Raises ValueError for a malformed URL.
    """
    from sqlalchemy.engine import URL, make_url

    if "://" in db:
        try:
            url = make_url(db)
        except Exception as exc:  # ArgumentError and friends: SQLAlchemy's own wording
            raise ValueError(str(exc)) from None
        if url.get_backend_name() in ("postgresql", "postgres") and url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")  # psycopg 3 is the driver litekube installs
        return url
    return URL.create("sqlite", database=str(Path(db).expanduser().absolute()))


def sqlite_path(url: "URL") -> str | None:
    """The database file of an SQLite URL (None for other backends and memory databases)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.database


def sqlite_file(db: str) -> str | None:
    """The SQLite file `--db` names: a plain path without SQLAlchemy, a URL through it; None when
    the URL names another backend, a memory database or carries driver options."""
    if "://" not in db:
        return str(Path(db).expanduser().absolute())
    url = url_for(db)
    return sqlite_path(url) if not url.query else None


def create_private(path: str) -> bool:
    """Create an empty database file readable by its owner only (0600), as etcd's data is.

    SQLite gives its -wal and -shm files the main file's mode, so they are
    private too. Returns False when the file exists already.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def remove_new(path: str) -> None:
    """Remove a database file this process created, and its side files, after a failed open."""
    for name in (path, *(path + suffix for suffix in _SIDE_FILES)):
        try:
            os.unlink(name)
        except OSError:
            pass


def _settings(connection, busy_timeout: float) -> None:
    dialects.sqlite_settings(connection, busy_timeout)


def connect_raw(path: str, busy_timeout: float = 30.0) -> "sqlite3.Connection":
    """A driver connection with the store's settings (no SQLAlchemy to import)."""
    return dialects.sqlite_connect(path, busy_timeout)


def is_current(connection, dialect: "dialects.Dialect | None" = None) -> bool:
    """Whether the database is at HEAD (so that opening it needs neither SQLAlchemy nor Alembic)."""
    dialect = dialect or dialects.SQLITE
    if not dialect.table_exists(connection, "alembic_version"):
        return False
    row = dialect.execute(connection, "SELECT version_num FROM alembic_version").fetchone()
    return row is not None and row[0] == HEAD


def _sqlite_engine(url: "URL", begin: str, busy_timeout: float) -> "Engine":
    from sqlalchemy import create_engine, event

    engine = create_engine(url, connect_args={"timeout": busy_timeout})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # pragma: no branch
        _settings(dbapi_connection, busy_timeout)

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        conn.exec_driver_sql(begin)

    return engine


def _postgres_engine(url: "URL", busy_timeout: float) -> "Engine":
    from sqlalchemy import create_engine, event

    engine = create_engine(url, connect_args={"connect_timeout": max(1, int(busy_timeout))}, poolclass=_null_pool())

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # migrations of two processes opening a new database queue here
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({dialects.MIGRATE_LOCK})")

    return engine


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def open_engines(url: "URL", busy_timeout: float = 30.0) -> tuple["Engine", "Engine"]:
    """(writer, reader) engines for a database URL: an SQLite file or a PostgreSQL database."""
    if url.get_backend_name() == "postgresql":
        dialects.for_url(url, None, busy_timeout)  # refuses drivers other than psycopg
        engine = _postgres_engine(url, busy_timeout)
        return engine, engine
    if url.get_backend_name() != "sqlite":
        raise NotImplementedError(f"litekube's store does not support {url.get_backend_name()}")
    if sqlite_path(url) is None:
        raise ValueError("litekube needs a database file, not an in-memory database")
    writer = _sqlite_engine(url, "BEGIN IMMEDIATE", busy_timeout)
    reader = _sqlite_engine(url, "BEGIN", busy_timeout)
    return writer, reader


def alembic_config(connection=None):
    """An Alembic Config built in code, pointing at the packaged migrations."""
    from importlib import resources

    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("litekube.migrations")))
    # ConfigParser interpolates `%`: a URL with `%` in its path must be escaped (the
    # migrations run on `connection` anyway; the option is informative).
    url = connection.engine.url.render_as_string(hide_password=True) if connection is not None else ""
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _current(connection) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table("alembic_version"):
        return None
    row = connection.execute(text("SELECT version_num FROM alembic_version")).first()  # noqa: E501
    return row[0] if row else None


def migrate(writer: "Engine", reader: "Engine | None" = None, target: str = "head") -> None:
    """Upgrade the database to `target`; a no-op (without importing Alembic) when current."""
    with (reader or writer).begin() as connection:
        if target == "head" and _current(connection) == HEAD:
            return
    from alembic import command

    with writer.begin() as connection:
        if target == "head" and _current(connection) == HEAD:  # another process won the race
            return
        command.upgrade(alembic_config(connection), target)


def downgrade(writer: "Engine", target: str) -> None:
    """Downgrade to `target` (`base` removes everything); used by tests and operators."""
    from alembic import command

    with writer.begin() as connection:
        command.downgrade(alembic_config(connection), target)


def default_db() -> str:
    """`LITEKUBE_DB`, else `./litekube.db`."""
    return os.environ.get("LITEKUBE_DB") or "litekube.db"
