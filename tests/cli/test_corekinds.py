"""ServiceAccount, LimitRange, ResourceQuota, PriorityClass, RBAC and NetworkPolicy through the real CLI.

Exact output for kubectl's columns, describe layouts and the admission refusals.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parents[1] / "manifests" / "apps"


def pod(name: str, extra: str = "", container_extra: str = "") -> str:
    return (f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{extra}"
            f"  containers:\n  - name: app\n    image: nginx:1.27\n{container_extra}")


def statuses(lk, selector: str = "") -> list[str]:
    args = ["get", "pods", "--no-headers"] + (["-l", selector] if selector else [])
    return [line.split()[2] for line in lk(*args).stdout.splitlines()]


class TestApplications:
    @pytest.mark.parametrize("manifest,pods", [
        ("microservices-demo.yaml", 12), ("guestbook.yaml", 6), ("namespace-policy.yaml", 2)])
    def test_applies_and_every_pod_runs(self, lk, manifest, pods):
        result = lk("apply", "-f", str(APPS / manifest))
        assert result.exit_code == 0, result.stderr
        assert statuses(lk) == ["Running"] * pods


class TestServiceAccounts:
    def test_every_namespace_gets_default_and_the_root_ca(self, lk):
        lk("apply", "-f", "-", input="apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n")
        assert lk("get", "sa", "-A", "--no-headers").stdout.split()[::4] == [
            "default", "kube-flannel", "kube-flannel", "kube-node-lease", "kube-public", "kube-system", "kube-system",
            "kube-system", "team"]  # kube-flannel's flannel, kube-system's coredns and kube-proxy
        assert lk("get", "cm", "-n", "team", "-o", "name").stdout == "configmap/kube-root-ca.crt\n"

    def test_a_deleted_default_account_comes_back(self, lk):
        lk("apply", "-f", "-", input="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
        assert lk("delete", "sa", "default").stdout == 'serviceaccount "default" deleted\n'
        assert lk("get", "sa", "-o", "name").stdout == "serviceaccount/default\n"

    def test_a_missing_account_is_refused(self, lk):
        result = lk("apply", "-f", "-", input=pod("p", "  serviceAccountName: robot\n"))
        assert (result.exit_code, result.stderr) == (1, (
            'Error from server (Forbidden): error when creating "STDIN": pods "p" is forbidden: error looking up '
            'service account default/robot: serviceaccount "robot" not found\n'))
        assert lk("get", "pod", "p").exit_code == 1

    def test_the_token_volume_is_mounted_and_deterministic(self, lk, tmp_path):
        lk("apply", "-f", "-", input=pod("p"))
        spec = json.loads(lk("get", "pod", "p", "-o", "json").stdout)["spec"]
        (volume,) = spec["volumes"]
        assert volume["name"].startswith("kube-api-access-") and len(volume["name"]) == len("kube-api-access-") + 5
        assert volume["projected"]["sources"][0] == {"serviceAccountToken": {"expirationSeconds": 3607,
                                                                             "path": "token"}}
        assert spec["containers"][0]["volumeMounts"] == [{
            "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": volume["name"], "readOnly": True}]
        assert (spec["serviceAccountName"], spec["serviceAccount"]) == ("default", "default")
        again = type(lk)(tmp_path / "again.db")
        again("apply", "-f", "-", input=pod("p"))
        assert json.loads(again("get", "pod", "p", "-o", "json").stdout)["spec"]["volumes"][0]["name"] == volume["name"]

    def test_automount_false_is_respected(self, lk):
        lk("apply", "-f", "-", input=pod("p", "  automountServiceAccountToken: false\n"))
        spec = json.loads(lk("get", "pod", "p", "-o", "json").stdout)["spec"]
        assert "volumes" not in spec and "volumeMounts" not in spec["containers"][0]

    def test_describe(self, lk):
        assert lk("describe", "sa", "default").stdout == (
            "Name:                default\n"
            "Namespace:           default\n"
            "Labels:              <none>\n"
            "Annotations:         <none>\n"
            "Image pull secrets:  <none>\n"
            "Mountable secrets:   <none>\n"
            "Tokens:              <none>\n"
            "Events:              <none>\n")


QUOTA = """apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
spec:
  hard:
    pods: "2"
    requests.cpu: "1"
    requests.memory: 1Gi
    limits.cpu: "2"
    limits.memory: 2Gi
