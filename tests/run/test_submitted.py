"""What a period's folder holds, as the commands say it: units counted, not files (a resent
file beside the original is set aside, not a second unit), each file with its own state, a
misfiled file's declared period said first, and the period a command takes without --period.

Real workbooks (the sample's, and the intake template's cells changed with openpyxl), the real
command through typer's CliRunner, and one real run of three units (real kernels, papermill, GX).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from baocao.cli import app
from baocao.config.paths import ProjectPaths
from baocao.run.discover import discover
from baocao.run.submitted import default_period

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "raw"
FILES = ("181-binh-gia-2021-H1.xlsx", "183-cao-loc-2021-H1.xlsx", "187-chi-lang-2021-H1.xlsx")
RESENT = "187-chi-lang-2021-H1 (gui lai).xlsx"  # sorts before the original: it is the one used


def folded(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def command(tmp_path: Path, *args: str):
    env = {
        "COLUMNS": "250",
        "BAOCAO_RAW_DIR": str(tmp_path / "raw"),
        "BAOCAO_PROCESSED_DIR": str(tmp_path / "processed"),
        "BAOCAO_OUTPUT_DIR": str(tmp_path / "out"),
    }
    done = CliRunner(env=env).invoke(app, list(args))
    return done, done.output


def paths_of(tmp_path: Path) -> ProjectPaths:
    return ProjectPaths(REPO, tmp_path / "raw", tmp_path / "processed", tmp_path / "out")


def copy_sample(tmp_path: Path, period: str, names) -> Path:
    folder = tmp_path / "raw" / period
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SAMPLE / period / name, folder / name)
    return folder


# --- the period a command takes without --period ---------------------------------------------


def test_without_period_the_first_line_names_the_latest_period_with_files_and_why(tmp_path):
    copy_sample(tmp_path, "2020-H1", ["181-binh-gia-2020-H1.xlsx"])
    copy_sample(tmp_path, "2021-H1", FILES[:1])
    (tmp_path / "raw" / "2026-H2").mkdir()  # made ahead for the next period, still empty
    raw = tmp_path / "raw"
    assert default_period(paths_of(tmp_path)) == (
        "2021-H1",
        f"kỳ mới nhất có tệp trong {raw}/; thư mục 2026-H2 chưa có tệp nào",
    )
    done, output = command(tmp_path, "status")
    assert done.exit_code == 0, output
    assert output.splitlines()[0] == (
        f"Kỳ báo cáo: 2021-H1 (kỳ mới nhất có tệp trong {raw}/; thư mục 2026-H2 chưa có tệp "
        "nào; chọn kỳ khác bằng --period)"
    )
    done, output = command(tmp_path, "run", "--explain")  # `run` says it first too
    assert done.exit_code == 0, output
    assert output.startswith("Kỳ báo cáo: 2021-H1 (kỳ mới nhất có tệp trong")
    done, output = command(tmp_path, "status", "--period", "2020-H1")
    assert "Kỳ báo cáo:" not in output and "Tình hình nộp số liệu kỳ 2020-H1" in output
    inside = ProjectPaths(tmp_path, tmp_path / "data" / "raw", tmp_path / "p", tmp_path / "o")
    (tmp_path / "data" / "raw" / "2025-H1").mkdir(parents=True)
    assert default_period(inside) == (
        "2025-H1",
        "kỳ mới nhất trong data/raw/; thư mục của kỳ chưa có tệp nào",
    )


# --- a file of another period in the wrong folder --------------------------------------------


def test_a_district_file_of_2021_in_a_2025_h2_folder_is_told_its_own_period_first(tmp_path):
    """Lộc Bình's 2021 file (Thông tin: “Huyện Lộc Bình”, “6 tháng đầu năm 2021”) filed under
    2025-H2, when units are communes: the period it declares comes first, with where it
    belongs; the advice on the district's name only after."""
    from baocao.config.units import load_units

    name = "BC_MTTQ_LocBinh_6thang_2021.xlsx"
    shutil.copy(SAMPLE / "2021-H1" / name, copy_sample(tmp_path, "2025-H2", []) / name)
    paths = paths_of(tmp_path)
    units = load_units(paths.config).for_period("2025-H2")
    jobs, [job] = discover("2025-H2", paths, units)
    assert jobs == [] and [i.kind for i in job.issues] == ["period_mismatch", "unknown_unit"]
    first = job.issues[0]
    assert (first.severity, first.sheet, first.cell) == ("error", "Thông tin", "B2")
    assert first.message == (
        f"Tệp “{name}” là số liệu của kỳ 6 tháng đầu năm 2021 (2021-H1): trang “Thông tin”, ô "
        "B2 ghi “6 tháng đầu năm 2021”, không phải kỳ 6 tháng cuối năm 2025 (2025-H2) của thư "
        "mục đang tổng hợp. Nếu đúng là tệp của kỳ 2021-H1, hãy chuyển tệp sang thư mục "
        f"{tmp_path / 'raw'}/2021-H1/; nếu chỉ ghi nhầm kỳ, hãy sửa ô B2 thành “6 tháng cuối năm "
        "2025”."
    )
    done, output = command(tmp_path, "status", "--period", "2025-H2")
    text = folded(output)
    assert done.exit_code == 0, output
    assert text.index("là số liệu của kỳ 6 tháng đầu năm 2021") < text.index("là tên một huyện")
    done, output = command(tmp_path, "run", "--period", "2025-H2", "--no-render")
    text = folded(output)
    assert done.exit_code == 0, output
    assert "65 đơn vị: 65 chưa nộp; 1 tệp không dùng vì tệp của kỳ khác" in text
    assert "tệp của kỳ khác thì chuyển sang thư mục của kỳ đó" in text
    assert text.index("là số liệu của kỳ 6 tháng đầu năm 2021") < text.index("là tên một huyện")


