"""The disruption controller: PodDisruptionBudget status, and the eviction check.

No I/O happens here. `reconcile` is pkg/controller/disruption's sync for one
PDB (policy/v1): the pods its selector picks in its namespace, expectedPods
(the controllers' scale for a percentage or maxUnavailable, else the number
of pods), currentHealthy (Ready, not terminating, not just evicted),
desiredHealthy, disruptionsAllowed, the DisruptionAllowed condition and the
disruptedPods map, written with UpdateStatus only when something changed.
The stale DisruptionTarget cleanup (a second queue upstream) is not done.

`check_eviction` and `after_eviction` are the PDB half of the pods/eviction
subresource (pkg/registry/core/pod/storage/eviction.go) for the API layer.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

from litekube import errors
from litekube.model import durations, intstr, selectors, values
from litekube.reconcile.base import (
    Component,
    Key,
    RecordEvent,
    Result,
    UpdateStatus,
    View,
    ref_of,
    self_key,
)

__all__ = ["COMPONENT", "DELETION_TIMEOUT", "MAX_DISRUPTED_POD_SIZE", "Refusal", "reconcile", "expected_pod_count",
           "pdbs_for_pod", "check_eviction", "after_eviction"]

CONTROLLER_NAME = "controllermanager"  # the disruption controller's event source upstream
DELETION_TIMEOUT = 120.0  # an evicted pod not seen terminating by then is taken back
MAX_DISRUPTED_POD_SIZE = 2000
_VIOLATES = "Cannot evict pod as it would violate the pod's disruption budget."
_MULTIPLE = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."


class _SyncError(Exception):
    """trySync failed: the PDB fails safe (no disruptions, condition SyncFailed)."""


def _timestamp(now: float) -> str:
    return durations.format_time(datetime.fromtimestamp(now, timezone.utc))


def _seconds(ts: str) -> float:
    return durations.parse_time(ts).timestamp()


def _is_ready(pod: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def _controller_ref(obj: dict) -> dict | None:
    return next((r for r in (obj.get("metadata") or {}).get("ownerReferences") or [] if r.get("controller")), None)


def _group(ref: dict) -> str:
    api_version = ref.get("apiVersion", "")
    return api_version.split("/")[0] if "/" in api_version else ""


def _replicas(obj: dict) -> int:
    value = (obj.get("spec") or {}).get("replicas")
    return 1 if value is None else int(value)


def _owned(view: View, ref: dict, kind: str, groups: tuple[str, ...], namespace: str) -> dict | None:
    """The object `ref` points at, when it is a `kind` of one of `groups` with the same uid."""
    if ref.get("kind") != kind or _group(ref) not in groups:
        return None
    obj = view.get(kind, namespace, ref.get("name", ""))
    return obj if obj is not None and (obj.get("metadata") or {}).get("uid") == ref.get("uid") else None


def _controller_scale(view: View, ref: dict, namespace: str) -> tuple[str, int] | None:
    """The finders, in upstream's order: RC, Deployment (via its RS), RS, StatefulSet, any scalable kind."""
    rc = _owned(view, ref, "ReplicationController", ("",), namespace)
    if rc is not None:
        return rc["metadata"]["uid"], _replicas(rc)
    rs = _owned(view, ref, "ReplicaSet", ("apps", "extensions"), namespace)
    if rs is not None:
        rs_ref = _controller_ref(rs)
        if rs_ref is not None and rs_ref.get("kind") == "Deployment":
            deployment = _owned(view, rs_ref, "Deployment", ("apps", "extensions"), namespace)
            if deployment is not None:
                return deployment["metadata"]["uid"], _replicas(deployment)
        else:
            return rs["metadata"]["uid"], _replicas(rs)
    sts = _owned(view, ref, "StatefulSet", ("apps",), namespace)
    if sts is not None:
        return sts["metadata"]["uid"], _replicas(sts)
    # getScaleController: whatever the reference names, if it has a scale.
    obj = view.get(ref.get("kind", ""), namespace, ref.get("name", ""))
    if obj is None or (obj.get("metadata") or {}).get("uid") != ref.get("uid"):
        return None
    if "replicas" not in (obj.get("spec") or {}):
        resource = ref.get("kind", "").lower() + "s" + (f".{_group(ref)}" if _group(ref) else "")
        raise _SyncError(f"{resource} does not implement the scale subresource")
    return obj["metadata"]["uid"], _replicas(obj)


