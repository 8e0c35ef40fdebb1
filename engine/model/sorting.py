"""`kubectl get --sort-by`: kubectl v1.32's sorter (pkg/cmd/get/sorter.go).

No I/O happens here. The sort key is a JSONPath (`.metadata.name`,
`{.status.startTime}`, `.spec.containers[0].resources.requests.cpu`); only
the first value it finds counts. Strings sort bytewise, except that two
strings which both parse as quantities (`100m`, `0.5`, `1Gi`) compare as
quantities; integers and floats compare numerically; timestamps are RFC
3339 strings, so they sort in time order. An object without the field
sorts first. Types that cannot be compared (a number against a string, a
map, a bool) end kubectl with an error, and so here. Go's sort is not
stable and the order of ties is Go's: see gosort.

`sort_objects` is the sorter behind `-o json|yaml|name|jsonpath|custom-columns`
(the whole answer as one list); `sort_table` the one behind tables (one
kind's rows at a time).
"""
from __future__ import annotations

from typing import Any

from litekube.model import gofmt, gosort, quantities
from litekube.model.jsonpath import Byte, JSONPath, JSONPathError, relaxed

__all__ = ["SortError", "Unsortable", "sort_objects", "sort_table"]


class SortError(Exception):
    """kubectl's error for a --sort-by that cannot sort."""


class Unsortable(SortError):
    """Values that cannot be compared: kubectl stops with a fatal log line, whatever the printer."""


def _quantity(text: str):
    try:
        return quantities.parse(text)
    except (ValueError, ArithmeticError):
        return None


def _kind(value: Any) -> str:
    if isinstance(value, Byte):
        return "uint8"
    return gofmt.type_name(value)


def _is_less(left: Any, right: Any) -> bool:
    """isLess over two values found in decoded JSON (interface{} members)."""
    if left is None or right is None:
        return left is None and right is not None
    if isinstance(left, Byte):
        return int(left) < int(right)
    if isinstance(left, bool) or isinstance(left, (dict, list)):
        raise SortError(f"unsortable type: {_kind(left)}")
    same = type(right) is type(left) and not isinstance(right, bool)
    if isinstance(left, str) and isinstance(right, str):
        a, b = _quantity(left), _quantity(right)
        if a is not None and b is not None:
            return a < b
        return left.encode("utf-8") < right.encode("utf-8")
    if same and isinstance(left, (int, float)):
        return left < right
    raise SortError("unsortable interface: interface")


def _first(parser: JSONPath, obj: dict) -> tuple[bool, Any]:
    groups = parser.find_results(obj)
    if groups and groups[0]:
        return True, groups[0][0]
    return False, None


class _Key:
    """An object and its sort value (found: whether the field exists)."""

    def __init__(self, obj: dict, found: bool, value: Any) -> None:
        self.obj, self.found, self.value = obj, found, value


def _less(field: str, holder: str = "*unstructured.Unstructured"):
    def less(a: _Key, b: _Key) -> bool:
        if not a.found:
            return True
        if not b.found:
            return False
        try:
            return _is_less(a.value, b.value)
        except SortError as exc:
            raise Unsortable(f"Field {field} in {holder} is an unsortable type: interface, err: {exc}") from None
    return less


def _keys(objs: list[dict], field: str, error_prefix: str = "") -> list[_Key]:
    try:
        parser = JSONPath(field, allow_missing_keys=True)
    except JSONPathError as exc:
        raise SortError(f"{error_prefix}{exc}") from None
    # kubectl checks the path against the objects before sorting: found in one is enough
    for obj in objs:
        try:
            found, _ = _first(parser, obj)
        except JSONPathError as exc:
            raise SortError(str(exc)) from None
        if found:
            break
    else:
        raise SortError(f"couldn't find any field with path {gofmt.quote(field)} in the list of objects")
    keys = []
    for obj in objs:
        try:
            found, value = _first(JSONPath(field, allow_missing_keys=True), obj)
        except JSONPathError as exc:
            raise SortError(f"Failed to get values for {field}: {exc}") from None
        keys.append(_Key(obj, found, value))
    return keys


def sort_objects(objs: list[dict], sort_by: str) -> list[dict]:
    """SortObjects: the objects in kubectl's order for `sort_by`; raises SortError."""
    if not objs:
        return []
    try:
        field = relaxed(sort_by)
    except JSONPathError as exc:
        raise SortError(str(exc)) from None
    keys = _keys(objs, field)
    gosort.sort_list(keys, _less(field))
    return [k.obj for k in keys]


def sort_table(objs: list[dict], sort_by: str) -> list[dict]:
    """The table printer's sorter (TableSorter) over one kind's rows; raises SortError or Unsortable."""
    if not objs:
        return []
    try:
        field = relaxed(sort_by)
    except JSONPathError:
        field = sort_by
    keys = _keys(objs, field, "sorting error: ")
    gosort.sort_list(keys, _less(field, "[][][]reflect.Value"))
    return [k.obj for k in keys]
