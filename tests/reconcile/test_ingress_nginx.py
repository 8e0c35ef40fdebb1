"""ingress-nginx's status sync as a pure function: objects in, actions out."""
from __future__ import annotations

import pytest

from litekube.model.network import ingress_nginx as nginx
from litekube.reconcile.base import Key, RecordEvent, UpdateStatus
from litekube.reconcile.ingress_nginx import controller
from litekube.reconcile.views import MemoryView

KEY = Key("Ingress", "default", "web")


def _ingress(cls: str | None = "nginx", annotations: dict | None = None, status: dict | None = None) -> dict:
    spec: dict = {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}
    if cls is not None:
        spec["ingressClassName"] = cls
    obj = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
           "metadata": {"name": "web", "namespace": "default", "uid": "u1", "annotations": annotations or {}},
           "spec": spec}
    if status is not None:
        obj["status"] = status
    return obj


def _objects(ingress: dict, lb: list[dict] | None = None, ready: bool = True, external_ips=()) -> list[dict]:
    objs = {o["kind"]: o for o in nginx.objects()}
    svc = {**objs["Service"], "status": {"loadBalancer": {"ingress": lb if lb is not None else
                                                          [{"ip": "172.18.255.200", "ipMode": "VIP"}]}}}
    if external_ips:
        svc = {**svc, "spec": {**svc["spec"], "externalIPs": list(external_ips)}}
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "ingress-nginx-controller-abc", "namespace": nginx.NAMESPACE,
                        "labels": dict(nginx.SELECTOR)},
           "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}
    return [ingress, objs["IngressClass"], svc, pod]


def test_publishes_the_service_address_and_records_sync():
    result = controller.reconcile(KEY, MemoryView(_objects(_ingress())), 0.0)
    update, event = result.actions
    assert isinstance(update, UpdateStatus) and isinstance(event, RecordEvent)
    assert update.obj["status"] == {"loadBalancer": {"ingress": [{"ip": "172.18.255.200"}]}}
    assert (event.reason, event.message, event.component) == ("Sync", "Scheduled for sync",
                                                              "nginx-ingress-controller")


def test_nothing_when_already_published():
    ing = _ingress(status={"loadBalancer": {"ingress": [{"ip": "172.18.255.200"}]}})
    assert controller.reconcile(KEY, MemoryView(_objects(ing)), 0.0).actions == []


@pytest.mark.parametrize("ingress", [
    _ingress(cls="other"),                                      # another class
    _ingress(cls=None),                                         # no class, no annotation
    _ingress(cls=None, annotations={"kubernetes.io/ingress.class": "traefik"}),
], ids=["other-class", "no-class", "other-annotation"])
def test_ignores_ingresses_of_other_controllers(ingress):
    assert controller.reconcile(KEY, MemoryView(_objects(ingress)), 0.0).actions == []


def test_legacy_annotation_is_served():
    ingress = _ingress(cls=None, annotations={"kubernetes.io/ingress.class": "nginx"})
    assert len(controller.reconcile(KEY, MemoryView(_objects(ingress)), 0.0).actions) == 2


def test_no_leader_without_a_ready_controller_pod():
    assert controller.reconcile(KEY, MemoryView(_objects(_ingress(), ready=False)), 0.0).actions == []


def test_pending_service_clears_the_address():
    ing = _ingress(status={"loadBalancer": {"ingress": [{"ip": "172.18.255.200"}]}})
    [update, _] = controller.reconcile(KEY, MemoryView(_objects(ing, lb=[])), 0.0).actions
    assert update.obj["status"] == {"loadBalancer": {}}


def test_addresses_sorted_with_hostnames_and_external_ips():
    objs = _objects(_ingress(), lb=[{"ip": "172.18.255.201"}, {"hostname": "lb.example.com"}],
                    external_ips=["10.0.0.5"])
    [update, _] = controller.reconcile(KEY, MemoryView(objs), 0.0).actions
    assert update.obj["status"]["loadBalancer"]["ingress"] == [
        {"ip": "10.0.0.5"}, {"ip": "172.18.255.201"}, {"hostname": "lb.example.com"}]


def test_class_must_belong_to_ingress_nginx():
    objs = _objects(_ingress())
    objs[1] = {**objs[1], "spec": {"controller": "example.com/other"}}
    assert controller.reconcile(KEY, MemoryView(objs), 0.0).actions == []
