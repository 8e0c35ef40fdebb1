"""OpenAPI v3 documents of the kinds litekube serves, from its strict schemas and upstream's descriptions.

No I/O happens here. `document(group, version)` is what kube-apiserver
answers at /openapi/v3/apis/GROUP/VERSION (/openapi/v3/api/v1 for the core
group): `paths` with each kind's x-kubernetes-group-version-kind and
`components.schemas` with every definition the kinds reach, named as
upstream names them (`io.k8s.api.apps.v1.DeploymentSpec`) and shaped as
upstream shapes them (a field that refers to a type is
`{"allOf": [{"$ref": ...}], "description": ...}`, quantities and
int-or-strings are `oneOf`, times are `date-time` strings). `kubectl explain`
(litekube.model.explaining) renders these; `litekube serve` can serve them.
`index()` is the /openapi/v3 discovery document.
"""
from __future__ import annotations

from typing import Any

from litekube.model import kinds as kinds_
from litekube.model.schemas import KIND_SCHEMAS, SERVED_SCHEMAS
from litekube.model.schemas.types import ListOf, MapOf, Scalar, Spec, Special, Struct

__all__ = ["document", "index", "definition_name", "group_versions", "path_of"]

_SPECIAL_REFS = {
    "quantity": ("io.k8s.apimachinery.pkg.api.resource.Quantity", {
        "description": "Quantity is a fixed-point representation of a number. It provides convenient "
                       "marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.",
        "oneOf": [{"type": "string"}, {"type": "number"}]}),
    "intstr": ("io.k8s.apimachinery.pkg.util.intstr.IntOrString", {
        "description": "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML "
                       "marshalling and unmarshalling, it produces or consumes the inner type.  This allows you "
                       "to have, for example, a JSON field that can accept a name or number.",
        "format": "int-or-string", "oneOf": [{"type": "integer"}, {"type": "string"}]}),
    "time": ("io.k8s.apimachinery.pkg.apis.meta.v1.Time", {
        "description": "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  "
                       "Wrappers are provided for many of the factory methods that the time package offers.",
        "format": "date-time", "type": "string"}),
}
_SCALARS = {"int32": {"type": "integer", "format": "int32"}, "int64": {"type": "integer", "format": "int64"},
            "bool": {"type": "boolean"}, "float64": {"type": "number", "format": "double"}}


def _descriptions() -> dict[str, dict]:
    from litekube.model.schemas.descriptions import DESCRIPTIONS  # a large table: loaded on first use

    return DESCRIPTIONS


def definition_name(struct: Struct) -> str:
    """Upstream's name of the definition a Struct stands for."""
    entry = _descriptions().get(f"{struct.pkg}.{struct.name}")
    return entry["ref"] if entry else f"io.k8s.api.core.{struct.pkg}.{struct.name}"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


