"""stateful_set_utils.go: ordinals, identity, storage, claim retention, revisions and pod health. No I/O happens here."""
from __future__ import annotations

import re

from litekube import errors
from litekube.model import values
from litekube.reconcile.common import history, pod_ranking

__all__ = ["POD_NAME_LABEL", "POD_INDEX_LABEL", "REVISION_LABEL", "parent_and_ordinal", "ordinal", "pod_name",
           "claim_name", "start_ordinal", "end_ordinal", "in_range", "replicas", "is_member", "identity_matches",
           "storage_matches", "claims_for", "update_identity", "update_storage", "new_pod", "new_versioned_pod",
           "pod_revision", "is_created", "is_failed", "is_succeeded", "is_pending", "is_terminating",
           "is_running_and_ready", "available_after", "is_healthy", "retention_policy", "claim_owner_up_to_date",
           "claim_with_owner_refs", "owner_reference", "new_revision", "apply_revision", "rollout_status",
           "allows_burst"]

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
REVISION_LABEL = "controller-revision-hash"
_POD_RE = re.compile(r"^(.*)-([0-9]+)$")
# Available means Ready for strictly more than minReadySeconds: requeue just after.
_PAST_MIN_READY = 0.001


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


# -- ordinals and names ------------------------------------------------------------------

def parent_and_ordinal(pod: dict) -> tuple[str, int]:
    """getParentNameAndOrdinal: (the set's name, the ordinal) from `<set>-<n>`; ("", -1) for another name."""
    m = _POD_RE.match(_meta(pod).get("name", ""))
    if not m:
        return "", -1
    n = int(m.group(2))
    return m.group(1), n if n < 2 ** 31 else -1


def ordinal(pod: dict) -> int:
    return parent_and_ordinal(pod)[1]


def pod_name(sts: dict, n: int) -> str:
    return f"{_meta(sts)['name']}-{n}"


def claim_name(sts: dict, template: dict, n: int) -> str:
    """getPersistentVolumeClaimName: `<template>-<set>-<ordinal>`."""
    return f"{_meta(template).get('name', '')}-{_meta(sts)['name']}-{n}"


def replicas(sts: dict) -> int:
    value = (sts.get("spec") or {}).get("replicas")
    return 1 if value is None else int(value)


def start_ordinal(sts: dict) -> int:
    """getStartOrdinal: `.spec.ordinals.start` (StatefulSetStartOrdinal is GA), else 0."""
    return int(((sts.get("spec") or {}).get("ordinals") or {}).get("start") or 0)


def end_ordinal(sts: dict) -> int:
    return start_ordinal(sts) + replicas(sts) - 1


def in_range(pod: dict, sts: dict) -> bool:
    """podInOrdinalRange."""
    return start_ordinal(sts) <= ordinal(pod) <= end_ordinal(sts)


def is_member(sts: dict, pod: dict) -> bool:
    """isMemberOf: the pod's name says it is one of the set's."""
    return parent_and_ordinal(pod)[0] == _meta(sts).get("name")


def allows_burst(sts: dict) -> bool:
    return (sts.get("spec") or {}).get("podManagementPolicy") == "Parallel"


# -- identity and storage ---------------------------------------------------------------------

def identity_matches(sts: dict, pod: dict) -> bool:
    parent, n = parent_and_ordinal(pod)
    meta = _meta(pod)
    return (n >= 0 and parent == _meta(sts).get("name") and meta.get("name") == pod_name(sts, n)
            and meta.get("namespace") == _meta(sts).get("namespace")
            and (meta.get("labels") or {}).get(POD_NAME_LABEL) == meta.get("name"))


def _templates(sts: dict) -> list[dict]:
    return (sts.get("spec") or {}).get("volumeClaimTemplates") or []


def storage_matches(sts: dict, pod: dict) -> bool:
    n = ordinal(pod)
    if n < 0:
        return False
    volumes = {v.get("name"): v for v in (pod.get("spec") or {}).get("volumes") or []}
    for template in _templates(sts):
        volume = volumes.get(_meta(template).get("name"))
        source = (volume or {}).get("persistentVolumeClaim")
        if not source or source.get("claimName") != claim_name(sts, template, n):
            return False
    return True


