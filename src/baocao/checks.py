"""Checking one workbook in-process, for `baocao validate FILE`: the same read, clean and
validation stages the per-unit notebook runs, without writing anything."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalogue, Unit
from .clean import clean_unit
from .errors import BaocaoError, Issue
from .intake import read_unit_workbook_or_issue, text_of
from .names import resolve_unit
from .periods import Period, is_period
from .validate import unit_state, validate_unit


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
) -> CheckReport:
    """Read, clean and validate one workbook. `units_of(period)` gives the period's unit list,
    so that a `Thông tin` sheet naming a unit outside it is reported; `catalogue_of(period)`
    the catalogue in force for the period the workbook declares (else `catalogue`)."""
    workbook, read_issues = read_unit_workbook_or_issue(Path(path))
    if workbook is None:
        return CheckReport(period or "?", unit_state(read_issues), read_issues)
    if period is None:
        declared = text_of(workbook.info.get("period", ("", ""))[0])
        period = str(Period.parse(declared)) if is_period(declared) else declared or "?"
    units = None
    if units_of is not None and is_period(period):
        with suppress(BaocaoError):
            units = units_of(period)
    if catalogue_of is not None and is_period(period):
        with suppress(BaocaoError):
            catalogue = catalogue_of(period)
    declared = resolve_unit(text_of(workbook.info.get("unit", ("", ""))[0]), units or ())
    cleaned = clean_unit(
        workbook, catalogue, period=period, unit_code=declared.code if declared else "", units=units
    )
    checked = validate_unit(cleaned.values, catalogue)
    issues = (*cleaned.issues, *checked.issues)
    return CheckReport(period, unit_state(issues), issues)
