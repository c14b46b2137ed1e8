"""Names from the unit list before a restructuring, read through the lineage in units.yml.

For months after 1 July 2025 commune offices still write the name of the old commune they were
(“Xã Khánh Long”, now part of Xã Đoàn Kết), and old and new names collide: the old Xã Chi Lăng of
Tràng Định is now part of Xã Thất Khê (06040), not the new Xã Chi Lăng (06463). `read_name` says
what one written name (from `Thông tin` or a file name) may mean in a period: the unit of the
period's list it names, and the old units of that name (`formed_from`) that lie in other units.
`settle` weighs the two pieces of evidence of a file and either names its unit (with a warning
when an old name was used) or says why it cannot. Pure: reads no file; messages are Vietnamese
sentences that the caller prefixes with the file's name.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from baocao.base.keys import match_key
from baocao.config.names import closest_units, resolve_unit, split_level
from baocao.config.units import Unit

__all__ = [
    "NameReading",
    "ambiguity_note",
    "OldUnit",
    "Settled",
    "lineage_hint",
    "old_units",
    "old_units_named",
    "read_name",
    "settle",
    "unit_words",
]

# "Xã Long Đống [06328, H. Bắc Sơn] (một phần)": old unit, its code, its district, partial.
_ENTRY = re.compile(
    r"^(?P<old>[^\[]*)\[(?P<code>[^,\]]*)(?:,(?P<parent>[^\]]*))?\](?P<rest>.*)$", re.DOTALL
)


@dataclass(frozen=True)
class OldUnit:
    """An old unit of a `formed_from` entry and the unit of the period's list it went into.

    `partial`: only part of the old unit went into `new` (“(một phần)”), so the old name alone
    does not tell which new unit a file is from."""

    name: str  # "Xã Chi Lăng"
    code: str  # "06034"
    parent: str  # "H. Tràng Định"
    partial: bool
    new: Unit

    @property
    def described(self) -> str:
        """“Xã Chi Lăng (mã 06034, H. Tràng Định)”: the old unit as messages name it."""
        where = ", ".join(x for x in (f"mã {self.code}" if self.code else "", self.parent) if x)
        return f"{self.name} ({where})" if where else self.name


@lru_cache(maxsize=16)
def _old_units(units: tuple[Unit, ...]) -> tuple[OldUnit, ...]:
    found = []
    for unit in units:
        for entry in unit.formed_from:
            match = _ENTRY.match(entry)
            if match is None or not match["old"].strip():
                continue
            found.append(
                OldUnit(
                    name=match["old"].strip(),
                    code=match["code"].strip(),
                    parent=(match["parent"] or "").strip(),
                    partial="một phần" in match["rest"],
                    new=unit,
                )
            )
    return tuple(found)


def old_units(units: Sequence[Unit]) -> tuple[OldUnit, ...]:
    """Every old unit named in the `formed_from` lineage of a unit list, in list order."""
    return _old_units(tuple(units))


def old_units_named(text: str, units: Sequence[Unit]) -> list[OldUnit]:
    """The old units (of `units`' lineage) `text` names: “Xã Chi Lăng” the two old communes of
    that name, “Chi Lăng” also the old Phường and Thị trấn Chi Lăng. A name written with a level
    word matches only old units of that level; a bare name, any level."""
    level, key = split_level(text)
    if not key:
        return []
    found = []
    for old in old_units(units):
        old_level, old_key = split_level(old.name)
        if old_key == key and (level is None or level == old_level):
            found.append(old)
    # With diacritics as written, “Tân Thành” is not “Tân Thanh”; unless none matches so.
    words = len(key.split())
    marked = [o for o in found if _last_words(o.name, words) == _last_words(text, words)]
    return marked or found


def _last_words(text: str, count: int) -> list[str]:
    return unicodedata.normalize("NFC", text).casefold().replace(".", " ").split()[-count:]


@dataclass(frozen=True)
class NameReading:
    """What one written name may mean in a period.

    `current`: the unit of the period's list it names (None if none); `old`: the old units of
    that name that lie in another unit than `current`."""

    written: str
    current: Unit | None = None
    old: tuple[OldUnit, ...] = ()

    @property
    def candidates(self) -> list[Unit]:
        """The units the name may mean, the period's own unit first, without repeats."""
        seen: dict[str, Unit] = {}
        for unit in (self.current, *(o.new for o in self.old)):
            if unit is not None:
                seen.setdefault(unit.code, unit)
        return list(seen.values())

    @property
    def named(self) -> bool:
        return bool(self.candidates)


# What offices write around their unit's name in `Thông tin` (folded words): the Front's own
# name before it (“UBMTTQ xã Đoàn Kết”, “Ủy ban MTTQ Việt Nam xã …”, “BTT UBMTTQ …”), and the
# higher levels after it (“MTTQ Xã Đoàn Kết - huyện Văn Quan”, “…, tỉnh Lạng Sơn”).
_FRONT = re.compile(
    r"^(?:(?:ban thuong truc|btt) )?(?:(?:uy ban|ub) )?"
    r"(?:mat tran to quoc|ubmttq|ubmt|mttq|mt)(?: viet nam| vn)? "
)
_ABOVE = re.compile(r" (?:huyen|h|tinh|thanh pho|tp) ")


def unit_words(text: str) -> str:
    """The words of `text` that name its unit, as written (diacritics kept): “xã Đoàn Kết” for
    “UBMTTQ xã Đoàn Kết” and for “MTTQ Xã Đoàn Kết - huyện Văn Quan”; `text` itself when
    nothing is around the name. Words are compared folded (`match_key`), so “UỶ BAN MTTQ”
    and “Uy ban MTTQ” are the Front's name too."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", text))
    folded = [match_key(word) for word in words]
    joined = " ".join(folded) + " "
    front = _FRONT.match(joined)
    start = front.group(0).count(" ") if front else 0
    above = _ABOVE.search(joined, pos=len(" ".join(folded[: start + 2])))
    end = joined[: above.start()].count(" ") + 1 if above else len(words)
    kept = words[start:end]
    return " ".join(kept) if kept and (start or end < len(words)) else text


def _by_code(text: str, units: Sequence[Unit]) -> Unit | None:
    """The unit whose code `text` is, a leading zero left out (“6001” for 06001) or not."""
    if not text.strip().isdigit():
        return None
    found = [u for u in units if u.code.lstrip("0") == text.strip().lstrip("0")]
    return found[0] if len(found) == 1 else None


def read_name(text: str, units: Sequence[Unit]) -> NameReading:
    """`text` read against the period's list (`resolve_unit`) and its lineage. What offices
    write around the name (`unit_words`) is set aside when the whole text names nothing, and a
    code with its leading zero left out is the unit's code."""
    name = text
    if resolve_unit(text, units) is None and not old_units_named(text, units):
        name = unit_words(text)
    by_code = _by_code(name, units)
    if by_code is not None:
        return NameReading(text, by_code)  # a code is not a name: no old unit shares it
    current = resolve_unit(name, units)
    named_old = old_units_named(name, units)
    level = split_level(name)[0]
    if (
        current is not None
        and level is not None
        and split_level(current.name)[0] not in (None, level)
        and any(split_level(o.name)[0] == level for o in named_old)
    ):
        # “Phường Chi Lăng” is the old ward (now Lương Văn Tri), not the commune Xã Chi Lăng
        # that the name matches only once its level word is set aside.
        current = None
    old = tuple(o for o in named_old if current is None or o.new.code != current.code)
    return NameReading(text, current, old)


@dataclass
class Settled:
    """A file's unit as its evidence decides it: `unit` (None when set aside), its findings as
    (severity, kind, which evidence: "info" or "file", message), and `old`, the old unit whose
    name identified it (for telling apart files that are parts of one new unit)."""

    unit: Unit | None
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)
    old: OldUnit | None = None


