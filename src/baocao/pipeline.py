"""The whole run of a period: its units processed (`run`), then its report (`report`).

In: a period and the project's folders. Out: `data/processed/<period>/`, the rendered DOCX,
HTML and Excel export under `_output/<period>/`, and the run's manifest. This is the one
module that uses both stages: `run` never imports `report`, and `report` reads only what
`run` wrote.

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
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period
from baocao.config.units import load_units
from baocao.errors import BaocaoError
from baocao.intake.workbook import SUPPORTED_SUFFIXES
from baocao.report.render.backends import choose_backend
from baocao.report.render.kernel import ReportKernel
from baocao.report.render.output_files import export_name, report_files
from baocao.report.render.profiles import PROFILE_NAMES, PROFILES
from baocao.run.cache import (
    Cache,
    changed,
    code_digest,
    file_digest,
    json_digest,
    key_of,
    report_key_parts,
    run_id,
    same_static_parts,
    stale_report_note,
)
from baocao.run.discover import IdentityMemo, discover
from baocao.run.generations import staged_generation
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
from baocao.run.process import (
    NOTEBOOK,
    UnitOutcome,
    default_jobs,
    plan_units,
    process_period,
    stopped_notes,
)
from baocao.run.scratch import run_scratch
from baocao.run.store import RUN_FILE
from baocao.run.submitted import period_files
from baocao.unit.states import STATE_MISSING


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


def narrative_summary(paths: ProjectPaths, period: str, check_names: bool = True) -> dict:
    """Where the report's narrative comes from (Word document or Markdown files), the tracked
    changes still pending and the warnings, for the run's output and its manifest. Raises
    `BaocaoError` when the Word document and the Markdown files were both edited, and for any
    mistake the report would stop at (an unknown figure name, a stray brace…): the run stops
    before processing anything, the previous outputs whole. `check_names=False` skips the
    figure names' check (a report was rendered from this very text, configuration and code)."""
    from baocao.config.catalog import load_catalogue
    from baocao.config.outline import load_outline
    from baocao.report.narrative.markdown import check_narratives
    from baocao.report.narrative.source import load_narratives

    catalogue = load_catalogue(paths.config, period)
    outline = load_outline(paths.config, catalogue, period)
    found = load_narratives(
        paths.root / "narrative" / period, outline, Period.parse(period), paths.root
    )
    # The names the report fills (`sentences.figure_names`) are the glossary's, whatever the
    # figures: checked here, before the units are processed.
    if check_names:
        from baocao.report.compose.sentences import figure_glossary  # pandas: only when checking

        names = (name for name, _, _ in figure_glossary(catalogue, outline))
        check_narratives(found.narratives, names)
    return {
        "source": found.source,
        "file": found.shown,
        "sections": sorted(found.narratives),
        "pending_changes": found.pending,
        "messages": list(found.messages),
        "draft_reasons": list(found.draft_reasons),
    }


def narrative_digest(paths: ProjectPaths, period: str) -> str:
    """The period's narrative by content (Markdown bytes, what the Word document says): a part
    of the run's id and of the report's content key."""
    from baocao.report.narrative.source import folder_digest

    return folder_digest(paths.root / "narrative" / period)


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


def _report_outputs_exist(folder: Path, period: str, profile: str) -> bool:
    return all((folder / name).is_file() for name in report_files(period, profile))


def _export_appendices(period: str, paths: ProjectPaths, folder: Path) -> Path:
    """Phụ lục I and II as an Excel workbook beside the internal report."""
    from baocao.config.catalog import load_catalogue
    from baocao.config.outline import load_outline
    from baocao.report.review.export import build_workbook, write_workbook
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
    )
    return write_workbook(book, folder / export_name(period))


