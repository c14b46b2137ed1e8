"""The kinds of rule the catalogue may declare: one registry, one entry per kind.

A kind is written once, here, as a `RuleKind` registered by name (as papermill registers its
engines): how its catalogue entry is read (`parse`), how a reviewer reads it (`describe`), the
Excel data validation of the intake template (`excel`), and its bounds (`bounds`). Everything
else asks the registry:

- the catalogue (`config.catalog`) parses and checks a rule by its kind's entry;
- the validation (`unit.validate` for one unit's figures, `run.period_rules` for the rules that
  need other units or periods) turns every bound into a row "upper ≥ lower" that ONE Great
  Expectations expectation per severity checks (`ExpectColumnPairValuesAToBeGreaterThanB`), and
  a failed row into a Vietnamese message from the bound's own words;
- the intake template puts `excel` on the value cells;
- the sample plan's guard and the tests' recomputation ask `rule_holds`.

A bound says "value ≥ limit" (side "min") or "value ≤ limit" (side "max"); a NaN limit cannot
be checked (the other figure is missing) and holds. `scope` "unit" kinds need one unit's own
figures; "period" kinds need the other units of the period or the unit's earlier periods
(`Figures.across`, `Figures.earlier`) and are checked once the units are processed; they only
warn (a figure is never left out of the totals for differing from others).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from baocao.base.numbers import format_number
from baocao.config.periods import Period
from baocao.errors import ConfigError

# `config.catalog` imports this module, so its types are named here only in words: a `Rule`
# is `catalog.Rule`, a `Catalogue` is `catalog.Catalogue`.
Rule = Any
Catalogue = Any

SCOPES = ("unit", "period")
# The periods a "changed from earlier" rule may compare with, and how the report names them.
EARLIER = {
    "same_period_last_year": "cùng kỳ năm trước",
    "previous_half_year": "6 tháng liền trước",
}


def earlier_periods(period: str) -> dict[str, Period]:
    """The periods a "changed from earlier" rule compares `period` with, by role (a whole
    year has no half-year before it)."""
    p = Period.parse(period)
    found = {"same_period_last_year": p.same_period_last_year()}
    if p.previous_half_year() is not None:
        found["previous_half_year"] = p.previous_half_year()
    return found


@dataclass(frozen=True)
class Earlier:
    """One unit's figures of an earlier period: `role` a key of EARLIER, `label` the period in
    words ("6 tháng đầu năm 2020"), `values` indicator code -> counted figure."""

    role: str
    label: str
    values: Mapping[str, float]


@dataclass(frozen=True)
class Figures:
    """What a rule may look at for one unit: its own counted figures (code -> value), the
    counted figures of every unit of the period for each code (`across`: code -> {unit code ->
    value}), and the same unit's earlier periods. Only what a rule's scope needs is filled."""

    own: Mapping[str, float]
    unit: str = ""
    across: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    earlier: tuple[Earlier, ...] = ()
    cells: Mapping[str, str] = field(default_factory=dict)  # code -> the unit's cell ("E13")


@dataclass(frozen=True)
class Bound:
    """ "value ≥ limit" (side "min") or "value ≤ limit" (side "max"); `said` tells in Vietnamese
    what the value was compared with (the other figure and its period, or the other units)."""

    side: str
    limit: float
    said: str = ""

    def holds(self, value: float) -> bool:
        if math.isnan(self.limit) or math.isnan(value):
            return True
        return value >= self.limit if self.side == "min" else value <= self.limit


def _number(raw: Any, where: str, key: str, *, positive: bool = False) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or math.isnan(raw):
        raise ConfigError(f"{where}: khóa {key} phải là một số (không có dấu ngoặc kép).")
    if positive and raw <= 0:
        raise ConfigError(f"{where}: khóa {key} phải là số lớn hơn 0.")
    return float(raw)


def _shown(value: float) -> str:
    return format_number(value, decimals=0 if float(value).is_integer() else 1)


@dataclass(frozen=True)
class RuleKind:
    """One kind of rule. `keys`: the keys its catalogue entry may have besides `rule` and
    `severity`; `parse(raw, where)` -> the `Rule` fields it sets (ConfigError naming `where`);
    `describe(rule, catalogue)` -> Vietnamese; `bounds(rule, code, figures)` -> the bounds on the
    figure `code`; `excel(rule)` -> the range (low, high; None: open) the template's data
    validation checks on the cell alone, or None when the cell alone cannot tell; `phrase(rule, bounds, catalogue)` -> what the failed bounds say after
    "label = value" (default: the description and the first bound's `said`); `advice(rule, code,
    figures)` ends the message; `refers(rule)` -> the indicator codes it names (checked to
    exist)."""

    name: str
    keys: tuple[str, ...]
    parse: Callable[[dict, str], dict]
    describe: Callable[[Rule, Catalogue], str]
    bounds: Callable[[Rule, str, Figures], list[Bound]]
    scope: str = "unit"
    excel: Callable[[Rule], tuple[float | None, float | None] | None] = lambda rule: None
    phrase: Callable[[Rule, list[Bound], Catalogue], str] | None = None
    advice: Callable[[Rule, str, Figures], str] = lambda rule, code, figures: "Hãy sửa lại số liệu"
    refers: Callable[[Rule], tuple[str, ...]] = lambda rule: ()

    def message(
        self, rule: Rule, code: str, figures: Figures, bounds: list[Bound], catalogue: Catalogue
    ) -> str:
        """The finding in Vietnamese: "label = value <phrase>. <advice>.", `bounds` the rule's
        bounds the figure failed (one at least)."""
        indicator = catalogue.indicator(code)
        value = figures.own[code]
        shown = format_number(value, decimals=0 if indicator.whole else 1)
        if self.phrase is not None:
            said = self.phrase(rule, bounds, catalogue)
        else:
            said = rule.describe(catalogue) + (f" ({bounds[0].said})" if bounds[0].said else "")
        return f"{indicator.label} = {shown} {said}. {self.advice(rule, code, figures)}."


RULE_KINDS: dict[str, RuleKind] = {}


def register(kind: RuleKind) -> RuleKind:
    """Add (or replace) a kind of rule in the registry; returns it."""
    if kind.scope not in SCOPES:
        raise ValueError(f"scope {kind.scope!r} not in {SCOPES}")
    RULE_KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind (tests that register one of their own)."""
    RULE_KINDS.pop(name, None)


def rule_kind(name: str) -> RuleKind:
    """The registered kind `name` (KeyError when none)."""
    return RULE_KINDS[name]


def rule_holds(rule: Rule, code: str, figures: Figures) -> bool:
    """Whether the figure `code` of `figures.own` keeps `rule` (a missing figure keeps every
    rule): what the sample plan's guard and the tests' recomputation ask."""
    value = figures.own.get(code)
    if value is None or math.isnan(value):
        return True
    return all(b.holds(value) for b in rule_kind(rule.rule).bounds(rule, code, figures))


# --- unit kinds ----------------------------------------------------------------------------


def _other(raw: dict, where: str) -> dict:
    other = raw.get("other")
    if not isinstance(other, str) or not other:
        raise ConfigError(f"{where}: quy tắc not_above cần khóa other (mã chỉ tiêu so sánh).")
    return {"other": other}


def _between(raw: dict, where: str) -> dict:
    low, high = _number(raw.get("min"), where, "min"), _number(raw.get("max"), where, "max")
    if low > high:
        raise ConfigError(f"{where}: min ({low:g}) phải nhỏ hơn hoặc bằng max ({high:g}).")
    return {"min": low, "max": high}


register(
    RuleKind(
        "non_negative",
        keys=(),
        parse=lambda raw, where: {},
        describe=lambda rule, catalogue: "không được âm",
        bounds=lambda rule, code, figures: [Bound("min", 0.0)],
        excel=lambda rule: (0.0, None),
    )
)
register(
    RuleKind(
        "between",
        keys=("min", "max"),
        parse=_between,
        describe=lambda rule, catalogue: f"phải nằm trong khoảng {rule.min:g}–{rule.max:g}",
        bounds=lambda rule, code, figures: [
            Bound("min", float(rule.min)),
            Bound("max", float(rule.max)),
        ],
        excel=lambda rule: (float(rule.min), float(rule.max)),
    )
)


def _not_above(rule: Rule, figures: Figures) -> Bound:
    other = float(figures.own.get(rule.other, math.nan))
    return Bound("max", other, "" if math.isnan(other) else format_number(other, decimals=0))


register(
    RuleKind(
        "not_above",
        keys=("other",),
        parse=_other,
        describe=lambda rule, catalogue: (
            f"không được lớn hơn “{catalogue.indicator(rule.other).label}”"
        ),
        bounds=lambda rule, code, figures: [_not_above(rule, figures)],
        advice=lambda rule, code, figures: (
            "Có thể do số dư kỳ trước chuyển sang; hãy ghi rõ ở cột “Ghi chú”"
            if rule.severity == "warning"
            else "Hãy kiểm tra lại hai số liệu này (ô "
            f"{figures.cells.get(code, '?')} và ô {figures.cells.get(rule.other, '?')})"
        ),
        refers=lambda rule: (rule.other,),
    )
)


# --- period kinds: other periods, other units -----------------------------------------------


def _changed(raw: dict, where: str) -> dict:
    factor = _number(raw.get("factor"), where, "factor", positive=True)
    if factor <= 1:
        raise ConfigError(f"{where}: factor phải lớn hơn 1 (ví dụ 5: gấp 5 lần hoặc còn 1/5).")
    compare = raw.get("compare", list(EARLIER))
    compare = [compare] if isinstance(compare, str) else compare
    if not isinstance(compare, list) or not compare or any(c not in EARLIER for c in compare):
        raise ConfigError(f"{where}: compare phải là một hoặc nhiều trong {', '.join(EARLIER)}.")
    return {"factor": factor, "compare": tuple(dict.fromkeys(compare))}


def _changed_bounds(rule: Rule, code: str, figures: Figures) -> list[Bound]:
    bounds = []
    for earlier in figures.earlier:
        before = earlier.values.get(code)
        if earlier.role not in rule.compare or before is None or math.isnan(before):
            continue
        if before <= 0:  # from nothing: no factor to measure
            continue
        value = figures.own.get(code, math.nan)
        what = f"{EARLIER[earlier.role]} ({earlier.label}: {_shown(before)})"
        if value >= before:
            said = f"gấp {_ratio(value / before)} lần {what}"
        else:
            said = f"chỉ bằng 1/{_ratio(before / value) if value > 0 else '∞'} so với {what}"
        bounds.append(Bound("max", before * rule.factor, said))
        bounds.append(Bound("min", before / rule.factor, said))
    return bounds


def _ratio(ratio: float) -> str:
    return format_number(ratio, decimals=1, trim=True)


register(
    RuleKind(
        "changed_from_earlier",
        keys=("factor", "compare"),
        parse=_changed,
        describe=lambda rule, catalogue: (
            f"thay đổi quá {_shown(rule.factor)} lần so với "
            + " hoặc ".join(EARLIER[c] for c in rule.compare)
        ),
        bounds=_changed_bounds,
        scope="period",
        phrase=lambda rule, bounds, catalogue: (
            " và ".join(dict.fromkeys(b.said for b in bounds))
            + f", thay đổi quá {_shown(rule.factor)} lần"
        ),
        advice=lambda rule, code, figures: (
            "Hãy kiểm tra lại số liệu; nếu đúng, ghi rõ lý do ở cột “Ghi chú” của ô này"
        ),
    )
)

# Below this many units reporting a figure, a median and its deviation say little.
MIN_UNITS = 5
MAD_TO_SIGMA = 1.4826  # MAD × this estimates the standard deviation of normal data


def _outlier(raw: dict, where: str) -> dict:
    return {"factor": _number(raw.get("mads"), where, "mads", positive=True)}


def _outlier_bounds(rule: Rule, code: str, figures: Figures) -> list[Bound]:
    """median ± `mads` × (scaled) median absolute deviation of the other units' figures."""
    others = [
        v
        for unit, v in (figures.across.get(code) or {}).items()
        if unit != figures.unit and not math.isnan(v)
    ]
    if len(others) < MIN_UNITS - 1:
        return []
    median = statistics.median(others)
    mad = statistics.median(abs(v - median) for v in others) * MAD_TO_SIGMA
    if mad == 0:  # most units report the same figure: no spread to measure by
        return []
    width = rule.factor * mad
    said = (
        f"trung vị của {len(others)} đơn vị khác trong kỳ là {_shown(median)}, độ lệch tuyệt "
        f"đối trung vị (chuẩn hóa) {_shown(mad)}: ngoài khoảng {_shown(max(0, median - width))}"
        f"–{_shown(median + width)} ({_shown(rule.factor)} lần độ lệch quanh trung vị)"
    )
    return [Bound("max", median + width, said), Bound("min", median - width, said)]


register(
    RuleKind(
        "far_from_units",
        keys=("mads",),
        parse=_outlier,
        describe=lambda rule, catalogue: (
            f"khác xa số liệu các đơn vị khác (quá {_shown(rule.factor)} lần độ lệch tuyệt "
            "đối trung vị)"
        ),
        bounds=_outlier_bounds,
        scope="period",
        phrase=lambda rule, bounds, catalogue: f"khác xa số liệu các đơn vị khác: {bounds[0].said}",
        advice=lambda rule, code, figures: (
            "Hãy kiểm tra lại số liệu (đơn vị tính, số chữ số 0); nếu đúng, ghi rõ lý do ở cột "
            "“Ghi chú” của ô này"
        ),
    )
)
