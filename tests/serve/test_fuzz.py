"""Bad requests by the thousand: every answer is a Kubernetes Status with the right code, and the server stays up."""
from __future__ import annotations

import json
import random

import pytest

from litekube.ui.kubeapi import protobuf
from tests.serve.client import Raw
from tests.serve.protobufs import GOOD_CM_PB, garbled_protobuf

GOOD_CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fuzz"}, "data": {"k": "v"}}
CM_PATH = "/api/v1/namespaces/default/configmaps"


def _status(status: int, content_type: str, data: bytes) -> dict:
    assert content_type.startswith("application/json"), (status, content_type, data[:200])
    body = json.loads(data)
    assert body["kind"] == "Status" and body["apiVersion"] == "v1" and body["status"] == "Failure", body
    assert body["code"] == status, body
    assert isinstance(body["message"], str) and body["message"], body
    return body


def _malformed_json(rng: random.Random) -> bytes:
    while True:
        body = _mangled_json(rng)
        try:
            json.loads(body)
        except ValueError:
            return body


def _mangled_json(rng: random.Random) -> bytes:
    text = json.dumps(GOOD_CM)
    cut = rng.randrange(1, len(text) - 1)
    choice = rng.randrange(5)
    if choice == 0:
        return text[:cut].encode()
    if choice == 1:
        return (text[:cut] + rng.choice("{}[],:\"\\") + text[cut:]).encode()
    if choice == 2:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
    if choice == 3:
        return b"{" * rng.randrange(1, 2000)
    return ("\ufeff" + text[:cut]).encode()


def _malformed_yaml(rng: random.Random) -> bytes:
    return rng.choice([b"a: [1, 2", b"key: : value\n  - x", b"\t- tab\n", b"{unclosed: ", b"a: *nosuchalias",
                       b"!!python/object:os.system {}", b"? [complex, key]\n: v\n", b"when: 2001-12-14t21:59:43.10-05:00\n",
                       b"%YAML 9.9\n---\na: 1", b"- [" * rng.randrange(1, 50)])


