"""The official `kubernetes` Python client against `litekube serve`: CRUD, watch and resume, 409 and 410."""
from __future__ import annotations

import json
import threading

import pytest

kubernetes = pytest.importorskip("kubernetes")
from kubernetes import client, config, watch  # noqa: E402
from kubernetes.client.rest import ApiException  # noqa: E402

from litekube.store import Store  # noqa: E402
from tests.serve.servers import wait_for  # noqa: E402


@pytest.fixture(scope="module")
def api_client(served):
    return config.new_client_from_config(config_file=str(served.kubeconfig))


def _cm(name: str, labels: dict | None = None, data: dict | None = None) -> client.V1ConfigMap:
    return client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name, labels=labels), data=data or {"k": "v"})


def _deployment(name: str, replicas: int = 1) -> client.V1Deployment:
    labels = {"app": name}
    return client.V1Deployment(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1DeploymentSpec(
            replicas=replicas, selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="nginx:1.25")]))))


class TestCrud:
    def test_config_map_lifecycle(self, api_client):
        core = client.CoreV1Api(api_client)
        created = core.create_namespaced_config_map("default", _cm("crud", {"suite": "py"}))
        assert created.metadata.namespace == "default" and created.metadata.uid
        assert core.read_namespaced_config_map("crud", "default").data == {"k": "v"}
        listed = core.list_namespaced_config_map("default", label_selector="suite=py")
        assert [c.metadata.name for c in listed.items] == ["crud"]
        assert int(listed.metadata.resource_version) >= int(created.metadata.resource_version)
        created.data = {"k": "w"}
        replaced = core.replace_namespaced_config_map("crud", "default", created)
        assert int(replaced.metadata.resource_version) > int(created.metadata.resource_version)
        patched = core.patch_namespaced_config_map("crud", "default", {"data": {"x": "y"}})
        assert patched.data == {"k": "w", "x": "y"}
        core.patch_namespaced_config_map("crud", "default", [{"op": "remove", "path": "/data/x"}])
        assert core.read_namespaced_config_map("crud", "default").data == {"k": "w"}
        status = core.delete_namespaced_config_map("crud", "default")
        assert (status["kind"], status["status"], status["details"]["name"]) == ("Status", "Success", "crud")
        with pytest.raises(ApiException) as missing:
            core.read_namespaced_config_map("crud", "default")
        assert (missing.value.status, missing.value.reason) == (404, "Not Found")
        body = json.loads(missing.value.body)
        assert body == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                        "message": 'configmaps "crud" not found', "reason": "NotFound",
                        "details": {"name": "crud", "group": "", "kind": "configmaps"}, "code": 404}

    def test_deployment_and_scale(self, api_client):
        apps = client.AppsV1Api(api_client)
        apps.create_namespaced_deployment("default", _deployment("pyweb", 1))
        scale = apps.read_namespaced_deployment_scale("pyweb", "default")
        assert (scale.spec.replicas, scale.status.selector) == (1, "app=pyweb")
        apps.patch_namespaced_deployment_scale("pyweb", "default", {"spec": {"replicas": 2}})
        got = wait_for(lambda: ((d := apps.read_namespaced_deployment("pyweb", "default")).status
                                and d.status.ready_replicas) == 2
                       and d, what="2 ready replicas")
        assert got.metadata.generation == 2 and got.status.observed_generation == 2
        pods = client.CoreV1Api(api_client).list_namespaced_pod("default", label_selector="app=pyweb")
        assert len(pods.items) == 2 and all(p.status.phase == "Running" for p in pods.items)
        apps.delete_namespaced_deployment("pyweb", "default", propagation_policy="Foreground")
        wait_for(lambda: not client.CoreV1Api(api_client).list_namespaced_pod(
            "default", label_selector="app=pyweb").items, what="pods collected")

    def test_stale_update_is_409_conflict(self, api_client):
        core = client.CoreV1Api(api_client)
        first = core.create_namespaced_config_map("default", _cm("stale"))
        fresh = core.read_namespaced_config_map("stale", "default")
        fresh.data = {"k": "fresh"}
        core.replace_namespaced_config_map("stale", "default", fresh)
        first.data = {"k": "stale"}
        with pytest.raises(ApiException) as conflict:
            core.replace_namespaced_config_map("stale", "default", first)
        assert (conflict.value.status, conflict.value.reason) == (409, "Conflict")
        body = json.loads(conflict.value.body)
        assert body["reason"] == "Conflict"
        assert body["message"] == 'Operation cannot be fulfilled on configmaps "stale": the object has been ' \
                                  'modified; please apply your changes to the latest version and try again'
        assert core.read_namespaced_config_map("stale", "default").data == {"k": "fresh"}

    def test_pagination(self, api_client):
        core = client.CoreV1Api(api_client)
        for i in range(5):
            core.create_namespaced_config_map("default", _cm(f"page-{i}", {"suite": "page"}))
        names, token = [], None
        while True:
            page = core.list_namespaced_config_map("default", label_selector="suite=page", limit=2, _continue=token)
            names += [c.metadata.name for c in page.items]
            token = page.metadata._continue
            if not token:
                break
            assert page.metadata.remaining_item_count is None  # upstream counts only without selectors
        assert names == [f"page-{i}" for i in range(5)]


