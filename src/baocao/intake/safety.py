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

What each format records, and so what is detected:
- .xlsx/.xlsm: number formats and error values per cell, as above.
- .ods: percent cells (`office:value-type="percentage"`) and error results
  (`calcext:value-type="error"`, or a formula whose text result is "#…!" / "Err:…"). Other number
  formats are not read: such cells count as General.
- .xls (BIFF8, read with olefile): number formats (XF and FORMAT records) and error values
  (BOOLERR records, and FORMULA records whose saved result is an error), per cell.
- .xlsb, and .xls older than Excel 97 (BIFF5): not read here; number formats are unknown, so
  a 0 < x ≤ 1 in a percent row is refused as ambiguous, and an error value reads as an empty
  cell unless calamine gives its text (e.g. "#DIV/0!"), which `intake` recognises.
"""

from __future__ import annotations

import io
import posixpath
import struct
import xml.parsers.expat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from baocao.errors import InputError, Location
from baocao.intake.layout import column_letter, column_number

MAX_FILE_BYTES = 20 * 1024 * 1024  # real submissions are tens of kilobytes
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # sum of the parts' declared uncompressed sizes
MAX_RATIO = 100  # a part larger than RATIO_FLOOR may expand at most this many times
RATIO_FLOOR = 1024 * 1024
MAX_PARTS = 5_000
MAX_CELLS = 2_000_000  # rows × columns of one sheet's used area
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

# Excel's error values, as the file stores them.
EXCEL_ERRORS = (
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#CONNECT!",
    "#BUSY!",
    "#UNKNOWN!",
    "#PYTHON!",
)
# Excel's built-in number formats (ECMA-376 §18.8.30) that a cell may name by id alone.
BUILTIN_FORMATS = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)",
    48: "##0.0E+0",
    49: "@",
}
MAX_STYLED_CELLS = 200_000  # beyond this, formats of further cells are not kept (unknown)

RESAVE = "Hãy mở tệp bằng Excel, lưu lại dưới dạng .xlsx (Excel Workbook) rồi gửi lại."


@dataclass
class SheetScan:
    """What the XML of one .xlsx sheet says that calamine does not."""

    formulas_without_value: set[str] = field(default_factory=set)  # cell references
    hidden_rows: set[int] = field(default_factory=set)  # 1-based row numbers
    max_row: int = 0  # 1-based extent of the cells holding a value or a formula
    max_col: int = 0
    far_cell: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # cell reference -> "#DIV/0!" ...
    styles: dict[str, int] = field(default_factory=dict)  # cell reference -> style index
    number_formats: dict[str, str] = field(default_factory=dict)  # .ods: cell -> format code
    formats_known: bool = False  # the format records number formats (see the module's notes)
    default_format: str = "General"  # the format of a cell with no style of its own
    formats_complete: bool = True  # False when the sheet had too many styled cells to keep


@dataclass
class FileScan:
    """The checked bytes of a file and what was learnt on the way."""

    data: bytes
    format: str  # "xlsx", "xlsb", "ods" or "xls"
    sheets: dict[str, SheetScan] = field(default_factory=dict)  # by sheet name (.xlsx, .ods)
    cell_formats: tuple[str, ...] = ()  # .xlsx: number format code of each cellXfs style

    def number_format(self, sheet: SheetScan, ref: str) -> str | None:
        """The number format code of a cell ("General", "0%", "#,##0" ...); None when the file
        format does not record it (.xls, .xlsb) or it could not be kept."""
        if not sheet.formats_known:
            return None
        if ref in sheet.number_formats:
            return sheet.number_formats[ref]
        style = sheet.styles.get(ref)
        if style is None:
            return sheet.default_format if sheet.formats_complete else None
        if style < len(self.cell_formats):
            return self.cell_formats[style]
        return "General"


class _Refused(Exception):
    """Raised inside expat handlers to stop parsing at once."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def _error(kind: str, problem: str, fix: str, path: Path, sheet: str | None = None, cell=None):
    return InputError(kind, problem, fix, Location(file=str(path), sheet=sheet, cell=cell))


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".replace(".", ",") + " MB"


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
        _scan_xls(scan)
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
                scan.cell_formats = _cell_formats(collected)
            elif file_format == "ods" and info.filename == "content.xml":
                _parse_part(archive, info, path, None, None, ods=scan.sheets)
            else:
                _parse_part(archive, info, path, sheet_scan, sheet)
            if sheet is not None:
                scan.sheets[sheet] = sheet_scan
                _check_extent(sheet_scan, path, sheet)
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


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _parse_part(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    path: Path,
    sheet_scan: SheetScan | None,
    sheet: str | None,
    collect: list | None = None,
    ods: dict[str, SheetScan] | None = None,
) -> None:
    """Stream one XML part through expat: refuse DTDs, note what a sheet's XML says."""
    parser = xml.parsers.expat.ParserCreate()

    def refuse(*_args):
        raise _Refused("xml_entities")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    if sheet_scan is not None:
        _sheet_handlers(parser, sheet_scan)
    elif ods is not None:
        _ods_handlers(parser, ods)
    elif collect is not None:
        parser.StartElementHandler = lambda name, attrs: collect.append((_local(name), attrs))
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


