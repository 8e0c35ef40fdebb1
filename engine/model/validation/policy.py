"""Validation of Ingress, IngressClass, PodDisruptionBudget and Lease (HPAs: `autoscaling`).

No I/O happens here. Worded as pkg/apis/{networking,autoscaling,policy,
coordination}/validation.
"""
from __future__ import annotations

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

__all__ = ["VALIDATORS"]

_PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")


def _backend(errs: Errs, backend: Mapping[str, Any], path: str) -> None:
    service, resource = backend.get("service"), backend.get("resource")
    if service is not None and resource is not None:
        errs.invalid(path, "", "cannot set both resource and service backends")
    elif service is None and resource is None:
        errs.invalid(path, "", "resource or service backend is required")
    if service is None:
        return
    name = service.get("name") or ""
    if not name:
        errs.required(f"{path}.service.name")
    else:
        errs.messages(f"{path}.service.name", name, names.is_dns1035_label(name))
    port = service.get("port") or {}
    has_name, has_number = bool(port.get("name")), bool(port.get("number"))
    if has_name and has_number:
        errs.invalid(f"{path}.service.port", "", "cannot set both port name & port number")
    elif has_name:
        errs.messages(f"{path}.service.port.name", port["name"], is_valid_port_name(port["name"]))
    elif has_number:
        number = port["number"]
        if not 1 <= number <= 65535:
            errs.invalid(f"{path}.service.port.number", number, "must be between 1 and 65535, inclusive")
    else:
        errs.required(f"{path}.service.port", "port name or number is required")


def validate_ingress(errs: Errs, obj: Mapping[str, Any]) -> None:
    spec = obj.get("spec") or {}
    rules, default = spec.get("rules") or [], spec.get("defaultBackend")
    if not rules and default is None:
        errs.invalid("spec", Raw("[]networking.IngressRule(nil)"),
                     "either `defaultBackend` or `rules` must be specified")
    if default is not None:
        _backend(errs, default, "spec.defaultBackend")
    for i, rule in enumerate(rules):
        path = f"spec.rules[{i}]"
        host = rule.get("host") or ""
        if host:
            check = host[2:] if host.startswith("*.") else host
            errs.messages(f"{path}.host", host, names.is_dns1123_subdomain(check))
        for j, http_path in enumerate(((rule.get("http") or {}).get("paths") or [])):
            sub = f"{path}.http.paths[{j}]"
            kind, value = http_path.get("pathType"), http_path.get("path") or ""
            if kind is None:
                errs.required(f"{sub}.pathType", "pathType must be specified")
            elif kind not in _PATH_TYPES:
                errs.not_supported(f"{sub}.pathType", kind, _PATH_TYPES)
            if kind in ("Exact", "Prefix", "ImplementationSpecific") and value and not value.startswith("/"):
                errs.invalid(f"{sub}.path", value, "must be an absolute path")
            elif kind in ("Exact", "Prefix") and not value:
                errs.invalid(f"{sub}.path", value, "must be an absolute path")
            _backend(errs, http_path.get("backend") or {}, f"{sub}.backend")
    if spec.get("ingressClassName"):
        errs.messages("spec.ingressClassName", spec["ingressClassName"],
                      names.is_dns1123_subdomain(spec["ingressClassName"]))


def validate_ingress_class(errs: Errs, obj: Mapping[str, Any]) -> None:
    controller = (obj.get("spec") or {}).get("controller") or ""
    if not controller:
        errs.required("spec.controller")
    elif len(controller) > 250:
        errs.too_long("spec.controller", 250)


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


VALIDATORS = {
    "Ingress": validate_ingress, "IngressClass": validate_ingress_class,
    "PodDisruptionBudget": validate_pdb,
    "Lease": validate_lease,
}
