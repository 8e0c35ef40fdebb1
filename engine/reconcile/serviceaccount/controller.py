"""The serviceaccounts controller: every active namespace has a `default` ServiceAccount.

No I/O happens here. As pkg/controller/serviceaccount/serviceaccounts_controller.go
(syncNamespace): for a namespace that is not terminating, each account of
the ensure list (`default`) that is missing is created, plain (no secrets:
tokens are projected since v1.24). It runs for every namespace, existing
ones included, and again when the account is deleted.
"""
from __future__ import annotations

from collections.abc import Iterable

from litekube.reconcile.base import Component, Create, Key, Result, View, key_of

__all__ = ["COMPONENT", "ENSURE", "reconcile"]

ENSURE = ("default",)


def reconcile(key: Key, view: View, now: float) -> Result:
    namespace = view.get("Namespace", "", key.name)
    # 1. Gone or terminating: new content would be refused.
    if namespace is None or namespace["metadata"].get("deletionTimestamp"):
        return Result()
    # 2. Create what is missing.
    return Result([Create({"apiVersion": "v1", "kind": "ServiceAccount",
                           "metadata": {"name": name, "namespace": key.name}})
                   for name in ENSURE if view.get("ServiceAccount", key.name, name) is None])


def _account_namespace(obj: dict, view: View) -> Iterable[Key]:
    meta = obj.get("metadata") or {}
    if meta.get("name") in ENSURE and meta.get("namespace"):
        return (Key("Namespace", "", meta["namespace"]),)
    return ()


COMPONENT = Component(name="serviceaccount", reconcile=reconcile,
                      watches={"Namespace": lambda obj, view: (key_of(obj),), "ServiceAccount": _account_namespace},
                      primary="Namespace")
