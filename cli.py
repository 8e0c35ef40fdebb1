"""litekube's command line: kubectl's verbs over a control plane in one SQLite file.

Commands parse their flags, call the engine and render what it returns;
engine errors become kubectl's messages and exit codes here, and only here.
"""
from __future__ import annotations

import functools
import sys
import time
from datetime import datetime, timezone

import click

from engine import errors
from engine.api import applying, operating, reading, rollouts
from engine.api.server import Api
from engine.model import describing, durations, kinds, nodes, printing
from engine.reconcile import deployment_util
from engine.runtime import embedded, waiting
from engine.store import Store

__all__ = ["main", "cli"]

VERSION = "0.1.0"
SERVER_VERSION = "v1.32.0-litekube"


class Context:
    """What every command shares: the database, opened on first use."""

    def __init__(self, db: str) -> None:
        self.db = db
        self._api: Api | None = None

    @property
    def api(self) -> Api:
        if self._api is None:
            self._api = Api(Store(self.db))
            if self._api.created:  # a new cluster: let its nodes register before anything else
                self.settle()
        return self._api

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.api.store.now(), tz=timezone.utc)

    def settle(self) -> None:
        """After a write: run the embedded control plane until the cluster settles."""
        report = embedded.settle(self.api)
        if report is not None and not report.settled:
            click.echo(report.message(), err=True)


pass_context = click.make_pass_decorator(Context)


def _fail(error: errors.LitekubeError) -> None:
    click.echo(error.render(), err=True)
    sys.exit(1)


def handle_errors(fn):
    """Turn engine errors into kubectl's one-line message and exit code 1."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except errors.LitekubeError as exc:
            _fail(exc)
    return wrapper


def namespace_options(fn):
    fn = click.option("-n", "--namespace", default=None, help="The namespace (default: default).")(fn)
    return fn


def output_options(fn):
    """The output flags every listing command shares."""
    fn = click.option("-o", "--output", type=click.Choice(printing.FORMATS), default="table",
                      help="Output format: table, wide, yaml, json or name.")(fn)
    fn = click.option("--no-headers", is_flag=True, help="Print tables without the header row.")(fn)
    fn = click.option("--show-labels", is_flag=True, help="Add a LABELS column.")(fn)
    return fn


def file_options(fn):
    fn = click.option("-f", "--filename", "filenames", multiple=True, required=True,
                      help="A manifest file, a directory of them, or - for stdin.")(fn)
    fn = click.option("-R", "--recursive", is_flag=True, help="Read directories recursively.")(fn)
    return fn


def dry_run_option(fn):
    return click.option("--dry-run", type=click.Choice(["none", "client", "server"]), default="none",
                        help="client: only print; server: check everything, write nothing.")(fn)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="LITEKUBE_DB", default="litekube.db", show_default=True,
              help="The database file (or an SQLAlchemy URL); also LITEKUBE_DB.")
@click.version_option(VERSION, prog_name="litekube")
@click.pass_context
def cli(ctx: click.Context, db: str) -> None:
    """litekube: a Kubernetes control plane in one SQLite file, driven like kubectl."""
    ctx.obj = Context(db)


# -- manifests ---------------------------------------------------------------

def _docs(filenames, recursive):
    stdin = sys.stdin.read() if "-" in filenames else None
    return applying.load(list(filenames), recursive, stdin)


def _manifest_command(action, ctx: Context, filenames, recursive, namespace, dry_run, **kwargs):
    docs = _docs(filenames, recursive)
    mode = None if dry_run == "none" else dry_run
    if mode == "client":
        # A client dry run talks to no server: it only reads and resolves the manifests.
        outcomes = [applying.Outcome(kinds.by_api(d.obj["apiVersion"], d.obj["kind"]),
                                     (d.obj.get("metadata") or {}).get("name", ""),
                                     _client_verb(action) + " (dry run)") for d in docs]
    else:
        outcomes = action(ctx.api, docs, namespace or "default", namespace is not None,
                          dry_run=mode, **kwargs)
    for outcome in outcomes:
        click.echo(str(outcome))
    if mode is None:
        ctx.settle()


def _client_verb(action) -> str:
    return {"apply": "created", "create": "created", "replace": "replaced", "delete": "deleted"}[
        action.__name__]


def _manifest_verb(name: str, action, doc: str) -> None:
    """Register `apply`, `create` or `replace`: the same flags, the same flow."""
    @file_options
    @namespace_options
    @dry_run_option
    @pass_context
    @handle_errors
    def command(ctx: Context, filenames, recursive, namespace, dry_run) -> None:
        _manifest_command(action, ctx, filenames, recursive, namespace, dry_run)
    cli.command(name, help=doc)(command)


_manifest_verb("apply", applying.apply,
               "Create or update objects from manifests (three-way merge, like kubectl apply).")
_manifest_verb("create", applying.create,
               "Create objects from manifests; an object that exists already is an error.")
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
@namespace_options
@dry_run_option
@pass_context
@handle_errors
def delete(ctx: Context, args, filenames, recursive, selector, all_, all_namespaces, cascade,
           ignore_not_found, grace_period, namespace, dry_run) -> None:
    """Delete objects by manifest, TYPE NAME..., TYPE/NAME, -l SELECTOR or --all."""
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
        click.echo(str(outcome))
    if dry_run == "none" and outcomes:
        ctx.settle()


# -- reading -----------------------------------------------------------------

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
               show_labels, _seconds(request_timeout))


def _seconds(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        try:
            return durations.parse_duration(text)
        except ValueError:
            raise click.BadParameter(f"invalid duration {text!r}", param_hint="--request-timeout") from None


def _watch(ctx, targets, since, namespace, all_namespaces, output, show_labels, timeout) -> None:
    wanted = {k.kind for k, _ in targets}
    names = {n for _, n in targets if n}
    deadline = time.monotonic() + timeout if timeout else None
    while deadline is None or time.monotonic() < deadline:
        changes = ctx.api.store.changes(since, kinds_=wanted)
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
@click.option("--since", type=int, default=0, help="Print revisions after this one (default: all kept).")
@click.option("-w", "--watch", is_flag=True, help="Keep printing new revisions as they commit.")
@click.option("--request-timeout", default="0", help="Stop watching after this long (0: never).")
@click.option("--no-headers", is_flag=True, help="Print without the header row.")
@pass_context
@handle_errors
def changes(ctx: Context, since, watch, request_timeout, no_headers) -> None:
    """The changelog: one row per revision, as etcd's watchers see the store."""
    timeout = _seconds(request_timeout)
    deadline = time.monotonic() + timeout if timeout else None
    headers = None if no_headers else ["REVISION", "TIME", "EVENT", "KIND", "NAME"]
    while True:
        batch = ctx.api.store.changes(since, limit=1000)
        if batch:
            rows = [[str(c.revision), _iso(c.time), c.type, c.kind,
                     f"{c.namespace}/{c.name}" if c.namespace else c.name] for c in batch]
            click.echo(printing.grid(headers, rows))
            headers = None
            since = batch[-1].revision
            continue
        if not watch or (deadline is not None and time.monotonic() >= deadline):
            break
        time.sleep(0.2)


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the control plane -------------------------------------------------------------

