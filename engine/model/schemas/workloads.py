"""Field descriptions of the apps/v1 and batch/v1 kinds.

No I/O happens here. Written after staging/src/k8s.io/api/{apps,batch}/v1/types.go.
"""
from __future__ import annotations

from litekube.model.schemas.core import OBJECT_REFERENCE
from litekube.model.schemas.meta import (
    LABEL_SELECTOR,
    OBJECT_META,
    condition,
    top_level,
)
from litekube.model.schemas.pods import POD_TEMPLATE_SPEC, PVC_SPEC, PVC_STATUS
from litekube.model.schemas.types import (
    BOOL,
    FREE,
    INT32,
    INT64,
    INTSTR,
    STRING,
    TIME,
    ListOf,
    Struct,
    named,
    struct,
)

__all__ = ["WORKLOADS", "JOB_SPEC"]

_DEPLOYMENT_CONDITION = struct(
    "DeploymentCondition", type=named("v1.DeploymentConditionType"),
    status=named("v1.ConditionStatus"), lastUpdateTime=TIME, lastTransitionTime=TIME,
    reason=STRING, message=STRING)
_DEPLOYMENT_SPEC = struct(
    "DeploymentSpec", replicas=INT32, selector=LABEL_SELECTOR, template=POD_TEMPLATE_SPEC,
    strategy=struct("DeploymentStrategy", type=named("v1.DeploymentStrategyType"),
                    rollingUpdate=struct("RollingUpdateDeployment", maxUnavailable=INTSTR,
                                         maxSurge=INTSTR)),
    minReadySeconds=INT32, revisionHistoryLimit=INT32, paused=BOOL, progressDeadlineSeconds=INT32)
_DEPLOYMENT_STATUS = struct(
    "DeploymentStatus", observedGeneration=INT64, replicas=INT32, updatedReplicas=INT32,
    readyReplicas=INT32, availableReplicas=INT32, unavailableReplicas=INT32,
    terminatingReplicas=INT32, conditions=ListOf(_DEPLOYMENT_CONDITION), collisionCount=INT32)
_REPLICA_SET_SPEC = struct("ReplicaSetSpec", replicas=INT32, minReadySeconds=INT32,
                           selector=LABEL_SELECTOR, template=POD_TEMPLATE_SPEC)
_REPLICA_SET_STATUS = struct(
    "ReplicaSetStatus", replicas=INT32, fullyLabeledReplicas=INT32, readyReplicas=INT32,
    availableReplicas=INT32, terminatingReplicas=INT32, observedGeneration=INT64,
    conditions=ListOf(condition("ReplicaSetCondition", type_go="v1.ReplicaSetConditionType")))
_PVC = top_level("PersistentVolumeClaim", spec=PVC_SPEC, status=PVC_STATUS)
_STATEFUL_SET_SPEC = struct(
    "StatefulSetSpec", replicas=INT32, selector=LABEL_SELECTOR, template=POD_TEMPLATE_SPEC,
    volumeClaimTemplates=ListOf(_PVC), serviceName=STRING,
    podManagementPolicy=named("v1.PodManagementPolicyType"),
    updateStrategy=struct("StatefulSetUpdateStrategy", type=named("v1.StatefulSetUpdateStrategyType"),
                          rollingUpdate=struct("RollingUpdateStatefulSetStrategy", partition=INT32,
                                               maxUnavailable=INTSTR)),
    revisionHistoryLimit=INT32, minReadySeconds=INT32,
    persistentVolumeClaimRetentionPolicy=struct(
        "StatefulSetPersistentVolumeClaimRetentionPolicy",
        whenDeleted=named("v1.PersistentVolumeClaimRetentionPolicyType"),
        whenScaled=named("v1.PersistentVolumeClaimRetentionPolicyType")),
    ordinals=struct("StatefulSetOrdinals", start=INT32))
_STATEFUL_SET_STATUS = struct(
    "StatefulSetStatus", observedGeneration=INT64, replicas=INT32, readyReplicas=INT32,
    currentReplicas=INT32, updatedReplicas=INT32, currentRevision=STRING, updateRevision=STRING,
    collisionCount=INT32, availableReplicas=INT32,
    conditions=ListOf(condition("StatefulSetCondition", type_go="v1.StatefulSetConditionType")))
