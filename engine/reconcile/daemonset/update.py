"""The DaemonSet's updates and history: pkg/controller/daemon/update.go.

No I/O happens here. `rolling_update` is upstream's rollingUpdate: without
surge it deletes old pods within the maxUnavailable budget (the manage
loop then creates their replacements); with surge it creates new pods
beside old ones within maxSurge and deletes an old pod once its
replacement is available. `construct_history` finds or makes the
ControllerRevision of the current template (named `<ds>-<hash>`, its data
the patch that replaces spec.template) and `cleanup_history` keeps at most
revisionHistoryLimit old ones, never one a live pod still carries.
"""
from __future__ import annotations

from dataclasses import dataclass

from litekube.model import values
from litekube.reconcile.base import Create, Delete, Update, UpdateStatus, View
from litekube.reconcile.common import history
from litekube.reconcile.daemonset import util
from litekube.reconcile.deployment.util import compute_hash

__all__ = ["History", "patch_of", "construct_history", "cleanup_history", "rolling_update", "find_updated_pods",
           "revision_of", "budgets", "roll_node", "roll_from"]


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def revision_of(cr: dict) -> int:
    return history.number(cr)


def patch_of(ds: dict) -> dict:
    """getPatch: the strategic merge patch that replaces spec.template with the DaemonSet's."""
    return history.template_patch((ds.get("spec") or {}).get("template") or {})


def _same(data: object, patch_raw: bytes) -> bool:
    """Match: the revision's data is byte for byte the DaemonSet's patch."""
    return history.raw(data) == patch_raw


def _controller_ref(ds: dict) -> dict:
    meta = _meta(ds)
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": meta.get("name", ""), "uid": meta.get("uid", ""),
            "controller": True, "blockOwnerDeletion": True}


@dataclass
class History:
    """constructHistory's answer: the current revision's hash (None: wait for a collision bump), the old
    revisions, and the writes it takes."""

    hash: str | None
    old: list[dict]
    actions: list


def _claim_revisions(view: View, ds: dict, selector) -> tuple[list[dict], list]:
    """ClaimControllerRevisions: ours that match, and orphans that match (adopted)."""
    meta = _meta(ds)
    uid = meta.get("uid", "")
    mine: list[dict] = []
    actions: list = []
    for cr in view.owned_by(uid, "ControllerRevision"):
        ref = next((r for r in _meta(cr).get("ownerReferences") or [] if r.get("controller")), None)
        if ref is None or ref.get("uid") != uid:
            continue
        if selector.matches(_meta(cr).get("labels")):
            mine.append(cr)
        elif not meta.get("deletionTimestamp"):
            released = values.clone(cr)
            refs = [r for r in _meta(released).get("ownerReferences") or [] if r.get("uid") != uid]
            released["metadata"]["ownerReferences"] = refs
            if not refs:
                released["metadata"].pop("ownerReferences")
            actions.append(Update(released))
    if not meta.get("deletionTimestamp"):
        for cr in view.orphans("ControllerRevision", meta.get("namespace", "")):
            if not _meta(cr).get("deletionTimestamp") and selector.matches(_meta(cr).get("labels")):
                adopted = values.clone(cr)
                adopted["metadata"]["ownerReferences"] = list(_meta(cr).get("ownerReferences") or []) + [
                    _controller_ref(ds)]
                actions.append(Update(adopted))
                mine.append(adopted)
    return mine, actions


