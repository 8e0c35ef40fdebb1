"""The input boundary decodes and refuses manifests as kubectl v1.32 does.

Every expected text below was printed by a real kubectl v1.32 client
(`kubectl label --local -f t.yaml x=y -o json`, which decodes offline),
except where a case says it is the apiserver's (strict decoding) or
litekube's own bound.
"""
from __future__ import annotations

import pytest

from litekube import errors
from litekube.model import decoding, goyaml, gosyntax, manifests

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"


def data_of(text: str) -> object:
    return manifests.decode((CM + text).encode(), "t.yaml")[0].obj.get("data")


def refusal(data: bytes | str, source: str = "t.yaml") -> str:
    with pytest.raises(errors.ManifestError) as exc:
        manifests.decode(data, source)
    return exc.value.render()


class TestScalars:
    @pytest.mark.parametrize("text, expected", [
        pytest.param("data: {a: yes, b: on, c: y, o: off}\n", {"a": True, "b": True, "c": True, "o": False},
                     id="yaml-1.1-booleans"),
        pytest.param("data: {d: 0x10, e: 1_000, f: 0o17, g: 017, i: 0b101, j: +12}\n",
                     {"d": 16, "e": 1000, "f": 15, "g": 15, "i": 5, "j": 12}, id="integer-forms"),
        pytest.param("data: {k: 1e3, l: 1.0, m: -0, p: .5, q: 1., r: 12e03}\n",
                     {"k": 1000, "l": 1, "m": 0, "p": 0.5, "q": 1, "r": 12000}, id="floats-that-print-whole"),
        pytest.param("data: {a: 09, b: 0_1, c: -0b11, d: 0x_1F, e: 1__0, f: 0.1_5, g: .5_0}\n",
                     {"a": 9, "b": 1, "c": -3, "d": 31, "e": 10, "f": 0.15, "g": 0.5}, id="underscores-and-09"),
        pytest.param("data: {a: 99999999999999999999999, b: 1e400}\n", {"a": 1e23, "b": "1e400"},
                     id="out-of-range"),
        pytest.param("data: {a: 9223372036854775807, b: 9223372036854775808, d: 18446744073709551615}\n",
                     {"a": 2 ** 63 - 1, "b": 2 ** 63, "d": 2 ** 64}, id="past-int64-via-float64"),
        pytest.param("data: {a: ~, b: null, c: Null, d: NULL, e: }\n", dict.fromkeys("abcde", ""), id="nulls"),
        pytest.param("data: {a: True, b: TRUE, c: tRue}\n", {"a": True, "b": True, "c": "tRue"}, id="bool-case"),
        pytest.param("data: {a: !!timestamp 2001-12-14, b: 2001-12-14t21:59:43.10-05:00}\n",
                     {"a": "2001-12-14", "b": "2001-12-14t21:59:43.10-05:00"}, id="timestamps-stay-strings"),
        pytest.param("data: !!set {a, b}\n", {"a": "", "b": ""}, id="set-tag-ignored-null-values-empty"),
        pytest.param("data: !!omap [a: 1, b: 2]\n", [{"a": 1}, {"b": 2}], id="omap-tag-ignored"),
        pytest.param("data: !!python/object:os.system {a: b}\n", {"a": "b"}, id="foreign-tag-ignored"),
        pytest.param("data: {a: !!binary aGk=, b: !!str 5, c: !!float 5, d: !foo 5}\n",
                     {"a": "hi", "b": "5", "c": 5, "d": "5"}, id="core-tags"),
        pytest.param("data:\n  <<: {a: b}\n  c: d\n", {"a": "b", "c": "d"}, id="merge-key"),
        pytest.param("data: &a {b: &b [1], c: *b}\n", {"b": [1], "c": [1]}, id="aliases"),
    ])
    def test_values_as_kubectl_decodes_them(self, text, expected):
        assert data_of(text) == expected

    def test_map_keys_become_strings_as_sigs_yaml_converts_them(self):
        text = ("data:\n  3.14159265358979: a\n  1e10: b\n  1000000.0: c\n  0.0001: d\n  0.00001: e\n"
                "  .inf: f\n  -0.0: g\n  1: h\n  true: i\n")
        assert data_of(text) == {"3.1415927": "a", "1e+10": "b", "1e+06": "c", "0.0001": "d", "1e-05": "e",
                                 ".inf": "f", "-0": "g", "1": "h", "true": "i"}

    def test_invalid_utf8_becomes_replacement_characters(self):
        # kubectl accepts such a file and sends U+FFFD, one per bad byte
        assert manifests.decode(CM.encode() + b'data:\n  k: "\xff\xfe"\n', "t")[0].obj["data"] == {"k": "\ufffd\ufffd"}
        assert gosyntax.decode_utf8(b"a\xe2\x82x") == "a\ufffd\ufffdx"


