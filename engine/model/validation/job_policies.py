"""Validation of a Job's pod failure policy and success policy, and of index lists (`"0,2-4"`).

No I/O happens here. Worded as pkg/apis/batch/validation/validation.go
(validatePodFailurePolicy, validateSuccessPolicy, validateIndexesFormat);
litekube.model.validation.batch calls these for Jobs and CronJob templates.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from litekube.errors import OMIT, Cause, Raw
from litekube.model import names
from litekube.model.validation.fields import Errs, go_quote, nonnegative

__all__ = ["validate_pod_failure_policy", "validate_success_policy", "validate_indexes_format",
           "go_success_policy"]

_MAX_POLICY_RULES = 20
_MAX_EXIT_CODE_VALUES = 255
_MAX_CONDITION_PATTERNS = 20
_MAX_SUCCEEDED_INDEXES = 64 * 1024
_MAX_SUCCESS_RULES = 20
_ACTIONS = ("Count", "FailIndex", "FailJob", "Ignore")
_OPERATORS = ("In", "NotIn")
_STATUSES = ("False", "True", "Unknown")


def _go_list(values: tuple[str, ...]) -> str:
    """%q of a []string: `["Count" "FailJob"]`."""
    return "[" + " ".join(go_quote(v) for v in values) + "]"


def _go_int32s(values: Any) -> Raw:
    if values is None:
        return Raw("[]int32(nil)")
    return Raw("[]int32{" + ", ".join(str(v) for v in values) + "}")


def _too_many(errs: Errs, path: str, actual: int, limit: int) -> None:
    errs.append(Cause(path, "Too many", f"{actual}: must have at most {limit} items"))


def _index_interval(text: str, completions: int) -> tuple[int, int]:
    limits = text.split("-")
    if len(limits) > 2:
        raise ValueError(f'the fragment "{text}" violates the requirement that an index interval can have at '
                         "most two parts separated by '-'")

    def number(part: str) -> int:
        if not re.fullmatch(r"[+-]?[0-9]+", part):
            raise ValueError(f'cannot convert string to integer for index: "{part}"')
        value = int(part)
        if value >= completions:
            raise ValueError(f'too large index: "{part}"')
        return value

    first = number(limits[0])
    if len(limits) == 1:
        return first, first
    last = number(limits[1])
    if first >= last:
        raise ValueError(f"non-increasing order, previous: {first}, current: {last}")
    return first, last


def validate_indexes_format(text: str, completions: int) -> int:
    """validateIndexesFormat: the number of indexes in `"1,3-5"`; raises ValueError with upstream's text."""
    if not text:
        return 0
    last: int | None = None
    total = 0
    for part in text.split(","):
        first, end = _index_interval(part, completions)
        if last is not None and last >= first:
            raise ValueError(f"non-increasing order, previous: {last}, current: {first}")
        total += end - first + 1
        last = end
    return total


def _exit_codes(errs: Errs, requirement: Mapping[str, Any], path: str, containers: set[str]) -> None:
    operator = requirement.get("operator") or ""
    if not operator:
        errs.required(f"{path}.operator", f"valid values: {_go_list(_OPERATORS)}")
    elif operator not in _OPERATORS:
        errs.not_supported(f"{path}.operator", operator, _OPERATORS)
    name = requirement.get("containerName")
    if name is not None and name not in containers:
        errs.invalid(f"{path}.containerName", name,
                     "must be one of the container or initContainer names in the pod template")
    values = requirement.get("values")
    if not values:
        errs.invalid(f"{path}.values", _go_int32s(values), "at least one value is required")
    elif len(values) > _MAX_EXIT_CODE_VALUES:
        _too_many(errs, f"{path}.values", len(values), _MAX_EXIT_CODE_VALUES)
    ordered = True
    seen: set[int] = set()
    for j, value in enumerate(values or []):
        if operator == "In" and value == 0:
            errs.invalid(f"{path}.values[{j}]", value, "must not be 0 for the In operator")
        if value in seen:
            errs.duplicate(f"{path}.values[{j}]", value)
        else:
            seen.add(value)
        if j > 0 and values[j - 1] > value:
            ordered = False
    if not ordered:
        errs.invalid(f"{path}.values", _go_int32s(values), "must be ordered")


