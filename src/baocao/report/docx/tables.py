"""The report's data tables in the finished DOCX: column widths fitted to their page, header rows.

What enters: each data table of the rendered document (every w:tbl but the form's blocks)
with the section it lies in, the `DocxStyle` and the `FinishLayout`. What leaves: the table
edited in place — column widths that fill its section's text width, from measured text widths
(`table_layout`: no figure narrower than its column, so none breaks; Phụ lục I's tables by
unit sized as `table_layout.figure_column_mm` measures them), group titles spanning their row,
the header row repeated on every page and bold, rows kept whole, figures right-aligned, wide
tables (and Phụ lục I's) in a smaller font.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from baocao.report.compose import table_layout as tl
from baocao.report.docx.layout import (
    MARKER,
    SIGNATURE_MARKER,
    TWIPS_PER_MM,
    FinishLayout,
    body_children,
    cant_split,
    cell_margins,
    child_in_order,
    column_count,
    first_child,
    is_by_unit_table,
    put_child,
    table_description,
    table_geometry,
)
from baocao.report.docx.style import DocxStyle, set_font

# A text column whose longest cell takes at most this share of a table's room keeps it on
# one line when the table's text must wrap.
SHORT_COLUMN = 0.15
_NUMERIC = re.compile(r"^[-+–]?[\d.,\s]*\d[\d.,]*\s*%?$|^[–-]$")


def section_of_tables(document) -> list[tuple[Any, Any]]:
    """(table element, the w:sectPr of its section) for every data table in the body."""
    pending, found = [], []
    for el in body_children(document):
        if el.tag == qn("w:tbl") and table_description(el) not in (MARKER, SIGNATURE_MARKER):
            pending.append(el)
        elif el.tag == qn("w:p"):
            ppr = el.find(qn("w:pPr"))
            sect = ppr.find(qn("w:sectPr")) if ppr is not None else None
            if sect is not None:
                found += [(t, sect) for t in pending]
                pending = []
        elif el.tag == qn("w:sectPr"):
            found += [(t, el) for t in pending]
            pending = []
    return found


def _sect_text_width_mm(sect) -> float:
    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    width = int(size.get(qn("w:w")))
    left, right = int(margins.get(qn("w:left"))), int(margins.get(qn("w:right")))
    return (width - left - right) / TWIPS_PER_MM


def _level(width_at: Callable[[float], float], total: float, high: float) -> float:
    """The level in [0, high] at which the increasing `width_at(level)` reaches `total`."""
    low = 0.0
    for _ in range(60):
        level = (low + high) / 2
        if width_at(level) > total:
            high = level
        else:
            low = level
    return low


def _waterfill(least: list[float], total: float) -> list[float]:
    """Widths max(least, level) summing to `total`: the narrow columns are raised first, so
    columns of figures come out as even as their longest numbers allow."""
    level = _level(lambda x: sum(max(w, x) for w in least), total, total)
    return [max(w, level) for w in least]


def _capfill(least: list[float], total: float) -> list[float]:
    """Widths min(least, level) summing to `total`: only the widest columns are narrowed."""
    level = _level(lambda x: sum(min(w, x) for w in least), total, max(least, default=0.0))
    return [min(w, level) for w in least]


def _measure(cells: list[list[str]], size_pt: float, pad: float) -> tuple[list, list]:
    """Each column's least width (its longest word) and wanted width (its longest cell on one
    line), in mm with the padding; the header row (first) in bold."""
    columns = max(len(r) for r in cells)
    least, want = [pad] * columns, [pad] * columns
    for number, row in enumerate(cells):
        bold = number == 0
        for c, text in enumerate(row):
            words = text.split() or [""]
            least[c] = max(least[c], pad + max(tl.cell_width_mm(w, size_pt, bold) for w in words))
            want[c] = max(want[c], pad + tl.cell_width_mm(text, size_pt, bold))
    return least, want


def _fit_widths(
    cells: list[list[str]], numeric: list[bool], available: float, size_pt: float, pad: float
) -> list[float]:
    """Column widths (mm) that fill `available`.

    No column is narrower than its longest word, so a figure never breaks. When every cell
    fits on one line, text columns get their full width and figure columns share what is left
    evenly, each up to the width of its own widest cell; what is still left goes to the text
    columns. When text must wrap, the figures keep one line and the text columns share the
    rest as a browser lays out a table: each from its longest word towards its longest cell by
    the same fraction, so a column of long sentences ("Hiệu quả") gets the room; a column of
    short names or dates (at most `SHORT_COLUMN` of the room) keeps them on one line. When the figures alone are too wide (sums in đồng
    across many units), text columns keep a readable width and the figures wrap.
    """
    least, want = _measure(cells, size_pt, pad)
    columns = len(least)
    text = [c for c in range(columns) if not numeric[c]] or list(range(columns))
    figures = [c for c in range(columns) if c not in text]
    widths = list(least)
    need = sum(least[c] for c in figures)
    room = available - need
    text_least, text_want = sum(least[c] for c in text), sum(want[c] for c in text)
    if text_want > room:
        floor = {c: min(want[c], max(least[c], 0.12 * available)) for c in text}
        if text_least <= room:  # text wraps, from its longest word to its longest cell
            # Short columns (a unit's name, a month) first keep their one line when that
            # costs little of the room; the others share what is left.
            short = [c for c in text if want[c] <= SHORT_COLUMN * room]
            wrapped = [c for c in text if c not in short]
            wrapped_least = sum(least[c] for c in wrapped)
            if not wrapped or room - sum(want[c] for c in short) < wrapped_least:
                short, wrapped, wrapped_least = [], text, text_least
            for c in short:
                widths[c] = want[c]
            left = room - sum(want[c] for c in short)
            share = (left - wrapped_least) / (sum(want[c] for c in wrapped) - wrapped_least)
            for c in wrapped:
                widths[c] = least[c] + (want[c] - least[c]) * share
            return widths
        # the figures cannot fit: they wrap, the text stays readable
        for c in text:
            widths[c] = floor[c]
        rest = max(available - sum(floor.values()), 0)
        capped = _capfill([least[c] for c in figures], rest)
        for c, width in zip(figures, capped, strict=True):
            widths[c] = width  # short figures (STT, counts) keep their width
        return widths
    for c in text:
        widths[c] = want[c]
    if figures:
        even = _waterfill([least[c] for c in figures], room - text_want)
        for c, width in zip(figures, even, strict=True):
            widths[c] = min(width, max(want[c], least[c]))
    spare = available - sum(widths)
    base = sum(widths[c] for c in text)
    for c in text:
        widths[c] += spare * widths[c] / base
    return widths


def _by_unit_widths(cells: list[list[str]], available: float, size_pt: float, pad: float):
    """Widths (mm) of a table of Phụ lục I (STT | Đơn vị | figures…, "Tổng cộng" last): STT
    and the unit names as wide as their text (a long name wraps past a quarter of the page),
    each figure column as `table_layout.figure_column_mm` measures it, then what is left of
    the page shared among the figure columns, narrowest first."""
    header, body = cells[0], cells[1:]
    stt = pad + max(
        [
            tl.cell_width_mm(header[0], size_pt, True),
            *(tl.cell_width_mm(r[0], size_pt) for r in body),
        ]
    )
    names = [tl.cell_width_mm(r[1], size_pt, bold=n == len(body) - 1) for n, r in enumerate(body)]
    words = [tl.longest_word_mm(r[1], size_pt) for r in body] + [
        tl.longest_word_mm(header[1], size_pt, True)
    ]
    unit = pad + min(max(names), max(0.25 * available - pad, max(words)))
    figures = [
        tl.figure_column_mm(header[c], [r[c] for r in body], size_pt) - tl.cell_pad_mm() + pad
        for c in range(2, len(header))
    ]
    spare = available - stt - unit - sum(figures)
    if spare > 0 and figures:
        figures = _waterfill(figures, sum(figures) + spare)
    return [stt, unit, *figures]


def _is_numeric_column(rows: list[list[str]], c: int) -> bool:
    body = [row[c].strip() for row in rows[1:] if c < len(row) and row[c].strip()]
    return (
        bool(body)
        and all(_NUMERIC.match(t) for t in body)
        and any(any(ch.isdigit() for ch in t) for t in body)
    )


def _group_rows(rows: list[list[str]]) -> list[int]:
    """Rows that only carry a group title in their second cell ("I | 1.1. …", the rest empty)."""
    return [
        n
        for n, row in enumerate(rows)
        if n > 0 and len(row) > 3 and row[1].strip() and not any(t.strip() for t in row[2:])
    ]


def table_cells(tbl) -> list[list[str]]:
    """The text of every cell of a w:tbl element, row by row (a merged cell in each column
    it spans)."""
    table = Table(tbl, None)
    return [["\n".join(map(_paragraph_text, c._tc.p_lst)) for c in row.cells] for row in table.rows]


def is_wide_table(tbl, style: DocxStyle, layout: FinishLayout) -> bool:
    """A table printed on a landscape page in the appendix font size: one of Phụ lục I's tables
    by unit, one of at least `layout.wide_columns` columns, or one whose cells on one line
    would take more than `layout.long_text_pages` times a portrait page's text width (Phụ lục
    II's models: their names and effects are sentences)."""
    if is_by_unit_table(tbl) or column_count(tbl) >= layout.wide_columns:
        return True
    cells = table_cells(tbl)
    if not cells or len(cells[0]) < 3:
        return False
    _, want = _measure(cells, style.table_pt, 0.0)
    portrait_mm = style.page_width_mm - style.margin_left_mm - style.margin_right_mm
    return sum(want) > layout.long_text_pages * portrait_mm


