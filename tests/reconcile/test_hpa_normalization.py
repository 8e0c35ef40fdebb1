"""Normalization: upstream's horizontal_test.go tables (TestScalingWithRules, TestNormalizeDesiredReplicas,
TestConvertDesiredReplicasWithRules, the scale-limit tests) and the window and period edges."""
from __future__ import annotations

import pytest

from litekube.reconcile.podautoscaler import normalizing as norm
from litekube.reconcile.podautoscaler.normalizing import Recommendation, Rules, ScaleEvent

NOW = 1_700_000_000.0
DEFAULT_UP = Rules(0, "Max", (("Pods", 4, 15), ("Percent", 100, 15)))
DEFAULT_DOWN = Rules(None, "Max", (("Percent", 100, 15),))


def rules(pods: int, pods_period: int, percent: int, percent_period: int, window: int) -> Rules:
    """generateScalingRules."""
    policies = []
    if pods:
        policies.append(("Pods", pods, pods_period))
    if percent:
        policies.append(("Percent", percent, percent_period))
    return Rules(window, "Max", tuple(policies))


def uniform(changes: list[int], period: int) -> list[ScaleEvent]:
    """generateEventsUniformDistribution: each event in the middle of its segment of the last `period` seconds."""
    segment = period / len(changes)
    return [ScaleEvent(c, NOW - int(period - segment * (i + 1) + segment / 2)) for i, c in enumerate(changes)]


