"""`create deployment|namespace|serviceaccount|service|cronjob|quota|priorityclass|role|rolebinding|
clusterrole|clusterrolebinding|ingress|poddisruptionbudget`: kubectl's generators for everything but data.

This module does I/O (through litekube.cli.creating.finish). The objects
come from litekube.model.generators.
"""
from __future__ import annotations

import sys

import click

from litekube import errors
from litekube.cli.creating import _generated, create_options, finish
from litekube.cli.manifests import create
from litekube.cli.root import Context, handle_errors, pass_context
from litekube.model import generators, kinds

__all__: list[str] = []


@create.command("deployment", short_help="Create a Deployment of one or more images.")
@click.argument("name")
@click.argument("command", nargs=-1)
@click.option("--image", "images", multiple=True, help="Image for a container (repeatable: one container each).")
@click.option("--replicas", type=int, default=1, show_default=True, help="Number of replicas.")
@click.option("--port", type=int, default=-1, help="The containerPort the first container exposes.")
@create_options
@pass_context
@handle_errors
def create_deployment(ctx: Context, name, command, images, replicas, port, namespace, dry_run, output, template,
                      allow_missing_template_keys, save_config) -> None:
    """Create a deployment with the specified name.

    \b
    Examples:
      # A deployment named my-dep that runs the busybox image
      litekube create deployment my-dep --image=busybox
      # With a command
      litekube create deployment my-dep --image=busybox -- date
      # Running the nginx image with 3 replicas
      litekube create deployment my-dep --image=nginx --replicas=3
      # Running the busybox image and exposing port 5701
      litekube create deployment my-dep --image=busybox --port=5701
      # With multiple containers
      litekube create deployment my-dep --image=busybox:latest --image=ubuntu:latest --image=nginx
    """
    obj = _generated(lambda: generators.deployment(name, list(images), replicas, port, list(command), namespace))
    finish(ctx, obj, dry_run, output, template, allow_missing_template_keys, save_config, namespace)


@create.command("namespace", short_help="Create a Namespace.")
@click.argument("name")
@create_options
@pass_context
@handle_errors
def create_namespace(ctx: Context, name, namespace, dry_run, output, template, allow_missing_template_keys,
                     save_config) -> None:
    """Create a namespace with the specified name.

    \b
    Examples:
      # Create a new namespace named my-namespace
      litekube create namespace my-namespace
    """
    finish(ctx, generators.namespace(name), dry_run, output, template, allow_missing_template_keys, save_config)


@create.command("serviceaccount", short_help="Create a ServiceAccount.")
@click.argument("name")
@create_options
@pass_context
@handle_errors
def create_serviceaccount(ctx: Context, name, namespace, dry_run, output, template, allow_missing_template_keys,
                          save_config) -> None:
    """Create a service account with the specified name.

    \b
    Examples:
      # Create a new service account named my-service-account
      litekube create serviceaccount my-service-account
    """
    finish(ctx, generators.service_account(name, namespace), dry_run, output, template,
           allow_missing_template_keys, save_config, namespace)


@create.group("service")
def create_service() -> None:
    """Create a Service: clusterip, nodeport or loadbalancer."""


def _service_command(kind: str, service_type: str, doc: str, node_port: bool = False) -> None:
    @click.argument("name")
    @click.option("--tcp", multiple=True, help="Port pairs PORT[:TARGET_PORT], comma separated or repeated.")
    @create_options
    @pass_context
    @handle_errors
    def command(ctx: Context, name, tcp, namespace, dry_run, output, template, allow_missing_template_keys,
                save_config, cluster_ip: str = "", node_port: int = 0) -> None:
        obj = _generated(lambda: generators.service(name, service_type, list(tcp), cluster_ip, node_port,
                                                    namespace))
        finish(ctx, obj, dry_run, output, template, allow_missing_template_keys, save_config, namespace)

    if node_port:
        command = click.option("--node-port", "node_port", type=int, default=0,
                               help="The port on every node (30000-32767).")(command)
    if kind == "clusterip":
        command = click.option("--clusterip", "cluster_ip", default="",
                               help="The cluster IP; None makes a headless service.")(command)
    create_service.command(kind, help=doc, short_help=doc.split("\n")[0])(command)


_service_command("clusterip", "ClusterIP", """Create a ClusterIP service.

\b
Examples:
  # A ClusterIP service named my-cs
  litekube create service clusterip my-cs --tcp=5678:8080
  # A headless service
  litekube create service clusterip my-cs --clusterip="None"
""")
_service_command("nodeport", "NodePort", """Create a NodePort service.

\b
Examples:
  # A NodePort service named my-ns
  litekube create service nodeport my-ns --tcp=5678:8080
""", node_port=True)
_service_command("loadbalancer", "LoadBalancer", """Create a LoadBalancer service.

\b
Examples:
  # A LoadBalancer service named my-lbs
  litekube create service loadbalancer my-lbs --tcp=5678:8080
""")


