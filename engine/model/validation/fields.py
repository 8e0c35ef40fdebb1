"""Field errors and the checks every kind shares: metadata, labels, selectors, numbers.

No I/O happens here. `Errs` collects causes in upstream's order; the
`go_*` helpers render values as Go's `%#v` prints them in field errors
(`map[string]string{"app":"web"}`, `intstr.IntOrString{Type:1, ...}`).
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Mapping

from litekube.errors import Cause, Raw
from litekube.model import names

__all__ = [
    "Errs", "go_quote", "go_map", "go_strings", "go_intstr", "go_selector",
    "validate_object_meta", "validate_labels", "validate_annotations", "validate_label_name",
    "validate_label_selector", "nonnegative", "positive", "validate_port_num_or_name",
    "is_valid_port_name", "is_valid_port_num", "NAME_CHECKS", "TOTAL_ANNOTATION_SIZE_LIMIT",
]

TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024
NOT_NEGATIVE = "must be greater than or equal to 0"


class Errs(list[Cause]):
    """An ErrorList: one method per field.Error constructor."""

    def invalid(self, path: str, value: object, detail: str) -> None:
        self.append(Cause(path, "Invalid value", detail, value))

    def required(self, path: str, detail: str = "") -> None:
        self.append(Cause(path, "Required value", detail))

    def forbidden(self, path: str, detail: str) -> None:
        self.append(Cause(path, "Forbidden", detail))

    def duplicate(self, path: str, value: object) -> None:
        self.append(Cause(path, "Duplicate value", "", value))

    def not_found(self, path: str, value: object) -> None:
        self.append(Cause(path, "Not found", "", value))

    def not_supported(self, path: str, value: object, supported: Iterable[str]) -> None:
        detail = "supported values: " + ", ".join(go_quote(s) for s in supported)
        self.append(Cause(path, "Unsupported value", detail, value))

    def too_long(self, path: str, limit: int) -> None:
        self.append(Cause(path, "Too long", f"may not be more than {limit} bytes"))

    def messages(self, path: str, value: object, messages: Iterable[str]) -> None:
        for msg in messages:
            self.invalid(path, value, msg)


def go_quote(text: str) -> str:
    """strconv.Quote for the common cases."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def go_map(values: Mapping[str, str] | None) -> Raw:
    """`%#v` of a map[string]string: sorted keys, `(nil)` for a missing map."""
    if values is None:
        return Raw("map[string]string(nil)")
    body = ", ".join(f"{go_quote(k)}:{go_quote(str(v))}" for k, v in sorted(values.items()))
    return Raw("map[string]string{" + body + "}")


def go_strings(values: Iterable[str] | None) -> Raw:
    if values is None:
        return Raw("[]string(nil)")
    return Raw("[]string{" + ", ".join(go_quote(v) for v in values) + "}")


def go_intstr(value: Any) -> Raw:
    """`%#v` of an intstr.IntOrString value."""
    if isinstance(value, str):
        return Raw(f'intstr.IntOrString{{Type:1, IntVal:0, StrVal:{go_quote(value)}}}')
    number = int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
    return Raw(f'intstr.IntOrString{{Type:0, IntVal:{number}, StrVal:""}}')


def go_selector(sel: Mapping[str, Any] | None) -> Raw:
    """`%#v` of a v1.LabelSelector (the value behind the pointer)."""
    sel = sel or {}
    labels = sel.get("matchLabels")
    exprs = sel.get("matchExpressions")
    if exprs is None:
        rendered = "[]v1.LabelSelectorRequirement(nil)"
    else:
        items = ", ".join(
            f'v1.LabelSelectorRequirement{{Key:{go_quote(e.get("key", ""))}, '
            f'Operator:{go_quote(e.get("operator", ""))}, Values:{go_strings(e.get("values"))}}}'
            for e in exprs)
        rendered = "[]v1.LabelSelectorRequirement{" + items + "}"
    return Raw(f"v1.LabelSelector{{MatchLabels:{go_map(labels)}, MatchExpressions:{rendered}}}")


def _mask_trailing_dash(name: str) -> str:
    return name[:-1] + "a" if len(name) > 1 and name.endswith("-") else name


NAME_CHECKS: dict[str, Callable[[str], list[str]]] = {
    "Namespace": names.is_dns1123_label,
    "Service": names.is_dns1035_label,
}


