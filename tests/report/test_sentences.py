"""report/sentences.py: the sentences built from figures, the gaps, the sources note, the names
narratives use.

Small hand-made frames with a small catalogue (`report_frames`), so every expected string can be
worked out by hand.
"""

from __future__ import annotations

import math

import pytest
from report_frames import CATALOGUE, CURRENT, UNITS, figures, status_frame, values_frame

from baocao.config.periods import Period
from baocao.report.compose.figures import Meta, build_figures
from baocao.report.compose.leaders import (
    leaders_clause,
    leaders_text,
    leading_units,
    nobody_leads,
)
from baocao.report.compose.sentences import (
    change_phrase,
    figure_names,
    figure_sentence,
    gaps_sentence,
    section_figures_markdown,
    share_value,
    sources_note,
)


@pytest.mark.parametrize(
    ("code", "previous", "expected"),
    [
        (
            # most figures here compare over 1 unit (the usual basis, said once in the
            # sources note): this one, over 3, names its own
            "so_cuoc",
            True,
            "Số cuộc: 60 cuộc, tăng 20,0% so với cùng kỳ (50 cuộc, tính trên 3 đơn vị có số "
            "liệu cả hai kỳ); dẫn đầu là Bình (30 cuộc), Cường (20 cuộc), An (10 cuộc).",
        ),
        (
            "so_cuoc",
            False,
            "Số cuộc: 60 cuộc; dẫn đầu là Bình (30 cuộc), Cường (20 cuộc), An (10 cuộc).",
        ),
        (
            "tien",
            True,
            # a year earlier only An had a figure: An against An, not two units against one;
            # the figure compared is not the one stated, so its basis is named even though it
            # is the usual one
            "Tiền vận động: 1,75 tỷ đồng, giảm 85,7% so với cùng kỳ (250 triệu đồng so với "
            "1,75 tỷ đồng, tính trên 1 đơn vị có số liệu cả hai kỳ); "
            "dẫn đầu là Bình (1,5 tỷ đồng), An (250 triệu đồng).",
        ),
        (
            # the excluded figure of Cường is out of the total and of the share
            "thanh",
            True,
            "Số vụ hòa giải thành: 75 vụ, bằng 75,0% số vụ tiếp nhận, giảm 40,0% so với cùng "
            "kỳ (30 vụ so với 50 vụ, tính trên 1 đơn vị có số liệu cả hai kỳ); "
            "dẫn đầu là Bình (45 vụ), An (30 vụ).",
        ),
        (
            # weighted by tiep_nhan: (80*40 + 90*60 + 85*100) / 200 = 85.5; a year earlier only
            # An's 86,0%: a mean over other units does not compare, and the sources note says
            # why, once
            "hai_long",
            True,
            "Tỷ lệ hài lòng: bình quân 85,5%; dẫn đầu là Bình (90,0%), Cường (85,0%), An (80,0%).",
        ),
    ],
)
def test_figure_sentence(code, previous, expected):
    assert figure_sentence(code, figures(previous=previous)) == expected


def test_sentence_when_nobody_reported():
    fs = build_figures(values_frame({("01", "so_cuoc"): None}), status_frame({}), CATALOGUE, UNITS)
    assert figure_sentence("so_cuoc", fs) == "Số cuộc: chưa có đơn vị báo cáo."


def test_leading_units_need_two_units_and_keep_the_list_order_on_ties():
    assert leading_units({"a": 5.0}) == []
    assert leading_units({"a": 5.0, "b": float("nan")}) == []
    assert leading_units({"a": 1.0, "b": 3.0, "c": 3.0, "d": 2.0}) == [
        ("b", 3.0),
        ("c", 3.0),
        ("d", 2.0),
    ]
    assert leading_units({"a": 0.0, "b": 0.0}) == []


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
    meta = Meta("x", "X", "cuộc", kind, "1")
    assert change_phrase(current, previous, meta) == expected


def test_gaps_name_blank_or_excluded_figures_and_leave_units_that_sent_nothing_to_the_note():
    """Đông sent nothing: the part's sources note names it once, not every section."""
    fs = figures()
    detailed = gaps_sentence(fs.codes_of("1"), fs, detailed=True)
    assert detailed == "*Số liệu chưa gồm: Cường (tiền vận động: để trống).*\n"
    section_2 = gaps_sentence(fs.codes_of("2"), fs, detailed=True)
    assert "Cường (số vụ hòa giải thành: không hợp lệ, chưa tính vào tổng)" in section_2
    public = gaps_sentence(fs.codes_of("2"), fs, detailed=False)
    assert public == "*Số liệu chưa gồm: Cường (số vụ hòa giải thành).*\n"
    assert gaps_sentence(["so_cuoc"], fs, detailed=True) == ""
    assert "chưa nộp: Đông" in sources_note(fs, Period.parse("2021-H1"))


