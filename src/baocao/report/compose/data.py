"""Reading the processed period: the one module of the report's text that touches the disk.

In: a period, the processed folder and project root (report.qmd's parameters), overrides of the
report settings. Out: `ReportData`, read once by the report's setup cell: the configuration in
force, `<processed>/<period>/{values,status,models}.csv`, the units' issues, the same period a
year earlier when it was processed, the analysts' narratives and the id of the run that
processed the data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from baocao.config.catalog import Catalogue, load_catalogue
from baocao.config.outline import Outline, load_outline
from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period
from baocao.config.settings import ReportSettings, apply_overrides, load_report_settings
from baocao.config.units import Unit, load_units
from baocao.errors import BaocaoError, ConfigError
from baocao.report.compose.figures import unit_change_sentence
from baocao.report.narrative import markdown as nv
from baocao.report.narrative.draft import Draft, draft_of
from baocao.report.narrative.source import Orphan, load_narratives
from baocao.run.received import RECEIPTS_FILE
from baocao.run.set_aside import recorded as recorded_set_aside
from baocao.run.store import RUN_FILE, read_csv, read_json, read_unit_status
from baocao.unit.states import STATE_MISSING

VALUES_FILE = "values.csv"
STATUS_FILE = "status.csv"
MODELS_FILE = "models.csv"
NARRATIVE_FOLDER = "narrative"


@dataclass(frozen=True)
class ReportData:
    """What the report needs for one period, read once by its setup cell."""

    period: Period
    paths: ProjectPaths
    catalogue: Catalogue
    units: tuple[Unit, ...]
    settings: ReportSettings
    values: pd.DataFrame
    status: pd.DataFrame
    models: pd.DataFrame = field(default_factory=pd.DataFrame)
    issues: pd.DataFrame = field(default_factory=pd.DataFrame)
    outline: Outline | None = None
    narratives: dict[str, nv.Narrative] = field(default_factory=dict)
    # Text of the Word narrative the outline has no place for (internal draft only, marked).
    orphans: tuple[Orphan, ...] = ()
    # Why the report to sign is only a draft because of the narrative (`NarrativeSource`).
    # What keeps the document to sign a draft: empty sections, pending changes, headings.
    draft: Draft = field(default_factory=Draft)
    previous_values: pd.DataFrame | None = None  # same period a year earlier, if processed
    previous_units: tuple[Unit, ...] | None = None
    previous_catalogue: Catalogue | None = None  # the catalogue version of the earlier period
    unit_change: str = ""  # why units do not compare with the earlier period (unit lists differ)
    # The units whose notebook the run executed, so that has a review page
    # (`notebooks/<code>.html`); None when unknown (no run.json): every unit that sent a file.
    reviewed: frozenset[str] | None = None
    # The files the run set aside (named no unit, a second file of a unit…), as run.json keeps
    # them (`run.set_aside.records`: file, unit_code, unit_name, reason, message); internal only.
    set_aside: tuple[dict, ...] = ()
    # The units' versions, their cell changes, the deadline and the locks, as the run wrote
    # them (`run.received.write_receipts`); {} when not recorded. Internal only.
    receipts: dict = field(default_factory=dict)

    def without_review_page(self) -> set[str]:
        """The units of the list no review page exists for (sent nothing, or held)."""
        codes = {u.code for u in self.units}
        if self.reviewed is None:
            sent = self.status.loc[self.status["state"] != STATE_MISSING, "unit_code"]
            return codes - {str(c) for c in sent}
        return codes - self.reviewed


def resolve_paths(root: str | Path = "", processed_dir: str | Path = "") -> ProjectPaths:
    """The report's parameters as paths: empty strings mean `ProjectPaths.default()`."""
    paths = ProjectPaths.default()
    if root:
        base = Path(root).resolve()
        paths = ProjectPaths(
            root=base,
            raw=base / "data" / "raw",
            processed=base / "data" / "processed",
            output=base / "_output",
        )
    if processed_dir:
        paths = ProjectPaths(
            root=paths.root,
            raw=paths.raw,
            processed=Path(processed_dir).resolve(),
            output=paths.output,
        )
    return paths


