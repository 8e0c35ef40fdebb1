"""Fixtures: an API over a real SQLite store in a temporary directory."""
from __future__ import annotations

import pytest

from litekube.api.server import Api
from litekube.store import Store


@pytest.fixture
def api(tmp_path):
    store = Store(str(tmp_path / "api.db"), wall=lambda: 1_700_000_000.0)
    yield Api(store, node_count=0)
    store.close()