def _expected_scale(view: View, pods: list[dict]) -> tuple[int, list[str]]:
    """getExpectedScale: the sum of the pods' controllers' scales, and the pods with no controller."""
    scales: dict[str, int] = {}
    unmanaged: list[str] = []
    for pod in pods:
        meta = pod.get("metadata") or {}
        ref = _controller_ref(pod)
        if ref is None:
            unmanaged.append(meta.get("name", ""))
            continue
        if ref.get("uid") in scales:
            continue
        found = _controller_scale(view, ref, meta.get("namespace", ""))
        if found is None:
            raise _SyncError(f'found no controllers for pod "{meta.get("name", "")}"')
        scales[found[0]] = found[1]
    return sum(scales.values()), unmanaged


def expected_pod_count(pdb: dict, pods: list[dict], view: View) -> tuple[int, int, list[str]]:
    """getExpectedPodCount: (expectedPods, desiredHealthy, unmanaged pod names).

    Raises ValueError for a malformed int-or-percent, and the controller's
    own error (found no controllers for pod "x") when a controller is missing.
    """
    spec = pdb.get("spec") or {}
    if spec.get("maxUnavailable") is not None:
        expected, unmanaged = _expected_scale(view, pods)
        max_unavailable = intstr.scaled_value(spec["maxUnavailable"], expected, True)
        return expected, max(0, expected - max_unavailable), unmanaged
    min_available = spec.get("minAvailable")
    if isinstance(min_available, int) and not isinstance(min_available, bool):
        return len(pods), min_available, []
    if isinstance(min_available, str):
        expected, unmanaged = _expected_scale(view, pods)
        return expected, intstr.scaled_value(min_available, expected, True), unmanaged
    return 0, 0, []


def _set_condition(conditions: list[dict], condition: dict, now: float) -> list[dict]:
    """apimeta.SetStatusCondition on a copy: lastTransitionTime moves only when the status does."""
    result = [dict(c) for c in conditions]
    old = next((c for c in result if c.get("type") == condition["type"]), None)
    if old is None:
        result.append({**condition, "lastTransitionTime": _timestamp(now)})
        return result
    if old.get("status") != condition["status"]:
        old["lastTransitionTime"] = _timestamp(now)
    old.update(status=condition["status"], reason=condition["reason"], message=condition["message"],
               observedGeneration=condition["observedGeneration"])
    return result


def _allowed_condition(status: dict, now: float) -> list[dict]:
    """UpdateDisruptionAllowedCondition: True/SufficientPods when disruptions are allowed."""
    allowed = status.get("disruptionsAllowed", 0) > 0
    return _set_condition(status.get("conditions") or [], {
        "type": "DisruptionAllowed", "status": "True" if allowed else "False",
        "reason": "SufficientPods" if allowed else "InsufficientPods", "message": "",
        "observedGeneration": status.get("observedGeneration", 0)}, now)


def _conditions_up_to_date(pdb: dict, generation: int) -> bool:
    status = pdb.get("status") or {}
    cond = next((c for c in status.get("conditions") or [] if c.get("type") == "DisruptionAllowed"), None)
    if cond is None or status.get("observedGeneration", 0) != generation:
        return False
    if status.get("disruptionsAllowed", 0) > 0:
        return cond.get("status") == "True" and cond.get("reason") == "SufficientPods"
    return cond.get("status") == "False" and cond.get("reason") == "InsufficientPods"


def _selector_text(sel: dict | None) -> str:
    """A *metav1.LabelSelector as Go's %v prints it (the generated String())."""
    if sel is None:
        return "nil"
    labels = "".join(f"{k}: {v}," for k, v in sorted((sel.get("matchLabels") or {}).items()))
    exprs = "".join(f"LabelSelectorRequirement{{Key:{e.get('key', '')},Operator:{e.get('operator', '')},"
                    f"Values:[{' '.join(e.get('values') or [])}],}},"
                    for e in sel.get("matchExpressions") or [])
    return (f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},"
            f"MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}")


def _fail_safe(pdb: dict, message: str, now: float) -> list:
    """failSafe: no disruptions allowed and DisruptionAllowed=False/SyncFailed, if not so already."""
    status = values.clone(pdb.get("status") or {})
    status["disruptionsAllowed"] = 0
    status["conditions"] = _set_condition(status.get("conditions") or [], {
        "type": "DisruptionAllowed", "status": "False", "reason": "SyncFailed", "message": message,
        "observedGeneration": status.get("observedGeneration", 0)}, now)
    if status == (pdb.get("status") or {}):
        return []
    return [UpdateStatus({**values.clone(pdb), "status": status})]


