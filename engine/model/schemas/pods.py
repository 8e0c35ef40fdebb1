"""Field descriptions of PodSpec, Container, Volume and PodStatus.

No I/O happens here. Written after staging/src/k8s.io/api/core/v1/types.go;
rarely used in-tree volume plugins are kept as free-form objects.
"""
from __future__ import annotations

from litekube.model.schemas.meta import (
           LABEL_SELECTOR,
           LOCAL_OBJECT_REFERENCE,
           OBJECT_META,
           condition,
)
from litekube.model.schemas.types import (
           BOOL,
           FREE,
           INT32,
           INT64,
           INTSTR,
           MAP_STRING,
           QUANTITY,
           RESOURCE_LIST,
           STRING,
           STRINGS,
           TIME,
           ListOf,
           Spec,
           named,
           struct,
)

__all__ = ["POD_SPEC", "POD_STATUS", "POD_TEMPLATE_SPEC", "CONTAINER", "VOLUME", "TOLERATION",
           "RESOURCE_REQUIREMENTS", "NODE_SELECTOR", "TOPOLOGY_SPREAD_CONSTRAINT", "TYPED_LOCAL_REF",
           "PVC_SPEC", "PVC_STATUS"]

_OBJECT_FIELD_SELECTOR = struct("ObjectFieldSelector", apiVersion=STRING, fieldPath=STRING)
_RESOURCE_FIELD_SELECTOR = struct("ResourceFieldSelector", containerName=STRING, resource=STRING,
                                  divisor=QUANTITY)
_KEY_SELECTOR = dict(name=STRING, key=STRING, optional=BOOL)
_ENV_VAR = struct("EnvVar", name=STRING, value=STRING, valueFrom=struct(
    "EnvVarSource", fieldRef=_OBJECT_FIELD_SELECTOR, resourceFieldRef=_RESOURCE_FIELD_SELECTOR,
    configMapKeyRef=struct("ConfigMapKeySelector", **_KEY_SELECTOR),
    secretKeyRef=struct("SecretKeySelector", **_KEY_SELECTOR)))
_ENV_FROM = struct("EnvFromSource", prefix=STRING,
                   configMapRef=struct("ConfigMapEnvSource", name=STRING, optional=BOOL),
                   secretRef=struct("SecretEnvSource", name=STRING, optional=BOOL))
_CONTAINER_PORT = struct("ContainerPort", name=STRING, hostPort=INT32, containerPort=INT32,
                         protocol=named("v1.Protocol"), hostIP=STRING)
RESOURCE_REQUIREMENTS = struct(
    "ResourceRequirements", limits=RESOURCE_LIST, requests=RESOURCE_LIST,
    claims=ListOf(struct("ResourceClaim", name=STRING, request=STRING)))
_VOLUME_MOUNT = struct(
    "VolumeMount", name=STRING, readOnly=BOOL, recursiveReadOnly=named("v1.RecursiveReadOnlyMode"),
    mountPath=STRING, subPath=STRING, mountPropagation=named("v1.MountPropagationMode"),
    subPathExpr=STRING)
_EXEC = struct("ExecAction", command=STRINGS)
_HTTP_GET = struct("HTTPGetAction", path=STRING, port=INTSTR, host=STRING, scheme=named("v1.URIScheme"),
                   httpHeaders=ListOf(struct("HTTPHeader", name=STRING, value=STRING)))
_TCP_SOCKET = struct("TCPSocketAction", port=INTSTR, host=STRING)
_PROBE_HANDLER = struct("ProbeHandler", exec=_EXEC, httpGet=_HTTP_GET, tcpSocket=_TCP_SOCKET,
                        grpc=struct("GRPCAction", port=INT32, service=STRING))
PROBE = struct("Probe", _PROBE_HANDLER, initialDelaySeconds=INT32, timeoutSeconds=INT32,
               periodSeconds=INT32, successThreshold=INT32, failureThreshold=INT32,
               terminationGracePeriodSeconds=INT64)
_LIFECYCLE_HANDLER = struct("LifecycleHandler", exec=_EXEC, httpGet=_HTTP_GET, tcpSocket=_TCP_SOCKET,
                            sleep=struct("SleepAction", seconds=INT64))
_SE_LINUX = struct("SELinuxOptions", user=STRING, role=STRING, type=STRING, level=STRING)
_WINDOWS = struct("WindowsSecurityContextOptions", gmsaCredentialSpecName=STRING,
                  gmsaCredentialSpec=STRING, runAsUserName=STRING, hostProcess=BOOL)
