"""A PDF's pages as a reader sees them (tests only): each page's lines of text with their place.

Read with poppler's `pdftotext -bbox-layout` (CI installs poppler-utils beside LibreOffice):
one call gives every page's size and every line's box, in PDF points from the top left.
The layout checks of the report's PDF (tests/test_pipeline_2026.py) read these pages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

PDFTOTEXT = shutil.which("pdftotext")


@dataclass(frozen=True)
class Line:
    text: str
    top: float
    bottom: float
    left: float


@dataclass(frozen=True)
class Page:
    number: int  # from 1
    width: float
    height: float
    lines: tuple[Line, ...]  # top to bottom

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def body(self) -> tuple[Line, ...]:
        """The lines below the running header (the page number at the top, pages 2 on)."""
        lines = self.lines
        if lines and lines[0].text.strip().isdigit() and lines[0].top < 0.1 * self.height:
            return lines[1:]
        return lines


def folded(text: str) -> str:
    """Spaces collapsed (justified lines, line breaks), for comparing text across layouts."""
    return " ".join(text.split())


def pdf_text(path: Path) -> str:
    """The PDF's whole text (`pdftotext`, reading order)."""
    return subprocess.run(
        [PDFTOTEXT, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_pages(path: Path) -> list[Page]:
    """Every page of the PDF at `path`, with its lines top to bottom."""
    xml = subprocess.run(
        [PDFTOTEXT, "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    soup = BeautifulSoup(xml, "html.parser")
    pages = []
    for number, page in enumerate(soup.find_all("page"), start=1):
        lines = [
            Line(
                " ".join(w.get_text() for w in line.find_all("word")),
                float(line["ymin"]),
                float(line["ymax"]),
                float(line["xmin"]),
            )
            for line in page.find_all("line")
        ]
        lines.sort(key=lambda line: (round(line.top), line.left))
        pages.append(Page(number, float(page["width"]), float(page["height"]), tuple(lines)))
    return pages


def ends_with(page: Page, text: str) -> bool:
    """Whether `text` (a heading, a caption) is the last thing printed on `page`."""
    tail = folded(" ".join(line.text for line in page.body[-6:]))
    wanted = folded(text)
    return bool(wanted) and tail.endswith(wanted[-60:])


CAPTION = re.compile(r"^(Bảng|Biểu đồ) \d+\. ")
NUMBER_TWICE = re.compile(r"^(Bảng|Biểu đồ) \d+\. (?:[IVX]+\.|\d+(?:\.\d+)*\.?)\s")
