"""serve and kubeconfig: the Kubernetes API for kubectl and other clients. This module does I/O."""
from __future__ import annotations

import click
import yaml

from litekube import errors
from litekube.api import tokens
from litekube.cli.root import Context, cli, handle_errors, pass_context


@cli.command()
@click.option("--address", default="127.0.0.1", show_default=True,
              help="The address to listen on (TLS always, plain HTTP only on loopback).")
@click.option("--port", type=click.IntRange(0, 65535), default=6443, show_default=True,
              help="The port to listen on (0: any free port).")
@click.option("--tls-cert-file", default=None, help="The serving certificate (PEM); default: one signed by a CA "
                                                    "generated once and kept in the database.")
@click.option("--tls-private-key-file", default=None, help="The serving certificate's private key (PEM).")
@click.option("--plain-http", is_flag=True, help="Serve plain HTTP (loopback addresses only; kubectl sends no token "
                                                "over plain HTTP, so this is for other clients).")
@click.option("--kubeconfig", "kubeconfig_path", default=None, help="Also write the kubeconfig to this file.")
@pass_context
@handle_errors
def serve(ctx: Context, address, port, tls_cert_file, tls_private_key_file, plain_http, kubeconfig_path) -> None:
    """Run the control plane on the wall clock and serve the Kubernetes API until Ctrl-C.

    The API is served over TLS with the cluster's bearer token; the kubeconfig
    carries both (and the generated CA).

    \b
    Examples:
      # Serve on 127.0.0.1:6443 and point kubectl at it
      litekube serve --kubeconfig litekube.yaml &
      KUBECONFIG=litekube.yaml kubectl get pods -A
      # Any free port, on every address (TLS with the generated CA)
      litekube serve --address 0.0.0.0 --port 0
    """
    from litekube.ui.kubeapi import running

    options = running.Options(address=address, port=port, tls_cert_file=tls_cert_file,
                              tls_private_key_file=tls_private_key_file, kubeconfig=kubeconfig_path,
                              plain_http=plain_http)
    try:
        running.serve(ctx.api, options, lambda line: click.echo(line, err=True))
    except OSError as exc:
        raise errors.ManifestError(f"cannot listen on {address}:{port}: {exc.strerror or exc}") from None


@cli.command()
@click.option("--server", default=None, help="The API server's URL (default: where litekube serve last listened, "
                                             "else http://127.0.0.1:6443).")
@pass_context
@handle_errors
def kubeconfig(ctx: Context, server) -> None:
    """Print a kubeconfig (context litekube) with the server and the cluster's token.

    \b
    Examples:
      # Use it with kubectl
      litekube kubeconfig > ~/.kube/litekube.yaml
      KUBECONFIG=~/.kube/litekube.yaml kubectl get nodes
      # Another address than where litekube serve last listened
      litekube kubeconfig --server https://10.0.0.5:6443
    """
    token = tokens.ensure(ctx.api)
    found = tokens.endpoint(ctx.api)
    ca = None
    if server is None:
        server, ca = found if found and found[0] else ("http://127.0.0.1:6443", None)
    elif found and found[0] == server:
        ca = found[1]
    click.echo(yaml.safe_dump(tokens.kubeconfig(server, token, ca), sort_keys=False), nl=False)
