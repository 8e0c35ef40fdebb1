"""Field selectors (`kubectl --field-selector`), parsed and matched as upstream.

No I/O happens here. A field selector is a flat AND of `path=value`,
`path==value` and `path!=value` terms (fields.ParseSelector); a path is
dotted into the object (`metadata.name`, `spec.nodeName`, `status.phase`,
`involvedObject.kind`) and a missing field reads as "". Syntax errors raise
`errors.BadRequest` with apimachinery's wording.
"""
from __future__ import annotations

from typing import Callable, Iterable, Mapping, NamedTuple

from litekube import errors

__all__ = ["FieldRequirement", "parse_fields", "match_fields", "field_value", "FIELD_LABELS", "check_supported",
           "source_path"]


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


def _at(obj: Mapping[str, object], *keys: str) -> object:
    current: object = obj
    for key in keys:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def _bool(value: object) -> str:
    return "true" if value else "false"


def _count(value: object) -> str:
    return str(int(value or 0))


def _first_ip(value: object) -> str:
    return str(((value or [{}])[0] or {}).get("ip") or "") if isinstance(value, list) else ""


# The field set values that are not the string at the label's path (upstream's ToSelectableFields),
# by (kind, label): the stored path each reads (what a projected list must hold for it) and how its
# value is printed. A bool or a count is printed even when absent (false, 0), a Job's label names
# status.succeeded, an Event's `source` is its source.component, and a Pod's status.podIP is its
# first podIPs entry (status.podIPs is accepted as a label but is no field of the set: "").
_DERIVED: dict[tuple[str, str], tuple[tuple[str, ...], Callable[[object], str]]] = {
    ("Pod", "spec.hostNetwork"): (("spec", "hostNetwork"), _bool),
    ("Pod", "status.podIP"): (("status", "podIPs"), _first_ip),
    ("Pod", "status.podIPs"): (("status", "podIPs"), lambda _: ""),
    ("Node", "spec.unschedulable"): (("spec", "unschedulable"), _bool),
    ("ReplicaSet", "status.replicas"): (("status", "replicas"), _count),
    ("ReplicationController", "status.replicas"): (("status", "replicas"), _count),
    ("Job", "status.successful"): (("status", "succeeded"), _count),
    ("Event", "source"): (("source", "component"), lambda v: str(v or "")),
}


def field_value(obj: Mapping[str, object], path: str) -> str:
    """The value of a field label as the object's field set holds it: missing is ""."""
    derived = _DERIVED.get((obj.get("kind"), path))  # type: ignore[arg-type]
    if derived is not None:
        stored, printed = derived
        return printed(_at(obj, *stored))
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


# The field labels each kind's registry accepts besides metadata.name and metadata.namespace
# (upstream's GetAttrs / AddFieldLabelConversionFunc per kind; a custom resource has only those two).
FIELD_LABELS: dict[str, frozenset[str]] = {
    "Pod": frozenset({"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                      "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
                      "status.nominatedNodeName"}),
    "Event": frozenset({"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"}),
    "Secret": frozenset({"type"}), "Node": frozenset({"spec.unschedulable"}),
    "Namespace": frozenset({"status.phase"}), "ReplicaSet": frozenset({"status.replicas"}),
    "ReplicationController": frozenset({"status.replicas"}), "Job": frozenset({"status.successful"}),
    "Service": frozenset({"spec.clusterIP", "spec.type"}), "PersistentVolumeClaim": frozenset({"spec.volumeName"}),
    "CertificateSigningRequest": frozenset({"spec.signerName"}),
}
_EVERY_KIND = frozenset({"metadata.name", "metadata.namespace"})


# Field labels a kind's v1 conversion renames before it selects (upstream's
# AddFieldLabelConversionsForPod: "spec.host" is kept for old v1 clients and means spec.nodeName).
_ALIASES: dict[tuple[str, str], str] = {("Pod", "spec.host"): "spec.nodeName"}


def check_supported(kind: str, requirements: Iterable[FieldRequirement]) -> list[FieldRequirement]:
    """The terms as the kind's registry selects by them (an alias converted to its label), or raise
    BadRequest `field label not supported: <field>` for the first term (in the parsed, sorted order) on
    a field the kind's registry does not select by, as the API server refuses a list."""
    labels = FIELD_LABELS.get(kind, frozenset())
    converted: list[FieldRequirement] = []
    for req in requirements:
        field = _ALIASES.get((kind, req.field), req.field)
        if field not in _EVERY_KIND and field not in labels:
            raise errors.BadRequest(f"field label not supported: {req.field}")
        converted.append(req if field == req.field else req._replace(field=field))
    return converted


def source_path(kind: str, field: str) -> tuple[str, ...]:
    """The stored path a field label reads (a projection's extra path for a field selector)."""
    derived = _DERIVED.get((kind, field))
    return derived[0] if derived is not None else tuple(field.split("."))
