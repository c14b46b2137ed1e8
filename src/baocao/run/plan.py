"""What a run will do with one period's units, and why: decided once, before anything runs.

In: a period, the project's folders, `force` and the period's narrative digest. Out: a
`UnitsPlan` saying, for each unit's file, whether its notebook runs (and the Vietnamese reasons)
or its cached result is reused, and whether the period's processed data is made again. The
runner (`process.process_period`) carries the plan out and `baocao run --explain` prints it
(`report.render.plan`), so the two can never disagree. Only the receipt ledger is written
(`run.received`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from baocao.config.checked import checked_path
from baocao.config.outline import model_group
from baocao.config.paths import ProjectPaths
from baocao.config.rule_kinds import earlier_periods
from baocao.config.units import Unit, load_units
from baocao.run.cache import (
    Cache,
    changed,
    file_digest,
    json_digest,
    key_of,
    run_id,
    unit_key_parts,
)
from baocao.run.discover import IdentityMemo, UnitJob, discover
from baocao.run.feedback import FEEDBACK_FOLDER
from baocao.run.parts import held_units
from baocao.run.received import Received, receipts_digest, receive
from baocao.run.set_aside import records as set_aside_records
from baocao.run.store import RUN_FILE, read_json

NOTEBOOK = "clean_unit.ipynb"
FORCED = "chạy lại toàn bộ theo yêu cầu (--force)"
NOT_CACHED = "kết quả trước đó không còn trong bộ nhớ đệm"
REUSED = "không có gì thay đổi: dùng lại kết quả đã có"


@dataclass
class UnitPlan:
    """What the run will do for one unit's file, and why (`reasons` empty: reused)."""

    job: UnitJob
    parts: dict[str, str]
    key: str
    reasons: list[str]
    parameters: dict[str, str]  # the notebook's parameters that matter to its result

    @property
    def reuse(self) -> bool:
        return not self.reasons


def parameters(job: UnitJob, period: str, group: str) -> dict[str, str]:
    """The notebook's parameters that matter to its result (paths do not); the issues found
    while telling the file's unit go into the unit's own status (`store.found_issues`);
    `group` (the notebook's `model_group`) is what the period's outline calls the groups of
    models (its warnings say it), so that a change of outline reruns a unit only when that
    word changes."""
    found = json.dumps([i.as_dict() for i in job.issues], ensure_ascii=False) if job.issues else ""
    parameters = {
        "period": period,
        "unit_code": job.unit.code,
        "unit_name": job.unit.name,
        "model_group": group,
    }
    return {**parameters, "found_issues": found} if found else parameters


def plan_units(
    jobs: list[UnitJob], period: str, paths: ProjectPaths, cache: Cache, force: bool
) -> list[UnitPlan]:
    """One `UnitPlan` per identified file: run when forced or when its content key has no
    complete cache entry (the reasons name the inputs that changed since its last run)."""
    notebook = paths.notebooks / NOTEBOOK
    group = model_group(paths.config, period) if jobs else ""
    plans = []
    for job in jobs:
        given = parameters(job, period, group)
        parts = unit_key_parts(paths, job.path, notebook, given)
        key = key_of(parts)
        if force:
            reasons = [FORCED]
        elif cache.has(key):
            reasons = []
        else:
            reasons = changed(cache.last_parts(period, job.unit.code), parts) or [NOT_CACHED]
        plans.append(UnitPlan(job, parts, key, reasons, given))
    return plans


@dataclass(frozen=True)
class UnitsPlan:
    """A period's units as the run will treat them.

    `record` is what `data/processed/<period>/run.json` will say (the run's id, each unit's
    content key, the unit list); `recorded` what it says now (None: never processed);
    `memo` the files' identities to remember once the run is under way."""

    period: str
    units: tuple[Unit, ...]
    plans: tuple[UnitPlan, ...]
    rejected: tuple[UnitJob, ...]
    record: dict
    recorded: dict | None
    notebooks_kept: bool  # `_output/<period>/notebooks/` and `phan-hoi/` are in place
    memo: dict
    # The files as received (`run.received.Received`: ledger, locks, locked units held back).
    received: Received | None = None

    @property
    def held(self) -> list:
        """Locked units whose newer file is not used (`run.locks.HeldBack`), for the run to say."""
        return list(self.received.held) if self.received else []

    @property
    def to_run(self) -> list[UnitPlan]:
        return [plan for plan in self.plans if not plan.reuse]

    @property
    def remade(self) -> bool:
        """Whether the period's processed data is made again (else left as it is)."""
        return bool(self.to_run) or self.recorded != self.record or not self.notebooks_kept

    @property
    def data_changes(self) -> bool:
        """Whether the processed tables may change: a unit runs, or the record changes beyond
        the run's id (which only names the inputs the report's own key already holds)."""

        def data(record: dict | None) -> dict | None:
            return None if record is None else {k: v for k, v in record.items() if k != "run_id"}

        return bool(self.to_run) or data(self.recorded) != data(self.record)


