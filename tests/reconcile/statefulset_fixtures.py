"""StatefulSets as plain dicts and a tiny fake cluster that applies the controller's actions (the
fakeObjectManager of upstream's stateful_set_control_test.go): pods are created Pending, the tests make
them Running and Ready, and deletes either remove a pod or leave it terminating."""
from __future__ import annotations

from datetime import datetime, timezone

from litekube.model import defaults, durations, values
from litekube.reconcile.base import Create, Delete, Key, RecordEvent, Update, UpdateStatus
from litekube.reconcile.statefulset import controller
from litekube.reconcile.views import MemoryView

NOW = 1_800_000_000.0
KEY = Key("StatefulSet", "default", "web")


def ts(seconds: float) -> str:
    return durations.format_time(datetime.fromtimestamp(seconds, timezone.utc))


def sts(replicas: int = 3, *, policy: str | None = None, strategy: dict | None = None, claims: bool = True,
        retention: dict | None = None, start: int | None = None, min_ready: int = 0, image: str = "nginx:1.27",
        history_limit: int | None = None) -> dict:
    spec: dict = {"replicas": replicas, "serviceName": "nginx", "selector": {"matchLabels": {"app": "nginx"}},
                  "template": {"metadata": {"labels": {"app": "nginx"}},
                               "spec": {"containers": [{"name": "nginx", "image": image}]}}}
    if policy:
        spec["podManagementPolicy"] = policy
    if strategy is not None:
        spec["updateStrategy"] = strategy
    if claims:
        spec["volumeClaimTemplates"] = [{"metadata": {"name": "www", "labels": {"tier": "data"}},
                                         "spec": {"accessModes": ["ReadWriteOnce"],
                                                  "resources": {"requests": {"storage": "1Gi"}}}}]
    if retention is not None:
        spec["persistentVolumeClaimRetentionPolicy"] = retention
    if start is not None:
        spec["ordinals"] = {"start": start}
    if min_ready:
        spec["minReadySeconds"] = min_ready
    if history_limit is not None:
        spec["revisionHistoryLimit"] = history_limit
    obj = {"apiVersion": "apps/v1", "kind": "StatefulSet",
           "metadata": {"name": "web", "namespace": "default", "uid": "u-web", "generation": 1,
                        "resourceVersion": "1", "creationTimestamp": ts(NOW - 1000)},
           "spec": spec}
    return defaults.apply_defaults(obj)


class Cluster:
    """The objects, the controller run over them, and what it did."""

    def __init__(self, *objects: dict, graceful: bool = False) -> None:
        self.view = MemoryView()
        self.graceful = graceful
        self.now = NOW
        self.events: list[RecordEvent] = []
        self.log: list[str] = []  # "create Pod web-0", "delete Pod web-2", ...
        self._rv = 10
        for obj in objects:
            self.put(obj)

    def put(self, obj: dict) -> None:
        self._rv += 1
        obj = values.clone(obj)
        obj["metadata"]["resourceVersion"] = str(self._rv)
        self.view.put(obj)

    def get(self, kind: str, name: str) -> dict | None:
        return self.view.get(kind, "default", name)

    @property
    def set(self) -> dict:
        return self.get("StatefulSet", "web")

    def pods(self) -> list[dict]:
        return self.view.list("Pod", "default")

    def pod_names(self) -> list[str]:
        return [p["metadata"]["name"] for p in self.pods()]

    def sync(self):
        """One reconcile of the set; its actions applied. Returns the Result."""
        result = controller.reconcile(KEY, self.view, self.now)
        for action in result.actions:
            self.apply(action)
        return result

    def apply(self, action) -> None:
        if isinstance(action, Create):
            obj = values.clone(action.obj)
            meta = obj["metadata"]
            meta["uid"] = f"u-{obj['kind']}-{meta['name']}-{self._rv}"
            meta["creationTimestamp"] = ts(self.now)
            if obj["kind"] == "Pod":
                obj["status"] = {"phase": "Pending"}
            self.log.append(f"create {obj['kind']} {meta['name']}")
            self.put(obj)
            if action.event:
                self.events.append(action.event)
        elif isinstance(action, UpdateStatus):
            current = values.clone(self.get(action.obj["kind"], action.obj["metadata"]["name"]))
            current["status"] = values.clone(action.obj["status"])
            self.put(current)
        elif isinstance(action, Update):
            self.log.append(f"update {action.obj['kind']} {action.obj['metadata']['name']}")
            self.put(action.obj)
        elif isinstance(action, Delete):
            self.log.append(f"delete {action.kind} {action.name}")
            obj = self.get(action.kind, action.name)
            if obj is None:
                return
            if self.graceful and action.kind == "Pod":
                obj = values.clone(obj)
                obj["metadata"]["deletionTimestamp"] = ts(self.now)
                self.put(obj)
            else:
                self.view.discard(Key(action.kind, "default", action.name))
        elif isinstance(action, RecordEvent):
            self.events.append(action)

    def finish_terminating(self) -> None:
        for pod in self.pods():
            if pod["metadata"].get("deletionTimestamp"):
                self.view.discard(Key("Pod", "default", pod["metadata"]["name"]))

    def set_phase(self, name: str, phase: str, ready: bool = False) -> None:
        pod = values.clone(self.get("Pod", name))
        pod["status"]["phase"] = phase
        pod["status"]["conditions"] = [{"type": "Ready", "status": "True" if ready else "False",
                                        "lastTransitionTime": ts(self.now)}]
        self.put(pod)

    def ready(self, *names: str) -> None:
        for name in names or [p["metadata"]["name"] for p in self.pods()]:
            pod = self.get("Pod", name)
            if pod and not pod["metadata"].get("deletionTimestamp"):
                ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                            for c in pod["status"].get("conditions") or [])
                if not ready:
                    self.set_phase(name, "Running", ready=True)

    def converge(self, limit: int = 200) -> None:
        """Sync, make every pod Running and Ready, finish terminations, until nothing changes."""
        for _ in range(limit):
            before = (len(self.log), [(p["metadata"]["name"], p["metadata"]["resourceVersion"])
                                      for p in self.pods()], self.set.get("status"))
            self.sync()
            self.ready()
            self.finish_terminating()
            after = (len(self.log), [(p["metadata"]["name"], p["metadata"]["resourceVersion"])
                                     for p in self.pods()], self.set.get("status"))
            if before == after:
                return
        raise AssertionError("did not converge")

    def scale(self, replicas: int) -> None:
        obj = values.clone(self.set)
        obj["spec"]["replicas"] = replicas
        obj["metadata"]["generation"] += 1
        self.put(obj)

    def set_image(self, image: str) -> None:
        obj = values.clone(self.set)
        obj["spec"]["template"]["spec"]["containers"][0]["image"] = image
        obj["metadata"]["generation"] += 1
        self.put(obj)

    def revisions(self) -> list[dict]:
        return sorted(self.view.list("ControllerRevision", "default"), key=lambda c: c["revision"])
