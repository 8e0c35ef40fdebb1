"""Strict decoding of objects against the field descriptions, as kube-apiserver does.

No I/O happens here. `strict_decode` walks an object as Go's JSON decoder
(sigs.k8s.io/json, case-sensitive) walks it into the typed struct, and
raises what the apiserver answers with `fieldValidation=Strict`:

- the first type mismatch, worded as Go's UnmarshalTypeError
  (`json: cannot unmarshal string into Go struct field
  DeploymentSpec.spec.replicas of type int32`), or the error of a type with
  its own unmarshaller (quantities, base64 bytes, times);
- otherwise every unknown field, with its full path
  (`strict decoding error: unknown field "spec.template.spec.containers[0].foo"`).
"""
from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from litekube import errors
from litekube.model import kinds, quantities
from litekube.model.schemas import KIND_SCHEMAS, SERVED_SCHEMAS, describe
from litekube.model.schemas.types import (
    ListOf,
    MapOf,
    Scalar,
    Spec,
    Special,
    Struct,
    go_type,
)

__all__ = ["strict_decode", "type_error", "typed_nulls", "schema_for", "describe", "KIND_SCHEMAS"]

_INT_RANGES = {"int32": (-(2 ** 31), 2 ** 31 - 1), "int64": (-(2 ** 63), 2 ** 63 - 1)}
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z")
_B64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}\Z")


class _Abort(Exception):
    """A custom unmarshaller failed: decoding stops with this message."""


def schema_for(kind: str) -> Struct:
    """The top-level Struct describing a kind; KeyError for a kind litekube does not serve."""
    return KIND_SCHEMAS[kind]


def type_error(obj: dict[str, Any], spec: Struct) -> str | None:
    """The first error Go's (non-strict) JSON decoder meets decoding `obj` into `spec`, or None."""
    decoder = _Decoder()
    try:
        decoder.value(obj, spec, None, [], "")
    except _Abort as err:
        return str(err)
    return decoder.saved


def strict_decode(obj: dict[str, Any], strict_errors: tuple[str, ...] | list[str] = ()) -> None:
    """Check an object's fields and their JSON types; None when it decodes cleanly.

    `strict_errors` are what decoding the request body found already (duplicate
    keys); they come first in the strict decoding error, before unknown fields.
    Raises errors.BadRequest worded as the apiserver's
    `Deployment in version "v1" cannot be handled as a Deployment: ...`.
    """
    kind = obj.get("kind", "")
    version = str(obj.get("apiVersion") or "").rpartition("/")[2] or kinds.lookup(kind).version
    decoder = _Decoder()
    top = SERVED_SCHEMAS.get((str(obj.get("apiVersion") or ""), kind)) or schema_for(kind)
    try:
        decoder.value(obj, top, None, [], "")
        problem = decoder.saved
    except _Abort as err:
        problem = str(err)
    if problem is None and (decoder.unknown or strict_errors):
        problem = "strict decoding error: " + ", ".join(
            [*strict_errors, *(f'unknown field "{path}"' for path in decoder.unknown)])
    if problem is not None:
        raise errors.BadRequest(f'{kind} in version "{version}" cannot be handled as a {kind}: {problem}')


