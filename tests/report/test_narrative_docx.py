"""The narrative as a Word document: written from the outline, edited as a writer and a reviewer
would (python-docx and raw OOXML as Word writes it, LibreOffice where installed), read back."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup
from docx.oxml.ns import qn
from lxml import etree

from baocao.config.outline import load_outline
from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period
from baocao.errors import BaocaoError
from baocao.intake.legacy_text import _TCVN3
from baocao.pipeline import narrative_digest
from baocao.report.compose.data import load_report_data
from baocao.report.compose.figures import build_figures
from baocao.report.compose.narrative_document import write_for_period
from baocao.report.compose.parts import build_report
from baocao.report.compose.sentences import figure_glossary, figure_names
from baocao.report.narrative import assign as nassign
from baocao.report.narrative import markdown as nv
from baocao.report.narrative import notes as nnotes
from baocao.report.narrative import read as nread
from baocao.report.narrative import runs as nruns
from baocao.report.narrative import source as nsource
from baocao.report.narrative import write as nwrite
from baocao.run.cache import changed, report_key_parts

PERIOD = "2021-H1"
P = Period.parse(PERIOD)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REVIEWER = "Phó Chủ tịch"
DATE = "2021-07-02T09:00:00Z"
requires_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="không có LibreOffice (soffice) trên máy (LibreOffice not installed)",
)

# What the writer and the reviewer do, and exactly what the report must then say.
KEPT_22 = "Toàn tỉnh vận động được {quy_vnn_van_dong}, vượt kế hoạch năm."
BOLD = "vượt kế hoạch năm"
INSERTED = "Nhiều mô hình mới được nhân rộng."
DELETED = "Câu này phó chủ tịch đã xóa."
COMMENT = "Đề nghị bổ sung số liệu so sánh"
BULLETS = ("Xây mới nhà Đại đoàn kết", "Sửa chữa nhà xuống cấp")
TABLE = (("Nội dung", "Kết quả"), ("Hội nghị", "12 cuộc"))
UNKNOWN_HEADING = "2.6. Công tác khác chưa có trong đề cương"
UNKNOWN_TEXT = "Đoạn viết dưới tiêu đề lạ vẫn phải được giữ lại."


@pytest.fixture(scope="module")
def outline(catalogue, project):
    return load_outline(project.config, catalogue)


def make_root(tmp: Path, narratives: dict[str, str] | None = None) -> ProjectPaths:
    """A project root of its own: the real configuration and report, and a narrative folder."""
    source = ProjectPaths.default()
    root = tmp / "root"
    shutil.copytree(source.config, root / "config")
    for path in [source.report_source, *source.root.glob("_quarto*.yml")]:
        shutil.copy(path, root / path.name)
    folder = root / "narrative" / PERIOD
    folder.mkdir(parents=True)
    for section, text in (narratives or {}).items():
        (folder / f"{section}.md").write_text(text, encoding="utf-8")
    return ProjectPaths(root=root, raw=tmp / "raw", processed=tmp / "processed", output=tmp / "out")


def write_docx(paths: ProjectPaths, outline, names=None) -> Path:
    folder = paths.root / "narrative" / PERIOD
    markdown = nv.read_narratives(folder, outline.text_ids(), paths.root)
    glossary = figure_glossary(load_catalogue_of(paths), outline, names)
    return nwrite.write_narrative_docx(
        folder / nsource.file_name(PERIOD), outline, P, markdown, glossary
    )


def load_catalogue_of(paths):
    from baocao.config.catalog import load_catalogue

    return load_catalogue(paths.config)


# --- editing as Word does ------------------------------------------------------------------


def _el(tag: str, **attrs) -> etree._Element:
    element = etree.Element(qn(tag))
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _run(text: str, tag: str = "w:t") -> etree._Element:
    run = _el("w:r")
    t = etree.SubElement(run, qn(tag))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def tracked_insertion(paragraph, text: str, rid: int) -> None:
    ins = _el("w:ins", id=str(rid), author=REVIEWER, date=DATE)
    ins.append(_run(text))
    paragraph._p.append(ins)


def tracked_deletion(paragraph, text: str, rid: int) -> None:
    deletion = _el("w:del", id=str(rid), author=REVIEWER, date=DATE)
    deletion.append(_run(text, "w:delText"))
    paragraph._p.append(deletion)


def heading_paragraph(document, start: str):
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading") and paragraph.text.startswith(start):
            return paragraph
    raise AssertionError(start)


def after(paragraph, style=None):
    """A new paragraph right after `paragraph` (python-docx only appends at the end)."""
    new = paragraph.insert_paragraph_before("")
    paragraph._p.addprevious(new._p)  # swap: new goes before, then move it after
    paragraph._p.addnext(new._p)
    if style is not None:
        new.style = style
    return new


def edit_as_writer_and_reviewer(path: Path) -> None:
    """Text in 2.2 with a bold phrase, a bullet list and a table; a tracked insertion and
    deletion and a comment by the reviewer; an unknown heading with text under it; Word's
    usual extras: a field, a bookmark, proofing marks, smart quotes, NBSP, NFD, TCVN3."""
    document = docx.Document(str(path))
    styles = document.styles
    heading = heading_paragraph(document, "2.2.")
    # the guidance notes under 2.2 are left in place (the report must not print them)
    text = after(heading, styles["Normal"])
    first, rest = KEPT_22.split(BOLD)
    text.add_run(first)
    text.add_run(BOLD).bold = True
    text.add_run(rest + " ")
    tracked_insertion(text, INSERTED, 901)
    tracked_deletion(text, " " + DELETED, 902)
    document.add_comment(text.runs[1], text=COMMENT, author=REVIEWER, initials="PCT")
    anchor = text
    for item in BULLETS:
        anchor = after(anchor, styles["List Bullet"])
        anchor.add_run(item)
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate(TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    anchor._p.addnext(table._tbl)

    # 6.1: Word's extras around plain words
    extras = after(heading_paragraph(document, "6.1."), styles["Normal"])
    extras._p.append(_el("w:bookmarkStart", id="0", name="_GoBack"))
    extras._p.append(_el("w:proofErr", type="spellStart"))
    extras.add_run("Kết quả\u00a0đạt được “rất tốt”, ")
    extras._p.append(_el("w:proofErr", type="spellEnd"))
    extras._p.append(_el("w:bookmarkEnd", id="0"))
    nfd = extras.add_run(unicodedata.normalize("NFD", "Thủy lợi được quan tâm; "))
    assert nfd.text != unicodedata.normalize("NFC", nfd.text)
    for piece, kind in (("", "begin"), (' DATE \\@ "dd/MM/yyyy" ', None), ("", "separate")):
        run = _el("w:r")
        if kind:
            run.append(_el("w:fldChar", fldCharType=kind))
        else:
            instr = etree.SubElement(run, qn("w:instrText"))
            instr.text = piece
        extras._p.append(run)
    extras._p.append(_run("ngày 05/07/2021"))
    end = _el("w:r")
    end.append(_el("w:fldChar", fldCharType="end"))
    extras._p.append(end)
    simple = _el("w:fldSimple", instr=" NUMPAGES ")
    simple.append(_run("; trang 3"))
    extras._p.append(simple)
    legacy = extras.add_run(tcvn3(" số cuộc tuyên truyền"))
    legacy.font.name = ".VnTime"

    # an unknown heading, and text under it, after 2.5
    unknown = after(heading_paragraph(document, "2.5."), styles["Heading 4"])
    unknown.add_run(UNKNOWN_HEADING)
    after(unknown, styles["Normal"]).add_run(UNKNOWN_TEXT)
    document.save(str(path))


def tcvn3(text: str) -> str:
    back = {v: k for k, v in _TCVN3.items()}
    return "".join(back.get(c, c) for c in text)


EXPECTED_22 = (
    "Toàn tỉnh vận động được {quy_vnn_van_dong}, **vượt kế hoạch năm**. "
    + INSERTED
    + "\n\n- "
    + BULLETS[0]
    + "\n- "
    + BULLETS[1]
    + "\n\n| Nội dung | Kết quả |\n|---|---|\n| Hội nghị | 12 cuộc |"
)
EXPECTED_61 = (
    "Kết quả đạt được “rất tốt”, Thủy lợi được quan tâm; ngày 05/07/2021; trang 3 số cuộc "
    "tuyên truyền"
)


@pytest.fixture(scope="module")
def edited(tmp_path_factory, outline):
    """A root whose narrative is the Word document, written then edited."""
    paths = make_root(tmp_path_factory.mktemp("edited"), {"2.1": "Đoạn **có sẵn** của mục 2.1."})
    path = write_docx(paths, outline, {"quy_vnn_van_dong": "13,55 tỷ đồng"})
    (paths.root / "narrative" / PERIOD / "2.1.md").unlink()  # the writers moved to Word
    edit_as_writer_and_reviewer(path)
    return paths, path


# --- the written document ------------------------------------------------------------------


def test_written_document_holds_outline_text_guidance_and_figures(tmp_path, outline):
    paths = make_root(tmp_path, {"2.2": "Vận động được {quy_vnn_van_dong} (**tăng**)."})
    path = write_docx(paths, outline, {"quy_vnn_van_dong": "13,55 tỷ đồng"})
    assert path.name == "noi-dung-viet-2021-H1.docx"
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    expected = []
    for part in outline.parts:
        expected += [part.heading, part.title.replace("{KY_BAO_CAO}", "6 THÁNG ĐẦU NĂM 2021")]
        for section in part.sections:
            expected.append(section.heading.replace("{ky_toi}", "6 tháng cuối năm 2021"))
            expected += [i.heading for i in section.internal]  # with the analyst's note
    expected = [e.replace("{KY_TOI}", "6 THÁNG CUỐI NĂM 2021") for e in expected]
    assert headings == [*expected, nread.GLOSSARY_HEADING]
    texts = [(p.style.name, p.text) for p in document.paragraphs]
    at = texts.index(("Heading 4", heading_paragraph(document, "2.2.").text))
    assert texts[at + 1] == ("Normal", "Vận động được {quy_vnn_van_dong} (tăng).")
    assert [r.bold for r in document.paragraphs[at + 1].runs if r.text == "tăng"] == [True]
    at = texts.index(("Heading 4", heading_paragraph(document, "2.3.").text))
    assert texts[at + 1][0] == nnotes.NOTE_STYLE
    assert texts[at + 1][1].startswith("Hướng dẫn: Tham mưu cho cấp ủy")
    rows = {tuple(c.text for c in r.cells) for r in document.tables[-1].rows}
    assert (
        "{quy_vnn_van_dong}",
        "Quỹ “Vì người nghèo” vận động được: tổng cộng của kỳ",
        "13,55 tỷ đồng",
    ) in rows
    assert ("{ky_bao_cao}", "Kỳ báo cáo", "chưa có (chưa xử lý số liệu của kỳ)") in rows


def test_glossary_lists_exactly_the_names_a_narrative_may_use(outline, catalogue, units_2021):
    import pandas as pd

    rows = [
        {"unit_code": u.code, "indicator_code": c, "value": 5, "reported": True, "included": True}
        for u in units_2021
        for c in catalogue.codes
    ]
    status = pd.DataFrame(
        [{"unit_code": u.code, "unit_name": u.name, "state": "hợp lệ"} for u in units_2021]
    )
    figures = build_figures(pd.DataFrame(rows), status, catalogue, units_2021, outline)
    names = figure_names(figures, P)
    glossary = figure_glossary(catalogue, outline, names)
    assert [name for name, _, _ in glossary] == list(names)
    assert all(value == names[name] for name, _, value in glossary)


def test_shipped_narratives_round_trip_through_word(tmp_path, outline, project):
    folder = project.root / "narrative" / PERIOD
    markdown = nv.read_narratives(folder, outline.text_ids(), project.root)
    path = nwrite.write_narrative_docx(tmp_path / "n.docx", outline, P, markdown, [])
    read = nassign.assign(nread.extract(path), outline, P, "n.docx")
    assert read.orphans == () and read.warnings == ()
    assert read.sections == {sid: n.text.strip() for sid, n in markdown.items()}


# --- reading an edited document ------------------------------------------------------------


def test_review_reads_as_if_every_change_were_accepted(edited, outline):
    paths, path = edited
    extracted = nread.extract(path)
    assert extracted.pending == 2 and extracted.comments == 1
    read = nassign.assign(extracted, outline, P, path.name)
    assert read.sections["2.2"] == EXPECTED_22
    assert read.sections["6.1"] == EXPECTED_61
    everything = "\n".join(b.text for b in extracted.blocks)
    assert DELETED not in everything and COMMENT not in everything
    assert "DATE" not in everything and "NUMPAGES" not in everything
    assert read.sections["2.1"] == "Đoạn **có sẵn** của mục 2.1."  # from its Markdown file
    assert "2.3" not in read.sections  # only guidance there: nothing to print
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert source.source == "docx" and source.pending == 2
    assert any("còn 2 thay đổi" in m for m in source.messages)


def test_unknown_heading_is_reported_and_its_text_kept(edited, outline):
    paths, path = edited
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    assert [(o.anchor, o.heading, o.text) for o in source.orphans] == [
        ("2.5", UNKNOWN_HEADING, UNKNOWN_TEXT)
    ]
    said = [m for m in source.messages if UNKNOWN_HEADING in m]
    assert len(said) == 1 and "không có trong đề cương" in said[0] and UNKNOWN_TEXT[:30] in said[0]


@pytest.mark.parametrize(
    ("typed", "section"),
    [
        (
            "II. NÂNG CAO CHẤT LƯỢNG, HIỆU QUẢ CUỘC VẬN ĐỘNG “TOÀN DÂN ĐOÀN KẾT XÂY DỰNG NÔNG THÔN "
            "MỚI, ĐÔ THỊ VĂN MINH”",
            "2.2",
        ),
        ("a) Về hoạt động giám sát", "3.2"),
        ("3.3 về công tác phản biện xã hội:", "3.3"),
        (unicodedata.normalize("NFD", "Kết quả đạt được"), "6.1"),
        ("6.3. Các kiến nghị, đề xuất", "6.3"),
        ("Khái quát bối cảnh của địa phương", "boi-canh"),
        ("4. Nội dung chương trình 4", "4"),  # a document written before the outline named it
        (
            "4. Chương trình 4: Tăng cường đoàn kết quốc tế, mở rộng hoạt động đối ngoại Nhân dân",
            "4",
        ),
        ("4. Tăng cường đoàn kết quốc tế, mở rộng hoạt động đối ngoại Nhân dân", "nhiem-vu-4"),
    ],
)
def test_headings_match_whatever_their_numbering_case_and_tones(outline, typed, section):
    blocks = (
        nread.Block("heading", typed, typed, 4),
        nread.Block("text", "Nội dung.", "Nội dung."),
    )
    read = nassign.assign(nread.Extracted(blocks, 0, (), None), outline, P, "x.docx")
    assert read.sections == {section: "Nội dung."}
    assert nassign.heading_key("Hoà giải Thuỵ") == nassign.heading_key("Hòa giải Thụy")


def test_markdown_signs_typed_in_word_are_printed_as_typed():
    chars = [(c, frozenset()) for c in "1. Giá <b>5*3</b> #1 [x] $2 {quy_vnn_van_dong} {{a}}"]
    text = nruns.inline_markdown(chars)
    assert text == ("1\\. Giá \\<b\\>5\\*3\\</b\\> \\#1 \\[x\\] \\$2 {quy_vnn_van_dong} {{a}}")
    bold = [
        (c, frozenset({"b"}) if 4 <= i < 8 else frozenset()) for i, c in enumerate("Rất tốt lắm")
    ]
    assert nruns.inline_markdown(bold) == "Rất **tốt** lắm"  # the bold space stays outside


def test_unknown_figure_name_names_the_section_and_the_word(tmp_path, outline):
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    document = docx.Document(str(path))
    after(heading_paragraph(document, "3.2."), document.styles["Normal"]).add_run(
        "Chủ trì {gs_chu_tr} cuộc giám sát."
    )
    document.save(str(path))
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    names = [name for name, _, _ in figure_glossary(load_catalogue_of(paths), outline)]
    with pytest.raises(BaocaoError) as caught:
        nv.check_narratives(source.narratives, names)
    message = str(caught.value)
    assert message.startswith(
        "Tài liệu Word narrative/2021-H1/noi-dung-viet-2021-H1.docx, "
        "mục “3.2. Về hoạt động giám sát”, đoạn “Chủ trì {gs_chu_tr} cuộc giám sát.”: "
        "không có số liệu tên “{gs_chu_tr}”. Có phải là: {gs_chu_tri}?"
    )
    # The writer works in Word: the names are in the table at the end of the document.
    assert f"bảng “{nread.GLOSSARY_HEADING}” ở cuối tài liệu Word" in message
    assert f"cột “{nwrite.HEADER[0]}”" in message
    assert "README" not in message and "dòng" not in message


@pytest.mark.parametrize("typed", ["khong_co_ten", "unknown_name", "tong_tien"])
def test_an_unknown_name_suggests_only_names_it_is_a_typo_of(tmp_path, outline, typed):
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    document = docx.Document(str(path))
    after(heading_paragraph(document, "1.1."), document.styles["Normal"]).add_run(
        f"Toàn tỉnh tổ chức {{{typed}}} cuộc."
    )
    document.save(str(path))
    source = nsource.load_narratives(path.parent, outline, P, paths.root)
    names = [name for name, _, _ in figure_glossary(load_catalogue_of(paths), outline)]
    with pytest.raises(BaocaoError) as caught:
        nv.check_narratives(source.narratives, names)
    message = str(caught.value)
    assert "mục “1.1. Công tác tuyên truyền, vận động các tầng lớp nhân dân”" in message
    assert f"“{{{typed}}}”" in message
    assert "Có phải là" not in message


# --- Word and Markdown side by side --------------------------------------------------------


def test_both_edited_is_refused_naming_the_sections(tmp_path, outline):
    paths = make_root(tmp_path, {"2.2": "Bản Markdown."})
    path = write_docx(paths, outline)
    document = docx.Document(str(path))
    after(heading_paragraph(document, "3.1."), document.styles["Normal"]).add_run(
        "Viết trong Word."
    )
    document.save(str(path))
    folder = path.parent
    assert nsource.load_narratives(folder, outline, P, paths.root).narratives["3.1"].kind == "docx"
    (folder / "2.2.md").write_text("Bản Markdown đã sửa.", encoding="utf-8")
    with pytest.raises(BaocaoError) as caught:
        nsource.load_narratives(folder, outline, P, paths.root)
    message = str(caught.value)
    assert "trong Word sửa mục 3.1" in message and "trong Markdown sửa mục 2.2 (2.2.md)" in message
    # `baocao narrative` on an edited document refreshes the figures table only
    before = nread.extract(path)
    written, notes = write_for_period(paths, PERIOD)
    assert written == path and "chỉ cập nhật bảng tên số liệu" in notes[-1]
    after_refresh = nread.extract(path)
    assert after_refresh.record == before.record
    assert [b for b in after_refresh.blocks if b.kind != "table"] == [
        b for b in before.blocks if b.kind != "table"
    ]
    document = docx.Document(str(path))
    glossary = heading_paragraph(document, nread.GLOSSARY_HEADING[:10])
    glossary._p.getparent().remove(glossary._p)  # the writers removed it: nothing to refresh
    document.save(str(path))
    with pytest.raises(BaocaoError, match="không ghi đè"):
        write_for_period(paths, PERIOD)


def test_markdown_edited_after_an_untouched_document_is_used(tmp_path, outline):
    paths = make_root(tmp_path, {"2.2": "Bản đầu."})
    path = write_docx(paths, outline)
    folder = path.parent
    source = nsource.load_narratives(folder, outline, P, paths.root)
    assert source.source == "docx" and source.narratives["2.2"].text == "Bản đầu."
    (folder / "2.2.md").write_text("Bản sửa trong Markdown.", encoding="utf-8")
    source = nsource.load_narratives(folder, outline, P, paths.root)
    assert (
        source.source == "markdown" and source.narratives["2.2"].text == "Bản sửa trong Markdown."
    )
    assert "baocao narrative --period 2021-H1" in source.messages[0]
    written, notes = write_for_period(paths, PERIOD)  # untouched: refreshed from Markdown
    assert written == path and any("chưa ai sửa" in n for n in notes)
    assert nsource.load_narratives(folder, outline, P, paths.root).source == "docx"


def test_a_wrongly_named_word_file_is_not_silently_ignored(tmp_path, outline):
    paths = make_root(tmp_path)
    folder = paths.root / "narrative" / PERIOD
    write_docx(paths, outline)
    (folder / "~$i-dung-viet-2021-H1.docx").write_bytes(b"Word's lock file")
    assert nsource.load_narratives(folder, outline, P, paths.root).source == "docx"
    shutil.copy(folder / nsource.file_name(PERIOD), folder / "noi-dung-viet-2021-H1 (1).docx")
    with pytest.raises(BaocaoError, match=r"phải mang đúng tên noi-dung-viet-2021-H1\.docx"):
        nsource.load_narratives(folder, outline, P, paths.root)


# --- the report's cache key ----------------------------------------------------------------


def resave_as_word_does(path: Path) -> None:
    """Saved again without a change: new dates, revision ids, a _GoBack bookmark, new zip."""
    document = docx.Document(str(path))
    document.core_properties.revision = 7
    document.core_properties.last_modified_by = "Nguyễn Văn A"
    first = document.paragraphs[1]._p
    first.set(qn("w:rsidR"), "00A1B2C3")
    first.insert(0, _el("w:bookmarkStart", id="99", name="_GoBack"))
    first.append(_el("w:bookmarkEnd", id="99"))
    document.save(str(path))


def test_resaving_without_a_change_keeps_the_report_key(edited, tmp_path):
    paths, path = edited
    copy_root = tmp_path / "copy"
    shutil.copytree(paths.root, copy_root)
    paths = ProjectPaths(copy_root, paths.raw, tmp_path / "p", tmp_path / "o")
    path = copy_root / "narrative" / PERIOD / path.name
    before = path.read_bytes()
    key = report_key_parts(
        paths, PERIOD, "2020-H1", "internal", "builtin", narrative=narrative_digest(paths, PERIOD)
    )
    resave_as_word_does(path)
    assert path.read_bytes() != before
    assert (
        report_key_parts(
            paths,
            PERIOD,
            "2020-H1",
            "internal",
            "builtin",
            narrative=narrative_digest(paths, PERIOD),
        )
        == key
    )
    document = docx.Document(str(path))
    heading_paragraph(document, "6.2.")  # still there
    after(heading_paragraph(document, "6.2."), document.styles["Normal"]).add_run("Một câu mới.")
    document.save(str(path))
    again = report_key_parts(
        paths, PERIOD, "2020-H1", "internal", "builtin", narrative=narrative_digest(paths, PERIOD)
    )
    assert changed(key, again) == [
        "phần viết của chuyên viên (tài liệu Word hoặc tệp Markdown trong narrative/) đã thay đổi"
    ]


# --- LibreOffice ---------------------------------------------------------------------------


def soffice_convert(source: Path, target_format: str, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{out / 'profile'}",
            "--headless",
            "--convert-to",
            target_format,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / f"{source.stem}.{target_format.split(':')[0]}"


@requires_soffice
def test_a_document_saved_by_libreoffice_reads_the_same(edited, outline, tmp_path):
    _, path = edited
    saved = soffice_convert(path, "docx:MS Word 2007 XML", tmp_path / "lo")
    extracted = nread.extract(saved)
    read = nassign.assign(extracted, outline, P, saved.name)
    assert read.sections["2.2"] == EXPECTED_22
    # LibreOffice computes DATE and NUMPAGES again when it opens the document: the report takes
    # whatever result the field shows, never its instruction.
    head, tail = EXPECTED_61.split(" ngày 05/07/2021; trang 3 ")
    assert read.sections["6.1"].startswith(head + " ")
    assert read.sections["6.1"].endswith(" " + tail)
    assert "DATE" not in read.sections["6.1"] and "NUMPAGES" not in read.sections["6.1"]
    assert extracted.pending >= 2
    assert [o.heading for o in read.orphans] == [UNKNOWN_HEADING]


ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ODF_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
ODF_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
DC = "http://purl.org/dc/elements/1.1/"


def _odf(ns: str, tag: str, **attrs) -> etree._Element:
    element = etree.Element(f"{{{ns}}}{tag}")
    for key, value in attrs.items():
        prefix, _, name = key.partition("_")
        space = {"text": ODF_TEXT, "style": ODF_STYLE, "fo": ODF_FO}[prefix]
        element.set(f"{{{space}}}{name.replace('_', '-')}", value)
    return element


@requires_soffice
def test_a_document_edited_in_libreoffice_reads_as_accepted(tmp_path, outline):
    """Written by baocao, opened in LibreOffice (as ODF), edited there with its own list style,
    bold, a tracked insertion and deletion and a comment, saved back to DOCX by LibreOffice."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    odt = soffice_convert(path, "odt", tmp_path / "odt")
    with zipfile.ZipFile(odt) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    content = etree.fromstring(parts["content.xml"])
    automatic = content.find(f"{{{ODF_OFFICE}}}automatic-styles")
    bold = _odf(ODF_STYLE, "style", style_name="Tdam", style_family="text")
    bold.append(_odf(ODF_STYLE, "text-properties", fo_font_weight="bold"))
    automatic.append(bold)
    bullets = _odf(ODF_TEXT, "list-style", style_name="Lgach")
    bullets.append(_odf(ODF_TEXT, "list-level-style-bullet", text_level="1", text_bullet_char="•"))
    automatic.append(bullets)
    office_text = content.find(f"{{{ODF_OFFICE}}}body/{{{ODF_OFFICE}}}text")
    changes = _odf(ODF_TEXT, "tracked-changes")
    for cid, kind in (("ct1", "insertion"), ("ct2", "deletion")):
        region = _odf(ODF_TEXT, "changed-region", text_id=cid)
        change = etree.SubElement(region, f"{{{ODF_TEXT}}}{kind}")
        info = etree.SubElement(change, f"{{{ODF_OFFICE}}}change-info")
        etree.SubElement(info, f"{{{DC}}}creator").text = REVIEWER
        etree.SubElement(info, f"{{{DC}}}date").text = "2021-07-02T09:00:00"
        if kind == "deletion":
            etree.SubElement(change, f"{{{ODF_TEXT}}}p").text = DELETED
        changes.append(region)
    office_text.insert(0, changes)
    heading = next(
        h for h in office_text.iter(f"{{{ODF_TEXT}}}h") if "".join(h.itertext()).startswith("6.2.")
    )
    paragraph = _odf(ODF_TEXT, "p")
    paragraph.text = "Còn "
    span = _odf(ODF_TEXT, "span", text_style_name="Tdam")
    span.text = "chậm"
    span.tail = " ở một số nơi. "
    paragraph.append(span)
    paragraph.append(_odf(ODF_TEXT, "change-start", text_change_id="ct1"))
    paragraph[-1].tail = INSERTED
    paragraph.append(_odf(ODF_TEXT, "change-end", text_change_id="ct1"))
    paragraph.append(_odf(ODF_TEXT, "change", text_change_id="ct2"))
    note = etree.SubElement(paragraph, f"{{{ODF_OFFICE}}}annotation")
    etree.SubElement(note, f"{{{DC}}}creator").text = REVIEWER
    etree.SubElement(note, f"{{{ODF_TEXT}}}p").text = COMMENT
    listing = _odf(ODF_TEXT, "list", text_style_name="Lgach")
    for item in BULLETS:
        entry = etree.SubElement(listing, f"{{{ODF_TEXT}}}list-item")
        etree.SubElement(entry, f"{{{ODF_TEXT}}}p").text = item
    heading.addnext(paragraph)
    paragraph.addnext(listing)
    parts["content.xml"] = etree.tostring(content, xml_declaration=True, encoding="UTF-8")
    edited_odt = tmp_path / "edited" / "sua.odt"
    edited_odt.parent.mkdir()
    with zipfile.ZipFile(edited_odt, "w") as archive:
        archive.writestr("mimetype", parts.pop("mimetype"), compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    saved = soffice_convert(edited_odt, "docx:MS Word 2007 XML", tmp_path / "back")
    extracted = nread.extract(saved)
    read = nassign.assign(extracted, outline, P, saved.name)
    assert read.sections["6.2"] == (
        f"Còn **chậm** ở một số nơi. {INSERTED}\n\n- {BULLETS[0]}\n- {BULLETS[1]}"
    )
    assert extracted.pending >= 2 and extracted.comments == 1
    assert read.orphans == () and read.warnings == ()  # every heading and note recognised


# --- the report, end to end ----------------------------------------------------------------


@pytest.mark.slow
def test_report_prints_exactly_the_accepted_text(edited, tmp_path):
    from test_render import write_processed

    from baocao.report.render import reports as render

    paths, _ = edited
    paths = ProjectPaths(paths.root, paths.raw, tmp_path / "processed", tmp_path / "out")
    write_processed(paths.processed)
    out = tmp_path / "o"
    both = render.render_reports(PERIOD, ("official", "internal"), paths, out, backend="builtin")
    internal = replace(both, files={"internal": both.files["internal"]})
    # The leaders' changes are still pending (and sections are empty): the document to sign is
    # a draft, marked so, and no public page is published from it — the sentence a leader
    # inserted as a pending tracked change never reaches the public (issue 20).
    signed = [p.text for p in docx.Document(str(both.files["official"]["docx"])).paragraphs]
    assert signed[0] == "DỰ THẢO"
    assert any("thay đổi (Track Changes) chưa được chấp nhận" in line for line in signed[1:6])
    with pytest.raises(BaocaoError, match="còn là dự thảo"):
        render.render_report(PERIOD, "public", paths, out, backend="builtin")
    assert not (out / f"bao-cao-{PERIOD}-cong-khai.html").exists()
    names = build_report(load_report_data(PERIOD, paths.processed, paths.root)).names
    money = names["quy_vnn_van_dong"]
    document = docx.Document(str(internal.outputs["docx"]))
    paragraphs = [p.text for p in document.paragraphs]
    sentence = f"Toàn tỉnh vận động được {money}, vượt kế hoạch năm. {INSERTED}"
    assert sentence in paragraphs
    bold = [r.text for p in document.paragraphs if p.text == sentence for r in p.runs if r.bold]
    assert bold == [BOLD]
    assert BULLETS[0] in paragraphs and BULLETS[1] in paragraphs
    bullet = document.paragraphs[paragraphs.index(BULLETS[0])]
    assert bullet._p.find(f".//{{{W}}}numPr") is not None
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert [list(r) for r in TABLE] == [c for c in cells if c and c[0] in ("Nội dung", "Hội nghị")]
    assert EXPECTED_61 in paragraphs
    docx_text = "\n".join(paragraphs) + "\n".join(c for row in cells for c in row)
    # 2.2's guidance was left in the Word document under the text: it is never printed. (The
    # internal draft keeps its own placeholder for sections nobody wrote, e.g. 2.3.)
    guidance_22 = "Kết quả hoạt động giám sát trong xây dựng nông thôn mới"
    forbidden = (DELETED, COMMENT, nnotes.GUIDANCE_PREFIX.strip(), guidance_22, "{", "DATE")
    for word in forbidden:
        assert word not in docx_text, word
    assert UNKNOWN_TEXT in docx_text  # internal draft: kept, marked

    for result, internal_page in ((internal, True),):
        soup = BeautifulSoup(result.outputs["html"].read_text(encoding="utf-8"), "html.parser")
        text = soup.get_text(" ")
        assert sentence in [" ".join(p.get_text().split()) for p in soup.find_all("p")]
        strong = [" ".join(s.get_text().split()) for s in soup.find_all("strong")]
        assert strong.count(BOLD) == 1
        items = [" ".join(li.get_text().split()) for li in soup.find_all("li")]
        assert BULLETS[0] in items and BULLETS[1] in items
        assert any(
            [td.get_text(strip=True) for td in tr.find_all(["td", "th"])] == ["Hội nghị", "12 cuộc"]
            for tr in soup.find_all("tr")
        )
        for word in forbidden:
            assert word not in text, word
        assert (UNKNOWN_TEXT in text) is internal_page
        assert ("Tham mưu cho cấp ủy" in text) is internal_page  # placeholder: internal only


def test_narrative_command_writes_the_document_with_this_periods_figures(tmp_path, outline):
    import os
    import sys

    from test_render import write_processed

    paths = make_root(tmp_path, {"1.1": "Đã viết trong Markdown."})
    write_processed(paths.processed)
    env = {
        **os.environ,
        "BAOCAO_ROOT": str(paths.root),
        "BAOCAO_PROCESSED_DIR": str(paths.processed),
        "BAOCAO_OUTPUT_DIR": str(paths.output),
        "COLUMNS": "300",
    }
    command = [sys.executable, "-m", "baocao", "narrative", "--period", PERIOD]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    path = paths.root / "narrative" / PERIOD / nsource.file_name(PERIOD)
    assert str(path) in " ".join(done.stdout.split())
    names = build_report(load_report_data(PERIOD, paths.processed, paths.root)).names
    rows = {r.cells[0].text: r.cells[2].text for r in docx.Document(str(path)).tables[-1].rows}
    assert rows["{quy_vnn_van_dong}"] == names["quy_vnn_van_dong"] != ""
    assert rows["{don_vi_chua_nop}"] == names["don_vi_chua_nop"]

    document = docx.Document(str(path))
    written = after(heading_paragraph(document, "1.2."), document.styles["Normal"])
    written.add_run("Viết thêm. ")
    tracked_insertion(written, "Câu chờ duyệt.", 990)
    document.add_comment(written.runs[0], text=COMMENT, author=REVIEWER, initials="PCT")
    document.save(str(path))
    before = nread.extract(path)
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "không ghi đè" in " ".join(again.stdout.split())
    kept = nread.extract(path)
    assert (kept.pending, kept.comments) == (1, 1)
    assert kept.blocks == before.blocks  # the same table values: nothing else touched


def test_lists_deleted_paragraphs_and_retyped_headings(tmp_path, outline):
    """Word's numbered and nested lists; a paragraph deleted whole with Track Changes (its mark
    too) disappears; a heading retyped in the Normal style with its number still counts."""
    paths = make_root(tmp_path)
    path = write_docx(paths, outline)
    document = docx.Document(str(path))
    styles = document.styles
    anchor = after(heading_paragraph(document, "3.3."), styles["Normal"])
    anchor.add_run("Đoạn A.")
    for text, style in (
        ("Bước một", "List Number"),
        ("Ý phụ", "List Bullet 2"),
        ("Bước hai", "List Number"),
    ):
        anchor = after(anchor, styles[style])
        anchor.add_run(text)
    gone = after(anchor, styles["Normal"])
    tracked_deletion(gone, "Đoạn bị xóa cả dấu xuống dòng.", 801)
    gone._p.get_or_add_pPr().append(
        etree.fromstring(
            f'<w:rPr xmlns:w="{W}"><w:del w:id="802" w:author="A" w:date="{DATE}"/></w:rPr>'
        )
    )
    after(gone, styles["Normal"]).add_run("Đoạn B.")
    retyped = document.add_paragraph("6.3. CÁC KIẾN NGHỊ, ĐỀ XUẤT", style=styles["Normal"])
    document.add_paragraph("Kiến nghị tăng kinh phí.", style=styles["Normal"])
    # the glossary must stay last for this test: move both before the glossary heading
    glossary = heading_paragraph(document, nread.GLOSSARY_HEADING[:10])
    glossary._p.addprevious(retyped._p)
    glossary._p.addprevious(document.paragraphs[-1]._p)
    document.save(str(path))
    read = nassign.assign(nread.extract(path), outline, P, path.name)
    assert read.sections["3.3"] == "Đoạn A.\n\n1. Bước một\n    - Ý phụ\n2. Bước hai\n\nĐoạn B."
    assert read.sections["6.3"] == "Kiến nghị tăng kinh phí."


def test_an_edited_guidance_note_is_text_not_lost(outline):
    typed = "Hướng dẫn đã được sửa thành một câu của người viết."
    blocks = (
        nread.Block("heading", "3.2. Về hoạt động giám sát", "", 4),
        nread.Block("note", "Hướng dẫn: Hoạt động giám sát, trong đó có kết quả giám sát", ""),
        nread.Block("note", typed, typed),
    )
    read = nassign.assign(nread.Extracted(blocks, 0, (), None), outline, P, "x.docx")
    assert read.sections == {"3.2": typed}
    assert any(typed[:40] in w and "Normal" in w for w in read.warnings)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"not a zip at all", "bị hỏng hoặc không phải tệp .docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "đặt mật khẩu"),
    ],
)
def test_a_damaged_or_protected_document_is_named(tmp_path, outline, data, words):
    folder = tmp_path / "narrative" / PERIOD
    folder.mkdir(parents=True)
    (folder / nsource.file_name(PERIOD)).write_bytes(data)
    with pytest.raises(BaocaoError, match=words) as caught:
        nsource.load_narratives(folder, outline, P, tmp_path)
    assert f"narrative/{PERIOD}/{nsource.file_name(PERIOD)}" in str(caught.value)
    assert nsource.content_digest(folder / nsource.file_name(PERIOD))  # the cache key still has one