def require_workbooks(period: str, paths: ProjectPaths) -> None:
    """Refuse to report on a period whose raw folder holds no workbook: a report of “0/65 đơn
    vị” is not a report. Raises `BaocaoError` saying where the files go and which are read."""
    folder = paths.raw_period(period)
    if not folder.is_dir():
        raise BaocaoError(
            f"Không có thư mục số liệu của kỳ {period}: {folder}. Hãy tạo thư mục này và chép "
            "vào đó các tệp bảng tính các đơn vị gửi."
        )
    workbooks, others = period_files(folder)
    if workbooks:
        return
    found = (
        f" Trong thư mục chỉ có: {', '.join(p.name for p in others[:5])}"
        + (f" và {len(others) - 5} tệp khác" if len(others) > 5 else "")
        + "."
        if others
        else " Thư mục đang trống."
    )
    raise BaocaoError(
        f"Không tìm thấy bảng tính nào của đơn vị trong {folder}, nên không lập báo cáo kỳ "
        f"{period}.{found} Chương trình đọc các tệp {', '.join(SUPPORTED_SUFFIXES)}; hãy chép "
        "các tệp các đơn vị gửi vào thư mục này rồi chạy lại."
    )


def none_identified_message(period: str, paths: ProjectPaths, outcomes: list) -> str | None:
    """A note when the period's folder has workbooks but none could be told to be a unit's:
    the report then has no unit's figures, and the errors listed say why."""
    if any(o.unit_code != "?" and o.state != STATE_MISSING for o in outcomes):
        return None
    return (
        f"Không tệp nào trong {paths.raw_period(period)} xác định được là của một đơn vị trong "
        f"danh sách của kỳ {period}, nên báo cáo chưa có số liệu của đơn vị nào. Hãy xem lỗi "
        "của từng tệp bên dưới (tệp của kỳ khác thì chuyển sang thư mục của kỳ đó; tệp của kỳ "
        "này thì ghi đúng tên đơn vị ở trang “Thông tin” hoặc đặt tên tệp theo mã đơn vị) rồi "
        "chạy lại."
    )


