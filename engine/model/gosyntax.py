"""Go's renderings that Kubernetes' decoding errors are made of, and Go's JSON syntax errors.

No I/O happens here. kubectl and the apiserver print values with Go's `%#v`
(`[]interface {}{"a", 1}`), map keys with strconv.FormatFloat, bad bytes as
U+FFFD, and JSON syntax errors as encoding/json's scanner words them
(`invalid character '}' looking for beginning of object key string`); this
module reproduces those texts so litekube's errors read as kubectl's.
"""
from __future__ import annotations

import codecs
import struct
from decimal import Decimal
from typing import Any

__all__ = ["go_repr", "format_float", "quote", "decode_utf8", "json_syntax_error"]


def _go_replace(exc: UnicodeError) -> tuple[str, int]:
    # Go's utf8.DecodeRune consumes one byte of an invalid sequence per U+FFFD.
    assert isinstance(exc, UnicodeDecodeError)
    return "\ufffd", exc.start + 1


codecs.register_error("litekube-go-replace", _go_replace)


def decode_utf8(data: bytes) -> str:
    """Bytes as Go turns them into JSON strings: each invalid byte becomes U+FFFD."""
    return data.decode("utf-8", "litekube-go-replace")


def quote(text: str) -> str:
    """strconv.Quote: a double-quoted Go string literal."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif ch == "\ufffd" or ch.isprintable():
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _digits(value: float, bits: int) -> tuple[str, int]:
    """The shortest decimal digits that round-trip at `bits` precision, and the point position."""
    if bits == 64:
        text = repr(value)
    else:
        single = struct.unpack("f", struct.pack("f", value))[0]
        text = next(t for p in range(1, 10) for t in [f"{value:.{p - 1}e}"]
                    if struct.unpack("f", struct.pack("f", float(t)))[0] == single)
    sign, digits, exponent = Decimal(text).normalize().as_tuple()
    assert isinstance(exponent, int)
    text_digits = "".join(map(str, digits)) or "0"
    return text_digits, len(text_digits) + exponent


def format_float(value: float, bits: int = 64) -> str:
    """strconv.FormatFloat(value, 'g', -1, bits), which `%v` and map keys use."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    neg = "-" if value < 0 or (value == 0 and str(value).startswith("-")) else ""
    if value == 0:
        return neg + "0"
    digits, point = _digits(abs(value), bits)
    exp = point - 1
    if exp < -4 or exp >= 6:  # the shortest 'g' format switches to an exponent at 6
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{neg}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{neg}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return neg + digits + "0" * (point - len(digits))
    return f"{neg}{digits[:point]}.{digits[point:]}"


def go_repr(value: Any) -> str:
    """`%#v` of a value decoded from YAML into interface{}."""
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
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(go_repr(v) for v in value) + "}"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: str(kv[0]))
        return "map[interface {}]interface {}{" + ", ".join(
            f"{go_repr(k)}:{go_repr(v)}" for k, v in items) + "}"
    return str(value)


# -- encoding/json's scanner, for its error messages ------------------------------------

def _quote_char(ch: str) -> str:
    if ch == "'":
        return "'\\''"
    if ch == '"':
        return "'\"'"
    return "'" + quote(ch)[1:-1] + "'"


