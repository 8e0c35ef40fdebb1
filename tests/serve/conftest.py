"""Fixtures: one `litekube serve` per test module, on a free loopback port, stopped at the end."""
from __future__ import annotations

import pytest

from tests.serve.servers import Served


def one_server(tmp_path_factory, **kwargs):
    """A `litekube serve` in a new folder, stopped (and checked to exit 0) when the generator ends (`kwargs`:
    Served's, such as `db`)."""
    server = Served(tmp_path_factory.mktemp("serve"), **kwargs)
    try:
        yield server
    finally:
        code = server.stop()
        assert code == 0, "".join(server.printed)


@pytest.fixture(scope="module")
def served(tmp_path_factory, cli_db):
    yield from one_server(tmp_path_factory)
