"""Figures locked when read (chốt): a unit's, or the whole period's, until the analyst reopens.

The decision is the analyst's, kept under version control beside the configuration:
`config/locks-<period>.yml`, written by `baocao chot` and `baocao mo-khoa` (never by hand
needed), and, as any file of config/, part of the report's content key. Its keys are unit codes
and `all` (the whole period):

    "06001": {version: 1, sha256: "…", file: "06001-….xlsx", by: "…", at: "…", note: "…"}
    all: {by: "…", at: "…", note: "…", units: {"06001": {version: 1, sha256: "…", file: "…"}},
          reopened: ["06004"]}

A later file of a locked unit is received and recorded (`receipts`), not used: the run reads the
locked version's kept copy instead (`apply_locks`), and `status` and the run say so
(`held_notes`) until the unit is reopened. Under `all`, a unit that had sent nothing when the
period was locked stays without figures.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from baocao.base.files import atomic_write_text
from baocao.config.paths import ProjectPaths
from baocao.config.versions import read_yaml
from baocao.errors import BaocaoError, ConfigError
from baocao.run.cache import file_digest
from baocao.run.receipts import Receipt, kept_path, version_with

ALL = "all"
ENTRY_KEYS = ("version", "sha256", "file", "by", "at", "note")
HEADER = (
    "# Số liệu đã chốt của kỳ {period}: ghi bằng lệnh “baocao chot”, bỏ bằng “baocao mo-khoa”.\n"
    "# Tệp này là quyết định của chuyên viên: hãy commit vào git cùng cấu hình.\n"
)


@dataclass(frozen=True)
class Lock:
    """The lock on one unit: the version whose figures are used (None: the unit had sent no
    file when the whole period was locked), who locked it, when, and why."""

    unit_code: str
    version: int | None
    sha256: str
    file: str
    by: str
    at: str
    note: str = ""
    whole_period: bool = False

    @property
    def shown(self) -> str:
        """ "bản 1 (tệp “….xlsx”), chốt lúc 09:12 ngày 08/07/2026 bởi Nguyễn Thị B"."""
        when = _shown_time(self.at)
        what = f"bản {self.version} (tệp “{self.file}”)" if self.version else "chưa có tệp"
        scope = "chốt cả kỳ" if self.whole_period else "chốt"
        return f"{what}, {scope} lúc {when}" + (f" bởi {self.by}" if self.by else "")


def _shown_time(text: str) -> str:
    try:
        return datetime.fromisoformat(text).strftime("%H:%M ngày %d/%m/%Y")
    except (TypeError, ValueError):
        return str(text)


def locks_path(config_dir: Path, period: str) -> Path:
    return Path(config_dir) / f"locks-{period}.yml"


def read_lock_file(config_dir: Path, period: str) -> dict:
    """The locks file's data ({} when there is none). Raises `ConfigError` naming the file
    when it is not a mapping of unit codes and `all`."""
    path = locks_path(config_dir, period)
    if not path.is_file():
        return {}
    data = read_yaml(path) or {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ConfigError(
            f"{path}: phải là bảng theo mã đơn vị (và “{ALL}” cho cả kỳ), mỗi mục là bảng "
            "version, sha256, file, by, at, note. Tệp này do lệnh baocao chot ghi; nếu sửa "
            "tay sai, hãy khôi phục bản trong git."
        )
    return {str(k): v for k, v in data.items()}


def _lock(code: str, entry: dict, whole: dict | None = None) -> Lock:
    meta = whole if whole is not None else entry
    version = entry.get("version")
    return Lock(
        code,
        int(version) if version else None,
        str(entry.get("sha256") or ""),
        str(entry.get("file") or ""),
        str(meta.get("by") or ""),
        str(meta.get("at") or ""),
        str(meta.get("note") or ""),
        whole is not None,
    )


def read_locks(config_dir: Path, period: str, codes) -> dict[str, Lock]:
    """Unit code → its `Lock`, for the units locked in `period`: each unit locked on its own,
    then under `all` the units of `codes` (the unit list's, and the parts' codes) not reopened.
    Raises `ConfigError` (see `read_lock_file`)."""
    data = read_lock_file(config_dir, period)
    locks = {code: _lock(code, entry) for code, entry in data.items() if code != ALL}
    whole = data.get(ALL)
    if whole is not None:
        reopened = {str(c) for c in whole.get("reopened") or []}
        versions = {str(k): v for k, v in (whole.get("units") or {}).items()}
        for code in [*codes, *versions]:
            if code not in locks and code not in reopened:
                locks[code] = _lock(code, versions.get(code) or {}, whole)
    return locks


def write_lock_file(config_dir: Path, period: str, data: dict) -> Path:
    """Write the locks file atomically (removed when nothing is locked any more)."""
    path = locks_path(config_dir, period)
    if not data:
        path.unlink(missing_ok=True)
        return path
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return atomic_write_text(path, HEADER.format(period=period) + text)


def lock_entry(receipt: Receipt | None, by: str, at: str, note: str) -> dict:
    """A unit's entry in the locks file (`receipt`: the version locked)."""
    entry = {"version": receipt.version, "sha256": receipt.sha256, "file": receipt.file}
    return {**(entry if receipt else {}), "by": by, "at": at, "note": note}


