"""Label and field selectors: parsing, canonical strings and matching."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litekube import errors
from litekube.model import selectors
from litekube.model.selectors import Operator, Requirement, Selector

QNAME_REGEX = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
VALUE_REGEX = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt"


class TestParse:
    @pytest.mark.parametrize("text, canonical", [
        pytest.param("", "", id="empty"),
        pytest.param("app=web", "app=web", id="equals"),
        pytest.param("app==web", "app==web", id="double-equals-kept"),
        pytest.param("app!=web", "app!=web", id="not-equals"),
        pytest.param("tier in (web,cache)", "tier in (cache,web)", id="in-values-sorted"),
        pytest.param("tier notin (web)", "tier notin (web)", id="notin"),
        pytest.param("app", "app", id="exists"),
        pytest.param("!app", "!app", id="does-not-exist"),
        pytest.param("b=2,a=1", "a=1,b=2", id="sorted-by-key"),
        pytest.param("  app = web ,\ttier  in(x ,y) ", "app=web,tier in (x,y)", id="whitespace"),
        pytest.param("app=", "app=", id="empty-value"),
        pytest.param("x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()",
                     id="upstream-doc-example"),
        pytest.param("x in (a,a,b)", "x in (a,b)", id="values-deduplicated"),
        pytest.param("in in (in,notin)", "in in (in,notin)", id="keywords-as-key-and-values"),
        pytest.param("example.com/tier=web", "example.com/tier=web", id="prefixed-key"),
        pytest.param("replicas>2,age<10", "age<10,replicas>2", id="gt-lt"),
    ])
    def test_canonical_string(self, text: str, canonical: str) -> None:
        assert str(selectors.parse(text)) == canonical

    def test_structure(self) -> None:
        assert selectors.parse("tier in (web,cache),!gone").requirements == (
            Requirement("gone", Operator.DOES_NOT_EXIST, ()),
            Requirement("tier", Operator.IN, ("cache", "web")),
        )

    @pytest.mark.parametrize("text, message", [
        pytest.param("a b", f"unable to parse requirement: found 'b', expected: {BINARY_OPERATORS}",
                     id="missing-operator"),
        pytest.param("!", "unable to parse requirement: found '', expected: identifier",
                     id="bare-bang"),
        pytest.param("a=b=c", "found '=', expected: ',' or 'end of string'", id="two-equals"),
        pytest.param("a=b c", "found 'c', expected: ',' or 'end of string'", id="two-values"),
        pytest.param("a=b,", "found '', expected: identifier after ','", id="trailing-comma"),
        pytest.param(",a", "found ',', expected: !, identifier, or 'end of string'",
                     id="leading-comma"),
        pytest.param("a in b", "unable to parse requirement: found 'b' expected: '('",
                     id="in-without-parens"),
        pytest.param("a in (b", "unable to parse requirement: found '', expected: ',' or ')'",
                     id="unclosed-paren"),
        pytest.param("a in (x y)", "unable to parse requirement: found 'y', expected: ',' or ')'",
                     id="space-in-set"),
        pytest.param("a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or "
                     "identifier", id="operator-in-set"),
        pytest.param("a==(", "unable to parse requirement: found '(', expected: identifier",
                     id="paren-as-value"),
        pytest.param("!a=b", "found '=', expected: ',' or 'end of string'",
                     id="does-not-exist-with-value"),
        pytest.param("-a=b", 'unable to parse requirement: <nil>: Invalid value: "-a": '
                     "name part " + QNAME_REGEX, id="invalid-key"),
        pytest.param("a=-b", 'unable to parse requirement: values[0][a]: Invalid value: "-b": '
                     + VALUE_REGEX, id="invalid-value"),
        pytest.param("a>x", 'unable to parse requirement: values[0]: Invalid value: "x": '
                     "for 'Gt', 'Lt' operators, the value must be an integer",
                     id="gt-non-integer"),
    ])
    def test_invalid(self, text: str, message: str) -> None:
        with pytest.raises(errors.BadRequest) as caught:
            selectors.parse(text)
        assert caught.value.message == message


class TestMatch:
    LABELS = {"app": "web", "tier": "frontend", "replicas": "3"}

    @pytest.mark.parametrize("text, expected", [
        pytest.param("", True, id="empty-matches-all"),
        pytest.param("app=web", True, id="equals"),
        pytest.param("app=db", False, id="equals-other"),
        pytest.param("app!=db", True, id="not-equals"),
        pytest.param("missing!=x", True, id="not-equals-absent-key"),
        pytest.param("tier in (frontend,backend)", True, id="in"),
        pytest.param("missing in (x)", False, id="in-absent-key"),
        pytest.param("tier notin (frontend)", False, id="notin"),
        pytest.param("missing notin (x)", True, id="notin-absent-key"),
        pytest.param("app", True, id="exists"),
        pytest.param("!app", False, id="does-not-exist"),
        pytest.param("!missing", True, id="does-not-exist-absent"),
        pytest.param("replicas>2", True, id="gt"),
        pytest.param("replicas<3", False, id="lt"),
        pytest.param("app>1", False, id="gt-non-integer-label"),
        pytest.param("app=web,tier=backend", False, id="and"),
    ])
    def test_against_labels(self, text: str, expected: bool) -> None:
        assert selectors.parse(text).matches(self.LABELS) is expected

    def test_none_labels_are_empty(self) -> None:
        assert selectors.parse("!app").matches(None)
        assert not selectors.parse("app").matches(None)

    def test_nothing_matches_nothing(self) -> None:
        assert not selectors.NOTHING.matches({})
        assert str(selectors.NOTHING) == ""
        assert not selectors.NOTHING.empty and selectors.EVERYTHING.empty


class TestLabelSelectorObject:
    @pytest.mark.parametrize("sel, text", [
        pytest.param({"matchLabels": {"app": "web"}}, "app=web", id="match-labels"),
        pytest.param({"matchLabels": {"b": "2", "a": "1"}}, "a=1,b=2", id="sorted"),
        pytest.param({"matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["web", "cache"]}]},
            "tier in (cache,web)", id="in"),
        pytest.param({"matchExpressions": [
            {"key": "tier", "operator": "NotIn", "values": ["db"]},
            {"key": "gpu", "operator": "Exists"},
            {"key": "spot", "operator": "DoesNotExist"}]},
            "gpu,!spot,tier notin (db)", id="expressions"),
        pytest.param({"matchLabels": {"app": "web"}, "matchExpressions": [
            {"key": "app", "operator": "In", "values": ["web"]}]},
            "app=web,app in (web)", id="same-key-keeps-order"),
    ])
    def test_format(self, sel: dict[str, object], text: str) -> None:
        assert selectors.format_label_selector(sel) == text

    @pytest.mark.parametrize("sel", [
        pytest.param(None, id="none"),
        pytest.param({}, id="empty"),
        pytest.param({"matchLabels": {}, "matchExpressions": []}, id="empty-parts"),
    ])
    def test_format_none(self, sel: dict[str, object] | None) -> None:
        assert selectors.format_label_selector(sel) == "<none>"

    def test_format_invalid(self) -> None:
        assert selectors.format_label_selector(
            {"matchExpressions": [{"key": "a", "operator": "Is"}]}) == "<error>"

    def test_none_selects_nothing_empty_selects_everything(self) -> None:
        assert selectors.from_label_selector(None) is selectors.NOTHING
        assert selectors.from_label_selector({}).matches({"any": "thing"})

    @pytest.mark.parametrize("sel, message", [
        pytest.param({"matchExpressions": [{"key": "a", "operator": "Is"}]},
                     '"Is" is not a valid pod selector operator', id="unknown-operator"),
        pytest.param({"matchExpressions": [{"key": "a", "operator": "In", "values": []}]},
                     "values: Invalid value: []string(nil): for 'in', 'notin' operators, "
                     "values set can't be empty", id="in-without-values"),
        pytest.param({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]},
                     'values: Invalid value: []string{"x"}: values set must be empty for '
                     "exists and does not exist", id="exists-with-values"),
        pytest.param({"matchLabels": {"a!": "b"}},
                     'key: Invalid value: "a!": name part ' + QNAME_REGEX, id="bad-key"),
        pytest.param({"matchLabels": {"a": "b c"}},
                     'values[0][a]: Invalid value: "b c": ' + VALUE_REGEX, id="bad-value"),
    ])
    def test_invalid(self, sel: dict[str, object], message: str) -> None:
        with pytest.raises(errors.BadRequest) as caught:
            selectors.from_label_selector(sel)
        assert caught.value.message == message

    def test_from_set(self) -> None:
        sel = selectors.from_set({"tier": "web", "app": "shop"})
        assert str(sel) == "app=shop,tier=web"
        assert sel.matches({"app": "shop", "tier": "web", "extra": "1"})
        assert not sel.matches({"app": "shop"})
        assert selectors.from_set({}) == selectors.EVERYTHING


class TestFieldSelectors:
    POD = {"metadata": {"name": "web-1", "namespace": "default"},
           "spec": {"nodeName": "node-1", "hostNetwork": False},
           "status": {"phase": "Running"}}

    @pytest.mark.parametrize("text, expected", [
        pytest.param("metadata.name=web-1", [("metadata.name", "=", "web-1")], id="equals"),
        pytest.param("status.phase==Running", [("status.phase", "==", "Running")],
                     id="double-equals"),
        pytest.param("status.phase!=Failed,spec.nodeName=n",
                     [("spec.nodeName", "=", "n"), ("status.phase", "!=", "Failed")],
                     id="sorted-terms"),
        pytest.param("spec.nodeName=", [("spec.nodeName", "=", "")], id="empty-value"),
        pytest.param("a=x\\,y", [("a", "=", "x,y")], id="escaped-comma"),
        pytest.param("", [], id="empty"),
        pytest.param("a=b,,", [("a", "=", "b")], id="empty-terms-skipped"),
    ])
    def test_parse(self, text: str, expected: list[tuple[str, str, str]]) -> None:
        assert selectors.parse_fields(text) == expected

    @pytest.mark.parametrize("text, message", [
        pytest.param("status.phase", "invalid selector: 'status.phase'; can't understand "
                     "'status.phase'", id="no-operator"),
        pytest.param("a=b=c", "invalid field selector: unescaped character in value: 61",
                     id="unescaped-equals"),
        pytest.param("a=b\\x", "invalid field selector: invalid escape sequence: \\x",
                     id="bad-escape"),
        pytest.param("a=b\\", "invalid field selector: invalid escape sequence: \\",
                     id="trailing-backslash"),
    ])
    def test_parse_invalid(self, text: str, message: str) -> None:
        with pytest.raises(errors.BadRequest) as caught:
            selectors.parse_fields(text)
        assert caught.value.message == message

    @pytest.mark.parametrize("text, expected", [
        pytest.param("metadata.name=web-1", True, id="name"),
        pytest.param("metadata.namespace=default,status.phase=Running", True, id="and"),
        pytest.param("status.phase!=Running", False, id="not-equals"),
        pytest.param("spec.nodeName=", False, id="scheduled-is-not-empty"),
        pytest.param("spec.schedulerName=", True, id="missing-is-empty"),
        pytest.param("spec.hostNetwork=false", True, id="bool-as-go-prints-it"),
        pytest.param("metadata.name.x=", True, id="path-through-a-string"),
        pytest.param("", True, id="no-terms"),
    ])
    def test_match(self, text: str, expected: bool) -> None:
        assert selectors.match_fields(self.POD, selectors.parse_fields(text)) is expected

    def test_match_event(self) -> None:
        event = {"involvedObject": {"kind": "Pod", "name": "web-1"}, "type": "Warning"}
        assert selectors.match_fields(event, selectors.parse_fields(
            "involvedObject.kind=Pod,involvedObject.name=web-1,type!=Normal"))


class TestSupportedFieldLabels:
    """Each kind's registry selects by metadata.name, metadata.namespace and its own few fields only."""

    @pytest.mark.parametrize(("kind", "field"), [
        ("Pod", "spec.nodeName"), ("Pod", "status.podIPs"), ("Pod", "spec.hostNetwork"),
        ("Event", "involvedObject.uid"), ("Event", "source"), ("Node", "spec.unschedulable"),
        ("Secret", "type"), ("Namespace", "status.phase"), ("ReplicaSet", "status.replicas"),
        ("Job", "status.successful"), ("Service", "spec.type"), ("PersistentVolumeClaim", "spec.volumeName"),
        ("Deployment", "metadata.name"), ("Widget", "metadata.namespace"),
    ])
    def test_a_supported_field(self, kind, field):
        selectors.check_supported(kind, selectors.parse_fields(f"{field}=x"))

    @pytest.mark.parametrize(("kind", "field"), [
        ("Pod", "status.qosClass"), ("Pod", "spec.nodename"), ("Node", "status.phase"),
        ("Deployment", "status.replicas"), ("Service", "spec.clusterIPs"), ("Widget", "spec.size"),
        ("Pod", "metadata.labels"), ("Event", "involvedObject"),
    ])
    def test_any_other_field_is_refused(self, kind, field):
        with pytest.raises(errors.BadRequest, match=f"^field label not supported: {field}$"):
            selectors.check_supported(kind, selectors.parse_fields(f"{field}=x"))

    @pytest.mark.parametrize(("obj", "field", "value"), [
        ({"kind": "Node", "spec": {}}, "spec.unschedulable", "false"),
        ({"kind": "Node", "spec": {"unschedulable": True}}, "spec.unschedulable", "true"),
        ({"kind": "Pod", "spec": {}}, "spec.hostNetwork", "false"),
        ({"kind": "Pod", "spec": {"hostNetwork": True}}, "spec.hostNetwork", "true"),
        ({"kind": "Pod", "status": {"podIP": "10.0.0.9", "podIPs": [{"ip": "10.0.0.9"}, {"ip": "fd00::9"}]}},
         "status.podIP", "10.0.0.9"),
        ({"kind": "Pod", "status": {"podIP": "10.0.0.9"}}, "status.podIP", ""),
        ({"kind": "Pod", "status": {"podIPs": [{"ip": "10.0.0.9"}]}}, "status.podIPs", ""),
        ({"kind": "ReplicaSet", "status": {}}, "status.replicas", "0"),
        ({"kind": "ReplicaSet", "status": {"replicas": 3}}, "status.replicas", "3"),
        ({"kind": "ReplicationController"}, "status.replicas", "0"),
        ({"kind": "Job", "status": {"succeeded": 2}}, "status.successful", "2"),
        ({"kind": "Job", "status": {}}, "status.successful", "0"),
        ({"kind": "Event", "source": {"component": "kubelet", "host": "node-1"}}, "source", "kubelet"),
        ({"kind": "Event"}, "source", ""),
        ({"kind": "Pod", "status": {"phase": "Running"}}, "status.phase", "Running"),
        ({"kind": "Secret"}, "type", ""),
    ], ids=lambda v: v if isinstance(v, str) else None)
    def test_the_field_sets_value(self, obj, field, value):
        """As upstream's ToSelectableFields: a bool or count is printed even when absent."""
        assert selectors.field_value(obj, field) == value
        assert selectors.match_fields(obj, selectors.parse_fields(f"{field}={value}"))
        assert not selectors.match_fields(obj, selectors.parse_fields(f"{field}!={value}"))

    def test_a_pods_spec_host_is_its_node_name(self):
        """Upstream's v1 conversion keeps `spec.host` for old clients: it selects by spec.nodeName."""
        terms = selectors.check_supported("Pod", selectors.parse_fields("spec.host=node-1,status.phase!=Failed"))
        assert terms == [selectors.FieldRequirement("spec.nodeName", "=", "node-1"),
                         selectors.FieldRequirement("status.phase", "!=", "Failed")]
        on = {"kind": "Pod", "spec": {"nodeName": "node-1"}, "status": {"phase": "Running"}}
        assert selectors.match_fields(on, terms)
        assert not selectors.match_fields({**on, "spec": {"nodeName": "node-2"}}, terms)
        with pytest.raises(errors.BadRequest, match="^field label not supported: spec.host$"):
            selectors.check_supported("Node", selectors.parse_fields("spec.host=node-1"))

    def test_the_first_unsupported_term_in_sorted_order_is_named(self):
        terms = selectors.parse_fields("zz=1,status.phase=Running,aa=2")
        with pytest.raises(errors.BadRequest, match="^field label not supported: aa$"):
            selectors.check_supported("Pod", terms)


