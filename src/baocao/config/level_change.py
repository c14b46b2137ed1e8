"""What to tell a unit that wrote a name of a level its period's unit list does not have.

From 1 July 2025 Lạng Sơn's units are 65 communes (xã, phường): a 2026 file whose `Thông tin`
names “Huyện Bắc Sơn” names a unit that no longer exists (an old commune or town, “Thị trấn Bắc
Sơn”, is read through the lineage instead: `lineage`), and a 2021 file
naming “Xã Bắc Sơn” names a unit the 2021 list (11 districts) does not have. Such a name is not
matched across levels (`names.resolve_unit`); `level_change_advice` writes the sentence that says
why, cites the change from the unit lists' `effective` and `basis` (units.yml), and says what to
write instead, naming the units the lineage (`formed_from`) relates to the written one. Pure:
reads no file.
"""

from __future__ import annotations

import re
from datetime import date

from baocao.config.names import resolve_unit, split_level, unit_levels
from baocao.config.periods import Period
from baocao.config.units import Unit, UnitList, Units

# "Xã Long Đống [06328, H. Bắc Sơn] (một phần)": the old unit, its code and its district.
_LINEAGE = re.compile(r"^(?P<old>[^\[]*)\[(?P<code>[^,\]]*)(?:,(?P<parent>[^\]]*))?\]")
# At most this many related units are named in one message.
SHOWN_RELATED = 8


def vn_date(day: date) -> str:
    """A date as official documents write it: 01/7/2025."""
    return f"{day.day:02d}/{day.month}/{day.year}"


def _lineage(entry: str) -> tuple[str, str]:
    """(old unit, its district) of a `formed_from` entry; ("", "") when it has another form."""
    found = _LINEAGE.match(entry)
    if found is None:
        return "", ""
    return found["old"].strip(), (found["parent"] or "").strip()


def related_units(written: str, units: Units, period: str) -> list[Unit]:
    """Units of `period`'s list whose territory the unit `written` names had or has, by the
    lineage in units.yml (“Huyện Bắc Sơn” in 2026: the communes formed from its communes;
    “Xã Long Đống” or “Xã Bắc Sơn” in 2021: the district they were or are in). In list order.
    A hint for the person who fixes the file, never a key to join figures."""
    target = split_level(written)
    current = units.list_for(period).units
    found: set[str] = set()
    for unit in current:
        for old, parent in map(_lineage, unit.formed_from):
            if target in (split_level(old), split_level(parent)):
                found.add(unit.code)
    parents = {
        split_level(parent)
        for other in units.lists
        for unit in other.units
        for old, parent in map(_lineage, unit.formed_from)
        if parent and target in (split_level(unit.name), split_level(old))
    }
    found |= {u.code for u in current if split_level(u.name) in parents}
    return [u for u in current if u.code in found]


def _later_change(units: Units, unit_list: UnitList) -> UnitList | None:
    """The first list after `unit_list` that came into force on a date (the restructuring)."""
    start = Period.parse(unit_list.first).sort_key
    later = [
        u for u in units.lists if u.effective is not None and Period.parse(u.first).sort_key > start
    ]
    return min(later, key=lambda u: Period.parse(u.first).sort_key, default=None)


def _since(change: UnitList) -> str:
    basis = f" (theo {change.basis})" if change.basis else ""
    return f"từ ngày {vn_date(change.effective)}{basis}"


def level_change_advice(written: str, level: str, units: Units, period: str) -> str:
    """Why `written`, a name of `level` that `period`'s unit list lacks, identifies no unit,
    and what to write instead: Vietnamese sentences to follow “Tệp …, trang …, ô …: ”.

    E.g. for “Huyện Bắc Sơn” in 2026-H1: ““Huyện Bắc Sơn” là tên một huyện, nhưng từ ngày
    01/7/2025 (theo Nghị quyết số 1672/NQ-UBTVQH15 …) danh sách đơn vị chỉ gồm xã, phường, không
    còn huyện … Hãy ghi tên xã, phường gửi báo cáo, ví dụ “Xã Bắc Sơn” (…)”."""
    unit_list = units.list_for(period)
    levels = ", ".join(unit_levels(unit_list.units))
    count = (
        f"kỳ {Period.parse(period).label()} tổng hợp theo {len(unit_list.units)} đơn vị là {levels}"
    )
    later = _later_change(units, unit_list)
    if unit_list.effective is not None:
        why = f"{_since(unit_list)} danh sách đơn vị chỉ gồm {levels}, không còn {level}: {count}"
    elif later is not None and level in unit_levels(later.units):
        why = (
            f"{count}; danh sách gồm {', '.join(unit_levels(later.units))} chỉ dùng "
            f"{_since(later)}, cho kỳ {later.first} trở đi"
        )
    else:
        why = f"{count}, không có {level}"
    related = related_units(written, units, period)
    example = resolve_unit(split_level(written)[1], unit_list.units) or next(iter(related), None)
    if example in related:  # the unit of the same name first
        related.remove(example)
        related.insert(0, example)
    advice = f"Hãy ghi tên {levels} gửi báo cáo"
    if example is not None:
        advice += f", ví dụ “{example.name}”"
    if related:
        shown = ", ".join(u.name for u in related[:SHOWN_RELATED])
        if len(related) > SHOWN_RELATED:
            shown += f" và {len(related) - SHOWN_RELATED} đơn vị khác"
        advice += f" (đơn vị của kỳ có địa bàn liên quan đến {written}: {shown})"
    if later is not None and unit_list.effective is None and level in unit_levels(later.units):
        advice += (
            f"; nếu tệp là báo cáo của một {level} từ kỳ {later.first} trở đi, hãy chép tệp "
            "vào thư mục của kỳ đó"
        )
    return (
        f"“{written}” là tên một {level}, nhưng {why}, nên không xác định được tệp của đơn vị "
        f"nào. {advice}."
    )


def plain_level_advice(written: str, level: str) -> str:
    """What `level_change_advice` says when the unit lists' history is not at hand."""
    return (
        f"“{written}” là tên một {level}, nhưng danh sách đơn vị của kỳ không có {level}, nên "
        "không xác định được tệp của đơn vị nào. Hãy ghi tên đơn vị theo danh sách đơn vị "
        "của kỳ."
    )
