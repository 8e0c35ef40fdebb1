"""kubectl's JSONPath templates, evaluated as client-go's util/jsonpath (kubectl v1.32) does.

No I/O happens here. `JSONPath(template)` parses (raising `JSONPathError`
with client-go's message); `execute(data)` returns the printed text;
`find_results(data)` the raw result groups (for `--sort-by` and
custom columns). Values are decoded JSON as Go sees it: dicts are
`map[string]interface{}`, ints int64, floats float64. Printing follows
kubectl: maps and lists as JSON, `null` for nil, numbers as `%v`, the
results of one action joined by spaces. With `allow_missing_keys` (what
`--allow-missing-template-keys` sets, true by default) a missing field is
an empty result instead of `x is not found`.

`kubectl_error(template, data, exc)` words an execution error the way
`kubectl get -o jsonpath` prints it, debugging dump included.
"""
from __future__ import annotations

from typing import Any

from litekube.model import gofmt
from litekube.model.jsonpath_parsing import (
    ArrayNode,
    BoolNode,
    FieldNode,
    FilterNode,
    FloatNode,
    IdentifierNode,
    IntNode,
    JSONPathError,
    ListNode,
    Node,
    RecursiveNode,
    TextNode,
    UnionNode,
    WildcardNode,
    parse,
)

__all__ = ["JSONPath", "JSONPathError", "relaxed", "kubectl_error", "parse_error", "Byte"]


class Byte(int):
    """A uint8: what `[*]` or `..` yields for each byte of a string (Go indexes strings by byte)."""


def _type(value: Any) -> str:
    return "uint8" if isinstance(value, Byte) else gofmt.type_name(value)


def _children(value: Any) -> list[Any] | None:
    """What `*` and `..` iterate: map values (Go's map order is random; sorted keys here), list items, string bytes."""
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):
        return [Byte(b) for b in value.encode("utf-8")]
    return None


# -- text/template's comparison functions (client-go's forked copy) ------------
_BAD_TYPE = "invalid type for comparison"
_INCOMPATIBLE = "incompatible types for comparison"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Byte):
        return "uint"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    raise JSONPathError(_BAD_TYPE)


def _equal(left: Any, right: Any) -> bool:
    k1, k2 = _kind(left), _kind(right)
    if k1 != k2:
        if {k1, k2} == {"int", "uint"}:
            return left == right
        raise JSONPathError(_INCOMPATIBLE)
    return left == right


def _less(left: Any, right: Any) -> bool:
    k1, k2 = _kind(left), _kind(right)
    if k1 != k2:
        if {k1, k2} == {"int", "uint"}:
            return left < right
        raise JSONPathError(_INCOMPATIBLE)
    if k1 == "bool":
        raise JSONPathError(_BAD_TYPE)
    return left < right


def _compare(operator: str, left: Any, right: Any) -> bool:
    if operator == "<":
        return _less(left, right)
    if operator == ">":
        return not (_less(left, right) or _equal(left, right))
    if operator == "==":
        return _equal(left, right)
    if operator == "!=":
        return not _equal(left, right)
    if operator == "<=":
        return _less(left, right) or _equal(left, right)
    if operator == ">=":
        return not _less(left, right)
    raise JSONPathError(f"unrecognized filter operator {operator}")


