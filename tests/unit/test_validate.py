"""The Great Expectations suite built from the catalogue, run for real on hand-made figures."""

from baocao.unit.clean import nothing_read
from baocao.unit.validate import (
    STATE_ERRORS,
    STATE_VALID,
    STATE_WARNINGS,
    bounds_frame,
    build_suite,
    unit_state,
    validate_unit,
)


def figures(catalogue, **values):
    frame = nothing_read(catalogue, period="2021-H1", unit_code="178", source_file="t.xlsx").values
    for code, value in values.items():
        mask = frame["indicator_code"] == code
        frame.loc[mask, "value"] = value
        frame.loc[mask, "reported"] = True
        frame.loc[mask, "included"] = True
        frame.loc[mask, "sheet"] = "Số liệu"
        frame.loc[mask, "cell"] = f"E{10 + int(mask.to_numpy().argmax())}"
    return frame


def test_suite_has_one_expectation_per_severity_and_a_row_per_rule_and_side(catalogue):
    suite = build_suite(catalogue)
    assert sorted(e.meta["severity"] for e in suite.expectations) == ["error", "warning"]
    frame = bounds_frame(figures(catalogue), catalogue)
    sides = {"non_negative": 1, "between": 2, "not_above": 1}
    unit_rules = [r for i in catalogue.indicators for r in i.rules if r.scope == "unit"]
    assert len(frame) == sum(sides[r.rule] for r in unit_rules)
    assert not frame.duplicated(["indicator_code", "rule_index", "side"]).any()


def test_two_rules_of_one_kind_on_one_indicator_are_each_checked(catalogue):
    """An indicator may not exceed two others: each bound is its own row, and only the rule
    that failed is reported."""
    from dataclasses import replace

    from baocao.config.catalog import Rule

    settled = catalogue.indicator("hg_vu_thanh_cong")
    twice = replace(
        settled,
        rules=(
            *settled.rules,
            Rule("not_above", "error", other="don_tiep_nhan"),
        ),
    )
    doubled = replace(
        catalogue, indicators=tuple(twice if i is settled else i for i in catalogue.indicators)
    )
    values = figures(doubled, hg_vu_tiep_nhan=30, hg_vu_thanh_cong=20, don_tiep_nhan=10)
    [issue] = validate_unit(values, doubled).issues
    assert issue.indicator_code == "hg_vu_thanh_cong"
    assert "(10)" in issue.message and "(30)" not in issue.message


def test_clean_figures_pass(catalogue):
    outcome = validate_unit(figures(catalogue, hg_vu_tiep_nhan=30, hg_vu_thanh_cong=20), catalogue)
    assert outcome.success and outcome.issues == ()
    assert unit_state(outcome.issues) == STATE_VALID


def test_settled_above_taken_is_an_error_naming_both_cells_and_is_excluded(catalogue):
    values = figures(catalogue, hg_vu_tiep_nhan=30, hg_vu_thanh_cong=45)
    outcome = validate_unit(values, catalogue)
    [issue] = outcome.issues
    assert (issue.severity, issue.kind, issue.indicator_code) == (
        "error",
        "rule_not_above",
        "hg_vu_thanh_cong",
    )
    taken = values.set_index("indicator_code").loc["hg_vu_tiep_nhan", "cell"]
    assert issue.cell in issue.message and taken in issue.message
    assert "45" in issue.message and "30" in issue.message
    included = outcome.values.set_index("indicator_code")["included"]
    assert not included["hg_vu_thanh_cong"] and included["hg_vu_tiep_nhan"]
    assert unit_state(outcome.issues) == STATE_ERRORS


def test_covid_allocation_above_receipts_is_only_a_warning_and_still_counts(catalogue):
    outcome = validate_unit(
        figures(catalogue, covid_tien_tiep_nhan=100_000_000, covid_tien_phan_bo=150_000_000),
        catalogue,
    )
    [issue] = outcome.issues
    assert issue.severity == "warning"
    assert outcome.values.set_index("indicator_code").loc["covid_tien_phan_bo", "included"]
    assert unit_state(outcome.issues) == STATE_WARNINGS


def test_negative_count_and_share_above_100_are_errors(catalogue):
    outcome = validate_unit(figures(catalogue, tt_so_cuoc=-3, ntm_ty_le_hai_long=120.5), catalogue)
    assert {(i.indicator_code, i.kind) for i in outcome.issues} == {
        ("tt_so_cuoc", "rule_non_negative"),
        ("ntm_ty_le_hai_long", "rule_between"),
    }


def test_blank_figures_are_not_flagged(catalogue):
    outcome = validate_unit(figures(catalogue, hg_vu_thanh_cong=10), catalogue)
    assert outcome.issues == ()


def test_every_failing_indicator_of_one_check_is_reported(catalogue):
    outcome = validate_unit(
        figures(
            catalogue,
            hg_vu_tiep_nhan=30,
            hg_vu_thanh_cong=45,
            don_tiep_nhan=10,
            don_giai_quyet=12,
        ),
        catalogue,
    )
    assert {i.indicator_code for i in outcome.issues} == {"hg_vu_thanh_cong", "don_giai_quyet"}


def test_findings_of_both_severities_come_in_the_catalogues_order(catalogue):
    values = figures(
        catalogue,
        tt_so_cuoc=-3,
        covid_tien_tiep_nhan=100_000_000,
        covid_tien_phan_bo=150_000_000,
        hg_vu_tiep_nhan=30,
        hg_vu_thanh_cong=45,
    )
    found = [i.indicator_code for i in validate_unit(values, catalogue).issues]
    assert found == sorted(found, key=catalogue.codes.index)
    assert found == ["tt_so_cuoc", "covid_tien_phan_bo", "hg_vu_thanh_cong"]
