"""What a unit's `Thông tin` sheet declares, checked against what the run expects.

Pure: takes the workbook `intake` read (or a name already read from it), the expected unit and
period, and returns findings (`Issue`) when the sheet is missing, names another unit or period
(another period is an error: the figures stay out of the totals), or cannot be read;
`is_illustrative` says whether its note marks the figures as illustrative. Reads no file.
"""

from __future__ import annotations

from collections.abc import Sequence

from baocao.base.keys import match_key
from baocao.config.lineage import read_name
from baocao.config.periods import Period, read_written_period
from baocao.config.units import Unit
from baocao.errors import Issue
from baocao.intake import layout
from baocao.intake.read import UnitWorkbook
from baocao.intake.workbook import text_of


def check_declared_period(workbook: UnitWorkbook, period: str) -> list[Issue]:
    """What `Thông tin` says of the period, against the period being compiled (`period`).

    Another period is an ERROR (`period_mismatch`): the file was sent, or filed, for another
    half-year, and its figures must stay out of this period's totals until it is corrected (a
    2020-H1 file left in data/raw/2021-H1 would otherwise add 2020 figures to 2021). A period
    that cannot be read is a warning (`period_unreadable`): the folder's period is used. Both
    periods are shown in the report's words (“6 tháng đầu năm 2021”)."""
    declared = workbook.info.get("period")
    if not declared or not text_of(declared[0]):
        return []
    text = text_of(declared[0])
    written = read_written_period(declared[0])
    compiled = Period.parse(period)
    if written == compiled:
        return []
    where = f"Trang “{layout.SHEET_INFO}”, ô {declared[1]}"
    if written is None:
        return [
            Issue(
                "warning",
                "period_unreadable",
                f"{where}: ghi kỳ báo cáo “{text}”, không đọc được là kỳ nào; số liệu được tính "
                f"cho kỳ {compiled.label()}. Hãy ghi kỳ theo dạng “{compiled.label()}”.",
                sheet=layout.SHEET_INFO,
                cell=declared[1],
            )
        ]
    return [
        Issue(
            "error",
            "period_mismatch",
            f"Tệp “{workbook.path.name}” là số liệu của kỳ {written.label()} ({where} ghi "
            f"“{text}”), không phải của kỳ đang tổng hợp ({compiled.label()}), nên số liệu của "
            "tệp chưa được tính vào tổng cộng. Nếu gửi nhầm tệp, hãy thay bằng tệp của kỳ "
            f"{compiled.label()}; nếu chỉ ghi nhầm kỳ, hãy sửa ô {declared[1]} thành "
            f"“{compiled.label()}” rồi gửi lại.",
            sheet=layout.SHEET_INFO,
            cell=declared[1],
        )
    ]


def misfiled_period_issue(
    file_name: str, written: str, cell: str, folder_period: str, raw_folder: str
) -> Issue | None:
    """An error when a file in the folder of `folder_period` declares, in `Thông tin` (text
    `written` in `cell`), another period: to be said first, with the period it declares and the
    folder it belongs in (`raw_folder`/<its period>/, `raw_folder` as the analyst knows it, e.g.
    "data/raw"), before any advice on the unit's name. None when the written period is this
    one or cannot be read."""
    declared = read_written_period(written)
    compiled = Period.parse(folder_period)
    own_folder = f"{raw_folder.rstrip('/')}/{declared}/"
    if declared is None or declared == compiled:
        return None
    return Issue(
        "error",
        "period_mismatch",
        f"Tệp “{file_name}” là số liệu của kỳ {declared.label()} ({declared}): trang "
        f"“{layout.SHEET_INFO}”, ô {cell} ghi “{written}”, không phải kỳ {compiled.label()} "
        f"({compiled}) của thư mục đang tổng hợp. Nếu đúng là tệp của kỳ {declared}, hãy chuyển "
        f"tệp sang thư mục {own_folder}; nếu chỉ ghi nhầm kỳ, hãy sửa ô {cell} thành "
        f"“{compiled.label()}”.",
        sheet=layout.SHEET_INFO,
        cell=cell,
    )


def info_sheet_missing(workbook: UnitWorkbook, *, unit_from: str, period_from: str) -> Issue | None:
    """A warning when the workbook has no `Thông tin` sheet, saying where the unit and the
    period were taken from instead."""
    if workbook.info_sheet is not None:
        return None
    return Issue(
        "warning",
        "info_sheet_missing",
        f"Không tìm thấy trang “{layout.SHEET_INFO}” (trang ghi tên đơn vị và kỳ báo cáo). "
        f"Đơn vị: {unit_from}; kỳ báo cáo: {period_from}. Hãy dùng biểu mẫu do tỉnh gửi và giữ "
        f"nguyên trang “{layout.SHEET_INFO}”.",
    )


def declared_unit_mismatch(
    workbook: UnitWorkbook, unit: Unit | str, units: Sequence[Unit]
) -> Issue | None:
    """A warning when `Thông tin` names another unit than the one the file is processed for.

    `unit` is the expected unit (or its code); `units` the unit list of the period. A name that
    matches no unit of the list is also reported; an empty field is not (the file name decided).
    """
    declared = workbook.info.get("unit")
    if not declared or not text_of(declared[0]):
        return None
    return unit_mismatch_issue(
        text_of(declared[0]), declared[1], unit, units, file_name=workbook.path.name
    )


def unit_mismatch_issue(
    declared: str, cell: str, unit: Unit | str, units: Sequence[Unit], *, file_name: str
) -> Issue | None:
    """The check of `declared_unit_mismatch` on a name already read, e.g. by
    `intake.info_sheet.read_declared_unit` (which returns exactly `(declared, cell)`)."""
    code = unit if isinstance(unit, str) else unit.code
    expected = next((u for u in units if u.code == code), None)
    if expected is None or not declared.strip():
        return None
    # Read as discovery reads it (`lineage.read_name`): “UBMTTQ Xã Cường Lợi - huyện Đình
    # Lập” is the old Xã Cường Lợi, now part of Xã Châu Sơn; not a name missing from the list.
    reading = read_name(declared, units)
    named = reading.current
    if named is not None and named.code == expected.code:
        return None
    if named is None and any(o.new.code == code for o in reading.old):
        return None  # an old unit's name of this unit: discovery already said so, citing why
    if named is None:
        problem = f"ghi đơn vị “{declared}”, không có trong danh sách đơn vị của kỳ"
    else:
        problem = f"ghi đơn vị “{declared}” ({named.name}, mã {named.code})"
    return Issue(
        "warning",
        "unit_mismatch",
        f"Trang “{layout.SHEET_INFO}”, ô {cell}: {problem}, nhưng tệp “{file_name}” đang "
        f"được tổng hợp cho {expected.name} (mã {expected.code}). Hãy kiểm tra đơn vị có gửi "
        "nhầm tệp của đơn vị khác không, rồi sửa tên đơn vị hoặc tên tệp.",
        sheet=layout.SHEET_INFO,
        cell=cell,
    )


def is_illustrative(workbook: UnitWorkbook) -> bool:
    note = workbook.info.get("note")
    return bool(note) and match_key(layout.ILLUSTRATIVE_WORDS) in match_key(text_of(note[0]))
