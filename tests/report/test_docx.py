"""The DOCX in the layout of Nghị định 30/2020/NĐ-CP, read back with python-docx.

For speed the document is made by the real pandoc (pypandoc) from a small Markdown shaped like
the report (front-matter title, Part 1, "Phụ lục I" with a wide table and a narrow one,
"Phụ lục II"), with the real reference document, then finished by `finish_docx` with the real
`config/report.yml`. The full pipeline's DOCX is checked in test_render.py.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import docx
import pypandoc
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from baocao.config.settings import load_report_settings
from baocao.errors import BaocaoError
from baocao.report.docx import finish as fin
from baocao.report.docx import form as form
from baocao.report.docx import layout as layout
from baocao.report.docx.style import build_reference_docx

PERIOD = "2021-H1"
SUBJECT = (
    "Kết quả công tác Mặt trận 6 tháng đầu năm 2021, "
    "nhiệm vụ trọng tâm công tác 6 tháng cuối năm 2021"
)
UNITS = [f"Đơn vị {n}" for n in range(1, 12)]  # 11 units, as Lạng Sơn in 2021
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _wide_table() -> str:
    header = ["STT", "Chỉ tiêu", "ĐVT", *UNITS, "Tổng cộng"]
    rows = [["**I**", "**1.1. Công tác tuyên truyền**", *[""] * (len(UNITS) + 2)]]
    for n in range(1, 41):  # long enough to run onto a second page
        figures = [f"{n * 10 + u}" for u in range(len(UNITS))]
        rows.append([str(n), f"Chỉ tiêu số {n}", "cuộc", *figures, "1.234.567"])
    lines = ["| " + " | ".join(header) + " |", "|:-:|:--|:-:|" + "--:|" * (len(UNITS) + 1)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows]) + "\n"


MARKDOWN = f"""---
title: "Báo cáo kết quả công tác Mặt trận"
lang: vi
---

# Phần thứ nhất

## KẾT QUẢ CÔNG TÁC MẶT TRẬN 6 THÁNG ĐẦU NĂM 2021

### 1. Nội dung chương trình 1

\\- Số cuộc tuyên truyền: 550 cuộc.

\\- Số lượt người tham dự: 22.987 lượt người.

# Phần thứ hai

## TRỌNG TÂM CÔNG TÁC MẶT TRẬN 6 THÁNG CUỐI NĂM 2021

Nội dung phần thứ hai.

# Phụ lục I

## SỐ LIỆU KẾT QUẢ CÔNG TÁC MẶT TRẬN 6 THÁNG ĐẦU NĂM 2021 THEO ĐƠN VỊ

*(Kèm theo Báo cáo số 12/BC-MTTQ-BTT ngày 05/7/2021)*

{_wide_table()}

| STT | Đơn vị | Tình trạng |
|:-:|:--|:--|
| 1 | [Thành phố Lạng Sơn](notebooks/178.html) | hợp lệ |

# Phụ lục II

## MÔ HÌNH, CÁCH LÀM HIỆU QUẢ 6 THÁNG ĐẦU NĂM 2021 CỦA CÁC ĐƠN VỊ

*(Kèm theo Báo cáo số 12/BC-MTTQ-BTT ngày 05/7/2021)*

