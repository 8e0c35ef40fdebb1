"""The protobuf decoder on hand-built bytes: wire-format boundaries, the JSON shape of each value type, and
bodies that real kubectl v1.32 sent (copied from `kubectl -v=9`)."""
from __future__ import annotations

import re

import pytest

from litekube.ui.kubeapi import protobuf, protoschema
from tests.serve.protobufs import entry, envelope, key, ld, meta, varint, vint

CM = "ConfigMap"


def cm(raw: bytes) -> dict:
    return protobuf.decode(envelope("v1", CM, raw))


def dep(spec: bytes) -> dict:
    return protobuf.decode(envelope("apps/v1", "Deployment", meta("web") + ld(2, spec)))["spec"]


class TestVarints:
    @pytest.mark.parametrize("value, encoded", [(0, b"\x00"), (1, b"\x01"), (127, b"\x7f"), (128, b"\x80\x01"),
                                                (300, b"\xac\x02"), (16383, b"\xff\x7f"), (16384, b"\x80\x80\x01"),
                                                (2**63, b"\x80" * 9 + b"\x01"), (2**64 - 1, b"\xff" * 9 + b"\x01")],
                             ids=["0", "1", "127", "128", "300", "16383", "16384", "2^63", "2^64-1"])
    def test_boundaries(self, value, encoded):
        assert varint(value) == encoded
        assert protobuf.read_varint(encoded + b"\x05", 0) == (value, len(encoded))

    def test_eleven_bytes_are_refused(self):
        with pytest.raises(protobuf.ProtobufError, match="longer than 10 bytes"):
            protobuf.read_varint(b"\xff" * 10 + b"\x01", 0)

    def test_ten_bytes_past_64_bits_are_refused(self):
        with pytest.raises(protobuf.ProtobufError, match="overflows 64 bits"):
            protobuf.read_varint(b"\xff" * 9 + b"\x02", 0)

    def test_a_varint_cut_short_is_refused(self):
        with pytest.raises(protobuf.ProtobufError, match="end of data inside a varint"):
            protobuf.read_varint(b"\x80\x80", 0)

    @pytest.mark.parametrize("value", [127, 128, 2**31 - 1, 2**62])
    def test_int_fields_keep_their_value(self, value):
        assert dep(vint(1, value))["replicas"] == value

    def test_a_negative_int32_is_ten_bytes_of_twos_complement(self):
        assert len(varint(-1)) == 10
        assert dep(vint(1, -1))["replicas"] == -1
        assert dep(vint(1, -2**31))["replicas"] == -2**31

    def test_2_to_the_63_is_the_most_negative_int64(self):
        pod = protobuf.decode(envelope("v1", "Pod", meta("p") + ld(2, vint(4, 2**63))))
        assert pod["spec"]["terminationGracePeriodSeconds"] == -2**63


class TestFields:
    def test_packed_and_unpacked_repeated_are_one_list(self):
        packed = ld(4, varint(1000) + varint(2000) + varint(1))
        unpacked = vint(4, 1000) + vint(4, 2000) + vint(4, 1)
        for groups in (packed, unpacked, vint(4, 1000) + ld(4, varint(2000) + varint(1))):
            pod = protobuf.decode(envelope("v1", "Pod", meta("p") + ld(2, ld(14, groups))))
            assert pod["spec"]["securityContext"] == {"supplementalGroups": [1000, 2000, 1]}

    @pytest.mark.parametrize("unknown", [vint(99, 7), key(98, 1) + bytes(8), key(97, 5) + bytes(4),
                                         ld(96, b"anything \xff"), ld(3000, ld(1, "nested"))],
                             ids=["varint", "fixed64", "fixed32", "bytes", "message"])
    def test_unknown_fields_are_skipped(self, unknown):
        assert cm(meta("c") + unknown + entry(2, "k", "v") + unknown)["data"] == {"k": "v"}

    def test_zero_scalars_of_plain_fields_are_left_out_pointers_keep_them(self):
        spec = vint(1, 0) + vint(5, 0) + vint(7, 0) + vint(6, 0)  # replicas, minReadySeconds, paused, history
        assert dep(spec) == {"replicas": 0, "revisionHistoryLimit": 0}

    def test_an_absent_pointer_stays_absent(self):
        assert "replicas" not in dep(vint(5, 3))

    def test_metadata_as_gogo_writes_it_has_only_the_set_fields(self):
        assert cm(meta("c"))["metadata"] == {"name": "c", "creationTimestamp": None}

    def test_maps_keep_empty_values(self):
        assert cm(meta("c") + entry(2, "a", "b") + entry(2, "e", ""))["data"] == {"a": "b", "e": ""}

    def test_bytes_are_base64(self):
        secret = protobuf.decode(envelope("v1", "Secret", meta("s") + entry(2, "k", b"\x00\xffv") + ld(3, "Opaque")))
        assert (secret["data"], secret["type"]) == ({"k": "AP92"}, "Opaque")

    def test_a_message_given_twice_is_merged(self):
        assert cm(ld(1, ld(1, "c")) + ld(1, ld(3, "ns")))["metadata"] == {"name": "c", "namespace": "ns"}

    def test_inline_structs_land_in_the_parent(self):
        volume = ld(1, "cfg") + ld(2, ld(19, ld(1, ld(1, "settings")) + vint(3, 420)))
        pod = protobuf.decode(envelope("v1", "Pod", meta("p") + ld(2, ld(1, volume))))
        assert pod["spec"]["volumes"] == [{"name": "cfg", "configMap": {"name": "settings", "defaultMode": 420}}]

    def test_json_names_differ_from_proto_names(self):
        spec = ld(3, ld(1, "Pod") + ld(2, "v1") + ld(3, "p") + ld(4, "u1"))
        token = protobuf.decode(envelope("authentication.k8s.io/v1", "TokenRequest", meta("t") + ld(2, spec)))
        assert token["spec"] == {"boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p", "uid": "u1"}}