def space_after_table(document, tbl, style: DocxStyle) -> None:
    """Room between a table and the paragraph right after it (a note, "Ghi chú: …", that
    would touch the table's bottom rule): the paragraph's space before, at least
    `style.space_after_pt`."""
    after = tbl.getnext()
    if after is None or after.tag != qn("w:p") or not _paragraph_text(after).strip():
        return
    paragraph = Paragraph(after, document._body)
    before = paragraph.paragraph_format.space_before
    if before is None or before < Pt(style.space_after_pt):
        paragraph.paragraph_format.space_before = Pt(style.space_after_pt)


def finish_data_table(document, tbl, sect, style: DocxStyle, layout: FinishLayout) -> None:
    """Lay out one data table (w:tbl element) of the section whose w:sectPr is `sect`: its font
    size (smaller when wide or by unit), column widths fitted to the section's text width, group
    rows and numeric columns set apart, the header row repeated and kept with the first row,
    room before the paragraph after it, as `layout` and `style` say."""
    table = Table(tbl, document._body)
    by_unit = is_by_unit_table(tbl)
    wide = is_wide_table(tbl, style, layout)
    size = layout.wide_table_pt if wide else style.table_pt
    rows = table.rows
    cells = table_cells(tbl)
    groups = [] if by_unit else _group_rows(cells)
    sized = [row for n, row in enumerate(cells) if n not in groups]
    numeric = [_is_numeric_column(sized, c) for c in range(len(cells[0]))]
    pad = 2 * layout.table_cell_margin_mm + tl.CELL_SLACK_MM
    if by_unit:
        widths = _by_unit_widths(sized, _sect_text_width_mm(sect), size, pad)
    else:
        widths = _fit_widths(sized, numeric, _sect_text_width_mm(sect), size, pad)
    cell_margins(table, layout.table_cell_margin_mm)
    table_geometry(table, widths)
    for n in groups:  # the group's title spans the row, on the page of its first row
        row_cells = rows[n].cells
        row_cells[1].merge(row_cells[-1])
    for number, tr in enumerate(table._tbl.tr_lst):
        cant_split(tr)
        if number == 0:
            put_child(tr.get_or_add_trPr(), "w:tblHeader")  # repeated at the top of every page
        for tc in tr.tc_lst:
            child_in_order(first_child(tc, "w:tcPr"), "w:vAlign").set(_VAL, "center")
            for p in tc.p_lst:
                _cell_paragraph(p, style.font, size, header=number == 0)
                if number == 0 or number in groups:  # never alone at the foot of a page
                    put_child(first_child(p, "w:pPr"), "w:keepNext")
    space_after_table(document, tbl, style)


