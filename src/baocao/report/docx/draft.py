"""The mark "DỰ THẢO" at the top of a draft's first page, as offices mark a draft.

What enters: a DOCX being finished (python-docx `Document`) whose content opens, when the
document to sign is a draft, with paragraphs in the styles `MARK_STYLE` ("DỰ THẢO") and
`NOTE_STYLE` (what is missing, short lines), written by `compose.parts.draft_notice`. What
leaves: those paragraphs moved before everything else on the first page (above the header
block): the mark bold, in a box at the right of the page, the list under it in small italics.
A final document has no such paragraph and is left as it is.
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from baocao.report.docx.layout import add_text, plain_paragraph, put_child

MARK_STYLE = "Draft Mark"
NOTE_STYLE = "Draft Note"
MARK_PT = 14
NOTE_PT = 11
MARK_BOX_MM = 38  # the box's width, at the right margin
BOX_EIGHTHS_PT = 8  # 1 pt


def draft_paragraphs(document) -> list:
    """The paragraphs of the draft's mark and list, in document order."""
    return [
        p
        for p in document.paragraphs
        if p.style is not None and p.style.name in (MARK_STYLE, NOTE_STYLE)
    ]


def is_marked_draft(document) -> bool:
    """Whether the document carries the mark "DỰ THẢO" (`MARK_STYLE`)."""
    return any(p.style.name == MARK_STYLE for p in draft_paragraphs(document))


def box(paragraph, eighths_pt: int = BOX_EIGHTHS_PT) -> None:
    """A single black line around `paragraph` (all four edges in one w:pBdr)."""
    borders = put_child(paragraph._p.get_or_add_pPr(), "w:pBdr")
    for edge in ("top", "left", "bottom", "right"):  # the schema's order
        line = OxmlElement(f"w:{edge}")
        for name, value in (("val", "single"), ("sz", str(eighths_pt)), ("space", "2")):
            line.set(qn(f"w:{name}"), value)
        line.set(qn("w:color"), "000000")
        borders.append(line)


def _text_width_mm(document) -> float:
    section = document.sections[0]
    return (section.page_width - section.left_margin - section.right_margin) / Mm(1)


def place_draft_mark(document, first) -> bool:
    """Move the draft's paragraphs before `first` (the first element of the page: the header
    block) and set them as the mark and its list. Returns whether the document is a draft."""
    found = draft_paragraphs(document)
    for paragraph in found:
        first.addprevious(paragraph._p)
        text = paragraph.text
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        if paragraph.style.name == MARK_STYLE:
            plain_paragraph(paragraph, align=WD_ALIGN_PARAGRAPH.CENTER, after=4)
            indent = max(_text_width_mm(document) - MARK_BOX_MM, 0)
            paragraph.paragraph_format.left_indent = Mm(indent)
            box(paragraph)
            add_text(paragraph, text, MARK_PT, bold=True)
        else:
            plain_paragraph(paragraph, align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
            add_text(paragraph, text, NOTE_PT, italic=True)
    if found:
        found[-1].paragraph_format.space_after = Mm(3)
    return bool(found)
