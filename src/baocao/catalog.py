"""The catalogue of indicators, the unit lists and the report settings, read from `config/`.

Nothing else in the code repeats a label, a unit of measure or a rule: everything asks here.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .errors import BaocaoError, ConfigError
from .periods import Period

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


@dataclass(frozen=True)
class Catalogue:
    indicators: tuple[Indicator, ...]
    sections: dict[str, str]

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


@dataclass(frozen=True)
class UnitList:
    first: str  # first period, e.g. "2020-H1"
    last: str | None
    level: str
    units: tuple[Unit, ...]

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
        for unit_list in self.lists:
            if unit_list.covers(period):
                return unit_list.units
        raise ConfigError(
            f"config/units.yml không có danh sách đơn vị cho kỳ {period}. "
            "Hãy thêm một mục unit_lists có khoảng thời gian bao gồm kỳ này."
        )

    def unit(self, period: str, code: str) -> Unit:
        for unit in self.for_period(period):
            if unit.code == code:
                return unit
        raise KeyError(code)


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
    catalogue = Catalogue(indicators=tuple(indicators), sections=sections)
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


def _unit_code(code: Any) -> str:
    """A unit's code names its files (`<code>.values.csv`, `<code>.ipynb`): it must be a plain
    ASCII word, so that no code can point outside the output folders."""
    text = str(code if code is not None else "")
    if not _UNIT_CODE.match(text) or WINDOWS_RESERVED.match(text):
        raise ConfigError(
            f"config/units.yml: mã đơn vị “{text}” không hợp lệ; mã chỉ gồm chữ cái, chữ số và "
            "dấu gạch dưới (ví dụ mã GSO 178), và không trùng tên thiết bị mà Windows dành riêng "
            "(CON, PRN, AUX, NUL, COM1…, LPT1…)."
        )
    return text


def parse_units(data: dict) -> Units:
    lists = []
    for raw in data.get("unit_lists", []):
        units = tuple(
            Unit(
                code=_unit_code(u.get("code")),
                name=u["name"],
                short=u.get("short", u["name"]),
                aliases=tuple(u.get("aliases", ())),
            )
            for u in raw["units"]
        )
        lists.append(
            UnitList(
                first=str(raw["from"]), last=raw.get("to"), level=raw.get("level", ""), units=units
            )
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
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Không đọc được tệp cấu hình {path}: {exc.strerror}.") from None


# Parsed once per content: a file edited while the process lives is read anew.
@cache
def _catalogue_from(text: str, source: str) -> Catalogue:
    return parse_catalogue(_parse_yaml(text, source), source=source)


@cache
def _units_from(text: str, source: str) -> Units:
    return parse_units(_parse_yaml(text, source))


@cache
def _settings_from(text: str, source: str) -> ReportSettings:
    return parse_report_settings(_parse_yaml(text, source))


def load_catalogue(config_dir: Path) -> Catalogue:
    path = Path(config_dir) / "indicators.yml"
    return _catalogue_from(_read_text(path), str(path))


def load_units(config_dir: Path) -> Units:
    path = Path(config_dir) / "units.yml"
    return _units_from(_read_text(path), str(path))


def load_report_settings(config_dir: Path) -> ReportSettings:
    path = Path(config_dir) / "report.yml"
    return _settings_from(_read_text(path), str(path))


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
