"""Where processed data lives and how it is written: every file atomically (`base.files`).

An interrupted run therefore never leaves a half-written file behind. The CSV writer is
deterministic (fixed column order, "\\n" line ends, integers without ".0") so two runs on the
same inputs give byte-identical files.
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from baocao.base.files import atomic_write_text, write_json
from baocao.errors import BaocaoError, Issue
from baocao.unit.states import STATE_VALID, STATE_WARNINGS

if TYPE_CHECKING:  # pandas is imported where a table is read; a rerun with nothing to do reads none
    import pandas as pd

UNITS_FOLDER = "units"


def _cell_text(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    text = frame.map(_cell_text).to_csv(index=False, lineterminator="\n")
    return atomic_write_text(path, text)


def read_csv(path: Path) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(path, dtype={"unit_code": str, "period": str}, keep_default_na=True)


@dataclass(frozen=True)
class UnitFiles:
    values: Path
    models: Path
    validation: Path
    status: Path

    @classmethod
    def of(cls, processed_period: Path, unit_code: str) -> UnitFiles:
        folder = Path(processed_period) / UNITS_FOLDER
        return cls(
            values=folder / f"{unit_code}.values.csv",
            models=folder / f"{unit_code}.models.csv",
            validation=folder / f"{unit_code}.validation.json",
            status=folder / f"{unit_code}.status.json",
        )


def write_unit(
    processed_period: Path,
    *,
    unit_code: str,
    unit_name: str,
    source_file: str,
    state: str,
    rows_read: int,
    values: pd.DataFrame,
    models: pd.DataFrame,
    issues: tuple[Issue, ...],
    gx_result: dict[str, Any] | None,
    illustrative: bool = False,
) -> UnitFiles:
    """Write one unit's tidy data, models, validation results and status; status goes last."""
    files = UnitFiles.of(processed_period, unit_code)
    write_csv(files.values, values)
    write_csv(files.models, models)
    write_json(
        files.validation,
        {"issues": [i.as_dict() for i in issues], "great_expectations": gx_result},
    )
    write_json(
        files.status,
        {
            "unit_code": unit_code,
            "unit_name": unit_name,
            "source_file": source_file,
            "state": state,
            "rows_read": rows_read,
            **finding_counts(issues),
            "illustrative": illustrative,
            "issues": [i.as_dict() for i in issues],
        },
    )
    return files


def finding_counts(issues: tuple[Issue, ...] | list[Issue]) -> dict[str, int]:
    """A status's counts: errors, open warnings, and warnings the analyst checked."""
    return {
        "errors": sum(i.severity == "error" for i in issues),
        "warnings": sum(i.severity == "warning" and i.checked_note is None for i in issues),
        "checked": sum(i.checked_note is not None for i in issues),
    }


def restate_unit(
    processed_period: Path, unit_code: str, issues: tuple[Issue, ...], record: dict
) -> None:
    """Rewrite a unit's status `record` (as read) with `issues` (its own and the period's, each
    open or checked): the counts, and the state from the open ones (a unit whose findings are
    all checked warnings is valid; one with errors stays so). Not written when unchanged."""
    counts = finding_counts(issues)
    state = record.get("state")
    if state in (STATE_VALID, STATE_WARNINGS):  # the states a unit's findings decide
        state = STATE_WARNINGS if counts["warnings"] else STATE_VALID
    issues_out = [i.as_dict() for i in issues]
    new = {**record, **counts, "state": state, "issues": issues_out}
    if new != record:
        write_json(UnitFiles.of(processed_period, unit_code).status, new)