def claims_for(sts: dict, n: int) -> list[tuple[str, dict]]:
    """getPersistentVolumeClaims: (template name, claim) per template, in template order.

    A claim is its template with the pod's name, the set's namespace, and the
    template's labels with the selector's matchLabels over them.
    """
    out = []
    match_labels = ((sts.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    for template in _templates(sts):
        claim = values.clone(template)
        claim.pop("status", None)
        meta = claim.setdefault("metadata", {})
        template_name = meta.get("name", "")
        meta["name"] = claim_name(sts, template, n)
        meta["namespace"] = _meta(sts).get("namespace", "")
        meta["labels"] = {**(meta.get("labels") or {}), **match_labels}
        if not meta["labels"]:
            del meta["labels"]
        for field in ("uid", "resourceVersion", "creationTimestamp", "generation", "ownerReferences"):
            meta.pop(field, None)
        claim["apiVersion"], claim["kind"] = "v1", "PersistentVolumeClaim"
        out.append((template_name, claim))
    return out


def update_identity(sts: dict, pod: dict) -> None:
    """updateIdentity: name, namespace, the pod-name and pod-index labels (PodIndexLabel is on in 1.32)."""
    n = ordinal(pod)
    meta = pod.setdefault("metadata", {})
    meta["name"] = pod_name(sts, n)
    meta["namespace"] = _meta(sts).get("namespace", "")
    labels = meta.setdefault("labels", {})
    labels[POD_NAME_LABEL] = meta["name"]
    labels[POD_INDEX_LABEL] = str(n)


def update_storage(sts: dict, pod: dict) -> None:
    """updateStorage: a volume per claim template (template order), then the pod's other volumes."""
    spec = pod.setdefault("spec", {})
    claims = claims_for(sts, ordinal(pod))
    names = {name for name, _ in claims}
    volumes = [{"name": name, "persistentVolumeClaim": {"claimName": claim["metadata"]["name"]}}
               for name, claim in claims]
    volumes += [v for v in spec.get("volumes") or [] if v.get("name") not in names]
    if volumes:
        spec["volumes"] = volumes


def owner_reference(obj: dict) -> dict:
    """metav1.NewControllerRef."""
    meta = _meta(obj)
    return {"apiVersion": obj.get("apiVersion") or ("apps/v1" if obj.get("kind") == "StatefulSet" else "v1"),
            "kind": obj.get("kind", ""), "name": meta.get("name", ""), "uid": meta.get("uid", ""),
            "controller": True, "blockOwnerDeletion": True}


def new_pod(sts: dict, n: int) -> dict:
    """newStatefulSetPod: GetPodFromTemplate, then initIdentity (hostname, subdomain) and updateStorage."""
    meta = _meta(sts)
    template = (sts.get("spec") or {}).get("template") or {}
    template_meta = template.get("metadata") or {}
    pod_meta: dict = {"name": pod_name(sts, n), "generateName": f"{meta['name']}-",
                      "namespace": meta.get("namespace", "")}
    for field in ("labels", "annotations"):
        if template_meta.get(field):
            pod_meta[field] = dict(template_meta[field])
    if template_meta.get("finalizers"):
        pod_meta["finalizers"] = list(template_meta["finalizers"])
    pod_meta["ownerReferences"] = [owner_reference(sts)]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": pod_meta, "spec": values.clone(template.get("spec") or {})}
    update_identity(sts, pod)
    pod["spec"]["hostname"] = pod_meta["name"]
    service = (sts.get("spec") or {}).get("serviceName")
    if service:
        pod["spec"]["subdomain"] = service
    update_storage(sts, pod)
    return pod


def new_versioned_pod(current_set: dict, update_set: dict, current_revision: str, update_revision: str,
                      n: int) -> dict:
    """newVersionedStatefulSetPod: ordinals below the partition (or below currentReplicas without a
    rollingUpdate) are made at the current revision, the rest at the update revision."""
    spec = current_set.get("spec") or {}
    strategy = spec.get("updateStrategy") or {}
    rolling = strategy.get("rollingUpdate")
    start = start_ordinal(current_set)
    current_replicas = int((current_set.get("status") or {}).get("currentReplicas") or 0)
    if ((strategy.get("type") == "RollingUpdate" and rolling is None and n < start + current_replicas)
            or (rolling is not None and n < start + int(rolling.get("partition") or 0))):
        pod = new_pod(current_set, n)
        pod["metadata"]["labels"][REVISION_LABEL] = current_revision
        return pod
    pod = new_pod(update_set, n)
    pod["metadata"]["labels"][REVISION_LABEL] = update_revision
    return pod


def pod_revision(pod: dict) -> str:
    return (_meta(pod).get("labels") or {}).get(REVISION_LABEL, "")


# -- pod health -----------------------------------------------------------------------------

def _phase(pod: dict) -> str:
    return (pod.get("status") or {}).get("phase") or ""


def is_created(pod: dict) -> bool:
    return _phase(pod) != ""


def is_failed(pod: dict) -> bool:
    return _phase(pod) == "Failed"


def is_succeeded(pod: dict) -> bool:
    return _phase(pod) == "Succeeded"


def is_pending(pod: dict) -> bool:
    return _phase(pod) == "Pending"


def is_terminating(pod: dict) -> bool:
    return bool(_meta(pod).get("deletionTimestamp"))


def is_running_and_ready(pod: dict) -> bool:
    return _phase(pod) == "Running" and pod_ranking.is_ready(pod)


def is_healthy(pod: dict) -> bool:
    return is_running_and_ready(pod) and not is_terminating(pod)


def available_after(pod: dict, min_ready_seconds: int, now: float) -> float | None:
    """isRunningAndAvailable as a wait: 0 if available now, else the seconds until it is; None if never."""
    if not is_running_and_ready(pod):
        return None
    if min_ready_seconds <= 0:
        return 0.0
    since = pod_ranking.ready_time(pod)
    if since is None:
        return None
    due = since + min_ready_seconds
    return 0.0 if due < now else due - now + _PAST_MIN_READY


# -- claim retention (persistentVolumeClaimRetentionPolicy) ----------------------------------

def retention_policy(sts: dict) -> tuple[str, str]:
    """(whenDeleted, whenScaled), Retain when unset; an unknown value is treated as Retain."""
    policy = (sts.get("spec") or {}).get("persistentVolumeClaimRetentionPolicy") or {}
    deleted, scaled = policy.get("whenDeleted") or "Retain", policy.get("whenScaled") or "Retain"
    if deleted not in ("Retain", "Delete") or scaled not in ("Retain", "Delete"):
        return "Retain", "Retain"
    return deleted, scaled


def _refs(obj: dict) -> list[dict]:
    return _meta(obj).get("ownerReferences") or []


def _matches(ref: dict, owner: dict) -> bool:
    return ref.get("kind") == owner.get("kind") and ref.get("name") == _meta(owner).get("name")


def _has_ref(claim: dict, owner: dict) -> bool:
    uid = _meta(owner).get("uid")
    return any(r.get("uid") == uid for r in _refs(claim))


def _has_stale_ref(claim: dict, owner: dict) -> bool:
    return any(_matches(r, owner) and r.get("uid") != _meta(owner).get("uid") for r in _refs(claim))


def _has_unexpected_controller(claim: dict, sts: dict, pod: dict) -> bool:
    for ref in _refs(claim):
        if not ref.get("controller"):
            continue
        if _matches(ref, sts):
            if ref.get("uid") != _meta(sts).get("uid"):
                return True
        elif _matches(ref, pod):
            if ref.get("uid") != _meta(pod).get("uid"):
                return True
        else:
            return True
    return False


def claim_owner_up_to_date(claim: dict, sts: dict, pod: dict) -> bool:
    """isClaimOwnerUpToDate: the claim's ownerReferences are what the retention policy asks for."""
    if _has_stale_ref(claim, sts) or _has_stale_ref(claim, pod):
        return False
    if _has_unexpected_controller(claim, sts, pod):
        return False
    deleted, scaled = retention_policy(sts)
    scaled_down = not in_range(pod, sts)
    if scaled == "Retain" and deleted == "Retain":
        return not (_has_ref(claim, sts) or _has_ref(claim, pod))
    if scaled == "Retain":  # whenDeleted Delete
        return _has_ref(claim, sts) and not _has_ref(claim, pod)
    if deleted == "Retain":  # whenScaled Delete
        return scaled_down == _has_ref(claim, pod) and not _has_ref(claim, sts)
    return scaled_down != _has_ref(claim, sts) and scaled_down == _has_ref(claim, pod)


def claim_with_owner_refs(claim: dict, sts: dict, pod: dict) -> dict:
    """updateClaimOwnerRefForSetAndPod: the claim with the set's and pod's refs as the policy asks."""
    result = values.clone(claim)
    unexpected = _has_unexpected_controller(claim, sts, pod)
    refs = [r for r in _refs(claim) if not (_matches(r, sts) or _matches(r, pod))]
    if not unexpected:
        deleted, scaled = retention_policy(sts)
        scaled_down = not in_range(pod, sts)
        if scaled == "Delete" and scaled_down:
            refs.append(owner_reference(pod))
        if deleted == "Delete" and (scaled == "Retain" or not scaled_down):
            refs.append(owner_reference(sts))
    if refs:
        result["metadata"]["ownerReferences"] = refs
    else:
        result["metadata"].pop("ownerReferences", None)
    return result


# -- revisions ----------------------------------------------------------------------------------

def new_revision(sts: dict, revision: int, collision_count: int) -> dict:
    """newRevision: the template patch as data, the template's labels, the set's annotations."""
    template = (sts.get("spec") or {}).get("template") or {}
    return history.new_revision(sts, (template.get("metadata") or {}).get("labels"),
                                history.template_patch(template), revision, collision_count,
                                annotations=_meta(sts).get("annotations"))


def apply_revision(sts: dict, revision: dict) -> dict:
    """ApplyRevision: the set with the revision's pod template."""
    applied = values.clone(sts)
    template = values.clone((((revision.get("data") or {}).get("spec") or {}).get("template")) or {})
    template.pop("$patch", None)
    if (template.get("metadata") or {}).get("creationTimestamp", "") is None:
        template["metadata"].pop("creationTimestamp")
    applied.setdefault("spec", {})["template"] = template
    return applied


# -- kubectl --------------------------------------------------------------------------------

def rollout_status(sts: dict, want_revision: int = 0) -> tuple[str, bool]:
    """kubectl's StatefulSetStatusViewer.Status: (message without the trailing newline, done)."""
    spec, status, meta = sts.get("spec") or {}, sts.get("status") or {}, _meta(sts)
    strategy = spec.get("updateStrategy") or {}
    if strategy.get("type") != "RollingUpdate":
        raise errors.LitekubeError("rollout status is only available for RollingUpdate strategy type")
    observed = int(status.get("observedGeneration") or 0)
    if observed == 0 or int(meta.get("generation") or 0) > observed:
        return "Waiting for statefulset spec update to be observed...", False
    want = spec.get("replicas")
    ready = int(status.get("readyReplicas") or 0)
    if want is not None and ready < int(want):
        return f"Waiting for {int(want) - ready} pods to be ready...", False
    updated = int(status.get("updatedReplicas") or 0)
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        partition = rolling.get("partition")
        if want is not None and partition is not None and updated < int(want) - int(partition):
            return (f"Waiting for partitioned roll out to finish: {updated} out of {int(want) - int(partition)} "
                    f"new pods have been updated..."), False
        return f"partitioned roll out complete: {updated} new pods have been updated...", True
    if status.get("updateRevision") != status.get("currentRevision"):
        return (f"waiting for statefulset rolling update to complete {updated} pods at revision "
                f"{status.get('updateRevision', '')}..."), False
    return (f"statefulset rolling update complete {int(status.get('currentReplicas') or 0)} pods at revision "
            f"{status.get('currentRevision', '')}..."), True
