"""Objects for the DaemonSet controller's tests, and a small cluster that carries out its actions.

`Cluster` plays the API server, scheduler and kubelet just enough: a created
pod gets a name, is bound to the node its affinity names and (unless told
otherwise) is Running and Ready at once; a deleted pod is gone at once.
"""
from __future__ import annotations

from datetime import datetime, timezone

from litekube.model import durations, values
from litekube.reconcile.base import Create, Delete, Key, RecordEvent, SaveState, Update, UpdateStatus
from litekube.reconcile.daemonset import controller as daemonset
from litekube.reconcile.daemonset import util
from litekube.reconcile.deployment.util import compute_hash
from litekube.reconcile.views import MemoryView

NOW = 1_800_000_000.0
KEY = Key("DaemonSet", "default", "foo")
LABELS = {"name": "simple-daemon", "type": "production"}


def ts(seconds: float) -> str:
    return durations.format_time(datetime.fromtimestamp(seconds, timezone.utc))


def new_daemon_set(name: str = "foo", *, strategy: str = "RollingUpdate", max_unavailable=1, max_surge=0,
                   node_selector: dict | None = None, tolerations: list | None = None, affinity: dict | None = None,
                   min_ready: int = 0, image: str = "foo/bar", generation: int = 1, host_network: bool = False,
                   status: dict | None = None, history_limit: int = 10) -> dict:
    """newDaemonSet of daemon_controller_test.go: selector and template labels `name=simple-daemon,type=production`."""
    spec: dict = {"containers": [{"name": "foo", "image": image}]}
    if node_selector:
        spec["nodeSelector"] = node_selector
    if tolerations:
        spec["tolerations"] = tolerations
    if affinity:
        spec["affinity"] = affinity
    if host_network:
        spec["hostNetwork"] = True
    update: dict = {"type": strategy}
    if strategy == "RollingUpdate":
        update["rollingUpdate"] = {"maxUnavailable": max_unavailable, "maxSurge": max_surge}
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}", "generation": generation,
                         "resourceVersion": "1", "creationTimestamp": ts(NOW - 7200),
                         "annotations": {util.TEMPLATE_GENERATION: str(generation)}},
            "spec": {"selector": {"matchLabels": dict(LABELS)}, "updateStrategy": update,
                     "minReadySeconds": min_ready, "revisionHistoryLimit": history_limit,
                     "template": {"metadata": {"labels": dict(LABELS)}, "spec": spec}},
            "status": status or {}}


def new_node(name: str, labels: dict | None = None, taints: list | None = None, ready: bool = True) -> dict:
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": f"uid-{name}", "labels": labels or {}, "resourceVersion": "1"},
            "spec": {"taints": taints} if taints else {},
            "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
                       "allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}}}


def current_hash(ds: dict) -> str:
    """The hash the DaemonSet's current revision gets (the test pods carry it, as upstream's newPod)."""
    return compute_hash(ds["spec"]["template"], (ds.get("status") or {}).get("collisionCount"))


def new_pod(name: str, node: str, ds: dict | None, *, hash_: str | None = None, phase: str = "Running", ready: bool = True,
            ready_since: float = NOW - 3600, created: float = NOW - 3600, deleting: bool = False,
            labels: dict | None = None, bound: bool = True) -> dict:
    meta: dict = {"name": name, "namespace": "default", "uid": f"uid-{name}", "resourceVersion": "1",
                  "creationTimestamp": ts(created), "labels": dict(LABELS if labels is None else labels)}
    if hash_ is None and ds is not None and labels is None:
        hash_ = current_hash(ds)
    if hash_:
        meta["labels"][util.HASH_LABEL] = hash_
    if ds is not None:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": ds["metadata"]["name"],
                                    "uid": ds["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]
    if deleting:
        meta["deletionTimestamp"] = ts(NOW - 1)
    spec: dict = {"containers": [{"name": "foo", "image": "foo/bar"}]}
    util.pin_to_node(spec, node)
    if bound:
        spec["nodeName"] = node
    conditions = [{"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": ts(ready_since)}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec,
            "status": {"phase": phase, "conditions": conditions}}


class Cluster:
    """A MemoryView and what carrying out the controller's actions does to it."""

    def __init__(self, objects=(), now: float = NOW, ready: bool = True) -> None:
        self.view = MemoryView(objects)
        self.now = now
        self.ready = ready  # whether new pods come up Ready
        self.serial = 0
        self.events: list[RecordEvent] = []
        self.created: list[dict] = []
        self.deleted: list[str] = []

    def ds(self, name: str = "foo") -> dict:
        return self.view.get("DaemonSet", "default", name)

    def pods(self) -> list[dict]:
        return self.view.list("Pod", "default")

    def put(self, obj: dict) -> None:
        self.view.put(obj)

    def sync(self, key: Key = KEY):
        result = daemonset.reconcile(key, self.view, self.now)
        self.apply(result.actions)
        return result

    def apply(self, actions) -> None:
        for action in actions:
            if isinstance(action, Create):
                obj = values.clone(action.obj)
                meta = obj["metadata"]
                self.serial += 1
                if not meta.get("name"):
                    meta["name"] = f"{meta['generateName']}{self.serial:05d}"
                meta.setdefault("uid", f"uid-{meta['name']}")
                meta["creationTimestamp"] = ts(self.now)
                meta["resourceVersion"] = str(self.serial)
                if obj["kind"] == "Pod":
                    obj["spec"]["nodeName"] = util.target_node(obj)
                    obj["status"] = {"phase": "Running", "conditions": [
                        {"type": "Ready", "status": "True" if self.ready else "False",
                         "lastTransitionTime": ts(self.now)}]}
                    self.created.append(obj)
                self.view.put(obj)
                if action.event is not None:
                    self.events.append(action.event)
            elif isinstance(action, Delete):
                if action.kind == "Pod":
                    self.deleted.append(action.name)
                self.view.discard(Key(action.kind, action.namespace, action.name))
            elif isinstance(action, (Update, UpdateStatus)):
                self.view.put(values.clone(action.obj))
            elif isinstance(action, RecordEvent):
                self.events.append(action)
            elif isinstance(action, SaveState):
                self.view.put_state(action.component, action.key, action.state)

    def settle(self, key: Key = KEY, limit: int = 50) -> int:
        """Sync until a pass changes nothing but events; returns the passes it took."""
        for n in range(limit):
            result = daemonset.reconcile(key, self.view, self.now)
            if not [a for a in result.actions if not isinstance(a, RecordEvent)]:
                return n
            self.apply(result.actions)
        raise AssertionError("the DaemonSet did not settle")

    def set_ready(self, ready: bool = True) -> None:
        for pod in self.pods():
            pod = values.clone(pod)
            pod["status"]["conditions"][0]["status"] = "True" if ready else "False"
            pod["status"]["conditions"][0]["lastTransitionTime"] = ts(self.now)
            self.view.put(pod)

    def pods_per_node(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for pod in self.pods():
            counts[pod["spec"]["nodeName"]] = counts.get(pod["spec"]["nodeName"], 0) + 1
        return counts
