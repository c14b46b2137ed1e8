"""Which units lead a figure, and how the report says so: unit code → figure in, words out.

The rule (one for the figure sentences and the narratives' `{code_dan_dau}`):

- Nobody leads when fewer than two units have a figure, when every unit has the same one, or
  when the largest figure is 0.
- Up to `LEADERS` units are named, largest first. A tie is never ranked: units sharing a figure
  are named together, once ("Bình và Cường (cùng 20 cuộc)"); units tied at the cut (three units
  at 5 for the third place) are all left out, never picked by the list's order.
- When more than `LEADERS` units share the largest figure, none is named. The sentence says
  "7 đơn vị cùng đạt cao nhất 6 tập thể" only when that is news: those units are at most
  `FEW_AT_TOP` of the units with a figure (7 of 64 stand out, 16 of 64 do not) and do not make
  the whole total (28 units at 1 of a total of 28 restates the total). Otherwise nothing is
  said of a leader.
"""

from __future__ import annotations

from collections.abc import Mapping

from baocao.intake.numbers import format_number
from baocao.report.compose.figures import Meta
from baocao.report.compose.markdown import format_figure, is_missing, table_cell

LEADERS = 3  # units named as leading a figure
# Units sharing the largest figure are worth counting ("7 đơn vị cùng đạt cao nhất …") only
# while they are at most this share of the units with a figure.
FEW_AT_TOP = 0.15


def _present(by_unit: Mapping[str, float]) -> list[tuple[str, float]]:
    return [(code, float(v)) for code, v in by_unit.items() if not is_missing(v)]


def _ranked(by_unit: Mapping[str, float]) -> list[tuple[str, float]]:
    """Units with a positive figure, largest first (ties keep the unit list's order); none
    when fewer than two units have a figure or all have the same one (nobody leads)."""
    present = _present(by_unit)
    if len(present) < 2 or len({v for _, v in present}) == 1:
        return []
    return sorted((p for p in present if p[1] > 0), key=lambda p: -p[1])


def leading_units(by_unit: Mapping[str, float], n: int = LEADERS) -> list[tuple[str, float]]:
    """Up to `n` units with the largest positive figure, by a ranking that ties do not decide:
    units tied at the cut (3 units at 5 for the third place) are all left out, and when more
    than `n` units share the largest figure no unit is named. [] when nobody leads."""
    ranked = _ranked(by_unit)
    if len(ranked) > n and ranked[n - 1][1] == ranked[n][1]:
        return [p for p in ranked[:n] if p[1] > ranked[n][1]]
    return ranked[:n]


def leader_groups(by_unit: Mapping[str, float], n: int = LEADERS) -> list[tuple[list[str], float]]:
    """`leading_units` grouped by figure, largest first: [(["02"], 30.0), (["03", "04"], 20.0)]."""
    groups: list[tuple[list[str], float]] = []
    for code, value in leading_units(by_unit, n):
        if groups and groups[-1][1] == value:
            groups[-1][0].append(code)
        else:
            groups.append(([code], value))
    return groups


def crowded_top(by_unit: Mapping[str, float], n: int = LEADERS) -> tuple[int, float, bool] | None:
    """When more than `n` units share the largest positive figure: (how many, the figure,
    whether saying so is news: few of the units with a figure, and not the whole total).
    None otherwise."""
    ranked = _ranked(by_unit)
    if not ranked:
        return None
    top = ranked[0][1]
    sharing = sum(1 for _, v in ranked if v == top)
    if sharing <= n:
        return None
    few = sharing <= FEW_AT_TOP * len(_present(by_unit))
    whole = sharing == len(ranked)  # every other unit is at 0: the count restates the total
    return sharing, top, few and not whole


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} và {names[-1]}"


def leaders_text(
    by_unit: Mapping[str, float], meta: Meta, names: Mapping[str, str], n: int = LEADERS
) -> str:
    """The leading units as the report names them: “Bình (30 cuộc), Cường và Đông (cùng 20
    cuộc)”, or, when more than `n` units share the largest figure and that is news, how many:
    “7 đơn vị cùng đạt cao nhất 6 tập thể”. Empty when nobody leads (module docstring)."""
    crowded = crowded_top(by_unit, n)
    if crowded is not None:
        sharing, top, news = crowded
        if not news:
            return ""
        shown = format_figure(top, meta.kind, meta.unit)
        return f"{format_number(sharing)} đơn vị cùng đạt cao nhất {shown}"
    said = []
    for codes, value in leader_groups(by_unit, n):
        shown = format_figure(value, meta.kind, meta.unit)
        who = _and([table_cell(names[c]) for c in codes])
        said.append(f"{who} ({'cùng ' if len(codes) > 1 else ''}{shown})")
    return ", ".join(said)


def leaders_clause(
    by_unit: Mapping[str, float], meta: Meta, names: Mapping[str, str], n: int = LEADERS
) -> str:
    """What a figure's sentence says of its leaders after its total: "dẫn đầu là …", or
    "7 đơn vị cùng đạt cao nhất 6 tập thể" (no unit named, so no "dẫn đầu"); "" for none."""
    text = leaders_text(by_unit, meta, names, n)
    if not text or crowded_top(by_unit, n) is not None:
        return text
    return f"dẫn đầu là {text}"


def nobody_leads(by_unit: Mapping[str, float], meta: Meta, n: int = LEADERS) -> str:
    """What a narrative's `{code_dan_dau}` says when `leaders_text` names nobody."""
    present = _present(by_unit)
    values = {v for _, v in present}
    if len(present) >= 2 and len(values) == 1:
        return f"các đơn vị cùng đạt {format_figure(values.pop(), meta.kind, meta.unit)}"
    crowded = crowded_top(by_unit, n)
    if crowded is not None:
        sharing, top, _ = crowded
        shown = format_figure(top, meta.kind, meta.unit)
        return (
            f"không có đơn vị dẫn đầu ({format_number(sharing)}/{format_number(len(present))} "
            f"đơn vị cùng đạt {shown})"
        )
    return "chưa đủ số liệu để so sánh giữa các đơn vị"
