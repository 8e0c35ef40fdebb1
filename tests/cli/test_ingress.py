"""Ingress through the real CLI: ingress-nginx's objects, DefaultIngressClass, status, get and describe.

The samples in samples/ingress are applied to a three-node cluster: the
ingress-nginx controller (its Service gets 172.18.255.200 from the
MetalLB-like pool), two hello-app Deployments behind service1 and service2,
and two Ingresses of the Kubernetes docs that name no class.
"""
from __future__ import annotations

import pytest
import yaml

from litekube.model.network import ingress_nginx
from tests.cli.conftest import SAMPLES

INGRESS = SAMPLES / "ingress"


@pytest.fixture
def cluster(lk):
    assert lk("init", "--nodes", "3").exit_code == 0
    result = lk("apply", "-f", str(INGRESS))
    assert result.exit_code == 0, result.output
    return lk


def test_sample_is_the_controller_objects():
    """samples/ingress/00-ingress-nginx.yaml is ingress_nginx.objects(), document for document."""
    docs = [d for d in yaml.safe_load_all((INGRESS / "00-ingress-nginx.yaml").read_text()) if d]
    assert docs == ingress_nginx.objects()


def test_get_ingress(cluster):
    result = cluster("get", "ingress")
    assert result.exit_code == 0
    assert result.output == (
        "NAME                    CLASS   HOSTS                   ADDRESS          PORTS     AGE\n"
        "simple-fanout-example   nginx   foo.bar.com             172.18.255.200   80        11s\n"
        "tls-example-ingress     nginx   https-example.foo.com   172.18.255.200   80, 443   11s\n")


def test_describe_ingress(cluster):
    result = cluster("describe", "ingress", "simple-fanout-example")
    assert result.exit_code == 0
    assert result.output == (
        "Name:             simple-fanout-example\n"
        "Labels:           <none>\n"
        "Namespace:        default\n"
        "Address:          172.18.255.200\n"
        "Ingress Class:    nginx\n"
        "Default backend:  <default>\n"
        "Rules:\n"
        "  Host         Path  Backends\n"
        "  ----         ----  --------\n"
        "  foo.bar.com  \n"
        "               /foo   service1:4200 (10.244.0.3:8080,10.244.1.3:8080)\n"
        "               /bar   service2:8080 (10.244.2.2:8080)\n"
        "Annotations:   <none>\n"
        "Events:\n"
        "  Type    Reason  Age   From                      Message\n"
        "  ----    ------  ----  ----                      -------\n"
        "  Normal  Sync    0s    nginx-ingress-controller  Scheduled for sync\n")


def test_describe_ingress_tls_and_missing_backend(cluster, tmp_path):
    path = tmp_path / "ing.yaml"
    path.write_text("""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: minimal, annotations: {nginx.ingress.kubernetes.io/rewrite-target: /}}
spec:
  tls: [{hosts: [a.example.com]}]
  defaultBackend: {service: {name: test, port: {number: 80}}}
""")
    assert cluster("apply", "-f", str(path)).exit_code == 0
    out = cluster("describe", "ingress", "minimal").output
    assert out.splitlines()[5:14] == [
        'Default backend:  test:80 (<error: services "test" not found>)',
        "TLS:",
        "  SNI routes a.example.com",
        "Rules:",
        "  Host        Path  Backends",
        "  ----        ----  --------",
        '  *           *     test:80 (<error: services "test" not found>)',
        "Annotations:  nginx.ingress.kubernetes.io/rewrite-target: /",
        "Events:",
    ]


def test_describe_ingressclass(cluster):
    assert cluster("describe", "ingressclass", "nginx").output == (
        "Name:         nginx\n"
        "Labels:       app.kubernetes.io/component=controller\n"
        "              app.kubernetes.io/instance=ingress-nginx\n"
        "              app.kubernetes.io/name=ingress-nginx\n"
        "              app.kubernetes.io/part-of=ingress-nginx\n"
        "              app.kubernetes.io/version=1.12.0\n"
        "Annotations:  ingressclass.kubernetes.io/is-default-class: true\n"
        "Controller:   k8s.io/ingress-nginx\n"
        "Events:       <none>\n")


def test_controller_runs_behind_its_load_balancer(cluster):
    assert cluster("get", "svc", "-n", "ingress-nginx").output == (
        "NAME                       TYPE           CLUSTER-IP   EXTERNAL-IP      PORT(S)                      AGE\n"
        "ingress-nginx-controller   LoadBalancer   10.96.1.1    172.18.255.200   80:30086/TCP,443:30087/TCP   11s\n")
    pods = cluster("get", "pods", "-n", "ingress-nginx", "-o", "name").output.split()
    assert len(pods) == 1 and pods[0].startswith("pod/ingress-nginx-controller-")


class TestDefaultIngressClass:
    MANIFEST = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: {name}{annotations}}}
spec:{cls}
  defaultBackend: {{service: {{name: service1, port: {{number: 80}}}}}}
"""

    def _apply(self, lk, tmp_path, name, cls="", annotations=""):
        path = tmp_path / f"{name}.yaml"
        path.write_text(self.MANIFEST.format(name=name, cls=cls, annotations=annotations))
        return lk("apply", "-f", str(path))

    def _class(self, lk, name):
        return lk("get", "ingress", name, "-o", "jsonpath={.spec.ingressClassName}").output

    def test_defaulted_unless_named_or_annotated(self, cluster, tmp_path):
        assert self._apply(cluster, tmp_path, "plain").exit_code == 0
        assert self._class(cluster, "plain") == "nginx"
        self._apply(cluster, tmp_path, "annotated", annotations=", annotations: {kubernetes.io/ingress.class: other}")
        assert self._class(cluster, "annotated") == ""
        self._apply(cluster, tmp_path, "named", cls="\n  ingressClassName: other")
        assert self._class(cluster, "named") == "other"

    def test_another_controllers_class_gets_no_address(self, cluster, tmp_path):
        self._apply(cluster, tmp_path, "named", cls="\n  ingressClassName: other")
        row = cluster("get", "ingress", "named", "--no-headers").output.split()
        assert row[:3] == ["named", "other", "*"] and row[3] == "80"  # ADDRESS is empty

    def test_newest_default_wins(self, lk, tmp_path):
        assert lk("init", "--nodes", "1").exit_code == 0
        classes = tmp_path / "classes.yaml"
        classes.write_text("".join(f"""---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {{name: {n}, annotations: {{ingressclass.kubernetes.io/is-default-class: "true"}}}}
spec: {{controller: example.com/{n}}}
""" for n in ("b-class", "a-class")))
        assert lk("apply", "-f", str(classes)).exit_code == 0
        self._apply(lk, tmp_path, "tie")
        assert self._class(lk, "tie") == "a-class"  # same creationTimestamp: the first by name
        assert lk("advance", "1m").exit_code == 0
        classes.write_text("""apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: z-class, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}
spec: {controller: example.com/z}
""")
        assert lk("apply", "-f", str(classes)).exit_code == 0
        self._apply(lk, tmp_path, "newest")
        assert self._class(lk, "newest") == "z-class"


def test_invalid_ingress_is_refused(cluster, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bad}
spec:
  rules:
  - host: "*.*.foo.com"
    http: {paths: [{path: /a//b, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}
""")
    result = cluster("apply", "-f", str(path))
    assert result.exit_code == 1
    assert "spec.rules[0].http.paths[0].path: Invalid value: \"/a//b\": must not contain '//'" in result.output
    assert cluster("get", "ingress", "bad").exit_code == 1
