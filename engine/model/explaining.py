"""`kubectl explain`: kubectl v1.32's plaintext rendering of an OpenAPI v3 document, step for step.

No I/O happens here. This is a port of kubectl's explain template
(pkg/explain/v2/templates/plaintext.tmpl and its functions: go-wordwrap at
76 or 78 columns, `<[]Container>` type names, `-required-`, the recursive
field tree) over the documents of litekube.model.openapi, so that
`litekube explain deployment.spec --recursive` prints what kubectl prints
for the same document. `explain(doc, kind, fields)` returns the text;
`ExplainError` carries kubectl's message for a field that does not exist.
"""
from __future__ import annotations

from typing import Any

from litekube.model import kinds as kinds_

__all__ = ["ExplainError", "explain", "wrap"]


class ExplainError(Exception):
    """kubectl explain's error (`field "x" does not exist`); `partial` is what kubectl printed before it."""

    def __init__(self, message: str, partial: str = "") -> None:
        super().__init__(message)
        self.partial = partial


def wrap(text: str, limit: int) -> str:
    """mitchellh/go-wordwrap's WrapString, as kubectl's WordWrapWriter uses it."""
    out: list[str] = []
    current = 0
    word: list[str] = []
    space: list[str] = []
    for char in text:
        if char == "\n":
            if not word:
                if current + len(space) > limit:
                    current = 0
                else:
                    out.extend(space)
            else:
                out.extend(space)
                out.extend(word)
                word = []
            space = []
            out.append(char)
            current = 0
        elif char.isspace() and char != "\u00a0":
            if not space or word:
                current += len(space) + len(word)
                out.extend(space)
                out.extend(word)
                space, word = [], []
            space.append(char)
        else:
            word.append(char)
            if current + len(space) + len(word) > limit and len(word) < limit:
                out.append("\n")
                current = 0
                space = []
    if not word:
        if current + len(space) <= limit:
            out.extend(space)
    else:
        out.extend(space)
        out.extend(word)
    return "".join(out)


def _indent(amount: int, text: str) -> str:
    pad = " " * amount
    return pad + text.replace("\n", "\n" + pad)


