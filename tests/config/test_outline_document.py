"""A đề cương's Word document read as Word users make it (`outline_import.document` through
the real reader `report.narrative.paragraphs`): typed numbers, bold lines as headings, Heading
styles, typed and Word bullets, tracked changes accepted, comments left out; a phụ biểu
proposed as catalogue entries; a .doc converted by LibreOffice or refused."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import docx
import pytest
from conftest import REPO
from outline_docs import seed_docx, typed_docx
from test_narrative_docx import (
    requires_soffice,
    soffice_convert,
    tracked_deletion,
    tracked_insertion,
)
from typer.testing import CliRunner

from baocao.cli import app
from baocao.config.catalog import load_catalogue
from baocao.config.outline_import import plan_import
from baocao.config.outline_import.document import split_heading, structure
from baocao.config.outline_import.proposals import CLOSE, MATCHED, NEW, propose_indicators
from baocao.errors import BaocaoError, ConfigError
from baocao.report.narrative.paragraphs import word_items
from baocao.report.programs.doc_convert import doc_to_docx


def read(path: Path):
    return structure(word_items(path))


def sections(doc) -> list[tuple[int, str]]:
    return [(s.level, s.heading) for part in doc.parts for s in part.sections]


def test_typed_numbers_and_typed_bullets(tmp_path):
    path = typed_docx(
        tmp_path / "typed.docx",
        [
            ("PHẦN THỨ NHẤT: KẾT QUẢ CÔNG TÁC", False),
            ("I. Công tác tuyên truyền", False),
            ("1.1. Tuyên truyền các ngày lễ:", False),
            ("- Số cuộc tuyên truyền (có số liệu chứng minh).", False),
            ("+ Hình thức tuyên truyền mới", False),
            ("• Tuyên truyền trên mạng xã hội", False),
            ("a) Tuyên truyền miệng", False),
            ("-Không có dấu cách sau gạch đầu dòng", False),
            ("1.2 Nắm tình hình nhân dân", False),
            ("Phần thứ hai", False),
            ("NHIỆM VỤ 6 THÁNG CUỐI NĂM", False),
            ("1. Nhiệm vụ thứ nhất", False),
        ],
    )
    doc = read(path)
    assert [(p.heading, p.title) for p in doc.parts] == [
        ("PHẦN THỨ NHẤT", "KẾT QUẢ CÔNG TÁC"),
        ("Phần thứ hai", "NHIỆM VỤ 6 THÁNG CUỐI NĂM"),
    ]
    assert sections(doc) == [
        (1, "I. Công tác tuyên truyền"),
        (2, "1.1. Tuyên truyền các ngày lễ"),
        (3, "a) Tuyên truyền miệng"),
        (2, "1.2 Nắm tình hình nhân dân"),
        (1, "1. Nhiệm vụ thứ nhất"),
    ]
    first = doc.parts[0].sections[1]
    assert first.guidance == [
        "Số cuộc tuyên truyền (có số liệu chứng minh).",
        "Hình thức tuyên truyền mới",
        "Tuyên truyền trên mạng xã hội",
    ]
    assert doc.parts[0].sections[2].guidance == ["Không có dấu cách sau gạch đầu dòng"]


def test_bold_lines_and_heading_styles_are_headings(tmp_path):
    document = docx.Document()
    document.add_paragraph().add_run("Phần thứ nhất").bold = True
    document.add_paragraph().add_run("KẾT QUẢ").bold = True
    document.add_paragraph("Công tác tuyên truyền", style="Heading 2")
    document.add_paragraph("Nêu rõ các hình thức tuyên truyền.")
    document.add_paragraph().add_run("Tuyên truyền trên báo chí").bold = True
    document.add_paragraph("Có số liệu chứng minh.")
    document.add_paragraph().add_run("Tuyên truyền miệng").bold = True
    long = document.add_paragraph()
    long.add_run("Một đoạn in đậm rất dài để nhấn mạnh " * 6).bold = True
    document.add_paragraph("Công tác đoàn kết", style="Heading 2")
    document.save(tmp_path / "bold.docx")
    doc = read(tmp_path / "bold.docx")
    assert sections(doc) == [
        (1, "Công tác tuyên truyền"),
        (2, "Tuyên truyền trên báo chí"),
        (2, "Tuyên truyền miệng"),  # a bold line after a bold line: its sibling
        (1, "Công tác đoàn kết"),
    ]
    assert doc.parts[0].sections[2].guidance[0].startswith("Một đoạn in đậm")  # emphasis


def test_tracked_changes_are_accepted_and_comments_left_out(tmp_path):
    path, _ = seed_docx(
        tmp_path / "tracked.docx",
        ["Phần thứ nhất", "KẾT QUẢ", "1. Tuyên truyền", "- Số cuộc tuyên truyền", "2. Đoàn kết"],
    )
    document = docx.Document(path)
    heading, bullet = document.paragraphs[2], document.paragraphs[3]
    tracked_insertion(heading, " và vận động", 901)
    tracked_deletion(bullet, " đã bị xóa", 902)
    document.add_comment(bullet.runs[0], text="Góp ý: thêm số liệu", author="PCT", initials="P")
    document.save(path)
    doc = read(path)
    assert sections(doc) == [(1, "1. Tuyên truyền và vận động"), (1, "2. Đoàn kết")]
    assert doc.parts[0].sections[0].guidance == ["Số cuộc tuyên truyền"]
    everything = str(doc)
    assert "đã bị xóa" not in everything and "Góp ý" not in everything
    # Read as accepted, but counted, so that the import warns (cli_outline).
    from baocao.report.narrative.paragraphs import pending_in

    assert pending_in(path) == 2
    assert pending_in(seed_docx(tmp_path / "clean.docx", ["Phần thứ nhất", "1. A"])[0]) == 0


def test_a_phu_bieu_proposes_catalogue_entries_never_a_made_up_code(tmp_path):
    document = docx.Document()
    document.add_paragraph("Phụ lục I")
    document.add_paragraph("BIỂU SỐ LIỆU")
    rows = [
        ("TT", "Nội dung", "Đơn vị tính", "Số lượng"),
        ("I", "CÔNG TÁC TUYÊN TRUYỀN", "", ""),
        ("1", "Số cuộc tuyên truyền", "cuộc", ""),
        ("2", "Số lượt người tham dự tuyên truyền", "lượt người", ""),
        ("3", "Số hộ được hỗ trợ vay vốn chính sách", "hộ", ""),
    ]
    table = document.add_table(rows=len(rows), cols=4)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.save(tmp_path / "phu-bieu.docx")
    tables = [t for part in read(tmp_path / "phu-bieu.docx").parts for t in part.tables]
    proposals = propose_indicators(tables, load_catalogue(REPO / "config"))
    assert [(p.label, p.unit, p.group) for p in proposals] == [
        ("Số cuộc tuyên truyền", "cuộc", "CÔNG TÁC TUYÊN TRUYỀN"),
        ("Số lượt người tham dự tuyên truyền", "lượt người", "CÔNG TÁC TUYÊN TRUYỀN"),
        ("Số hộ được hỗ trợ vay vốn chính sách", "hộ", "CÔNG TÁC TUYÊN TRUYỀN"),
    ]
    assert proposals[0].status == MATCHED and proposals[0].codes[0] == "tt_so_cuoc"
    assert proposals[1].status in (MATCHED, CLOSE) and proposals[1].codes[0] == "tt_luot_nguoi"
    assert proposals[2].status == NEW and proposals[2].codes == ()


def test_a_doc_without_libreoffice_is_refused_saying_how_to_save_it(tmp_path, monkeypatch):
    source = tmp_path / "de-cuong.doc"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(BaocaoError, match="Save As.*Word Document \\(\\*.docx\\)"):
        doc_to_docx(source, tmp_path / "scratch")


@requires_soffice
def test_a_doc_is_converted_and_imported(tmp_path, monkeypatch):
    """A .doc saved by LibreOffice from the seed document, imported by the command (dry run):
    the same sections, nothing written."""
    path, numbered = seed_docx(tmp_path / "de-cuong.docx")
    old = soffice_convert(path, "doc", tmp_path / "lo")
    assert old.suffix == ".doc"
    root = tmp_path / "root"
    shutil.copytree(REPO / "config", root / "config")
    shutil.copy(REPO / "report.qmd", root / "report.qmd")
    monkeypatch.setenv("BAOCAO_ROOT", str(root))
    done = CliRunner(env={"COLUMNS": "200"}).invoke(
        app, ["outline", "import", str(old), "--from", "2021-H1", "--dry-run"]
    )
    assert done.exit_code == 0, done.output
    assert "Chuyển de-cuong.doc (.doc) sang .docx bằng LibreOffice" in done.output
    # Every section matched (LibreOffice's .doc export renumbers Part 2's restarted list
    # 1, 1, 2, 3, 4 — as LibreOffice itself then shows it: those count as renamed).
    kept, renamed = re.search(
        r"Tổng: (\d+) mục giữ nguyên; (\d+) mục đổi tên\.", done.output
    ).groups()
    assert int(kept) + int(renamed) == 27
    assert "Chưa ghi gì" in done.output
    assert sorted(p.name for p in (root / "config").glob("outline*")) == [
        "outline-2025-H2.yml",
        "outline.yml",
    ]
    assert os.environ["BAOCAO_ROOT"] == str(root)


def test_roman_parts_without_phan_and_an_opening_paragraph(tmp_path):
    """ "I." and "II." are the parts when no "Phần" heading exists; a paragraph before a part's
    first heading is that section's guidance; matched to the outline's parts in order."""
    path = typed_docx(
        tmp_path / "roman.docx",
        [
            ("ĐỀ CƯƠNG BÁO CÁO", True),
            ("I. KẾT QUẢ CÔNG TÁC MẶT TRẬN 6 THÁNG ĐẦU NĂM 2021", True),
            ("Báo cáo nêu khái quát tình hình chung của địa phương.", False),
            ("1. Nội dung chương trình 1", True),
            ("1.1. Công tác tuyên truyền, vận động các tầng lớp Nhân dân", True),
            ("- Có số liệu chứng minh.", False),
            ("II. TRỌNG TÂM CÔNG TÁC MẶT TRẬN 6 THÁNG CUỐI NĂM 2021", True),
            ("1. Tuyên truyền, vận động, tập hợp các tầng lớp Nhân dân", True),
        ],
    )
    items = word_items(path)
    doc = structure(items)
    assert doc.title == ["ĐỀ CƯƠNG BÁO CÁO"]
    assert [(p.heading, p.title) for p in doc.parts] == [
        ("I.", "KẾT QUẢ CÔNG TÁC MẶT TRẬN 6 THÁNG ĐẦU NĂM 2021"),
        ("II.", "TRỌNG TÂM CÔNG TÁC MẶT TRẬN 6 THÁNG CUỐI NĂM 2021"),
    ]
    assert doc.parts[0].sections[0].guidance == [
        "Báo cáo nêu khái quát tình hình chung của địa phương."
    ]
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    plan = plan_import(items, config, "2021-H1", path.name)
    parts = plan.imported.data["parts"]
    assert [p["id"] for p in parts] == ["phan-thu-nhat", "phan-thu-hai", "phu-luc-1", "phu-luc-2"]
    assert [s["id"] for s in parts[0]["sections"]] == ["1", "1.1"]
    assert parts[0]["sections"][1]["figures"] == "1.1"
    assert [s["id"] for s in parts[1]["sections"]] == ["nhiem-vu-1"]


def test_a_document_without_headings_is_refused(tmp_path):
    path = typed_docx(
        tmp_path / "thu.docx", [("Kính gửi các đồng chí,", False), ("Nội dung.", False)]
    )
    with pytest.raises(ConfigError, match="không nhận ra đề cương"):
        plan_import(word_items(path), REPO / "config", "2021-H1", path.name)


def test_parts_numbered_by_word(tmp_path):
    """ "PHẦN I", "PHẦN II" shown by Word's numbering (lvlText "PHẦN %1", upper Roman), the
    sections under them numbered by another list: "1.", "1.1."."""
    from test_narrative_headings import numbered, word_list

    document = docx.Document()
    parts = word_list(document, [("upperRoman", "PHẦN %1")])
    decimal = word_list(document, [("decimal", "%1."), ("decimal", "%1.%2.")])
    for text, num_id, level in (
        ("KẾT QUẢ CÔNG TÁC", parts, 0),
        ("Công tác tuyên truyền", decimal, 0),
        ("Tuyên truyền miệng", decimal, 1),
        ("NHIỆM VỤ", parts, 0),
    ):
        numbered(document.add_paragraph(text), num_id, level)
    document.save(tmp_path / "phan.docx")
    doc = read(tmp_path / "phan.docx")
    assert [(p.heading, p.title) for p in doc.parts] == [
        ("PHẦN I", "KẾT QUẢ CÔNG TÁC"),
        ("PHẦN II", "NHIỆM VỤ"),
    ]
    assert sections(doc) == [(1, "1. Công tác tuyên truyền"), (2, "1.1. Tuyên truyền miệng")]


@pytest.mark.parametrize(
    ("written", "heading", "notes"),
    [
        (
            "3.3. Về công tác phản biện xã hội (nêu nội dung và hình thức…). Kết quả phát huy.",
            "3.3. Về công tác phản biện xã hội",
            ["(nêu nội dung và hình thức…). Kết quả phát huy."],
        ),
        (
            "3.1. Thực hiện Quy chế dân chủ (QCDC) ở cơ sở:",
            "3.1. Thực hiện Quy chế dân chủ (QCDC) ở cơ sở",
            [],
        ),
        (
            "2.5. Kết quả triển khai các chương trình:",
            "2.5. Kết quả triển khai các chương trình",
            [],
        ),
        ("6. Đánh giá chung...", "6. Đánh giá chung...", []),
    ],
)
def test_a_headings_notes_are_its_guidance_an_abbreviation_is_not(written, heading, notes):
    assert split_heading(written) == (heading, notes)
