"""Any Word document's body as paragraphs and tables, for reading its structure (a đề cương).

In: a DOCX path. Out: its paragraphs (`config.outline_import.document.WordParagraph`: the
words, the number Word's automatic numbering shows, whether Word made it a bullet, its heading
level from a Heading style or an outline level, whether it is all bold) and its tables
(`WordTable`), in order. Read as `narrative.read` reads a narrative document: every tracked
change accepted (insertions kept, deletions dropped, a deleted paragraph mark joining two
paragraphs), comments left out, TCVN3 and VNI fonts converted, NFC; the package's problems
(protected, .doc, damaged) as a Vietnamese `BaocaoError`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from lxml import etree

from baocao.config.outline_import.document import WordParagraph, WordTable
from baocao.report.narrative.list_numbers import ListCounter
from baocao.report.narrative.ooxml import NS, w_tag
from baocao.report.narrative.read import (
    body_elements,
    heading_level,
    open_body,
    pending_revisions,
)
from baocao.report.narrative.runs import Para, RunReader, clean_chars


def _words(chars) -> str:
    return " ".join("".join(c for c, _ in clean_chars(chars)).split())


def _paragraph(reader: RunReader, counter: ListCounter, para: Para) -> WordParagraph:
    chars = clean_chars(para.chars)
    counted = counter.count(para)
    letters = [fmt for c, fmt in chars if c.isalnum()]
    return WordParagraph(
        text=_words(chars),
        number=counted.label if counted is not None and not counted.bullet else "",
        bullet=counted is not None and counted.bullet,
        heading_level=heading_level(reader.styles, para),
        bold=bool(letters) and all("b" in fmt for fmt in letters),
    )


def _table(reader: RunReader, tbl) -> WordTable:
    rows = []
    for tr in tbl.findall("w:tr", NS):
        trpr = tr.find("w:trPr", NS)
        if trpr is not None and trpr.find("w:del", NS) is not None:
            continue  # a row whose deletion is pending: accepted, it is gone
        cells = []
        for tc in tr.iter(w_tag("tc")):
            words = [
                _words(reader.paragraph(p).chars)
                for p in tc.iter(w_tag("p"))
                if etree.QName(p.getparent()).localname == "tc"
            ]
            cells.append(" ".join(w for w in words if w))
        if any(cells):
            rows.append(tuple(cells))
    return WordTable(tuple(rows))


def pending_in(path: Path, shown: str | None = None) -> int:
    """How many tracked changes the Word document at `path` still has pending (its items are
    read as if all were accepted)."""
    _, _, body, _ = open_body(path, shown)
    return pending_revisions(body)


def word_items(path: Path, shown: str | None = None) -> list[WordParagraph | WordTable]:
    """The document's paragraphs and tables in order, every tracked change accepted."""
    _, _, body, reader = open_body(path, shown)
    counter = ListCounter(reader.numbering)
    items: list[WordParagraph | WordTable] = []
    carry: Para | None = None
    for element in body_elements(body):
        if etree.QName(element).localname == "tbl":
            items.append(_table(reader, element))
            continue
        para = reader.paragraph(element)
        if carry is not None:  # the paragraph mark before was deleted: one paragraph
            para = replace(para, chars=carry.chars + para.chars)
            carry = None
        if para.merge_next:
            carry = para
            continue
        items.append(_paragraph(reader, counter, para))
    if carry is not None:
        items.append(_paragraph(reader, counter, carry))
    return items
