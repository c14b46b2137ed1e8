"""Checking one workbook in-process, for `baocao validate FILE`: the same read, clean and
validation stages the per-unit notebook runs, without writing anything."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from baocao.config.catalog import Catalogue
from baocao.config.level_change import level_change_advice, plain_level_advice
from baocao.config.lineage import ambiguity_note, lineage_hint, old_units_named, read_name, settle
from baocao.config.names import foreign_level
from baocao.config.outline import DEFAULT_GROUP
from baocao.config.periods import Period, is_period, read_written_period
from baocao.config.units import Unit, Units
from baocao.errors import BaocaoError, Issue
from baocao.intake import layout
from baocao.intake.read import read_unit_workbook_or_issue
from baocao.intake.workbook import text_of
from baocao.unit.clean import clean_unit
from baocao.unit.validate import unit_state, validate_unit


@dataclass(frozen=True)
class CheckReport:
    period: str
    state: str
    issues: tuple[Issue, ...]


def check_workbook(
    path: Path,
    catalogue: Catalogue,
    *,
    period: str | None = None,
    units_of: Callable[[str], Sequence[Unit]] | None = None,
    catalogue_of: Callable[[str], Catalogue] | None = None,
    unit_history: Units | None = None,
    group_of: Callable[[str], str] | None = None,
) -> CheckReport:
    """Read, clean and validate one workbook. Its period is `period` when given, else the one
    written in its `Thông tin` sheet (in any form `periods.read_written_period` reads).
    `units_of(period)` gives the period's unit list, so that a `Thông tin` sheet naming a unit
    outside it is reported; `catalogue_of(period)` the catalogue in force for the period the
    workbook declares (else `catalogue`). A `Thông tin` sheet naming a unit of a level the
    period's list does not have (“Huyện Bắc Sơn” in 2026) is an error; with `unit_history`
    (units.yml, every list) its message cites the change of unit lists. `group_of(period)`
    is what the period's outline calls the groups of models (`outline.model_group`), for the
    models' warnings (else "chương trình", as the base outline)."""
    workbook, read_issues = read_unit_workbook_or_issue(Path(path))
    if workbook is None:
        return CheckReport(period or "?", unit_state(read_issues), read_issues)
    given = period is not None
    if given:
        period = str(Period.parse(period))
    period_issues: tuple[Issue, ...] = ()
    if period is None:
        declared = workbook.info.get("period", ("", ""))
        written = read_written_period(declared[0])
        period = str(written) if written is not None else "?"
        if written is None and workbook.info_sheet is not None:
            shown = text_of(declared[0])
            period_issues = (
                Issue(
                    "warning",
                    "period_unreadable",
                    "Trang “Thông tin”: không đọc được kỳ báo cáo"
                    + (f" “{shown}”" if shown else " (ô trống)")
                    + "; hãy ghi kỳ theo dạng “6 tháng đầu năm 2021”, hoặc chạy lại lệnh với "
                    "--period.",
                    sheet=workbook.info_sheet,
                    cell=declared[1] or None,
                ),
            )
    units = None
    if units_of is not None and is_period(period):
        with suppress(BaocaoError):
            units = units_of(period)
    if catalogue_of is not None and is_period(period):
        with suppress(BaocaoError):
            catalogue = catalogue_of(period)
    group = DEFAULT_GROUP
    if group_of is not None and is_period(period):
        with suppress(BaocaoError):
            group = group_of(period)
    written, cell = workbook.info.get("unit", ("", ""))
    declared, named_issues = _declared_unit(text_of(written), cell, units or (), unit_history)
    period_issues += named_issues
    if declared is None and units and text_of(written).strip() and not named_issues:
        period_issues += (_unnamed_unit(text_of(written), cell, units, unit_history, period),)
    if given:
        period_from = f"theo tham số --period ({Period.parse(period).label()})"
    else:
        period_from = "không xác định được (hãy chạy lại lệnh với --period, ví dụ --period 2021-H1)"
    cleaned = clean_unit(
        workbook,
        catalogue,
        period=period,
        unit_code=declared.code if declared else "",
        units=units,
        unit_from="không xác định được",
        period_from=period_from,
        group=group,
    )
    checked = validate_unit(cleaned.values, catalogue)
    issues = (*period_issues, *cleaned.issues, *checked.issues)
    return CheckReport(period, unit_state(issues), issues)


def _declared_unit(
    written: str, cell: str, units: Sequence[Unit], unit_history: Units | None
) -> tuple[Unit | None, tuple[Issue, ...]]:
    """The unit `Thông tin` names, read with the lineage of the period's list: an old unit's
    name (“Xã Khánh Long” in 2026) gives the unit it is now part of, with a warning citing the
    restructuring; a name that may be a unit of the list or an old unit of another is a warning
    naming both (the province's run decides with the file name, and sets the file aside when
    it cannot)."""
    if not written.strip() or not units:
        return None, ()
    level = foreign_level(written, units)
    if level is not None and not old_units_named(written, units):
        return None, ()  # another level: `_unnamed_unit` explains
    lists = unit_history.lists if unit_history is not None else ()
    basis = next((u.basis for u in lists if u.units == tuple(units)), "")
    reading = read_name(written, units)
    settled = settle(reading, None, basis=basis)
    messages = [(kind, message) for _, kind, _, message in settled.findings]
    if settled.unit is None and settled.findings:
        messages = [("unit_ambiguous", ambiguity_note(reading))]
    issues = tuple(
        Issue("warning", kind, message, sheet=layout.SHEET_INFO, cell=cell or None)
        for kind, message in messages
    )
    return settled.unit or reading.current, issues


def _unnamed_unit(
    written: str, cell: str, units: Sequence[Unit], unit_history: Units | None, period: str
) -> Issue:
    """`Thông tin` names no unit of the period's list: an error when the name is of a level the
    list does not have (“Huyện Bắc Sơn” in 2026 is not the commune Bắc Sơn), else a warning
    with the closest names (the file name may still tell the unit when the province runs it)."""
    level = foreign_level(written, units)
    if level is not None:
        advice = (
            level_change_advice(written, level, unit_history, period)
            if unit_history is not None
            else plain_level_advice(written, level)
        )
        return Issue("error", "unknown_unit", advice, sheet=layout.SHEET_INFO, cell=cell or None)
    hint = lineage_hint(written, units)
    return Issue(
        "warning",
        "unknown_unit",
        f"Đơn vị “{written}” không có trong danh sách đơn vị của kỳ {Period.parse(period).label()}; "
        f"hãy ghi đúng tên đơn vị (gần giống: {hint}).",
        sheet=layout.SHEET_INFO,
        cell=cell or None,
    )
