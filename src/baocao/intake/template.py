"""The intake template: one workbook per unit, in the layout of `baocao.intake.layout`.

Every label, unit of measure and kind comes from the catalogue; sheet names, column headers and
the fields of `Thông tin` come from `baocao.intake.layout`. The sample generator builds its filled
workbooks on `build_template`, so the template and the sample share one layout.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from baocao.base.keys import slugify
from baocao.config.catalog import Catalogue, Indicator, load_catalogue
from baocao.config.outline import DEFAULT_GROUP, DEFAULT_WORK, group_header, load_outline
from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period
from baocao.config.rule_kinds import rule_kind
from baocao.config.units import Unit, load_units
from baocao.intake import layout
from baocao.intake.row_heights import fit_workbook

# Row numbers shared with the sample generator. The reader does not rely on them: it finds the
# header row by its column names.
TITLE_ROW = 1
INSTRUCTION_ROW = 2
MARK_ROW = 3  # left empty in the template; the sample writes `layout.SAMPLE_MARK` here
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1
MODEL_ROWS = 20

# Fixed document properties, so that the same inputs give the same bytes.
CREATOR = "baocao"
FIXED_TIME = datetime(2020, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# Column widths (Excel's character units), chosen so that each sheet prints one A4 page wide
# at close to full size: about 150 units across a landscape page, 80 across a portrait one.
_DATA_WIDTHS = {
    layout.COL_NO: 6,
    layout.COL_CODE: 22,
    layout.COL_LABEL: 60,
    layout.COL_UNIT: 12,
    layout.COL_VALUE: 18,
    layout.COL_NOTE: 30,
}
_MODEL_WIDTHS = (6, 50, 14, 16, 18, 40)
_INFO_WIDTHS = (22, 48)
# Printing: A4, one page wide and as many pages down as needed, the header row on every page.
PAGE_FOOTER = "Trang &P/&N"
BLANK_UNIT = "Đơn vị: ……………………"

_NUMBER_FORMATS = {"count": "#,##0", "money": "#,##0", "percent": "0.0"}

_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=13)
_NOTE_FONT = Font(italic=True, size=10)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
_INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_UNLOCKED = Protection(locked=False)


def template_file_name(unit: Unit, period: str) -> str:
    return f"{unit.code}-{slugify(unit.short)}-{Period.parse(period)}.xlsx"


def programme_numbers(catalogue: Catalogue) -> list[str]:
    """The numbers a model may be filed under (1–5 in 2021, 1–7 from 2025-H2), read from the
    catalogue's section numbers."""
    numbers = {section.split(".")[0] for section in catalogue.sections}
    return sorted(numbers, key=int)


def section_heading(section: str, title: str) -> str:
    return f"{section}. {title}"


def _title(first: str, unit: Unit | None, period: str, province: str) -> str:
    parts = [first, unit.name if unit else None, province or None, Period.parse(period).label()]
    return " – ".join(p for p in parts if p)


def _merged_line(ws: Worksheet, row: int, width: int, text: str, font: Font) -> None:
    ws.cell(row=row, column=1, value=text).font = font
    ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="center")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _header(ws: Worksheet, columns: tuple[str, ...], widths: tuple[int, ...]) -> None:
    for col, (name, width) in enumerate(zip(columns, widths, strict=True), start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=name)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTRE
        cell.border = _BOX
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1)


def page_header(unit: Unit | None, period: str) -> str:
    """The text at the top of every printed page: "Xã Na Sầm – 6 tháng đầu năm 2026"."""
    name = unit.name if unit else BLANK_UNIT
    return f"{name} – {Period.parse(period).label()}"


def _print_setup(
    ws: Worksheet, unit: Unit | None, period: str, *, landscape: bool, title_row: int | None
) -> None:
    """A4, fitted to one page wide (fitToWidth=1, fitToHeight=0: as many pages down as
    needed), `title_row` repeated at the top of every page, the unit and the period in the
    page header, page numbers in the footer."""
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title_row is not None:
        ws.print_title_rows = f"{title_row}:{title_row}"
    header = page_header(unit, period).replace("&", "&&")
    for part in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
        part.center.text = header
    for part in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        part.center.text = PAGE_FOOTER


