"""An in-memory, indexed View of the cluster: the informer cache and the test fixture.

No I/O happens here. The runtime feeds it from the changelog (`put`,
`discard`); tests build one from a list of objects. Indexes: by kind and
namespace, by uid, by owner uid, by node (pods), by namespace, and (each in
its own block below, for any controller to use):

- `select(kind, namespace, selector)`: the objects of a kind in a namespace
  that a label selector matches, through an index of (kind, namespace,
  label key, value); it costs the smallest posting list of the selector's
  equality (or `in`) requirements, or the namespace's objects of that kind
  when the selector has none.
- `nominated_pods(node)`: unbound pods whose status.nominatedNodeName is the
  node (preemption's reservations); `min_priority(node)`: the lowest
  spec.priority among the live pods bound to a node (None for none).
- `pod_cidrs(cidr, mask)`: the node IPAM's bitmap of the node subnets of a
  cluster CIDR that Nodes hold, kept up to date as Nodes change.
- `pod_addresses(node)`: the kubelet's host-local IPAM state of a node (the
  pod IPs its pods hold, the pods still waiting for one), built from the
  node's pods when first asked and kept up to date as they change.
- `subscribe_nodes()`: a set the view adds a node's name to whenever the
  node or the usage of its pods changes (the scheduler's incremental node
  structures drain it).
- `subscribe(kind)`: a set the view adds the key of every object of `kind`
  put or discarded to (the DaemonSet controller's per-node memo drains it).
- `services_selecting(namespace, labels)`: the Services of a namespace whose
  spec.selector matches a pod's labels, through an index of each selector's
  first (key, value) pair: it costs the Services sharing one of the pod's
  labels with that pair, never every Service; `slices_of_pod(uid)`: the
  EndpointSlices whose endpoints name the pod (targetRef uid), so that a pod
  that leaves a Service (labels changed, deleted) reaches it too.
- `skip`: kinds the view does not hold at all (the runtime's cache leaves
  out Events: no reconciler reads them).
- `observer(old, new)`: called on every change after the indexes are
  updated (the runtime computes wake events from it).
- `pod_groups(uid)`: the pods whose controller ownerReference is `uid`,
  grouped by what a ReplicaSet sync reads of each (`pod_facts`: the
  controller uids, active, Ready, the labels): a few groups for thousands
  of pods, so that the sync counts them without reading each pod.
- `memo(compute)`: `compute` of one object, remembered per object held
  (objects are never mutated: a changed object is a new one, and its
  predecessor's memos go with it).
- `pieces(encode)` / `MemoryView.restore(chunks, decode)`: the view as
  chunks of plain values, made one at a time (each object encoded on its
  own, a bounded number a chunk, the indexes as positions in the order of
  the objects), and back from them, without looking into any object: an
  object is decoded when it is first read (the runtime's snapshot). Every
  index holds keys; what it maps them to is not read, the object is looked
  up by key.
"""
from __future__ import annotations

import bisect
import builtins
import marshal
from collections import Counter, defaultdict
from typing import Callable, Collection, Iterable, Iterator

from litekube.model import resources, selectors
from litekube.reconcile import sharing
from litekube.reconcile.base import Key, key_of
from litekube.reconcile.common import pod_ranking
from litekube.reconcile.kubelet import references
from litekube.reconcile.kubelet.status import NodeAddresses
from litekube.reconcile.node_ipam.cidrset import CidrSet

__all__ = ["MemoryView", "pod_facts"]


_NO_USAGE = (resources.Requests(), resources.Requests())
# The chunks of `MemoryView.pieces`: their layout's version (restore refuses another), and how many
# objects (or index positions) one holds, so that saving or loading never holds the whole encoded view.
SNAPSHOT_VERSION = 3  # 3: chunked (2: one value, with pod_groups)
SNAPSHOT_CHUNK = 1000


def pod_facts(pod: dict) -> tuple[tuple, bool, bool, tuple]:
    """What a ReplicaSet sync reads of a pod: (the uids its controller ownerReferences name,
    IsPodActive, IsPodReady, its labels as (key, value) pairs in the labels' own order: pods
    of one template share it, and a pod's facts are computed from the same object when it
    leaves its group as when it joined)."""
    meta = pod.get("metadata") or {}
    refs = meta.get("ownerReferences")
    labels = meta.get("labels")
    return (tuple([r.get("uid") for r in refs if r.get("controller")]) if refs else (),
            pod_ranking.is_active(pod), pod_ranking.is_ready(pod), tuple(labels.items()) if labels else ())