def _cases(rng: random.Random, count: int):
    """(method, path, body, headers, token, expected code) for `count` bad requests."""
    kinds = ["foos", "deploymentz", "pods/nosuch", "namespaces/default/nosuch", "configmaps/x/y/z"]
    versions = ["/apis/nosuch.example.com/v1", "/apis/apps/v9", "/api/v2", "/apis/apps/v1beta1", "/apis"]
    for i in range(count):
        case = i % 10
        if case == 0:  # malformed JSON bodies
            yield "POST", CM_PATH, _malformed_json(rng), {"Content-Type": "application/json"}, "ok", 400
        elif case == 1:  # malformed YAML bodies
            yield "POST", CM_PATH, _malformed_yaml(rng), {"Content-Type": "application/yaml"}, "ok", 400
        elif case == 2:  # unknown kinds and versions
            yield "GET", f"{rng.choice(versions)}/{rng.choice(kinds)}", None, {}, "ok", 404
        elif case == 3:  # wrong content types (protobuf is a body type, never a patch type)
            method = rng.choice(["POST", "PATCH"])
            ctype = rng.choice(["text/plain", "application/xml", "application/x-www-form-urlencoded", "image/png"]
                               + (["application/vnd.kubernetes.protobuf"] if method == "PATCH" else []))
            path = CM_PATH if method == "POST" else f"{CM_PATH}/kube-root-ca.crt"
            yield method, path, json.dumps(GOOD_CM).encode(), {"Content-Type": ctype}, "ok", 415
        elif case == 4:  # missing or wrong token
            token = rng.choice([None, "", "wrong", "Bearer", "x" * 500])
            yield rng.choice(["GET", "POST", "DELETE"]), rng.choice(["/api", CM_PATH, "/version", "/nosuch"]), \
                None, {}, token, 401
        elif case == 5:  # valid JSON of the wrong shape
            body = rng.choice([[], "a string", 42, None, {"apiVersion": "apps/v1", "kind": "ConfigMap"},
                               {"kind": "Pod", "metadata": {"name": "x"}}, {"metadata": "not an object"}])
            yield "POST", CM_PATH, json.dumps(body).encode(), {"Content-Type": "application/json"}, "ok", 400
        elif case == 6:  # bad selectors
            selector = rng.choice(["a in (", "!", "a=b,,", "=x", "a notin b", "a==b==c"])
            key = rng.choice(["labelSelector", "fieldSelector"])
            yield "GET", f"{CM_PATH}?{key}={selector.replace(' ', '%20').replace('(', '%28')}", None, {}, "ok", 400
        elif case == 7:  # a patch that is not a patch
            ctype, body = rng.choice([("application/json-patch+json", b'{"op": "add"}'),
                                      ("application/json-patch+json", b'[{"op": "explode", "path": "/x"}]'),
                                      ("application/merge-patch+json", b"[1, 2]"),
                                      ("application/strategic-merge-patch+json", b'"text"'),
                                      ("application/merge-patch+json", b"{bad json")])
            yield "PATCH", f"{CM_PATH}/kube-root-ca.crt", body, {"Content-Type": ctype}, "ok", 400
        elif case == 8 and i % 20 == 18:  # garbled protobuf bodies, on create, update and delete
            method, path = rng.choice([("POST", CM_PATH), ("PUT", f"{CM_PATH}/kube-root-ca.crt"),
                                       ("DELETE", f"{CM_PATH}/nosuch-{rng.randrange(10**6)}")])
            yield method, path, garbled_protobuf(rng), {"Content-Type": protobuf.MEDIA_TYPE}, "ok", 400
        elif case == 8:  # missing objects
            yield rng.choice(["GET", "DELETE", "PUT"]), f"{CM_PATH}/nosuch-{rng.randrange(10**6)}", \
                (json.dumps({**GOOD_CM, "metadata": {"name": "x"}}).encode() if rng.random() < 0.5 else None), \
                {"Content-Type": "application/json"}, "ok", None
        else:  # methods a path does not take
            yield rng.choice(["PUT", "PATCH", "DELETE", "POST"]), rng.choice(["/version", "/api", "/apis/apps",
                                                                               "/openapi/v3"]), \
                b"{}", {"Content-Type": "application/json"}, "ok", 405


def test_thousands_of_bad_requests(served):
    rng = random.Random(12)
    client = Raw(served)
    counts: dict[int, int] = {}
    for method, path, body, headers, token, expected in _cases(rng, 2500):
        status, ctype, data = client.request(method, path, body, headers,
                                             token="default" if token == "ok" else token)
        answer = _status(status, ctype, data)
        if expected is None:  # a missing object: 404 for GET/DELETE, 404 or 400 (name mismatch) for PUT
            assert status in (400, 404), answer
        else:
            assert status == expected, (method, path, body[:100] if body else body, answer)
        counts[status] = counts.get(status, 0) + 1
    assert set(counts) >= {400, 401, 404, 405, 415}
    assert client.request("POST", CM_PATH, GOOD_CM_PB, {"Content-Type": protobuf.MEDIA_TYPE})[0] == 201
    status, version = client.json("GET", "/version")
    assert (status, version["gitVersion"]) == (200, "v1.32.4")
    assert served.alive()


@pytest.mark.parametrize("size", [3 * 1024 * 1024 + 1, 5 * 1024 * 1024])
def test_bodies_over_3_mib_are_413(served, size):
    client = Raw(served)
    body = b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"k":"' + \
        b"x" * size + b'"}}'
    status, ctype, data = client.request("POST", CM_PATH, body, {"Content-Type": "application/json"})
    answer = _status(status, ctype, data)
    assert (status, answer["reason"], answer["message"]) == (413, "RequestEntityTooLarge", "limit is 3145728")
    assert client.json("GET", f"{CM_PATH}/big")[0] == 404
    assert served.alive()


