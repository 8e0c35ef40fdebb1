"""logs and exec: what a container would say, and why nothing can run inside one.

This module does I/O: it reads the simulated logs (litekube.api.logs) and
writes them; with -f it keeps polling while a control plane runs the
cluster on the wall clock.
"""
from __future__ import annotations

import sys
import time

import click

from litekube import errors
from litekube.api import logs, reading
from litekube.cli.root import Context, cli, duration_seconds, handle_errors, namespace_options, pass_context
from litekube.model import selectors
from litekube.runtime import embedded

__all__: list[str] = []

_WORKLOADS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "Service", "ReplicationController")


def _pods_for(ctx: Context, arg: str, namespace: str) -> tuple[list[dict], str | None]:
    """The pods `logs ARG` means: a pod name, pod/NAME, or TYPE/NAME of a workload (its best pod)."""
    if "/" not in arg:
        with ctx.api.read() as tx:
            return [tx.get("Pod", namespace, arg)], None
    kind, name = reading.parse_targets([arg])[0]
    with ctx.api.read() as tx:
        if kind.kind == "Pod":
            return [tx.get("Pod", namespace, name)], None
        if kind.kind not in _WORKLOADS:
            raise errors.ManifestError(f"cannot get the logs from {kind.qualified}")
        owner = tx.get(kind.kind, namespace, name)
        spec = owner.get("spec") or {}
        selector = spec.get("selector")
        label_selector = selectors.from_set(selector) if kind.kind == "Service" else \
            selectors.from_label_selector(selector)
        pods = [p for p in tx.list("Pod", namespace).items
                if label_selector.matches(p["metadata"].get("labels") or {})]
    chosen = logs.pod_for_logs(pods)
    if chosen is None:
        raise errors.ManifestError("timed out waiting for the condition")
    note = f"Found {len(pods)} pods, using pod/{chosen['metadata']['name']}" if len(pods) > 1 else None
    return [chosen], note


def _render(lines: list[logs.LogLine], timestamps: bool, prefix: str) -> str:
    return "".join(f"{prefix}{line.time + ' ' if timestamps else ''}{line.text}\n" for line in lines)


@cli.command("logs", short_help="Print the simulated log of a container: its starts, readiness, exits and crashes.")
@click.argument("target", required=False)
@click.argument("container_arg", required=False)
@click.option("-c", "--container", default=None, help="The container (default: the first, or the pod's "
                                                      "kubectl.kubernetes.io/default-container).")
@click.option("-l", "--selector", default=None, help="Print the logs of every pod matching this selector.")
@click.option("-f", "--follow", is_flag=True, help="Keep printing new lines while the container runs.")
@click.option("-p", "--previous", is_flag=True, help="The log of the previous run (before the last restart).")
@click.option("--tail", type=int, default=-1, help="Only the last N lines (-1: all).")
@click.option("--since", default=None, help="Only lines newer than this duration (5s, 2m, 3h).")
@click.option("--since-time", default=None, help="Only lines at or after this RFC 3339 time.")
@click.option("--timestamps", is_flag=True, help="Prefix each line with its time.")
@click.option("--all-containers", is_flag=True, help="Every container of the pod(s), init containers first.")
@click.option("--prefix", is_flag=True, help="Prefix each line with [pod/NAME/CONTAINER].")
@click.option("--request-timeout", default="0", help="With -f: stop after this long (0: when the run ends).")
@namespace_options
@pass_context
@handle_errors
def logs_command(ctx: Context, target, container_arg, container, selector, follow, previous, tail, since,
                 since_time, timestamps, all_containers, prefix, request_timeout, namespace) -> None:
    """Print the logs for a container in a pod (the simulated log: no container really runs).

    A container's log is its lifecycle as the simulated kubelet recorded it:
    `Started container app (image nginx:1.27)`, the text of the pod's
    `sim.litekube.io/log` annotation, readiness changes, and
    `Container app exited with code 1 (Error)`; each restart starts a new log
    (see --previous).

    \b
    Examples:
      # Return the log of pod nginx with only one container
      litekube logs nginx
      # The log of the previous terminated ruby container of pod web-1
      litekube logs -p -c ruby web-1
      # Every container of pod nginx, with timestamps
      litekube logs nginx --all-containers=true --timestamps
      # The pods labeled app=nginx
      litekube logs -l app=nginx --all-containers=true
      # The most recent 20 lines
      litekube logs --tail=20 nginx
      # The lines of the last hour
      litekube logs --since=1h nginx
      # The first pod of deployment web (and its container nginx)
      litekube logs deployment/web -c nginx
    """
    ns = namespace or "default"
    container = container or container_arg
    if selector:
        if target:
            raise click.UsageError("only one of a selector or a pod name may be given")
        with ctx.api.read() as tx:
            pods = tx.list("Pod", ns, selector).items
        if not pods:
            click.echo(f"No resources found in {ns} namespace.", err=True)
            return
        prefix = True if len(pods) > 1 else prefix
    else:
        if not target:
            raise click.UsageError("expected POD or TYPE/NAME")
        pods, note = _pods_for(ctx, target, ns)
        if note:
            click.echo(note, err=True)
    since_seconds = duration_seconds(since) if since else None
    for pod in pods:
        names = _containers(pod, container, all_containers)
        for name in names:
            _print_log(ctx, pod, name, previous, tail, since_seconds, since_time, timestamps, prefix, follow,
                       duration_seconds(request_timeout))


def _containers(pod: dict, container: str | None, all_containers: bool) -> list[str]:
    if all_containers:
        init, regular = logs.containers_of(pod)
        return init + regular
    if container:
        return [container]
    chosen, note = logs.default_container(pod)
    if note:
        click.echo(note, err=True)
    return [chosen]


def _print_log(ctx: Context, pod: dict, container: str, previous: bool, tail: int, since: float | None,
               since_time: str | None, timestamps: bool, prefix: bool, follow: bool, timeout: float) -> None:
    meta = pod["metadata"]
    label = f"[pod/{meta['name']}/{container}] " if prefix else ""
    lines = logs.pod_log(ctx.api, meta["namespace"], meta["name"], container, previous)
    lines = logs.since_filter(lines, ctx.api.store.now(), since, since_time)
    if tail >= 0:
        lines = lines[len(lines) - tail:] if tail else []
    click.echo(_render(lines, timestamps, label), nl=False)
    if not follow or previous or embedded.leader(ctx.api) is None:
        return  # in virtual time nothing happens until the next command: there is nothing to wait for
    printed = len(logs.pod_log(ctx.api, meta["namespace"], meta["name"], container))
    deadline = time.monotonic() + timeout if timeout else None
    while deadline is None or time.monotonic() < deadline:
        time.sleep(0.5)
        try:
            current = logs.pod_log(ctx.api, meta["namespace"], meta["name"], container)
        except errors.LitekubeError:
            return
        click.echo(_render(current[printed:], timestamps, label), nl=False)
        printed = len(current)
        if current and current[-1].text.startswith(f"Container {container} exited"):
            return


@cli.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
             short_help="Explain that containers are simulated: nothing can run inside one (exit 1).")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@pass_context
def exec(ctx: Context, args) -> None:  # noqa: A001 (kubectl's verb)
    """Execute a command in a container: not possible in litekube, whose containers are simulated.

    \b
    Examples:
      # What kubectl would run in pod mypod (litekube prints why it cannot, and exits 1)
      litekube exec mypod -- date
    """
    click.echo("error: litekube simulates containers: there is no process to run a command in "
               "(see `litekube logs` for what a container did)", err=True)
    sys.exit(1)