_SECCOMP = struct("SeccompProfile", type=named("v1.SeccompProfileType"), localhostProfile=STRING)
_APPARMOR = struct("AppArmorProfile", type=named("v1.AppArmorProfileType"), localhostProfile=STRING)
_SECURITY_CONTEXT = struct(
    "SecurityContext", capabilities=struct("Capabilities", add=ListOf(named("v1.Capability")),
                                           drop=ListOf(named("v1.Capability"))),
    privileged=BOOL, seLinuxOptions=_SE_LINUX, windowsOptions=_WINDOWS, runAsUser=INT64,
    runAsGroup=INT64, runAsNonRoot=BOOL, readOnlyRootFilesystem=BOOL, allowPrivilegeEscalation=BOOL,
    procMount=named("v1.ProcMountType"), seccompProfile=_SECCOMP, appArmorProfile=_APPARMOR)
_CONTAINER_FIELDS = dict(
    name=STRING, image=STRING, command=STRINGS, args=STRINGS, workingDir=STRING,
    ports=ListOf(_CONTAINER_PORT), envFrom=ListOf(_ENV_FROM), env=ListOf(_ENV_VAR),
    resources=RESOURCE_REQUIREMENTS,
    resizePolicy=ListOf(struct("ContainerResizePolicy", resourceName=named("v1.ResourceName"),
                               restartPolicy=named("v1.ResourceResizeRestartPolicy"))),
    restartPolicy=named("v1.ContainerRestartPolicy"), volumeMounts=ListOf(_VOLUME_MOUNT),
    volumeDevices=ListOf(struct("VolumeDevice", name=STRING, devicePath=STRING)),
    livenessProbe=PROBE, readinessProbe=PROBE, startupProbe=PROBE,
    lifecycle=struct("Lifecycle", postStart=_LIFECYCLE_HANDLER, preStop=_LIFECYCLE_HANDLER,
                     stopSignal=named("v1.Signal")),
    terminationMessagePath=STRING, terminationMessagePolicy=named("v1.TerminationMessagePolicy"),
    imagePullPolicy=named("v1.PullPolicy"), securityContext=_SECURITY_CONTEXT, stdin=BOOL,
    stdinOnce=BOOL, tty=BOOL)
CONTAINER = struct("Container", **_CONTAINER_FIELDS)  # type: ignore[arg-type]
_EPHEMERAL_CONTAINER = struct("EphemeralContainer", targetContainerName=STRING,
                              **_CONTAINER_FIELDS)  # type: ignore[arg-type]

_KEY_TO_PATH = ListOf(struct("KeyToPath", key=STRING, path=STRING, mode=INT32))
_DOWNWARD_FILES = ListOf(struct("DownwardAPIVolumeFile", path=STRING, fieldRef=_OBJECT_FIELD_SELECTOR,
                                resourceFieldRef=_RESOURCE_FIELD_SELECTOR, mode=INT32))

_LEGACY_PLUGINS = ("gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "iscsi", "glusterfs",
                   "rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile",
                   "azureDisk", "vsphereVolume", "quobyte", "photonPersistentDisk",
                   "portworxVolume", "scaleIO", "storageos")
TYPED_LOCAL_REF = struct("TypedLocalObjectReference", apiGroup=STRING, kind=STRING, name=STRING)
PVC_SPEC = struct(
    "PersistentVolumeClaimSpec", accessModes=ListOf(named("v1.PersistentVolumeAccessMode")),
    selector=LABEL_SELECTOR, resources=struct("VolumeResourceRequirements", limits=RESOURCE_LIST,
                                              requests=RESOURCE_LIST),
    volumeName=STRING, storageClassName=STRING, volumeMode=named("v1.PersistentVolumeMode"),
    dataSource=TYPED_LOCAL_REF,
    dataSourceRef=struct("TypedObjectReference", apiGroup=STRING, kind=STRING, name=STRING,
                         namespace=STRING),
    volumeAttributesClassName=STRING)
PVC_STATUS = struct(
    "PersistentVolumeClaimStatus", phase=named("v1.PersistentVolumeClaimPhase"),
    accessModes=ListOf(named("v1.PersistentVolumeAccessMode")), capacity=RESOURCE_LIST,
    conditions=ListOf(condition("PersistentVolumeClaimCondition", probe=True)),
    allocatedResources=RESOURCE_LIST, allocatedResourceStatuses=MAP_STRING,
    currentVolumeAttributesClassName=STRING, modifyVolumeStatus=FREE)