"""


def limited_pod(name: str, cpu: str = "500m", memory: str = "256Mi") -> str:
    return pod(name, container_extra=(f"    resources:\n      requests: {{cpu: {cpu}, memory: {memory}}}\n"
                                      f"      limits: {{cpu: {cpu}, memory: {memory}}}\n"))


class TestResourceQuota:
    def test_status_columns_and_describe(self, lk):
        lk("apply", "-f", "-", input=QUOTA)
        lk("apply", "-f", "-", input=limited_pod("a"))
        assert lk("get", "quota").stdout == (
            "NAME      AGE   REQUEST                                                       "
            "LIMIT\n"
            "compute   1s    pods: 1/2, requests.cpu: 500m/1, requests.memory: 256Mi/1Gi   "
            "limits.cpu: 500m/2, limits.memory: 256Mi/2Gi\n")
        assert lk("describe", "quota", "compute").stdout == (
            "Name:            compute\n"
            "Namespace:       default\n"
            "Resource         Used   Hard\n"
            "--------         ---    ---\n"
            "limits.cpu       500m   2\n"
            "limits.memory    256Mi  2Gi\n"
            "pods             1      2\n"
            "requests.cpu     500m   1\n"
            "requests.memory  256Mi  1Gi\n")

    def test_exactly_at_the_limit_then_one_over(self, lk):
        lk("apply", "-f", "-", input=QUOTA)
        assert lk("apply", "-f", "-", input=limited_pod("a")).exit_code == 0
        assert lk("apply", "-f", "-", input=limited_pod("b")).exit_code == 0  # requests.cpu now exactly 1
        over = lk("apply", "-f", "-", input=limited_pod("c", cpu="1m", memory="1Mi"))
        assert (over.exit_code, over.stderr) == (1, (
            'Error from server (Forbidden): error when creating "STDIN": pods "c" is forbidden: exceeded quota: '
            "compute, requested: pods=1,requests.cpu=1m, used: pods=2,requests.cpu=1, limited: "
            "pods=2,requests.cpu=1\n"))

    def test_containers_must_state_what_is_quota_d(self, lk):
        lk("apply", "-f", "-", input=QUOTA)
        result = lk("apply", "-f", "-", input=pod("p"))
        assert result.stderr == (
            'Error from server (Forbidden): error when creating "STDIN": pods "p" is forbidden: failed quota: '
            "compute: must specify limits.cpu for: app; limits.memory for: app; requests.cpu for: app; "
            "requests.memory for: app\n")

    def test_a_replica_set_blocked_by_quota_records_failed_create(self, lk):
        lk("apply", "-f", "-", input=QUOTA.replace('pods: "2"', 'pods: "1"'))
        deployment = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n"
                      "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
                      "    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n"
                      "        resources:\n          limits: {cpu: 100m, memory: 64Mi}\n")
        result = lk("apply", "-f", "-", input=deployment)
        assert result.exit_code == 0 and result.stderr == ""  # blocked, yet settled
        assert statuses(lk) == ["Running"]
        events = json.loads(lk("get", "events", "--field-selector", "reason=FailedCreate", "-o", "json").stdout)
        (event,) = events["items"]
        rs = event["involvedObject"]["name"]
        assert (event["type"], event["involvedObject"]["kind"]) == ("Warning", "ReplicaSet")
        # Admission runs before the name is generated: the pod is named by its generateName.
        assert event["message"] == (f'Error creating: pods "{rs}-" is forbidden: exceeded quota: compute, '
                                    "requested: pods=1, used: pods=1, limited: pods=1")


LIMITS = """apiVersion: v1
kind: LimitRange
metadata:
  name: limits
