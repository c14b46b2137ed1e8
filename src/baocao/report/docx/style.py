"""The Word styles of the printed report, as a pandoc reference document.

Pandoc takes paragraph, heading and table styles and the page setup (size, margins) from a
`--reference-doc`; Quarto passes the same file through `format: docx: reference-doc:`. We start
from pandoc's own default reference document (so every style pandoc emits exists) and restyle it
with python-docx to the layout of Nghị định 30/2020/NĐ-CP: A4 portrait, Times New Roman, black,
justified body with a first-line indent.

Everything that is a style lives here. Things pandoc cannot express through styles (the
two-column header and signature blocks, page numbers, landscape appendix pages) are added to the
rendered file by `docx.finish.finish_docx`, which re-applies `restyle` (so a Quarto render gets
the same styles) and reuses `set_font` and `STYLE`. `restyle` is safe to apply twice.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from baocao.base.files import atomic_path
from baocao.report.programs.external import Bound, pandoc_bound, run_bounded
from baocao.report.programs.pandoc import pandoc_path

BLACK = RGBColor(0, 0, 0)
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_FONT_ATTRS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
BODY_STYLES = ("Normal", "Body Text", "First Paragraph")
HEADING_STYLES = tuple(f"Heading {level}" for level in range(1, 10))
# Styles whose text sits in a table cell or a tight list: no indent, no justification.
COMPACT_STYLES = ("Compact",)


@dataclass(frozen=True)
class DocxStyle:
    """The layout numbers of the printed report; the defaults follow Nghị định 30/2020/NĐ-CP."""

    font: str = "Times New Roman"
    body_pt: float = 14
    heading_pt: float = 14
    table_pt: float = 12
    page_width_mm: float = 210  # A4 portrait
    page_height_mm: float = 297
    margin_top_mm: float = 20
    margin_bottom_mm: float = 20
    margin_left_mm: float = 30
    margin_right_mm: float = 15
    first_line_indent_cm: float = 1.27
    space_after_pt: float = 6
    line_spacing: float = 1.15  # a multiple of single spacing
    language: str = "vi-VN"


STYLE = DocxStyle()


def pandoc_default_reference() -> bytes:
    """Pandoc's own reference.docx, from the pandoc binary bundled with pypandoc."""
    try:
        executable = pandoc_path()
    except OSError:
        executable = "pandoc"  # run_bounded then fails to start it, in Vietnamese
    done = run_bounded(
        [executable, "--print-default-data-file", "reference.docx"],
        program="pandoc",
        document="tệp mẫu reference.docx",
        bound=Bound(pandoc_bound().memory_mb, 60),
        ghc=True,
        binary=True,
    )
    return done.stdout


def set_font(rpr_parent, font: str) -> None:
    """Set all four font slots of an element's run properties, dropping theme fonts.

    Word prefers a theme font (`w:asciiTheme`) over a named one, so python-docx's `font.name`
    alone leaves headings in the theme's Calibri/Aptos; the theme attributes must go.
    """
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        style = rpr.find(qn("w:rStyle"))  # the one element the schema puts before w:rFonts
        rpr.insert(0 if style is None else 1, fonts)
    for attr in _THEME_FONT_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in _FONT_ATTRS:
        fonts.set(qn(attr), font)


def _set_doc_defaults(document, style: DocxStyle) -> None:
    styles = document.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in _THEME_FONT_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in _FONT_ATTRS:
        fonts.set(qn(attr), style.font)
    half_points = str(round(style.body_pt * 2))
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), half_points)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), style.language)


def portrait(section, style: DocxStyle = STYLE) -> None:
    """A4 portrait with the official margins, for one section."""
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(style.page_width_mm)
    section.page_height = Mm(style.page_height_mm)
    section.top_margin = Mm(style.margin_top_mm)
    section.bottom_margin = Mm(style.margin_bottom_mm)
    section.left_margin = Mm(style.margin_left_mm)
    section.right_margin = Mm(style.margin_right_mm)


def _set_page(document, style: DocxStyle) -> None:
    for section in document.sections:
        portrait(section, style)


def _restyle_fonts(document, style: DocxStyle) -> None:
    """Every paragraph and character style: the report's font, black. Links too: the DOCX is
    printed and signed, so a link (a unit's name in an appendix) looks like the text around it."""
    for st in document.styles:
        if st.type not in (1, 2, 3):  # paragraph, character, table
            continue
        fonts = st.element.find(qn("w:rPr"))
        if fonts is not None and fonts.find(qn("w:rFonts")) is not None:
            set_font(st.element, style.font)
        if st.font.color.type is not None:
            st.font.color.rgb = BLACK
        if st.name == "Hyperlink":
            st.font.underline = False