def _same_pod_indexes(old: dict, new: dict) -> bool:
    """Whether a pod replacing `old` keeps every index but those its status decides: the same
    uid, ownerReferences, labels, deletionTimestamp and spec (a status write, most often)."""
    old_meta, new_meta = old.get("metadata") or {}, new.get("metadata") or {}
    old_spec, new_spec = old.get("spec"), new.get("spec")
    return (old_meta.get("uid") == new_meta.get("uid")
            and old_meta.get("deletionTimestamp") == new_meta.get("deletionTimestamp")
            and old_meta.get("ownerReferences") == new_meta.get("ownerReferences")
            and old_meta.get("labels") == new_meta.get("labels")
            and (old_spec is new_spec or old_spec == new_spec))


# What put does to the object it holds: its subtrees the table's shared copies, its strings interned
# (sharing.py; tests/perf/mem_view replaces it to measure without).
_interned = sharing.held


def _controlled(obj: dict) -> bool:
    return any(r.get("controller") for r in (obj.get("metadata") or {}).get("ownerReferences") or [])


class MemoryView:
    """A View over objects held in memory, kept indexed as objects change."""

    def __init__(self, objects: Iterable[dict] = (), skip: Iterable[str] = ()) -> None:
        self.skip = frozenset(skip)
        self.observer: Callable[[dict | None, dict | None], None] | None = None
        # An object not yet read since `restore` is still its encoded bytes (`_resolve` decodes it).
        self._objects: dict[Key, dict | bytes] = {}
        self._decode: Callable[[bytes], dict] | None = None
        # compute -> id(object) -> (object, compute(object)); see `memo`.
        self._memos: dict[Callable, dict[int, tuple[dict, object]]] = {}
        # The keys of a kind in (namespace, name) order, kept until a key of that kind comes or goes.
        self._sorted: dict[str, list[Key]] = {}
        # A counter per kind that moves whenever an object of that kind changes (for memoizing).
        self._generations: dict[str, int] = {}
        self._by_kind: dict[str, dict[str, dict[str, dict]]] = defaultdict(lambda: defaultdict(dict))
        self._by_uid: dict[str, Key] = {}
        self._by_owner: dict[str, dict[Key, None]] = defaultdict(dict)
        # The keys of _by_owner[uid] in order, once owned_by(uid) has been asked (kept up to date after).
        self._owned_sorted: dict[str, list[Key]] = {}
        self._by_node: dict[str, dict[Key, None]] = defaultdict(dict)
        self._by_namespace: dict[str, dict[Key, None]] = defaultdict(dict)
        # Objects without a controller ownerReference, by (kind, namespace): adoption candidates.
        self._orphans: dict[tuple[str, str], dict[Key, None]] = defaultdict(dict)
        # Pods waiting for a node, and bound pods with pod (anti-)affinity: what the scheduler asks for.
        self._unscheduled: dict[Key, None] = {}
        self._unschedulable: dict[Key, None] = {}  # unscheduled, and the scheduler said PodScheduled=False
        self._with_affinity: dict[Key, None] = {}
        # Per node: what its non-terminal pods request (filters) and the
        # non-zero variant (scores), kept up to date as pods change.
        self._usage: dict[str, tuple[resources.Requests, resources.Requests]] = {}
        # -- pods by the ConfigMaps and Secrets they mount or read (the kubelet waits for them) --
        self._by_reference: dict[tuple[str, str, str], dict[Key, None]] = defaultdict(dict)
        # Controllers' kept state by (component, key): see base.SaveState.
        self._states: dict[tuple[str, Key], dict] = {}
        self._init_labels()
        self._init_services()
        self._init_priorities()
        self._init_cidrs()
        self._addresses: dict[str, NodeAddresses] = {}  # see pod_addresses
        # controller uid -> pod_facts -> the keys of its pods with those facts (see pod_groups).
        self._pod_groups: dict[str, dict[tuple, dict[Key, None]]] = {}
        self._node_subscribers: list[set[str]] = []
        self._subscribers: dict[str, list[set[Key]]] = {}
        for obj in objects:
            self.put(obj)

    # -- updates (the runtime's side) ------------------------------------------
    def put(self, obj: dict) -> None:
        """Insert or replace an object (by kind, namespace, name)."""
        key = key_of(obj)
        if key.kind in self.skip:
            return
        old = self._objects.get(key)
        short = False  # a pod's status write: only what its status decides moves (_reput_pod)
        if old is not None:
            old = self._resolve(key)
            short = key.kind == "Pod" and _same_pod_indexes(old, obj)
            if not short:
                self._unindex(key, old)
            self._forget(old)
        _interned(obj, old)
        self._objects[key] = obj
        self._generations[key.kind] = self._generations.get(key.kind, 0) + 1
        for subscriber in self._subscribers.get(key.kind, ()):
            subscriber.add(key)
        if old is None:
            self._sorted.pop(key.kind, None)
        self._by_kind[key.kind][key.namespace][key.name] = obj
        if short:
            self._reput_pod(key, old, obj)
            if self.observer is not None:
                self.observer(old, obj)
            return
        meta = obj.get("metadata") or {}
        if meta.get("uid"):
            self._by_uid[meta["uid"]] = key
        for ref in meta.get("ownerReferences") or []:
            owner = ref.get("uid", "")
            owned = self._by_owner[owner]
            if key not in owned and owner in self._owned_sorted:
                bisect.insort(self._owned_sorted[owner], key)
            owned[key] = None
        if key.kind == "Pod":
            spec = obj.get("spec") or {}
            if spec.get("nodeName"):
                self._by_node[spec["nodeName"]][key] = None
                self._count(obj, +1)
                if spec["nodeName"] in self._addresses:
                    self._addresses[spec["nodeName"]].account(key, obj, +1)
                self._priority(obj, +1)
                affinity = spec.get("affinity") or {}
                if affinity.get("podAffinity") or affinity.get("podAntiAffinity"):
                    self._with_affinity[key] = None
            elif not meta.get("deletionTimestamp"):
                self._unscheduled[key] = None
                if any(c.get("type") == "PodScheduled" and c.get("status") == "False"
                       for c in (obj.get("status") or {}).get("conditions") or []):
                    self._unschedulable[key] = None
                nominated = (obj.get("status") or {}).get("nominatedNodeName")
                if nominated:
                    self._nominated[nominated][key] = None
        elif key.kind == "Node":
            self._index_cidrs(key.name, obj, +1)
            self._touch(key.name)
        if key.namespace:
            self._by_namespace[key.namespace][key] = None
        if key.kind == "Pod":
            for kind, name in references.references(obj):
                self._by_reference[(kind, key.namespace, name)][key] = None
            self._group_pod(key, obj, +1)
        if not _controlled(obj):
            self._orphans[(key.kind, key.namespace)][key] = None
        self._index_labels(key, meta, +1)
        if key.kind in ("Service", "EndpointSlice"):
            self._index_services(key, obj, +1)
        if self.observer is not None:
            self.observer(old, obj)

    def discard(self, key: Key) -> None:
        old = self._objects.get(key)
        if old is not None:
            old = self._resolve(key)
            del self._objects[key]
            self._forget(old)
            self._unindex(key, old)
            self._sorted.pop(key.kind, None)
            self._generations[key.kind] = self._generations.get(key.kind, 0) + 1
            for subscriber in self._subscribers.get(key.kind, ()):
                subscriber.add(key)
            if self.observer is not None:
                self.observer(old, None)

    def _unindex(self, key: Key, old: dict) -> None:
        namespaces = self._by_kind[key.kind]
        namespaces[key.namespace].pop(key.name, None)
        if not namespaces[key.namespace]:
            del namespaces[key.namespace]
        meta = old.get("metadata") or {}
        if self._by_uid.get(meta.get("uid", "")) == key:
            del self._by_uid[meta["uid"]]
        for ref in meta.get("ownerReferences") or []:
            owner = ref.get("uid", "")
            owned = self._by_owner.get(owner)
            if owned is not None and key in owned:
                del owned[key]
                in_order = self._owned_sorted.get(owner)
                if in_order is not None:
                    del in_order[bisect.bisect_left(in_order, key)]
                if not owned:
                    del self._by_owner[owner]
                    self._owned_sorted.pop(owner, None)
        node = (old.get("spec") or {}).get("nodeName") if key.kind == "Pod" else None
        if node and node in self._by_node:
            bound = self._by_node[node]
            if key in bound:  # (a restored index maps its keys to None)
                del bound[key]
                self._count(old, -1)
                if node in self._addresses:
                    self._addresses[node].account(key, old, -1)
                self._priority(old, -1)
            if not self._by_node[node]:
                del self._by_node[node]
        if key.kind == "Pod":
            nominated = (old.get("status") or {}).get("nominatedNodeName")
            if nominated and nominated in self._nominated:
                self._nominated[nominated].pop(key, None)
                if not self._nominated[nominated]:
                    del self._nominated[nominated]
        elif key.kind == "Node":
            self._index_cidrs(key.name, old, -1)
            self._touch(key.name)
        self._index_labels(key, meta, -1)
        if key.kind in ("Service", "EndpointSlice"):
            self._index_services(key, old, -1)
        if key.namespace and key.namespace in self._by_namespace:
            self._by_namespace[key.namespace].pop(key, None)
        self._unscheduled.pop(key, None)
        self._unschedulable.pop(key, None)
        self._with_affinity.pop(key, None)
        orphans = self._orphans.get((key.kind, key.namespace))
        if orphans is not None:
            orphans.pop(key, None)
        if key.kind == "Pod":
            self._group_pod(key, old, -1)
            for kind, name in references.references(old):
                referencing = self._by_reference.get((kind, key.namespace, name))
                if referencing is not None:
                    referencing.pop(key, None)
                    if not referencing:
                        del self._by_reference[(kind, key.namespace, name)]

    def _reput_pod(self, key: Key, old: dict, new: dict) -> None:
        """`put` of a pod whose replacement `_same_pod_indexes` allows: only what its status
        decides moves (usage and priorities when it turns terminal, PodScheduled=False,
        the nomination, its ReplicaSet group); the indexes end as `_unindex` then a full
        `put` would leave them, and the same nodes are touched."""
        spec = new.get("spec") or {}
        node = spec.get("nodeName")
        if node:
            if node in self._addresses:  # its address or phase may have changed
                self._addresses[node].account(key, old, -1)
                self._addresses[node].account(key, new, +1)
            if key in self._by_node.get(node, ()):
                if resources.is_terminal(old) != resources.is_terminal(new):
                    self._count(old, -1)
                    self._priority(old, -1)
                    self._count(new, +1)
                    self._priority(new, +1)
                elif not resources.is_terminal(new):
                    self._touch(node)  # as the -1 and +1 of its unchanged usage would
        elif not (new.get("metadata") or {}).get("deletionTimestamp"):
            status = new.get("status") or {}
            if any(c.get("type") == "PodScheduled" and c.get("status") == "False"
                   for c in status.get("conditions") or []):
                self._unschedulable[key] = None
            else:
                self._unschedulable.pop(key, None)
            was, now = (old.get("status") or {}).get("nominatedNodeName"), status.get("nominatedNodeName")
            if was != now:
                if was and was in self._nominated:
                    self._nominated[was].pop(key, None)
                    if not self._nominated[was]:
                        del self._nominated[was]
                if now:
                    self._nominated[now][key] = None
        if (old.get("metadata") or {}).get("ownerReferences") and pod_facts(old) != pod_facts(new):
            self._group_pod(key, old, -1)
            self._group_pod(key, new, +1)

    def _count(self, pod: dict, sign: int) -> None:
        if resources.is_terminal(pod):
            return
        node = pod["spec"]["nodeName"]
        real, non_zero = self._usage.get(node, (resources.Requests(), resources.Requests()))
        r, nz = resources.pod_requests(pod), resources.pod_requests(pod, non_zero=True)
        if sign > 0:
            self._usage[node] = (real + r, non_zero + nz)
        else:
            self._usage[node] = (real - r, non_zero - nz)
        self._touch(node)

    # -- reads (the View protocol) ---------------------------------------------
    def node_usage(self, node: str) -> tuple[resources.Requests, resources.Requests]:
        """(requested, non-zero requested) by the non-terminal pods bound to `node`."""
        return self._usage.get(node, _NO_USAGE)

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        key = (kind, namespace, name)
        found = self._objects.get(key)  # type: ignore[call-overload]
        return self._resolve(key) if found.__class__ is bytes else found  # type: ignore[arg-type]

    def list(self, kind: str, namespace: str | None = None) -> builtins.list[dict]:
        namespaces = self._by_kind.get(kind)
        if not namespaces:
            return []
        if namespace is not None:
            return self._resolved([(kind, namespace, n) for n in sorted(namespaces.get(namespace, {}))])
        keys = self._sorted.get(kind)
        if keys is None:
            keys = self._sorted[kind] = [Key(kind, ns, n) for ns in sorted(namespaces) for n in sorted(namespaces[ns])]
        return self._resolved(keys)

    def generation(self, kind: str) -> int:
        """A number that changes whenever any object of `kind` is added, changed or removed."""
        return self._generations.get(kind, 0)

    def by_uid(self, uid: str) -> dict | None:
        key = self._by_uid.get(uid)
        return None if key is None else self._resolve(key)

    def owned_by(self, uid: str, kind: str | None = None) -> builtins.list[dict]:
        keys = self._owned_sorted.get(uid)
        if keys is None:
            owned = self._by_owner.get(uid)
            if not owned:
                return []
            keys = self._owned_sorted[uid] = sorted(owned)
        if kind is None:
            return self._resolved(keys)
        # The keys are in (kind, namespace, name) order: those of `kind` are one run, found by bisection.
        start = bisect.bisect_left(keys, (kind,))
        end = start
        while end < len(keys) and keys[end][0] == kind:
            end += 1
        return self._resolved(keys[start:end])

    def pods_on_node(self, node: str) -> builtins.list[dict]:
        return self._resolved(sorted(self._by_node.get(node, {})))

    def unscheduled_pods(self) -> builtins.list[dict]:
        """Pods with no node yet that are not being deleted."""
        return self._resolved(sorted(self._unscheduled))

    def unschedulable_pods(self) -> builtins.list[dict]:
        """Unscheduled pods the scheduler already failed to place (PodScheduled False)."""
        return self._resolved(sorted(self._unschedulable))

    def pods_with_affinity(self) -> builtins.list[dict]:
        """Bound pods with podAffinity or podAntiAffinity terms."""
        return self._resolved(sorted(self._with_affinity))

    def orphans(self, kind: str, namespace: str) -> builtins.list[dict]:
        """Objects of a kind in a namespace with no controller ownerReference (adoption candidates)."""
        return self._resolved(sorted(self._orphans.get((kind, namespace), {})))

    def pods_referencing(self, kind: str, namespace: str, name: str) -> builtins.list[dict]:
        """Pods that mount or read the ConfigMap or Secret `namespace/name`."""
        return self._resolved(sorted(self._by_reference.get((kind, namespace, name), {})))

    def namespaces_objects(self, namespace: str) -> builtins.list[dict]:
        return self._resolved(sorted(self._by_namespace.get(namespace, {})))

    def __len__(self) -> int:
        return len(self._objects)

    # -- controllers' kept state (base.SaveState) -------------------------------
    def state(self, component: str, key: Key) -> dict | None:
        return self._states.get((component, key))

    def put_state(self, component: str, key: Key, state: dict | None) -> None:
        if state is None:
            self._states.pop((component, key), None)
        else:
            self._states[(component, key)] = state

    def all_objects(self) -> builtins.list[dict]:
        """Every object held, in no particular order (the runtime snapshots them)."""
        return self._resolved(list(self._objects))

    # -- pods by controller, grouped by what a ReplicaSet sync reads of them -----------------
    def pod_groups(self, uid: str) -> builtins.list[tuple[tuple, Collection[Key]]]:
        """The pods whose controller ownerReference names `uid`, as (pod_facts, their keys) per
        distinct facts, groups and keys in no particular order (read-only). Reads no pod."""
        return [(facts, keys.keys()) for facts, keys in self._pod_groups.get(uid, {}).items()]

    def _group_pod(self, key: Key, pod: dict, sign: int) -> None:
        if not (pod.get("metadata") or {}).get("ownerReferences"):
            return
        facts = pod_facts(pod)
        for uid in dict.fromkeys(facts[0]):
            if sign > 0:
                self._pod_groups.setdefault(uid, {}).setdefault(facts, {})[key] = None
                continue
            groups = self._pod_groups.get(uid)
            keys = None if groups is None else groups.get(facts)
            if keys is not None and key in keys:
                del keys[key]
                if not keys:
                    del groups[facts]  # type: ignore[union-attr]
                    if not groups:
                        del self._pod_groups[uid]

    # -- memos: what a reconciler derives from one object -----------------------------------
    def memo(self, compute: Callable[[dict], object]) -> Callable[[dict], object]:
        """A function equal to `compute` (of one object the view holds) that computes once per object."""
        table = self._memos.setdefault(compute, {})

        def remembered(obj: dict) -> object:
            found = table.get(id(obj))
            if found is not None and found[0] is obj:
                return found[1]
            value = compute(obj)
            table[id(obj)] = (obj, value)
            return value
        return remembered

    def _forget(self, old: dict) -> None:
        for table in self._memos.values():
            found = table.get(id(old))
            if found is not None and found[0] is old:
                del table[id(old)]

    # -- resolving keys to objects (decoding what `restore` left encoded) ------------------
    def _resolve(self, key: Key) -> dict:
        obj = self._objects[key]
        if obj.__class__ is bytes:
            assert self._decode is not None
            obj = self._decode(obj)  # type: ignore[arg-type]
            _interned(obj, None)  # shared as a put object is (sharing.py)
            self._objects[key] = obj
        return obj  # type: ignore[return-value]

    def _resolved(self, keys: Iterable) -> builtins.list[dict]:
        objects, out = self._objects, []
        for key in keys:
            obj = objects[key]
            if obj.__class__ is bytes:
                obj = self._resolve(key)
            out.append(obj)
        return out

    # -- snapshots: the view as chunks of plain values, and back ------------------------------
    _KEYED = ("_by_owner", "_by_node", "_by_namespace", "_orphans", "_by_reference", "_nominated")  # at -> keys
    _SETS = ("_by_label", "_by_label_key", "_svc_by_pair", "_slices_by_pod")  # at -> set of keys
    _FLAT = ("_unscheduled", "_unschedulable", "_with_affinity")  # keys

    def pieces(self, encode: Callable[[dict], bytes], size: int = 0) -> Iterator[bytes]:
        """The view as chunks (each marshal's bytes of plain values: tuples, lists, dicts, ints,
        strings, bytes), encoded one at a time as they are asked for: a head (the format, the kinds
        left out, the generations, the nodes' usage and priorities), the objects `size` a chunk (its
        key and the object `encode`d on its own; one not read since `restore` kept as it was), the
        indexes as positions in the order of the objects, `size` positions a chunk (a longer entry
        split over several), and an end that counts the objects and index records. `restore` takes
        them back without decoding any object. The view must not change until the last is taken.
        `size` 0 is SNAPSHOT_CHUNK."""
        dumps, size = marshal.dumps, size or SNAPSHOT_CHUNK
        yield dumps(("head", SNAPSHOT_VERSION, sorted(self.skip), dict(self._generations),
                     {node: ((r.cpu, r.memory, r.pods), (nz.cpu, nz.memory, nz.pods))
                      for node, (r, nz) in self._usage.items()},
                     {node: dict(counts) for node, counts in self._priorities.items()}))
        at: dict[Key, int] = {}
        keys: builtins.list[tuple] = []
        bodies: builtins.list[bytes] = []
        for key, obj in self._objects.items():
            at[key] = len(at)
            keys.append(tuple(key))
            bodies.append(obj if obj.__class__ is bytes else encode(obj))  # type: ignore[arg-type]
            if len(keys) >= size:
                yield dumps(("objects", keys, bodies))
                keys, bodies = [], []
        if keys:
            yield dumps(("objects", keys, bodies))
        del keys, bodies
        batch: builtins.list[tuple] = []
        weight = records = 0
        for name, where, found in self._index_records(at):
            for i in range(0, max(len(found), 1), size):  # an empty entry (kept as the view holds it) too
                part = found[i:i + size]
                batch.append((name, where[i:i + size] if name == "_by_uid" else where, part))
                records += 1
                weight += len(part) + 1
                if weight >= size:
                    yield dumps(("index", batch))
                    batch, weight = [], 0
        if batch:
            yield dumps(("index", batch))
        yield dumps(("end", len(at), records))

    def _index_records(self, at: dict[Key, int]) -> Iterator[tuple[str, object, builtins.list]]:
        """(index name, where, positions) of every index entry; for _by_uid, where is the uids."""
        uids = builtins.list(self._by_uid)
        yield "_by_uid", uids, [at[self._by_uid[uid]] for uid in uids]
        for name in self._KEYED + self._SETS:
            for where, found in getattr(self, name).items():
                yield name, where, [at[k] for k in found]
        for name in self._FLAT:
            yield name, None, [at[k] for k in getattr(self, name)]
        for uid, groups in self._pod_groups.items():
            for facts, found in groups.items():
                yield "_pod_groups", (uid, facts), [at[k] for k in found]

    @classmethod
    def restore(cls, chunks: Iterable[bytes], decode: Callable[[bytes], dict]) -> "MemoryView":
        """The view `pieces` saved, from its chunks in order; each object is decoded by `decode`
        when first read. Raises ValueError unless the chunks are a whole snapshot of this version
        (a head, every chunk, an end whose counts match)."""
        try:
            return cls._restore(iter(chunks), decode)
        except (ValueError, EOFError, TypeError, KeyError, IndexError, AttributeError, StopIteration) as exc:
            raise ValueError(f"not a whole snapshot: {exc!r}") from None

    @classmethod
    def _restore(cls, chunks: Iterator[bytes], decode: Callable[[bytes], dict]) -> "MemoryView":
        loads = marshal.loads
        tag, version, skip, generations, usage, priorities = loads(next(chunks))
        if tag != "head" or version != SNAPSHOT_VERSION:
            raise ValueError(f"snapshot version {version!r}")
        view = cls(skip=skip)
        view._decode = decode
        view._generations = dict(generations)
        requests = resources.Requests
        view._usage = {node: (requests(*r), requests(*nz)) for node, (r, nz) in usage.items()}
        view._priorities = {node: Counter(counts) for node, counts in priorities.items()}
        total: Counter = Counter()
        for counts in view._priorities.values():
            total.update(counts)
        view._all_priorities = total
        keys: builtins.list[Key] = []
        objects, by_kind, make = view._objects, view._by_kind, Key._make
        keyed, sets = frozenset(cls._KEYED), frozenset(cls._SETS)
        records = 0
        for chunk in chunks:
            piece = loads(chunk)
            tag = piece[0]
            if tag == "objects":
                for k, body in zip(piece[1], piece[2], strict=True):
                    key = make(k)
                    keys.append(key)
                    objects[key] = body
                    by_kind[key.kind][key.namespace][key.name] = None
                continue
            if tag == "end":
                if piece[1:] != (len(keys), records) or len(objects) != len(keys) or next(chunks, None) is not None:
                    raise ValueError(f"snapshot counts {piece[1:]!r}, read {(len(keys), records)!r}")
                return view
            if tag != "index":
                raise ValueError(f"snapshot chunk {tag!r}")
            for name, where, found in piece[1]:
                records += 1
                found = map(keys.__getitem__, found)
                if name in keyed:
                    getattr(view, name)[where].update(dict.fromkeys(found))
                elif name in sets:
                    getattr(view, name)[where].update(found)
                elif name == "_by_uid":
                    view._by_uid.update(zip(where, found, strict=True))
                elif name == "_pod_groups":
                    uid, facts = where
                    view._pod_groups.setdefault(uid, {}).setdefault(facts, {}).update(dict.fromkeys(found))
                elif name in cls._FLAT:
                    getattr(view, name).update(dict.fromkeys(found))
                else:
                    raise ValueError(f"snapshot index {name!r}")
        raise ValueError("snapshot without its end")


    # -- labels: objects matching a selector in a namespace ----------------------------------
    def _init_labels(self) -> None:
        # (kind, namespace, label key, label value) -> keys; (kind, namespace, label key) -> keys.
        self._by_label: dict[tuple[str, str, str, str], set[Key]] = defaultdict(set)
        self._by_label_key: dict[tuple[str, str, str], set[Key]] = defaultdict(set)

    def _index_labels(self, key: Key, meta: dict, sign: int) -> None:
        labels = meta.get("labels")
        if not labels:
            return
        for k, v in labels.items():
            full, short = (key.kind, key.namespace, k, v), (key.kind, key.namespace, k)
            if sign > 0:
                self._by_label[full].add(key)
                self._by_label_key[short].add(key)
            else:
                for index, at in ((self._by_label, full), (self._by_label_key, short)):
                    keys = index.get(at)  # type: ignore[attr-defined]
                    if keys is not None:
                        keys.discard(key)
                        if not keys:
                            del index[at]  # type: ignore[attr-defined]

    def select(self, kind: str, namespace: str, selector: selectors.Selector) -> builtins.list[dict]:
        """Objects of `kind` in `namespace` whose labels `selector` matches, by namespace and name.

        Costs the smallest candidate set one requirement narrows to (`=`, `==`,
        `in`, `exists`), or every object of the kind in the namespace.
        """
        if selector.matches_nothing:
            return []
        best: Iterable[Key] | None = None
        size = -1
        for req in selector.requirements:
            if req.operator in (selectors.Operator.EQUALS, selectors.Operator.DOUBLE_EQUALS, selectors.Operator.IN):
                found: set[Key] = set()
                for value in req.values:
                    found |= self._by_label.get((kind, namespace, req.key, value), set())
            elif req.operator is selectors.Operator.EXISTS:
                found = self._by_label_key.get((kind, namespace, req.key), set())
            else:
                continue
            if size < 0 or len(found) < size:
                best, size = found, len(found)
        if best is None:
            return [o for o in self.list(kind, namespace) if selector.matches((o.get("metadata") or {}).get("labels"))]
        return [o for o in self._resolved(sorted(best)) if selector.matches((o.get("metadata") or {}).get("labels"))]

    # -- services by selector, slices by pod: what the endpoint controllers ask ------------------
    def _init_services(self) -> None:
        self._svc_by_pair: dict[tuple[str, str, str], set[Key]] = defaultdict(set)
        self._slices_by_pod: dict[str, set[Key]] = defaultdict(set)

    def _index_services(self, key: Key, obj: dict, sign: int) -> None:
        if key.kind == "Service":
            selector = (obj.get("spec") or {}).get("selector") or {}
            if not selector:
                return
            at: tuple = (key.namespace, *min(selector.items()))
            index: dict = self._svc_by_pair
            keys = [at]
        else:
            keys = [ep["targetRef"]["uid"] for ep in obj.get("endpoints") or []
                    if (ep.get("targetRef") or {}).get("uid")]
            index = self._slices_by_pod
        for at in keys:
            if sign > 0:
                index[at].add(key)
            else:
                found = index.get(at)
                if found is not None:
                    found.discard(key)
                    if not found:
                        del index[at]

    def services_selecting(self, namespace: str, labels: dict | None) -> builtins.list[dict]:
        """The Services in `namespace` whose non-empty spec.selector matches `labels`, by name."""
        found: set[Key] = set()
        by_pair = self._svc_by_pair
        if by_pair:
            for k, v in (labels or {}).items():
                selecting = by_pair.get((namespace, k, v))
                if selecting:
                    found |= selecting
        if not found:
            return []
        out = []
        for k in sorted(found):
            svc = self._resolve(k)
            selector = svc["spec"]["selector"]
            if all((labels or {}).get(sk) == sv for sk, sv in selector.items()):
                out.append(svc)
        return out

    def slices_of_pod(self, uid: str) -> builtins.list[dict]:
        """The EndpointSlices with an endpoint whose targetRef is the pod `uid`."""
        return self._resolved(sorted(self._slices_by_pod.get(uid, ())))

    # -- priorities and nominations: what preemption asks -------------------------------------
    def _init_priorities(self) -> None:
        self._priorities: dict[str, Counter] = {}
        self._all_priorities: Counter = Counter()
        self._nominated: dict[str, dict[Key, None]] = defaultdict(dict)

    def _priority(self, pod: dict, sign: int) -> None:
        if resources.is_terminal(pod):
            return
        node = pod["spec"]["nodeName"]
        counts = self._priorities.setdefault(node, Counter())
        value = int(pod["spec"].get("priority") or 0)
        counts[value] += sign
        self._all_priorities[value] += sign
        if self._all_priorities[value] <= 0:
            del self._all_priorities[value]
        if counts[value] <= 0:
            del counts[value]
            if not counts:
                del self._priorities[node]

    def min_priority(self, node: str) -> int | None:
        """The lowest spec.priority of the live (non-terminal) pods bound to `node`; None if none."""
        counts = self._priorities.get(node)
        return min(counts) if counts else None

    def lowest_priority(self) -> int | None:
        """The lowest spec.priority of any live pod bound to a node; None if none."""
        return min(self._all_priorities) if self._all_priorities else None

    def nominated_pods(self, node: str) -> builtins.list[dict]:
        """Unbound pods whose status.nominatedNodeName is `node`, by namespace and name."""
        return self._resolved(sorted(self._nominated.get(node, {})))

    def has_nominations(self) -> bool:
        """Whether any unbound pod is nominated to a node."""
        return bool(self._nominated)

    # -- node subscriptions: incremental structures over nodes and their usage ----------------
    def subscribe_nodes(self) -> set[str]:
        """A set that collects the name of every node whose object or pod usage changes from now on."""
        changed: set[str] = set()
        self._node_subscribers.append(changed)
        return changed

    def subscribe(self, kind: str) -> set[Key]:
        """A set that collects the key of every object of `kind` put or discarded from now on."""
        changed: set[Key] = set()
        self._subscribers.setdefault(kind, []).append(changed)
        return changed

    def _touch(self, node: str) -> None:
        for subscriber in self._node_subscribers:
            subscriber.add(node)

    # -- pod CIDRs: the node IPAM's bitmaps ------------------------------------------------------
    def _init_cidrs(self) -> None:
        self._cidr_sets: dict[tuple[str, int], CidrSet] = {}

    def _index_cidrs(self, name: str, node: dict, sign: int) -> None:
        for cidrs in self._cidr_sets.values():
            cidrs.account(name, node, sign)

    def pod_cidrs(self, cluster_cidr: str, mask: int) -> CidrSet:
        """The subnets of `cluster_cidr` (node mask `mask`) that Nodes hold; built once, then kept up to date."""
        found = self._cidr_sets.get((cluster_cidr, mask))
        if found is None:
            found = self._cidr_sets[(cluster_cidr, mask)] = CidrSet(cluster_cidr, mask)
            for node in self.list("Node"):
                found.account(node["metadata"]["name"], node, +1)
        return found


    # -- pod IPs: the kubelet's host-local IPAM per node ------------------------------------
    def pod_addresses(self, node: str) -> NodeAddresses:
        """The pod IPs the pods bound to `node` hold and its pods waiting for one (kubelet
        status.NodeAddresses); built from the node's pods once, then kept up to date."""
        found = self._addresses.get(node)
        if found is None:
            found = self._addresses[node] = NodeAddresses()
            for key in sorted(self._by_node.get(node, {})):
                found.account(key, self._resolve(key), +1)
        return found