spec:
  limits:
  - type: Container
    default: {cpu: 500m}
    defaultRequest: {cpu: 250m}
    max: {memory: 1Gi}
    min: {cpu: 100m}
"""


class TestLimitRange:
    def test_defaults_are_applied_and_annotated(self, lk):
        lk("apply", "-f", "-", input=LIMITS)
        lk("apply", "-f", "-", input=pod("p"))
        created = json.loads(lk("get", "pod", "p", "-o", "json").stdout)
        assert created["spec"]["containers"][0]["resources"] == {
            "limits": {"cpu": "500m", "memory": "1Gi"}, "requests": {"cpu": "250m", "memory": "1Gi"}}
        assert created["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
            "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app")

    @pytest.mark.parametrize("resources,message", [
        ("limits: {memory: 1025Mi}", "maximum memory usage per Container is 1Gi, but limit is 1025Mi"),
        ("requests: {cpu: 99m}", "minimum cpu usage per Container is 100m, but request is 99m"),
    ])
    def test_just_over_the_edges_is_refused(self, lk, resources, message):
        lk("apply", "-f", "-", input=LIMITS)
        result = lk("apply", "-f", "-", input=pod("p", container_extra=f"    resources:\n      {resources}\n"))
        assert (result.exit_code, result.stderr) == (1, (
            f'Error from server (Forbidden): error when creating "STDIN": pods "p" is forbidden: {message}\n'))

    @pytest.mark.parametrize("resources", ["limits: {memory: 1Gi}", "requests: {cpu: 100m}"])
    def test_exactly_at_the_edges_is_accepted(self, lk, resources):
        lk("apply", "-f", "-", input=LIMITS)
        assert lk("apply", "-f", "-", input=pod("p", container_extra=f"    resources:\n      {resources}\n"),
                  ).exit_code == 0

    def test_columns_and_describe(self, lk):
        lk("apply", "-f", "-", input=LIMITS)
        out = lk("get", "limits").stdout.splitlines()
        assert out[0].split() == ["NAME", "CREATED", "AT"] and out[1].split()[0] == "limits"
        assert lk("describe", "limits", "limits").stdout == (
            "Name:       limits\n"
            "Namespace:  default\n"
            "Type        Resource  Min   Max  Default Request  Default Limit  Max Limit/Request Ratio\n"
            "----        --------  ---   ---  ---------------  -------------  -----------------------\n"
            "Container   cpu       100m  -    250m             500m           -\n"
            "Container   memory    -     1Gi  1Gi              1Gi            -\n")

    def test_invalid_ranges_are_refused_with_upstreams_message(self, lk):
        bad = LIMITS.replace("defaultRequest: {cpu: 250m}", "defaultRequest: {cpu: 50m}")
        result = lk("apply", "-f", "-", input=bad)
        assert result.stderr.startswith(
            'The LimitRange "limits" is invalid: spec.limits[0].defaultRequest[cpu]: Invalid value: "50m": '
            "min value 100m is greater than default request value 50m")


class TestPriority:
    def test_pods_get_the_class_value(self, lk):
        lk("apply", "-f", "-", input="apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\n"
                                     "metadata: {name: high}\nvalue: 1000\npreemptionPolicy: Never\n")
        lk("apply", "-f", "-", input=pod("p", "  priorityClassName: high\n"))
        spec = json.loads(lk("get", "pod", "p", "-o", "json").stdout)["spec"]
        assert (spec["priority"], spec["preemptionPolicy"]) == (1000, "Never")

    def test_system_classes_exist(self, lk):
        assert lk("get", "pc").stdout == (
            "NAME                      VALUE        GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY\n"
            "system-cluster-critical   2000000000   false            5s    PreemptLowerPriority\n"
            "system-node-critical      2000001000   false            5s    PreemptLowerPriority\n")

    def test_unknown_class_is_refused(self, lk):
        result = lk("apply", "-f", "-", input=pod("p", "  priorityClassName: nope\n"))
        assert result.stderr == ('Error from server (Forbidden): error when creating "STDIN": pods "p" is '
                                 "forbidden: no PriorityClass with name nope was found\n")

    def test_a_global_default_applies_and_only_one_may_exist(self, lk):
        default = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {{name: {}}}\nvalue: 5\n" \
                  "globalDefault: true\n"
        assert lk("apply", "-f", "-", input=default.format("first")).exit_code == 0
        second = lk("apply", "-f", "-", input=default.format("second"))
        assert second.stderr == (
            'Error from server (Forbidden): error when creating "STDIN": priorityclasses.scheduling.k8s.io '
            '"second" is forbidden: PriorityClass first is already marked as default. Only one default can exist\n')
        lk("apply", "-f", "-", input=pod("p"))
        spec = json.loads(lk("get", "pod", "p", "-o", "json").stdout)["spec"]
        assert (spec["priorityClassName"], spec["priority"]) == ("first", 5)

    def test_reserved_names_and_values(self, lk):
        result = lk("apply", "-f", "-", input="apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\n"
                                              "metadata: {name: huge}\nvalue: 1000000001\n")
        assert result.stderr.startswith('The PriorityClass "huge" is invalid: value: Forbidden: maximum allowed '
                                        "value of a user defined priority is 1000000000")


class TestAccessKinds:
    def test_columns(self, lk):
        lk("apply", "-f", str(APPS / "namespace-policy.yaml"))
        assert lk("get", "rolebinding", "-o", "wide").stdout == (
            "NAME               ROLE               AGE   USERS   GROUPS   SERVICEACCOUNTS\n"
            "build-robot-view   ClusterRole/view   1s                     default/build-robot\n"
            "read-pods          Role/pod-reader    1s    jane\n")
        assert lk("get", "netpol").stdout == (
            "NAME                   POD-SELECTOR   AGE\n"
            "default-deny-ingress   <none>         1s\n"
            "test-network-policy    role=db        1s\n")

    def test_describe_binding(self, lk):
        lk("apply", "-f", str(APPS / "namespace-policy.yaml"))
        assert lk("describe", "rolebinding", "read-pods").stdout == (
            "Name:         read-pods\n"
            "Labels:       <none>\n"
            "Annotations:  <none>\n"
            "Role:\n"
            "  Kind:  Role\n"
            "  Name:  pod-reader\n"
            "Subjects:\n"
            "  Kind  Name  Namespace\n"
            "  ----  ----  ---------\n"
            "  User  jane  \n")

    def test_validation(self, lk):
        bad = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\n"
               "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Secret, name: x}\nsubjects:\n"
               "- {kind: User, name: jane}\n")
        assert lk("apply", "-f", "-", input=bad).stderr.startswith(
            'The RoleBinding "b" is invalid: [roleRef.kind: Unsupported value: "Secret": supported values: "Role", '
            '"ClusterRole", subjects[0].apiGroup: Unsupported value: "": supported values: '
            '"rbac.authorization.k8s.io"]')

    def test_default_cluster_roles(self, lk):
        assert lk("get", "clusterroles", "-o", "name").stdout == (
            "clusterrole.rbac.authorization.k8s.io/admin\nclusterrole.rbac.authorization.k8s.io/cluster-admin\n"
            "clusterrole.rbac.authorization.k8s.io/edit\nclusterrole.rbac.authorization.k8s.io/view\n")


class TestWaitingForReferences:
    VOLUME = pod("vol", "  volumes:\n  - name: config\n    configMap: {name: app-config}\n",
                 "    volumeMounts:\n    - {name: config, mountPath: /etc/config}\n")
    ENV = pod("env", "", "    env:\n    - name: LEVEL\n      valueFrom:\n"
                         "        configMapKeyRef: {name: app-config, key: level}\n")

    def test_a_missing_volume_keeps_the_pod_container_creating(self, lk):
        lk("apply", "-f", "-", input=self.VOLUME)
        assert lk("get", "pod", "vol", "--no-headers").stdout.split()[1:3] == ["0/1", "ContainerCreating"]
        events = lk("get", "events", "--field-selector", "reason=FailedMount").stdout
        assert 'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found' in events
        lk("apply", "-f", "-", input="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config}\n")
        assert lk("get", "pod", "vol", "--no-headers").stdout.split()[1:3] == ["1/1", "Running"]

    def test_a_missing_env_reference_is_a_config_error_until_the_key_appears(self, lk):
        lk("apply", "-f", "-", input=self.ENV)
        assert lk("get", "pod", "env", "--no-headers").stdout.split()[1:3] == ["0/1", "CreateContainerConfigError"]
        lk("apply", "-f", "-", input="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config}\n"
                                     "data: {other: x}\n")
        waiting = json.loads(lk("get", "pod", "env", "-o", "json").stdout)["status"]["containerStatuses"][0]
        assert waiting["state"] == {"waiting": {"reason": "CreateContainerConfigError",
                                                "message": "couldn't find key level in ConfigMap default/app-config"}}
        lk("apply", "-f", "-", input="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config}\n"
                                     "data: {level: debug}\n")
        assert lk("get", "pod", "env", "--no-headers").stdout.split()[1:3] == ["1/1", "Running"]

    def test_optional_references_do_not_wait(self, lk):
        lk("apply", "-f", "-", input=pod("opt", "", "    envFrom:\n    - secretRef: {name: nothere, optional: true}\n"))
        assert lk("get", "pod", "opt", "--no-headers").stdout.split()[1:3] == ["1/1", "Running"]


class TestFidelity:
    def test_generated_pod_names_never_come_back(self, lk):
        lk("apply", "-f", "-", input=("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n"
                                      "  selector: {matchLabels: {app: api}}\n  template:\n"
                                      "    metadata: {labels: {app: api}}\n"
                                      "    spec: {containers: [{name: app, image: nginx:1.27}]}\n"))
        seen = []
        for _ in range(6):
            (name,) = lk("get", "pods", "-o", "name").stdout.split()
            seen.append(name)
            lk("delete", name, "--grace-period", "0")
        assert len(set(seen)) == 6

    def test_pods_of_a_silent_node_are_marked_not_ready_at_the_grace_deadline(self, lk):
        lk("apply", "-f", "-", input=pod("p", "  nodeName: node-1\n"))
        lk("fault", "node-down", "node-1")
        lk("advance", "51s")
        conditions = json.loads(lk("get", "pod", "p", "-o", "json").stdout)["status"]["conditions"]
        assert {c["type"]: c["status"] for c in conditions}["Ready"] == "False"
        # kubectl's READY column counts containerStatuses[].ready, which only the (silent) kubelet writes.
        assert lk("get", "pod", "p", "--no-headers").stdout.split()[1] == "1/1"


class TestEveryInvalidDocument:
    def test_each_failing_document_is_reported_and_nothing_is_written(self, lk, tmp_path):
        bad = tmp_path / "bad.yaml"
        bad.write_text(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n"
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad}\n---\n"
            + pod("p", "  serviceAccountName: robot\n") + "---\n"
            "apiVersion: v1\nkind: Frobnicator\nmetadata: {name: f}\n")
        result = lk("apply", "-f", str(bad))
        assert result.exit_code == 1
        lines = result.stderr.splitlines()
        assert len(lines) == 3
        assert lines[0].startswith('The ConfigMap "Bad" is invalid: metadata.name: Invalid value: "Bad"')
        assert lines[0].endswith(f'(error when creating "{bad}" (document 2))')
        assert lines[1] == (f'Error from server (Forbidden): error when creating "{bad}" (document 3): pods "p" is '
                            'forbidden: error looking up service account default/robot: serviceaccount "robot" '
                            "not found")
        assert lines[2] == (f'error: resource mapping not found for name: "f" namespace: "" from "{bad}": no matches '
                            'for kind "Frobnicator" in version "v1"')
        assert lk("get", "cm", "ok").exit_code == 1


class TestDescribeRoles:
    def test_cluster_admin_as_kubectl_prints_it(self, lk):
        assert lk("describe", "clusterrole", "cluster-admin").stdout == (
            "Name:         cluster-admin\n"
            "Labels:       kubernetes.io/bootstrapping=rbac-defaults\n"
            "Annotations:  rbac.authorization.kubernetes.io/autoupdate: true\n"
            "PolicyRule:\n"
            "  Resources  Non-Resource URLs  Resource Names  Verbs\n"
            "  ---------  -----------------  --------------  -----\n"
            "  *.*        []                 []              [*]\n"
            "             [*]                []              [*]\n")

    def test_rules_are_broken_down_compacted_and_sorted(self, lk):
        lk("apply", "-f", "-", input=(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n"
            "- {apiGroups: [\"\", apps], resources: [pods, deployments/scale], verbs: [get, list]}\n"
            "- {apiGroups: [\"\"], resources: [pods], verbs: [watch]}\n"
            "- {apiGroups: [\"\"], resources: [configmaps], resourceNames: [app], verbs: [update]}\n"))
        assert lk("describe", "role", "r").stdout == (
            "Name:         r\n"
            "Labels:       <none>\n"
            "Annotations:  <none>\n"
            "PolicyRule:\n"
            "  Resources               Non-Resource URLs  Resource Names  Verbs\n"
            "  ---------               -----------------  --------------  -----\n"
            # sorted by PolicyRule.String(), verbs first: "[get list watch]" < "[get list]" (' ' < ']')
            "  pods                    []                 []              [get list watch]\n"
            "  deployments/scale       []                 []              [get list]\n"
            "  deployments.apps/scale  []                 []              [get list]\n"
            "  pods.apps               []                 []              [get list]\n"
            "  configmaps              []                 [app]           [update]\n")


class TestRuntimeClass:
    def test_columns_and_refusal(self, lk):
        lk("apply", "-f", "-", input="apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: gvisor}\n"
                                     "handler: runsc\n")
        assert lk("get", "runtimeclass").stdout == "NAME     HANDLER   AGE\ngvisor   runsc     0s\n"
        result = lk("apply", "-f", "-", input=pod("p", "  runtimeClassName: kata\n"))
        assert result.stderr == ('Error from server (Forbidden): error when creating "STDIN": pods "p" is forbidden: '
                                 'pod rejected: RuntimeClass "kata" not found\n')


def test_describe_network_policy(lk):
    lk("apply", "-f", str(APPS / "namespace-policy.yaml"))
    out = lk("describe", "netpol", "default-deny-ingress").stdout
    assert out.splitlines()[5:] == [
        "Spec:",
        "  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)",
        "  Allowing ingress traffic:",
        "    <none> (Selected pods are isolated for ingress connectivity)",
        "  Not affecting egress traffic",
        "  Policy Types: Ingress"]
    assert lk("describe", "netpol", "test-network-policy").stdout.splitlines()[6:17] == [
        "  PodSelector:     role=db",
        "  Allowing ingress traffic:",
        "    To Port: 6379/TCP",
        "    From:",
        "      IPBlock:",
        "        CIDR: 172.17.0.0/16",
        "        Except: 172.17.1.0/24",
        "    From:",
        "      NamespaceSelector: project=myproject",
        "    From:",
        "      PodSelector: role=frontend"]
