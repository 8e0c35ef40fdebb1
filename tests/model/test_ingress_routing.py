"""Ingress host and path matching: the Ingress concept page's examples table and the conformance features.

Cases from kubernetes/website content/en/docs/concepts/services-networking/ingress.md
("Examples" table) and kubernetes-sigs/ingress-controller-conformance
features/path_rules.feature and host_rules.feature, as pure-function tests.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.model.network import ingress_routing as routing


def _path(path: str, path_type: str, service: str) -> dict:
    return {"path": path, "pathType": path_type,
            "backend": {"service": {"name": service, "port": {"number": 8080}}}}


def _ingress(rules: list[dict], name: str = "ing", created: str = "2026-01-01T00:00:00Z", **spec) -> dict:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "namespace": "default", "creationTimestamp": created},
            "spec": {"rules": rules, **spec}}


def _served(ingresses: list[dict], host: str, path: str) -> str | None:
    """The backend Service's name, or None for the controller's 404."""
    found = routing.route(ingresses, host, path)
    return None if found.backend is None else found.backend["service"]["name"]


# The concept page's table: (kind, rule paths, request path, the rule path that matches or None).
DOCS_TABLE = [
    ("Prefix", ["/"], "/anything/at/all", "/"),
    ("Exact", ["/foo"], "/foo", "/foo"),
    ("Exact", ["/foo"], "/bar", None),
    ("Exact", ["/foo"], "/foo/", None),
    ("Exact", ["/foo/"], "/foo", None),
    ("Prefix", ["/foo"], "/foo", "/foo"),
    ("Prefix", ["/foo"], "/foo/", "/foo"),
    ("Prefix", ["/foo/"], "/foo", "/foo/"),
    ("Prefix", ["/foo/"], "/foo/", "/foo/"),
    ("Prefix", ["/aaa/bb"], "/aaa/bbb", None),
    ("Prefix", ["/aaa/bbb"], "/aaa/bbb", "/aaa/bbb"),
    ("Prefix", ["/aaa/bbb/"], "/aaa/bbb", "/aaa/bbb/"),
    ("Prefix", ["/aaa/bbb"], "/aaa/bbb/", "/aaa/bbb"),
    ("Prefix", ["/aaa/bbb"], "/aaa/bbb/ccc", "/aaa/bbb"),
    ("Prefix", ["/aaa/bbb"], "/aaa/bbbxyz", None),
    ("Prefix", ["/", "/aaa"], "/aaa/ccc", "/aaa"),
    ("Prefix", ["/", "/aaa", "/aaa/bbb"], "/aaa/bbb", "/aaa/bbb"),
    ("Prefix", ["/", "/aaa", "/aaa/bbb"], "/ccc", "/"),
    ("Prefix", ["/aaa"], "/ccc", None),
]


@pytest.mark.parametrize("kind,rule_paths,request_path,expected", DOCS_TABLE,
                         ids=[f"{k}-{'+'.join(p)}-{r}" for k, p, r, _ in DOCS_TABLE])
def test_concept_page_examples(kind, rule_paths, request_path, expected):
    ing = _ingress([{"http": {"paths": [_path(p, kind, "svc" + p.replace("/", "-")) for p in rule_paths]}}])
    found = routing.route([ing], "example.com", request_path)
    assert (found.rule_path or None) == expected


def test_mixed_exact_preferred():
    """Mixed: /foo (Prefix) and /foo (Exact), request /foo: Exact is preferred, whatever the order."""
    for paths in ([_path("/foo", "Prefix", "p"), _path("/foo", "Exact", "e")],
                  [_path("/foo", "Exact", "e"), _path("/foo", "Prefix", "p")]):
        assert _served([_ingress([{"http": {"paths": paths}}])], "x", "/foo") == "e"
        assert _served([_ingress([{"http": {"paths": paths}}])], "x", "/foo/") == "p"


PATH_RULES = _ingress([
    {"host": "exact-path-rules", "http": {"paths": [_path("/foo", "Exact", "foo-exact")]}},
    {"host": "prefix-path-rules", "http": {"paths": [
        _path("/foo", "Prefix", "foo-prefix"), _path("/aaa/bbb", "Prefix", "aaa-slash-bbb-prefix"),
        _path("/aaa", "Prefix", "aaa-prefix")]}},
    {"host": "mixed-path-rules", "http": {"paths": [
        _path("/foo", "Prefix", "foo-prefix"), _path("/foo", "Exact", "foo-exact")]}},
    {"host": "trailing-slash-path-rules", "http": {"paths": [
        _path("/aaa/bbb/", "Prefix", "aaa-slash-bbb-slash-prefix"), _path("/foo/", "Exact", "foo-slash-exact")]}},
], name="path-rules")

PATH_SCENARIOS = [
    ("http://exact-path-rules/foo", "foo-exact"),
    ("http://exact-path-rules/foo/", None),
    ("http://exact-path-rules/FOO", None),
    ("http://exact-path-rules/bar", None),
    ("http://prefix-path-rules/foo", "foo-prefix"),
    ("http://prefix-path-rules/foo/", "foo-prefix"),
    ("http://prefix-path-rules/FOO", None),
    ("http://prefix-path-rules/aaa/bbb", "aaa-slash-bbb-prefix"),
    ("http://prefix-path-rules/aaa/bbb/ccc", "aaa-slash-bbb-prefix"),
    ("http://prefix-path-rules/aaa/ccc", "aaa-prefix"),
    ("http://prefix-path-rules/aaaccc", None),
    ("http://mixed-path-rules/foo", "foo-exact"),
    ("http://trailing-slash-path-rules/aaa/bbb", "aaa-slash-bbb-slash-prefix"),
    ("http://trailing-slash-path-rules/aaa/bbb/", "aaa-slash-bbb-slash-prefix"),
    ("http://trailing-slash-path-rules/foo", None),
]


@pytest.mark.parametrize("url,service", PATH_SCENARIOS, ids=[u[7:] for u, _ in PATH_SCENARIOS])
def test_conformance_path_rules(url, service):
    host, _, path = url[len("http://"):].partition("/")
    assert _served([PATH_RULES], host, "/" + path) == service


HOST_RULES = _ingress([
    {"host": "*.foo.com", "http": {"paths": [_path("/", "Prefix", "wildcard-foo-com")]}},
    {"host": "foo.bar.com", "http": {"paths": [_path("/", "Prefix", "foo-bar-com")]}},
], name="host-rules", tls=[{"hosts": ["foo.bar.com"], "secretName": "conformance-tls"}])


@pytest.mark.parametrize("host,service", [
    ("foo.bar.com", "foo-bar-com"),
    ("subdomain.bar.com", None),
    ("bar.foo.com", "wildcard-foo-com"),
    ("baz.bar.foo.com", None),
    ("foo.com", None),
    ("FOO.BAR.COM", "foo-bar-com"),        # DNS names compare case-insensitively
    ("foo.bar.com:80", "foo-bar-com"),     # the Host header's port is not part of the name
    ("foo.bar.com.", "foo-bar-com"),       # nor its root dot
    (".foo.com", None),                    # the wildcard needs one non-empty label
])
def test_conformance_host_rules(host, service):
    assert _served([HOST_RULES], host, "/") == service


def test_tls_section_covers_exact_and_wildcard_hosts():
    ing = _ingress([], tls=[{"hosts": ["*.example.com"], "secretName": "wild"}], defaultBackend={})
    assert routing.tls_for([ing], "a.example.com")[1]["secretName"] == "wild"
    assert routing.tls_for([ing], "a.b.example.com") is None
    assert routing.tls_for([HOST_RULES], "foo.bar.com")[1]["secretName"] == "conformance-tls"
    assert routing.tls_for([HOST_RULES], "bar.foo.com") is None


class TestImplementationSpecific:
    """ingress-nginx renders ImplementationSpecific as a plain nginx `location /path`: a string prefix."""

    @pytest.mark.parametrize("rule,request_path,matches", [
        ("/foo", "/foo", True), ("/foo", "/foobar", True), ("/foo", "/foo/bar", True), ("/foo", "/fo", False),
        ("/foo/", "/foo", False), ("", "/anything", True), ("/", "/", True),
    ])
    def test_string_prefix(self, rule, request_path, matches):
        assert routing.path_matches("ImplementationSpecific", rule, request_path) is matches

    def test_longest_wins_against_prefix(self):
        ing = _ingress([{"http": {"paths": [_path("/app", "Prefix", "prefix"),
                                            _path("/application", "ImplementationSpecific", "impl")]}}])
        assert _served([ing], "x", "/application/x") == "impl"
        assert _served([ing], "x", "/app/x") == "prefix"


class TestMerging:
    """Several Ingresses of one controller: servers per host, the catch-all, default backends, conflicts."""

    def test_exact_host_beats_wildcard(self):
        wild = _ingress([{"host": "*.example.com", "http": {"paths": [_path("/", "Prefix", "wild")]}}], "a")
        exact = _ingress([{"host": "www.example.com", "http": {"paths": [_path("/", "Prefix", "www")]}}], "b")
        assert _served([wild, exact], "www.example.com", "/") == "www"
        assert _served([wild, exact], "api.example.com", "/") == "wild"

    def test_host_server_does_not_fall_back_to_hostless_rules(self):
        """A host that has a server is answered by it: a path it lacks is its 404, not the `_` server's rule."""
        hostless = _ingress([{"http": {"paths": [_path("/", "Prefix", "any")]}}], "a")
        hosted = _ingress([{"host": "foo.com", "http": {"paths": [_path("/api", "Prefix", "api")]}}], "b")
        assert _served([hostless, hosted], "foo.com", "/other") is None
        assert _served([hostless, hosted], "bar.com", "/other") == "any"

    def test_default_backend_of_the_ingress_that_defines_the_host(self):
        ing = _ingress([{"host": "foo.com", "http": {"paths": [_path("/api", "Prefix", "api")]}}],
                       defaultBackend={"service": {"name": "fallback", "port": {"number": 80}}})
        found = routing.route([ing], "foo.com", "/nothing")
        assert found.default_backend and found.backend["service"]["name"] == "fallback"
        assert routing.route([ing], "other.com", "/").ingress is None  # `_`: only a rule-less Ingress sets it

    def test_catch_all_from_an_ingress_without_rules(self):
        ing = {"metadata": {"name": "minimal", "namespace": "default", "creationTimestamp": "x"},
               "spec": {"defaultBackend": {"service": {"name": "test", "port": {"number": 80}}}}}
        assert _served([ing], "anything.example", "/any/path") == "test"

    def test_older_ingress_keeps_a_path_both_define(self):
        old = _ingress([{"host": "h", "http": {"paths": [_path("/", "Prefix", "old")]}}], "z-old",
                       created="2026-01-01T00:00:00Z")
        new = _ingress([{"host": "h", "http": {"paths": [_path("/", "Prefix", "new")]}}], "a-new",
                       created="2026-01-02T00:00:00Z")
        assert _served([new, old], "h", "/x") == "old"

    def test_no_ingress_is_a_404(self):
        assert routing.route([], "x", "/").ingress is None


