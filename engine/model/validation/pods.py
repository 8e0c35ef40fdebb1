"""Validation of PodSpec and PodTemplateSpec, worded as core/validation/validation.go.

No I/O happens here. Fields that defaulting always fills (restartPolicy,
dnsPolicy, imagePullPolicy, protocols, probe thresholds) are checked only
when present, so an undefaulted object is not refused for lacking them.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping

from litekube.model import names, quantities
from litekube.model.validation.fields import (
    Errs,
    is_valid_port_name,
    is_valid_port_num,
    nonnegative,
    validate_annotations,
    validate_label_name,
    validate_labels,
    validate_port_num_or_name,
)

__all__ = ["validate_pod_spec", "validate_pod_template_spec", "validate_tolerations",
           "canonical_quantity"]

_PROTOCOLS = ("SCTP", "TCP", "UDP")
_RESTART_POLICIES = ("Always", "OnFailure", "Never")
_DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
_PULL_POLICIES = ("Always", "IfNotPresent", "Never")
_TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
_TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_STANDARD_CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")
_STANDARD_RESOURCES = _STANDARD_CONTAINER_RESOURCES + (
    "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
    "persistentvolumeclaims", "storage", "requests.cpu", "requests.memory", "requests.storage",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage")
_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc", "sleep")
_VOLUME_SOURCES = ("hostPath", "emptyDir", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore",
                   "secret", "nfs", "iscsi", "glusterfs", "flocker", "persistentVolumeClaim", "rbd",
                   "flexVolume", "cinder", "cephfs", "quobyte", "downwardAPI", "fc", "azureFile",
                   "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk",
                   "storageos", "configMap", "scaleIO", "projected", "csi", "ephemeral", "image")
_FILE_MODE_MSG = "must be a number between 0 and 0777 (octal), both inclusive"
_BINARY_SUFFIXES = ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei")


def canonical_quantity(value: Any) -> str:
    """Quantity.String(): `0.5` prints `500m`, `1024Mi` prints `1Gi`."""
    text = str(value)
    amount = quantities.parse(value)
    if any(text.endswith(s) for s in _BINARY_SUFFIXES) and amount.denominator == 1:
        return quantities.format_bytes(int(amount))
    return quantities.format_decimal(amount)


def _quantity(value: Any) -> Fraction | None:
    try:
        return quantities.parse(value)
    except (ValueError, TypeError):
        return None


def validate_pod_template_spec(errs: Errs, template: Mapping[str, Any], path: str) -> None:
    """ValidatePodTemplateSpec: template labels and annotations, then the pod spec."""
    meta = template.get("metadata") or {}
    validate_labels(errs, meta.get("labels"), f"{path}.labels")
    validate_annotations(errs, meta.get("annotations"), f"{path}.annotations")
    validate_pod_spec(errs, template.get("spec") or {}, f"{path}.spec")
    if (template.get("spec") or {}).get("ephemeralContainers"):
        errs.forbidden(f"{path}.spec.ephemeralContainers",
                       "ephemeral containers not allowed in pod template")


def validate_pod_spec(errs: Errs, spec: Mapping[str, Any], path: str,
                      extra_volumes: tuple[str, ...] = ()) -> None:
    """ValidatePodSpec, in upstream's order."""
    volumes = _validate_volumes(errs, spec.get("volumes") or [], f"{path}.volumes")
    volumes |= set(extra_volumes)
    _validate_containers(errs, spec.get("containers") or [], volumes, f"{path}.containers", True)
    if spec.get("initContainers"):
        _validate_containers(errs, spec["initContainers"], volumes, f"{path}.initContainers", False,
                             [c.get("name") or "" for c in spec.get("containers") or []])
    _supported(errs, spec.get("restartPolicy"), f"{path}.restartPolicy", _RESTART_POLICIES)
    _supported(errs, spec.get("dnsPolicy"), f"{path}.dnsPolicy", _DNS_POLICIES)
    validate_labels(errs, spec.get("nodeSelector"), f"{path}.nodeSelector")
    for key in ("serviceAccountName", "nodeName"):
        if spec.get(key):
            errs.messages(f"{path}.{key}", spec[key], names.is_dns1123_subdomain(spec[key]))
    deadline = spec.get("activeDeadlineSeconds")
    if isinstance(deadline, int) and not 1 <= deadline <= 2 ** 32 - 1:
        errs.invalid(f"{path}.activeDeadlineSeconds", deadline,
                     "must be between 1 and 4294967295, inclusive")
    for key in ("hostname", "subdomain"):
        if spec.get(key):
            errs.messages(f"{path}.{key}", spec[key], names.is_dns1123_label(spec[key]))
    if spec.get("tolerations"):
        validate_tolerations(errs, spec["tolerations"], f"{path}.tolerations")
    if spec.get("preemptionPolicy") not in (None, "PreemptLowerPriority", "Never"):
        errs.not_supported(f"{path}.preemptionPolicy", spec["preemptionPolicy"],
                           ("Never", "PreemptLowerPriority"))


