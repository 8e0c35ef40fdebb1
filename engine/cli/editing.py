"""patch and edit: changing objects in place.

This module does I/O: it reads patch files and runs the user's editor on a
temporary file (kubectl's header comment, its re-edit loop on invalid input).
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
import yaml

from litekube import errors
from litekube.api import applying, reading
from litekube.api import patching as api_patching
from litekube.cli import output as output_flags
from litekube.cli.root import Context, cli, handle_errors, namespace_options, one, pass_context
from litekube.model import kinds, manifests, printing, zerovalues

__all__: list[str] = []

_PATCH_TYPES = ("json", "merge", "strategic")


def _parse_patch(text: str) -> Any:
    """kubectl's yaml.ToJSON of the patch text."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        output_flags.fail(f'unable to parse "{text}": yaml: {line}{getattr(exc, "problem", exc)}')


def _suffix(dry_run: str) -> str:
    return {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run, "")


@cli.command(short_help="Update fields of an object with a strategic merge, JSON merge or JSON patch.")
@click.argument("args", nargs=-1)
@click.option("-p", "--patch", "patch_text", default=None, help="The patch: JSON or YAML.")
@click.option("--patch-file", default=None, help="A file holding the patch.")
@click.option("--type", "patch_type", default="strategic", show_default=True,
              help="strategic (merge keys, $patch directives), merge (RFC 7386) or json (RFC 6902).")
@click.option("--subresource", type=click.Choice(["status", "scale"]), default=None,
              help="Patch the status or scale subresource.")
@click.option("-f", "--filename", "filenames", multiple=True, help="Identify the object by a manifest.")
@click.option("--local", is_flag=True, help="Patch the manifest given with -f and print it; contact no server.")
@click.option("--dry-run", type=click.Choice(["none", "client", "server"]), default="none",
              help="client: only print; server: check everything, write nothing.")
@namespace_options
@output_flags.print_options
@pass_context
@handle_errors
def patch(ctx: Context, args, patch_text, patch_file, patch_type, subresource, filenames, local, dry_run,
          namespace, output, template, allow_missing_template_keys) -> None:
    """Update fields of an object using a strategic merge patch, a JSON merge patch, or a JSON patch.

    \b
    Examples:
      # Partially update a node using a strategic merge patch, the patch as JSON
      litekube patch node node-1 -p '{"spec":{"unschedulable":true}}'
      # The same, the patch as YAML
      litekube patch node node-1 -p $'spec:\\n unschedulable: true'
      # Update a container's image; spec.containers[*].name is required because it's a merge key
      litekube patch pod valid-pod -p '{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}'
      # Update a container's image using a JSON patch with positional arrays
      litekube patch pod valid-pod --type='json' -p='[{"op": "replace", "path": "/spec/containers/0/image", "value":"new image"}]'
      # Update a deployment's replicas through the scale subresource
      litekube patch deployment web --subresource='scale' --type='merge' -p '{"spec":{"replicas":2}}'
      # Patch from a file
      litekube patch deployment web --patch-file=patch.yaml
    """
    if patch_type not in _PATCH_TYPES:
        output_flags.fail(f'--type must be one of [json merge strategic], not "{patch_type}"')
    if patch_text is not None and patch_file:
        output_flags.fail("cannot specify --patch and --patch-file together")
    if patch_file:
        try:
            patch_text = Path(patch_file).read_text(encoding="utf-8")
        except OSError:
            output_flags.fail(f"unable to read patch file: open {patch_file}: no such file or directory")
    if not patch_text:
        output_flags.fail("must specify --patch or --patch-file containing the contents of the patch")
    body = _parse_patch(patch_text)
    fmt, text = output_flags.resolve(output, template, output_flags.PRINT_FORMATS) if output else (None, None)
    ns = namespace or "default"
    if local or dry_run == "client":
        objs = _local_objects(ctx, args, filenames, ns, local)
        for kind, obj in objs:
            try:
                result = api_patching._patched(obj, body, patch_type, obj.get("kind", ""))
            except errors.BadRequest as exc:
                output_flags.fail(str(exc).replace("map[string]interface {}", "unstructured.detector"))
            _print_patched(kind, result, result != obj, fmt, text, allow_missing_template_keys,
                           " (dry run)" if not local else "", served=False)
        return
    targets = _targets(args, filenames, ns)
    for kind, name, target_ns in targets:
        result = api_patching.patch_object(ctx.api, kind, target_ns, name, body, patch_type, subresource,
                                           dry_run=dry_run == "server")
        _print_patched(kind, result.obj, result.changed, fmt, text, allow_missing_template_keys, _suffix(dry_run),
                       served=True)
    if dry_run == "none":
        ctx.settle()


