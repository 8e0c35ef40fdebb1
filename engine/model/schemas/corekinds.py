"""Field descriptions of the policy and access kinds real manifests carry.

No I/O happens here. ServiceAccount, LimitRange, ResourceQuota, PodTemplate
(core/v1), NetworkPolicy (networking.k8s.io/v1), Role, ClusterRole,
RoleBinding, ClusterRoleBinding (rbac.authorization.k8s.io/v1),
PriorityClass (scheduling.k8s.io/v1) and RuntimeClass (node.k8s.io/v1),
written after staging/src/k8s.io/api/*/v1/types.go.
"""
from __future__ import annotations

from litekube.model.schemas.core import OBJECT_REFERENCE
from litekube.model.schemas.meta import LABEL_SELECTOR, LOCAL_OBJECT_REFERENCE, top_level
from litekube.model.schemas.pods import POD_TEMPLATE_SPEC, TOLERATION
from litekube.model.schemas.types import (
    BOOL,
    INT32,
    INTSTR,
    MAP_STRING,
    RESOURCE_LIST,
    STRING,
    STRINGS,
    ListOf,
    Struct,
    named,
    struct,
)

__all__ = ["COREKINDS"]

_LIMIT_RANGE_ITEM = struct(
    "LimitRangeItem", type=named("v1.LimitType"), max=RESOURCE_LIST, min=RESOURCE_LIST,
    default=RESOURCE_LIST, defaultRequest=RESOURCE_LIST, maxLimitRequestRatio=RESOURCE_LIST)

_SCOPE_SELECTOR = struct("ScopeSelector", matchExpressions=ListOf(struct(
    "ScopedResourceSelectorRequirement", scopeName=named("v1.ResourceQuotaScope"),
    operator=named("v1.ScopeSelectorOperator"), values=STRINGS)))

_NETWORK_POLICY_PORT = struct("v1.NetworkPolicyPort", protocol=named("v1.Protocol"), port=INTSTR,
                              endPort=INT32)
_NETWORK_POLICY_PEER = struct(
    "v1.NetworkPolicyPeer", podSelector=LABEL_SELECTOR, namespaceSelector=LABEL_SELECTOR,
    ipBlock=struct("v1.IPBlock", cidr=STRING, **{"except": STRINGS}))

_POLICY_RULE = struct("v1.PolicyRule", verbs=STRINGS, apiGroups=STRINGS, resources=STRINGS,
                      resourceNames=STRINGS, nonResourceURLs=STRINGS)
_SUBJECT = struct("v1.Subject", kind=STRING, apiGroup=STRING, name=STRING, namespace=STRING)
_ROLE_REF = struct("v1.RoleRef", apiGroup=STRING, kind=STRING, name=STRING)

COREKINDS: dict[str, Struct] = {
    "ServiceAccount": top_level(
        "ServiceAccount", secrets=ListOf(OBJECT_REFERENCE), imagePullSecrets=ListOf(LOCAL_OBJECT_REFERENCE),
        automountServiceAccountToken=BOOL),
    "LimitRange": top_level("LimitRange", spec=struct("LimitRangeSpec", limits=ListOf(_LIMIT_RANGE_ITEM))),
    "ResourceQuota": top_level(
        "ResourceQuota",
        spec=struct("ResourceQuotaSpec", hard=RESOURCE_LIST, scopes=ListOf(named("v1.ResourceQuotaScope")),
                    scopeSelector=_SCOPE_SELECTOR),
        status=struct("ResourceQuotaStatus", hard=RESOURCE_LIST, used=RESOURCE_LIST)),
    "PodTemplate": top_level("PodTemplate", template=POD_TEMPLATE_SPEC),
    "NetworkPolicy": top_level("NetworkPolicy", spec=struct(
        "v1.NetworkPolicySpec", podSelector=LABEL_SELECTOR,
        ingress=ListOf(struct("v1.NetworkPolicyIngressRule", ports=ListOf(_NETWORK_POLICY_PORT),
                              **{"from": ListOf(_NETWORK_POLICY_PEER)})),
        egress=ListOf(struct("v1.NetworkPolicyEgressRule", ports=ListOf(_NETWORK_POLICY_PORT),
                             to=ListOf(_NETWORK_POLICY_PEER))),
        policyTypes=ListOf(named("v1.PolicyType")))),
    "Role": top_level("Role", rules=ListOf(_POLICY_RULE)),
    "ClusterRole": top_level(
        "ClusterRole", rules=ListOf(_POLICY_RULE),
        aggregationRule=struct("v1.AggregationRule", clusterRoleSelectors=ListOf(LABEL_SELECTOR))),
    "RoleBinding": top_level("RoleBinding", subjects=ListOf(_SUBJECT), roleRef=_ROLE_REF),
    "ClusterRoleBinding": top_level("ClusterRoleBinding", subjects=ListOf(_SUBJECT), roleRef=_ROLE_REF),
    "PriorityClass": top_level(
        "PriorityClass", value=INT32, globalDefault=BOOL, description=STRING,
        preemptionPolicy=named("v1.PreemptionPolicy")),
    "RuntimeClass": top_level(
        "RuntimeClass", handler=STRING,
        overhead=struct("v1.Overhead", podFixed=RESOURCE_LIST),
        scheduling=struct("v1.Scheduling", nodeSelector=MAP_STRING, tolerations=ListOf(TOLERATION))),
}
