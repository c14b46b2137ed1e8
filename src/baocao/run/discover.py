"""Finding a period's files and telling which unit each belongs to.

A file is matched to a unit by the name written in its `Thông tin` sheet (any usual spelling),
or else by its file name. Files that are not workbooks, that name no unit of the period's list,
or that repeat a unit already matched are set aside with a Vietnamese message; they never stop
the other units.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from baocao.config.names import closest_units, match_key, resolve_unit, strip_admin_prefix
from baocao.config.paths import ProjectPaths
from baocao.config.periods import is_period, sort_periods
from baocao.config.units import Unit
from baocao.errors import BaocaoError, InputError, Issue
from baocao.intake import layout
from baocao.intake.info_sheet import read_declared_unit
from baocao.intake.workbook import SUPPORTED_SUFFIXES
from baocao.unit.declared import unit_mismatch_issue

IGNORED_FILES = ("README.md", ".gitkeep", "desktop.ini", "Thumbs.db")


@dataclass
class UnitJob:
    """A file of the period and the unit it belongs to (None when it could not be told)."""

    path: Path
    unit: Unit | None
    issues: list[Issue] = field(default_factory=list)


def latest_period(paths: ProjectPaths) -> str:
    found = (
        [p.name for p in paths.raw.iterdir() if p.is_dir() and is_period(p.name)]
        if paths.raw.is_dir()
        else []
    )
    if not found:
        raise BaocaoError(
            f"Không có kỳ báo cáo nào trong {paths.raw}. Hãy tạo thư mục kỳ (ví dụ 2021-H1) và "
            "chép các tệp của đơn vị vào đó."
        )
    return sort_periods(found)[-1]


def _compact(text: str) -> str:
    return match_key(text).replace(" ", "")


def _unit_from_file_name(path: Path, units: tuple[Unit, ...]) -> Unit | None:
    """The unit a file name points to: a part of it that is a unit's name or code, or else the
    one unit whose name, written without spaces, appears in it ("BC_MTTQ_LocBinh_2021")."""
    stem = re.sub(r"\d{4}(-?h[12])?", " ", path.stem, flags=re.IGNORECASE)
    for candidate in (path.stem, stem, *re.split(r"[-_ ]+", path.stem)):
        unit = resolve_unit(candidate, units) if candidate.strip() else None
        if unit is not None:
            return unit
    compact = _compact(stem)
    found = {
        unit.code: unit
        for unit in units
        for text in (unit.short, *unit.aliases, strip_admin_prefix(match_key(unit.name)))
        if len(_compact(text)) >= 4 and _compact(text) in compact
    }
    return next(iter(found.values())) if len(found) == 1 else None


def identify(path: Path, units: tuple[Unit, ...]) -> UnitJob:
    """Tell which unit a file belongs to: by its `Thông tin` sheet, else by its file name."""
    declared = None
    # An unreadable file: the notebook reports why; its file name may still name the unit.
    with suppress(InputError):
        declared = read_declared_unit(path)
    by_name = _unit_from_file_name(path, units)
    if declared is not None:
        unit = resolve_unit(declared[0], units)
        if unit is not None:
            job = UnitJob(path, unit)
            if by_name is not None and by_name.code != unit.code:
                # The sheet's word wins over the file name; the analyst is told of the doubt.
                job.issues.append(
                    unit_mismatch_issue(
                        declared[0], declared[1], by_name, units, file_name=path.name
                    )
                )
            return job
    if by_name is not None:
        return UnitJob(path, by_name)
    unit = None
    name = declared[0] if declared else path.stem
    hint = ", ".join(u.name for u in closest_units(name, units)) or "không có"
    return UnitJob(
        path,
        None,
        [
            Issue(
                "error",
                "unknown_unit",
                f"Tệp “{path.name}”: không xác định được đơn vị “{name}” trong danh sách đơn vị của kỳ. "
                f"Hãy ghi đúng tên đơn vị ở trang “{layout.SHEET_INFO}” (gần giống: {hint}).",
                sheet=layout.SHEET_INFO if declared else None,
                cell=declared[1] if declared else None,
            )
        ],
    )


@dataclass
class IdentityMemo:
    """Which unit each file belongs to, remembered by the file's content and the unit list.

    `known` comes from the previous run; `used` collects this run's answers, to be kept."""

    known: dict = field(default_factory=dict)
    used: dict = field(default_factory=dict)


def identify_remembered(path: Path, units: tuple[Unit, ...], memo: IdentityMemo | None) -> UnitJob:
    """`identify`, but an unchanged file (same bytes, same unit list) is not opened again."""
    if memo is None:
        return identify(path, units)
    key = hashlib.sha256(path.read_bytes() + repr(units).encode("utf-8")).hexdigest()
    known = memo.known.get(key)
    if known is None:
        job = identify(path, units)
        known = {
            "unit": job.unit.code if job.unit else None,
            "issues": [issue.as_dict() for issue in job.issues],
        }
    memo.used[key] = known
    unit = next((u for u in units if u.code == known["unit"]), None)
    return UnitJob(path, unit, [Issue(**issue) for issue in known["issues"]])


def discover(
    period: str, paths: ProjectPaths, units: tuple[Unit, ...], memo: IdentityMemo | None = None
) -> tuple[list[UnitJob], list[UnitJob]]:
    """(jobs to run, one per unit; files that cannot be run, with their issues).

    With `memo` (see `identify_remembered`), files already identified are not read again."""
    folder = paths.raw_period(period)
    if not folder.is_dir():
        raise BaocaoError(f"Không có thư mục số liệu của kỳ {period}: {folder}.")
    jobs: dict[str, UnitJob] = {}
    rejected: list[UnitJob] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith((".", "~$")) or path.name in IGNORED_FILES:
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            rejected.append(
                UnitJob(
                    path,
                    None,
                    [
                        Issue(
                            "error",
                            "unsupported_format",
                            f"Tệp “{path.name}” không phải bảng tính (.xlsx, .xlsm, .xlsb, .xls, .ods) nên không được đọc. "
                            "Hãy lưu tệp thành .xlsx rồi chép lại vào thư mục của kỳ.",
                        )
                    ],
                )
            )
            continue
        job = identify_remembered(path, units, memo)
        if job.unit is None:
            rejected.append(job)
        elif job.unit.code in jobs:
            kept = jobs[job.unit.code].path.name
            job.issues.append(
                Issue(
                    "error",
                    "duplicate_unit_file",
                    f"Tệp “{path.name}” cũng là của {job.unit.name}, đơn vị đã có tệp “{kept}”; "
                    "chỉ tệp thứ nhất được dùng. Hãy để lại đúng một tệp cho mỗi đơn vị.",
                )
            )
            rejected.append(job)
        else:
            jobs[job.unit.code] = job
    order = {u.code: i for i, u in enumerate(units)}
    return sorted(jobs.values(), key=lambda j: order[j.unit.code]), rejected
