"""The analysts' own text: `narrative/<period>/<section>.md`, with computed figures by name.

A narrative is plain Markdown written by the province's analysts for one section of the outline.
It may name a figure in braces, `{quy_vnn_van_dong}`, which is replaced by the formatted figure
("1,25 tỷ đồng"); `{{` and `}}` write a literal brace. The names are listed in
`narrative/README.md`. Every mistake (an unknown name, an unclosed brace, a heading that would
break the outline, an unclosed code fence, a file for a section the outline does not have) is a
`BaocaoError` naming the file and the line.

`read_narratives` is the one reader of the Markdown files; everything else is a pure function
of text. The period's Word document, when there is one, is read by `narrative.source` into the
same `Narrative`s (kind "docx": messages then point at the section and the paragraph).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from baocao.errors import BaocaoError
from baocao.report.narrative.read import GLOSSARY_HEADING

SUFFIX = ".md"
WORD_SUFFIX = ".docx"


def word_file_name(period: str) -> str:
    """`noi-dung-viet-2021-H1.docx`: the period's narrative as one Word document."""
    return f"noi-dung-viet-{period}{WORD_SUFFIX}"


README = "README.md"
PLACEHOLDER_MARK = "[Chưa có nội dung]"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_SETEXT_RULE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# A comment with words in it (an unclosed one runs to the end); not the empty `<!-- -->` that
# separates two lists (pandoc's idiom, which the narrative's Markdown uses).
HTML_COMMENT = re.compile(r"<!--(?!\s*-->).*?(?:-->|$)", re.S)


@dataclass(frozen=True)
class Narrative:
    """One section's text as written, and where it came from (for messages)."""

    section: str
    text: str
    source: str  # the file as a user finds it, e.g. "narrative/2021-H1/2.2.md"
    kind: str = "markdown"  # "docx": read from the Word document (narrative.source)
    heading: str = ""  # the section's heading in the outline, for messages


# Where the writers look the names up: the table at the end of the Word document, or the README
# beside the Markdown files.
NAMES_IN_WORD = (
    f"Các tên dùng được có trong bảng “{GLOSSARY_HEADING}” ở cuối tài liệu Word (cột “Tên số "
    "liệu”); hãy sửa cho đúng một tên trong bảng, hoặc bỏ cặp ngoặc nhọn nếu không cần số liệu."
)
NAMES_IN_MARKDOWN = (
    "Danh sách tên dùng được ở narrative/README.md (và trong bảng tên số liệu ở cuối tài liệu "
    "Word do lệnh “baocao narrative” tạo)."
)
CLOSE_NAME_CUTOFF = 0.8  # difflib ratio: a one- or two-letter typo of a name, never another name
HEADING_SHOWN = 70  # characters of a heading quoted in a message


def _where(source: str, line: int) -> str:
    return f"Tệp {source}, dòng {line}"


