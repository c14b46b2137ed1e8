"""report/parts.py: the parts of the report by profile (real outline and catalogue), the
notices."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from report_frames import status_frame, values_frame

from baocao.config.outline import load_outline
from baocao.config.periods import Period
from baocao.config.settings import load_report_settings
from baocao.report.compose.data import ISSUE_COLUMNS, ReportData
from baocao.report.compose.parts import (
    build_report,
    draft_notice,
    illustrative_notice,
    part_markdown,
    validation_annex,
)
from baocao.report.narrative.draft import NOTHING_TO_REPORT, Draft, draft_of
from baocao.report.narrative.markdown import Narrative
from baocao.report.narrative.source import NarrativeSource
from baocao.report.render.profiles import PROFILES, variants

# Part 1's first heading (config/outline.yml): the programme's number and its client's title.
OUTLINE_PROGRAMME_1 = (
    "1. Chương trình 1: Tuyên truyền, vận động, tập hợp các tầng lớp Nhân dân; củng cố, tăng "
    "cường, phát huy sức mạnh đại đoàn kết toàn dân tộc xây dựng và bảo vệ Tổ quốc Việt Nam xã "
    "hội chủ nghĩa"
)


def test_illustrative_notice():
    status = status_frame({"04": "chưa nộp"})
    assert illustrative_notice(status) == ""
    status.loc[status["unit_code"].isin(["01", "02"]), "illustrative"] = True
    notice = illustrative_notice(status)
    assert notice.startswith("**Số liệu minh họa — ")
    assert "2/3 đơn vị" in notice
    assert illustrative_notice(status.drop(columns="illustrative")) == ""


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
    return ReportData(
        period=Period.parse("2021-H1"),
        paths=project,
        catalogue=catalogue,
        units=units,
        settings=load_report_settings(project.config),
        values=values_frame(figures, excluded=frozenset({(units[0].code, "ctri_y_kien_tra_loi")})),
        status=status,
        models=pd.DataFrame(),
        issues=pd.DataFrame(columns=list(ISSUE_COLUMNS)),
        outline=load_outline(project.config, catalogue),
        narratives={
            "2.2": Narrative(
                "2.2", "Vận động được {quy_vnn_van_dong} (số liệu minh họa).", "n/2.2.md"
            ),
            "3.4-vu-viec": Narrative("3.4-vu-viec", "Vụ việc X (nội bộ).", "n/3.4-vu-viec.md"),
        },
    )


def test_internal_draft_shows_placeholders_internal_parts_and_links(real_data):
    report = build_report(real_data, profile="internal")
    part_one = part_markdown(report, "phan-thu-nhat")
    assert "\\[Chưa có nội dung\\]" in part_one
    assert "Vận động được 5,5 tỷ đồng (số liệu minh họa)." in part_one
    assert "Vụ việc X (nội bộ)." in part_one
    assert (
        "TP Lạng Sơn (số ý kiến, kiến nghị của cử tri đã được giải quyết, trả lời: không hợp lệ"
        in part_one
    )
    assert "bản nội bộ, không công bố" in part_one
    assert "notebooks/" in part_markdown(report, "phu-luc-1")
    annex = validation_annex(report)
    assert "Tình hình tiếp nhận số liệu của các đơn vị" in annex
    assert annex.startswith("::: {.internal}\n") and annex.rstrip().endswith(":::")
    assert "::: {.internal}\n\n**Các vụ việc có dấu hiệu tham nhũng" in part_one


def test_document_to_sign_has_the_restricted_part_without_the_analysts_material(real_data):
    """The official profile: the cases behind 3.4 (the signed report goes to superiors) under
    their title alone; no guidance, no notebook link; an empty section says so in one line."""
    report = build_report(real_data, profile="official")
    part_one = part_markdown(report, "phan-thu-nhat")
    assert "**Các vụ việc có dấu hiệu tham nhũng" in part_one and "Vụ việc X (nội bộ)." in part_one
    assert "không công bố" not in part_one and "{.internal}" not in part_one
    assert "Chưa có nội dung" in part_one and "Theo đề cương" not in part_one
    assert "notebooks/" not in part_markdown(report, "phu-luc-1")


def test_nothing_to_report_counts_as_written_and_prints_as_written(real_data, project):
    """`NOTHING_TO_REPORT` is text like any other: the section is written, printed as is."""
    ids = real_data.outline.text_ids()
    written = {sid: Narrative(sid, NOTHING_TO_REPORT, f"n/{sid}.md") for sid in ids}
    source = NarrativeSource(written, "markdown", "n")
    assert not draft_of(real_data.outline, source, real_data.period)
    blank = {**written, "6.3": Narrative("6.3", " \n", "n/6.3.md")}  # an empty file: not written
    draft = draft_of(real_data.outline, NarrativeSource(blank, "markdown", "n"), real_data.period)
    assert draft.empty == ("6.3. Các kiến nghị, đề xuất",)
    report = build_report(replace(real_data, narratives=written), profile="official")
    assert f"{NOTHING_TO_REPORT}\n" in part_markdown(report, "phan-thu-hai")


def test_a_draft_is_marked_in_the_document_to_sign_and_refused_on_the_public_page(real_data):
    draft = Draft(empty=("6.3. Các kiến nghị, đề xuất",), pending=2)
    notice = draft_notice(variants(build_report(replace(real_data, draft=draft))))
    assert set(notice) == set(PROFILES)
    assert notice["official"].startswith('::: {custom-style="Draft Mark"}\nDỰ THẢO\n:::')
    official = notice["official"].replace("\\", "")  # Markdown's escapes
    assert "Mục “6.3. Các kiến nghị, đề xuất” chưa có nội dung." in official
    assert "còn 2 thay đổi (Track Changes)" in notice["internal"]
    assert "{.du-thao}" in notice["public"]  # refused by the public page's check
    assert draft_notice(variants(build_report(real_data))) == {}  # a final report: nothing


def test_public_version_has_no_placeholder_no_internal_part_no_link(real_data):
    report = build_report(real_data, profile="public")
    text = "\n".join(
        part_markdown(report, p)
        for p in ("phan-thu-nhat", "phan-thu-hai", "phu-luc-1", "phu-luc-2")
    )
    assert "Chưa có nội dung" not in text
    assert "Vụ việc X" not in text and "bản nội bộ" not in text
    assert "notebooks/" not in text
    assert "Vận động được 5,5 tỷ đồng (số liệu minh họa)." in text
    # the part's sources note says which unit is missing (once), without the internal detail
    assert "(chưa nộp: " in text and "chưa tính vào tổng" not in text


def test_headings_follow_the_outline_in_order(real_data):
    report = build_report(real_data, profile="internal")
    text = "\n".join(
        part_markdown(report, p)
        for p in ("phan-thu-nhat", "phan-thu-hai", "phu-luc-1", "phu-luc-2")
    )
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[:4] == [
        "# Phần thứ nhất",
        "## KẾT QUẢ CÔNG TÁC MẶT TRẬN 6 THÁNG ĐẦU NĂM 2021",
        f"### {OUTLINE_PROGRAMME_1}",
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
    report = build_report(real_data).with_charts(
        {"quy_vnn": "figures/quy_vnn.png", "covid": "figures/covid.png"}
    )
    text = part_markdown(report, "phan-thu-nhat")
    first = text.index("![Biểu đồ 1\\. Tiếp nhận ủng hộ")
    second = text.index("![Biểu đồ 2\\. Quỹ “Vì người nghèo”")
    assert first < second
    assert "](figures/covid.png)" in text and "](figures/quy_vnn.png)" in text
