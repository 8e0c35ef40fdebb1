"""tree, graph and ui: pictures of the cluster. This module does I/O.

`tree` prints the ownership tree as the kubectl-tree plugin does; `graph`
writes the cluster as Graphviz DOT, or runs Graphviz's `dot` for SVG, PNG
or an HTML page; `ui` serves the live web view (litekube.ui). Engine
modules are imported when a command runs, so other commands start no slower.
"""
from __future__ import annotations

import os
import sys

import click

from litekube.cli.root import Context, cli, handle_errors, namespace_options, one, pass_context

GRAPH_FORMATS = ("dot", "svg", "png", "html")


def _use_color(choice: str) -> bool:
    """fatih/color's rule, as kubectl-tree applies it: auto colours a terminal unless NO_COLOR or TERM=dumb."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return _is_terminal()


def _is_terminal() -> bool:
    return sys.stdout.isatty()


@cli.command()
@click.argument("args", nargs=-1, required=True)
@namespace_options
@click.option("-A", "--all-namespaces", is_flag=True,
              help="Look for owned objects in every namespace, cluster-scoped ones included.")
@click.option("-l", "--selector", default=None, help="Only show owned objects whose labels match (a=b,c!=d).")
@click.option("-c", "--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the output: always, never, or auto (only on a terminal, not with NO_COLOR set).")
@pass_context
@handle_errors
def tree(ctx: Context, args, namespace, all_namespaces, selector, color) -> None:
    """Show an object and what it owns through ownerReferences, as the kubectl-tree plugin does.

    \b
    Examples:
      # The ReplicaSets and pods of a Deployment
      litekube tree deployment/web -n demo
      # The same, with kubectl-tree's KIND NAME form, coloured even when piped
      litekube tree deploy web -n demo --color always | less -R
      # A Service's EndpointSlices
      litekube tree svc/web -n demo
    """
    from litekube.api import pictures
    from litekube.model.pictures import trees

    kind, name = one(args)
    found = pictures.tree(ctx.api, kind, name, namespace=namespace or "default", all_namespaces=all_namespaces,
                          selector=selector)
    if not trees.owns_anything(found.root, found.index):
        click.echo(trees.NOTHING_OWNED)
        return
    use = _use_color(color)
    click.echo(trees.render(trees.rows(found.root, found.index, ctx.now()), color=use), nl=False, color=use)


@cli.command()
@namespace_options
@click.option("-A", "--all-namespaces", is_flag=True, help="Draw every namespace.")
@click.option("-o", "--output", type=click.Choice(GRAPH_FORMATS), default="dot", show_default=True,
              help="dot (Graphviz source; needs nothing installed), or svg, png, html (run Graphviz's dot).")
@click.option("--output-file", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the picture to this file instead of standard output.")
@pass_context
@handle_errors
def graph(ctx: Context, namespace, all_namespaces, output, output_file) -> None:
    """Draw nodes and their pods, owners, Services with their endpoints and Ingresses, with Graphviz.

    \b
    Examples:
      # The samples' namespace as an SVG picture
      litekube graph -n demo -o svg --output-file demo.svg
      # The whole cluster as Graphviz source, rendered by hand
      litekube graph -A | dot -Tpng -o cluster.png
      # A page to open in a browser
      litekube graph -n demo -o html --output-file demo.html
    """
    from litekube.api import pictures
    from litekube.model.pictures import dot

    namespace = namespace or "default"
    picture = pictures.graph(ctx.api, namespace=namespace, all_namespaces=all_namespaces)
    source = dot.digraph(picture)
    if output == "dot":
        data = source.source.encode()
    else:
        if output == "png" and output_file is None and _is_terminal():
            _fail("refusing to write a PNG image to a terminal: use --output-file FILE or redirect the output")
        data = _render(source, "png" if output == "png" else "svg")
        if output == "html":
            title = f"litekube: {'all namespaces' if all_namespaces else 'namespace ' + namespace}"
            data = dot.html_page(data.decode(), title).encode()
    if output_file is not None:
        with open(output_file, "wb") as f:
            f.write(data)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _fail(message: str) -> None:
    """kubectl's one-line `error: ...` and exit code 1."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _echo_now(text: str) -> None:
    """Print and flush at once: whoever reads the URL through a pipe needs it before the server stops."""
    click.echo(text)
    sys.stdout.flush()


def _render(source, fmt: str) -> bytes:
    import graphviz

    try:
        return source.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        _fail(f"-o {fmt} needs Graphviz's dot, which is not on PATH: install Graphviz "
              f"(Debian: apt-get install graphviz) or use -o dot")
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        _fail(f"Graphviz's dot failed: {detail[-1] if detail else exc}")


@cli.command()
@click.option("--address", default="127.0.0.1", show_default=True,
              help="The address to listen on (a loopback address unless you mean to share it).")
@click.option("--port", type=click.IntRange(0, 65535), default=8470, show_default=True,
              help="The port to listen on (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default web browser.")
@pass_context
@handle_errors
def ui(ctx: Context, address, port, open_browser) -> None:
    """Serve a live web page of the cluster, with a time slider that replays the changelog.

    Nodes are boxes holding their pods, coloured by state; beside them the
    ownership trees, Services with their endpoints, and the latest Events.
    Slide back to watch a rolling update, a node failure or an eviction
    step by step. The page needs the token printed at start (in its URL).

    \b
    Examples:
      # Serve on http://127.0.0.1:8470/ and open a browser
      litekube ui --open
      # Then, in another terminal, roll the samples' Deployment and watch it
      litekube set image deployment/web nginx=nginx:1.28 -n demo
    """
    from litekube.ui import running

    try:
        running.serve(ctx.api, running.Options(address=address, port=port, open_browser=open_browser),
                      _echo_now, label=ctx.db)
    except OSError as exc:
        _fail(f"cannot listen on {address}:{port}: {exc.strerror or exc}")
