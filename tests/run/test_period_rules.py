"""Rules across periods and units, and warnings checked once: the sample's real workbooks read,
cleaned and validated in-process (as the unit's notebook does, without a kernel), written to a
processed folder, then the period's own checks (`run.period_rules`, real Great Expectations)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, project_copy
from openpyxl import load_workbook

from baocao.config.catalog import load_catalogue
from baocao.config.checked import checked_state, parse_checked
from baocao.config.units import load_units
from baocao.errors import Issue
from baocao.intake import layout
from baocao.intake.read import read_unit_workbook_or_issue
from baocao.run.aggregate import collect_period
from baocao.run.period_rules import check_period
from baocao.run.store import read_csv, read_unit_status, write_csv, write_unit
from baocao.unit.clean import clean_unit
from baocao.unit.validate import unit_state, validate_unit

UNITS = ("178", "180", "181", "182", "183", "184")
VALUE_COLUMN = layout.DATA_COLUMNS.index(layout.COL_VALUE) + 1
CODE_COLUMN = layout.DATA_COLUMNS.index(layout.COL_CODE) + 1


def process(paths, period: str, workbook: Path) -> None:
    """What the unit's notebook does: read, clean, validate, write its processed files."""
    catalogue = load_catalogue(paths.config, period)
    code = workbook.name.split("-")[0]
    source, read_issues = read_unit_workbook_or_issue(workbook)
    cleaned = clean_unit(source, catalogue, period=period, unit_code=code)
    checked = validate_unit(cleaned.values, catalogue)
    issues = (*read_issues, *cleaned.issues, *checked.issues)
    write_unit(
        paths.processed_period(period),
        unit_code=code,
        unit_name=code,
        source_file=workbook.name,
        state=unit_state(issues),
        rows_read=cleaned.rows_read,
        values=checked.values,
        models=cleaned.models,
        issues=issues,
        gx_result=None,
    )


def set_value(workbook: Path, code: str, value) -> str:
    """Write `value` into the figure cell of `code`; returns the cell ("E17")."""
    book = load_workbook(workbook)
    sheet = book[layout.SHEET_DATA]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, CODE_COLUMN).value == code)
    sheet.cell(row, VALUE_COLUMN).value = value
    book.save(workbook)
    return sheet.cell(row, VALUE_COLUMN).coordinate


def sample_file(period: str, unit: str) -> Path:
    return next((REPO / "data" / "raw" / period).glob(f"{unit}-*.xlsx"))


def units_of(paths, period):
    return tuple(u for u in load_units(paths.config).for_period(period) if u.code in UNITS)


@pytest.fixture(scope="module")
def period_pair(tmp_path_factory):
    """2020-H1 processed as the run leaves it (values.csv); 2021-H1's units processed, with
    unit 181's Quỹ “Vì người nghèo” ten times its 2020-H1 figure and unit 183's mediation
    cases far above the other units'. Returns (paths, {unit: cell changed})."""
    base = tmp_path_factory.mktemp("period_rules")
    paths = project_copy(base, "2021-H1")
    for unit in UNITS:
        process(paths, "2020-H1", sample_file("2020-H1", unit))
    earlier = paths.processed_period("2020-H1")
    write_csv(earlier / "values.csv", collect_period(earlier, units_of(paths, "2020-H1"))[0])
    before = read_csv(earlier / "values.csv").set_index(["unit_code", "indicator_code"])["value"]
    cells = {}
    for unit in UNITS:
        workbook = paths.raw_period("2021-H1") / sample_file("2021-H1", unit).name
        shutil.copy(sample_file("2021-H1", unit), workbook)
        if unit == "181":
            tenfold = int(before[("181", "quy_vnn_van_dong")]) * 10
            cells[unit] = set_value(workbook, "quy_vnn_van_dong", tenfold)
        if unit == "183":
            cells[unit] = set_value(workbook, "hg_vu_tiep_nhan", 4000)
        process(paths, "2021-H1", workbook)
    return paths, cells


