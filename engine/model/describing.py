"""`kubectl describe` output, byte for byte, from object dicts.

No I/O happens here. `describe(obj, events, now, related)` renders what
kubectl's describe.go prints for the object's kind; `related` carries what
kubectl would fetch besides the object: `{"replicasets": [...]}` for a
Deployment, `{"pods": [...]}` for a ReplicaSet or Node, `{"endpoints": {...}}`
for a Service, `{"lease": {...}}` for a Node. Kinds without a describer get
kubectl's generic describer (a sorted dump of every field).
"""
from __future__ import annotations

import base64
import re
from datetime import datetime
from decimal import Decimal
from typing import Callable

from engine.model import durations
from engine.model import tables
from engine.model.describing_pods import (describe_pod, describe_pod_template, print_annotations,
                                          print_labels)
from engine.model.tabwriting import PrefixWriter

__all__ = ["describe", "describe_events"]

Describer = Callable[[PrefixWriter, dict, datetime, dict], None]


def describe(obj: dict, events: list[dict], now: datetime, related: dict | None = None) -> str:
    """The text `kubectl describe <kind> <name>` prints for obj, events included where kubectl shows them."""
    w = PrefixWriter()
    describer = _DESCRIBERS.get(obj.get("kind", ""), _generic)
    describer(w, obj, now, related or {})
    if obj.get("kind") not in ("Secret", "Namespace"):
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


def _header(w: PrefixWriter, obj: dict, created: bool = False) -> None:
    meta = _meta(obj)
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if created:
        w.write(0, f"CreationTimestamp:\t{durations.format_rfc1123z(meta.get('creationTimestamp') or '')}\n")


def _controller(obj: dict) -> str:
    owner = next((o for o in _meta(obj).get("ownerReferences") or [] if o.get("controller")), None)
    return f"{owner.get('kind', '')}/{owner.get('name', '')}" if owner else ""


def _pod_counts(owner: dict, pods: list[dict]) -> str:
    uid = _meta(owner).get("uid")
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in pods:
        ref = next((o for o in _meta(pod).get("ownerReferences") or [] if o.get("controller")), None)
        if ref is None or (uid and ref.get("uid") != uid):
            continue
        phase = (pod.get("status") or {}).get("phase", "")
        if phase in counts:
            counts[phase] += 1
    return (f"{counts['Running']} Running / {counts['Pending']} Waiting / {counts['Succeeded']} Succeeded / "
            f"{counts['Failed']} Failed")


def _conditions(w: PrefixWriter, conditions: list[dict] | None) -> None:
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")


# -- Workloads ---------------------------------------------------------------

def _template_without_hash(template: dict | None) -> dict:
    template = dict(template or {})
    meta = dict(template.get("metadata") or {})
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k != "pod-template-hash"}
    meta["labels"] = labels
    template["metadata"] = meta
    return template


def _split_replicasets(deployment: dict, replicasets: list[dict]) -> tuple[list[dict], list[dict]]:
    """deploymentutil's FindNewReplicaSet / FindOldReplicaSets over the owned ReplicaSets."""
    uid = _meta(deployment).get("uid")
    owned = [rs for rs in replicasets
             if not uid or any(o.get("controller") and o.get("uid") == uid for o in _meta(rs).get("ownerReferences") or [])]
    wanted = _template_without_hash((deployment.get("spec") or {}).get("template"))
    by_age = sorted(owned, key=lambda rs: (_meta(rs).get("creationTimestamp") or "", _meta(rs).get("name", "")))
    new = next((rs for rs in by_age
                if _template_without_hash((rs.get("spec") or {}).get("template")) == wanted), None)
    return [rs for rs in owned if rs is not new], [new] if new is not None else []


def _replicasets_line(replicasets: list[dict]) -> str:
    return ", ".join(f"{_meta(rs).get('name', '')} ({(rs.get('status') or {}).get('replicas') or 0}/"
                     f"{(rs.get('spec') or {}).get('replicas') or 0} replicas created)"
                     for rs in replicasets) or "<none>"


