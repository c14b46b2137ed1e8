"""The analysts' narrative as one Word document per period: written for them, read back.

`write_narrative_docx` builds `narrative/<period>/noi-dung-viet-<period>.docx`: the outline's
headings in order, each section's current text (from its Markdown file), the outline's guidance
as notes in a paragraph style that is never printed ("Hướng dẫn (không in)"), and at the end a
table of the figure names the text may quote with their meaning and value. What it wrote is
recorded in the document's custom properties (one digest per section for the Word text and for
the Markdown file), so a later run can tell which side was edited.

`read_docx` reads the body XML directly (python-docx would hide tracked changes): insertions and
moves-to are kept and deletions and moves-from dropped, i.e. the text as if every change were
accepted, and the changes still pending are counted; comments, bookmarks, proofing marks and
field instructions are skipped (a field's shown result is kept); smart quotes stay, non-breaking
and zero-width spaces become ordinary spaces or nothing, NFD becomes NFC, runs in TCVN3 (.VnTime)
or VNI fonts are converted to Unicode. Bold, italic, superscript, subscript, bullet and numbered
lists (Word's and LibreOffice's numbering) and tables become Markdown that pandoc renders into
the report's DOCX and HTML. `assign` then matches the headings to the outline by their text.

`load_narratives` is what the report and the runner call: the DOCX when it exists (the Markdown
files when only they were edited since the DOCX was written), refusing when both were edited.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from baocao.config.names import match_key
from baocao.config.outline import Outline, fill_period
from baocao.config.periods import Period
from baocao.errors import BaocaoError
from baocao.intake.legacy_text import to_unicode
from baocao.report import narrative as nv

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
_W = "{" + W + "}"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
RT_DOCUMENT = "/officeDocument"
RT_CUSTOM = "/custom-properties"
PROPERTY_PREFIX = "baocao."
NOTE_STYLE = "Hướng dẫn (không in)"
TITLE_STYLE = "Tiêu đề tài liệu (không in)"
HEADER = ("Tên số liệu", "Nội dung", "Giá trị kỳ này")
GLOSSARY_HEADING = "Số liệu dùng được trong bài viết (không in vào báo cáo)"
_GLOSSARY_KEY = match_key(GLOSSARY_HEADING)
MAX_PART_BYTES = 50 * 1024 * 1024  # a narrative document is tens of kilobytes
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

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
_SPACES = {"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\t": " "}
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
_ALWAYS_ESCAPED = set("\\`*_[]<>#|~^$@&")
_BRACES = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
_NUMBERING = re.compile(
    r"^\s*(?:(?:phần\s+thứ\s+\S+|\d+(?:\.\d+)+[.):]?|\(?(?:\d+|[ivxlcdm]+|[a-zđ])[.):])\s*)+",
    re.IGNORECASE,
)
_MARKERS = (("b", "**"), ("i", "*"), ("sup", "^"), ("sub", "~"))


def file_name(period: str) -> str:
    """`noi-dung-viet-2021-H1.docx`: the one narrative document of a period."""
    return nv.word_file_name(period)


def _w(tag: str) -> str:
    return _W + tag


def _on(element) -> bool:
    """A toggle property (`<w:b/>`, `<w:b w:val="0"/>`) as a boolean."""
    return element.get(_w("val"), "true").lower() not in ("0", "false", "off", "none")


# --- the extracted document ----------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One piece of the body in order: a heading (plain text), a note in a not-printed style
    (plain text), or the writer's text (Markdown; `plain` its words, for heading matching)."""

    kind: str  # "heading" | "note" | "text" | "table"
    text: str
    plain: str = ""
    level: int = 0


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
        return _sha(json.dumps(data, ensure_ascii=False, sort_keys=True))

    def digest(self) -> str:
        """What the document says, not its bytes: equal for a re-save without a change."""
        return _sha(self.body_digest() + json.dumps(self.record, sort_keys=True))

    def edited_since_written(self) -> bool:
        """Whether anyone changed the document since baocao wrote it (text, pending changes,
        comments): overwriting it would lose their work."""
        record = self.record or {}
        return (
            record.get("tailieu") != self.body_digest()[:16]
            or self.pending > 0
            or self.comments > 0
        )


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def section_digest(text: str | None) -> str:
    """A short digest of a section's text (empty text and no text are the same)."""
    text = unicodedata.normalize("NFC", text or "").strip()
    return _sha(text)[:16] if text else "-"


# --- styles and numbering ------------------------------------------------------------------


@dataclass
class _Style:
    name: str
    based_on: str | None
    rpr: object | None
    ppr: object | None


class _Styles:
    def __init__(self, root):
        self.by_id: dict[str, _Style] = {}
        self.default_rpr = None
        self.default_paragraph: str | None = None
        if root is None:
            return
        defaults = root.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
        self.default_rpr = defaults
        for style in root.findall("w:style", NS):
            sid = style.get(_w("styleId"))
            name = style.find("w:name", NS)
            based = style.find("w:basedOn", NS)
            self.by_id[sid] = _Style(
                name=name.get(_w("val")) if name is not None else sid,
                based_on=based.get(_w("val")) if based is not None else None,
                rpr=style.find("w:rPr", NS),
                ppr=style.find("w:pPr", NS),
            )
            if style.get(_w("type")) == "paragraph" and style.get(_w("default")) in ("1", "true"):
                self.default_paragraph = sid

    def chain(self, sid: str | None) -> list[_Style]:
        """The style and the ones it is based on, nearest first."""
        out, seen = [], set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            out.append(self.by_id[sid])
            sid = self.by_id[sid].based_on
        return out

    def name(self, sid: str | None) -> str:
        return self.by_id[sid].name if sid in self.by_id else (sid or "")


