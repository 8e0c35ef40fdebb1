"""The `-o/--output` flag as kubectl takes it, shared by get and the commands that print objects.

This module does I/O: it reads `-o jsonpath-file=F` and `-o custom-columns-file=F`
templates and writes the rendered objects. The formats themselves live in
litekube.model.output (pure).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from litekube.model import output

__all__ = ["print_options", "resolve", "emit", "emit_stream", "fail", "PRINT_FORMATS"]

# What the commands that create or change objects print with -o (kubectl's PrintFlags: no tables).
PRINT_FORMATS = ("json", "jsonpath", "jsonpath-as-json", "jsonpath-file", "name", "yaml")


def fail(message: str) -> None:
    """kubectl's `error: ...` on stderr and exit code 1 (the message may end with its own newlines)."""
    click.echo("error: " + message, err=True, nl=not message.endswith("\n"))
    sys.exit(1)


def print_options(fn):
    """-o (json|yaml|name|jsonpath=...|jsonpath-file=...), --template and --allow-missing-template-keys."""
    fn = click.option("-o", "--output", "output", default=None, metavar="FORMAT",
                      help="Print the objects: json, yaml, name, jsonpath=TEMPLATE, jsonpath-file=FILE.")(fn)
    fn = click.option("--template", default=None, help="The template for -o jsonpath (instead of jsonpath=...).")(fn)
    fn = click.option("--allow-missing-template-keys", type=bool, default=True, show_default=True,
                      help="Ignore fields a template names that an object lacks.")(fn)
    return fn


def resolve(value: str | None, template: str | None = None,
            allowed: tuple[str, ...] = output.ALLOWED) -> tuple[output.OutputFormat, str | None]:
    """The format of `-o` (with `--template`) and a `-file` format's file text; exits on a bad one."""
    if template and value in output.TEMPLATE_FORMATS:
        value = f"{value}={template}"
    try:
        fmt = output.parse(value, allowed)
    except output.OutputError as exc:
        fail(str(exc))
    text = None
    if output.needs_file(fmt):
        try:
            text = Path(fmt.template).read_text(encoding="utf-8")
        except OSError as exc:
            reason = "no such file or directory" if isinstance(exc, FileNotFoundError) else exc.strerror
            what = "--template" if fmt.name == "jsonpath-file" else "template"
            fail(f"error reading {what} {fmt.template}, open {fmt.template}: {reason}")
    return fmt, text


def emit(fmt: output.OutputFormat, objs: list[dict], file_text: str | None, *, single: bool,
         no_headers: bool = False, allow_missing_keys: bool = True, typed: bool = False,
         show_managed_fields: bool = False, served: bool = True) -> None:
    """Print `objs` in a non-table format; a template that fails is kubectl's error and exit code 1.
    `served`: the objects came from the API (see output.render); False for locally built ones."""
    try:
        text = output.render(fmt, objs, single=single, no_headers=no_headers,
                             allow_missing_keys=allow_missing_keys, file_text=file_text, typed=typed,
                             show_managed_fields=show_managed_fields, served=served)
    except output.OutputError as exc:
        fail(str(exc))
    click.echo(text, nl=False)


def emit_stream(fmt: output.OutputFormat, objs: list[dict], file_text: str | None, *, first: bool = True,
                allow_missing_keys: bool = True, typed: bool = False, served: bool = True) -> None:
    """Print objects one by one with the same printer (see output.render_stream)."""
    try:
        text = output.render_stream(fmt, objs, first=first, allow_missing_keys=allow_missing_keys,
                                    file_text=file_text, typed=typed, served=served)
    except output.OutputError as exc:
        fail(str(exc))
    click.echo(text, nl=False)
