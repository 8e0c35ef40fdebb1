"""Field descriptions of the core/v1 kinds: Pod, Service, Node, Namespace, ConfigMap, ...

No I/O happens here. Written after staging/src/k8s.io/api/core/v1/types.go.
"""
from __future__ import annotations

from litekube.model.schemas.meta import condition, top_level
from litekube.model.schemas.pods import POD_SPEC, POD_STATUS, PVC_SPEC, PVC_STATUS
from litekube.model.schemas.types import (
    BOOL,
    BYTES,
    FREE,
    INT32,
    INT64,
    INTSTR,
    MAP_STRING,
    RESOURCE_LIST,
    STRING,
    STRINGS,
    TIME,
    ListOf,
    MapOf,
    Special,
    Struct,
    named,
    struct,
)

__all__ = ["CORE", "OBJECT_REFERENCE", "MICRO_TIME"]

MICRO_TIME = Special("time", "v1.MicroTime", "string")
OBJECT_REFERENCE = struct(
    "ObjectReference", kind=STRING, namespace=STRING, name=STRING, uid=named("types.UID"),
    apiVersion=STRING, resourceVersion=STRING, fieldPath=STRING)
_PORT_STATUS = ListOf(struct("PortStatus", port=INT32, protocol=named("v1.Protocol"), error=STRING))

_SERVICE_SPEC = struct(
    "ServiceSpec",
    ports=ListOf(struct("ServicePort", name=STRING, protocol=named("v1.Protocol"), appProtocol=STRING,
                        port=INT32, targetPort=INTSTR, nodePort=INT32)),
    selector=MAP_STRING, clusterIP=STRING, clusterIPs=STRINGS, type=named("v1.ServiceType"),
    externalIPs=STRINGS, sessionAffinity=named("v1.ServiceAffinity"), loadBalancerIP=STRING,
    loadBalancerSourceRanges=STRINGS, externalName=STRING,
    externalTrafficPolicy=named("v1.ServiceExternalTrafficPolicy"), healthCheckNodePort=INT32,
    publishNotReadyAddresses=BOOL,
    sessionAffinityConfig=struct("SessionAffinityConfig", clientIP=struct(
        "ClientIPConfig", timeoutSeconds=INT32)),
    ipFamilies=ListOf(named("v1.IPFamily")), ipFamilyPolicy=named("v1.IPFamilyPolicy"),
    allocateLoadBalancerNodePorts=BOOL, loadBalancerClass=STRING,
    internalTrafficPolicy=named("v1.ServiceInternalTrafficPolicy"), trafficDistribution=STRING)
_SERVICE_STATUS = struct(
    "ServiceStatus",
    loadBalancer=struct("LoadBalancerStatus", ingress=ListOf(struct(
        "LoadBalancerIngress", ip=STRING, hostname=STRING, ipMode=named("v1.LoadBalancerIPMode"),
        ports=_PORT_STATUS))),
    conditions=ListOf(condition("Condition")))

_TAINT = struct("Taint", key=STRING, value=STRING, effect=named("v1.TaintEffect"), timeAdded=TIME)
_NODE_SPEC = struct("NodeSpec", podCIDR=STRING, podCIDRs=STRINGS, providerID=STRING,
                    unschedulable=BOOL, taints=ListOf(_TAINT), configSource=FREE, externalID=STRING)
_NODE_STATUS = struct(
    "NodeStatus", capacity=RESOURCE_LIST, allocatable=RESOURCE_LIST, phase=named("v1.NodePhase"),
    conditions=ListOf(struct(
        "NodeCondition", type=named("v1.NodeConditionType"), status=named("v1.ConditionStatus"),
        lastHeartbeatTime=TIME, lastTransitionTime=TIME, reason=STRING, message=STRING)),
    addresses=ListOf(struct("NodeAddress", type=named("v1.NodeAddressType"), address=STRING)),
    daemonEndpoints=struct("NodeDaemonEndpoints", kubeletEndpoint=struct(
        "DaemonEndpoint", Port=INT32)),
    nodeInfo=struct(
        "NodeSystemInfo", machineID=STRING, systemUUID=STRING, bootID=STRING, kernelVersion=STRING,
        osImage=STRING, containerRuntimeVersion=STRING, kubeletVersion=STRING,
        kubeProxyVersion=STRING, operatingSystem=STRING, architecture=STRING, swap=FREE),
    images=ListOf(struct("ContainerImage", names=STRINGS, sizeBytes=INT64)),
    volumesInUse=STRINGS, volumesAttached=FREE, config=FREE, runtimeHandlers=FREE, features=FREE)

_ENDPOINT_ADDRESS = ListOf(struct("EndpointAddress", ip=STRING, hostname=STRING, nodeName=STRING,
                                  targetRef=OBJECT_REFERENCE))
_ENDPOINTS_PORT = struct("EndpointPort", name=STRING, port=INT32, protocol=named("v1.Protocol"),
                         appProtocol=STRING)

CORE: dict[str, Struct] = {
    "Namespace": top_level(
        "Namespace", spec=struct("NamespaceSpec", finalizers=ListOf(named("v1.FinalizerName"))),
        status=struct("NamespaceStatus", phase=named("v1.NamespacePhase"),
                      conditions=ListOf(condition("NamespaceCondition",
                                                  type_go="v1.NamespaceConditionType")))),
    "Node": top_level("Node", spec=_NODE_SPEC, status=_NODE_STATUS),
    "Pod": top_level("Pod", spec=POD_SPEC, status=POD_STATUS),
    "Service": top_level("Service", spec=_SERVICE_SPEC, status=_SERVICE_STATUS),
    "Endpoints": top_level("Endpoints", subsets=ListOf(struct(
        "EndpointSubset", addresses=_ENDPOINT_ADDRESS, notReadyAddresses=_ENDPOINT_ADDRESS,
        ports=ListOf(_ENDPOINTS_PORT)))),
    "ConfigMap": top_level("ConfigMap", immutable=BOOL, data=MAP_STRING, binaryData=MapOf(BYTES)),
    "Secret": top_level("Secret", immutable=BOOL, data=MapOf(BYTES), stringData=MAP_STRING,
                        type=named("v1.SecretType")),
    "Event": top_level(
        "Event", involvedObject=OBJECT_REFERENCE, reason=STRING, message=STRING,
        source=struct("EventSource", component=STRING, host=STRING), firstTimestamp=TIME,
        lastTimestamp=TIME, count=INT32, type=STRING, eventTime=MICRO_TIME,
        series=struct("EventSeries", count=INT32, lastObservedTime=MICRO_TIME), action=STRING,
        related=OBJECT_REFERENCE, reportingComponent=STRING, reportingInstance=STRING),
    "PersistentVolumeClaim": top_level("PersistentVolumeClaim", spec=PVC_SPEC, status=PVC_STATUS),
}
