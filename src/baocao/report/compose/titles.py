"""The report's title and header lines and the appendices' attachment note, from the settings.

In: a period and the `ReportSettings` in force. Out: the title ("… 6 tháng đầu năm 2021, nhiệm vụ
trọng tâm …"), the header's lines as the signed document prints them ("Số: 12/BC-MTTQ-BTT",
"Lạng Sơn, ngày 05 tháng 7 năm 2021", the national title and motto), the same header as the
HTML page's top (`page_header`) and the line "(Kèm theo Báo cáo số … ngày …)" under an appendix
title, dated the way Nghị định 30/2020 writes dates. Read by the report's parts, the DOCX
finisher (docx.form builds the DOCX's header from the same lines) and the renderer.
"""

from __future__ import annotations

import html
import re
from datetime import date

from baocao.config.outline import fill_period
from baocao.config.periods import Period
from baocao.config.settings import DEFAULT_TITLE, ReportSettings

# Fixed words of the form (Nghị định 30/2020/NĐ-CP, Phụ lục I), not settings.
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TITLE = "BÁO CÁO"
BLANK = "…"  # a place left for a number or a date written by hand
# Where a body's name breaks onto a second line when it is too wide for its column: before the
# administrative level ("ỦY BAN MTTQ VIỆT NAM" / "TỈNH LẠNG SƠN").
LEVEL_BREAK = re.compile(r" (?=(?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|THỊ TRẤN|XÃ|PHƯỜNG) )")
# The class of the page header's block: assets/tables.lua moves it above the title and the
# table of contents of the HTML page (pandoc's `include-before`).
PAGE_HEADER_CLASS = "dau-van-ban"


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


def _month(day: date) -> str:
    """Months 1–2 get a leading zero, the others none (NĐ 30/2020): "01", "02", "7", "12"."""
    return f"{day.month:02d}" if day.month < 3 else str(day.month)


def _document_date(day: date) -> str:
    """The date as "05/7/2021": days below 10 and months 1–2 get a leading zero (NĐ 30/2020)."""
    return f"{day.day:02d}/{_month(day)}/{day.year}"


def document_number(settings: ReportSettings, period: str) -> str:
    """ "Số: 12/BC-MTTQ-BTT"; numbers below 10 get a leading zero; no number leaves "…"."""
    number = settings.for_period(str(Period.parse(period))).number
    shown = f"{number:02d}" if number else BLANK
    return f"Số: {shown}/{settings.document_code}"


def place_and_date(settings: ReportSettings, period: str) -> str:
    """ "Lạng Sơn, ngày 05 tháng 7 năm 2021": days below 10 and months 1–2 get a leading zero.

    Without a configured date the day and month are left as "…" for writing by hand, in the
    year of the period.
    """
    p = Period.parse(period)
    day = settings.for_period(str(p)).date
    if day is None:
        return f"{settings.place}, ngày {BLANK} tháng {BLANK} năm {p.year}"
    return f"{settings.place}, ngày {day.day:02d} tháng {_month(day)} năm {day.year}"


def subject_line(period: str, settings: ReportSettings | None = None) -> str:
    """The subject under "BÁO CÁO": the report's title without its leading "Báo cáo"."""
    text = report_title(period, settings)
    if text.casefold().startswith("báo cáo "):
        text = text[len("báo cáo ") :]
    return text[:1].upper() + text[1:]


def page_header(period: str, settings: ReportSettings) -> str:
    """The top of the HTML page as the signed document's page 1 has it, as Markdown for
    report.qmd to print (`output: asis`): the parent and issuing body and "Số: …" on the left,
    the national title, motto, place and date on the right, then "BÁO CÁO" and the subject as
    the page's title. HTML only (Quarto's conditional content; the DOCX finisher builds its
    own header from the same lines, docx.form); assets/tables.lua puts it above the table of
    contents and makes the page's <title> the report's title."""

    e = html.escape

    def body(name: str) -> str:  # a body's name breaks only before its administrative level
        parts = LEVEL_BREAK.split(name, maxsplit=1)
        return " ".join(f'<span class="lien">{e(part)}</span>' for part in parts)

    lines = [
        f'<header class="{PAGE_HEADER_CLASS}">',
        '<div class="co-quan">',
        f'<p class="co-quan-cap-tren">{body(settings.parent_body)}</p>',
        f'<p class="co-quan-ban-hanh">{body(settings.issuing_body)}</p>',
        f'<p class="so-ky-hieu">{e(document_number(settings, period))}</p>',
        "</div>",
        '<div class="quoc-hieu">',
        f'<p class="quoc-hieu-ten">{e(NATION)}</p>',
        f'<p class="tieu-ngu">{e(MOTTO)}</p>',
        f'<p class="dia-danh-ngay">{e(place_and_date(settings, period))}</p>',
        "</div>",
        "</header>",
        f'<h1 class="title"><span class="ten-loai">{e(TITLE)}</span>',
        f'<span class="trich-yeu">{e(subject_line(period, settings))}</span></h1>',
    ]
    raw = "\n".join(lines)
    return (
        f'\n::: {{.content-visible when-format="html"}}\n::: {{.{PAGE_HEADER_CLASS}}}\n'
        f"```{{=html}}\n{raw}\n```\n:::\n:::\n"
    )


def attachment_note(settings: ReportSettings, period: str) -> str:
    """The line under an appendix title: "(Kèm theo Báo cáo số 12/BC-MTTQ-BTT ngày 05/7/2021)"."""
    own = settings.for_period(period)
    number = f"{own.number:02d}" if own.number else "…"
    text = f"Kèm theo Báo cáo số {number}/{settings.document_code}"
    if own.date:
        text += f" ngày {_document_date(own.date)}"
    return f"*({text})*\n"
