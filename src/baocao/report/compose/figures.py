"""The period's figures and what they compare with: frames in, a `FigureSet` out.

In: the period's tidy values and the units' status, the catalogue, unit list and outline (for
derived figures), and the same period a year earlier (its values, unit list and catalogue
version). Out: a `FigureSet` (one row per figure, one column per unit and the total; the earlier
totals where they compare; shares; the units that sent nothing or left figures out) that the
sentences, charts and narratives read, and the sentence saying why units do not compare across
two unit lists. Nothing here reads a file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from baocao.config.catalog import Catalogue
from baocao.config.outline import Outline, share_base
from baocao.config.periods import Period
from baocao.config.units import Unit, UnitList
from baocao.intake.numbers import format_number
from baocao.report.compose.markdown import is_missing, is_truthy, md_escape
from baocao.run.aggregate import appendix_table
from baocao.unit.states import STATE_ERRORS, STATE_MISSING


@dataclass(frozen=True)
class Meta:
    """What a sentence needs to know about a figure (a catalogue indicator or a derived one)."""

    code: str
    label: str
    unit: str
    kind: str
    section: str
    weighted: bool = False  # a weighted mean over units, not a sum
    # Counts things that exist once per unit or scale with the number of units (catalogue's
    # `scales_with_unit_list`): not compared with a period of another unit list.
    scales_with_unit_list: bool = False


@dataclass(frozen=True)
class Comparison:
    """A figure's basis of comparison with the same period a year earlier: `current` and
    `previous` over the same units (`units` of them when not all, 0 = every unit counted in
    both periods); both None when the two periods cannot be compared fairly (`reason`; for
    "incomplete", `units` is how many units of this period have no figure)."""

    current: float | None = None
    previous: float | None = None
    units: int = 0
    # Why not, when not fair: "incomplete" (another unit list, and some unit of this period
    # has no figure) or "different_units" (a mean over other units in the two periods).
    reason: str = ""
    # How many units the comparison counts, in both periods (same unit list; 0 otherwise).
    counted: int = 0

    @property
    def fair(self) -> bool:
        return self.current is not None and self.previous is not None


@dataclass(frozen=True)
class FigureSet:
    """The period's figures as the sentences and charts use them.

    `table`: one row per figure (index: code), one column per unit code, and `total`; catalogue
    indicators then derived figures in outline order. `previous`: the same for the same period a
    year earlier, None when there is no earlier data. `gaps`: unit code → [(figure code, reason)]
    for the figures a submitting unit left blank ("blank") or got wrong ("excluded").
    """

    table: pd.DataFrame
    previous: pd.DataFrame | None
    units: tuple[Unit, ...]
    meta: dict[str, Meta]
    shares: dict[str, str]  # code → the code its share is taken of
    missing_units: tuple[str, ...]  # units that sent nothing
    gaps: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # units that sent a file no figure could be read from (their errors say why)
    unreadable_units: tuple[str, ...] = ()
    # of those, the ones whose errors say another reason than an unreadable file: code → the
    # reason in a published report's words (`NO_FIGURE_REASONS`)
    no_figure_reasons: dict[str, str] = field(default_factory=dict)
    # False when the same period a year earlier was reported by another unit list: `previous`
    # then holds province totals only, and `unit_change` says why (one sentence).
    compare_units: bool = True
    unit_change: str = ""
    # Figures with an earlier total that is not compared because it follows the unit list
    # (`Meta.scales_with_unit_list`) and the earlier period had another list; outline order.
    not_compared: tuple[str, ...] = ()

    def names(self) -> dict[str, str]:
        return {u.code: u.short for u in self.units}

    def no_figure_reason(self, code: str) -> str:
        """Why an `unreadable_units` unit gave no figure, for the report's reader."""
        return self.no_figure_reasons.get(code, UNREADABLE)

    def codes_of(self, section: str) -> list[str]:
        return [c for c, m in self.meta.items() if m.section == section]

    @cached_property
    def usual_basis(self) -> int:
        """How many units most figures compare over (`Comparison.counted`) when some figure
        compares over fewer units than it totals (`Comparison.units`); 0 when none does, or
        when no count is shared by two figures. The report says it once (`sources_note`) and
        a sentence names its own basis only when it is another."""
        fair = [b for code in self.meta if (b := self.comparison(code)) is not None and b.fair]
        if not any(b.units for b in fair):
            return 0
        counts = Counter(b.counted for b in fair if b.counted)
        usual, times = counts.most_common(1)[0] if counts else (0, 0)
        return usual if times > 1 else 0

    def comparison(self, code: str) -> Comparison | None:
        """What a figure is compared on with the same period a year earlier (None: no earlier
        figure). Totals compare as they are when the same units count in both periods. When
        they differ (a unit silent or wrong in one period only), a sum compares over the
        units counted in both (`units` says how many) and a weighted mean does not compare:
        a total over 10 units against one over 11 would show a fall that is only a gap."""
        if self.previous is None or code not in self.previous.index:
            return None
        now, before = self.table.loc[code], self.previous.loc[code]
        if is_missing(now["total"]) or is_missing(before["total"]):
            return None
        if not self.compare_units:  # another unit list: the totals, when the period is whole
            lacking = sum(is_missing(now[u.code]) for u in self.units)
            if lacking:
                return Comparison(reason="incomplete", units=lacking)
            return Comparison(now["total"], before["total"])
        codes = [u.code for u in self.units]
        counted_now = {c for c in codes if not is_missing(now[c])}
        counted_before = {c for c in codes if not is_missing(before[c])}
        if counted_now == counted_before:
            return Comparison(now["total"], before["total"], counted=len(counted_now))
        both = [c for c in codes if c in counted_now & counted_before]
        if self.meta[code].weighted or not both:
            return Comparison(reason="different_units")
        return Comparison(
            float(sum(now[c] for c in both)),
            float(sum(before[c] for c in both)),
            len(both),
            counted=len(both),
        )


