"""A period's files as received: recorded in the ledger, then the locked units' held back.

In: the files `discover` found for a period (the files in use, and those set aside). Out:
`Received`: every version of a unit's file recorded when first seen (`receipts`), the files a
run uses once the locks are applied (`locks.apply_locks`: a locked unit's locked version), and
the units whose newer file is held back. Every command that reads a period's folder (`run`,
`status`, `chot`) goes through here, so "received" means the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from baocao.config.paths import ProjectPaths
from baocao.run.locks import HeldBack, Lock, apply_locks, read_locks
from baocao.run.receipts import Receipt, record_receipts

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
