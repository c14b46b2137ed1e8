"""Validating a unit's cleaned figures with a Great Expectations 1.x suite built from the catalogue.

The suite runs on a long frame: one row per bound a catalogue rule puts on an indicator (its
value at least 0 for non-negative, between `min` and `max` for a share, at most the other
indicator's value for "not above"), each row saying which indicator, which of its rules and
which side. Every row is written as "upper ≥ lower" in the columns of its rule's severity, so
the suite is ONE expectation per severity whatever the catalogue's size: Great Expectations'
cost is per expectation, and validating a unit costs a few hundredths of a second. A failed
row names its rule; it becomes a Vietnamese `Issue` naming the cell, and a failed error rule
takes the figure out of the totals.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from baocao.base.numbers import format_number
from baocao.config.catalog import SEVERITIES, Catalogue, Indicator, Rule
from baocao.errors import Issue
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


def _columns(severity: str) -> tuple[str, str]:
    """The frame's (upper, lower) columns for the rules of one severity."""
    return f"upper_{severity}", f"lower_{severity}"


def _bound(rule: Rule, side: str, values: dict[str, float]) -> float:
    if rule.rule == "non_negative":
        return 0.0
    if rule.rule == "between":
        return float(rule.min if side == "min" else rule.max)
    return values.get(rule.other, float("nan"))


def bounds_frame(values: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """One row per (indicator, rule, side) of the catalogue: `indicator_code`, `rule_index`
    (the rule's place in the indicator's rules), `side` ("min": value ≥ bound, "max": value ≤
    bound), and the comparison as `upper_<severity>` ≥ `lower_<severity>` (NaN in the other
    severity's columns, and where the value or the other indicator's value is missing)."""
    parsed = {
        code: float(value)
        for code, value in zip(values["indicator_code"], values["value"], strict=True)
        if value is not None and not pd.isna(value)
    }
    missing = (float("nan"), float("nan"))
    rows = []
    for indicator in catalogue.indicators:
        value = parsed.get(indicator.code, float("nan"))
        for index, rule in enumerate(indicator.rules):
            for side in _SIDES[rule.rule]:
                bound = _bound(rule, side, parsed)
                pair = (value, bound) if side == "min" else (bound, value)
                row: dict[str, Any] = {
                    "indicator_code": indicator.code,
                    "rule_index": index,
                    "side": side,
                }
                for severity in SEVERITIES:
                    upper, lower = _columns(severity)
                    row[upper], row[lower] = pair if severity == rule.severity else missing
                rows.append(row)
    columns = ["indicator_code", "rule_index", "side"]
    columns += [c for severity in SEVERITIES for c in _columns(severity)]
    return pd.DataFrame(rows, columns=columns)


def build_suite(catalogue: Catalogue):
    """The expectation suite for one unit's figures (one expectation per severity the
    catalogue's rules use); a pure function of the catalogue."""
    import great_expectations as gx

    _batch_definition()  # GX wants an active context before a suite is built
    suite = gx.ExpectationSuite(name=SUITE_NAME)
    used = {rule.severity for indicator in catalogue.indicators for rule in indicator.rules}
    for severity in (s for s in SEVERITIES if s in used):
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


def _failed(result, frame: pd.DataFrame, catalogue: Catalogue) -> list[tuple[Indicator, Rule]]:
    """(indicator, rule) for every failed row of the suite's result, once each, in the
    catalogue's order (whatever the severity)."""
    failed: dict[tuple[str, int], None] = {}
    for item in result.results:
        if item.success or "severity" not in (item.expectation_config.meta or {}):
            continue
        for index in item.result.get("unexpected_index_list") or []:
            code, rule_index = frame.loc[index, ["indicator_code", "rule_index"]]
            failed[(code, int(rule_index))] = None
    order = {code: n for n, code in enumerate(catalogue.codes)}  # issues in catalogue order
    return [
        (catalogue.indicator(code), catalogue.indicator(code).rules[index])
        for code, index in sorted(failed, key=lambda key: (order[key[0]], key[1]))
    ]


def validate_unit(values: pd.DataFrame, catalogue: Catalogue) -> ValidationOutcome:
    """Run the suite on one unit's cleaned values."""
    frame = bounds_frame(values, catalogue)
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(_suite_for(catalogue), result_format="COMPLETE")
    by_code = values.set_index("indicator_code")
    issues: list[Issue] = []
    excluded: set[str] = set()
    for indicator, rule in _failed(result, frame, catalogue):
        row = by_code.loc[indicator.code].copy()
        if rule.other:
            row["other_value"] = by_code.loc[rule.other, "value"]
            row["other_cell"] = by_code.loc[rule.other, "cell"]
        issues.append(_issue(indicator, rule, row, catalogue))
        if rule.severity == "error":
            excluded.add(indicator.code)
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