def _with_derived(table: pd.DataFrame, outline: Outline | None, unit_codes: list[str]):
    table = table.set_index("code", drop=False)
    if outline is None:
        return table
    rows = []
    for derived in outline.derived:
        if not set(derived.of) <= set(table.index):  # a part not in that catalogue version
            continue
        parts = table.loc[list(derived.of)]
        row = {
            "code": derived.code,
            "section": parts["section"].iloc[0],
            "label": derived.label,
            "unit": parts["unit"].iloc[0],
        }
        for code in unit_codes:
            row[code] = parts[code].sum(min_count=1)
        row["total"] = parts["total"].sum(min_count=1)
        rows.append(row)
    if not rows:
        return table
    extra = pd.DataFrame(rows).set_index("code", drop=False)
    return pd.concat([table, extra])


def figure_metas(catalogue: Catalogue, outline: Outline | None) -> dict[str, Meta]:
    """Indicator code → `Meta` (label, unit, kind, section, how it totals) of every indicator."""
    metas = {
        i.code: Meta(
            i.code,
            i.label,
            i.unit,
            i.kind,
            i.section,
            weighted=i.total_method == "weighted_mean",
            scales_with_unit_list=i.scales_with_unit_list,
        )
        for i in catalogue.indicators
    }
    for derived in outline.derived if outline is not None else ():
        first = catalogue.indicator(derived.of[0])
        scales = any(catalogue.indicator(c).scales_with_unit_list for c in derived.of)
        metas[derived.code] = Meta(
            derived.code,
            derived.label,
            first.unit,
            first.kind,
            first.section,
            scales_with_unit_list=scales,
        )
    # A derived figure follows the last of its parts.
    ordered: dict[str, Meta] = {}
    pending = {d.code: d for d in (outline.derived if outline is not None else ())}
    for code, meta in metas.items():
        if code in pending:
            continue
        ordered[code] = meta
        for d_code, derived in list(pending.items()):
            if derived.of[-1] == code:
                ordered[d_code] = metas[d_code]
                del pending[d_code]
    for d_code in pending:
        ordered[d_code] = metas[d_code]
    return ordered


# Why a unit that sent a file gave no figure, by the kind of its error (the unit's issues), in
# words a reader of the published report understands; any other error: `UNREADABLE`.
UNREADABLE = "tệp không đọc được"
NO_FIGURE_REASONS = {
    "unit_in_parts": "báo cáo gửi thành nhiều phần, chưa có một báo cáo chung của cả đơn vị",
    "unit_own_and_part": "có thêm báo cáo riêng của một phần đơn vị, chưa xác định được "
    "báo cáo chung của cả đơn vị",
    "period_mismatch": "tệp gửi là số liệu của kỳ khác",
}


def no_figure_reasons(issues: pd.DataFrame | None, codes: tuple[str, ...]) -> dict[str, str]:
    """Unit code → the reason (`NO_FIGURE_REASONS`) for the units `codes` whose errors
    (`issues`: unit_code, severity, kind) say why they gave no figure."""
    if issues is None or issues.empty or "kind" not in issues:
        return {}
    errors = issues[issues["severity"] == "error"]
    reasons = {}
    for code in codes:
        kinds = set(errors.loc[errors["unit_code"].astype(str) == code, "kind"].astype(str))
        found = [words for kind, words in NO_FIGURE_REASONS.items() if kind in kinds]
        if found:
            reasons[code] = found[0]
    return reasons


