"""The admission plugins that read the cluster: ServiceAccount, Priority, RuntimeClass, LimitRanger, ResourceQuota,
DefaultStorageClass, DefaultIngressClass.

This module does I/O through the store (it reads ServiceAccounts,
PriorityClasses, LimitRanges and ResourceQuotas, and writes a quota's
status.used as the quota plugin does). `Admission(tx)` is handed to
admission.prepare_create: `mutate` runs before validation (the mutating
plugins: ServiceAccount, Priority, RuntimeClass, LimitRanger),
`verify` after it (LimitRanger's and ResourceQuota's checks). Refusals
are Forbidden, worded as admission.NewForbidden: `pods "web" is forbidden: ...`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from litekube import errors
from litekube.api import admission
from litekube.model import durations, kinds, limitranging, quota, values
from litekube.model.tables import storage as tables_storage

if TYPE_CHECKING:
    from litekube.api.server import Transaction

__all__ = ["PVC_PROTECTION", "PV_PROTECTION", "ROOT_CA_CONFIGMAP", "TOKEN_MOUNT_PATH", "TOKEN_VOLUME_PREFIX",
           "Admission", "token_volume"]

TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
TOKEN_VOLUME_PREFIX = "kube-api-access-"
ROOT_CA_CONFIGMAP = "kube-root-ca.crt"
_TOKEN_EXPIRATION = 3607  # serviceaccount.WarnOnlyBoundTokenExpirationSeconds
_DEFAULT_SA = "default"
PVC_PROTECTION = "kubernetes.io/pvc-protection"
PV_PROTECTION = "kubernetes.io/pv-protection"


def token_volume(name: str) -> dict:
    """TokenVolumeSource: the projected token, the cluster CA and the namespace."""
    return {"name": name, "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": _TOKEN_EXPIRATION, "path": "token"}},
        {"configMap": {"name": ROOT_CA_CONFIGMAP, "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                    "path": "namespace"}]}}]}}


def _add_finalizer(obj: dict, finalizer: str) -> None:
    """The StorageObjectInUseProtection plugin: claims and volumes carry their protection finalizer."""
    finalizers = obj["metadata"].setdefault("finalizers", [])
    if finalizer not in finalizers:
        finalizers.append(finalizer)


def _forbidden(obj: dict, message: str, name: str | None = None) -> errors.Forbidden:
    """admission.NewForbidden: `<resource> "<name or generateName>" is forbidden: <message>`.

    Admission runs before the apiserver generates a name, so a request with
    only generateName is named by its prefix.
    """
    kind = kinds.lookup(obj.get("kind", ""))
    meta = obj.get("metadata") or {}
    name = name or meta.get("name") or meta.get("generateName") or "Unknown"
    return errors.Forbidden(f'{kind.resource} "{name}" is forbidden: {message}')


class Admission:
    """The plugins for one request, reading and writing through `tx`."""

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx
        self.requested_name: str | None = None  # the name as requested (generateName if none)

    def _refuse(self, obj: dict, message: str) -> errors.Forbidden:
        return _forbidden(obj, message, self.requested_name)

    # -- mutating ------------------------------------------------------------
    def mutate(self, obj: dict, raw: dict) -> None:
        """Admit (mutating phase) on a create of `raw`; changes the defaulted `obj` in place or raises Forbidden."""
        raw_meta = raw.get("metadata") or {}
        self.requested_name = raw_meta.get("name") or raw_meta.get("generateName") or None
        kind = obj.get("kind")
        if kind == "Pod":
            self._service_account(obj)
            self._priority(obj, (raw.get("spec") or {}))
            self._runtime_class(obj)
            for limit_range in self._limit_ranges(obj):
                limitranging.default_pod(obj, limit_range)
        elif kind == "PersistentVolumeClaim":
            self._default_storage_class(obj)
            _add_finalizer(obj, PVC_PROTECTION)
        elif kind == "PersistentVolume":
            _add_finalizer(obj, PV_PROTECTION)
        elif kind == "Ingress":
            self._default_ingress_class(obj)
        elif kind == "Service":
            from litekube.api import services  # the registry's BeginCreate: allocation before validation
            services.allocate_create(self.tx, obj, raw)
        elif kind == "PriorityClass" and obj.get("globalDefault"):
            default = self._default_priority_class()
            if default is not None:
                raise self._refuse(obj, f"PriorityClass {default['metadata']['name']} is already marked as "
                                      "default. Only one default can exist")

    def _default_storage_class(self, pvc: dict) -> None:
        """The DefaultStorageClass plugin: a claim that names no class gets the default one.

        `storageClassName: ""` asks for no class and is left alone. With several
        defaults, GetDefaultClass takes the newest (then the first by name).
        """
        spec = pvc.setdefault("spec", {})
        annotations = pvc["metadata"].get("annotations") or {}
        if spec.get("storageClassName") is not None or "volume.beta.kubernetes.io/storage-class" in annotations:
            return
        defaults = [sc for sc in self.tx.list("StorageClass").items if tables_storage.is_default_class(sc)]
        if not defaults:
            return
        defaults.sort(key=lambda sc: sc["metadata"]["name"])
        defaults.sort(key=lambda sc: sc["metadata"].get("creationTimestamp") or "", reverse=True)
        spec["storageClassName"] = defaults[0]["metadata"]["name"]

    def _default_ingress_class(self, ingress: dict) -> None:
        """The DefaultIngressClass plugin: an Ingress with neither class field nor annotation gets the default.

        With several classes annotated `ingressclass.kubernetes.io/is-default-class: "true"`,
        getDefaultClass takes the newest (then the first by name).
        """
        spec = ingress.setdefault("spec", {})
        if spec.get("ingressClassName") is not None \
                or "kubernetes.io/ingress.class" in (ingress["metadata"].get("annotations") or {}):
            return
        defaults = [c for c in self.tx.list("IngressClass").items
                    if ((c.get("metadata") or {}).get("annotations") or {}).get(
                        "ingressclass.kubernetes.io/is-default-class") == "true"]
        if not defaults:
            return
        defaults.sort(key=lambda c: c["metadata"]["name"])
        defaults.sort(key=lambda c: c["metadata"].get("creationTimestamp") or "", reverse=True)
        spec["ingressClassName"] = defaults[0]["metadata"]["name"]

    def _service_account(self, pod: dict) -> None:
        """The ServiceAccount plugin: default the name, require the account, mount its token."""
        spec = pod.setdefault("spec", {})
        if (pod["metadata"].get("annotations") or {}).get("kubernetes.io/config.mirror"):
            return
        if not spec.get("serviceAccountName"):
            spec["serviceAccountName"] = spec.get("serviceAccount") or _DEFAULT_SA
        spec["serviceAccount"] = spec["serviceAccountName"]  # the deprecated alias v1 conversion fills in
        namespace, name = pod["metadata"]["namespace"], spec["serviceAccountName"]
        account = self.tx.cached_read("ServiceAccount", ("ServiceAccount", namespace, name),
                                      lambda: self.tx.find("ServiceAccount", namespace, name))
        if account is None and name == _DEFAULT_SA:
            # Upstream retries `default` for a second while the serviceaccount
            # controller creates it; in one transaction, create it as it would.
            account = self.tx.create({"apiVersion": "v1", "kind": "ServiceAccount",
                                      "metadata": {"name": _DEFAULT_SA, "namespace": namespace}})
        if account is None:
            raise self._refuse(pod, f"error looking up service account {namespace}/{name}: "
                                  f'serviceaccount "{name}" not found')
        automount = spec.get("automountServiceAccountToken")
        if automount is None:
            automount = account.get("automountServiceAccountToken")
        if automount is not False:
            self._mount_token(pod)
        if not spec.get("imagePullSecrets") and account.get("imagePullSecrets"):
            spec["imagePullSecrets"] = [{"name": s.get("name", "")} for s in account["imagePullSecrets"]]

    def _mount_token(self, pod: dict) -> None:
        """mountServiceAccountToken; the volume's random suffix comes from the pod's namespace and name here."""
        spec = pod["spec"]
        volumes = spec.setdefault("volumes", [])
        existing = next((v["name"] for v in volumes if str(v.get("name", "")).startswith(TOKEN_VOLUME_PREFIX)), None)
        name = existing or admission.generate_name(
            TOKEN_VOLUME_PREFIX, f'{pod["metadata"].get("namespace", "")}/{pod["metadata"].get("name", "")}')
        needs = False
        for field in ("initContainers", "containers"):
            for container in spec.get(field) or []:
                mounts = container.setdefault("volumeMounts", [])
                if any(m.get("mountPath") == TOKEN_MOUNT_PATH for m in mounts):
                    continue
                mounts.append({"mountPath": TOKEN_MOUNT_PATH, "name": name, "readOnly": True})
                needs = True
        if existing is None and needs:
            volumes.append(token_volume(name))
        if not volumes:
            spec.pop("volumes")

    def _default_priority_class(self) -> dict | None:
        """getDefaultPriorityClass: among global defaults, the lowest value."""
        def read() -> dict | None:
            defaults = [pc for pc in self.tx.list("PriorityClass").items if pc.get("globalDefault")]
            return min(defaults, key=lambda pc: pc.get("value") or 0, default=None)
        return self.tx.cached_read("PriorityClass", ("default PriorityClass",), read)  # type: ignore[return-value]

    def _priority(self, pod: dict, raw_spec: dict) -> None:
        """The Priority plugin: spec.priority and preemptionPolicy from the pod's class."""
        spec = pod["spec"]
        name = spec.get("priorityClassName") or ""
        if not name:
            default = self._default_priority_class()
            if default is None:
                value, policy = 0, "PreemptLowerPriority"
            else:
                spec["priorityClassName"] = default["metadata"]["name"]
                value, policy = default.get("value") or 0, default.get("preemptionPolicy") or "PreemptLowerPriority"
        else:
            found = self.tx.find("PriorityClass", "", name)
            if found is None:
                raise self._refuse(pod, f"no PriorityClass with name {name} was found")
            value, policy = found.get("value") or 0, found.get("preemptionPolicy") or "PreemptLowerPriority"
        given = raw_spec.get("priority")
        if given is not None and given != value:
            raise self._refuse(pod, f"the integer value of priority ({given}) must not be provided in pod spec; "
                                  f"priority admission controller computed {value} from the given PriorityClass name")
        given_policy = raw_spec.get("preemptionPolicy")
        if given_policy is not None and given_policy != policy:
            raise self._refuse(pod, f"the string value of PreemptionPolicy ({given_policy}) must not be provided in pod "
                                  f"spec; priority admission controller computed {policy} from the given "
                                  "PriorityClass name")
        spec["priority"], spec["preemptionPolicy"] = value, policy

    def _runtime_class(self, pod: dict) -> None:
        """The RuntimeClass plugin: the class must exist; its overhead and scheduling go into the pod."""
        spec = pod["spec"]
        name = spec.get("runtimeClassName")
        if not name:
            return
        found = self.tx.find("RuntimeClass", "", name)
        if found is None:
            raise self._refuse(pod, f'pod rejected: RuntimeClass "{name}" not found')
        overhead = (found.get("overhead") or {}).get("podFixed")
        if overhead:
            if spec.get("overhead") and spec["overhead"] != overhead:
                raise self._refuse(pod, "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead")
            spec["overhead"] = dict(overhead)
        scheduling = found.get("scheduling") or {}
        selector = dict(spec.get("nodeSelector") or {})
        for key, value in sorted((scheduling.get("nodeSelector") or {}).items()):
            if key in selector and selector[key] != value:
                raise self._refuse(pod, f"conflict: runtimeClass.scheduling.nodeSelector[{key}] = {value}; "
                                        f"pod.spec.nodeSelector[{key}] = {selector[key]}")
            selector[key] = value
        if selector:
            spec["nodeSelector"] = selector
        tolerations = list(spec.get("tolerations") or [])
        for toleration in scheduling.get("tolerations") or []:
            if toleration not in tolerations:
                tolerations.append(toleration)
        if tolerations:
            spec["tolerations"] = tolerations

    def _limit_ranges(self, obj: dict) -> list[dict]:
        namespace = obj["metadata"].get("namespace", "")
        return self.tx.cached_read("LimitRange", ("LimitRange", namespace),  # type: ignore[return-value]
                                   lambda: self.tx.list("LimitRange", namespace).items)

    # -- validating ----------------------------------------------------------
    def verify(self, obj: dict) -> None:
        """Validate (after object validation): LimitRanger's constraints, then every quota."""
        kind = kinds.lookup(obj.get("kind", ""))
        if not kind.namespaced:
            return
        if obj["kind"] in ("Pod", "PersistentVolumeClaim"):
            check = limitranging.verify_pod if obj["kind"] == "Pod" else limitranging.verify_claim
            for limit_range in self._limit_ranges(obj):
                problems = check(obj, limit_range)
                if problems:
                    text = problems[0] if len(problems) == 1 else "[" + ", ".join(problems) + "]"
                    raise self._refuse(obj, text)
        self._quota(obj)

    def _quota(self, obj: dict) -> None:
        """The ResourceQuota plugin: every matching quota must have room; their usage goes up."""
        namespace = obj["metadata"].get("namespace", "")
        quotas: list[dict] = self.tx.cached_read("ResourceQuota", ("ResourceQuota", namespace),  # type: ignore[assignment]
                                                 lambda: self.tx.list("ResourceQuota", namespace).items)
        if not quotas:
            return
        now = self.tx.now()
        updates = []
        for item in quotas:
            try:
                used = quota.admit(item, obj, now)
            except quota.QuotaRefusal as refusal:
                raise self._refuse(obj, str(refusal)) from None
            if used is not None:
                updates.append((item, used))
        for item, used in updates:
            updated = values.clone(item)
            updated["status"]["used"] = used
            self.tx.update_status(updated, namespace=item["metadata"]["namespace"])


def deletion_seconds(obj: dict) -> float | None:
    """When a deleted object's grace period ends (seconds), or None."""
    meta = obj.get("metadata") or {}
    if not meta.get("deletionTimestamp"):
        return None
    return durations.parse_time(meta["deletionTimestamp"]).timestamp()
