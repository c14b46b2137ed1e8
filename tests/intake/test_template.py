"""The intake template: layout, catalogue content, protection and validation, read back."""

from __future__ import annotations

import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from office import SOFFICE, soffice_pdf
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from baocao.config.catalog import load_catalogue
from baocao.config.outline import model_group
from baocao.config.periods import Period
from baocao.config.units import load_units
from baocao.intake import layout
from baocao.intake.read import read_unit_workbook
from baocao.intake.row_heights import column_width_pt
from baocao.intake.template import outline_words, slugify, write_template, write_templates
from baocao.unit.clean import clean_unit
from baocao.unit.declared import check_declared_period

PERIOD = "2021-H1"


@pytest.fixture(scope="module")
def written(tmp_path_factory, paths) -> list[Path]:
    return write_templates(PERIOD, tmp_path_factory.mktemp("templates"), paths)


def rows(path: Path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def data_table(path: Path) -> tuple[int, list[list]]:
    """The header row index and the rows below it, found by the column names."""
    table = rows(path, layout.SHEET_DATA)
    header = next(i for i, row in enumerate(table) if tuple(row) == layout.DATA_COLUMNS)
    return header, table[header + 1 :]


def test_one_file_per_unit_with_standard_names(written, paths):
    units = load_units(paths.config).for_period(PERIOD)
    assert len(written) == len(units) == 11
    names = sorted(p.name for p in written)
    assert "178-tp-lang-son-2021-H1.xlsx" in names
    assert "189-dinh-lap-2021-H1.xlsx" in names
    assert all(name.isascii() and name.endswith(f"-{PERIOD}.xlsx") for name in names)
    assert all(p.exists() for p in written)


def test_data_sheet_lists_every_indicator_once(written, catalogue):
    code_at = layout.DATA_COLUMNS.index(layout.COL_CODE)
    for path in written:
        assert CalamineWorkbook.from_path(str(path)).sheet_names == list(layout.SHEETS)
        _, body = data_table(path)
        lines = [row for row in body if row[code_at]]
        counts = Counter(row[code_at] for row in lines)
        assert counts == Counter(catalogue.codes)
        for row in lines:
            record = dict(zip(layout.DATA_COLUMNS, row, strict=True))
            indicator = catalogue.indicator(record[layout.COL_CODE])
            assert record[layout.COL_LABEL] == indicator.label
            assert record[layout.COL_UNIT] == indicator.unit
            assert record[layout.COL_VALUE] == ""
            assert record[layout.COL_NOTE] == ""
        numbers = [int(row[0]) for row in lines]
        assert numbers == list(range(1, len(catalogue.codes) + 1))


def test_section_headings_carry_no_code(written, catalogue):
    _, body = data_table(written[0])
    headings = [row[0] for row in body if row[0] and not row[1]]
    expected = [
        f"{section}. {title}"
        for section, title in catalogue.sections.items()
        if catalogue.by_section()[section]
    ]
    assert headings == expected


def test_title_names_unit_and_period(written):
    title = rows(written[0], layout.SHEET_DATA)[0][0]
    assert title.startswith(layout.TITLE_DATA)
    assert "Thành phố Lạng Sơn" in title
    assert "6 tháng đầu năm 2021" in title
    assert unicodedata.is_normalized("NFC", title)


def _template_2026(folder: Path, paths) -> Path:
    period = "2026-H1"
    catalogue = load_catalogue(paths.config, period)
    units = load_units(paths.config)
    unit = units.for_period(period)[0]
    words = outline_words(paths, period, catalogue)
    return write_template(folder / "t.xlsx", unit, period, catalogue, units.province, **words)


def test_title_is_the_work_in_force_for_the_period(written, tmp_path, paths):
    """From 2025-H2 the Front reports with the socio-political organisations (outline-2025-H2's
    `work`); before, on the Front's work alone."""
    old = rows(written[0], layout.SHEET_DATA)[0][0]
    assert old.startswith("BIỂU SỐ LIỆU BÁO CÁO CÔNG TÁC MẶT TRẬN – ")
    new = rows(_template_2026(tmp_path, paths), layout.SHEET_DATA)[0][0]
    assert new.startswith(
        "BIỂU SỐ LIỆU BÁO CÁO CÔNG TÁC MẶT TRẬN VÀ CÁC TỔ CHỨC CHÍNH TRỊ - XÃ HỘI – "
    ), new
    assert "6 tháng đầu năm 2026" in new


@pytest.mark.parametrize("period", ["2021-H1", "2021-H2", "2021", "2026-H1"])
def test_info_period_in_words_reads_back_as_the_period(tmp_path, paths, period):
    """Thông tin B2 says the period as the report does; the reader understands it."""
    catalogue = load_catalogue(paths.config, period)
    path = write_template(tmp_path / "t.xlsx", None, period, catalogue, "Lạng Sơn")
    assert rows(path, layout.SHEET_INFO)[1][1] == Period.parse(period).label()
    workbook = read_unit_workbook(path)
    assert check_declared_period(workbook, period) == []


def _wrapped_cells(path: Path):
    """(sheet, row, text, column width in pt, row height in pt or None) of every text cell
    with wrapping on, merged cells spanning their columns."""
    book = load_workbook(path)
    for ws in book.worksheets:
        spans = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                    continue
                span = spans.get((cell.row, cell.column))
                columns = range(span.min_col, span.max_col + 1) if span else [cell.column]
                width = sum(
                    ws.column_dimensions[layout.column_letter(c)].width or 8.43 for c in columns
                )
                height = ws.row_dimensions[cell.row].height
                yield ws.title, cell.row, cell.value, column_width_pt(width), height


def test_rows_are_as_tall_as_their_wrapped_text(written, tmp_path, paths):
    """Neither Excel nor LibreOffice grows a row on open: a label longer than its column must
    come with a row height of as many lines (at 4.8 pt per character of 11 pt text, a lower
    bound for Calibri and DejaVu Sans alike; LibreOffice's PDF is checked below)."""
    long_rows = 0
    for path in (written[0], _template_2026(tmp_path, paths)):
        for sheet, row, text, width_pt, height in _wrapped_cells(path):
            lines = -(-len(text) * 4.8 // width_pt)
            if lines > 1:
                long_rows += 1
                assert height is not None and height >= lines * 13, (sheet, row, text, height)
    assert long_rows >= 5


def test_long_label_row_is_two_lines_tall(tmp_path, paths):
    """2026 row of “Người Việt Nam ưu tiên dùng hàng Việt Nam” (printed over the next row)."""
    path = _template_2026(tmp_path, paths)
    ws = load_workbook(path)[layout.SHEET_DATA]
    row = next(
        r[0].row
        for r in ws.iter_rows()
        if any(isinstance(c.value, str) and "ưu tiên dùng hàng Việt Nam" in c.value for c in r)
    )
    assert ws.row_dimensions[row].height >= 2 * 13


def test_labels_locked_values_unlocked(written):
    wb = load_workbook(written[0])
    ws = wb[layout.SHEET_DATA]
    assert ws.protection.sheet
    header = next(
        r for r in range(1, 10) if ws.cell(row=r, column=1).value == layout.DATA_COLUMNS[0]
    )
    assert ws.freeze_panes == f"A{header + 1}"
    columns = {name: i + 1 for i, name in enumerate(layout.DATA_COLUMNS)}
    checked = 0
    for row in range(header + 1, ws.max_row + 1):
        if not ws.cell(row=row, column=columns[layout.COL_CODE]).value:
            continue
        for name in (layout.COL_NO, layout.COL_CODE, layout.COL_LABEL, layout.COL_UNIT):
            assert ws.cell(row=row, column=columns[name]).protection.locked
        for name in (layout.COL_VALUE, layout.COL_NOTE):
            assert not ws.cell(row=row, column=columns[name]).protection.locked
        checked += 1
    assert checked > 0
    assert wb[layout.SHEET_MODELS].protection.sheet
    assert wb[layout.SHEET_INFO].protection.sheet


def test_value_cells_validated_by_kind(written, catalogue):
    ws = load_workbook(written[0])[layout.SHEET_DATA]
    validations = ws.data_validations.dataValidation
    assert validations
    columns = {name: i + 1 for i, name in enumerate(layout.DATA_COLUMNS)}
    for row in range(1, ws.max_row + 1):
        code = ws.cell(row=row, column=columns[layout.COL_CODE]).value
        if not code or code == layout.COL_CODE:
            continue
        coordinate = ws.cell(row=row, column=columns[layout.COL_VALUE]).coordinate
        covering = [v for v in validations if coordinate in v.sqref]
        assert len(covering) == 1, coordinate
        rule = covering[0]
        assert rule.errorStyle == "stop"
        assert rule.showErrorMessage and rule.error and rule.errorTitle and rule.prompt
        assert len(rule.errorTitle) <= 32 and len(rule.promptTitle) <= 32
        if catalogue.indicator(code).kind == "percent":
            assert (rule.type, rule.formula1, rule.formula2) == ("decimal", "0", "100")
        else:
            assert (rule.type, rule.operator, rule.formula1) == (
                "whole",
                "greaterThanOrEqual",
                "0",
            )


def test_models_sheet(written):
    table = rows(written[0], layout.SHEET_MODELS)
    header = next(i for i, row in enumerate(table) if tuple(row) == layout.MODEL_COLUMNS)
    assert table[0][0].startswith(layout.TITLE_MODELS)
    ws = load_workbook(written[0])[layout.SHEET_MODELS]
    lists = [v for v in ws.data_validations.dataValidation if v.type == "list"]
    assert [v.formula1 for v in lists] == ['"1,2,3,4,5"']
    programme_col = "ABCDEF"[layout.MODEL_FIELDS.index("programme")]
    assert f"{programme_col}{header + 2}" in lists[0].sqref
    first = ws.cell(row=header + 2, column=2)
    assert not first.protection.locked
    wholes = [v for v in ws.data_validations.dataValidation if v.type == "whole"]
    assert len(wholes) == 1


def test_the_2026_models_sheet_names_the_outlines_sections_and_reads_back(tmp_path, paths):
    """Issue 20: the 2026 outline has no programmes, so the commune's models sheet asks for
    the outline's section ("Mục", 1–7) in its column, instruction and list, never a
    "chương trình"; filled in and read back, the number is the model's group and a wrong one
    is warned about in the same word. A 2021 workbook's "Chương trình" column still reads."""
    path = _template_2026(tmp_path, paths)
    book = load_workbook(path)
    ws = book[layout.SHEET_MODELS]
    header = layout.model_columns("Mục")
    table = rows(path, layout.SHEET_MODELS)
    at = next(i for i, row in enumerate(table) if tuple(row) == header)
    assert "Cột “Mục” ghi số mục (1, 2, 3, 4, 5, 6, 7)" in table[1][0]
    [listed] = [v for v in ws.data_validations.dataValidation if v.type == "list"]
    assert listed.formula1 == '"1,2,3,4,5,6,7"'
    assert (listed.errorTitle, listed.promptTitle) == ("Mục không hợp lệ", "Chọn mục")
    said = [str(c) for row in table for c in row] + [
        t for v in ws.data_validations.dataValidation for t in (v.error, v.prompt, v.errorTitle)
    ]
    assert not [t for t in said if "chương trình" in t.lower()]

    column = layout.MODEL_FIELDS.index("programme") + 1
    for offset, (name, group) in enumerate([("Tổ hòa giải", 4), ("Mô hình lạ", 9)]):
        ws.cell(row=at + 2 + offset, column=2, value=name)
        ws.cell(row=at + 2 + offset, column=column, value=group)
    book.save(path)
    cleaned = clean_unit(
        read_unit_workbook(path),
        load_catalogue(paths.config, "2026-H1"),
        period="2026-H1",
        unit_code="x",
        group=model_group(paths.config, "2026-H1"),
    )
    assert cleaned.models["programme"].tolist() == ["4", ""]
    [warning] = [i.message for i in cleaned.issues if i.kind == "model_programme"]
    assert warning == "Mô hình “Mô hình lạ” (dòng 6): mục “9” không phải số từ 1 đến 7."


def test_info_sheet(written):
    table = rows(written[1], layout.SHEET_INFO)
    assert [row[0] for row in table] == list(layout.INFO_FIELDS.values())
    values = dict(zip(layout.INFO_FIELDS, (row[1] for row in table), strict=True))
    assert values == {
        "unit": "Huyện Tràng Định",
        "period": "6 tháng đầu năm 2021",
        "filled_by": "",
        "date": "",
        "note": "",
    }


def test_blank_template_and_same_bytes(tmp_path, catalogue):
    first = write_template(tmp_path / "a.xlsx", None, PERIOD, catalogue, "Lạng Sơn")
    second = write_template(tmp_path / "b.xlsx", None, PERIOD, catalogue, "Lạng Sơn")
    assert first.read_bytes() == second.read_bytes()
    table = rows(first, layout.SHEET_INFO)
    assert table[0][1] == "" and table[1][1] == "6 tháng đầu năm 2021"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("TP Lạng Sơn", "tp-lang-son"),
        ("Đình Lập", "dinh-lap"),
        (unicodedata.normalize("NFD", "Tràng Định"), "trang-dinh"),
        ("Hữu  Lũng", "huu-lung"),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


# --- printing: A4, one page wide, header row and unit on every page ------------------------

# Excel's column width units across the printable width of A4 (0,5" margins) at 100 %.
PRINTABLE_UNITS = {"landscape": 150, "portrait": 100}


def test_every_sheet_prints_one_a4_page_wide_with_header_row_and_unit(written):
    book = load_workbook(written[0])  # 178, TP Lạng Sơn
    expected_header = "Thành phố Lạng Sơn – 6 tháng đầu năm 2021"
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert str(setup.paperSize) == sheet.PAPERSIZE_A4, sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title
        assert sheet.oddHeader.center.text == expected_header, sheet.title
        assert "&P" in sheet.oddFooter.center.text
        widths = sum(
            sheet.column_dimensions[layout.column_letter(c)].width
            for c in range(1, sheet.max_column + 1)
        )
        # fitted to the page at close to full size, not shrunk to an unreadable scale
        assert widths <= PRINTABLE_UNITS[setup.orientation], (sheet.title, widths)
    for name in (layout.SHEET_DATA, layout.SHEET_MODELS):
        sheet = book[name]
        assert sheet.page_setup.orientation == "landscape"
        header_row = next(r for r in range(1, 10) if sheet.cell(row=r, column=1).value == "STT")
        assert sheet.print_title_rows == f"${header_row}:${header_row}"


def test_blank_template_leaves_the_unit_to_write_in_the_page_header(tmp_path, catalogue):
    path = write_template(tmp_path / "blank.xlsx", None, PERIOD, catalogue, "Lạng Sơn")
    sheet = load_workbook(path)[layout.SHEET_DATA]
    assert sheet.oddHeader.center.text == "Đơn vị: …………………… – 6 tháng đầu năm 2021"


def _calc_converts(folder: Path) -> bool:
    """LibreOffice may be installed without Calc (the spreadsheet module): then it cannot
    load a workbook at all."""
    from openpyxl import Workbook

    probe = folder / "probe.xlsx"
    book = Workbook()
    book.active["A1"] = 1
    book.save(probe)
    soffice_pdf(probe, folder)
    return (folder / "probe.pdf").is_file()


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_prints_every_page_with_all_columns_and_the_unit(written, tmp_path):
    if not _calc_converts(tmp_path):
        pytest.skip("LibreOffice Calc is not installed: LibreOffice cannot open workbooks here")
    pdf = soffice_pdf(written[0], tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(next(ln.split()[-1] for ln in info.stdout.splitlines() if ln.startswith("Pages:")))
    pages = []
    for number in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages.append(" ".join(text.split()))
    data_pages = [p for p in pages if "Mã chỉ tiêu" in p]
    model_pages = [p for p in pages if "Tên mô hình" in p]
    assert data_pages and model_pages
    # One page wide: every page of a sheet carries all its columns' headers (repeated), and
    # the sheet is no longer spread over a dozen pages.
    for page in data_pages:
        assert all(w in page.split() for n in layout.DATA_COLUMNS for w in n.split()), page
    for page in model_pages:
        assert all(w in page.split() for n in layout.MODEL_COLUMNS for w in n.split()), page
    assert len(pages) <= 6, len(pages)
    assert all("Thành phố Lạng Sơn – 6 tháng đầu năm 2021" in p for p in pages)


def _pdf_lines(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, text) of every text line pdftotext finds."""
    from xml.etree import ElementTree

    html = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    root = ElementTree.fromstring(html.replace(' xmlns="http://www.w3.org/1999/xhtml"', ""))
    lines = []
    for number, page in enumerate(root.iter("page"), start=1):
        for line in page.iter("line"):
            words = " ".join(w.text or "" for w in line.iter("word"))
            box = [float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
            lines.append((number, *box, words))
    return lines


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_prints_no_text_over_another_row(tmp_path, paths):
    """In LibreOffice's PDF no two lines of text overlap: a wrapped label stays in its row."""
    if not _calc_converts(tmp_path):
        pytest.skip("LibreOffice Calc is not installed: LibreOffice cannot open workbooks here")
    pdf = soffice_pdf(_template_2026(tmp_path, paths), tmp_path)
    lines = _pdf_lines(pdf)
    assert any("ưu tiên" in line[5] for line in lines)
    overlaps = []
    for i, (page, x0, y0, x1, y1, text) in enumerate(lines):
        for page2, u0, v0, u1, v1, text2 in lines[i + 1 :]:
            if page2 != page or min(x1, u1) - max(x0, u0) <= 1:
                continue
            if min(y1, v1) - max(y0, v0) > 1.5:
                overlaps.append((text, text2))
    assert not overlaps, overlaps[:5]
