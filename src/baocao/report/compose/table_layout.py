"""Printed widths of text, measured from font metrics, and the page the appendix tables fill.

The report is set in Times New Roman. Its widths are read from the Adobe metrics of Times
(Times-Roman and Times-Bold AFM files shipped with matplotlib; Times New Roman has the same
advance widths for the figures, the separators and the Latin letters). A DOCX opened where
Times New Roman is missing is set in the system's substitute: LibreOffice on Linux picks
DejaVu Serif (`fc-match "Times New Roman"`), whose figures are a quarter wider. A cell that
must never wrap (a figure) is therefore measured in both fonts and given the wider width
(`cell_width_mm`), so a figure stays on one line in Word and in LibreOffice alike.

Letters with Vietnamese marks are measured by their base letter (NFD): the marks sit above
or below it and add no width.

The geometry of Phụ lục I's tables (A4 landscape, its margins, the font size, the cell
padding) lives here too, so the Markdown that splits the appendix into tables
(`appendices`) and the DOCX finisher that sizes their columns (`docx.tables`) use the same
numbers.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import matplotlib
from fontTools.afmLib import AFM
from fontTools.agl import UV2AGL
from fontTools.ttLib import TTFont

MM_PER_PT = 25.4 / 72

# --- Phụ lục I on A4 landscape (mm, pt) --------------------------------------------------------
PAGE_LANDSCAPE_WIDTH_MM = 297.0
LANDSCAPE_MARGIN_LEFT_MM = 20.0
LANDSCAPE_MARGIN_RIGHT_MM = 15.0
LANDSCAPE_MARGIN_TOP_MM = 20.0
LANDSCAPE_MARGIN_BOTTOM_MM = 20.0
APPENDIX_PT = 10.0  # the font size of the appendix tables
CELL_MARGIN_MM = 1.0  # left and right padding inside a cell
CELL_SLACK_MM = 0.6  # rounding of twips, borders
HEADER_LINES = 4  # an indicator's heading wraps to at most this many lines


def landscape_text_width_mm() -> float:
    return PAGE_LANDSCAPE_WIDTH_MM - LANDSCAPE_MARGIN_LEFT_MM - LANDSCAPE_MARGIN_RIGHT_MM


def cell_pad_mm() -> float:
    return 2 * CELL_MARGIN_MM + CELL_SLACK_MM


# --- metrics -------------------------------------------------------------------------------------


def _fonts_folder() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts"


@cache
def _afm_widths(name: str) -> dict[str, float]:
    """Character → advance width in em, from an AFM file (widths per 1000 em)."""
    afm = AFM(str(_fonts_folder() / "afm" / name))
    by_glyph = {glyph: width / 1000 for glyph, (_code, width, _box) in afm._chars.items()}
    widths = {}
    for codepoint, glyph in UV2AGL.items():
        if glyph in by_glyph:
            widths[chr(codepoint)] = by_glyph[glyph]
    return widths


@cache
def _ttf_widths(name: str) -> dict[str, float]:
    """Character → advance width in em, from a TrueType file."""
    font = TTFont(str(_fonts_folder() / "ttf" / name), lazy=True)
    per_em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    return {chr(cp): metrics[glyph][0] / per_em for cp, glyph in font.getBestCmap().items()}


TIMES = {False: "ptmr8a.afm", True: "ptmb8a.afm"}
SUBSTITUTE = {False: "DejaVuSerif.ttf", True: "DejaVuSerif-Bold.ttf"}


def _em(widths: dict[str, float], char: str) -> float:
    if char in widths:
        return widths[char]
    base = unicodedata.normalize("NFD", char)[:1]
    if base in widths:
        return widths[base]
    return widths.get("n", 0.5)  # a character the font lacks: the width of an average letter


def _width(widths: dict[str, float], text: str, size_pt: float) -> float:
    text = unicodedata.normalize("NFC", text)
    return sum(_em(widths, c) for c in text) * size_pt * MM_PER_PT


def times_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """The printed width (mm) of one line of `text` in Times New Roman."""
    return _width(_afm_widths(TIMES[bold]), text, size_pt)


def cell_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """The width (mm) `text` needs to stay on one line in Times New Roman and in its usual
    substitute (DejaVu Serif): the wider of the two."""
    return max(
        times_width_mm(text, size_pt, bold), _width(_ttf_widths(SUBSTITUTE[bold]), text, size_pt)
    )


def longest_word_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """The width of the widest word of `text` (the narrowest a column holding it may be)."""
    return max((cell_width_mm(w, size_pt, bold) for w in text.split()), default=0.0)


# --- columns into tables -------------------------------------------------------------------------


def figure_column_mm(header: str, cells: Sequence[str], size_pt: float = APPENDIX_PT) -> float:
    """The width of a column of figures under a heading that may wrap: every figure (the last,
    the total, bold) on one line, the heading's longest word whole, the heading on at most
    `HEADER_LINES` lines."""
    figures = [cell_width_mm(c, size_pt) for c in cells[:-1]]
    if cells:
        figures.append(cell_width_mm(cells[-1], size_pt, bold=True))
    heading = max(
        longest_word_mm(header, size_pt, True), cell_width_mm(header, size_pt, True) / HEADER_LINES
    )
    return cell_pad_mm() + max([heading, *figures])


def pack_columns(widths: Sequence[float], room: float) -> list[list[int]]:
    """Split consecutive columns (their widths in mm) into runs that each fit in `room`.

    Greedy, in order; a column wider than `room` alone still gets a run of its own.
    """
    runs: list[list[int]] = []
    used = room + 1.0
    for index, width in enumerate(widths):
        if used + width > room and (not runs or runs[-1]):
            runs.append([])
            used = 0.0
        runs[-1].append(index)
        used += width
    return [run for run in runs if run]