def test_section_figures_markdown_is_dash_paragraphs_then_gaps():
    text = section_figures_markdown("1", figures())
    paragraphs = text.strip().split("\n\n")
    assert paragraphs[0].startswith("\\- Số cuộc: 60 cuộc")
    assert paragraphs[1].startswith("\\- Tiền vận động: 1,75 tỷ đồng")
    assert paragraphs[2].startswith("*Số liệu chưa gồm: Cường")
    assert section_figures_markdown("9", figures()) == ""


def test_sources_note_with_and_without_earlier_data():
    period = Period.parse("2021-H1")
    with_previous = sources_note(figures(), period)
    assert with_previous == (
        "Số liệu trong báo cáo được tổng hợp từ báo cáo của 3/4 đơn vị (chưa nộp: Đông); "
        "các so sánh “cùng kỳ” là so với 6 tháng đầu năm 2020, tính trên 1 đơn vị có số liệu "
        "cả hai kỳ (chỉ tiêu tính trên số đơn vị khác có ghi rõ). Số bình quân của tỷ lệ hài "
        "lòng chưa so sánh được với cùng kỳ vì số đơn vị có số liệu khác nhau giữa hai kỳ.\n"
    )
    # a part whose figures all compare over the same units as their totals says nothing more
    assert sources_note(figures(), period, ["so_cuoc"]).endswith("6 tháng đầu năm 2020.\n")
    without = sources_note(figures(previous=False), period)
    assert "Chưa có số liệu cùng kỳ (6 tháng đầu năm 2020)" in without
    assert "không được so sánh với cùng kỳ" in without


def test_figure_names_for_narratives():
    names = figure_names(figures(), Period.parse("2021-H1"))
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
    without = figure_names(figures(previous=False), Period.parse("2021-H1"))
    assert without["so_cuoc_thay_doi"] == "chưa có số liệu cùng kỳ để so sánh"
    assert without["so_cuoc_cung_ky"] == "chưa có số liệu"


def test_share_is_nan_without_a_base():
    fs = figures()
    table = fs.table.copy()
    table.loc["tiep_nhan", ["01", "02", "03", "04"]] = float("nan")
    assert math.isnan(share_value(table, "thanh", "tiep_nhan", ["01", "02", "03", "04"]))


# --- "dẫn đầu là …" never ranks ties ------------------------------------------------------


def _meta():
    return Meta("x", "X", "cuộc", "count", "1")


def test_most_units_sharing_the_top_are_no_leaders():
    """30 of 64 communes at 2 cuộc, the rest at 1: nobody stands out, nothing is said."""
    by_unit = {f"{i:02d}": 2.0 for i in range(30)} | {f"{i:02d}": 1.0 for i in range(30, 64)}
    names = {code: f"Xã {code}" for code in by_unit}
    assert leaders_text(by_unit, _meta(), names) == ""
    assert leaders_clause(by_unit, _meta(), names) == ""
    assert leading_units(by_unit) == []
    assert (
        nobody_leads(by_unit, _meta()) == "không có đơn vị dẫn đầu (30/64 đơn vị cùng đạt 2 cuộc)"
    )


def test_a_tie_that_makes_the_whole_total_is_not_a_leader():
    """Issue 20: “dẫn đầu là 28 đơn vị cùng đạt 1 hoạt động” when the total is 28."""
    by_unit = {f"{i:02d}": 1.0 for i in range(28)} | {f"{i:02d}": 0.0 for i in range(28, 64)}
    names = {code: f"Xã {code}" for code in by_unit}
    assert leaders_clause(by_unit, _meta(), names) == ""
    # ... nor when few units make it (4 of 64 at 1, the rest at 0: the total is 4)
    few = {f"{i:02d}": 1.0 for i in range(4)} | {f"{i:02d}": 0.0 for i in range(4, 64)}
    assert leaders_clause(few, _meta(), {c: c for c in few}) == ""


