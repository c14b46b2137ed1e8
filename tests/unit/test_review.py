"""The tables the per-unit notebook shows its reviewer."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from baocao.errors import Issue
from baocao.run.store import UnitFiles
from baocao.unit import review


def _table(frame) -> BeautifulSoup:
    return BeautifulSoup(frame._repr_html_(), "html.parser").find("table")


def test_tables_show_no_row_index():
    """A reviewer reads columns of the catalogue's words, not pandas' 0, 1, 2 … index."""
    issues = (
        Issue("error", "x", "Ô E7: số âm", sheet="Số liệu", cell="E7"),
        Issue("warning", "y", "Thiếu trang", sheet=None, cell=None),
    )
    table = _table(review.issues_table(issues))
    assert [th.get_text() for th in table.find_all("th")] == ["Mức độ", "Trang", "Ô", "Nội dung"]
    first = [td.get_text() for td in table.find("tbody").find("tr").find_all("td")]
    assert first == ["Lỗi", "Số liệu", "E7", "Ô E7: số âm"]
    assert not repr(review.issues_table(issues)).lstrip().startswith("0")
    assert repr(review.issues_table(issues)).split("\n")[1].split()[0] == "Lỗi"


def test_table_cells_are_escaped():
    table = review.issues_table((Issue("error", "x", "<script>alert(1)</script>"),))
    html = table._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_files_table_names_what_each_file_holds(tmp_path):
    files = UnitFiles.of(tmp_path, "178")
    table = review.files_table(files)
    assert list(table.columns) == ["Tệp", "Nội dung"]
    assert list(table["Tệp"]) == [
        "178.values.csv",
        "178.models.csv",
        "178.validation.json",
        "178.status.json",
    ]
    assert str(tmp_path) not in table._repr_html_()
    assert all(Path(name).suffix for name in table["Tệp"])


def test_state_line_counts_every_finding_not_only_the_rules():
    from baocao.errors import Issue
    from baocao.unit.review import state_line

    issues = [
        Issue("error", "not_a_number", "“khoảng 120” không phải là số."),
        Issue("error", "excel_error", "#DIV/0!"),
        Issue("warning", "value_interpreted", "Đã bỏ chữ “căn”."),
    ]
    assert state_line("có lỗi", issues) == "Trạng thái: có lỗi — 2 lỗi, 1 cảnh báo"
    assert state_line("hợp lệ", []) == "Trạng thái: hợp lệ — không có lỗi hay cảnh báo nào"


def test_cleaning_summary_tells_blank_from_unreadable():
    import pandas as pd

    from baocao.unit.review import cleaning_summary

    values = pd.DataFrame(
        {
            "value": [5, None, None, 0],
            "reported": [True, False, True, True],
        }
    )
    assert cleaning_summary(values) == (
        "Khớp 4 chỉ tiêu của danh mục: 2 có số liệu, 1 để trống, 1 không đọc được."
    )
