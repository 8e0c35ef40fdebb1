"""Completion indexes of Indexed Jobs: pkg/controller/job/indexed_job_utils.go.

No I/O happens here. Index sets are ordered lists of closed intervals
`[(0, 2), (5, 5)]`, written as upstream writes `.status.completedIndexes`
(`"0-2,5"`, two neighbours as `"3,4"`). Pods carry their index in the
annotation (and label) `batch.kubernetes.io/job-completion-index`; an
absent, malformed or negative value is the unknown index, -1.
"""
from __future__ import annotations

import re
from typing import Iterable

__all__ = ["COMPLETION_INDEX", "INDEX_FAILURE_COUNT", "INDEX_IGNORED_FAILURE_COUNT", "COMPLETION_INDEX_ENV",
           "UNKNOWN", "Intervals", "parse", "merge", "with_indexes", "total", "format_intervals", "has",
           "completion_index", "first_pending", "generate_name_with_index", "failure_count",
           "ignored_failure_count", "absolute_failure_count", "by_completion_index"]

COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index"
INDEX_FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count"
INDEX_IGNORED_FAILURE_COUNT = "batch.kubernetes.io/job-index-ignored-failure-count"
COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX"
UNKNOWN = -1
_MAX_GENERATED_NAME = 58  # names.MaxGeneratedNameLength
_MAX_INT32 = 2 ** 31 - 1

Intervals = list[tuple[int, int]]


def _atoi(text: str) -> int | None:
    """strconv.Atoi: an optional sign and decimal digits, else None."""
    return int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else None


def parse(text: str | None, completions: int) -> Intervals:
    """parseIndexesFromString: corrupt intervals are skipped, indexes >= completions dropped."""
    if not text:
        return []
    result: Intervals = []
    for part in text.split(","):
        limits = part.split("-")
        first = _atoi(limits[0])
        if first is None:
            continue
        if first >= completions:
            break
        if len(limits) > 1:
            last = _atoi(limits[1])
            if last is None:
                continue
            last = min(last, completions - 1)
        else:
            last = first
        if result and result[-1][1] == first - 1:
            result[-1] = (result[-1][0], last)
        else:
            result.append((first, last))
    return result


def merge(a: Intervals, b: Intervals) -> Intervals:
    """orderedIntervals.merge: the union of two ordered interval lists, neighbours joined."""
    result: Intervals = []

    def append(interval: tuple[int, int]) -> None:
        if not result or interval[0] > result[-1][1] + 1:
            result.append(interval)
        elif result[-1][1] < interval[1]:
            result[-1] = (result[-1][0], interval[1])

    i = j = 0
    while i < len(a) and j < len(b):
        if a[i][0] < b[j][0]:
            append(a[i])
            i += 1
        else:
            append(b[j])
            j += 1
    for interval in a[i:] + b[j:]:
        append(interval)
    return result


def with_indexes(intervals: Intervals, indexes: Iterable[int]) -> Intervals:
    """withOrderedIndexes: the intervals plus these indexes (given in increasing order)."""
    return merge(intervals, [(i, i) for i in indexes])


def total(intervals: Intervals | None) -> int:
    return sum(last - first + 1 for first, last in intervals or [])


def format_intervals(intervals: Intervals) -> str:
    """orderedIntervals.String: `0-2,5`; two neighbours print as `3,4`."""
    parts = []
    for first, last in intervals:
        if last == first:
            parts.append(str(first))
        elif last == first + 1:
            parts.append(f"{first},{last}")
        else:
            parts.append(f"{first}-{last}")
    return ",".join(parts)


def has(intervals: Intervals | None, index: int) -> bool:
    return any(first <= index <= last for first, last in intervals or [])


def completion_index(pod: dict) -> int:
    """getCompletionIndex: the pod's index annotation, or UNKNOWN."""
    value = ((pod.get("metadata") or {}).get("annotations") or {}).get(COMPLETION_INDEX)
    if not isinstance(value, str):
        return UNKNOWN
    number = _atoi(value)
    return UNKNOWN if number is None or number < 0 else number


def by_completion_index(pods: list[dict]) -> list[dict]:
    """sort.Sort(byCompletionIndex(...)), stable (upstream's order among equal indexes is unspecified)."""
    return sorted(pods, key=completion_index)


def first_pending(count: int, completions: int, non_pending: Intervals) -> list[int]:
    """firstPendingIndexes: the lowest `count` indexes below `completions` that are not in `non_pending`."""
    if count == 0:
        return []
    result: list[int] = []
    candidate = 0
    for first, last in non_pending:
        while candidate < completions and len(result) < count and candidate < first:
            result.append(candidate)
            candidate += 1
        candidate = max(candidate, last + 1)
    while candidate < completions and len(result) < count:
        result.append(candidate)
        candidate += 1
    return result


def generate_name_with_index(job_name: str, index: int) -> str:
    """podGenerateNameWithIndex: `<job>-<index>-`, the job name cut so the prefix fits 58 characters."""
    suffix = f"-{index}-"
    prefix = job_name + suffix
    if len(prefix) > _MAX_GENERATED_NAME:
        prefix = prefix[:_MAX_GENERATED_NAME - len(suffix)] + suffix
    return prefix


def _int32_annotation(pod: dict, key: str) -> int:
    """parseInt32: 0 for an absent, malformed, negative or too large value."""
    value = ((pod.get("metadata") or {}).get("annotations") or {}).get(key)
    number = _atoi(value) if isinstance(value, str) else None
    return number if number is not None and 0 <= number <= _MAX_INT32 else 0


def failure_count(pod: dict) -> int:
    return _int32_annotation(pod, INDEX_FAILURE_COUNT)


def ignored_failure_count(pod: dict) -> int:
    return _int32_annotation(pod, INDEX_IGNORED_FAILURE_COUNT)


def absolute_failure_count(pod: dict) -> int:
    """getIndexAbsoluteFailureCount: counted plus ignored failures of the index so far."""
    return failure_count(pod) + ignored_failure_count(pod)
