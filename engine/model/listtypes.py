"""How server-side apply sees each field: list types, atomic structs, struct fields that always exist.

No I/O happens here. Server-side apply (structured-merge-diff) reads three
things from the OpenAPI schema of a kind, and this module gives them for
the field descriptions of litekube.model.schemas:

- the list type of each list field (`x-kubernetes-list-type`): `map` lists
  merge element by element on their keys (`containers` by `name`, container
  `ports` by `containerPort` and `protocol`), `set` lists of scalars merge
  value by value, every other list is `atomic` (replaced as a whole, owned
  as one field). Lists without a `+listType` tag in k8s.io/api take theirs
  from `patchStrategy=merge` and `patchMergeKey`, as kube-openapi does.
- structs tagged `+structType=atomic` (a LabelSelector is one field);
- the struct fields Go always serializes (a non-pointer struct such as
  `spec.template`), which exist in the empty object an Update is compared
  with, so that they are never "added" themselves.

`Type` is the type at one node of an object; `root(kind)` starts a walk and
`Type.field(name)` / `Type.element()` descend.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from litekube.model.schemas import KIND_SCHEMAS
from litekube.model.schemas.types import ListOf, MapOf, Spec, Special, Struct

__all__ = ["Type", "root", "LIST_TYPES", "ATOMIC_STRUCTS", "ALWAYS_PRESENT", "KEY_DEFAULTS",
           "ATOMIC", "SET", "MAP"]

ATOMIC, SET, MAP = "atomic", "set", "map"
_BY_NAME = (MAP, ("name",))
_BY_TYPE = (MAP, ("type",))
_BY_IP = (MAP, ("ip",))
_CONTAINER = {"env": _BY_NAME, "ports": (MAP, ("containerPort", "protocol")),
              "volumeMounts": (MAP, ("mountPath",)), "volumeDevices": (MAP, ("devicePath",))}

# (struct, field) -> (list type, keys); a list field not named here is atomic.
LIST_TYPES: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("ObjectMeta", "finalizers"): (SET, ()),
    ("ObjectMeta", "ownerReferences"): (MAP, ("uid",)),
    **{("PodSpec", f): _BY_NAME for f in ("containers", "initContainers", "ephemeralContainers", "volumes",
                                         "imagePullSecrets", "schedulingGates", "resourceClaims")},
    ("PodSpec", "hostAliases"): _BY_IP,
    ("PodSpec", "topologySpreadConstraints"): (MAP, ("topologyKey", "whenUnsatisfiable")),
    **{("Container", f): t for f, t in _CONTAINER.items()},
    **{("EphemeralContainer", f): t for f, t in _CONTAINER.items()},
    ("ResourceRequirements", "claims"): _BY_NAME,
    ("PodStatus", "conditions"): _BY_TYPE,
    ("PodStatus", "podIPs"): _BY_IP,
    ("PodStatus", "hostIPs"): _BY_IP,
    **{(s, "conditions"): _BY_TYPE for s in (
        "DeploymentStatus", "ReplicaSetStatus", "StatefulSetStatus", "DaemonSetStatus",
        "ReplicationControllerStatus", "HorizontalPodAutoscalerStatus", "NodeStatus", "NamespaceStatus",
        "PersistentVolumeClaimStatus", "PodDisruptionBudgetStatus", "ServiceStatus")},
    ("NodeSpec", "podCIDRs"): (SET, ()),
    ("ServiceSpec", "ports"): (MAP, ("port", "protocol")),
    ("ServiceAccount", "secrets"): _BY_NAME,
}

# Structs that are one field as a whole (+structType=atomic).
ATOMIC_STRUCTS = frozenset({
    "LabelSelector", "NodeSelector", "LocalObjectReference", "ObjectReference", "TypedLocalObjectReference",
    "TypedObjectReference", "ConfigMapKeySelector", "SecretKeySelector", "ObjectFieldSelector",
    "ResourceFieldSelector", "OwnerReference",
})

# (struct, field) of fields Go serializes even when empty: non-pointer structs (as `{}`), and
# list fields without omitempty (as null), present in the empty object a create is compared with.
_TOP = ("metadata", "spec", "status")
ALWAYS_PRESENT = frozenset({
    ("PodSpec", "containers"),
    *((kind, field) for kind in KIND_SCHEMAS for field in _TOP),
    ("DeploymentSpec", "template"), ("DeploymentSpec", "strategy"),
    ("ReplicaSetSpec", "template"), ("StatefulSetSpec", "template"), ("StatefulSetSpec", "updateStrategy"),
    ("DaemonSetSpec", "template"), ("DaemonSetSpec", "updateStrategy"), ("JobSpec", "template"),
    ("CronJobSpec", "jobTemplate"), ("JobTemplateSpec", "metadata"), ("JobTemplateSpec", "spec"),
    ("PodTemplateSpec", "metadata"), ("PodTemplateSpec", "spec"), ("PodTemplate", "template"),
    ("Container", "resources"), ("ServiceStatus", "loadBalancer"), ("IngressStatus", "loadBalancer"),
    ("HorizontalPodAutoscalerSpec", "scaleTargetRef"), ("NodeStatus", "nodeInfo"),
    ("NodeStatus", "daemonEndpoints"), ("PersistentVolumeClaimSpec", "resources"),
})

# Key fields with a schema default: an element that omits one is keyed by the default.
KEY_DEFAULTS = {"protocol": "TCP"}


@dataclass(frozen=True)
class Type:
    """The type of one node: a description from the schemas (None: not in any schema) and its list type."""

    spec: Spec | None
    list_type: tuple[str, tuple[str, ...]] = (ATOMIC, ())
    declared: bool = True
    # Owned and replaced as a whole: an atomic struct or list, a scalar, or a free-form value.
    atomic: bool = field(init=False, compare=False)
    # A `map` or `set` list, merged element by element.
    is_list: bool = field(init=False, compare=False)

    def __post_init__(self) -> None:
        spec = self.spec
        if isinstance(spec, Struct):
            atomic = spec.name in ATOMIC_STRUCTS
        elif isinstance(spec, ListOf):
            atomic = self.list_type[0] == ATOMIC
        elif isinstance(spec, Special):
            atomic = spec.name != "free"
        else:
            atomic = spec is not None and not isinstance(spec, MapOf)
        object.__setattr__(self, "atomic", atomic)
        object.__setattr__(self, "is_list", isinstance(spec, ListOf) and self.list_type[0] != ATOMIC)
        object.__setattr__(self, "_struct_fields", {})  # field name -> Type, for a struct's declared fields

    @property
    def keys(self) -> tuple[str, ...]:
        return self.list_type[1]

    def field(self, name: str) -> "Type":
        """The type of the field `name` of a map of this type; `declared` says if a struct names it."""
        found = self._struct_fields.get(name)  # type: ignore[attr-defined]
        if found is not None:
            return found
        spec = self.spec
        if isinstance(spec, MapOf):
            name = ""  # every key of a map has the same type
        elif not isinstance(spec, Struct) or name not in spec.fields:
            return _UNDECLARED
        key = (id(self), name)  # bounded: the schemas' field names
        found = _FIELDS.get(key)
        if found is None or found[0] is not self:
            found = _FIELDS[key] = (self, self._field(name))
        if isinstance(spec, Struct):  # bounded: the struct's field names
            self._struct_fields[name] = found[1]  # type: ignore[attr-defined]
        return found[1]

    def _field(self, name: str) -> "Type":
        spec = self.spec
        if isinstance(spec, Struct):
            sub = spec.fields.get(name)
            if sub is None:
                return _UNDECLARED
            return Type(sub, LIST_TYPES.get((spec.name, name), (ATOMIC, ())) if isinstance(sub, ListOf)
                        else (ATOMIC, ()))
        if isinstance(spec, MapOf):
            return Type(spec.elem, (ATOMIC, ()), declared=False)
        return _UNDECLARED

    def element(self) -> "Type":
        """The type of an element of a list of this type."""
        found = _ELEMENTS.get(id(self))
        if found is None or found[0] is not self:
            spec = self.spec
            found = _ELEMENTS[id(self)] = (self, Type(spec.elem) if isinstance(spec, ListOf) else _UNDECLARED)
        return found[1]

    def always_present(self, name: str) -> bool:
        """Whether Go serializes field `name` of this struct even when it is empty."""
        return isinstance(self.spec, Struct) and (self.spec.name, name) in ALWAYS_PRESENT

    def empty_value(self) -> object:
        """What Go serializes for an empty value of this type: `{}` for a struct, null for a list."""
        return None if isinstance(self.spec, ListOf) else {}


_UNDECLARED = Type(None, declared=False)
# Descents already made, by the parent Type's identity (the types of the schemas are few and live as
# long as these tables, which hold them); each entry keeps its parent, so an id is never mistaken.
_FIELDS: dict[tuple[int, str], tuple[Type, Type]] = {}
_ELEMENTS: dict[int, tuple[Type, Type]] = {}
_ROOTS: dict[str, Type] = {}


def root(kind: str) -> Type:
    """The type of a whole object of `kind` (an unknown kind: every map granular, every list atomic)."""
    found = _ROOTS.get(kind)
    if found is None:
        found = _ROOTS[kind] = Type(KIND_SCHEMAS.get(kind))
    return found
