"""The protobuf messages of the kinds litekube serves, as a compact table. No I/O happens here.

Transcribed from upstream's generated.proto files (k8s.io/api core/v1, apps/v1,
batch/v1, rbac/v1, policy/v1, networking/v1, scheduling/v1, coordination/v1,
autoscaling/v1 and v2, storage/v1, discovery/v1, node/v1, authentication/v1;
k8s.io/apimachinery meta/v1), keeping only what decoding needs. One line per
message, `Name: field field ...` (indented lines continue it), where a field is

    json=NUMBER[?][*|{V}][:TYPE]

- `json` is the field's JSON name (which is not always the proto name:
  BoundObjectReference's `aPIVersion` is `apiVersion`), or `^` for a struct
  embedded inline (`json:",inline"`: Volume's VolumeSource, Probe's
  ProbeHandler), whose fields land in the parent;
- `?` keeps a zero value: the Go field is a pointer (`replicas *int32`, so
  an explicit 0 means something) or its JSON tag lacks omitempty. Without it
  a zero scalar is dropped: gogo-protobuf writes every non-pointer field,
  and the JSON encoding of the same object omits it;
- `*` is a repeated field; `{V}` a map from string to V (no V: string);
- TYPE is `s` string (the default), `i` a varint integer (int32 and int64
  alike, two's complement), `b` bool, `y` bytes (base64 in JSON), `Q`
  resource.Quantity, `T` meta Time, `M` meta MicroTime, `D` meta Duration,
  `I` intstr.IntOrString, `R` runtime.RawExtension, `F` meta FieldsV1, or a
  message name from this table.
"""
from __future__ import annotations

__all__ = ["MESSAGES", "KINDS"]

