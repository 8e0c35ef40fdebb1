"""Go's ways of printing decoded JSON, for byte-exact kubectl output.

No I/O happens here. kubectl decodes objects into Go's `map[string]interface{}`
(integers as int64, other numbers as float64) and prints values three ways:

- `sprint(v)`: `fmt.Sprint` (`%v`): `map[a:1 b:x]`, `[1 2]`, `<nil>`,
  floats as `%g` with the shortest digits (`1e+06`, `1.5`);
- `go_syntax(v)`: `%#v`, in the text of jsonpath errors:
  `map[string]interface {}{"a":1, "b":[]interface {}{"x"}}`;
- `marshal(v)`: `encoding/json.Marshal`: compact, keys sorted, `<`, `>`, `&`
  escaped as `\\u003c` ..., floats as `1e+21` or `0.00001`.
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

__all__ = ["sprint", "go_syntax", "marshal", "format_float", "quote", "type_name"]


def _digits(value: float) -> tuple[str, int]:
    """The shortest round-trip digits of a finite non-zero float and the decimal point position."""
    sign, digits, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    text = "".join(map(str, digits))
    return text, len(text) + int(exponent)


def format_float(value: float, fmt: str = "g") -> str:
    """strconv.FormatFloat(v, 'g', -1, 64) as %v prints it (fmt "g"), or encoding/json's text (fmt "json")."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    digits, point = _digits(value)
    exponent = point - 1
    if fmt == "json":
        use_e = abs(value) < 1e-6 or abs(value) >= 1e21
    else:
        # shortest %g decides with precision 6: 1e+06, 123456, 0.0001, 1e-05
        use_e = exponent < -4 or exponent >= 6
    if use_e:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        width = 1 if fmt == "json" and exponent < 0 else 2  # json cleans e-07 up to e-7
        return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):0{width}d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def sprint(value: Any) -> str:
    """fmt.Sprint of a decoded JSON value."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{sprint(v)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(sprint(v) for v in value) + "]"
    return str(value)


def quote(text: str) -> str:
    """strconv.Quote: a double-quoted Go string literal (printable Unicode kept as is)."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\a":
            out.append("\\a")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\v":
            out.append("\\v")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x7F or ch.isprintable():
            out.append(ch)
        elif code > 0xFFFF:
            out.append(f"\\U{code:08x}")
        else:
            out.append(f"\\u{code:04x}")
    out.append('"')
    return "".join(out)


def type_name(value: Any) -> str:
    """The Go type of a decoded JSON value, as reflect prints it."""
    if value is None:
        return "interface {}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "map[string]interface {}"
    return "[]interface {}"


def go_syntax(value: Any) -> str:
    """fmt's %#v of a decoded JSON value."""
    if value is None:
        return "interface {}(nil)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, dict):
        return "map[string]interface {}{" + ", ".join(
            f"{quote(k)}:{go_syntax(v)}" for k, v in sorted(value.items())) + "}"
    return "[]interface {}{" + ", ".join(go_syntax(v) for v in value) + "}"


_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                 "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _json_string(text: str) -> str:
    out = ['"']
    for ch in text:
        escaped = _JSON_ESCAPES.get(ch)
        if escaped is not None:
            out.append(escaped)
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def marshal(value: Any, indent: str | None = None, _level: int = 0, sort_keys: bool = True) -> str:
    """encoding/json.Marshal (or MarshalIndent with `indent`) of a decoded JSON value.

    Maps are sorted as Go sorts map keys; `sort_keys=False` keeps the dicts' order
    instead, which is how Go prints a typed struct (fields in declaration order).
    """
    def items(d: dict):
        return sorted(d.items()) if sort_keys else d.items()

    if indent is not None and isinstance(value, (dict, list)) and value:
        inner, outer = "\n" + indent * (_level + 1), "\n" + indent * _level
        if isinstance(value, dict):
            body = ",".join(f"{inner}{_json_string(k)}: {marshal(v, indent, _level + 1, sort_keys)}"
                            for k, v in items(value))
            return "{" + body + outer + "}"
        return "[" + ",".join(f"{inner}{marshal(v, indent, _level + 1, sort_keys)}" for v in value) + outer + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float(value, "json")
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{_json_string(k)}:{marshal(v, sort_keys=sort_keys)}" for k, v in items(value)) + "}"
    return "[" + ",".join(marshal(v, sort_keys=sort_keys) for v in value) + "]"