def test_a_few_units_sharing_the_top_are_counted_once_without_dan_dau():
    """7 of 64 communes at 6, others lower but not nothing: said, once, without a ranking."""
    by_unit = (
        {f"{i:02d}": 6.0 for i in range(7)}
        | {f"{i:02d}": 3.0 for i in range(7, 40)}
        | {f"{i:02d}": 2.0 for i in range(40, 64)}
    )
    names = {code: f"Xã {code}" for code in by_unit}
    assert leaders_clause(by_unit, _meta(), names) == "7 đơn vị cùng đạt cao nhất 6 cuộc"
    # 16 of 64 at the top is a quarter of the communes: not news, nothing said
    many = {f"{i:02d}": 3.0 for i in range(16)} | {f"{i:02d}": 1.0 for i in range(16, 64)}
    assert leaders_clause(many, _meta(), {c: c for c in many}) == ""


def test_tied_leaders_are_named_together_once():
    """Issue 20: “Đồng Đăng (204 lượt người), Kỳ Lừa (204 lượt người), Thiện Tân (204 …)”."""
    names = {"a": "Đồng Đăng", "b": "Kỳ Lừa", "c": "Thiện Tân", "d": "Na Sầm", "e": "Bình Gia"}
    top = {"a": 204.0, "b": 204.0, "c": 204.0, "d": 150.0, "e": 90.0}
    assert leaders_clause(top, _meta(), names) == (
        "dẫn đầu là Đồng Đăng, Kỳ Lừa và Thiện Tân (cùng 204 cuộc)"
    )
    second = {"a": 10.0, "b": 8.0, "c": 8.0, "d": 1.0, "e": 0.0}
    assert (
        leaders_text(second, _meta(), names)
        == "Đồng Đăng (10 cuộc), Kỳ Lừa và Thiện Tân (cùng 8 cuộc)"
    )


def test_all_units_at_the_same_figure_have_no_leader():
    by_unit = {f"{i:02d}": 1.0 for i in range(64)}
    assert leaders_text(by_unit, _meta(), {c: c for c in by_unit}) == ""
    assert leading_units(by_unit) == []


def test_a_tie_at_the_cut_is_left_out_and_units_above_it_are_named():
    by_unit = {"a": 10.0, "b": 8.0, "c": 5.0, "d": 5.0, "e": 5.0, "f": 1.0}
    assert leading_units(by_unit) == [("a", 10.0), ("b", 8.0)]
    names = {c: c.upper() for c in by_unit}
    assert leaders_text(by_unit, _meta(), names) == "A (10 cuộc), B (8 cuộc)"


def test_sentence_and_narrative_name_of_a_figure_every_unit_shares(tmp_path):
    values = {(u.code, "so_cuoc"): 1 for u in UNITS}
    fs = build_figures(values_frame(values), status_frame({}), CATALOGUE, UNITS)
    assert figure_sentence("so_cuoc", fs) == "Số cuộc: 4 cuộc."
    names = figure_names(fs, Period.parse("2021-H1"))
    assert names["so_cuoc_dan_dau"] == "các đơn vị cùng đạt 1 cuộc"


def test_a_figure_filled_in_but_unreadable_is_not_called_blank():
    """The unit wrote “khoảng 120” (or the cell showed #DIV/0!): reported, no value, left
    out of the totals — the report says it was not valid, never that it was left blank."""

    values = values_frame(CURRENT, excluded=frozenset({("03", "thanh")}))
    unreadable = (values["unit_code"] == "01") & (values["indicator_code"] == "so_cuoc")
    values.loc[unreadable, ["value", "reported", "included"]] = [None, True, False]
    fs = build_figures(values, status_frame({}), CATALOGUE, UNITS)
    said = gaps_sentence(["so_cuoc"], fs, detailed=True)
    assert "An (số cuộc: không hợp lệ, chưa tính vào tổng)" in said and "để trống" not in said


def test_a_file_no_figure_could_be_read_from_is_named_once_not_figure_by_figure():
    """Cường's file had no sheet of figures: it is left out of “tổng hợp từ … đơn vị” with its
    reason, and not listed as leaving every figure blank."""
    from baocao.report.compose.sentences import sources_note

    values = values_frame({**CURRENT, **{k: None for k in CURRENT if k[0] == "03"}})
    fs = build_figures(values, status_frame({"03": "có lỗi", "04": "chưa nộp"}), CATALOGUE, UNITS)
    assert fs.unreadable_units == ("03",)
    note = sources_note(fs, Period.parse("2021-H1"))
    assert "tổng hợp từ báo cáo của 2/4 đơn vị (chưa nộp: Đông; tệp không đọc được: Cường)" in note
    said = gaps_sentence(["so_cuoc", "tien"], fs, detailed=True)
    assert "Cường" not in said and "để trống" not in said
