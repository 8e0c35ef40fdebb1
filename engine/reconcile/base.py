"""What every reconciler shares: keys, actions, results, the view, components.

No I/O happens here. A reconciler reads a read-only `View` of the cluster,
decides, and returns actions; it never mutates an object it read (copy it
first). `now` is the cluster time in seconds since the epoch (float).
"""
from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Callable, Iterable, NamedTuple, Protocol

__all__ = ["Key", "Create", "Update", "UpdateStatus", "Delete", "Remove", "Bind", "RecordEvent", "SaveState",
           "DeleteCollection",
           "Action", "Result", "View", "Component", "WakeMapper", "key_of", "ref_of", "self_key", "controller_key"]


class Key(NamedTuple):
    """What a reconciler is asked about: one object by kind, namespace and name."""

    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}" if self.namespace else f"{self.kind}/{self.name}"


def key_of(obj: dict) -> Key:
    meta = obj.get("metadata") or {}
    return Key(obj.get("kind", ""), meta.get("namespace", "") or "", meta.get("name", ""))


def ref_of(obj: dict) -> dict:
    """An object reference (Event.involvedObject) for `obj`."""
    meta = obj.get("metadata") or {}
    ref = {"apiVersion": obj.get("apiVersion", ""), "kind": obj.get("kind", ""), "name": meta.get("name", ""),
           "uid": meta.get("uid", ""), "resourceVersion": meta.get("resourceVersion", "")}
    if meta.get("namespace"):
        ref["namespace"] = meta["namespace"]
    return ref


# -- actions -------------------------------------------------------------------

@dataclass(frozen=True)
class Create:
    """Create `obj` (a full object dict; generateName allowed).

    `event`, when given, is recorded once the object exists, `{name}` in its
    message replaced by the name the API server gave it (upstream's
    controllers name the generated pod in their SuccessfulCreate events).
    """

    obj: dict
    event: RecordEvent | None = None


@dataclass(frozen=True)
class Update:
    """Replace `obj` (carrying the resourceVersion it was read at: a stale one is a Conflict).

    `subresource` "finalize" changes only a Namespace's spec.finalizers, as its API does.
    `record_as` "scale" records the write in managedFields as the scale subresource's (the
    HPA controller's scale client), though it replaces the object.
    """

    obj: dict
    subresource: str | None = None
    record_as: str | None = None


@dataclass(frozen=True)
class UpdateStatus:
    """Replace only `obj`'s status (the status subresource); same Conflict rule.

    `resolve_refs` names lists of object references in `obj` (dotted paths,
    e.g. `status.active`) whose entries may lack uid and resourceVersion:
    the runtime fills them from the objects as they are when the write is
    made, as a controller fills them from the answer to its create request.
    """

    obj: dict
    resolve_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Delete:
    """Delete as a client would (graceful; propagation Background/Foreground/Orphan).

    `uid` is a precondition: if the object's uid differs, nothing happens.
    """

    kind: str
    namespace: str
    name: str
    uid: str = ""
    propagation: str | None = None
    grace_period: int | None = None


@dataclass(frozen=True)
class Remove:
    """Remove the object now, with no grace (what a kubelet does after killing a pod)."""

    kind: str
    namespace: str
    name: str
    uid: str = ""


@dataclass(frozen=True)
class DeleteCollection:
    """Delete every object of a kind in a namespace (deletecollection), read from the store, not the
    view: for kinds the controllers' cache leaves out (Events), as the namespace deleter does."""

    kind: str
    namespace: str


@dataclass(frozen=True)
class Bind:
    """Bind a pod to a node (the pods/binding subresource): sets spec.nodeName."""

    namespace: str
    name: str
    uid: str
    node: str


@dataclass(frozen=True)
class RecordEvent:
    """Record a core/v1 Event about `involved` (an object reference, see `ref_of`).

    Events with the same involved object, type, reason, message and source
    are aggregated: count is bumped and lastTimestamp moved.
    """

    involved: dict
    type: str  # "Normal" or "Warning"
    reason: str
    message: str
    component: str
    host: str = ""


@dataclass(frozen=True)
class SaveState:
    """Keep `state` (JSON-able; None forgets it) for the next passes of `component` over `key`.

    What upstream controllers hold in memory between syncs (the HPA's
    recommendations and scale events) is kept beside the objects instead, so
    that a control plane that stops between commands resumes it. It is
    written in the pass's transaction and never appears in the changelog.
    """

    component: str
    key: Key
    state: dict | None


Action = Create | Update | UpdateStatus | Delete | Remove | Bind | RecordEvent | SaveState | DeleteCollection


@dataclass(frozen=True)
class Result:
    """What a reconcile pass asks for; `requeue_after` seconds means "look again then"."""

    actions: list = field(default_factory=list)
    requeue_after: float | None = None
    # Whether the requeue is routine (a heartbeat, a health check, a crash
    # loop's next restart) rather than work in progress; settling the
    # cluster does not wait for routine requeues. None: the component's default.
    routine: bool | None = None
    # Park the key, as kube-scheduler parks a pod in its unschedulable pool:
    # it is not looked at again until a change raises one of these wake
    # events (see `Component.wakes`), its own object changes outside its
    # status, or `requeue_after` passes (the flush). None: not parked.
    park: frozenset[str] | None = None


