"""diff: what an apply of manifests would change, as `diff -u -N` of the live and the merged objects.

This module does I/O: it writes two directories of YAML files named as
kubectl names them (LIVE-*/ and MERGED-*/) and runs `diff -u -N` (or
$KUBECTL_EXTERNAL_DIFF) on them; the merged objects are the server's
dry-run answer (litekube.api.patching.merged).
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from litekube import errors
from litekube.api import applying
from litekube.api import patching as api_patching
from litekube.cli.root import Context, cli, namespace_options, pass_context
from litekube.model import kinds, printing, zerovalues

__all__: list[str] = []


def _label(kind: kinds.Kind, obj: dict) -> str:
    """kubectl's file name: group.version.kind.namespace.name (group omitted for the core group)."""
    meta = obj.get("metadata") or {}
    parts = ([kind.group] if kind.group else []) + [kind.version, kind.kind]
    if meta.get("namespace"):
        parts.append(meta["namespace"])
    parts.append(meta.get("name", ""))
    return ".".join(parts)


def _mask_secrets(live: dict | None, merged: dict) -> tuple[dict | None, dict]:
    """kubectl diff never shows Secret data: `***`, or `*** (before)` / `*** (after)` when it changed."""
    if merged.get("kind") != "Secret":
        return live, merged
    before = dict((live or {}).get("data") or {})
    after = dict(merged.get("data") or {})
    masked_before, masked_after = {}, {}
    for key in set(before) | set(after):
        if key in before and key in after and before[key] == after[key]:
            masked_before[key] = masked_after[key] = "***"
            continue
        if key in before:
            masked_before[key] = "*** (before)"
        if key in after:
            masked_after[key] = "*** (after)"
    if live is not None:
        live = {**live, "data": masked_before} if before else live
    return live, ({**merged, "data": masked_after} if after else merged)


def _strip(obj: dict) -> dict:
    meta = dict(obj.get("metadata") or {})
    meta.pop("managedFields", None)
    return {**obj, "metadata": meta}


@cli.command(short_help="Show what apply -f would change: diff -u of the live and the merged objects.")
@click.option("-f", "--filename", "filenames", multiple=True, required=True,
              help="A manifest file, a directory of them, or - for stdin.")
@click.option("-R", "--recursive", is_flag=True, help="Read directories recursively.")
@namespace_options
@pass_context
def diff(ctx: Context, filenames, recursive, namespace) -> None:
    """Diff the live objects against the objects an apply of the manifests would make.

    The output is `diff -u -N` of two directories of YAML files, one per
    object, named GROUP.VERSION.KIND.NAMESPACE.NAME; $KUBECTL_EXTERNAL_DIFF
    ("colordiff -N -u", "meld") replaces the diff command. Exit status: 0 no
    differences, 1 differences found, >1 litekube or diff failed.

    \b
    Examples:
      # Diff the objects in pod.json
      litekube diff -f pod.json
      # Diff a directory of manifests
      litekube diff -f samples/
      # Diff from stdin
      cat service.yaml | litekube diff -f -
    """
    try:
        pairs = _diff_pairs(ctx, filenames, recursive, namespace)
    except errors.LitekubeError as exc:
        click.echo(exc.render(), err=True)
        sys.exit(2)
    sys.exit(_run_diff(pairs))


def _diff_pairs(ctx: Context, filenames, recursive, namespace) -> list[tuple[str, dict | None, dict]]:
    stdin = sys.stdin.read() if "-" in filenames else None
    docs = applying.load(list(filenames), recursive, stdin)
    found: dict[int, errors.LitekubeError] = {}
    prepared = applying._prepared(docs, namespace or "default", namespace is not None, found)
    applying._raise(found)
    pairs = []
    with ctx.api.write(dry_run=True) as tx:
        for _, doc, kind, obj in sorted(prepared, key=lambda item: applying.install_rank(item[2])):
            with applying._sourced(doc, "patching"):
                live, merged = api_patching.merged(tx, kind, obj, obj["metadata"].get("namespace") or "")
            live, merged = _mask_secrets(live, merged)
            # both as the apiserver sends them: kubectl diffs a GET against a dry-run patch's response
            live, merged = (None if live is None else zerovalues.served(live)), zerovalues.served(merged)
            pairs.append((_label(kind, merged), None if live is None else _strip(live), _strip(merged)))
    return pairs


def _run_diff(pairs: list[tuple[str, dict | None, dict]]) -> int:
    """Write LIVE-*/ and MERGED-*/ and run the diff program on them; its exit status."""
    live_dir = tempfile.mkdtemp(prefix="LIVE-")
    merged_dir = tempfile.mkdtemp(prefix="MERGED-")
    try:
        for label, live, merged in pairs:
            # kubectl writes an empty LIVE file for an object that does not exist yet
            Path(live_dir, label).write_text("" if live is None else printing.to_yaml([live]) + "\n",
                                             encoding="utf-8")
            Path(merged_dir, label).write_text(printing.to_yaml([merged]) + "\n", encoding="utf-8")
        external = os.environ.get("KUBECTL_EXTERNAL_DIFF", "")
        command = (shlex.split(external) if external else ["diff", "-u", "-N"]) + [live_dir, merged_dir]
        if not external and shutil.which("diff") is None:
            return _python_diff(live_dir, merged_dir)
        try:
            done = subprocess.run(command, capture_output=True, text=True)
        except OSError as exc:
            click.echo(f"error: failed to run {command[0]}: {exc.strerror}", err=True)
            return 2
        click.echo(done.stdout, nl=False)
        click.echo(done.stderr, nl=False, err=True)
        return done.returncode
    finally:
        shutil.rmtree(live_dir, ignore_errors=True)
        shutil.rmtree(merged_dir, ignore_errors=True)


def _python_diff(live_dir: str, merged_dir: str) -> int:
    """`diff -u -N` for systems without diff(1)."""
    import difflib

    changed = False
    for name in sorted(set(os.listdir(live_dir)) | set(os.listdir(merged_dir))):
        a, b = Path(live_dir, name), Path(merged_dir, name)
        old = a.read_text().splitlines(keepends=True) if a.exists() else []
        new = b.read_text().splitlines(keepends=True) if b.exists() else []
        if old != new:
            changed = True
            click.echo(f"diff -u -N {a} {b}")
            click.echo("".join(difflib.unified_diff(old, new, str(a), str(b))), nl=False)
    return 1 if changed else 0
