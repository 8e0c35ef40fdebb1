"""kubectl's generator commands against `litekube serve`: their typed clientset sends protobuf bodies
(`Content-Type: application/vnd.kubernetes.protobuf`), which litekube decodes. What kubectl prints, and the
object `kubectl get -o json` shows afterwards, as a real apiserver has them."""
from __future__ import annotations

import base64
import json
import os
import subprocess

import pytest

from tests.serve.servers import KUBECTL, ROOT, wait_for

pytestmark = pytest.mark.skipif(not os.path.exists(KUBECTL), reason="no kubectl on this machine")

SERVER_SET = ("uid", "resourceVersion", "creationTimestamp", "managedFields", "generation")

POD_DEFAULTS = {"dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler", "securityContext": {},
                "terminationGracePeriodSeconds": 30}
CONTAINER_DEFAULTS = {"resources": {}, "terminationMessagePath": "/dev/termination-log",
                      "terminationMessagePolicy": "File"}


def _object(served, ref: str, namespace: str = "default") -> dict:
    obj = json.loads(served.kubectl("get", ref, "-n", namespace, "-o", "json").stdout)
    for key in SERVER_SET:
        obj["metadata"].pop(key, None)
    return obj


def _created(served, *args: str) -> str:
    result = served.kubectl("create", *args)
    assert result.stderr == ""
    return result.stdout


