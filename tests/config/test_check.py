"""The configuration by period: versions in force, the 65 communes, and `baocao check-config`."""

from __future__ import annotations

import csv
import shutil
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from baocao.cli import app
from baocao.config.catalog import load_catalogue
from baocao.config.check import check_config
from baocao.config.outline import load_outline
from baocao.config.settings import load_report_settings
from baocao.config.units import load_units
from baocao.config.versions import version_for
from baocao.report.compose.titles import report_title

CSV = Path(__file__).resolve().parents[3] / "shared" / "data" / "lang-son-units-2025.csv"
SHARED_CSV = Path("/work/shared/data/lang-son-units-2025.csv")


def _communes() -> list[dict]:
    path = CSV if CSV.is_file() else SHARED_CSV
    if not path.is_file():
        pytest.skip("không có tệp danh sách 65 xã, phường (shared/data) trên máy này")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    return list(csv.DictReader(lines))


@pytest.fixture
def config_copy(tmp_path, project) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(project.config, folder)
    return folder


def test_every_commune_code_survives_as_a_five_digit_string(project):
    units = load_units(project.config).for_period("2026-H1")
    rows = _communes()
    assert len(units) == len(rows) == 65
    assert [u.code for u in units] == [r["code"] for r in rows]
    assert all(isinstance(u.code, str) and len(u.code) == 5 and u.code[0] == "0" for u in units)
    assert sum(u.name.startswith("Xã ") for u in units) == 61
    assert sum(u.name.startswith("Phường ") for u in units) == 4
    by_code = {u.code: u for u in units}
    assert by_code["06004"].name == "Xã Quốc Khánh"
    assert by_code["05986"].name == "Phường Tam Thanh"
    # The lineage is kept as data: Tam Thanh was formed from Phường Tam Thanh and Xã Hoàng Đồng,
    # whose old code 05986 it took: a code is no key across lists.
    assert by_code["05986"].formed_from == (
        "Phường Tam Thanh [05974, TP Lạng Sơn]",
        "Xã Hoàng Đồng [05986, TP Lạng Sơn]",
    )
    assert all(u.formed_from for u in units)
    assert all(unicodedata.is_normalized("NFC", u.name) for u in units)


def test_the_period_picks_the_version_in_force(project):
    config = project.config
    for period, suffix in (("2021-H1", ""), ("2025-H1", ""), ("2025-H2", "-2025-H2")):
        for name in ("indicators", "outline", "report"):
            assert version_for(config, name, period).path.name == f"{name}{suffix}.yml"
    old, new = load_catalogue(config, "2025-H1"), load_catalogue(config, "2026-H1")
    assert "covid_tien_tiep_nhan" in old.codes and "covid_tien_tiep_nhan" not in new.codes
    assert {"vay_du_no", "vay_no_qua_han", "bc_hoi_nghi_hiep_thuong"} <= set(new.codes)
    # `kinds` is written once, in the base file, and holds for the later version too.
    assert all(any(r.rule == "non_negative" for r in i.rules) for i in new.indicators if i.whole)
    overdue = new.indicator("vay_no_qua_han")
    assert [(r.rule, r.other) for r in overdue.rules if r.rule == "not_above"] == [
        ("not_above", "vay_du_no")
    ]
    outline = load_outline(config, new, "2026-H1")
    assert outline.illustrative and "minh họa" in outline.illustrative
    assert not load_outline(config, old, "2021-H1").illustrative


def test_the_title_follows_the_period(project):
    old = report_title("2021-H1", load_report_settings(project.config, "2021-H1"))
    new = report_title("2026-H1", load_report_settings(project.config, "2026-H1"))
    assert old == (
        "Báo cáo kết quả công tác Mặt trận 6 tháng đầu năm 2021, "
        "nhiệm vụ trọng tâm công tác 6 tháng cuối năm 2021"
    )
    assert new.startswith("Báo cáo kết quả công tác Mặt trận và các tổ chức chính trị - xã hội ")
    assert "6 tháng đầu năm 2026" in new and "6 tháng cuối năm 2026" in new