@dataclass(frozen=True)
class HeldBack:
    """A locked unit with a file in its folder other than its locked version: received and
    recorded, not used."""

    unit_code: str
    unit_name: str
    lock: Lock
    newer: Receipt | None  # the file in the folder, as recorded

    @property
    def message(self) -> str:
        """What `status` and the run say about it, in Vietnamese."""
        sent = (
            f"tệp “{self.newer.file}” (bản {self.newer.version}, nhận lúc "
            f"{self.newer.received_shown})"
            if self.newer
            else "tệp mới"
        )
        used = (
            f"vẫn dùng số liệu đã chốt: {self.lock.shown}"
            if self.lock.version
            else f"khi chốt cả kỳ đơn vị chưa nộp tệp nên vẫn không có số liệu ({self.lock.shown})"
        )
        return (
            f"{self.unit_name} đã chốt số liệu; {sent} đã được ghi nhận nhưng không dùng, "
            f"{used}. Muốn dùng tệp mới, hãy mở khóa: baocao mo-khoa {self.lock.unit_code}."
        )


def apply_locks(
    paths: ProjectPaths, period: str, jobs: list, ledger: tuple[Receipt, ...], locks: dict
) -> tuple[list, list[HeldBack]]:
    """`jobs` (`discover.UnitJob`s) with each locked unit's file replaced by its locked
    version's kept copy (a unit locked without a file: its job dropped), and the units so held
    back. Raises `BaocaoError` when a locked version's kept copy is gone."""
    kept_jobs, held = [], []
    for job in jobs:
        lock = locks.get(job.unit.code)
        digest = file_digest(job.path) if lock is not None else ""
        if lock is None or digest == lock.sha256:
            kept_jobs.append(job)
            continue
        name = (job.part_of or job.unit).name
        held.append(
            HeldBack(job.unit.code, name, lock, version_with(ledger, job.unit.code, digest))
        )
        if lock.version is None:
            continue
        locked = version_with(ledger, job.unit.code, lock.sha256)
        copy = kept_path(paths, period, locked) if locked else None
        if copy is None or not copy.is_file():
            raise BaocaoError(
                f"{name} đã chốt số liệu ở bản {lock.version} (tệp “{lock.file}”) nhưng bản lưu "
                f"của nó không còn trong {paths.processed}/tiep-nhan/{period}/. Hãy khôi phục "
                f"thư mục đó, hoặc mở khóa (baocao mo-khoa {job.unit.code}) để dùng tệp hiện có."
            )
        kept_jobs.append(dataclasses.replace(job, path=copy))
    return kept_jobs, held
