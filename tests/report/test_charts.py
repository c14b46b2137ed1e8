"""The charts: real PNG files, Vietnamese titles and numbers, grey print, same bytes twice."""

from __future__ import annotations

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from baocao.config.catalog import load_catalogue
from baocao.config.outline import load_outline
from baocao.config.periods import Period
from baocao.config.units import load_units
from baocao.report.compose import charts
from baocao.report.compose.figures import build_figures

PERIOD = Period.parse("2021-H1")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1500, "1.500"), (2.5, "2,5"), (0, "0"), (1234567.891, "1.234.567,89"), (float("nan"), "")],
)
def test_tick_labels_are_vietnamese(value, expected):
    assert charts.vn_tick(value) == expected


@pytest.mark.parametrize(
    ("largest", "expected"),
    [
        (2_500_000_000, (1e9, "tỷ đồng")),
        (350_000_000, (1e6, "triệu đồng")),
        (850_000, (1.0, "đồng")),
    ],
)
def test_money_scale(largest, expected):
    assert charts.money_scale(largest) == expected


def _title(figure) -> str:
    return " ".join(figure._suptitle.get_text().split())


def test_shapes_carry_vietnamese_titles_and_axis_labels():
    labels = ["TP Lạng Sơn", "Tràng Định", "Đình Lập"]
    stacked = charts.stacked_bars(
        labels,
        {"Tiền mặt": [1.5e9, 0.8e9, None], "Hiện vật": [0.2e9, 0.3e9, None]},
        "Tiếp nhận ủng hộ phòng, chống dịch Covid-19",
        "Tỷ đồng",
        divisor=1e9,
    )
    axes = stacked.axes[0]
    assert _title(stacked) == "Tiếp nhận ủng hộ phòng, chống dịch Covid-19"
    assert axes.get_xlabel() == "Tỷ đồng"
    assert [t.get_text() for t in axes.get_yticklabels()] == labels  # already by value
    texts = [t.get_text().strip() for t in axes.texts]
    assert "1,7" in texts and "chưa có số liệu" in texts
    # grey print: no bar is coloured, the second series is hatched
    for patch in axes.patches:
        r, g, b, _ = patch.get_facecolor()
        assert r == pytest.approx(g) == pytest.approx(b)
    assert any(p.get_hatch() for p in axes.patches)

    compare = charts.compare_bars(
        labels,
        [10, 20, None],
        [8, None, 5],
        ("6 tháng đầu năm 2021", "6 tháng đầu năm 2020"),
        "Nhà Đại đoàn kết",
        "Căn",
    )
    legend = [t.get_text() for t in compare.axes[0].get_legend().get_texts()]
    assert legend == ["6 tháng đầu năm 2021", "6 tháng đầu năm 2020"]

    share = charts.share_bars(labels, [80.4, None, 100.0], 85.25, "Tỷ lệ ý kiến đã trả lời")
    texts = [t.get_text().strip() for t in share.axes[0].texts]
    assert "80,4%" in texts and "chưa có số liệu" in texts
    assert share.axes[0].get_legend().get_texts()[0].get_text() == "Bình quân: 85,3%"


def test_many_units_keep_the_largest_ranked_and_say_how_many():
    labels = [f"Xã {i}" for i in range(65)]
    figure = charts.share_bars(labels, [float(i % 50) for i in range(65)], None, "Tỷ lệ")
    shown = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert len(shown) == charts.MAX_UNITS == 18
    assert shown[:3] == ["Xã 49", "Xã 48", "Xã 47"]  # the largest on top, in order
    assert "(18 đơn vị lớn nhất trong 65 đơn vị)" in _title(figure)
    # With its caption, a chart fills at most half a page: none leaves half a page empty.
    compare = charts.compare_bars(labels, list(range(65)), list(range(65)), ("a", "b"), "T", "C")
    assert len(compare.axes[0].get_yticklabels()) == charts.max_units(2) == 11  # 2021's 11 all
    for chart in (figure, compare):
        assert chart.get_figheight() <= charts.MAX_HEIGHT


def test_units_are_ranked_by_value_units_without_figures_last():
    labels = ["An", "Bình", "Cường", "Dũng"]
    figure = charts.compare_bars(labels, [5, None, 20, 10], [1, 99, 3, 4], ("a", "b"), "T", "Căn")
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == [
        "Cường",
        "Dũng",
        "An",
        "Bình",
    ]
    assert "lớn nhất" not in _title(figure)  # every unit is drawn


@pytest.fixture(scope="module")
def report_figures(project):
    catalogue = load_catalogue(project.config)
    units = load_units(project.config).for_period("2021-H1")
    outline = load_outline(project.config, catalogue)

    def values(scale: int, skip: str | None):
        return pd.DataFrame(
            [
                {
                    "unit_code": u.code,
                    "indicator_code": c,
                    "value": (i + 1) * scale,
                    "reported": True,
                    "included": True,
                }
                for i, u in enumerate(units)
                if u.code != skip
                for c in catalogue.codes
            ]
        )

    status = pd.DataFrame(
        [{"unit_code": u.code, "unit_name": u.name, "state": "hợp lệ"} for u in units]
    )
    figures = build_figures(
        values(1_000_000, "189"), status, catalogue, units, outline, values(900_000, None), units
    )
    return outline, figures


def test_write_charts_writes_readable_pngs(tmp_path, report_figures):
    outline, figures = report_figures
    written = charts.write_charts(outline, figures, PERIOD, tmp_path / "figures")
    assert set(written) == set(outline.charts)
    for chart_id, path in written.items():
        assert path == tmp_path / "figures" / f"{chart_id}.png"
        image = mpimg.imread(path)
        assert image.ndim == 3 and image.shape[1] == int(charts.WIDTH * charts.DPI)
        # grey print: every pixel has equal red, green and blue
        assert np.allclose(image[..., 0], image[..., 1]) and np.allclose(
            image[..., 1], image[..., 2]
        )


def test_same_data_same_bytes(tmp_path, report_figures):
    outline, figures = report_figures
    first = charts.write_charts(outline, figures, PERIOD, tmp_path / "a")
    second = charts.write_charts(outline, figures, PERIOD, tmp_path / "b")
    for chart_id in first:
        assert first[chart_id].read_bytes() == second[chart_id].read_bytes(), chart_id


def test_report_chart_titles_come_from_the_outline(report_figures):
    outline, figures = report_figures
    figure = charts.report_chart(outline.charts["quy_vnn"], figures, PERIOD)
    assert _title(figure) == outline.charts["quy_vnn"].title
    assert figure.axes[0].get_xlabel() == "Triệu đồng"


def test_no_chart_without_figures(project):
    catalogue = load_catalogue(project.config)
    units = load_units(project.config).for_period("2021-H1")
    outline = load_outline(project.config, catalogue)
    empty = pd.DataFrame(
        [
            {
                "unit_code": units[0].code,
                "indicator_code": "tt_so_cuoc",
                "value": 3,
                "reported": True,
                "included": True,
            }
        ]
    )
    status = pd.DataFrame(
        [{"unit_code": u.code, "unit_name": u.name, "state": "hợp lệ"} for u in units]
    )
    figures = build_figures(empty, status, catalogue, units, outline)
    for spec in outline.charts.values():
        assert charts.report_chart(spec, figures, PERIOD) is None