def _path_segment_name(name: str) -> list[str]:
    """ValidatePathSegmentName (RBAC kinds): `:` allowed, `/` and `%` not."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


for _rbac_kind in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"):
    NAME_CHECKS[_rbac_kind] = _path_segment_name


def validate_object_meta(errs: Errs, meta: Mapping[str, Any], kind: str, namespaced: bool,
                         path: str = "metadata") -> None:
    """ValidateObjectMeta: name or generateName, namespace scope, labels, annotations."""
    check = NAME_CHECKS.get(kind, names.is_dns1123_subdomain)
    generate = meta.get("generateName") or ""
    if generate:
        errs.messages(f"{path}.generateName", generate, check(_mask_trailing_dash(generate)))
    name = meta.get("name") or ""
    if not name:
        errs.required(f"{path}.name", "name or generateName is required")
    else:
        errs.messages(f"{path}.name", name, check(name))
    namespace = meta.get("namespace") or ""
    if namespaced:
        if not namespace:
            errs.required(f"{path}.namespace")
        else:
            errs.messages(f"{path}.namespace", namespace, names.is_dns1123_label(namespace))
    elif namespace:
        errs.forbidden(f"{path}.namespace", "not allowed on this type")
    generation = meta.get("generation")
    if isinstance(generation, int) and generation < 0:
        errs.invalid(f"{path}.generation", generation, NOT_NEGATIVE)
    validate_labels(errs, meta.get("labels"), f"{path}.labels")
    validate_annotations(errs, meta.get("annotations"), f"{path}.annotations")
    for i, ref in enumerate(meta.get("ownerReferences") or []):
        ref_path = f"{path}.ownerReferences[{i}]"
        for key in ("apiVersion", "kind", "name", "uid"):
            if not ref.get(key):
                if key == "uid":
                    errs.invalid(f"{ref_path}.uid", "", "uid must not be empty")
                else:
                    errs.invalid(f"{ref_path}.{key}", "", f"{key} must not be empty")


def validate_label_name(errs: Errs, key: str, path: str) -> None:
    errs.messages(path, key, names.is_qualified_name(key))


def validate_labels(errs: Errs, labels: Mapping[str, Any] | None, path: str) -> None:
    """ValidateLabels: every key a qualified name, every value a label value, at `path`."""
    for key, value in (labels or {}).items():
        validate_label_name(errs, key, path)
        errs.messages(path, value, names.is_valid_label_value(str(value)))


def validate_annotations(errs: Errs, annotations: Mapping[str, Any] | None, path: str) -> None:
    total = 0
    for key, value in (annotations or {}).items():
        errs.messages(path, key, names.is_qualified_name(key.lower()))
        total += len(key.encode()) + len(str(value).encode())
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        errs.too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT)


def validate_label_selector(errs: Errs, sel: Mapping[str, Any] | None, path: str) -> None:
    """ValidateLabelSelector: expressions' operators and values, matchLabels."""
    if sel is None:
        return
    for i, expr in enumerate(sel.get("matchExpressions") or []):
        expr_path = f"{path}.matchExpressions[{i}]"
        op, values = expr.get("operator", ""), expr.get("values") or []
        if op in ("In", "NotIn"):
            if not values:
                errs.required(f"{expr_path}.values",
                              "must be specified when `operator` is 'In' or 'NotIn'")
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.forbidden(f"{expr_path}.values",
                               "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
        else:
            errs.invalid(f"{expr_path}.operator", op, "not a valid selector operator")
        validate_label_name(errs, expr.get("key", ""), f"{expr_path}.key")
        for j, value in enumerate(values):
            errs.messages(f"{expr_path}.values[{j}]", value, names.is_valid_label_value(str(value)))
    validate_labels(errs, sel.get("matchLabels"), f"{path}.matchLabels")


def nonnegative(errs: Errs, value: Any, path: str) -> None:
    """ValidateNonnegativeField."""
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        errs.invalid(path, value, NOT_NEGATIVE)


def positive(errs: Errs, value: Any, path: str) -> None:
    """ValidatePositiveField."""
    if isinstance(value, int) and not isinstance(value, bool) and value <= 0:
        errs.invalid(path, value, "must be greater than zero")


def is_valid_port_num(port: int) -> list[str]:
    return [] if 1 <= port <= 65535 else ["must be between 1 and 65535, inclusive"]


def is_valid_port_name(port: str) -> list[str]:
    """IsValidPortName (IANA_SVC_NAME)."""
    errs: list[str] = []
    if len(port) > 15:
        errs.append(names.max_len_error(15))
    if not re.fullmatch(r"[-a-z0-9]+", port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def validate_port_num_or_name(errs: Errs, port: Any, path: str) -> None:
    if isinstance(port, str):
        errs.messages(path, port, is_valid_port_name(port))
    else:
        number = int(port or 0)
        errs.messages(path, number, is_valid_port_num(number))
