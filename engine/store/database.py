"""Opening a store database: engines, SQLite settings, and migrations on open.

This module does I/O. Two engines share one database: the writer begins
every transaction with `BEGIN IMMEDIATE` (so concurrent processes queue on
the busy timeout instead of failing with "database is locked" or losing
updates), the reader takes short deferred snapshots that never hold the
write lock. Alembic migrations run on open, inside an IMMEDIATE transaction
so that two processes opening a new database do not race.
"""
from __future__ import annotations

import os
import sqlite3
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy is imported only when a command writes or migrates (start-up time)
    from sqlalchemy import Engine

__all__ = ["url_for", "open_engines", "migrate", "HEAD", "alembic_config", "raw_path", "connect_raw",
           "is_current"]

HEAD = "0004"  # the newest migration; tests check it against Alembic's head


def url_for(db: str) -> str:
    """An SQLAlchemy URL for `--db`: a URL as is, otherwise an SQLite file path."""
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().absolute()}"


def raw_path(url: str) -> str | None:
    """The file of a plain `sqlite:///FILE` URL, for the driver-level read path; None otherwise."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or url in ("sqlite:///:memory:",):
        return None
    return url[len(prefix):]


def _settings(connection, busy_timeout: float) -> None:
    connection.isolation_level = None  # litekube owns BEGIN
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
    cursor.close()


def connect_raw(path: str, busy_timeout: float = 30.0) -> sqlite3.Connection:
    """A driver connection with the store's settings (the read path: no SQLAlchemy to import)."""
    connection = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    _settings(connection, busy_timeout)
    return connection


def is_current(connection: sqlite3.Connection) -> bool:
    """Whether the database is at HEAD (so that opening it needs neither SQLAlchemy nor Alembic)."""
    exists = connection.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'").fetchone()
    if exists is None:
        return False
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row is not None and row[0] == HEAD


def _sqlite_engine(url: str, begin: str, busy_timeout: float) -> "Engine":
    from sqlalchemy import create_engine, event

    engine = create_engine(url, connect_args={"timeout": busy_timeout})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # pragma: no branch
        _settings(dbapi_connection, busy_timeout)

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        conn.exec_driver_sql(begin)

    return engine


def open_engines(url: str, busy_timeout: float = 30.0) -> tuple["Engine", "Engine"]:
    """(writer, reader) engines for a database URL; only SQLite files for now."""
    if not url.startswith("sqlite"):
        raise NotImplementedError(f"litekube's store does not support {url.split(':')[0]} yet")
    if url in ("sqlite://", "sqlite:///:memory:"):
        raise ValueError("litekube needs a database file, not an in-memory database")
    writer = _sqlite_engine(url, "BEGIN IMMEDIATE", busy_timeout)
    reader = _sqlite_engine(url, "BEGIN", busy_timeout)
    return writer, reader


def alembic_config(connection=None):
    """An Alembic Config built in code, pointing at the packaged migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("litekube.migrations")))
    config.set_main_option("sqlalchemy.url", str(connection.engine.url) if connection else "")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _current(connection) -> str | None:
    from sqlalchemy import text

    exists = connection.execute(text(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'")).first()
    if exists is None:
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
