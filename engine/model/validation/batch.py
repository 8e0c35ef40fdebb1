"""Validation of the batch/v1 kinds: Job and CronJob.

No I/O happens here (a CronJob's timeZone is looked up in the time zone
database through `litekube.model.cron`, as Go's time.LoadLocation does).
Worded as pkg/apis/batch/validation/validation.go (v1.32): the generated
selector check, the Job spec (counts, completion modes, per-index backoff,
pod failure and success policies, pod replacement, the template's
restartPolicy; the pod failure and success policies are in `job_policies`), the
immutable fields of an update, and the CronJob spec
(schedule through robfig/cron's ParseStandard, timeZone, concurrency
policy, history limits, the job template's generated selector).
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from litekube.errors import Raw
from litekube.model import cron, names, selectors
from litekube.model.validation.fields import (
    Errs,
    go_map,
    go_quote,
    go_selector,
    nonnegative,
    validate_label_selector,
)
from litekube.model.validation import job_policies
from litekube.model.validation.pods import validate_pod_template_spec

__all__ = ["VALIDATORS", "UPDATE_VALIDATORS", "UPDATES_REPLACE_CREATE", "CONTROLLER_UID_LABEL",
           "JOB_NAME_LABEL", "LEGACY_CONTROLLER_UID_LABEL", "LEGACY_JOB_NAME_LABEL"]

CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
LEGACY_CONTROLLER_UID_LABEL = "controller-uid"
LEGACY_JOB_NAME_LABEL = "job-name"

_MAX_PARALLELISM_INDEXED = 100_000
_MAX_FAILED_INDEXES = 100_000
_COMPLETIONS_SOFT_LIMIT = 100_000
_PARALLELISM_HIGH_COMPLETIONS = 10_000
_MAX_FAILED_INDEXES_HIGH_COMPLETIONS = 10_000
_MAX_MANAGED_BY = 63
_TIME_ZONE_PART = re.compile(r"^[A-Za-z.\-_0-9+]{1,14}$")


# -- the generated selector -------------------------------------------------------------

def _has_label(errs: Errs, labels: Mapping[str, str] | None, key: str, expected: str) -> None:
    """ValidateHasLabel on the template's labels."""
    path = f"spec.template.metadata.labels[{key}]"
    if labels is None or key not in labels:
        errs.required(path, f"must be '{expected}'")
    elif labels[key] != expected:
        errs.invalid(path, go_map(labels), f"must be '{expected}'")


def _generated_selector(errs: Errs, job: Mapping[str, Any], prefixed: bool) -> None:
    """validateGeneratedSelector: a generated selector must select exactly the generated labels."""
    spec = job.get("spec") or {}
    if spec.get("manualSelector") or spec.get("selector") is None:
        return
    meta = job.get("metadata") or {}
    uid, name = meta.get("uid", ""), meta.get("name", "")
    if not uid:
        errs.required("metadata.uid")
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels")
    _has_label(errs, labels, LEGACY_CONTROLLER_UID_LABEL, uid)
    _has_label(errs, labels, LEGACY_JOB_NAME_LABEL, name)
    expected = {LEGACY_CONTROLLER_UID_LABEL: uid, LEGACY_JOB_NAME_LABEL: name}
    if prefixed:
        _has_label(errs, labels, CONTROLLER_UID_LABEL, uid)
        _has_label(errs, labels, JOB_NAME_LABEL, name)
        expected.update({CONTROLLER_UID_LABEL: uid, JOB_NAME_LABEL: name})
    try:
        selector = selectors.from_label_selector(spec["selector"])
    except Exception:  # reported by the selector's own validation
        return
    if not selector.matches(expected):
        errs.invalid("spec.selector", go_selector(spec["selector"]), "`selector` not auto-generated")


# -- the Job spec -----------------------------------------------------------------------

