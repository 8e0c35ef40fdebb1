"""The horizontal pod autoscaler controller: reconcileAutoscaler for one HPA every 15 s.

No I/O happens here. `reconcile` is pkg/controller/podautoscaler/horizontal.go
(v1.32) for one HorizontalPodAutoscaler:

1. get the target's scale (a kind with a `scale` subresource: Deployment,
   ReplicaSet, StatefulSet, ReplicationController), else AbleToScale False
   `FailedGetScale`;
2. a target at 0 replicas disables autoscaling (`ScalingDisabled`); one out
   of [min, max] is brought back in; otherwise every metric proposes a
   count (`computing.compute`) and the largest is normalized, with or
   without `behavior` (`normalizing`);
3. a new count goes to the target's spec.replicas (`SuccessfulRescale`);
4. the status (current and desired replicas, current metrics, last scale
   time, AbleToScale / ScalingActive / ScalingLimited) is written only when
   it changed.

Timing is upstream's rate-limited queue: an HPA is first synced one sync
period (15 s) after the controller sees it, then every 15 s; a change to it
in between waits for the next sync. The recommendations and scale events
that upstream keeps in memory are kept with `SaveState`, so a control plane
that stops between commands (every embedded CLI run) resumes them; they
are forgotten when the HPA goes (or is replaced: a new uid).

Differences from upstream, on purpose: a failed write of the target's
scale (a conflict) is retried by the runtime instead of being reported as
`FailedRescale`; `status.observedGeneration` stays unset, as upstream's
setStatus leaves it.
"""
from __future__ import annotations

from datetime import datetime, timezone

