"""One YAML document decoded as Kubernetes decodes it: sigs.k8s.io/yaml over go-yaml v2.

No I/O happens here. libyaml (PyYAML's C parser, the same scanner go-yaml is
ported from) turns the text into events; this module builds JSON-like values
from them iteratively, with go-yaml v2's rules and limits:

- plain scalars resolve as go-yaml v2 resolves them (YAML 1.1: `yes`, `on`,
  `y` are booleans; `0x1F`, `017`, `0o17`, `0b1`, `1_000` are integers;
  integers past int64 become floats; `1e400` stays a string); explicit core
  tags are checked (`cannot decode !!str `abc` as a !!int`), `!!binary` is
  base64-decoded into a string, other tags (`!!set`, `!foo`) are ignored;
- map keys that are numbers or booleans become strings, as sigs.k8s.io/yaml
  converts them; a null or collection key is refused;
- aliases expand within go-yaml's budget (`allowedAliasRatio`: at most 99%
  of 400,000 decode steps from aliases, falling to 10% at 4,000,000), so an
  alias bomb fails with `document contains excessive aliasing` after a few
  hundred thousand steps instead of filling memory; an anchor inside its own
  value and an unknown anchor fail as in go-yaml;
- nesting deeper than MAX_DEPTH fails with go-yaml's `exceeded max depth`;
- duplicate keys are what the apiserver's strict decoding reports
  (`line 5: key "name" already set in map`): they are returned, not raised;
- `.inf` and `.nan` fail as Go's json.Marshal fails on them.

Errors are ManifestError-ready texts (`yaml: line 5: ...`); the caller adds
the file name.
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import yaml

from litekube.model import gosyntax, values

__all__ = ["MAX_DEPTH", "decode", "YamlError", "Decoded", "allowed_alias_ratio"]

# The apiserver and go-yaml cap nesting at 10,000 levels. litekube's engine
# walks objects with recursive Python functions (a few frames per level,
# under Python's 1,000-frame recursion limit), so it caps lower: 100 levels,
# five times deeper than the deepest field of any kind litekube serves.
MAX_DEPTH = 100

# go-yaml v2 decode.go: alias_ratio_range_low / _high.
_ALIAS_LOW, _ALIAS_HIGH = 400_000, 4_000_000

_TAG = "tag:yaml.org,2002:"
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?\Z")
_INT = re.compile(r"([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)\Z")
_TIMESTAMP = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(([Tt]|[ \t]+)\d{1,2}:\d{1,2}:\d{1,2}(\.\d*)?"
                        r"([ \t]*(Z|[-+]\d{1,2}(:\d{2})?))?)?\Z")
_INT64 = (-(2 ** 63), 2 ** 63 - 1)

_BOOLS = {**dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"), True),
          **dict.fromkeys(("n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"), False)}
_NULLS = ("", "~", "null", "Null", "NULL")
_SPECIAL_FLOATS = {**dict.fromkeys((".nan", ".NaN", ".NAN"), float("nan")),
                   **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), float("inf")),
                   **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), float("-inf"))}
_HINTS = {**dict.fromkeys("+-", "S"), **dict.fromkeys("0123456789", "D"),
          **dict.fromkeys("yYnNtTfFoO~<", "M"), ".": "."}


class YamlError(Exception):
    """The text go-yaml or sigs.k8s.io/yaml fails with (`yaml: line 3: ...`)."""


class _Merge:
    """The plain `<<` key: merge the mapping(s) that follow."""


_MERGE = _Merge()


@dataclass
class Decoded:
    """A document's value (None for an empty document) and its strict decoding errors."""

    value: Any
    duplicates: list[str] = field(default_factory=list)


