"""`kubectl describe` for ServiceAccount, LimitRange, ResourceQuota, bindings and PriorityClass.

No I/O happens here. Each follows kubectl's describe.go (v1.32):
describeServiceAccount, describeLimitRange, describeQuota,
RoleBindingDescriber / ClusterRoleBindingDescriber, RoleDescriber /
ClusterRoleDescriber, describeNetworkPolicy and
describePriorityClass; `limit_ranges_section` and `quotas_section` are
DescribeLimitRanges and DescribeResourceQuotas, which describe namespace
prints. Keys of a ResourceList print in sorted order (kubectl sorts quota
resources; it walks a LimitRange's maps in Go's random order).
"""
from __future__ import annotations

from datetime import datetime

from litekube.model import resourcelists
from litekube.model.describing.pods import print_annotations, print_labels
from litekube.model.tables.cells import format_label_selector, format_labels
from litekube.model.tabwriting import PrefixWriter

__all__ = ["DESCRIBERS", "WITHOUT_EVENTS", "limit_ranges_section", "quotas_section"]

# Describers that print no Events section.
WITHOUT_EVENTS = frozenset({"LimitRange", "ResourceQuota", "RoleBinding", "ClusterRoleBinding", "Role",
                            "ClusterRole", "NetworkPolicy"})

_SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited lifespan on a node "
                   "before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods usually include long "
                      "running pods whose container command is not expected to terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods have a best effort "
                  "quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. These pods have a "
                     "burstable or guaranteed quality of service.",
}


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _names(refs: list[dict] | None) -> str:
    return ", ".join(r.get("name", "") for r in refs or []) or "<none>"


