"""Synthetic provinces of any size, for benchmarks and for tests of the report at scale.

A synthetic province is a project root of its own: the real configuration, notebooks and
report, with a unit list of `size` invented communes ("Xã Thử Nghiệm 12"), valid from 2020-H1.
Its figures come from the sample generator (`sample_plan.sample_plan`), so they have realistic
magnitudes and obey the catalogue's rules. `write_processed` writes a period's processed tables
directly (what `baocao run` would produce from the sample workbooks; `write_models` its
Phụ lục II models), for tests of the report
that need many units but not the cost of running every unit's notebook.

Everything here is illustrative ("số liệu minh họa"), never a real unit's data.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import yaml

from baocao.config.catalog import load_catalogue
from baocao.config.paths import ProjectPaths
from baocao.config.units import load_units
from baocao.run.aggregate import STATUS_COLUMNS
from baocao.sample_plan import sample_plan
from baocao.unit.clean import VALUE_COLUMNS
from baocao.unit.models import MODEL_COLUMNS
from baocao.unit.validate import STATE_MISSING, STATE_VALID

COPIED_FOLDERS = ("config", "notebooks", "narrative")
COPIED_FILES = ("report.qmd", "_quarto.yml", "_quarto-public.yml", "requirements.lock")
FIRST_PERIOD = "2020-H1"


def synthetic_units(size: int) -> list[dict[str, str]]:
    """`size` invented communes: code "S0001", name "Xã Thử Nghiệm 1", short "TN 1"."""
    return [
        {"code": f"S{i:04d}", "name": f"Xã Thử Nghiệm {i}", "short": f"TN {i}"}
        for i in range(1, size + 1)
    ]


def make_province(folder: Path, size: int, source: ProjectPaths | None = None) -> ProjectPaths:
    """A project root under `folder` with the configuration, notebooks and report of `source`
    (default: this project) and a unit list of `size` synthetic units; its raw, processed and
    output folders are siblings of the root, all empty."""
    source = source or ProjectPaths.default()
    folder = Path(folder)
    root = folder / f"root-{size}"
    for name in COPIED_FOLDERS:
        if (source.root / name).is_dir():
            shutil.copytree(source.root / name, root / name)
    for name in COPIED_FILES:
        if (source.root / name).is_file():
            shutil.copy(source.root / name, root / name)
    config = yaml.safe_load((source.config / "units.yml").read_text(encoding="utf-8"))
    config["unit_lists"] = [{"from": FIRST_PERIOD, "level": "xã", "units": synthetic_units(size)}]
    (root / "config" / "units.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return ProjectPaths(
        root=root,
        raw=folder / f"raw-{size}",
        processed=folder / f"processed-{size}",
        output=folder / f"output-{size}",
    )


def write_processed(
    paths: ProjectPaths, period: str, missing: Iterable[str] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`<processed>/<period>/{values,status}.csv` from the sample generator's figures, every
    figure reported and counted; the units `missing` sent nothing. Returns (values, status)."""
    missing = set(missing)
    catalogue = load_catalogue(paths.config, period)
    units = load_units(paths.config).for_period(period)
    plan = sample_plan(period, paths)
    rows, status = [], []
    for unit in units:
        if unit.code in missing or unit.code in plan.missing_units:
            status.append([unit.code, unit.name, STATE_MISSING, 0, 0, 0, "", True])
            continue
        for index, indicator in enumerate(catalogue.indicators):
            value = plan.values.get((unit.code, indicator.code))
            rows.append(
                {
                    "period": period,
                    "unit_code": unit.code,
                    "indicator_code": indicator.code,
                    "value": value,
                    "reported": value is not None,
                    "included": value is not None,
                    "source_file": f"{unit.code}.xlsx",
                    "sheet": "Số liệu",
                    "cell": f"E{index + 5}",
                }
            )
        file = f"{unit.code}.xlsx"
        status.append(
            [unit.code, unit.name, STATE_VALID, len(catalogue.indicators), 0, 0, file, True]
        )
    values = pd.DataFrame(rows)
    values = values[[c for c in VALUE_COLUMNS if c in values.columns]]
    frame = pd.DataFrame(status, columns=list(STATUS_COLUMNS))
    target = paths.processed_period(period)
    target.mkdir(parents=True, exist_ok=True)
    values.to_csv(target / "values.csv", index=False)
    frame.to_csv(target / "status.csv", index=False)
    return values, frame


def write_models(paths: ProjectPaths, period: str, missing: Iterable[str] = ()) -> pd.DataFrame:
    """`<processed>/<period>/models.csv` (Phụ lục II) from the sample generator's models, as
    `baocao run` reads them from the sample workbooks' "Mô hình" sheet; the units `missing`
    sent nothing. Returns the frame written (columns of unit.models.MODEL_COLUMNS)."""
    missing = set(missing)
    plan = sample_plan(period, paths)
    rows = []
    for unit_code, models in plan.models.items():
        if unit_code in missing:
            continue
        for row, model in enumerate(models, start=5):
            rows.append(
                {"period": period, "unit_code": unit_code, **model, "sheet": "Mô hình"}
                | {"cell": f"B{row}"}
            )
    frame = pd.DataFrame(rows, columns=list(MODEL_COLUMNS))
    target = paths.processed_period(period)
    target.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target / "models.csv", index=False)
    return frame
