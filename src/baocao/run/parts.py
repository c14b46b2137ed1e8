"""One unit sent as several files by the old units it was formed from.

After 1 July 2025 the offices of old communes may each send a file for their part of the new
commune (“Xã Khánh Long” and “Xã Cao Minh”, both now Xã Đoàn Kết). No part is the whole unit:
its files are set aside together, the unit is shown as not complete (“có lỗi”) and none of its
figures enters the totals; unless the analyst listed the unit under the period's
`add_up_parts` (config/report*.yml), when each part is processed as a unit of its own
(`part_unit`) and their figures are added up (`combine`), with a warning saying so.
Pure: works on `UnitJob`s already identified (`discover.identify`).
"""

from __future__ import annotations

import dataclasses

from baocao.config.units import Unit
from baocao.errors import Issue

# The kind of the error each file of a unit sent in parts carries; OWN_AND_PART when one of
# the files names the unit itself (its own file beside a part: which is the whole is unsure).
IN_PARTS = "unit_in_parts"
OWN_AND_PART = "unit_own_and_part"
HELD = (IN_PARTS, OWN_AND_PART)
# The kind of the warning of a file named by an old unit (`config.lineage.settle`).
OLD_NAME = "old_unit_name"


def part_name(job) -> str:
    """What part of its unit a file says it is: the old unit's name, or the unit's own name."""
    return job.old or job.unit.name


def is_in_parts(files: list) -> bool:
    """Whether a unit's files (`UnitJob`s of one unit) are parts of it: at least one names an
    old unit it was formed from, and they name more than one part. Several files of one part
    (a resent file) are not parts: the first is used, as for any resent file."""
    return any(job.old for job in files) and len({part_name(job) for job in files}) > 1


def parts_message(files: list, why: str = "") -> str:
    """The Vietnamese message naming a unit's parts and asking for one combined file; `why`
    (`not_addable`) says why the parts were not added up although the analyst chose so. With
    a file of the whole unit beside a part, the likely fix comes first: if that file covers
    the whole unit, move the parts' files out of the period's folder and run again."""
    unit = files[0].unit
    listed = ", ".join(f"“{job.path.name}” ({part_name(job)})" for job in files if job.old)
    own = ", ".join(f"“{job.path.name}”" for job in files if not job.old)
    sent = (
        f"có tệp {own} ghi là của cả {unit.name}, lại có tệp của đơn vị hợp thành: {listed}"
        if own
        else f"được gửi thành {len(files)} tệp của các đơn vị hợp thành: {listed}, không có "
        f"một tệp chung cho cả {unit.name}"
    )
    refused = f" Không cộng các tệp này (khóa add_up_parts) vì {why}." if why else ""
    ask = (
        f"đề nghị {unit.name} gửi một tệp chung cho cả đơn vị (cộng số liệu của các phần), "
        "rồi thay các tệp trên bằng tệp đó"
    )
    if own:
        parts = ", ".join(f"“{job.path.name}”" for job in files if job.old)
        ask = (
            f"Nếu tệp {own} đã có số liệu của cả {unit.name}, hãy chuyển tệp {parts} ra khỏi "
            f"thư mục của kỳ rồi chạy lại; nếu chưa, hãy {ask}."
        )
    else:
        ask = f"Hãy {ask}."
    return (
        f"{unit.name} (mã {unit.code}) {sent}. {unit.name} chưa đủ số liệu: chưa số liệu nào "
        "của các tệp này được tính vào tổng cộng, để không lấy số liệu của một phần làm số "
        f"liệu của cả {unit.name}.{refused} {ask}"
    )


def not_addable(files: list) -> str:
    """Why a unit's parts cannot be added up without counting a figure twice, as a Vietnamese
    clause; "" when they can. (An old unit only part of which lies in the unit never names a
    file's unit: `config.lineage.settle` sets such a file aside.)"""
    unit = files[0].unit
    reasons = []
    own = [f"“{job.path.name}”" for job in files if not job.old]
    if own:
        reasons.append(
            f"tệp {', '.join(own)} ghi là của cả {unit.name}, cộng thêm các phần thì số liệu "
            "của các phần bị tính hai lần"
        )
    names = [job.old for job in files if job.old]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        reasons.append(
            f"{', '.join(twice)} có hơn một tệp (bản gửi lại?), cộng cả các tệp thì số liệu "
            "bị tính hai lần"
        )
    return "; ".join(reasons)


def in_parts(files: list, why: str = "") -> list:
    """The files of a unit sent in parts, each with the error `IN_PARTS` (same message; `why`:
    see `parts_message`)."""
    message = parts_message(files, why)
    kind = OWN_AND_PART if any(not job.old for job in files) else IN_PARTS
    for job in files:
        # The old name's warning says the file is summed up for the unit: here it is not.
        job.issues = [i for i in job.issues if i.kind != OLD_NAME]
        job.issues.append(Issue("error", kind, f"Tệp “{job.path.name}”: {message}"))
    return files


def held_message(files: list) -> str:
    """The message `in_parts` gave a held unit's files, without the file's own name."""
    issue = next(i for i in files[0].issues if i.kind in HELD)
    return issue.message.split("”: ", 1)[1]


def held_kind(files: list) -> str:
    """The kind of the error `in_parts` gave a held unit's files (IN_PARTS, OWN_AND_PART)."""
    return next(i.kind for i in files[0].issues if i.kind in HELD)


def held_units(rejected: list) -> dict[str, list]:
    """Unit code → its files, for the units whose files were set aside as parts."""
    held: dict[str, list] = {}
    for job in rejected:
        if job.unit is not None and any(i.kind in HELD for i in job.issues):
            held.setdefault(job.unit.code, []).append(job)
    return held


# The kind of the warning a unit whose parts were added up carries.
ADDED_UP = "added_up_parts"


def added_up_message(files: list) -> str:
    """The warning of a unit whose parts' figures were added up, as the analyst chose."""
    unit = files[0].unit
    listed = ", ".join(f"“{job.path.name}” ({part_name(job)})" for job in files)
    return (
        f"Số liệu của {unit.name} (mã {unit.code}) là tổng số liệu của {len(files)} tệp của "
        f"các đơn vị hợp thành: {listed}, do cấu hình của kỳ chọn cộng các phần (khóa "
        "add_up_parts, config/report*.yml). Chỉ tiêu mà một phần có lỗi hay bỏ trống, hoặc "
        "chỉ tiêu là tỷ lệ, không được tính vào tổng cộng. Hãy kiểm tra các phần không trùng nhau và đủ cả đơn vị."
    )


def part_unit(unit: Unit, number: int, name: str) -> Unit:
    """The unit a part is processed as: code “06001_phan1”, name “Xã Đoàn Kết (phần Xã Khánh
    Long)”; its files are added into the unit's (`combine.write_added_up`)."""
    return Unit(f"{unit.code}_phan{number}", f"{unit.name} (phần {name})", unit.short)


def as_parts(files: list) -> list:
    """A unit's files as parts to add up: each a job of its own `part_unit`, `part_of` the
    unit, carrying the warning `ADDED_UP`."""
    message = added_up_message(files)
    return [
        dataclasses.replace(
            job,
            unit=part_unit(job.unit, number, part_name(job)),
            part_of=job.unit,
            issues=[*job.issues, Issue("warning", ADDED_UP, message)],
        )
        for number, job in enumerate(files, start=1)
    ]
