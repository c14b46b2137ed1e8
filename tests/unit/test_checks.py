"""`baocao validate FILE`: the unit a workbook's `Thông tin` sheet names, checked in-process."""

from __future__ import annotations

from conftest import write_workbook

from baocao.config.catalog import load_catalogue
from baocao.config.outline import model_group
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
        group_of=lambda p: model_group(project.config, p),
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


def test_a_models_group_is_warned_about_in_the_word_of_the_periods_outline(tmp_path, project):
    """Issue 20: `baocao validate` on a commune's models sheet (even one headed "Chương trình"
    from an earlier template) speaks of the 2026 outline's sections, "mục", never of
    programmes; a 2021 district's file still hears "chương trình"."""
    models = [[1, "Tổ hòa giải", "4", "", 20, ""], [2, "Mô hình lạ", "9", "", 5, ""]]
    path = write_workbook(tmp_path / "b.xlsx", [], models=models)
    said = {
        period: [
            i.message for i in _check(project, path, period).issues if i.kind == "model_programme"
        ]
        for period in ("2026-H1", "2021-H1")
    }
    assert said["2026-H1"] == ["Mô hình “Mô hình lạ” (dòng 3): mục “9” không phải số từ 1 đến 7."]
    assert said["2021-H1"] == [
        "Mô hình “Mô hình lạ” (dòng 3): chương trình “9” không phải số từ 1 đến 5."
    ]
