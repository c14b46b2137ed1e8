"""The pieces of `report.qmd`: frames in, Markdown out.

The report's cells only call these and `print` the result (`output: asis`), so Quarto and the
built-in renderer receive the same Markdown. Everything here is a pure function of its arguments
except `load_report_data`, the one reader, which takes the period's processed tables (and the
same period a year earlier, the outline and the analysts' narratives) from disk.

Numbers are written the Vietnamese way: "1.357 căn", "12,5 tỷ đồng", "85,5%"; "–" marks a figure
a unit did not report. Every text that comes from a unit (model names, issue messages quoting
cells, file names) goes through `md_escape`, so what a unit types is shown, never interpreted.
"""

from __future__ import annotations

import json
import math
import string
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from baocao.config.catalog import Catalogue, load_catalogue
from baocao.config.outline import Outline, Part, Section, fill_period, load_outline, share_base
from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period
from baocao.config.settings import (
    DEFAULT_TITLE,
    ReportSettings,
    apply_overrides,
    load_report_settings,
)
from baocao.config.units import Unit, UnitList, load_units
from baocao.errors import BaocaoError, ConfigError
from baocao.intake.format_numbers import format_change, format_money, format_number, format_percent
from baocao.report import narrative as nv
from baocao.report import table_layout as tl
from baocao.report.narrative_source import Orphan, load_narratives
from baocao.run.aggregate import appendix_table
from baocao.run.store import RUN_FILE, read_csv, read_json, read_unit_status
from baocao.unit.validate import STATE_MISSING, STATE_VALID

NOT_REPORTED = "–"
# Money in tables is shown in triệu đồng (stored in whole đồng).
TABLE_MONEY_UNIT = "triệu đồng"
TABLE_MONEY_SCALE = 1_000_000
TOTAL_HEADER = "Tổng cộng"
VALUES_FILE = "values.csv"
STATUS_FILE = "status.csv"
MODELS_FILE = "models.csv"
NARRATIVE_FOLDER = "narrative"
NOTEBOOK_LINK = "notebooks/{code}.html"
LEADERS = 3  # units named as leading a figure
APPENDIX_NOTE = (
    f"Ghi chú: “{NOT_REPORTED}” là chỉ tiêu đơn vị chưa báo cáo hoặc có số liệu không hợp lệ "
    "(không tính vào tổng cộng).\n"
)
SEVERITY_WORDS = {"error": "Lỗi", "warning": "Cảnh báo"}


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


def _cell(text: object) -> str:
    """Text safe inside a pipe-table cell."""
    return md_escape(text)


def _lower_first(text: str) -> str:
    """ "Số ý kiến…" → "số ý kiến…" inside a sentence; an acronym ("HĐND…") is kept."""
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


# --- numbers -------------------------------------------------------------------------------


def _missing(value: object) -> bool:
    """None, NaN, pd.NA: nothing there. A string (even "") is a value."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _fmt(value: float | None, kind: str = "count") -> str:
    """One figure as printed in a table: "1.357", percentages with one decimal "85,5", money
    in triệu đồng with one decimal ("1.584,1") so that a dozen units fit across the page."""
    if _missing(value):
        return NOT_REPORTED
    if kind == "percent":
        return format_number(value, 1, trim=True)
    if kind == "money":
        return format_number(value / TABLE_MONEY_SCALE, 1, trim=True)
    return format_number(value)


def _table_unit(unit: str, kind: str) -> str:
    return TABLE_MONEY_UNIT if kind == "money" else unit


def _kind(code: str, unit: str, catalogue: Catalogue | None) -> str:
    if catalogue is not None:
        try:
            return catalogue.indicator(code).kind
        except KeyError:
            pass
    return "percent" if unit.strip() == "%" else "count"


def format_figure(value: float | None, kind: str, unit: str) -> str:
    """A figure with its unit, as a sentence says it: "1.357 căn", "1,25 tỷ đồng", "85,5%"."""
    if _missing(value):
        return NOT_REPORTED
    if kind == "money":
        return format_money(round(float(value)))
    if kind == "percent":
        return format_percent(float(value))
    return f"{format_number(round(float(value)))} {unit}"


def roman(number: int) -> str:
    """1 → "I", 14 → "XIV": the numbering of group rows in Vietnamese tables."""
    marks = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    text = ""
    for value, mark in marks:
        count, number = divmod(number, value)
        text += mark * count
    return text


def _pipe_table(header: list[str], rows: list[list[str]], widths: list[int], align: str) -> str:
    """A pandoc pipe table. `widths` are relative dash counts (pandoc turns them into column
    widths once a row is wider than the page); `align` is one of "l", "r", "c" per column."""
    marks = {"l": ":{}", "r": "{}:", "c": ":{}:"}
    rule = [marks[a].format("-" * max(w, 3)) for a, w in zip(align, widths, strict=True)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _unit_cell(unit_code: str, text: str, notebook_links: bool) -> str:
    """A unit's name in a table; with `notebook_links`, a link to its review notebook."""
    shown = _cell(text)
    if not notebook_links:
        return shown
    return f"[{shown}]({NOTEBOOK_LINK.format(code=unit_code)})"


# --- titles --------------------------------------------------------------------------------


def report_title(period: str, settings: ReportSettings | None = None) -> str:
    """The subject line of the report, e.g. "… 6 tháng đầu năm 2021, nhiệm vụ trọng tâm …":
    the `title` of the report settings in force for the period, its {ky_bao_cao} / {ky_toi}
    filled (without settings, the 2021 title)."""
    template = settings.title if settings is not None else DEFAULT_TITLE
    return fill_period(template, Period.parse(period))