def issues_of(paths, unit: str, period: str = "2021-H1") -> list[Issue]:
    status = read_unit_status(paths.processed_period(period), unit)
    return [Issue(**issue) for issue in status["issues"]]


def test_a_figure_ten_times_last_years_is_a_warning_naming_both_values_and_the_period(
    period_pair,
):
    paths, cells = period_pair
    check_period(paths, "2021-H1", paths.processed_period("2021-H1"), units_of(paths, "2021-H1"))
    [changed] = [i for i in issues_of(paths, "181") if i.kind == "rule_changed_from_earlier"]
    earlier = read_csv(paths.processed_period("2020-H1") / "values.csv")
    before = earlier[(earlier.unit_code == "181") & (earlier.indicator_code == "quy_vnn_van_dong")]
    before = int(before["value"].iloc[0])
    assert (changed.severity, changed.cell, changed.value) == ("warning", cells["181"], before * 10)
    shown = f"{before:,}".replace(",", ".")
    tenfold = f"{before * 10:,}".replace(",", ".")
    assert f"= {tenfold} gấp 10 lần cùng kỳ năm trước (6 tháng đầu năm 2020: {shown})" in (
        changed.message
    )
    status = read_unit_status(paths.processed_period("2021-H1"), "181")
    assert status["state"] == "có cảnh báo" and status["warnings"] >= 1
    # No other unit changed that much: the sample's growth (×1.05–1.2) is no finding.
    for unit in ("178", "180", "182", "184"):
        assert not [i for i in issues_of(paths, unit) if i.kind == "rule_changed_from_earlier"]


def test_a_figure_far_from_the_other_units_is_a_robust_outlier(period_pair):
    paths, cells = period_pair
    check_period(paths, "2021-H1", paths.processed_period("2021-H1"), units_of(paths, "2021-H1"))
    far = [i for i in issues_of(paths, "183") if i.kind == "rule_far_from_units"]
    assert [(i.indicator_code, i.cell, i.value) for i in far] == [
        ("hg_vu_tiep_nhan", cells["183"], 4000)
    ]
    assert "4.000 khác xa số liệu các đơn vị khác: trung vị của 5 đơn vị khác" in far[0].message
    for unit in ("178", "180", "182", "184"):
        assert not [i for i in issues_of(paths, unit) if i.kind == "rule_far_from_units"]
    # Checked again, the period's findings are replaced, not added twice.
    check_period(paths, "2021-H1", paths.processed_period("2021-H1"), units_of(paths, "2021-H1"))
    assert len([i for i in issues_of(paths, "183") if i.kind == "rule_far_from_units"]) == 1


def test_a_checked_warning_stays_checked_and_comes_back_when_the_value_changes(period_pair):
    paths, cells = period_pair
    processed, units = paths.processed_period("2021-H1"), units_of(paths, "2021-H1")
    check_period(paths, "2021-H1", processed, units)
    [found] = [i for i in issues_of(paths, "181") if i.kind == "rule_changed_from_earlier"]
    checked_file = paths.config / "checked-2021-H1.yml"
    checked_file.write_text(
        "# Cảnh báo đã kiểm tra\n"
        f'- unit: "181"\n  check: {found.kind}\n  cell: {found.cell}\n'
        f"  value: {int(found.value)}\n"
        "  note: đã xác minh qua điện thoại với huyện\n",
        encoding="utf-8",
    )
    try:
        notes = check_period(paths, "2021-H1", processed, units)
        [marked] = [i for i in issues_of(paths, "181") if i.kind == found.kind]
        assert marked.checked_note == "đã xác minh qua điện thoại với huyện" and notes == []
        status = read_unit_status(processed, "181")
        assert status["checked"] == 1
        assert status["warnings"] == sum(
            i.severity == "warning" and i.checked_note is None for i in issues_of(paths, "181")
        )
        # The unit sends another figure: the warning is open again, and the run says so.
        workbook = paths.raw_period("2021-H1") / sample_file("2021-H1", "181").name
        set_value(workbook, "quy_vnn_van_dong", int(found.value) + 1_000_000)
        process(paths, "2021-H1", workbook)
        notes = check_period(paths, "2021-H1", processed, units)
        [again] = [i for i in issues_of(paths, "181") if i.kind == found.kind]
        assert again.checked_note is None and again.value == found.value + 1_000_000
        assert read_unit_status(processed, "181")["checked"] == 0
        assert len(notes) == 1 and "181" in notes[0] and "checked-2021-H1.yml" in notes[0]
    finally:
        checked_file.unlink()


