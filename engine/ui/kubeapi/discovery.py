"""Discovery and OpenAPI documents as kube-apiserver v1.32 answers them. No I/O happens here.

- `/version`: v1.32 (kubectl's dispatcher picks the kubectl of the server's
  minor version, so it must say 1.32);
- `/api`, `/apis`: aggregated discovery v2 (`APIGroupDiscoveryList`) when the
  Accept header asks for it, else the legacy `APIVersions`/`APIGroupList`;
- `/api/v1`, `/apis/G/V`: legacy `APIResourceList` (litekube.model.discovery);
- `/openapi/v3` and its group-version documents: litekube's schemas
  (litekube.model.openapi) with one PATCH operation per kind taking
  `fieldValidation`, so kubectl validates on the server; strategic merge
  patch is left out of the PATCH media types on purpose: kubectl then
  computes apply patches from its compiled-in types (correct merge keys).
"""
from __future__ import annotations

import dataclasses
import functools
import json

from litekube.model import discovery as discovery_docs
from litekube.model import kinds, openapi
from litekube.ui.kubeapi import routes

__all__ = ["VERSION", "AGGREGATED_TYPE", "wants_aggregated", "api_versions", "group_list", "group",
           "resource_list", "aggregated", "openapi_index", "openapi_document"]

VERSION = {"major": "1", "minor": "32", "gitVersion": "v1.32.4", "gitCommit": "0" * 40, "gitTreeState": "clean",
           "buildDate": "2025-04-22T16:00:00Z", "goVersion": "go1.23.6", "compiler": "gc", "platform": "linux/amd64"}
AGGREGATED_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


def wants_aggregated(accept: str) -> bool:
    """Does the Accept header ask for aggregated discovery v2 (parameters in any order)?"""
    for part in accept.split(","):
        params = {}
        for item in part.split(";")[1:]:
            key, _, value = item.strip().partition("=")
            params[key.strip()] = value.strip()
        if params.get("as") == "APIGroupDiscoveryList" and params.get("v") == "v2" \
                and params.get("g") == "apidiscovery.k8s.io":
            return True
    return False


# The review APIs: create-only, answered by `reviews` (every request is the token holder's, a cluster-admin).
REVIEWS = {("authorization.k8s.io", "v1"): [("selfsubjectaccessreviews", "SelfSubjectAccessReview"),
                                            ("selfsubjectrulesreviews", "SelfSubjectRulesReview")],
           ("authentication.k8s.io", "v1"): [("selfsubjectreviews", "SelfSubjectReview")]}


@functools.lru_cache(maxsize=None)
def _lists() -> dict[str, dict]:
    # The review APIs are served but not listed: `kubectl api-resources` then prints what
    # `litekube api-resources` prints (kubectl auth can-i posts without looking them up).
    # the other versions a kind is served in (autoscaling/v1) list it as its stored version does
    also = [dataclasses.replace(kinds.lookup(kind), version=api_version.rpartition("/")[2])
            for api_version, kind in kinds.ALSO_SERVED]
    return {doc["groupVersion"]: doc for doc in discovery_docs.resource_lists([*kinds.KINDS, *also])}


def resource_list(group: str, version: str) -> dict | None:
    return _lists().get(f"{group}/{version}" if group else version)


def api_versions(address: str) -> dict:
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": address}]}


def _groups() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for g, v in routes.group_versions():
        if g:
            out.setdefault(g, []).append(v)
    return out


def group(name: str) -> dict | None:
    versions = _groups().get(name)
    if not versions:
        return None
    entries = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"kind": "APIGroup", "apiVersion": "v1", "name": name, "versions": entries,
            "preferredVersion": entries[0]}


def group_list() -> dict:
    return {"kind": "APIGroupList", "apiVersion": "v1",
            "groups": [{k: v for k, v in (group(name) or {}).items() if k not in ("kind", "apiVersion")}
                       for name in _groups()]}


def _aggregated_resources(group_name: str, version: str) -> list[dict]:
    legacy = resource_list(group_name, version) or {"resources": []}
    parents: dict[str, dict] = {}
    out = []
    for entry in legacy["resources"]:
        name = entry["name"]
        if "/" in name:
            parent, sub = name.split("/", 1)
            kind = {"group": entry.get("group", group_name), "version": entry.get("version", version),
                    "kind": entry["kind"]}
            parents[parent].setdefault("subresources", []).append(
                {"subresource": sub, "responseKind": kind, "verbs": entry["verbs"]})
            continue
        resource = {"resource": name, "responseKind": {"group": group_name, "version": version, "kind": entry["kind"]},
                    "scope": "Namespaced" if entry["namespaced"] else "Cluster",
                    "singularResource": entry["singularName"], "verbs": entry["verbs"]}
        if entry.get("shortNames"):
            resource["shortNames"] = entry["shortNames"]
        if entry.get("categories"):
            resource["categories"] = entry["categories"]
        parents[name] = resource
        out.append(resource)
    return out


def aggregated(core: bool) -> dict:
    """`GET /api` (core) or `GET /apis` as an APIGroupDiscoveryList."""
    if core:
        items = [{"metadata": {"name": ""}, "versions": [
            {"version": "v1", "freshness": "Current", "resources": _aggregated_resources("", "v1")}]}]
    else:
        items = [{"metadata": {"name": name}, "versions": [
            {"version": v, "freshness": "Current", "resources": _aggregated_resources(name, v)} for v in versions]}
            for name, versions in _groups().items()]
    return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {},
            "items": items}


def openapi_index() -> dict:
    return openapi.index()


_PARAMETERS = [{"name": n, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
               for n in ("dryRun", "fieldManager", "fieldValidation")]
_PATCH_TYPES = ("application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml")


@functools.lru_cache(maxsize=None)
def openapi_document(group_name: str, version: str) -> bytes | None:
    """The group version's OpenAPI v3 document, encoded (computed once: it does not change)."""
    if (group_name, version) not in routes.group_versions():
        return None
    doc = openapi.document(group_name, version)
    prefix = "/" + openapi.path_of(group_name, version)
    also = [kinds.lookup(kind) for api_version, kind in kinds.ALSO_SERVED
            if api_version == (f"{group_name}/{version}" if group_name else version)]
    for kind in [*kinds.KINDS, *also]:
        if ((kind.group, kind.version) != (group_name, version) and kind not in also) or kind.computed:
            continue
        gvk = {"group": group_name, "kind": kind.kind, "version": version}
        path = (f"{prefix}/namespaces/{{namespace}}/{kind.plural}/{{name}}" if kind.namespaced
                else f"{prefix}/{kind.plural}/{{name}}")
        doc["paths"].setdefault(path, {})["patch"] = {
            "operationId": f"patch{kind.kind}", "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": gvk, "parameters": _PARAMETERS,
            "requestBody": {"required": True, "content": {t: {"schema": {"type": "object"}} for t in _PATCH_TYPES}},
            "responses": {"200": {"description": "OK"}, "201": {"description": "Created"}}}
    doc["info"]["version"] = VERSION["gitVersion"]
    return json.dumps(doc, separators=(",", ":")).encode()
