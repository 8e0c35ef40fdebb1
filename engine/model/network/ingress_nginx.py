"""The ingress-nginx controller as objects, and the pages its nginx answers with. No I/O happens here.

`objects()` are the objects of ingress-nginx's static deploy manifest
(deploy/static/provider/cloud/deploy.yaml, controller v1.12.0: what a kind
cluster with a cloud load balancer, cloud-provider-kind or MetalLB, gets):
the `ingress-nginx` Namespace, the controller's ServiceAccount and
ConfigMap, its `type: LoadBalancer` Service `ingress-nginx-controller`
(`externalTrafficPolicy: Local`, ports http 80 and https 443 to the
container ports of those names), the controller Deployment and the
IngressClass `nginx` (controller `k8s.io/ingress-nginx`), annotated as the
default class as the Helm chart's `controller.ingressClassResource.default`
annotates it. Left out: the RBAC objects (litekube does no authorization)
and the validating admission webhook with its certificate Jobs, Service and
Secret volume (litekube runs no webhooks; the Ingress validation the
apiserver does is in litekube.model.validation.policy).

The pages are nginx's built-in error pages, which ingress-nginx serves
for no matching rule (404, from its default backend), a backend without
ready endpoints (503) and plain HTTP to a host with TLS (308, ssl-redirect).
"""
from __future__ import annotations

__all__ = ["NAMESPACE", "SERVICE", "DEPLOYMENT", "CLASS", "CONTROLLER_CLASS", "DEFAULT_CLASS_ANNOTATION",
           "INGRESS_CLASS_ANNOTATION", "VERSION", "EVENT_SOURCE", "SELECTOR", "objects", "error_page",
           "REASONS", "serves"]

NAMESPACE = "ingress-nginx"
SERVICE = DEPLOYMENT = "ingress-nginx-controller"
CLASS, CONTROLLER_CLASS = "nginx", "k8s.io/ingress-nginx"
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
VERSION = "1.12.0"
EVENT_SOURCE = "nginx-ingress-controller"
SELECTOR = {"app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx",
            "app.kubernetes.io/name": "ingress-nginx"}
_LABELS = {**SELECTOR, "app.kubernetes.io/part-of": "ingress-nginx", "app.kubernetes.io/version": VERSION}

REASONS = {200: "OK", 308: "Permanent Redirect", 400: "Bad Request", 404: "Not Found",
           503: "Service Temporarily Unavailable"}


def error_page(status: int, detail: str = "") -> str:
    """nginx's page for `status` (ngx_http_special_response.c), as curl prints it.

    `detail` is the line of nginx's special 400s (`The plain HTTP request was
    sent to HTTPS port`), which also titles the page.
    """
    heading = f"{status} {REASONS[status]}"
    title = f"{status} {detail}" if detail else heading
    extra = f"<center>{detail}</center>\n" if detail else ""
    return (f"<html>\n<head><title>{title}</title></head>\n<body>\n<center><h1>{heading}</h1></center>\n"
            f"{extra}<hr><center>nginx</center>\n</body>\n</html>\n")


def serves(ingress: dict, ingress_class: dict | None) -> bool:
    """Whether the controller serves the Ingress: `ingressClassName: nginx` naming an IngressClass of
    controller k8s.io/ingress-nginx (`ingress_class`, None when it does not exist), or, without the field,
    the legacy `kubernetes.io/ingress.class: nginx` annotation."""
    spec = ingress.get("spec") or {}
    name = spec.get("ingressClassName")
    if name is None:
        return ((ingress.get("metadata") or {}).get("annotations") or {}).get(INGRESS_CLASS_ANNOTATION) == CLASS
    return name == CLASS and ingress_class is not None and \
        (ingress_class.get("spec") or {}).get("controller") == CONTROLLER_CLASS


def _meta(name: str, namespaced: bool = True, **extra) -> dict:
    meta = {"name": name, "labels": dict(_LABELS), **extra}
    if namespaced:
        meta["namespace"] = NAMESPACE
    return meta


def _deployment() -> dict:
    container = {
        "name": "controller", "image": f"registry.k8s.io/ingress-nginx/controller:v{VERSION}",
        "imagePullPolicy": "IfNotPresent",
        "args": ["/nginx-ingress-controller", "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
                 "--election-id=ingress-nginx-leader", f"--controller-class={CONTROLLER_CLASS}",
                 f"--ingress-class={CLASS}", "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller"],
        "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                {"name": "LD_PRELOAD", "value": "/usr/local/lib/libmimalloc.so"}],
        "lifecycle": {"preStop": {"exec": {"command": ["/wait-shutdown"]}}},
        "livenessProbe": {"failureThreshold": 5, "httpGet": {"path": "/healthz", "port": 10254, "scheme": "HTTP"},
                          "initialDelaySeconds": 10, "periodSeconds": 10, "successThreshold": 1,
                          "timeoutSeconds": 1},
        "readinessProbe": {"failureThreshold": 3, "httpGet": {"path": "/healthz", "port": 10254, "scheme": "HTTP"},
                           "initialDelaySeconds": 10, "periodSeconds": 10, "successThreshold": 1,
                           "timeoutSeconds": 1},
        "ports": [{"containerPort": 80, "name": "http", "protocol": "TCP"},
                  {"containerPort": 443, "name": "https", "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "100m", "memory": "90Mi"}},
        "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"add": ["NET_BIND_SERVICE"],
                                                                                 "drop": ["ALL"]},
                            "readOnlyRootFilesystem": False, "runAsNonRoot": True, "runAsUser": 101,
                            "seccompProfile": {"type": "RuntimeDefault"}},
    }
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta(DEPLOYMENT),
            "spec": {"minReadySeconds": 0, "revisionHistoryLimit": 10, "selector": {"matchLabels": dict(SELECTOR)},
                     "strategy": {"rollingUpdate": {"maxUnavailable": 1}, "type": "RollingUpdate"},
                     "template": {"metadata": {"labels": dict(_LABELS)}, "spec": {
                         "containers": [container], "dnsPolicy": "ClusterFirst",
                         "nodeSelector": {"kubernetes.io/os": "linux"}, "serviceAccountName": "ingress-nginx",
                         "terminationGracePeriodSeconds": 300}}}}


def objects() -> list[dict]:
    """The controller's objects, in the manifest's order (Namespace first, IngressClass last)."""
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {
            "name": NAMESPACE, "labels": {"app.kubernetes.io/instance": "ingress-nginx",
                                          "app.kubernetes.io/name": "ingress-nginx"}}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "automountServiceAccountToken": True,
         "metadata": _meta("ingress-nginx")},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("ingress-nginx-controller"), "data": {}},
        {"apiVersion": "v1", "kind": "Service", "metadata": _meta(SERVICE),
         "spec": {"externalTrafficPolicy": "Local", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                  "ports": [{"appProtocol": "http", "name": "http", "port": 80, "protocol": "TCP",
                             "targetPort": "http"},
                            {"appProtocol": "https", "name": "https", "port": 443, "protocol": "TCP",
                             "targetPort": "https"}],
                  "selector": dict(SELECTOR), "type": "LoadBalancer"}},
        _deployment(),
        {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
         "metadata": _meta(CLASS, namespaced=False, annotations={DEFAULT_CLASS_ANNOTATION: "true"}),
         "spec": {"controller": CONTROLLER_CLASS}},
    ]
