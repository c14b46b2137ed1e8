"""The feedback workbook: a first sheet "Phản hồi" listing a unit's problems, printable on A4.

In: the feedback's head and rows (`unit.feedback`), the target path and, for an .xlsx or .xlsm,
the unit's own workbook. Out: an .xlsx (an .xlsm keeps its macros) saved atomically at the
target: a copy of the unit's workbook with each problem cell filled, boxed and commented in
Vietnamese, and the list sheet first; for any other file (or one openpyxl cannot load), a
workbook of the list sheet alone. The unit's file is only read, never written.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.worksheet import Worksheet

from baocao.base.files import atomic_path
from baocao.intake import layout
from baocao.unit.feedback import FeedbackHead, FeedbackRow

SHEET = layout.SHEET_FEEDBACK
AUTHOR = "baocao (Ban Thường trực)"
COPY_SUFFIXES = (".xlsx", ".xlsm")
HEADER = ("STT", "Mức độ", "Trang", "Ô", "Giá trị đọc được", "Vấn đề", "Cách sửa", "Tình trạng")
WIDTHS = (5, 8, 11, 6, 15, 40, 40, 14)  # 139 characters: A4 landscape at 100 %
LINE_POINTS = 15  # the height of one line of wrapped text

_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_FILLS = {  # the list's and the marked cells' colours, by severity
    "error": PatternFill("solid", start_color="FFC7CE"),
    "warning": PatternFill("solid", start_color="FFEB9C"),
}
_CHECKED_FILL = PatternFill("solid", start_color="E2EFDA")
_MARK_SIDES = {
    "error": Side(style="thick", color="C00000"),
    "warning": Side(style="thick", color="BF8F00"),
}
_HEAD_FILL = PatternFill("solid", start_color="D9E1F2")


def write_feedback_book(
    target: Path, head: FeedbackHead, rows: list[FeedbackRow], source: Path | None = None
) -> bool:
    """Write the feedback workbook at `target` (atomically). With `source` an .xlsx or .xlsm
    openpyxl loads, the workbook is a copy of it with the problem cells marked
    (`mark_cells`) and the list sheet first; else the list sheet alone. Returns whether it is
    a copy of the unit's workbook. Raises `OSError` when `target` cannot be written."""
    book = _copy_of(source) if source is not None else None
    copied = book is not None
    if book is None:
        book = Workbook()
        book.remove(book.active)
    else:
        mark_cells(book, rows)
    sheet = book.create_sheet(SHEET, 0)
    fill_list(sheet, head, rows, copied)
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False
    with atomic_path(target) as temporary:
        book.save(temporary)
    return copied


def _copy_of(source: Path) -> Workbook | None:
    """The unit's workbook loaded with openpyxl (None for another format or a file it cannot
    load), with the list sheet and comments of an earlier feedback removed (a clerk may send
    the feedback copy back)."""
    if source.suffix.lower() not in COPY_SUFFIXES:
        return None
    try:
        with warnings.catch_warnings():  # extensions openpyxl does not keep: not the unit's fault
            warnings.simplefilter("ignore")
            book = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
    except Exception:  # noqa: BLE001 - any file openpyxl cannot load gets the list alone
        return None
    if SHEET in book.sheetnames:
        book.remove(book[SHEET])
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.comment is not None and cell.comment.author == AUTHOR:
                    cell.comment = None
    return book


