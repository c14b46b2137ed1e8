"""Repeated findings told once: many issues of one kind become one line with a count and a span.

A unit's file with thousands of junk rows would otherwise give the reviewer thousands of lines
saying the same thing. `summarise(issues)`: issues with the same severity, kind, sheet and
message become one `Summary` with their count and cell span (used by the review page and the
report's annex); `cell_span` and `cell_key` order Excel references (also for `below_table`).

Cells are Excel references ("E12"); the span is the first and last cell in sheet order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from baocao.base.numbers import format_number
from baocao.errors import Issue

_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")

# Lines one unit's findings may take: on its review page, and in the report's annex. What is
# over is one line saying how many more (all of them stay in the unit's validation results).
PAGE_LINES = 200
ANNEX_LINES = 30


def cell_key(cell: str | None) -> tuple[int, int, str]:
    """Sort key of an Excel reference in sheet order (row, then column); unknown refs last."""
    match = _REF.match(str(cell or "").strip().upper())
    if not match:
        return (1 << 30, 0, str(cell or ""))
    letters, row = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return (int(row), column, "")


def cell_span(cells: Iterable[str | None]) -> tuple[str, str]:
    """(first, last) of the references among `cells` in sheet order; ("", "") when none."""
    known = sorted((c for c in cells if c and _REF.match(str(c).strip().upper())), key=cell_key)
    if not known:
        return "", ""
    return known[0], known[-1]


@dataclass(frozen=True)
class Summary:
    """Issues with one severity, kind, sheet and message: how many and where."""

    severity: str
    kind: str
    sheet: str | None
    message: str
    count: int
    first_cell: str
    last_cell: str

    @property
    def place(self) -> str:
        """The cell, or the span "E12–E40" when the line stands for several cells."""
        if self.count > 1 and self.first_cell and self.last_cell != self.first_cell:
            return f"{self.first_cell}–{self.last_cell}"
        return self.first_cell

    @property
    def shown_message(self) -> str:
        """The message, followed by "(lặp lại 5 lần)" when the line stands for several."""
        if self.count > 1:
            return f"{self.message} (lặp lại {format_number(self.count)} lần)"
        return self.message


def summarise(issues: Iterable[Issue]) -> list[Summary]:
    """One `Summary` per (severity, kind, sheet, message), in the order each first appears."""
    groups: dict[tuple, list[Issue]] = {}
    for issue in issues:
        key = (issue.severity, issue.kind, issue.sheet, issue.message)
        groups.setdefault(key, []).append(issue)
    summaries = []
    for (severity, kind, sheet, message), members in groups.items():
        cells = [i.cell for i in members if i.cell]
        first, last = cell_span(cells)
        summaries.append(
            Summary(
                severity=severity,
                kind=kind,
                sheet=sheet,
                message=message,
                count=len(members),
                first_cell=first or (cells[0] if cells else ""),
                last_cell=last or (cells[-1] if cells else ""),
            )
        )
    return summaries


def over_limit(summaries: list[Summary], limit: int) -> tuple[list[Summary], int]:
    """(at most `limit` summaries, in their order, errors chosen before warnings; how many
    findings are left out, counting each summary's `count`)."""
    if len(summaries) <= limit:
        return list(summaries), 0
    chosen = sorted(range(len(summaries)), key=lambda i: summaries[i].severity != "error")
    keep = set(chosen[:limit])
    kept = [s for i, s in enumerate(summaries) if i in keep]
    return kept, sum(s.count for i, s in enumerate(summaries) if i not in keep)


def more_line(left_out: int, where: str) -> str:
    """The line standing for findings left out: "… và 1.234 phát hiện khác: xem {where}"."""
    return f"… và {format_number(left_out)} phát hiện khác, không liệt kê ở đây: xem {where}."
