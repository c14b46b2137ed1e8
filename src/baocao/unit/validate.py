"""Validating a unit's cleaned figures with a Great Expectations 1.x suite built from the catalogue.

Every rule of the catalogue is a kind registered in `config.rule_kinds`, which puts bounds on
a figure ("value ≥ limit" or "value ≤ limit"). The suite runs on a long frame: one row per
bound, saying which unit, indicator, rule and side, the bound's words, and the comparison
written "upper ≥ lower" in the columns of its rule's severity, so the suite is ONE expectation
per severity whatever the catalogue's size or its kinds of rule: Great Expectations' cost is per
expectation, and validating a unit costs a few hundredths of a second. A failed row names its
rule; it becomes a Vietnamese `Issue` naming the cell and the value seen, and a failed error rule
takes the figure out of the totals. The rules that compare with other units or periods
(`run.period_rules`) use the same frame and suite once the units are processed.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from baocao.config.catalog import SEVERITIES, Catalogue, Rule
from baocao.config.rule_kinds import Bound, Figures, rule_kind
from baocao.errors import Issue
from baocao.unit.states import STATE_ERRORS, STATE_MISSING, STATE_VALID, STATE_WARNINGS

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
SUITE_NAME = "baocao_unit_figures"
_SEVERITY = {"error": "critical", "warning": "warning"}
# A row of the bounds frame: which unit, indicator, rule (its place among the indicator's rules)
# and bound (its place among the rule's bounds).
KEY_COLUMNS = ("unit_code", "indicator_code", "rule_index", "bound")


@dataclass(frozen=True)
class ValidationOutcome:
    values: pd.DataFrame  # the cleaned values with `included` updated
    issues: tuple[Issue, ...]
    success: bool  # no rule failed, of any severity
    gx_result: dict[str, Any]  # the suite's result, JSON-ready


def _columns(severity: str) -> tuple[str, str]:
    """The frame's (upper, lower) columns for the rules of one severity."""
    return f"upper_{severity}", f"lower_{severity}"


FRAME_COLUMNS = [*KEY_COLUMNS, "side", *(c for s in SEVERITIES for c in _columns(s))]


def bound_rows(
    unit: str, code: str, index: int, rule: Rule, value: float, bounds: list[Bound]
) -> list[dict[str, Any]]:
    """The frame's rows of one rule's bounds on one figure (see `bounds_frame`)."""
    missing = (float("nan"), float("nan"))
    rows = []
    for number, bound in enumerate(bounds):
        pair = (value, bound.limit) if bound.side == "min" else (bound.limit, value)
        row: dict[str, Any] = {
            "unit_code": unit,
            "indicator_code": code,
            "rule_index": index,
            "bound": number,
            "side": bound.side,
        }
        for severity in SEVERITIES:
            upper, lower = _columns(severity)
            row[upper], row[lower] = pair if severity == rule.severity else missing
        rows.append(row)
    return rows


def unit_figures(values: pd.DataFrame, unit: str = "") -> Figures:
    """A unit's cleaned values as the rules see them: its figures and their cells."""
    own, cells = {}, {}
    for code, value, cell in zip(
        values["indicator_code"], values["value"], values["cell"], strict=True
    ):
        if isinstance(cell, str):
            cells[code] = cell
        if value is not None and not pd.isna(value):
            own[code] = float(value)
    return Figures(own=own, unit=unit, cells=cells)


def bounds_frame(values: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """One row per bound of the catalogue's unit rules on one unit's values: `unit_code` (""),
    `indicator_code`, `rule_index` (the rule's place in the indicator's rules), `bound` (the
    bound's place among the rule's), `side` ("min": value ≥ bound, "max": value ≤ bound), and the comparison as `upper_<severity>` ≥
    `lower_<severity>` (NaN in the other severity's columns, and where the value or the
    bound is missing)."""
    figures = unit_figures(values)
    rows = []
    for indicator in catalogue.indicators:
        value = figures.own.get(indicator.code, float("nan"))
        for index, rule in enumerate(indicator.rules):
            if rule.scope != "unit":
                continue
            bounds = rule_kind(rule.rule).bounds(rule, indicator.code, figures)
            rows += bound_rows("", indicator.code, index, rule, value, bounds)
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


def build_suite(catalogue: Catalogue):
    """The expectation suite over a bounds frame: one expectation per severity the catalogue's
    rules use; a pure function of the catalogue."""
    import great_expectations as gx

    severities = {rule.severity for indicator in catalogue.indicators for rule in indicator.rules}
    _batch_definition()  # GX wants an active context before a suite is built
    suite = gx.ExpectationSuite(name=SUITE_NAME)
    for severity in (s for s in SEVERITIES if s in severities):
        upper, lower = _columns(severity)
        suite.add_expectation(
            gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=upper,
                column_B=lower,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                severity=_SEVERITY[severity],
                meta={"severity": severity},
            )
        )
    return suite


