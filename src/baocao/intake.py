"""Reading a unit's workbook (.xlsx, .xls, .ods) into plain rows that remember their cells.

This is the only module that opens a unit's file. It reads with python-calamine, never writes,
and turns every way a file can be unreadable into an `InputError` naming the file, the sheet and
the cell. It interprets nothing: numbers stay as the cell holds them, for `clean` to parse.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine
from openpyxl.utils import get_column_letter

from . import layout
from .errors import InputError, Issue, Location
from .names import match_key

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class DataRow:
    """One row of the `Số liệu` sheet below its header."""

    row_number: int  # 1-based, as Excel shows it
    code: str
    label: str
    unit: str
    value: Any  # the raw cell value; "" when the cell is empty
    value_ref: str  # e.g. "E12"
    note: str


@dataclass(frozen=True)
class ModelRow:
    row_number: int
    fields: dict[str, Any]  # keys from layout.MODEL_FIELDS
    first_ref: str


@dataclass(frozen=True)
class UnitWorkbook:
    path: Path
    data_sheet: str
    data_rows: tuple[DataRow, ...]
    models_sheet: str | None
    model_rows: tuple[ModelRow, ...]
    info: dict[str, tuple[Any, str]]  # layout.INFO_FIELDS key -> (value, cell)
    issues: tuple[Issue, ...] = field(default=())


def cell_ref(row: int, col: int) -> str:
    """Excel reference of a 0-based (row, column)."""
    return f"{get_column_letter(col + 1)}{row + 1}"


def text_of(value: Any) -> str:
    """A cell as NFC text with outer spaces removed ("" for empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def open_workbook(path: Path) -> calamine.CalamineWorkbook:
    where = Location(file=str(path))
    if not path.is_file():
        raise InputError("file_missing", "không tìm thấy tệp", "Hãy kiểm tra lại đường dẫn.", where)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(
            "unsupported_format",
            f"định dạng “{path.suffix or '(không có đuôi)'}” không phải bảng tính được hỗ trợ",
            "Hãy gửi tệp Excel (.xlsx, .xls) hoặc LibreOffice (.ods) theo biểu mẫu.",
            where,
        )
    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise InputError(
            "password_protected",
            "tệp được đặt mật khẩu nên không đọc được",
            "Hãy gỡ mật khẩu rồi gửi lại tệp.",
            where,
        ) from None
    except Exception:  # calamine raises several types for a damaged or foreign file
        raise InputError(
            "not_a_workbook",
            "tệp bị hỏng hoặc không phải bảng tính dù có đuôi " + path.suffix,
            "Hãy mở tệp bằng Excel, lưu lại dưới dạng .xlsx rồi gửi lại.",
            where,
        ) from None


def _rows(workbook: calamine.CalamineWorkbook, sheet: str, path: Path) -> list[list[Any]]:
    try:
        return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception:
        raise InputError(
            "sheet_unreadable",
            "không đọc được nội dung trang",
            "Hãy mở tệp bằng Excel, lưu lại rồi gửi lại.",
            Location(file=str(path), sheet=sheet),
        ) from None


def _find_sheet(names: list[str], wanted: str) -> str | None:
    key = match_key(wanted)
    for name in names:
        if match_key(name) == key:
            return name
    return None


def _header_columns(row: list[Any], columns: tuple[str, ...]) -> dict[str, int]:
    keys = {match_key(c): c for c in columns}
    found: dict[str, int] = {}
    for index, value in enumerate(row):
        column = keys.get(match_key(text_of(value)))
        if column and column not in found:
            found[column] = index
    return found


def _find_header(
    rows: list[list[Any]], columns: tuple[str, ...], required: set[str]
) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = _header_columns(row, columns)
        if required <= found.keys():
            return index, found
    return None


def _get(row: list[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return ""
    return row[index]


def _read_data_sheet(
    workbook: calamine.CalamineWorkbook, path: Path
) -> tuple[str, list[DataRow], list[Issue]]:
    issues: list[Issue] = []
    names = list(workbook.sheet_names)
    sheet = _find_sheet(names, layout.SHEET_DATA)
    required = {layout.COL_VALUE}
    if sheet is not None:
        rows = _rows(workbook, sheet, path)
        header = _find_header(rows, layout.DATA_COLUMNS, required)
    else:
        # The sheet may have been renamed: take the first sheet holding the table's header.
        header = None
        for candidate in names:
            rows = _rows(workbook, candidate, path)
            header = _find_header(rows, layout.DATA_COLUMNS, required)
            if header is not None:
                sheet = candidate
                issues.append(
                    Issue(
                        "warning",
                        "sheet_renamed",
                        f"Không có trang “{layout.SHEET_DATA}”; đã đọc số liệu từ trang “{candidate}”. "
                        f"Lần sau hãy giữ nguyên tên trang “{layout.SHEET_DATA}”.",
                        sheet=candidate,
                    )
                )
                break
        if header is None:
            raise InputError(
                "sheet_missing",
                f"không có trang “{layout.SHEET_DATA}” (các trang hiện có: {', '.join(names) or 'không có'})",
                "Hãy dùng biểu mẫu do tỉnh gửi và giữ nguyên tên trang.",
                Location(file=str(path)),
            )
    if header is None:
        raise InputError(
            "header_missing",
            f"không tìm thấy dòng tiêu đề có cột “{layout.COL_VALUE}” trong {HEADER_SEARCH_ROWS} dòng đầu",
            f"Hãy giữ nguyên dòng tiêu đề của biểu mẫu ({', '.join(layout.DATA_COLUMNS)}).",
            Location(file=str(path), sheet=sheet),
        )
    header_row, columns = header
    if layout.COL_CODE not in columns and layout.COL_LABEL not in columns:
        raise InputError(
            "header_missing",
            f"dòng tiêu đề (dòng {header_row + 1}) thiếu cả cột “{layout.COL_CODE}” và cột “{layout.COL_LABEL}”",
            "Hãy giữ ít nhất một trong hai cột này để biết mỗi dòng là chỉ tiêu nào.",
            Location(file=str(path), sheet=sheet, cell=cell_ref(header_row, 0)),
        )
    value_col = columns[layout.COL_VALUE]
    data_rows = []
    for index in range(header_row + 1, len(rows)):
        row = rows[index]
        data_rows.append(
            DataRow(
                row_number=index + 1,
                code=text_of(_get(row, columns.get(layout.COL_CODE))),
                label=text_of(_get(row, columns.get(layout.COL_LABEL))),
                unit=text_of(_get(row, columns.get(layout.COL_UNIT))),
                value=_get(row, value_col),
                value_ref=cell_ref(index, value_col),
                note=text_of(_get(row, columns.get(layout.COL_NOTE))),
            )
        )
    return sheet, data_rows, issues


def _read_models_sheet(
    workbook: calamine.CalamineWorkbook, path: Path
) -> tuple[str | None, list[ModelRow], list[Issue]]:
    sheet = _find_sheet(list(workbook.sheet_names), layout.SHEET_MODELS)
    if sheet is None:
        return (
            None,
            [],
            [
                Issue(
                    "warning",
                    "models_sheet_missing",
                    f"Không có trang “{layout.SHEET_MODELS}”: đơn vị chưa gửi danh sách mô hình.",
                )
            ],
        )
    rows = _rows(workbook, sheet, path)
    header = _find_header(rows, layout.MODEL_COLUMNS, {layout.MODEL_COLUMNS[1]})
    if header is None:
        return (
            sheet,
            [],
            [
                Issue(
                    "warning",
                    "models_header_missing",
                    f"Trang “{sheet}” không có dòng tiêu đề có cột “{layout.MODEL_COLUMNS[1]}”; "
                    "chưa đọc được mô hình nào.",
                    sheet=sheet,
                )
            ],
        )
    header_row, columns = header
    models = []
    for index in range(header_row + 1, len(rows)):
        row = rows[index]
        fields = {
            name: _get(row, columns.get(column))
            for name, column in zip(layout.MODEL_FIELDS, layout.MODEL_COLUMNS, strict=True)
        }
        if not text_of(fields["name"]):
            continue
        models.append(
            ModelRow(
                row_number=index + 1,
                fields=fields,
                first_ref=cell_ref(index, columns[layout.MODEL_COLUMNS[1]]),
            )
        )
    return sheet, models, []


def read_info(workbook: calamine.CalamineWorkbook, path: Path) -> dict[str, tuple[Any, str]]:
    """The `Thông tin` sheet: label in any column, its value in the next non-empty cell."""
    sheet = _find_sheet(list(workbook.sheet_names), layout.SHEET_INFO)
    if sheet is None:
        return {}
    labels = {match_key(label): key for key, label in layout.INFO_FIELDS.items()}
    info: dict[str, tuple[Any, str]] = {}
    for r, row in enumerate(_rows(workbook, sheet, path)):
        for c, value in enumerate(row):
            key = labels.get(match_key(text_of(value)))
            if key and key not in info:
                for c2 in range(c + 1, len(row)):
                    if text_of(row[c2]):
                        info[key] = (row[c2], cell_ref(r, c2))
                        break
    return info


def read_unit_workbook(path: Path) -> UnitWorkbook:
    """Read the three sheets of a unit's workbook; raise `InputError` when it cannot be read."""
    path = Path(path)
    workbook = open_workbook(path)
    try:
        data_sheet, data_rows, issues = _read_data_sheet(workbook, path)
        models_sheet, model_rows, model_issues = _read_models_sheet(workbook, path)
        info = read_info(workbook, path)
    finally:
        workbook.close()
    return UnitWorkbook(
        path=path,
        data_sheet=data_sheet,
        data_rows=tuple(data_rows),
        models_sheet=models_sheet,
        model_rows=tuple(model_rows),
        info=info,
        issues=tuple(issues + model_issues),
    )


def read_declared_unit(path: Path) -> tuple[str, str] | None:
    """The unit name written in `Thông tin` and its cell, or None (raises `InputError`)."""
    workbook = open_workbook(Path(path))
    try:
        value = read_info(workbook, Path(path)).get("unit")
    finally:
        workbook.close()
    if value is None or not text_of(value[0]):
        return None
    return text_of(value[0]), value[1]


def read_unit_workbook_or_issue(path: Path) -> tuple[UnitWorkbook | None, tuple[Issue, ...]]:
    """Like `read_unit_workbook`, but an unreadable file becomes an error `Issue` (for notebooks)."""
    try:
        workbook = read_unit_workbook(path)
    except InputError as error:
        return None, (Issue.from_input_error(error),)
    return workbook, ()
