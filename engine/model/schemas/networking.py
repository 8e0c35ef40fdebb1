"""Field descriptions of Ingress, IngressClass, EndpointSlice, HPA, PDB and Lease.

No I/O happens here. Written after staging/src/k8s.io/api/{networking,discovery}/v1,
autoscaling/v2, policy/v1 and coordination/v1 types.go.
"""
from __future__ import annotations

from litekube.model.schemas.core import MICRO_TIME, OBJECT_REFERENCE
from litekube.model.schemas.meta import LABEL_SELECTOR, condition, top_level
from litekube.model.schemas.pods import TYPED_LOCAL_REF
from litekube.model.schemas.types import (
    BOOL,
    INT32,
    INT64,
    INTSTR,
    MAP_STRING,
    QUANTITY,
    STRING,
    STRINGS,
    TIME,
    ListOf,
    MapOf,
    Struct,
    named,
    struct,
)

__all__ = ["NETWORKING"]

_BACKEND = struct(
    "IngressBackend",
    service=struct("IngressServiceBackend", name=STRING,
                   port=struct("ServiceBackendPort", name=STRING, number=INT32)),
    resource=TYPED_LOCAL_REF)
_PORT_STATUS = ListOf(struct("PortStatus", port=INT32, protocol=named("v1.Protocol"), error=STRING))
_INGRESS_SPEC = struct(
    "IngressSpec", ingressClassName=STRING, defaultBackend=_BACKEND,
    tls=ListOf(struct("IngressTLS", hosts=STRINGS, secretName=STRING)),
    rules=ListOf(struct("IngressRule", host=STRING, http=struct(
        "HTTPIngressRuleValue", paths=ListOf(struct(
            "HTTPIngressPath", path=STRING, pathType=named("v1.PathType"), backend=_BACKEND))))))
_INGRESS_STATUS = struct("IngressStatus", loadBalancer=struct(
    "IngressLoadBalancerStatus", ingress=ListOf(struct(
        "IngressLoadBalancerIngress", ip=STRING, hostname=STRING, ports=_PORT_STATUS))))

_SLICE_PORT = struct("EndpointPort", name=STRING, protocol=named("v1.Protocol"), port=INT32,
                     appProtocol=STRING)
_ENDPOINT = struct(
    "Endpoint", addresses=STRINGS,
    conditions=struct("EndpointConditions", ready=BOOL, serving=BOOL, terminating=BOOL),
    hostname=STRING, targetRef=OBJECT_REFERENCE, deprecatedTopology=MAP_STRING, nodeName=STRING,
    zone=STRING, hints=struct("EndpointHints", forZones=ListOf(struct("ForZone", name=STRING)),
                              forNodes=ListOf(struct("ForNode", name=STRING))))

_METRIC_TARGET = struct("v2.MetricTarget", type=named("v2.MetricTargetType"), value=QUANTITY,
                        averageValue=QUANTITY, averageUtilization=INT32)
_METRIC_ID = struct("v2.MetricIdentifier", name=STRING, selector=LABEL_SELECTOR)
_CROSS_REF = struct("v2.CrossVersionObjectReference", kind=STRING, name=STRING, apiVersion=STRING)
_METRIC_SPEC = struct(
    "v2.MetricSpec", type=named("v2.MetricSourceType"),
    object=struct("v2.ObjectMetricSource", describedObject=_CROSS_REF, target=_METRIC_TARGET,
                  metric=_METRIC_ID),
    pods=struct("v2.PodsMetricSource", metric=_METRIC_ID, target=_METRIC_TARGET),
    resource=struct("v2.ResourceMetricSource", name=named("v1.ResourceName"), target=_METRIC_TARGET),
    containerResource=struct("v2.ContainerResourceMetricSource", name=named("v1.ResourceName"),
                             target=_METRIC_TARGET, container=STRING),
    external=struct("v2.ExternalMetricSource", metric=_METRIC_ID, target=_METRIC_TARGET))