# checked_note: the analyst's note when she marked the warning checked (`config.checked`).
ISSUE_COLUMNS = (
    "unit_code",
    "unit_name",
    "severity",
    "kind",
    "message",
    "sheet",
    "cell",
    "checked_note",
)


def read_issues(folder: Path, units: Iterable[Unit]) -> pd.DataFrame:
    """Every unit's issues from `<processed>/<period>/units/<code>.status.json`."""
    rows = []
    for unit in units:
        record = read_unit_status(Path(folder), unit.code)
        if record is None:
            continue
        for issue in record.get("issues") or []:
            rows.append(
                {
                    "unit_code": unit.code,
                    "unit_name": record.get("unit_name", unit.name),
                    **{k: issue.get(k) for k in ISSUE_COLUMNS[2:]},
                }
            )
    return pd.DataFrame(rows, columns=list(ISSUE_COLUMNS))


def load_report_data(
    period: str,
    processed_dir: str | Path = "",
    root: str | Path = "",
    overrides: Mapping[str, Any] | str | None = None,
) -> ReportData:
    """Read the configuration, `<processed>/<period>/{values,status,models}.csv`, the units'
    issues, the same period a year earlier when it was processed, and the period's narratives
    (`<root>/narrative/<period>/`: its Word document or its `*.md`, see
    `narrative.source.load_narratives`). `overrides` replace report settings for this run
    (keys in `settings.OVERRIDE_KEYS`: number, date, signer_name, ...; a mapping or its JSON)."""
    p = Period.parse(period)
    paths = resolve_paths(root, processed_dir)
    folder = paths.processed_period(str(p))
    frames = {}
    for name in (VALUES_FILE, STATUS_FILE):
        path = folder / name
        if not path.is_file():
            raise BaocaoError(
                f"Chưa có dữ liệu đã xử lý của kỳ {p} ({path} không tồn tại). "
                f"Hãy chạy “baocao run --period {p}” trước khi lập báo cáo."
            )
        frames[name] = read_csv(path)
    models_path = folder / MODELS_FILE
    models = read_csv(models_path) if models_path.is_file() else pd.DataFrame()
    catalogue = load_catalogue(paths.config, str(p))
    all_units = load_units(paths.config)
    unit_list = all_units.list_for(str(p))
    units = unit_list.units
    outline = load_outline(paths.config, catalogue, str(p))

    earlier = p.same_period_last_year()
    earlier_values = paths.processed_period(str(earlier)) / VALUES_FILE
    previous_values, previous_units, previous_catalogue, unit_change = None, None, None, ""
    if earlier_values.is_file():
        previous_values = read_csv(earlier_values)
        try:
            earlier_list = all_units.list_for(str(earlier))
        except ConfigError:
            earlier_list = unit_list
        previous_units = earlier_list.units
        unit_change = unit_change_sentence(earlier_list, unit_list, all_units.province)
        try:
            previous_catalogue = load_catalogue(paths.config, str(earlier))
        except ConfigError:
            previous_catalogue = catalogue

    narrative = load_narratives(
        paths.root / NARRATIVE_FOLDER / str(p), outline, p, display_root=paths.root
    )
    return ReportData(
        period=p,
        paths=paths,
        catalogue=catalogue,
        units=units,
        settings=apply_overrides(
            load_report_settings(paths.config, str(p)),
            str(p),
            json.loads(overrides) if isinstance(overrides, str) else overrides,
        ),
        values=frames[VALUES_FILE],
        status=frames[STATUS_FILE],
        models=models,
        issues=read_issues(folder, units),
        outline=outline,
        narratives=narrative.narratives,
        orphans=narrative.orphans,
        draft=draft_of(outline, narrative, p),
        previous_values=previous_values,
        previous_units=previous_units,
        reviewed=_reviewed(folder),
        set_aside=recorded_set_aside(folder),
        receipts=read_json(folder / RECEIPTS_FILE) or {},
        previous_catalogue=previous_catalogue,
        unit_change=unit_change,
    )


def _reviewed(folder: Path) -> frozenset[str] | None:
    record = read_json(folder / RUN_FILE)
    units = record.get("units") if isinstance(record, dict) else None
    return frozenset(units) if isinstance(units, dict) else None
