"""migrate: copy a cluster, with its history, from one database to another. This module does I/O."""
from __future__ import annotations

import click

from litekube.cli.root import cli, handle_errors


@cli.command()
@click.option("--from", "source", required=True, metavar="DB",
              help="The database holding the cluster: a file, sqlite:///FILE or postgresql+psycopg://...")
@click.option("--to", "target", required=True, metavar="DB",
              help="An empty database to copy it into (created and migrated if new).")
@handle_errors
def migrate(source: str, target: str) -> None:
    """Copy a cluster with its history (revisions, changelog) into another database."""
    from litekube.store import copying

    copied = copying.copy(source, target)
    click.echo(f"copied {copied.objects} object{'s' if copied.objects != 1 else ''} and "
               f"{copied.changes} changelog row{'s' if copied.changes != 1 else ''} "
               f"(revision {copied.revision}, compacted to {copied.compacted}) "
               f"from {copying.display(source)} to {copying.display(target)}")
