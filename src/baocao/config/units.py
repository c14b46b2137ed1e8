"""The committee's units by period, read from `config/units.yml`.

In: units.yml (its `unit_lists`, each with the range of periods it is in force for). Out:
`Units`, which gives the list in force for a period (`Unit`: code, name, short name, aliases,
lineage); a bad code, a duplicate or overlapping lists as a Vietnamese `ConfigError`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from baocao.config.periods import Period, is_period
from baocao.config.versions import (
    guarded_parse,
    nfc,
    parse_yaml_text,
    ranges_overlap,
    read_config_text,
    yaml_node,
)
from baocao.errors import ConfigError


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    short: str
    aliases: tuple[str, ...] = ()
    # The old units this one was formed from (lineage, as the source writes them, e.g.
    # "Xã Hoàng Đồng [05986, TP Lạng Sơn]"); data the report may cite, never a join key.
    formed_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitList:
    first: str  # first period, e.g. "2020-H1"
    last: str | None
    level: str
    units: tuple[Unit, ...]
    effective: date | None = None  # the day the list came into force, e.g. 2025-07-01
    basis: str = ""  # the legal act that set it up, as the report cites it

    def covers(self, period: str) -> bool:
        p = Period.parse(period).sort_key
        if p < Period.parse(self.first).sort_key:
            return False
        return self.last is None or p <= Period.parse(self.last).sort_key


@dataclass(frozen=True)
class Units:
    province: str
    committee: str
    lists: tuple[UnitList, ...]

    def for_period(self, period: str) -> tuple[Unit, ...]:
        return self.list_for(period).units

    def list_for(self, period: str) -> UnitList:
        """The unit list in force for `period` (the first entry whose range contains it)."""
        for unit_list in self.lists:
            if unit_list.covers(period):
                return unit_list
        raise ConfigError(
            f"config/units.yml không có danh sách đơn vị cho kỳ {period}. "
            "Hãy thêm một mục unit_lists có khoảng thời gian bao gồm kỳ này."
        )

    def unit(self, period: str, code: str) -> Unit:
        for unit in self.for_period(period):
            if unit.code == code:
                return unit
        raise KeyError(code)


_UNIT_CODE = re.compile(r"^[A-Za-z0-9_]{1,32}$")
# Names Windows reserves for devices, with or without an extension ("CON.values.csv" too).
WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])$", re.IGNORECASE)


def _unit_code(code: Any, where: str = "config/units.yml", written: str | None = None) -> str:
    """A unit's code names its files (`<code>.values.csv`, `<code>.ipynb`): it must be a plain
    ASCII word, so that no code can point outside the output folders. It must also be written
    as a string: YAML reads an unquoted 06004 as the octal number 3076 and 178 as a number.
    `written`: the code as the file writes it, when known (the message shows it, not the
    number YAML made of it)."""
    if isinstance(code, int | float):  # bool is an int too
        typed = written if written is not None else str(code)
        lost = (
            f"YAML đọc {typed} thành số {code} và làm mất số 0 ở đầu"
            if typed.startswith("0") and typed != str(code)
            else "YAML đọc mã thành số"
        )
        raise ConfigError(
            f'{where}: mã đơn vị {typed} phải đặt trong dấu ngoặc kép, hãy ghi code: "{typed}"; '
            f"không có ngoặc, {lost}."
        )
    text = str(code if code is not None else "")
    if not _UNIT_CODE.match(text) or WINDOWS_RESERVED.match(text):
        raise ConfigError(
            f"{where}: mã đơn vị “{text}” không hợp lệ; mã chỉ gồm chữ cái, chữ số và "
            "dấu gạch dưới (ví dụ mã GSO 178), và không trùng tên thiết bị mà Windows dành riêng "
            "(CON, PRN, AUX, NUL, COM1…, LPT1…)."
        )
    return text


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise ConfigError(f"{where}: phải là một danh sách chữ, mỗi mục trong dấu ngoặc kép.")
    return tuple(nfc(x) for x in raw)


def parse_units(data: dict, source: str = "config/units.yml", text: str | None = None) -> Units:
    """The unit lists of units.yml's `data`; `text`, the file as written, lets a message quote
    a value as typed and give its line. Raises `ConfigError`."""
    lists = []
    for number, raw in enumerate(data.get("unit_lists") or [], start=1):
        here = f"{source}, unit_lists mục {number} (từ {raw.get('from', '?')})"
        for key in ("from", "to"):
            if raw.get(key) is not None and not is_period(str(raw[key])):
                raise ConfigError(f"{here}, khóa {key}: “{raw[key]}” không phải là kỳ báo cáo.")
        if raw.get("from") is None:
            raise ConfigError(f"{here}: thiếu khóa from (kỳ đầu tiên danh sách có hiệu lực).")
        units = []
        codes: set[str] = set()
        for place, u in enumerate(raw.get("units") or [], start=1):
            where = f"{here}, units mục {place}"
            if not isinstance(u, dict) or not u.get("name"):
                raise ConfigError(f"{where}: mỗi đơn vị cần có code và name.")
            code_at = f"{where}, khóa code"
            written = None
            if text is not None and isinstance(u.get("code"), int | float):
                node = yaml_node(text, ("unit_lists", number - 1, "units", place - 1, "code"))
                if node is not None:
                    written = str(node.value)
                    code_at = (
                        f"{source}, dòng {node.start_mark.line + 1}, {code_at[len(source) + 2 :]}"
                    )
            code = _unit_code(u.get("code"), code_at, written)
            if code in codes:
                raise ConfigError(
                    f"{where}, khóa code: mã đơn vị “{code}” bị trùng trong danh sách."
                )
            codes.add(code)
            units.append(
                Unit(
                    code=code,
                    name=nfc(str(u["name"])),
                    short=nfc(str(u.get("short", u["name"]))),
                    aliases=_strings(u.get("aliases"), f"{where}, khóa aliases"),
                    formed_from=_strings(u.get("formed_from"), f"{where}, khóa formed_from"),
                )
            )
        if not units:
            raise ConfigError(f"{here}: danh sách đơn vị (units) trống.")
        effective = raw.get("effective")
        try:
            effective = date.fromisoformat(str(effective)) if effective else None
        except ValueError:
            raise ConfigError(
                f"{here}, khóa effective: “{effective}” không phải ngày dạng 2025-07-01."
            ) from None
        lists.append(
            UnitList(
                first=str(raw["from"]),
                last=str(raw["to"]) if raw.get("to") is not None else None,
                level=str(raw.get("level", "")),
                units=tuple(units),
                effective=effective,
                basis=nfc(str(raw.get("basis") or "")),
            )
        )
    for a, b in itertools.combinations(lists, 2):
        if ranges_overlap((a.first, a.last), (b.first, b.last)):
            raise ConfigError(
                f"{source}, unit_lists: danh sách từ {a.first} và danh sách từ {b.first} có "
                "khoảng thời gian chồng lên nhau; mỗi kỳ chỉ được có một danh sách đơn vị."
            )
    province = data.get("province", {})
    return Units(
        province=province.get("name", ""),
        committee=province.get("committee", ""),
        lists=tuple(lists),
    )


# Parsed once per content: a file edited while the process lives is read anew.
@cache
def _units_from(text: str, source: str) -> Units:
    return guarded_parse(
        lambda d, s: parse_units(d, source=s, text=text),
        parse_yaml_text(text, source) or {},
        source,
    )


def load_units(config_dir: Path) -> Units:
    path = Path(config_dir) / "units.yml"
    return _units_from(read_config_text(path), str(path))
