"""`litekube curl`: a request followed hop by hop, name to pod, with the response a cluster gives. This module does I/O.

Read-only, over litekube.api.curling. Like `curl -v`, the trace (`* `
lines), the request sent (`> `) and the response headers (`< `) go to
stderr, the body to stdout,
curl's error line (`curl: (7) ...`) to stderr, and the exit code is
curl's: 0 for any HTTP response, 6, 7, 28, 35, 60 for its failures, 22
for an HTTP error with -f. `-s` prints only the body. `--all` follows
every endpoint each split can pick, with its probability, and prints the
whole report on stdout; it exits 0 when every path got a response, else
with the first failing path's code. `-o json` prints the trace as JSON.
"""
from __future__ import annotations

import json
import sys

import click

from litekube.api import curling
from litekube.cli.root import Context, cli, handle_errors, namespace_options, pass_context
from litekube.model.network import tracing, urls


def _headers(values: tuple[str, ...]) -> str | None:
    host = None
    for value in values:
        name, sep, rest = value.partition(":")
        if not sep:
            name, sep, rest = value.partition(";")  # `-H 'Host;'` sends an empty header, as curl
            if not sep:
                continue
        if name.strip().lower() == "host":
            host = rest.strip()
    return host


def _exit_code(path: tracing.Path, fail: bool) -> int:
    if path.error:
        return path.error.code
    return 22 if fail and path.status and path.status >= 400 else 0


def _json(trace: tracing.Trace, request: tracing.Request, fail: bool) -> str:
    paths = [{"probability": round(p.probability, 10), "hops": p.hops,
              "request": p.request or None,
              "response": None if p.status is None else {"status": p.status, "headers": p.headers, "body": p.body,
                                                         "pod": p.pod or None},
              "error": None if p.error is None else {"code": p.error.code, "message": str(p.error)},
              "exitCode": _exit_code(p, fail)} for p in trace.paths]
    origin = request.origin
    doc = {"url": request.url, "from": {"kind": origin.kind, "name": origin.name or None,
                                        "namespace": origin.namespace or None},
           "resolve": trace.resolution or None, "paths": paths, "exitCode": _overall(trace, fail)}
    return json.dumps(doc, indent=2)


def _overall(trace: tracing.Trace, fail: bool) -> int:
    return next((_exit_code(p, fail) for p in trace.paths if _exit_code(p, fail)), 0)


def _lines(trace: tracing.Trace, path: tracing.Path, fail: bool) -> list[str]:
    out = [f"* {line}" for line in (trace.resolution or {}).get("text", [])]
    for hop in path.hops:
        out += [f"* {line}" for line in hop.get("text", [])]
    if path.status is not None:
        url = trace.url
        shown = f"[{trace.address}]" if ":" in trace.address else trace.address
        out.append(f"* Connected to {url.host if url else ''} ({shown}) port {url.port if url else ''} (#0)")
        out += [f"> {line}" for line in path.request] + [">"]
        out += [f"< {h}" for h in path.headers] + ["<"]
        if fail and path.status >= 400:
            out.append(f"curl: (22) The requested URL returned error: {path.status}")
    if path.error:
        out.append(str(path.error))
    return out


@cli.command("curl")
@click.argument("url")
@click.option("--from", "from_pod", default=None, help="Send it from this pod (its DNS search path, its node).")
@click.option("--from-node", default=None, help="Send it from this node (its resolver knows no cluster names).")
@namespace_options
@click.option("--seed", type=int, default=None, help="Seed the random picks (kube-proxy's split, nginx's endpoint).")
@click.option("--all", "every", is_flag=True, help="Follow every endpoint a split can pick, with its probability.")
@click.option("-o", "--output", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: curl -v's trace; json: the trace, machine-readable.")
@click.option("-H", "--header", "headers", multiple=True, help="A request header; only Host changes routing.")
@click.option("--resolve", "resolves", multiple=True, metavar="HOST:PORT:ADDR",
              help="Resolve HOST:PORT to ADDR, as curl --resolve.")
@click.option("-k", "--insecure", is_flag=True, help="Accept the server's certificate (ingress-nginx's, the API's).")
@click.option("-s", "--silent", is_flag=True, help="Print only the body, as curl without -v.")
@click.option("-f", "--fail", is_flag=True, help="Exit 22 without the body when the HTTP status is 400 or more.")
@pass_context
@handle_errors
def curl_command(ctx: Context, url, from_pod, from_node, namespace, seed, every, output, headers, resolves,
                 insecure, silent, fail) -> None:
    """Send an HTTP request through the simulated cluster and show its path: DNS, entry, kube-proxy, route, pod.

    \b
    Examples:
    # Through the ingress-nginx controller's LoadBalancer IP, as an Ingress host
    litekube curl http://foo.bar.com/foo --resolve foo.bar.com:80:172.18.255.200 --seed 1
    # The same with a Host header; every endpoint and its probability
    litekube curl http://172.18.255.200/bar -H 'Host: foo.bar.com' --all
    # From a pod, by the Service's short name (search path, ndots:5)
    litekube curl http://service1/ --from web-955cd6b54-ljxln -o json
    """
    if from_pod and from_node:
        raise click.UsageError("--from and --from-node cannot be used together")
    if every and seed is not None:
        raise click.UsageError("--seed and --all cannot be used together")
    entries = []
    for entry in resolves:
        try:
            entries.append(urls.resolve_entry(entry))
        except ValueError:
            raise click.BadParameter(f"expected HOST:PORT:ADDRESS, got {entry!r}", param_hint="'--resolve'")
    origin = tracing.Origin("pod", from_pod, namespace or "default") if from_pod else \
        tracing.Origin("node", from_node) if from_node else tracing.Origin()
    request = tracing.Request(url, _headers(headers), tuple(entries), insecure, origin)
    trace = curling.curl(ctx.api, request, curling.every() if every else curling.seeded(seed))
    if output == "json":
        click.echo(_json(trace, request, fail))
        sys.exit(_overall(trace, fail))
    if every:
        for i, path in enumerate(trace.paths, 1):
            click.echo(f"* Path {i} of {len(trace.paths)} (probability {path.probability:.4f})")
            for line in _lines(trace, path, fail):
                click.echo(line)
            if path.status is not None and not (fail and path.status >= 400):
                click.echo(path.body, nl=False)
        sys.exit(_overall(trace, fail))
    path = trace.paths[0]
    if not silent:
        for line in _lines(trace, path, fail):
            click.echo(line, err=True)
    if path.status is not None and not (fail and path.status >= 400):
        click.echo(path.body, nl=False)
    sys.exit(_exit_code(path, fail))