class TestWatch:
    def test_watch_then_resume_without_gap(self, api_client):
        core = client.CoreV1Api(api_client)
        start = core.list_namespaced_config_map("default", label_selector="suite=watch").metadata.resource_version
        seen: list[tuple[str, str]] = []
        last = {"rv": start}
        ready = threading.Event()

        def follow(count: int, since: str) -> None:
            w = watch.Watch()
            for event in w.stream(core.list_namespaced_config_map, "default", label_selector="suite=watch",
                                  resource_version=since, timeout_seconds=30):
                seen.append((event["type"], event["object"].metadata.name))
                last["rv"] = event["object"].metadata.resource_version
                if len(seen) >= count:
                    w.stop()
                    return

        thread = threading.Thread(target=follow, args=(2, start))
        thread.start()
        core.create_namespaced_config_map("default", _cm("w-a", {"suite": "watch"}))
        core.create_namespaced_config_map("default", _cm("w-b", {"suite": "watch"}))
        thread.join(60)
        assert seen == [("ADDED", "w-a"), ("ADDED", "w-b")]
        # written while nobody watches: a watch from the last resourceVersion gets them, and nothing twice
        core.create_namespaced_config_map("default", _cm("w-c", {"suite": "watch"}))
        core.patch_namespaced_config_map("w-a", "default", {"data": {"k": "2"}})
        core.delete_namespaced_config_map("w-b", "default")
        ready.set()
        follow(5, last["rv"])
        assert seen[2:] == [("ADDED", "w-c"), ("MODIFIED", "w-a"), ("DELETED", "w-b")]

    def test_watch_from_zero_lists_first(self, api_client):
        core = client.CoreV1Api(api_client)
        core.create_namespaced_config_map("default", _cm("zero", {"suite": "zero"}))
        w = watch.Watch()
        events = []
        for event in w.stream(core.list_namespaced_config_map, "default", label_selector="suite=zero",
                              timeout_seconds=5):
            events.append((event["type"], event["object"].metadata.name))
            w.stop()
        assert events == [("ADDED", "zero")]

    def test_410_gone_after_compaction(self, api_client, served):
        core = client.CoreV1Api(api_client)
        old = core.list_namespaced_config_map("default").metadata.resource_version
        for i in range(3):
            core.create_namespaced_config_map("default", _cm(f"gone-{i}"))
        store = Store(str(served.db))
        try:
            point = store.compact(history=0, min_age=0)
            point = store.compacted()
        finally:
            store.close()
        assert point > int(old)
        resp = core.list_namespaced_config_map("default", watch=True, resource_version=old, timeout_seconds=5,
                                               _preload_content=False)
        first = json.loads(resp.readline())
        resp.release_conn()
        assert first == {"type": "ERROR", "object": {
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": f"too old resource version: {old} ({point})", "reason": "Expired", "code": 410}}
        w = watch.Watch()
        with pytest.raises(ApiException) as gone:
            for _ in w.stream(core.list_namespaced_config_map, "default", resource_version=old, timeout_seconds=5):
                pass
        assert gone.value.status == 410