def figure_gaps(
    values: pd.DataFrame, status: pd.DataFrame
) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, list[tuple[str, str]]]]:
    """Units that sent nothing; units whose file gave no figure at all (an error stopped its
    reading: no sheet of figures, a damaged file); and per other submitting unit the figures
    blank or excluded."""
    missing = tuple(str(c) for c in status.loc[status["state"] == STATE_MISSING, "unit_code"])
    failed = {str(c) for c in status.loc[status["state"] == STATE_ERRORS, "unit_code"]}
    records = values.to_dict("records")
    read = {str(r["unit_code"]) for r in records if is_truthy(r.get("reported"))}
    unreadable = tuple(
        str(c) for c in status["unit_code"] if str(c) in failed and str(c) not in read
    )
    gaps: dict[str, list[tuple[str, str]]] = {}
    for row in records:
        unit = str(row["unit_code"])
        if unit in missing or unit in unreadable:
            continue
        if not is_truthy(row.get("reported")):
            gaps.setdefault(unit, []).append((str(row["indicator_code"]), "blank"))
        elif is_missing(row.get("value")) or not is_truthy(row.get("included")):
            # filled in but unreadable (an Excel error, text), or excluded by an error rule
            gaps.setdefault(unit, []).append((str(row["indicator_code"]), "excluded"))
    return missing, unreadable, gaps


def build_figures(
    values: pd.DataFrame,
    status: pd.DataFrame,
    catalogue: Catalogue,
    units: tuple[Unit, ...],
    outline: Outline | None = None,
    previous_values: pd.DataFrame | None = None,
    previous_units: tuple[Unit, ...] | None = None,
    previous_catalogue: Catalogue | None = None,
    unit_change: str = "",
    issues: pd.DataFrame | None = None,
) -> FigureSet:
    """The `FigureSet` of a period (and, with `previous_values`, of the same period a year
    earlier, totalled with its own unit list and catalogue version, `previous_units` and
    `previous_catalogue`).

    Figures compare only where they mean the same: an indicator code in both catalogue
    versions. Units compare only when both periods have the same unit list; otherwise
    (`unit_change`, the sentence saying why, or another list) `previous` keeps the province
    totals alone and `compare_units` is False — nothing is matched by name or code across lists.
    Nor do the totals of figures that follow the unit list (a Ban Thanh tra nhân dân per
    commune: `scales_with_unit_list`): they leave `previous` and are listed in `not_compared`.
    """
    codes = [u.code for u in units]
    table = _with_derived(appendix_table(values, catalogue, units), outline, codes)
    previous = None
    before = tuple(previous_units) if previous_units is not None else tuple(units)
    compare_units = not unit_change and before == tuple(units)
    metas = figure_metas(catalogue, outline)
    not_compared: tuple[str, ...] = ()
    if previous_values is not None:
        earlier_catalogue = previous_catalogue if previous_catalogue is not None else catalogue
        previous = _with_derived(
            appendix_table(previous_values, earlier_catalogue, before),
            outline,
            [u.code for u in before],
        )
        previous = previous[previous.index.isin(table.index)]
        if not compare_units:
            previous = previous[["code", "section", "label", "unit", "total"]]
            not_compared = tuple(
                c for c, m in metas.items() if m.scales_with_unit_list and c in previous.index
            )
            previous = previous[~previous.index.isin(not_compared)]
    shares = {}
    for indicator in catalogue.indicators:
        base = share_base(catalogue, indicator.code)
        if base is not None:
            shares[indicator.code] = base
    missing, unreadable, gaps = figure_gaps(values, status)
    return FigureSet(
        table=table,
        previous=previous,
        units=tuple(units),
        meta=metas,
        shares=shares,
        missing_units=missing,
        unreadable_units=unreadable,
        no_figure_reasons=no_figure_reasons(issues, unreadable),
        gaps=gaps,
        compare_units=compare_units,
        unit_change=unit_change if previous is not None else "",
        not_compared=not_compared,
    )


def unit_change_sentence(before: UnitList, after: UnitList, province: str = "") -> str:
    """Why units are not compared with the same period a year earlier, from the unit lists:
    "Từ ngày 01/7/2025, tỉnh Lạng Sơn có 65 đơn vị cấp xã thay cho 11 đơn vị cấp huyện (theo …);
    so sánh cùng kỳ ở cấp tỉnh." Empty when both periods have the same list."""
    if before == after:
        return ""
    start = after.effective
    when = (
        f"Từ ngày {start.day:02d}/{start.month}/{start.year}"
        if start is not None
        else f"Từ {Period.parse(after.first).label()}"
    )
    where = f"tỉnh {province}" if province else "tỉnh"

    def count(unit_list: UnitList) -> str:
        level = f" cấp {unit_list.level}" if unit_list.level else ""
        return f"{format_number(len(unit_list.units))} đơn vị{level}"

    basis = f" (theo {md_escape(after.basis)})" if after.basis else ""
    return (
        f"{when}, {where} có {count(after)} thay cho {count(before)}{basis}, nên số liệu "
        "không so sánh theo từng đơn vị; so sánh cùng kỳ ở cấp tỉnh, với các chỉ tiêu có ở cả "
        "hai kỳ."
    )