def test_checked_state_is_the_one_function_other_outputs_use():
    entries = parse_checked(
        '- {unit: "185", check: rule_not_above, cell: E14, value: 410000000, note: "số dư"}\n'
        '- {unit: "185", check: unit_name_differs, indicator: x, message: "Tên khác", note: ok}\n',
        "checked-2021-H1.yml",
    )
    seen = Issue("warning", "rule_not_above", "…", "Số liệu", "E14", "c", value=410_000_000.0)
    error = Issue("error", "rule_not_above", "…", "Số liệu", "E14", "c", value=410_000_000.0)
    other = Issue("warning", "rule_not_above", "…", "Số liệu", "E14", "c", value=1.0)
    texted = Issue("warning", "unit_name_differs", "Tên  khác", indicator_code="x")
    marked = checked_state([seen, error, other, texted], entries, "185")
    assert [i.checked_note for i in marked] == ["số dư", None, None, "ok"]
    assert checked_state([seen], entries, "186")[0].checked_note is None
    # A frame of many units' findings (as the report reads them) gets a column of notes.
    import pandas as pd

    frame = pd.DataFrame(
        [{"unit_code": "185", **seen.as_dict()}, {"unit_code": "186", **seen.as_dict()}]
    )
    notes = checked_state(frame, entries)["checked_note"]
    assert notes.iloc[0] == "số dư" and notes.isna().iloc[1]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("- {unit: 185, check: k, cell: E1, value: 1, note: n}", 'unit: "185"'),
        ("- {unit: '185', check: k, value: 1, note: n}", "cell"),
        ("- {unit: '185', check: k, cell: E1, value: '1', note: n}", "phải là một số"),
        ("- {unit: '185', check: k, cell: E1, value: 1}", "note"),
        ("unit: '185'", "danh sách"),
    ],
)
def test_a_wrong_checked_file_names_the_entry_and_what_to_write(text, said):
    from baocao.errors import ConfigError

    with pytest.raises(ConfigError) as raised:
        parse_checked(text, "config/checked-2021-H1.yml")
    assert "config/checked-2021-H1.yml" in str(raised.value) and said in str(raised.value)


