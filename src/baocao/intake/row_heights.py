"""Row heights of the intake workbooks, from the lines their wrapped text takes.

Excel and LibreOffice wrap a cell's text when `wrap_text` is on, but neither grows the row of a
file written by openpyxl when it opens it: a long label then prints over the next row. So every
row that holds wrapped text gets an explicit height: the number of lines its widest-wrapping cell
needs times the line height of its font.

Widths are measured from the metrics of DejaVu Sans (the TrueType file shipped with matplotlib):
it is what LibreOffice on Linux substitutes for Calibri, the workbook's font, and it is wider than
Calibri, so a row fitted for it is tall enough in Excel too. Letters with Vietnamese marks are
measured by their base letter (NFD): the marks add no width. A column of Excel width `w` (in
widths of the digit 0 of Calibri 11) is `7·w + 5` pixels, 0.75 pt each.
"""

from __future__ import annotations

import math
import unicodedata
from functools import cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

DEFAULT_COLUMN_WIDTH = 8.43  # Excel's width of a column the file does not size
DEFAULT_FONT_PT = 11.0
LINE_SPACING = 1.25  # line height / font size, DejaVu Sans' 1.164 rounded up
ROW_PADDING_PT = 4.0  # above and below the text
CELL_PADDING_PT = 4.0  # left and right of the text, together


@cache
def _widths() -> dict[str, float]:
    """Character → advance width in em (DejaVu Sans)."""
    import matplotlib
    from fontTools.ttLib import TTFont

    font = TTFont(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"))
    per_em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    return {chr(cp): metrics[glyph][0] / per_em for cp, glyph in font.getBestCmap().items()}


def text_width_pt(text: str, size: float, *, bold: bool = False) -> float:
    """Printed width of `text` at `size` pt (bold taken as 10 % wider)."""
    widths = _widths()
    base = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    em = sum(widths.get(c, 0.6) for c in base)
    return em * size * (1.1 if bold else 1.0)


def column_width_pt(width: float) -> float:
    """Points across a column of Excel width `width`."""
    return (7 * width + 5) * 0.75


def line_count(text: str, width_pt: float, size: float, *, bold: bool = False) -> int:
    """Lines `text` takes when wrapped at word boundaries in `width_pt` (at least 1)."""
    space = text_width_pt(" ", size, bold=bold)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            word_pt = text_width_pt(word, size, bold=bold)
            if used and used + space + word_pt > width_pt:
                lines += 1
                used = 0.0
            if word_pt > width_pt:  # a word wider than the column is broken across lines
                extra = math.ceil(word_pt / width_pt) - 1
                lines += extra
                used = word_pt - extra * width_pt
            else:
                used += (space if used else 0.0) + word_pt
    return max(1, lines)


def _column_widths(ws: Worksheet, first: int, last: int) -> float:
    total = 0.0
    for col in range(first, last + 1):
        dimension = ws.column_dimensions.get(get_column_letter(col))
        total += (
            dimension.width if dimension is not None and dimension.width else DEFAULT_COLUMN_WIDTH
        )
    return total


def fit_row_heights(ws: Worksheet) -> None:
    """Give every row with wrapped text the height its longest cell needs (never less than
    the height already set)."""
    spans = {(r.min_row, r.min_col): (r.min_col, r.max_col) for r in ws.merged_cells.ranges}
    needed: dict[int, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or not cell.value.strip():
                continue
            if not (cell.alignment is not None and cell.alignment.wrap_text):
                continue
            first, last = spans.get((cell.row, cell.column), (cell.column, cell.column))
            width = column_width_pt(_column_widths(ws, first, last)) - CELL_PADDING_PT
            size = float(cell.font.sz or DEFAULT_FONT_PT) if cell.font else DEFAULT_FONT_PT
            bold = bool(cell.font and cell.font.b)
            lines = line_count(cell.value, width, size, bold=bold)
            height = lines * size * LINE_SPACING + ROW_PADDING_PT
            needed[cell.row] = max(needed.get(cell.row, 0.0), height)
    for number, height in needed.items():
        current = ws.row_dimensions[number].height or 0.0
        ws.row_dimensions[number].height = round(max(current, height), 2)


def fit_workbook(wb: Workbook) -> Workbook:
    """`fit_row_heights` on every sheet; returns the workbook."""
    for ws in wb.worksheets:
        fit_row_heights(ws)
    return wb
