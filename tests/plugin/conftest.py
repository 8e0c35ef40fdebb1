"""The plugin's template cluster, made once per backend under LITEKUBE_TEST_CLI_DB=both (tests/conftest.py)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def litekube_template(tmp_path_factory, cli_db) -> str:
    """As litekube.pytest_plugin's: a database holding a new, settled cluster."""
    from litekube.client import Cluster

    path = tmp_path_factory.mktemp("litekube") / "template.db"
    Cluster(path, deterministic=True).close()
    return str(path)
