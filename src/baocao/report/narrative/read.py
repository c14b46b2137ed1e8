"""A narrative DOCX read back as blocks, as if every tracked change were accepted.

`extract(path)` reads the body XML directly (python-docx would hide tracked changes) and returns
an `Extracted`: the body's `Block`s in order — headings (by style name or outline level, led by
the number Word's automatic numbering shows; given the outline's headings, also a heading that
lost its style: `_Body.promoted`), notes in a not-printed style, the writer's text as Markdown (paragraphs, Word's and LibreOffice's
bullet and numbered lists, nested from whatever level they start at, tables) — with the tracked changes still pending and the comments
counted, what could not be carried named, and the custom properties baocao recorded. The
figures table under `GLOSSARY_HEADING` is kept only as its words. Its digests say what the
document says, not its bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from baocao.base.keys import match_key
from baocao.errors import BaocaoError
from baocao.report.narrative.list_numbers import ListCounter
from baocao.report.narrative.ooxml import (
    NS,
    RT_DOCUMENT,
    Numbering,
    Package,
    Styles,
    read_record,
    w_tag,
)
from baocao.report.narrative.runs import Para, RunReader, clean_chars, inline_markdown

GLOSSARY_HEADING = "Số liệu dùng được trong bài viết (không in vào báo cáo)"
GLOSSARY_KEY = match_key(GLOSSARY_HEADING)  # the figures table's heading, as matched
BODY_LEVEL = 9  # w:outlineLvl of body text
MAX_HEADING_CHARS = 400  # a paragraph longer than any outline heading is never one
LIST_BREAK = "\n<!-- -->\n"  # between two numbered lists in a row: pandoc ends the first
_SUBSECTION = re.compile(r"\d+(?:\.\d+)+\.?\s")  # "2.6. ", "3.4.1 ": a section's number
# Whether a text is one of the outline's headings (`loose`: whatever its number).
HeadingTest = Callable[[str, bool], bool]

# Revisions still pending in a document, by element: what Word lists in its Reviewing pane.
_REVISIONS = (
    "ins",
    "del",
    "moveFrom",
    "moveTo",
    "pPrChange",
    "rPrChange",
    "tblPrChange",
    "trPrChange",
    "tcPrChange",
    "sectPrChange",
    "numberingChange",
    "cellIns",
    "cellDel",
    "cellMerge",
)


# --- the extracted document ----------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One piece of the body in order: a heading (plain text), a note in a not-printed style
    (plain text), or the writer's text (Markdown; `plain` its words, for heading matching)."""

    kind: str  # "heading" | "note" | "text" | "table"
    text: str
    plain: str = ""
    level: int = 0  # a heading's level; 0 for a paragraph read as a heading by its words
    # a level-0 heading as the writer's text (Markdown), for when it is not one after all
    # (`narrative.assign.assign`: a bold line quoting a heading of another section)
    fallback: str = ""


@dataclass(frozen=True)
class Extracted:
    blocks: tuple[Block, ...]
    pending: int  # tracked changes not yet accepted or rejected
    dropped: tuple[str, ...]  # what could not be carried (images, footnotes...), in Vietnamese
    record: dict[str, str] | None  # the custom properties baocao wrote, None if none
    comments: int = 0  # Word comments (never printed)

    def body_digest(self) -> str:
        """What the body says (headings, notes, text, tables), whatever the file's bytes."""
        data = {"blocks": [[b.kind, b.text, b.level] for b in self.blocks]}
        data["dropped"] = list(self.dropped)
        return text_sha(json.dumps(data, ensure_ascii=False, sort_keys=True))

    def digest(self) -> str:
        """What the document says, not its bytes: equal for a re-save without a change."""
        return text_sha(self.body_digest() + json.dumps(self.record, sort_keys=True))

    def edited_since_written(self) -> bool:
        """Whether anyone changed the document since baocao wrote it (text, pending changes,
        comments): overwriting it would lose their work."""
        record = self.record or {}
        return (
            record.get("tailieu") != self.body_digest()[:16]
            or self.pending > 0
            or self.comments > 0
        )