def _supported(errs: Errs, value: Any, path: str, allowed: tuple[str, ...]) -> None:
    """A defaulted enum: missing is fine here, empty is Required, unknown is Unsupported."""
    if value is None:
        return
    if value == "":
        errs.required(path)
    elif value not in allowed:
        errs.not_supported(path, value, allowed)


def _validate_volumes(errs: Errs, volumes: list[Mapping[str, Any]], path: str) -> set[str]:
    seen: set[str] = set()
    for i, vol in enumerate(volumes):
        idx = f"{path}[{i}]"
        local = Errs()
        sources = [s for s in _VOLUME_SOURCES if vol.get(s) is not None]
        for extra in sources[1:]:
            local.forbidden(f"{idx}.{extra}", "may not specify more than 1 volume type")
        if sources:
            _validate_volume_source(local, sources[0], vol[sources[0]] or {}, f"{idx}.{sources[0]}")
        else:
            local.required(idx, "must specify a volume type")
        name = vol.get("name") or ""
        if not name:
            local.required(f"{idx}.name")
        else:
            local.messages(f"{idx}.name", name, names.is_dns1123_label(name))
        if name in seen:
            local.duplicate(f"{idx}.name", name)
        if not local:
            seen.add(name)
        errs.extend(local)
    return seen


def _validate_volume_source(errs: Errs, kind: str, source: Mapping[str, Any], path: str) -> None:
    required = {"hostPath": "path", "secret": "secretName", "configMap": "name",
                "persistentVolumeClaim": "claimName", "nfs": "server"}.get(kind)
    if required and not source.get(required):
        errs.required(f"{path}.{required}")
    mode = source.get("defaultMode")
    if isinstance(mode, int) and not 0 <= mode <= 0o777:
        errs.invalid(f"{path}.defaultMode", mode, _FILE_MODE_MSG)
    for j, item in enumerate(source.get("items") or []):
        if kind in ("secret", "configMap"):
            if not item.get("key"):
                errs.required(f"{path}.items[{j}].key")
            if not item.get("path"):
                errs.required(f"{path}.items[{j}].path")
    if kind == "emptyDir" and source.get("sizeLimit") is not None:
        limit = _quantity(source["sizeLimit"])
        if limit is not None and limit < 0:
            errs.forbidden(f"{path}.sizeLimit", "SizeLimit field must be a valid resource quantity")


def _validate_containers(errs: Errs, containers: list[Mapping[str, Any]], volumes: set[str],
                         path: str, is_regular: bool, taken: list[str] | None = None) -> None:
    if is_regular and not containers:
        errs.required(path)
    seen: set[str] = {n for n in taken or [] if n}
    for i, c in enumerate(containers):
        idx = f"{path}[{i}]"
        _validate_container_common(errs, c, volumes, idx)
        name = c.get("name") or ""
        if name in seen:
            errs.duplicate(f"{idx}.name", name)
        else:
            seen.add(name)
        if is_regular:
            if c.get("lifecycle"):
                _validate_lifecycle(errs, c["lifecycle"], f"{idx}.lifecycle")
            _validate_probe(errs, c.get("livenessProbe"), f"{idx}.livenessProbe", "liveness")
            _validate_probe(errs, c.get("readinessProbe"), f"{idx}.readinessProbe", "readiness")
            _validate_probe(errs, c.get("startupProbe"), f"{idx}.startupProbe", "startup")
            if c.get("restartPolicy") is not None:
                errs.forbidden(f"{idx}.restartPolicy", "may not be set for non-init containers")
        elif c.get("restartPolicy") not in (None, "Always"):
            errs.not_supported(f"{idx}.restartPolicy", c["restartPolicy"], ("Always",))


