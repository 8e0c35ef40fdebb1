"""What `tree` and `graph` read: the objects of a namespace (or of the cluster), indexed.

This module does I/O through the API (one read snapshot per picture). As
kubectl-tree does, `tree` lists every stored kind in the root object's
namespace (cluster-scoped kinds too with all namespaces) and follows the
owner index of an informer cache (`MemoryView.owned_by`) down from the
root; Events are left out, since nothing owns them through
ownerReferences. `graph` reads the Nodes and the kinds it draws.
"""
from __future__ import annotations

from dataclasses import dataclass

from litekube import errors
from litekube.api.server import Api
from litekube.model import kinds, selectors
from litekube.model.pictures import graphs
from litekube.reconcile.views import MemoryView

__all__ = ["Tree", "tree", "graph"]


@dataclass(frozen=True)
class Tree:
    root: dict
    index: MemoryView


def tree(api: Api, kind: kinds.Kind, name: str, *, namespace: str = "default", all_namespaces: bool = False,
         selector: str | None = None) -> Tree:
    """The root object and an index of the objects it may own. Raises NotFound, ManifestError."""
    labels = selectors.parse(selector) if selector else None
    with api.read() as tx:
        root = tx.find(kind.kind, namespace if kind.namespaced else "", name)
        if root is None:
            raise errors.NotFound.of(kind.resource, name)
        found: list[dict] = []
        for k in kinds.KINDS:
            if k.computed or k.kind == "Event" or (not k.namespaced and not all_namespaces):
                continue
            found.extend(tx.list(k.kind, None if all_namespaces or not k.namespaced else namespace).items)
    if labels is not None:
        found = [o for o in found if labels.matches((o.get("metadata") or {}).get("labels"))]
    return Tree(root, MemoryView(found))


def graph(api: Api, *, namespace: str = "default", all_namespaces: bool = False) -> graphs.Graph:
    """The picture of a namespace (or of every namespace) on the cluster's nodes."""
    ns = None if all_namespaces else namespace
    with api.read() as tx:
        nodes = tx.list("Node").items
        objects = [o for kind in graphs.KINDS for o in tx.list(kind, ns).items]
    scope = "all namespaces" if all_namespaces else f"namespace {namespace}"
    return graphs.build(nodes, objects, scope=scope, all_namespaces=all_namespaces)
