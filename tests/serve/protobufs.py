"""Protobuf bodies built by hand for the serve tests: a few wire-format helpers and garbled envelopes."""
from __future__ import annotations

import random

from litekube.ui.kubeapi import protobuf


def varint(value: int) -> bytes:
    """`value` as a varint; negative numbers as their 64-bit two's complement (10 bytes), as Go writes int32."""
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def key(number: int, wire: int) -> bytes:
    return varint(number << 3 | wire)


def vint(number: int, value: int) -> bytes:
    return key(number, 0) + varint(value)


def ld(number: int, payload: bytes | str) -> bytes:
    data = payload.encode() if isinstance(payload, str) else payload
    return key(number, 2) + varint(len(data)) + data


def entry(number: int, k: str, v: bytes | str) -> bytes:
    """One map entry."""
    return ld(number, ld(1, k) + ld(2, v))


def envelope(api_version: str, kind: str, raw: bytes, encoding: str = "") -> bytes:
    return protobuf.MAGIC + ld(1, ld(1, api_version) + ld(2, kind)) + ld(2, raw) + ld(3, encoding) + ld(4, "")


def meta(name: str, **extra: bytes) -> bytes:
    """ObjectMeta as gogo writes it: every non-pointer field present, empty."""
    return ld(1, ld(1, name) + ld(2, "") + ld(3, "") + ld(4, "") + ld(5, "") + ld(6, "") + vint(7, 0) + ld(8, b"")
              + b"".join(extra.values()))


GOOD_CM_PB = envelope("v1", "ConfigMap", meta("fuzz-pb") + entry(2, "k", "v"))


def garbled_protobuf(rng: random.Random) -> bytes:
    """An envelope the decoder must refuse, each kind of damage at random."""
    raw = meta(f"fuzz-{rng.randrange(10**6)}") + entry(2, "k", "v")
    good = envelope("v1", "ConfigMap", raw)
    choice = rng.randrange(10)
    if choice == 0:  # cut inside the raw object: a length claims more than remains
        start = len(protobuf.MAGIC) + len(ld(1, ld(1, "v1") + ld(2, "ConfigMap"))) + 2
        return good[:rng.randrange(start, start + len(raw))]
    if choice == 1:
        return b"k8s\x01" + good[4:]
    if choice == 2:  # a kind nobody registered, or none
        return envelope(rng.choice(["v1", "apps/v1", "nosuch/v1"]), rng.choice(["Foo", ""]), raw)
    if choice == 3:  # a varint of 11 bytes
        return envelope("v1", "ConfigMap", key(7, 0) + b"\xff" * 10 + b"\x01")
    if choice == 4:  # the group wire types and the undefined ones
        return envelope("v1", "ConfigMap", key(rng.randrange(1, 20), rng.choice([3, 4, 6, 7])) + raw)
    if choice == 5:  # field number 0
        return envelope("v1", "ConfigMap", b"\x02\x00" + raw)
    if choice == 6:  # a name that is not UTF-8
        return envelope("v1", "ConfigMap", ld(1, ld(1, b"\xff\xfe")) + entry(2, "k", "v"))
    if choice == 7:  # a compressed body
        return envelope("v1", "ConfigMap", raw, encoding="gzip")
    if choice == 8:  # a map entry whose value has the wrong wire type
        return envelope("v1", "ConfigMap", meta("x") + ld(2, ld(1, "k") + vint(2, 5)))
    while True:  # random bytes after the magic
        body = protobuf.MAGIC + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80)))
        try:
            protobuf.decode(body)
        except protobuf.ProtobufError:
            return body


def encode(obj: dict, message: str) -> bytes:
    """`obj` (JSON values) as `message` of the schema, the way gogo-protobuf writes it; raises KeyError for a
    field the schema lacks. The inverse of protobuf.decode_message, for round trips in tests."""
    fields = protobuf.MESSAGES[message]
    out = b""
    for name, value in obj.items():
        number, field = _field(fields, name)
        if field is None:  # a field of an inline struct
            inline = fields[number]
            out += ld(number, encode({name: value}, inline.type))
            continue
        if field.map is not None:
            for k, v in (value or {}).items():
                out += ld(number, ld(1, k) + _encoded(2, field.map, v))
        elif field.repeated:
            for item in value or []:
                out += _encoded(number, field.type, item)
        else:
            out += _encoded(number, field.type, value)
    return out


def _field(fields: dict, name: str):
    for number, field in fields.items():
        if field.json == name:
            return number, field
    for number, field in fields.items():
        if not field.json:
            try:
                _field(protobuf.MESSAGES[field.type], name)
            except KeyError:
                continue
            return number, None
    raise KeyError(name)


def _encoded(number: int, type_: str, value) -> bytes:
    import base64
    import json
    from datetime import datetime
    if type_ == "s":
        return ld(number, value)
    if type_ in ("i", "b"):
        return vint(number, int(value))
    if type_ == "y":
        return ld(number, base64.b64decode(value))
    if type_ == "Q":
        return ld(number, ld(1, str(value)))
    if type_ in ("T", "M"):
        if value is None:
            return ld(number, b"")
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return ld(number, vint(1, int(moment.timestamp())) + vint(2, moment.microsecond * 1000))
    if type_ == "I":
        return ld(number, vint(1, 1) + ld(3, value) if isinstance(value, str) else vint(1, 0) + vint(2, value))
    if type_ in ("R", "F"):
        return ld(number, ld(1, json.dumps(value).encode()))
    return ld(number, encode(value, type_))
