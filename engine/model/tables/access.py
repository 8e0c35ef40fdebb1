"""Printers of the policy and access kinds: ServiceAccount, quotas, RBAC, classes, PodTemplate.

No I/O happens here. Rows follow upstream printers.go (v1.32):
printServiceAccount, printLimitRange, printResourceQuota, printNetworkPolicy,
printRole/printClusterRole (the default table), printRoleBinding,
printClusterRoleBinding, printPriorityClass, printRuntimeClass and
printPodTemplate. `PRINTERS` maps each kind to its row printer.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from litekube.model import resourcelists
from litekube.model.tables.cells import age, container_cells, format_label_selector, format_labels, meta

__all__ = ["PRINTERS", "quota_cells", "subjects_strings"]


def _service_account(obj: dict, now: datetime) -> list:
    return [meta(obj).get("name", ""), len(obj.get("secrets") or []), age(obj, now)]


def _created_at(obj: dict, now: datetime) -> list:
    """The default table (Name, Created At) that LimitRange, Role and ClusterRole print."""
    return [meta(obj).get("name", ""), meta(obj).get("creationTimestamp") or "<unknown>"]


def quota_cells(obj: dict) -> tuple[str, str]:
    """The REQUEST and LIMIT cells: `used/hard` per resource of status.hard, sorted by name."""
    status = obj.get("status") or {}
    hard, used = status.get("hard") or {}, status.get("used") or {}
    request, limit = [], []
    for name in sorted(hard):
        cell = f"{name}: {resourcelists.canonical(used.get(name, '0'))}/{resourcelists.canonical(hard[name])}"
        pieces = name.split(".")
        (limit if len(pieces) > 1 and pieces[0] == "limits" else request).append(cell)
    return ", ".join(request), ", ".join(limit)


def _resource_quota(obj: dict, now: datetime) -> list:
    request, limit = quota_cells(obj)
    return [meta(obj).get("name", ""), age(obj, now), request, limit]


def _network_policy(obj: dict, now: datetime) -> list:
    selector = (obj.get("spec") or {}).get("podSelector") or {}
    return [meta(obj).get("name", ""), format_label_selector(selector), age(obj, now)]


def subjects_strings(subjects: list[dict] | None) -> tuple[list[str], list[str], list[str]]:
    """rbac.SubjectsStrings: users, groups and `namespace/name` service accounts."""
    users, groups, sas = [], [], []
    for subject in subjects or []:
        kind = subject.get("kind")
        if kind == "ServiceAccount":
            sas.append(f"{subject.get('namespace', '')}/{subject.get('name', '')}")
        elif kind == "User":
            users.append(subject.get("name", ""))
        elif kind == "Group":
            groups.append(subject.get("name", ""))
    return users, groups, sas


def _binding(obj: dict, now: datetime) -> list:
    ref = obj.get("roleRef") or {}
    users, groups, sas = subjects_strings(obj.get("subjects"))
    return [meta(obj).get("name", ""), f"{ref.get('kind', '')}/{ref.get('name', '')}", age(obj, now),
            ", ".join(users), ", ".join(groups), ", ".join(sas)]


def _priority_class(obj: dict, now: datetime) -> list:
    return [meta(obj).get("name", ""), obj.get("value") or 0, "true" if obj.get("globalDefault") else "false",
            age(obj, now), obj.get("preemptionPolicy") or ""]


def _runtime_class(obj: dict, now: datetime) -> list:
    return [meta(obj).get("name", ""), obj.get("handler", ""), age(obj, now)]


def _pod_template(obj: dict, now: datetime) -> list:
    template = obj.get("template") or {}
    names, images = container_cells(template)
    return [meta(obj).get("name", ""), names, images, format_labels((template.get("metadata") or {}).get("labels"))]


PRINTERS: dict[str, Callable[[dict, datetime], list]] = {
    "ServiceAccount": _service_account,
    "LimitRange": _created_at,
    "ResourceQuota": _resource_quota,
    "NetworkPolicy": _network_policy,
    "Role": _created_at,
    "ClusterRole": _created_at,
    "RoleBinding": _binding,
    "ClusterRoleBinding": _binding,
    "PriorityClass": _priority_class,
    "RuntimeClass": _runtime_class,
    "PodTemplate": _pod_template,
}
