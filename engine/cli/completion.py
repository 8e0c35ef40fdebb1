"""`litekube completion bash|zsh|fish`: Click's shell completion, completing kinds and object names too.

This module does I/O: completing a name reads the database (read only: no
cluster is created, nothing settles, so a TAB costs one small query). The
script a shell loads calls litekube back with `_LITEKUBE_COMPLETE` set, as
every Click program does; the callbacks here answer for TYPE, TYPE/NAME,
NAME (after a TYPE) and -n NAMESPACE.
"""
from __future__ import annotations

import os
from pathlib import Path

import click
from click.shell_completion import CompletionItem, get_completion_class

from litekube import errors
from litekube.cli.root import cli
from litekube.model import kinds

__all__ = ["complete_resources", "complete_namespaces", "attach"]

_SHELLS = ("bash", "zsh", "fish")
# The commands whose ARGS are TYPE NAME... or TYPE/NAME...
_RESOURCE_COMMANDS = ("get", "describe", "delete", "edit", "patch", "label", "annotate", "scale", "expose",
                      "wait", "logs", "rollout status", "rollout history", "rollout undo", "rollout pause",
                      "rollout resume", "rollout restart", "rollout trace", "set image")


def _names(ctx: click.Context, kind: kinds.Kind, namespace: str | None) -> list[str]:
    """The names of the kind's objects in the database the command line points at; [] when there is none."""
    root = ctx.find_root()
    db = root.params.get("db") or os.environ.get("LITEKUBE_DB") or "litekube.db"
    if "://" not in db and not Path(db).exists():
        return []
    try:
        from litekube.store import Store

        store = Store(db)
        try:
            with store.read() as reader:
                stored = reader.list(kind.kind, (namespace or "default") if kind.namespaced else None)
                return sorted(s.name for s in stored)
        finally:
            store.close()
    except (errors.LitekubeError, OSError):  # completion must never break the shell
        return []


def _kind_words() -> list[str]:
    words = set()
    for kind in kinds.KINDS:
        words.update((kind.plural, kind.singular, *kind.short_names))
    return sorted(words | {"all"})


def complete_resources(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """TYPE, TYPE/NAME, or NAME after a TYPE."""
    given = [a for a in (ctx.params.get(param.name) or ()) if a]
    namespace = ctx.params.get("namespace")
    if "/" in incomplete:
        type_, _, prefix = incomplete.partition("/")
        try:
            kind = kinds.resolve(type_)[0]
        except errors.ManifestError:
            return []
        return [CompletionItem(f"{type_}/{n}") for n in _names(ctx, kind, namespace) if n.startswith(prefix)]
    if given and "/" not in given[0]:
        try:
            kind = kinds.resolve(given[0].split(",")[0])[0]
        except errors.ManifestError:
            return []
        return [CompletionItem(n) for n in _names(ctx, kind, namespace) if n.startswith(incomplete)]
    return [CompletionItem(w) for w in _kind_words() if w.startswith(incomplete)]


def complete_namespaces(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(n) for n in _names(ctx, kinds.lookup("Namespace"), None) if n.startswith(incomplete)]


def complete_kinds(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(w) for w in _kind_words() if w.startswith(incomplete)]


def _find(path: str) -> click.Command | None:
    command: click.Command | None = cli
    for word in path.split():
        command = command.commands.get(word) if isinstance(command, click.Group) else None
    return command


def attach() -> None:
    """Give the resource arguments and -n options of the commands their completion callbacks."""
    for path in _RESOURCE_COMMANDS:
        command = _find(path)
        for param in (command.params if command else []):
            if isinstance(param, click.Argument) and param.name in ("args", "resource", "target"):
                param._custom_shell_complete = complete_resources
    for path, command in _walk(cli):
        for param in command.params:
            if isinstance(param, click.Option) and "--namespace" in param.opts:
                param._custom_shell_complete = complete_namespaces
    explain = _find("explain")
    for param in (explain.params if explain else []):
        if param.name == "target":
            param._custom_shell_complete = complete_kinds


def _walk(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _walk(command, f"{prefix}{name} ")


@cli.command()
@click.argument("shell", type=click.Choice(_SHELLS))
def completion(shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish.

    The script completes commands and flags, and kinds and object names from
    the database (`--db` or $LITEKUBE_DB): `litekube get po<TAB>`,
    `litekube describe deploy <TAB>`, `litekube logs pod/<TAB>`.

    \b
    Examples:
      # Load completion into the current bash shell
      source <(litekube completion bash)
      # Load it for every new bash shell
      litekube completion bash > ~/.local/share/bash-completion/completions/litekube
      # zsh
      litekube completion zsh > "${fpath[1]}/_litekube"
      # fish
      litekube completion fish > ~/.config/fish/completions/litekube.fish
    """
    cls = get_completion_class(shell)
    assert cls is not None
    click.echo(cls(cli, {}, "litekube", "_LITEKUBE_COMPLETE").source())
