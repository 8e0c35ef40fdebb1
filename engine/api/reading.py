"""Addressing objects as kubectl does (`deploy web`, `deploy/web`, `deploy,svc`, `all`),
getting, describing and deleting them.

This module does I/O through the API.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Iterator

from litekube import errors
from litekube.api.server import Api
from litekube.model import kinds

__all__ = ["parse_targets", "get", "Result", "delete", "no_resources", "events_for", "related"]

Target = tuple[kinds.Kind, "str | None"]


def parse_targets(args: list[str]) -> list[Target]:
    """`["deploy,svc", "web"]` or `["deploy/web", "svc/web"]` → (kind, name) pairs.

    A kind without names yields (kind, None): every object of that kind.
    """
    if not args:
        raise errors.ManifestError("You must specify the type of resource to get.")
    if "/" in args[0]:
        targets: list[Target] = []
        for arg in args:
            if "/" not in arg:
                raise errors.ManifestError(
                    f"there is no need to specify a resource type as a separate argument when passing "
                    f"arguments in resource/name form (e.g. 'litekube get resource/<resource_name>' "
                    f"instead of 'litekube get resource resource/<resource_name>'")
            type_, _, name = arg.partition("/")
            targets.extend((k, name) for k in kinds.resolve(type_))
        return targets
    types = [t for t in args[0].split(",") if t]
    resolved = [k for t in types for k in kinds.resolve(t)]
    names = args[1:]
    if not names:
        return [(k, None) for k in resolved]
    return [(k, n) for k in resolved for n in names]


@dataclass
class Result:
    """Objects grouped by kind (in the order asked), and the list revision."""

    groups: list[list[dict]]
    resource_version: int


def get(api: Api, targets: list[Target], *, namespace: str = "default", all_namespaces: bool = False,
        selector: str | None = None, field_selector: str | None = None,
        prefix_match: bool = False, missing: list[errors.NotFound] | None = None,
        paths: dict[str, tuple[tuple[str, ...], ...]] | None = None) -> Result:
    """Fetch the targets; raises NotFound for a missing named object.

    With a `missing` list, NotFound errors are collected there instead and the
    other targets still answer (kubectl's get continues on error). `paths` names,
    per kind, the only fields a listing of that kind needs (a projection, see
    Transaction.list): a table printer's reads.
    """
    groups: dict[str, list[dict]] = {}
    with api.read() as tx:
        revision = tx.reader.revision()
        for kind, name in targets:
            group = groups.setdefault(kind.kind, [])
            ns = None if all_namespaces else namespace
            if kind.computed:  # metrics.k8s.io: computed from the cluster, as metrics-server serves it
                group.extend(_computed(tx, kind, name, ns if kind.namespaced else None, namespace, selector,
                                       field_selector))
                continue
            if name is None:
                with listing_errors(kind, selector, field_selector):
                    group.extend(tx.list(kind.kind, ns, selector, field_selector,
                                         (paths or {}).get(kind.kind)).items)
                continue
            found = tx.find(kind.kind, namespace, name)
            if found is None and prefix_match:
                matches = [o for o in tx.list(kind.kind, namespace).items
                           if o["metadata"]["name"].startswith(name)]
                if matches:
                    group.extend(matches)
                    continue
            if found is None:
                if missing is None:
                    raise errors.NotFound.of(kind.resource, name)
                missing.append(errors.NotFound.of(kind.resource, name))
                continue
            group.append(found)
    for kind_name, group in groups.items():
        if kind_name == "Event":  # kubectl users expect events in time order
            group.sort(key=lambda e: (e.get("lastTimestamp") or e.get("eventTime") or
                                      e["metadata"].get("creationTimestamp") or "", e["metadata"]["name"]))
    return Result(list(groups.values()), revision)


@contextlib.contextmanager
def listing_errors(kind: kinds.Kind, selector: str | None, field_selector: str | None) -> Iterator[None]:
    """A list the API server refuses (a bad selector, a field the kind has no label for) reads as kubectl
    words it (resource.EnhanceListError): the resource as a GroupVersionResource and the selectors."""
    try:
        yield
    except errors.BadRequest as exc:
        if not (selector or field_selector):
            raise
        exc.message = (f'Unable to find "{kind.group}/{kind.version}, Resource={kind.plural}" that match label '
                       f'selector "{selector or ""}", field selector "{field_selector or ""}": {exc.message}')
        exc.args = (exc.message,)
        raise


def _computed(tx, kind: kinds.Kind, name: str | None, ns: str | None, namespace: str, selector: str | None,
              field_selector: str | None) -> list[dict]:
    from litekube.api import metrics  # metrics-server's model: only for metrics.k8s.io kinds

    snap = metrics.Snapshot(tx)
    source = "Pod" if kind.kind == "PodMetrics" else "Node"
    compute = snap.pod if source == "Pod" else snap.node
    if name is not None:
        obj = snap.view.get(source, namespace if source == "Pod" else "", name)
        if obj is None:
            raise errors.NotFound.of("pods" if source == "Pod" else "nodes", name)
        found = compute(obj)
        if found is None:
            raise errors.NotFound.of(kind.resource, f"{namespace}/{name}" if source == "Pod" else name)
        return [found]
    objs = metrics.filtered(snap.view.list(source, ns), selector, field_selector)
    return [m for m in (compute(o) for o in objs) if m is not None]


def no_resources(namespace: str, all_namespaces: bool) -> str:
    """kubectl's message for an empty answer."""
    return "No resources found" if all_namespaces else f"No resources found in {namespace} namespace."


def delete(api: Api, targets: list[Target], *, namespace: str = "default", all_namespaces: bool = False,
           selector: str | None = None, cascade: str = "background", grace_period: int | None = None,
           ignore_not_found: bool = False, dry_run: str | None = None) -> list:
    """Delete named objects, or every object of a kind matching a selector, in one transaction."""
    from litekube.api.applying import Outcome
    outcomes = []
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run or "", "")
    with api.write(dry_run=dry_run is not None) as tx:
        for kind, name in targets:
            if name is None:
                ns = None if all_namespaces else namespace
                with listing_errors(kind, selector, None):
                    victims = [(o["metadata"].get("namespace", ""), o["metadata"]["name"])
                               for o in tx.list(kind.kind, ns, selector).items]
            else:
                victims = [(namespace, name)]
            for ns, victim in victims:
                try:
                    tx.delete(kind.kind, ns, victim, propagation=cascade.capitalize(),
                              grace_period=grace_period)
                except errors.NotFound:
                    if ignore_not_found:
                        continue
                    raise
                outcomes.append(Outcome(kind, victim, "deleted" + suffix, ns))
    return outcomes


