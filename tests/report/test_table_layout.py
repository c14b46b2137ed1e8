"""Measured text widths (Times metrics, DejaVu Serif as LibreOffice's substitute) and the
packing of Phụ lục I's columns into tables that fit a page."""

from __future__ import annotations

import unicodedata

import pytest

from baocao.report.compose import table_layout as tl


def test_times_figures_are_half_an_em():
    # Times New Roman's figures are 0.5 em, its period and comma 0.25 em: at 10 pt,
    # "1.584,1" is 5 × 0.5 + 2 × 0.25 = 3 em = 30 pt.
    assert tl.times_width_mm("1.584,1", 10) == pytest.approx(30 * tl.MM_PER_PT)
    assert tl.times_width_mm("0000", 12) == pytest.approx(24 * tl.MM_PER_PT)


def test_cell_width_covers_the_wider_substitute_font():
    for text in ("1.584,1", "12.345.678", "Tổng cộng"):
        assert tl.cell_width_mm(text, 10) > tl.times_width_mm(text, 10)
    assert tl.cell_width_mm("123", 10, bold=True) >= tl.cell_width_mm("123", 10) * 0.99


def test_vietnamese_letters_measure_as_their_base_letter():
    assert tl.times_width_mm("Ỷ", 10) == pytest.approx(tl.times_width_mm("Y", 10))
    nfd = unicodedata.normalize("NFD", "Tổng cộng")
    assert tl.cell_width_mm(nfd, 10) == pytest.approx(tl.cell_width_mm("Tổng cộng", 10))


def test_figure_column_keeps_figures_and_heading_words_whole():
    heading = "Số lượt người tham dự các buổi tuyên truyền (lượt người)"
    width = tl.figure_column_mm(heading, ["1.234", "56", "123.456.789"], 10)
    assert width >= tl.cell_width_mm("123.456.789", 10, bold=True) + tl.cell_pad_mm()
    assert width >= tl.cell_width_mm(heading, 10, True) / tl.HEADER_LINES + tl.cell_pad_mm()


@pytest.mark.parametrize(
    ("widths", "room", "runs"),
    [
        ([10, 20, 30], 100, [[0, 1, 2]]),
        ([60, 50, 40, 10], 100, [[0], [1, 2, 3]]),
        ([120, 30], 100, [[0], [1]]),  # too wide alone: a table of its own
        ([], 100, []),
    ],
)
def test_pack_columns(widths, room, runs):
    assert tl.pack_columns(widths, room) == runs
