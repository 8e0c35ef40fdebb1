"""The DaemonSet controller: one daemon pod on every node that should run one.

No I/O happens here. `reconcile` is pkg/controller/daemon's syncDaemonSet
for one DaemonSet:

- its ControllerRevisions are claimed and the current one found or made
  (update.construct_history); its hash labels the new pods;
- its pods are claimed (every pod of the namespace, terminal ones too:
  matching orphans adopted, ours that stopped matching released) and
  grouped by target node (spec.nodeName, or the node the pod's required
  `metadata.name In` affinity names);
- `manage` visits every node (podsShouldBeOnNode): a node that should run
  a pod and has none gets one, created with the default tolerations and a
  required node affinity pinning it to the node, and left to the default
  scheduler to bind; failed pods are deleted (with upstream's backoff, 1 s
  doubling to 15 min, per node) and succeeded ones too; extra pods on a
  node are deleted (all but the oldest, or with surge all but the oldest
  old and new pod, as upstream); a node that should not keep running the
  pod (a NoExecute taint not tolerated, a nodeSelector or affinity that no
  longer fits, ...) loses it; pods pinned to a node that no longer exists
  and never scheduled are deleted;
- RollingUpdate (update.rolling_update) runs when manage had nothing to
  do (upstream waits for its expectations); OnDelete leaves old pods alone;
- old revisions beyond revisionHistoryLimit are deleted;
- the status counters are recomputed from the pods the pass started from
  and written only when they changed.

Differences from upstream, on purpose:
- No expectations: the runtime applies a pass's actions before the key is
  reconciled again. Rolling updates wait for a pass in which manage
  creates and deletes nothing, which is when upstream's expectations are
  satisfied after such a pass.
- No slow-start batches (see the ReplicaSet controller); at most
  BURST_REPLICAS creates and deletes per pass, as upstream's burstReplicas.
- The failed-pod backoff, held in memory upstream, is kept with SaveState.
- Nodes are visited in name order (upstream's rolling update walks a Go map).
- When minReadySeconds holds a Ready pod back, the pass asks to look again
  just after it becomes available (upstream: after minReadySeconds).
"""
from __future__ import annotations

from typing import Iterable

from litekube import errors
from litekube.model import selectors, values
from litekube.reconcile.base import (
    Component,
    Create,
    Delete,
    Key,
    RecordEvent,
    Result,
    SaveState,
    Update,
    UpdateStatus,
    View,
    ref_of,
    self_key,
)
from litekube.reconcile.common import pod_ranking
from litekube.reconcile.daemonset import incremental, update, util

__all__ = ["COMPONENT", "NAME", "EVENT_SOURCE", "BURST_REPLICAS", "reconcile", "BACKOFF_INITIAL", "BACKOFF_MAX",
           "status_of", "pods_by_node"]

NAME = "daemonset"
EVENT_SOURCE = "daemonset-controller"
BURST_REPLICAS = 250
BACKOFF_INITIAL = 1.0  # failedPodsBackoff = flowcontrol.NewBackOff(1s, 15min)
BACKOFF_MAX = 900.0
_PAST_MIN_READY = 0.001
_COUNTERS = ("desiredNumberScheduled", "currentNumberScheduled", "numberMisscheduled", "numberReady",
             "updatedNumberScheduled", "numberAvailable", "numberUnavailable")
_ALWAYS = ("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady")


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _name(obj: dict) -> str:
    return _meta(obj).get("name", "")


def _owner_reference(ds: dict) -> dict:
    meta = _meta(ds)
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": meta.get("name", ""), "uid": meta.get("uid", ""),
            "controller": True, "blockOwnerDeletion": True}


# -- claiming ---------------------------------------------------------------------------

