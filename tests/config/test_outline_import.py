"""`baocao outline import`: the client's đề cương as a real Word document, imported.

The document is made from the seed text (tests/data/de-cuong-2021.txt) as offices make it:
Word's automatic numbering (the numbers only in numbering.xml), Word's bullets, no Heading
style (`outline_docs.seed_docx`). It is read back through the real reader, matched to
config/outline.yml (whose headings are worded a little differently), written into a copy of
the project, checked by check-config, followed by `baocao narrative`, and the 2021-H1 report
renders from it (one render, the built-in backend).
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import docx
import pytest
from conftest import REPO, project_copy
from docx.oxml.ns import qn
from outline_docs import seed_docx, seed_lines

from baocao.config.catalog import load_catalogue
from baocao.config.outline import fill_period, load_outline
from baocao.config.outline_import import plan_import, write_import
from baocao.config.outline_import.carry import GONE, KEPT, NEW, RENAMED
from baocao.config.periods import Period
from baocao.config.versions import version_for
from baocao.errors import ConfigError
from baocao.report.narrative.paragraphs import word_items

PERIOD = "2021-H1"
P = Period.parse(PERIOD)


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    """(document, its numbered headings as Word shows them with their depth)."""
    return seed_docx(tmp_path_factory.mktemp("seed") / "de-cuong-2021.docx")


def as_heading(text: str) -> str:
    """A heading as written, up to the notes in parentheses, without its final "." or ":",
    in NFC (the seed types a few words decomposed, as Unikey's "Unicode tổ hợp" does)."""
    return unicodedata.normalize("NFC", re.sub(r"\s*\(.*$", "", text).rstrip(" .:;"))


def config_copy(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(REPO / "config", target)
    return target


def test_the_clients_outline_carries_every_section_over(seed, tmp_path):
    path, numbered = seed
    config = config_copy(tmp_path)
    catalogue = load_catalogue(config, PERIOD)
    before = load_outline(config, catalogue, PERIOD)
    plan = plan_import(word_items(path), config, PERIOD, path.name)

    # Every heading of the document, in order, at its level: Part 1's "1." at level 3 and
    # "1.1." at 4; in Part 2 the two lead bullets are its first sections and its "1."–"5."
    # go under "Về các nhiệm vụ trọng tâm:".
    tasks = 5  # Part 2's numbered tasks, last in the document
    expected = [
        *((depth + 2, heading) for depth, heading in numbered[:-tasks]),
        (3, "Khái quát bối cảnh của địa phương"),
        (3, "Về các nhiệm vụ trọng tâm"),
        *((4, heading) for _, heading in numbered[-tasks:]),
    ]
    imported = [
        (s["level"], fill_period(s["heading"], P))
        for part in plan.imported.data["parts"]
        for s in part.get("sections", [])
    ]
    assert [h for _, h in imported] == [as_heading(h) for _, h in expected]
    assert [lvl for lvl, _ in imported] == [lvl for lvl, _ in expected]
    assert "3.2. Về hoạt động giám sát, trong đó có kết quả giám sát" in imported[11][1]
    # Each matched to its section of config/outline.yml: same ids in the same order, and
    # every figure, chart, internal part and Phụ lục II programme carried over.
    changes = plan.imported.changes
    assert [c.id for c in changes] == [s.id for s in before.sections]
    assert {c.kind for c in changes} == {KEPT, RENAMED}
    renamed = {c.id for c in changes if c.kind == RENAMED}
    assert renamed == {"1", "2", "3", "4", "5", "3.2"}  # "Nội dung chương trình 1", a longer 3.2
    written = {s["id"]: s for part in plan.imported.data["parts"] for s in part.get("sections", [])}
    for section in before.sections:
        mine = written[section.id]
        assert mine.get("figures") == section.figures, section.id
        assert tuple(mine.get("charts", ())) == section.charts, section.id
        assert mine.get("programme") == section.programme, section.id
        assert [i["id"] for i in mine.get("internal", [])] == [i.id for i in section.internal]
    # Guidance: the bullets, the heading's notes in parentheses, the period as a placeholder.
    assert written["6.3"]["guidance"] == [
        "(để giải quyết khó khăn, vướng mắc và tăng cường giải pháp cho công tác {ky_toi})."
    ]
    assert len(written["1.1"]["guidance"]) == 4
    assert written["1.1"]["guidance"][2].endswith("(có số liệu chứng minh…).")
    titles = [part["title"] for part in plan.imported.data["parts"]]
    assert titles[:2] == [
        "KẾT QUẢ CÔNG TÁC MẶT TRẬN {KY_BAO_CAO}",
        "TRỌNG TÂM CÔNG TÁC MẶT TRẬN {KY_TOI}",
    ]
    assert [p["id"] for p in plan.imported.data["parts"]][2:] == ["phu-luc-1", "phu-luc-2"]

    base_text = (config / "outline.yml").read_text(encoding="utf-8")
    assert write_import(plan) == []  # check-config finds nothing
    # The version before is cut to the period before, nothing else of it touched.
    assert (config / "outline.yml").read_text(encoding="utf-8") == base_text.replace(
        'in_force: {from: "2020-H1", to: "2025-H1"}', 'in_force: {from: "2020-H1", to: "2020"}'
    )
    assert version_for(config, "outline", PERIOD).path.name == "outline-2021-H1.yml"
    assert version_for(config, "outline", "2020-H1").path.name == "outline.yml"
    assert version_for(config, "outline", "2025-H1").path.name == "outline-2021-H1.yml"
    assert version_for(config, "outline", "2026-H1").path.name == "outline-2025-H2.yml"
    after = load_outline(config, catalogue, PERIOD)
    assert [s.id for s in after.sections] == [s.id for s in before.sections]
    assert after.sections[0].heading == "1. Nội dung chương trình 1"
    # Never overwritten silently: a second import is refused, --overwrite keeps the old file.
    with pytest.raises(ConfigError, match="không ghi đè"):
        write_import(plan)
    assert write_import(plan, overwrite=True) == []
    assert (config / "outline-2021-H1.yml.cu").is_file()
    # Imported again from 2023-H1: the imported version is cut in its turn.
    assert write_import(plan_import(word_items(path), config, "2023-H1", path.name)) == []
    assert version_for(config, "outline", "2022-H2").path.name == "outline-2021-H1.yml"
    assert version_for(config, "outline", "2023-H1").path.name == "outline-2023-H1.yml"
    assert version_for(config, "outline", "2025-H1").path.name == "outline-2023-H1.yml"


def test_a_changed_outline_reports_new_kept_and_gone(tmp_path):
    lines = seed_lines()
    changed = []
    for line in lines:
        if line.startswith("2.5."):
            continue  # 2.5 is gone, with its guidance paragraph
        if line.startswith("Bảo vệ môi trường, ứng phó"):
            continue
        if line.startswith("3. Nội dung chương trình 3"):
            changed += [
                "2.5. Công tác vận động xóa nhà tạm, nhà dột nát",
                "- Kết quả vận động, hỗ trợ xóa nhà tạm (nêu rõ số căn, số tiền hỗ trợ).",
            ]
        if line.startswith("4. Nội dung chương trình 4"):
            changed += [  # the gone 2.5's programmes, as a section of programme 3
                "3.5. Các chương trình bảo vệ môi trường, an toàn giao thông",
                "- Kết quả thực hiện (có số liệu chứng minh).",
            ]
        if line.startswith("1.2."):
            line = "1.2. Viec doan ket, tap hop cac tang lop Nhan dan"  # typed without diacritics
        changed.append(line)
    path, _ = seed_docx(tmp_path / "de-cuong-moi.docx", changed)
    config = config_copy(tmp_path)
    plan = plan_import(word_items(path), config, "2021-H2", path.name)
    changes = plan.imported.changes
    kinds = {c.kind for c in changes}
    assert kinds == {KEPT, RENAMED, NEW, GONE}
    by_kind = {k: [c for c in changes if c.kind == k] for k in kinds}
    new, programmes = by_kind[NEW]
    assert new.heading == "2.5. Công tác vận động xóa nhà tạm, nhà dột nát"
    assert new.id not in {s.id for s in load_outline(config, load_catalogue(config)).sections}
    assert new.needs_figures and new.figures is None  # "nêu rõ số căn, số tiền"
    # What still needs a figure: the catalogue section no section states any more, suggested
    # (never written) for the new section whose heading it names.
    assert programmes.heading == "3.5. Các chương trình bảo vệ môi trường, an toàn giao thông"
    assert plan.suggested == {programmes.id: ("2.5", load_catalogue(config).sections["2.5"])}
    assert [(c.id, c.figures) for c in by_kind[GONE]] == [("2.5", "2.5")]
    kept = {c.id for c in by_kind[KEPT]}
    assert {"1.1", "1.2", "2.2", "3.4", "6.3"} <= kept  # 1.2 typed without diacritics
    # The 2021-H1 document used from 2021-H2: its period's words become the placeholders.
    assert plan.imported.data["parts"][1]["title"] == "TRỌNG TÂM CÔNG TÁC MẶT TRẬN {KY_TOI}"
    assert any("Tài liệu viết cho kỳ 6 tháng đầu năm 2021" in n for n in plan.imported.notes)
    assert write_import(plan) == []
    assert version_for(config, "outline", "2021-H1").path.name == "outline.yml"
    assert version_for(config, "outline", "2021-H2").path.name == "outline-2021-H2.yml"


def _docx_headings(document) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.split()[-1]), p.text)
        for p in document.paragraphs
        if p.style.name.startswith("Heading ")
    ]