def _indexed(errs: Errs, spec: Mapping[str, Any], path: str) -> None:
    completions, parallelism = spec.get("completions"), spec.get("parallelism")
    per_index, max_failed = spec.get("backoffLimitPerIndex"), spec.get("maxFailedIndexes")
    if completions is None:
        errs.required(f"{path}.completions", "when completion mode is Indexed")
    if parallelism is not None and parallelism > _MAX_PARALLELISM_INDEXED:
        errs.invalid(f"{path}.parallelism", parallelism,
                     f"must be less than or equal to {_MAX_PARALLELISM_INDEXED} when completion mode is Indexed")
    if completions is not None and max_failed is not None and max_failed > completions:
        errs.invalid(f"{path}.maxFailedIndexes", max_failed, "must be less than or equal to completions")
    if max_failed is not None and max_failed > _MAX_FAILED_INDEXES:
        errs.invalid(f"{path}.maxFailedIndexes", max_failed, f"must be less than or equal to {_MAX_FAILED_INDEXES}")
    if completions is not None and completions > _COMPLETIONS_SOFT_LIMIT and per_index is not None:
        high = f"when completions are above {_COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"
        if max_failed is None:
            errs.required(f"{path}.maxFailedIndexes",
                          f"must be specified when completions is above {_COMPLETIONS_SOFT_LIMIT}")
        if parallelism is not None and parallelism > _PARALLELISM_HIGH_COMPLETIONS:
            errs.invalid(f"{path}.parallelism", parallelism,
                         f"must be less than or equal to {_PARALLELISM_HIGH_COMPLETIONS} {high}")
        if max_failed is not None and max_failed > _MAX_FAILED_INDEXES_HIGH_COMPLETIONS:
            errs.invalid(f"{path}.maxFailedIndexes", max_failed,
                         f"must be less than or equal to {_MAX_FAILED_INDEXES_HIGH_COMPLETIONS} {high}")


def _job_spec(errs: Errs, spec: Mapping[str, Any], path: str) -> None:
    """validateJobSpec, in upstream's order."""
    for key in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished",
                "backoffLimitPerIndex", "maxFailedIndexes"):
        nonnegative(errs, spec.get(key), f"{path}.{key}")
        if key == "maxFailedIndexes" and spec.get(key) is not None and spec.get("backoffLimitPerIndex") is None:
            errs.required(f"{path}.backoffLimitPerIndex", "when maxFailedIndexes is specified")
    managed_by = spec.get("managedBy")
    if managed_by is not None:
        errs.messages(f"{path}.managedBy", managed_by, _domain_prefixed_path(managed_by))
        if len(managed_by) > _MAX_MANAGED_BY:
            errs.too_long(f"{path}.managedBy", _MAX_MANAGED_BY)
    mode = spec.get("completionMode")
    if mode is not None:
        if mode not in ("NonIndexed", "Indexed"):
            errs.not_supported(f"{path}.completionMode", mode, ("NonIndexed", "Indexed"))
        if mode == "Indexed":
            _indexed(errs, spec, path)
    if mode in (None, "NonIndexed"):
        for key in ("backoffLimitPerIndex", "maxFailedIndexes"):
            if spec.get(key) is not None:
                errs.invalid(f"{path}.{key}", spec[key], "requires indexed completion mode")
    if spec.get("podFailurePolicy") is not None:
        job_policies.validate_pod_failure_policy(errs, spec, f"{path}.podFailurePolicy")
    if spec.get("successPolicy") is not None:
        if mode != "Indexed":
            errs.invalid(f"{path}.successPolicy", Raw(job_policies.go_success_policy(spec["successPolicy"])),
                         "requires indexed completion mode")
        else:
            job_policies.validate_success_policy(errs, spec, f"{path}.successPolicy")
    replacement = spec.get("podReplacementPolicy")
    if replacement is not None:
        if spec.get("podFailurePolicy") is not None:
            if replacement != "Failed":
                errs.not_supported(f"{path}.podReplacementPolicy", replacement, ("Failed",))
        elif replacement not in ("Failed", "TerminatingOrFailed"):
            errs.not_supported(f"{path}.podReplacementPolicy", replacement, ("Failed", "TerminatingOrFailed"))
    template = spec.get("template") or {}
    validate_pod_template_spec(errs, template, f"{path}.template")
    restart = (template.get("spec") or {}).get("restartPolicy") or ""
    if restart in ("Always", ""):
        errs.required(f"{path}.template.spec.restartPolicy", 'valid values: "OnFailure", "Never"')
    elif restart not in ("OnFailure", "Never"):
        errs.not_supported(f"{path}.template.spec.restartPolicy", restart, ("OnFailure", "Never"))
    elif spec.get("podFailurePolicy") is not None and restart != "Never":
        errs.invalid(f"{path}.template.spec.restartPolicy", restart,
                     'only "Never" is supported when podFailurePolicy is specified')


