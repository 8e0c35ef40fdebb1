"""Cells every printer shares: labels, selectors, ages, containers, conditions.

No I/O happens here. The label and selector formats are apimachinery's
(`labels.FormatLabels`, `labels.Selector.String()`,
`metav1.FormatLabelSelector`), which `kubectl describe` prints too; the rest
are the small readings of an object that printers.go repeats per kind.
"""
from __future__ import annotations

from datetime import datetime

from litekube.model import durations

__all__ = ["format_labels", "selector_string", "format_label_selector", "meta", "age", "container_cells",
           "has_condition"]


def format_labels(labels: dict | None) -> str:
    """labels.FormatLabels: `a=1,b=2` sorted by key, `<none>` when empty."""
    return ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items())) or "<none>"


def selector_string(selector: dict | None) -> str:
    """A LabelSelector as labels.Selector.String(): requirements sorted by key, `""` when empty."""
    selector = selector or {}
    requirements: list[tuple[str, str]] = [(k, f"{k}={v}") for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key", ""), expr.get("operator", ""), sorted(expr.get("values") or [])
        text = {"In": f"{key} in ({','.join(values)})", "NotIn": f"{key} notin ({','.join(values)})",
                "Exists": key, "DoesNotExist": f"!{key}"}.get(op, key)
        requirements.append((key, text))
    return ",".join(text for _, text in sorted(requirements, key=lambda r: r[0]))


def format_label_selector(selector: dict | None) -> str:
    """metav1.FormatLabelSelector: like selector_string, but `<none>` when empty."""
    return selector_string(selector) or "<none>"


def meta(obj: dict) -> dict:
    """The object's metadata, {} when it has none."""
    return obj.get("metadata") or {}


def age(obj: dict, now: datetime) -> str:
    """The AGE cell: time since the object's creationTimestamp."""
    return durations.age(meta(obj).get("creationTimestamp"), now)


def container_cells(template: dict | None) -> tuple[str, str]:
    """The CONTAINERS and IMAGES cells of a pod template: names and images, comma-separated."""
    containers = ((template or {}).get("spec") or {}).get("containers") or []
    return (",".join(c.get("name", "") for c in containers), ",".join(c.get("image", "") for c in containers))


def has_condition(conditions: list[dict] | None, type_: str) -> bool:
    """Whether the first condition of `type_` has status True."""
    for condition in conditions or []:
        if condition.get("type") == type_:
            return condition.get("status") == "True"
    return False
