"""The analysts' narratives: names filled, mistakes named by file and line, placeholders."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from baocao.config.catalog import load_catalogue
from baocao.config.outline import load_outline
from baocao.config.periods import Period
from baocao.config.units import load_units
from baocao.errors import BaocaoError
from baocao.report.compose.figures import build_figures
from baocao.report.compose.sentences import figure_names
from baocao.report.narrative import markdown as nv

FIGURES = {
    "quy_vnn_van_dong": "13,55 tỷ đồng",
    "quy_vnn_van_dong_thay_doi": "tăng 14,0% so với cùng kỳ",
}
SOURCE = "narrative/2021-H1/2.2.md"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vận động được {quy_vnn_van_dong}.", "Vận động được 13,55 tỷ đồng.\n"),
        (
            "{quy_vnn_van_dong}, {quy_vnn_van_dong_thay_doi}",
            "13,55 tỷ đồng, tăng 14,0% so với cùng kỳ\n",
        ),
        ("Dòng 1\n\n- ý { quy_vnn_van_dong }", "Dòng 1\n\n- ý 13,55 tỷ đồng\n"),
        ("Ngoặc {{nhọn}} in nguyên", "Ngoặc {nhọn} in nguyên\n"),
        ("Không có tên nào.", "Không có tên nào.\n"),
        (
            "**đậm** và\n\n---\n\nđoạn sau",
            "**đậm** và\n\n---\n\nđoạn sau\n",
        ),  # a rule, not a heading
        ("```\n# không phải tiêu đề\n```", "```\n# không phải tiêu đề\n```\n"),
        ("Thu\u0309y", "Thủy\n"),  # NFD in, NFC out
    ],
)
def test_fill(text, expected):
    assert nv.fill(text, FIGURES, SOURCE) == expected


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Dòng một.\nVận động {quy_vnn_van_dog}.", 2, ["{quy_vnn_van_dog}", "quy_vnn_van_dong"]),
        ("a\nb\nGiá trị {quy_vnn_van_dong.", 3, ["chưa được đóng"]),
        ("Giá trị } lẻ", 1, ["thừa"]),
        ("{không dấu}", 1, ["không phải tên số liệu"]),
        ("Đoạn\n\n## Tiêu đề riêng", 3, ["tiêu đề"]),
        ("# Tiêu đề", 1, ["tiêu đề"]),
        ("Một dòng chữ\n===", 2, ["tiêu đề"]),
        ("Một dòng chữ\n---", 2, ["tiêu đề"]),
        ("x\n```python\nkhông đóng", 2, ["chưa được đóng"]),
    ],
)
def test_mistakes_name_the_file_and_the_line(text, line, words):
    with pytest.raises(BaocaoError) as caught:
        nv.fill(text, FIGURES, SOURCE)
    message = str(caught.value)
    assert message.startswith(f"Tệp {SOURCE}, dòng {line}:")
    for word in words:
        assert word in message


def test_placeholder_only_in_the_internal_draft():
    guidance = ["Kết quả vận động Quỹ “Vì người nghèo” (có số liệu chứng minh)."]
    internal = nv.section_text("2.2", guidance, {}, FIGURES, internal=True)
    assert internal.startswith("> **\\[Chưa có nội dung\\]**")
    assert "> \\- Kết quả vận động Quỹ “Vì người nghèo” (có số liệu chứng minh)." in internal
    assert nv.section_text("2.2", guidance, {}, FIGURES, internal=False) == ""
    written = {"2.2": nv.Narrative("2.2", "Có {quy_vnn_van_dong}.", SOURCE)}
    assert (
        nv.section_text("2.2", guidance, written, FIGURES, internal=False) == "Có 13,55 tỷ đồng.\n"
    )


def test_read_narratives(tmp_path):
    folder = tmp_path / "narrative" / "2021-H1"
    folder.mkdir(parents=True)
    (folder / "2.2.md").write_text("Có {quy_vnn_van_dong}.", encoding="utf-8")
    (folder / "README.md").write_text("# ghi chú", encoding="utf-8")
    found = nv.read_narratives(folder, ["2.2", "3.1"], display_root=tmp_path)
    assert list(found) == ["2.2"]
    assert found["2.2"].source == "narrative/2021-H1/2.2.md"
    assert nv.read_narratives(tmp_path / "none", ["2.2"]) == {}

    (folder / "2,2.md").write_text("x", encoding="utf-8")
    with pytest.raises(
        BaocaoError, match=r"narrative/2021-H1/2,2\.md.*không có mục “2,2”.*2\.2\.md"
    ):
        nv.read_narratives(folder, ["2.2", "3.1"], display_root=tmp_path)
    (folder / "2,2.md").unlink()
    (folder / "3.1.txt").write_text("x", encoding="utf-8")
    with pytest.raises(BaocaoError, match="chỉ chứa tệp Markdown"):
        nv.read_narratives(folder, ["2.2", "3.1"])
    (folder / "3.1.txt").unlink()
    (folder / "3.1.md").write_bytes("Tổng".encode("utf-16"))
    with pytest.raises(BaocaoError, match="UTF-8"):
        nv.read_narratives(folder, ["2.2", "3.1"])


# --- the shipped narratives and their documentation ----------------------------------------


@pytest.fixture(scope="module")
def real_names(project):
    catalogue = load_catalogue(project.config)
    units = load_units(project.config).for_period("2021-H1")
    outline = load_outline(project.config, catalogue)
    rows = [
        {
            "unit_code": u.code,
            "indicator_code": c,
            "value": 10 + i,
            "reported": True,
            "included": True,
        }
        for i, u in enumerate(units)
        for c in catalogue.codes
    ]
    status = pd.DataFrame(
        [{"unit_code": u.code, "unit_name": u.name, "state": "hợp lệ"} for u in units]
    )
    figures = build_figures(pd.DataFrame(rows), status, catalogue, units, outline)
    return outline, figure_names(figures, Period.parse("2021-H1"))


def test_every_shipped_narrative_fills(project, real_names):
    outline, names = real_names
    folder = project.root / "narrative" / "2021-H1"
    narratives = nv.read_narratives(folder, outline.text_ids(), display_root=project.root)
    assert len(narratives) >= 15
    for narrative in narratives.values():
        text = nv.fill(narrative.text, names, narrative.source)
        assert "{" not in text
        if re.search(r"\d", narrative.text.replace("Covid-19", "")) and "{" in narrative.text:
            assert "(số liệu minh họa)" in narrative.text, narrative.source


def test_readme_documents_every_kind_of_name(project, real_names):
    _, names = real_names
    readme = (project.root / "narrative" / "README.md").read_text(encoding="utf-8")
    for suffix in ("_cung_ky", "_thay_doi", "_dan_dau", "_ty_le"):
        assert f"{{ma{suffix}}}" in readme
    general = [
        n for n in names if not any(n.startswith(c) for c in ("ky_", "so_", "tong_", "don_"))
    ]
    assert general  # the per-code names exist
    for name in (
        "ky_bao_cao",
        "ky_toi",
        "ky_cung_ky",
        "so_don_vi_nop",
        "tong_so_don_vi",
        "don_vi_chua_nop",
    ):
        assert name in names
        assert f"{{{name}}}" in readme
    for share in (n for n in names if n.endswith("_ty_le")):
        assert f"{{{share}}}" in readme, share


def test_a_section_holding_only_a_comment_is_not_written_and_prints_no_comment(tmp_path):
    """`<!-- viết sau -->` alone is a note to oneself: the section is empty (a draft), and a
    comment beside text never reaches a page."""
    from baocao.report.narrative.draft import is_written

    folder = tmp_path / "n"
    folder.mkdir()
    (folder / "2.2.md").write_text("<!-- viết sau -->\n", encoding="utf-8")
    (folder / "3.1.md").write_text("Đã làm.<!-- hỏi lại\nhuyện -->\n", encoding="utf-8")
    found = nv.read_narratives(folder, ["2.2", "3.1"])
    assert not is_written(found["2.2"].text)
    assert found["3.1"].text.strip() == "Đã làm." and "<!--" not in found["3.1"].text
    assert not is_written("<!-- -->\n")  # the empty comment that separates two lists
