"""Validation of Ingress, IngressClass, PodDisruptionBudget and Lease (HPAs: `autoscaling`).

No I/O happens here. Worded as pkg/apis/{networking,autoscaling,policy,
coordination}/validation.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Any, Mapping

from litekube.errors import Raw
from litekube.model import intstr, names
from litekube.model.validation.fields import (
    Errs,
    go_intstr,
    is_valid_port_name,
    nonnegative,
    validate_label_selector,
)

__all__ = ["VALIDATORS", "UPDATE_VALIDATORS"]

_PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")
_INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_INVALID_PATH_SUFFIXES = ("/..", "/.")
_INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
_WILDCARD_FMT = "\\*\\." + "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
_WILDCARD_MSG = ("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must "
                 "consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character")
_HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+"


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    """IsWildcardDNS1123Subdomain: `*.example.com`."""
    problems = [names.max_len_error(253)] if len(value.encode()) > 253 else []
    if not re.fullmatch(_WILDCARD_FMT, value):
        problems.append(names.regex_error(_WILDCARD_MSG, _WILDCARD_FMT, "*.example.com"))
    return problems


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _host(errs: Errs, host: str, path: str) -> bool:
    """A rule's or TLS entry's host; returns whether it is a wildcard."""
    if "*" in host:
        errs.messages(path, host, is_wildcard_dns1123_subdomain(host))
        return True
    errs.messages(path, host, names.is_dns1123_subdomain(host))
    return False


def _typed_reference(errs: Errs, ref: Mapping[str, Any], path: str) -> None:
    """validateIngressTypedLocalObjectReference."""
    if ref.get("apiGroup") is not None:
        errs.messages(f"{path}.apiGroup", ref["apiGroup"], names.is_dns1123_subdomain(ref["apiGroup"]))
    for key in ("kind", "name"):
        if not ref.get(key):
            errs.required(f"{path}.{key}", f"{key} is required")
        else:
            errs.messages(f"{path}.{key}", ref[key], _path_segment(ref[key]))


def _path_segment(name: str) -> list[str]:
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


def _backend(errs: Errs, backend: Mapping[str, Any], path: str) -> None:
    """validateIngressBackend."""
    service, resource = backend.get("service"), backend.get("resource")
    if service is not None and resource is not None:
        errs.invalid(path, "", "cannot set both resource and service backends")
        return
    if resource is not None:
        _typed_reference(errs, resource, f"{path}.resource")
        return
    if service is None:
        errs.invalid(path, "", "resource or service backend is required")
        return
    name = service.get("name") or ""
    if not name:
        errs.required(f"{path}.service.name")
    else:
        errs.messages(f"{path}.service.name", name, names.is_dns1035_label(name))
    port = service.get("port") or {}
    has_name, has_number = bool(port.get("name")), bool(port.get("number"))
    if has_name and has_number:
        errs.invalid(path, "", "cannot set both port name & port number")
    elif has_name:
        errs.messages(f"{path}.service.port.name", port["name"], is_valid_port_name(port["name"]))
    elif has_number:
        number = port["number"]
        if not 1 <= number <= 65535:
            errs.invalid(f"{path}.service.port.number", number, "must be between 1 and 65535, inclusive")
    else:
        errs.required(path, "port name or number is required")


def _http_path(errs: Errs, http_path: Mapping[str, Any], path: str) -> None:
    """validateHTTPIngressPath."""
    kind, value = http_path.get("pathType"), http_path.get("path") or ""
    if kind is None:
        errs.required(f"{path}.pathType", "pathType must be specified")
        return
    if kind in ("Exact", "Prefix"):
        if not value.startswith("/"):
            errs.invalid(f"{path}.path", value, "must be an absolute path")
        for sequence in _INVALID_PATH_SEQUENCES if value else ():
            if sequence in value:
                errs.invalid(f"{path}.path", value, f"must not contain '{sequence}'")
        for suffix in _INVALID_PATH_SUFFIXES if value else ():
            if value.endswith(suffix):
                errs.invalid(f"{path}.path", value, f"cannot end with '{suffix}'")
    elif kind == "ImplementationSpecific":
        if value and not value.startswith("/"):
            errs.invalid(f"{path}.path", value, "must be an absolute path")
    else:
        errs.not_supported(f"{path}.pathType", kind, _PATH_TYPES)
    _backend(errs, http_path.get("backend") or {}, f"{path}.backend")


def validate_ingress(errs: Errs, obj: Mapping[str, Any]) -> None:
    """ValidateIngressCreate: ValidateIngressSpec, then the class annotation beside the class field."""
    spec = obj.get("spec") or {}
    rules, default = spec.get("rules") or [], spec.get("defaultBackend")
    if not rules and default is None:
        errs.invalid("spec", Raw("[]networking.IngressRule(nil)" if spec.get("rules") is None
                                 else "[]networking.IngressRule{}"),
                     "either `defaultBackend` or `rules` must be specified")
    if default is not None:
        _backend(errs, default, "spec.defaultBackend")
    for i, rule in enumerate(rules):
        path = f"spec.rules[{i}]"
        host = rule.get("host") or ""
        if host:
            if _is_ip(host):
                errs.invalid(f"{path}.host", host, "must be a DNS name, not an IP address")
            _host(errs, host, f"{path}.host")
        http = rule.get("http")
        if http is not None:
            paths = http.get("paths") or []
            if not paths:
                errs.required(f"{path}.http.paths")
            for j, http_path in enumerate(paths):
                _http_path(errs, http_path, f"{path}.http.paths[{j}]")
    for i, entry in enumerate(spec.get("tls") or []):
        for j, host in enumerate(entry.get("hosts") or []):
            _host(errs, host, f"spec.tls[{i}].hosts[{j}]")
        secret = entry.get("secretName") or ""
        if secret:
            errs.messages(f"spec.tls[{i}].secretName", secret, names.is_dns1123_subdomain(secret))
    if spec.get("ingressClassName") is not None:
        errs.messages("spec.ingressClassName", spec["ingressClassName"],
                      names.is_dns1123_subdomain(spec["ingressClassName"]))
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    value = annotations.get(_INGRESS_CLASS_ANNOTATION)
    if value is not None and spec.get("ingressClassName") is not None and value != spec["ingressClassName"]:
        errs.invalid(f"annotations.{_INGRESS_CLASS_ANNOTATION}", value,
                     "must match `ingressClassName` when both are specified")


def validate_ingress_class(errs: Errs, obj: Mapping[str, Any]) -> None:
    """ValidateIngressClass: the controller is a domain-prefixed path; parameters as validateIngressClassSpec."""
    spec = obj.get("spec") or {}
    controller = spec.get("controller") or ""
    if len(controller) > 250:
        errs.too_long("spec.controller", 250)
    domain, slash, rest = controller.partition("/")
    if not controller:
        errs.required("spec.controller")
    elif not slash or not domain or not rest:
        errs.invalid("spec.controller", controller, 'must be a domain-prefixed path (such as "acme.io/foo")')
    else:
        errs.messages("spec.controller", domain, names.is_dns1123_subdomain(domain))
        if not re.fullmatch(_HTTP_PATH_FMT, rest):
            errs.invalid("spec.controller", rest, names.regex_error("Invalid path", _HTTP_PATH_FMT))
    params = spec.get("parameters")
    if params is None:
        return
    _typed_reference(errs, params, "spec.parameters")
    scope = params.get("scope")
    if scope is None:
        errs.required("spec.parameters.scope")
        return
    if scope not in ("Cluster", "Namespace"):
        errs.not_supported("spec.parameters.scope", scope, ("Cluster", "Namespace"))
    elif scope == "Namespace" and params.get("namespace") is None:
        errs.required("spec.parameters.namespace", "`parameters.scope` is set to 'Namespace'")
    elif scope == "Namespace":
        errs.messages("spec.parameters.namespace", params["namespace"], names.is_dns1123_label(params["namespace"]))
    elif params.get("namespace") is not None:
        errs.forbidden("spec.parameters.namespace", "`parameters.scope` is set to 'Cluster'")


def validate_pdb(errs: Errs, obj: Mapping[str, Any]) -> None:
    spec = obj.get("spec") or {}
    low, high = spec.get("minAvailable"), spec.get("maxUnavailable")
    if low is not None and high is not None:
        errs.invalid("spec", Raw(
            "policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0xc000100000), "
            "Selector:(*v1.LabelSelector)(nil), MaxUnavailable:(*intstr.IntOrString)(0xc000100010), "
            "UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}"),
            "minAvailable and maxUnavailable cannot be both set")
    for key, value in (("minAvailable", low), ("maxUnavailable", high)):
        if value is None:
            continue
        for msg in intstr.validate_percent_or_int(value):
            shown = int(value) if msg.startswith("must be greater") else go_intstr(value)
            errs.invalid(f"spec.{key}", shown, msg)
        errs.messages(f"spec.{key}", go_intstr(value), intstr.validate_not_more_than_100_percent(value))
    validate_label_selector(errs, spec.get("selector"), "spec.selector")
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in ("AlwaysAllow", "IfHealthyBudget"):
        errs.not_supported("spec.unhealthyPodEvictionPolicy", policy, ("AlwaysAllow", "IfHealthyBudget"))


def validate_lease(errs: Errs, obj: Mapping[str, Any]) -> None:
    spec = obj.get("spec") or {}
    duration = spec.get("leaseDurationSeconds")
    if isinstance(duration, int) and duration <= 0:
        errs.invalid("spec.leaseDurationSeconds", duration, "must be greater than 0")
    nonnegative(errs, spec.get("leaseTransitions"), "spec.leaseTransitions")


def validate_ingress_class_update(errs: Errs, obj: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    """validateIngressClassSpecUpdate: the controller is immutable."""
    new, before = (obj.get("spec") or {}).get("controller"), (old.get("spec") or {}).get("controller")
    if new != before:
        errs.invalid("spec.controller", new or "", "field is immutable")


UPDATE_VALIDATORS = {"IngressClass": validate_ingress_class_update}

VALIDATORS = {
    "Ingress": validate_ingress, "IngressClass": validate_ingress_class,
    "PodDisruptionBudget": validate_pdb,
    "Lease": validate_lease,
}
