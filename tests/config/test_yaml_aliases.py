"""YAML aliases bounded: a "billion laughs" report.yml is refused by check-config, fast."""

from __future__ import annotations

import re
import shutil
import time

import pytest
from typer.testing import CliRunner

from baocao.cli import app
from baocao.config.check import check_config
from baocao.config.settings import load_report_settings
from baocao.config.versions import read_yaml


def billion_laughs(levels: int = 9) -> str:
    """Nine lists of nine aliases of the level below: 9^9 (387 million) strings once expanded."""
    lines = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"lol{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def with_bomb(config):
    settings = config / "report.yml"
    text = settings.read_text(encoding="utf-8")
    bomb = billion_laughs()
    settings.write_text(
        text.replace("recipients:\n", bomb + "recipients: *a8\nold_recipients:\n", 1),
        encoding="utf-8",
    )
    line = text[: text.index("recipients:\n")].count("\n") + 1  # where the bomb starts
    return settings, line


@pytest.fixture
def root(tmp_path, project):
    folder = tmp_path / "root"
    shutil.copytree(project.config, folder / "config")
    shutil.copy(project.report_source, folder / "report.qmd")
    return folder


def test_an_alias_bomb_is_refused_by_check_config_naming_file_and_line(root, monkeypatch):
    settings, first = with_bomb(root / "config")
    monkeypatch.setenv("BAOCAO_ROOT", str(root))
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["check-config", "--period", "2021-H1"])
    said = " ".join(result.output.split())  # rich folds long lines at spaces
    assert time.perf_counter() - started < 20
    assert result.exit_code == 2, said
    assert "report.yml" in "".join(said.split())
    assert "khiến tệp phình ra hơn 100.000 giá trị" in said and "“&” và “*”" in said
    # The line named is within the anchors, the one whose aliases went over the bound.
    line = int(re.search(r"report\.yml,dòng(\d+):", "".join(said.split()))[1])
    assert first <= line < first + 9
    assert "MemoryError" not in said and "Traceback" not in said


def test_an_alias_bomb_stops_the_run_too(root):
    with_bomb(root / "config")
    with pytest.raises(Exception, match="phình ra hơn 100.000 giá trị"):
        load_report_settings(root / "config", "2021-H1")
    assert not check_config(root / "config", "2021-H1").ok


def test_a_few_aliases_are_still_read(tmp_path):
    path = tmp_path / "a.yml"
    path.write_text('base: &b {x: 1}\none: *b\ntwo: *b\ntext: "a *b c"\n', encoding="utf-8")
    assert read_yaml(path) == {"base": {"x": 1}, "one": {"x": 1}, "two": {"x": 1}, "text": "a *b c"}


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path):
    path = tmp_path / "a.yml"
    path.write_text("a: &loop [1, *loop]\n", encoding="utf-8")
    with pytest.raises(Exception, match="dòng 1: nhãn “&” được dùng lại"):
        read_yaml(path)
