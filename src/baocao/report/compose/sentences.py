"""The report's sentences about its figures: a `FigureSet` in, Vietnamese Markdown out.

One "- …" paragraph per figure (total or weighted mean, share of its base, change against the
same period a year earlier, leading units: `leaders`), the figures a section's totals leave out,
the note on sources opening a part; and for the analysts' narratives, the names they may use in
braces (`{code}`, `{code_thay_doi}`, …) with their formatted values, and the glossary of those
names.

What holds for many figures is said once, in the note opening the part, never sentence by
sentence: the units that sent nothing, why figures are not compared with the same period a year
earlier (a total still lacking units, a mean over other units), and the usual basis of the
comparisons ("tính trên 10 đơn vị có số liệu cả hai kỳ"). A sentence then omits the
comparison it cannot make, and names its basis only when it is not the usual one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from baocao.base.numbers import format_change, format_percent
from baocao.config.catalog import Catalogue
from baocao.config.outline import Outline, share_base
from baocao.config.periods import Period
from baocao.intake.numbers import format_number
from baocao.report.compose.figures import FigureSet, Meta, figure_metas
from baocao.report.compose.leaders import LEADERS, leaders_clause, leaders_text, nobody_leads
from baocao.report.compose.markdown import format_figure, is_missing, lower_first, table_cell

# What a narrative's `{code_cung_ky}` / `{code_thay_doi}` say for a figure that follows the unit
# list when the same period a year earlier had another list (`FigureSet.not_compared`).
NOT_COMPARED = "không so sánh với cùng kỳ (số liệu theo số đơn vị, danh sách đơn vị đã thay đổi)"


# Why a figure is not compared with the same period a year earlier (`Comparison.reason`), as a
# narrative's `{code_thay_doi}` says it; the report's sentences leave the comparison out and
# the part's note says why once (`comparison_notes`).
NOT_FAIR = {
    "different_units": "chưa so sánh được với cùng kỳ (số đơn vị có số liệu khác nhau giữa hai kỳ)",
    "incomplete": "chưa so sánh được với cùng kỳ (kỳ này còn {units} đơn vị chưa có số liệu)",
}


def change_phrase(
    current: float | None,
    previous: float | None,
    meta: Meta,
    units: int = 0,
    *,
    show_current: bool = False,
) -> str | None:
    """ "tăng 15,2% so với cùng kỳ (1.071 cuộc)"; a share changes in percentage points; with
    `units`, `current` and `previous` are the sums of the units counted in both periods and
    the parenthesis says so, showing `current` too when it is not the figure the sentence
    states ("giảm 85,7% so với cùng kỳ (250 triệu đồng so với 1,75 tỷ đồng, tính trên 1 đơn
    vị có số liệu cả hai kỳ)"). None when either figure is missing."""
    if is_missing(current) or is_missing(previous):
        return None
    before = format_figure(previous, meta.kind, meta.unit)
    if show_current:
        before = f"{format_figure(current, meta.kind, meta.unit)} so với {before}"
    if units:
        before += f", {_basis(units)}"
    if meta.kind == "percent":
        points = round(float(current) - float(previous), 1)
        if points == 0:
            return f"bằng cùng kỳ ({before})"
        word = "tăng" if points > 0 else "giảm"
        return f"{word} {format_number(abs(points), 1)} điểm phần trăm so với cùng kỳ ({before})"
    change = format_change(float(current), float(previous))
    if change is None:  # the previous figure was 0
        return f"cùng kỳ: {before}"
    return f"{change} ({before})"


def _basis(units: int) -> str:
    return f"tính trên {format_number(units)} đơn vị có số liệu cả hai kỳ"


def compared_phrase(code: str, figures: FigureSet) -> str | None:
    """The figure's change against the same period a year earlier, on a fair basis
    (`FigureSet.comparison`); its basis named only when it is not the usual one
    (`FigureSet.usual_basis`, said once by `sources_note`). None without an earlier figure or
    without a fair basis (the part's note says why: `comparison_notes`)."""
    basis = figures.comparison(code)
    if basis is None or not basis.fair:
        return None
    stated = figures.table.loc[code, "total"]
    # Compared over fewer units than the stated total counts: both figures and their basis.
    partial = bool(basis.units) and basis.current != stated
    usual = figures.usual_basis
    own = basis.counted if basis.counted != usual else 0  # said once when the usual one
    units = basis.units if partial or not usual else own
    return change_phrase(
        basis.current, basis.previous, figures.meta[code], units, show_current=partial
    )


def _why_not_compared(code: str, figures: FigureSet) -> str | None:
    """A narrative's words for a figure with an earlier total but no fair basis."""
    basis = figures.comparison(code)
    if basis is None or basis.fair:
        return None
    return NOT_FAIR[basis.reason].format(units=format_number(basis.units))


