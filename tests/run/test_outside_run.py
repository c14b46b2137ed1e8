"""A figure typed outside its value cell, through the real run (papermill, real kernels): the
unit's findings name the cell, and the figure is reported but never counted."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import project_copy
from openpyxl import load_workbook

from baocao.intake import layout
from baocao.run.kernels import KernelPool
from baocao.run.plan import plan_period_units
from baocao.run.process import process_period
from baocao.run.store import read_csv

REPO = Path(__file__).resolve().parents[2]
PERIOD = "2021-H1"
FILE = "181-binh-gia-2021-H1.xlsx"
pytestmark = pytest.mark.slow


def test_a_figure_in_ghi_chu_is_a_finding_of_the_unit_and_out_of_the_totals(tmp_path):
    paths = project_copy(tmp_path, PERIOD)
    raw = paths.raw_period(PERIOD)
    wb = load_workbook(REPO / "data" / "raw" / PERIOD / FILE)
    ws = wb[layout.SHEET_DATA]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "tt_so_cuoc")
    figure = ws.cell(row, 5).value
    ws.cell(row, 5).value = None
    ws.cell(row, 6).value = f"{figure} cuộc"
    wb.save(raw / FILE)
    with KernelPool(1) as pool:
        result = process_period(
            plan_period_units(PERIOD, paths, narrative_digest=""), paths, pool, jobs=1
        )
    [outcome] = [o for o in result.outcomes if o.unit_code == "181"]
    assert outcome.state == "có lỗi"
    [message] = [m for m in outcome.messages if f"ô F{row}" in m]
    assert f"“{figure} cuộc”" in message and f"ô E{row}" in message
    values = read_csv(paths.processed / PERIOD / "values.csv")
    [figure_row] = values[values["indicator_code"] == "tt_so_cuoc"].to_dict("records")
    assert str(figure_row["reported"]) == "True" and str(figure_row["included"]) == "False"
