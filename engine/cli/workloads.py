"""scale, set image, label, annotate, rollout and wait: changing workloads. This module does I/O."""
from __future__ import annotations

import click

from litekube import errors
from litekube.api import rollouts
from litekube.cli import output as output_flags
from litekube.cli.root import (
    Context,
    cli,
    duration_seconds,
    handle_errors,
    namespace_options,
    one,
    pass_context,
    targets,
)
from litekube.model import durations, kinds, printing
from litekube.runtime import waiting


@cli.command()
@click.argument("args", nargs=-1, required=True)
@click.option("--replicas", type=click.IntRange(0), required=True, help="The new number of replicas.")
@click.option("--current-replicas", type=int, default=None, help="Precondition: the current replica count.")
@namespace_options
@pass_context
@handle_errors
def scale(ctx: Context, args, replicas, current_replicas, namespace) -> None:
    """Set the replicas of a Deployment, ReplicaSet or StatefulSet: deployment.apps/web scaled."""
    for kind, name in targets(args):
        click.echo(rollouts.scale(ctx.api, kind, namespace or "default", name, replicas, current_replicas))
    ctx.settle()


@cli.group("set")
def set_() -> None:
    """Change fields of objects (set image)."""


@set_.command("image")
@click.argument("resource")
@click.argument("images", nargs=-1, required=True)
@namespace_options
@pass_context
@handle_errors
def set_image(ctx: Context, resource, images, namespace) -> None:
    """Set container images: set image deployment/web app=nginx:1.27."""
    kind, name = one((resource,))
    pairs = {}
    for pair in images:
        container, sep, image = pair.partition("=")
        if not sep or not image:
            raise click.UsageError(f"invalid image spec {pair!r}: expected CONTAINER=IMAGE")
        pairs[container] = image
    click.echo(rollouts.set_image(ctx.api, kind, namespace or "default", name, pairs))
    ctx.settle()


def _metadata_command(field: str):
    @click.argument("args", nargs=-1, required=True)
    @click.option("--overwrite", is_flag=True, help="Replace values that are already set.")
    @click.option("-l", "--selector", default=None, help="Change every object of the kinds matching this selector.")
    @click.option("--all", "all_", is_flag=True, help="Change every object of the kinds given.")
    @click.option("-A", "--all-namespaces", is_flag=True, help="With -l or --all: in every namespace.")
    @namespace_options
    @pass_context
    @handle_errors
    def command(ctx: Context, args, overwrite, selector, all_, all_namespaces, namespace) -> None:
        changes = [a for a in args if "=" in a or a.endswith("-")]
        resources = tuple(a for a in args if a not in changes)
        if not changes:
            raise click.UsageError(f"at least one {field[:-1]} update is required")
        ns = namespace or "default"
        for kind, name, target_ns in _metadata_targets(ctx, resources, selector, all_, all_namespaces, ns):
            click.echo(rollouts.set_metadata(ctx.api, kind, target_ns, name, field, changes, overwrite))
        ctx.settle()
    return command


def _metadata_targets(ctx: Context, resources: tuple[str, ...], selector, all_: bool, all_namespaces: bool,
                      namespace: str) -> list[tuple[kinds.Kind, str, str]]:
    """TYPE NAME... as given, or every object of the TYPEs matching -l / --all (-A: in every namespace)."""
    from litekube.api import reading

    parsed = reading.parse_targets(list(resources))
    if all(name is not None for _, name in parsed):
        return [(kind, name, namespace) for kind, name in parsed]
    if not (selector or all_):
        raise click.UsageError("resource(s) were provided, but no name was specified")
    found = []
    with ctx.api.read() as tx:
        for kind, name in parsed:
            for obj in tx.list(kind.kind, None if all_namespaces else namespace, selector).items:
                found.append((kind, obj["metadata"]["name"], obj["metadata"].get("namespace") or namespace))
    if not found:
        click.echo(f"No resources found in {namespace} namespace." if not all_namespaces else "No resources found",
                   err=True)
    return found


