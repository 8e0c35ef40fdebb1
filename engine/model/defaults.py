"""Server-side defaulting, as Kubernetes' SetDefaults_* functions do it.

No I/O happens here. `apply_defaults` returns a new, defaulted copy of an
object and never touches its input. It covers the generated defaulters of
core/v1, apps/v1, batch/v1, autoscaling/v2 and discovery/v1, plus the few
values the apiserver's create strategies and conversion fill in that every
client sees (a Service's IP family fields, a Namespace's `kubernetes`
finalizer, a Secret's `stringData` folded into `data`). Admission plugins
(the default ServiceAccount, pod priority, default tolerations) are out of
scope except `priority`/`preemptionPolicy`, which every Pod shows.
"""
from __future__ import annotations

import base64
from typing import Any, Callable

from litekube.model import values

__all__ = ["apply_defaults", "default_pod_spec", "image_pull_policy"]

_MAX_INT32 = 2 ** 31 - 1
_DEFAULT_MODE = 420  # 0644


def apply_defaults(obj: dict[str, Any]) -> dict[str, Any]:
    """A defaulted deep copy of `obj`; kinds without defaults come back unchanged."""
    out = values.clone(obj)
    handler = _BY_KIND.get(out.get("kind", ""))
    if handler is not None:
        handler(out)
    return out


def image_pull_policy(image: str) -> str:
    """`Always` for `:latest` or an untagged image without digest, else `IfNotPresent`."""
    if "@" in image:
        name = image.split("@", 1)[0]
        tag = name.rpartition("/")[2].partition(":")[2]
        return "Always" if tag == "latest" else "IfNotPresent"
    tag = image.rpartition("/")[2].partition(":")[2]
    return "Always" if tag in ("", "latest") else "IfNotPresent"


def _sub(parent: dict[str, Any], key: str) -> dict[str, Any]:
    """parent[key] as a dict, created empty when missing or null."""
    if not isinstance(parent.get(key), dict):
        parent[key] = {}
    return parent[key]


def _items(parent: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [x for x in parent.get(key) or [] if isinstance(x, dict)]


# --- pods ---------------------------------------------------------------------

def _probe(probe: Any) -> None:
    if not isinstance(probe, dict):
        return
    for key, value in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1),
                       ("failureThreshold", 3)):
        probe.setdefault(key, value)
    _http_get(probe.get("httpGet"))


def _http_get(action: Any) -> None:
    if isinstance(action, dict):
        action.setdefault("path", "/")
        action.setdefault("scheme", "HTTP")


def _container(c: dict[str, Any], host_network: bool) -> None:
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    if not c.get("imagePullPolicy"):
        c["imagePullPolicy"] = image_pull_policy(str(c.get("image") or ""))
    for port in _items(c, "ports"):
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if host_network and not port.get("hostPort") and port.get("containerPort"):
            port["hostPort"] = port["containerPort"]
    for env in _items(c, "env"):
        field_ref = (env.get("valueFrom") or {}).get("fieldRef")
        if isinstance(field_ref, dict):
            field_ref.setdefault("apiVersion", "v1")
    for name in ("livenessProbe", "readinessProbe", "startupProbe"):
        _probe(c.get(name))
    for hook in ("postStart", "preStop"):
        _http_get(((c.get("lifecycle") or {}).get(hook) or {}).get("httpGet"))


def _volume(v: dict[str, Any]) -> None:
    sources = [k for k in v if k != "name"]
    if not sources:
        v["emptyDir"] = {}
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        if isinstance(v.get(key), dict):
            v[key].setdefault("defaultMode", _DEFAULT_MODE)
    for item in _items(v.get("downwardAPI") or {}, "items"):
        if isinstance(item.get("fieldRef"), dict):
            item["fieldRef"].setdefault("apiVersion", "v1")
    for source in _items(v.get("projected") or {}, "sources"):
        token = source.get("serviceAccountToken")
        if isinstance(token, dict):
            token.setdefault("expirationSeconds", 3600)
        for item in _items(source.get("downwardAPI") or {}, "items"):
            if isinstance(item.get("fieldRef"), dict):
                item["fieldRef"].setdefault("apiVersion", "v1")
    if isinstance(v.get("hostPath"), dict):
        v["hostPath"].setdefault("type", "")