SEGMENTS = st.lists(st.sampled_from(["a", "aa", "b", "ab"]), max_size=3)
PATHS = SEGMENTS.map(lambda s: "/" + "/".join(s)) | SEGMENTS.map(lambda s: "/" + "/".join(s) + "/")
RULES = st.lists(st.tuples(PATHS, st.sampled_from(routing.PATH_TYPES)), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(rules=RULES, request_path=PATHS)
def test_the_longest_match_wins(rules, request_path):
    """Whatever the rules: the chosen path matches; no matching path is longer; on a tie Exact is chosen."""
    ing = _ingress([{"host": "h", "http": {"paths": [_path(p, t, f"s{i}") for i, (p, t) in enumerate(rules)]}}])
    found = routing.route([ing], "h", request_path)
    matching = [(p, t) for p, t in rules if routing.path_matches(t, p, request_path)]
    if not matching:
        assert found.ingress is None
        return
    assert routing.path_matches(found.path_type, found.rule_path, request_path)

    def length(p: str, t: str) -> int:
        return len(p.rstrip("/")) if t == "Prefix" else len(p)

    best = max(length(p, t) for p, t in matching)
    assert length(found.rule_path, found.path_type) == best
    if any(t == "Exact" and length(p, t) == best for p, t in matching):
        assert found.path_type == "Exact"


@pytest.mark.parametrize("hosts,cell", [
    ([], "*"),
    ([""], "*"),
    (["a", "", "", "b"], "a,b"),                    # fewer than three hosts: no "more", whatever the rule count
    (["a", "b", "c"], "a,b,c"),
    (["a", "b", "c", "d"], "a,b,c + 1 more..."),
    (["a", "b", "c", ""], "a,b,c + 1 more..."),     # the fourth rule counts even without a host
    (["", "", "", "", "a"], "a"),
])
def test_get_ingress_hosts_column(hosts, cell):
    """printers.go formatHosts: three hosts at most, then `+ N more...` counted in rules."""
    from datetime import datetime, timezone

    from litekube.model import tables

    ing = _ingress([{"host": h} if h else {} for h in hosts])
    assert tables.row(ing, datetime(2026, 1, 1, tzinfo=timezone.utc))[2] == cell


def test_resource_backends_are_skipped_by_ingress_nginx():
    """The docs' ingress-resource-backend example: /icons goes to a StorageBucket, which ingress-nginx skips."""
    ing = _ingress([{"http": {"paths": [{"path": "/icons", "pathType": "ImplementationSpecific", "backend": {
        "resource": {"apiGroup": "k8s.example.com", "kind": "StorageBucket", "name": "icon-assets"}}}]}}],
        defaultBackend={"resource": {"apiGroup": "k8s.example.com", "kind": "StorageBucket", "name": "static"}})
    assert routing.route([ing], "x", "/icons/a.png").ingress is None