def mark_cells(book: Workbook, rows: list[FeedbackRow]) -> int:
    """Fill, box and comment each problem cell of `rows` in `book` (a merged cell's first
    cell; several problems of one cell in one comment). Returns the cells marked."""
    by_cell: dict[tuple[str, str], list[FeedbackRow]] = {}
    for row in rows:
        if row.sheet in book.sheetnames and _is_ref(row.cell):
            by_cell.setdefault((row.sheet, row.cell), []).append(row)
    for (sheet_name, ref), found in by_cell.items():
        cell = _anchor(book[sheet_name], ref)
        worst = "error" if any(r.severity == "error" for r in found) else "warning"
        if all(r.checked for r in found):
            cell.fill = _CHECKED_FILL
        else:
            cell.fill = _FILLS[worst]
            side = _MARK_SIDES[worst]
            cell.border = Border(left=side, right=side, top=side, bottom=side)
        text = "\n\n".join(_comment_text(r) for r in found)
        comment = Comment(text, AUTHOR, width=360, height=min(400, 90 + 14 * (len(text) // 45)))
        cell.comment = comment
    return len(by_cell)


def _comment_text(row: FeedbackRow) -> str:
    text = f"{row.level.capitalize()}: {row.problem}\nCách sửa: {row.fix}"
    return text + (f"\n({row.status})" if row.checked else "")


def _anchor(sheet: Worksheet, ref: str):
    """The cell at `ref`, or the first cell of the merged range covering it."""
    cell = sheet[ref]
    if isinstance(cell, MergedCell):
        for merged in sheet.merged_cells.ranges:
            if ref in merged:
                return sheet.cell(row=merged.min_row, column=merged.min_col)
    return cell


def _is_ref(ref: str) -> bool:
    try:
        column, row = coordinate_from_string(ref)
    except ValueError:
        return False
    return bool(column) and 0 < row <= 1_048_576


def fill_list(sheet: Worksheet, head: FeedbackHead, rows: list[FeedbackRow], copied: bool) -> None:
    """The list sheet: title, the head's lines, the verdict, then one row per problem (each
    cell linked to the problem cell when the workbook is a copy); A4 landscape, one page wide,
    the table's header repeated on each page."""
    last = len(HEADER)
    sheet.append([f"PHẢN HỒI VỀ TỆP SỐ LIỆU {head.period_label.upper()}"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for label, value in head.lines():  # one line each: the text runs over the empty cells
        sheet.append([label, None, None, value])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    notes = [head.verdict()]
    if copied:
        notes.append(
            f"Tệp này là bản sao tệp của đơn vị: các ô có vấn đề được tô màu (đỏ: lỗi, vàng: "
            f"cảnh báo) và có ghi chú; trang “{SHEET}” này chỉ để đơn vị theo dõi."
        )
    for note in notes:
        sheet.append([note])
        at = sheet.max_row
        sheet.merge_cells(start_row=at, start_column=1, end_row=at, end_column=last)
        sheet.cell(row=at, column=1).alignment = _WRAP
        sheet.row_dimensions[at].height = LINE_POINTS * _lines(note, sum(WIDTHS))
    sheet.append([])
    if not rows:
        sheet.append(["Không có lỗi hoặc cảnh báo nào."])
        _page(sheet, None)
        return
    sheet.append(list(HEADER))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), _HEAD_FILL, _BOX, _WRAP
    for number, row in enumerate(rows, start=1):
        values = [
            number,
            row.level,
            row.sheet,
            row.cell,
            row.seen,
            row.problem,
            row.fix,
            row.status,
        ]
        sheet.append(values)
        at = sheet.max_row
        for cell in sheet[at]:
            cell.border, cell.alignment = _BOX, _WRAP
        sheet.row_dimensions[at].height = LINE_POINTS * max(
            _lines(str(value), width) for value, width in zip(values, WIDTHS, strict=True)
        )
        sheet.cell(row=at, column=2).fill = (
            _CHECKED_FILL if row.checked else _FILLS.get(row.severity, PatternFill())
        )
        if copied and row.sheet and _is_ref(row.cell):
            link = sheet.cell(row=at, column=4)
            link.hyperlink = f"#'{row.sheet}'!{row.cell}"
            link.font = Font(color="0563C1", underline="single")
    _page(sheet, header_row)


def _lines(text: str, width: int) -> int:
    """Lines `text` takes wrapped in a column `width` characters wide (Excel and Calc do not
    size a row to its wrapped text when they open a file: the row's height is set)."""
    per_line = max(1, int(width * 1.1) - 1)
    return max(1, sum(-(-max(1, len(part)) // per_line) for part in text.split("\n")))


def _page(sheet: Worksheet, header_row: int | None) -> None:
    """Column widths, A4 landscape, one page wide, the header row repeated."""
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.print_options.horizontalCentered = True
    if header_row is not None:
        sheet.print_title_rows = f"{header_row}:{header_row}"
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
