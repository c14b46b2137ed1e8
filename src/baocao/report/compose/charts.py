"""The report's charts: one style, three shapes, PNG files for both backends.

Every chart is a horizontal bar chart by unit, units ranked by value, largest on top, at most
`MAX_HEIGHT` tall (with its caption, half a page); beyond `max_units` units only the largest
are drawn and the title says how many of how many: `stacked_bars` (e.g. Covid-19 donations, cash + in kind),
`compare_bars` (a figure against the same period a year earlier) and `share_bars` (a share per
unit with the province's average). They are legible in grey print: greys and hatching, never
colour alone; Vietnamese titles, axis labels and numbers ("1.357", "12,5").

The plotting functions are pure (lists in, a matplotlib Figure out); `write_charts` is the one
place that writes files, PNG at `DPI` with no metadata, so the same data gives the same bytes.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from baocao.base.numbers import format_money, format_number  # noqa: E402

DPI = 200
WIDTH = 6.3  # inches: the text width of an A4 page with the official margins
TITLE_WIDTH = 90  # characters per line of a chart's title
# A chart and its caption take at most half a portrait page's text height (257 mm, 10.1 in),
# so a chart that does not fit below the text before it never leaves half a page empty.
MAX_HEIGHT = 4.4  # inches
FRAME = 1.3  # inches: the title, the legend and the axis around the bars
PITCH = 0.17  # inches per unit with one bar, plus `PITCH_PER_SERIES` for each further series
PITCH_PER_SERIES = 0.11

# The one style of every chart.
STYLE = {
    "font.family": "DejaVu Sans",  # full Vietnamese coverage, shipped with matplotlib
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
    "axes.edgecolor": "#333333",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "x",
    "grid.color": "#bbbbbb",
    "grid.linewidth": 0.4,
    "grid.linestyle": ":",
    "legend.frameon": False,
    "legend.fontsize": 7.5,
    "hatch.linewidth": 0.6,
    "hatch.color": "#222222",
    "svg.hashsalt": "baocao",
    "path.simplify": False,
}
# Fills for series 1, 2, 3…: a grey level and a hatch, so that each reads in black and white.
FILLS = (("#4d4d4d", ""), ("#d9d9d9", "////"), ("#ffffff", "...."), ("#999999", "xx"))
EDGE = "#1a1a1a"
AVERAGE_LINE = {"color": "#000000", "linestyle": "--", "linewidth": 0.9}
NO_DATA = "chưa có số liệu"


# --- scales and number formats -------------------------------------------------------------


def money_scale(largest: float) -> tuple[float, str]:
    """The divisor and unit words for money axes: đồng under a million, then triệu, then tỷ.
    The words come from `base.numbers.format_money`, which owns them."""
    for divisor in (10**9, 10**6):
        if largest >= divisor:
            return float(divisor), format_money(divisor).split(" ", 1)[1]
    return 1.0, format_money(1).split(" ", 1)[1]


def vn_tick(value: float, _position: object = None) -> str:
    """A tick label in Vietnamese notation: 1500 → "1.500", 2.5 → "2,5"."""
    if not math.isfinite(value):
        return ""
    return format_number(value, 2, trim=True)


def _pitch(series: int) -> float:
    return PITCH + PITCH_PER_SERIES * (series - 1)


def max_units(series: int = 1) -> int:
    """How many units a chart of `series` bars per unit draws within `MAX_HEIGHT` (18 with one
    bar, 11 with two: the 11 districts of 2021 all shown); more: the largest ones."""
    return int((MAX_HEIGHT - FRAME) / _pitch(series) + 1e-9)


MAX_UNITS = max_units(1)


def _height(count: int, series: int = 1) -> float:
    return min(MAX_HEIGHT, FRAME + count * _pitch(series))


def _limit(
    labels: Sequence[str],
    series: Sequence[Sequence[float | None]],
    ranked_by: int | None = None,
    bars: int = 1,
) -> tuple[list[str], list[list[float | None]], bool]:
    """Units ranked by value, largest first (the sum of their first `ranked_by` series, all by
    default; units with no figure last, ties in the unit list's order), at most
    `max_units(bars)` of them (`bars`: bars drawn per unit). Also says whether some were left
    out."""
    ranking = series[:ranked_by] if ranked_by else series
    sizes = [sum(_num(s[i]) for s in ranking) for i in range(len(labels))]
    empty = [all(_missing(s[i]) for s in ranking) for i in range(len(labels))]
    ranked = sorted(range(len(labels)), key=lambda i: (empty[i], -sizes[i]))
    keep = ranked[: max_units(bars)]
    return (
        [labels[i] for i in keep],
        [[s[i] for i in keep] for s in series],
        len(keep) < len(labels),
    )


def shown_note(shown: int, total: int) -> str:
    """ "(30 đơn vị lớn nhất trong 65 đơn vị)": what a chart of the largest units leaves out."""
    return f" ({shown} đơn vị lớn nhất trong {total} đơn vị)"


def _num(value: float | None) -> float:
    return 0.0 if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _axes(title: str, count: int, series: int = 1) -> tuple[Figure, object]:
    """A figure sized for `count` units, its title (wrapped) at the top left. Call inside
    `plt.rc_context(STYLE)`."""
    figure = Figure(figsize=(WIDTH, _height(count, series)), dpi=DPI)
    axes = figure.add_subplot()
    figure.suptitle(
        textwrap.fill(title, TITLE_WIDTH), x=0.01, ha="left", fontsize=9, fontweight="bold"
    )
    return figure, axes


def _finish(figure: Figure, axes, labels: Sequence[str], value_label: str) -> Figure:
    axes.set_yticks(range(len(labels)), labels=list(labels))
    axes.invert_yaxis()  # the unit list reads top to bottom
    axes.set_xlabel(value_label)
    axes.xaxis.set_major_formatter(FuncFormatter(vn_tick))
    axes.xaxis.set_major_locator(MaxNLocator(nbins=6))
    axes.tick_params(axis="y", length=0)
    axes.set_axisbelow(True)
    figure.tight_layout()
    return figure


def _annotate_missing(axes, positions: Sequence[float]) -> None:
    for y in positions:
        axes.text(0, y, f" {NO_DATA}", va="center", ha="left", fontsize=7, style="italic")


# --- the three shapes (pure: data in, Figure out) ------------------------------------------


def stacked_bars(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    title: str,
    value_label: str,
    divisor: float = 1.0,
) -> Figure:
    """Bars by unit, one segment per series (e.g. cash, then in kind), values ÷ `divisor`."""
    names = list(series)
    listed = len(labels)
    labels, values, cut = _limit(labels, [series[n] for n in names])
    if cut:
        title += shown_note(len(labels), listed)
    with plt.rc_context(STYLE):
        figure, axes = _axes(title, len(labels))
        left = [0.0] * len(labels)
        for index, (name, column) in enumerate(zip(names, values, strict=True)):
            colour, hatch = FILLS[index % len(FILLS)]
            widths = [_num(v) / divisor for v in column]
            axes.barh(
                range(len(labels)),
                widths,
                left=left,
                height=0.62,
                color=colour,
                hatch=hatch,
                edgecolor=EDGE,
                linewidth=0.5,
                label=name,
            )
            left = [a + b for a, b in zip(left, widths, strict=True)]
        for y, total in enumerate(left):
            if total > 0:
                axes.text(total, y, f" {vn_tick(round(total, 2))}", va="center", fontsize=7)
        _annotate_missing(
            axes, [y for y in range(len(labels)) if all(_missing(v[y]) for v in values)]
        )
        axes.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=1)
        return _finish(figure, axes, labels, value_label)


def compare_bars(
    labels: Sequence[str],
    current: Sequence[float | None],
    previous: Sequence[float | None],
    names: tuple[str, str],
    title: str,
    value_label: str,
    divisor: float = 1.0,
) -> Figure:
    """Two bars per unit: this period (dark) and the same period a year earlier (hatched);
    units ranked by this period's figure."""
    listed = len(labels)
    labels, (current, previous), cut = _limit(labels, [current, previous], ranked_by=1, bars=2)
    if cut:
        title += shown_note(len(labels), listed)
    with plt.rc_context(STYLE):
        figure, axes = _axes(title, len(labels), series=2)
        height = 0.38
        for offset, column, (colour, hatch), name in (
            (-height / 2, current, FILLS[0], names[0]),
            (height / 2, previous, ("#ffffff", "////"), names[1]),
        ):
            ys = [y + offset for y in range(len(labels))]
            widths = [_num(v) / divisor for v in column]
            axes.barh(
                ys,
                widths,
                height=height,
                color=colour,
                hatch=hatch,
                edgecolor=EDGE,
                linewidth=0.5,
                label=name,
            )
            for y, v in zip(ys, column, strict=True):
                if not _missing(v):
                    axes.text(
                        _num(v) / divisor,
                        y,
                        f" {vn_tick(round(v / divisor, 2))}",
                        va="center",
                        fontsize=6.5,
                    )
        _annotate_missing(
            axes, [y - height / 2 for y in range(len(labels)) if _missing(current[y])]
        )
        axes.legend(loc="lower right", ncol=2, bbox_to_anchor=(1.0, 1.0))
        return _finish(figure, axes, labels, value_label)


def share_bars(
    labels: Sequence[str],
    shares: Sequence[float | None],
    average: float | None,
    title: str,
    value_label: str = "Tỷ lệ (%)",
    average_label: str = "Bình quân",
) -> Figure:
    """One bar per unit with its share (%), a dashed line at the average; "chưa có số liệu"
    where a unit has no share."""
    listed = len(labels)
    labels, (shares,), cut = _limit(labels, [shares])
    if cut:
        title += shown_note(len(labels), listed)
    with plt.rc_context(STYLE):
        figure, axes = _axes(title, len(labels))
        colour, hatch = FILLS[1]
        axes.barh(
            range(len(labels)),
            [_num(v) for v in shares],
            height=0.62,
            color=colour,
            hatch=hatch,
            edgecolor=EDGE,
            linewidth=0.5,
        )
        for y, v in enumerate(shares):
            if not _missing(v):
                axes.text(v, y, f" {format_number(v, 1)}%", va="center", fontsize=7)
        _annotate_missing(axes, [y for y, v in enumerate(shares) if _missing(v)])
        top = max([100.0, *(_num(v) for v in shares)])
        axes.set_xlim(0, top * 1.12)
        if not _missing(average):
            axes.axvline(
                average, **AVERAGE_LINE, label=f"{average_label}: {format_number(average, 1)}%"
            )
            axes.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0))
        return _finish(figure, axes, labels, value_label)