def _under_headings(document) -> dict[str, list]:
    """Heading text → the body elements (paragraphs' text, "[hình]" for a picture) under it."""
    found: dict[str, list] = {}
    current: list | None = None
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading "):
            current = found.setdefault(paragraph.text, [])
        elif current is not None:
            pictures = paragraph._p.findall(".//" + qn("w:drawing"))
            current.extend(["[hình]"] * len(pictures))
            if paragraph.text.strip():
                current.append(paragraph.text)
    return found


@pytest.mark.slow
def test_the_2021_report_renders_from_the_imported_outline(seed, tmp_path):
    from test_render import expected_totals, vn, write_processed

    from baocao.report.compose.narrative_document import write_for_period
    from baocao.report.render.reports import render_report

    path, _ = seed
    paths = project_copy(tmp_path, PERIOD)
    values = write_processed(paths.processed)
    assert write_import(plan_import(word_items(path), paths.config, PERIOD, path.name)) == []
    catalogue = load_catalogue(paths.config, PERIOD)
    outline = load_outline(paths.config, catalogue, PERIOD)
    expected = []
    for part in outline.parts:
        expected += [(1, part.heading), (2, fill_period(part.title, P))]
        expected += [(s.level, fill_period(s.heading, P)) for s in part.sections]
    assert (3, "1. Nội dung chương trình 1") in expected  # the document's, not outline.yml's

    # `baocao narrative` for the period writes the imported headings.
    written, _ = write_for_period(paths, PERIOD)
    internal = {fill_period(i.title, P) for s in outline.sections for i in s.internal}
    narrative = _docx_headings(docx.Document(written))
    assert [h for h in narrative if h[0] >= 3 and h[1] not in internal] == [
        h for h in expected if h[0] >= 3
    ]

    result = render_report(PERIOD, "internal", paths, tmp_path / "out", backend="builtin")
    document = docx.Document(result.outputs["docx"])
    assert _docx_headings(document) == expected
    # The same figures: each section's catalogue totals and charts, under its new heading.
    totals = expected_totals(values)
    under = _under_headings(document)
    before = {s.id: s for s in load_outline(REPO / "config", catalogue, PERIOD).sections}
    for section in outline.sections:
        text = " ".join(t for t in under[fill_period(section.heading, P)] if t != "[hình]")
        old = before[section.id]  # config/outline.yml's section of the same id
        assert under[fill_period(section.heading, P)].count("[hình]") == len(old.charts)
        for indicator in catalogue.by_section().get(old.figures, []):
            if indicator.kind == "count":
                assert vn(totals[indicator.code], "count") in text, (section.id, indicator.code)
    [title] = internal  # 3.4's internal part, carried over, in the internal draft
    section_34 = next(s for s in outline.sections if s.id == "3.4")
    assert any(title in t for t in under[fill_period(section_34.heading, P)])