def _claim(view: View, ds: dict, selector: selectors.Selector) -> tuple[list[dict], list]:
    """getDaemonPods: ClaimPods over the namespace's pods (terminal ones too)."""
    meta = _meta(ds)
    uid, deleting = meta.get("uid", ""), bool(meta.get("deletionTimestamp"))
    claimed: list[dict] = []
    actions: list = []
    for pod in view.owned_by(uid, "Pod"):
        ref = next((r for r in _meta(pod).get("ownerReferences") or [] if r.get("controller")), None)
        if ref is None or ref.get("uid") != uid:
            continue
        if selector.matches(_meta(pod).get("labels")):
            claimed.append(pod)
        elif not deleting and not _meta(pod).get("deletionTimestamp"):
            actions.append(_released(pod, uid))
    if not deleting:
        for pod in view.orphans("Pod", meta.get("namespace", "")):
            if not _meta(pod).get("deletionTimestamp") and selector.matches(_meta(pod).get("labels")):
                actions.append(_adopted(pod, ds))
                claimed.append(pod)
    return claimed, actions


def pods_by_node(pods: Iterable[dict], include_deleted_terminal: bool) -> dict[str, list[dict]]:
    """getNodesToDaemonPods: the claimed pods by target node, in name order."""
    grouped: dict[str, list[dict]] = {}
    for pod in pods:
        if not include_deleted_terminal and pod_ranking_terminal(pod) and _meta(pod).get("deletionTimestamp"):
            continue
        node = util.target_node(pod)
        if node is None:
            continue
        grouped.setdefault(node, []).append(pod)
    return grouped


