"""The Job controller's helpers against upstream's unit-test tables: indexes, back-off, failure and success policies."""
from __future__ import annotations

import pytest

from litekube.reconcile.job import backoff, indexes, policies
from tests.reconcile.job_fixtures import NOW, pod


class TestIntervals:
    @pytest.mark.parametrize("text,completions,want", [
        ("", 5, []), ("0", 5, [(0, 0)]), ("0-2,5", 10, [(0, 2), (5, 5)]), ("0,1,2", 5, [(0, 2)]),
        ("1-3,x,5", 10, [(1, 3), (5, 5)]), ("0-7", 5, [(0, 4)]), ("3,7,9", 5, [(3, 3)]), ("2-1", 5, [(2, 1)]),
    ])
    def test_parse(self, text, completions, want):
        assert indexes.parse(text, completions) == want

    @pytest.mark.parametrize("intervals,text", [([], ""), ([(0, 0)], "0"), ([(3, 4)], "3,4"),
                                                ([(0, 2), (5, 9)], "0-2,5-9")])
    def test_format(self, intervals, text):
        assert indexes.format_intervals(intervals) == text

    def test_merge_joins_neighbours(self):
        assert indexes.with_indexes([(0, 1), (5, 5)], [2, 4, 9]) == [(0, 2), (4, 5), (9, 9)]
        assert indexes.merge([(0, 3)], [(1, 2), (4, 6)]) == [(0, 6)]

    @pytest.mark.parametrize("count,completions,busy,want", [
        (2, 5, [], [0, 1]), (3, 5, [(0, 0), (2, 2)], [1, 3, 4]), (5, 3, [(1, 1)], [0, 2]), (0, 5, [], []),
        (2, 20, [(0, 0), (2, 5), (7, 9)], [1, 6]),
    ])
    def test_first_pending(self, count, completions, busy, want):
        assert indexes.first_pending(count, completions, busy) == want

    @pytest.mark.parametrize("value,index", [("3", 3), ("-1", -1), ("x", -1), (None, -1)])
    def test_completion_index(self, value, index):
        assert indexes.completion_index(pod(index=value) if value is not None else pod()) == index


class TestBackoffRecord:
    """TestNewBackoffRecord (whole seconds)."""

    @pytest.mark.parametrize("succeeded,failed,want", [
        ([], [0], backoff.Record(1, NOW)),
        ([], [0, -1], backoff.Record(2, NOW)),
        ([0], [-2, -1], backoff.Record()),
        ([-2], [0, -4, -3, -1], backoff.Record(2, NOW)),
        ([], [-3, -2, 0], backoff.Record(3, NOW)),
        ([0], [0], backoff.Record()),
        ([], [], backoff.Record()),
        ([0], [], backoff.Record()),
    ])
    def test_record(self, succeeded, failed, want):
        got = backoff.record([pod("Succeeded", finished=NOW + t) for t in succeeded],
                             [pod("Failed", finished=NOW + t) for t in failed])
        assert got == want

    @pytest.mark.parametrize("failures,elapsed,want", [
        (0, 0, 0), (1, 0, 5), (1, 1, 4), (1, 5, 0), (1, 6, 0), (3, 0, 20), (8, 0, 640), (9, 0, 700),
    ])
    def test_remaining_time(self, failures, elapsed, want):
        """TestGetRemainingBackoffTime: default 5 s, max 700 s."""
        assert backoff.remaining_for_count(NOW + elapsed, failures, NOW if failures else None, 5, 700) == want

    def test_finished_time(self):
        """TestGetFinishedTime: containers, then Ready=False, then deletion less grace, then creation."""
        running = pod("Running", deleting=True)
        running["status"]["conditions"] = []
        assert backoff.finished_time(running) == NOW - 1 - 30
        done = pod("Failed", finished=NOW - 7)
        assert backoff.finished_time(done) == NOW - 7
        unfinished = pod("Running")
        assert backoff.finished_time(unfinished) == NOW - 30  # the Ready=False condition's transition


class TestPodFailurePolicy:
    POLICY = {"rules": [
        {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]},
        {"action": "FailJob", "onExitCodes": {"containerName": "main", "operator": "In", "values": [1, 2, 3]}},
        {"action": "Count", "onExitCodes": {"operator": "NotIn", "values": [5]}},
    ]}

    def test_no_policy_counts(self):
        assert policies.match_pod_failure_policy(None, pod("Failed")) == (None, True, None)

    def test_condition_rule_first(self):
        disrupted = pod("Failed", exit_code=1, container="main",
                        conditions=[{"type": "DisruptionTarget", "status": "True"}])
        assert policies.match_pod_failure_policy(self.POLICY, disrupted) == (None, False, "Ignore")

    def test_fail_job_message(self):
        failed = pod("Failed", exit_code=2, container="main", name="pi-x")
        assert policies.match_pod_failure_policy(self.POLICY, failed) == (
            "Container main for pod default/pi-x failed with exit code 2 matching FailJob rule at index 1", True,
            "FailJob")

    def test_not_in(self):
        assert policies.match_pod_failure_policy(self.POLICY, pod("Failed", exit_code=4)) == (None, True, "Count")
        assert policies.match_pod_failure_policy(self.POLICY, pod("Failed", exit_code=5)) == (None, True, None)

    def test_exit_code_zero_never_matches(self):
        rule = {"rules": [{"action": "FailJob", "onExitCodes": {"operator": "NotIn", "values": [1]}}]}
        assert policies.match_pod_failure_policy(rule, pod("Failed", exit_code=0)) == (None, True, None)

    def test_condition_fail_job_message(self):
        rule = {"rules": [{"action": "FailJob", "onPodConditions": [{"type": "ConfigIssue", "status": "True"}]}]}
        failed = pod("Failed", name="pi-c", conditions=[{"type": "ConfigIssue", "status": "True"}])
        assert policies.match_pod_failure_policy(rule, failed)[0] == (
            "Pod default/pi-c has condition ConfigIssue matching FailJob rule at index 0")


class TestSuccessPolicy:
    @pytest.mark.parametrize("rules,succeeded,met", [
        ([{"succeededIndexes": "0-2"}], [(0, 2)], "Matched rules at index 0"),
        ([{"succeededIndexes": "0-2"}], [(0, 1)], None),
        ([{"succeededIndexes": "0-4", "succeededCount": 2}], [(1, 1), (3, 3)], "Matched rules at index 0"),
        ([{"succeededCount": 3}], [(0, 0), (5, 6)], "Matched rules at index 0"),
        ([{"succeededCount": 4}, {"succeededIndexes": "5"}], [(0, 0), (5, 6)], "Matched rules at index 1"),
        ([{"succeededIndexes": "9"}], [(0, 3)], None),
        ([{"succeededCount": 1}], [], None),
    ])
    def test_match(self, rules, succeeded, met):
        message, ok = policies.match_success_policy({"rules": rules}, 10, succeeded)
        assert (message if ok else None) == met