# --- from the report's figures to charts ---------------------------------------------------


def _values(table, code: str, unit_codes: Sequence[str]) -> list[float | None]:
    if table is None or code not in table.index:
        return [None] * len(unit_codes)
    row = table.loc[code]
    out = []
    for unit in unit_codes:
        value = row.get(unit) if unit in row.index else None
        out.append(None if _missing(value) else float(value))
    return out


def _scale(kind: str, unit: str, values: Sequence[float | None]) -> tuple[float, str]:
    if kind == "money":
        divisor, words = money_scale(max([_num(v) for v in values] + [0.0]))
        return divisor, words[0].upper() + words[1:]
    return 1.0, unit[0].upper() + unit[1:] if unit else ""


PROVINCE_LABEL = "Toàn tỉnh"


def report_chart(spec, figures, period) -> Figure | None:
    """The chart of an outline `ChartSpec` from a `report.figures.FigureSet`; None when no unit
    has a figure to draw. A `compare` chart whose earlier period had another unit list
    (`figures.compare_units` False) compares the province totals only."""
    labels = [u.short for u in figures.units]
    codes = [u.code for u in figures.units]
    if spec.type == "stacked":
        series = {figures.meta[c].label: _values(figures.table, c, codes) for c in spec.indicators}
        every = [v for column in series.values() for v in column]
        if all(_missing(v) for v in every):
            return None
        meta = figures.meta[spec.indicators[0]]
        totals = [sum(_num(column[i]) for column in series.values()) for i in range(len(codes))]
        divisor, words = _scale(meta.kind, meta.unit, totals)
        return stacked_bars(labels, series, spec.title, words, divisor)
    if spec.type == "compare":
        code = spec.indicators[0]
        meta = figures.meta[code]
        current = _values(figures.table, code, codes)
        previous = _values(figures.previous, code, codes)
        if not figures.compare_units:
            # Another unit list a year earlier: only the province totals compare, and only
            # when every unit of this period has its figure (`FigureSet.comparison`).
            basis = figures.comparison(code)
            if basis is None or not basis.fair:
                return None
            labels = [PROVINCE_LABEL]
            current = _values(figures.table, code, ["total"])
            previous = _values(figures.previous, code, ["total"])
        if all(_missing(v) for v in current + previous):
            return None
        divisor, words = _scale(meta.kind, meta.unit, current + previous)
        names = (period.label(), period.same_period_last_year().label())
        return compare_bars(labels, current, previous, names, spec.title, words, divisor)
    # share
    code = spec.indicators[0]
    base = figures.shares[code]
    part = _values(figures.table, code, codes)
    whole = _values(figures.table, base, codes)
    shares = [
        None if _missing(p) or _missing(w) or w <= 0 else p / w * 100
        for p, w in zip(part, whole, strict=True)
    ]
    if all(_missing(s) for s in shares):
        return None
    pairs = [(p, w) for p, w in zip(part, whole, strict=True) if not (_missing(p) or _missing(w))]
    average = sum(p for p, _ in pairs) / sum(w for _, w in pairs) * 100 if pairs else None
    return share_bars(labels, shares, average, spec.title)


def save_png(figure: Figure, path: Path) -> Path:
    """Write a figure as PNG at `DPI`, without metadata (same data, same bytes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(STYLE):
        figure.savefig(path, dpi=DPI, format="png", metadata={"Software": None})
    return path


def write_charts(outline, figures, period, folder: Path) -> dict[str, Path]:
    """Draw every chart of the outline into `folder` (relative paths stay relative, so the
    report's Markdown links them as `figures/<id>.png`); returns chart id → file."""
    written = {}
    for chart_id, spec in outline.charts.items():
        figure = report_chart(spec, figures, period)
        if figure is None:
            continue
        written[chart_id] = save_png(figure, Path(folder) / f"{chart_id}.png")
    return written