class _Numbering:
    """numId → (abstract levels, overrides): whether a list level is a bullet, and its start."""

    def __init__(self, root):
        self.abstract: dict[str, dict[int, tuple[str, int, str | None]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        if root is None:
            return
        for abstract in root.findall("w:abstractNum", NS):
            levels = {}
            for lvl in abstract.findall("w:lvl", NS):
                fmt = lvl.find("w:numFmt", NS)
                start = lvl.find("w:start", NS)
                pstyle = lvl.find("w:pStyle", NS)
                levels[int(lvl.get(_w("ilvl"), "0"))] = (
                    fmt.get(_w("val")) if fmt is not None else "decimal",
                    int(start.get(_w("val"), "1")) if start is not None else 1,
                    pstyle.get(_w("val")) if pstyle is not None else None,
                )
            self.abstract[abstract.get(_w("abstractNumId"))] = levels
        for num in root.findall("w:num", NS):
            ref = num.find("w:abstractNumId", NS)
            starts = {}
            for override in num.findall("w:lvlOverride", NS):
                start = override.find("w:startOverride", NS)
                if start is not None:
                    starts[int(override.get(_w("ilvl"), "0"))] = int(start.get(_w("val"), "1"))
            if ref is not None:
                self.nums[num.get(_w("numId"))] = (ref.get(_w("val")), starts)

    def level(self, num_id: str, ilvl: int) -> tuple[str, int] | None:
        """(numFmt, start) of a list level; None for numId 0 ("no numbering") or unknown."""
        if num_id in (None, "0") or num_id not in self.nums:
            return None
        abstract, starts = self.nums[num_id]
        fmt, start, _ = self.abstract.get(abstract, {}).get(ilvl, ("decimal", 1, None))
        return fmt, starts.get(ilvl, start)

    def level_of_style(self, num_id: str, style_id: str | None) -> int | None:
        if num_id not in self.nums:
            return None
        for ilvl, (_, _, pstyle) in self.abstract.get(self.nums[num_id][0], {}).items():
            if pstyle and pstyle == style_id:
                return ilvl
        return None


# --- the package ---------------------------------------------------------------------------


class _Package:
    """The parts of a DOCX found through its relationships, each parsed without entities."""

    def __init__(self, path: Path, shown: str):
        self.shown = shown
        try:
            with open(path, "rb") as handle:
                ole = handle.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        except OSError:
            ole = False
        if ole:
            raise BaocaoError(
                f"Tài liệu Word {shown} được đặt mật khẩu hoặc là tệp .doc đời cũ. Hãy mở bằng "
                "Word, bỏ mật khẩu (File > Info > Protect Document) và lưu lại dưới dạng “Word "
                "Document (*.docx)”."
            )
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            raise BaocaoError(
                f"Tài liệu Word {shown} bị hỏng hoặc không phải tệp .docx. Hãy mở bằng Word và "
                "lưu lại dưới dạng “Word Document (*.docx)”."
            ) from None

    def read(self, name: str) -> bytes | None:
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            return None
        if info.file_size > MAX_PART_BYTES:
            raise BaocaoError(f"Tài liệu Word {self.shown}: phần {name} quá lớn.")
        return self.zip.read(name)

    def xml(self, name: str | None):
        data = self.read(name) if name else None
        if data is None:
            return None
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise BaocaoError(f"Tài liệu Word {self.shown}: phần {name} chứa khai báo DOCTYPE.")
        try:
            return etree.fromstring(data, _XML)
        except etree.XMLSyntaxError:
            raise BaocaoError(
                f"Tài liệu Word {self.shown} bị hỏng (phần {name}). Hãy mở bằng Word và lưu lại."
            ) from None

    def related(self, source: str, kind: str) -> str | None:
        """The part a relationship of type `…/kind` points to, from part `source` ("" = package)."""
        folder, base = posixpath.split(source)
        rels = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        if rels is None:
            return None
        for rel in rels.findall(f"{{{REL_NS}}}Relationship"):
            if rel.get("Type", "").endswith(kind) and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                if target.startswith("/"):
                    return target.lstrip("/")
                return posixpath.normpath(posixpath.join(folder, target))
        return None


def read_record(package: _Package) -> dict[str, str] | None:
    """The custom properties named `baocao.*` (what `write_narrative_docx` recorded)."""
    root = package.xml(package.related("", RT_CUSTOM))
    if root is None:
        return None
    record = {}
    for prop in root.findall(f"{{{CUSTOM_NS}}}property"):
        name = prop.get("name", "")
        if name.startswith(PROPERTY_PREFIX):
            value = "".join(prop.itertext())
            record[name[len(PROPERTY_PREFIX) :]] = value
    return record or None


# --- reading the body ----------------------------------------------------------------------


@dataclass
class _Para:
    chars: list[tuple[str, frozenset]] = field(default_factory=list)
    style: str | None = None
    numbering: tuple[str, int] | None = None  # (numId, ilvl)
    merge_next: bool = False  # its paragraph mark is a pending deletion

    def plain(self) -> str:
        return "".join(c for c, _ in self.chars)


class _Reader:
    def __init__(self, styles: _Styles, numbering: _Numbering):
        self.styles = styles
        self.numbering = numbering
        self.dropped: dict[str, int] = {}
        self._style_cache: dict[tuple, tuple[dict, str]] = {}

    # formatting

    @staticmethod
    def _overlay(fmt: dict[str, bool], font: str, rpr) -> str:
        """Apply one rPr's bold, italic, vertical alignment and font over `fmt`; the font."""
        if rpr is None:
            return font
        for child in rpr:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag in ("b", "i"):
                fmt[tag] = _on(child)
            elif tag == "vertAlign":
                value = child.get(_w("val"))
                fmt["sup"] = value == "superscript"
                fmt["sub"] = value == "subscript"
            elif tag == "rFonts":
                font = child.get(_w("hAnsi")) or child.get(_w("ascii")) or font
        return font

    def _styled(self, para_style: str | None, run_style: str | None) -> tuple[dict, str]:
        """Formatting from the defaults, the paragraph style and the run style (cached)."""
        key = (para_style, run_style)
        if key not in self._style_cache:
            fmt: dict[str, bool] = {}
            font = self._overlay(fmt, "", self.styles.default_rpr)
            for style in reversed(self.styles.chain(para_style)):
                font = self._overlay(fmt, font, style.rpr)
            for style in reversed(self.styles.chain(run_style)):
                font = self._overlay(fmt, font, style.rpr)
            self._style_cache[key] = (fmt, font)
        return self._style_cache[key]

    def _run_props(self, para: _Para, rpr) -> tuple[frozenset, str]:
        rstyle = rpr.find("w:rStyle", NS) if rpr is not None else None
        styled, font = self._styled(
            para.style, rstyle.get(_w("val")) if rstyle is not None else None
        )
        fmt = dict(styled)
        font = self._overlay(fmt, font, rpr)
        return frozenset(k for k, v in fmt.items() if v), font

    def _drop(self, what: str) -> None:
        self.dropped[what] = self.dropped.get(what, 0) + 1

    # paragraphs

    def paragraph(self, p) -> _Para:
        para = _Para()
        ppr = p.find("w:pPr", NS)
        if ppr is not None:
            style = ppr.find("w:pStyle", NS)
            para.style = style.get(_w("val")) if style is not None else None
            if (
                ppr.find("w:rPr/w:del", NS) is not None
                or ppr.find("w:rPr/w:moveFrom", NS) is not None
            ):
                para.merge_next = True
            num = ppr.find("w:numPr", NS)
            if num is not None and num.find("w:numId", NS) is not None:
                ilvl = num.find("w:ilvl", NS)
                para.numbering = (
                    num.find("w:numId", NS).get(_w("val")),
                    int(ilvl.get(_w("val"), "0")) if ilvl is not None else 0,
                )
        if para.style is None:
            para.style = self.styles.default_paragraph
        if para.numbering is None:
            for style in self.styles.chain(para.style):
                num = style.ppr.find("w:numPr", NS) if style.ppr is not None else None
                if num is not None and num.find("w:numId", NS) is not None:
                    num_id = num.find("w:numId", NS).get(_w("val"))
                    ilvl = num.find("w:ilvl", NS)
                    level = (
                        int(ilvl.get(_w("val"), "0"))
                        if ilvl is not None
                        else self.numbering.level_of_style(num_id, para.style) or 0
                    )
                    para.numbering = (num_id, level)
                    break
        self._walk(p, para, [])
        return para

    def _walk(self, parent, para: _Para, fields: list[str]) -> None:
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            namespace = etree.QName(child).namespace
            if namespace != W:
                if tag == "oMath" or tag == "oMathPara":
                    self._drop("công thức toán")
                elif tag == "AlternateContent":
                    self._drop("hình hoặc hộp văn bản")
                continue
            if tag == "r":
                self._run(child, para, fields)
            elif tag in (
                "ins",
                "moveTo",
                "hyperlink",
                "smartTag",
                "customXml",
                "fldSimple",
                "dir",
                "bdo",
            ):
                self._walk(child, para, fields)
            elif tag == "sdt":
                content = child.find("w:sdtContent", NS)
                if content is not None:
                    self._walk(content, para, fields)
            # del, moveFrom: dropped (the change accepted); pPr, bookmarks, comment ranges,
            # proofing marks, permissions: nothing to print.

    def _run(self, run, para: _Para, fields: list[str]) -> None:
        rpr = run.find("w:rPr", NS)
        fmt, font = self._run_props(para, rpr)
        pieces: list[str] = []
        for child in run:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if etree.QName(child).namespace != W:
                if tag == "AlternateContent":
                    self._drop("hình hoặc hộp văn bản")
                continue
            if tag == "fldChar":
                kind = child.get(_w("fldCharType"))
                if kind == "begin":
                    fields.append("instruction")
                elif kind == "separate" and fields:
                    fields[-1] = "result"
                elif kind == "end" and fields:
                    fields.pop()
                continue
            if any(state == "instruction" for state in fields):
                continue
            if tag == "t":
                pieces.append(child.text or "")
            elif tag in ("tab", "ptab"):
                pieces.append(" ")
            elif tag in ("br", "cr"):
                kind = child.get(_w("type"))
                pieces.append(" " if kind in ("page", "column") else "\n")
            elif tag == "noBreakHyphen":
                pieces.append("-")
            elif tag in ("drawing", "pict", "object"):
                self._drop("hình ảnh")
            elif tag in ("footnoteReference", "endnoteReference"):
                self._drop("chú thích cuối trang")
            # delText, instrText, commentReference, annotationRef, softHyphen, sym,
            # lastRenderedPageBreak: not printed.
        text = "".join(pieces)
        if not text:
            return
        text = _legacy(text, font)
        text = unicodedata.normalize("NFC", text)
        if para.chars and text and unicodedata.combining(text[0]):
            # A combining mark typed in its own run belongs to the letter before it.
            last, last_fmt = para.chars[-1]
            mark = re.match(r"[\u0300-\u036f]+", text)
            end = mark.end() if mark else 1
            para.chars[-1] = (unicodedata.normalize("NFC", last + text[:end]), last_fmt)
            text = text[end:]
        para.chars.extend((c, fmt) for c in text)


def _legacy(text: str, font: str) -> str:
    """Text typed in a TCVN3 (.VnTime, .VnTimeH…) or VNI font, converted to Unicode."""
    name = font.strip().lower()
    if name.startswith(".vn"):
        converted = to_unicode(text, "tcvn3")
        # ".VnTimeH" and the other capital fonts reuse the lower-case codes.
        return converted.upper() if name.endswith("h") else converted
    if name.startswith("vni"):
        return to_unicode(text, "vni")
    return text


def _clean_chars(chars: list[tuple[str, frozenset]]) -> list[tuple[str, frozenset]]:
    """Spaces normalised (NBSP, tabs → space; zero-width dropped), runs of spaces collapsed."""
    out: list[tuple[str, frozenset]] = []
    for char, fmt in chars:
        if char in _INVISIBLE:
            continue
        char = _SPACES.get(char, char)
        if char in "\u2028\u2029\r":
            char = "\n"
        if char == " " and (not out or out[-1][0] in " \n"):
            continue
        if char == "\n" and out and out[-1][0] == " ":
            out.pop()
        out.append((char, fmt))
    while out and out[-1][0] in " \n":
        out.pop()
    while out and out[0][0] in " \n":
        out.pop(0)
    return out


def inline_markdown(chars: list[tuple[str, frozenset]]) -> str:
    """A paragraph's characters, each with its formatting, as one line of Markdown.

    Figure names in braces are kept as they are (and take the formatting of their "{"); every
    other Markdown sign is escaped so that what was typed is what is printed.
    """
    chars = _clean_chars(chars)
    text = "".join(c for c, _ in chars)
    raw = [False] * len(chars)
    fmts = [f for _, f in chars]
    for match in _BRACES.finditer(text):
        for k in range(match.start(), match.end()):
            raw[k] = True
            fmts[k] = fmts[match.start()]
    # A space takes only the formatting on both sides, so markers never sit next to a space.
    empty: frozenset = frozenset()
    before = [empty] * len(text)
    last = empty
    for k, char in enumerate(text):
        before[k] = last
        if char not in " \n":
            last = fmts[k]
    following = empty
    for k in range(len(text) - 1, -1, -1):
        if text[k] in " \n":
            fmts[k] = before[k] & following
        else:
            following = fmts[k]
    out: list[str] = []
    stack: list[str] = []
    line_start = True
    for k, char in enumerate(text):
        wanted = fmts[k]
        while stack and any(m not in wanted for m in stack):
            out.append(dict(_MARKERS)[stack.pop()])
        for marker, _ in _MARKERS:
            if marker in wanted and marker not in stack:
                stack.append(marker)
                out.append(dict(_MARKERS)[marker])
        if char == "\n":
            out.append("\\\n")
            line_start = True
            continue
        if raw[k]:
            out.append(char)
        elif _escaped(text, k, line_start):
            out.append("\\" + char)
        elif char == " " and ("sup" in wanted or "sub" in wanted):
            out.append("\\ ")
        else:
            out.append(char)
        line_start = False
    while stack:
        out.append(dict(_MARKERS)[stack.pop()])
    return "".join(out)


def _escaped(text: str, k: int, line_start: bool) -> bool:
    """Whether the character would be Markdown syntax: always-special signs, a list or quote
    sign opening a line, the "." or ")" after digits opening a line ("12." starts a list)."""
    char = text[k]
    if char in _ALWAYS_ESCAPED or (line_start and char in "-+=:>%"):
        return True
    return char in ".)" and k > 0 and text[k - 1].isdigit() and _line_digits(text, k)


def _line_digits(text: str, k: int) -> bool:
    """Whether `text[:k]` ends in digits that start their line ("12." would begin a list)."""
    j = k - 1
    while j >= 0 and text[j].isdigit():
        j -= 1
    return j < 0 or text[j] == "\n"


def _cell_markdown(paragraphs: list[_Para]) -> str:
    pieces = [inline_markdown(p.chars) for p in paragraphs]
    return " ".join(p.replace("\\\n", " ") for p in pieces if p).replace("|", "\\|")


class _Body:
    """The body's blocks in order, with list items grouped into lists."""

    def __init__(self, reader: _Reader):
        self.reader = reader
        self.blocks: list[Block] = []
        self.items: list[str] = []
        self.counters: dict[tuple[str, int], int] = {}

    def in_glossary(self) -> bool:
        headings = [b for b in self.blocks if b.kind == "heading"]
        return bool(headings) and match_key(headings[-1].text) == _GLOSSARY_KEY

    def flush(self) -> None:
        if self.items:
            self.blocks.append(Block("text", "\n".join(self.items), ""))
            self.items = []

    def add_paragraph(self, para: _Para) -> None:
        reader = self.reader
        styles = reader.styles
        names = [s.name for s in styles.chain(para.style)]
        plain = " ".join("".join(c for c, _ in _clean_chars(para.chars)).split())
        if any(match_key(n).endswith("khong in") for n in names[:1]):
            self.flush()
            if plain:
                self.blocks.append(Block("note", plain, plain))
            return
        level = _heading_level(styles, para.style)
        if level is not None:
            self.flush()
            if plain:
                self.blocks.append(Block("heading", plain, plain, level))
            return
        markdown = inline_markdown(para.chars)
        if para.numbering is not None:
            num_id, ilvl = para.numbering
            level_def = reader.numbering.level(num_id, ilvl)
            if level_def is not None and markdown:
                fmt, start = level_def
                # Word's "List Bullet 2", "List Number 3"… are single-level lists nested by
                # their indentation: the style's number says how deep.
                depth = re.search(r"^list\b.*?(\d)$", names[0].strip().lower()) if names else None
                ilvl = min(ilvl + (int(depth.group(1)) - 1 if depth else 0), 8)
                if fmt in ("bullet", "none"):
                    marker = "-"
                else:
                    key = (num_id, ilvl)
                    number = self.counters.get(key, start)
                    self.counters[key] = number + 1
                    for deeper in [k for k in self.counters if k[0] == num_id and k[1] > ilvl]:
                        del self.counters[deeper]
                    marker = f"{number}."
                self.items.append("    " * ilvl + f"{marker} {markdown}")
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
                    span = int(grid.get(_w("val"), "1")) if grid is not None else 1
                    vmerge = tcpr.find("w:vMerge", NS)
                    merged = vmerge is not None and vmerge.get(_w("val")) != "restart"
                paragraphs = []
                for p in tc.iter(_w("p")):
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


def _merged(paragraphs: list[_Para]) -> list[_Para]:
    """Paragraphs whose mark is a pending deletion joined to the next one (as Word accepts)."""
    out: list[_Para] = []
    carry: list[tuple[str, frozenset]] = []
    for para in paragraphs:
        if para.merge_next:
            carry += para.chars
            continue
        if carry:
            para = _Para(carry + para.chars, para.style, para.numbering, False)
            carry = []
        out.append(para)
    if carry:
        out.append(_Para(carry))
    return out


def _heading_level(styles: _Styles, style_id: str | None) -> int | None:
    for style in styles.chain(style_id):
        found = re.fullmatch(r"heading\s*(\d)", style.name.strip(), re.IGNORECASE)
        if found:
            return int(found.group(1))
        if style.ppr is not None:
            outline = style.ppr.find("w:outlineLvl", NS)
            if outline is not None and int(outline.get(_w("val"), "9")) < 9:
                return int(outline.get(_w("val"))) + 1
    return None


def _body_elements(parent) -> Iterable:
    for child in parent:
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child).localname
        if tag in ("p", "tbl"):
            yield child
        elif tag == "sdt":
            content = child.find("w:sdtContent", NS)
            if content is not None:
                yield from _body_elements(content)
        elif tag in ("customXml", "ins", "moveTo"):
            yield from _body_elements(child)


def extract(path: Path, shown: str | None = None) -> Extracted:
    """Read a narrative DOCX: its blocks as if every tracked change were accepted."""
    shown = shown or Path(path).name
    package = _Package(Path(path), shown)
    main = package.related("", RT_DOCUMENT) or "word/document.xml"
    document = package.xml(main)
    body = document.find("w:body", NS) if document is not None else None
    if body is None:
        raise BaocaoError(f"Tài liệu Word {shown} không có nội dung (word/document.xml).")
    reader = _Reader(
        _Styles(package.xml(package.related(main, "/styles"))),
        _Numbering(package.xml(package.related(main, "/numbering"))),
    )
    builder = _Body(reader)
    pending = sum(len(body.findall(f".//w:{tag}", NS)) for tag in _REVISIONS)
    carry: _Para | None = None
    for element in _body_elements(body):
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
            para = _Para(carry.chars + para.chars, para.style, para.numbering, para.merge_next)
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


# --- matching the headings to the outline --------------------------------------------------


@dataclass(frozen=True)
class Orphan:
    """Text the outline has no place for: under an unknown heading, under a heading that takes
    no text, or before the first heading. `anchor`: the outline id it follows (None = start)."""

    anchor: str | None
    heading: str | None
    text: str
    reason: str


@dataclass(frozen=True)
class Assigned:
    sections: dict[str, str]  # text id → Markdown
    orphans: tuple[Orphan, ...]
    warnings: tuple[str, ...]


def heading_key(text: str, *, numbered: bool = True) -> str:
    """A heading folded for matching: case, tone placement, NFD/NFC, punctuation and spacing
    do not matter; without `numbered`, a leading "1.", "2.2.", "I.", "a)" does not either."""
    text = unicodedata.normalize("NFC", text)
    if not numbered:
        text = _NUMBERING.sub("", text)
    return match_key(text)


def _targets(outline: Outline, period: Period) -> list[tuple[str, str, str]]:
    """(kind, id, heading) of every heading the document holds, in order."""
    targets = []
    for part in outline.parts:
        targets.append(("part", part.id, fill_period(part.heading, period)))
        targets.append(("part", part.id, fill_period(part.title, period)))
        for section in part.sections:
            kind = "text" if section.takes_text else "heading"
            targets.append((kind, section.id, fill_period(section.heading, period)))
            for extra in section.internal:
                targets.append(("text", extra.id, fill_period(extra.title, period)))
    targets.append(("glossary", "", GLOSSARY_HEADING))
    return targets


def known_notes(outline: Outline, period: Period) -> set[str]:
    """The folded texts of every note the document is written with."""
    texts = [_title(period), *INSTRUCTIONS, APPENDIX_NOTE, GLOSSARY_NOTE, HEADING_ONLY_NOTE]
    for section in outline.sections:
        texts += [GUIDANCE_PREFIX + fill_period(g, period) for g in section.guidance]
        for extra in section.internal:
            texts += [GUIDANCE_PREFIX + fill_period(g, period) for g in extra.guidance]
    return {match_key(t) for t in texts}


def assign(extracted: Extracted, outline: Outline, period: Period, shown: str) -> Assigned:
    """The document's text by section of the outline; what has no place is an `Orphan`."""
    targets = _targets(outline, period)
    full = {heading_key(h): (kind, tid, h) for kind, tid, h in targets}
    bare: dict[str, list[tuple[str, str, str]]] = {}
    for kind, tid, h in targets:
        bare.setdefault(heading_key(h, numbered=False), []).append((kind, tid, h))
    notes = known_notes(outline, period)

    def match(text: str):
        found = full.get(heading_key(text))
        if found:
            return found
        candidates = bare.get(heading_key(text, numbered=False), [])
        return candidates[0] if len({c[1] for c in candidates}) == 1 else None

    chunks: dict[str, list[str]] = {}
    orphans: list[tuple[str | None, str | None, list[str], str]] = []
    warnings: list[str] = []
    seen: list[str] = []
    current: tuple[str, str, str] | None = None
    anchor: str | None = None
    orphan: tuple[str | None, str | None, list[str], str] | None = None
    for block in extracted.blocks:
        target = None
        if block.kind == "heading":
            target = match(block.text)
            if target is None:
                orphan = (anchor, block.text, [], "unknown")
                orphans.append(orphan)
                current = None
                continue
        elif block.kind == "text" and block.plain and full.get(heading_key(block.plain)):
            target = full[heading_key(block.plain)]  # a heading typed without a heading style
        if target is not None:
            current, orphan = target, None
            if target[0] != "glossary":
                anchor = target[1]
            if target[0] == "text" and target[1] in seen:
                warnings.append(
                    f"Tiêu đề mục “{target[2]}” có hơn một lần; nội dung dưới các lần đó được "
                    "ghép vào mục này."
                )
            if target[0] in ("text", "heading"):
                seen.append(target[1])
            continue
        text = block.text
        if block.kind == "note":
            folded = match_key(block.text)
            if folded in notes or any(folded in known for known in notes):
                continue  # guidance, whole or shortened: nothing the writer typed
            warnings.append(
                f"Đoạn “{_snippet(block.text)}” mang kiểu chữ “{NOTE_STYLE}” nhưng không phải "
                "hướng dẫn của đề cương: được coi là nội dung viết (hãy đổi sang kiểu Normal)."
            )
            text = nv_escape_plain(block.text)
        if current is not None and current[0] == "text":
            chunks.setdefault(current[1], []).append(text)
        elif current is not None and current[0] == "glossary" and block.kind == "table":
            continue
        else:
            if orphan is None:
                reason = "heading_only" if current is not None else "before"
                orphan = (anchor, None, [], reason)
                orphans.append(orphan)
            orphan[2].append(text)
    missing = [h for kind, tid, h in targets if kind in ("text", "heading") and tid not in seen]
    if missing:
        warnings.append(
            f"Tài liệu Word {shown} thiếu (hoặc ghi khác đề cương) tiêu đề: "
            + "; ".join(f"“{h}”" for h in missing)
            + ". Nội dung của mục đó (nếu có) đang nằm trong mục đứng trước nó."
        )
    result = []
    for where, heading, texts, reason in orphans:
        body = "\n\n".join(texts)
        result.append(Orphan(where, heading, body, reason))
        said = {
            "unknown": f"Tiêu đề “{heading}” không có trong đề cương",
            "heading_only": "Đoạn viết dưới một tiêu đề không nhận nội dung",
            "before": "Đoạn viết trước tiêu đề đầu tiên",
        }[reason]
        where_text = f" (sau mục {where})" if where else ""
        shown_text = f": “{_snippet(_plain_of(body))}”" if body else " (không có nội dung)"
        warnings.append(
            f"{said}{where_text}{shown_text}. Phần này chỉ hiện trong bản nội bộ, đánh dấu để "
            "sửa; hãy đổi tiêu đề cho khớp đề cương hoặc chuyển đoạn vào đúng mục."
        )
    sections = {sid: "\n\n".join(texts) for sid, texts in chunks.items() if any(texts)}
    return Assigned(sections, tuple(result), tuple(warnings))


def nv_escape_plain(text: str) -> str:
    return inline_markdown([(c, frozenset()) for c in text])


def _plain_of(markdown: str) -> str:
    return " ".join(re.sub(r"\\(.)", r"\1", markdown.replace("**", "").replace("*", "")).split())


def _snippet(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


# --- which source a run uses ---------------------------------------------------------------


@dataclass(frozen=True)
class NarrativeSource:
    """The period's narratives as the report uses them, and what the run says about them."""

    narratives: dict[str, nv.Narrative]
    source: str  # "docx" | "markdown" | "none"
    shown: str  # the file or folder, as the user finds it
    pending: int = 0
    orphans: tuple[Orphan, ...] = ()
    messages: tuple[str, ...] = ()


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def load_narratives(
    folder: Path, outline: Outline, period: Period, display_root: Path | None = None
) -> NarrativeSource:
    """The narratives of one period's folder, from the Word document when it exists.

    - No DOCX: the Markdown files (`narrative.read_narratives`).
    - DOCX and Markdown files, and both edited since the DOCX was written (its recorded
      digests): `BaocaoError` naming the sections on each side.
    - DOCX not edited since written, Markdown edited: the Markdown files (they are newer).
    - Otherwise the DOCX; its orphans (text under unknown headings) travel with the result.
    """
    folder = Path(folder)
    markdown = nv.read_narratives(folder, outline.text_ids(), display_root)
    path = folder / file_name(str(period))
    if not path.is_file():
        source = "markdown" if markdown else "none"
        shown = _display(folder, display_root)
        message = (
            f"Nội dung viết tay lấy từ các tệp Markdown trong {shown} ({len(markdown)} mục)."
            if markdown
            else f"Chưa có nội dung viết tay cho kỳ {period} (thư mục {shown})."
        )
        return NarrativeSource(markdown, source, shown, messages=(message,))
    shown = _display(path, display_root)
    extracted = extract(path, shown)
    assigned = assign(extracted, outline, period, shown)
    record = extracted.record or {}
    ids = outline.text_ids()
    md_changed, docx_changed = [], []
    if record.get("ky") == str(period):
        for sid in ids:
            said = (record.get(f"muc.{sid}") or "- -").split()
            docx_then, md_then = (said + ["-", "-"])[:2]
            if section_digest(assigned.sections.get(sid)) != docx_then:
                docx_changed.append(sid)
            now = markdown.get(sid)
            # A Markdown file removed since is no edit: its text is in the document already.
            if now is not None and section_digest(now.text) != md_then:
                md_changed.append(sid)
    else:
        # Not written by baocao for this period: any Markdown that says something else than
        # the document is a conflict (nobody can tell which is newer).
        docx_changed = list(assigned.sections)
        md_changed = [
            sid
            for sid, n in markdown.items()
            if _words(n.text) != _words(assigned.sections.get(sid, ""))
        ]
    if md_changed and docx_changed:
        raise BaocaoError(
            f"Cả tài liệu Word {shown} và các tệp Markdown đều đã được sửa sau khi tài liệu Word "
            f"được tạo: trong Word sửa mục {', '.join(docx_changed)}; trong Markdown sửa mục "
            f"{', '.join(md_changed)} ({', '.join(sid + nv.SUFFIX for sid in md_changed)}). Để "
            "không bỏ sót phần nào, hãy chép phần sửa trong các tệp Markdown vào tài liệu Word "
            "rồi xóa (hoặc chuyển ra ngoài thư mục) các tệp .md đó; hoặc, nếu muốn giữ bản "
            "Markdown, chuyển tài liệu Word ra ngoài thư mục."
        )
    if md_changed:
        return NarrativeSource(
            markdown,
            "markdown",
            _display(folder, display_root),
            messages=(
                f"Nội dung viết tay lấy từ các tệp Markdown (mục {', '.join(md_changed)} đã sửa "
                f"sau khi tạo tài liệu Word {shown}, tài liệu Word chưa sửa). Chạy “baocao "
                f"narrative --period {period}” để đưa phần sửa vào tài liệu Word.",
            ),
        )
    narratives = {
        sid: nv.Narrative(sid, text, f"Tài liệu Word {shown}, mục {sid}", kind="docx")
        for sid, text in assigned.sections.items()
        if sid in ids
    }
    messages = [f"Nội dung viết tay lấy từ tài liệu Word {shown} ({len(narratives)} mục có bài)."]
    if extracted.pending:
        messages.append(
            f"Tài liệu Word còn {extracted.pending} thay đổi (Track Changes) chưa được chấp nhận "
            "hoặc từ chối; báo cáo dùng nội dung như khi chấp nhận tất cả."
        )
    if extracted.dropped:
        messages.append(
            "Không đưa được vào báo cáo: " + ", ".join(extracted.dropped) + " trong tài liệu Word "
            "(báo cáo chỉ nhận chữ, đậm, nghiêng, chỉ số trên/dưới, danh sách và bảng)."
        )
    messages += assigned.warnings
    return NarrativeSource(
        narratives, "docx", shown, extracted.pending, assigned.orphans, tuple(messages)
    )


def _words(text: str) -> str:
    return match_key(re.sub(r"\\(.)", r"\1", text or ""))


def folder_digest(folder: Path) -> str:
    """The report cache key's view of a period's narrative folder: each Markdown file's bytes,
    the DOCX's content (`Extracted.digest`), never Word's lock files."""
    folder = Path(folder)
    entries: dict[str, str] = {}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.name.startswith((".", "~$")) or not path.is_file():
                continue
            entries[path.name] = content_digest(path)
    return _sha(json.dumps(entries, sort_keys=True))


def content_digest(path: Path) -> str:
    """A narrative file's digest: for the DOCX what it says, for any other file its bytes."""
    path = Path(path)
    if path.suffix.lower() == ".docx":
        try:
            return "docx:" + extract(path).digest()
        except BaocaoError:
            pass  # unreadable: its bytes, and the report itself says what is wrong
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- writing the document ------------------------------------------------------------------

GUIDANCE_PREFIX = "Hướng dẫn: "
INSTRUCTIONS = (
    "Viết nội dung của từng mục ngay dưới tiêu đề của mục, bằng kiểu chữ Normal. Giữ nguyên các "
    "tiêu đề (có thể sửa số thứ tự); chương trình ghép nội dung vào báo cáo theo tiêu đề.",
    "Các đoạn nền xám, chữ nghiêng là hướng dẫn của đề cương và không bao giờ được in vào báo "
    "cáo; có thể để nguyên hoặc xóa đi.",
    "Số liệu ghi bằng tên trong ngoặc nhọn, ví dụ {quy_vnn_van_dong}: khi lập báo cáo tên được "
    "thay bằng số liệu của kỳ. Bảng tên số liệu ở cuối tài liệu. Muốn in dấu ngoặc nhọn, viết "
    "{{ hoặc }}.",
    "Được dùng chữ đậm, nghiêng, danh sách gạch đầu dòng hoặc đánh số, bảng đơn giản. Có thể "
    "gửi tài liệu đi góp ý bằng Track Changes và Comment: báo cáo dùng nội dung như khi chấp "
    "nhận mọi thay đổi và không in Comment.",
)
APPENDIX_NOTE = "Phần này do chương trình lập từ số liệu của các đơn vị; không viết ở đây."
HEADING_ONLY_NOTE = "Tiêu đề của nhóm mục, không viết nội dung ở đây."
GLOSSARY_NOTE = (
    "Bảng này chỉ để tra cứu khi viết, không in vào báo cáo. Giá trị là của lần chạy gần nhất."
)


def _title(period: Period) -> str:
    return f"Nội dung viết tay của báo cáo kết quả công tác Mặt trận {period.label()}"


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

    from baocao.run.store import atomic_path

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

    document.add_paragraph(_title(period), style=title)
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
                document.add_heading(fill_period(extra.title, period), level=section.level + 1)
                _section_body(document, writer, note, extra.id, extra.guidance, markdown, period)
    document.add_heading(GLOSSARY_HEADING, level=1)
    document.add_paragraph(GLOSSARY_NOTE, style=note)
    _glossary_table(document, glossary)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as temporary:
        document.save(str(temporary))
        extracted = extract(temporary)
        written = assign(extracted, outline, period, path.name)
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


def write_for_period(paths, period: str) -> tuple[Path, list[str]]:
    """`baocao narrative`: write (or refresh) the period's narrative document from its Markdown
    files, with the figures of the last run; refuse to overwrite a document someone edited.
    Returns the document and what to tell the user."""
    from baocao.config.catalog import load_catalogue
    from baocao.config.outline import load_outline
    from baocao.report.data import load_report_data
    from baocao.report.parts import build_report
    from baocao.report.sentences import figure_glossary

    p = Period.parse(period)
    catalogue = load_catalogue(paths.config, str(p))
    outline = load_outline(paths.config, catalogue, str(p))
    folder = paths.root / "narrative" / str(p)
    path = folder / file_name(str(p))
    shown = _display(path, paths.root)
    markdown = nv.read_narratives(folder, outline.text_ids(), paths.root)
    notes = []
    edited = path.exists() and extract(path, shown).edited_since_written()
    try:
        data = load_report_data(str(p), processed_dir=paths.processed, root=paths.root)
        names = build_report(data).names
    except BaocaoError as error:
        names = None
        notes.append(f"Bảng tên số liệu chưa có giá trị: {error.message}")
    glossary = figure_glossary(catalogue, outline, names)
    if edited:
        if not refresh_glossary(path, glossary):
            raise BaocaoError(
                f"Tài liệu Word {shown} đã được sửa (hoặc có góp ý, thay đổi chưa xử lý) sau khi "
                "được tạo, và không còn bảng tên số liệu. Lệnh này không ghi đè để khỏi mất phần "
                "đã sửa; “baocao run” vẫn lấy nội dung từ tài liệu đó. Muốn tạo lại từ đầu, hãy "
                "chuyển tài liệu ra ngoài thư mục rồi chạy lại lệnh."
            )
        notes.append(
            "Tài liệu đã được sửa nên không ghi đè: chỉ cập nhật bảng tên số liệu ở cuối; nội "
            "dung, các thay đổi (Track Changes) và góp ý (Comment) giữ nguyên."
        )
        return path, notes
    if path.exists():
        notes.append("Tài liệu chưa ai sửa nên được tạo lại với nội dung và số liệu mới nhất.")
    write_narrative_docx(path, outline, p, markdown, glossary)
    written = [sid for sid in outline.text_ids() if sid in markdown]
    notes.append(
        f"Có nội dung của {len(written)} mục (lấy từ các tệp Markdown); các mục khác có hướng "
        "dẫn của đề cương. Viết và góp ý ngay trong tài liệu này."
    )
    return path, notes


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

    from baocao.run.store import atomic_path

    document = Document(str(path))
    heading = next(
        (p for p in document.paragraphs if match_key(p.text) == _GLOSSARY_KEY and p.text), None
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
    for old in rpr.findall(_w("lang")):
        rpr.remove(old)
    element = etree.SubElement(rpr, _w("lang"))
    element.set(_w("val"), lang)


def _shade(style_element, fill: str) -> None:
    ppr = style_element.get_or_add_pPr()
    shd = etree.SubElement(ppr, _w("shd"))
    shd.set(_w("val"), "clear")
    shd.set(_w("color"), "auto")
    shd.set(_w("fill"), fill)


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
                else _new_num(self.document, self.decimal, start)
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
    parsed = _Numbering(numbering)
    bullet = decimal = None
    for num_id in parsed.nums:
        fmt = parsed.level(num_id, 0)
        if fmt and fmt[0] == "bullet" and bullet is None:
            bullet = num_id
        if fmt and fmt[0] == "decimal" and decimal is None:
            decimal = num_id
    return bullet or "1", decimal or "5"


def _new_num(document, like: str, start: int) -> str:
    """A new numId over the same list definition as `like`, restarting at `start`."""
    numbering = document.part.numbering_part.element
    abstract = numbering.find(f"w:num[@w:numId='{like}']/w:abstractNumId", NS).get(_w("val"))
    used = [int(n.get(_w("numId"))) for n in numbering.findall("w:num", NS)]
    num_id = str(max(used) + 1)
    num = etree.SubElement(numbering, _w("num"))
    num.set(_w("numId"), num_id)
    etree.SubElement(num, _w("abstractNumId")).set(_w("val"), abstract)
    override = etree.SubElement(num, _w("lvlOverride"))
    override.set(_w("ilvl"), "0")
    etree.SubElement(override, _w("startOverride")).set(_w("val"), str(start))
    return num_id


def _number(paragraph, num_id: str, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    num = etree.SubElement(ppr, _w("numPr"))
    etree.SubElement(num, _w("ilvl")).set(_w("val"), str(ilvl))
    etree.SubElement(num, _w("numId")).set(_w("val"), num_id)
    style = ppr.find("w:pStyle", NS)
    if style is None:
        paragraph.style = paragraph.part.document.styles["List Paragraph"]
