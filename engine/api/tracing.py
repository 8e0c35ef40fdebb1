"""`rollout trace`: the steps of a Deployment's latest rollout, read back from the changelog.

This module does I/O (it reads the store's changelog). One row per change of
the rollout's shape: the replicas of each ReplicaSet, the pods that are not
terminating and those available, so maxSurge and maxUnavailable can be seen
at work. Nothing like it exists in kubectl.
"""
from __future__ import annotations

from dataclasses import dataclass

from litekube import errors
from litekube.api.server import Api
from litekube.model import durations
from litekube.reconcile.deployment import util

__all__ = ["trace", "Step"]


@dataclass(frozen=True)
class Step:
    """The rollout at one revision: seconds since it began, and its counts."""

    elapsed: float
    revision: int
    replicas: tuple[int, ...]
    pods: int
    available: int


def _available(pod: dict, min_ready: int, at: float) -> bool:
    for cond in (pod.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Ready" and cond.get("status") == "True":
            since = cond.get("lastTransitionTime")
            return not min_ready or (since is not None and durations.parse_time(since).timestamp() + min_ready <= at)
    return False


def trace(api: Api, namespace: str, name: str) -> tuple[list[str], list[Step]]:
    """(ReplicaSet names, steps) of the latest rollout of deployment `name`."""
    # The ReplicaSets and pods of a Deployment are named after it (`<name>-<hash>`, `<name>-<hash>-<x>`):
    # read them, and their history, through index ranges on that prefix, never the whole namespace.
    prefix = f"{name}-"[:58]
    with api.read() as tx:
        deployment = tx.get("Deployment", namespace, name)
        live = {o.uid: o.body for kind in ("ReplicaSet", "Pod") for o in tx.reader.list_prefix(kind, namespace, prefix)}
    uid = deployment["metadata"]["uid"]
    generation = deployment["metadata"].get("generation", 1)
    min_ready = int(deployment["spec"].get("minReadySeconds") or 0)
    compacted = api.store.compacted()
    # Objects unchanged since the compaction point are as they were then.
    state = {u: o for u, o in live.items() if int(o["metadata"]["resourceVersion"]) <= compacted}
    changes: list = []
    for kind, key, by_prefix in (("Deployment", name, False), ("ReplicaSet", prefix, True), ("Pod", prefix, True)):
        since = compacted
        while True:
            batch = api.store.object_changes(kind, namespace, key, since, limit=5000, prefix=by_prefix)
            if not batch:
                break
            changes.extend(batch)
            since = batch[-1].revision
    changes.sort(key=lambda c: c.revision)
    start = next((c for c in changes if c.kind == "Deployment" and c.uid == uid
                  and c.body["metadata"].get("generation") == generation), None)
    if start is None:
        raise errors.ManifestError(
            f'the history of deployment "{name}" has been compacted; its latest rollout cannot be traced')
    seen: set[str] = set()
    for change in changes:
        if change.type != "ADDED" and change.uid not in seen and change.revision > compacted:
            # first seen as MODIFIED/DELETED: it existed before the log begins, as its body says
            if change.type == "DELETED" and change.uid not in state:
                state[change.uid] = change.body
        seen.add(change.uid)
    state = {u: o for u, o in state.items() if u not in seen or int(o["metadata"]["resourceVersion"]) <= compacted}

    def rs_of_deployment(obj: dict) -> bool:
        return obj["kind"] == "ReplicaSet" and any(
            r.get("uid") == uid and r.get("controller") for r in obj["metadata"].get("ownerReferences") or [])

    names: list[str] = []
    steps: list[Step] = []
    began = start.time
    for change in changes:
        if change.type == "DELETED":
            state.pop(change.uid, None)
        else:
            state[change.uid] = change.body
        if change.revision < start.revision:
            continue
        rss = sorted((o for o in state.values() if rs_of_deployment(o)), key=util.by_revision)
        rs_uids = {rs["metadata"]["uid"] for rs in rss}
        for rs in rss:
            if rs["metadata"]["name"] not in names and (util.replicas(rs) or rs["metadata"]["name"] in
                                                         _names_at_start(rss, names)):
                names.append(rs["metadata"]["name"])
        by_name = {rs["metadata"]["name"]: util.replicas(rs) for rs in rss}
        pods = [o for o in state.values() if o["kind"] == "Pod" and not o["metadata"].get("deletionTimestamp")
                and any(r.get("uid") in rs_uids for r in o["metadata"].get("ownerReferences") or [])]
        step = Step(change.time - began, change.revision, tuple(by_name.get(n, 0) for n in names), len(pods),
                    sum(1 for p in pods if _available(p, min_ready, change.time)))
        if not steps or (step.replicas, step.pods, step.available) != (
                steps[-1].replicas + (0,) * (len(step.replicas) - len(steps[-1].replicas)),
                steps[-1].pods, steps[-1].available):
            steps.append(step)
    width = len(names)
    return names, [Step(s.elapsed, s.revision, s.replicas + (0,) * (width - len(s.replicas)), s.pods, s.available)
                   for s in steps]


def _names_at_start(rss: list[dict], names: list[str]) -> set[str]:
    return set() if names else {rs["metadata"]["name"] for rs in rss if util.replicas(rs)}
