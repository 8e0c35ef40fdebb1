"""Fixtures: migrated template databases, copied into a fresh file for every Hypothesis example.

Running the Alembic migrations (and bootstrapping a cluster) once per session
and copying the file per example keeps an example's setup to a file copy
(reference/store.md, section 6.3).
"""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Callable

import pytest

from litekube import client
from litekube.api.server import Api
from litekube.model import nodes
from litekube.runtime import embedded
from litekube.store import Store

WALL = 1_700_000_000.0  # a fixed wall clock: the cluster clock starts here, runs repeat exactly
_SIDE_FILES = ("-wal", "-shm")


def open_store(path: Path) -> Store:
    # A long history: the checks replay every revision, so compaction must not pass them.
    return Store(str(path), wall=lambda: WALL, history=10_000_000)


class Databases:
    """Template databases built once; `fresh()` copies one into a new file and opens it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.templates: dict[str, Path] = {}
        self.counter = itertools.count()

    def template(self, name: str, build: Callable[[Store], None] = lambda store: None) -> Path:
        if name not in self.templates:
            path = self.root / f"template-{name}.db"
            store = open_store(path)
            build(store)
            store.close()
            self.templates[name] = path
        return self.templates[name]

    def fresh(self, template: Path) -> Store:
        path = self.root / f"example-{next(self.counter)}.db"
        client.copy(template, str(path))  # the file and its side files (a database under LITEKUBE_TEST_CLI_DB)
        return open_store(path)

    def discard(self, store: Store) -> None:
        if store.path is None:  # LITEKUBE_TEST_CLI_DB=postgresql: the example's database goes
            from tests import pgmap
            store.close()
            pgmap.drop(store.url.database, str(store.url.query["host"]))
            return
        path = Path(store.path)
        store.close()
        for file in [path, *(Path(str(path) + suffix) for suffix in _SIDE_FILES)]:
            file.unlink(missing_ok=True)


def bootstrap(shape: nodes.Shape, count: int) -> Callable[[Store], None]:
    """A template builder: a cluster of `count` nodes of `shape`, settled."""
    def build(store: Store) -> None:
        embedded.settle(Api(store, shape, count))
    return build


@pytest.fixture(scope="session")
def databases(tmp_path_factory, cli_db) -> Databases:
    return Databases(tmp_path_factory.mktemp("properties"))
