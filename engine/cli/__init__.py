"""litekube's command line: kubectl's verbs over a control plane in one SQLite file.

Commands are loaded lazily: `COMMANDS` maps each command to the area module
that registers it (add yours there, and the module to `MODULES`; a module
adding subcommands to another's group goes in `EXTENDS`; a command missing
from the map still works, by importing every area). After each load, the
commands loaded so far get their Examples and whole short help (helptext)
and their completion callbacks (completion). This module does I/O.
"""
from litekube.cli.root import LazyGroup, cli, main

LazyGroup.MODULES = ["autoscaling", "batch", "cluster", "manifests", "reading", "workloads", "containers",
                     "creating", "creating_kinds", "diffing", "editing", "explaining", "exposing", "completion",
                     "pictures", "networking", "checking", "curling", "versioning", "serving", "migrating"]
LazyGroup.COMMANDS = {
    **dict.fromkeys(["init", "node", "advance", "run", "fault", "drain", "cordon", "uncordon"], "cluster"),
    **dict.fromkeys(["apply", "create", "replace", "delete"], "manifests"),
    **dict.fromkeys(["get", "describe", "api-resources", "changes"], "reading"),
    "version": "versioning",
    **dict.fromkeys(["scale", "set", "rollout", "wait", "label", "annotate"], "workloads"),
    **dict.fromkeys(["top", "autoscale"], "autoscaling"),
    **dict.fromkeys(["logs", "exec"], "containers"),
    **dict.fromkeys(["patch", "edit"], "editing"),
    "diff": "diffing",
    "explain": "explaining",
    "expose": "exposing",
    "completion": "completion",
    "check": "checking",
    **dict.fromkeys(["serve", "kubeconfig"], "serving"),
    "migrate": "migrating",
    **dict.fromkeys(["tree", "graph", "ui"], "pictures"),
    **dict.fromkeys(["proxy-rules", "routes", "dns"], "networking"),
    "curl": "curling",
}
# Modules that add subcommands to another module's group: loaded with that group.
LazyGroup.EXTENDS = {"set": ["autoscaling"], "create": ["batch", "creating", "creating_kinds"]}


def _decorate() -> None:
    from litekube.cli import completion, helptext

    helptext.apply_to(cli)
    completion.attach()


LazyGroup.AFTER_LOAD = staticmethod(_decorate)  # type: ignore[assignment]


def load_all() -> None:
    """Import every command module (help listings, documentation tests)."""
    cli.load_all()  # type: ignore[attr-defined]


__all__ = ["cli", "main", "load_all"]
