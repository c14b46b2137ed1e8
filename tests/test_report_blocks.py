"""The report's blocks: escaping, the sentences built from figures, the appendices, profiles.

Small hand-made frames with a small catalogue for the sentences (so every expected string can be
worked out by hand), and the real configuration for the parts of the report.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from baocao.config.catalog import parse_catalogue
from baocao.config.outline import load_outline
from baocao.config.periods import Period
from baocao.config.settings import load_report_settings
from baocao.config.units import Unit
from baocao.report import blocks as rb
from baocao.report.narrative import Narrative

CATALOGUE = parse_catalogue(
    {
        "sections": {"1": "Mục một", "2": "Mục hai"},
        "indicators": [
            {
                "code": "so_cuoc",
                "section": "1",
                "label": "Số cuộc",
                "unit": "cuộc",
                "kind": "count",
            },
            {
                "code": "tien",
                "section": "1",
                "label": "Tiền vận động",
                "unit": "đồng",
                "kind": "money",
            },
            {
                "code": "tiep_nhan",
                "section": "2",
                "label": "Số vụ tiếp nhận",
                "unit": "vụ",
                "kind": "count",
            },
            {
                "code": "thanh",
                "section": "2",
                "label": "Số vụ hòa giải thành",
                "unit": "vụ",
                "kind": "count",
                "rules": [{"rule": "not_above", "other": "tiep_nhan", "severity": "error"}],
            },
            {
                "code": "hai_long",
                "section": "2",
                "label": "Tỷ lệ hài lòng",
                "unit": "%",
                "kind": "percent",
                "total": {"method": "weighted_mean", "weight": "tiep_nhan"},
            },
        ],
    }
)
UNITS = (
    Unit("01", "Huyện An", "An"),
    Unit("02", "Huyện Bình", "Bình"),
    Unit("03", "Huyện Cường", "Cường"),
    Unit("04", "Huyện Đông", "Đông"),
)


def values_frame(figures: dict, excluded: frozenset = frozenset(), period: str = "2021-H1"):
    """Tidy values: {(unit, code): value or None}; `excluded` cells break an error rule."""
    rows = []
    for (unit, code), value in figures.items():
        rows.append(
            {
                "period": period,
                "unit_code": unit,
                "indicator_code": code,
                "value": value,
                "reported": value is not None,
                "included": value is not None and (unit, code) not in excluded,
                "source_file": f"{unit}.xlsx",
                "sheet": "Số liệu",
                "cell": f"E{len(rows) + 5}",
            }
        )
    return pd.DataFrame(rows)


def status_frame(states: dict[str, str]):
    return pd.DataFrame(
        [
            {
                "unit_code": u.code,
                "unit_name": u.name,
                "state": states.get(u.code, "hợp lệ"),
                "rows_read": 5,
                "errors": 0,
                "warnings": 0,
                "illustrative": False,
            }
            for u in UNITS
        ]
    )


CURRENT = {
    ("01", "so_cuoc"): 10,
    ("02", "so_cuoc"): 30,
    ("03", "so_cuoc"): 20,
    ("01", "tien"): 250_000_000,
    ("02", "tien"): 1_500_000_000,
    ("03", "tien"): None,  # left blank
    ("01", "tiep_nhan"): 40,
    ("02", "tiep_nhan"): 60,
    ("03", "tiep_nhan"): 100,
    ("01", "thanh"): 30,
    ("02", "thanh"): 45,
    ("03", "thanh"): 120,  # above tiep_nhan: excluded
    ("01", "hai_long"): 80.0,
    ("02", "hai_long"): 90.0,
    ("03", "hai_long"): 85.0,
}
PREVIOUS = {
    ("01", "so_cuoc"): 20,
    ("02", "so_cuoc"): 20,
    ("03", "so_cuoc"): 10,
    ("01", "tien"): 1_750_000_000,
    ("01", "tiep_nhan"): 100,
    ("01", "thanh"): 50,
    ("01", "hai_long"): 86.0,
}


def figures(previous: bool = True, states: dict | None = None):
    states = states if states is not None else {"04": "chưa nộp"}
    return rb.build_figures(
        values_frame(CURRENT, excluded=frozenset({("03", "thanh")})),
        status_frame(states),
        CATALOGUE,
        UNITS,
        previous_values=values_frame(PREVIOUS, period="2020-H1") if previous else None,
    )


# --- escaping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("Mô hình “Dân vận khéo”", "Mô hình “Dân vận khéo”"),
        ("a | b", "a \\| b"),
        ("*đậm* _nghiêng_", "\\*đậm\\* \\_nghiêng\\_"),
        ("[liên kết](http://x)", "\\[liên kết\\](http://x)"),
        ("# tiêu đề", "\\# tiêu đề"),
        ("`mã`", "\\`mã\\`"),
        ("Tom & Jerry", "Tom \\& Jerry"),
        ("1. mục", "1\\. mục"),
        ("- gạch", "\\- gạch"),
        ("dòng một\ndòng  hai\r\n", "dòng một dòng hai"),
        ("a\u200bb\x07c", "abc"),  # invisible and control characters dropped
        ("Thu\u0309y", "Thủy"),  # NFD in, NFC out
        (None, ""),
        (float("nan"), ""),
        (1234, "1234"),
    ],
)
def test_md_escape(raw, expected):
    assert rb.md_escape(raw) == expected


def test_md_escape_survives_pandoc_as_text():
    import pypandoc

    nasty = "<script>alert('x')</script> | **đậm** [a](b) `c` # d & e_f ~g~ ^h^ $i$ @j"
    html = pypandoc.convert_text(rb.md_escape(nasty), "html", format="markdown")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>" not in html and "<a " not in html and "<code>" not in html
    from bs4 import BeautifulSoup

    shown = " ".join(BeautifulSoup(html, "html.parser").get_text().split())
    assert shown == nasty


# --- sentences -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "previous", "expected"),
    [
        (
            "so_cuoc",
            True,
            "Số cuộc: 60 cuộc, tăng 20,0% so với cùng kỳ (50 cuộc); "
            "dẫn đầu là Bình (30 cuộc), Cường (20 cuộc), An (10 cuộc).",
        ),
        (
            "so_cuoc",
            False,
            "Số cuộc: 60 cuộc; dẫn đầu là Bình (30 cuộc), Cường (20 cuộc), An (10 cuộc).",
        ),
        (
            "tien",
            True,
            "Tiền vận động: 1,75 tỷ đồng, bằng cùng kỳ (1,75 tỷ đồng); "
            "dẫn đầu là Bình (1,5 tỷ đồng), An (250 triệu đồng).",
        ),
        (
            # the excluded figure of Cường is out of the total and of the share
            "thanh",
            True,
            "Số vụ hòa giải thành: 75 vụ, bằng 75,0% số vụ tiếp nhận, "
            "tăng 50,0% so với cùng kỳ (50 vụ); dẫn đầu là Bình (45 vụ), An (30 vụ).",
        ),
        (
            # weighted by tiep_nhan: (80*40 + 90*60 + 85*100) / 200 = 85.5
            "hai_long",
            True,
            "Tỷ lệ hài lòng: bình quân 85,5%, giảm 0,5 điểm phần trăm so với cùng kỳ (86,0%); "
            "dẫn đầu là Bình (90,0%), Cường (85,0%), An (80,0%).",
        ),
    ],
)
def test_figure_sentence(code, previous, expected):
    assert rb.figure_sentence(code, figures(previous=previous)) == expected


def test_sentence_when_nobody_reported():
    fs = rb.build_figures(
        values_frame({("01", "so_cuoc"): None}), status_frame({}), CATALOGUE, UNITS
    )
    assert rb.figure_sentence("so_cuoc", fs) == "Số cuộc: chưa có đơn vị báo cáo."


def test_leading_units_need_two_units_and_keep_the_list_order_on_ties():
    assert rb.leading_units({"a": 5.0}) == []
    assert rb.leading_units({"a": 5.0, "b": float("nan")}) == []
    assert rb.leading_units({"a": 1.0, "b": 3.0, "c": 3.0, "d": 2.0}) == [
        ("b", 3.0),
        ("c", 3.0),
        ("d", 2.0),
    ]
    assert rb.leading_units({"a": 0.0, "b": 0.0}) == []


@pytest.mark.parametrize(
    ("current", "previous", "kind", "expected"),
    [
        (115.2, 100, "count", "tăng 15,2% so với cùng kỳ (100 cuộc)"),
        (97, 100, "count", "giảm 3,0% so với cùng kỳ (100 cuộc)"),
        (5, 0, "count", "cùng kỳ: 0 cuộc"),
        (5, None, "count", None),
        (float("nan"), 3, "count", None),
        (88.5, 92.0, "percent", "giảm 3,5 điểm phần trăm so với cùng kỳ (92,0%)"),
        (90.0, 90.0, "percent", "bằng cùng kỳ (90,0%)"),
    ],
)
def test_change_phrase(current, previous, kind, expected):
    meta = rb.Meta("x", "X", "cuộc", kind, "1")
    assert rb.change_phrase(current, previous, meta) == expected


def test_gaps_name_units_that_did_not_send_and_blank_or_excluded_figures():
    fs = figures()
    detailed = rb.gaps_sentence(fs.codes_of("1"), fs, detailed=True)
    assert (
        detailed
        == "*Số liệu chưa gồm: Đông (chưa nộp báo cáo); Cường (tiền vận động: để trống).*\n"
    )
    section_2 = rb.gaps_sentence(fs.codes_of("2"), fs, detailed=True)
    assert "Cường (số vụ hòa giải thành: không hợp lệ, chưa tính vào tổng)" in section_2
    public = rb.gaps_sentence(fs.codes_of("2"), fs, detailed=False)
    assert public == "*Số liệu chưa gồm: Đông (chưa nộp báo cáo); Cường (số vụ hòa giải thành).*\n"
    everyone = figures(states={})
    assert rb.gaps_sentence(["so_cuoc"], everyone, detailed=True) == ""


def test_section_figures_markdown_is_dash_paragraphs_then_gaps():
    text = rb.section_figures_markdown("1", figures())
    paragraphs = text.strip().split("\n\n")
    assert paragraphs[0].startswith("\\- Số cuộc: 60 cuộc")
    assert paragraphs[1].startswith("\\- Tiền vận động: 1,75 tỷ đồng")
    assert paragraphs[2].startswith("*Số liệu chưa gồm: Đông")
    assert rb.section_figures_markdown("9", figures()) == ""


def test_sources_note_with_and_without_earlier_data():
    period = Period.parse("2021-H1")
    with_previous = rb.sources_note(figures(), period)
    assert with_previous == (
        "Số liệu trong báo cáo được tổng hợp từ báo cáo của 3/4 đơn vị (chưa nộp: Đông); "
        "các so sánh “cùng kỳ” là so với 6 tháng đầu năm 2020.\n"
    )
    without = rb.sources_note(figures(previous=False), period)
    assert "Chưa có số liệu cùng kỳ (6 tháng đầu năm 2020)" in without
    assert "không được so sánh với cùng kỳ" in without


def test_figure_names_for_narratives():
    names = rb.figure_names(figures(), Period.parse("2021-H1"))
    assert names["so_cuoc"] == "60 cuộc"
    assert names["so_cuoc_cung_ky"] == "50 cuộc"
    assert names["so_cuoc_thay_doi"] == "tăng 20,0% so với cùng kỳ"
    assert names["so_cuoc_dan_dau"] == "Bình (30 cuộc), Cường (20 cuộc), An (10 cuộc)"
    assert names["thanh_ty_le"] == "75,0%"
    assert "so_cuoc_ty_le" not in names
    assert names["tien"] == "1,75 tỷ đồng"
    assert names["ky_bao_cao"] == "6 tháng đầu năm 2021"
    assert names["ky_toi"] == "6 tháng cuối năm 2021"
    assert names["so_don_vi_nop"] == "3" and names["tong_so_don_vi"] == "4"
    assert names["don_vi_chua_nop"] == "Đông"
    without = rb.figure_names(figures(previous=False), Period.parse("2021-H1"))
    assert without["so_cuoc_thay_doi"] == "chưa có số liệu cùng kỳ để so sánh"
    assert without["so_cuoc_cung_ky"] == "chưa có số liệu"


@pytest.mark.parametrize(
    ("value", "kind", "unit", "expected"),
    [
        (1357, "count", "căn", "1.357 căn"),
        (12_500_000_000, "money", "đồng", "12,5 tỷ đồng"),
        (350_000_000, "money", "đồng", "350 triệu đồng"),
        (85.25, "percent", "%", "85,3%"),
        (float("nan"), "count", "căn", "–"),
    ],
)
def test_format_figure(value, kind, unit, expected):
    assert rb.format_figure(value, kind, unit) == expected


# --- appendices and the internal annex -----------------------------------------------------


def test_appendix_links_units_to_notebooks_only_when_asked():
    from baocao.run.aggregate import appendix_table

    table = appendix_table(values_frame(CURRENT), CATALOGUE, UNITS)
    plain = rb.appendix_markdown(table, UNITS, CATALOGUE)
    linked = rb.appendix_markdown(table, UNITS, CATALOGUE, notebook_links=True)
    assert "notebooks/" not in plain
    rows = [line for line in linked.splitlines() if line.startswith("| ")]
    assert any("| [An](notebooks/01.html) |" in r for r in rows)
    assert any("| [Đông](notebooks/04.html) |" in r for r in rows)
    assert rows[-1].startswith("|  | **Tổng cộng** |")  # the province's row closes each table
    partly = rb.appendix_markdown(
        table, UNITS, CATALOGUE, notebook_links=True, without_notebook=["04"]
    )
    assert "[An](notebooks/01.html)" in partly and "| Đông |" in partly
    assert "notebooks/04.html" not in partly


def test_status_links_only_units_that_sent_a_file():
    status = status_frame({"04": "chưa nộp"})
    text = rb.status_markdown(status, notebook_links=True)
    assert "[Huyện An](notebooks/01.html)" in text
    assert "notebooks/04.html" not in text
    assert "notebooks/" not in rb.status_markdown(status)


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
    text = rb.models_markdown(models, UNITS, outline)
    lines = text.splitlines()
    assert lines[0] == (
        "| STT | Tên mô hình, cách làm | Đơn vị | Thời gian | Số người tham gia | Hiệu quả |"
    )
    body = [line for line in lines[2:]]
    assert body[0].startswith("| **I** | **Nội dung chương trình 1** |")
    assert body[2].startswith("| **II** | **Nội dung chương trình 2** |")
    # within a programme, units in the list's order: An before Bình
    assert "Mô hình \\*A\\*" in body[3] and "khoảng 50" in body[3]
    assert "\\<script\\>x\\</script\\>" in body[4] and "1.200" in body[4] and "a \\| b" in body[4]
    assert "<script>" not in text.replace("\\<script\\>", "")
    assert rb.models_markdown(models.iloc[0:0], UNITS, outline).startswith("Chưa có đơn vị")
    assert rb.models_pointer(models, 2) == (
        "Các đơn vị đã báo cáo 2 mô hình, cách làm hiệu quả thuộc chương trình 2 "
        "(chi tiết tại Phụ lục II).\n"
    )
    assert rb.models_pointer(models, 5) == ""


def load_catalogue_real(project):
    from baocao.config.catalog import load_catalogue

    return load_catalogue(project.config)


def test_issues_and_excluded_figures_are_listed_and_escaped():
    issues = pd.DataFrame(
        [
            {
                "unit_code": "02",
                "unit_name": "Huyện Bình",
                "severity": "warning",
                "kind": "k",
                "message": "Ô ghi “<b>12</b>”",
                "sheet": "Số liệu",
                "cell": "E7",
            },
            {
                "unit_code": "02",
                "unit_name": "Huyện Bình",
                "severity": "error",
                "kind": "k",
                "message": "Sai _quy tắc_",
                "sheet": None,
                "cell": None,
            },
        ]
    )
    text = rb.issues_markdown(issues, status_frame({"04": "chưa nộp"}), UNITS)
    rows = text.splitlines()[2:4]
    assert rows[0].startswith("| 1 | Bình | Lỗi | – | Sai \\_quy tắc\\_ |")
    assert rows[1] == "| 2 | Bình | Cảnh báo | trang “Số liệu”, ô E7 | Ô ghi “\\<b\\>12\\</b\\>” |"
    assert "Đơn vị không có lỗi, cảnh báo: An, Cường." in text
    assert rb.issues_markdown(issues.iloc[0:0], status_frame({}), UNITS).startswith("Không đơn vị")

    values = values_frame(CURRENT, excluded=frozenset({("03", "thanh")}))
    excluded = rb.excluded_markdown(values, CATALOGUE, UNITS)
    assert "| 1 | Cường | Số vụ hòa giải thành | 120 | trang “Số liệu”, ô E16 |" in excluded
    clean = values_frame(CURRENT)
    assert rb.excluded_markdown(clean, CATALOGUE, UNITS).startswith("Không có số liệu nào")


def test_illustrative_notice():
    status = status_frame({"04": "chưa nộp"})
    assert rb.illustrative_notice(status) == ""
    status.loc[status["unit_code"].isin(["01", "02"]), "illustrative"] = True
    notice = rb.illustrative_notice(status)
    assert notice.startswith("**Số liệu minh họa — ")
    assert "2/3 đơn vị" in notice
    assert rb.illustrative_notice(status.drop(columns="illustrative")) == ""


# --- the parts of the report, by profile (real outline and catalogue) ----------------------


@pytest.fixture(scope="module")
def real_data(project):
    from baocao.config.catalog import load_catalogue
    from baocao.config.units import load_units

    catalogue = load_catalogue(project.config)
    units = load_units(project.config).for_period("2021-H1")
    figures = {}
    for index, unit in enumerate(units[:-1]):
        for code in ("quy_vnn_van_dong", "ctri_y_kien_tap_hop", "ctri_y_kien_tra_loi"):
            figures[(unit.code, code)] = (index + 1) * (100_000_000 if code[0] == "q" else 10)
    states = {units[-1].code: "chưa nộp"}
    status = pd.DataFrame(
        [
            {
                "unit_code": u.code,
                "unit_name": u.name,
                "state": states.get(u.code, "hợp lệ"),
                "rows_read": 3,
                "errors": 0,
                "warnings": 0,
                "illustrative": True,
            }
            for u in units
        ]
    )
    return rb.ReportData(
        period=Period.parse("2021-H1"),
        paths=project,
        catalogue=catalogue,
        units=units,
        settings=load_report_settings(project.config),
        values=values_frame(figures, excluded=frozenset({(units[0].code, "ctri_y_kien_tra_loi")})),
        status=status,
        models=pd.DataFrame(),
        issues=pd.DataFrame(columns=list(rb.ISSUE_COLUMNS)),
        outline=load_outline(project.config, catalogue),
        narratives={
            "2.2": Narrative(
                "2.2", "Vận động được {quy_vnn_van_dong} (số liệu minh họa).", "n/2.2.md"
            ),
            "3.4-vu-viec": Narrative("3.4-vu-viec", "Vụ việc X (nội bộ).", "n/3.4-vu-viec.md"),
        },
    )


def test_internal_draft_shows_placeholders_internal_parts_and_links(real_data):
    report = rb.build_report(real_data, profile="internal")
    part_one = rb.part_markdown(report, "phan-thu-nhat")
    assert "\\[Chưa có nội dung\\]" in part_one
    assert "Vận động được 5,5 tỷ đồng (số liệu minh họa)." in part_one
    assert "Vụ việc X (nội bộ)." in part_one
    assert (
        "TP Lạng Sơn (số ý kiến, kiến nghị của cử tri đã được giải quyết, trả lời: không hợp lệ"
        in part_one
    )
    assert "bản nội bộ, không công bố" in part_one
    assert "notebooks/" in rb.part_markdown(report, "phu-luc-1")
    annex = rb.validation_annex(report)
    assert "Tình hình tiếp nhận số liệu của các đơn vị" in annex
    assert annex.startswith("::: {.internal}\n") and annex.rstrip().endswith(":::")
    assert "::: {.internal}\n\n**Các vụ việc có dấu hiệu tham nhũng" in part_one


def test_public_version_has_no_placeholder_no_internal_part_no_link(real_data):
    report = rb.build_report(real_data, profile="public")
    text = "\n".join(
        rb.part_markdown(report, p)
        for p in ("phan-thu-nhat", "phan-thu-hai", "phu-luc-1", "phu-luc-2")
    )
    assert "Chưa có nội dung" not in text
    assert "Vụ việc X" not in text and "bản nội bộ" not in text
    assert "notebooks/" not in text
    assert "Vận động được 5,5 tỷ đồng (số liệu minh họa)." in text
    # the gaps say which unit is missing, without the internal detail
    assert "chưa nộp báo cáo" in text and "chưa tính vào tổng" not in text


def test_headings_follow_the_outline_in_order(real_data):
    report = rb.build_report(real_data, profile="internal")
    text = "\n".join(
        rb.part_markdown(report, p)
        for p in ("phan-thu-nhat", "phan-thu-hai", "phu-luc-1", "phu-luc-2")
    )
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[:4] == [
        "# Phần thứ nhất",
        "## KẾT QUẢ CÔNG TÁC MẶT TRẬN 6 THÁNG ĐẦU NĂM 2021",
        "### 1. Nội dung chương trình 1",
        "#### 1.1. Công tác tuyên truyền, vận động các tầng lớp nhân dân",
    ]
    numbered = [h.split(" ", 1)[1] for h in headings if h.startswith("#### ")]
    assert [n.split(" ")[0] for n in numbered[:13]] == [
        "1.1.",
        "1.2.",
        "2.1.",
        "2.2.",
        "2.3.",
        "2.4.",
        "2.5.",
        "3.1.",
        "3.2.",
        "3.3.",
        "3.4.",
        "6.1.",
        "6.2.",
    ]
    level_one = [h for h in headings if h.startswith("# ")]
    assert level_one == ["# Phần thứ nhất", "# Phần thứ hai", "# Phụ lục I", "# Phụ lục II"]


def test_chart_links_are_numbered_in_section_order(real_data):
    report = rb.build_report(real_data).with_charts(
        {"quy_vnn": "figures/quy_vnn.png", "covid": "figures/covid.png"}
    )
    text = rb.part_markdown(report, "phan-thu-nhat")
    first = text.index("![Biểu đồ 1\\. Tiếp nhận ủng hộ")
    second = text.index("![Biểu đồ 2\\. Quỹ “Vì người nghèo”")
    assert first < second
    assert "](figures/covid.png)" in text and "](figures/quy_vnn.png)" in text


def test_share_is_nan_without_a_base():
    fs = figures()
    table = fs.table.copy()
    table.loc["tiep_nhan", ["01", "02", "03", "04"]] = float("nan")
    assert math.isnan(rb.share_value(table, "thanh", "tiep_nhan", ["01", "02", "03", "04"]))


def test_status_at_65_units_lists_only_the_units_needing_attention():
    rows = [
        {
            "unit_code": f"S{i:04d}",
            "unit_name": f"Xã Thử Nghiệm {i}",
            "state": "hợp lệ",
            "rows_read": 40,
            "errors": 0,
            "warnings": 0,
        }
        for i in range(1, 66)
    ]
    rows[2].update(state="chưa nộp", rows_read=0)
    rows[9].update(state="có lỗi", errors=2)
    rows[40].update(state="có cảnh báo", warnings=1)
    text = rb.status_markdown(pd.DataFrame(rows), notebook_links=True)
    table_rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(table_rows) == 3  # the header, the unit with errors, the unit with a warning
    assert "[Xã Thử Nghiệm 10](notebooks/S0010.html)" in table_rows[1]
    assert "[Xã Thử Nghiệm 41](notebooks/S0041.html)" in table_rows[2]
    assert "Đã tiếp nhận tệp số liệu của 64/65 đơn vị" in text
    assert "Đơn vị chưa nộp tệp số liệu (1): Xã Thử Nghiệm 3." in text
    assert "Đơn vị có tệp số liệu hợp lệ (62): [Xã Thử Nghiệm 1](notebooks/S0001.html)" in text
    assert "notebooks/S0003.html" not in text
    every = pd.DataFrame(rows).assign(state="hợp lệ", errors=0, warnings=0)
    calm = rb.status_markdown(every)
    assert "| " not in calm and "Tất cả các đơn vị đã nộp tệp số liệu." in calm


def test_appendix_tables_split_a_section_too_wide_for_the_page():
    from baocao.report import table_layout as tl
    from baocao.run.aggregate import appendix_table

    table = appendix_table(values_frame(CURRENT), CATALOGUE, UNITS)
    wide = rb.appendix_tables(table, UNITS, CATALOGUE)
    assert [t.codes for t in wide] == [("so_cuoc", "tien"), ("tiep_nhan", "thanh", "hai_long")]
    assert [t.caption for t in wide] == ["Bảng 1. 1. Mục một", "Bảng 2. 2. Mục hai"]
    room = 60.0  # the second section (39 mm of figures) no longer fits: split
    narrow = rb.appendix_tables(table, UNITS, CATALOGUE, room_mm=room)
    assert all(sum(t.widths_mm) <= room for t in narrow)
    assert [c for t in narrow for c in t.codes] == CATALOGUE.codes
    assert any(t.caption.endswith("2. Mục hai (tiếp theo)") for t in narrow)
    for t in narrow:
        assert [r[1] for r in t.rows] == [*(u.short for u in UNITS), "Tổng cộng"]
        assert t.header[:2] == ["STT", "Đơn vị"]
    money = wide[0].header.index("Tiền vận động (triệu đồng)")
    assert wide[0].rows[-1][money] == rb._fmt(table.set_index("code").loc["tien", "total"], "money")
    assert tl.APPENDIX_PT == 10


# --- comparisons across a change of unit list and catalogue version ------------------------

# The same period a year earlier, reported by two other units under a catalogue version that
# has "so_cuoc" and "tien" (same codes, same meaning) but not "tiep_nhan"/"thanh"/"hai_long",
# and an indicator of its own.
OLD_CATALOGUE = parse_catalogue(
    {
        "sections": {"1": "Mục một"},
        "indicators": [
            {
                "code": "so_cuoc",
                "section": "1",
                "label": "Số cuộc",
                "unit": "cuộc",
                "kind": "count",
            },
            {"code": "tien", "section": "1", "label": "Tiền", "unit": "đồng", "kind": "money"},
            {"code": "cu", "section": "1", "label": "Chỉ tiêu cũ", "unit": "lần", "kind": "count"},
        ],
    }
)
OLD_UNITS = (Unit("01", "Huyện Xưa", "Xưa"), Unit("99", "Huyện Cũ", "Cũ"))
OLD_VALUES = {
    ("01", "so_cuoc"): 500,  # code "01" was another unit: never compared with today's "01"
    ("99", "so_cuoc"): 300,
    ("01", "tien"): 1_000_000_000,
    ("99", "cu"): 7,
}
CHANGE = "Từ ngày 01/7/2025, tỉnh có 4 đơn vị cấp xã thay cho 2 đơn vị cấp huyện; so sánh cùng kỳ ở cấp tỉnh."


def restructured_figures(unit_change: str = CHANGE):
    return rb.build_figures(
        values_frame(CURRENT, excluded=frozenset({("03", "thanh")})),
        status_frame({"04": "chưa nộp"}),
        CATALOGUE,
        UNITS,
        previous_values=values_frame(OLD_VALUES, period="2020-H1"),
        previous_units=OLD_UNITS,
        previous_catalogue=OLD_CATALOGUE,
        unit_change=unit_change,
    )


def test_across_unit_lists_only_province_totals_of_shared_codes_compare():
    fs = restructured_figures()
    assert not fs.compare_units
    # No unit column survives from the other list, and only codes of both versions remain.
    assert list(fs.previous.columns) == ["code", "section", "label", "unit", "total"]
    assert set(fs.previous.index) == {"so_cuoc", "tien"}
    assert fs.previous.loc["so_cuoc", "total"] == 800
    # 60 cuộc now against 800 a year earlier, province totals.
    assert "giảm 92,5% so với cùng kỳ (800 cuộc)" in rb.figure_sentence("so_cuoc", fs)
    assert "cùng kỳ" not in rb.figure_sentence("tiep_nhan", fs)
    names = rb.figure_names(fs, Period.parse("2021-H1"))
    assert names["tiep_nhan_cung_ky"] == "chưa có số liệu"
    note = rb.sources_note(fs, Period.parse("2021-H1"))
    assert note.count("Từ ngày 01/7/2025") == 1 and "so sánh cùng kỳ ở cấp tỉnh" in note


def test_another_unit_list_is_never_compared_by_unit_even_without_a_sentence():
    fs = restructured_figures(unit_change="")
    assert not fs.compare_units
    assert "01" not in fs.previous.columns
    assert "Từ ngày" not in rb.sources_note(fs, Period.parse("2021-H1"))


def test_the_same_unit_list_still_compares_unit_by_unit():
    fs = figures()
    assert fs.compare_units and fs.unit_change == ""
    assert fs.previous.loc["so_cuoc", "01"] == 20


def test_compare_chart_across_unit_lists_shows_the_province_only():
    from baocao.config.outline import ChartSpec
    from baocao.report import charts

    spec = ChartSpec("c", "compare", ("so_cuoc",), "Số cuộc, so với cùng kỳ")
    period = Period.parse("2021-H1")
    across = charts.report_chart(spec, restructured_figures(), period)
    labels = [t.get_text() for t in across.axes[0].get_yticklabels()]
    assert labels == [charts.PROVINCE_LABEL]
    same = charts.report_chart(spec, figures(), period)
    assert [t.get_text() for t in same.axes[0].get_yticklabels()] != [charts.PROVINCE_LABEL]


def test_unit_change_sentence_from_the_unit_lists(project):
    from baocao.config.units import load_units

    units = load_units(project.config)
    old, new = units.list_for("2025-H1"), units.list_for("2026-H1")
    sentence = rb.unit_change_sentence(old, new, units.province)
    assert sentence.startswith("Từ ngày 01/7/2025, tỉnh Lạng Sơn có 65 đơn vị cấp xã thay cho ")
    assert "11 đơn vị cấp huyện" in sentence and "Nghị quyết số 1672/NQ" in sentence
    assert sentence.endswith("so sánh cùng kỳ ở cấp tỉnh, với các chỉ tiêu có ở cả hai kỳ.")
    assert rb.unit_change_sentence(old, units.list_for("2021-H1")) == ""
