"""tests/serve/test_kubectl.py's tests, in its order, against a `litekube serve` on PostgreSQL.

Its classes build on one cluster in file order, so they run here as a module of their own (one file
runs whole on one worker, in order) rather than under the per-backend parametrization, whose
reordering of a module-scoped fixture's tests put the deletions before the samples they delete.
Skipped with the other PostgreSQL tests where its server binaries are not installed (an error under
CI=true).
"""
from __future__ import annotations

import pytest

from tests.serve.conftest import one_server
from tests.serve.test_kubectl import (  # noqa: F401 (collected here again, in this order)
    TestDiscovery,
    TestSamples,
    TestWorkloads,
    TestDeletion,
    pytestmark,
)


@pytest.fixture(scope="module")
def served(tmp_path_factory, pg_server):
    url = pg_server.database()
    yield from one_server(tmp_path_factory, db=url)
    pg_server.release(url)


class TestTheClusterIsOnPostgreSQL:
    def test_the_objects_kubectl_made_are_rows_of_the_postgresql_database(self, served):
        import sqlalchemy

        assert str(served.db).startswith("postgresql+psycopg://")
        engine = sqlalchemy.create_engine(str(served.db))
        try:
            with engine.connect() as conn:
                rows = conn.execute(sqlalchemy.text(
                    "SELECT kind, name FROM objects WHERE namespace = 'demo' AND kind = 'Deployment'")).all()
        finally:
            engine.dispose()
        assert [tuple(row) for row in rows] == [("Deployment", "web")]
