"""Executing reconcilers' actions through the API, inside the runtime's transaction.

This module does I/O through the API. Every written object goes straight
into the cache so that the next reconcile in the same batch reads its own
writes (with the new resourceVersion).
"""
from __future__ import annotations

import dataclasses

from litekube import errors
from litekube.api.server import Transaction
from litekube.model import events, values
from litekube.reconcile import base
from litekube.reconcile.views import MemoryView

__all__ = ["execute", "EventIndex"]


# The first lookups of an older object's Events are single SQL queries (a command that records an event
# or two about a ReplicaSet with 10,000 Events reads none of them); the next one reads them all, once.
SINGLE_LOOKUPS = 4


class EventIndex:
    """The event recorder's memory (client-go's EventCorrelator): where each aggregated Event lives.

    Events are not in the controllers' cache. A repeated event is found here
    (by a hash of its aggregation key) and bumped; an event about an object
    that was created after this control plane's starting cursor cannot have
    been recorded before, so only events about older objects ask the store:
    the first SINGLE_LOOKUPS times for one object by one query each (compared
    in SQL over the Events named after it), then once for the rest of this
    run: those Events (one range of the name index) are read and remembered
    by their aggregation key, so that a ReplicaSet with thousands of events
    costs a few queries and at most one read of them, not one per event.
    """

    def __init__(self, view: MemoryView | None = None) -> None:
        self._names: dict[int, tuple[str, str]] = {}
        self._fresh: set[tuple[str, str, str]] = set()
        # (namespace, involved name) -> the Events stored under that name before this run, by `_match`.
        self._stored: dict[tuple[str, str], dict[tuple, str]] = {}
        self._asked: dict[tuple[str, str], int] = {}  # lookups so far of the names not read in bulk

    def fresh(self, kind: str, namespace: str, name: str) -> None:
        """The object was created after the starting cursor (or by this control plane)."""
        self._fresh.add((kind, namespace, name))

    def find(self, tx: Transaction, key: tuple, involved: dict) -> dict | None:
        where = self._names.get(hash(key))
        if where is None:
            if (involved.get("kind", ""), involved.get("namespace", "") or "", involved.get("name", "")) in self._fresh:
                return None
            namespace = involved.get("namespace") or "default"
            stored = self._stored.get((namespace, key[2]))
            if stored is None:
                asked = self._asked[(namespace, key[2])] = self._asked.get((namespace, key[2]), 0) + 1
                if asked <= SINGLE_LOOKUPS:  # one indexed query, compared in SQL (no Event decoded)
                    found_where = tx.reader.find_event(namespace, key)
                    if found_where is None:
                        return None
                    return {"metadata": {"namespace": found_where[0], "name": found_where[1]}}
                stored = self._stored[(namespace, key[2])] = _stored_events(tx, namespace, key[2])
            kind, _, name, uid, type_, reason, message, component, host = key
            found = stored.get((kind, name, uid, type_, reason, message, component or None, host or ""))
            if found is None:
                return None
            where = (namespace, found)
        return {"metadata": {"namespace": where[0], "name": where[1]}}

    def remember(self, key: tuple, event: dict) -> None:
        self._names[hash(key)] = (event["metadata"]["namespace"], event["metadata"]["name"])


def _stored_events(tx: Transaction, namespace: str, name: str) -> dict[tuple, str]:
    """The Events of `namespace` named `<name>.<suffix>`, by what an aggregation key is matched on
    (the involved object's kind, name and uid, type, reason, message, source component and host);
    the first by name where several match."""
    prefix = f"{name}."
    out: dict[tuple, str] = {}
    for stored in tx.reader.list_prefix("Event", namespace, prefix):
        if stored.name == prefix:
            continue
        body = stored.body
        involved, source = body.get("involvedObject") or {}, body.get("source") or {}
        match = (involved.get("kind"), involved.get("name"), involved.get("uid"), body.get("type"),
                 body.get("reason"), body.get("message"), source.get("component"), source.get("host") or "")
        try:
            out.setdefault(match, stored.name)
        except TypeError:  # a value no recorder writes (a list, a map): it matches no key
            continue
    return out


