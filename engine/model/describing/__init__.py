"""`kubectl describe` output, byte for byte, from object dicts.

No I/O happens here. `describe(obj, events, now, related)` renders what
kubectl's describe.go prints for the object's kind; `related` carries what
kubectl would fetch besides the object: `{"replicasets": [...]}` for a
Deployment, `{"pods": [...]}` for a ReplicaSet or Node, `{"slices": [...]}`
for a Service (its EndpointSlices, labelled kubernetes.io/service-name, in
list order: kubectl v1.32's describeService reads them, not the Endpoints),
`{"lease": {...}}` for a Node. Kinds without a describer get
kubectl's generic describer (a sorted dump of every field).

This module describes services, namespaces, config maps and secrets itself;
pods, workloads and nodes have their own modules (`describing_pods`,
`describing_workloads`, `describing_nodes`).
"""
from __future__ import annotations

import base64
from datetime import datetime
from typing import Callable

from litekube.model import durations, tables
from litekube.model.describing import access as describing_access
from litekube.model.describing import autoscaling as describing_autoscaling
from litekube.model.describing import batch as describing_batch
from litekube.model.describing import networking as describing_networking
from litekube.model.describing import nodes as describing_nodes
from litekube.model.describing import storage as describing_storage
from litekube.model.describing import workloads as describing_workloads
from litekube.model.describing.pods import (
    describe_pod,
    print_annotations,
    print_header,
    print_labels,
)
from litekube.model.tabwriting import PrefixWriter

__all__ = ["describe", "describe_events"]

Describer = Callable[[PrefixWriter, dict, datetime, dict], None]


def describe(obj: dict, events: list[dict], now: datetime, related: dict | None = None) -> str:
    """The text `kubectl describe <kind> <name>` prints for obj, events included where kubectl shows them."""
    w = PrefixWriter()
    describer = _DESCRIBERS.get(obj.get("kind", ""), _generic)
    describer(w, obj, now, related or {})
    if obj.get("kind") not in ("Secret", "Namespace") and obj.get("kind") not in describing_access.WITHOUT_EVENTS:
        describe_events(w, events, now)
    return w.text()


def describe_events(w: PrefixWriter, events: list[dict], now: datetime) -> None:
    """DescribeEvents: `Events:  <none>`, or a table sorted by last timestamp."""
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    ordered = sorted(events, key=lambda e: durations.parse_time(e["lastTimestamp"]).timestamp()
                     if e.get("lastTimestamp") else float("-inf"))
    for e in ordered:
        first = durations.age(e.get("eventTime") or e.get("firstTimestamp"), now)
        count = e.get("count") or 0
        if e.get("series"):
            interval = (f"{durations.age(e['series'].get('lastObservedTime'), now)} "
                        f"(x{e['series'].get('count', 0)} over {first})")
        elif count > 1:
            interval = f"{durations.age(e.get('lastTimestamp'), now)} (x{count} over {first})"
        else:
            interval = first
        source = (e.get("source") or {}).get("component") or e.get("reportingController") or ""
        w.write(1, f"{e.get('type', '')}\t{e.get('reason', '')}\t{interval}\t{source}\t"
                   f"{(e.get('message') or '').strip()}\n")


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


# -- Services and config -----------------------------------------------------

