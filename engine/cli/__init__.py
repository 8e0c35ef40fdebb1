"""litekube's command line: kubectl's verbs over a control plane in one SQLite file.

Importing this package registers every command on `cli`. This module does I/O.
"""
from litekube.cli import autoscaling, batch, cluster, manifests, reading, workloads  # noqa: F401  (registers the commands)
from litekube.cli import containers, creating, creating_kinds, diffing, editing, explaining, exposing  # noqa: F401
from litekube.cli import completion, helptext
from litekube.cli.root import cli, main

helptext.apply_to(cli)  # after every command module: Examples and whole short help for all
completion.attach()  # and completion of kinds, names and namespaces

__all__ = ["cli", "main"]
