"""A throwaway PostgreSQL server for the tests: initdb into a temporary folder, pg_ctl start on a Unix socket.

The server binaries are /usr/local/bin/initdb and pg_ctl (or the first on
PATH, or Debian's /usr/lib/postgresql/*/bin). PostgreSQL refuses to run as
root, so when the tests run as root the server runs as the `postgres` user,
in a folder it owns. The server listens on no TCP port, only on a socket in
its folder; authentication is `trust` for local connections (nobody else can
reach the socket: the folder is 0700). `Server.database()` creates a fresh
database from a template that has been migrated once, so a test's store
opens at the head migration without running Alembic.

`python -m tests.pgserver` starts one and prints its URL (for trying things by hand).
"""
from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["Server", "find_binary", "available", "running"]

TEMPLATE = "litekube_template"


def find_binary(name: str) -> str | None:
    for candidate in (f"/usr/local/bin/{name}", shutil.which(name) or "",
                      *sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def available() -> bool:
    return find_binary("initdb") is not None and find_binary("pg_ctl") is not None


def running(server: "Server") -> Iterator["Server"]:
    """A fixture's body: `server` started, yielded, and stopped after (also when it fails to start)."""
    try:
        server.start()
        yield server
    finally:
        server.stop()


class Server:
    """One PostgreSQL server in a temporary folder; `stop()` removes it all.

    `durable=False` (the tests) turns fsync and synchronous commit off: a
    throwaway server need not survive a power cut. Benchmarks pass
    `durable=True` for PostgreSQL's default settings.
    """

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="litekube-pg-"))
        self.data = self.root / "data"
        self.socket = self.root  # the socket file is .s.PGSQL.5432 in here
        self._user: tuple[int, int] | None = None
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._started = False
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            self._user = (entry.pw_uid, entry.pw_gid)
            os.chown(self.root, *self._user)
        os.chmod(self.root, 0o700 if self._user is None else 0o755)  # root reaches the socket either way

    # -- running the binaries -----------------------------------------------------------------

    def _run(self, *argv: str, timeout: float = 120.0) -> subprocess.CompletedProcess:
        kwargs: dict = {}
        if self._user is not None:
            kwargs = {"user": self._user[0], "group": self._user[1], "extra_groups": []}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "TZ": "UTC"}
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=self.root, env=env,
                                **kwargs)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}): {result.stderr.strip()}")
        return result

    def start(self) -> "Server":
        initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
        if initdb is None or pg_ctl is None:
            raise RuntimeError("PostgreSQL's initdb/pg_ctl are not installed (Debian: apt-get install postgresql)")
        self._pg_ctl = pg_ctl
        self._run(initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                  "--locale=C", "--no-sync")
        self._run(pg_ctl, "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
                  "-o", self._options(), "start")
        self._started = True
        self._make_template()
        return self

    def _options(self) -> str:
        options = [f"-k {self.socket}", "-c listen_addresses=''", "-c max_connections=200",
                   "-c shared_buffers=64MB"]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        return " ".join(options)

    def restart(self, mode: str = "fast") -> None:
        """Stop the server (every session ends: `fast` rolls them back, `immediate` as a crash) and start it again."""
        self._run(self._pg_ctl, "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
        self._run(self._pg_ctl, "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
                  "-o", self._options(), "start")

    def stop(self) -> None:
        if self._started:
            try:
                self._run(self._pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
            self._started = False
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- databases ----------------------------------------------------------------------------

    def url(self, database: str = "postgres") -> str:
        """A litekube `--db` URL for one database of this server."""
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"host={self.socket} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(sql)

    def _make_template(self) -> None:
        import psycopg

        from litekube.store import Store

        self._admin(f"CREATE DATABASE {TEMPLATE}")
        Store(self.url(TEMPLATE)).close()  # migrated once; every test database is a copy
        # What a new database holds (the one-row tables), to put back when one is reused.
        with psycopg.connect(self._conninfo(TEMPLATE), autocommit=True) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version' "
                "ORDER BY tablename")]
            self._sequences = [r[0] for r in conn.execute(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")]
            self._rows = {t: (conn.execute(f'SELECT * FROM "{t}"').fetchall(),
                              [d.name for d in conn.execute(f'SELECT * FROM "{t}" LIMIT 0').description])
                          for t in tables}
        self._admin(f"ALTER DATABASE {TEMPLATE} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true")
        self._free: list[str] = []

    def _conninfo(self, database: str) -> str:
        return f"host={self.socket} user=postgres dbname={database}"

    def database(self, migrated: bool = True) -> str:
        """A new, empty litekube database (already at the head migration unless `migrated=False`); its URL.

        A migrated one is a database `release`d by an earlier test and emptied, when there is one
        (emptying takes milliseconds, creating one a good part of a second on a loaded machine).
        """
        with self._lock:
            if migrated and self._free:
                return self.url(self._free.pop())
            name = f"t{os.getpid()}_{next(self._counter)}"
        template = TEMPLATE if migrated else "template0"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
        return self.url(name)

    def take(self) -> str | None:
        """The name of an emptied database given back earlier (to rename and use), if any."""
        with self._lock:
            return self._free.pop() if self._free else None

    def release(self, url: str, rename: bool = False) -> None:
        """Give a test's database back: its sessions are ended, it is emptied for the next test.

        Only a database still at the head migration is kept; anything else is dropped. `rename`:
        it gets a fresh name (its own named a file path: tests/pgmap.py).
        """
        import psycopg

        from litekube.store import database as store_database

        name = url.split("?", 1)[0].rsplit("/", 1)[1]
        self._admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
                    "AND pid <> pg_backend_pid()")
        try:
            with psycopg.connect(self._conninfo(name), autocommit=True) as conn:
                head = conn.execute("SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()[0] and \
                    conn.execute("SELECT version_num FROM alembic_version").fetchone() == (store_database.HEAD,)
                tables = {r[0] for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")}
                if not head or tables != set(self._rows):
                    raise LookupError(name)
                with conn.transaction():
                    conn.execute("SET LOCAL session_replication_role = replica")  # no triggers while emptying
                    for table, (rows, columns) in self._rows.items():
                        conn.execute(f'DELETE FROM "{table}"')
                        if rows:
                            names = ", ".join(f'"{c}"' for c in columns)
                            marks = ", ".join("%s" for _ in columns)
                            conn.cursor().executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
                    for sequence in self._sequences:
                        conn.execute(f'ALTER SEQUENCE "{sequence}" RESTART')
            if rename:
                with self._lock:
                    fresh = f"t{os.getpid()}_{next(self._counter)}"
                self._admin(f'ALTER DATABASE "{name}" RENAME TO "{fresh}"')
                name = fresh
        except (LookupError, psycopg.Error):
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        with self._lock:
            self._free.append(name)


if __name__ == "__main__":  # pragma: no cover - by hand
    with Server() as server:
        print(server.url(), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