@create.command("cronjob", short_help="Create a CronJob that runs an image on a schedule.")
@click.argument("name")
@click.argument("command", nargs=-1)
@click.option("--image", default="", help="The image of the job's container.")
@click.option("--schedule", default="", help="A cron schedule: '*/1 * * * *', '@hourly' ...")
@click.option("--restart", default="", help="The pods' restartPolicy: OnFailure (default) or Never.")
@create_options
@pass_context
@handle_errors
def create_cronjob(ctx: Context, name, command, image, schedule, restart, namespace, dry_run, output, template,
                   allow_missing_template_keys, save_config) -> None:
    """Create a cron job with the specified name.

    \b
    Examples:
      # A cron job
      litekube create cronjob my-job --image=busybox --schedule="*/1 * * * *"
      # A cron job with a command
      litekube create cronjob my-job --image=busybox --schedule="*/1 * * * *" -- date
    """
    obj = _generated(lambda: generators.cron_job(name, image, schedule, restart, list(command), namespace))
    finish(ctx, obj, dry_run, output, template, allow_missing_template_keys, save_config, namespace)


@create.command("quota", short_help="Create a ResourceQuota.")
@click.argument("name")
@click.option("--hard", default="", help="resource=quantity pairs: cpu=1,memory=1G,pods=2.")
@click.option("--scopes", default="", help="Quota scopes: BestEffort,NotTerminating ...")
@create_options
@pass_context
@handle_errors
def create_quota(ctx: Context, name, hard, scopes, namespace, dry_run, output, template,
                 allow_missing_template_keys, save_config) -> None:
    """Create a resource quota with the specified name, hard limits, and optional scopes.

    \b
    Examples:
      # A new resource quota named my-quota
      litekube create quota my-quota --hard=cpu=1,memory=1G,pods=2,services=3,replicationcontrollers=2
      # A new resource quota named best-effort
      litekube create quota best-effort --hard=pods=100 --scopes=BestEffort
    """
    obj = _generated(lambda: generators.quota(name, hard, scopes, namespace))
    finish(ctx, obj, dry_run, output, template, allow_missing_template_keys, save_config, namespace)


@create.command("priorityclass", short_help="Create a PriorityClass.")
@click.argument("name")
@click.option("--value", type=int, default=0, help="The priority.")
@click.option("--global-default", type=bool, default=False, help="The default priority of pods without one.")
@click.option("--description", default="", help="What the class is for.")
@click.option("--preemption-policy", default="PreemptLowerPriority", show_default=True,
              help="PreemptLowerPriority or Never.")
@create_options
@pass_context
@handle_errors
def create_priorityclass(ctx: Context, name, value, global_default, description, preemption_policy, namespace,
                         dry_run, output, template, allow_missing_template_keys, save_config) -> None:
    """Create a priority class with the specified name, value, globalDefault and description.

    \b
    Examples:
      # A priority class named high-priority
      litekube create priorityclass high-priority --value=1000 --description="high priority"
      # The default priority class
      litekube create priorityclass default-priority --value=1000 --global-default=true
      # One that never preempts
      litekube create priorityclass high-priority --value=1000 --preemption-policy="Never"
    """
    obj = generators.priority_class(name, value, global_default, description, preemption_policy)
    finish(ctx, obj, dry_run, output, template, allow_missing_template_keys, save_config)


def _resources(values: tuple[str, ...]) -> list[tuple[str, str]]:
    resolved = []
    for value in values:
        for resource in value.split(","):
            if not resource:
                continue
            if resource == "*":
                resolved.append(("", "*"))
                continue
            base, slash, sub = resource.partition("/")
            try:
                kind = kinds.resolve(base)[0]
            except errors.ManifestError:
                click.echo(f'the server doesn\'t have a resource type "{base}"', err=True)
                sys.exit(1)
            resolved.append((kind.group, kind.plural + (f"/{sub}" if slash else "")))
    return resolved


def _role_command(cluster: bool) -> None:
    kind = "clusterrole" if cluster else "role"

    @click.argument("name")
    @click.option("--verb", "verbs", multiple=True, help="Verbs the rule allows: get,list,watch ...")
    @click.option("--resource", "resources", multiple=True, help="Resources: pods,deployments.apps,pods/log ...")
    @click.option("--resource-name", "resource_names", multiple=True, help="Only these objects (repeatable).")
    @create_options
    @pass_context
    @handle_errors
    def command(ctx: Context, name, verbs, resources, resource_names, namespace, dry_run, output, template,
                allow_missing_template_keys, save_config, non_resource_urls=()) -> None:
        obj, warnings = _generated(lambda: generators.role(name, list(verbs), _resources(resources),
                                                           list(resource_names), list(non_resource_urls),
                                                           cluster, namespace))
        for warning in warnings:
            click.echo(warning, err=True)
        finish(ctx, obj, dry_run, output, template, allow_missing_template_keys, save_config,
               None if cluster else namespace)

    if cluster:
        command = click.option("--non-resource-url", "non_resource_urls", multiple=True,
                               help="A URL path the rule allows (/logs/*).")(command)
    title = "cluster role" if cluster else "role"
    doc = f"""Create a {title} with a single rule.

\b
Examples:
  # A {title} named "pod-reader" that allows getting, watching and listing pods
  litekube create {kind} pod-reader --verb=get --verb=list --verb=watch --resource=pods
  # With resourceNames
  litekube create {kind} pod-reader --verb=get --resource=pods --resource-name=readablepod
  # For a subresource
  litekube create {kind} pod-reader --verb=get,list,watch --resource=pods,pods/status
"""
    create.command(kind, help=doc, short_help=f"Create a {title.capitalize()} with a single rule.")(command)


