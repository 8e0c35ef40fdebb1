"""The root-ca-cert-publisher: a `kube-root-ca.crt` ConfigMap in every namespace.

No I/O happens here. As rootcacertpublisher/publisher.go (syncNamespace):
each active namespace gets the ConfigMap that service account token volumes
project (`ca.crt`), with upstream's description annotation; a changed or
deleted one is put back. The certificate is a fixed stand-in: no TLS
happens in litekube.
"""
from __future__ import annotations

from collections.abc import Iterable

from litekube.model import values
from litekube.reconcile.base import Component, Create, Key, Result, Update, View, key_of

__all__ = ["CA_CERT", "COMPONENT", "DESCRIPTION", "NAME", "reconcile"]

NAME = "kube-root-ca.crt"
DESCRIPTION = ("Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
               "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across "
               "distributions of Kubernetes clusters.")
CA_CERT = ("-----BEGIN CERTIFICATE-----\n"
           "MIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhsaXRla3ViZS1z\n"
           "aW11bGF0ZWQtcm9vdC1jYTAeFw0yNjAxMDEwMDAwMDBaFw0zNjAxMDEwMDAwMDBaMCMx\n"
           "ITAfBgNVBAMMGGxpdGVrdWJlLXNpbXVsYXRlZC1yb290LWNh\n"
           "-----END CERTIFICATE-----\n")


def _wanted(namespace: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": NAME, "namespace": namespace, "annotations": {"kubernetes.io/description": DESCRIPTION}},
            "data": {"ca.crt": CA_CERT}}


def reconcile(key: Key, view: View, now: float) -> Result:
    namespace = view.get("Namespace", "", key.name)
    # 1. Gone or terminating: nothing to publish into.
    if namespace is None or namespace["metadata"].get("deletionTimestamp"):
        return Result()
    current = view.get("ConfigMap", key.name, NAME)
    # 2. Missing: publish it.
    if current is None:
        return Result([Create(_wanted(key.name))])
    # 3. Changed: put the bundle back (the annotation is kept as the user left it, as upstream).
    if (current.get("data") or {}) != {"ca.crt": CA_CERT}:
        fixed = values.clone(current)
        fixed["data"] = {"ca.crt": CA_CERT}
        return Result([Update(fixed)])
    return Result()


def _configmap_namespace(obj: dict, view: View) -> Iterable[Key]:
    meta = obj.get("metadata") or {}
    if meta.get("name") == NAME and meta.get("namespace"):
        return (Key("Namespace", "", meta["namespace"]),)
    return ()


COMPONENT = Component(name="root-ca-cert-publisher", reconcile=reconcile,
                      watches={"Namespace": lambda obj, view: (key_of(obj),), "ConfigMap": _configmap_namespace},
                      primary="Namespace")