def events_for(api: Api, obj: dict) -> list[dict]:
    """The Events whose involvedObject is `obj`, oldest first."""
    meta = obj["metadata"]
    namespace = meta.get("namespace") or "default"
    with api.read() as tx:
        events = [e for e in tx.list("Event", namespace).items
                  if (e.get("involvedObject") or {}).get("uid") == meta.get("uid")
                  or ((e.get("involvedObject") or {}).get("kind") == obj["kind"]
                      and (e.get("involvedObject") or {}).get("name") == meta["name"]
                      and not (e.get("involvedObject") or {}).get("uid"))]
    return sorted(events, key=lambda e: e.get("lastTimestamp") or e.get("eventTime") or "")


def related(api: Api, obj: dict) -> dict:
    """What kubectl describe shows beside an object: a Deployment's ReplicaSets, a Node's pods."""
    meta = obj["metadata"]
    with api.read() as tx:
        if obj["kind"] == "Deployment":
            owned = [rs for rs in tx.list("ReplicaSet", meta["namespace"]).items
                     if any(r.get("uid") == meta["uid"] for r in rs["metadata"].get("ownerReferences") or [])]
            return {"replicasets": owned}
        if obj["kind"] == "Namespace":
            return {"resourcequotas": tx.list("ResourceQuota", meta["name"]).items,
                    "limitranges": tx.list("LimitRange", meta["name"]).items}
        if obj["kind"] == "Service":  # describeService lists the Service's EndpointSlices
            return {"slices": tx.list("EndpointSlice", meta["namespace"],
                                      label_selector=f"kubernetes.io/service-name={meta['name']}").items}
        if obj["kind"] == "Ingress":  # each backend's Service and EndpointSlices, as describeBackendV1 gets them
            from litekube.model.describing import networking as describing_networking  # describe only

            backends = describing_networking.backend_services(obj)
            return {"services": {n: tx.find("Service", meta["namespace"], n) for n in backends},
                    "slices": {n: tx.list("EndpointSlice", meta["namespace"],
                                          label_selector=f"kubernetes.io/service-name={n}").items
                               for n in backends}}
        if obj["kind"] in ("ReplicationController", "StatefulSet", "DaemonSet", "PersistentVolumeClaim"):
            return {"pods": tx.list("Pod", meta["namespace"]).items}
        if obj["kind"] == "Node":
            pods = tx.list("Pod", None, field_selector=f"spec.nodeName={meta['name']}").items
            return {"pods": pods, "lease": tx.find("Lease", "kube-node-lease", meta["name"])}
    return {}
