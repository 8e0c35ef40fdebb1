"""The vocabulary field descriptions are written in: Go scalars, structs, lists, maps.

No I/O happens here. Each description knows the Go type name it stands for
(`int32`, `v1.Protocol`, `[]v1.Container`, `map[string]string`), because
the apiserver's JSON decoder names that type in its errors, and the JSON type
it accepts (`integer`, `string`, `object`, `int-or-string`, ...).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

__all__ = [
    "Scalar", "Special", "ListOf", "MapOf", "Struct", "Spec", "struct", "named",
    "STRING", "INT32", "INT64", "BOOL", "FLOAT64", "QUANTITY", "INTSTR", "TIME", "BYTES", "FREE",
    "MAP_STRING", "STRINGS", "RESOURCE_LIST", "go_type", "json_type",
]


@dataclass(frozen=True)
class Scalar:
    """A Go scalar: `Scalar("int32", "integer")`, `Scalar("v1.Protocol", "string")`."""

    go: str
    json: str


@dataclass(frozen=True)
class Special:
    """A type with its own UnmarshalJSON: quantity, int-or-string, time, bytes, free-form."""

    name: str
    go: str
    json: str


@dataclass(frozen=True)
class ListOf:
    elem: "Spec"
    go_name: str = ""


@dataclass(frozen=True)
class MapOf:
    elem: "Spec"
    go_name: str = ""


@dataclass(frozen=True)
class Struct:
    """A Go struct; `fields` maps JSON names to descriptions, inline members merged in."""

    name: str
    pkg: str
    fields: dict[str, "Spec"] = field(hash=False, compare=False)


Spec = Union[Scalar, Special, ListOf, MapOf, Struct]

STRING = Scalar("string", "string")
INT32 = Scalar("int32", "integer")
INT64 = Scalar("int64", "integer")
BOOL = Scalar("bool", "boolean")
FLOAT64 = Scalar("float64", "number")
QUANTITY = Special("quantity", "resource.Quantity", "quantity")
INTSTR = Special("intstr", "intstr.IntOrString", "int-or-string")
TIME = Special("time", "v1.Time", "string")
BYTES = Special("bytes", "[]uint8", "string")
FREE = Special("free", "interface {}", "free-form")
MAP_STRING = MapOf(STRING)
STRINGS = ListOf(STRING)
RESOURCE_LIST = MapOf(QUANTITY, "v1.ResourceList")


def struct(go_name: str, /, *inline: Struct, **fields: Spec) -> Struct:
    """`struct("ContainerPort", name=STRING, containerPort=INT32)`; inline members first.

    The package defaults to `v1`; name another as `struct("v2.MetricSpec", ...)`.
    """
    pkg, _, name = go_name.rpartition(".")
    pkg = pkg or "v1"
    merged: dict[str, Spec] = {}
    for member in inline:
        merged.update(member.fields)
    merged.update(fields)
    return Struct(name, pkg, merged)


def named(go: str) -> Scalar:
    """A named string type: `named("v1.Protocol")`."""
    return Scalar(go, "string")


def go_type(spec: Spec) -> str:
    """The name Go's reflect gives the type: `[]v1.Container`, `map[string]string`."""
    if isinstance(spec, (Scalar, Special)):
        return spec.go
    if isinstance(spec, ListOf):
        return spec.go_name or "[]" + go_type(spec.elem)
    if isinstance(spec, MapOf):
        return spec.go_name or "map[string]" + go_type(spec.elem)
    return f"{spec.pkg}.{spec.name}"


def json_type(spec: Spec) -> str:
    """The JSON type a field takes: object, array, string, integer, boolean, quantity, ..."""
    if isinstance(spec, (Scalar, Special)):
        return spec.json
    if isinstance(spec, ListOf):
        return "array"
    if isinstance(spec, MapOf):
        return "map of string" if spec.elem == STRING else "object"
    return "object"