Danh sách mô hình.
"""


@pytest.fixture(scope="module")
def settings(project):
    return load_report_settings(project.config)


@pytest.fixture(scope="module")
def pandoc_docx(tmp_path_factory) -> Path:
    """The report-shaped Markdown through the real pandoc, with the real reference document."""
    tmp = tmp_path_factory.mktemp("pandoc")
    reference = build_reference_docx(tmp / "reference.docx")
    target = tmp / "raw.docx"
    pypandoc.convert_text(
        MARKDOWN,
        "docx",
        format="markdown",
        outputfile=str(target),
        extra_args=["--reference-doc", str(reference), "--metadata", f"title={SUBJECT}"],
    )
    return target


def _finish(source: Path, folder: Path, settings, overrides=None) -> Path:
    path = folder / "bao-cao.docx"
    shutil.copy(source, path)
    assert fin.finish_docx(path, settings, PERIOD, "internal", overrides) == path
    return path


@pytest.fixture(scope="module")
def finished(pandoc_docx, settings, tmp_path_factory) -> docx.document.Document:
    path = _finish(pandoc_docx, tmp_path_factory.mktemp("finished"), settings)
    return docx.Document(str(path))


# ECMA-376 child sequences of the properties the finishing edits (Part 1, §17.3.1.26,
# §17.3.2.28, §17.4.70, §17.4.82): Word refuses a file whose children are out of this order.
SCHEMA_ORDER = {
    "w:pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
    "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
    "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
    "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "w:rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
    "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs "
    "highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish "
    "oMath",
    "w:tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection "
    "tcFitText vAlign hideMark headers cellIns cellDel cellMerge tcPrChange",
    "w:trPr": "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader "
    "tblCellSpacing jc hidden ins del trPrChange",
}


def test_properties_keep_the_schema_order_in_table_cells_and_links(finished):
    """Every edited properties element lists its children in the schema's order, a link's
    run in a table too (its w:rStyle stays before the w:rFonts the finishing adds)."""
    body = finished.element.body
    links = body.findall(f".//{qn('w:tbl')}//{qn('w:hyperlink')}")
    assert links, "the test document has a link in a table cell"
    checked = 0
    for tag, sequence in SCHEMA_ORDER.items():
        rank = {qn(f"w:{name}"): n for n, name in enumerate(sequence.split())}
        for props in body.iter(qn(tag)):
            ranks = [rank[child.tag] for child in props if child.tag in rank]
            assert ranks == sorted(ranks), (tag, [c.tag.split("}")[1] for c in props])
            checked += 1
    assert checked > 500


def _texts(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text]


def _paragraph_with(cell, text: str):
    return next(p for p in cell.paragraphs if p.text == text)


def _run_format(paragraph) -> tuple[float, bool, bool]:
    run = paragraph.runs[0]
    return run.font.size.pt, bool(run.font.bold), bool(run.font.italic)


def _body(document) -> list:
    return list(document.element.body.iterchildren())


# --- the values printed -------------------------------------------------------------------


def test_number_is_zero_padded_below_ten(settings):
    assert form.document_number(settings, PERIOD) == "Số: 12/BC-MTTQ-BTT"
    nine = fin.apply_overrides(settings, PERIOD, {"number": 9})
    assert form.document_number(nine, PERIOD) == "Số: 09/BC-MTTQ-BTT"
    none = fin.apply_overrides(settings, PERIOD, {"number": ""})
    assert form.document_number(none, PERIOD) == "Số: …/BC-MTTQ-BTT"


def test_date_pads_days_below_ten_and_months_one_and_two(settings):
    assert form.place_and_date(settings, PERIOD) == "Lạng Sơn, ngày 05 tháng 7 năm 2021"
    january = fin.apply_overrides(settings, PERIOD, {"date": "03/01/2022"})
    assert form.place_and_date(january, PERIOD) == "Lạng Sơn, ngày 03 tháng 01 năm 2022"
    december = fin.apply_overrides(settings, PERIOD, {"date": date(2021, 12, 15)})
    assert form.place_and_date(december, PERIOD) == "Lạng Sơn, ngày 15 tháng 12 năm 2021"
    # A period without a configured date leaves day and month for writing by hand.
    assert form.place_and_date(settings, "2022-H1") == "Lạng Sơn, ngày … tháng … năm 2022"


def test_recipients_end_with_the_archive_line_once():
    lines = form.recipient_lines(["Thường trực Tỉnh ủy (b/c)", " - Lãnh đạo; ", "Lưu: VT"])
    assert lines == ["- Thường trực Tỉnh ủy (b/c);", "- Lãnh đạo;", "- Lưu: VT."]


def test_subject_comes_from_the_period():
    assert form.subject_line(PERIOD) == SUBJECT
    assert form.subject_line("2021-H2") == (
        "Kết quả công tác Mặt trận 6 tháng cuối năm 2021, "
        "nhiệm vụ trọng tâm công tác 6 tháng đầu năm 2022"
    )


def test_overrides_are_checked(settings):
    with pytest.raises(BaocaoError, match="chỉ thay được"):
        fin.apply_overrides(settings, PERIOD, {"so": 3})
    with pytest.raises(BaocaoError, match="Ngày báo cáo"):
        fin.apply_overrides(settings, PERIOD, {"date": "5 tháng 7"})
    with pytest.raises(BaocaoError, match="Số báo cáo"):
        fin.apply_overrides(settings, PERIOD, {"number": "12a"})
    renamed = fin.apply_overrides(settings, PERIOD, {"signer_name": "Trần Thị B", "number": None})
    assert renamed.signer_name == "Trần Thị B"
    assert renamed.for_period(PERIOD).number == 12


# --- page, fonts, styles --------------------------------------------------------------------


def test_a4_portrait_with_the_decree_margins(finished):
    section = finished.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    for margin, mm in (("top", 20), ("bottom", 20), ("left", 30), ("right", 15)):
        assert abs(getattr(section, f"{margin}_margin") - Mm(mm)) < Mm(0.5), margin


def test_times_new_roman_everywhere_without_theme_fonts(finished):
    parts = [finished.part.element, finished.styles.element]
    for part in parts:
        for fonts in part.iter(qn("w:rFonts")):
            assert not any(fonts.get(qn(a)) for a in THEME_ATTRS)
    defaults = finished.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(attr)) == "Times New Roman", attr
    header = finished.tables[0]
    for cell in header._cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                assert run.font.name == "Times New Roman"
                assert run.font.color.rgb == docx.shared.RGBColor(0, 0, 0)


def test_body_styles_justified_with_first_line_indent(finished):
    for name in ("Body Text", "First Paragraph"):
        fmt = finished.styles[name].paragraph_format
        assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY, name
        assert abs(fmt.first_line_indent - Cm(1.27)) < Cm(0.01), name
        assert fmt.space_after == Pt(6), name
        assert 1.15 <= fmt.line_spacing <= 1.5, name
        assert finished.styles[name].font.size == Pt(14), name
    heading = finished.styles["Heading 3"]
    assert heading.font.bold and heading.font.name == "Times New Roman"


# --- page 1: header, title ------------------------------------------------------------------


def test_header_table_opens_the_body_without_borders(finished):
    first = _body(finished)[0]
    assert first.tag == qn("w:tbl")
    header = finished.tables[0]
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    assert len(header.columns) == 2


def test_header_left_column(finished):
    top_left = finished.tables[0].rows[0].cells[0]
    assert _texts(top_left) == ["ỦY BAN MTTQ VIỆT NAM\nTỈNH LẠNG SƠN", "BAN THƯỜNG TRỰC"]
    assert _run_format(top_left.paragraphs[0]) == (13, False, False)
    assert _run_format(_paragraph_with(top_left, "BAN THƯỜNG TRỰC")) == (13, True, False)
    rule = top_left.paragraphs[-1]
    assert rule.text == "" and rule._p.pPr.find(qn("w:pBdr")) is not None
    number = _texts(finished.tables[0].rows[1].cells[0])
    assert number == ["Số: 12/BC-MTTQ-BTT"]


def test_header_right_column(finished):
    top_right = finished.tables[0].rows[0].cells[1]
    assert _texts(top_right) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert _run_format(top_right.paragraphs[0]) == (12, True, False)
    assert _run_format(top_right.paragraphs[1]) == (13, True, False)
    assert top_right.paragraphs[-1]._p.pPr.find(qn("w:pBdr")) is not None
    when = finished.tables[0].rows[1].cells[1].paragraphs[0]
    assert when.text == "Lạng Sơn, ngày 05 tháng 7 năm 2021"
    assert _run_format(when) == (14, False, True)


def test_official_title_replaces_the_pandoc_title(finished):
    assert not [p for p in finished.paragraphs if p.style.name in ("Title", "Subtitle")]
    paragraphs = finished.paragraphs
    title = paragraphs[0]
    assert title.text == "BÁO CÁO"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _run_format(title) == (14, True, False)
    subject = paragraphs[1]
    assert subject.text.replace("\n", " ") == SUBJECT
    assert subject.alignment == WD_ALIGN_PARAGRAPH.CENTER and subject.runs[0].font.bold
    assert paragraphs[2]._p.pPr.find(qn("w:pBdr")) is not None  # the short rule
    assert paragraphs[3].text == "Phần thứ nhất"


# --- the signature and the appendices -------------------------------------------------------


def _signature(document):
    return next(
        t for t in document.tables if layout.table_description(t._tbl) == layout.SIGNATURE_MARKER
    )


def test_signature_block_before_the_appendices(finished):
    signature = _signature(finished)
    body = _body(finished)
    at = body.index(signature._tbl)
    after = [el for el in body[at + 1 :] if el.tag == qn("w:p")]
    texts = [docx.text.paragraph.Paragraph(p, finished._body).text for p in after if len(p)]
    assert [t for t in texts if t][0] == "Phụ lục I"
    part_two = next(p for p in finished.paragraphs if p.text == "Nội dung phần thứ hai.")
    assert body.index(part_two._p) < at


def test_signature_texts(finished):
    left, right = _signature(finished).rows[0].cells
    lines = _texts(left)
    assert lines[0] == "Nơi nhận:"
    assert _run_format(left.paragraphs[0]) == (12, True, True)
    assert lines[1] == "- Ban Thường trực UBTW MTTQ Việt Nam (b/c);"
    assert lines[-1] == "- Lưu: VT."
    assert all(line.startswith("- ") and line.endswith(";") for line in lines[1:-1])
    assert {_run_format(p)[0] for p in left.paragraphs[1:] if p.text} == {11}
    assert _texts(right) == ["TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH", "Nguyễn Văn A"]
    for paragraph in right.paragraphs:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert paragraph.runs[0].font.bold
    assert right.paragraphs[-1].paragraph_format.space_before >= Pt(60)  # room to sign


def test_page_numbers_from_page_two_centred_in_the_header(finished):
    first = finished.sections[0]
    assert first.different_first_page_header_footer
    assert "PAGE" not in first.first_page_header._element.xml
    header = first.header.paragraphs[0]
    instr = [el.text for el in header._p.iter(qn("w:instrText"))]
    assert [t.strip() for t in instr] == ["PAGE"]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    for section in finished.sections[1:]:
        assert section.header.is_linked_to_previous  # the appendices are numbered too


def test_appendices_in_their_own_sections_wide_one_landscape(finished):
    sections = finished.sections
    assert len(sections) == 3
    wide, narrow = sections[1], sections[2]
    assert wide.orientation == WD_ORIENT.LANDSCAPE
    assert abs(wide.page_width - Mm(297)) < Mm(0.5)
    assert wide.page_height < wide.page_width
    assert narrow.orientation == WD_ORIENT.PORTRAIT
    for section in sections[1:]:
        assert section.start_type == docx.enum.section.WD_SECTION.NEW_PAGE


def test_wide_table_header_repeats_small_font_numbers_right(finished):
    table = next(t for t in finished.tables if t.rows[0].cells[-1].text == "Tổng cộng")
    header = table.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:cantSplit")) is not None
    assert table.rows[0].cells[0].paragraphs[0].runs[0].font.bold
    row = table.rows[2]  # the first figure row (row 1 is the group "I")
    assert row.cells[3].text == "10"
    assert row.cells[3].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert row.cells[-1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    sizes = {r.font.size.pt for c in row.cells for p in c.paragraphs for r in p.runs}
    assert sizes == {10}
    group = table.rows[1]._tr.tc_lst
    assert len(group) == 2 and group[1].grid_span == len(UNITS) + 3  # the title spans the row
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid]
    text_width = (297 - 20 - 15) * 1440 / 25.4
    assert abs(sum(widths) - text_width) < 30


def test_attachment_note_italic_centred_from_the_same_number(pandoc_docx, settings, tmp_path):
    overrides = {"number": 7, "date": "2021-07-09"}
    document = docx.Document(str(_finish(pandoc_docx, tmp_path, settings, overrides)))
    notes = [p for p in document.paragraphs if p.text.startswith("(Kèm theo")]
    assert [p.text for p in notes] == ["(Kèm theo Báo cáo số 07/BC-MTTQ-BTT ngày 09/7/2021)"] * 2
    for note in notes:
        assert note.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(run.font.italic for run in note.runs)
    assert _texts(document.tables[0].rows[1].cells[0]) == ["Số: 07/BC-MTTQ-BTT"]


def test_finishing_twice_changes_nothing(finished, pandoc_docx, settings, tmp_path):
    path = _finish(pandoc_docx, tmp_path, settings)
    once = path.read_bytes()
    fin.finish_docx(path, settings, PERIOD)
    assert path.read_bytes() == once
    assert fin.is_finished(docx.Document(str(path)))


def test_without_appendices_the_signature_ends_the_body(settings, tmp_path):
    source = tmp_path / "short.docx"
    text = "# Phần thứ nhất\n\nNội dung.\n\n# Phần thứ hai\n\nNội dung cuối.\n"
    pypandoc.convert_text(text, "docx", format="markdown", outputfile=str(source))
    document = docx.Document(str(_finish(source, tmp_path, settings)))
    assert len(document.sections) == 1
    body = _body(document)
    assert body[-2] is _signature(document)._tbl and body[-1].tag == qn("w:sectPr")
    last = next(p for p in document.paragraphs if p.text == "Nội dung cuối.")
    assert last.paragraph_format.keep_with_next  # not left alone on the signature's page


@pytest.mark.slow
def test_command_line_overrides_reach_the_docx_header_signature_and_the_html(tmp_path):
    from bs4 import BeautifulSoup
    from test_render import make_paths, write_processed

    from baocao.report.render.reports import render_report

    paths = make_paths(tmp_path)
    write_processed(paths.processed)
    overrides = {"number": 7, "date": "03/01/2022", "signer_name": "Trần Văn B"}
    result = render_report(PERIOD, "internal", paths, tmp_path / "out", overrides=overrides)
    document = docx.Document(str(result.outputs["docx"]))
    texts = [p.text for t in document.tables for c in t._cells for p in c.paragraphs]
    assert any("Số: 07/" in t for t in texts)
    assert any("ngày 03 tháng 01 năm 2022" in t for t in texts)
    assert "Trần Văn B" in texts and "Nguyễn Văn A" not in texts
    html = BeautifulSoup(result.outputs["html"].read_text(encoding="utf-8"), "html.parser")
    assert "số 07/" in html.get_text() or "số 07/" in html.get_text().lower()