def _sheet_handlers(parser, scan: SheetScan) -> None:
    # A formula's result is its <v>; an empty <v> (as openpyxl writes) is no result, unless the
    # cell is typed as text (t="str"), whose result may be the empty string.
    state = {
        "row": 0,
        "col": 0,
        "ref": "",
        "f": False,
        "v": False,
        "in_v": False,
        "str": False,
        "err": False,
        "text": "",
    }

    def text(data):
        if state["in_v"] and data.strip():
            state["v"] = True
        if state["in_v"] and state["err"] and len(state["text"]) < 64:
            state["text"] += data

    def start(name, attrs):
        name = _local(name)
        if name == "c":
            ref = attrs.get("r")
            row, col = state["row"], state["col"] + 1
            if ref:
                letters = ref.rstrip("0123456789")
                try:
                    col = column_number(letters)
                    row = int(ref[len(letters) :])
                except ValueError:
                    pass
            state.update(col=col, row=row, ref=f"{column_letter(min(col, 16384))}{row}")
            state["f"] = state["v"] = False
            state["str"] = attrs.get("t") in ("str", "s", "inlineStr")
            state["err"] = attrs.get("t") == "e"
            state["text"] = ""
            style = attrs.get("s")
            if style and style != "0" and style.isdigit():
                if len(scan.styles) < MAX_STYLED_CELLS:
                    scan.styles[state["ref"]] = int(style)
                else:
                    scan.formats_complete = False
        elif name == "f":
            state["f"] = True
        elif name == "v":
            state["in_v"] = True
            state["v"] = state["v"] or state["str"]
        elif name == "is":
            state["v"] = True
        elif name == "row":
            try:
                state["row"] = int(attrs.get("r", state["row"] + 1))
            except ValueError:
                state["row"] += 1
            state["col"] = 0
            if attrs.get("hidden") in ("1", "true"):
                scan.hidden_rows.add(state["row"])

    def end(name):
        name = _local(name)
        if name == "v":
            state["in_v"] = False
        if name != "c" or not (state["f"] or state["v"]):
            return
        if state["f"] and not state["v"]:
            scan.formulas_without_value.add(state["ref"])
        if state["err"] and state["v"]:
            scan.errors[state["ref"]] = state["text"].strip()[:16] or "#VALUE!"
        if state["row"] * state["col"] > scan.max_row * scan.max_col:
            scan.far_cell = state["ref"]
        scan.max_row = max(scan.max_row, state["row"])
        scan.max_col = max(scan.max_col, state["col"])

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text


def _check_extent(scan: SheetScan, path: Path, sheet: str) -> None:
    if scan.max_row * scan.max_col > MAX_CELLS:
        raise _error(
            "sheet_too_large",
            f"trang có ô chứa dữ liệu ở tận {scan.far_cell or 'rất xa'} "
            f"({scan.max_row} dòng × {scan.max_col} cột), quá lớn so với một biểu báo cáo",
            "Hãy xóa các ô thừa ở xa bảng số liệu (chọn các dòng, cột thừa và xóa hẳn) rồi "
            "gửi lại.",
            path,
            sheet,
        )


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
        rid = next((v for k, v in attrs.items() if _local(k) == "id"), None)
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