def _document_date(day: date) -> str:
    """The date as "05/7/2021": days below 10 and months 1–2 get a leading zero (NĐ 30/2020)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


def attachment_note(settings: ReportSettings, period: str) -> str:
    """The line under an appendix title: "(Kèm theo Báo cáo số 12/BC-MTTQ-BTT ngày 05/7/2021)"."""
    own = settings.for_period(period)
    number = f"{own.number:02d}" if own.number else "…"
    text = f"Kèm theo Báo cáo số {number}/{settings.document_code}"
    if own.date:
        text += f" ngày {_document_date(own.date)}"
    return f"*({text})*\n"


# --- the period's figures: totals, per unit, a year earlier, gaps ---------------------------


@dataclass(frozen=True)
class Meta:
    """What a sentence needs to know about a figure (a catalogue indicator or a derived one)."""

    code: str
    label: str
    unit: str
    kind: str
    section: str
    weighted: bool = False  # a weighted mean over units, not a sum


@dataclass(frozen=True)
class FigureSet:
    """The period's figures as the sentences and charts use them.

    `table`: one row per figure (index: code), one column per unit code, and `total`; catalogue
    indicators then derived figures in outline order. `previous`: the same for the same period a
    year earlier, None when there is no earlier data. `gaps`: unit code → [(figure code, reason)]
    for the figures a submitting unit left blank ("blank") or got wrong ("excluded").
    """

    table: pd.DataFrame
    previous: pd.DataFrame | None
    units: tuple[Unit, ...]
    meta: dict[str, Meta]
    shares: dict[str, str]  # code → the code its share is taken of
    missing_units: tuple[str, ...]  # units that sent nothing
    gaps: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # False when the same period a year earlier was reported by another unit list: `previous`
    # then holds province totals only, and `unit_change` says why (one sentence).
    compare_units: bool = True
    unit_change: str = ""

    def names(self) -> dict[str, str]:
        return {u.code: u.short for u in self.units}

    def codes_of(self, section: str) -> list[str]:
        return [c for c, m in self.meta.items() if m.section == section]


def _with_derived(table: pd.DataFrame, outline: Outline | None, unit_codes: list[str]):
    table = table.set_index("code", drop=False)
    if outline is None:
        return table
    rows = []
    for derived in outline.derived:
        if not set(derived.of) <= set(table.index):  # a part not in that catalogue version
            continue
        parts = table.loc[list(derived.of)]
        row = {
            "code": derived.code,
            "section": parts["section"].iloc[0],
            "label": derived.label,
            "unit": parts["unit"].iloc[0],
        }
        for code in unit_codes:
            row[code] = parts[code].sum(min_count=1)
        row["total"] = parts["total"].sum(min_count=1)
        rows.append(row)
    if not rows:
        return table
    extra = pd.DataFrame(rows).set_index("code", drop=False)
    return pd.concat([table, extra])


def _metas(catalogue: Catalogue, outline: Outline | None) -> dict[str, Meta]:
    metas = {
        i.code: Meta(
            i.code, i.label, i.unit, i.kind, i.section, weighted=i.total_method == "weighted_mean"
        )
        for i in catalogue.indicators
    }
    for derived in outline.derived if outline is not None else ():
        first = catalogue.indicator(derived.of[0])
        metas[derived.code] = Meta(
            derived.code, derived.label, first.unit, first.kind, first.section
        )
    # A derived figure follows the last of its parts.
    ordered: dict[str, Meta] = {}
    pending = {d.code: d for d in (outline.derived if outline is not None else ())}
    for code, meta in metas.items():
        if code in pending:
            continue
        ordered[code] = meta
        for d_code, derived in list(pending.items()):
            if derived.of[-1] == code:
                ordered[d_code] = metas[d_code]
                del pending[d_code]
    for d_code in pending:
        ordered[d_code] = metas[d_code]
    return ordered


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    if _missing(value):
        return False
    return bool(value)


def figure_gaps(
    values: pd.DataFrame, status: pd.DataFrame
) -> tuple[tuple[str, ...], dict[str, list[tuple[str, str]]]]:
    """Units that sent nothing, and per submitting unit the figures blank or excluded."""
    missing = tuple(str(c) for c in status.loc[status["state"] == STATE_MISSING, "unit_code"])
    gaps: dict[str, list[tuple[str, str]]] = {}
    for row in values.to_dict("records"):
        unit = str(row["unit_code"])
        if unit in missing:
            continue
        if not _truthy(row.get("reported")) or _missing(row.get("value")):
            gaps.setdefault(unit, []).append((str(row["indicator_code"]), "blank"))
        elif not _truthy(row.get("included")):
            gaps.setdefault(unit, []).append((str(row["indicator_code"]), "excluded"))
    return missing, gaps


def build_figures(
    values: pd.DataFrame,
    status: pd.DataFrame,
    catalogue: Catalogue,
    units: tuple[Unit, ...],
    outline: Outline | None = None,
    previous_values: pd.DataFrame | None = None,
    previous_units: tuple[Unit, ...] | None = None,
    previous_catalogue: Catalogue | None = None,
    unit_change: str = "",
) -> FigureSet:
    """The `FigureSet` of a period (and, with `previous_values`, of the same period a year
    earlier, totalled with its own unit list and catalogue version, `previous_units` and
    `previous_catalogue`).

    Figures compare only where they mean the same: an indicator code in both catalogue
    versions. Units compare only when both periods have the same unit list; otherwise
    (`unit_change`, the sentence saying why, or another list) `previous` keeps the province
    totals alone and `compare_units` is False — nothing is matched by name or code across lists.
    """
    codes = [u.code for u in units]
    table = _with_derived(appendix_table(values, catalogue, units), outline, codes)
    previous = None
    before = tuple(previous_units) if previous_units is not None else tuple(units)
    compare_units = not unit_change and before == tuple(units)
    if previous_values is not None:
        earlier_catalogue = previous_catalogue if previous_catalogue is not None else catalogue
        previous = _with_derived(
            appendix_table(previous_values, earlier_catalogue, before),
            outline,
            [u.code for u in before],
        )
        previous = previous[previous.index.isin(table.index)]
        if not compare_units:
            previous = previous[["code", "section", "label", "unit", "total"]]
    shares = {}
    for indicator in catalogue.indicators:
        base = share_base(catalogue, indicator.code)
        if base is not None:
            shares[indicator.code] = base
    missing, gaps = figure_gaps(values, status)
    return FigureSet(
        table=table,
        previous=previous,
        units=tuple(units),
        meta=_metas(catalogue, outline),
        shares=shares,
        missing_units=missing,
        gaps=gaps,
        compare_units=compare_units,
        unit_change=unit_change if previous is not None else "",
    )


def unit_change_sentence(before: UnitList, after: UnitList, province: str = "") -> str:
    """Why units are not compared with the same period a year earlier, from the unit lists:
    "Từ ngày 01/7/2025, tỉnh Lạng Sơn có 65 đơn vị cấp xã thay cho 11 đơn vị cấp huyện (theo …);
    so sánh cùng kỳ ở cấp tỉnh." Empty when both periods have the same list."""
    if before == after:
        return ""
    start = after.effective
    when = (
        f"Từ ngày {start.day:02d}/{start.month}/{start.year}"
        if start is not None
        else f"Từ {Period.parse(after.first).label()}"
    )
    where = f"tỉnh {province}" if province else "tỉnh"

    def count(unit_list: UnitList) -> str:
        level = f" cấp {unit_list.level}" if unit_list.level else ""
        return f"{format_number(len(unit_list.units))} đơn vị{level}"

    basis = f" (theo {md_escape(after.basis)})" if after.basis else ""
    return (
        f"{when}, {where} có {count(after)} thay cho {count(before)}{basis}, nên số liệu "
        "không so sánh theo từng đơn vị; so sánh cùng kỳ ở cấp tỉnh, với các chỉ tiêu có ở cả "
        "hai kỳ."
    )


# --- sentences -----------------------------------------------------------------------------


