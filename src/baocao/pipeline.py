"""The whole run of a period: its units processed (`run`), then its report (`report`).

In: a period and the project's folders. Out: `data/processed/<period>/`, the rendered DOCX,
HTML and Excel export under `_output/<period>/`, and the run's manifest. This is the one
module that uses both stages: `run` never imports `report`, and `report` reads only what
`run` wrote.

- What runs and why is decided once, before anything runs (`report.render.plan.plan_period`):
  `run_period` carries that plan out and `explain_period` (`baocao run --explain`) returns it.
- The same period a year earlier is processed too, when it has raw data, for the comparisons.
- Each profile's report is rendered only when something it reads changed (its content key).
- Processed data, review pages and reports are staged as one generation (`run.generations`)
  committed together at the end, so an interrupted or failed run leaves the previous outputs
  whole and in step, and the next run repairs what it left; a lock per period keeps runs apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period
from baocao.config.units import load_units
from baocao.report.render.formats import remove_unmade, unavailable_notes
from baocao.report.render.kernel import ReportKernel
from baocao.report.render.narrative_check import narrative_summary
from baocao.report.render.output_files import export_name, report_files
from baocao.report.render.plan import (
    PeriodPlan,
    RunOptions,
    has_workbooks,
    narrative_digest,
    plan_period,
)
from baocao.run.cache import (
    Cache,
    code_digest,
    file_digest,
    json_digest,
    key_of,
    run_id,
    same_static_parts,
    stale_report_note,
)
from baocao.run.discover import period_files
from baocao.run.generations import Generation, staged_generation
from baocao.run.kernels import KernelPool
from baocao.run.manifest import (
    content_digest,
    files_with_digests,
    git_commit,
    package_versions,
    read_manifest,
    reproducibility,
    write_manifest,
)
from baocao.run.plan import NOTEBOOK
from baocao.run.process import (
    PeriodResult,
    UnitOutcome,
    default_jobs,
    process_period,
    stopped_notes,
)
from baocao.run.received import locks_record
from baocao.run.scratch import run_scratch
from baocao.run.store import RUN_FILE
from baocao.run.submitted import none_identified_message, require_workbooks


@dataclass(frozen=True)
class Progress:
    """What the caller is told while the units run: `on_start(units, to_run)` once they are
    counted, `on_unit_done(outcome)` as each unit ends."""

    on_start: Callable[[int, int], None] | None = None
    on_unit_done: Callable[[UnitOutcome], None] | None = None


@dataclass
class RunResult:
    period: str
    outcomes: list[UnitOutcome]
    processed_dir: Path
    output_dir: Path
    reports: dict[tuple[str, str], Path] = field(default_factory=dict)  # (profile, kind) → file
    backend: str = ""
    seconds: float = 0.0
    run_id: str = ""
    rendered: list[str] = field(default_factory=list)  # profiles rendered (others reused)
    manifest: Path | None = None
    narrative: dict = field(default_factory=dict)  # where the analysts' text came from
    notes: list[str] = field(default_factory=list)  # a lock taken over, an interrupted run mended
    plan: PeriodPlan | None = None  # what the run was to do, and why


def narrative_digests(paths: ProjectPaths, period: str) -> dict[str, str]:
    """Each narrative file with its digest; the Word document's is of its content."""
    from baocao.report.narrative.source import content_digest

    folder = paths.root / "narrative" / period
    if not folder.is_dir():
        return {}
    return {
        str(p.relative_to(paths.root)): content_digest(p)
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith((".", "~$"))
    }


def _export_appendices(period: str, paths: ProjectPaths, folder: Path) -> Path:
    """Phụ lục I and II as an Excel workbook beside the internal report."""
    from baocao.config.catalog import load_catalogue
    from baocao.config.outline import load_outline
    from baocao.report.review.export import build_workbook, write_workbook
    from baocao.run.set_aside import recorded as recorded_set_aside
    from baocao.run.store import read_csv

    processed = paths.processed_period(period)
    tables = {name: read_csv(processed / f"{name}.csv") for name in ("values", "models", "status")}
    catalogue = load_catalogue(paths.config, period)
    book = build_workbook(
        period,
        catalogue,
        load_units(paths.config).for_period(period),
        tables["values"],
        tables["models"],
        tables["status"],
        load_outline(paths.config, catalogue, period),
        recorded_set_aside(processed),
    )
    return write_workbook(book, folder / export_name(period))