def text_sha(text: str) -> str:
    """SHA-256 hex digest of `text` (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _cell_markdown(paragraphs: list[Para]) -> str:
    pieces = [inline_markdown(p.chars) for p in paragraphs]
    return " ".join(p.replace("\\\n", " ") for p in pieces if p).replace("|", "\\|")


class _Body:
    """The body's blocks in order, with list items grouped into lists.

    `headings(text, loose)`, when given, says whether a paragraph without a heading style or
    outline level is one of the outline's headings (`loose`: whatever its number); see
    `promoted`. Numbered paragraphs are counted as Word counts them, for the number it shows.
    """

    def __init__(self, reader: RunReader, headings: HeadingTest | None = None):
        self.reader = reader
        self.headings = headings
        self.blocks: list[Block] = []
        self.items: list[str] = []
        self.nesting: list[int] = []  # list levels of the open list items, outermost first
        self.counter = ListCounter(reader.numbering)
        self.last_top: int | None = None  # the number of the list's last top-level item

    def in_glossary(self) -> bool:
        headings = [b for b in self.blocks if b.kind == "heading"]
        return bool(headings) and match_key(headings[-1].plain) == GLOSSARY_KEY

    def flush(self) -> None:
        if self.items:
            self.blocks.append(Block("text", "\n".join(self.items), ""))
            self.items = []
        self.nesting = []
        self.last_top: int | None = None  # the number of the list's last top-level item

    def count(self, para: Para) -> tuple[str, int] | None:
        """Count a numbered paragraph as Word does (`list_numbers.ListCounter`): the number
        Word shows before it ("" for a bullet) and its count; None when it is not in a list."""
        counted = self.counter.count(para)
        return (counted.label, counted.count) if counted is not None else None

    def depth(self, level: int) -> int:
        """How deep a list item is nested: a list starts at the top whatever its Word level
        (a first item at level 2 is not a Markdown code block), and goes one deeper at most."""
        while self.nesting and self.nesting[-1] > level:
            self.nesting.pop()
        if not self.nesting or self.nesting[-1] < level:
            self.nesting.append(level)
        return len(self.nesting) - 1

    def promoted(
        self, chars, plain: str, label: str, listed: bool, titled: bool = False
    ) -> str | None:
        """The heading a paragraph without a heading style or outline level is, if any (with
        the number Word shows): a bold one (every letter and digit) or one in Word's Title or
        Subtitle style (`titled`) that is an outline heading with or without its number, or
        typed with a section's number ("2.6. …"; a heading the outline lacks) when it is no
        list item; any other paragraph only when its number and words are exactly an outline
        heading's. A bold first sentence never makes one."""
        if self.headings is None or not plain or len(plain) > MAX_HEADING_CHARS:
            return None
        if any(c == "\n" for c, _ in chars):
            return None
        shown = f"{label} {plain}" if label else plain
        # Bold as a heading is: every letter and digit (a colon left plain does not matter).
        bold = all("b" in fmt for c, fmt in chars if c.isalnum())
        if bold or titled:
            found = next((t for t in dict.fromkeys((shown, plain)) if self.headings(t, True)), None)
            # "2.6. …" typed in bold (not a list item) is a heading even the outline lacks: said,
            # never printed as text
            return found or (plain if not listed and _SUBSECTION.match(plain) else None)
        return shown if label and self.headings(shown, False) else None

    def add_paragraph(self, para: Para) -> None:
        reader = self.reader
        styles = reader.styles
        names = [s.name for s in styles.chain(para.style)]
        chars = clean_chars(para.chars)
        plain = " ".join("".join(c for c, _ in chars).split())
        if any(match_key(n).endswith("khong in") for n in names[:1]):
            self.flush()
            if plain:
                self.blocks.append(Block("note", plain, plain))
            return
        counted = self.count(para)
        label = counted[0] if counted else ""
        level = heading_level(styles, para)
        heading = (f"{label} {plain}" if label else plain) if level is not None else None
        if heading is None:
            # Word's Title and Subtitle styles set a line apart as a heading does
            titled = bool(names) and match_key(names[0]) in ("title", "subtitle")
            heading = self.promoted(chars, plain, label, counted is not None, titled)
            level = 0
        markdown = inline_markdown(para.chars)
        marker = ""
        if counted is not None and markdown:
            fmt = reader.numbering.level(*para.numbering)[0]
            marker = ("-" if fmt in ("bullet", "none") else f"{counted[1]}.") + " "
        if heading is not None:
            self.flush()
            if plain:
                fallback = marker + markdown if not level else ""
                self.blocks.append(Block("heading", heading, plain, level, fallback))
            return
        if marker:
            # Word's "List Bullet 2", "List Number 3"… are single-level lists nested by
            # their indentation: the style's number says how deep.
            found = re.search(r"^list\b.*?(\d)$", names[0].strip().lower()) if names else None
            nested = para.numbering[1] + (int(found.group(1)) - 1 if found else 0)
            depth = self.depth(nested)
            if depth == 0 and marker[0] != "-":
                if self.last_top is not None and counted[1] != self.last_top + 1:
                    # Word restarted the numbering (a new list right after one): pandoc would
                    # carry on the count, an HTML comment ends the list (not printed).
                    self.items.append(LIST_BREAK)
                self.last_top = counted[1]
            self.items.append("    " * depth + marker + markdown)
            return
        self.flush()
        if markdown:
            self.blocks.append(Block("text", markdown, plain))

    def add_table(self, tbl) -> None:
        self.flush()
        rows: list[list[str]] = []
        for tr in tbl.findall("w:tr", NS):
            trpr = tr.find("w:trPr", NS)
            if trpr is not None and trpr.find("w:del", NS) is not None:
                continue  # a row whose deletion is pending: accepted, it is gone
            row: list[str] = []
            for tc in _cells(tr):
                tcpr = tc.find("w:tcPr", NS)
                span = 1
                merged = False
                if tcpr is not None:
                    grid = tcpr.find("w:gridSpan", NS)
                    span = int(grid.get(w_tag("val"), "1")) if grid is not None else 1
                    vmerge = tcpr.find("w:vMerge", NS)
                    merged = vmerge is not None and vmerge.get(w_tag("val")) != "restart"
                paragraphs = []
                for p in tc.iter(w_tag("p")):
                    if p.getparent() is not None and etree.QName(p.getparent()).localname == "tc":
                        paragraphs.append(self.reader.paragraph(p))
                text = "" if merged else _cell_markdown(_merged(paragraphs))
                row.extend([text] * span)
            if any(cell for cell in row):
                rows.append(row)
        if not rows:
            return
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        plain = " ".join(" ".join(r) for r in rows)
        self.blocks.append(Block("table", "\n".join(lines), plain))


