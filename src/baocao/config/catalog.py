"""The catalogue of indicators, the unit lists and the report settings, read from `config/`.

Nothing else in the code repeats a label, a unit of measure or a rule: everything asks here.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from baocao.config.periods import Period, is_period
from baocao.errors import BaocaoError, ConfigError

KINDS = ("count", "money", "percent")
RULES = ("non_negative", "between", "not_above")
SEVERITIES = ("error", "warning")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Rule:
    rule: str  # one of RULES
    severity: str  # "error" or "warning"
    other: str | None = None  # not_above: the indicator this one may not exceed
    min: float | None = None  # between
    max: float | None = None

    def describe(self, catalogue: Catalogue) -> str:
        """The rule in Vietnamese, as a reviewer reads it."""
        if self.rule == "non_negative":
            return "không được âm"
        if self.rule == "between":
            return f"phải nằm trong khoảng {self.min:g}–{self.max:g}"
        other = catalogue.indicator(self.other)
        return f"không được lớn hơn “{other.label}”"


@dataclass(frozen=True)
class Indicator:
    code: str
    section: str
    label: str
    unit: str  # unit of measure, as printed
    kind: str  # one of KINDS
    rules: tuple[Rule, ...]
    total_method: str = "sum"  # "sum" or "weighted_mean"
    total_weight: str | None = None

    @property
    def whole(self) -> bool:
        return self.kind in ("count", "money")


def measure_key(text: str) -> str:
    """A unit of measure folded for comparison: “Tr.đ” and “trđ”, “1.000 đ” and “1000đ” match;
    “%” is kept (as “phần trăm”), so that it never folds to nothing."""
    from baocao.config.names import match_key

    return match_key(text.replace("%", " phần trăm ")).replace(" ", "")


@dataclass(frozen=True)
class MeasureReading:
    """How a row's own “Đơn vị tính” relates to its indicator's unit."""

    status: str  # "same" (or an accepted equivalent), "scaled" (money in another scale), "other"
    scale: int = 1  # đồng per unit written, for "scaled"


@dataclass(frozen=True)
class UnitsOfMeasure:
    """The `units_of_measure` block of config/indicators.yml: the money scales a unit may write
    and, per catalogue unit, the other ways of writing the same unit."""

    money_scales: dict[str, int] = field(default_factory=dict)  # measure_key -> đồng per unit
    same_as: dict[str, frozenset[str]] = field(default_factory=dict)  # key -> accepted keys

    def reading(self, indicator: Indicator, written: str) -> MeasureReading:
        key = measure_key(written)
        own = measure_key(indicator.unit)
        if not key or key == own or key in self.same_as.get(own, frozenset()):
            return MeasureReading("same")
        if indicator.kind == "money" and key in self.money_scales:
            scale = self.money_scales[key]
            base = self.money_scales.get(own, 1)
            if scale % base == 0:
                scale //= base
                return MeasureReading("same" if scale == 1 else "scaled", scale)
        return MeasureReading("other")


@dataclass(frozen=True)
class Catalogue:
    indicators: tuple[Indicator, ...]
    sections: dict[str, str]
    units_of_measure: UnitsOfMeasure = field(default_factory=UnitsOfMeasure)

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    def by_section(self) -> dict[str, list[Indicator]]:
        grouped: dict[str, list[Indicator]] = {s: [] for s in self.sections}
        for indicator in self.indicators:
            grouped[indicator.section].append(indicator)
        return grouped


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


DEFAULT_TITLE = (
    "Báo cáo kết quả công tác Mặt trận {ky_bao_cao}, nhiệm vụ trọng tâm công tác {ky_toi}"
)


@dataclass(frozen=True)
class PeriodSettings:
    number: int | None = None
    date: date | None = None


@dataclass(frozen=True)
class ReportSettings:
    parent_body: str
    issuing_body: str
    document_code: str
    place: str
    signer_on_behalf: str
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...]
    periods: dict[str, PeriodSettings] = field(default_factory=dict)
    # The report's subject line; {ky_bao_cao} / {ky_toi} are the period and the next one.
    title: str = DEFAULT_TITLE

    def for_period(self, period: str) -> PeriodSettings:
        return self.periods.get(period, PeriodSettings())


def read_yaml(path: Path) -> Any:
    """A configuration file's YAML; its problems as a Vietnamese `ConfigError`."""
    return _parse_yaml(_read_text(path), str(path))


