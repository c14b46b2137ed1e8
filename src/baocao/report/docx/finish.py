"""Finishing the rendered DOCX so it is ready to sign (Nghị định 30/2020/NĐ-CP, Phụ lục I).

Pandoc (alone or under Quarto) writes the report's content with the styles of the reference
document (`docx.style`). What styles cannot express is added here, with python-docx, to the
rendered file; `finish_docx` is the one entry, and applies in order:

* the styles again and Times New Roman everywhere, theme fonts included (here);
* the header block, the title "BÁO CÁO" with the subject line, the signature block with
  "Nơi nhận:" (`docx.form`);
* pandoc's title block removed, the attachment notes, one section per appendix (landscape when
  it holds a wide table or one of Phụ lục I's tables by unit) and page numbers from page 2 on
  (`docx.sections`);
* data tables fitted to their section's width, header rows repeated (`docx.tables`);
* the mark "DỰ THẢO" and what is missing at the top of a draft's first page (`docx.draft`);
* the document's properties (title, subject, author, status, language, and the run id and the
  tool, which are never printed on a page).

The sizes are `docx.layout.FinishLayout`'s. Every value printed (number, date, place, bodies,
signer, recipients) comes from `config/report.yml` (`ReportSettings`), optionally overridden
for one run (`apply_overrides`). The work is done once: a finished file carries a marker and is
left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

from baocao.config.periods import Period
from baocao.config.settings import OVERRIDE_KEYS, ReportSettings, apply_overrides
from baocao.errors import BaocaoError
from baocao.report.docx.draft import place_draft_mark
from baocao.report.docx.form import (
    header_block,
    keep_with_signature,
    signature_block,
    subject_line,
    title_block,
)
from baocao.report.docx.layout import LAYOUT, MARKER, FinishLayout, table_description
from baocao.report.docx.sections import (
    appendix_starts,
    attachment_notes,
    page_numbers,
    remove_title_block,
    sections_for_appendices,
)
from baocao.report.docx.style import STYLE, DocxStyle, restyle
from baocao.report.docx.tables import finish_data_table, section_of_tables

__all__ = [
    "LAYOUT",
    "OVERRIDE_KEYS",
    "FinishLayout",
    "apply_overrides",
    "finish_docx",
    "is_finished",
]

PROFILE_STATUS = {
    "official": "Văn bản để ký",
    "internal": "Dự thảo rà soát nội bộ",
    "public": "Trang công khai",
}
DRAFT_STATUS = "Dự thảo"


# --- fonts -------------------------------------------------------------------------------------


def _fonts_everywhere(document, style: DocxStyle) -> None:
    """Times New Roman in every run that names a font, no theme fonts, black text; and the
    theme's own fonts set to Times New Roman for anything that still asks the theme."""
    rels = document.part.rels.values()
    parts = [document.part, *(r.target_part for r in rels if not r.is_external)]
    for part in parts:
        element = getattr(part, "element", None)
        if element is None:
            continue
        for fonts in element.iter(qn("w:rFonts")):
            if any(fonts.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:asciiTheme")):
                for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                    fonts.attrib.pop(qn(attr), None)
                if fonts.get(qn("w:ascii")) not in ("Symbol", "Wingdings"):
                    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                        fonts.set(qn(attr), style.font)
    for color in document.element.body.iter(qn("w:color")):
        color.set(qn("w:val"), "000000")
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(attr), None)
    for part in parts:
        if part.partname.endswith("/theme/theme1.xml") and hasattr(part, "_blob"):
            part._blob = re.sub(
                rb'(<a:(?:latin|ea|cs) typeface=")[^"]*(")',
                rb"\g<1>" + style.font.encode() + rb"\g<2>",
                part._blob,
            )


# --- the entry point ---------------------------------------------------------------------------


def is_finished(document) -> bool:
    body = document.element.body
    return any(table_description(t) == MARKER for t in body.iterchildren(qn("w:tbl")))


def finish_docx(
    path: Path,
    settings: ReportSettings,
    period: str,
    profile: str = "internal",
    overrides: Mapping[str, Any] | None = None,
    style: DocxStyle = STYLE,
    layout: FinishLayout = LAYOUT,
    run: Mapping[str, str] | None = None,
) -> Path:
    """Put the rendered report at `path` into the official layout, in place; returns `path`.

    `settings` come from `config/report.yml`; `overrides` (keys in `OVERRIDE_KEYS`) replace
    some of them for this run; `run` ("run_id", "tool") goes into the document's properties
    only. A file already finished is left unchanged.
    """
    path = Path(path)
    period = str(Period.parse(period))
    settings = apply_overrides(settings, period, overrides)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a damaged package
        raise BaocaoError(f"Không mở được tệp Word {path.name} để hoàn thiện: {exc}.") from None
    if is_finished(document):
        return path
    restyle(document, style)
    _fonts_everywhere(document, style)
    remove_title_block(document)
    body = document.element.body
    header = header_block(document, settings, period, layout)
    body.insert(0, header._tbl)
    draft = place_draft_mark(document, header._tbl)
    anchor = header._tbl.getnext()
    title_block(document, anchor, period, layout, settings)
    attachment_notes(document, settings, period, layout)
    starts = appendix_starts(document)
    signature = signature_block(document, settings, layout)
    if starts:
        starts[0].addprevious(signature._tbl)
    keep_with_signature(document, signature)
    sections_for_appendices(document, style, layout)
    for tbl, sect in section_of_tables(document):
        finish_data_table(document, tbl, sect, style, layout)
    page_numbers(document, layout)
    props = document.core_properties
    props.title = subject_line(period, settings)
    props.subject = subject_line(period, settings)
    props.author = settings.issuing_body
    status = PROFILE_STATUS.get(profile, profile)
    props.content_status = f"{status} — {DRAFT_STATUS}" if draft else status
    props.language = style.language
    run = run or {}
    props.identifier = run.get("run_id", "")  # the run's id, as in manifest.json
    props.comments = (
        f"Lập bằng công cụ {run['tool']}; mã lần chạy {run.get('run_id', '')}."
        if run.get("tool")
        else ""
    )
    document.save(str(path))
    return path
