"""Telling which unit each file of a period belongs to."""

import pytest
from conftest import write_workbook

from baocao.config.paths import ProjectPaths
from baocao.run.discover import discover, identify


def test_a_file_whose_name_and_info_sheet_name_two_units_is_set_aside(tmp_path, units_2021):
    path = write_workbook(
        tmp_path / "181-binh-gia-2021-H1.xlsx", [], info={"unit": "Trang Dinh", "period": "2021-H1"}
    )
    job = identify(path, units_2021)
    assert job.unit is None  # neither unit gets the other's figures
    [issue] = job.issues
    assert (issue.severity, issue.kind, issue.cell) == ("error", "unit_conflict", "B1")
    assert "Huyện Tràng Định (mã 180)" in issue.message
    assert "Huyện Bình Gia (mã 181)" in issue.message


def test_a_file_without_info_is_known_by_its_name(tmp_path, units_2021):
    job = identify(write_workbook(tmp_path / "BC_MTTQ_LocBinh.xlsx", []), units_2021)
    assert (job.unit.code, job.issues) == ("188", [])


def test_strangers_and_second_files_are_set_aside_with_a_message(tmp_path, project, units_2021):
    folder = tmp_path / "raw" / "2021-H1"
    folder.mkdir(parents=True)
    write_workbook(folder / "a.xlsx", [], info={"unit": "Huyện Bình Gia"})
    write_workbook(folder / "b.xlsx", [], info={"unit": "Binh Gia"})
    write_workbook(folder / "c.xlsx", [], info={"unit": "Huyện Không Có"})
    (folder / "ghi-chu.docx").write_bytes(b"PK")
    (folder / "README.md").write_text("x", encoding="utf-8")
    paths = ProjectPaths(project.root, tmp_path / "raw", tmp_path / "p", tmp_path / "o")
    jobs, rejected = discover("2021-H1", paths, units_2021)
    assert [(j.path.name, j.unit.code) for j in jobs] == [("a.xlsx", "181")]
    kinds = {j.path.name: [i.kind for i in j.issues] for j in rejected}
    assert kinds == {
        "b.xlsx": ["duplicate_unit_file"],
        "c.xlsx": ["unknown_unit"],
        "ghi-chu.docx": ["unsupported_format"],
    }
    [duplicate] = next(j for j in rejected if j.path.name == "b.xlsx").issues
    # Which file was used, and why, so a resent file is not silently ignored.
    assert "chỉ tệp “a.xlsx” (đứng trước theo thứ tự tên tệp) được dùng" in duplicate.message
    assert "chuyển tệp cũ ra khỏi thư mục" in duplicate.message


# --- a name of a level the period's list does not have identifies no unit -------------------


def _units(project, period):
    from baocao.config.units import load_units

    return load_units(project.config).for_period(period)


def test_an_abolished_district_in_2026_is_not_the_commune_of_the_same_name(tmp_path, project):
    units = _units(project, "2026-H1")
    # (“Thị trấn Bắc Sơn”, an old unit wholly inside Xã Bắc Sơn, is that commune: see
    # test_lineage_names.py)
    for written in ("Huyện Bắc Sơn", "Huyện Bình Gia", "Huyện Đình Lập", "Thị xã Bắc Sơn"):
        path = write_workbook(tmp_path / "bao cao MTTQ.xlsx", [], info={"unit": written})
        job = identify(path, units)
        assert job.unit is None, written
        [issue] = job.issues
        assert (issue.severity, issue.kind, issue.cell) == ("error", "unknown_unit", "B1")
        assert issue.message.startswith(
            f"Tệp “bao cao MTTQ.xlsx”, trang “Thông tin”, ô B1: “{written}”"
        )


def test_the_file_name_does_not_rescue_a_district_written_in_the_info_sheet(tmp_path, project):
    units = _units(project, "2026-H1")
    path = write_workbook(
        tmp_path / "06325-bac-son-2026-H1.xlsx", [], info={"unit": "Huyện Bắc Sơn"}
    )
    job = identify(path, units)
    assert job.unit is None and [i.kind for i in job.issues] == ["unknown_unit"]


@pytest.mark.parametrize(
    ("file_name", "written"),
    [
        ("huyen-binh-gia-2026-H1.xlsx", "Huyện Bình Gia"),
        ("Huyen Bac Son.xlsx", "Huyện Bắc Sơn"),
        ("BC_MTTQ_HuyenDinhLap_2026.xlsx", "Huyện Đình Lập"),
        ("tp-lang-son.xlsx", None),  # no commune is named Lạng Sơn: simply not identified
    ],
)
def test_a_file_name_with_a_district_names_no_commune(tmp_path, project, file_name, written):
    units = _units(project, "2026-H1")
    job = identify(write_workbook(tmp_path / file_name, []), units)
    assert job.unit is None
    [issue] = job.issues
    assert issue.kind == "unknown_unit" and issue.cell is None
    if written is not None:
        assert f"tên tệp: “{written}” là tên một huyện" in issue.message


def test_names_without_a_level_still_resolve_by_the_periods_list(tmp_path, project):
    units = _units(project, "2026-H1")
    by_sheet = write_workbook(tmp_path / "a.xlsx", [], info={"unit": "Bắc Sơn"})
    assert identify(by_sheet, units).unit.code == "06325"
    assert identify(write_workbook(tmp_path / "BC_BinhGia.xlsx", []), units).unit.code == "06112"
    assert identify(write_workbook(tmp_path / "xa-dinh-lap.xlsx", []), units).unit.code == "06613"


def test_a_commune_in_a_2021_file_is_no_district(tmp_path, project, units_2021):
    path = write_workbook(tmp_path / "bao-cao.xlsx", [], info={"unit": "Xã Bắc Sơn"})
    job = identify(path, units_2021)
    assert job.unit is None and job.issues[0].severity == "error"


def test_discover_cites_the_restructuring_from_units_yml(tmp_path, project):
    folder = tmp_path / "raw" / "2026-H1"
    folder.mkdir(parents=True)
    write_workbook(folder / "bao cao (1).xlsx", [], info={"unit": "Huyện Bình Gia"})
    paths = ProjectPaths(project.root, tmp_path / "raw", tmp_path / "p", tmp_path / "o")
    jobs, [rejected] = discover("2026-H1", paths, _units(project, "2026-H1"))
    assert jobs == []
    message = rejected.issues[0].message
    assert "từ ngày 01/7/2025" in message and "Nghị quyết số 1672/NQ-UBTVQH15" in message
    assert "ví dụ “Xã Bình Gia”" in message
