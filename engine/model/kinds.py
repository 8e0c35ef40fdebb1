"""The kind registry: every kind litekube serves, and how kubectl names it.

No I/O happens here. A kind is addressed as kubectl addresses resources:
by kind (`Deployment`), plural (`deployments`), singular (`deployment`),
short name (`deploy`) or plural with group (`deployments.apps`), all
case-insensitively; the category `all` expands to several kinds.
"""
from __future__ import annotations

from dataclasses import dataclass

from litekube import errors

__all__ = ["Kind", "KINDS", "ALSO_SERVED", "lookup", "resolve", "by_api", "for_object", "ALL"]


@dataclass(frozen=True)
class Kind:
    """One served kind: `Kind("Deployment", "apps", "v1", "deployments", ...)`."""

    kind: str
    group: str
    version: str
    plural: str
    namespaced: bool = True
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    has_spec: bool = True
    subresources: tuple[str, ...] = ()
    # Served by an aggregated API (metrics.k8s.io) and computed on read: never stored, never written.
    computed: bool = False

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def resource(self) -> str:
        """`deployments.apps`, or `pods` for the core group: kubectl's error wording."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def qualified(self) -> str:
        """`deployment.apps`, or `pod`: the prefix of kubectl's `-o name` output."""
        return f"{self.singular}.{self.group}" if self.group else self.singular

    @property
    def qualified_kind(self) -> str:
        """`Deployment.apps`, or `Pod`: the prefix of Invalid errors."""
        return f"{self.kind}.{self.group}" if self.group else self.kind


_ALL = ("all",)

KINDS: tuple[Kind, ...] = (
    # core/v1
    Kind("Namespace", "", "v1", "namespaces", False, ("ns",), subresources=("status", "finalize")),
    Kind("Node", "", "v1", "nodes", False, ("no",), subresources=("status",)),
    Kind("Pod", "", "v1", "pods", True, ("po",), _ALL, subresources=("status", "eviction", "binding", "log")),
    Kind("Service", "", "v1", "services", True, ("svc",), _ALL, subresources=("status",)),
    Kind("Endpoints", "", "v1", "endpoints", True, ("ep",), has_spec=False),
    Kind("ConfigMap", "", "v1", "configmaps", True, ("cm",), has_spec=False),
    Kind("Secret", "", "v1", "secrets", True, (), has_spec=False),
    Kind("Event", "", "v1", "events", True, ("ev",), has_spec=False),
    Kind("PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", True, ("pvc",), subresources=("status",)),
    Kind("PersistentVolume", "", "v1", "persistentvolumes", False, ("pv",), subresources=("status",)),
    Kind("ReplicationController", "", "v1", "replicationcontrollers", True, ("rc",), _ALL,
         subresources=("status", "scale")),
    # apps/v1
    Kind("Deployment", "apps", "v1", "deployments", True, ("deploy",), _ALL, subresources=("status", "scale")),
    Kind("ReplicaSet", "apps", "v1", "replicasets", True, ("rs",), _ALL, subresources=("status", "scale")),
    Kind("StatefulSet", "apps", "v1", "statefulsets", True, ("sts",), _ALL, subresources=("status", "scale")),
    Kind("DaemonSet", "apps", "v1", "daemonsets", True, ("ds",), _ALL, subresources=("status",)),
    Kind("ControllerRevision", "apps", "v1", "controllerrevisions", True, (), has_spec=False),
    # batch/v1
    Kind("Job", "batch", "v1", "jobs", True, (), _ALL, subresources=("status",)),
    Kind("CronJob", "batch", "v1", "cronjobs", True, ("cj",), _ALL, subresources=("status",)),
    # networking.k8s.io/v1
    Kind("Ingress", "networking.k8s.io", "v1", "ingresses", True, ("ing",), subresources=("status",)),
    Kind("IngressClass", "networking.k8s.io", "v1", "ingressclasses", False, ()),
    # discovery.k8s.io/v1
    Kind("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", True, (), has_spec=False),
    # autoscaling/v2
    Kind("HorizontalPodAutoscaler", "autoscaling", "v2", "horizontalpodautoscalers", True, ("hpa",), _ALL,
         subresources=("status",)),
    # policy/v1
    Kind("PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets", True, ("pdb",), subresources=("status",)),
    # coordination.k8s.io/v1
    Kind("Lease", "coordination.k8s.io", "v1", "leases", True, (), has_spec=True),
    # core/v1: access and policy
    Kind("ServiceAccount", "", "v1", "serviceaccounts", True, ("sa",), has_spec=False, subresources=("token",)),
    Kind("LimitRange", "", "v1", "limitranges", True, ("limits",)),
    Kind("ResourceQuota", "", "v1", "resourcequotas", True, ("quota",), subresources=("status",)),
    Kind("PodTemplate", "", "v1", "podtemplates", True, (), has_spec=False),
    # networking.k8s.io/v1
    Kind("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies", True, ("netpol",)),
    # rbac.authorization.k8s.io/v1
    Kind("Role", "rbac.authorization.k8s.io", "v1", "roles", True, (), has_spec=False),
    Kind("ClusterRole", "rbac.authorization.k8s.io", "v1", "clusterroles", False, (), has_spec=False),
    Kind("RoleBinding", "rbac.authorization.k8s.io", "v1", "rolebindings", True, (), has_spec=False),
    Kind("ClusterRoleBinding", "rbac.authorization.k8s.io", "v1", "clusterrolebindings", False, (),
         has_spec=False),
    # scheduling.k8s.io/v1, node.k8s.io/v1
    Kind("PriorityClass", "scheduling.k8s.io", "v1", "priorityclasses", False, ("pc",), has_spec=False),
    Kind("RuntimeClass", "node.k8s.io", "v1", "runtimeclasses", False, (), has_spec=False),
    # storage.k8s.io/v1
    Kind("StorageClass", "storage.k8s.io", "v1", "storageclasses", False, ("sc",), has_spec=False),
    # metrics.k8s.io/v1beta1 (metrics-server's aggregated API)
    Kind("NodeMetrics", "metrics.k8s.io", "v1beta1", "nodes", False, (), has_spec=False, computed=True),
    Kind("PodMetrics", "metrics.k8s.io", "v1beta1", "pods", True, (), has_spec=False, computed=True),
)

