"""What a pod waits for before its containers run: the ConfigMaps and Secrets it mounts or reads.

No I/O happens here. As the kubelet does it (pkg/kubelet/volumemanager and
kubelet_pods.go makeEnvironmentVariables):

- a configMap, secret or projected volume whose object is missing (and not
  `optional: true`) keeps the pod in ContainerCreating, with a FailedMount
  event `MountVolume.SetUp failed for volume "x" : configmap "y" not found`;
- an env `valueFrom` or `envFrom` reference to a missing object or key
  fails that container's start with CreateContainerConfigError and the
  message `configmap "y" not found` or `couldn't find key k in ConfigMap ns/y`.

`references(pod)` lists what a pod refers to, for the view's index; the
kubelet is triggered through it when such an object appears or changes.
"""
from __future__ import annotations

from collections.abc import Iterable

from litekube.model import values
from litekube.reconcile.base import Key, RecordEvent, Result, UpdateStatus, View, ref_of
from litekube.reconcile.common import volumes

__all__ = [
    "CONFIG_ERROR",
    "config_error",
    "missing_volume",
    "pods_referencing_key",
    "references",
    "unmountable_claim",
    "wait_for_volume",
]

CONFIG_ERROR = "CreateContainerConfigError"

_KIND_WORD = {"ConfigMap": "configmap", "Secret": "secret"}


def _volume_sources(volume: dict) -> list[tuple[str, str, bool]]:
    """(kind, name, optional) of every object a volume mounts."""
    out = []
    if isinstance(volume.get("configMap"), dict):
        cm = volume["configMap"]
        out.append(("ConfigMap", cm.get("name", ""), bool(cm.get("optional"))))
    if isinstance(volume.get("secret"), dict):
        secret = volume["secret"]
        out.append(("Secret", secret.get("secretName", ""), bool(secret.get("optional"))))
    for source in (volume.get("projected") or {}).get("sources") or []:
        if isinstance(source.get("configMap"), dict):
            cm = source["configMap"]
            out.append(("ConfigMap", cm.get("name", ""), bool(cm.get("optional"))))
        if isinstance(source.get("secret"), dict):
            secret = source["secret"]
            out.append(("Secret", secret.get("name", ""), bool(secret.get("optional"))))
    return out


def _containers(pod: dict) -> list[dict]:
    spec = pod.get("spec") or {}
    return [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]


def references(pod: dict) -> set[tuple[str, str]]:
    """Every (kind, name) of ConfigMap or Secret the pod mounts or reads, and of the claims it mounts."""
    refs = {(kind, name) for v in (pod.get("spec") or {}).get("volumes") or [] for kind, name, _ in _volume_sources(v)}
    refs.update(("PersistentVolumeClaim", claim) for _, claim in volumes.claims_of_pod(pod))
    for container in _containers(pod):
        for env in container.get("envFrom") or []:
            if isinstance(env.get("configMapRef"), dict):
                refs.add(("ConfigMap", env["configMapRef"].get("name", "")))
            if isinstance(env.get("secretRef"), dict):
                refs.add(("Secret", env["secretRef"].get("name", "")))
        for env in container.get("env") or []:
            source = env.get("valueFrom") or {}
            if isinstance(source.get("configMapKeyRef"), dict):
                refs.add(("ConfigMap", source["configMapKeyRef"].get("name", "")))
            if isinstance(source.get("secretKeyRef"), dict):
                refs.add(("Secret", source["secretKeyRef"].get("name", "")))
    return refs


def missing_volume(pod: dict, view: View) -> tuple[str, str] | None:
    """The first volume whose object is missing: (volume name, kubelet's SetUp error)."""
    namespace = (pod.get("metadata") or {}).get("namespace", "")
    for volume in (pod.get("spec") or {}).get("volumes") or []:
        for kind, name, optional in _volume_sources(volume):
            if not optional and view.get(kind, namespace, name) is None:
                return volume.get("name", ""), f'{_KIND_WORD[kind]} "{name}" not found'
    return None


