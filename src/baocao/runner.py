"""Running a period: find the units' files, run the per-unit notebook for each, total, render.

The runner works in staging folders and swaps them into place at the end, so a run that is
interrupted leaves the previous `data/processed/<period>/` and `_output/<period>/` whole. One bad
unit never stops the others: whatever goes wrong with it becomes its row in the summary.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import papermill

from . import layout
from .aggregate import collect_period
from .catalog import Unit, load_units
from .errors import BaocaoError, InputError, Issue
from .intake import SUPPORTED_SUFFIXES, read_declared_unit
from .names import closest_units, resolve_unit
from .paths import ProjectPaths
from .periods import Period, is_period, sort_periods
from .store import read_unit_status, write_csv
from .validate import STATE_ERRORS, STATE_MISSING

NOTEBOOK = "clean_unit.ipynb"
IGNORED_FILES = ("README.md", ".gitkeep", "desktop.ini", "Thumbs.db")


@dataclass
class UnitJob:
    """A file of the period and the unit it belongs to (None when it could not be told)."""

    path: Path
    unit: Unit | None
    issues: list[Issue] = field(default_factory=list)


@dataclass
class UnitOutcome:
    """One row of the run's summary."""

    unit_code: str
    unit_name: str
    state: str
    rows_read: int = 0
    errors: int = 0
    warnings: int = 0
    source_file: str = ""
    notebook: Path | None = None
    messages: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    period: str
    outcomes: list[UnitOutcome]
    processed_dir: Path
    output_dir: Path
    reports: dict[str, Path] = field(default_factory=dict)
    backend: str = ""
    seconds: float = 0.0


def latest_period(paths: ProjectPaths) -> str:
    found = (
        [p.name for p in paths.raw.iterdir() if p.is_dir() and is_period(p.name)]
        if paths.raw.is_dir()
        else []
    )
    if not found:
        raise BaocaoError(
            f"Không có kỳ báo cáo nào trong {paths.raw}. Hãy tạo thư mục kỳ (ví dụ 2021-H1) và "
            "chép các tệp của đơn vị vào đó."
        )
    return sort_periods(found)[-1]


def _unit_from_file_name(path: Path, units: tuple[Unit, ...]) -> Unit | None:
    stem = re.sub(r"\d{4}(-?h[12])?", " ", path.stem, flags=re.IGNORECASE)
    for candidate in (path.stem, stem, *re.split(r"[-_]+", path.stem)):
        unit = resolve_unit(candidate, units) if candidate.strip() else None
        if unit is not None:
            return unit
    return None


def identify(path: Path, units: tuple[Unit, ...]) -> UnitJob:
    """Tell which unit a file belongs to: by its `Thông tin` sheet, else by its file name."""
    declared = None
    # An unreadable file: the notebook reports why; its file name may still name the unit.
    with suppress(InputError):
        declared = read_declared_unit(path)
    if declared is not None:
        unit = resolve_unit(declared[0], units)
        if unit is not None:
            return UnitJob(path, unit)
    unit = _unit_from_file_name(path, units)
    if unit is not None:
        return UnitJob(path, unit)
    name = declared[0] if declared else path.stem
    hint = ", ".join(u.name for u in closest_units(name, units)) or "không có"
    return UnitJob(
        path,
        None,
        [
            Issue(
                "error",
                "unknown_unit",
                f"Tệp “{path.name}”: không xác định được đơn vị “{name}” trong danh sách đơn vị của kỳ. "
                f"Hãy ghi đúng tên đơn vị ở trang “{layout.SHEET_INFO}” (gần giống: {hint}).",
                sheet=layout.SHEET_INFO if declared else None,
                cell=declared[1] if declared else None,
            )
        ],
    )


def discover(
    period: str, paths: ProjectPaths, units: tuple[Unit, ...]
) -> tuple[list[UnitJob], list[UnitJob]]:
    """(jobs to run, one per unit; files that cannot be run, with their issues)."""
    folder = paths.raw_period(period)
    if not folder.is_dir():
        raise BaocaoError(f"Không có thư mục số liệu của kỳ {period}: {folder}.")
    jobs: dict[str, UnitJob] = {}
    rejected: list[UnitJob] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith((".", "~$")) or path.name in IGNORED_FILES:
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            rejected.append(
                UnitJob(
                    path,
                    None,
                    [
                        Issue(
                            "error",
                            "unsupported_format",
                            f"Tệp “{path.name}” không phải bảng tính (.xlsx, .xls, .ods) nên không được đọc.",
                        )
                    ],
                )
            )
            continue
        job = identify(path, units)
        if job.unit is None:
            rejected.append(job)
        elif job.unit.code in jobs:
            kept = jobs[job.unit.code].path.name
            job.issues.append(
                Issue(
                    "error",
                    "duplicate_unit_file",
                    f"Tệp “{path.name}” cũng là của {job.unit.name}, đơn vị đã có tệp “{kept}”; "
                    "chỉ tệp thứ nhất được dùng. Hãy để lại đúng một tệp cho mỗi đơn vị.",
                )
            )
            rejected.append(job)
        else:
            jobs[job.unit.code] = job
    order = {u.code: i for i, u in enumerate(units)}
    return sorted(jobs.values(), key=lambda j: order[j.unit.code]), rejected


