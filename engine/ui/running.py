"""Running the web view: bind, print the URL with its token, serve with uvicorn until Ctrl-C. This module does I/O.

The socket is bound before anything is printed, so the URL printed is
one that answers (and `--port 0` prints the port the system chose).
"""
from __future__ import annotations

import contextlib
import ipaddress
import secrets
import signal
import socket
import webbrowser
from dataclasses import dataclass
from typing import Callable

from litekube.api.history import History
from litekube.api.server import Api
from litekube.ui.app import Application

__all__ = ["Options", "bind", "url_for", "serve", "new_token", "is_loopback", "quiet_server"]


@dataclass(frozen=True)
class Options:
    address: str = "127.0.0.1"
    port: int = 8470
    token: str | None = None
    open_browser: bool = False


def new_token() -> str:
    return secrets.token_hex(24)


def is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def bind(address: str, port: int, backlog: int = 64) -> socket.socket:
    """A listening socket on (address, port). Raises OSError (address in use, not ours...)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((address, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def url_for(sock: socket.socket, token: str) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


def quiet_server(config):
    """A uvicorn.Server that stops on SIGINT/SIGTERM and returns normally (uvicorn re-raises the
    signal once it has stopped: Click would print "Aborted!" and exit 1)."""
    import uvicorn

    class _Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):  # type: ignore[override]
            def handle(signum, frame) -> None:
                self.should_exit = True

            previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return _Server(config)


def serve(api: Api, options: Options, echo: Callable[[str], None], *, label: str = "the cluster") -> None:
    """Serve the web view of `api`'s cluster until interrupted. Raises OSError when the port cannot be bound."""
    import uvicorn

    history = History(api)
    sock = bind(options.address, options.port)
    token = options.token or new_token()
    port = sock.getsockname()[1]
    app = Application(history, token, port=port, loopback=is_loopback(options.address))
    url = url_for(sock, token)
    echo(f"litekube ui: serving {label}")
    echo(f"Open this URL in a browser (Ctrl-C stops the server):\n    {url}")
    if not is_loopback(options.address):
        echo(f"warning: listening on {options.address}, not a loopback address: anyone who can reach it and has "
             f"the token sees the cluster")
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False, server_header=False,
                            timeout_graceful_shutdown=2)
    server = quiet_server(config)
    if options.open_browser:
        webbrowser.open(url)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
