"""report/figures.py: the period's figures and their comparison with the same period a year
earlier, across a change of unit list and catalogue version."""

from __future__ import annotations

from report_frames import CATALOGUE, CURRENT, UNITS, figures, status_frame, values_frame

from baocao.config.catalog import parse_catalogue
from baocao.config.periods import Period
from baocao.config.units import Unit
from baocao.report.figures import build_figures, unit_change_sentence
from baocao.report.sentences import figure_names, figure_sentence, sources_note

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
    return build_figures(
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
    assert "giảm 92,5% so với cùng kỳ (800 cuộc)" in figure_sentence("so_cuoc", fs)
    assert "cùng kỳ" not in figure_sentence("tiep_nhan", fs)
    names = figure_names(fs, Period.parse("2021-H1"))
    assert names["tiep_nhan_cung_ky"] == "chưa có số liệu"
    note = sources_note(fs, Period.parse("2021-H1"))
    assert note.count("Từ ngày 01/7/2025") == 1 and "so sánh cùng kỳ ở cấp tỉnh" in note


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
    sentence = unit_change_sentence(old, new, units.province)
    assert sentence.startswith("Từ ngày 01/7/2025, tỉnh Lạng Sơn có 65 đơn vị cấp xã thay cho ")
    assert "11 đơn vị cấp huyện" in sentence and "Nghị quyết số 1672/NQ" in sentence
    assert sentence.endswith("so sánh cùng kỳ ở cấp tỉnh, với các chỉ tiêu có ở cả hai kỳ.")
    assert unit_change_sentence(old, units.list_for("2021-H1")) == ""