def _deployment(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    _header(w, obj, created=True)
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, f"Selector:\t{tables.selector_string(spec.get('selector'))}\n")
    w.write(0, f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('updatedReplicas') or 0} updated | "
               f"{status.get('replicas') or 0} total | {status.get('availableReplicas') or 0} available | "
               f"{status.get('unavailableReplicas') or 0} unavailable\n")
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds') or 0}\n")
    if strategy.get("rollingUpdate") is not None:
        ru = strategy["rollingUpdate"]
        w.write(0, f"RollingUpdateStrategy:\t{ru.get('maxUnavailable', 0)} max unavailable, "
                   f"{ru.get('maxSurge', 0)} max surge\n")
    describe_pod_template(w, spec.get("template"))
    _conditions(w, status.get("conditions"))
    old, new = _split_replicasets(obj, related.get("replicasets") or [])
    if old or new:
        w.write(0, f"OldReplicaSets:\t{_replicasets_line(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_replicasets_line(new)}\n")


def _replicaset(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    _header(w, obj)
    w.write(0, f"Selector:\t{tables.format_label_selector(spec.get('selector'))}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    if _controller(obj):
        w.write(0, f"Controlled By:\t{_controller(obj)}\n")
    w.write(0, f"Replicas:\t{status.get('replicas') or 0} current / {spec.get('replicas', 1)} desired\n")
    w.write(0, "Pods Status:\t")
    w.write(0, _pod_counts(obj, related.get("pods") or []) + "\n")
    describe_pod_template(w, spec.get("template"))
    _conditions(w, status.get("conditions"))


def _statefulset(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    _header(w, obj, created=True)
    w.write(0, f"Selector:\t{tables.selector_string(spec.get('selector'))}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('replicas') or 0} total\n")
    strategy = spec.get("updateStrategy") or {}
    w.write(0, f"Update Strategy:\t{strategy.get('type', '')}\n")
    rolling = strategy.get("rollingUpdate") or {}
    if rolling.get("partition") is not None:
        w.write(1, f"Partition:\t{rolling['partition']}\n")
    w.write(0, f"Pods Status:\t{_pod_counts(obj, related.get('pods') or [])}\n")
    describe_pod_template(w, spec.get("template"))
    claims = spec.get("volumeClaimTemplates") or []
    if not claims:
        w.write(0, "Volume Claims:\t<none>\n")
        return
    w.write(0, "Volume Claims:\n")
    for pvc in claims:
        pvc_spec = pvc.get("spec") or {}
        w.write(1, f"Name:\t{_meta(pvc).get('name', '')}\n")
        w.write(1, f"StorageClass:\t{pvc_spec.get('storageClassName', '')}\n")
        print_labels(w, "Labels", _meta(pvc).get("labels"), indent="  ")
        print_labels(w, "Annotations", _meta(pvc).get("annotations"), indent="  ")
        storage = ((pvc_spec.get("resources") or {}).get("requests") or {}).get("storage", "<default>")
        w.write(1, f"Capacity:\t{storage}\n")
        w.write(1, f"Access Modes:\t[{' '.join(pvc_spec.get('accessModes') or [])}]\n")


def _job(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    _header(w, obj)
    w.write(0, f"Selector:\t{tables.selector_string(spec.get('selector'))}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    if _controller(obj):
        w.write(0, f"Controlled By:\t{_controller(obj)}\n")
    if spec.get("parallelism") is not None:
        w.write(0, f"Parallelism:\t{spec['parallelism']}\n")
    w.write(0, f"Completions:\t{spec['completions'] if spec.get('completions') is not None else '<unset>'}\n")
    if spec.get("completionMode"):
        w.write(0, f"Completion Mode:\t{spec['completionMode']}\n")
    if spec.get("suspend") is not None:
        w.write(0, f"Suspend:\t{'true' if spec['suspend'] else 'false'}\n")
    if spec.get("backoffLimit") is not None:
        w.write(0, f"Backoff Limit:\t{spec['backoffLimit']}\n")
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.write(0, f"TTL Seconds After Finished:\t{spec['ttlSecondsAfterFinished']}\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{durations.format_rfc1123z(status['startTime'])}\n")
    if status.get("completionTime"):
        w.write(0, f"Completed At:\t{durations.format_rfc1123z(status['completionTime'])}\n")
    if status.get("startTime") and status.get("completionTime"):
        took = durations.parse_time(status["completionTime"]) - durations.parse_time(status["startTime"])
        w.write(0, f"Duration:\t{durations.human_duration(took.total_seconds())}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    active, done, failed = (status.get(k) or 0 for k in ("active", "succeeded", "failed"))
    ready = "" if status.get("ready") is None else f" ({status['ready']} Ready)"
    w.write(0, f"Pods Statuses:\t{active} Active{ready} / {done} Succeeded / {failed} Failed\n")
    describe_pod_template(w, spec.get("template"))


# -- Services and config -----------------------------------------------------

def _service(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    _header(w, obj)
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
    endpoints = related.get("endpoints")
    for port in spec.get("ports") or []:
        name, protocol = port.get("name") or "<unset>", port.get("protocol", "TCP")
        w.write(0, f"Port:\t{name}\t{port.get('port')}/{protocol}\n")
        w.write(0, f"TargetPort:\t{port.get('targetPort', port.get('port'))}/{protocol}\n")
        if port.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
        found = tables.format_endpoints(endpoints, {port.get("name", "")}) if endpoints else "<none>"
        w.write(0, f"Endpoints:\t{found}\n")
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
    w.write(0, "No resource quota.\n")
    w.write(0, "\n")
    w.write(0, "No LimitRange resource.\n")


def _configmap(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    _header(w, obj)
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
    _header(w, obj)
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


# -- Nodes -------------------------------------------------------------------

_RAW_SUFFIXES: dict[str, int | Decimal] = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60, "n": Decimal("1e-9"),
             "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": 1, "k": 10**3, "M": 10**6, "G": 10**9,
             "T": 10**12, "P": 10**15, "E": 10**18}
_SUFFIXES: dict[str, Decimal] = {k: Decimal(v) for k, v in _RAW_SUFFIXES.items()}


def _quantity(text: object) -> tuple[Decimal, bool]:
    """(value, binary) for a resource.Quantity string such as `250m` or `128Mi`."""
    match = re.fullmatch(r"([+-]?[0-9.]+)(e[+-]?\d+|[A-Za-z]*)", str(text).strip())
    if match is None:
        return Decimal(0), False
    number, suffix = match.groups()
    if suffix.startswith("e"):
        return Decimal(number) * (Decimal(10) ** int(suffix[1:])), False
    return Decimal(number) * Decimal(_SUFFIXES.get(suffix, 1)), suffix.endswith("i")


def _format_quantity(value: Decimal, binary: bool) -> str:
    """Quantity.String() for the canonical cases kubectl prints (`350m`, `192Mi`, `2`)."""
    if value == 0:
        return "0"
    if binary and value == value.to_integral_value() and abs(value) >= 1024:
        for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
            if value % _SUFFIXES[suffix] == 0:
                return f"{int(value / _SUFFIXES[suffix])}{suffix}"
        return str(int(value))
    for suffix in ("E", "P", "T", "G", "M", "k", ""):
        if value % Decimal(_SUFFIXES[suffix]) == 0:
            return f"{int(value / _SUFFIXES[suffix])}{suffix}"
    milli = (value * 1000).to_integral_value(rounding="ROUND_CEILING")
    return f"{int(milli)}m"


def _pod_totals(pod: dict) -> tuple[dict[str, tuple[Decimal, bool]], dict[str, tuple[Decimal, bool]]]:
    spec = pod.get("spec") or {}
    totals: tuple[dict[str, tuple[Decimal, bool]], ...] = ({}, {})
    for index, kind in enumerate(("requests", "limits")):
        summed: dict[str, tuple[Decimal, bool]] = {}
        for c in spec.get("containers") or []:
            for name, text in ((c.get("resources") or {}).get(kind) or {}).items():
                value, binary = _quantity(text)
                summed[name] = (summed.get(name, (Decimal(0), binary))[0] + value, summed.get(name, (0, binary))[1])
        for c in spec.get("initContainers") or []:
            for name, text in ((c.get("resources") or {}).get(kind) or {}).items():
                value, binary = _quantity(text)
                if value > summed.get(name, (Decimal(0), binary))[0]:
                    summed[name] = (value, binary)
        totals[index].update(summed)
    return totals[0], totals[1]


def _node_resources(w: PrefixWriter, node: dict, pods: list[dict], now: datetime) -> None:
    status = node.get("status") or {}
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    alloc = {k: _quantity(v)[0] for k, v in allocatable.items()}
    name = _meta(node).get("name")
    running = [p for p in pods if (p.get("spec") or {}).get("nodeName") == name
               and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]

    def pct(value: Decimal, resource: str) -> int:
        return int(value / alloc[resource] * 100) if alloc.get(resource) else 0

    def cell(totals: dict, resource: str) -> str:
        value, binary = totals.get(resource, (Decimal(0), False))
        return f"{_format_quantity(value, binary)} ({pct(value, resource)}%)"
    w.write(0, f"Non-terminated Pods:\t({len(running)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    all_req: dict[str, tuple[Decimal, bool]] = {}
    all_lim: dict[str, tuple[Decimal, bool]] = {}
    for pod in running:
        req, lim = _pod_totals(pod)
        for source, target in ((req, all_req), (lim, all_lim)):
            for key, (value, binary) in source.items():
                target[key] = (target.get(key, (Decimal(0), binary))[0] + value, target.get(key, (0, binary))[1])
        w.write(1, f"{_meta(pod).get('namespace', '')}\t{_meta(pod).get('name', '')}\t\t{cell(req, 'cpu')}\t"
                   f"{cell(lim, 'cpu')}\t{cell(req, 'memory')}\t{cell(lim, 'memory')}\t"
                   f"{durations.age(_meta(pod).get('creationTimestamp'), now)}\n")
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    for resource in ("cpu", "memory", "ephemeral-storage"):
        w.write(1, f"{resource}\t{cell(all_req, resource)}\t{cell(all_lim, resource)}\n")
    standard = {"cpu", "memory", "ephemeral-storage", "storage", "pods"}
    for resource in sorted(r for r in allocatable if r.startswith("hugepages-")):
        w.write(1, f"{resource}\t{cell(all_req, resource)}\t{cell(all_lim, resource)}\n")
    for resource in sorted(r for r in allocatable if r not in standard and not r.startswith("hugepages-")):
        req_value, lim_value = all_req.get(resource, (Decimal(0), False)), all_lim.get(resource, (Decimal(0), False))
        w.write(1, f"{resource}\t{_format_quantity(*req_value)}\t{_format_quantity(*lim_value)}\n")


def _node(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    meta, spec, status = _meta(obj), obj.get("spec") or {}, obj.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Roles:\t{','.join(tables.node_roles(obj)) or '<none>'}\n")
    print_labels(w, "Labels", meta.get("labels"))
    print_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{durations.format_rfc1123z(meta.get('creationTimestamp') or '')}\n")
    taints = sorted(spec.get("taints") or [], key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")
    w.write(0, "Taints:\t")
    if not taints:
        w.write_line("<none>")
    for i, taint in enumerate(taints):
        value = f"={taint['value']}" if taint.get("value") else ""
        w.write(0, f"{chr(9) if i else ''}{taint.get('key', '')}{value}:{taint.get('effect', '')}\n")
    w.write(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    lease = related.get("lease")
    if lease is None:
        w.write(0, f"Lease:\tFailed to get lease: leases.coordination.k8s.io \"{meta.get('name', '')}\" not found\n")
    else:
        lease_spec = lease.get("spec") or {}
        w.write(0, "Lease:\n")
        w.write(1, f"HolderIdentity:\t{lease_spec.get('holderIdentity') or '<unset>'}\n")
        for label, key in (("AcquireTime", "acquireTime"), ("RenewTime", "renewTime")):
            stamp = lease_spec.get(key)
            w.write(1, f"{label}:\t{durations.format_rfc1123z(stamp) if stamp else '<unset>'}\n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in status["conditions"]:
            beat, moved = (durations.format_rfc1123z(c[k]) if c.get(k) else "Mon, 01 Jan 0001 00:00:00 +0000"
                           for k in ("lastHeartbeatTime", "lastTransitionTime"))
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \t{beat} \t{moved} \t{c.get('reason', '')} \t"
                       f"{c.get('message', '')}\n")
    w.write(0, "Addresses:\n")
    for address in status.get("addresses") or []:
        w.write(1, f"{address.get('type', '')}:\t{address.get('address', '')}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        if status.get(key):
            w.write(0, f"{title}:\n")
            for resource in sorted(status[key]):
                w.write(0, f"  {resource}:\t{status[key][resource]}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for title, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
                       ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
                       ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion"), ("Kube-Proxy Version", "kubeProxyVersion")):
        w.write(0, f"  {title}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    _node_resources(w, obj, related.get("pods") or [], now)


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


def _generic(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    _header(w, obj)
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    _dump(w, 0, obj, "", {".metadata.managedFields", ".metadata.name", ".metadata.namespace",
                          ".metadata.labels", ".metadata.annotations"})


_DESCRIBERS: dict[str, Describer] = {
    "Pod": lambda w, obj, now, related: describe_pod(w, obj, now),
    "Deployment": _deployment,
    "ReplicaSet": _replicaset,
    "StatefulSet": _statefulset,
    "Job": _job,
    "Service": _service,
    "Node": _node,
    "Namespace": _namespace,
    "ConfigMap": _configmap,
    "Secret": _secret,
}
