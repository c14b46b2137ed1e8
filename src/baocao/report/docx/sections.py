"""The finished DOCX's body and sections: pandoc's title block out, appendices on their own pages.

What enters: the rendered document (python-docx), its style (`DocxStyle`), the `FinishLayout`
and, for the attachment notes, the report's settings. What leaves: the same document with

* pandoc's Title/Subtitle/Author/Date paragraphs removed (the form's title replaces them);
* the "(Kèm theo Báo cáo số …)" line under each appendix title written from the header's
  (possibly overridden) number and date;
* one section per appendix ("Phụ lục …"), each on a new page, landscape when it holds a wide
  table (`tables.is_wide_table`: one of Phụ lục I's tables by unit, captioned "Bảng 1. …",
  many columns, or sentences in its cells, as Phụ lục II), portrait otherwise;
* page numbers centred in the top margin from page 2 on (a different first-page header),
  which the later sections inherit.
"""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Iterable
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph

from baocao.config.settings import ReportSettings
from baocao.report.compose.titles import attachment_note
from baocao.report.docx.layout import (
    MARKER,
    SIGNATURE_MARKER,
    FinishLayout,
    add_text,
    body_children,
    plain_paragraph,
    set_run,
    table_description,
)
from baocao.report.docx.style import STYLE, DocxStyle, portrait
from baocao.report.docx.tables import is_wide_table

APPENDIX_PREFIX = "Phụ lục"
ATTACHMENT_PREFIX = "(Kèm theo"
# Pandoc's title block (from the front matter) and its styles; the official block replaces it.
TITLE_BLOCK_STYLES = ("Title", "Subtitle", "Author", "Date", "Abstract", "AbstractTitle")


# --- body: title, headings, appendices ---------------------------------------------------------


def _is_paragraph(el) -> bool:
    return el.tag == qn("w:p")


def _style_name(document, p) -> str:
    return Paragraph(p, document._body).style.name


def _heading_level(document, p) -> int | None:
    name = _style_name(document, p)
    if name.startswith("Heading ") and name.split()[-1].isdigit():
        return int(name.split()[-1])
    return None


def remove_title_block(document) -> None:
    """Drop pandoc's Title/Subtitle/Author/Date paragraphs that precede the first heading."""
    for el in body_children(document):
        if not _is_paragraph(el):
            continue
        if _heading_level(document, el) is not None:
            break
        if _style_name(document, el) in TITLE_BLOCK_STYLES:
            el.getparent().remove(el)


def appendix_starts(document) -> list:
    """The top-level headings "Phụ lục …", each with the bookmarks that open it."""
    starts = []
    for el in body_children(document):
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


def attachment_notes(document, settings: ReportSettings, period: str, layout) -> None:
    """The "(Kèm theo Báo cáo số …)" line under each appendix title: italic, centred, and
    written from the same (possibly overridden) number and date as the header."""
    note = attachment_note(settings, period).strip().strip("*").strip()
    for paragraph in document.paragraphs:
        text = unicodedata.normalize("NFC", paragraph.text).strip()
        if not text.startswith(ATTACHMENT_PREFIX):
            continue
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        plain_paragraph(paragraph, after=12)
        add_text(paragraph, note, STYLE.body_pt, italic=True)


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


def _data_tables(elements: Iterable) -> list:
    return [
        el
        for el in elements
        if el.tag == qn("w:tbl") and table_description(el) not in (MARKER, SIGNATURE_MARKER)
    ]


def sections_for_appendices(document, style: DocxStyle, layout: FinishLayout) -> None:
    """Each appendix in its own section on a new page; landscape when it has a wide table."""
    starts = appendix_starts(document)
    if not starts:
        return
    body = document.element.body
    body_sectpr = body.find(qn("w:sectPr"))
    children = body_children(document)
    positions = [children.index(s) for s in starts] + [len(children)]
    wide = []
    for begin, end in zip(positions, positions[1:], strict=False):
        tables = _data_tables(children[begin:end])
        wide.append(any(is_wide_table(t, style, layout) for t in tables))
    for start in starts:
        _section_break_before(start, body_sectpr)
    sections = document.sections  # [main, appendix 1, …]
    portrait(sections[0], style)
    for section, is_wide in zip(sections[1:], wide, strict=True):
        if is_wide:
            _landscape(section, style, layout)
        else:
            portrait(section, style)


# --- page numbers ------------------------------------------------------------------------------


def page_numbers(document, layout: FinishLayout) -> None:
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
    plain_paragraph(empty.paragraphs[0])
    header = first.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    plain_paragraph(paragraph)
    for kind, value in (
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "2"),
        ("end", None),
    ):
        run = paragraph.add_run()
        set_run(run, layout.page_number_pt)
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
