"""Validating a unit's cleaned figures with a Great Expectations 1.x suite built from the catalogue.

The suite runs on a long frame: one row per indicator with its value and, for every kind of rule
in the catalogue, the bound that applies to that indicator (0 for non-negative, 0 and 100 for a
share, the other indicator's value for "not above"). Each (rule, side, severity) becomes ONE
expectation comparing `value` with its bound column, so the suite's size does not grow with the
catalogue and validating a unit costs a fraction of a second. A failed row becomes a Vietnamese
`Issue` naming the cell; a failed error rule takes the figure out of the totals.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from baocao.config.catalog import Catalogue, Indicator, Rule
from baocao.errors import Issue
from baocao.intake.format_numbers import format_number
from baocao.unit.states import STATE_ERRORS, STATE_MISSING, STATE_VALID, STATE_WARNINGS

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
SUITE_NAME = "baocao_unit_figures"
_SEVERITY = {"error": "critical", "warning": "warning"}
_SIDES = {"non_negative": ("min",), "between": ("min", "max"), "not_above": ("max",)}


@dataclass(frozen=True)
class ValidationOutcome:
    values: pd.DataFrame  # the cleaned values with `included` updated
    issues: tuple[Issue, ...]
    success: bool  # no rule failed, of any severity
    gx_result: dict[str, Any]  # the suite's result, JSON-ready


@dataclass(frozen=True)
class Check:
    """One expectation: `value` against the bound column of one (rule, side, severity)."""

    rule: str
    side: str  # "min": value >= bound; "max": value <= bound
    severity: str

    @property
    def column(self) -> str:
        return f"{self.rule}_{self.side}_{self.severity}"


def checks(catalogue: Catalogue) -> tuple[Check, ...]:
    """The distinct (rule, side, severity) of the catalogue, in a stable order."""
    found = {
        Check(rule.rule, side, rule.severity): None
        for indicator in catalogue.indicators
        for rule in indicator.rules
        for side in _SIDES[rule.rule]
    }
    return tuple(found)


def _bound(rule: Rule, side: str, values: dict[str, float]) -> float:
    if rule.rule == "non_negative":
        return 0.0
    if rule.rule == "between":
        return float(rule.min if side == "min" else rule.max)
    return values.get(rule.other, float("nan"))


def bounds_frame(values: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """One row per catalogue indicator: code, value (NaN = none) and one bound column per check."""
    parsed = {
        code: float(value)
        for code, value in zip(values["indicator_code"], values["value"], strict=True)
        if value is not None and not pd.isna(value)
    }
    rows = []
    for indicator in catalogue.indicators:
        row = {"indicator_code": indicator.code, "value": parsed.get(indicator.code, float("nan"))}
        for check in checks(catalogue):
            row[check.column] = float("nan")
        for rule in indicator.rules:
            for side in _SIDES[rule.rule]:
                row[Check(rule.rule, side, rule.severity).column] = _bound(rule, side, parsed)
        rows.append(row)
    return pd.DataFrame(rows)


def build_suite(catalogue: Catalogue):
    """The expectation suite for one unit's figures; a pure function of the catalogue."""
    import great_expectations as gx

    _batch_definition()  # GX wants an active context before a suite is built
    suite = gx.ExpectationSuite(name=SUITE_NAME)
    suite.add_expectation(gx.expectations.ExpectColumnValuesToBeUnique(column="indicator_code"))
    suite.add_expectation(
        gx.expectations.ExpectColumnValuesToBeInSet(
            column="indicator_code", value_set=catalogue.codes
        )
    )
    for check in checks(catalogue):
        low, high = ("value", check.column) if check.side == "min" else (check.column, "value")
        suite.add_expectation(
            gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=low,
                column_B=high,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                severity=_SEVERITY[check.severity],
                meta={"rule": check.rule, "side": check.side, "severity": check.severity},
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
    """The suite, built once per process for a given catalogue content."""
    key = tuple((i.code, i.rules) for i in catalogue.indicators)
    if key not in _SUITES:
        _SUITES[key] = build_suite(catalogue)
    return _SUITES[key]


def _issue(indicator: Indicator, rule: Rule, row: pd.Series, catalogue: Catalogue) -> Issue:
    value = row["value"]
    shown = format_number(value, decimals=0 if indicator.whole else 1)
    message = f"{indicator.label} = {shown} {rule.describe(catalogue)}"
    if rule.rule == "not_above":
        message += f" ({format_number(row['other_value'], decimals=0)})"
        if rule.severity == "error":
            message += (
                f". Hãy kiểm tra lại hai số liệu này (ô {row['cell']} và ô {row['other_cell']})"
            )
        else:
            message += ". Có thể do số dư kỳ trước chuyển sang; hãy ghi rõ ở cột “Ghi chú”"
    else:
        message += ". Hãy sửa lại số liệu"
    return Issue(
        severity=rule.severity,
        kind=f"rule_{rule.rule}",
        message=message + ".",
        sheet=row["sheet"],
        cell=row["cell"],
        indicator_code=indicator.code,
    )


def _failed(result, frame: pd.DataFrame) -> list[tuple[str, dict]]:
    """(indicator code, expectation meta) for every failed row of the bound checks."""
    failed = []
    for item in result.results:
        meta = item.expectation_config.meta or {}
        if item.success or "rule" not in meta:
            continue
        for index in item.result.get("unexpected_index_list") or []:
            failed.append((frame.loc[index, "indicator_code"], meta))
    return failed


def validate_unit(values: pd.DataFrame, catalogue: Catalogue) -> ValidationOutcome:
    """Run the suite on one unit's cleaned values."""
    frame = bounds_frame(values, catalogue)
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(_suite_for(catalogue), result_format="COMPLETE")
    by_code = values.set_index("indicator_code")
    issues: list[Issue] = []
    excluded: set[str] = set()
    for code, meta in _failed(result, frame):
        indicator = catalogue.indicator(code)
        for rule in indicator.rules:
            if (rule.rule, rule.severity) != (meta["rule"], meta["severity"]):
                continue
            row = by_code.loc[code].copy()
            if rule.other:
                row["other_value"] = by_code.loc[rule.other, "value"]
                row["other_cell"] = by_code.loc[rule.other, "cell"]
            issues.append(_issue(indicator, rule, row, catalogue))
            if rule.severity == "error":
                excluded.add(code)
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