def _service_account(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    w.write(0, f"Name:\t{_meta(obj).get('name', '')}\n")
    w.write(0, f"Namespace:\t{_meta(obj).get('namespace', '')}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, f"Image pull secrets:\t{_names(obj.get('imagePullSecrets'))}\n")
    w.write(0, f"Mountable secrets:\t{_names(obj.get('secrets'))}\n")
    w.write(0, "Tokens:\t<none>\n")


def _limit_rows(item: dict) -> list[tuple[str, ...]]:
    fields = ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio")
    keys = sorted({k for f in fields for k in item.get(f) or {}})
    rows = []
    for key in keys:
        cells = [resourcelists.canonical((item.get(f) or {})[key]) if key in (item.get(f) or {}) else "-"
                 for f in fields]
        rows.append((item.get("type", ""), key, *cells))
    return rows


_LIMIT_HEADER = "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n"
_LIMIT_RULE = "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n"


def _limit_range(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    w.write(0, f"Name:\t{_meta(obj).get('name', '')}\n")
    w.write(0, f"Namespace:\t{_meta(obj).get('namespace', '')}\n")
    w.write(0, _LIMIT_HEADER)
    w.write(0, _LIMIT_RULE)
    for item in (obj.get("spec") or {}).get("limits") or []:
        for row in _limit_rows(item):
            w.write(0, "\t".join(row) + "\n")


def limit_ranges_section(w: PrefixWriter, items: list[dict]) -> None:
    """DescribeLimitRanges, as describe namespace prints it."""
    if not items:
        w.write(0, "No LimitRange resource.\n")
        return
    w.write(0, "Resource Limits\n " + _LIMIT_HEADER)
    w.write(0, " " + _LIMIT_RULE)
    for obj in items:
        for item in (obj.get("spec") or {}).get("limits") or []:
            for row in _limit_rows(item):
                w.write(0, " " + "\t".join(row) + "\n")


def _quota_rows(obj: dict) -> list[tuple[str, str, str]]:
    status = obj.get("status") or {}
    hard, used = status.get("hard") or {}, status.get("used") or {}
    rows = []
    for name in sorted(hard):
        hard_text = str(hard[name])
        shown_used = resourcelists.canonical(used.get(name, "0"))
        binary = any(hard_text.endswith(s) for s in ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"))
        if binary != any(str(used.get(name, "0")).endswith(s) for s in ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei")):
            # kubectl reprints used in the hard limit's format
            shown_used = resourcelists.format_amount(resourcelists.amounts({name: used.get(name, "0")})[name],
                                                     "binary" if binary else "decimal")
        rows.append((name, shown_used, resourcelists.canonical(hard[name])))
    return rows


def _scopes(w: PrefixWriter, obj: dict, level: int, bullet: str) -> None:
    scopes = sorted((obj.get("spec") or {}).get("scopes") or [])
    if not scopes:
        return
    w.write(level, f"Scopes:\t{', '.join(scopes)}\n")
    for scope in scopes:
        if scope in _SCOPE_HELP:
            w.write(level, f"{bullet}* {_SCOPE_HELP[scope]}\n")


def _resource_quota(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    w.write(0, f"Name:\t{_meta(obj).get('name', '')}\n")
    w.write(0, f"Namespace:\t{_meta(obj).get('namespace', '')}\n")
    _scopes(w, obj, 0, " ")
    w.write(0, "Resource\tUsed\tHard\n")
    w.write(0, "--------\t---\t---\n")
    for row in _quota_rows(obj):
        w.write(0, "\t".join(row) + "\n")


def quotas_section(w: PrefixWriter, items: list[dict]) -> None:
    """DescribeResourceQuotas, as describe namespace prints it."""
    if not items:
        w.write(0, "No resource quota.\n")
        return
    w.write(0, "Resource Quotas\n")
    for obj in sorted(items, key=lambda q: _meta(q).get("name", "")):
        w.write(1, f"Name:\t{_meta(obj).get('name', '')}\n")
        _scopes(w, obj, 1, "")
        w.write(1, "Resource\tUsed\tHard\n")
        w.write(1, "--------\t---\t---\n")
        for row in _quota_rows(obj):
            w.write(1, "\t".join(row) + "\n")


def _binding(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    w.write(0, f"Name:\t{_meta(obj).get('name', '')}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    ref = obj.get("roleRef") or {}
    w.write(0, "Role:\n")
    w.write(1, f"Kind:\t{ref.get('kind', '')}\n")
    w.write(1, f"Name:\t{ref.get('name', '')}\n")
    w.write(0, "Subjects:\n")
    w.write(1, "Kind\tName\tNamespace\n")
    w.write(1, "----\t----\t---------\n")
    for subject in obj.get("subjects") or []:
        w.write(1, f"{subject.get('kind', '')}\t{subject.get('name', '')}\t{subject.get('namespace', '')}\n")


def _go_list(values: list[str]) -> str:
    return "[" + " ".join(values) + "]"


def _breakdown(rule: dict) -> list[dict]:
    """rbac.BreakdownRule: one rule per group, resource, verb (and resource name); URLs per verb."""
    out = []
    for group in rule.get("apiGroups") or []:
        for resource in rule.get("resources") or []:
            for verb in rule.get("verbs") or []:
                for name in rule.get("resourceNames") or [None]:
                    out.append({"verbs": [verb], "apiGroups": [group], "resources": [resource],
                                "resourceNames": [name] if name is not None else []})
    for url in rule.get("nonResourceURLs") or []:
        for verb in rule.get("verbs") or []:
            out.append({"verbs": [verb], "nonResourceURLs": [url]})
    return out


def _compact(rules: list[dict]) -> list[dict]:
    """rbac.CompactRules: simple resource rules (one group, resource, name) merge their verbs."""
    compacted, simple = [], {}
    for rule in rules:
        if not rule.get("nonResourceURLs"):
            key = (rule["apiGroups"][0], rule["resources"][0], tuple(rule.get("resourceNames") or []))
            if key in simple:
                simple[key]["verbs"] += [v for v in rule["verbs"] if v not in simple[key]["verbs"]]
            else:
                simple[key] = {**rule, "verbs": list(rule["verbs"])}
        else:
            compacted.append(rule)
    return compacted + list(simple.values())


def _rule_string(rule: dict) -> str:
    """PolicyRule.String(), the key kubectl sorts described rules by."""
    return (f"&PolicyRule{{Verbs:{_go_list(rule.get('verbs') or [])},APIGroups:{_go_list(rule.get('apiGroups') or [])},"
            f"Resources:{_go_list(rule.get('resources') or [])},"
            f"ResourceNames:{_go_list(rule.get('resourceNames') or [])},"
            f"NonResourceURLs:{_go_list(rule.get('nonResourceURLs') or [])},}}")


def _combine(resources: list[str], groups: list[str]) -> str:
    """CombineResourceGroup: `deployments.apps`, `pods/log`, `deployments.apps/scale`."""
    if not resources:
        return ""
    resource, _, sub = resources[0].partition("/")
    combined = resource + (f".{groups[0]}" if groups and groups[0] else "")
    return combined + (f"/{sub}" if sub else "")


def _role(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    """RoleDescriber / ClusterRoleDescriber: the rules broken down, compacted and sorted as kubectl does."""
    w.write(0, f"Name:\t{_meta(obj).get('name', '')}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    rules = _compact([r for rule in obj.get("rules") or [] for r in _breakdown(rule)])
    w.write(0, "PolicyRule:\n")
    w.write(1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
    w.write(1, "---------\t-----------------\t--------------\t-----\n")
    for rule in sorted(rules, key=_rule_string):
        w.write(1, f"{_combine(rule.get('resources') or [], rule.get('apiGroups') or [])}\t"
                   f"{_go_list(rule.get('nonResourceURLs') or [])}\t{_go_list(rule.get('resourceNames') or [])}\t"
                   f"{_go_list(rule.get('verbs') or [])}\n")


def _peers(w: PrefixWriter, rules: list[dict], word: str, peers_key: str, isolated: str, unrestricted: str) -> None:
    """printNetworkPolicySpecIngressFrom / EgressTo."""
    indent = "    "
    if not rules:
        w.write(0, f"{indent}<none> (Selected pods are isolated for {isolated} connectivity)\n")
        return
    for i, rule in enumerate(rules):
        if not rule.get("ports"):
            w.write(0, f"{indent}To Port: <any> (traffic allowed to all ports)\n")
        for port in rule.get("ports") or []:
            w.write(0, f"{indent}To Port: {port.get('port', '<nil>')}/{port.get('protocol') or 'TCP'}\n")
        if not rule.get(peers_key):
            w.write(0, f"{indent}{word}: <any> (traffic not restricted by {unrestricted})\n")
        for peer in rule.get(peers_key) or []:
            w.write(0, f"{indent}{word}:\n")
            pods, namespaces, block = peer.get("podSelector"), peer.get("namespaceSelector"), peer.get("ipBlock")
            if namespaces is not None:
                w.write(1, f"{indent}NamespaceSelector: {format_label_selector(namespaces)}\n")
            if pods is not None:
                w.write(1, f"{indent}PodSelector: {format_label_selector(pods)}\n")
            if pods is None and namespaces is None and block is not None:
                w.write(1, f"{indent}IPBlock:\n")
                w.write(2, f"{indent}CIDR: {block.get('cidr', '')}\n")
                w.write(2, f"{indent}Except: {', '.join(block.get('except') or [])}\n")
        if i != len(rules) - 1:
            w.write(0, f"{indent}----------\n")


def _network_policy(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    """describeNetworkPolicy."""
    spec = obj.get("spec") or {}
    created = str(_meta(obj).get("creationTimestamp") or "")
    w.write(0, f"Name:\t{_meta(obj).get('name', '')}\n")
    w.write(0, f"Namespace:\t{_meta(obj).get('namespace', '')}\n")
    w.write(0, f"Created on:\t{created.replace('T', ' ').replace('Z', ' +0000 UTC')}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, "Spec:\n")
    w.write(1, "PodSelector: ")
    selector = spec.get("podSelector") or {}
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        w.write(2, "<none> (Allowing the specific traffic to all pods in this namespace)\n")
    else:
        w.write(2, f"{format_label_selector(selector)}\n")
    types = spec.get("policyTypes")
    ingress = "Ingress" in types if types else True
    egress = "Egress" in types if types else bool(spec.get("egress"))
    if ingress:
        w.write(1, "Allowing ingress traffic:\n")
        _peers(w, spec.get("ingress") or [], "From", "from", "ingress", "source")
    else:
        w.write(1, "Not affecting ingress traffic\n")
    if egress:
        w.write(1, "Allowing egress traffic:\n")
        _peers(w, spec.get("egress") or [], "To", "to", "egress", "destination")
    else:
        w.write(1, "Not affecting egress traffic\n")
    w.write(1, f"Policy Types: {', '.join(types or [])}\n")


def _priority_class(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    w.write(0, f"Name:\t{_meta(obj).get('name', '')}\n")
    w.write(0, f"Value:\t{obj.get('value') or 0}\n")
    w.write(0, f"GlobalDefault:\t{'true' if obj.get('globalDefault') else 'false'}\n")
    w.write(0, f"PreemptionPolicy:\t{obj.get('preemptionPolicy') or ''}\n")
    w.write(0, f"Description:\t{obj.get('description') or ''}\n")
    w.write(0, f"Annotations:\t{format_labels(_meta(obj).get('annotations'))}\n")


DESCRIBERS = {
    "ServiceAccount": _service_account,
    "LimitRange": _limit_range,
    "ResourceQuota": _resource_quota,
    "RoleBinding": _binding,
    "ClusterRoleBinding": _binding,
    "PriorityClass": _priority_class,
    "Role": _role,
    "ClusterRole": _role,
    "NetworkPolicy": _network_policy,
}