def _json_kind(value: Any) -> str:
    """The `Value` of Go's UnmarshalTypeError for a JSON literal that does not fit."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


class _Decoder:
    """One decoding pass: the first saved type error and the unknown fields, in order."""

    def __init__(self) -> None:
        self.saved: str | None = None
        self.unknown: list[str] = []

    def _type_error(self, found: str, spec: Spec, struct: Struct | None, stack: list[str]) -> str:
        if struct is None:
            return f"json: cannot unmarshal {found} into Go value of type {go_type(spec)}"
        return (f"json: cannot unmarshal {found} into Go struct field "
                f"{struct.name}.{'.'.join(stack)} of type {go_type(spec)}")

    def _save(self, found: str, spec: Spec, struct: Struct | None, stack: list[str]) -> None:
        if self.saved is None:
            self.saved = self._type_error(found, spec, struct, stack)

    def value(self, value: Any, spec: Spec, struct: Struct | None, stack: list[str], path: str) -> None:
        if value is None:
            return  # null leaves the zero value, whatever the type
        if isinstance(spec, Special):
            self._special(value, spec, struct, stack)
        elif isinstance(spec, Scalar):
            self._scalar(value, spec, struct, stack)
        elif isinstance(spec, ListOf):
            if not isinstance(value, list):
                self._save(_json_kind(value), spec, struct, stack)
                return
            for i, item in enumerate(value):
                self.value(item, spec.elem, struct, stack, f"{path}[{i}]")
        elif isinstance(spec, MapOf):
            if not isinstance(value, dict):
                self._save(_json_kind(value), spec, struct, stack)
                return
            for key, item in value.items():
                self.value(item, spec.elem, struct, stack, f"{path}[{key}]")
        else:
            if not isinstance(value, dict):
                self._save(_json_kind(value), spec, struct, stack)
                return
            for key, item in value.items():
                sub = spec.fields.get(key)
                child_path = f"{path}.{key}" if path else key
                if sub is None:
                    self.unknown.append(child_path)
                    continue
                self.value(item, sub, spec, [*stack, key], child_path)

    def _scalar(self, value: Any, spec: Scalar, struct: Struct | None, stack: list[str]) -> None:
        if spec.json == "string":
            if not isinstance(value, str):
                self._save(_json_kind(value), spec, struct, stack)
        elif spec.json == "boolean":
            if not isinstance(value, bool):
                self._save(_json_kind(value), spec, struct, stack)
        elif spec.json == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self._save(_json_kind(value), spec, struct, stack)
        else:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self._save(_json_kind(value), spec, struct, stack)
                return
            low, high = _INT_RANGES.get(spec.go, _INT_RANGES["int64"])
            whole = isinstance(value, int) or (value.is_integer() and abs(value) < 1e21)
            if not whole or not low <= int(value) <= high:
                self._save(f"number {_number_text(value)}", spec, struct, stack)

    def _special(self, value: Any, spec: Special, struct: Struct | None, stack: list[str]) -> None:
        if spec.name == "quantity":
            try:
                quantities.parse(value if isinstance(value, (str, int, float)) else True)
            except ValueError as err:
                raise _Abort(str(err)) from None
        elif spec.name == "intstr":
            if isinstance(value, str):
                return
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise _Abort(self._type_error(_json_kind(value), Scalar("int32", "integer"),
                                              struct, stack))
            whole = isinstance(value, int) or value.is_integer()
            if not whole or not -(2 ** 31) <= int(value) < 2 ** 31:
                raise _Abort(self._type_error(f"number {_number_text(value)}",
                                              Scalar("int32", "integer"), struct, stack))
        elif spec.name == "time":
            if not isinstance(value, str):
                raise _Abort(self._type_error(_json_kind(value), Scalar("string", "string"),
                                              struct, stack))
            if not _RFC3339.match(value):
                raise _Abort(f'parsing time "{value}" as "2006-01-02T15:04:05Z07:00": '
                             f'cannot parse "{value}" as "2006"')
        elif spec.name == "bytes":
            if not isinstance(value, str):
                self._save(_json_kind(value), spec, struct, stack)
                return
            offset = _base64_error(value)
            if offset is not None and self.saved is None:
                self.saved = f"illegal base64 data at input byte {offset}"


def _base64_error(text: str) -> int | None:
    """The offset Go's base64.StdEncoding reports for malformed input, or None."""
    data = text.replace("\r", "").replace("\n", "")
    for i, ch in enumerate(data):
        if not (ch.isascii() and (ch.isalnum() or ch in "+/=")):
            return i
    if not _B64.match(data) or len(data) % 4:
        return (len(data) // 4) * 4 if len(data) % 4 else max(0, data.find("="))
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return max(0, data.find("="))
    return None


# -- nulls ----------------------------------------------------------------------------

def typed_nulls(obj: dict[str, Any]) -> None:
    """Replace, in place, the nulls a typed decode would not keep, as the apiserver stores them.

    Decoding into Go types turns a null list item or map value into its
    type's zero value (`ports: [null]` is one empty ContainerPort, `data:
    {a: null}` is `a: ""`), and a null field into an absent one. Fields the
    schema does not know are left for strict decoding to report.
    """
    spec = KIND_SCHEMAS.get(obj.get("kind", "")) if isinstance(obj.get("kind"), str) else None
    if spec is not None:
        _nulls(obj, spec)


def _zero(spec: Spec) -> Any:
    if isinstance(spec, Struct) or isinstance(spec, MapOf):
        return {}
    if isinstance(spec, ListOf):
        return []
    if isinstance(spec, Scalar):
        return {"string": "", "boolean": False}.get(spec.json, 0)
    return {"quantity": "0", "intstr": 0, "bytes": ""}.get(spec.name)


def _nulls(value: Any, spec: Spec) -> None:
    if isinstance(spec, Struct):
        if not isinstance(value, dict):
            return
        for key in [k for k, v in value.items() if v is None and k in spec.fields]:
            del value[key]
        for key, item in value.items():
            sub = spec.fields.get(key)
            if sub is not None:
                _nulls(item, sub)
    elif isinstance(spec, (ListOf, MapOf)):
        if isinstance(spec, ListOf) and isinstance(value, list):
            slots: Any = enumerate(value)
        elif isinstance(spec, MapOf) and isinstance(value, dict):
            slots = list(value.items())
        else:
            return
        for slot, item in slots:
            if item is None:
                value[slot] = _zero(spec.elem)
            else:
                _nulls(item, spec.elem)
