"""The Python API: `litekube.Cluster`, a cluster in one SQLite file, driven from scripts and tests.

This module does I/O. Every method calls the same API-layer function the CLI
command of the same name calls (engine/api, engine/runtime), then settles the
embedded control plane as the command does; results are plain dicts or the
small typed results of the API layer, and errors are litekube's own
(`litekube.errors.NotFound`, `Conflict`, `Invalid`, ...), whose `str()` is
kubectl's message.

    with litekube.Cluster() as c:            # a fresh temporary database, removed on close
        c.apply("samples/")
        c.scale("deployment/web", 5, namespace="demo")
        c.get("deployment/web", namespace="demo")["status"]["availableReplicas"]
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import yaml

from litekube import errors
from litekube.api import applying, operating, reading, rollouts
from litekube.api.server import Api
from litekube.model import durations, kinds, manifests, nodes
from litekube.runtime import embedded
from litekube.store import Store

__all__ = ["Cluster", "Change", "FIXED_WALL", "copy"]

FIXED_WALL = 1_700_000_000.0  # the wall clock of a deterministic cluster: runs repeat exactly


@dataclass(frozen=True)
class Change:
    """One changelog row: revision, ADDED/MODIFIED/DELETED, the object after the write."""

    revision: int
    type: str
    kind: str
    namespace: str
    name: str
    time: float
    object: dict


def _seconds(duration: float | int | str) -> float:
    if isinstance(duration, (int, float)):
        return float(duration)
    try:
        return float(duration)
    except ValueError:
        return durations.parse_duration(duration)


def _target(target: str, name: str | None = None) -> tuple[kinds.Kind, str]:
    """`deployment/web`, or (`deployment`, `web`)."""
    targets = reading.parse_targets([target] if name is None else [target, name])
    if len(targets) != 1 or targets[0][1] is None:
        raise errors.ManifestError("expected one resource: TYPE/NAME or TYPE NAME")
    return targets[0][0], targets[0][1]  # type: ignore[return-value]


def copy(source: str | os.PathLike, target: str) -> None:
    """Copy a closed database file (and its WAL side files, if any)."""
    shutil.copyfile(source, target)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(f"{os.fspath(source)}{suffix}"):
            shutil.copyfile(f"{os.fspath(source)}{suffix}", target + suffix)


class Cluster:
    """A litekube cluster: `path` a database file (created if new), None a fresh temporary one.

    `template` is a database to start from (copied to `path` or the temporary file).

    `deterministic` (the default for a temporary database) fixes the wall clock, so the
    cluster's time moves only with `advance` and the settling of timers: the same calls
    give the same objects, names and revisions every time.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, node_count: int = nodes.DEFAULT_NODES,
                 cpu: str = "4", memory: str = "16Gi", pods: int = 110, deterministic: bool | None = None,
                 history: int = 10_000_000, template: str | os.PathLike | None = None) -> None:
        self._tmpdir = tempfile.mkdtemp(prefix="litekube-") if path is None else None
        self.path = os.fspath(path) if path is not None else os.path.join(self._tmpdir, "litekube.db")
        if template is not None:  # a copy of a cluster built before (the fixtures' and check's fast start)
            copy(template, self.path)
        if deterministic is None:
            deterministic = path is None
        wall = (lambda: FIXED_WALL) if deterministic else time.time
        try:
            self.store = Store(self.path, wall=wall, history=history)
            self.api = Api(self.store, nodes.Shape(cpu=cpu, memory=memory, pods=pods), node_count)
        except BaseException:
            self._remove()
            raise
        if self.api.created:
            self.settle()

    # -- life ---------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the database; a temporary one is removed."""
        self.store.close()
        self._remove()

    def keep(self) -> str:
        """Keep a temporary database after close (the pytest plugin's --litekube-keep): its path."""
        self._tmpdir = None
        return self.path

    def _remove(self) -> None:
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def settle(self) -> None:
        """Run the embedded control plane until the cluster settles (every mutating call does)."""
        embedded.settle(self.api)

    @property
    def revision(self) -> int:
        return self.store.revision()

    @property
    def now(self) -> float:
        """The cluster clock, in seconds since the epoch."""
        return self.store.now()

    # -- manifests ------------------------------------------------------------------------------
    def apply(self, source: str | os.PathLike | dict | list, namespace: str | None = None, *,
              server_side: bool = False, field_manager: str | None = None,
              force_conflicts: bool = False) -> list[applying.Outcome]:
        """Apply a path (file or directory), YAML/JSON text, a dict or a list of dicts.

        `server_side` applies as `kubectl apply --server-side` (field manager `kubectl`
        unless named); a conflict raises errors.ApplyConflict unless `force_conflicts`.
        """
        docs = self._documents(source)
        if server_side:
            return self._then_settle(applying.server_side_apply(
                self.api, docs, namespace or "default", namespace is not None,
                field_manager=field_manager or applying.SERVER_SIDE_MANAGER, force=force_conflicts))
        return self._then_settle(applying.apply(self.api, docs, namespace or "default", namespace is not None,
                                                field_manager=field_manager or applying.CLIENT_SIDE_MANAGER))

    def _documents(self, source) -> list[manifests.Document]:
        if isinstance(source, dict):
            return manifests.decode(yaml.safe_dump(source), "<dict>")
        if isinstance(source, list):
            return manifests.decode(yaml.safe_dump_all(source), "<list>")
        if isinstance(source, os.PathLike) or ("\n" not in source and Path(source).exists()):
            return applying.load([os.fspath(source)])
        if "\n" not in source and ":" not in source:
            return applying.load([source])  # kubectl's error for a missing path
        return manifests.decode(source, "<text>")

    # -- reading -------------------------------------------------------------------------------
    def get(self, target: str, name: str | None = None, *, namespace: str = "default") -> dict:
        """One object (`get("deployment/web")` or `get("deploy", "web")`); NotFound if absent."""
        kind, name = _target(target, name)
        return reading.get(self.api, [(kind, name)], namespace=namespace).groups[0][0]

    def find(self, target: str, name: str | None = None, *, namespace: str = "default") -> dict | None:
        """One object, or None."""
        try:
            return self.get(target, name, namespace=namespace)
        except errors.NotFound:
            return None

    def list(self, kind: str, *, namespace: str | None = "default", selector: str | None = None,
             field_selector: str | None = None) -> list[dict]:
        """Every object of a kind (namespace None: all namespaces), with label and field selectors."""
        targets = reading.parse_targets([kind])
        result = reading.get(self.api, targets, namespace=namespace or "default", all_namespaces=namespace is None,
                             selector=selector, field_selector=field_selector)
        return [obj for group in result.groups for obj in group]

    def changes(self, since: int = 0, *, kinds_: Iterable[str] | None = None, limit: int | None = None) -> list[Change]:
        """The changelog rows after revision `since`."""
        out: list[Change] = []
        while limit is None or len(out) < limit:
            batch = self.store.changes(since, limit=1000 if limit is None else min(1000, limit - len(out)),
                                       kinds_=kinds_)
            if not batch:
                break
            out.extend(Change(c.revision, c.type, c.kind, c.namespace, c.name, c.time, c.body) for c in batch)
            since = batch[-1].revision
        return out

    def watch(self, since: int | None = None, *, timeout: float | None = None,
              poll: float = 0.1) -> Iterator[Change]:
        """Every change after `since` (default: now), as it commits; ends after `timeout` wall seconds."""
        cursor = self.revision if since is None else since
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            batch = self.changes(cursor, limit=1000)
            for change in batch:
                cursor = change.revision
                yield change
            if deadline is not None and time.monotonic() >= deadline:
                return
            if not batch:  # PostgreSQL wakes this at the next commit; SQLite sleeps `poll`
                self.store.wait_for_change(poll if deadline is None else
                                           max(0.0, min(poll, deadline - time.monotonic())))

    def rollout_trace(self, target: str, *, namespace: str = "default") -> list[dict]:
        """`rollout trace`: one dict per step of the latest rollout."""
        from litekube.api import tracing

        _, name = _target(target)
        names, steps = tracing.trace(self.api, namespace, name)
        return [{"seconds": s.elapsed, "revision": s.revision, "replicaSets": dict(zip(names, s.replicas)),
                 "pods": s.pods, "available": s.available} for s in steps]

    # -- changing ------------------------------------------------------------------------------
    def _then_settle(self, answer):
        self.settle()
        return answer

    def delete(self, target: str, name: str | None = None, *, namespace: str = "default",
               selector: str | None = None, cascade: str = "background", grace_period: int | None = None,
               ignore_not_found: bool = False) -> list[applying.Outcome]:
        targets = reading.parse_targets([target] if name is None else [target, name])
        return self._then_settle(reading.delete(
            self.api, targets, namespace=namespace, selector=selector, cascade=cascade,
            grace_period=grace_period, ignore_not_found=ignore_not_found))

    def scale(self, target: str, replicas: int, *, namespace: str = "default", current: int | None = None) -> str:
        kind, name = _target(target)
        return self._then_settle(rollouts.scale(self.api, kind, namespace, name, replicas, current))

    def set_image(self, target: str, images: dict[str, str] | None = None, *, namespace: str = "default",
                  **more: str) -> str:
        """`set_image("deployment/web", nginx="nginx:1.28")` (or a dict; `*` sets every container)."""
        kind, name = _target(target)
        return self._then_settle(rollouts.set_image(self.api, kind, namespace, name, {**(images or {}), **more}))

    def label(self, target: str, changes: dict[str, str | None] | Iterable[str], *, namespace: str = "default",
              overwrite: bool = False) -> str:
        """`{"tier": "front", "old": None}` (None removes) or kubectl's `["tier=front", "old-"]`."""
        kind, name = _target(target)
        if isinstance(changes, dict):
            changes = [f"{k}-" if v is None else f"{k}={v}" for k, v in changes.items()]
        return self._then_settle(rollouts.set_metadata(self.api, kind, namespace, name, "labels", list(changes),
                                                       overwrite))

    def rollout_undo(self, target: str, *, namespace: str = "default", to_revision: int = 0) -> str:
        kind, name = _target(target)
        return self._then_settle(rollouts.undo(self.api, kind, namespace, name, to_revision))

    def rollout_pause(self, target: str, *, namespace: str = "default") -> str:
        kind, name = _target(target)
        return self._then_settle(rollouts.pause(self.api, kind, namespace, name))

    def rollout_resume(self, target: str, *, namespace: str = "default") -> str:
        kind, name = _target(target)
        return self._then_settle(rollouts.resume(self.api, kind, namespace, name))

    def rollout_restart(self, target: str, *, namespace: str = "default") -> str:
        kind, name = _target(target)
        return self._then_settle(rollouts.restart(self.api, kind, namespace, name))

    # -- nodes, faults, time ---------------------------------------------------------------------
    def cordon(self, node: str) -> str:
        return self._then_settle(operating.cordon(self.api, node, True))

    def uncordon(self, node: str) -> str:
        return self._then_settle(operating.cordon(self.api, node, False))

    def drain(self, node: str, *, force: bool = False, ignore_daemonsets: bool = False,
              delete_emptydir_data: bool = False, timeout: float | str = 600.0) -> list[str]:
        """Cordon and drain through the Eviction API; the lines `litekube drain` prints."""
        from litekube.runtime import draining

        lines: list[str] = []
        options = draining.Options(force, ignore_daemonsets, delete_emptydir_data, _seconds(timeout))
        draining.drain(self.api, node, options, lines.append)
        return lines

    def fault(self, which: str, name: str, *, namespace: str = "default") -> str:
        """`litekube fault WHICH NAME`: node-down, node-up, crash, unready, ready."""
        if which not in operating.FAULTS:
            raise errors.ManifestError(f"unknown fault {which!r}: one of {', '.join(sorted(operating.FAULTS))}")
        return self._then_settle(operating.fault(self.api, which, name, namespace))

    def node_down(self, node: str) -> str:
        return self.fault("node-down", node)

    def node_up(self, node: str) -> str:
        return self.fault("node-up", node)

    def crash(self, pod: str, *, namespace: str = "default") -> str:
        return self.fault("crash", pod, namespace=namespace)

    def unready(self, pod: str, *, namespace: str = "default") -> str:
        return self.fault("unready", pod, namespace=namespace)

    def ready(self, pod: str, *, namespace: str = "default") -> str:
        return self.fault("ready", pod, namespace=namespace)

    def add_node(self, name: str, *, cpu: str = "4", memory: str = "16Gi", pods: int = 110,
                 labels: str | dict | None = None, taints: str | None = None) -> str:
        if isinstance(labels, dict):
            labels = ",".join(f"{k}={v}" for k, v in labels.items())
        shape = nodes.Shape(cpu, memory, pods, nodes.parse_labels(labels), nodes.parse_taints(taints))
        return self._then_settle(operating.add_node(self.api, name, shape))

    def remove_node(self, name: str) -> list[applying.Outcome]:
        return self.delete("node", name)

    def advance(self, duration: float | int | str) -> float:
        """Let `duration` (seconds or `5m`) of cluster time pass, then settle; the new cluster time."""
        embedded.advance(self.api, _seconds(duration))
        return self.now