def test_a_body_at_the_limit_is_read(served):
    client = Raw(served)
    head = b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"edge"},"data":{"k":"'
    tail = b'"}}'
    body = head + b"x" * (3 * 1024 * 1024 - len(head) - len(tail)) + tail
    assert len(body) == 3 * 1024 * 1024
    status, ctype, data = client.request("POST", CM_PATH, body, {"Content-Type": "application/json"})
    # read in full and decoded: the store then refuses an object over etcd's 1.5 MiB, with its own error
    answer = json.loads(data)
    assert status != 413 and answer.get("reason") != "RequestEntityTooLarge", answer


def test_unauthorized_is_upstreams_status(served):
    status, body = Raw(served, token=None).json("GET", "/api/v1/pods")
    assert (status, body) == (401, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                    "message": "Unauthorized", "reason": "Unauthorized", "code": 401})


class TestProtobufBodies:
    """Create, update and delete with protobuf bodies through the REST paths, as client-go's typed clients do."""

    def _pb(self, client, method, path, body):
        status, ctype, data = client.request(method, path, body, {"Content-Type": protobuf.MEDIA_TYPE,
                                                                  "Accept": f"{protobuf.MEDIA_TYPE},application/json"})
        assert ctype.startswith("application/json")
        return status, json.loads(data)

    def test_create_update_delete(self, served):
        from tests.serve.protobufs import entry, envelope, ld, meta, vint
        client = Raw(served)
        status, created = self._pb(client, "POST", CM_PATH, envelope("v1", "ConfigMap", meta("pb") + entry(2, "a", "1")))
        assert (status, created["metadata"]["name"], created["data"]) == (201, "pb", {"a": "1"})
        rv = created["metadata"]["resourceVersion"]
        update = envelope("v1", "ConfigMap", ld(1, ld(1, "pb") + ld(6, rv)) + entry(2, "a", "2"))
        status, updated = self._pb(client, "PUT", f"{CM_PATH}/pb", update)
        assert (status, updated["data"]) == (200, {"a": "2"})
        stale = envelope("v1", "DeleteOptions", ld(2, ld(1, "not-the-uid")))
        status, refused = self._pb(client, "DELETE", f"{CM_PATH}/pb", stale)
        assert (status, refused["reason"], refused["message"]) == (
            409, "Conflict", f"Precondition failed: UID in precondition: not-the-uid, UID in object meta: "
                             f"{created['metadata']['uid']}")
        options = envelope("v1", "DeleteOptions", vint(1, 0) + ld(4, "Background"))
        status, deleted = self._pb(client, "DELETE", f"{CM_PATH}/pb", options)
        assert (status, deleted["status"], deleted["details"]["name"]) == (200, "Success", "pb")

    def test_a_leader_election_lease(self, served):
        """client-go's leader election writes Leases as protobuf, its times as MicroTime."""
        from tests.serve.protobufs import envelope, ld, meta, vint
        client = Raw(served)
        micro = vint(1, 1_700_000_000) + vint(2, 123_456_000)
        spec = ld(1, "me") + vint(2, 15) + ld(3, micro) + ld(4, micro) + vint(5, 0)
        path = "/apis/coordination.k8s.io/v1/namespaces/default/leases"
        status, lease = self._pb(client, "POST", path, envelope("coordination.k8s.io/v1", "Lease",
                                                                meta("elected") + ld(2, spec)))
        assert (status, lease["spec"]) == (201, {"holderIdentity": "me", "leaseDurationSeconds": 15,
                                                 "acquireTime": "2023-11-14T22:13:20.123456Z",
                                                 "renewTime": "2023-11-14T22:13:20.123456Z", "leaseTransitions": 0})

    def test_a_protobuf_patch_is_415(self, served):
        client = Raw(served)
        status, answer = self._pb(client, "PATCH", f"{CM_PATH}/kube-root-ca.crt", GOOD_CM_PB)
        assert (status, answer["reason"]) == (415, "UnsupportedMediaType")

    def test_a_kind_for_another_resource_is_400(self, served):
        from tests.serve.protobufs import envelope, meta
        client = Raw(served)
        status, answer = self._pb(client, "POST", CM_PATH, envelope("v1", "Secret", meta("wrong")))
        assert (status, answer["reason"], answer["message"]) == (
            400, "BadRequest", "the kind in the data (Secret) does not match the expected kind (ConfigMap)")
