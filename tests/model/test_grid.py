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


def _grid_per_row(headers, rows):
    """The column writer as it was before it worked a column at a time (a cell, a row at a time):
    the new one must print the same text for every table."""
    if not rows and not headers:
        return ""
    table = [[("" if c is None else str(c)).strip() for c in row] for row in rows]
    if any("\n" in c for row in table for c in row) or (headers and any("\n" in h for h in headers)):
        return printing._multiline(headers, rows)
    if headers:
        table.insert(0, [str(h) for h in headers])
    columns = max((len(r) for r in table), default=0)
    widths = [0] * columns
    for row in table:
        for i, cell in enumerate(row):
            if len(cell) > widths[i]:
                widths[i] = len(cell)
    line = "   ".join([f"{{:<{w}}}" if w else "{}" for w in widths[:-1]] + ["{}"] if columns else []).format
    lines = []
    for row in table:
        if len(row) < columns:
            row = row + [""] * (columns - len(row))
        lines.append(line(*row).rstrip())
    if lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


ANY_CELL = st.one_of(st.none(), st.integers(-5, 200), st.text(alphabet=st.sampled_from("ab \t-:/é\n"), max_size=6))


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.none(), st.just([]), st.lists(st.text(alphabet="AB -", max_size=5), max_size=6)),
       st.lists(st.lists(ANY_CELL, max_size=6), max_size=7))
def test_grid_equals_the_per_row_writer(headers, rows):
    """Ragged rows, None, numbers, cells with surrounding or inner whitespace and line breaks,
    empty columns and empty last lines: the same text as the per-row writer."""
    assert printing.grid(headers, rows) == _grid_per_row(headers, rows)


def test_empty_trailing_columns_and_last_line():
    assert printing.grid(None, [["a", "", ""], [" ", None, ""]]) == "a"
    assert printing.grid(["A", "B", "C"], [["x", "", ""], ["", "yy", ""]]) == "A   B    C\nx\n    yy"
    assert printing.grid(["A", "B"], []) == "A   B"
    assert printing.grid(None, [[]]) == ""
    assert printing.grid(None, [[], [], []]) == "\n"
