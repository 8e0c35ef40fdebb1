"""Every component the control plane runs, in one list. No I/O happens here.

The order is the rank of a component's keys among keys due at the same time.
"""
from __future__ import annotations

from litekube.reconcile.base import Component
from litekube.runtime import electing
from litekube.reconcile.daemonset import controller as daemonset
from litekube.reconcile.deployment import controller as deployment
from litekube.reconcile.disruption import controller as disruption
from litekube.reconcile.endpointslice import controller as endpointslice
from litekube.reconcile.endpointslice import endpoints
from litekube.reconcile.endpointslice import mirroring as endpointslice_mirroring
from litekube.reconcile.garbage_collector import controller as garbage_collector
from litekube.reconcile.ingress_nginx import controller as ingress_nginx
from litekube.reconcile.cronjob import controller as cronjob
from litekube.reconcile.job import controller as job
from litekube.reconcile.job import orphans as job_orphans
from litekube.reconcile.kubelet import components as kubelet
from litekube.reconcile.namespace import controller as namespace
from litekube.reconcile.node_ipam import controller as node_ipam
from litekube.reconcile.node_lifecycle import controller as node_lifecycle
from litekube.reconcile.persistentvolume import controller as persistentvolume
from litekube.reconcile.persistentvolume import protection as volume_protection
from litekube.reconcile.persistentvolume import provisioner as local_path_provisioner
from litekube.reconcile.podautoscaler import controller as podautoscaler
from litekube.reconcile.podgc import controller as podgc
from litekube.reconcile.replicaset import controller as replicaset
from litekube.reconcile.resourcequota import controller as resourcequota
from litekube.reconcile.root_ca_publisher import controller as root_ca_publisher
from litekube.reconcile.replication import controller as replication
from litekube.reconcile.scheduler import scheduling as scheduler
from litekube.reconcile.service_lb import controller as service_lb
from litekube.reconcile.serviceaccount import controller as serviceaccount
from litekube.reconcile.statefulset import controller as statefulset
from litekube.reconcile.taint_eviction import controller as taint_eviction
from litekube.reconcile.ttl_after_finished import controller as ttl_after_finished

__all__ = ["ALL", "LEASES", "field_manager", "lease_of", "of_lease"]

ALL: list[Component] = [
    garbage_collector.COMPONENT,
    namespace.COMPONENT,
    serviceaccount.COMPONENT,
    root_ca_publisher.COMPONENT,
    resourcequota.COMPONENT,
    node_ipam.COMPONENT,
    node_lifecycle.COMPONENT,
    podgc.COMPONENT,
    taint_eviction.COMPONENT,
    disruption.COMPONENT,
    replicaset.COMPONENT,  # before deployment: see WorkQueue (pods go before new ones come)
    replication.COMPONENT,
    deployment.COMPONENT,
    statefulset.COMPONENT,
    daemonset.COMPONENT,
    podautoscaler.COMPONENT,
    job.COMPONENT,
    job_orphans.ORPHANS,
    cronjob.COMPONENT,
    ttl_after_finished.COMPONENT,
    persistentvolume.COMPONENT,
    volume_protection.PVC_COMPONENT,
    volume_protection.PV_COMPONENT,
    local_path_provisioner.COMPONENT,
    scheduler.COMPONENT,
    endpointslice.COMPONENT,
    endpoints.COMPONENT,
    endpointslice_mirroring.COMPONENT,
    service_lb.COMPONENT,
    ingress_nginx.COMPONENT,
    kubelet.NODES,
    kubelet.PODS,
]


# The field manager each component's writes are recorded under in managedFields (upstream's
# binaries); every other component is a controller of kube-controller-manager.
_FIELD_MANAGERS = {"kubelet": "kubelet", "kubelet-heartbeat": "kubelet", "scheduler": "kube-scheduler",
                   "local-path-provisioner": "local-path-provisioner", "service-lb": "metallb-controller"}


def field_manager(component: str) -> str:
    """`kubelet`, `kube-scheduler`, or `kube-controller-manager`."""
    return _FIELD_MANAGERS.get(component, "kube-controller-manager")
# The Lease whose holder runs each component (runtime.leading): the scheduler and the controller
# manager elect apart, as upstream; the simulated node agents (every kubelet) share one.
_ELSEWHERE = {scheduler.COMPONENT.name: electing.SCHEDULER, kubelet.NODES.name: electing.SIMULATOR,
              kubelet.PODS.name: electing.SIMULATOR}
LEASES = electing.LEASES


def lease_of(component: str) -> str:
    """The Lease a control plane must hold to run `component`."""
    return _ELSEWHERE.get(component, electing.CONTROLLER_MANAGER)


def of_lease(lease: str) -> set[str]:
    """The components the holder of `lease` runs."""
    return {c.name for c in ALL if lease_of(c.name) == lease}
