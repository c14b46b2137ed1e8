"""Content keys: what each unit's result and each report depend on, and whether they changed.

A unit's notebook reruns only when one of its inputs changed: the workbook's bytes, the notebook,
the catalogue, the package's code, its parameters or the locked dependency versions. Never
modification times. Results live in a content-addressed cache under `data/processed/.cache/`;
the last key used for each unit and report is remembered so `--explain` can say what changed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from baocao.base.files import atomic_write_text, write_json
from baocao.config.paths import ProjectPaths
from baocao.config.versions import version_files
from baocao.run.store import read_json

PACKAGE_DIR = Path(__file__).resolve().parents[1]
COMPLETE_MARK = "complete.json"
# 16 hex digits (64 bits) name a cache entry: a clash between two of a project's keys is
# practically impossible, and when it happens `Cache.has` sees the other key and reruns.
ENTRY_NAME_LENGTH = 16

# Why a unit or the report reruns, in the analyst's words, by the name of the input that changed.
REASONS = {
    "workbook": "tệp số liệu của đơn vị đã thay đổi",
    "notebook": "sổ tay xử lý (notebooks/clean_unit.ipynb) đã thay đổi",
    "catalogue": "danh mục chỉ tiêu của kỳ (config/indicators*.yml) đã thay đổi",
    "code": "mã nguồn của gói baocao đã thay đổi",
    "parameters": "tham số (kỳ, mã hoặc tên đơn vị, tên gọi “chương trình” hay “mục” của đề "
    "cương) đã thay đổi",
    "dependencies": "phiên bản thư viện (requirements.lock) đã thay đổi",
    "processed": "số liệu đã xử lý của kỳ đã thay đổi",
    "previous": "số liệu cùng kỳ năm trước đã thay đổi",
    "narrative": "phần viết của chuyên viên (tài liệu Word hoặc tệp Markdown trong narrative/) "
    "đã thay đổi",
    "report": "report.qmd hoặc _quarto.yml đã thay đổi",
    "config": "cấu hình (config/) đã thay đổi",
    "profile": "bản báo cáo (để ký, nội bộ hay công khai), cách lập báo cáo hoặc số, ngày, người ký "
    "đã thay đổi",
}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tree_digest(paths: list[Path], base: Path) -> str:
    """One digest over files (their paths relative to `base` and their bytes); missing = absent."""
    digest = hashlib.sha256()
    for path in sorted(p for p in paths if p.is_file()):
        digest.update(str(path.relative_to(base)).encode("utf-8") + b"\0")
        digest.update(file_digest(path).encode("ascii") + b"\n")
    return digest.hexdigest()


def json_digest(data) -> str:
    return sha256_bytes(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"))


@cache
def code_digest() -> str:
    """The package's own source: any change to it reruns everything."""
    return tree_digest(list(PACKAGE_DIR.rglob("*.py")), PACKAGE_DIR)


def key_of(parts: dict[str, str]) -> str:
    return json_digest(parts)


def unit_key_parts(
    paths: ProjectPaths, workbook: Path, notebook: Path, parameters: dict[str, str]
) -> dict[str, str]:
    lock = paths.root / "requirements.lock"
    return {
        "workbook": file_digest(workbook),
        "notebook": file_digest(notebook),
        "catalogue": tree_digest(
            list(version_files(paths.config, "indicators", parameters.get("period"))), paths.root
        ),
        "code": code_digest(),
        "parameters": json_digest(parameters),
        "dependencies": file_digest(lock) if lock.is_file() else "",
    }


def _static_parts(paths: ProjectPaths, narrative: str) -> dict[str, str]:
    """What a report reads besides processed data: narrative, report source, config, code.

    `narrative` is the digest of the period's narrative by content (the Markdown files' bytes
    and what the Word document says: `report.narrative.source.folder_digest`, computed by the
    pipeline), so a document saved again without a change, which Word rewrites with new dates
    and identifiers, reruns nothing."""
    lock = paths.root / "requirements.lock"
    return {
        "narrative": narrative,
        "report": tree_digest([paths.report_source, *paths.root.glob("_quarto*.yml")], paths.root),
        "config": tree_digest(list(paths.config.glob("*.yml")), paths.root),
        "code": code_digest(),
        "dependencies": file_digest(lock) if lock.is_file() else "",
    }


def same_static_parts(last: dict[str, str] | None, paths: ProjectPaths, narrative: str) -> bool:
    """Whether a report's last content key (`last`, None if never rendered) was made from the
    same narrative, report source, configuration, code and dependencies as now."""
    if not last:
        return False
    return all(last.get(name) == value for name, value in _static_parts(paths, narrative).items())


