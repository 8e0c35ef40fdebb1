"""The Service REST's allocation: ClusterIPs, nodePorts, healthCheckNodePort, type changes, release on delete."""
from __future__ import annotations

import threading

import pytest

from litekube import errors
from litekube.api.server import Api
from litekube.store import Store


def svc(name: str, **spec) -> dict:
    spec.setdefault("ports", [{"port": 80}])
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec}


def create(api, obj, namespace="default"):
    with api.write() as tx:
        return tx.create(obj, namespace=namespace)


def update(api, obj):
    with api.write() as tx:
        return tx.update(obj)


def message(exc) -> str:
    return str(exc.value)


def test_the_kubernetes_service_holds_the_first_address(api):
    with api.read() as tx:
        k = tx.get("Service", "default", "kubernetes")
        ep = tx.get("Endpoints", "default", "kubernetes")
        sl = tx.get("EndpointSlice", "default", "kubernetes")
    assert k["spec"]["clusterIPs"] == ["10.96.0.1"] and k["spec"]["ports"][0]["targetPort"] == 6443
    assert ep["subsets"][0]["addresses"] == [{"ip": "172.18.0.1"}]
    assert sl["endpoints"][0]["addresses"] == ["172.18.0.1"]
    assert sl["metadata"]["labels"] == {"kubernetes.io/service-name": "kubernetes"}


def test_dynamic_addresses_are_the_lowest_free_of_the_upper_band_and_released_on_delete(api):
    ips = [create(api, svc(f"s{i}"))["spec"]["clusterIP"] for i in range(3)]
    assert ips == ["10.96.1.1", "10.96.1.2", "10.96.1.3"]
    with api.write() as tx:
        tx.delete("Service", "default", "s1")
    assert create(api, svc("again"))["spec"]["clusterIPs"] == ["10.96.1.2"]


