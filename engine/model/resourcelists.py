"""Resource lists (`{"cpu": "500m", "pods": "3"}`) as Kubernetes' quota helpers handle them.

No I/O happens here. Amounts are exact Fractions (see quantities.parse);
`canonical` prints a quantity as Quantity.String does, keeping the format of
the text it came from (`1Gi` stays binary, `1G` decimal). The arithmetic
follows pkg/quota/v1/resources.go: Add, Subtract, Mask, LessThanOrEqual,
RemoveZeros, and the `key=value,...` form of the admission messages.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from litekube.model import quantities

__all__ = [
    "Amounts",
    "add",
    "amounts",
    "canonical",
    "exceeded",
    "format_amount",
    "mask",
    "pretty",
    "remove_zeros",
    "render",
    "subtract",
]

Amounts = dict[str, Fraction]


def _format_of(value: str | float) -> str:
    text = str(value)
    if any(text.endswith(s) for s in ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei")):
        return "binary"
    return "decimal"


def format_amount(amount: Fraction, fmt: str = "decimal") -> str:
    """Quantity.String of an amount in a format: binary amounts that are whole use Ki, Mi, ..."""
    if fmt == "binary" and amount.denominator == 1:
        return quantities.format_bytes(int(amount))
    return quantities.format_decimal(amount)


def canonical(value: str | float) -> str:
    """`canonical("1024Mi") == "1Gi"`, `canonical("0.5") == "500m"`, `canonical("1000") == "1k"`."""
    return format_amount(quantities.parse(value), _format_of(value))


def amounts(resources: Mapping[str, object] | None) -> Amounts:
    """A ResourceList parsed: every value a Fraction."""
    return {name: quantities.parse(value) for name, value in (resources or {}).items()}  # type: ignore[arg-type]


def add(a: Mapping[str, Fraction], b: Mapping[str, Fraction]) -> Amounts:
    out = dict(a)
    for name, value in b.items():
        out[name] = out.get(name, Fraction(0)) + value
    return out


def subtract(a: Mapping[str, Fraction], b: Mapping[str, Fraction]) -> Amounts:
    out = dict(a)
    for name, value in b.items():
        out[name] = out.get(name, Fraction(0)) - value
    return out


def mask(a: Mapping[str, Fraction], names: Iterable[str]) -> Amounts:
    wanted = set(names)
    return {name: value for name, value in a.items() if name in wanted}


def exceeded(a: Mapping[str, Fraction], hard: Mapping[str, Fraction]) -> list[str]:
    """LessThanOrEqual's second result: the names whose amount in `a` is over `hard`."""
    return sorted(name for name, value in a.items() if name in hard and value > hard[name])


def remove_zeros(a: Mapping[str, Fraction]) -> Amounts:
    return {name: value for name, value in a.items() if value != 0}


def render(a: Mapping[str, Fraction], formats: Mapping[str, str] | None = None) -> dict[str, str]:
    """Amounts back to a ResourceList of canonical strings (memory and storage in binary)."""
    out = {}
    for name, value in a.items():
        fmt = (formats or {}).get(name) or _default_format(name)
        out[name] = format_amount(value, fmt)
    return out


def _default_format(name: str) -> str:
    base = name.rsplit(".", 1)[-1] if name.startswith(("requests.", "limits.")) else name
    return "binary" if base in ("memory", "storage", "ephemeral-storage") or base.endswith("/requests.storage") \
        else "decimal"


def pretty(a: Mapping[str, str]) -> str:
    """prettyPrint: `limits.cpu=1,requests.memory=1Gi`, sorted by name."""
    return ",".join(f"{name}={a[name]}" for name in sorted(a))