def _validate_container_common(errs: Errs, c: Mapping[str, Any], volumes: set[str], idx: str) -> None:
    name = c.get("name") or ""
    if not name:
        errs.required(f"{idx}.name")
    else:
        errs.messages(f"{idx}.name", name, names.is_dns1123_label(name))
    if not c.get("image"):
        errs.required(f"{idx}.image")
    _supported(errs, c.get("terminationMessagePolicy"), f"{idx}.terminationMessagePolicy",
               _TERMINATION_MESSAGE_POLICIES)
    _validate_ports(errs, c.get("ports") or [], f"{idx}.ports")
    _validate_env(errs, c.get("env") or [], f"{idx}.env")
    _validate_volume_mounts(errs, c.get("volumeMounts") or [], volumes, f"{idx}.volumeMounts")
    _supported(errs, c.get("imagePullPolicy"), f"{idx}.imagePullPolicy", _PULL_POLICIES)
    _validate_resources(errs, c.get("resources") or {}, f"{idx}.resources")


def _validate_ports(errs: Errs, ports: list[Mapping[str, Any]], path: str) -> None:
    seen: set[str] = set()
    for i, port in enumerate(ports):
        idx = f"{path}[{i}]"
        name = port.get("name") or ""
        if name:
            errs.messages(f"{idx}.name", name, is_valid_port_name(name))
            if name in seen:
                errs.duplicate(f"{idx}.name", name)
            seen.add(name)
        container_port = port.get("containerPort") or 0
        if container_port == 0:
            errs.required(f"{idx}.containerPort")
        else:
            errs.messages(f"{idx}.containerPort", container_port, is_valid_port_num(container_port))
        if port.get("hostPort"):
            errs.messages(f"{idx}.hostPort", port["hostPort"], is_valid_port_num(port["hostPort"]))
        _supported(errs, port.get("protocol"), f"{idx}.protocol", _PROTOCOLS)


def _validate_env(errs: Errs, env: list[Mapping[str, Any]], path: str) -> None:
    for i, var in enumerate(env):
        idx = f"{path}[{i}]"
        name = var.get("name") or ""
        if not name:
            errs.required(f"{idx}.name")
        elif any(ord(ch) < 32 or ord(ch) > 126 or ch == "=" for ch in name):
            errs.invalid(f"{idx}.name", name, "a valid environment variable name must consist "
                         "only of printable ASCII characters other than '='")
        source = var.get("valueFrom")
        if source is None:
            continue
        chosen = [k for k in ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef")
                  if source.get(k) is not None]
        if var.get("value"):
            if chosen:
                errs.invalid(f"{idx}.valueFrom", "", "may not be specified when `value` is not empty")
        elif not chosen:
            errs.invalid(f"{idx}.valueFrom", "", "must specify one of: `fieldRef`, "
                         "`resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`")
        elif len(chosen) > 1:
            errs.invalid(f"{idx}.valueFrom", "", "may not have more than one field specified at a time")
        for key in ("configMapKeyRef", "secretKeyRef"):
            ref = source.get(key)
            if isinstance(ref, dict):
                if not ref.get("name"):
                    errs.required(f"{idx}.valueFrom.{key}.name")
                if not ref.get("key"):
                    errs.required(f"{idx}.valueFrom.{key}.key")


def _validate_volume_mounts(errs: Errs, mounts: list[Mapping[str, Any]], volumes: set[str],
                            path: str) -> None:
    seen: set[str] = set()
    for i, mount in enumerate(mounts):
        idx = f"{path}[{i}]"
        name, mount_path = mount.get("name") or "", mount.get("mountPath") or ""
        if not name:
            errs.required(f"{idx}.name")
        if name not in volumes:
            errs.not_found(f"{idx}.name", name)
        if not mount_path:
            errs.required(f"{idx}.mountPath")
        if mount_path in seen:
            errs.invalid(f"{idx}.mountPath", mount_path, "must be unique")
        seen.add(mount_path)


def _validate_resource_name(errs: Errs, name: str, path: str) -> None:
    before = len(errs)
    errs.messages(path, name, names.is_qualified_name(name))
    if len(errs) == before and "/" not in name:
        if name not in _STANDARD_RESOURCES and not name.startswith("hugepages-"):
            errs.invalid(path, name, "must be a standard resource type or fully qualified")
    if "/" not in name:
        if name not in _STANDARD_CONTAINER_RESOURCES and not name.startswith("hugepages-"):
            errs.invalid(path, name, "must be a standard resource for containers")


