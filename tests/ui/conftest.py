"""Fixtures: a cluster with a rollout and a node failure in its changelog, made through the real CLI."""
from __future__ import annotations

import pytest

from litekube.api.history import History
from litekube.api.server import Api
from litekube.store import Store
from tests.cli.conftest import SAMPLES, Litekube


def make_cluster(db) -> Litekube:
    """The samples, rolled to a new image, then node-1 down long enough for its pods to be evicted."""
    lk = Litekube(db)
    for args in (("apply", "-f", str(SAMPLES)), ("set", "image", "deployment/web", "nginx=nginx:1.28", "-n", "demo"),
                 ("fault", "node-down", "node-1"), ("advance", "6m")):
        result = lk(*args)
        assert result.exit_code == 0, result.output
    return lk


@pytest.fixture(scope="module")
def cluster_db(tmp_path_factory, cli_db):
    return make_cluster(tmp_path_factory.mktemp("ui") / "ui.db").db


@pytest.fixture
def history(cluster_db):
    store = Store(str(cluster_db))
    yield History(Api(store))
    store.close()