@contextmanager
def _kernel_stderr_to(log: Path):
    """Send what kernels print on stderr (start-up chatter) to a log file, not the analyst's screen.

    Kernels are child processes inheriting file descriptor 2, so it is redirected at that level.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    with open(log, "ab") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def run_unit_notebook(
    job: UnitJob, period: str, paths: ProjectPaths, processed: Path, notebooks: Path
) -> UnitOutcome:
    """Execute the per-unit notebook with papermill; its failure becomes the unit's outcome."""
    unit = job.unit
    target = notebooks / f"{unit.code}.ipynb"
    temporary = notebooks / f".{unit.code}.partial.ipynb"
    notebooks.mkdir(parents=True, exist_ok=True)
    outcome = UnitOutcome(
        unit.code, unit.name, STATE_ERRORS, source_file=job.path.name, notebook=target
    )
    try:
        with _kernel_stderr_to(notebooks / "kernels.log"):
            papermill.execute_notebook(
                str(paths.notebooks / NOTEBOOK),
                str(temporary),
                parameters={
                    "period": period,
                    "unit_code": unit.code,
                    "unit_name": unit.name,
                    "workbook": str(job.path.resolve()),
                    "processed_dir": str(processed.resolve()),
                    "config_dir": str(paths.config.resolve()),
                },
                kernel_name="python3",
                progress_bar=False,
                cwd=str(notebooks),
            )
    except papermill.PapermillExecutionError as exc:
        outcome.messages.append(f"Sổ tay dừng ở ô {exc.exec_count}: {exc.ename}: {exc.evalue}")
    except Exception as exc:  # kernel failed to start, timed out, ...
        outcome.messages.append(f"Không chạy được sổ tay: {type(exc).__name__}: {exc}")
    if temporary.exists():
        os.replace(temporary, target)
    status = read_unit_status(processed, unit.code)
    if status is not None and not outcome.messages:
        outcome.state = status["state"]
        outcome.rows_read = status["rows_read"]
        outcome.errors = status["errors"]
        outcome.warnings = status["warnings"]
        outcome.messages = [i["message"] for i in status["issues"] if i["severity"] == "error"]
    else:
        outcome.errors = max(1, outcome.errors)
    return outcome


def _swap_into_place(staging: Path, target: Path) -> None:
    """Replace `target` by `staging` (both folders); the old one is kept until the new one is in."""
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old)


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def _staging_copy(target: Path) -> Path:
    """A staging folder starting as a copy of `target` (outputs this run does not redo survive)."""
    staging = target.with_name(f".{target.name}.staging")
    if staging.exists():
        shutil.rmtree(staging)
    if target.exists():
        shutil.copytree(target, staging)
    else:
        staging.mkdir(parents=True)
    return staging


def process_period(
    period: str,
    paths: ProjectPaths,
    *,
    on_unit_done: Callable[[UnitOutcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> list[UnitOutcome]:
    """Clean and validate every unit of a period, total it, and swap the results into place:
    `data/processed/<period>/` and the executed notebooks in `_output/<period>/notebooks/`."""
    units = load_units(paths.config).for_period(period)
    jobs, rejected = discover(period, paths, units)
    processed_target = paths.processed_period(period)
    processed = _fresh(processed_target.with_name(f".{period}.staging"))
    notebooks_target = paths.output_period(period) / "notebooks"
    notebooks = _fresh(notebooks_target.with_name(".notebooks.staging"))
    if on_start:
        on_start(len(jobs))

    outcomes: dict[str, UnitOutcome] = {}
    for job in jobs:
        outcome = run_unit_notebook(job, period, paths, processed, notebooks)
        outcome.messages = [i.message for i in job.issues] + outcome.messages
        outcome.notebook = notebooks_target / f"{job.unit.code}.ipynb"
        outcomes[job.unit.code] = outcome
        if on_unit_done:
            on_unit_done(outcome)

    values, models, status = collect_period(processed, units)
    write_csv(processed / "values.csv", values)
    write_csv(processed / "models.csv", models)
    write_csv(processed / "status.csv", status)
    _swap_into_place(processed, processed_target)
    _swap_into_place(notebooks, notebooks_target)

    rows = [outcomes.get(u.code) or UnitOutcome(u.code, u.name, STATE_MISSING) for u in units]
    for job in rejected:
        rows.append(
            UnitOutcome(
                job.unit.code if job.unit else "?",
                job.unit.name if job.unit else job.path.name,
                STATE_ERRORS,
                errors=len(job.issues),
                source_file=job.path.name,
                messages=[i.message for i in job.issues],
            )
        )
    return rows


PROFILES = ("internal", "public")


def run_period(
    period: str,
    paths: ProjectPaths,
    *,
    profiles: tuple[str, ...] = PROFILES,
    backend: str | None = None,
    render: bool = True,
    on_unit_done: Callable[[UnitOutcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> RunResult:
    """Process a period (and the same period a year earlier when it has raw data but was never
    processed, for the comparison), then render the report for each profile."""
    started = time.perf_counter()
    earlier = str(Period.parse(period).same_period_last_year())
    if (
        paths.raw_period(earlier).is_dir()
        and not (paths.processed_period(earlier) / "values.csv").is_file()
    ):
        process_period(earlier, paths)
    rows = process_period(period, paths, on_unit_done=on_unit_done, on_start=on_start)
    output_target = paths.output_period(period)
    result = RunResult(period, rows, paths.processed_period(period), output_target)
    if render:
        from .render import render_report

        output = _staging_copy(output_target)
        for profile in profiles:
            rendered = render_report(period, profile, paths, output, backend=backend)
            result.reports.update(
                {
                    f"{fmt} ({profile})": output_target / p.name
                    for fmt, p in rendered.outputs.items()
                }
            )
            result.backend = rendered.backend
        _swap_into_place(output, output_target)
    result.seconds = time.perf_counter() - started
    return result
