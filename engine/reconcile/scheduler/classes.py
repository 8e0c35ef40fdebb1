"""Nodes grouped by what a plain pod's filters and scores read, kept up to date as pods come and go.

No I/O happens here. For a plain pod (see `scheduling._plain`) two nodes with
the same allocatable, cordon, NoSchedule/NoExecute taints and requested
resources pass or fail the same filters and get the same score; only their
names (the scan order and the tie-break) tell them apart. `NodeClasses`
keeps every node in the class of that signature (the class holds the
node positions in name order), updated from the view's node subscription as
binds and removals change a node's usage. A plain pod is then decided with
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

__all__ = ["MAX_CLASSES", "NodeClasses", "for_view"]

MAX_CLASSES = 48


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
        kept = nodelist.current(self._view, self._source)
        self._membership = None if kept is None else kept.membership
        self.nodes: list[NodeFacts] = list(self._source)
        self._position = {n.name: i for i, n in enumerate(self.nodes)}
        self._signature: dict[str, tuple] = {}
        self._members: dict[tuple, list[int]] = {}
        self._representative: dict[tuple, NodeFacts] = {}
        for i, n in enumerate(self.nodes):
            self._add(i, n)
        self._changed.clear()

    def _add(self, i: int, node: NodeFacts) -> None:
        sig = _signature(node, self._view.node_usage(node.name))
        self._signature[node.name] = sig
        members = self._members.get(sig)
        if members is None:
            self._members[sig] = [i]
            self._representative[sig] = node
        else:
            bisect.insort(members, i)

    def _remove(self, i: int, name: str) -> None:
        sig = self._signature.pop(name)
        members = self._members[sig]
        del members[bisect.bisect_left(members, i)]
        if not members:
            del self._members[sig]
            del self._representative[sig]
        elif self._representative[sig].name == name:  # the filters read the representative's usage by name
            self._representative[sig] = self.nodes[members[0]]

    def sync(self) -> None:
        """Apply the node and usage changes since the last sync."""
        if not self._changed:
            return
        current = self._nodes_of(self._view)
        if current is not self._source:  # some Node object changed: did the set of nodes?
            kept = nodelist.current(self._view, current)
            if kept is not None and self._membership is not None:
                moved = kept.membership != self._membership  # the node list counts adds and removes
            else:
                moved = len(current) != len(self.nodes) or any(n.name != m.name for n, m in zip(current, self.nodes))
            if moved:
                self._rebuild()  # a node came, went or started deleting: positions move
                return
            self._source = current
        for name in self._changed:
            i = self._position.get(name)
            if i is None:
                continue
            self._remove(i, name)
            self.nodes[i] = current[i]
            self._add(i, current[i])
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
        """The node the full cycle picks for a plain pod, or None when none fits."""
        n = len(self.nodes)
        start = zlib.crc32(f"{pod.namespace}/{pod.name}".encode()) % n
        feasible: list[tuple[int, list[int]]] = []
        for sig, members in self._members.items():
            if self._fits(sig, self._representative[sig], pod):
                feasible.append((self._score(sig, pod), members))
        if not feasible:
            return None

        def count(lo: int, hi: int) -> int:  # feasible nodes at positions [lo, hi)
            return sum(bisect.bisect_left(m, hi) - bisect.bisect_left(m, lo) for _, m in feasible)

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
                    at = bisect.bisect_left(m, lo)
                    if at < len(m) and m[at] < hi:
                        return self.nodes[m[at]].name
        best = max(score for score, m in feasible if count_in(m, start, end, wrap_end))
        tops = [m for score, m in feasible if score == best]
        # Positions before `start` (the wrapped part) have lower names than any after it.
        wrapped = [m[0] for m in tops if wrap_end and m and m[0] < wrap_end]
        if wrapped:
            return self.nodes[min(wrapped)].name
        firsts = []
        for m in tops:
            at = bisect.bisect_left(m, start)
            if at < len(m) and m[at] < end:
                firsts.append(m[at])
        return self.nodes[min(firsts)].name

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
            status = filters.run_filters(state, self._representative[sig], self._view)
            if status is not None:  # pragma: no cover - decide() found none feasible
                out.append((status, len(members)))
        return out


def count_in(members: list[int], start: int, end: int, wrap_end: int) -> bool:
    """Whether a class has a member inside the window."""
    at = bisect.bisect_left(members, start)
    if at < len(members) and members[at] < end:
        return True
    return bool(wrap_end) and bool(members) and members[0] < wrap_end


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

