"""The ownership tree as the kubectl-tree plugin prints it: `NAMESPACE NAME READY REASON AGE`.

No I/O happens here. `rows` walks ownerReferences down from a root
through an index (`owned_by(uid)`: the informer cache's owner index), the
children of each object sorted by kind, then name, then namespace, as
kubectl-tree sorts them; `render` lays the rows out as kubectl-tree's
table (two spaces between columns, `├─`, `└─` and `│ ` branches) with
its colours: branches grey, names bold, READY and REASON green when
Ready is True (and for a completed pod), red when False or Unknown, grey
without a Ready condition. Unlike the plugin, column widths ignore the
colour escapes (so coloured output stays aligned) and lines carry no
trailing spaces; an ownership cycle is printed once, not followed forever.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from litekube.model import durations
from litekube.model.pictures import statuses

__all__ = ["Index", "Row", "rows", "render", "owns_anything", "NOTHING_OWNED", "GRAY", "RED", "GREEN", "BOLD", "RESET"]

NOTHING_OWNED = "No resources are owned by this object through ownerReferences."

_FIRST, _LAST, _PIPE, _SPACE = "├─", "└─", "│ ", "  "
# fatih/color's SGR codes, as kubectl-tree uses them.
GRAY, RED, GREEN, BOLD, RESET = "\x1b[90m", "\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[0m"


class Index(Protocol):
    """What the tree needs from an index of objects: the objects that name an owner uid."""

    def owned_by(self, uid: str, kind: str | None = None) -> list[dict]: ...


@dataclass(frozen=True)
class Row:
    """One line of the tree: the branch drawn before `kind/name`, and the object's cells."""

    branch: str
    namespace: str
    kind: str
    name: str
    ready: str
    reason: str
    age: str
    completed_pod: bool = False


def _sort_key(obj: dict) -> tuple[str, str, str]:
    meta = obj.get("metadata") or {}
    return (str(obj.get("kind") or ""), str(meta.get("name") or ""), str(meta.get("namespace") or ""))


def _row(obj: dict, segments: list[str], now: datetime) -> Row:
    meta = obj.get("metadata") or {}
    ready, reason = statuses.ready_reason(obj)
    branch = "".join((_PIPE if s == _FIRST else _SPACE) for s in segments[:-1]) + (segments[-1] if segments else "")
    completed = (obj.get("apiVersion") == "v1" and obj.get("kind") == "Pod"
                 and (obj.get("status") or {}).get("phase") == "Succeeded" and reason == "PodCompleted")
    return Row(branch, str(meta.get("namespace") or ""), str(obj.get("kind") or ""), str(meta.get("name") or ""),
               ready, reason, durations.age(meta.get("creationTimestamp"), now), completed)


def rows(root: dict, index: Index, now: datetime) -> list[Row]:
    """The root and everything it owns, depth first, each object once."""
    out: list[Row] = []
    seen: set[str] = set()

    def walk(obj: dict, segments: list[str]) -> None:
        uid = (obj.get("metadata") or {}).get("uid") or ""
        out.append(_row(obj, segments, now))
        if uid in seen:
            return
        seen.add(uid)
        children = sorted(index.owned_by(uid), key=_sort_key) if uid else []
        for i, child in enumerate(children):
            walk(child, segments + [_LAST if i == len(children) - 1 else _FIRST])

    walk(root, [])
    return out


def owns_anything(root: dict, index: Index) -> bool:
    uid = (root.get("metadata") or {}).get("uid") or ""
    return bool(uid and index.owned_by(uid))


def _width(text: str) -> int:
    """Columns a terminal gives the text (East Asian wide characters take two), escapes excluded."""
    plain = _strip(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in plain)


def _strip(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\x1b" and text[i + 1:i + 2] == "[":
            j = text.find("m", i)
            i = len(text) if j < 0 else j + 1
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _paint(code: str, text: str, color: bool) -> str:
    return f"{code}{text}{RESET}" if color else text


def render(tree: list[Row], *, color: bool = False) -> str:
    """kubectl-tree's table of the rows, with a trailing newline."""
    table = [["NAMESPACE", "NAME", "READY", "REASON", "AGE"]]
    for row in tree:
        ready = row.ready or "-"
        paint = GREEN if row.ready == "True" or row.completed_pod else (
            RED if row.ready in ("False", "Unknown") else GRAY)
        name = f"{_paint(GRAY, row.branch, color)}{row.kind}/{_paint(BOLD, row.name, color)}"
        table.append([row.namespace, name, _paint(paint, ready, color), _paint(paint, row.reason, color), row.age])
    widths = [max(_width(line[i]) for line in table) for i in range(5)]
    lines = []
    for line in table:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(line)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
