"""Matching the unit names people write to the unit list of config/units.yml."""

from __future__ import annotations

import unicodedata

import pytest

from baocao.base.keys import match_key
from baocao.config.names import (
    ADMIN_PREFIXES,
    closest_units,
    foreign_level,
    resolve_unit,
    strip_admin_prefix,
    unit_levels,
    written_level,
)
from baocao.config.paths import ProjectPaths
from baocao.config.units import Unit, load_units


@pytest.fixture(scope="module")
def units_2021() -> tuple[Unit, ...]:
    return load_units(ProjectPaths.default().config).for_period("2021-H1")


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TP. Lạng Sơn", "tp lang son"),
        ("Thành phố Lạng Sơn", "thanh pho lang son"),
        ("  Huyện   Tràng\u00a0Định ", "huyen trang dinh"),
        ("ĐÌNH LẬP", "dinh lap"),
        ("Thụy", "thuy"),
        ("Thuỵ", "thuy"),
        ("hòa", "hoa"),
        ("hoà", "hoa"),
        (nfd("Hữu Lũng"), "huu lung"),
        ("Bắc-Sơn", "bac son"),
        ("Tràng\u200bĐịnh", "trangdinh"),  # a zero-width space is not a word break
        ("Chi_Lăng", "chi lang"),
        ("", ""),
        ("...", ""),
    ],
)
def test_match_key(text, expected):
    assert match_key(text) == expected


def test_match_key_agrees_on_tone_placement_and_normal_form():
    spellings = ["Thụy Hòa", "Thuỵ Hoà", nfd("Thụy Hòa"), nfd("Thuỵ Hoà"), "THỤY HÒA"]
    assert {match_key(s) for s in spellings} == {"thuy hoa"}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("huyen trang dinh", "trang dinh"),
        ("thanh pho lang son", "lang son"),
        ("tp lang son", "lang son"),
        ("thi xa ba don", "ba don"),
        ("thi tran na sam", "na sam"),
        ("xa tan thanh", "tan thanh"),
        ("huyen huyen", "huyen"),  # one prefix only
        ("tpls", "tpls"),  # a prefix must be a whole word
        ("xuan long", "xuan long"),
        ("huyen", "huyen"),  # nothing would be left
    ],
)
def test_strip_admin_prefix(key, expected):
    assert strip_admin_prefix(key) == expected


def test_admin_prefixes_are_folded():
    assert all(match_key(p) == p for p in ADMIN_PREFIXES)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Trang Dinh", "180"),
        ("Huyện Tràng Định", "180"),
        ("huyen trang dinh", "180"),
        ("HUYỆN TRÀNG ĐỊNH", "180"),
        ("H Tràng Định", None),  # "h" is not a prefix we strip
        ("Tràng Định", "180"),
        ("TP Lạng Sơn", "178"),
        ("Thành phố Lạng Sơn", "178"),
        ("tp. lang son", "178"),
        ("Thành phố LS", "178"),
        ("TPLS", "178"),
        ("Lạng Sơn", "178"),  # only after the prefix is stripped from the unit's name
        ("178", "178"),
        (" 178 ", "178"),
        ("Huyện Văn Lãng", "182"),
        ("van lang", "182"),
        ("Văn Quan", "184"),
        ("huyện Hữu Lũng", "186"),
        (nfd("Huyện Hữu Lũng"), "186"),
        (nfd("Lộc Bình"), "188"),
        ("Huyện Lạng Sơn", "178"),  # a level the list has need not be the unit's own
        ("Thị xã Đình Lập", None),  # a level the list does not have (no thị xã in 2021)
        ("Xã Bắc Sơn", None),  # a commune is no district
        ("Đình-Lập", "189"),
    ],
)
def test_resolve_unit_2021(units_2021, text, code):
    unit = resolve_unit(text, units_2021)
    assert (unit.code if unit else None) == code


@pytest.mark.parametrize("text", ["Hà Nội", "Huyện Na Rì", "179", "", "   ", "huyện"])
def test_unknown_names_resolve_to_none(units_2021, text):
    assert resolve_unit(text, units_2021) is None


def test_tone_placement_in_the_unit_list_does_not_matter():
    units = [Unit("1", "Xã Thụy Hòa", "Thụy Hòa"), Unit("2", "Xã Tân Thanh", "Tân Thanh")]
    for text in ["Thuỵ Hoà", "xa thuy hoa", nfd("Xã Thuỵ Hoà"), "Thụy Hòa"]:
        assert resolve_unit(text, units) == units[0]


def test_ambiguous_names_resolve_to_none():
    units = [
        Unit("01", "Xã Tân Thành", "X. Tân Thành"),
        Unit("02", "Phường Tân Thành", "P. Tân Thành"),
    ]
    assert resolve_unit("Tân Thành", units) is None  # both match once prefixes are stripped
    assert resolve_unit("tan thanh", units) is None
    assert resolve_unit("Thị trấn Tân Thành", units) is None
    assert resolve_unit("Xã Tân Thành", units) == units[0]
    assert resolve_unit("Phường Tân Thành", units) == units[1]
    assert resolve_unit("02", units) == units[1]


def test_a_name_two_units_both_claim_resolves_to_none():
    units = [Unit("01", "Xã Tân Thành", "Tân Thành"), Unit("02", "Xã Tân Thanh", "Tân Thành")]
    assert resolve_unit("Tân Thành", units) is None
    assert resolve_unit("Xã Tân Thanh", units) == units[1]


