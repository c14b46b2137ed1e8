"""Processing a period: each unit's notebook (only those whose inputs changed), then the totals.

- Each unit's notebook runs under papermill in a warm kernel of a small pool (`kernels`), in
  parallel across `jobs` workers, and only when its content key changed (`cache`).
- Everything is built in a staged generation (`generations`) committed as one, with the report,
  so a run that is interrupted leaves the previous `data/processed/<period>/` and
  `_output/<period>/` whole and in step.
- One bad unit never stops the others: whatever goes wrong with it becomes its summary row,
  a cell over its time limit or a kernel that dies included (`unit_stopped` says which).
- Each unit's feedback file (`_output/<period>/phan-hoi/`, `feedback`) is staged with the
  processed data, made as each unit ends (once per cache entry) and copied for the others.
- A lock per period keeps two runs from interleaving; a manifest records what the run did.
"""

from __future__ import annotations

import importlib
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from baocao.base.files import write_json
from baocao.config.paths import ProjectPaths
from baocao.config.settings import DEFAULT_CELL_TIMEOUT, cell_timeout
from baocao.errors import Issue, disk_failure_in
from baocao.run.cache import Cache
from baocao.run.discover import UnitJob
from baocao.run.generations import Generation, repair
from baocao.run.kernels import KernelPool, NotebookStopped, with_isolation_cell
from baocao.run.parts import ADDED_UP, held_kind, held_message, held_units
from baocao.run.plan import NOTEBOOK, UnitPlan, UnitsPlan
from baocao.run.set_aside import aside_reason
from baocao.run.store import RUN_FILE, UnitFiles, read_unit_status, write_csv
from baocao.run.unit_stopped import (
    died_message,
    not_run_message,
    step_name,
    stopped_cell,
    timed_out_message,
)
from baocao.unit.states import STATE_ERRORS, STATE_MISSING, STATE_WARNINGS


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
    checked: int = 0  # warnings the analyst marked checked (config/checked-<kỳ>.yml)
    set_aside: bool = False  # a second file of a unit that has one: shown, but not a unit
    stopped: bool = False  # its notebook did not end (over its time limit, dead kernel, ...)
    why: str = ""  # a file set aside: why, in a few words (`set_aside.aside_reason`)