class _Builder:
    def __init__(self, package: str = "") -> None:
        self.schemas: dict[str, dict] = {}
        self.package = package  # the upstream package of the structs no description names (io.k8s.api.autoscaling.v1)

    def value(self, spec: Spec) -> dict:
        """The schema of a value (without its description)."""
        if isinstance(spec, Struct):
            return _ref(self.struct(spec))
        if isinstance(spec, ListOf):
            item = self.value(spec.elem)
            if "$ref" in item:
                item = {"allOf": [item], "default": {}}
            elif item.get("type") == "string":
                item = {**item, "default": ""}
            return {"type": "array", "items": item}
        if isinstance(spec, MapOf):
            inner = self.value(spec.elem)
            if inner.get("type") == "string":
                inner = {**inner, "default": ""}
            return {"type": "object", "additionalProperties": inner}
        if isinstance(spec, Special):
            if spec.name in _SPECIAL_REFS:
                name, schema = _SPECIAL_REFS[spec.name]
                self.schemas.setdefault(name, schema)
                return _ref(name)
            if spec.name == "bytes":
                return {"type": "string", "format": "byte"}
            return {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
        assert isinstance(spec, Scalar)
        return dict(_SCALARS.get(spec.go, {"type": "string"}))

    def field(self, spec: Spec, description: str) -> dict:
        schema = self.value(spec)
        if "$ref" in schema:
            schema = {"allOf": [schema], "default": {}} if isinstance(spec, Struct) else {"allOf": [schema]}
        elif schema.get("type") == "string" and isinstance(spec, Scalar):
            schema = {**schema, "default": ""}
        if description:
            schema["description"] = description
        return schema

    def struct(self, struct: Struct) -> str:
        name = definition_name(struct)
        if self.package and f"{struct.pkg}.{struct.name}" not in _descriptions():
            name = f"{self.package}.{struct.name}"
        if name in self.schemas:
            return name
        entry = _descriptions().get(f"{struct.pkg}.{struct.name}") or {}
        schema: dict[str, Any] = {"type": "object"}
        self.schemas[name] = schema  # before the fields: a recursive type refers to itself
        if entry.get("description"):
            schema["description"] = entry["description"]
        texts = entry.get("fields") or {}
        schema["properties"] = {field: self.field(sub, texts.get(field, "")) for field, sub in struct.fields.items()}
        if entry.get("required"):
            schema["required"] = list(entry["required"])
        return name


def group_versions() -> list[tuple[str, str]]:
    """The (group, version) pairs litekube serves, core first."""
    seen: list[tuple[str, str]] = []
    for kind in kinds_.KINDS:
        if (kind.group, kind.version) not in seen:
            seen.append((kind.group, kind.version))
    for api_version in kinds_.ALSO_SERVED:
        group, _, version = api_version[0].rpartition("/")
        if (group, version) not in seen:
            seen.append((group, version))
    return sorted(seen, key=lambda gv: (gv[0] != "", gv))


def _also_served(group: str, version: str) -> list[tuple[kinds_.Kind, Struct]]:
    """The kinds served in (group, version) though stored in another version, with their schema there."""
    api_version = f"{group}/{version}" if group else version
    return [(kinds_.lookup(kind), SERVED_SCHEMAS[(av, kind)]) for av, kind in kinds_.ALSO_SERVED
            if av == api_version and (av, kind) in SERVED_SCHEMAS]


def path_of(group: str, version: str) -> str:
    """`api/v1` or `apis/apps/v1`: the key of a group version in /openapi/v3."""
    return f"api/{version}" if not group else f"apis/{group}/{version}"


def document(group: str, version: str) -> dict:
    """The OpenAPI v3 document of one group version."""
    also = _also_served(group, version)
    builder = _Builder(f"io.k8s.api.{group}.{version}" if also else "")
    paths: dict[str, dict] = {}
    prefix = "/" + path_of(group, version)
    served = [(k, KIND_SCHEMAS[k.kind]) for k in kinds_.KINDS
              if (k.group, k.version) == (group, version) and k.kind in KIND_SCHEMAS]
    for kind, schema in served + also:
        name = builder.struct(schema)
        gvk = {"group": group, "kind": kind.kind, "version": version}
        builder.schemas[name]["x-kubernetes-group-version-kind"] = [gvk]
        collection = f"{prefix}/namespaces/{{namespace}}/{kind.plural}" if kind.namespaced else \
            f"{prefix}/{kind.plural}"
        operation = {"x-kubernetes-group-version-kind": gvk, "x-kubernetes-action": "list"}
        paths[collection] = {"get": {**operation, "operationId": f"list{kind.kind}"}}
        paths[collection + "/{name}"] = {"get": {**operation, "x-kubernetes-action": "get",
                                                 "operationId": f"read{kind.kind}"}}
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.32.0"}, "paths": paths,
            "components": {"schemas": dict(sorted(builder.schemas.items()))}}


def index() -> dict:
    """The /openapi/v3 document: where each group version's document is."""
    return {"paths": {path_of(g, v): {"serverRelativeURL": f"/openapi/v3/{path_of(g, v)}?hash=litekube"}
                      for g, v in group_versions()}}
