"""`kubectl describe` sections about pods: containers, volumes, pod templates, QoS.

No I/O happens here. Mirrors describe.go's describePod, describeContainers,
DescribePodTemplate and describeVolumes, writing through a PrefixWriter.
The sections every describer shares (the Name/Namespace header, labels,
annotations, tolerations) live here too, so each describing_* module can
start from them.
"""
from __future__ import annotations

from datetime import datetime

from litekube.model import durations
from litekube.model.tabwriting import PrefixWriter

__all__ = ["describe_pod", "describe_pod_template", "print_header", "print_labels", "print_annotations",
           "print_tolerations", "qos_class"]


def print_header(w: PrefixWriter, obj: dict, created: bool = False) -> None:
    """`Name:` and `Namespace:` lines, then `CreationTimestamp:` when `created`."""
    meta = obj.get("metadata") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if created:
        w.write(0, f"CreationTimestamp:\t{durations.format_rfc1123z(meta.get('creationTimestamp') or '')}\n")


def print_labels(w: PrefixWriter, title: str, labels: dict | None, indent: str = "") -> None:
    """printLabelsMultilineWithIndent: `Labels:\\tk=v`, continuation lines aligned, `<none>` when empty."""
    w.write(0, f"{indent}{title}:\t")
    if not labels:
        w.write_line("<none>")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(0, f"{indent}\t")
        w.write(0, f"{key}={(labels or {})[key]}\n")


