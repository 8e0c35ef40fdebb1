"""Fixtures: one `litekube serve` per test module, on a free loopback port, stopped at the end."""
from __future__ import annotations

import pytest

from tests.serve.servers import Served


@pytest.fixture(scope="module")
def served(tmp_path_factory, cli_db):
    server = Served(tmp_path_factory.mktemp("serve"))
    try:
        yield server
    finally:
        code = server.stop()
        assert code == 0, "".join(server.printed)
