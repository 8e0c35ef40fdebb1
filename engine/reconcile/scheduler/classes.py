"""Nodes grouped by what a plain pod's filters and scores read, kept up to date as pods come and go.

No I/O happens here. For a plain pod (see `scheduling._plain`) two nodes with
the same allocatable, cordon, NoSchedule/NoExecute taints and requested
resources pass or fail the same filters and get the same score; only their
names (the scan order and the tie-break) tell them apart. `NodeClasses`
keeps every node in the class of that signature (the class holds the
node names in order), updated from the view's node subscription as binds
and removals change a node's usage and as nodes come and go (inserted and
removed by bisection: a position is an index into the names in order, and
a class's members before position i are those below the i-th name, so no
position is stored to move; `REBUILDS` counts the builds again from
scratch, only for node lists that are not the view's nodelist.NodeList). A plain pod is then decided with
O(classes x log nodes) work instead of a scan of the nodes:

- each class is filtered and scored once;
- the scan window of the full cycle (from the pod's start index, cyclic,
  until numFeasibleNodesToFind feasible nodes) is found by counting the
  feasible classes' members with bisection;
- the winner is the lowest-named node of the best-scoring classes inside
  that window, exactly as the scan's "best score, then lowest name" (and the
  first feasible node when the window holds one).

A failure is described per class too (the reason histogram of FitError,
weighted by class sizes). When nodes differ too much (more classes than
`MAX_CLASSES`) the scan is used instead.
"""
from __future__ import annotations

import bisect
import weakref
import zlib

from litekube.reconcile.common.tolerations import toleration_tolerates
from litekube.reconcile.scheduler import filters, nodelist, scores
from litekube.reconcile.scheduler.filters import Status
from litekube.reconcile.scheduler.nodeinfo import NodeFacts, PodFacts

__all__ = ["MAX_CLASSES", "NodeClasses", "for_view", "REBUILDS"]

MAX_CLASSES = 48
REBUILDS = {"classes": 0}  # classes built again from scratch (for tests that count work; not the first build)


def _signature(node: NodeFacts, usage) -> tuple:
    real, nz = usage
    taints = tuple((t.get("key", ""), t.get("value") or "", t.get("effect", "")) for t in node.hard_taints)
    return (node.cpu, node.memory, node.pods, node.unschedulable, taints,
            real.cpu, real.memory, real.pods, nz.cpu, nz.memory)