from litekube import errors
from litekube.model import kinds, selectors, values
from litekube.reconcile.base import (
    Component,
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
from litekube.reconcile.podautoscaler import computing
from litekube.reconcile.podautoscaler import normalizing as norm

__all__ = ["COMPONENT", "NAME", "SYNC_PERIOD", "reconcile", "scale_of", "Scale"]

NAME = "horizontal-pod-autoscaler"  # the component, and the events' source
SYNC_PERIOD = 15.0  # --horizontal-pod-autoscaler-sync-period
_SCALE_KINDS = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")


def _stamp(seconds: float) -> str:
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


class Scale:
    """autoscalingv1.Scale of a target: spec.replicas, status.replicas, status.selector, and the object."""

    def __init__(self, target: dict) -> None:
        spec, status = target.get("spec") or {}, target.get("status") or {}
        self.target = target
        self.spec_replicas = 1 if spec.get("replicas") is None else int(spec["replicas"])
        self.status_replicas = int(status.get("replicas") or 0)
        if target.get("kind") == "ReplicationController":
            self.selector = str(selectors.from_set(spec.get("selector")))
        else:
            try:
                self.selector = str(selectors.from_label_selector(spec.get("selector")))
            except errors.BadRequest:
                self.selector = ""


def _parse_group_version(text: str) -> str:
    """schema.ParseGroupVersion: the group; raises ValueError with upstream's message."""
    if not text or text == "v1":
        return ""
    parts = text.split("/")
    if len(parts) == 1:
        return ""
    if len(parts) == 2:
        return parts[0]
    raise ValueError(f"unexpected GroupVersion string: {text}")


def scale_of(view: View, namespace: str, ref: dict) -> Scale:
    """The target's scale; raises ValueError with the error the scale client would report."""
    group = _parse_group_version(str(ref.get("apiVersion") or ""))
    kind_name = ref.get("kind", "")
    kind = next((k for k in kinds.KINDS if k.kind == kind_name and k.group == group), None)
    if kind is None:
        raise LookupError(f'no matches for kind "{kind_name}" in group "{group}"')
    if "scale" not in kind.subresources:
        raise KeyError("the server could not find the requested resource")
    target = view.get(kind.kind, namespace, ref.get("name", ""))
    if target is None:
        resource = f"{kind.plural}/scale.{kind.group}" if kind.group else f"{kind.plural}/scale"
        raise KeyError(f'{resource} "{ref.get("name", "")}" not found')
    return Scale(target)


class _Sync:
    """One reconcileAutoscaler pass: its conditions, events, state and actions."""

    def __init__(self, view: View, hpa: dict, state: dict, now: float) -> None:
        self.view, self.hpa, self.now = view, hpa, now
        self.spec = hpa.get("spec") or {}
        self.old_status = values.clone(hpa.get("status") or {})
        self.conditions: list[dict] = values.clone(self.old_status.get("conditions") or [])
        self.actions: list = []
        self.recommendations = [norm.Recommendation(int(r), float(t)) for r, t in state.get("recommendations", [])]
        self.up_events = [norm.ScaleEvent(int(c), float(t), bool(o)) for c, t, o in state.get("up", [])]
        self.down_events = [norm.ScaleEvent(int(c), float(t), bool(o)) for c, t, o in state.get("down", [])]

    # -- helpers -----------------------------------------------------------------
    def event(self, kind: str, reason: str, message: str) -> None:
        self.actions.append(RecordEvent(ref_of(self.hpa), kind, reason, message, NAME))

    def condition(self, type_: str, status: str, reason: str, message: str) -> None:
        """setConditionInList: a new type goes last; the transition time moves only with the status."""
        existing = next((c for c in self.conditions if c.get("type") == type_), None)
        if existing is None:
            existing = {"type": type_}
            self.conditions.append(existing)
        if existing.get("status") != status:
            existing["lastTransitionTime"] = _stamp(self.now)
        existing["status"], existing["reason"], existing["message"] = status, reason, message

    def state(self) -> dict:
        return {"uid": _meta(self.hpa).get("uid", ""), "next": self.now + SYNC_PERIOD,
                "recommendations": [[r.replicas, r.timestamp] for r in self.recommendations],
                "up": [[e.change, e.timestamp, e.outdated] for e in self.up_events],
                "down": [[e.change, e.timestamp, e.outdated] for e in self.down_events]}

    def write_status(self, current: int, desired: int, statuses: list[dict] | None, rescale: bool) -> None:
        """setStatus, then updateStatusIfNeeded."""
        status: dict = {}
        if current:
            status["currentReplicas"] = current
        status["desiredReplicas"] = desired
        last = self.old_status.get("lastScaleTime")
        if rescale:
            last = _stamp(self.now)
        if last:
            status["lastScaleTime"] = last
        if statuses:
            status["currentMetrics"] = statuses
        if self.conditions:
            status["conditions"] = self.conditions
        if status != self.old_status:
            self.actions.append(UpdateStatus({**values.clone(self.hpa), "status": status}))

    def fail_scale(self, message: str) -> None:
        self.event("Warning", "FailedGetScale", message)
        self.condition("AbleToScale", "False", "FailedGetScale",
                       f"the HPA controller was unable to get the target's current scale: {message}")
        self.write_status(int(self.old_status.get("currentReplicas") or 0),
                          int(self.old_status.get("desiredReplicas") or 0),
                          self.old_status.get("currentMetrics"), False)

    # -- the pass ----------------------------------------------------------------
    def run(self) -> list:
        namespace = _meta(self.hpa).get("namespace", "")
        try:
            scale = scale_of(self.view, namespace, self.spec.get("scaleTargetRef") or {})
        except (ValueError, LookupError) as exc:
            self.fail_scale(str(exc.args[0]))
            return self.actions
        self.condition("AbleToScale", "True", "SucceededGetScale",
                       "the HPA controller was able to get the target's current scale")
        current = scale.spec_replicas
        if not self.recommendations:
            self.recommendations = [norm.Recommendation(current, self.now)]
        low = 1 if self.spec.get("minReplicas") is None else int(self.spec["minReplicas"])
        high = int(self.spec.get("maxReplicas") or 0)
        statuses: list[dict] | None = None
        rescale, reason, desired = True, "", 0
        if current == 0 and low != 0:
            desired, rescale = 0, False
            self.condition("ScalingActive", "False", "ScalingDisabled",
                           "scaling is disabled since the replica count of the target is zero")
        elif current > high:
            reason, desired = "Current number of replicas above Spec.MaxReplicas", high
        elif current < low:
            reason, desired = "Current number of replicas below Spec.MinReplicas", low
        else:
            outcome = self.metrics(scale, namespace)
            statuses = outcome.statuses
            if outcome.replicas == -1:
                self.write_status(current, int(self.old_status.get("desiredReplicas") or 0), statuses, False)
                if outcome.error:
                    self.event("Warning", "FailedComputeMetricsReplicas", outcome.error)
                return self.actions
            metric_desired = outcome.replicas
            metric = outcome.metric if metric_desired > 0 else ""
            desired = max(metric_desired, 0)
            if desired > current:
                reason = f"{metric} above target"
            if desired < current:
                reason = "All metrics below target"
            desired = self.normalize(current, desired, low, high)
            rescale = desired != current
        if rescale:
            target = values.clone(scale.target)
            target["spec"]["replicas"] = desired
            self.actions.append(Update(target, record_as="scale"))  # through the scale subresource
            self.condition("AbleToScale", "True", "SucceededRescale",
                           f"the HPA controller was able to update the target scale to {desired}")
            self.event("Normal", "SuccessfulRescale", f"New size: {desired}; reason: {reason}")
            self.store_scale_event(current, desired)
        else:
            desired = current
        self.write_status(current, desired, statuses, rescale)
        return self.actions

    def metrics(self, scale: Scale, namespace: str) -> computing.Outcome:
        """validateAndParseSelector, then computeReplicasForMetrics."""
        if not scale.selector:
            self.event("Warning", "SelectorRequired", "selector is required")
            self.condition("ScalingActive", "False", "InvalidSelector", "the HPA target's scale is missing a selector")
            return computing.Outcome(replicas=-1)
        selector = selectors.parse(scale.selector)
        pods = [p for p in self.view.list("Pod", namespace) if selector.matches(_meta(p).get("labels"))]
        others = self.ambiguous(pods, namespace)
        if len(others) > 1:
            listed = " ".join(f"{{{name} {namespace}}}" for name in others)
            message = f"pods by selector {scale.selector} are controlled by multiple HPAs: [{listed}]"
            self.event("Warning", "AmbiguousSelector", message)
            self.condition("ScalingActive", "False", "AmbiguousSelector", message)
            return computing.Outcome(replicas=-1)
        outcome = computing.compute(self.view, self.hpa, pods, scale.spec_replicas, self.now)
        for reason, message in outcome.events:
            self.event("Warning", reason, message)
        if outcome.condition is not None:
            self.condition("ScalingActive", *outcome.condition)
        return outcome

    def ambiguous(self, pods: list[dict], namespace: str) -> list[str]:
        """hpasControllingPodsUnderSelector: the HPAs of the namespace whose targets select these pods."""
        found = []
        for other in self.view.list("HorizontalPodAutoscaler", namespace):
            try:
                other_scale = scale_of(self.view, namespace, (other.get("spec") or {}).get("scaleTargetRef") or {})
                other_selector = selectors.parse(other_scale.selector) if other_scale.selector else None
            except (ValueError, LookupError, errors.BadRequest):
                continue
            if other_selector is not None and any(other_selector.matches(_meta(p).get("labels")) for p in pods):
                found.append(_meta(other).get("name", ""))
        return sorted(found)

    def normalize(self, current: int, desired: int, low: int, high: int) -> int:
        behavior = self.spec.get("behavior")
        if behavior is None:
            limited, stabilized, able, self.recommendations = norm.normalize(self.recommendations, current, desired,
                                                                             low, high, self.now)
        else:
            up = norm.Rules.of(behavior.get("scaleUp"), 0)
            down = norm.Rules.of(behavior.get("scaleDown"), int(norm.DOWNSCALE_STABILIZATION_WINDOW))
            limited, stabilized, able, self.recommendations = norm.normalize_with_behaviors(
                self.recommendations, current, desired, low, high, up, down, self.up_events, self.down_events,
                self.now)
        self.condition("AbleToScale", "True", *able)
        self.condition("ScalingLimited", "True" if limited.replicas != stabilized else "False", limited.reason,
                       limited.message)
        return limited.replicas

    def store_scale_event(self, previous: int, new: int) -> None:
        behavior = self.spec.get("behavior")
        if behavior is None:
            return  # upstream stores no event without behavior: no rate limit reads them
        if new > previous:
            rules = norm.Rules.of(behavior.get("scaleUp"), 0)
            self.up_events = norm.store_scale_event(self.up_events, rules, new - previous, self.now)
        else:
            rules = norm.Rules.of(behavior.get("scaleDown"), int(norm.DOWNSCALE_STABILIZATION_WINDOW))
            self.down_events = norm.store_scale_event(self.down_events, rules, previous - new, self.now)


def reconcile(key: Key, view: View, now: float) -> Result:
    """Sync the HPA `key` when its sync is due; otherwise wait for it."""
    hpa = view.get("HorizontalPodAutoscaler", key.namespace, key.name)
    state = view.state(NAME, key)
    # 1. Gone: forget its recommendations and scale events.
    if hpa is None:
        return Result([SaveState(NAME, key, None)] if state is not None else [])
    uid = _meta(hpa).get("uid", "")
    # 2. New (or replaced under the same name): the queue's first add waits one sync period.
    if state is None or state.get("uid") != uid:
        fresh = {"uid": uid, "next": now + SYNC_PERIOD, "recommendations": [], "up": [], "down": []}
        return Result([SaveState(NAME, key, fresh)], requeue_after=SYNC_PERIOD)
    # 3. Not due: changes in between wait for the next sync, as the rate-limited queue makes them.
    due = float(state.get("next") or now)
    if now < due:
        return Result(requeue_after=due - now)
    # 4. Sync, and come back one sync period later.
    sync = _Sync(view, hpa, state, now)
    actions = sync.run()
    actions.append(SaveState(NAME, key, sync.state()))
    return Result(actions, requeue_after=SYNC_PERIOD)


COMPONENT = Component(name=NAME, reconcile=reconcile, watches={"HorizontalPodAutoscaler": self_key},
                      primary="HorizontalPodAutoscaler", periodic=True)
