"""Rendering objects as kubectl prints them: tables, YAML, JSON, names.

No I/O happens here; the CLI writes the returned text. Tables follow
kubectl's tabwriter layout: left-aligned columns separated by three spaces,
written by `grid` itself (tabulate only for the rare cell that spans lines);
PyYAML is imported only for `-o yaml`.
"""
from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from itertools import repeat

from litekube import errors
from litekube.model import gofmt, kinds, tables, tabwriting

__all__ = ["table", "grid", "to_yaml", "to_json", "names", "list_object", "FORMATS", "omit_managed_fields"]

FORMATS = ("table", "wide", "yaml", "json", "name")

_GAP = "   "


def grid(headers: list[str] | None, rows: list[list[str]]) -> str:
    """Columns as kubectl's tabwriter prints them, without trailing spaces.

    Cells are stripped of surrounding whitespace and None prints as "" (as
    the tabulate layout this replaces did); short rows are padded.

    The table is handled a column at a time (strip, width, padding: each one
    C-level pass over the column) and the rows are joined from the padded
    columns, so that a 10,000-row listing costs a few passes, not a format
    call per row.
    """
    if not rows and not headers:
        return ""
    columns = max(map(len, rows), default=0)
    if headers:
        columns = max(columns, len(headers))
    if not columns:  # rows without cells: empty lines, the last one dropped
        return "\n" * max(len(rows) - 2, 0)
    given = rows
    if any(len(row) != columns for row in rows):
        rows = [row if len(row) == columns else [*row, *repeat("", columns - len(row))] for row in rows]
    cells: list[list[str]] = []
    for index, column in enumerate(zip(*rows) if rows else ((),) * columns):
        if set(map(type, column)) - {str}:  # None prints as "", anything else as its str()
            column = tuple("" if cell is None else str(cell) for cell in column)
        stripped = list(map(str.strip, column))
        if headers:
            stripped.insert(0, str(headers[index]) if index < len(headers) else "")
        cells.append(stripped)
    if any("\n" in "".join(column) for column in cells):
        return _multiline(headers, given)
    last = len(cells) - 1
    padded = []
    for index, column in enumerate(cells):
        width = max(map(len, column))
        padded.append(column if index == last or not width else list(map(str.ljust, column, repeat(width))))
    lines = list(map(str.rstrip, map(_GAP.join, zip(*padded))))
    if lines and not lines[-1]:
        lines.pop()  # the layout this replaces ended with the text's last non-empty line
    return "\n".join(lines)


def _multiline(headers: list[str] | None, rows: list[list[str]]) -> str:
    """A table with a cell that spans lines, laid out by tabulate."""
    import tabulate as _tabulate

    fmt = _tabulate.TableFormat(
        lineabove=None, linebelowheader=None, linebetweenrows=None, linebelow=None,
        headerrow=_tabulate.DataRow("", _GAP, ""), datarow=_tabulate.DataRow("", _GAP, ""),
        padding=0, with_header_hide=None)
    saved, _tabulate.MIN_PADDING = _tabulate.MIN_PADDING, 0  # kubectl pads headers like cells
    try:
        text = _tabulate.tabulate(rows, headers=headers or (), tablefmt=fmt,
                                  disable_numparse=True, stralign="left", missingval="")
    finally:
        _tabulate.MIN_PADDING = saved
    lines = [line.rstrip() for line in text.splitlines()]
    if not headers and lines and len(rows) + 1 == len(lines):
        lines = lines[1:]
    return "\n".join(lines)


def _labels(obj: dict) -> str:
    labels = (obj.get("metadata") or {}).get("labels") or {}
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "<none>"


def table(objs: list[dict], now: datetime, *, wide: bool = False, all_namespaces: bool = False,
          show_labels: bool = False, with_kind: bool = False, headers: bool = True,
          label_columns: tuple[str, ...] = ()) -> str:
    """One kind's objects as `kubectl get` prints them (`label_columns`: `-L key`)."""
    if not objs:
        return ""
    kind = objs[0]["kind"]
    columns = [c for c in tables.columns(kind) if wide or c.priority == 0]
    keep = [i for i, c in enumerate(tables.columns(kind)) if wide or c.priority == 0]
    head = [c.name for c in columns]
    count = len(keep)
    leading = keep == list(range(count))  # the printed columns come first (every kind's but Event's)
    qualified = f"{kinds.lookup(kind).qualified}/" if with_kind else ""
    per_object = all_namespaces or bool(label_columns) or show_labels
    row = tables.row
    rows = []
    for obj in objs:
        cells = row(obj, now)
        cells = cells[:count] if leading else [cells[i] for i in keep]
        if qualified:
            cells[0] = qualified + cells[0]
        if per_object:
            meta = obj.get("metadata") or {}
            if all_namespaces:
                cells.insert(0, meta.get("namespace", ""))
            if label_columns:
                labels = meta.get("labels") or {}
                cells.extend([labels.get(key, "") for key in label_columns])
            if show_labels:
                cells.append(_labels(obj))
        rows.append(cells)
    if all_namespaces:
        head.insert(0, "NAMESPACE")
    head.extend(key.split("/")[-1].upper() for key in label_columns)
    if show_labels:
        head.append("LABELS")
    if label_columns:  # empty label cells keep their padding in kubectl's tabwriter output
        lines = ([head] if headers else []) + rows
        return tabwriting.format_cells("\n".join("\t".join(line) for line in lines), minwidth=6, padding=3)
    return grid(head if headers else None, rows)


