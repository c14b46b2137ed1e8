"""Checking a unit's file before any parser opens it, so that no file can exhaust memory or time.

Units' files come from many offices and some arrive damaged or hostile. This module reads the
raw bytes (never writing) and refuses, with an `InputError`, files that are:

- far larger than any real submission (`MAX_FILE_BYTES`, checked before reading);
- not a workbook whatever their name says, or damaged (a truncated zip);
- encrypted with a password (an .xlsx saved with a password is an OLE file holding
  "EncryptedPackage");
- zip bombs: too many parts, a declared uncompressed size above `MAX_UNPACKED_BYTES`, or a
  part that expands more than `MAX_RATIO` times; the actual sizes are then bounded by Python's
  zip reader, which stops at the declared size and checks the CRC;
- XML bombs: any `<!DOCTYPE` or `<!ENTITY` in an XML part (expat stops at the declaration, in
  whatever encoding it is written).

While it streams the parts of an .xlsx it also notes, per sheet, what calamine does not tell:
formulas without a saved result (calamine reads them as empty), Excel error values (`t="e"`,
which calamine also reads as empty), each cell's number format (from `xl/styles.xml`: a
percent-styled 0.85 is the 85 % the unit sees), hidden rows, and how far the cells reach (a
single cell at XFD1048576 would make calamine allocate the whole grid).

`cell_formats` and `cell_formats_xls` say what each format records; `limits` holds the sizes.
"""

from __future__ import annotations

import io
import posixpath
import xml.parsers.expat
import zipfile
import zlib
from pathlib import Path

from baocao.errors import InputError, Location
from baocao.intake.cell_formats import (
    FileScan,
    SheetScan,
    add_sheet_handlers,
    cell_style_formats,
    local_name,
)
from baocao.intake.cell_formats_ods import OdsStyles, add_ods_handlers
from baocao.intake.cell_formats_xls import scan_xls
from baocao.intake.limits import (
    MAX_CELLS,
    MAX_FILE_BYTES,
    MAX_PARTS,
    MAX_RATIO,
    MAX_UNPACKED_BYTES,
    RATIO_FLOOR,
)

CHUNK = 64 * 1024

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

# What a damaged zip raises while it is opened or a part is inflated (zlib.error: a corrupt
# deflate stream, as a flipped byte makes).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)

RESAVE = "Hãy mở tệp bằng Excel, lưu lại dưới dạng .xlsx (Excel Workbook) rồi gửi lại."


class _Refused(Exception):
    """Raised inside expat handlers to stop parsing at once."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def _error(kind: str, problem: str, fix: str, path: Path, sheet: str | None = None, cell=None):
    return InputError(kind, problem, fix, Location(file=str(path), sheet=sheet, cell=cell))


def _megabytes(n: int) -> str:
    from baocao.base.numbers import format_number  # babel: only when a file is refused

    return f"{format_number(n / (1024 * 1024), 1)} MB"


def check_file(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> FileScan:
    """Read `path`'s bytes and check them; raise `InputError` for anything unsafe or unreadable."""
    size = path.stat().st_size
    if size > max_bytes:
        raise _error(
            "file_too_large",
            f"tệp nặng {_megabytes(size)}, vượt giới hạn {_megabytes(max_bytes)} của một báo cáo "
            "đơn vị (biểu mẫu thật chỉ vài chục KB)",
            "Hãy xóa ảnh, trang thừa và định dạng thừa, hoặc dán số liệu vào biểu mẫu mới rồi "
            "gửi lại.",
            path,
        )
    data = path.read_bytes()
    if not data:
        raise _error("empty_file", "tệp rỗng (0 byte)", "Hãy lưu lại bảng tính rồi gửi lại.", path)
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_PACKAGE in data:
            raise _error(
                "password_protected",
                "tệp được đặt mật khẩu nên không đọc được",
                "Hãy mở tệp, gỡ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc) rồi gửi lại.",
                path,
            )
        scan = FileScan(data, "xls")
        scan_xls(scan)
        return scan
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return _check_zip(data, path)
    raise _error(
        "not_a_workbook",
        f"tệp không phải bảng tính dù có đuôi {path.suffix}",
        RESAVE,
        path,
    )


def _check_zip(data: bytes, path: Path) -> FileScan:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS:
        raise _error(
            "damaged_file",
            "tệp bị hỏng hoặc chưa chép hết (tệp nén không đọc được)",
            "Hãy chép lại tệp từ bản gốc, hoặc mở bằng Excel, lưu lại rồi gửi lại.",
            path,
        ) from None
    with archive:
        infos = archive.infolist()
        _check_sizes(infos, path)
        names = {info.filename for info in infos}
        if "xl/workbook.xml" in names:
            file_format = "xlsx"
        elif "xl/workbook.bin" in names:
            file_format = "xlsb"
        elif "mimetype" in names and _read_small(archive, "mimetype", path).strip() == ODS_MIMETYPE:
            file_format = "ods"
        else:
            raise _error(
                "not_a_workbook",
                f"tệp là tệp nén nhưng không phải bảng tính dù có đuôi {path.suffix} "
                "(có thể là tệp Word hoặc thư mục nén)",
                RESAVE,
                path,
            )
        scan = FileScan(data, file_format)
        ods_styles = OdsStyles()
        sheet_parts = _sheet_parts(archive, path) if file_format == "xlsx" else {}
        styles_part = _styles_part(archive) if file_format == "xlsx" else None
        for info in infos:
            if not info.filename.endswith((".xml", ".rels")) or info.is_dir():
                continue
            sheet = sheet_parts.get(info.filename)
            sheet_scan = SheetScan(formats_known=True) if sheet is not None else None
            if info.filename == styles_part:
                collected: list = []
                _parse_part(archive, info, path, None, None, collected)
                scan.cell_formats = cell_style_formats(collected)
            elif file_format == "ods" and info.filename in ("content.xml", "styles.xml"):
                _parse_part(archive, info, path, None, None, ods=(scan.sheets, ods_styles))
            else:
                _parse_part(archive, info, path, sheet_scan, sheet)
            if sheet is not None:
                scan.sheets[sheet] = sheet_scan
                _check_extent(sheet_scan, path, sheet)
        ods_styles.finish()  # .ods: number cells get their formats once all styles are read
        return scan


