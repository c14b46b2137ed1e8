"""The narrative's headings as Word users really make them: numbered by Word's automatic
numbering (the number is in numbering.xml, not in the text), a heading that lost its Heading
style (a bold Normal paragraph, an outline level set in Paragraph > Outline level), lists whose
first item is at level 2. The document is the one `baocao narrative` writes, edited in its XML
the way Word stores these things, and read back through the real reader."""

from __future__ import annotations

import re

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from test_narrative_docx import (
    PERIOD,
    P,
    W,
    after,
    heading_paragraph,
    make_root,
    requires_soffice,
    soffice_convert,
    write_docx,
)

from baocao.config.outline import load_outline
from baocao.report.narrative import read as nread
from baocao.report.narrative import source as nsource

NUMBERED_TEXT = {
    "2.2": "Toàn tỉnh có thêm 12 xã đạt chuẩn nông thôn mới.",
    "3.3": "Tổ chức 4 hội nghị phản biện dự thảo nghị quyết.",
    "6.1": "Công tác Mặt trận đạt nhiều kết quả.",
    "6.3": "Đề nghị tăng kinh phí hoạt động.",
}
UNKNOWN = "Công tác khác chưa có trong đề cương"
UNKNOWN_TEXT = "Đoạn dưới tiêu đề lạ."


@pytest.fixture(scope="module")
def outline(catalogue, project):
    return load_outline(project.config, catalogue)


# --- Word's numbering, as Word stores it ---------------------------------------------------


