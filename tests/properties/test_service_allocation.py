"""Invariants of the Service allocators and the EndpointSlice controller under random operations."""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from litekube import errors
from litekube.api.server import Api
from litekube.model import service_network
from litekube.reconcile.base import Key
from litekube.reconcile.endpointslice import controller
from litekube.reconcile.views import MemoryView
from litekube.store import Store, allocations

OPS = st.lists(st.tuples(st.sampled_from(["create", "delete", "nodeport", "clusterip"]),
                         st.integers(0, 7), st.integers(0, 20)), max_size=25)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_no_two_services_share_a_cluster_ip_or_a_node_port(ops):
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "p.db"), wall=lambda: 1_700_000_000.0)
        api = Api(store, node_count=0)
        for op, n, x in ops:
            name = f"s{n}"
            spec: dict = {"ports": [{"port": 80}]}
            if op == "nodeport":
                spec.update(type="NodePort", ports=[{"port": 80, "nodePort": 30080 + x % 8}])
            elif op == "clusterip":
                spec["clusterIP"] = f"10.96.{1 if x % 2 else 0}.{x % 5 + 1}"
            try:
                with api.write() as tx:
                    if op == "delete":
                        tx.delete("Service", "default", name)
                    else:
                        tx.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec})
            except (errors.Invalid, errors.AlreadyExists, errors.NotFound):
                pass
            with api.read() as tx:
                services = tx.list("Service").items
            ips = [ip for s in services for ip in s["spec"].get("clusterIPs") or []]
            ports = [p["nodePort"] for s in services for p in s["spec"].get("ports") or [] if p.get("nodePort")]
            assert len(ips) == len(set(ips)) and len(ports) == len(set(ports))
        store.close()


TABLE_OPS = st.lists(st.tuples(st.sampled_from(["create", "delete", "nodeport", "to-nodeport", "to-clusterip",
                                               "external", "requested"]),
                               st.integers(0, 11), st.integers(0, 40)), max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TABLE_OPS)
def test_the_allocation_table_follows_the_services_and_allocates_as_the_used_sets_do(ops):
    """The table holds exactly what the stored Services hold, and every address or port the table
    allocates is the one litekube's set-based allocator (lowest free, upper band first) picks from
    the Services stored before the write: the index changes no decision. A /27 service CIDR almost
    full from the start, so the fallback to the static band and `range is full` are reached."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "p.db"), wall=lambda: 1_700_000_000.0)
        api = Api(store, node_count=0, service_cidr="10.44.0.0/27")
        ip_range, port_range = service_network.IPRange("10.44.0.0/27"), service_network.PortRange()
        with api.write() as tx:  # 28 of the 30 addresses held: one free in each band (kube-dns holds offset 9)
            for offset in [*range(1, 9), *range(10, 15), *range(16, 29)]:
                tx.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"fill-{offset}"},
                           "spec": {"ports": [{"port": 80}], "clusterIP": ip_range.address(offset)}},
                          namespace="kube-public")
        for op, n, x in ops:
            name = f"s{n}"
            with api.read() as tx:
                before = {s["metadata"]["name"]: s for s in tx.list("Service", "default").items}
                used_ips = ip_range.used(ip for s in tx.list("Service").items
                                         for ip in s["spec"].get("clusterIPs") or [])
                used_ports = {p.get("nodePort") for s in before.values() for p in s["spec"].get("ports") or []
                              if p.get("nodePort")}
            def next_free(rng, used):
                try:
                    return rng.allocate_next(used)
                except service_network.AllocationError:
                    return None  # the set-based allocator finds the range full

            want_ip, want_port = next_free(ip_range, used_ips), next_free(port_range, used_ports)
            spec: dict = {"ports": [{"port": 80}]}
            if op == "nodeport":
                spec["type"] = "NodePort"
            elif op == "requested":
                spec["clusterIP"] = ip_range.address(x % ip_range.size)
            elif op == "external":
                spec = {"type": "ExternalName", "externalName": "a.example.com"}
            try:
                with api.write() as tx:
                    if op == "delete":
                        tx.delete("Service", "default", name)
                    elif op in ("to-nodeport", "to-clusterip"):
                        old = tx.get("Service", "default", name)
                        if old is not None and old["spec"]["type"] != "ExternalName":
                            old["spec"]["type"] = "NodePort" if op == "to-nodeport" else "ClusterIP"
                            got = tx.update(old)
                            if op == "to-nodeport" and before[name]["spec"]["type"] == "ClusterIP":
                                assert got["spec"]["ports"][0]["nodePort"] == want_port
                    else:
                        got = tx.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
                                         "spec": spec})
                        if op in ("create", "nodeport"):
                            assert got["spec"]["clusterIP"] == want_ip
                        if op == "nodeport":
                            assert got["spec"]["ports"][0]["nodePort"] == want_port
            except (errors.Invalid, errors.AlreadyExists, errors.NotFound, errors.ApiError) as exc:
                if "failed to allocate a serviceIP: range is full" in str(exc):
                    assert want_ip is None
            with store.read() as r:
                table = sorted((k, f, int(v), ns, nm) for k, f, v, ns, nm in r._q(
                    "SELECT kind, family, value, namespace, name FROM allocations"))
            with api.read() as tx:
                held = sorted((k, f, v, s["metadata"]["namespace"], s["metadata"]["name"])
                              for s in tx.list("Service").items for k, f, v in allocations.holdings(s))
            assert table == held
        store.close()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), max_size=260),
       st.integers(0, 3))
def test_every_ready_selected_pod_is_in_exactly_one_slice(pods, existing_slices):
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "foo", "namespace": "default", "uid": "u"},
           "spec": {"selector": {"app": "foo"}, "ports": [{"port": 80, "targetPort": 80, "protocol": "TCP"}]}}
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"}}
    objects = [svc, node]
    for i, (ready, selected, has_ip) in enumerate(pods):
        objects.append({"apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": f"p{i:03d}", "namespace": "default", "uid": f"p{i}",
                                     "labels": {"app": "foo" if selected else "bar"}},
                        "spec": {"nodeName": "n"},
                        "status": {"podIP": f"10.0.{i // 200}.{i % 200 + 1}" if has_ip else "",
                                   "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}})
    # Reconcile twice, the second time over the first pass's slices (named), after dropping some pods.
    view = MemoryView(objects)
    created = controller.reconcile(Key("Service", "default", "foo"), view, 0.0).actions
    for i, action in enumerate(created[:existing_slices]):
        obj = dict(action.obj)
        obj["metadata"] = {**obj["metadata"], "name": f"foo-{i}", "uid": f"s{i}"}
        view.put(obj)
    for obj in objects[2::3]:
        view.discard(Key("Pod", "default", obj["metadata"]["name"]))
    actions = controller.reconcile(Key("Service", "default", "foo"), view, 0.0).actions
    slices = {s["metadata"]["name"]: s for s in view.list("EndpointSlice")}
    new = []
    for action in actions:
        if hasattr(action, "obj") and action.obj["metadata"].get("name"):
            slices[action.obj["metadata"]["name"]] = action.obj
        elif hasattr(action, "obj"):
            new.append(action.obj)
        else:
            slices.pop(action.name, None)
    every = list(slices.values()) + new
    assert all(len(s.get("endpoints") or []) <= 100 for s in every)
    seen = [e["targetRef"]["name"] for s in every for e in s.get("endpoints") or []]
    wanted = [p["metadata"]["name"] for p in view.list("Pod")
              if p["metadata"]["labels"]["app"] == "foo" and p["status"]["podIP"]]
    assert sorted(seen) == sorted(wanted)

