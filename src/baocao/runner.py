"""Running a period: the per-unit notebooks (only those whose inputs changed), totals, report.

- Each unit's notebook runs under papermill in a warm kernel of a small pool (`kernels`), in
  parallel across `jobs` workers, and only when its content key changed (`cache`).
- Everything is built in staging folders and swapped into place at the end, so a run that is
  interrupted leaves the previous `data/processed/<period>/` and `_output/<period>/` whole.
- One bad unit never stops the others: whatever goes wrong with it becomes its summary row.
- A lock per period keeps two runs from interleaving; a manifest records what the run did.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .aggregate import collect_period
from .cache import (
    Cache,
    changed,
    code_digest,
    json_digest,
    key_of,
    report_key_parts,
    run_id,
    unit_key_parts,
)
from .catalog import load_units
from .discover import IdentityMemo, UnitJob, discover
from .kernels import KernelPool, register_engine, with_isolation_cell
from .manifest import (
    content_digest,
    files_with_digests,
    git_commit,
    package_versions,
    read_manifest,
    reproducibility,
    write_manifest,
)
from .paths import ProjectPaths
from .periods import Period
from .profiles import PROFILES
from .store import (
    RUN_FILE,
    UnitFiles,
    period_lock,
    read_json,
    read_unit_status,
    write_csv,
    write_json,
)
from .validate import STATE_ERRORS, STATE_MISSING

NOTEBOOK = "clean_unit.ipynb"
UNIT_CELL_TIMEOUT = 600  # seconds; a unit's cells take well under one


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
    reused: bool = False
    seconds: float = 0.0


@dataclass
class UnitPlan:
    """What the run will do for one unit, and why."""

    job: UnitJob
    parts: dict[str, str]
    key: str
    reasons: list[str]

    @property
    def reuse(self) -> bool:
        return not self.reasons


@dataclass
class PeriodResult:
    period: str
    outcomes: list[UnitOutcome]
    plans: list[UnitPlan]
    seconds: float = 0.0


@dataclass
class RunResult:
    period: str
    outcomes: list[UnitOutcome]
    processed_dir: Path
    output_dir: Path
    reports: dict[str, Path] = field(default_factory=dict)
    backend: str = ""
    seconds: float = 0.0
    run_id: str = ""
    rendered: list[str] = field(default_factory=list)  # profiles rendered (others reused)
    manifest: Path | None = None
    narrative: dict = field(default_factory=dict)  # where the analysts' text came from


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def _parameters(job: UnitJob, period: str) -> dict[str, str]:
    """The notebook's parameters that matter to its result (paths do not)."""
    return {"period": period, "unit_code": job.unit.code, "unit_name": job.unit.name}


def plan_units(
    jobs: list[UnitJob], period: str, paths: ProjectPaths, cache: Cache, force: bool
) -> list[UnitPlan]:
    notebook = paths.notebooks / NOTEBOOK
    plans = []
    for job in jobs:
        parts = unit_key_parts(paths, job.path, notebook, _parameters(job, period))
        key = key_of(parts)
        if force:
            reasons = ["chạy lại toàn bộ theo yêu cầu (--force)"]
        elif cache.has(key):
            reasons = []
        else:
            reasons = changed(cache.last_parts(period, job.unit.code), parts) or [
                "kết quả trước đó không còn trong bộ nhớ đệm"
            ]
        plans.append(UnitPlan(job, parts, key, reasons))
    return plans