_DAEMON_SET_SPEC = struct(
    "DaemonSetSpec", selector=LABEL_SELECTOR, template=POD_TEMPLATE_SPEC,
    updateStrategy=struct("DaemonSetUpdateStrategy", type=named("v1.DaemonSetUpdateStrategyType"),
                          rollingUpdate=struct("RollingUpdateDaemonSet", maxUnavailable=INTSTR,
                                               maxSurge=INTSTR)),
    minReadySeconds=INT32, revisionHistoryLimit=INT32)
_DAEMON_SET_STATUS = struct(
    "DaemonSetStatus", currentNumberScheduled=INT32, numberMisscheduled=INT32,
    desiredNumberScheduled=INT32, numberReady=INT32, observedGeneration=INT64,
    updatedNumberScheduled=INT32, numberAvailable=INT32, numberUnavailable=INT32,
    collisionCount=INT32,
    conditions=ListOf(condition("DaemonSetCondition", type_go="v1.DaemonSetConditionType")))

_POD_FAILURE_POLICY = struct(
    "PodFailurePolicy", rules=ListOf(struct(
        "PodFailurePolicyRule", action=named("v1.PodFailurePolicyAction"),
        onExitCodes=struct("PodFailurePolicyOnExitCodesRequirement", containerName=STRING,
                           operator=named("v1.PodFailurePolicyOnExitCodesOperator"), values=ListOf(INT32)),
        onPodConditions=ListOf(struct("PodFailurePolicyOnPodConditionsPattern", type=named("v1.PodConditionType"),
                                      status=named("v1.ConditionStatus"))))))
_SUCCESS_POLICY = struct("SuccessPolicy", rules=ListOf(struct("SuccessPolicyRule", succeededIndexes=STRING,
                                                              succeededCount=INT32)))
JOB_SPEC = struct(
    "JobSpec", parallelism=INT32, completions=INT32, activeDeadlineSeconds=INT64,
    podFailurePolicy=_POD_FAILURE_POLICY, successPolicy=_SUCCESS_POLICY, backoffLimit=INT32, backoffLimitPerIndex=INT32,
    maxFailedIndexes=INT32, selector=LABEL_SELECTOR, manualSelector=BOOL, template=POD_TEMPLATE_SPEC,
    ttlSecondsAfterFinished=INT32, completionMode=named("v1.CompletionMode"), suspend=BOOL,
    podReplacementPolicy=named("v1.PodReplacementPolicy"), managedBy=STRING)
_JOB_STATUS = struct(
    "JobStatus",
    conditions=ListOf(condition("JobCondition", type_go="v1.JobConditionType", probe=True)),
    startTime=TIME, completionTime=TIME, active=INT32, succeeded=INT32, failed=INT32,
    terminating=INT32, completedIndexes=STRING, failedIndexes=STRING,
    uncountedTerminatedPods=struct("UncountedTerminatedPods", succeeded=ListOf(named("types.UID")),
                                   failed=ListOf(named("types.UID"))),
    ready=INT32)
_CRON_JOB_SPEC = struct(
    "CronJobSpec", schedule=STRING, timeZone=STRING, startingDeadlineSeconds=INT64,
    concurrencyPolicy=named("v1.ConcurrencyPolicy"), suspend=BOOL,
    jobTemplate=struct("JobTemplateSpec", metadata=OBJECT_META, spec=JOB_SPEC),
    successfulJobsHistoryLimit=INT32, failedJobsHistoryLimit=INT32)
_CRON_JOB_STATUS = struct("CronJobStatus", active=ListOf(OBJECT_REFERENCE), lastScheduleTime=TIME,
                          lastSuccessfulTime=TIME)

WORKLOADS: dict[str, Struct] = {
    "Deployment": top_level("Deployment", spec=_DEPLOYMENT_SPEC, status=_DEPLOYMENT_STATUS),
    "ReplicaSet": top_level("ReplicaSet", spec=_REPLICA_SET_SPEC, status=_REPLICA_SET_STATUS),
    "StatefulSet": top_level("StatefulSet", spec=_STATEFUL_SET_SPEC, status=_STATEFUL_SET_STATUS),
    "DaemonSet": top_level("DaemonSet", spec=_DAEMON_SET_SPEC, status=_DAEMON_SET_STATUS),
    "ControllerRevision": top_level("ControllerRevision", data=FREE, revision=INT64),
    "Job": top_level("Job", spec=JOB_SPEC, status=_JOB_STATUS),
    "CronJob": top_level("CronJob", spec=_CRON_JOB_SPEC, status=_CRON_JOB_STATUS),
}


