"""Opening a unit's file, and the cells of its sheets as text: the one place that opens the file.

In: the path of a unit's file (.xlsx, .xlsm, .xlsb, .xls, .ods). Out: an `OpenedWorkbook`, the
file's bytes checked once (`safety.check_file`) and opened with python-calamine, which answers
what every sheet reader asks: a sheet found by its name in any spelling, its rows (read once),
its merged ranges and what the scan noted of it; and cell references and cell text in NFC
(`SheetTexts`: text typed in TCVN3 or VNI is converted with a warning naming the cell; mojibake
is an error and reads as empty). A file that cannot be opened is an `InputError` naming the
file (and the sheet). What the sheets mean (the tables, the declared fields) is read in `read`
and `info_sheet`.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine

from baocao.base.keys import match_key
from baocao.errors import InputError, Issue, Location
from baocao.intake.cell_formats import FileScan, SheetScan
from baocao.intake.layout import column_letter
from baocao.intake.legacy_text import ENCODING_NAMES, detect_legacy, looks_garbled, to_unicode
from baocao.intake.limits import MAX_FILE_BYTES
from baocao.intake.safety import check_file

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


def cell_ref(row: int, col: int) -> str:
    """Excel reference of a 0-based (row, column): (11, 4) → "E12"."""
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
    """A workbook open in calamine, with what the safety scan learnt about its sheets: what the
    sheet readers (`read`, `info_sheet`) ask of a file, by sheet name. Close it (or use it in a
    `with` block) when done."""

    book: calamine.CalamineWorkbook
    scan: FileScan
    path: Path
    _rows: dict[str, list[list[Any]]] = field(default_factory=dict, init=False, repr=False)

    def __enter__(self) -> OpenedWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.book.close()
        self._rows.clear()

    @property
    def sheet_names(self) -> list[str]:
        """The sheets' names as the file writes them, in the file's order."""
        return list(self.book.sheet_names)

    def find_sheet(self, wanted: str) -> str | None:
        """The sheet whose name is `wanted` in any spelling (case, diacritics, spaces), or None."""
        key = match_key(wanted)
        return next((name for name in self.sheet_names if match_key(name) == key), None)

    def rows(self, sheet: str) -> list[list[Any]]:
        """A sheet's cells as rows of raw values ("" for empty), read once per sheet; a sheet
        calamine cannot read is an `InputError` naming the file and sheet."""
        if sheet not in self._rows:
            try:
                rows = self.book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except Exception:
                raise InputError(
                    "sheet_unreadable",
                    "không đọc được nội dung trang",
                    "Hãy mở tệp bằng Excel, lưu lại rồi gửi lại.",
                    Location(file=str(self.path), sheet=sheet),
                ) from None
            self._rows[sheet] = rows
        return self._rows[sheet]

    def merged_ranges(self, sheet: str) -> list[tuple[int, ...]]:
        """Merged ranges as 0-based (first row, first col, last row, last col): calamine's, or
        for an .ods (calamine has none) the scan's of content.xml; [] if unknown."""
        try:
            ranges = self.book.get_sheet_by_name(sheet).merged_cell_ranges or []
        except Exception:
            ranges = []
        if not ranges:
            return list(self.sheet_scan(sheet).merged)
        return [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]

    def sheet_scan(self, sheet: str) -> SheetScan:
        """What the safety scan noted of a sheet (formats, errors, formulas, hidden rows)."""
        found = self.scan.sheets.get(sheet)
        if found is None:
            key = match_key(sheet)
            found = next((v for k, v in self.scan.sheets.items() if match_key(k) == key), None)
        if found is None:  # .xlsx/.ods sheets are all scanned: an empty one has no notes
            found = SheetScan(formats_known=self.scan.format in ("xlsx", "ods"))
        return found

    def hidden(self, sheet: str) -> bool:
        """Whether the sheet is hidden in the unit's workbook."""
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
    return OpenedWorkbook(book, scan, path)


class SheetTexts:
    """Reads text cells of one sheet, converting TCVN3/VNI text and refusing mojibake.

    Each conversion is a warning naming the cell; text that is neither Unicode Vietnamese nor a
    known legacy encoding is an error and is read as empty, so it never reaches the report.
    """

    def __init__(self, sheet: str, issues: list[Issue]):
        """`issues`: the list the warnings and errors are appended to."""
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
        """A cell's value as NFC text (`text_of`), converted or refused as `raw` does."""
        return text_of(self.raw(value, ref))


def _quote(text: str, limit: int = 60) -> str:
    text = unicodedata.normalize("NFC", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
