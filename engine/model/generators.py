"""The objects `kubectl create KIND NAME --flags` builds, field for field (kubectl v1.32's pkg/cmd/create).

No I/O happens here. Each function takes the flag values and returns the
object exactly as kubectl builds it before sending it: with the zero
values its typed structs print (`creationTimestamp: null`, `resources: {}`,
`status: {}`), and with its keys in Go's struct order, so that `-o json`
prints them in kubectl's order. Flag errors raise `GeneratorError` with
kubectl's message. ConfigMap and Secret data come from litekube.model.sources.
"""
from __future__ import annotations

import hashlib
from typing import Any

from litekube import errors
from litekube.model import gofmt, quantities, selectors

__all__ = ["GeneratorError", "deployment", "namespace", "service_account", "service", "cron_job",
           "quota", "priority_class", "role", "role_binding", "ingress", "pod_disruption_budget",
           "config_map", "secret", "hash_suffix", "label_selector", "container_name", "STANDARD_VERBS"]


class GeneratorError(errors.LitekubeError):
    """A flag value kubectl refuses before sending anything."""


def _meta(name: str, namespace: str | None = None, labels: dict | None = None,
          annotations: dict | None = None) -> dict:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["creationTimestamp"] = None
    if labels:
        meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    return meta


def _object(kind: str, api_version: str, meta: dict, **rest: Any) -> dict:
    return {"kind": kind, "apiVersion": api_version, "metadata": meta, **rest}


def container_name(image: str, salt: str = "") -> str:
    """The container name kubectl derives from an image: `registry.k8s.io/pause:3.9` -> `pause`.

    A name with `_` or `.` gets them as `-` and a 5-character suffix (kubectl's is
    random; here it is derived from the image, so output is deterministic).
    """
    name = image.split("/")[-1].split(":")[0].split("@")[0]
    if "_" in name or "." in name:
        name = name.replace("_", "-").replace(".", "-")
        name = f"{name}-{_random5(image + salt)}"
    return name


_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"  # utilrand's alphabet: no vowels, no 0/1/3