# --- properties --------------------------------------------------------------

KEYS = st.sampled_from(["a", "b", "app", "in", "example.com/tier"])
VALUES = st.sampled_from(["", "x", "y", "web", "in", "notin", "5", "10"])
LABELS = st.dictionaries(KEYS, VALUES, max_size=5)
VALUE_SETS = st.sets(VALUES, min_size=1, max_size=3).map(lambda s: tuple(sorted(s)))


@st.composite
def requirements(draw: st.DrawFn) -> Requirement:
    key = draw(KEYS)
    op = draw(st.sampled_from(list(Operator)))
    if op in (Operator.IN, Operator.NOT_IN):
        return Requirement(key, op, draw(VALUE_SETS))
    if op in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
        return Requirement(key, op)
    if op in (Operator.GREATER_THAN, Operator.LESS_THAN):
        return Requirement(key, op, (draw(st.sampled_from(["0", "5", "7"])),))
    return Requirement(key, op, (draw(VALUES),))


SELECTORS = st.lists(requirements(), max_size=4).map(lambda rs: Selector(tuple(rs)))


class TestProperties:
    @given(SELECTORS, LABELS)
    def test_string_round_trip_matches_the_same_labels(self, sel: Selector,
                                                       labels: dict[str, str]) -> None:
        assert selectors.parse(str(sel)).matches(labels) == sel.matches(labels)

    @given(SELECTORS)
    def test_canonical_string_is_a_fixed_point(self, sel: Selector) -> None:
        assert str(selectors.parse(str(sel))) == str(sel)

    @given(KEYS, VALUES, LABELS)
    def test_equals_means_present_and_equal(self, key: str, value: str,
                                            labels: dict[str, str]) -> None:
        assert selectors.parse(f"{key}={value}").matches(labels) == (labels.get(key) == value)

    @given(KEYS, VALUES, LABELS)
    def test_not_equals_is_the_complement_of_equals(self, key: str, value: str,
                                                    labels: dict[str, str]) -> None:
        assert selectors.parse(f"{key}!={value}").matches(labels) != \
            selectors.parse(f"{key}={value}").matches(labels)

    @given(KEYS, LABELS)
    def test_exists_and_does_not_exist(self, key: str, labels: dict[str, str]) -> None:
        assert selectors.parse(key).matches(labels) == (key in labels)
        assert selectors.parse(f"!{key}").matches(labels) == (key not in labels)

    @given(KEYS, VALUE_SETS, LABELS)
    def test_in_and_notin(self, key: str, values: tuple[str, ...],
                          labels: dict[str, str]) -> None:
        listed = ",".join(values)
        assert selectors.parse(f"{key} in ({listed})").matches(labels) == \
            (key in labels and labels[key] in values)
        assert selectors.parse(f"{key} notin ({listed})").matches(labels) == \
            (key not in labels or labels[key] not in values)

    @given(SELECTORS, LABELS)
    def test_selector_is_the_and_of_its_requirements(self, sel: Selector,
                                                     labels: dict[str, str]) -> None:
        assert sel.matches(labels) == all(r.matches(labels) for r in sel.requirements)

    @given(LABELS, LABELS)
    def test_set_selector_matches_supersets(self, wanted: dict[str, str],
                                            extra: dict[str, str]) -> None:
        assert selectors.from_set(wanted).matches({**extra, **wanted})

    @given(st.dictionaries(KEYS, VALUES, max_size=3), st.lists(
        st.tuples(KEYS, st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist"]), VALUE_SETS),
        max_size=3), LABELS)
    def test_object_form_agrees_with_its_string(
            self, match_labels: dict[str, str],
            expressions: list[tuple[str, str, tuple[str, ...]]],
            labels: dict[str, str]) -> None:
        sel = {"matchLabels": match_labels, "matchExpressions": [
            {"key": k, "operator": op, "values": list(vs) if op in ("In", "NotIn") else []}
            for k, op, vs in expressions]}
        built = selectors.from_label_selector(sel)
        assert selectors.parse(str(built)).matches(labels) == built.matches(labels)

    @given(st.text(alphabet="ab=!(), \tin", max_size=12))
    def test_parse_either_succeeds_or_raises_bad_request(self, text: str) -> None:
        try:
            selectors.parse(text)
        except errors.BadRequest:
            pass


def test_public_surface() -> None:
    assert all(hasattr(selectors, name) for name in selectors.__all__)


_label = st.sampled_from(["a", "b", "c"])


@settings(max_examples=200, deadline=None)
@given(pairs=st.dictionaries(_label, st.sampled_from(["x", "y", ""]), max_size=3),
       labels=st.one_of(st.none(), st.dictionaries(_label, st.sampled_from(["x", "y", ""]), max_size=3)))
def test_the_equality_fast_path_matches_as_the_requirements_do(pairs, labels):
    """A matchLabels selector is matched by plain lookups: the same answer as each requirement's own."""
    selector = selectors.from_set(pairs)
    assert selector._pairs is not None
    assert selector.matches(labels) == all(r.matches(labels) for r in selector.requirements)