def _review_pages(entry: Path) -> None:
    """The reviewer's pages of the notebooks a unit's run just executed (imported here: a
    rerun that executes nothing does not load the page-making code)."""
    from baocao.report.review.pages import render_notebooks

    render_notebooks(entry)


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
    require_workbooks(period, paths)
    jobs = jobs or default_jobs()
    earlier = str(Period.parse(period).same_period_last_year())
    output_target = paths.output_period(period)
    timings: dict[str, object] = {}
    # The analysts' text is checked first: a conflict between the Word document and the
    # Markdown files stops the run before any unit is processed. Its figure names need no new
    # check when every report was last rendered from the same text, configuration and code.
    written = narrative_digest(paths, period)
    last = Cache.of(paths)
    names_checked = all(
        same_static_parts(last.last_parts(period, f"report-{profile}"), paths, written)
        for profile in profiles
    )
    # A period's first run (or --force) runs every unit and renders: the units' kernels boot
    # while the text is checked and the files are read, the report's while units are processed.
    first_run = force or not (paths.processed_period(period) / RUN_FILE).is_file()
    notes: list[str] = []
    with (
        run_scratch(),  # kernels' and builds' temporary files; a killed run's are removed
        staged_generation(paths, period, notes) as generation,
        KernelPool(jobs, log=paths.output / "kernels.log") as pool,
        ReportKernel(paths.report_source) if first_run and render else nullcontext() as ahead,
    ):
        if first_run:
            pool.prestart(min(jobs, len(period_files(paths.raw_period(period))[0])))
            if ahead is not None:
                ahead.start()
        narrative = (
            narrative_summary(paths, period, check_names=not names_checked) if render else {}
        )
        stopped: list[str] = []  # the comparison period's units whose notebook did not end
        if period_files(paths.raw_period(earlier))[0]:  # an empty folder compares with nothing
            with staged_generation(paths, earlier, notes) as before:
                earlier_result = process_period(
                    earlier,
                    paths,
                    pool,
                    narrative_digest=narrative_digest(paths, earlier),
                    review_pages=_review_pages,
                    jobs=jobs,
                    force=force,
                    generation=before,
                )
                before.commit()
            timings["earlier_period"] = round(earlier_result.seconds, 3)
            stopped = stopped_notes(earlier, earlier_result.outcomes)
        current = process_period(
            period,
            paths,
            pool,
            narrative_digest=written,
            review_pages=_review_pages,
            jobs=jobs,
            force=force,
            on_unit_done=on_unit_done,
            on_start=on_start,
            generation=generation,
        )
        view = generation.view(earlier)  # the report reads the staged data
        timings["units"] = {o.unit_code: round(o.seconds, 3) for o in current.unit_rows}
        timings["period"] = round(current.seconds, 3)
        result = RunResult(period, current.outcomes, paths.processed_period(period), output_target)
        result.narrative, result.notes = narrative, notes
        nobody = none_identified_message(period, paths, current.outcomes)
        if nobody is not None:
            result.narrative = {**narrative, "messages": [nobody, *narrative.get("messages", [])]}
        if stopped:
            result.narrative = {
                **result.narrative,
                "messages": [*stopped, *result.narrative.get("messages", [])],
            }

        chosen = choose_backend(backend) if render else ""
        result.backend = chosen
        cache = Cache.of(paths)
        previous_manifest = read_manifest(output_target)
        report_parts = {
            profile: report_key_parts(
                view, period, earlier, profile, chosen, overrides, narrative=written
            )
            for profile in (profiles if render else ())
        }
        to_render = [
            profile
            for profile, parts in report_parts.items()
            if force
            or cache.last_parts(period, f"report-{profile}") != parts
            or not _report_outputs_exist(output_target, period, profile)
        ]
        output = generation.output  # committed with the data and review pages at the end
        # Every profile to render comes from one execution of the report's code.
        render_times: dict[str, float] = {}
        if to_render:
            from baocao.report.render.reports import (
                render_reports,  # python-docx, nbclient: only here
            )

            t = time.perf_counter()
            # The appendices' workbook is written while the report's code runs in its kernel.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export") as beside:
                exported = (
                    beside.submit(_export_appendices, period, view, output)
                    if "internal" in to_render
                    else None
                )
                rendered = render_reports(
                    period,
                    to_render,
                    view,
                    output,
                    backend=chosen,
                    overrides=overrides,
                    kernel=ahead,
                )
                if exported is not None:
                    exported.result()
            render_times = {**rendered.timings, "total": round(time.perf_counter() - t, 3)}
            result.rendered.extend(to_render)
        timings["render"] = render_times
        for profile in profiles if render else ():
            for file_name in report_files(period, profile):
                kind = Path(file_name).suffix.lstrip(".")
                result.reports[(profile, kind)] = output_target / file_name

        result.run_id = run_id(paths, {p.job.unit.code: p.key for p in current.plans}, written)
        manifest = _manifest(
            view,
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
        generation.commit()
        if not render and (stale := stale_report_note(paths, period, earlier, profiles)):
            notes.append(stale)
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
    # A report not rendered again is the one in place; a new one is still in `output`.
    where = {
        name: output / name if (output / name).is_file() else result.output_dir / name
        for profile in (profiles if result.backend else ())
        for name in report_files(period, profile)
    }
    report_text = {n: content_digest(p) for n, p in where.items() if p.is_file()}
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
            for o in current.unit_rows
        },
        "reused_units": sorted(o.unit_code for o in current.outcomes if o.reused),
        "outputs": {
            "processed": processed_files,
            "reports": {n: file_digest(p) for n, p in where.items() if p.is_file()},
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
        what = f"báo cáo {PROFILE_NAMES[profile]}"
        if force:
            lines.append((what, True, ["chạy lại toàn bộ theo yêu cầu (--force)"]))
            continue
        if units_change:
            lines.append((what, True, ["số liệu của đơn vị sẽ được xử lý lại"]))
            continue
        parts = report_key_parts(
            paths,
            period,
            earlier,
            profile,
            chosen,
            overrides,
            narrative=narrative_digest(paths, period),
        )
        reasons = changed(cache.last_parts(period, name), parts)
        if not reasons and not _report_outputs_exist(paths.output_period(period), period, profile):
            reasons = ["tệp báo cáo không còn trong thư mục kết quả"]
        lines.append((what, bool(reasons), reasons or ["không có gì thay đổi: giữ nguyên"]))
    return lines
