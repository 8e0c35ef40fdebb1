"""Validation of Role, ClusterRole, RoleBinding, ClusterRoleBinding and NetworkPolicy.

No I/O happens here. Worded as pkg/apis/rbac/validation/validation.go and
pkg/apis/networking/validation/validation.go (ValidateNetworkPolicy).
"""
from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from litekube.errors import Raw
from litekube.model import names
from litekube.model.validation.fields import (
    NAME_CHECKS,
    Errs,
    go_strings,
    is_valid_port_name,
    is_valid_port_num,
    validate_label_selector,
)

__all__ = ["RBAC_GROUP", "UPDATE_VALIDATORS", "VALIDATORS", "is_path_segment_name"]

RBAC_GROUP = "rbac.authorization.k8s.io"
_PROTOCOLS = ("SCTP", "TCP", "UDP")


def is_path_segment_name(name: str) -> list[str]:
    """ValidatePathSegmentName: RBAC names may hold `:` but not `/` or `%`."""
    return NAME_CHECKS["Role"](name)


# -- RBAC -----------------------------------------------------------------------------

def _rules(errs: Errs, rules: list[Mapping[str, Any]], namespaced: bool) -> None:
    """ValidatePolicyRule for each rule."""
    for i, rule in enumerate(rules):
        path = f"rules[{i}]"
        if not rule.get("verbs"):
            errs.required(f"{path}.verbs", "verbs must contain at least one value")
        urls = rule.get("nonResourceURLs") or []
        if urls:
            if namespaced:
                errs.invalid(f"{path}.nonResourceURLs", go_strings(urls),
                             "namespaced rules cannot apply to non-resource URLs")
            if rule.get("apiGroups") or rule.get("resources") or rule.get("resourceNames"):
                errs.invalid(f"{path}.nonResourceURLs", go_strings(urls),
                             "rules cannot apply to both regular resources and non-resource URLs")
            continue
        if not rule.get("apiGroups"):
            errs.required(f"{path}.apiGroups", "resource rules must supply at least one api group")
        if not rule.get("resources"):
            errs.required(f"{path}.resources", "resource rules must supply at least one resource")


def validate_role(errs: Errs, obj: Mapping[str, Any]) -> None:
    _rules(errs, obj.get("rules") or [], True)


def validate_cluster_role(errs: Errs, obj: Mapping[str, Any]) -> None:
    _rules(errs, obj.get("rules") or [], False)
    for i, sel in enumerate((obj.get("aggregationRule") or {}).get("clusterRoleSelectors") or []):
        validate_label_selector(errs, sel, f"aggregationRule.clusterRoleSelectors[{i}]")


def _subjects(errs: Errs, subjects: list[Mapping[str, Any]], namespaced: bool) -> None:
    """ValidateRoleBindingSubject for each subject."""
    for i, subject in enumerate(subjects):
        path = f"subjects[{i}]"
        name, kind, group = subject.get("name") or "", subject.get("kind") or "", subject.get("apiGroup") or ""
        if not name:
            errs.required(f"{path}.name")
        if kind == "ServiceAccount":
            if name:
                errs.messages(f"{path}.name", name, names.is_dns1123_subdomain(name))
            if group:
                errs.not_supported(f"{path}.apiGroup", group, ("",))
            if not namespaced and not subject.get("namespace"):
                errs.required(f"{path}.namespace")
        elif kind in ("User", "Group"):
            if group != RBAC_GROUP:
                errs.not_supported(f"{path}.apiGroup", group, (RBAC_GROUP,))
        else:
            errs.not_supported(f"{path}.kind", kind, ("ServiceAccount", "User", "Group"))


def _role_ref(errs: Errs, ref: Mapping[str, Any], kinds: tuple[str, ...]) -> None:
    if (ref.get("apiGroup") or "") != RBAC_GROUP:
        errs.not_supported("roleRef.apiGroup", ref.get("apiGroup") or "", (RBAC_GROUP,))
    if (ref.get("kind") or "") not in kinds:
        errs.not_supported("roleRef.kind", ref.get("kind") or "", kinds)
    name = ref.get("name") or ""
    if not name:
        errs.required("roleRef.name")
    else:
        errs.messages("roleRef.name", name, is_path_segment_name(name))


def validate_role_binding(errs: Errs, obj: Mapping[str, Any]) -> None:
    _role_ref(errs, obj.get("roleRef") or {}, ("Role", "ClusterRole"))
    _subjects(errs, obj.get("subjects") or [], True)


def validate_cluster_role_binding(errs: Errs, obj: Mapping[str, Any]) -> None:
    _role_ref(errs, obj.get("roleRef") or {}, ("ClusterRole",))
    _subjects(errs, obj.get("subjects") or [], False)