class _Syntax(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def json_syntax_error(text: str, start: int = 0, max_depth: int = 10_000) -> str | None:
    """The error Go's json.Decoder reports for the value starting at `start`, or None.

    Worded as kubectl prints it: `json: offset 69: invalid character '}' looking
    for beginning of object key string`, or `unexpected EOF`.
    """
    try:
        _Scanner(text, max_depth).value(start)
    except _Syntax as err:
        return str(err) if err.offset < 0 else f"json: offset {err.offset}: {err}"
    return None


class _Scanner:
    """A recursive-descent reading of one JSON value with Go's error texts.

    The nesting is tracked with an explicit stack, so deep input cannot
    exhaust Python's recursion limit.
    """

    def __init__(self, text: str, max_depth: int) -> None:
        self.text = text
        self.max_depth = max_depth

    def _fail(self, i: int, context: str) -> None:
        if i >= len(self.text):
            raise _Syntax("unexpected EOF", -1)
        raise _Syntax(f"invalid character {_quote_char(self.text[i])} {context}", i + 1)

    def _ws(self, i: int) -> int:
        text = self.text
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    def value(self, i: int) -> int:
        stack: list[str] = []  # "{" or "["
        i = self._ws(i)
        expect = "value"
        while True:
            text = self.text
            if expect == "value":
                i = self._ws(i)
                if i >= len(text):
                    self._fail(i, "")
                ch = text[i]
                if ch in "{[":
                    if len(stack) >= self.max_depth:
                        self._fail(i, "exceeded max depth")
                    stack.append(ch)
                    i = self._ws(i + 1)
                    if ch == "{":
                        if i < len(text) and text[i] == "}":
                            stack.pop()
                            i += 1
                        else:
                            i = self._key(i)
                            continue
                    else:
                        if i < len(text) and text[i] == "]":
                            stack.pop()
                            i += 1
                        else:
                            continue
                elif ch == '"':
                    i = self._string(i)
                elif ch == "-" or ch.isdigit() and ch.isascii():
                    i = self._number(i)
                elif ch in "tfn":
                    i = self._literal(i)
                else:
                    self._fail(i, "looking for beginning of value")
            # after a value
            if not stack:
                return i
            i = self._ws(i)
            if i >= len(text):
                self._fail(i, "")
            ch = text[i]
            if stack[-1] == "{":
                if ch == ",":
                    i = self._key(self._ws(i + 1))
                    expect = "value"
                    continue
                if ch == "}":
                    stack.pop()
                    i += 1
                    expect = "after"
                    continue
                self._fail(i, "after object key:value pair")
            else:
                if ch == ",":
                    i += 1
                    expect = "value"
                    continue
                if ch == "]":
                    stack.pop()
                    i += 1
                    expect = "after"
                    continue
                self._fail(i, "after array element")
            expect = "value"

    def _key(self, i: int) -> int:
        text = self.text
        if i >= len(text):
            self._fail(i, "")
        if text[i] != '"':
            self._fail(i, "looking for beginning of object key string")
        i = self._ws(self._string(i))
        if i >= len(text):
            self._fail(i, "")
        if text[i] != ":":
            self._fail(i, "after object key")
        return i + 1

    def _string(self, i: int) -> int:
        text = self.text
        i += 1
        while True:
            if i >= len(text):
                self._fail(i, "")
            ch = text[i]
            if ch == '"':
                return i + 1
            if ch == "\\":
                i += 1
                if i >= len(text):
                    self._fail(i, "")
                esc = text[i]
                if esc == "u":
                    for k in range(1, 5):
                        if i + k >= len(text):
                            self._fail(i + k, "")
                        if text[i + k] not in "0123456789abcdefABCDEF":
                            self._fail(i + k, "in \\u hexadecimal character escape")
                    i += 5
                    continue
                if esc not in '"\\/bfnrt':
                    self._fail(i, "in string escape code")
                i += 1
                continue
            if ord(ch) < 0x20:
                self._fail(i, "in string literal")
            i += 1

    def _number(self, i: int) -> int:
        text = self.text
        n = len(text)
        if text[i] == "-":
            i += 1
            if i >= n:
                self._fail(i, "")
            if not (text[i].isascii() and text[i].isdigit()):
                self._fail(i, "in numeric literal")
        if text[i] == "0":
            i += 1
        else:
            while i < n and text[i].isascii() and text[i].isdigit():
                i += 1
        if i < n and text[i] == ".":
            i += 1
            if i >= n:
                self._fail(i, "")
            if not (text[i].isascii() and text[i].isdigit()):
                self._fail(i, "after decimal point in numeric literal")
            while i < n and text[i].isascii() and text[i].isdigit():
                i += 1
        if i < n and text[i] in "eE":
            i += 1
            if i < n and text[i] in "+-":
                i += 1
            if i >= n:
                self._fail(i, "")
            if not (text[i].isascii() and text[i].isdigit()):
                self._fail(i, "in exponent of numeric literal")
            while i < n and text[i].isascii() and text[i].isdigit():
                i += 1
        return i

    def _literal(self, i: int) -> int:
        word = {"t": "true", "f": "false", "n": "null"}[self.text[i]]
        for k in range(1, len(word)):
            if i + k >= len(self.text):
                self._fail(i + k, "")
            if self.text[i + k] != word[k]:
                self._fail(i + k, f"in literal {word} (expecting {_quote_char(word[k])})")
        return i + len(word)