def default_pod_spec(spec: dict[str, Any]) -> None:
    """SetDefaults_PodSpec and its members, in place (templates and Pods alike)."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    spec.setdefault("terminationGracePeriodSeconds", 30)
    if not spec.get("schedulerName"):
        spec["schedulerName"] = "default-scheduler"
    host_network = bool(spec.get("hostNetwork"))
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in _items(spec, key):
            _container(c, host_network)
    for v in _items(spec, "volumes"):
        _volume(v)


def _template(template: Any) -> None:
    if isinstance(template, dict):
        default_pod_spec(_sub(template, "spec"))


def _pod(obj: dict[str, Any]) -> None:
    spec = _sub(obj, "spec")
    default_pod_spec(spec)
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("priority", 0)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    # SetDefaults_Pod: a limit without a request requests the limit.
    for key in ("initContainers", "containers"):
        for c in _items(spec, key):
            resources = c.get("resources") or {}
            limits = resources.get("limits") or {}
            if limits:
                requests = _sub(resources, "requests")
                c["resources"] = resources
                for name, value in limits.items():
                    requests.setdefault(name, value)


# --- workloads ----------------------------------------------------------------

def _deployment(obj: dict[str, Any]) -> None:
    spec = _sub(obj, "spec")
    spec.setdefault("replicas", 1)
    strategy = _sub(spec, "strategy")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = _sub(strategy, "rollingUpdate")
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = "25%"
        if rolling.get("maxSurge") is None:
            rolling["maxSurge"] = "25%"
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    _template(_sub(spec, "template"))


def _replica_set(obj: dict[str, Any]) -> None:
    spec = _sub(obj, "spec")
    spec.setdefault("replicas", 1)
    _template(_sub(spec, "template"))


def _pvc_spec_and_status(pvc: dict[str, Any]) -> None:
    spec = _sub(pvc, "spec")
    if not spec.get("volumeMode"):
        spec["volumeMode"] = "Filesystem"
    status = _sub(pvc, "status")
    if not status.get("phase"):
        status["phase"] = "Pending"


def _persistent_volume(pv: dict[str, Any]) -> None:
    """SetDefaults_PersistentVolume: Retain, Filesystem, phase Pending; a hostPath's type "" (HostPathUnset)."""
    spec = _sub(pv, "spec")
    if not spec.get("persistentVolumeReclaimPolicy"):
        spec["persistentVolumeReclaimPolicy"] = "Retain"
    if not spec.get("volumeMode"):
        spec["volumeMode"] = "Filesystem"
    if isinstance(spec.get("hostPath"), dict):
        spec["hostPath"].setdefault("type", "")
    status = _sub(pv, "status")
    if not status.get("phase"):
        status["phase"] = "Pending"


def _storage_class(sc: dict[str, Any]) -> None:
    """SetDefaults_StorageClass: reclaimPolicy Delete, volumeBindingMode Immediate."""
    if not sc.get("reclaimPolicy"):
        sc["reclaimPolicy"] = "Delete"
    if not sc.get("volumeBindingMode"):
        sc["volumeBindingMode"] = "Immediate"


def _stateful_set(obj: dict[str, Any]) -> None:
    spec = _sub(obj, "spec")
    if not spec.get("podManagementPolicy"):
        spec["podManagementPolicy"] = "OrderedReady"
    strategy = _sub(spec, "updateStrategy")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
        _sub(strategy, "rollingUpdate")
    if strategy["type"] == "RollingUpdate" and isinstance(strategy.get("rollingUpdate"), dict):
        strategy["rollingUpdate"].setdefault("partition", 0)
    policy = _sub(spec, "persistentVolumeClaimRetentionPolicy")
    for key in ("whenDeleted", "whenScaled"):
        if not policy.get(key):
            policy[key] = "Retain"
    spec.setdefault("replicas", 1)
    spec.setdefault("revisionHistoryLimit", 10)
    for pvc in _items(spec, "volumeClaimTemplates"):
        _pvc_spec_and_status(pvc)
    _template(_sub(spec, "template"))


def _daemon_set(obj: dict[str, Any]) -> None:
    spec = _sub(obj, "spec")
    strategy = _sub(spec, "updateStrategy")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = _sub(strategy, "rollingUpdate")
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = 1
        if rolling.get("maxSurge") is None:
            rolling["maxSurge"] = 0
    spec.setdefault("revisionHistoryLimit", 10)
    _template(_sub(spec, "template"))


