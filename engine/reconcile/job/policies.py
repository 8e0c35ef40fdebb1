"""A Job's pod failure policy and success policy: pod_failure_policy.go and success_policy.go.

No I/O happens here. `match_pod_failure_policy` tells, for a failed pod,
whether a rule fails the whole Job (and with which message), whether the
failure counts toward backoffLimit (an `Ignore` rule says no), and which
action matched; rules are tried in order and the first match wins.
`match_success_policy` tells whether the succeeded indexes of an Indexed
Job satisfy a rule of its success policy.
"""
from __future__ import annotations

from litekube.reconcile.job import indexes

__all__ = ["match_pod_failure_policy", "match_success_policy"]


def _terminated(status: dict) -> dict | None:
    return ((status.get("state") or {}).get("terminated")) if isinstance(status, dict) else None


def _matching_container(statuses: list[dict], requirement: dict) -> dict | None:
    """getMatchingContainerFromList: the first terminated container with a non-zero code the rule selects."""
    name = requirement.get("containerName")
    values = requirement.get("values") or []
    for status in statuses:
        terminated = _terminated(status)
        if terminated is None:
            continue  # still terminating: no exit code to match
        if name is not None and name != status.get("name"):
            continue
        code = int(terminated.get("exitCode") or 0)
        if code == 0:
            continue
        operator = requirement.get("operator")
        if (operator == "In" and code in values) or (operator == "NotIn" and code not in values):
            return status
    return None


def _matching_condition(pod_status: dict, patterns: list[dict]) -> dict | None:
    for condition in pod_status.get("conditions") or []:
        for pattern in patterns:
            if condition.get("type") == pattern.get("type") and condition.get("status") == pattern.get("status"):
                return condition
    return None


def match_pod_failure_policy(policy: dict | None, pod: dict) -> tuple[str | None, bool, str | None]:
    """(FailJob message or None, whether the failure counts, the matched action or None)."""
    if policy is None:
        return None, True, None
    status = pod.get("status") or {}
    meta = pod.get("metadata") or {}
    where = f"{meta.get('namespace', '')}/{meta.get('name', '')}"
    for index, rule in enumerate(policy.get("rules") or []):
        action = rule.get("action")
        if rule.get("onExitCodes") is not None:
            container = (_matching_container(status.get("containerStatuses") or [], rule["onExitCodes"])
                         or _matching_container(status.get("initContainerStatuses") or [], rule["onExitCodes"]))
            if container is None:
                continue
            if action == "FailJob":
                code = _terminated(container).get("exitCode")  # type: ignore[union-attr]
                return (f"Container {container.get('name', '')} for pod {where} failed with exit code {code} "
                        f"matching FailJob rule at index {index}", True, "FailJob")
        elif rule.get("onPodConditions") is not None:
            condition = _matching_condition(status, rule["onPodConditions"])
            if condition is None:
                continue
            if action == "FailJob":
                return (f"Pod {where} has condition {condition.get('type', '')} matching FailJob rule at index {index}",
                        True, "FailJob")
        else:
            continue
        if action == "Ignore":
            return None, False, "Ignore"
        if action in ("Count", "FailIndex"):
            return None, True, action
        # An unknown action matches but decides nothing: upstream's switch falls through to the next rule.
    return None, True, None


def _matches_indexes_rule(rule_indexes: indexes.Intervals, succeeded: indexes.Intervals,
                          succeeded_count: int | None) -> bool:
    """matchSucceededIndexesRule: the rule's indexes all succeeded, or at least succeededCount of them."""
    contains = r = s = 0
    while r < len(rule_indexes) and s < len(succeeded):
        overlap = min(rule_indexes[r][1], succeeded[s][1]) - max(rule_indexes[r][0], succeeded[s][0]) + 1
        if overlap > 0:
            contains += overlap
        if succeeded[s][1] < rule_indexes[r][1]:
            s += 1
        elif succeeded[s][1] > rule_indexes[r][1]:
            r += 1
        else:
            s += 1
            r += 1
    return contains == indexes.total(rule_indexes) or (succeeded_count is not None and contains >= succeeded_count)


def match_success_policy(policy: dict | None, completions: int, succeeded: indexes.Intervals) -> tuple[str, bool]:
    """matchSuccessPolicy: (`Matched rules at index N`, True) for the first rule met."""
    if policy is None or not succeeded:
        return "", False
    for index, rule in enumerate(policy.get("rules") or []):
        count = rule.get("succeededCount")
        if rule.get("succeededIndexes") is not None:
            required = indexes.parse(rule["succeededIndexes"], completions)
            if not required:
                continue
            if _matches_indexes_rule(required, succeeded, count):
                return f"Matched rules at index {index}", True
        elif count is not None and indexes.total(succeeded) >= count:
            return f"Matched rules at index {index}", True
    return "", False