@pytest.mark.slow
def test_a_run_shows_the_warning_and_marking_it_checked_reruns_no_notebook(tmp_path):
    """The real runner (papermill, a warm kernel) on unit 181, its Quỹ ten times 2020-H1's:
    the run's row counts the warning; `baocao mark-checked` writes the analyst's file; the
    next run executes no notebook, counts the warning as checked and the unit as valid."""
    from typer.testing import CliRunner

    from baocao.cli import app
    from baocao.cli_console import summary_table
    from baocao.run.kernels import KernelPool
    from baocao.run.plan import plan_period_units
    from baocao.run.process import process_period

    name = sample_file("2021-H1", "181").name
    paths = project_copy(tmp_path, "2021-H1", (name,))
    process(paths, "2020-H1", sample_file("2020-H1", "181"))
    earlier = paths.processed_period("2020-H1")
    write_csv(earlier / "values.csv", collect_period(earlier, units_of(paths, "2020-H1"))[0])
    before = read_csv(earlier / "values.csv").set_index("indicator_code")["value"]
    cell = set_value(
        paths.raw_period("2021-H1") / name, "quy_vnn_van_dong", int(before["quy_vnn_van_dong"]) * 10
    )

    def run():
        plan = plan_period_units("2021-H1", paths, narrative_digest="")
        with KernelPool(1) as pool:
            return plan, process_period(plan, paths, pool)

    def feedback_state() -> str:
        """The "tình trạng" of the warning's row in unit 181's feedback workbook."""
        import openpyxl

        (book,) = (paths.output_period("2021-H1") / "phan-hoi").glob("phan-hoi-181-*.xlsx")
        sheet = openpyxl.load_workbook(book, read_only=True)["Phản hồi"]
        rows = [[str(v or "") for v in r] for r in sheet.iter_rows(values_only=True)]
        (found,) = [r for r in rows if cell in r and "cảnh báo" in r]
        return found[-1]

    _, first = run()
    row = next(o for o in first.outcomes if o.unit_code == "181")
    warnings = row.warnings
    assert row.state == "có cảnh báo" and warnings >= 1 and row.checked == 0
    assert feedback_state() == "mở"  # the period's warning reaches the unit's feedback

    env = {
        "COLUMNS": "200",
        "BAOCAO_ROOT": str(paths.root),
        "BAOCAO_PROCESSED_DIR": str(paths.processed),
    }
    done = CliRunner(env=env).invoke(
        app,
        ["mark-checked", "-p", "2021-H1", "-u", "181", "-c", cell, "-n", "đã gọi điện cho huyện"],
    )
    assert done.exit_code == 0, done.output
    written = (paths.config / "checked-2021-H1.yml").read_text(encoding="utf-8")
    assert written.startswith("# Cảnh báo đã kiểm tra") and f"cell: {cell}" in written

    plan, again = run()
    assert plan.to_run == [] and plan.remade  # the analyst's file remade the period, no notebook
    row = next(o for o in again.outcomes if o.unit_code == "181")
    assert (row.warnings, row.checked) == (warnings - 1, 1)
    shown = summary_table(again)
    assert shown is not None and "(+1 đã kiểm tra)" in str(shown.columns[5]._cells)
    assert feedback_state() == "đã kiểm tra: đã gọi điện cho huyện"


def test_a_figure_fallen_to_a_tenth_of_the_half_year_before_names_that_half_year(project):
    from baocao.config.periods import Period
    from baocao.run.period_rules import period_findings

    catalogue = load_catalogue(project.config, "2021-H1")

    def frame(period, value):
        return read_csv_frame(period, {"ctri_y_kien_tap_hop": value})

    last_year = ("same_period_last_year", Period(2020, "H1"), frame("2020-H1", 13))
    half_year = ("previous_half_year", Period(2020, "H2"), frame("2020-H2", 130))
    # Only the half-year before is that far: the warning names it, not the year before.
    [issue] = period_findings(frame("2021-H1", 12), catalogue, [last_year, half_year])["181"]
    assert issue.kind == "rule_changed_from_earlier" and issue.value == 12
    assert issue.message.startswith(
        "Số ý kiến, kiến nghị của cử tri được tập hợp = 12 chỉ bằng 1/10,8 so với 6 tháng liền "
        "trước (6 tháng cuối năm 2020: 130), thay đổi quá 5 lần. "
    )
    # Both that far: one warning naming both.
    last_year = ("same_period_last_year", Period(2020, "H1"), frame("2020-H1", 240))
    [issue] = period_findings(frame("2021-H1", 12), catalogue, [last_year, half_year])["181"]
    assert "= 12 chỉ bằng 1/20 so với cùng kỳ năm trước (6 tháng đầu năm 2020: 240) và " in (
        issue.message
    )


def read_csv_frame(period: str, figures: dict):
    """One unit's processed values, as `values.csv` holds them."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "period": period,
                "unit_code": "181",
                "indicator_code": code,
                "value": value,
                "reported": True,
                "included": True,
                "source_file": "181.xlsx",
                "sheet": "Số liệu",
                "cell": "E40",
            }
            for code, value in figures.items()
        ]
    )
