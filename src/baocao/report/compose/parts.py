"""The report as report.qmd prints it: `ReportData` in, the outline's parts as Markdown out.

`build_report` gathers the figures and the names narratives use into a `Report` (per profile:
the document to sign, the internal review draft or the public page, `render.profiles`);
`part_markdown` prints one part of the outline (its sections with text, figures, charts and
pointers to Phụ lục II, or its appendix block), `validation_annex` the internal draft's review of
the data; the notices open the report (`draft_notice`: "DỰ THẢO" and what is missing). The
report's cells only call these and `print` the result (`output: asis`), so Quarto and the
built-in renderer receive the same Markdown. The run id and the tool are never printed: they are
in the DOCX's properties and the run's manifest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from baocao.config.outline import Outline, Part, Section, fill_period
from baocao.report.compose.appendices import (
    APPENDIX_NOTE,
    appendix_markdown,
    models_markdown,
    models_pointer,
)
from baocao.report.compose.data import ReportData
from baocao.report.compose.figures import FigureSet, build_figures
from baocao.report.compose.markdown import is_truthy, md_escape, table_cell
from baocao.report.compose.sentences import figure_names, section_figures_markdown, sources_note
from baocao.report.compose.submissions import (
    excluded_markdown,
    issues_markdown,
    set_aside_markdown,
    status_markdown,
    submission_summary,
    versions_markdown,
)
from baocao.report.compose.titles import attachment_note
from baocao.report.narrative import markdown as nv
from baocao.report.narrative.draft import DRAFT_MARK, capped
from baocao.run.aggregate import appendix_table
from baocao.unit.validate import STATE_MISSING

# The profiles (`render.profiles.PROFILES`, named here: compose comes before render).
OFFICIAL, INTERNAL, PUBLIC = "official", "internal", "public"
RESTRICTED = (OFFICIAL, INTERNAL)  # the documents holding the restricted sub-parts


@dataclass(frozen=True)
class Report:
    """Everything the outline's parts are printed from; built once by the report's setup cell.

    `profile` is "official" (the document to sign: restricted sub-parts, no placeholder),
    "internal" (the review draft: placeholders, restricted sub-parts with their note, notebook
    links, text the outline has no place for) or "public". `charts` maps a chart id of the outline to its PNG, relative to the build folder,
    once the chart cell has written them.
    """

    data: ReportData
    figures: FigureSet
    names: dict[str, str]
    profile: str = "internal"
    charts: dict[str, str] = field(default_factory=dict)

    @property
    def internal(self) -> bool:
        """The internal review draft: guidance, notebook links, the analyst's notes."""
        return self.profile == INTERNAL

    @property
    def restricted(self) -> bool:
        """A document that holds the restricted sub-parts (never the public page)."""
        return self.profile in RESTRICTED

    def with_charts(self, charts: Mapping[str, str | Path]) -> Report:
        return replace(self, charts={k: Path(v).as_posix() for k, v in charts.items()})


def build_report(data: ReportData, profile: str = "internal") -> Report:
    figures = build_figures(
        data.values,
        data.status,
        data.catalogue,
        data.units,
        data.outline,
        data.previous_values,
        data.previous_units,
        data.previous_catalogue,
        data.unit_change,
        data.issues,
    )
    return Report(
        data=data, figures=figures, names=figure_names(figures, data.period), profile=profile
    )


def chart_markdown(report: Report, chart_id: str, number: int) -> str:
    """`![Biểu đồ 2. <title> (6 tháng đầu năm 2021)](figures/quy_vnn.png)`."""
    spec = report.data.outline.charts[chart_id]
    caption = f"Biểu đồ {number}. {spec.title} ({report.data.period.label()})"
    return f"![{md_escape(caption)}]({report.charts[chart_id]})\n"


def _chart_numbers(report: Report) -> dict[str, int]:
    numbers: dict[str, int] = {}
    for section in report.data.outline.sections:
        for chart_id in section.charts:
            if chart_id in report.charts and chart_id not in numbers:
                numbers[chart_id] = len(numbers) + 1
    return numbers


