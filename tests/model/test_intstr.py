"""Int-or-percent values: scaling against a total, and validation."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from litekube.model import intstr


class TestScaledValue:
    @pytest.mark.parametrize("value, total, round_up, expected", [
        pytest.param("25%", 10, True, 3, id="25pct-of-10-up"),
        pytest.param("25%", 10, False, 2, id="25pct-of-10-down"),
        pytest.param("25%", 3, True, 1, id="25pct-of-3-up"),
        pytest.param("25%", 3, False, 0, id="25pct-of-3-down"),
        pytest.param("100%", 7, False, 7, id="all"),
        pytest.param("0%", 7, True, 0, id="none"),
        pytest.param("150%", 10, True, 15, id="over-100"),
        pytest.param(5, 100, True, 5, id="int-up"),
        pytest.param(5, 100, False, 5, id="int-down"),
        pytest.param(0, 100, True, 0, id="zero-int"),
        pytest.param(None, 10, True, 0, id="none-is-zero"),
    ])
    def test_value(self, value: int | str | None, total: int, round_up: bool,
                   expected: int) -> None:
        assert intstr.scaled_value(value, total, round_up) == expected

    @pytest.mark.parametrize("value, message", [
        pytest.param("5", "invalid value for IntOrString: invalid type: string is not a percentage",
                     id="digits-without-percent"),
        pytest.param("abc%", 'invalid value for IntOrString: invalid value "abc%": '
                     'strconv.Atoi: parsing "abc": invalid syntax', id="letters"),
        pytest.param("%", 'invalid value for IntOrString: invalid value "%": '
                     'strconv.Atoi: parsing "": invalid syntax', id="bare-percent"),
        pytest.param(True, "invalid value for IntOrString: invalid type: neither int nor "
                     "percentage", id="bool"),
    ])
    def test_invalid(self, value: object, message: str) -> None:
        with pytest.raises(ValueError) as caught:
            intstr.scaled_value(value, 10, True)  # type: ignore[arg-type]
        assert str(caught.value) == message

    @given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=10 ** 6))
    def test_up_and_down_bracket_the_exact_share(self, percent: int, total: int) -> None:
        """Rounding up and down land on the integers either side of percent*total/100."""
        up = intstr.scaled_value(f"{percent}%", total, True)
        down = intstr.scaled_value(f"{percent}%", total, False)
        assert down * 100 <= percent * total <= up * 100
        assert up - down == (0 if percent * total % 100 == 0 else 1)


class TestValidatePercentOrInt:
    PERCENT_MSG = ("a valid percent string must be a numeric string followed by an ending '%' "
                   "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")

    @pytest.mark.parametrize("value, expected", [
        pytest.param("25%", [], id="percent"),
        pytest.param(0, [], id="zero"),
        pytest.param(3, [], id="int"),
        pytest.param(-1, ["must be greater than or equal to 0"], id="negative-int"),
        pytest.param("5", [PERCENT_MSG], id="digits-without-percent"),
        pytest.param("-5%", [PERCENT_MSG], id="negative-percent"),
        pytest.param("5.5%", [PERCENT_MSG], id="fractional-percent"),
    ])
    def test_messages(self, value: int | str, expected: list[str]) -> None:
        assert intstr.validate_percent_or_int(value) == expected

    @pytest.mark.parametrize("value, expected", [
        pytest.param("100%", [], id="hundred"),
        pytest.param("101%", ["must not be greater than 100%"], id="over"),
        pytest.param(500, [], id="int-is-not-a-percentage"),
    ])
    def test_not_more_than_100_percent(self, value: int | str, expected: list[str]) -> None:
        assert intstr.validate_not_more_than_100_percent(value) == expected


def test_public_surface() -> None:
    assert all(hasattr(intstr, name) for name in intstr.__all__)