# Sections of styles.xml, in order: a <numFmt> counts only under <numFmts>, an <xf> only under
# <cellXfs> (cellStyleXfs and dxfs hold the same element names).
_STYLE_SECTIONS = frozenset(
    {
        "numFmts",
        "fonts",
        "fills",
        "borders",
        "cellStyleXfs",
        "cellXfs",
        "cellStyles",
        "dxfs",
        "tableStyles",
        "colors",
        "extLst",
    }
)


def _cell_formats(elements: list[tuple[str, dict]]) -> tuple[str, ...]:
    """The number format code of each cell style (`<cellXfs>` order) of a styles.xml."""
    custom: dict[int, str] = {}
    formats: list[str] = []
    section = ""
    for name, attrs in elements:
        if name in _STYLE_SECTIONS:
            section = name
        elif name == "numFmt" and section == "numFmts":
            try:
                custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "General")
            except ValueError:
                continue
        elif name == "xf" and section == "cellXfs":
            try:
                number = int(attrs.get("numFmtId", "0"))
            except ValueError:
                number = 0
            formats.append(custom.get(number) or BUILTIN_FORMATS.get(number, "General"))
    return tuple(formats)


def _repeat(attrs: dict, name: str) -> int:
    try:
        return max(1, int(attrs.get(name, "1")))
    except ValueError:
        return 1


def _ods_handlers(parser, sheets: dict[str, SheetScan]) -> None:
    """Note, per table of an .ods content.xml, percent cells and error results."""
    state: dict = {"sheet": None, "row": 0, "col": 0, "cell": None, "text": "", "rows": 1}

    def start(name, attrs):
        name = _local(name)
        if name == "table":
            table = next((v for k, v in attrs.items() if _local(k) == "name"), "")
            state["sheet"] = sheets.setdefault(table, SheetScan(formats_known=True))
            state["row"] = 0
        elif name == "table-row":
            state["rows"] = _repeat(
                {_local(k): v for k, v in attrs.items()}, "number-rows-repeated"
            )
            state["col"] = 0
        elif name in ("table-cell", "covered-table-cell"):
            local = {_local(k): v for k, v in attrs.items()}
            state["repeat"] = _repeat(local, "number-columns-repeated")
            value_type = next((v for k, v in attrs.items() if k.endswith("office:value-type")), "")
            calc_type = next((v for k, v in attrs.items() if k.endswith("calcext:value-type")), "")
            state["cell"] = (value_type, calc_type, "formula" in local)
            state["text"] = ""

    def text(data):
        if state["cell"] is not None and len(state["text"]) < 64:
            state["text"] += data

    def end(name):
        name = _local(name)
        sheet = state["sheet"]
        if name in ("table-cell", "covered-table-cell") and state["cell"] is not None:
            value_type, calc_type, formula = state["cell"]
            shown = state["text"].strip()
            refs = [
                f"{column_letter(min(state['col'] + 1 + n, 16384))}{state['row'] + 1}"
                for n in range(min(state["repeat"], 4))
            ]
            if sheet is not None and state["rows"] == 1:
                is_error = calc_type == "error" or (
                    formula and (shown in EXCEL_ERRORS or shown.startswith("Err:"))
                )
                for ref in refs:
                    if is_error:
                        sheet.errors[ref] = shown[:16] or "#VALUE!"
                    elif value_type == "percentage":
                        sheet.number_formats[ref] = "0%"
            state["col"] += state["repeat"]
            state["cell"] = None
        elif name == "table-row":
            state["row"] += state["rows"]
            state["rows"] = 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text


# --- .xls (BIFF8) ---------------------------------------------------------------------------------

_BIFF_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}
_BOF, _EOF, _BOUNDSHEET, _FORMAT, _XF, _FILEPASS = 0x0809, 0x000A, 0x0085, 0x041E, 0x00E0, 0x002F
_NUMBER, _RK, _MULRK, _LABELSST, _BOOLERR, _FORMULA = 0x0203, 0x027E, 0x00BD, 0x00FD, 0x0205, 0x0006


