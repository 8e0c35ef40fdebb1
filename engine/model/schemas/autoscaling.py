"""Field descriptions of ReplicationController, autoscaling/v1 HorizontalPodAutoscaler and the metrics API.

No I/O happens here. Written after staging/src/k8s.io/api/core/v1/types.go
(ReplicationController), staging/src/k8s.io/api/autoscaling/v1/types.go and
staging/src/k8s.io/metrics/pkg/apis/metrics/v1beta1/types.go. The
autoscaling/v2 HorizontalPodAutoscaler is described with the networking kinds.
"""
from __future__ import annotations

from litekube.model.schemas.meta import OBJECT_META, condition, top_level
from litekube.model.schemas.pods import POD_TEMPLATE_SPEC
from litekube.model.schemas.types import (
    INT32,
    INT64,
    MAP_STRING,
    RESOURCE_LIST,
    STRING,
    TIME,
    ListOf,
    Struct,
    named,
    struct,
)

__all__ = ["AUTOSCALING", "SERVED_SCHEMAS"]

_RC_SPEC = struct("ReplicationControllerSpec", replicas=INT32, minReadySeconds=INT32, selector=MAP_STRING,
                  template=POD_TEMPLATE_SPEC)
_RC_STATUS = struct(
    "ReplicationControllerStatus", replicas=INT32, fullyLabeledReplicas=INT32, readyReplicas=INT32,
    availableReplicas=INT32, observedGeneration=INT64,
    conditions=ListOf(condition("ReplicationControllerCondition",
                                type_go="v1.ReplicationControllerConditionType")))

_V1_HPA = top_level(
    "HorizontalPodAutoscaler",
    spec=struct("HorizontalPodAutoscalerSpec",
                scaleTargetRef=struct("CrossVersionObjectReference", kind=STRING, name=STRING,
                                      apiVersion=STRING),
                minReplicas=INT32, maxReplicas=INT32, targetCPUUtilizationPercentage=INT32),
    status=struct("HorizontalPodAutoscalerStatus", observedGeneration=INT64, lastScaleTime=TIME,
                  currentReplicas=INT32, desiredReplicas=INT32, currentCPUUtilizationPercentage=INT32))

_DURATION = named("v1.Duration")
_CONTAINER_METRICS = struct("ContainerMetrics", name=STRING, usage=RESOURCE_LIST)

AUTOSCALING: dict[str, Struct] = {
    "ReplicationController": top_level("ReplicationController", spec=_RC_SPEC, status=_RC_STATUS),
    "PodMetrics": struct("PodMetrics", apiVersion=STRING, kind=STRING, metadata=OBJECT_META,
                         timestamp=TIME, window=_DURATION, containers=ListOf(_CONTAINER_METRICS)),
    "NodeMetrics": struct("NodeMetrics", apiVersion=STRING, kind=STRING, metadata=OBJECT_META,
                          timestamp=TIME, window=_DURATION, usage=RESOURCE_LIST),
}

# The schemas of the versions a kind is also served in, by (apiVersion, kind).
SERVED_SCHEMAS: dict[tuple[str, str], Struct] = {
    ("autoscaling/v1", "HorizontalPodAutoscaler"): Struct("HorizontalPodAutoscaler", "v1", _V1_HPA.fields),
}