def test_a_file_of_this_period_that_names_no_unit_gets_no_word_about_periods(tmp_path):
    folder = copy_sample(tmp_path, "2021-H1", FILES[:1])
    book = load_workbook(folder / FILES[0])
    book["Thông tin"]["B1"] = "Huyện Không Có"
    book.save(folder / "khong-ro.xlsx")
    (folder / FILES[0]).unlink()
    paths = paths_of(tmp_path)
    from baocao.config.units import load_units

    _, [job] = discover("2021-H1", paths, load_units(paths.config).for_period("2021-H1"))
    assert [i.kind for i in job.issues] == ["unknown_unit"]


def test_last_periods_file_of_a_unit_never_takes_the_place_of_this_periods_file(tmp_path):
    """Bình Gia's file of 2020-H1 left beside its 2021-H1 file: by name it comes first, yet the
    file of this period is the one used, and the old one is told its own period, not that the
    unit has another file."""
    from baocao.config.units import load_units

    folder = copy_sample(tmp_path, "2021-H1", FILES[:1])
    old = "181-binh-gia-2020-H1.xlsx"  # sorts before 181-binh-gia-2021-H1.xlsx
    shutil.copy(SAMPLE / "2020-H1" / old, folder / old)
    paths = paths_of(tmp_path)
    jobs, [aside] = discover("2021-H1", paths, load_units(paths.config).for_period("2021-H1"))
    assert [job.path.name for job in jobs] == [FILES[0]]
    assert aside.path.name == old and [i.kind for i in aside.issues] == ["period_mismatch"]
    assert "là số liệu của kỳ 6 tháng đầu năm 2020 (2020-H1)" in aside.issues[0].message
    done, output = command(tmp_path, "status", "--period", "2021-H1")
    rows = [folded(line) for line in output.splitlines() if line.startswith("│ 181")]
    assert rows == [
        f"181 Huyện Bình Gia đã nộp {FILES[0]} chưa xử lý",
        f"181 Huyện Bình Gia không dùng {old} không dùng: tệp của kỳ khác (xem bên dưới)",
    ]
    # The run's counts line gives the true reason too, grouped by reason (with a second file
    # of the unit, and a file of no unit, beside it).
    from baocao.cli_console import state_counts
    from baocao.run.process import PeriodResult, _summary_rows

    shutil.copy(folder / FILES[0], folder / "181-binh-gia-2021-H1 (2).xlsx")
    book = load_workbook(folder / FILES[0])
    book["Thông tin"]["B1"] = "Huyện Không Có"
    book.save(folder / "khong-ro.xlsx")
    units = load_units(paths.config).for_period("2021-H1")
    jobs, rejected = discover("2021-H1", paths, units)
    result = PeriodResult("2021-H1", _summary_rows(units, {}, rejected, []), [], 0.0)
    assert state_counts(result) == (
        "11 đơn vị: 11 chưa nộp; 1 tệp không xác định được đơn vị; 1 tệp không dùng vì tệp "
        "của kỳ khác; 1 tệp không dùng vì đơn vị đã có tệp khác"
    )


def test_a_damaged_copy_of_a_units_file_never_takes_the_place_of_the_good_one(tmp_path):
    """A copy cut short while copying (“181-binh-gia (1).xlsx”, first by name) beside the
    unit's good file: the good file is used, the copy is told it cannot be opened."""
    from baocao.config.units import load_units

    folder = copy_sample(tmp_path, "2021-H1", FILES[:1])
    damaged = "181-binh-gia (1).xlsx"
    (folder / damaged).write_bytes((folder / FILES[0]).read_bytes()[:3000])
    paths = paths_of(tmp_path)
    jobs, [aside] = discover("2021-H1", paths, load_units(paths.config).for_period("2021-H1"))
    assert [job.path.name for job in jobs] == [FILES[0]]
    assert aside.path.name == damaged and aside.issues[0].severity == "error"
    assert "tệp bị hỏng hoặc chưa chép hết" in aside.issues[0].message
    done, output = command(tmp_path, "status", "--period", "2021-H1")
    rows = [folded(line) for line in output.splitlines() if line.startswith("│ 181")]
    assert rows == [
        f"181 Huyện Bình Gia đã nộp {FILES[0]} chưa xử lý",
        f"181 Huyện Bình Gia không dùng {damaged} không dùng: không mở được tệp (xem bên dưới)",
    ]


