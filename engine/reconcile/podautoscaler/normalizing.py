"""Normalizing a proposal: stabilization windows, min/max, and the scale-rate limits of `behavior`.

No I/O happens here. Ported from horizontal.go (v1.32): `stabilize` and
`normalize` are stabilizeRecommendation and normalizeDesiredReplicas (no
`behavior`: a 300 s downscale window, then at most max(2 × current, 4));
`stabilize_with_behaviors`, `rate_limited` and `normalize_with_behaviors`
are their `behavior` counterparts; `store_scale_event` keeps the events the
rate limits read. Upstream keeps these lists in memory; here they are
plain lists the caller persists (`Recommendation`, `ScaleEvent`), and every
function returns new lists instead of mutating.

Time comparisons keep Go's strictness: a recommendation at exactly
`now − window` is not older than the window for stabilizeRecommendation
(`Before(cutoff)` is false) but is not within it for the behavior windows
(`After(cutoff)` is false either); a scale event at exactly the start of a
policy's period no longer counts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

__all__ = ["Recommendation", "ScaleEvent", "DOWNSCALE_STABILIZATION_WINDOW", "Limited", "stabilize",
           "convert_with_rules", "scale_up_limit", "normalize", "stabilize_with_behaviors",
           "scale_up_limit_with_rules", "scale_down_limit_with_rules", "rate_limited", "normalize_with_behaviors",
           "store_scale_event", "changes_in_period", "Rules"]

DOWNSCALE_STABILIZATION_WINDOW = 300.0  # --horizontal-pod-autoscaler-downscale-stabilization (5m)
_MAX_INT32, _MIN_INT32 = 2 ** 31 - 1, -(2 ** 31)


@dataclass(frozen=True)
class Recommendation:
    replicas: int
    timestamp: float


@dataclass(frozen=True)
class ScaleEvent:
    change: int  # the absolute replica change
    timestamp: float
    outdated: bool = False


@dataclass(frozen=True)
class Rules:
    """HPAScalingRules, defaulted: window (None: the controller's flag), selectPolicy, policies."""

    window: int | None
    select: str
    policies: tuple[tuple[str, int, int], ...]  # (type, value, periodSeconds)

    @classmethod
    def of(cls, rules: dict | None, default_window: int | None) -> "Rules":
        rules = rules or {}
        window = rules.get("stabilizationWindowSeconds")
        return cls(default_window if window is None else int(window), rules.get("selectPolicy") or "Max",
                   tuple((p.get("type", ""), int(p.get("value") or 0), int(p.get("periodSeconds") or 0))
                         for p in rules.get("policies") or []))


@dataclass(frozen=True)
class Limited:
    """A normalized count with the ScalingLimited condition's reason and message."""

    replicas: int
    reason: str
    message: str


_WITHIN = ("DesiredWithinRange", "the desired count is within the acceptable range")
_TOO_FEW = ("TooFewReplicas", "the desired replica count is less than the minimum replica count")
_TOO_MANY = ("TooManyReplicas", "the desired replica count is more than the maximum replica count")
_UP_LIMIT = ("ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
_DOWN_LIMIT = ("ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")


# -- without behavior ----------------------------------------------------------------

def stabilize(recommendations: list[Recommendation], proposal: int, now: float,
              window: float = DOWNSCALE_STABILIZATION_WINDOW) -> tuple[int, list[Recommendation]]:
    """stabilizeRecommendation: the highest recommendation of the window; the proposal recorded.

    The proposal replaces the last recommendation older than the window, if any, else it is appended.
    """
    highest = proposal
    cutoff = now - window
    old_index = None
    for i, rec in enumerate(recommendations):
        if rec.timestamp < cutoff:
            old_index = i
        elif rec.replicas > highest:
            highest = rec.replicas
    recorded = list(recommendations)
    if old_index is not None:
        recorded[old_index] = Recommendation(proposal, now)
    else:
        recorded.append(Recommendation(proposal, now))
    return highest, recorded


def scale_up_limit(current: int) -> int:
    """calculateScaleUpLimit: int32(max(2 × current, 4))."""
    return int(max(2.0 * current, 4.0))


def convert_with_rules(current: int, desired: int, low: int, high: int) -> Limited:
    """convertDesiredReplicasWithRules: within [min, min(max, scaleUpLimit)]."""
    limit = scale_up_limit(current)
    if high > limit:
        maximum, (reason, message) = limit, _UP_LIMIT
    else:
        maximum, (reason, message) = high, _TOO_MANY
    if desired < low:
        return Limited(low, *_TOO_FEW)
    if desired > maximum:
        return Limited(maximum, reason, message)
    return Limited(desired, *_WITHIN)


def normalize(recommendations: list[Recommendation], current: int, proposal: int, low: int, high: int,
              now: float, window: float = DOWNSCALE_STABILIZATION_WINDOW
              ) -> tuple[Limited, int, tuple[str, str], list[Recommendation]]:
    """normalizeDesiredReplicas: (limited count, stabilized, AbleToScale reason and message, recommendations)."""
    stabilized, recorded = stabilize(recommendations, proposal, now, window)
    if stabilized != proposal:
        able = ("ScaleDownStabilized", "recent recommendations were higher than current one, applying the "
                                       "highest recent recommendation")
    else:
        able = ("ReadyForNewScale", "recommended size matches current size")
    return convert_with_rules(current, stabilized, low, high), stabilized, able, recorded


# -- with behavior -------------------------------------------------------------------

def stabilize_with_behaviors(recommendations: list[Recommendation], current: int, desired: int, up: Rules,
                             down: Rules, now: float) -> tuple[int, str, str, list[Recommendation]]:
    """stabilizeRecommendationWithBehaviors: current clamped into [min of the up window, max of the down one]."""
    up_rec = down_rec = desired
    up_cutoff = now - (up.window or 0)
    down_cutoff = now - (down.window or 0)
    old_index = None
    for i, rec in enumerate(recommendations):
        if rec.timestamp > up_cutoff:
            up_rec = min(rec.replicas, up_rec)
        if rec.timestamp > down_cutoff:
            down_rec = max(rec.replicas, down_rec)
        if rec.timestamp < up_cutoff and rec.timestamp < down_cutoff:
            old_index = i
    recommendation = current
    if recommendation < up_rec:
        recommendation = up_rec
    if recommendation > down_rec:
        recommendation = down_rec
    recorded = list(recommendations)
    if old_index is not None:
        recorded[old_index] = Recommendation(desired, now)
    else:
        recorded.append(Recommendation(desired, now))
    if desired >= current:
        reason, message = ("ScaleUpStabilized", "recent recommendations were lower than current one, applying "
                                                "the lowest recent recommendation")
    else:
        reason, message = ("ScaleDownStabilized", "recent recommendations were higher than current one, applying "
                                                  "the highest recent recommendation")
    return recommendation, reason, message, recorded


def changes_in_period(period: int, events: list[ScaleEvent], now: float) -> int:
    """getReplicasChangePerPeriod: the changes recorded after `now − period`."""
    cutoff = now - period
    return sum(e.change for e in events if e.timestamp > cutoff)


def _period_start(current: int, period: int, up_events: list[ScaleEvent], down_events: list[ScaleEvent],
                  now: float) -> int:
    return current - changes_in_period(period, up_events, now) + changes_in_period(period, down_events, now)


def scale_up_limit_with_rules(current: int, up_events: list[ScaleEvent], down_events: list[ScaleEvent],
                              rules: Rules, now: float) -> int:
    """calculateScaleUpLimitWithScalingRules."""
    if rules.select == "Disabled":
        return current
    pick, result = (min, _MAX_INT32) if rules.select == "Min" else (max, _MIN_INT32)
    for kind, value, period in rules.policies:
        start = _period_start(current, period, up_events, down_events, now)
        proposed = 0
        if kind == "Pods":
            proposed = start + value
        elif kind == "Percent":
            proposed = math.ceil(start * (1 + value / 100))
        result = pick(result, proposed)
    return result


def scale_down_limit_with_rules(current: int, up_events: list[ScaleEvent], down_events: list[ScaleEvent],
                                rules: Rules, now: float) -> int:
    """calculateScaleDownLimitWithBehaviors (Percent truncates toward zero, as int32() does)."""
    if rules.select == "Disabled":
        return current
    pick, result = (max, _MIN_INT32) if rules.select == "Min" else (min, _MAX_INT32)
    for kind, value, period in rules.policies:
        start = _period_start(current, period, up_events, down_events, now)
        proposed = 0
        if kind == "Pods":
            proposed = start - value
        elif kind == "Percent":
            proposed = int(start * (1 - value / 100))
        result = pick(result, proposed)
    return result


def rate_limited(current: int, desired: int, low: int, high: int, up: Rules, down: Rules,
                 up_events: list[ScaleEvent], down_events: list[ScaleEvent], now: float) -> Limited:
    """convertDesiredReplicasWithBehaviorRate: the policies' limits, then min/max."""
    if desired > current:
        limit = max(scale_up_limit_with_rules(current, up_events, down_events, up, now), current)
        if high > limit:
            maximum, (reason, message) = limit, _UP_LIMIT
        else:
            maximum, (reason, message) = high, _TOO_MANY
        if desired > maximum:
            return Limited(maximum, reason, message)
    elif desired < current:
        limit = min(scale_down_limit_with_rules(current, up_events, down_events, down, now), current)
        if low < limit:
            minimum, (reason, message) = limit, _DOWN_LIMIT
        else:
            minimum, (reason, message) = low, _TOO_FEW
        if desired < minimum:
            return Limited(minimum, reason, message)
    return Limited(desired, *_WITHIN)


def normalize_with_behaviors(recommendations: list[Recommendation], current: int, proposal: int, low: int,
                             high: int, up: Rules, down: Rules, up_events: list[ScaleEvent],
                             down_events: list[ScaleEvent], now: float
                             ) -> tuple[Limited, int, tuple[str, str], list[Recommendation]]:
    """normalizeDesiredReplicasWithBehaviors: (limited count, stabilized, AbleToScale reason/message, recs)."""
    stabilized, reason, message, recorded = stabilize_with_behaviors(recommendations, current, proposal, up, down,
                                                                     now)
    able = (reason, message) if stabilized != proposal else ("ReadyForNewScale",
                                                              "recommended size matches current size")
    limited = rate_limited(current, stabilized, low, high, up, down, up_events, down_events, now)
    return limited, stabilized, able, recorded


def _longest_period(rules: Rules) -> int:
    return max((period for _, _, period in rules.policies), default=0)


def store_scale_event(events: list[ScaleEvent], rules: Rules, change: int, now: float) -> list[ScaleEvent]:
    """storeScaleEvent for one direction: mark events older than the longest period outdated, reuse the last."""
    cutoff = now - _longest_period(rules)
    marked = [replace(e, outdated=True) if e.timestamp < cutoff else e for e in events]
    new = ScaleEvent(change, now)
    old_index = None
    for i, event in enumerate(marked):
        if event.outdated:
            old_index = i
    if old_index is not None:
        marked[old_index] = new
    else:
        marked.append(new)
    return marked
