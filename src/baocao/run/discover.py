"""Finding a period's files and telling which unit each belongs to.

A file is matched to a unit by the name written in its `Thông tin` sheet (any usual spelling),
or else by its file name. Files that are not workbooks, that name no unit of the period's list,
or that repeat a unit already matched are set aside with a Vietnamese message; they never stop
the other units.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from baocao.config.file_names import level_without_unit, read_file_name
from baocao.config.level_change import level_change_advice, plain_level_advice
from baocao.config.lineage import lineage_hint, read_name, settle
from baocao.config.paths import ProjectPaths
from baocao.config.settings import load_report_settings
from baocao.config.units import Unit, load_units
from baocao.errors import BaocaoError, InputError, Issue
from baocao.intake import layout
from baocao.intake.info_sheet import read_declared_period, read_declared_unit
from baocao.intake.read import read_unit_workbook
from baocao.intake.workbook import SUPPORTED_SUFFIXES, text_of
from baocao.run.cache import code_digest
from baocao.run.parts import as_parts, in_parts, is_in_parts, not_addable
from baocao.unit.declared import misfiled_period_issue

IGNORED_FILES = ("README.md", ".gitkeep", "desktop.ini", "Thumbs.db")


@dataclass
class UnitJob:
    """A file of the period and the unit it belongs to (None when it could not be told)."""

    path: Path
    unit: Unit | None
    issues: list[Issue] = field(default_factory=list)
    # The old unit (before the restructuring, from `formed_from`) whose name identified the
    # file, e.g. "Xã Khánh Long" for a file of Xã Đoàn Kết; "" when named by the unit itself.
    old: str = ""
    # For a part of a unit whose parts are added up (`parts.as_parts`): that unit.
    part_of: Unit | None = None


def _level_issue(path: Path, written: str, level: str, cell: str | None, explain) -> Issue:
    where = f"trang “{layout.SHEET_INFO}”, ô {cell}" if cell else "tên tệp"
    return Issue(
        "error",
        "unknown_unit",
        f"Tệp “{path.name}”, {where}: {explain(written, level)}",
        sheet=layout.SHEET_INFO if cell else None,
        cell=cell,
    )


def _unknown_issue(path: Path, declared: tuple[str, str] | None, units) -> Issue:
    name = declared[0] if declared else path.stem
    hint = lineage_hint(name, units)
    return Issue(
        "error",
        "unknown_unit",
        f"Tệp “{path.name}”: không xác định được đơn vị “{name}” trong danh sách đơn vị của kỳ. "
        f"Hãy ghi đúng tên đơn vị ở trang “{layout.SHEET_INFO}” (gần giống: {hint}).",
        sheet=layout.SHEET_INFO if declared else None,
        cell=declared[1] if declared else None,
    )


def identify(
    path: Path,
    units: tuple[Unit, ...],
    explain: Callable[[str, str], str] = plain_level_advice,
    basis: str = "",
) -> UnitJob:
    """Tell which unit a file belongs to from its `Thông tin` sheet and its file name, both
    read with the lineage of the period's list (`config.lineage.settle`): an old unit's name
    (“Xã Khánh Long” in 2026) means the unit it is now part of, with a warning citing `basis`;
    two pieces of evidence pointing to different units, or a name that also is an old unit of
    another unit, set the file aside with an error naming the candidates.

    A name written with a level the period's list does not have (“Huyện Bắc Sơn” in 2026,
    “Xã Bắc Sơn” in 2021), and not an old unit's, identifies no unit, whatever the other place
    says: the file is set aside with an error, whose explanation (`explain(written name,
    level)`, see `config.level_change.level_change_advice`) says why and what to write."""
    declared = None
    # An unreadable file: the notebook reports why; its file name may still name the unit.
    with suppress(InputError):
        declared = read_declared_unit(path)
    if declared is not None and (level := level_without_unit(declared[0], units)) is not None:
        return UnitJob(path, None, [_level_issue(path, declared[0], level, declared[1], explain)])
    by_name = read_file_name(path.stem, units)
    info = read_name(declared[0], units) if declared is not None else None
    settled = settle(info, by_name.reading, basis=basis)
    if settled.unit is not None or settled.findings:
        issues = []
        for severity, kind, side, message in settled.findings:
            cell = declared[1] if side == "info" else None
            where = f"trang “{layout.SHEET_INFO}”, ô {cell}" if cell else "tên tệp"
            issues.append(
                Issue(
                    severity,
                    kind,
                    f"Tệp “{path.name}”, {where}: {message}",
                    sheet=layout.SHEET_INFO if cell else None,
                    cell=cell,
                )
            )
        return UnitJob(path, settled.unit, issues, settled.old.name if settled.old else "")
    if by_name.foreign is not None:
        return UnitJob(path, None, [_level_issue(path, *by_name.foreign, None, explain)])
    return UnitJob(path, None, [_unknown_issue(path, declared, units)])


def shown_raw_folder(paths: ProjectPaths) -> str:
    """The raw data folder as the analyst knows it: "data/raw" inside the project, else the
    whole path (`BAOCAO_RAW_DIR`)."""
    try:
        return paths.raw.resolve().relative_to(paths.root.resolve()).as_posix()
    except ValueError:
        return str(paths.raw)


def misfiled_period(path: Path, period: str, paths: ProjectPaths) -> list[Issue]:
    """For a file no unit of `period` was found for: an error when its `Thông tin` declares
    another period (a 2021 district's file in data/raw/2025-H2/), which explains the unit's
    name better than any advice on names, and says where the file belongs."""
    written = None
    with suppress(InputError):
        written = read_declared_period(path)
    if written is None:
        return []
    issue = misfiled_period_issue(path.name, *written, period, shown_raw_folder(paths))
    return [issue] if issue is not None else []


def _doubts(path: Path, period: str, paths: ProjectPaths) -> list[Issue]:
    """Why a unit's file cannot be the one its figures come from: it cannot be read, its
    value column is empty (the blank template), or it declares another period
    (`misfiled_period`); [] when there is no such reason."""
    try:
        workbook = read_unit_workbook(path)
    except InputError as error:
        return [Issue.from_input_error(error)]
    if not any(text_of(row.value) for row in workbook.data_rows):
        return [
            Issue(
                "error",
                "no_figures",
                f"Tệp “{path.name}” chưa có số liệu nào: mọi ô của cột “{layout.COL_VALUE}” "
                "đều trống (biểu mẫu chưa điền), nên không được dùng. Nếu tệp được chép vào "
                "nhầm, hãy chuyển tệp ra khỏi thư mục của kỳ.",
                sheet=workbook.data_sheet,
            )
        ]
    return misfiled_period(path, period, paths)


def one_per_unit(
    files: list[UnitJob], period: str, paths: ProjectPaths
) -> tuple[UnitJob, list[UnitJob]]:
    """(the file a unit's figures come from, its other files set aside with their issues), of
    the unit's `files` in name order: the first that can be read, has a figure and does not
    declare another period in `Thông tin` (a damaged copy, the blank template, or last
    period's file left in the folder never takes the place of a good file of this period); a
    file set aside for one of these reasons is told so, the others (all, when no file is good)
    that the unit has another file. A unit's only file is kept whatever it is (the run then
    says what is wrong with it)."""
    if len(files) == 1:
        return files[0], []
    misfiled = [_doubts(job.path, period, paths) for job in files]
    good = [job for job, wrong in zip(files, misfiled, strict=True) if not wrong]
    kept = good[0] if good else files[0]
    aside = []
    for job, wrong in zip(files, misfiled, strict=True):
        if job is kept:
            continue
        # Without a good file, what sets this one aside is only that it is not the first.
        job.issues.extend(wrong if good and wrong else [_second_file(job, kept)])
        aside.append(job)
    return kept, aside


def _second_file(job: UnitJob, kept: UnitJob) -> Issue:
    name, first = job.path.name, kept.path.name
    return Issue(
        "error",
        "duplicate_unit_file",
        f"Tệp “{name}” cũng là của {job.unit.name}, đơn vị đã có tệp “{first}”; chỉ tệp "
        f"“{first}” (đứng trước theo thứ tự tên tệp) được dùng, tệp này thì không. Nếu đây là "
        "bản đơn vị gửi lại, hãy chuyển tệp cũ ra khỏi thư mục của kỳ rồi chạy lại: mỗi đơn vị "
        "chỉ để đúng một tệp.",
    )


@dataclass
class IdentityMemo:
    """Which unit each file belongs to, remembered by the file's content and the unit list.

    `known` comes from the previous run; `used` collects this run's answers, to be kept."""

    known: dict = field(default_factory=dict)
    used: dict = field(default_factory=dict)


def identify_remembered(
    path: Path,
    units: tuple[Unit, ...],
    memo: IdentityMemo | None,
    explain: Callable[[str, str], str] = plain_level_advice,
    basis: str = "",
) -> UnitJob:
    """`identify`, but an unchanged file (same bytes, same unit list, same code of the
    package) is not opened again."""
    if memo is None:
        return identify(path, units, explain, basis)
    remembered = (
        path.read_bytes() + repr((units, basis)).encode("utf-8") + code_digest().encode("ascii")
    )
    key = hashlib.sha256(remembered).hexdigest()
    known = memo.known.get(key)
    if known is None:
        job = identify(path, units, explain, basis)
        known = {
            "unit": job.unit.code if job.unit else None,
            "issues": [issue.as_dict() for issue in job.issues],
            "old": job.old,
        }
    memo.used[key] = known
    unit = next((u for u in units if u.code == known["unit"]), None)
    issues = [Issue(**issue) for issue in known["issues"]]
    return UnitJob(path, unit, issues, known.get("old", ""))


def period_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(workbooks, other files) of a period's raw folder; hidden files, Office lock files
    (~$…) and the folder's own notes (README.md, desktop.ini…) are neither."""
    if not folder.is_dir():
        return [], []
    files = [
        p
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith((".", "~$")) and p.name not in IGNORED_FILES
    ]
    workbooks = [p for p in files if p.suffix.lower() in SUPPORTED_SUFFIXES]
    return workbooks, [p for p in files if p not in workbooks]


def discover(
    period: str, paths: ProjectPaths, units: tuple[Unit, ...], memo: IdentityMemo | None = None
) -> tuple[list[UnitJob], list[UnitJob]]:
    """(jobs to run, one per unit; files that cannot be run, with their issues).

    With `memo` (see `identify_remembered`), files already identified are not read again."""
    folder = paths.raw_period(period)
    if not folder.is_dir():
        raise BaocaoError(f"Không có thư mục số liệu của kỳ {period}: {folder}.")
    explain, basis = plain_level_advice, ""
    with suppress(BaocaoError):
        history = load_units(paths.config)
        explain = partial(level_change_advice, units=history, period=period)
        basis = history.list_for(period).basis
    add_up: tuple[str, ...] = ()
    with suppress(BaocaoError):
        add_up = load_report_settings(paths.config, period).for_period(period).add_up_parts
    found: dict[str, list[UnitJob]] = {}
    rejected: list[UnitJob] = []
    workbooks, others = period_files(folder)
    for path in sorted([*workbooks, *others]):
        if path in others:
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
        job = identify_remembered(path, units, memo, explain, basis)
        if job.unit is None:
            job.issues[:0] = misfiled_period(path, period, paths)  # said first: see there
            rejected.append(job)
        else:
            found.setdefault(job.unit.code, []).append(job)
    jobs: dict[str, UnitJob] = {}
    for code, files in found.items():
        if is_in_parts(files):
            why = not_addable(files) if code in add_up else ""  # no figure counted twice
            if code in add_up and not why:
                jobs.update((part.unit.code, part) for part in as_parts(files))
            else:
                rejected.extend(in_parts(files, why))
            continue
        kept, aside = one_per_unit(files, period, paths)
        jobs[code] = kept
        rejected.extend(aside)
    order = {u.code: i for i, u in enumerate(units)}
    return sorted(jobs.values(), key=lambda j: order[(j.part_of or j.unit).code]), rejected
