"""Kubernetes' protobuf request bodies, decoded to the JSON values the JSON path gets. No I/O happens here.

client-go's typed clientsets (kubectl create, token, drain's deletes) send
`Content-Type: application/vnd.kubernetes.protobuf`: the 4 bytes `k8s\\x00`,
then a runtime.Unknown {typeMeta{apiVersion=1, kind=2}=1, raw=2,
contentEncoding=3, contentType=4} whose raw bytes are the object's message
(protoschema). `decode` returns the object as the JSON of the same Go object
reads: zero scalars of non-pointer fields left out, Times in RFC 3339,
bytes in base64, IntOrString as a number or a string, `apiVersion` and
`kind` taken from the envelope. Fields the table does not know are skipped,
as a proto2 decoder does; anything malformed raises ProtobufError.
"""
from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator

from litekube.ui.kubeapi import protoschema

__all__ = ["MAGIC", "MEDIA_TYPE", "ProtobufError", "decode", "decode_message", "read_varint", "go_duration"]

MAGIC = b"k8s\x00"
MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
_MAX_DEPTH = 64
_SCALARS = {"s", "i", "b", "y"}
_ZERO = {"s": "", "i": 0, "b": False, "y": ""}


class ProtobufError(ValueError):
    """The body is not a well-formed Kubernetes protobuf message (answered 400 BadRequest)."""


@dataclass(frozen=True)
class Field:
    json: str  # "" for a struct embedded inline
    type: str
    repeated: bool = False
    map: str | None = None  # the value type of a map field
    keep_zero: bool = False


_FIELD = re.compile(r"^(\^|\w+)=(\d+)(\?)?(\*|\{(\w*)\})?(?::(\w+))?$")


def _parse(text: str) -> dict[str, dict[int, Field]]:
    messages: dict[str, dict[int, Field]] = {}
    lines: list[str] = []
    for line in text.splitlines():
        if line[:1].isspace() and lines:
            lines[-1] += " " + line.strip()  # a continuation
        elif line.strip() and not line.startswith("#"):
            lines.append(line.strip())
    for line in lines:
        name, _, rest = line.partition(":")
        fields: dict[int, Field] = {}
        for token in rest.split():
            m = _FIELD.match(token)
            if m is None:
                raise ValueError(f"protoschema: bad field {token!r} in {name}")
            json_name, number, keep, shape, map_value, type_ = m.groups()
            is_map = shape is not None and shape.startswith("{")
            fields[int(number)] = Field("" if json_name == "^" else json_name, type_ or "s",
                                        repeated=shape == "*", map=(map_value or "s") if is_map else None,
                                        keep_zero=keep == "?")
        messages[name.strip()] = fields
    for name, fields in messages.items():
        for field in fields.values():
            for type_ in (field.type, field.map):
                if type_ and len(type_) > 1 and type_ not in messages:
                    raise ValueError(f"protoschema: {name} refers to unknown message {type_}")
    return messages


MESSAGES = _parse(protoschema.MESSAGES)


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """The unsigned varint at `pos` and the position after it; at most 10 bytes (64 bits)."""
    value = shift = 0
    for i in range(10):
        if pos + i >= len(data):
            raise ProtobufError("unexpected end of data inside a varint")
        byte = data[pos + i]
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if value >= 1 << 64:
                raise ProtobufError("varint overflows 64 bits")
            return value, pos + i + 1
        shift += 7
    raise ProtobufError("varint longer than 10 bytes")


