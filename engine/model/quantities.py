"""Resource quantities (`100m`, `0.5`, `128Mi`, `1G`, `1e3`) as resource.Quantity.

No I/O happens here. `parse` turns a quantity into an exact `Fraction`,
scanning the text as resource.ParseQuantity does (including its rounding of
non-zero amounts up to the nearest nano); `cpu_millis` and `to_int` round up
as Quantity.MilliValue and Quantity.Value do. `format_cpu_millis` and
`format_bytes` give the canonical strings Quantity.String prints for a
DecimalSI milli-quantity and a BinarySI byte count.
"""
from __future__ import annotations

import functools
import math
from fractions import Fraction

__all__ = [
    "FORMAT_ERROR", "NUMERIC_ERROR", "SUFFIX_ERROR",
    "parse", "cpu_millis", "to_int", "format_cpu_millis", "format_bytes", "format_decimal",
]

_SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
FORMAT_ERROR = f"quantities must match the regular expression '{_SPLIT_RE}'"
NUMERIC_ERROR = "unable to parse numeric part of quantity"
SUFFIX_ERROR = "unable to parse quantity's suffix"

_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12,
                     "P": 15, "E": 18}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_SUFFIX_OF = {exp: s for s, exp in _DECIMAL_SUFFIXES.items()}
_BINARY_SUFFIX_OF = {exp: s for s, exp in _BINARY_SUFFIXES.items()}
_NANO = Fraction(1, 10 ** 9)
_MAX_INT64 = 2 ** 63 - 1
# Go keeps a huge exponent symbolically; Python would expand 10**exponent, so
# refuse exponents far beyond any resource instead of hanging.
_MAX_EXPONENT = 1000
_DIGITS = frozenset("0123456789")
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")


def _scan(text: str) -> tuple[bool, str, str, str]:
    """parseQuantityString: (positive, numerator, denominator, suffix)."""
    positive, pos, end = True, 0, len(text)
    if pos < end and text[0] in "+-":
        positive = text[0] == "+"
        pos += 1
    while pos < end and text[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, "0", "", ""
    start = pos
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    num = text[start:pos] or "0"
    denom = ""
    if pos < end and text[pos] == ".":
        pos += 1
        start = pos
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        denom = text[start:pos]
    suffix_start = pos
    while pos < end and text[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and text[pos] in "+-":
        pos += 1
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos < end:
        raise ValueError(FORMAT_ERROR)
    return positive, num, denom, text[suffix_start:]


def _interpret(suffix: str) -> tuple[int, int, bool]:
    """suffixHandler.interpret: (base, exponent, binary) or raise the suffix error."""
    if suffix in _DECIMAL_SUFFIXES:
        return 10, _DECIMAL_SUFFIXES[suffix], False
    if suffix in _BINARY_SUFFIXES:
        return 2, _BINARY_SUFFIXES[suffix], True
    if len(suffix) > 1 and suffix[0] in "eE":
        body = suffix[1:]
        digits = body[1:] if body[0] in "+-" else body
        if digits and all(c in _DIGITS for c in digits):
            exponent = int(body)
            if abs(exponent) > _MAX_EXPONENT:
                raise ValueError(NUMERIC_ERROR)
            return 10, exponent, False
    raise ValueError(SUFFIX_ERROR)


def _round_away(value: Fraction, unit: Fraction) -> Fraction:
    """Round to a multiple of `unit`, away from zero (inf.RoundUp)."""
    steps = value / unit
    whole = math.ceil(steps) if steps > 0 else math.floor(steps)
    return whole * unit


@functools.lru_cache(maxsize=4096)
def parse(value: str | int | float) -> Fraction:
    """The exact amount of a quantity: `parse("100m") == Fraction(1, 10)`.

    Numbers (from YAML or JSON) are read as their decimal text, as the
    apiserver decodes a JSON number into a Quantity. Raises ValueError with
    resource.ParseQuantity's message.
    """
    if isinstance(value, bool):
        raise ValueError(FORMAT_ERROR)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(FORMAT_ERROR)
        value = repr(value)
    if not isinstance(value, str) or not value:
        raise ValueError(FORMAT_ERROR)
    positive, num, denom, suffix = _scan(value)
    base, exponent, binary = _interpret(suffix)
    try:
        amount = Fraction(int(num + denom), 10 ** len(denom))
    except ValueError:  # beyond Python's int-from-text digit limit
        raise ValueError(NUMERIC_ERROR) from None
    amount *= Fraction(base) ** exponent
    if amount:
        # Any non-zero request gets at least one nano of the resource.
        amount = _round_away(amount, _NANO)
    if binary and amount > _MAX_INT64:
        amount = Fraction(_MAX_INT64)
    return amount if positive else -amount


def _scaled(value: str | int | float, scale: int) -> int:
    """Quantity.ScaledValue: the amount in units of 10**scale, rounded away from zero."""
    amount = parse(value) / Fraction(10) ** scale
    return math.ceil(amount) if amount > 0 else math.floor(amount)


@functools.lru_cache(maxsize=4096)
def cpu_millis(value: str | int | float) -> int:
    """Quantity.MilliValue: `cpu_millis("0.1") == 100`, `cpu_millis("1n") == 1`."""
    return _scaled(value, -3)


@functools.lru_cache(maxsize=4096)
def to_int(value: str | int | float) -> int:
    """Quantity.Value: whole units rounded up, `to_int("128Mi") == 134217728`."""
    return _scaled(value, 0)


def format_decimal(amount: Fraction) -> str:
    """A DecimalSI quantity as Quantity.String prints it: `1500m`, `2`, `1k`.

    The amount must be a whole number of nanos (parse guarantees it).
    """
    if amount == 0:
        return "0"
    nanos = amount / _NANO
    if nanos.denominator != 1:
        raise ValueError(f"{amount} is finer than the nano scale")
    mantissa, exponent = int(nanos), -9
    while mantissa % 10 == 0:
        mantissa //= 10
        exponent += 1
    while exponent % 3 != 0:
        mantissa *= 10
        exponent -= 1
    suffix = _DECIMAL_SUFFIX_OF.get(exponent)
    return f"{mantissa}{suffix if suffix is not None else f'e{exponent}'}"


def format_cpu_millis(millis: int) -> str:
    """NewMilliQuantity(m, DecimalSI).String(): `100m`, `1500m`, `2`."""
    return format_decimal(Fraction(millis, 1000))


def format_bytes(count: int) -> str:
    """NewQuantity(n, BinarySI).String(): `128Mi`, `16Gi`, `1536`.

    As upstream, amounts under 1024 print as DecimalSI (`1000` is `1k`), and
    amounts that are not a multiple of 1024 print as a plain number.
    """
    if -1024 < count < 1024:
        return format_decimal(Fraction(count))
    mantissa, exponent = count, 0
    while mantissa % 1024 == 0 and exponent < 60:
        mantissa //= 1024
        exponent += 10
    return f"{mantissa}{_BINARY_SUFFIX_OF.get(exponent, '')}"
