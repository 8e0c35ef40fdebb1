"""The DaemonSet sync's per-node work, remembered between passes and redone only where something changed.

No I/O happens here. syncDaemonSet visits every node on every pass
(podsShouldBeOnNode, then the status counters), so a DaemonSet synced once
per batch of changes while N nodes join costs O(N) a pass and O(N^2) in all.
What a pass reads of one node is a function of the node object, the
DaemonSet's claimed pods that target it, and a few fields of the DaemonSet
(its uid, spec, current revision hash and template generation; the
observed generation only in the failed-pod backoff key, read by a node that
is visited on every pass anyway, see below): `Tracked` keeps, per DaemonSet, that per-node answer
(`NodeResult`: needs a pod, the pods to delete, its share of the status
counters, its share of the rolling update) and the sums of both. The
view's `subscribe` feeds it the keys of the Pods and Nodes that changed
since the last pass; only the nodes those touch are visited again. Objects
in the view are never mutated (a changed object is a new one), so a
remembered answer stays right until one of its inputs is replaced.

A node is visited again on every pass (in name order, with the pass's
backoff) while it holds a Failed pod: its answer depends on the clock and
the failed-pod backoff. With minReadySeconds above 0 a node's answer also
depends on the clock until its Ready pods become available: the first such
instant is kept in a heap, and the node is visited again on the first pass
after it (a pass at an earlier clock than the last one starts over).

The rolling update's budget is shared by every node, but what it reads of
one node is again a function of that node alone (upstream's rollingUpdate
classifies each node, then cuts the candidates to the budget left after
the sums): each answer carries its node's share of the sums (`roll`) and
its marks (`marks`: an old pod that may go, a node that may get a surge
pod, ...), kept in name order (`Marked`), so the pass reads the sums and
the first few marks instead of walking the nodes (`update.roll_node`,
`controller._rolling_of`). An orphan the pass adopts is claimed from the
pass that adopts it, as the walk claims it, until it changes.
"""
from __future__ import annotations

import bisect
import heapq
import json
import weakref
from typing import Callable, Iterator

from litekube.model import selectors
from litekube.reconcile.base import Key
from litekube.reconcile.common import pod_ranking
from litekube.reconcile.daemonset import util

__all__ = ["NodeResult", "Tracked", "tracked", "VISITS"]

# How many node answers were computed, by either path (for tests that count work, not time).
VISITS = {"nodes": 0, "rebuilds": 0}

_MISSING = object()
_ZERO = (0, 0, 0, 0, 0, 0)  # desired, current, misscheduled, ready, updated, available
ROLL_ZERO = (0, 0, 0)  # the rolling update's sums: unavailable (no surge), surge, available (surge)
MARKS = ("allowed", "candidate", "surge_delete", "surge_allowed", "should_not_run", "surge_candidate")


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def spec_text(ds: dict) -> str:
    """The DaemonSet's spec as canonical text: what the remembered answers were computed for (a spec
    change bumps metadata.generation in the API, but a view may be handed any object)."""
    return json.dumps(ds.get("spec") or {}, sort_keys=True, separators=(",", ":"))


def _controller_uid(pod: dict) -> str | None:
    for ref in _meta(pod).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref.get("uid")
    return None


class NodeResult:
    """What one pass reads of one node (or of a node that is gone but still targeted by pods)."""

    __slots__ = ("need", "delete", "gone_delete", "counts", "volatile", "roll", "marks", "expires", "wait_at")

    def __init__(self, need: bool, delete: list[dict], gone_delete: list[dict], counts: tuple, volatile: bool, roll: tuple = ROLL_ZERO, marks: dict | None = None, expires: float | None = None,
                 wait_at: float | None = None) -> None:
        self.need, self.delete, self.gone_delete = need, delete, gone_delete
        self.counts, self.volatile = counts, volatile
        self.roll = roll  # this node's share of the rolling update's sums (ROLL_ZERO's order)
        self.marks = marks or {}  # MARKS -> the old pod (or True) this node adds to that list
        self.expires = expires  # the clock after which this answer may change (a Ready pod becomes available)
        self.wait_at = wait_at  # when the status's pod of this node becomes available (status_of's wait)

    def empty(self) -> bool:
        return not self.need and not self.delete and not self.gone_delete and self.counts == _ZERO \
            and not self.volatile and self.roll == ROLL_ZERO and not self.marks \
            and self.expires is None and self.wait_at is None