def share_value(table: pd.DataFrame, code: str, base: str, unit_codes: Iterable[str]) -> float:
    """`code` as a percentage of `base`, over the units that have both figures (NaN if none)."""
    unit_codes = list(unit_codes)
    part = table.loc[code, unit_codes].astype("float64")
    whole = table.loc[base, unit_codes].astype("float64")
    both = part.notna() & whole.notna()
    if not both.any() or whole[both].sum() <= 0:
        return float("nan")
    return float(part[both].sum() / whole[both].sum() * 100)


def figure_sentence(code: str, figures: FigureSet) -> str:
    """One figure's sentence: total (or weighted mean), share of its base, change against the
    same period a year earlier, and the leading units.

    "Số cuộc tuyên truyền: 1.234 cuộc, tăng 15,2% so với cùng kỳ (1.071 cuộc); dẫn đầu là
    TP Lạng Sơn (200 cuộc), Cao Lộc (180 cuộc), Hữu Lũng (150 cuộc)."
    """
    meta = figures.meta[code]
    row = figures.table.loc[code]
    label = table_cell(meta.label)
    total = row["total"]
    if is_missing(total):
        return f"{label}: chưa có đơn vị báo cáo."
    shown = format_figure(total, meta.kind, meta.unit)
    parts = [f"bình quân {shown}" if meta.weighted else shown]
    unit_codes = [u.code for u in figures.units]
    base = figures.shares.get(code)
    if base is not None and base in figures.table.index:
        share = share_value(figures.table, code, base, unit_codes)
        if not is_missing(share):
            parts.append(
                f"bằng {format_percent(share)} {table_cell(lower_first(figures.meta[base].label))}"
            )
    change = compared_phrase(code, figures)
    if change:
        parts.append(change)
    text = f"{label}: {', '.join(parts)}"
    leaders = leaders_clause({c: row[c] for c in unit_codes}, meta, figures.names())
    if leaders:
        text += f"; {leaders}"
    return text + "."


def gaps_sentence(codes: Iterable[str], figures: FigureSet, *, detailed: bool) -> str:
    """Which of the section's figures its totals leave out, unit by unit: blank, or (internal
    draft, `detailed`) excluded by an error rule. The units that sent nothing, or a file no
    figure could be read from, are named once for the whole part (`sources_note`), not here."""
    codes = set(codes)
    pieces = []
    for unit in figures.units:
        own = [(c, why) for c, why in figures.gaps.get(unit.code, []) if c in codes]
        if not own:
            continue
        if detailed:
            said = []
            for c, why in own:
                word = "để trống" if why == "blank" else "không hợp lệ, chưa tính vào tổng"
                said.append(f"{table_cell(lower_first(figures.meta[c].label))}: {word}")
            pieces.append(f"{table_cell(unit.short)} ({'; '.join(said)})")
        else:
            labels = ", ".join(table_cell(lower_first(figures.meta[c].label)) for c, _ in own)
            pieces.append(f"{table_cell(unit.short)} ({labels})")
    if not pieces:
        return ""
    return f"*Số liệu chưa gồm: {'; '.join(pieces)}.*\n"


def section_figures_markdown(section: str, figures: FigureSet, *, detailed: bool = False) -> str:
    """The figures of one catalogue section, one "- …" paragraph per figure, then the gaps.

    Lines start with a literal dash, as in the printed report, not with a Word list.
    """
    codes = figures.codes_of(section)
    if not codes:
        return ""
    lines = [f"\\- {figure_sentence(code, figures)}" for code in codes]
    gaps = gaps_sentence(codes, figures, detailed=detailed)
    return "\n\n".join(lines) + "\n" + ("\n" + gaps if gaps else "")


