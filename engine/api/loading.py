"""`litekube set load`: the simulated load of a workload, changed without a rollout.

This module does I/O through the API. The load lives in annotations on the
workload object itself (not its pod template, which would roll a
Deployment): `sim.litekube.io/cpu-load` and `memory-load` (a total demand
its ready pods share) and `cpu-usage` and `memory-usage` (what each of its
pods' containers uses on its own). The metrics read them through the pods'
controllers, so current and future pods follow at once. On a bare Pod the
totals are its own usage.
"""
from __future__ import annotations

from litekube import errors
from litekube.api.server import Api
from litekube.model import kinds, quantities, values
from litekube.reconcile.kubelet.simulation import Annotation
from litekube.reconcile.metrics_server.usage import parse_usage

__all__ = ["set_load", "WORKLOAD_KINDS", "check_total", "check_per_pod"]

WORKLOAD_KINDS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController", "Job", "Pod")
_KNOWN = {k.kind for k in kinds.KINDS}
_ALL = (Annotation.CPU_LOAD, Annotation.MEMORY_LOAD, Annotation.CPU_USAGE, Annotation.MEMORY_USAGE)


def check_total(text: str) -> str:
    """A total demand: a non-negative quantity. Raises ValueError with the reason."""
    amount = quantities.parse(text.strip())
    if amount < 0:
        raise ValueError("must be greater than or equal to 0")
    return text.strip()


def check_per_pod(text: str, resource: str) -> str:
    """A per-pod usage: `250m`, `80%` or `app=250m,sidecar=10m`. Raises ValueError with the reason."""
    parse_usage(text, resource)
    return text.strip()


def set_load(api: Api, kind: kinds.Kind, namespace: str, name: str, *, cpu: str | None = None,
             memory: str | None = None, cpu_per_pod: str | None = None, memory_per_pod: str | None = None,
             clear: bool = False) -> str:
    """Annotate the workload; `deployment.apps/web load updated`. Raises NotFound, ManifestError."""
    if kind.kind not in WORKLOAD_KINDS:
        raise errors.ManifestError(
            f'cannot set load on {kind.resource} "{name}": only pods and the workloads that run them have one')
    changes: dict[str, str] = {}
    pod = kind.kind == "Pod"
    if cpu is not None:
        changes[Annotation.CPU_USAGE if pod else Annotation.CPU_LOAD] = cpu
    if memory is not None:
        changes[Annotation.MEMORY_USAGE if pod else Annotation.MEMORY_LOAD] = memory
    if cpu_per_pod is not None:
        changes[Annotation.CPU_USAGE] = cpu_per_pod
    if memory_per_pod is not None:
        changes[Annotation.MEMORY_USAGE] = memory_per_pod
    with api.write() as tx:
        obj = tx.get(kind.kind, namespace, name)
        owner = next((r for r in obj["metadata"].get("ownerReferences") or [] if r.get("controller")), None)
        if owner is not None and not pod:
            owner_kind = kinds.lookup(owner.get("kind", "")) if owner.get("kind") in _KNOWN else None
            where = f"{owner_kind.qualified if owner_kind else owner.get('kind', '').lower()}/{owner.get('name', '')}"
            raise errors.ManifestError(f'{kind.resource} "{name}" is controlled by {where}: set its load there')
        new = values.clone(obj)
        annotations = dict(new["metadata"].get("annotations") or {})
        if clear:
            for key in _ALL:
                annotations.pop(key, None)
        annotations.update(changes)
        if annotations != (obj["metadata"].get("annotations") or {}):
            if annotations:
                new["metadata"]["annotations"] = annotations
            else:
                new["metadata"].pop("annotations", None)
            tx.update(new, namespace=namespace)
    return f"{kind.qualified}/{name} load {'cleared' if clear and not changes else 'updated'}"
