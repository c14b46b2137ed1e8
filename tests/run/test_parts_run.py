"""A commune sent as files of the old communes it was formed from, through the real runner.

The example of issue 16: in 2026-H1, one file from “Xã Khánh Long” and one from “Xã Cao Minh”,
both now Xã Đoàn Kết (06001), none from Đoàn Kết itself, beside one ordinary commune's file.
Real kernels and papermill (`process_period`), a tmp raw folder, the sample's real workbooks
with their `Thông tin` rewritten with openpyxl as the old communes' offices would write it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import project_copy
from openpyxl import load_workbook

from baocao.config.catalog import load_catalogue
from baocao.config.check import check_config
from baocao.config.paths import ProjectPaths
from baocao.config.units import load_units
from baocao.run.aggregate import totals
from baocao.run.kernels import KernelPool
from baocao.run.plan import plan_period_units
from baocao.run.process import process_period

REPO = Path(__file__).resolve().parents[2]
PERIOD = "2026-H1"
SAMPLE = REPO / "data" / "raw" / PERIOD
pytestmark = pytest.mark.slow


def part_of_doan_ket(target: Path, written: str, lop: int, blank: tuple[str, ...] = ()) -> None:
    """The sample's Đoàn Kết workbook as an old commune's office sends it: its name in
    `Thông tin`, its own number of training classes (th_lop), the `blank` indicators left
    empty."""
    book = load_workbook(SAMPLE / "06001-doan-ket-2026-H1.xlsx")
    book["Thông tin"]["B1"] = written
    book["Số liệu"][lop_cell(book)] = lop
    for code in blank:
        book["Số liệu"][lop_cell(book, code)] = None
    book.save(target)


def lop_cell(book, code: str = "th_lop") -> str:
    """The value cell of indicator `code` (th_lop) in a workbook's `Số liệu` sheet."""
    data = book["Số liệu"]
    [row] = [r for r in range(1, data.max_row + 1) if data.cell(r, 2).value == code]
    return f"E{row}"


@pytest.fixture
def project(tmp_path) -> ProjectPaths:
    paths = project_copy(tmp_path, PERIOD)
    raw = paths.raw_period(PERIOD)
    shutil.copy(SAMPLE / "06004-quoc-khanh-2026-H1.xlsx", raw)
    part_of_doan_ket(raw / "khanh-long-2026-H1.xlsx", "Xã Khánh Long", 3)
    # Cao Minh leaves kt_tap_the empty: Khánh Long's alone is not Đoàn Kết's.
    part_of_doan_ket(raw / "cao-minh-2026-H1.xlsx", "Xã Cao Minh", 4, blank=("kt_tap_the",))
    return paths


def run(project: ProjectPaths):
    with KernelPool(2) as pool:
        result = process_period(
            plan_period_units(PERIOD, project, narrative_digest=""), project, pool, jobs=2
        )
    folder = project.processed_period(PERIOD)
    status = pd.read_csv(folder / "status.csv", dtype={"unit_code": str}).set_index("unit_code")
    values = pd.read_csv(folder / "values.csv", dtype={"unit_code": str})
    units = load_units(project.config).for_period(PERIOD)
    total = totals(values, load_catalogue(project.config, PERIOD), units)
    return result, status, values, total


def test_doan_ket_in_parts_is_incomplete_unless_the_analyst_adds_them_up(project):
    book = load_workbook(SAMPLE / "06004-quoc-khanh-2026-H1.xlsx")
    quoc_khanh_lop = book["Số liệu"][lop_cell(book)].value

    result, status, values, total = run(project)
    [row] = [o for o in result.outcomes if o.unit_code == "06001"]  # one row, not one per file
    assert row.state == "có lỗi" and row.errors == 1
    for words in ("(Xã Khánh Long)", "(Xã Cao Minh)", "gửi một tệp chung"):
        assert words in row.messages[0]
    assert status.loc["06001", "state"] == "có lỗi"
    assert "khanh-long-2026-H1.xlsx" in status.loc["06001", "source_file"]
    assert values[values["unit_code"] == "06001"].empty  # no figure of Đoàn Kết counts
    assert total["th_lop"] == quoc_khanh_lop
    assert sum(o.unit_code == "06001" for o in result.outcomes) == 1

    # The analyst chooses, in the period's configuration, to add the parts up.
    settings = project.config / "report-2025-H2.yml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace(
            '    date: "2026-07-06"', '    date: "2026-07-06"\n    add_up_parts: ["06001"]'
        ),
        encoding="utf-8",
    )
    assert check_config(project.config, PERIOD).problems == []
    result, status, values, total = run(project)
    [row] = [o for o in result.outcomes if o.unit_code == "06001"]
    assert row.state != "có lỗi" and "tổng số liệu của 2 tệp" in " ".join(row.messages)
    assert status.loc["06001", "state"] == row.state
    doan_ket = values[values["unit_code"] == "06001"].set_index("indicator_code")
    assert doan_ket.loc["th_lop", "value"] == 3 + 4 and bool(doan_ket.loc["th_lop", "included"])
    assert total["th_lop"] == quoc_khanh_lop + 7
    # An indicator one part left blank is not counted: one part's figure is not the commune's.
    assert not bool(doan_ket.loc["kt_tap_the", "included"])
    quoc_khanh_tap_the = book["Số liệu"][lop_cell(book, "kt_tap_the")].value
    assert total["kt_tap_the"] == quoc_khanh_tap_the
