"""The one input boundary: manifest bytes in, JSON-like values out, as kubectl reads them.

No I/O happens here; the caller reads the file, stdin or request body. A
stream is read as kubectl's YAMLOrJSONDecoder reads it:

- bytes become text as Go makes JSON strings of them: each invalid UTF-8
  byte becomes U+FFFD (kubectl accepts such files); a BOM is honoured;
- a stream whose first non-space character is `{` is a stream of JSON
  values, decoded as encoding/json decodes them (NaN refused, duplicate
  keys kept for strict decoding, lone surrogates become U+FFFD, integers
  past int64 become floats) with encoding/json's error texts;
- anything else is YAML, cut into documents at `---` lines by kubectl's
  YAMLReader (line numbers restart in each document), each decoded by
  `goyaml`;
- limits: nesting deeper than goyaml.MAX_DEPTH, a document over
  DOCUMENT_LIMIT bytes of text, a stream over STREAM_LIMIT bytes.

`read` raises errors.ManifestError worded as kubectl's
`error parsing FILE: ...`. The request-size limit (REQUEST_LIMIT, the
apiserver's 3 MiB) is checked per object by the caller, on the JSON a
client would send.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from litekube import errors
from litekube.model import goyaml, gosyntax

__all__ = ["Raw", "read", "REQUEST_LIMIT", "DOCUMENT_LIMIT", "STREAM_LIMIT", "MAX_DEPTH", "request_size"]

REQUEST_LIMIT = 3 * 1024 * 1024  # kube-apiserver's MaxRequestBodyBytes: "Request entity too large: limit is 3145728"
# litekube's own bounds (kubectl has none): no single document can be a valid
# request above twice the request limit, and no stream is read past 64 MiB.
DOCUMENT_LIMIT = 2 * REQUEST_LIMIT
STREAM_LIMIT = 64 * 1024 * 1024
MAX_DEPTH = goyaml.MAX_DEPTH

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass
class Raw:
    """One decoded document: its value, its 1-based position, its strict decoding errors."""

    value: Any
    index: int
    strict: list[str] = field(default_factory=list)


def request_size(value: Any) -> int:
    """Bytes of the compact JSON a client sends for `value` (Go escapes nothing else that matters)."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass"))


def _text(data: bytes | str) -> str:
    if isinstance(data, str):
        return _SURROGATES.sub("\ufffd", data) if _has_surrogates(data) else data
    if data[:3] == b"\xef\xbb\xbf":
        return gosyntax.decode_utf8(data[3:])
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return _SURROGATES.sub("\ufffd", data[len(bom):].decode(codec, "replace"))
    return gosyntax.decode_utf8(data)


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read(data: bytes | str, source: str) -> list[Raw]:
    """Every document of a stream, empty ones included as None values.

    Raises ManifestError naming `source` for text kubectl cannot decode.
    """
    if len(data) > STREAM_LIMIT:
        raise errors.ManifestError(
            f"error parsing {source}: the input is larger than {STREAM_LIMIT // (1024 * 1024)} MiB")
    text = _text(data)
    if text.lstrip(" \t\r\n").startswith("{"):
        return _json_stream(text, source)
    return [_yaml_document(chunk, index, source) for index, chunk in enumerate(_chunks(text, source), 1)]


def _chunks(text: str, source: str) -> list[str]:
    """kubectl's YAMLReader: documents end at lines starting with `---` (comments may follow)."""
    chunks: list[str] = []
    buffer: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("---"):
            rest = line[3:].strip()
            if rest and not rest.startswith("#"):
                raise errors.ManifestError(f"error parsing {source}: invalid Yaml document separator: {rest}")
            if buffer:
                chunks.append("".join(buffer))
                buffer = []
            continue
        buffer.append(line)
    if buffer:
        chunks.append("".join(buffer))
    return chunks


