"""top, autoscale, set load, HPA columns and describe, ReplicationControllers, and the documentation's HPA walkthrough.

The cluster is created with a fixed wall clock (1,700,000,000: 5 s past a
metrics scrape), so virtual time, scrapes and ages repeat exactly.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from litekube.api.server import Api
from litekube.runtime import embedded
from litekube.store import Store
from tests.cli.conftest import Litekube

MANIFESTS = Path(__file__).resolve().parents[1] / "manifests" / "hpa"
WALL = 1_700_000_000.0


@pytest.fixture
def lk(tmp_path) -> Litekube:
    db = tmp_path / "litekube.db"
    store = Store(str(db), wall=lambda: WALL - 5)  # the clock reads WALL once the system pods run
    embedded.settle(Api(store))
    assert store.now() == WALL
    store.close()
    return Litekube(db)


@pytest.fixture
def php(lk) -> Litekube:
    """The walkthrough's php-apache Deployment and Service, running for a minute."""
    assert lk("apply", "-f", str(MANIFESTS / "php-apache.yaml")).exit_code == 0
    lk("advance", "1m")
    return lk


def lines(text: str) -> list[str]:
    return text.splitlines()


def get(lk: Litekube, *args: str) -> dict:
    return json.loads(lk("get", *args, "-o", "json").stdout)


def targets(lk: Litekube) -> list[str]:
    """TARGETS (its two words), MINPODS, MAXPODS and REPLICAS of the one HPA."""
    return lines(lk("get", "hpa").stdout)[1].split()[2:7]


class TestTop:
    def test_top_pods(self, php) -> None:
        out = php("top", "pods").stdout
        assert out == ("NAME                          CPU(cores)   MEMORY(bytes)   \n"
                       "php-apache-7b6d5d4884-7jrf8   1m           4Mi             \n")

    def test_top_pods_before_the_first_scrapes(self, lk) -> None:
        lk("apply", "-f", str(MANIFESTS / "php-apache.yaml"))
        result = lk("top", "pods")
        assert (result.exit_code, result.stderr) == (1, "error: metrics not available yet\n")

    def test_top_pods_of_an_empty_namespace(self, lk) -> None:
        result = lk("top", "pods", "-n", "kube-public")
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No resources found in kube-public "
                                                                            "namespace.\n")

    def test_top_pod_without_metrics_and_missing(self, lk) -> None:
        lk("apply", "-f", str(MANIFESTS / "php-apache.yaml"))
        pod = lk("get", "pods", "-o", "name").stdout.strip().removeprefix("pod/")
        assert lk("top", "pod", pod).stderr == (
            f'Error from server (NotFound): podmetrics.metrics.k8s.io "default/{pod}" not found\n')
        assert lk("top", "pod", "nope").stderr == 'Error from server (NotFound): pods "nope" not found\n'

    def test_top_pods_with_load_containers_sorted_and_summed(self, php) -> None:
        php("set", "load", "deployment/php-apache", "--cpu-per-pod", "250m", "--memory-per-pod", "64Mi")
        assert php("top", "pods", "-A", "--containers").stdout == (
            "NAMESPACE      POD                           NAME           CPU(cores)   MEMORY(bytes)   \n"
            "default        php-apache-7b6d5d4884-7jrf8   php-apache     250m         64Mi            \n"
            "kube-flannel   kube-flannel-ds-777qp         kube-flannel   1m           4Mi             \n"
            "kube-flannel   kube-flannel-ds-87fb9         kube-flannel   1m           4Mi             \n"
            "kube-flannel   kube-flannel-ds-dbzm7         kube-flannel   1m           4Mi             \n"
            "kube-system    coredns-7499bf7c45-fcqr9      coredns        1m           4Mi             \n"
            "kube-system    coredns-7499bf7c45-zctrt      coredns        1m           4Mi             \n"
            "kube-system    kube-proxy-cdpwp              kube-proxy     1m           4Mi             \n"
            "kube-system    kube-proxy-cqr98              kube-proxy     1m           4Mi             \n"
            "kube-system    kube-proxy-j64z2              kube-proxy     1m           4Mi             \n")
        assert php("top", "pods", "--sum", "--sort-by", "memory").stdout == (
            "NAME                          CPU(cores)   MEMORY(bytes)   \n"
            "php-apache-7b6d5d4884-7jrf8   250m         64Mi            \n"
            "                              ________     ________        \n"
            "                              250m         64Mi            \n")

    def test_top_nodes_and_a_down_node(self, php) -> None:
        assert php("top", "nodes").stdout == (
            "NAME      CPU(cores)   CPU(%)    MEMORY(bytes)   MEMORY(%)   \n"
            "node-1    103m         2%        524Mi           3%          \n"
            "node-2    103m         2%        524Mi           3%          \n"
            "node-3    103m         2%        524Mi           3%          \n")
        php("fault", "node-down", "node-3")
        php("advance", "20s")
        assert lines(php("top", "nodes", "--no-headers").stdout)[-1] == (
            "node-3    <unknown>   <unknown>   <unknown>   <unknown>   ")
        assert php("top", "node", "node-3").stderr == ('Error from server (NotFound): nodemetrics.metrics.k8s.io '
                                                       '"node-3" not found\n')

    def test_bad_flags(self, php) -> None:
        assert php("top", "pods", "--sort-by", "age").stderr == "error: --sort-by accepts only cpu or memory\n"
        assert php("top", "pod", "x", "-l", "a=b").stderr == "error: only one of NAME or selector can be provided\n"

    def test_top_json_and_yaml_print_the_metrics_objects(self, php) -> None:
        listed = json.loads(php("top", "pods", "-o", "json").stdout)
        assert (listed["kind"], [m["kind"] for m in listed["items"]]) == ("List", ["PodMetrics"])
        assert listed["items"][0]["containers"] == [{"name": "php-apache", "usage": {"cpu": "1m", "memory": "4Mi"}}]
        one = php("top", "node", "node-2", "-o", "yaml").stdout
        assert one.startswith("apiVersion: metrics.k8s.io/v1beta1\nkind: NodeMetrics\n")
        assert "usage:\n  cpu: 103m\n  memory: 524Mi\nwindow: 15s\n" in one  # kube-proxy's, flannel's, coredns's
        assert php("top", "nodes", "-o", "wide").exit_code == 2

    def test_get_podmetrics(self, php) -> None:
        assert php("get", "podmetrics").stdout == (
            "NAME                          CPU   MEMORY   WINDOW\n"
            "php-apache-7b6d5d4884-7jrf8   1m    4Mi      15s\n")
        assert "kind: NodeMetrics" in php("get", "nodemetrics", "node-1", "-o", "yaml").stdout

    def test_metrics_are_read_only(self, php, tmp_path) -> None:
        manifest = tmp_path / "m.yaml"
        manifest.write_text("apiVersion: metrics.k8s.io/v1beta1\nkind: PodMetrics\nmetadata: {name: x}\n")
        result = php("apply", "-f", str(manifest))
        assert result.exit_code == 1
        assert "the server does not allow this method on the requested resource" in result.stderr