_LABEL_DOC = """Update the labels on a resource: key=value sets, key- removes.

A label key and value must begin with a letter or number, and may contain
letters, numbers, hyphens, dots, and underscores, up to 63 characters each.
An existing label is replaced only with --overwrite.

\b
Examples:
  # Update pod 'foo' with the label 'unhealthy' and the value 'true'
  litekube label pods foo unhealthy=true
  # Update pod 'foo' with the label 'status' and the value 'unhealthy', overwriting any existing value
  litekube label --overwrite pods foo status=unhealthy
  # Update all pods in the namespace
  litekube label pods --all status=unhealthy
  # Update the pods labeled app=web, in every namespace
  litekube label pods -l app=web -A tier=front
  # Remove the label named 'bar' if it exists
  litekube label pods foo bar-
"""
_ANNOTATE_DOC = """Update the annotations on one or more resources: key=value sets, key- removes.

An existing annotation is replaced only with --overwrite.

\b
Examples:
  # Update pod 'foo' with the annotation 'description' and the value 'my frontend'
  litekube annotate pods foo description='my frontend'
  # Overwrite the annotation 'description' of pod 'foo'
  litekube annotate --overwrite pods foo description='my frontend running nginx'
  # Update all pods in the namespace
  litekube annotate pods --all description='my frontend running nginx'
  # Update the pods labeled app=web
  litekube annotate pods -l app=web description='my frontend running nginx'
  # Remove the annotation named 'description' if it exists
  litekube annotate pods foo description-
"""
cli.command("label", help=_LABEL_DOC, short_help="Add, change (--overwrite) or remove (key-) labels.")(
    _metadata_command("labels"))
cli.command("annotate", help=_ANNOTATE_DOC, short_help="Add, change (--overwrite) or remove (key-) annotations.")(
    _metadata_command("annotations"))


@cli.group()
def rollout() -> None:
    """Manage the rollout of a Deployment or StatefulSet: status, history, undo, pause, resume, restart, trace."""


@rollout.command("status")
@click.argument("args", nargs=-1, required=True)
@click.option("--timeout", default="0", help="Give up after this much cluster time (0: wait while anything can change).")
@click.option("--revision", type=int, default=0, help="Wait for this revision.")
@namespace_options
@pass_context
@handle_errors
def rollout_status(ctx: Context, args, timeout, revision, namespace) -> None:
    """Watch a rollout until it completes, printing kubectl's progress messages."""
    kind, name = one(args)
    ns = namespace or "default"
    with ctx.api.read() as tx:
        _, viewer = rollouts.rolled(tx, kind, ns, name)

    def check(get):
        obj = get(kind.kind, ns, name)
        if obj is None:
            raise errors.NotFound.of(kind.resource, name)
        message, done = viewer.status(obj, revision)
        return done, message

    seconds = duration_seconds(timeout, "--timeout")
    if not waiting.wait_for(ctx.api, check, seconds or None, click.echo):
        raise errors.LitekubeError("timed out waiting for the condition")


@rollout.command("history")
@click.argument("args", nargs=-1, required=True)
@click.option("--revision", type=int, default=0, help="Show the pod template of this revision.")
@namespace_options
@output_flags.print_options
@pass_context
@handle_errors
def rollout_history(ctx: Context, args, revision, namespace, output, template, allow_missing_template_keys) -> None:
    """List a Deployment's revisions, or show one with --revision.

    With -o, prints the ReplicaSet of each revision (or of --revision), as kubectl does.

    \b
    Examples:
      # View the rollout history of a deployment
      litekube rollout history deployment/web
      # View the details of deployment revision 3
      litekube rollout history deployment/web --revision=3
      # The ReplicaSets behind the revisions, as YAML
      litekube rollout history deployment/web -o yaml
    """
    kind, name = one(args)
    if output:
        fmt, text = output_flags.resolve(output, template, output_flags.PRINT_FORMATS)
        output_flags.emit_stream(fmt, rollouts.history_objects(ctx.api, kind, namespace or "default", name, revision),
                                 text, allow_missing_keys=allow_missing_template_keys)
        return
    click.echo(rollouts.history(ctx.api, kind, namespace or "default", name, revision), nl=False)


@rollout.command("undo")
@click.argument("args", nargs=-1, required=True)
@click.option("--to-revision", type=int, default=0, help="The revision to go back to (default: the previous one).")
@namespace_options
@pass_context
@handle_errors
def rollout_undo(ctx: Context, args, to_revision, namespace) -> None:
    """Roll a Deployment back to an earlier revision: deployment.apps/web rolled back."""
    kind, name = one(args)
    click.echo(rollouts.undo(ctx.api, kind, namespace or "default", name, to_revision))
    ctx.settle()