def test_the_command_writes_once_and_says_what_check_config_finds(seed, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from baocao.cli import app

    path, _ = seed
    root = tmp_path / "root"
    config_copy(root)
    shutil.copy(REPO / "report.qmd", root / "report.qmd")
    monkeypatch.setenv("BAOCAO_ROOT", str(root))
    args = ["outline", "import", str(path), "--from", PERIOD]

    def run():
        done = CliRunner(env={"COLUMNS": "200"}).invoke(app, args)
        return done.exit_code, " ".join(done.output.replace("│", " ").split())

    code, said = run()
    assert code == 0, said
    assert "Tổng: 21 mục giữ nguyên; 6 mục đổi tên." in said
    assert f"Đã ghi {root / 'config' / 'outline-2021-H1.yml'}" in said
    assert "không có lỗi" in said and "baocao narrative --period 2021-H1" in said
    code, said = run()  # never overwritten silently
    assert code == 2 and "lệnh không ghi đè" in said and "--overwrite" in said
    # A problem check-config finds in the period's configuration is said, naming the fix.
    report = root / "config" / "report.yml"
    report.write_text(
        report.read_text(encoding="utf-8").replace('place: "Lạng Sơn"', "place: 12"),
        encoding="utf-8",
    )
    args.append("--overwrite")
    code, said = run()
    assert code == 1 and "Cấu hình chưa đúng (1 lỗi)" in said and "place" in said, said


def test_the_2021_outline_over_the_illustrative_2026_one_carries_only_like_sections(seed):
    """Imported from 2026-H1, where the illustrative outline (outline-2025-H2.yml) is in force:
    its sections of other words are gone, the seed's are new; a task of Part 2 naming a
    programme takes no figures of Part 1; the new version is no longer illustrative."""
    path, _ = seed
    plan = plan_import(word_items(path), REPO / "config", "2026-H1", path.name)
    part_two = plan.imported.data["parts"][1]
    assert part_two["id"] == "phan-thu-hai"
    assert [s.get("figures") for s in part_two["sections"]] == [None] * 7
    by_id = {c.id: c for c in plan.imported.changes}
    assert by_id["nhiem-vu"].kind == RENAMED  # "Về các nhiệm vụ trọng tâm" ← "1. Nhiệm vụ …"
    assert by_id["kien-nghi"].kind == GONE
    assert "illustrative" not in plan.imported.data
    assert any("đề cương minh họa" in note for note in plan.imported.notes)
    assert plan.version.previous.path.name == "outline-2025-H2.yml"
    assert 'in_force: {from: "2025-H2", to: "2025"}' in plan.version.previous_text
