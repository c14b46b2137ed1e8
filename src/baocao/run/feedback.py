"""Each unit's feedback file, staged with the run's generation: `_output/<period>/phan-hoi/`.

A run that makes the period's processed data again (`plan.UnitsPlan.remade`) writes, per unit
that sent a file, `phan-hoi-<mã>-<tên>-<kỳ>.xlsx` (`unit.feedback.feedback_file_name`) into the
generation's staged output: a copy of the unit's .xlsx/.xlsm with its problem cells marked, or
the list alone (`run.feedback_book`). The folder is committed with the generation: an
interrupted run leaves the previous feedback whole, and the files of units no longer sent go
with it. A unit's feedback is made once per cache entry (the unit's content key) and the unit's
findings as the period's checks left them (rules across units and periods, the analyst's
checked marks: `checked_note`), and copied from there on every later run; a run with
nothing changed writes none. Files set aside (a second file of a unit, parts held, a file of
no known unit) get a list of their own, made again on each run (they are few).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from baocao.base.keys import slugify
from baocao.config.periods import Period
from baocao.errors import BaocaoError
from baocao.run.cache import json_digest
from baocao.run.discover import UnitJob
from baocao.run.store import read_unit_status
from baocao.unit.feedback import (
    FeedbackHead,
    feedback_file_name,
    feedback_rows,
    finding_identity,
)

FEEDBACK_FOLDER = "phan-hoi"
_CACHED = "feedback"  # in a unit's cache entry
FORMULA_WITHOUT_VALUE = "(công thức chưa có kết quả)"
UNKNOWN_SENDER = "chưa xác định được đơn vị gửi tệp"


def read_seen(path: Path, cells: Iterable[tuple[str, str]]) -> tuple[dict, tuple[str, ...]]:
    """({(sheet, cell): raw value} of `cells`, the file's sheet names) as baocao read them
    (calamine, after the file's safety check); ({}, ()) for a file that cannot be opened."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    from baocao.intake.workbook import open_checked

    try:
        opened = open_checked(path)
    except (BaocaoError, OSError):
        return {}, ()
    seen = {}
    with opened:
        names = tuple(opened.sheet_names)
        for sheet, cell in cells:
            if sheet not in names or not cell:
                continue
            try:
                letters, number = coordinate_from_string(cell)
                rows = opened.rows(sheet)
            except (ValueError, BaocaoError):
                continue
            column = column_index_from_string(letters) - 1
            row = rows[number - 1] if 0 < number <= len(rows) else []
            scan = opened.sheet_scan(sheet)
            if cell in scan.errors:  # calamine reads an error cell as its cached number
                seen[(sheet, cell)] = scan.errors[cell]
            elif cell in scan.formulas_without_value:
                seen[(sheet, cell)] = FORMULA_WITHOUT_VALUE
            else:
                seen[(sheet, cell)] = row[column] if column < len(row) else None
    return seen, names


def sheet_names(path: Path) -> tuple[str, ...]:
    """The sheets of a file the unit's notebook read without a problem, in the file's order
    (() when it cannot be opened after all)."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # noqa: BLE001 - calamine raises several types for a foreign file
        return ()
    try:
        return tuple(book.sheet_names)
    finally:
        book.close()


def build_feedback(
    target: Path,
    status: Mapping[str, Any],
    period: str,
    source: Path | None,
    checked: Mapping[str, str] | None = None,
    made_on: date | None = None,
    receipt: tuple[str, str] = ("", ""),
) -> bool:
    """Write the feedback of one unit's file at `target` from its status (`store.write_unit`'s
    record: unit, file, figures read, issues). `source` is the file it sent (None: a list
    alone; a file with no finding gets the list alone too). `receipt`: (when this version was
    received, what a locked unit is told of its later file), as `receipt_lines` gives. Returns
    whether the feedback is a copy of the unit's workbook."""
    code = str(status.get("unit_code") or "")
    issues = list(status.get("issues") or [])
    cells = {(str(i.get("sheet") or ""), str(i.get("cell") or "").upper()) for i in issues}
    from baocao.run.feedback_book import write_feedback_book  # openpyxl: only when writing

    if source is None:
        seen, sheets = {}, ()
    elif issues:
        seen, sheets = read_seen(source, cells)
    else:  # read without a problem by the unit's notebook: its sheets' names are all we need
        seen, sheets = {}, sheet_names(source)
    rows = feedback_rows(code, issues, seen, checked)
    head = FeedbackHead(
        period=period,
        period_label=Period.parse(period).label(),
        unit_code=code,
        unit_name=str(status.get("unit_name") or ""),
        file_name=str(status.get("source_file") or (source.name if source else "")),
        made_on=made_on or date.today(),
        figures=int(status.get("rows_read") or 0),
        sheets=sheets,
        errors=sum(r.severity == "error" for r in rows),
        warnings=sum(r.severity == "warning" for r in rows),
        checked=sum(r.checked for r in rows),
        received=receipt[0],
        locked=receipt[1],
    )
    try:
        # A file with nothing to fix gets the short list alone: no copy to mark (and faster).
        return write_feedback_book(target, head, rows, source if sheets and rows else None)
    except OSError:
        raise
    except Exception:  # noqa: BLE001 - a workbook openpyxl loads but cannot save: the list alone
        return write_feedback_book(target, head, rows, None)


def checked_notes(code: str, status: Mapping[str, Any]) -> dict[str, str]:
    """Finding identity -> the analyst's note, for the issues of a unit's status that the
    period's checks marked checked (`config.checked.checked_state` sets `checked_note`)."""
    return {
        finding_identity(code, issue): str(issue["checked_note"])
        for issue in status.get("issues") or []
        if isinstance(issue, Mapping) and issue.get("checked_note") is not None
    }


def receipt_lines(received: Any, code: str, path: Path) -> tuple[str, str]:
    """(“bản 2, nhận lúc 09:30 ngày 30/06/2026”: the version of `path` the receipt ledger
    holds for unit `code`, i.e. when baocao first saw it; what the unit is told when its
    figures are locked and a later file of it was received, not used) from the run's
    `run.received.Received` ("" each when there is nothing to say)."""
    from baocao.run.cache import file_digest
    from baocao.run.receipts import version_with

    if received is None:
        return "", ""
    version = version_with(received.ledger, code, file_digest(path))
    said = f"bản {version.version}, nhận lúc {version.received_shown}" if version else ""
    held = next((h for h in received.held if h.unit_code == code), None)
    if held is None or held.newer is None:
        return said, ""
    which = (
        f"theo bản {held.lock.version}"
        if held.lock.version is not None
        else "khi đơn vị chưa gửi tệp (chốt cả kỳ)"
    )
    locked = (
        f"Số liệu của đơn vị đã được chốt {which}; tệp gửi sau "
        f"(“{held.newer.file}”, bản {held.newer.version}, nhận lúc "
        f"{held.newer.received_shown}) đã được ghi nhận nhưng không dùng. Nếu cần sửa số liệu "
        "đã chốt, hãy liên hệ Ban Thường trực."
    )
    return said, locked


@dataclass
class FeedbackStage:
    """The feedback files of one run of `period`, written into `folder` (the staged
    `phan-hoi/`). `checked` is the analyst's checked findings (finding identity → note,
    `unit.feedback.finding_identity`); none by default. `received`: the run's
    `run.received.Received` (each file's version and time of receipt, the locks), or None."""

    folder: Path
    period: str
    checked: Mapping[str, str] = field(default_factory=dict)
    received: Any = None
    written: list[Path] = field(default_factory=list)
    seconds: float = 0.0  # spent making and copying them (the manifest's `timings.feedback`)
    units: set[str] = field(default_factory=set)  # the units given a feedback file

    @classmethod
    def start(
        cls,
        output: Path,
        period: str,
        checked: Mapping[str, str] | None = None,
        received: Any = None,
    ):
        """An empty `phan-hoi/` in the generation's staged output `output`."""
        folder = Path(output) / FEEDBACK_FOLDER
        if folder.is_dir():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        return cls(folder, period, dict(checked or {}), received)

    def _checked_of(self, code: str) -> dict[str, str]:
        """The checked findings given to `start` that are `code`'s."""
        return {k: v for k, v in self.checked.items() if k.startswith(f"{code}/")}

    def unit(self, processed: Path, entry: Path, job: UnitJob) -> Path | None:
        """The feedback of a unit's file whose status is in `processed` (the staged processed
        data): made in the unit's cache `entry` when not there yet, copied into the folder.
        None when the unit has no status (nothing to say)."""
        started = time.perf_counter()
        try:
            return self._unit(processed, entry, job)
        finally:
            self.seconds += time.perf_counter() - started

    def _unit(self, processed: Path, entry: Path, job: UnitJob) -> Path | None:
        code = job.unit.code
        status = read_unit_status(processed, code)
        if status is None:
            return None
        self.units.add(code)
        # A copy of a unit's .xlsm keeps its macros and its ending; the list alone (a file
        # with nothing to fix) is a plain workbook, which Excel opens only as .xlsx.
        copy = job.path.suffix.lower() == ".xlsm" and bool(status.get("issues"))
        suffix = ".xlsm" if copy else ".xlsx"
        name = feedback_file_name(code, job.unit.short, self.period, suffix)
        checked = {**self._checked_of(code), **checked_notes(code, status)}
        receipt = receipt_lines(self.received, code, job.path)
        digest = json_digest(
            {
                "name": name,
                "file": status.get("source_file"),
                "issues": status.get("issues"),
                "checked": checked,
                "receipt": receipt,
            }
        )
        cached = entry / _CACHED / f"{digest[:16]}{suffix}"
        if not cached.is_file():
            cached.parent.mkdir(parents=True, exist_ok=True)
            build_feedback(cached, status, self.period, job.path, checked, receipt=receipt)
        return self._place(cached, name)

    def set_aside(self, processed: Path, rejected: Iterable[UnitJob], held: Mapping) -> None:
        """The lists of the files the run set aside: a unit sent in parts and held (its
        status in `processed`: send one file for the whole unit), a file of no known unit
        (named by the file), the file of a unit none of whose files was used (another
        period's, one that cannot be opened…). A second file of a unit that has a file in use
        gets none: keeping one file per unit is the office's business, not the unit's."""
        started = time.perf_counter()
        self._set_aside(processed, rejected, held)
        self.seconds += time.perf_counter() - started

    def _set_aside(self, processed: Path, rejected: Iterable[UnitJob], held: Mapping) -> None:
        for code, files in held.items():
            status = read_unit_status(processed, code)
            if status is not None:
                unit = files[0].unit
                name = feedback_file_name(code, unit.short, self.period)
                build_feedback(
                    self.folder / name, status, self.period, None, self._checked_of(code)
                )
                self.written.append(self.folder / name)
                self.units.add(code)
        for job in rejected:
            if job.unit is not None and job.unit.code in held:
                continue
            status = {
                "unit_code": job.unit.code if job.unit else "",
                "unit_name": job.unit.name if job.unit else UNKNOWN_SENDER,
                "source_file": job.path.name,
                "issues": [issue.as_dict() for issue in job.issues],
            }
            stem = slugify(job.path.stem) or "tep"
            if job.unit is None:
                name = f"phan-hoi-khong-ro-don-vi-{stem}-{self.period}.xlsx"
            else:  # only when the unit has no feedback of its own (no file of it was used)
                name = feedback_file_name(job.unit.code, job.unit.short, self.period)
                if (self.folder / name).exists() or job.unit.code in self.units:
                    continue
            build_feedback(self.folder / name, status, self.period, job.path, {})
            self.written.append(self.folder / name)

    def _place(self, cached: Path, name: str) -> Path:
        target = self.folder / name
        shutil.copy2(cached, target)  # the time it was made: unchanged feedback stays as it was
        self.written.append(target)
        return target
