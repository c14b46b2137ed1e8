"""A period as it happens: files received before and after the deadline, a resend with one
changed cell, a unit locked (chốt) then resending, the rates, the status page and the review
annex. Real workbooks (the sample's, and the intake template filled with openpyxl), the real
commands through typer's CliRunner, one real run (kernels, papermill, GX) and a real browser.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from conftest import cli_output, project_copy
from corpus import Corpus, value_ref

from baocao.config.catalog import load_catalogue
from baocao.config.check import check_config
from baocao.config.units import load_units
from baocao.run.discover import discover
from baocao.run.received import receive

PERIOD = "2021-H1"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "raw" / PERIOD
ON_TIME = ("183-cao-loc-2021-H1.xlsx",)
LATE = ("185-bac-son-2021-H1.xlsx", "186-huu-lung-2021-H1.xlsx", "187-chi-lang-2021-H1.xlsx")
BINH_GIA = "181-binh-gia-2021-H1.xlsx"


def folded(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def with_deadline(paths, deadline) -> None:
    """The period's deadline in the project copy's config/report.yml."""
    path = paths.config / "report.yml"
    text = path.read_text("utf-8").replace(
        '    date: "2021-07-05"\n', f'    date: "2021-07-05"\n    deadline: "{deadline}"\n'
    )
    path.write_text(text, "utf-8")


def binh_gia(paths, tmp_path: Path, tt_so_cuoc: int) -> Path:
    """Bình Gia's file: the intake template filled with the corpus's values, one changed."""
    corpus = Corpus(
        tmp_path / "corpus",
        load_catalogue(paths.config, PERIOD),
        load_units(paths.config).for_period(PERIOD),
    )
    book = corpus.template(values={"tt_so_cuoc": tt_so_cuoc, "tt_luot_nguoi": 1357})
    target = paths.raw / PERIOD / BINH_GIA
    book.save(target)
    return target, value_ref(corpus, "tt_so_cuoc")


def rows_of(output: str, code: str) -> list[str]:
    return [folded(line) for line in output.splitlines() if line.startswith(f"│ {code} ")]


def test_units_against_the_deadline_a_resend_with_one_changed_cell_and_the_rates(tmp_path):
    """Cao Lộc and Bình Gia came two days before the deadline (seen by `run` that day), three
    districts came after it (first seen now, five days late), six sent nothing (overdue five
    days); Bình Gia then resent its file with one cell changed: its history says which, from
    the kept copies, and the first version still makes it on time."""
    paths = project_copy(tmp_path, PERIOD, ON_TIME)
    today = datetime.now().astimezone().date()
    deadline = today - timedelta(days=5)
    with_deadline(paths, deadline.isoformat())
    _, cell = binh_gia(paths, tmp_path, 12)
    units = load_units(paths.config).for_period(PERIOD)
    seen = datetime.combine(deadline - timedelta(days=2), time(9, 30))
    receive(PERIOD, paths, units, *discover(PERIOD, paths, units), now=seen)
    for name in LATE:
        shutil.copy(SAMPLE / name, paths.raw / PERIOD / name)
    binh_gia(paths, tmp_path, 21)

    output = cli_output(paths, "status", "--period", PERIOD)
    assert rows_of(output, "181") == [
        f"181 Huyện Bình Gia đã nộp, đúng hạn, 2 bản {BINH_GIA} chưa xử lý"
    ]
    assert rows_of(output, "183")[0].startswith("183 Huyện Cao Lộc đã nộp, đúng hạn ")
    assert rows_of(output, "185")[0].startswith("185 Huyện Bắc Sơn đã nộp, muộn 5 ngày ")
    assert rows_of(output, "189") == ["189 Huyện Đình Lập chưa nộp, quá hạn 5 ngày — —"]
    assert (
        "Tỷ lệ đã nộp 45,5% (5/11 đơn vị); nộp đúng hạn 18,2% (2/11 đơn vị, hạn nộp "
        f"{deadline:%d/%m/%Y})." in folded(output)
    )
    history = folded(cli_output(paths, "status", "Bình Gia", "--period", PERIOD))
    assert "Huyện Bình Gia (mã 181), kỳ 2021-H1 — đúng hạn" in history
    assert f"1 09:30 ngày {seen:%d/%m/%Y} {BINH_GIA} bản đầu tiên" in history
    assert f"{BINH_GIA} {cell}: 12 → 21" in history
    ledger = json.loads((paths.processed / "tiep-nhan" / PERIOD / "so-tiep-nhan.json").read_text())
    assert [(v["unit_code"], v["version"]) for v in ledger["versions"]] == [
        ("181", 1),
        ("183", 1),
        ("181", 2),
        ("185", 1),
        ("186", 1),
        ("187", 1),
    ]
    assert not any((paths.raw / PERIOD).glob("*/**"))  # nothing written under data/raw/


def test_a_deadline_that_is_no_date_and_a_locks_file_naming_no_unit_are_told(tmp_path):
    paths = project_copy(tmp_path, PERIOD)
    with_deadline(paths, "2021-02-30")
    (paths.config / "locks-2021-H1.yml").write_text('"999": {version: 1}\n', "utf-8")
    problems = " ".join(check_config(paths.config, PERIOD, paths).problems)
    assert "khóa deadline: “2021-02-30” không phải là ngày có thật" in problems
    assert "locks-2021-H1.yml: mã “999” không phải mã đơn vị của kỳ 2021-H1" in problems


@pytest.mark.slow
def test_a_locked_unit_resending_keeps_its_figures_until_reopened(tmp_path):
    """Bình Gia's figures are locked after the first run; it resends with 21 sessions instead
    of 12: the file is received (version 2), the run keeps 12 and says why, `status`, the
    manifest, the status page and the review annex say the unit is locked; reopened, the next
    run reads the new file."""
    from baocao.run.store import read_csv

    paths = project_copy(tmp_path, PERIOD)
    with_deadline(paths, "2099-06-20")
    _, cell = binh_gia(paths, tmp_path, 12)
    cli_output(paths, "run", "--period", PERIOD, "--no-render", "-j", "1")
    said = cli_output(paths, "chot", "181", "--period", PERIOD, "--nguoi", "Nguyễn Thị B")
    assert "Đã chốt số liệu của Huyện Bình Gia: bản 1" in folded(said)
    binh_gia(paths, tmp_path, 21)

    output = folded(cli_output(paths, "run", "--period", PERIOD, "--no-render", "-j", "1"))
    held = f"Huyện Bình Gia đã chốt số liệu; tệp “{BINH_GIA}” (bản 2, nhận lúc "  # then the time
    assert held in output and "vẫn dùng số liệu đã chốt: bản 1" in output
    assert "baocao mo-khoa 181" in output
    values = read_csv(paths.processed / PERIOD / "values.csv")
    sessions = values[(values["unit_code"] == "181") & (values["indicator_code"] == "tt_so_cuoc")]
    assert list(sessions["value"]) == [12]
    status = folded(cli_output(paths, "status", "--period", PERIOD))
    assert "181 Huyện Bình Gia đã nộp, đúng hạn, 2 bản, đã chốt" in status and held in status
    manifest = json.loads((paths.output / PERIOD / "manifest.json").read_text("utf-8"))
    assert manifest["locks"]["181"]["version"] == 1
    assert manifest["locks"]["181"]["by"] == "Nguyễn Thị B"
    receipts = json.loads((paths.processed / PERIOD / "tiep-nhan.json").read_text("utf-8"))
    assert receipts["units"]["181"]["versions"][1]["changes"] == [f"{cell}: 12 → 21"]

    from baocao.report.compose.submissions import versions_markdown

    annex = versions_markdown(receipts, load_units(paths.config).for_period(PERIOD))
    assert f"| {cell}: 12 → 21 |" in annex and "Số liệu đã chốt (1): Bình Gia (bản 1)." in annex
    _check_page(paths.output / PERIOD / "tinh-hinh-nop.html")

    cli_output(paths, "mo-khoa", "181", "--period", PERIOD)
    assert not (paths.config / "locks-2021-H1.yml").exists()
    units = load_units(paths.config).for_period(PERIOD)  # the next run reads the new file
    received = receive(PERIOD, paths, units, *discover(PERIOD, paths, units))
    assert [job.path for job in received.jobs] == [paths.raw / PERIOD / BINH_GIA]
    assert received.held == [] and received.locks == {}


def _check_page(page: Path) -> None:
    """The status page in a real browser at a phone's width: no request leaves the file, no
    sideways scrolling, Bình Gia's row locked with two versions, and a click sorts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"))
        view = browser.new_page(viewport={"width": 390, "height": 800})
        asked: list[str] = []
        view.on("request", lambda request: asked.append(request.url))
        view.goto(page.as_uri())
        assert [url for url in asked if not url.startswith("file:")] == []
        assert view.evaluate("document.documentElement.scrollWidth") <= 390
        row = view.locator("tbody tr", has_text="Huyện Bình Gia")
        assert row.locator('td[data-label="Số bản"]').inner_text() == "2"
        assert row.locator('td[data-label="Đã chốt"]').inner_text() == "bản 1"
        cell = row.locator('td[data-label="Số bản"]')
        assert cell.evaluate("el => getComputedStyle(el).display") == "block"  # a card a row
        assert view.locator("svg.chart").is_visible()
        view.locator("th", has_text="Số bản").click()
        view.locator("th", has_text="Số bản").click()  # descending: most versions first
        assert "Huyện Bình Gia" in view.locator("tbody tr").first.inner_text()
        browser.close()