def test_defaults_as_upstream(api):
    out = create(api, svc("web", selector={"app": "web"}, sessionAffinity="ClientIP"))["spec"]
    assert out["ipFamilies"] == ["IPv4"] and out["ipFamilyPolicy"] == "SingleStack"
    assert out["internalTrafficPolicy"] == "Cluster" and out["type"] == "ClusterIP"
    assert out["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}
    assert out["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]


def test_requested_addresses(api):
    assert create(api, svc("dns", clusterIP="10.96.0.53"))["spec"]["clusterIPs"] == ["10.96.0.53"]
    with pytest.raises(errors.Invalid) as exc:
        create(api, svc("dup", clusterIP="10.96.0.10"))  # kube-system/kube-dns's
    assert message(exc) == ('The Service "dup" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: '
                            "failed to allocate IP 10.96.0.10: provided IP is already allocated")
    with pytest.raises(errors.Invalid) as exc:
        create(api, svc("far", clusterIP="10.1.0.5"))
    assert message(exc) == ('The Service "far" is invalid: spec.clusterIPs: Invalid value: []string{"10.1.0.5"}: '
                            "failed to allocate IP 10.1.0.5: the provided IP (10.1.0.5) is not in the valid "
                            "range. The range of valid IPs is 10.96.0.0/12")
    with pytest.raises(errors.Invalid):  # the broadcast address is not in the range either
        create(api, svc("bcast", clusterIP="10.111.255.255"))


def test_headless_and_external_name(api):
    headless = create(api, svc("hl", clusterIP="None", selector={"app": "x"}))["spec"]
    assert headless["clusterIPs"] == ["None"] and headless["ipFamilyPolicy"] == "SingleStack"
    selectorless = create(api, svc("hl2", clusterIP="None"))["spec"]
    assert selectorless["ipFamilyPolicy"] == "RequireDualStack" and selectorless["ipFamilies"] == ["IPv4", "IPv6"]
    ext = create(api, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
                       "spec": {"type": "ExternalName", "externalName": "my.database.example.com"}})["spec"]
    assert "clusterIP" not in ext and "ipFamilies" not in ext


def test_node_ports_per_port_and_protocol(api):
    out = create(api, svc("np", type="NodePort", ports=[
        {"name": "a", "port": 80}, {"name": "b", "port": 443, "nodePort": 30443},
        {"name": "dns", "port": 53, "protocol": "UDP"}, {"name": "dns-tcp", "port": 53, "protocol": "TCP"}]))
    assert [p["nodePort"] for p in out["spec"]["ports"]] == [30086, 30443, 30087, 30087]
    with pytest.raises(errors.Invalid) as exc:
        create(api, svc("np2", type="NodePort", ports=[{"port": 80, "nodePort": 30443, "protocol": "UDP"}]))
    assert message(exc) == ('The Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30443: '
                            "provided port is already allocated")
    with pytest.raises(errors.Invalid) as exc:
        create(api, svc("np3", type="NodePort", ports=[{"port": 80, "nodePort": 29999}]))
    assert "provided port is not in the valid range. The range of valid ports is 30000-32767" in message(exc)


def test_load_balancer_ports_and_health_check(api):
    lb = create(api, svc("lb", type="LoadBalancer", externalTrafficPolicy="Local"))["spec"]
    assert lb["ports"][0]["nodePort"] == 30086 and lb["healthCheckNodePort"] == 30087
    off = create(api, svc("lb2", type="LoadBalancer", allocateLoadBalancerNodePorts=False))["spec"]
    assert "nodePort" not in off["ports"][0] and "healthCheckNodePort" not in off


def test_updates_keep_allocations_and_type_changes_release_them(api):
    created = create(api, svc("web", type="NodePort"))
    ip, port = created["spec"]["clusterIP"], created["spec"]["ports"][0]["nodePort"]
    # A client that leaves out clusterIP and nodePort (kubectl apply of the manifest) keeps them.
    again = update(api, {**svc("web", type="NodePort")})
    assert again["spec"]["clusterIP"] == ip and again["spec"]["ports"][0]["nodePort"] == port
    with pytest.raises(errors.Invalid) as exc:
        update(api, svc("web", type="NodePort", clusterIP="10.96.1.9"))
    assert message(exc) == ('The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.1.9"}: '
                            "may not change once set")
    with pytest.raises(errors.Invalid):
        update(api, svc("web", type="NodePort", clusterIP="None"))
    # NodePort -> ClusterIP drops and releases the port.
    back = update(api, {**again, "spec": {**again["spec"], "type": "ClusterIP"}})
    assert "nodePort" not in back["spec"]["ports"][0] and "externalTrafficPolicy" not in back["spec"]
    assert create(api, svc("other", type="NodePort"))["spec"]["ports"][0]["nodePort"] == port
    # ClusterIP -> ExternalName releases the address; ExternalName -> ClusterIP allocates one.
    ext = update(api, {**back, "spec": {**back["spec"], "type": "ExternalName", "externalName": "a.example.com"}})
    assert "clusterIP" not in ext["spec"]
    assert create(api, svc("third"))["spec"]["clusterIP"] == ip
    ext["spec"].pop("externalName")
    restored = update(api, {**ext, "spec": {**ext["spec"], "type": "ClusterIP"}})
    assert restored["spec"]["clusterIP"] not in (ip, "") and restored["spec"]["ipFamilies"] == ["IPv4"]


def test_dry_run_allocates_nothing(api):
    with api.write(dry_run=True) as tx:
        assert tx.create(svc("dry"))["spec"]["clusterIP"] == "10.96.1.1"
    assert create(api, svc("real"))["spec"]["clusterIP"] == "10.96.1.1"


def test_configured_service_cidr(backend):
    store = Store(backend.db("c.db"), wall=lambda: 1_700_000_000.0)
    api = Api(store, node_count=0, service_cidr="10.43.0.0/16")
    with api.read() as tx:
        assert tx.get("Service", "default", "kubernetes")["spec"]["clusterIP"] == "10.43.0.1"
    assert create(api, svc("a"))["spec"]["clusterIP"] == "10.43.1.1"
    store.close()


def test_a_full_upper_band_falls_back_to_the_lower_band_then_the_range_is_full(backend):
    # 10.44.0.0/27: 30 addresses, the static band offsets 0-15 (10.44.0.1 is the kubernetes
    # Service's), the dynamic band 16-29 (10.44.0.17-10.44.0.30).
    store = Store(backend.db("c.db"), wall=lambda: 1_700_000_000.0)
    api = Api(store, node_count=0, service_cidr="10.44.0.0/27")
    got = [create(api, svc(f"s{i}"))["spec"]["clusterIP"] for i in range(16)]
    assert got == [f"10.44.0.{n}" for n in range(17, 31)] + ["10.44.0.2", "10.44.0.3"]
    with api.write() as tx:
        tx.delete("Service", "default", "s3")
    assert create(api, svc("gap"))["spec"]["clusterIP"] == "10.44.0.20"
    assert create(api, svc("low", clusterIP="10.44.0.16"))["spec"]["clusterIP"] == "10.44.0.16"
    with pytest.raises(errors.ApiError) as exc:
        for i in range(30):
            create(api, svc(f"t{i}"))
    assert message(exc) == "Internal error occurred: failed to allocate a serviceIP: range is full"
    with api.read() as tx:
        held = sorted(int(s["spec"]["clusterIP"].rsplit(".", 1)[1]) for s in tx.list("Service").items)
    assert held == list(range(1, 31))  # every address but the network and broadcast ones, once
    store.close()


def test_concurrent_writers_never_share_an_address(backend):
    path = backend.db("race.db")
    Api(Store(path), node_count=0).store.close()
    got: list[str] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        store = Store(path)
        api = Api(store, node_count=0)
        for i in range(10):
            ip = create(api, svc(f"w{n}-{i}", type="NodePort"))
            with lock:
                got.append((ip["spec"]["clusterIP"], ip["spec"]["ports"][0]["nodePort"]))
        store.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 30 and len({ip for ip, _ in got}) == 30 and len({p for _, p in got}) == 30
