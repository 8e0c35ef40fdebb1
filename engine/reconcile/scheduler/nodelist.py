"""The scheduler's sorted list of node facts, kept up to date from the view's Node changes.

No I/O happens here. Every scheduling cycle reads the facts of every Node
not being deleted, in name order (`scheduling._all_nodes`). Rebuilding that
list whenever any Node changes (a heartbeat, a taint, a node joining) costs
O(nodes) a change; `NodeList` keeps it instead from the view's `subscribe`
set of the Node keys put or discarded since the last sync: each changed node
is removed (bisection on the names) and, unless gone or deleting, inserted
again with its new facts. The list handed out is never mutated afterwards:
a sync that changes something makes a new list object (one C-level copy,
not a walk over the nodes), so callers may hold a list across syncs and
memoize on its identity.

Besides the facts it keeps, also incrementally, what callers used to scan
the list for: how many nodes have PreferNoSchedule taints, each node's
position (bisection), and a `membership` count that moves only when a node
is added or removed. `REBUILDS["nodes"]` counts the lists built again from
scratch for a view that had one (only a view without subscriptions, memoized
until a Node changes, does that; the first list of a view is not counted):
tests read it.
"""
from __future__ import annotations

import bisect
import weakref

from litekube.reconcile.base import Key
from litekube.reconcile.scheduler import nodeinfo
from litekube.reconcile.scheduler.nodeinfo import NodeFacts

__all__ = ["NodeList", "REBUILDS", "for_view", "current"]

# Node lists built again from scratch (for tests that count work, not time).
REBUILDS = {"nodes": 0}


class NodeList:
    """The facts of a view's Nodes not being deleted, in name order, with their names and positions."""

    def __init__(self, view) -> None:
        self._view = view
        self._changed: set[Key] = view.subscribe("Node")
        self.facts: list[NodeFacts] = [f for f in (nodeinfo.node_facts(n) for n in view.list("Node")) if not f.deleting]
        self.names: list[str] = [f.name for f in self.facts]
        self.prefer = sum(1 for f in self.facts if f.prefer_taints)
        self.membership = 0  # moves when a node is added or removed

    def sync(self) -> list[NodeFacts]:
        """Apply the Node changes since the last sync; the (new, if anything changed) list of facts."""
        if not self._changed:
            return self.facts
        changed = sorted(self._changed)
        self._changed.clear()
        facts = list(self.facts)  # the old list stays as it was for whoever holds it
        names = self.names
        for key in changed:
            name = key.name
            at = bisect.bisect_left(names, name)
            present = at < len(names) and names[at] == name
            obj = self._view.get("Node", "", name)
            new = None if obj is None else nodeinfo.node_facts(obj)
            if new is not None and new.deleting:
                new = None
            if present:
                self.prefer -= bool(facts[at].prefer_taints)
                if new is None:
                    del facts[at]
                    del names[at]
                    self.membership += 1
                else:
                    facts[at] = new
            elif new is not None:
                facts.insert(at, new)
                names.insert(at, name)
                self.membership += 1
            if new is not None:
                self.prefer += bool(new.prefer_taints)
        self.facts = facts
        return facts

    def position(self, name: str) -> int | None:
        at = bisect.bisect_left(self.names, name)
        return at if at < len(self.names) and self.names[at] == name else None


class Positions:
    """A read-only name -> position mapping over a NodeList (bisection, nothing built)."""

    __slots__ = ("_nodes",)

    def __init__(self, nodes: NodeList) -> None:
        self._nodes = nodes

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._nodes.position(name) is not None

    def __getitem__(self, name: str) -> int:
        at = self._nodes.position(name)
        if at is None:
            raise KeyError(name)
        return at

    def get(self, name: str, default=None):
        at = self._nodes.position(name)
        return default if at is None else at

    def __len__(self) -> int:
        return len(self._nodes.names)


_LISTS: "weakref.WeakKeyDictionary[object, NodeList]" = weakref.WeakKeyDictionary()


def for_view(view) -> NodeList | None:
    """The view's NodeList (built on first use), synced; None for a view without subscriptions."""
    if not hasattr(view, "subscribe"):
        return None
    nodes = _LISTS.get(view)
    if nodes is None:
        nodes = _LISTS[view] = NodeList(view)
    else:
        nodes.sync()
    return nodes


def current(view, facts: list) -> NodeList | None:
    """The view's NodeList if `facts` is the list it last handed out (then its positions and counts hold)."""
    nodes = _LISTS.get(view) if view is not None else None
    return nodes if nodes is not None and nodes.facts is facts else None
