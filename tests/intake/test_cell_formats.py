"""Every cell read as the unit sees it in Excel (issue 8): the cell's number format, the row's
own unit of measure, Excel error values, Excel's 15 significant digits and periods written in
words. The example files are built by `tests/corpus.py` from the 2021-H1 intake template.
"""

from __future__ import annotations

import math
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from corpus import (
    ERROR_CELLS,
    NOISE_SHOWN,
    PERIOD,
    PERIOD_IN_WORDS,
    Corpus,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from baocao.base.numbers import format_number
from baocao.config.units import load_units
from baocao.errors import InputError
from baocao.intake import layout
from baocao.intake.read import read_unit_workbook
from baocao.intake.safety import check_file
from baocao.report.compose.submissions import excluded_markdown
from baocao.unit.checks import check_workbook
from baocao.unit.clean import clean_unit


@pytest.fixture(scope="session")
def corpus(tmp_path_factory, catalogue, project):
    units = load_units(project.config).for_period(PERIOD)
    return Corpus(tmp_path_factory.mktemp("cells"), catalogue, units)


def cleaned(corpus, name):
    workbook = read_unit_workbook(corpus.path(name))
    result = clean_unit(workbook, corpus.catalogue, period=PERIOD, unit_code="181")
    return result, result.values.set_index("indicator_code")


def checked(corpus, name, **kwargs):
    return check_workbook(
        corpus.path(name),
        corpus.catalogue,
        units_of=load_units(corpus_config(corpus)).for_period,
        **kwargs,
    )


def corpus_config(corpus):
    from baocao.config.paths import ProjectPaths

    return ProjectPaths.default().config


def issues_at(result, cell):
    return [i for i in result.issues if i.cell == cell]


# --- 1. the cell's number format -------------------------------------------------------------


def test_a_percent_typed_into_a_percent_cell_reads_as_the_85_the_unit_sees(corpus):
    result, values = cleaned(corpus, "example_percent")
    assert values.loc["ntm_ty_le_hai_long", "value"] == 85
    assert bool(values.loc["ntm_ty_le_hai_long", "included"])
    assert issues_at(result, "E20") == []


def test_a_percent_styled_count_cell_is_an_error_naming_the_cell(corpus):
    result, values = cleaned(corpus, "percent_on_count")
    [issue] = issues_at(result, "E6")
    assert (issue.severity, issue.kind, issue.sheet) == ("error", "not_a_number", "Số liệu")
    assert "phần trăm" in issue.message and "1.200%" in issue.message
    assert not bool(values.loc["tt_so_cuoc", "included"])


def test_an_ods_percent_cell_reads_as_shown(corpus):
    result, values = cleaned(corpus, "ods_percent_and_error")
    assert values.loc["ntm_ty_le_hai_long", "value"] == 85


@pytest.mark.parametrize(
    ("stored", "shown", "expected"),
    [("0.893", "89,3%", 89.3), ("0.8512", "85.12%", 85.12), ("0.855", "85,5 %", 85.5)],
)
def test_an_ods_percent_cell_without_a_known_style_keeps_the_decimals_calc_shows(
    corpus, tmp_path, stored, shown, expected
):
    # Once every .ods percent cell was taken as "0%": 0,893 shown 89,3% was read as 89.
    from corpus import _rewrite_zip

    def edit(name: str, data: bytes) -> bytes:
        if name != "content.xml":
            return data
        return data.replace(
            b'office:value="0.85"><text:p>85%</text:p>',
            f'office:value="{stored}"><text:p>{shown}</text:p>'.encode(),
        )

    path = _rewrite_zip(corpus.path("ods_percent_and_error"), tmp_path / "181.ods", edit)
    result = clean_unit(read_unit_workbook(path), corpus.catalogue, period=PERIOD, unit_code="181")
    values = result.values.set_index("indicator_code")
    assert values.loc["ntm_ty_le_hai_long", "value"] == pytest.approx(expected, abs=1e-9)
    cell = values.loc["ntm_ty_le_hai_long", "cell"]
    assert issues_at(result, cell) == []


# --- 2. the row's own unit of measure --------------------------------------------------------


def test_a_money_row_in_trieu_dong_is_converted_with_a_warning_quoting_the_unit(corpus):
    result, values = cleaned(corpus, "example_million")
    assert values.loc["quy_vnn_van_dong", "value"] == 15_000_000
    [issue] = issues_at(result, "E21")
    assert (issue.severity, issue.kind) == ("warning", "measure_scaled")
    assert "“triệu đồng”" in issue.message and "15.000.000 đồng" in issue.message


def test_another_unit_of_measure_is_an_error_naming_the_cell_and_both_units(corpus):
    result, values = cleaned(corpus, "unit_of_measure_other")
    [issue] = issues_at(result, "D6")
    assert (issue.severity, issue.kind) == ("error", "measure_mismatch")
    assert "“triệu đồng”" in issue.message and "“cuộc”" in issue.message
    assert not bool(values.loc["tt_so_cuoc", "included"])
    # "Lượt" means the catalogue's "lượt người": accepted without a message.
    assert values.loc["tt_luot_nguoi", "value"] == 1357
    assert issues_at(result, "E7") == [] and issues_at(result, "D7") == []


@pytest.mark.parametrize(
    ("written", "factor"),
    [
        ("đồng", 1),
        ("VNĐ", 1),
        ("nghìn đồng", 1000),
        ("1.000đ", 1000),
        ("triệu đồng", 10**6),
        ("Tr.đ", 10**6),
        ("trđ", 10**6),
        ("tỷ đồng", 10**9),
        ("tỉ đồng", 10**9),
    ],
)
def test_money_scales_come_from_the_catalogue(catalogue, written, factor):
    reading = catalogue.units_of_measure.reading(catalogue.indicator("quy_vnn_van_dong"), written)
    assert reading.scale == factor and reading.status in ("same", "scaled")


@pytest.mark.parametrize(
    ("code", "written"),
    [
        ("quy_vnn_van_dong", "$"),
        ("quy_vnn_van_dong", "€"),
        ("quy_vnn_van_dong", "US$"),
        ("quy_vnn_van_dong", "USD"),
        ("quy_vnn_van_dong", "-"),
        ("ntm_ty_le_hai_long", "‰"),
        ("tt_so_cuoc", "‰"),
    ],
)
def test_a_unit_written_in_signs_or_another_currency_is_a_mismatch(catalogue, code, written):
    # "$" folds to nothing: it once matched every unit, and 15 next to "$" was 15 đồng.
    assert catalogue.units_of_measure.reading(catalogue.indicator(code), written).status == (
        "other"
    )
    found: list = []
    value, errors = read_cell(catalogue, code, 15, "General", unit=written, issues=found)
    [issue] = [i for i in found if i.kind == "measure_mismatch"]
    assert (issue.severity, issue.cell) == ("error", "D2")
    assert f"“{written}”" in issue.message
    assert f"“{catalogue.indicator(code).unit}”" in issue.message
    assert value is None


@pytest.mark.parametrize(
    ("stored", "written", "expected"),
    [
        (1.5, "tỷ đồng", 1_500_000_000),
        (1584.1, "triệu đồng", 1_584_100_000),
        (2.5, "nghìn đồng", 2_500),
        (15, "triệu đồng", 15_000_000),
    ],
)
def test_a_scaled_money_row_under_the_templates_format_reads_the_stored_number(
    catalogue, stored, written, expected
):
    # The template's "#,##0" is for đồng: under “tỷ đồng” it shows 1,5 as 2 (2 tỷ đồng).
    found: list = []
    value, errors = read_cell(
        catalogue, "quy_vnn_van_dong", stored, "#,##0", repr(stored), unit=written, issues=found
    )
    assert errors == [] and value == expected
    [scaled] = [i for i in found if i.kind == "measure_scaled"]
    assert f"“{written}”" in scaled.message and format_number(expected) in scaled.message


def test_a_fraction_or_thousands_scaling_format_is_not_read_as_rounded(catalogue):
    value, errors = read_cell(catalogue, "tt_so_cuoc", 2.5, "# ?/?", "2.5")  # shows "2 1/2"
    assert value is None and "phải là số nguyên" in errors[0].message
    value, errors = read_cell(catalogue, "quy_vnn_van_dong", 15, '#,##0,,"tr"')  # shows "0tr"
    assert value is None and [e.kind for e in errors] == ["not_a_number"]
    assert "hiển thị 0" in errors[0].message and "1.000.000" in errors[0].message
    value, errors = read_cell(catalogue, "ntm_ty_le_hai_long", 85, '0"%"')  # a literal %
    assert value == 85 and errors == []


def test_money_written_with_words_is_listed_for_review(catalogue):
    found: list = []
    value, errors = read_cell(catalogue, "quy_vnn_van_dong", "1,5 tỷ", "@", issues=found)
    assert value == 1_500_000_000 and errors == []
    [note] = [i for i in found if i.kind == "value_interpreted"]
    assert note.severity == "warning" and "1.500.000.000 đồng" in note.message


def test_equivalent_units_are_accepted_and_others_refused(catalogue):
    uom = catalogue.units_of_measure
    for sign in ("£", "¥", "₩", "‰", "$", "%"):  # (a file's "£" reads as TCVN3 "Ê": also other)
        assert uom.reading(catalogue.indicator("quy_vnn_van_dong"), sign).status == "other"
    assert uom.reading(catalogue.indicator("ntm_ty_le_hai_long"), "tỷ lệ %").status == "same"
    assert uom.reading(catalogue.indicator("th_luot_nguoi"), "lượt").status == "same"
    assert uom.reading(catalogue.indicator("th_luot_nguoi"), "người").status == "other"
    assert uom.reading(catalogue.indicator("tt_so_cuoc"), "triệu").status == "other"
    assert uom.reading(catalogue.indicator("tt_so_cuoc"), "%").status == "other"
    assert uom.reading(catalogue.indicator("ntm_ty_le_hai_long"), "%").status == "same"
    assert uom.reading(catalogue.indicator("ntm_ty_le_hai_long"), "").status == "same"


# --- 3. Excel error values --------------------------------------------------------------------


def test_excel_error_values_are_errors_naming_cell_and_error_and_listed_as_left_out(
    corpus, units_2021
):
    result, values = cleaned(corpus, "example_errors")
    codes = {"E6": "tt_so_cuoc", "E7": "tt_luot_nguoi", "E8": "tt_tin_bai"}
    for ref, (_formula, error) in ERROR_CELLS.items():
        [issue] = issues_at(result, ref)
        assert (issue.severity, issue.kind, issue.sheet) == ("error", "excel_error", "Số liệu")
        assert error in issue.message and "Hãy sửa công thức" in issue.message
        row = values.loc[codes[ref]]
        assert bool(row["reported"]) and not bool(row["included"])
    annex = excluded_markdown(result.values, corpus.catalogue, units_2021)
    for ref in ERROR_CELLS:
        assert ref in annex
    assert annex.count("không đọc được (xem lỗi ở ô này)") == len(ERROR_CELLS)


def test_an_ods_error_result_is_an_error_not_a_zero(corpus):
    result, values = cleaned(corpus, "ods_percent_and_error")
    [issue] = [i for i in result.issues if i.kind == "excel_error"]
    assert issue.cell == "E4" and "#DIV/0!" in issue.message
    assert not bool(values.loc["tt_so_cuoc", "included"])


def test_an_error_value_read_as_text_is_recognised(tmp_path, catalogue):
    # .xls and .xlsb give error values, when calamine reads them, as their text.
    from conftest import write_workbook

    path = write_workbook(
        tmp_path / "u.xlsx", [[1, "tt_so_cuoc", "Số cuộc tuyên truyền", "cuộc", "#VALUE!", ""]]
    )
    result = clean_unit(read_unit_workbook(path), catalogue, period=PERIOD, unit_code="181")
    [issue] = [i for i in result.issues if i.cell == "E2"]
    assert issue.kind == "excel_error" and "#VALUE!" in issue.message


# --- 4. Excel's precision ---------------------------------------------------------------------


def test_numbers_stored_with_noise_read_as_the_whole_number_excel_shows(corpus):
    result, values = cleaned(corpus, "example_noise")
    for ref, shown in NOISE_SHOWN.items():
        code = values.index[values["cell"] == ref][0]
        assert values.loc[code, "value"] == shown
        assert issues_at(result, ref) == []


# --- 5. the period written in words -----------------------------------------------------------


def test_a_period_in_words_is_understood_without_a_warning(corpus):
    result, _ = cleaned(corpus, "example_period_words")
    assert read_unit_workbook(corpus.path("example_period_words")).info["period"] == (
        PERIOD_IN_WORDS,
        "B2",
    )
    assert [i for i in result.issues if i.kind.startswith("period")] == []
    report = checked(corpus, "example_period_words")
    assert report.period == PERIOD


def test_another_period_is_an_error_keeping_every_figure_out_of_the_totals(corpus):
    # A 2020-H1 file filed under 2021-H1 would put 2020's figures into 2021's totals.
    result, values = cleaned(corpus, "other_period")
    [issue] = [i for i in result.issues if i.kind == "period_mismatch"]
    assert (issue.severity, issue.sheet, issue.cell) == ("error", "Thông tin", "B2")
    assert "6 tháng đầu năm 2020" in issue.message
    assert "(6 tháng đầu năm 2021)" in issue.message
    assert "181-binh-gia.xlsx" in issue.message and "ô B2" in issue.message
    assert "chưa được tính vào tổng cộng" in issue.message and "hãy sửa ô B2" in issue.message
    assert values["reported"].any() and not values["included"].any()
    assert checked(corpus, "other_period", period=PERIOD).state == "có lỗi"


def test_a_period_that_cannot_be_read_stays_a_warning(corpus, tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(corpus.path("other_period"))
    wb[layout.SHEET_INFO]["B2"] = "kỳ báo cáo"
    wb.save(tmp_path / "181.xlsx")
    result = clean_unit(
        read_unit_workbook(tmp_path / "181.xlsx"),
        corpus.catalogue,
        period=PERIOD,
        unit_code="181",
    )
    [issue] = [i for i in result.issues if i.kind.startswith("period")]
    assert (issue.kind, issue.severity) == ("period_unreadable", "warning")
    assert result.values["included"].any()


# --- also seen on the way ---------------------------------------------------------------------


def test_a_workbook_without_thong_tin_says_so_and_where_unit_and_period_came_from(corpus):
    report = checked(corpus, "no_info_sheet")
    [issue] = [i for i in report.issues if i.kind == "info_sheet_missing"]
    assert issue.severity == "warning" and "Thông tin" in issue.message
    assert "Đơn vị:" in issue.message and "kỳ báo cáo:" in issue.message
    assert report.state != "hợp lệ"
    given = checked(corpus, "no_info_sheet", period="2021-H1")
    [issue] = [i for i in given.issues if i.kind == "info_sheet_missing"]
    assert "--period (6 tháng đầu năm 2021)" in issue.message


def test_xlsb_is_read_with_the_same_safety_checks(tmp_path):
    from corpus import BILLION_LAUGHS

    path = tmp_path / "181.xlsb"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", BILLION_LAUGHS)
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    with pytest.raises(InputError) as caught:
        read_unit_workbook(path)
    assert caught.value.kind == "xml_entities"  # checked like an .xlsx, not refused by name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    assert check_file(path).format == "xlsb"
    with pytest.raises(InputError) as caught:
        read_unit_workbook(path)
    assert caught.value.kind == "not_a_workbook"  # calamine tried it: a damaged .xlsb


# --- validate prints it ------------------------------------------------------------------------


def test_validate_on_the_examples(corpus):
    from typer.testing import CliRunner

    from baocao.cli import app

    runner = CliRunner(env={"COLUMNS": "200"})
    outputs = {}
    for name in (
        "example_percent",
        "example_million",
        "example_errors",
        "example_period_words",
        "no_info_sheet",
    ):
        done = runner.invoke(app, ["validate", str(corpus.path(name))])
        outputs[name] = (done.exit_code, " ".join(done.output.split()))
    assert outputs["example_percent"][0] == 0
    assert "ô E20" not in outputs["example_percent"][1]
    assert "kỳ 2021-H1" in outputs["example_period_words"][1]
    assert "khác kỳ" not in outputs["example_period_words"][1]
    code, text = outputs["example_million"]
    assert code == 0 and "ô E21" in text and "15.000.000 đồng" in text
    code, text = outputs["no_info_sheet"]
    assert "kỳ chưa xác định" in text and "Không tìm thấy trang “Thông tin”" in text
    assert "hợp lệ" not in text
    code, text = outputs["example_errors"]
    assert code == 1 and "có lỗi" in text
    for ref, (_formula, error) in ERROR_CELLS.items():
        assert f"ô {ref}" in text and error in text


def test_validate_lists_money_read_from_words(tmp_path, catalogue):
    # README, caveats: "15 triệu", "1,5 tỷ", "2.500.000đồng" … each listed for review.
    from conftest import write_workbook
    from typer.testing import CliRunner

    from baocao.cli import app

    rows = [
        [1, "quy_vnn_van_dong", "", "đồng", "15 triệu", ""],
        [2, "covid_tien_tiep_nhan", "", "đồng", "1,5 tỷ", ""],
        [3, "cuu_tro_thien_tai", "", "đồng", "2.500.000đồng", ""],
    ]
    path = write_workbook(
        tmp_path / "181.xlsx", rows, info={"unit": "Bình Gia", "period": "2021-H1"}
    )
    done = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["validate", str(path)])
    text = " ".join(done.output.split())
    assert done.exit_code == 0, text
    for written, dong in (
        ("15 triệu", "15.000.000"),
        ("1,5 tỷ", "1.500.000.000"),
        ("2.500.000đồng", "2.500.000"),
    ):
        assert f"“{written}” được hiểu là {dong} đồng" in text


# --- property tests: numbers under number formats, and noise -----------------------------------

SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
MARKER = 987654321  # a placeholder number replaced in the sheet XML by the stored value


def read_cell(
    catalogue,
    code: str,
    stored,
    number_format: str,
    raw_xml: str | None = None,
    *,
    unit: str | None = None,
    issues: list | None = None,
):
    """Write one value cell with openpyxl (optionally its stored XML number, and the row's own
    “Đơn vị tính” `unit`), read it back; every finding on the row goes into `issues`."""
    indicator = catalogue.indicator(code)
    wb = Workbook()
    data = wb.active
    data.title = layout.SHEET_DATA
    data.append(list(layout.DATA_COLUMNS))
    written = indicator.unit if unit is None else unit
    data.append([1, code, indicator.label, written, MARKER if raw_xml else stored, ""])
    data["E2"].number_format = number_format
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "u.xlsx"
        wb.save(path)
        if raw_xml is not None:
            source = path.with_name("s.xlsx")
            path.rename(source)
            with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w") as zout:
                for info in zin.infolist():
                    part = zin.read(info.filename)
                    if info.filename.startswith("xl/worksheets/"):
                        part = part.replace(
                            f"<v>{MARKER}</v>".encode(), f"<v>{raw_xml}</v>".encode()
                        )
                    zout.writestr(info, part)
        workbook = read_unit_workbook(path)
    result = clean_unit(workbook, catalogue, period=PERIOD, unit_code="181")
    values = result.values.set_index("indicator_code")
    errors = [i for i in result.issues if i.severity == "error" and i.cell == "E2"]
    if issues is not None:
        issues.extend(i for i in result.issues if i.cell in ("D2", "E2"))
    return values.loc[code, "value"], errors


def noisy(x: float, steps: int) -> float:
    """`x` moved `steps` floats away. One step (at most 2.2e-16 of x) stays below half a unit of
    the 15th significant digit (at least 5e-16 of x): noise Excel does not show."""
    for _ in range(abs(steps)):
        x = math.nextafter(x, math.inf if steps > 0 else -math.inf)
    return x


WHOLE_FORMATS = ["General", "0", "#,##0", "0.0", '#,##0 "đ"', "@"]


@SETTINGS
@given(
    code=st.sampled_from(["tt_so_cuoc", "quy_vnn_van_dong"]),
    n=st.integers(0, 10**14),
    number_format=st.sampled_from(WHOLE_FORMATS),
    steps=st.integers(-1, 1),
)
def test_whole_numbers_read_as_excel_shows_them_under_any_format(
    catalogue, code, n, number_format, steps
):
    if n == 0:
        steps = 0  # next to 0 a float has its own 15 digits (Excel shows 4,9E-324)
    if number_format == "@":  # typed as text, with Vietnamese grouping
        value, errors = read_cell(catalogue, code, format_number(n), number_format)
    else:
        value, errors = read_cell(catalogue, code, n, number_format, repr(noisy(float(n), steps)))
    assert errors == [] and value == n


@SETTINGS
@given(n=st.integers(0, 10**9), tenths=st.sampled_from([1, 2, 4, 6, 8, 9]))
def test_an_integer_format_shows_the_rounded_number_and_that_is_read(catalogue, n, tenths):
    stored = n + tenths / 10
    value, errors = read_cell(catalogue, "tt_so_cuoc", stored, "#,##0", repr(stored))
    assert errors == [] and value == int(n + (1 if tenths >= 5 else 0))


@SETTINGS
@given(
    hundredths=st.integers(0, 10_000),
    number_format=st.sampled_from(["0%", "0.00%", "0.0%"]),
    steps=st.integers(-1, 1),
)
def test_percent_styled_cells_read_as_the_percent_shown(
    catalogue, hundredths, number_format, steps
):
    decimals = len(number_format.partition(".")[2]) - 1 if "." in number_format else 0
    percent = round(hundredths / 100, decimals)  # what the unit typed, as the format shows it
    stored = noisy(percent / 100, steps if percent else 0)
    value, errors = read_cell(catalogue, "ntm_ty_le_hai_long", stored, number_format, repr(stored))
    assert value == pytest.approx(percent, abs=1e-9) and errors == []
    assert f"{value:.15g}" == f"{percent:.15g}"


@SETTINGS
@given(
    tenths=st.integers(10, 1000),
    number_format=st.sampled_from(["General", "0.0", "@"]),
    steps=st.integers(-1, 1),
)
def test_percent_numbers_in_plain_cells_read_as_written(catalogue, tenths, number_format, steps):
    percent = tenths / 10
    if number_format == "@":
        value, errors = read_cell(
            catalogue, "ntm_ty_le_hai_long", format_number(percent, 1, trim=True), "@"
        )
    else:
        stored = noisy(percent, steps)
        value, errors = read_cell(
            catalogue, "ntm_ty_le_hai_long", stored, number_format, repr(stored)
        )
    assert errors == [] and value == percent


@SETTINGS
@given(n=st.integers(1, 10**6), number_format=st.sampled_from(["0%", "0.00%"]))
def test_a_percent_style_on_a_count_or_money_row_is_always_an_error(catalogue, n, number_format):
    for code in ("tt_so_cuoc", "quy_vnn_van_dong"):
        value, errors = read_cell(catalogue, code, n, number_format)
        assert value is None and [e.kind for e in errors] == ["not_a_number"]
        assert re.search(r"hiển thị “[0-9.,]+%”", errors[0].message)


def test_noise_in_a_message_never_contradicts_itself(catalogue):
    # 12.000000000000002 is the 12 Excel shows: read as 12, never "“12” is not whole".
    value, errors = read_cell(catalogue, "tt_so_cuoc", 12, "General", repr(noisy(12.0, 1)))
    assert value == 12 and errors == []
    value, errors = read_cell(catalogue, "tt_so_cuoc", 12.5, "General", "12.500000000000002")
    [error] = errors
    assert "12,5" in error.message and "12,50000" not in error.message


# --- end to end: all the examples in one unit's workbook, in a copy of the sample period -------

EXAMPLES = {"percent", "million", "errors", "noise", "period_words"}


@pytest.fixture(scope="module")
def examples_run(project, tmp_path_factory):
    """`baocao run` on a copy of data/raw/ where Bình Gia's 2021-H1 workbook carries every
    example of the issue (as its clerk would have edited the sample's file)."""
    import os
    import shutil
    import subprocess
    import sys

    from corpus import apply_examples, finish_examples_xml
    from openpyxl import load_workbook

    out = tmp_path_factory.mktemp("examples")
    raw = out / "raw"
    shutil.copytree(project.raw, raw)
    target = raw / PERIOD / "181-binh-gia-2021-H1.xlsx"
    edited = out / "edited.xlsx"
    apply_examples(load_workbook(target), EXAMPLES).save(edited)
    finish_examples_xml(edited, target, EXAMPLES)
    env = {
        **os.environ,
        "BAOCAO_RAW_DIR": str(raw),
        "BAOCAO_PROCESSED_DIR": str(out / "processed"),
        "BAOCAO_OUTPUT_DIR": str(out / "output"),
        "COLUMNS": "200",
    }
    done = subprocess.run(
        [sys.executable, "-m", "baocao", "run", "--period", PERIOD, "--profile", "internal"],
        env=env,
        cwd=out,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {
        "raw": raw / PERIOD,
        "processed": out / "processed" / PERIOD,
        # the internal draft: the appendix and the annex of figures left out
        "docx": out / "output" / PERIOD / f"bao-cao-{PERIOD}-noi-bo.docx",
    }


def unit_values(examples_run):
    from baocao.run.store import read_csv

    values = read_csv(examples_run["processed"] / "values.csv")
    return values[values["unit_code"].astype(str) == "181"].set_index("indicator_code")


def unit_issues(examples_run) -> list[dict]:
    import json

    status = examples_run["processed"] / "units" / "181.status.json"
    return json.loads(status.read_text(encoding="utf-8"))["issues"]


def appendix_total(examples_run, catalogue, code):
    from recompute import appendix_totals_in_docx

    return appendix_totals_in_docx(examples_run["docx"])[catalogue.indicator(code).label]


@pytest.mark.slow
def test_example_percent_end_to_end(examples_run, catalogue, project):
    from recompute import shown_in_appendix, totals

    values = unit_values(examples_run)
    assert float(values.loc["ntm_ty_le_hai_long", "value"]) == 85
    expected = totals(examples_run["raw"], project.config)["ntm_ty_le_hai_long"]
    label = catalogue.indicator("ntm_ty_le_hai_long").label
    shown = appendix_total(examples_run, catalogue, "ntm_ty_le_hai_long")
    assert shown == shown_in_appendix({"ntm_ty_le_hai_long": expected}, project.config)[label]
    # Read as 0.85, the province's share would have dropped by several points.
    assert float(shown.replace(",", ".")) > 85


@pytest.mark.slow
def test_example_million_end_to_end(examples_run, catalogue, project):
    from recompute import totals

    values = unit_values(examples_run)
    assert int(float(values.loc["quy_vnn_van_dong", "value"])) == 15_000_000
    expected = totals(examples_run["raw"], project.config)["quy_vnn_van_dong"]
    shown = appendix_total(examples_run, catalogue, "quy_vnn_van_dong")
    assert shown == format_number(expected / 1_000_000, 1)


@pytest.mark.slow
def test_example_errors_end_to_end(examples_run, catalogue, project):
    from recompute import totals

    values = unit_values(examples_run)
    expected = totals(examples_run["raw"], project.config)
    for code in ("tt_so_cuoc", "tt_luot_nguoi", "tt_tin_bai"):
        row = values.loc[code]
        assert str(row["reported"]) == "True" and str(row["included"]) == "False"
        assert appendix_total(examples_run, catalogue, code) == format_number(expected[code], 0)
    by_cell = {i["cell"]: i for i in unit_issues(examples_run) if i["kind"] == "excel_error"}
    for ref, (_formula, error) in ERROR_CELLS.items():
        assert by_cell[ref]["severity"] == "error" and error in by_cell[ref]["message"]
    # Listed in the annex of figures left out (internal draft), with their cells.
    from docx import Document

    document = Document(str(examples_run["docx"]))
    annex = next(
        t for t in document.tables if "Số liệu đơn vị ghi" in [c.text for c in t.rows[0].cells]
    )
    places = [row.cells[-1].text for row in annex.rows[1:] if "Bình Gia" in row.cells[1].text]
    assert all(any(ref in place for place in places) for ref in ERROR_CELLS), places


@pytest.mark.slow
def test_example_noise_end_to_end(examples_run, catalogue, project):
    from recompute import totals

    values = unit_values(examples_run)
    expected = totals(examples_run["raw"], project.config)
    for ref, shown in NOISE_SHOWN.items():
        code = values.index[values["cell"] == ref][0]
        assert float(values.loc[code, "value"]) == shown
        indicator = catalogue.indicator(code)
        total = expected[code] / (1_000_000 if indicator.kind == "money" else 1)
        decimals = 1 if indicator.kind == "money" else 0
        assert appendix_total(examples_run, catalogue, code) == format_number(
            total, decimals, trim=indicator.kind == "money"
        )


@pytest.mark.slow
def test_example_period_words_end_to_end(examples_run):
    assert [i for i in unit_issues(examples_run) if i["kind"].startswith("period")] == []


@pytest.mark.slow
def test_every_appendix_total_of_the_examples_run_matches_the_raw_workbooks(examples_run, project):
    from recompute import appendix_totals_in_docx, shown_in_appendix, totals

    expected = shown_in_appendix(totals(examples_run["raw"], project.config), project.config)
    shown = appendix_totals_in_docx(examples_run["docx"])
    assert {label: shown.get(label) for label in expected} == expected


def test_an_xls_file_gives_its_number_formats_and_error_values(corpus):
    result, values = cleaned(corpus, "xls_percent_and_errors")
    assert values.loc["ntm_ty_le_hai_long", "value"] == 85
    errors = {i.cell: i for i in result.issues if i.kind == "excel_error"}
    assert set(errors) == {"E4", "E5"}
    assert "#DIV/0!" in errors["E4"].message and "#N/A" in errors["E5"].message
    assert not bool(values.loc["tt_so_cuoc", "included"])


def test_without_a_recorded_format_a_share_below_one_is_refused_as_ambiguous(catalogue):
    from baocao.intake.numbers import NumberParseError, parse_value

    with pytest.raises(NumberParseError, match="85%"):
        parse_value(0.85, "percent", number_format=None)
    assert parse_value(85.0, "percent", number_format=None).value == 85


def test_a_fixed_decimals_format_reads_what_it_shows(catalogue):
    # 85,5 % typed into a "0%" cell shows 86 %: the unit sees 86, and is told.
    value, errors = read_cell(catalogue, "ntm_ty_le_hai_long", 0.855, "0%", "0.855")
    assert value == 86 and errors == []
    value, errors = read_cell(catalogue, "tt_so_cuoc", 12.4, "#,##0", "12.4")
    assert value == 12 and errors == []
    value, errors = read_cell(catalogue, "tt_so_cuoc", 12.4, "0.0", "12.4")
    assert value is None and [e.kind for e in errors] == ["not_a_number"]


# --- the same cells saved by LibreOffice as .ods and .xls --------------------------------------

# name: (indicator, stored number, number format, value read; None = refused with an error)
SAVED_CASES = {
    "pct_855": ("ntm_ty_le_hai_long", 0.855, "0.0%", 85.5),
    "pct_893": ("ntm_ty_le_hai_long", 0.893, "0.0%", 89.3),  # once read from .ods as 89
    "pct_8512": ("ntm_ty_le_hai_long", 0.8512, "0.00%", 85.12),
    "pct_red": ("ntm_ty_le_hai_long", 0.85, "0%;[Red]-0%", 85.0),
    "pct_literal": ("ntm_ty_le_hai_long", 0.85, '0"%"', 1.0),  # Calc and Excel show "1%"
    "count_fraction": ("tt_so_cuoc", 2.5, "# ?/?", None),  # shows "2 1/2"
    "money_millions": ("quy_vnn_van_dong", 15, '#,##0,,"tr"', None),  # shows "0tr"
    "count_rounded": ("tt_so_cuoc", 12.4, "#,##0", 12),
}


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory, catalogue):
    """Each case written by openpyxl as .xlsx, then converted by LibreOffice to .ods and .xls."""
    import shutil
    import subprocess

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("saved")
    sources = []
    for name, (code, stored, number_format, _expected) in SAVED_CASES.items():
        indicator = catalogue.indicator(code)
        wb = Workbook()
        data = wb.active
        data.title = layout.SHEET_DATA
        data.append(list(layout.DATA_COLUMNS))
        data.append([1, code, indicator.label, indicator.unit, stored, ""])
        data["E2"].number_format = number_format
        wb.save(folder / f"{name}.xlsx")
        sources.append(str(folder / f"{name}.xlsx"))
    for target in ("ods", "xls:MS Excel 97"):
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{folder / 'profile'}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(folder),
                *sources,
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("suffix", ["xlsx", "ods", "xls"])
@pytest.mark.parametrize("name", list(SAVED_CASES))
def test_a_cell_reads_alike_from_xlsx_ods_and_xls(saved_by_libreoffice, catalogue, name, suffix):
    code, _stored, _format, expected = SAVED_CASES[name]
    path = saved_by_libreoffice / f"{name}.{suffix}"
    result = clean_unit(read_unit_workbook(path), catalogue, period=PERIOD, unit_code="181")
    value = result.values.set_index("indicator_code").loc[code, "value"]
    errors = [i for i in result.issues if i.severity == "error" and i.cell == "E2"]
    if expected is None:
        assert value is None and [e.kind for e in errors] == ["not_a_number"]
    else:
        assert value == pytest.approx(expected, abs=1e-9) and errors == []
    if name.startswith("pct_") and name != "pct_literal":
        assert issues_at(result, "E2") == []  # the percent Calc shows, with no message
