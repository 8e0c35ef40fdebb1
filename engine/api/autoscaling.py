"""`litekube autoscale`: kubectl 1.32's autoscale, which creates an autoscaling/v1 HorizontalPodAutoscaler.

This module does I/O through the API. As kubectl, it first reads the target
(a missing one is NotFound), refuses kinds without a scale subresource with
kubectl's wording, and creates `{scaleTargetRef, minReplicas (when > 0),
maxReplicas, targetCPUUtilizationPercentage (when >= 0)}` in
autoscaling/v1; the apiserver stores it as autoscaling/v2.
"""
from __future__ import annotations

from litekube import errors
from litekube.api.server import Api
from litekube.model import kinds

__all__ = ["autoscale", "hpa_v1", "SCALABLE"]

SCALABLE = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")


def hpa_v1(kind: kinds.Kind, target: str, name: str, low: int, high: int, cpu_percent: int) -> dict:
    """createHorizontalPodAutoscaler: the object kubectl sends."""
    spec: dict = {"scaleTargetRef": {"apiVersion": kind.api_version, "kind": kind.kind, "name": target},
                  "maxReplicas": high}
    if low > 0:
        spec["minReplicas"] = low
    if cpu_percent >= 0:
        spec["targetCPUUtilizationPercentage"] = cpu_percent
    return {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": name},
            "spec": spec}


def validate(low: int, high: int) -> None:
    """AutoscaleOptions.Validate."""
    if high < 1:
        raise errors.LitekubeError(f"--max=MAXPODS is required and must be at least 1, max: {high}")
    if high < low:
        raise errors.LitekubeError(f"--max=MAXPODS must be larger or equal to --min=MINPODS, max: {high}, min: {low}")


def autoscale(api: Api, kind: kinds.Kind, namespace: str, target: str, *, low: int = -1, high: int = -1,
              cpu_percent: int = -1, name: str = "", dry_run: str | None = None) -> str:
    """`horizontalpodautoscaler.autoscaling/web autoscaled`."""
    validate(low, high)
    with api.read() as tx:
        tx.get(kind.kind, namespace, target)
    if kind.kind not in SCALABLE:
        group = f"{kind.group}/{kind.version}" if kind.group else f"/{kind.version}"
        raise errors.LitekubeError(f"cannot autoscale a {kind.kind}: could not find scale subresource for "
                                   f"{group}, Resource={kind.plural} in discovery information")
    obj = hpa_v1(kind, target, name or target, low, high, cpu_percent)
    hpa = kinds.lookup("HorizontalPodAutoscaler")
    if dry_run == "client":
        return f"{hpa.qualified}/{obj['metadata']['name']} created (dry run)"
    with api.write(dry_run=dry_run == "server") as tx:
        created = tx.create(obj, namespace=namespace)
    suffix = " (server dry run)" if dry_run == "server" else ""
    return f"{hpa.qualified}/{created['metadata']['name']} autoscaled{suffix}"