# Other versions a kind is served in: a manifest may use them; the apiserver converts it to the
# stored version (see `litekube.model.conversion`) and answers in the stored one.
ALSO_SERVED: dict[tuple[str, str], str] = {
    ("autoscaling/v1", "HorizontalPodAutoscaler"): "HorizontalPodAutoscaler",
}

# The order kubectl prints `get all` in (its category expansion order).
ALL: tuple[str, ...] = ("Pod", "ReplicationController", "Service", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet",
                        "HorizontalPodAutoscaler", "CronJob", "Job")

_BY_KIND = {k.kind: k for k in KINDS}
_BY_API = {(k.api_version, k.kind): k for k in KINDS}
_BY_API.update({key: _BY_KIND[kind] for key, kind in ALSO_SERVED.items()})
_BY_NAME: dict[str, Kind] = {}
for _k in KINDS:
    for _name in (_k.kind.lower(), _k.plural, _k.singular, *_k.short_names):
        _BY_NAME.setdefault(_name, _k)
        if _k.group:
            _BY_NAME.setdefault(f"{_name}.{_k.group}", _k)
            _BY_NAME.setdefault(f"{_name}.{_k.version}.{_k.group}", _k)
# kubectl's shortcut expander drops the version of a short name: `hpa.v1.autoscaling` is the preferred version
for (_api_version, _kind_name) in ALSO_SERVED:
    _k = _BY_KIND[_kind_name]
    for _name in _k.short_names:
        _BY_NAME.setdefault(f"{_name}.{_api_version.rpartition('/')[2]}.{_k.group}", _k)


def lookup(kind: str) -> Kind:
    """The Kind for a kind name exactly as written in manifests (`Deployment`)."""
    try:
        return _BY_KIND[kind]
    except KeyError:
        raise errors.ManifestError(f'no matches for kind "{kind}"') from None


def by_api(api_version: str, kind: str) -> Kind:
    """The Kind for a manifest's apiVersion and kind, or ManifestError as kubectl words it."""
    found = _BY_API.get((api_version, kind))
    if found is None:
        raise errors.ManifestError(f'no matches for kind "{kind}" in version "{api_version}"')
    return found


def for_object(obj: dict) -> Kind:
    """The Kind of an object dict (by its `kind` field)."""
    return lookup(obj.get("kind", ""))


def resolve(name: str) -> list[Kind]:
    """Resolve one resource name as kubectl does: `deploy`, `deployments.apps`, `all`.

    Raises ManifestError with kubectl's wording for an unknown resource type.
    """
    key = name.lower()
    if key == "all":
        return [_BY_KIND[k] for k in ALL]
    found = _BY_NAME.get(key)
    if found is None:
        raise errors.ManifestError(f'the server doesn\'t have a resource type "{name}"')
    return [found]
