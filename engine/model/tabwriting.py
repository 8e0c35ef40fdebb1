"""Go's text/tabwriter and kubectl's PrefixWriter, for byte-exact `kubectl describe` output.

No I/O happens here. kubectl describe writes tab-separated cells through
`tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)`: a column block is a run of
consecutive lines that all have a cell in that column, each block is as wide
as its widest cell plus two spaces, and the last cell of a line is never
padded. `PrefixWriter.write(level, text)` indents by two spaces per level,
and `flush()` ends every open block (DescribeEvents calls it).
"""
from __future__ import annotations

__all__ = ["format_cells", "PrefixWriter"]

_PADDING = 2


def format_cells(text: str, minwidth: int = 0, padding: int = _PADDING) -> str:
    """Align tab-separated text exactly as Go's tabwriter (default minwidth 0, padding 2, padchar ' ').

    kubectl's printers.GetNewTabWriter (`kubectl top`) uses minwidth 10, padding 3;
    kubectl get's printers use `format_cells(text, minwidth=6, padding=3)`.
    """
    lines = [line.split("\t") for line in text.split("\n")]
    out: list[str] = []
    widths: list[int] = []

    def write_lines(line0: int, line1: int) -> None:
        for i in range(line0, line1):
            cells = lines[i]
            for j, cell in enumerate(cells):
                out.append(cell)
                if j < len(widths) and j != len(cells) - 1:
                    out.append(" " * (widths[j] - len(cell)))
            if i + 1 != len(lines):
                out.append("\n")

    def layout(line0: int, line1: int) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            write_lines(line0, this)
            line0 = this
            width = minwidth
            while this < line1 and column < len(lines[this]) - 1:
                width = max(width, len(lines[this][column]) + padding, minwidth)
                this += 1
            widths.append(width)
            layout(line0, this)
            widths.pop()
            line0 = this
        write_lines(line0, line1)

    layout(0, len(lines))
    return "".join(out)


class PrefixWriter:
    """kubectl's prefixWriter over a tabwriter: `w.write(1, "Type:\\t%s\\n" % t)`."""

    def __init__(self) -> None:
        self._pending: list[str] = []
        self._done: list[str] = []

    def write(self, level: int, text: str) -> None:
        """Write text indented by two spaces per level (cells separated by tabs)."""
        self._pending.append("  " * level + text)

    def write_line(self, text: str = "") -> None:
        """Write text and a newline, with no indentation (Go's WriteLine)."""
        self._pending.append(text + "\n")

    def flush(self) -> None:
        """End every open column block, as tabwriter.Flush does."""
        if self._pending:
            self._done.append(format_cells("".join(self._pending)))
            self._pending = []

    def text(self) -> str:
        """Everything written so far, aligned."""
        self.flush()
        return "".join(self._done)