def change_phrase(current: float | None, previous: float | None, meta: Meta) -> str | None:
    """ "tăng 15,2% so với cùng kỳ (1.071 cuộc)"; a share changes in percentage points.
    None when either figure is missing."""
    if _missing(current) or _missing(previous):
        return None
    before = format_figure(previous, meta.kind, meta.unit)
    if meta.kind == "percent":
        points = round(float(current) - float(previous), 1)
        if points == 0:
            return f"bằng cùng kỳ ({before})"
        word = "tăng" if points > 0 else "giảm"
        return f"{word} {format_number(abs(points), 1)} điểm phần trăm so với cùng kỳ ({before})"
    change = format_change(float(current), float(previous))
    if change is None:  # the previous figure was 0
        return f"cùng kỳ: {before}"
    return f"{change} ({before})"


def leading_units(by_unit: Mapping[str, float], n: int = LEADERS) -> list[tuple[str, float]]:
    """The `n` units with the largest positive figure (ties keep the unit list's order);
    none when fewer than two units have a figure to compare."""
    present = [(code, float(v)) for code, v in by_unit.items() if not _missing(v)]
    if len(present) < 2:
        return []
    ranked = sorted((p for p in present if p[1] > 0), key=lambda p: -p[1])
    return ranked[:n]


def share_value(table: pd.DataFrame, code: str, base: str, unit_codes: Iterable[str]) -> float:
    """`code` as a percentage of `base`, over the units that have both figures (NaN if none)."""
    unit_codes = list(unit_codes)
    part = table.loc[code, unit_codes].astype("float64")
    whole = table.loc[base, unit_codes].astype("float64")
    both = part.notna() & whole.notna()
    if not both.any() or whole[both].sum() <= 0:
        return float("nan")
    return float(part[both].sum() / whole[both].sum() * 100)


def figure_sentence(code: str, figures: FigureSet) -> str:
    """One figure's sentence: total (or weighted mean), share of its base, change against the
    same period a year earlier, and the leading units.

    "Số cuộc tuyên truyền: 1.234 cuộc, tăng 15,2% so với cùng kỳ (1.071 cuộc); dẫn đầu là
    TP Lạng Sơn (200 cuộc), Cao Lộc (180 cuộc), Hữu Lũng (150 cuộc)."
    """
    meta = figures.meta[code]
    row = figures.table.loc[code]
    label = _cell(meta.label)
    total = row["total"]
    if _missing(total):
        return f"{label}: chưa có đơn vị báo cáo."
    shown = format_figure(total, meta.kind, meta.unit)
    parts = [f"bình quân {shown}" if meta.weighted else shown]
    unit_codes = [u.code for u in figures.units]
    base = figures.shares.get(code)
    if base is not None and base in figures.table.index:
        share = share_value(figures.table, code, base, unit_codes)
        if not _missing(share):
            parts.append(
                f"bằng {format_percent(share)} {_cell(_lower_first(figures.meta[base].label))}"
            )
    if figures.previous is not None and code in figures.previous.index:
        change = change_phrase(total, figures.previous.loc[code, "total"], meta)
        if change:
            parts.append(change)
    text = f"{label}: {', '.join(parts)}"
    names = figures.names()
    leaders = leading_units({c: row[c] for c in unit_codes})
    if leaders:
        listed = ", ".join(
            f"{_cell(names[c])} ({format_figure(v, meta.kind, meta.unit)})" for c, v in leaders
        )
        text += f"; dẫn đầu là {listed}"
    return text + "."


def gaps_sentence(codes: Iterable[str], figures: FigureSet, *, detailed: bool) -> str:
    """Which units the section's totals leave out: those that sent nothing, and those whose
    figures are blank or (internal draft, `detailed`) excluded by an error rule."""
    codes = set(codes)
    names = figures.names()
    pieces = [f"{_cell(names.get(c, c))} (chưa nộp báo cáo)" for c in figures.missing_units]
    for unit in figures.units:
        own = [(c, why) for c, why in figures.gaps.get(unit.code, []) if c in codes]
        if not own:
            continue
        if detailed:
            said = []
            for c, why in own:
                word = "để trống" if why == "blank" else "không hợp lệ, chưa tính vào tổng"
                said.append(f"{_cell(_lower_first(figures.meta[c].label))}: {word}")
            pieces.append(f"{_cell(unit.short)} ({'; '.join(said)})")
        else:
            labels = ", ".join(_cell(_lower_first(figures.meta[c].label)) for c, _ in own)
            pieces.append(f"{_cell(unit.short)} ({labels})")
    if not pieces:
        return ""
    return f"*Số liệu chưa gồm: {'; '.join(pieces)}.*\n"


def section_figures_markdown(section: str, figures: FigureSet, *, detailed: bool = False) -> str:
    """The figures of one catalogue section, one "- …" paragraph per figure, then the gaps.

    Lines start with a literal dash, as in the printed report, not with a Word list.
    """
    codes = figures.codes_of(section)
    if not codes:
        return ""
    lines = [f"\\- {figure_sentence(code, figures)}" for code in codes]
    gaps = gaps_sentence(codes, figures, detailed=detailed)
    return "\n\n".join(lines) + "\n" + ("\n" + gaps if gaps else "")


def sources_note(figures: FigureSet, period: Period) -> str:
    """The paragraph opening Part 1: how many units the figures come from, and whether they are
    compared with the same period a year earlier."""
    total = len(figures.units)
    sent = total - len(figures.missing_units)
    earlier = period.same_period_last_year().label()
    text = f"Số liệu trong báo cáo được tổng hợp từ báo cáo của {sent}/{total} đơn vị"
    if figures.missing_units:
        names = figures.names()
        text += f" (chưa nộp: {', '.join(_cell(names.get(c, c)) for c in figures.missing_units)})"
    if figures.previous is None:
        text += (
            f". Chưa có số liệu cùng kỳ ({earlier}) nên các số liệu không được so sánh với "
            "cùng kỳ năm trước."
        )
    else:
        text += f"; các so sánh “cùng kỳ” là so với {earlier}."
        if figures.unit_change:
            text += f" {figures.unit_change}"
    return text + "\n"


