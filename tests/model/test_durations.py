"""Durations and timestamps: HumanDuration (kubectl-wire 4.5), RFC 3339, Go durations."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from litekube.model import durations

NOW = datetime(2026, 11, 27, 2, 15, 5, tzinfo=timezone.utc)


class TestHumanDuration:
    @pytest.mark.parametrize("seconds, expected", [
        pytest.param(-5, "<invalid>", id="future-beyond-1s"),
        pytest.param(-1.5, "0s", id="future-within-1s"),
        pytest.param(0, "0s", id="zero"),
        pytest.param(1, "1s", id="one-second"),
        pytest.param(119, "119s", id="under-2m-in-seconds"),
        pytest.param(120, "2m", id="2m-exact"),
        pytest.param(125, "2m5s", id="minutes-and-seconds"),
        pytest.param(599, "9m59s", id="under-10m"),
        pytest.param(600, "10m", id="10m"),
        pytest.param(3 * 3600 - 1, "179m", id="under-3h-in-minutes"),
        pytest.param(3 * 3600, "3h", id="3h"),
        pytest.param(3 * 3600 + 5 * 60, "3h5m", id="hours-and-minutes"),
        pytest.param(8 * 3600, "8h", id="8h"),
        pytest.param(47 * 3600 + 59 * 60, "47h", id="under-48h-in-hours"),
        pytest.param(48 * 3600, "2d", id="2d"),
        pytest.param(3 * 86400 + 4 * 3600, "3d4h", id="days-and-hours"),
        pytest.param(8 * 86400, "8d", id="8d"),
        pytest.param(729 * 86400, "729d", id="under-2y-in-days"),
        pytest.param(730 * 86400, "2y", id="2y"),
        pytest.param(3 * 365 * 86400 + 10 * 86400, "3y10d", id="years-and-days"),
        pytest.param(8 * 365 * 86400, "8y", id="8y"),
        pytest.param(20 * 365 * 86400 + 5 * 86400, "20y", id="long-ago"),
    ])
    def test_renders_like_apimachinery(self, seconds: float, expected: str) -> None:
        assert durations.human_duration(seconds) == expected


class TestAge:
    @pytest.mark.parametrize("timestamp, expected", [
        pytest.param("2026-11-27T02:14:05Z", "60s", id="one-minute"),
        pytest.param("2026-11-27T02:10:05Z", "5m", id="five-minutes"),
        pytest.param("2026-11-26T02:15:05Z", "24h", id="one-day"),
        pytest.param(None, "<unknown>", id="missing"),
        pytest.param("", "<unknown>", id="empty"),
    ])
    def test_age_cell(self, timestamp: str | None, expected: str) -> None:
        assert durations.age(timestamp, NOW) == expected


class TestTimestamps:
    @pytest.mark.parametrize("text", [
        pytest.param("2026-11-27T02:15:05Z", id="utc-z"),
        pytest.param("2026-11-27T02:15:05.123456Z", id="micro-time"),
        pytest.param("2026-11-27T03:15:05+01:00", id="offset"),
    ])
    def test_parse_then_format_is_utc_whole_seconds(self, text: str) -> None:
        assert durations.format_time(durations.parse_time(text)) == "2026-11-27T02:15:05Z"

    @pytest.mark.parametrize("text", [pytest.param("yesterday", id="words"),
                                      pytest.param("2026-11-27", id="date-only")])
    def test_parse_rejects_non_rfc3339(self, text: str) -> None:
        with pytest.raises(ValueError):
            durations.parse_time(text)

    def test_rfc1123z_as_describe_prints(self) -> None:
        assert durations.format_rfc1123z("2026-11-27T02:15:05Z") == "Fri, 27 Nov 2026 02:15:05 +0000"


class TestParseDuration:
    @pytest.mark.parametrize("text, seconds", [
        pytest.param("30s", 30.0, id="seconds"),
        pytest.param("5m", 300.0, id="minutes"),
        pytest.param("1h30m", 5400.0, id="compound"),
        pytest.param("500ms", 0.5, id="milliseconds"),
        pytest.param("1.5h", 5400.0, id="fraction"),
        pytest.param("-2s", -2.0, id="negative"),
        pytest.param("0", 0.0, id="bare-zero"),
    ])
    def test_go_durations(self, text: str, seconds: float) -> None:
        assert durations.parse_duration(text) == pytest.approx(seconds)

    @pytest.mark.parametrize("text", [pytest.param("", id="empty"), pytest.param("5", id="no-unit"),
                                      pytest.param("5d", id="days"), pytest.param("abc", id="garbage")])
    def test_rejects_what_go_rejects(self, text: str) -> None:
        with pytest.raises(ValueError):
            durations.parse_duration(text)


def test_public_surface() -> None:
    assert set(durations.__all__) >= {"human_duration", "age", "parse_time", "format_time", "parse_duration"}