def construct_history(view: View, ds: dict, selector, pods: list[dict]) -> History:
    """constructHistory: split the revisions into the current one and the old ones, making or fixing the current."""
    meta = _meta(ds)
    revisions, actions = _claim_revisions(view, ds, selector)
    patch = patch_of(ds)
    patch_raw = history.raw(patch)
    current: list[dict] = []
    old: list[dict] = []
    for cr in revisions:
        labels = _meta(cr).get("labels") or {}
        if util.HASH_LABEL not in labels:
            # Name, not a recomputed hash, so that a collision cannot bite.
            cr = values.clone(cr)
            cr["metadata"]["labels"] = {**labels, util.HASH_LABEL: _meta(cr).get("name", "")}
            actions.append(Update(cr))
        (current if _same(cr.get("data"), patch_raw) else old).append(cr)
    next_revision = max((revision_of(cr) for cr in old), default=0) + 1
    if not current:
        collision = (ds.get("status") or {}).get("collisionCount")
        hash_ = compute_hash((ds.get("spec") or {}).get("template") or {}, collision)
        name = history.revision_name(meta.get("name", ""), hash_)
        existing = view.get("ControllerRevision", meta.get("namespace", ""), name)
        if existing is not None:
            if _same(existing.get("data"), patch_raw):
                return History(((_meta(existing).get("labels") or {}).get(util.HASH_LABEL) or hash_), old, actions)
            # A hash collision: bump collisionCount and try again with the new hash.
            bumped = values.clone(ds)
            bumped.setdefault("status", {})["collisionCount"] = int(collision or 0) + 1
            return History(None, old, actions + [UpdateStatus(bumped)])
        labels = dict((((ds.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("labels") or {})
        labels[util.HASH_LABEL] = hash_
        cr_meta = {"name": name, "namespace": meta.get("namespace", ""), "labels": labels,
                   "ownerReferences": [_controller_ref(ds)]}
        if meta.get("annotations"):
            cr_meta["annotations"] = dict(meta["annotations"])
        actions.append(Create({"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": cr_meta,
                               "data": patch, "revision": next_revision}))
        return History(hash_, old, actions)
    # dedupCurHistories: keep the highest revision, relabel pods to it, delete the others.
    keep = current[0]
    for cr in current:
        if revision_of(cr) >= revision_of(keep):
            keep = cr
    keep_hash = (_meta(keep).get("labels") or {}).get(util.HASH_LABEL, "")
    for cr in current:
        if cr is keep:
            continue
        for pod in pods:
            labels = _meta(pod).get("labels") or {}
            if labels.get(util.HASH_LABEL) != keep_hash:
                relabeled = values.clone(pod)
                relabeled["metadata"]["labels"] = {**labels, util.HASH_LABEL: keep_hash}
                actions.append(Update(relabeled))
        actions.append(Delete("ControllerRevision", _meta(cr).get("namespace", ""), _meta(cr).get("name", ""),
                              _meta(cr).get("uid", "")))
        pods = []  # relabeled once
    if revision_of(keep) < next_revision:
        bumped = values.clone(keep)
        bumped["revision"] = next_revision
        actions.append(Update(bumped))
    return History(keep_hash, old, actions)


def cleanup_history(ds: dict, old: list[dict], pods_by_node: dict[str, list[dict]]) -> list:
    """cleanupHistory: delete the oldest old revisions beyond revisionHistoryLimit that no live pod carries."""
    limit = (ds.get("spec") or {}).get("revisionHistoryLimit")
    to_kill = len(old) - (10 if limit is None else int(limit))
    if to_kill <= 0:
        return []
    live = {(_meta(p).get("labels") or {}).get(util.HASH_LABEL) for pods in pods_by_node.values() for p in pods}
    live.discard(None)
    live.discard("")
    actions: list = []
    for cr in history.sort_revisions(old):
        if to_kill <= 0:
            break
        if (_meta(cr).get("labels") or {}).get(util.HASH_LABEL) in live:
            continue
        actions.append(Delete("ControllerRevision", _meta(cr).get("namespace", ""), _meta(cr).get("name", ""),
                              _meta(cr).get("uid", "")))
        to_kill -= 1
    return actions


def find_updated_pods(pods: list[dict], hash_: str, generation: str | None) -> tuple[dict | None, dict | None, bool]:
    """findUpdatedPodsOnNode: (new pod, old pod, ok); not ok when a node has two of either."""
    new = old = None
    for pod in pods:
        if _meta(pod).get("deletionTimestamp"):
            continue
        if util.is_updated(pod, hash_, generation):
            if new is not None:
                return None, None, False
            new = pod
        else:
            if old is not None:
                return None, None, False
            old = pod
    return new, old, True


def rolling_update(ds: dict, nodes: dict[str, dict], pods_by_node: dict[str, list[dict]], hash_: str,
                   simulated: util.Simulated, now: float) -> tuple[list[str], list[str]]:
    """rollingUpdate: (names of old pods to delete, nodes to create a new pod on).

    `pods_by_node` is getNodesToDaemonPods (no deleted terminal pods); nodes
    that should run a pod and have none are added as empty, as
    updatedDesiredNodeCounts does. Nodes are visited in name order (upstream
    visits a Go map, in no order).
    """
    by_node = {name: list(pods) for name, pods in pods_by_node.items()}
    desired = 0
    for name, node in nodes.items():
        if util.should_run(node, ds, simulated)[0]:
            desired += 1
            by_node.setdefault(name, [])
    max_surge, max_unavailable = budgets(ds, desired)
    min_ready = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
    generation = util.template_generation(ds)

    def available(pod: dict) -> bool:
        return util.is_available(pod, min_ready, now)

    if max_surge == 0:
        unavailable = 0
        allowed: list[str] = []
        candidates: list[str] = []
        for name in sorted(by_node):
            new, old, ok = find_updated_pods(by_node[name], hash_, generation)
            if not ok:
                unavailable += 1  # the manage loop cleans this node up
                continue
            if (old is None) == (new is None):
                unavailable += 1  # the manage loop creates or deletes here
            elif new is not None:
                if not available(new):
                    unavailable += 1
            elif not available(old):
                allowed.append(_meta(old).get("name", ""))
                unavailable += 1
            elif unavailable >= max_unavailable:
                continue
            else:
                candidates.append(_meta(old).get("name", ""))
        remaining = min(max(max_unavailable - unavailable, 0), len(candidates))
        return allowed + candidates[:remaining], []

    to_delete: list[str] = []
    should_not_run: list[str] = []
    candidate_nodes: list[str] = []
    allowed_nodes: list[str] = []
    surge = available_count = 0
    for name in sorted(by_node):
        new, old, ok = find_updated_pods(by_node[name], hash_, generation)
        if not ok:
            surge += 1
            continue
        if old is not None:
            available_count += available(old)
        elif new is not None:
            available_count += available(new)
        if old is None:
            continue
        if new is None:
            node = nodes.get(name)
            runs = node is not None and util.should_run(node, ds, simulated)[0]
            if not available(old):
                if not runs:
                    to_delete.append(_meta(old).get("name", ""))
                    continue
                allowed_nodes.append(name)
            else:
                if not runs:
                    should_not_run.append(_meta(old).get("name", ""))
                    continue
                if surge >= max_surge:
                    continue
                candidate_nodes.append(name)
        else:
            if not available(new):
                surge += 1
                continue
            to_delete.append(_meta(old).get("name", ""))
    remaining = max_surge - surge
    deletable = min(available_count - desired, len(should_not_run))
    if deletable > 0:
        to_delete += should_not_run[:deletable]
    remaining = min(max(remaining, 0), len(candidate_nodes))
    return to_delete, allowed_nodes + candidate_nodes[:remaining]


def budgets(ds: dict, desired: int) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) scaled to the desired number of nodes, both rounded up (SurgeCount and
    UnavailableCount); 1 unavailable when both come to 0 and some node should run a pod."""
    max_surge = util.surge_count(ds, desired)
    max_unavailable = util.unavailable_count(ds, desired)
    if desired > 0 and max_unavailable == 0 and max_surge == 0:
        max_unavailable = 1
    return max_surge, max_unavailable


def roll_node(pods: list[dict], runs: bool, hash_: str, generation: str | None, min_ready: int,
              now: float) -> tuple[tuple[int, int, int], dict]:
    """What rolling_update reads of one node, for either budget: its share of the sums (unavailable
    without surge, surge, available with surge) and its marks (incremental.MARKS: the old pod to delete
    or that may be deleted, or True for a node that may get a new pod).

    `pods` are the node's claimed pods without the deleted terminal ones; `runs` whether the node exists
    and should run a daemon pod. A node with no such pod that should not run one is not visited.
    rolling_update's candidates are taken only while the running sum is below the budget; since the sum
    only grows and the candidates left are cut to the budget minus the final sum, that is the same as
    all candidates in name order cut to the budget minus the sums (roll_from).
    """
    if not pods and not runs:
        return (0, 0, 0), {}
    new, old, ok = find_updated_pods(pods, hash_, generation)
    if not ok:
        return (1, 1, 0), {}

    def available(pod: dict) -> bool:
        return util.is_available(pod, min_ready, now)

    marks: dict = {}
    # without surge
    if (old is None) == (new is None):
        unavailable = 1
    elif new is not None:
        unavailable = 0 if available(new) else 1
    elif not available(old):
        marks["allowed"] = old
        unavailable = 1
    else:
        marks["candidate"] = old
        unavailable = 0
    # with surge
    surge = 0
    available_count = int(available(old)) if old is not None else int(available(new)) if new is not None else 0
    if old is not None:
        if new is None:
            if not available(old):
                if not runs:
                    marks["surge_delete"] = old
                else:
                    marks["surge_allowed"] = True
            elif not runs:
                marks["should_not_run"] = old
            else:
                marks["surge_candidate"] = True
        elif not available(new):
            surge = 1
        else:
            marks["surge_delete"] = old
    return (unavailable, surge, available_count), marks


def roll_from(ds: dict, desired: int, sums: list[int], marks: dict, limit: int) -> tuple[list[dict], list[str]]:
    """rolling_update's answer from the nodes' summed shares and marks (incremental.Marked lists in name
    order): (old pods to delete, nodes to create a new pod on), each cut to `limit` (the pass's burst)."""
    max_surge, max_unavailable = budgets(ds, desired)
    unavailable, surge, available_count = sums
    if max_surge == 0:
        allowed = marks["allowed"].first(limit)
        remaining = min(max(max_unavailable - unavailable, 0), len(marks["candidate"]), limit - len(allowed))
        return allowed + marks["candidate"].first(remaining), []
    to_delete = marks["surge_delete"].first(limit)
    deletable = min(available_count - desired, len(marks["should_not_run"]), limit - len(to_delete))
    if deletable > 0:
        to_delete += marks["should_not_run"].first(deletable)
    allowed_nodes = marks["surge_allowed"].first_names(limit)
    remaining = min(max(max_surge - surge, 0), len(marks["surge_candidate"]), limit - len(allowed_nodes))
    return to_delete, allowed_nodes + marks["surge_candidate"].first_names(remaining)