@requires_soffice
def test_a_document_saved_again_by_libreoffice_keeps_its_content_key(tmp_path, outline):
    paths = make_root(tmp_path, {"2.2": "Có **đậm**, *nghiêng*.\n\n- một\n- hai"})
    path = write_docx(paths, outline)
    saved = soffice_convert(path, "docx:MS Word 2007 XML", tmp_path / "lo")
    assert saved.read_bytes() != path.read_bytes()
    assert nsource.content_digest(saved) == nsource.content_digest(path)
    assert not nread.extract(saved).edited_since_written()


def test_superscript_and_legacy_fonts():
    sup = [(c, frozenset({"sup"}) if i == 5 else frozenset()) for i, c in enumerate("120 m2 đất")]
    assert nruns.inline_markdown(sup) == "120 m^2^ đất"
    assert nruns._legacy(tcvn3("tuyên truyền"), ".VnTime") == "tuyên truyền"
    assert nruns._legacy(tcvn3("việt nam"), ".VnTimeH") == "VIỆT NAM"
    assert nruns._legacy("Vieät Nam", "VNI-Times") == "Việt Nam"
    assert nruns._legacy("Việt Nam", "Times New Roman") == "Việt Nam"


@pytest.mark.parametrize(
    ("period", "title"),
    [
        ("2021-H1", "Nội dung viết tay của báo cáo kết quả công tác Mặt trận 6 tháng đầu năm 2021"),
        (
            "2026-H1",
            "Nội dung viết tay của báo cáo kết quả công tác Mặt trận và các tổ chức chính trị - "
            "xã hội 6 tháng đầu năm 2026",
        ),
    ],
)
def test_title_names_the_work_in_force_and_reads_back_as_a_note(tmp_path, project, period, title):
    """The document's title takes whose work the period reports on from the outline in force
    (from 2025-H2 the Front with the socio-political organisations), and is not read back as
    text of the report."""
    from baocao.config.catalog import load_catalogue

    period_outline = load_outline(project.config, load_catalogue(project.config, period), period)
    p = Period.parse(period)
    path = nwrite.write_narrative_docx(tmp_path / "n.docx", period_outline, p, {}, [])
    assert docx.Document(str(path)).paragraphs[0].text == title
    read = nassign.assign(nread.extract(path), period_outline, p, "n.docx")
    assert read.orphans == () and read.sections == {}
