"""Deployment arithmetic and bookkeeping: pkg/controller/deployment/util, in Python.

No I/O happens here. Fenceposts (maxSurge rounds up, maxUnavailable rounds
down, both 0 -> 1 unavailable), the pod-template hash, revisions and their
annotations, finding the new ReplicaSet, proportional-scaling fractions, the
Deployment conditions and their predicates, and kubectl's rollout status.

The pod-template hash is FNV-32a over the canonical JSON of the template (plus
the little-endian collisionCount), encoded with SafeEncodeString's alphabet:
stable and shaped like upstream's, but not the same string, since upstream
hashes Go's deep-printed struct.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from enum import StrEnum
from typing import Callable, Iterable

from litekube import errors
from litekube.model import durations, intstr, values

__all__ = [
    "HASH_LABEL", "REVISION", "REVISION_HISTORY", "DESIRED_REPLICAS", "MAX_REPLICAS", "Reason",
    "replicas", "status_int", "resolve_fenceposts", "max_surge", "max_unavailable", "is_rolling_update",
    "revision", "max_revision", "compute_hash", "safe_encode", "equal_ignore_hash", "template_key",
    "replica_set_template_key", "find_new_replica_set",
    "by_creation", "by_revision", "set_new_replica_set_annotations", "replicas_annotations_need_update",
    "set_replicas_annotations", "desired_replicas_annotation", "new_rs_new_replicas", "replica_set_proportion",
    "find_active_or_latest", "is_saturated", "timestamp", "get_condition", "new_condition", "set_condition",
    "remove_condition", "has_progress_deadline", "deployment_complete", "deployment_progressing",
    "deployment_timed_out", "rollout_status",
]

HASH_LABEL = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
_SKIP_ANNOTATIONS = frozenset({"kubectl.kubernetes.io/last-applied-configuration", REVISION, REVISION_HISTORY,
                               DESIRED_REPLICAS, MAX_REPLICAS, "deprecated.deployment.rollback.to"})
MAX_REV_HISTORY_CHARS = 2000
MAX_INT32 = 2 ** 31 - 1
_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


class Reason(StrEnum):
    """Condition reasons of deployment_util.go."""

    NEW_RS_CREATED = "NewReplicaSetCreated"
    FOUND_NEW_RS = "FoundNewReplicaSet"
    RS_UPDATED = "ReplicaSetUpdated"
    NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
    TIMED_OUT = "ProgressDeadlineExceeded"
    PAUSED = "DeploymentPaused"
    RESUMED = "DeploymentResumed"
    MIN_AVAILABLE = "MinimumReplicasAvailable"
    MIN_UNAVAILABLE = "MinimumReplicasUnavailable"


# -- small readers -----------------------------------------------------------------

def replicas(obj: dict | None) -> int:
    """spec.replicas (1 when unset, as the API defaults it); 0 for None."""
    if obj is None:
        return 0
    value = (obj.get("spec") or {}).get("replicas")
    return 1 if value is None else int(value)


def status_int(obj: dict | None, field: str) -> int:
    if obj is None:
        return 0
    return int((obj.get("status") or {}).get(field) or 0)


def _annotations(obj: dict) -> dict:
    return (obj.get("metadata") or {}).get("annotations") or {}


def _strategy(d: dict) -> dict:
    return (d.get("spec") or {}).get("strategy") or {}


def is_rolling_update(d: dict) -> bool:
    return _strategy(d).get("type", "RollingUpdate") == "RollingUpdate"


# -- fenceposts ----------------------------------------------------------------------

def resolve_fenceposts(surge: intstr.IntOrString | None, unavailable: intstr.IntOrString | None,
                       desired: int) -> tuple[int, int]:
    """ResolveFenceposts: (maxSurge rounded up, maxUnavailable rounded down); both 0 -> (0, 1).

    Raises ValueError for a value that is neither an int nor a percentage.
    """
    s = intstr.scaled_value(surge, desired, True)
    u = intstr.scaled_value(unavailable, desired, False)
    if s == 0 and u == 0:
        # Upstream: a surge may be impossible under quota, so allow one unavailable.
        u = 1
    return s, u


def _rolling_fenceposts(d: dict) -> tuple[int, int]:
    rolling = _strategy(d).get("rollingUpdate") or {}
    return resolve_fenceposts(rolling.get("maxSurge", "25%"), rolling.get("maxUnavailable", "25%"), replicas(d))


def max_surge(d: dict) -> int:
    """MaxSurge: 0 unless RollingUpdate."""
    return _rolling_fenceposts(d)[0] if is_rolling_update(d) else 0


def max_unavailable(d: dict) -> int:
    """MaxUnavailable: 0 unless RollingUpdate or with 0 replicas; capped at replicas."""
    if not is_rolling_update(d) or replicas(d) == 0:
        return 0
    return min(_rolling_fenceposts(d)[1], replicas(d))


# -- revisions, hash, new ReplicaSet -------------------------------------------------------

def revision(rs: dict) -> int:
    """The `deployment.kubernetes.io/revision` annotation as an int; 0 when missing or invalid."""
    try:
        return int(_annotations(rs).get(REVISION, "0"))
    except ValueError:
        return 0


def max_revision(rss: Iterable[dict | None]) -> int:
    return max((revision(rs) for rs in rss if rs is not None), default=0)


def safe_encode(text: str) -> str:
    """rand.SafeEncodeString: each byte mapped into a vowel-free alphabet."""
    return "".join(_ALPHANUMS[b % len(_ALPHANUMS)] for b in text.encode())


def compute_hash(template: dict, collision_count: int | None = None) -> str:
    """controller.ComputeHash with FNV-32a over canonical JSON (see the module docstring)."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    if collision_count is not None:
        data += int(collision_count).to_bytes(4, "little", signed=False)
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return safe_encode(str(h))


