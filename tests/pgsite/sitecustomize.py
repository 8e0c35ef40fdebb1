"""Subprocesses of the tests under LITEKUBE_TEST_CLI_DB=postgresql: file databases open on PostgreSQL (tests/pgmap.py)."""
import os
import sys

if os.environ.get("LITEKUBE_TEST_PG_SOCKET"):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tests import pgmap

    pgmap.install(os.environ["LITEKUBE_TEST_PG_SOCKET"])