class TestRefusals:
    @pytest.mark.parametrize("text, message", [
        pytest.param("data: {a: .nan}\n", "json: unsupported value: NaN", id="nan"),
        pytest.param("data: [.inf]\n", "json: unsupported value: +Inf", id="inf"),
        pytest.param("data:\n  ~: x\n", 'unsupported map key of type: %!s(<nil>), key: <nil>, value: "x"',
                     id="null-key"),
        pytest.param("data:\n  ~: [a, 1]\n", 'unsupported map key of type: %!s(<nil>), key: <nil>, '
                     'value: []interface {}{"a", 1}', id="null-key-list-value"),
        pytest.param("data:\n  ? {a: 1, b: [x]}\n  : x\n",
                     'yaml: invalid map key: map[interface {}]interface {}{"a":1, "b":[]interface {}{"x"}}',
                     id="map-key"),
        pytest.param("data:\n  a: !!int abc\n", "yaml: cannot decode !!str `abc` as a !!int", id="tag-int"),
        pytest.param("data: {c: !!int 1.5}\n", "yaml: cannot decode !!float `1.5` as a !!int", id="tag-float"),
        pytest.param("data:\n  a: !!binary '!!!'\n", "yaml: !!binary value contains invalid base64 data",
                     id="binary"),
        pytest.param("data: &a [*a]\n", "yaml: anchor 'a' value contains itself", id="recursive-anchor"),
        pytest.param("data:\n  a: *b\n", "yaml: unknown anchor 'b' referenced", id="unknown-anchor"),
        pytest.param("data:\n  <<: [1]\n", "yaml: map merge requires map or sequence of maps as the value",
                     id="merge-scalar"),
        pytest.param("data: {k: \"\x01\"}\n", "yaml: control characters are not allowed", id="control"),
        pytest.param("data: [\n", "yaml: line 5: did not find expected node content", id="parser-line"),
        pytest.param("data:\n  a: b\n   c: d\n", "yaml: line 7: mapping values are not allowed in this context",
                     id="scanner-line"),
        pytest.param("data:\n  a: 'b\n", "yaml: line 7: found unexpected end of stream", id="quoted"),
        pytest.param("data: {a: b\n", "yaml: line 5: did not find expected ',' or '}'", id="flow"),
        pytest.param("data: \"\\ud800\"\n", "yaml: line 5: found invalid Unicode character escape code",
                     id="surrogate-escape"),
    ])
    def test_yaml_refusals_in_kubectls_words(self, text, message):
        assert refusal(CM + text) == f"error: error parsing t.yaml: error converting YAML to JSON: {message}"

    @pytest.mark.parametrize("text, message", [
        pytest.param('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"},}',
                     "json: offset 69: invalid character '}' looking for beginning of object key string",
                     id="trailing-comma"),
        pytest.param('{"apiVersion": "v1", "kind": "ConfigMap"', "unexpected EOF", id="eof"),
        pytest.param('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"a": NaN}}',
                     "json: offset 84: invalid character 'N' looking for beginning of value", id="nan"),
    ])
    def test_json_refusals_in_kubectls_words(self, text, message):
        assert refusal(text, "t.json") == f"error: error parsing t.json: {message}"

    def test_a_document_separator_with_content(self):
        assert refusal(CM + "--- x: y\n") == "error: error parsing t.yaml: invalid Yaml document separator: x: y"

    def test_line_numbers_restart_in_each_document(self):
        assert refusal(CM + "---\n" + CM + "data: [\n") == (
            "error: error parsing t.yaml: error converting YAML to JSON: yaml: line 5: did not find expected node content")


