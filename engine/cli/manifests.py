"""apply, create, replace and delete: manifests and named objects. This module does I/O."""
from __future__ import annotations

import json
import sys

import click

from litekube import errors
from litekube.api import applying, reading
from litekube.cli import output as output_flags
from litekube.cli.root import (
    Context,
    cli,
    dry_run_option,
    file_options,
    handle_errors,
    namespace_options,
    pass_context,
)
from litekube.model import decoding, gofmt, kinds, printing, zerovalues


def _docs(filenames, recursive):
    stdin = _stdin() if "-" in filenames else None
    return applying.load(list(filenames), recursive, stdin)


def _stdin() -> bytes:
    """Standard input as bytes (the decoder handles encodings), read no further than its limit."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return sys.stdin.read().encode("utf-8", "surrogateescape")
    return stream.read(decoding.STREAM_LIMIT + 1)


def _manifest_command(action, ctx: Context, filenames, recursive, namespace, dry_run, output=None, template=None,
                      allow_missing_template_keys=True, **kwargs):
    docs = _docs(filenames, recursive)
    mode = None if dry_run == "none" else dry_run
    fmt, text = output_flags.resolve(output, template, output_flags.PRINT_FORMATS) if output else (None, None)
    if mode == "client":
        # A client dry run talks to no server: it only reads and resolves the manifests.
        if fmt is not None:
            verb = "apply" if action.__name__ == "apply" else action.__name__
            _print_objects(action, fmt, text, applying.client_preview(ctx.api, docs, namespace or "default",
                                                                      namespace is not None, verb),
                           allow_missing_template_keys, served=False)
            return
        outcomes = [applying.Outcome(kinds.by_api(d.obj["apiVersion"], d.obj["kind"]),
                                     (d.obj.get("metadata") or {}).get("name", ""),
                                     _client_verb(action) + " (dry run)") for d in docs]
    else:
        if fmt is not None:
            kwargs["capture"] = True
        outcomes = action(ctx.api, docs, namespace or "default", namespace is not None, dry_run=mode, **kwargs)
    if fmt is not None:
        _print_objects(action, fmt, text, [o.obj for o in outcomes if o.obj is not None],
                       allow_missing_template_keys, served=True)
    else:
        for outcome in outcomes:
            click.echo(str(outcome))
    if mode is None:
        ctx.settle()


def _print_objects(action, fmt, text, objs: list[dict], allow_missing_keys: bool, served: bool) -> None:
    """-o as kubectl prints it: apply gathers the objects into one List when there are several
    (`metadata: {}`), create and replace print each object in turn (`---` between YAML documents)."""
    if fmt.name == "name" or action.__name__ not in ("apply", "server_side_apply"):
        output_flags.emit_stream(fmt, objs, text, allow_missing_keys=allow_missing_keys, served=served)
        return
    if len(objs) == 1:
        output_flags.emit(fmt, objs, text, single=True, allow_missing_keys=allow_missing_keys, served=served)
        return
    if served:
        objs = [zerovalues.served(o) for o in objs]
    listing = {"kind": "List", "apiVersion": "v1", "metadata": {},
               "items": printing.omit_managed_fields(objs)}
    if fmt.name == "json":  # a typed metav1.List of unstructured items: its own fields in order, theirs sorted
        listing["items"] = [json.loads(json.dumps(o, sort_keys=True)) for o in listing["items"]]
        click.echo(gofmt.marshal(listing, "    ", sort_keys=False))
        return
    output_flags.emit(fmt, [listing], text, single=True, allow_missing_keys=allow_missing_keys)


def _client_verb(action) -> str:
    return {"apply": "created", "create": "created", "replace": "replaced", "delete": "deleted",
            "server_side_apply": "serverside-applied"}[action.__name__]


def _manifest_verb(name: str, action, doc: str) -> None:
    """Register `apply`, `create` or `replace`: the same flags, the same flow."""
    @file_options
    @namespace_options
    @dry_run_option
    @output_flags.print_options
    @pass_context
    @handle_errors
    def command(ctx: Context, filenames, recursive, namespace, dry_run, output, template,
                allow_missing_template_keys) -> None:
        _manifest_command(action, ctx, filenames, recursive, namespace, dry_run, output, template,
                          allow_missing_template_keys)
    cli.command(name, help=doc)(command)


@cli.command()
@file_options
@namespace_options
@dry_run_option
@click.option("--server-side", is_flag=True, help="Apply in the server: field managers own fields, "
                                                  "a change to another manager's field is a conflict.")
@click.option("--force-conflicts", is_flag=True, help="With --server-side: take over conflicting fields.")
@click.option("--field-manager", default=applying.CLIENT_SIDE_MANAGER, show_default=True,
              help="The manager that owns the fields this apply sets.")
@output_flags.print_options
@pass_context
@handle_errors
def apply(ctx: Context, filenames, recursive, namespace, dry_run, server_side, force_conflicts,
          field_manager, output, template, allow_missing_template_keys) -> None:
    """Create or update objects from manifests (three-way merge, like kubectl apply).

    With --server-side the server merges each manifest into the live object
    and records who owns which field in metadata.managedFields.
    """
    if force_conflicts and not server_side:
        output_flags.fail("--force-conflicts only works with --server-side")
    if server_side and dry_run == "client":
        output_flags.fail("--dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)")
    if not server_side:
        _manifest_command(applying.apply, ctx, filenames, recursive, namespace, dry_run, output, template,
                          allow_missing_template_keys, field_manager=field_manager)
        return
    if field_manager == applying.CLIENT_SIDE_MANAGER:  # kubectl's flag default means "kubectl" server-side
        field_manager = applying.SERVER_SIDE_MANAGER
    _manifest_command(applying.server_side_apply, ctx, filenames, recursive, namespace, dry_run, output, template,
                      allow_missing_template_keys, field_manager=field_manager, force=force_conflicts)


class _CreateGroup(click.Group):
    """`create`'s subcommands also answer to kubectl's aliases (`create ns`, `create deploy`, ...)."""

    ALIASES = {"cm": "configmap", "cj": "cronjob", "deploy": "deployment", "ing": "ingress", "ns": "namespace",
               "pc": "priorityclass", "resourcequota": "quota", "svc": "service", "sa": "serviceaccount"}

    def get_command(self, ctx: click.Context, cmd_name: str):
        return super().get_command(ctx, self.ALIASES.get(cmd_name, cmd_name))

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and not args[0].startswith("-") and self.get_command(ctx, args[0]) is None:
            click.echo(f"error: Unexpected args: [{' '.join(args)}]\n"
                       "See 'litekube create -h' for help and examples", err=True)
            ctx.exit(1)
        return super().resolve_command(ctx, args)


@cli.group(cls=_CreateGroup, invoke_without_command=True)
@click.option("-f", "--filename", "filenames", multiple=True,
              help="A manifest file, a directory of them, or - for stdin.")
@click.option("-R", "--recursive", is_flag=True, help="Read directories recursively.")
@namespace_options
@dry_run_option
@output_flags.print_options
@click.pass_context
@handle_errors
def create(click_ctx: click.Context, filenames, recursive, namespace, dry_run, output, template,
           allow_missing_template_keys) -> None:
    """Create objects from manifests (-f); an object that exists already is an error.

    `create` is a group: `litekube create -f FILE` creates from manifests,
    and `litekube create KIND NAME ...` (job, ...) builds one object as
    kubectl's generators do. A module adds such a subcommand with
    `@create.command("kind")` and is imported in litekube.cli, as
    litekube.cli.batch adds `create job`.
    """
    if click_ctx.invoked_subcommand is not None:
        if filenames:
            raise click.UsageError("-f cannot be combined with a subcommand")
        return
    if not filenames:
        raise errors.ManifestError("must specify one of -f and -k")
    _manifest_command(applying.create, click_ctx.obj, filenames, recursive, namespace, dry_run, output, template,
                      allow_missing_template_keys)
_manifest_verb("replace", applying.replace,
               "Replace objects from manifests; a stale metadata.resourceVersion is a Conflict.")


@cli.command()
@click.argument("args", nargs=-1)
@click.option("-f", "--filename", "filenames", multiple=True, help="Delete the objects of these manifests.")
@click.option("-R", "--recursive", is_flag=True, help="Read directories recursively.")
@click.option("-l", "--selector", default=None, help="Delete the objects matching this label selector.")
@click.option("--all", "all_", is_flag=True, help="Delete every object of the kinds given.")
@click.option("-A", "--all-namespaces", is_flag=True, help="With --all or -l: in every namespace.")
@click.option("--cascade", type=click.Choice(["background", "foreground", "orphan"]), default="background",
              help="How dependents are deleted (default background).")
@click.option("--ignore-not-found", is_flag=True, help="Treat a missing object as deleted.")
@click.option("--grace-period", type=int, default=None, help="Seconds pods get to terminate.")
@click.option("--now", is_flag=True, help="Delete with a grace period of 1 second.")
@click.option("--force", is_flag=True, help="Remove at once, without waiting for pods to terminate (grace 0).")
@namespace_options
@dry_run_option
@pass_context
@handle_errors
def delete(ctx: Context, args, filenames, recursive, selector, all_, all_namespaces, cascade,
           ignore_not_found, grace_period, now, force, namespace, dry_run) -> None:
    """Delete objects by manifest, TYPE NAME..., TYPE/NAME, -l SELECTOR or --all.

    \b
    Examples:
      # Delete a pod using the type and name specified in pod.json
      litekube delete -f ./pod.json
      # Delete pods and services with the same names "baz" and "foo"
      litekube delete pod,service baz foo
      # Delete pods and services with label name=myLabel
      litekube delete pods,services -l name=myLabel
      # Delete a pod with minimal delay
      litekube delete pod foo --now
      # Force delete a pod (it is removed at once, whatever its kubelet does)
      litekube delete pod foo --force
      # Delete all pods
      litekube delete pods --all
    """
    if now and grace_period is None:
        grace_period = 1
    if force and grace_period is None:
        grace_period = 0
    elif grace_period == 0 and not force:
        grace_period = 1  # kubectl: --grace-period=0 means 1 unless --force
    if force and grace_period == 0:
        click.echo("Warning: Immediate deletion does not wait for confirmation that the running resource has been "
                   "terminated. The resource may continue to run on the cluster indefinitely.", err=True)
    if filenames:
        if args:
            raise click.UsageError("when paths are given, no resource arguments may be given")
        _manifest_command(applying.delete, ctx, filenames, recursive, namespace, dry_run,
                          cascade=cascade, ignore_not_found=ignore_not_found)
        return
    if not args:
        raise click.UsageError("You must provide one or more resources by argument or filename.")
    targets = reading.parse_targets(list(args))
    if not any(name for _, name in targets) and not (all_ or selector):
        raise click.UsageError("resource(s) were provided, but no name was specified")
    outcomes = reading.delete(ctx.api, targets, namespace=namespace or "default",
                              all_namespaces=all_namespaces, selector=selector, cascade=cascade,
                              grace_period=grace_period, ignore_not_found=ignore_not_found,
                              dry_run=None if dry_run == "none" else dry_run)
    if not outcomes and not ignore_not_found:
        click.echo(reading.no_resources(namespace or "default", all_namespaces), err=True)
    for outcome in outcomes:
        text = str(outcome)
        click.echo(text.replace('" deleted', '" force deleted', 1) if force and grace_period == 0 else text)
    if dry_run == "none" and outcomes:
        ctx.settle()
