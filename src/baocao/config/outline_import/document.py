"""A đề cương's Word document read as its structure: parts, numbered sections, guidance, tables.

In: the document's paragraphs and tables in order (`WordParagraph`, `WordTable`; read from the
DOCX by `report.narrative.paragraphs`, tracked changes accepted, comments left out). Out: a
`DocOutline`: the title lines, the parts ("Phần thứ nhất", "Phụ lục") with their titles, and
in each its sections with their number, level (1 = the part's top level) and heading as
written, and each section's guidance (its bullet points, its paragraphs, the notes in
parentheses of its heading). A heading is numbered by Word (its number computed from
numbering.xml) or typed ("1.", "1.1.", "a)", "II."), with or without a Heading style, or a
paragraph in bold; a bullet is Word's or typed ("-", "+", "•"). Pure: no file is read here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from baocao.base.keys import match_key


@dataclass(frozen=True)
class WordParagraph:
    """One paragraph of the document as Word shows it."""

    text: str  # the words, tracked changes accepted, spaces normalised (no automatic number)
    number: str = ""  # the number Word's automatic numbering shows ("1.1.", "a)"); "" if none
    bullet: bool = False  # a bullet made by Word (a typed "-" stays in `text`)
    heading_level: int | None = None  # from a Heading style or an outline level (1 = top)
    bold: bool = False  # every letter and digit in bold


@dataclass(frozen=True)
class WordTable:
    rows: tuple[tuple[str, ...], ...]  # each cell's words


@dataclass
class DocSection:
    number: str  # "1.1", "a", "II"; "" for a heading without a number
    heading: str  # as written, with its number ("1.1. Công tác tuyên truyền…")
    level: int  # 1 = the part's top level
    guidance: list[str] = field(default_factory=list)


@dataclass
class DocPart:
    heading: str  # "Phần thứ nhất", "Phụ lục I"
    title: str = ""  # the line under it ("KẾT QUẢ CÔNG TÁC MẶT TRẬN …")
    sections: list[DocSection] = field(default_factory=list)
    tables: list[WordTable] = field(default_factory=list)
    # what comes before its first heading: (words, whether a bullet point)
    lead: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class DocOutline:
    title: list[str] = field(default_factory=list)
    parts: list[DocPart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # "Lưu ý: …" lines of the whole document


_PART = re.compile(
    r"^(?P<head>(?:phần|phan)\s+(?:thứ|thu)\s+\w+|(?:phần|phan)\s+[ivx\d]+\b|"
    r"(?:phụ|phu)\s+(?:lục|luc|biểu|bieu)(?:\s+(?:số\s+)?[ivx\d]+\b)?)"
    r"\s*[:.\-–]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
_TYPED_NUMBER = re.compile(
    r"^(?P<number>\d+(?:\.\d+)+\.?|\d+[.)]|[IVXLC]+[.)]|[a-zđ][).])\s+(?P<rest>\S.*)$"
)
_BULLET = re.compile(r"^[-+•–—*o·▪►✓➢]\s+|^[-+•–—*·▪]\s*(?=\S)")
_NOTE_WORDS = ("luu y", "ghi chu")
_END_WORDS = ("noi nhan",)
MAX_HEADING_CHARS = 400  # no unnumbered heading is longer (the client's longest is ~260)
MAX_BOLD_HEADING_CHARS = 150  # a bold line longer than this is emphasis, not a heading


def nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def number_rank(number: str) -> int:
    """How deep a number sits: "II" 0, "1" 1, "1.1" 2, "1.1.1" 3; a letter is set later."""
    if re.fullmatch(r"[IVXLC]+", number):
        return 0
    if re.fullmatch(r"\d+(?:\.\d+)*", number):
        return number.count(".") + 1
    return -1  # a letter: one below the heading it follows


def split_number(paragraph: WordParagraph) -> tuple[str, str, str]:
    """(number without its final sign, number as shown, the words) of a paragraph."""
    if paragraph.number:
        shown = paragraph.number
        return shown.rstrip(".):"), shown, paragraph.text
    typed = _TYPED_NUMBER.match(paragraph.text)
    if typed:
        shown = typed["number"]
        return shown.rstrip(".):"), shown, typed["rest"]
    return "", "", paragraph.text


def split_heading(words: str) -> tuple[str, list[str]]:
    """A heading's own words and the notes it carries: what follows its first note in
    parentheses at the top level ("3.3. Về công tác phản biện xã hội (nêu nội dung …). Kết quả
    …"). A short parenthesis (an abbreviation, "(HĐND)", "(nếu có)") stays in the heading."""
    depth, opened = 0, 0
    for index, char in enumerate(words):
        if char == "(":
            if depth == 0:
                opened = index
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0 and opened > 0 and len(words[opened + 1 : index].split()) > 2:
                break
    else:
        if depth == 0 or opened == 0:
            return clean_heading(words), []
    head, rest = words[:opened].strip(), words[opened:].strip()
    return clean_heading(head), [rest] if rest else []


def clean_heading(text: str) -> str:
    """A heading without the colon, full stop or semicolon it ends with (an ellipsis stays)."""
    text = text.strip()
    while text and text[-1] in ".:;," and not text.endswith("..."):
        text = text[:-1].rstrip()
    return text


def bullet_text(paragraph: WordParagraph) -> tuple[bool, str]:
    """(whether it is a bullet point, its words without the typed sign)."""
    if paragraph.bullet:
        return True, paragraph.text
    typed = _BULLET.match(paragraph.text)
    if typed:
        return True, paragraph.text[typed.end() :].strip()
    return False, paragraph.text


def part_heading(text: str) -> tuple[str, str] | None:
    """("Phần thứ nhất", title on the same line) when a paragraph opens a part."""
    found = _PART.match(text)
    if found is None or len(text) > MAX_HEADING_CHARS:
        return None
    head = found["head"].strip()
    return head[0].upper() + head[1:], clean_heading(found["title"] or "")


def _starts_with(text: str, words: tuple[str, ...]) -> bool:
    key = match_key(text)
    return any(key.startswith(w) for w in words)


class _Builder:
    """Walks the paragraphs in order, keeping the part and section they belong to."""

    def __init__(self):
        self.doc = DocOutline()
        self.part: DocPart | None = None
        self.section: DocSection | None = None
        self.expect_title = False
        self.letter_base = 1  # the rank a lettered heading takes ("a)" under "1.1.": 3)
        self.last_rank = 0
        self.last_bold = False  # the last heading was a bold line (no number, no style)
        self.styled: dict[int, int] = {}  # Heading level → rank, learnt from numbered ones

    def open_part(self, head: str, title: str) -> None:
        self.part = DocPart(heading=head, title=title)
        self.doc.parts.append(self.part)
        self.section = None
        self.expect_title = not title

    def ensure_part(self) -> DocPart:
        if self.part is None:  # sections before any "Phần": one part without a heading
            self.open_part("", "")
            self.expect_title = False
        return self.part

    def add_section(self, number: str, shown: str, words: str, rank: int) -> None:
        part = self.ensure_part()
        heading, notes = split_heading(words)
        written = f"{shown} {heading}".strip() if shown else heading
        self.section = DocSection(number=number, heading=written, level=rank)
        self.section.guidance.extend(notes)
        part.sections.append(self.section)
        self.expect_title = False

    def add_guidance(self, text: str, bullet: bool = False) -> None:
        if self.section is not None:
            self.section.guidance.append(text)
        elif self.part is not None:
            self.part.lead.append((text, bullet))
        else:
            self.doc.title.append(text)


def heading_rank(paragraph: WordParagraph, number: str, builder: _Builder) -> int | None:
    """The rank of a heading paragraph (smaller is higher), None for a paragraph that is not
    one: numbered (Word or typed) and not a bullet, Heading-styled, or bold and short."""
    if number:
        rank = number_rank(number)
        if rank < 0:
            rank = builder.letter_base
        if paragraph.heading_level is not None:
            builder.styled.setdefault(paragraph.heading_level, rank)
        return rank
    if len(paragraph.text) > MAX_HEADING_CHARS:
        return None
    if paragraph.heading_level is not None:
        return builder.styled.get(paragraph.heading_level, paragraph.heading_level)
    if paragraph.bold and len(paragraph.text) <= MAX_BOLD_HEADING_CHARS:
        if builder.section is None:
            return 1
        return builder.last_rank + (0 if builder.last_bold else 1)
    return None


def structure(items: list[WordParagraph | WordTable]) -> DocOutline:
    """The document's parts, sections and guidance, in order (see the module's docstring);
    levels are each part's own, from 1. Stops at "Nơi nhận" (the signature block)."""
    builder = _Builder()
    roman_parts = not any(
        isinstance(i, WordParagraph) and not i.number and part_heading(nfc(i.text)) for i in items
    )
    for item in items:
        if isinstance(item, WordTable):
            if builder.part is not None:
                builder.part.tables.append(item)
            continue
        text = nfc(item.text)
        if not text:
            continue
        paragraph = WordParagraph(text, item.number, item.bullet, item.heading_level, item.bold)
        if _starts_with(text.lstrip("*•- "), _END_WORDS):
            break
        if _starts_with(text, _NOTE_WORDS):
            builder.doc.notes.append(text)
            continue
        # "Phần thứ nhất" typed, or "PHẦN I" numbered by Word ("PHẦN %1" in numbering.xml)
        found = None if paragraph.bullet else part_heading(f"{paragraph.number} {text}".strip())
        if found is not None:
            builder.open_part(*found)
            continue
        if builder.expect_title and not paragraph.number and not bullet_text(paragraph)[0]:
            builder.part.title = clean_heading(text)
            builder.expect_title = False
            continue
        builder.expect_title = False
        is_bullet, words = bullet_text(paragraph)
        number, shown, rest = split_number(paragraph) if not is_bullet else ("", "", words)
        rank = heading_rank(paragraph, number, builder) if not is_bullet else None
        if rank is None or (builder.part is None and not number and not builder.doc.parts):
            builder.add_guidance(words, is_bullet)
            continue
        if roman_parts and rank == 0 and number:  # "I. KẾT QUẢ …": a part, no "Phần" in it
            builder.open_part(shown, clean_heading(rest))
            continue
        if number and number_rank(number) >= 1:
            builder.letter_base = number_rank(number) + 1
        builder.last_rank = rank
        builder.last_bold = not number and paragraph.heading_level is None
        builder.add_section(number, shown, rest, rank)
    for part in builder.doc.parts:
        _lead_sections(part)
        _relative_levels(part)
    return builder.doc


def _lead_sections(part: DocPart) -> None:
    """Bullet points before a part's first heading ("- Khái quát bối cảnh của địa phương",
    "- Về các nhiệm vụ trọng tâm:") are its first sections, without a number, each its own
    guidance; the headings after one ending in a colon go under it. A paragraph there that is
    no bullet point is guidance of the section before it (the first section if none)."""
    if not part.lead or not part.sections:
        return
    lead: list[DocSection] = []
    loose: list[str] = []
    for text, bullet in part.lead:
        if bullet:
            lead.append(
                DocSection(number="", heading=clean_heading(text), level=1, guidance=[text])
            )
        else:
            (lead[-1].guidance if lead else loose).append(text)
    part.sections[0].guidance[:0] = loose
    if lead and part.lead[-1][1] and part.lead[-1][0].rstrip().endswith(":"):
        for section in part.sections:
            section.level += 1
        lead[-1].guidance = [clean_heading(part.lead[-1][0]) + "."]
    part.sections[:0] = lead
    part.lead = []


def _relative_levels(part: DocPart) -> None:
    """Levels from 1 at the part's highest heading, one per kind of heading the part uses
    ("I." 1, "1.1." 2 when it has no "1."), never deeper than one below the heading before."""
    ranks = sorted({s.level for s in part.sections})
    previous = 0
    for section in part.sections:
        level = ranks.index(section.level) + 1
        section.level = min(level, previous + 1)
        previous = section.level
