"""Reading a unit's workbook (.xlsx, .xlsm, .xlsb, .xls, .ods) into rows that remember their cells.

In: a unit's file. Out: a `UnitWorkbook`: the rows of `Số liệu` and `Mô hình`, the fields of
`Thông tin` (`info_sheet`), and the issues met on the way. The file's bytes are read once, never
written, and checked before any parser sees them (`workbook.open_checked`, then `safety`: size,
zip bombs, XML entity bombs, encryption, formulas without a saved result); the cells are read
with python-calamine. Every way a file can be unreadable becomes an `InputError` naming the file,
the sheet and the cell. It interprets nothing: numbers stay as the cell holds them, for `clean`
to parse, together with what the file says about how Excel shows them (the cell's number
format, or the Excel error value it holds; see `cell_formats` for what each format records);
only text typed in a legacy Vietnamese encoding (TCVN3, VNI) is converted to Unicode, with a
warning naming the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from baocao.base.keys import match_key
from baocao.errors import InputError, Issue, Location
from baocao.intake import layout
from baocao.intake.cell_formats import EXCEL_ERRORS
from baocao.intake.info_sheet import read_info
from baocao.intake.limits import MAX_FILE_BYTES
from baocao.intake.workbook import OpenedWorkbook, SheetTexts, cell_ref, open_checked, text_of

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
    merged: str = ""  # the merged range holding the value cell, e.g. "E12:E13"; "" if none
    formula_without_value: bool = False  # the value cell is a formula never calculated
    hidden: bool = False  # the row is hidden in the unit's workbook (.xlsx only)
    number_format: str | None = "General"  # the value cell's format; None = the file does not say
    error: str = ""  # the Excel error value the cell shows ("#DIV/0!" ...); "" if none
    unit_ref: str = ""  # the cell of the row's "Đơn vị tính", e.g. "D12"; "" without that column
    note_value: Any = ""  # the raw "Ghi chú" cell (a number stays a number); "" when empty
    note_ref: str = ""  # e.g. "F12"; "" without that column
    label_ref: str = ""  # e.g. "C12"; "" without that column
    # Non-empty cells of the row in columns that are none of the table's, right of its code or
    # label: (cell, raw value, the column's header text or ""), left to right.
    beside: tuple[tuple[str, Any, str], ...] = ()
    beside_formulas: frozenset[str] = frozenset()  # the cells of `beside` holding a formula
    value_formula: bool = False  # the value cell holds a formula (its result is read)


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
    info_sheet: str | None = None  # the `Thông tin` sheet's name as found; None when absent


def _merged_at(ranges: list[tuple[int, ...]], row: int, col: int) -> str:
    for r0, c0, r1, c1 in ranges:
        if r0 <= row <= r1 and c0 <= col <= c1 and (r0, c0) != (r1, c1):
            return f"{cell_ref(r0, c0)}:{cell_ref(r1, c1)}"
    return ""


def _header_columns(
    row: list[Any], columns: tuple[str, ...], also: dict[str, str] | None = None
) -> dict[str, int]:
    """Column name -> its index in `row`; `also` maps other headers to the column they name."""
    keys = {match_key(c): c for c in columns}
    keys.update({match_key(other): column for other, column in (also or {}).items()})
    found: dict[str, int] = {}
    for index, value in enumerate(row):
        column = keys.get(match_key(text_of(value)))
        if column and column not in found:
            found[column] = index
    return found


def _find_header(
    rows: list[list[Any]],
    columns: tuple[str, ...],
    required: set[str],
    also: dict[str, str] | None = None,
) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = _header_columns(row, columns, also)
        if required <= found.keys():
            return index, found
    return None


def _get(row: list[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return ""
    return row[index]


def _has_content(rows: list[list[Any]]) -> bool:
    return any(text_of(value) for row in rows for value in row)


def _beside(
    row: list[Any], index: int, known: set[int], header: list[Any], first: int
) -> tuple[tuple[str, Any, str], ...]:
    """The row's non-empty cells outside the table's known columns, right of column `first`
    (the row's code or label: a column left of it holds the unit's own numbering, never a
    figure), with their header text."""
    return tuple(
        (cell_ref(index, col), value, text_of(_get(header, col)))
        for col, value in enumerate(row)
        if col > first and col not in known and value is not None and value != "" and text_of(value)
    )


def _ordered_candidates(opened: OpenedWorkbook, names: list[str]) -> list[str]:
    """Visible sheets first: a hidden sheet is read only when no visible one holds the table."""
    return sorted(names, key=opened.hidden)


def _read_data_sheet(opened: OpenedWorkbook) -> tuple[str, list[DataRow], list[Issue]]:
    path = opened.path
    issues: list[Issue] = []
    names = opened.sheet_names
    sheet = opened.find_sheet(layout.SHEET_DATA)
    required = {layout.COL_VALUE}
    if sheet is not None:
        rows = opened.rows(sheet)
        header = _find_header(rows, layout.DATA_COLUMNS, required)
    else:
        # The sheet may have been renamed: take the first sheet holding the table's header.
        header = None
        for candidate in _ordered_candidates(opened, names):
            rows = opened.rows(candidate)
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
    if opened.hidden(sheet):
        issues.append(
            Issue(
                "warning",
                "sheet_hidden",
                f"Trang “{sheet}” chứa số liệu đang bị ẩn; số liệu vẫn được đọc. Hãy bỏ ẩn trang "
                "(chuột phải vào tên trang > Bỏ ẩn) để người kiểm tra nhìn thấy.",
                sheet=sheet,
            )
        )
    value_col = columns[layout.COL_VALUE]
    scan = opened.sheet_scan(sheet)
    merged = opened.merged_ranges(sheet)
    texts = SheetTexts(sheet, issues)
    known = set(columns.values())
    first = min(columns[c] for c in (layout.COL_CODE, layout.COL_LABEL) if c in columns)
    data_rows = []
    hidden_rows = []
    for index in range(header_row + 1, len(rows)):
        row = rows[index]

        def text(column: str, row=row, index=index) -> str:
            col = columns.get(column)
            return texts.text(_get(row, col), cell_ref(index, col or 0))

        value_ref = cell_ref(index, value_col)
        raw_value = _get(row, value_col)
        error = scan.errors.get(value_ref, "")
        if not error and isinstance(raw_value, str) and raw_value.strip().upper() in EXCEL_ERRORS:
            error = raw_value.strip().upper()  # .xls/.xlsb/.ods: the error as text
        unit_col = columns.get(layout.COL_UNIT)
        beside = _beside(row, index, known, rows[header_row], first)
        note_col, label_col = columns.get(layout.COL_NOTE), columns.get(layout.COL_LABEL)
        data_row = DataRow(
            row_number=index + 1,
            code=text_of(_get(row, columns.get(layout.COL_CODE))),
            label=text(layout.COL_LABEL),
            unit=text(layout.COL_UNIT),
            value=texts.raw(raw_value, value_ref),
            value_ref=value_ref,
            note=text(layout.COL_NOTE),
            merged=_merged_at(merged, index, value_col),
            formula_without_value=value_ref in scan.formulas_without_value,
            hidden=index + 1 in scan.hidden_rows,
            number_format=opened.scan.number_format(scan, value_ref),
            error=error,
            unit_ref=cell_ref(index, unit_col) if unit_col is not None else "",
            note_value=_get(row, note_col),
            note_ref=cell_ref(index, note_col) if note_col is not None else "",
            label_ref=cell_ref(index, label_col) if label_col is not None else "",
            beside=beside,
            beside_formulas=frozenset(ref for ref, _, _ in beside if ref in scan.formulas),
            value_formula=value_ref in scan.formulas,
        )
        if data_row.hidden and (data_row.code or data_row.label or text_of(data_row.value)):
            hidden_rows.append(data_row)
        data_rows.append(data_row)
    if hidden_rows:
        shown = ", ".join(str(r.row_number) for r in hidden_rows[:20])
        more = "…" if len(hidden_rows) > 20 else ""
        issues.append(
            Issue(
                "warning",
                "hidden_rows",
                f"Trang “{sheet}” có {len(hidden_rows)} dòng bị ẩn (dòng {shown}{more}); các dòng "
                "này vẫn được đọc và tính. Hãy bỏ ẩn để kiểm tra số liệu trong đó có đúng không.",
                sheet=sheet,
                cell=hidden_rows[0].value_ref,
            )
        )
    return sheet, data_rows, issues


def _read_models_sheet(opened: OpenedWorkbook) -> tuple[str | None, list[ModelRow], list[Issue]]:
    sheet = opened.find_sheet(layout.SHEET_MODELS)
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
    rows = opened.rows(sheet)
    # The group column under any header an outline gives it ("Chương trình", "Mục").
    group = layout.MODEL_COLUMNS[layout.MODEL_FIELDS.index("programme")]
    also = dict.fromkeys(layout.PROGRAMME_HEADERS, group)
    header = _find_header(rows, layout.MODEL_COLUMNS, {layout.MODEL_COLUMNS[1]}, also)
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
    issues: list[Issue] = []
    texts = SheetTexts(sheet, issues)
    models = []
    for index in range(header_row + 1, len(rows)):
        row = rows[index]
        fields = {}
        for name, column in zip(layout.MODEL_FIELDS, layout.MODEL_COLUMNS, strict=True):
            col = columns.get(column)
            fields[name] = texts.raw(_get(row, col), cell_ref(index, col or 0))
        if not text_of(fields["name"]):
            continue
        models.append(
            ModelRow(
                row_number=index + 1,
                fields=fields,
                first_ref=cell_ref(index, columns[layout.MODEL_COLUMNS[1]]),
            )
        )
    return sheet, models, issues


def _check_not_empty(opened: OpenedWorkbook) -> None:
    names = opened.sheet_names
    if any(_has_content(opened.rows(name)) for name in names):
        return
    raise InputError(
        "empty_workbook",
        "bảng tính không có trang nào" if not names else "mọi trang của bảng tính đều trống",
        "Hãy điền số liệu vào biểu mẫu do tỉnh gửi, lưu lại rồi gửi lại.",
        Location(file=str(opened.path), sheet=names[0] if len(names) == 1 else None),
    )


def read_unit_workbook(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> UnitWorkbook:
    """Read the three sheets of a unit's workbook; raise `InputError` when it cannot be read."""
    path = Path(path)
    info_issues: list[Issue] = []
    with open_checked(path, max_bytes=max_bytes) as opened:
        _check_not_empty(opened)
        data_sheet, data_rows, issues = _read_data_sheet(opened)
        models_sheet, model_rows, model_issues = _read_models_sheet(opened)
        info = read_info(opened, info_issues)
        info_sheet = opened.find_sheet(layout.SHEET_INFO)
    return UnitWorkbook(
        path=path,
        data_sheet=data_sheet,
        data_rows=tuple(data_rows),
        models_sheet=models_sheet,
        model_rows=tuple(model_rows),
        info=info,
        issues=tuple(issues + model_issues + info_issues),
        info_sheet=info_sheet,
    )


def read_unit_workbook_or_issue(path: Path) -> tuple[UnitWorkbook | None, tuple[Issue, ...]]:
    """Like `read_unit_workbook`, but an unreadable file becomes an error `Issue` (for notebooks)."""
    try:
        workbook = read_unit_workbook(path)
    except InputError as error:
        return None, (Issue.from_input_error(error),)
    return workbook, ()
