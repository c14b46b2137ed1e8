"""report/figures.py: the period's figures and their comparison with the same period a year
earlier, across a change of unit list and catalogue version."""

from __future__ import annotations

from report_frames import CATALOGUE, CURRENT, SO_CUOC, UNITS, figures, status_frame, values_frame

from baocao.config.catalog import parse_catalogue
from baocao.config.periods import Period
from baocao.config.units import Unit
from baocao.report.compose.figures import build_figures, unit_change_sentence
from baocao.report.compose.sentences import (
    figure_names,
    figure_sentence,
    section_figures_markdown,
    sources_note,
)

# The same period a year earlier, reported by two other units under a catalogue version that
# has "so_cuoc" and "tien" (same codes, same meaning) but not "tiep_nhan"/"thanh"/"hai_long",
# and an indicator of its own.
OLD_CATALOGUE = parse_catalogue(
    {
        "sections": {"1": "Mục một"},
        "indicators": [
            SO_CUOC,
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


def restructured_figures(unit_change: str = CHANGE, everyone: bool = False):
    """The period on its new unit list; `everyone`: unit 04 sent its figures too."""
    current = {**CURRENT, ("04", "so_cuoc"): 0} if everyone else CURRENT
    return build_figures(
        values_frame(current, excluded=frozenset({("03", "thanh")})),
        status_frame({} if everyone else {"04": "chưa nộp"}),
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
    # Unit 04 sent nothing: 60 cuộc of 3 units is not set against 800 of the whole province;
    # the sentence leaves the comparison out and the sources note says why, once.
    assert "cùng kỳ" not in figure_sentence("so_cuoc", fs)
    # Every unit's figure in: 60 cuộc now against 800 a year earlier, province totals.
    whole = restructured_figures(everyone=True)
    assert "giảm 92,5% so với cùng kỳ (800 cuộc)" in figure_sentence("so_cuoc", whole)
    assert "cùng kỳ" not in figure_sentence("tiep_nhan", fs)
    names = figure_names(fs, Period.parse("2021-H1"))
    assert names["tiep_nhan_cung_ky"] == "chưa có số liệu"
    note = sources_note(fs, Period.parse("2021-H1"))
    assert note.count("Từ ngày 01/7/2025") == 1 and "so sánh cùng kỳ ở cấp tỉnh" in note
    assert note.count("chưa so sánh được với cùng kỳ") == 1
    assert "Tổng của tỉnh kỳ này còn thiếu số liệu của đơn vị chưa nộp báo cáo" in note
    # Issue 20: nothing here compares, so the note never says what “cùng kỳ” comparisons are
    # with; it names the earlier period where it says none is made.
    assert "các so sánh “cùng kỳ”" not in note
    assert note.startswith("Số liệu trong báo cáo được tổng hợp từ báo cáo của 3/4 đơn vị ")
    assert "chưa so sánh được với cùng kỳ (6 tháng đầu năm 2020): các chỉ tiêu chỉ nêu" in note
    assert "chưa so sánh" not in section_figures_markdown("1", fs)
    # Every unit in for so_cuoc, Cường's tien still blank: only tien is named, once.
    mixed = sources_note(whole, Period.parse("2021-H1"))
    assert mixed.count("chưa so sánh được với cùng kỳ") == 1
    assert "; các so sánh “cùng kỳ” là so với 6 tháng đầu năm 2020." in mixed
    assert "Chỉ tiêu kỳ này còn đơn vị chưa có số liệu (tiền vận động) chỉ nêu số" in mixed
    # a narrative still gets the reason with the figure it names
    assert names["so_cuoc_thay_doi"] == (
        "chưa so sánh được với cùng kỳ (kỳ này còn 1 đơn vị chưa có số liệu)"
    )


def test_another_unit_list_is_never_compared_by_unit_even_without_a_sentence():
    fs = restructured_figures(unit_change="")
    assert not fs.compare_units
    assert "01" not in fs.previous.columns
    assert "Từ ngày" not in sources_note(fs, Period.parse("2021-H1"))


def test_the_same_unit_list_still_compares_unit_by_unit():
    fs = figures()
    assert fs.compare_units and fs.unit_change == ""
    assert fs.previous.loc["so_cuoc", "01"] == 20


def test_compare_chart_across_unit_lists_shows_the_province_only():
    from baocao.config.outline import ChartSpec
    from baocao.report.compose import charts

    spec = ChartSpec("c", "compare", ("so_cuoc",), "Số cuộc, so với cùng kỳ")
    period = Period.parse("2021-H1")
    across = charts.report_chart(spec, restructured_figures(everyone=True), period)
    labels = [t.get_text() for t in across.axes[0].get_yticklabels()]
    assert labels == [charts.PROVINCE_LABEL]
    # With a commune's figure missing, the province's fall would be that gap: no chart.
    assert charts.report_chart(spec, restructured_figures(), period) is None
    same = charts.report_chart(spec, figures(), period)
    assert [t.get_text() for t in same.axes[0].get_yticklabels()] != [charts.PROVINCE_LABEL]


def test_unit_change_sentence_from_the_unit_lists(project):
    from baocao.config.units import load_units

    units = load_units(project.config)
    old, new = units.list_for("2025-H1"), units.list_for("2026-H1")
    sentence = unit_change_sentence(old, new, units.province)
    assert sentence.startswith("Từ ngày 01/7/2025, tỉnh Lạng Sơn có 65 đơn vị cấp xã thay cho ")
    assert "11 đơn vị cấp huyện" in sentence and "Nghị quyết số 1672/NQ" in sentence
    assert sentence.endswith("so sánh cùng kỳ ở cấp tỉnh, với các chỉ tiêu có ở cả hai kỳ.")
    assert unit_change_sentence(old, units.list_for("2021-H1")) == ""


# --- figures that follow the unit list (catalogue `scales_with_unit_list`) -----------------


def _board_catalogue(flag: bool):
    """So_cuoc, and "so_ban" (one board per unit), flagged as following the unit list or not."""
    return parse_catalogue(
        {
            "sections": {"1": "Mục một"},
            "indicators": [
                SO_CUOC,
                {
                    "code": "so_ban",
                    "section": "1",
                    "label": "Số Ban Thanh tra nhân dân",
                    "unit": "ban",
                    "kind": "count",
                    "scales_with_unit_list": flag,
                },
            ],
        }
    )


def _board_figures(*, previous_units, unit_change, flag=True, everyone=False):
    """Boards per unit now and a year earlier; `everyone`: unit 04 sent its board too."""
    boards = UNITS if everyone else UNITS[:3]
    now = {(u.code, "so_ban"): 1 for u in boards} | {("01", "so_cuoc"): 5, ("02", "so_cuoc"): 7}
    before_units = previous_units or UNITS
    before = {(u.code, "so_ban"): 20 for u in before_units} | {(before_units[0].code, "so_cuoc"): 9}
    return build_figures(
        values_frame(now),
        status_frame({} if everyone else {"04": "chưa nộp"}),
        _board_catalogue(flag),
        UNITS,
        previous_values=values_frame(before, period="2020-H1"),
        previous_units=previous_units,
        previous_catalogue=_board_catalogue(flag),
        unit_change=unit_change,
    )


def test_a_figure_that_follows_the_unit_list_is_stated_without_comparison_across_lists():
    fs = _board_figures(previous_units=OLD_UNITS, unit_change=CHANGE)
    # 3 boards for 3 communes against 40 for 2 districts: the units changed, not the work.
    assert figure_sentence("so_ban", fs) == "Số Ban Thanh tra nhân dân: 3 ban."
    assert fs.not_compared == ("so_ban",)
    # Other figures compare at province level, once every unit of the period has its figure
    # (here 03 left it blank and 04 sent nothing).
    assert "cùng kỳ" not in figure_sentence("so_cuoc", fs)
    names = figure_names(fs, Period.parse("2021-H1"))
    assert names["so_ban_thay_doi"].startswith("không so sánh với cùng kỳ")
    assert names["so_ban_cung_ky"] == names["so_ban_thay_doi"]
    note = sources_note(fs, Period.parse("2021-H1"))
    # A part whose one figure follows the unit list compares nothing: said once, with the
    # earlier period, never “các so sánh “cùng kỳ” là so với …”.
    alone = sources_note(fs, Period.parse("2021-H1"), ["so_ban"])
    assert "các so sánh" not in alone
    assert alone.endswith(" Không chỉ tiêu nào được so sánh với cùng kỳ (6 tháng đầu năm 2020).\n")
    # one figure: "Chỉ tiêu …", never "Các chỉ tiêu" before one
    assert (
        " Chỉ tiêu có số lượng theo số đơn vị (số Ban Thanh tra nhân dân) chỉ nêu số của kỳ, "
        "không so sánh với cùng kỳ." in note
    )


def test_the_same_figure_compares_with_the_same_unit_list_and_when_not_flagged():
    same = _board_figures(previous_units=None, unit_change="")
    # 04 sent nothing this period: the three units that have a board in both periods compare
    # (3 against 60), not 3 against the whole province's 80.
    assert (
        "giảm 95,0% so với cùng kỳ (60 ban, tính trên 3 đơn vị có số liệu cả hai kỳ)"
        in figure_sentence("so_ban", same)
    )
    assert same.not_compared == ()
    names = figure_names(same, Period.parse("2021-H1"))
    assert names["so_ban_cung_ky"] == "80 ban"  # what was reported a year earlier
    assert names["so_ban_thay_doi"] == (
        "giảm 95,0% so với cùng kỳ (tính trên 3 đơn vị có số liệu cả hai kỳ)"
    )
    unflagged = _board_figures(
        previous_units=OLD_UNITS, unit_change=CHANGE, flag=False, everyone=True
    )
    assert "so với cùng kỳ (40 ban)" in figure_sentence("so_ban", unflagged)


def test_the_2026_catalogue_flags_the_figures_that_follow_the_unit_list(project):
    from baocao.config.catalog import load_catalogue

    for period in ("2021-H1", "2026-H1"):
        catalogue = load_catalogue(project.config, period)
        flagged = {i.code for i in catalogue.indicators if i.scales_with_unit_list}
        assert {"ttnd_so_ban", "gsdtcd_so_ban", "hg_so_to", "tt_bao_cao_y_kien"} <= flagged
        # Figures of work done are compared.
        assert not flagged & {"quy_vnn_van_dong", "tt_so_cuoc", "hg_vu_tiep_nhan", "gs_chu_tri"}
