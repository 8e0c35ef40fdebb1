"""Printers for ReplicationController and the metrics API's PodMetrics and NodeMetrics.

No I/O happens here. ReplicationController follows printers.go's
printReplicationController; PodMetrics and NodeMetrics follow the tables
metrics-server serves (pkg/api/table.go: the name, one column per usage
resource in name order, summed over a pod's containers, then the window).
"""
from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import Callable

from litekube.model import quantities
from litekube.model.tables.cells import age, container_cells, format_labels, meta

__all__ = ["PRINTERS", "go_duration", "quantity_sum", "canonical_quantity", "hpa_targets"]

_BINARY_SUFFIXES = ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei")


def go_duration(seconds: float) -> str:
    """time.Duration.String for a whole or fractional number of seconds: `15s`, `1m30s`, `12.5s`."""
    if seconds == 0:
        return "0s"
    sign = "-" if seconds < 0 else ""
    nanos = round(abs(seconds) * 1e9)
    hours, nanos = divmod(nanos, 3600 * 10 ** 9)
    minutes, nanos = divmod(nanos, 60 * 10 ** 9)
    whole, frac = divmod(nanos, 10 ** 9)
    text = f"{whole}" + (f".{frac:09d}".rstrip("0") if frac else "") + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{text}"
    if minutes:
        return f"{sign}{minutes}m{text}"
    if not whole and nanos < 10 ** 9:
        return sign + _sub_second(nanos)
    return sign + text


def _sub_second(nanos: int) -> str:
    for unit, size in (("ms", 10 ** 6), ("µs", 10 ** 3)):
        if nanos >= size:
            whole, frac = divmod(nanos, size)
            digits = len(str(size)) - 1
            return f"{whole}" + (f".{frac:0{digits}d}".rstrip("0") if frac else "") + unit
    return f"{nanos}ns"


def quantity_sum(values: list) -> str:
    """The canonical string of the sum of quantities (`250m` + `250m` is `500m`)."""
    total = sum((quantities.parse(v) for v in values), Fraction(0))
    return quantities.format_decimal(total)


def canonical_quantity(value: object) -> str:
    """Quantity.String(): the canonical form in the quantity's own format (`1000m` is `1`, `1024Ki` is `1Mi`)."""
    text = str(value)
    try:
        amount = quantities.parse(value)  # type: ignore[arg-type]
    except ValueError:
        return text
    if text.endswith(_BINARY_SUFFIXES) and amount.denominator == 1:
        return quantities.format_bytes(int(amount))
    return quantities.format_decimal(amount)


def _memory_sum(values: list) -> str:
    total = sum((quantities.to_int(v) for v in values), 0)
    return quantities.format_bytes(total)


def _replication_controller(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = container_cells(spec.get("template"))
    return [meta(obj).get("name", ""), spec.get("replicas") or 0, status.get("replicas") or 0,
            status.get("readyReplicas") or 0, age(obj, now), names, images, format_labels(spec.get("selector"))]


def _pod_metrics(obj: dict, now: datetime) -> list:
    containers = obj.get("containers") or []
    cpu = quantity_sum([(c.get("usage") or {}).get("cpu", "0") for c in containers])
    memory = _memory_sum([(c.get("usage") or {}).get("memory", "0") for c in containers])
    return [meta(obj).get("name", ""), cpu, memory, obj.get("window", "")]


def _node_metrics(obj: dict, now: datetime) -> list:
    usage = obj.get("usage") or {}
    return [meta(obj).get("name", ""), usage.get("cpu", "0"), usage.get("memory", "0"), obj.get("window", "")]


def _current(statuses: list, i: int, key: str) -> dict | None:
    """statuses[i].<key>.current when that status exists and has that source, else None."""
    if len(statuses) <= i or not isinstance(statuses[i], dict) or not isinstance(statuses[i].get(key), dict):
        return None
    return statuses[i][key].get("current") or {}


def hpa_targets(spec: dict, status: dict) -> str:
    """formatHPAMetrics: `cpu: 40%/50%`, `<unknown>/50%`, at most two metrics then `+ N more...`."""
    specs, statuses = spec.get("metrics") or [], status.get("currentMetrics") or []
    if not specs:
        return "<none>"
    cells = []
    for i, metric in enumerate(specs):
        kind = metric.get("type", "")
        if kind in ("External", "Object"):
            key = kind.lower()
            target = (metric.get(key) or {}).get("target") or {}
            now = _current(statuses, i, key)
            if target.get("averageValue") is not None:
                value = canonical_quantity(now["averageValue"]) if now and now.get("averageValue") is not None \
                    else "<unknown>"
                cells.append(f"{value}/{canonical_quantity(target['averageValue'])} (avg)")
            else:
                value = canonical_quantity((now or {}).get("value", "0")) if now is not None else "<unknown>"
                cells.append(f"{value}/{canonical_quantity(target.get('value', '0'))}")
        elif kind == "Pods":
            target = (metric.get("pods") or {}).get("target") or {}
            now = _current(statuses, i, "pods")
            value = canonical_quantity((now or {}).get("averageValue", "0")) if now is not None else "<unknown>"
            cells.append(f"{value}/{canonical_quantity(target.get('averageValue', '0'))}")
        elif kind in ("Resource", "ContainerResource"):
            key = "resource" if kind == "Resource" else "containerResource"
            source = metric.get(key) or {}
            target = source.get("target") or {}
            now = _current(statuses, i, key)
            if target.get("averageValue") is not None:
                value = canonical_quantity((now or {}).get("averageValue", "0")) if now is not None else "<unknown>"
                cells.append(f"{source.get('name', '')}: {value}/{canonical_quantity(target['averageValue'])}")
            else:
                value = (f"{now['averageUtilization']}%" if now and now.get("averageUtilization") is not None
                         else "<unknown>")
                goal = (f"{target['averageUtilization']}%" if target.get("averageUtilization") is not None
                        else "<auto>")
                cells.append(f"{source.get('name', '')}: {value}/{goal}")
        else:
            cells.append("<unknown type>")
    text = ", ".join(cells[:2])
    return f"{text} + {len(cells) - 2} more..." if len(cells) > 2 else text


def _hpa(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    min_pods = spec.get("minReplicas")
    return [meta(obj).get("name", ""), f"{ref.get('kind', '')}/{ref.get('name', '')}", hpa_targets(spec, status),
            "<unset>" if min_pods is None else min_pods, spec.get("maxReplicas") or 0,
            status.get("currentReplicas") or 0, age(obj, now)]


PRINTERS: dict[str, Callable[[dict, datetime], list]] = {
    "HorizontalPodAutoscaler": _hpa,
    "ReplicationController": _replication_controller,
    "PodMetrics": _pod_metrics,
    "NodeMetrics": _node_metrics,
}