def print_annotations(w: PrefixWriter, title: str, annotations: dict | None) -> None:
    """printAnnotationsMultiline: `key: value`, long or multi-line values folded, last-applied skipped."""
    w.write(0, f"{title}:\t")
    keys = sorted(k for k in annotations or {} if k != "kubectl.kubernetes.io/last-applied-configuration")
    if not keys:
        w.write_line("<none>")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = str((annotations or {})[key]).removesuffix("\n")
        if len(value) + len(key) + 2 > 140 or "\n" in value:
            w.write(0, f"{key}:\n")
            for part in value.split("\n"):
                w.write(0, f"\t  {part[:138] + '...' if len(part) > 138 else part}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def print_tolerations(w: PrefixWriter, title: str, tolerations: list[dict] | None) -> None:
    """printTolerationsMultilineWithIndent, sorted by key."""
    w.write(0, f"{title}:\t")
    if not tolerations:
        w.write_line("<none>")
        return
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.write(0, "\t")
        key, value, effect = t.get("key", ""), t.get("value", ""), t.get("effect", "")
        text = key + (f"={value}" if value else "") + (f":{effect}" if effect else "")
        if t.get("operator") == "Exists" and not value:
            text += " op=Exists" if key or effect else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        w.write(0, text + "\n")


def _ports(ports: list[dict], field: str) -> str:
    return ", ".join(f"{p.get(field, 0)}/{p.get('protocol', 'TCP')}" for p in ports)


def _probe(probe: dict) -> str:
    attrs = (f"delay={probe.get('initialDelaySeconds', 0)}s timeout={probe.get('timeoutSeconds', 1)}s "
             f"period={probe.get('periodSeconds', 10)}s #success={probe.get('successThreshold', 1)} "
             f"#failure={probe.get('failureThreshold', 3)}")
    if probe.get("exec") is not None:
        return f"exec [{' '.join(probe['exec'].get('command') or [])}] {attrs}"
    if probe.get("httpGet") is not None:
        get = probe["httpGet"]
        host, port = get.get("host", ""), str(get.get("port", ""))
        netloc = (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
        return f"http-get {get.get('scheme', 'HTTP').lower()}://{netloc}{get.get('path', '')} {attrs}"
    if probe.get("tcpSocket") is not None:
        sock = probe["tcpSocket"]
        return f"tcp-socket {sock.get('host', '')}:{sock.get('port', '')} {attrs}"
    if probe.get("grpc") is not None:
        return f"grpc <pod>:{probe['grpc'].get('port')} {probe['grpc'].get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _state(w: PrefixWriter, name: str, state: dict) -> None:
    if state.get("running") is not None:
        w.write(2, f"{name}:\tRunning\n")
        w.write(3, f"Started:\t{durations.format_rfc1123z(state['running'].get('startedAt') or '')}\n"
                if state["running"].get("startedAt") else "Started:\t\n")
    elif state.get("waiting") is not None:
        w.write(2, f"{name}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        term = state["terminated"]
        w.write(2, f"{name}:\tTerminated\n")
        if term.get("reason"):
            w.write(3, f"Reason:\t{term['reason']}\n")
        if term.get("message"):
            w.write(3, f"Message:\t{term['message']}\n")
        w.write(3, f"Exit Code:\t{term.get('exitCode', 0)}\n")
        if (term.get("signal") or 0) > 0:
            w.write(3, f"Signal:\t{term['signal']}\n")
        for label, key in (("Started", "startedAt"), ("Finished", "finishedAt")):
            stamp = term.get(key)
            w.write(3, f"{label}:\t{durations.format_rfc1123z(stamp) if stamp else ''}\n")
    else:
        w.write(2, f"{name}:\tWaiting\n")


def _env_value(pod: dict | None, field_path: str) -> str:
    if pod is None:
        return ""
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    simple = {"metadata.name": meta.get("name"), "metadata.namespace": meta.get("namespace"),
              "metadata.uid": meta.get("uid"), "spec.nodeName": spec.get("nodeName"),
              "spec.serviceAccountName": spec.get("serviceAccountName"), "status.podIP": status.get("podIP"),
              "status.hostIP": status.get("hostIP")}
    if field_path in simple:
        return simple[field_path] or ""
    for prefix, source in (("metadata.labels", meta.get("labels")), ("metadata.annotations", meta.get("annotations"))):
        if field_path.startswith(prefix + "['") and field_path.endswith("']"):
            return (source or {}).get(field_path[len(prefix) + 2:-2], "")
    return ""


def _containers(w: PrefixWriter, label: str, containers: list[dict], statuses: list[dict] | None,
                pod: dict | None, space: str) -> None:
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    for c in containers:
        status = by_name.get(c.get("name"))
        w.write(1, f"{' ' if space else ''}{c.get('name', '')}:\n")
        if status is not None:
            w.write(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.write(2, f"Image:\t{c.get('image', '')}\n")
        if status is not None:
            w.write(2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = c.get("ports") or []
        for label_one, label_many, field in (("Port", "Ports", "containerPort"), ("Host Port", "Host Ports", "hostPort")):
            text = _ports(ports, field)
            w.write(2, f"{label_many}:\t{text}\n" if "," in text else f"{label_one}:\t{text or '<none>'}\n")
        for title, key in (("Command", "command"), ("Args", "args")):
            if c.get(key):
                w.write(2, f"{title}:\n")
                for item in c[key]:
                    for part in str(item).split("\n"):
                        w.write(3, f"{part}\n")
        if status is not None:
            _state(w, "State", status.get("state") or {})
            if (status.get("lastState") or {}).get("terminated") is not None:
                _state(w, "Last State", status["lastState"])
            w.write(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        resources = c.get("resources") or {}
        for title in ("limits", "requests"):
            if resources.get(title):
                w.write(2, f"{title.capitalize()}:\n")
                for name in sorted(resources[title]):
                    w.write(3, f"{name}:\t{resources[title][name]}\n")
        for title, key in (("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"), ("Startup", "startupProbe")):
            if c.get(key) is not None:
                w.write(2, f"{title}:\t{_probe(c[key])}\n")
        if c.get("envFrom"):
            w.write(2, "Environment Variables from:\n")
            for e in c["envFrom"]:
                ref, source = (e["configMapRef"], "ConfigMap") if e.get("configMapRef") else (e.get("secretRef") or {}, "Secret")
                optional = "true" if ref.get("optional") else "false"
                prefix = f" with prefix '{e['prefix']}'" if e.get("prefix") else ""
                w.write(3, f"{ref.get('name', '')}\t{source}{prefix}\tOptional: {optional}\n")
        env = c.get("env") or []
        w.write(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
        for e in env:
            source = e.get("valueFrom")
            if source is None:
                for i, part in enumerate(str(e.get("value", "")).split("\n")):
                    w.write(3, f"{e.get('name', '')}:\t{part}\n" if i == 0 else f"\t{part}\n")
            elif source.get("fieldRef") is not None:
                ref = source["fieldRef"]
                w.write(3, f"{e.get('name', '')}:\t{_env_value(pod, ref.get('fieldPath', ''))} "
                           f"({ref.get('apiVersion', 'v1')}:{ref.get('fieldPath', '')})\n")
            elif source.get("resourceFieldRef") is not None:
                resource = source["resourceFieldRef"].get("resource", "")
                kind, _, name = resource.partition(".")
                value = str((resources.get(kind) or {}).get(name, "0"))
                if value == "0" and resource in ("limits.cpu", "limits.memory"):
                    value = "node allocatable"
                w.write(3, f"{e.get('name', '')}:\t{value} ({resource})\n")
            else:
                key, what = ("secretKeyRef", "in secret") if source.get("secretKeyRef") else ("configMapKeyRef", "of config map")
                ref = source.get(key) or {}
                w.write(3, f"{e.get('name', '')}:\t<set to the key '{ref.get('key', '')}' {what} "
                           f"'{ref.get('name', '')}'>\tOptional: {'true' if ref.get('optional') else 'false'}\n")
        mounts = sorted(c.get("volumeMounts") or [], key=lambda m: m.get("mountPath", ""))
        w.write(2, f"Mounts:{'' if mounts else chr(9) + '<none>'}\n")
        for m in mounts:
            flags = ["ro" if m.get("readOnly") else "rw"] + ([f'path="{m["subPath"]}"'] if m.get("subPath") else [])
            w.write(3, f"{m.get('mountPath', '')} from {m.get('name', '')} ({','.join(flags)})\n")


def _volumes(w: PrefixWriter, volumes: list[dict], space: str) -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for v in volumes:
        w.write(1, f"{' ' if space else ''}{v.get('name', '')}:\n")
        if v.get("emptyDir") is not None:
            size = v["emptyDir"].get("sizeLimit") or "<unset>"
            w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                       f"    Medium:\t{v['emptyDir'].get('medium', '')}\n    SizeLimit:\t{size}\n")
        elif v.get("configMap") is not None:
            w.write(2, f"Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{v['configMap'].get('name', '')}\n"
                       f"    Optional:\t{'true' if v['configMap'].get('optional') else 'false'}\n")
        elif v.get("secret") is not None:
            w.write(2, f"Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{v['secret'].get('secretName', '')}\n"
                       f"    Optional:\t{'true' if v['secret'].get('optional') else 'false'}\n")
        elif v.get("hostPath") is not None:
            w.write(2, f"Type:\tHostPath (bare host directory volume)\n    Path:\t{v['hostPath'].get('path', '')}\n"
                       f"    HostPathType:\t{v['hostPath'].get('type') or '<none>'}\n")
        elif v.get("persistentVolumeClaim") is not None:
            claim = v["persistentVolumeClaim"]
            w.write(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n"
                       f"    ClaimName:\t{claim.get('claimName', '')}\n    ReadOnly:\t{'true' if claim.get('readOnly') else 'false'}\n")
        elif v.get("projected") is not None:
            w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
            for source in v["projected"].get("sources") or []:
                if source.get("secret") is not None:
                    w.write(2, f"SecretName:\t{source['secret'].get('name', '')}\n    Optional:\t"
                               f"{'true' if source['secret'].get('optional') else 'false'}\n")
                elif source.get("downwardAPI") is not None:
                    w.write(2, "DownwardAPI:\ttrue\n")
                elif source.get("configMap") is not None:
                    w.write(2, f"ConfigMapName:\t{source['configMap'].get('name', '')}\n    Optional:\t"
                               f"{'true' if source['configMap'].get('optional') else 'false'}\n")
                elif source.get("serviceAccountToken") is not None:
                    w.write(2, f"TokenExpirationSeconds:\t{source['serviceAccountToken'].get('expirationSeconds', 3600)}\n")
        else:
            w.write(1, "<unknown>\n")


def describe_pod_template(w: PrefixWriter, template: dict | None) -> None:
    """DescribePodTemplate: the `Pod Template:` block of Deployments, ReplicaSets, Jobs..."""
    w.write(0, "Pod Template:\n")
    if template is None:
        w.write(1, "<unset>")
        return
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    print_labels(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        print_annotations(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        _containers(w, "Init Containers", spec["initContainers"], None, None, "  ")
    _containers(w, "Containers", spec.get("containers") or [], None, None, "  ")
    _volumes(w, spec.get("volumes") or [], "  ")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    print_labels(w, "  Node-Selectors", spec.get("nodeSelector"))
    print_tolerations(w, "  Tolerations", spec.get("tolerations"))


def qos_class(pod: dict) -> str:
    """qos.GetPodQOS: status.qosClass, else computed (BestEffort, Burstable or Guaranteed)."""
    spec = pod.get("spec") or {}
    if (pod.get("status") or {}).get("qosClass"):
        return pod["status"]["qosClass"]
    requests: dict[str, str] = {}
    limits: dict[str, str] = {}
    guaranteed = True
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        resources = c.get("resources") or {}
        for name, value in (resources.get("requests") or {}).items():
            if name in ("cpu", "memory") and str(value) not in ("0", ""):
                requests[name] = str(value)
        found = set()
        for name, value in (resources.get("limits") or {}).items():
            if name in ("cpu", "memory") and str(value) not in ("0", ""):
                found.add(name)
                limits[name] = str(value)
        if found != {"cpu", "memory"}:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and all(limits.get(k) == v for k, v in requests.items()) and len(requests) in (0, len(limits)):
        return "Guaranteed"
    return "Burstable"


def describe_pod(w: PrefixWriter, pod: dict, now: datetime) -> None:
    """describePod, up to (not including) the Events section."""
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    node = spec.get("nodeName")
    w.write(0, f"Node:\t{node}/{status.get('hostIP', '')}\n" if node else "Node:\t<none>\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{durations.format_rfc1123z(status['startTime'])}\n")
    print_labels(w, "Labels", meta.get("labels"))
    print_annotations(w, "Annotations", meta.get("annotations"))
    phase = status.get("phase", "")
    if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        w.write(0, f"Status:\tTerminating (lasts {durations.age(meta['deletionTimestamp'], now)})\n")
        w.write(0, f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 0)}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{status['message']}\n")
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    pod_ips = status.get("podIPs") or ([{"ip": status["podIP"]}] if status.get("podIP") else [])
    if not pod_ips:
        w.write(0, "IPs:\t<none>\n")
    else:
        w.write(0, "IPs:\n")
        for ip in pod_ips:
            w.write(1, f"IP:\t{ip.get('ip', '')}\n")
    owner = next((o for o in meta.get("ownerReferences") or [] if o.get("controller")), None)
    if owner is not None:
        w.write(0, f"Controlled By:\t{owner.get('kind', '')}/{owner.get('name', '')}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("initContainers"):
        _containers(w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses"), pod, "")
    _containers(w, "Containers", spec.get("containers") or [], status.get("containerStatuses"), pod, "")
    if spec.get("readinessGates"):
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        for gate in spec["readinessGates"]:
            found = next((c.get("status") for c in status.get("conditions") or []
                          if c.get("type") == gate.get("conditionType")), "<none>")
            w.write(1, f"{gate.get('conditionType', '')} \t{found} \n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \n")
    _volumes(w, spec.get("volumes") or [], "")
    w.write(0, f"QoS Class:\t{qos_class(pod)}\n")
    print_labels(w, "Node-Selectors", spec.get("nodeSelector"))
    print_tolerations(w, "Tolerations", spec.get("tolerations"))