@cli.command()
@click.option("--nodes", "node_count", type=click.IntRange(0, 5000), default=nodes.DEFAULT_NODES, show_default=True,
              help="How many simulated nodes.")
@click.option("--cpu", default="4", show_default=True, help="CPU of each node.")
@click.option("--memory", default="16Gi", show_default=True, help="Memory of each node.")
@click.option("--pods", type=click.IntRange(1), default=110, show_default=True, help="Pods per node.")
@click.pass_context
@handle_errors
def init(click_ctx: click.Context, node_count, cpu, memory, pods) -> None:
    """Create a new cluster in the database with N simulated nodes."""
    ctx: Context = click_ctx.obj
    api = Api(Store(ctx.db), nodes.Shape(cpu=cpu, memory=memory, pods=pods), node_count)
    if not api.created:
        raise errors.ManifestError(f"the database {ctx.db} already holds a cluster; use another --db")
    ctx._api = api
    ctx.settle()
    click.echo(f"cluster created in {ctx.db} with {node_count} node{'s' if node_count != 1 else ''}")


@cli.group()
def node() -> None:
    """Add simulated nodes."""


@node.command("add")
@click.argument("name")
@click.option("--cpu", default="4", show_default=True, help="CPU of the node.")
@click.option("--memory", default="16Gi", show_default=True, help="Memory of the node.")
@click.option("--pods", type=click.IntRange(1), default=110, show_default=True, help="Pod limit.")
@click.option("--labels", default=None, help="Labels: k=v,k2=v2.")
@click.option("--taints", default=None, help="Taints: k=v:NoSchedule,k2:NoExecute.")
@pass_context
@handle_errors
def node_add(ctx: Context, name, cpu, memory, pods, labels, taints) -> None:
    """Add a simulated node: node/NAME created."""
    shape = nodes.Shape(cpu, memory, pods, nodes.parse_labels(labels), nodes.parse_taints(taints))
    with ctx.api.write() as tx:
        index = len(tx.list("Node").items)
        tx.create(nodes.node_manifest(name, shape, index))
    click.echo(f"node/{name} created")
    ctx.settle()


