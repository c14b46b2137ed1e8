"""The analysts' narrative written as one Word document per period.

`write_narrative_docx` builds `narrative/<period>/noi-dung-viet-<period>.docx`: the outline's
headings in order, each section's current text (from its Markdown file, through pandoc's JSON
AST: bold, italic, superscript, subscript, lists, tables), the outline's guidance as notes in a
paragraph style that is never printed ("Hướng dẫn (không in)"), and at the end a table of the
figure names the text may quote with their meaning and value. What it wrote is recorded in the
document's custom properties (one digest per section for the Word text and for the Markdown
file), so a later run can tell which side was edited. `refresh_glossary` replaces only the
figures table of a document someone edited (`compose.narrative_document.write_for_period`, the
`baocao narrative` command, decides which of the two to do).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from lxml import etree

from baocao.base.keys import match_key
from baocao.config.outline import Outline, fill_period
from baocao.config.periods import Period
from baocao.report.narrative import markdown as nv
from baocao.report.narrative.assign import assign, extract_for
from baocao.report.narrative.notes import (
    APPENDIX_NOTE,
    GLOSSARY_NOTE,
    GUIDANCE_PREFIX,
    HEADING_ONLY_NOTE,
    INSTRUCTIONS,
    NOTE_STYLE,
    document_title,
)
from baocao.report.narrative.ooxml import CUSTOM_NS, NS, PROPERTY_PREFIX, VT_NS, Numbering, w_tag
from baocao.report.narrative.read import GLOSSARY_HEADING, GLOSSARY_KEY, extract
from baocao.report.narrative.source import section_digest

TITLE_STYLE = "Tiêu đề tài liệu (không in)"
HEADER = ("Tên số liệu", "Nội dung", "Giá trị kỳ này")


def write_narrative_docx(
    path: Path,
    outline: Outline,
    period: Period,
    markdown: Mapping[str, nv.Narrative],
    glossary: Iterable[tuple[str, str, str]],
) -> Path:
    """Write the period's narrative document to `path` (atomically) and return it.

    `markdown`: the sections' current text (Markdown); `glossary`: (name, meaning, value) rows
    of the figures table. The sections' digests are recorded in the custom properties.
    """
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    from baocao.base.files import atomic_path

    document = Document()
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    _language(normal.element, "vi-VN")
    note = styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.font.italic = True
    note.font.size = Pt(12)
    note.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    _shade(note.element, "EDEDED")
    note.next_paragraph_style = normal
    title = styles.add_style(TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = styles["Title"]
    title.next_paragraph_style = normal

    document.add_paragraph(document_title(period, outline.work), style=title)
    for line in INSTRUCTIONS:
        document.add_paragraph(line, style=note)
    writer = _MarkdownWriter(document)
    for part in outline.parts:
        document.add_heading(fill_period(part.heading, period), level=1)
        document.add_heading(fill_period(part.title, period), level=2)
        if part.block is not None:
            document.add_paragraph(APPENDIX_NOTE, style=note)
        for section in part.sections:
            document.add_heading(fill_period(section.heading, period), level=section.level)
            if not section.takes_text and not section.internal:
                document.add_paragraph(HEADING_ONLY_NOTE, style=note)
            if section.takes_text:
                _section_body(
                    document, writer, note, section.id, section.guidance, markdown, period
                )
            for extra in section.internal:
                document.add_heading(fill_period(extra.heading, period), level=section.level + 1)
                _section_body(document, writer, note, extra.id, extra.guidance, markdown, period)
    document.add_heading(GLOSSARY_HEADING, level=1)
    document.add_paragraph(GLOSSARY_NOTE, style=note)
    _glossary_table(document, glossary)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as temporary:
        document.save(str(temporary))
        extracted = extract(temporary)
        written = assign(extract_for(temporary, outline, period, path.name), outline, period, "")
        record = {"ky": str(period), "tailieu": extracted.body_digest()[:16]}
        for sid in outline.text_ids():
            now = markdown.get(sid)
            record[f"muc.{sid}"] = (
                f"{section_digest(written.sections.get(sid))} "
                f"{section_digest(now.text if now else None)}"
            )
        _set_custom_properties(document, record)
        document.save(str(temporary))
    return path


def _glossary_table(document, glossary: Iterable[tuple[str, str, str]]):
    """The figures table (name, meaning, value), appended at the end of the body."""
    table = document.add_table(rows=1, cols=3)
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for name, meaning, value in glossary:
        cells = table.add_row().cells
        for cell, text in zip(cells, ("{" + name + "}", meaning, value), strict=True):
            cell.paragraphs[0].add_run(text)
    return table


def refresh_glossary(path: Path, glossary: Iterable[tuple[str, str, str]]) -> bool:
    """Replace only the figures table of an edited document (its text, tracked changes and
    comments are kept as they are); False when the writers removed the table's heading."""
    from docx import Document

    from baocao.base.files import atomic_path

    document = Document(str(path))
    heading = next(
        (p for p in document.paragraphs if match_key(p.text) == GLOSSARY_KEY and p.text), None
    )
    if heading is None:
        return False
    old = heading._p.getnext()
    while old is not None and etree.QName(old).localname == "p":
        old = old.getnext()
    table = _glossary_table(document, glossary)
    if old is not None and etree.QName(old).localname == "tbl":
        old.addprevious(table._tbl)
        old.getparent().remove(old)
    else:
        heading._p.addnext(table._tbl)
    with atomic_path(Path(path)) as temporary:
        document.save(str(temporary))
    return True


