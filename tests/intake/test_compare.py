"""Two versions of a unit's workbook compared cell by cell, on the intake template filled with
openpyxl: one changed cell as “E6: 12 → 21”, the sheet named when several sheets changed, a
file saved again without a change has none."""

from __future__ import annotations

from corpus import Corpus, value_ref

from baocao.intake import layout
from baocao.intake.compare import cell_changes, change_lines


def test_one_cell_several_sheets_and_no_change(tmp_path, catalogue, units_2021):
    corpus = Corpus(tmp_path / "corpus", catalogue, units_2021)
    first = corpus.save(corpus.template(), tmp_path, "ban-1.xlsx")
    book = corpus.template(
        values={"tt_so_cuoc": 21, "tt_luot_nguoi": 1357, "quy_vnn_van_dong": 1_250_000}
    )
    second = corpus.save(book, tmp_path, "ban-2.xlsx")
    cell = value_ref(corpus, "tt_so_cuoc")
    assert change_lines(cell_changes(first, second)) == [f"{cell}: 12 → 21"]

    book[layout.SHEET_INFO]["B3"] = "Nguyễn Văn C"
    book[layout.SHEET_DATA][cell] = None
    third = corpus.save(book, tmp_path, "ban-3.xlsx")
    lines = change_lines(cell_changes(second, third))
    assert lines[0] == f"trang “{layout.SHEET_DATA}”, {cell}: 21 → (trống)"
    assert lines[1].startswith(f"trang “{layout.SHEET_INFO}”, B3: ")
    assert lines[1].endswith("→ Nguyễn Văn C")
    assert cell_changes(first, corpus.save(corpus.template(), tmp_path, "lai.xlsx")) == []


def test_a_feedback_copy_sent_back_shows_the_fixed_cell_not_baocaos_list(
    tmp_path, catalogue, units_2021
):
    """The clerk fixes the marked cell in the feedback copy and sends it back with its
    "Phản hồi" sheet: the change shown is the fixed cell alone."""
    corpus = Corpus(tmp_path / "corpus", catalogue, units_2021)
    first = corpus.save(corpus.template(), tmp_path, "ban-1.xlsx")
    book = corpus.template(
        values={"tt_so_cuoc": 21, "tt_luot_nguoi": 1357, "quy_vnn_van_dong": 1_250_000}
    )
    listed = book.create_sheet(layout.SHEET_FEEDBACK, 0)
    listed["A1"] = "PHẢN HỒI VỀ TỆP SỐ LIỆU"
    listed["B5"] = "lỗi"
    back = corpus.save(book, tmp_path, "ban-2.xlsx")
    assert change_lines(cell_changes(first, back)) == [
        f"{value_ref(corpus, 'tt_so_cuoc')}: 12 → 21"
    ]
