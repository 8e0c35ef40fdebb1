"""get, describe, api-resources, version and changes: reading the cluster. This module does I/O."""
from __future__ import annotations

import time

import click

from litekube import errors
from litekube.api import reading
from litekube.cli import getting, root
from litekube.cli import output as output_flags
from litekube.cli.root import (
    Context,
    cli,
    duration_seconds,
    handle_errors,
    iso,
    namespace_options,
    one,
    pass_context,
)
from litekube.model import discovery, kinds, printing, tables, zerovalues


def _render(ctx: Context, groups: list[list[dict]], output: str, *, all_namespaces: bool,
            show_labels: bool, no_headers: bool, with_kind: bool, single: bool | None = None) -> str:
    objs = [o for group in groups for o in group]
    if output in ("yaml", "json"):  # as the apiserver sends them (output.render does the same for get -o)
        objs = [zerovalues.served(o) for o in objs]
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


@cli.command(short_help="List objects with kubectl's columns, or in any of its output formats.")
@click.argument("args", nargs=-1, required=True)
@namespace_options
@click.option("-A", "--all-namespaces", is_flag=True, help="List across every namespace.")
@click.option("-l", "--selector", default=None, help="Label selector: a=b, a!=b, a in (x,y), !a ...")
@click.option("--field-selector", default=None, help="Field selector: metadata.name=web, status.phase=Running ...")
@click.option("-w", "--watch", is_flag=True, help="After listing, print every change as it happens.")
@click.option("--request-timeout", default="0", help="Stop watching after this long (e.g. 30s; 0: never).")
@getting.get_options
@pass_context
@handle_errors
def get(ctx: Context, args, namespace, all_namespaces, selector, field_selector, watch, request_timeout,
        output, no_headers, show_labels, **options) -> None:
    """List objects: TYPE[,TYPE...] [NAME...] or TYPE/NAME ..., with kubectl's columns.

    \b
    Examples:
      # List all pods in ps output format
      litekube get pods
      # List all pods with more information (such as node name)
      litekube get pods -o wide
      # List deployments in JSON, in the "v1" version of the "apps" API group
      litekube get deployments.v1.apps -o json
      # List a single pod in YAML
      litekube get -o yaml pod web-6c956c7598-26tjb
      # Return only the phase of every pod
      litekube get pods -o jsonpath='{.items[*].status.phase}'
      # List resource information in custom columns
      litekube get pods -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image
      # List pods sorted by their restart count, with their app label as a column
      litekube get pods --sort-by=.status.containerStatuses[0].restartCount -L app
      # List all deployments and services together
      litekube get deploy,services -n demo
      # List one or more objects by their type and names
      litekube get deploy/web service/web -n demo
    """
    request = getting.Request.of(args, namespace, all_namespaces, output, no_headers, show_labels, options)
    targets = reading.parse_targets(list(args))
    missing: list = []
    # a table reads only the fields its rows print (sorting may read any field: then whole objects)
    paths = tables.READS if request.format.human and not request.sort_by and not watch else None
    result = reading.get(ctx.api, targets, namespace=namespace or "default", all_namespaces=all_namespaces,
                         selector=selector, field_selector=field_selector, missing=missing, paths=paths)
    if watch:
        if request.sort_by:
            click.echo("warning: --watch or --watch-only requested, --sort-by will be ignored", err=True)
        groups = [g for g in result.groups if g]
        if groups:
            click.echo(_render(ctx, groups, request.format.name if request.format.human else "table",
                               all_namespaces=all_namespaces, show_labels=show_labels, no_headers=no_headers,
                               with_kind=False))
        _watch(ctx, targets, result.resource_version, namespace or "default", all_namespaces, output or "table",
               show_labels, duration_seconds(request_timeout))
        return
    getting.print_get(ctx, request, targets, result, missing)
    if root.KEPT is not None:
        root.KEPT.append(result)



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
            ctx.api.store.wait_for_change(0.2)  # PostgreSQL: woken by the next commit


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
@click.option("--api-group", default=None, help="Only this API group ('' for the core group).")
@click.option("--sort-by", type=click.Choice(["name", "kind"]), default=None, help="Sort by name or kind.")
@click.option("-o", "--output", default=None, metavar="FORMAT",
              help="wide or name (kubectl's), or json, yaml (the APIResourceLists of discovery).")
