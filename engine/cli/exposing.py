"""expose: a Service for a pod, service, replication controller, deployment or replica set. This module does I/O."""
from __future__ import annotations

import click

from litekube.cli.creating import _generated, finish
from litekube.cli.output import print_options
from litekube.cli.root import Context, cli, handle_errors, namespace_options, one, pass_context
from litekube.model import exposing

__all__: list[str] = []


@cli.command(short_help="Expose a deployment, replica set, pod or service as a new Service.")
@click.argument("args", nargs=-1, required=True)
@click.option("--port", default="", help="The port the service serves on (default: the object's ports).")
@click.option("--target-port", default="", help="The container port (number or name) to send traffic to.")
@click.option("--name", default="", help="The name of the service (default: the object's).")
@click.option("--type", "service_type", default="", help="ClusterIP, NodePort, LoadBalancer or ExternalName.")
@click.option("--protocol", default="", help="TCP, UDP or SCTP (default: the object's, else TCP).")
@click.option("--selector", default="", help="key=value,... instead of the object's selector.")
@click.option("-l", "--labels", default="", help="key=value,... for the service (default: the object's labels).")
@click.option("--external-ip", default="", help="An external IP to accept traffic on.")
@click.option("--load-balancer-ip", default="", help="With --type=LoadBalancer: the IP to ask for.")
@click.option("--session-affinity", default="", help="None or ClientIP.")
@click.option("--cluster-ip", default="", help="The ClusterIP; None makes a headless service.")
@click.option("--dry-run", type=click.Choice(["none", "client", "server"]), default="none",
              help="client: only print the service; server: check everything, write nothing.")
@namespace_options
@print_options
@pass_context
@handle_errors
def expose(ctx: Context, args, port, target_port, name, service_type, protocol, selector, labels, external_ip,
           load_balancer_ip, session_affinity, cluster_ip, dry_run, namespace, output, template,
           allow_missing_template_keys) -> None:
    """Expose a resource as a new Kubernetes service.

    The selector comes from the object (a pod's labels, a deployment's
    matchLabels, a service's selector) and the ports from its containers
    (named port-1, port-2, ... when there are several), as kubectl does.

    \b
    Examples:
      # A service for deployment nginx, serving on port 80 and connecting to the containers on port 8000
      litekube expose deployment nginx --port=80 --target-port=8000
      # A service for pod valid-pod, with the ports its containers declare
      litekube expose pod valid-pod
      # A second service for service nginx, on port 443, named nginx-https
      litekube expose service nginx --port=443 --target-port=8443 --name=nginx-https
      # A UDP service for replica set foo, on port 5110
      litekube expose rs foo --port=5110 --protocol=UDP
    """
    kind, obj_name = one(args)
    ns = namespace or "default"
    with ctx.api.read() as tx:
        obj = tx.get(kind.kind, ns, obj_name)
    service = _generated(lambda: exposing.service_for(
        obj, port=port, target_port=target_port, name=name, service_type=service_type, protocol=protocol,
        selector=selector, labels=labels, external_ip=external_ip, load_balancer_ip=load_balancer_ip,
        session_affinity=session_affinity, cluster_ip=cluster_ip))
    finish(ctx, service, dry_run, output, template, allow_missing_template_keys, namespace=ns, verb="exposed")
