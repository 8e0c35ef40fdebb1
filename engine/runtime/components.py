"""Every component the control plane runs, in one list. No I/O happens here.

The order is the rank of a component's keys among keys due at the same time.
"""
from __future__ import annotations

from engine.reconcile import (deployment, disruption, garbage_collector, kubelet, namespace, node_ipam, node_lifecycle,
                              replicaset, scheduler, taint_eviction)
from engine.reconcile.base import Component

__all__ = ["ALL"]

ALL: list[Component] = [
    garbage_collector.COMPONENT,
    namespace.COMPONENT,
    node_ipam.COMPONENT,
    node_lifecycle.COMPONENT,
    taint_eviction.COMPONENT,
    disruption.COMPONENT,
    replicaset.COMPONENT,  # before deployment: see WorkQueue (pods go before new ones come)
    deployment.COMPONENT,
    scheduler.COMPONENT,
    kubelet.NODES,
    kubelet.PODS,
]