VOLUME = struct(
    "Volume", name=STRING,
    hostPath=struct("HostPathVolumeSource", path=STRING, type=named("v1.HostPathType")),
    emptyDir=struct("EmptyDirVolumeSource", medium=named("v1.StorageMedium"), sizeLimit=QUANTITY),
    secret=struct("SecretVolumeSource", secretName=STRING, items=_KEY_TO_PATH, defaultMode=INT32,
                  optional=BOOL),
    persistentVolumeClaim=struct("PersistentVolumeClaimVolumeSource", claimName=STRING,
                                 readOnly=BOOL),
    configMap=struct("ConfigMapVolumeSource", name=STRING, items=_KEY_TO_PATH, defaultMode=INT32,
                     optional=BOOL),
    downwardAPI=struct("DownwardAPIVolumeSource", items=_DOWNWARD_FILES, defaultMode=INT32),
    projected=struct("ProjectedVolumeSource", defaultMode=INT32, sources=ListOf(struct(
        "VolumeProjection",
        secret=struct("SecretProjection", name=STRING, items=_KEY_TO_PATH, optional=BOOL),
        configMap=struct("ConfigMapProjection", name=STRING, items=_KEY_TO_PATH, optional=BOOL),
        downwardAPI=struct("DownwardAPIProjection", items=_DOWNWARD_FILES),
        serviceAccountToken=struct("ServiceAccountTokenProjection", audience=STRING,
                                   expirationSeconds=INT64, path=STRING),
        clusterTrustBundle=FREE))),
    nfs=struct("NFSVolumeSource", server=STRING, path=STRING, readOnly=BOOL),
    csi=struct("CSIVolumeSource", driver=STRING, readOnly=BOOL, fsType=STRING,
               volumeAttributes=MAP_STRING, nodePublishSecretRef=LOCAL_OBJECT_REFERENCE),
    ephemeral=struct("EphemeralVolumeSource", volumeClaimTemplate=struct(
        "PersistentVolumeClaimTemplate", metadata=OBJECT_META, spec=PVC_SPEC)),
    image=struct("ImageVolumeSource", reference=STRING, pullPolicy=named("v1.PullPolicy")),
    **{name: FREE for name in _LEGACY_PLUGINS})

_NODE_SELECTOR_REQUIREMENT = ListOf(struct(
    "NodeSelectorRequirement", key=STRING, operator=named("v1.NodeSelectorOperator"), values=STRINGS))
_NODE_SELECTOR_TERM = struct("NodeSelectorTerm", matchExpressions=_NODE_SELECTOR_REQUIREMENT,
                             matchFields=_NODE_SELECTOR_REQUIREMENT)
NODE_SELECTOR = struct("NodeSelector", nodeSelectorTerms=ListOf(_NODE_SELECTOR_TERM))
_POD_AFFINITY_TERM = struct("PodAffinityTerm", labelSelector=LABEL_SELECTOR, namespaces=STRINGS,
                            topologyKey=STRING, namespaceSelector=LABEL_SELECTOR,
                            matchLabelKeys=STRINGS, mismatchLabelKeys=STRINGS)
_WEIGHTED_TERM = struct("WeightedPodAffinityTerm", weight=INT32, podAffinityTerm=_POD_AFFINITY_TERM)
_REQ, _PREF = "requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"
_NODE_AFFINITY_FIELDS: dict[str, Spec] = {_REQ: NODE_SELECTOR, _PREF: ListOf(struct(
    "PreferredSchedulingTerm", weight=INT32, preference=_NODE_SELECTOR_TERM))}
_AFFINITY = struct(
    "Affinity",
    nodeAffinity=struct("NodeAffinity", **_NODE_AFFINITY_FIELDS),
    podAffinity=struct("PodAffinity", **{_REQ: ListOf(_POD_AFFINITY_TERM),
                                         _PREF: ListOf(_WEIGHTED_TERM)}),
    podAntiAffinity=struct("PodAntiAffinity", **{_REQ: ListOf(_POD_AFFINITY_TERM),
                                                 _PREF: ListOf(_WEIGHTED_TERM)}))
TOLERATION = struct("Toleration", key=STRING, operator=named("v1.TolerationOperator"), value=STRING,
                    effect=named("v1.TaintEffect"), tolerationSeconds=INT64)
TOPOLOGY_SPREAD_CONSTRAINT = struct(
    "TopologySpreadConstraint", maxSkew=INT32, topologyKey=STRING,
    whenUnsatisfiable=named("v1.UnsatisfiableConstraintAction"), labelSelector=LABEL_SELECTOR,
    minDomains=INT32, nodeAffinityPolicy=named("v1.NodeInclusionPolicy"),
    nodeTaintsPolicy=named("v1.NodeInclusionPolicy"), matchLabelKeys=STRINGS)