def test_shared_codes_keep_their_meaning(project):
    old, new = load_catalogue(project.config, "2021-H1"), load_catalogue(project.config, "2026-H1")
    shared = set(old.codes) & set(new.codes)
    assert len(shared) >= 35
    for code in shared:
        a, b = old.indicator(code), new.indicator(code)
        assert (a.kind, a.unit) == (b.kind, b.unit), code


@pytest.mark.parametrize("period", ["2021-H1", "2025-H1", "2026-H1"])
def test_the_real_configuration_is_valid(project, period):
    check = check_config(project.config, period)
    assert check.ok, check.problems


def test_an_unquoted_commune_code_is_named_with_its_file_and_key(config_copy):
    units = config_copy / "units.yml"
    text = units.read_text(encoding="utf-8")
    units.write_text(text.replace('code: "06004"', "code: 06004"), encoding="utf-8")
    check = check_config(config_copy, "2026-H1")
    assert len(check.problems) == 1
    problem = check.problems[0]
    assert "units.yml" in problem and "khóa code" in problem and "3076" in problem
    assert "dấu ngoặc kép" in problem


def test_every_problem_is_collected_with_its_file(config_copy):
    catalogue = config_copy / "indicators-2025-H2.yml"
    text = catalogue.read_text(encoding="utf-8")
    # A shared code given another unit of measure, and an indicator without its label.
    text = text.replace(
        'code: nha_tam_xoa, section: "3", label: "Số nhà tạm, nhà dột nát được xóa", unit: "căn"',
        'code: nha_tam_xoa, section: "3", unit: "căn"',
    )
    text = text.replace(
        'label: "Số lớp tập huấn, bồi dưỡng cán bộ", unit: "lớp"',
        'label: "Số lớp tập huấn, bồi dưỡng cán bộ", unit: "buổi"',
    )
    catalogue.write_text(text, encoding="utf-8")
    (config_copy / "report-2026-H1.yml").write_text(
        'in_force: {from: "2026-H1", to: "2026-H1"}\n', encoding="utf-8"
    )
    check = check_config(config_copy, "2026-H1")
    joined = "\n".join(check.problems)
    assert "indicators-2025-H2.yml: thiếu khóa label" in joined
    assert "report-2025-H2.yml" in joined and "report-2026-H1.yml" in joined
    assert "chồng lên nhau" in joined
    # The same catalogue with only the changed unit of measure: the meaning check names it.
    catalogue.write_text(
        text.replace(
            'code: nha_tam_xoa, section: "3", unit: "căn"',
            'code: nha_tam_xoa, section: "3", label: "Số nhà tạm được xóa", unit: "căn"',
        ),
        encoding="utf-8",
    )
    (config_copy / "report-2026-H1.yml").unlink()
    check = check_config(config_copy, "2026-H1")
    assert len(check.problems) == 1
    assert "indicators-2025-H2.yml, chỉ tiêu th_lop" in check.problems[0]
    assert "giữ nguyên ý nghĩa" in check.problems[0]


def test_a_code_follows_the_unit_list_in_every_version_or_in_none(config_copy):
    catalogue = config_copy / "indicators-2025-H2.yml"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(
        text.replace(
            'unit: "ban", kind: count, scales_with_unit_list: true}', 'unit: "ban", kind: count}', 1
        ),
        encoding="utf-8",
    )
    [problem] = check_config(config_copy, "2026-H1").problems
    assert problem.startswith(
        "config/indicators-2025-H2.yml, chỉ tiêu ttnd_so_ban, khóa scales_with_unit_list"
    )
    catalogue.write_text(
        text.replace("scales_with_unit_list: true}", 'scales_with_unit_list: "true"}', 1),
        encoding="utf-8",
    )
    [problem] = check_config(config_copy, "2026-H1").problems
    assert "scales_with_unit_list" in problem and "true hoặc false" in problem