@cli.command()
@click.argument("duration")
@pass_context
@handle_errors
def advance(ctx: Context, duration) -> None:
    """Move the virtual cluster clock forward by DURATION (e.g. 30s, 5m) and settle."""
    seconds = _seconds(duration)
    before = ctx.api.store.now()
    report = embedded.advance(ctx.api, seconds)
    if report is None:
        raise errors.ManifestError("a litekube run process is leading: the cluster runs on the wall clock")
    if not report.settled:
        click.echo(report.message(), err=True)
    click.echo(f"advanced {durations.human_duration(ctx.api.store.now() - before)} to {_iso(ctx.api.store.now())}")


@cli.command()
@pass_context
@handle_errors
def run(ctx: Context) -> None:
    """Run the control plane on the wall clock until Ctrl-C (a second run stands by)."""
    import signal
    import threading

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    embedded.run(ctx.api, stop, on_state=lambda state: click.echo(f"litekube: {state}", err=True))


@cli.command()
@click.argument("which", type=click.Choice(sorted(operating.FAULTS)))
@click.argument("name")
@namespace_options
@pass_context
@handle_errors
def fault(ctx: Context, which, name, namespace) -> None:
    """Inject a fault: node-down NODE, node-up NODE, crash POD, unready POD, ready POD."""
    click.echo(operating.fault(ctx.api, which, name, namespace or "default"))
    ctx.settle()


def _cordon_command(name: str, unschedulable: bool, doc: str) -> None:
    @click.argument("node")
    @pass_context
    @handle_errors
    def command(ctx: Context, node) -> None:
        click.echo(operating.cordon(ctx.api, node, unschedulable))
        ctx.settle()
    cli.command(name, help=doc)(command)


_cordon_command("cordon", True, "Mark a node unschedulable.")
_cordon_command("uncordon", False, "Mark a node schedulable again.")


@cli.command()
@click.argument("name")
@click.option("--force", is_flag=True, help="Also delete pods that no controller manages.")
@click.option("--ignore-daemonsets", is_flag=True, help="Skip DaemonSet-managed pods.")
@click.option("--delete-emptydir-data", is_flag=True, help="Also evict pods that use emptyDir volumes.")
@click.option("--timeout", default="10m", show_default=True, help="Give up after this much cluster time.")
@pass_context
@handle_errors
def drain(ctx: Context, name, force, ignore_daemonsets, delete_emptydir_data, timeout) -> None:
    """Cordon a node and evict its pods through the Eviction API (honours disruption budgets)."""
    from engine.runtime import draining

    options = draining.Options(force, ignore_daemonsets, delete_emptydir_data, _seconds(timeout))
    draining.drain(ctx.api, name, options, click.echo)


# -- workloads ----------------------------------------------------------------------

def _one(args: tuple[str, ...]) -> tuple[kinds.Kind, str]:
    targets = reading.parse_targets(list(args))
    if len(targets) != 1 or targets[0][1] is None:
        raise click.UsageError("expected one resource: TYPE/NAME or TYPE NAME")
    return targets[0][0], targets[0][1]


def _targets(args: tuple[str, ...]) -> list[tuple[kinds.Kind, str]]:
    targets = reading.parse_targets(list(args))
    if any(name is None for _, name in targets):
        raise click.UsageError("resource(s) were provided, but no name was specified")
    return targets  # type: ignore[return-value]


@cli.command()
@click.argument("args", nargs=-1, required=True)
@click.option("--replicas", type=click.IntRange(0), required=True, help="The new number of replicas.")
@click.option("--current-replicas", type=int, default=None, help="Precondition: the current replica count.")
@namespace_options
@pass_context
@handle_errors
def scale(ctx: Context, args, replicas, current_replicas, namespace) -> None:
    """Set the replicas of a Deployment, ReplicaSet or StatefulSet: deployment.apps/web scaled."""
    for kind, name in _targets(args):
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
    kind, name = _one((resource,))
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
    @namespace_options
    @pass_context
    @handle_errors
    def command(ctx: Context, args, overwrite, namespace) -> None:
        changes = [a for a in args if "=" in a or a.endswith("-")]
        resources = tuple(a for a in args if a not in changes)
        if not changes:
            raise click.UsageError(f"at least one {field[:-1]} update is required")
        for kind, name in _targets(resources):
            click.echo(rollouts.set_metadata(ctx.api, kind, namespace or "default", name, field, changes, overwrite))
        ctx.settle()
    return command