_POD_SECURITY_CONTEXT = struct(
    "PodSecurityContext", seLinuxOptions=_SE_LINUX, windowsOptions=_WINDOWS, runAsUser=INT64,
    runAsGroup=INT64, runAsNonRoot=BOOL, supplementalGroups=ListOf(INT64),
    supplementalGroupsPolicy=named("v1.SupplementalGroupsPolicy"), fsGroup=INT64,
    sysctls=ListOf(struct("Sysctl", name=STRING, value=STRING)),
    fsGroupChangePolicy=named("v1.PodFSGroupChangePolicy"), seccompProfile=_SECCOMP,
    appArmorProfile=_APPARMOR, seLinuxChangePolicy=named("v1.PodSELinuxChangePolicy"))

POD_SPEC = struct(
    "PodSpec", volumes=ListOf(VOLUME), initContainers=ListOf(CONTAINER), containers=ListOf(CONTAINER),
    ephemeralContainers=ListOf(_EPHEMERAL_CONTAINER), restartPolicy=named("v1.RestartPolicy"),
    terminationGracePeriodSeconds=INT64, activeDeadlineSeconds=INT64, dnsPolicy=named("v1.DNSPolicy"),
    nodeSelector=MAP_STRING, serviceAccountName=STRING, serviceAccount=STRING,
    automountServiceAccountToken=BOOL, nodeName=STRING, hostNetwork=BOOL, hostPID=BOOL,
    hostIPC=BOOL, shareProcessNamespace=BOOL, securityContext=_POD_SECURITY_CONTEXT,
    imagePullSecrets=ListOf(LOCAL_OBJECT_REFERENCE), hostname=STRING, subdomain=STRING,
    affinity=_AFFINITY, schedulerName=STRING, tolerations=ListOf(TOLERATION),
    hostAliases=ListOf(struct("HostAlias", ip=STRING, hostnames=STRINGS)),
    priorityClassName=STRING, priority=INT32,
    dnsConfig=struct("PodDNSConfig", nameservers=STRINGS, searches=STRINGS, options=ListOf(
        struct("PodDNSConfigOption", name=STRING, value=STRING))),
    readinessGates=ListOf(struct("PodReadinessGate", conditionType=named("v1.PodConditionType"))),
    runtimeClassName=STRING, enableServiceLinks=BOOL,
    preemptionPolicy=named("v1.PreemptionPolicy"), overhead=RESOURCE_LIST,
    topologySpreadConstraints=ListOf(TOPOLOGY_SPREAD_CONSTRAINT), setHostnameAsFQDN=BOOL,
    os=struct("PodOS", name=named("v1.OSName")), hostUsers=BOOL,
    schedulingGates=ListOf(struct("PodSchedulingGate", name=STRING)),
    resourceClaims=ListOf(struct("PodResourceClaim", name=STRING, resourceClaimName=STRING,
                                 resourceClaimTemplateName=STRING)),
    resources=RESOURCE_REQUIREMENTS)

POD_TEMPLATE_SPEC = struct("PodTemplateSpec", metadata=OBJECT_META, spec=POD_SPEC)

_CONTAINER_STATE = struct(
    "ContainerState",
    waiting=struct("ContainerStateWaiting", reason=STRING, message=STRING),
    running=struct("ContainerStateRunning", startedAt=TIME),
    terminated=struct("ContainerStateTerminated", exitCode=INT32, signal=INT32, reason=STRING,
                      message=STRING, startedAt=TIME, finishedAt=TIME, containerID=STRING))
_CONTAINER_STATUS = struct(
    "ContainerStatus", name=STRING, state=_CONTAINER_STATE, lastState=_CONTAINER_STATE, ready=BOOL,
    restartCount=INT32, image=STRING, imageID=STRING, containerID=STRING, started=BOOL,
    allocatedResources=RESOURCE_LIST, resources=RESOURCE_REQUIREMENTS, volumeMounts=FREE,
    user=FREE, allocatedResourcesStatus=FREE, stopSignal=STRING)
POD_STATUS = struct(
    "PodStatus", observedGeneration=INT64, phase=named("v1.PodPhase"),
    conditions=ListOf(condition("PodCondition", type_go="v1.PodConditionType", probe=True)),
    message=STRING, reason=STRING, nominatedNodeName=STRING, hostIP=STRING,
    hostIPs=ListOf(struct("HostIP", ip=STRING)), podIP=STRING,
    podIPs=ListOf(struct("PodIP", ip=STRING)), startTime=TIME,
    initContainerStatuses=ListOf(_CONTAINER_STATUS), containerStatuses=ListOf(_CONTAINER_STATUS),
    ephemeralContainerStatuses=ListOf(_CONTAINER_STATUS), qosClass=named("v1.PodQOSClass"),
    resize=named("v1.PodResizeStatus"), resourceClaimStatuses=FREE)


