"""Phụ lục I and Phụ lục II as Markdown tables.

In: `aggregate.appendix_table` (one row per indicator, one column per unit code, and the total)
with the unit list and catalogue; the units' models with the outline. Out: Phụ lục I's tables of
units × indicators (`AppendixTable`, columns measured to fit an A4 landscape page, and as
captioned pipe tables), Phụ lục II's table of models by programme, and the sentence pointing a
section to its models.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from baocao.base.numbers import roman
from baocao.config.catalog import Catalogue
from baocao.config.outline import GROUP_WORDS, Outline, group_header, group_word_of
from baocao.config.units import Unit
from baocao.intake.numbers import format_number
from baocao.report.compose import table_layout as tl
from baocao.report.compose.markdown import (
    NOT_REPORTED,
    figure_kind,
    format_cell,
    is_missing,
    md_escape,
    pipe_table,
    table_cell,
    table_unit,
    unit_cell,
)

TOTAL_HEADER = "Tổng cộng"
APPENDIX_NOTE = (
    f"Ghi chú: “{NOT_REPORTED}” là chỉ tiêu đơn vị chưa báo cáo hoặc có số liệu không hợp lệ "
    "(không tính vào tổng cộng).\n"
)


# --- Phụ lục I -----------------------------------------------------------------------------

# Phụ lục I is a run of tables titled "Bảng 1. …", "Bảng 2. …": the caption marks them for the
# DOCX finisher (landscape pages) and the HTML filter (scrolling box, header in view).
BY_UNIT_CAPTION = "Bảng"
CONTINUED = "(tiếp theo)"
UNIT_HEADER = "Đơn vị"
UNIT_COLUMN_MAX_SHARE = 0.25  # of the page's width: a longer unit name wraps


@dataclass(frozen=True)
class AppendixTable:
    """One table of Phụ lục I: a catalogue section (or part of one), units as rows.

    `codes` are the indicator codes of its columns; `header`, `rows` are the cells as printed
    (the last row is the province's total); `widths_mm` the measured width of each column.
    """

    caption: str
    sections: tuple[str, ...]
    codes: tuple[str, ...]
    header: list[str]
    rows: list[list[str]]
    widths_mm: list[float]


def appendix_tables(
    table: pd.DataFrame,
    units: Iterable[Unit],
    catalogue: Catalogue | None = None,
    *,
    room_mm: float | None = None,
    size_pt: float = tl.APPENDIX_PT,
) -> list[AppendixTable]:
    """Phụ lục I as tables of units × indicators, grouped by catalogue section.

    Narrow sections of one programme share a table while it fits the page.

    Columns: STT | Đơn vị | one per indicator ("<label> (<ĐVT>)"); rows: one per unit in the
    unit list's order, then "Tổng cộng" (the province). A section whose columns do not fit in
    `room_mm` (default: the text width of an A4 landscape page) is split into several tables
    ("(tiếp theo)"). Column widths are measured (`table_layout`): every figure, the total
    included, fits on one line at `size_pt`. Cells are plain text (not yet escaped).
    """
    units = tuple(units)
    room = tl.landscape_text_width_mm() if room_mm is None else room_mm
    sections: Mapping[str, str] = catalogue.sections if catalogue is not None else {}
    pad = tl.cell_pad_mm()
    numbers = [str(n) for n in range(1, len(units) + 1)]
    stt = pad + max(tl.cell_width_mm(t, size_pt, bold=t == "STT") for t in ["STT", *numbers])
    names = [u.short for u in units]
    unit_width = pad + max(
        [tl.cell_width_mm(TOTAL_HEADER, size_pt, True), tl.longest_word_mm(UNIT_HEADER, size_pt)]
        + [tl.cell_width_mm(n, size_pt) for n in names]
    )
    unit_width = min(
        unit_width,
        max(
            room * UNIT_COLUMN_MAX_SHARE,
            pad + max((tl.longest_word_mm(n, size_pt) for n in names), default=0.0),
        ),
    )
    room_for_figures = room - stt - unit_width
    columns: list[tuple[str, str, str, list[str], float]] = []  # section, code, header, cells, mm
    for row in table.to_dict("records"):
        kind = figure_kind(row["code"], row["unit"], catalogue)
        heading = f"{row['label']} ({table_unit(row['unit'], kind)})"
        cells = [format_cell(row.get(u.code, float("nan")), kind) for u in units]
        cells.append(format_cell(row["total"], kind))
        width = tl.figure_column_mm(heading, cells, size_pt)
        columns.append((str(row["section"]), str(row["code"]), heading, cells, width))
    order = list(dict.fromkeys(c[0] for c in columns))
    # Tables as (sections, column indices, continued): a section wider than the page is split
    # (its later parts "tiếp theo"); sections of one programme (1.1, 1.2 …) and the last part
    # of a split section share a table while they fit.
    groups: list[tuple[list[str], list[int], bool]] = []
    open_group = False
    for section in order:
        own = [i for i, c in enumerate(columns) if c[0] == section]
        width = sum(columns[i][4] for i in own)
        if open_group:
            sections_in, indices, continued = groups[-1]
            same_programme = sections_in[-1].split(".")[0] == section.split(".")[0]
            used = sum(columns[i][4] for i in indices)
            if same_programme and used + width <= room_for_figures:
                groups[-1] = ([*sections_in, section], [*indices, *own], continued)
                continue
        if width > room_for_figures:
            runs = tl.pack_columns([columns[i][4] for i in own], room_for_figures)
            groups += [([section], [own[i] for i in run], n > 0) for n, run in enumerate(runs)]
        else:
            groups.append(([section], own, False))
        open_group = True
    out: list[AppendixTable] = []
    for sections_in, indices, continued in groups:
        # One number per caption: the table's own ("Bảng 2."), not the sections' ("2.1.").
        titles = [sections.get(s) or f"Mục {s}" for s in sections_in]
        if continued:
            titles[0] += f" {CONTINUED}"
        caption = f"{BY_UNIT_CAPTION} {len(out) + 1}. {'; '.join(titles)}"
        body = [
            [numbers[i], names[i], *(columns[c][3][i] for c in indices)] for i in range(len(units))
        ]
        body.append(["", TOTAL_HEADER, *(columns[c][3][-1] for c in indices)])
        out.append(
            AppendixTable(
                caption=caption,
                sections=tuple(sections_in),
                codes=tuple(columns[c][1] for c in indices),
                header=["STT", UNIT_HEADER, *(columns[c][2] for c in indices)],
                rows=body,
                widths_mm=[stt, unit_width, *(columns[c][4] for c in indices)],
            )
        )
    return out


def appendix_markdown(
    table: pd.DataFrame,
    units: Iterable[Unit],
    catalogue: Catalogue | None = None,
    *,
    notebook_links: bool = False,
    without_notebook: Iterable[str] = (),
) -> str:
    """Phụ lục I as pipe tables with captions ("Bảng 1. <section's title>; …"), one or more
    per section:
    STT | Đơn vị | the section's indicators, one row per unit, "Tổng cộng" last (bold).

    `table` is `aggregate.appendix_table` (rows in catalogue order; columns code, section,
    label, unit, one per unit code, total). With a catalogue, section titles come from it and
    figures are formatted by the indicator's kind; without one, a "%" unit means a percentage.
    With `notebook_links` (the internal draft) each unit's name links to its review notebook
    `notebooks/<code>.html`, except the units `without_notebook` (those that sent nothing).
    """
    units = tuple(units)
    without_notebook = set(without_notebook)
    parts = []
    for t in appendix_tables(table, units, catalogue):
        header = [table_cell(h) for h in t.header]
        rows = []
        for index, row in enumerate(t.rows):
            if index < len(units):
                unit = units[index]
                linked = notebook_links and unit.code not in without_notebook
                rows.append([row[0], unit_cell(unit.code, row[1], linked), *row[2:]])
            else:
                rows.append(["", *(f"**{table_cell(c)}**" for c in row[1:])])
        widths = [max(3, round(w)) for w in t.widths_mm]
        align = "cl" + "r" * (len(header) - 2)
        parts.append(f": {table_cell(t.caption)}\n\n" + pipe_table(header, rows, widths, align))
    return "\n".join(parts)


# --- Phụ lục II ----------------------------------------------------------------------------


def models_markdown(models: pd.DataFrame, units: Iterable[Unit], outline: Outline) -> str:
    """Phụ lục II: the units' models by programme, then by unit (in the unit list's order).

    STT | Tên mô hình, cách làm | Đơn vị | Thời gian | Số người tham gia | Hiệu quả, with a bold
    row per programme titled from the outline ("Chương trình 2: Vận động Nhân dân thi đua …"). Every field is the
    unit's own text, escaped.
    """
    units = tuple(units)
    if models is None or models.empty:
        return "Chưa có đơn vị báo cáo mô hình, cách làm hiệu quả trong kỳ.\n"
    order = {u.code: i for i, u in enumerate(units)}
    short = {u.code: u.short for u in units}
    titles = programme_titles(outline)
    frame = models.copy()
    frame["_programme"] = frame["programme"].map(_programme_key)
    frame["_unit"] = frame["unit_code"].astype(str).map(lambda c: order.get(c, len(order)))
    frame["_stt"] = pd.to_numeric(frame["stt"], errors="coerce")
    frame["_last"] = frame["_programme"] == ""  # models without a programme go last
    frame = frame.sort_values(["_last", "_programme", "_unit", "_stt"], kind="stable")
    rows: list[list[str]] = []
    for groups, (programme, group) in enumerate(frame.groupby("_programme", sort=False), 1):
        title = programme_title(programme, titles) or f"Chưa ghi {group_word_of(titles)}"
        rows.append([f"**{roman(groups)}**", f"**{table_cell(title)}**", "", "", "", ""])
        for number, model in enumerate(group.to_dict("records"), start=1):
            participants = model.get("participants")
            as_number = pd.to_numeric(pd.Series([participants]), errors="coerce").iloc[0]
            people = (
                format_number(as_number) if not is_missing(as_number) else md_escape(participants)
            )
            rows.append(
                [
                    str(number),
                    md_escape(model.get("name")),
                    md_escape(short.get(str(model["unit_code"]), model["unit_code"])),
                    md_escape(model.get("time")),
                    people,
                    md_escape(model.get("effect")),
                ]
            )
    header = [
        "STT",
        "Tên mô hình, cách làm",
        "Đơn vị",
        "Thời gian",
        "Số người tham gia",
        "Hiệu quả",
    ]
    return pipe_table(header, rows, [4, 28, 10, 10, 8, 30], "cllcrl")


def programme_titles(outline: Outline) -> dict[str, str]:
    """Group number ("1") -> its title, as the outline names it (`Outline.group_titles`)."""
    return outline.group_titles


def names_programmes(titles: Mapping[str, str]) -> bool:
    """Whether the outline groups its work in programmes ("Chương trình 1: …", 2021): only
    then do the report and Phụ lục II say "chương trình N"; the 2026 outline has none."""
    return group_word_of(titles) == GROUP_WORDS[0]


def programme_title(programme: object, titles: Mapping[str, str], group: str = "") -> str:
    """A model's group as Phụ lục II names it (empty when the unit wrote none): the outline's
    heading, or "Chương trình 9" / "Mục 9" for a number it lacks, in the outline's word
    (`group`, default `group_word_of(titles)`)."""
    key = _programme_key(programme)
    if not key:
        return ""
    return titles.get(key, f"{group_header(group or group_word_of(titles))} {key}")


def _programme_key(value: object) -> str:
    if is_missing(value):
        return ""
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") else text


def models_pointer(
    models: pd.DataFrame, programme: int, outline: Outline, units: Iterable[Unit] = ()
) -> str:
    """The sentence pointing a section to its models in Phụ lục II, naming their group as the
    outline does: "5 đơn vị đã báo cáo 9 mô hình, cách làm hiệu quả thuộc chương trình 2 (chi
    tiết tại Phụ lục II)." where the outline has programmes (2021); where it has none (2026),
    the group's heading, as Phụ lục II titles it: "… thuộc nội dung “Giám sát, phản biện xã
    hội; …”". One unit is named ("Chi Lăng đã báo cáo 1 mô hình …"). Empty without models."""
    if models is None or models.empty:
        return ""
    own = models[models["programme"].map(_programme_key) == str(programme)]
    if own.empty:
        return ""
    titles = programme_titles(outline)
    if names_programmes(titles):
        group = f" thuộc chương trình {programme}"
    elif str(programme) in titles:
        group = f" thuộc nội dung “{table_cell(titles[str(programme)])}”"
    else:
        group = ""
    senders = list(dict.fromkeys(own["unit_code"].astype(str)))
    short = {u.code: u.short for u in units}
    who = (
        table_cell(short.get(senders[0], senders[0]))
        if len(senders) == 1
        else f"{format_number(len(senders))} đơn vị"
    )
    return (
        f"{who} đã báo cáo {format_number(len(own))} mô hình, cách làm hiệu quả{group} "
        "(chi tiết tại Phụ lục II).\n"
    )