@click.option("--no-headers", is_flag=True, help="Print without the header row.")
def api_resources(namespaced, api_group, sort_by, output, no_headers) -> None:
    """List the kinds litekube serves, as kubectl api-resources does.

    \b
    Examples:
      # Print the supported API resources
      litekube api-resources
      # Print the supported API resources with more information
      litekube api-resources -o wide
      # Print the supported API resources sorted by a column
      litekube api-resources --sort-by=name
      # Print the supported namespaced resources
      litekube api-resources --namespaced=true
      # Print the supported API resources with a specific APIGroup
      litekube api-resources --api-group=apps
      # Print the discovery documents as JSON
      litekube api-resources -o json
    """
    served = sorted(kinds.KINDS, key=lambda k: (k.group != "", k.group, k.plural))
    if namespaced is not None:
        served = [k for k in served if k.namespaced == namespaced]
    if api_group is not None:
        served = [k for k in served if k.group == api_group]
    if sort_by:
        served.sort(key=lambda k: k.plural if sort_by == "name" else k.kind)
    if output in ("json", "yaml"):
        fmt, _ = output_flags.resolve(output)
        output_flags.emit(fmt, discovery.resource_lists(served), None, single=False)
        return
    if output not in (None, "", "wide", "name"):
        output_flags.fail(f"--output {output} is not available in kubectl api-resources")
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
@click.argument("target", required=False)
@namespace_options
@click.option("--since", type=click.IntRange(0), default=None,
              help="Print revisions after this one (default: all kept).")
@click.option("-w", "--watch", is_flag=True, help="Keep printing new revisions as they commit.")
@click.option("--request-timeout", default="0", help="Stop watching after this long (0: never).")
@click.option("--no-headers", is_flag=True, help="Print without the header row.")
@output_flags.print_options
@pass_context
@handle_errors
def changes(ctx: Context, target, namespace, since, watch, request_timeout, no_headers, output, template,
            allow_missing_template_keys) -> None:
    """The changelog: one row per revision, as etcd's watchers see the store (TYPE/NAME: one object's).

    With -o json|yaml|jsonpath=... each revision prints as a watch event:
    {"revision": N, "time": ..., "type": "ADDED|MODIFIED|DELETED", "object": {...}}.

    \b
    Examples:
      # Every revision the store keeps
      litekube changes
      # The revisions after 120, and then new ones as they commit
      litekube changes --since 120 -w
      # The objects that changed, as JSON watch events
      litekube changes --since 120 -o json
      # Which pods were written, revision by revision
      litekube changes -o jsonpath='{.revision} {.type} {.object.kind}/{.object.metadata.name}{"\\n"}'
    """
    fmt, text = output_flags.resolve(output, template, output_flags.PRINT_FORMATS) if output else (None, None)
    key = None
    if target:
        kind, name = one((target,))
        key = (kind.kind, (namespace or "default") if kind.namespaced else "", name)
    timeout = duration_seconds(request_timeout)
    deadline = time.monotonic() + timeout if timeout else None
    headers = None if no_headers else ["REVISION", "TIME", "EVENT", "KIND", "NAME"]
    first = True
    oldest = since is None  # start at the oldest revision kept, wherever compaction has moved it
    if since is None:
        since = ctx.api.store.compacted()
    printed = False
    while True:
        try:
            if key is None:
                batch = ctx.api.store.changes(since, limit=1000)
            else:  # one object's rows, through the changelog's object-key index
                batch = ctx.api.store.object_changes(*key, since=since, limit=1000)
        except errors.Expired:
            if not oldest or printed:
                raise
            since = ctx.api.store.compacted()  # compacted between the two reads
            continue
        printed = printed or bool(batch)
        if batch:
            if fmt is not None:
                events = [{"revision": c.revision, "time": iso(c.time), "type": c.type, "object": c.body}
                          for c in batch]
                output_flags.emit_stream(fmt, events, text, first=first,
                                         allow_missing_keys=allow_missing_template_keys)
            else:
                rows = [[str(c.revision), iso(c.time), c.type, c.kind,
                         f"{c.namespace}/{c.name}" if c.namespace else c.name] for c in batch]
                click.echo(printing.grid(headers, rows))
            headers = None
            first = False
            since = batch[-1].revision
            continue
        if not watch or (deadline is not None and time.monotonic() >= deadline):
            break
        ctx.api.store.wait_for_change(0.2)  # PostgreSQL: woken by the next commit
