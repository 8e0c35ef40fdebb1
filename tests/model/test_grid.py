"""The column writer lays tables out byte for byte as the tabulate layout it replaces."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.model import printing

CELL = st.text(alphabet=st.sampled_from("ab -:/<>()1é"), max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.lists(st.text(alphabet="ABC -", min_size=1, max_size=6).map(str.strip).filter(bool),
                                        min_size=1, max_size=5)),
       st.lists(st.lists(CELL, min_size=1, max_size=5), max_size=6))
def test_grid_equals_tabulate(headers, rows):
    width = len(headers) if headers else max((len(r) for r in rows), default=0)
    rows = [(r + [""] * width)[:width] for r in rows]
    assert printing.grid(headers, rows) == printing._multiline(headers, rows)


def test_three_spaces_and_no_trailing_padding():
    assert printing.grid(["NAME", "READY", "AGE"], [["web-1", "1/1", "5m"], ["w", "", ""]]) == (
        "NAME    READY   AGE\nweb-1   1/1     5m\nw")
