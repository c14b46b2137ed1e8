"""The appendices as an Excel workbook, for analysts who rework the figures in a spreadsheet.

Sheets: Phụ lục I (units × indicators with the province's total last, grouped as the report's
tables, money in đồng), Phụ lục II (the units' models) and the state of each unit. Text that comes from units (model names, notes) is written
as text, never as a formula: a cell typed "=HYPERLINK(…)" or "+1" in a unit's workbook stays
inert here (formula injection).
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from baocao.base.files import atomic_write_bytes
from baocao.config.catalog import Catalogue
from baocao.config.outline import DEFAULT_GROUP, Outline
from baocao.config.periods import Period
from baocao.config.units import Unit
from baocao.intake import layout
from baocao.report.compose.appendices import (
    TOTAL_HEADER,
    appendix_tables,
    programme_title,
    programme_titles,
)
from baocao.run.aggregate import STATUS_COLUMNS, appendix_table

FORMULA_STARTS = ("=", "+", "-", "@")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def model_headers(group: str) -> tuple[str, ...]:
    """Phụ lục II's columns: the group's number (to sort and filter by), the unit, then the
    model's fields with the group's title, each its own column; the group named as the outline
    in force names it (`group`: "chương trình" → "Số chương trình", "Tên chương trình"; "mục"
    → "Số mục", "Tên mục")."""
    return (
        f"Số {group}",
        "Đơn vị",
        *(
            f"Tên {group}" if field == "programme" else name
            for field, name in zip(layout.MODEL_FIELDS[1:], layout.MODEL_COLUMNS[1:], strict=True)
        ),
    )


_STATUS_SHOWN = tuple(c for c in STATUS_COLUMNS if c != "illustrative")
NOT_USED = "không dùng"  # the state of a file set aside, as `baocao status` says it


def _put(sheet, row: int, column: int, value: Any):
    """Write one cell; text is always stored as text, whatever it starts with."""
    if isinstance(value, float) and math.isnan(value):
        value = None
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = TYPE_STRING  # openpyxl would otherwise store "=…" as a formula
    return cell


def _rows(sheet, header: tuple[str, ...] | list[str], rows: list[list[Any]]) -> None:
    for column, name in enumerate(header, start=1):
        _put(sheet, 1, column, name).font = _BOLD
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            _put(sheet, r, c, value).alignment = _WRAP
    sheet.freeze_panes = "A2"


def _widths(sheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


# Sheet "Phụ lục I": the report's tables side by side, under a band naming each table.
BAND_ROW, HEADER_ROW, CODE_ROW = 1, 2, 3
FIRST_UNIT_ROW = CODE_ROW + 1
FIGURES_HEADER = ("STT", "Mã đơn vị", "Đơn vị")
CODE_LABEL = "Mã chỉ tiêu"
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_NUMBER_FORMATS = {"count": "#,##0", "money": "#,##0", "percent": "0.0"}


def _figures_sheet(sheet, catalogue: Catalogue, units: tuple[Unit, ...], values) -> None:
    """Phụ lục I in the report's layout: units as rows (then "Tổng cộng"), indicators as
    columns in the order and grouping of the report's tables (`appendices.appendix_tables`),
    a band over each group with the table's caption; money in đồng, exact. Panes frozen below
    the header rows and right of the unit names; printed A4 landscape with them repeated."""
    table = appendix_table(values, catalogue, units)
    groups = appendix_tables(table, units, catalogue)
    rows = table.set_index("code")
    fixed = len(FIGURES_HEADER)
    for column, name in enumerate(FIGURES_HEADER, start=1):
        _put(sheet, HEADER_ROW, column, name).font = _BOLD
    _put(sheet, CODE_ROW, fixed, CODE_LABEL).font = _BOLD
    column = fixed
    for group in groups:
        first = column + 1
        for code in group.codes:
            column += 1
            indicator = catalogue.indicator(code)
            header = _put(sheet, HEADER_ROW, column, f"{indicator.label} ({indicator.unit})")
            header.font, header.alignment = _BOLD, _CENTRE
            _put(sheet, CODE_ROW, column, code)
            for r, unit in enumerate(units, start=FIRST_UNIT_ROW):
                cell = _put(sheet, r, column, rows.loc[code, unit.code])
                cell.number_format = _NUMBER_FORMATS.get(indicator.kind, "#,##0.##")
            total = _put(sheet, FIRST_UNIT_ROW + len(units), column, rows.loc[code, "total"])
            total.number_format = _NUMBER_FORMATS.get(indicator.kind, "#,##0.##")
            total.font = _BOLD
        band = _put(sheet, BAND_ROW, first, group.caption)
        band.font, band.alignment = _BOLD, Alignment(vertical="top", wrap_text=False)
        if column > first:
            sheet.merge_cells(
                start_row=BAND_ROW, start_column=first, end_row=BAND_ROW, end_column=column
            )
    for r, unit in enumerate(units, start=FIRST_UNIT_ROW):
        for c, value in enumerate((r - FIRST_UNIT_ROW + 1, unit.code, unit.short), start=1):
            _put(sheet, r, c, value)
    last = FIRST_UNIT_ROW + len(units)
    _put(sheet, last, fixed, TOTAL_HEADER).font = _BOLD
    sheet.row_dimensions[HEADER_ROW].height = 75
    _widths(sheet, [6, 10, 22, *([16] * (column - fixed))])
    sheet.freeze_panes = sheet.cell(row=FIRST_UNIT_ROW, column=fixed + 1)
    sheet.print_title_rows = f"{BAND_ROW}:{CODE_ROW}"
    sheet.print_title_cols = f"A:{get_column_letter(fixed)}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE


def build_workbook(
    period: str,
    catalogue: Catalogue,
    units: tuple[Unit, ...],
    values: pd.DataFrame,
    models: pd.DataFrame,
    status: pd.DataFrame,
    outline: Outline | None = None,
    set_aside: tuple[dict, ...] = (),
) -> Workbook:
    """The workbook of a period's appendices, from its processed tables (pure: no file I/O).
    `outline` names the groups of Phụ lục II and their columns as it does ("Số mục", "Tên
    mục" from 2025-H2; without it: "Chương trình 2", as the base outline). The sheet
    "Tình hình nộp" lists each unit, then each file the run set aside (`set_aside`, as
    `run.set_aside.records` keeps them), state "không dùng", the reason under "Ghi chú"."""
    book = Workbook()
    figures = book.active
    figures.title = "Phụ lục I"
    _figures_sheet(figures, catalogue, tuple(units), values)

    names = {u.code: u.name for u in units}
    titles = programme_titles(outline) if outline is not None else {}
    group = outline.group_word if outline is not None else DEFAULT_GROUP
    listed = (
        models.sort_values(["programme", "unit_code"], kind="stable") if len(models) else models
    )
    _rows(
        book.create_sheet("Phụ lục II"),
        model_headers(group),
        [
            [
                row.get("programme"),
                names.get(str(row.get("unit_code")), row.get("unit_code")),
                *(
                    programme_title(row.get(field), titles, group)
                    if field == "programme"
                    else row.get(field)
                    for field in layout.MODEL_FIELDS[1:]
                ),
            ]
            for row in listed.to_dict("records")
        ],
    )
    _widths(book["Phụ lục II"], [12, 22, 50, 40, 16, 14, 50])

    aside = [
        [
            r.get("unit_code") or "",
            r.get("unit_name") or "—",
            NOT_USED,
            0,
            1,
            0,
            r.get("file"),
            r.get("reason"),
        ]
        for r in set_aside
    ]
    _rows(
        book.create_sheet("Tình hình nộp"),
        ("Mã", "Đơn vị", "Trạng thái", "Số dòng đã đọc", "Lỗi", "Cảnh báo", "Tệp", "Ghi chú"),
        [[r.get(column) for column in _STATUS_SHOWN] for r in status.to_dict("records")] + aside,
    )
    _widths(book["Tình hình nộp"], [8, 28, 14, 14, 8, 10, 36, 40])
    book.properties.title = f"Phụ lục số liệu {Period.parse(period).label()}"
    return book


def write_workbook(book: Workbook, path: Path) -> Path:
    buffer = io.BytesIO()
    book.save(buffer)
    return atomic_write_bytes(path, buffer.getvalue())
