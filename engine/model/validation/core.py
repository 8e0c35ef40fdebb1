"""Validation of Service, ConfigMap, Secret, Namespace, Node and PersistentVolumeClaim.

No I/O happens here. Worded as pkg/apis/core/validation/validation.go; the
NodePort range check is the allocator's error, raised at the same point.
"""
from __future__ import annotations

import base64
import re
from typing import Any, Mapping

from litekube.errors import Cause, Raw
from litekube.model import names
from litekube.model.validation.fields import (
    Errs,
    go_quote,
    go_strings,
    is_valid_port_num,
    validate_label_name,
    validate_labels,
    validate_port_num_or_name,
)

__all__ = ["VALIDATORS", "UPDATE_VALIDATORS", "is_config_map_key"]

_SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
_PROTOCOLS = ("SCTP", "TCP", "UDP")
_MAX_SECRET_SIZE = 1024 * 1024
_NODE_PORT_RANGE = (30000, 32767)
_CONFIG_KEY_RE = re.compile(r"^[-._a-zA-Z0-9]+\Z")
_IMMUTABLE_SET = "field is immutable when `immutable` is set"


def is_config_map_key(key: str) -> list[str]:
    """IsConfigMapKey."""
    errs: list[str] = []
    if len(key) > names.DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(names.max_len_error(names.DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _CONFIG_KEY_RE.match(key):
        errs.append(names.regex_error(
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
            "[-._a-zA-Z0-9]+", "key.name", "KEY_NAME", "key-name"))
    if key == ".":
        errs.append("must not be '.'")
    elif key == "..":
        errs.append("must not be '..'")
    elif key.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def _go_service_port(port: Mapping[str, Any]) -> Raw:
    return Raw(f'core.ServicePort{{Name:"", Protocol:{go_quote(port.get("protocol") or "")}, '
               f'AppProtocol:(*string)(nil), Port:{int(port.get("port") or 0)}, '
               'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}')


def _cluster_ips(spec: Mapping[str, Any]) -> list[str]:
    if spec.get("clusterIPs"):
        return list(spec["clusterIPs"])
    return [spec["clusterIP"]] if spec.get("clusterIP") else []


def validate_service(errs: Errs, obj: Mapping[str, Any]) -> None:
    spec = obj.get("spec") or {}
    kind = spec.get("type")
    ips = _cluster_ips(spec)
    headless = bool(ips) and ips[0] == "None"
    ports = spec.get("ports") or []
    if not ports and not headless and kind != "ExternalName":
        errs.required("spec.ports")
    if kind == "LoadBalancer":
        for i, port in enumerate(ports):
            if port.get("port") == 10250:
                errs.invalid(f"spec.ports[{i}]", 10250,
                             "may not expose port 10250 externally since it is used by kubelet")
        if headless:
            errs.invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for LoadBalancer services")
    elif kind == "NodePort" and headless:
        errs.invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for NodePort services")
    elif kind == "ExternalName":
        if spec.get("clusterIPs"):
            errs.forbidden("spec.clusterIPs", "may not be set for ExternalName services")
        cname = (spec.get("externalName") or "").removesuffix(".")
        if cname:
            errs.messages("spec.externalName", cname, names.is_dns1123_subdomain(cname))
        else:
            errs.required("spec.externalName")
    seen: set[str] = set()
    for i, port in enumerate(ports):
        path = f"spec.ports[{i}]"
        name = port.get("name") or ""
        if len(ports) > 1 and not name:
            errs.required(f"{path}.name")
        elif name:
            errs.messages(f"{path}.name", name, names.is_dns1123_label(name))
            if name in seen:
                errs.duplicate(f"{path}.name", name)
            seen.add(name)
        number = port.get("port") or 0
        errs.messages(f"{path}.port", number, is_valid_port_num(number))
        protocol = port.get("protocol")
        if protocol == "":
            errs.required(f"{path}.protocol")
        elif protocol is not None and protocol not in _PROTOCOLS:
            errs.not_supported(f"{path}.protocol", protocol, _PROTOCOLS)
        target = port.get("targetPort")
        validate_port_num_or_name(errs, number if target is None else target, f"{path}.targetPort")
        if port.get("appProtocol") is not None:
            errs.messages(f"{path}.appProtocol", port["appProtocol"],
                          names.is_qualified_name(port["appProtocol"]))
    if spec.get("selector") is not None:
        validate_labels(errs, spec["selector"], "spec.selector")
    affinity = spec.get("sessionAffinity")
    if affinity == "":
        errs.required("spec.sessionAffinity")
    elif affinity is not None and affinity not in ("ClientIP", "None"):
        errs.not_supported("spec.sessionAffinity", affinity, ("ClientIP", "None"))
    if affinity != "ClientIP" and spec.get("sessionAffinityConfig") is not None:
        errs.forbidden("spec.sessionAffinityConfig",
                       f"must not be set when session affinity is {affinity or 'None'}")
    if kind == "":
        errs.required("spec.type")
    elif kind is not None and kind not in _SERVICE_TYPES:
        errs.not_supported("spec.type", kind, _SERVICE_TYPES)
    for i, port in enumerate(ports):
        node_port = port.get("nodePort") or 0
        if not node_port:
            continue
        if kind in (None, "ClusterIP"):
            errs.forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'")
        elif not _NODE_PORT_RANGE[0] <= node_port <= _NODE_PORT_RANGE[1]:
            errs.invalid(f"spec.ports[{i}].nodePort", node_port,
                         "provided port is not in the valid range. The range of valid ports is 30000-32767")
    node_ports: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):
        if port.get("nodePort"):
            key = (port.get("protocol"), port["nodePort"])
            if key in node_ports:
                errs.duplicate(f"spec.ports[{i}].nodePort", port["nodePort"])
            node_ports.add(key)
    pairs: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):
        key = (port.get("protocol"), port.get("port"))
        if key in pairs:
            errs.duplicate(f"spec.ports[{i}]", _go_service_port(port))
        pairs.add(key)


