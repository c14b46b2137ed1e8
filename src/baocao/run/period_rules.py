"""The period's own checks, once every unit is processed: rules across units and periods, and
the analyst's checked marks.

- Rules of "period" scope (`config.rule_kinds`: a figure far from the other units', a figure
  changed by more than a factor from the same period a year earlier or the half-year before)
  need every unit of the period, or the unit's figures of an earlier period as processed
  (`data/processed/<kỳ>/values.csv`, compared only when that period had the same unit list: a
  district's figures never compare with a commune's). Their bounds are checked by the same
  Great Expectations suite as a unit's own rules (`unit.validate.check_bounds`), and a failed
  one is a warning of the same shape (unit, sheet, cell, value, message).
- Then every unit's findings are marked checked or open (`config.checked.checked_state`) and
  its status rewritten (`store.restate_unit`), so the run's table, the status, the report and
  the feedback files count the same open and checked findings.

`period_findings` is pure (frames in, issues out); `check_period` reads and writes the staged
processed folder of the period.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from baocao.config.catalog import Catalogue, load_catalogue
from baocao.config.checked import checked_state, load_checked, unmatched
from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period
from baocao.config.rule_kinds import RULE_KINDS, Earlier, Figures, earlier_periods, rule_kind
from baocao.config.units import Unit, load_units
from baocao.errors import ConfigError, Issue
from baocao.run.aggregate import collect_period
from baocao.run.store import read_csv, read_unit_status, restate_unit
from baocao.unit.validate import FRAME_COLUMNS, bound_rows, check_bounds, finding

VALUES_FILE = "values.csv"


def earlier_values(paths: ProjectPaths, period: str) -> list[tuple[str, Period, pd.DataFrame]]:
    """(role, period, processed values) of each related period that was processed with the
    same unit list as `period`."""
    units = load_units(paths.config)
    found = []
    for role, other in earlier_periods(period).items():
        path = paths.processed_period(str(other)) / VALUES_FILE
        try:
            same = units.list_for(str(other)) == units.list_for(period)
        except ConfigError:
            same = False
        if same and path.is_file():
            found.append((role, other, read_csv(path)))
    return found


def _counted(values: pd.DataFrame) -> pd.DataFrame:
    included = values["included"].astype(str).str.lower().isin(("true", "1", "1.0"))
    counted = values[included & pd.to_numeric(values["value"], errors="coerce").notna()]
    return counted.assign(value=pd.to_numeric(counted["value"]).astype(float))


def _by_unit(values: pd.DataFrame) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for row in _counted(values).itertuples(index=False):
        out.setdefault(str(row.unit_code), {})[str(row.indicator_code)] = float(row.value)
    return out


def period_findings(
    values: pd.DataFrame,
    catalogue: Catalogue,
    earlier: list[tuple[str, Period, pd.DataFrame]] = (),
) -> dict[str, tuple[Issue, ...]]:
    """Unit code → the findings of the catalogue's period rules on the period's `values` (the
    units' processed values, VALUE_COLUMNS), comparing with `earlier` ((role, period, values)
    as `earlier_values` gives). Only counted figures are compared."""
    rules = [
        (indicator.code, index, rule)
        for indicator in catalogue.indicators
        for index, rule in enumerate(indicator.rules)
        if rule.scope == "period"
    ]
    if not rules or values.empty:
        return {}
    own = _by_unit(values)
    across: dict[str, dict[str, float]] = {}
    for unit, figures in own.items():
        for code, value in figures.items():
            across.setdefault(code, {})[unit] = value
    before = [(role, p.label(), _by_unit(frame)) for role, p, frame in earlier]
    cells: dict[str, dict[str, str]] = {}
    sheets: dict[str, dict[str, str]] = {}
    for row in values[["unit_code", "indicator_code", "sheet", "cell"]].itertuples(index=False):
        unit, code = str(row.unit_code), str(row.indicator_code)
        if isinstance(row.cell, str):
            cells.setdefault(unit, {})[code] = row.cell
        if isinstance(row.sheet, str):
            sheets.setdefault(unit, {})[code] = row.sheet
    figures_of, rows = {}, []
    for unit in dict.fromkeys(values["unit_code"].astype(str)):
        figures = Figures(
            own=own.get(unit, {}),
            unit=unit,
            across=across,
            earlier=tuple(Earlier(role, label, by.get(unit, {})) for role, label, by in before),
            cells=cells.get(unit, {}),
        )
        figures_of[unit] = figures
        for code, index, rule in rules:
            value = figures.own.get(code, math.nan)
            if math.isnan(value):
                continue
            bounds = rule_kind(rule.rule).bounds(rule, code, figures)
            rows += bound_rows(unit, code, index, rule, value, bounds)
    if not rows:
        return {}
    _result, failed = check_bounds(pd.DataFrame(rows, columns=FRAME_COLUMNS), catalogue)
    found: dict[str, list[Issue]] = {}
    for key, bounds in failed.items():  # one finding per rule, naming each bound it failed
        unit, code, _index = key
        sheet = sheets.get(unit, {}).get(code)
        found.setdefault(unit, []).append(finding(catalogue, key, bounds, figures_of[unit], sheet))
    return {unit: tuple(issues) for unit, issues in found.items()}


def check_period(
    paths: ProjectPaths,
    period: str,
    processed: Path,
    units: tuple[Unit, ...],
    values: pd.DataFrame | None = None,
) -> list[str]:
    """Add the period rules' findings to the units' statuses in `processed` (the staged
    `data/processed/<period>/`) and mark every unit's findings checked or open from
    `config/checked-<period>.yml`. `values`: the units' values as `aggregate.collect_period`
    reads them from `processed` (read here when not given). Returns Vietnamese notes for the
    run: the checked entries that no longer match a warning (its figure changed: open again)."""
    catalogue = load_catalogue(paths.config, period)
    if values is None:
        values = collect_period(processed, units)[0]
    found = period_findings(values, catalogue, earlier_values(paths, period)) if len(values) else {}
    entries = load_checked(paths.config, period)
    period_kinds = {f"rule_{name}" for name, kind in RULE_KINDS.items() if kind.scope == "period"}
    issues_by_unit: dict[str, tuple[Issue, ...]] = {}
    for unit in units:
        record = read_unit_status(processed, unit.code)
        if record is None:
            continue
        # The period's findings of an earlier check are replaced, never added twice.
        issues = [
            Issue(**issue)
            for issue in record.get("issues") or []
            if issue.get("kind") not in period_kinds
        ]
        issues += found.get(unit.code, ())
        marked = checked_state(issues, entries, unit.code)
        issues_by_unit[unit.code] = marked
        restate_unit(processed, unit.code, marked, record)
    return [
        f"Mục đã kiểm tra của đơn vị {e.unit} ({e.check}, {e.cell or e.indicator}) không còn "
        "khớp với cảnh báo nào (số liệu đã thay đổi hoặc cảnh báo không còn): cảnh báo, nếu có, "
        f"được coi là chưa kiểm tra. Xem lại config/checked-{period}.yml."
        for e in unmatched(entries, issues_by_unit)
    ]