def _parse_yaml(text: str, source: str) -> Any:
    try:
        return yaml.safe_load(nfc(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (dòng {mark.line + 1})" if mark else ""
        raise ConfigError(f"Tệp cấu hình {source}{where} sai cú pháp YAML: {exc}.") from None


def _rule(raw: dict, where: str) -> Rule:
    name = raw.get("rule")
    if name not in RULES:
        raise ConfigError(
            f"{where}: quy tắc “{name}” không được hỗ trợ (chỉ có {', '.join(RULES)})."
        )
    severity = raw.get("severity", "error")
    if severity not in SEVERITIES:
        raise ConfigError(f"{where}: mức độ “{severity}” phải là error hoặc warning.")
    return Rule(
        rule=name, severity=severity, other=raw.get("other"), min=raw.get("min"), max=raw.get("max")
    )


def parse_units_of_measure(raw: Any, source: str) -> UnitsOfMeasure:
    """The `units_of_measure` block: `money_scales` (written unit -> đồng) and `same_as`
    (catalogue unit -> list of units meaning the same)."""
    raw = raw or {}
    where = f"{source}, units_of_measure"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: phải là một bảng (money_scales, same_as).")
    scales: dict[str, int] = {}
    for written, factor in (raw.get("money_scales") or {}).items():
        if isinstance(factor, bool) or not isinstance(factor, int) or factor < 1:
            raise ConfigError(
                f"{where}: “{written}” phải đi với số đồng là số nguyên dương, ví dụ 1000000."
            )
        scales[measure_key(str(written))] = factor
    same: dict[str, frozenset[str]] = {}
    for unit, others in (raw.get("same_as") or {}).items():
        if not isinstance(others, list):
            raise ConfigError(f"{where}: “{unit}” phải đi với một danh sách các cách ghi khác.")
        same[measure_key(str(unit))] = frozenset(measure_key(str(o)) for o in others)
    return UnitsOfMeasure(money_scales=scales, same_as=same)


def parse_catalogue(data: dict, source: str = "config/indicators.yml") -> Catalogue:
    kinds = data.get("kinds", {})
    sections = {str(k): v for k, v in data.get("sections", {}).items()}
    indicators: list[Indicator] = []
    seen: set[str] = set()
    for raw in data.get("indicators", []):
        code = raw.get("code", "")
        where = f"{source}, chỉ tiêu {code or '(không mã)'}"
        if not code or not code.isascii() or not code.replace("_", "").isalnum():
            raise ConfigError(f"{where}: mã chỉ tiêu phải là chữ ASCII, số và dấu gạch dưới.")
        if code in seen:
            raise ConfigError(f"{where}: mã chỉ tiêu bị trùng.")
        seen.add(code)
        kind = raw.get("kind")
        if kind not in KINDS:
            raise ConfigError(f"{where}: loại “{kind}” phải là một trong {', '.join(KINDS)}.")
        section = str(raw.get("section"))
        if section not in sections:
            raise ConfigError(f"{where}: mục “{section}” không có trong danh sách sections.")
        rules = [_rule(r, where) for r in kinds.get(kind, {}).get("rules", [])]
        rules += [_rule(r, where) for r in raw.get("rules", [])]
        total = raw.get("total", {}) or {}
        indicators.append(
            Indicator(
                code=code,
                section=section,
                label=raw["label"],
                unit=str(raw["unit"]),
                kind=kind,
                rules=tuple(rules),
                total_method=total.get("method", "sum"),
                total_weight=total.get("weight"),
            )
        )
    catalogue = Catalogue(
        indicators=tuple(indicators),
        sections=sections,
        units_of_measure=parse_units_of_measure(data.get("units_of_measure"), source),
    )
    for indicator in indicators:
        kinds_of_rules = [(r.rule, r.severity) for r in indicator.rules]
        if len(kinds_of_rules) != len(set(kinds_of_rules)):
            raise ConfigError(
                f"{source}, chỉ tiêu {indicator.code}: mỗi loại quy tắc chỉ được khai báo một lần "
                "cho mỗi mức độ."
            )
        for rule in indicator.rules:
            if rule.rule == "not_above" and rule.other not in seen:
                raise ConfigError(
                    f"{source}, chỉ tiêu {indicator.code}: chỉ tiêu so sánh “{rule.other}” không tồn tại."
                )
        if indicator.total_method == "weighted_mean" and indicator.total_weight not in seen:
            raise ConfigError(
                f"{source}, chỉ tiêu {indicator.code}: trọng số “{indicator.total_weight}” không tồn tại."
            )
    return catalogue


_UNIT_CODE = re.compile(r"^[A-Za-z0-9_]{1,32}$")
# Names Windows reserves for devices, with or without an extension ("CON.values.csv" too).
WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])$", re.IGNORECASE)