def _pod_conditions(errs: Errs, patterns: list[Mapping[str, Any]], path: str) -> None:
    if len(patterns) > _MAX_CONDITION_PATTERNS:
        _too_many(errs, path, len(patterns), _MAX_CONDITION_PATTERNS)
    for j, pattern in enumerate(patterns):
        kind = str(pattern.get("type") or "")
        errs.messages(f"{path}[{j}].type", kind, names.is_qualified_name(kind))
        status = pattern.get("status") or ""
        if not status:
            errs.required(f"{path}[{j}].status", f"valid values: {_go_list(_STATUSES)}")
        elif status not in _STATUSES:
            errs.not_supported(f"{path}[{j}].status", status, _STATUSES)


def validate_pod_failure_policy(errs: Errs, spec: Mapping[str, Any], path: str) -> None:
    rules = (spec.get("podFailurePolicy") or {}).get("rules") or []
    if len(rules) > _MAX_POLICY_RULES:
        _too_many(errs, f"{path}.rules", len(rules), _MAX_POLICY_RULES)
    template_spec = (spec.get("template") or {}).get("spec") or {}
    containers = {c.get("name") for c in (template_spec.get("containers") or []) + (
        template_spec.get("initContainers") or [])}
    for i, rule in enumerate(rules):
        rule_path = f"{path}.rules[{i}]"
        action = rule.get("action") or ""
        if not action:
            errs.required(f"{rule_path}.action", f"valid values: {_go_list(_ACTIONS)}")
        elif action == "FailIndex":
            if spec.get("backoffLimitPerIndex") is None:
                errs.invalid(f"{rule_path}.action", action, "requires the backoffLimitPerIndex to be set")
        elif action not in _ACTIONS:
            errs.not_supported(f"{rule_path}.action", action, _ACTIONS)
        on_exit, on_conditions = rule.get("onExitCodes"), rule.get("onPodConditions") or []
        if on_exit is not None:
            _exit_codes(errs, on_exit, f"{rule_path}.onExitCodes", containers)
        if on_conditions:
            _pod_conditions(errs, on_conditions, f"{rule_path}.onPodConditions")
        if on_exit is not None and on_conditions:
            errs.invalid(rule_path, OMIT, "specifying both OnExitCodes and OnPodConditions is not supported")
        if on_exit is None and not on_conditions:
            errs.invalid(rule_path, OMIT, "specifying one of OnExitCodes and OnPodConditions is required")


def validate_success_policy(errs: Errs, spec: Mapping[str, Any], path: str) -> None:
    rules = (spec.get("successPolicy") or {}).get("rules") or []
    completions = int(spec.get("completions") or 0)
    if not rules:
        errs.required(f"{path}.rules", "at least one rules must be specified when the successPolicy is specified")
    if len(rules) > _MAX_SUCCESS_RULES:
        _too_many(errs, f"{path}.rules", len(rules), _MAX_SUCCESS_RULES)
    for i, rule in enumerate(rules):
        rule_path = f"{path}.rules[{i}]"
        indexes, count = rule.get("succeededIndexes"), rule.get("succeededCount")
        if count is None and indexes is None:
            errs.required(rule_path, "at least one of succeededCount or succeededIndexes must be specified")
        total = 0
        if indexes is not None:
            if len(indexes) > _MAX_SUCCEEDED_INDEXES:
                errs.too_long(f"{rule_path}.succeededIndexes", _MAX_SUCCEEDED_INDEXES)
            try:
                total = validate_indexes_format(indexes, completions)
            except ValueError as exc:
                errs.invalid(f"{rule_path}.succeededIndexes", indexes, f"error parsing succeededIndexes: {exc}")
        if count is not None:
            nonnegative(errs, count, f"{rule_path}.succeededCount")
            if count > completions:
                errs.invalid(f"{rule_path}.succeededCount", count,
                             f"must be less than or equal to {completions} (the number of specified completions)")
            if indexes is not None and count > total:
                errs.invalid(f"{rule_path}.succeededCount", count,
                             f"must be less than or equal to {total} (the number of indexes in the specified "
                             "succeededIndexes field)")


def go_success_policy(policy: Mapping[str, Any]) -> str:
    rules = ", ".join(
        "batch.SuccessPolicyRule{SucceededIndexes:" + ("(*string)(nil)" if r.get("succeededIndexes") is None
                                                      else f'"{r["succeededIndexes"]}"')
        + ", SucceededCount:" + ("(*int32)(nil)" if r.get("succeededCount") is None else str(r["succeededCount"]))
        + "}" for r in policy.get("rules") or [])
    return "batch.SuccessPolicy{Rules:[]batch.SuccessPolicyRule{" + rules + "}}"