def _put(view: MemoryView, obj: dict | None, key: base.Key) -> None:
    if obj is None:
        view.discard(key)
    else:
        view.put(obj)


def _with_resolved_refs(obj: dict, paths: tuple[str, ...], view: MemoryView) -> dict:
    """`obj` with the uid and resourceVersion of each listed reference filled from the cache."""
    obj = values.clone(obj)
    for path in paths:
        node: object = obj
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        for ref in node if isinstance(node, list) else []:
            if ref.get("uid"):
                continue
            target = view.get(ref.get("kind", ""), ref.get("namespace", ""), ref.get("name", ""))
            if target is not None:
                ref["uid"] = target["metadata"].get("uid", "")
                ref["resourceVersion"] = target["metadata"].get("resourceVersion", "")
    return obj


def execute(tx: Transaction, action: base.Action, view: MemoryView, index: EventIndex) -> None:
    """Carry out one action; raises the API's errors (Conflict, NotFound, Invalid, ...)."""
    if isinstance(action, base.Create):
        try:
            created = tx.create(action.obj, namespace=(action.obj.get("metadata") or {}).get("namespace") or "default")
        except errors.Forbidden as exc:
            if action.event is not None:  # pod_control's FailedCreate, on the controller's object
                execute(tx, dataclasses.replace(action.event, type="Warning", reason="FailedCreate",
                                                message=f"Error creating: {exc.message}"), view, index)
            raise
        view.put(created)
        if action.event is not None:
            named = action.event.message.replace("{name}", created["metadata"]["name"])
            execute(tx, dataclasses.replace(action.event, message=named), view, index)
        index.fresh(*base.key_of(created))
    elif isinstance(action, base.Update):
        key = base.key_of(action.obj)
        _put(view, tx.update(action.obj, namespace=key.namespace, subresource=action.subresource,
                             record_as=action.record_as, read=view.get(*key)), key)
    elif isinstance(action, base.UpdateStatus):
        obj = _with_resolved_refs(action.obj, action.resolve_refs, view) if action.resolve_refs else action.obj
        key = base.key_of(obj)
        _put(view, tx.update_status(obj, namespace=key.namespace, read=view.get(*key)), key)
    elif isinstance(action, base.Delete):
        current = view.get(action.kind, action.namespace, action.name)
        if action.uid and current is not None and current["metadata"].get("uid") != action.uid:
            return  # the object was replaced: the precondition fails, nothing to do
        result = tx.delete(action.kind, action.namespace, action.name, propagation=action.propagation,
                           grace_period=action.grace_period, read=current)
        _put(view, result, base.Key(action.kind, action.namespace, action.name))
    elif isinstance(action, base.Remove):
        _put(view, tx.remove(action.kind, action.namespace, action.name, action.uid or None,
                             read=view.get(action.kind, action.namespace, action.name)),
             base.Key(action.kind, action.namespace, action.name))
    elif isinstance(action, base.Bind):
        view.put(tx.bind(action.namespace, action.name, action.uid, action.node,
                         read=view.get("Pod", action.namespace, action.name)))
    elif isinstance(action, base.RecordEvent):
        key = events.aggregation_key(action.involved, action.type, action.reason, action.message,
                                     action.component, action.host)
        try:
            event = tx.record_event(action.involved, action.type, action.reason, action.message,
                                    action.component, action.host, existing=index.find(tx, key, action.involved))
        except errors.ApiError:
            return  # events are best effort, as client-go's recorder drops what the server refuses
        index.remember(key, event)
    elif isinstance(action, base.SaveState):
        tx.writer.save_controller_state(action.component, action.key.kind, action.key.namespace, action.key.name,
                                        action.state)
        view.put_state(action.component, action.key, action.state)
    elif isinstance(action, base.DeleteCollection):
        for obj in tx.reader.list(action.kind, action.namespace):
            tx.delete(action.kind, action.namespace, obj.name)
            view.discard(base.Key(action.kind, action.namespace, obj.name))
    else:  # pragma: no cover - the Action union is closed
        raise TypeError(f"unknown action {action!r}")


