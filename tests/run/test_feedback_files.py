"""Feedback files on real workbooks: the intake template filled with openpyxl (an error, a
warning, a clean file) and an .ods, each read, cleaned and validated by the same calls as the
unit's notebook, then given its feedback (`run.feedback`). The feedback copy lists each problem
with its sheet, cell and value, marks and comments the cell, keeps the unit's values, and
LibreOffice opens it; nothing under the raw folder changes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from corpus import GOOD_VALUES, PERIOD, Corpus, row_of
from office import SOFFICE, soffice_pdf
from openpyxl import load_workbook

from baocao.config.units import load_units
from baocao.intake import layout
from baocao.intake.read import read_unit_workbook, read_unit_workbook_or_issue
from baocao.run import store
from baocao.run.discover import UnitJob
from baocao.run.feedback import FEEDBACK_FOLDER, FeedbackStage
from baocao.run.feedback_book import SHEET
from baocao.unit import clean, validate
from baocao.unit.feedback import finding_identity

# unit code → (corpus case or values to write, the figure changed); 181 is the corpus's .ods.
FILES = {
    "178": {**GOOD_VALUES, "tt_so_cuoc": "nhiều lắm"},  # an error: not a number
    "180": {**GOOD_VALUES, "quy_vnn_van_dong": "1,25 triệu"},  # a warning: read as 1.250.000
    "183": GOOD_VALUES,  # clean
}


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def status_of(path: Path, unit, catalogue, units, processed: Path) -> None:
    """The unit's status as its notebook writes it (the notebook's own calls, in process)."""
    source, read_issues = read_unit_workbook_or_issue(path)
    cleaned = clean.clean_unit(source, catalogue, period=PERIOD, unit_code=unit.code, units=units)
    checked = validate.validate_unit(cleaned.values, catalogue)
    issues = (*read_issues, *cleaned.issues, *checked.issues)
    store.write_unit(
        processed,
        unit_code=unit.code,
        unit_name=unit.name,
        source_file=path.name,
        state=validate.unit_state(issues),
        rows_read=cleaned.rows_read,
        values=checked.values,
        models=cleaned.models,
        issues=issues,
        gx_result=None,
    )


@pytest.fixture(scope="module")
def fed(tmp_path_factory, catalogue, project):
    """(raw folder, its digests before, {unit code: feedback file}, the corpus)."""
    tmp = tmp_path_factory.mktemp("feedback")
    units = load_units(project.config).for_period(PERIOD)
    by_code = {u.code: u for u in units}
    corpus = Corpus(tmp / "corpus", catalogue, units)
    raw = tmp / "raw"
    raw.mkdir()
    jobs = [UnitJob(corpus.path("ods_percent_and_error"), by_code["181"])]
    for code, values in FILES.items():
        path = raw / f"{code}-{by_code[code].short}.xlsx"
        corpus.template(by_code[code], values).save(path)
        jobs.append(UnitJob(path, by_code[code]))
    before = digests(raw)
    stage = FeedbackStage.start(tmp / "out", PERIOD)
    made = {}
    for job in jobs:
        status_of(job.path, job.unit, catalogue, units, tmp / "processed")
        made[job.unit.code] = stage.unit(tmp / "processed", tmp / "entry" / job.unit.code, job)
    # The analyst's checked findings (the seam `FeedbackStage(checked=…)`): another stage.
    note = "đã xác minh qua điện thoại với đơn vị"
    [warning] = store.read_unit_status(tmp / "processed", "180")["issues"]
    identity = finding_identity("180", warning)  # "180/value_interpreted/Số liệu!E…"
    checked = FeedbackStage.start(tmp / "checked", PERIOD, {identity: note})
    made["180 checked"] = checked.unit(tmp / "processed", tmp / "entry" / "180", jobs[2])
    return raw, before, made, corpus


def listed(book) -> list[tuple]:
    """The list sheet's problem rows: (mức độ, trang, ô, giá trị, vấn đề, cách sửa, tình trạng)."""
    rows = list(book[SHEET].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "STT")
    return [tuple(r[1:]) for r in rows[start + 1 :]]


