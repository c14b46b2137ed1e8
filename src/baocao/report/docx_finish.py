"""Finishing the rendered DOCX so it is ready to sign (Nghị định 30/2020/NĐ-CP, Phụ lục I).

Pandoc (alone or under Quarto) writes the report's content with the styles of the reference
document (`docx_style`). What styles cannot express is added here, with python-docx, to the
rendered file:

* the header block: a borderless two-column table at the top of page 1 (parent and issuing
  body, "Số: 12/BC-MTTQ-BTT" on the left; the national title and motto, place and date on the
  right), each block with its short rule;
* the title "BÁO CÁO" and the subject line, replacing the Title paragraph pandoc makes from the
  front matter's `title:`;
* the signature block before the appendices: "Nơi nhận:" with the recipients on the left, the
  signer on the right, again a borderless two-column table;
* page numbers centred in the top margin from page 2 on (a different first-page header);
* one section per appendix, each on a new page, landscape when it holds a wide table or one of
  Phụ lục I's tables by unit (captioned "Bảng 1. …"); data tables fitted to their section's
  width from measured text widths (`table_layout`: no figure narrower than its column, so none
  breaks), header rows repeated on every page, rows kept whole, figures right-aligned, wide
  tables in a smaller font.

Every value printed (number, date, place, bodies, signer, recipients) comes from
`config/report.yml` (`ReportSettings`), optionally overridden for one run (`apply_overrides`).
The work is done once: a finished file carries a marker and is left as it is.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from baocao.config.catalog import OVERRIDE_KEYS, ReportSettings, apply_overrides
from baocao.config.periods import Period
from baocao.errors import BaocaoError
from baocao.report import table_layout as tl
from baocao.report.appendices import BY_UNIT_CAPTION
from baocao.report.docx_style import BLACK, STYLE, DocxStyle, portrait, restyle, set_font
from baocao.report.titles import attachment_note, report_title

__all__ = [
    "LAYOUT",
    "OVERRIDE_KEYS",
    "FinishLayout",
    "apply_overrides",
    "document_number",
    "finish_docx",
    "is_finished",
    "place_and_date",
    "recipient_lines",
    "subject_line",
]

# Fixed words of the form (Nghị định 30/2020/NĐ-CP), not settings.
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TITLE = "BÁO CÁO"
RECIPIENTS_HEADING = "Nơi nhận:"
ARCHIVE_LINE = "- Lưu: VT."
BLANK = "…"  # a place left for a number or a date written by hand
APPENDIX_PREFIX = "Phụ lục"
ATTACHMENT_PREFIX = "(Kèm theo"
# Marks the header table of a finished file (w:tblDescription), so finishing twice is a no-op.
MARKER = "baocao:docx-finish"
SIGNATURE_MARKER = "baocao:signature"
PROFILE_STATUS = {"internal": "Bản nội bộ", "public": "Bản công khai"}
# Pandoc's title block (from the front matter) and its styles; the official block replaces it.
TITLE_BLOCK_STYLES = ("Title", "Subtitle", "Author", "Date", "Abstract", "AbstractTitle")
# Where the parent body's name breaks onto a second line when it is too wide for its column:
# before the administrative level ("ỦY BAN MTTQ VIỆT NAM" / "TỈNH LẠNG SƠN").
_LEVEL_BREAK = re.compile(r" (?=(?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|THỊ TRẤN|XÃ|PHƯỜNG) )")
_NUMERIC = re.compile(r"^[-+–]?[\d.,\s]*\d[\d.,]*\s*%?$|^[–-]$")


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
    # of Phụ lục I's tables by unit (captioned "Bảng …", sized for landscape by report_blocks).
    wide_columns: int = 8
    landscape_margin_top_mm: float = tl.LANDSCAPE_MARGIN_TOP_MM
    landscape_margin_bottom_mm: float = tl.LANDSCAPE_MARGIN_BOTTOM_MM
    landscape_margin_left_mm: float = tl.LANDSCAPE_MARGIN_LEFT_MM
    landscape_margin_right_mm: float = tl.LANDSCAPE_MARGIN_RIGHT_MM
    wide_table_pt: float = tl.APPENDIX_PT
    table_cell_margin_mm: float = tl.CELL_MARGIN_MM


LAYOUT = FinishLayout()
_TWIPS_PER_MM = 1440 / 25.4


def _twips(mm: float) -> int:
    return round(mm * _TWIPS_PER_MM)


# --- the values printed ----------------------------------------------------------------------


def document_number(settings: ReportSettings, period: str) -> str:
    """ "Số: 12/BC-MTTQ-BTT"; numbers below 10 get a leading zero; no number leaves "…"."""
    number = settings.for_period(str(Period.parse(period))).number
    shown = f"{number:02d}" if number else BLANK
    return f"Số: {shown}/{settings.document_code}"


def place_and_date(settings: ReportSettings, period: str) -> str:
    """ "Lạng Sơn, ngày 05 tháng 7 năm 2021": days below 10 and months 1–2 get a leading zero.

    Without a configured date the day and month are left as "…" for writing by hand, in the
    year of the period.
    """
    p = Period.parse(period)
    day = settings.for_period(str(p)).date
    if day is None:
        return f"{settings.place}, ngày {BLANK} tháng {BLANK} năm {p.year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{settings.place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def subject_line(period: str, settings: ReportSettings | None = None) -> str:
    """The subject under "BÁO CÁO": the report's title without its leading "Báo cáo"."""
    text = report_title(period, settings)
    if text.casefold().startswith("báo cáo "):
        text = text[len("báo cáo ") :]
    return text[:1].upper() + text[1:]