def _unit_named(unit: Unit) -> str:
    return f"{unit.name} (mã {unit.code})"


def _old_name_warning(old: OldUnit, written: str, basis: str) -> str:
    cited = f" theo {basis}" if basis else ""
    return (
        f"“{written}” là tên {old.described}, đơn vị trước ngày 01/7/2025; từ ngày 01/7/2025"
        f"{cited}, {old.name} {'một phần ' if old.partial else ''}thuộc {_unit_named(old.new)}, "
        f"nên tệp được tổng hợp cho {old.new.name}. Nếu tệp chỉ có số liệu của {old.name} cũ, "
        f"không phải của cả {old.new.name}, hãy đề nghị {old.new.name} gửi một tệp chung cho cả "
        f"đơn vị; từ kỳ sau, hãy ghi tên đơn vị mới “{old.new.name}”."
    )


def _candidates_text(reading: NameReading) -> str:
    """“Xã Chi Lăng (mã 06463), hoặc Xã Thất Khê (mã 06040, có Xã Chi Lăng (mã 06034, H. Tràng
    Định) cũ)”."""
    parts = []
    if reading.current is not None:
        parts.append(_unit_named(reading.current))
    for old in reading.old:
        parts.append(
            f"{old.new.name} (mã {old.new.code}, có {'một phần ' if old.partial else ''}"
            f"{old.described} cũ)"
        )
    return ", hoặc ".join(dict.fromkeys(parts))


