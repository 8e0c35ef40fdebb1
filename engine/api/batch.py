"""The batch registry's create strategy (a Job's generated selector and labels) and kubectl's Job generators.

No I/O happens here. pkg/registry/batch/job/strategy.go PrepareForCreate:
unless `spec.manualSelector` is true, the template gets the labels
`batch.kubernetes.io/controller-uid` and `batch.kubernetes.io/job-name`
(and the legacy `controller-uid` and `job-name`) where they are not set
already, and the selector's matchLabels gets
`batch.kubernetes.io/controller-uid: <uid>`. A selector the user wrote
keeps its labels, so validation then refuses it (`selector` not
auto-generated), as the apiserver does.

`job_from_cronjob` and `job_from_image` build the Job that `kubectl create
job` sends (create_job.go).
"""
from __future__ import annotations

from litekube.model import defaults, values
from litekube.model.validation import batch as validation_batch

__all__ = ["prepare_job_create", "generate_selector", "job_from_cronjob", "job_from_image", "INSTANTIATE"]

INSTANTIATE = "cronjob.kubernetes.io/instantiate"


def generate_selector(job: dict) -> None:
    """generateSelector, in place: template labels and the selector from the Job's name and uid."""
    meta = job.get("metadata") or {}
    spec = job.setdefault("spec", {})
    template = spec.setdefault("template", {})
    template_meta = template.setdefault("metadata", {})
    labels = template_meta.get("labels")
    if not isinstance(labels, dict):
        labels = template_meta["labels"] = {}
    for key in (validation_batch.LEGACY_JOB_NAME_LABEL, validation_batch.JOB_NAME_LABEL):
        labels.setdefault(key, meta.get("name", ""))
    for key in (validation_batch.LEGACY_CONTROLLER_UID_LABEL, validation_batch.CONTROLLER_UID_LABEL):
        labels.setdefault(key, meta.get("uid", ""))
    selector = spec.get("selector")
    if not isinstance(selector, dict):
        selector = spec["selector"] = {}
    match_labels = selector.get("matchLabels")
    if not isinstance(match_labels, dict):
        match_labels = selector["matchLabels"] = {}
    match_labels.setdefault(validation_batch.CONTROLLER_UID_LABEL, meta.get("uid", ""))


def prepare_job_create(job: dict) -> dict:
    """The Job as the apiserver stores and returns it: selector generated, then defaulted again.

    Defaulting runs once more because the apiserver defaults what it reads
    back from storage: a Job without labels of its own then takes the
    template's, generated ones included.
    """
    if not (job.get("spec") or {}).get("manualSelector"):
        generate_selector(job)
    return defaults.apply_defaults(job)


def job_from_cronjob(cronjob: dict, name: str) -> dict:
    """createJobFromCronJob: the template's spec, labels and annotations, `instantiate: manual`, an owner ref.

    The ownerReference names the CronJob as controller, without
    blockOwnerDeletion (kubectl leaves it out on purpose).
    """
    meta = cronjob.get("metadata") or {}
    template = (cronjob.get("spec") or {}).get("jobTemplate") or {}
    template_meta = template.get("metadata") or {}
    annotations = {INSTANTIATE: "manual", **(template_meta.get("annotations") or {})}
    job_meta: dict = {"name": name, "annotations": annotations}
    if template_meta.get("labels"):
        job_meta["labels"] = dict(template_meta["labels"])
    job_meta["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "CronJob", "name": meta.get("name", ""),
                                    "uid": meta.get("uid", ""), "controller": True}]
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": job_meta,
            "spec": values.clone(template.get("spec") or {})}


def client_encoded(job: dict, namespace: str | None) -> dict:
    """The Job as kubectl encodes it with --dry-run=client: Go's zero values of the typed struct
    (`creationTimestamp: null`, a container's `resources: {}`, `status: {}`), and a namespace only
    when -n named one (kubectl's EnforceNamespace)."""
    obj = values.clone(job)
    meta = {"name": obj["metadata"]["name"]}
    if namespace:
        meta["namespace"] = namespace
    meta["creationTimestamp"] = None
    meta.update({k: v for k, v in obj["metadata"].items() if k not in ("name", "namespace")})
    obj["metadata"] = meta
    template = obj.setdefault("spec", {}).setdefault("template", {})
    template.setdefault("metadata", {}).setdefault("creationTimestamp", None)
    pod_spec = template.setdefault("spec", {})
    for field in ("initContainers", "containers"):
        for container in pod_spec.get(field) or []:
            container.setdefault("resources", {})
    obj["status"] = {}
    return obj


def job_from_image(name: str, image: str, command: list[str]) -> dict:
    """createJob: one container named after the Job, restartPolicy Never."""
    container: dict = {"name": name, "image": image}
    if command:
        container["command"] = list(command)
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
            "spec": {"template": {"spec": {"containers": [container], "restartPolicy": "Never"}}}}