def unmountable_claim(pod: dict, view: View) -> tuple[str, str] | None:
    """The first claim volume the kubelet cannot process: (volume name, its FailedMount message).

    The volume manager's desired-state populator refuses a claim that is
    missing, being deleted or not Bound; the pod waits (reported once the
    mount times out, as `Unable to attach or mount volumes: ...`).
    """
    namespace = (pod.get("metadata") or {}).get("namespace", "")
    for volume, name in volumes.claims_of_pod(pod):
        pvc = view.get("PersistentVolumeClaim", namespace, name)
        if pvc is None:
            error = f'failed to fetch PVC from API server: persistentvolumeclaims "{name}" not found'
        elif (pvc.get("metadata") or {}).get("deletionTimestamp"):
            error = "can't start pod because PVC is being deleted"
        elif (pvc.get("status") or {}).get("phase") != "Bound" or not (pvc.get("spec") or {}).get("volumeName"):
            error = "PVC is not bound"
        else:
            continue
        return volume, (f"Unable to attach or mount volumes: unmounted volumes=[{volume}], unattached volumes=[], "
                        f"failed to process volumes=[{volume}]: error processing PVC {namespace}/{name}: {error}")
    return None


def _keys(obj: dict) -> set[str]:
    return set(obj.get("data") or {}) | set(obj.get("binaryData") or {}) | set(obj.get("stringData") or {})


def config_error(pod: dict, container: dict, view: View) -> str | None:
    """makeEnvironmentVariables' error for one container, or None when its environment resolves."""
    namespace = (pod.get("metadata") or {}).get("namespace", "")
    for env in container.get("envFrom") or []:
        for field, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            ref = env.get(field)
            if isinstance(ref, dict) and view.get(kind, namespace, ref.get("name", "")) is None \
                    and not ref.get("optional"):
                return f'{_KIND_WORD[kind]} "{ref.get("name", "")}" not found'
    for env in container.get("env") or []:
        source = env.get("valueFrom") or {}
        for field, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
            ref = source.get(field)
            if not isinstance(ref, dict):
                continue
            name, key, optional = ref.get("name", ""), ref.get("key", ""), bool(ref.get("optional"))
            obj = view.get(kind, namespace, name)
            if obj is None:
                if optional:
                    continue
                return f'{_KIND_WORD[kind]} "{name}" not found'
            if key not in _keys(obj) and not optional:
                return f"couldn't find key {key} in {kind} {namespace}/{name}"
    return None


def pods_referencing_key(obj: dict, view: View) -> Iterable[Key]:
    """The kubelet's mapper for ConfigMaps and Secrets: the bound pods that refer to the changed object."""
    meta = obj.get("metadata") or {}
    return [Key("Pod", p["metadata"].get("namespace", ""), p["metadata"].get("name", ""))
            for p in view.pods_referencing(obj.get("kind", ""), meta.get("namespace", ""), meta.get("name", ""))
            if (p.get("spec") or {}).get("nodeName")]


def wait_for_volume(pod: dict, node: dict, volume: str, error: str, component: str,
                    message: str | None = None) -> Result:
    """A pod whose volume cannot be set up: its containers wait in ContainerCreating, FailedMount is recorded.

    The status is written once (no start time yet: the pod starts from the
    sync that finds its volumes); the event is recorded on each sync that
    still fails, which bumps its count.
    """
    waiting = values.clone(pod)
    status = waiting.setdefault("status", {})
    spec = pod.get("spec") or {}
    reason = "PodInitializing" if spec.get("initContainers") else "ContainerCreating"
    for field, containers in (("initContainerStatuses", spec.get("initContainers") or []),
                              ("containerStatuses", spec.get("containers") or [])):
        if containers:
            status[field] = [{"image": c.get("image", ""), "imageID": "", "lastState": {}, "name": c.get("name", ""),
                              "ready": False, "restartCount": 0, "started": False,
                              "state": {"waiting": {"reason": reason}}} for c in containers]
    event = RecordEvent(ref_of(pod), "Warning", "FailedMount",
                        message or f'MountVolume.SetUp failed for volume "{volume}" : {error}', component,
                        (node.get("metadata") or {}).get("name", ""))
    actions: list = [UpdateStatus(waiting)] if status != (pod.get("status") or {}) else []
    return Result(actions + [event])