def _is(reading: NameReading) -> str:
    return "có thể là" if len(reading.candidates) > 1 else "là"


def _how_to_settle(units: list[Unit]) -> str:
    ways = "; ".join(
        f"nếu là báo cáo của {u.name}, hãy ghi “{u.name}” ở trang “Thông tin” và đặt tên tệp "
        f"bắt đầu bằng mã {u.code} (ví dụ {u.code}-….xlsx)"
        for u in units
    )
    return f"Hãy hỏi đơn vị gửi tệp rồi sửa cho rõ: {ways}."


def _pick(reading: NameReading, unit: Unit) -> OldUnit | None:
    """The old unit of `reading` that lies in `unit`, when the name is an old one for it."""
    if reading.current is not None and reading.current.code == unit.code:
        return None
    return next((o for o in reading.old if o.new.code == unit.code), None)


def settle(info: NameReading | None, file: NameReading | None, *, basis: str = "") -> Settled:
    """The unit a file belongs to, from the name in its `Thông tin` (`info`) and its file name
    (`file`), each None when it names nothing; `basis` is the act the lineage cites (units.yml
    `basis`). Each finding's message is to follow “Tệp …, <where the evidence was read>: ”.

    - Both name the same unit of the period's list: that unit.
    - Old names (on one side or both): the one unit all the evidence allows, with a warning
      citing the restructuring (an old unit lying wholly in one new unit means that unit).
    - The two sides point to different units, or a name fits a unit of the list and an old unit
      of another with nothing else to decide, or an old unit split between several (“(một
      phần)”, even when the other side names one of them: its figures are no one unit's): no
      unit, with an error naming the candidates and how to settle it.
    Returns `Settled(None)` without findings when neither names anything.
    """
    readings = [(r, side) for r, side in ((info, "info"), (file, "file")) if r and r.named]
    if len(readings) == 2:
        both_current = info.current is not None and file.current is not None
        if both_current and info.current.code == file.current.code:
            return Settled(info.current)
        codes = {c.code for c in file.candidates}
        common = [u for u in info.candidates if u.code in codes]
        if not both_current and len(common) == 1:
            return _with_old_names(common[0], readings, basis)
        shown = list({u.code: u for u in (*info.candidates, *file.candidates)}.values())
        message = (
            f"ghi “{info.written}”, {_is(info)} {_candidates_text(info)}; tên tệp lại chỉ "
            f"{_candidates_text(file)}. Tệp chưa được tổng hợp cho đơn vị nào, để không tính "
            f"nhầm số liệu của đơn vị này cho đơn vị khác. {_how_to_settle(shown)}"
        )
        return Settled(None, [("error", "unit_conflict", "info", message)])
    if not readings:
        return Settled(None)
    reading, side = readings[0]
    candidates = reading.candidates
    if len(candidates) == 1:
        return _with_old_names(candidates[0], readings, basis)
    message = (
        f"“{reading.written}” có thể là {_candidates_text(reading)} (theo danh sách đơn vị "
        "của kỳ và các đơn vị cũ hợp thành, units.yml), nên tệp chưa được tổng hợp cho đơn vị "
        f"nào. {_how_to_settle(candidates)}"
    )
    return Settled(None, [("error", "unit_ambiguous", side, message)])


