"""Cleaning real workbooks into one tidy row per indicator."""

import unicodedata

import pandas as pd
from conftest import write_workbook

from baocao.intake.read import read_unit_workbook
from baocao.unit.clean import clean_unit


def cleaned(tmp_path, rows, catalogue, **kwargs):
    workbook = read_unit_workbook(write_workbook(tmp_path / "u.xlsx", rows, **kwargs))
    result = clean_unit(workbook, catalogue, period="2021-H1", unit_code="181")
    return result, result.values.set_index("indicator_code")


def test_vietnamese_numbers_words_and_blank_apart_from_zero(tmp_path, catalogue):
    rows = [
        [1, "quy_vnn_van_dong", "", "đồng", "1.250.000", ""],
        [2, "covid_tien_tiep_nhan", "", "đồng", "1,5 tỷ", ""],
        [3, "cuu_tro_thien_tai", "", "đồng", "15 triệu", ""],
        [4, "tt_luot_nguoi", "", "lượt người", "1.357", ""],
        [5, "tt_so_cuoc", "", "cuộc", None, ""],
        [6, "tt_tin_bai", "", "tin, bài", 0, ""],
    ]
    result, values = cleaned(tmp_path, rows, catalogue)
    assert values.loc["quy_vnn_van_dong", "value"] == 1_250_000
    assert values.loc["covid_tien_tiep_nhan", "value"] == 1_500_000_000
    assert values.loc["cuu_tro_thien_tai", "value"] == 15_000_000
    assert values.loc["tt_luot_nguoi", "value"] == 1357
    assert pd.isna(values.loc["tt_so_cuoc", "value"]) and not values.loc["tt_so_cuoc", "reported"]
    assert values.loc["tt_tin_bai", "value"] == 0 and values.loc["tt_tin_bai", "reported"]
    assert values.loc["quy_vnn_van_dong", "cell"] == "E2"
    assert result.rows_read == 6
    assert len(values) == len(catalogue.codes)


def test_a_row_without_code_is_matched_by_its_label_even_decomposed(tmp_path, catalogue):
    label = unicodedata.normalize("NFD", "  số cuộc TUYÊN truyền ")
    _, values = cleaned(tmp_path, [[1, None, label, "cuộc", 9, ""]], catalogue)
    assert values.loc["tt_so_cuoc", "value"] == 9


def test_unmatched_rows_are_reported_with_their_cell_never_dropped(tmp_path, catalogue):
    result, _ = cleaned(tmp_path, [[1, "khong_co", "Chỉ tiêu lạ", "cái", 5, ""]], catalogue)
    [issue] = [i for i in result.issues if i.kind == "unknown_row"]
    assert issue.cell == "E2" and "Chỉ tiêu lạ" in issue.message


def test_text_that_is_not_a_number_is_an_error_and_excluded(tmp_path, catalogue):
    result, values = cleaned(tmp_path, [[1, "tt_so_cuoc", "", "cuộc", "nhiều lắm", ""]], catalogue)
    [issue] = [i for i in result.issues if i.kind == "not_a_number"]
    assert (issue.severity, issue.cell, issue.indicator_code) == ("error", "E2", "tt_so_cuoc")
    assert not values.loc["tt_so_cuoc", "included"]
    # The unit filled the cell: it was reported (left out of the totals), not left blank.
    assert values.loc["tt_so_cuoc", "reported"] and pd.isna(values.loc["tt_so_cuoc", "value"])


def test_a_duplicated_indicator_is_an_error_naming_both_cells(tmp_path, catalogue):
    rows = [[1, "tt_so_cuoc", "", "cuộc", 3, ""], [2, "tt_so_cuoc", "", "cuộc", 4, ""]]
    result, values = cleaned(tmp_path, rows, catalogue)
    [issue] = [i for i in result.issues if i.kind == "duplicate_row"]
    assert "E2" in issue.message and "E3" in issue.message
    assert not values.loc["tt_so_cuoc", "included"]


def test_models_are_read_with_their_programme(tmp_path, catalogue):
    models = [[1, "Tổ hòa giải điểm", "Chương trình 3", "Tháng 3/2021", 25, "Hòa giải thành 12 vụ"]]
    result, _ = cleaned(tmp_path, [], catalogue, models=models)
    [model] = result.models.to_dict("records")
    assert (model["name"], model["programme"], model["participants"]) == (
        "Tổ hòa giải điểm",
        "3",
        "25",
    )


def test_a_workbook_declaring_another_period_is_an_error_and_counts_nothing(tmp_path, catalogue):
    rows = [[1, "tt_so_cuoc", "", "cuộc", 12, ""]]
    info = {"unit": "Bình Gia", "period": "2020-H1"}
    result, values = cleaned(tmp_path, rows, catalogue, info=info)
    [issue] = [i for i in result.issues if i.kind == "period_mismatch"]
    assert (issue.severity, issue.cell) == ("error", "B2")
    assert "“u.xlsx”" in issue.message
    assert values.loc["tt_so_cuoc", "value"] == 12 and not values["included"].any()
