"""Manifests: YAML or JSON text in, documents (objects with their source) out.

No I/O happens here; the caller reads the files. Errors name the file and
the document, in kubectl's wording where kubectl has one.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import yaml

from litekube import errors

__all__ = ["Document", "parse"]


@dataclass(frozen=True)
class Document:
    """One object from a manifest: `source` is the file name, `index` counts from 1."""

    source: str
    index: int
    count: int
    obj: dict

    @property
    def where(self) -> str:
        """`"web.yaml"`, or `"web.yaml" (document 2)` when the file holds several."""
        return f'"{self.source}"' if self.count == 1 else f'"{self.source}" (document {self.index})'


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps `yes`/`no`/`on`/`off` as strings, as sigs.k8s.io/yaml (YAML 1.2) does."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))


def _timestamps_as_strings(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamps_as_strings)


def parse(text: str, source: str) -> list[Document]:
    """Every object in a YAML (multi-document) or JSON text; `List` kinds are flattened.

    Raises ManifestError naming the source for malformed text or a document
    that is not an object.
    """
    stripped = text.lstrip()
    raw: list[object]
    if stripped.startswith("{") or stripped.startswith("["):
        try:
            value = json.loads(text)
            raw = value if isinstance(value, list) else [value]
        except json.JSONDecodeError as exc:
            raise errors.ManifestError(f"error parsing {source}: {exc}") from None
    else:
        try:
            raw = list(yaml.load_all(text, Loader=_Loader))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f"line {mark.line + 1}: " if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise errors.ManifestError(
                f"error parsing {source}: error converting YAML to JSON: yaml: {line}{problem}") from None
    objects: list[tuple[int, object]] = [(i, d) for i, d in enumerate(raw, 1) if d is not None]
    docs: list[Document] = []
    for index, value in objects:
        where = f'"{source}"' if len(objects) == 1 else f'"{source}" (document {index})'
        if not isinstance(value, dict):
            raise errors.ManifestError(
                f"error validating {where}: the document is not an object (found {type(value).__name__})")
        if value.get("kind", "").endswith("List") and isinstance(value.get("items"), list):
            for item in value["items"]:
                docs.append(Document(source, index, len(objects), item))
            continue
        for field in ("apiVersion", "kind"):
            if not value.get(field):
                raise errors.ManifestError(
                    f"error validating {where}: error validating data: {field} not set")
        docs.append(Document(source, index, len(objects), value))
    return docs
