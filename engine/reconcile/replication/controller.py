"""The ReplicationController controller: the ReplicaSet controller's sync over core/v1 ReplicationControllers.

No I/O happens here. As upstream's pkg/controller/replication, which runs
the ReplicaSet controller through conversion adapters, this reuses
`litekube.reconcile.replicaset.controller.sync` with a flavor of its own:
the kind, the equality-based map selector of `spec.selector`, and the event
source `replication-controller`. Everything else (claiming, burst, pod
names and deletion order, status, minReadySeconds requeues) is the
ReplicaSet controller's.
"""
from __future__ import annotations

from litekube.model import selectors
from litekube.reconcile.base import Component, Key, Result, View, self_key
from litekube.reconcile.replicaset import controller as replicaset

__all__ = ["COMPONENT", "EVENT_SOURCE", "FLAVOR", "reconcile"]

EVENT_SOURCE = "replication-controller"


def _map_selector(rc: dict) -> selectors.Selector:
    """spec.selector as the LabelSelector `{matchLabels: selector}` upstream's conversion makes of it
    (validation refuses an empty one, so it never selects everything)."""
    return selectors.from_set((rc.get("spec") or {}).get("selector"))


FLAVOR = replicaset.Flavor("ReplicationController", EVENT_SOURCE, _map_selector)


def reconcile(key: Key, view: View, now: float) -> Result:
    """Sync the ReplicationController `key` exactly as a ReplicaSet is synced."""
    return replicaset.sync(key, view, now, FLAVOR)


COMPONENT = Component(name="replication", reconcile=reconcile,
                      watches={"ReplicationController": self_key, "Pod": replicaset.owners_for_pod(FLAVOR)},
                      primary="ReplicationController")
