"""Cron schedules: robfig/cron v3's ParseStandard and Next, with upstream's test tables (spec_test.go)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from litekube.model import cron


def _t(text: str) -> float:
    """`Mon Jul 9 14:45 2012` (UTC) or `2012-03-11T00:00:00-0500`."""
    for layout in ("%a %b %d %H:%M %Y", "%a %b %d %H:%M:%S %Y"):
        try:
            return datetime.strptime(text, layout).replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            pass
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z").timestamp()


class TestActivation:
    """TestActivation: does the schedule fire at exactly that time?"""

    @pytest.mark.parametrize("when,spec,fires", [
        ("Mon Jul 9 15:00 2012", "0/15 * * * *", True),
        ("Mon Jul 9 15:45 2012", "0/15 * * * *", True),
        ("Mon Jul 9 15:40 2012", "0/15 * * * *", False),
        ("Mon Jul 9 15:05 2012", "5/15 * * * *", True),
        ("Mon Jul 9 15:20 2012", "5/15 * * * *", True),
        ("Mon Jul 9 15:50 2012", "5/15 * * * *", True),
        ("Sun Jul 15 15:00 2012", "0/15 * * Jul *", True),
        ("Sun Jul 15 15:00 2012", "0/15 * * Jun *", False),
        ("Sun Jul 15 08:30 2012", "30 08 ? Jul Sun", True),
        ("Sun Jul 15 08:30 2012", "30 08 15 Jul ?", True),
        ("Mon Jul 16 08:30 2012", "30 08 ? Jul Sun", False),
        ("Mon Jul 16 08:30 2012", "30 08 15 Jul ?", False),
        ("Mon Jul 9 15:00 2012", "@hourly", True),
        ("Mon Jul 9 15:04 2012", "@hourly", False),
        ("Mon Jul 9 15:00 2012", "@daily", False),
        ("Mon Jul 9 00:00 2012", "@daily", True),
        ("Mon Jul 9 00:00 2012", "@weekly", False),
        ("Sun Jul 8 00:00 2012", "@weekly", True),
        ("Sun Jul 8 01:00 2012", "@weekly", False),
        ("Sun Jul 8 00:00 2012", "@monthly", False),
        ("Sun Jul 1 00:00 2012", "@monthly", True),
        # Both day fields restricted: either may match.
        ("Sun Jul 15 00:00 2012", "* * 1,15 * Sun", True),
        ("Fri Jun 15 00:00 2012", "* * 1,15 * Sun", True),
        ("Wed Aug 1 00:00 2012", "* * 1,15 * Sun", True),
        ("Sun Jul 15 00:00 2012", "* * */10 * Sun", True),
        # One of them starred: both must match.
        ("Sun Jul 15 00:00 2012", "* * * * Mon", False),
        ("Mon Jul 9 00:00 2012", "* * 1,15 * *", False),
        ("Sun Jul 15 00:00 2012", "* * 1,15 * *", True),
        ("Sun Jul 15 00:00 2012", "* * */2 * Sun", True),
    ])
    def test_fires(self, when, spec, fires):
        t = _t(when)
        assert (cron.parse(spec).next(t - 1) == t) is fires


class TestNext:
    """TestNext (the five-field cases; seconds are always 0 in a standard schedule)."""

    @pytest.mark.parametrize("when,spec,expected", [
        ("Mon Jul 9 14:45 2012", "0/15 * * * *", "Mon Jul 9 15:00 2012"),
        ("Mon Jul 9 14:59 2012", "0/15 * * * *", "Mon Jul 9 15:00 2012"),
        ("Mon Jul 9 14:59:59 2012", "0/15 * * * *", "Mon Jul 9 15:00 2012"),
        ("Mon Jul 9 15:45 2012", "20-35/15 * * * *", "Mon Jul 9 16:20 2012"),
        ("Mon Jul 9 23:46 2012", "*/15 * * * *", "Tue Jul 10 00:00 2012"),
        ("Mon Jul 9 23:45 2012", "20-35/15 * * * *", "Tue Jul 10 00:20 2012"),
        ("Mon Jul 9 23:35 2012", "0 0 9 Apr-Oct ?", "Thu Aug 9 00:00 2012"),
        ("Mon Jul 9 23:35 2012", "0 0 */5 Apr,Aug,Oct Mon", "Wed Aug 1 00:00 2012"),
        ("Mon Jul 9 23:35 2012", "0 0 */5 Oct Mon", "Mon Oct 1 00:00 2012"),
        ("Mon Jul 9 23:35 2012", "0 0 * Feb Mon", "Mon Feb 4 00:00 2013"),
        ("Mon Jul 9 23:35 2012", "0 0 * Feb Mon/2", "Fri Feb 1 00:00 2013"),
        ("Mon Dec 31 23:59:45 2012", "* * * * *", "Tue Jan 1 00:00:00 2013"),
        ("Mon Jul 9 23:35 2012", "0 0 29 Feb ?", "Mon Feb 29 00:00 2016"),
        # Daylight saving in New York, 2 am EST -> 3 am EDT: the 2:30 that does not exist is skipped.
        ("2012-03-11T00:00:00-0500", "TZ=America/New_York 30 2 11 Mar ?", "2013-03-11T02:30:00-0400"),
        ("2012-03-11T00:00:00-0500", "TZ=America/New_York 0 * * * ?", "2012-03-11T01:00:00-0500"),
        ("2012-03-11T01:00:00-0500", "TZ=America/New_York 0 * * * ?", "2012-03-11T03:00:00-0400"),
        ("2012-03-11T03:00:00-0400", "TZ=America/New_York 0 * * * ?", "2012-03-11T04:00:00-0400"),
        ("2012-03-11T01:00:00-0500", "CRON_TZ=America/New_York 0 * * * ?", "2012-03-11T03:00:00-0400"),
        ("2012-03-11T00:00:00-0500", "TZ=America/New_York 0 1 * * ?", "2012-03-11T01:00:00-0500"),
        ("2012-03-11T01:00:00-0500", "TZ=America/New_York 0 1 * * ?", "2012-03-12T01:00:00-0400"),
        ("2012-03-11T00:00:00-0500", "TZ=America/New_York 0 2 * * ?", "2012-03-12T02:00:00-0400"),
        # 2 am EDT -> 1 am EST: the 1 am hour happens twice, and so does a 1 am job.
        ("2012-11-04T00:00:00-0400", "TZ=America/New_York 30 2 04 Nov ?", "2012-11-04T02:30:00-0500"),
        ("2012-11-04T01:45:00-0400", "TZ=America/New_York 30 1 04 Nov ?", "2012-11-04T01:30:00-0500"),
        ("2012-11-04T00:00:00-0400", "TZ=America/New_York 0 * * * ?", "2012-11-04T01:00:00-0400"),
        ("2012-11-04T01:00:00-0400", "TZ=America/New_York 0 * * * ?", "2012-11-04T01:00:00-0500"),
        ("2012-11-04T01:00:00-0500", "TZ=America/New_York 0 * * * ?", "2012-11-04T02:00:00-0500"),
        ("2012-11-04T01:00:00-0400", "TZ=America/New_York 0 1 * * ?", "2012-11-04T01:00:00-0500"),
        ("2012-11-04T01:00:00-0500", "TZ=America/New_York 0 1 * * ?", "2012-11-05T01:00:00-0500"),
        ("2012-11-04T00:00:00-0400", "TZ=America/New_York 0 2 * * ?", "2012-11-04T02:00:00-0500"),
        ("2012-11-04T00:00:00-0400", "TZ=America/New_York 0 3 * * ?", "2012-11-04T03:00:00-0500"),
        # Sao Paulo's DST turned midnight into 1 am (robfig/cron#157).
        ("2018-10-17T05:00:00-0400", "TZ=America/Sao_Paulo 0 9 10 * ?", "2018-11-10T06:00:00-0500"),
        ("2018-02-14T05:00:00-0500", "TZ=America/Sao_Paulo 0 9 22 * ?", "2018-02-22T07:00:00-0500"),
        # Predefined schedules.
        ("Mon Jul 9 23:35 2012", "@yearly", "Tue Jan 1 00:00 2013"),
        ("Mon Jul 9 23:35 2012", "@annually", "Tue Jan 1 00:00 2013"),
        ("Mon Jul 9 23:35 2012", "@monthly", "Wed Aug 1 00:00 2012"),
        ("Mon Jul 9 23:35 2012", "@weekly", "Sun Jul 15 00:00 2012"),
        ("Mon Jul 9 23:35 2012", "@daily", "Tue Jul 10 00:00 2012"),
        ("Mon Jul 9 23:35 2012", "@midnight", "Tue Jul 10 00:00 2012"),
        ("Mon Jul 9 23:35 2012", "@hourly", "Tue Jul 10 00:00 2012"),
        ("Mon Jul 9 23:35 2012", "@every 90m", "Tue Jul 10 01:05 2012"),
    ])
    def test_next(self, when, spec, expected):
        assert cron.parse(spec).next(_t(when)) == _t(expected)

    @pytest.mark.parametrize("spec", ["0 0 30 Feb ?", "0 0 31 Apr ?", "59 23 31 2 *"])
    def test_unsatisfiable_is_none(self, spec):
        """Nothing within five years: Go's zero time."""
        assert cron.parse(spec).next(_t("Mon Jul 9 23:35 2012")) is None

    def test_next_is_strictly_after(self):
        t = _t("Mon Jul 9 15:00 2012")
        assert cron.parse("0 * * * *").next(t) == t + 3600
        assert cron.parse("0 * * * *").next(t - 0.5) == t

    @pytest.mark.parametrize("spec,delay", [("@every 1h", 3600), ("@every 1500ms", 1), ("@every 10ms", 1),
                                            ("@every 2m30s", 150)])
    def test_every_rounds_down_to_seconds(self, spec, delay):
        assert cron.parse(spec).next(100.7) == 100 + delay