class TestLimits:
    def test_nesting_one_level_past_the_limit(self):
        depth = goyaml.MAX_DEPTH - 1  # the document's own mapping is a level
        assert data_of("data: " + "[" * depth + "]" * depth + "\n") is not None
        assert refusal(CM + "data: " + "[" * (depth + 1) + "]" * (depth + 1) + "\n") == (
            "error: error parsing t.yaml: error converting YAML to JSON: yaml: line 5: "
            f"exceeded max depth of {goyaml.MAX_DEPTH}")

    def test_deep_block_nesting(self):
        text = CM + "data:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(300))
        assert refusal(text).endswith(f"exceeded max depth of {goyaml.MAX_DEPTH}")

    def test_deep_json(self):
        prefix = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": '
        ok = prefix + "[" * 98 + "]" * 98 + "}"
        assert manifests.decode(ok, "d.json")[0].obj["data"]
        deep = prefix + "[" * 50000 + "]" * 50000 + "}"
        offset = len(prefix) + goyaml.MAX_DEPTH  # the '[' one past the limit, counting from 1
        assert refusal(deep, "d.json") == (
            f"error: error parsing d.json: json: offset {offset}: invalid character '[' exceeded max depth")

    def test_alias_budget_edges(self):
        assert goyaml.allowed_alias_ratio(400_000) == 0.99
        assert goyaml.allowed_alias_ratio(4_000_000) == pytest.approx(0.10)
        assert goyaml.allowed_alias_ratio(2_200_000) == pytest.approx(0.545)

    def test_billion_laughs_is_refused_quickly(self):
        bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join(["*" + chr(97 + i)] * 9) + "]\n" for i in range(8))
        assert refusal(bomb) == (
            "error: error parsing t.yaml: error converting YAML to JSON: yaml: document contains excessive aliasing")

    def test_aliases_under_the_budget_expand(self):
        # 100 aliases of a 3-node list: 400 alias-driven steps, under the 100-alias floor of the ratio check
        text = "data:\n  x: &x [a, b]\n" + "".join(f"  k{i}: *x\n" for i in range(100))
        assert data_of(text)["k99"] == ["a", "b"]

    def test_a_stream_over_the_limit(self):
        assert refusal(b" " * (decoding.STREAM_LIMIT + 1)) == "error: error parsing t.yaml: the input is larger than 64 MiB"


