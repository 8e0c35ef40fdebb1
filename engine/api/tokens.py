"""The bearer token of `litekube serve`, kept in the database. This module does I/O through the store.

`init` generates it (`ensure`); `litekube serve` requires it on every
request and `litekube kubeconfig` prints it. It is kept in the
controller_state table under the apiserver's name, so it makes no
revision and no changelog row (a cluster's objects and resource
versions are the same with or without it). A cluster made before the
token existed gets one on the first `ensure`.
"""
from __future__ import annotations

import secrets

from litekube.api.server import Api

__all__ = ["ensure", "read", "COMPONENT", "save_endpoint", "endpoint", "kubeconfig", "kept", "keep"]

COMPONENT = "kube-apiserver"
_KEY = ("Token", "", "serve")


def _find(reader) -> str | None:
    for component, kind, namespace, name, state in reader.controller_states():
        if component == COMPONENT and (kind, namespace, name) == _KEY:
            return str(state.get("token") or "") or None
    return None


def read(api: Api) -> str | None:
    """The stored token, or None when this cluster has none yet."""
    with api.read() as tx:
        return _find(tx.reader)


def ensure(api: Api) -> str:
    """The stored token, generated (48 hex digits from `secrets`) and kept when missing."""
    found = read(api)
    if found:
        return found
    with api.write() as tx:  # checked again inside the write: two first starts keep one token
        tx.writer.lock()
        found = _find(tx.reader)
        if found:
            return found
        token = secrets.token_hex(24)
        tx.writer.save_controller_state(COMPONENT, *_KEY, {"token": token})
    return token


_ENDPOINT = ("Endpoint", "", "serve")


def save_endpoint(api: Api, server: str, ca_pem: str | None) -> None:
    """Where `litekube serve` answers (and the CA that signed its certificate), for `litekube kubeconfig`."""
    with api.write() as tx:
        tx.writer.save_controller_state(COMPONENT, *_ENDPOINT, {"server": server, "ca": ca_pem or ""})


def endpoint(api: Api) -> tuple[str, str | None] | None:
    """(server URL, CA PEM or None) that the last `litekube serve` recorded, or None."""
    with api.read() as tx:
        for component, kind, namespace, name, state in tx.reader.controller_states():
            if component == COMPONENT and (kind, namespace, name) == _ENDPOINT:
                return str(state.get("server") or ""), (state.get("ca") or None)
    return None


def kubeconfig(server: str, token: str, ca_pem: str | None = None, namespace: str = "default") -> dict:
    """A kubeconfig whose one context, `litekube`, reaches `server` with `token`."""
    import base64

    cluster: dict = {"server": server}
    if ca_pem:
        cluster["certificate-authority-data"] = base64.b64encode(ca_pem.encode()).decode()
    return {"apiVersion": "v1", "kind": "Config",
            "clusters": [{"name": "litekube", "cluster": cluster}],
            "contexts": [{"name": "litekube", "context": {"cluster": "litekube", "namespace": namespace,
                                                          "user": "litekube"}}],
            "current-context": "litekube", "preferences": {},
            "users": [{"name": "litekube", "user": {"token": token}}]}


def kept(api: Api, kind: str, name: str) -> dict | None:
    """Another piece of the apiserver's kept state (e.g. its generated certificates), or None."""
    with api.read() as tx:
        for component, k, namespace, n, state in tx.reader.controller_states():
            if component == COMPONENT and (k, namespace, n) == (kind, "", name):
                return state
    return None


def keep(api: Api, kind: str, name: str, state: dict) -> None:
    with api.write() as tx:
        tx.writer.save_controller_state(COMPONENT, kind, "", name, state)