def section_markdown(report: Report, section: Section) -> str:
    """One section: its heading, the analysts' text (or the internal placeholder), its figures,
    its charts, a pointer to its models in Phụ lục II, and its internal parts (internal only)."""
    period = report.data.period
    parts = [f"{'#' * section.level} {fill_period(section.heading, period)}\n"]
    if section.takes_text:
        guidance = [fill_period(g, period) for g in section.guidance]
        text = nv.section_text(
            section.id, guidance, report.data.narratives, report.names, internal=report.internal
        )
        if text:
            parts.append(text)
        elif report.profile == OFFICIAL:
            parts.append(NOT_WRITTEN)
    if section.figures is not None:
        figures = section_figures_markdown(
            section.figures, report.figures, detailed=report.internal
        )
        if figures:
            parts.append(figures)
    numbers = _chart_numbers(report)
    for chart_id in section.charts:
        if chart_id in report.charts:
            parts.append(chart_markdown(report, chart_id, numbers[chart_id]))
    if section.programme is not None:
        data = report.data
        pointer = models_pointer(data.models, section.programme, data.outline, data.units)
        if pointer:
            parts.append(pointer)
    if report.restricted:
        for extra in section.internal:
            parts += restricted_markdown(report, extra)
    if report.internal:
        parts += orphans_markdown(report, section.id)
    return "\n".join(parts)


# What the document to sign prints in a section nobody wrote (the guidance is the analyst's).
NOT_WRITTEN = "*Chưa có nội dung.*\n"


def restricted_markdown(report: Report, extra) -> list[str]:
    """A restricted sub-part (`InternalPart`): in the internal draft its title with the note
    for the analyst ("bản nội bộ, không công bố"), marked internal, and its text or guidance;
    in the document to sign its title and text alone."""
    period = report.data.period
    guidance = [fill_period(g, period) for g in extra.guidance]
    text = nv.section_text(
        extra.id, guidance, report.data.narratives, report.names, internal=report.internal
    )
    if not report.internal:
        title = table_cell(fill_period(extra.title, period))
        return [f"**{title}**\n\n{text or NOT_WRITTEN}"]
    title = table_cell(fill_period(extra.heading, period))
    return [internal_block(f"**{title}**\n\n{text}"), *orphans_markdown(report, extra.id)]


ORPHAN_TITLES = {
    "unknown": "Đoạn dưới tiêu đề “{heading}” (tiêu đề không có trong đề cương)",
    "heading_only": "Đoạn viết dưới một tiêu đề không nhận nội dung",
    "before": "Đoạn viết trước tiêu đề đầu tiên của tài liệu Word",
}


def orphans_markdown(report: Report, anchor: str | None) -> list[str]:
    """The internal draft's marked blocks for Word text the outline has no place for, placed
    after the heading they follow: never published, never lost."""
    blocks = []
    for orphan in report.data.orphans:
        if orphan.anchor != anchor:
            continue
        title = ORPHAN_TITLES[orphan.reason].format(heading=table_cell(orphan.heading or ""))
        note = "chưa đưa vào báo cáo; hãy sửa tiêu đề cho khớp đề cương hoặc chuyển đoạn này"
        text = (
            nv.fill(orphan.text, report.names, f"Tài liệu Word, {title}", "docx")
            if orphan.text
            else "(không có nội dung)\n"
        )
        blocks.append(internal_block(f"**{title}** — *{note}.*\n\n{text}"))
    return blocks


def internal_block(markdown: str) -> str:
    """Content of the internal draft only, in a div of class `internal` (labelled "Nội bộ" by
    the HTML style, and refused by the public page's check should it ever get there)."""
    return f"::: {{.internal}}\n\n{markdown.strip()}\n\n:::\n"


def _appendix_figures(report: Report) -> str:
    data = report.data
    table = appendix_table(data.values, data.catalogue, data.units)
    return "\n".join(
        [
            appendix_markdown(
                table,
                data.units,
                data.catalogue,
                notebook_links=report.internal,
                without_notebook=data.without_review_page(),
            ),
            APPENDIX_NOTE,
            submission_summary(data.status),
        ]
    )


def _appendix_models(report: Report) -> str:
    return models_markdown(report.data.models, report.data.units, report.data.outline)


