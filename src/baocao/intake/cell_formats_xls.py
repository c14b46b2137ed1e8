"""What an .xls (BIFF8) workbook records about its cells: number formats and error values.

In: the checked bytes of an OLE file (`FileScan.data`), read with olefile. Out: the file's
`FileScan` filled with each cell style's number format and, per sheet, a `SheetScan` of the
cells' styles and error values. Anything unexpected leaves the scan empty (formats unknown).
"""

from __future__ import annotations

import io
import struct

from baocao.intake.cell_formats import BUILTIN_FORMATS, FileScan, SheetScan
from baocao.intake.layout import column_letter
from baocao.intake.limits import MAX_STYLED_CELLS, MAX_UNPACKED_BYTES

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


def scan_xls(scan: FileScan) -> None:
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
            if len(sheet.formulas) < MAX_STYLED_CELLS:
                sheet.formulas.add(ref)
            result = payload[6:14]
            if result[6:8] == b"\xff\xff" and result[0] == 0x02:
                sheet.errors[ref] = _BIFF_ERRORS.get(result[2], "#VALUE!")
    return sheet