def _protect(ws: Worksheet) -> None:
    """Lock the sheet without a password; let units resize and add rows."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _validation(kind: str, title: str, error: str, prompt_title: str, prompt: str, **rule):
    """An Excel data validation that stops a wrong entry, with Vietnamese texts."""
    return DataValidation(
        type=kind,
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        errorTitle=title,
        error=error,
        promptTitle=prompt_title,
        prompt=prompt,
        **rule,
    )


_NOT_NEGATIVE = {"operator": "greaterThanOrEqual", "formula1": "0"}


# What a value cell accepts, by kind: the type Excel checks and the texts it shows. The bounds
# (operator, formulas) come from the indicator's error rules (`rule_kinds`: each kind's `excel`).
_VALUE_TEXTS = {
    "count": (
        "whole",
        "Số liệu không hợp lệ",
        "Chỉ ghi số nguyên không âm (ví dụ 12). Để trống nếu đơn vị không có số liệu.",
        "Nhập số liệu",
        "Ghi số nguyên không âm. Để trống nếu không có số liệu; ghi 0 nếu số liệu bằng 0.",
    ),
    "money": (
        "whole",
        "Số liệu không hợp lệ",
        "Chỉ ghi số tiền bằng đồng, là số nguyên không âm (ví dụ 1250000 cho 1,25 triệu).",
        "Nhập số liệu",
        "Ghi số tiền bằng đồng (ví dụ 1250000). Không ghi chữ “triệu”, “tỷ”, “đ”.",
    ),
    "percent": (
        "decimal",
        "Tỷ lệ không hợp lệ",
        "Tỷ lệ phải là số từ 0 đến 100 (ví dụ 92,5), không ghi dấu %.",
        "Nhập tỷ lệ (%)",
        "Ghi số từ 0 đến 100, có thể có phần thập phân (ví dụ 92,5).",
    ),
}


def value_constraint(indicator: Indicator) -> dict[str, str]:
    """The Excel data validation's operator and formulas for an indicator's value cell: the
    range every error rule of it checks on the cell alone (`RuleKind.excel`), intersected;
    {} when none does."""
    low, high = None, None
    for rule in indicator.rules:
        found = rule_kind(rule.rule).excel(rule) if rule.severity == "error" else None
        if found is None:
            continue
        if found[0] is not None:
            low = found[0] if low is None else max(low, found[0])
        if found[1] is not None:
            high = found[1] if high is None else min(high, found[1])
    if low is not None and high is not None:
        return {"operator": "between", "formula1": f"{low:g}", "formula2": f"{high:g}"}
    if low is not None:
        return {"operator": "greaterThanOrEqual", "formula1": f"{low:g}"}
    if high is not None:
        return {"operator": "lessThanOrEqual", "formula1": f"{high:g}"}
    return {}


def _value_validations(catalogue: Catalogue) -> dict[tuple, DataValidation]:
    """One data validation per (kind, constraint) the catalogue's indicators use."""
    validations: dict[tuple, DataValidation] = {}
    for indicator in catalogue.indicators:
        constraint = value_constraint(indicator)
        key = (indicator.kind, tuple(sorted(constraint.items())))
        if constraint and key not in validations:
            validations[key] = _validation(*_VALUE_TEXTS[indicator.kind], **constraint)
    return validations


def _value_key(indicator: Indicator) -> tuple:
    return (indicator.kind, tuple(sorted(value_constraint(indicator).items())))


def _indicator_row(ws: Worksheet, row: int, number: int, indicator: Indicator) -> None:
    cells = {
        layout.COL_NO: number,
        layout.COL_CODE: indicator.code,
        layout.COL_LABEL: indicator.label,
        layout.COL_UNIT: indicator.unit,
        layout.COL_VALUE: None,
        layout.COL_NOTE: None,
    }
    for col, name in enumerate(layout.DATA_COLUMNS, start=1):
        cell = ws.cell(row=row, column=col, value=cells[name])
        cell.border = _BOX
        cell.alignment = _WRAP
        if name in (layout.COL_VALUE, layout.COL_NOTE):
            cell.protection = _UNLOCKED
            cell.fill = _INPUT_FILL
        if name == layout.COL_VALUE:
            cell.number_format = _NUMBER_FORMATS[indicator.kind]
            cell.alignment = Alignment(horizontal="right", vertical="top")
        if name == layout.COL_NO:
            cell.alignment = Alignment(horizontal="center", vertical="top")


