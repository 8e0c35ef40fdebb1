"""Generate engine/model/schemas/descriptions.py: upstream's field and type descriptions for litekube's schemas.

This script does I/O (it reads two wheels and writes the module); litekube
never runs it, it only ships its output. `kubectl explain` and the served
OpenAPI documents need Kubernetes' own descriptions of every field. They
come from kubernetes' api/openapi-spec at v1.32, through two packages that
were generated from it:

- the kubernetes Python client 32.0.1 (field descriptions, verbatim, one per
  property docstring; its generator turned each paragraph break into two
  spaces, which this script turns back into a blank line), and
  (and which fields are required: those whose setter refuses None), and
- lightkube-models 1.32.0.8 (type descriptions: the first paragraph of each
  class docstring, re-joined into one line; and the descriptions of fields the
  client leaves blank, those that refer to another type).

Only the types litekube's schemas (litekube.model.schemas.KIND_SCHEMAS)
reach are kept, keyed as `pkg.Name` (`v1.DeploymentSpec`), each with the
upstream definition name that OpenAPI documents use
(`io.k8s.api.apps.v1.DeploymentSpec`). Run it after a schema is added:

    pip download kubernetes==32.0.1 lightkube-models==1.32.0.8 --no-deps -d /tmp/wheels
    python -m tests.kubectl.make_descriptions /tmp/wheels
"""
from __future__ import annotations

import ast
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "engine" / "model" / "schemas" / "descriptions.py"
_GROUP_PACKAGES = {"meta_v1": "io.k8s.apimachinery.pkg.apis.meta.v1", "core_v1": "io.k8s.api.core.v1",
                   "resource": "io.k8s.apimachinery.pkg.api.resource",
                   "util_intstr": "io.k8s.apimachinery.pkg.util.intstr",
                   "runtime": "io.k8s.apimachinery.pkg.runtime"}


def _wheel(directory: Path, prefix: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(next(directory.glob(prefix + "*.whl")))


REQUIRED: dict[str, list[str]] = {}


def client_fields(wheel: zipfile.ZipFile) -> dict[str, dict[str, str]]:
    """{client class name: {json field: description}} from the Python client's models.

    Also fills REQUIRED: {client class name: json fields whose setter refuses None}.
    """
    found: dict[str, dict[str, str]] = {}
    for name in wheel.namelist():
        if not re.match(r"kubernetes/client/models/v\w+\.py$", name) and \
                not re.match(r"kubernetes/client/models/\w+_v\d\w*\.py$", name):
            continue
        source = wheel.read(name).decode()
        tree = ast.parse(source)
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            REQUIRED[cls.name] = re.findall(r"Invalid value for `(\w+)`, must not be `None`", source)
            attribute_map: dict[str, str] = {}
            docs: dict[str, str] = {}
            for node in cls.body:
                if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "attribute_map":
                    attribute_map = ast.literal_eval(node.value)
                if isinstance(node, ast.FunctionDef) and any(getattr(d, "id", "") == "property"
                                                             for d in node.decorator_list):
                    doc = ast.get_docstring(node) or ""
                    parts = [p.strip() for p in doc.split("\n\n")]
                    text = parts[1] if len(parts) > 2 else ""
                    text = text.replace("  # noqa: E501", "").strip()
                    docs[node.name] = text.replace("  ", "\n\n")
            found[cls.name] = {attribute_map[py]: docs.get(py, "") for py in attribute_map}
            REQUIRED[cls.name] = [attribute_map[py] for py in REQUIRED[cls.name] if py in attribute_map]
    return found


def _lightkube_fields(doc: str) -> dict[str, str]:
    """`* **name** ``type`` - text` entries of a lightkube docstring, each re-joined into one line."""
    out: dict[str, str] = {}
    current = None
    for line in doc.split("**parameters**", 1)[-1].splitlines():
        match = re.match(r"\s*\* \*\*(\w+)\*\* ``[^`]*`` - (.*)", line)
        if match:
            current = match.group(1)
            out[current] = match.group(2).strip()
        elif current and line.strip():
            out[current] += " " + line.strip()
    return out


def lightkube_types(wheel: zipfile.ZipFile) -> dict[str, list[tuple[str, str, dict[str, str]]]]:
    """{type name: [(module, description, {field: description})]} from lightkube-models."""
    found: dict[str, list[tuple[str, str, dict[str, str]]]] = {}
    for name in wheel.namelist():
        match = re.match(r"lightkube/models/(\w+)\.py$", name)
        if not match or match.group(1).startswith("_"):
            continue
        module = match.group(1)
        tree = ast.parse(wheel.read(name))
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            doc = ast.get_docstring(cls) or ""
            first = doc.split("**parameters**")[0].strip()
            description = " ".join(line.strip() for line in first.splitlines() if line.strip())
            found.setdefault(cls.name, []).append((module, description, _lightkube_fields(doc)))
    return found


def _package(module: str) -> str:
    if module in _GROUP_PACKAGES:
        return _GROUP_PACKAGES[module]
    group, _, version = module.rpartition("_")
    return f"io.k8s.api.{group}.{version}"


def main(directory: str) -> None:
    from litekube.model.schemas import KIND_SCHEMAS
    from litekube.model.schemas.types import ListOf, MapOf, Struct

    fields = client_fields(_wheel(Path(directory), "kubernetes-"))
    types = lightkube_types(_wheel(Path(directory), "lightkube_models-"))
    structs: dict[str, Struct] = {}

    def walk(spec) -> None:
        while isinstance(spec, (ListOf, MapOf)):
            spec = spec.elem
        if isinstance(spec, Struct) and f"{spec.pkg}.{spec.name}" not in structs:
            structs[f"{spec.pkg}.{spec.name}"] = spec
            for sub in spec.fields.values():
                walk(sub)

    for schema in KIND_SCHEMAS.values():
        walk(schema)
    out: dict[str, dict] = {}
    for key, struct in sorted(structs.items()):
        wanted = set(struct.fields)
        prefix = struct.pkg[0].upper() + struct.pkg[1:]
        candidates = [(len(wanted & set(f)), cls) for cls, f in fields.items()
                      if cls.endswith(prefix + struct.name)]
        client = max(candidates)[1] if candidates else None
        typed = types.get(struct.name, [])
        best = max(typed, key=lambda t: (len(wanted & set(t[2])), t[0].endswith("_" + struct.pkg))) if typed else None
        verbatim = fields.get(client) or {}
        joined = best[2] if best else {}
        out[key] = {
            "ref": f"{_package(best[0])}.{struct.name}" if best else f"io.k8s.api.core.{struct.pkg}.{struct.name}",
            "required": [f for f in REQUIRED.get(client or "", []) if f in wanted],
            "description": best[1] if best else "",
            # the client's text is verbatim; lightkube's (re-wrapped) fills the fields the client left blank
            "fields": {name: verbatim.get(name) or joined.get(name, "") for name in struct.fields
                       if verbatim.get(name) or joined.get(name)},
        }
    body = ",\n".join(f"    {k!r}: {v!r}" for k, v in out.items())
    OUT.write_text(f'"""Upstream\'s descriptions of the types and fields of litekube\'s schemas (Kubernetes v1.32).\n\n'
                   f"No I/O happens here. Generated by tests/kubectl/make_descriptions.py (see its docstring for the\n"
                   f"sources); do not edit by hand.\n"
                   f'"""\n# ruff: noqa: E501\n\nDESCRIPTIONS: dict[str, dict] = {{\n{body},\n}}\n', encoding="utf-8")
    print(f"{len(out)} types, {sum(len(v['fields']) for v in out.values())} field descriptions -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