def reconcile(key: Key, view: View, now: float) -> Result:
    """Recompute the status of the PodDisruptionBudget `key`."""
    pdb = view.get("PodDisruptionBudget", key.namespace, key.name)
    # 1. Deleted: nothing to keep up to date.
    if pdb is None:
        return Result()
    spec, status = pdb.get("spec") or {}, pdb.get("status") or {}
    event = ref_of(pdb)
    # 2. The pods the budget covers.
    try:
        selector = selectors.from_label_selector(spec.get("selector"))
    except errors.LitekubeError as err:
        return Result(actions=[RecordEvent(event, "Warning", "NoPods", f"Failed to get pods: {err}", CONTROLLER_NAME),
                               *_fail_safe(pdb, str(err), now)])
    pods = [p for p in view.list("Pod", key.namespace)
            if selector.matches((p.get("metadata") or {}).get("labels") or {})]
    actions: list = []
    if not pods:
        actions.append(RecordEvent(event, "Normal", "NoPods", "No matching pods found", CONTROLLER_NAME))
    # 3. How many there should be, and how many must stay healthy.
    try:
        expected, desired, unmanaged = expected_pod_count(pdb, pods, view)
    except (_SyncError, ValueError) as err:
        actions.append(RecordEvent(event, "Warning", "CalculateExpectedPodCountFailed",
                                   f"Failed to calculate the number of expected pods: {err}", CONTROLLER_NAME))
        return Result(actions=actions + _fail_safe(pdb, str(err), now))
    if unmanaged:
        actions.append(RecordEvent(event, "Warning", "UnmanagedPods", (
            f"Pods selected by this PodDisruptionBudget (selector: {_selector_text(spec.get('selector'))}) were "
            "found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may "
            "result in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of "
            "the PDB to an integer value."), CONTROLLER_NAME))
    # 4. buildDisruptedPodMap: evicted pods count as gone until DELETION_TIMEOUT;
    #    past it, one that is still not terminating is taken back.
    disrupted: dict[str, str] = {}
    recheck: float | None = None
    previous = status.get("disruptedPods") or {}
    for pod in pods:
        meta = pod.get("metadata") or {}
        if meta.get("deletionTimestamp") or meta.get("name") not in previous:
            continue
        expected_deletion = _seconds(previous[meta["name"]]) + DELETION_TIMEOUT
        if expected_deletion < now:
            # Upstream prints the PDB's namespace twice; kept verbatim.
            actions.append(RecordEvent(ref_of(pod), "Warning", "NotDeleted",
                                       f"Pod was expected by PDB {key.namespace}/{key.namespace} to be deleted "
                                       "but it wasn't", CONTROLLER_NAME))
        else:
            recheck = expected_deletion if recheck is None else min(recheck, expected_deletion)
            disrupted[meta["name"]] = previous[meta["name"]]
    # 5. countHealthyPods: Ready, not terminating, not just evicted.
    healthy = sum(1 for p in pods if not (p.get("metadata") or {}).get("deletionTimestamp")
                  and p["metadata"].get("name") not in disrupted and _is_ready(p))
    # 6. updatePdbStatus: no disruptions while nothing is expected, so a new
    #    budget is safe before its first sync; write only what changed.
    allowed = healthy - desired if expected > 0 and healthy - desired > 0 else 0
    generation = int((pdb.get("metadata") or {}).get("generation") or 0)
    requeue = None if recheck is None else max(recheck - now, 0.0)
    if (status.get("currentHealthy", 0) == healthy and status.get("desiredHealthy", 0) == desired
            and status.get("expectedPods", 0) == expected and status.get("disruptionsAllowed", 0) == allowed
            and previous == disrupted and _conditions_up_to_date(pdb, generation)):
        return Result(actions=actions, requeue_after=requeue)
    new_status: dict = {"observedGeneration": generation}
    if disrupted:
        new_status["disruptedPods"] = disrupted
    new_status.update(disruptionsAllowed=allowed, currentHealthy=healthy, desiredHealthy=desired,
                      expectedPods=expected, conditions=status.get("conditions") or [])
    new_status["conditions"] = _allowed_condition(new_status, now)
    actions.append(UpdateStatus({**values.clone(pdb), "status": new_status}))
    return Result(actions=actions, requeue_after=requeue)


# -- the eviction subresource ------------------------------------------------------

class Refusal(str):
    """An eviction refused: the message, with the HTTP code and the cause the API returns."""

    code: int
    cause: str

    def __new__(cls, message: str, code: int, cause: str = "") -> "Refusal":
        obj = super().__new__(cls, message)
        obj.code, obj.cause = code, cause
        return obj


