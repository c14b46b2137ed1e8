"""pipeline.py before anything runs: a period folder without a unit's workbook is refused with a
Vietnamese message and a non-zero exit; a folder whose files name no unit is said so."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from baocao.cli import app
from baocao.config.paths import ProjectPaths
from baocao.errors import BaocaoError
from baocao.pipeline import RunOptions, none_identified_message, require_workbooks, run_period
from baocao.run.process import UnitOutcome


@pytest.fixture
def root(tmp_path, project):
    """A project folder with the real configuration and an empty 2022-H1 folder."""
    folder = tmp_path / "root"
    shutil.copytree(project.config, folder / "config")
    shutil.copy(project.report_source, folder / "report.qmd")
    (folder / "data" / "raw" / "2022-H1").mkdir(parents=True)
    return folder


def _paths(root):
    return ProjectPaths(root, root / "data" / "raw", root / "data" / "processed", root / "_output")


def test_an_empty_period_folder_is_refused_before_anything_runs(root):
    with pytest.raises(BaocaoError) as refused:
        run_period("2022-H1", _paths(root), RunOptions(render=False))
    message = refused.value.message
    assert "Không tìm thấy bảng tính nào của đơn vị" in message and "2022-H1" in message
    assert ".xlsx, .xlsm, .xlsb, .xls, .ods" in message and "Thư mục đang trống" in message
    assert not (root / "data" / "processed" / "2022-H1").exists()


def test_files_that_are_no_workbooks_are_named(root):
    folder = root / "data" / "raw" / "2022-H1"
    (folder / "ghi-chu.docx").write_bytes(b"PK")
    (folder / "README.md").write_text("x", encoding="utf-8")
    (folder / "~$lock.xlsx").write_bytes(b"x")  # Excel's lock file is no workbook
    with pytest.raises(BaocaoError, match="Trong thư mục chỉ có: ghi-chu.docx."):
        require_workbooks("2022-H1", _paths(root))


def test_the_run_command_exits_non_zero_with_the_message(root, monkeypatch):
    monkeypatch.setenv("BAOCAO_ROOT", str(root))
    done = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["run", "--period", "2022-H1"])
    said = " ".join(done.output.split())
    assert done.exit_code != 0
    assert "Không tìm thấy bảng tính nào của đơn vị" in said and "đơn vị)" not in said
    assert "Traceback" not in said


def test_a_folder_whose_files_name_no_unit_is_said_so(root):
    paths = _paths(root)
    nobody = [
        UnitOutcome("178", "Thành phố Lạng Sơn", "chưa nộp"),
        UnitOutcome("?", "bao cao.xlsx", "có lỗi"),
    ]
    message = none_identified_message("2022-H1", paths, nobody)
    assert message is not None and "Không tệp nào" in message and "2022-H1" in message
    someone = [*nobody, UnitOutcome("180", "Huyện Tràng Định", "hợp lệ")]
    assert none_identified_message("2022-H1", paths, someone) is None
