"""Label and field selectors, parsed and matched as Kubernetes does.

No I/O happens here. Label selectors come in two forms: the string syntax of
`kubectl -l` (`parse`, as labels.Parse) and the `metav1.LabelSelector` object
of specs (`from_label_selector`, as metav1.LabelSelectorAsSelector). Both
give a `Selector`: an AND of `Requirement`s that renders back to Kubernetes'
canonical string. Field selectors (`--field-selector`) live in
`field_selectors` and are re-exported here.

Syntax errors raise `errors.BadRequest` with the wording of apimachinery.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Mapping

from litekube import errors
from litekube.model import names
from litekube.model.field_selectors import (
    FieldRequirement,
    check_supported,
    source_path,
    field_value,
    match_fields,
    parse_fields,
)

__all__ = [
    "Operator", "Requirement", "Selector", "EVERYTHING", "NOTHING",
    "parse", "from_label_selector", "from_set", "format_label_selector",
    "FieldRequirement", "parse_fields", "match_fields", "field_value", "check_supported", "source_path",
]


class Operator(StrEnum):
    """selection.Operator, with upstream's spelling of each value."""

    EQUALS = "="
    DOUBLE_EQUALS = "=="
    NOT_EQUALS = "!="
    IN = "in"
    NOT_IN = "notin"
    EXISTS = "exists"
    DOES_NOT_EXIST = "!"
    GREATER_THAN = "gt"
    LESS_THAN = "lt"


_BINARY = (Operator.IN, Operator.NOT_IN, Operator.EQUALS, Operator.DOUBLE_EQUALS,
           Operator.NOT_EQUALS, Operator.GREATER_THAN, Operator.LESS_THAN)
_INFIX = {Operator.EQUALS: "=", Operator.DOUBLE_EQUALS: "==", Operator.NOT_EQUALS: "!=",
          Operator.IN: " in ", Operator.NOT_IN: " notin ",
          Operator.GREATER_THAN: ">", Operator.LESS_THAN: "<"}


def _parse_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64), or None where Go returns an error."""
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    value = int(text)
    return value if -(2 ** 63) <= value < 2 ** 63 else None


@dataclass(frozen=True)
class Requirement:
    """One term of a selector: `key`, an operator, and its values."""

    key: str
    operator: Operator
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        """Requirement.Matches: notin and != also match when the key is absent."""
        labels = labels or {}
        op = self.operator
        if op in (Operator.IN, Operator.EQUALS, Operator.DOUBLE_EQUALS):
            return self.key in labels and labels[self.key] in self.values
        if op in (Operator.NOT_IN, Operator.NOT_EQUALS):
            return self.key not in labels or labels[self.key] not in self.values
        if op is Operator.EXISTS:
            return self.key in labels
        if op is Operator.DOES_NOT_EXIST:
            return self.key not in labels
        if self.key not in labels or len(self.values) != 1:
            return False
        have, want = _parse_int64(labels[self.key]), _parse_int64(self.values[0])
        if have is None or want is None:
            return False
        return have > want if op is Operator.GREATER_THAN else have < want

    def __str__(self) -> str:
        op = self.operator
        if op is Operator.EXISTS:
            return self.key
        if op is Operator.DOES_NOT_EXIST:
            return "!" + self.key
        values = ",".join(sorted(self.values))
        if op in (Operator.IN, Operator.NOT_IN):
            values = f"({values})"
        return f"{self.key}{_INFIX[op]}{values}"


_EQUALITIES = frozenset({Operator.EQUALS, Operator.DOUBLE_EQUALS, Operator.IN})
_ABSENT = object()


@dataclass(frozen=True)
class Selector:
    """An AND of requirements, kept sorted by key; no requirements matches everything.

    `NOTHING` (labels.Nothing) is the one selector that matches no labels at all.
    """

    requirements: tuple[Requirement, ...] = ()
    matches_nothing: bool = False
    # (key, value) pairs when every requirement is an equality (a matchLabels selector): matched by
    # plain lookups, the common case on a controller's hot path; None otherwise.
    _pairs: tuple[tuple[str, str], ...] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.requirements, key=lambda r: r.key))
        object.__setattr__(self, "requirements", ordered)
        if all(r.operator in _EQUALITIES and len(r.values) == 1 for r in ordered):
            object.__setattr__(self, "_pairs", tuple((r.key, r.values[0]) for r in ordered))

    @property
    def empty(self) -> bool:
        """True when the selector does not restrict anything (labels.Selector.Empty)."""
        return not self.requirements and not self.matches_nothing

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        if self.matches_nothing:
            return False
        pairs = self._pairs
        if pairs is not None:
            if not labels:
                return not pairs
            for key, value in pairs:
                if labels.get(key, _ABSENT) != value:
                    return False
            return True
        return all(r.matches(labels) for r in self.requirements)

    def add(self, *requirements: Requirement) -> "Selector":
        if self.matches_nothing:
            return self
        return Selector(self.requirements + requirements)

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


EVERYTHING = Selector()
NOTHING = Selector(matches_nothing=True)


# --- building requirements (labels.NewRequirement) --------------------------

def _go_strings(values: list[str] | None) -> errors.Raw:
    """A []string as Go's %#v prints it: `[]string{"a", "b"}` or `[]string(nil)`."""
    if not values:
        return errors.Raw("[]string(nil)" if values is None else "[]string{}")
    return errors.Raw("[]string{" + ", ".join(_go_quote(v) for v in values) + "}")