SCALING_WITH_RULES = [
    # name, current, desired, min, max, up rules, down rules, up events, down events, expected, condition
    ("prenormalized desired replicas within range", 5, 7, 3, 8, None, None, [], [], 7, "DesiredWithinRange"),
    ("prenormalized desired replicas < minReplicas", 3, 1, 2, 8, None, None, [], [], 2, "TooFewReplicas"),
    ("within range when minReplicas is 0", 1, 0, 0, 10, None, None, [], [], 0, "DesiredWithinRange"),
    ("maxReplicas is the limit because maxReplicas < scaleUpLimit", 20, 1000, 1, 10, None, None, [], [], 10,
     "TooManyReplicas"),
    ("desired replica count is more than the maximum replica count", 100, 1000, 100, 150, None, None, [], [], 150,
     "TooManyReplicas"),
    ("scaleUpLimit < maxReplicas with user policies", 3, 1000, 1, 2000, rules(0, 0, 1, 60, 0), None, [], [], 4,
     "ScaleUpLimit"),
    ("scaleDownLimit > minReplicas with user defined policies", 1000, 3, 3, 2000, None, rules(20, 60, 0, 0, 0), [],
     [], 980, "ScaleDownLimit"),
    ("scaleUp with default behavior", 10, 50, 1, 1000, None, None, [], [], 20, "ScaleUpLimit"),
    ("scaleUp with pods policy larger than percent policy", 10, 500, 1, 1000, rules(100, 60, 100, 60, 0), None, [],
     [], 110, "ScaleUpLimit"),
    ("scaleUp with percent policy larger than pods policy", 10, 500, 1, 1000, rules(2, 60, 100, 60, 0), None, [], [],
     20, "ScaleUpLimit"),
    ("scaleUp with spec MaxReplicas limitation with large pod policy", 10, 50, 1, 1000, rules(100, 60, 0, 0, 0), None,
     [], [], 50, "DesiredWithinRange"),
    ("scaleUp with spec MaxReplicas limitation with large percent policy", 10, 50, 1, 1000,
     rules(10000, 60, 0, 0, 0), None, [], [], 50, "DesiredWithinRange"),
    ("scaleUp with pod policy limitation", 10, 50, 1, 1000, rules(30, 60, 0, 0, 0), None, [], [], 40,
     "ScaleUpLimit"),
    ("scaleUp with percent policy limitation", 10, 50, 1, 1000, rules(0, 0, 200, 60, 0), None, [], [], 30,
     "ScaleUpLimit"),
    ("scaleDown with percent policy larger than pod policy", 100, 2, 1, 1000, None, rules(20, 60, 1, 60, 300), [], [],
     80, "ScaleDownLimit"),
    ("scaleDown with pod policy larger than percent policy", 100, 2, 1, 1000, None, rules(2, 60, 1, 60, 300), [], [],
     98, "ScaleDownLimit"),
    ("scaleDown with spec MinReplicas=nil limitation with large pod policy", 10, 0, 1, 1000, None,
     rules(100, 60, 0, 0, 300), [], [], 1, "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large percent policy", 10, 2, 5, 1000, None,
     rules(0, 0, 100, 60, 300), [], [], 5, "TooFewReplicas"),
    ("scaleDown with pod policy limitation", 10, 2, 1, 1000, None, rules(5, 60, 0, 0, 300), [], [], 5,
     "ScaleDownLimit"),
    ("scaleDown with percent policy limitation", 10, 5, 1, 1000, None, rules(0, 0, 50, 60, 300), [], [], 5,
     "DesiredWithinRange"),
    ("scaleUp with spec MaxReplicas limitation with large pod policy and events", 100, 500, 1, 200,
     rules(300, 60, 0, 0, 0), None, uniform([1, 5, 9], 120), [], 200, "TooManyReplicas"),
    ("scaleUp with spec MaxReplicas limitation with large percent policy and events", 100, 500, 1, 200,
     rules(0, 0, 10000, 60, 0), None, uniform([1, 5, 9], 120), [], 200, "TooManyReplicas"),
    ("scaleUp with currentReplicas limitation with a lot of recent scale up events", 100, 500, 1, 1000,
     rules(5, 120, 0, 0, 0), None, uniform([1, 5, 9], 120), [], 100, "ScaleUpLimit"),
    ("scaleUp with pod policy and previous scale up events", 100, 500, 1, 1000, rules(150, 120, 0, 0, 0), None,
     uniform([1, 5, 9], 120), [], 235, "ScaleUpLimit"),
    ("scaleUp with percent policy and previous scale up events", 100, 500, 1, 1000, rules(0, 0, 200, 120, 0), None,
     uniform([1, 5, 9], 120), [], 255, "ScaleUpLimit"),
    ("scaleDown with default policy and previous events", 10, 5, 1, 1000, None, None, [], uniform([1, 5, 9], 120), 5,
     "DesiredWithinRange"),
    ("scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events", 100, 0, 1, 1000,
     None, rules(115, 120, 0, 0, 300), [], uniform([1, 5, 9], 120), 1, "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large pod policy and previous events", 100, 0, 5, 1000, None,
     rules(130, 120, 0, 0, 300), [], uniform([1, 5, 9], 120), 5, "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large percent policy and previous events", 100, 2, 5, 1000,
     None, rules(0, 0, 100, 120, 300), [], uniform([1, 5, 9], 120), 5, "TooFewReplicas"),
    ("scaleDown with pod policy limitation and previous events", 100, 2, 1, 1000, None, rules(5, 120, 0, 0, 300), [],
     uniform([1, 5, 9], 120), 100, "ScaleDownLimit"),
    ("scaleDown with percent policy limitation and previous events", 100, 0, 1, 1000, None,
     rules(0, 0, 50, 120, 300), [], uniform([2, 4, 6], 120), 56, "ScaleDownLimit"),
    ("scaleDown with previous events preventing further scale down", 100, 0, 1, 1000, None,
     rules(0, 0, 10, 120, 300), [], uniform([10, 10, 10], 120), 100, "ScaleDownLimit"),
    ("scaleDown with previous events still allowing more scale down", 10, 5, 1, 1000, None,
     rules(0, 0, 1000, 120, 300), [], uniform([10, 10, 10], 120), 5, "DesiredWithinRange"),
    ("check 'outdated' flag for events for one behavior for up", 100, 200, 1, 1000, rules(1000, 60, 0, 0, 0), None,
     uniform([8, 12, 9, 11], 120), [], 200, "DesiredWithinRange"),
    ("events not marked outdated for two policies for up", 100, 200, 1, 1000, rules(1000, 120, 100, 60, 0), None,
     uniform([8, 12, 9, 11], 120), [], 200, "DesiredWithinRange"),
    ("events marked outdated for two policies for up", 100, 200, 1, 1000, rules(1000, 30, 100, 60, 0), None,
     uniform([8, 12, 9, 11], 120), [], 200, "DesiredWithinRange"),
    ("check 'outdated' flag for events for one behavior for down", 100, 5, 1, 1000, None, rules(1000, 60, 0, 0, 300),
     [], uniform([8, 12, 9, 11], 120), 5, "DesiredWithinRange"),
    ("events not marked outdated for two policies for down", 100, 5, 1, 1000, None, rules(1000, 120, 100, 60, 300),
     [], uniform([8, 12, 9, 11], 120), 5, "DesiredWithinRange"),
    ("events marked outdated for two policies for down", 100, 5, 1, 1000, None, rules(1000, 30, 100, 60, 300), [],
     uniform([8, 12, 9, 11], 120), 5, "DesiredWithinRange"),
]