def sources_note(figures: FigureSet, period: Period, codes: Iterable[str] | None = None) -> str:
    """The paragraph opening a part with figures (`codes`, default all): how many units the
    figures come from (naming those left out, once for the part), whether and on what basis
    they are compared with the same period a year earlier, and why some are not
    (`comparison_notes`): the part's sentences then say nothing of it."""
    total = len(figures.units)
    counted = total - len(figures.missing_units) - len(figures.unreadable_units)
    earlier = period.same_period_last_year().label()
    text = f"Số liệu trong báo cáo được tổng hợp từ báo cáo của {counted}/{total} đơn vị"
    names = figures.names()
    reasons: dict[str, list[str]] = {"chưa nộp": list(figures.missing_units)}
    for code in figures.unreadable_units:  # grouped by reason, in the units' order
        reasons.setdefault(figures.no_figure_reason(code), []).append(code)
    left_out = [
        f"{why}: {', '.join(table_cell(names.get(c, c)) for c in codes)}"
        for why, codes in reasons.items()
        if codes
    ]
    if left_out:
        text += f" ({'; '.join(left_out)})"
    if figures.previous is None:
        text += (
            f". Chưa có số liệu cùng kỳ ({earlier}) nên các số liệu không được so sánh với "
            "cùng kỳ năm trước."
        )
    else:
        codes = list(figures.meta if codes is None else codes)
        # What the comparisons are with, only where the part compares a figure: a part that
        # compares none says so, and why, with the earlier period named there instead.
        compared = any((b := figures.comparison(c)) is not None and b.fair for c in codes)
        if compared:
            text += f"; các so sánh “cùng kỳ” là so với {earlier}{_usual_basis(figures, codes)}."
        else:
            text += "."
        if figures.unit_change:
            text += f" {figures.unit_change}"
        if figures.not_compared:
            labels = ", ".join(
                table_cell(lower_first(figures.meta[c].label)) for c in figures.not_compared
            )
            text += (
                f" {_indicators(figures.not_compared)} có số lượng theo số đơn vị ({labels}) "
                "chỉ nêu số của kỳ, "
                "không so sánh với cùng kỳ."
            )
        notes = comparison_notes(figures, codes, "" if compared else earlier)
        if not compared and not any(earlier in note for note in notes):
            notes.append(f"Không chỉ tiêu nào được so sánh với cùng kỳ ({earlier}).")
        if notes:
            text += " " + " ".join(notes)
    return text + "\n"


NAMED_AT_MOST = 5  # figures named in a note; more are counted


def _indicators(codes: Iterable[str]) -> str:
    """ "Chỉ tiêu" for one figure, "Các chỉ tiêu" for several (never "các" before one)."""
    return "Chỉ tiêu" if len(list(codes)) == 1 else "Các chỉ tiêu"


def _figures_named(codes: list[str], figures: FigureSet) -> str:
    if len(codes) > NAMED_AT_MOST:
        return f"{format_number(len(codes))} chỉ tiêu"
    return ", ".join(table_cell(lower_first(figures.meta[c].label)) for c in codes)


def _usual_basis(figures: FigureSet, codes: list[str]) -> str:
    """ ", tính trên 10 đơn vị có số liệu cả hai kỳ" when some of `codes` compare over the usual
    basis (`FigureSet.usual_basis`), which their sentences then do not repeat."""
    usual = figures.usual_basis
    units = [b.counted for c in codes if (b := figures.comparison(c)) is not None and b.fair]
    if not usual or usual not in units:
        return ""
    other = " (chỉ tiêu tính trên số đơn vị khác có ghi rõ)" if set(units) != {usual} else ""
    return f", {_basis(usual)}{other}"


def comparison_notes(figures: FigureSet, codes: Iterable[str], earlier: str = "") -> list[str]:
    """What the part's note says, once, of its figures' comparisons with the same period a
    year earlier (`FigureSet.comparison`) that their sentences then leave out: the figures a
    total still lacking units keeps from comparing across two unit lists ("incomplete"); the
    means over other units in the two periods ("different_units"). Figures named up to
    `NAMED_AT_MOST`, then counted. (The usual basis goes in the note's first sentence.)
    `earlier` ("6 tháng đầu năm 2025") is named where no figure of the part compares, since
    the note then has no other place that says which period is meant."""
    codes = list(codes)
    bases = {c: figures.comparison(c) for c in codes}
    fair = [c for c, b in bases.items() if b is not None and b.fair]
    by_reason: dict[str, list[str]] = {}
    for code, basis in bases.items():
        if basis is not None and not basis.fair:
            by_reason.setdefault(basis.reason, []).append(code)
    notes = []
    lacking = by_reason.get("incomplete", [])
    if lacking and not fair:
        notes.append(
            "Tổng của tỉnh kỳ này còn thiếu số liệu của đơn vị chưa nộp báo cáo hoặc chưa báo "
            f"cáo chỉ tiêu, nên chưa so sánh được với cùng kỳ{f' ({earlier})' if earlier else ''}"
            ": các chỉ tiêu chỉ nêu số của kỳ."
        )
    elif lacking:
        notes.append(
            f"{_indicators(lacking)} kỳ này còn đơn vị chưa có số liệu "
            f"({_figures_named(lacking, figures)})"
            " chỉ nêu số của kỳ: tổng của tỉnh chưa đầy đủ nên chưa so sánh được với cùng kỳ."
        )
    means = by_reason.get("different_units", [])
    if means:
        notes.append(
            f"Số bình quân của {_figures_named(means, figures)} chưa so sánh được với cùng kỳ "
            "vì số đơn vị có số liệu khác nhau giữa hai kỳ."
        )
    return notes


