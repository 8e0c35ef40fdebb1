"""The discovery documents of the kinds litekube serves (what `/api/v1` and `/apis/GROUP/VERSION` answer).

No I/O happens here. `resource_lists(kinds)` gives one APIResourceList per
group version, with each kind's resource, its subresources, short names,
categories and verbs, as kube-apiserver's legacy discovery returns them;
`litekube api-resources -o json` prints them and `litekube serve` can
answer with them.
"""
from __future__ import annotations

from litekube.model import kinds as kinds_

__all__ = ["resource_lists", "VERBS"]

VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
_SUBRESOURCE_VERBS = {"status": ["get", "patch", "update"], "scale": ["get", "patch", "update"],
                      "eviction": ["create"], "binding": ["create"], "log": ["get"], "finalize": ["update"]}
_SUBRESOURCE_KIND = {"scale": ("autoscaling", "v1", "Scale"), "eviction": ("policy", "v1", "Eviction"),
                     "binding": ("", "v1", "Binding")}


def resource_lists(served: list[kinds_.Kind] | tuple[kinds_.Kind, ...] = kinds_.KINDS) -> list[dict]:
    """APIResourceList documents, core first, in the order of `served`'s group versions."""
    by_version: dict[str, list[dict]] = {}
    for kind in served:
        resources = by_version.setdefault(kind.api_version, [])
        entry = {"name": kind.plural, "singularName": kind.singular, "namespaced": kind.namespaced,
                 "kind": kind.kind, "verbs": VERBS}
        if kind.short_names:
            entry["shortNames"] = list(kind.short_names)
        if kind.categories:
            entry["categories"] = list(kind.categories)
        resources.append(entry)
        for sub in kind.subresources:
            group, version, sub_kind = _SUBRESOURCE_KIND.get(sub, (kind.group, kind.version, kind.kind))
            sub_entry = {"name": f"{kind.plural}/{sub}", "singularName": "", "namespaced": kind.namespaced,
                         "kind": sub_kind, "verbs": _SUBRESOURCE_VERBS.get(sub, ["get"])}
            if (group, version) != (kind.group, kind.version):
                sub_entry.update(group=group, version=version)
            resources.append(sub_entry)
    return [{"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": version, "resources": resources}
            for version, resources in by_version.items()]