class TestScalingWithRules:
    @pytest.mark.parametrize("current,desired,low,high,up,down,up_events,down_events,expected,condition",
                             [c[1:] for c in SCALING_WITH_RULES], ids=[c[0] for c in SCALING_WITH_RULES])
    def test_upstream_table(self, current, desired, low, high, up, down, up_events, down_events, expected,
                            condition) -> None:
        got = norm.rate_limited(current, desired, low, high, up or DEFAULT_UP, down or DEFAULT_DOWN, up_events,
                                down_events, NOW)
        assert (got.replicas, got.reason) == (expected, condition)

    def test_min_select_policy_picks_the_smallest_change(self) -> None:
        """TestCalculateScaleUpLimitWithScalingRules and TestCalculateScaleDownLimitWithBehaviors."""
        select_min = Rules(300, "Min", (("Pods", 2, 60), ("Percent", 50, 60)))
        assert norm.scale_up_limit_with_rules(1, [], [], select_min, NOW) == 2
        assert norm.scale_down_limit_with_rules(5, [], [], select_min, NOW) == 3

    def test_disabled_select_policy_keeps_the_current_count(self) -> None:
        disabled = Rules(0, "Disabled", (("Pods", 4, 15),))
        got = norm.rate_limited(5, 50, 1, 100, disabled, DEFAULT_DOWN, [], [], NOW)
        assert (got.replicas, got.reason) == (5, "ScaleUpLimit")
        got = norm.rate_limited(5, 1, 1, 100, DEFAULT_UP, Rules(300, "Disabled", (("Percent", 100, 15),)), [], [], NOW)
        assert (got.replicas, got.reason) == (5, "ScaleDownLimit")

    def test_percent_scale_down_truncates(self) -> None:
        # 7 * (1 - 0.5) = 3.5 -> int32 3; 7 * (1 + 0.5) = 10.5 -> ceil 11.
        down = Rules(300, "Max", (("Percent", 50, 60),))
        up = Rules(0, "Max", (("Percent", 50, 60),))
        assert norm.scale_down_limit_with_rules(7, [], [], down, NOW) == 3
        assert norm.scale_up_limit_with_rules(7, [], [], up, NOW) == 11

    @pytest.mark.parametrize("age,counted", [
        pytest.param(59, True, id="inside-the-period"),
        pytest.param(60, False, id="exactly-the-period-no-longer-counts"),
    ])
    def test_policy_period_edge(self, age, counted) -> None:
        events = [ScaleEvent(4, NOW - age)]
        pods = Rules(0, "Max", (("Pods", 4, 60),))
        assert norm.scale_up_limit_with_rules(10, events, [], pods, NOW) == (10 if counted else 14)