class TestConfigAndSecrets:
    def test_configmap(self, served):
        assert _created(served, "configmap", "settings", "--from-literal=a=b", "--from-literal=empty=") == \
            "configmap/settings created\n"
        assert _object(served, "configmap/settings") == {
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "default"},
            "data": {"a": "b", "empty": ""}}
        out = served.litekube("get", "configmap", "settings").stdout.splitlines()
        assert out[0].split() == ["NAME", "DATA", "AGE"] and out[1].split()[:2] == ["settings", "2"]

    def test_secret_generic(self, served):
        assert _created(served, "secret", "generic", "creds", "--from-literal=user=admin") == "secret/creds created\n"
        assert _object(served, "secret/creds") == {
            "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds", "namespace": "default"},
            "data": {"user": "YWRtaW4="}, "type": "Opaque"}

    def test_secret_docker_registry(self, served):
        assert _created(served, "secret", "docker-registry", "pull", "--docker-server=r.example",
                        "--docker-username=u", "--docker-password=p") == "secret/pull created\n"
        secret = _object(served, "secret/pull")
        assert secret["type"] == "kubernetes.io/dockerconfigjson"
        assert json.loads(base64.b64decode(secret["data"][".dockerconfigjson"])) == {
            "auths": {"r.example": {"username": "u", "password": "p", "auth": "dTpw"}}}

    def test_secret_tls_of_a_few_kilobytes(self, served, tmp_path):
        key, cert = tmp_path / "tls.key", tmp_path / "tls.crt"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                        str(cert), "-subj", "/CN=litekube.example", "-days", "1"], check=True, capture_output=True)
        assert _created(served, "secret", "tls", "site", f"--cert={cert}", f"--key={key}") == "secret/site created\n"
        secret = _object(served, "secret/site")
        assert secret["type"] == "kubernetes.io/tls"
        assert secret["data"] == {"tls.crt": base64.b64encode(cert.read_bytes()).decode(),
                                  "tls.key": base64.b64encode(key.read_bytes()).decode()}

    def test_serviceaccount(self, served):
        assert _created(served, "serviceaccount", "robot") == "serviceaccount/robot created\n"
        assert _object(served, "serviceaccount/robot") == {
            "apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "robot", "namespace": "default"}}

    def test_namespace(self, served):
        assert _created(served, "namespace", "team-a") == "namespace/team-a created\n"
        assert _object(served, "namespace/team-a") == {
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": "team-a", "labels": {"kubernetes.io/metadata.name": "team-a"}},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}

    def test_quota(self, served):
        _created(served, "namespace", "limited")  # a quota on cpu refuses every pod without requests
        assert _created(served, "quota", "small", "-n", "limited", "--hard=pods=10,cpu=1,memory=1Gi",
                        "--scopes=NotTerminating") == "resourcequota/small created\n"
        assert _object(served, "resourcequota/small", "limited")["spec"] == {
            "hard": {"cpu": "1", "memory": "1Gi", "pods": "10"}, "scopes": ["NotTerminating"]}


class TestWorkloads:
    def test_deployment_with_zero_replicas_keeps_zero(self, served):
        assert _created(served, "deployment", "idle", "--image=nginx:1.25", "--replicas=0", "--port=80") == \
            "deployment.apps/idle created\n"
        spec = _object(served, "deployment/idle")["spec"]
        assert spec == {
            "progressDeadlineSeconds": 600, "replicas": 0, "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app": "idle"}},
            "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"},
            "template": {"metadata": {"creationTimestamp": None, "labels": {"app": "idle"}},
                         "spec": {"containers": [{"image": "nginx:1.25", "imagePullPolicy": "IfNotPresent",
                                                  "name": "nginx", "ports": [{"containerPort": 80, "protocol": "TCP"}],
                                                  **CONTAINER_DEFAULTS}],
                                  "restartPolicy": "Always", **POD_DEFAULTS}}}
        lines = served.kubectl("get", "deployment", "idle").stdout.splitlines()
        assert lines[1].split()[:4] == ["idle", "0/0", "0", "0"]

    def test_deployment_rolls_out(self, served):
        assert _created(served, "deployment", "web", "--image=nginx:1.25", "--replicas=2") == \
            "deployment.apps/web created\n"
        out = served.kubectl("rollout", "status", "deployment/web", "--timeout=60s").stdout
        assert out.splitlines()[-1] == 'deployment "web" successfully rolled out'

    def test_job_with_a_command(self, served):
        assert _created(served, "job", "once", "--image=busybox", "--", "echo", "hi") == "job.batch/once created\n"
        template = _object(served, "job/once")["spec"]["template"]["spec"]
        assert template == {"containers": [{"command": ["echo", "hi"], "image": "busybox", "imagePullPolicy": "Always",
                                            "name": "once", **CONTAINER_DEFAULTS}],
                            "restartPolicy": "Never", **POD_DEFAULTS}

    def test_cronjob_and_a_job_from_it(self, served):
        assert _created(served, "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *", "--", "date") == \
            "cronjob.batch/tick created\n"
        spec = _object(served, "cronjob/tick")["spec"]
        assert {k: v for k, v in spec.items() if k != "jobTemplate"} == {
            "concurrencyPolicy": "Allow", "failedJobsHistoryLimit": 1, "schedule": "*/5 * * * *",
            "successfulJobsHistoryLimit": 3, "suspend": False}
        assert spec["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"] == ["date"]
        assert _created(served, "job", "tick-now", "--from=cronjob/tick") == "job.batch/tick-now created\n"
        job = _object(served, "job/tick-now")
        assert job["metadata"]["annotations"] == {"cronjob.kubernetes.io/instantiate": "manual"}
        assert job["metadata"]["ownerReferences"][0]["name"] == "tick"

    def test_poddisruptionbudgets(self, served):
        assert _created(served, "poddisruptionbudget", "keep-one", "--selector=app=web", "--min-available=0") == \
            "poddisruptionbudget.policy/keep-one created\n"
        assert _object(served, "pdb/keep-one")["spec"] == {"minAvailable": 0,
                                                           "selector": {"matchLabels": {"app": "web"}}}
        assert _created(served, "pdb", "half", "--selector=app=web", "--max-unavailable=50%") == \
            "poddisruptionbudget.policy/half created\n"
        assert _object(served, "pdb/half")["spec"] == {"maxUnavailable": "50%",
                                                       "selector": {"matchLabels": {"app": "web"}}}

    def test_priorityclass(self, served):
        assert _created(served, "priorityclass", "low", "--value=0", "--description=batch",
                        "--preemption-policy=Never") == "priorityclass.scheduling.k8s.io/low created\n"
        assert _object(served, "priorityclass/low") == {
            "apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "low"},
            "value": 0, "description": "batch", "preemptionPolicy": "Never"}


def _service_spec(served, name: str) -> dict:
    spec = _object(served, f"service/{name}")["spec"]
    for key in ("clusterIP", "clusterIPs"):
        spec.pop(key, None)
    return spec


IP_DEFAULTS = {"internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
               "sessionAffinity": "None"}


