"""Simulated Node objects, as a kubelet registers them. No I/O happens here."""
from __future__ import annotations

from dataclasses import dataclass, field

from litekube import errors

__all__ = ["Shape", "node_manifest", "parse_labels", "parse_taints", "DEFAULT_NODES"]

DEFAULT_NODES = 3


@dataclass(frozen=True)
class Shape:
    """What one node offers: cpu and memory as quantities, and a pod limit."""

    cpu: str = "4"
    memory: str = "16Gi"
    pods: int = 110
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[dict] = field(default_factory=list)


def parse_labels(text: str | None) -> dict[str, str]:
    """`a=b,c=d` into a dict; ManifestError on a malformed pair."""
    labels: dict[str, str] = {}
    for pair in filter(None, (text or "").split(",")):
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise errors.ManifestError(f'invalid label "{pair}": expected key=value')
        labels[key] = value
    return labels


def parse_taints(text: str | None) -> list[dict]:
    """`k=v:NoSchedule,k2:NoExecute` into taints, as kubectl taint reads them."""
    taints = []
    for spec in filter(None, (text or "").split(",")):
        head, sep, effect = spec.rpartition(":")
        if not sep or effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            raise errors.ManifestError(
                f'invalid taint spec: {spec}, unsupported taint effect "{effect if sep else spec}"')
        key, _, value = head.partition("=")
        taint = {"key": key, "effect": effect}
        if value:
            taint["value"] = value
        taints.append(taint)
    return taints


def node_manifest(name: str, shape: Shape, index: int) -> dict:
    """A Node as `kubectl get node -o yaml` shows a freshly registered simulated one.

    `index` numbers the node in the cluster (unused: the simulated kubelet
    derives the InternalIP from the pod CIDR the node IPAM assigns).
    """
    labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
              "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
              **shape.labels}
    resources = {"cpu": shape.cpu, "memory": shape.memory, "pods": str(shape.pods),
                 "ephemeral-storage": "100Gi"}
    node: dict = {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": labels,
                     "annotations": {"node.alpha.kubernetes.io/ttl": "0"}},
        "spec": {},
        "status": {"capacity": dict(resources), "allocatable": dict(resources)},
    }
    if shape.taints:
        node["spec"]["taints"] = list(shape.taints)
    return node