def word_list(document, levels, *, start_at=None, styles=(), list_style=None) -> str:
    """A list definition added as Word adds one: an abstractNum (one w:lvl per (numFmt,
    lvlText) of `levels`, level k linked to paragraph style `styles[k]` when given) and a
    w:num pointing to it, with Word's "Set numbering value" (`start_at`) as a startOverride.
    With `list_style`, the levels belong to that list style (w:styleLink) and the list used is
    an abstractNum that only names it (w:numStyleLink), as Word stores a list made from a list
    style. Returns its numId."""
    numbering = document.part.numbering_part.element
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    nums = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    abstract_id, num_id = str(max(ids, default=0) + 1), str(max(nums, default=0) + 1)
    link = ""
    if list_style:
        link = f'<w:styleLink w:val="{list_style}"/>'
        numbering.find(qn("w:num")).addprevious(
            etree.fromstring(
                f'<w:abstractNum xmlns:w="{W}" w:abstractNumId="{int(abstract_id) + 1}">'
                f'<w:multiLevelType w:val="multilevel"/><w:numStyleLink w:val="{list_style}"/>'
                "</w:abstractNum>"
            )
        )
    lvls = "".join(
        f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        + (f'<w:pStyle w:val="{styles[k]}"/>' if k < len(styles) else "")
        + f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{720 * (k + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for k, (fmt, text) in enumerate(levels)
    )
    abstract = etree.fromstring(
        f'<w:abstractNum xmlns:w="{W}" w:abstractNumId="{abstract_id}">'
        f'<w:nsid w:val="5A1B2C{abstract_id.zfill(2)}"/><w:multiLevelType w:val="multilevel"/>'
        f"{link}{lvls}</w:abstractNum>"
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # the schema puts every abstractNum before the nums
    else:
        numbering.append(abstract)
    override = (
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start_at}"/></w:lvlOverride>'
        if start_at
        else ""
    )
    numbering.append(
        etree.fromstring(
            f'<w:num xmlns:w="{W}" w:numId="{num_id}">'
            f'<w:abstractNumId w:val="{int(abstract_id) + bool(list_style)}"/>{override}</w:num>'
        )
    )
    return num_id


def numbered(paragraph, num_id: str, ilvl: int) -> None:
    """Numbering applied to the paragraph itself (Word's list buttons): w:numPr in its pPr."""
    ppr = paragraph._p.get_or_add_pPr()
    num = etree.fromstring(
        f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
    )
    style = ppr.find(qn("w:pStyle"))
    if style is not None:
        style.addnext(num)
    else:
        ppr.insert(0, num)


def retype(paragraph, text: str, *, bold: bool = False) -> None:
    """The paragraph's text replaced (in one run, bold as Word's Ctrl+B)."""
    for run in paragraph.runs:
        run._r.getparent().remove(run._r)
    paragraph.add_run(text).bold = bold or None


def without_number(text: str) -> str:
    return re.sub(r"^\d+(\.\d+)*\.\s*", "", text)


def write_under(paragraph, document, text: str, style: str = "Normal"):
    new = after(paragraph, document.styles[style])
    new.add_run(text)
    return new


# --- headings numbered by Word -------------------------------------------------------------


def number_headings_by_style(path, outline) -> None:
    """Part one's headings numbered the way Word's "1 / 1.1" multilevel list linked to the
    Heading 3 and Heading 4 styles does it: the numbering in the styles (w:numPr in styles.xml),
    the typed numbers removed from the text; text typed under 2.2, 3.3, 6.1, 6.3; a heading
    the outline does not have added after 2.5."""
    document = docx.Document(str(path))
    num_id = word_list(
        document, [("decimal", "%1."), ("decimal", "%1.%2.")], styles=("Heading3", "Heading4")
    )
    for ilvl, style in enumerate(("Heading 3", "Heading 4")):
        # Word leaves the level out for the list's first level: the list's w:pStyle says it
        level = f'<w:ilvl w:val="{ilvl}"/>' if ilvl else ""
        document.styles[style].element.get_or_add_pPr().append(
            etree.fromstring(f'<w:numPr xmlns:w="{W}">{level}<w:numId w:val="{num_id}"/></w:numPr>')
        )
    part_two = heading_paragraph(document, "Phần thứ hai")
    for paragraph in document.paragraphs:
        if paragraph._p is part_two._p:
            break
        if paragraph.style.name in ("Heading 3", "Heading 4"):
            retype(paragraph, without_number(paragraph.text))
    for sid, text in NUMBERED_TEXT.items():
        heading = next(
            p for p in document.paragraphs if p.text.startswith(without_number(_heading(sid)))
        )
        write_under(heading, document, text)
    unknown = after(heading_paragraph(document, "Kết quả triển khai"), document.styles["Heading 4"])
    unknown.add_run(UNKNOWN)
    write_under(unknown, document, UNKNOWN_TEXT)
    document.save(str(path))


def _heading(sid: str) -> str:
    return {
        "2.2": "2.2. Nâng cao chất lượng",
        "3.3": "3.3. Về công tác phản biện xã hội",
        "6.1": "6.1. Kết quả đạt được",
        "6.3": "6.3. Các kiến nghị, đề xuất",
    }[sid]


def test_headings_numbered_by_word_land_in_their_sections(tmp_path, outline):
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    number_headings_by_style(path, outline)
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert {sid: n.text for sid, n in source.narratives.items()} == NUMBERED_TEXT
    # the heading the outline lacks is named with the number Word shows before it
    shown = f"2.6. {UNKNOWN}"
    assert source.unmatched_headings == (shown,)
    assert [(o.anchor, o.text) for o in source.orphans] == [("2.5", UNKNOWN_TEXT)]
    assert any(f"Tiêu đề “{shown}” không có trong đề cương" in m for m in source.messages)
    assert len(source.draft_reasons) == 1 and f"“{shown}”" in source.draft_reasons[0]
    assert "dự thảo" in source.draft_reasons[0]
    # every other heading of the outline was found (part two's count on: "7.", "8.1. 1. …")
    assert not any("thiếu" in m for m in source.messages)


@pytest.mark.parametrize("list_style", [None, "DanhSachMuc"])
def test_a_heading_numbered_on_the_paragraph_with_a_numbering_value(tmp_path, outline, list_style):
    """6. and 6.1-6.3 numbered by a list applied to the paragraphs (w:numPr in their pPr) whose
    first level Word was told to start at 6 (the list made from a list style, or not); 6.3
    then set to Normal but kept in the list."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    document = docx.Document(str(path))
    levels = [("decimal", "%1."), ("decimal", "%1.%2.")]
    num_id = word_list(document, levels, start_at=6, list_style=list_style)
    for start, ilvl in (("6. ", 0), ("6.1.", 1), ("6.2.", 1), ("6.3.", 1)):
        paragraph = heading_paragraph(document, start)
        retype(paragraph, without_number(paragraph.text))
        numbered(paragraph, num_id, ilvl)
        if start == "6.3.":
            paragraph.style = document.styles["Normal"]  # a heading that lost its style
        if ilvl:
            write_under(paragraph, document, f"Nội dung mục {start.strip()}")
    document.save(str(path))
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    texts = {sid: n.text for sid, n in source.narratives.items()}
    assert texts == {
        "6.1": "Nội dung mục 6.1.",
        "6.2": "Nội dung mục 6.2.",
        "6.3": "Nội dung mục 6.3.",
    }
    assert "6" not in texts and not source.orphans and not source.draft_reasons
    # without the outline (the digests' view), the Normal paragraph is the list item it looks
    plain = nread.extract(path)
    assert any(b.kind == "text" and b.text.startswith("3. Các kiến nghị") for b in plain.blocks)


# --- headings that lost their Heading style ------------------------------------------------


TYPED_LETTER = "a) Tổ chức 4 hội nghị; (ii) lấy ý kiến."
LOST_STYLE_TEXT = {
    "2.2": "**Kết quả đạt được.** Có thêm 12 xã đạt chuẩn; giá \\*5\\* \\[x\\] \\#1.",
    "3.3": "Phản biện 4 dự thảo.\n\na\\) Tổ chức 4 hội nghị; (ii) lấy ý kiến.",
    "6.1": "**Một số kết quả nổi bật:**\n\nĐoàn kết tốt.",
}


def lose_heading_styles(path) -> None:
    """2.2 retyped as a bold Normal paragraph without its number (curly quotes, as in the
    outline); 3.3 a Normal paragraph with an outline level (Paragraph > Outline level: Level 4);
    6.1 a bold Normal paragraph in a numbered list. Under them: a bold first sentence of a real
    paragraph, a bold line that is no heading, Markdown signs."""
    document = docx.Document(str(path))
    normal = document.styles["Normal"]
    h22 = heading_paragraph(document, "2.2.")
    h22.style = normal
    retype(h22, without_number(h22.text), bold=True)
    lead = write_under(h22, document, "")
    lead.add_run("Kết quả đạt được.").bold = True
    lead.add_run(" Có thêm 12 xã đạt chuẩn; giá *5* [x] #1.")
    h33 = heading_paragraph(document, "3.3.")
    h33.style = normal
    h33._p.get_or_add_pPr().append(etree.fromstring(f'<w:outlineLvl xmlns:w="{W}" w:val="3"/>'))
    typed = write_under(h33, document, "Phản biện 4 dự thảo.")
    write_under(typed, document, TYPED_LETTER)  # "a)" typed, not a Word list
    h61 = heading_paragraph(document, "6.1.")
    h61.style = document.styles["List Paragraph"]
    retype(h61, "Kết quả đạt được", bold=True)
    numbered(h61, word_list(document, [("decimal", "%1.")]), 0)
    note = write_under(h61, document, "")
    note.add_run("Một số kết quả nổi bật:").bold = True
    write_under(note, document, "Đoàn kết tốt.")
    document.save(str(path))


def test_headings_that_lost_their_style(tmp_path, outline):
    """Each lost-style heading still heads its section; the bold first sentence and the bold
    line stay the writer's text, the Markdown signs are printed as typed."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    lose_heading_styles(path)
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert {sid: n.text for sid, n in source.narratives.items()} == LOST_STYLE_TEXT
    assert not source.orphans and not source.draft_reasons
    assert not any("thiếu" in m for m in source.messages)


def test_an_unmatched_outline_level_paragraph_makes_a_draft(tmp_path, outline):
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    document = docx.Document(str(path))
    odd = write_under(heading_paragraph(document, "3.3."), document, "Công tác dân vận khéo")
    odd._p.get_or_add_pPr().append(etree.fromstring(f'<w:outlineLvl xmlns:w="{W}" w:val="3"/>'))
    write_under(odd, document, "Đoạn dưới tiêu đề lạ.")
    document.save(str(path))
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert source.unmatched_headings == ("Công tác dân vận khéo",)
    assert "3.3" not in source.narratives
    assert "Công tác dân vận khéo" in source.draft_reasons[0]


def test_a_bold_numbered_line_the_outline_lacks_is_a_heading_said(tmp_path, outline):
    """A bold Normal paragraph numbered as a section ("2.6. …", typed) is a heading even when
    the outline lacks it: said, and its text not printed under 2.5. A bold line without a
    section number and a bold numbered list item stay text."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    document = docx.Document(str(path))
    anchor = write_under(heading_paragraph(document, "2.5."), document, "Đoạn của 2.5.")
    odd = write_under(anchor, document, "")
    odd.add_run(f"2.6. {UNKNOWN}").bold = True
    odd.add_run(":")  # the colon left plain
    anchor = write_under(odd, document, UNKNOWN_TEXT)
    item = write_under(anchor, document, "", "List Paragraph")
    item.add_run("Bước một").bold = True
    numbered(item, word_list(document, [("decimal", "%1.")]), 0)
    item = write_under(item, document, "", "List Paragraph")  # Word shows "1.1."
    item.add_run("Tuyên truyền miệng").bold = True
    numbered(item, word_list(document, [("decimal", "%1."), ("decimal", "%1.%2.")]), 1)
    document.save(str(path))
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert source.narratives["2.5"].text == "Đoạn của 2.5."
    assert source.unmatched_headings == (f"2.6. {UNKNOWN}:",)
    assert source.orphans[0].text == (
        f"{UNKNOWN_TEXT}\n\n1. **Bước một**\n    1. **Tuyên truyền miệng**"
    )
    assert source.draft_reasons


# --- lists ---------------------------------------------------------------------------------


LIST_TEXT = "- Ý một\n    - Ý con\n- Ý hai\n- Ý ba\n\nĐoạn giữa.\n\n1. Bước một\n2. Bước hai"


def start_lists_at_level_two(path) -> None:
    """Under 1.1: bullets whose first item is at Word's level 2 (w:ilvl=1) right under the
    heading, then a level 3 and a level 1 item; a paragraph; numbered items at level 2."""
    document = docx.Document(str(path))
    bullets = word_list(document, [("bullet", "\uf0b7"), ("bullet", "o"), ("bullet", "\uf0a7")])
    numbers = word_list(document, [("decimal", "%1."), ("lowerLetter", "%2)")])
    anchor = heading_paragraph(document, "1.1.")
    for text, num_id, ilvl in (
        ("Ý một", bullets, 1),
        ("Ý con", bullets, 2),
        ("Ý hai", bullets, 1),
        ("Ý ba", bullets, 0),
    ):
        anchor = write_under(anchor, document, text, "List Paragraph")
        numbered(anchor, num_id, ilvl)
    anchor = write_under(anchor, document, "Đoạn giữa.")
    for text in ("Bước một", "Bước hai"):
        anchor = write_under(anchor, document, text, "List Paragraph")
        numbered(anchor, numbers, 1)
    document.save(str(path))


def test_a_list_starting_at_level_two_is_a_list(tmp_path, outline):
    """A list, never a Markdown code block; deeper items nest one level at most."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    start_lists_at_level_two(path)
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert source.narratives["1.1"].text == LIST_TEXT


@requires_soffice
def test_numbered_headings_and_lists_read_the_same_once_libreoffice_saved_them(tmp_path, outline):
    """LibreOffice writes Word's numbering its own way when it saves the document again."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    start_lists_at_level_two(path)
    number_headings_by_style(path, outline)
    saved = soffice_convert(path, "docx:MS Word 2007 XML", tmp_path / "lo")
    saved.replace(path)
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert {sid: n.text for sid, n in source.narratives.items()} == {
        **NUMBERED_TEXT,
        "1.1": LIST_TEXT,
    }
    assert source.unmatched_headings == (f"2.6. {UNKNOWN}",)


# --- the report -----------------------------------------------------------------------------


def _section_of(paragraphs, start: str) -> list:
    """The paragraphs from the heading starting with `start` to the next heading."""
    at = next(
        k
        for k, p in enumerate(paragraphs)
        if p.style.name.startswith("Heading") and p.text.startswith(start)
    )
    out = []
    for paragraph in paragraphs[at + 1 :]:
        if paragraph.style.name.startswith("Heading"):
            break
        out.append(paragraph)
    return out


@pytest.mark.slow
def test_report_prints_each_heading_as_a_heading_with_its_text_under_it(tmp_path, outline):
    """A real report from a document whose headings lost their style, with lists starting at
    level 2 and a heading the outline lacks: read back with python-docx."""
    from test_render import write_processed

    from baocao.config.paths import ProjectPaths
    from baocao.pipeline import narrative_summary
    from baocao.report.compose.data import load_report_data
    from baocao.report.render import reports as render

    made = make_root(tmp_path)
    path = write_docx(made, outline)
    lose_heading_styles(path)
    start_lists_at_level_two(path)
    document = docx.Document(str(path))
    odd = write_under(heading_paragraph(document, "Khái quát bối cảnh"), document, UNKNOWN)
    odd._p.get_or_add_pPr().append(etree.fromstring(f'<w:outlineLvl xmlns:w="{W}" w:val="2"/>'))
    write_under(odd, document, UNKNOWN_TEXT)
    document.save(str(path))
    paths = ProjectPaths(made.root, made.raw, tmp_path / "processed", tmp_path / "out")
    write_processed(paths.processed)

    result = render.render_report(PERIOD, "internal", paths, tmp_path / "o", backend="builtin")
    paragraphs = docx.Document(str(result.outputs["docx"])).paragraphs
    assert not any("**" in p.text or p.style.name == "Source Code" for p in paragraphs)
    heading_22 = "Nâng cao chất lượng, hiệu quả cuộc vận động"
    assert [p.style.name[:7] for p in paragraphs if heading_22 in p.text] == ["Heading"]
    under = _section_of(paragraphs, "2.2.")
    lead = next(p for p in under if p.text.startswith("Kết quả đạt được."))
    assert lead.text == "Kết quả đạt được. Có thêm 12 xã đạt chuẩn; giá *5* [x] #1."
    assert [r.text for r in lead.runs if r.bold] == ["Kết quả đạt được."]
    under = {p.text: p for p in _section_of(paragraphs, "3.3.")}
    assert "Phản biện 4 dự thảo." in under
    assert under[TYPED_LETTER]._p.find(f".//{{{W}}}numPr") is None  # printed as typed
    under = [p for p in _section_of(paragraphs, "6.1.") if p.text]
    texts = [p.text for p in under]
    assert texts[-2:] == ["Một số kết quả nổi bật:", "Đoàn kết tốt."]
    assert [r.bold for r in under[-2].runs] == [True]
    items = {p.text: p for p in _section_of(paragraphs, "1.1.")}
    for item in ("Ý một", "Ý con", "Ý hai", "Ý ba", "Bước một", "Bước hai"):
        assert items[item]._p.find(f".//{{{W}}}numPr") is not None, item
    level = items["Ý con"]._p.find(f".//{{{W}}}ilvl").get(f"{{{W}}}val")
    assert level == "1" and items["Ý một"]._p.find(f".//{{{W}}}ilvl").get(f"{{{W}}}val") == "0"

    said = narrative_summary(paths, PERIOD, check_names=False)
    assert said["draft_reasons"] and UNKNOWN in said["draft_reasons"][0]
    assert any(UNKNOWN in m and "không có trong đề cương" in m for m in said["messages"])
    data = load_report_data(PERIOD, paths.processed, paths.root)
    assert len(data.draft.headings) == len(said["draft_reasons"])  # the same problems, short


def test_a_lost_heading_typed_otherwise_makes_a_draft_naming_where_its_text_went(tmp_path, outline):
    """6.2 set to Normal, bold, typed otherwise ("Hạn chế và yếu kém"): no heading of the
    outline, so its text is printed under 6.1; the run says so and the report is a draft."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    document = docx.Document(str(path))
    write_under(heading_paragraph(document, "6.1."), document, "Kết quả tốt.")
    h62 = heading_paragraph(document, "6.2.")
    h62.style = document.styles["Normal"]
    retype(h62, "Hạn chế và yếu kém", bold=True)
    write_under(h62, document, "Còn hạn chế.")
    document.save(str(path))
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert source.narratives["6.1"].text == "Kết quả tốt.\n\n**Hạn chế và yếu kém**\n\nCòn hạn chế."
    assert source.misplaced == (("6.2. Hạn chế, yếu kém", "6.1. Kết quả đạt được"),)
    assert len(source.draft_reasons) == 1
    assert "“6.2. Hạn chế, yếu kém”" in source.draft_reasons[0]
    assert "“6.1. Kết quả đạt được”" in source.draft_reasons[0]


# --- a bold line quoting a heading is the writer's text --------------------------------------


def test_a_bold_line_or_list_item_quoting_another_sections_heading_stays_where_it_is(
    tmp_path, outline
):
    """Under 6.3 (its headings styled): a bold line that is 6.1's heading by its words, then a
    numbered list of bold items that are 6.1's and 6.2's; under 1.1, a bold line that is 3.2's
    (further on) and one that is 1.1's own. None is a heading: each is printed where it stands,
    and the text after it stays in its section (it never moves to the quoted one)."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    document = docx.Document(str(path))
    write_under(heading_paragraph(document, "6.1."), document, "Kết quả tốt.")
    anchor = write_under(heading_paragraph(document, "6.3."), document, "Kiến nghị một.")
    anchor = write_under(anchor, document, "")
    anchor.add_run("Kết quả đạt được").bold = True
    anchor = write_under(anchor, document, "Đoạn sau dòng đậm.")
    numbers = word_list(document, [("decimal", "%1.")])
    for text in ("Kết quả đạt được", "Hạn chế, yếu kém"):
        anchor = write_under(anchor, document, "", "List Paragraph")
        anchor.add_run(text).bold = True
        numbered(anchor, numbers, 0)
    write_under(anchor, document, "Hết.")
    h11 = heading_paragraph(document, "1.1.")
    anchor = write_under(h11, document, "")
    anchor.add_run("Về hoạt động giám sát").bold = True
    again = write_under(h11, document, "")  # its own heading again, right under it: no text
    again.add_run(without_number(h11.text)).bold = True
    anchor = write_under(anchor, document, "Tuyên truyền về giám sát.")
    anchor = write_under(anchor, document, "")
    anchor.add_run("Công tác tuyên truyền, vận động các tầng lớp nhân dân").bold = True
    write_under(anchor, document, "Đoạn cuối.")
    document.save(str(path))
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert {sid: n.text for sid, n in source.narratives.items()} == {
        "1.1": "**Về hoạt động giám sát**\n\nTuyên truyền về giám sát.\n\n"
        "**Công tác tuyên truyền, vận động các tầng lớp nhân dân**\n\nĐoạn cuối.",
        "6.1": "Kết quả tốt.",
        "6.3": "Kiến nghị một.\n\n**Kết quả đạt được**\n\nĐoạn sau dòng đậm.\n\n"
        "1. **Kết quả đạt được**\n\n2. **Hạn chế, yếu kém**\n\nHết.",
    }
    assert not source.orphans and not source.draft_reasons
    assert [m for m in source.messages if "hơn một lần" in m] == [
        f"Tiêu đề mục “{h11.text}” có hơn một lần; nội dung dưới các lần đó được ghép vào mục này."
    ]


def restart_a_list(path) -> None:
    """Under 1.1: a numbered list A, B; a paragraph; the same list carried on (C, D: Word
    shows 3., 4.); right under it a list Word restarted at 1 (E, F: "Restart at 1")."""
    document = docx.Document(str(path))
    levels = [("decimal", "%1.")]
    first, restarted = word_list(document, levels), word_list(document, levels, start_at=1)
    anchor = heading_paragraph(document, "1.1.")
    for text, num_id in (("A", first), ("B", first), ("Giữa.", None)):
        anchor = write_under(anchor, document, text, "List Paragraph" if num_id else "Normal")
        if num_id:
            numbered(anchor, num_id, 0)
    for text, num_id in (("C", first), ("D", first), ("E", restarted), ("F", restarted)):
        anchor = write_under(anchor, document, text, "List Paragraph")
        numbered(anchor, num_id, 0)
    document.save(str(path))


RESTARTED = "1. A\n2. B\n\nGiữa.\n\n3. C\n4. D\n\n<!-- -->\n\n1. E\n2. F"


def test_a_list_word_restarted_right_after_another_is_a_new_list(tmp_path, outline):
    """Pandoc would number E and F 5 and 6 as the list's next items: an HTML comment (never
    printed) ends the first list, so they print 1. and 2. as Word shows them."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    restart_a_list(path)
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert source.narratives["1.1"].text == RESTARTED


def test_a_style_based_on_a_heading_set_to_body_text_is_body_text(tmp_path, outline):
    """A custom style based on Heading 2 whose own outline level is "Body Text" (level 9):
    its paragraphs are the writer's text; a custom style based on Heading 2 with nothing of
    its own is a heading."""
    from docx.enum.style import WD_STYLE_TYPE

    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    document = docx.Document(str(path))
    heading = document.styles.add_style("Tiêu đề riêng", WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = document.styles["Heading 2"]
    h22 = heading_paragraph(document, "2.2.")
    h22.style = heading
    write_under(h22, document, "Của 2.2.")
    body = document.styles.add_style("Đoạn nhấn", WD_STYLE_TYPE.PARAGRAPH)
    body.base_style = document.styles["Heading 2"]
    body.element.get_or_add_pPr().append(
        etree.fromstring(f'<w:outlineLvl xmlns:w="{W}" w:val="9"/>')
    )
    body.font.bold = False
    line = write_under(heading_paragraph(document, "2.3."), document, "Dòng nhấn mạnh", body.name)
    write_under(line, document, "Đoạn sau.")
    document.save(str(path))
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert {sid: n.text for sid, n in source.narratives.items()} == {
        "2.2": "Của 2.2.",
        "2.3": "Dòng nhấn mạnh\n\nĐoạn sau.",
    }
    assert not source.orphans and not source.draft_reasons


@pytest.mark.slow
def test_report_prints_quoted_headings_and_restarted_lists_where_they_stand(tmp_path, outline):
    """A real report (read back with python-docx): the bold line quoting 6.1's heading under
    6.3 is bold text of 6.3, never a heading, and the text after it stays in 6.3; the list Word
    restarted prints 1., 2. again (its own Word list)."""
    from test_render import write_processed

    from baocao.config.paths import ProjectPaths
    from baocao.report.render import reports as render

    made = make_root(tmp_path)
    path = write_docx(made, outline)
    restart_a_list(path)
    document = docx.Document(str(path))
    write_under(heading_paragraph(document, "6.1."), document, "Kết quả tốt.")
    anchor = write_under(heading_paragraph(document, "6.3."), document, "Kiến nghị một.")
    anchor = write_under(anchor, document, "")
    anchor.add_run("Kết quả đạt được").bold = True
    write_under(anchor, document, "Đoạn sau dòng đậm.")
    document.save(str(path))
    paths = ProjectPaths(made.root, made.raw, tmp_path / "processed", tmp_path / "out")
    write_processed(paths.processed)

    result = render.render_report(PERIOD, "internal", paths, tmp_path / "o", backend="builtin")
    paragraphs = docx.Document(str(result.outputs["docx"])).paragraphs
    assert [p.text for p in _section_of(paragraphs, "6.1.") if p.text] == ["Kết quả tốt."]
    under = [p for p in _section_of(paragraphs, "6.3.") if p.text]
    assert [p.text for p in under] == ["Kiến nghị một.", "Kết quả đạt được", "Đoạn sau dòng đậm."]
    assert not under[1].style.name.startswith("Heading") and under[1].runs[0].bold
    items = [p for p in _section_of(paragraphs, "1.1.") if p.text in "ABCDEF" and p.text]
    lists = [p._p.find(f".//{{{W}}}numId").get(f"{{{W}}}val") for p in items]
    assert [p.text for p in items] == list("ABCDEF")
    assert lists[2] == lists[3] != lists[4] == lists[5]  # E, F: a list of their own


@requires_soffice
def test_a_restarted_list_reads_the_same_once_libreoffice_saved_it(tmp_path, outline):
    """LibreOffice saves the restarted list as a numId restarting at 1 (E) and F under the
    first list's numId over the same list definition: Word counts F on from E (2.)."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    restart_a_list(path)
    soffice_convert(path, "docx:MS Word 2007 XML", tmp_path / "lo").replace(path)
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert source.narratives["1.1"].text == RESTARTED


def test_a_styled_sub_heading_with_another_sections_words_is_said_not_moved(tmp_path, outline):
    """A Heading 5 "Kết quả đạt được" under 6.3 (6.1 is before it) and a Heading 5 "Về hoạt
    động giám sát" under 1.1 (3.2, further on, has its own heading): the text under them never
    moves to 6.1 or 3.2; each is an unmatched heading, said truly, and the report a draft."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    document = docx.Document(str(path))
    write_under(heading_paragraph(document, "6.1."), document, "Kết quả tốt.")
    anchor = write_under(heading_paragraph(document, "6.3."), document, "Kiến nghị một.")
    sub = write_under(anchor, document, "Kết quả đạt được", "Heading 5")
    write_under(sub, document, "Sau tiểu mục.")
    anchor = write_under(heading_paragraph(document, "1.1."), document, "Một.")
    sub = write_under(anchor, document, "Về hoạt động giám sát", "Heading 5")
    write_under(sub, document, "Giám sát trong 1.1.")
    document.save(str(path))
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert {sid: n.text for sid, n in source.narratives.items()} == {
        "1.1": "Một.",
        "6.1": "Kết quả tốt.",
        "6.3": "Kiến nghị một.",
    }
    assert [(o.anchor, o.heading, o.text) for o in source.orphans] == [
        ("1.1", "Về hoạt động giám sát", "Giám sát trong 1.1."),
        ("6.3", "Kết quả đạt được", "Sau tiểu mục."),
    ]
    assert source.unmatched_headings == ("Về hoạt động giám sát", "Kết quả đạt được")
    assert len(source.draft_reasons) == 1
    said = next(m for m in source.messages if "“Kết quả đạt được” trùng chữ" in m)
    assert "“6.1. Kết quả đạt được”" in said and "(sau mục 6.3)" in said
    assert not any("hơn một lần" in m for m in source.messages)


def test_notes_whose_style_was_cleared_are_never_printed(tmp_path, outline):
    """The whole document set to Normal (Ctrl+A, Clear Formatting): the title, instructions
    and guidance lines are still the outline's notes, never the writer's text."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        if not paragraph.style.name.startswith("Heading"):
            paragraph.style = document.styles["Normal"]
    write_under(heading_paragraph(document, "2.2."), document, "Của 2.2.")
    document.save(str(path))
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert {sid: n.text for sid, n in source.narratives.items()} == {"2.2": "Của 2.2."}
    assert not source.orphans and not source.draft_reasons


def test_text_under_a_heading_that_takes_none_makes_a_draft(tmp_path, outline):
    """2.1's heading retyped as plain text unlike the outline: its text falls under "2." (a
    heading that takes no text) and is printed nowhere: the report to sign is a draft."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    document = docx.Document(str(path))
    h21 = heading_paragraph(document, "2.1.")
    h21.style = document.styles["Normal"]
    retype(h21, "Tiếp nhận ủng hộ phòng chống dịch")
    write_under(h21, document, "Của 2.1.")
    document.save(str(path))
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert "2.1" not in source.narratives
    assert [(o.anchor, o.reason) for o in source.orphans] == [("2", "heading_only")]
    assert len(source.draft_reasons) == 1
    assert "dự thảo" in source.draft_reasons[0] and "Của 2.1." in source.draft_reasons[0]


def test_a_heading_set_in_the_title_or_subtitle_style_is_a_heading(tmp_path, outline):
    """2.2 and 2.3 given Word's Title and Subtitle styles, their numbers left out: headings
    (by their words, in the outline's order), their text under them; a Subtitle line that is
    no heading stays text."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    document = docx.Document(str(path))
    for start, style in (("2.2.", "Title"), ("2.3.", "Subtitle")):
        heading = heading_paragraph(document, start)
        heading.style = document.styles[style]
        retype(heading, without_number(heading.text))
        write_under(heading, document, f"Của {start}")
    write_under(heading_paragraph(document, "2.4."), document, "Dòng phụ đề", "Subtitle")
    document.save(str(path))
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert {sid: n.text for sid, n in source.narratives.items()} == {
        "2.2": "Của 2.2.",
        "2.3": "Của 2.3.",
        "2.4": "*Dòng phụ đề*",
    }
    assert not source.orphans and not source.draft_reasons


NESTED = (
    "- Ý một\n    1. a\n    2. b\n- Ý hai\n    1. c\n    2. d\n\n1. X\n2. Y\n\n<!-- -->\n\n1. Z"
)


def test_numbered_lists_written_from_markdown_read_back_with_their_numbers(tmp_path, outline):
    """Each numbered list the document is written with restarts at its own level (Word counts
    a list definition's levels on across numIds): the second list nested under a bullet
    reads 1., 2. again, and a list ended by an HTML comment starts again at 1."""
    paths = make_root(tmp_path, {"1.1": NESTED})
    path = write_docx(paths, outline)
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert source.narratives["1.1"].text == NESTED.replace("d\n\n1. X", "d\n1. X")
