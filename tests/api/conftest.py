"""Fixtures: an API over a real store, on each backend (SQLite in a temporary directory, PostgreSQL)."""
from __future__ import annotations

import pytest

from litekube.api.server import Api
from litekube.store import Store


@pytest.fixture
def api(backend):
    store = Store(backend.db("api.db"), wall=lambda: 1_700_000_000.0)
    yield Api(store, node_count=0)
    store.close()
