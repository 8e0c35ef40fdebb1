"""The leader-election decision as a pure function: client-go's tryAcquireOrRenew at every boundary."""
from __future__ import annotations

import pytest

from litekube.runtime import electing
from litekube.runtime.electing import Observation, Record, Timing, Verdict, decide

T0 = 1_800_000_000.0  # 2027-01-15T08:00:00Z
TICK = 1e-6  # a MicroTime's resolution
TIMING = Timing()


def spec(holder: str, renew: float = T0, acquire: float = T0 - 100, duration: int = 15, transitions: int = 3) -> dict:
    return Record(holder, duration, acquire, renew, transitions).spec()


class TestCreate:
    def test_no_lease_creates_it_holding_it(self):
        d = decide(None, False, T0, "me", TIMING, None)
        assert (d.verdict, d.record) == (Verdict.CREATE, Record("me", 15, T0, T0, 0))
        assert d.record.spec() == {"holderIdentity": "me", "leaseDurationSeconds": 15,
                                   "acquireTime": "2027-01-15T08:00:00.000000Z",
                                   "renewTime": "2027-01-15T08:00:00.000000Z", "leaseTransitions": 0}

    def test_the_record_carries_whole_seconds_of_the_lease_duration(self):
        assert decide(None, False, T0, "me", Timing(15.9, 10, 2), None).record.lease_duration_seconds == 15


class TestAnotherHolder:
    def test_first_sight_waits_a_full_lease_duration_whatever_the_renew_time_says(self):
        d = decide(spec("other", renew=T0 - 3600), True, T0, "me", TIMING, None)
        assert (d.verdict, d.observed, d.previous) == (Verdict.HELD, Observation(Record.of(spec("other", renew=T0 - 3600)), T0),
                                                       "other")

    @pytest.mark.parametrize("now, verdict", [
        (T0 + 15 - TICK, Verdict.HELD),      # one tick before expiry
        (T0 + 15, Verdict.ACQUIRE),          # exactly at expiry: observed + duration is no longer after now
        (T0 + 15 + TICK, Verdict.ACQUIRE),
    ], ids=["one-tick-before", "exactly-at-expiry", "one-tick-after"])
    def test_expiry_is_observed_time_plus_the_records_duration(self, now, verdict):
        observed = Observation(Record.of(spec("other")), T0)
        assert decide(spec("other"), True, now, "me", TIMING, observed).verdict is verdict

    def test_the_records_duration_counts_not_the_candidates(self):
        observed = Observation(Record.of(spec("other", duration=40)), T0)
        assert decide(spec("other", duration=40), True, T0 + 39, "me", TIMING, observed).verdict is Verdict.HELD
        assert decide(spec("other", duration=40), True, T0 + 40, "me", TIMING, observed).verdict is Verdict.ACQUIRE

    def test_a_renewal_seen_restarts_the_wait(self):
        observed = Observation(Record.of(spec("other")), T0)
        renewed = spec("other", renew=T0 + 2)
        d = decide(renewed, True, T0 + 15, "me", TIMING, observed)
        assert (d.verdict, d.observed.time) == (Verdict.HELD, T0 + 15)
        assert decide(renewed, True, T0 + 30 - TICK, "me", TIMING, d.observed).verdict is Verdict.HELD
        assert decide(renewed, True, T0 + 30, "me", TIMING, d.observed).verdict is Verdict.ACQUIRE

    def test_taking_over_counts_a_transition_and_sets_acquire_time(self):
        observed = Observation(Record.of(spec("other")), T0)
        d = decide(spec("other"), True, T0 + 20, "me", TIMING, observed)
        assert d.record == Record("me", 15, T0 + 20, T0 + 20, 4)

    def test_a_holder_whose_process_is_gone_is_taken_over_at_once(self):
        d = decide(spec("other"), True, T0, "me", TIMING, None, holder_gone=True)
        assert (d.verdict, d.record.transitions, d.previous) == (Verdict.ACQUIRE, 4, "other")


