"""Running `litekube serve`: the control plane on the wall clock and the API over uvicorn. This module does I/O.

The socket is bound before anything is printed. The API is served over
TLS: the given certificate and key, or a CA and serving certificate
generated once and kept in the database (its CA goes into the
kubeconfig). Plain HTTP (`plain_http`) is allowed on a loopback address
only, and kubectl does not send its token over plain HTTP (client-go
sends credentials over TLS alone), so it is for other clients. The control
plane runs as `litekube run` does (leader through the Lease, or standing
by behind another leader) on its own thread; Ctrl-C stops both.
"""
from __future__ import annotations

import os
import socket
import tempfile
import threading
from dataclasses import dataclass
from typing import Callable

import yaml

from litekube import errors
from litekube.api import tokens
from litekube.api.server import Api
from litekube.runtime import embedded
from litekube.ui import running
from litekube.ui.kubeapi import certificates
from litekube.ui.kubeapi.app import KubeApi

__all__ = ["Options", "serve", "server_url"]


@dataclass(frozen=True)
class Options:
    address: str = "127.0.0.1"
    port: int = 6443
    tls_cert_file: str | None = None
    tls_private_key_file: str | None = None
    kubeconfig: str | None = None  # also write the kubeconfig here
    plain_http: bool = False
    control_plane: bool = True


def server_url(scheme: str, host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}"


def _tls(api: Api, options: Options) -> tuple[str, str, str | None] | None:
    """(cert file, key file, CA PEM for the kubeconfig) or None for plain HTTP."""
    if bool(options.tls_cert_file) != bool(options.tls_private_key_file):
        raise errors.ManifestError("--tls-cert-file and --tls-private-key-file go together")
    if options.tls_cert_file:
        return options.tls_cert_file, options.tls_private_key_file or "", None
    if options.plain_http:
        if not running.is_loopback(options.address):
            raise errors.ManifestError(f"--plain-http is allowed on a loopback address only, not {options.address}: "
                                       f"serve TLS (--tls-cert-file/--tls-private-key-file, or the generated CA)")
        return None
    state = tokens.kept(api, "Certificate", options.address)
    if state is None:
        bundle = certificates.generate(options.address)
        state = {"ca": bundle.ca_pem, "cert": bundle.cert_pem, "key": bundle.key_pem}
        tokens.keep(api, "Certificate", options.address, state)
    folder = tempfile.mkdtemp(prefix="litekube-serve-")
    paths = []
    for name in ("cert", "key"):
        path = os.path.join(folder, f"{name}.pem")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(state[name])
        paths.append(path)
    return paths[0], paths[1], state["ca"]


def serve(api: Api, options: Options, echo: Callable[[str], None]) -> None:
    """Serve until interrupted. Raises OSError when the port cannot be bound."""
    import uvicorn

    token = tokens.ensure(api)
    tls = _tls(api, options)
    sock = running.bind(options.address, options.port, backlog=1024)
    # Accepted sockets inherit it: a response's header and body records go out at once over TLS,
    # not 40 ms apart behind the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    host, port = sock.getsockname()[:2]
    url = server_url("https" if tls else "http", host, port)
    tokens.save_endpoint(api, url, tls[2] if tls else None)
    config_text = yaml.safe_dump(tokens.kubeconfig(url, token, tls[2] if tls else None), sort_keys=False)
    if options.kubeconfig:
        fd = os.open(options.kubeconfig, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(config_text)
    # Tuning for tests and benchmarks: how many events a watch may fall behind, how long one may block.
    app = KubeApi(api, token, address=f"{host}:{port}",
                  watch_capacity=int(os.environ.get("LITEKUBE_SERVE_WATCH_QUEUE", "10000")),
                  send_timeout=float(os.environ.get("LITEKUBE_SERVE_SEND_TIMEOUT", "10")))
    stop = threading.Event()
    plane = None
    if options.control_plane:
        plane = threading.Thread(target=embedded.run, name="litekube-control-plane", daemon=True,
                                 args=(api, stop), kwargs={"on_state": lambda state: echo(f"litekube: {state}")})
        plane.start()
    echo(f"litekube serve: the Kubernetes API at {url} (Ctrl-C stops it)")
    echo("litekube kubeconfig > ~/.kube/litekube.yaml prints a kubeconfig for kubectl" if not options.kubeconfig
         else f"kubeconfig written to {options.kubeconfig}")
    kwargs = {}
    if tls:
        kwargs = {"ssl_certfile": tls[0], "ssl_keyfile": tls[1]}
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False, server_header=False,
                            timeout_graceful_shutdown=2, timeout_keep_alive=60, **kwargs)
    server = running.quiet_server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        stop.set()
        if plane is not None:
            plane.join(timeout=30)