def test_diacritics_decide_when_only_they_differ():
    units = [Unit("01", "Xã Tân Lăng", "Tân Lăng"), Unit("02", "Xã Tân Lãng", "Tân Lãng")]
    assert resolve_unit("Tân Lãng", units) == units[1]
    assert resolve_unit(nfd("xã tân lăng"), units) == units[0]
    assert resolve_unit("Tan Lang", units) is None


def test_closest_units_suggests_near_spellings(units_2021):
    codes = [u.code for u in closest_units("Tràng Đinh huyện", units_2021)]
    assert codes[0] == "180"
    assert [u.code for u in closest_units("Van Lang", units_2021, n=2)] == ["182", "184"]
    assert [u.code for u in closest_units("Huyen Loc Binh", units_2021, n=1)] == ["188"]
    assert len(closest_units("Van", units_2021, n=3, cutoff=0.0)) == 3


def test_closest_units_returns_nothing_for_nonsense(units_2021):
    assert closest_units("zzzzzz", units_2021) == []


# --- 2026: the 65 communes; the period's unit list decides what a name means ---------------


@pytest.fixture(scope="module")
def units_2026() -> tuple[Unit, ...]:
    return load_units(ProjectPaths.default().config).for_period("2026-H1")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Xã Na Sầm", "06124"),
        ("Na Sam", "06124"),
        (nfd("xã Na Sầm"), "06124"),
        ("xã Bắc Sơn", "06325"),
        ("Bắc Sơn", "06325"),
        ("Phường Kỳ Lừa", "06187"),
        ("P. Kỳ Lừa", "06187"),
        ("phuong ky lua", "06187"),
        ("Thuỵ Hùng", "06148"),
        ("Xã Thụy Hùng", "06148"),
        ("Quý Hoà", "06076"),
        ("Tam Thanh", "05986"),
        ("06004", "06004"),
    ],
)
def test_commune_names_resolve_in_2026(units_2026, text, code):
    found = resolve_unit(text, units_2026)
    assert found is not None and found.code == code


def test_the_period_decides_what_a_shared_name_means(units_2021, units_2026):
    # Ten district names of 2021 are commune names of 2026.
    shared = {"Bắc Sơn", "Bình Gia", "Cao Lộc", "Chi Lăng", "Đình Lập", "Hữu Lũng", "Lộc Bình"}
    shared |= {"Tràng Định", "Văn Lãng", "Văn Quan"}
    for name in shared:
        old, new = resolve_unit(name, units_2021), resolve_unit(name, units_2026)
        assert old is not None and len(old.code) == 3, name
        assert new is not None and len(new.code) == 5 and new.name == f"Xã {name}", name
    assert resolve_unit("Bắc Sơn", units_2021).code == "185"
    assert resolve_unit("Bắc Sơn", units_2026).code == "06325"
    # A name of the other list is not found, not matched by code or lineage.
    assert resolve_unit("Hoàng Đồng", units_2026) is None  # old commune, now part of Tam Thanh
    assert resolve_unit("Na Sầm", units_2021) is None


# --- a level the period's list does not have never matches across levels ------------------


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Huyện Bắc Sơn", "huyện"),
        ("huyen binh gia", "huyện"),
        ("H. Đình Lập", "huyện"),
        ("Thị trấn Bắc Sơn", "thị trấn"),
        ("TT Bắc Sơn", "thị trấn"),
        ("Thành phố Lạng Sơn", "thành phố"),
        ("TP. Lạng Sơn", "thành phố"),
        ("Thị xã Đình Lập", "thị xã"),
        ("Quận Ba Đình", "quận"),
    ],
)
def test_names_of_levels_2026_does_not_have_name_no_commune(units_2026, text, level):
    assert written_level(text) == level
    assert foreign_level(text, units_2026) == level
    assert resolve_unit(text, units_2026) is None


@pytest.mark.parametrize("text", ["Xã Bắc Sơn", "xa binh gia", "Phường Kỳ Lừa", "X. Na Sầm"])
def test_commune_names_name_no_district_in_2021(units_2021, text):
    assert foreign_level(text, units_2021) in {"xã", "phường"}
    assert resolve_unit(text, units_2021) is None


def test_the_lists_levels_come_from_the_official_names(units_2021, units_2026):
    assert unit_levels(units_2021) == ("huyện", "thành phố")
    assert unit_levels(units_2026) == ("xã", "phường")
    # A list whose names carry no level word refuses no level.
    bare = [Unit("1", "Bắc Sơn", "Bắc Sơn")]
    assert foreign_level("Huyện Bắc Sơn", bare) is None
    assert resolve_unit("Huyện Bắc Sơn", bare) == bare[0]


def test_names_without_a_level_and_names_that_begin_like_one_still_resolve(units_2026):
    assert resolve_unit("Bắc Sơn", units_2026).code == "06325"
    assert resolve_unit("Bình Gia", units_2026).code == "06112"
    # "Quan" is also the word for a district (quận): the unit's own name still wins.
    assert resolve_unit("Quan Sơn", units_2026).code == "06517"
    assert resolve_unit("Văn Quan", units_2026).code == "06253"


def test_a_communes_own_first_word_is_not_taken_for_a_level(units_2026):
    # "Quan Sơn" begins like "Quận …": stripping it left "Sơn", and "son" named Xã Quan Sơn.
    assert resolve_unit("Sơn", units_2026) is None
    assert resolve_unit("son", units_2026) is None