def pod_ranking_terminal(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def _by_creation_and_phase(pod: dict) -> tuple:
    """podByCreationTimestampAndPhase: scheduled first, then oldest, then by name."""
    return (not (pod.get("spec") or {}).get("nodeName"),
            pod_ranking.timestamp(_meta(pod).get("creationTimestamp")) or 0.0, _name(pod))


# -- manage -----------------------------------------------------------------------------

class _Backoff:
    """flowcontrol.Backoff for failed pods, one entry per (uid, observedGeneration, node)."""

    def __init__(self, state: dict | None) -> None:
        self.entries: dict[str, list[float]] = {k: list(v) for k, v in ((state or {}).get("backoff") or {}).items()}
        self.changed = False

    def in_backoff(self, key: str, now: float) -> float | None:
        """IsInBackOffSinceUpdate: the current delay if still within it."""
        entry = self.entries.get(key)
        if entry is not None and now - entry[1] < entry[0]:
            return entry[0]
        return None

    def next(self, key: str, now: float) -> None:
        entry = self.entries.get(key)
        if entry is None or now - entry[1] > 2 * BACKOFF_MAX:
            delay = BACKOFF_INITIAL
        else:
            delay = min(entry[0] * 2, BACKOFF_MAX)
        self.entries[key] = [delay, now]
        self.changed = True

    def state(self, now: float) -> dict | None:
        live = {k: v for k, v in self.entries.items() if now - v[1] <= 2 * BACKOFF_MAX}
        return {"backoff": live} if live else None


def _pods_should_be_on_node(ds: dict, node: dict, pods: list[dict] | None, hash_: str, sim: util.Simulated,
                            backoff: _Backoff, now: float, events: list, waits: list) -> tuple[bool, list[dict]]:
    """podsShouldBeOnNode: (the node needs a daemon pod, pods to delete)."""
    should_run, keep_running = util.should_run(node, ds, sim)
    node_name = _name(node)
    to_delete: list[dict] = []
    if should_run and pods is None:
        return True, []
    if keep_running:
        running: list[dict] = []
        for pod in pods or []:
            if _meta(pod).get("deletionTimestamp"):
                continue
            phase = (pod.get("status") or {}).get("phase")
            if phase == "Failed":
                key = f"{_meta(ds).get('uid', '')}/{int((ds.get('status') or {}).get('observedGeneration') or 0)}" \
                      f"/{node_name}"
                delay = backoff.in_backoff(key, now)
                if delay is not None:
                    waits.append(delay)
                    continue
                backoff.next(key, now)
                events.append(RecordEvent(
                    ref_of(ds), "Warning", "FailedDaemonPod",
                    f"Found failed daemon pod {_meta(pod).get('namespace', '')}/{_name(pod)} on node {node_name}, "
                    f"will try to kill it", EVENT_SOURCE))
                to_delete.append(pod)
            elif phase == "Succeeded":
                to_delete.append(pod)
            else:
                running.append(pod)
        running.sort(key=_by_creation_and_phase)
        if not util.allows_surge(ds):
            return False, to_delete + running[1:]
        if len(running) <= 1:
            return (not running and should_run), to_delete
        oldest_new = oldest_old = None
        for pod in running:
            if (_meta(pod).get("labels") or {}).get(util.HASH_LABEL) == hash_:
                if oldest_new is None:
                    oldest_new = pod
                    continue
            elif oldest_old is None:
                oldest_old = pod
                continue
            to_delete.append(pod)
        if oldest_new is not None and oldest_old is not None:
            min_ready = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
            if not pod_ranking.is_ready(oldest_old) or util.is_available(oldest_new, min_ready, now):
                to_delete.append(oldest_old)
        return False, to_delete
    if pods:
        to_delete = [p for p in pods if not _meta(p).get("deletionTimestamp")]
    return False, to_delete


def _sync_nodes(ds: dict, to_delete: list[dict], nodes_needing: list[str], hash_: str) -> list:
    """syncNodes: create pods for nodes (pinned by node affinity) and delete pods, BURST_REPLICAS each at most."""
    actions: list = []
    involved = ref_of(ds)
    meta = _meta(ds)
    template = util.pod_template(ds, hash_)
    template_meta = template.get("metadata") or {}
    for node in nodes_needing[:BURST_REPLICAS]:
        spec = values.clone(template.get("spec") or {})
        util.pin_to_node(spec, node)
        pod_meta: dict = {"generateName": f"{meta.get('name', '')}-", "namespace": meta.get("namespace", "")}
        for field in ("labels", "annotations"):
            if template_meta.get(field):
                pod_meta[field] = dict(template_meta[field])
        if template_meta.get("finalizers"):
            pod_meta["finalizers"] = list(template_meta["finalizers"])
        pod_meta["ownerReferences"] = [_owner_reference(ds)]
        actions.append(Create({"apiVersion": "v1", "kind": "Pod", "metadata": pod_meta, "spec": spec},
                              event=RecordEvent(involved, "Normal", "SuccessfulCreate", "Created pod: {name}",
                                                EVENT_SOURCE)))
    for pod in to_delete[:BURST_REPLICAS]:
        pm = _meta(pod)
        actions.append(Delete("Pod", pm.get("namespace", ""), pm.get("name", ""), pm.get("uid", "")))
        actions.append(RecordEvent(involved, "Normal", "SuccessfulDelete", f"Deleted pod: {pm.get('name', '')}",
                                   EVENT_SOURCE))
    return actions


# -- status -----------------------------------------------------------------------------

def status_of(ds: dict, nodes: list[dict], grouped: dict[str, list[dict]], hash_: str, sim: util.Simulated,
              now: float) -> tuple[dict, float | None]:
    """updateDaemonSetStatus's counters, and when a Ready pod becomes available."""
    counts = dict.fromkeys(_COUNTERS, 0)
    min_ready = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
    generation = util.template_generation(ds)
    wait: float | None = None
    for node in nodes:
        should_run, _ = util.should_run(node, ds, sim)
        pods = grouped.get(_name(node)) or []
        if not should_run:
            counts["numberMisscheduled"] += bool(pods)
            continue
        counts["desiredNumberScheduled"] += 1
        if not pods:
            continue
        counts["currentNumberScheduled"] += 1
        pod = min(pods, key=_by_creation_and_phase)
        if pod_ranking.is_ready(pod):
            counts["numberReady"] += 1
            if util.is_available(pod, min_ready, now):
                counts["numberAvailable"] += 1
            else:
                since = pod_ranking.ready_time(pod)
                if since is not None:
                    left = since + min_ready - now + _PAST_MIN_READY
                    wait = left if wait is None else min(wait, left)
        if util.is_updated(pod, hash_, generation):
            counts["updatedNumberScheduled"] += 1
    counts["numberUnavailable"] = counts["desiredNumberScheduled"] - counts["numberAvailable"]
    return counts, wait


def _status_write(ds: dict, counts: dict, observed: bool) -> UpdateStatus | None:
    """storeDaemonSetStatus: nothing when every counter is the same and the generation observed."""
    old = ds.get("status") or {}
    generation = int(_meta(ds).get("generation") or 0)
    if all(int(old.get(f) or 0) == counts[f] for f in _COUNTERS) \
            and int(old.get("observedGeneration") or 0) >= generation:
        return None
    status = values.clone(old)
    for field in _COUNTERS:
        if counts[field] or field in _ALWAYS:
            status[field] = counts[field]
        else:
            status.pop(field, None)
    if observed and generation:
        status["observedGeneration"] = generation
    return UpdateStatus({**values.clone(ds), "status": status})


# -- reconcile ----------------------------------------------------------------------------

def reconcile(key: Key, view: View, now: float) -> Result:
    """syncDaemonSet for the DaemonSet `key`."""
    ds = view.get("DaemonSet", key.namespace, key.name)
    if ds is None:
        incremental.forget(view, key)
        return Result()
    spec = ds.get("spec") or {}
    if spec.get("selector") == {}:
        return Result([RecordEvent(ref_of(ds), "Warning", "SelectingAll",
                                   "This daemon set is selecting all pods. A non-empty selector is required.",
                                   EVENT_SOURCE)])
    try:
        selector = selectors.from_label_selector(spec.get("selector"))
    except errors.BadRequest:
        return Result()
    if _meta(ds).get("deletionTimestamp"):
        return Result()
    state = incremental.tracked(view, key, _meta(ds).get("uid", "")) if FAST else None
    if state is not None:
        state.sync_claims(view, ds, selector)
        return _remembered(key, view, now, ds, selector, state)
    return _walk(key, view, now, ds, selector)


FAST = True  # the remembered per-node answers (tests compare against the walk with FAST False)


def _node_result(ds: dict, node: dict | None, pods: list[dict], hash_: str, generation: str | None,
                 sim: util.Simulated, backoff: _Backoff, now: float, events: list,
                 waits: list) -> incremental.NodeResult:
    """The walk's answer for one node (`pods`: the claimed pods that target it, in key order): manage's,
    the status counters' and the rolling update's."""
    min_ready = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
    live = [p for p in pods if not (pod_ranking_terminal(p) and _meta(p).get("deletionTimestamp"))]
    volatile = any((p.get("status") or {}).get("phase") == "Failed" and not _meta(p).get("deletionTimestamp")
                   for p in live)
    expires = incremental.expires_of(pods, min_ready, now)
    if node is None:  # getUnscheduledPodsWithoutNode
        gone = [p for p in live if not (p.get("spec") or {}).get("nodeName") and not _meta(p).get("deletionTimestamp")]
        roll, marks = update.roll_node(live, False, hash_, generation, min_ready, now)
        return incremental.NodeResult(False, [], gone, (0, 0, 0, 0, 0, 0), False, roll, marks, expires)
    need, delete = _pods_should_be_on_node(ds, node, live or None, hash_, sim, backoff, now, events, waits)
    should_run = util.should_run(node, ds, sim)[0]
    counts, wait_at = incremental.counts_of(ds, node, pods, hash_, generation, should_run, _by_creation_and_phase,
                                            min_ready, now)
    roll, marks = update.roll_node(live, should_run, hash_, generation, min_ready, now)
    return incremental.NodeResult(need, delete, [], counts, volatile, roll, marks, expires, wait_at)


def _released(pod: dict, uid: str) -> Update:
    """ClaimPods' release of a pod the DaemonSet controls but no longer selects: its ownerReference dropped."""
    released = values.clone(pod)
    refs = [r for r in _meta(released).get("ownerReferences") or [] if r.get("uid") != uid]
    released["metadata"]["ownerReferences"] = refs
    if not refs:
        released["metadata"].pop("ownerReferences")
    return Update(released)


def _adopted(pod: dict, ds: dict) -> Update:
    """ClaimPods' adoption of a matching orphan: the DaemonSet's controller reference appended."""
    adopted = values.clone(pod)
    adopted["metadata"]["ownerReferences"] = list(_meta(pod).get("ownerReferences") or []) + [_owner_reference(ds)]
    return Update(adopted)


def _rolling_of(ds: dict, state: incremental.Tracked) -> tuple[list[dict], list[str]]:
    """rolling_update's answer from the remembered per-node shares: (old pods to delete, nodes to create on)."""
    return update.roll_from(ds, state.totals[0], state.roll_totals, state.marks, BURST_REPLICAS)


def _remembered(key: Key, view: View, now: float, ds: dict, selector: selectors.Selector,
                state: incremental.Tracked) -> Result:
    """The walk's pass from the remembered per-node answers."""
    spec = ds.get("spec") or {}
    meta = _meta(ds)
    uid = meta.get("uid", "")
    actions: list = [_released(view.get(*k), uid) for k in sorted(state.releasing)]
    for pod in view.orphans("Pod", meta.get("namespace", "")):
        if not _meta(pod).get("deletionTimestamp") and selector.matches(_meta(pod).get("labels")):
            actions.append(_adopted(pod, ds))
            state.adopt(pod)
    history = update.construct_history(view, ds, selector, state.claimed(view))
    actions += history.actions
    if history.hash is None:
        return Result(actions, requeue_after=0.0)
    hash_ = history.hash
    generation = util.template_generation(ds)
    sim = util.Simulated(ds)
    backoff = _Backoff(view.state(NAME, key))
    events: list = []
    waits: list[float] = []

    def compute(node: dict | None, pods: list[dict], final: bool) -> incremental.NodeResult:
        if final:
            return _node_result(ds, node, pods, hash_, generation, sim, backoff, now, events, waits)
        return _node_result(ds, node, pods, hash_, generation, sim, _Backoff(None), now, [], [])

    # What every node's answer reads of the DaemonSet. Not status.observedGeneration: only the failed-pod
    # backoff key reads it, and a node holding a Failed pod is visited again on every pass anyway.
    signature = (incremental.spec_text(ds), hash_, generation)
    state.sync_nodes(view, signature, compute, now)
    managing = _sync_nodes(ds, state.to_delete(), state.needing_nodes(), hash_)
    actions += events
    actions += managing
    if not managing and ((spec.get("updateStrategy") or {}).get("type") or "RollingUpdate") == "RollingUpdate":
        old_pods, new_nodes = _rolling_of(ds, state)
        actions += _sync_nodes(ds, old_pods, new_nodes, hash_)
    limit = spec.get("revisionHistoryLimit")
    if len(history.old) > (10 if limit is None else int(limit)):
        claimed = list(state.claimed(view))
        actions += update.cleanup_history(ds, history.old, pods_by_node(claimed, include_deleted_terminal=True))
    desired, current, misscheduled, ready, updated, available = state.totals
    counts = {"desiredNumberScheduled": desired, "currentNumberScheduled": current,
              "numberMisscheduled": misscheduled, "numberReady": ready, "updatedNumberScheduled": updated,
              "numberAvailable": available, "numberUnavailable": desired - available}
    write = _status_write(ds, counts, observed=True)
    if write is not None:
        actions.append(write)
    if backoff.changed:
        actions.append(SaveState(NAME, key, backoff.state(now)))
    wait_at = state.first_wait_at()
    if wait_at is not None:
        waits.append(wait_at - now + _PAST_MIN_READY)
    return Result(actions, requeue_after=min(waits) if waits else None)


def _walk(key: Key, view: View, now: float, ds: dict, selector: selectors.Selector) -> Result:
    """syncDaemonSet walking every node and every claimed pod."""
    spec = ds.get("spec") or {}
    claimed, actions = _claim(view, ds, selector)
    history = update.construct_history(view, ds, selector, claimed)
    actions += history.actions
    if history.hash is None:
        return Result(actions, requeue_after=0.0)  # a collision: the bumped collisionCount names the revision
    hash_ = history.hash
    nodes = view.list("Node")
    incremental.VISITS["nodes"] += len(nodes)
    sim = util.Simulated(ds)
    backoff = _Backoff(view.state(NAME, key))
    events: list = []
    waits: list[float] = []

    # manage
    live = pods_by_node(claimed, include_deleted_terminal=False)
    needing: list[str] = []
    to_delete: list[dict] = []
    node_names = set()
    for node in nodes:
        node_names.add(_name(node))
        need, delete = _pods_should_be_on_node(ds, node, live.get(_name(node)), hash_, sim, backoff, now,
                                               events, waits)
        if need:
            needing.append(_name(node))
        to_delete += delete
    # getUnscheduledPodsWithoutNode: pinned to a node that is gone, never scheduled.
    for node_name in sorted(set(live) - node_names):
        to_delete += [p for p in live[node_name]
                      if not (p.get("spec") or {}).get("nodeName") and not _meta(p).get("deletionTimestamp")]
    actions += events
    managing = _sync_nodes(ds, to_delete, needing, hash_)
    actions += managing

    # rolling update, once manage has nothing left to do
    if not managing and ((spec.get("updateStrategy") or {}).get("type") or "RollingUpdate") == "RollingUpdate":
        by_name = {_name(p): p for pods in live.values() for p in pods}
        old_names, new_nodes = update.rolling_update(ds, {_name(n): n for n in nodes}, live, hash_, sim, now)
        actions += _sync_nodes(ds, [by_name[n] for n in old_names if n in by_name], new_nodes, hash_)

    actions += update.cleanup_history(ds, history.old, pods_by_node(claimed, include_deleted_terminal=True))

    counts, wait = status_of(ds, nodes, pods_by_node(claimed, include_deleted_terminal=True), hash_, sim, now)
    write = _status_write(ds, counts, observed=True)
    if write is not None:
        actions.append(write)
    if backoff.changed:
        actions.append(SaveState(NAME, key, backoff.state(now)))
    if wait is not None:
        waits.append(wait)
    return Result(actions, requeue_after=min(waits) if waits else None)


# -- watches --------------------------------------------------------------------------------

def _daemon_sets_for_pod(pod: dict, view: View) -> Iterable[Key]:
    """A pod's controlling DaemonSet; for an orphan, every DaemonSet of its namespace that selects it."""
    meta = _meta(pod)
    namespace = meta.get("namespace", "")
    owner = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
    if owner is not None:
        return (Key("DaemonSet", namespace, owner.get("name", "")),) if owner.get("kind") == "DaemonSet" else ()
    keys = []
    for ds in view.list("DaemonSet", namespace):
        try:
            if selectors.from_label_selector((ds.get("spec") or {}).get("selector")).matches(meta.get("labels")):
                keys.append(Key("DaemonSet", namespace, _name(ds)))
        except errors.BadRequest:
            continue
    return keys


def _daemon_sets_for_node(node: dict, view: View) -> Iterable[Key]:
    """Every DaemonSet: a node added, changed or deleted may change where each should run."""
    return [Key("DaemonSet", _meta(ds).get("namespace", ""), _name(ds)) for ds in view.list("DaemonSet")]


def _daemon_sets_for_revision(cr: dict, view: View) -> Iterable[Key]:
    meta = _meta(cr)
    owner = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
    if owner is not None and owner.get("kind") == "DaemonSet":
        return (Key("DaemonSet", meta.get("namespace", ""), owner.get("name", "")),)
    return ()


COMPONENT = Component(name=NAME, reconcile=reconcile,
                      watches={"DaemonSet": self_key, "Pod": _daemon_sets_for_pod, "Node": _daemon_sets_for_node,
                               "ControllerRevision": _daemon_sets_for_revision},
                      primary="DaemonSet")