def _semantic(value: object) -> object:
    """Drop nil and empty maps/slices, as apiequality.Semantic.DeepEqual treats them as unset."""
    if isinstance(value, dict):
        out = {k: _semantic(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return [_semantic(v) for v in value]
    return value


def template_key(template: dict | None) -> object:
    """What EqualIgnoreHash compares of a pod template: the template without the pod-template-hash
    label, nil and empty values dropped (a new value, never changed by its users)."""
    t = values.clone(template or {})
    ((t.get("metadata") or {}).get("labels") or {}).pop(HASH_LABEL, None)
    return _semantic(t)


def replica_set_template_key(rs: dict) -> object:
    """`template_key` of a ReplicaSet's pod template (a function of the object, for a view's memo)."""
    return template_key((rs.get("spec") or {}).get("template"))


def equal_ignore_hash(t1: dict | None, t2: dict | None) -> bool:
    """EqualIgnoreHash: pod templates equal once the pod-template-hash label is removed."""
    return template_key(t1) == template_key(t2)


def by_creation(rs: dict) -> tuple[str, str]:
    """ReplicaSetsByCreationTimestamp: oldest first, then by name."""
    meta = rs.get("metadata") or {}
    return meta.get("creationTimestamp") or "", meta.get("name", "")


def by_revision(rs: dict) -> tuple[int, str, str]:
    """ReplicaSetsByRevision: revision ascending, ties by creation."""
    return (revision(rs), *by_creation(rs))


def find_new_replica_set(deployment: dict, rss: Iterable[dict],
                         rs_key: Callable[[dict], object] = replica_set_template_key) -> dict | None:
    """FindNewReplicaSet: the oldest RS whose template equals the Deployment's, ignoring the hash.

    `rs_key`: `replica_set_template_key`, or a function equal to it (remembered per object)."""
    wanted = template_key((deployment.get("spec") or {}).get("template"))
    for rs in sorted(rss, key=by_creation):
        if rs_key(rs) == wanted:
            return rs
    return None


# -- annotations ----------------------------------------------------------------------

def set_replicas_annotations(rs: dict, desired: int, max_replicas: int) -> bool:
    """SetReplicasAnnotations on `rs` (mutated); True when something changed."""
    ann = rs.setdefault("metadata", {}).setdefault("annotations", {})
    changed = False
    for key, value in ((DESIRED_REPLICAS, str(desired)), (MAX_REPLICAS, str(max_replicas))):
        if ann.get(key) != value:
            ann[key] = value
            changed = True
    return changed


def replicas_annotations_need_update(rs: dict, desired: int, max_replicas: int) -> bool:
    ann = _annotations(rs)
    return ann.get(DESIRED_REPLICAS) != str(desired) or ann.get(MAX_REPLICAS) != str(max_replicas)


def _int_annotation(rs: dict, key: str) -> int | None:
    try:
        return int(_annotations(rs)[key])
    except (KeyError, ValueError):
        return None


def desired_replicas_annotation(rs: dict) -> int | None:
    return _int_annotation(rs, DESIRED_REPLICAS)


def set_new_replica_set_annotations(d: dict, rs: dict, new_revision: int, exists: bool) -> bool:
    """SetNewReplicaSetAnnotations on `rs` (mutated): copy, bump revision, record history."""
    ann = rs.setdefault("metadata", {}).setdefault("annotations", {})
    changed = False
    for key, value in _annotations(d).items():
        if key in _SKIP_ANNOTATIONS or ann.get(key) == value:
            continue
        ann[key] = value
        changed = True
    old_text = ann.get(REVISION)
    try:
        old = int(old_text) if old_text not in (None, "") else 0
    except ValueError:
        return False
    if old < new_revision:
        ann[REVISION] = str(new_revision)
        changed = True
        if old_text is not None:
            # A rollback: keep the revisions this RS used to have.
            history = ann.get(REVISION_HISTORY, "")
            parts = history.split(",")
            if not parts[0]:
                ann[REVISION_HISTORY] = old_text
            else:
                total, start = len(history) + len(old_text) + 1, 0
                while total > MAX_REV_HISTORY_CHARS and start < len(parts):
                    total -= len(parts[start]) + 1
                    start += 1
                if total <= MAX_REV_HISTORY_CHARS:
                    ann[REVISION_HISTORY] = ",".join(parts[start:] + [old_text])
    if not exists and set_replicas_annotations(rs, replicas(d), replicas(d) + max_surge(d)):
        changed = True
    return changed


# -- replica arithmetic ---------------------------------------------------------------

def new_rs_new_replicas(d: dict, all_rss: Iterable[dict | None], new_rs: dict) -> int:
    """NewRSNewReplicas: how far the new RS may grow in one step."""
    if not is_rolling_update(d):
        return replicas(d)
    surge = intstr.scaled_value(((_strategy(d).get("rollingUpdate") or {}).get("maxSurge", "25%")),
                                replicas(d), True)
    current = sum(replicas(rs) for rs in all_rss if rs is not None)
    max_total = replicas(d) + surge
    if current >= max_total:
        return replicas(new_rs)
    return replicas(new_rs) + min(max_total - current, replicas(d) - replicas(new_rs))


def _round_half_away(x: int, y: int) -> int:
    """math.Round(x / y) for y > 0, exactly."""
    q, r = divmod(abs(x), y)
    q += 1 if 2 * r >= y else 0
    return q if x >= 0 else -q


def _fraction(rs: dict, d: dict) -> int:
    """getReplicaSetFraction."""
    if replicas(d) == 0:
        return -replicas(rs)
    new_max = replicas(d) + max_surge(d)
    old_max = _int_annotation(rs, MAX_REPLICAS)
    if old_max is None or old_max <= 0:
        old_max = status_int(d, "replicas")
        if old_max == 0:
            return 0
    return _round_half_away(replicas(rs) * new_max, old_max) - replicas(rs)


def replica_set_proportion(rs: dict | None, d: dict, to_add: int, added: int) -> int:
    """GetReplicaSetProportion: this RS's share of `to_add`, given `added` so far."""
    if rs is None or replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    fraction, allowed = _fraction(rs, d), to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def find_active_or_latest(new_rs: dict | None, old_rss: list[dict]) -> dict | None:
    """FindActiveOrLatest: the only active RS, or the newest when none is active."""
    if new_rs is None and not old_rss:
        return None
    olds = sorted(old_rss, key=by_creation, reverse=True)
    active = [rs for rs in olds + [new_rs] if rs is not None and replicas(rs) > 0]
    if not active:
        return new_rs if new_rs is not None else olds[0]
    return active[0] if len(active) == 1 else None


def is_saturated(d: dict, rs: dict | None) -> bool:
    if rs is None:
        return False
    desired = desired_replicas_annotation(rs)
    return (desired is not None and replicas(rs) == replicas(d) and desired == replicas(d)
            and status_int(rs, "availableReplicas") == replicas(d))


# -- conditions -------------------------------------------------------------------------

def timestamp(now: float) -> str:
    return durations.format_time(datetime.fromtimestamp(now, timezone.utc))


def get_condition(status: dict, kind: str) -> dict | None:
    return next((c for c in status.get("conditions") or [] if c.get("type") == kind), None)


def new_condition(kind: str, status: str, reason: str, message: str, now: float) -> dict:
    at = timestamp(now)
    return {"type": kind, "status": status, "lastUpdateTime": at, "lastTransitionTime": at,
            "reason": reason, "message": message}


def set_condition(status: dict, condition: dict) -> None:
    """SetDeploymentCondition: no-op on same status and reason; keep lastTransitionTime on same status."""
    current = get_condition(status, condition["type"])
    if current is not None and current.get("status") == condition["status"] \
            and current.get("reason") == condition["reason"]:
        return
    condition = dict(condition)
    if current is not None and current.get("status") == condition["status"]:
        condition["lastTransitionTime"] = current.get("lastTransitionTime")
    status["conditions"] = [c for c in status.get("conditions") or [] if c.get("type") != condition["type"]]
    status["conditions"].append(condition)


def remove_condition(status: dict, kind: str) -> None:
    kept = [c for c in status.get("conditions") or [] if c.get("type") != kind]
    if kept:
        status["conditions"] = kept
    else:
        status.pop("conditions", None)


def has_progress_deadline(d: dict) -> bool:
    value = (d.get("spec") or {}).get("progressDeadlineSeconds")
    return value is not None and value != MAX_INT32


def deployment_complete(d: dict, status: dict) -> bool:
    n = replicas(d)
    return (int(status.get("updatedReplicas") or 0) == n and int(status.get("replicas") or 0) == n
            and int(status.get("availableReplicas") or 0) == n
            and int(status.get("observedGeneration") or 0) >= int((d.get("metadata") or {}).get("generation") or 0))


def deployment_progressing(d: dict, status: dict) -> bool:
    old = d.get("status") or {}

    def get(s: dict, field: str) -> int:
        return int(s.get(field) or 0)
    return (get(status, "updatedReplicas") > get(old, "updatedReplicas")
            or get(status, "replicas") - get(status, "updatedReplicas")
            < get(old, "replicas") - get(old, "updatedReplicas")
            or get(status, "readyReplicas") > get(old, "readyReplicas")
            or get(status, "availableReplicas") > get(old, "availableReplicas"))


def deployment_timed_out(d: dict, status: dict, now: float) -> bool:
    """DeploymentTimedOut: lastUpdateTime + progressDeadlineSeconds is strictly before now."""
    if not has_progress_deadline(d):
        return False
    cond = get_condition(status, "Progressing")
    if cond is None or cond.get("reason") == Reason.NEW_RS_AVAILABLE:
        return False
    if cond.get("reason") == Reason.TIMED_OUT:
        return True
    last = durations.parse_time(cond["lastUpdateTime"]).timestamp()
    return last + int(d["spec"]["progressDeadlineSeconds"]) < now


# -- kubectl ----------------------------------------------------------------------------

def rollout_status(deployment: dict, want_revision: int = 0) -> tuple[str, bool]:
    """kubectl's DeploymentStatusViewer.Status: (message without the trailing newline, done).

    Raises LitekubeError `deployment "web" exceeded its progress deadline`, or
    `desired revision (N) is different from the running revision (M)`.
    """
    meta, status = deployment.get("metadata") or {}, deployment.get("status") or {}
    name = meta.get("name", "")
    if want_revision > 0 and revision(deployment) != want_revision:
        raise errors.LitekubeError(f"desired revision ({want_revision}) is different from the running "
                                   f"revision ({revision(deployment)})")
    if int(meta.get("generation") or 0) > int(status.get("observedGeneration") or 0):
        return "Waiting for deployment spec update to be observed...", False
    cond = get_condition(status, "Progressing")
    if cond is not None and cond.get("reason") == Reason.TIMED_OUT:
        raise errors.LitekubeError(f'deployment "{name}" exceeded its progress deadline')
    spec_replicas = (deployment.get("spec") or {}).get("replicas")
    updated, total = int(status.get("updatedReplicas") or 0), int(status.get("replicas") or 0)
    available = int(status.get("availableReplicas") or 0)
    waiting = f'Waiting for deployment "{name}" rollout to finish: '
    if spec_replicas is not None and updated < spec_replicas:
        return f"{waiting}{updated} out of {spec_replicas} new replicas have been updated...", False
    if total > updated:
        return f"{waiting}{total - updated} old replicas are pending termination...", False
    if available < updated:
        return f"{waiting}{available} of {updated} updated replicas are available...", False
    return f'deployment "{name}" successfully rolled out', True
