"""explain: the documentation of a kind and its fields, from the OpenAPI documents litekube serves.

This module does I/O (it prints). The rendering is litekube.model.explaining
over litekube.model.openapi's documents.
"""
from __future__ import annotations

import sys

import click

from litekube import errors
from litekube.cli.root import cli, handle_errors
from litekube.model import explaining, kinds, openapi

__all__: list[str] = []


@cli.command(short_help="Describe a kind and its fields (from the served OpenAPI schemas), as kubectl explain.")
@click.argument("target", required=False)
@click.option("--recursive", is_flag=True, help="Print every field of every field, without descriptions.")
@click.option("--api-version", default="", help="The group/version to explain (default: the one litekube serves).")
@click.option("--output", type=click.Choice(["plaintext"]), default="plaintext", help="The format (plaintext).")
@handle_errors
def explain(target, recursive, api_version, output) -> None:
    """Describe fields and structure of various resources.

    TYPE[.FIELD.FIELD...]: the kind's description and its fields, each with
    its type (`<[]Container>`, `<map[string]string>`) and upstream's
    description; --recursive prints the whole tree of field names.

    \b
    Examples:
      # Get the documentation of the resource and its fields
      litekube explain pods
      # All the fields in the resource
      litekube explain pods --recursive
      # The explanation for a deployment in a specific API version
      litekube explain deployments --api-version=apps/v1
      # The documentation of a specific field of a resource
      litekube explain pods.spec.containers
    """
    if not target:
        click.echo('You must specify the type of resource to explain. Use "litekube api-resources" for a complete '
                   "list of supported resources.", err=True)
        sys.exit(1)
    resource, *fields = target.split(".")
    kind = kinds.resolve(resource)[0]
    if api_version and api_version != kind.api_version:
        raise errors.ManifestError(f'couldn\'t find resource for "{kind.api_version.split("/")[0] or "core"}/'
                                   f'{api_version.split("/")[-1]}, Resource={kind.plural}"')
    try:
        text = explaining.explain(openapi.document(kind.group, kind.version), kind, fields, recursive)
    except explaining.ExplainError as exc:
        click.echo(exc.partial, nl=False)
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(text, nl=False)