@cache
def _batch_definition():
    """One ephemeral GX context and pandas data source per process, reused for every unit."""
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    source = context.data_sources.add_pandas("baocao")
    asset = source.add_dataframe_asset(name="unit_figures")
    return asset.add_batch_definition_whole_dataframe("unit")


_SUITES: dict[tuple, Any] = {}


def _suite_for(catalogue: Catalogue):
    """The suite, built once per process for the severities a catalogue's rules use."""
    used = tuple(sorted({r.severity for i in catalogue.indicators for r in i.rules}))
    if used not in _SUITES:
        _SUITES[used] = build_suite(catalogue)
    return _SUITES[used]


def check_bounds(frame: pd.DataFrame, catalogue: Catalogue):
    """Run the suite on a bounds frame: (the GX result, {(unit code, indicator code, rule
    index): the numbers of its failed bounds}, rules in the frame's order)."""
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(_suite_for(catalogue), result_format="COMPLETE")
    rows: set[int] = set()
    for item in result.results:
        if item.success or "severity" not in (item.expectation_config.meta or {}):
            continue
        rows.update(item.result.get("unexpected_index_list") or [])
    failed: dict[tuple[str, str, int], list[int]] = {}
    for index in sorted(rows):
        unit, code, rule_index, bound = frame.loc[index, list(KEY_COLUMNS)]
        failed.setdefault((str(unit), str(code), int(rule_index)), []).append(int(bound))
    return result, failed


def finding(
    catalogue: Catalogue, key: tuple, bounds: list[int], figures: Figures, sheet: str | None
) -> Issue:
    """The Vietnamese `Issue` of a rule's failed bounds (`key` and `bounds` as `check_bounds`
    gives them), naming the cell and carrying the value seen."""
    _unit, code, index = key
    rule = catalogue.indicator(code).rules[index]
    kind = rule_kind(rule.rule)
    every = kind.bounds(rule, code, figures)
    return Issue(
        severity=rule.severity,
        kind=f"rule_{rule.rule}",
        message=kind.message(rule, code, figures, [every[n] for n in bounds], catalogue),
        sheet=sheet,
        cell=figures.cells.get(code),
        indicator_code=code,
        value=figures.own.get(code),
    )


def validate_unit(values: pd.DataFrame, catalogue: Catalogue) -> ValidationOutcome:
    """Run the suite on one unit's cleaned values."""
    frame = bounds_frame(values, catalogue)
    result, failed = check_bounds(frame, catalogue)
    figures = unit_figures(values)
    sheets = dict(zip(values["indicator_code"], values["sheet"], strict=True))
    issues: list[Issue] = []
    excluded: set[str] = set()
    order = {code: n for n, code in enumerate(catalogue.codes)}  # issues in catalogue order
    for key in sorted(failed, key=lambda k: (order[k[1]], k[2])):
        issue = finding(catalogue, key, failed[key], figures, sheets.get(key[1]))
        issues.append(issue)
        if issue.severity == "error":
            excluded.add(key[1])
    checked = values.copy()
    checked.loc[checked["indicator_code"].isin(excluded), "included"] = False
    gx_result = result.to_json_dict()
    # The load time is the only part that changes between identical runs: keep outputs stable.
    gx_result.get("meta", {}).get("batch_markers", {}).pop("ge_load_time", None)
    return ValidationOutcome(
        values=checked, issues=tuple(issues), success=bool(result.success), gx_result=gx_result
    )


STATES = (STATE_VALID, STATE_WARNINGS, STATE_ERRORS, STATE_MISSING)


def unit_state(issues: tuple[Issue, ...] | list[Issue]) -> str:
    """A submitted unit's state from its findings."""
    severities = {issue.severity for issue in issues}
    if "error" in severities:
        return STATE_ERRORS
    if "warning" in severities:
        return STATE_WARNINGS
    return STATE_VALID
