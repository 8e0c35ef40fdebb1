"""The whole test suite on PostgreSQL: every database a test names by a file path is a PostgreSQL database.

With LITEKUBE_TEST_CLI_DB=postgresql (tests/conftest.py), each test that is
not marked `sqlite_only` runs with `Store` patched (`install`): an SQLite
file path (or `sqlite:///` URL) opens a database of the session's throwaway
server named after the path's hash instead, made at first use from the
migrated template (or taken from the emptied databases earlier tests gave
back). What the commands print still names the path the test gave. The
subprocesses a test starts (`litekube run`, `serve`, `ui`) do the same
through tests/pgsite/sitecustomize.py, which installs the patch when
LITEKUBE_TEST_PG_SOCKET is set in their environment. A path's database is
given back when its test ends (`release_under`).
"""
from __future__ import annotations

import hashlib
import os

__all__ = ["install", "database_for", "SOCKET_ENV", "SITE"]

SOCKET_ENV = "LITEKUBE_TEST_PG_SOCKET"
SITE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pgsite")
TEMPLATE = "litekube_template"
_PREFIX = "f_"
ACTIVE = True  # False while a `sqlite_only` test runs


def _admin(socket: str):
    import psycopg

    return psycopg.connect(f"host={socket} user=postgres dbname=postgres", autocommit=True)


def _ensure_registry(socket: str) -> None:
    with _admin(socket) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS litekube_paths (path text PRIMARY KEY, db text NOT NULL)")


def _name(path: str) -> tuple[str, str]:
    path = os.path.abspath(os.path.expanduser(path))
    return path, _PREFIX + hashlib.sha1(path.encode()).hexdigest()[:24]


def database_name(path: str) -> str:
    """The name of the database standing in for the file `path`."""
    return _name(path)[1]


def copy(source: str, target: str, socket: str) -> None:
    """litekube.client.copy of a closed database: the target database is made from the source's as a template."""
    import psycopg

    source_path, source_name = _name(os.fspath(source))
    target_path, target_name = _name(os.fspath(target))
    with _admin(socket) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (source_name,)).fetchone() is None:
            raise FileNotFoundError(2, "No such file or directory", source_path)
        conn.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
        for attempt in range(50):  # the source's last sessions may still be ending
            try:
                conn.execute(f'CREATE DATABASE "{target_name}" TEMPLATE "{source_name}" STRATEGY FILE_COPY')
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 49:
                    raise
                import time
                time.sleep(0.1)
        conn.execute("INSERT INTO litekube_paths (path, db) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                     (target_path, target_name))


def drop(name: str, socket: str) -> None:
    """Remove a path's database now (an example done with it)."""
    with _admin(socket) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute("DELETE FROM litekube_paths WHERE db = %s", (name,))


def database_for(path: str, socket: str, take=None) -> str:
    """The URL of the database standing in for the SQLite file `path` (made when new).

    `take()` (the test process's) returns the name of an emptied database to rename, or None.
    """
    import psycopg

    path, name = _name(path)
    with _admin(socket) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            free = take() if take is not None else None
            try:
                if free is not None:
                    conn.execute(f'ALTER DATABASE "{free}" RENAME TO "{name}"')
                else:
                    conn.execute(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE} STRATEGY FILE_COPY')
            except psycopg.errors.DuplicateDatabase:
                pass  # another process made it meanwhile
            conn.execute("INSERT INTO litekube_paths (path, db) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                         (path, name))
    return f"postgresql+psycopg://postgres@/{name}?host={socket}"


def _is_file(url: str) -> str | None:
    """The SQLite file a `--db` value names, or None (a PostgreSQL URL, a memory database)."""
    if "://" not in url:
        return url if url else None
    if url.startswith("sqlite:///") and "?" not in url:
        rest = url[len("sqlite:///"):]
        return rest if rest and rest != ":memory:" else None
    return None


def install(socket: str, take=None) -> None:
    """Patch litekube's Store so that file paths open PostgreSQL databases, and litekube.client.copy
    so that copying one copies the database (idempotent)."""
    from litekube import client
    from litekube.store import objects

    if getattr(objects.Store.__init__, "_pgmap", False):
        return
    original = objects.Store.__init__

    def __init__(self, url, *args, **kwargs):
        path = _is_file(str(url)) if ACTIVE and isinstance(url, (str, os.PathLike)) else None
        if path is not None and os.path.isdir(os.path.dirname(os.path.abspath(path)) or ".") \
                and not os.path.exists(path):  # an existing file stays SQLite (a test wrote one itself)
            url = database_for(path, socket, take)
        original(self, url, *args, **kwargs)

    __init__._pgmap = True  # type: ignore[attr-defined]
    __init__._original = original  # type: ignore[attr-defined]
    objects.Store.__init__ = __init__
    copy_file = client.copy

    def copying(source, target) -> None:
        if ACTIVE and _is_file(os.fspath(source)) is not None and not os.path.exists(source):
            copy(os.fspath(source), os.fspath(target), socket)
        else:
            copy_file(source, target)

    copying._original = copy_file  # type: ignore[attr-defined]
    client.copy = copying
    _ensure_registry(socket)


def uninstall() -> None:
    from litekube.store import objects

    from litekube import client

    original = getattr(objects.Store.__init__, "_original", None)
    if original is not None:
        objects.Store.__init__ = original
    copy_file = getattr(client.copy, "_original", None)
    if copy_file is not None:
        client.copy = copy_file


def release_under(server, folder: str) -> None:
    """Give back (empty, for reuse) the databases of the paths under `folder`."""
    folder = os.path.abspath(folder).rstrip("/") + "/"
    with _admin(str(server.socket)) as conn:
        rows = conn.execute("DELETE FROM litekube_paths WHERE starts_with(path, %s) RETURNING db",
                            (folder,)).fetchall()
    for (name,) in rows:
        server.release(server.url(name), rename=True)