MESSAGES = """
# meta/v1 (k8s.io/apimachinery)
ObjectMeta: name=1 generateName=2 namespace=3 selfLink=4 uid=5 resourceVersion=6 generation=7:i creationTimestamp=8:T
    deletionTimestamp=9:T deletionGracePeriodSeconds=10?:i labels=11{} annotations=12{}
    ownerReferences=13*:OwnerReference finalizers=14* managedFields=17*:ManagedFieldsEntry
OwnerReference: apiVersion=5? kind=1? name=3? uid=4? controller=6?:b blockOwnerDeletion=7?:b
ManagedFieldsEntry: manager=1 operation=2 apiVersion=3 time=4:T fieldsType=6 fieldsV1=7:F subresource=8
LabelSelector: matchLabels=1{} matchExpressions=2*:LabelSelectorRequirement
LabelSelectorRequirement: key=1 operator=2 values=3*
Condition: type=1? status=2? observedGeneration=3:i lastTransitionTime=4:T reason=5? message=6?
DeleteOptions: gracePeriodSeconds=1?:i preconditions=2:Preconditions orphanDependents=3?:b propagationPolicy=4?
    dryRun=5* ignoreStoreReadErrorWithClusterBreakingPotential=6?:b
Preconditions: uid=1? resourceVersion=2?
# apps/v1
ControllerRevision: metadata=1:ObjectMeta data=2:R revision=3?:i
DaemonSet: metadata=1:ObjectMeta spec=2:DaemonSetSpec status=3:DaemonSetStatus
DaemonSetCondition: type=1 status=2 lastTransitionTime=3:T reason=4 message=5
DaemonSetSpec: selector=1:LabelSelector template=2:PodTemplateSpec updateStrategy=3:DaemonSetUpdateStrategy
    minReadySeconds=4:i revisionHistoryLimit=6?:i
DaemonSetStatus: currentNumberScheduled=1?:i numberMisscheduled=2?:i desiredNumberScheduled=3?:i numberReady=4?:i
    observedGeneration=5:i updatedNumberScheduled=6:i numberAvailable=7:i numberUnavailable=8:i collisionCount=9?:i
    conditions=10*:DaemonSetCondition
DaemonSetUpdateStrategy: type=1 rollingUpdate=2:RollingUpdateDaemonSet
Deployment: metadata=1:ObjectMeta spec=2:DeploymentSpec status=3:DeploymentStatus
DeploymentCondition: type=1 status=2 lastUpdateTime=6:T lastTransitionTime=7:T reason=4 message=5
DeploymentSpec: replicas=1?:i selector=2:LabelSelector template=3:PodTemplateSpec strategy=4:DeploymentStrategy
    minReadySeconds=5:i revisionHistoryLimit=6?:i paused=7:b progressDeadlineSeconds=9?:i podReplacementPolicy=10?
DeploymentStatus: observedGeneration=1:i replicas=2:i updatedReplicas=3:i readyReplicas=7:i availableReplicas=4:i
    unavailableReplicas=5:i terminatingReplicas=9?:i conditions=6*:DeploymentCondition collisionCount=8?:i
DeploymentStrategy: type=1 rollingUpdate=2:RollingUpdateDeployment
ReplicaSet: metadata=1:ObjectMeta spec=2:ReplicaSetSpec status=3:ReplicaSetStatus
ReplicaSetCondition: type=1 status=2 lastTransitionTime=3:T reason=4 message=5
ReplicaSetSpec: replicas=1?:i minReadySeconds=4:i selector=2:LabelSelector template=3:PodTemplateSpec
ReplicaSetStatus: replicas=1?:i fullyLabeledReplicas=2:i readyReplicas=4:i availableReplicas=5:i
    terminatingReplicas=7?:i observedGeneration=3:i conditions=6*:ReplicaSetCondition
RollingUpdateDaemonSet: maxUnavailable=1:I maxSurge=2:I
RollingUpdateDeployment: maxUnavailable=1:I maxSurge=2:I
RollingUpdateStatefulSetStrategy: partition=1?:i maxUnavailable=2:I
StatefulSet: metadata=1:ObjectMeta spec=2:StatefulSetSpec status=3:StatefulSetStatus
StatefulSetCondition: type=1 status=2 lastTransitionTime=3:T reason=4 message=5
StatefulSetOrdinals: start=1:i
StatefulSetPersistentVolumeClaimRetentionPolicy: whenDeleted=1 whenScaled=2
StatefulSetSpec: replicas=1?:i selector=2:LabelSelector template=3:PodTemplateSpec
    volumeClaimTemplates=4*:PersistentVolumeClaim serviceName=5 podManagementPolicy=6
    updateStrategy=7:StatefulSetUpdateStrategy revisionHistoryLimit=8?:i minReadySeconds=9:i
    persistentVolumeClaimRetentionPolicy=10:StatefulSetPersistentVolumeClaimRetentionPolicy
    ordinals=11:StatefulSetOrdinals
StatefulSetStatus: observedGeneration=1:i replicas=2?:i readyReplicas=3:i currentReplicas=4:i updatedReplicas=5:i
    currentRevision=6 updateRevision=7 collisionCount=9?:i conditions=10*:StatefulSetCondition availableReplicas=11:i
StatefulSetUpdateStrategy: type=1 rollingUpdate=2:RollingUpdateStatefulSetStrategy
# batch/v1
CronJob: metadata=1:ObjectMeta spec=2:CronJobSpec status=3:CronJobStatus
CronJobSpec: schedule=1? timeZone=8? startingDeadlineSeconds=2?:i concurrencyPolicy=3 suspend=4?:b
    jobTemplate=5:JobTemplateSpec successfulJobsHistoryLimit=6?:i failedJobsHistoryLimit=7?:i
CronJobStatus: active=1*:ObjectReference lastScheduleTime=4:T lastSuccessfulTime=5:T
Job: metadata=1:ObjectMeta spec=2:JobSpec status=3:JobStatus
JobCondition: type=1 status=2 lastProbeTime=3:T lastTransitionTime=4:T reason=5 message=6
JobSpec: parallelism=1?:i completions=2?:i activeDeadlineSeconds=3?:i podFailurePolicy=11:PodFailurePolicy
    successPolicy=16:SuccessPolicy backoffLimit=7?:i backoffLimitPerIndex=12?:i maxFailedIndexes=13?:i
    selector=4:LabelSelector manualSelector=5?:b template=6:PodTemplateSpec ttlSecondsAfterFinished=8?:i
    completionMode=9? suspend=10?:b podReplacementPolicy=14? managedBy=15?
JobStatus: conditions=1*:JobCondition startTime=2:T completionTime=3:T active=4:i succeeded=5:i failed=6:i
    terminating=11?:i completedIndexes=7 failedIndexes=10? uncountedTerminatedPods=8:UncountedTerminatedPods
    ready=9?:i
JobTemplateSpec: metadata=1:ObjectMeta spec=2:JobSpec
PodFailurePolicy: rules=1*:PodFailurePolicyRule
PodFailurePolicyOnExitCodesRequirement: containerName=1? operator=2 values=3*:i
PodFailurePolicyOnPodConditionsPattern: type=1 status=2
PodFailurePolicyRule: action=1 onExitCodes=2:PodFailurePolicyOnExitCodesRequirement
    onPodConditions=3*:PodFailurePolicyOnPodConditionsPattern
SuccessPolicy: rules=1*:SuccessPolicyRule
SuccessPolicyRule: succeededIndexes=1? succeededCount=2?:i
UncountedTerminatedPods: succeeded=1* failed=2*
# rbac.authorization.k8s.io/v1
AggregationRule: clusterRoleSelectors=1*:LabelSelector
ClusterRole: metadata=1:ObjectMeta rules=2*:PolicyRule aggregationRule=3:AggregationRule
ClusterRoleBinding: metadata=1:ObjectMeta subjects=2*:Subject roleRef=3:RoleRef
PolicyRule: verbs=1* apiGroups=2* resources=3* resourceNames=4* nonResourceURLs=5*
Role: metadata=1:ObjectMeta rules=2*:PolicyRule
RoleBinding: metadata=1:ObjectMeta subjects=2*:Subject roleRef=3:RoleRef
RoleRef: apiGroup=1? kind=2? name=3?
Subject: kind=1? apiGroup=2 name=3? namespace=4
# policy/v1
Eviction: metadata=1:ObjectMeta deleteOptions=2:DeleteOptions
PodDisruptionBudget: metadata=1:ObjectMeta spec=2:PodDisruptionBudgetSpec status=3:PodDisruptionBudgetStatus
PodDisruptionBudgetSpec: minAvailable=1:I selector=2:LabelSelector maxUnavailable=3:I unhealthyPodEvictionPolicy=4?
PodDisruptionBudgetStatus: observedGeneration=1:i disruptedPods=2{T} disruptionsAllowed=3?:i currentHealthy=4?:i
    desiredHealthy=5?:i expectedPods=6?:i conditions=7*:Condition
# networking.k8s.io/v1
HTTPIngressPath: path=1 pathType=3? backend=2:IngressBackend
HTTPIngressRuleValue: paths=1*:HTTPIngressPath
IPBlock: cidr=1? except=2*
Ingress: metadata=1:ObjectMeta spec=2:IngressSpec status=3:IngressStatus
IngressBackend: service=4:IngressServiceBackend resource=3:TypedLocalObjectReference
IngressClass: metadata=1:ObjectMeta spec=2:IngressClassSpec
IngressClassParametersReference: apiGroup=1? kind=2 name=3 scope=4? namespace=5?
IngressClassSpec: controller=1 parameters=2:IngressClassParametersReference
IngressLoadBalancerIngress: ip=1 hostname=2 ports=4*:IngressPortStatus
IngressLoadBalancerStatus: ingress=1*:IngressLoadBalancerIngress
IngressPortStatus: port=1?:i protocol=2? error=3?
IngressRule: host=1 ^=2:IngressRuleValue
IngressRuleValue: http=1:HTTPIngressRuleValue
IngressServiceBackend: name=1 port=2:ServiceBackendPort
IngressSpec: ingressClassName=4? defaultBackend=1:IngressBackend tls=2*:IngressTLS rules=3*:IngressRule
IngressStatus: loadBalancer=1:IngressLoadBalancerStatus
IngressTLS: hosts=1* secretName=2
NetworkPolicy: metadata=1:ObjectMeta spec=2:NetworkPolicySpec
NetworkPolicyEgressRule: ports=1*:NetworkPolicyPort to=2*:NetworkPolicyPeer
NetworkPolicyIngressRule: ports=1*:NetworkPolicyPort from=2*:NetworkPolicyPeer
NetworkPolicyPeer: podSelector=1:LabelSelector namespaceSelector=2:LabelSelector ipBlock=3:IPBlock
NetworkPolicyPort: protocol=1? port=2:I endPort=3?:i
NetworkPolicySpec: podSelector=1:LabelSelector ingress=2*:NetworkPolicyIngressRule egress=3*:NetworkPolicyEgressRule
    policyTypes=4*
ServiceBackendPort: name=1 number=2:i
# scheduling.k8s.io/v1
PriorityClass: metadata=1:ObjectMeta value=2?:i globalDefault=3:b description=4 preemptionPolicy=5?
# coordination.k8s.io/v1
Lease: metadata=1:ObjectMeta spec=2:LeaseSpec
LeaseSpec: holderIdentity=1? leaseDurationSeconds=2?:i acquireTime=3:M renewTime=4:M leaseTransitions=5?:i strategy=6?
    preferredHolder=7?
# autoscaling/v1 (the scale subresource)
Scale: metadata=1:ObjectMeta spec=2:ScaleSpec status=3:ScaleStatus
ScaleSpec: replicas=1:i
ScaleStatus: replicas=1?:i selector=2
# autoscaling/v1 HorizontalPodAutoscaler (CrossVersionObjectReference is v2's: the same fields)
V1HorizontalPodAutoscaler: metadata=1:ObjectMeta spec=2:V1HorizontalPodAutoscalerSpec
    status=3:V1HorizontalPodAutoscalerStatus
V1HorizontalPodAutoscalerSpec: scaleTargetRef=1:CrossVersionObjectReference minReplicas=2?:i maxReplicas=3?:i
    targetCPUUtilizationPercentage=4?:i
V1HorizontalPodAutoscalerStatus: observedGeneration=1?:i lastScaleTime=2:T currentReplicas=3?:i desiredReplicas=4?:i
    currentCPUUtilizationPercentage=5?:i
# autoscaling/v2
ContainerResourceMetricSource: name=1? target=2:MetricTarget container=3?
ContainerResourceMetricStatus: name=1? current=2:MetricValueStatus container=3?
CrossVersionObjectReference: kind=1? name=2? apiVersion=3
ExternalMetricSource: metric=1:MetricIdentifier target=2:MetricTarget
ExternalMetricStatus: metric=1:MetricIdentifier current=2:MetricValueStatus
HPAScalingPolicy: type=1? value=2?:i periodSeconds=3?:i
HPAScalingRules: stabilizationWindowSeconds=3?:i selectPolicy=1? policies=2*:HPAScalingPolicy tolerance=4:Q
HorizontalPodAutoscaler: metadata=1:ObjectMeta spec=2:HorizontalPodAutoscalerSpec
    status=3:HorizontalPodAutoscalerStatus
HorizontalPodAutoscalerBehavior: scaleUp=1:HPAScalingRules scaleDown=2:HPAScalingRules
HorizontalPodAutoscalerCondition: type=1 status=2 lastTransitionTime=3:T reason=4 message=5 observedGeneration=6:i
HorizontalPodAutoscalerSpec: scaleTargetRef=1:CrossVersionObjectReference minReplicas=2?:i maxReplicas=3?:i
    metrics=4*:MetricSpec behavior=5:HorizontalPodAutoscalerBehavior
HorizontalPodAutoscalerStatus: observedGeneration=1?:i lastScaleTime=2:T currentReplicas=3:i desiredReplicas=4?:i
    currentMetrics=5*:MetricStatus conditions=6*:HorizontalPodAutoscalerCondition
MetricIdentifier: name=1? selector=2:LabelSelector
MetricSpec: type=1? object=2:ObjectMetricSource pods=3:PodsMetricSource resource=4:ResourceMetricSource
    containerResource=7:ContainerResourceMetricSource external=5:ExternalMetricSource
MetricStatus: type=1? object=2:ObjectMetricStatus pods=3:PodsMetricStatus resource=4:ResourceMetricStatus
    containerResource=7:ContainerResourceMetricStatus external=5:ExternalMetricStatus
MetricTarget: type=1? value=2:Q averageValue=3:Q averageUtilization=4?:i
MetricValueStatus: value=1:Q averageValue=2:Q averageUtilization=3?:i
ObjectMetricSource: describedObject=1:CrossVersionObjectReference target=2:MetricTarget metric=3:MetricIdentifier
ObjectMetricStatus: metric=1:MetricIdentifier current=2:MetricValueStatus
    describedObject=3:CrossVersionObjectReference
PodsMetricSource: metric=1:MetricIdentifier target=2:MetricTarget
PodsMetricStatus: metric=1:MetricIdentifier current=2:MetricValueStatus
ResourceMetricSource: name=1? target=2:MetricTarget
ResourceMetricStatus: name=1? current=2:MetricValueStatus
# storage.k8s.io/v1
StorageClass: metadata=1:ObjectMeta provisioner=2? parameters=3{} reclaimPolicy=4? mountOptions=5*
    allowVolumeExpansion=6?:b volumeBindingMode=7? allowedTopologies=8*:TopologySelectorTerm
# discovery.k8s.io/v1
Endpoint: addresses=1* conditions=2:EndpointConditions hostname=3? targetRef=4:ObjectReference deprecatedTopology=5{}
    nodeName=6? zone=7? hints=8:EndpointHints
EndpointConditions: ready=1?:b serving=2?:b terminating=3?:b
EndpointHints: forZones=1*:ForZone forNodes=2*:ForNode
EndpointSlice: metadata=1:ObjectMeta addressType=4? endpoints=2*:Endpoint ports=3*:EndpointSlicePort
EndpointSlicePort: name=1? protocol=2? port=3?:i appProtocol=4?
ForNode: name=1?
ForZone: name=1?
# node.k8s.io/v1
Overhead: podFixed=1{Q}
RuntimeClass: metadata=1:ObjectMeta handler=2? overhead=3:Overhead scheduling=4:Scheduling
Scheduling: nodeSelector=1{} tolerations=2*:Toleration
# authentication.k8s.io/v1
BoundObjectReference: kind=1 apiVersion=2 name=3 uid=4
TokenRequest: metadata=1:ObjectMeta spec=2:TokenRequestSpec status=3:TokenRequestStatus
TokenRequestSpec: audiences=1* expirationSeconds=4?:i boundObjectRef=3:BoundObjectReference
TokenRequestStatus: token=1? expirationTimestamp=2:T
SelfSubjectReview: metadata=1:ObjectMeta
# authorization.k8s.io/v1 (the reviews `kubectl auth can-i` sends)
FieldSelectorAttributes: rawSelector=1 requirements=2*:FieldSelectorRequirement
FieldSelectorRequirement: key=1 operator=2 values=3*
LabelSelectorAttributes: rawSelector=1 requirements=2*:LabelSelectorRequirement
NonResourceAttributes: path=1 verb=2
ResourceAttributes: namespace=1 verb=2 group=3 version=4 resource=5 subresource=6 name=7
    fieldSelector=8:FieldSelectorAttributes labelSelector=9:LabelSelectorAttributes
SelfSubjectAccessReview: metadata=1:ObjectMeta spec=2:SelfSubjectAccessReviewSpec
SelfSubjectAccessReviewSpec: resourceAttributes=1:ResourceAttributes nonResourceAttributes=2:NonResourceAttributes
SelfSubjectRulesReview: metadata=1:ObjectMeta spec=2:SelfSubjectRulesReviewSpec
SelfSubjectRulesReviewSpec: namespace=1
# core/v1
Affinity: nodeAffinity=1:NodeAffinity podAffinity=2:PodAffinity podAntiAffinity=3:PodAntiAffinity
AppArmorProfile: type=1 localhostProfile=2?
AttachedVolume: name=1 devicePath=2
AWSElasticBlockStoreVolumeSource: volumeID=1 fsType=2 partition=3:i readOnly=4:b
AzureDiskVolumeSource: diskName=1 diskURI=2 cachingMode=3? fsType=4? readOnly=5?:b kind=6?
AzureFilePersistentVolumeSource: secretName=1 shareName=2 readOnly=3:b secretNamespace=4?
AzureFileVolumeSource: secretName=1 shareName=2 readOnly=3:b
Binding: metadata=1:ObjectMeta target=2:ObjectReference
CSIPersistentVolumeSource: driver=1 volumeHandle=2 readOnly=3:b fsType=4 volumeAttributes=5{}
    controllerPublishSecretRef=6:SecretReference nodeStageSecretRef=7:SecretReference
    nodePublishSecretRef=8:SecretReference controllerExpandSecretRef=9:SecretReference
    nodeExpandSecretRef=10:SecretReference
CSIVolumeSource: driver=1 readOnly=2?:b fsType=3? volumeAttributes=4{} nodePublishSecretRef=5:LocalObjectReference
Capabilities: add=1* drop=2*
CephFSPersistentVolumeSource: monitors=1* path=2 user=3 secretFile=4 secretRef=5:SecretReference readOnly=6:b
CephFSVolumeSource: monitors=1* path=2 user=3 secretFile=4 secretRef=5:LocalObjectReference readOnly=6:b
CinderPersistentVolumeSource: volumeID=1 fsType=2 readOnly=3:b secretRef=4:SecretReference
CinderVolumeSource: volumeID=1 fsType=2 readOnly=3:b secretRef=4:LocalObjectReference
ClientIPConfig: timeoutSeconds=1?:i
ClusterTrustBundleProjection: name=1? signerName=2? labelSelector=3:LabelSelector optional=5?:b path=4
ConfigMap: metadata=1:ObjectMeta immutable=4?:b data=2{} binaryData=3{y}
ConfigMapEnvSource: ^=1:LocalObjectReference optional=2?:b
ConfigMapKeySelector: ^=1:LocalObjectReference key=2 optional=3?:b
ConfigMapNodeConfigSource: namespace=1 name=2 uid=3 resourceVersion=4 kubeletConfigKey=5
ConfigMapProjection: ^=1:LocalObjectReference items=2*:KeyToPath optional=4?:b
ConfigMapVolumeSource: ^=1:LocalObjectReference items=2*:KeyToPath defaultMode=3?:i optional=4?:b
Container: name=1? image=2 command=3* args=4* workingDir=5 ports=6*:ContainerPort envFrom=19*:EnvFromSource
    env=7*:EnvVar resources=8:ResourceRequirements resizePolicy=23*:ContainerResizePolicy restartPolicy=24?
    restartPolicyRules=25*:ContainerRestartRule volumeMounts=9*:VolumeMount volumeDevices=21*:VolumeDevice
    livenessProbe=10:Probe readinessProbe=11:Probe startupProbe=22:Probe lifecycle=12:Lifecycle
    terminationMessagePath=13 terminationMessagePolicy=20 imagePullPolicy=14 securityContext=15:SecurityContext
    stdin=16:b stdinOnce=17:b tty=18:b
ContainerImage: names=1* sizeBytes=2:i
ContainerPort: name=1 hostPort=2:i containerPort=3?:i protocol=4 hostIP=5
ContainerResizePolicy: resourceName=1 restartPolicy=2
ContainerRestartRule: action=1 exitCodes=2:ContainerRestartRuleOnExitCodes
ContainerRestartRuleOnExitCodes: operator=1 values=2*:i
ContainerState: waiting=1:ContainerStateWaiting running=2:ContainerStateRunning terminated=3:ContainerStateTerminated
ContainerStateRunning: startedAt=1:T
ContainerStateTerminated: exitCode=1?:i signal=2:i reason=3 message=4 startedAt=5:T finishedAt=6:T containerID=7
ContainerStateWaiting: reason=1 message=2
ContainerStatus: name=1? state=2:ContainerState lastState=3:ContainerState ready=4?:b restartCount=5?:i image=6?
    imageID=7? containerID=8 started=9?:b allocatedResources=10{Q} resources=11:ResourceRequirements
    volumeMounts=12*:VolumeMountStatus user=13:ContainerUser allocatedResourcesStatus=14*:ResourceStatus
    stopSignal=15?
ContainerUser: linux=1:LinuxContainerUser
DaemonEndpoint: Port=1?:i
DownwardAPIProjection: items=1*:DownwardAPIVolumeFile
DownwardAPIVolumeFile: path=1 fieldRef=2:ObjectFieldSelector resourceFieldRef=3:ResourceFieldSelector mode=4?:i
DownwardAPIVolumeSource: items=1*:DownwardAPIVolumeFile defaultMode=2?:i
EmptyDirVolumeSource: medium=1 sizeLimit=2:Q
EndpointAddress: ip=1 hostname=3 nodeName=4? targetRef=2:ObjectReference
EndpointPort: name=1 port=2?:i protocol=3 appProtocol=4?
EndpointSubset: addresses=1*:EndpointAddress notReadyAddresses=2*:EndpointAddress ports=3*:EndpointPort
Endpoints: metadata=1:ObjectMeta subsets=2*:EndpointSubset
EnvFromSource: prefix=1 configMapRef=2:ConfigMapEnvSource secretRef=3:SecretEnvSource
EnvVar: name=1? value=2 valueFrom=3:EnvVarSource
EnvVarSource: fieldRef=1:ObjectFieldSelector resourceFieldRef=2:ResourceFieldSelector
    configMapKeyRef=3:ConfigMapKeySelector secretKeyRef=4:SecretKeySelector fileKeyRef=5:FileKeySelector
EphemeralContainer: ^=1:Container targetContainerName=2
EphemeralVolumeSource: volumeClaimTemplate=1:PersistentVolumeClaimTemplate
Event: metadata=1:ObjectMeta involvedObject=2:ObjectReference reason=3 message=4 source=5:EventSource
    firstTimestamp=6:T lastTimestamp=7:T count=8:i type=9 eventTime=10:M series=11:EventSeries action=12
    related=13:ObjectReference reportingComponent=14? reportingInstance=15?
EventSeries: count=1:i lastObservedTime=2:M
EventSource: component=1 host=2
ExecAction: command=1*
FCVolumeSource: targetWWNs=1* lun=2?:i fsType=3 readOnly=4:b wwids=5*
FileKeySelector: volumeName=1 path=2 key=3 optional=4?:b
FlexPersistentVolumeSource: driver=1 fsType=2 secretRef=3:SecretReference readOnly=4:b options=5{}
FlexVolumeSource: driver=1 fsType=2 secretRef=3:LocalObjectReference readOnly=4:b options=5{}
FlockerVolumeSource: datasetName=1 datasetUUID=2
GCEPersistentDiskVolumeSource: pdName=1 fsType=2 partition=3:i readOnly=4:b
GRPCAction: port=1?:i service=2?
GitRepoVolumeSource: repository=1 revision=2 directory=3
GlusterfsPersistentVolumeSource: endpoints=1 path=2 readOnly=3:b endpointsNamespace=4?
GlusterfsVolumeSource: endpoints=1 path=2 readOnly=3:b
HTTPGetAction: path=1 port=2:I host=3 scheme=4 httpHeaders=5*:HTTPHeader
HTTPHeader: name=1? value=2?
HostAlias: ip=1 hostnames=2*
HostIP: ip=1
HostPathVolumeSource: path=1 type=2?
ISCSIPersistentVolumeSource: targetPortal=1 iqn=2 lun=3?:i iscsiInterface=4 fsType=5 readOnly=6:b portals=7*
    chapAuthDiscovery=8:b chapAuthSession=11:b secretRef=10:SecretReference initiatorName=12?
ISCSIVolumeSource: targetPortal=1 iqn=2 lun=3?:i iscsiInterface=4 fsType=5 readOnly=6:b portals=7*
    chapAuthDiscovery=8:b chapAuthSession=11:b secretRef=10:LocalObjectReference initiatorName=12?
ImageVolumeSource: reference=1 pullPolicy=2
KeyToPath: key=1 path=2 mode=3?:i
Lifecycle: postStart=1:LifecycleHandler preStop=2:LifecycleHandler stopSignal=3?
LifecycleHandler: exec=1:ExecAction httpGet=2:HTTPGetAction tcpSocket=3:TCPSocketAction sleep=4:SleepAction
LimitRange: metadata=1:ObjectMeta spec=2:LimitRangeSpec
LimitRangeItem: type=1 max=2{Q} min=3{Q} default=4{Q} defaultRequest=5{Q} maxLimitRequestRatio=6{Q}
LimitRangeSpec: limits=1*:LimitRangeItem
LinuxContainerUser: uid=1?:i gid=2?:i supplementalGroups=3*:i
LoadBalancerIngress: ip=1 hostname=2 ipMode=3? ports=4*:PortStatus
LoadBalancerStatus: ingress=1*:LoadBalancerIngress
LocalObjectReference: name=1
LocalVolumeSource: path=1 fsType=2?
ModifyVolumeStatus: targetVolumeAttributesClassName=1 status=2
NFSVolumeSource: server=1 path=2 readOnly=3:b
Namespace: metadata=1:ObjectMeta spec=2:NamespaceSpec status=3:NamespaceStatus
NamespaceCondition: type=1 status=2 lastTransitionTime=4:T reason=5 message=6
NamespaceSpec: finalizers=1*
NamespaceStatus: phase=1 conditions=2*:NamespaceCondition
Node: metadata=1:ObjectMeta spec=2:NodeSpec status=3:NodeStatus
NodeAddress: type=1 address=2
NodeAffinity: requiredDuringSchedulingIgnoredDuringExecution=1:NodeSelector
    preferredDuringSchedulingIgnoredDuringExecution=2*:PreferredSchedulingTerm
NodeCondition: type=1 status=2 lastHeartbeatTime=3:T lastTransitionTime=4:T reason=5 message=6
NodeConfigSource: configMap=2:ConfigMapNodeConfigSource
NodeConfigStatus: assigned=1:NodeConfigSource active=2:NodeConfigSource lastKnownGood=3:NodeConfigSource error=4
NodeDaemonEndpoints: kubeletEndpoint=1:DaemonEndpoint
NodeFeatures: supplementalGroupsPolicy=1?:b containerUlimits=2?:b
NodeRuntimeHandler: name=1 features=2:NodeRuntimeHandlerFeatures
NodeRuntimeHandlerFeatures: recursiveReadOnlyMounts=1?:b userNamespaces=2?:b
NodeSelector: nodeSelectorTerms=1*:NodeSelectorTerm
NodeSelectorRequirement: key=1 operator=2 values=3*
NodeSelectorTerm: matchExpressions=1*:NodeSelectorRequirement matchFields=2*:NodeSelectorRequirement
NodeSpec: podCIDR=1 podCIDRs=7* providerID=3 unschedulable=4:b taints=5*:Taint configSource=6:NodeConfigSource
    externalID=2
NodeStatus: capacity=1{Q} allocatable=2{Q} phase=3 conditions=4*:NodeCondition addresses=5*:NodeAddress
    daemonEndpoints=6:NodeDaemonEndpoints nodeInfo=7:NodeSystemInfo images=8*:ContainerImage volumesInUse=9*
    volumesAttached=10*:AttachedVolume config=11:NodeConfigStatus runtimeHandlers=12*:NodeRuntimeHandler
    features=13:NodeFeatures declaredFeatures=14*
NodeSwapStatus: capacity=1?:i
NodeSystemInfo: machineID=1 systemUUID=2 bootID=3 kernelVersion=4 osImage=5 containerRuntimeVersion=6 kubeletVersion=7
    kubeProxyVersion=8 operatingSystem=9 architecture=10 swap=11:NodeSwapStatus
ObjectFieldSelector: apiVersion=1 fieldPath=2
ObjectReference: kind=1 namespace=2 name=3 uid=4 apiVersion=5 resourceVersion=6 fieldPath=7
PersistentVolume: metadata=1:ObjectMeta spec=2:PersistentVolumeSpec status=3:PersistentVolumeStatus
PersistentVolumeClaim: metadata=1:ObjectMeta spec=2:PersistentVolumeClaimSpec status=3:PersistentVolumeClaimStatus
PersistentVolumeClaimCondition: type=1 status=2 lastProbeTime=3:T lastTransitionTime=4:T reason=5 message=6
PersistentVolumeClaimSpec: accessModes=1* selector=4:LabelSelector resources=2:VolumeResourceRequirements volumeName=3
    storageClassName=5? volumeMode=6? dataSource=7:TypedLocalObjectReference dataSourceRef=8:TypedObjectReference
    volumeAttributesClassName=9?
PersistentVolumeClaimStatus: phase=1 accessModes=2* capacity=3{Q} conditions=4*:PersistentVolumeClaimCondition
    allocatedResources=5{Q} allocatedResourceStatuses=7{} currentVolumeAttributesClassName=8?
    modifyVolumeStatus=9:ModifyVolumeStatus
PersistentVolumeClaimTemplate: metadata=1:ObjectMeta spec=2:PersistentVolumeClaimSpec
PersistentVolumeClaimVolumeSource: claimName=1 readOnly=2:b
PersistentVolumeSource: gcePersistentDisk=1:GCEPersistentDiskVolumeSource
    awsElasticBlockStore=2:AWSElasticBlockStoreVolumeSource hostPath=3:HostPathVolumeSource
    glusterfs=4:GlusterfsPersistentVolumeSource nfs=5:NFSVolumeSource rbd=6:RBDPersistentVolumeSource
    iscsi=7:ISCSIPersistentVolumeSource cinder=8:CinderPersistentVolumeSource cephfs=9:CephFSPersistentVolumeSource
    fc=10:FCVolumeSource flocker=11:FlockerVolumeSource flexVolume=12:FlexPersistentVolumeSource
    azureFile=13:AzureFilePersistentVolumeSource vsphereVolume=14:VsphereVirtualDiskVolumeSource
    quobyte=15:QuobyteVolumeSource azureDisk=16:AzureDiskVolumeSource
    photonPersistentDisk=17:PhotonPersistentDiskVolumeSource portworxVolume=18:PortworxVolumeSource
    scaleIO=19:ScaleIOPersistentVolumeSource local=20:LocalVolumeSource storageos=21:StorageOSPersistentVolumeSource
    csi=22:CSIPersistentVolumeSource
PersistentVolumeSpec: capacity=1{Q} ^=2:PersistentVolumeSource accessModes=3* claimRef=4:ObjectReference
    persistentVolumeReclaimPolicy=5 storageClassName=6 mountOptions=7* volumeMode=8? nodeAffinity=9:VolumeNodeAffinity
    volumeAttributesClassName=10?
PersistentVolumeStatus: phase=1 message=2 reason=3 lastPhaseTransitionTime=4:T
PhotonPersistentDiskVolumeSource: pdID=1 fsType=2
Pod: metadata=1:ObjectMeta spec=2:PodSpec status=3:PodStatus
PodAffinity: requiredDuringSchedulingIgnoredDuringExecution=1*:PodAffinityTerm
    preferredDuringSchedulingIgnoredDuringExecution=2*:WeightedPodAffinityTerm
PodAffinityTerm: labelSelector=1:LabelSelector namespaces=2* topologyKey=3 namespaceSelector=4:LabelSelector
    matchLabelKeys=5* mismatchLabelKeys=6*
PodAntiAffinity: requiredDuringSchedulingIgnoredDuringExecution=1*:PodAffinityTerm
    preferredDuringSchedulingIgnoredDuringExecution=2*:WeightedPodAffinityTerm
PodCertificateProjection: signerName=1 keyType=2 maxExpirationSeconds=3?:i credentialBundlePath=4 keyPath=5
    certificateChainPath=6 userAnnotations=7{}
PodCondition: type=1 observedGeneration=7:i status=2 lastProbeTime=3:T lastTransitionTime=4:T reason=5 message=6
PodDNSConfig: nameservers=1* searches=2* options=3*:PodDNSConfigOption
PodDNSConfigOption: name=1 value=2?
PodExtendedResourceClaimStatus: requestMappings=1*:ContainerExtendedResourceRequest resourceClaimName=2
ContainerExtendedResourceRequest: containerName=1 resourceName=2 requestName=3
PodIP: ip=1
PodOS: name=1
PodReadinessGate: conditionType=1
PodResourceClaim: name=1 resourceClaimName=3? resourceClaimTemplateName=4?
PodResourceClaimStatus: name=1 resourceClaimName=2?
PodSchedulingGate: name=1
PodSecurityContext: seLinuxOptions=1:SELinuxOptions windowsOptions=8:WindowsSecurityContextOptions runAsUser=2?:i
    runAsGroup=6?:i runAsNonRoot=3?:b supplementalGroups=4*:i supplementalGroupsPolicy=12? fsGroup=5?:i
    sysctls=7*:Sysctl fsGroupChangePolicy=9? seccompProfile=10:SeccompProfile appArmorProfile=11:AppArmorProfile
    seLinuxChangePolicy=13?
PodSpec: volumes=1*:Volume initContainers=20*:Container containers=2*:Container
    ephemeralContainers=34*:EphemeralContainer restartPolicy=3 terminationGracePeriodSeconds=4?:i
    activeDeadlineSeconds=5?:i dnsPolicy=6 nodeSelector=7{} serviceAccountName=8 serviceAccount=9
    automountServiceAccountToken=21?:b nodeName=10 hostNetwork=11:b hostPID=12:b hostIPC=13:b
    shareProcessNamespace=27?:b securityContext=14:PodSecurityContext imagePullSecrets=15*:LocalObjectReference
    hostname=16 subdomain=17 affinity=18:Affinity schedulerName=19 tolerations=22*:Toleration
    hostAliases=23*:HostAlias priorityClassName=24 priority=25?:i dnsConfig=26:PodDNSConfig
    readinessGates=28*:PodReadinessGate runtimeClassName=29? enableServiceLinks=30?:b preemptionPolicy=31?
    overhead=32{Q} topologySpreadConstraints=33*:TopologySpreadConstraint setHostnameAsFQDN=35?:b os=36:PodOS
    hostUsers=37?:b schedulingGates=38*:PodSchedulingGate resourceClaims=39*:PodResourceClaim
    resources=40:ResourceRequirements hostnameOverride=41? workloadRef=42:WorkloadReference
PodStatus: observedGeneration=17:i phase=1 conditions=2*:PodCondition message=3 reason=4 nominatedNodeName=11 hostIP=5
    hostIPs=16*:HostIP podIP=6 podIPs=12*:PodIP startTime=7:T initContainerStatuses=10*:ContainerStatus
    containerStatuses=8*:ContainerStatus qosClass=9 ephemeralContainerStatuses=13*:ContainerStatus resize=14
    resourceClaimStatuses=15*:PodResourceClaimStatus extendedResourceClaimStatus=18:PodExtendedResourceClaimStatus
    allocatedResources=19{Q} resources=20:ResourceRequirements
PodTemplate: metadata=1:ObjectMeta template=2:PodTemplateSpec
PodTemplateSpec: metadata=1:ObjectMeta spec=2:PodSpec
PortStatus: port=1?:i protocol=2? error=3?
PortworxVolumeSource: volumeID=1 fsType=2 readOnly=3:b
PreferredSchedulingTerm: weight=1?:i preference=2:NodeSelectorTerm
Probe: ^=1:ProbeHandler initialDelaySeconds=2:i timeoutSeconds=3:i periodSeconds=4:i successThreshold=5:i
    failureThreshold=6:i terminationGracePeriodSeconds=7?:i
ProbeHandler: exec=1:ExecAction httpGet=2:HTTPGetAction tcpSocket=3:TCPSocketAction grpc=4:GRPCAction
ProjectedVolumeSource: sources=1*:VolumeProjection defaultMode=2?:i
QuobyteVolumeSource: registry=1 volume=2 readOnly=3:b user=4 group=5 tenant=6
RBDPersistentVolumeSource: monitors=1* image=2 fsType=3 pool=4 user=5 keyring=6 secretRef=7:SecretReference
    readOnly=8:b
RBDVolumeSource: monitors=1* image=2 fsType=3 pool=4 user=5 keyring=6 secretRef=7:LocalObjectReference readOnly=8:b
ReplicationController: metadata=1:ObjectMeta spec=2:ReplicationControllerSpec status=3:ReplicationControllerStatus
ReplicationControllerCondition: type=1 status=2 lastTransitionTime=3:T reason=4 message=5
ReplicationControllerSpec: replicas=1?:i minReadySeconds=4:i selector=2{} template=3:PodTemplateSpec
ReplicationControllerStatus: replicas=1?:i fullyLabeledReplicas=2:i readyReplicas=4:i availableReplicas=5:i
    observedGeneration=3:i conditions=6*:ReplicationControllerCondition
ResourceClaim: name=1 request=2
ResourceFieldSelector: containerName=1 resource=2 divisor=3:Q
ResourceHealth: resourceID=1 health=2 message=6?
ResourceQuota: metadata=1:ObjectMeta spec=2:ResourceQuotaSpec status=3:ResourceQuotaStatus
ResourceQuotaSpec: hard=1{Q} scopes=2* scopeSelector=3:ScopeSelector
ResourceQuotaStatus: hard=1{Q} used=2{Q}
ResourceRequirements: limits=1{Q} requests=2{Q} claims=3*:ResourceClaim
ResourceStatus: name=1 resources=2*:ResourceHealth
SELinuxOptions: user=1 role=2 type=3 level=4
ScaleIOPersistentVolumeSource: gateway=1 system=2 secretRef=3:SecretReference sslEnabled=4:b protectionDomain=5
    storagePool=6 storageMode=7 volumeName=8 fsType=9 readOnly=10:b
ScaleIOVolumeSource: gateway=1 system=2 secretRef=3:LocalObjectReference sslEnabled=4:b protectionDomain=5
    storagePool=6 storageMode=7 volumeName=8 fsType=9 readOnly=10:b
ScopeSelector: matchExpressions=1*:ScopedResourceSelectorRequirement
ScopedResourceSelectorRequirement: scopeName=1 operator=2 values=3*
SeccompProfile: type=1 localhostProfile=2?
Secret: metadata=1:ObjectMeta immutable=5?:b data=2{y} stringData=4{} type=3
SecretEnvSource: ^=1:LocalObjectReference optional=2?:b
SecretKeySelector: ^=1:LocalObjectReference key=2 optional=3?:b
SecretProjection: ^=1:LocalObjectReference items=2*:KeyToPath optional=4?:b
SecretReference: name=1 namespace=2
SecretVolumeSource: secretName=1 items=2*:KeyToPath defaultMode=3?:i optional=4?:b
SecurityContext: capabilities=1:Capabilities privileged=2?:b seLinuxOptions=3:SELinuxOptions
    windowsOptions=10:WindowsSecurityContextOptions runAsUser=4?:i runAsGroup=8?:i runAsNonRoot=5?:b
    readOnlyRootFilesystem=6?:b allowPrivilegeEscalation=7?:b procMount=9? seccompProfile=11:SeccompProfile
    appArmorProfile=12:AppArmorProfile ulimits=13*:Ulimit
Service: metadata=1:ObjectMeta spec=2:ServiceSpec status=3:ServiceStatus
ServiceAccount: metadata=1:ObjectMeta secrets=2*:ObjectReference imagePullSecrets=3*:LocalObjectReference
    automountServiceAccountToken=4?:b
ServiceAccountTokenProjection: audience=1 expirationSeconds=2?:i path=3
ServicePort: name=1 protocol=2 appProtocol=6? port=3?:i targetPort=4:I nodePort=5:i
ServiceSpec: ports=1*:ServicePort selector=2{} clusterIP=3 clusterIPs=18* type=4 externalIPs=5* sessionAffinity=7
    loadBalancerIP=8 loadBalancerSourceRanges=9* externalName=10 externalTrafficPolicy=11 healthCheckNodePort=12:i
    publishNotReadyAddresses=13:b sessionAffinityConfig=14:SessionAffinityConfig ipFamilies=19* ipFamilyPolicy=17?
    allocateLoadBalancerNodePorts=20?:b loadBalancerClass=21? internalTrafficPolicy=22? trafficDistribution=23?
ServiceStatus: loadBalancer=1:LoadBalancerStatus conditions=2*:Condition
SessionAffinityConfig: clientIP=1:ClientIPConfig
SleepAction: seconds=1?:i
StorageOSPersistentVolumeSource: volumeName=1 volumeNamespace=2 fsType=3 readOnly=4:b secretRef=5:ObjectReference
StorageOSVolumeSource: volumeName=1 volumeNamespace=2 fsType=3 readOnly=4:b secretRef=5:LocalObjectReference
Sysctl: name=1? value=2?
TCPSocketAction: port=1:I host=2
Taint: key=1? value=2 effect=3? timeAdded=4:T
Toleration: key=1 operator=2 value=3 effect=4 tolerationSeconds=5?:i
TopologySelectorLabelRequirement: key=1 values=2*
TopologySelectorTerm: matchLabelExpressions=1*:TopologySelectorLabelRequirement
TopologySpreadConstraint: maxSkew=1?:i topologyKey=2? whenUnsatisfiable=3? labelSelector=4:LabelSelector
    minDomains=5?:i nodeAffinityPolicy=6? nodeTaintsPolicy=7? matchLabelKeys=8*
TypedLocalObjectReference: apiGroup=1? kind=2? name=3?
TypedObjectReference: apiGroup=1? kind=2? name=3? namespace=4?
Ulimit: name=1? hard=2?:i soft=3?:i
Volume: name=1? ^=2:VolumeSource
VolumeDevice: name=1? devicePath=2?
VolumeMount: name=1? readOnly=2:b recursiveReadOnly=7? mountPath=3? subPath=4 mountPropagation=5? subPathExpr=6
VolumeMountStatus: name=1? mountPath=2? readOnly=3:b recursiveReadOnly=4? volumeStatus=5:VolumeStatus
VolumeNodeAffinity: required=1:NodeSelector
VolumeProjection: secret=1:SecretProjection downwardAPI=2:DownwardAPIProjection configMap=3:ConfigMapProjection
    serviceAccountToken=4:ServiceAccountTokenProjection clusterTrustBundle=5:ClusterTrustBundleProjection
    podCertificate=6:PodCertificateProjection
VolumeResourceRequirements: limits=1{Q} requests=2{Q}
VolumeSource: hostPath=1:HostPathVolumeSource emptyDir=2:EmptyDirVolumeSource
    gcePersistentDisk=3:GCEPersistentDiskVolumeSource awsElasticBlockStore=4:AWSElasticBlockStoreVolumeSource
    gitRepo=5:GitRepoVolumeSource secret=6:SecretVolumeSource nfs=7:NFSVolumeSource iscsi=8:ISCSIVolumeSource
    glusterfs=9:GlusterfsVolumeSource persistentVolumeClaim=10:PersistentVolumeClaimVolumeSource
    rbd=11:RBDVolumeSource flexVolume=12:FlexVolumeSource cinder=13:CinderVolumeSource cephfs=14:CephFSVolumeSource
    flocker=15:FlockerVolumeSource downwardAPI=16:DownwardAPIVolumeSource fc=17:FCVolumeSource
    azureFile=18:AzureFileVolumeSource configMap=19:ConfigMapVolumeSource
    vsphereVolume=20:VsphereVirtualDiskVolumeSource quobyte=21:QuobyteVolumeSource azureDisk=22:AzureDiskVolumeSource
    photonPersistentDisk=23:PhotonPersistentDiskVolumeSource projected=26:ProjectedVolumeSource
    portworxVolume=24:PortworxVolumeSource scaleIO=25:ScaleIOVolumeSource storageos=27:StorageOSVolumeSource
    csi=28:CSIVolumeSource ephemeral=29:EphemeralVolumeSource image=30:ImageVolumeSource
VolumeStatus: image=1:ImageVolumeStatus
ImageVolumeStatus: imageRef=1
VsphereVirtualDiskVolumeSource: volumePath=1 fsType=2 storagePolicyName=3 storagePolicyID=4
WeightedPodAffinityTerm: weight=1?:i podAffinityTerm=2:PodAffinityTerm
WindowsSecurityContextOptions: gmsaCredentialSpecName=1? gmsaCredentialSpec=2? runAsUserName=3? hostProcess=4?:b
WorkloadReference: name=1 podGroup=2 podGroupReplicaKey=3?
"""