class TestDocuments:
    @pytest.mark.parametrize("text, message", [
        pytest.param("- a\n- b\n", 'error validating "t.yaml": error validating data: invalid object to validate',
                     id="sequence"),
        pytest.param("hello\n", 'error validating "t.yaml": error validating data: invalid object to validate',
                     id="scalar"),
        pytest.param("kind: ConfigMap\n", 'error validating "t.yaml": error validating data: apiVersion not set',
                     id="no-apiVersion"),
        pytest.param("apiVersion: [v1]\nkind: ConfigMap\n",
                     "error validating \"t.yaml\": error validating data: apiVersion isn't string type",
                     id="apiVersion-list"),
        pytest.param("apiVersion: a/b/c\nkind: ConfigMap\n",
                     'error validating "t.yaml": error validating data: unexpected GroupVersion string: a/b/c',
                     id="apiVersion-slashes"),
        pytest.param("apiVersion: v1\nkind: 5\n",
                     "error validating \"t.yaml\": error validating data: kind isn't string type", id="kind-number"),
    ])
    def test_validation(self, text, message):
        assert refusal(text) == (
            f"error: {message}; if you choose to ignore these errors, turn validation off with --validate=false")

    @pytest.mark.parametrize("text, message", [
        pytest.param("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 5}\n",
                     "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string",
                     id="name-number"),
        pytest.param("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [a]}\n",
                     "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.name of type string",
                     id="name-list"),
        pytest.param("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: {x: 1}}\n",
                     "json: cannot unmarshal object into Go struct field ObjectMeta.metadata.namespace of type string",
                     id="namespace-map"),
        pytest.param("apiVersion: v1\nkind: ConfigMap\nmetadata: 5\n",
                     "json: cannot unmarshal number into Go struct field metadataOnlyObject.metadata of type "
                     "v1.ObjectMeta", id="metadata-number"),
        pytest.param("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {b: 1}}\n",
                     "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string",
                     id="label-number"),
        pytest.param("apiVersion: v1\nkind: List\nitems: [5, {a: b}]\n",
                     "json: cannot unmarshal number into Go value of type map[string]interface {}", id="list-item"),
        pytest.param("apiVersion: v1\nkind: List\nitems: 5\n",
                     "json: cannot unmarshal number into Go struct field decodeList.items of type []json.RawMessage",
                     id="list-items"),
        pytest.param("apiVersion: v1\nkind: ''\n", "Object 'Kind' is missing in '{\"apiVersion\":\"v1\",\"kind\":\"\"}'",
                     id="empty-kind"),
    ])
    def test_decoding(self, text, message):
        assert refusal(text) == f'error: unable to decode "t.yaml": {message}'

    def test_list_item_without_kind_prints_as_kubectl_does(self):
        assert refusal("apiVersion: v1\nkind: List\nitems: [{a: b}]\n") == (
            'unable to get type info from the object "*unstructured.Unstructured": '
            "Object 'Kind' is missing in 'object has no kind field '")

    def test_typed_list_items_take_the_lists_kind(self):
        docs = manifests.decode("apiVersion: v1\nkind: ConfigMapList\nitems: [{metadata: {name: x}}]\n", "l")
        assert docs[0].obj == {"metadata": {"name": "x"}, "kind": "ConfigMap", "apiVersion": "v1"}

    def test_json_stream_of_objects(self):
        text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}' \
               '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}'
        assert [d.obj["metadata"]["name"] for d in manifests.decode(text, "s.json")] == ["a", "b"]

    def test_a_top_level_json_array_is_yaml_not_a_list(self):
        assert "invalid object to validate" in refusal('[{"apiVersion": "v1", "kind": "ConfigMap"}]')

    def test_duplicate_keys_ride_along_for_strict_decoding(self):
        doc = manifests.decode(CM + "  name: b\n", "d.yaml")[0]
        assert (doc.obj["metadata"]["name"], doc.strict) == (
            "b", ('yaml: unmarshal errors:\n  line 5: key "name" already set in map',))
        doc = manifests.decode('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "name": "b"}}', "j")[0]
        assert doc.strict == ('duplicate field "metadata.name"',)

    def test_lone_surrogate_escapes_in_json_become_replacement_characters(self):
        doc = manifests.decode('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, '
                               '"data": {"a": "\\ud800", "b": "\\ud83d\\ude00"}}', "j")[0]
        assert doc.obj["data"] == {"a": "\ufffd", "b": "\U0001f600"}

    def test_request_size_is_the_json_a_client_sends(self):
        doc = manifests.decode(CM, "t")[0]
        assert doc.size == len('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}')


class TestNulls:
    def test_nulls_become_what_a_typed_decode_makes_of_them(self):
        doc = manifests.decode(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {a: null}, annotations: null}\n"
            "spec:\n  containers:\n  - name: c\n    image: i\n    ports: [null]\n    args: [null, x]\n"
            "    unknownThing: null\n  nodeSelector: null\n", "p")[0]
        assert doc.obj["metadata"] == {"name": "p", "labels": {"a": ""}}
        assert doc.obj["spec"] == {"containers": [{"name": "c", "image": "i", "ports": [{}], "args": ["", "x"],
                                                   "unknownThing": None}]}

    def test_configmap_values(self):
        assert data_of("data: !!set {a, b}\n") == {"a": "", "b": ""}