def run_id(paths: ProjectPaths, unit_keys: dict[str, str], narrative: str) -> str:
    """A short name for a run, derived from its inputs only: the same inputs give the same id.
    `narrative` as in `_static_parts`."""
    return json_digest({"units": unit_keys, **_static_parts(paths, narrative)})[:12]


def report_key_parts(
    paths: ProjectPaths,
    period: str,
    earlier: str,
    profile: str,
    backend: str,
    overrides: dict | None = None,
    *,
    narrative: str,
) -> dict[str, str]:
    """The content key of a profile's report (`narrative` as in `_static_parts`)."""
    return {
        **data_parts(paths, period, earlier),
        **_static_parts(paths, narrative),
        "profile": json_digest(
            {"profile": profile, "backend": backend, "overrides": overrides or {}}
        ),
    }


def data_parts(paths: ProjectPaths, period: str, earlier: str) -> dict[str, str]:
    """The parts of a report's key that are data: the period's processed data and the
    earlier period's tables (the comparison)."""
    processed = paths.processed_period(period)
    previous = paths.processed_period(earlier)
    return {
        "processed": tree_digest(
            [p for p in processed.rglob("*") if not p.name.startswith(".")], processed
        ),
        "previous": tree_digest(
            [previous / "values.csv", previous / "status.csv", previous / "models.csv"], previous
        ),
    }


def stale_report_note(
    paths: ProjectPaths, period: str, earlier: str, profiles: tuple[str, ...]
) -> str | None:
    """After a run that moved new data without rendering (`--no-render`): a Vietnamese note
    when a report of the period was last rendered from other data than the data now in
    place (the review pages then show figures the report in `_output` does not), else
    None."""
    cache = Cache.of(paths)
    last = [cache.last_parts(period, f"report-{profile}") for profile in profiles]
    last = [parts for parts in last if parts]
    if not last:
        return None
    now = data_parts(paths, period, earlier)
    if all(all(parts.get(k) == v for k, v in now.items()) for parts in last):
        return None
    return (
        f"Số liệu và trang rà soát của kỳ {period} đã được cập nhật nhưng báo cáo trong "
        f"{paths.output_period(period)} chưa được lập lại (chạy với --no-render) nên vẫn là "
        "bản lập từ số liệu cũ. Hãy chạy lại không có --no-render trước khi dùng báo cáo."
    )


def changed(old: dict[str, str] | None, new: dict[str, str]) -> list[str]:
    """The reasons (Vietnamese) why `new` differs from `old`; a first run has its own reason."""
    if old is None:
        return ["chưa có kết quả của lần chạy trước"]
    return [REASONS.get(name, name) for name in new if old.get(name) != new[name]]


@dataclass(frozen=True)
class Cache:
    """The cache folder of one project's processed data."""

    root: Path

    @classmethod
    def of(cls, paths: ProjectPaths) -> Cache:
        return cls(paths.processed / ".cache")

    def entry(self, key: str) -> Path:
        """The entry's folder, named by the key's first ENTRY_NAME_LENGTH hex digits: paths
        stay short (Windows' 260-character limit), and `has` checks the whole key."""
        return self.root / "units" / key[:ENTRY_NAME_LENGTH]

    def has(self, key: str) -> bool:
        mark = read_json(self.entry(key) / COMPLETE_MARK)
        return isinstance(mark, dict) and mark.get("key") == key

    def seal(self, key: str, parts: dict[str, str]) -> None:
        """Mark an entry complete: only complete entries are ever reused."""
        write_json(self.entry(key) / COMPLETE_MARK, {"key": key, "parts": parts})

    def discard(self, key: str) -> None:
        shutil.rmtree(self.entry(key), ignore_errors=True)

    def _last_path(self, period: str, name: str) -> Path:
        return self.root / "last" / period / f"{name}.json"

    def last_parts(self, period: str, name: str) -> dict[str, str] | None:
        return (read_json(self._last_path(period, name)) or {}).get("parts")

    def remember(self, period: str, name: str, parts: dict[str, str]) -> None:
        """Record what `name` was last made of in `period` (left alone when unchanged: a rerun
        with nothing to do writes nothing)."""
        path = self._last_path(period, name)
        text = json.dumps({"key": key_of(parts), "parts": parts}, sort_keys=True) + "\n"
        with suppress(OSError, ValueError):  # missing, unreadable or not UTF-8: rewritten
            if path.read_text(encoding="utf-8") == text:
                return
        atomic_write_text(path, text)

    def load_memo(self, period: str, name: str) -> dict:
        """A JSON dict remembered for a period (e.g. which unit each file belongs to)."""
        return read_json(self.root / "memo" / period / f"{name}.json") or {}

    def save_memo(self, period: str, name: str, memo: dict) -> None:
        write_json(self.root / "memo" / period / f"{name}.json", memo)
