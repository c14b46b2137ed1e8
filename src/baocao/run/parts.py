"""One unit sent as several files by the old units it was formed from.

After 1 July 2025 the offices of old communes may each send a file for their part of the new
commune (“Xã Khánh Long” and “Xã Cao Minh”, both now Xã Đoàn Kết). No part is the whole unit:
its files are set aside together, the unit is shown as not complete (“có lỗi”) and none of its
figures enters the totals. Pure: works on `UnitJob`s already identified (`discover.identify`).
"""

from __future__ import annotations

from baocao.errors import Issue

# The kind of the error each file of a unit sent in parts carries.
IN_PARTS = "unit_in_parts"


def part_name(job) -> str:
    """What part of its unit a file says it is: the old unit's name, or the unit's own name."""
    return job.old or job.unit.name


def is_in_parts(files: list) -> bool:
    """Whether a unit's files (`UnitJob`s of one unit) are parts of it: at least one names an
    old unit it was formed from, and they name more than one part. Several files of one part
    (a resent file) are not parts: the first is used, as for any resent file."""
    return any(job.old for job in files) and len({part_name(job) for job in files}) > 1


def parts_message(files: list) -> str:
    """The Vietnamese message naming a unit's parts and asking for one combined file."""
    unit = files[0].unit
    listed = ", ".join(f"“{job.path.name}” ({part_name(job)})" for job in files)
    return (
        f"{unit.name} (mã {unit.code}) được gửi thành {len(files)} tệp của các đơn vị hợp "
        f"thành: {listed}, không có một tệp chung cho cả {unit.name}. {unit.name} chưa đủ số "
        "liệu: chưa số liệu nào của các tệp này được tính vào tổng cộng, để không lấy số liệu "
        f"của một phần làm số liệu của cả {unit.name}. Hãy đề nghị {unit.name} gửi một tệp "
        f"chung cho cả đơn vị (cộng số liệu của các phần), rồi thay các tệp trên bằng tệp đó."
    )


def in_parts(files: list) -> list:
    """The files of a unit sent in parts, each with the error `IN_PARTS` (same message)."""
    message = parts_message(files)
    for job in files:
        job.issues.append(Issue("error", IN_PARTS, f"Tệp “{job.path.name}”: {message}"))
    return files


def held_units(rejected: list) -> dict[str, list]:
    """Unit code → its files, for the units whose files were set aside as parts."""
    held: dict[str, list] = {}
    for job in rejected:
        if job.unit is not None and any(i.kind == IN_PARTS for i in job.issues):
            held.setdefault(job.unit.code, []).append(job)
    return held
