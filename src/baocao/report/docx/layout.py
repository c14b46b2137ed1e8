"""The official layout's sizes (`FinishLayout`) and the OOXML helpers every finishing step uses.

What enters: python-docx objects (runs, paragraphs, cells, tables, w:tbl elements) and sizes
in mm or pt. What leaves: the same objects edited in place, in schema order — text in Times
New Roman at a given size, plain layout paragraphs, short rules, borderless tables of fixed
columns (the header and the signature) — and the small queries the steps share (which table
is a block of the form, which one of Phụ lục I's tables by unit, how many columns).
The defaults of `FinishLayout` follow Nghị định 30/2020/NĐ-CP; the landscape page and the
data tables' sizes come from `table_layout`, which `appendices` sizes Phụ lục I with.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from baocao.report.compose import table_layout as tl
from baocao.report.compose.appendices import BY_UNIT_CAPTION
from baocao.report.docx.style import BLACK, STYLE, set_font

# Marks the header table of a finished file (w:tblDescription), so finishing twice is a no-op.
MARKER = "baocao:docx-finish"
SIGNATURE_MARKER = "baocao:signature"


@dataclass(frozen=True)
class FinishLayout:
    """Sizes of the blocks added to the DOCX; the defaults follow Nghị định 30/2020/NĐ-CP."""

    header_left_mm: float = 72
    header_right_mm: float = 100
    header_indent_mm: float = -4  # the header table reaches a little into the left margin
    parent_pt: float = 13
    issuing_pt: float = 13
    number_pt: float = 13
    nation_pt: float = 12
    motto_pt: float = 13
    date_pt: float = 14
    title_pt: float = 14
    subject_pt: float = 14
    issuing_rule_mm: float = 22
    motto_rule_mm: float = 60
    subject_rule_mm: float = 40
    rule_eighths_pt: int = 6  # 0.75 pt
    signature_left_mm: float = 88
    signature_right_mm: float = 80
    signature_indent_mm: float = -3
    recipients_heading_pt: float = 12
    recipients_pt: float = 11
    signer_pt: float = 14
    signature_space_pt: float = 80  # room for the signature and the stamp
    page_number_pt: float = 13
    header_distance_mm: float = 10
    # Appendix pages: A4 landscape when a table has at least `wide_columns` columns or is one
    # of Phụ lục I's tables by unit (captioned "Bảng …", sized for landscape by `appendices`)
    # (`docx.tables.is_wide_table`).
    wide_columns: int = 8
    # ... or a table whose cells on one line would fill this many portrait text widths.
    long_text_pages: float = 2.0
    landscape_margin_top_mm: float = tl.LANDSCAPE_MARGIN_TOP_MM
    landscape_margin_bottom_mm: float = tl.LANDSCAPE_MARGIN_BOTTOM_MM
    landscape_margin_left_mm: float = tl.LANDSCAPE_MARGIN_LEFT_MM
    landscape_margin_right_mm: float = tl.LANDSCAPE_MARGIN_RIGHT_MM
    wide_table_pt: float = tl.APPENDIX_PT
    table_cell_margin_mm: float = tl.CELL_MARGIN_MM


LAYOUT = FinishLayout()
TWIPS_PER_MM = 1440 / 25.4  # Word's lengths are in twips (1/20 pt)


def _twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


# --- small OOXML helpers -----------------------------------------------------------------------


def set_run(run, size_pt: float, bold=False, italic=False, font: str = STYLE.font) -> None:
    """Font, size (pt), bold, italic and black colour of a python-docx run."""
    set_font(run._r, font)
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    run.font.italic = italic
    run.font.color.rgb = BLACK


def plain_paragraph(
    paragraph: Paragraph, align=WD_ALIGN_PARAGRAPH.CENTER, before=0, after=0
) -> None:
    """No indent, single spacing, the given alignment: text inside a layout block."""
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Pt(0)
    fmt.left_indent = Pt(0)
    fmt.right_indent = Pt(0)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0


def add_text(paragraph: Paragraph, text: str, size_pt: float, bold=False, italic=False) -> None:
    """Add `text` to `paragraph`; a "\n" in it becomes a line break."""
    for number, line in enumerate(text.split("\n")):
        run = paragraph.add_run(line)
        if number:
            run._r.insert(run._r.index(run._r.find(qn("w:t"))), OxmlElement("w:br"))
        set_run(run, size_pt, bold, italic)
    mark_size(paragraph, size_pt)


# Child order of the OOXML elements we edit (ECMA-376 sequences), to insert in schema order.
_ORDER = {
    "w:pPr": (
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
        "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
        "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
        "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
        "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ),
    "w:rPr": (
        "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
        "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
        "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
    ),
    "w:tblPr": (
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption "
        "tblDescription"
    ),
    "w:trPr": (
        "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader "
        "tblCellSpacing jc hidden ins del trPrChange"
    ),
    "w:tcPr": (
        "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
        "vAlign hideMark headers cellIns cellDel cellMerge tcPrChange"
    ),
}


@cache
def _later_siblings(parent_tag: str, tag: str) -> frozenset[str]:
    """The qualified names that come after `tag` inside `parent_tag` (both qualified)."""
    names = _ORDER[parent_tag.replace(qn("w:x")[:-1], "w:")].split()
    return frozenset(qn(f"w:{n}") for n in names[names.index(tag.split("}")[1]) + 1 :])


def _insert_in_order(parent, el):
    """Insert `el` into `parent` before the first child that the schema puts after it."""
    later = _later_siblings(parent.tag, el.tag)
    for child in parent:
        if child.tag in later:
            child.addprevious(el)
            return el
    parent.append(el)
    return el


def put_child(parent, tag: str, attrs: dict[str, str] | None = None):
    """Replace `parent`'s child `tag` with a new one (attributes `attrs`), in schema order."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    el = OxmlElement(tag)
    for name, value in (attrs or {}).items():
        el.set(qn(name), value)
    return _insert_in_order(parent, el)