def _go_quote(text: str) -> str:
    """A string as Go's %q prints it (for the characters label syntax lets through)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + '"'


def _aggregate(messages: list[str]) -> str:
    """utilerrors.Aggregate: one message bare, several deduplicated inside `[...]`."""
    unique = list(dict.fromkeys(messages))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


def _invalid(path: str, value: object, messages: list[str]) -> str:
    """A field.Invalid error as text: `values[0][app]: Invalid value: "x": ...`."""
    return str(errors.Cause(path, "Invalid value", "; ".join(messages), value))


def _arity_complaint(op: Operator, count: int) -> str | None:
    """What NewRequirement says when `op` is given the wrong number of values."""
    if op in (Operator.IN, Operator.NOT_IN):
        return None if count else "for 'in', 'notin' operators, values set can't be empty"
    if op in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
        return None if not count else "values set must be empty for exists and does not exist"
    if op in (Operator.GREATER_THAN, Operator.LESS_THAN):
        return None if count == 1 else "for 'Gt', 'Lt' operators, exactly one value is required"
    return None if count == 1 else "exact-match compatibility requires one single value"


def _new_requirement(key: str, op: Operator, values: list[str] | None) -> Requirement:
    """NewRequirement with a nil field path: validate key, arity and values.

    Raises BadRequest with every problem, aggregated as upstream does.
    """
    problems: list[str] = []
    key_messages = names.is_qualified_name(key)
    if key_messages:
        problems.append(_invalid("key", key, key_messages))
    vals = list(values or [])
    complaint = _arity_complaint(op, len(vals))
    if complaint:
        problems.append(_invalid("values", _go_strings(values), [complaint]))
    if op in (Operator.GREATER_THAN, Operator.LESS_THAN):
        problems += [_invalid(f"values[{i}]", v,
                              ["for 'Gt', 'Lt' operators, the value must be an integer"])
                     for i, v in enumerate(vals) if _parse_int64(v) is None]
    for i, v in enumerate(vals):
        value_messages = names.is_valid_label_value(v)
        if value_messages:
            problems.append(_invalid(f"values[{i}][{key}]", v, value_messages))
    if problems:
        raise errors.BadRequest(_aggregate(problems))
    return Requirement(key, op, tuple(vals))


# --- the string syntax (labels.Parse) ---------------------------------------

class _Tok(StrEnum):
    ERROR = "error"
    END = "end"
    CLOSED_PAR = ")"
    COMMA = ","
    DOES_NOT_EXIST = "!"
    DOUBLE_EQUALS = "=="
    EQUALS = "="
    GREATER_THAN = ">"
    IDENTIFIER = "identifier"
    IN = "in"
    LESS_THAN = "<"
    NOT_EQUALS = "!="
    NOT_IN = "notin"
    OPEN_PAR = "("


_KEYWORDS = {t.value: t for t in _Tok if t not in (_Tok.ERROR, _Tok.END, _Tok.IDENTIFIER)}
_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")
_OPERATOR_OF = {_Tok.IN: Operator.IN, _Tok.NOT_IN: Operator.NOT_IN,
                _Tok.EQUALS: Operator.EQUALS, _Tok.DOUBLE_EQUALS: Operator.DOUBLE_EQUALS,
                _Tok.NOT_EQUALS: Operator.NOT_EQUALS,
                _Tok.GREATER_THAN: Operator.GREATER_THAN, _Tok.LESS_THAN: Operator.LESS_THAN}


def _lex(text: str) -> list[tuple[_Tok, str]]:
    """The Lexer: identifiers run until whitespace or a special symbol."""
    items: list[tuple[_Tok, str]] = []
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos] in _WHITESPACE:
            pos += 1
        if pos >= end:
            items.append((_Tok.END, ""))
            return items
        if text[pos] in _SPECIAL:
            # Longest run of symbols that is still an operator: "!=" but "=" "!".
            buffer = ""
            last: tuple[_Tok, str] | None = None
            while pos < end and text[pos] in _SPECIAL:
                buffer += text[pos]
                pos += 1
                if buffer in _KEYWORDS:
                    last = (_KEYWORDS[buffer], buffer)
                elif last is not None:
                    pos -= 1
                    break
            items.append(last or (_Tok.ERROR, f"error expected: keyword found '{buffer}'"))
        else:
            start = pos
            while pos < end and text[pos] not in _SPECIAL and text[pos] not in _WHITESPACE:
                pos += 1
            literal = text[start:pos]
            items.append((_KEYWORDS.get(literal, _Tok.IDENTIFIER), literal))


class _ParseError(Exception):
    """A parser error before the `unable to parse requirement` wrapping."""


class _Parser:
    """labels.Parser: a recursive descent over the scanned items."""

    def __init__(self, text: str) -> None:
        self.items = _lex(text)
        self.position = 0

    def lookahead(self, values: bool = True) -> tuple[_Tok, str]:
        return self._as(self.items[self.position], values)

    def consume(self, values: bool = True) -> tuple[_Tok, str]:
        self.position += 1
        return self._as(self.items[self.position - 1], values)

    @staticmethod
    def _as(item: tuple[_Tok, str], values: bool) -> tuple[_Tok, str]:
        # Where a value is expected, `in` and `notin` are plain identifiers.
        if values and item[0] in (_Tok.IN, _Tok.NOT_IN):
            return _Tok.IDENTIFIER, item[1]
        return item

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            tok, lit = self.lookahead()
            if tok in (_Tok.IDENTIFIER, _Tok.DOES_NOT_EXIST):
                try:
                    requirements.append(self.requirement())
                except (_ParseError, errors.BadRequest) as err:
                    raise _ParseError(f"unable to parse requirement: {err}") from None
                tok, lit = self.consume()
                if tok is _Tok.END:
                    return requirements
                if tok is not _Tok.COMMA:
                    raise _ParseError(f"found '{lit}', expected: ',' or 'end of string'")
                tok2, lit2 = self.lookahead()
                if tok2 not in (_Tok.IDENTIFIER, _Tok.DOES_NOT_EXIST):
                    raise _ParseError(f"found '{lit2}', expected: identifier after ','")
            elif tok is _Tok.END:
                return requirements
            else:
                raise _ParseError(f"found '{lit}', expected: !, identifier, or 'end of string'")

    def requirement(self) -> Requirement:
        key, op = self.key_and_inferred_operator()
        if op in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
            return _new_requirement(key, op, [])
        op = self.operator()
        if op in (Operator.IN, Operator.NOT_IN):
            values = self.value_set()
        else:
            values = self.exact_value()
        return _new_requirement(key, op, sorted(values))

    def key_and_inferred_operator(self) -> tuple[str, Operator | None]:
        op: Operator | None = None
        tok, lit = self.consume()
        if tok is _Tok.DOES_NOT_EXIST:
            op = Operator.DOES_NOT_EXIST
            tok, lit = self.consume()
        if tok is not _Tok.IDENTIFIER:
            raise _ParseError(f"found '{lit}', expected: identifier")
        key_messages = names.is_qualified_name(lit)
        if key_messages:
            raise _ParseError(_invalid("<nil>", lit, key_messages))
        if self.lookahead()[0] in (_Tok.END, _Tok.COMMA) and op is None:
            op = Operator.EXISTS
        return lit, op

    def operator(self) -> Operator:
        tok, lit = self.consume(values=False)
        if tok in _OPERATOR_OF:
            return _OPERATOR_OF[tok]
        raise _ParseError(f"found '{lit}', expected: {', '.join(o.value for o in _BINARY)}")

    def value_set(self) -> set[str]:
        tok, lit = self.consume()
        if tok is not _Tok.OPEN_PAR:
            raise _ParseError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead()
        if tok in (_Tok.IDENTIFIER, _Tok.COMMA):
            values = self.identifiers()
            if self.consume()[0] is not _Tok.CLOSED_PAR:
                raise _ParseError(f"found '{lit}', expected: ')'")
            return values
        if tok is _Tok.CLOSED_PAR:  # "()" is the set holding the empty value
            self.consume()
            return {""}
        raise _ParseError(f"found '{lit}', expected: ',', ')' or identifier")

    def identifiers(self) -> set[str]:
        """A comma-separated list in which empty entries are the empty value."""
        values: set[str] = set()
        while True:
            tok, lit = self.consume()
            if tok is _Tok.IDENTIFIER:
                values.add(lit)
                tok2, lit2 = self.lookahead()
                if tok2 is _Tok.COMMA:
                    continue
                if tok2 is _Tok.CLOSED_PAR:
                    return values
                raise _ParseError(f"found '{lit2}', expected: ',' or ')'")
            if tok is _Tok.COMMA:
                if not values:
                    values.add("")  # "(,"
                tok2 = self.lookahead()[0]
                if tok2 is _Tok.CLOSED_PAR:
                    values.add("")  # ",)"
                    return values
                if tok2 is _Tok.COMMA:
                    values.add("")  # ",,"
                continue
            raise _ParseError(f"found '{lit}', expected: ',', or identifier")

    def exact_value(self) -> set[str]:
        if self.lookahead()[0] in (_Tok.END, _Tok.COMMA):
            return {""}
        tok, lit = self.consume()
        if tok is _Tok.IDENTIFIER:
            return {lit}
        raise _ParseError(f"found '{lit}', expected: identifier")


def parse(text: str) -> Selector:
    """Parse the `kubectl -l` syntax: `a=b,c!=d,e in (x,y),f notin (z),g,!h`.

    The empty string selects everything. Raises BadRequest with labels.Parse's
    message, e.g. `unable to parse requirement: found '', expected: identifier`.
    """
    try:
        return Selector(tuple(_Parser(text).parse()))
    except _ParseError as err:
        raise errors.BadRequest(str(err)) from None


# --- the object form (metav1.LabelSelector) ---------------------------------

_EXPRESSION_OPERATORS = {"In": Operator.IN, "NotIn": Operator.NOT_IN,
                         "Exists": Operator.EXISTS, "DoesNotExist": Operator.DOES_NOT_EXIST}


def from_label_selector(sel: Mapping[str, Any] | None) -> Selector:
    """LabelSelectorAsSelector: None selects nothing, `{}` selects everything.

    Raises BadRequest for an unknown operator or an invalid key or value.
    """
    if sel is None:
        return NOTHING
    match_labels: dict[str, str] = dict(sel.get("matchLabels") or {})
    expressions: list[Mapping[str, Any]] = list(sel.get("matchExpressions") or [])
    if not match_labels and not expressions:
        return EVERYTHING
    requirements = [_new_requirement(k, Operator.EQUALS, [v])
                    for k, v in sorted(match_labels.items())]
    for expr in expressions:
        raw_op = expr.get("operator", "")
        op = _EXPRESSION_OPERATORS.get(raw_op)
        if op is None:
            raise errors.BadRequest(
                f"{_go_quote(str(raw_op))} is not a valid pod selector operator")
        # Upstream copies the values with append([]string(nil), ...): empty is nil.
        values = list(expr.get("values") or []) or None
        requirements.append(_new_requirement(expr.get("key", ""), op, values))
    return Selector(tuple(requirements))


def from_set(labels: Mapping[str, str] | None) -> Selector:
    """SelectorFromSet: `key=value` for each label, unvalidated; empty selects everything."""
    return Selector(tuple(Requirement(k, Operator.EQUALS, (v,)) for k, v in (labels or {}).items()))


def format_label_selector(sel: Mapping[str, Any] | None) -> str:
    """metav1.FormatLabelSelector: the string kubectl prints, `<none>` when empty."""
    try:
        text = str(from_label_selector(sel))
    except errors.BadRequest:
        return "<error>"
    return text or "<none>"
