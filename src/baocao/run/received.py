"""A period's files as received: recorded in the ledger, then the locked units' held back.

In: the files `discover` found for a period (the files in use, and those set aside). Out:
`Received`: every version of a unit's file recorded when first seen (`receipts`), the files a
run uses once the locks are applied (`locks.apply_locks`: a locked unit's locked version), and
the units whose newer file is held back. Every command that reads a period's folder (`run`,
`status`, `chot`) goes through here, so "received" means the same everywhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from baocao.base.files import write_json
from baocao.config.paths import ProjectPaths
from baocao.run.cache import json_digest
from baocao.run.locks import HeldBack, Lock, apply_locks, read_locks
from baocao.run.receipts import Receipt, history, record_receipts

RECEIPTS_FILE = "tiep-nhan.json"  # in data/processed/<period>/: what the report reads of them
# A unit's file set aside only because the unit has another one is still a file the unit sent.
_SECOND_FILE = "duplicate_unit_file"


@dataclass(frozen=True)
class Received:
    """A period's files after receipt (see the module's text)."""

    jobs: list  # the `UnitJob`s to run, a locked unit's pointing at its locked version
    ledger: tuple[Receipt, ...]
    locks: dict[str, Lock] = field(default_factory=dict)
    held: list[HeldBack] = field(default_factory=list)


def sent_files(jobs: list, rejected: list) -> list:
    """The files to record: those in use, and a unit's other good files (set aside only
    because the unit has one already)."""
    second = [
        job
        for job in rejected
        if job.unit is not None
        and [i.kind for i in job.issues if i.severity == "error"] == [_SECOND_FILE]
    ]
    return [*jobs, *second]


def receive(
    period: str,
    paths: ProjectPaths,
    units,
    jobs: list,
    rejected: list,
    now: datetime | None = None,
) -> Received:
    """Record the period's files (`now`: when they are seen, default this moment) and apply
    its locks. Raises `ConfigError` for a damaged locks file, `BaocaoError` when a locked
    version's copy is gone, `OSError` when the ledger cannot be written."""
    ledger = record_receipts(paths, period, sent_files(jobs, rejected), now)
    codes = [*(u.code for u in units), *(j.unit.code for j in jobs if j.part_of is not None)]
    locks = read_locks(paths.config, period, codes)
    used, held = apply_locks(paths, period, jobs, ledger, locks)
    return Received(used, ledger, locks, held)


def receipts_digest(received: Received) -> str:
    """The receipts and locks by content, for `run.json`: a new version or lock remakes the
    processed data (and its `RECEIPTS_FILE`)."""
    locks = {code: asdict(lock) for code, lock in received.locks.items()}
    return json_digest({"ledger": [asdict(r) for r in received.ledger], "locks": locks})


def write_receipts(
    processed_period: Path, paths: ProjectPaths, period: str, units, received: Received
) -> Path:
    """`data/processed/<period>/tiep-nhan.json`, what the report and the status page read of
    the receipts: the deadline, and per unit (parts under their own code) its versions with
    the cells each changed (`receipts.history`), its lock and the file held back. Nothing in
    it depends on today's date, so the same receipts give the same bytes."""
    from baocao.run.deadlines import deadline_of

    deadline = deadline_of(paths.config, period)
    codes = list(dict.fromkeys([*(u.code for u in units), *(r.unit_code for r in received.ledger)]))
    held = {h.unit_code: h.message for h in received.held}
    record = {}
    for code in codes:
        versions = [
            {**asdict(change.receipt), "changes": list(change.lines), "error": change.error}
            for change in history(paths, period, code)
        ]
        lock = received.locks.get(code)
        if versions or lock:
            record[code] = {
                "versions": versions,
                "lock": asdict(lock) if lock else None,
                "held": held.get(code, ""),
            }
    data = {"period": period, "deadline": deadline.isoformat() if deadline else None}
    return write_json(Path(processed_period) / RECEIPTS_FILE, {**data, "units": record})


def locks_record(received: Received | None) -> dict:
    """The locks as the manifest records them: unit code → version locked (None: no file when
    the period was locked), sha256, who, when, whole period or not."""
    if received is None:
        return {}
    return {
        code: {k: v for k, v in asdict(lock).items() if k != "unit_code"}
        for code, lock in sorted(received.locks.items())
    }
