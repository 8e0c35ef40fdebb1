"""Invariants of the Service allocators and the EndpointSlice controller under random operations."""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from litekube import errors
from litekube.api.server import Api
from litekube.reconcile.base import Key
from litekube.reconcile.endpointslice import controller
from litekube.reconcile.views import MemoryView
from litekube.store import Store

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