def data_title(work: str) -> str:
    """The data sheet's heading: "BIỂU SỐ LIỆU BÁO CÁO " and the period's `Outline.work` in
    capitals ("… CÔNG TÁC MẶT TRẬN VÀ CÁC TỔ CHỨC CHÍNH TRỊ - XÃ HỘI" from 2025-H2)."""
    return f"{layout.TITLE_DATA} {work.upper()}"


def _data_sheet(
    ws: Worksheet, unit: Unit | None, period: str, catalogue: Catalogue, province: str, work: str
):
    width = len(layout.DATA_COLUMNS)
    title = _title(data_title(work), unit, period, province)
    _merged_line(ws, TITLE_ROW, width, title, _TITLE_FONT)
    instruction = (
        f"Ghi số liệu vào cột “{layout.COL_VALUE}”: chỉ ghi số; tiền ghi bằng đồng; tỷ lệ ghi "
        f"số từ 0 đến 100. Để trống nếu không có số liệu, ghi 0 nếu số liệu bằng 0. Giải thích "
        f"thêm ở cột “{layout.COL_NOTE}”. Không sửa các cột khác."
    )
    _merged_line(ws, INSTRUCTION_ROW, width, instruction, _NOTE_FONT)
    ws.row_dimensions[INSTRUCTION_ROW].height = 30
    _header(ws, layout.DATA_COLUMNS, tuple(_DATA_WIDTHS[c] for c in layout.DATA_COLUMNS))

    validations = _value_validations(catalogue)
    value_col = get_column_letter(layout.DATA_COLUMNS.index(layout.COL_VALUE) + 1)
    row, number = FIRST_ROW, 0
    for section, indicators in catalogue.by_section().items():
        if not indicators:
            continue
        heading = section_heading(section, catalogue.sections[section])
        _merged_line(ws, row, width, heading, _BOLD)
        ws.cell(row=row, column=1).fill = _SECTION_FILL
        row += 1
        for indicator in indicators:
            number += 1
            _indicator_row(ws, row, number, indicator)
            if _value_key(indicator) in validations:
                validations[_value_key(indicator)].add(f"{value_col}{row}")
            row += 1
    for validation in validations.values():
        if validation.sqref:
            ws.add_data_validation(validation)
    _print_setup(ws, unit, period, landscape=True, title_row=HEADER_ROW)
    _protect(ws)


def _models_sheet(
    ws: Worksheet, unit: Unit | None, period: str, catalogue: Catalogue, province: str, group: str
):
    width = len(layout.MODEL_COLUMNS)
    header = layout.model_columns(group_header(group))
    columns = dict(zip(layout.MODEL_FIELDS, header, strict=True))
    programmes = programme_numbers(catalogue)
    title = _title(layout.TITLE_MODELS, unit, period, province)
    _merged_line(ws, TITLE_ROW, width, title, _TITLE_FONT)
    instruction = (
        f"Mỗi dòng một mô hình, cách làm hiệu quả. Cột “{columns['programme']}” ghi số {group} "
        f"({', '.join(programmes)}); cột “{columns['participants']}” ghi số nguyên."
    )
    _merged_line(ws, INSTRUCTION_ROW, width, instruction, _NOTE_FONT)
    _header(ws, header, _MODEL_WIDTHS)

    last = FIRST_ROW + MODEL_ROWS - 1
    for row in range(FIRST_ROW, last + 1):
        for col in range(1, width + 1):
            cell = ws.cell(row=row, column=col)
            cell.protection = _UNLOCKED
            cell.border = _BOX
            cell.alignment = _WRAP

    def column(field: str) -> str:
        return get_column_letter(layout.MODEL_FIELDS.index(field) + 1)

    listed = ", ".join(programmes)
    programme = _validation(
        "list",
        f"{group_header(group)} không hợp lệ",
        f"Chọn một số {group} trong danh sách: {listed}.",
        f"Chọn {group}",
        f"Số {group} của báo cáo: {listed}.",
        formula1=f'"{",".join(programmes)}"',
    )
    programme.add(f"{column('programme')}{FIRST_ROW}:{column('programme')}{last}")
    participants = _validation(
        "whole",
        "Số người không hợp lệ",
        "Chỉ ghi số nguyên không âm (ví dụ 120).",
        "Số người tham gia",
        "Ghi số nguyên không âm.",
        **_NOT_NEGATIVE,
    )
    participants.add(f"{column('participants')}{FIRST_ROW}:{column('participants')}{last}")
    ws.add_data_validation(programme)
    ws.add_data_validation(participants)
    _print_setup(ws, unit, period, landscape=True, title_row=HEADER_ROW)
    _protect(ws)


