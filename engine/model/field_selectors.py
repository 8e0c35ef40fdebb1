"""Field selectors (`kubectl --field-selector`), parsed and matched as upstream.

No I/O happens here. A field selector is a flat AND of `path=value`,
`path==value` and `path!=value` terms (fields.ParseSelector); a path is
dotted into the object (`metadata.name`, `spec.nodeName`, `status.phase`,
`involvedObject.kind`) and a missing field reads as "". Syntax errors raise
`errors.BadRequest` with apimachinery's wording.
"""
from __future__ import annotations

from typing import Iterable, Mapping, NamedTuple

from litekube import errors

__all__ = ["FieldRequirement", "parse_fields", "match_fields", "field_value"]


class FieldRequirement(NamedTuple):
    """One `--field-selector` term: `status.phase!=Running`."""

    field: str
    operator: str
    value: str


_FIELD_OPERATORS = ("!=", "==", "=")


def _split_terms(text: str) -> list[str]:
    """Split on commas that are not escaped with a backslash."""
    if not text:
        return []
    terms: list[str] = []
    start, escaped = 0, False
    for i, ch in enumerate(text):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ",":
            terms.append(text[start:i])
            start = i + 1
    terms.append(text[start:])
    return terms


def _unescape(value: str) -> str:
    """fields.UnescapeValue: `\\\\`, `\\,` and `\\=` are the only escapes."""
    out: list[str] = []
    escaped = False
    for ch in value:
        if escaped:
            if ch not in "\\,=":
                raise errors.BadRequest(
                    f"invalid field selector: invalid escape sequence: \\{ch}")
            out.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in ",=":
            # Go prints the rune with %v: its code point, not the character.
            raise errors.BadRequest(
                f"invalid field selector: unescaped character in value: {ord(ch)}")
        else:
            out.append(ch)
    if escaped:
        raise errors.BadRequest("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def parse_fields(text: str) -> list[FieldRequirement]:
    """Parse `--field-selector`: comma-separated `path=value`, `path==value`, `path!=value`.

    Terms come back sorted as upstream sorts them. Raises BadRequest with
    `invalid selector: '<text>'; can't understand '<term>'` for a term
    without an operator.
    """
    requirements: list[FieldRequirement] = []
    for term in sorted(_split_terms(text)):
        if not term:
            continue
        for i in range(len(term)):
            op = next((o for o in _FIELD_OPERATORS if term.startswith(o, i)), None)
            if op is not None:
                requirements.append(
                    FieldRequirement(term[:i], op, _unescape(term[i + len(op):])))
                break
        else:
            raise errors.BadRequest(f"invalid selector: '{text}'; can't understand '{term}'")
    return requirements


def field_value(obj: Mapping[str, object], path: str) -> str:
    """The value at a dotted path as a field set holds it: missing is ""."""
    current: object = obj
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return ""
        current = current[part]
    if current is None:
        return ""
    if isinstance(current, bool):
        return "true" if current else "false"
    return str(current)


def match_fields(obj: Mapping[str, object], requirements: Iterable[FieldRequirement]) -> bool:
    """True when every term holds for the object."""
    for req in requirements:
        equal = field_value(obj, req.field) == req.value
        if equal != (req.operator != "!="):
            return False
    return True