def _domain_prefixed_path(value: str) -> list[str]:
    """IsDomainPrefixedPath: `example.com/controller`."""
    if not value:
        return ["must not be empty"]
    domain, slash, path = value.partition("/")
    if not slash or not domain:
        return ["must be a domain-prefixed path (such as \"acme.io/foo\")"]
    problems = names.is_dns1123_subdomain(domain)
    if not re.fullmatch(r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+", path):
        problems.append("Invalid path: " + go_quote(path))
    return problems


def validate_job(errs: Errs, job: Mapping[str, Any]) -> None:
    """ValidateJob (after validate_object_meta): generated selector, spec, Indexed hostnames."""
    spec = job.get("spec") or {}
    _generated_selector(errs, job, _requires_prefixed_labels(job, None))
    _job_spec(errs, spec, "spec")
    selector = spec.get("selector")
    if selector is None:
        errs.required("spec.selector")
    else:
        validate_label_selector(errs, selector, "spec.selector")
    try:
        parsed = selectors.from_label_selector(selector)
    except Exception:
        parsed = None
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels")
    if parsed is not None and not parsed.matches(labels or {}):
        errs.invalid("spec.template.metadata.labels", go_map(labels), "`selector` does not match template `labels`")
    completions = spec.get("completions")
    if spec.get("completionMode") == "Indexed" and completions is not None and completions > 0:
        name = (job.get("metadata") or {}).get("name", "")
        hostname = f"{name}-{completions - 1}"
        if names.is_dns1123_label(hostname):
            errs.invalid("metadata.name", name, f"will not able to create pod with invalid DNS label: {hostname}")


def _requires_prefixed_labels(job: Mapping[str, Any], old: Mapping[str, Any] | None) -> bool:
    """validationOptionsForJob: an update of a Job made before the prefixed labels existed is spared."""
    if old is None:
        return True
    labels = (((old.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("labels") or {}
    return JOB_NAME_LABEL in labels and CONTROLLER_UID_LABEL in labels


def _immutable(errs: Errs, new: Any, old: Any, path: str, rendered: Raw | object) -> None:
    if new != old:
        errs.invalid(path, rendered, "field is immutable")


def _go_int32_pointer(value: Any) -> Raw | int:
    return Raw("null") if value is None else value


def validate_job_update(errs: Errs, job: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    """ValidateJobSpecUpdate: completions, selector, template, completion mode and the policies are fixed.

    (The template's value is printed as `core.PodTemplateSpec{...}`, not
    Go's full dump.) A Job suspended before it ever started may change its
    template's scheduling directives, labels and annotations.
    """
    spec, old_spec = job.get("spec") or {}, old.get("spec") or {}
    if spec.get("completionMode") == "Indexed" and spec.get("completions") != old_spec.get("completions"):
        # Elastic Indexed Jobs (beta, on): completions may change in tandem with parallelism.
        if spec.get("completions") is not None and spec.get("completions") != spec.get("parallelism"):
            errs.invalid("spec.completions", spec["completions"],
                         "can only be modified in tandem with spec.parallelism")
    else:
        _immutable(errs, spec.get("completions"), old_spec.get("completions"), "spec.completions",
                   _go_int32_pointer(spec.get("completions")))
    _immutable(errs, spec.get("selector"), old_spec.get("selector"), "spec.selector", go_selector(spec.get("selector")))
    template, old_template = spec.get("template") or {}, old_spec.get("template") or {}
    if old_spec.get("suspend") and not (old.get("status") or {}).get("startTime"):
        template, old_template = _without_scheduling(template), _without_scheduling(old_template)
    _immutable(errs, template, old_template, "spec.template", Raw("core.PodTemplateSpec{...}"))
    for key in ("completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy"):
        if spec.get(key) != old_spec.get(key):
            value = spec.get(key)
            errs.invalid(f"spec.{key}", value if isinstance(value, (str, int)) else Raw("null" if value is None
                                                                                        else "{...}"),
                         "field is immutable")


def _without_scheduling(template: Mapping[str, Any]) -> dict:
    """The template without what a never-started suspended Job may change (AllowMutableSchedulingDirectives)."""
    out = dict(template)
    out.pop("metadata", None)
    spec = dict(out.get("spec") or {})
    for key in ("nodeSelector", "tolerations", "schedulingGates"):
        spec.pop(key, None)
    affinity = dict(spec.get("affinity") or {})
    affinity.pop("nodeAffinity", None)
    if affinity:
        spec["affinity"] = affinity
    else:
        spec.pop("affinity", None)
    out["spec"] = spec
    return out


# -- CronJob ----------------------------------------------------------------------------------

def _schedule(errs: Errs, schedule: str, time_zone: str | None, allow_tz: bool) -> None:
    try:
        cron.parse(schedule)
    except cron.CronError as exc:
        errs.invalid("spec.schedule", schedule, str(exc))
    if allow_tz and "TZ" in schedule and time_zone is not None:
        errs.invalid("spec.schedule", schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule")
    elif not allow_tz and "TZ" in schedule:
        errs.invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")


def _time_zone(errs: Errs, time_zone: str | None) -> None:
    """validateTimeZone: an IANA name the time zone database knows, never "Local"."""
    if time_zone is None:
        return
    if not time_zone:
        errs.invalid("spec.timeZone", time_zone, "timeZone must be nil or non-empty string")
        return
    for part in time_zone.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TIME_ZONE_PART.match(part):
            errs.invalid("spec.timeZone", time_zone, f"unknown time zone {time_zone}")
            return
    if time_zone.lower() == "local":
        errs.invalid("spec.timeZone", time_zone,
                     "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")
    try:
        cron.load_location(time_zone)
    except cron.CronError as exc:
        errs.invalid("spec.timeZone", time_zone, str(exc))


def _cron_job_spec(errs: Errs, spec: Mapping[str, Any], old_spec: Mapping[str, Any] | None) -> None:
    """validateCronJobSpec, in upstream's order."""
    schedule = spec.get("schedule") or ""
    if not schedule:
        errs.required("spec.schedule")
    else:
        allow_tz = old_spec is not None and "TZ" in (old_spec.get("schedule") or "")
        _schedule(errs, schedule, spec.get("timeZone"), allow_tz)
    nonnegative(errs, spec.get("startingDeadlineSeconds"), "spec.startingDeadlineSeconds")
    if old_spec is None or old_spec.get("timeZone") != spec.get("timeZone"):
        _time_zone(errs, spec.get("timeZone"))
    policy = spec.get("concurrencyPolicy")
    if policy in (None, ""):
        errs.required("spec.concurrencyPolicy")
    elif policy not in ("Allow", "Forbid", "Replace"):
        errs.not_supported("spec.concurrencyPolicy", policy, ("Allow", "Forbid", "Replace"))
    template_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    _job_spec(errs, template_spec, "spec.jobTemplate.spec")
    if template_spec.get("selector") is not None:
        errs.invalid("spec.jobTemplate.spec.selector", go_selector(template_spec["selector"]),
                     "`selector` will be auto-generated")
    if template_spec.get("manualSelector"):
        errs.not_supported("spec.jobTemplate.spec.manualSelector", True, ("nil", "false"))
    for key in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        nonnegative(errs, spec.get(key), f"spec.{key}")


def validate_cron_job(errs: Errs, obj: Mapping[str, Any]) -> None:
    """ValidateCronJobCreate (after validate_object_meta)."""
    _cron_job_spec(errs, obj.get("spec") or {}, None)
    name = (obj.get("metadata") or {}).get("name") or ""
    if len(name) > 52:
        errs.invalid("metadata.name", name, "must be no more than 52 characters")


def validate_cron_job_update(errs: Errs, obj: Mapping[str, Any], old: Mapping[str, Any]) -> None:
    """ValidateCronJobUpdate: the spec against the old one (TZ kept if it was there); no name length limit."""
    _cron_job_spec(errs, obj.get("spec") or {}, old.get("spec") or {})


VALIDATORS = {"Job": validate_job, "CronJob": validate_cron_job}
UPDATE_VALIDATORS = {"Job": validate_job_update, "CronJob": validate_cron_job_update}
# Kinds whose update validator replaces the create validator instead of following it.
UPDATES_REPLACE_CREATE = frozenset({"CronJob"})
