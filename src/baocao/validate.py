"""Validating a unit's cleaned figures with a Great Expectations 1.x suite built from the catalogue.

The suite runs on the unit's figures laid out wide (one column per indicator, one row for the
unit). Each catalogue rule becomes one expectation carrying the rule's severity and, in `meta`,
the indicator it speaks of; a failed expectation becomes a Vietnamese `Issue` naming the cell,
and a failed error rule takes the figure out of the totals.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from .catalog import Catalogue, Indicator, Rule
from .errors import Issue
from .numbers import format_number

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
SUITE_NAME = "baocao_unit_figures"
_SEVERITY = {"error": "critical", "warning": "warning"}


@dataclass(frozen=True)
class ValidationOutcome:
    values: pd.DataFrame  # the cleaned values with `included` updated
    issues: tuple[Issue, ...]
    success: bool  # no rule failed, of any severity
    gx_result: dict[str, Any]  # the suite's result, JSON-ready


def _expectation(indicator: Indicator, rule: Rule):
    import great_expectations as gx

    meta = {"indicator": indicator.code, "rule": rule.rule, "other": rule.other}
    common = {"severity": _SEVERITY[rule.severity], "meta": meta}
    if rule.rule == "non_negative":
        return gx.expectations.ExpectColumnValuesToBeBetween(
            column=indicator.code, min_value=0, **common
        )
    if rule.rule == "between":
        return gx.expectations.ExpectColumnValuesToBeBetween(
            column=indicator.code, min_value=rule.min, max_value=rule.max, **common
        )
    # not_above: this indicator must be <= the other one (A >= B, B being this indicator).
    return gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=rule.other,
        column_B=indicator.code,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        **common,
    )


def build_suite(catalogue: Catalogue):
    """The expectation suite for one unit's figures; a pure function of the catalogue."""
    import great_expectations as gx

    _batch_definition()  # GX wants an active context before a suite is built
    suite = gx.ExpectationSuite(name=SUITE_NAME)
    suite.add_expectation(
        gx.expectations.ExpectTableColumnsToMatchSet(column_set=catalogue.codes, exact_match=True)
    )
    for indicator in catalogue.indicators:
        for rule in indicator.rules:
            suite.add_expectation(_expectation(indicator, rule))
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


def wide_figures(values: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The unit's parsed figures as one row, one float column per indicator (NaN = none)."""
    usable = values[values["value"].notna()]
    row = {code: float("nan") for code in catalogue.codes}
    for code, value in zip(usable["indicator_code"], usable["value"], strict=True):
        row[code] = float(value)
    return pd.DataFrame([row], columns=catalogue.codes, dtype="float64")


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


def validate_unit(values: pd.DataFrame, catalogue: Catalogue) -> ValidationOutcome:
    """Run the suite on one unit's cleaned values."""
    suite = build_suite(catalogue)
    batch = _batch_definition().get_batch(
        batch_parameters={"dataframe": wide_figures(values, catalogue)}
    )
    result = batch.validate(suite, result_format="COMPLETE")
    by_code = values.set_index("indicator_code")
    issues: list[Issue] = []
    excluded: set[str] = set()
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        meta = config.meta or {}
        if "indicator" not in meta:
            issues.append(
                Issue("error", "suite_columns", f"Bảng số liệu không khớp danh mục: {item.result}")
            )
            continue
        indicator = catalogue.indicator(meta["indicator"])
        rule = next(
            r for r in indicator.rules if r.rule == meta["rule"] and r.other == meta.get("other")
        )
        row = by_code.loc[indicator.code].copy()
        if rule.other:
            row["other_value"] = by_code.loc[rule.other, "value"]
            row["other_cell"] = by_code.loc[rule.other, "cell"]
        issues.append(_issue(indicator, rule, row, catalogue))
        if rule.severity == "error":
            excluded.add(indicator.code)
    checked = values.copy()
    checked.loc[checked["indicator_code"].isin(excluded), "included"] = False
    return ValidationOutcome(
        values=checked,
        issues=tuple(issues),
        success=bool(result.success),
        gx_result=result.to_json_dict(),
    )


STATE_VALID = "hợp lệ"
STATE_WARNINGS = "có cảnh báo"
STATE_ERRORS = "có lỗi"
STATE_MISSING = "chưa nộp"
STATES = (STATE_VALID, STATE_WARNINGS, STATE_ERRORS, STATE_MISSING)


def unit_state(issues: tuple[Issue, ...] | list[Issue]) -> str:
    """A submitted unit's state from its findings."""
    severities = {issue.severity for issue in issues}
    if "error" in severities:
        return STATE_ERRORS
    if "warning" in severities:
        return STATE_WARNINGS
    return STATE_VALID
