"""Operations on nodes and pods: cordon, uncordon, faults, eviction.

This module does I/O through the API. Faults are annotations that the
simulated kubelet reads (see engine/reconcile/simulation.py), so tests and
users inject them the same way.
"""
from __future__ import annotations

from litekube import errors
from litekube.api.server import Api, Transaction, timestamp
from litekube.model import nodes, values

__all__ = ["cordon", "add_node", "set_annotation", "FAULTS", "evict", "DOWN", "UNREADY", "CRASH"]

DOWN = "sim.litekube.io/down"
UNREADY = "sim.litekube.io/unready"
CRASH = "sim.litekube.io/crash"


def cordon(api: Api, node: str, unschedulable: bool) -> str:
    """`node/n cordoned`, `node/n already cordoned`, `node/n uncordoned`, ..."""
    verb = "cordoned" if unschedulable else "uncordoned"
    with api.write() as tx:
        current = tx.get("Node", "", node)
        if bool((current.get("spec") or {}).get("unschedulable")) == unschedulable:
            return f"node/{node} already {verb}"
        new = values.clone(current)
        if unschedulable:
            new.setdefault("spec", {})["unschedulable"] = True
        else:
            new.setdefault("spec", {}).pop("unschedulable", None)
        tx.update(new)
    return f"node/{node} {verb}"


def add_node(api: Api, name: str, shape: nodes.Shape) -> str:
    """`node add`: a simulated node of `shape`, indexed after the existing ones: `node/NAME created`."""
    with api.write() as tx:
        index = len(tx.list("Node").items)
        tx.create(nodes.node_manifest(name, shape, index))
    return f"node/{name} created"


def set_annotation(tx: Transaction, kind: str, namespace: str, name: str, key: str,
                   value: str | None) -> dict | None:
    current = tx.get(kind, namespace, name)
    new = values.clone(current)
    annotations = dict(new["metadata"].get("annotations") or {})
    if value is None:
        annotations.pop(key, None)
    else:
        annotations[key] = value
    new["metadata"]["annotations"] = annotations
    return tx.update(new, namespace=namespace)


# fault name -> (kind, annotation, value or None to clear, message)
FAULTS = {
    "node-down": ("Node", DOWN, "true", "node/{name} is down"),
    "node-up": ("Node", DOWN, None, "node/{name} is up"),
    "crash": ("Pod", CRASH, "{now}", "pod/{name} crashed"),
    "unready": ("Pod", UNREADY, "true", "pod/{name} is unready"),
    "ready": ("Pod", UNREADY, None, "pod/{name} is ready"),
}


def fault(api: Api, which: str, name: str, namespace: str = "default") -> str:
    kind, annotation, value, message = FAULTS[which]
    with api.write() as tx:
        if value == "{now}":
            value = timestamp(tx.now())
        set_annotation(tx, kind, namespace if kind == "Pod" else "", name, annotation, value)
    return message.format(name=name)


def evict(tx: Transaction, namespace: str, name: str) -> None:
    """The pods/eviction subresource: delete the pod unless a disruption budget forbids it."""
    from litekube.reconcile.disruption import controller as disruption

    pod = tx.get("Pod", namespace, name)
    if pod["metadata"].get("deletionTimestamp"):
        return
    pdbs = tx.list("PodDisruptionBudget", namespace).items
    refusal = disruption.check_eviction(pod, pdbs)
    if refusal is not None:
        raise errors.TooManyRequests(str(refusal))
    for pdb in disruption.pdbs_for_pod(pod, pdbs):
        updated = disruption.after_eviction(pdb, pod, tx.now())
        if updated != pdb:
            tx.update_status(updated, namespace=namespace)
    tx.delete("Pod", namespace, name)
