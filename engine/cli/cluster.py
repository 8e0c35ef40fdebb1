"""init, node, advance, run, fault, cordon, uncordon and drain: the cluster itself. This module does I/O."""
from __future__ import annotations

import click

from litekube import errors
from litekube.api import operating
from litekube.api.server import Api
from litekube.cli import election
from litekube.cli.root import (
    Context,
    cli,
    duration_seconds,
    handle_errors,
    iso,
    namespace_options,
    pass_context,
    quantity_option,
)
from litekube.model import cluster_network, durations, nodes, service_network
from litekube.runtime import embedded
from litekube.store import Store


@cli.command()
@click.option("--nodes", "node_count", type=click.IntRange(0, 5000), default=nodes.DEFAULT_NODES, show_default=True,
              help="How many simulated nodes.")
@click.option("--cpu", default="4", show_default=True, callback=quantity_option, help="CPU of each node.")
@click.option("--memory", default="16Gi", show_default=True, callback=quantity_option, help="Memory of each node.")
@click.option("--pods", type=click.IntRange(1), default=110, show_default=True, help="Pods per node.")
@click.option("--cluster-cidr", default=cluster_network.DEFAULT_POD_SUBNET, show_default=True,
              help="The pod network: each node gets a subnet of it (kubeadm's podSubnet).")
@click.option("--node-cidr-mask-size", type=int, default=cluster_network.DEFAULT_NODE_MASK, show_default=True,
              help="The prefix length of each node's pod subnet (2^(mask - CIDR prefix) nodes fit).")
@click.option("--service-cidr", default=service_network.DEFAULT_SERVICE_SUBNET, show_default=True,
              help="The Service network: ClusterIPs come from it (kubeadm's serviceSubnet).")
@click.option("--lb-pool", default=service_network.DEFAULT_LB_POOL, show_default=True,
              help="The addresses the simulated load balancer gives LoadBalancer Services (A-B, CIDR, ...).")
@click.option("--proxy-mode", type=click.Choice(["iptables", "ipvs"]), default="iptables", show_default=True,
              help="kube-proxy's mode (the kube-system/kube-proxy ConfigMap).")
@click.option("--flannel-backend", type=click.Choice(["vxlan", "host-gw"]), default="vxlan", show_default=True,
              help="flannel's backend (net-conf.json in kube-flannel/kube-flannel-cfg).")
@click.pass_context
@handle_errors
def init(click_ctx: click.Context, node_count, cpu, memory, pods, cluster_cidr, node_cidr_mask_size,
         service_cidr, lb_pool, proxy_mode, flannel_backend) -> None:
    """Create a new cluster in the database with N simulated nodes."""
    ctx: Context = click_ctx.obj
    network = (cluster_network.validate(cluster_cidr, node_cidr_mask_size), node_cidr_mask_size)
    service_cidr = service_network.validate_service_subnet(service_cidr)
    service_network.parse_pool(lb_pool)
    api = Api(Store(ctx.db), nodes.Shape(cpu=cpu, memory=memory, pods=pods), node_count, network,
              service_cidr, lb_pool, (proxy_mode, flannel_backend))
    if not api.created:
        raise errors.ManifestError(f"the database {ctx.db} already holds a cluster; use another --db")
    ctx._api = api
    from litekube.api import tokens
    tokens.ensure(api)  # the bearer token `litekube serve` requires
    ctx.settle()
    click.echo(f"cluster created in {ctx.db} with {node_count} node{'s' if node_count != 1 else ''}")


@cli.group()
def node() -> None:
    """Add simulated nodes."""


@node.command("add")
@click.argument("name")
@click.option("--cpu", default="4", show_default=True, callback=quantity_option, help="CPU of the node.")
@click.option("--memory", default="16Gi", show_default=True, callback=quantity_option, help="Memory of the node.")
@click.option("--pods", type=click.IntRange(1), default=110, show_default=True, help="Pod limit.")
@click.option("--labels", default=None, help="Labels: k=v,k2=v2.")
@click.option("--taints", default=None, help="Taints: k=v:NoSchedule,k2:NoExecute.")
@pass_context
@handle_errors
def node_add(ctx: Context, name, cpu, memory, pods, labels, taints) -> None:
    """Add a simulated node: node/NAME created."""
    shape = nodes.Shape(cpu, memory, pods, nodes.parse_labels(labels), nodes.parse_taints(taints))
    click.echo(operating.add_node(ctx.api, name, shape))
    ctx.settle()


@cli.command()
@click.argument("duration")
@pass_context
@handle_errors
def advance(ctx: Context, duration) -> None:
    """Move the virtual cluster clock forward by DURATION (e.g. 30s, 5m) and settle."""
    seconds = duration_seconds(duration, "DURATION")
    before = ctx.api.store.now()
    report = embedded.advance(ctx.api, seconds)
    if report is None:
        raise errors.ManifestError("a litekube run process is leading: the cluster runs on the wall clock")
    if not report.settled:
        click.echo(report.message(), err=True)
    click.echo(f"advanced {durations.human_duration(ctx.api.store.now() - before)} to {iso(ctx.api.store.now())}")


@cli.command()
@election.leader_election_options
@pass_context
@handle_errors
def run(ctx: Context, leader_elect, lease_duration, renew_deadline, retry_period) -> None:
    """Run the control plane on the wall clock until Ctrl-C; several runs split the components by Leases."""
    import signal
    import threading

    timing = election.timing(lease_duration, renew_deadline, retry_period)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    embedded.run(ctx.api, stop, on_state=lambda state: click.echo(f"litekube: {state}", err=True),
                 timing=timing, elect=leader_elect)


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
    from litekube.runtime import draining

    options = draining.Options(force, ignore_daemonsets, delete_emptydir_data, duration_seconds(timeout, "--timeout"))
    draining.drain(ctx.api, name, options, click.echo, lambda line: click.echo(line, err=True))