def _cells(tr) -> list:
    cells = []
    for child in tr:
        tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if tag == "tc":
            cells.append(child)
        elif tag in ("sdt", "customXml"):
            content = child.find("w:sdtContent", NS) if tag == "sdt" else child
            if content is not None:
                cells.extend(_cells(content))
    return cells


def _merged(paragraphs: list[Para]) -> list[Para]:
    """Paragraphs whose mark is a pending deletion joined to the next one (as Word accepts)."""
    out: list[Para] = []
    carry: list[tuple[str, frozenset]] = []
    for para in paragraphs:
        if para.merge_next:
            carry += para.chars
            continue
        if carry:
            para = Para(carry + para.chars, para.style, para.numbering, False)
            carry = []
        out.append(para)
    if carry:
        out.append(Para(carry))
    return out


def heading_level(styles: Styles, para: Para) -> int | None:
    """A paragraph's heading level (1 = top): its own outline level (Word's Paragraph >
    Outline level), else its style's: "Heading N", or the outline level of the nearest style
    in its based-on chain that sets one (a style based on Heading 2 set to "Body Text" is
    body text); None for body text."""
    if para.outline is not None and para.outline < BODY_LEVEL:
        return para.outline + 1
    for style in styles.chain(para.style):
        found = re.fullmatch(r"heading\s*(\d)", style.name.strip(), re.IGNORECASE)
        if found:
            return int(found.group(1))
        outline = style.ppr.find("w:outlineLvl", NS) if style.ppr is not None else None
        if outline is not None:
            value = outline.get(w_tag("val"), "")
            level = int(value) if value.isdigit() else BODY_LEVEL
            return level + 1 if level < BODY_LEVEL else None
    return None


