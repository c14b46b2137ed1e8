"""The pieces of `report.qmd`: frames in, Markdown out.

The report's cells only call these and `print` the result (`output: asis`), so Quarto and the
built-in renderer receive the same Markdown. Everything here is a pure function of its arguments
except `load_report_data`, the one reader, which takes the period's processed tables from disk.
Numbers are written the Vietnamese way: "1.357", "1.250.000", "85,5"; "–" marks a figure a unit
did not report.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from .catalog import (
    Catalogue,
    ReportSettings,
    Unit,
    load_catalogue,
    load_report_settings,
    load_units,
)
from .errors import BaocaoError
from .numbers import format_money, format_number
from .paths import ProjectPaths
from .periods import Period
from .store import read_csv
from .validate import STATE_MISSING

NOT_REPORTED = "–"
TOTAL_HEADER = "Tổng cộng"
VALUES_FILE = "values.csv"
STATUS_FILE = "status.csv"
APPENDIX_NOTE = (
    f"Ghi chú: “{NOT_REPORTED}” là chỉ tiêu đơn vị chưa báo cáo hoặc có số liệu không hợp lệ "
    "(không tính vào tổng cộng).\n"
)


# --- numbers -------------------------------------------------------------------------------


def _fmt(value: float | None, kind: str = "count") -> str:
    """One figure as printed: whole numbers grouped with ".", percentages with one decimal ","."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NOT_REPORTED
    if kind == "percent":
        return format_number(value, 1, trim=True)
    return format_number(value)


def _kind(code: str, unit: str, catalogue: Catalogue | None) -> str:
    if catalogue is not None:
        try:
            return catalogue.indicator(code).kind
        except KeyError:
            pass
    return "percent" if unit.strip() == "%" else "count"


def _cell(text: object) -> str:
    """Text safe inside a pipe-table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


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


# --- titles --------------------------------------------------------------------------------


def report_title(period: str) -> str:
    """The subject line of the report, e.g. "… 6 tháng đầu năm 2021, nhiệm vụ trọng tâm …"."""
    p = Period.parse(period)
    return (
        f"Báo cáo kết quả công tác Mặt trận {p.label()}, "
        f"nhiệm vụ trọng tâm công tác {p.next_label()}"
    )


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


# --- sections of Part 1 --------------------------------------------------------------------


def section_figures_markdown(
    table: pd.DataFrame, section: str, catalogue: Catalogue | None = None
) -> str:
    """The totals of one section's indicators, one "- label: figure unit." line each.

    Lines start with a literal dash, as in the printed report, not with a Word list.
    """
    rows = table[table["section"].astype(str) == str(section)]
    lines = []
    for row in rows.itertuples(index=False):
        kind = _kind(row.code, row.unit, catalogue)
        value = row.total
        if value is None or (isinstance(value, float) and math.isnan(value)):
            figure = "chưa có đơn vị báo cáo"
        elif kind == "percent":
            figure = f"{_fmt(value, kind)}%"
        elif kind == "money":
            figure = format_money(round(value))
        else:
            figure = f"{_fmt(value, kind)} {row.unit}"
        lines.append(f"\\- {row.label}: {figure}.")
    return "\n\n".join(lines) + "\n" if lines else ""


# --- Phụ lục I -----------------------------------------------------------------------------


def appendix_markdown(
    table: pd.DataFrame, units: Iterable[Unit], catalogue: Catalogue | None = None
) -> str:
    """Phụ lục I as a pipe table: STT | Chỉ tiêu | ĐVT | one column per unit | Tổng cộng.

    `table` is `aggregate.appendix_table` (rows in catalogue order; columns code, section, label,
    unit, one per unit code, total). A bold row numbered I, II, … opens each section (its title
    carries the outline's number, "1.1. …"); indicators are numbered 1, 2, … through the table.
    With a catalogue, section rows carry the section's title and figures are formatted by the
    indicator's kind; without one, a "%" unit means a percentage.
    """
    units = tuple(units)
    sections: Mapping[str, str] = catalogue.sections if catalogue is not None else {}
    header = ["STT", "Chỉ tiêu", "ĐVT", *(_cell(u.short) for u in units), TOTAL_HEADER]
    blank = [""] * (len(units) + 2)
    rows: list[list[str]] = []
    current = None
    groups = 0
    for number, row in enumerate(table.to_dict("records"), start=1):
        section = str(row["section"])
        if section != current:
            current, groups = section, groups + 1
            title = f"{section}. {sections[section]}" if section in sections else section
            rows.append([f"**{roman(groups)}**", f"**{_cell(title)}**", *blank])
        kind = _kind(row["code"], row["unit"], catalogue)
        figures = [_fmt(row.get(u.code, float("nan")), kind) for u in units]
        total = _fmt(row["total"], kind)
        rows.append([str(number), _cell(row["label"]), _cell(row["unit"]), *figures, total])
    widths = [4, 30, 8, *([8] * len(units)), 10]
    align = "clc" + "r" * (len(units) + 1)
    return _pipe_table(header, rows, widths, align)


# --- units' submissions --------------------------------------------------------------------


def status_markdown(status: pd.DataFrame) -> str:
    """Each unit's submission: STT | Đơn vị | Tình trạng | Số dòng đã đọc | Lỗi | Cảnh báo."""
    header = ["STT", "Đơn vị", "Tình trạng", "Số dòng đã đọc", "Lỗi", "Cảnh báo"]
    rows = []
    for number, row in enumerate(status.to_dict("records"), start=1):
        rows.append(
            [
                str(number),
                _cell(row["unit_name"]),
                _cell(row["state"]),
                _fmt(_number(row["rows_read"])),
                _fmt(_number(row["errors"])),
                _fmt(_number(row["warnings"])),
            ]
        )
    return _pipe_table(header, rows, [4, 24, 12, 8, 6, 6], "cllrrr")


def submission_summary(status: pd.DataFrame) -> str:
    """One sentence: how many units sent figures, and which did not."""
    missing = status[status["state"] == STATE_MISSING]
    sent = len(status) - len(missing)
    text = f"Đã tiếp nhận số liệu của {sent}/{len(status)} đơn vị."
    if len(missing):
        names = ", ".join(str(name) for name in missing["unit_name"])
        text += f" Đơn vị chưa nộp báo cáo: {names}."
    return text + "\n"


def _number(value: object) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


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


def load_report_data(
    period: str, processed_dir: str | Path = "", root: str | Path = ""
) -> ReportData:
    """Read the configuration and `<processed>/<period>/{values,status}.csv`."""
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
    return ReportData(
        period=p,
        paths=paths,
        catalogue=load_catalogue(paths.config),
        units=load_units(paths.config).for_period(str(p)),
        settings=load_report_settings(paths.config),
        values=frames[VALUES_FILE],
        status=frames[STATUS_FILE],
    )