def allowed_alias_ratio(decode_count: int) -> float:
    """go-yaml v2's allowedAliasRatio: how much of the decoding may come from aliases."""
    if decode_count <= _ALIAS_LOW:
        return 0.99
    if decode_count >= _ALIAS_HIGH:
        return 0.10
    return 0.99 - 0.89 * (decode_count - _ALIAS_LOW) / (_ALIAS_HIGH - _ALIAS_LOW)


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def _go_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64), then ParseUint: the integer, or None."""
    m = _INT.match(text)
    if m is None:
        return None
    sign, body = m.groups()
    if len(body) > 70:
        return None  # past any 64-bit value, and past Python's int() digit limit
    prefix = body[1:2].lower() if body.startswith("0") else ""
    if prefix in ("x", "o", "b"):
        base, digits = {"x": 16, "o": 8, "b": 2}[prefix], body[2:]
    else:
        base, digits = (8 if body.startswith("0") else 10), body
    number = int(digits, base) * (-1 if sign == "-" else 1)
    if _INT64[0] <= number <= _INT64[1]:
        return number
    if not sign and number < 2 ** 64:
        return number  # ParseUint: the JSON step below makes it a float
    return None


def _as_json_number(number: int | float) -> int | float:
    """The number as it comes back from Go's JSON round trip (kubectl re-decodes its JSON).

    Integers past int64 become float64; floats that print as integers (Go
    writes float64 with 'f' below 1e21) come back as integers.
    """
    if isinstance(number, int):
        if _INT64[0] <= number <= _INT64[1]:
            return number
        number = float(number)
    if number.is_integer() and abs(number) < 1e21:
        return int(number)
    return number


def resolve(value: str, tag: str | None, plain: bool) -> Any:
    """A scalar's value as go-yaml v2 decodes it into interface{}.

    Raises YamlError for an explicit tag the value does not fit.
    """
    if tag is None and not plain:
        return value  # quoted and block scalars are strings
    short = _short(tag) if tag else ""
    if short not in ("", "!!str", "!!bool", "!!int", "!!float", "!!timestamp"):
        if short == "!!binary":
            return _binary(value)
        return value  # go-yaml leaves other tags' scalars as they are written
    rtag, out = _resolve_plain(value, short)
    if short in ("", rtag, "!!str"):
        return out
    if short == "!!float" and rtag == "!!int":
        return float(out)
    raise YamlError(f"yaml: cannot decode {rtag} `{value}` as a {short}")


def _resolve_plain(value: str, tag: str) -> tuple[str, Any]:
    if tag == "!!str":
        return "!!str", value
    hint = _HINTS.get(value[:1], "M" if value == "" else "")
    if not hint:
        return "!!str", value
    if value in _BOOLS:
        return "!!bool", _BOOLS[value]
    if value in _NULLS:
        return "!!null", None
    if value in _SPECIAL_FLOATS:
        return "!!float", _SPECIAL_FLOATS[value]
    if value == "<<":
        return "!!merge", _MERGE
    plain = value.replace("_", "")
    if hint == ".":
        if _DOT_FLOAT.match(plain):
            return "!!float", float(plain)
    elif hint in "DS":
        if (tag in ("", "!!timestamp")) and _TIMESTAMP.match(value):
            return "!!timestamp", value  # go-yaml v2 hands timestamps to interface{} as strings
        number = _go_int(plain)
        if number is not None:
            return "!!int", number
        if _FLOAT.match(plain):
            parsed = float(plain)
            if parsed not in (float("inf"), float("-inf")):
                return "!!float", parsed  # ParseFloat's ErrRange leaves `1e400` a string
    return "!!str", value


def _binary(text: str) -> str:
    data = text.replace("\r", "").replace("\n", "")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise YamlError("yaml: !!binary value contains invalid base64 data") from None
    return gosyntax.decode_utf8(raw)


def _key_text(key: Any) -> str:
    """sigs.k8s.io/yaml's conversion of a map key to a JSON object key."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        if key != key:
            return ".nan"
        if key in (float("inf"), float("-inf")):
            return ".inf" if key > 0 else "-.inf"
        return gosyntax.format_float(key, 32)
    return key


class _Frame:
    __slots__ = ("value", "mapping", "key", "key_line", "has_key", "size", "anchor", "seen", "merges")

    def __init__(self, mapping: bool, anchor: str | None) -> None:
        self.mapping = mapping
        self.value: Any = {} if mapping else []
        self.key: Any = None
        self.key_line = 0
        self.has_key = False
        self.size = 1
        self.anchor = anchor
        self.seen: set[tuple[str, Any]] = set()
        self.merges: list[dict] = []


