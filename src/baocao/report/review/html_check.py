"""Checks on a finished HTML page: is it self-contained, and is it fit to publish?

The report and the review notebooks are opened from disk or from a plain web server, so every
resource they use (images, style sheets, scripts, fonts) must be inside the file as a `data:`
URI: a page that fetches anything leaks its readers to a third party and breaks offline. The
public page must also carry nothing internal: no links to the units' notebooks, no element
marked internal, no placeholder text, nothing naming the tool or the run. These functions only
read the text they are given (stdlib `html.parser`; no network, no file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from baocao.report.narrative.markdown import PLACEHOLDER_MARK as PLACEHOLDER_MARKER

# Attributes that make a browser fetch something, by tag (`None`: on any tag).
_FETCHING = {
    "src": None,
    "srcset": None,
    "poster": None,
    "data": ("object",),
    "href": ("link",),
    "xlink:href": None,
    "background": None,
    "action": ("form",),
}
_CSS_REFERENCE = re.compile(
    r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)|url\(\s*["']?([^"')\s]+)""", re.IGNORECASE
)
_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_LOCAL_SCHEMES = ("data:", "#", "about:blank")

# What marks content as not for publication (agreed with report.qmd; see also conditional.lua).
# Placeholder: the internal draft's stand-in for a section nobody has written (narrative.py).
INTERNAL_CLASSES = ("internal", "noi-bo")
# The report's notice that the document to sign is a draft (`compose.parts.draft_notice`): a
# public page is never published from a draft.
DRAFT_CLASS = "du-thao"
NOTEBOOK_LINK = "notebooks/"
# The tool and the run are named in the manifest (and the DOCX's properties), never on a page
# the public reads.
TOOL_TRACE = re.compile(r"\bbaocao\b|mã lần chạy", re.IGNORECASE)
_PROFILE_CONDITIONS = ("when-profile", "unless-profile")


@dataclass
class PageScan:
    """What a page refers to and how it is marked, collected in one pass."""

    lang: str | None = None
    visible: list[str] = field(default_factory=list)  # text outside <script> and <style>
    resources: list[str] = field(default_factory=list)  # everything the browser would fetch
    links: list[str] = field(default_factory=list)  # <a href>: followed only on a click
    internal_elements: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    draft: bool = False  # an element of class DRAFT_CLASS


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()
        self._in_style = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html" and self.scan.lang is None:
            self.scan.lang = values.get("lang")
        for name, value in values.items():
            tags = _FETCHING.get(name, ())
            if tags is None or tag in (tags or ()):
                if name == "srcset":
                    self.scan.resources += [part.split()[0] for part in value.split(",") if part]
                else:
                    self.scan.resources.append(value)
        if tag == "a" and "href" in values:
            self.scan.links.append(values["href"])
        if "style" in values:
            self._css(values["style"])
        classes = values.get("class", "").split()
        marked = [c for c in classes if c in INTERNAL_CLASSES]
        self.scan.draft = self.scan.draft or DRAFT_CLASS in classes
        # Quarto's conditional content left in the page (pandoc writes `data-when-profile`).
        conditional = any(name.removeprefix("data-") in _PROFILE_CONDITIONS for name in values)
        if marked or conditional or values.get("data-profile") == "internal":
            self.scan.internal_elements.append(f"<{tag} class=“{values.get('class', '')}”>")
        self._in_style = tag == "style"
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data)
        else:
            self.scan.text.append(data)
            if not self._in_script:
                self.scan.visible.append(data)

    def _css(self, css: str) -> None:
        for match in _CSS_REFERENCE.finditer(css):
            self.scan.resources.append(match.group(1) or match.group(2))


def scan_page(html: str) -> PageScan:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.scan


def is_embedded(reference: str) -> bool:
    """True for a reference that needs nothing outside the page (a data: URI or a fragment)."""
    return reference.strip().lower().startswith(_LOCAL_SCHEMES) or not reference.strip()


def is_external(reference: str) -> bool:
    """True for an absolute URL (any scheme but data:) or a scheme-relative one (`//host/…`)."""
    return bool(_EXTERNAL.match(reference)) and not reference.strip().lower().startswith("data:")


def _short(reference: str) -> str:
    return reference if len(reference) <= 80 else reference[:77] + "…"


def not_embedded(html: str) -> list[str]:
    """Every resource of the page that is not inside it (should be empty)."""
    return [_short(r) for r in scan_page(html).resources if not is_embedded(r)]


def self_contained_problems(html: str) -> list[str]:
    """Why the page is not self-contained, in Vietnamese (empty when it is)."""
    scan = scan_page(html)
    problems = [
        f"tài nguyên không nằm trong tệp: {_short(r)}" for r in scan.resources if not is_embedded(r)
    ]
    problems += [f"liên kết ra ngoài: {_short(link)}" for link in scan.links if is_external(link)]
    if not scan.lang:
        problems.append("thẻ <html> không khai báo ngôn ngữ (lang)")
    return problems


def public_problems(html: str) -> list[str]:
    """Why the page must not be published, in Vietnamese (empty when it may be)."""
    scan = scan_page(html)
    problems = self_contained_problems(html)
    notebook_links = [
        link for link in (*scan.links, *scan.resources) if NOTEBOOK_LINK in link.replace("\\", "/")
    ]
    problems += [f"liên kết tới sổ tay nội bộ: {_short(link)}" for link in notebook_links]
    problems += [f"phần nội dung đánh dấu nội bộ: {e}" for e in scan.internal_elements]
    if scan.draft:
        problems.append(
            "báo cáo để ký còn là dự thảo: trang công khai chỉ xuất bản từ báo cáo đã hoàn chỉnh"
        )
    if PLACEHOLDER_MARKER in "".join(scan.text):
        problems.append(f"còn chỗ chưa viết nội dung (“{PLACEHOLDER_MARKER}”)")
    traces = sorted({m.group(0) for m in TOOL_TRACE.finditer(" ".join(scan.visible))})
    if traces:
        problems.append(f"trang nêu tên công cụ hoặc lần chạy: {', '.join(traces)}")
    return problems