class TestAutoscale:
    def test_autoscale_and_the_first_sync(self, php) -> None:
        assert php("autoscale", "deployment", "php-apache", "--cpu-percent=50", "--min=1", "--max=10").stdout == \
            "horizontalpodautoscaler.autoscaling/php-apache autoscaled\n"
        assert php("get", "hpa").stdout == (
            "NAME         REFERENCE               TARGETS              MINPODS   MAXPODS   REPLICAS   AGE\n"
            "php-apache   Deployment/php-apache   cpu: <unknown>/50%   1         10        0          0s\n")
        php("advance", "15s")
        assert php("get", "hpa").stdout == (
            "NAME         REFERENCE               TARGETS       MINPODS   MAXPODS   REPLICAS   AGE\n"
            "php-apache   Deployment/php-apache   cpu: 0%/50%   1         10        1          15s\n")
        # kubectl 1.32 sends autoscaling/v1; the stored object is autoscaling/v2.
        assert get(php, "hpa", "php-apache")["apiVersion"] == "autoscaling/v2"

    @pytest.mark.parametrize("args,message", [
        pytest.param(["deployment/php-apache"], "error: --max=MAXPODS is required and must be at least 1, max: -1",
                     id="no-max"),
        pytest.param(["deployment/php-apache", "--min=5", "--max=2"],
                     "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: 2, min: 5", id="max<min"),
        pytest.param(["deployment/nope", "--max=2"], 'Error from server (NotFound): deployments.apps "nope" not found',
                     id="missing"),
        pytest.param(["service/php-apache", "--max=2"],
                     "error: cannot autoscale a Service: could not find scale subresource for /v1, "
                     "Resource=services in discovery information", id="not-scalable"),
    ])
    def test_errors(self, php, args, message) -> None:
        result = php("autoscale", *args)
        assert (result.exit_code, result.stderr) == (1, message + "\n")

    def test_twice_is_already_exists(self, php) -> None:
        php("autoscale", "deployment/php-apache", "--max=3")
        assert php("autoscale", "deployment/php-apache", "--max=3").stderr == (
            'Error from server (AlreadyExists): horizontalpodautoscalers.autoscaling "php-apache" already exists\n')

    def test_a_v1_manifest_applies_and_works(self, php, tmp_path) -> None:
        manifest = tmp_path / "v1.yaml"
        manifest.write_text("apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: php-apache}\n"
                            "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: php-apache}\n"
                            "  minReplicas: 2\n  maxReplicas: 4\n  targetCPUUtilizationPercentage: 60\n")
        assert php("apply", "-f", str(manifest)).stdout == "horizontalpodautoscaler.autoscaling/php-apache created\n"
        assert php("apply", "-f", str(manifest)).stdout == "horizontalpodautoscaler.autoscaling/php-apache unchanged\n"
        php("advance", "15s")
        # Below minReplicas: brought up to 2 before any metric is read (so no current metrics yet).
        assert targets(php) == ["cpu:", "<unknown>/60%", "2", "4", "1"]
        assert get(php, "deploy", "php-apache")["spec"]["replicas"] == 2
        php("advance", "15s")
        assert targets(php) == ["cpu:", "0%/60%", "2", "4", "2"]


