"""One plan for a period's run: what runs and why, decided once before anything runs.

In: a period, the project's folders and the run's options (`RunOptions`). Out: a `PeriodPlan`
saying, for each unit's notebook (`run.plan`), for the comparison period (the same period a
year earlier, processed too when it has files), for each report profile with its files and for
the Excel export, whether it runs and why, in Vietnamese. `pipeline.run_period` carries the
plan out and `baocao run --explain` prints it (`PeriodPlan.explained`): the two cannot
disagree. Kept in the report stage, the last one, because the plan covers the report's files
too; it reads files and the cache, and writes nothing.

A profile is rendered when forced, when it was never rendered, when the data it reads will be
made again (a unit of the period or of the comparison period runs), when an input of its
content key (`run.cache.report_key_parts`) differs from what it was last rendered from, or when
one of its files is missing. The public page is never rendered while the document to sign is a
draft (`narrative.draft`: a section without text, a tracked change pending, a heading not
matched): it is withheld, and the page of an earlier run, if any, stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period
from baocao.report.render.backends import choose_backend
from baocao.report.render.output_files import export_name, output_names, report_files
from baocao.report.render.profiles import PROFILE_NAMES, PROFILES, PUBLIC
from baocao.run.cache import Cache, changed, report_key_parts
from baocao.run.discover import period_files
from baocao.run.plan import (
    FORCED,
    UnitsPlan,
    explained_comparison,
    explained_units,
    plan_period_units,
)

EXPORT = "export"  # the Excel workbook of the appendices, made with the internal profile
KEPT = "không có gì thay đổi: giữ nguyên"
MISSING = "tệp báo cáo không còn trong thư mục kết quả"
UNITS_RUN = "số liệu của đơn vị sẽ được xử lý lại"
DATA_REMADE = "số liệu đã xử lý của kỳ sẽ được lập lại"
WITHHELD = (
    "văn bản để ký còn là dự thảo: không xuất bản trang công khai lần này, trang của lần chạy "
    "trước (nếu có) được giữ nguyên"
)


@dataclass(frozen=True)
class RunOptions:
    """What the user asked of a run: the report profiles, the backend (None: chosen), whether
    to render at all, parallel units (None: one per CPU), `force` and the report settings
    given on the command line (`overrides`: number, date, signer_name)."""

    profiles: tuple[str, ...] = PROFILES
    backend: str | None = None
    render: bool = True
    jobs: int | None = None
    force: bool = False
    overrides: dict | None = None


@dataclass(frozen=True)
class OutputPlan:
    """One output of the run: a report profile (`name` "official", "internal", "public") or
    the Excel export (`name` EXPORT), its files in `_output/<period>/`, whether it is made and
    why; `withheld` when it may not be made this time (the public page of a draft)."""

    name: str
    what: str
    files: tuple[str, ...]
    runs: bool
    reasons: tuple[str, ...]
    withheld: bool = False


@dataclass(frozen=True)
class PeriodPlan:
    """What a run of `period` will do (see the module's text). `comparison` is None when the
    comparison period (`earlier`) has no files; `backend` is "" when nothing is rendered;
    `narrative` is the period's narrative by content (`narrative_digest`); `overrides` the
    report settings given on the command line; `draft` one line per thing the document to sign
    lacks (`narrative.draft.Draft.items`; empty: it is final)."""

    period: str
    earlier: str
    units: UnitsPlan
    comparison: UnitsPlan | None
    backend: str
    narrative: str
    overrides: dict | None = None
    outputs: tuple[OutputPlan, ...] = ()
    draft: tuple[str, ...] = ()
    # Report keys already computed, by (paths, profile): the plan and the run's end ask for
    # them with the same paths when no data was made again (nothing on disk changed between).
    computed: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def withheld(self) -> list[str]:
        """The profiles not published this time (the public page of a draft)."""
        return [o.name for o in self.outputs if o.withheld]

    @property
    def profiles(self) -> list[str]:
        """The profiles the run reports on (rendered or kept)."""
        return [o.name for o in self.outputs if o.name != EXPORT]

    @property
    def to_render(self) -> list[str]:
        """The profiles rendered again, in the order asked."""
        return [o.name for o in self.outputs if o.name != EXPORT and o.runs]

    @property
    def export(self) -> bool:
        """Whether the Excel export is written again."""
        return any(o.name == EXPORT and o.runs for o in self.outputs)

    def report_parts(self, paths: ProjectPaths, profile: str) -> dict[str, str]:
        """`profile`'s report content key as `paths` show the data (`report_key_parts`)."""
        if (paths, profile) in self.computed:
            return self.computed[(paths, profile)]
        parts = self.computed[(paths, profile)] = report_key_parts(
            paths,
            self.period,
            self.earlier,
            profile,
            self.backend,
            self.overrides,
            narrative=self.narrative,
        )
        return parts

    def explained(self) -> list[tuple[str, bool, list[str]]]:
        """(what, runs, why) for each unit, the comparison period and each output, in the
        order `--explain` prints them."""
        return [
            *explained_units(self.units),
            explained_comparison(self.earlier, self.comparison),
            *((o.what, o.runs, list(o.reasons)) for o in self.outputs),
        ]


def narrative_digest(paths: ProjectPaths, period: str) -> str:
    """The period's narrative by content (Markdown bytes, what the Word document says): a part
    of the run's id and of the report's content key."""
    from baocao.report.narrative.source import folder_digest  # python-docx: only here

    return folder_digest(paths.root / "narrative" / period)


def has_workbooks(paths: ProjectPaths, period: str) -> bool:
    """Whether `period`'s raw folder holds a workbook (an empty folder compares with nothing)."""
    return bool(period_files(paths.raw_period(period))[0])


def plan_period(
    period: str, paths: ProjectPaths, options: RunOptions, narrative: dict | None = None
) -> PeriodPlan:
    """The `PeriodPlan` of a run of `period` with `options`; `narrative` is the run's
    `narrative_check.narrative_summary` (None: read here, when the run renders). Raises
    `BaocaoError` for a backend that cannot be used (`choose_backend`) or a narrative the
    report cannot use."""
    earlier = str(Period.parse(period).same_period_last_year())
    written = narrative_digest(paths, period)
    comparison = None
    if has_workbooks(paths, earlier):
        comparison = plan_period_units(
            earlier, paths, narrative_digest=narrative_digest(paths, earlier), force=options.force
        )
    planned = {earlier: comparison.record} if comparison is not None else None
    units = plan_period_units(
        period, paths, narrative_digest=written, force=options.force, planned=planned
    )
    backend = choose_backend(options.backend) if options.render else ""
    if narrative is None and options.render:
        from baocao.report.render.narrative_check import narrative_summary

        narrative = narrative_summary(paths, period, check_names=False)
    draft = tuple((narrative or {}).get("draft", ()))
    plan = PeriodPlan(
        period, earlier, units, comparison, backend, written, options.overrides, draft=draft
    )
    return replace(plan, outputs=plan_outputs(plan, paths, options) if options.render else ())


def plan_outputs(plan: PeriodPlan, paths: ProjectPaths, options: RunOptions) -> tuple:
    """An `OutputPlan` for each profile in `options.profiles` and for the Excel export."""
    outputs = []
    for profile in options.profiles:
        files = tuple(output_names(plan.period, profile).values())
        kinds = ", ".join(Path(name).suffix for name in files)
        what = f"{PROFILE_NAMES[profile]} ({kinds})"
        if profile == PUBLIC and plan.draft:
            outputs.append(OutputPlan(profile, what, files, False, (WITHHELD,), withheld=True))
            continue
        reasons = report_reasons(plan, paths, options, profile) or [KEPT]
        outputs.append(OutputPlan(profile, what, files, reasons != [KEPT], tuple(reasons)))
    internal = next((o for o in outputs if o.name == "internal"), None)
    why = internal.reasons if internal else (f"chỉ lập cùng {PROFILE_NAMES['internal']}",)
    what = "bảng số liệu các phụ lục (.xlsx)"
    runs = internal is not None and internal.runs
    outputs.append(OutputPlan(EXPORT, what, (export_name(plan.period),), runs, why))
    return tuple(outputs)


def report_reasons(
    plan: PeriodPlan, paths: ProjectPaths, options: RunOptions, profile: str
) -> list[str]:
    """Why `profile`'s report is rendered again (none: it is kept as it is)."""
    if options.force:
        return [FORCED]
    name = f"report-{profile}"
    last = Cache.of(paths).last_parts(plan.period, name)
    if last is None:
        return changed(None, {})
    reasons = []
    if plan.units.to_run:
        reasons.append(UNITS_RUN)
    elif plan.units.data_changes:
        reasons.append(DATA_REMADE)
    if plan.comparison is not None and plan.comparison.data_changes:
        reasons.append(f"số liệu của kỳ so sánh {plan.earlier} sẽ được xử lý lại")
    reasons += changed(last, plan.report_parts(paths, profile))
    folder = paths.output_period(plan.period)
    if not all((folder / file).is_file() for file in report_files(plan.period, profile)):
        reasons.append(MISSING)
    return list(dict.fromkeys(reasons))