def _review_pages(entry: Path) -> None:
    """The reviewer's pages of the notebooks a unit's run just executed (imported here: a
    rerun that executes nothing does not load the page-making code)."""
    from baocao.report.review.pages import render_notebooks

    render_notebooks(entry)


def run_period(
    period: str,
    paths: ProjectPaths,
    options: RunOptions | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Process a period (and the same period a year earlier, when it has raw data, for the
    comparison), render the report for each profile whose inputs changed, write the manifest:
    what `report.render.plan.plan_period` says, carried out."""
    started = time.perf_counter()
    require_workbooks(period, paths)
    options, progress = options or RunOptions(), progress or Progress()
    options = replace(options, jobs=options.jobs or default_jobs())
    first_run = options.force or not (paths.processed_period(period) / RUN_FILE).is_file()
    names_checked = _names_checked(period, paths, options)
    notes: list[str] = []
    with (
        run_scratch(),  # kernels' and builds' temporary files; a killed run's are removed
        staged_generation(paths, period, notes) as generation,
        KernelPool(options.jobs, log=paths.output / "kernels.log") as pool,
        ReportKernel(paths.report_source)
        if first_run and options.render
        else nullcontext() as ahead,
    ):
        if first_run:  # the kernels boot while the text is checked and the files are read
            _warm_up(period, paths, pool, ahead, options.jobs)
        narrative = narrative_summary(paths, period, not names_checked) if options.render else {}
        with _comparison_generation(paths, period, notes) as before:
            plan = plan_period(period, paths, options, narrative)
            earlier = _process_comparison(plan, paths, pool, before, options.jobs)
        current = process_period(
            plan.units,
            paths,
            pool,
            generation=generation,
            jobs=options.jobs,
            review_pages=_review_pages,
            on_unit_done=progress.on_unit_done,
            on_start=progress.on_start,
        )
        run = _Done(plan, generation, current, earlier, {})
        result = _result(run, paths, narrative, notes)
        _render(run, options, result, ahead)
        _finish(run, options, result, started)
    result.manifest = paths.output_period(period) / "manifest.json"
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _Done:
    """What a run did so far: its plan, staged generation, units' results and timings."""

    plan: PeriodPlan
    generation: Generation
    current: PeriodResult
    earlier: PeriodResult | None
    timings: dict

    @property
    def view(self) -> ProjectPaths:
        """The paths the report reads: the staged data (`Generation.view`)."""
        return self.generation.view(self.plan.earlier)


def _names_checked(period: str, paths: ProjectPaths, options: RunOptions) -> bool:
    """Whether the narrative's figure names need no new check: every report rendered before
    (a public page withheld from a draft never was) was last rendered from the same text,
    configuration and code."""
    written = narrative_digest(paths, period)
    last = Cache.of(paths)
    parts = [last.last_parts(period, f"report-{profile}") for profile in options.profiles]
    rendered = [p for p in parts if p is not None]
    return bool(rendered) and all(same_static_parts(p, paths, written) for p in rendered)


def _warm_up(period: str, paths: ProjectPaths, pool, ahead, jobs: int) -> None:
    """A first run (or --force) runs every unit and renders: the units' kernels boot while the
    text is checked and the files are read, the report's while the units are processed."""
    pool.prestart(min(jobs, len(period_files(paths.raw_period(period))[0])))
    if ahead is not None:
        ahead.start()


@contextmanager
def _comparison_generation(paths: ProjectPaths, period: str, notes: list[str]):
    """The comparison period's staged generation (None when it has no workbook), held while
    the plan is made and the comparison period processed."""
    earlier = str(Period.parse(period).same_period_last_year())
    if not has_workbooks(paths, earlier):
        yield None
        return
    with staged_generation(paths, earlier, notes) as before:
        yield before


def _process_comparison(
    plan: PeriodPlan, paths: ProjectPaths, pool, before: Generation | None, jobs: int
) -> PeriodResult | None:
    """The comparison period processed as the plan says, committed at once."""
    if plan.comparison is None or before is None:
        return None
    result = process_period(
        plan.comparison, paths, pool, generation=before, jobs=jobs, review_pages=_review_pages
    )
    before.commit()
    return result


def _result(run: _Done, paths: ProjectPaths, narrative: dict, notes: list[str]) -> RunResult:
    """The run's result so far: the units' rows and what the user should read about them."""
    plan, current = run.plan, run.current
    messages = list(narrative.get("messages", [])) + current.notes
    nobody = none_identified_message(plan.period, paths, current.outcomes)
    if nobody is not None:
        messages.insert(0, nobody)
    if run.earlier is not None:
        run.timings["earlier_period"] = round(run.earlier.seconds, 3)
        messages[:0] = stopped_notes(plan.earlier, run.earlier.outcomes)
    run.timings["units"] = {o.unit_code: round(o.seconds, 3) for o in current.unit_rows}
    run.timings["period"] = round(current.seconds, 3)
    run.timings["feedback"] = round(current.feedback_seconds, 3)
    if messages != narrative.get("messages", []):
        narrative = {**narrative, "messages": messages}
    notes.extend(held.message for held in plan.units.held)  # locked units' later files
    result = RunResult(
        plan.period,
        current.outcomes,
        paths.processed_period(plan.period),
        paths.output_period(plan.period),
        backend=plan.backend,
        narrative=narrative,
        notes=notes,
        plan=plan,
    )
    for profile in plan.profiles:
        for file_name in report_files(plan.period, profile):
            kind = Path(file_name).suffix.lstrip(".")
            result.reports[(profile, kind)] = result.output_dir / file_name
    keys = {p.job.unit.code: p.key for p in current.plans}
    result.run_id = run_id(paths, keys, plan.narrative)
    return result


def _render(run: _Done, options: RunOptions, result: RunResult, ahead) -> None:
    """Render the profiles the plan says, in one execution of the report's code, with the
    appendices' workbook written beside while that code runs."""
    plan, view, output = run.plan, run.view, run.generation.output
    run.timings["render"] = {}
    result.notes += unavailable_notes(plan.profiles)  # the PDF without LibreOffice
    if not plan.to_render:
        return
    from baocao.report.render.reports import render_reports  # python-docx, nbclient: only here

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export") as beside:
        exported = (
            beside.submit(_export_appendices, plan.period, view, output) if plan.export else None
        )
        rendered = render_reports(
            plan.period,
            plan.to_render,
            view,
            output,
            backend=plan.backend,
            overrides=options.overrides,
            kernel=ahead,
        )
        if exported is not None:
            exported.result()
    run.timings["render"] = {
        **rendered.timings,
        "total": round(time.perf_counter() - started, 3),
    }
    result.rendered.extend(plan.to_render)


def _finish(run: _Done, options: RunOptions, result: RunResult, started: float) -> None:
    """Write the manifest, commit the generation and remember what each rendered report was
    made of (only once the reports are in place)."""
    plan, output = run.plan, run.generation.output
    report_parts = {profile: plan.report_parts(run.view, profile) for profile in plan.profiles}
    previous = read_manifest(result.output_dir)
    manifest = _manifest(run, options, result, report_parts)
    manifest["reproducibility"] = reproducibility(manifest, previous)
    manifest["timings"]["total"] = round(time.perf_counter() - started, 3)
    from baocao.report.review.status_page import write_status_page  # the office's page

    write_status_page(run.view, plan.period, output)
    write_manifest(output, manifest)
    run.generation.commit()
    paths = run.generation.paths
    result.notes += remove_unmade(plan.period, plan.to_render, paths.output_period(plan.period))
    if not options.render and (
        stale := stale_report_note(paths, plan.period, plan.earlier, options.profiles)
    ):
        result.notes.append(stale)  # new data and review pages beside an older report
    cache = Cache.of(paths)
    for profile in plan.to_render:
        cache.remember(plan.period, f"report-{profile}", report_parts[profile])


def _manifest(run: _Done, options: RunOptions, result: RunResult, report_parts: dict) -> dict:
    """What the run's `manifest.json` says: its inputs, what it did and what it made."""
    plan, paths = run.plan, run.view
    outputs = _manifest_outputs(run, result)
    return {
        "run_id": result.run_id,
        "period": plan.period,
        "parameters": {
            "profiles": list(options.profiles),
            "backend": plan.backend,
            "jobs": options.jobs,
            "force": options.force,
        },
        "git": git_commit(paths.root),
        "packages": package_versions(),
        "inputs": _manifest_inputs(run),
        "inputs_digest": result.run_id,
        "units": {
            o.unit_code: {"state": o.state, "reused_from_cache": o.reused, "seconds": o.seconds}
            for o in run.current.unit_rows
        },
        "reused_units": sorted(o.unit_code for o in run.current.outcomes if o.reused),
        "ran_units": _ran(run.current),
        "comparison": {
            "period": plan.earlier,
            "processed": run.earlier is not None,
            "ran_units": _ran(run.earlier) if run.earlier is not None else [],
        },
        "outputs": outputs,
        "processed_digest": json_digest(outputs["processed"]),
        "report_text": outputs.pop("report_text"),
        "rendered_profiles": result.rendered,
        "report_keys": {profile: key_of(parts) for profile, parts in report_parts.items()},
        "narrative": result.narrative,
        "draft": {"missing": list(plan.draft), "not_published": _withheld(run, result)},
        "timings": run.timings,
        "locks": locks_record(plan.units.received),
    }


def _withheld(run: _Done, result: RunResult) -> dict[str, str]:
    """The files not written this time (the public page of a draft): each kept from an earlier
    run ("lần chạy trước") or absent ("chưa có"); none is this run's output."""
    return {
        name: "lần chạy trước" if (result.output_dir / name).is_file() else "chưa có"
        for output in run.plan.outputs
        if output.withheld
        for name in output.files
    }


def _ran(result: PeriodResult) -> list[str]:
    """The units whose notebook ran (not reused) in a period's processing."""
    reused = {o.unit_code for o in result.outcomes if o.reused}
    return sorted({p.job.unit.code for p in result.plans} - reused)


def _manifest_inputs(run: _Done) -> dict:
    """Every input of the run with its digest."""
    paths = run.view
    return {
        "raw": {
            p.job.path.name: {"unit": p.job.unit.code, "sha256": p.parts["workbook"]}
            for p in run.current.plans
        },
        "config": files_with_digests(list(paths.config.glob("*.yml")), paths.root),
        "notebook": files_with_digests([paths.notebooks / NOTEBOOK], paths.root),
        "report": files_with_digests(
            [paths.report_source, *paths.root.glob("_quarto*.yml")], paths.root
        ),
        "narrative": narrative_digests(paths, run.plan.period),
        "code": code_digest(),
    }


def _manifest_outputs(run: _Done, result: RunResult) -> dict:
    """The processed files and the reports with their digests (and `report_text`, the
    reports' text digests, which the caller moves to the manifest's top level)."""
    processed = run.view.processed_period(run.plan.period)
    output = run.generation.output
    # A report not rendered again is the one in place; a new one is still in `output`.
    where = {
        name: output / name if (output / name).is_file() else result.output_dir / name
        for profile in run.plan.profiles
        for name in report_files(run.plan.period, profile)
    }
    return {
        "processed": files_with_digests(
            [p for p in processed.rglob("*") if not p.name.startswith(".")], processed
        ),
        "reports": {n: file_digest(p) for n, p in where.items() if p.is_file()},
        "report_text": {n: content_digest(p) for n, p in where.items() if p.is_file()},
    }


def explain_period(
    period: str, paths: ProjectPaths, options: RunOptions | None = None
) -> list[tuple[str, bool, list[str]]]:
    """(what, would run, why) for each unit, the comparison period and each output: the plan
    `run_period` would carry out (`report.render.plan.PeriodPlan.explained`); runs nothing."""
    return plan_period(period, paths, options or RunOptions()).explained()