class TestSetLoad:
    def test_set_load_does_not_roll_the_deployment(self, php) -> None:
        before = php("get", "rs", "-o", "name").stdout
        assert php("set", "load", "deployment/php-apache", "--cpu", "300m").stdout == \
            "deployment.apps/php-apache load updated\n"
        assert php("get", "rs", "-o", "name").stdout == before
        assert get(php, "deploy", "php-apache")["metadata"]["generation"] == 1
        assert lines(php("top", "pods", "--no-headers").stdout)[0].split()[1] == "301m"

    def test_clear(self, php) -> None:
        php("set", "load", "deployment/php-apache", "--cpu", "300m")
        assert php("set", "load", "deployment/php-apache", "--clear").stdout == \
            "deployment.apps/php-apache load cleared\n"
        assert lines(php("top", "pods", "--no-headers").stdout)[0].split()[1] == "1m"

    def test_a_deployments_replicaset_is_not_the_workload(self, php) -> None:
        rs = php("get", "rs", "-o", "name").stdout.strip()
        result = php("set", "load", rs, "--cpu", "1")
        assert (result.exit_code, result.stderr) == (1, f'error: replicasets.apps "{rs.split("/")[1]}" is controlled '
                                                        'by deployment.apps/php-apache: set its load there\n')

    def test_bad_values(self, php) -> None:
        result = php("set", "load", "deployment/php-apache", "--cpu", "lots")
        assert result.exit_code == 2 and "Invalid value for --cpu: 'lots'" in result.stderr
        result = php("set", "load", "service/php-apache", "--cpu", "1")
        assert (result.exit_code, result.stderr) == (1, 'error: cannot set load on services "php-apache": only pods '
                                                        'and the workloads that run them have one\n')
        assert php("set", "load", "deployment/php-apache").exit_code == 2


class TestReplicationController:
    RC = ("apiVersion: v1\nkind: ReplicationController\nmetadata: {name: nginx}\nspec:\n  replicas: 3\n"
          "  selector: {app: nginx}\n  template:\n    metadata: {name: nginx, labels: {app: nginx}}\n"
          "    spec:\n      containers:\n      - {name: nginx, image: nginx, ports: [{containerPort: 80}]}\n")

    def test_run_scale_and_describe(self, lk, tmp_path) -> None:
        manifest = tmp_path / "rc.yaml"
        manifest.write_text(self.RC)
        assert lk("apply", "-f", str(manifest)).stdout == "replicationcontroller/nginx created\n"
        assert lk("get", "rc", "-o", "wide").stdout == (
            "NAME    DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES   SELECTOR\n"
            "nginx   3         3         3       1s    nginx        nginx    app=nginx\n")
        assert lk("scale", "rc", "nginx", "--replicas=1").stdout == "replicationcontroller/nginx scaled\n"
        described = lines(lk("describe", "rc", "nginx").stdout)
        assert described[:7] == ["Name:         nginx", "Namespace:    default", "Selector:     app=nginx",
                                 "Labels:       app=nginx", "Annotations:  <none>", "Replicas:     1 current / 1 desired",
                                 "Pods Status:  1 Running / 0 Waiting / 0 Succeeded / 0 Failed"]
        assert any("SuccessfulCreate" in line and "replication-controller" in line for line in described)
        assert len(lk("get", "pods", "-l", "app=nginx", "--no-headers").stdout.splitlines()) == 1