def test_check_config_command_speaks_vietnamese(tmp_path, project, monkeypatch):
    root = tmp_path / "root"
    shutil.copytree(project.config, root / "config")
    shutil.copy(project.report_source, root / "report.qmd")  # a project folder: config/ and report
    monkeypatch.setenv("BAOCAO_ROOT", str(root))
    runner = CliRunner()
    good = runner.invoke(app, ["check-config", "--period", "2026-H1"])
    assert good.exit_code == 0, good.output
    assert "hợp lệ" in good.output and "65 đơn vị" in good.output and "minh họa" in good.output
    units = root / "config" / "units.yml"
    units.write_text(
        units.read_text(encoding="utf-8").replace('code: "06325"', "code: 06325"),
        encoding="utf-8",
    )
    bad = runner.invoke(app, ["check-config", "--period", "2026-H1"])
    said = " ".join(bad.output.split())  # rich folds long lines at spaces
    assert bad.exit_code == 2
    assert "chưa đúng" in said and "khóa code" in said
    assert "units.yml" in "".join(said.split())  # a long path is folded mid-word
    assert "Traceback" not in said
    # `run` checks the same configuration before processing anything.
    ran = runner.invoke(app, ["run", "--period", "2026-H1", "--no-render"])
    assert ran.exit_code == 2 and "units.yml" in "".join(ran.output.split())


def test_validate_uses_the_catalogue_of_the_period_the_workbook_declares(project):
    # A commune's 2026 workbook checked without --period: its "Thông tin" says 2026-H1, so the
    # 2026 catalogue applies (with the 2021 one its new figures would be unknown rows).
    workbook = project.raw_period("2026-H1") / "06004-quoc-khanh-2026-H1.xlsx"
    result = CliRunner().invoke(app, ["validate", str(workbook)])
    said = " ".join(result.output.split())  # rich folds long lines at spaces
    assert result.exit_code == 0, said
    assert "kỳ 2026-H1" in said and "Không có lỗi hay cảnh báo nào" in said


# --- messages a clerk can act on -------------------------------------------------------------


def _line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if fragment in line)


def test_an_unquoted_code_is_shown_as_typed_with_its_line(config_copy):
    units = config_copy / "units.yml"
    units.write_text(
        units.read_text(encoding="utf-8").replace('code: "06325"', "code: 06325"),
        encoding="utf-8",
    )
    [problem] = check_config(config_copy, "2026-H1").problems
    assert f"units.yml, dòng {_line_of(units, 'code: 06325')}," in problem
    assert 'mã đơn vị 06325 phải đặt trong dấu ngoặc kép, hãy ghi code: "06325"' in problem
    assert "06004" not in problem  # the example is the clerk's own code
    assert "thành số 3285" in problem  # the number YAML made of it, said as the cause only


def test_an_unquoted_code_without_leading_zero_is_shown_as_typed(config_copy):
    units = config_copy / "units.yml"
    units.write_text(
        units.read_text(encoding="utf-8").replace('code: "178"', "code: 178"), encoding="utf-8"
    )
    [problem] = check_config(config_copy, "2021-H1").problems
    assert 'mã đơn vị 178 phải đặt trong dấu ngoặc kép, hãy ghi code: "178"' in problem
    assert f"dòng {_line_of(units, 'code: 178')}" in problem and "số 0" not in problem


def test_a_yaml_syntax_error_is_said_in_vietnamese_with_line_and_column(config_copy):
    catalogue = config_copy / "indicators-2025-H2.yml"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text.replace("indicators:", "indicators:\n  - {code: x", 1), "utf-8")
    [problem] = check_config(config_copy, "2026-H1").problems
    opened = _line_of(catalogue, "- {code: x")
    assert f"indicators-2025-H2.yml, dòng {opened + 2}, cột 3: sai cú pháp YAML" in problem
    assert f"thiếu dấu đóng “}}” của dấu “{{” mở ở dòng {opened}" in problem
    assert f"(dòng {opened} ghi: - {{code: x)" in problem
    for english in ("while parsing", "expected", "unicode string", "line "):
        assert english not in problem


def test_a_tab_is_named_as_a_tab(config_copy):
    settings = config_copy / "report.yml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('place: "Lạng Sơn"', '\tplace: "Lạng Sơn"'), "utf-8")
    [problem] = check_config(config_copy, "2021-H1").problems
    assert "ký tự Tab" in problem and f"dòng {_line_of(settings, 'place:')}" in problem