def _fields(data: bytes) -> Iterator[tuple[int, int, Any]]:
    """(field number, wire type, value) of each field: an int for varint and fixed, bytes for length-delimited."""
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ProtobufError("field number 0 is not allowed")
        if wire == 0:
            value, pos = read_varint(data, pos)
        elif wire == 2:
            length, pos = read_varint(data, pos)
            if length > len(data) - pos:
                raise ProtobufError(f"field {number} claims {length} bytes, {len(data) - pos} remain")
            value, pos = data[pos:pos + length], pos + length
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            if pos + size > len(data):
                raise ProtobufError(f"unexpected end of data inside fixed-size field {number}")
            value, pos = int.from_bytes(data[pos:pos + size], "little"), pos + size
        else:
            raise ProtobufError(f"field {number} has unsupported wire type {wire}")
        yield number, wire, value


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _text(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtobufError(f"{where}: string is not valid UTF-8") from None


def _time(raw: bytes, micro: bool) -> str | None:
    if not raw:
        return None  # the zero Time: JSON null
    seconds = nanos = 0
    for number, wire, value in _fields(raw):
        if wire != 0:
            raise ProtobufError("Time: wrong wire type")
        if number == 1:
            seconds = _signed(value)
        elif number == 2:
            nanos = _signed(value)
    try:
        moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise ProtobufError(f"Time: {seconds} seconds is out of range") from None
    if micro:  # RFC3339Micro
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{max(0, nanos) // 1000 % 1000000:06d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")  # Time keeps whole seconds, as upstream's Unmarshal


def go_duration(nanos: int) -> str:
    """A duration as Go's time.Duration.String() writes it (metav1.Duration's JSON form)."""
    if nanos == 0:
        return "0s"
    sign, n = ("-", -nanos) if nanos < 0 else ("", nanos)
    if n < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if n >= size:
                return sign + _trim(n / size if size > 1 else n, n % size, size) + unit
    hours, rest = divmod(n, 3600 * 10**9)
    minutes, rest = divmod(rest, 60 * 10**9)
    seconds = _trim(rest // 10**9, rest % 10**9, 10**9)
    if hours:
        return f"{sign}{hours}h{minutes}m{seconds}s"
    if minutes:
        return f"{sign}{minutes}m{seconds}s"
    return f"{sign}{seconds}s"


def _trim(whole: float, remainder: int, size: int) -> str:
    if not remainder:
        return str(int(whole))
    digits = len(str(size)) - 1
    return (f"{int(whole)}.{remainder:0{digits}d}").rstrip("0")


def _sub(raw: bytes) -> dict[int, Any]:
    """The last value of each field of a small wrapper message (Quantity, IntOrString, RawExtension)."""
    out: dict[int, Any] = {}
    for number, _wire, value in _fields(raw):
        out[number] = value
    return out


def _value(type_: str, wire: int, value: Any, depth: int, where: str) -> Any:
    if type_ in ("i", "b"):
        if wire != 0:
            raise ProtobufError(f"{where}: expected a varint, got wire type {wire}")
        return bool(value) if type_ == "b" else _signed(value)
    if wire != 2:
        raise ProtobufError(f"{where}: expected length-delimited data, got wire type {wire}")
    if type_ == "s":
        return _text(value, where)
    if type_ == "y":
        return base64.b64encode(value).decode("ascii")
    if type_ in ("T", "M"):
        return _time(value, micro=type_ == "M")
    if type_ == "Q":
        text = _sub(value).get(1, b"")
        return _text(text, where) if isinstance(text, bytes) and text else "0"
    if type_ == "I":
        parts = _sub(value)
        if parts.get(1, 0) == 1:
            text = parts.get(3, b"")
            return _text(text, where) if isinstance(text, bytes) else ""
        number = parts.get(2, 0)
        return _signed(number) if isinstance(number, int) else 0
    if type_ == "D":
        nanos = _sub(value).get(1, 0)
        return go_duration(_signed(nanos) if isinstance(nanos, int) else 0)
    if type_ in ("R", "F"):
        raw = _sub(value).get(1, b"")
        if not isinstance(raw, bytes) or not raw:
            return None
        if raw.startswith(MAGIC):
            return decode(raw, _depth=depth + 1)
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise ProtobufError(f"{where}: the embedded object is neither JSON nor protobuf") from None
    return decode_message(value, type_, _depth=depth + 1, _where=where)


def decode_message(data: bytes, message: str, *, _depth: int = 0, _where: str = "") -> dict:
    """The JSON values of `data`, a serialized `message` of protoschema; raises ProtobufError."""
    if _depth > _MAX_DEPTH:
        raise ProtobufError("messages nested too deeply")
    schema = MESSAGES[message]
    out: dict[str, Any] = {}
    for number, wire, value in _fields(data):
        field = schema.get(number)
        if field is None:
            continue  # a field this table does not know: skipped, as proto2 does
        where = f"{_where}.{field.json}" if _where else (field.json or message)
        if field.map is not None:
            if wire != 2:
                raise ProtobufError(f"{where}: a map entry must be length-delimited")
            key, item = "", _default(field.map)
            for n, w, v in _fields(value):
                if n == 1:
                    key = _value("s", w, v, _depth, where)
                elif n == 2:
                    item = _value(field.map, w, v, _depth, f"{where}[{key}]")
            out.setdefault(field.json, {})[key] = item
        elif field.repeated:
            items = out.setdefault(field.json, [])
            if field.type in ("i", "b") and wire == 2:  # packed
                pos = 0
                while pos < len(value):
                    item, pos = read_varint(value, pos)
                    items.append(bool(item) if field.type == "b" else _signed(item))
            else:
                items.append(_value(field.type, wire, value, _depth, where))
        elif not field.json:  # embedded inline
            if wire != 2:
                raise ProtobufError(f"{message}: an embedded struct must be length-delimited")
            out.update(decode_message(value, field.type, _depth=_depth + 1, _where=_where))
        else:
            decoded = _value(field.type, wire, value, _depth, where)
            previous = out.get(field.json)
            if isinstance(previous, dict) and isinstance(decoded, dict) and len(field.type) > 1:
                decoded = {**previous, **decoded}  # a message given twice is merged, as protobuf does
            out[field.json] = decoded
    for field in schema.values():
        if field.json in out and field.type in _SCALARS and not field.repeated and field.map is None \
                and not field.keep_zero and out[field.json] == _ZERO[field.type]:
            del out[field.json]
    return out


def _default(type_: str) -> Any:
    if type_ in _ZERO:
        return _ZERO[type_]
    if type_ == "Q":
        return "0"
    if type_ in ("T", "M", "R", "F"):
        return None
    if type_ == "I":
        return 0
    return {}


def decode(body: bytes, *, _depth: int = 0) -> dict:
    """The object in a `k8s\\x00` envelope, with its apiVersion and kind; raises ProtobufError."""
    if not body.startswith(MAGIC):
        raise ProtobufError("the body does not start with the protobuf envelope's magic number k8s\\x00")
    api_version = kind = encoding = ""
    raw = b""
    for number, wire, value in _fields(body[len(MAGIC):]):
        if wire != 2:
            continue
        if number == 1:
            for n, w, v in _fields(value):
                if w == 2 and n == 1:
                    api_version = _text(v, "typeMeta.apiVersion")
                elif w == 2 and n == 2:
                    kind = _text(v, "typeMeta.kind")
        elif number == 2:
            raw = value
        elif number == 3:
            encoding = _text(value, "contentEncoding")
    if encoding:
        raise ProtobufError(f'content encoding "{encoding}" is not supported')
    if not kind:
        raise ProtobufError("Object 'Kind' is missing in the protobuf envelope")
    message = protoschema.KINDS.get((api_version, kind)) or ("DeleteOptions" if kind == "DeleteOptions" else None)
    if message is None:
        raise ProtobufError(f'no kind "{kind}" is registered for version "{api_version}"')
    return {"kind": kind, "apiVersion": api_version, **decode_message(raw, message, _depth=_depth)}