class TestValueTypes:
    def test_time_is_rfc3339_in_whole_seconds(self):
        stamp = ld(8, vint(1, 1700000000) + vint(2, 999))
        assert cm(ld(1, ld(1, "c") + stamp))["metadata"]["creationTimestamp"] == "2023-11-14T22:13:20Z"

    def test_the_zero_time_is_null(self):
        assert cm(ld(1, ld(8, b"")))["metadata"] == {"creationTimestamp": None}

    def test_micro_time_keeps_microseconds(self):
        lease = ld(2, ld(3, vint(1, 1700000000) + vint(2, 123456789)))
        decoded = protobuf.decode(envelope("coordination.k8s.io/v1", "Lease", meta("l") + lease))
        assert decoded["spec"] == {"acquireTime": "2023-11-14T22:13:20.123456Z"}

    @pytest.mark.parametrize("raw, value", [(vint(2, 80), 80), (b"", 0), (vint(1, 1) + ld(3, "http"), "http"),
                                            (vint(1, 1), ""), (vint(2, -5), -5)],
                             ids=["int", "zero", "string", "empty-string", "negative"])
    def test_int_or_string(self, raw, value):
        port = ld(1, "p") + vint(3, 80) + ld(4, raw)
        svc = protobuf.decode(envelope("v1", "Service", meta("s") + ld(2, ld(1, port))))
        assert svc["spec"]["ports"][0]["targetPort"] == value

    def test_quantities_are_strings(self):
        hard = entry(1, "cpu", ld(1, "500m")) + entry(1, "pods", ld(1, "10")) + entry(1, "none", b"")
        quota = protobuf.decode(envelope("v1", "ResourceQuota", meta("q") + ld(2, hard)))
        assert quota["spec"] == {"hard": {"cpu": "500m", "pods": "10", "none": "0"}}

    def test_raw_extension_holds_json(self):
        revision = meta("r") + ld(2, ld(1, b'{"spec": {"x": 1}}')) + vint(3, 2)
        decoded = protobuf.decode(envelope("apps/v1", "ControllerRevision", revision))
        assert (decoded["data"], decoded["revision"]) == ({"spec": {"x": 1}}, 2)

    def test_fields_v1_holds_json(self):
        managed = ld(17, ld(1, "kubectl") + ld(2, "Update") + ld(6, "FieldsV1") + ld(7, ld(1, b'{"f:data":{}}')))
        assert cm(ld(1, ld(1, "c") + managed))["metadata"]["managedFields"] == [
            {"manager": "kubectl", "operation": "Update", "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {}}}]

    @pytest.mark.parametrize("nanos, text", [(0, "0s"), (1, "1ns"), (1500, "1.5µs"), (1_500_000, "1.5ms"),
                                             (10**9, "1s"), (90 * 10**9, "1m30s"), (3600 * 10**9, "1h0m0s"),
                                             (3661_500_000_000, "1h1m1.5s"), (-2 * 10**9, "-2s")])
    def test_durations_as_go_prints_them(self, nanos, text):
        assert protobuf.go_duration(nanos) == text


class TestMalformed:
    def test_every_cut_inside_the_object_is_refused(self):
        raw = meta("c") + entry(2, "k", "v")
        body = envelope("v1", CM, raw)
        start = body.index(raw)
        for cut in range(start - 1, start + len(raw)):
            with pytest.raises(protobuf.ProtobufError):
                protobuf.decode(body[:cut])

    @pytest.mark.parametrize("body, message", [
        (b"{\"kind\": \"ConfigMap\"}", "magic number"),
        (b"k8s\x01" + envelope("v1", CM, b"")[4:], "magic number"),
        (envelope("v1", "Foo", b""), 'no kind "Foo" is registered for version "v1"'),
        (envelope("apps/v1", "ConfigMap", b""), 'no kind "ConfigMap" is registered for version "apps/v1"'),
        (envelope("v1", "", b""), "Kind' is missing"),
        (envelope("v1", CM, b"", encoding="gzip"), 'content encoding "gzip"'),
        (envelope("v1", CM, key(3, 3)), "wire type 3"),
        (envelope("v1", CM, b"\x00\x00"), "field number 0"),
        (envelope("v1", CM, ld(1, ld(1, b"\xc3\x28"))), "not valid UTF-8"),
        (envelope("v1", CM, ld(1, vint(1, 5))), "expected length-delimited"),
        (envelope("v1", CM, ld(4, b"\x01")), "expected a varint"),
        (envelope("v1", CM, key(1, 2) + varint(100) + b"ab"), "claims 100 bytes, 2 remain"),
    ], ids=["json", "magic", "unknown-kind", "kind-of-another-group", "no-kind", "gzip", "group-wire-type",
            "field-0", "utf8", "varint-for-string", "bytes-for-bool", "length-past-end"])
    def test_refused_with_a_reason(self, body, message):
        with pytest.raises(protobuf.ProtobufError, match=message.replace("(", r"\(")):
            protobuf.decode(body)

    def test_nesting_is_bounded(self):
        raw = b""
        for _ in range(100):
            raw = ld(2, ld(1, b'k8s\x00' + ld(1, ld(1, "apps/v1") + ld(2, "ControllerRevision")) + ld(2, raw)))
        with pytest.raises(protobuf.ProtobufError, match="nested too deeply"):
            protobuf.decode(envelope("apps/v1", "ControllerRevision", raw))


class TestWhatKubectlSends:
    """Bodies kubectl v1.32.4 sent to `litekube serve`, decoded to what `--dry-run=client -o json` prints."""

    def test_create_configmap(self):
        body = bytes.fromhex("6b3873000a0f0a0276311209436f6e6669674d6170121d0a130a03636d3112001a0022002a0032003800"
                             "4200120 60a01611201621a002200".replace(" ", ""))
        assert protobuf.decode(body) == {"kind": "ConfigMap", "apiVersion": "v1",
                                         "metadata": {"name": "cm1", "creationTimestamp": None}, "data": {"a": "b"}}

    def test_create_secret_generic(self):
        body = bytes.fromhex("6b3873000a0c0a0276311206536563726574121e0a120a02733912001a0022002a0032003800420012060a"
                             "016b1201761a001a002200")
        assert protobuf.decode(body) == {"kind": "Secret", "apiVersion": "v1",
                                         "metadata": {"name": "s9", "creationTimestamp": None},
                                         "data": {"k": "dg=="}}

    def test_create_deployment_with_zero_replicas(self):
        body = bytes.fromhex(
            "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412bd010a1f0a0377656212001a0022002a0032003800420"
            "05a0a0a036170701203776562128b010800120c0a0a0a0361707012037765621a710a1c0a0012001a0022002a00320038004200"
            "5a0a0a036170701203776562125112330a056e67696e78120a6e67696e783a312e32352a00320a0a001000185022002a004200"
            "6a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038"
            "001a0c0800100018002000280038001a002200")
        assert protobuf.decode(body) == {
            "kind": "Deployment", "apiVersion": "apps/v1",
            "metadata": {"name": "web", "creationTimestamp": None, "labels": {"app": "web"}},
            "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"creationTimestamp": None, "labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25",
                                                           "ports": [{"containerPort": 80}], "resources": {}}]}},
                     "strategy": {}},
            "status": {}}

    def test_create_poddisruptionbudget(self):
        body = bytes.fromhex(
            "6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e427564676574123b0a120a02703912001a0022"
            "002a0032003800420012190a09080110001a03353025120c0a0a0a0361707012037765621a0a080018002000280030001a002200")
        assert protobuf.decode(body) == {
            "kind": "PodDisruptionBudget", "apiVersion": "policy/v1",
            "metadata": {"name": "p9", "creationTimestamp": None},
            "spec": {"minAvailable": "50%", "selector": {"matchLabels": {"app": "web"}}},
            "status": {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}}

    def test_drain_deletes_with_a_grace_period_of_zero(self):
        body = bytes.fromhex("6b3873000a130a027631120d44656c6574654f7074696f6e731202080 01a002200".replace(" ", ""))
        assert protobuf.decode(body) == {"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0}


class TestSchema:
    def test_every_kind_maps_to_a_message(self):
        for (api_version, kind), message in protoschema.KINDS.items():
            assert message in protobuf.MESSAGES, (api_version, kind)
            assert 1 in protobuf.MESSAGES[message] and protobuf.MESSAGES[message][1].json == "metadata"

    def test_every_kind_litekube_serves_can_be_sent(self):
        from litekube.model import kinds
        served = {(k.api_version, k.kind) for k in kinds.KINDS if not k.computed}
        assert served - set(protoschema.KINDS) == set()

    def test_field_numbers_are_unique_within_a_message(self):
        messages = re.split(r"\n(?=\w)", protoschema.MESSAGES.strip())  # indented lines continue a message
        assert len(messages) > 300
        for text in messages:
            if not text.startswith("#"):
                numbers = re.findall(r"=(\d+)", text.split("\n#")[0])
                assert len(numbers) == len(set(numbers)), text


def test_deeply_nested_json_inside_a_raw_extension_is_refused():
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(protobuf.ProtobufError, match="neither JSON nor protobuf"):
        protobuf.decode(envelope("apps/v1", "ControllerRevision", meta("r") + ld(2, ld(1, deep))))
