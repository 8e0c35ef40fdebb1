"""The replica calculator, on upstream's replica_calculator_test.go tables and at its edges.

Each upstream case builds pods of two containers, each requesting the
case's request and using its level (so a pod's value is twice the level),
named test-pod-0.., Running and Ready unless the case says otherwise;
"hot" pods started just now (inside the cpu initialization period, their
sample taken before a full window passed), "cool" ones ten minutes ago.
"""
from __future__ import annotations

import math

import pytest

from litekube.reconcile.podautoscaler import replica_calculator as calc
from litekube.reconcile.podautoscaler.replica_calculator import MetricError, PodMetric

NOW = 1_700_000_000.0
HOT, COOL, ZERO = NOW, NOW - 600, 0.0
PER_POD = 2  # numContainersPerPod


def stamp(t: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def pods(n: int, requests: list[str] | None = None, readiness: list[str] | None = None,
         start: list[float] | None = None, phase: list[str] | None = None,
         deleting: list[bool] | None = None, resource: str = "cpu") -> list[dict]:
    out = []
    for i in range(n):
        resources = {"requests": {resource: requests[i]}} if requests and i < len(requests) else {}
        meta: dict = {"name": f"test-pod-{i}", "namespace": "test-namespace", "labels": {"name": "test-pod"}}
        if deleting and deleting[i]:
            meta["deletionTimestamp"] = stamp(NOW)
        out.append({"metadata": meta,
                    "spec": {"containers": [{"name": "container0", "resources": resources},
                                            {"name": "container1", "resources": resources}]},
                    "status": {"phase": phase[i] if phase else "Running",
                               "startTime": stamp(start[i] if start else ZERO),
                               "conditions": [{"type": "Ready",
                                               "status": readiness[i] if readiness and i < len(readiness)
                                               else "True"}]}})
    return out


def samples(levels: list[int], names: list[str] | None = None, per_pod: int = PER_POD) -> dict[str, PodMetric]:
    return {(names[i] if names and i < len(names) else f"test-pod-{i}"): PodMetric(level * per_pod, 0.0, 60.0)
            for i, level in enumerate(levels)}


def one(n: int) -> list[str]:
    return ["1.0"] * n


RESOURCE_CASES = [
    # id, current, levels, target, expected replicas, utilization, pod kwargs
    ("scale-up", 3, [300, 500, 700], 30, 5, 50, {"requests": one(3)}),
    ("scale-up-unready-less-scale", 3, [300, 500, 700], 30, 4, 60,
     {"requests": one(3), "readiness": ["False", "True", "True"]}),
    ("scale-up-hot-cpu-less-scale", 3, [300, 500, 700], 30, 4, 60, {"requests": one(3), "start": [HOT, COOL, COOL]}),
    ("scale-up-unready-no-scale", 3, [400, 500, 700], 30, 3, 40,
     {"requests": one(3), "readiness": ["True", "False", "False"]}),
    ("scale-hot-cpu-no-scale", 3, [400, 500, 700], 30, 3, 40,
     {"requests": one(3), "readiness": ["True", "False", "False"], "start": [COOL, HOT, HOT]}),
    ("scale-up-ignores-failed-pods", 2, [500, 700], 30, 4, 60,
     {"n": 4, "requests": one(4), "readiness": ["True", "True", "False", "False"],
      "phase": ["Running", "Running", "Failed", "Failed"]}),
    ("scale-up-ignores-deletion-pods", 2, [500, 700], 30, 4, 60,
     {"n": 4, "requests": one(4), "readiness": ["True", "True", "False", "False"],
      "deleting": [False, False, True, True]}),
    ("scale-down", 5, [100, 300, 500, 250, 250], 50, 3, 28, {"requests": one(5)}),
    ("scale-down-include-unready-pods", 5, [100, 300, 500, 250, 250], 50, 2, 30,
     {"requests": one(5), "readiness": ["True", "True", "True", "False", "False"]}),
    ("scale-down-exclude-unscheduled-pods", 5, [100], 50, 1, 10,
     {"requests": one(5), "readiness": ["True", "False", "False", "False", "False"],
      "phase": ["Running", "Pending", "Pending", "Pending", "Pending"]}),
    ("scale-down-ignore-hot-cpu-pods", 5, [100, 300, 500, 250, 250], 50, 2, 30,
     {"requests": one(5), "start": [COOL, COOL, COOL, HOT, HOT]}),
    ("scale-down-ignores-failed-pods", 5, [100, 300, 500, 250, 250], 50, 3, 28,
     {"n": 7, "requests": one(7), "readiness": ["True"] * 5 + ["False"] * 2,
      "phase": ["Running"] * 5 + ["Failed"] * 2}),
    ("scale-down-ignores-deletion-pods", 5, [100, 300, 500, 250, 250], 50, 3, 28,
     {"n": 7, "requests": one(7), "readiness": ["True"] * 5 + ["False"] * 2, "deleting": [False] * 5 + [True] * 2}),
    ("tolerance", 3, [1010, 1030, 1020], 100, 3, 102, {"requests": ["0.9", "1.0", "1.1"]}),
    ("missing-metrics", 4, [400, 95], 100, 3, 24, {"requests": one(4)}),
    ("missing-metrics-no-change-eq", 2, [1000], 100, 2, 100, {"requests": one(2)}),
    ("missing-metrics-no-change-gt", 2, [1900], 100, 2, 190, {"requests": one(2)}),
    ("missing-metrics-no-change-lt", 2, [600], 100, 2, 60, {"requests": one(2)}),
    ("missing-metrics-unready-change", 3, [100, 450], 50, 3, 45,
     {"requests": one(3), "readiness": ["False", "True", "True"]}),
    ("missing-metrics-hot-cpu-no-change", 3, [100, 450], 50, 3, 45, {"requests": one(3), "start": [HOT, COOL, COOL]}),
    ("missing-metrics-unready-scale-up", 3, [100, 2000], 50, 4, 200,
     {"requests": one(3), "readiness": ["False", "True", "True"]}),
    ("missing-metrics-hot-cpu-scale-up", 3, [100, 2000], 50, 4, 200,
     {"requests": one(3), "readiness": ["False", "True", "True"], "start": [HOT, COOL, COOL]}),
    ("missing-metrics-unready-scale-down", 4, [100, 100, 100], 50, 3, 10,
     {"requests": one(4), "readiness": ["False", "True", "True", "True"]}),
]


class TestResourceReplicas:
    @pytest.mark.parametrize("current,levels,target,expected,utilization,kwargs",
                             [c[1:] for c in RESOURCE_CASES], ids=[c[0] for c in RESOURCE_CASES])
    def test_upstream_table(self, current, levels, target, expected, utilization, kwargs) -> None:
        kwargs = dict(kwargs)
        n = kwargs.pop("n", current)
        replicas, util, _ = calc.resource_replicas(current, target, pods(n, **kwargs), samples(levels), "cpu", NOW)
        assert (replicas, util) == (expected, utilization)

    def test_raw_value_is_the_average_sample(self) -> None:
        _, _, raw = calc.resource_replicas(3, 30, pods(3, requests=one(3)), samples([300, 500, 700]), "cpu", NOW)
        assert raw == PER_POD * 500

    def test_superfluous_metrics_are_ignored(self) -> None:
        got = calc.resource_replicas(4, 100, pods(4, requests=one(4)),
                                     samples([4000, 9500, 3000, 7000, 3200, 2000]), "cpu", NOW)
        assert got[:2] == (24, 587)

    def test_disjoint_metrics(self) -> None:
        with pytest.raises(MetricError, match="no metrics returned matched known pods"):
            calc.resource_replicas(1, 100, pods(1, requests=one(1)), samples([100], ["an-older-pod-name"]), "cpu", NOW)

    def test_empty_cpu_request(self) -> None:
        with pytest.raises(MetricError, match="missing request for cpu in container container0 of Pod test-pod-0"):
            calc.resource_replicas(1, 100, pods(1), samples([200]), "cpu", NOW)

    def test_no_pods(self) -> None:
        with pytest.raises(MetricError, match="no pods returned by selector while calculating replica count"):
            calc.resource_replicas(1, 100, [], {}, "cpu", NOW)

    def test_all_unready(self) -> None:
        with pytest.raises(MetricError, match=r"did not receive metrics for targeted pods \(pods might be unready\)"):
            calc.resource_replicas(2, 50, pods(2, requests=one(2), readiness=["False", "False"]),
                                   samples([100, 100]), "cpu", NOW)

    def test_computed_tolerance_alg_implementation(self) -> None:
        """TestReplicaCalcComputedToleranceAlgImplementation: just past the tolerance scales, just inside does not."""
        start, used = 10, 10 * 150
        requested = 2 * used
        per_pod = requested // start
        target = abs(1 / (2.0 * (1 - calc.TOLERANCE))) + .01
        final = math.ceil(used / (requested * target) * start)
        requests = [f"{per_pod + d}m" for d in (100, -100, 10, -10, 2, -2, 1, -1, 0, 0)]
        metrics = samples([used // 10] * 10, per_pod=1)
        two = pods(10, requests=requests)
        for p in two:  # one container of the pair: the case's requests are per pod
            p["spec"]["containers"] = p["spec"]["containers"][:1]
        replicas, util, _ = calc.resource_replicas(start, int(target * 100), two, metrics, "cpu", NOW)
        assert (replicas, util) == (final, used * 100 // requested)
        target = abs(1 / (2.0 * (1 - calc.TOLERANCE))) + .004
        assert calc.resource_replicas(start, int(target * 100), two, metrics, "cpu", NOW)[0] == start

    @pytest.mark.parametrize("utilization,expected", [
        pytest.param(54, 3, id="ratio-1.08-within"),
        # 55/50 is 1.1 in float64, and |1 - 1.1| is 0.10000000000000009 > 0.1: it scales, as upstream.
        pytest.param(55, 4, id="ratio-1.1-just-outside-in-float64"),
        pytest.param(45, 3, id="ratio-0.9-within"),
        pytest.param(44, 3, id="ratio-0.88-scales-down-to-ceil"),
    ])
    def test_tolerance_edges(self, utilization, expected) -> None:
        # No integer ratio makes |1 - r| exactly 0.1 in float64, so these are the nearest cases on each side.
        # Requests of 1000m per container: a level of `utilization * 10` is `utilization`%.
        got = calc.resource_replicas(3, 50, pods(3, requests=one(3)), samples([utilization * 10] * 3), "cpu", NOW)
        assert got[:2] == (expected, utilization)

    def test_missing_pods_count_at_the_target_when_it_is_above_100_percent(self) -> None:
        # 2 of 3 pods report 10% of a 150% target: missing pods count at 150%, not 100%.
        replicas, util, _ = calc.resource_replicas(3, 150, pods(3, requests=one(3)), samples([100, 100]), "cpu", NOW)
        # padded: (200 + 200 + 3000) / 6000 = 56% -> 0.37 -> ceil(1.12) = 2
        assert (replicas, util) == (2, 10)


PLAIN_CASES = [
    ("scale-up-cm", 3, [20000, 10000, 30000], 15000, 4, 20000, {}),
    ("scale-up-cm-unready-hot-cpu-no-less-scale", 3, [50000, 10000, 30000], 15000, 6, 30000,
     {"readiness": ["True", "True", "False"], "start": [COOL, COOL, HOT]}),
    ("scale-up-cm-unready-hot-cpu-scale-would-scale-down", 3, [50000, 15000, 30000], 15000, 7, 31666,
     {"readiness": ["False", "True", "False"], "start": [HOT, COOL, HOT]}),
    ("scale-down-cm", 5, [12000] * 5, 20000, 3, 12000, {}),
    ("tolerance-cm", 3, [20000, 21000, 21000], 20000, 3, 20666, {}),
]


class TestPlainMetricReplicas:
    @pytest.mark.parametrize("current,levels,target,expected,usage,kwargs",
                             [c[1:] for c in PLAIN_CASES], ids=[c[0] for c in PLAIN_CASES])
    def test_upstream_table(self, current, levels, target, expected, usage, kwargs) -> None:
        # Custom (pods) metrics ignore readiness: only the Pending rule applies.
        got = calc.plain_metric_replicas(current, target, pods(current, **kwargs), samples(levels, per_pod=1), "", NOW)
        assert got == (expected, usage)

    def test_missing_pods_count_at_the_target_on_a_scale_down(self) -> None:
        # 1 of 3 pods reports 5000 of a 10000 target: the others count at 10000 -> 25000/3 -> within? no: 0.83.
        got = calc.plain_metric_replicas(3, 10000, pods(3), samples([5000], per_pod=1), "", NOW)
        assert got == (3, 5000)


class TestObjectAndExternal:
    def test_scale_up_object(self) -> None:
        assert calc.usage_ratio_replica_count(3, 20000 / 15000, pods(3)) == 4

    def test_object_ignores_unready_pods(self) -> None:
        # TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods: 5, not 15.
        assert calc.usage_ratio_replica_count(3, 50000 / 10000, pods(3, readiness=["False", "True", "False"])) == 5

    def test_tolerance_object(self) -> None:
        assert calc.usage_ratio_replica_count(3, 20666 / 20000, pods(3)) == 3

    def test_scale_from_zero_uses_the_ratio_alone(self) -> None:
        assert calc.usage_ratio_replica_count(0, 2.5, []) == 3

    @pytest.mark.parametrize("status_replicas,target,usage,expected", [
        pytest.param(3, 5000, 20000, (4, 6667), id="scale-up-per-pod-object"),
        pytest.param(5, 2000, 6000, (3, 1200), id="scale-down-per-pod-object"),
        pytest.param(4, 5000, 20166, (4, 5042), id="tolerance-per-pod-object"),
    ])
    def test_per_pod_object(self, status_replicas, target, usage, expected) -> None:
        assert calc.object_per_pod_replicas(status_replicas, target, usage) == expected

    def test_external(self) -> None:
        # TestReplicaCalcScaleUpCMExternalIgnoresUnreadyPods: 2, not 6.
        assert calc.external_replicas(3, 4400, [8600], pods(3, readiness=["False", "True", "False"])) == (2, 8600)
        assert calc.external_replicas(5, 14334, [8600], pods(5)) == (3, 8600)
        assert calc.external_replicas(3, 8888, [8600], pods(3)) == (3, 8600)

    @pytest.mark.parametrize("status_replicas,target,values,expected", [
        pytest.param(3, 2150, [8600], (4, 2867), id="scale-up"),
        pytest.param(5, 2867, [8600], (3, 1720), id="scale-down"),
        pytest.param(3, 2900, [8600], (3, 2867), id="tolerance"),
    ])
    def test_external_per_pod(self, status_replicas, target, values, expected) -> None:
        assert calc.external_per_pod_replicas(status_replicas, target, values) == expected


def pod(name: str, phase: str = "Succeeded", start: float | None = None, ready: str | None = None,
        transition: float | None = None) -> dict:
    status: dict = {"phase": phase}
    if start is not None:
        status["startTime"] = stamp(start)
    if ready is not None:
        status["conditions"] = [{"type": "Ready", "status": ready,
                                 "lastTransitionTime": stamp(transition if transition is not None else 0)}]
    return {"metadata": {"name": name}, "status": status}


GROUP_CASES = [
    ("void", [], {}, "cpu", 0, set(), set()),
    ("count-in-a-ready-pod-memory", [pod("bentham")], {"bentham": PodMetric(1, NOW, 60)}, "memory", 1, set(), set()),
    ("ignore-a-pod-without-ready-condition-cpu", [pod("lucretius", start=NOW)], {"lucretius": PodMetric(1)}, "cpu",
     0, {"lucretius"}, set()),
    ("count-in-a-ready-pod-with-fresh-metrics-during-initialization-cpu",
     [pod("bentham", start=NOW - 60, ready="True", transition=NOW - 30)], {"bentham": PodMetric(1, NOW, 30)}, "cpu",
     1, set(), set()),
    ("ignore-a-ready-pod-without-fresh-metrics-during-initialization-cpu",
     [pod("bentham", start=NOW - 60, ready="True", transition=NOW - 30)], {"bentham": PodMetric(1, NOW, 60)}, "cpu",
     0, {"bentham"}, set()),
    ("ignore-an-unready-pod-during-initialization-cpu",
     [pod("lucretius", start=NOW - 240, ready="False", transition=NOW - 234)], {"lucretius": PodMetric(1)}, "cpu",
     0, {"lucretius"}, set()),
    ("count-in-a-ready-pod-without-fresh-metrics-after-initialization-cpu",
     [pod("bentham", start=NOW - 360, ready="True", transition=NOW - 360)],
     {"bentham": PodMetric(1, NOW - 120, 60)}, "cpu", 1, set(), set()),
    ("count-in-an-unready-pod-that-was-ready-after-initialization-cpu",
     [pod("lucretius", start=NOW - 600, ready="False", transition=NOW - 540)], {"lucretius": PodMetric(1)}, "cpu",
     1, set(), set()),
    ("ignore-pod-that-has-never-been-ready-after-initialization-cpu",
     [pod("lucretius", start=NOW - 600, ready="False", transition=NOW - 590)], {"lucretius": PodMetric(1)}, "cpu",
     0, {"lucretius"}, set()),
    ("a-missing-pod", [pod("epicurus", start=NOW - 180)], {}, "cpu", 0, set(), {"epicurus"}),
    ("pending-pods-are-unready", [pod("unscheduled", phase="Pending")], {}, "cpu", 0, {"unscheduled"}, set()),
]


class TestGroupPods:
    """TestGroupPods (with the 5 min initialization period and 30 s readiness delay of the controller's flags)."""

    @pytest.mark.parametrize("pods_,metrics,resource,ready,unready,missing", [c[1:] for c in GROUP_CASES],
                             ids=[c[0] for c in GROUP_CASES])
    def test_upstream_table(self, pods_, metrics, resource, ready, unready, missing) -> None:
        got = calc.group_pods(pods_, metrics, resource, NOW)
        assert (got.ready, set(got.unready), set(got.missing)) == (ready, unready, missing)

    def test_failed_and_deleted_pods_are_ignored(self) -> None:
        deleted = pod("gone", phase="Running", start=NOW - 600, ready="True")
        deleted["metadata"]["deletionTimestamp"] = stamp(NOW)
        got = calc.group_pods([pod("failed", phase="Failed"), deleted], {}, "cpu", NOW)
        assert set(got.ignored) == {"failed", "gone"}

    @pytest.mark.parametrize("started,unready", [
        pytest.param(NOW - 300, False, id="initialization-over-at-exactly-5m"),
        pytest.param(NOW - 299, True, id="initializing-one-second-before"),
    ])
    def test_initialization_period_edge(self, started, unready) -> None:
        # Ready for 10 s, sample window 15 s: stale while initializing, fine afterwards.
        p = pod("p", phase="Running", start=started, ready="True", transition=NOW - 10)
        got = calc.group_pods([p], {"p": PodMetric(1, NOW, 15)}, "cpu", NOW)
        assert ("p" in got.unready) is unready

    @pytest.mark.parametrize("transition,unready", [
        pytest.param(NOW - 600 + 30, False, id="ready-transition-at-exactly-30s-counts"),
        pytest.param(NOW - 600 + 29, True, id="transition-at-29s-never-ready"),
    ])
    def test_initial_readiness_delay_edge(self, transition, unready) -> None:
        p = pod("p", phase="Running", start=NOW - 600, ready="False", transition=transition)
        assert ("p" in calc.group_pods([p], {"p": PodMetric(1)}, "cpu", NOW).unready) is unready

    def test_sample_exactly_a_window_after_readiness_counts(self) -> None:
        p = pod("p", phase="Running", start=NOW - 60, ready="True", transition=NOW - 15)
        assert calc.group_pods([p], {"p": PodMetric(1, NOW, 15)}, "cpu", NOW).ready == 1
        assert calc.group_pods([p], {"p": PodMetric(1, NOW - 1, 15)}, "cpu", NOW).ready == 0


class TestUtilization:
    def test_utilization_is_truncated_before_the_ratio(self) -> None:
        # 299/1000 = 29.9% -> 29: the ratio uses 29, not 29.9.
        ratio, utilization, raw = calc.resource_utilization_ratio({"a": PodMetric(299)}, {"a": 1000}, 10)
        assert (ratio, utilization, raw) == (2.9, 29, 299)

    def test_average_usage_is_integer_division(self) -> None:
        assert calc.metric_usage_ratio({"a": PodMetric(1), "b": PodMetric(2)}, 1) == (1.0, 1)
