"""Request paths to what they address, as the apiserver's router reads them. No I/O happens here.

`/api/v1/namespaces/NS/pods/NAME/log` -> Target(kind=Pod, namespace=NS,
name=NAME, subresource="log"); collections have no name; a namespaced
kind addressed without a namespace (`/api/v1/pods`) lists every namespace.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from litekube.model import kinds

__all__ = ["Target", "resolve", "resource_for", "group_versions"]

_RESOURCES: dict[tuple[str, str, str], kinds.Kind] = {(k.group, k.version, k.plural): k for k in kinds.KINDS}
# Other versions of a stored kind (autoscaling/v1 HorizontalPodAutoscaler): served converted, after the stored one.
_ALSO: dict[tuple[str, str], list[str]] = {}
for (_api_version, _kind_name) in kinds.ALSO_SERVED:
    _kind = kinds.lookup(_kind_name)
    _group, _, _version = _api_version.rpartition("/")
    _RESOURCES[(_group, _version, _kind.plural)] = _kind
    _ALSO.setdefault((_kind.group, _kind.version), []).append(_version)


def group_versions() -> list[tuple[str, str]]:
    """Served (group, version) pairs, core first, in the registry's order."""
    seen: list[tuple[str, str]] = []
    for k in kinds.KINDS:
        if (k.group, k.version) not in seen:
            seen.append((k.group, k.version))
            seen.extend((k.group, v) for v in _ALSO.get((k.group, k.version), ()))
    return sorted(seen, key=lambda gv: gv[0] != "")


def resource_for(group: str, version: str, plural: str) -> kinds.Kind | None:
    return _RESOURCES.get((group, version, plural))


@dataclass(frozen=True)
class Target:
    """A resource request: collection (no name), object, or an object's subresource."""

    kind: kinds.Kind
    namespace: str | None  # None: every namespace (or a cluster-scoped kind)
    name: str | None = None
    subresource: str | None = None
    version: str = ""  # the version addressed, when it is not the stored one (autoscaling/v1)

    @property
    def api_version(self) -> str:
        """The apiVersion the request reads and writes (its objects are converted to and from it)."""
        if not self.version:
            return self.kind.api_version
        return f"{self.kind.group}/{self.version}" if self.kind.group else self.version


class Unknown(Exception):
    """No resource at this path (404 "the server could not find the requested resource")."""


def resolve(path: str) -> tuple[str, str, list[str]] | None:
    """(group, version, rest) for a resource path under /api/v1 or /apis/G/V, else None."""
    parts = [unquote(p) for p in path.strip("/").split("/")]
    if len(parts) >= 3 and parts[0] == "api":
        return "", parts[1], parts[2:]
    if len(parts) >= 4 and parts[0] == "apis":
        return parts[1], parts[2], parts[3:]
    return None


def target(group: str, version: str, rest: list[str]) -> Target:
    """The Target of `rest` (the path after the group version); raises Unknown."""
    if not rest or any(p == "" for p in rest):
        raise Unknown()
    if rest[0] == "namespaces" and len(rest) >= 3:
        kind = resource_for(group, version, rest[2])
        if kind is not None and kind.namespaced:
            if len(rest) > 5:
                raise Unknown()
            return _checked(Target(kind, rest[1], rest[3] if len(rest) > 3 else None,
                                   rest[4] if len(rest) > 4 else None, _other(kind, version)))
    kind = resource_for(group, version, rest[0])
    if kind is None or len(rest) > 3:
        raise Unknown()
    return _checked(Target(kind, None, rest[1] if len(rest) > 1 else None, rest[2] if len(rest) > 2 else None,
                           _other(kind, version)))


def _other(kind: kinds.Kind, version: str) -> str:
    return "" if version == kind.version else version


def _checked(t: Target) -> Target:
    if t.subresource is not None and t.subresource not in t.kind.subresources:
        raise Unknown()
    if t.name is not None and t.kind.namespaced and t.namespace is None:
        raise Unknown()  # /api/v1/pods/NAME: a namespaced object needs its namespace
    return t
