"""The blocks of the official form (Nghị định 30/2020/NĐ-CP, Phụ lục I) added to the DOCX.

What enters: the report's settings (`config/report.yml`, `ReportSettings`, already overridden
for the run), the period and the `FinishLayout`. What leaves: the text of each value printed
(`document_number`, `place_and_date`, `subject_line`, `recipient_lines`) and the blocks built
from them with python-docx:

* the header block: a borderless two-column table at the top of page 1 (parent and issuing
  body, "Số: 12/BC-MTTQ-BTT" on the left; the national title and motto, place and date on the
  right), each block with its short rule; a body's name too wide for its column breaks before
  its administrative level;
* the title "BÁO CÁO" and the subject line (broken after the comma nearest its middle when too
  long), which replace the Title paragraph pandoc makes from the front matter's `title:`;
* the signature block before the appendices: "Nơi nhận:" with the recipients on the left, the
  signer on the right, again a borderless two-column table, kept on the page of the body's
  last lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table
from docx.text.paragraph import Paragraph

from baocao.config.settings import ReportSettings
from baocao.report.compose import table_layout as tl
from baocao.report.compose.titles import (
    LEVEL_BREAK,
    MOTTO,
    NATION,
    TITLE,
    document_number,
    place_and_date,
    subject_line,
)
from baocao.report.docx.layout import (
    MARKER,
    SIGNATURE_MARKER,
    FinishLayout,
    add_text,
    cell_text,
    describe_table,
    layout_table,
    mark_size,
    paragraph_border,
    plain_paragraph,
    short_rule,
)

# Fixed words of the form (Nghị định 30/2020/NĐ-CP), not settings; the header's and the
# title's words (NATION, MOTTO, TITLE) are shared with the HTML page (compose.titles).
RECIPIENTS_HEADING = "Nơi nhận:"
ARCHIVE_LINE = "- Lưu: VT."


# --- the values printed ----------------------------------------------------------------------


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


# --- text width, measured (table_layout) ------------------------------------------------------


def text_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """The printed width of one line of `text` in Times New Roman (its Adobe metrics)."""
    return tl.times_width_mm(text, size_pt, bold)


def _wrap_name(text: str, width_mm: float, size_pt: float, bold: bool) -> str:
    """Break an organisation's name before its administrative level when it does not fit."""
    if "\n" in text or text_width_mm(text, size_pt, bold) <= width_mm:
        return text
    match = LEVEL_BREAK.search(text)
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


def header_block(document, settings: ReportSettings, period: str, layout: FinishLayout):
    """The two-column header of page 1; returns the table (added at the end of the body)."""
    left, right = layout.header_left_mm, layout.header_right_mm
    table = layout_table(document, 2, [left, right], layout.header_indent_mm)
    describe_table(table, MARKER)
    inner = left - 2 * layout.table_cell_margin_mm
    top_left, top_right = table.rows[0].cells
    cell_text(
        top_left, _wrap_name(settings.parent_body, inner, layout.parent_pt, False), layout.parent_pt
    )
    cell_text(
        top_left,
        _wrap_name(settings.issuing_body, inner, layout.issuing_pt, True),
        layout.issuing_pt,
        bold=True,
    )
    short_rule(top_left, layout.issuing_rule_mm, left, layout)
    cell_text(top_right, NATION, layout.nation_pt, bold=True)
    cell_text(top_right, MOTTO, layout.motto_pt, bold=True)
    short_rule(top_right, layout.motto_rule_mm, right, layout)
    bottom_left, bottom_right = table.rows[1].cells
    cell_text(bottom_left, document_number(settings, period), layout.number_pt, before=4)
    cell_text(bottom_right, place_and_date(settings, period), layout.date_pt, italic=True, before=4)
    return table


def _paragraph_before(anchor, document) -> Paragraph:
    p = OxmlElement("w:p")
    anchor.addprevious(p)
    return Paragraph(p, document._body)


def _text_width(document, section=None) -> float:
    section = section or document.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    return width / 36000  # EMU per mm


def title_block(
    document, anchor, period: str, layout: FinishLayout, settings: ReportSettings | None = None
) -> None:
    """ "BÁO CÁO", the subject line and its short rule, inserted before `anchor`."""
    title = _paragraph_before(anchor, document)
    plain_paragraph(title, before=18)
    add_text(title, TITLE, layout.title_pt, bold=True)
    title.paragraph_format.keep_with_next = True
    subject = _paragraph_before(anchor, document)
    plain_paragraph(subject)
    text = _break_at_comma(subject_line(period, settings), _text_width(document), layout.subject_pt)
    add_text(subject, text, layout.subject_pt, bold=True)
    subject.paragraph_format.keep_with_next = True
    rule = _paragraph_before(anchor, document)
    plain_paragraph(rule, after=12)
    width = _text_width(document)
    side = max((width - layout.subject_rule_mm) / 2, 0)
    rule.paragraph_format.left_indent = Mm(side)
    rule.paragraph_format.right_indent = Mm(side)
    paragraph_border(rule, "bottom", layout.rule_eighths_pt)
    mark_size(rule, 3)


def signature_block(document, settings: ReportSettings, layout: FinishLayout) -> Table:
    """ "Nơi nhận:" and the recipients on the left, the signer on the right, level."""
    widths = [layout.signature_left_mm, layout.signature_right_mm]
    table = layout_table(document, 1, widths, layout.signature_indent_mm)
    describe_table(table, SIGNATURE_MARKER)
    left, right = table.rows[0].cells
    heading = cell_text(left, RECIPIENTS_HEADING, layout.recipients_heading_pt, True, True, 12)
    heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for line in recipient_lines(settings.recipients):
        paragraph = cell_text(left, line, layout.recipients_pt)
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for number, line in enumerate((settings.signer_on_behalf, settings.signer_title)):
        if line.strip():
            cell_text(right, line.upper(), layout.signer_pt, bold=True, before=12 * (number == 0))
    cell_text(
        right, settings.signer_name, layout.signer_pt, bold=True, before=layout.signature_space_pt
    )
    return table


def keep_with_signature(document, signature: Table, paragraphs: int = 2) -> None:
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