def child_in_order(parent, tag: str):
    """`parent`'s child `tag`, added in schema order when it has none."""
    name = qn(tag)
    found = parent.find(name)
    return found if found is not None else _insert_in_order(parent, parent.makeelement(name))


def first_child(parent, tag: str):
    """`parent`'s child `tag`, added as its first child when it has none (the properties
    element of a paragraph, run or cell: w:pPr, w:rPr, w:tcPr)."""
    name = qn(tag)
    found = parent.find(name)
    if found is None:
        found = parent.makeelement(name)
        parent.insert(0, found)
    return found


def mark_size(paragraph: Paragraph, size_pt: float) -> None:
    """The paragraph mark's size, which sets the height of an empty paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = put_child(ppr, "w:rPr")
    for tag in ("w:sz", "w:szCs"):
        put_child(rpr, tag, {"w:val": str(round(size_pt * 2))})


def paragraph_border(paragraph: Paragraph, edge: str, eighths_pt: int) -> None:
    """A single black border on `edge` ("top", "bottom", …) of `paragraph`, in eighths of a point."""
    bdr = put_child(paragraph._p.get_or_add_pPr(), "w:pBdr")
    line = OxmlElement(f"w:{edge}")
    for name, value in (("val", "single"), ("sz", str(eighths_pt)), ("space", "1")):
        line.set(qn(f"w:{name}"), value)
    line.set(qn("w:color"), "000000")
    bdr.append(line)


def short_rule(cell, width_mm: float, column_mm: float, layout: FinishLayout) -> Paragraph:
    """A short centred line: an empty paragraph with a bottom border, indented to `width_mm`.

    A paragraph border with indents draws the same in Word and LibreOffice (a drawn shape
    would float and move with the text around it).
    """
    paragraph = cell.add_paragraph()
    plain_paragraph(paragraph)
    side = max((column_mm - 2 * layout.table_cell_margin_mm - width_mm) / 2, 0)
    paragraph.paragraph_format.left_indent = Mm(side)
    paragraph.paragraph_format.right_indent = Mm(side)
    paragraph_border(paragraph, "bottom", layout.rule_eighths_pt)
    mark_size(paragraph, 3)
    return paragraph


def _tbl_pr(table: Table):
    return table._tbl.tblPr


def table_geometry(table: Table, widths_mm: list[float], indent_mm: float = 0) -> None:
    """Fixed column widths (grid, every cell), table width and indent, in twips."""
    tbl_pr = _tbl_pr(table)
    total = sum(_twips(w) for w in widths_mm)
    put_child(tbl_pr, "w:tblW", {"w:w": str(total), "w:type": "dxa"})
    put_child(tbl_pr, "w:tblInd", {"w:w": str(_twips(indent_mm)), "w:type": "dxa"})
    put_child(tbl_pr, "w:tblLayout", {"w:type": "fixed"})
    grid = table._tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for width in widths_mm:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(_twips(width)))
        grid.append(col)
    for tr in table._tbl.tr_lst:
        column = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc_w = child_in_order(first_child(tc, "w:tcPr"), "w:tcW")
            tc_w.set(qn("w:type"), "dxa")
            tc_w.set(qn("w:w"), str(sum(_twips(w) for w in widths_mm[column : column + span])))
            column += span


def cell_margins(table: Table, side_mm: float) -> None:
    """The table's cell margins: none above and below, `side_mm` left and right."""
    mar = put_child(_tbl_pr(table), "w:tblCellMar")
    for edge, mm in (("top", 0), ("left", side_mm), ("bottom", 0), ("right", side_mm)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(_twips(mm)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)


def _no_borders(table: Table) -> None:
    """No rules at all: neither the table's nor the default table style's header-row rule."""
    borders = put_child(_tbl_pr(table), "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    look = {"w:val": "0000", "w:firstRow": "0", "w:lastRow": "0", "w:firstColumn": "0"}
    put_child(_tbl_pr(table), "w:tblLook", {**look, "w:lastColumn": "0", "w:noHBand": "1"})


def describe_table(table: Table, text: str) -> None:
    """Record `text` as the table's description (w:tblDescription), read back by `table_description`."""
    put_child(_tbl_pr(table), "w:tblDescription", {"w:val": text})


def table_description(tbl) -> str | None:
    """The w:tblDescription of a w:tbl element, or None."""
    tbl_pr = tbl.find(qn("w:tblPr"))
    el = tbl_pr.find(qn("w:tblDescription")) if tbl_pr is not None else None
    return el.get(qn("w:val")) if el is not None else None


def is_by_unit_table(tbl) -> bool:
    """One of Phụ lục I's tables by unit: pandoc wrote its caption "Bảng 1. …" as w:tblCaption."""
    tbl_pr = tbl.find(qn("w:tblPr"))
    el = tbl_pr.find(qn("w:tblCaption")) if tbl_pr is not None else None
    text = unicodedata.normalize("NFC", el.get(qn("w:val")) or "") if el is not None else ""
    return text.startswith(f"{BY_UNIT_CAPTION} ")


def layout_table(document, rows: int, widths_mm: list[float], indent_mm: float = 0) -> Table:
    """A borderless table of fixed columns, for a block of the form; rows are not split."""
    table = document.add_table(rows=rows, cols=len(widths_mm))
    _no_borders(table)
    cell_margins(table, LAYOUT.table_cell_margin_mm)
    table_geometry(table, widths_mm, indent_mm)
    for row in table.rows:
        cant_split(row._tr)
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    return table


def cant_split(tr) -> None:
    """Keep a table row (w:tr element) on one page."""
    put_child(tr.get_or_add_trPr(), "w:cantSplit")


def _first_paragraph(cell) -> Paragraph:
    return cell.paragraphs[0]


def cell_text(cell, text: str, size_pt: float, bold=False, italic=False, before=0, after=0):
    """Write into the cell's first, still empty paragraph, else a new one."""
    first = _first_paragraph(cell)
    paragraph = first if not first.runs and not first.text else cell.add_paragraph()
    plain_paragraph(paragraph, before=before, after=after)
    add_text(paragraph, text, size_pt, bold, italic)
    return paragraph


# --- the body and its tables ------------------------------------------------------------------


def body_children(document) -> list:
    """The document body's top-level elements (paragraphs, tables, section properties), in order."""
    return list(document.element.body.iterchildren())


def column_count(tbl) -> int:
    """The number of grid columns of a w:tbl element (0 without a grid)."""
    grid = tbl.find(qn("w:tblGrid"))
    return len(grid) if grid is not None else 0
