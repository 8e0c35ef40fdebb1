"""Cron schedules as the CronJob controller reads them: robfig/cron v3's ParseStandard and Next.

No I/O happens here beyond reading the time zone database through
`zoneinfo`, as Go's `time.LoadLocation` reads it. `parse(spec)` accepts
what `cron.ParseStandard` accepts: five fields (minute, hour, day of
month, month, day of week) with `*`, `?`, ranges `a-b`, steps `/n`, lists
and the names `jan`..`dec`, `sun`..`sat`; the descriptors `@yearly`,
`@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly` and
`@every <duration>`; and a `TZ=` or `CRON_TZ=` prefix. Errors carry
robfig's wording. `Schedule.next(t)` is robfig's `Next`, including its
day-of-month/day-of-week rule (either field starred: both must match;
else either) and its daylight-saving handling, computed with Go's
`time.Date` normalization so that nonexistent local times resolve as in Go.

Times are seconds since the epoch; a schedule that finds no time within
five years returns None (Go's zero time).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from litekube.model import durations

__all__ = ["CronError", "Schedule", "SpecSchedule", "ConstantDelaySchedule", "parse", "load_location", "go_date",
           "UTC"]

UTC = timezone.utc
_STAR = 1 << 63
_MONTHS = {name: i + 1 for i, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_DAYS = {name: i for i, name in enumerate("sun mon tue wed thu fri sat".split())}


class CronError(ValueError):
    """A schedule robfig/cron refuses; the message is robfig's."""


@dataclass(frozen=True)
class _Bounds:
    low: int
    high: int
    names: dict[str, int] | None = None


_SECONDS = _Bounds(0, 59)
_MINUTES = _Bounds(0, 59)
_HOURS = _Bounds(0, 23)
_DOM = _Bounds(1, 31)
_MONTH = _Bounds(1, 12, _MONTHS)
_DOW = _Bounds(0, 6, _DAYS)


def load_location(name: str) -> timezone | ZoneInfo:
    """Go's time.LoadLocation: "" and "UTC" are UTC; raises CronError `unknown time zone X` otherwise.

    ("Local" is the controller's zone: UTC here, as on a kind cluster.)
    """
    if name in ("", "UTC", "Local"):
        return UTC
    if ".." in name or name.startswith(("/", "\\")):
        raise CronError("time: invalid location name")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise CronError(f"unknown time zone {name}") from None


# -- Go time, at second granularity --------------------------------------------------

def _offset(loc, unix: int) -> int:
    return int(datetime.fromtimestamp(unix, loc).utcoffset().total_seconds())


def _fields(loc, unix: int) -> datetime:
    return datetime.fromtimestamp(unix, loc)


def go_date(year: int, month: int, day: int, hour: int, minute: int, second: int, loc) -> int:
    """time.Date: fields normalized as Go normalizes them, the zone offset chosen as Go chooses it."""
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    naive = datetime(year, month, 1) + timedelta(days=day - 1, hours=hour, minutes=minute, seconds=second)
    unix = int((naive - datetime(1970, 1, 1)).total_seconds())
    offset = _offset(loc, unix)
    if offset:
        utc = unix - offset
        # Go looks the offset up at the local time read as UTC; if the result
        # falls in another zone period, the offset there wins.
        if _offset(loc, utc) != offset:
            offset = _offset(loc, utc)
        unix -= offset
    return unix


def _add_date(loc, unix: int, months: int = 0, days: int = 0) -> int:
    t = _fields(loc, unix)
    return go_date(t.year, t.month + months, t.day + days, t.hour, t.minute, t.second, loc)


# -- schedules ----------------------------------------------------------------------------

class Schedule:
    """A parsed schedule; `next(t)` is the first activation strictly after `t` (None: none within 5 years)."""

    def next(self, t: float) -> int | None:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class SpecSchedule(Schedule):
    """robfig's SpecSchedule: one bit per allowed value, plus a star bit for `*`/`?` fields."""

    second: int
    minute: int
    hour: int
    dom: int
    month: int
    dow: int
    location: object = UTC

    def _day_matches(self, t: datetime) -> bool:
        dom_match = bool(1 << t.day & self.dom)
        dow_match = bool(1 << (t.isoweekday() % 7) & self.dow)
        if self.dom & _STAR or self.dow & _STAR:
            return dom_match and dow_match
        return dom_match or dow_match

    def next(self, t: float) -> int | None:
        loc = self.location
        unix = math.floor(t) + 1  # the upcoming second
        added = False
        year_limit = _fields(loc, unix).year + 5
        while True:  # WRAP
            f = _fields(loc, unix)
            if f.year > year_limit:
                return None
            wrapped = False
            while not (1 << f.month & self.month):
                if not added:
                    added = True
                    unix = go_date(f.year, f.month, 1, 0, 0, 0, loc)
                unix = _add_date(loc, unix, months=1)
                f = _fields(loc, unix)
                if f.month == 1:
                    wrapped = True
                    break
            if wrapped:
                continue
            while not self._day_matches(f):
                if not added:
                    added = True
                    unix = go_date(f.year, f.month, f.day, 0, 0, 0, loc)
                unix = _add_date(loc, unix, days=1)
                f = _fields(loc, unix)
                if f.hour != 0:  # daylight saving moved midnight
                    unix += (24 - f.hour) * 3600 if f.hour > 12 else -f.hour * 3600
                    f = _fields(loc, unix)
                if f.day == 1:
                    wrapped = True
                    break
            if wrapped:
                continue
            while not (1 << f.hour & self.hour):
                if not added:
                    added = True
                    unix = go_date(f.year, f.month, f.day, f.hour, 0, 0, loc)
                unix += 3600
                f = _fields(loc, unix)
                if f.hour == 0:
                    wrapped = True
                    break
            if wrapped:
                continue
            while not (1 << f.minute & self.minute):
                if not added:
                    added = True
                    unix -= unix % 60
                unix += 60
                f = _fields(loc, unix)
                if f.minute == 0:
                    wrapped = True
                    break
            if wrapped:
                continue
            while not (1 << f.second & self.second):
                if not added:
                    added = True
                unix += 1
                f = _fields(loc, unix)
                if f.second == 0:
                    wrapped = True
                    break
            if wrapped:
                continue
            return unix


