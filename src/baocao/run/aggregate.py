"""Totalling a period: every unit's tidy figures into one table, and the appendix of figures by unit.

Pure functions over frames, plus `collect_period`, which reads the per-unit files of one period.
Only figures that were reported and passed the error rules (`included`) count in a total.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from baocao.config.catalog import Catalogue, Indicator
from baocao.config.units import Unit
from baocao.run.store import UNITS_FOLDER, read_csv, read_unit_status
from baocao.unit.clean import VALUE_COLUMNS
from baocao.unit.models import MODEL_COLUMNS
from baocao.unit.validate import STATE_MISSING

STATUS_COLUMNS = (
    "unit_code",
    "unit_name",
    "state",
    "rows_read",
    "errors",
    "warnings",
    "source_file",
    "illustrative",
)


def collect_period(
    processed_period: Path, units: tuple[Unit, ...]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read the per-unit files of a period: (values, models, status), units in list order.

    A unit of the list with no status file has not submitted: it gets a "chưa nộp" row; a
    unit with a status but no figures (its notebook stopped) has a status row and no figure.
    """
    folder = Path(processed_period) / UNITS_FOLDER
    values, models = [], []
    for unit in units:
        if read_unit_status(processed_period, unit.code) is None:
            continue
        values_path = folder / f"{unit.code}.values.csv"
        if values_path.is_file():  # not when its notebook stopped before writing any figure
            values.append(read_csv(values_path))
        models_path = folder / f"{unit.code}.models.csv"
        if models_path.is_file():
            models.append(read_csv(models_path))
    values_frame = (
        pd.concat(values, ignore_index=True)
        if values
        else pd.DataFrame(columns=list(VALUE_COLUMNS))
    )
    models_frame = (
        pd.concat(models, ignore_index=True)
        if models
        else pd.DataFrame(columns=list(MODEL_COLUMNS))
    )
    return values_frame, models_frame, collect_status(processed_period, units)


def collect_status(processed_period: Path, units: tuple[Unit, ...]) -> pd.DataFrame:
    """One STATUS_COLUMNS row per unit of the list, from its status file (“chưa nộp” without
    one), in list order."""
    status = []
    for unit in units:
        record = read_unit_status(processed_period, unit.code)
        if record is None:
            status.append(
                {
                    "unit_code": unit.code,
                    "unit_name": unit.name,
                    "state": STATE_MISSING,
                    "rows_read": 0,
                    "errors": 0,
                    "warnings": 0,
                    "source_file": "",
                    "illustrative": False,
                }
            )
            continue
        status.append({column: record.get(column, False) for column in STATUS_COLUMNS})
    return pd.DataFrame(status, columns=list(STATUS_COLUMNS))


def _total(indicator: Indicator, row: pd.Series, weights: pd.Series | None) -> float:
    present = row.dropna()
    if present.empty:
        return float("nan")
    if indicator.total_method == "weighted_mean" and weights is not None:
        w = weights.reindex(present.index)
        usable = w.notna() & (w > 0)
        if usable.any():
            return float(np.average(present[usable], weights=w[usable]))
        return float(present.mean())
    return float(present.sum())


def included_matrix(
    values: pd.DataFrame, catalogue: Catalogue, unit_codes: list[str]
) -> pd.DataFrame:
    """Indicators × units of the figures that count (NaN where not reported or excluded)."""
    counted = values[values["included"].astype(bool)]
    matrix = counted.pivot_table(
        index="indicator_code", columns="unit_code", values="value", aggfunc="first"
    )
    return matrix.reindex(index=catalogue.codes, columns=unit_codes).astype("float64")


def appendix_table(
    values: pd.DataFrame, catalogue: Catalogue, units: tuple[Unit, ...]
) -> pd.DataFrame:
    """Phụ lục I: one row per indicator (catalogue order); code, section, label, unit, one column
    per unit code with its counted figure (NaN = not reported or excluded), and `total`."""
    codes = [u.code for u in units]
    matrix = included_matrix(values, catalogue, codes)
    totals = []
    for indicator in catalogue.indicators:
        weights = matrix.loc[indicator.total_weight] if indicator.total_weight else None
        totals.append(_total(indicator, matrix.loc[indicator.code], weights))
    table = pd.DataFrame(
        {
            "code": catalogue.codes,
            "section": [i.section for i in catalogue.indicators],
            "label": [i.label for i in catalogue.indicators],
            "unit": [i.unit for i in catalogue.indicators],
        }
    )
    by_unit = pd.DataFrame({code: matrix[code].to_numpy() for code in codes}, columns=codes)
    return pd.concat([table, by_unit, pd.DataFrame({"total": totals})], axis=1)


def totals(values: pd.DataFrame, catalogue: Catalogue, units: tuple[Unit, ...]) -> dict[str, float]:
    """Indicator code → the period's total over the units (NaN when nobody reported it)."""
    table = appendix_table(values, catalogue, units)
    return dict(zip(table["code"], table["total"], strict=True))
