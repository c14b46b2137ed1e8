"""The command line speaks Vietnamese: help screens, usage lines and usage errors."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from baocao.cli import app

COMMANDS = [
    "",
    "template",
    "run",
    "validate",
    "status",
    "outline",
    "outline import",
    "chot",
    "mo-khoa",
]
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
    done = run(*command.split(), "--help")
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


def test_an_unknown_figure_name_stops_the_run_before_anything_with_a_clean_message(tmp_path):
    """`{khong_co_ten}` in a narrative: the run stops before processing a unit or rendering,
    naming the file, the section and the word, with no code and no progress bar; the previous
    outputs stay as they were."""
    import hashlib
    import shutil

    from baocao.config.paths import ProjectPaths

    source = ProjectPaths.default()
    root = tmp_path / "root"
    for folder in ("config", "notebooks", "narrative"):
        shutil.copytree(source.root / folder, root / folder)
    for path in [source.report_source, *source.root.glob("_quarto*.yml")]:
        shutil.copy(path, root / path.name)
    shutil.copytree(source.raw_period("2021-H1"), root / "data" / "raw" / "2021-H1")
    written = root / "narrative" / "2021-H1" / "1.1.md"
    written.write_text(
        written.read_text(encoding="utf-8").replace("{tt_so_cuoc} tuyên", "{khong_co_ten} tuyên"),
        encoding="utf-8",
    )
    previous = root / "_output" / "2021-H1"
    previous.mkdir(parents=True)
    (previous / "bao-cao-2021-H1.docx").write_bytes(b"previous report")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in previous.iterdir()}

    done = CliRunner(env={"COLUMNS": "200", "BAOCAO_ROOT": str(root)}).invoke(
        app, ["run", "--period", "2021-H1"]
    )
    text = " ".join(done.output.split())
    assert done.exit_code == 2, done.output
    assert text.startswith(
        "Lỗi: Tệp narrative/2021-H1/1.1.md (mục “1.1. Công tác tuyên truyền, vận động các tầng "
        "lớp nhân dân”), dòng 3: không có số liệu tên “{khong_co_ten}”."
    ), text
    assert "Có phải là" not in text  # no name is close to it
    assert "narrative/README.md" in text
    for code in ("report.qmd", "print(", "ô lệnh", "0/?", "Traceback"):
        assert code not in text
    assert {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in previous.iterdir()
    } == before
    assert not (root / "data" / "processed" / "2021-H1").exists()


def test_the_summary_table_folds_long_file_names_instead_of_cutting_them():
    from types import SimpleNamespace

    from rich.console import Console

    from baocao.cli_console import summary_table

    name = "BC_MTTQ_Loc_Binh_6thang_dau_nam_2021_ban_chinh_thuc_gui_tinh.xlsx"
    outcome = SimpleNamespace(
        unit_code="188",
        unit_name="Huyện Lộc Bình",
        state="hợp lệ",
        rows_read=53,
        errors=0,
        warnings=0,
        source_file=name,
    )
    console = Console(width=80, record=True)
    console.print(summary_table(SimpleNamespace(period="2021-H1", outcomes=[outcome])))
    lines = console.export_text().splitlines()
    cells = "".join(line.rsplit("│", 2)[-2].strip() for line in lines if line.count("│") > 2)
    assert name in cells and "…" not in console.export_text()


def test_a_large_period_lists_only_the_units_that_need_a_look_and_counts_every_state():
    from types import SimpleNamespace

    from rich.console import Console

    from baocao.cli_console import state_counts, summary_table

    def unit(n: int, state: str = "hợp lệ", warnings: int = 0):
        return SimpleNamespace(
            unit_code=f"X{n:02d}",
            unit_name=f"Xã Số {n}",
            state=state,
            rows_read=53,
            errors=int(state == "có lỗi"),
            warnings=warnings,
            source_file=f"X{n:02d}.xlsx",
        )

    outcomes = [unit(n) for n in range(1, 66)]
    outcomes[6] = unit(7, "có lỗi")
    outcomes[40] = unit(41, "chưa nộp")
    outcomes[50] = unit(51, "có cảnh báo", warnings=2)
    result = SimpleNamespace(period="2026-H1", outcomes=outcomes)
    console = Console(width=100, record=True)
    console.print(summary_table(result))
    listed = [line.split("│")[1].strip() for line in console.export_text().splitlines()[4:-1]]
    assert listed == ["X07", "X41", "X51"]
    assert state_counts(result) == "65 đơn vị: 62 hợp lệ, 1 có cảnh báo, 1 có lỗi, 1 chưa nộp"
    stray = SimpleNamespace(period="2026-H1", outcomes=[*outcomes, unit(0, "có lỗi")])
    stray.outcomes[-1].unit_code = "?"  # a file no unit could be found for
    assert state_counts(stray) == (
        "65 đơn vị: 62 hợp lệ, 1 có cảnh báo, 1 có lỗi, 1 chưa nộp; "
        "1 tệp không xác định được đơn vị"
    )
    assert (
        summary_table(SimpleNamespace(period="2026-H1", outcomes=[unit(n) for n in range(65)]))
        is None
    )
    eleven = SimpleNamespace(period="2021-H1", outcomes=[unit(n) for n in range(1, 12)])
    console = Console(width=100, record=True)
    console.print(summary_table(eleven))
    assert console.export_text().count("hợp lệ") == 11  # a district-level period: every unit


def test_explain_names_the_profiles_in_vietnamese(tmp_path):
    import shutil

    from baocao.config.paths import ProjectPaths

    source = ProjectPaths.default()
    root = tmp_path / "root"
    for folder in ("config", "notebooks"):
        shutil.copytree(source.root / folder, root / folder)
    for path in [source.report_source, *source.root.glob("_quarto*.yml")]:
        shutil.copy(path, root / path.name)
    shutil.copytree(source.raw_period("2021-H1"), root / "data" / "raw" / "2021-H1")
    done = CliRunner(env={"COLUMNS": "200", "BAOCAO_ROOT": str(root)}).invoke(
        app, ["run", "--period", "2021-H1", "--explain"]
    )
    assert done.exit_code == 0, done.output
    for role in ("văn bản để ký (.docx)", "dự thảo rà soát nội bộ", "trang công khai (.html)"):
        assert role in done.output, role
    assert re.findall(r"\b(official|internal|public|builtin|manifest)\b", done.output) == []


def test_a_mistyped_command_lists_every_command():
    done = run("rnu")
    assert done.exit_code == 2
    said = " ".join(done.output.replace("│", " ").split())
    for command in ("check-config", "template", "run", "narrative", "validate", "status"):
        assert command in said.split("Các lệnh:", 1)[1]


def test_validate_says_an_issues_place_once():
    """A message that begins with its place (“Trang “Thông tin”, ô B1: …”) is not printed
    after the same place again."""
    from baocao.cli_console import issue_place
    from baocao.errors import Issue

    said = Issue("warning", "k", "Trang “Thông tin”, ô B1: ghi đơn vị “X”", "Thông tin", "B1")
    assert issue_place(said) == ""
    other = Issue("warning", "k", "Ô ghi “12”", "Số liệu", "E7")
    assert issue_place(other) == "trang “Số liệu”, ô E7"
    assert issue_place(Issue("error", "k", "Tệp hỏng")) == ""