class _Builder:
    """Values from one document's events, counting decode steps as go-yaml does."""

    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.decode_count = 1  # the document node
        self.alias_count = 0
        self.duplicates: list[str] = []
        self.null_key: str | None = None
        self.unsupported: str | None = None
        self.root: Any = None
        self.done = False

    def scalar(self, event: yaml.ScalarEvent) -> None:
        self.decode_count += 1
        value = resolve(event.value, event.tag, event.implicit[0])
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)
        self._add(value, 1, event.start_mark.line)

    def alias(self, event: yaml.AliasEvent) -> None:
        name = event.anchor
        if name in self.open_anchors:
            raise YamlError(f"yaml: anchor '{name}' value contains itself")
        if name not in self.anchors:
            raise YamlError(f"yaml: unknown anchor '{name}' referenced")
        value, size = self.anchors[name]
        self.decode_count += 1 + size
        self.alias_count += size
        if (self.alias_count > 100 and self.decode_count > 1000
                and self.alias_count / self.decode_count > allowed_alias_ratio(self.decode_count)):
            raise YamlError("yaml: document contains excessive aliasing")
        self._add(values.clone(value), 1 + size, event.start_mark.line)

    def start(self, event: yaml.CollectionStartEvent, mapping: bool) -> None:
        self.decode_count += 1
        if len(self.stack) >= self.max_depth:
            raise YamlError(f"yaml: line {event.start_mark.line + 1}: exceeded max depth of {self.max_depth}")
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        self.stack.append(_Frame(mapping, event.anchor))

    def end(self, event: yaml.Event) -> None:
        frame = self.stack.pop()
        value = frame.value
        if frame.merges:
            merged: dict = {}
            for source in reversed(frame.merges):  # earlier merged maps take precedence
                merged.update(values.clone(source))
            merged.update(value)  # and the mapping's own keys over all of them
            value = merged
        if frame.anchor is not None:
            self.open_anchors.discard(frame.anchor)
            self.anchors[frame.anchor] = (value, frame.size)
        self._add(value, frame.size, event.start_mark.line)

    def _add(self, value: Any, size: int, line: int) -> None:
        is_key = bool(self.stack) and self.stack[-1].mapping and not self.stack[-1].has_key
        if not is_key and isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            if self.unsupported is None:  # json.Marshal refuses what JSON cannot write
                self.unsupported = f"json: unsupported value: {gosyntax.format_float(value)}"
        elif not is_key and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = _as_json_number(value)
        if not self.stack:
            self.root = value
            self.done = True
            return
        parent = self.stack[-1]
        parent.size += size
        if not parent.mapping:
            parent.value.append(value)
            return
        if not parent.has_key:
            if isinstance(value, (dict, list)):
                raise YamlError(f"yaml: invalid map key: {gosyntax.go_repr(value)}")
            parent.key, parent.key_line, parent.has_key = value, line, True
            return
        key, parent.has_key = parent.key, False
        if key is _MERGE:
            self._merge(parent, value)
            return
        if key is None:
            if self.null_key is None:
                self.null_key = ("unsupported map key of type: %!s(<nil>), key: <nil>, "
                                 f"value: {gosyntax.go_repr(value) if value is not None else '<nil>'}")
            return
        typed = (type(key).__name__, key)
        if typed in parent.seen:
            shown = gosyntax.quote(key) if isinstance(key, str) else gosyntax.go_repr(key)
            self.duplicates.append(f"line {parent.key_line + 1}: key {shown} already set in map")
        parent.seen.add(typed)
        parent.value[_key_text(key)] = value

    def _merge(self, parent: _Frame, value: Any) -> None:
        sources = value if isinstance(value, list) else [value]
        if not sources and isinstance(value, list):
            return
        if not all(isinstance(s, dict) for s in sources):
            raise YamlError("yaml: map merge requires map or sequence of maps as the value")
        parent.merges.extend(sources)


def _events(text: str) -> Iterator[yaml.Event]:
    loader = yaml.CSafeLoader(text)
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


def _syntax(exc: yaml.YAMLError) -> YamlError:
    """libyaml's error as go-yaml v2's parser.fail() words it."""
    if isinstance(exc, yaml.reader.ReaderError):
        return YamlError("yaml: control characters are not allowed")
    problem = getattr(exc, "problem", None) or "unknown problem parsing YAML content"
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    line = 0
    # go-yaml v2 prints the problem's 0-based line, plus one for scanner errors only.
    if problem_mark is not None and problem_mark.line:
        line = problem_mark.line + (1 if isinstance(exc, yaml.scanner.ScannerError) else 0)
    elif context_mark is not None and context_mark.line:
        line = context_mark.line
    if problem == "exceeded maximum nesting depth":
        problem = f"exceeded max depth of {MAX_DEPTH}"
    return YamlError(f"yaml: {'line %d: ' % line if line else ''}{problem}")


def decode(text: str, max_depth: int = MAX_DEPTH) -> Decoded:
    """The first YAML document of `text` (go-yaml's Unmarshal reads only that one).

    Raises YamlError with go-yaml's or sigs.k8s.io/yaml's wording.
    """
    builder = _Builder(max_depth)
    try:
        for event in _events(text):
            if isinstance(event, yaml.ScalarEvent):
                builder.scalar(event)
            elif isinstance(event, yaml.MappingStartEvent):
                builder.start(event, True)
            elif isinstance(event, yaml.SequenceStartEvent):
                builder.start(event, False)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                builder.end(event)
            elif isinstance(event, yaml.AliasEvent):
                builder.alias(event)
            elif isinstance(event, yaml.DocumentEndEvent):
                break
    except yaml.YAMLError as exc:
        raise _syntax(exc) from None
    if builder.null_key is not None:
        raise YamlError(builder.null_key)
    if builder.unsupported is not None:
        raise YamlError(builder.unsupported)
    return Decoded(builder.root if builder.done else None, builder.duplicates)
