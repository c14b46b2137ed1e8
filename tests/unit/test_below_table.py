"""Junk below the template's table: read once, told once per kind, within the unit's budget.

Real workbooks: the intake template filled with openpyxl, with thousands of junk rows under its
table, through the real reader, cleaning and Great Expectations validation.
"""

from __future__ import annotations

import time

import pytest
from corpus import CODE_COL, GOOD_VALUES, LABEL_COL, PERIOD, VALUE_COL, Corpus, row_of

from baocao.config.units import load_units
from baocao.errors import Issue
from baocao.intake import layout
from baocao.intake.read import read_unit_workbook
from baocao.unit.clean import clean_unit
from baocao.unit.review import issues_table
from baocao.unit.validate import validate_unit

JUNK_ROWS = 2_000
NOTE_COL = layout.DATA_COLUMNS.index(layout.COL_NOTE) + 1


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, catalogue, project):
    units = load_units(project.config).for_period(PERIOD)
    return Corpus(tmp_path_factory.mktemp("junk"), catalogue, units)


def junk_workbook(corpus: Corpus, folder, rows: int = JUNK_ROWS, *, legacy: bool = False):
    """The template with GOOD_VALUES, and `rows` junk rows (code, label, figure, note) starting
    two rows under its table; with `legacy`, each note is TCVN3 text ("kh«ng")."""
    wb = corpus.template()
    data = wb[layout.SHEET_DATA]
    first = data.max_row + 2
    for i in range(rows):
        row = first + i
        data.cell(row=row, column=CODE_COL, value=f"x{i}")
        data.cell(row=row, column=LABEL_COL, value=f"dòng rác thừa số {i}")
        data.cell(row=row, column=VALUE_COL, value=i * 7)
        data.cell(row=row, column=NOTE_COL, value="kh«ng" if legacy else "ghi chú")
    folder.mkdir(parents=True, exist_ok=True)
    return corpus.save(wb, folder), first


def read_clean_validate(corpus: Corpus, path):
    """(cleaned, checked, seconds taken to read and clean)."""
    started = time.perf_counter()
    workbook = read_unit_workbook(path)
    cleaned = clean_unit(workbook, corpus.catalogue, period=PERIOD, unit_code="181")
    elapsed = time.perf_counter() - started
    checked = validate_unit(cleaned.values, corpus.catalogue)  # one row per indicator: no junk
    return cleaned, checked, elapsed


def test_junk_rows_below_the_table_are_one_warning_with_count_and_cells(corpus, tmp_path):
    path, first = junk_workbook(corpus, tmp_path / "junk", legacy=True)
    cleaned, checked, elapsed = read_clean_validate(corpus, path)
    last = first + JUNK_ROWS - 1
    [below] = [i for i in cleaned.issues if i.kind == "rows_below_table"]
    assert (below.severity, below.sheet, below.cell) == ("warning", layout.SHEET_DATA, f"E{first}")
    assert below.message.startswith(
        f"2.000 dòng có nội dung bên dưới bảng số liệu, từ dòng {first} đến dòng {last} "
        f"(ô E{first} đến ô E{last})"
    )
    assert "không được tính" in below.message and "Hãy xóa" in below.message
    # The reader's per-cell findings under the table (legacy encoding) are one line, too.
    [legacy] = [i for i in cleaned.issues if i.kind == "legacy_encoding"]
    assert f"(và 1.999 ô tương tự khác bên dưới bảng, đến ô F{last})" in legacy.message
    assert not [i for i in cleaned.issues if i.kind in ("unknown_row", "label_fuzzy_match")]
    assert len(cleaned.issues) + len(checked.issues) < 10
    # The table's own figures are read as without the junk.
    values = checked.values.set_index("indicator_code")
    for code, value in GOOD_VALUES.items():
        assert values.loc[code, "value"] == value and values.loc[code, "included"]
    # 2,000 junk rows read and cleaned in under a second (matching them row by row took 5 s;
    # the bound leaves room for a loaded 2-core machine).
    assert elapsed < 10, elapsed


def test_a_row_added_right_under_the_table_with_a_known_code_is_still_read(corpus, tmp_path):
    wb = corpus.template(values={})
    data = wb[layout.SHEET_DATA]
    last = data.max_row
    row = row_of(data, "tt_so_cuoc")
    data.cell(row=row, column=CODE_COL).value = None  # the row emptied …
    data.cell(row=row, column=LABEL_COL).value = None
    data.cell(row=last + 3, column=CODE_COL, value="tt_so_cuoc")  # … and written under the table
    data.cell(row=last + 3, column=VALUE_COL, value=41)
    data.cell(row=last + 4, column=CODE_COL, value="rac")  # junk just under it
    data.cell(row=last + 4, column=VALUE_COL, value=5)
    path = corpus.save(wb, tmp_path)
    cleaned, _, _ = read_clean_validate(corpus, path)
    values = cleaned.values.set_index("indicator_code")
    assert values.loc["tt_so_cuoc", "value"] == 41
    [below] = [i for i in cleaned.issues if i.kind == "rows_below_table"]
    assert below.message.startswith(
        f"1 dòng có nội dung bên dưới bảng số liệu, dòng {last + 4} (mã"
    )


def test_the_review_table_tells_a_repeated_finding_once_with_its_span():
    issues = [
        Issue("warning", "k", "Ô có chữ thừa.", "Số liệu", f"E{row}") for row in range(72, 77)
    ] + [Issue("error", "other", "Sai.", "Số liệu", "E9")]
    table = issues_table(issues)
    assert table.values.tolist() == [
        ["Cảnh báo", "Số liệu", "E72–E76", "Ô có chữ thừa. (lặp lại 5 lần)"],
        ["Lỗi", "Số liệu", "E9", "Sai."],
    ]


def test_the_review_table_is_bounded_errors_first_the_rest_counted():
    warnings = [Issue("warning", "k", f"Dòng {n} lạ.", "Số liệu", f"B{n}") for n in range(1, 251)]
    table = issues_table([*warnings, Issue("error", "e", "Sai.", "Số liệu", "E9")])
    assert len(table) == 201
    assert ["Lỗi", "Số liệu", "E9", "Sai."] in table.values.tolist()
    assert table.values.tolist()[-1][3].startswith("… và 51 phát hiện khác, không liệt kê ở đây")


def test_junk_in_the_models_sheet_is_bounded_to_one_warning(corpus, tmp_path):
    wb = corpus.template()
    models = wb[layout.SHEET_MODELS]
    header = next(r for r in range(1, 10) if models.cell(row=r, column=2).value == "Tên mô hình")
    for i in range(1_000):
        models.cell(row=header + 1 + i, column=2, value=f"mô hình rác {i}")
    path = corpus.save(wb, tmp_path)
    cleaned, _, elapsed = read_clean_validate(corpus, path)
    assert len(cleaned.models) == 100
    [over] = [i for i in cleaned.issues if i.kind == "models_over_limit"]
    first = header + 101
    assert over.cell == f"B{first}"
    assert f"có thêm 900 mô hình sau mô hình thứ 100, từ dòng {first} đến dòng" in over.message
    assert elapsed < 10
