"""What changed between two versions of a unit's workbook, cell by cell.

In: two files of one unit (any format `workbook.open_checked` opens). Out: the cells whose
value differs, sheet by sheet in the sheets' order and row by row (`CellChange`), and the way
the analyst reads them: “E13: 12 → 21”, the sheet named when the changes span several sheets
(`change_lines`). Values are compared as calamine reads them (numbers as numbers, text in NFC
with outer spaces removed), so a file saved again without a change has no change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from baocao.base.numbers import format_number
from baocao.intake.layout import SHEET_FEEDBACK
from baocao.intake.workbook import cell_ref, open_checked, text_of

EMPTY = "(trống)"


@dataclass(frozen=True)
class CellChange:
    """One cell whose value differs between two versions ("" for an empty cell)."""

    sheet: str
    cell: str  # e.g. "E13"
    before: Any
    after: Any

    def shown(self, with_sheet: bool = False) -> str:
        """ "E13: 12 → 21"; with the sheet: "trang “Thông tin”, B3: … → …"."""
        where = f"trang “{self.sheet}”, {self.cell}" if with_sheet else self.cell
        return f"{where}: {shown_value(self.before)} → {shown_value(self.after)}"


def shown_value(value: Any) -> str:
    """A cell's value as the change line shows it: numbers written the Vietnamese way
    (1.250.000; 12,5), empty said."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, 6, trim=True)
    text = text_of(value)
    if not text:
        return EMPTY
    return text if len(text) <= 60 else text[:59] + "…"


def workbook_cells(path: Path) -> dict[tuple[str, str], tuple[int, int, Any]]:
    """(sheet, cell) → (row, column, value) of every non-empty cell of every sheet (but the
    list a feedback copy sent back carries: `layout.SHEET_FEEDBACK`), 0-based
    row and column for ordering. Raises `InputError` when the file cannot be read."""
    cells: dict[tuple[str, str], tuple[int, int, Any]] = {}
    with open_checked(Path(path)) as opened:
        for sheet in opened.sheet_names:
            if sheet == SHEET_FEEDBACK:  # baocao's own list in a feedback copy sent back
                continue
            for r, row in enumerate(opened.rows(sheet)):
                for c, value in enumerate(row):
                    if text_of(value):
                        cells[(sheet, cell_ref(r, c))] = (r, c, value)
    return cells


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return text_of(a) == text_of(b)


def cell_changes(before: Path, after: Path) -> list[CellChange]:
    """The cells whose value differs from `before` to `after`, ordered by sheet (as `after`
    orders them, then sheets only `before` has), row and column. Raises `InputError` when a
    file cannot be read."""
    old, new = workbook_cells(before), workbook_cells(after)
    sheets = list(dict.fromkeys([s for s, _ in new] + [s for s, _ in old]))
    changes = []
    for key in set(old) | set(new):
        was = old.get(key, (0, 0, ""))
        now = new.get(key, (0, 0, ""))
        if not _same(was[2], now[2]):
            place = now if key in new else was
            changes.append((sheets.index(key[0]), place[0], place[1], key, was[2], now[2]))
    changes.sort(key=lambda c: c[:3])
    return [CellChange(key[0], key[1], was, now) for *_, key, was, now in changes]


def change_lines(changes: list[CellChange], limit: int = 20) -> list[str]:
    """One line per change (“E13: 12 → 21”), the sheet named when the changes span more
    than one sheet; beyond `limit` lines, one line counting the rest."""
    several = len({c.sheet for c in changes}) > 1
    lines = [c.shown(several) for c in changes[:limit]]
    if len(changes) > limit:
        lines.append(f"và {len(changes) - limit} ô khác")
    return lines
