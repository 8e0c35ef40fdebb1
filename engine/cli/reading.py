"""get, describe, api-resources, version and changes: reading the cluster. This module does I/O."""
from __future__ import annotations

import time

import click

from litekube.cli.root import (
    SERVER_VERSION,
    VERSION,
    Context,
    cli,
    duration_seconds,
    handle_errors,
    iso,
    namespace_options,
    output_options,
    pass_context,
)
from litekube.model import kinds, printing


def _render(ctx: Context, groups: list[list[dict]], output: str, *, all_namespaces: bool,
            show_labels: bool, no_headers: bool, with_kind: bool, single: bool | None = None) -> str:
    objs = [o for group in groups for o in group]
    if output == "yaml":
        return printing.to_yaml(objs, single)
    if output == "json":
        return printing.to_json(objs, single)
    if output == "name":
        return printing.names(objs)
    now = ctx.now()
    blocks = [printing.table(group, now, wide=output == "wide", all_namespaces=all_namespaces,
                             show_labels=show_labels, with_kind=with_kind, headers=not no_headers)
              for group in groups if group]
    return "\n\n".join(blocks)


@cli.command()
@click.argument("args", nargs=-1, required=True)
@namespace_options
@click.option("-A", "--all-namespaces", is_flag=True, help="List across every namespace.")
@click.option("-l", "--selector", default=None, help="Label selector: a=b, a!=b, a in (x,y), !a ...")
@click.option("--field-selector", default=None, help="Field selector: metadata.name=web, status.phase=Running ...")
@click.option("-w", "--watch", is_flag=True, help="After listing, print every change as it happens.")
@click.option("--request-timeout", default="0", help="Stop watching after this long (e.g. 30s; 0: never).")
@output_options
@pass_context
@handle_errors
def get(ctx: Context, args, namespace, all_namespaces, selector, field_selector, watch, request_timeout,
        output, no_headers, show_labels) -> None:
    """List objects: TYPE[,TYPE...] [NAME...] or TYPE/NAME ..., with kubectl's columns."""
    from litekube.api import reading

    targets = reading.parse_targets(list(args))
    result = reading.get(ctx.api, targets, namespace=namespace or "default",
                         all_namespaces=all_namespaces, selector=selector, field_selector=field_selector)
    groups = [g for g in result.groups if g]
    with_kind = len({k.kind for k, _ in targets}) > 1 or any("/" in a for a in args) and len(groups) > 1
    if groups:
        # kubectl prints one named object as itself, and any listing as a List
        single = len(targets) == 1 and targets[0][1] is not None
        click.echo(_render(ctx, groups, output, all_namespaces=all_namespaces, show_labels=show_labels,
                           no_headers=no_headers, with_kind=with_kind, single=single))
    elif not watch:
        click.echo(reading.no_resources(namespace or "default", all_namespaces), err=True)
    if watch:
        _watch(ctx, targets, result.resource_version, namespace or "default", all_namespaces, output,
               show_labels, duration_seconds(request_timeout))



def _watch(ctx, targets, since, namespace, all_namespaces, output, show_labels, timeout) -> None:
    wanted = {k.kind for k, _ in targets}
    names = {n for _, n in targets if n}
    deadline = time.monotonic() + timeout if timeout else None
    # Named objects are followed through the changelog's object-key index (their rows only);
    # a kind through its (kind, rev) index.
    named = [(k.kind, namespace if k.namespaced else "", n) for k, n in targets if n]
    cursors = {key: since for key in named}

    def pending() -> list:
        if not named:
            return ctx.api.store.changes(since, kinds_=wanted)
        found = []
        for key in named:
            batch = ctx.api.store.object_changes(*key, since=cursors[key])
            if batch:
                cursors[key] = batch[-1].revision
            found += batch
        return sorted(found, key=lambda c: c.revision)

    while deadline is None or time.monotonic() < deadline:
        changes = pending()
        for change in changes:
            since = change.revision
            if kinds.lookup(change.kind).namespaced and not all_namespaces and change.namespace != namespace:
                continue
            if names and change.name not in names:
                continue
            click.echo(_render(ctx, [[change.body]], output, all_namespaces=all_namespaces,
                               show_labels=show_labels, no_headers=True, with_kind=False))
        if not changes:
            time.sleep(0.2)


