"""kubectl's `-o/--output` formats beside tables: parsing the flag and printing objects with it.

No I/O happens here: a `-file` format's template is read by the CLI and
passed in as text. `parse("jsonpath={.metadata.name}")` gives an
`OutputFormat`; `render(fmt, objs, single=...)` the text kubectl prints.
Several objects (or any listing) print as one `List`, as kubectl's
printGeneric wraps them; a `single` named object prints as itself.
Errors are `OutputError` with kubectl's message.
"""
from __future__ import annotations

from dataclasses import dataclass

from litekube.model import gofmt, printing

__all__ = ["OutputFormat", "OutputError", "parse", "render", "render_stream", "ALLOWED", "TEMPLATE_FORMATS",
           "needs_file"]

# The formats litekube prints, in kubectl's order for its error message.
ALLOWED = ("custom-columns", "custom-columns-file", "json", "jsonpath", "jsonpath-as-json", "jsonpath-file",
           "name", "wide", "yaml")
TEMPLATE_FORMATS = ("jsonpath", "jsonpath-file", "jsonpath-as-json", "custom-columns", "custom-columns-file")


class OutputError(Exception):
    """An output format kubectl would refuse, or a template that fails on the objects."""


@dataclass(frozen=True)
class OutputFormat:
    """`name` is the format (`table` for the default human-readable one); `template` its argument."""

    name: str
    template: str = ""

    @property
    def human(self) -> bool:
        return self.name in ("table", "wide")

    @property
    def label(self) -> str:
        """How kubectl names the printer in `--show-labels option cannot be used with X printer`."""
        return self.name if not self.template else f"{self.name}={self.template}"


def parse(value: str | None, allowed: tuple[str, ...] = ALLOWED) -> OutputFormat:
    """The format of `-o VALUE`; OutputError for an unknown one or a template format without its template."""
    if value in (None, "", "table"):
        return OutputFormat("table")
    name, sep, template = value.partition("=")
    if name in TEMPLATE_FORMATS and name in allowed:
        if not template:
            if name.startswith("custom-columns"):
                raise OutputError("custom-columns format specified but no custom columns given")
            raise OutputError("template format specified but no template given")
        return OutputFormat(name, template)
    if not sep and value in allowed:
        return OutputFormat(value)
    raise OutputError(f'unable to match a printer suitable for the output format "{value}", '
                      f'allowed formats are: {",".join(allowed)}')


def needs_file(fmt: OutputFormat) -> bool:
    return fmt.name.endswith("-file")


def _value(objs: list[dict], single: bool) -> dict:
    return objs[0] if single and len(objs) == 1 else printing.list_object(objs)


def render(fmt: OutputFormat, objs: list[dict], *, single: bool = False, no_headers: bool = False,
           allow_missing_keys: bool = True, file_text: str | None = None, typed: bool = False,
           show_managed_fields: bool = False, served: bool = False) -> str:
    """The text kubectl prints for `objs` in a non-table format, with its trailing newline if kubectl adds one.

    `file_text` is the content of a `-file` format's file; `typed` prints JSON in
    Go's struct order, as kubectl prints an object it decoded into a typed struct.
    metadata.managedFields is left out unless `show_managed_fields`. `served` objects
    print as the apiserver sends them (zerovalues.served: `status: {}`, zero counts,
    the Pod's qosClass), as kubectl prints what it read from a server; not for objects
    kubectl builds, reads from files or patches locally.
    """
    if served:
        from litekube.model import zerovalues  # imported for these formats only (start-up time)

        objs = [zerovalues.served(o) for o in objs]
    if not show_managed_fields:
        objs = printing.omit_managed_fields(objs)
    if fmt.name == "yaml":
        return printing.to_yaml(objs, single, show_managed_fields=True) + "\n"
    if fmt.name == "json" and typed and single and len(objs) == 1:
        from litekube.model import typed as typed_  # the schemas: only for a typed single object

        return gofmt.marshal(typed_.go_order(objs[0]), "    ", sort_keys=False) + "\n"
    if fmt.name == "json":
        return printing.to_json(objs, single, show_managed_fields=True) + "\n"
    if fmt.name == "name":
        return "".join(line + "\n" for line in printing.names(objs).split("\n") if line)
    if fmt.name.startswith("custom-columns"):
        from litekube.model import columns  # custom columns only: their JSONPath parser

        try:
            spec = columns.from_template(file_text or "") if fmt.name == "custom-columns-file" \
                else columns.from_spec(fmt.template)
            return columns.render(objs if not single else objs[:1], spec, no_headers)
        except columns.ColumnsError as exc:
            raise OutputError(str(exc)) from None
    if fmt.name.startswith("jsonpath"):
        template = file_text if fmt.name == "jsonpath-file" else fmt.template
        return _jsonpath(template or "", _value(objs, single), allow_missing_keys, fmt.name == "jsonpath-as-json")
    raise OutputError(f'unable to match a printer suitable for the output format "{fmt.name}", '
                      f'allowed formats are: {",".join(ALLOWED)}')


def _jsonpath(template: str, data: dict, allow_missing_keys: bool, as_json: bool) -> str:
    from litekube.model import jsonpath  # templates only: the JSONPath parser is not imported for tables

    try:
        path = jsonpath.JSONPath(template, allow_missing_keys)
    except jsonpath.JSONPathError as exc:
        raise OutputError(jsonpath.parse_error(template, exc).rstrip("\n")) from None
    try:
        if as_json:
            return "".join(gofmt.marshal(group, "    ") + "\n" for group in path.find_results(data))
        return path.execute(data)
    except jsonpath.JSONPathError as exc:
        raise OutputError(jsonpath.kubectl_error(template, data, exc)) from None


def render_stream(fmt: OutputFormat, objs: list[dict], *, first: bool = True, allow_missing_keys: bool = True,
                  file_text: str | None = None, typed: bool = False, served: bool = False) -> str:
    """Objects printed one after another by the same printer (kubectl's repeated PrintObj):
    YAML documents separated by `---`, JSON objects back to back, one name per line.

    `first` is False when this continues an earlier output (a watch): YAML then starts with `---`.
    """
    parts = []
    for i, obj in enumerate(objs):
        text = render(fmt, [obj], single=True, allow_missing_keys=allow_missing_keys, file_text=file_text,
                      typed=typed, served=served)
        if fmt.name == "yaml" and (i or not first):
            text = "---\n" + text
        parts.append(text)
    return "".join(parts)