# (apiVersion, kind) of a request body's envelope -> the message that its raw bytes hold.
KINDS: dict[tuple[str, str], str] = {
    **{("v1", k): k for k in (
        "Binding", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node", "PersistentVolume",
        "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController", "ResourceQuota", "Secret",
        "Service", "ServiceAccount")},
    **{("apps/v1", k): k for k in ("ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet")},
    **{("batch/v1", k): k for k in ("CronJob", "Job")},
    **{("networking.k8s.io/v1", k): k for k in ("Ingress", "IngressClass", "NetworkPolicy")},
    **{("rbac.authorization.k8s.io/v1", k): k for k in ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")},
    **{("policy/v1", k): k for k in ("Eviction", "PodDisruptionBudget")},
    ("autoscaling/v1", "Scale"): "Scale",
    ("autoscaling/v1", "HorizontalPodAutoscaler"): "V1HorizontalPodAutoscaler",
    ("autoscaling/v2", "HorizontalPodAutoscaler"): "HorizontalPodAutoscaler",
    ("coordination.k8s.io/v1", "Lease"): "Lease",
    ("discovery.k8s.io/v1", "EndpointSlice"): "EndpointSlice",
    ("node.k8s.io/v1", "RuntimeClass"): "RuntimeClass",
    ("scheduling.k8s.io/v1", "PriorityClass"): "PriorityClass",
    ("storage.k8s.io/v1", "StorageClass"): "StorageClass",
    ("authentication.k8s.io/v1", "TokenRequest"): "TokenRequest",
    ("authentication.k8s.io/v1", "SelfSubjectReview"): "SelfSubjectReview",
    ("authorization.k8s.io/v1", "SelfSubjectAccessReview"): "SelfSubjectAccessReview",
    ("authorization.k8s.io/v1", "SelfSubjectRulesReview"): "SelfSubjectRulesReview",
}
