"""Validation of the workload kinds: Deployment, ReplicaSet, StatefulSet, DaemonSet.

No I/O happens here. Worded as pkg/apis/apps/validation (Job and CronJob:
litekube.model.validation.batch).
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from litekube.errors import Raw
from litekube.model import intstr, selectors
from litekube.model.validation.fields import (
    Errs,
    go_intstr,
    go_map,
    go_selector,
    nonnegative,
    positive,
    validate_annotations,
    validate_label_selector,
    validate_labels,
)
from litekube.model.validation.pods import validate_pod_spec, validate_pod_template_spec

__all__ = ["VALIDATORS", "UPDATE_VALIDATORS"]

_MISMATCH = "`selector` does not match template `labels`"


def _selector_matches(errs: Errs, sel: Any, template: Mapping[str, Any], path: str) -> None:
    """The template's labels must be selected; a nil selector selects nothing."""
    try:
        selector = selectors.from_label_selector(sel)
    except Exception:  # an invalid selector is reported by validate_label_selector
        return
    labels = (template.get("metadata") or {}).get("labels")
    if not selector.empty and not selector.matches(labels or {}):
        errs.invalid(path, go_map(labels), _MISMATCH)


def _require_selector(errs: Errs, sel: Any, path: str, kind: str) -> None:
    if sel is None:
        errs.required(path)
        return
    validate_label_selector(errs, sel, path)
    if not sel.get("matchLabels") and not sel.get("matchExpressions"):
        errs.invalid(path, go_selector(sel), f"empty selector is invalid for {kind}")


def _template_for_replica_set(errs: Errs, spec: Mapping[str, Any], path: str, owner: str) -> None:
    template = spec.get("template") or {}
    _selector_matches(errs, spec.get("selector"), template, f"{path}.metadata.labels")
    validate_pod_template_spec(errs, template, path)
    restart = (template.get("spec") or {}).get("restartPolicy", "Always")
    if restart != "Always":
        errs.not_supported(f"{path}.spec.restartPolicy", restart, ("Always",))
    if (template.get("spec") or {}).get("activeDeadlineSeconds") is not None:
        errs.forbidden(f"{path}.spec.activeDeadlineSeconds",
                       f"activeDeadlineSeconds in {owner} is not Supported")


def _percent_or_int(errs: Errs, value: Any, path: str) -> None:
    if value is None:
        return
    for msg in intstr.validate_percent_or_int(value):
        if msg == "must be greater than or equal to 0":
            errs.invalid(path, int(value), msg)
        else:
            errs.invalid(path, go_intstr(value), msg)


def _int_or_percent_value(value: Any) -> int:
    """getIntOrPercentValue: a valid percent's number, else the int (0 for junk)."""
    if isinstance(value, str):
        if re.fullmatch(r"[0-9]+%", value):
            return int(value[:-1])
        return int(value) if re.fullmatch(r"[+-]?[0-9]+", value) else 0
    return int(value or 0)


def _not_more_than_100(errs: Errs, value: Any, path: str) -> None:
    if value is not None:
        errs.messages(path, go_intstr(value), intstr.validate_not_more_than_100_percent(value))


