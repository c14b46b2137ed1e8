"""What the raw folders hold, as the `status` command and a command without `--period` say it.

In: the project's folders (raw files, the processed data and the cache of the last run). Out:
the period a command takes when none is given, with the reason in the analyst's words
(`default_period`); and one row per file of a period with that file's own state
(`file_states`): the file a unit's figures come from, a second file of the same unit that is
set aside, and the units that sent nothing. A state is shown beside a file only when the last
run processed that very file (same bytes), never the state another file of the unit got.
A run refuses a period whose folder holds no workbook (`require_workbooks`) and says when no
file could be told to be a unit's (`none_identified_message`).
"""

from __future__ import annotations

from dataclasses import dataclass

from baocao.config.paths import ProjectPaths
from baocao.config.periods import is_period, sort_periods
from baocao.config.units import Unit
from baocao.errors import BaocaoError
from baocao.intake.workbook import SUPPORTED_SUFFIXES
from baocao.run.cache import Cache, file_digest
from baocao.run.discover import UnitJob, discover, period_files, shown_raw_folder
from baocao.run.received import Received, receive
from baocao.run.set_aside import OTHER_FILE, aside_reason
from baocao.run.store import read_unit_status
from baocao.unit.states import STATE_MISSING

SENT = "đã nộp"
NOT_SENT = "chưa nộp"
NOT_USED = "không dùng"
NOT_PROCESSED = "chưa xử lý"
NOTHING = "—"  # a unit that sent no file: nothing to process


def default_period(paths: ProjectPaths) -> tuple[str, str]:
    """(period, why) for a command run without `--period`: the latest period whose raw folder
    holds a workbook (an empty folder made ahead for the next period is not taken), else the
    latest period folder. `why` is Vietnamese, e.g. "kỳ mới nhất có tệp trong data/raw/".
    Raises `BaocaoError` when data/raw/ has no period folder."""
    raw = shown_raw_folder(paths).rstrip("/") + "/"
    found = (
        sort_periods([p.name for p in paths.raw.iterdir() if p.is_dir() and is_period(p.name)])
        if paths.raw.is_dir()
        else []
    )
    if not found:
        raise BaocaoError(
            f"Không có kỳ báo cáo nào trong {paths.raw}. Hãy tạo thư mục kỳ (ví dụ 2021-H1) và "
            "chép các tệp của đơn vị vào đó, hoặc chọn kỳ bằng --period."
        )
    with_files = [p for p in found if period_files(paths.raw_period(p))[0]]
    if not with_files:
        return found[-1], f"kỳ mới nhất trong {raw}; thư mục của kỳ chưa có tệp nào"
    chosen = with_files[-1]
    why = f"kỳ mới nhất có tệp trong {raw}"
    later = found[found.index(chosen) + 1 :]
    if later:
        why += f"; thư mục {', '.join(later)} chưa có tệp nào"
    return chosen, why


@dataclass(frozen=True)
class FileState:
    """One row of `status`: a unit and one of its files (`file` None: it sent nothing)."""

    unit_code: str
    unit_name: str
    file: str | None
    sent: str  # SENT, NOT_SENT or NOT_USED
    last: str  # what the last run gave this file, or why it gave nothing


def _last_state(job: UnitJob, period: str, paths: ProjectPaths, cache: Cache) -> str:
    """The state the last run gave this file: only when that run read these very bytes."""
    status = read_unit_status(paths.processed_period(period), job.unit.code)
    if status is None:
        return NOT_PROCESSED
    parts = cache.last_parts(period, job.unit.code) or {}
    source = status.get("source_file") or ""
    same = parts.get("workbook") == file_digest(job.path) if parts else source == job.path.name
    if same:
        return status["state"] + _counts(status)
    whose = f"tệp “{source}”" if source and source != job.path.name else "bản trước của tệp"
    return f"{NOT_PROCESSED} tệp này (lần trước “{status['state']}” là của {whose})"


def _counts(status: dict) -> str:
    """ " (1 lỗi, 2 cảnh báo mở, 1 đã kiểm tra)" from a unit's status counts (`store.
    finding_counts`: checked warnings apart from the open ones); "" when it has none."""
    said = [
        f"{status.get(key) or 0} {words}"
        for key, words in (
            ("errors", "lỗi"),
            ("warnings", "cảnh báo mở"),
            ("checked", "đã kiểm tra"),
        )
        if status.get(key)
    ]
    return f" ({', '.join(said)})" if said else ""


def _why(job: UnitJob, otherwise: str) -> str:
    """Why a unit's file is not used (`set_aside.aside_reason`: another period, sent in
    parts, no figure, cannot be opened…), or `otherwise` when it is that the unit has another
    file."""
    why = aside_reason(job.issues)
    return otherwise if why in ("", OTHER_FILE) else f"{why} (xem bên dưới)"


def file_states(
    period: str, paths: ProjectPaths, units: tuple[Unit, ...]
) -> tuple[list[FileState], list[UnitJob], Received]:
    """(one row per unit, each followed by its files set aside; the files set aside, with
    their messages; the period's files as received, `run.received`). Reads the raw folder
    and the last run's records; writes only the receipt ledger (a file seen first here is
    received now)."""
    jobs, rejected = discover(period, paths, units)
    received = receive(period, paths, units, jobs, rejected)
    in_use = {job.unit.code: job for job in received.jobs}
    cache = Cache.of(paths)
    used: dict[str, list[UnitJob]] = {}
    for job in jobs:  # the parts of a unit whose parts are added up come under that unit
        used.setdefault((job.part_of or job.unit).code, []).append(job)
    rows = []
    for unit in units:
        sent = used.get(unit.code, [])
        job = sent[0] if sent else None
        others = [o for o in rejected if o.unit is not None and o.unit.code == unit.code]
        for part in sent:
            # A locked unit's state is its locked version's (`received.jobs` read it).
            last = _last_state(in_use.get(part.unit.code, part), period, paths, cache)
            rows.append(FileState(unit.code, unit.name, part.path.name, SENT, last))
        if not sent and not others:
            rows.append(FileState(unit.code, unit.name, None, NOT_SENT, NOTHING))
        why = f"đơn vị đã có tệp “{job.path.name}”" if job else "xem thông báo bên dưới"
        rows.extend(
            FileState(unit.code, unit.name, o.path.name, NOT_USED, f"{NOT_USED}: {_why(o, why)}")
            for o in others
        )
    return rows, rejected, received


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
