"""What a unit is told when it writes a name of a level its period's unit list does not have."""

from __future__ import annotations

import pytest

from baocao.config.level_change import level_change_advice, related_units, vn_date
from baocao.config.units import load_units


@pytest.fixture(scope="module")
def units(project):
    return load_units(project.config)


def test_a_district_in_2026_cites_the_change_and_names_the_commune_to_write(units):
    text = level_change_advice("Huyện Bắc Sơn", "huyện", units, "2026-H1")
    assert "“Huyện Bắc Sơn” là tên một huyện" in text
    assert "từ ngày 01/7/2025" in text and "1672/NQ-UBTVQH15" in text
    assert "không còn huyện" in text and "65 đơn vị là xã, phường" in text
    assert "Hãy ghi tên xã, phường gửi báo cáo, ví dụ “Xã Bắc Sơn”" in text
    # The communes formed from the old district's territory, the same-named one first.
    assert "Huyện Bắc Sơn: Xã Bắc Sơn, Xã Tân Tri, Xã Hưng Vũ" in text


def test_a_town_and_a_city_in_2026_point_to_their_successors(units):
    town = level_change_advice("Thị trấn Bắc Sơn", "thị trấn", units, "2026-H1")
    assert "không còn thị trấn" in town and "ví dụ “Xã Bắc Sơn”" in town
    city = level_change_advice("Thành phố Lạng Sơn", "thành phố", units, "2026-H1")
    assert "Phường Đông Kinh, Phường Lương Văn Tri, Phường Tam Thanh, Phường Kỳ Lừa" in city


def test_a_commune_in_2021_names_its_district_and_the_period_communes_belong_to(units):
    text = level_change_advice("Xã Long Đống", "xã", units, "2021-H1")
    assert "11 đơn vị là huyện, thành phố" in text
    assert "từ ngày 01/7/2025" in text and "kỳ 2025-H2 trở đi" in text
    assert "ví dụ “Huyện Bắc Sơn”" in text


def test_a_level_neither_list_has_cites_no_change(units):
    text = level_change_advice("Thị xã Đình Lập", "thị xã", units, "2021-H1")
    assert "không có thị xã" in text and "01/7/2025" not in text
    assert "ví dụ “Huyện Đình Lập”" in text


def test_lineage_relates_units_both_ways_and_never_by_name_alone(units):
    forward = [u.code for u in related_units("Huyện Đình Lập", units, "2026-H1")]
    assert forward == ["06613", "06616", "06625", "06637"]
    assert [u.code for u in related_units("Xã Bắc Sơn", units, "2021-H1")] == ["185"]
    assert related_units("Huyện Không Có", units, "2026-H1") == []


def test_dates_are_written_as_official_documents_write_them():
    from datetime import date

    assert vn_date(date(2025, 7, 1)) == "01/7/2025"
