"""proxy-rules, routes and dns: what a node's kube-proxy and flanneld program, what CoreDNS answers. This module does I/O.

Read-only commands over litekube.api.networking.

`dns` answers as `dig +short`: one record per line; an empty answer
(NOERROR without records of that type) prints nothing and exits 0; NXDOMAIN
prints dig's header line `;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN`
(without the random id) and exits 1, so scripts can test for it.
"""
from __future__ import annotations

import sys

import click

from litekube.api import networking
from litekube.cli.root import Context, cli, handle_errors, namespace_options, pass_context
from litekube.model.network import dns


@cli.command("proxy-rules")
@click.argument("node")
@click.option("--table", type=click.Choice(["nat", "filter"]), default=None,
              help="Only this table (iptables mode).")
@pass_context
@handle_errors
def proxy_rules(ctx: Context, node, table) -> None:
    """Print the rules NODE's kube-proxy programs: iptables-save format, or ipvsadm -Ln in ipvs mode.

    \b
    Examples:
    # Every kube-proxy rule of node-1 (filter, then nat)
    litekube proxy-rules node-1
    # Only the nat table: KUBE-SERVICES, KUBE-SVC-*, KUBE-SEP-*
    litekube proxy-rules node-1 --table nat
    """
    click.echo(networking.proxy_rules(ctx.api, node, table), nl=False)


@cli.command()
@click.argument("node")
@click.option("--show", "what", type=click.Choice(["route", "neigh", "fdb"]), default="route", show_default=True,
              help="ip route, ip neigh show dev flannel.1, or bridge fdb show dev flannel.1.")
@pass_context
@handle_errors
def routes(ctx: Context, node, what) -> None:
    """Print NODE's routes as `ip route` does: flannel's per-node routes, cni0, eth0 (or its FDB/ARP entries).

    \b
    Examples:
    # The routing table of node-1
    litekube routes node-1
    # flannel.1's FDB entries (vxlan)
    litekube routes node-1 --show fdb
    """
    click.echo(networking.routes(ctx.api, node, what), nl=False)


@cli.command("dns")
@click.argument("name")
@click.option("--type", "qtype", type=click.Choice(dns.TYPES, case_sensitive=False), default="A",
              show_default=True, help="The record type asked for.")
@click.option("--from", "from_pod", default=None, help="Resolve as this pod does (its resolv.conf search path).")
@click.option("--resolv-conf", is_flag=True, help="Print the --from pod's /etc/resolv.conf instead.")
@namespace_options
@pass_context
@handle_errors
def dns_command(ctx: Context, name, qtype, from_pod, resolv_conf, namespace) -> None:
    """Answer NAME as the cluster's CoreDNS does, printed as `dig +short` (NXDOMAIN: dig's status line, exit 1).

    \b
    Examples:
    # The ClusterIP of kube-dns
    litekube dns kube-dns.kube-system.svc.cluster.local
    # As a pod in default resolves "web" (search path, ndots:5)
    litekube dns web --from web-7d4b9c-abcde
    # SRV of a named port, and a reverse lookup
    litekube dns _http._tcp.web.default.svc.cluster.local --type SRV
    litekube dns 10.0.96.10.in-addr.arpa --type PTR
    """
    if resolv_conf:
        if not from_pod:
            raise click.UsageError("--resolv-conf needs --from POD")
        click.echo(networking.resolv_conf(ctx.api, from_pod, namespace or "default"), nl=False)
        return
    result = networking.dns_answer(ctx.api, name, qtype, from_pod, namespace or "default")
    if result.rcode == "NXDOMAIN":
        click.echo(";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN")
        sys.exit(1)
    for record in result.records:
        click.echo(record)