class Marked:
    """Node names in name order, each with a value (an old pod, or True): one of the rolling update's lists."""

    __slots__ = ("names", "values")

    def __init__(self) -> None:
        self.names: list[str] = []
        self.values: dict[str, object] = {}

    def set(self, name: str, value) -> None:
        if name not in self.values:
            bisect.insort(self.names, name)
        self.values[name] = value

    def discard(self, name: str) -> None:
        if self.values.pop(name, _MISSING) is not _MISSING:
            del self.names[bisect.bisect_left(self.names, name)]

    def __len__(self) -> int:
        return len(self.names)

    def first(self, n: int) -> list:
        """The values of the first `n` names."""
        return [self.values[name] for name in self.names[:max(n, 0)]]

    def first_names(self, n: int) -> list[str]:
        return self.names[:max(n, 0)]


class Tracked:
    """One DaemonSet's claimed pods by target node and its per-node answers, kept up to date from the view."""

    def __init__(self, uid: str) -> None:
        self.uid = uid
        self.claim_signature: tuple | None = None
        self.node_signature: tuple | None = None
        self.pod_node: dict[Key, str | None] = {}  # claimed pod -> its target node
        self.node_pods: dict[str, dict[Key, None]] = {}
        self.releasing: set[Key] = set()  # ours by controller ref, but not selected: the walk releases them
        self.adopting: set[Key] = set()  # orphans the pass adopts, claimed until they change
        self.dirty_pods: set[Key] = set()
        self.dirty_nodes: set[str] = set()
        self.results: dict[str, NodeResult] = {}
        self.totals = [0] * len(_ZERO)
        self.needing: set[str] = set()
        self.deleting: set[str] = set()  # existing nodes with pods to delete
        self.gone_deleting: set[str] = set()  # nodes that are gone, with pods to delete
        self.volatile: set[str] = set()
        self._reset_clock()

    def _reset_clock(self) -> None:
        self.roll_totals = [0] * len(ROLL_ZERO)
        self.marks: dict[str, Marked] = {m: Marked() for m in MARKS}
        self.expiry: list[tuple[float, str]] = []  # (expires, node), stale entries skipped
        self.waiting: list[tuple[float, str]] = []  # (wait_at, node), stale entries skipped
        self.last_now: float | None = None

    # -- claims -------------------------------------------------------------------------------
    def sync_claims(self, view, ds: dict, selector: selectors.Selector) -> None:
        """Bring the claimed pods up to date: from scratch when the DaemonSet's selector may have changed."""
        meta = _meta(ds)
        signature = (meta.get("uid"), meta.get("namespace"), spec_text(ds))
        if signature != self.claim_signature:
            VISITS["rebuilds"] += 1
            self.claim_signature = signature
            self.node_signature = None
            self.pod_node, self.node_pods, self.releasing, self.adopting = {}, {}, set(), set()
            self.dirty_pods = set()
            for pod in view.owned_by(self.uid, "Pod"):
                self._claim(pod, selector)
            return
        dirty, self.dirty_pods = self.dirty_pods, set()
        for key in dirty:
            was = self.pod_node.pop(key, _MISSING)
            if was is not _MISSING:
                if was is not None:
                    on_node = self.node_pods[was]
                    del on_node[key]
                    if not on_node:
                        del self.node_pods[was]
                    self.dirty_nodes.add(was)
            self.releasing.discard(key)
            self.adopting.discard(key)
            pod = view.get(*key)
            if pod is not None:
                self._claim(pod, selector)

    def _claim(self, pod: dict, selector: selectors.Selector) -> None:
        """ClaimPods for one pod of the DaemonSet's: claimed when selected, to release when not (and live)."""
        if _controller_uid(pod) != self.uid:
            return
        meta = _meta(pod)
        key = Key("Pod", meta.get("namespace", ""), meta.get("name", ""))
        if selector.matches(meta.get("labels")):
            self._add(key, pod)
        elif not meta.get("deletionTimestamp"):
            self.releasing.add(key)

    def _add(self, key: Key, pod: dict) -> None:
        node = util.target_node(pod)
        self.pod_node[key] = node
        if node is not None:
            self.node_pods.setdefault(node, {})[key] = None
            self.dirty_nodes.add(node)

    def adopt(self, pod: dict) -> None:
        """Claim an orphan the pass adopts (the walk claims it in the pass that adopts it): it stays claimed
        until it changes (adopted, or no longer an orphan that matches), when sync_claims looks again."""
        meta = _meta(pod)
        key = Key("Pod", meta.get("namespace", ""), meta.get("name", ""))
        if key not in self.pod_node:
            self.adopting.add(key)
            self._add(key, pod)

    def _order(self, keys) -> list[Key]:
        """The walk's order of claimed pods: its own in key order, then the adopted orphans in key order."""
        if not self.adopting:
            return sorted(keys)
        return sorted(keys, key=lambda k: (k in self.adopting, k))

    def claimed(self, view) -> "_Claimed":
        """The claimed pods in key order (the walk's order), read only if iterated."""
        return _Claimed(self, view)

    # -- node answers ---------------------------------------------------------------------------
    def sync_nodes(self, view, signature: tuple,
                   compute: Callable[[dict | None, list[dict], bool], NodeResult], now: float = 0.0) -> None:
        """Visit the nodes that changed (every node when `signature` changed or the clock went back), those
        whose answer the clock may have changed since, then every volatile node in name order.
        `compute(node, pods, final)` answers for one node; `final` is False for a visit whose answer is
        replaced in this pass (it must then not touch the backoff)."""
        if signature != self.node_signature or (self.last_now is not None and now < self.last_now):
            VISITS["rebuilds"] += signature == self.node_signature
            self.node_signature = signature
            self.results, self.totals = {}, [0] * len(_ZERO)
            self.needing, self.deleting, self.gone_deleting, self.volatile = set(), set(), set(), set()
            self._reset_clock()
            names = {_meta(n).get("name", "") for n in view.list("Node")} | set(self.node_pods)
        else:
            names = self.dirty_nodes
            while self.expiry and self.expiry[0][0] < now:
                expires, name = heapq.heappop(self.expiry)
                result = self.results.get(name)
                if result is not None and result.expires == expires:
                    names.add(name)
        self.last_now = now
        self.dirty_nodes = set()
        for name in names:
            self._set(name, compute(view.get("Node", "", name), self._pods(view, name), False))
        for name in sorted(self.volatile):
            self._set(name, compute(view.get("Node", "", name), self._pods(view, name), True))

    def _pods(self, view, name: str) -> list[dict]:
        keys = self.node_pods.get(name)
        return [view.get(*k) for k in self._order(keys)] if keys else []

    def _set(self, name: str, result: NodeResult) -> None:
        VISITS["nodes"] += 1
        old = self.results.pop(name, None)
        if old is not None:
            for i, c in enumerate(old.counts):
                self.totals[i] -= c
            for i, c in enumerate(old.roll):
                self.roll_totals[i] -= c
            for mark in old.marks:
                if mark not in result.marks:
                    self.marks[mark].discard(name)
        if not result.empty():
            self.results[name] = result
            for i, c in enumerate(result.counts):
                self.totals[i] += c
            for i, c in enumerate(result.roll):
                self.roll_totals[i] += c
            for mark, value in result.marks.items():
                self.marks[mark].set(name, value)
            if result.expires is not None and (old is None or old.expires != result.expires):
                heapq.heappush(self.expiry, (result.expires, name))
            if result.wait_at is not None and (old is None or old.wait_at != result.wait_at):
                heapq.heappush(self.waiting, (result.wait_at, name))
        for flag, found in ((result.need, self.needing), (bool(result.delete), self.deleting),
                            (bool(result.gone_delete), self.gone_deleting), (result.volatile, self.volatile)):
            if flag:
                found.add(name)
            else:
                found.discard(name)

    # -- the pass's answers -------------------------------------------------------------------------
    def first_wait_at(self) -> float | None:
        """The earliest wait_at of any node (status_of's wait is this minus the clock)."""
        while self.waiting:
            at, name = self.waiting[0]
            result = self.results.get(name)
            if result is not None and result.wait_at == at:
                return at
            heapq.heappop(self.waiting)
        return None

    def needing_nodes(self) -> list[str]:
        return sorted(self.needing)

    def to_delete(self) -> list[dict]:
        """The walk's deletes: per existing node in name order, then the gone nodes' in name order."""
        out = [p for name in sorted(self.deleting) for p in self.results[name].delete]
        out += [p for name in sorted(self.gone_deleting) for p in self.results[name].gone_delete]
        return out