# -- the view --------------------------------------------------------------------

class View(Protocol):
    """A read-only snapshot of the cluster, indexed for the lookups reconcilers need.

    Every method costs time proportional to what it returns, never to the
    size of the cluster. Returned objects must not be mutated.
    """

    def get(self, kind: str, namespace: str, name: str) -> dict | None: ...

    def list(self, kind: str, namespace: str | None = None) -> builtins.list[dict]:
        """Every object of a kind (in a namespace), sorted by namespace and name."""
        ...

    def by_uid(self, uid: str) -> dict | None: ...

    def owned_by(self, uid: str, kind: str | None = None) -> builtins.list[dict]:
        """Objects with an ownerReference to `uid` (optionally of one kind)."""
        ...

    def pods_on_node(self, node: str) -> builtins.list[dict]:
        """Pods whose spec.nodeName is `node`."""
        ...

    def namespaces_objects(self, namespace: str) -> builtins.list[dict]:
        """Every object in a namespace, any kind."""
        ...

    def orphans(self, kind: str, namespace: str) -> builtins.list[dict]:
        """Objects of a kind in a namespace with no controller ownerReference (adoption candidates)."""
        ...

    def unscheduled_pods(self) -> builtins.list[dict]:
        """Pods with no node yet that are not being deleted."""
        ...

    def unschedulable_pods(self) -> builtins.list[dict]:
        """Unscheduled pods the scheduler already failed to place (PodScheduled False)."""
        ...

    def pods_with_affinity(self) -> builtins.list[dict]:
        """Bound pods with podAffinity or podAntiAffinity terms."""
        ...

    def pods_referencing(self, kind: str, namespace: str, name: str) -> builtins.list[dict]:
        """Pods that mount or read the ConfigMap or Secret `namespace/name` (kind is ConfigMap or Secret)."""
        ...

    def node_usage(self, node: str) -> tuple:
        """(requested, non-zero requested) `resources.Requests` of the live pods on `node`."""
        ...

    def state(self, component: str, key: Key) -> dict | None:
        """What `component` kept for `key` with SaveState, or None."""
    # Added for issue 8 (see reconcile/views.py for what each costs); views without them are
    # still accepted by the reconcilers that can do without.
    def select(self, kind: str, namespace: str, selector) -> builtins.list[dict]:
        """Objects of a kind in a namespace that a label selector matches (an index of labels)."""
        ...

    def min_priority(self, node: str) -> int | None:
        """The lowest spec.priority of the live pods bound to `node`."""
        ...

    def nominated_pods(self, node: str) -> builtins.list[dict]:
        """Unbound pods whose status.nominatedNodeName is `node`."""
        ...

    def pod_cidrs(self, cluster_cidr: str, mask: int):
        """The node IPAM's bitmap of the node subnets Nodes hold (node_ipam.cidrset.CidrSet)."""
        ...


# -- components ------------------------------------------------------------------

Mapper = Callable[[dict, View], Iterable[Key]]
# A change (old, new; None for an add or a delete) to the wake events it raises
# (strings) and the parked keys it wakes directly (Keys).
WakeMapper = Callable[["dict | None", "dict | None", View], Iterable["str | Key"]]


class ReconcileFn(Protocol):
    def __call__(self, key: Key, view: View, now: float) -> Result: ...


@dataclass(frozen=True)
class Component:
    """A reconciler and the changes it watches.

    `watches` maps a kind to a function that turns a changed object of that
    kind into the keys to reconcile (its own key, its owner's, ...).
    `primary` names the kind of the keys it reconciles (documentation and
    tests); `periodic` makes its requeues routine unless a Result says otherwise.
    `delays` holds, per watched kind, how long after a change its keys are
    due (client-go's AddAfter, e.g. the Job controller's 1 s batching of pod
    events); changes within that time share one reconcile.
    `wakes` maps a kind to the WakeMapper of keys parked with `Result.park`;
    `backoff` (initial, max seconds) delays a woken key after its n-th
    consecutive park by initial x 2^(n-1), at most max, counted from the park.
    `quiet` names watched kinds whose writes by this component, where they map
    back to the very key that wrote them, do not wake that key again (the
    kubelet renews its node's Lease on a timer; seeing its own renewal is no
    news to it). A status write of the key itself never wakes it (the runtime).
    """

    name: str
    reconcile: ReconcileFn
    watches: dict[str, Mapper]
    primary: str = ""
    periodic: bool = False
    delays: dict[str, float] = field(default_factory=dict)
    wakes: dict[str, WakeMapper] = field(default_factory=dict)
    backoff: tuple[float, float] | None = None
    quiet: frozenset[str] = frozenset()


def self_key(obj: dict, view: View) -> Iterable[Key]:
    """The mapper for a component's own kind: the changed object itself."""
    return (key_of(obj),)


def controller_key(owner_kind: str) -> Mapper:
    """A mapper to the controlling owner of kind `owner_kind`, if any."""
    def mapper(obj: dict, view: View) -> Iterable[Key]:
        for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
            if ref.get("controller") and ref.get("kind") == owner_kind:
                return (Key(owner_kind, (obj.get("metadata") or {}).get("namespace", ""), ref.get("name", "")),)
        return ()
    return mapper