_role_command(False)
_role_command(True)


def _binding_command(cluster: bool) -> None:
    kind = "clusterrolebinding" if cluster else "rolebinding"

    @click.argument("name")
    @click.option("--clusterrole", "cluster_role", default="", help="The ClusterRole it binds.")
    @click.option("--user", "users", multiple=True, help="A user to bind (repeatable).")
    @click.option("--group", "groups", multiple=True, help="A group to bind (repeatable).")
    @click.option("--serviceaccount", "service_accounts", multiple=True,
                  help="A service account NAMESPACE:NAME to bind (repeatable).")
    @create_options
    @pass_context
    @handle_errors
    def command(ctx: Context, name, cluster_role, users, groups, service_accounts, namespace, dry_run, output,
                template, allow_missing_template_keys, save_config, role_name="") -> None:
        obj = _generated(lambda: generators.role_binding(name, role_name, cluster_role, list(users), list(groups),
                                                         list(service_accounts), cluster, namespace))
        finish(ctx, obj, dry_run, output, template, allow_missing_template_keys, save_config,
               None if cluster else namespace)

    if not cluster:
        command = click.option("--role", "role_name", default="", help="The Role it binds.")(command)
    title = "cluster role binding" if cluster else "role binding"
    role = "--clusterrole=cluster-admin" if cluster else "--clusterrole=admin"
    doc = f"""Create a {title} for a particular {'cluster role' if cluster else 'role or cluster role'}.

\b
Examples:
  # A {title} for user1, user2 and group1
  litekube create {kind} admin {role} --user=user1 --user=user2 --group=group1
  # For a service account
  litekube create {kind} myapp-view-binding --clusterrole=view --serviceaccount=acme:myapp
"""
    create.command(kind, help=doc, short_help=f"Create a {title.title().replace(' ', '')}.")(command)


_binding_command(False)
_binding_command(True)


@create.command("ingress", short_help="Create an Ingress from host/path=service:port rules.")
@click.argument("name")
@click.option("--rule", "rules", multiple=True, help="host/path=service:port[,tls[=secret]] (repeatable).")
@click.option("--class", "ingress_class", default="", help="The IngressClass.")
@click.option("--default-backend", default="", help="service:port for everything no rule catches.")
@click.option("--annotation", "annotations", multiple=True, help="key=value (repeatable).")
@create_options
@pass_context
@handle_errors
def create_ingress(ctx: Context, name, rules, ingress_class, default_backend, annotations, namespace, dry_run,
                   output, template, allow_missing_template_keys, save_config) -> None:
    """Create an ingress with the specified name.

    \b
    Examples:
      # Route foo.com/bar to service svc1, port 8080, with TLS secret my-cert
      litekube create ingress simple --rule="foo.com/bar=svc1:8080,tls=my-cert"
      # A catch-all path to service svc, port http, of class otheringress
      litekube create ingress catch-all --class=otheringress --rule="/path=svc:port"
      # A prefix path (*) and a default backend
      litekube create ingress ingdefault --class=default --default-backend=defaultsvc:http \\
        --rule="foo.com/*=svc:8080,tls=secret1"
    """
    obj = _generated(lambda: generators.ingress(name, list(rules), ingress_class, default_backend,
                                                list(annotations), namespace))
    finish(ctx, obj, dry_run, output, template, allow_missing_template_keys, save_config, namespace)


def _pdb_command(name: str, hidden: bool) -> None:
    @click.argument("name")
    @click.option("--selector", default="", help="The label selector of the pods.")
    @click.option("--min-available", default="", help="Pods that must stay available (N or N%).")
    @click.option("--max-unavailable", default="", help="Pods that may be unavailable (N or N%).")
    @create_options
    @pass_context
    @handle_errors
    def command(ctx: Context, name, selector, min_available, max_unavailable, namespace, dry_run, output,
                template, allow_missing_template_keys, save_config) -> None:
        obj = _generated(lambda: generators.pod_disruption_budget(name, selector, min_available,
                                                                  max_unavailable, namespace))
        finish(ctx, obj, dry_run, output, template, allow_missing_template_keys, save_config, namespace)

    create.command(name, help=_PDB_DOC, short_help="Create a PodDisruptionBudget (alias: pdb).",
                   hidden=hidden)(command)


_PDB_DOC = """Create a pod disruption budget with the specified name, selector, and desired minimum available pods.

\b
Examples:
  # Pods labeled app=rails must keep at least one available
  litekube create poddisruptionbudget my-pdb --selector=app=rails --min-available=1
  # Pods labeled app=nginx must keep at least half available
  litekube create pdb my-pdb --selector=app=nginx --min-available=50%
"""
_pdb_command("poddisruptionbudget", hidden=False)
_pdb_command("pdb", hidden=True)