def recipient_lines(recipients: Iterable[str]) -> list[str]:
    """ "- Ban Thường trực …;" one per recipient, then "- Lưu: VT." (once)."""
    lines = []
    for recipient in recipients:
        text = " ".join(str(recipient).split()).lstrip("-–• ").rstrip(";.,")
        if not text:
            continue
        if text.casefold().startswith("lưu"):
            continue  # the archive line is written once, last
        lines.append(f"- {text};")
    return [*lines, ARCHIVE_LINE]


# --- small OOXML helpers -----------------------------------------------------------------------


def _set_run(run, size_pt: float, bold=False, italic=False, font: str = STYLE.font) -> None:
    set_font(run._r, font)
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    run.font.italic = italic
    run.font.color.rgb = BLACK


def _plain(paragraph: Paragraph, align=WD_ALIGN_PARAGRAPH.CENTER, before=0, after=0) -> None:
    """No indent, single spacing, the given alignment: text inside a layout block."""
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Pt(0)
    fmt.left_indent = Pt(0)
    fmt.right_indent = Pt(0)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0


def _text(paragraph: Paragraph, text: str, size_pt: float, bold=False, italic=False) -> None:
    """Add `text` to `paragraph`; a "\n" in it becomes a line break."""
    for number, line in enumerate(text.split("\n")):
        run = paragraph.add_run(line)
        if number:
            run._r.insert(run._r.index(run._r.find(qn("w:t"))), OxmlElement("w:br"))
        _set_run(run, size_pt, bold, italic)
    _mark_size(paragraph, size_pt)


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
}


def _put(parent, tag: str, attrs: dict[str, str] | None = None):
    """Replace `parent`'s child `tag` with a new one (attributes `attrs`), in schema order."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    el = OxmlElement(tag)
    for name, value in (attrs or {}).items():
        el.set(qn(name), value)
    order = [f"w:{t}" for t in _ORDER[parent.tag.replace(qn("w:x")[:-1], "w:")].split()]
    parent.insert_element_before(el, *order[order.index(tag) + 1 :])
    return el


def _mark_size(paragraph: Paragraph, size_pt: float) -> None:
    """The paragraph mark's size, which sets the height of an empty paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = _put(ppr, "w:rPr")
    for tag in ("w:sz", "w:szCs"):
        _put(rpr, tag, {"w:val": str(round(size_pt * 2))})