@dataclass
class PeriodResult:
    period: str
    outcomes: list[UnitOutcome]
    plans: list[UnitPlan]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # checked marks that match no warning now
    feedback_seconds: float = 0.0  # making the units' feedback files (`run.feedback`)

    @property
    def unit_rows(self) -> list[UnitOutcome]:
        """The rows of units (and of files of no unit), without a unit's second file."""
        return [o for o in self.outcomes if not o.set_aside]


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def run_unit_notebook(
    plan: UnitPlan,
    period: str,
    paths: ProjectPaths,
    cache: Cache,
    pool: KernelPool,
    review_pages: Callable[[Path], None] | None = None,
    cell_seconds: int = DEFAULT_CELL_TIMEOUT,
) -> UnitOutcome:
    """Execute the per-unit notebook into its cache entry; a failure becomes the outcome, a
    cell running over `cell_seconds` or a kernel that dies included (the message names the
    unit, its file and the notebook's step). `review_pages(entry)`, when given, makes the
    reviewer's pages of the executed notebook (once per cache entry)."""
    # Imported here, not at the top: a rerun with nothing changed runs no notebook at all and
    # should not pay for loading papermill.
    import nbformat
    import papermill

    unit, started = plan.job.unit, time.perf_counter()
    entry = cache.entry(plan.key)
    cache.discard(plan.key)
    entry.mkdir(parents=True)
    executed = entry / f"{unit.code}.ipynb"
    source_file = plan.job.path.name
    outcome = UnitOutcome(unit.code, unit.name, STATE_ERRORS, source_file=source_file)
    notebook = with_isolation_cell(nbformat.read(paths.notebooks / NOTEBOOK, as_version=4))
    try:
        with pool.kernel() as kernel:
            kernel.execute_notebook(
                notebook,
                str(executed),
                parameters={
                    **plan.parameters,
                    "workbook": str(plan.job.path.resolve()),
                    "processed_dir": str(entry.resolve()),
                    "config_dir": str(paths.config.resolve()),
                },
                execution_timeout=cell_seconds,
                iopub_timeout=cell_seconds,  # a cell's last output: the same limit
                progress_bar=False,
                request_save_on_cell_execute=False,
                # No `cwd`: papermill would chdir the whole process, which threads share.
            )
    except papermill.PapermillExecutionError as exc:
        if (disk := disk_failure_in(exc.evalue)) is not None:
            raise disk from None  # a full or read-only disk stops the run, not just this unit
        outcome.messages.append(f"Sổ tay dừng ở ô {exc.exec_count}: {exc.ename}: {exc.evalue}")
    except NotebookStopped as stop:  # timed out, kernel died: the unit's own row
        outcome.stopped = True
        outcome.messages.append(_stopped_message(stop, unit.name, source_file, cell_seconds))
        with suppress(Exception):  # best effort: the reviewer sees where it stopped
            nbformat.write(stop.notebook, executed)
    except Exception as exc:  # noqa: BLE001 - no kernel, ...: the unit's own row
        outcome.stopped = True
        reason = f"{type(exc).__name__}: {exc}"
        outcome.messages.append(not_run_message(unit.name, source_file, reason))
    if executed.is_file() and review_pages is not None and not pool.closed:
        review_pages(entry)
    if not outcome.messages and read_unit_status(entry, unit.code) is not None:
        cache.seal(plan.key, plan.parts)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _stopped_message(
    stop: NotebookStopped, unit_name: str, source_file: str, cell_seconds: int
) -> str:
    """What a notebook that did not end says: a cell over its time limit (nbclient's
    `CellTimeoutError`), a kernel that died (`DeadKernelError`), anything else."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    step = step_name(stop.notebook, stopped_cell(stop.notebook))
    if isinstance(stop.cause, CellTimeoutError):
        return timed_out_message(unit_name, source_file, step, cell_seconds)
    if isinstance(stop.cause, DeadKernelError):
        return died_message(unit_name, source_file, step)
    return not_run_message(unit_name, source_file, str(stop))


def stopped_notes(period: str, outcomes: list[UnitOutcome]) -> list[str]:
    """What the run says about the units of `period` (the comparison period, whose units are
    not listed) whose notebook did not end: one line each, naming the period."""
    return [f"Kỳ so sánh {period}: {m}" for o in outcomes if o.stopped for m in o.messages]


def _fill_from_status(outcome: UnitOutcome, status: dict | None) -> None:
    if status is None:
        outcome.errors = max(1, outcome.errors)
        return
    outcome.state = status["state"]
    outcome.rows_read = status["rows_read"]
    outcome.errors = status["errors"]
    outcome.warnings = status["warnings"]
    outcome.messages += [i["message"] for i in status["issues"] if i["severity"] == "error"]


def _record_stopped(processed: Path, outcome: UnitOutcome) -> None:
    """The status of a unit whose notebook stopped before writing its own (a cell over its
    limit, a dead kernel, ...): its file came, so it has errors (not "chưa nộp"), and no
    figure; the messages say why."""
    issues = [Issue("error", "notebook_stopped", message) for message in outcome.messages]
    write_json(
        UnitFiles.of(processed, outcome.unit_code).status,
        {
            "unit_code": outcome.unit_code,
            "unit_name": outcome.unit_name,
            "source_file": outcome.source_file,
            "state": STATE_ERRORS,
            "rows_read": 0,
            "errors": max(1, len(issues)),
            "warnings": 0,
            "illustrative": False,
            "issues": [issue.as_dict() for issue in issues],
        },
    )


def _copy_unit(entry: Path, unit_code: str, processed: Path, notebooks: Path) -> None:
    source, target = UnitFiles.of(entry, unit_code), UnitFiles.of(processed, unit_code)
    for name in ("values", "models", "validation", "status"):
        if getattr(source, name).is_file():
            getattr(target, name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(getattr(source, name), getattr(target, name))
    for page in (entry / f"{unit_code}.ipynb", entry / f"{unit_code}.html"):
        if page.is_file():
            shutil.copyfile(page, notebooks / page.name)


def held_outcome(unit, files: list[UnitJob]) -> UnitOutcome:
    """The summary row of a unit sent in parts (`run.parts`): “có lỗi”, naming its files."""
    return UnitOutcome(
        unit.code,
        unit.name,
        STATE_ERRORS,
        errors=1,
        source_file=", ".join(job.path.name for job in files),
        messages=[held_message(files)],
    )


def _write_parts(paths, period, processed: Path, held: dict, plans: list[UnitPlan]) -> None:
    """The processed files of the units sent in parts: held, or added up (`run.combine`)."""
    from baocao.run.combine import write_added_up, write_held

    for files in held.values():
        names = [job.path.name for job in files]
        write_held(processed, files[0].unit, names, held_message(files), held_kind(files))
    added = _added_up(plans)
    if added:
        from baocao.config.catalog import load_catalogue

        catalogue = load_catalogue(paths.config, period)
        for parts in added.values():
            unit = parts[0].job.part_of
            warning = next(i.message for i in parts[0].job.issues if i.kind == ADDED_UP)
            codes = [plan.job.unit.code for plan in parts]
            write_added_up(processed, unit, codes, catalogue, warning)


def _added_up(plans: list[UnitPlan]) -> dict[str, list[UnitPlan]]:
    """Unit code → the plans of its parts, for the units whose parts are added up."""
    added: dict[str, list[UnitPlan]] = {}
    for plan in plans:
        if plan.job.part_of is not None:
            added.setdefault(plan.job.part_of.code, []).append(plan)
    return added


def added_outcome(unit, parts: list[UnitOutcome]) -> UnitOutcome:
    """The summary row of a unit whose parts were added up: the worst state, all findings."""
    states = {o.state for o in parts}
    messages = list(dict.fromkeys(m for o in parts for m in o.messages))
    return UnitOutcome(
        unit.code,
        unit.name,
        STATE_ERRORS if STATE_ERRORS in states else STATE_WARNINGS,
        rows_read=sum(o.rows_read for o in parts),
        errors=sum(o.errors for o in parts),
        warnings=sum(o.warnings for o in parts) - (len(parts) - 1),  # one "added up" warning
        source_file=", ".join(o.source_file for o in parts),
        notebook=parts[0].notebook,
        messages=messages,
        reused=all(o.reused for o in parts),
        seconds=sum(o.seconds for o in parts),
    )


def _summary_rows(
    units, outcomes: dict[str, UnitOutcome], rejected: list[UnitJob], plans: list[UnitPlan]
) -> list:
    """One row per unit of the list (its outcome, held or added-up parts, or not sent), then one
    per file set aside: of no unit (code "?"), or a second file of a unit (`set_aside`), which
    is no unit."""
    held = held_units(rejected)
    parts = {
        code: [outcomes[p.job.unit.code] for p in part_plans if p.job.unit.code in outcomes]
        for code, part_plans in _added_up(plans).items()
    }
    rows = [
        outcomes.get(u.code)
        or (held_outcome(u, held[u.code]) if u.code in held else None)
        or (added_outcome(u, parts[u.code]) if parts.get(u.code) else None)
        or UnitOutcome(u.code, u.name, STATE_MISSING)
        for u in units
    ]
    for job in rejected:
        if job.unit is not None and job.unit.code in held:
            continue  # one row for the unit, above
        rows.append(
            UnitOutcome(
                job.unit.code if job.unit else "?",
                job.unit.name if job.unit else job.path.name,
                STATE_ERRORS,
                errors=len(job.issues),
                source_file=job.path.name,
                messages=[i.message for i in job.issues],
                set_aside=job.unit is not None,
                why=aside_reason(job.issues),
            )
        )
    return rows


def process_period(
    plan: UnitsPlan,
    paths: ProjectPaths,
    pool: KernelPool,
    *,
    generation: Generation | None = None,
    jobs: int = 1,
    review_pages: Callable[[Path], None] | None = None,
    on_unit_done: Callable[[UnitOutcome], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> PeriodResult:
    """Carry out `plan` (`run.plan.plan_period_units`): run the notebooks of the units it
    says, reuse the others, and, when it says the processed data is made again, total the
    period into `generation`'s staged `data/processed/<period>/` and
    `_output/<period>/notebooks/`, which the caller commits; without a `generation`, one of its
    own is repaired, made and committed. `review_pages(entry)` makes each executed notebook's
    reviewer pages. A unit's cell may run `BAOCAO_CELL_TIMEOUT` seconds
    (`settings.cell_timeout`). Interrupted (Ctrl-C), it closes `pool` at once: running
    notebooks end, no other unit starts."""
    period = plan.period
    if generation is None:
        repair(paths, period)
        generation = Generation(paths, period).start()
        result = process_period(
            plan,
            paths,
            pool,
            generation=generation,
            jobs=jobs,
            review_pages=review_pages,
            on_unit_done=on_unit_done,
            on_start=on_start,
        )
        generation.commit()
        return result
    started = time.perf_counter()
    cell_seconds = cell_timeout()  # a wrong setting stops the run before any unit
    units, plans, rejected = plan.units, list(plan.plans), list(plan.rejected)
    record, remade, received = plan.record, plan.remade, plan.received
    cache = Cache.of(paths)
    cache.save_memo(period, "files", plan.memo)
    notebooks_target = paths.output_period(period) / "notebooks"
    held = held_units(rejected)
    to_run = plan.to_run
    if on_start:
        on_start(len(plans), len(to_run))

    outcomes: dict[str, UnitOutcome] = {}
    sent: list[tuple[Path, UnitJob]] = []  # units given a feedback file once the period is checked

    def finish(plan: UnitPlan, outcome: UnitOutcome, copy_to: tuple[Path, Path] | None) -> None:
        entry = cache.entry(plan.key)
        _fill_from_status(outcome, read_unit_status(entry, plan.job.unit.code))
        if copy_to:
            _copy_unit(entry, plan.job.unit.code, *copy_to)
            if read_unit_status(copy_to[0], plan.job.unit.code) is None:
                _record_stopped(copy_to[0], outcome)
            sent.append((entry, plan.job))
        # The unit's status counts the issues found telling its unit (`plan.parameters`); its
        # errors' messages are among `outcome.messages` already, the warnings' said first.
        said = [i.message for i in plan.job.issues if i.severity != "error"]
        outcome.messages = said + [m for m in outcome.messages if m not in said]
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

    if not remade:
        # Nothing changed since the run that made the processed data: it stays as it is.
        for plan in plans:
            finish(plan, reused(plan), None)
        rows = _summary_rows(units, outcomes, rejected, plans)
        _counted_as_processed(rows, paths.processed_period(period))
        return PeriodResult(period, rows, plans, time.perf_counter() - started)

    from baocao.run.feedback import FeedbackStage  # openpyxl: only when data is made again

    processed, notebooks = generation.stage_processed()
    feedback = FeedbackStage.start(generation.output, period, received=received)
    for plan in plans:
        if plan.reuse:
            finish(plan, reused(plan), (processed, notebooks))
    if to_run:  # imported once here: by several unit threads at once it can fail half-made
        import papermill  # noqa: F401
    # The period's checks need Great Expectations in this process (2 s to import): imported
    # beside the units' notebooks, awaited before the checks.
    warming = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gx-import")
    gx_ready = warming.submit(importlib.import_module, "great_expectations")
    warming.shutdown(wait=False)
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="unit") as executor:
        futures = {
            executor.submit(
                run_unit_notebook, plan, period, paths, cache, pool, review_pages, cell_seconds
            ): plan
            for plan in to_run
        }
        try:
            for future in as_completed(futures):
                finish(futures[future], future.result(), (processed, notebooks))
        except BaseException:  # Ctrl-C, ...: no unit starts, the running ones end at once
            executor.shutdown(wait=False, cancel_futures=True)
            pool.close()
            raise

    # pandas: only when the period is collected
    from baocao.run.aggregate import collect_period, collect_status
    from baocao.run.period_rules import check_period  # GX: only when the period is collected

    _write_parts(paths, period, processed, held, plans)
    values, models, _ = collect_period(processed, units)
    gx_ready.result()
    notes = check_period(paths, period, processed, units, values)
    status = collect_status(processed, units)
    for entry, job in sent:  # after the period's checks: their warnings and checked marks too
        feedback.unit(processed, entry, job)
    feedback.set_aside(processed, rejected, held)
    write_csv(processed / "values.csv", values)
    write_csv(processed / "models.csv", models)
    write_csv(processed / "status.csv", status)
    if received is not None:  # versions, their changes and locks, for the report
        from baocao.run.received import write_receipts

        write_receipts(processed, paths, period, units, received)
    write_json(processed / RUN_FILE, record)
    rows = _summary_rows(units, outcomes, rejected, plans)
    _counted_as_processed(rows, processed)
    return PeriodResult(
        period, rows, plans, time.perf_counter() - started, notes, feedback_seconds=feedback.seconds
    )


def _counted_as_processed(rows: list[UnitOutcome], processed: Path) -> None:
    """The rows' state and counts as the units' statuses say once the period's own checks
    ran (`period_rules`: rules across units and periods, checked marks)."""
    for row in rows:
        if row.set_aside or row.state == STATE_MISSING:
            continue
        status = read_unit_status(processed, row.unit_code)
        if status is None:
            continue
        row.state = status.get("state", row.state)
        row.errors = status.get("errors", row.errors)
        row.warnings = status.get("warnings", row.warnings)
        row.checked = status.get("checked", 0)