class TestServices:
    def test_clusterip(self, served):
        assert _created(served, "service", "clusterip", "api", "--tcp=80:8080") == "service/api created\n"
        assert _service_spec(served, "api") == {
            "ports": [{"name": "80-8080", "port": 80, "protocol": "TCP", "targetPort": 8080}],
            "selector": {"app": "api"}, "type": "ClusterIP", **IP_DEFAULTS}

    def test_headless(self, served):
        assert _created(served, "service", "clusterip", "peers", "--clusterip=None") == "service/peers created\n"
        assert _object(served, "service/peers")["spec"]["clusterIP"] == "None"

    def test_nodeport(self, served):
        assert _created(served, "service", "nodeport", "edge", "--tcp=80:8080", "--node-port=30080") == \
            "service/edge created\n"
        assert _service_spec(served, "edge") == {
            "externalTrafficPolicy": "Cluster",
            "ports": [{"name": "80-8080", "nodePort": 30080, "port": 80, "protocol": "TCP", "targetPort": 8080}],
            "selector": {"app": "edge"}, "type": "NodePort", **IP_DEFAULTS}

    def test_loadbalancer(self, served):
        assert _created(served, "service", "loadbalancer", "front", "--tcp=443:8443") == "service/front created\n"
        spec = _service_spec(served, "front")
        assert (spec["type"], spec["ports"][0]["port"], spec["ports"][0]["targetPort"]) == ("LoadBalancer", 443, 8443)
        assert 30000 <= spec["ports"][0]["nodePort"] <= 32767

    def test_externalname(self, served):
        assert _created(served, "service", "externalname", "db", "--external-name=db.example.com") == \
            "service/db created\n"
        assert _service_spec(served, "db") == {"externalName": "db.example.com", "selector": {"app": "db"},
                                               "sessionAffinity": "None", "type": "ExternalName"}

    def test_expose_a_deployment(self, served):
        _created(served, "deployment", "shop", "--image=nginx:1.25")
        result = served.kubectl("expose", "deployment", "shop", "--port=80", "--target-port=8080")
        assert result.stdout == "service/shop exposed\n"
        assert _service_spec(served, "shop") == {
            "ports": [{"port": 80, "protocol": "TCP", "targetPort": 8080}], "selector": {"app": "shop"},
            "type": "ClusterIP", **IP_DEFAULTS}

    def test_ingress(self, served):
        assert _created(served, "ingress", "site", "--class=default", "--rule=foo.com/bar*=api:80,tls=site-cert",
                        "--default-backend=api:http") == "ingress.networking.k8s.io/site created\n"
        assert _object(served, "ingress/site")["spec"] == {
            "defaultBackend": {"service": {"name": "api", "port": {"name": "http"}}}, "ingressClassName": "default",
            "rules": [{"host": "foo.com", "http": {"paths": [
                {"backend": {"service": {"name": "api", "port": {"number": 80}}}, "path": "/bar",
                 "pathType": "Prefix"}]}}],
            "tls": [{"hosts": ["foo.com"], "secretName": "site-cert"}]}


class TestRbac:
    def test_role_and_rolebinding(self, served):
        assert _created(served, "role", "reader", "--verb=get,list", "--resource=pods,deployments.apps",
                        "--resource-name=web") == "role.rbac.authorization.k8s.io/reader created\n"
        assert _object(served, "role/reader")["rules"] == [
            {"apiGroups": [""], "resourceNames": ["web"], "resources": ["pods"], "verbs": ["get", "list"]},
            {"apiGroups": ["apps"], "resourceNames": ["web"], "resources": ["deployments"], "verbs": ["get", "list"]}]
        assert _created(served, "rolebinding", "read", "--role=reader", "--user=ann", "--group=devs",
                        "--serviceaccount=default:robot") == "rolebinding.rbac.authorization.k8s.io/read created\n"
        binding = _object(served, "rolebinding/read")
        assert (binding["roleRef"], binding["subjects"]) == (
            {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
            [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "ann"},
             {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "devs"},
             {"kind": "ServiceAccount", "name": "robot", "namespace": "default"}])

    def test_clusterrole_and_clusterrolebinding(self, served):
        assert _created(served, "clusterrole", "logs", "--verb=get", "--non-resource-url=/logs/*") == \
            "clusterrole.rbac.authorization.k8s.io/logs created\n"
        assert _object(served, "clusterrole/logs") == {
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "logs"},
            "rules": [{"nonResourceURLs": ["/logs/*"], "verbs": ["get"]}]}
        assert _created(served, "clusterrolebinding", "logs", "--clusterrole=logs", "--user=ann") == \
            "clusterrolebinding.rbac.authorization.k8s.io/logs created\n"
        assert _object(served, "clusterrolebinding/logs")["subjects"] == [
            {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "ann"}]


    def test_auth_reconcile_creates_then_leaves_alone(self, served, tmp_path):
        manifest = tmp_path / "rbac.yaml"
        manifest.write_text("""apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: rec, namespace: default}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rec, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: rec}
subjects: [{kind: User, name: ann, apiGroup: rbac.authorization.k8s.io}]
""")
        first = served.kubectl("auth", "reconcile", "-f", str(manifest))
        assert first.stdout == "role.rbac.authorization.k8s.io/rec reconciled\n" \
                               "rolebinding.rbac.authorization.k8s.io/rec reconciled\n"
        assert "\treconciliation required create\n" in first.stderr
        again = served.kubectl("auth", "reconcile", "-f", str(manifest))
        assert (again.stdout, again.stderr) == (first.stdout, "")
        assert _object(served, "role/rec")["rules"] == [{"apiGroups": [""], "resources": ["pods"],
                                                         "verbs": ["get"]}]