class TestConvertDesiredReplicasWithRules:
    @pytest.mark.parametrize("current,desired,low,high,expected,condition", [
        pytest.param(5, 7, 3, 8, 7, "DesiredWithinRange", id="within range"),
        pytest.param(3, 1, 2, 8, 2, "TooFewReplicas", id="below min"),
        pytest.param(1, 0, 0, 10, 0, "DesiredWithinRange", id="zero within range"),
        pytest.param(20, 1000, 1, 10, 10, "TooManyReplicas", id="maxReplicas < scaleUpLimit"),
        pytest.param(3, 1000, 1, 2000, 6, "ScaleUpLimit", id="scaleUpLimit < maxReplicas"),
        pytest.param(1, 1000, 1, 2000, 4, "ScaleUpLimit", id="scaleUpLimit is at least 4"),
        pytest.param(2, 4, 1, 4, 4, "DesiredWithinRange", id="max equal to the limit"),
    ])
    def test_upstream_table(self, current, desired, low, high, expected, condition) -> None:
        got = norm.convert_with_rules(current, desired, low, high)
        assert (got.replicas, got.reason) == (expected, condition)


class TestStabilize:
    """TestNormalizeDesiredReplicas (stabilizeRecommendation, a 5 min window)."""

    @pytest.mark.parametrize("recommendations,proposal,expected,length", [
        pytest.param([], 5, 5, 1, id="empty log"),
        pytest.param([(4, -120), (5, -60)], 3, 5, 3, id="stabilize"),
        pytest.param([(1, -120), (2, -60)], 3, 3, 3, id="no stabilize"),
        pytest.param([(10, -600), (9, -540)], 3, 3, 2, id="no stabilize - old recommendations"),
        pytest.param([(10, -600), (4, -60), (5, -120), (9, -540)], 3, 5, 4, id="stabilize - old recommendations"),
    ])
    def test_upstream_table(self, recommendations, proposal, expected, length) -> None:
        recs = [Recommendation(r, NOW + dt) for r, dt in recommendations]
        got, recorded = norm.stabilize(recs, proposal, NOW)
        assert (got, len(recorded)) == (expected, length)

    @pytest.mark.parametrize("age,kept", [
        pytest.param(299, True, id="inside-the-window"),
        pytest.param(300, True, id="exactly-300s-still-counts"),
        pytest.param(301, False, id="older-than-300s"),
    ])
    def test_window_edge(self, age, kept) -> None:
        got, recorded = norm.stabilize([Recommendation(7, NOW - age)], 2, NOW)
        assert got == (7 if kept else 2)
        assert len(recorded) == (2 if kept else 1)  # an old sample is overwritten, not appended


class TestStabilizeWithBehaviors:
    def test_scale_down_waits_for_the_window(self) -> None:
        recs = [Recommendation(8, NOW - 100), Recommendation(6, NOW - 50)]
        got, reason, _, recorded = norm.stabilize_with_behaviors(recs, 8, 3, DEFAULT_UP, Rules(300, "Max", ()), NOW)
        assert (got, reason, len(recorded)) == (8, "ScaleDownStabilized", 3)

    def test_scale_up_window(self) -> None:
        up = Rules(60, "Max", ())
        recs = [Recommendation(4, NOW - 30)]
        got, reason, _, _ = norm.stabilize_with_behaviors(recs, 2, 10, up, Rules(300, "Max", ()), NOW)
        assert (got, reason) == (4, "ScaleUpStabilized")

    @pytest.mark.parametrize("age,held", [
        pytest.param(299, True, id="inside-the-down-window"),
        pytest.param(300, False, id="exactly-300s-no-longer-holds"),
    ])
    def test_down_window_edge(self, age, held) -> None:
        got, _, _, _ = norm.stabilize_with_behaviors([Recommendation(9, NOW - age)], 9, 2, DEFAULT_UP,
                                                     Rules(300, "Max", ()), NOW)
        assert got == (9 if held else 2)


class TestStoreScaleEvent:
    def test_outdated_events_are_reused(self) -> None:
        events = [ScaleEvent(3, NOW - 100), ScaleEvent(2, NOW - 10)]
        stored = norm.store_scale_event(events, Rules(0, "Max", (("Pods", 4, 60),)), 5, NOW)
        assert stored == [ScaleEvent(5, NOW), ScaleEvent(2, NOW - 10)]

    def test_recent_events_are_kept(self) -> None:
        stored = norm.store_scale_event([ScaleEvent(3, NOW - 10)], Rules(0, "Max", (("Pods", 4, 60),)), 5, NOW)
        assert stored == [ScaleEvent(3, NOW - 10), ScaleEvent(5, NOW)]