def figure_names(figures: FigureSet, period: Period) -> dict[str, str]:
    """The names a narrative may use in braces, each with its formatted text.

    For every figure code (catalogue indicators and derived figures): `{code}` the total with
    its unit, `{code_cung_ky}` the same period a year earlier, `{code_thay_doi}` the change,
    `{code_dan_dau}` the leading units, and `{code_ty_le}` for a figure with a base (answered
    of collected…). Also `{ky_bao_cao}`, `{ky_toi}`, `{ky_cung_ky}`, `{so_don_vi_nop}`,
    `{tong_so_don_vi}`, `{don_vi_chua_nop}`.
    """
    names = figures.names()
    unit_codes = [u.code for u in figures.units]
    out: dict[str, str] = {}
    for code, meta in figures.meta.items():
        row = figures.table.loc[code]
        total = row["total"]
        out[code] = (
            format_figure(total, meta.kind, meta.unit)
            if not is_missing(total)
            else "chưa có số liệu"
        )
        before = None
        if figures.previous is not None and code in figures.previous.index:
            before = figures.previous.loc[code, "total"]
        out[f"{code}_cung_ky"] = (
            format_figure(before, meta.kind, meta.unit)
            if not is_missing(before)
            else "chưa có số liệu"
        )
        basis = figures.comparison(code)
        change = compared_phrase(code, figures)
        if basis is not None and not basis.fair:
            out[f"{code}_thay_doi"] = _why_not_compared(code, figures) or ""
        elif change is None:
            out[f"{code}_thay_doi"] = "chưa có số liệu cùng kỳ để so sánh"
        else:
            out[f"{code}_thay_doi"] = change.rsplit(" (", 1)[0] + (
                f" ({_basis(basis.units)})" if basis is not None and basis.units else ""
            )
        if code in figures.not_compared:
            out[f"{code}_cung_ky"] = out[f"{code}_thay_doi"] = NOT_COMPARED
        by_unit = {c: row[c] for c in unit_codes}
        out[f"{code}_dan_dau"] = leaders_text(by_unit, meta, names) or nobody_leads(by_unit, meta)
        base = figures.shares.get(code)
        if base is not None:
            share = share_value(figures.table, code, base, unit_codes)
            out[f"{code}_ty_le"] = (
                format_percent(share) if not is_missing(share) else "chưa có số liệu"
            )
    sent = len(figures.units) - len(figures.missing_units)
    out.update(
        {
            "ky_bao_cao": period.label(),
            "ky_toi": period.next_label(),
            "ky_cung_ky": period.same_period_last_year().label(),
            "so_don_vi_nop": format_number(sent),
            "tong_so_don_vi": format_number(len(figures.units)),
            "don_vi_chua_nop": ", ".join(table_cell(names[c]) for c in figures.missing_units)
            or "không có",
        }
    )
    return out


GENERAL_NAMES = {
    "ky_bao_cao": "Kỳ báo cáo",
    "ky_toi": "Kỳ tới (Phần thứ hai)",
    "ky_cung_ky": "Cùng kỳ năm trước",
    "so_don_vi_nop": "Số đơn vị đã nộp báo cáo",
    "tong_so_don_vi": "Tổng số đơn vị",
    "don_vi_chua_nop": "Tên các đơn vị chưa nộp",
}


def figure_glossary(
    catalogue: Catalogue, outline: Outline | None, names: Mapping[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """(name, meaning, value) of every name `figure_names` gives, in its order, for the table
    the writers look names up in. `names`: the period's values (None: not processed yet)."""
    metas = figure_metas(catalogue, outline)
    rows: list[tuple[str, str, str]] = []
    for code, meta in metas.items():
        label = meta.label
        rows += [
            (code, f"{label}: {'bình quân' if meta.weighted else 'tổng cộng'} của kỳ"),
            (f"{code}_cung_ky", f"{label}: cùng kỳ năm trước"),
            (f"{code}_thay_doi", f"{label}: so sánh với cùng kỳ"),
            (f"{code}_dan_dau", f"{label}: {LEADERS} đơn vị dẫn đầu"),
        ]
        base = share_base(catalogue, code)
        if base is not None:
            rows.append(
                (f"{code}_ty_le", f"{label}: tỷ lệ so với “{lower_first(metas[base].label)}”")
            )
    rows += list(GENERAL_NAMES.items())
    missing = "chưa có (chưa xử lý số liệu của kỳ)"
    return [(n, m, (names or {}).get(n, missing)) for n, m in rows]
