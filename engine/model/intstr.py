"""Int-or-percent values (`maxSurge: 25%`, `maxUnavailable: 1`) as intstr does.

No I/O happens here. `scaled_value` is intstr.GetScaledValueFromIntOrPercent
with exact integer arithmetic in place of Go's float64 (identical for every
realistic total); `validate_percent_or_int` is apps validation's
ValidatePositiveIntOrPercent, returning its messages.
"""
from __future__ import annotations

import re

from litekube.model import names

__all__ = [
    "IntOrString", "scaled_value", "validate_percent_or_int", "validate_not_more_than_100_percent",
    "is_percent",
]

IntOrString = int | str

_PERCENT_FMT = "[0-9]+%"
_PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%'"
_PERCENT_RE = re.compile(r"^[0-9]+%\Z")
_ATOI_RE = re.compile(r"^[+-]?[0-9]+\Z")


def _atoi(text: str) -> int:
    """strconv.Atoi, raising its error text (`strconv.Atoi: parsing "x": invalid syntax`)."""
    if not _ATOI_RE.match(text):
        raise ValueError(f'strconv.Atoi: parsing "{text}": invalid syntax')
    value = int(text)
    if not -(2 ** 63) <= value < 2 ** 63:
        raise ValueError(f'strconv.Atoi: parsing "{text}": value out of range')
    return value


def _int_or_percent(value: IntOrString) -> tuple[int, bool]:
    """getIntOrPercentValueSafely: (number, is_percent)."""
    if isinstance(value, bool):
        raise ValueError("invalid type: neither int nor percentage")
    if isinstance(value, int):
        return value, False
    if isinstance(value, str):
        if not value.endswith("%"):
            raise ValueError("invalid type: string is not a percentage")
        try:
            return _atoi(value[:-1]), True
        except ValueError as err:
            raise ValueError(f'invalid value "{value}": {err}') from None
    raise ValueError("invalid type: neither int nor percentage")


def is_percent(value: IntOrString | None) -> bool:
    """True for a string ending in `%`."""
    return isinstance(value, str) and value.endswith("%")


def scaled_value(value: IntOrString | None, total: int, round_up: bool) -> int:
    """An int as is, or a percentage of `total` rounded up or down.

    `scaled_value("25%", 10, True) == 3`; `scaled_value("25%", 10, False) == 2`.
    None gives 0 (upstream errors on nil; callers default the field first).
    Raises ValueError with upstream's message, e.g. `invalid value for
    IntOrString: invalid type: string is not a percentage` for `"5"`.
    """
    if value is None:
        return 0
    try:
        number, percent = _int_or_percent(value)
    except ValueError as err:
        raise ValueError(f"invalid value for IntOrString: {err}") from None
    if not percent:
        return number
    # Floor division floors toward -inf, as math.Floor does; ceil is -(-a // b).
    return -(-number * total // 100) if round_up else number * total // 100


def validate_percent_or_int(value: IntOrString) -> list[str]:
    """ValidatePositiveIntOrPercent's messages: `[0-9]+%` strings or non-negative ints.

    Go's type system keeps other types out; here they get litekube's own
    message, `must be an integer or percentage`.
    """
    if isinstance(value, bool):
        return ["must be an integer or percentage"]
    if isinstance(value, str):
        if _PERCENT_RE.match(value):
            return []
        return [names.regex_error(_PERCENT_MSG, _PERCENT_FMT, "1%", "93%")]
    if isinstance(value, int):
        return [] if value >= 0 else ["must be greater than or equal to 0"]
    return ["must be an integer or percentage"]


def validate_not_more_than_100_percent(value: IntOrString) -> list[str]:
    """IsNotMoreThan100Percent: a valid percentage above 100% is refused."""
    if isinstance(value, str) and _PERCENT_RE.match(value) and int(value[:-1]) > 100:
        return ["must not be greater than 100%"]
    return []