def _check_sizes(infos: list[zipfile.ZipInfo], path: Path) -> None:
    def bomb(detail: str) -> InputError:
        return _error(
            "zip_bomb",
            f"tệp nén có cấu trúc bất thường ({detail}), có thể là tệp độc hại nên không được mở",
            "Hãy kiểm tra máy gửi có virus không, rồi gửi lại tệp biểu mẫu đã điền.",
            path,
        )

    if len(infos) > MAX_PARTS:
        raise bomb(f"{len(infos)} tệp con, nhiều hơn {MAX_PARTS}")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED_BYTES:
        raise bomb(f"khi giải nén nặng {_megabytes(total)}, vượt {_megabytes(MAX_UNPACKED_BYTES)}")
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise bomb(f"phần “{info.filename}” nén {ratio} lần, vượt {MAX_RATIO} lần")


def _read_small(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    try:
        with archive.open(name) as part:
            return part.read(1024)
    except _ZIP_ERRORS:
        raise _damaged(path) from None


def _damaged(path: Path, sheet: str | None = None) -> InputError:
    return _error(
        "damaged_file",
        "tệp bị hỏng (một phần nội dung nén không giải được)",
        "Hãy chép lại tệp từ bản gốc, hoặc mở bằng Excel, lưu lại rồi gửi lại.",
        path,
        sheet,
    )


def _parse_part(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    path: Path,
    sheet_scan: SheetScan | None,
    sheet: str | None,
    collect: list | None = None,
    ods: tuple[dict[str, SheetScan], OdsStyles] | None = None,
) -> None:
    """Stream one XML part through expat: refuse DTDs, note what a sheet's XML says."""
    parser = xml.parsers.expat.ParserCreate()

    def refuse(*_args):
        raise _Refused("xml_entities")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    if sheet_scan is not None:
        add_sheet_handlers(parser, sheet_scan)
    elif ods is not None:
        add_ods_handlers(parser, *ods)
    elif collect is not None:
        parser.StartElementHandler = lambda name, attrs: collect.append((local_name(name), attrs))
    try:
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Refused:
        raise _error(
            "xml_entities",
            f"phần “{info.filename}” của tệp khai báo thực thể XML (<!DOCTYPE>/<!ENTITY>), "
            "điều Excel không bao giờ làm; có thể là tệp độc hại nên không được mở",
            "Hãy gửi tệp biểu mẫu gốc đã điền bằng Excel hoặc LibreOffice.",
            path,
            sheet,
        ) from None
    except xml.parsers.expat.ExpatError as exc:
        raise _error(
            "damaged_file",
            f"phần “{info.filename}” của tệp bị hỏng (XML lỗi ở dòng {exc.lineno})",
            RESAVE,
            path,
            sheet,
        ) from None
    except _ZIP_ERRORS:
        raise _damaged(path, sheet) from None


def _check_extent(scan: SheetScan, path: Path, sheet: str) -> None:
    if scan.max_row * scan.max_col > MAX_CELLS:
        raise _error(
            "sheet_too_large",
            f"trang có ô chứa dữ liệu ở tận {_far_cells(scan)} "
            f"({scan.max_row} dòng × {scan.max_col} cột), quá lớn so với một biểu báo cáo",
            "Hãy xóa các ô thừa ở xa bảng số liệu (chọn các dòng, cột thừa và xóa hẳn) rồi "
            "gửi lại.",
            path,
            sheet,
        )


def _far_cells(scan: SheetScan) -> str:
    """The cells that make a sheet's used area large: one of its last row, one of its last
    column ("A70 và KZA40"; one cell when it is both)."""
    cells = dict.fromkeys(c for c in (scan.far_cell, scan.far_right_cell) if c)
    return " và ".join(cells) or "rất xa"


def _sheet_parts(archive: zipfile.ZipFile, path: Path) -> dict[str, str]:
    """Zip part name -> sheet name, from xl/workbook.xml and its relationships."""
    infos = {info.filename: info for info in archive.infolist()}
    sheets: list = []
    _parse_part(archive, infos["xl/workbook.xml"], path, None, None, sheets)
    rels: list = []
    if "xl/_rels/workbook.xml.rels" in infos:
        _parse_part(archive, infos["xl/_rels/workbook.xml.rels"], path, None, None, rels)
    targets = {
        attrs.get("Id"): attrs.get("Target", "") for name, attrs in rels if name == "Relationship"
    }
    parts: dict[str, str] = {}
    for name, attrs in sheets:
        if name != "sheet":
            continue
        rid = next((v for k, v in attrs.items() if local_name(k) == "id"), None)
        target = targets.get(rid)
        if not target or "name" not in attrs:
            continue
        if target.startswith("/"):
            part = target.lstrip("/")
        else:
            part = posixpath.normpath(posixpath.join("xl", target))
        parts[part] = attrs["name"]
    return parts


def _styles_part(archive: zipfile.ZipFile) -> str:
    """The styles part of an .xlsx (named by the workbook's relationships; usually xl/styles.xml)."""
    names = set(archive.namelist())
    return "xl/styles.xml" if "xl/styles.xml" in names else ""
