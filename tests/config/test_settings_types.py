"""The report settings' values checked by type, each problem naming file, line and key."""

from __future__ import annotations

import shutil

import pytest

from baocao.config.check import check_config
from baocao.config.settings import load_report_settings
from baocao.errors import ConfigError


@pytest.fixture
def config_copy(tmp_path, project):
    folder = tmp_path / "config"
    shutil.copytree(project.config, folder)
    return folder


def edit(config, old: str, new: str):
    settings = config / "report.yml"
    text = settings.read_text(encoding="utf-8")
    assert old in text
    settings.write_text(text.replace(old, new, 1), encoding="utf-8")
    return settings


def line_of(path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if fragment in line)


def test_a_recipient_that_is_not_text_is_named_with_its_line(config_copy):
    settings = edit(
        config_copy,
        '  - "Thường trực Tỉnh ủy (b/c)"\n',
        '  - ["Thường trực Tỉnh ủy (b/c)", "HĐND"]\n  - 12\n',
    )
    problems = check_config(config_copy, "2021-H1").problems
    nested, number = problems
    assert f"report.yml, dòng {line_of(settings, '- [')}, khóa recipients, mục thứ 2" in nested
    assert "mỗi nơi nhận phải là một dòng chữ" in nested and "đang ghi một danh sách" in nested
    assert f"dòng {line_of(settings, '- 12')}, khóa recipients, mục thứ 3" in number
    assert "đang ghi số 12" in number
    with pytest.raises(ConfigError, match="mục thứ 2.*và 1 lỗi khác"):
        load_report_settings(config_copy, "2021-H1")


def test_recipients_written_as_one_line_is_refused_not_split_into_letters(config_copy):
    text = (config_copy / "report.yml").read_text(encoding="utf-8")
    block = text[text.index("recipients:\n") : text.index("periods:")]
    edit(config_copy, block, 'recipients: "Thường trực Tỉnh ủy"\n')
    [problem] = check_config(config_copy, "2021-H1").problems
    assert "khóa recipients: phải là danh sách nơi nhận" in problem
    assert "đang ghi chữ “Thường trực Tỉnh ủy”" in problem


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ('place: "Lạng Sơn"', "place: 12", "khóa place: phải là một dòng chữ (địa danh"),
        ('document_code: "BC-MTTQ-BTT"', "document_code:", "khóa document_code: phải là một"),
        ('  name: "Nguyễn Văn A"', "  name: [A, B]", "khóa signer → name: phải là một dòng chữ"),
        ("signer:\n", "signer: Nguyễn Văn A\nold_signer:\n", "khóa signer: phải là bảng gồm"),
        ('place: "Lạng Sơn"', 'place: "Lạng Sơn"\nrecipient: "x"', "khóa recipient: không có"),
        ("    number: 12\n", "    number: 12\n    so: 3\n", "không có khóa “so”"),
        ('"2021-H1":\n', '"2021-6":\n', "tên kỳ phải ghi dạng “2021-H1”"),
    ],
)
def test_each_key_of_the_settings_is_checked_for_its_type(config_copy, old, new, said):
    settings = edit(config_copy, old, new)
    problems = check_config(config_copy, "2021-H1").problems
    assert any(said in p for p in problems), problems
    assert all("report.yml, dòng" in p for p in problems if said in p)
    assert not any("chi tiết kỹ thuật" in p for p in problems)
    assert settings.name == "report.yml"


def test_the_settings_as_shipped_pass(config_copy):
    assert check_config(config_copy, "2021-H1").ok
    assert check_config(config_copy, "2026-H1").ok
