"""Subprocesses of the tests under LITEKUBE_TEST_CLI_DB=postgresql: file databases open on PostgreSQL (tests/pgmap.py).

This runs before the command's own entry point has taken SIGINT and SIGTERM (litekube.entry), and it
imports the store and psycopg: a signal that lands meanwhile is noted, as the entry point notes one
during its imports, and ends the process as the entry point would (128 + the signal, no traceback).
"""
import os
import signal
import sys

if os.environ.get("LITEKUBE_TEST_PG_SOCKET"):
    arrived = []
    previous = {sig: signal.signal(sig, lambda number, _frame: arrived.append(number))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
        from tests import pgmap

        pgmap.install(os.environ["LITEKUBE_TEST_PG_SOCKET"])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if arrived:
        os._exit(128 + arrived[0])