def _print_patched(kind: kinds.Kind, obj: dict, changed: bool, fmt, text, allow_missing_keys, suffix: str, *,
                   served: bool) -> None:
    """`served`: the patch response (else the object patched locally, printed as patched)."""
    if fmt is not None:
        output_flags.emit(fmt, [obj], text, single=True, allow_missing_keys=allow_missing_keys, typed=True,
                          served=served)
        return
    click.echo(f"{kind.qualified}/{obj['metadata']['name']} patched{'' if changed else ' (no change)'}{suffix}")


def _targets(args, filenames, namespace: str) -> list[tuple[kinds.Kind, str, str]]:
    if filenames:
        if args:
            raise click.UsageError("when paths are given, no resource arguments may be given")
        docs = applying.load(list(filenames))
        return [(kinds.by_api(d.obj.get("apiVersion", ""), d.obj.get("kind", "")), d.obj["metadata"]["name"],
                 (d.obj.get("metadata") or {}).get("namespace") or namespace) for d in docs]
    kind, name = one(args)
    return [(kind, name, namespace)]


def _local_objects(ctx: Context, args, filenames, namespace: str, local: bool) -> list[tuple[kinds.Kind, dict]]:
    if local:
        if not filenames:
            output_flags.fail("cannot specify --local and server resources")
        return [(kinds.by_api(d.obj.get("apiVersion", ""), d.obj.get("kind", "")), d.obj)
                for d in applying.load(list(filenames))]
    found = []
    with ctx.api.read() as tx:
        for kind, name, ns in _targets(args, filenames, namespace):
            found.append((kind, tx.get(kind.kind, ns, name)))
    return found


# -- edit ---------------------------------------------------------------------------

_HEADER = ("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
           "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
           "# reopened with the relevant failures.\n#\n")


def _hash_on_line_break(text: str) -> str:
    return "".join("\n# " if ch == "\n" and i + 1 < len(text) and text[i + 1] != "#" else ch
                   for i, ch in enumerate(text))


def _header(reasons: list[tuple[str, list[str]]]) -> str:
    out = [_HEADER]
    for head, other in reasons:
        out.append(f"# {_hash_on_line_break(head)}{':' if other else ''}\n")
        out.extend(f"# * {_hash_on_line_break(o)}\n" for o in other)
        out.append("#\n")
    return "".join(out)


def _manual_strip(text: str) -> str:
    lines = text.split("\n")
    kept = [line for line in lines if not (line.strip().startswith("#") and not line.strip().startswith("#!"))]
    return "\n".join(kept)


def _strip_comments(text: str) -> Any:
    """cmdutil.StripComments: the document as data when it parses (so layout changes are no change)."""
    try:
        return ("data", yaml.safe_load(text))
    except yaml.YAMLError:
        return ("text", _manual_strip(text))


def _editor_args() -> tuple[list[str], bool]:
    editor = os.environ.get("KUBE_EDITOR") or os.environ.get("EDITOR") or "vi"
    if " " not in editor:
        return [editor], False
    if not any(c in editor for c in "\"'\\"):
        return editor.split(" "), False
    return [os.environ.get("SHELL") or "/bin/bash", "-c", editor], True


def _launch(content: str, suffix: str) -> tuple[str, str]:
    """Write `content` to a temporary file, run the editor on it, return (its new text, its path)."""
    handle, path = tempfile.mkstemp(prefix="litekube-edit-", suffix=suffix)
    with os.fdopen(handle, "w", encoding="utf-8") as f:
        f.write(content)
    args, shell = _editor_args()
    command = [*args[:-1], f"{args[-1]} {shlex.quote(path)}"] if shell else [*args, path]
    try:
        done = subprocess.run(command)
    except OSError:
        done = None
    if done is None or done.returncode != 0:
        output_flags.fail(f'there was a problem with the editor "{" ".join(args)}"')
    return Path(path).read_text(encoding="utf-8"), path


def _has_lines(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("#") for line in text.splitlines())


def _preserved(path: str, message: str) -> None:
    if path and os.path.exists(path):
        click.echo(f'A copy of your changes has been stored to "{path}"', err=True)
    output_flags.fail(message)


