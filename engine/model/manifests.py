"""Manifests: bytes of YAML or JSON in, documents (objects with their source) out.

No I/O happens here; the caller reads the files, stdin or request body.
`decode` is the one input boundary every manifest passes (files,
directories, stdin, and the HTTP API later): `decoding.read` turns the
bytes into values as kubectl's decoder does, then each document gets the
checks kubectl's builder makes before anything is sent, in its words:

- schema validation's `error validating "f.yaml": error validating data:
  kind not set; if you choose to ignore these errors, turn validation off
  with --validate=false` (apiVersion and kind present and strings);
- decoding's `unable to decode "f.yaml": ...`: a kind that is empty, a
  metadata whose fields have the wrong JSON types (as Go's decoder into
  metav1.ObjectMeta words them), and for Lists (anything with `items`)
  items that are not objects or have no kind.

So a document that comes out has a string kind and apiVersion and a
metadata of the right shape, and no nulls a typed decode would not keep
(`schema.typed_nulls`); duplicate keys ride along as `strict` errors
for the apiserver's strict decoding, and `size` is the JSON request size.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from litekube import errors
from litekube.model import decoding, schema
from litekube.model.schemas.meta import OBJECT_META
from litekube.model.schemas.types import Struct

__all__ = ["Document", "decode", "parse", "NoKind"]

_STOP_VALIDATE = "if you choose to ignore these errors, turn validation off with --validate=false"
_METADATA_ONLY = Struct("metadataOnlyObject", "v1", {"metadata": OBJECT_META})
_SHOWN = 500  # characters of an object quoted in "Object 'Kind' is missing in '...'"


@dataclass(frozen=True)
class Document:
    """One object from a manifest: `source` is the file name, `index` counts from 1."""

    source: str
    index: int
    count: int
    obj: dict
    strict: tuple[str, ...] = field(default=(), compare=False)
    size: int = field(default=0, compare=False)

    @property
    def where(self) -> str:
        """`"web.yaml"`, or `"web.yaml" (document 2)` when the file holds several."""
        return f'"{self.source}"' if self.count == 1 else f'"{self.source}" (document {self.index})'


class NoKind(errors.ManifestError):
    """kubectl prints this one without its `error: ` prefix."""

    def render(self) -> str:
        return str(self)


def parse(text: str, source: str) -> list[Document]:
    """`decode` of a text already read."""
    return decode(text, source)


def decode(data: bytes | str, source: str) -> list[Document]:
    """Every object of a YAML (multi-document) or JSON stream; Lists are flattened.

    Raises ManifestError naming the source, in kubectl's words, for text that
    cannot be decoded and documents kubectl would not send.
    """
    raws = [raw for raw in decoding.read(data, source) if raw.value is not None]
    docs: list[Document] = []
    for raw in raws:
        where = f'"{source}"' if len(raws) == 1 else f'"{source}" (document {raw.index})'
        value = raw.value
        _validate(value, where)
        _decodable(value, where)
        strict = tuple(raw.strict)
        if "items" in value and value["items"] is not None:
            for item in _items(value, where):
                schema.typed_nulls(item)
                docs.append(Document(source, raw.index, len(raws), item, strict, decoding.request_size(item)))
            continue
        schema.typed_nulls(value)
        docs.append(Document(source, raw.index, len(raws), value, strict, decoding.request_size(value)))
    return docs


def _validate(value: Any, where: str) -> None:
    """kubectl's schema validation of a document: getObjectKind."""
    problem = None
    if not isinstance(value, dict):
        problem = "invalid object to validate"
    elif value.get("apiVersion") is None:
        problem = "apiVersion not set"
    elif not isinstance(value["apiVersion"], str):
        problem = "apiVersion isn't string type"
    elif value["apiVersion"].count("/") > 1 and value["apiVersion"] != "/":
        problem = f"unexpected GroupVersion string: {value['apiVersion']}"
    elif value.get("kind") is None:
        problem = "kind not set"
    elif not isinstance(value["kind"], str):
        problem = "kind isn't string type"
    if problem is not None:
        raise errors.ManifestError(f"error validating {where}: error validating data: {problem}; {_STOP_VALIDATE}")


def _shown(value: dict) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


def _decodable(value: dict, where: str) -> None:
    """kubectl's decoding of a document: a kind, and metadata of metav1.ObjectMeta's shape."""
    if not value["kind"]:
        raise errors.ManifestError(f"unable to decode {where}: Object 'Kind' is missing in '{_shown(value)}'")
    problem = _metadata_problem(value)
    if problem is not None:
        raise errors.ManifestError(f"unable to decode {where}: {problem}")


def _metadata_problem(value: dict) -> str | None:
    if "metadata" not in value:
        return None
    return schema.type_error({"metadata": value["metadata"]}, _METADATA_ONLY)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _items(value: dict, where: str) -> list[dict]:
    """The items of a List, as kubectl's decodeToList and FlattenListVisitor read them."""
    items = value["items"]
    if not isinstance(items, list):
        raise errors.ManifestError(
            f"unable to decode {where}: json: cannot unmarshal {_json_type(items)} into Go struct field "
            "decodeList.items of type []json.RawMessage")
    item_kind = value["kind"][:-4] if value["kind"].endswith("List") else ""
    out = []
    for item in items:
        if item is None:
            continue
        if not isinstance(item, dict):
            raise errors.ManifestError(
                f"unable to decode {where}: json: cannot unmarshal {_json_type(item)} into Go value of type "
                "map[string]interface {}")
        if not item.get("kind") and not item.get("apiVersion"):
            # a typed list's items carry no TypeMeta: they take the list's
            item = {**item, "kind": item_kind, "apiVersion": value["apiVersion"]}
        if not isinstance(item.get("kind"), str) or not item["kind"]:
            raise NoKind('unable to get type info from the object "*unstructured.Unstructured": '
                         "Object 'Kind' is missing in 'object has no kind field '")
        if not isinstance(item.get("apiVersion"), str):
            raise errors.ManifestError(
                f"unable to decode {where}: json: cannot unmarshal {_json_type(item.get('apiVersion'))} into "
                "Go struct field metadataOnlyObject.apiVersion of type string")
        if item.get("items") is not None:
            raise errors.ManifestError("*unstructured.Unstructured is not a list: no Items field in this object")
        problem = _metadata_problem(item)
        if problem is not None:
            raise errors.ManifestError(f"unable to decode {where}: {problem}")
        out.append(item)
    return out