def validate_deployment(errs: Errs, obj: Mapping[str, Any]) -> None:
    spec = obj.get("spec") or {}
    nonnegative(errs, spec.get("replicas"), "spec.replicas")
    _require_selector(errs, spec.get("selector"), "spec.selector", "deployment")
    _template_for_replica_set(errs, spec, "spec.template", "ReplicaSet")
    strategy = spec.get("strategy") or {}
    kind, rolling = strategy.get("type"), strategy.get("rollingUpdate")
    if kind == "Recreate":
        if rolling is not None:
            errs.forbidden("spec.strategy.rollingUpdate",
                           "may not be specified when strategy `type` is 'Recreate'")
    elif kind == "RollingUpdate":
        if rolling is None:
            errs.required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil")
        else:
            path = "spec.strategy.rollingUpdate"
            unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
            _percent_or_int(errs, unavailable, f"{path}.maxUnavailable")
            _percent_or_int(errs, surge, f"{path}.maxSurge")
            if _int_or_percent_value(unavailable) == 0 and _int_or_percent_value(surge) == 0:
                errs.invalid(f"{path}.maxUnavailable", go_intstr(unavailable or 0),
                             "may not be 0 when `maxSurge` is 0")
            _not_more_than_100(errs, unavailable, f"{path}.maxUnavailable")
    elif kind is not None:
        rendered = ("(*apps.RollingUpdateDeployment)(nil)" if rolling is None
                    else "(*apps.RollingUpdateDeployment)(0xc000100000)")
        errs.not_supported("spec.strategy", Raw(
            f'apps.DeploymentStrategy{{Type:"{kind}", RollingUpdate:{rendered}}}'),
            ("Recreate", "RollingUpdate"))
    min_ready = spec.get("minReadySeconds") or 0
    nonnegative(errs, min_ready, "spec.minReadySeconds")
    nonnegative(errs, spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    deadline = spec.get("progressDeadlineSeconds")
    if isinstance(deadline, int):
        positive(errs, deadline, "spec.progressDeadlineSeconds")
        if deadline <= min_ready:
            errs.invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds")


def validate_replica_set(errs: Errs, obj: Mapping[str, Any]) -> None:
    spec = obj.get("spec") or {}
    nonnegative(errs, spec.get("replicas"), "spec.replicas")
    nonnegative(errs, spec.get("minReadySeconds"), "spec.minReadySeconds")
    # Upstream's ReplicaSet message says "deployment" too.
    _require_selector(errs, spec.get("selector"), "spec.selector", "deployment")
    _template_for_replica_set(errs, spec, "spec.template", "ReplicaSet")


def validate_stateful_set(errs: Errs, obj: Mapping[str, Any]) -> None:
    spec = obj.get("spec") or {}
    policy = spec.get("podManagementPolicy")
    if policy == "":
        errs.required("spec.podManagementPolicy")
    elif policy not in (None, "OrderedReady", "Parallel"):
        errs.invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'")
    strategy = spec.get("updateStrategy") or {}
    kind, rolling = strategy.get("type"), strategy.get("rollingUpdate")
    if kind == "OnDelete" and rolling is not None:
        errs.invalid("spec.updateStrategy.rollingUpdate", Raw("(*apps.RollingUpdateStatefulSetStrategy)"),
                     "only allowed for updateStrategy 'RollingUpdate'")
    elif kind == "RollingUpdate" and rolling is not None:
        nonnegative(errs, rolling.get("partition"), "spec.updateStrategy.rollingUpdate.partition")
    elif kind not in (None, "OnDelete", "RollingUpdate"):
        errs.invalid("spec.updateStrategy", Raw(f'apps.StatefulSetUpdateStrategy{{Type:"{kind}", '
                     'RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}'),
                     "must be 'RollingUpdate' or 'OnDelete'")
    nonnegative(errs, spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    nonnegative(errs, spec.get("replicas"), "spec.replicas")
    nonnegative(errs, spec.get("minReadySeconds"), "spec.minReadySeconds")
    _require_selector(errs, spec.get("selector"), "spec.selector", "statefulset")
    template = spec.get("template") or {}
    _selector_matches(errs, spec.get("selector"), template, "spec.template.metadata.labels")
    claims = tuple((c.get("metadata") or {}).get("name", "") for c in spec.get("volumeClaimTemplates") or [])
    meta = template.get("metadata") or {}

    validate_labels(errs, meta.get("labels"), "spec.template.labels")
    validate_annotations(errs, meta.get("annotations"), "spec.template.annotations")
    validate_pod_spec(errs, template.get("spec") or {}, "spec.template.spec", claims)
    restart = (template.get("spec") or {}).get("restartPolicy", "Always")
    if restart != "Always":
        errs.not_supported("spec.template.spec.restartPolicy", restart, ("Always",))
    if (template.get("spec") or {}).get("activeDeadlineSeconds") is not None:
        errs.forbidden("spec.template.spec.activeDeadlineSeconds",
                       "activeDeadlineSeconds in StatefulSet is not Supported")


def validate_daemon_set(errs: Errs, obj: Mapping[str, Any]) -> None:
    spec = obj.get("spec") or {}
    sel = spec.get("selector")
    validate_label_selector(errs, sel, "spec.selector")
    template = spec.get("template") or {}
    _selector_matches(errs, sel, template, "spec.template.metadata.labels")
    if sel is not None and not sel.get("matchLabels") and not sel.get("matchExpressions"):
        errs.invalid("spec.selector", go_selector(sel), "empty selector is invalid for daemonset")
    validate_pod_template_spec(errs, template, "spec.template")
    restart = (template.get("spec") or {}).get("restartPolicy", "Always")
    if restart != "Always":
        errs.not_supported("spec.template.spec.restartPolicy", restart, ("Always",))
    deadline = (template.get("spec") or {}).get("activeDeadlineSeconds")
    if deadline is not None:
        errs.invalid("spec.template.spec.activeDeadlineSeconds", deadline,
                     "activeDeadlineSeconds must be nil for daemon set pods")
    nonnegative(errs, spec.get("minReadySeconds"), "spec.minReadySeconds")
    strategy = spec.get("updateStrategy") or {}
    kind, rolling = strategy.get("type"), strategy.get("rollingUpdate")
    path = "spec.updateStrategy.rollingUpdate"
    if kind == "RollingUpdate":
        if rolling is None:
            errs.required(path)
        else:
            unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
            _percent_or_int(errs, unavailable, f"{path}.maxUnavailable")
            _percent_or_int(errs, surge, f"{path}.maxSurge")
            _not_more_than_100(errs, unavailable, f"{path}.maxUnavailable")
            _not_more_than_100(errs, surge, f"{path}.maxSurge")
            has_unavailable = _int_or_percent_value(unavailable) != 0
            has_surge = _int_or_percent_value(surge) != 0
            if has_unavailable and has_surge:
                errs.invalid(f"{path}.maxSurge", go_intstr(surge),
                             "may not be set when maxUnavailable is non-zero")
            elif not has_unavailable and not has_surge:
                errs.required(f"{path}.maxUnavailable", "cannot be 0 when maxSurge is 0")
    elif kind not in (None, "OnDelete"):
        errs.not_supported("spec.updateStrategy", Raw(
            f'apps.DaemonSetUpdateStrategy{{Type:"{kind}", RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}}'),
            ("RollingUpdate", "OnDelete"))
    nonnegative(errs, spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")


def _immutable_selector(errs: Errs, obj: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    new_sel = (obj.get("spec") or {}).get("selector")
    if new_sel != (old.get("spec") or {}).get("selector"):
        errs.invalid("spec.selector", go_selector(new_sel), "field is immutable")


VALIDATORS = {
    "Deployment": validate_deployment, "ReplicaSet": validate_replica_set,
    "StatefulSet": validate_stateful_set, "DaemonSet": validate_daemon_set,
}
UPDATE_VALIDATORS = {
    "Deployment": _immutable_selector, "ReplicaSet": _immutable_selector,
    "StatefulSet": _immutable_selector, "DaemonSet": _immutable_selector,
}
