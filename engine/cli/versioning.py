"""`litekube version`: in a module of its own, so that it imports neither the API nor the store
(start-up time is what it measures). This module does I/O (it writes to stdout)."""
from __future__ import annotations

import click

from litekube.cli.root import SERVER_VERSION, VERSION, cli


@cli.command()
@click.option("--client", is_flag=True, help="Only the client version.")
def version(client) -> None:
    """Print the client and server versions."""
    click.echo(f"Client Version: v{VERSION}")
    if not client:
        click.echo(f"Server Version: {SERVER_VERSION}")