cli.command("label", help="Add, change (--overwrite) or remove (key-) labels: label deploy web tier=front.")(
    _metadata_command("labels"))
cli.command("annotate", help="Add, change (--overwrite) or remove (key-) annotations.")(
    _metadata_command("annotations"))


@cli.group()
def rollout() -> None:
    """Manage the rollout of a Deployment: status, history, undo, pause, resume, restart, trace."""


@rollout.command("status")
@click.argument("args", nargs=-1, required=True)
@click.option("--timeout", default="0", help="Give up after this much cluster time (0: wait while anything can change).")
@click.option("--revision", type=int, default=0, help="Wait for this revision.")
@namespace_options
@pass_context
@handle_errors
def rollout_status(ctx: Context, args, timeout, revision, namespace) -> None:
    """Watch a rollout until it completes, printing kubectl's progress messages."""
    kind, name = _one(args)
    ns = namespace or "default"
    with ctx.api.read() as tx:
        rollouts._deployment(tx, kind, ns, name)

    def check(get):
        deployment = get("Deployment", ns, name)
        if deployment is None:
            raise errors.NotFound.of(kind.resource, name)
        message, done = deployment_util.rollout_status(deployment, revision)
        return done, message

    seconds = _seconds(timeout)
    if not waiting.wait_for(ctx.api, check, seconds or None, click.echo):
        raise errors.LitekubeError("timed out waiting for the condition")


@rollout.command("history")
@click.argument("args", nargs=-1, required=True)
@click.option("--revision", type=int, default=0, help="Show the pod template of this revision.")
@namespace_options
@pass_context
@handle_errors
def rollout_history(ctx: Context, args, revision, namespace) -> None:
    """List a Deployment's revisions, or show one with --revision."""
    kind, name = _one(args)
    click.echo(rollouts.history(ctx.api, kind, namespace or "default", name, revision), nl=False)


@rollout.command("undo")
@click.argument("args", nargs=-1, required=True)
@click.option("--to-revision", type=int, default=0, help="The revision to go back to (default: the previous one).")
@namespace_options
@pass_context
@handle_errors
def rollout_undo(ctx: Context, args, to_revision, namespace) -> None:
    """Roll a Deployment back to an earlier revision: deployment.apps/web rolled back."""
    kind, name = _one(args)
    click.echo(rollouts.undo(ctx.api, kind, namespace or "default", name, to_revision))
    ctx.settle()


def _rollout_verb(verb: str, action, doc: str) -> None:
    @click.argument("args", nargs=-1, required=True)
    @namespace_options
    @pass_context
    @handle_errors
    def command(ctx: Context, args, namespace) -> None:
        for kind, name in _targets(args):
            click.echo(action(ctx.api, kind, namespace or "default", name))
        ctx.settle()
    rollout.command(verb, help=doc)(command)


_rollout_verb("pause", rollouts.pause, "Pause a Deployment: no rollout while paused (scaling still works).")
_rollout_verb("resume", rollouts.resume, "Resume a paused Deployment.")
_rollout_verb("restart", rollouts.restart, "Restart a Deployment's pods with a new rollout (restartedAt annotation).")


@rollout.command("trace")
@click.argument("args", nargs=-1, required=True)
@namespace_options
@pass_context
@handle_errors
def rollout_trace(ctx: Context, args, namespace) -> None:
    """One row per step of the latest rollout, from the changelog: maxSurge and maxUnavailable at work."""
    from engine.api import tracing

    kind, name = _one(args)
    if kind.kind != "Deployment":
        raise click.UsageError("rollout trace works on deployments")
    names, steps = tracing.trace(ctx.api, namespace or "default", name)
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
    for kind, name in _targets(args):
        check = _wait_check(ctx, kind, ns, name, for_)
        if check is None:
            continue  # kubectl: waiting for the delete of what is gone already succeeds silently
        if not waiting.wait_for(ctx.api, check, _seconds(timeout), lambda _: None):
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


def main() -> None:
    cli(prog_name="litekube")


if __name__ == "__main__":
    main()
