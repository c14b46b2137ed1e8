"""The receipt ledger: every version of a unit's file, recorded when baocao first sees it.

"Received" means first seen by baocao: the first command that read the period's folder
(`baocao run`, `baocao status`, `baocao chot`) after the file was put there. The times an e-mail
client or a copy gives a file are not evidence (they are those of the copy, or of the sender's
computer), so they are never read.

In: the files a period's units' figures come from (`discover.UnitJob`s). Out: under
`data/processed/tiep-nhan/<period>/` (outside the period's processed folder, which each run
replaces as a whole, and never under `data/raw/`), the ledger `so-tiep-nhan.json` (one
`Receipt` per version: unit, version number, sha256, file name, local time first seen) and a
kept copy of each version (`<sha256's first 8 digits>/<file name>`), from which the history of a
unit's figures is shown (`history`) and a locked unit's figures are read (`run.locks`). Every
file is written atomically, under a lock, so two commands at once never lose a version.
"""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from filelock import FileLock

from baocao.base.files import atomic_path, write_json
from baocao.config.paths import ProjectPaths
from baocao.errors import InputError
from baocao.run.cache import file_digest
from baocao.run.store import read_json

RECEIPTS_FOLDER = "tiep-nhan"
LEDGER = "so-tiep-nhan.json"


@dataclass(frozen=True)
class Receipt:
    """One version of a unit's file (a unit sent in parts: of one part, `unit_code` the part's)."""

    unit_code: str
    version: int  # 1, 2, … in the order baocao first saw them
    sha256: str
    file: str  # the file's name when first seen
    received_at: str  # local time, ISO 8601 with its offset, e.g. 2026-06-19T08:30:00+07:00
    kept: str  # the kept copy, relative to the period's receipts folder

    @property
    def received_on(self) -> date:
        return datetime.fromisoformat(self.received_at).date()

    @property
    def received_shown(self) -> str:
        """ "08:30 ngày 19/06/2026"."""
        return datetime.fromisoformat(self.received_at).strftime("%H:%M ngày %d/%m/%Y")


def receipts_folder(paths: ProjectPaths, period: str) -> Path:
    """`data/processed/tiep-nhan/<period>/`."""
    return Path(paths.processed) / RECEIPTS_FOLDER / period


def kept_path(paths: ProjectPaths, period: str, receipt: Receipt) -> Path:
    return receipts_folder(paths, period) / receipt.kept


def read_ledger(paths: ProjectPaths, period: str) -> tuple[Receipt, ...]:
    """Every version recorded for `period`, in the order first seen; () when none."""
    data = read_json(receipts_folder(paths, period) / LEDGER)
    rows = data.get("versions") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        return ()
    fields = set(Receipt.__dataclass_fields__)
    return tuple(Receipt(**r) for r in rows if isinstance(r, dict) and set(r) == fields)


def _keep(source: Path, target: Path) -> None:
    """Copy `source` to `target` atomically (a copy cut short is never taken for a version)."""
    with atomic_path(target) as temporary:
        shutil.copyfile(source, temporary)


def record_receipts(
    paths: ProjectPaths, period: str, jobs, now: datetime | None = None
) -> tuple[Receipt, ...]:
    """Record every file of `jobs` (`UnitJob`s: path and unit) whose content the ledger does
    not hold yet for its unit: a new version, received `now` (default: this moment, local
    time), its file kept. Returns the whole ledger. Raises `OSError` when the processed folder
    cannot be written."""
    folder = receipts_folder(paths, period)
    folder.mkdir(parents=True, exist_ok=True)
    moment = (now or datetime.now()).astimezone().isoformat(timespec="seconds")
    with FileLock(folder / "so-tiep-nhan.lock", thread_local=False):  # visible: not a leftover
        ledger = list(read_ledger(paths, period))
        known = {(r.unit_code, r.sha256) for r in ledger}
        added = False
        for job in jobs:
            digest = file_digest(job.path)
            if (job.unit.code, digest) in known:
                continue
            version = 1 + sum(r.unit_code == job.unit.code for r in ledger)
            # By content alone: the path stays short enough for Windows (260 characters) even for
            # the longest unit codes and file names; the ledger names the unit and the version.
            kept = f"{digest[:8]}/{job.path.name}"
            (folder / kept).parent.mkdir(parents=True, exist_ok=True)
            _keep(job.path, folder / kept)
            ledger.append(Receipt(job.unit.code, version, digest, job.path.name, moment, kept))
            known.add((job.unit.code, digest))
            added = True
        if added:
            write_json(folder / LEDGER, {"period": period, "versions": [asdict(r) for r in ledger]})
    return tuple(ledger)


def versions_of(ledger: tuple[Receipt, ...], unit_code: str) -> list[Receipt]:
    """A unit's versions, first seen first."""
    return [r for r in ledger if r.unit_code == unit_code]


def version_with(ledger: tuple[Receipt, ...], unit_code: str, digest: str) -> Receipt | None:
    """The version of a unit with these bytes (`digest`, sha256), or None."""
    return next((r for r in ledger if r.unit_code == unit_code and r.sha256 == digest), None)


@dataclass(frozen=True)
class VersionChange:
    """What changed from the previous version to `receipt` (`lines`: “E13: 12 → 21”; `error`:
    why it could not be compared)."""

    receipt: Receipt
    lines: tuple[str, ...] = ()
    error: str = ""


def history(paths: ProjectPaths, period: str, unit_code: str) -> list[VersionChange]:
    """A unit's versions, each with its cell-by-cell changes from the one before (the first
    version: none), read from the kept copies."""
    from baocao.intake.compare import cell_changes, change_lines

    ledger = read_ledger(paths, period)
    found, before = [], None
    for receipt in versions_of(ledger, unit_code):
        if before is None:
            found.append(VersionChange(receipt))
        else:
            try:
                changes = cell_changes(
                    kept_path(paths, period, before), kept_path(paths, period, receipt)
                )
                lines = change_lines(changes) or ["không ô nào đổi giá trị"]
                found.append(VersionChange(receipt, tuple(lines)))
            except InputError as error:
                found.append(VersionChange(receipt, error=error.message))
        before = receipt
    return found
