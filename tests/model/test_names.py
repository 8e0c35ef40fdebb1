"""Name and label syntax: the verdicts and the exact upstream wording."""
from __future__ import annotations

import pytest

from litekube.model import names

SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
DNS1035_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
    "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
QNAME_REGEX = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


class TestDNS1123Subdomain:
    @pytest.mark.parametrize("value", [
        pytest.param("a", id="one-char"),
        pytest.param("web", id="word"),
        pytest.param("my-app.example.com", id="dotted"),
        pytest.param("0abc", id="leading-digit"),
        pytest.param("a" * 253, id="max-length"),
        pytest.param(".".join(["a" * 63] * 3) + "." + "b" * 61, id="max-length-dotted"),
    ])
    def test_valid(self, value: str) -> None:
        assert names.is_dns1123_subdomain(value) == []

    @pytest.mark.parametrize("value", [
        pytest.param("", id="empty"),
        pytest.param("Web", id="uppercase"),
        pytest.param("-web", id="leading-dash"),
        pytest.param("web-", id="trailing-dash"),
        pytest.param("web.", id="trailing-dot"),
        pytest.param("a..b", id="double-dot"),
        pytest.param("my_app", id="underscore"),
        pytest.param("web\n", id="trailing-newline"),
    ])
    def test_invalid_syntax(self, value: str) -> None:
        assert names.is_dns1123_subdomain(value) == [SUBDOMAIN_MSG]

    def test_too_long_reports_length_only_when_syntax_is_fine(self) -> None:
        assert names.is_dns1123_subdomain("a" * 254) == ["must be no more than 253 characters"]

    def test_too_long_and_bad_syntax_reports_both(self) -> None:
        assert names.is_dns1123_subdomain("A" * 254) == [
            "must be no more than 253 characters", SUBDOMAIN_MSG]


class TestDNS1123Label:
    @pytest.mark.parametrize("value", [
        pytest.param("default", id="word"),
        pytest.param("kube-system", id="dashed"),
        pytest.param("1", id="digit"),
        pytest.param("a" * 63, id="max-length"),
    ])
    def test_valid(self, value: str) -> None:
        assert names.is_dns1123_label(value) == []

    @pytest.mark.parametrize("value, expected", [
        pytest.param("a.b", ["must not contain dots"], id="dots"),
        pytest.param("A", [LABEL_MSG], id="uppercase"),
        pytest.param("", [LABEL_MSG], id="empty"),
        pytest.param("a_b", [LABEL_MSG], id="underscore"),
        pytest.param("a" * 64, ["must be no more than 63 characters"], id="too-long"),
    ])
    def test_invalid(self, value: str, expected: list[str]) -> None:
        assert names.is_dns1123_label(value) == expected


class TestDNS1035Label:
    @pytest.mark.parametrize("value, expected", [
        pytest.param("web", [], id="word"),
        pytest.param("web-1", [], id="dash-digit"),
        pytest.param("1web", [DNS1035_MSG], id="leading-digit"),
        pytest.param("web.svc", [DNS1035_MSG], id="dots"),
        pytest.param("a" * 64, ["must be no more than 63 characters"], id="too-long"),
    ])
    def test_verdict(self, value: str, expected: list[str]) -> None:
        assert names.is_dns1035_label(value) == expected


class TestQualifiedName:
    @pytest.mark.parametrize("value", [
        pytest.param("app", id="plain"),
        pytest.param("App.Name_1", id="mixed-case"),
        pytest.param("app.kubernetes.io/name", id="prefixed"),
        pytest.param("example.com/" + "a" * 63, id="max-name"),
    ])
    def test_valid(self, value: str) -> None:
        assert names.is_qualified_name(value) == []

    @pytest.mark.parametrize("value, expected", [
        pytest.param("", ["name part must be non-empty", "name part " + QNAME_REGEX],
                     id="empty"),
        pytest.param("-app", ["name part " + QNAME_REGEX], id="leading-dash"),
        pytest.param("a" * 64, ["name part must be no more than 63 characters"], id="too-long"),
        pytest.param("/app", ["prefix part must be non-empty"], id="empty-prefix"),
        pytest.param("Example.com/app", ["prefix part " + SUBDOMAIN_MSG], id="bad-prefix"),
        pytest.param("example.com/", ["name part must be non-empty", "name part " + QNAME_REGEX],
                     id="empty-name"),
        pytest.param("a/b/c", [
            "a qualified name " + QNAME_REGEX
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"],
            id="two-slashes"),
    ])
    def test_invalid(self, value: str, expected: list[str]) -> None:
        assert names.is_qualified_name(value) == expected


class TestLabelValue:
    @pytest.mark.parametrize("value", [
        pytest.param("", id="empty"),
        pytest.param("web", id="word"),
        pytest.param("v1.2_rc-3", id="punctuated"),
        pytest.param("a" * 63, id="max-length"),
    ])
    def test_valid(self, value: str) -> None:
        assert names.is_valid_label_value(value) == []

    @pytest.mark.parametrize("value, expected", [
        pytest.param("a b", [VALUE_MSG], id="space"),
        pytest.param("web-", [VALUE_MSG], id="trailing-dash"),
        pytest.param("a/b", [VALUE_MSG], id="slash"),
        pytest.param("a" * 64, ["must be no more than 63 characters"], id="too-long"),
    ])
    def test_invalid(self, value: str, expected: list[str]) -> None:
        assert names.is_valid_label_value(value) == expected


class TestRegexError:
    @pytest.mark.parametrize("examples, expected", [
        pytest.param((), "msg (regex used for validation is 'x')", id="no-example"),
        pytest.param(("a",), "msg (e.g. 'a', regex used for validation is 'x')", id="one"),
        pytest.param(("a", "b"), "msg (e.g. 'a',  or 'b', regex used for validation is 'x')",
                     id="two-with-upstream-double-space"),
    ])
    def test_wording(self, examples: tuple[str, ...], expected: str) -> None:
        assert names.regex_error("msg", "x", *examples) == expected


def test_public_surface() -> None:
    assert all(hasattr(names, name) for name in names.__all__)