def _border(paragraph: Paragraph, edge: str, eighths_pt: int) -> None:
    bdr = _put(paragraph._p.get_or_add_pPr(), "w:pBdr")
    line = OxmlElement(f"w:{edge}")
    for name, value in (("val", "single"), ("sz", str(eighths_pt)), ("space", "1")):
        line.set(qn(f"w:{name}"), value)
    line.set(qn("w:color"), "000000")
    bdr.append(line)


def _rule(cell, width_mm: float, column_mm: float, layout: FinishLayout) -> Paragraph:
    """A short centred line: an empty paragraph with a bottom border, indented to `width_mm`.

    A paragraph border with indents draws the same in Word and LibreOffice (a drawn shape
    would float and move with the text around it).
    """
    paragraph = cell.add_paragraph()
    _plain(paragraph)
    side = max((column_mm - 2 * layout.table_cell_margin_mm - width_mm) / 2, 0)
    paragraph.paragraph_format.left_indent = Mm(side)
    paragraph.paragraph_format.right_indent = Mm(side)
    _border(paragraph, "bottom", layout.rule_eighths_pt)
    _mark_size(paragraph, 3)
    return paragraph


def _tbl_pr(table: Table):
    return table._tbl.tblPr


def _table_geometry(table: Table, widths_mm: list[float], indent_mm: float = 0) -> None:
    """Fixed column widths (grid, every cell), table width and indent, in twips."""
    tbl_pr = _tbl_pr(table)
    total = sum(_twips(w) for w in widths_mm)
    _put(tbl_pr, "w:tblW", {"w:w": str(total), "w:type": "dxa"})
    _put(tbl_pr, "w:tblInd", {"w:w": str(_twips(indent_mm)), "w:type": "dxa"})
    _put(tbl_pr, "w:tblLayout", {"w:type": "fixed"})
    grid = table._tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for width in widths_mm:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(_twips(width)))
        grid.append(col)
    for row in table.rows:
        column = 0
        for tc in row._tr.tc_lst:
            span = tc.grid_span
            tc_w = tc.get_or_add_tcPr().get_or_add_tcW()
            tc_w.set(qn("w:type"), "dxa")
            tc_w.set(qn("w:w"), str(sum(_twips(w) for w in widths_mm[column : column + span])))
            column += span