def _section_body(document, writer, note, sid, guidance, markdown, period) -> None:
    current = markdown.get(sid)
    if current is not None and current.text.strip():
        writer.write(current.text)
        return
    for line in guidance:
        document.add_paragraph(GUIDANCE_PREFIX + fill_period(line, period), style=note)
    document.add_paragraph("")


def _language(style_element, lang: str) -> None:
    rpr = style_element.get_or_add_rPr()
    for old in rpr.findall(w_tag("lang")):
        rpr.remove(old)
    element = etree.SubElement(rpr, w_tag("lang"))
    element.set(w_tag("val"), lang)


def _shade(style_element, fill: str) -> None:
    ppr = style_element.get_or_add_pPr()
    shd = etree.SubElement(ppr, w_tag("shd"))
    shd.set(w_tag("val"), "clear")
    shd.set(w_tag("color"), "auto")
    shd.set(w_tag("fill"), fill)


def _set_custom_properties(document, record: Mapping[str, str]) -> None:
    """Write `docProps/custom.xml` (one string property `baocao.<key>` per record entry)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    fmtid = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
    root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    for pid, (key, value) in enumerate(sorted(record.items()), start=2):
        prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property")
        prop.set("fmtid", fmtid)
        prop.set("pid", str(pid))
        prop.set("name", PROPERTY_PREFIX + key)
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    package = document.part.package
    for rel in list(package.rels.values()):
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            rel.target_part._blob = blob
            return
    part = Part(
        PackURI("/docProps/custom.xml"),
        "application/vnd.openxmlformats-officedocument.custom-properties+xml",
        blob,
        package,
    )
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


class _MarkdownWriter:
    """Markdown (as the analysts write it) into Word paragraphs, through pandoc's JSON AST."""

    def __init__(self, document):
        self.document = document
        self.bullet, self.decimal = _list_definitions(document)

    def write(self, markdown: str) -> None:
        import pypandoc

        ast = json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))
        for block in ast["blocks"]:
            self.block(block, 0)

    def block(self, block: dict, depth: int, numbering: tuple[str, int] | None = None) -> None:
        kind, content = block["t"], block.get("c")
        if kind in ("Para", "Plain"):
            self.paragraph(content, numbering)
        elif kind == "Header":
            self.paragraph([{"t": "Strong", "c": content[2]}], numbering)
        elif kind in ("BulletList", "OrderedList"):
            items = content if kind == "BulletList" else content[1]
            start = 1 if kind == "BulletList" else content[0][0]
            num_id = (
                self.bullet
                if kind == "BulletList"
                else _new_num(self.document, self.decimal, start, depth)
            )
            for item in items:
                first = True
                for inner in item:
                    if inner["t"] in ("BulletList", "OrderedList"):
                        self.block(inner, depth + 1)
                    else:
                        self.block(inner, depth, (num_id, depth) if first else None)
                        first = False
        elif kind == "BlockQuote" or kind == "Div":
            for inner in content if kind == "BlockQuote" else content[1]:
                self.block(inner, depth)
        elif kind == "Table":
            self.table(content)
        elif kind == "LineBlock":
            for line in content:
                self.paragraph(line, numbering)
        elif kind == "CodeBlock":
            for line in content[1].splitlines():
                self.document.add_paragraph(line)
        elif kind == "DefinitionList":
            for term, definitions in content:
                self.paragraph([{"t": "Strong", "c": term}], None)
                for definition in definitions:
                    for inner in definition:
                        self.block(inner, depth)

    def paragraph(self, inlines: list, numbering: tuple[str, int] | None, target=None):
        paragraph = target if target is not None else self.document.add_paragraph()
        if numbering is not None:
            _number(paragraph, *numbering)
        self.inlines(paragraph, inlines, frozenset())
        return paragraph

    def inlines(self, paragraph, inlines: list, fmt: frozenset) -> None:
        for inline in inlines:
            kind, content = inline["t"], inline.get("c")
            if kind == "Str":
                self.run(paragraph, content, fmt)
            elif kind in ("Space", "SoftBreak"):
                self.run(paragraph, " ", fmt)
            elif kind == "LineBreak":
                paragraph.add_run().add_break()
            elif kind in ("Emph", "Strong", "Superscript", "Subscript"):
                extra = {"Emph": "i", "Strong": "b", "Superscript": "sup", "Subscript": "sub"}
                self.inlines(paragraph, content, fmt | {extra[kind]})
            elif kind == "Quoted":
                quotes = ("“", "”") if content[0]["t"] == "DoubleQuote" else ("‘", "’")
                self.run(paragraph, quotes[0], fmt)
                self.inlines(paragraph, content[1], fmt)
                self.run(paragraph, quotes[1], fmt)
            elif kind in ("Code", "Math", "RawInline"):
                self.run(paragraph, content[-1] if kind != "Math" else content[1], fmt)
            elif kind in ("Link", "Image", "Span"):
                self.inlines(paragraph, content[1] if kind != "Span" else content[1], fmt)
            elif kind in ("Underline", "Strikeout", "SmallCaps", "Cite"):
                self.inlines(paragraph, content if kind != "Cite" else content[1], fmt)

    def run(self, paragraph, text: str, fmt: frozenset) -> None:
        run = paragraph.add_run(text)
        run.bold = True if "b" in fmt else None
        run.italic = True if "i" in fmt else None
        if "sup" in fmt:
            run.font.superscript = True
        if "sub" in fmt:
            run.font.subscript = True

    def table(self, content: list) -> None:
        _, _, _, head, bodies, _ = content
        rows = [r[1] for r in head[1]]
        for body in bodies:
            rows += [r[1] for r in body[3]]
        if not rows:
            return
        width = max(len(r) for r in rows)
        table = self.document.add_table(rows=0, cols=width)
        table.style = self.document.styles["Table Grid"]
        for row in rows:
            cells = table.add_row().cells
            for cell, source in zip(cells, row, strict=False):
                blocks = source[4]
                inlines = []
                for b in blocks:
                    if b["t"] in ("Para", "Plain"):
                        if inlines:
                            inlines.append({"t": "Space"})
                        inlines += b["c"]
                self.inlines(cell.paragraphs[0], inlines, frozenset())