class _Renderer:
    def __init__(self, doc: dict) -> None:
        self.doc = doc

    def resolve(self, ref: Any) -> dict | None:
        if not isinstance(ref, str) or not ref.startswith("#"):
            return None
        cur: Any = self.doc
        for part in ref[1:].split("/"):
            if not part:
                continue
            if not isinstance(cur, dict) or not isinstance(cur.get(part), dict):
                return None
            cur = cur[part]
        return cur

    @staticmethod
    def _map_of(schema: dict) -> dict | None:
        extra = schema.get("additionalProperties")
        return extra if isinstance(extra, dict) and extra else None

    def type_guess(self, schema: dict) -> str:
        if schema.get("items"):
            return "[]" + self.type_guess(schema["items"])
        if self._map_of(schema):
            return "map[string]" + self.type_guess(schema["additionalProperties"])
        if schema.get("allOf") and not schema.get("properties") and len(schema["allOf"]) == 1:
            return self.type_guess(schema["allOf"][0])
        if schema.get("$ref"):
            target = self.resolve(schema["$ref"])
            if not target or not target.get("type") or target.get("type") == "object":
                return schema["$ref"].split("/")[-1].split(".")[-1] or "Object"
            return target["type"]
        if schema.get("type") == "object":
            return "Object"
        return schema.get("type") or "Object"

    def description(self, schema: dict) -> str:
        resolved = self.resolve(schema.get("$ref")) or schema
        out = []
        if resolved.get("description"):
            out.append(resolved["description"] + "\n")
        for sub in resolved.get("allOf") or []:
            out.append(self.description(sub))
        if resolved.get("items"):
            out.append(self.description(resolved["items"]))
        if self._map_of(resolved):
            out.append(self.description(resolved["additionalProperties"]))
        return "".join(out)

    @staticmethod
    def enum(schema: dict, long_view: bool, limit: int, indent: int = 0) -> str:
        values = schema.get("enum")
        if not values:
            return ""
        out = ["ENUM:" if long_view else "\n" + " " * indent + "enum: "]
        for i, value in enumerate(values):
            if limit > -1 and i >= limit:
                out.append(", ....")
                break
            if i > 0 and not long_view:
                out.append(", ")
            elif long_view:
                out.append("\n    ")
            out.append('""' if value == "" else str(value))
        return "".join(out)

    def field_detail(self, name: str, schema: dict, short: bool, level: int) -> str:
        indent = level * 2
        field = schema["properties"][name]
        out = [_indent(indent, name), "\t<", self.type_guess(field), ">"]
        if name in (schema.get("required") or []):
            out.append(" -required-")
        out.append(self.enum(field, False, 4, indent))
        out.append("\n")
        if not short:
            out.append(_indent(indent + 2, wrap(field.get("description") or "<no description>", 78 - indent)))
            out.append("\n\n")
        return "".join(out)

    def field_list(self, schema: dict, level: int, history: dict, recursive: bool) -> str:
        ref = schema.get("$ref") or ""
        if ref and history.get(ref):
            return ""
        history = {**history, ref: 1}
        resolved = self.resolve(ref) or schema
        out = []
        for name, sub in sorted((resolved.get("properties") or {}).items()):
            out.append(self.field_detail(name, resolved, recursive, level))
            if recursive:
                out.append(self.field_list(sub, level + 1, history, recursive))
        for sub in resolved.get("allOf") or []:
            out.append(self.field_list(sub, level, history, recursive))
        if resolved.get("items"):
            out.append(self.field_list(resolved["items"], level, history, recursive))
        if self._map_of(resolved):
            out.append(self.field_list(resolved["additionalProperties"], level, history, recursive))
        return "".join(out)

    def output(self, schema: dict, history: dict, path: list[str], recursive: bool) -> str:
        ref = schema.get("$ref") or ""
        following = {**history, ref: 1}
        resolved = self.resolve(ref) or schema
        if not path:
            text = "DESCRIPTION:\n" + _indent(4, wrap(self.description(resolved) or "<empty>", 76)) + "\n"
            fields = self.field_list(resolved, 1, {}, recursive)
            return text + ("FIELDS:\n" + fields if fields else "")
        if ref and history.get(ref):
            return ""
        properties = resolved.get("properties") or {}
        if path[0] in properties:
            sub = properties[path[0]]
            head = ""
            if len(path) == 1:
                head = f"FIELD: {path[0]} <{self.type_guess(sub)}>\n" + self.enum(sub, True, -1) + "\n\n"
            return head + self.output(sub, {}, path[1:], recursive)
        if resolved.get("items"):
            return self.output(resolved["items"], following, path, recursive)
        if self._map_of(resolved):
            return self.output(resolved["additionalProperties"], following, path, recursive)
        for sub in resolved.get("allOf") or []:
            found = self.output(sub, following, path, recursive)
            if found:
                return found
        return ""


def explain(doc: dict, kind: kinds_.Kind, fields: list[str], recursive: bool = False) -> str:
    """The text of `kubectl explain KIND[.FIELD...]` over an OpenAPI v3 document of the kind's group version."""
    gvk = {"group": kind.group, "kind": kind.kind, "version": kind.version}
    head = (f"GROUP:      {kind.group}\n" if kind.group else "") + \
        f"KIND:       {kind.kind}\nVERSION:    {kind.version}\n\n"
    renderer = _Renderer(doc)
    for _, schema in sorted(doc.get("components", {}).get("schemas", {}).items()):
        if gvk in (schema.get("x-kubernetes-group-version-kind") or []):
            text = renderer.output(schema, {}, fields, recursive)
            if not text:
                raise ExplainError(f'field "{fields[-1]}" does not exist', head)
            return head + text + "\n"
    raise ExplainError(f"GVK {kind.api_version}, Kind={kind.kind} not found in OpenAPI schema")