def run_unit_notebook(
    plan: UnitPlan, period: str, paths: ProjectPaths, cache: Cache, pool: KernelPool
) -> UnitOutcome:
    """Execute the per-unit notebook into its cache entry; a failure becomes the outcome."""
    # Imported here, not at the top: a rerun with nothing changed runs no notebook at all and
    # should not pay for loading papermill.
    import nbformat
    import papermill

    unit, started = plan.job.unit, time.perf_counter()
    entry = cache.entry(plan.key)
    cache.discard(plan.key)
    entry.mkdir(parents=True)
    executed = entry / f"{unit.code}.ipynb"
    outcome = UnitOutcome(unit.code, unit.name, STATE_ERRORS, source_file=plan.job.path.name)
    notebook = with_isolation_cell(nbformat.read(paths.notebooks / NOTEBOOK, as_version=4))
    try:
        with pool.kernel() as kernel:
            papermill.execute_notebook(
                notebook,
                str(executed),
                parameters={
                    **_parameters(plan.job, period),
                    "workbook": str(plan.job.path.resolve()),
                    "processed_dir": str(entry.resolve()),
                    "config_dir": str(paths.config.resolve()),
                },
                km=kernel,
                engine_name=register_engine(),
                execution_timeout=UNIT_CELL_TIMEOUT,
                progress_bar=False,
                request_save_on_cell_execute=False,
                # No `cwd`: papermill would chdir the whole process, which threads share.
            )
    except papermill.PapermillExecutionError as exc:
        outcome.messages.append(f"Sổ tay dừng ở ô {exc.exec_count}: {exc.ename}: {exc.evalue}")
    except Exception as exc:  # noqa: BLE001 - kernel died, timed out, ...: the unit's own row
        outcome.messages.append(f"Không chạy được sổ tay: {type(exc).__name__}: {exc}")
    if executed.is_file():
        from .notebook_html import render_notebooks

        render_notebooks(entry)  # the reviewer's page, made once per cache entry
    if not outcome.messages and read_unit_status(entry, unit.code) is not None:
        cache.seal(plan.key, plan.parts)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _fill_from_status(outcome: UnitOutcome, status: dict | None) -> None:
    if status is None:
        outcome.errors = max(1, outcome.errors)
        return
    outcome.state = status["state"]
    outcome.rows_read = status["rows_read"]
    outcome.errors = status["errors"]
    outcome.warnings = status["warnings"]
    outcome.messages += [i["message"] for i in status["issues"] if i["severity"] == "error"]


def _copy_unit(entry: Path, unit_code: str, processed: Path, notebooks: Path) -> None:
    source, target = UnitFiles.of(entry, unit_code), UnitFiles.of(processed, unit_code)
    for name in ("values", "models", "validation", "status"):
        if getattr(source, name).is_file():
            getattr(target, name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(getattr(source, name), getattr(target, name))
    for page in (entry / f"{unit_code}.ipynb", entry / f"{unit_code}.html"):
        if page.is_file():
            shutil.copyfile(page, notebooks / page.name)


def swap_into_place(staging: Path, target: Path) -> None:
    """Replace folder `target` by `staging`; the old one is kept until the new one is in."""
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old)


def recover(target: Path) -> None:
    """After a run killed between the two renames of a swap, put the old folder back."""
    old = target.with_name(f".{target.name}.old")
    if old.exists() and not target.exists():
        os.replace(old, target)


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def staging_copy(target: Path) -> Path:
    """A staging folder starting as a copy of `target` (outputs this run does not redo survive)."""
    staging = target.with_name(f".{target.name}.staging")
    if staging.exists():
        shutil.rmtree(staging)
    if target.exists():
        shutil.copytree(target, staging)
    else:
        staging.mkdir(parents=True)
    return staging


def _run_record(paths: ProjectPaths, period: str, units, plans: list[UnitPlan]) -> dict:
    """What `data/processed/<period>/run.json` says: the run's id and everything it was made of."""
    unit_keys = {plan.job.unit.code: plan.key for plan in plans}
    return {
        "period": period,
        "run_id": run_id(paths, period, unit_keys),
        "units": unit_keys,
        "unit_list": json_digest([(u.code, u.name) for u in units]),
    }


def _recorded_run(paths: ProjectPaths, period: str) -> dict | None:
    return read_json(paths.processed_period(period) / RUN_FILE)


def _summary_rows(units, outcomes: dict[str, UnitOutcome], rejected: list[UnitJob]) -> list:
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


