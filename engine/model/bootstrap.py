"""The objects kube-apiserver's post-start hooks create in every cluster.

No I/O happens here. `SYSTEM_PRIORITY_CLASSES` are the scheduling
bootstrap's two classes; `RBAC_OBJECTS` the default ClusterRoles that
manifests bind to (`cluster-admin`, `admin`, `edit`, `view`, with the
aggregation labels and rules of plugin/pkg/auth/authorizer/rbac/bootstrappolicy,
condensed to the resources litekube serves) and the `cluster-admin` binding
to `system:masters`. The apiserver marks each with the
`kubernetes.io/bootstrapping: rbac-defaults` label and the autoupdate annotation.
`ADDONS` are what kind applies once, after the control plane is up: the
default StorageClass `standard` of its local-path-provisioner manifest
(applied with `kubectl apply`, so it carries the last-applied annotation).
"""
from __future__ import annotations

import json

__all__ = ["ADDONS", "applied", "RBAC_OBJECTS", "SYSTEM_PRIORITY_CLASSES", "objects", "DEFAULT_STORAGE_CLASS"]

_PRIORITY = "scheduling.k8s.io/v1"
_RBAC = "rbac.authorization.k8s.io/v1"
_DEFAULTS_LABEL = {"kubernetes.io/bootstrapping": "rbac-defaults"}
_AUTOUPDATE = {"rbac.authorization.kubernetes.io/autoupdate": "true"}

SYSTEM_PRIORITY_CLASSES: tuple[dict, ...] = (
    {"apiVersion": _PRIORITY, "kind": "PriorityClass", "metadata": {"name": "system-node-critical"},
     "value": 2000001000, "description": "Used for system critical pods that must not be moved from their "
                                         "current node.", "preemptionPolicy": "PreemptLowerPriority"},
    {"apiVersion": _PRIORITY, "kind": "PriorityClass", "metadata": {"name": "system-cluster-critical"},
     "value": 2000000000, "description": "Used for system critical pods that must run in the cluster, but can "
                                         "be moved to another node if necessary.",
     "preemptionPolicy": "PreemptLowerPriority"},
)

_READ = ["get", "list", "watch"]
_WRITE = ["create", "delete", "deletecollection", "patch", "update"]
_CORE_WORKLOADS = ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "replicationcontrollers",
                   "replicationcontrollers/scale", "persistentvolumeclaims", "configmaps", "endpoints", "secrets",
                   "services", "services/proxy", "serviceaccounts"]
_APPS = ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets",
         "replicasets/scale", "statefulsets", "statefulsets/scale"]


def _view_rules() -> list[dict]:
    return [
        {"apiGroups": [""], "resources": ["configmaps", "endpoints", "persistentvolumeclaims",
                                          "persistentvolumeclaims/status", "pods", "replicationcontrollers",
                                          "replicationcontrollers/scale", "serviceaccounts", "services",
                                          "services/status"], "verbs": _READ},
        {"apiGroups": [""], "resources": ["bindings", "events", "limitranges", "namespaces/status", "pods/log",
                                          "pods/status", "replicationcontrollers/status", "resourcequotas",
                                          "resourcequotas/status"], "verbs": _READ},
        {"apiGroups": [""], "resources": ["namespaces"], "verbs": _READ},
        {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": _READ},
        {"apiGroups": ["apps"], "resources": ["controllerrevisions", *_APPS, "daemonsets/status",
                                              "deployments/status", "replicasets/status", "statefulsets/status"],
         "verbs": _READ},
        {"apiGroups": ["autoscaling"], "resources": ["horizontalpodautoscalers",
                                                     "horizontalpodautoscalers/status"], "verbs": _READ},
        {"apiGroups": ["batch"], "resources": ["cronjobs", "cronjobs/status", "jobs", "jobs/status"],
         "verbs": _READ},
        {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses", "ingresses/status", "networkpolicies"],
         "verbs": _READ},
        {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets", "poddisruptionbudgets/status"],
         "verbs": _READ},
    ]


def _edit_rules() -> list[dict]:
    return [
        {"apiGroups": [""], "resources": ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets",
                                          "services/proxy"], "verbs": _READ},
        {"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]},
        {"apiGroups": [""], "resources": ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"],
         "verbs": _WRITE},
        {"apiGroups": [""], "resources": ["pods/eviction"], "verbs": ["create"]},
        {"apiGroups": [""], "resources": [r for r in _CORE_WORKLOADS if not r.startswith("pods")],
         "verbs": _WRITE},
        {"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]},
        {"apiGroups": ["apps"], "resources": _APPS, "verbs": _WRITE},
        {"apiGroups": ["autoscaling"], "resources": ["horizontalpodautoscalers"], "verbs": _WRITE},
        {"apiGroups": ["batch"], "resources": ["cronjobs", "jobs"], "verbs": _WRITE},
        {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses", "networkpolicies"], "verbs": _WRITE},
        {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": _WRITE},
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": _WRITE + _READ},
    ] + _view_rules()


def _admin_rules() -> list[dict]:
    return [
        {"apiGroups": ["authorization.k8s.io"], "resources": ["localsubjectaccessreviews"], "verbs": ["create"]},
        {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings", "roles"],
         "verbs": _WRITE + _READ},
    ] + _edit_rules()


def _cluster_role(name: str, rules: list[dict], aggregate_to: tuple[str, ...] = (),
                  aggregated_from: str = "") -> dict:
    labels = dict(_DEFAULTS_LABEL)
    for target in aggregate_to:
        labels[f"rbac.authorization.k8s.io/aggregate-to-{target}"] = "true"
    role: dict = {"apiVersion": _RBAC, "kind": "ClusterRole",
                  "metadata": {"name": name, "labels": labels, "annotations": dict(_AUTOUPDATE)}, "rules": rules}
    if aggregated_from:
        role["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": {
            f"rbac.authorization.k8s.io/aggregate-to-{aggregated_from}": "true"}}]}
    return role


RBAC_OBJECTS: tuple[dict, ...] = (
    _cluster_role("cluster-admin", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                                    {"nonResourceURLs": ["*"], "verbs": ["*"]}]),
    _cluster_role("admin", _admin_rules(), aggregated_from="admin"),
    _cluster_role("edit", _edit_rules(), aggregate_to=("admin",), aggregated_from="edit"),
    _cluster_role("view", _view_rules(), aggregate_to=("edit",), aggregated_from="view"),
    {"apiVersion": _RBAC, "kind": "ClusterRoleBinding",
     "metadata": {"name": "cluster-admin", "labels": dict(_DEFAULTS_LABEL), "annotations": dict(_AUTOUPDATE)},
     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
     "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"}]},
)


def objects() -> list[dict]:
    """Every bootstrap object, in the order the apiserver's hooks create them."""
    return [*SYSTEM_PRIORITY_CLASSES, *RBAC_OBJECTS]


DEFAULT_STORAGE_CLASS = "standard"
_STANDARD = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
             "metadata": {"annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
                          "name": DEFAULT_STORAGE_CLASS},
             "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete",
             "volumeBindingMode": "WaitForFirstConsumer"}


def applied(manifest: dict) -> dict:
    """The object as `kubectl apply` creates it: the manifest plus its last-applied annotation."""
    obj = json.loads(json.dumps(manifest))
    obj["metadata"].setdefault("annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] = \
        json.dumps(manifest, sort_keys=True, separators=(",", ":")) + "\n"
    return obj


ADDONS: tuple[dict, ...] = (applied(_STANDARD),)