def _biff_records(stream: bytes, start: int = 0):
    """(offset, type, payload) of the BIFF records from `start` (CONTINUE records included)."""
    at = start
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        yield at, kind, stream[at + 4 : at + 4 + length]
        at += 4 + length


def _biff_string(payload: bytes, at: int, count_bytes: int) -> str:
    (count,) = struct.unpack_from("<B" if count_bytes == 1 else "<H", payload, at)
    flags = payload[at + count_bytes]
    body = payload[at + count_bytes + 1 :]
    if flags & 0x01:
        return body[: 2 * count].decode("utf-16-le", "replace")
    return body[:count].decode("latin-1")


def _scan_xls(scan: FileScan) -> None:
    """Note the number format and error value of each cell of an .xls (BIFF8) workbook.

    Anything unexpected (BIFF5, a damaged stream) leaves the scan empty: formats stay unknown,
    and calamine then says whether the file can be read at all."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(scan.data)) as ole:
            if not ole.exists("Workbook"):
                return
            stream = ole.openstream("Workbook").read(MAX_UNPACKED_BYTES)
        formats: dict[int, str] = {}
        xf_formats: list[int] = []
        sheets: list[tuple[int, str]] = []
        for _at, kind, payload in _biff_records(stream):
            if kind == _FORMAT and len(payload) >= 5:
                formats[struct.unpack_from("<H", payload)[0]] = _biff_string(payload, 2, 2)
            elif kind == _XF and len(payload) >= 4:
                xf_formats.append(struct.unpack_from("<H", payload, 2)[0])
            elif kind == _BOUNDSHEET and len(payload) >= 8:
                offset = struct.unpack_from("<I", payload)[0]
                sheets.append((offset, _biff_string(payload, 6, 1)))
            elif kind == _FILEPASS:
                return  # encrypted records: nothing to learn (calamine refuses the file)
            elif kind == _EOF:
                break
        scan.cell_formats = tuple(
            formats.get(n) or BUILTIN_FORMATS.get(n, "General") for n in xf_formats
        )
        for offset, name in sheets:
            scan.sheets[name] = _scan_xls_sheet(stream, offset)
    except Exception:  # olefile and struct raise many types on a damaged file
        scan.sheets.clear()
        scan.cell_formats = ()


def _scan_xls_sheet(stream: bytes, offset: int) -> SheetScan:
    sheet = SheetScan(formats_known=True)

    def note(row: int, col: int, xf: int) -> str:
        ref = f"{column_letter(col + 1)}{row + 1}"
        if xf and len(sheet.styles) < MAX_STYLED_CELLS:
            sheet.styles[ref] = xf
        elif xf:
            sheet.formats_complete = False
        return ref

    for at, kind, payload in _biff_records(stream, offset):
        if kind == _EOF:
            break
        if kind == _BOF and at != offset:
            break  # the next substream: this sheet had no EOF
        if kind in (_NUMBER, _RK, _LABELSST) and len(payload) >= 6:
            note(*struct.unpack_from("<HHH", payload))
        elif kind == _MULRK and len(payload) >= 6:
            row, first = struct.unpack_from("<HH", payload)
            for n in range((len(payload) - 6) // 6):
                (xf,) = struct.unpack_from("<H", payload, 4 + 6 * n)
                note(row, first + n, xf)
        elif kind == _BOOLERR and len(payload) >= 8:
            row, col, xf = struct.unpack_from("<HHH", payload)
            ref = note(row, col, xf)
            if payload[7] == 1:
                sheet.errors[ref] = _BIFF_ERRORS.get(payload[6], "#VALUE!")
        elif kind == _FORMULA and len(payload) >= 14:
            row, col, xf = struct.unpack_from("<HHH", payload)
            ref = note(row, col, xf)
            result = payload[6:14]
            if result[6:8] == b"\xff\xff" and result[0] == 0x02:
                sheet.errors[ref] = _BIFF_ERRORS.get(result[2], "#VALUE!")
    return sheet
