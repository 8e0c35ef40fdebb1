"""top, autoscale and set load: resource metrics, autoscalers and the simulated load. This module does I/O."""
from __future__ import annotations

import click

from litekube import errors
from litekube.api import autoscaling, loading, metrics
from litekube.cli import output
from litekube.cli.root import Context, cli, dry_run_option, handle_errors, namespace_options, one, pass_context
from litekube.cli.workloads import set_
from litekube.model import durations, metrics_printing
from litekube.model.tables.autoscaling import go_duration

_METRICS_CREATION_DELAY = 120.0  # kubectl top's metricsCreationDelay


_OUTPUT = click.option("-o", "--output", type=click.Choice(["json", "yaml"]), default=None,
                       help="Print the metrics objects (PodMetrics, NodeMetrics) as json or yaml instead of a table.")


def _emit(fmt: str, found: list[dict], single: bool) -> None:
    """-o json|yaml: the metrics API's objects, as `kubectl get podmetrics -o json` prints them."""
    parsed, _ = output.resolve(fmt)
    output.emit(parsed, found, None, single=single)


def _sort_by(value: str) -> str:
    if value and value not in metrics_printing.SORT_KEYS:
        raise errors.LitekubeError("--sort-by accepts only cpu or memory")
    return value


@cli.group()
def top() -> None:
    """Display resource (CPU/memory) usage of pods or nodes, from the metrics API."""


@click.argument("name", required=False)
@namespace_options
@click.option("-A", "--all-namespaces", is_flag=True, help="List the pods of every namespace.")
@click.option("-l", "--selector", default="", help="Label selector (e.g. -l app=web).")
@click.option("--field-selector", default="", help="Field selector (e.g. --field-selector spec.nodeName=node-1).")
@click.option("--containers", is_flag=True, help="Print the usage of each container.")
@click.option("--no-headers", is_flag=True, help="Print without the header row.")
@click.option("--sort-by", default="", help="Sort by cpu or memory (largest first).")
@click.option("--sum", "total", is_flag=True, help="Print the sum of the resource usage.")
@_OUTPUT
@pass_context
@handle_errors
def top_pod(ctx: Context, name, namespace, all_namespaces, selector, field_selector, containers, no_headers,
            sort_by, total, output) -> None:
    """Display the CPU and memory usage of pods: NAME CPU(cores) MEMORY(bytes)."""
    _sort_by(sort_by)
    if name and (selector or field_selector):
        raise errors.LitekubeError("only one of NAME or selector can be provided")
    ns = namespace or "default"
    if name:
        found = [metrics.get_pod_metrics(ctx.api, ns, name)]
    else:
        found = metrics.pod_metrics(ctx.api, None if all_namespaces else ns, selector or None,
                                    field_selector or None)
    if not found:
        _verify_empty(ctx, ns, selector, field_selector)
        click.echo("No resources found" if all_namespaces else f"No resources found in {ns} namespace.", err=True)
        return
    if output:
        return _emit(output, found, single=bool(name))
    click.echo(metrics_printing.print_pod_metrics(found, containers=containers, with_namespace=all_namespaces,
                                                  no_headers=no_headers, sort_by=sort_by, total=total), nl=False)


def _verify_empty(ctx: Context, namespace: str, selector: str, field_selector: str) -> None:
    """verifyEmptyMetrics: no pods is no error; a pod older than 2 minutes without metrics is one."""
    with ctx.api.read() as tx:
        pods = tx.list("Pod", namespace, selector or None, field_selector or None).items
        now = tx.now()
    if not pods:
        return
    for pod in pods:
        age = now - durations.parse_time(pod["metadata"]["creationTimestamp"]).timestamp()
        if age > _METRICS_CREATION_DELAY:
            meta = pod["metadata"]
            raise errors.LitekubeError(
                f"Metrics not available for pod {meta['namespace']}/{meta['name']}, age: {go_duration(age)}")
    raise errors.LitekubeError("metrics not available yet")