def test_an_error_is_listed_first_marked_and_commented_in_a_copy_of_the_units_workbook(fed):
    raw, before, made, corpus = fed
    path = made["178"]
    assert path.name == f"phan-hoi-178-tp-lang-son-{PERIOD}.xlsx"
    assert path.parent.name == FEEDBACK_FOLDER
    book = load_workbook(path)
    assert book.sheetnames[0] == SHEET and book.active.title == SHEET
    ref = f"E{row_of(corpus.template()[layout.SHEET_DATA], 'tt_so_cuoc')}"
    [row] = [r for r in listed(book) if r[0] == "lỗi"]
    assert row[1:4] == (layout.SHEET_DATA, ref, "nhiều lắm") and row[6] == "mở"
    assert row[5]  # what to do
    cell = book[layout.SHEET_DATA][ref]
    assert cell.fill.start_color.rgb.endswith("FFC7CE")
    assert (
        cell.comment is not None
        and "Lỗi:" in cell.comment.text
        and "Cách sửa:" in cell.comment.text
    )
    # The unit's own sheets and values are the unit's; baocao reads the copy as the original.
    assert book.sheetnames[1:] == load_workbook(raw / "178-TP Lạng Sơn.xlsx").sheetnames
    original = read_unit_workbook(raw / "178-TP Lạng Sơn.xlsx")
    copy = read_unit_workbook(path)
    assert (copy.data_rows, copy.info, copy.issues) == (
        original.data_rows,
        original.info,
        original.issues,
    )
    assert digests(raw) == before  # the raw files: never written


def test_a_warning_shows_the_text_the_unit_wrote(fed):
    _, _, made, corpus = fed
    book = load_workbook(made["180"])
    ref = f"E{row_of(corpus.template()[layout.SHEET_DATA], 'quy_vnn_van_dong')}"
    assert [r[:3] for r in listed(book)] == [("cảnh báo", layout.SHEET_DATA, ref)]
    assert listed(book)[0][3] == "1,25 triệu"
    assert book[layout.SHEET_DATA][ref].fill.start_color.rgb.endswith("FFEB9C")


def test_a_clean_file_is_told_so_with_what_was_read(fed):
    _, _, made, _ = fed
    book = load_workbook(made["183"])
    assert book.sheetnames == [SHEET]  # nothing to mark: no copy of the workbook
    sheet = book[SHEET]
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert "không có gì cần sửa" in text and "Không có lỗi hoặc cảnh báo nào." in text
    assert f"3 số liệu; các trang: “{layout.SHEET_DATA}”" in text


def test_an_ods_gets_the_list_alone_with_its_cells_and_values(fed):
    _, _, made, _ = fed
    book = load_workbook(made["181"])
    assert book.sheetnames == [SHEET]
    errors = [r for r in listed(book) if r[0] == "lỗi"]
    assert [(r[1], r[2], r[3]) for r in errors] == [(layout.SHEET_DATA, "E4", "#DIV/0!")]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_feedback_copy(fed, tmp_path):
    _, _, made, _ = fed
    pdf = soffice_pdf(made["178"], tmp_path, check=True)
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")


def test_a_checked_finding_shows_as_checked_with_the_analysts_note(fed):
    _, _, made, _ = fed
    assert made["180"].read_bytes() != made["180 checked"].read_bytes()
    book = load_workbook(made["180 checked"])
    [row] = listed(book)
    assert row[6] == "đã kiểm tra: đã xác minh qua điện thoại với đơn vị"
    assert book[layout.SHEET_DATA][row[2]].fill.start_color.rgb.endswith("E2EFDA")


def test_a_clean_xlsm_gets_its_list_as_an_xlsx_that_excel_opens(tmp_path, catalogue, project):
    """The list alone is a plain workbook: named .xlsm, Excel would refuse to open it."""
    units = load_units(project.config).for_period(PERIOD)
    unit = next(u for u in units if u.code == "183")
    corpus = Corpus(tmp_path / "corpus", catalogue, units)
    path = tmp_path / "183-cao-loc.xlsm"
    corpus.template(unit, GOOD_VALUES).save(path)
    status_of(path, unit, catalogue, units, tmp_path / "processed")
    stage = FeedbackStage.start(tmp_path / "out", PERIOD)
    made = stage.unit(tmp_path / "processed", tmp_path / "entry", UnitJob(path, unit))
    assert made.name == f"phan-hoi-183-cao-loc-{PERIOD}.xlsx"
    assert load_workbook(made).sheetnames == [SHEET]
