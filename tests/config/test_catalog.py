import unicodedata

import pytest
import yaml

from baocao.config.catalog import parse_catalogue
from baocao.config.periods import Period
from baocao.config.units import parse_units
from baocao.errors import ConfigError


def test_catalogue_codes_are_stable_ascii_and_unique(catalogue):
    codes = catalogue.codes
    assert len(codes) == len(set(codes)) >= 40
    assert all(code.isascii() and code == code.lower() for code in codes)


def test_every_text_is_nfc_and_every_section_has_indicators(catalogue):
    for indicator in catalogue.indicators:
        assert unicodedata.is_normalized("NFC", indicator.label)
        assert indicator.section in catalogue.sections
    assert all(catalogue.by_section()[s] for s in catalogue.sections)


def test_kind_rules_apply_to_every_indicator(catalogue):
    for indicator in catalogue.indicators:
        names = {r.rule for r in indicator.rules}
        assert ("between" if indicator.kind == "percent" else "non_negative") in names


def test_resolved_not_above_received_is_an_error_and_covid_allocation_a_warning(catalogue):
    rules = {(i.code, r.rule): r for i in catalogue.indicators for r in i.rules}
    assert rules[("hg_vu_thanh_cong", "not_above")].other == "hg_vu_tiep_nhan"
    assert rules[("hg_vu_thanh_cong", "not_above")].severity == "error"
    assert rules[("covid_tien_phan_bo", "not_above")].severity == "warning"


def test_satisfaction_share_is_totalled_as_a_weighted_mean(catalogue):
    share = catalogue.indicator("ntm_ty_le_hai_long")
    assert (share.total_method, share.total_weight) == ("weighted_mean", "ntm_nguoi_lay_y_kien")


BASE = {
    "kinds": {"count": {"rules": [{"rule": "non_negative", "severity": "error"}]}},
    "sections": {"1.1": "Tuyên truyền"},
}


@pytest.mark.parametrize(
    ("indicators", "fragment"),
    [
        (
            [{"code": "a b", "section": "1.1", "label": "x", "unit": "cuộc", "kind": "count"}],
            "ASCII",
        ),
        ([{"code": "a", "section": "9.9", "label": "x", "unit": "cuộc", "kind": "count"}], "9.9"),
        ([{"code": "a", "section": "1.1", "label": "x", "unit": "cuộc", "kind": "ratio"}], "ratio"),
        (
            [
                {"code": "a", "section": "1.1", "label": "x", "unit": "cuộc", "kind": "count"},
                {"code": "a", "section": "1.1", "label": "y", "unit": "cuộc", "kind": "count"},
            ],
            "trùng",
        ),
        (
            [
                {
                    "code": "a",
                    "section": "1.1",
                    "label": "x",
                    "unit": "cuộc",
                    "kind": "count",
                    "rules": [{"rule": "not_above", "other": "zz", "severity": "error"}],
                }
            ],
            "zz",
        ),
        (
            [
                {
                    "code": "a",
                    "section": "1.1",
                    "label": "x",
                    "unit": "ban",
                    "kind": "count",
                    "scales_with_unit_list": "có",
                }
            ],
            "khóa scales_with_unit_list: “có” phải là true hoặc false",
        ),
        (
            # a misspelt key would silently leave the figure compared
            [
                {
                    "code": "a",
                    "section": "1.1",
                    "label": "x",
                    "unit": "ban",
                    "kind": "count",
                    "scale_with_unit_list": True,
                }
            ],
            "khóa scale_with_unit_list không dùng được",
        ),
    ],
)
def test_a_broken_catalogue_is_refused_with_a_vietnamese_message(indicators, fragment):
    with pytest.raises(ConfigError, match=fragment):
        parse_catalogue({**BASE, "indicators": indicators})


def test_units_are_versioned_by_period(project):
    data = yaml.safe_load((project.config / "units.yml").read_text(encoding="utf-8"))
    data["unit_lists"] = data["unit_lists"][:1]  # the districts' list, then a made-up one
    data["unit_lists"].append(
        {
            "from": "2025-H2",
            "level": "xã",
            "units": [{"code": "06001", "name": "Phường Lương Văn Tri"}],
        }
    )
    units = parse_units(data)
    assert len(units.for_period("2021-H1")) == 11
    assert [u.code for u in units.for_period("2025-H2")] == ["06001"]
    with pytest.raises(ConfigError):
        units.for_period("2019-H1")
    # Two lists for one period: which one is meant cannot be guessed.
    data["unit_lists"].append(dict(data["unit_lists"][-1], **{"from": "2026-H1"}))
    with pytest.raises(ConfigError, match="chồng lên nhau"):
        parse_units(data)


def test_periods_order_and_compare_with_the_same_period_a_year_earlier():
    p = Period.parse("2021-h1")
    assert str(p) == "2021-H1"
    assert str(p.same_period_last_year()) == "2020-H1"
    assert p.label() == "6 tháng đầu năm 2021"
    assert p.next_label() == "6 tháng cuối năm 2021"
    assert Period.parse("2021").label() == "năm 2021"


@pytest.mark.parametrize(
    "code", ["../evil", "a/b", "", "x" * 40, "mã", "CON", "nul", "Com1", "LPT9"]
)
def test_a_unit_code_that_could_become_a_path_is_refused(code):
    data = {"unit_lists": [{"from": "2021-H1", "units": [{"code": code, "name": "Huyện X"}]}]}
    with pytest.raises(ConfigError, match="mã đơn vị"):
        parse_units(data)
