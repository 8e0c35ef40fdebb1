"""The Service allocation table: kept in step by the Writer, probed and walked by the allocators, backfilled."""
from __future__ import annotations

import ipaddress
import json

import pytest

from litekube import errors
from litekube.store import Store, database


def service(name: str, ips=None, ports=(), health=None, namespace="default") -> dict:
    spec: dict = {"ports": [dict(p) for p in ports]}
    if ips is not None:
        spec["clusterIPs"] = list(ips)
    if health is not None:
        spec["healthCheckNodePort"] = health
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def rows(store) -> list[tuple]:
    with store.read() as r:
        return [(k, f, int(v), ns, n) for k, f, v, ns, n in r._q(
            "SELECT kind, family, value, namespace, name FROM allocations "
            "ORDER BY namespace, name, kind, value, family")]


def ip(text: str) -> int:
    return int(ipaddress.ip_address(text))


def test_the_writer_keeps_the_rows_of_each_service_in_step(backend):
    store = Store(backend.db("a.db"))
    with store.write() as w:
        w.create("Service", "default", "dns", "u1", service("dns", ["10.96.0.10"], [
            {"port": 53, "protocol": "UDP", "nodePort": 30053}, {"port": 53, "protocol": "TCP", "nodePort": 30053}],
            health=30100))
        w.create("Service", "default", "headless", "u2", service("headless", ["None"]))
        w.create("Service", "other", "v6", "u3", service("v6", ["fd00::1"], namespace="other"))
        w.create("ConfigMap", "default", "dns", "u4", service("dns", ["10.96.0.99"]))  # not a Service
    assert rows(store) == [
        ("ip", "IPv4", ip("10.96.0.10"), "default", "dns"),
        ("port", "TCP", 30053, "default", "dns"),
        ("port", "UDP", 30053, "default", "dns"),
        ("port", "TCP", 30100, "default", "dns"),
    ]
    with store.write() as w:
        rv = w.get("Service", "default", "dns").resource_version
        w.update("Service", "default", "dns", service("dns", ["10.96.0.10"], [
            {"port": 53, "protocol": "UDP", "nodePort": 30054}]), rv)
    assert rows(store) == [("ip", "IPv4", ip("10.96.0.10"), "default", "dns"),
                           ("port", "UDP", 30054, "default", "dns")]
    with store.write() as w:
        w.delete("Service", "default", "dns")
    assert rows(store) == []
    store.close()


def test_a_refused_write_changes_no_rows(backend):
    store = Store(backend.db("a.db"))
    with store.write() as w:
        w.create("Service", "default", "a", "u1", service("a", ["10.96.1.1"]))
    with pytest.raises(errors.AlreadyExists), store.write() as w:
        w.create("Service", "default", "a", "u2", service("a", ["10.96.1.2"]))
    assert rows(store) == [("ip", "IPv4", ip("10.96.1.1"), "default", "a")]
    store.close()


def test_held_and_first_free_skip_the_excluded_owner(backend):
    store = Store(backend.db("a.db"))
    with store.write() as w:
        for n, port in enumerate((30086, 30087, 30089)):
            w.create("Service", "default", f"s{n}", f"u{n}", service(f"s{n}", [], [{"port": 80, "nodePort": port}]))
    with store.read() as r:
        assert r.allocated("port", 30087) and not r.allocated("port", 30088)
        assert not r.allocated("port", 30087, ("default", "s1"))
        assert not r.allocated("ip", 30087)
        assert r.first_unallocated("port", 30086, 32768) == 30088
        assert r.first_unallocated("port", 30086, 30088) is None  # both held, the band ends
        assert r.first_unallocated("port", 30086, 30089, ("default", "s1")) == 30087
        assert r.first_unallocated("port", 30089, 30091) == 30090
        assert r.first_unallocated("port", 30000, 30086) == 30000
        assert r.first_unallocated("port", 30000, 30000) is None
    store.close()


def test_the_migration_fills_the_table_from_the_stored_services(backend):
    store = Store(backend.empty("m.db"))
    database.downgrade(store._writer, "0003")
    body = service("web", ["10.96.1.7"], [{"port": 80, "nodePort": 30080}, {"port": 81}], health=30081)
    with store.write() as w:  # as a litekube before the table wrote them
        for name, value in (("web", body), ("broken", {"spec": {"clusterIPs": "x", "ports": [{"nodePort": "a"}]}})):
            w._q("INSERT INTO objects (kind, namespace, name, uid, body) VALUES ('Service', 'default', ?, ?, ?)",
                 (name, name, json.dumps(value)))
    database.migrate(store._writer, store._reader)
    assert rows(store) == [("ip", "IPv4", ip("10.96.1.7"), "default", "web"),
                           ("port", "TCP", 30080, "default", "web"), ("port", "TCP", 30081, "default", "web")]
    store.close()


def hints(store) -> list[tuple]:
    with store.read() as r:
        return [(k, int(s), int(n)) for k, s, n in r._q("SELECT kind, start, next FROM allocation_hints ORDER BY kind")]


def test_the_hint_starts_the_walk_and_every_release_lowers_it(backend):
    store = Store(backend.db("a.db"))
    got = []
    for n in range(4):
        with store.write() as w:
            port = w.first_unallocated("port", 30086, 32768)
            w.create("Service", "default", f"s{n}", f"u{n}", service(f"s{n}", [], [{"port": 80, "nodePort": port}]))
            got.append(port)
    # every value below the hint is held: the last walk's find
    assert got == [30086, 30087, 30088, 30089] and hints(store) == [("port", 30086, 30089)]
    with store.read() as r:  # a read walks from the hint but does not move it
        assert r.first_unallocated("port", 30086, 32768) == 30090
    assert hints(store) == [("port", 30086, 30089)]
    with store.write() as w:
        w.delete("Service", "default", "s1")
    assert hints(store) == [("port", 30086, 30087)]
    with store.write() as w:
        assert w.first_unallocated("port", 30086, 32768) == 30087
        assert w.first_unallocated("port", 30086, 32768, taken={30087}) == 30090
        rv = w.get("Service", "default", "s2").resource_version
        w.update("Service", "default", "s2", service("s2", [], [{"port": 80, "nodePort": 32000}]), rv)
    assert hints(store) == [("port", 30086, 30087)]
    with store.write() as w:
        # the excluded owner's values below the hint are free to it; the others' are not
        w.create("Service", "default", "s9", "u9", service("s9", [], [{"port": 80, "nodePort": 30087}]))
        assert w.first_unallocated("port", 30086, 32768) == 30088
        assert w.first_unallocated("port", 30086, 32768, ("default", "s0")) == 30086
        assert w.first_unallocated("port", 30086, 30090, ("default", "s0"), taken={30086}) == 30088
    store.close()