@dataclass(frozen=True)
class ConstantDelaySchedule(Schedule):
    """`@every D`: D rounded down to whole seconds, at least one second."""

    delay: int

    def next(self, t: float) -> int | None:
        return math.floor(t) + self.delay


# -- parsing -----------------------------------------------------------------------------

def _bits(low: int, high: int, step: int) -> int:
    bits = 0
    for i in range(low, high + 1, step):
        bits |= 1 << i
    return bits


def _all(b: _Bounds) -> int:
    return _bits(b.low, b.high, 1) | _STAR


def _parse_int(expr: str) -> int:
    # Go's strconv.Atoi: optional sign, decimal digits only.
    if not re.fullmatch(r"[+-]?[0-9]+", expr):
        raise CronError(f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": invalid syntax')
    number = int(expr)
    if number < 0:
        raise CronError(f"negative number ({number}) not allowed: {expr}")
    return number


def _int_or_name(expr: str, names: dict[str, int] | None) -> int:
    if names is not None and expr.lower() in names:
        return names[expr.lower()]
    return _parse_int(expr)


def _range(expr: str, b: _Bounds) -> int:
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    single = len(low_and_high) == 1
    extra = 0
    if low_and_high[0] in ("*", "?"):
        start, end, extra = b.low, b.high, _STAR
    else:
        start = _int_or_name(low_and_high[0], b.names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], b.names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _parse_int(range_and_step[1])
        if single:
            end = b.high  # "N/step" means "N-max/step"
        if step > 1:
            extra = 0
    else:
        raise CronError(f"too many slashes: {expr}")
    if start < b.low:
        raise CronError(f"beginning of range ({start}) below minimum ({b.low}): {expr}")
    if end > b.high:
        raise CronError(f"end of range ({end}) above maximum ({b.high}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")
    return _bits(start, end, step) | extra


def _field(text: str, b: _Bounds) -> int:
    bits = 0
    for expr in (part for part in text.split(",") if part):
        bits |= _range(expr, b)
    return bits


def _descriptor(spec: str, loc) -> Schedule:
    first = {"second": 1, "minute": 1, "hour": 1}
    if spec in ("@yearly", "@annually"):
        return SpecSchedule(**first, dom=1 << 1, month=1 << 1, dow=_all(_DOW), location=loc)
    if spec == "@monthly":
        return SpecSchedule(**first, dom=1 << 1, month=_all(_MONTH), dow=_all(_DOW), location=loc)
    if spec == "@weekly":
        return SpecSchedule(**first, dom=_all(_DOM), month=_all(_MONTH), dow=1 << 0, location=loc)
    if spec in ("@daily", "@midnight"):
        return SpecSchedule(**first, dom=_all(_DOM), month=_all(_MONTH), dow=_all(_DOW), location=loc)
    if spec == "@hourly":
        return SpecSchedule(1, 1, _all(_HOURS), _all(_DOM), _all(_MONTH), _all(_DOW), loc)
    if spec.startswith("@every "):
        text = spec[len("@every "):]
        try:
            seconds = durations.parse_duration(text)
        except ValueError:
            raise CronError(f'failed to parse duration {spec}: time: invalid duration "{text}"') from None
        return ConstantDelaySchedule(max(1, int(seconds)))
    raise CronError(f"unrecognized descriptor: {spec}")


def parse(spec: str) -> Schedule:
    """cron.ParseStandard(spec); raises CronError with robfig's message."""
    if not spec:
        raise CronError("empty spec string")
    loc = UTC
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space = spec.find(" ")
        equals = spec.find("=")
        name = spec[equals + 1:space] if space >= 0 else spec[equals + 1:-1]
        try:
            loc = load_location(name)
        except CronError as exc:
            raise CronError(f"provided bad location {name}: {exc}") from None
        spec = spec[space:].strip() if space >= 0 else ""
    if spec.startswith("@"):
        return _descriptor(spec, loc)
    fields = spec.split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    minute, hour, dom, month, dow = (_field(f, b) for f, b in zip(fields, (_MINUTES, _HOURS, _DOM, _MONTH, _DOW)))
    return SpecSchedule(1 << 0, minute, hour, dom, month, dow, loc)
