"""The appendices as an Excel workbook, for analysts who rework the figures in a spreadsheet.

Sheets: Phụ lục I (indicators × units with the total, money in đồng), Phụ lục II (the units'
models) and the state of each unit. Text that comes from units (model names, notes) is written
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

from . import layout
from .aggregate import STATUS_COLUMNS, appendix_table
from .catalog import Catalogue, Unit
from .periods import Period
from .store import atomic_write_bytes

FORMULA_STARTS = ("=", "+", "-", "@")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_MODEL_HEADERS = ("Chương trình", "Đơn vị", *layout.MODEL_COLUMNS[1:])
_STATUS_SHOWN = tuple(c for c in STATUS_COLUMNS if c != "illustrative")


def export_name(period: str) -> str:
    return f"bao-cao-{period}-so-lieu.xlsx"


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


def build_workbook(
    period: str,
    catalogue: Catalogue,
    units: tuple[Unit, ...],
    values: pd.DataFrame,
    models: pd.DataFrame,
    status: pd.DataFrame,
) -> Workbook:
    """The workbook of a period's appendices, from its processed tables (pure: no file I/O)."""
    book = Workbook()
    figures = book.active
    figures.title = "Phụ lục I"
    table = appendix_table(values, catalogue, units)
    header = ["Mã", "Chỉ tiêu", "Đơn vị tính", *(u.short for u in units), "Tổng cộng"]
    rows = [
        [row["code"], row["label"], row["unit"], *(row[u.code] for u in units), row["total"]]
        for row in table.to_dict("records")
    ]
    _rows(figures, header, rows)
    for row in figures.iter_rows(min_row=2, min_col=4):
        for cell in row:
            cell.number_format = "#,##0.##"
    _widths(figures, [22, 50, 12, *([12] * len(units)), 14])

    names = {u.code: u.name for u in units}
    listed = (
        models.sort_values(["programme", "unit_code"], kind="stable") if len(models) else models
    )
    _rows(
        book.create_sheet("Phụ lục II"),
        _MODEL_HEADERS,
        [
            [
                row.get("programme"),
                names.get(str(row.get("unit_code")), row.get("unit_code")),
                *(row.get(field) for field in layout.MODEL_FIELDS[1:]),
            ]
            for row in listed.to_dict("records")
        ],
    )
    _widths(book["Phụ lục II"], [12, 22, 50, 16, 14, 50])

    _rows(
        book.create_sheet("Tình hình nộp"),
        ("Mã", "Đơn vị", "Trạng thái", "Số dòng đã đọc", "Lỗi", "Cảnh báo", "Tệp"),
        [[r.get(column) for column in _STATUS_SHOWN] for r in status.to_dict("records")],
    )
    _widths(book["Tình hình nộp"], [8, 28, 14, 14, 8, 10, 36])
    book.properties.title = f"Phụ lục số liệu {Period.parse(period).label()}"
    return book


def write_workbook(book: Workbook, path: Path) -> Path:
    buffer = io.BytesIO()
    book.save(buffer)
    return atomic_write_bytes(path, buffer.getvalue())
