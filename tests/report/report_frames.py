"""Small hand-made frames of the report's tests: a five-indicator catalogue, four units, the
period's values and a year earlier, so every expected sentence can be worked out by hand."""

from __future__ import annotations

import pandas as pd

from baocao.config.catalog import parse_catalogue
from baocao.config.units import Unit
from baocao.report.compose.figures import build_figures

# The one count indicator every hand-made catalogue of these tests has.
SO_CUOC = {"code": "so_cuoc", "section": "1", "label": "Số cuộc", "unit": "cuộc", "kind": "count"}

CATALOGUE = parse_catalogue(
    {
        "sections": {"1": "Mục một", "2": "Mục hai"},
        "indicators": [
            SO_CUOC,
            {
                "code": "tien",
                "section": "1",
                "label": "Tiền vận động",
                "unit": "đồng",
                "kind": "money",
            },
            {
                "code": "tiep_nhan",
                "section": "2",
                "label": "Số vụ tiếp nhận",
                "unit": "vụ",
                "kind": "count",
            },
            {
                "code": "thanh",
                "section": "2",
                "label": "Số vụ hòa giải thành",
                "unit": "vụ",
                "kind": "count",
                "rules": [{"rule": "not_above", "other": "tiep_nhan", "severity": "error"}],
            },
            {
                "code": "hai_long",
                "section": "2",
                "label": "Tỷ lệ hài lòng",
                "unit": "%",
                "kind": "percent",
                "total": {"method": "weighted_mean", "weight": "tiep_nhan"},
            },
        ],
    }
)


UNITS = (
    Unit("01", "Huyện An", "An"),
    Unit("02", "Huyện Bình", "Bình"),
    Unit("03", "Huyện Cường", "Cường"),
    Unit("04", "Huyện Đông", "Đông"),
)


def values_frame(figures: dict, excluded: frozenset = frozenset(), period: str = "2021-H1"):
    """Tidy values: {(unit, code): value or None}; `excluded` cells break an error rule."""
    rows = []
    for (unit, code), value in figures.items():
        rows.append(
            {
                "period": period,
                "unit_code": unit,
                "indicator_code": code,
                "value": value,
                "reported": value is not None,
                "included": value is not None and (unit, code) not in excluded,
                "source_file": f"{unit}.xlsx",
                "sheet": "Số liệu",
                "cell": f"E{len(rows) + 5}",
            }
        )
    return pd.DataFrame(rows)


def status_frame(states: dict[str, str]):
    return pd.DataFrame(
        [
            {
                "unit_code": u.code,
                "unit_name": u.name,
                "state": states.get(u.code, "hợp lệ"),
                "rows_read": 5,
                "errors": 0,
                "warnings": 0,
                "illustrative": False,
            }
            for u in UNITS
        ]
    )


CURRENT = {
    ("01", "so_cuoc"): 10,
    ("02", "so_cuoc"): 30,
    ("03", "so_cuoc"): 20,
    ("01", "tien"): 250_000_000,
    ("02", "tien"): 1_500_000_000,
    ("03", "tien"): None,  # left blank
    ("01", "tiep_nhan"): 40,
    ("02", "tiep_nhan"): 60,
    ("03", "tiep_nhan"): 100,
    ("01", "thanh"): 30,
    ("02", "thanh"): 45,
    ("03", "thanh"): 120,  # above tiep_nhan: excluded
    ("01", "hai_long"): 80.0,
    ("02", "hai_long"): 90.0,
    ("03", "hai_long"): 85.0,
}


PREVIOUS = {
    ("01", "so_cuoc"): 20,
    ("02", "so_cuoc"): 20,
    ("03", "so_cuoc"): 10,
    ("01", "tien"): 1_750_000_000,
    ("01", "tiep_nhan"): 100,
    ("01", "thanh"): 50,
    ("01", "hai_long"): 86.0,
}


def figures(previous: bool = True, states: dict | None = None):
    states = states if states is not None else {"04": "chưa nộp"}
    return build_figures(
        values_frame(CURRENT, excluded=frozenset({("03", "thanh")})),
        status_frame(states),
        CATALOGUE,
        UNITS,
        previous_values=values_frame(PREVIOUS, period="2020-H1") if previous else None,
    )
