"""The command line speaks Vietnamese: help screens, usage lines and usage errors."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from baocao.cli import app

COMMANDS = ["", "template", "run", "validate", "status"]
# Words typer and click write by themselves (help, panels, metavars, usage errors).
ENGLISH = re.compile(
    r"\b(Usage|Options?|OPTIONS|Arguments?|ARGS|Commands?|COMMAND|Show this message|exit|"
    r"required|default|bool|str|int|path|range|Missing|Invalid|No such|Try|for help|Error|"
    r"Aborted)\b"
)


def run(*args: str):
    return CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_every_command_has_no_english_ui_words(command):
    done = run(*([command] if command else []), "--help")
    assert done.exit_code == 0
    assert "Cách dùng:" in done.output and "Hiện hướng dẫn này rồi thoát." in done.output
    assert ENGLISH.findall(done.output) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate"], "Thiếu tham số “TỆP”"),
        (["template"], "Thiếu tùy chọn “--period”"),
        (["run", "--bogus"], "Không có tùy chọn “--bogus”"),
        (["run", "--jobs", "x"], "Giá trị không hợp lệ cho “--jobs”"),
        (["khong-co"], "Không có lệnh “khong-co”"),
    ],
)
def test_usage_errors_are_vietnamese(args, expected):
    done = run(*args)
    assert done.exit_code == 2
    text = " ".join(done.output.replace("│", " ").split())
    assert expected in text and ENGLISH.findall(text) == []


def test_validate_help_says_the_period_comes_from_the_file():
    text = " ".join(run("validate", "--help").output.replace("│", " ").split())
    assert "kỳ ghi ở trang “Thông tin” của tệp" in text
    assert "kỳ mới nhất trong data/raw/" not in text