_VAL, _T, _R, _HYPERLINK = qn("w:val"), qn("w:t"), qn("w:r"), qn("w:hyperlink")
_TEXT_OF = {qn("w:tab"): "\t", qn("w:ptab"): "\t", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
_BR, _BR_TYPE = qn("w:br"), qn("w:type")
_HANGING, _FIRST_LINE = qn("w:hanging"), qn("w:firstLine")
# 1 pt (20 twips) before and after, single line spacing (240 = 1 line, "auto" = multiple)
_SPACING = tuple(
    (qn(f"w:{name}"), value)
    for name, value in (("before", "20"), ("after", "20"), ("line", "240"), ("lineRule", "auto"))
)


def _paragraph_text(p) -> str:
    """A w:p's text as python-docx's `Paragraph.text` gives it (runs and links; a tab as
    "\t", a line break as "\n"), read straight from the XML: a table of Phụ lục I at 168
    units has thousands of cells."""
    parts = []
    for child in p:
        for r in (child,) if child.tag == _R else child.iter(_R) if child.tag == _HYPERLINK else ():
            for el in r:
                if el.tag == _T:
                    parts.append(el.text or "")
                elif el.tag == _BR:
                    parts.append("\n" if el.get(_BR_TYPE, "textWrapping") == "textWrapping" else "")
                else:
                    parts.append(_TEXT_OF.get(el.tag, ""))
    return "".join(parts)


def _cell_paragraph(p, font: str, size_pt: float, *, header: bool) -> None:
    """A table cell's paragraph: no first-line indent, 1 pt before and after, single spacing,
    centred in the header row and right-aligned when it holds a figure; every run (links
    too) in `font` at `size_pt`, bold in the header row."""
    ppr = first_child(p, "w:pPr")
    ind = child_in_order(ppr, "w:ind")
    ind.attrib.pop(_HANGING, None)
    ind.set(_FIRST_LINE, "0")
    spacing = child_in_order(ppr, "w:spacing")
    for name, value in _SPACING:
        spacing.set(name, value)
    text = _paragraph_text(p).strip()
    jc = ppr.find(qn("w:jc"))
    if header:
        child_in_order(ppr, "w:jc").set(_VAL, "center")
    elif text and _NUMERIC.match(text) and (jc is None or jc.get(_VAL) != "center"):
        child_in_order(ppr, "w:jc").set(_VAL, "right")
    half_points = str(round(size_pt * 2))
    for r in p.iter(_R):  # runs inside links too
        rpr = first_child(r, "w:rPr")
        set_font(r, font)
        child_in_order(rpr, "w:sz").set(_VAL, half_points)
        if header:
            child_in_order(rpr, "w:b").attrib.pop(_VAL, None)
    mark = child_in_order(ppr, "w:rPr")  # the paragraph mark's size sets an empty cell's height
    for tag in ("w:sz", "w:szCs"):
        child_in_order(mark, tag).set(_VAL, half_points)