class TestTokens:
    def test_create_token_prints_a_token_that_authenticates(self, served):
        _created(served, "serviceaccount", "bot")
        token = served.kubectl("create", "token", "bot", "--audience=api", "--duration=1h").stdout.strip()
        header, payload, _ = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        assert (claims["sub"], claims["aud"], claims["exp"] - claims["iat"]) == (
            "system:serviceaccount:default:bot", ["api"], 3600)
        assert served.kubectl("--token", token, "get", "serviceaccount", "bot", "-o", "name").stdout == \
            "serviceaccount/bot\n"
        assert served.kubectl("--token", token[:-2], "get", "serviceaccount", "bot", check=False).stderr == \
            "error: You must be logged in to the server (Unauthorized)\n"

    def test_create_token_refusals(self, served):
        short = served.kubectl("create", "token", "bot", "--duration=5m", check=False)
        assert (short.returncode, short.stderr) == (1, 'error: failed to create token: TokenRequest.authentication.k8s.io '
                                                       '"" is invalid: spec.expirationSeconds: Invalid value: 300: may '
                                                       'not specify a duration less than 10 minutes\n')
        missing = served.kubectl("create", "token", "nobody", check=False)
        assert (missing.returncode, missing.stderr) == (
            1, 'error: failed to create token: serviceaccounts "nobody" not found\n')


class TestDebug:
    """kubectl debug creates whole Pods (the copy of one, or a node's debugger) through the typed client."""

    def test_a_copy_with_a_debug_container(self, served):
        _created(served, "namespace", "debugging")
        served.kubectl("run", "orig", "-n", "debugging", "--image=nginx:1.25", "--env=A=1", "--port=80")
        served.kubectl("debug", "orig", "-n", "debugging", "--copy-to=orig-copy", "--image=busybox",
                       "--container=dbg", "--attach=false", "--profile=general", "--", "sleep", "100")
        spec = _object(served, "pod/orig-copy", "debugging")["spec"]
        original = _object(served, "pod/orig", "debugging")["spec"]
        mounts = original["containers"][0]["volumeMounts"]
        assert spec["containers"] == [original["containers"][0], {
            "command": ["sleep", "100"], "image": "busybox", "imagePullPolicy": "Always", "name": "dbg",
            "securityContext": {"capabilities": {"add": ["SYS_PTRACE"]}}, "volumeMounts": mounts,
            **CONTAINER_DEFAULTS}]
        assert spec["shareProcessNamespace"] is True and spec["priority"] == 0
        assert spec["volumes"] == original["volumes"] and spec["tolerations"] == original["tolerations"]

    def test_a_node_debugger(self, served):
        node = json.loads(served.kubectl("get", "nodes", "-o", "json").stdout)["items"][0]["metadata"]["name"]
        result = served.kubectl("debug", f"node/{node}", "-n", "debugging", "--image=busybox", "--attach=false",
                                "--profile=general")
        name = result.stdout.split()[3]
        assert result.stdout == f"Creating debugging pod {name} with container debugger on node {node}.\n"
        spec = _object(served, f"pod/{name}", "debugging")["spec"]
        assert (spec["hostIPC"], spec["hostNetwork"], spec["hostPID"], spec["nodeName"], spec["restartPolicy"],
                spec["tolerations"]) == (True, True, True, node, "Never", [{"operator": "Exists"}])
        assert spec["volumes"][0] == {"hostPath": {"path": "/", "type": ""}, "name": "host-root"}
        assert spec["containers"][0]["volumeMounts"][0] == {"mountPath": "/host", "name": "host-root"}


