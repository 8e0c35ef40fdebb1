"""Resource quantities: parsing, rounding and canonical formatting."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from litekube.model import quantities

FORMAT_ERROR = (
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")


class TestParse:
    @pytest.mark.parametrize("text, expected", [
        pytest.param("100m", Fraction(1, 10), id="millicores"),
        pytest.param("0.5", Fraction(1, 2), id="decimal"),
        pytest.param(".5", Fraction(1, 2), id="no-leading-digit"),
        pytest.param("1.", Fraction(1), id="trailing-dot"),
        pytest.param("1", Fraction(1), id="one"),
        pytest.param("0", Fraction(0), id="zero"),
        pytest.param("-0", Fraction(0), id="negative-zero"),
        pytest.param("+2", Fraction(2), id="plus-sign"),
        pytest.param("-1.5", Fraction(-3, 2), id="negative"),
        pytest.param("128Mi", 128 * 2 ** 20, id="mebibytes"),
        pytest.param("1Gi", 2 ** 30, id="gibibyte"),
        pytest.param("1.5Ki", 1536, id="fractional-binary"),
        pytest.param("1G", 10 ** 9, id="gigabyte"),
        pytest.param("1k", 1000, id="kilo"),
        pytest.param("1E", 10 ** 18, id="exa-not-exponent"),
        pytest.param("1e3", 1000, id="exponent"),
        pytest.param("1E+3", 1000, id="exponent-plus"),
        pytest.param("25e-2", Fraction(1, 4), id="negative-exponent"),
        pytest.param("1n", Fraction(1, 10 ** 9), id="nano"),
        pytest.param("1u", Fraction(1, 10 ** 6), id="micro"),
        pytest.param("1e-12", Fraction(1, 10 ** 9), id="rounded-up-to-a-nano"),
        pytest.param("-1e-12", Fraction(-1, 10 ** 9), id="negative-rounded-away-from-zero"),
    ])
    def test_text(self, text: str, expected: Fraction | int) -> None:
        assert quantities.parse(text) == expected

    @pytest.mark.parametrize("number, expected", [
        pytest.param(2, Fraction(2), id="int"),
        pytest.param(0.25, Fraction(1, 4), id="float"),
        pytest.param(1e-05, Fraction(1, 10 ** 5), id="float-in-exponent-form"),
    ])
    def test_numbers_read_as_their_decimal_text(self, number: int | float,
                                                expected: Fraction) -> None:
        assert quantities.parse(number) == expected

    @pytest.mark.parametrize("text, message", [
        pytest.param("", FORMAT_ERROR, id="empty"),
        pytest.param("abc", FORMAT_ERROR, id="letters"),
        pytest.param("1.2.3", FORMAT_ERROR, id="two-dots"),
        pytest.param("1 ", FORMAT_ERROR, id="trailing-space"),
        pytest.param("1Kib", FORMAT_ERROR, id="junk-after-suffix"),
        pytest.param("1K", "unable to parse quantity's suffix", id="uppercase-k"),
        pytest.param("1e", "unable to parse quantity's suffix", id="bare-e"),
        pytest.param("1m5", "unable to parse quantity's suffix", id="digits-after-milli"),
        pytest.param(True, FORMAT_ERROR, id="bool"),
        pytest.param(float("nan"), FORMAT_ERROR, id="nan"),
    ])
    def test_invalid(self, text: object, message: str) -> None:
        with pytest.raises(ValueError) as caught:
            quantities.parse(text)  # type: ignore[arg-type]
        assert str(caught.value) == message


class TestRounding:
    @pytest.mark.parametrize("value, millis", [
        pytest.param("100m", 100, id="millis"),
        pytest.param("0.5", 500, id="half"),
        pytest.param("2", 2000, id="cores"),
        pytest.param("1n", 1, id="nano-rounds-up"),
        pytest.param("1500u", 2, id="micro-rounds-up"),
        pytest.param(1, 1000, id="int"),
    ])
    def test_cpu_millis_rounds_up(self, value: str | int, millis: int) -> None:
        assert quantities.cpu_millis(value) == millis

    @pytest.mark.parametrize("value, count", [
        pytest.param("128Mi", 134217728, id="mebibytes"),
        pytest.param("1G", 10 ** 9, id="gigabyte"),
        pytest.param("100m", 1, id="fraction-rounds-up"),
        pytest.param("1.5", 2, id="half-rounds-up"),
        pytest.param("0", 0, id="zero"),
    ])
    def test_to_int_rounds_up(self, value: str, count: int) -> None:
        assert quantities.to_int(value) == count


class TestFormat:
    @pytest.mark.parametrize("millis, text", [
        pytest.param(0, "0", id="zero"),
        pytest.param(1, "1m", id="one-milli"),
        pytest.param(100, "100m", id="tenth"),
        pytest.param(1500, "1500m", id="one-and-a-half"),
        pytest.param(2000, "2", id="whole"),
        pytest.param(1_000_000, "1k", id="thousand-cores"),
    ])
    def test_cpu_millis(self, millis: int, text: str) -> None:
        assert quantities.format_cpu_millis(millis) == text

    @pytest.mark.parametrize("count, text", [
        pytest.param(0, "0", id="zero"),
        pytest.param(500, "500", id="small"),
        pytest.param(1000, "1k", id="under-1024-is-decimal"),
        pytest.param(1024, "1Ki", id="kibibyte"),
        pytest.param(1536, "1536", id="not-a-multiple-of-1024"),
        pytest.param(128 * 2 ** 20, "128Mi", id="mebibytes"),
        pytest.param(16 * 2 ** 30, "16Gi", id="gibibytes"),
        pytest.param(1536 * 2 ** 20, "1536Mi", id="largest-exact-unit"),
        pytest.param(3_000_000, "3000000", id="decimal-megabytes"),
    ])
    def test_bytes(self, count: int, text: str) -> None:
        assert quantities.format_bytes(count) == text

    @given(st.integers(min_value=0, max_value=10 ** 12))
    def test_cpu_millis_round_trip(self, millis: int) -> None:
        assert quantities.cpu_millis(quantities.format_cpu_millis(millis)) == millis

    @given(st.integers(min_value=0, max_value=2 ** 62))
    def test_bytes_round_trip(self, count: int) -> None:
        assert quantities.to_int(quantities.format_bytes(count)) == count


def test_public_surface() -> None:
    assert all(hasattr(quantities, name) for name in quantities.__all__)
