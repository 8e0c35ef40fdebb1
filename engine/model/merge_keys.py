"""Merge keys for strategic merge patch: how each field of each schema merges.

No I/O happens here. Where apimachinery reads `patchMergeKey` and
`patchStrategy` struct tags, `SCHEMAS` names, per schema context, the `Field`
of each child: the context of its value and the key its list elements merge
on (`ports` of a `Container` merge on `containerPort`, `ports` of a
`ServiceSpec` on `port`; kubectl-wire §6.5). `kind_context(kind)` is the
context of a whole object, `field_of(context, key)` the lookup; fields no
schema names are plain (maps merge, lists replace).
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Field", "SCHEMAS", "field_of", "kind_context"]


@dataclass(frozen=True)
class Field:
    """How strategic merge treats one field: `Field("Container", "name")`.

    `context` names the schema of the value (of each element for lists);
    `merge_key` is None for atomic lists, "" for primitive lists merged as a
    set, else the key list elements are matched on; `retain_keys` marks
    union fields whose map carries a `$retainKeys` directive.
    """

    context: str | None = None
    merge_key: str | None = None
    retain_keys: bool = False


_META = Field("ObjectMeta")
_STATUS = Field("Status")
_TEMPLATE = Field("PodTemplateSpec")
_BY_NAME = Field(None, "name")

SCHEMAS: dict[str, dict[str, Field]] = {
    "Object": {"metadata": _META, "status": _STATUS},
    "ObjectMeta": {"finalizers": Field(None, ""), "ownerReferences": Field(None, "uid")},
    "Status": {"conditions": Field(None, "type"), "addresses": Field(None, "type")},
    "PodTemplateSpec": {"metadata": _META, "spec": Field("PodSpec")},
    "PodSpec": {
        "containers": Field("Container", "name"),
        "initContainers": Field("Container", "name"),
        "ephemeralContainers": Field("Container", "name"),
        "volumes": Field(None, "name", retain_keys=True),
        "imagePullSecrets": _BY_NAME,
        "schedulingGates": _BY_NAME,
        "hostAliases": Field(None, "ip"),
        "topologySpreadConstraints": Field(None, "topologyKey"),
    },
    "Container": {
        "env": _BY_NAME,
        "ports": Field(None, "containerPort"),
        "volumeMounts": Field(None, "mountPath"),
        "volumeDevices": Field(None, "devicePath"),
    },
    "WorkloadSpec": {"template": _TEMPLATE},
    "DeploymentSpec": {"template": _TEMPLATE, "strategy": Field(retain_keys=True)},
    "CronJobSpec": {"jobTemplate": Field("JobTemplateSpec")},
    "JobTemplateSpec": {"metadata": _META, "spec": Field("WorkloadSpec")},
    "ServiceSpec": {"ports": Field(None, "port")},
}

_SPEC_OF_KIND = {
    "Pod": "PodSpec", "Deployment": "DeploymentSpec", "ReplicaSet": "WorkloadSpec",
    "StatefulSet": "WorkloadSpec", "DaemonSet": "WorkloadSpec", "Job": "WorkloadSpec",
    "ReplicationController": "WorkloadSpec", "CronJob": "CronJobSpec", "Service": "ServiceSpec",
}


def field_of(context: str | None, key: str) -> Field:
    """The Field of `key` within a value of schema `context` (None: a plain field)."""
    if context is None:
        return Field()
    if context.startswith("kind:"):
        spec = _SPEC_OF_KIND.get(context[5:])
        if key == "spec" and spec:
            return Field(spec)
        if key == "template" and context == "kind:PodTemplate":
            return _TEMPLATE
        context = "Object"
    return SCHEMAS.get(context, {}).get(key, Field())


def kind_context(kind: str) -> str:
    """The schema context of a whole object of `kind`."""
    return f"kind:{kind}"