class NodeClasses:
    """The schedulable nodes of one view (in name order), grouped by signature."""

    def __init__(self, view, nodes_of) -> None:
        self._view = view
        self._nodes_of = nodes_of
        self._changed = view.subscribe_nodes()
        self._rebuild()

    def _rebuild(self) -> None:
        self._source = self._nodes_of(self._view)
        self.names: list[str] = [n.name for n in self._source]
        self._facts: dict[str, NodeFacts] = {n.name: n for n in self._source}
        self._signature: dict[str, tuple] = {}
        self._members: dict[tuple, list[str]] = {}  # sorted node names
        for n in self._source:
            self._add(n)
        self._changed.clear()

    def _add(self, node: NodeFacts) -> None:
        sig = _signature(node, self._view.node_usage(node.name))
        self._signature[node.name] = sig
        members = self._members.get(sig)
        if members is None:
            self._members[sig] = [node.name]
        else:
            bisect.insort(members, node.name)

    def _remove(self, name: str) -> None:
        sig = self._signature.pop(name)
        members = self._members[sig]
        del members[bisect.bisect_left(members, name)]
        if not members:
            del self._members[sig]

    def _representative(self, sig: tuple) -> NodeFacts:
        """The class's lowest-named node (the filters read its usage by name)."""
        return self._facts[self._members[sig][0]]

    def sync(self) -> None:
        """Apply the node and usage changes since the last sync: a node added or removed is inserted or
        removed by bisection, as a node whose object or usage changed is moved between classes."""
        if not self._changed:
            return
        current = self._nodes_of(self._view)
        kept = nodelist.current(self._view, current)
        if kept is not None:
            def facts_of(name: str) -> NodeFacts | None:
                at = kept.position(name)
                return None if at is None else current[at]
        else:
            if current is not self._source and (
                    len(current) != len(self.names) or any(n.name != m for n, m in zip(current, self.names))):
                REBUILDS["classes"] += 1
                self._rebuild()  # a node came, went or started deleting, and no node list to say which
                return

            def facts_of(name: str) -> NodeFacts | None:
                at = bisect.bisect_left(self.names, name)
                return current[at] if at < len(self.names) and self.names[at] == name else None
        self._source = current
        for name in sorted(self._changed):
            node = facts_of(name)
            if name in self._signature:
                self._remove(name)
                if node is None:
                    del self.names[bisect.bisect_left(self.names, name)]
                    del self._facts[name]
            elif node is not None:
                bisect.insort(self.names, name)
            if node is not None:
                self._facts[name] = node
                self._add(node)
        self._changed.clear()

    @property
    def count(self) -> int:
        return len(self._members)

    # -- deciding ----------------------------------------------------------------------------
    @staticmethod
    def _fits(sig: tuple, node: NodeFacts, pod: PodFacts) -> bool:
        if node.unschedulable and not pod.tolerates_unschedulable:
            return False
        if node.hard_taints and not all(any(toleration_tolerates(t, taint) for t in pod.tolerations)
                                        for taint in node.hard_taints):
            return False
        _, _, pods, _, _, real_cpu, real_mem, real_pods, _, _ = sig
        want = pod.request
        return not (real_pods + 1 > pods or (want.cpu > 0 and want.cpu > node.cpu - real_cpu)
                    or (want.memory > 0 and want.memory > node.memory - real_mem))

    @staticmethod
    def _score(sig: tuple, pod: PodFacts) -> int:
        cpu, mem, _, _, _, real_cpu, real_mem, _, nz_cpu, nz_mem = sig
        least = weights = 0
        if cpu:
            requested = nz_cpu + pod.non_zero.cpu
            least += 0 if requested > cpu else (cpu - requested) * scores.MAX_NODE_SCORE // cpu
            weights += 1
        if mem:
            requested = nz_mem + pod.non_zero.memory
            least += 0 if requested > mem else (mem - requested) * scores.MAX_NODE_SCORE // mem
            weights += 1
        if cpu and mem:
            balanced = int((1 - abs(min((real_cpu + pod.request.cpu) / cpu, 1.0)
                                    - min((real_mem + pod.request.memory) / mem, 1.0)) / 2) * scores.MAX_NODE_SCORE)
        else:
            balanced = scores.MAX_NODE_SCORE
        return (least // weights if weights else 0) + balanced

    def decide(self, pod: PodFacts, wanted: int) -> str | None:
        """The node the full cycle picks for a plain pod, or None when none fits.

        Positions are indexes into the names in order; a class's members are names, so the members
        before position i are those below names[i] (all of them for i = n)."""
        names = self.names
        n = len(names)
        start = zlib.crc32(f"{pod.namespace}/{pod.name}".encode()) % n
        feasible: list[tuple[int, list[str]]] = []
        for sig, members in self._members.items():
            if self._fits(sig, self._representative(sig), pod):
                feasible.append((self._score(sig, pod), members))
        if not feasible:
            return None

        def at(m: list[str], i: int) -> int:  # members before position i
            return len(m) if i >= n else bisect.bisect_left(m, names[i])

        def count(lo: int, hi: int) -> int:  # feasible nodes at positions [lo, hi)
            return sum(at(m, hi) - at(m, lo) for _, m in feasible)

        after = count(start, n)
        total = after + count(0, start)
        # The window: positions [start, end) then, when it wraps, [0, wrap_end).
        if after >= wanted:
            end, wrap_end, found = self._nth(feasible, start, n, wanted, count), 0, wanted
        else:
            end = n
            wrap_end = self._nth(feasible, 0, start, wanted - after, count) if total > after else 0
            found = min(total, wanted)
        if found == 1:
            for lo, hi in ((start, end), (0, wrap_end)):
                for _, m in feasible:
                    first = at(m, lo)
                    if first < len(m) and first < at(m, hi):
                        return m[first]

        def inside(m: list[str]) -> bool:  # a member inside the window
            first = at(m, start)
            return (first < len(m) and first < at(m, end)) or (bool(wrap_end) and bool(m) and at(m, wrap_end) > 0)

        best = max(score for score, m in feasible if inside(m))
        tops = [m for score, m in feasible if score == best]
        # Positions before `start` (the wrapped part) have lower names than any after it.
        wrapped = [m[0] for m in tops if wrap_end and m and at(m, wrap_end) > 0]
        if wrapped:
            return min(wrapped)
        firsts = []
        for m in tops:
            first = at(m, start)
            if first < len(m) and first < at(m, end):
                firsts.append(m[first])
        return min(firsts)

    @staticmethod
    def _nth(feasible, lo: int, hi: int, k: int, count) -> int:
        """The smallest x in (lo, hi] with count(lo, x) >= k (k-th feasible node from lo, exclusive end)."""
        low, high = lo + 1, hi
        while low < high:
            mid = (low + high) // 2
            if count(lo, mid) >= k:
                high = mid
            else:
                low = mid + 1
        return low

    def failure(self, pod: PodFacts) -> list[tuple[Status, int]]:
        """(the filters' Status, how many nodes) for each class: every node rejects the pod."""
        out: list[tuple[Status, int]] = []
        state = filters.CycleState(pod)
        for sig, members in self._members.items():
            status = filters.run_filters(state, self._representative(sig), self._view)
            if status is not None:  # pragma: no cover - decide() found none feasible
                out.append((status, len(members)))
        return out


_CLASSES: "weakref.WeakKeyDictionary[object, NodeClasses]" = weakref.WeakKeyDictionary()


def for_view(view, nodes_of) -> NodeClasses | None:
    """The view's NodeClasses (built on first use), synced; None for a view without node subscriptions."""
    if not hasattr(view, "subscribe_nodes"):
        return None
    classes = _CLASSES.get(view)
    if classes is None:
        classes = _CLASSES[view] = NodeClasses(view, nodes_of)
    else:
        classes.sync()
    return classes