def _yaml_document(chunk: str, index: int, source: str) -> Raw:
    if len(chunk) > DOCUMENT_LIMIT and len(chunk.encode("utf-8")) > DOCUMENT_LIMIT:
        raise errors.ManifestError(
            f"error parsing {source}: document {index} is larger than {DOCUMENT_LIMIT} bytes")
    try:
        decoded = goyaml.decode(chunk)
    except goyaml.YamlError as exc:
        raise errors.ManifestError(f"error parsing {source}: error converting YAML to JSON: {exc}") from None
    strict = [f"yaml: unmarshal errors:\n  " + "\n  ".join(decoded.duplicates)] if decoded.duplicates else []
    return Raw(decoded.value, index, strict)


# -- JSON --------------------------------------------------------------------------------

class _Refused(Exception):
    """A value encoding/json refuses although Python's json accepts it."""


class _Object(dict):
    """A JSON object that remembers its duplicate keys (for strict decoding)."""

    duplicates: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


def _refuse_constant(name: str) -> Any:
    raise _Refused(name)


def _parse_int(text: str) -> int | float:
    if len(text) <= 19:
        number = int(text)
        if -(2 ** 63) <= number < 2 ** 63:
            return number
    return _parse_float(text)


def _parse_float(text: str) -> int | float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _Refused(f"json: cannot unmarshal number {text} into Go value of type float64")
    return int(value) if value.is_integer() and abs(value) < 1e21 else value


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_refuse_constant,
                            parse_int=_parse_int, parse_float=_parse_float)


def _json_stream(text: str, source: str) -> list[Raw]:
    docs: list[Raw] = []
    position, end = 0, len(text)
    surrogates = _SURROGATE_ESCAPE.search(text) is not None
    while True:
        while position < end and text[position] in " \t\r\n":
            position += 1
        if position >= end:
            return docs
        start = position
        try:
            value, position = _DECODER.raw_decode(text, position)
        except (json.JSONDecodeError, RecursionError, _Refused) as exc:
            message = str(exc) if isinstance(exc, _Refused) and str(exc).startswith("json:") else \
                gosyntax.json_syntax_error(text, start, MAX_DEPTH) or f"json: {exc}"
            raise errors.ManifestError(f"error parsing {source}: {message}") from None
        if position - start > DOCUMENT_LIMIT:
            raise errors.ManifestError(
                f"error parsing {source}: document {len(docs) + 1} is larger than {DOCUMENT_LIMIT} bytes")
        plain, duplicates, too_deep = _plain(value, surrogates)
        if too_deep:
            message = gosyntax.json_syntax_error(text, start, MAX_DEPTH) or "json: exceeded max depth"
            raise errors.ManifestError(f"error parsing {source}: {message}")
        strict = [f'duplicate field "{path}"' for path in duplicates]
        docs.append(Raw(plain, len(docs) + 1, strict))


def _plain(value: Any, surrogates: bool) -> tuple[Any, list[str], bool]:
    """(plain dicts and lists, paths of duplicate keys, deeper than MAX_DEPTH), without recursion."""
    duplicates: list[str] = []
    root: list[Any] = [None]
    # (value, container to put it in, key or index there, path, depth)
    stack: list[tuple[Any, Any, Any, str, int]] = [(value, root, 0, "", 0)]
    while stack:
        item, parent, slot, path, depth = stack.pop()
        if isinstance(item, dict):
            if depth >= MAX_DEPTH:
                return None, duplicates, True
            out: dict = {}
            parent[slot] = out
            for key in getattr(item, "duplicates", ()):
                duplicates.append(f"{path}.{key}" if path else key)
            for key, child in item.items():
                if surrogates:
                    key = _SURROGATES.sub("\ufffd", key)
                out[key] = None
                stack.append((child, out, key, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(item, list):
            if depth >= MAX_DEPTH:
                return None, duplicates, True
            items: list = [None] * len(item)
            parent[slot] = items
            for i, child in enumerate(item):
                stack.append((child, items, i, f"{path}[{i}]", depth + 1))
        elif surrogates and isinstance(item, str):
            parent[slot] = _SURROGATES.sub("\ufffd", item)
        else:
            parent[slot] = item
    return root[0], duplicates, False
