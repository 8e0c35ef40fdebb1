"""Creating and updating Jobs and CronJobs as kube-apiserver does: the generated selector, defaults, validation."""
from __future__ import annotations

import copy

import pytest

from litekube import errors
from litekube.api import admission, batch

UID = "0b6e5a38-1111-4c2e-9b1a-000000000001"


def job(**spec) -> dict:
    body = {"template": {"spec": {"containers": [{"name": "pi", "image": "perl:5.34.0"}], "restartPolicy": "Never"}}}
    body.update(spec)
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"}, "spec": body}


def cronjob(**spec) -> dict:
    body = {"schedule": "*/5 * * * *", "jobTemplate": {"spec": job()["spec"]}}
    body.update(spec)
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "hello"}, "spec": body}


def create(obj: dict) -> dict:
    return admission.prepare_create(obj, default_namespace="default", now="2026-01-01T00:00:00Z", uid=UID)


def refused(obj: dict, old: dict | None = None) -> str:
    with pytest.raises(errors.Invalid) as exc:
        if old is None:
            create(obj)
        else:
            admission.prepare_update(obj, old)
    return str(exc.value)


class TestGeneratedSelector:
    def test_the_pi_job_gets_a_selector_and_labels(self):
        stored = create(job())
        labels = {"batch.kubernetes.io/controller-uid": UID, "batch.kubernetes.io/job-name": "pi",
                  "controller-uid": UID, "job-name": "pi"}
        assert stored["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": UID}}
        assert stored["spec"]["template"]["metadata"]["labels"] == labels
        assert stored["metadata"]["labels"] == labels  # defaulted from the template, as read back from storage

    def test_own_labels_are_kept_and_the_job_keeps_only_its_own(self):
        spec = job()
        spec["spec"]["template"]["metadata"] = {"labels": {"app": "pi"}}
        stored = create(spec)
        assert stored["metadata"]["labels"] == {"app": "pi"}
        assert stored["spec"]["template"]["metadata"]["labels"]["app"] == "pi"

    def test_defaults(self):
        spec = create(job())["spec"]
        assert {k: spec[k] for k in ("completions", "parallelism", "backoffLimit", "completionMode", "suspend",
                                     "manualSelector", "podReplacementPolicy")} == {
            "completions": 1, "parallelism": 1, "backoffLimit": 6, "completionMode": "NonIndexed",
            "suspend": False, "manualSelector": False, "podReplacementPolicy": "TerminatingOrFailed"}

    def test_parallelism_alone_leaves_completions_unset(self):
        spec = create(job(parallelism=3))["spec"]
        assert spec["parallelism"] == 3 and "completions" not in spec

    def test_backoff_limit_per_index_defaults_backoff_limit_to_max_int32(self):
        spec = create(job(completionMode="Indexed", completions=3, backoffLimitPerIndex=1))["spec"]
        assert spec["backoffLimit"] == 2 ** 31 - 1

    def test_pod_failure_policy_defaults_replacement_and_pattern_status(self):
        rules = [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]
        spec = create(job(podFailurePolicy={"rules": rules}))["spec"]
        assert spec["podReplacementPolicy"] == "Failed"
        patterns = spec["podFailurePolicy"]["rules"][0]["onPodConditions"]
        assert patterns == [{"type": "DisruptionTarget", "status": "True"}]

    def test_an_own_selector_without_manual_selector_is_refused(self):
        spec = job(selector={"matchLabels": {"app": "pi"}})
        spec["spec"]["template"]["metadata"] = {"labels": {"app": "pi"}}
        assert refused(spec) == (
            'The Job "pi" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{'
            f'"app":"pi", "batch.kubernetes.io/controller-uid":"{UID}"}}, '
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated")

    def test_a_conflicting_job_name_label_is_refused(self):
        spec = job()
        spec["spec"]["template"]["metadata"] = {"labels": {"job-name": "other"}}
        message = refused(spec)
        assert "spec.template.metadata.labels[job-name]: Invalid value: map[string]string{" in message
        assert "must be 'pi'" in message

    def test_manual_selector_keeps_the_users_selector(self):
        spec = job(manualSelector=True, selector={"matchLabels": {"app": "pi"}})
        spec["spec"]["template"]["metadata"] = {"labels": {"app": "pi"}}
        stored = create(spec)
        assert stored["spec"]["selector"] == {"matchLabels": {"app": "pi"}}
        assert stored["spec"]["template"]["metadata"]["labels"] == {"app": "pi"}

    def test_manual_selector_that_misses_the_template(self):
        spec = job(manualSelector=True, selector={"matchLabels": {"app": "pi"}})
        assert refused(spec) == ('The Job "pi" is invalid: spec.template.metadata.labels: Invalid value: '
                                 'map[string]string(nil): `selector` does not match template `labels`')


class TestJobSpec:
    @pytest.mark.parametrize("spec,message", [
        ({"parallelism": -1}, "spec.parallelism: Invalid value: -1: must be greater than or equal to 0"),
        ({"completions": -1}, "spec.completions: Invalid value: -1: must be greater than or equal to 0"),
        ({"backoffLimit": -1}, "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"),
        ({"activeDeadlineSeconds": -1},
         "spec.activeDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0"),
        ({"ttlSecondsAfterFinished": -1},
         "spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0"),
        ({"completionMode": "Random"},
         'spec.completionMode: Unsupported value: "Random": supported values: "NonIndexed", "Indexed"'),
        ({"completionMode": "Indexed", "parallelism": 2},
         "spec.completions: Required value: when completion mode is Indexed"),
        ({"backoffLimitPerIndex": 1}, "spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode"),
        ({"completionMode": "Indexed", "completions": 2, "maxFailedIndexes": 1},
         "spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified"),
        ({"completionMode": "Indexed", "completions": 2, "backoffLimitPerIndex": 1, "maxFailedIndexes": 3},
         "spec.maxFailedIndexes: Invalid value: 3: must be less than or equal to completions"),
        ({"completionMode": "Indexed", "completions": 2, "parallelism": 100001},
         "spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 when completion mode is "
         "Indexed"),
        ({"podReplacementPolicy": "Sometimes"},
         'spec.podReplacementPolicy: Unsupported value: "Sometimes": supported values: "Failed", '
         '"TerminatingOrFailed"'),
    ])
    def test_refused(self, spec, message):
        assert refused(job(**spec)) == f'The Job "pi" is invalid: {message}'

    @pytest.mark.parametrize("policy,message", [
        ("Always", 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'),
        (None, 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'),
    ])
    def test_restart_policy(self, policy, message):
        spec = job()
        if policy is None:
            del spec["spec"]["template"]["spec"]["restartPolicy"]
        else:
            spec["spec"]["template"]["spec"]["restartPolicy"] = policy
        assert refused(spec) == f'The Job "pi" is invalid: {message}'

    def test_indexed_hostname_must_be_a_dns_label(self):
        spec = job(completionMode="Indexed", completions=10)
        spec["metadata"]["name"] = "a" * 62
        assert refused(spec) == (f'The Job "{"a" * 62}" is invalid: metadata.name: Invalid value: "{"a" * 62}": will '
                                 f'not able to create pod with invalid DNS label: {"a" * 62}-9')

    @pytest.mark.parametrize("rule,message", [
        ({"action": "FailJob"}, "spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and "
                                "OnPodConditions is required"),
        ({"action": "Explode", "onExitCodes": {"operator": "In", "values": [1]}},
         'spec.podFailurePolicy.rules[0].action: Unsupported value: "Explode": supported values: "Count", '
         '"FailIndex", "FailJob", "Ignore"'),
        ({"action": "FailIndex", "onExitCodes": {"operator": "In", "values": [1]}},
         'spec.podFailurePolicy.rules[0].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be '
         'set'),
        ({"action": "FailJob", "onExitCodes": {"operator": "In", "values": [0]}},
         "spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator"),
        ({"action": "FailJob", "onExitCodes": {"operator": "In", "values": [3, 1]}},
         "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{3, 1}: must be ordered"),
        ({"action": "FailJob", "onExitCodes": {"operator": "In", "values": []}},
         "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{}: at least one value is "
         "required"),
        ({"action": "FailJob", "onExitCodes": {"containerName": "nope", "operator": "In", "values": [1]}},
         'spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "nope": must be one of the '
         "container or initContainer names in the pod template"),
        ({"action": "Ignore", "onExitCodes": {"operator": "In", "values": [1]},
          "onPodConditions": [{"type": "DisruptionTarget"}]},
         "spec.podFailurePolicy.rules[0]: Invalid value: specifying both OnExitCodes and OnPodConditions is not "
         "supported"),
    ])
    def test_pod_failure_policy(self, rule, message):
        assert refused(job(podFailurePolicy={"rules": [rule]})) == f'The Job "pi" is invalid: {message}'

    def test_pod_failure_policy_needs_restart_policy_never(self):
        rule = {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}
        spec = job(podFailurePolicy={"rules": [rule]})
        spec["spec"]["template"]["spec"]["restartPolicy"] = "OnFailure"
        assert refused(spec) == ('The Job "pi" is invalid: spec.template.spec.restartPolicy: Invalid value: '
                                 '"OnFailure": only "Never" is supported when podFailurePolicy is specified')

    @pytest.mark.parametrize("rules,message", [
        ([{}], "spec.successPolicy.rules[0]: Required value: at least one of succeededCount or succeededIndexes "
               "must be specified"),
        ([{"succeededIndexes": "0-9"}], 'spec.successPolicy.rules[0].succeededIndexes: Invalid value: "0-9": error '
                                        'parsing succeededIndexes: too large index: "9"'),
        ([{"succeededIndexes": "2,1"}], 'spec.successPolicy.rules[0].succeededIndexes: Invalid value: "2,1": error '
                                        "parsing succeededIndexes: non-increasing order, previous: 2, current: 1"),
        ([{"succeededCount": 6}], "spec.successPolicy.rules[0].succeededCount: Invalid value: 6: must be less than "
                                  "or equal to 5 (the number of specified completions)"),
        ([{"succeededIndexes": "0,1", "succeededCount": 3}],
         "spec.successPolicy.rules[0].succeededCount: Invalid value: 3: must be less than or equal to 2 (the "
         "number of indexes in the specified succeededIndexes field)"),
    ])
    def test_success_policy(self, rules, message):
        spec = job(completionMode="Indexed", completions=5, successPolicy={"rules": rules})
        assert refused(spec) == f'The Job "pi" is invalid: {message}'

    def test_success_policy_needs_indexed(self):
        assert "spec.successPolicy: Invalid value: " in refused(job(successPolicy={"rules": [{"succeededCount": 1}]}))
        assert refused(job(successPolicy={"rules": [{"succeededCount": 1}]})).endswith(
            ": requires indexed completion mode")


class TestJobUpdate:
    def test_completions_and_template_are_immutable(self):
        stored = create(job(completions=3))
        changed = copy.deepcopy(stored)
        changed["spec"]["completions"] = 4
        assert refused(changed, stored) == ('The Job "pi" is invalid: spec.completions: Invalid value: 4: field '
                                            'is immutable')
        changed = copy.deepcopy(stored)
        changed["spec"]["template"]["spec"]["containers"][0]["image"] = "perl:5.36"
        assert "spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable" in refused(changed, stored)

    def test_parallelism_suspend_and_deadline_may_change(self):
        stored = create(job(completions=3))
        changed = copy.deepcopy(stored)
        changed["spec"].update(parallelism=2, suspend=True, activeDeadlineSeconds=60)
        assert admission.prepare_update(changed, stored)["metadata"]["generation"] == 2

    def test_a_suspended_job_that_never_started_may_change_its_node_selector(self):
        stored = create(job(suspend=True))
        changed = copy.deepcopy(stored)
        changed["spec"]["template"]["spec"]["nodeSelector"] = {"disk": "ssd"}
        assert admission.prepare_update(changed, stored)["spec"]["template"]["spec"]["nodeSelector"] == {"disk": "ssd"}
        started = copy.deepcopy(stored)
        started["status"] = {"startTime": "2026-01-01T00:00:00Z"}
        assert "field is immutable" in refused(changed, started)

    def test_elastic_indexed_job(self):
        stored = create(job(completionMode="Indexed", completions=3, parallelism=3))
        changed = copy.deepcopy(stored)
        changed["spec"].update(completions=5, parallelism=5)
        assert admission.prepare_update(changed, stored)["spec"]["completions"] == 5
        changed["spec"]["parallelism"] = 4
        assert refused(changed, stored) == ('The Job "pi" is invalid: spec.completions: Invalid value: 5: can only be '
                                            'modified in tandem with spec.parallelism')


class TestCronJob:
    def test_defaults(self):
        spec = create(cronjob())["spec"]
        assert (spec["concurrencyPolicy"], spec["suspend"], spec["successfulJobsHistoryLimit"],
                spec["failedJobsHistoryLimit"]) == ("Allow", False, 3, 1)
        assert "backoffLimit" not in spec["jobTemplate"]["spec"]  # the Job's defaults apply to the Job

    @pytest.mark.parametrize("spec,message", [
        ({"schedule": "* * *"}, 'spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]'),
        ({"schedule": "61 * * * *"}, 'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum '
                                     '(59): 61'),
        ({"schedule": ""}, "spec.schedule: Required value"),
        ({"schedule": "TZ=UTC * * * * *"}, 'spec.schedule: Invalid value: "TZ=UTC * * * * *": cannot use TZ or '
                                           'CRON_TZ in schedule, use timeZone field instead'),
        ({"timeZone": "Mars/Olympus"}, 'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus'),
        ({"timeZone": ""}, 'spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string'),
        ({"timeZone": "Local"}, 'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as '
                                'defined in https://www.iana.org/time-zones'),
        ({"timeZone": "Europe/../etc"}, 'spec.timeZone: Invalid value: "Europe/../etc": unknown time zone '
                                        'Europe/../etc'),
        ({"startingDeadlineSeconds": -1},
         "spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0"),
        ({"concurrencyPolicy": "Sometimes"}, 'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported '
                                             'values: "Allow", "Forbid", "Replace"'),
        ({"successfulJobsHistoryLimit": -1},
         "spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0"),
    ])
    def test_refused(self, spec, message):
        assert refused(cronjob(**spec)) == f'The CronJob "hello" is invalid: {message}'

    def test_time_zone_accepted(self):
        assert create(cronjob(timeZone="Asia/Tokyo"))["spec"]["timeZone"] == "Asia/Tokyo"

    def test_name_at_most_52_characters(self):
        spec = cronjob()
        spec["metadata"]["name"] = "c" * 52
        create(spec)
        spec["metadata"]["name"] = "c" * 53
        assert refused(spec) == (f'The CronJob "{"c" * 53}" is invalid: metadata.name: Invalid value: "{"c" * 53}": '
                                 "must be no more than 52 characters")

    def test_job_template_selector_is_refused(self):
        spec = cronjob()
        spec["spec"]["jobTemplate"]["spec"]["selector"] = {"matchLabels": {"a": "b"}}
        assert "spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{" in refused(spec)
        assert refused(spec).endswith("`selector` will be auto-generated")

    def test_update_keeps_a_tz_schedule_it_already_had_but_not_both(self):
        stored = create(cronjob())
        old = copy.deepcopy(stored)
        old["spec"]["schedule"] = "TZ=UTC * * * * *"
        changed = copy.deepcopy(old)
        changed["spec"]["suspend"] = True
        admission.prepare_update(changed, old)
        changed["spec"]["timeZone"] = "UTC"
        assert "cannot use both timeZone field and TZ or CRON_TZ in schedule" in refused(changed, old)


class TestCreateJobFromCronJob:
    def test_job_from_cronjob(self):
        cj = create(cronjob())
        cj["spec"]["jobTemplate"]["metadata"] = {"labels": {"app": "x"}, "annotations": {"note": "y"}}
        made = batch.job_from_cronjob(cj, "manual")
        assert made["metadata"] == {
            "name": "manual", "annotations": {"cronjob.kubernetes.io/instantiate": "manual", "note": "y"},
            "labels": {"app": "x"},
            "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "hello", "uid": UID,
                                 "controller": True}]}
        assert made["spec"] == cj["spec"]["jobTemplate"]["spec"]

    def test_job_from_image(self):
        assert batch.job_from_image("x", "busybox", ["date"])["spec"] == {"template": {"spec": {
            "containers": [{"name": "x", "image": "busybox", "command": ["date"]}], "restartPolicy": "Never"}}}
