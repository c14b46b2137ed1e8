"""Issue 21's period as it happens, end to end: the sample's real workbooks of 2021-H1 (2020-H1's
for the comparison), the real commands (`baocao run`, `status`, `mark-checked`, `chot`) through
typer's CliRunner, two real runs (kernels, papermill, GX, the built-in renderer).

The story: a deadline five days ago; seven units sent two days before it (their first sight
recorded then, as `baocao status` would have that day), three after it (first seen now: late),
Đình Lập never;
Bình Gia's Quỹ "Vì người nghèo" is ten times 2020-H1's (a warning across periods), which the
analyst checks by phone and marks checked; after the first run she locks Tràng Định (chốt);
then Lạng Sơn city resends with one cell changed and Tràng Định resends too. Each of these is
asserted where the office and the units see it: `status`, the status page, the feedback
workbooks, the internal review draft; and the DOCX to sign changes only in Lạng Sơn's figures
and what is summed from them.
"""

from __future__ import annotations

import html
import re
import shutil
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from conftest import REPO, cli_output, project_copy
from openpyxl import load_workbook

from baocao.config.units import load_units
from baocao.intake import layout
from baocao.run.discover import discover
from baocao.run.received import receive

PERIOD, EARLIER = "2021-H1", "2020-H1"
SAMPLE = REPO / "data" / "raw"
LATE = ("185-bac-son-2021-H1.xlsx", "186-huu-lung-2021-H1.xlsx", "187-chi-lang-2021-H1.xlsx")
RESENT, RESENT_FILE = "178", "178-tp-lang-son-2021-H1.xlsx"  # resends with one cell changed
LOCKED, LOCKED_FILE = "180", "180-trang-dinh-2021-H1.xlsx"  # locked, then resends
TENFOLD, TENFOLD_FILE = "181", "181-binh-gia-2021-H1.xlsx"  # Quỹ ten times 2020-H1's
NOTE = "đã xác minh qua điện thoại với huyện"

pytestmark = pytest.mark.slow


