"""The API server: create, get, list, update, patch and delete on the store.

This module does I/O through the store. Every request runs in a store
transaction; `Api.write()` opens one transaction for several requests so
that a batch (an `apply -f` of many documents, a reconciler's actions)
commits together or not at all.
"""
from __future__ import annotations

import builtins
import hashlib
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterator

from litekube import errors
from litekube.model import bootstrap, cluster_network, events, kinds, nodes, selectors, service_network
from litekube.model.network import system
from litekube.store import Store
from litekube.store.objects import Reader, Writer

__all__ = ["Api", "Transaction", "Listing", "SYSTEM_NAMESPACES", "DEFAULT_MANAGER", "timestamp"]

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
# The field manager of a request that names none (the apiserver takes the user agent's product: kubectl).
DEFAULT_MANAGER = "kubectl"


def timestamp(seconds: float) -> str:
    """RFC 3339 in UTC with whole seconds, as Kubernetes writes metav1.Time."""
    whole = int(seconds)
    if _LAST_TIMESTAMP[0] != whole:  # many writes share a second: format it once
        _LAST_TIMESTAMP[:] = [whole, datetime.fromtimestamp(whole, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")]
    return _LAST_TIMESTAMP[1]


_LAST_TIMESTAMP: list = [None, ""]


NAMES_COMPONENT = "kube-apiserver/generateName"  # controller_state's key of the generated-name counters
_UIDS = uuid.UUID("6c1e0c1b-6b0a-4d4e-9a55-6c6974656b75")


_UIDS_BYTES = _UIDS.bytes


def new_uid(revision: int) -> str:
    """The uid of the object created at `revision`: unique in its cluster, and the same
    for the same sequence of commands on a new cluster (deterministic CI output).

    `str(uuid.uuid5(_UIDS, str(revision)))`, computed without building UUID objects (every
    create pays it): SHA-1 of the namespace and the name, version 5, RFC 4122 variant.
    """
    digest = bytearray(hashlib.sha1(_UIDS_BYTES + str(revision).encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_PRIORITY_FIELDS = ("priority", "preemptionPolicy")  # set on create by the Priority admission plugin
_IDENTITY_FIELDS = ("name", "uid", "creationTimestamp")  # what tells a batch's creates apart (_created_fields)
# _created_fields' answers, kept across transactions (an apply creates each object in its own): a pure
# function of the key, so any transaction may reuse them. Emptied when full; only ever a cache.
_CREATED: dict[tuple, builtins.list[dict]] = {}
_CREATED_MAX = 256


@dataclass(frozen=True)
class Listing:
    """A list answer: the items and the revision the list is consistent at."""

    items: list[dict]
    resource_version: int
    remaining: int | None = None  # with a limit and no selectors: how many objects follow the page


class Transaction:
    """Requests inside one store transaction (read-your-writes)."""

    def __init__(self, api: "Api", reader: Reader, trusted: bool = False, manager: str | None = None) -> None:
        self.api = api
        self.reader = reader
        # The control plane's own writes skip strict decoding (see admission.prepare_create).
        self.strict = not trusted
        # The field manager creates and updates are recorded under in managedFields (None: not recorded);
        # the control plane sets it to each component's manager before running its actions.
        self.manager = manager
        self._live_namespaces: set[str] = set()  # seen existing and not terminating, in this transaction
        self._reads: dict[tuple, tuple[int, object]] = {}  # cached_read's answers, with the kind's write count
        self._name_counts: dict[tuple, int] = {}  # _name_seed's counters as this transaction saved them

    @property
    def writer(self) -> Writer:
        if not isinstance(self.reader, Writer):
            raise RuntimeError("a read transaction cannot write")
        return self.reader

    def _lock(self) -> None:
        """Before a write request's reads: serialise with the other writers from here (Writer.lock)."""
        if isinstance(self.reader, Writer):
            self.reader.lock()

    # -- reads -----------------------------------------------------------
    def cached_read(self, kind: str, key: tuple, read: Callable[[], object]) -> object:
        """`read()` (a read of objects of `kind`), answered once per transaction until the transaction
        writes an object of that kind: what admission reads for every create of a batch (the
        PriorityClasses, the ServiceAccount, the LimitRanges and ResourceQuotas of the namespace).
        The answer is shared: never change it in place."""
        written = getattr(self.reader, "written", None)
        stamp = 0 if written is None else written.get(kind, 0)
        found = self._reads.get(key)
        if found is not None and found[0] == stamp:
            return found[1]
        value = read()
        self._reads[key] = (stamp, value)
        return value

    def now(self) -> float:
        return self.reader.now()

    def get(self, kind: str, namespace: str, name: str) -> dict:
        """The object, or NotFound in kubectl's wording."""
        k = kinds.lookup(kind)
        stored = self.reader.get(k.kind, namespace if k.namespaced else "", name)
        if stored is None:
            raise errors.NotFound.of(k.resource, name)
        return stored.body

    def find(self, kind: str, namespace: str, name: str) -> dict | None:
        k = kinds.lookup(kind)
        stored = self.reader.get(k.kind, namespace if k.namespaced else "", name)
        return None if stored is None else stored.body

    def list(self, kind: str, namespace: str | None = None, label_selector: str | None = None,
             field_selector: str | None = None, paths: tuple[tuple[str, ...], ...] | None = None,
             revision: int | None = None, start: tuple[str, str] | None = None,
             limit: int | None = None) -> Listing:
        """Objects of a kind (in a namespace, or all when None), filtered by selectors.

        With `paths`, each object holds only those fields (a projection: see Reader.list), and
        the labels and the fields the selectors read. With `revision`, the objects as they were
        at that revision (store.revisions.list_at: Expired when it is compacted).

        `start` (namespace, name) and `limit` ask for one page: the first `limit` matching objects
        at or after that key, read page by page from the store (never the whole kind), with
        `remaining` (the objects after the page) counted when there are no selectors.
        """
        k = kinds.lookup(kind)
        labels = selectors.parse(label_selector) if label_selector else None
        fields = selectors.parse_fields(field_selector) if field_selector else None
        if fields:
            fields = selectors.check_supported(k.kind, fields)
        if limit is not None or start is not None:
            return self._page(k, namespace if k.namespaced else None, labels, fields, revision, start, limit)
        if revision is not None:
            from litekube.store import revisions
            past = [s.body for s in revisions.list_at(self.reader, k.kind, namespace if k.namespaced else None,
                                                     revision)]
            return Listing([body for body in past
                            if (labels is None or labels.matches(body["metadata"].get("labels") or {}))
                            and (fields is None or selectors.match_fields(body, fields))], revision)
        if paths is not None:
            extra = [("metadata", "labels")] if labels is not None else []
            extra += [selectors.source_path(k.kind, f) for f, _, _ in fields or ()]
            paths = tuple(dict.fromkeys((*paths, *extra)))
        items = list(_selected(self.reader.list(k.kind, namespace if k.namespaced else None,
                                                _sql_labels(labels), _sql_fields(fields), paths), labels, fields))
        return Listing(items, self.reader.revision())

    def _page(self, k, namespace: str | None, labels, fields, revision: int | None,
              start: tuple[str, str] | None, limit: int | None) -> Listing:
        """`list` of one page: store reads of `limit` rows (more only while selectors drop rows);
        without a limit, every object from `start` on."""
        from litekube.store import revisions
        at = self.reader.revision() if revision is None else revision
        items: builtins.list[dict] = []
        chunk = None if limit is None else max(limit, 1)
        while limit is None or len(items) < limit:
            if revision is None:
                rows = self.reader.list(k.kind, namespace, _sql_labels(labels), _sql_fields(fields),
                                        start=start, limit=chunk)
            else:
                rows = revisions.list_at(self.reader, k.kind, namespace, revision, start=start, limit=chunk)
            items.extend(_selected(rows, labels, fields))
            if chunk is None or len(rows) < chunk:
                break
            start = (rows[-1].namespace, rows[-1].name + "\x00")  # the next key after the last row
        items, remaining = items[:limit], None
        if limit is not None and labels is None and fields is None and len(items) == limit:
            after = (items[-1]["metadata"].get("namespace", ""), items[-1]["metadata"]["name"] + "\x00")
            remaining = (self.reader.count(k.kind, namespace, after) if revision is None
                         else revisions.count_at(self.reader, k.kind, namespace, revision, after))
        return Listing(items, at, remaining)

    # -- writes ----------------------------------------------------------
    def create(self, obj: dict, *, namespace: str = "default", managed: builtins.list[dict] | None = None) -> dict:
        """Create an object; the stored object. Raises AlreadyExists, Invalid, BadRequest, NotFound.

        `managed` is the managedFields to store (server-side apply computed them); else
        the transaction's manager, if any, owns what the object holds (an Update).
        """
        from litekube.api import admission, admitting  # on first write: a read-only command skips validation
        self._lock()  # the uid, a generated name, quotas and allocations come from what it reads next
        now = timestamp(self.now())
        recorded: builtins.list = []

        def record(decoded: dict) -> None:  # the manager owns the object as decoded, before admission
            if managed is None and self.manager:
                from litekube.api import ssa
                kind = kinds.lookup(decoded["kind"])
                raw_spec = obj.get("spec") or {}
                if kind.kind == "Pod" and any(f not in raw_spec for f in _PRIORITY_FIELDS):
                    # priority and preemptionPolicy are the Priority admission plugin's, not defaults
                    decoded = {**decoded, "spec": {k: v for k, v in decoded["spec"].items()
                                                   if k in raw_spec or k not in _PRIORITY_FIELDS}}
                recorded.append(self._created_fields(decoded, kind, now))

        new = admission.prepare_create(obj, default_namespace=namespace,
                                       now=now, uid=new_uid(self.reader.revision() + 1),
                                       seed=self._name_seed(obj, namespace), strict=self.strict,
                                       plugins=admitting.Admission(self), decoded=record)
        kind = kinds.lookup(new["kind"])
        meta = new["metadata"]
        if managed is not None:
            meta["managedFields"] = managed
        elif recorded:
            meta["managedFields"] = recorded[0]
        ns = meta.get("namespace", "")
        if kind.namespaced:
            self._check_namespace(ns)
        rv = self.writer.create(kind.kind, ns, meta["name"], meta["uid"], new)
        meta["resourceVersion"] = str(rv)
        return new

    def _created_fields(self, decoded: dict, kind: kinds.Kind, now: str) -> builtins.list[dict]:
        """`ssa.update(None, decoded, ...)`: the managedFields of a create by the transaction's manager.

        A fieldset holds paths, never a scalar's value (a string is a leaf whatever it says), so
        the creates that differ only in their name, uid, creationTimestamp and the string values of
        their labels and annotations (a ReplicaSet's pods from one template, an apply's objects of one
        shape) have the same managedFields: computed once per
        process for each distinct rest of the object; each create gets its own list and entries.
        """
        from litekube.api import ssa
        meta = decoded.get("metadata") or {}
        if not all(isinstance(meta.get(f), str) and meta.get(f) for f in _IDENTITY_FIELDS):
            return ssa.update(None, decoded, self.manager, kind=kind.kind, api_version=kind.api_version, now=now)
        # repr: equal text, equal values and types (dict order only makes a miss). The string values of
        # the labels and annotations are leaves too (an apply's last-applied annotation names the object).
        blanked = {**meta, **dict.fromkeys(_IDENTITY_FIELDS, "")}
        for field_ in ("labels", "annotations"):
            strings = meta.get(field_)
            if isinstance(strings, dict) and strings and all(type(v) is str for v in strings.values()):
                blanked[field_] = dict.fromkeys(strings, "")
        key = (self.manager, kind.kind, kind.api_version, now, repr({**decoded, "metadata": blanked}))
        found = _CREATED.get(key)
        if found is None:
            if len(_CREATED) >= _CREATED_MAX:
                _CREATED.clear()
            found = _CREATED[key] = ssa.update(None, decoded, self.manager, kind=kind.kind,
                                               api_version=kind.api_version, now=now)
        return [dict(entry) for entry in found]  # its own list and entries; FieldsV1 subtrees are shared,
        # as ssa's v1_union shares them (never changed in place)

    def _name_seed(self, obj: dict, namespace: str) -> str:
        """What a generated name's suffix comes from: how many names its generateName made before.

        Counted per kind, namespace and generateName (kept in controller_state, no revision),
        so that the pods of a ReplicaSet or a DaemonSet are named by their owner's history
        alone, whatever else the cluster wrote first (its system components' pods). A name
        that is taken moves on to the next count, as the apiserver retries a generated name
        that exists (up to 8 tries, then AlreadyExists).
        """
        from litekube.api import admission
        meta = obj.get("metadata") or {}
        prefix = meta.get("generateName")
        if meta.get("name") or not prefix or not isinstance(prefix, str):
            return ""
        try:
            kind = kinds.lookup(str(obj.get("kind") or ""))
        except errors.ManifestError:
            return ""  # prepare_create refuses it
        ns = admission.namespace_of(obj, kind, namespace)
        key = (NAMES_COMPONENT, kind.kind, ns, prefix)
        count = self._name_counts.get(key)  # only this method writes these states: what it saved last
        if count is None:
            count = int((self.reader.controller_state(*key) or {}).get("next", 0))
        for _ in range(8):
            seed, count = str(count), count + 1
            if self.reader.get(kind.kind, ns, admission.generate_name(prefix, seed)) is None:
                break
        self.writer.save_controller_state(*key, {"next": count})
        self._name_counts[key] = count
        return seed

    def update(self, obj: dict, *, namespace: str = "default", subresource: str | None = None,
               managed: builtins.list[dict] | None = None, record_as: str | None = None,
               read: dict | None = None) -> dict | None:
        """Replace an object (PUT). A resourceVersion in the body is a precondition.

        Removing the last finalizer of an object being deleted removes it. `managed` is
        the managedFields to store (server-side apply computed them); else the
        transaction's manager, if any, takes what the write changed (an Update), recorded
        as a write to `record_as` (default: `subresource`; a scale write changes the
        object itself but is the scale subresource's). `read` is the object as the
        control plane read it (from its cache): a status write compares with it, and a
        control-plane update of what it read at the body's resourceVersion starts from it.
        """
        from litekube.api import admission
        kind = kinds.lookup(obj.get("kind", ""))
        meta = obj.get("metadata") or {}
        ns = admission.namespace_of(obj, kind, namespace)
        name = meta.get("name", "")
        expected = meta.get("resourceVersion")
        if subresource == "status" and not self.strict and expected not in (None, "") and (
                not self.manager or (read is not None and (read.get("metadata") or {}).get("resourceVersion")
                                     == expected)):
            # The control plane's status write of the object it read at `expected`: the
            # compare-and-swap of the write itself checks that nothing changed since, so the
            # stored object need not be read and decoded again (NotFound and Conflict as below).
            new = {**obj, "metadata": {k: v for k, v in meta.items() if k != "resourceVersion"}}
            if self.manager:  # what it read is what is stored at `expected`, if the write succeeds
                new["metadata"]["managedFields"] = ssa_update_status(read, new, self.manager, kind,
                                                                     timestamp(self.now()))
            return self._write(kind, ns, name, new, int(expected))
        mutate = None
        if subresource is None and not self.strict and read is not None and expected not in (None, "") \
                and kind.kind != "Service" and (read.get("metadata") or {}).get("resourceVersion") == expected:
            # The control plane's update of the object it read at `expected`, from its cache: that is
            # the stored object if the write's compare-and-swap succeeds (NotFound and Conflict as
            # below), so it is not read and decoded again. `read` is only read, never changed.
            old, version = read, int(expected)
        else:
            self._lock()  # read the stored object as of the last commit: the update applies to it
            stored = self.reader.get(kind.kind, ns, name)
            if stored is None:
                raise errors.NotFound.of(kind.resource, name)
            if expected not in (None, "") and str(expected) != str(stored.resource_version):
                raise errors.Conflict.of(kind.resource, name)
            if kind.kind == "Service" and subresource is None:
                from litekube.api import services
                def mutate(new: dict, old: dict) -> None:
                    services.allocate_update(self, new, old, obj)
            old, version = stored.body, stored.resource_version
        old_status = old.get("status")  # a status write changes `old` in place (admission._subresource_update)
        new = admission.prepare_update(obj, old, subresource=subresource, strict=self.strict, mutate=mutate)
        if managed is not None:
            new["metadata"]["managedFields"] = managed
        elif self.manager:
            self._record(kind, old, old_status, obj, new, subresource, record_as)
        return self._write(kind, ns, name, new, version)

    def _record(self, kind: kinds.Kind, old: dict, old_status: object, request: dict, new: dict,
                subresource: str | None, record_as: str | None) -> None:
        """managedFields after this Update by the transaction's manager."""
        from litekube.api import ssa
        if subresource == "finalize":  # the namespace controller's bookkeeping, as upstream records none
            return
        before = (request.get("metadata") or {}).get("managedFields") if subresource is None else None
        if not before:  # a body without managedFields keeps the stored ones (a subresource always does)
            before = (old if subresource is None else new)["metadata"].get("managedFields")
        if subresource == "status":  # only the status can change: compare it alone
            old = {} if old_status is None else {"status": old_status}
            changed = {} if new.get("status") is None else {"status": new["status"]}
        else:
            changed = new
        new["metadata"]["managedFields"] = ssa.update(
            old, changed, self.manager, kind=kind.kind, api_version=kind.api_version,
            now=timestamp(self.now()), subresource=record_as or subresource or "", entries=before,
            trusted=not self.strict)

    def update_status(self, obj: dict, *, namespace: str = "default", read: dict | None = None) -> dict | None:
        return self.update(obj, namespace=namespace, subresource="status", read=read)

    def patch(self, kind: str, namespace: str, name: str, patch: dict | builtins.list,
              patch_type: str = "strategic", subresource: str | None = None) -> dict | None:
        """Patch an object: `strategic`, `merge` (RFC 7386) or `json` (RFC 6902)."""
        from litekube.model import patching
        self._lock()  # the patch applies to the object as of the last commit
        current = self.get(kind, namespace, name)
        if patch_type == "merge":
            new = patching.merge_patch(current, patch)
        elif patch_type == "json":
            try:
                new = patching.json_patch(current, patch if isinstance(patch, list) else [patch])
            except ValueError as exc:
                raise errors.BadRequest(str(exc)) from None
        else:
            if not isinstance(patch, dict):
                raise errors.BadRequest("a strategic merge patch must be a JSON object")
            new = patching.strategic_merge(current, patch, current["kind"])
        new.setdefault("metadata", {})["resourceVersion"] = current["metadata"]["resourceVersion"]
        return self.update(new, namespace=namespace, subresource=subresource)

    def delete(self, kind: str, namespace: str, name: str, *, propagation: str | None = None,
               grace_period: int | None = None, resource_version: str | None = None,
               read: dict | None = None) -> dict | None:
        """Delete an object as kube-apiserver does; the object if it still exists, else None.

        Objects with finalizers (including the garbage collector's `orphan` and
        `foregroundDeletion`) and scheduled pods get a deletionTimestamp and stay
        until their finalizers are gone or their kubelet removes them.

        `read` is the object as the control plane read it (from its cache): its own delete
        then writes over it by compare-and-swap at its resourceVersion instead of reading and
        decoding the stored object again (when something wrote it since, as the full path).
        """
        k = kinds.lookup(kind)
        ns = namespace if k.namespaced else ""
        self._lock()
        expected = _cached_version(read, self.strict, resource_version) if k.kind != "Namespace" else None
        if expected is not None:
            # Only the metadata changes below (a Namespace, whose status does too, is not taken here).
            obj = {**read, "metadata": dict(read["metadata"])}  # type: ignore[dict-item]
            try:
                return self._delete(k, ns, name, obj, expected, propagation, grace_period)
            except errors.Conflict:
                pass  # written since it was read: decide on the stored object
        stored = self.reader.get(k.kind, ns, name)
        if stored is None:
            raise errors.NotFound.of(k.resource, name)
        if resource_version and str(resource_version) != str(stored.resource_version):
            raise errors.Conflict.of(k.resource, name)
        # freshly decoded: ours to change
        return self._delete(k, ns, name, stored.body, stored.resource_version, propagation, grace_period)

    def _delete(self, k: kinds.Kind, ns: str, name: str, obj: dict, expected: int, propagation: str | None,
                grace_period: int | None) -> dict | None:
        """`delete` of `obj`, the object stored at `expected` (its metadata and, for a Namespace,
        its status ours to change)."""
        meta = obj["metadata"]
        finalizers = list(meta.get("finalizers") or [])
        policy = propagation or _existing_policy(finalizers) or _default_policy(k.kind)
        for gc_finalizer in ("orphan", "foregroundDeletion"):
            if gc_finalizer in finalizers:
                finalizers.remove(gc_finalizer)
        if policy == "Orphan":
            finalizers.append("orphan")
        elif policy == "Foreground":
            finalizers.append("foregroundDeletion")
        grace = _grace_period(obj, grace_period)
        if k.kind == "Namespace":  # held by spec.finalizers until the namespace controller empties it
            obj.setdefault("status", {})["phase"] = "Terminating"
        if not finalizers and not grace and not (k.kind == "Namespace" and (obj.get("spec") or {}).get("finalizers")):
            self.writer.delete(k.kind, ns, name, expected)
            return None
        now = self.now()
        if meta.get("deletionTimestamp"):
            # A second delete may only shorten the grace period.
            old_grace = meta.get("deletionGracePeriodSeconds") or 0
            if grace is not None and grace < old_grace:
                meta["deletionGracePeriodSeconds"] = grace
                meta["deletionTimestamp"] = timestamp(now + grace)
        else:
            meta["deletionTimestamp"] = timestamp(now + (grace or 0))
            meta["deletionGracePeriodSeconds"] = grace or 0
        meta["finalizers"] = finalizers
        if not finalizers:
            meta.pop("finalizers")
        return self._write(k, ns, name, obj, expected)

    def bind(self, namespace: str, name: str, uid: str, node: str, read: dict | None = None) -> dict:
        """The pods/binding subresource: assign a node and mark the pod PodScheduled.

        `read`: the pod as the control plane read it (from its cache). The binding is then built
        from it, sharing what it does not change, and written at its resourceVersion without the
        stored pod being read and decoded again: the compare-and-swap checks that nothing changed
        since (on a Conflict the stored pod decides, as without `read`).
        """
        self._lock()
        expected = _cached_version(read, self.strict)
        if expected is not None and not (uid and read["metadata"].get("uid") != uid):  # type: ignore[index]
            spec, meta = read.get("spec") or {}, read["metadata"]  # type: ignore[union-attr]
            if not spec.get("nodeName") and not meta.get("deletionTimestamp"):
                status = read.get("status") or {}  # type: ignore[union-attr]
                pod = {**read, "metadata": {**meta}, "spec": {**spec, "nodeName": node},  # type: ignore[dict-item]
                       "status": {**status, "conditions": _scheduled(status, timestamp(self.now()))}}
                try:
                    rv = self.writer.update("Pod", namespace, name, pod, expected)
                except (errors.Conflict, errors.NotFound):
                    pass  # written or deleted since it was read: the stored pod decides
                else:
                    pod["metadata"]["resourceVersion"] = str(rv)
                    return pod
        stored = self.reader.get("Pod", namespace, name)
        if stored is None or (uid and stored.uid != uid):
            raise errors.NotFound.of("pods", name)
        pod = stored.body  # freshly decoded: ours to change
        if (pod.get("spec") or {}).get("nodeName"):
            raise errors.Conflict(f'pod {name} is already assigned to node "{pod["spec"]["nodeName"]}"')
        if pod["metadata"].get("deletionTimestamp"):
            raise errors.Conflict(f"pod {name} is being deleted, cannot be assigned to a host")
        pod["spec"]["nodeName"] = node
        status = pod.setdefault("status", {})
        status["conditions"] = _scheduled(status, timestamp(self.now()))
        rv = self.writer.update("Pod", namespace, name, pod, stored.resource_version)
        pod["metadata"]["resourceVersion"] = str(rv)
        return pod

    def record_event(self, involved: dict, type_: str, reason: str, message: str, component: str,
                     host: str = "", existing: dict | None = None) -> dict:
        """Create an Event, or bump `existing` (the same event seen before)."""
        self._lock()  # the name comes from the revision
        now = timestamp(self.now())
        if existing is not None:
            current = self.reader.get("Event", existing["metadata"]["namespace"], existing["metadata"]["name"])
            if current is not None:
                bumped = events.bump(current.body, now)
                rv = self.writer.update("Event", current.namespace, current.name, bumped, current.resource_version)
                bumped["metadata"]["resourceVersion"] = str(rv)
                return bumped
        # Unique across transactions at one virtual instant: the revision grows with every write.
        revision = self.reader.revision()
        name = f"{involved.get('name', '')}.{int(self.now() * 1e9) + revision:x}"
        event = events.new_event(involved, type_, reason, message, component, host, now, name)
        if self.strict:
            return self.create(event, namespace=involved.get("namespace") or "default")
        # The control plane's recorder builds well-formed Events with nothing to default: stamp
        # them as admission would (uid, creationTimestamp) without decoding and validating again.
        meta = event["metadata"]
        self._check_namespace(meta["namespace"])
        meta["uid"], meta["creationTimestamp"] = new_uid(revision + 1), now
        rv = self.writer.create("Event", meta["namespace"], name, meta["uid"], event)
        meta["resourceVersion"] = str(rv)
        return event

    def remove(self, kind: str, namespace: str, name: str, uid: str | None = None,
               read: dict | None = None) -> dict | None:
        """Delete with grace 0 (what a kubelet does after killing a pod): the object goes now,
        unless finalizers hold it; then it stays, its grace period 0, until they are removed.

        `read`: the object as the control plane read it, as for `delete` (an object without
        finalizers is then deleted at its resourceVersion without being read again)."""
        k = kinds.lookup(kind)
        self._lock()
        expected = _cached_version(read, self.strict)
        if expected is not None and not (uid and read["metadata"].get("uid") != uid) \
                and not read["metadata"].get("finalizers"):  # type: ignore[index]
            try:
                self.writer.delete(k.kind, namespace if k.namespaced else "", name, expected)
                return None
            except errors.Conflict:
                pass  # written since it was read: decide on the stored object
        stored = self.reader.get(k.kind, namespace if k.namespaced else "", name)
        if stored is None or (uid and stored.uid != uid):
            raise errors.NotFound.of(k.resource, name)
        if not stored.body["metadata"].get("finalizers"):
            self.writer.delete(k.kind, stored.namespace, name)
            return None
        held = stored.body
        held["metadata"]["deletionGracePeriodSeconds"] = 0
        held["metadata"].setdefault("deletionTimestamp", timestamp(self.now()))
        rv = self.writer.update(k.kind, stored.namespace, name, held, stored.resource_version)
        held["metadata"]["resourceVersion"] = str(rv)
        return held

    # -- helpers ---------------------------------------------------------
    def _write(self, kind: kinds.Kind, ns: str, name: str, new: dict, expected: int) -> dict | None:
        if kind.kind == "Namespace":
            self._live_namespaces.discard(name)
        meta = new["metadata"]
        if meta.get("deletionTimestamp") and not meta.get("finalizers") and not _waits_for_kubelet(new) \
                and not (kind.kind == "Namespace" and (new.get("spec") or {}).get("finalizers")):
            self.writer.delete(kind.kind, ns, name, expected)
            return None
        rv = self.writer.update(kind.kind, ns, name, new, expected)
        meta["resourceVersion"] = str(rv)
        return new

    def _check_namespace(self, namespace: str) -> None:
        if namespace in self._live_namespaces:
            return
        ns = self.reader.get("Namespace", "", namespace)
        if ns is None:
            raise errors.NotFound.of("namespaces", namespace)
        if ns.body["metadata"].get("deletionTimestamp"):
            raise errors.Forbidden(
                f"unable to create new content in namespace {namespace} because it is being terminated")
        self._live_namespaces.add(namespace)


def ssa_update_status(read: dict, new: dict, manager: str, kind: kinds.Kind, now: str) -> builtins.list[dict]:
    """managedFields after a status write of `new` over `read` (the object as it was)."""
    from litekube.api import ssa
    old_status, new_status = read.get("status"), new.get("status")
    return ssa.update({} if old_status is None else {"status": old_status},
                      {} if new_status is None else {"status": new_status}, manager, kind=kind.kind,
                      api_version=kind.api_version, now=now, subresource="status",
                      entries=(read.get("metadata") or {}).get("managedFields"), trusted=True)


# Fields that hold strings wherever they appear: a field selector on them can be decided in SQL.
_STRING_FIELDS = frozenset({"metadata.name", "metadata.namespace", "spec.nodeName", "status.phase",
                            "spec.schedulerName", "spec.serviceAccountName", "status.nominatedNodeName",
                            "involvedObject.kind", "involvedObject.name", "involvedObject.namespace",
                            "involvedObject.uid", "reason", "type", "spec.restartPolicy"})



def _selected(rows, labels, fields) -> Iterator[dict]:
    """The bodies of the stored rows that the label and field selectors (what SQL did not decide) keep."""
    for stored in rows:
        body = stored.body
        if labels is not None and not labels.matches(body["metadata"].get("labels") or {}):
            continue
        if fields is not None and not selectors.match_fields(body, fields):
            continue
        yield body

def _sql_labels(labels: selectors.Selector | None) -> list[tuple[str, tuple[str, ...] | None]]:
    """The requirements of a label selector the store can check: `=`, `==`, `in` and existence."""
    if labels is None:
        return []
    out: list[tuple[str, tuple[str, ...] | None]] = []
    for req in labels.requirements:
        if req.operator in (selectors.Operator.EQUALS, selectors.Operator.DOUBLE_EQUALS, selectors.Operator.IN):
            out.append((req.key, tuple(req.values)))
        elif req.operator is selectors.Operator.EXISTS:
            out.append((req.key, None))
    return out


def _sql_fields(fields) -> list[tuple[str, str]]:
    """The equality terms of a field selector on string fields, with a non-empty value."""
    return [(f.field, f.value) for f in fields or () if f.operator in ("=", "==") and f.value
            and f.field in _STRING_FIELDS]


def _scheduled(status: dict, now: str) -> builtins.list[dict]:
    """A bound pod's conditions: PodScheduled True first, then the others as they were."""
    conditions = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"]
    conditions.insert(0, {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                          "lastTransitionTime": now})
    return conditions


def _cached_version(read: dict | None, strict: bool, precondition: str | None = None) -> int | None:
    """The resourceVersion a control plane's write may compare-and-swap on: that of `read`, the object
    as it read it, when it is the control plane's (not strict) and a precondition, if any, names it."""
    if read is None or strict:
        return None
    version = (read.get("metadata") or {}).get("resourceVersion")
    if version in (None, "") or (precondition and str(precondition) != str(version)):
        return None
    return int(version)


def _existing_policy(finalizers: list[str]) -> str | None:
    if "orphan" in finalizers:
        return "Orphan"
    if "foregroundDeletion" in finalizers:
        return "Foreground"
    return None


def _default_policy(kind: str) -> str:
    return "Orphan" if kind == "Job" else "Background"


def _grace_period(obj: dict, requested: int | None) -> int:
    """Only scheduled, non-terminal pods are deleted gracefully."""
    if obj.get("kind") != "Pod":
        return 0
    if not (obj.get("spec") or {}).get("nodeName"):
        return 0
    if (obj.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return 0
    if requested is not None:
        return requested
    return int((obj.get("spec") or {}).get("terminationGracePeriodSeconds", 30))


def _waits_for_kubelet(obj: dict) -> bool:
    return obj.get("kind") == "Pod" and bool((obj.get("metadata") or {}).get("deletionGracePeriodSeconds"))


class _RolledBack(Exception):
    """Ends a dry-run transaction without committing it."""


class Api:
    """The API server over one store."""

    def __init__(self, store: Store, shape: nodes.Shape | None = None,
                 node_count: int = nodes.DEFAULT_NODES, network: tuple[str, int] | None = None,
                 service_cidr: str | None = None, lb_pool: str | None = None,
                 data_plane: tuple[str, str] = ("iptables", "vxlan")) -> None:
        self.store = store
        self.manager: str | None = DEFAULT_MANAGER
        self.created = self.bootstrap(shape or nodes.Shape(), node_count, network, service_cidr, lb_pool, data_plane)

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        with self.store.read() as reader:
            yield Transaction(self, reader)

    @contextmanager
    def write(self, dry_run: bool = False, trusted: bool = False, manager: str | None = None) -> Iterator[Transaction]:
        """One write transaction; with `dry_run` everything is rolled back at the end.

        `trusted` marks the control plane's own writes (no strict decoding). Creates and
        updates are recorded in managedFields under `manager`, by default the Api's
        `manager` for requests (`kubectl`, as the apiserver names a kubectl request
        without a fieldManager) and nobody for the control plane, which names each
        component's manager itself.
        """
        if manager is None and not trusted:
            manager = self.manager
        try:
            with self.store.write() as writer:
                yield Transaction(self, writer, trusted, manager)
                if dry_run:
                    raise _RolledBack()
        except _RolledBack:
            pass

    def call(self, fn: Callable[[Transaction], object]) -> object:
        with self.write() as tx:
            return fn(tx)

    def bootstrap(self, shape: nodes.Shape, node_count: int, network: tuple[str, int] | None = None,
                  service_cidr: str | None = None, lb_pool: str | None = None,
                  data_plane: tuple[str, str] = ("iptables", "vxlan")) -> bool:
        """On a new database: the namespaces every cluster has, its simulated nodes and system components.

        A pod network other than the default (10.244.0.0/16, /24) or a service
        CIDR other than 10.96.0.0/12 is kept in kube-system/kubeadm-config, as
        kubeadm keeps it; a load balancer pool other than the default in
        MetalLB's metallb-system/config. The `default/kubernetes` Service, its
        Endpoints and EndpointSlice are the apiserver's (ensured at every start).
        A new cluster also gets what kubeadm's addon phase and kind's CNI step
        create (network.system): CoreDNS behind kube-dns at the service CIDR's
        tenth address, the kube-proxy DaemonSet with its ConfigMap, and
        flannel's DaemonSet and ConfigMap; the control plane then runs their pods.
        Returns whether this call created the cluster. A cluster made before
        the bootstrap objects existed gets the missing ones, as the apiserver's
        post-start hooks ensure them at every start.
        """
        with self.read() as tx:
            existing = tx.reader.revision() > 0
            missing = [obj for obj in bootstrap.objects()
                       if existing and tx.find(obj["kind"], "", obj["metadata"]["name"]) is None]
            if existing and tx.find("Service", "default", "kubernetes") is None \
                    and tx.find("Namespace", "", "default") is not None:
                config = tx.find("ConfigMap", cluster_network.CONFIG_NAMESPACE, cluster_network.CONFIG_NAME)
                missing += service_network.kubernetes_objects(service_network.service_subnet(config))
        if existing:
            if not missing:
                return False
            with self.write(manager="kube-apiserver") as tx:
                tx.writer.lock()
                for obj in missing:
                    namespace = (obj.get("metadata") or {}).get("namespace", "")
                    if tx.find(obj["kind"], namespace, obj["metadata"]["name"]) is None:
                        tx.create(obj, namespace=namespace or "default")
            return False
        with self.write(manager="kube-apiserver") as tx:
            tx.writer.lock()  # two processes opening a new database: one bootstraps it
            if tx.reader.revision() > 0:
                return False
            tx.writer.set_clock(self.store.wall())  # a new cluster's clock starts at the wall clock
            for name in SYSTEM_NAMESPACES:
                tx.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
            service_cidr = service_cidr or service_network.DEFAULT_SERVICE_SUBNET
            network = network or (cluster_network.DEFAULT_POD_SUBNET, cluster_network.DEFAULT_NODE_MASK)
            if network != (cluster_network.DEFAULT_POD_SUBNET, cluster_network.DEFAULT_NODE_MASK) \
                    or service_cidr != service_network.DEFAULT_SERVICE_SUBNET:
                tx.create(cluster_network.config_map(*network, service_subnet=service_cidr),
                          namespace=cluster_network.CONFIG_NAMESPACE)
            if lb_pool and lb_pool != service_network.DEFAULT_LB_POOL:
                tx.create({"apiVersion": "v1", "kind": "Namespace",
                           "metadata": {"name": service_network.LB_CONFIG_NAMESPACE}})
                tx.create(service_network.pool_config_map(lb_pool), namespace=service_network.LB_CONFIG_NAMESPACE)
            for obj in service_network.kubernetes_objects(service_cidr):  # the apiserver's endpoint reconciler
                tx.create(obj)
            tx.manager = "kubelet"  # a node registers itself
            for index in range(node_count):
                tx.create(nodes.node_manifest(f"node-{index + 1}", shape, index))
            tx.manager = "kube-apiserver"
            for obj in bootstrap.objects():  # the apiserver's post-start hooks
                tx.create(obj)
            # kubeadm's addon phase (CoreDNS, kube-proxy), then the CNI that kind applies: flannel.
            for obj in system.objects(*data_plane, network[0], service_network.dns_ip(service_cidr)):
                meta = obj["metadata"]
                flannel = meta.get("namespace", meta["name"]) == system.KUBE_FLANNEL  # kubectl apply -f
                tx.manager = "kubectl-client-side-apply" if flannel else "kubeadm"
                tx.create(bootstrap.applied(obj) if flannel else obj, namespace=meta.get("namespace") or "default")
            tx.manager = "kube-apiserver"
            for obj in bootstrap.ADDONS:  # what kind applies once the control plane is up
                tx.create(obj)
        return True