def read_json(path: Path) -> Any | None:
    """A JSON file written by the pipeline, or None when it is missing or unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


RUN_FILE = "run.json"  # in data/processed/<period>/: the run that made the processed data


def found_issues(text: str) -> tuple[Issue, ...]:
    """The issues found while telling a file's unit (`run.discover`: an old unit's name, parts
    added up), passed to the unit's notebook as JSON (a list of `Issue.as_dict()`), so that
    its status, review page and everything read from them carry them; "" gives none."""
    return tuple(Issue(**issue) for issue in json.loads(text)) if text else ()


def read_unit_status(processed_period: Path, unit_code: str) -> dict[str, Any] | None:
    return read_json(UnitFiles.of(processed_period, unit_code).status)


def lock_files(folder: Path, period: str) -> tuple[Path, Path]:
    """The lock file of a period and the note naming the run that holds it."""
    return folder / f".{period}.lock", folder / f".{period}.lock.txt"


_HOLDER = re.compile(r"tiến trình (\d+) trên máy (\S+),")


def lock_holder(note: Path) -> tuple[int, str] | None:
    """(process number, machine) of the run a lock's note names, or None when unreadable."""
    found = _HOLDER.search(read_text(note) or "")
    return (int(found.group(1)), found.group(2)) if found else None


def _gone(holder: tuple[int, str] | None) -> bool:
    """Whether the run a lock's note names has ended: only knowable for this machine."""
    import psutil

    return (
        holder is not None
        and holder[1] == socket.gethostname()
        and holder[0] != os.getpid()
        and not psutil.pid_exists(holder[0])
    )


def _take_over(path: Path, note: Path, holder: tuple[int, str] | None) -> FileLock | None:
    """The lock of a run that is gone from this machine while something it left (a process it
    started) still holds the file: the file is replaced by a new one, locked. One taker at a
    time (a second lock), which checks again that the holder is still the dead run."""
    if not _gone(holder):
        return None
    with FileLock(path.with_name(path.name + ".takeover"), timeout=10, thread_local=False):
        if lock_holder(note) != holder:
            return None
        try:
            path.unlink(missing_ok=True)  # Windows refuses while it is locked: no take-over
        except OSError:
            return None
        lock = FileLock(path, timeout=0, thread_local=False)
        try:
            lock.acquire()
        except Timeout:
            return None
        _write_holder(note)
        return lock


def _write_holder(note: Path) -> None:
    started = datetime.now().astimezone().strftime("%H:%M:%S ngày %d/%m/%Y")
    atomic_write_text(
        note, f"tiến trình {os.getpid()} trên máy {socket.gethostname()}, bắt đầu lúc {started}"
    )


@contextmanager
def period_lock(folder: Path, period: str, notes: list[str] | None = None):
    """Hold the lock of a period for the duration of a run (released even if the run dies).

    Two runs on the same period cannot interleave: the second one stops at once with a message
    naming the first (its process number, machine and start time). The lock is `filelock`'s,
    which the operating system releases when the process ends, on Windows as on Linux; the
    holder's description is a separate file, since Windows forbids reading a locked file. A
    lock whose run is gone from this machine is taken over, and `notes` (when given) gets a
    Vietnamese line saying so. Raises BaocaoError when another run holds the lock.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path, note = lock_files(folder, period)
    lock = FileLock(path, timeout=0, thread_local=False)
    try:
        lock.acquire()
        left = lock_holder(note)  # a note is only left behind by a run that did not finish
    except Timeout:
        left = lock_holder(note)
        lock = _take_over(path, note, left)
        if lock is None:
            holder = (read_text(note) or "").strip() or "không rõ"
            raise BaocaoError(
                f"Kỳ {period} đang được một lần chạy khác xử lý ({holder}). Hãy đợi lần chạy "
                "đó kết thúc rồi chạy lại. Đừng xóa tệp khóa: khi lần chạy đó dừng, kể cả bị "
                "tắt ngang, lần chạy sau tự tiếp quản khóa."
            ) from None
    try:
        if left is not None and left[0] != os.getpid() and notes is not None:
            notes.append(
                f"Lần chạy trước của kỳ {period} (tiến trình {left[0]} trên máy {left[1]}) "
                "đã dừng giữa chừng; lần chạy này đã tiếp quản khóa của kỳ."
            )
        _write_holder(note)
        yield
    finally:
        note.unlink(missing_ok=True)
        lock.release()


def read_text(path: Path) -> str | None:
    """A UTF-8 text file, or None when it is missing or unreadable."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
