"""Server-side printer columns: what `kubectl get` shows for each kind.

No I/O happens here. Column sets and cells follow upstream
`pkg/printers/internalversion/printers.go` (v1.32): `columns(kind)` gives the
headers as kubectl prints them (uppercase; priority 1 only with `-o wide`),
`row(obj, now)` the cells, all rendered as strings. Kinds without a printer
get the apiserver's default table: NAME and CREATED AT.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from engine.model import durations

__all__ = ["Column", "columns", "row", "pod_status", "format_labels", "format_label_selector", "selector_string",
           "format_endpoints", "node_roles", "access_modes"]


@dataclass(frozen=True)
class Column:
    """One table column: `Column("READY", 0)`; priority 1 columns appear only with `-o wide`."""

    name: str
    priority: int = 0


def format_labels(labels: dict | None) -> str:
    """labels.FormatLabels: `a=1,b=2` sorted by key, `<none>` when empty."""
    return ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items())) or "<none>"


def selector_string(selector: dict | None) -> str:
    """A LabelSelector as labels.Selector.String(): requirements sorted by key, `""` when empty."""
    selector = selector or {}
    requirements: list[tuple[str, str]] = [(k, f"{k}={v}") for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key", ""), expr.get("operator", ""), sorted(expr.get("values") or [])
        text = {"In": f"{key} in ({','.join(values)})", "NotIn": f"{key} notin ({','.join(values)})",
                "Exists": key, "DoesNotExist": f"!{key}"}.get(op, key)
        requirements.append((key, text))
    return ",".join(text for _, text in sorted(requirements, key=lambda r: r[0]))


def format_label_selector(selector: dict | None) -> str:
    """metav1.FormatLabelSelector: like selector_string, but `<none>` when empty."""
    return selector_string(selector) or "<none>"


def _cols(normal: str, wide: str = "") -> list[Column]:
    cols = [Column(n.upper(), 0) for n in normal.split("|")]
    if wide:
        cols += [Column(n.upper(), 1) for n in wide.split("|")]
    return cols


_COLUMNS: dict[str, list[Column]] = {
    "Pod": _cols("Name|Ready|Status|Restarts|Age", "IP|Node|Nominated Node|Readiness Gates"),
    "PodDisruptionBudget": _cols("Name|Min Available|Max Unavailable|Allowed Disruptions|Age"),
    "ReplicaSet": _cols("Name|Desired|Current|Ready|Age", "Containers|Images|Selector"),
    "DaemonSet": _cols("Name|Desired|Current|Ready|Up-to-date|Available|Node Selector|Age",
                       "Containers|Images|Selector"),
    "Job": _cols("Name|Status|Completions|Duration|Age", "Containers|Images|Selector"),
    "CronJob": _cols("Name|Schedule|Timezone|Suspend|Active|Last Schedule|Age", "Containers|Images|Selector"),
    "Service": _cols("Name|Type|Cluster-IP|External-IP|Port(s)|Age", "Selector"),
    "Ingress": _cols("Name|Class|Hosts|Address|Ports|Age"),
    "IngressClass": _cols("Name|Controller|Parameters|Age"),
    "StatefulSet": _cols("Name|Ready|Age", "Containers|Images"),
    "Endpoints": _cols("Name|Endpoints|Age"),
    "Node": _cols("Name|Status|Roles|Age|Version",
                  "Internal-IP|External-IP|OS-Image|Kernel-Version|Container-Runtime"),
    "Namespace": _cols("Name|Status|Age"),
    "Secret": _cols("Name|Type|Data|Age"),
    "PersistentVolumeClaim": _cols("Name|Status|Volume|Capacity|Access Modes|StorageClass|VolumeAttributesClass|Age",
                                   "VolumeMode"),
    "Deployment": _cols("Name|Ready|Up-to-date|Available|Age", "Containers|Images|Selector"),
    "HorizontalPodAutoscaler": _cols("Name|Reference|Targets|MinPods|MaxPods|Replicas|Age"),
    "ConfigMap": _cols("Name|Data|Age"),
    "Lease": _cols("Name|Holder|Age"),
    "ControllerRevision": _cols("Name|Controller|Revision|Age"),
    "EndpointSlice": _cols("Name|AddressType|Ports|Endpoints|Age"),
}
# Event columns interleave priorities, so they are listed by hand.
_COLUMNS["Event"] = [Column("LAST SEEN"), Column("TYPE"), Column("REASON"), Column("OBJECT"),
                     Column("SUBOBJECT", 1), Column("SOURCE", 1), Column("MESSAGE"),
                     Column("FIRST SEEN", 1), Column("COUNT", 1), Column("NAME", 1)]
_DEFAULT = [Column("NAME"), Column("CREATED AT")]


def columns(kind: str) -> list[Column]:
    """The printer columns for a kind (`columns("Pod")[1].name == "READY"`)."""
    return list(_COLUMNS.get(kind, _DEFAULT))


def row(obj: dict, now: datetime) -> list[str]:
    """The cells for one object, as many as `columns(obj["kind"])`, every one a string."""
    printer = _PRINTERS.get(obj.get("kind", ""))
    meta = obj.get("metadata") or {}
    if printer is None:
        return [meta.get("name", ""), meta.get("creationTimestamp") or "<unknown>"]
    return [str(cell) for cell in printer(obj, now)]


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _age(obj: dict, now: datetime) -> str:
    return durations.age(_meta(obj).get("creationTimestamp"), now)


def _containers(template: dict | None) -> tuple[str, str]:
    containers = ((template or {}).get("spec") or {}).get("containers") or []
    return (",".join(c.get("name", "") for c in containers), ",".join(c.get("image", "") for c in containers))


def _has_condition(conditions: list[dict] | None, type_: str) -> bool:
    for condition in conditions or []:
        if condition.get("type") == type_:
            return condition.get("status") == "True"
    return False


# -- Pod ---------------------------------------------------------------------

def pod_status(pod: dict) -> tuple[int, int, str, int, str | None]:
    """printPod's computation: (ready, total, STATUS reason, restarts, last restart finishedAt)."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    sidecar = {name for name, c in init_specs.items() if c.get("restartPolicy") == "Always"}
    total = len(spec.get("containers") or []) + len(sidecar)
    ready = restarts = sidecar_restarts = 0
    last: str | None = None
    last_sidecar: str | None = None

    def later(a: str | None, b: str | None) -> str | None:
        if not b:
            return a
        if not a or durations.parse_time(a) < durations.parse_time(b):
            return b
        return a

    initializing = False
    init_statuses = status.get("initContainerStatuses") or []
    for i, cs in enumerate(init_statuses):
        finished = ((cs.get("lastState") or {}).get("terminated") or {}).get("finishedAt")
        restarts += int(cs.get("restartCount") or 0)
        last = later(last, finished)
        if cs.get("name") in sidecar:
            sidecar_restarts += int(cs.get("restartCount") or 0)
            last_sidecar = later(last_sidecar, finished)
        state = cs.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and int(terminated.get("exitCode") or 0) == 0:
            continue
        if cs.get("name") in sidecar and cs.get("started"):
            ready += 1 if cs.get("ready") else 0
            continue
        if terminated is not None:
            if not terminated.get("reason"):
                signal = int(terminated.get("signal") or 0)
                reason = (f"Init:Signal:{signal}" if signal
                          else f"Init:ExitCode:{int(terminated.get('exitCode') or 0)}")
            else:
                reason = "Init:" + terminated["reason"]
        elif waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(spec.get('initContainers') or [])}"
        initializing = True
        break

    if not initializing or _has_condition(status.get("conditions"), "Initialized"):
        restarts, last = sidecar_restarts, last_sidecar
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount") or 0)
            last = later(last, ((cs.get("lastState") or {}).get("terminated") or {}).get("finishedAt"))
            state = cs.get("state") or {}
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None and terminated.get("reason"):
                reason = terminated["reason"]
            elif terminated is not None:
                signal = int(terminated.get("signal") or 0)
                reason = f"Signal:{signal}" if signal else f"ExitCode:{int(terminated.get('exitCode') or 0)}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _has_condition(status.get("conditions"), "Ready") else "NotReady"

    deleting = bool(_meta(pod).get("deletionTimestamp"))
    if deleting and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif deleting and phase not in ("Failed", "Succeeded"):
        reason = "Terminating"
    return ready, total, reason, restarts, last