def _validate_resources(errs: Errs, resources: Mapping[str, Any], path: str) -> None:
    limits = resources.get("limits") or {}
    requests = resources.get("requests") or {}
    for name, value in limits.items():
        key_path = f"{path}.limits[{name}]"
        _validate_resource_name(errs, name, key_path)
        amount = _quantity(value)
        if amount is not None and amount < 0:
            errs.invalid(key_path, canonical_quantity(value), "must be greater than or equal to 0")
    for name, value in requests.items():
        key_path = f"{path}.requests[{name}]"
        _validate_resource_name(errs, name, key_path)
        amount = _quantity(value)
        if amount is not None and amount < 0:
            errs.invalid(key_path, canonical_quantity(value), "must be greater than or equal to 0")
        limit = _quantity(limits[name]) if name in limits else None
        if amount is None or limit is None:
            continue
        native = "/" not in name or "kubernetes.io/" in name
        overcommit = native and not name.startswith("hugepages-")
        if amount != limit and not overcommit:
            errs.invalid(f"{path}.requests", canonical_quantity(value),
                         f"must be equal to {name} limit of {canonical_quantity(limits[name])}")
        elif amount > limit:
            errs.invalid(f"{path}.requests", canonical_quantity(value),
                         f"must be less than or equal to {name} limit of {canonical_quantity(limits[name])}")


def _validate_handler(errs: Errs, handler: Mapping[str, Any], path: str, kinds: tuple[str, ...]) -> None:
    count = 0
    for kind in kinds:
        action = handler.get(kind)
        if action is None:
            continue
        if count:
            errs.forbidden(f"{path}.{kind}", "may not specify more than 1 handler type")
            continue
        count += 1
        sub = f"{path}.{kind}"
        if kind == "exec" and not action.get("command"):
            errs.required(f"{sub}.command")
        elif kind == "httpGet":
            if action.get("path") == "":
                errs.required(f"{sub}.path")
            validate_port_num_or_name(errs, action.get("port"), f"{sub}.port")
            if action.get("scheme") not in (None, "HTTP", "HTTPS"):
                errs.not_supported(f"{sub}.scheme", action["scheme"], ("HTTP", "HTTPS"))
        elif kind == "tcpSocket":
            validate_port_num_or_name(errs, action.get("port"), f"{sub}.port")
        elif kind == "grpc":
            port = action.get("port") or 0
            errs.messages(f"{sub}.port", port, is_valid_port_num(port))
    if count == 0:
        errs.required(path, "must specify a handler type")


def _validate_lifecycle(errs: Errs, lifecycle: Mapping[str, Any], path: str) -> None:
    for hook in ("postStart", "preStop"):
        if lifecycle.get(hook) is not None:
            _validate_handler(errs, lifecycle[hook], f"{path}.{hook}", _HANDLERS[:3] + ("sleep",))


def _validate_probe(errs: Errs, probe: Mapping[str, Any] | None, path: str, which: str) -> None:
    if probe is None:
        return
    _validate_handler(errs, probe, path, ("exec", "httpGet", "tcpSocket", "grpc"))
    for key in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
                "failureThreshold"):
        nonnegative(errs, probe.get(key), f"{path}.{key}")
    grace = probe.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and grace <= 0:
        errs.invalid(f"{path}.terminationGracePeriodSeconds", grace, "must be greater than 0")
    success = probe.get("successThreshold", 1)
    if which in ("liveness", "startup") and success != 1:
        errs.invalid(f"{path}.successThreshold", success, "must be 1")
    if which == "readiness" and grace is not None:
        errs.invalid(f"{path}.terminationGracePeriodSeconds", grace,
                     "must not be set for readinessProbes")


def validate_tolerations(errs: Errs, tolerations: list[Mapping[str, Any]], path: str) -> None:
    """validateTolerations."""
    for i, tol in enumerate(tolerations):
        idx = f"{path}[{i}]"
        key, op = tol.get("key") or "", tol.get("operator") or ""
        value, effect = tol.get("value") or "", tol.get("effect") or ""
        if key:
            validate_label_name(errs, key, f"{idx}.key")
        if not key and op != "Exists":
            errs.invalid(f"{idx}.operator", op, "operator must be Exists when `key` is empty, "
                         'which means "match all values and all keys"')
        if tol.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.invalid(f"{idx}.effect", effect,
                         "effect must be 'NoExecute' when `tolerationSeconds` is set")
        if op in ("Equal", ""):
            msgs = names.is_valid_label_value(value)
            if msgs:
                errs.invalid(f"{idx}.operator", value, ";".join(msgs))
        elif op == "Exists":
            if value:
                errs.invalid(f"{idx}.operator", value, "value must be empty when `operator` is 'Exists'")
        else:
            errs.not_supported(f"{idx}.operator", op, ("Equal", "Exists"))
        if effect and effect not in _TAINT_EFFECTS:
            errs.not_supported(f"{idx}.effect", effect, _TAINT_EFFECTS)