class _Claimed:
    """The claimed pods, decoded when first iterated (constructHistory reads them only to dedup revisions)."""

    def __init__(self, tracked_: Tracked, view) -> None:
        self._tracked, self._view = tracked_, view

    def __iter__(self) -> Iterator[dict]:
        return iter([self._view.get(*k) for k in self._tracked._order(self._tracked.pod_node)])


class _PerView:
    def __init__(self, view) -> None:
        self.pods = view.subscribe("Pod")
        self.nodes = view.subscribe("Node")
        self.by_key: dict[Key, Tracked] = {}

    def drain(self) -> None:
        if self.pods or self.nodes:
            names = {k.name for k in self.nodes}
            for state in self.by_key.values():
                state.dirty_pods |= self.pods
                state.dirty_nodes |= names
            self.pods.clear()
            self.nodes.clear()


_VIEWS: "weakref.WeakKeyDictionary[object, _PerView]" = weakref.WeakKeyDictionary()


def tracked(view, key: Key, uid: str) -> Tracked | None:
    """The DaemonSet's Tracked for this view, with the view's changes since the last pass queued on it;
    None for a view without subscriptions."""
    if not hasattr(view, "subscribe"):
        return None
    per_view = _VIEWS.get(view)
    if per_view is None:
        per_view = _VIEWS[view] = _PerView(view)
    per_view.drain()
    state = per_view.by_key.get(key)
    if state is None or state.uid != uid:
        state = per_view.by_key[key] = Tracked(uid)
    return state


