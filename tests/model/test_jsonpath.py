"""JSONPath templates, custom columns and --sort-by print what kubectl v1.32 prints for the same objects."""
from __future__ import annotations

import json

import pytest

from litekube.model import gofmt, gosort, jsonpath, output, printing, sorting
from tests.kubectl.record import FIXTURES
from tests.model.jsonpath_cases import CASES, RECURSIVE

OBJECTS = json.loads((FIXTURES / "jsonpath.json").read_text())
PODS = [o for o in OBJECTS if o["kind"] == "Pod"]


def data(target: str) -> tuple[list[dict], bool]:
    if target == "list":
        return PODS, False
    if target == "empty":
        return [], False
    name = {"nums": "nums", "ip1": "127.0.0.1"}[target]
    return [o for o in PODS if o["metadata"]["name"] == name], True


def as_kubectl(target: str, template: str) -> tuple[int, str, str]:
    """What kubectl prints for the fixture objects as tests.kubectl.fake_apiserver sends them (as they are:
    output.render without `served`, which litekube adds on top for its own objects)."""
    objs, single = data(target)
    try:
        fmt = output.parse("jsonpath=" + template)
        return 0, output.render(fmt, objs, single=single), ""
    except output.OutputError as exc:
        message = str(exc)
        return 1, "", "error: " + message + ("" if message.endswith("\n") else "\n")


class TestJSONPathAgainstKubectl:
    @pytest.mark.parametrize("target,template,code,stdout,stderr", CASES,
                             ids=[f"{c[0]}:{c[1]}" for c in CASES])
    def test_same_output_as_kubectl(self, target, template, code, stdout, stderr):
        assert as_kubectl(target, template) == (code, stdout, stderr)

    def test_recursive_descent_finds_what_kubectl_finds(self):
        # kubectl walks Go maps in random order: only the set of values is stable
        # (strings are walked, by byte, so they are among the values; numbers are not)
        code, stdout, _ = as_kubectl("nums", "{..}")
        assert code == 0 and sorted(stdout.split(" ")) == sorted(RECURSIVE.split(" "))

    def test_map_wildcard_prints_values_in_key_order(self):
        assert jsonpath.JSONPath("{.a.*}").execute({"a": {"z": 1, "b": 2}}) == "2 1"


class TestParsing:
    @pytest.mark.parametrize("template,message", [
        ("{.a", "unclosed action"),
        ("{.a[", "unterminated array"),
        ("{.a[?(@.x==1]}", "unterminated filter"),
        ('{"abc}', "unterminated quoted string"),
        ("{'\\q'}", "unquote string '\\q' error invalid syntax"),
        ("{.a[1:x]}", "invalid array index 1:x"),
        ("{.a[-]}", "array index - is not a number"),
        ("{....a}", "invalid multiple recursive descent"),
        ("{!}", "unrecognized character in action: U+0021 '!'"),
        ("{1.2.3}", "cannot parse number 1.2.3"),
        ("{.a[?(@.x)}", "unclosed array expect ]"),
    ])
    def test_malformed_templates_get_client_gos_message(self, template, message):
        with pytest.raises(jsonpath.JSONPathError) as caught:
            jsonpath.JSONPath(template)
        assert str(caught.value) == message

    @pytest.mark.parametrize("template,expected", [
        ("{[]}", "a"),                       # an empty index is [0]
        ("{['x']}", "1"), ("{[0,1]}", "a b"),
        ("{[-1:]}", "b"), ("{[0:0]}", ""),
    ])
    def test_odd_but_valid(self, template, expected):
        value = {"x": 1} if "'x'" in template else ["a", "b"]
        assert jsonpath.JSONPath(template).execute(value) == expected

    def test_hostile_templates_never_raise_anything_else(self):
        for template in ["{" * 50, "}" * 50, "{[" * 30, "{.a" + "[0]" * 500 + "}", "{range " * 20,
                         "{" + "." * 1000 + "}", "\x00{.\x00}", "{.a[?(@.b==" + '"' * 99 + ")]}"]:
            try:
                jsonpath.JSONPath(template, True).execute({"a": [1]})
            except jsonpath.JSONPathError:
                pass


class TestRelaxed:
    @pytest.mark.parametrize("given", ["metadata.name", ".metadata.name", "{metadata.name}", "{.metadata.name}"])
    def test_four_spellings(self, given):
        assert jsonpath.relaxed(given) == "{.metadata.name}"

    def test_two_actions_are_refused(self):
        with pytest.raises(jsonpath.JSONPathError, match="unexpected path string"):
            jsonpath.relaxed("{.a}{.b}")