def list_object(objs: list[dict]) -> dict:
    """Several objects as kubectl wraps them for -o yaml/json: a `List`."""
    return {"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {"resourceVersion": ""}}


_OTHER_TYPES = {f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null", "timestamp", "merge")}
# go-yaml (v2, under sigs.k8s.io/yaml) also reads y, Y, n and N as booleans, as YAML 1.1 does and
# PyYAML does not: kubectl prints `name: "n"`.
_GO_YAML11_BOOLS = frozenset(("y", "Y", "n", "N"))
_GO_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


@lru_cache(maxsize=1)
def _go_yaml():
    """A PyYAML dumper that writes as kubectl does (go-yaml): `|` blocks for multi-line text,
    double quotes when needed, never an anchor. Built on first use: PyYAML is imported only for -o yaml."""
    import yaml

    resolver = yaml.SafeDumper("")

    def other_type(text: str) -> bool:
        """Would go-yaml read this string back as a number, bool, null, time or merge key?"""
        tag = resolver.resolve(yaml.ScalarNode, text, (True, False))
        return tag in _OTHER_TYPES or bool(_GO_FLOAT.match(text)) or bool(re.match(r"^[-+]?0o[0-7_]+$", text))

    class GoYaml(yaml.SafeDumper):
        def ignore_aliases(self, data) -> bool:  # type: ignore[no-untyped-def]
            return True  # go-yaml never writes anchors: a shared list prints twice

        def choose_scalar_style(self):  # type: ignore[no-untyped-def]
            style = super().choose_scalar_style()
            # go-yaml double-quotes a string that would read back as another type ("1", "true", a time)
            # and single-quotes one that is merely not plain ('*/1 * * * *', '@hourly')
            if style == "'" and other_type(self.event.value):
                return '"'
            if style == "" and isinstance(self.event.value, str) and self.event.tag == "tag:yaml.org,2002:str" \
                    and (_GO_FLOAT.match(self.event.value) or self.event.value in _GO_YAML11_BOOLS):
                return '"'
            return style

    def represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        if "\n" in value:
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
        return dumper.represent_scalar("tag:yaml.org,2002:str", value)

    GoYaml.add_representer(str, represent_str)
    return yaml, GoYaml


def omit_managed_fields(objs: list[dict]) -> list[dict]:
    """The objects without metadata.managedFields, as kubectl prints them unless --show-managed-fields."""
    out = []
    for obj in objs:
        meta = obj.get("metadata") if isinstance(obj, dict) else None
        if isinstance(meta, dict) and "managedFields" in meta:
            obj = {**obj, "metadata": {k: v for k, v in meta.items() if k != "managedFields"}}
        out.append(obj)
    return out


def to_yaml(objs: list[dict], single: bool | None = None, show_managed_fields: bool = False) -> str:
    """One object as itself, several (or a listing: `single=False`) as a List; managedFields only if asked."""
    if not show_managed_fields:
        objs = omit_managed_fields(objs)
    value = objs[0] if (len(objs) == 1 if single is None else single) else list_object(objs)
    yaml, dumper = _go_yaml()
    return yaml.dump(value, Dumper=dumper, sort_keys=True, default_flow_style=False,
                     allow_unicode=True, width=float("inf")).rstrip("\n")


def to_json(objs: list[dict], single: bool | None = None, show_managed_fields: bool = False) -> str:
    """One object as itself, several (or a listing: `single=False`) as a List; managedFields only if asked."""
    if not show_managed_fields:
        objs = omit_managed_fields(objs)
    value = objs[0] if (len(objs) == 1 if single is None else single) else list_object(objs)
    return gofmt.marshal(value, "    ")  # as Go's json.MarshalIndent: `<` is \u003c, 1.0 is 1


def _qualified(obj: dict) -> str:
    try:
        return kinds.lookup(obj["kind"]).qualified
    except errors.ManifestError:  # a kind litekube does not serve (yet): kubectl's form from the object itself
        group = str(obj.get("apiVersion") or "").rpartition("/")[0]
        return obj["kind"].lower() + (f".{group}" if group else "")


def names(objs: list[dict]) -> str:
    return "\n".join(f"{_qualified(o)}/{o['metadata']['name']}" for o in objs)
