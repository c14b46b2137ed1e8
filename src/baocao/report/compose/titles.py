"""The report's subject line and the appendices' attachment note, from the report settings.

In: a period and the `ReportSettings` in force. Out: the title ("… 6 tháng đầu năm 2021, nhiệm vụ
trọng tâm …") and the line "(Kèm theo Báo cáo số … ngày …)" under an appendix title, dated the
way Nghị định 30/2020 writes dates. Read by the report's parts, the DOCX finisher and the
renderer.
"""

from __future__ import annotations

from datetime import date

from baocao.config.outline import fill_period
from baocao.config.periods import Period
from baocao.config.settings import DEFAULT_TITLE, ReportSettings


def report_title(period: str, settings: ReportSettings | None = None) -> str:
    """The subject line of the report, e.g. "… 6 tháng đầu năm 2021, nhiệm vụ trọng tâm …":
    the `title` of the report settings in force for the period, its {ky_bao_cao} / {ky_toi}
    filled (without settings, the 2021 title)."""
    template = settings.title if settings is not None else DEFAULT_TITLE
    return fill_period(template, Period.parse(period))


def title_metadata(period: str, settings: ReportSettings | None = None) -> str:
    """The report's title as a YAML metadata block, printed by report.qmd (`output: asis`):
    pandoc and Quarto read it like the front matter, so a plain `quarto render report.qmd -P
    period:…` titles the page for its period as `baocao run` does (which also passes it)."""
    import yaml

    text = yaml.safe_dump({"title": report_title(period, settings)}, allow_unicode=True, width=1e9)
    return f"\n---\n{text.strip()}\n---\n"


def _document_date(day: date) -> str:
    """The date as "05/7/2021": days below 10 and months 1–2 get a leading zero (NĐ 30/2020)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


def attachment_note(settings: ReportSettings, period: str) -> str:
    """The line under an appendix title: "(Kèm theo Báo cáo số 12/BC-MTTQ-BTT ngày 05/7/2021)"."""
    own = settings.for_period(period)
    number = f"{own.number:02d}" if own.number else "…"
    text = f"Kèm theo Báo cáo số {number}/{settings.document_code}"
    if own.date:
        text += f" ngày {_document_date(own.date)}"
    return f"*({text})*\n"