def figure_names(figures: FigureSet, period: Period) -> dict[str, str]:
    """The names a narrative may use in braces, each with its formatted text.

    For every figure code (catalogue indicators and derived figures): `{code}` the total with
    its unit, `{code_cung_ky}` the same period a year earlier, `{code_thay_doi}` the change,
    `{code_dan_dau}` the leading units, and `{code_ty_le}` for a figure with a base (answered
    of collected…). Also `{ky_bao_cao}`, `{ky_toi}`, `{ky_cung_ky}`, `{so_don_vi_nop}`,
    `{tong_so_don_vi}`, `{don_vi_chua_nop}`.
    """
    names = figures.names()
    unit_codes = [u.code for u in figures.units]
    out: dict[str, str] = {}
    for code, meta in figures.meta.items():
        row = figures.table.loc[code]
        total = row["total"]
        out[code] = (
            format_figure(total, meta.kind, meta.unit) if not _missing(total) else "chưa có số liệu"
        )
        before = None
        if figures.previous is not None and code in figures.previous.index:
            before = figures.previous.loc[code, "total"]
        out[f"{code}_cung_ky"] = (
            format_figure(before, meta.kind, meta.unit)
            if not _missing(before)
            else "chưa có số liệu"
        )
        change = change_phrase(total, before, meta)
        out[f"{code}_thay_doi"] = (
            change.rsplit(" (", 1)[0] if change else "chưa có số liệu cùng kỳ để so sánh"
        )
        leaders = leading_units({c: row[c] for c in unit_codes})
        out[f"{code}_dan_dau"] = (
            ", ".join(
                f"{_cell(names[c])} ({format_figure(v, meta.kind, meta.unit)})" for c, v in leaders
            )
            or "chưa đủ số liệu để so sánh giữa các đơn vị"
        )
        base = figures.shares.get(code)
        if base is not None:
            share = share_value(figures.table, code, base, unit_codes)
            out[f"{code}_ty_le"] = (
                format_percent(share) if not _missing(share) else "chưa có số liệu"
            )
    sent = len(figures.units) - len(figures.missing_units)
    out.update(
        {
            "ky_bao_cao": period.label(),
            "ky_toi": period.next_label(),
            "ky_cung_ky": period.same_period_last_year().label(),
            "so_don_vi_nop": format_number(sent),
            "tong_so_don_vi": format_number(len(figures.units)),
            "don_vi_chua_nop": ", ".join(_cell(names[c]) for c in figures.missing_units)
            or "không có",
        }
    )
    return out


GENERAL_NAMES = {
    "ky_bao_cao": "Kỳ báo cáo",
    "ky_toi": "Kỳ tới (Phần thứ hai)",
    "ky_cung_ky": "Cùng kỳ năm trước",
    "so_don_vi_nop": "Số đơn vị đã nộp báo cáo",
    "tong_so_don_vi": "Tổng số đơn vị",
    "don_vi_chua_nop": "Tên các đơn vị chưa nộp",
}