def _job(obj: dict[str, Any]) -> None:
    spec = _sub(obj, "spec")
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = _MAX_INT32 if spec.get("backoffLimitPerIndex") is not None else 6
    template_labels = (spec.get("template") or {}).get("metadata", {}).get("labels")
    metadata = _sub(obj, "metadata")
    if template_labels is not None and not metadata.get("labels"):
        metadata["labels"] = dict(template_labels)
    if spec.get("completionMode") is None:
        spec["completionMode"] = "NonIndexed"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    if spec.get("podReplacementPolicy") is None:
        spec["podReplacementPolicy"] = "Failed" if spec.get("podFailurePolicy") else "TerminatingOrFailed"
    if spec.get("manualSelector") is None:
        spec["manualSelector"] = False
    _pod_failure_policy(spec)
    _template(_sub(spec, "template"))


def _pod_failure_policy(job_spec: dict[str, Any]) -> None:
    """SetDefaults_PodFailurePolicyOnPodConditionsPattern: a pattern's status defaults to True."""
    for rule in _items(job_spec.get("podFailurePolicy") or {}, "rules"):
        for pattern in _items(rule, "onPodConditions"):
            if not pattern.get("status"):
                pattern["status"] = "True"


def _cron_job(obj: dict[str, Any]) -> None:
    spec = _sub(obj, "spec")
    if not spec.get("concurrencyPolicy"):
        spec["concurrencyPolicy"] = "Allow"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    spec.setdefault("successfulJobsHistoryLimit", 3)
    spec.setdefault("failedJobsHistoryLimit", 1)
    # The Job defaults (backoffLimit, ...) apply to the Job the CronJob
    # creates, not to its template; only the pod template (and the pod
    # failure policy's patterns) are defaulted here.
    job_spec = _sub(_sub(spec, "jobTemplate"), "spec")
    _pod_failure_policy(job_spec)
    _template(_sub(job_spec, "template"))


# --- services, config and cluster objects --------------------------------------

def _service(obj: dict[str, Any]) -> None:
    spec = _sub(obj, "spec")
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        client_ip = _sub(_sub(spec, "sessionAffinityConfig"), "clientIP")
        client_ip.setdefault("timeoutSeconds", 10800)
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    for port in _items(spec, "ports"):
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port")
    kind = spec["type"]
    if (kind in ("NodePort", "LoadBalancer") or (kind == "ClusterIP" and spec.get("externalIPs"))) \
            and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and kind in ("NodePort", "LoadBalancer", "ClusterIP"):
        spec["internalTrafficPolicy"] = "Cluster"
    if kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        spec["allocateLoadBalancerNodePorts"] = True
    if kind != "ExternalName":
        if not spec.get("ipFamilyPolicy"):
            spec["ipFamilyPolicy"] = "SingleStack"
        if not spec.get("ipFamilies"):
            spec["ipFamilies"] = ["IPv4"]


def _secret(obj: dict[str, Any]) -> None:
    if not obj.get("type"):
        obj["type"] = "Opaque"
    string_data = obj.pop("stringData", None)
    if isinstance(string_data, dict) and string_data:
        data = _sub(obj, "data")
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode()).decode()


def _namespace(obj: dict[str, Any]) -> None:
    metadata = _sub(obj, "metadata")
    if metadata.get("name"):
        _sub(metadata, "labels")["kubernetes.io/metadata.name"] = metadata["name"]
    spec = _sub(obj, "spec")
    if not spec.get("finalizers"):
        spec["finalizers"] = ["kubernetes"]
    status = _sub(obj, "status")
    if not status.get("phase"):
        status["phase"] = "Active"


def _node(obj: dict[str, Any]) -> None:
    status = obj.get("status")
    if isinstance(status, dict) and status.get("capacity") and status.get("allocatable") is None:
        status["allocatable"] = dict(status["capacity"])