def run_record(
    paths: ProjectPaths, period: str, units, plans: list[UnitPlan], narrative: str
) -> dict:
    """What `data/processed/<period>/run.json` says: the run's id and everything it was made of."""
    unit_keys = {plan.job.unit.code: plan.key for plan in plans}
    return {
        "period": period,
        "run_id": run_id(paths, unit_keys, narrative),
        "units": unit_keys,
        "unit_list": json_digest([(u.code, u.name) for u in units]),
    }


def period_checks_digest(paths: ProjectPaths, period: str, planned: dict | None = None) -> str:
    """What the period's own checks (`run.period_rules`) read besides its units: the analyst's
    `config/checked-<period>.yml`, and what the earlier periods' processed data is made of
    (their `run.json` without the run's id: as `planned` in this run, else as on disk)."""
    checked = checked_path(paths.config, period)
    parts: dict = {"checked": file_digest(checked) if checked.is_file() else ""}
    for role, other in earlier_periods(period).items():
        record = (planned or {}).get(str(other))
        record = record or read_json(paths.processed_period(str(other)) / RUN_FILE) or {}
        parts[role] = {k: v for k, v in record.items() if k != "run_id"}
    return json_digest(parts)


def plan_period_units(
    period: str,
    paths: ProjectPaths,
    *,
    narrative_digest: str,
    force: bool = False,
    planned: dict | None = None,
) -> UnitsPlan:
    """The period's `UnitsPlan`: its files found and told apart (`discover`), each unit's
    content key compared with the cache. `narrative_digest` (the period's narrative by
    content) names the run in `run.json`; `planned` holds the records of the other periods
    this run processes (period -> `UnitsPlan.record`), which the period's checks compare with.
    Writes only the receipt ledger (`run.received`: a file is received when first seen); a
    locked unit's plan reads its locked version."""
    units = load_units(paths.config).for_period(period)
    cache = Cache.of(paths)
    memo = IdentityMemo(cache.load_memo(period, "files"))
    found, rejected = discover(period, paths, units, memo)
    received = receive(period, paths, units, found, rejected)  # recorded, locks applied
    plans = plan_units(received.jobs, period, paths, cache, force)
    record = run_record(paths, period, units, plans, narrative_digest)
    record["period_checks"] = period_checks_digest(paths, period, planned)
    held = held_units(rejected)
    if held:  # units sent in parts: their status is part of what the run made
        record["units_in_parts"] = {c: [j.path.name for j in files] for c, files in held.items()}
    if received.ledger:  # a version received, a lock: the processed receipts change
        record["receipts"] = receipts_digest(received)
    if rejected:  # for the internal report's annex and the Excel sheet (`report.compose.data`)
        record["set_aside"] = set_aside_records(rejected)
    return UnitsPlan(
        period,
        tuple(units),
        tuple(plans),
        tuple(rejected),
        record,
        read_json(paths.processed_period(period) / RUN_FILE),
        # The review pages and the units' feedback (`run.feedback`) are in place.
        all(
            (paths.output_period(period) / name).is_dir() for name in ("notebooks", FEEDBACK_FOLDER)
        ),
        memo.used,
        received,
    )


def explained_units(plan: UnitsPlan) -> list[tuple[str, bool, list[str]]]:
    """(unit, runs, why) for each unit's file, as `--explain` lists them; a locked unit whose
    newer file is not used says so."""
    held = {h.unit_code: f"đã chốt: dùng {h.lock.shown}, không dùng tệp mới" for h in plan.held}
    return [
        (
            f"{p.job.unit.code} {p.job.unit.name}",
            not p.reuse,
            [
                *(p.reasons or [REUSED]),
                *([held[p.job.unit.code]] if p.job.unit.code in held else []),
            ],
        )
        for p in plan.plans
    ]


def explained_comparison(period: str, plan: UnitsPlan | None) -> tuple[str, bool, list[str]]:
    """(the comparison period, processed again?, why), as `--explain` lists it."""
    what = f"kỳ so sánh {period}"
    if plan is None:
        return what, False, [f"không có tệp số liệu của kỳ {period}: không so sánh"]
    if plan.to_run:
        codes = ", ".join(p.job.unit.code for p in plan.to_run)
        reasons = dict.fromkeys(r for p in plan.to_run for r in p.reasons)
        return what, True, [f"xử lý lại {len(plan.to_run)} đơn vị ({codes})", *reasons]
    if plan.remade:
        return what, True, ["số liệu đã xử lý của kỳ được lập lại từ kết quả đã có"]
    return what, False, [REUSED]
