"""A narrative paragraph's runs as characters with their formatting, and those as Markdown.

A `<w:p>` element enters (`RunReader.paragraph`); a `Para` leaves: its characters, each with its
bold, italic, superscript, subscript (from the defaults, the paragraph and run styles and the
run's own properties), its style and its list numbering. Tracked insertions and moves-to are
kept and deletions and moves-from dropped (the change accepted); comments, bookmarks, proofing
marks and field instructions are skipped (a field's shown result is kept); runs in TCVN3
(.VnTime) or VNI fonts are converted to Unicode, NFD becomes NFC. What cannot be carried
(images, formulas, footnotes) is counted in `RunReader.dropped`. `inline_markdown` turns the
characters into one line of Markdown: spaces normalised, figure names in braces kept, every
other Markdown sign escaped so that what was typed is what is printed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lxml import etree

from baocao.intake.legacy_text import to_unicode
from baocao.report.narrative.ooxml import NS, Numbering, Styles, W, w_tag

_SPACES = {"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\t": " "}
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
_ALWAYS_ESCAPED = set("\\`*_[]<>#|~^$@&")
_BRACES = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
_MARKERS = (("b", "**"), ("i", "*"), ("sup", "^"), ("sub", "~"))


def _on(element) -> bool:
    """A toggle property (`<w:b/>`, `<w:b w:val="0"/>`) as a boolean."""
    return element.get(w_tag("val"), "true").lower() not in ("0", "false", "off", "none")


# --- reading the body ----------------------------------------------------------------------


@dataclass
class Para:
    """One paragraph as read: its characters with their formats, style, list numbering."""

    chars: list[tuple[str, frozenset]] = field(default_factory=list)
    style: str | None = None
    numbering: tuple[str, int] | None = None  # (numId, ilvl)
    merge_next: bool = False  # its paragraph mark is a pending deletion
    outline: int | None = None  # outline level set on the paragraph itself (w:outlineLvl)

    def plain(self) -> str:
        return "".join(c for c, _ in self.chars)


class RunReader:
    """Reads a paragraph's runs into a `Para`, resolving formats through `Styles` and `Numbering`;
    counts what it dropped (`dropped`)."""

    def __init__(self, styles: Styles, numbering: Numbering):
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
                value = child.get(w_tag("val"))
                fmt["sup"] = value == "superscript"
                fmt["sub"] = value == "subscript"
            elif tag == "rFonts":
                font = child.get(w_tag("hAnsi")) or child.get(w_tag("ascii")) or font
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

    def _run_props(self, para: Para, rpr) -> tuple[frozenset, str]:
        rstyle = rpr.find("w:rStyle", NS) if rpr is not None else None
        styled, font = self._styled(
            para.style, rstyle.get(w_tag("val")) if rstyle is not None else None
        )
        fmt = dict(styled)
        font = self._overlay(fmt, font, rpr)
        return frozenset(k for k, v in fmt.items() if v), font

    def _drop(self, what: str) -> None:
        self.dropped[what] = self.dropped.get(what, 0) + 1

    # paragraphs

    def paragraph(self, p) -> Para:
        para = Para()
        ppr = p.find("w:pPr", NS)
        if ppr is not None:
            style = ppr.find("w:pStyle", NS)
            para.style = style.get(w_tag("val")) if style is not None else None
            if (
                ppr.find("w:rPr/w:del", NS) is not None
                or ppr.find("w:rPr/w:moveFrom", NS) is not None
            ):
                para.merge_next = True
            outline = ppr.find("w:outlineLvl", NS)
            if outline is not None and outline.get(w_tag("val"), "").isdigit():
                para.outline = int(outline.get(w_tag("val")))
            num = ppr.find("w:numPr", NS)
            if num is not None and num.find("w:numId", NS) is not None:
                ilvl = num.find("w:ilvl", NS)
                para.numbering = (
                    num.find("w:numId", NS).get(w_tag("val")),
                    int(ilvl.get(w_tag("val"), "0")) if ilvl is not None else 0,
                )
        if para.style is None:
            para.style = self.styles.default_paragraph
        if para.numbering is None:
            for style in self.styles.chain(para.style):
                num = style.ppr.find("w:numPr", NS) if style.ppr is not None else None
                if num is not None and num.find("w:numId", NS) is not None:
                    num_id = num.find("w:numId", NS).get(w_tag("val"))
                    ilvl = num.find("w:ilvl", NS)
                    level = (
                        int(ilvl.get(w_tag("val"), "0"))
                        if ilvl is not None
                        else self.numbering.level_of_style(num_id, para.style) or 0
                    )
                    para.numbering = (num_id, level)
                    break
        self._walk(p, para, [])
        return para

    def _walk(self, parent, para: Para, fields: list[str]) -> None:
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

    def _run(self, run, para: Para, fields: list[str]) -> None:
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
                kind = child.get(w_tag("fldCharType"))
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
                kind = child.get(w_tag("type"))
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


def clean_chars(chars: list[tuple[str, frozenset]]) -> list[tuple[str, frozenset]]:
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
    chars = clean_chars(chars)
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
    sign opening a line, the "." or ")" of a list number opening a line ("12.", "a)", "(iv)",
    which pandoc's lists take: the writer typed them, they print as typed)."""
    char = text[k]
    if char in _ALWAYS_ESCAPED or (line_start and char in "-+=:>%"):
        return True
    return char in ".)" and _list_number(text, k)


_LIST_NUMBER = re.compile(r"\(?(?:\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+)")


def _list_number(text: str, k: int) -> bool:
    """Whether `text[:k]` ends in a list number ("12", "a", "(iv") that starts its line."""
    start = text.rfind("\n", 0, k) + 1
    return bool(_LIST_NUMBER.fullmatch(text, start, k))