def pdbs_for_pod(pod: dict, pdbs: Iterable[dict]) -> list[dict]:
    """getPodDisruptionBudgets: the PDBs in the pod's namespace whose selector matches it.

    An empty or invalid selector matches nothing here (unlike the controller).
    """
    meta = pod.get("metadata") or {}
    result = []
    for pdb in pdbs:
        if (pdb.get("metadata") or {}).get("namespace", "") != meta.get("namespace", ""):
            continue
        try:
            selector = selectors.from_label_selector((pdb.get("spec") or {}).get("selector"))
        except errors.LitekubeError:
            continue
        if not selector.empty and selector.matches(meta.get("labels") or {}):
            result.append(pdb)
    return result


def _budget_untouched(pod: dict, pdb: dict | None) -> bool:
    """True when evicting `pod` does not draw on a budget: canIgnorePDB, or an unhealthy pod let through."""
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed", "Pending") or (pod.get("metadata") or {}).get("deletionTimestamp"):
        return True
    if pdb is None or _is_ready(pod):
        return False
    spec, status = pdb.get("spec") or {}, pdb.get("status") or {}
    if spec.get("unhealthyPodEvictionPolicy") == "AlwaysAllow":
        return True
    desired = status.get("desiredHealthy", 0)
    return status.get("currentHealthy", 0) >= desired and desired > 0


def check_eviction(pod: dict, pdbs: list[dict]) -> str | None:
    """May `pod` be evicted, given the PDBs of its namespace? None if so, else the refusal (a `Refusal`).

    `pdbs` may be every PDB of the namespace; the ones covering the pod are
    picked with `pdbs_for_pod`. A budget still being processed
    (observedGeneration behind) or exhausted refuses with 429, a pod covered
    by several budgets with 500, a corrupt budget with 403.
    """
    if _budget_untouched(pod, None):
        return None
    covering = pdbs_for_pod(pod, pdbs)
    if len(covering) > 1:
        return Refusal(_MULTIPLE, 500)
    if not covering:
        return None
    pdb = covering[0]
    if _budget_untouched(pod, pdb):
        return None
    name = (pdb.get("metadata") or {}).get("name", "")
    status = pdb.get("status") or {}
    if status.get("observedGeneration", 0) < int((pdb.get("metadata") or {}).get("generation") or 0):
        return Refusal(_VIOLATES, 429, f"The disruption budget {name} is still being processed by the server.")
    forbidden = f'poddisruptionbudget.policy "{name}" is forbidden: '
    if status.get("disruptionsAllowed", 0) < 0:
        return Refusal(forbidden + "pdb disruptions allowed is negative", 403)
    if len(status.get("disruptedPods") or {}) > MAX_DISRUPTED_POD_SIZE:
        return Refusal(forbidden + "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
                       403)
    if status.get("disruptionsAllowed", 0) == 0:
        return Refusal(_VIOLATES, 429, f"The disruption budget {name} needs {status.get('desiredHealthy', 0)} "
                                       f"healthy pods and has {status.get('currentHealthy', 0)} currently")
    return None


def after_eviction(pdb: dict, pod: dict, now: float) -> dict:
    """checkAndDecrement's write: a copy of `pdb` with one disruption used and the pod in disruptedPods.

    Call it after `check_eviction` allowed the eviction; when the eviction
    does not draw on the budget (terminal, pending or terminating pod, or an
    unhealthy pod let through) the copy is unchanged.
    """
    new = values.clone(pdb)
    if _budget_untouched(pod, pdb):
        return new
    status = new.setdefault("status", {})
    status["disruptionsAllowed"] = status.get("disruptionsAllowed", 0) - 1
    if status["disruptionsAllowed"] == 0:
        status["conditions"] = _allowed_condition(status, now)
    status.setdefault("disruptedPods", {})[(pod.get("metadata") or {}).get("name", "")] = _timestamp(now)
    return new


def _pdbs_matching_pod(obj: dict, view: View) -> Iterable[Key]:
    # The controller's lister lets an empty selector match every pod (policy/v1).
    meta = obj.get("metadata") or {}
    keys = []
    for pdb in view.list("PodDisruptionBudget", meta.get("namespace", "")):
        try:
            selector = selectors.from_label_selector((pdb.get("spec") or {}).get("selector"))
        except errors.LitekubeError:
            continue
        if selector.matches(meta.get("labels") or {}):
            keys.append(Key("PodDisruptionBudget", meta.get("namespace", ""), pdb["metadata"]["name"]))
    return keys


COMPONENT = Component(name="disruption", reconcile=reconcile,
                      watches={"PodDisruptionBudget": self_key, "Pod": _pdbs_matching_pod},
                      primary="PodDisruptionBudget")
