"""A narrative DOCX's package as parsed XML: what `narrative.read` reads the body with.

A DOCX (a path) enters; its parts leave, each found through the package's relationships
(`Package.related`) and parsed without entities or DOCTYPEs (`Package.xml`), with a
`BaocaoError` in Vietnamese for a protected, old-format, damaged or oversized document. Also
here: the custom properties baocao recorded when it wrote the document (`read_record`) and the
style and numbering definitions (`Styles`, `Numbering`) that say a paragraph's formatting,
heading level and list level.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from baocao.base.numbers import roman
from baocao.errors import BaocaoError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
_W = "{" + W + "}"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
RT_DOCUMENT = "/officeDocument"
RT_CUSTOM = "/custom-properties"
PROPERTY_PREFIX = "baocao."
MAX_PART_BYTES = 50 * 1024 * 1024  # a narrative document is tens of kilobytes
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def w_tag(tag: str) -> str:
    """The Clark name "{w-namespace}tag" of a WordprocessingML element or attribute."""
    return _W + tag


# --- styles and numbering ------------------------------------------------------------------


@dataclass
class _Style:
    name: str
    based_on: str | None
    rpr: object | None
    ppr: object | None


class Styles:
    """A DOCX's styles part: each style by id (name, parent, run properties) and the defaults."""

    def __init__(self, root):
        self.by_id: dict[str, _Style] = {}
        self.default_rpr = None
        self.default_paragraph: str | None = None
        if root is None:
            return
        defaults = root.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
        self.default_rpr = defaults
        for style in root.findall("w:style", NS):
            sid = style.get(w_tag("styleId"))
            name = style.find("w:name", NS)
            based = style.find("w:basedOn", NS)
            self.by_id[sid] = _Style(
                name=name.get(w_tag("val")) if name is not None else sid,
                based_on=based.get(w_tag("val")) if based is not None else None,
                rpr=style.find("w:rPr", NS),
                ppr=style.find("w:pPr", NS),
            )
            if style.get(w_tag("type")) == "paragraph" and style.get(w_tag("default")) in (
                "1",
                "true",
            ):
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


class Numbering:
    """numId → (abstract levels, overrides): whether a list level is a bullet, its start, and
    the number Word shows (`label`)."""

    def __init__(self, root):
        self.abstract: dict[str, dict[int, tuple[str, int, str | None]]] = {}
        self.texts: dict[str, dict[int, str]] = {}  # abstract → level → lvlText ("%1.%2.")
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        if root is None:
            return
        for abstract in root.findall("w:abstractNum", NS):
            levels = {}
            texts = {}
            for lvl in abstract.findall("w:lvl", NS):
                fmt = lvl.find("w:numFmt", NS)
                start = lvl.find("w:start", NS)
                pstyle = lvl.find("w:pStyle", NS)
                shown = lvl.find("w:lvlText", NS)
                texts[int(lvl.get(w_tag("ilvl"), "0"))] = (
                    shown.get(w_tag("val"), "") if shown is not None else ""
                )
                levels[int(lvl.get(w_tag("ilvl"), "0"))] = (
                    fmt.get(w_tag("val")) if fmt is not None else "decimal",
                    int(start.get(w_tag("val"), "1")) if start is not None else 1,
                    pstyle.get(w_tag("val")) if pstyle is not None else None,
                )
            self.abstract[abstract.get(w_tag("abstractNumId"))] = levels
            self.texts[abstract.get(w_tag("abstractNumId"))] = texts
        # A list made from a list style: its levels are the style's list's (w:numStyleLink
        # names the style, w:styleLink marks the list that defines it).
        defined = {
            link.get(w_tag("val")): abstract.get(w_tag("abstractNumId"))
            for abstract in root.findall("w:abstractNum", NS)
            for link in abstract.findall("w:styleLink", NS)
        }
        for abstract in root.findall("w:abstractNum", NS):
            link = abstract.find("w:numStyleLink", NS)
            source = defined.get(link.get(w_tag("val"))) if link is not None else None
            aid = abstract.get(w_tag("abstractNumId"))
            if source is not None and not self.abstract[aid]:
                self.abstract[aid], self.texts[aid] = self.abstract[source], self.texts[source]
        for num in root.findall("w:num", NS):
            ref = num.find("w:abstractNumId", NS)
            starts = {}
            for override in num.findall("w:lvlOverride", NS):
                start = override.find("w:startOverride", NS)
                if start is not None:
                    starts[int(override.get(w_tag("ilvl"), "0"))] = int(
                        start.get(w_tag("val"), "1")
                    )
            if ref is not None:
                self.nums[num.get(w_tag("numId"))] = (ref.get(w_tag("val")), starts)

    def level(self, num_id: str, ilvl: int) -> tuple[str, int] | None:
        """(numFmt, start) of a list level; None for numId 0 ("no numbering") or unknown."""
        if num_id in (None, "0") or num_id not in self.nums:
            return None
        abstract, starts = self.nums[num_id]
        fmt, start, _ = self.abstract.get(abstract, {}).get(ilvl, ("decimal", 1, None))
        return fmt, starts.get(ilvl, start)

    def label(self, num_id: str, ilvl: int, current: dict[int, int]) -> str:
        """The number Word shows before a paragraph of list level `ilvl` ("2.2.", "b)", "II."):
        the level's lvlText with each "%k" the current count of level k-1 (`current`, level →
        count; a level not yet counted shows its start) in that level's format; "" for a
        bullet, no numbering or an unknown list."""
        if self.level(num_id, ilvl) is None:
            return ""
        abstract = self.nums[num_id][0]
        template = self.texts.get(abstract, {}).get(ilvl, "")
        if self.level(num_id, ilvl)[0] in ("bullet", "none") or not template:
            return ""

        def shown(match) -> str:
            level = int(match.group(1)) - 1
            fmt, start = self.level(num_id, level) or ("decimal", 1)
            return format_number(current.get(level, start), fmt)

        return re.sub(r"%([1-9])", shown, template).strip()

    def level_of_style(self, num_id: str, style_id: str | None) -> int | None:
        if num_id not in self.nums:
            return None
        for ilvl, (_, _, pstyle) in self.abstract.get(self.nums[num_id][0], {}).items():
            if pstyle and pstyle == style_id:
                return ilvl
        return None


def format_number(value: int, fmt: str) -> str:
    """A list count as Word's numFmt shows it: decimal, letters (a…z, aa…), Roman numerals;
    any other format as a decimal number."""
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        shown = roman(value)
        return shown.lower() if fmt == "lowerRoman" else shown
    if fmt == "decimalZero" and 0 <= value < 10:
        return f"0{value}"
    return str(value)


# --- the package ---------------------------------------------------------------------------


class Package:
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


def read_record(package: Package) -> dict[str, str] | None:
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