class TestFreeAndMine:
    def test_an_empty_holder_is_free_at_once(self):
        d = decide(electing.released(Record.of(spec("old")), T0).spec(), True, T0, "me", TIMING, None)
        assert (d.verdict, d.record, d.previous) == (Verdict.ACQUIRE, Record("me", 15, T0, T0, 4), "")

    @pytest.mark.parametrize("now", [T0 + 1, T0 + 15, T0 + 3600], ids=["valid", "at-expiry", "long-expired"])
    def test_the_holder_renews_keeping_acquire_time_and_transitions(self, now):
        observed = Observation(Record.of(spec("me")), T0)
        d = decide(spec("me"), True, now, "me", TIMING, observed)
        assert (d.verdict, d.record) == (Verdict.RENEW, Record("me", 15, T0 - 100, now, 3))

    def test_release_writes_an_empty_holder_for_one_second(self):
        assert electing.released(Record.of(spec("me")), T0).spec() == {
            "holderIdentity": "", "leaseDurationSeconds": 1, "acquireTime": "2027-01-15T08:00:00.000000Z",
            "renewTime": "2027-01-15T08:00:00.000000Z", "leaseTransitions": 3}

    @pytest.mark.parametrize("bad", [{}, {"holderIdentity": 7, "leaseDurationSeconds": "15", "renewTime": "soon",
                                          "leaseTransitions": True}], ids=["empty", "mistyped"])
    def test_unreadable_fields_read_as_zero_values(self, bad):
        assert Record.of(bad) == Record("", 0, None, None, 0)
        assert decide(bad, True, T0, "me", TIMING, None).verdict is Verdict.ACQUIRE


class TestFence:
    @pytest.mark.parametrize("now, held", [
        (T0 + 15 - TICK, True), (T0 + 15, False)], ids=["one-tick-before-expiry", "exactly-at-expiry"])
    def test_holding_ends_exactly_at_renew_time_plus_duration(self, now, held):
        assert electing.holds(spec("me"), "me", now) is held

    def test_another_holder_or_no_renew_time_holds_nothing(self):
        assert not electing.holds(spec("other"), "me", T0)
        assert not electing.holds({"holderIdentity": "me", "leaseDurationSeconds": 15}, "me", T0)
        assert not electing.holds(None, "me", T0)

    def test_live_needs_a_holder(self):
        assert electing.live(spec("a"), T0 + 14)
        assert not electing.live(spec("a"), T0 + 15)
        assert not electing.live(electing.released(Record.of(spec("a")), T0).spec(), T0)


class TestTimers:
    @pytest.mark.parametrize("now, given_up", [
        (T0 + 10 - TICK, False), (T0 + 10, True)], ids=["one-tick-before-deadline", "at-the-deadline"])
    def test_a_holder_stops_leading_at_the_renew_deadline(self, now, given_up):
        assert electing.renew_given_up(T0, now, TIMING) is given_up

    @pytest.mark.parametrize("fraction, wait", [(0.0, 2.0), (0.5, 3.2), (0.999, 2.0 + 0.999 * 2.4)])
    def test_candidates_retry_after_a_jittered_period(self, fraction, wait):
        assert electing.jittered(2.0, fraction) == pytest.approx(wait)


class TestTiming:
    def test_the_defaults_are_upstreams_and_sound(self):
        assert (TIMING.lease_duration, TIMING.renew_deadline, TIMING.retry_period, TIMING.problems()) == (
            15.0, 10.0, 2.0, [])

    @pytest.mark.parametrize("timing, problem", [
        (Timing(10, 10, 2), "--leader-elect-lease-duration must be greater than --leader-elect-renew-deadline "
                            "(leaseDuration must be greater than renewDeadline)"),
        (Timing(15, 2.4, 2), "--leader-elect-renew-deadline must be greater than --leader-elect-retry-period "
                             "times 1.2 (renewDeadline must be greater than retryPeriod*JitterFactor)"),
        (Timing(15, 10, 0), "--leader-elect-retry-period must be greater than zero"),
        (Timing(0.5, 0.3, 0.1), "--leader-elect-lease-duration must be at least 1s (leaseDurationSeconds is "
                                "whole seconds)"),
    ], ids=["lease-equals-renew", "renew-equals-retry-times-jitter", "zero-retry", "sub-second-lease"])
    def test_what_new_leader_elector_refuses(self, timing, problem):
        assert problem in timing.problems()

    def test_just_above_each_bound_is_sound(self):
        assert Timing(10.001, 10, 2).problems() == []
        assert Timing(15, 2.401, 2).problems() == []


class TestMicroTime:
    @pytest.mark.parametrize("seconds, text", [
        (T0, "2027-01-15T08:00:00.000000Z"), (T0 + 0.000001, "2027-01-15T08:00:00.000001Z"),
        (T0 + 0.9999996, "2027-01-15T08:00:01.000000Z")], ids=["whole", "one-microsecond", "rounds-up"])
    def test_microtime_has_six_digits(self, seconds, text):
        assert electing.microtime(seconds) == text
        assert electing.parse_microtime(text) == pytest.approx(seconds, abs=1e-6)

    def test_a_bad_time_reads_as_none(self):
        assert electing.parse_microtime("yesterday") is None and electing.parse_microtime(None) is None
