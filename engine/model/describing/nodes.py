"""`kubectl describe node`: taints, lease, conditions, capacity, and the pods' resources.

No I/O happens here. Mirrors describe.go's NodeDescriber; `related` carries
the node's Lease (`{"lease": {...}}`) and the pods bound to it
(`{"pods": [...]}`), whose requests and limits are summed as
describeNodeResource does. `DESCRIBERS` maps Node to its describer for
`litekube.model.describing`.
"""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Callable

from litekube.model import durations, tables
from litekube.model.describing.pods import print_annotations, print_labels
from litekube.model.tabwriting import PrefixWriter

__all__ = ["DESCRIBERS"]

_RAW_SUFFIXES: dict[str, int | Decimal] = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60, "n": Decimal("1e-9"),
             "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": 1, "k": 10**3, "M": 10**6, "G": 10**9,
             "T": 10**12, "P": 10**15, "E": 10**18}
_SUFFIXES: dict[str, Decimal] = {k: Decimal(v) for k, v in _RAW_SUFFIXES.items()}


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


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


DESCRIBERS: dict[str, Callable[[PrefixWriter, dict, datetime, dict], None]] = {"Node": _node}