def _unit_code(code: Any, where: str = "config/units.yml") -> str:
    """A unit's code names its files (`<code>.values.csv`, `<code>.ipynb`): it must be a plain
    ASCII word, so that no code can point outside the output folders. It must also be written
    as a string: YAML reads an unquoted 06004 as the octal number 3076 and 178 as a number."""
    if isinstance(code, int | float):  # bool is an int too
        raise ConfigError(
            f'{where}: mã đơn vị {code} phải đặt trong dấu ngoặc kép (ví dụ code: "06004"); '
            "không có ngoặc, YAML đọc mã thành số và làm mất số 0 ở đầu (06004 thành 3076)."
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


def parse_units(data: dict, source: str = "config/units.yml") -> Units:
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
            code = _unit_code(u.get("code"), f"{where}, khóa code")
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
        if _ranges_overlap((a.first, a.last), (b.first, b.last)):
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


def parse_report_settings(data: dict) -> ReportSettings:
    signer = data.get("signer", {})
    periods = {}
    for key, raw in (data.get("periods") or {}).items():
        raw_date = raw.get("date")
        periods[str(key)] = PeriodSettings(
            number=raw.get("number"),
            date=date.fromisoformat(str(raw_date)) if raw_date else None,
        )
    return ReportSettings(
        parent_body=data["parent_body"],
        issuing_body=data["issuing_body"],
        document_code=data["document_code"],
        place=data["place"],
        signer_on_behalf=signer.get("on_behalf", ""),
        signer_title=signer.get("title", ""),
        signer_name=signer.get("name", ""),
        recipients=tuple(data.get("recipients", ())),
        periods=periods,
        title=nfc(str(data.get("title") or DEFAULT_TITLE)),
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Không đọc được tệp cấu hình {path}: {exc.strerror}.") from None


# --- versions by period ---------------------------------------------------------------------
#
# The catalogue (indicators.yml), the outline (outline.yml) and the report settings (report.yml)
# each hold versions by range of periods, as units.yml does for units: the base file
# `<name>.yml` and later versions `<name>-<first period>.yml` (indicators-2025-H2.yml). Each
# file says when it is in force with a top-level `in_force: {from: "2025-H2", to: null}`; a
# base file without `in_force` is in force for every period no other version covers. A later
# version takes every top-level key it does not set from the base file (e.g. the catalogue's
# `kinds`), so what is shared is written once.

VERSIONED = ("indicators", "outline", "report")
IN_FORCE = "in_force"


@dataclass(frozen=True)
class ConfigVersion:
    """One version of a configuration file and the periods it is in force for."""

    path: Path
    first: str | None  # None: the base file without `in_force`
    last: str | None

    def covers(self, period: str) -> bool:
        if self.first is None:
            return False
        p = Period.parse(period).sort_key
        if p < Period.parse(self.first).sort_key:
            return False
        return self.last is None or p <= Period.parse(self.last).sort_key

    @property
    def shown(self) -> str:
        if self.first is None:
            return "mọi kỳ"
        return f"từ {self.first}" + (f" đến {self.last}" if self.last else "")


def _ranges_overlap(a: tuple[str, str | None], b: tuple[str, str | None]) -> bool:
    def bounds(r):
        low = Period.parse(r[0]).sort_key
        high = Period.parse(r[1]).sort_key if r[1] else (10**6, 0)
        return low, high

    (a_low, a_high), (b_low, b_high) = bounds(a), bounds(b)
    return a_low <= b_high and b_low <= a_high


def _in_force(data: Any, path: Path) -> tuple[str | None, str | None]:
    raw = data.get(IN_FORCE) if isinstance(data, dict) else None
    if raw is None:
        return None, None
    where = f"{path}, khóa {IN_FORCE}"
    if not isinstance(raw, dict) or not raw.get("from"):
        raise ConfigError(f'{where}: phải có dạng {{from: "2025-H2", to: null}}.')
    for key in ("from", "to"):
        value = raw.get(key)
        if value is not None and not is_period(str(value)):
            raise ConfigError(f"{where}.{key}: “{value}” không phải là kỳ báo cáo (ví dụ 2025-H2).")
    return str(Period.parse(str(raw["from"]))), (
        str(Period.parse(str(raw["to"]))) if raw.get("to") is not None else None
    )


def config_versions(config_dir: Path, name: str) -> tuple[ConfigVersion, ...]:
    """Every version of `config/<name>.yml` (base first, then `<name>-*.yml` by name).

    Raises `ConfigError` when a file cannot be read or two versions overlap."""
    config_dir = Path(config_dir)
    paths = [config_dir / f"{name}.yml", *sorted(config_dir.glob(f"{name}-*.yml"))]
    versions = []
    for path in paths:
        data = _parsed(_read_text(path), str(path))
        first, last = _in_force(data, path)
        if first is None and path != paths[0]:
            raise ConfigError(
                f"{path}: thiếu khóa {IN_FORCE} (kỳ bắt đầu và kết thúc có hiệu lực của phiên bản)."
            )
        versions.append(ConfigVersion(path=path, first=first, last=last))
    dated = [v for v in versions if v.first is not None]
    for a, b in itertools.combinations(dated, 2):
        if _ranges_overlap((a.first, a.last), (b.first, b.last)):
            raise ConfigError(
                f"{a.path} ({a.shown}) và {b.path} ({b.shown}) có hiệu lực chồng lên nhau; "
                "mỗi kỳ chỉ được có một phiên bản."
            )
    return tuple(versions)


def version_for(config_dir: Path, name: str, period: str | None) -> ConfigVersion:
    """The version of `config/<name>.yml` in force for `period` (None: the base file)."""
    versions = config_versions(config_dir, name)
    if period is None:
        return versions[0]
    key = str(Period.parse(period))
    for version in versions:
        if version.covers(key):
            return version
    base = versions[0]
    if base.first is None:
        return base
    raise ConfigError(
        f"Không có phiên bản nào của config/{name}.yml có hiệu lực cho kỳ {key}. Hãy thêm một "
        f"tệp config/{name}-<kỳ>.yml có khóa {IN_FORCE} bao gồm kỳ này."
    )


def version_files(config_dir: Path, name: str, period: str | None) -> tuple[Path, ...]:
    """The files a period's version of `config/<name>.yml` is read from (base and version)."""
    version = version_for(config_dir, name, period)
    base = Path(config_dir) / f"{name}.yml"
    return (version.path,) if version.path == base else (base, version.path)


@cache
def _parsed(text: str, source: str) -> Any:
    """A file's YAML, parsed once per content (callers never mutate it)."""
    return _parse_yaml(text, source)


def _versioned_texts(
    config_dir: Path, name: str, period: str | None
) -> tuple[tuple[str, str], ...]:
    return tuple((str(p), _read_text(p)) for p in version_files(config_dir, name, period))


def _merged(texts: tuple[tuple[str, str], ...]) -> tuple[dict, str]:
    """The version's data: the base file's top-level keys, replaced by the version's own."""
    data: dict = {}
    for source, text in texts:
        raw = _parsed(text, source)
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ConfigError(f"Tệp cấu hình {source} phải là một bảng khóa: giá trị.")
        data.update({k: v for k, v in raw.items() if k != IN_FORCE})
    return data, texts[-1][0]


def _guard(parse, data: dict, source: str):
    """Run a parser; a missing key or a wrong type becomes a Vietnamese `ConfigError`."""
    try:
        return parse(data, source)
    except ConfigError:
        raise
    except KeyError as exc:
        raise ConfigError(f"{source}: thiếu khóa {exc.args[0]}.") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{source}: cấu trúc không đúng ({exc}).") from None


# Parsed once per content: a file edited while the process lives is read anew.
@cache
def _catalogue_from(texts: tuple[tuple[str, str], ...]) -> Catalogue:
    data, source = _merged(texts)
    return _guard(lambda d, s: parse_catalogue(d, source=s), data, source)


@cache
def _units_from(text: str, source: str) -> Units:
    return _guard(lambda d, s: parse_units(d, source=s), _parse_yaml(text, source) or {}, source)


@cache
def _settings_from(texts: tuple[tuple[str, str], ...]) -> ReportSettings:
    data, source = _merged(texts)
    return _guard(lambda d, s: parse_report_settings(d), data, source)


def load_catalogue(config_dir: Path, period: str | None = None) -> Catalogue:
    """The catalogue in force for `period` (`config/indicators*.yml`); without a period, the
    base file `config/indicators.yml`. Raises `ConfigError` (Vietnamese, file and key)."""
    return _catalogue_from(_versioned_texts(config_dir, "indicators", period))


def load_units(config_dir: Path) -> Units:
    path = Path(config_dir) / "units.yml"
    return _units_from(_read_text(path), str(path))


def load_report_settings(config_dir: Path, period: str | None = None) -> ReportSettings:
    """The report settings in force for `period` (`config/report*.yml`); without a period, the
    base file. Raises `ConfigError`."""
    return _settings_from(_versioned_texts(config_dir, "report", period))


def load_versioned_yaml(config_dir: Path, name: str, period: str | None) -> tuple[dict, str]:
    """The data of the version of `config/<name>.yml` in force for `period`, and its file."""
    return _merged(_versioned_texts(config_dir, name, period))


# --- overrides of the report settings for one run (command line) ------------------------

OVERRIDE_KEYS = (
    "number",
    "date",
    "place",
    "parent_body",
    "issuing_body",
    "document_code",
    "signer_on_behalf",
    "signer_title",
    "signer_name",
    "recipients",
)


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise BaocaoError(
        f"Ngày báo cáo “{value}” không hợp lệ. Hãy ghi theo dạng 2021-07-05 hoặc 05/07/2021."
    )


def _as_number(value: Any) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise BaocaoError(f"Số báo cáo “{value}” không hợp lệ: phải là số nguyên dương, ví dụ 12.")
    return int(text)


def apply_overrides(
    settings: ReportSettings, period: str, overrides: Mapping[str, Any] | None = None
) -> ReportSettings:
    """`settings` with this run's overrides (keys in `OVERRIDE_KEYS`) applied.

    A value of None keeps the configured one; an empty string clears the number or the date
    (the header then leaves it for writing by hand). `date` takes a date or "2021-07-05" /
    "05/07/2021"; `recipients` a list of strings.
    """
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    unknown = sorted(set(overrides) - set(OVERRIDE_KEYS))
    if unknown:
        raise BaocaoError(
            f"Không thể thay “{', '.join(unknown)}” trong báo cáo; chỉ thay được: "
            f"{', '.join(OVERRIDE_KEYS)}."
        )
    key = str(Period.parse(period))
    own = settings.for_period(key)
    own = PeriodSettings(
        number=_as_number(overrides["number"]) if "number" in overrides else own.number,
        date=_as_date(overrides["date"]) if "date" in overrides else own.date,
    )
    fields = {k: overrides[k] for k in OVERRIDE_KEYS[2:] if k in overrides}
    if "recipients" in fields:
        recipients = fields["recipients"]
        if isinstance(recipients, str):
            recipients = [recipients]
        fields["recipients"] = tuple(str(r) for r in recipients)
    for name, value in fields.items():
        if name != "recipients":
            fields[name] = unicodedata.normalize("NFC", str(value))
    return dataclasses.replace(settings, periods={**settings.periods, key: own}, **fields)
