"""The appendices exported to Excel: real workbook read back; unit text never becomes a formula."""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from test_render import PERIOD, make_paths, write_processed

from baocao.config.units import load_units
from baocao.report.review.export import build_workbook, write_workbook
from baocao.run.store import read_csv


def processed_period(tmp_path):
    """A project with the sample's processed period: (paths, values, its units, status)."""
    paths = make_paths(tmp_path)
    values = write_processed(paths.processed)
    units = load_units(paths.config).for_period(PERIOD)
    return paths, values, units, read_csv(paths.processed_period(PERIOD) / "status.csv")


HOSTILE = ('=HYPERLINK("http://x","bấm")', "+1+2", "-3", "@SUM(A1)", "<script>alert(1)</script>")


def test_appendices_are_written_and_unit_text_stays_text(tmp_path, catalogue):
    paths, values, units, status = processed_period(tmp_path)
    models = pd.DataFrame(
        [
            {
                "unit_code": "178",
                "stt": i,
                "name": text,
                "programme": 3,
                "time": "=1+1",
                "participants": 10,
                "effect": text,
            }
            for i, text in enumerate(HOSTILE, start=1)
        ]
    )
    path = write_workbook(
        build_workbook(PERIOD, catalogue, units, values, models, status), tmp_path / "a.xlsx"
    )

    book = load_workbook(path)
    assert book.sheetnames == ["Phụ lục I", "Phụ lục II", "Tình hình nộp"]
    sheet = book["Phụ lục I"]
    figures = list(sheet.iter_rows(values_only=True))
    # Units as rows, the province's total last; indicators as columns, each code once.
    assert [row[2] for row in figures[3:]] == [*(u.short for u in units), "Tổng cộng"]
    assert sorted(figures[2][3:]) == sorted(catalogue.codes)
    assert figures[0][3].startswith("Bảng 1. Công tác tuyên truyền")  # the report's table
    assert sheet.freeze_panes == "D4"
    assert sheet.print_title_rows == "$1:$3"
    column = figures[2].index("tt_so_cuoc")
    assert figures[3][column] == 100  # TP Lạng Sơn, first indicator (test_render's fixture)

    cells = [c for row in book["Phụ lục II"].iter_rows(min_row=2) for c in row]
    hostile = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert hostile and all(c.data_type == "s" for c in hostile)
    # What a spreadsheet program sees: plain strings, no formula to evaluate.
    shown = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Phụ lục II").to_python()
    assert {row[2] for row in shown[1:]} == set(HOSTILE)


def test_models_sheet_has_one_header_per_column_and_names_the_programme(tmp_path, catalogue):
    from baocao.config.outline import load_outline

    paths, values, units, status = processed_period(tmp_path)
    models = pd.DataFrame(
        [
            {
                "unit_code": "178",
                "stt": 1,
                "name": "Tổ hòa giải điểm",
                "programme": 3,
                "time": "Tháng 3/2021",
                "participants": 40,
                "effect": "tốt",
            },
            {
                "unit_code": "180",
                "stt": 1,
                "name": "Mô hình không ghi chương trình",
                "programme": None,
                "time": None,
                "participants": None,
                "effect": None,
            },
        ]
    )
    outline = load_outline(paths.config, catalogue, PERIOD)
    book = build_workbook(PERIOD, catalogue, units, values, models, status, outline)
    path = write_workbook(book, tmp_path / "a.xlsx")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Phụ lục II").to_python()
    header = rows[0]
    assert len(set(header)) == len(header), header
    assert header[:4] == ["Số chương trình", "Đơn vị", "Tên mô hình", "Tên chương trình"]
    title = next(s.heading for s in outline.sections if s.id == "3").split(". ", 1)[1]
    assert rows[1][0] == 3 and rows[1][3] == title
    assert rows[2][3] == ""


def test_models_sheet_names_the_sections_of_an_outline_without_programmes(tmp_path, paths):
    """Issue 20: under the 2026 outline (sections, no programmes) Phụ lục II's columns are
    "Số mục" and "Tên mục", its groups the outline's headings or "Mục 9", and nothing in the
    sheet says "chương trình"."""
    from baocao.config.catalog import load_catalogue
    from baocao.config.outline import load_outline

    project, values, units, status = processed_period(tmp_path)
    outline = load_outline(paths.config, load_catalogue(paths.config, "2026-H1"), "2026-H1")
    models = pd.DataFrame(
        [
            {"unit_code": "178", "stt": 1, "name": "Tổ hòa giải", "programme": 4},
            {"unit_code": "180", "stt": 1, "name": "Mô hình lạ", "programme": 9},
            {"unit_code": "181", "stt": 1, "name": "Mô hình chưa ghi", "programme": None},
        ]
    )
    catalogue = load_catalogue(project.config, PERIOD)
    book = build_workbook(PERIOD, catalogue, units, values, models, status, outline)
    path = write_workbook(book, tmp_path / "a.xlsx")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Phụ lục II").to_python()
    assert rows[0][:4] == ["Số mục", "Đơn vị", "Tên mô hình", "Tên mục"]
    assert [row[3] for row in rows[1:]] == [
        "Giám sát, phản biện xã hội; tham gia phòng, chống tham nhũng, lãng phí",
        "Mục 9",
        "",
    ]
    assert not [c for row in rows for c in row if "chương trình" in str(c).lower()]


def test_files_set_aside_follow_the_units_in_the_submissions_sheet(tmp_path, catalogue):
    """The files the run set aside (as `run.set_aside.records` keeps them in run.json) get a
    row each after the units: state "không dùng", the file, the reason; a hostile name stays
    text."""
    paths, values, units, status = processed_period(tmp_path)
    aside = (
        {
            "file": "BacSon.xlsx",
            "unit_code": "",
            "unit_name": "",
            "reason": "không xác định được đơn vị",
        },
        {
            "file": "=cmd.xlsx",
            "unit_code": "178",
            "unit_name": "Thành phố Lạng Sơn",
            "reason": "tệp của kỳ khác",
        },
    )
    book = build_workbook(PERIOD, catalogue, units, values, values.iloc[0:0], status, None, aside)
    path = write_workbook(book, tmp_path / "a.xlsx")
    rows = list(load_workbook(path)["Tình hình nộp"].iter_rows(values_only=True))
    assert rows[0][-1] == "Ghi chú" and len(rows) == 1 + len(status) + 2
    assert rows[-2][1:] == ("—", "không dùng", 0, 1, 0, "BacSon.xlsx", "không xác định được đơn vị")
    assert rows[-1][6:] == ("=cmd.xlsx", "tệp của kỳ khác")
    assert all(row[7] is None for row in rows[1 : 1 + len(status)])