def _random5(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(_ALPHANUMS[b % len(_ALPHANUMS)] for b in digest[:5])


def deployment(name: str, images: list[str], replicas: int = 1, port: int = -1, command: list[str] | None = None,
               namespace: str | None = None) -> dict:
    """create deployment NAME --image=IMAGE... [--replicas=N] [--port=P] [-- COMMAND...]."""
    if not images:
        raise GeneratorError('required flag(s) "image" not set')
    labels = {"app": name}
    containers = []
    for i, image in enumerate(images):
        container: dict[str, Any] = {"name": container_name(image), "image": image}
        if i == 0 and command:  # kubectl gives the command and the port to the first container
            container["command"] = list(command)
        if i == 0 and port >= 0:
            container["ports"] = [{"containerPort": port}]
        container["resources"] = {}
        containers.append(container)
    return _object("Deployment", "apps/v1", _meta(name, namespace, dict(labels)), spec={
        "replicas": replicas,
        "selector": {"matchLabels": dict(labels)},
        "template": {"metadata": {"creationTimestamp": None, "labels": dict(labels)},
                     "spec": {"containers": containers}},
        "strategy": {}}, status={})


def namespace(name: str) -> dict:
    return _object("Namespace", "v1", _meta(name), spec={}, status={})


def service_account(name: str, namespace: str | None = None) -> dict:
    return _object("ServiceAccount", "v1", _meta(name, namespace))


def _parse_port(text: str, what: str) -> int:
    """strconv.ParseUint(text, 10, 32) with its message."""
    if not text.isdigit() or not text.isascii():
        raise GeneratorError(f'strconv.ParseUint: parsing "{text}": invalid syntax')
    value = int(text)
    if value >= 2 ** 32:
        raise GeneratorError(f'strconv.ParseUint: parsing "{text}": value out of range')
    return value


def service(name: str, service_type: str, tcp: list[str], cluster_ip: str = "", node_port: int = 0,
            namespace: str | None = None) -> dict:
    """create service clusterip|nodeport|loadbalancer NAME --tcp=PORT[:TARGET]..."""
    specs = [s for value in tcp for s in value.split(",") if s]
    if not specs and cluster_ip != "None":
        raise GeneratorError("at least one tcp port specifier must be provided")
    ports = []
    for spec in specs:
        port_text, sep, target_text = spec.partition(":")
        port = _parse_port(port_text, "port")
        entry: dict[str, Any] = {"name": spec.replace(":", "-"), "protocol": "TCP", "port": port}
        if sep:
            entry["targetPort"] = int(target_text) if target_text.isdigit() else target_text
        else:
            entry["targetPort"] = port
        if node_port:
            entry["nodePort"] = node_port
        ports.append(entry)
    spec: dict[str, Any] = {}
    if ports:
        spec["ports"] = ports
    spec["selector"] = {"app": name}
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    spec["type"] = service_type
    return _object("Service", "v1", _meta(name, namespace, {"app": name}), spec=spec,
                   status={"loadBalancer": {}})


def cron_job(name: str, image: str, schedule: str, restart: str = "", command: list[str] | None = None,
             namespace: str | None = None) -> dict:
    """create cronjob NAME --image=IMAGE --schedule='*/1 * * * *' [--restart=...] [-- COMMAND...]."""
    if not image:
        raise GeneratorError('required flag(s) "image" not set')
    if not schedule:
        raise GeneratorError('required flag(s) "schedule" not set')
    if restart not in ("", "OnFailure", "Never", "Always"):
        raise GeneratorError(f"invalid restart policy: {restart}")
    container: dict[str, Any] = {"name": name, "image": image}
    if command:
        container["command"] = list(command)
    container["resources"] = {}
    return _object("CronJob", "batch/v1", _meta(name, namespace), spec={
        "schedule": schedule,
        "jobTemplate": {"metadata": {"name": name, "creationTimestamp": None}, "spec": {"template": {
            "metadata": {"creationTimestamp": None},
            "spec": {"containers": [container], "restartPolicy": restart or "OnFailure"}}}}}, status={})


def _canonical_quantity(text: str) -> str:
    """resource.Quantity's String(): `1000m` -> `1`, `1024Mi` -> `1Gi`."""
    try:
        amount = quantities.parse(text)
    except ValueError as exc:
        raise GeneratorError(str(exc)) from None
    if any(text.endswith(s) for s in ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei")) and amount.denominator == 1:
        return quantities.format_bytes(int(amount))
    if "e" in text.lower().lstrip("+-0123456789."):
        return text  # DecimalExponent keeps its own spelling here
    return quantities.format_decimal(amount)


def quota(name: str, hard: str = "", scopes: str = "", namespace: str | None = None) -> dict:
    """create quota NAME --hard=cpu=1,pods=2 [--scopes=BestEffort,...]."""
    spec: dict[str, Any] = {}
    if hard:
        limits = {}
        for pair in hard.split(","):
            key, sep, value = pair.partition("=")
            if not sep or not key or not value:
                raise GeneratorError(f"Invalid argument syntax {pair}, expected <resource>=<value>")
            limits[key] = _canonical_quantity(value)
        spec["hard"] = limits
    if scopes:
        spec["scopes"] = [s for s in scopes.split(",") if s]
    return _object("ResourceQuota", "v1", _meta(name, namespace), spec=spec, status={})


def priority_class(name: str, value: int = 0, global_default: bool = False, description: str = "",
                   preemption_policy: str = "PreemptLowerPriority") -> dict:
    obj = _object("PriorityClass", "scheduling.k8s.io/v1", _meta(name), value=value)
    if global_default:
        obj["globalDefault"] = True
    if description:
        obj["description"] = description
    obj["preemptionPolicy"] = preemption_policy
    return obj


STANDARD_VERBS = ("*", "get", "delete", "list", "create", "update", "patch", "watch", "proxy",
                  "deletecollection", "use", "bind", "escalate", "impersonate")


def role(name: str, verbs: list[str], resources: list[tuple[str, str]], resource_names: list[str],
         non_resource_urls: list[str] | None = None, cluster: bool = False,
         namespace: str | None = None) -> tuple[dict, list[str]]:
    """create role|clusterrole NAME --verb=... --resource=...: the object and kubectl's warnings.

    `resources` are (API group, resource) pairs already resolved against the served kinds.
    """
    verbs = [v for value in verbs for v in value.split(",") if v]
    if not verbs:
        raise GeneratorError("at least one verb must be specified")
    if not resources and not non_resource_urls:
        raise GeneratorError("at least one resource must be specified")
    warnings = [f"Warning: '{v}' is not a standard resource verb" for v in verbs if v not in STANDARD_VERBS]
    rules = []
    groups: dict[str, list[str]] = {}
    for group, resource in resources:
        groups.setdefault(group, []).append(resource)
    for group, names_ in groups.items():
        rule: dict[str, Any] = {"verbs": verbs, "apiGroups": [group], "resources": names_}
        if resource_names:
            rule["resourceNames"] = list(resource_names)
        rules.append(rule)
    if non_resource_urls:
        rules.append({"verbs": verbs, "nonResourceURLs": list(non_resource_urls)})
    kind = "ClusterRole" if cluster else "Role"
    return _object(kind, "rbac.authorization.k8s.io/v1", _meta(name, None if cluster else namespace),
                   rules=rules), warnings


def role_binding(name: str, role_name: str = "", cluster_role: str = "", users: list[str] = (),
                 groups: list[str] = (), service_accounts: list[str] = (), cluster: bool = False,
                 namespace: str | None = None) -> dict:
    """create rolebinding|clusterrolebinding NAME --role|--clusterrole=R --user|--group|--serviceaccount=..."""
    if cluster:
        if not cluster_role:
            raise GeneratorError('required flag(s) "clusterrole" not set')
    elif bool(role_name) == bool(cluster_role):
        raise GeneratorError("exactly one of clusterrole or role must be specified")
    subjects: list[dict] = [{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": u} for u in users]
    subjects += [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": g} for g in groups]
    for account in service_accounts:
        ns, sep, sa = account.partition(":")
        if not sep or not ns or not sa or ":" in sa:
            raise GeneratorError("serviceaccount must be <namespace>:<name>")
        subjects.append({"kind": "ServiceAccount", "name": sa, "namespace": ns})
    ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole" if cluster_role else "Role",
           "name": cluster_role or role_name}
    kind = "ClusterRoleBinding" if cluster else "RoleBinding"
    obj = _object(kind, "rbac.authorization.k8s.io/v1", _meta(name, None if cluster else namespace))
    if subjects:
        obj["subjects"] = subjects
    obj["roleRef"] = ref
    return obj


def _backend(text: str) -> dict:
    service_name, _, port = text.partition(":")
    return {"service": {"name": service_name, "port": {"number": int(port)} if port.isdigit() else {"name": port}}}


def ingress(name: str, rules: list[str], ingress_class: str = "", default_backend: str = "",
            annotations: list[str] = (), namespace: str | None = None) -> dict:
    """create ingress NAME --rule=host/path=svc:port[,tls[=secret]]... [--class] [--default-backend]."""
    if not rules and not default_backend:
        raise GeneratorError("not enough information provided: every ingress has to either specify a "
                             "default-backend (which catches all traffic) or a list of rules (which catch "
                             "specific paths)")
    import re

    rule_re = re.compile(r"^(?P<host>[^/=]*)(?P<path>/[^=]*)=(?P<svc>[^:,=]+):(?P<port>[^,=]+)"
                         r"(?P<tls>,tls(?:=(?P<secret>[^,=]*))?)?$")
    spec: dict[str, Any] = {}
    if ingress_class:
        spec["ingressClassName"] = ingress_class
    if default_backend:
        if ":" not in default_backend:
            raise GeneratorError("default-backend should be in format servicename:serviceport")
        spec["defaultBackend"] = _backend(default_backend)
    tls: list[dict] = []
    out_rules: list[dict] = []
    for text in rules:
        match = rule_re.match(text)
        if match is None:
            raise GeneratorError(f"rule {text} is invalid and should be in format "
                                 f"host/path=svcname:svcport[,tls[=secret]]")
        host, path = match["host"], match["path"]
        path_type = "Exact"
        if path.endswith("*"):
            path, path_type = path[:-1], "Prefix"
        entry = {"path": path, "pathType": path_type, "backend": _backend(f"{match['svc']}:{match['port']}")}
        same = next((r for r in out_rules if r.get("host", "") == host), None)
        if same is not None:
            same["http"]["paths"].append(entry)
        else:
            rule: dict[str, Any] = {}
            if host:
                rule["host"] = host
            rule["http"] = {"paths": [entry]}
            out_rules.append(rule)
        if match["tls"]:
            item: dict[str, Any] = {}
            if host:
                item["hosts"] = [host]
            if match["secret"]:
                item["secretName"] = match["secret"]
            tls.append(item)
    if tls:
        spec["tls"] = tls
    if out_rules:
        spec["rules"] = out_rules
    notes = {}
    for pair in annotations:
        key, _, value = pair.partition("=")
        notes[key] = value
    return _object("Ingress", "networking.k8s.io/v1", _meta(name, namespace, annotations=notes), spec=spec,
                   status={"loadBalancer": {}})


def label_selector(text: str) -> dict:
    """metav1.ParseToLabelSelector: equality terms as matchLabels, set terms as matchExpressions."""
    selector = selectors.parse(text)
    match_labels: dict[str, str] = {}
    expressions = []
    ops = {"in": "In", "notin": "NotIn", "exists": "Exists", "!": "DoesNotExist"}
    for req in selector.requirements:
        op = str(req.operator)
        if op in ("=", "=="):
            match_labels[req.key] = req.values[0]
        elif op in ops:
            expr: dict[str, Any] = {"key": req.key, "operator": ops[op]}
            if req.values:
                expr["values"] = sorted(req.values)
            expressions.append(expr)
        elif op in ("gt", "lt"):
            raise GeneratorError(f'"{op}" isn\'t supported in label selectors')
        else:
            raise GeneratorError(f'"{op}" is not a valid label selector operator')
    out: dict[str, Any] = {}
    if match_labels:
        out["matchLabels"] = match_labels
    if expressions:
        out["matchExpressions"] = expressions
    return out


def _int_or_string(text: str) -> int | str:
    return int(text) if text.lstrip("-").isdigit() else text


def pod_disruption_budget(name: str, selector: str, min_available: str = "", max_unavailable: str = "",
                          namespace: str | None = None) -> dict:
    """create poddisruptionbudget NAME --selector=SEL (--min-available=N | --max-unavailable=N)."""
    if not selector:
        raise GeneratorError("a selector must be specified")
    if not min_available and not max_unavailable:
        raise GeneratorError("one of min-available or max-unavailable must be specified")
    if min_available and max_unavailable:
        raise GeneratorError("min-available and max-unavailable cannot be both specified")
    spec: dict[str, Any] = {}
    if min_available:
        spec["minAvailable"] = _int_or_string(min_available)
    spec["selector"] = label_selector(selector)
    if max_unavailable:
        spec["maxUnavailable"] = _int_or_string(max_unavailable)
    return _object("PodDisruptionBudget", "policy/v1", _meta(name, namespace), spec=spec, status={
        "disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0})


def hash_suffix(obj: dict) -> str:
    """kubectl's --append-hash: 10 characters of the SHA-256 of the object's content."""
    content: dict[str, Any] = {"kind": obj["kind"], "name": obj["metadata"]["name"]}
    if obj["kind"] == "ConfigMap":
        content["data"] = obj.get("data") or {}
        if obj.get("binaryData"):
            content["binaryData"] = obj["binaryData"]
    else:
        content["type"] = obj.get("type", "")
        content["data"] = obj.get("data") or {}
    digest = hashlib.sha256(gofmt.marshal(content).encode()).hexdigest()[:10]
    return digest.translate(str.maketrans({"0": "g", "1": "h", "3": "k", "a": "m", "e": "t"}))


def config_map(name: str, data: dict[str, str], binary: dict[str, str], append_hash: bool = False,
               namespace: str | None = None) -> dict:
    obj = _object("ConfigMap", "v1", _meta(name, namespace))
    if data:
        obj["data"] = data
    if binary:
        obj["binaryData"] = binary
    if append_hash:
        obj["metadata"]["name"] = f"{name}-{hash_suffix(obj)}"
    return obj


def secret(name: str, data: dict[str, str], secret_type: str = "", append_hash: bool = False,
           namespace: str | None = None) -> dict:
    """`data` values are base64 already."""
    obj = _object("Secret", "v1", _meta(name, namespace))
    if data:
        obj["data"] = data
    if secret_type:
        obj["type"] = secret_type
    if append_hash:
        obj["metadata"]["name"] = f"{name}-{hash_suffix(obj)}"
    return obj
