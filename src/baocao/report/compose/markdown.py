"""How the report writes a thing in Markdown: unit text escaped, figures as printed, pipe tables.

In: a unit's text, a figure with its kind and unit, a table's header and rows. Out: Markdown text
that pandoc reads the same for Quarto and the built-in renderer. The report's sentences, tables
and parts are built on these; nothing here reads a file.

Numbers are written the Vietnamese way: "1.357 căn", "12,5 tỷ đồng", "85,5%"; "–" marks a figure
a unit did not report. Every text that comes from a unit (model names, issue messages quoting
cells, file names) goes through `md_escape`, so what a unit types is shown, never interpreted.
"""

from __future__ import annotations

import math
import string
import unicodedata

import pandas as pd

from baocao.base.numbers import format_money, format_percent
from baocao.config.catalog import Catalogue
from baocao.intake.numbers import format_number

NOT_REPORTED = "–"
# Money in tables is shown in triệu đồng (stored in whole đồng).
TABLE_MONEY_UNIT = "triệu đồng"
TABLE_MONEY_SCALE = 1_000_000
NOTEBOOK_LINK = "notebooks/{code}.html"


# --- escaping ------------------------------------------------------------------------------

# Every ASCII punctuation mark pandoc's Markdown could read as syntax is backslash-escaped
# (pandoc accepts "\" before any ASCII punctuation), straight quotes included so that they are
# not turned into curly ones. Left alone: marks that mean nothing on their own once the text is
# a single line whose brackets are escaped.
_ESCAPED = frozenset(string.punctuation) - frozenset(",;/%?=():")


def md_escape(text: object) -> str:
    """Text from a unit as literal Markdown on one line: `<script>` shows as text, `|` cannot
    split a table cell, `*`, `_`, `[`, `#`, backticks and the rest lose their meaning.

    Also: NFC, control and invisible format characters dropped, whitespace runs (newlines
    included) collapsed to one space. None and NaN give "".
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    raw = unicodedata.normalize("NFC", str(text))
    visible = "".join(
        ch if unicodedata.category(ch)[0] != "C" else (" " if ch in "\t\n\r\v\f" else "")
        for ch in raw
    )
    return "".join("\\" + ch if ch in _ESCAPED else ch for ch in " ".join(visible.split()))


def table_cell(text: object) -> str:
    """Text safe inside a pipe-table cell."""
    return md_escape(text)


def lower_first(text: str) -> str:
    """ "Số ý kiến…" → "số ý kiến…" inside a sentence; an acronym ("HĐND…") is kept."""
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


# --- numbers -------------------------------------------------------------------------------


def is_missing(value: object) -> bool:
    """None, NaN, pd.NA: nothing there. A string (even "") is a value."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def is_truthy(value: object) -> bool:
    """A flag cell read leniently: "true"/"1"/"yes" (any case) or a truthy value; missing is False."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    if is_missing(value):
        return False
    return bool(value)


def format_cell(value: float | None, kind: str = "count") -> str:
    """One figure as printed in a table: "1.357", percentages with one decimal "85,5", money
    in triệu đồng with exactly one decimal ("1.584,1", "1.500,0") so that a dozen units fit
    across the page and "1.500" is never read as 1,5 beside "1.058,4"."""
    if is_missing(value):
        return NOT_REPORTED
    if kind == "percent":
        return format_number(value, 1, trim=True)
    if kind == "money":
        return format_number(value / TABLE_MONEY_SCALE, 1)
    return format_number(value)


def table_unit(unit: str, kind: str) -> str:
    """The unit printed in a table's header: money in `TABLE_MONEY_UNIT`, else the figure's own."""
    return TABLE_MONEY_UNIT if kind == "money" else unit


def figure_kind(code: str, unit: str, catalogue: Catalogue | None) -> str:
    """ "count", "percent" or "money" of indicator `code`: the catalogue's kind, else "%" → percent."""
    if catalogue is not None:
        try:
            return catalogue.indicator(code).kind
        except KeyError:
            pass
    return "percent" if unit.strip() == "%" else "count"


def format_figure(value: float | None, kind: str, unit: str) -> str:
    """A figure with its unit, as a sentence says it: "1.357 căn", "1,25 tỷ đồng", "85,5%"."""
    if is_missing(value):
        return NOT_REPORTED
    if kind == "money":
        return format_money(round(float(value)))
    if kind == "percent":
        return format_percent(float(value))
    return f"{format_number(round(float(value)))} {unit}"


def pipe_table(header: list[str], rows: list[list[str]], widths: list[int], align: str) -> str:
    """A pandoc pipe table. `widths` are relative dash counts (pandoc turns them into column
    widths once a row is wider than the page); `align` is one of "l", "r", "c" per column."""
    marks = {"l": ":{}", "r": "{}:", "c": ":{}:"}
    rule = [marks[a].format("-" * max(w, 3)) for a, w in zip(align, widths, strict=True)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def unit_cell(unit_code: str, text: str, notebook_links: bool) -> str:
    """A unit's name in a table; with `notebook_links`, a link to its review notebook."""
    shown = table_cell(text)
    if not notebook_links:
        return shown
    return f"[{shown}]({NOTEBOOK_LINK.format(code=unit_code)})"