class TestWalkthrough:
    """content/en/docs/tasks/run-application/horizontal-pod-autoscale-walkthrough.md, with simulated load."""

    def test_scale_up_under_load_and_down_after_the_window(self, lk) -> None:
        assert lk("apply", "-f", str(MANIFESTS / "php-apache.yaml")).stdout == (
            "deployment.apps/php-apache created\nservice/php-apache created\n")
        assert lk("apply", "-f", str(MANIFESTS / "hpa-php-apache.yaml")).stdout == \
            "horizontalpodautoscaler.autoscaling/php-apache created\n"
        lk("advance", "1m")
        assert targets(lk) == ["cpu:", "0%/50%", "1", "10", "1"]
        # The load generator: a demand of 610m shared by the ready pods (one pod is capped at its 500m limit).
        lk("set", "load", "deployment/php-apache", "--cpu", "610m")
        lk("advance", "3m")
        assert lk("get", "hpa").stdout == (
            "NAME         REFERENCE               TARGETS        MINPODS   MAXPODS   REPLICAS   AGE\n"
            "php-apache   Deployment/php-apache   cpu: 44%/50%   1         10        7          4m\n")
        assert lines(lk("get", "deployment", "php-apache").stdout)[1].split()[:4] == ["php-apache", "7/7", "7", "7"]
        events = [line.split(None, 4)[-1] for line in lines(lk("describe", "hpa", "php-apache").stdout)
                  if "SuccessfulRescale" in line]
        assert events == ["New size: 4; reason: cpu resource utilization (percentage of request) above target",
                          "New size: 5; reason:",
                          "New size: 7; reason: cpu resource utilization (percentage of request) above target"]
        # Stop the load: 0% at once, but the count holds for the 5-minute stabilization window.
        lk("set", "load", "deployment/php-apache", "--cpu", "0")
        lk("advance", "4m")
        assert targets(lk) == ["cpu:", "0%/50%", "1", "10", "7"]
        lk("advance", "2m")
        assert targets(lk) == ["cpu:", "0%/50%", "1", "10", "1"]
        assert lines(lk("get", "deployment", "php-apache").stdout)[1].split()[:4] == ["php-apache", "1/1", "1", "1"]

    def test_describe(self, lk) -> None:
        lk("apply", "-f", str(MANIFESTS / "php-apache.yaml"))
        lk("apply", "-f", str(MANIFESTS / "hpa-php-apache.yaml"))
        lk("advance", "1m")
        assert lk("describe", "hpa", "php-apache").stdout == """\
Name:                                                  php-apache
Namespace:                                             default
Labels:                                                <none>
Annotations:                                           <none>
CreationTimestamp:                                     Tue, 14 Nov 2023 22:13:21 +0000
Reference:                                             Deployment/php-apache
Metrics:                                               ( current / target )
  resource cpu on pods  (as a percentage of request):  0% (1m) / 50%
Min replicas:                                          1
Max replicas:                                          10
Deployment pods:                                       1 current / 1 desired
Conditions:
  Type            Status  Reason               Message
  ----            ------  ------               -------
  AbleToScale     True    ScaleDownStabilized  recent recommendations were higher than current one, applying the highest recent recommendation
  ScalingActive   True    ValidMetricFound     the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)
  ScalingLimited  False   DesiredWithinRange   the desired count is within the acceptable range
Events:
  Type     Reason                        Age   From                       Message
  ----     ------                        ----  ----                       -------
  Warning  FailedGetResourceMetric       45s   horizontal-pod-autoscaler  failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API
  Warning  FailedComputeMetricsReplicas  45s   horizontal-pod-autoscaler  invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API
"""
