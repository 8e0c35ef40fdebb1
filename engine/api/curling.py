"""`litekube curl`: one request traced through the cluster's data plane, read from the store. This module does I/O.

Everything the request crosses is read in one transaction (Services,
EndpointSlices, Nodes, Pods, Ingresses, IngressClasses, the names of the
TLS Secrets, the kube-proxy and flannel ConfigMaps); the tracing is pure
(litekube.model.network.tracing). Nothing is written.
"""
from __future__ import annotations

import random

from litekube import errors
from litekube.api import networking
from litekube.model.network import tracing
from litekube.reconcile.kubelet import simulation

__all__ = ["curl", "seeded", "every"]


def seeded(seed: int | None):
    """(choose, pick) drawing one outcome at each split from random.Random(seed) (entropy when None)."""
    rng = random.Random(seed)

    def choose(p: float) -> list[tuple[bool, float]]:
        return [(rng.random() < p, 1.0)]

    def pick(n: int) -> list[tuple[int, float]]:
        return [(rng.randrange(n), 1.0)]

    return choose, pick


def every():
    """(choose, pick) following every outcome of each split with its weight (`--all`)."""
    def choose(p: float) -> list[tuple[bool, float]]:
        return [(matched, w) for matched, w in ((True, p), (False, 1.0 - p)) if w > 0]

    def pick(n: int) -> list[tuple[int, float]]:
        return [(i, 1.0 / n) for i in range(n)]

    return choose, pick


def curl(api, request: tracing.Request, chooser) -> tracing.Trace:
    """The trace of the request; NotFound for a --from pod or node that does not exist."""
    origin = request.origin
    with api.read() as tx:
        if origin.kind == "pod":
            pod = tx.get("Pod", origin.namespace, origin.name)
            if not (pod.get("status") or {}).get("podIP") or not (pod.get("spec") or {}).get("nodeName"):
                raise errors.ManifestError(f'pod "{origin.name}" has no IP yet: it is not running on a node')
        elif origin.kind == "node":
            tx.get("Node", "", origin.name)
        nodes = tx.list("Node").items
        secrets = {(s["metadata"]["namespace"], s["metadata"]["name"]) for s in tx.list("Secret").items
                   if s.get("type") == "kubernetes.io/tls" and {"tls.crt", "tls.key"} <= set(s.get("data") or {})}
        network, backend = networking.flannel_backend(tx)
        net = tracing.Network(
            tx.list("Service").items, tx.list("EndpointSlice").items, nodes, tx.list("Pod").items,
            tx.list("Ingress").items, tx.list("IngressClass").items, secrets,
            {n["metadata"]["name"]: simulation.node_internal_ip(n) for n in nodes},
            networking.proxy_mode(tx), backend, network)
    choose, pick = chooser
    return tracing.trace(net, request, choose, pick)