def _rollout_verb(verb: str, action, doc: str) -> None:
    @click.argument("args", nargs=-1, required=True)
    @namespace_options
    @pass_context
    @handle_errors
    def command(ctx: Context, args, namespace) -> None:
        for kind, name in targets(args):
            click.echo(action(ctx.api, kind, namespace or "default", name))
        ctx.settle()
    rollout.command(verb, help=doc)(command)


_rollout_verb("pause", rollouts.pause, "Pause a Deployment: no rollout while paused (scaling still works).")
_rollout_verb("resume", rollouts.resume, "Resume a paused Deployment.")
_rollout_verb("restart", rollouts.restart, "Restart a workload's pods with a new rollout (restartedAt annotation).")


@rollout.command("trace")
@click.argument("args", nargs=-1, required=True)
@namespace_options
@output_flags.print_options
@pass_context
@handle_errors
def rollout_trace(ctx: Context, args, namespace, output, template, allow_missing_template_keys) -> None:
    """One row per step of the latest rollout, from the changelog: maxSurge and maxUnavailable at work.

    With -o json|yaml, a List of steps: {"seconds", "revision", "replicaSets": {NAME: replicas},
    "pods", "available"}.

    \b
    Examples:
      # Watch the arithmetic of the last rolling update of deployment web
      litekube rollout trace deployment/web -n demo
      # The same steps as JSON
      litekube rollout trace deployment/web -n demo -o json
    """
    from litekube.api import tracing

    kind, name = one(args)
    if kind.kind != "Deployment":
        raise click.UsageError("rollout trace works on deployments")
    names, steps = tracing.trace(ctx.api, namespace or "default", name)
    if output:
        fmt, text = output_flags.resolve(output, template, output_flags.PRINT_FORMATS)
        items = [{"seconds": s.elapsed, "revision": s.revision, "replicaSets": dict(zip(names, s.replicas)),
                  "pods": s.pods, "available": s.available} for s in steps]
        output_flags.emit(fmt, items, text, single=False, allow_missing_keys=allow_missing_template_keys)
        return
    headers = ["TIME", "REVISION", *names, "PODS", "AVAILABLE"]
    rows = [[durations.human_duration(s.elapsed), str(s.revision), *map(str, s.replicas), str(s.pods),
             str(s.available)] for s in steps]
    click.echo(printing.grid(headers, rows))


@cli.command()
@click.argument("args", nargs=-1, required=True)
@click.option("--for", "for_", required=True, help="condition=NAME[=VALUE], delete, or jsonpath='{.path}'=VALUE.")
@click.option("--timeout", default="30s", show_default=True, help="How much cluster time to wait.")
@namespace_options
@pass_context
@handle_errors
def wait(ctx: Context, args, for_, timeout, namespace) -> None:
    """Wait for a condition on objects: deployment.apps/web condition met."""
    ns = namespace or "default"
    for kind, name in targets(args):
        check = _wait_check(ctx, kind, ns, name, for_)
        if check is None:
            continue  # kubectl: waiting for the delete of what is gone already succeeds silently
        if not waiting.wait_for(ctx.api, check, duration_seconds(timeout, "--timeout"), lambda _: None):
            raise errors.LitekubeError(f"timed out waiting for the condition on {kind.plural}/{name}")
        click.echo(f"{kind.qualified}/{name} condition met")


def _wait_check(ctx: Context, kind: kinds.Kind, ns: str, name: str, for_: str):
    if for_ == "delete":
        with ctx.api.read() as tx:
            obj = tx.find(kind.kind, ns, name)
        if obj is None:
            return None
        return waiting.delete_check(kind.kind, ns, name, obj["metadata"]["uid"])
    with ctx.api.read() as tx:
        tx.get(kind.kind, ns, name)
    what, _, rest = for_.partition("=")
    if what == "condition" and rest:
        condition, _, status = rest.partition("=")
        return waiting.condition_check(kind.kind, ns, name, condition, status or "true")
    if what == "jsonpath" and rest:
        # `'{.status.readyReplicas}'=3`: the value follows the path's closing brace
        path, sep, value = rest.rpartition("=") if not rest.rstrip().endswith("}") else (rest, "", "")
        want: str | None = value if sep else None
        return waiting.jsonpath_check(kind.kind, ns, name, (path if sep else rest).strip("'\""), want)
    raise click.BadParameter(f"unrecognized condition: {for_!r}", param_hint="--for")
