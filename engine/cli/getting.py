"""How `litekube get` prints what it found: tables, the other formats, sorting, labels, errors.

This module does I/O (it writes to stdout and stderr and exits with kubectl's
code). It follows kubectl v1.32's get.go: a table per kind, `--sort-by`
sorting each table's rows (and quietly printing nothing when the path
finds nothing, as kubectl does), the other formats printing one List of
everything found; a missing named object does not stop the others, its
NotFound is printed after them and the exit code is 1.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

import click

from litekube import errors
from litekube.api import reading
from litekube.cli import output as output_flags
from litekube.model import output, printing

__all__ = ["get_options", "Request", "print_get"]


def _label_columns(ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(key for value in values for key in value.split(",") if key)


def get_options(fn):
    """The printing flags of `get` (kubectl's PrintFlags and get's own)."""
    for decorator in reversed([
        click.option("-o", "--output", default=None, metavar="FORMAT",
                     help="table (default), wide, yaml, json, name, jsonpath=TEMPLATE, jsonpath-file=FILE, "
                          "jsonpath-as-json=TEMPLATE, custom-columns=SPEC, custom-columns-file=FILE."),
        click.option("--no-headers", is_flag=True, help="Print tables without the header row."),
        click.option("--show-labels", is_flag=True, help="Add a LABELS column."),
        click.option("--show-kind", is_flag=True, help="Print the kind with the name (deployment.apps/web)."),
        click.option("-L", "--label-columns", multiple=True, callback=_label_columns,
                     help="Add a column with the value of each of these labels (-L app,tier or -L app -L tier)."),
        click.option("--sort-by", default="", help="Sort by a JSONPath field, e.g. .metadata.name or "
                                                   "'{.status.containerStatuses[0].restartCount}'."),
        click.option("--ignore-not-found", is_flag=True, help="A missing object is not an error (exit 0)."),
        click.option("--chunk-size", type=int, default=500, show_default=True,
                     help="Accepted for kubectl compatibility; the answer is the same."),
        click.option("--template", default=None, help="The template for -o jsonpath (instead of jsonpath=...)."),
        click.option("--allow-missing-template-keys", type=bool, default=True, show_default=True,
                     help="Ignore fields a template names that an object lacks."),
        click.option("--show-managed-fields", is_flag=True,
                     help="Keep metadata.managedFields when printing objects as JSON or YAML."),
    ]):
        fn = decorator(fn)
    return fn


@dataclass
class Request:
    """What get was asked to print."""

    format: output.OutputFormat
    file_text: str | None
    namespace: str
    all_namespaces: bool
    no_headers: bool
    show_labels: bool
    show_kind: bool
    label_columns: tuple[str, ...]
    sort_by: str
    ignore_not_found: bool
    allow_missing_keys: bool
    show_managed_fields: bool = False

    @classmethod
    def of(cls, args, namespace, all_namespaces, output_value, no_headers, show_labels, options) -> "Request":
        fmt, text = output_flags.resolve(output_value, options.get("template"))
        if show_labels and not fmt.human:
            output_flags.fail(f"--show-labels option cannot be used with {output_value} printer")
        return cls(fmt, text, namespace or "default", all_namespaces, no_headers, show_labels,
                   options.get("show_kind", False), options.get("label_columns", ()), options.get("sort_by", ""),
                   options.get("ignore_not_found", False), options.get("allow_missing_template_keys", True),
                   options.get("show_managed_fields", False))


def _finish(missing: list[errors.NotFound], request: Request) -> None:
    if request.ignore_not_found or not missing:
        return
    for error in missing:
        click.echo(error.render(), err=True)
    sys.exit(1)


def print_get(ctx, request: Request, targets: list, result: reading.Result, missing: list[errors.NotFound]) -> None:
    """Print the answer of get as kubectl does; exit 1 after printing when a named object was missing."""
    if request.format.human:
        _print_tables(ctx, request, targets, result, missing)
    else:
        _print_generic(request, targets, result)
    _finish(missing, request)


def _single(targets: list) -> bool:
    """kubectl's singleItemImplied: one kind and one name asked for."""
    return len(targets) == 1 and targets[0][1] is not None


def _print_generic(request: Request, targets: list, result: reading.Result) -> None:
    objs = [o for group in result.groups for o in group]
    if not objs and request.ignore_not_found:
        return
    single = _single(targets) and len(objs) == 1
    if request.sort_by and not single:
        from litekube.model import sorting  # --sort-by only: its JSONPath parser is not imported otherwise

        try:
            objs = sorting.sort_objects(objs, request.sort_by)
        except sorting.SortError as exc:
            output_flags.fail(str(exc))
    output_flags.emit(request.format, objs, request.file_text, single=single, no_headers=request.no_headers,
                      allow_missing_keys=request.allow_missing_keys, show_managed_fields=request.show_managed_fields)


def _print_tables(ctx, request: Request, targets: list, result: reading.Result, missing: list) -> None:
    groups = list(result.groups)
    # kubectl gets one table per list request and one per named object found
    infos = sum(1 for _, name in targets if name is None) + \
        sum(1 for group in groups for o in group if any(n == o["metadata"]["name"] for _, n in targets if n))
    kinds_seen = {k.kind for k, name in targets if name is None} | {o["kind"] for g in groups for o in g}
    with_kind = request.show_kind or len(kinds_seen) > 1
    if request.sort_by:
        from litekube.model import sorting

        if infos > 1:
            # several tables: kubectl sorts the Table objects themselves first
            tables = [{"apiVersion": "meta.k8s.io/v1", "kind": "Table",
                       "metadata": {"resourceVersion": str(result.resource_version)}} for _ in groups]
            try:
                sorting.sort_objects(tables, request.sort_by)
            except sorting.SortError as exc:
                output_flags.fail(str(exc))
        sorted_groups = []
        for group in groups:
            if len(group) > 1:
                try:
                    group = sorting.sort_table(group, request.sort_by)
                except sorting.Unsortable as exc:
                    output_flags.fail(str(exc))
                except sorting.SortError:
                    group = []  # kubectl's table printer drops the error and prints nothing
            sorted_groups.append(group)
        groups = sorted_groups
    now = ctx.now()
    blocks = [printing.table(group, now, wide=request.format.name == "wide", all_namespaces=request.all_namespaces,
                             show_labels=request.show_labels, with_kind=with_kind, headers=not request.no_headers,
                             label_columns=request.label_columns)
              for group in groups if group]
    if blocks:
        click.echo(("\n" if request.no_headers else "\n\n").join(blocks))
    elif not request.ignore_not_found and not missing:
        cluster_scoped = any(not k.namespaced for k, _ in targets)
        click.echo(reading.no_resources(request.namespace, request.all_namespaces or cluster_scoped), err=True)