class TestErrors:
    @pytest.mark.parametrize("spec,message", [
        ("xyz", "expected exactly 5 fields, found 1: [xyz]"),
        ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
        ("* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"),
        ("60 0 * * *", "end of range (60) above maximum (59): 60"),
        ("0 24 * * *", "end of range (24) above maximum (23): 24"),
        ("0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("0 0 * 13 *", "end of range (13) above maximum (12): 13"),
        ("0 0 * * 7", "end of range (7) above maximum (6): 7"),
        ("0 0 * * XYZ", 'failed to parse int from XYZ: strconv.Atoi: parsing "XYZ": invalid syntax'),
        ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
        ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
        ("*/2/3 * * * *", "too many slashes: */2/3"),
        ("15/0 * * * *", "step of range should be a positive number: 15/0"),
        ("-1 * * * *", 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'),
        ("@fortnightly", "unrecognized descriptor: @fortnightly"),
        ("@every soon", 'failed to parse duration @every soon: time: invalid duration "soon"'),
        ("TZ=Mars/Olympus * * * * *", "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"),
        ("", "empty spec string"),
    ])
    def test_message(self, spec, message):
        with pytest.raises(cron.CronError) as exc:
            cron.parse(spec)
        assert str(exc.value) == message

    def test_names_are_case_insensitive(self):
        assert cron.parse("0 0 * JAN-mar sun") == cron.parse("0 0 * 1-3 0")


class TestLocations:
    def test_utc_and_empty_are_utc(self):
        assert cron.load_location("") is cron.UTC and cron.load_location("UTC") is cron.UTC

    @pytest.mark.parametrize("name,message", [("Nowhere/City", "unknown time zone Nowhere/City"),
                                              ("../etc/passwd", "time: invalid location name")])
    def test_unknown(self, name, message):
        with pytest.raises(cron.CronError, match=message):
            cron.load_location(name)

    def test_go_date_resolves_a_missing_local_time_as_go_does(self):
        """time.Date(2024, 3, 10, 2, 30) in New York (no such time) is 01:30 EST, as in Go."""
        ny = cron.load_location("America/New_York")
        assert cron.go_date(2024, 3, 10, 2, 30, 0, ny) == _t("2024-03-10T01:30:00-0500")

    def test_go_date_normalizes_overflow(self):
        assert cron.go_date(2024, 13, 32, 0, 0, 0, cron.UTC) == _t("2025-02-01T00:00:00+0000")
