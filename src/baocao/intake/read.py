"""Reading a unit's workbook (.xlsx, .xlsm, .xlsb, .xls, .ods) into rows that remember their cells.

This is the only module that opens a unit's file. It reads the file's bytes once, never writes,
checks them before any parser sees them (`safety`: size, zip bombs, XML entity bombs, encryption,
formulas without a saved result), then reads the cells with python-calamine. Every way a file can
be unreadable becomes an `InputError` naming the file, the sheet and the cell. It interprets
nothing: numbers stay as the cell holds them, for `clean` to parse, together with what the file
says about how Excel shows them (the cell's number format, or the Excel error value it holds;
see `safety` for what each format records); only text typed in a legacy Vietnamese encoding
(TCVN3, VNI) is converted to Unicode, with a warning naming the cell.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine

from baocao.config.names import match_key
from baocao.errors import InputError, Issue, Location
from baocao.intake import layout
from baocao.intake.cell_formats import EXCEL_ERRORS, FileScan, SheetScan
from baocao.intake.layout import column_letter
from baocao.intake.legacy_text import ENCODING_NAMES, detect_legacy, looks_garbled, to_unicode
from baocao.intake.limits import MAX_FILE_BYTES
from baocao.intake.safety import check_file

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
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


def cell_ref(row: int, col: int) -> str:
    """Excel reference of a 0-based (row, column)."""
    return f"{column_letter(col + 1)}{row + 1}"


def text_of(value: Any) -> str:
    """A cell as NFC text with outer spaces removed ("" for empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


@dataclass
class OpenedWorkbook:
    """A workbook open in calamine, with what the safety scan learnt about its sheets."""

    book: calamine.CalamineWorkbook
    scan: FileScan

    def sheet_scan(self, sheet: str) -> SheetScan:
        found = self.scan.sheets.get(sheet)
        if found is None:
            key = match_key(sheet)
            found = next((v for k, v in self.scan.sheets.items() if match_key(k) == key), None)
        if found is None:  # .xlsx/.ods sheets are all scanned: an empty one has no notes
            found = SheetScan(formats_known=self.scan.format in ("xlsx", "ods"))
        return found

    def hidden(self, sheet: str) -> bool:
        for meta in self.book.sheets_metadata:
            if meta.name == sheet:
                return meta.visible != calamine.SheetVisibleEnum.Visible
        return False


def open_checked(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> OpenedWorkbook:
    """Check the file's bytes (`safety.check_file`), then open them with calamine."""
    where = Location(file=str(path))
    if not path.is_file():
        raise InputError("file_missing", "không tìm thấy tệp", "Hãy kiểm tra lại đường dẫn.", where)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(
            "unsupported_format",
            f"định dạng “{path.suffix or '(không có đuôi)'}” không phải bảng tính được hỗ trợ",
            "Hãy gửi tệp Excel (.xlsx, .xlsb, .xls) hoặc LibreOffice (.ods) theo biểu mẫu.",
            where,
        )
    scan = check_file(path, max_bytes=max_bytes)
    try:
        # From the bytes already checked, never the path: the file is read once, and the
        # format is told by content, so an .xls saved under an .xlsx name still reads.
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(scan.data))
    except calamine.PasswordError:
        raise InputError(
            "password_protected",
            "tệp được đặt mật khẩu nên không đọc được",
            "Hãy mở tệp, gỡ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc) rồi gửi lại.",
            where,
        ) from None
    except Exception:  # calamine raises several types for a damaged or foreign file
        raise InputError(
            "not_a_workbook",
            "tệp bị hỏng hoặc không phải bảng tính dù có đuôi " + path.suffix,
            "Hãy mở tệp bằng Excel, lưu lại dưới dạng .xlsx rồi gửi lại.",
            where,
        ) from None
    return OpenedWorkbook(book, scan)


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


def _merged_ranges(workbook: calamine.CalamineWorkbook, sheet: str) -> list[tuple[int, ...]]:
    """Merged ranges as 0-based (first row, first col, last row, last col); [] if unknown (.ods)."""
    try:
        ranges = workbook.get_sheet_by_name(sheet).merged_cell_ranges or []
    except Exception:
        return []
    return [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]


def _merged_at(ranges: list[tuple[int, ...]], row: int, col: int) -> str:
    for r0, c0, r1, c1 in ranges:
        if r0 <= row <= r1 and c0 <= col <= c1 and (r0, c0) != (r1, c1):
            return f"{cell_ref(r0, c0)}:{cell_ref(r1, c1)}"
    return ""


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


class _Texts:
    """Reads text cells of one sheet, converting TCVN3/VNI text and refusing mojibake.

    Each conversion is a warning naming the cell; text that is neither Unicode Vietnamese nor a
    known legacy encoding is an error and is read as empty, so it never reaches the report.
    """

    def __init__(self, sheet: str, issues: list[Issue]):
        self.sheet = sheet
        self.issues = issues

    def raw(self, value: Any, ref: str) -> Any:
        """A cell's value, converted when it is legacy-encoded text; other values unchanged."""
        if not isinstance(value, str) or value.isascii():
            return value
        encoding = detect_legacy(value)
        if encoding is not None:
            converted = to_unicode(value, encoding)
            self.issues.append(
                Issue(
                    "warning",
                    "legacy_encoding",
                    f"Trang “{self.sheet}”, ô {ref}: chữ được gõ bằng bảng mã "
                    f"{ENCODING_NAMES[encoding]} (“{_quote(value)}”), đã chuyển sang Unicode thành "
                    f"“{_quote(converted)}”. Hãy chuyển tệp sang Unicode (Unikey: Công cụ chuyển "
                    "mã) và dùng phông Times New Roman.",
                    sheet=self.sheet,
                    cell=ref,
                )
            )
            return converted
        if looks_garbled(value):
            self.issues.append(
                Issue(
                    "error",
                    "garbled_text",
                    f"Trang “{self.sheet}”, ô {ref}: chữ bị lỗi phông, không đọc được "
                    f"(“{_quote(value)}”) nên bị bỏ qua. Hãy gõ lại bằng Unicode (phông Times "
                    "New Roman).",
                    sheet=self.sheet,
                    cell=ref,
                )
            )
            return ""
        return value

    def text(self, value: Any, ref: str) -> str:
        return text_of(self.raw(value, ref))


def _quote(text: str, limit: int = 60) -> str:
    text = unicodedata.normalize("NFC", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _has_content(rows: list[list[Any]]) -> bool:
    return any(text_of(value) for row in rows for value in row)


def _ordered_candidates(opened: OpenedWorkbook, names: list[str]) -> list[str]:
    """Visible sheets first: a hidden sheet is read only when no visible one holds the table."""
    return sorted(names, key=opened.hidden)


def _read_data_sheet(opened: OpenedWorkbook, path: Path) -> tuple[str, list[DataRow], list[Issue]]:
    workbook = opened.book
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
        for candidate in _ordered_candidates(opened, names):
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
    merged = _merged_ranges(workbook, sheet)
    texts = _Texts(sheet, issues)
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


def _read_models_sheet(
    opened: OpenedWorkbook, path: Path
) -> tuple[str | None, list[ModelRow], list[Issue]]:
    workbook = opened.book
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
    issues: list[Issue] = []
    texts = _Texts(sheet, issues)
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


def read_info(
    workbook: calamine.CalamineWorkbook | OpenedWorkbook,
    path: Path,
    issues: list[Issue] | None = None,
) -> dict[str, tuple[Any, str]]:
    """The `Thông tin` sheet: label in any column, its value in the next non-empty cell."""
    book = workbook.book if isinstance(workbook, OpenedWorkbook) else workbook
    sheet = _find_sheet(list(book.sheet_names), layout.SHEET_INFO)
    if sheet is None:
        return {}
    texts = _Texts(sheet, issues if issues is not None else [])
    labels = {match_key(label): key for key, label in layout.INFO_FIELDS.items()}
    info: dict[str, tuple[Any, str]] = {}
    for r, row in enumerate(_rows(book, sheet, path)):
        for c, value in enumerate(row):
            key = labels.get(match_key(text_of(value)))
            if key and key not in info:
                for c2 in range(c + 1, len(row)):
                    if text_of(row[c2]):
                        ref = cell_ref(r, c2)
                        info[key] = (texts.raw(row[c2], ref), ref)
                        break
    return info


def _check_not_empty(opened: OpenedWorkbook, path: Path) -> None:
    names = list(opened.book.sheet_names)
    if any(_has_content(_rows(opened.book, name, path)) for name in names):
        return
    raise InputError(
        "empty_workbook",
        "bảng tính không có trang nào" if not names else "mọi trang của bảng tính đều trống",
        "Hãy điền số liệu vào biểu mẫu do tỉnh gửi, lưu lại rồi gửi lại.",
        Location(file=str(path), sheet=names[0] if len(names) == 1 else None),
    )


def read_unit_workbook(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> UnitWorkbook:
    """Read the three sheets of a unit's workbook; raise `InputError` when it cannot be read."""
    path = Path(path)
    opened = open_checked(path, max_bytes=max_bytes)
    info_issues: list[Issue] = []
    try:
        _check_not_empty(opened, path)
        data_sheet, data_rows, issues = _read_data_sheet(opened, path)
        models_sheet, model_rows, model_issues = _read_models_sheet(opened, path)
        info = read_info(opened, path, info_issues)
        info_sheet = _find_sheet(list(opened.book.sheet_names), layout.SHEET_INFO)
    finally:
        opened.book.close()
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


def read_declared_unit(path: Path) -> tuple[str, str] | None:
    """The unit name written in `Thông tin` and its cell, or None (raises `InputError`)."""
    opened = open_checked(Path(path))
    try:
        value = read_info(opened, Path(path)).get("unit")
    finally:
        opened.book.close()
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