_SCALING_RULES = struct(
    "v2.HPAScalingRules", stabilizationWindowSeconds=INT32, selectPolicy=named("v2.ScalingPolicySelect"),
    policies=ListOf(struct("v2.HPAScalingPolicy", type=named("v2.HPAScalingPolicyType"), value=INT32,
                           periodSeconds=INT32)))
_METRIC_VALUE = struct("v2.MetricValueStatus", value=QUANTITY, averageValue=QUANTITY,
                       averageUtilization=INT32)
_METRIC_STATUS = struct(
    "v2.MetricStatus", type=named("v2.MetricSourceType"),
    object=struct("v2.ObjectMetricStatus", metric=_METRIC_ID, current=_METRIC_VALUE,
                  describedObject=_CROSS_REF),
    pods=struct("v2.PodsMetricStatus", metric=_METRIC_ID, current=_METRIC_VALUE),
    resource=struct("v2.ResourceMetricStatus", name=named("v1.ResourceName"), current=_METRIC_VALUE),
    containerResource=struct("v2.ContainerResourceMetricStatus", name=named("v1.ResourceName"),
                             current=_METRIC_VALUE, container=STRING),
    external=struct("v2.ExternalMetricStatus", metric=_METRIC_ID, current=_METRIC_VALUE))
_HPA_SPEC = struct(
    "v2.HorizontalPodAutoscalerSpec", scaleTargetRef=_CROSS_REF, minReplicas=INT32,
    maxReplicas=INT32, metrics=ListOf(_METRIC_SPEC),
    behavior=struct("v2.HorizontalPodAutoscalerBehavior", scaleUp=_SCALING_RULES,
                    scaleDown=_SCALING_RULES))
_HPA_STATUS = struct(
    "v2.HorizontalPodAutoscalerStatus", observedGeneration=INT64, lastScaleTime=TIME,
    currentReplicas=INT32, desiredReplicas=INT32, currentMetrics=ListOf(_METRIC_STATUS),
    conditions=ListOf(condition("v2.HorizontalPodAutoscalerCondition",
                                type_go="v2.HorizontalPodAutoscalerConditionType")))
_hpa = top_level("HorizontalPodAutoscaler", spec=_HPA_SPEC, status=_HPA_STATUS)

NETWORKING: dict[str, Struct] = {
    "Ingress": top_level("Ingress", spec=_INGRESS_SPEC, status=_INGRESS_STATUS),
    "IngressClass": top_level("IngressClass", spec=struct(
        "IngressClassSpec", controller=STRING, parameters=struct(
            "IngressClassParametersReference", apiGroup=STRING, kind=STRING, name=STRING,
            scope=STRING, namespace=STRING))),
    "EndpointSlice": top_level("EndpointSlice", addressType=named("v1.AddressType"),
                               endpoints=ListOf(_ENDPOINT), ports=ListOf(_SLICE_PORT)),
    "HorizontalPodAutoscaler": Struct("HorizontalPodAutoscaler", "v2", _hpa.fields),
    "PodDisruptionBudget": top_level(
        "PodDisruptionBudget",
        spec=struct("PodDisruptionBudgetSpec", minAvailable=INTSTR, selector=LABEL_SELECTOR,
                    maxUnavailable=INTSTR,
                    unhealthyPodEvictionPolicy=named("v1.UnhealthyPodEvictionPolicyType")),
        status=struct("PodDisruptionBudgetStatus", observedGeneration=INT64,
                      disruptedPods=MapOf(TIME), disruptionsAllowed=INT32, currentHealthy=INT32,
                      desiredHealthy=INT32, expectedPods=INT32,
                      conditions=ListOf(condition("Condition")))),
    "Lease": top_level("Lease", spec=struct(
        "LeaseSpec", holderIdentity=STRING, leaseDurationSeconds=INT32, acquireTime=MICRO_TIME,
        renewTime=MICRO_TIME, leaseTransitions=INT32,
        strategy=named("v1.CoordinatedLeaseStrategy"), preferredHolder=STRING)),
}