def body_elements(parent) -> Iterable:
    """The body's paragraphs and tables in order, also inside content controls, custom XML
    and tracked insertions (`w:sdt`, `w:customXml`, `w:ins`, `w:moveTo`)."""
    for child in parent:
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child).localname
        if tag in ("p", "tbl"):
            yield child
        elif tag == "sdt":
            content = child.find("w:sdtContent", NS)
            if content is not None:
                yield from body_elements(content)
        elif tag in ("customXml", "ins", "moveTo"):
            yield from body_elements(child)


def pending_revisions(body: etree._Element) -> int:
    """How many tracked changes a document's body still has pending (`_REVISIONS`)."""
    return sum(len(body.findall(f".//w:{tag}", NS)) for tag in _REVISIONS)


def open_body(
    path: Path, shown: str | None = None
) -> tuple[Package, str, etree._Element, RunReader]:
    """A Word document's package, its main part's name, its `w:body` and the reader of its
    runs (its styles and numbering); `BaocaoError` naming the file (`shown`, default its
    name) when it has no body."""
    shown = shown or Path(path).name
    package = Package(Path(path), shown)
    main = package.related("", RT_DOCUMENT) or "word/document.xml"
    document = package.xml(main)
    body = document.find("w:body", NS) if document is not None else None
    if body is None:
        raise BaocaoError(f"Tài liệu Word {shown} không có nội dung (word/document.xml).")
    reader = RunReader(
        Styles(package.xml(package.related(main, "/styles"))),
        Numbering(package.xml(package.related(main, "/numbering"))),
    )
    return package, main, body, reader


def extract(path: Path, shown: str | None = None, headings: HeadingTest | None = None) -> Extracted:
    """Read a narrative DOCX: its blocks as if every tracked change were accepted.

    A heading is a paragraph with a heading style or an outline level (its text led by the
    number Word shows, if any); with `headings` (the outline's, `narrative.assign`), also a
    paragraph that lost its style but is an outline heading (`_Body.promoted`). Without it,
    the blocks are the document's own (what the digests are of)."""
    package, main, body, reader = open_body(path, shown)
    builder = _Body(reader, headings)
    pending = pending_revisions(body)
    carry: Para | None = None
    for element in body_elements(body):
        if etree.QName(element).localname == "tbl":
            if carry is not None:
                builder.add_paragraph(carry)
                carry = None
            if builder.in_glossary():
                # The figures table: never printed, only its words count (cheaply).
                words = " ".join("".join(element.itertext()).split())
                builder.blocks.append(Block("table", words, ""))
            else:
                builder.add_table(element)
            continue
        para = reader.paragraph(element)
        if carry is not None:
            para = replace(para, chars=carry.chars + para.chars)
            carry = None
        if para.merge_next:
            carry = para
            continue
        builder.add_paragraph(para)
    if carry is not None:
        builder.add_paragraph(carry)
    builder.flush()
    dropped = tuple(f"{count} {what}" for what, count in sorted(reader.dropped.items()))
    comments = package.xml(package.related(main, "/comments"))
    return Extracted(
        tuple(builder.blocks),
        pending,
        dropped,
        read_record(package),
        len(comments.findall("w:comment", NS)) if comments is not None else 0,
    )
