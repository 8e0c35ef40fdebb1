"""CoreDNS's kubernetes plugin answers (cases after plugin/kubernetes's handler tests and the DNS spec)."""
from __future__ import annotations

import pytest

from litekube.model.network import dns
from tests.model.network.fixtures import endpoint, endpoint_slice, port, service


def records():
    headless_eps = [{**endpoint("172.0.0.2"), "hostname": "web-0"}, endpoint("172.0.0.3"),
                    endpoint("172.0.0.4", ready=False)]
    pod = {"kind": "Pod", "metadata": {"namespace": "testns", "name": "db-0"},
           "spec": {"hostname": "db-0", "subdomain": "db"}}
    db_ep = {**endpoint("172.0.0.9"), "targetRef": {"kind": "Pod", "namespace": "testns", "name": "db-0"}}
    return dns.Records(
        [service("testns", "svc1", "10.0.0.1", [port("http", 80), port("", 8080)]),
         service("testns", "hdls1", "None", [port("http", 80)]),
         service("testns", "db", "None", [port("pg", 5432)]),
         service("testns", "empty", "None", [port("http", 80)]),
         {"kind": "Service", "metadata": {"namespace": "testns", "name": "external"},
          "spec": {"type": "ExternalName", "externalName": "ext.interwebs.test"}}],
        [endpoint_slice("testns", "hdls1", 1, headless_eps, [port("http", 8080)]),
         endpoint_slice("testns", "db", 1, [db_ep], [port("pg", 5432)])],
        [pod])


@pytest.mark.parametrize("name,qtype,rcode,answers", [
    ("svc1.testns.svc.cluster.local.", "A", "NOERROR", ("10.0.0.1",)),
    ("SVC1.TestNS.svc.cluster.local", "A", "NOERROR", ("10.0.0.1",)),  # case-insensitive
    ("svc1.testns.svc.cluster.local.", "AAAA", "NOERROR", ()),  # NODATA
    ("_http._tcp.svc1.testns.svc.cluster.local.", "SRV", "NOERROR", ("0 100 80 svc1.testns.svc.cluster.local.",)),
    ("_nope._tcp.svc1.testns.svc.cluster.local.", "SRV", "NXDOMAIN", ()),
    ("hdls1.testns.svc.cluster.local.", "A", "NOERROR", ("172.0.0.2", "172.0.0.3")),  # ready endpoints only
    ("web-0.hdls1.testns.svc.cluster.local.", "A", "NOERROR", ("172.0.0.2",)),
    ("172-0-0-3.hdls1.testns.svc.cluster.local.", "A", "NOERROR", ("172.0.0.3",)),
    ("_http._tcp.hdls1.testns.svc.cluster.local.", "SRV", "NOERROR",
     ("0 50 8080 web-0.hdls1.testns.svc.cluster.local.", "0 50 8080 172-0-0-3.hdls1.testns.svc.cluster.local.")),
    ("db-0.db.testns.svc.cluster.local.", "A", "NOERROR", ("172.0.0.9",)),  # pod hostname.subdomain
    ("empty.testns.svc.cluster.local.", "A", "NXDOMAIN", ()),  # headless, no ready endpoint
    ("external.testns.svc.cluster.local.", "CNAME", "NOERROR", ("ext.interwebs.test.",)),
    ("external.testns.svc.cluster.local.", "A", "NOERROR", ("ext.interwebs.test.",)),
    ("nope.testns.svc.cluster.local.", "A", "NXDOMAIN", ()),
    ("testns.svc.cluster.local.", "A", "NOERROR", ()),
    ("10-240-0-1.podns.pod.cluster.local.", "A", "NOERROR", ("10.240.0.1",)),  # pods insecure
    ("1.0.0.10.in-addr.arpa.", "PTR", "NOERROR", ("svc1.testns.svc.cluster.local.",)),
    ("2.0.0.172.in-addr.arpa.", "PTR", "NOERROR", ("web-0.hdls1.testns.svc.cluster.local.",)),
    ("9.9.9.10.in-addr.arpa.", "PTR", "NXDOMAIN", ()),
    ("example.com.", "A", "NXDOMAIN", ()),
])
def test_answer(name, qtype, rcode, answers):
    got = dns.answer(name, qtype, records())
    assert (got.rcode, got.records) == (rcode, answers)


class TestSearchPath:
    def test_resolv_conf(self):
        assert dns.resolv_conf("default") == ("search default.svc.cluster.local svc.cluster.local cluster.local\n"
                                              "nameserver 10.96.0.10\noptions ndots:5\n")

    def test_short_name_takes_the_search_list_first(self):
        assert dns.candidates("svc1", "testns") == [
            "svc1.testns.svc.cluster.local.", "svc1.svc.cluster.local.", "svc1.cluster.local.", "svc1."]

    def test_five_dots_are_tried_as_is_first(self):
        assert dns.candidates("a.b.c.d.e.f", "ns")[0] == "a.b.c.d.e.f."

    def test_trailing_dot_is_absolute(self):
        assert dns.candidates("svc1.testns.svc.cluster.local.", "x") == ["svc1.testns.svc.cluster.local."]

    @pytest.mark.parametrize("name,namespace,answers", [
        ("svc1", "testns", ("10.0.0.1",)),
        ("svc1.testns", "other", ("10.0.0.1",)),  # via svc.cluster.local
        ("svc1", "other", ()),
    ])
    def test_expansion(self, name, namespace, answers):
        assert dns.search(name, "A", records(), namespace).records == answers