def forget(view, key: Key) -> None:
    per_view = _VIEWS.get(view)
    if per_view is not None:
        per_view.by_key.pop(key, None)


def counts_of(ds: dict, node: dict, pods: list[dict], hash_: str, generation: str | None, should_run: bool,
              by_creation: Callable[[dict], tuple], min_ready: int = 0,
              now: float = 0.0) -> tuple[tuple, float | None]:
    """status_of's share of one node: (desired, current, misscheduled, ready, updated, available), and
    when its pod becomes available if it is Ready and not yet (status_of's wait, plus the clock)."""
    if not should_run:
        return (0, 0, 1 if pods else 0, 0, 0, 0), None
    if not pods:
        return (1, 0, 0, 0, 0, 0), None
    pod = min(pods, key=by_creation)
    ready = 1 if pod_ranking.is_ready(pod) else 0
    available = ready and util.is_available(pod, min_ready, now)
    wait_at = None
    if ready and not available:
        since = pod_ranking.ready_time(pod)
        if since is not None:
            wait_at = since + min_ready
    return (1, 1, 0, ready, 1 if util.is_updated(pod, hash_, generation) else 0, 1 if available else 0), wait_at


def expires_of(pods: list[dict], min_ready: int, now: float) -> float | None:
    """The first instant after which one of `pods` (Ready, not yet available) becomes available."""
    if min_ready <= 0:
        return None
    first = None
    for pod in pods:
        if pod_ranking.is_ready(pod):
            since = pod_ranking.ready_time(pod)
            if since is not None and not since + min_ready < now:
                at = since + min_ready
                first = at if first is None else min(first, at)
    return first
