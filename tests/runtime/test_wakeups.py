"""Wake-ups: on PostgreSQL, `litekube run`'s changelog poller is woken by NOTIFY, not by its tick."""
from __future__ import annotations

import threading
import time

from litekube.api.server import Api
from litekube.runtime import embedded
from litekube.store import Store

DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}


def test_a_commit_elsewhere_wakes_the_leader_long_before_its_tick(pg_database):
    store = Store(pg_database)
    api = Api(store, node_count=0)
    waits: list[tuple[float, float, bool]] = []  # (timeout, seconds waited, woken)
    original = store.wait_for_change
    waiting: list[float] = []  # when each wait began

    def recording(timeout, stop=None):
        began = time.monotonic()
        waiting.append(began)
        woken = original(timeout, stop)
        waits.append((timeout, time.monotonic() - began, woken))
        return woken

    store.wait_for_change = recording
    stop = threading.Event()
    states: list[str] = []
    leader = threading.Thread(target=embedded.run, args=(api, stop, states.append), kwargs={"tick": 60.0})
    leader.start()
    try:
        deadline = time.monotonic() + 60
        while not any(s.startswith("leading") for s in states) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(s.startswith("leading") for s in states), states
        while not waiting and time.monotonic() < deadline:  # the leader is idle, waiting
            time.sleep(0.05)
        other = Store(pg_database)
        began = time.monotonic()
        with Api(other, node_count=0).write() as tx:
            tx.create(DEPLOYMENT)

        def replicasets() -> list:
            with other.read() as r:
                return r.list("ReplicaSet", "default")

        while not replicasets() and time.monotonic() - began < 30:
            time.sleep(0.05)
        assert replicasets(), "the leader did not react within 30 s"
        assert time.monotonic() - began < 30 < 60
        assert any(woken and waited < timeout for timeout, waited, woken in waits), waits
        other.close()
    finally:
        stop.set()
        leader.join(90)
        store.close()
    assert not leader.is_alive()
