"""The catalogue of indicators, read from `config/indicators*.yml` for a period.

In: the catalogue's YAML (the version in force, see `versions`). Out: a `Catalogue` of
indicators (code, section, label, unit of measure, kind, rules, how they total), its sections
and the other ways a unit may write a unit of measure. Nothing else in the code repeats a label,
a unit of measure or a rule: everything asks here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from baocao.base.keys import match_key
from baocao.config.rule_kinds import RULE_KINDS, rule_kind
from baocao.config.versions import guarded_parse, merge_versions, versioned_texts
from baocao.errors import ConfigError

KINDS = ("count", "money", "percent")
# The keys an indicator of the catalogue may have; any other is a mistake (a misspelt key would
# otherwise be silently ignored).
INDICATOR_KEYS = (
    "code",
    "section",
    "label",
    "unit",
    "kind",
    "rules",
    "total",
    "scales_with_unit_list",
)
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Rule:
    """One rule of an indicator; its kind (`rule`, a name of `rule_kinds.RULE_KINDS`) says
    which of the other fields it uses."""

    rule: str
    severity: str  # "error" or "warning"
    other: str | None = None  # not_above: the indicator this one may not exceed
    min: float | None = None  # between
    max: float | None = None
    factor: float | None = None  # changed_from_earlier: the factor; far_from_units: the MADs
    compare: tuple[str, ...] = ()  # changed_from_earlier: the earlier periods compared

    def describe(self, catalogue: Catalogue) -> str:
        """The rule in Vietnamese, as a reviewer reads it."""
        return rule_kind(self.rule).describe(self, catalogue)

    @property
    def scope(self) -> str:
        """ "unit" (one unit's own figures) or "period" (other units or periods)."""
        return rule_kind(self.rule).scope


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
    # The figure counts things that exist once per unit (a Ban Thanh tra nhân dân per commune)
    # or scale with the number of units (reports each unit sends): its province total follows
    # the unit list, so it is not compared with a period reported by another unit list.
    scales_with_unit_list: bool = False

    @property
    def whole(self) -> bool:
        return self.kind in ("count", "money")


def measure_key(text: str) -> str:
    """A unit of measure folded for comparison: “Tr.đ” and “trđ”, “1.000 đ” and “1000đ” match;
    “%” is kept (as “phần trăm”), so that it never folds to nothing."""
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
        """How `written` (a row's “Đơn vị tính”) relates to `indicator`'s unit. Blank is the
        catalogue's unit; one written only in signs that fold to nothing (“$”, “€”, “‰”) is
        "other", as is any currency but đồng: only `money_scales` convert."""
        key = measure_key(written)
        own = measure_key(indicator.unit)
        if not key and written.strip():
            return MeasureReading("other")
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


def _rule(raw: Any, where: str) -> Rule:
    """A rule of the catalogue, read by its kind's entry in the registry."""
    name = raw.get("rule") if isinstance(raw, dict) else None
    if name not in RULE_KINDS:
        raise ConfigError(
            f"{where}: quy tắc “{name}” không được hỗ trợ (chỉ có {', '.join(RULE_KINDS)})."
        )
    kind = rule_kind(name)
    where = f"{where}, quy tắc {name}"
    unknown = [str(k) for k in raw if k not in ("rule", "severity", *kind.keys)]
    if unknown:
        allowed = ", ".join(("rule", "severity", *kind.keys))
        raise ConfigError(f"{where}: khóa {', '.join(unknown)} không dùng được (chỉ có {allowed}).")
    severity = raw.get("severity", "error" if kind.scope == "unit" else "warning")
    if severity not in SEVERITIES:
        raise ConfigError(f"{where}: mức độ “{severity}” phải là error hoặc warning.")
    if kind.scope == "period" and severity != "warning":
        raise ConfigError(
            f"{where}: quy tắc so sánh với kỳ khác hoặc đơn vị khác chỉ được là cảnh báo "
            "(severity: warning)."
        )
    return Rule(rule=name, severity=severity, **kind.parse(raw, where))


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
        unknown = [str(k) for k in raw if k not in INDICATOR_KEYS]
        if unknown:
            raise ConfigError(
                f"{where}: khóa {', '.join(unknown)} không dùng được; một chỉ tiêu chỉ có các "
                f"khóa {', '.join(INDICATOR_KEYS)}."
            )
        scales = raw.get("scales_with_unit_list", False)
        if not isinstance(scales, bool):
            raise ConfigError(
                f"{where}, khóa scales_with_unit_list: “{scales}” phải là true hoặc false "
                "(không có dấu ngoặc kép)."
            )
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
                scales_with_unit_list=scales,
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
            for other in rule_kind(rule.rule).refers(rule):
                if other not in seen:
                    raise ConfigError(
                        f"{source}, chỉ tiêu {indicator.code}: chỉ tiêu so sánh “{other}” "
                        "không tồn tại."
                    )
        if indicator.total_method == "weighted_mean" and indicator.total_weight not in seen:
            raise ConfigError(
                f"{source}, chỉ tiêu {indicator.code}: trọng số “{indicator.total_weight}” không tồn tại."
            )
    return catalogue


# Parsed once per content: a file edited while the process lives is read anew.
@cache
def _catalogue_from(texts: tuple[tuple[str, str], ...]) -> Catalogue:
    data, source = merge_versions(texts)
    return guarded_parse(lambda d, s: parse_catalogue(d, source=s), data, source)


def load_catalogue(config_dir: Path, period: str | None = None) -> Catalogue:
    """The catalogue in force for `period` (`config/indicators*.yml`); without a period, the
    base file `config/indicators.yml`. Raises `ConfigError` (Vietnamese, file and key)."""
    return _catalogue_from(versioned_texts(config_dir, "indicators", period))