@cli.command(short_help="Edit an object in your editor ($KUBE_EDITOR, $EDITOR) and save it back.")
@click.argument("args", nargs=-1, required=True)
@namespace_options
@click.option("-o", "--output", "output", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True, help="The format to edit in.")
@click.option("--output-patch", is_flag=True, help="Print the patch sent for each object.")
@click.option("--save-config", is_flag=True, help="Store the edited object in the last-applied annotation.")
@pass_context
@handle_errors
def edit(ctx: Context, args, namespace, output, output_patch, save_config) -> None:
    """Edit a resource from the default editor.

    The editor is $KUBE_EDITOR, else $EDITOR, else vi. The objects open as YAML
    (or JSON with -o json) under kubectl's header comment; when saving fails
    validation the file reopens with the errors at the top; an unchanged file
    cancels the edit.

    \b
    Examples:
      # Edit the service named 'registry'
      litekube edit svc/registry
      # Use an alternative editor
      KUBE_EDITOR="nano" litekube edit svc/registry
      # Edit the deployment 'web' in JSON
      litekube edit deployment/web -o json
    """
    ns = namespace or "default"
    result = reading.get(ctx.api, reading.parse_targets(list(args)), namespace=ns)
    # as kubectl edits them: the objects the apiserver sends (the patch is computed against these)
    originals = [zerovalues.served(o) for group in result.groups for o in group]
    if not originals:
        output_flags.fail("edit cancelled, no objects found")
    render = (lambda objs: printing.to_json(objs) + "\n") if output == "json" else \
        (lambda objs: printing.to_yaml(objs) + "\n")
    original_text = render(originals)
    reasons: list[tuple[str, list[str]]] = []
    contains_error = False
    edited, path = "", ""
    while True:
        content = _header(reasons) + (_manual_strip(edited) if contains_error else original_text)
        previous = edited
        edited, new_path = _launch(content, ".json" if output == "json" else ".yaml")
        if contains_error and _strip_comments(previous) == _strip_comments(edited):
            _preserved(new_path, "Edit cancelled, no valid changes were saved.")
        if path and path != new_path and os.path.exists(path):
            os.remove(path)
        path = new_path
        if _strip_comments(original_text) == _strip_comments(edited):
            os.remove(path)
            click.echo("Edit cancelled, no changes made.", err=True)
            return
        if not _has_lines(edited):
            os.remove(path)
            click.echo("Edit cancelled, saved file was empty.", err=True)
            return
        try:
            docs = [d.obj for d in manifests.parse(_manual_strip(edited), path)]
            if len(docs) == 1 and docs[0].get("kind") == "List":
                docs = list(docs[0].get("items") or [])
        except errors.ManifestError as exc:
            contains_error = True
            reasons = [(f"The edited file had a syntax error: {exc}", [])]
            continue
        reasons, retry = _save_edits(ctx, originals, docs, ns, output_patch, save_config)
        contains_error = bool(reasons)
        if retry:
            click.echo(f"You can run `litekube replace -f {path}` to try this update again.", err=True)
            sys.exit(1)
        if not reasons:
            os.remove(path)
            ctx.settle()
            return


def _save_edits(ctx: Context, originals: list[dict], docs: list[dict], namespace: str, output_patch: bool,
                save_config: bool) -> tuple[list[tuple[str, list[str]]], bool]:
    """Patch each edited object; (reasons to reopen the editor, whether an error needs `replace -f`)."""
    by_uid = {o["metadata"].get("uid"): o for o in originals}
    reasons: list[tuple[str, list[str]]] = []
    retry = False
    for doc in docs:
        original = by_uid.get((doc.get("metadata") or {}).get("uid"))
        if original is None:
            output_flags.fail(f"no original object found for {doc.get('kind', '')}/"
                              f"{(doc.get('metadata') or {}).get('name', '')}")
        kind = kinds.for_object(original)
        name = original["metadata"]["name"]
        if (doc.get("apiVersion"), doc.get("kind"), (doc.get("metadata") or {}).get("name")) != \
                (original.get("apiVersion"), original.get("kind"), name):
            output_flags.fail("At least one of apiVersion, kind and name was changed")
        if save_config:
            doc.setdefault("metadata", {}).setdefault("annotations", {})[applying.LAST_APPLIED] = \
                applying.last_applied(doc)
        if doc == original:
            click.echo(f"{kind.qualified}/{name} skipped")
            continue
        patch = api_patching.two_way_patch(original, doc)
        if output_patch:
            click.echo(f"Patch: {json.dumps(patch, separators=(',', ':'), sort_keys=True)}")
        ns = original["metadata"].get("namespace") or namespace
        try:
            api_patching.patch_object(ctx.api, kind, ns, name, patch, "strategic")
        except errors.Invalid as exc:
            reasons.append((f'{kind.resource} "{name}" was not valid', [str(c) for c in exc.causes]))
            click.echo(f'error: {kind.resource} "{name}" is invalid', err=True)
            continue
        except errors.NotFound:
            click.echo(f'error: {kind.resource} "{name}" could not be found on the server', err=True)
            retry = True
            continue
        except errors.ApiError as exc:
            click.echo(f'error: {kind.resource} "{name}" could not be patched: {exc}', err=True)
            retry = True
            continue
        click.echo(f"{kind.qualified}/{name} edited")
    return reasons, retry