def validate_service_update(errs: Errs, obj: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    new_spec, old_spec = obj.get("spec") or {}, old.get("spec") or {}
    if "ExternalName" in (new_spec.get("type"), old_spec.get("type")):
        return
    old_ips, new_ips = _cluster_ips(old_spec), _cluster_ips(new_spec)
    if not new_ips:
        return  # the apiserver carries the allocated IPs over
    if old_ips and old_ips[0] == "None" and new_ips[0] == "None":
        return
    for i, ip in enumerate(old_ips[:len(new_ips)]):
        if ip != new_ips[i]:
            errs.invalid(f"spec.clusterIPs[{i}]", go_strings(new_ips), "may not change once set")


def validate_config_map(errs: Errs, obj: Mapping[str, Any]) -> None:
    data, binary = obj.get("data") or {}, obj.get("binaryData") or {}
    total = 0
    for key, value in data.items():
        errs.messages(f"data[{key}]", key, is_config_map_key(key))
        if key in binary:
            errs.invalid(f"data[{key}]", key, "duplicate of key present in binaryData")
        total += len(str(value or "").encode())
    for key, value in binary.items():
        errs.messages(f"binaryData[{key}]", key, is_config_map_key(key))
        if key in data:
            errs.invalid(f"binaryData[{key}]", key, "duplicate of key present in data")
        total += len(_decoded(value))
    if total > _MAX_SECRET_SIZE:
        # upstream's field.NewPath(""), "the whole object", prints as "[]"
        errs.too_long("[]", _MAX_SECRET_SIZE)


def _decoded(value: Any) -> bytes:
    try:
        return base64.b64decode(str(value or ""))
    except ValueError:
        return str(value).encode()


def validate_secret(errs: Errs, obj: Mapping[str, Any]) -> None:
    data = dict(obj.get("data") or {})
    for key, value in (obj.get("stringData") or {}).items():
        data[key] = base64.b64encode(str(value).encode()).decode()
    total = 0
    for key, value in data.items():
        errs.messages(f"data[{key}]", key, is_config_map_key(key))
        total += len(_decoded(value))
    if total > _MAX_SECRET_SIZE:
        errs.too_long("data", _MAX_SECRET_SIZE)
    kind = obj.get("type") or "Opaque"
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if kind == "kubernetes.io/service-account-token":
        if not annotations.get("kubernetes.io/service-account.name"):
            errs.required("metadata.annotations[kubernetes.io/service-account.name]")
    elif kind in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
        key = ".dockercfg" if kind.endswith("dockercfg") else ".dockerconfigjson"
        if key not in data:
            errs.required(f"data[{key}]")
    elif kind == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            errs.required("data[username]")
            errs.required("data[password]")
    elif kind == "kubernetes.io/ssh-auth":
        if not data.get("ssh-privatekey"):
            errs.required("data[ssh-privatekey]")
    elif kind == "kubernetes.io/tls":
        for key in ("tls.crt", "tls.key"):
            if key not in data:
                errs.required(f"data[{key}]")


def _immutable_data(errs: Errs, obj: Mapping[str, Any], old: Mapping[str, Any],
                    keys: tuple[str, ...]) -> None:
    if old.get("immutable") is True:
        if obj.get("immutable") is not True:
            errs.forbidden("immutable", _IMMUTABLE_SET)
        for key in keys:
            if (obj.get(key) or None) != (old.get(key) or None):
                errs.forbidden(key, _IMMUTABLE_SET)


def validate_config_map_update(errs: Errs, obj: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    _immutable_data(errs, obj, old, ("data", "binaryData"))


def validate_secret_update(errs: Errs, obj: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    new_type, old_type = obj.get("type") or "Opaque", old.get("type") or "Opaque"
    if new_type != old_type:
        errs.invalid("type", new_type, "field is immutable")
    _immutable_data(errs, obj, old, ("data",))


def validate_namespace(errs: Errs, obj: Mapping[str, Any]) -> None:
    for i, finalizer in enumerate(((obj.get("spec") or {}).get("finalizers") or [])):
        if "/" not in finalizer and finalizer != "kubernetes":
            errs.invalid(f"spec.finalizers[{i}]", finalizer,
                         "name is neither a standard finalizer name nor is it fully qualified")
        else:
            errs.messages(f"spec.finalizers[{i}]", finalizer, names.is_qualified_name(finalizer))


def validate_node(errs: Errs, obj: Mapping[str, Any]) -> None:
    seen: dict[str, set[str]] = {}
    for i, taint in enumerate(((obj.get("spec") or {}).get("taints") or [])):
        path = f"spec.taints[{i}]"
        key, effect = taint.get("key") or "", taint.get("effect") or ""
        validate_label_name(errs, key, f"{path}.key")
        msgs = names.is_valid_label_value(taint.get("value") or "")
        if msgs:
            errs.invalid(f"{path}.value", taint.get("value") or "", ";".join(msgs))
        if not effect:
            errs.required(f"{path}.effect")
        elif effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            errs.not_supported(f"{path}.effect", effect, ("NoSchedule", "PreferNoSchedule", "NoExecute"))
        if key in seen.get(effect, set()):
            errs.append(_taint_duplicate(path, taint))
            continue
        seen.setdefault(effect, set()).add(key)


def _taint_duplicate(path: str, taint: Mapping[str, Any]) -> Cause:
    rendered = Raw(f'core.Taint{{Key:{go_quote(taint.get("key") or "")}, '
                   f'Value:{go_quote(taint.get("value") or "")}, '
                   f'Effect:{go_quote(taint.get("effect") or "")}, TimeAdded:<nil>}}')
    return Cause(path, "Duplicate value", "taints must be unique by key and effect pair", rendered)


def validate_pvc(errs: Errs, obj: Mapping[str, Any]) -> None:
    spec = obj.get("spec") or {}
    modes = spec.get("accessModes") or []
    if not modes:
        errs.required("spec.accessModes", "at least 1 access mode is required")
    supported = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
    for mode in modes:
        if mode not in supported:
            errs.not_supported("spec.accessModes", mode, supported)
    storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
    if storage is None:
        errs.required("spec.resources[storage]")
    if spec.get("volumeMode") not in (None, "Block", "Filesystem"):
        errs.not_supported("spec.volumeMode", spec["volumeMode"], ("Block", "Filesystem"))


VALIDATORS = {
    "Service": validate_service, "ConfigMap": validate_config_map, "Secret": validate_secret,
    "Namespace": validate_namespace, "Node": validate_node, "PersistentVolumeClaim": validate_pvc,
}
UPDATE_VALIDATORS = {
    "Service": validate_service_update, "ConfigMap": validate_config_map_update,
    "Secret": validate_secret_update,
}
