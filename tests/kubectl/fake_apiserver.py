"""A tiny read-only Kubernetes API server over fixture objects, to run the real kubectl against.

This module does I/O (a loopback HTTP server). It exists so that the
expected strings in litekube's format tests are what kubectl v1.32 itself
prints for the same objects: `python -m tests.kubectl.record` starts it on
a free port, points a throw-away kubeconfig at it and runs kubectl
(`kubectl get pods -o jsonpath=...`, `--sort-by`, `-o custom-columns=...`,
`-L`, `--show-kind`). kubectl needs discovery (legacy `/api`, `/apis` and
the group-version resource lists), list and get paths, and for table
output a server-side Table; this server answers those and nothing else.
The Table it serves has kubectl's default columns (Name, Age) so that the
client-side decorations (`-L`, `--show-kind`, `--show-labels`, sorting of
rows) can be compared.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# (group, version, plural, kind, namespaced, short names)
RESOURCES = [
    ("", "v1", "pods", "Pod", True, ["po"]),
    ("", "v1", "secrets", "Secret", True, []),
    ("batch", "v1", "jobs", "Job", True, []),
    ("networking.k8s.io", "v1", "ingresses", "Ingress", True, ["ing"]),
    ("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", True, ["hpa"]),
    ("", "v1", "configmaps", "ConfigMap", True, ["cm"]),
    ("", "v1", "services", "Service", True, ["svc"]),
    ("", "v1", "namespaces", "Namespace", False, ["ns"]),
    ("", "v1", "nodes", "Node", False, ["no"]),
    ("apps", "v1", "deployments", "Deployment", True, ["deploy"]),
    ("apps", "v1", "replicasets", "ReplicaSet", True, ["rs"]),
]
VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


def _resource_list(group: str, version: str) -> dict:
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": f"{group}/{version}" if group else version,
            "resources": [{"name": plural, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind,
                           "verbs": VERBS, "shortNames": short}
                          for g, v, plural, kind, namespaced, short in RESOURCES if (g, v) == (group, version)]}


class FakeApiServer:
    """Serve `objects` (dicts with apiVersion, kind and metadata) until `close()`."""

    def __init__(self, objects: list[dict], openapi_documents: dict[str, dict] | None = None) -> None:
        """`openapi_documents` ({"apis/apps/v1": doc}) replaces litekube's own OpenAPI documents."""
        self.objects = objects
        self.documents = openapi_documents
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _answer(self, path: str, query: dict, accept: str) -> tuple[int, dict]:
        parts = [p for p in path.split("/") if p]
        if parts[:2] == ["openapi", "v3"]:
            # litekube's own OpenAPI documents: kubectl explain renders them as it renders a server's
            from litekube.model import openapi

            if self.documents is not None:
                if len(parts) == 2:
                    return 200, {"paths": {p: {"serverRelativeURL": f"/openapi/v3/{p}?hash=fixture"}
                                           for p in self.documents}}
                return 200, self.documents["/".join(parts[2:])]
            if len(parts) == 2:
                return 200, openapi.index()
            rest = parts[2:]
            group, version = ("", rest[1]) if rest[0] == "api" else (rest[1], rest[2])
            return 200, openapi.document(group, version)
        if parts == ["version"]:
            return 200, {"major": "1", "minor": "32", "gitVersion": "v1.32.4", "platform": "linux/amd64"}
        if parts == ["api"]:
            return 200, {"kind": "APIVersions", "versions": ["v1"]}
        if parts == ["apis"]:
            groups = sorted({(g, v) for g, v, *_ in RESOURCES if g})
            return 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
                 "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}} for g, v in groups]}
        if parts == ["api", "v1"]:
            return 200, _resource_list("", "v1")
        if len(parts) == 3 and parts[0] == "apis":
            return 200, _resource_list(parts[1], parts[2])
        group, version, rest = ("", parts[1], parts[2:]) if parts[:1] == ["api"] else (parts[1], parts[2], parts[3:])
        namespace = None
        if rest[:1] == ["namespaces"] and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        plural, name = rest[0], (rest[1] if len(rest) > 1 else None)
        match = [r for r in RESOURCES if r[0] == group and r[2] == plural]
        if not match:
            return 404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404}
        _, _, _, kind, namespaced, _ = match[0]
        api_version = f"{group}/{version}" if group else version
        items = [o for o in self.objects if o["kind"] == kind
                 and (namespace is None or o["metadata"].get("namespace") == namespace)]
        for term in (query.get("labelSelector") or [""])[0].split(","):  # equality terms only (k=v)
            if "=" in term:
                key, value = term.split("=", 1)
                items = [o for o in items if (o["metadata"].get("labels") or {}).get(key) == value]
        if name is not None:
            items = [o for o in items if o["metadata"]["name"] == name]
            if not items:
                return 404, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                             "message": f'{plural}{"." + group if group else ""} "{name}" not found',
                             "reason": "NotFound", "details": {"name": name, "group": group, "kind": plural},
                             "code": 404}
        if "as=Table" in accept:
            include = (query.get("includeObject") or ["Metadata"])[0]
            return 200, {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": "1"},
                         "columnDefinitions": [
                             {"name": "Name", "type": "string", "format": "name", "description": "", "priority": 0},
                             {"name": "Age", "type": "string", "format": "", "description": "", "priority": 0}],
                         "rows": [{"cells": [o["metadata"]["name"], "1d"],
                                   "object": o if include == "Object" else {
                                       "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                       "metadata": o["metadata"]}} for o in items]}
        if name is not None:
            return 200, items[0]
        return 200, {"kind": f"{kind}List", "apiVersion": api_version, "metadata": {"resourceVersion": "1"},
                     "items": items}

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                url = urlparse(self.path)
                code, body = server._answer(url.path, parse_qs(url.query), self.headers.get("Accept", ""))
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                return None

        return Handler