class TestTypedClientDeletes:
    def test_drain_without_eviction_deletes_with_protobuf_options(self, served):
        served.kubectl("run", "lonely", "--image=nginx:1.25")
        node = wait_for(lambda: served.kubectl("get", "pod", "lonely", "-o", "jsonpath={.spec.nodeName}").stdout,
                        what="pod lonely to be scheduled")
        try:
            result = served.kubectl("drain", node, "--force", "--disable-eviction", "--grace-period=0",
                                    "--ignore-daemonsets", "--timeout=60s")
            assert "pod/lonely deleted" in result.stdout.splitlines()
            assert result.stdout.splitlines()[-1] == f"node/{node} drained"
        finally:
            served.kubectl("uncordon", node)
        assert served.kubectl("get", "pod", "lonely", check=False).stderr == \
            'Error from server (NotFound): pods "lonely" not found\n'


ROUND_TRIP_MANIFESTS = ["apps/statefulset-web.yaml", "apps/namespace-policy.yaml", "hpa/php-apache.yaml",
                        "hpa/hpa-php-apache.yaml", "jobs/cronjob.yaml", "jobs/job-pod-failure-policy-example.yaml",
                        "reliability/frontend.yaml"]
ROUND_TRIP_KINDS = ("pods,nodes,services,endpoints,configmaps,secrets,events,persistentvolumeclaims,"
                    "persistentvolumes,deployments,replicasets,statefulsets,daemonsets,controllerrevisions,jobs,"
                    "cronjobs,ingresses,ingressclasses,endpointslices,horizontalpodautoscalers,poddisruptionbudgets,"
                    "leases,serviceaccounts,limitranges,resourcequotas,networkpolicies,roles,clusterroles,"
                    "rolebindings,clusterrolebindings,priorityclasses,storageclasses,namespaces")


def _only_drops_zeros(decoded, original, path="") -> list[str]:
    """Where `decoded` differs from `original` other than by leaving out a zero value (protobuf has no empty
    list or map, and the JSON of a non-pointer zero leaves it out too)."""
    if isinstance(original, dict) and isinstance(decoded, dict):
        wrong = [f"{path}.{k}: extra" for k in decoded if k not in original]
        for key, value in original.items():
            if key in decoded:
                wrong += _only_drops_zeros(decoded[key], value, f"{path}.{key}")
            elif value not in ([], {}, 0, False, "", None):
                wrong.append(f"{path}.{key}: {value!r} lost")
        return wrong
    if isinstance(original, list) and isinstance(decoded, list) and len(original) == len(decoded):
        return [w for i, (d, o) in enumerate(zip(decoded, original)) for w in _only_drops_zeros(d, o, f"{path}[{i}]")]
    return [] if decoded == original else [f"{path}: {original!r} became {decoded!r}"]


class TestEveryStoredObjectRoundTrips:
    def test_the_schema_knows_every_field_litekube_stores(self, served):
        """Each object litekube serves, written as protobuf the way gogo writes it and decoded again, comes back
        as it was: the table lacks no field that litekube's objects carry, statuses included."""
        from litekube.ui.kubeapi import protobuf, protoschema
        from tests.serve.protobufs import encode, envelope
        for name in ROUND_TRIP_MANIFESTS:
            served.kubectl("apply", "-f", str(ROOT / "tests" / "manifests" / name))
        served.kubectl("rollout", "status", "deployment/php-apache", "--timeout=60s")  # pods with statuses
        items = json.loads(served.kubectl("get", ROUND_TRIP_KINDS, "-A", "-o", "json").stdout)["items"]
        kinds = set()
        for obj in items:
            kinds.add(obj["kind"])
            message = protoschema.KINDS[(obj["apiVersion"], obj["kind"])]
            raw = encode({k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}, message)
            decoded = protobuf.decode(envelope(obj["apiVersion"], obj["kind"], raw))
            assert _only_drops_zeros(decoded, obj) == [], (obj["kind"], obj["metadata"]["name"])
        assert kinds >= {"Pod", "Node", "StatefulSet", "ControllerRevision", "PersistentVolumeClaim", "Job",
                         "CronJob", "HorizontalPodAutoscaler", "EndpointSlice", "Lease", "Event", "NetworkPolicy",
                         "LimitRange", "ReplicaSet"}