def _shorten(text: str, size: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _locator(source: str, kind: str, lines: list[str], heading: str = ""):
    """How a message points at a line: the file, the section's heading (when known) and the
    line's number in a Markdown file; in the Word document, where line numbers mean nothing,
    the start of the paragraph as the writer sees it."""
    section = f"mục “{_shorten(heading, HEADING_SHOWN)}”" if heading else ""
    if kind != "docx":
        if not section:
            return lambda number: _where(source, number)
        return lambda number: f"Tệp {source} ({section}), dòng {number}"

    def where(number: int) -> str:
        words = re.sub(r"\\(.)", r"\1", lines[number - 1]).replace("**", "").strip(" -*")
        shown = _shorten(words, 60)
        return f"{source}{', ' + section if section else ''}, đoạn “{shown}”"

    return where


def close_names(name: str, known: Iterable[str]) -> list[str]:
    """The known names `name` is a typo of (at most 3, closest first); none for a word that
    only shares a few letters with them."""
    return difflib.get_close_matches(name, list(known), n=3, cutoff=CLOSE_NAME_CUTOFF)


# --- checking and filling ------------------------------------------------------------------


def check_markdown(text: str, source: str, where=None) -> None:
    """Refuse what would break the report: headings (the outline owns them), unclosed code fences.

    A line of "---" after a blank line is a horizontal rule and allowed; after a line of text it
    would turn that text into a heading.
    """
    lines = text.splitlines()
    at = where or (lambda number: _where(source, number))  # `fill`'s locator, when it calls
    fence: tuple[str, int] | None = None
    for number, line in enumerate(lines, start=1):
        opened = _FENCE.match(line)
        if fence is not None:
            if (
                opened
                and opened.group(1)[0] == fence[0][0]
                and len(opened.group(1)) >= len(fence[0])
            ):
                fence = None
            continue
        if opened:
            fence = (opened.group(1), number)
            continue
        if _ATX_HEADING.match(line):
            raise BaocaoError(
                f"{at(number)}: có tiêu đề Markdown (dòng bắt đầu bằng “#”). Tiêu đề "
                "các mục lấy từ đề cương của kỳ (config/outline*.yml); trong phần nội dung hãy viết đoạn "
                "văn, hoặc dùng **chữ đậm** cho ý nhỏ."
            )
        previous = lines[number - 2] if number > 1 else ""
        if _SETEXT_RULE.match(line) and previous.strip() and not _FENCE.match(previous):
            raise BaocaoError(
                f"{at(number)}: dòng “{line.strip()}” ngay dưới một dòng chữ biến "
                "dòng đó thành tiêu đề Markdown. Hãy để một dòng trống phía trên, hoặc bỏ dòng này."
            )
    if fence is not None:
        raise BaocaoError(
            f"{at(fence[1])}: khối mã mở bằng “{fence[0]}” chưa được đóng. "
            f"Hãy thêm một dòng “{fence[0]}” để đóng khối."
        )


def _tokens(line: str, where, number: int) -> Iterable[tuple[str, str]]:
    """Split a line into ("text", …) and ("name", …) pieces; `{{`/`}}` are literal braces."""
    i, start = 0, 0
    while i < len(line):
        char = line[i]
        if char in "{}" and line[i : i + 2] == char * 2:
            yield "text", line[start:i] + char
            i += 2
            start = i
            continue
        if char == "}":
            raise BaocaoError(
                f"{where(number)}: dấu “}}” thừa (cột {i + 1}). Tên số liệu viết trong "
                "cặp ngoặc {…}; muốn in dấu “}” hãy viết “}}”."
            )
        if char == "{":
            close = line.find("}", i + 1)
            if close < 0:
                raise BaocaoError(
                    f"{where(number)}: dấu “{{” ở cột {i + 1} chưa được đóng bằng “}}”. "
                    "Hãy viết tên số liệu trong cặp ngoặc, ví dụ {quy_vnn_van_dong}; muốn in "
                    "dấu “{” hãy viết “{{”."
                )
            name = line[i + 1 : close].strip()
            if not _NAME.fullmatch(name):
                raise BaocaoError(
                    f"{where(number)}: “{{{line[i + 1 : close]}}}” không phải tên số "
                    "liệu (chỉ gồm chữ không dấu, số và dấu gạch dưới, ví dụ {quy_vnn_van_dong}). "
                    "Muốn in dấu ngoặc nhọn hãy viết “{{” và “}}”."
                )
            yield "text", line[start:i]
            yield "name", name
            i = close + 1
            start = i
            continue
        i += 1
    yield "text", line[start:]


def fill(
    text: str, figures: Mapping[str, str], source: str, kind: str = "markdown", heading: str = ""
) -> str:
    """The narrative with every `{name}` replaced by its formatted figure.

    Checks the Markdown first (`check_markdown`); an unknown name is a `BaocaoError` naming the
    file, the section's `heading`, the line (for the Word document: the paragraph), the known
    names it is a typo of, and where the names are listed (the Word document's table, or
    narrative/README.md).
    """
    text = unicodedata.normalize("NFC", text)
    lines = text.splitlines()
    where = _locator(source, kind, lines, heading)
    check_markdown(text, source, where)
    out_lines = []
    for number, line in enumerate(lines, start=1):
        pieces = []
        for kind_, value in _tokens(line, where, number):
            if kind_ == "text":
                pieces.append(value)
                continue
            if value not in figures:
                close = close_names(value, figures)
                hint = f" Có phải là: {', '.join('{' + c + '}' for c in close)}?" if close else ""
                listed = NAMES_IN_WORD if kind == "docx" else NAMES_IN_MARKDOWN
                raise BaocaoError(
                    f"{where(number)}: không có số liệu tên “{{{value}}}”.{hint} {listed}"
                )
            pieces.append(figures[value])
        out_lines.append("".join(pieces))
    return "\n".join(out_lines).strip() + "\n"


def placeholder(guidance: Iterable[str]) -> str:
    """The internal draft's stand-in for a section nobody has written: the outline's guidance."""
    items = [" ".join(g.split()) for g in guidance]
    mark = PLACEHOLDER_MARK.replace("[", "\\[").replace("]", "\\]")
    lines = [f"> **{mark}** Theo đề cương, mục này cần nêu:"]
    for item in items:
        lines += [">", f"> \\- {item}"]
    return "\n".join(lines) + "\n"


def section_text(
    section: str,
    guidance: Iterable[str],
    narratives: Mapping[str, Narrative],
    figures: Mapping[str, str],
    *,
    internal: bool,
) -> str:
    """What a section shows as prose: its filled narrative; without one (or with a blank one),
    the guidance as a placeholder in the internal draft and nothing in the other documents."""
    narrative = narratives.get(section)
    if narrative is not None and narrative.text.strip():
        return fill(narrative.text, figures, narrative.source, narrative.kind, narrative.heading)
    return placeholder(guidance) if internal else ""


def check_narratives(narratives: Mapping[str, Narrative], names: Iterable[str]) -> None:
    """Every narrative checked as `fill` will fill it, with the names the report gives
    (`sentences.figure_glossary`), before anything is processed or rendered: the first mistake
    (unknown name, stray brace, heading, open code fence) is a `BaocaoError` as `fill` says it."""
    known = dict.fromkeys(names, "")
    for narrative in narratives.values():
        fill(narrative.text, known, narrative.source, narrative.kind, narrative.heading)


# --- reading (the one function here that touches the disk) ---------------------------------


def read_narratives(
    folder: Path, known: Iterable[str], display_root: Path | None = None
) -> dict[str, Narrative]:
    """Every `<section>.md` of one period's folder (none when the folder does not exist).

    `known` are the section names the outline accepts; a file for any other name is an error,
    so that a typo ("2,2.md") is not silently left out. README.md is skipped.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    known = set(known)
    narratives = {}
    for path in sorted(folder.iterdir()):
        if (
            path.name == README
            or path.name.startswith((".", "~$"))  # hidden files, Word's lock file "~$…docx"
            or path.name == word_file_name(folder.name)  # read by narrative.source
            or not path.is_file()
        ):
            continue
        shown = display_path(path, display_root)
        if path.suffix.lower() == WORD_SUFFIX:
            raise BaocaoError(
                f"Tệp {shown}: tài liệu Word nội dung viết tay của kỳ phải mang đúng tên "
                f"{word_file_name(folder.name)} (tạo bằng lệnh “baocao narrative --period "
                f"{folder.name}”). Hãy đổi tên tệp, hoặc chuyển tệp này ra ngoài thư mục."
            )
        if path.suffix != SUFFIX:
            raise BaocaoError(
                f"Tệp {shown}: thư mục nội dung chỉ chứa tệp Markdown “<mục>.md”, "
                "ví dụ 2.2.md, và tài liệu Word nội dung viết tay của kỳ. Hãy đổi tên hoặc "
                "chuyển tệp này đi."
            )
        section = unicodedata.normalize("NFC", path.stem)
        if section not in known:
            close = difflib.get_close_matches(section, sorted(known), n=3)
            hint = f" Có phải là: {', '.join(c + SUFFIX for c in close)}?" if close else ""
            raise BaocaoError(
                f"Tệp {shown}: đề cương của kỳ (config/outline*.yml) không có mục “{section}”.{hint}"
            )
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise BaocaoError(
                f"Tệp {shown}: không đọc được theo bảng mã UTF-8. Hãy lưu lại tệp với bảng mã "
                "UTF-8 (Unicode)."
            ) from None
        # An HTML comment (a note to oneself: "<!-- viết sau -->") is neither text nor printed.
        text = HTML_COMMENT.sub("", text)
        narratives[section] = Narrative(section, unicodedata.normalize("NFC", text), shown)
    return narratives


def display_path(path: Path, root: Path | None) -> str:
    """`path` as shown to the user: relative to the project `root` when inside it, else as is."""
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()