def _pod(obj: dict, now: datetime) -> list:
    ready, total, reason, restarts, last = pod_status(obj)
    restarts_cell = str(restarts)
    if restarts and last:
        restarts_cell = f"{restarts} ({durations.age(last, now)} ago)"
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    pod_ips = status.get("podIPs") or []
    ip = (pod_ips[0].get("ip") if pod_ips else status.get("podIP")) or "<none>"
    gates = spec.get("readinessGates") or []
    gates_cell = "<none>"
    if gates:
        true = 0
        for gate in gates:
            for condition in status.get("conditions") or []:
                if condition.get("type") == gate.get("conditionType"):
                    true += condition.get("status") == "True"
                    break
        gates_cell = f"{true}/{len(gates)}"
    return [_meta(obj).get("name", ""), f"{ready}/{total}", reason, restarts_cell, _age(obj, now),
            ip, spec.get("nodeName") or "<none>", status.get("nominatedNodeName") or "<none>", gates_cell]


# -- Workloads ---------------------------------------------------------------

def _deployment(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _containers(spec.get("template"))
    return [_meta(obj).get("name", ""), f"{status.get('readyReplicas') or 0}/{spec.get('replicas') or 0}",
            status.get("updatedReplicas") or 0, status.get("availableReplicas") or 0, _age(obj, now),
            names, images, selector_string(spec.get("selector"))]


def _replicaset(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _containers(spec.get("template"))
    return [_meta(obj).get("name", ""), spec.get("replicas") or 0, status.get("replicas") or 0,
            status.get("readyReplicas") or 0, _age(obj, now), names, images,
            format_label_selector(spec.get("selector"))]


def _statefulset(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _containers(spec.get("template"))
    return [_meta(obj).get("name", ""), f"{status.get('readyReplicas') or 0}/{spec.get('replicas') or 0}",
            _age(obj, now), names, images]


def _daemonset(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _containers(spec.get("template"))
    node_selector = ((spec.get("template") or {}).get("spec") or {}).get("nodeSelector")
    return [_meta(obj).get("name", ""), *(status.get(k) or 0 for k in (
        "desiredNumberScheduled", "currentNumberScheduled", "numberReady", "updatedNumberScheduled",
        "numberAvailable")), format_labels(node_selector), _age(obj, now), names, images,
        format_label_selector(spec.get("selector"))]


def _job(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    succeeded = status.get("succeeded") or 0
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    elif (spec.get("parallelism") or 0) > 1:
        completions = f"{succeeded}/1 of {spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    duration = ""
    if status.get("startTime"):
        end = durations.parse_time(status["completionTime"]) if status.get("completionTime") else now
        duration = durations.human_duration((end - durations.parse_time(status["startTime"])).total_seconds())
    conditions = status.get("conditions")
    if _has_condition(conditions, "Complete"):
        state = "Complete"
    elif _has_condition(conditions, "Failed"):
        state = "Failed"
    elif _meta(obj).get("deletionTimestamp"):
        state = "Terminating"
    elif _has_condition(conditions, "Suspended"):
        state = "Suspended"
    elif _has_condition(conditions, "FailureTarget"):
        state = "FailureTarget"
    elif _has_condition(conditions, "SuccessCriteriaMet"):
        state = "SuccessCriteriaMet"
    else:
        state = "Running"
    names, images = _containers(spec.get("template"))
    return [_meta(obj).get("name", ""), state, completions, duration, _age(obj, now), names, images,
            format_label_selector(spec.get("selector"))]


def _cronjob(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    last = status.get("lastScheduleTime")
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    names, images = _containers(job_spec.get("template"))
    suspend = spec.get("suspend")
    return [_meta(obj).get("name", ""), spec.get("schedule", ""), spec.get("timeZone") or "<none>",
            "<unset>" if suspend is None else ("True" if suspend else "False"),
            len(status.get("active") or []), durations.age(last, now) if last else "<none>", _age(obj, now),
            names, images, format_label_selector(job_spec.get("selector"))]


# -- Networking --------------------------------------------------------------

def _lb_ingress(status: dict) -> str:
    found = {i.get("ip") or i.get("hostname") for i in (status.get("loadBalancer") or {}).get("ingress") or []}
    return ",".join(sorted(x for x in found if x))


def _service(obj: dict, now: datetime) -> list:
    spec = obj.get("spec") or {}
    type_ = spec.get("type", "ClusterIP")
    cluster_ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    external = spec.get("externalIPs") or []
    if type_ in ("ClusterIP", "NodePort"):
        external_cell = ",".join(external) or "<none>"
    elif type_ == "LoadBalancer":
        lb = _lb_ingress(obj.get("status") or {})
        parts = (lb.split(",") if lb else []) + external
        external_cell = ",".join(parts) or "<pending>"
    elif type_ == "ExternalName":
        external_cell = spec.get("externalName", "")
    else:
        external_cell = "<unknown>"
    ports = []
    for port in spec.get("ports") or []:
        protocol = port.get("protocol", "TCP")
        node_port = port.get("nodePort") or 0
        ports.append(f"{port.get('port')}:{node_port}/{protocol}" if node_port > 0
                     else f"{port.get('port')}/{protocol}")
    return [_meta(obj).get("name", ""), type_, cluster_ips[0] if cluster_ips else "<none>", external_cell,
            ",".join(ports) or "<none>", _age(obj, now), format_labels(spec.get("selector"))]


def format_endpoints(endpoints: dict, ports: set[str] | None = None) -> str:
    """formatEndpoints: `10.244.1.5:80,10.244.2.7:80 + 2 more...`, `<none>` with no subsets."""
    subsets = endpoints.get("subsets") or []
    if not subsets:
        return "<none>"
    listed: list[str] = []
    more, count, maximum = False, 0, 3
    for subset in subsets:
        addresses = subset.get("addresses") or []
        if not subset.get("ports"):
            count += len(addresses)
            for address in addresses:
                if len(listed) == maximum:
                    more = True
                    break
                listed.append(address.get("ip", ""))
            continue
        for port in subset["ports"]:
            if ports is None or port.get("name", "") in ports:
                count += len(addresses)
                for address in addresses:
                    if len(listed) == maximum:
                        more = True
                        break
                    ip = address.get("ip", "")
                    host = f"[{ip}]" if ":" in ip else ip
                    listed.append(f"{host}:{port.get('port')}")
    text = ",".join(listed)
    return f"{text} + {count - maximum} more..." if more else text


def _list_with_more(items: list[str], total: int) -> str:
    text = ",".join(items[:3])
    if total > 3:
        return f"{text} + {total - 3} more..."
    return text or "<unset>"


def _endpointslice(obj: dict, now: datetime) -> list:
    ports = [str(p["port"]) if p.get("port") is not None else (p.get("name") or "*")
             for p in obj.get("ports") or []]
    addresses = [a for e in obj.get("endpoints") or [] for a in e.get("addresses") or []]
    return [_meta(obj).get("name", ""), obj.get("addressType", ""), _list_with_more(ports, len(ports)),
            _list_with_more(addresses, len(addresses)), _age(obj, now)]


def _ingress(obj: dict, now: datetime) -> list:
    spec = obj.get("spec") or {}
    rules = spec.get("rules") or []
    hosts = [r["host"] for r in rules if r.get("host")][:3]
    hosts_cell = ",".join(hosts) or "*"
    if len(rules) > 3 and hosts:
        hosts_cell = f"{hosts_cell} + {len(rules) - 3} more..."
    return [_meta(obj).get("name", ""), spec.get("ingressClassName") or "<none>", hosts_cell,
            _lb_ingress(obj.get("status") or {}), "80, 443" if spec.get("tls") else "80", _age(obj, now)]


def _ingressclass(obj: dict, now: datetime) -> list:
    spec = obj.get("spec") or {}
    params = spec.get("parameters")
    cell = "<none>"
    if params:
        cell = params.get("kind", "") + (f".{params['apiGroup']}" if params.get("apiGroup") else "")
        cell += "/" + params.get("name", "")
    return [_meta(obj).get("name", ""), spec.get("controller", ""), cell, _age(obj, now)]


# -- Cluster and config ------------------------------------------------------

def node_roles(node: dict) -> list[str]:
    """findNodeRoles: from `node-role.kubernetes.io/<role>` and `kubernetes.io/role` labels, sorted."""
    roles = set()
    for key, value in (_meta(node).get("labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/") and key[len("node-role.kubernetes.io/"):]:
            roles.add(key[len("node-role.kubernetes.io/"):])
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return sorted(roles)


def _node(obj: dict, now: datetime) -> list:
    status = obj.get("status") or {}
    states = [("Ready" if c.get("status") == "True" else "NotReady")
              for c in status.get("conditions") or [] if c.get("type") == "Ready"][-1:] or ["Unknown"]
    if (obj.get("spec") or {}).get("unschedulable"):
        states.append("SchedulingDisabled")
    info = status.get("nodeInfo") or {}

    def address(type_: str) -> str:
        return next((a.get("address", "") for a in status.get("addresses") or [] if a.get("type") == type_),
                    "<none>")
    return [_meta(obj).get("name", ""), ",".join(states), ",".join(node_roles(obj)) or "<none>", _age(obj, now),
            info.get("kubeletVersion", ""), address("InternalIP"), address("ExternalIP"),
            info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>"]


def _event(obj: dict, now: datetime) -> list:
    first = durations.age(obj.get("firstTimestamp") or obj.get("eventTime"), now)
    last = durations.age(obj["lastTimestamp"], now) if obj.get("lastTimestamp") else first
    count = obj.get("count") or 0
    if obj.get("series"):
        last = durations.age(obj["series"].get("lastObservedTime"), now)
        count = obj["series"].get("count") or 0
    elif count == 0:
        count = 1
    involved = obj.get("involvedObject") or {}
    kind = (involved.get("kind") or "").lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    source = obj.get("source") or {}
    component = source.get("component") or obj.get("reportingController") or ""
    host = source.get("host") or obj.get("reportingInstance") or ""
    return [last, obj.get("type", ""), obj.get("reason", ""), target, involved.get("fieldPath", ""),
            f"{component}, {host}" if host else component, (obj.get("message") or "").strip(), first, count,
            _meta(obj).get("name", "")]


def access_modes(modes: list[str] | None) -> str:
    """GetAccessModesAsString: `RWO,ROX,RWX,RWOP` in that fixed order."""
    short = [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
             ("ReadWriteOncePod", "RWOP")]
    return ",".join(abbr for mode, abbr in short if mode in (modes or []))


def _pvc(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    phase = "Terminating" if _meta(obj).get("deletionTimestamp") else status.get("phase", "")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes(status.get("accessModes"))
        capacity = (status.get("capacity") or {}).get("storage", "")
    storage_class = ((_meta(obj).get("annotations") or {}).get("volume.beta.kubernetes.io/storage-class")
                     or spec.get("storageClassName") or "")
    return [_meta(obj).get("name", ""), phase, spec.get("volumeName", ""), capacity, modes, storage_class,
            spec.get("volumeAttributesClassName") or "<unset>", _age(obj, now), spec.get("volumeMode") or "<unset>"]


def _hpa_metrics(spec: dict, status: dict) -> str:
    specs, current = spec.get("metrics") or [], status.get("currentMetrics") or []
    if not specs:
        return "<none>"
    cells = []
    for i, metric in enumerate(specs):
        type_ = metric.get("type", "")
        key = type_[0].lower() + type_[1:] if type_ else ""
        source = metric.get(key) or {}
        target = source.get("target") or {}
        now_metric = (current[i].get(key) or {}).get("current") or {} if len(current) > i else None
        if type_ in ("Resource", "ContainerResource") and target.get("averageValue") is None:
            value = "<unknown>"
            if now_metric and now_metric.get("averageUtilization") is not None:
                value = f"{now_metric['averageUtilization']}%"
            goal = f"{target['averageUtilization']}%" if target.get("averageUtilization") is not None else "<auto>"
            cells.append(f"{source.get('name', '')}: {value}/{goal}")
        elif type_ in ("Resource", "ContainerResource"):
            value = (now_metric or {}).get("averageValue") or "<unknown>"
            cells.append(f"{source.get('name', '')}: {value}/{target['averageValue']}")
        elif type_ == "Pods" or target.get("averageValue") is not None:
            value = (now_metric or {}).get("averageValue") or "<unknown>"
            suffix = " (avg)" if type_ != "Pods" else ""
            cells.append(f"{value}/{target.get('averageValue')}{suffix}")
        elif type_ in ("Object", "External"):
            value = (now_metric or {}).get("value") or "<unknown>"
            cells.append(f"{value}/{target.get('value')}")
        else:
            cells.append("<unknown type>")
    text = ", ".join(cells[:2])
    return f"{text} + {len(cells) - 2} more..." if len(cells) > 2 else text


def _hpa(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    min_pods = spec.get("minReplicas")
    return [_meta(obj).get("name", ""), f"{ref.get('kind', '')}/{ref.get('name', '')}", _hpa_metrics(spec, status),
            "<unset>" if min_pods is None else min_pods, spec.get("maxReplicas") or 0,
            status.get("currentReplicas") or 0, _age(obj, now)]


def _pdb(obj: dict, now: datetime) -> list:
    spec = obj.get("spec") or {}
    return [_meta(obj).get("name", ""), spec.get("minAvailable", "N/A"), spec.get("maxUnavailable", "N/A"),
            (obj.get("status") or {}).get("disruptionsAllowed") or 0, _age(obj, now)]


def _controllerrevision(obj: dict, now: datetime) -> list:
    owner = next((o for o in _meta(obj).get("ownerReferences") or [] if o.get("controller")), None)
    controller = "<none>"
    if owner is not None:
        api_version = owner.get("apiVersion", "")
        group = api_version.split("/")[0] if "/" in api_version else ""
        kind = owner.get("kind", "") + (f".{group}" if group else "")
        controller = f"{kind.lower()}/{owner.get('name', '')}" if kind else owner.get("name", "")
    return [_meta(obj).get("name", ""), controller, obj.get("revision", 0), _age(obj, now)]


_PRINTERS: dict[str, Callable[[dict, datetime], list]] = {
    "Pod": _pod,
    "Deployment": _deployment,
    "ReplicaSet": _replicaset,
    "StatefulSet": _statefulset,
    "DaemonSet": _daemonset,
    "Job": _job,
    "CronJob": _cronjob,
    "Service": _service,
    "Endpoints": lambda o, now: [_meta(o).get("name", ""), format_endpoints(o), _age(o, now)],
    "EndpointSlice": _endpointslice,
    "Ingress": _ingress,
    "IngressClass": _ingressclass,
    "Node": _node,
    "Namespace": lambda o, now: [_meta(o).get("name", ""), (o.get("status") or {}).get("phase", ""),
                                 _age(o, now)],
    "ConfigMap": lambda o, now: [_meta(o).get("name", ""),
                                 len(o.get("data") or {}) + len(o.get("binaryData") or {}), _age(o, now)],
    "Secret": lambda o, now: [_meta(o).get("name", ""), o.get("type", ""), len(o.get("data") or {}),
                              _age(o, now)],
    "Event": _event,
    "PersistentVolumeClaim": _pvc,
    "HorizontalPodAutoscaler": _hpa,
    "PodDisruptionBudget": _pdb,
    "Lease": lambda o, now: [_meta(o).get("name", ""), (o.get("spec") or {}).get("holderIdentity") or "",
                             _age(o, now)],
    "ControllerRevision": _controllerrevision,
}