def _cell_margins(table: Table, side_mm: float) -> None:
    mar = _put(_tbl_pr(table), "w:tblCellMar")
    for edge, mm in (("top", 0), ("left", side_mm), ("bottom", 0), ("right", side_mm)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(_twips(mm)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)


def _no_borders(table: Table) -> None:
    """No rules at all: neither the table's nor the default table style's header-row rule."""
    borders = _put(_tbl_pr(table), "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    look = {"w:val": "0000", "w:firstRow": "0", "w:lastRow": "0", "w:firstColumn": "0"}
    _put(_tbl_pr(table), "w:tblLook", {**look, "w:lastColumn": "0", "w:noHBand": "1"})


def _describe(table: Table, text: str) -> None:
    _put(_tbl_pr(table), "w:tblDescription", {"w:val": text})


def _description(tbl) -> str | None:
    tbl_pr = tbl.find(qn("w:tblPr"))
    el = tbl_pr.find(qn("w:tblDescription")) if tbl_pr is not None else None
    return el.get(qn("w:val")) if el is not None else None


def _by_unit(tbl) -> bool:
    """One of Phụ lục I's tables by unit: pandoc wrote its caption "Bảng 1. …" as w:tblCaption."""
    tbl_pr = tbl.find(qn("w:tblPr"))
    el = tbl_pr.find(qn("w:tblCaption")) if tbl_pr is not None else None
    text = unicodedata.normalize("NFC", el.get(qn("w:val")) or "") if el is not None else ""
    return text.startswith(f"{BY_UNIT_CAPTION} ")


def _layout_table(document, rows: int, widths_mm: list[float], indent_mm: float = 0) -> Table:
    """A borderless table of fixed columns, for a block of the form; rows are not split."""
    table = document.add_table(rows=rows, cols=len(widths_mm))
    _no_borders(table)
    _cell_margins(table, LAYOUT.table_cell_margin_mm)
    _table_geometry(table, widths_mm, indent_mm)
    for row in table.rows:
        _cant_split(row._tr)
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    return table


def _cant_split(tr) -> None:
    _put(tr.get_or_add_trPr(), "w:cantSplit")


def _first_paragraph(cell) -> Paragraph:
    return cell.paragraphs[0]


def _cell_text(cell, text: str, size_pt: float, bold=False, italic=False, before=0, after=0):
    """Write into the cell's first, still empty paragraph, else a new one."""
    first = _first_paragraph(cell)
    paragraph = first if not first.runs and not first.text else cell.add_paragraph()
    _plain(paragraph, before=before, after=after)
    _text(paragraph, text, size_pt, bold, italic)
    return paragraph


# --- text width, measured (table_layout) ------------------------------------------------------


def text_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """The printed width of one line of `text` in Times New Roman (its Adobe metrics)."""
    return tl.times_width_mm(text, size_pt, bold)


def _wrap_name(text: str, width_mm: float, size_pt: float, bold: bool) -> str:
    """Break an organisation's name before its administrative level when it does not fit."""
    if "\n" in text or text_width_mm(text, size_pt, bold) <= width_mm:
        return text
    match = _LEVEL_BREAK.search(text)
    return text if match is None else text[: match.start()] + "\n" + text[match.end() :]


def _break_at_comma(text: str, width_mm: float, size_pt: float) -> str:
    """A subject too long for one line breaks after the comma nearest its middle, as typed in
    official documents, rather than wherever the line happens to fill."""
    if "\n" in text or text_width_mm(text, size_pt, True) <= width_mm:
        return text
    commas = [m.end() for m in re.finditer(", ", text)]
    if not commas:
        return text
    cut = min(commas, key=lambda i: abs(i - len(text) / 2))
    halves = (text[:cut].rstrip(), text[cut:])
    if max(text_width_mm(h, size_pt, True) for h in halves) > width_mm:
        return text
    return "\n".join(halves)


# --- the blocks --------------------------------------------------------------------------------


def _header_block(document, settings: ReportSettings, period: str, layout: FinishLayout):
    """The two-column header of page 1; returns the table (added at the end of the body)."""
    left, right = layout.header_left_mm, layout.header_right_mm
    table = _layout_table(document, 2, [left, right], layout.header_indent_mm)
    _describe(table, MARKER)
    inner = left - 2 * layout.table_cell_margin_mm
    top_left, top_right = table.rows[0].cells
    _cell_text(
        top_left, _wrap_name(settings.parent_body, inner, layout.parent_pt, False), layout.parent_pt
    )
    _cell_text(
        top_left,
        _wrap_name(settings.issuing_body, inner, layout.issuing_pt, True),
        layout.issuing_pt,
        bold=True,
    )
    _rule(top_left, layout.issuing_rule_mm, left, layout)
    _cell_text(top_right, NATION, layout.nation_pt, bold=True)
    _cell_text(top_right, MOTTO, layout.motto_pt, bold=True)
    _rule(top_right, layout.motto_rule_mm, right, layout)
    bottom_left, bottom_right = table.rows[1].cells
    _cell_text(bottom_left, document_number(settings, period), layout.number_pt, before=4)
    _cell_text(
        bottom_right, place_and_date(settings, period), layout.date_pt, italic=True, before=4
    )
    return table


def _paragraph_before(anchor, document) -> Paragraph:
    p = OxmlElement("w:p")
    anchor.addprevious(p)
    return Paragraph(p, document._body)


def _title_block(
    document, anchor, period: str, layout: FinishLayout, settings: ReportSettings | None = None
) -> None:
    """ "BÁO CÁO", the subject line and its short rule, inserted before `anchor`."""
    title = _paragraph_before(anchor, document)
    _plain(title, before=18)
    _text(title, TITLE, layout.title_pt, bold=True)
    title.paragraph_format.keep_with_next = True
    subject = _paragraph_before(anchor, document)
    _plain(subject)
    text = _break_at_comma(subject_line(period, settings), _text_width(document), layout.subject_pt)
    _text(subject, text, layout.subject_pt, bold=True)
    subject.paragraph_format.keep_with_next = True
    rule = _paragraph_before(anchor, document)
    _plain(rule, after=12)
    width = _text_width(document)
    side = max((width - layout.subject_rule_mm) / 2, 0)
    rule.paragraph_format.left_indent = Mm(side)
    rule.paragraph_format.right_indent = Mm(side)
    _border(rule, "bottom", layout.rule_eighths_pt)
    _mark_size(rule, 3)


def _signature_block(document, settings: ReportSettings, layout: FinishLayout) -> Table:
    """ "Nơi nhận:" and the recipients on the left, the signer on the right, level."""
    widths = [layout.signature_left_mm, layout.signature_right_mm]
    table = _layout_table(document, 1, widths, layout.signature_indent_mm)
    _describe(table, SIGNATURE_MARKER)
    left, right = table.rows[0].cells
    heading = _cell_text(left, RECIPIENTS_HEADING, layout.recipients_heading_pt, True, True, 12)
    heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for line in recipient_lines(settings.recipients):
        paragraph = _cell_text(left, line, layout.recipients_pt)
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for number, line in enumerate((settings.signer_on_behalf, settings.signer_title)):
        if line.strip():
            _cell_text(right, line.upper(), layout.signer_pt, bold=True, before=12 * (number == 0))
    _cell_text(
        right, settings.signer_name, layout.signer_pt, bold=True, before=layout.signature_space_pt
    )
    return table


# --- body: title, headings, appendices ---------------------------------------------------------


def _body_children(document) -> list:
    return list(document.element.body.iterchildren())


def _is_paragraph(el) -> bool:
    return el.tag == qn("w:p")


def _style_name(document, p) -> str:
    return Paragraph(p, document._body).style.name


def _heading_level(document, p) -> int | None:
    name = _style_name(document, p)
    if name.startswith("Heading ") and name.split()[-1].isdigit():
        return int(name.split()[-1])
    return None


def _remove_title_block(document) -> None:
    """Drop pandoc's Title/Subtitle/Author/Date paragraphs that precede the first heading."""
    for el in _body_children(document):
        if not _is_paragraph(el):
            continue
        if _heading_level(document, el) is not None:
            break
        if _style_name(document, el) in TITLE_BLOCK_STYLES:
            el.getparent().remove(el)


def _appendix_starts(document) -> list:
    """The top-level headings "Phụ lục …", each with the bookmarks that open it."""
    starts = []
    for el in _body_children(document):
        if not _is_paragraph(el):
            continue
        level = _heading_level(document, el)
        text = unicodedata.normalize("NFC", Paragraph(el, document._body).text).strip()
        if level is not None and text.startswith(APPENDIX_PREFIX):
            if starts and level > _heading_level(document, starts[-1][1]):
                continue  # a sub-heading of an appendix
            first = el
            while (prev := first.getprevious()) is not None and prev.tag == qn("w:bookmarkStart"):
                first = prev
            starts.append((first, el))
    return [first for first, _ in starts]


def _attachment_notes(document, settings: ReportSettings, period: str, layout) -> None:
    """The "(Kèm theo Báo cáo số …)" line under each appendix title: italic, centred, and
    written from the same (possibly overridden) number and date as the header."""
    note = attachment_note(settings, period).strip().strip("*").strip()
    for paragraph in document.paragraphs:
        text = unicodedata.normalize("NFC", paragraph.text).strip()
        if not text.startswith(ATTACHMENT_PREFIX):
            continue
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        _plain(paragraph, after=12)
        _text(paragraph, note, STYLE.body_pt, italic=True)


def _text_width(document, section=None) -> float:
    section = section or document.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    return width / 36000  # EMU per mm


def _section_break_before(anchor, body_sectpr) -> Any:
    """An empty paragraph carrying a copy of the body's section properties, before `anchor`:
    it ends the section so far (and the next section starts on a new page)."""
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    spacing = OxmlElement("w:spacing")
    for name, value in (("before", "0"), ("after", "0"), ("line", "240"), ("lineRule", "auto")):
        spacing.set(qn(f"w:{name}"), value)
    ppr.append(spacing)
    rpr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    rpr.append(size)
    ppr.append(rpr)
    sect = copy.deepcopy(body_sectpr)
    for ref in sect.findall(qn("w:headerReference")) + sect.findall(qn("w:footerReference")):
        sect.remove(ref)
    ppr.append(sect)
    p.append(ppr)
    anchor.addprevious(p)
    return sect


def _landscape(section, style: DocxStyle, layout: FinishLayout) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width = Mm(style.page_height_mm)
    section.page_height = Mm(style.page_width_mm)
    section.top_margin = Mm(layout.landscape_margin_top_mm)
    section.bottom_margin = Mm(layout.landscape_margin_bottom_mm)
    section.left_margin = Mm(layout.landscape_margin_left_mm)
    section.right_margin = Mm(layout.landscape_margin_right_mm)


def _columns(tbl) -> int:
    grid = tbl.find(qn("w:tblGrid"))
    return len(grid) if grid is not None else 0


def _data_tables(elements: Iterable) -> list:
    return [
        el
        for el in elements
        if el.tag == qn("w:tbl") and _description(el) not in (MARKER, SIGNATURE_MARKER)
    ]


def _sections_for_appendices(document, style: DocxStyle, layout: FinishLayout) -> None:
    """Each appendix in its own section on a new page; landscape when it has a wide table."""
    starts = _appendix_starts(document)
    if not starts:
        return
    body = document.element.body
    body_sectpr = body.find(qn("w:sectPr"))
    children = _body_children(document)
    positions = [children.index(s) for s in starts] + [len(children)]
    wide = []
    for begin, end in zip(positions, positions[1:], strict=False):
        tables = _data_tables(children[begin:end])
        wide.append(any(_columns(t) >= layout.wide_columns or _by_unit(t) for t in tables))
    for start in starts:
        _section_break_before(start, body_sectpr)
    sections = document.sections  # [main, appendix 1, …]
    portrait(sections[0], style)
    for section, is_wide in zip(sections[1:], wide, strict=True):
        if is_wide:
            _landscape(section, style, layout)
        else:
            portrait(section, style)


# --- data tables -------------------------------------------------------------------------------


def _section_of_tables(document) -> list[tuple[Any, Any]]:
    """(table element, the w:sectPr of its section) for every data table in the body."""
    pending, found = [], []
    for el in _body_children(document):
        if el.tag == qn("w:tbl") and _description(el) not in (MARKER, SIGNATURE_MARKER):
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
    return (width - left - right) / _TWIPS_PER_MM


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


def _fit_widths(
    cells: list[list[str]], numeric: list[bool], available: float, size_pt: float, pad: float
) -> list[float]:
    """Column widths (mm) that fill `available`.

    No column is narrower than its longest word, so a figure never breaks. Text columns get
    their full width or a fair share of the page, whichever is less; figure columns share
    what is left evenly, each up to the width of its own widest cell; what is still left
    goes to the text columns. When the figures alone are too wide (sums in đồng across many
    units), text columns keep a readable width and the figures wrap.
    """
    columns = max(len(r) for r in cells)
    least, want = [pad] * columns, [pad] * columns
    for number, row in enumerate(cells):
        bold = number == 0
        for c, text in enumerate(row):
            words = text.split() or [""]
            least[c] = max(least[c], pad + max(tl.cell_width_mm(w, size_pt, bold) for w in words))
            want[c] = max(want[c], pad + tl.cell_width_mm(text, size_pt, bold))
    text = [c for c in range(columns) if not numeric[c]] or list(range(columns))
    figures = [c for c in range(columns) if c not in text]
    widths = list(least)
    for c in text:
        widths[c] = min(want[c], max(least[c], 0.22 * available))
    room = available - sum(widths[c] for c in text)
    need = sum(least[c] for c in figures)
    if need > room:
        floor = {c: min(want[c], max(least[c], 0.12 * available)) for c in text}
        if sum(floor.values()) + need <= available:  # text columns give way to the figures
            give = sum(widths[c] - floor[c] for c in text)
            keep = (available - need - sum(floor.values())) / give if give else 0
            for c in text:
                widths[c] = floor[c] + (widths[c] - floor[c]) * keep
        else:  # the figures cannot fit: they wrap, the text stays readable
            for c in text:
                widths[c] = floor[c]
            rest = max(available - sum(floor.values()), 0)
            capped = _capfill([least[c] for c in figures], rest)
            for c, width in zip(figures, capped, strict=True):
                widths[c] = width  # short figures (STT, counts) keep their width
            return widths
    elif figures:
        even = _waterfill([least[c] for c in figures], room)
        for c, width in zip(figures, even, strict=True):
            widths[c] = min(width, max(want[c], least[c]))
    spare = available - sum(widths)
    short = {c: want[c] - widths[c] for c in text if want[c] > widths[c]}
    if spare > 0 and short:
        grant = min(1.0, spare / sum(short.values()))
        for c, missing in short.items():
            widths[c] += missing * grant
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


def _finish_data_table(document, tbl, sect, style: DocxStyle, layout: FinishLayout) -> None:
    table = Table(tbl, document._body)
    by_unit = _by_unit(tbl)
    wide = _columns(tbl) >= layout.wide_columns or by_unit
    size = layout.wide_table_pt if wide else style.table_pt
    rows = table.rows
    cells = [[c.text for c in row.cells] for row in rows]
    groups = [] if by_unit else _group_rows(cells)
    sized = [row for n, row in enumerate(cells) if n not in groups]
    numeric = [_is_numeric_column(sized, c) for c in range(len(cells[0]))]
    pad = 2 * layout.table_cell_margin_mm + tl.CELL_SLACK_MM
    if by_unit:
        widths = _by_unit_widths(sized, _sect_text_width_mm(sect), size, pad)
    else:
        widths = _fit_widths(sized, numeric, _sect_text_width_mm(sect), size, pad)
    _cell_margins(table, layout.table_cell_margin_mm)
    _table_geometry(table, widths)
    for n in groups:  # the group's title spans the row
        row_cells = rows[n].cells
        row_cells[1].merge(row_cells[-1])
    rows = table.rows
    for number, row in enumerate(rows):
        tr = row._tr
        _cant_split(tr)
        if number == 0:
            _put(tr.get_or_add_trPr(), "w:tblHeader")  # repeated at the top of every page
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            for paragraph in cell.paragraphs:
                fmt = paragraph.paragraph_format
                fmt.first_line_indent = Pt(0)
                fmt.space_before = Pt(1)
                fmt.space_after = Pt(1)
                fmt.line_spacing = 1.0
                text = paragraph.text.strip()
                if number == 0:
                    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
                elif text and _NUMERIC.match(text) and fmt.alignment != WD_ALIGN_PARAGRAPH.CENTER:
                    fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                for r in paragraph._p.iter(qn("w:r")):  # runs inside links too
                    run = Run(r, paragraph)
                    set_font(run._r, style.font)
                    run.font.size = Pt(size)
                    if number == 0:
                        run.font.bold = True
                _mark_size(paragraph, size)


# --- fonts and page numbers --------------------------------------------------------------------


def _fonts_everywhere(document, style: DocxStyle) -> None:
    """Times New Roman in every run that names a font, no theme fonts, black text; and the
    theme's own fonts set to Times New Roman for anything that still asks the theme."""
    rels = document.part.rels.values()
    parts = [document.part, *(r.target_part for r in rels if not r.is_external)]
    for part in parts:
        element = getattr(part, "element", None)
        if element is None:
            continue
        for fonts in element.iter(qn("w:rFonts")):
            if any(fonts.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:asciiTheme")):
                for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                    fonts.attrib.pop(qn(attr), None)
                if fonts.get(qn("w:ascii")) not in ("Symbol", "Wingdings"):
                    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                        fonts.set(qn(attr), style.font)
    for color in document.element.body.iter(qn("w:color")):
        color.set(qn("w:val"), "000000")
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(attr), None)
    for part in parts:
        if part.partname.endswith("/theme/theme1.xml") and hasattr(part, "_blob"):
            part._blob = re.sub(
                rb'(<a:(?:latin|ea|cs) typeface=")[^"]*(")',
                rb"\g<1>" + style.font.encode() + rb"\g<2>",
                part._blob,
            )


def _page_numbers(document, layout: FinishLayout) -> None:
    """A centred PAGE field in the top margin, from page 2 on; later sections inherit it."""
    first = document.sections[0]
    first.different_first_page_header_footer = True
    first.header_distance = Mm(layout.header_distance_mm)
    for section in document.sections:  # w:pgMar needs all its attributes for strict readers
        section.header_distance = Mm(layout.header_distance_mm)
        section.footer_distance = Mm(layout.header_distance_mm)
        section.gutter = Mm(0)
    empty = first.first_page_header
    empty.is_linked_to_previous = False
    _plain(empty.paragraphs[0])
    header = first.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    _plain(paragraph)
    for kind, value in (
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "2"),
        ("end", None),
    ):
        run = paragraph.add_run()
        _set_run(run, layout.page_number_pt)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = value
            run._r.append(instr)
        elif kind == "text":
            run.text = value
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _keep_with_signature(document, signature: Table, paragraphs: int = 2) -> None:
    """The last lines of the body stay on the signature's page: a signature alone on a page
    is not accepted."""
    el = signature._tbl.getprevious()
    while el is not None and paragraphs:
        if el.tag == qn("w:tbl"):
            break
        if el.tag == qn("w:p"):
            Paragraph(el, document._body).paragraph_format.keep_with_next = True
            paragraphs -= 1
        el = el.getprevious()


# --- the entry point ---------------------------------------------------------------------------


def is_finished(document) -> bool:
    body = document.element.body
    return any(_description(t) == MARKER for t in body.iterchildren(qn("w:tbl")))


def finish_docx(
    path: Path,
    settings: ReportSettings,
    period: str,
    profile: str = "internal",
    overrides: Mapping[str, Any] | None = None,
    style: DocxStyle = STYLE,
    layout: FinishLayout = LAYOUT,
) -> Path:
    """Put the rendered report at `path` into the official layout, in place; returns `path`.

    `settings` come from `config/report.yml`; `overrides` (keys in `OVERRIDE_KEYS`) replace
    some of them for this run. A file already finished is left unchanged.
    """
    path = Path(path)
    period = str(Period.parse(period))
    settings = apply_overrides(settings, period, overrides)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a damaged package
        raise BaocaoError(f"Không mở được tệp Word {path.name} để hoàn thiện: {exc}.") from None
    if is_finished(document):
        return path
    restyle(document, style)
    _fonts_everywhere(document, style)
    _remove_title_block(document)
    body = document.element.body
    header = _header_block(document, settings, period, layout)
    body.insert(0, header._tbl)
    anchor = header._tbl.getnext()
    _title_block(document, anchor, period, layout, settings)
    _attachment_notes(document, settings, period, layout)
    starts = _appendix_starts(document)
    signature = _signature_block(document, settings, layout)
    if starts:
        starts[0].addprevious(signature._tbl)
    _keep_with_signature(document, signature)
    _sections_for_appendices(document, style, layout)
    for tbl, sect in _section_of_tables(document):
        _finish_data_table(document, tbl, sect, style, layout)
    _page_numbers(document, layout)
    props = document.core_properties
    props.title = subject_line(period, settings)
    props.subject = subject_line(period, settings)
    props.author = settings.issuing_body
    props.content_status = PROFILE_STATUS.get(profile, profile)
    props.language = style.language
    document.save(str(path))
    return path
