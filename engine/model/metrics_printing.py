"""`kubectl top` output: kubectl's metricsutil TopCmdPrinter and sorters (v1.32), byte for byte.

No I/O happens here. Pods print `NAME CPU(cores) MEMORY(bytes)` (with
`NAMESPACE` first under -A, `POD` first with --containers), nodes
`NAME CPU(cores) CPU(%) MEMORY(bytes) MEMORY(%)`; cpu is the MilliValue
with `m`, memory the Value in whole MiB with `Mi`, percentages truncated;
every cell ends with a tab, aligned by printers.GetNewTabWriter
(minwidth 10, padding 3), so lines keep their trailing padding. Sorting by
cpu or memory puts the largest first; ties keep the metrics API's order.
"""
from __future__ import annotations

from fractions import Fraction

from litekube.model import quantities
from litekube.model.tabwriting import format_cells

__all__ = ["print_pod_metrics", "print_node_metrics", "SORT_KEYS"]

POD_COLUMNS = ("NAME", "CPU(cores)", "MEMORY(bytes)")
NODE_COLUMNS = ("NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)")
SORT_KEYS = ("cpu", "memory")


def _amount(usage: dict, resource: str) -> Fraction:
    try:
        return quantities.parse(usage.get(resource, "0"))
    except ValueError:
        return Fraction(0)


def _milli(amount: Fraction) -> int:
    """Quantity.MilliValue: rounded up."""
    scaled = amount * 1000
    return -((-scaled.numerator) // scaled.denominator)


def _value(amount: Fraction) -> int:
    """Quantity.Value: rounded up."""
    return -((-amount.numerator) // amount.denominator)


def _usage_cells(usage: dict[str, Fraction], available: dict | None) -> str:
    out = ""
    for resource in ("cpu", "memory"):
        amount = usage.get(resource, Fraction(0))
        out += f"{_milli(amount)}m\t" if resource == "cpu" else f"{_value(amount) // (1024 * 1024)}Mi\t"
        if available is not None and resource in available:
            total = _milli(quantities.parse(available[resource]))
            fraction = float(_milli(amount)) / float(total) * 100 if total else 0.0
            out += f"{int(fraction)}%\t"
    return out


def _line(name: str, usage: dict[str, Fraction], available: dict | None = None) -> str:
    return f"{name}\t{_usage_cells(usage, available)}\n"


def _pod_total(pod: dict) -> dict[str, Fraction]:
    total = {"cpu": Fraction(0), "memory": Fraction(0)}
    for container in pod.get("containers") or []:
        for resource in total:
            total[resource] += _amount(container.get("usage") or {}, resource)
    return total


def _sorted(items: list, key, sort_by: str) -> list:
    if sort_by in SORT_KEYS:
        return sorted(items, key=lambda item: -key(item)[sort_by])
    return items


def print_pod_metrics(metrics: list[dict], *, containers: bool = False, with_namespace: bool = False,
                      no_headers: bool = False, sort_by: str = "", total: bool = False) -> str:
    """PrintPodMetrics; `metrics` come in the API's order (namespace, then name)."""
    if not metrics:
        return ""
    text = ""
    width = len(POD_COLUMNS)
    if not no_headers:
        if with_namespace:
            text += "NAMESPACE\t"
            width += 1
        if containers:
            text += "POD\t"
            width += 1
        text += "".join(f"{c}\t" for c in POD_COLUMNS) + "\n"
    if sort_by not in SORT_KEYS:
        metrics = sorted(metrics, key=lambda m: ((m["metadata"].get("namespace", "") if with_namespace else ""),
                                                 m["metadata"].get("name", "")))
    for pod in _sorted(metrics, _pod_total, sort_by):
        prefix = f"{pod['metadata'].get('namespace', '')}\t" if with_namespace else ""
        if containers:
            listed = pod.get("containers") or []
            if sort_by in SORT_KEYS:
                listed = _sorted(listed, lambda c: {r: _amount(c.get("usage") or {}, r) for r in SORT_KEYS}, sort_by)
            else:
                listed = sorted(listed, key=lambda c: c.get("name", ""))
            for container in listed:
                usage = {r: _amount(container.get("usage") or {}, r) for r in SORT_KEYS}
                text += prefix + f"{pod['metadata'].get('name', '')}\t" + _line(container.get("name", ""), usage)
        else:
            text += prefix + _line(pod["metadata"].get("name", ""), _pod_total(pod))
    if total:
        sums = {"cpu": Fraction(0), "memory": Fraction(0)}
        for pod in metrics:
            for resource, amount in _pod_total(pod).items():
                sums[resource] += amount
        text += "\t" * (width - 2) + "________\t________\t\n"
        text += "\t" * (width - 3) + _line("", sums)
    return format_cells(text.removesuffix("\n"), minwidth=10, padding=3) + "\n"


def print_node_metrics(metrics: list[dict], available: dict[str, dict], *, no_headers: bool = False,
                       sort_by: str = "") -> str:
    """PrintNodeMetrics: nodes with metrics (sorted), then `<unknown>` lines for the nodes without."""
    if not metrics:
        return ""
    text = "" if no_headers else "".join(f"{c}\t" for c in NODE_COLUMNS) + "\n"
    def usage_of(m: dict) -> dict[str, Fraction]:
        return {r: _amount(m.get("usage") or {}, r) for r in SORT_KEYS}
    ordered = sorted(metrics, key=lambda m: m["metadata"].get("name", ""))
    missing = dict(available)
    for node in _sorted(ordered, usage_of, sort_by):
        name = node["metadata"].get("name", "")
        text += _line(name, usage_of(node), available.get(name, {}))
        missing.pop(name, None)
    for name in sorted(missing):
        text += f"{name}\t" + "<unknown>\t" * 4 + "\n"
    return format_cells(text.removesuffix("\n"), minwidth=10, padding=3) + "\n"