class TestGoFormatting:
    @pytest.mark.parametrize("value,sprint,json_text", [
        (1.5, "1.5", "1.5"), (1e6, "1e+06", "1000000"), (123456.0, "123456", "123456"),
        (1e21, "1e+21", "1e+21"), (1e20, "1e+20", "100000000000000000000"), (1e-5, "1e-05", "0.00001"),
        (0.0001, "0.0001", "0.0001"), (1e-7, "1e-07", "1e-7"), (1.0, "1", "1"), (-2.5e-10, "-2.5e-10", "-2.5e-10"),
    ])
    def test_floats_at_each_switch(self, value, sprint, json_text):
        assert (gofmt.format_float(value), gofmt.format_float(value, "json")) == (sprint, json_text)

    def test_go_syntax_and_marshal(self):
        value = {"s": "a<b&c\"", "n": None, "l": [1, True, {}]}
        assert gofmt.go_syntax(value) == ('map[string]interface {}{"l":[]interface {}{1, true, '
                                          'map[string]interface {}{}}, "n":interface {}(nil), "s":"a<b&c\\""}')
        assert gofmt.marshal(value) == '{"l":[1,true,{}],"n":null,"s":"a\\u003cb\\u0026c\\""}'
        assert gofmt.sprint(value) == 'map[l:[1 true map[]] n:<nil> s:a<b&c"]'


# kubectl get pods --sort-by=<KEY> -o name, over tests/kubectl/fixtures/objects.json (15 pods)
SORTS = {
    ".metadata.name": "Batch-1 alpha-01 alpha-1 api-100 api-20 api-3 cache-a db-0 job-x web-1 web-10 web-11 "
                      "web-2 web-9 zeta",
    ".spec.containers[0].resources.requests.cpu": "api-100 api-3 job-x web-10 web-1 db-0 Batch-1 api-20 web-2 "
                                                  "web-9 cache-a web-11 alpha-1 zeta alpha-01",
    ".status.phase": "web-9 web-2 api-20 alpha-1 alpha-01 web-1 web-10 cache-a api-3 api-100 web-11 Batch-1 "
                     "db-0 job-x zeta",
    "{.metadata.creationTimestamp}": "web-10 db-0 api-3 job-x zeta web-2 cache-a api-20 web-11 alpha-01 Batch-1 "
                                     "alpha-1 web-1 web-9 api-100",
    ".status.containerStatuses[0].restartCount": "api-20 alpha-1 web-2 web-10 zeta web-9 web-11 db-0 api-100 "
                                                 "api-3 alpha-01 Batch-1 cache-a job-x web-1",
    ".spec.priority": "Batch-1 web-11 job-x api-100 api-20 alpha-01 web-9 alpha-1 db-0 web-1 web-2 zeta web-10 "
                      "api-3 cache-a",
}
ALL = json.loads((FIXTURES / "objects.json").read_text())


class TestSortBy:
    @pytest.mark.parametrize("key", sorted(SORTS))
    def test_same_order_as_kubectl(self, key):
        pods = [o for o in ALL if o["kind"] == "Pod"]
        assert " ".join(o["metadata"]["name"] for o in sorting.sort_objects(pods, key)) == SORTS[key]

    def test_pods_and_deployments_in_one_list(self):
        # kubectl get pods,deploy --sort-by=.metadata.name -o name
        objs = [o for o in ALL if o["kind"] in ("Pod", "Deployment")]
        names = printing.names(sorting.sort_objects(objs, ".metadata.name")).split("\n")
        assert names[:5] == ["pod/Batch-1", "pod/alpha-01", "pod/alpha-1", "deployment.apps/api", "pod/api-100"]

    @pytest.mark.parametrize("key,message", [
        (".nope", 'couldn\'t find any field with path "{.nope}" in the list of objects'),
        ("{.a}{.b}", "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' "
                     "or '{.name1.name2}'"),
        (".spec.containers[", "unterminated array"),
        (".metadata", "Field {.metadata} in *unstructured.Unstructured is an unsortable type: interface, "
                      "err: unsortable type: map[string]interface {}"),
        (".status.containerStatuses[*].ready", "Field {.status.containerStatuses[*].ready} in "
         "*unstructured.Unstructured is an unsortable type: interface, err: unsortable type: bool"),
    ])
    def test_kubectls_errors(self, key, message):
        pods = [o for o in ALL if o["kind"] == "Pod"]
        with pytest.raises(sorting.SortError) as caught:
            sorting.sort_objects(pods, key)
        assert str(caught.value) == message

    def test_quantities_compare_as_quantities_and_other_strings_bytewise(self):
        objs = [{"v": v} for v in ["1", "100m", "abc", "0.5", "1Ki", "999"]]
        assert [o["v"] for o in sorting.sort_objects(objs, ".v")] == ["100m", "0.5", "1", "999", "1Ki", "abc"]

    def test_ties_in_go_order_through_break_patterns(self):
        # 73 configmaps keyed by small integers: kubectl get cm --sort-by=.n -o name printed this order,
        # which depends on pdqsort's breakPatterns (xorshift 13/17/5)
        case = json.loads((FIXTURES / "sort_ties.json").read_text())
        items = list(range(len(case["keys"])))
        gosort.sort_list(items, lambda a, b: case["keys"][a] < case["keys"][b])
        assert items == case["kubectl"]