@pytest.mark.parametrize("written", ['"2021-13-05"', "2021-13-05"])
def test_a_date_that_does_not_exist_names_its_key_and_value(config_copy, written):
    settings = config_copy / "report.yml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('date: "2021-07-05"', f"date: {written}"), "utf-8")
    [problem] = check_config(config_copy, "2021-H1").problems
    assert "khóa date: “2021-13-05” không phải là ngày có thật" in problem
    assert "month" not in problem and "cấu trúc không đúng" not in problem


def test_a_missing_file_is_said_in_vietnamese(config_copy):
    (config_copy / "units.yml").unlink()
    problems = check_config(config_copy, "2026-H1").problems
    assert any("units.yml: không có tệp hoặc thư mục này" in p for p in problems)
    assert not any("No such file" in p for p in problems)


def test_the_comparison_period_needs_its_configuration_when_it_has_data(
    config_copy, tmp_path, project
):
    from baocao.config.paths import ProjectPaths

    catalogue = config_copy / "indicators.yml"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text.replace('to: "2025-H1"}', 'to: "2024-H2"}', 1), "utf-8")
    raw = tmp_path / "raw"
    paths = ProjectPaths(project.root, raw, tmp_path / "processed", tmp_path / "out")
    # No data a year earlier: nothing to compare, nothing to check.
    assert check_config(config_copy, "2026-H1", paths).ok
    (raw / "2025-H1").mkdir(parents=True)
    (raw / "2025-H1" / "188-loc-binh-2025-H1.xlsx").write_bytes(b"PK")
    [problem] = check_config(config_copy, "2026-H1", paths).problems
    assert problem.startswith("Kỳ 2026-H1 so sánh với cùng kỳ 2025-H1, đã có số liệu")
    assert "config/indicators.yml có hiệu lực cho kỳ 2025-H1" in problem


@pytest.mark.parametrize(
    ("written", "expected"),
    [('["187"]', "mã “187” không phải mã đơn vị của kỳ 2026-H1"), ("[06001]", "dấu ngoặc kép")],
)
def test_add_up_parts_must_name_units_of_the_period_quoted(config_copy, written, expected):
    settings = config_copy / "report-2025-H2.yml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace('date: "2026-07-06"', f'date: "2026-07-06"\n    add_up_parts: {written}'),
        encoding="utf-8",
    )
    [problem] = check_config(config_copy, "2026-H1").problems
    assert "report-2025-H2.yml" in problem and "add_up_parts" in problem and expected in problem


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("factr: 5", "quy tắc changed_from_earlier: khóa factr không dùng được"),
        ("factor: 5, severity: error", "chỉ được là cảnh báo (severity: warning)"),
        ("factor: 5, compare: [last_year]", "compare phải là một hoặc nhiều trong"),
        ("factor: 0.5", "factor phải lớn hơn 1"),
    ],
)
def test_check_config_names_a_wrong_period_rule(config_copy, written, said):
    path = config_copy / "indicators.yml"
    text = path.read_text(encoding="utf-8")
    declared = (
        "      - rule: changed_from_earlier\n        factor: 5\n"
        "        compare: [same_period_last_year, previous_half_year]\n"
        "        severity: warning\n"
    )
    assert declared in text
    text = text.replace(declared, f"      - {{rule: changed_from_earlier, {written}}}\n", 1)
    path.write_text(text, encoding="utf-8")
    check = check_config(config_copy, "2021-H1")
    assert not check.ok
    [problem] = [p for p in check.problems if said in p]
    assert (
        "config/indicators.yml, chỉ tiêu quy_vnn_van_dong, quy tắc changed_from_earlier" in problem
    )


def test_check_config_reads_the_checked_file(config_copy):
    (config_copy / "checked-2021-H1.yml").write_text(
        '- {unit: "999", check: rule_far_from_units, cell: E21, value: 1, note: "đã gọi"}\n',
        encoding="utf-8",
    )
    check = check_config(config_copy, "2021-H1")
    assert check.problems == [
        "config/checked-2021-H1.yml, mục 1: đơn vị “999” không có trong danh sách đơn vị của kỳ "
        "2021-H1."
    ]
    (config_copy / "checked-2021-H1.yml").write_text("- unit: [\n", encoding="utf-8")
    [problem] = check_config(config_copy, "2021-H1").problems
    assert problem.startswith("config/checked-2021-H1.yml, dòng")
