"""Opening a unit's file, and the cells of its sheets as text: the one place that opens the file.

In: the path of a unit's file (.xlsx, .xlsm, .xlsb, .xls, .ods). Out: an `OpenedWorkbook`, the
file's bytes checked once (`safety.check_file`) and opened with python-calamine, with what the
scan learnt per sheet; and what every sheet reader uses: a sheet's rows, a sheet found by its
name in any spelling, cell references, and cell text in NFC (text typed in TCVN3 or VNI is
converted with a warning naming the cell; mojibake is an error and reads as empty). A file that
cannot be opened is an `InputError` naming the file (and the sheet).
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
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


def _find_sheet(names: list[str], wanted: str) -> str | None:
    key = match_key(wanted)
    for name in names:
        if match_key(name) == key:
            return name
    return None


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