def test_commands_at_once_never_lose_a_version(tmp_path):
    """Six commands seeing six versions of a unit's file at the same moment (threads, each
    with its own lock handle, as separate processes have): each version recorded once, kept,
    numbered 1 to 6."""
    from concurrent.futures import ThreadPoolExecutor

    from baocao.run.discover import UnitJob
    from baocao.run.receipts import kept_path, read_ledger, record_receipts

    paths = project_copy(tmp_path, PERIOD)
    unit = next(u for u in load_units(paths.config).for_period(PERIOD) if u.code == "181")
    files = []
    for n in range(6):
        path = paths.raw / PERIOD / f"181-ban-{n}.xlsx"
        path.write_bytes(b"version %d" % n)
        files.append(path)
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda p: record_receipts(paths, PERIOD, [UnitJob(p, unit)]), files))
    ledger = read_ledger(paths, PERIOD)
    assert sorted(r.version for r in ledger) == [1, 2, 3, 4, 5, 6]
    assert sorted(kept_path(paths, PERIOD, r).read_bytes() for r in ledger) == sorted(
        p.read_bytes() for p in files
    )


def test_the_whole_period_locked_then_one_unit_reopened(tmp_path):
    """`chot --ca-ky` with two units' files: a unit that had sent nothing stays without figures
    when its file comes later (received, not used, said so); reopened alone, it is used while
    the others stay locked."""
    paths = project_copy(tmp_path, PERIOD, ON_TIME + LATE[:1])
    said = folded(cli_output(paths, "chot", "--ca-ky", "--period", PERIOD, "--nguoi", "B"))
    assert f"Đã chốt số liệu cả kỳ {PERIOD}: 2/11 đơn vị có tệp." in said
    shutil.copy(SAMPLE / LATE[1], paths.raw / PERIOD / LATE[1])
    units = load_units(paths.config).for_period(PERIOD)
    received = receive(PERIOD, paths, units, *discover(PERIOD, paths, units))
    assert [job.unit.code for job in received.jobs] == ["183", "185"]  # 186 not used
    [held] = received.held
    assert held.message.startswith(
        f"Huyện Hữu Lũng đã chốt số liệu; tệp “{LATE[1]}” (bản 1, nhận lúc "
    )
    assert "khi chốt cả kỳ đơn vị chưa nộp tệp nên vẫn không có số liệu" in held.message
    status = folded(cli_output(paths, "status", "--period", PERIOD))
    assert "186 Huyện Hữu Lũng đã nộp, đã chốt" in status and held.message in status

    cli_output(paths, "mo-khoa", "Hữu Lũng", "--period", PERIOD)
    received = receive(PERIOD, paths, units, *discover(PERIOD, paths, units))
    assert [job.unit.code for job in received.jobs] == ["183", "185", "186"]
    assert received.held == [] and set(received.locks) >= {"183", "185"}