def folded(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def figure_cell(workbook: Path, code: str) -> tuple[str, object]:
    """(cell, value) of the figure of indicator `code` in a unit's workbook."""
    sheet = load_workbook(workbook, read_only=True)[layout.SHEET_DATA]
    code_column = layout.DATA_COLUMNS.index(layout.COL_CODE)
    value_column = layout.DATA_COLUMNS.index(layout.COL_VALUE)
    for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if len(row) > code_column and row[code_column] == code:
            return f"{chr(ord('A') + value_column)}{r}", row[value_column]
    raise AssertionError(f"{code} not in {workbook}")


def set_cell(workbook: Path, cell: str, value) -> None:
    book = load_workbook(workbook)
    book[layout.SHEET_DATA][cell] = value
    book.save(workbook)


def docx_lines(path: Path) -> list[str]:
    """The document's paragraphs and table rows ("a | b | c"), in order, as python-docx reads
    them."""
    from docx import Document

    document = Document(str(path))
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    return lines


def page_rows(page: Path) -> dict[str, dict[str, str]]:
    """The status page's table: unit code → {column label: text}."""
    text = page.read_text("utf-8")
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", text, flags=re.S):
        cells = re.findall(r'<td data-label="([^"]*)"[^>]*>(.*?)</td>', row, flags=re.S)
        if cells:
            found = {html.unescape(k): html.unescape(v) for k, v in cells}
            rows[found["Mã"]] = found
    return rows


def feedback_rows(paths, code: str) -> list[list[str]]:
    """The rows of the “Phản hồi” sheet of unit `code`'s feedback workbook."""
    (book,) = (paths.output_period(PERIOD) / "phan-hoi").glob(f"phan-hoi-{code}-*.xlsx")
    sheet = load_workbook(book, read_only=True)["Phản hồi"]
    return [[str(v) for v in r if v is not None] for r in sheet.iter_rows(values_only=True)]


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """The period, run twice; returns what the tests look at."""
    base = tmp_path_factory.mktemp("story")
    on_time = [p.name for p in (SAMPLE / PERIOD).iterdir() if p.name not in LATE]
    paths = project_copy(base, PERIOD, tuple(on_time))
    shutil.copytree(SAMPLE / EARLIER, paths.raw / EARLIER)
    raw = paths.raw / PERIOD
    today = datetime.now().astimezone().date()
    deadline = today - timedelta(days=5)
    settings = paths.config / "report.yml"
    settings.write_text(
        settings.read_text("utf-8").replace(
            '    date: "2021-07-05"\n', f'    date: "2021-07-05"\n    deadline: "{deadline}"\n'
        ),
        "utf-8",
    )
    _, before = figure_cell(SAMPLE / EARLIER / "181-binh-gia-2020-H1.xlsx", "quy_vnn_van_dong")
    quy_cell, _ = figure_cell(raw / TENFOLD_FILE, "quy_vnn_van_dong")
    set_cell(raw / TENFOLD_FILE, quy_cell, int(before) * 10)
    # The on-time files were first seen two days before the deadline (the ledger's clock).
    units = load_units(paths.config).for_period(PERIOD)
    seen = datetime.combine(deadline - timedelta(days=2), time(9, 30))
    receive(PERIOD, paths, units, *discover(PERIOD, paths, units), now=seen)
    for name in LATE:  # first seen now, five days late
        shutil.copy(SAMPLE / PERIOD / name, raw / name)

    first_run = folded(cli_output(paths, "run", "--period", PERIOD, "-j", "2"))
    official = paths.output_period(PERIOD) / f"bao-cao-{PERIOD}.docx"
    signed_before = docx_lines(official)
    marked = folded(
        cli_output(paths, "mark-checked", "-p", PERIOD, "-u", TENFOLD, "-c", quy_cell, "-n", NOTE)
    )
    locked = folded(
        cli_output(paths, "chot", LOCKED, "--period", PERIOD, "--nguoi", "Nguyễn Thị B")
    )

    changed_cell, old = figure_cell(raw / RESENT_FILE, "tt_so_cuoc")
    set_cell(raw / RESENT_FILE, changed_cell, int(old) + 7)
    locked_cell, locked_old = figure_cell(raw / LOCKED_FILE, "tt_so_cuoc")
    set_cell(raw / LOCKED_FILE, locked_cell, int(locked_old) + 500)
    second_run = folded(cli_output(paths, "run", "--period", PERIOD, "-j", "2"))
    return {
        "paths": paths,
        "deadline": deadline,
        "seen": seen,
        "first_run": first_run,
        "second_run": second_run,
        "marked": marked,
        "locked": locked,
        "quy_cell": quy_cell,
        "change": (changed_cell, int(old), int(old) + 7),
        "locked_change": (locked_cell, int(locked_old)),
        "signed_before": signed_before,
        "signed_after": docx_lines(official),
    }


def test_status_shows_late_units_versions_the_diff_locks_and_findings(story):
    """`baocao status`: three districts late by five days, Đình Lập missing and overdue, Lạng
    Sơn city's two versions and the cell its second changed, Tràng Định locked with its later
    file held back, Bình Gia's warnings open and checked, and the period's rates."""
    paths = story["paths"]
    cell, old, new = story["change"]
    status = folded(cli_output(paths, "status", "--period", PERIOD))
    for code, name in (("185", "Bắc Sơn"), ("186", "Hữu Lũng"), ("187", "Chi Lăng")):
        assert f"{code} Huyện {name} đã nộp, muộn 5 ngày {LATE[int(code) - 185]}" in status
    assert "189 Huyện Đình Lập chưa nộp, quá hạn 5 ngày" in status
    assert f"{RESENT} Thành phố Lạng Sơn đã nộp, đúng hạn, 2 bản {RESENT_FILE} hợp lệ" in status
    assert f"{LOCKED} Huyện Tràng Định đã nộp, đúng hạn, 2 bản, đã chốt {LOCKED_FILE}" in status
    held = f"Huyện Tràng Định đã chốt số liệu; tệp “{LOCKED_FILE}” (bản 2, nhận lúc "
    assert held in status and "baocao mo-khoa 180" in status
    assert (
        f"{TENFOLD} Huyện Bình Gia đã nộp, đúng hạn {TENFOLD_FILE} có cảnh báo "
        "(1 cảnh báo mở, 2 đã kiểm tra)" in status
    )
    assert "187 Huyện Chi Lăng đã nộp, muộn 5 ngày 187-chi-lang-2021-H1.xlsx có lỗi (1 lỗi)" in (
        status
    )
    assert (
        "Tỷ lệ đã nộp 90,9% (10/11 đơn vị); nộp đúng hạn 63,6% (7/11 đơn vị, hạn nộp "
        f"{story['deadline']:%d/%m/%Y})." in status
    )
    history = folded(cli_output(paths, "status", RESENT, "--period", PERIOD))
    assert f"1 09:30 ngày {story['seen']:%d/%m/%Y} {RESENT_FILE} bản đầu tiên" in history
    assert f"{RESENT_FILE} {cell}: {old} → {new}" in history
    locked = folded(cli_output(paths, "status", "Tràng Định", "--period", PERIOD))
    assert "Đã chốt: bản 1" in locked and "Nguyễn Thị B" in locked and held in locked
    locked_cell, locked_old = story["locked_change"]
    assert f"{locked_cell}: {locked_old} → {locked_old + 500}" in locked  # received, not used


def test_the_runs_warn_of_the_tenfold_figure_then_count_it_checked(story):
    """The first run warns; `mark-checked` marks the cell's two warnings (ten times 2020-H1's,
    far from the other districts); the second run counts them checked and says the locked
    unit's file was not used."""
    assert re.search(r"181 Huyện Bình Gia có cảnh báo 53 0 3 ", story["first_run"])
    assert "gấp 10 lần cùng kỳ năm trước (6 tháng đầu năm 2020: 1.149.300.000)" in story["marked"]
    assert "Đã ghi 2 cảnh báo đã kiểm tra" in story["marked"]
    assert re.search(
        r"181 Huyện Bình Gia có cảnh báo 53 0 1 \(\+2 đã kiểm tra\)", story["second_run"]
    )
    assert "Đã chốt số liệu của Huyện Tràng Định: bản 1" in story["locked"]
    assert "Huyện Tràng Định đã chốt số liệu; tệp" in story["second_run"]
    assert "Dùng lại kết quả đã có của 9 đơn vị không thay đổi." in story["second_run"]


def test_the_status_page_shows_each_unit(story):
    """The page's rows: late days, versions, locks, open and checked findings."""
    rows = page_rows(story["paths"].output_period(PERIOD) / "tinh-hinh-nop.html")
    assert [rows[code]["Nộp"] for code in ("185", "186", "187")] == ["muộn 5 ngày"] * 3
    assert rows["189"]["Nộp"] == "chưa nộp, quá hạn 5 ngày"
    assert rows[RESENT]["Nộp"] == "đúng hạn" and rows[RESENT]["Số bản"] == "2"
    assert rows[RESENT]["Nhận lần đầu"] == f"09:30 ngày {story['seen']:%d/%m/%Y}"
    assert (rows[LOCKED]["Đã chốt"], rows[LOCKED]["Số bản"]) == ("bản 1", "2")
    assert (rows[TENFOLD]["Lỗi, cảnh báo chưa xử lý"], rows[TENFOLD]["Đã kiểm tra"]) == ("1", "2")
    assert (rows["187"]["Lỗi, cảnh báo chưa xử lý"], rows["187"]["Đã kiểm tra"]) == ("1", "0")
    assert rows["182"]["Đã chốt"] == "—"


def test_the_feedback_workbooks(story):
    """Bình Gia's feedback lists the warnings of the tenfold cell as checked, with the note;
    each feedback says which version it is about and when it was received; Tràng Định is told
    its figures are locked and its later file received, not used."""
    paths = story["paths"]
    rows = feedback_rows(paths, TENFOLD)
    warnings = [r for r in rows if story["quy_cell"] in r and "cảnh báo" in r]
    assert len(warnings) == 2 and all(r[-1] == f"đã kiểm tra: {NOTE}" for r in warnings)
    assert "gấp 10 lần cùng kỳ năm trước" in warnings[0][5]
    assert ["Kết quả kiểm tra", "0 lỗi, 3 cảnh báo (trong đó 2 đã được kiểm tra)"] in rows
    assert ["Nhận lúc", f"bản 1, nhận lúc 09:30 ngày {story['seen']:%d/%m/%Y}"] in rows
    resent = dict(r for r in feedback_rows(paths, RESENT) if len(r) == 2)
    assert resent["Nhận lúc"].startswith("bản 2, nhận lúc ")
    locked = dict(r for r in feedback_rows(paths, LOCKED) if len(r) == 2)
    assert locked["Nhận lúc"] == f"bản 1, nhận lúc 09:30 ngày {story['seen']:%d/%m/%Y}"
    assert locked["Số liệu đã chốt"].startswith(
        f"Số liệu của đơn vị đã được chốt theo bản 1; tệp gửi sau (“{LOCKED_FILE}”, bản 2, "
    )
    assert "đã được ghi nhận nhưng không dùng" in locked["Số liệu đã chốt"]
    late = dict(r for r in feedback_rows(paths, "185") if len(r) == 2)
    assert late["Nhận lúc"].startswith("bản 1, nhận lúc ")


def test_the_internal_review_draft(story):
    """The draft's annex: the late units, the resend's changed cell, the checked warning with
    its note, the locked unit and its file not used."""
    draft = story["paths"].output_period(PERIOD) / f"bao-cao-{PERIOD}-noi-bo.html"
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", draft.read_text("utf-8"))).split())
    cell, old, new = story["change"]
    assert f"{cell}: {old} → {new}" in text
    assert f"Ghi chú kiểm tra: {NOTE}" in text
    assert "Số liệu đã chốt (1): Tràng Định (bản 1)." in text
    assert (
        f"Hạn nộp {story['deadline']:%d/%m/%Y}; muộn: Bắc Sơn (5 ngày), Hữu Lũng (5 ngày), "
        "Chi Lăng (5 ngày)." in text
    )
    assert f"Huyện Tràng Định đã chốt số liệu; tệp “{LOCKED_FILE}” (bản 2, nhận lúc " in text


def test_the_document_to_sign_changes_only_where_it_should(story):
    """Only Lạng Sơn city's row, the total and the sentence on that total changed: not the
    checked warning, not the lock, not Tràng Định's held file (its +500 sessions unused)."""
    before, after = story["signed_before"], story["signed_after"]
    _, old, new = story["change"]
    gone = [line for line in before if line not in after]
    came = [line for line in after if line not in before]
    assert len(before) == len(after) and len(gone) == len(came) == 3
    row_before, row_after = (
        next(x for x in lines if "TP Lạng Sơn |" in x) for lines in (gone, came)
    )
    assert row_before.replace(f"| {old} |", f"| {new} |", 1) == row_after
    total_before, total_after = (
        next(x for x in lines if "Tổng cộng" in x) for lines in (gone, came)
    )
    (sentence_before,) = [x for x in gone if x not in (row_before, total_before)]
    (sentence_after,) = [x for x in came if x not in (row_after, total_after)]
    total_old = sentence_before.split(": ")[1].split(" cuộc")[0]
    total_new = sentence_after.split(": ")[1].split(" cuộc")[0]
    assert sentence_before.startswith("- Số cuộc tuyên truyền: ")
    assert int(total_new.replace(".", "")) - int(total_old.replace(".", "")) == new - old
    assert total_before.replace(total_old, total_new, 1) == total_after
