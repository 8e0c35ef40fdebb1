"""The fuzz corpus: mutations of real manifests, and hostile shapes, as bytes.

No I/O happens here but reading the seed manifests. `cases(seed, count)`
is deterministic for a seed: the same corpus every run, so a failure
reproduces with its case name. Families:

- `seed`: the samples and the Kubernetes documentation's examples, unchanged;
- `typed`: a seed object with one value replaced by a hostile one (numbers,
  lists, maps, null, huge and negative numbers, long strings) at a random
  path, including kind, apiVersion, metadata.name and metadata.namespace;
- `text`: byte flips, truncations, deleted, duplicated and re-indented
  lines, inserted YAML syntax (`&a`, `*a`, `!!binary`, `---`, `{`, `- `);
- `hostile`: every shape from the issue: non-UTF-8 and binary garbage,
  nesting 800 to 50,000 deep in block YAML, flow YAML and JSON, alias bombs,
  tags outside the core schema, non-string and null and collection keys,
  duplicate keys, huge numbers, oversized requests and objects, Lists with
  odd items, bad document separators, thousands of containers, a
  Deployment of 100,000 replicas.

Every case comes in a multi-document form too: a valid ConfigMap named
CANARY before the case, so that a refusal can be checked to write nothing.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ["Case", "cases", "CANARY", "seeds"]

ROOT = Path(__file__).resolve().parents[2]
CANARY = "fuzz-canary"
_CANARY_YAML = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {CANARY}\ndata:\n  a: b\n"
_CANARY_JSON = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": CANARY}})

HOSTILE_VALUES: list = [
    None, True, False, 0, -1, 1.5, 2 ** 31, 2 ** 63, -(2 ** 63) - 1, 10 ** 30, 1e300, "", "x" * 300,
    "😀\u200b", "a\tb", [], {}, [1, [2]], {"1": 2}, {"a": {"b": {"c": []}}}, ["x"] * 50, "${HOME}", "-1",
    "0x10", "yes", "null", "9" * 25,
]


@dataclass(frozen=True)
class Case:
    """One input: `name` says how it was made (family/...)."""

    name: str
    data: bytes

    def multi(self) -> "Case":
        """The case after a valid ConfigMap (JSON streams stay JSON)."""
        if self.data.lstrip().startswith(b"{"):
            return Case(self.name + "+canary", _CANARY_JSON.encode() + b"\n" + self.data)
        return Case(self.name + "+canary", _CANARY_YAML.encode() + b"---\n" + self.data)


def seeds() -> list[tuple[str, str]]:
    """(name, text) of every seed manifest."""
    samples = "---\n".join(p.read_text() for p in sorted((ROOT / "samples").glob("*.yaml")))  # one needs the other
    examples = sorted((ROOT / "tests/manifests/reliability").glob("*.yaml"))
    return [("samples", samples)] + [(p.stem, p.read_text()) for p in examples]


def _objects(text: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]


def _paths(value, prefix=()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            out += _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            out += _paths(child, prefix + (i,))
    return out


def _set(obj, path: tuple, value) -> None:
    for step in path[:-1]:
        obj = obj[step]
    obj[path[-1]] = value


def _dump(obj, rng: random.Random) -> bytes:
    if rng.random() < 0.3:
        return json.dumps(obj).encode()
    return yaml.safe_dump(obj, sort_keys=False, allow_unicode=True).encode()


def _typed(rng: random.Random, seed_objects: list[dict], i: int) -> Case:
    obj = json.loads(json.dumps(rng.choice(seed_objects)))
    special = [("kind",), ("apiVersion",), ("metadata",), ("metadata", "name"), ("metadata", "namespace"),
               ("spec", "replicas"), ("metadata", "labels")]
    paths = [p for p in _paths(obj) if p] + special * 3
    path = rng.choice(paths)
    value = rng.choice(HOSTILE_VALUES)
    try:
        _set(obj, path, value)
    except (KeyError, IndexError, TypeError):
        obj.setdefault("metadata", {})["name"] = value
    return Case(f"typed/{i}:{'.'.join(map(str, path))}={str(value)[:20]}", _dump(obj, rng))


_SNIPPETS = ["&a ", "*a", "*b", "!!binary ", "!!set ", "!foo ", "---\n", "{", "}", "[", "- ", ": ", "? ",
             "\t", "<<: *a\n", "%YAML 1.1\n", "\"\\ud800\"", "'", "#", "|\n", "~: x\n", "1: x\n", "...\n"]


def _text(rng: random.Random, seed_texts: list[str], i: int) -> Case:
    text = rng.choice(seed_texts)
    lines = text.splitlines(keepends=True)
    how = rng.choice(["flip", "truncate", "delete", "duplicate", "indent", "insert", "bytes", "control"])
    if how == "flip":
        data = bytearray(text.encode())
        for _ in range(rng.randint(1, 5)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return Case(f"text/{i}:flip", bytes(data))
    if how == "truncate":
        return Case(f"text/{i}:truncate", text.encode()[:rng.randrange(len(text))])
    at = rng.randrange(len(lines))
    if how == "delete":
        del lines[at]
    elif how == "duplicate":
        lines.insert(at, lines[at])
    elif how == "indent":
        lines[at] = " " * rng.choice([1, 3, 5, 8]) + lines[at]
    elif how == "insert":
        column = rng.randrange(len(lines[at]) + 1)
        lines[at] = lines[at][:column] + rng.choice(_SNIPPETS) + lines[at][column:]
    elif how == "bytes":
        return Case(f"text/{i}:bytes", "".join(lines[:at]).encode() + bytes(rng.randrange(128, 256)
                                                                          for _ in range(8)) + "".join(lines[at:]).encode())
    else:
        lines[at] = lines[at].rstrip("\n") + chr(rng.choice([0, 1, 7, 27, 127])) + "\n"
    return Case(f"text/{i}:{how}", "".join(lines).encode())


_CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hostile\n"


def _deep_block(levels: int) -> str:
    return _CM + "data:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(levels))


def _bomb(levels: int, width: int) -> str:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return _CM + "data:\n" + "".join("  " + line + "\n" for line in lines)


def _deployment(replicas, containers: int = 1, extra: str = "") -> str:
    body = "".join(f"      - name: c{i}\n        image: nginx\n" for i in range(containers))
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hostile\nspec:\n  replicas: {replicas}\n"
            "  selector:\n    matchLabels: {app: h}\n  template:\n    metadata:\n      labels: {app: h}\n"
            f"    spec:\n      containers:\n{body}{extra}")


def _pod(containers: int) -> str:
    body = "".join(f"  - name: c{i}\n    image: nginx\n" for i in range(containers))
    return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hostile-pod\nspec:\n  containers:\n" + body


def hostile(rng: random.Random) -> list[Case]:
    """The fixed hostile shapes (their size scales with the mode in the caller)."""
    big = "x" * (3 * 1024 * 1024 + 10)
    shapes: dict[str, str | bytes] = {
        "utf8/latin1": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\ndata:\n  k: \xe9t\xe9\n".encode("latin-1"),
        "utf8/invalid-in-value": _CM.encode() + b'data:\n  k: "\xff\xfe\x80"\n',
        "utf8/invalid-in-key": _CM.encode() + b"data:\n  \xc3\x28: v\n",
        "utf8/invalid-in-name": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\xffb\n",
        "utf8/utf16-bom": ("\ufeff" + _CM).encode("utf-16-le"),
        "utf8/utf8-bom": b"\xef\xbb\xbf" + _CM.encode(),
        "utf8/bom-mid": _CM.encode() + "data:\n  a: \ufeffb\n".encode(),
        "binary/random": bytes(rng.randrange(256) for _ in range(4096)),
        "binary/high": bytes(rng.randrange(128, 256) for _ in range(4096)),
        "binary/nul": b"\x00" * 100,
        "binary/gzip": b"\x1f\x8b\x08\x00" + bytes(rng.randrange(256) for _ in range(200)),
        "deep/block-800": _deep_block(800),
        "deep/block-5000": _deep_block(5000),
        "deep/flow-5000": _CM + "data: " + "[" * 5000 + "]" * 5000 + "\n",
        "deep/flow-50000": _CM + "data: " + "{a: " * 50000 + "b" + "}" * 50000 + "\n",
        "deep/json-50000": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}, "data": '
                           + "[" * 50000 + "]" * 50000 + "}",
        "deep/json-mixed": '{"a": ' * 3000 + "1" + "}" * 3000,
        "deep/at-limit": _CM + "data: " + "[" * 98 + "]" * 98 + "\n",
        "alias/billion-laughs": _bomb(9, 9),
        "alias/wide": _bomb(3, 200),
        "alias/quadratic": _CM + "data:\n  x: &x [" + ", ".join(["v"] * 1000) + "]\n" + "".join(
            f"  k{i}: *x\n" for i in range(1000)),
        "alias/merge-bomb": _CM + "data:\n  a: &a {x: 1, y: 2}\n" + "".join(
            f"  b{i}: &b{i} {{<<: [*{'a' if i == 0 else f'b{i - 1}'}, *a], z{i}: 1}}\n" for i in range(200)),
        "alias/recursive": _CM + "data: &a\n  self: *a\n",
        "alias/unknown": _CM + "data:\n  a: *nowhere\n",
        "alias/under-budget": _CM + "data:\n  x: &x v\n" + "".join(f"  k{i}: *x\n" for i in range(50)),
        "tag/binary": _CM + "binaryData:\n  x: !!binary aGVsbG8=\n",
        "tag/binary-bad": _CM + "data:\n  x: !!binary '@@@'\n",
        "tag/binary-in-data": _CM + "data:\n  x: !!binary /w==\n",
        "tag/set": _CM + "data: !!set {a, b}\n",
        "tag/omap": _CM + "data: !!omap [a: b]\n",
        "tag/python": _CM + "data: !!python/object/apply:os.system ['echo pwned']\n",
        "tag/python-name": "!!python/name:os.system\n",
        "tag/custom": _CM + "metadata: !custom {name: tagged}\n",
        "tag/int-on-string": _CM + "data:\n  a: !!int abc\n",
        "tag/str-on-number": _deployment("!!str 3"),
        "tag/float-replicas": _deployment("!!float 3"),
        "tag/timestamp": _CM + "data:\n  a: !!timestamp 2001-12-14\n",
        "tag/null-tag": _CM + "data:\n  a: !!null x\n",
        "keys/int": _CM + "  labels:\n    1: x\n",
        "keys/float": _CM + "data:\n  1.5: x\n",
        "keys/bool": _CM + "data:\n  true: x\n  yes: y\n",
        "keys/null": _CM + "data:\n  ~: x\n",
        "keys/list": _CM + "data:\n  ? [a]\n  : x\n",
        "keys/map": _CM + "data:\n  ? {a: b}\n  : x\n",
        "keys/int-in-spec": _deployment(3).replace("  replicas: 3\n", "  replicas: 3\n  5: x\n"),
        "dup/name": _CM + "  name: again\n",
        "dup/top": _CM + "kind: Secret\n",
        "dup/json": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "name": "b"}}',
        "dup/labels": _CM + "  labels:\n    a: b\n    a: c\n",
        "numbers/replicas-int32": _deployment(2 ** 31),
        "numbers/replicas-int64": _deployment(2 ** 63),
        "numbers/replicas-huge": _deployment("9" * 5000),
        "numbers/replicas-negative": _deployment(-1),
        "numbers/replicas-float": _deployment(2.5),
        "numbers/replicas-1e400": _deployment("1e400"),
        "numbers/replicas-inf": _deployment(".inf"),
        "numbers/replicas-nan": _deployment(".nan"),
        "numbers/json-huge": '{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "j"}, '
                             '"spec": {"replicas": ' + "9" * 5000 + "}}",
        "numbers/json-1e400": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}, "data": {"a": 1e400}}',
        "numbers/json-nan": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}, "data": {"a": NaN}}',
        "numbers/grace-huge": _pod(1).replace("spec:\n", "spec:\n  terminationGracePeriodSeconds: 99999999999999999999\n"),
        "numbers/port-huge": _pod(1) + "    ports: [{containerPort: 4294967296}]\n",
        "numbers/quantity-huge": _pod(1) + "    resources: {requests: {cpu: 1e400}}\n",
        "numbers/quantity-bad": _pod(1) + "    resources: {requests: {cpu: '1..5'}}\n",
        "size/request-3mib": _CM + f"data:\n  a: {big}\n",
        "size/object-2mib": _CM + "data:\n" + "".join(f"  k{i}: {'x' * 400000}\n" for i in range(5)),
        "size/annotations": _CM + f"  annotations:\n    a: {'x' * 300000}\n",
        "size/many-keys": _CM + "data:\n" + "".join(f"  k{i}: v\n" for i in range(60000)),
        "size/long-name": f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {'a' * 5000}\n",
        "list/items-number": "apiVersion: v1\nkind: List\nitems: 5\n",
        "list/item-number": "apiVersion: v1\nkind: List\nitems: [5, {a: b}]\n",
        "list/item-no-kind": "apiVersion: v1\nkind: List\nitems: [{a: b}]\n",
        "list/item-null": "apiVersion: v1\nkind: List\nitems: [null]\n",
        "list/nested": "apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: List, items: [{apiVersion: v1, "
                       "kind: ConfigMap, metadata: {name: n}}]}]\n",
        "list/typed": "apiVersion: v1\nkind: ConfigMapList\nitems: [{metadata: {name: typed}}]\n",
        "list/items-map": "apiVersion: v1\nkind: List\nitems: {a: b}\n",
        "list/item-kind-number": "apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: 5}]\n",
        "list/item-name-list": "apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: ConfigMap, "
                               "metadata: {name: [a]}}]\n",
        "doc/separator-content": _CM + "--- x: y\n" + _CM,
        "doc/four-dashes": _CM + "----\n" + _CM,
        "doc/document-end": _CM + "...\n" + "garbage: [\n",
        "doc/empty": "",
        "doc/comments": "# nothing\n---\n# here\n",
        "doc/scalar": "hello\n",
        "doc/sequence": "- a\n- b\n",
        "doc/json-array": '[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}]',
        "doc/json-scalar": '{"a": 1} 5',
        "doc/json-trailing": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}} }',
        "doc/many": "".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: many-{i}\n" for i in range(2000)),
        "doc/directive": "%YAML 1.2\n---\n" + _CM,
        "doc/control": _CM + "data:\n  a: \x01\n",
        "meta/kind-empty": "apiVersion: v1\nkind: ''\nmetadata: {name: a}\n",
        "meta/kind-unknown": "apiVersion: v1\nkind: Frobnicator\nmetadata: {name: a}\n",
        "meta/apiversion-slashes": "apiVersion: a/b/c\nkind: ConfigMap\nmetadata: {name: a}\n",
        "meta/name-empty": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ''}\n",
        "meta/name-null": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: null}\n",
        "meta/name-invalid": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 'UPPER case'}\n",
        "meta/namespace-missing": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: nowhere}\n",
        "meta/namespace-bad": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: 'Bad NS'}\n",
        "meta/generate-name": "apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: gen-}\n",
        "meta/owner-garbage": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, ownerReferences: [{a: 1}]}\n",
        "meta/finalizers-map": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, finalizers: {a: b}}\n",
        "meta/rv-number": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, resourceVersion: 5}\n",
        "meta/timestamp-bad": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, creationTimestamp: yesterday}\n",
        "meta/metadata-list": "apiVersion: v1\nkind: ConfigMap\nmetadata: [a]\n",
        "meta/labels-bad": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {'a b': '!!'}}\n",
        "work/replicas-100000": _deployment(100000, extra="        resources: {requests: {cpu: 10m}}\n"),
        "work/containers-pod": _pod(2000),
        "work/containers-deployment": _deployment(2, containers=500),
        "work/selector-mismatch": _deployment(3).replace("labels: {app: h}", "labels: {app: other}"),
    }
    return [Case(f"hostile/{name}", data if isinstance(data, bytes) else data.encode())
            for name, data in shapes.items()]


def cases(seed: int, count: int) -> list[Case]:
    """`count` cases (at least every seed and hostile shape, and each in its multi-document form)."""
    rng = random.Random(seed)
    seed_texts = seeds()
    seed_objects = [obj for _, text in seed_texts for obj in _objects(text)]
    out = [Case(f"seed/{name}", text.encode()) for name, text in seed_texts]
    fixed = hostile(rng)
    out += fixed + [c.multi() for c in fixed if not c.name.startswith(("hostile/work/", "hostile/doc/many"))]
    i = 0
    while len(out) < count:
        maker = _typed if rng.random() < 0.5 else _text
        case = maker(rng, seed_objects, i) if maker is _typed else maker(rng, [t for _, t in seed_texts], i)
        out.append(case if rng.random() < 0.6 else case.multi())
        i += 1
    return out