def _go_role_ref(ref: Mapping[str, Any]) -> Raw:
    return Raw(f'rbac.RoleRef{{APIGroup:"{ref.get("apiGroup") or ""}", Kind:"{ref.get("kind") or ""}", '
               f'Name:"{ref.get("name") or ""}"}}')


def validate_binding_update(errs: Errs, obj: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    """A binding's roleRef is immutable."""
    if (obj.get("roleRef") or {}) != (old.get("roleRef") or {}):
        errs.invalid("roleRef", _go_role_ref(obj.get("roleRef") or {}), "cannot change roleRef")


# -- NetworkPolicy ----------------------------------------------------------------------

def _ports(errs: Errs, ports: list[Mapping[str, Any]], path: str) -> None:
    for i, port in enumerate(ports):
        idx = f"{path}[{i}]"
        protocol = port.get("protocol")
        if protocol is not None and protocol not in _PROTOCOLS:
            errs.not_supported(f"{idx}.protocol", protocol, _PROTOCOLS)
        number = port.get("port")
        if isinstance(number, str):
            errs.messages(f"{idx}.port", number, is_valid_port_name(number))
            if port.get("endPort") is not None:
                errs.invalid(f"{idx}.endPort", port["endPort"], "may not be specified when `port` is non-numeric")
        elif number is not None:
            errs.messages(f"{idx}.port", int(number), is_valid_port_num(int(number)))
            end = port.get("endPort")
            if end is not None:
                if end < int(number):
                    errs.invalid(f"{idx}.endPort", end, "must be greater than or equal to `port`")
                errs.messages(f"{idx}.endPort", end, is_valid_port_num(end))
        elif port.get("endPort") is not None:
            errs.required(f"{idx}.port", "must be specified when `endPort` is specified")


def _peers(errs: Errs, peers: list[Mapping[str, Any]], path: str) -> None:
    for i, peer in enumerate(peers):
        idx = f"{path}[{i}]"
        count = 0
        if peer.get("podSelector") is not None:
            count += 1
            validate_label_selector(errs, peer["podSelector"], f"{idx}.podSelector")
        if peer.get("namespaceSelector") is not None:
            count += 1
            validate_label_selector(errs, peer["namespaceSelector"], f"{idx}.namespaceSelector")
        if peer.get("ipBlock") is not None:
            count += 1
            _ip_block(errs, peer["ipBlock"], f"{idx}.ipBlock")
        if count == 0:
            errs.required(idx, "must specify a peer")
        elif count > 1 and peer.get("ipBlock") is not None:
            errs.forbidden(idx, "may not specify both ipBlock and another peer")


def _ip_block(errs: Errs, block: Mapping[str, Any], path: str) -> None:
    cidr = block.get("cidr") or ""
    if not cidr:
        errs.required(f"{path}.cidr")
        return
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        errs.invalid(f"{path}.cidr", cidr, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")
        return
    for i, excluded in enumerate(block.get("except") or []):
        try:
            sub = ipaddress.ip_network(excluded, strict=False)
        except ValueError:
            errs.invalid(f"{path}.except[{i}]", excluded,
                         "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")
            continue
        if sub.version != network.version or not sub.subnet_of(network) or sub == network:  # type: ignore[arg-type]
            errs.invalid(f"{path}.except[{i}]", excluded, "must be a strict subset of `cidr`")


def validate_network_policy(errs: Errs, obj: Mapping[str, Any]) -> None:
    """ValidateNetworkPolicySpec."""
    spec = obj.get("spec") or {}
    validate_label_selector(errs, spec.get("podSelector"), "spec.podSelector")
    for i, rule in enumerate(spec.get("ingress") or []):
        _ports(errs, rule.get("ports") or [], f"spec.ingress[{i}].ports")
        _peers(errs, rule.get("from") or [], f"spec.ingress[{i}].from")
    for i, rule in enumerate(spec.get("egress") or []):
        _ports(errs, rule.get("ports") or [], f"spec.egress[{i}].ports")
        _peers(errs, rule.get("to") or [], f"spec.egress[{i}].to")
    types = spec.get("policyTypes") or []
    for i, kind in enumerate(types):
        if kind not in ("Ingress", "Egress"):
            errs.not_supported(f"spec.policyTypes[{i}]", kind, ("Egress", "Ingress"))
    if len(types) > 2:
        errs.invalid("spec.policyTypes", go_strings(types), "may not specify more than two policyTypes")


VALIDATORS = {
    "Role": validate_role,
    "ClusterRole": validate_cluster_role,
    "RoleBinding": validate_role_binding,
    "ClusterRoleBinding": validate_cluster_role_binding,
    "NetworkPolicy": validate_network_policy,
}
UPDATE_VALIDATORS = {
    "RoleBinding": validate_binding_update,
    "ClusterRoleBinding": validate_binding_update,
}
