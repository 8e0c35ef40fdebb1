"""A signal's exception in the middle of a statement (SIGTERM's SystemExit while psycopg waits for the
server's answer) goes on as itself, and the store's next transaction works on a new connection.

Before: the rollback of the stopped transaction failed with psycopg's "another command is already in
progress", that error replaced the SystemExit, a control-plane batch caught it as an ordinary failure and
went on, and the command exited 1 with a traceback holding the control-plane lock
(tests/cli/test_hardening.py::TestSignals, under load).
"""
from __future__ import annotations

import pytest

from litekube.store import Store, owners


def _in_flight(raw) -> None:
    """The moment a signal lands between sending a statement and reading its answer."""
    raw.pgconn.send_query(b"SELECT pg_sleep(0.2)")


@pytest.mark.parametrize("where", ["write", "read"])
def test_a_systemexit_mid_statement_goes_on_and_the_next_transaction_works(pg_database, where):
    store = Store(pg_database)
    me = owners.me("embedded")
    assert store.try_lock(me, 30) is None
    with pytest.raises(SystemExit) as stopped:
        with getattr(store, where)() as tx:
            tx._q("SELECT rev FROM revision").fetchone()
            _in_flight(tx._raw)
            raise SystemExit(143)
    assert stopped.value.code == 143
    store.unlock(me)  # on the way out, as embedded._Lock does
    assert store.lock_holder() is None
    assert store.revision() >= 0
    store.close()


def test_a_systemexit_mid_commit_goes_on_and_the_next_transaction_works(pg_database, monkeypatch):
    store = Store(pg_database)
    commit = store.dialect.commit_write  # a write's COMMIT (with its flush barrier, dialects.py)

    def interrupted(raw) -> None:
        _in_flight(raw)
        raise SystemExit(143)

    monkeypatch.setattr(store.dialect, "commit_write", interrupted)
    with pytest.raises(SystemExit):
        with store.write() as writer:
            writer.set_clock(writer.now() + 5)
    monkeypatch.setattr(store.dialect, "commit_write", commit)
    with store.write() as writer:
        writer.lock()
    assert store.revision() >= 0
    store.close()