def _list_definitions(document) -> tuple[str, str]:
    """numIds of a bullet list and a decimal list in the default template's numbering."""
    numbering = document.part.numbering_part.element
    parsed = Numbering(numbering)
    bullet = decimal = None
    for num_id in parsed.nums:
        fmt = parsed.level(num_id, 0)
        if fmt and fmt[0] == "bullet" and bullet is None:
            bullet = num_id
        if fmt and fmt[0] == "decimal" and decimal is None:
            decimal = num_id
    return bullet or "1", decimal or "5"


def _new_num(document, like: str, start: int, level: int = 0) -> str:
    """A new numId over the same list definition as `like`, restarting list level `level` at
    `start` where it is first used (Word counts on a definition's levels across numIds)."""
    numbering = document.part.numbering_part.element
    abstract = numbering.find(f"w:num[@w:numId='{like}']/w:abstractNumId", NS).get(w_tag("val"))
    used = [int(n.get(w_tag("numId"))) for n in numbering.findall("w:num", NS)]
    num_id = str(max(used) + 1)
    num = etree.SubElement(numbering, w_tag("num"))
    num.set(w_tag("numId"), num_id)
    etree.SubElement(num, w_tag("abstractNumId")).set(w_tag("val"), abstract)
    override = etree.SubElement(num, w_tag("lvlOverride"))
    override.set(w_tag("ilvl"), str(level))
    etree.SubElement(override, w_tag("startOverride")).set(w_tag("val"), str(start))
    return num_id


def _number(paragraph, num_id: str, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    num = etree.SubElement(ppr, w_tag("numPr"))
    etree.SubElement(num, w_tag("ilvl")).set(w_tag("val"), str(ilvl))
    etree.SubElement(num, w_tag("numId")).set(w_tag("val"), num_id)
    style = ppr.find("w:pStyle", NS)
    if style is None:
        paragraph.style = paragraph.part.document.styles["List Paragraph"]
