"""The scheduling queue's side of the scheduler: which cluster events may make a parked pod schedulable.

No I/O happens here. A pod that fits nowhere is parked (kube-scheduler's
unschedulablePods) with the events its rejecting plugins register for
(`EventsToRegister` in v1.32, each plugin's events as a whole: the queueing
hints that narrow them further are not evaluated); the runtime moves it back,
after its backoff (1 s doubling to 10 s), when a change raises one of those
events, when its own object changes outside its status, or after the 5-minute
flush. The wake mappers below turn a change (old, new) into those events.
"""
from __future__ import annotations

from typing import Iterable

from litekube.model import resources
from litekube.reconcile.base import Key, View, key_of
from litekube.reconcile.scheduler.filters import Reason, Status

__all__ = ["NODE_ADD", "NODE_DELETE", "NODE_ALLOCATABLE", "NODE_LABEL", "NODE_TAINT", "POD_ADD", "POD_LABEL",
           "POD_DELETE", "EVENTS", "plugin_of", "park_events", "pod_wakes", "node_wakes"]

NODE_ADD, NODE_DELETE = "Node/Add", "Node/Delete"
NODE_ALLOCATABLE, NODE_LABEL, NODE_TAINT = "Node/UpdateNodeAllocatable", "Node/UpdateNodeLabel", "Node/UpdateNodeTaint"
POD_ADD, POD_LABEL, POD_DELETE = "AssignedPod/Add", "AssignedPod/UpdatePodLabel", "AssignedPod/Delete"

# Each plugin's EventsToRegister (pkg/scheduler/framework/plugins/*, v1.32).
EVENTS: dict[str, frozenset[str]] = {
    "NodeUnschedulable": frozenset({NODE_ADD, NODE_TAINT}),
    "TaintToleration": frozenset({NODE_ADD, NODE_TAINT}),
    "NodeAffinity": frozenset({NODE_ADD, NODE_LABEL}),
    "NodePorts": frozenset({POD_DELETE, NODE_ADD}),
    "NodeResourcesFit": frozenset({POD_DELETE, NODE_ADD, NODE_ALLOCATABLE}),
    "PodTopologySpread": frozenset({POD_ADD, POD_LABEL, POD_DELETE, NODE_ADD, NODE_DELETE, NODE_LABEL, NODE_TAINT}),
    "InterPodAffinity": frozenset({POD_ADD, POD_LABEL, POD_DELETE, NODE_ADD, NODE_LABEL}),
}

_PLUGINS = {
    Reason.UNSCHEDULABLE: "NodeUnschedulable", Reason.NODE_NAME: "NodeName", Reason.NODE_AFFINITY: "NodeAffinity",
    Reason.AFFINITY_CONFLICT: "NodeAffinity", Reason.NODE_PORTS: "NodePorts", Reason.TOO_MANY_PODS: "NodeResourcesFit",
    Reason.INSUFFICIENT_CPU: "NodeResourcesFit", Reason.INSUFFICIENT_MEMORY: "NodeResourcesFit",
    Reason.SPREAD: "PodTopologySpread", Reason.SPREAD_MISSING_LABEL: "PodTopologySpread",
    Reason.AFFINITY: "InterPodAffinity", Reason.ANTI_AFFINITY: "InterPodAffinity",
    Reason.EXISTING_ANTI_AFFINITY: "InterPodAffinity",
}


def plugin_of(reason: str) -> str:
    """The plugin a filter reason comes from."""
    if reason.startswith("node(s) had untolerated taint"):
        return "TaintToleration"
    if reason.startswith("node(s) didn't satisfy plugin(s) [NodeAffinity]"):
        return "NodeAffinity"
    return _PLUGINS.get(reason, "")  # type: ignore[call-overload]


def park_events(statuses: Iterable[Status], pre_filter: str = "") -> frozenset[str]:
    """The events that may make a pod rejected with these statuses schedulable (no nodes: a node added)."""
    events: set[str] = {NODE_ADD}
    plugins = {plugin_of(pre_filter)} if pre_filter else set()
    for status in statuses:
        plugins.update(plugin_of(r) for r in status.reasons)
    for plugin in plugins:
        events |= EVENTS.get(plugin, frozenset())
    return frozenset(events)


def _live_bound(pod: dict | None) -> bool:
    return pod is not None and bool((pod.get("spec") or {}).get("nodeName")) and not resources.is_terminal(pod)


_IGNORED_META = ("resourceVersion", "generation", "managedFields", "finalizers")


def _updated(old: dict, new: dict) -> bool:
    """isPodUpdated: anything but the status, resourceVersion, generation, managedFields and finalizers changed."""
    if old.get("spec") != new.get("spec"):
        return True
    om, nm = old.get("metadata") or {}, new.get("metadata") or {}
    return {k: v for k, v in om.items() if k not in _IGNORED_META} != \
        {k: v for k, v in nm.items() if k not in _IGNORED_META}


def pod_wakes(old: dict | None, new: dict | None, view: View) -> Iterable[str | Key]:
    """AssignedPod/Add, /UpdatePodLabel, /Delete (a terminal pod counts as deleted); an unbound
    pod's own change outside its status (or its deletion) wakes that pod."""
    was, now = _live_bound(old), _live_bound(new)
    if was and not now:
        yield POD_DELETE
    elif now and not was:
        yield POD_ADD
    elif was and now and ((old or {}).get("metadata") or {}).get("labels") != \
            ((new or {}).get("metadata") or {}).get("labels"):
        yield POD_LABEL
    if new is None:
        if old is not None and not (old.get("spec") or {}).get("nodeName"):
            yield key_of(old)
    elif not (new.get("spec") or {}).get("nodeName") and old is not None and _updated(old, new):
        yield key_of(new)


def node_wakes(old: dict | None, new: dict | None, view: View) -> Iterable[str | Key]:
    """Node/Add, /Delete, /UpdateNodeAllocatable, /UpdateNodeLabel, /UpdateNodeTaint (taints or spec.unschedulable)."""
    if old is None:
        yield NODE_ADD
        return
    if new is None:
        yield NODE_DELETE
        return
    if ((old.get("status") or {}).get("allocatable")) != ((new.get("status") or {}).get("allocatable")):
        yield NODE_ALLOCATABLE
    if ((old.get("metadata") or {}).get("labels")) != ((new.get("metadata") or {}).get("labels")):
        yield NODE_LABEL
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    if old_spec.get("taints") != new_spec.get("taints") or \
            bool(old_spec.get("unschedulable")) != bool(new_spec.get("unschedulable")):
        yield NODE_TAINT
