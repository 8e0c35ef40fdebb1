"""The serviceaccount, root-ca-cert-publisher and resourcequota controllers, and the kubelet's wait
for ConfigMaps and Secrets, as pure functions: objects in, actions out."""
from __future__ import annotations

from litekube.reconcile.base import Create, Key, RecordEvent, Update, UpdateStatus
from litekube.reconcile.kubelet import references
from litekube.reconcile.kubelet.components import PODS
from litekube.reconcile.resourcequota import controller as resourcequota
from litekube.reconcile.root_ca_publisher import controller as root_ca
from litekube.reconcile.serviceaccount import controller as serviceaccount
from litekube.reconcile.views import MemoryView


def namespace(name: str, deleting: bool = False) -> dict:
    meta = {"name": name, "uid": f"u-{name}"}
    if deleting:
        meta["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta}


def pod(name: str, ns: str = "team", cpu: str = "100m", **spec) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns, "uid": f"u-{name}"},
            "spec": {"containers": [{"name": "app", "image": "x", "resources": {"requests": {"cpu": cpu}}}], **spec}}


class TestServiceAccountController:
    def test_creates_default_in_a_namespace_without_one(self):
        result = serviceaccount.reconcile(Key("Namespace", "", "team"), MemoryView([namespace("team")]), 0)
        assert result.actions == [Create({"apiVersion": "v1", "kind": "ServiceAccount",
                                          "metadata": {"name": "default", "namespace": "team"}})]

    def test_nothing_when_it_exists_or_the_namespace_terminates(self):
        sa = {"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "team"}}
        assert serviceaccount.reconcile(Key("Namespace", "", "team"), MemoryView([namespace("team"), sa]), 0).actions == []
        assert serviceaccount.reconcile(Key("Namespace", "", "team"),
                                        MemoryView([namespace("team", deleting=True)]), 0).actions == []

    def test_a_deleted_default_account_maps_to_its_namespace(self):
        sa = {"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "team"}}
        other = {"kind": "ServiceAccount", "metadata": {"name": "robot", "namespace": "team"}}
        mapper = serviceaccount.COMPONENT.watches["ServiceAccount"]
        assert list(mapper(sa, MemoryView())) == [Key("Namespace", "", "team")]
        assert list(mapper(other, MemoryView())) == []


class TestRootCAPublisher:
    def test_publishes_and_repairs(self):
        key = Key("Namespace", "", "team")
        (create,) = root_ca.reconcile(key, MemoryView([namespace("team")]), 0).actions
        assert create.obj["metadata"]["name"] == "kube-root-ca.crt" and create.obj["data"] == {"ca.crt": root_ca.CA_CERT}
        tampered = {**create.obj, "data": {"ca.crt": "x"}}
        (update,) = root_ca.reconcile(key, MemoryView([namespace("team"), tampered]), 0).actions
        assert isinstance(update, Update) and update.obj["data"] == {"ca.crt": root_ca.CA_CERT}
        assert root_ca.reconcile(key, MemoryView([namespace("team"), create.obj]), 0).actions == []


def quota(hard: dict, status: dict | None = None) -> dict:
    obj = {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q", "namespace": "team"},
           "spec": {"hard": hard}}
    if status is not None:
        obj["status"] = status
    return obj


class TestResourceQuotaController:
    def test_status_mirrors_hard_and_sums_used(self):
        view = MemoryView([quota({"pods": "5", "requests.cpu": "1"}), pod("a"), pod("b", cpu="250m"),
                           pod("elsewhere", ns="other")])
        (update,) = resourcequota.reconcile(Key("ResourceQuota", "team", "q"), view, 0).actions
        assert isinstance(update, UpdateStatus)
        assert update.obj["status"] == {"hard": {"pods": "5", "requests.cpu": "1"},
                                        "used": {"pods": "2", "requests.cpu": "350m"}}

    def test_no_write_when_unchanged(self):
        status = {"hard": {"pods": "5"}, "used": {"pods": "1"}}
        view = MemoryView([quota({"pods": "5"}, status), pod("a")])
        assert resourcequota.reconcile(Key("ResourceQuota", "team", "q"), view, 0).actions == []

    def test_a_terminating_pod_is_looked_at_again_when_it_stops_counting(self):
        doomed = pod("a")
        doomed["metadata"].update(deletionTimestamp="1970-01-01T00:00:30Z", deletionGracePeriodSeconds=30)
        result = resourcequota.reconcile(Key("ResourceQuota", "team", "q"), MemoryView([quota({"pods": "5"}), doomed]), 0)
        assert result.actions[0].obj["status"]["used"] == {"pods": "1"}
        assert result.requeue_after == 61  # deletionTimestamp + grace again, then just after

    def test_pods_map_to_the_quotas_that_count_them(self):
        view = MemoryView([quota({"pods": "5"}), {**quota({"count/configmaps": "1"}),
                                                  "metadata": {"name": "cm", "namespace": "team"}}])
        mapper = resourcequota.COMPONENT.watches["Pod"]
        assert list(mapper(pod("a"), view)) == [Key("ResourceQuota", "team", "q")]


class TestKubeletWaits:
    VOLUME = {"name": "config", "configMap": {"name": "app-config"}}

    def test_a_missing_volume_object_is_reported_once_mountable_ones_are_not(self):
        p = pod("p", volumes=[self.VOLUME])
        assert references.missing_volume(p, MemoryView([p])) == ("config", 'configmap "app-config" not found')
        cm = {"kind": "ConfigMap", "metadata": {"name": "app-config", "namespace": "team"}}
        assert references.missing_volume(p, MemoryView([p, cm])) is None
        optional = pod("o", volumes=[{"name": "s", "secret": {"secretName": "x", "optional": True}}])
        assert references.missing_volume(optional, MemoryView([optional])) is None

    def test_env_errors_are_worded_as_the_kubelets(self):
        container = {"name": "app", "env": [{"name": "K", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]}
        p = pod("p")
        assert references.config_error(p, container, MemoryView()) == 'secret "s" not found'
        secret = {"kind": "Secret", "metadata": {"name": "s", "namespace": "team"}, "data": {"other": "eA=="}}
        assert references.config_error(p, container, MemoryView([secret])) == "couldn't find key k in Secret team/s"

    def test_the_wait_is_container_creating_with_a_failed_mount_event(self):
        p = pod("p", volumes=[self.VOLUME], nodeName="node-1")
        node = {"kind": "Node", "metadata": {"name": "node-1"}}
        result = references.wait_for_volume(p, node, "config", 'configmap "app-config" not found', "kubelet")
        update, event = result.actions
        assert update.obj["status"]["containerStatuses"][0]["state"] == {"waiting": {"reason": "ContainerCreating"}}
        assert isinstance(event, RecordEvent) and (event.type, event.reason, event.message) == (
            "Warning", "FailedMount", 'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found')
        assert result.requeue_after is None  # the ConfigMap's arrival triggers the kubelet, through the index

    def test_the_index_maps_a_configmap_to_the_bound_pods_that_use_it(self):
        bound = pod("bound", volumes=[self.VOLUME], nodeName="node-1")
        unbound = pod("unbound", volumes=[self.VOLUME])
        unrelated = pod("unrelated", nodeName="node-1")
        view = MemoryView([bound, unbound, unrelated])
        cm = {"kind": "ConfigMap", "metadata": {"name": "app-config", "namespace": "team"}}
        assert list(PODS.watches["ConfigMap"](cm, view)) == [Key("Pod", "team", "bound")]
        view.discard(Key("Pod", "team", "bound"))
        assert view.pods_referencing("ConfigMap", "team", "app-config") == [unbound]
