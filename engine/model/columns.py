"""`-o custom-columns=SPEC` and `-o custom-columns-file=FILE`, as kubectl v1.32 prints them.

No I/O happens here (the CLI reads the file and passes its text). A spec is
`HEADER:JSONPATH[,HEADER:JSONPATH...]` where each path may be written
`.metadata.name`, `metadata.name`, `{.metadata.name}` or
`{metadata.name}`; a template file has one line of headers and one line of
paths, split on whitespace. Each cell shows every value the path finds,
comma separated (`fmt.Sprint` of each: maps print as `map[k:v]`), or
`<none>`; columns are aligned by Go's tabwriter as kubectl configures it
(minimum width 6, padding 3).
"""
from __future__ import annotations

from dataclasses import dataclass

from litekube.model import gofmt, tabwriting
from litekube.model.jsonpath import JSONPath, JSONPathError, relaxed

__all__ = ["Column", "ColumnsError", "from_spec", "from_template", "render", "escape_terminal"]


class ColumnsError(Exception):
    """A custom-columns spec or template kubectl refuses, in kubectl's words."""


@dataclass(frozen=True)
class Column:
    header: str
    field_spec: str


def _relaxed(path: str) -> str:
    try:
        return relaxed(path)
    except JSONPathError as exc:
        raise ColumnsError(str(exc)) from None


def from_spec(spec: str) -> list[Column]:
    """NewCustomColumnsPrinterFromSpec."""
    if not spec:
        raise ColumnsError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        header, sep, path = part.partition(":")
        if not sep:
            raise ColumnsError(f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>")
        columns.append(Column(header, _relaxed(path)))
    return columns


def from_template(text: str) -> list[Column]:
    """NewCustomColumnsPrinterFromTemplate: a header line and a spec line."""
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    if text.endswith("\n"):
        lines = lines[:-1]
    usage = "Expected format is one line of space separated headers, one line of space separated column specs."
    if not lines:
        raise ColumnsError(f"invalid template, missing header line. {usage}")
    if len(lines) < 2:
        raise ColumnsError(f"invalid template, missing spec line. {usage}")
    headers, specs = lines[0].split(), lines[1].split()
    if len(headers) != len(specs):
        raise ColumnsError(f"number of headers ({len(headers)}) and field specifications ({len(specs)}) don't match")
    return [Column(h, _relaxed(s)) for h, s in zip(headers, specs)]


def escape_terminal(text: str) -> str:
    """printers.EscapeTerminal: ESC as ^[ and CR as \\r, so a value cannot drive the terminal."""
    return text.replace("\x1b", "^[").replace("\r", "\\r")


def render(objs: list[dict], columns: list[Column], no_headers: bool = False) -> str:
    """The printed table (with its final newline); raises ColumnsError for a path that fails."""
    try:
        parsers = [JSONPath(c.field_spec, allow_missing_keys=True) for c in columns]
    except JSONPathError as exc:
        raise ColumnsError(str(exc)) from None
    lines = [] if no_headers else ["\t".join(c.header for c in columns)]
    for obj in objs:
        cells = []
        for parser in parsers:
            try:
                groups = parser.find_results(obj)
            except JSONPathError as exc:
                raise ColumnsError(str(exc)) from None
            values = [] if groups and groups[0] else ["<none>"]
            values += [escape_terminal(gofmt.sprint(v)) for group in groups for v in group]
            cells.append(",".join(values))
        lines.append("\t".join(cells))
    if not lines:
        return ""
    return tabwriting.format_cells("\n".join(lines) + "\n", minwidth=6, padding=3)