def _service(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    print_header(w, obj)
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, f"Selector:\t{tables.format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        w.write(0, "LoadBalancer Ingress:\t" + ", ".join(
            (i["ip"] + (f" ({i['ipMode']})" if i.get("ipMode") else "")) if i.get("ip") else i.get("hostname", "")
            for i in ingress) + "\n")
    slices = related.get("slices") or []
    for port in spec.get("ports") or []:
        name, protocol = port.get("name") or "<unset>", port.get("protocol", "TCP")
        w.write(0, f"Port:\t{name}\t{port.get('port')}/{protocol}\n")
        w.write(0, f"TargetPort:\t{port.get('targetPort', port.get('port'))}/{protocol}\n")
        if port.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
        w.write(0, f"Endpoints:\t{describing_networking.format_endpoint_slices(slices, {port.get('name') or ''})}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.write(0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    if spec.get("trafficDistribution"):
        w.write(0, f"Traffic Distribution:\t{spec['trafficDistribution']}\n")


def _namespace(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    w.write(0, f"Name:\t{_meta(obj).get('name', '')}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, f"Status:\t{(obj.get('status') or {}).get('phase', '')}\n")
    w.write(0, "\n")
    describing_access.quotas_section(w, related.get("resourcequotas") or [])
    w.write(0, "\n")
    describing_access.limit_ranges_section(w, related.get("limitranges") or [])


def _configmap(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    print_header(w, obj)
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, "\nData\n====\n")
    for key, value in sorted((obj.get("data") or {}).items()):
        w.write(0, f"{key}:\n----\n")
        w.write(0, f"{value}\n")
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    for key, value in sorted((obj.get("binaryData") or {}).items()):
        w.write(0, f"{key}: {len(base64.b64decode(value))} bytes\n")
    w.write(0, "\n")


def _secret(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    print_header(w, obj)
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, f"\nType:\t{obj.get('type', '')}\n")
    w.write(0, "\nData\n====\n")
    for key, value in sorted((obj.get("data") or {}).items()):
        raw = base64.b64decode(value or "")
        if key == "token" and obj.get("type") == "kubernetes.io/service-account-token":
            w.write(0, f"{key}:\t{raw.decode(errors='replace')}\n")
        else:
            w.write(0, f"{key}:\t{len(raw)} bytes\n")


# -- Everything else ---------------------------------------------------------

def _smart_label(field: str) -> str:
    """smartLabelFor: `creationTimestamp` -> `Creation Timestamp`, `apiVersion` -> `API Version`."""
    if any(not (ch.isalpha() or ch == "-") for ch in field):
        return field
    runs: list[str] = []
    for ch in field:
        kind = "l" if ch.islower() else "u" if ch.isupper() else "o"
        if runs and (("l" if runs[-1][-1].islower() else "u" if runs[-1][-1].isupper() else "o") == kind):
            runs[-1] += ch
        else:
            runs.append(ch)
    for i in range(len(runs) - 1):
        if runs[i] and runs[i][-1].isupper() and runs[i + 1][:1].islower():
            runs[i + 1] = runs[i][-1] + runs[i + 1]
            runs[i] = runs[i][:-1]
    parts = [p for p in runs if p]
    acronyms = {"API", "URL", "UID", "OSB", "GUID"}
    return " ".join(p.upper() if p.upper() in acronyms else p[:1].upper() + p[1:] for p in parts)


def _go_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    return str(value)


def _dump(w: PrefixWriter, level: int, content: dict, prefix: str, skip: set[str]) -> None:
    for field in sorted(content):
        value, path = content[field], f"{prefix}.{field}"
        if path in skip:
            continue
        if isinstance(value, dict):
            w.write(level, f"{_smart_label(field)}:\n")
            _dump(w, level + 1, value, path, skip)
        elif isinstance(value, list):
            w.write(level, f"{_smart_label(field)}:\n")
            for child in value:
                if isinstance(child, dict):
                    _dump(w, level + 1, child, path, skip)
                else:
                    w.write(level + 1, f"{_go_value(child)}\n")
        else:
            w.write(level, f"{_smart_label(field)}:\t{_go_value(value)}\n")


def _pdb(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    """describePodDisruptionBudgetV1."""
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    w.write(0, f"Name:\t{_meta(obj).get('name', '')}\n")
    w.write(0, f"Namespace:\t{_meta(obj).get('namespace', '')}\n")
    if spec.get("minAvailable") is not None:
        w.write(0, f"Min available:\t{spec['minAvailable']}\n")
    elif spec.get("maxUnavailable") is not None:
        w.write(0, f"Max unavailable:\t{spec['maxUnavailable']}\n")
    selector = spec.get("selector")
    w.write(0, f"Selector:\t{tables.format_label_selector(selector) if selector is not None else '<unset>'}\n")
    w.write(0, "Status:\n")
    for label, field in (("Allowed disruptions", "disruptionsAllowed"), ("Current", "currentHealthy"),
                         ("Desired", "desiredHealthy"), ("Total", "expectedPods")):
        w.write(2, f"{label}:\t{int(status.get(field) or 0)}\n")


def _generic(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    print_header(w, obj)
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    _dump(w, 0, obj, "", {".metadata.managedFields", ".metadata.name", ".metadata.namespace",
                          ".metadata.labels", ".metadata.annotations"})


_DESCRIBERS: dict[str, Describer] = {
    "Pod": lambda w, obj, now, related: describe_pod(w, obj, now),
    **describing_workloads.DESCRIBERS,
    **describing_batch.DESCRIBERS,
    "Service": _service,
    **describing_nodes.DESCRIBERS,
    "Namespace": _namespace,
    "ConfigMap": _configmap,
    "Secret": _secret,
    "PodDisruptionBudget": _pdb,
    **describing_access.DESCRIBERS,
    **describing_autoscaling.DESCRIBERS,
    **describing_storage.DESCRIBERS,
    **describing_networking.DESCRIBERS,
}