@click.argument("name", required=False)
@click.option("-l", "--selector", default="", help="Label selector (e.g. -l kubernetes.io/os=linux).")
@click.option("--no-headers", is_flag=True, help="Print without the header row.")
@click.option("--sort-by", default="", help="Sort by cpu or memory (largest first).")
@click.option("--show-capacity", is_flag=True, help="Percentages of capacity instead of allocatable.")
@_OUTPUT
@pass_context
@handle_errors
def top_node(ctx: Context, name, selector, no_headers, sort_by, show_capacity, output) -> None:
    """Display the CPU and memory usage of nodes: NAME CPU(cores) CPU(%) MEMORY(bytes) MEMORY(%)."""
    _sort_by(sort_by)
    if name and selector:
        raise errors.LitekubeError("only one of NAME or --selector can be provided")
    found = [metrics.get_node_metrics(ctx.api, name)] if name else metrics.node_metrics(ctx.api, selector or None)
    if not found:
        raise errors.LitekubeError("metrics not available yet")
    if output:
        return _emit(output, found, single=bool(name))
    with ctx.api.read() as tx:
        nodes = [tx.get("Node", "", name)] if name else tx.list("Node", None, selector or None).items
    field = "capacity" if show_capacity else "allocatable"
    available = {n["metadata"]["name"]: dict((n.get("status") or {}).get(field) or {}) for n in nodes}
    click.echo(metrics_printing.print_node_metrics(found, available, no_headers=no_headers, sort_by=sort_by),
               nl=False)


_top_pod = click.command("pod")(top_pod)
_top_node = click.command("node")(top_node)
for _alias in ("pod", "pods", "po"):  # kubectl's aliases
    top.add_command(_top_pod, _alias)
for _alias in ("node", "nodes", "no"):
    top.add_command(_top_node, _alias)


@cli.command()
@click.argument("args", nargs=-1, required=True)
@click.option("--min", "low", type=int, default=-1, help="The lower limit of pods (default: the server's, 1).")
@click.option("--max", "high", type=int, default=-1, help="The upper limit of pods. Required.")
@click.option("--cpu-percent", type=int, default=-1,
              help="The target average CPU utilization, as a percent of requested CPU (default: 80).")
@click.option("--name", default="", help="The name of the autoscaler (default: the target's).")
@dry_run_option
@namespace_options
@pass_context
@handle_errors
def autoscale(ctx: Context, args, low, high, cpu_percent, name, dry_run, namespace) -> None:
    """Create a HorizontalPodAutoscaler for a deployment, replica set, stateful set or replication controller."""
    kind, target = one(args)
    mode = None if dry_run == "none" else dry_run
    click.echo(autoscaling.autoscale(ctx.api, kind, namespace or "default", target, low=low, high=high,
                                     cpu_percent=cpu_percent, name=name, dry_run=mode))
    if mode is None:
        ctx.settle()


def _checked(value: str | None, check, option: str) -> str | None:
    if value is None:
        return None
    try:
        return check(value)
    except (ValueError, ZeroDivisionError) as exc:
        raise click.BadParameter(f"{value!r}: {exc}", param_hint=option) from None


@set_.command("load")
@click.argument("resource")
@click.option("--cpu", default=None, help="Total CPU demand the workload's ready pods share (e.g. 600m).")
@click.option("--memory", default=None, help="Total memory demand the workload's ready pods share (e.g. 1Gi).")
@click.option("--cpu-per-pod", default=None, help="CPU each container uses on its own: 250m, 80% or app=250m,...")
@click.option("--memory-per-pod", default=None, help="Memory each container uses on its own: 64Mi, 50%, ...")
@click.option("--clear", is_flag=True, help="Remove the workload's load annotations first (back to its template).")
@namespace_options
@pass_context
@handle_errors
def set_load(ctx: Context, resource, cpu, memory, cpu_per_pod, memory_per_pod, clear, namespace) -> None:
    """Set a workload's simulated load without a rollout: set load deployment/web --cpu 600m."""
    if not clear and all(v is None for v in (cpu, memory, cpu_per_pod, memory_per_pod)):
        raise click.UsageError("at least one of --cpu, --memory, --cpu-per-pod, --memory-per-pod or --clear is "
                               "required")
    kind, name = one((resource,))
    message = loading.set_load(
        ctx.api, kind, namespace or "default", name,
        cpu=_checked(cpu, loading.check_total, "--cpu"),
        memory=_checked(memory, loading.check_total, "--memory"),
        cpu_per_pod=_checked(cpu_per_pod, lambda v: loading.check_per_pod(v, "cpu"), "--cpu-per-pod"),
        memory_per_pod=_checked(memory_per_pod, lambda v: loading.check_per_pod(v, "memory"), "--memory-per-pod"),
        clear=clear)
    click.echo(message)
    ctx.settle()