def _hpa(obj: dict[str, Any]) -> None:
    """SetDefaults_HorizontalPodAutoscaler (autoscaling/v2): minReplicas 1, cpu at 80%, behavior's gaps.

    GenerateHPAScale{Up,Down}Rules copy only the fields that are set (a nil
    policy list is filled, an empty one is kept for validation to refuse);
    scaleDown's window stays unset: the controller's 300 s flag applies.
    """
    spec = _sub(obj, "spec")
    spec.setdefault("minReplicas", 1)
    if not spec.get("metrics"):
        spec["metrics"] = [{"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        up = _sub(behavior, "scaleUp")
        if up.get("stabilizationWindowSeconds") is None:
            up["stabilizationWindowSeconds"] = 0
        if up.get("selectPolicy") is None:
            up["selectPolicy"] = "Max"
        if up.get("policies") is None:
            up["policies"] = [{"type": "Pods", "value": 4, "periodSeconds": 15},
                              {"type": "Percent", "value": 100, "periodSeconds": 15}]
        down = _sub(behavior, "scaleDown")
        if down.get("selectPolicy") is None:
            down["selectPolicy"] = "Max"
        if down.get("policies") is None:
            down["policies"] = [{"type": "Percent", "value": 100, "periodSeconds": 15}]


def _replication_controller(obj: dict[str, Any]) -> None:
    """SetDefaults_ReplicationController: selector and labels from the template's labels, replicas 1."""
    spec = _sub(obj, "spec")
    template = spec.get("template")
    labels = ((template or {}).get("metadata") or {}).get("labels") if isinstance(template, dict) else None
    if labels:
        if not spec.get("selector"):
            spec["selector"] = dict(labels)
        metadata = _sub(obj, "metadata")
        if not metadata.get("labels"):
            metadata["labels"] = dict(labels)
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    if isinstance(template, dict):
        _template(template)


def _ports_tcp(ports: list[dict[str, Any]]) -> None:
    for port in ports:
        if not port.get("protocol"):
            port["protocol"] = "TCP"


def _endpoints(obj: dict[str, Any]) -> None:
    for subset in _items(obj, "subsets"):
        _ports_tcp(_items(subset, "ports"))


def _endpoint_slice(obj: dict[str, Any]) -> None:
    for port in _items(obj, "ports"):
        port.setdefault("name", "")
    _ports_tcp(_items(obj, "ports"))


# --- policy and access kinds (SetDefaults_LimitRangeItem, _NetworkPolicy, _PriorityClass) ---

def _limit_range(obj: dict[str, Any]) -> None:
    """Container items: default limit from max, default request from default, then from min."""
    for item in _items(_sub(obj, "spec"), "limits"):
        if item.get("type") != "Container":
            continue
        default, request = _sub(item, "default"), _sub(item, "defaultRequest")
        for key, value in (item.get("max") or {}).items():
            default.setdefault(key, value)
        for key, value in default.items():
            request.setdefault(key, value)
        for key, value in (item.get("min") or {}).items():
            request.setdefault(key, value)


def _network_policy(obj: dict[str, Any]) -> None:
    spec = _sub(obj, "spec")
    for direction in ("ingress", "egress"):
        for rule in _items(spec, direction):
            _ports_tcp(_items(rule, "ports"))
    if not spec.get("policyTypes"):
        spec["policyTypes"] = ["Ingress"] + (["Egress"] if spec.get("egress") else [])


def _priority_class(obj: dict[str, Any]) -> None:
    if not obj.get("preemptionPolicy"):
        obj["preemptionPolicy"] = "PreemptLowerPriority"


def _ingress_class(obj: dict[str, Any]) -> None:
    """SetDefaults_IngressClass: parameters without a scope are Cluster-scoped."""
    params = (obj.get("spec") or {}).get("parameters")
    if isinstance(params, dict) and params.get("scope") is None:
        params["scope"] = "Cluster"


def _pod_template(obj: dict[str, Any]) -> None:
    _template(obj.get("template"))


_BY_KIND: dict[str, Callable[[dict[str, Any]], None]] = {
    "LimitRange": _limit_range, "NetworkPolicy": _network_policy, "PriorityClass": _priority_class,
    "PodTemplate": _pod_template, "IngressClass": _ingress_class,
    "Pod": _pod, "Deployment": _deployment, "ReplicaSet": _replica_set,
    "StatefulSet": _stateful_set, "DaemonSet": _daemon_set, "Job": _job, "CronJob": _cron_job,
    "Service": _service, "Secret": _secret, "Namespace": _namespace, "Node": _node,
    "PersistentVolumeClaim": _pvc_spec_and_status, "HorizontalPodAutoscaler": _hpa,
    "PersistentVolume": _persistent_volume, "StorageClass": _storage_class,
    "ReplicationController": _replication_controller,
    "Endpoints": _endpoints, "EndpointSlice": _endpoint_slice,
}
