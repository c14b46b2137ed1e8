"""The embedded illustrative sample: filled unit workbooks for Lạng Sơn, written to disk.

Run `python -m baocao.sample` to (re)write `data/raw/<period>/` for every period of the sample
(`ALL_PERIODS`). In: the period's plan (`sample_plan`, which says what every file holds).
Out: one workbook per unit that sent a file, on the same layout as the intake template, saved
reproducibly; every workbook says its figures are illustrative (`layout.SAMPLE_MARK`).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from openpyxl.styles import Font
from openpyxl.workbook import Workbook

from baocao.config.catalog import load_catalogue
from baocao.config.paths import ProjectPaths
from baocao.config.units import Unit, load_units
from baocao.intake import layout
from baocao.intake.row_heights import fit_workbook
from baocao.intake.template import (
    FIRST_ROW,
    MARK_ROW,
    build_template,
    outline_words,
    save_reproducibly,
)
from baocao.sample_plan import ALL_PERIODS, SamplePlan, sample_plan

_MARK_FONT = Font(italic=True, bold=True, color="C00000")


def _fill(wb: Workbook, unit: Unit, plan: SamplePlan) -> None:
    data = wb[layout.SHEET_DATA]
    width = len(layout.DATA_COLUMNS)
    code_col = layout.DATA_COLUMNS.index(layout.COL_CODE) + 1
    value_col = layout.DATA_COLUMNS.index(layout.COL_VALUE) + 1
    note_col = layout.DATA_COLUMNS.index(layout.COL_NOTE) + 1
    for row in range(FIRST_ROW, data.max_row + 1):
        code = data.cell(row=row, column=code_col).value
        cell = (unit.code, code)
        if cell not in plan.values:
            continue
        data.cell(row=row, column=value_col, value=plan.messy.get(cell, plan.values[cell]))
        if cell in plan.notes:
            data.cell(row=row, column=note_col, value=plan.notes[cell])

    models = wb[layout.SHEET_MODELS]
    for offset, model in enumerate(plan.models[unit.code]):
        for col, name in enumerate(layout.MODEL_FIELDS, start=1):
            models.cell(row=FIRST_ROW + offset, column=col, value=model[name])

    for sheet in (data, models):
        sheet.cell(row=MARK_ROW, column=1, value=layout.SAMPLE_MARK).font = _MARK_FONT
        sheet.merge_cells(start_row=MARK_ROW, start_column=1, end_row=MARK_ROW, end_column=width)

    info = wb[layout.SHEET_INFO]
    person, filled_on = plan.filled[unit.code]
    fields = list(layout.INFO_FIELDS)
    info.cell(row=fields.index("unit") + 1, column=2, value=plan.info_unit_names[unit.code])
    info.cell(row=fields.index("filled_by") + 1, column=2, value=person)
    info.cell(row=fields.index("date") + 1, column=2, value=filled_on)
    info.cell(row=fields.index("note") + 1, column=2, value=layout.SAMPLE_MARK).font = _MARK_FONT

    if unit.code in plan.nfd_units:
        for sheet in wb.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.value = unicodedata.normalize("NFD", cell.value)


def write_sample(
    period: str, out_root: Path | None = None, paths: ProjectPaths | None = None
) -> SamplePlan:
    """Write the period's sample workbooks into `out_root/<period>/`; return the plan."""
    paths = paths or ProjectPaths.default()
    plan = sample_plan(period, paths)
    catalogue = load_catalogue(paths.config, plan.period)
    units = load_units(paths.config)
    words = outline_words(paths, plan.period, catalogue)
    folder = Path(out_root if out_root is not None else paths.raw) / plan.period
    folder.mkdir(parents=True, exist_ok=True)
    for unit in units.for_period(plan.period):
        if unit.code in plan.missing_units:
            continue
        wb = build_template(unit, plan.period, catalogue, units.province, **words)
        _fill(wb, unit, plan)
        fit_workbook(wb)
        save_reproducibly(wb, folder / plan.file_names[unit.code])
    return plan


def main() -> None:
    from rich.console import Console  # a Windows console shows Vietnamese through rich

    console = Console()
    paths = ProjectPaths.default()
    for period in ALL_PERIODS:
        plan = write_sample(period, paths.raw, paths)
        console.print(
            f"Đã ghi {len(plan.file_names)} tệp số liệu minh họa vào {paths.raw / period}."
        )


if __name__ == "__main__":
    main()