def process_period(
    period: str,
    paths: ProjectPaths,
    pool: KernelPool,
    *,
    jobs: int = 1,
    force: bool = False,
    on_unit_done: Callable[[UnitOutcome], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> PeriodResult:
    """Clean and validate every unit of a period (reusing unchanged ones), total it, and swap
    `data/processed/<period>/` and `_output/<period>/notebooks/` into place."""
    started = time.perf_counter()
    units = load_units(paths.config).for_period(period)
    cache = Cache.of(paths)
    memo = IdentityMemo(cache.load_memo(period, "files"))
    found, rejected = discover(period, paths, units, memo)
    cache.save_memo(period, "files", memo.used)
    plans = plan_units(found, period, paths, cache, force)
    notebooks_target = paths.output_period(period) / "notebooks"
    for target in (paths.processed_period(period), notebooks_target):
        recover(target)
    record = _run_record(paths, period, units, plans)
    to_run = [plan for plan in plans if not plan.reuse]
    if on_start:
        on_start(len(plans), len(to_run))

    outcomes: dict[str, UnitOutcome] = {}

    def finish(plan: UnitPlan, outcome: UnitOutcome, copy_to: tuple[Path, Path] | None) -> None:
        entry = cache.entry(plan.key)
        _fill_from_status(outcome, read_unit_status(entry, plan.job.unit.code))
        if copy_to:
            _copy_unit(entry, plan.job.unit.code, *copy_to)
        outcome.messages = [i.message for i in plan.job.issues] + outcome.messages
        outcome.errors += sum(i.severity == "error" for i in plan.job.issues)
        outcome.warnings += sum(i.severity == "warning" for i in plan.job.issues)
        outcome.notebook = notebooks_target / f"{plan.job.unit.code}.ipynb"
        outcomes[plan.job.unit.code] = outcome
        cache.remember(period, plan.job.unit.code, plan.parts)
        if on_unit_done:
            on_unit_done(outcome)

    def reused(plan: UnitPlan) -> UnitOutcome:
        unit = plan.job.unit
        outcome = UnitOutcome(unit.code, unit.name, STATE_ERRORS, source_file=plan.job.path.name)
        outcome.reused = True
        return outcome

    if not to_run and _recorded_run(paths, period) == record and notebooks_target.is_dir():
        # Nothing changed since the run that made the processed data: it stays as it is.
        for plan in plans:
            finish(plan, reused(plan), None)
        return PeriodResult(
            period, _summary_rows(units, outcomes, rejected), plans, time.perf_counter() - started
        )

    processed = _fresh(paths.processed_period(period).with_name(f".{period}.staging"))
    notebooks = _fresh(paths.output / f".{period}.notebooks.staging")
    for plan in plans:
        if plan.reuse:
            finish(plan, reused(plan), (processed, notebooks))
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="unit") as executor:
        futures = {
            executor.submit(run_unit_notebook, plan, period, paths, cache, pool): plan
            for plan in to_run
        }
        for future in as_completed(futures):
            finish(futures[future], future.result(), (processed, notebooks))

    values, models, status = collect_period(processed, units)
    write_csv(processed / "values.csv", values)
    write_csv(processed / "models.csv", models)
    write_csv(processed / "status.csv", status)
    write_json(processed / RUN_FILE, record)
    swap_into_place(processed, paths.processed_period(period))
    swap_into_place(notebooks, notebooks_target)
    return PeriodResult(
        period, _summary_rows(units, outcomes, rejected), plans, time.perf_counter() - started
    )


def narrative_summary(paths: ProjectPaths, period: str) -> dict:
    """Where the report's narrative comes from (Word document or Markdown files), the tracked
    changes still pending and the warnings, for the run's output and its manifest. Raises
    `BaocaoError` when the Word document and the Markdown files were both edited."""
    from .catalog import load_catalogue
    from .narrative_docx import load_narratives
    from .outline import load_outline

    outline = load_outline(paths.config, load_catalogue(paths.config, period), period)
    found = load_narratives(
        paths.root / "narrative" / period, outline, Period.parse(period), paths.root
    )
    return {
        "source": found.source,
        "file": found.shown,
        "sections": sorted(found.narratives),
        "pending_changes": found.pending,
        "messages": list(found.messages),
    }


def narrative_digests(paths: ProjectPaths, period: str) -> dict[str, str]:
    """Each narrative file with its digest; the Word document's is of its content."""
    from .narrative_docx import content_digest

    folder = paths.root / "narrative" / period
    if not folder.is_dir():
        return {}
    return {
        str(p.relative_to(paths.root)): content_digest(p)
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith((".", "~$"))
    }


def _report_files(period: str, profile: str) -> list[str]:
    """The files a profile's render leaves in `_output/<period>/`."""
    from .export import export_name
    from .render import output_names

    names = list(output_names(period, profile).values())
    return [*names, export_name(period)] if profile == "internal" else names


def _report_outputs_exist(folder: Path, period: str, profile: str) -> bool:
    return all((folder / name).is_file() for name in _report_files(period, profile))


def _export_appendices(period: str, paths: ProjectPaths, folder: Path) -> Path:
    """Phụ lục I and II as an Excel workbook beside the internal report."""
    from .catalog import load_catalogue
    from .export import build_workbook, export_name, write_workbook
    from .store import read_csv

    processed = paths.processed_period(period)
    tables = {name: read_csv(processed / f"{name}.csv") for name in ("values", "models", "status")}
    book = build_workbook(
        period,
        load_catalogue(paths.config, period),
        load_units(paths.config).for_period(period),
        tables["values"],
        tables["models"],
        tables["status"],
    )
    return write_workbook(book, folder / export_name(period))


def run_period(
    period: str,
    paths: ProjectPaths,
    *,
    profiles: tuple[str, ...] = PROFILES,
    backend: str | None = None,
    render: bool = True,
    jobs: int | None = None,
    force: bool = False,
    overrides: dict | None = None,
    on_unit_done: Callable[[UnitOutcome], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Process a period (and the same period a year earlier, when it has raw data, for the
    comparison), render the report for each profile whose inputs changed, write the manifest."""
    started = time.perf_counter()
    jobs = jobs or default_jobs()
    earlier = str(Period.parse(period).same_period_last_year())
    output_target = paths.output_period(period)
    timings: dict[str, object] = {}
    # The analysts' text is checked first: a conflict between the Word document and the
    # Markdown files stops the run before any unit is processed.
    narrative = narrative_summary(paths, period) if render else {}
    with (
        period_lock(paths.processed, period),
        KernelPool(jobs, log=paths.output / "kernels.log") as pool,
    ):
        if paths.raw_period(earlier).is_dir():
            with period_lock(paths.processed, earlier):
                earlier_result = process_period(earlier, paths, pool, jobs=jobs, force=force)
            timings["earlier_period"] = round(earlier_result.seconds, 3)
        current = process_period(
            period,
            paths,
            pool,
            jobs=jobs,
            force=force,
            on_unit_done=on_unit_done,
            on_start=on_start,
        )
        timings["units"] = {o.unit_code: round(o.seconds, 3) for o in current.outcomes}
        timings["period"] = round(current.seconds, 3)
        result = RunResult(period, current.outcomes, paths.processed_period(period), output_target)
        result.narrative = narrative

        from .render import choose_backend, render_reports

        chosen = choose_backend(backend) if render else ""
        result.backend = chosen
        cache = Cache.of(paths)
        previous_manifest = read_manifest(output_target)
        recover(output_target)
        report_parts = {
            profile: report_key_parts(paths, period, earlier, profile, chosen, overrides)
            for profile in (profiles if render else ())
        }
        to_render = [
            profile
            for profile, parts in report_parts.items()
            if force
            or cache.last_parts(period, f"report-{profile}") != parts
            or not _report_outputs_exist(output_target, period, profile)
        ]
        # Reports are rendered in a staging copy swapped in at the end; with nothing to render,
        # only the manifest changes, written in place (atomically) like every file.
        output = staging_copy(output_target) if to_render else output_target
        # Every profile to render comes from one execution of the report's code.
        render_times: dict[str, float] = {}
        if to_render:
            t = time.perf_counter()
            rendered = render_reports(
                period, to_render, paths, output, backend=chosen, overrides=overrides
            )
            if "internal" in to_render:
                _export_appendices(period, paths, output)
            render_times = {**rendered.timings, "total": round(time.perf_counter() - t, 3)}
            result.rendered.extend(to_render)
        timings["render"] = render_times
        for profile in profiles if render else ():
            for file_name in _report_files(period, profile):
                kind = Path(file_name).suffix.lstrip(".")
                result.reports[f"{kind} ({profile})"] = output_target / file_name

        result.run_id = run_id(paths, period, {p.job.unit.code: p.key for p in current.plans})
        manifest = _manifest(
            paths,
            period,
            current,
            result,
            report_parts,
            output,
            timings,
            profiles,
            chosen,
            jobs,
            force,
            previous_manifest,
        )
        manifest["timings"]["total"] = round(time.perf_counter() - started, 3)
        write_manifest(output, manifest)
        if to_render:
            swap_into_place(output, output_target)
        for profile in to_render:  # only once the reports are in place
            cache.remember(period, f"report-{profile}", report_parts[profile])
    result.manifest = output_target / "manifest.json"
    result.seconds = time.perf_counter() - started
    return result


def _manifest(
    paths,
    period,
    current,
    result,
    report_parts,
    output,
    timings,
    profiles,
    backend,
    jobs,
    force,
    previous,
) -> dict:
    processed = paths.processed_period(period)
    processed_files = files_with_digests(
        [p for p in processed.rglob("*") if not p.name.startswith(".")], processed
    )
    report_text = {}
    for profile in profiles if result.backend else ():
        for file_name in _report_files(period, profile):
            if (output / file_name).is_file():
                report_text[file_name] = content_digest(output / file_name)
    manifest = {
        "run_id": result.run_id,
        "period": period,
        "parameters": {
            "profiles": list(profiles),
            "backend": backend,
            "jobs": jobs,
            "force": force,
        },
        "git": git_commit(paths.root),
        "packages": package_versions(),
        "inputs": {
            "raw": {
                p.job.path.name: {"unit": p.job.unit.code, "sha256": p.parts["workbook"]}
                for p in current.plans
            },
            "config": files_with_digests(list(paths.config.glob("*.yml")), paths.root),
            "notebook": files_with_digests([paths.notebooks / NOTEBOOK], paths.root),
            "report": files_with_digests(
                [paths.report_source, *paths.root.glob("_quarto*.yml")], paths.root
            ),
            "narrative": narrative_digests(paths, period),
            "code": code_digest(),
        },
        "inputs_digest": result.run_id,
        "units": {
            o.unit_code: {"state": o.state, "reused_from_cache": o.reused, "seconds": o.seconds}
            for o in current.outcomes
        },
        "reused_units": sorted(o.unit_code for o in current.outcomes if o.reused),
        "outputs": {
            "processed": processed_files,
            "reports": files_with_digests(
                [output / n for prof in profiles for n in _report_files(period, prof)],
                output,
            )
            if result.backend
            else {},
        },
        "processed_digest": json_digest(processed_files),
        "report_text": report_text,
        "rendered_profiles": result.rendered,
        "report_keys": {profile: key_of(parts) for profile, parts in report_parts.items()},
        "narrative": result.narrative,
        "timings": timings,
    }
    manifest["reproducibility"] = reproducibility(manifest, previous)
    return manifest


def explain_period(
    period: str,
    paths: ProjectPaths,
    *,
    profiles: tuple[str, ...] = PROFILES,
    backend: str | None = None,
    force: bool = False,
    overrides: dict | None = None,
) -> list[tuple[str, bool, list[str]]]:
    """(what, would run, why) for each unit and each report profile; runs nothing."""
    from .render import choose_backend

    units = load_units(paths.config).for_period(period)
    cache = Cache.of(paths)
    found, _ = discover(period, paths, units, IdentityMemo(cache.load_memo(period, "files")))
    lines = []
    plans = plan_units(found, period, paths, cache, force)
    for plan in plans:
        reasons = plan.reasons or ["không có gì thay đổi: dùng lại kết quả đã có"]
        lines.append((f"{plan.job.unit.code} {plan.job.unit.name}", not plan.reuse, reasons))
    chosen = choose_backend(backend)
    earlier = str(Period.parse(period).same_period_last_year())
    units_change = any(not p.reuse for p in plans)
    for profile in profiles:
        name = f"report-{profile}"
        if force:
            lines.append((f"báo cáo {profile}", True, ["chạy lại toàn bộ theo yêu cầu (--force)"]))
            continue
        if units_change:
            lines.append((f"báo cáo {profile}", True, ["số liệu của đơn vị sẽ được xử lý lại"]))
            continue
        parts = report_key_parts(paths, period, earlier, profile, chosen, overrides)
        reasons = changed(cache.last_parts(period, name), parts)
        if not reasons and not _report_outputs_exist(paths.output_period(period), period, profile):
            reasons = ["tệp báo cáo không còn trong thư mục kết quả"]
        lines.append(
            (f"báo cáo {profile}", bool(reasons), reasons or ["không có gì thay đổi: giữ nguyên"])
        )
    return lines
