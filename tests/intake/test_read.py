"""Reading real workbooks: cells keep their addresses; unreadable files say why, in Vietnamese."""

import pytest
from conftest import write_workbook

from baocao.errors import InputError
from baocao.intake import layout
from baocao.intake.info_sheet import read_declared_unit
from baocao.intake.read import read_unit_workbook


def test_rows_keep_their_cell_addresses_when_the_header_moves_down(tmp_path):
    path = write_workbook(
        tmp_path / "u.xlsx",
        [[1, "tt_so_cuoc", "Số cuộc tuyên truyền", "cuộc", "12", ""]],
        header_at=4,
        info={"unit": "Huyện Bình Gia", "period": "2021-H1"},
    )
    workbook = read_unit_workbook(path)
    [row] = workbook.data_rows
    assert (row.code, row.value, row.value_ref, row.row_number) == ("tt_so_cuoc", "12", "E5", 5)
    assert workbook.info["unit"] == ("Huyện Bình Gia", "B1")
    assert read_declared_unit(path) == ("Huyện Bình Gia", "B1")


def test_columns_are_found_by_name_in_any_order(tmp_path):
    columns = ("Số liệu", "Nội dung", "Mã chỉ tiêu")
    path = write_workbook(
        tmp_path / "u.xlsx", [[7, "Số cuộc tuyên truyền", "tt_so_cuoc"]], columns=columns
    )
    [row] = read_unit_workbook(path).data_rows
    assert (row.code, row.value, row.value_ref) == ("tt_so_cuoc", 7, "A2")


def test_a_renamed_data_sheet_is_found_by_its_header_with_a_warning(tmp_path):
    path = write_workbook(
        tmp_path / "u.xlsx", [[1, "tt_so_cuoc", "x", "cuộc", 3, ""]], sheet="Sheet1"
    )
    workbook = read_unit_workbook(path)
    assert workbook.data_sheet == "Sheet1"
    assert [i.kind for i in workbook.issues] == ["sheet_renamed", "models_sheet_missing"]


def test_sheet_names_match_whatever_the_unicode_form(tmp_path):
    import unicodedata

    path = write_workbook(
        tmp_path / "u.xlsx", [], sheet=unicodedata.normalize("NFD", layout.SHEET_DATA)
    )
    assert read_unit_workbook(path).data_sheet == unicodedata.normalize("NFD", layout.SHEET_DATA)


def test_a_text_file_named_xlsx_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "Bac Son.xlsx"
    path.write_text("đây không phải bảng tính", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_unit_workbook(path)
    assert caught.value.kind == "not_a_workbook"
    assert "Bac Son.xlsx" in caught.value.message and "Hãy" in caught.value.message


def test_a_workbook_without_the_table_names_the_sheets_it_has(tmp_path):
    path = write_workbook(tmp_path / "u.xlsx", [], sheet="Trang tính 1", columns=("A", "B"))
    with pytest.raises(InputError) as caught:
        read_unit_workbook(path)
    assert caught.value.kind == "sheet_missing"
    assert "Trang tính 1" in caught.value.message


def test_unsupported_extension(tmp_path):
    path = tmp_path / "so-lieu.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match=r"\.pdf"):
        read_unit_workbook(path)


def test_column_names_match_excel():
    from openpyxl.utils import get_column_letter

    from baocao.intake.layout import column_letter, column_number

    for number in (*range(1, 800), 16383, 16384):
        assert column_letter(number) == get_column_letter(number)
        assert column_number(column_letter(number)) == number
