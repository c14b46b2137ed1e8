"""Periods: the canonical form, and every way an office writes one."""

from __future__ import annotations

import unicodedata

import pytest

from baocao.config.periods import Period, is_period, read_written_period


@pytest.mark.parametrize(
    ("written", "period"),
    [
        ("6 tháng đầu năm 2021", "2021-H1"),
        ("06 tháng đầu năm 2021", "2021-H1"),
        ("6 THÁNG ĐẦU NĂM 2021", "2021-H1"),
        ("sáu tháng đầu năm 2021", "2021-H1"),
        ("Sáu tháng cuối năm 2021", "2021-H2"),
        ("6 tháng cuối năm 2021", "2021-H2"),
        ("6T/2021", "2021-H1"),
        ("6T đầu năm 2021", "2021-H1"),
        ("6T cuối năm 2021", "2021-H2"),
        ("6 tháng/2021", "2021-H1"),
        ("6 tháng năm 2021", "2021-H1"),
        ("nửa đầu năm 2021", "2021-H1"),
        ("Kỳ báo cáo: 6 tháng đầu năm 2021", "2021-H1"),
        ("2021-H1", "2021-H1"),
        ("2021-h2", "2021-H2"),
        ("H2/2021", "2021-H2"),
        ("năm 2021", "2021"),
        ("Cả năm 2021", "2021"),
        ("12 tháng năm 2021", "2021"),
        ("2021", "2021"),
        (2021, "2021"),
        (unicodedata.normalize("NFD", "6 tháng đầu năm 2021"), "2021-H1"),
    ],
)
def test_every_way_an_office_writes_a_period_is_read(written, period):
    assert read_written_period(written) == Period.parse(period)


@pytest.mark.parametrize(
    "written", ["9 tháng năm 2021", "Quý I/2021", "2020-2021", "tháng 6", "", None, True]
)
def test_what_names_no_half_year_period_is_not_read(written):
    assert read_written_period(written) is None


def test_labels_are_the_report_words():
    assert Period.parse("2021-H1").label() == "6 tháng đầu năm 2021"
    assert Period.parse("2021-H2").label() == "6 tháng cuối năm 2021"
    assert Period.parse("2021").label() == "năm 2021"
    assert is_period("2021-H1") and not is_period("6 tháng đầu năm 2021")
