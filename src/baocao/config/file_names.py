"""What a file's name says about its unit, read against the period's unit list and lineage.

In: a file name's stem ("BC_MTTQ_LocBinh_2021", "xa-khanh-long", "huyen-binh-gia") or a name a
unit wrote, and the period's units. Out: a `NameMatch` (the unit it names, the name it writes
with a level the list lacks, and its reading through the lineage, `lineage.read_name`), or, for
a written name, the level that makes it name no unit (`level_without_unit`). Pure: reads no
file; `run.discover` turns the answers into the file's unit or a Vietnamese message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from baocao.base.keys import match_key
from baocao.config.lineage import NameReading, old_units, old_units_named, read_name
from baocao.config.names import foreign_level, resolve_unit, split_level, unit_levels
from baocao.config.units import Unit

__all__ = ["NameMatch", "level_without_unit", "read_file_name"]


def _compact(text: str) -> str:
    return match_key(text).replace(" ", "")


# Level words that, run together just before a unit's name ("BC_HuyenBinhGia"), make it the
# name of another level. Words that are also common words ("quan" as in "cơ quan", "phuong" as
# in "địa phương", "xa") and two-letter abbreviations ("tt", "tx") are left out: run together
# they are too often something else. Written apart, every level word counts (`foreign_level`).
_RUN_TOGETHER_LEVELS = {
    "huyen": "huyện",
    "thanhpho": "thành phố",
    "tp": "thành phố",
    "thitran": "thị trấn",
    "thixa": "thị xã",
}


@dataclass(frozen=True)
class NameMatch:
    """What a file name says: the unit it names, or the name it writes with a level the
    period's list does not have (“huyen-binh-gia.xlsx” in 2026: `foreign` = (“Huyện Bình
    Gia”, “huyện”)), which names no unit. `reading`: the name read with the lineage too
    (an old unit's name, “xa-khanh-long.xlsx”, or a name also an old unit's elsewhere)."""

    unit: Unit | None = None
    foreign: tuple[str, str] | None = None
    reading: NameReading | None = None


def _named(text: str, unit: Unit | None, units: tuple[Unit, ...]) -> NameMatch:
    return NameMatch(unit, reading=read_name(text, units))


def _old_run_together(compact: str, units: tuple[Unit, ...]) -> NameMatch:
    """The one old unit whose name, run together, is in the file name (“BC_XaKhanhLong”)."""
    found = {
        old.name
        for old in old_units(units)
        if len(name := _compact(split_level(old.name)[1])) >= 6 and name in compact
    }
    return _named(found.pop(), None, units) if len(found) == 1 else NameMatch()


def _cross_level(candidate: str, units: tuple[Unit, ...]) -> tuple[str, str] | None:
    """(candidate, level) when `candidate` would name a unit but for a level word the list
    does not have ("Huyen Bac Son" among 2026's communes)."""
    level = foreign_level(candidate, units)
    unit = resolve_unit(split_level(candidate)[1], units) if level is not None else None
    return (f"{level.capitalize()} {unit.short}", level) if unit is not None else None


def read_file_name(stem: str, units: tuple[Unit, ...]) -> NameMatch:
    """What a file name (its stem, "BC_MTTQ_LocBinh_2021") says among the period's `units`: a
    part of it that is a unit's name or code, or else the one unit whose name, written without
    spaces, appears in it. A name written with a level the list lacks ("BC_Huyen_BinhGia" in
    2026) names no unit (`NameMatch.foreign`); an old unit's name is in `NameMatch.reading`."""
    bare = re.sub(r"\d{4}(-?h[12])?", " ", stem, flags=re.IGNORECASE)
    foreign = None
    candidates = (stem, bare, *re.split(r"[-_ ]+", stem))
    for candidate in candidates:
        unit = resolve_unit(candidate, units) if candidate.strip() else None
        if unit is not None:
            return _named(candidate, unit, units)
        foreign = foreign or _cross_level(candidate, units)
    for candidate in candidates:  # an old unit's name (“xa-khanh-long”)
        if candidate.strip() and old_units_named(candidate, units):
            return _named(candidate, None, units)
    if foreign is not None:
        return NameMatch(foreign=foreign)
    compact = _compact(bare)
    found: dict[str, tuple[Unit, str]] = {}
    levels = unit_levels(units)
    for unit in units:
        for text in (unit.short, *unit.aliases, split_level(unit.name)[1]):
            name = _compact(text)
            at = compact.find(name) if len(name) >= 4 else -1
            if at < 0:
                continue
            before = compact[:at]
            for word, level in _RUN_TOGETHER_LEVELS.items():
                if levels and level not in levels and before.endswith(word):
                    return NameMatch(foreign=(f"{level.capitalize()} {unit.short}", level))
            found[unit.code] = (unit, text)
    if not found:
        return _old_run_together(compact, units)
    if len(found) > 1:
        return NameMatch()
    [(unit, text)] = found.values()
    return _named(text, unit, units)


def level_without_unit(text: str, units: tuple[Unit, ...]) -> str | None:
    """The level a written name uses (“huyện” for “Huyện Bắc Sơn” among 2026's communes) when
    the list has no unit of that level and the name is neither a unit's nor an old unit's;
    None otherwise. Such a name identifies no unit, whatever else the file says."""
    level = foreign_level(text, units)
    if level is None or resolve_unit(text, units) is not None or old_units_named(text, units):
        return None
    return level
