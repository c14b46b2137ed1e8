"""Hostile and messy unit files: each case gets its own Vietnamese message, naming file, sheet
and cell, and no file is ever changed by reading it.

The files are built by `tests/corpus.py` at test time.
"""

from __future__ import annotations

import contextlib
import hashlib
import unicodedata
from pathlib import Path

import pytest
from corpus import (
    CASES,
    GARBLED_MODEL,
    GOOD_VALUES,
    PERIOD,
    RELABELLED,
    TCVN3_LABEL,
    WORDS,
    Corpus,
    value_ref,
)

from baocao.config.paths import ProjectPaths
from baocao.config.units import load_units
from baocao.errors import InputError
from baocao.intake import layout
from baocao.intake.info_sheet import read_declared_unit
from baocao.intake.read import read_unit_workbook, read_unit_workbook_or_issue
from baocao.run.discover import discover
from baocao.unit.checks import check_workbook
from baocao.unit.clean import clean_unit
from baocao.unit.declared import declared_unit_mismatch


@pytest.fixture(scope="session")
def corpus(tmp_path_factory, catalogue, project):
    units = load_units(project.config).for_period(PERIOD)
    return Corpus(tmp_path_factory.mktemp("corpus"), catalogue, units)


def fingerprint(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size, stat.st_mtime_ns


def is_nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text


# --- files refused as a whole: an InputError with a stable kind ---------------------------------

# (case, kind, sheet named, fragment of the message)
REFUSED = [
    ("text_named_xlsx", "not_a_workbook", None, "không phải bảng tính"),
    ("html_named_xls", "not_a_workbook", None, "không phải bảng tính"),
    ("docx_named_xlsx", "not_a_workbook", None, "tệp Word"),
    ("password_xlsx", "password_protected", None, "mật khẩu"),
    ("truncated_xlsx", "damaged_file", None, "chưa chép hết"),
    ("zero_bytes", "empty_file", None, "0 byte"),
    ("empty_workbook", "empty_workbook", "Sheet", "đều trống"),
    ("too_large", "file_too_large", None, "vượt giới hạn 20,0 MB"),
    ("zip_bomb_declared", "zip_bomb", None, "4.096,0 MB"),
    ("zip_bomb_ratio", "zip_bomb", None, "xl/worksheets/sheet1.xml"),
    ("billion_laughs", "xml_entities", "Số liệu", "<!DOCTYPE>"),
    ("far_cell", "sheet_too_large", "Số liệu", "XFD1048576"),
    ("sheet_renamed_no_table", "sheet_missing", None, "Trang tính 1"),
]


@pytest.mark.parametrize(("name", "kind", "sheet", "fragment"), REFUSED)
def test_unreadable_files_are_refused_with_a_vietnamese_message(
    corpus, name, kind, sheet, fragment
):
    path = corpus.path(name)
    with pytest.raises(InputError) as caught:
        read_unit_workbook(path)
    error = caught.value
    assert error.kind == kind
    assert error.where.file == str(path) and error.where.sheet == sheet
    assert f"tệp “{path.name}”" in error.message
    assert fragment in error.message
    assert "Hãy" in error.message and is_nfc(error.message)
    # The notebook's entry point turns it into an error Issue, never an exception.
    workbook, issues = read_unit_workbook_or_issue(path)
    assert workbook is None and [(i.severity, i.kind) for i in issues] == [("error", kind)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_reading_never_changes_the_file(corpus, name):
    path = corpus.path(name)
    before = fingerprint(path)
    read_unit_workbook_or_issue(path)
    with contextlib.suppress(InputError):
        read_declared_unit(path)
    assert fingerprint(path) == before


def test_the_size_limit_is_checked_before_reading(corpus):
    path = corpus.path("xlsx_ok")
    with pytest.raises(InputError) as caught:
        read_unit_workbook(path, max_bytes=1000)
    assert caught.value.kind == "file_too_large"


# --- files read, with findings: values, Issues and their cells ----------------------------------


def cleaned(corpus, name, **kwargs):
    workbook = read_unit_workbook(corpus.path(name))
    result = clean_unit(workbook, corpus.catalogue, period=PERIOD, unit_code="181", **kwargs)
    return result, result.values.set_index("indicator_code")


def kinds(result) -> list[str]:
    return [i.kind for i in result.issues if i.kind not in ("missing_row", "models_sheet_missing")]


@pytest.mark.parametrize(
    "name",
    ["xlsx_ok", "xls_ok", "ods_ok", "xls_named_xlsx", "extra_columns", "code_column_deleted"],
)
def test_every_format_and_layout_change_reads_the_same_values(corpus, name):
    result, values = cleaned(corpus, name)
    for code, expected in GOOD_VALUES.items():
        assert values.loc[code, "value"] == expected, code
    assert kinds(result) == []


def test_extra_columns_shift_the_cells_named(corpus):
    _, values = cleaned(corpus, "extra_columns")
    assert values.loc["tt_so_cuoc", "cell"] == value_ref(corpus, "tt_so_cuoc").replace("E", "F")


def test_reordered_rows_keep_their_values_and_cells(corpus):
    result, values = cleaned(corpus, "rows_reordered")
    assert values.loc["tt_so_cuoc", "value"] == 12
    assert values.loc["tt_so_cuoc", "cell"] == value_ref(corpus, "quy_vnn_van_dong")
    assert values.loc["quy_vnn_van_dong", "cell"] == value_ref(corpus, "tt_so_cuoc")
    assert kinds(result) == []


def test_a_slightly_relabelled_row_is_matched_with_a_warning_naming_the_cell(corpus):
    result, values = cleaned(corpus, "relabelled")
    [issue] = [i for i in result.issues if i.kind == "label_fuzzy_match"]
    cell = value_ref(corpus, "tt_so_cuoc")
    assert (issue.severity, issue.cell, issue.sheet) == ("warning", cell, layout.SHEET_DATA)
    assert RELABELLED in issue.message and "Số cuộc tuyên truyền" in issue.message
    assert values.loc["tt_so_cuoc", "value"] == 12


def test_merged_headings_are_harmless_and_a_merged_value_cell_is_an_error(corpus):
    result, values = cleaned(corpus, "merged_cells")
    first = value_ref(corpus, "tt_so_cuoc")
    second = value_ref(corpus, "tt_luot_nguoi")
    merged = [i for i in result.issues if i.kind == "merged_value_cell"]
    assert [(i.severity, i.cell) for i in merged] == [("error", first), ("error", second)]
    assert f"{first}:{second}" in merged[0].message
    assert not values.loc["tt_so_cuoc", "included"]
    assert "unknown_row" not in kinds(result)  # the template's merged section headings


def test_hidden_rows_are_read_and_named(corpus):
    result, values = cleaned(corpus, "hidden_rows")
    [issue] = [i for i in result.issues if i.kind == "hidden_rows"]
    cell = value_ref(corpus, "tt_luot_nguoi")
    assert (issue.severity, issue.cell) == ("warning", cell)
    assert f"dòng {cell[1:]}" in issue.message
    assert values.loc["tt_luot_nguoi", "value"] == 1357


def test_a_hidden_data_sheet_is_read_with_a_warning(corpus):
    result, values = cleaned(corpus, "hidden_data_sheet")
    assert kinds(result) == ["sheet_hidden"]
    assert values.loc["tt_so_cuoc", "value"] == 12


def test_a_hidden_sheet_is_ignored_when_a_visible_one_holds_the_table(corpus):
    result, values = cleaned(corpus, "hidden_decoy_sheet")
    assert values.loc["tt_so_cuoc", "value"] == 12  # not the hidden copy's 999
    assert values.loc["tt_so_cuoc", "sheet"] == "Sheet1"
    assert kinds(result) == ["sheet_renamed"]


def test_a_duplicated_indicator_is_an_error(corpus):
    result, _ = cleaned(corpus, "duplicate_rows")
    [issue] = [i for i in result.issues if i.kind == "duplicate_row"]
    assert issue.severity == "error" and value_ref(corpus, "tt_so_cuoc") in issue.message


def test_a_negative_count_fails_its_rule_in_check_workbook(corpus):
    report = check_workbook(corpus.path("negative"), corpus.catalogue, period=PERIOD)
    [issue] = [i for i in report.issues if i.kind == "rule_non_negative"]
    assert (issue.severity, issue.cell) == ("error", value_ref(corpus, "tt_so_cuoc"))
    assert "-5" in issue.message and "không được âm" in issue.message


def test_words_in_numeric_cells(corpus):
    result, values = cleaned(corpus, "words_in_numbers")
    by_code = {i.indicator_code: i for i in result.issues if i.indicator_code in WORDS}
    for code, word in WORDS.items():
        assert by_code[code].cell == value_ref(corpus, code)
        assert f"“{word}”" in by_code[code].message
    assert values.loc["tt_so_cuoc", "value"] == 0 and values.loc["tt_luot_nguoi", "value"] == 0
    assert not values.loc["tt_tin_bai", "reported"]
    assert not values.loc["tt_bao_cao_y_kien", "reported"]
    assert by_code["tt_so_cuoc"].kind == "value_interpreted"
    assert (by_code["dk_nguoi_uy_tin"].severity, by_code["dk_nguoi_uy_tin"].kind) == (
        "error",
        "not_a_number",
    )
    assert "không phải là số" in by_code["dk_nguoi_uy_tin"].message


def test_a_number_read_as_a_date_says_to_format_the_cell_as_number(corpus):
    result, _ = cleaned(corpus, "date_in_number")
    [issue] = [i for i in result.issues if i.kind == "not_a_number"]
    assert issue.cell == value_ref(corpus, "tt_so_cuoc")
    assert "12/03/2021" in issue.message and "kiểu số (Number)" in issue.message


def test_a_formula_without_a_saved_result_is_an_error_naming_the_cell(corpus):
    result, values = cleaned(corpus, "formula_uncached")
    [issue] = [i for i in result.issues if i.kind == "formula_no_value"]
    assert (issue.severity, issue.cell) == ("error", value_ref(corpus, "tt_so_cuoc"))
    assert "công thức" in issue.message and "F9" in issue.message
    assert not values.loc["tt_so_cuoc", "included"]


def test_a_formula_with_its_saved_result_reads_the_result(corpus):
    result, values = cleaned(corpus, "formula_cached")
    assert values.loc["tt_so_cuoc", "value"] == 12
    assert "formula_no_value" not in kinds(result)


def test_decomposed_text_matches(corpus):
    _, values = cleaned(corpus, "nfd_text")
    assert values.loc["tt_so_cuoc", "value"] == 12


def test_legacy_encodings_are_converted_and_mojibake_never_passes(corpus):
    result, values = cleaned(corpus, "legacy_text")
    legacy = {i.cell: i for i in result.issues if i.kind == "legacy_encoding"}
    label_cell = value_ref(corpus, "tt_so_cuoc").replace("E", "C")
    assert set(legacy) == {label_cell, value_ref(corpus, "tt_tin_bai"), "B5"}
    assert "TCVN3" in legacy[label_cell].message and TCVN3_LABEL in legacy[label_cell].message
    assert "Số cuộc tuyên truyền" in legacy[label_cell].message
    assert "VNI" in legacy["B5"].message
    assert values.loc["tt_so_cuoc", "value"] == 12  # matched by its converted label
    assert values.loc["tt_tin_bai", "value"] == 0  # "kh«ng" is TCVN3 for "không"
    assert list(result.models["name"]) == ["Tổ hòa giải điểm", "Dân vận khéo"]
    [garbled] = [i for i in result.issues if i.kind == "garbled_text"]
    assert (garbled.severity, garbled.cell) == ("error", "B7")
    assert GARBLED_MODEL in garbled.message


def test_info_naming_another_period_is_an_error(corpus):
    result, _ = cleaned(corpus, "other_period")
    [issue] = [i for i in result.issues if i.kind == "period_mismatch"]
    assert (issue.severity, issue.sheet, issue.cell) == ("error", layout.SHEET_INFO, "B2")


def test_info_naming_another_unit_is_a_warning_naming_the_cell(corpus):
    workbook = read_unit_workbook(corpus.path("other_unit"))
    issue = declared_unit_mismatch(workbook, "181", corpus.units)
    assert (issue.kind, issue.severity, issue.sheet, issue.cell) == (
        "unit_mismatch",
        "warning",
        layout.SHEET_INFO,
        "B1",
    )
    assert "Tràng Định" in issue.message and "Bình Gia" in issue.message
    assert declared_unit_mismatch(workbook, "180", corpus.units) is None
    result, _ = cleaned(corpus, "other_unit", units=corpus.units)
    assert "unit_mismatch" in kinds(result)
    ok, _ = cleaned(corpus, "xlsx_ok", units=corpus.units)
    assert "unit_mismatch" not in kinds(ok)


# --- the period folder: unknown units, two files for one unit, one bad file among good ones ----


def test_discover_rejects_unknown_units_and_second_files_and_keeps_bad_files_apart(
    corpus, tmp_path, project
):
    folder = tmp_path / "raw" / PERIOD
    folder.mkdir(parents=True)
    good = corpus.path("xlsx_ok").read_bytes()
    (folder / "181-binh-gia-2021-H1.xlsx").write_bytes(good)
    (folder / "181-binh-gia-ban-sua.xlsx").write_bytes(good)  # a second file for Bình Gia
    (folder / "Huyen Ba Be.xlsx").write_bytes(corpus.path("empty_workbook").read_bytes())
    (folder / "180-trang-dinh.xlsx").write_bytes(corpus.path("truncated_xlsx").read_bytes())
    paths = ProjectPaths(
        root=project.root, raw=tmp_path / "raw", processed=tmp_path, output=tmp_path
    )
    jobs, rejected = discover(PERIOD, paths, corpus.units)
    # The damaged file still runs for its unit (told by its name): its notebook reports why.
    assert [(j.unit.code, j.path.name) for j in jobs] == [
        ("180", "180-trang-dinh.xlsx"),
        ("181", "181-binh-gia-2021-H1.xlsx"),
    ]
    found = {j.path.name: [i.kind for i in j.issues] for j in rejected}
    assert found == {
        "181-binh-gia-ban-sua.xlsx": ["duplicate_unit_file"],
        "Huyen Ba Be.xlsx": ["unknown_unit"],
    }


def test_a_corrupt_compressed_part_is_a_damaged_file_not_a_crash(tmp_path):
    """Found by hypothesis: a byte flipped inside a deflated part raised zlib.error."""
    import struct
    import zipfile

    from conftest import write_workbook

    path = write_workbook(tmp_path / "u.xlsx", [[1, "tt_so_cuoc", "x", "cuộc", 5, ""]])
    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    name_len, extra_len = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_len + extra_len
    for offset in range(3, info.compress_size, 7):  # stored-block garbage, as hypothesis made
        data[start + offset] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as caught:
        read_unit_workbook(path)
    assert caught.value.kind == "damaged_file" and "u.xlsx" in caught.value.message


def test_a_sheet_too_large_names_a_cell_of_its_last_row_and_one_of_its_last_column(
    corpus, tmp_path
):
    """Junk far to the right and far down: both are named (only the cell that last pushed
    the area out was, "A70" for a sheet 7.399 columns wide)."""
    wb = corpus.template()
    data = wb[layout.SHEET_DATA]
    data["KZA40"] = "x"
    data["A60000"] = "x"
    path = corpus.save(wb, tmp_path)
    with pytest.raises(InputError) as caught:
        read_unit_workbook(path)
    assert caught.value.kind == "sheet_too_large"
    assert "ở tận A60000 và KZA40 (60000 dòng × 8113 cột)" in caught.value.message
