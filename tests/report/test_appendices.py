"""report/appendices.py: Phụ lục I (units × indicators, split to fit the page, linked to the
notebooks in the internal draft) and Phụ lục II (models by programme, the unit's text escaped)."""

from __future__ import annotations

import pandas as pd
from report_frames import CATALOGUE, CURRENT, UNITS, values_frame

from baocao.config.outline import load_outline
from baocao.report.compose.appendices import (
    appendix_markdown,
    appendix_tables,
    models_markdown,
    models_pointer,
)
from baocao.report.compose.markdown import format_cell


def test_appendix_links_units_to_notebooks_only_when_asked():
    from baocao.run.aggregate import appendix_table

    table = appendix_table(values_frame(CURRENT), CATALOGUE, UNITS)
    plain = appendix_markdown(table, UNITS, CATALOGUE)
    linked = appendix_markdown(table, UNITS, CATALOGUE, notebook_links=True)
    assert "notebooks/" not in plain
    rows = [line for line in linked.splitlines() if line.startswith("| ")]
    assert any("| [An](notebooks/01.html) |" in r for r in rows)
    assert any("| [Đông](notebooks/04.html) |" in r for r in rows)
    assert rows[-1].startswith("|  | **Tổng cộng** |")  # the province's row closes each table
    partly = appendix_markdown(
        table, UNITS, CATALOGUE, notebook_links=True, without_notebook=["04"]
    )
    assert "[An](notebooks/01.html)" in partly and "| Đông |" in partly
    assert "notebooks/04.html" not in partly


def test_models_appendix_groups_by_programme_and_escapes_the_units_text(project):
    outline = load_outline(project.config, load_catalogue_real(project))
    models = pd.DataFrame(
        [
            {
                "unit_code": "02",
                "stt": 1,
                "name": "<script>x</script>",
                "programme": "2",
                "time": "Tháng 3/2021",
                "participants": 1200,
                "effect": "a | b",
            },
            {
                "unit_code": "01",
                "stt": 1,
                "name": "Mô hình *A*",
                "programme": 2,
                "time": "Tháng 1/2021",
                "participants": "khoảng 50",
                "effect": "tốt",
            },
            {
                "unit_code": "01",
                "stt": 2,
                "name": "Tổ hòa giải điểm",
                "programme": "1",
                "time": None,
                "participants": None,
                "effect": None,
            },
        ]
    )
    text = models_markdown(models, UNITS, outline)
    lines = text.splitlines()
    assert lines[0] == (
        "| STT | Tên mô hình, cách làm | Đơn vị | Thời gian | Số người tham gia | Hiệu quả |"
    )
    body = [line for line in lines[2:]]
    assert body[0].startswith("| **I** | **Chương trình 1: Tuyên truyền, vận động, tập hợp")
    assert body[2].startswith("| **II** | **Chương trình 2: Vận động Nhân dân thi đua")
    # within a programme, units in the list's order: An before Bình
    assert "Mô hình \\*A\\*" in body[3] and "khoảng 50" in body[3]
    assert "\\<script\\>x\\</script\\>" in body[4] and "1.200" in body[4] and "a \\| b" in body[4]
    assert "<script>" not in text.replace("\\<script\\>", "")
    assert models_markdown(models.iloc[0:0], UNITS, outline).startswith("Chưa có đơn vị")
    assert models_pointer(models, 2, outline, UNITS) == (
        "2 đơn vị đã báo cáo 2 mô hình, cách làm hiệu quả thuộc chương trình 2 "
        "(chi tiết tại Phụ lục II).\n"
    )
    assert models_pointer(models, 1, outline, UNITS).startswith("An đã báo cáo 1 mô hình")
    assert models_pointer(models, 5, outline, UNITS) == ""


def test_a_pointer_names_no_programme_the_outline_in_force_does_not_have(project):
    """Issue 20: “… 44 mô hình … thuộc chương trình 4” under the 2026 outline, which groups
    its work by section, not by programme: the group is named as the outline names it."""
    from baocao.config.catalog import load_catalogue

    period = "2026-H1"
    outline = load_outline(project.config, load_catalogue(project.config, period), period)
    models = pd.DataFrame(
        [
            {"unit_code": code, "stt": 1, "name": "Mô hình", "programme": "4"}
            for code in ("01", "02", "02")
        ]
        + [{"unit_code": "03", "stt": 1, "name": "Mô hình", "programme": "9"}]
    )
    pointer = models_pointer(models, 4, outline, UNITS)
    assert pointer == (
        "2 đơn vị đã báo cáo 3 mô hình, cách làm hiệu quả thuộc nội dung “Giám sát, phản "
        "biện xã hội; tham gia phòng, chống tham nhũng, lãng phí” (chi tiết tại Phụ lục II).\n"
    )
    table = models_markdown(models, UNITS, outline)
    assert "chương trình" not in (pointer + table).lower()
    assert "| **II** | **Mục 9** |" in table


def load_catalogue_real(project):
    from baocao.config.catalog import load_catalogue

    return load_catalogue(project.config)


def test_appendix_tables_split_a_section_too_wide_for_the_page():
    from baocao.report.compose import table_layout as tl
    from baocao.run.aggregate import appendix_table

    table = appendix_table(values_frame(CURRENT), CATALOGUE, UNITS)
    wide = appendix_tables(table, UNITS, CATALOGUE)
    assert [t.codes for t in wide] == [("so_cuoc", "tien"), ("tiep_nhan", "thanh", "hai_long")]
    assert [t.caption for t in wide] == ["Bảng 1. Mục một", "Bảng 2. Mục hai"]  # one number
    room = 60.0  # the second section (39 mm of figures) no longer fits: split
    narrow = appendix_tables(table, UNITS, CATALOGUE, room_mm=room)
    assert all(sum(t.widths_mm) <= room for t in narrow)
    assert [c for t in narrow for c in t.codes] == CATALOGUE.codes
    assert any(t.caption.endswith(". Mục hai (tiếp theo)") for t in narrow)
    for t in narrow:
        assert [r[1] for r in t.rows] == [*(u.short for u in UNITS), "Tổng cộng"]
        assert t.header[:2] == ["STT", "Đơn vị"]
    money = wide[0].header.index("Tiền vận động (triệu đồng)")
    assert wide[0].rows[-1][money] == format_cell(
        table.set_index("code").loc["tien", "total"], "money"
    )
    assert tl.APPENDIX_PT == 10


def test_every_money_cell_of_phu_luc_i_has_exactly_one_decimal():
    import re

    from baocao.run.aggregate import appendix_table

    table = appendix_table(values_frame(CURRENT), CATALOGUE, UNITS)
    money = [i.code for i in CATALOGUE.indicators if i.kind == "money"]
    assert money
    for shown in appendix_tables(table, UNITS, CATALOGUE):
        for code in set(shown.codes) & set(money):
            column = shown.codes.index(code) + 2  # after STT and Đơn vị
            cells = [row[column] for row in shown.rows if row[column] != "–"]
            assert cells
            assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*,\d", c) for c in cells), cells
