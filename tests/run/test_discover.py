"""Telling which unit each file of a period belongs to."""

from conftest import write_workbook

from baocao.config.paths import ProjectPaths
from baocao.run.discover import discover, identify


def test_the_info_sheet_wins_over_the_file_name_and_the_doubt_is_reported(tmp_path, units_2021):
    path = write_workbook(
        tmp_path / "181-binh-gia-2021-H1.xlsx", [], info={"unit": "Trang Dinh", "period": "2021-H1"}
    )
    job = identify(path, units_2021)
    assert job.unit.code == "180"
    [issue] = job.issues
    assert issue.kind == "unit_mismatch" and issue.cell == "B1"


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
