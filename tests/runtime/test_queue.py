"""The work queue: one entry per key, the earliest due time wins, ranks order ties."""
from __future__ import annotations

from litekube.reconcile.base import Key
from litekube.runtime.queue import Item, WorkQueue

A, B = Item("replicaset", Key("ReplicaSet", "default", "a")), Item("deployment", Key("Deployment", "default", "b"))


class TestWorkQueue:
    def test_a_key_waits_once_with_its_earliest_due_time(self):
        queue = WorkQueue()
        queue.add(A, 10.0)
        queue.add(A, 5.0)
        queue.add(A, 20.0)
        assert len(queue) == 1
        assert queue.pop_due(4.0, 10) == []
        assert queue.pop_due(5.0, 10) == [A]
        assert queue.pop_due(100.0, 10) == []

    def test_ties_go_by_component_rank_then_order_added(self):
        queue = WorkQueue({"replicaset": 0, "deployment": 1})
        queue.add(B, 1.0)
        queue.add(A, 1.0)
        assert queue.pop_due(1.0, 10) == [A, B]

    def test_routine_only_when_every_request_was_routine(self):
        queue = WorkQueue()
        queue.add(A, 5.0, routine=True)
        assert queue.next_due(routine=False) is None and queue.next_due(routine=True) == 5.0
        queue.add(A, 7.0, routine=False)
        assert queue.next_due(routine=False) == 5.0

    def test_limit(self):
        queue = WorkQueue()
        queue.add(A, 1.0)
        queue.add(B, 1.0)
        assert len(queue.pop_due(1.0, 1)) == 1 and len(queue) == 1