def _body(document, style: DocxStyle) -> None:
    for name in BODY_STYLES:
        st = document.styles[name]
        set_font(st.element, style.font)
        st.font.size = Pt(style.body_pt)
        st.font.color.rgb = BLACK
        fmt = st.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = Cm(style.first_line_indent_cm)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(style.space_after_pt)
        fmt.line_spacing = style.line_spacing
    for name in COMPACT_STYLES:
        fmt = document.styles[name].paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fmt.first_line_indent = Cm(0)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(2)
        fmt.line_spacing = 1.0


def _headings(document, style: DocxStyle) -> None:
    for level, name in enumerate(HEADING_STYLES, start=1):
        st = document.styles[name]
        set_font(st.element, style.font)
        st.font.size = Pt(style.heading_pt)
        st.font.bold = True
        st.font.italic = False
        st.font.color.rgb = BLACK
        fmt = st.paragraph_format
        fmt.space_before = Pt(style.space_after_pt)
        fmt.space_after = Pt(style.space_after_pt)
        fmt.line_spacing = style.line_spacing
        fmt.keep_with_next = True
        if level <= 2:  # "Phần thứ nhất", the part's title, "Phụ lục I": centred
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt.first_line_indent = Cm(0)
        else:
            fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt.first_line_indent = Cm(style.first_line_indent_cm)
    for name in ("Title", "Subtitle"):
        st = document.styles[name]
        set_font(st.element, style.font)
        st.font.size = Pt(style.heading_pt)
        st.font.bold = name == "Title"
        st.font.color.rgb = BLACK
        st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _tables(document, style: DocxStyle) -> None:
    """Table text in `table_pt`, every cell ruled (appendix tables are printed with a grid)."""
    table_style = document.styles["Table"]
    set_font(table_style.element, style.font)
    table_style.font.size = Pt(style.table_pt)
    for name in COMPACT_STYLES:
        document.styles[name].font.size = Pt(style.table_pt)
    tbl_pr = table_style.element.find(qn("w:tblPr"))
    borders = tbl_pr.find(qn("w:tblBorders"))
    if borders is None:
        borders = tbl_pr.makeelement(qn("w:tblBorders"), {})
        # Schema order inside tblPr: ... tblInd, tblBorders, ..., tblCellMar.
        mar = tbl_pr.find(qn("w:tblCellMar"))
        if mar is not None:
            mar.addprevious(borders)
        else:
            tbl_pr.append(borders)
    for child in list(borders):  # idempotent: restyling twice must not double the edges
        borders.remove(child)
    _caption(document, style)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = borders.makeelement(
            qn(f"w:{edge}"),
            {qn("w:val"): "single", qn("w:sz"): "4", qn("w:space"): "0", qn("w:color"): "000000"},
        )
        borders.append(line)


def _caption(document, style: DocxStyle) -> None:
    """A table's caption ("Bảng 1. …" over each table of Phụ lục I): bold, upright, flush
    left, kept on the page of its table."""
    names = {st.name for st in document.styles}
    if "Table Caption" not in names:
        return
    st = document.styles["Table Caption"]
    set_font(st.element, style.font)
    st.font.size = Pt(style.table_pt)
    st.font.bold = True
    st.font.italic = False
    st.font.color.rgb = BLACK
    fmt = st.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fmt.first_line_indent = Cm(0)
    fmt.space_before = Pt(style.space_after_pt)
    fmt.space_after = Pt(3)
    fmt.line_spacing = 1.0
    fmt.keep_with_next = True


def _figures(document, style: DocxStyle) -> None:
    """A chart's paragraph (pandoc's "Captioned Figure") centred and kept on the page of its
    caption below it ("Image Caption": "Biểu đồ 1. …", centred, italic)."""
    names = {st.name for st in document.styles}
    if "Captioned Figure" in names:
        fmt = document.styles["Captioned Figure"].paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.first_line_indent = Cm(0)
        fmt.space_before = Pt(style.space_after_pt)
        fmt.space_after = Pt(0)
        fmt.keep_with_next = True
    if "Image Caption" in names:
        st = document.styles["Image Caption"]
        fmt = st.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.first_line_indent = Cm(0)
        fmt.space_before = Pt(3)
        fmt.space_after = Pt(style.space_after_pt)
        fmt.keep_together = True


def restyle(document, style: DocxStyle = STYLE) -> None:
    """Apply the report's layout to an open python-docx document's styles and sections."""
    _set_doc_defaults(document, style)
    _set_page(document, style)
    _restyle_fonts(document, style)
    _body(document, style)
    _headings(document, style)
    _tables(document, style)
    _figures(document, style)


def build_reference_docx(path: Path, style: DocxStyle = STYLE) -> Path:
    """Write the reference document for pandoc/Quarto to `path` (atomically) and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document(io.BytesIO(pandoc_default_reference()))
    restyle(document, style)
    with atomic_path(path) as temporary:
        document.save(temporary)
    return path