def test_feedback_says_when_its_version_came_and_tells_a_locked_unit_its_file_was_not_used(
    tmp_path,
):
    """The feedback head's lines (`run.feedback.receipt_lines`) from the period as received:
    the version and its time of receipt; for a unit locked with the whole period before it
    sent anything, that its file was recorded but not used."""
    from baocao.run.feedback import receipt_lines

    paths = project_copy(tmp_path, PERIOD, ON_TIME)
    cli_output(paths, "chot", "--ca-ky", "--period", PERIOD, "--nguoi", "B")
    shutil.copy(SAMPLE / LATE[1], paths.raw / PERIOD / LATE[1])
    units = load_units(paths.config).for_period(PERIOD)
    received = receive(PERIOD, paths, units, *discover(PERIOD, paths, units))
    said, locked = receipt_lines(received, "183", paths.raw / PERIOD / ON_TIME[0])
    assert said.startswith("bản 1, nhận lúc ") and locked == ""
    said, locked = receipt_lines(received, "186", paths.raw / PERIOD / LATE[1])
    assert said.startswith("bản 1, nhận lúc ")
    assert locked.startswith(
        "Số liệu của đơn vị đã được chốt khi đơn vị chưa gửi tệp (chốt cả kỳ); tệp gửi sau "
        f"(“{LATE[1]}”, bản 1, nhận lúc "
    )
    assert receipt_lines(None, "183", paths.raw / PERIOD / ON_TIME[0]) == ("", "")