def _split_error(old: OldUnit, reading: NameReading, basis: str) -> str:
    """An old unit split between several new units: its figures are no one unit's."""
    shares = {o.new.code: o.new for o in reading.old if o.code == old.code and o.name == old.name}
    named = ", ".join(_unit_named(u) for u in shares.values())
    cited = f" theo {basis}" if basis else ""
    return (
        f"“{reading.written}” là tên {old.described}, đơn vị trước ngày 01/7/2025; từ ngày "
        f"01/7/2025{cited}, {old.name} được chia cho {named}, nên số liệu của cả {old.name} cũ "
        "không phải số liệu của một đơn vị mới nào. Tệp chưa được tổng hợp cho đơn vị nào. Hãy "
        f"đề nghị {old.new.name} gửi một tệp chung cho cả đơn vị, ghi tên “{old.new.name}” ở "
        f"trang “Thông tin”."
    )


def _with_old_names(unit: Unit, readings: list, basis: str) -> Settled:
    settled = Settled(unit)
    for reading, side in readings:
        old = _pick(reading, unit)
        if old is not None and old.partial:
            return Settled(
                None, [("error", "unit_ambiguous", side, _split_error(old, reading, basis))]
            )
        if old is not None and old != settled.old:  # one warning when both sides name it
            settled.old = settled.old or old
            warning = _old_name_warning(old, reading.written, basis)
            settled.findings.append(("warning", "old_unit_name", side, warning))
    return settled


def ambiguity_note(reading: NameReading) -> str:
    """For `validate`, which has no file name to weigh: the name fits several units, and how
    the province's run will tell which (by the file name, else the file is set aside)."""
    codes = ", ".join(f"{u.code}-….xlsx" for u in reading.candidates)
    return (
        f"“{reading.written}” có thể là {_candidates_text(reading)}. Khi tổng hợp, tỉnh dựa vào "
        "tên tệp để biết tệp của đơn vị nào, và để riêng tệp nếu tên tệp không cho biết: hãy "
        f"đặt tên tệp bắt đầu bằng mã của đơn vị gửi báo cáo ({codes})."
    )


def lineage_hint(text: str, units: Sequence[Unit], n: int = 3) -> str:
    """Units that `text`, a name matching none, most likely means, for a “gần giống” hint: first
    the units formed from old units whose names look like it (the lineage: “Xã Đoàn Kết (có Xã
    Khánh Long cũ)” for “Xã Khánh Lonh”), then the units whose own names do (spelling). Up to
    `n`, comma-separated; “không có” when none. What offices write around the name
    (`unit_words`: “UBMTTQ xã Khánh Lonh”) is set aside."""
    text = unit_words(text)
    level, key = split_level(text)
    scored = []
    for index, old in enumerate(old_units(units)):
        old_level, old_key = split_level(old.name)
        if level is not None and old_level != level:
            continue
        ratio = difflib.SequenceMatcher(None, key, old_key).ratio()
        if ratio >= 0.8 and split_level(old.new.name) != (old_level, old_key):
            scored.append((-ratio, index, old))
    scored.sort(key=lambda item: (item[0], item[1]))
    found: dict[str, str] = {}
    for _, _, old in scored:
        found.setdefault(old.new.code, f"{old.new.name} (có {old.name} cũ)")
    for unit in closest_units(text, units):
        found.setdefault(unit.code, unit.name)
    return ", ".join(list(found.values())[:n]) or "không có"
