"""Checking one workbook in-process, for `baocao validate FILE`: the same read, clean and
validation stages the per-unit notebook runs, without writing anything."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalogue
from .clean import clean_unit
from .errors import Issue
from .intake import read_unit_workbook_or_issue, text_of
from .periods import Period, is_period
from .validate import unit_state, validate_unit


@dataclass(frozen=True)
class CheckReport:
    period: str
    state: str
    issues: tuple[Issue, ...]


def check_workbook(path: Path, catalogue: Catalogue, *, period: str | None = None) -> CheckReport:
    workbook, read_issues = read_unit_workbook_or_issue(Path(path))
    if workbook is None:
        return CheckReport(period or "?", unit_state(read_issues), read_issues)
    if period is None:
        declared = text_of(workbook.info.get("period", ("", ""))[0])
        period = str(Period.parse(declared)) if is_period(declared) else declared or "?"
    cleaned = clean_unit(workbook, catalogue, period=period, unit_code="")
    checked = validate_unit(cleaned.values, catalogue)
    issues = (*cleaned.issues, *checked.issues)
    return CheckReport(period, unit_state(issues), issues)