def test_the_blank_template_beside_a_units_filled_file_never_takes_its_place(tmp_path):
    """The intake template, named as `baocao template` names it (first by name), copied into
    the folder beside the file Bình Gia filled in and named its own way."""
    from baocao.config.catalog import load_catalogue
    from baocao.config.units import load_units
    from baocao.intake.template import build_template

    folder = copy_sample(tmp_path, "2021-H1", [])
    filled = "Bao cao MTTQ Binh Gia.xlsx"
    shutil.copy(SAMPLE / "2021-H1" / FILES[0], folder / filled)
    paths = paths_of(tmp_path)
    units = load_units(paths.config).for_period("2021-H1")
    unit = next(u for u in units if u.code == "181")
    book = build_template(unit, "2021-H1", load_catalogue(paths.config, "2021-H1"), "Lạng Sơn")
    book.save(folder / FILES[0])
    jobs, [aside] = discover("2021-H1", paths, units)
    assert [job.path.name for job in jobs] == [filled]
    assert aside.path.name == FILES[0] and [i.kind for i in aside.issues] == ["no_figures"]
    assert aside.issues[0].message.startswith(f"Tệp “{FILES[0]}” chưa có số liệu nào")
    done, output = command(tmp_path, "status", "--period", "2021-H1")
    rows = [folded(line) for line in output.splitlines() if line.startswith("│ 181")]
    assert rows == [
        f"181 Huyện Bình Gia đã nộp {filled} chưa xử lý",
        f"181 Huyện Bình Gia không dùng {FILES[0]} không dùng: tệp chưa có số liệu (xem bên dưới)",
    ]


# --- a resent file beside the original: units, not files ------------------------------------


@pytest.mark.slow
def test_a_resent_file_is_set_aside_not_counted_as_a_unit_and_each_file_has_its_own_state(
    tmp_path,
):
    """Chi Lăng sent a file with an error (hòa giải thành 45 > tiếp nhận 30), then a corrected
    one, both left in the folder. Before the run, status must not show the old file's state
    beside the new one; after it, the summary counts 11 units (not 12), lists Chi Lăng once,
    and every count of units (status, manifest, the review annex's sentence) says the same."""
    from baocao.report.compose.submissions import status_markdown
    from baocao.run.store import read_csv

    folder = copy_sample(tmp_path, "2021-H1", (FILES[0], FILES[2]))
    done, output = command(tmp_path, "run", "--period", "2021-H1", "--no-render", "-j", "2")
    assert done.exit_code == 0, output
    assert "11 đơn vị: 1 có cảnh báo, 1 có lỗi, 9 chưa nộp" in output

    book = load_workbook(folder / FILES[2])
    sheet = book["Số liệu"]
    [cell] = [c for c in sheet["E"] if c.value == 45]
    cell.value = 25
    book.save(folder / RESENT)

    done, output = command(tmp_path, "status", "--period", "2021-H1")
    rows = [folded(line) for line in output.splitlines() if line.startswith("│ 187")]
    assert rows == [
        f"187 Huyện Chi Lăng đã nộp, 2 bản {RESENT} chưa xử lý tệp này (lần trước “có lỗi” là của "
        f"tệp “{FILES[2]}”)",
        f"187 Huyện Chi Lăng không dùng {FILES[2]} không dùng: đơn vị đã có tệp “{RESENT}”",
    ]
    assert "Đã nộp 2/11 đơn vị; 1 tệp không dùng (xem bên dưới)." in output

    done, output = command(tmp_path, "run", "--period", "2021-H1", "--no-render", "-j", "2")
    assert done.exit_code == 0, output
    text = folded(output)
    assert (
        "11 đơn vị: 1 hợp lệ, 1 có cảnh báo, 9 chưa nộp; 1 tệp không dùng vì đơn vị đã có "
        "tệp khác" in text
    )
    listed = [folded(line) for line in output.splitlines() if line.startswith("│ 187")]
    assert listed == [f"187 Huyện Chi Lăng hợp lệ 53 0 0 {RESENT}"]  # once, with the file used
    assert f"chỉ tệp “{RESENT}” (đứng trước theo thứ tự tên tệp) được dùng" in text

    done, output = command(tmp_path, "status", "--period", "2021-H1")
    rows = [folded(line) for line in output.splitlines() if line.startswith("│ 187")]
    assert rows[0] == f"187 Huyện Chi Lăng đã nộp, 2 bản {RESENT} hợp lệ"
    manifest = json.loads((tmp_path / "out" / "2021-H1" / "manifest.json").read_text("utf-8"))
    assert len(manifest["units"]) == 11 and manifest["units"]["187"]["state"] == "hợp lệ"
    status = read_csv(tmp_path / "processed" / "2021-H1" / "status.csv")
    assert list(status["unit_code"]).count("187") == 1 and len(status) == 11
    assert status_markdown(status).startswith(
        "Đã tiếp nhận tệp số liệu của 2/11 đơn vị (1 có cảnh báo, 1 hợp lệ)."
    )