@cli.command()
@click.argument("args", nargs=-1, required=True)
@namespace_options
@click.option("-A", "--all-namespaces", is_flag=True, help="Describe across every namespace.")
@click.option("-l", "--selector", default=None, help="Label selector.")
@pass_context
@handle_errors
def describe(ctx: Context, args, namespace, all_namespaces, selector) -> None:
    """Show an object in detail, with its Events, as kubectl describe does."""
    from litekube.api import reading
    from litekube.model import describing

    targets = reading.parse_targets(list(args))
    result = reading.get(ctx.api, targets, namespace=namespace or "default",
                         all_namespaces=all_namespaces, selector=selector, prefix_match=True)
    objs = [o for group in result.groups for o in group]
    if not objs:
        click.echo(reading.no_resources(namespace or "default", all_namespaces), err=True)
        return
    now = ctx.now()
    texts = [describing.describe(obj, reading.events_for(ctx.api, obj), now, reading.related(ctx.api, obj))
             for obj in objs]
    click.echo("\n\n".join(t.rstrip("\n") for t in texts))


@cli.command("api-resources")
@click.option("--namespaced", type=bool, default=None, help="Only namespaced (true) or cluster (false) kinds.")
@click.option("-o", "--output", type=click.Choice(["table", "wide", "name"]), default="table",
              help="Output format.")
@click.option("--no-headers", is_flag=True, help="Print without the header row.")
def api_resources(namespaced, output, no_headers) -> None:
    """List the kinds litekube serves, as kubectl api-resources does."""
    served = sorted(kinds.KINDS, key=lambda k: (k.group != "", k.group, k.plural))
    if namespaced is not None:
        served = [k for k in served if k.namespaced == namespaced]
    if output == "name":
        click.echo("\n".join(k.resource for k in served))
        return
    headers = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    rows = [[k.plural, ",".join(k.short_names), k.api_version, str(k.namespaced).lower(), k.kind]
            for k in served]
    if output == "wide":
        headers += ["VERBS", "CATEGORIES"]
        for row, k in zip(rows, served):
            row += ["[create delete deletecollection get list patch update watch]", ",".join(k.categories)]
    click.echo(printing.grid(None if no_headers else headers, rows))


@cli.command()
@click.option("--client", is_flag=True, help="Only the client version.")
@pass_context
def version(ctx: Context, client) -> None:
    """Print the client and server versions."""
    click.echo(f"Client Version: v{VERSION}")
    if not client:
        click.echo(f"Server Version: {SERVER_VERSION}")


@cli.command()
@click.argument("target", required=False)
@namespace_options
@click.option("--since", type=int, default=0, help="Print revisions after this one (default: all kept).")
@click.option("-w", "--watch", is_flag=True, help="Keep printing new revisions as they commit.")
@click.option("--request-timeout", default="0", help="Stop watching after this long (0: never).")
@click.option("--no-headers", is_flag=True, help="Print without the header row.")
@pass_context
@handle_errors
def changes(ctx: Context, target, namespace, since, watch, request_timeout, no_headers) -> None:
    """The changelog: one row per revision, as etcd's watchers see the store (TYPE/NAME: one object's)."""
    from litekube.cli.root import one

    key = None
    if target:
        kind, name = one((target,))
        key = (kind.kind, (namespace or "default") if kind.namespaced else "", name)
    timeout = duration_seconds(request_timeout)
    deadline = time.monotonic() + timeout if timeout else None
    headers = None if no_headers else ["REVISION", "TIME", "EVENT", "KIND", "NAME"]
    while True:
        if key is None:
            batch = ctx.api.store.changes(since, limit=1000)
        else:  # one object's rows, through the changelog's object-key index
            batch = ctx.api.store.object_changes(*key, since=since, limit=1000)
        if batch:
            rows = [[str(c.revision), iso(c.time), c.type, c.kind,
                     f"{c.namespace}/{c.name}" if c.namespace else c.name] for c in batch]
            click.echo(printing.grid(headers, rows))
            headers = None
            since = batch[-1].revision
            continue
        if not watch or (deadline is not None and time.monotonic() >= deadline):
            break
        time.sleep(0.2)