BLOCKS = {"appendix_figures": _appendix_figures, "appendix_models": _appendix_models}


def part_markdown(report: Report, part_id: str) -> str:
    """A part of the outline: its level-1 heading, its title, then its sections or its block."""
    data = report.data
    part: Part = data.outline.part(part_id)
    lines = [
        f"# {fill_period(part.heading, data.period)}\n",
        f"## {fill_period(part.title, data.period)}\n",
    ]
    if part.attachment:
        lines.append(attachment_note(data.settings, str(data.period)))
    if report.internal:
        if part is data.outline.parts[0]:
            lines += orphans_markdown(report, None)
        lines += orphans_markdown(report, part.id)
    if any(s.figures for s in part.sections):
        codes = [c for s in part.sections if s.figures for c in report.figures.codes_of(s.figures)]
        lines.append(sources_note(report.figures, data.period, codes))
    for section in part.sections:
        lines.append(section_markdown(report, section))
    if part.block is not None:
        lines.append(BLOCKS[part.block](report))
    return "\n".join(lines)


def validation_annex(report: Report) -> str:
    """The internal draft's review of the data: each unit's submission (linked to its notebook),
    every error and warning, and the figures left out of the totals."""
    data = report.data
    body = "\n".join(
        [
            "**Tình hình tiếp nhận số liệu của các đơn vị**\n",
            status_markdown(
                data.status, notebook_links=True, without_notebook=data.without_review_page()
            ),
            set_aside_markdown(data.set_aside),
            versions_markdown(data.receipts, data.units),
            "**Lỗi, cảnh báo trong số liệu của các đơn vị**\n",
            issues_markdown(data.issues, data.status, data.units),
            "**Số liệu không tính vào tổng cộng**\n",
            excluded_markdown(data.values, data.catalogue, data.units),
        ]
    )
    return internal_block(body)


# --- around the parts: the notices that open the report --------------------------------


def illustrative_notice(status: pd.DataFrame) -> str:
    """ "Số liệu minh họa — …" when any unit's workbook says its figures are illustrative."""
    if "illustrative" not in status.columns:
        return ""
    flagged = status[status["illustrative"].map(is_truthy)]
    if flagged.empty:
        return ""
    sent = int((status["state"] != STATE_MISSING).sum())
    return (
        f"**Số liệu minh họa — số liệu của {len(flagged)}/{sent} đơn vị đã nộp trong báo cáo "
        "này là số liệu minh họa, không phải số liệu thật của đơn vị.**\n"
    )


def outline_notice(outline: Outline | None) -> str:
    """The outline's own notice when it is illustrative (`illustrative` in its config file)."""
    if outline is None or not outline.illustrative:
        return ""
    return f"**{md_escape(outline.illustrative)}**\n"


def draft_notice(reports: Mapping[str, Report]) -> dict[str, str]:
    """What opens a report whose document to sign is a draft (`ReportData.draft`), by profile:
    the document to sign gets the mark "DỰ THẢO" and a short list of what is missing (styles
    "Draft Mark" and "Draft Note", set at the top of its first page by `docx.draft`); the
    internal draft lists every item; the public version gets a block of class `du-thao`, which
    the public page's check refuses (`review.html_check`). Returns {profile: Markdown}, for
    `render.profiles.by_profile`; empty when the report is final."""
    draft = next(iter(reports.values())).data.draft
    if not draft:
        return {}
    listed = "\n".join(f"- {md_escape(line)}" for line in capped(draft.items(), 30))
    notes = "\n\n".join(md_escape(line) for line in capped(draft.summary(), 6))
    return {
        OFFICIAL: (
            f'::: {{custom-style="Draft Mark"}}\n{DRAFT_MARK}\n:::\n\n'
            f'::: {{custom-style="Draft Note"}}\nCòn thiếu:\n\n{notes}\n:::\n'
        ),
        INTERNAL: (
            f"::: {{.du-thao}}\n\n**{DRAFT_MARK}** — văn bản để ký còn thiếu:\n\n{listed}\n\n:::\n"
        ),
        PUBLIC: f"::: {{.du-thao}}\n\n**{DRAFT_MARK}**\n\n:::\n",
    }