class JSONPath:
    """One parsed template. Like client-go's, it keeps range state between calls: use one per print."""

    def __init__(self, template: str, allow_missing_keys: bool = False) -> None:
        self.template = template
        self.root = parse(template)
        self.allow_missing_keys = allow_missing_keys
        self._last_end: Node | None = None
        self._begin_range = 0
        self._in_range = 0
        self._end_range = 0

    def execute(self, data: Any) -> str:
        """The text the template prints for `data`; raises JSONPathError."""
        return "".join(print_results(group) for group in self.find_results(data))

    def find_results(self, data: Any) -> list[list[Any]]:
        cur = [data]
        nodes = self.root.nodes
        full: list[list[Any]] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            results = self._walk(cur, node)
            # an {end}: this iteration of the enclosing range is over
            if self._end_range > 0 and self._end_range <= self._in_range:
                self._end_range -= 1
                self._last_end = node
                break
            # a {range}: run the rest of the template once per result, then resume after its {end}
            if self._begin_range > 0:
                self._begin_range -= 1
                self._in_range += 1
                if results:
                    for value in results:
                        self.root.nodes = nodes[i + 1:]
                        full.extend(self.find_results(value))
                else:  # still walk the body, so that the position advances to its {end}
                    self.root.nodes = nodes[i + 1:]
                    self.find_results(None)
                self._in_range -= 1
                for k in range(i + 1, len(nodes)):
                    if nodes[k] is self._last_end:
                        i = k
                        break
                i += 1
                continue
            full.append(results)
            i += 1
        return full

    # -- evaluation of one node over the current values ---------------------
    def _walk(self, values: list[Any], node: Node) -> list[Any]:
        if isinstance(node, ListNode):
            return self._list(values, node)
        if isinstance(node, TextNode):
            return [node.text]
        if isinstance(node, FieldNode):
            return self._field(values, node)
        if isinstance(node, ArrayNode):
            return self._array(values, node)
        if isinstance(node, FilterNode):
            return self._filter(values, node)
        if isinstance(node, (IntNode, FloatNode, BoolNode)):
            return [node.value for _ in values]
        if isinstance(node, WildcardNode):
            return [child for value in values if value is not None for child in (_children(value) or [])]
        if isinstance(node, RecursiveNode):
            return self._recursive(values)
        if isinstance(node, UnionNode):
            return [r for part in node.nodes for r in self._list(values, part)]
        if isinstance(node, IdentifierNode):
            return self._identifier(values, node)
        raise JSONPathError(f"unexpected Node {node}")

    def _list(self, values: list[Any], node: ListNode) -> list[Any]:
        for child in node.nodes:
            values = self._walk(values, child)
        return values

    def _identifier(self, values: list[Any], node: IdentifierNode) -> list[Any]:
        if node.name == "range":
            self._begin_range += 1
            return values
        if node.name == "end":
            if self._in_range <= 0:
                raise JSONPathError("not in range, nothing to end")
            self._end_range += 1
            return []
        raise JSONPathError(f"unrecognized identifier {node.name}", values)

    def _field(self, values: list[Any], node: FieldNode) -> list[Any]:
        if not values:
            return []
        results = [value[node.value] for value in values if isinstance(value, dict) and node.value in value]
        if not results and not self.allow_missing_keys:
            raise JSONPathError(f"{node.value} is not found")
        return results

    def _array(self, values: list[Any], node: ArrayNode) -> list[Any]:
        result: list[Any] = []
        for value in values:
            if value is None:
                continue
            if not isinstance(value, list):
                raise JSONPathError(f"{_type(value)} is not array or slice", values)
            length = len(value)
            start = node.params[0].value if node.params[0].known else 0
            if start < 0:
                start += length
            end = node.params[1].value if node.params[1].known else length
            if end < 0 or (end == 0 and node.params[1].derived):
                end += length
            if end == start:  # zero elements asked for: fine, and the end of this node
                return result
            if start >= length or start < 0:
                raise JSONPathError(f"array index out of bounds: index {start}, length {length}", values)
            if end > length or end < 0:
                raise JSONPathError(f"array index out of bounds: index {end - 1}, length {length}", values)
            if start > end:
                raise JSONPathError(f"starting index {start} is greater than ending index {end}", values)
            step = 1
            if node.params[2].known:
                if node.params[2].value <= 0:
                    raise JSONPathError("step must be > 0", values)
                step = node.params[2].value
            result.extend(value[start:end:step])
        return result

    def _recursive(self, values: list[Any]) -> list[Any]:
        result: list[Any] = []
        for value in values:
            if value is None:
                continue
            children = _children(value)
            if children:
                result.append(value)
                result.extend(self._recursive(children))
        return result

    def _filter(self, values: list[Any], node: FilterNode) -> list[Any]:
        results: list[Any] = []
        for value in values:
            if not isinstance(value, list):
                raise JSONPathError(f"{gofmt.sprint(value)} is not array or slice and cannot be filtered", values)
            for item in value:
                failure: JSONPathError | None = None
                try:
                    lefts = self._list([item], node.left)
                except JSONPathError as exc:
                    lefts, failure = exc.partial, exc
                if node.operator == "exists":
                    if lefts:
                        results.append(item)
                    continue
                if failure is not None:
                    raise JSONPathError(str(failure), values)
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise JSONPathError("can only compare one element at a time", values)
                try:
                    rights = self._list([item], node.right)
                except JSONPathError as exc:
                    raise JSONPathError(str(exc), values) from None
                if not rights:
                    continue
                if len(rights) > 1:
                    raise JSONPathError("can only compare one element at a time", values)
                try:
                    passed = _compare(node.operator, lefts[0], rights[0])
                except JSONPathError as exc:
                    raise JSONPathError(str(exc), results) from None
                if passed:
                    results.append(item)
        return results


def print_results(results: list[Any]) -> str:
    """PrintResults: maps and lists as JSON, nil as null, the rest as fmt prints it; space separated."""
    texts = []
    for value in results:
        if isinstance(value, (dict, list)):
            texts.append(gofmt.marshal(value))
        elif value is None:
            texts.append("null")
        else:
            texts.append(gofmt.sprint(value))
    return " ".join(texts)


def relaxed(expression: str) -> str:
    """RelaxedJSONPathExpression: `metadata.name`, `.metadata.name`, `{metadata.name}` -> `{.metadata.name}`.

    Raises JSONPathError with kubectl's message for anything else.
    """
    import re

    if not expression:
        return expression
    match = re.match(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$", expression)
    if match is None:
        raise JSONPathError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
                            "'{name1.name2}' or '{.name1.name2}'")
    return "{." + (match.group(1) or match.group(2)) + "}"


def parse_error(template: str, exc: JSONPathError) -> str:
    """kubectl's message for a template that does not parse (cli-runtime's JSONPathPrintFlags)."""
    return f"error parsing jsonpath {template}, {exc}\n"


def kubectl_error(template: str, data: Any, exc: JSONPathError) -> str:
    """kubectl's message when executing a template fails (cli-runtime's JSONPathPrinter)."""
    return (f"error executing jsonpath {gofmt.quote(template)}: Error executing template: {exc}. "
            f"Printing more information for debugging the template:\n"
            f"\ttemplate was:\n\t\t{template}\n"
            f"\tobject given to jsonpath engine was:\n\t\t{gofmt.go_syntax(data)}\n\n\n")