def _info_sheet(ws: Worksheet, unit: Unit | None, period: str) -> None:
    values = {
        "unit": unit.name if unit else None,
        "period": Period.parse(period).label(),  # in words; `read_written_period` reads it
        "filled_by": None,
        "date": None,
        "note": None,
    }
    for row, (field, label) in enumerate(layout.INFO_FIELDS.items(), start=1):
        ws.cell(row=row, column=1, value=label).font = _BOLD
        cell = ws.cell(row=row, column=2, value=values[field])
        cell.protection = _UNLOCKED
        cell.fill = _INPUT_FILL
        if field == "date":
            cell.number_format = "DD/MM/YYYY"
    for col, width in enumerate(_INFO_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    _print_setup(ws, unit, period, landscape=False, title_row=None)
    _protect(ws)


def build_template(
    unit: Unit | None,
    period: str,
    catalogue: Catalogue,
    province: str,
    *,
    work: str = DEFAULT_WORK,
    group: str = DEFAULT_GROUP,
) -> Workbook:
    """The template as an openpyxl workbook, not yet saved, its rows sized to their text
    (`row_heights`; fit again after writing more text into it). `work` is the period's
    `Outline.work` and `group` its `Outline.group_word` (`outline_words`): what the models
    sheet's column, instruction and list call the groups a model is filed under."""
    wb = Workbook()
    data = wb.active
    data.title = layout.SHEET_DATA
    _data_sheet(data, unit, period, catalogue, province, work)
    models = wb.create_sheet(layout.SHEET_MODELS)
    _models_sheet(models, unit, period, catalogue, province, group)
    _info_sheet(wb.create_sheet(layout.SHEET_INFO), unit, period)
    return fit_workbook(wb)


def outline_words(paths: ProjectPaths, period: str, catalogue: Catalogue) -> dict[str, str]:
    """What the outline in force for `period` gives the template, as `build_template`'s
    keywords: whose work it reports on (`work`) and what it calls a group of models
    (`group`)."""
    outline = load_outline(paths.config, catalogue, period)
    return {"work": outline.work, "group": outline.group_word}


def save_reproducibly(wb: Workbook, path: Path) -> Path:
    """Save with fixed document properties and zip timestamps: same workbook, same bytes."""
    wb.properties.creator = CREATOR
    wb.properties.lastModifiedBy = CREATOR
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buffer = BytesIO()
    ExcelWriter(wb, ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True)).save()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with ZipFile(buffer) as source, ZipFile(path, "w", ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = ZipInfo(entry.filename, date_time=_ZIP_TIME)
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return path


def write_template(
    path: Path,
    unit: Unit | None,
    period: str,
    catalogue: Catalogue,
    province: str,
    *,
    work: str = DEFAULT_WORK,
    group: str = DEFAULT_GROUP,
) -> Path:
    """Write the intake template for one unit (or a blank one when `unit` is None)."""
    wb = build_template(unit, period, catalogue, province, work=work, group=group)
    return save_reproducibly(wb, path)


def write_templates(period: str, out_dir: Path, paths: ProjectPaths) -> list[Path]:
    """One template per unit of the period, named `<code>-<slug>-<period>.xlsx`."""
    catalogue = load_catalogue(paths.config, period)
    units = load_units(paths.config)
    words = outline_words(paths, period, catalogue)
    out_dir = Path(out_dir)
    return [
        write_template(
            out_dir / template_file_name(unit, period),
            unit,
            period,
            catalogue,
            units.province,
            **words,
        )
        for unit in units.for_period(period)
    ]