def figure_glossary(
    catalogue: Catalogue, outline: Outline | None, names: Mapping[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """(name, meaning, value) of every name `figure_names` gives, in its order, for the table
    the writers look names up in. `names`: the period's values (None: not processed yet)."""
    metas = _metas(catalogue, outline)
    rows: list[tuple[str, str, str]] = []
    for code, meta in metas.items():
        label = meta.label
        rows += [
            (code, f"{label}: {'bình quân' if meta.weighted else 'tổng cộng'} của kỳ"),
            (f"{code}_cung_ky", f"{label}: cùng kỳ năm trước"),
            (f"{code}_thay_doi", f"{label}: so sánh với cùng kỳ"),
            (f"{code}_dan_dau", f"{label}: {LEADERS} đơn vị dẫn đầu"),
        ]
        base = share_base(catalogue, code)
        if base is not None:
            rows.append(
                (f"{code}_ty_le", f"{label}: tỷ lệ so với “{_lower_first(metas[base].label)}”")
            )
    rows += list(GENERAL_NAMES.items())
    missing = "chưa có (chưa xử lý số liệu của kỳ)"
    return [(n, m, (names or {}).get(n, missing)) for n, m in rows]


# --- Phụ lục I -----------------------------------------------------------------------------

# Phụ lục I is a run of tables titled "Bảng 1. …", "Bảng 2. …": the caption marks them for the
# DOCX finisher (landscape pages) and the HTML filter (scrolling box, header in view).
BY_UNIT_CAPTION = "Bảng"
CONTINUED = "(tiếp theo)"
UNIT_HEADER = "Đơn vị"
UNIT_COLUMN_MAX_SHARE = 0.25  # of the page's width: a longer unit name wraps


@dataclass(frozen=True)
class AppendixTable:
    """One table of Phụ lục I: a catalogue section (or part of one), units as rows.

    `codes` are the indicator codes of its columns; `header`, `rows` are the cells as printed
    (the last row is the province's total); `widths_mm` the measured width of each column.
    """

    caption: str
    sections: tuple[str, ...]
    codes: tuple[str, ...]
    header: list[str]
    rows: list[list[str]]
    widths_mm: list[float]


def appendix_tables(
    table: pd.DataFrame,
    units: Iterable[Unit],
    catalogue: Catalogue | None = None,
    *,
    room_mm: float | None = None,
    size_pt: float = tl.APPENDIX_PT,
) -> list[AppendixTable]:
    """Phụ lục I as tables of units × indicators, grouped by catalogue section.

    Narrow sections of one programme share a table while it fits the page.

    Columns: STT | Đơn vị | one per indicator ("<label> (<ĐVT>)"); rows: one per unit in the
    unit list's order, then "Tổng cộng" (the province). A section whose columns do not fit in
    `room_mm` (default: the text width of an A4 landscape page) is split into several tables
    ("(tiếp theo)"). Column widths are measured (`table_layout`): every figure, the total
    included, fits on one line at `size_pt`. Cells are plain text (not yet escaped).
    """
    units = tuple(units)
    room = tl.landscape_text_width_mm() if room_mm is None else room_mm
    sections: Mapping[str, str] = catalogue.sections if catalogue is not None else {}
    pad = tl.cell_pad_mm()
    numbers = [str(n) for n in range(1, len(units) + 1)]
    stt = pad + max(tl.cell_width_mm(t, size_pt, bold=t == "STT") for t in ["STT", *numbers])
    names = [u.short for u in units]
    unit_width = pad + max(
        [tl.cell_width_mm(TOTAL_HEADER, size_pt, True), tl.longest_word_mm(UNIT_HEADER, size_pt)]
        + [tl.cell_width_mm(n, size_pt) for n in names]
    )
    unit_width = min(
        unit_width,
        max(
            room * UNIT_COLUMN_MAX_SHARE,
            pad + max((tl.longest_word_mm(n, size_pt) for n in names), default=0.0),
        ),
    )
    room_for_figures = room - stt - unit_width
    columns: list[tuple[str, str, str, list[str], float]] = []  # section, code, header, cells, mm
    for row in table.to_dict("records"):
        kind = _kind(row["code"], row["unit"], catalogue)
        heading = f"{row['label']} ({_table_unit(row['unit'], kind)})"
        cells = [_fmt(row.get(u.code, float("nan")), kind) for u in units]
        cells.append(_fmt(row["total"], kind))
        width = tl.figure_column_mm(heading, cells, size_pt)
        columns.append((str(row["section"]), str(row["code"]), heading, cells, width))
    order = list(dict.fromkeys(c[0] for c in columns))
    # Tables as (sections, column indices, continued): a section wider than the page is split
    # (its later parts "tiếp theo"); sections of one programme (1.1, 1.2 …) and the last part
    # of a split section share a table while they fit.
    groups: list[tuple[list[str], list[int], bool]] = []
    open_group = False
    for section in order:
        own = [i for i, c in enumerate(columns) if c[0] == section]
        width = sum(columns[i][4] for i in own)
        if open_group:
            sections_in, indices, continued = groups[-1]
            same_programme = sections_in[-1].split(".")[0] == section.split(".")[0]
            used = sum(columns[i][4] for i in indices)
            if same_programme and used + width <= room_for_figures:
                groups[-1] = ([*sections_in, section], [*indices, *own], continued)
                continue
        if width > room_for_figures:
            runs = tl.pack_columns([columns[i][4] for i in own], room_for_figures)
            groups += [([section], [own[i] for i in run], n > 0) for n, run in enumerate(runs)]
        else:
            groups.append(([section], own, False))
        open_group = True
    out: list[AppendixTable] = []
    for sections_in, indices, continued in groups:
        titles = [f"{s}. {sections[s]}" if s in sections else s for s in sections_in]
        if continued:
            titles[0] += f" {CONTINUED}"
        caption = f"{BY_UNIT_CAPTION} {len(out) + 1}. {'; '.join(titles)}"
        body = [
            [numbers[i], names[i], *(columns[c][3][i] for c in indices)] for i in range(len(units))
        ]
        body.append(["", TOTAL_HEADER, *(columns[c][3][-1] for c in indices)])
        out.append(
            AppendixTable(
                caption=caption,
                sections=tuple(sections_in),
                codes=tuple(columns[c][1] for c in indices),
                header=["STT", UNIT_HEADER, *(columns[c][2] for c in indices)],
                rows=body,
                widths_mm=[stt, unit_width, *(columns[c][4] for c in indices)],
            )
        )
    return out


def appendix_markdown(
    table: pd.DataFrame,
    units: Iterable[Unit],
    catalogue: Catalogue | None = None,
    *,
    notebook_links: bool = False,
    without_notebook: Iterable[str] = (),
) -> str:
    """Phụ lục I as pipe tables with captions ("Bảng 1. 1.1. …"), one or more per section:
    STT | Đơn vị | the section's indicators, one row per unit, "Tổng cộng" last (bold).

    `table` is `aggregate.appendix_table` (rows in catalogue order; columns code, section,
    label, unit, one per unit code, total). With a catalogue, section titles come from it and
    figures are formatted by the indicator's kind; without one, a "%" unit means a percentage.
    With `notebook_links` (the internal draft) each unit's name links to its review notebook
    `notebooks/<code>.html`, except the units `without_notebook` (those that sent nothing).
    """
    units = tuple(units)
    without_notebook = set(without_notebook)
    parts = []
    for t in appendix_tables(table, units, catalogue):
        header = [_cell(h) for h in t.header]
        rows = []
        for index, row in enumerate(t.rows):
            if index < len(units):
                unit = units[index]
                linked = notebook_links and unit.code not in without_notebook
                rows.append([row[0], _unit_cell(unit.code, row[1], linked), *row[2:]])
            else:
                rows.append(["", *(f"**{_cell(c)}**" for c in row[1:])])
        widths = [max(3, round(w)) for w in t.widths_mm]
        align = "cl" + "r" * (len(header) - 2)
        parts.append(f": {_cell(t.caption)}\n\n" + _pipe_table(header, rows, widths, align))
    return "\n".join(parts)


# --- Phụ lục II ----------------------------------------------------------------------------


def models_markdown(models: pd.DataFrame, units: Iterable[Unit], outline: Outline) -> str:
    """Phụ lục II: the units' models by programme, then by unit (in the unit list's order).

    STT | Tên mô hình, cách làm | Đơn vị | Thời gian | Số người tham gia | Hiệu quả, with a bold
    row per programme titled from the outline ("Nội dung chương trình 2"). Every field is the
    unit's own text, escaped.
    """
    units = tuple(units)
    if models is None or models.empty:
        return "Chưa có đơn vị báo cáo mô hình, cách làm hiệu quả trong kỳ.\n"
    order = {u.code: i for i, u in enumerate(units)}
    short = {u.code: u.short for u in units}
    titles = {}
    for section in outline.sections:
        if section.level == 3 and section.id.isdigit():
            titles[section.id] = section.heading.split(". ", 1)[-1]
    frame = models.copy()
    frame["_programme"] = frame["programme"].map(_programme_key)
    frame["_unit"] = frame["unit_code"].astype(str).map(lambda c: order.get(c, len(order)))
    frame["_stt"] = pd.to_numeric(frame["stt"], errors="coerce")
    frame["_last"] = frame["_programme"] == ""  # models without a programme go last
    frame = frame.sort_values(["_last", "_programme", "_unit", "_stt"], kind="stable")
    rows: list[list[str]] = []
    for groups, (programme, group) in enumerate(frame.groupby("_programme", sort=False), 1):
        title = (
            titles.get(programme, f"Chương trình {programme}")
            if programme
            else "Chưa ghi chương trình"
        )
        rows.append([f"**{roman(groups)}**", f"**{_cell(title)}**", "", "", "", ""])
        for number, model in enumerate(group.to_dict("records"), start=1):
            participants = model.get("participants")
            as_number = pd.to_numeric(pd.Series([participants]), errors="coerce").iloc[0]
            people = (
                format_number(as_number) if not _missing(as_number) else md_escape(participants)
            )
            rows.append(
                [
                    str(number),
                    md_escape(model.get("name")),
                    md_escape(short.get(str(model["unit_code"]), model["unit_code"])),
                    md_escape(model.get("time")),
                    people,
                    md_escape(model.get("effect")),
                ]
            )
    header = [
        "STT",
        "Tên mô hình, cách làm",
        "Đơn vị",
        "Thời gian",
        "Số người tham gia",
        "Hiệu quả",
    ]
    return _pipe_table(header, rows, [4, 28, 10, 10, 8, 30], "cllcrl")


def _programme_key(value: object) -> str:
    if _missing(value):
        return ""
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") else text


def models_pointer(models: pd.DataFrame, programme: int) -> str:
    """ "Các đơn vị báo cáo 9 mô hình, cách làm hiệu quả thuộc chương trình 2 (Phụ lục II)."."""
    if models is None or models.empty:
        return ""
    count = int((models["programme"].map(_programme_key) == str(programme)).sum())
    if not count:
        return ""
    return (
        f"Các đơn vị đã báo cáo {format_number(count)} mô hình, cách làm hiệu quả thuộc "
        f"chương trình {programme} (chi tiết tại Phụ lục II).\n"
    )


# --- units' submissions, validation (internal draft) ---------------------------------------


def status_markdown(status: pd.DataFrame, *, notebook_links: bool = False) -> str:
    """The units' submissions, readable at any number of units: a sentence counting them by
    state; the units that sent nothing, by name; a table (STT | Đơn vị | Tình trạng | Số dòng
    đã đọc | Lỗi | Cảnh báo) of the units with errors or warnings only; then the units whose
    file is valid, as one line of names. With `notebook_links`, a unit that sent a file links
    to its review notebook (in the table and in the line)."""
    records = status.to_dict("records")
    missing = [r for r in records if r["state"] == STATE_MISSING]
    sent = [r for r in records if r["state"] != STATE_MISSING]
    flagged = [
        r
        for r in sent
        if _number(r.get("errors")) > 0
        or _number(r.get("warnings")) > 0
        or r["state"] != STATE_VALID
    ]
    clean = [r for r in sent if r not in flagged]
    counts = {}
    for r in sent:
        counts[str(r["state"])] = counts.get(str(r["state"]), 0) + 1
    by_state = ", ".join(f"{format_number(n)} {_cell(state)}" for state, n in counts.items())
    text = f"Đã tiếp nhận tệp số liệu của {len(sent)}/{len(records)} đơn vị"
    text += f" ({by_state})." if by_state else "."
    lines = [text + "\n"]
    if missing:
        names = ", ".join(_cell(r["unit_name"]) for r in missing)
        lines.append(f"Đơn vị chưa nộp tệp số liệu ({len(missing)}): {names}.\n")
    else:
        lines.append("Tất cả các đơn vị đã nộp tệp số liệu.\n")
    if flagged:
        header = ["STT", "Đơn vị", "Tình trạng", "Số dòng đã đọc", "Lỗi", "Cảnh báo"]
        rows = [
            [
                str(number),
                _unit_cell(str(r["unit_code"]), r["unit_name"], notebook_links),
                _cell(r["state"]),
                _fmt(_number(r["rows_read"])),
                _fmt(_number(r["errors"])),
                _fmt(_number(r["warnings"])),
            ]
            for number, r in enumerate(flagged, start=1)
        ]
        lines.append(f"Đơn vị có lỗi hoặc cảnh báo ({len(flagged)}):\n")
        lines.append(_pipe_table(header, rows, [4, 24, 12, 8, 6, 6], "cllrrr"))
    if clean:
        names = ", ".join(
            _unit_cell(str(r["unit_code"]), r["unit_name"], notebook_links) for r in clean
        )
        lines.append(f"Đơn vị có tệp số liệu hợp lệ ({len(clean)}): {names}.\n")
    return "\n".join(lines)


def submission_summary(status: pd.DataFrame) -> str:
    """One sentence: how many units sent figures, and which did not."""
    missing = status[status["state"] == STATE_MISSING]
    sent = len(status) - len(missing)
    text = f"Đã tiếp nhận số liệu của {sent}/{len(status)} đơn vị."
    if len(missing):
        names = ", ".join(_cell(name) for name in missing["unit_name"])
        text += f" Đơn vị chưa nộp báo cáo: {names}."
    return text + "\n"


def _number(value: object) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _place(sheet: object, cell: object) -> str:
    parts = []
    if not _missing(sheet) and str(sheet).strip():
        parts.append(f"trang “{md_escape(sheet)}”")
    if not _missing(cell) and str(cell).strip():
        parts.append(f"ô {md_escape(cell)}")
    return ", ".join(parts) or NOT_REPORTED


def issues_markdown(issues: pd.DataFrame, status: pd.DataFrame, units: Iterable[Unit]) -> str:
    """Every error and warning of every unit (internal draft): STT | Đơn vị | Mức độ | Vị trí |
    Nội dung, errors first within a unit; then the units with nothing to report."""
    units = tuple(units)
    short = {u.code: u.short for u in units}
    order = {u.code: i for i, u in enumerate(units)}
    if issues is None or issues.empty:
        return "Không đơn vị nào có lỗi hoặc cảnh báo.\n"
    frame = issues.copy()
    frame["_unit"] = frame["unit_code"].astype(str).map(lambda c: order.get(c, len(order)))
    frame["_severity"] = (frame["severity"] != "error").astype(int)
    frame = frame.sort_values(["_unit", "_severity"], kind="stable")
    rows = []
    for number, issue in enumerate(frame.to_dict("records"), start=1):
        code = str(issue["unit_code"])
        rows.append(
            [
                str(number),
                md_escape(short.get(code, code)),
                SEVERITY_WORDS.get(str(issue["severity"]), md_escape(issue["severity"])),
                _place(issue.get("sheet"), issue.get("cell")),
                md_escape(issue.get("message")),
            ]
        )
    text = _pipe_table(
        ["STT", "Đơn vị", "Mức độ", "Vị trí", "Nội dung"], rows, [4, 12, 8, 12, 50], "cllll"
    )
    flagged = set(frame["unit_code"].astype(str))
    clean = [
        md_escape(short.get(str(r["unit_code"]), r["unit_name"]))
        for r in status.to_dict("records")
        if r["state"] != STATE_MISSING and str(r["unit_code"]) not in flagged
    ]
    if clean:
        text += f"\nĐơn vị không có lỗi, cảnh báo: {', '.join(clean)}.\n"
    return text


def excluded_markdown(values: pd.DataFrame, catalogue: Catalogue, units: Iterable[Unit]) -> str:
    """The figures left out of the totals because they break an error rule (internal draft):
    STT | Đơn vị | Chỉ tiêu | Số liệu đơn vị ghi | Vị trí."""
    short = {u.code: u.short for u in units}
    rows = []
    for row in values.to_dict("records"):
        if not _truthy(row.get("reported")) or _truthy(row.get("included")):
            continue
        code = str(row["indicator_code"])
        try:
            indicator = catalogue.indicator(code)
            label, kind = indicator.label, indicator.kind
        except KeyError:
            label, kind = code, "count"
        value = row.get("value")
        number = _number(value)
        if _missing(value):  # e.g. an Excel error value (#DIV/0!): see the list of errors
            shown = "không đọc được (ô báo lỗi)"
        elif _missing(number):
            shown = md_escape(value)
        elif kind == "money":  # the exact amount, as the unit wrote it
            shown = f"{format_number(number)} đồng"
        else:
            shown = _fmt(number, kind)
        rows.append(
            [
                str(len(rows) + 1),
                md_escape(short.get(str(row["unit_code"]), row["unit_code"])),
                _cell(label),
                shown,
                _place(row.get("sheet"), row.get("cell")),
            ]
        )
    if not rows:
        return "Không có số liệu nào bị loại khỏi tổng cộng.\n"
    header = ["STT", "Đơn vị", "Chỉ tiêu", "Số liệu đơn vị ghi", "Vị trí"]
    return _pipe_table(header, rows, [4, 14, 36, 10, 12], "cllrl")


def illustrative_notice(status: pd.DataFrame) -> str:
    """ "Số liệu minh họa — …" when any unit's workbook says its figures are illustrative."""
    if "illustrative" not in status.columns:
        return ""
    flagged = status[status["illustrative"].map(_truthy)]
    if flagged.empty:
        return ""
    sent = int((status["state"] != STATE_MISSING).sum())
    return (
        f"**Số liệu minh họa — số liệu của {len(flagged)}/{sent} đơn vị đã nộp trong báo cáo "
        "này là số liệu minh họa, không phải số liệu thật của đơn vị.**\n"
    )


def outline_notice(outline: Outline | None) -> str:
    """The outline's own notice when it is illustrative (`illustrative` in its config file)."""
    if outline is None or not outline.illustrative:
        return ""
    return f"**{md_escape(outline.illustrative)}**\n"


# --- reading the processed period (the one function here that touches the disk) ------------


@dataclass(frozen=True)
class ReportData:
    """What the report needs for one period, read once by its setup cell."""

    period: Period
    paths: ProjectPaths
    catalogue: Catalogue
    units: tuple[Unit, ...]
    settings: ReportSettings
    values: pd.DataFrame
    status: pd.DataFrame
    models: pd.DataFrame = field(default_factory=pd.DataFrame)
    issues: pd.DataFrame = field(default_factory=pd.DataFrame)
    outline: Outline | None = None
    narratives: dict[str, nv.Narrative] = field(default_factory=dict)
    # Text of the Word narrative the outline has no place for (internal draft only, marked).
    orphans: tuple[Orphan, ...] = ()
    previous_values: pd.DataFrame | None = None  # same period a year earlier, if processed
    previous_units: tuple[Unit, ...] | None = None
    run_id: str = ""
    previous_catalogue: Catalogue | None = None  # the catalogue version of the earlier period
    unit_change: str = ""  # why units do not compare with the earlier period (unit lists differ)  # the run that processed the data (`<processed>/<period>/run.json`)


def resolve_paths(root: str | Path = "", processed_dir: str | Path = "") -> ProjectPaths:
    """The report's parameters as paths: empty strings mean `ProjectPaths.default()`."""
    paths = ProjectPaths.default()
    if root:
        base = Path(root).resolve()
        paths = ProjectPaths(
            root=base,
            raw=base / "data" / "raw",
            processed=base / "data" / "processed",
            output=base / "_output",
        )
    if processed_dir:
        paths = ProjectPaths(
            root=paths.root,
            raw=paths.raw,
            processed=Path(processed_dir).resolve(),
            output=paths.output,
        )
    return paths


ISSUE_COLUMNS = ("unit_code", "unit_name", "severity", "kind", "message", "sheet", "cell")


def read_issues(folder: Path, units: Iterable[Unit]) -> pd.DataFrame:
    """Every unit's issues from `<processed>/<period>/units/<code>.status.json`."""
    rows = []
    for unit in units:
        record = read_unit_status(Path(folder), unit.code)
        if record is None:
            continue
        for issue in record.get("issues") or []:
            rows.append(
                {
                    "unit_code": unit.code,
                    "unit_name": record.get("unit_name", unit.name),
                    **{k: issue.get(k) for k in ISSUE_COLUMNS[2:]},
                }
            )
    return pd.DataFrame(rows, columns=list(ISSUE_COLUMNS))


def load_report_data(
    period: str,
    processed_dir: str | Path = "",
    root: str | Path = "",
    overrides: Mapping[str, Any] | str | None = None,
) -> ReportData:
    """Read the configuration, `<processed>/<period>/{values,status,models}.csv`, the units'
    issues, the same period a year earlier when it was processed, and the period's narratives
    (`<root>/narrative/<period>/`: its Word document or its `*.md`, see
    `narrative_docx.load_narratives`). `overrides` replace report settings for this run
    (keys in `catalog.OVERRIDE_KEYS`: number, date, signer_name, ...; a mapping or its JSON)."""
    p = Period.parse(period)
    paths = resolve_paths(root, processed_dir)
    folder = paths.processed_period(str(p))
    frames = {}
    for name in (VALUES_FILE, STATUS_FILE):
        path = folder / name
        if not path.is_file():
            raise BaocaoError(
                f"Chưa có dữ liệu đã xử lý của kỳ {p} ({path} không tồn tại). "
                f"Hãy chạy “baocao run --period {p}” trước khi lập báo cáo."
            )
        frames[name] = read_csv(path)
    models_path = folder / MODELS_FILE
    models = read_csv(models_path) if models_path.is_file() else pd.DataFrame()
    catalogue = load_catalogue(paths.config, str(p))
    all_units = load_units(paths.config)
    unit_list = all_units.list_for(str(p))
    units = unit_list.units
    outline = load_outline(paths.config, catalogue, str(p))

    earlier = p.same_period_last_year()
    earlier_values = paths.processed_period(str(earlier)) / VALUES_FILE
    previous_values, previous_units, previous_catalogue, unit_change = None, None, None, ""
    if earlier_values.is_file():
        previous_values = read_csv(earlier_values)
        try:
            earlier_list = all_units.list_for(str(earlier))
        except ConfigError:
            earlier_list = unit_list
        previous_units = earlier_list.units
        unit_change = unit_change_sentence(earlier_list, unit_list, all_units.province)
        try:
            previous_catalogue = load_catalogue(paths.config, str(earlier))
        except ConfigError:
            previous_catalogue = catalogue

    narrative = load_narratives(
        paths.root / NARRATIVE_FOLDER / str(p), outline, p, display_root=paths.root
    )
    return ReportData(
        period=p,
        paths=paths,
        catalogue=catalogue,
        units=units,
        settings=apply_overrides(
            load_report_settings(paths.config, str(p)),
            str(p),
            json.loads(overrides) if isinstance(overrides, str) else overrides,
        ),
        values=frames[VALUES_FILE],
        status=frames[STATUS_FILE],
        models=models,
        issues=read_issues(folder, units),
        outline=outline,
        narratives=narrative.narratives,
        orphans=narrative.orphans,
        previous_values=previous_values,
        previous_units=previous_units,
        run_id=_run_id(folder),
        previous_catalogue=previous_catalogue,
        unit_change=unit_change,
    )


def _run_id(folder: Path) -> str:
    return str((read_json(folder / RUN_FILE) or {}).get("run_id", ""))


def colophon(data: ReportData) -> str:
    """The closing line naming the run, so a printed copy can be traced to its inputs."""
    if not data.run_id:
        return ""
    return (
        f"*Báo cáo được lập bằng công cụ baocao từ số liệu của các đơn vị; mã lần chạy "
        f"{data.run_id} (cùng số liệu đầu vào cho cùng mã và cùng kết quả).*\n"
    )


# --- the report, part by part --------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """Everything the outline's parts are printed from; built once by the report's setup cell.

    `profile` is "internal" (the draft: placeholders, internal parts, notebook links) or
    "public". `charts` maps a chart id of the outline to its PNG, relative to the build folder,
    once the chart cell has written them.
    """

    data: ReportData
    figures: FigureSet
    names: dict[str, str]
    profile: str = "internal"
    charts: dict[str, str] = field(default_factory=dict)

    @property
    def internal(self) -> bool:
        return self.profile == "internal"

    def with_charts(self, charts: Mapping[str, str | Path]) -> Report:
        return replace(self, charts={k: Path(v).as_posix() for k, v in charts.items()})


def build_report(data: ReportData, profile: str = "internal") -> Report:
    figures = build_figures(
        data.values,
        data.status,
        data.catalogue,
        data.units,
        data.outline,
        data.previous_values,
        data.previous_units,
        data.previous_catalogue,
        data.unit_change,
    )
    return Report(
        data=data, figures=figures, names=figure_names(figures, data.period), profile=profile
    )


def chart_markdown(report: Report, chart_id: str, number: int) -> str:
    """`![Biểu đồ 2. <title> (6 tháng đầu năm 2021)](figures/quy_vnn.png)`."""
    spec = report.data.outline.charts[chart_id]
    caption = f"Biểu đồ {number}. {spec.title} ({report.data.period.label()})"
    return f"![{md_escape(caption)}]({report.charts[chart_id]})\n"


def _chart_numbers(report: Report) -> dict[str, int]:
    numbers: dict[str, int] = {}
    for section in report.data.outline.sections:
        for chart_id in section.charts:
            if chart_id in report.charts and chart_id not in numbers:
                numbers[chart_id] = len(numbers) + 1
    return numbers


def section_markdown(report: Report, section: Section) -> str:
    """One section: its heading, the analysts' text (or the internal placeholder), its figures,
    its charts, a pointer to its models in Phụ lục II, and its internal parts (internal only)."""
    period = report.data.period
    parts = [f"{'#' * section.level} {fill_period(section.heading, period)}\n"]
    if section.takes_text:
        guidance = [fill_period(g, period) for g in section.guidance]
        text = nv.section_text(
            section.id, guidance, report.data.narratives, report.names, internal=report.internal
        )
        if text:
            parts.append(text)
    if section.figures is not None:
        figures = section_figures_markdown(
            section.figures, report.figures, detailed=report.internal
        )
        if figures:
            parts.append(figures)
    numbers = _chart_numbers(report)
    for chart_id in section.charts:
        if chart_id in report.charts:
            parts.append(chart_markdown(report, chart_id, numbers[chart_id]))
    if section.programme is not None:
        pointer = models_pointer(report.data.models, section.programme)
        if pointer:
            parts.append(pointer)
    if report.internal:
        for extra in section.internal:
            guidance = [fill_period(g, period) for g in extra.guidance]
            text = nv.section_text(
                extra.id, guidance, report.data.narratives, report.names, internal=True
            )
            parts.append(internal_block(f"**{_cell(extra.title)}**\n\n{text}"))
            parts += orphans_markdown(report, extra.id)
        parts += orphans_markdown(report, section.id)
    return "\n".join(parts)


ORPHAN_TITLES = {
    "unknown": "Đoạn dưới tiêu đề “{heading}” (tiêu đề không có trong đề cương)",
    "heading_only": "Đoạn viết dưới một tiêu đề không nhận nội dung",
    "before": "Đoạn viết trước tiêu đề đầu tiên của tài liệu Word",
}


def orphans_markdown(report: Report, anchor: str | None) -> list[str]:
    """The internal draft's marked blocks for Word text the outline has no place for, placed
    after the heading they follow: never published, never lost."""
    blocks = []
    for orphan in report.data.orphans:
        if orphan.anchor != anchor:
            continue
        title = ORPHAN_TITLES[orphan.reason].format(heading=_cell(orphan.heading or ""))
        note = "chưa đưa vào báo cáo; hãy sửa tiêu đề cho khớp đề cương hoặc chuyển đoạn này"
        text = (
            nv.fill(orphan.text, report.names, f"Tài liệu Word, {title}", "docx")
            if orphan.text
            else "(không có nội dung)\n"
        )
        blocks.append(internal_block(f"**{title}** — *{note}.*\n\n{text}"))
    return blocks


def internal_block(markdown: str) -> str:
    """Content of the internal draft only, in a div of class `internal` (labelled "Nội bộ" by
    the HTML style, and refused by the public page's check should it ever get there)."""
    return f"::: {{.internal}}\n\n{markdown.strip()}\n\n:::\n"


def _appendix_figures(report: Report) -> str:
    data = report.data
    table = appendix_table(data.values, data.catalogue, data.units)
    return "\n".join(
        [
            appendix_markdown(
                table,
                data.units,
                data.catalogue,
                notebook_links=report.internal,
                without_notebook=report.figures.missing_units,
            ),
            APPENDIX_NOTE,
            submission_summary(data.status),
        ]
    )


def _appendix_models(report: Report) -> str:
    return models_markdown(report.data.models, report.data.units, report.data.outline)


BLOCKS = {"appendix_figures": _appendix_figures, "appendix_models": _appendix_models}


def part_markdown(report: Report, part_id: str) -> str:
    """A part of the outline: its level-1 heading, its title, then its sections or its block."""
    data = report.data
    part: Part = data.outline.part(part_id)
    lines = [
        f"# {fill_period(part.heading, data.period)}\n",
        f"## {fill_period(part.title, data.period)}\n",
    ]
    if part.attachment:
        lines.append(attachment_note(data.settings, str(data.period)))
    if report.internal:
        if part is data.outline.parts[0]:
            lines += orphans_markdown(report, None)
        lines += orphans_markdown(report, part.id)
    if any(s.figures for s in part.sections):
        lines.append(sources_note(report.figures, data.period))
    for section in part.sections:
        lines.append(section_markdown(report, section))
    if part.block is not None:
        lines.append(BLOCKS[part.block](report))
    return "\n".join(lines)


def validation_annex(report: Report) -> str:
    """The internal draft's review of the data: each unit's submission (linked to its notebook),
    every error and warning, and the figures left out of the totals."""
    data = report.data
    body = "\n".join(
        [
            "**Tình hình tiếp nhận số liệu của các đơn vị**\n",
            status_markdown(data.status, notebook_links=True),
            "**Lỗi, cảnh báo trong số liệu của các đơn vị**\n",
            issues_markdown(data.issues, data.status, data.units),
            "**Số liệu không tính vào tổng cộng**\n",
            excluded_markdown(data.values, data.catalogue, data.units),
        ]
    )
    return internal_block(body)
