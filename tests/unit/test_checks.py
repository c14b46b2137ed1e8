"""`baocao validate FILE`: the unit a workbook's `Thông tin` sheet names, checked in-process."""

from __future__ import annotations

from conftest import write_workbook

from baocao.config.catalog import load_catalogue
from baocao.config.units import load_units
from baocao.unit.checks import check_workbook


def _check(project, path, period="2026-H1"):
    units = load_units(project.config)
    return check_workbook(
        path,
        load_catalogue(project.config, period),
        period=period,
        units_of=units.for_period,
        unit_history=units,
    )


def test_a_district_named_in_2026_is_an_error_citing_the_change(tmp_path, project):
    path = write_workbook(tmp_path / "b.xlsx", [], info={"unit": "Huyện Bắc Sơn"})
    report = _check(project, path)
    [issue] = [i for i in report.issues if i.kind == "unknown_unit"]
    assert (issue.severity, issue.sheet, issue.cell) == ("error", "Thông tin", "B1")
    assert "01/7/2025" in issue.message and "ví dụ “Xã Bắc Sơn”" in issue.message
    assert report.state == "có lỗi"


def test_a_name_of_no_unit_is_a_warning_with_the_closest_names(tmp_path, project):
    path = write_workbook(tmp_path / "b.xlsx", [], info={"unit": "Xã Bắc Sơn (cũ)"})
    [issue] = [i for i in _check(project, path).issues if i.kind == "unknown_unit"]
    assert issue.severity == "warning" and "Xã Bắc Sơn" in issue.message


def test_a_commune_named_in_2026_is_no_issue(tmp_path, project):
    path = write_workbook(tmp_path / "b.xlsx", [], info={"unit": "Bắc Sơn"})
    assert not [i for i in _check(project, path).issues if i.kind == "unknown_unit"]
