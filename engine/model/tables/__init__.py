"""Server-side printer columns: what `kubectl get` shows for each kind.

No I/O happens here. Column sets and cells follow upstream
`pkg/printers/internalversion/printers.go` (v1.32): `columns(kind)` gives the
headers as kubectl prints them (uppercase; priority 1 only with `-o wide`),
`row(obj, now)` the cells, all rendered as strings. Kinds without a printer
get the apiserver's default table: NAME and CREATED AT.

The row printers live by topic (`tables_pods`, `tables_workloads`,
`tables_networking`, `tables_cluster`) over the shared cells of
`tables_cells`; this module dispatches to them and re-exports the helpers
`kubectl describe` uses too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from litekube.model.tables import access as tables_access
from litekube.model.tables import autoscaling as tables_autoscaling
from litekube.model.tables import cluster as tables_cluster
from litekube.model.tables import networking as tables_networking
from litekube.model.tables import pods as tables_pods
from litekube.model.tables import storage as tables_storage
from litekube.model.tables import workloads as tables_workloads
from litekube.model.tables.cells import (
    format_label_selector,
    format_labels,
    selector_string,
)
from litekube.model.tables.cluster import access_modes, node_roles
from litekube.model.tables.networking import format_endpoints
from litekube.model.tables.pods import pod_status

__all__ = ["Column", "columns", "row", "READS", "pod_status", "format_labels", "format_label_selector", "selector_string",
           "format_endpoints", "node_roles", "access_modes"]


@dataclass(frozen=True)
class Column:
    """One table column: `Column("READY", 0)`; priority 1 columns appear only with `-o wide`."""

    name: str
    priority: int = 0
    title: str = ""  # the name as upstream's printer declares it ("Up-to-date"); kubectl prints it uppercased


def _cols(normal: str, wide: str = "") -> list[Column]:
    cols = [Column(n.upper(), 0, n) for n in normal.split("|")]
    if wide:
        cols += [Column(n.upper(), 1, n) for n in wide.split("|")]
    return cols


_COLUMNS: dict[str, list[Column]] = {
    "Pod": _cols("Name|Ready|Status|Restarts|Age", "IP|Node|Nominated Node|Readiness Gates"),
    "PodDisruptionBudget": _cols("Name|Min Available|Max Unavailable|Allowed Disruptions|Age"),
    "ReplicaSet": _cols("Name|Desired|Current|Ready|Age", "Containers|Images|Selector"),
    "DaemonSet": _cols("Name|Desired|Current|Ready|Up-to-date|Available|Node Selector|Age",
                       "Containers|Images|Selector"),
    "Job": _cols("Name|Status|Completions|Duration|Age", "Containers|Images|Selector"),
    "CronJob": _cols("Name|Schedule|Timezone|Suspend|Active|Last Schedule|Age", "Containers|Images|Selector"),
    "Service": _cols("Name|Type|Cluster-IP|External-IP|Port(s)|Age", "Selector"),
    "Ingress": _cols("Name|Class|Hosts|Address|Ports|Age"),
    "IngressClass": _cols("Name|Controller|Parameters|Age"),
    "StatefulSet": _cols("Name|Ready|Age", "Containers|Images"),
    "Endpoints": _cols("Name|Endpoints|Age"),
    "Node": _cols("Name|Status|Roles|Age|Version",
                  "Internal-IP|External-IP|OS-Image|Kernel-Version|Container-Runtime"),
    "Namespace": _cols("Name|Status|Age"),
    "Secret": _cols("Name|Type|Data|Age"),
    "PersistentVolumeClaim": _cols("Name|Status|Volume|Capacity|Access Modes|StorageClass|VolumeAttributesClass|Age",
                                   "VolumeMode"),
    "PersistentVolume": _cols("Name|Capacity|Access Modes|Reclaim Policy|Status|Claim|StorageClass|"
                              "VolumeAttributesClass|Reason|Age", "VolumeMode"),
    "StorageClass": _cols("Name|Provisioner|ReclaimPolicy|VolumeBindingMode|AllowVolumeExpansion|Age"),
    "Deployment": _cols("Name|Ready|Up-to-date|Available|Age", "Containers|Images|Selector"),
    "HorizontalPodAutoscaler": _cols("Name|Reference|Targets|MinPods|MaxPods|Replicas|Age"),
    "ConfigMap": _cols("Name|Data|Age"),
    "Lease": _cols("Name|Holder|Age"),
    "ControllerRevision": _cols("Name|Controller|Revision|Age"),
    "EndpointSlice": _cols("Name|AddressType|Ports|Endpoints|Age"),
    "ServiceAccount": _cols("Name|Secrets|Age"),
    "LimitRange": _cols("Name|Created At"),
    "ResourceQuota": _cols("Name|Age|Request|Limit"),
    "NetworkPolicy": _cols("Name|Pod-Selector|Age"),
    "Role": _cols("Name|Created At"),
    "ClusterRole": _cols("Name|Created At"),
    "RoleBinding": _cols("Name|Role|Age", "Users|Groups|ServiceAccounts"),
    "ClusterRoleBinding": _cols("Name|Role|Age", "Users|Groups|ServiceAccounts"),
    "PriorityClass": _cols("Name|Value|Global-Default|Age|PreemptionPolicy"),
    "RuntimeClass": _cols("Name|Handler|Age"),
    "PodTemplate": _cols("Name|Containers|Images|Pod Labels"),
    "ReplicationController": _cols("Name|Desired|Current|Ready|Age", "Containers|Images|Selector"),
    "PodMetrics": _cols("Name|Cpu|Memory|Window"),
    "NodeMetrics": _cols("Name|Cpu|Memory|Window"),
}
# Event columns interleave priorities, so they are listed by hand.
_COLUMNS["Event"] = [Column("LAST SEEN", 0, "Last Seen"), Column("TYPE", 0, "Type"), Column("REASON", 0, "Reason"),
                     Column("OBJECT", 0, "Object"), Column("SUBOBJECT", 1, "Subobject"),
                     Column("SOURCE", 1, "Source"), Column("MESSAGE", 0, "Message"),
                     Column("FIRST SEEN", 1, "First Seen"), Column("COUNT", 1, "Count"), Column("NAME", 1, "Name")]
_DEFAULT = [Column("NAME", 0, "Name"), Column("CREATED AT", 0, "Created At")]


def columns(kind: str) -> list[Column]:
    """The printer columns for a kind (`columns("Pod")[1].name == "READY"`)."""
    return list(_COLUMNS.get(kind, _DEFAULT))


def row(obj: dict, now: datetime) -> list[str]:
    """The cells for one object, as many as `columns(obj["kind"])`, every one a string."""
    printer = _PRINTERS.get(obj.get("kind", ""))
    meta = obj.get("metadata") or {}
    if printer is None:
        return [meta.get("name", ""), meta.get("creationTimestamp") or "<unknown>"]
    return list(map(str, printer(obj, now)))


_PRINTERS: dict[str, Callable[[dict, datetime], list]] = {
    **tables_pods.PRINTERS, **tables_workloads.PRINTERS, **tables_networking.PRINTERS, **tables_cluster.PRINTERS,
    **tables_access.PRINTERS, **tables_storage.PRINTERS,
    **tables_autoscaling.PRINTERS,
}

# The fields each kind's row reads (metadata.name and namespace, kind and resourceVersion always
# come too): `get` of these kinds as a table reads only these (a projected list).
READS: dict[str, tuple[tuple[str, ...], ...]] = {**tables_pods.READS}
