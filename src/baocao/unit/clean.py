"""Cleaning a unit's rows into tidy data: one row per catalogue indicator.

Pure: takes what `intake` read and the catalogue, returns frames and findings; reads no file.
Here: the data sheet's rows matched to indicators, their cells and units of measure read into
figures (`clean_values`), and `clean_unit`, which adds the models sheet (`unit.models`) and the
checks of what `Thông tin` declares (`unit.declared`). Every row is either matched to an indicator (by its code, by its label when the code is missing,
or by a label close enough to one, with a warning) or reported as an issue; nothing is dropped
silently. A blank cell stays blank (not reported), apart from a 0. Rows below the template's
table are told once (`below_table`), never matched one by one.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace

import pandas as pd

from baocao.base.keys import match_key
from baocao.config.catalog import Catalogue, Indicator
from baocao.config.outline import DEFAULT_GROUP
from baocao.config.periods import Period, is_period
from baocao.config.units import Unit
from baocao.errors import Issue
from baocao.intake.numbers import NumberParseError, format_number, parse_value
from baocao.intake.read import DataRow, UnitWorkbook
from baocao.intake.workbook import text_of
from baocao.unit.below_table import below_table_issue, fold_below, split_rows
from baocao.unit.declared import (
    check_declared_period,
    declared_unit_mismatch,
    info_sheet_missing,
    is_illustrative,
)
from baocao.unit.models import MODEL_COLUMNS, clean_models, programme_numbers
from baocao.unit.outside import (
    figures_outside,
    holds_no_figure,
    merge_problem,
    no_figures,
    numbers_beside_table,
    unlabelled_row,
)

VALUE_COLUMNS = (
    "period",
    "unit_code",
    "indicator_code",
    "value",
    "reported",
    "included",
    "source_file",
    "sheet",
    "cell",
)

# A relabelled row is matched to the indicator whose folded label is at least this similar, and
# clearly more similar than to any other indicator (labels of one section differ by a word).
FUZZY_CUTOFF = 0.8
FUZZY_MARGIN = 0.05


@dataclass(frozen=True)
class CleanResult:
    values: pd.DataFrame  # VALUE_COLUMNS, one row per catalogue indicator, catalogue order
    models: pd.DataFrame  # MODEL_COLUMNS
    issues: tuple[Issue, ...]
    rows_read: int  # rows of the data sheet matched to an indicator
    illustrative: bool = False  # the workbook says its figures are illustrative


def _closest_label(
    label: str, catalogue: Catalogue, taken: set[str]
) -> tuple[Indicator | None, float]:
    """The indicator whose label is clearly closest to `label`, if close enough; else None."""
    key = match_key(label)
    if not key:
        return None, 0.0
    scored = sorted(
        (
            (difflib.SequenceMatcher(None, key, match_key(i.label)).ratio(), n)
            for n, i in enumerate(catalogue.indicators)
        ),
        reverse=True,
    )
    best, index = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    indicator = catalogue.indicators[index]
    if best < FUZZY_CUTOFF or best - runner_up < FUZZY_MARGIN or indicator.code in taken:
        return None, best
    return indicator, best


def _match_row(
    row: DataRow, catalogue: Catalogue, by_label: dict[str, Indicator], taken: set[str]
) -> tuple[Indicator | None, Issue | None]:
    code = row.code.strip().lower()
    if code in catalogue.codes:
        return catalogue.indicator(code), None
    by_its_label = by_label.get(match_key(row.label)) if row.label else None
    if code and by_its_label is not None:
        return by_its_label, Issue(
            "warning",
            "unknown_code",
            f"Mã chỉ tiêu “{row.code}” ở dòng {row.row_number} không có trong danh mục; "
            f"đã nhận theo nội dung là “{by_its_label.code}”. Hãy giữ nguyên mã của biểu mẫu.",
            cell=row.value_ref,
            indicator_code=by_its_label.code,
        )
    if by_its_label is None and row.label:
        close, score = _closest_label(row.label, catalogue, taken)
        if close is not None:
            return close, Issue(
                "warning",
                "label_fuzzy_match",
                f"Dòng {row.row_number} ghi “{row.label}”, không đúng nội dung chỉ tiêu nào; đã "
                f"nhận là chỉ tiêu gần giống nhất “{close.label}” ({close.code}, giống "
                f"{round(score * 100)}%). Hãy kiểm tra số liệu ở ô {row.value_ref} và giữ "
                "nguyên nội dung của biểu mẫu.",
                cell=row.value_ref,
                indicator_code=close.code,
            )
    return by_its_label, None


def _is_blank_row(row: DataRow) -> bool:
    return not row.code and not text_of(row.value)


def _is_merged_heading(row: DataRow) -> bool:
    """The value cell lies in a range merged across one row: a heading or a label, not a figure."""
    if not row.merged:
        return False
    first, _, last = row.merged.partition(":")
    return first.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


EXCEL_ERROR = object()  # marks a value cell holding an Excel error value

# What each Excel error value means, in the words of Excel's Vietnamese help.
_EXCEL_ERROR_MEANINGS = {
    "#DIV/0!": "công thức chia cho 0 hoặc cho ô trống",
    "#REF!": "công thức tham chiếu đến ô không còn tồn tại (ô, dòng hoặc trang đã bị xóa)",
    "#N/A": "công thức tra cứu không tìm thấy giá trị",
    "#VALUE!": "công thức tính với giá trị sai kiểu (ví dụ cộng chữ với số)",
    "#NAME?": "công thức dùng tên hàm hoặc tên vùng không tồn tại",
    "#NUM!": "công thức cho kết quả không phải số hợp lệ",
    "#NULL!": "công thức dùng vùng ô không giao nhau",
    "#SPILL!": "kết quả công thức tràn sang ô đã có dữ liệu",
    "#CALC!": "công thức không tính được",
}


def _excel_error_issue(row: DataRow, indicator: Indicator, sheet: str) -> Issue:
    meaning = _EXCEL_ERROR_MEANINGS.get(row.error.upper(), "công thức bị lỗi")
    return Issue(
        "error",
        "excel_error",
        f"{indicator.label}: ô {row.value_ref} hiển thị lỗi {row.error} của Excel ({meaning}), "
        "nên số liệu bị loại khỏi tổng cộng. Hãy sửa công thức trong ô hoặc ghi thẳng số vào "
        "ô, rồi gửi lại.",
        sheet=sheet,
        cell=row.value_ref,
        indicator_code=indicator.code,
    )


def _cell_problem(row: DataRow, indicator: Indicator, sheet: str) -> Issue | None:
    """A finding for a value cell whose content is in doubt: an uncalculated formula (an error),
    or a cell inside a merged range (`outside.merge_problem`: an error, or a warning when the
    number is in the row's own value cell)."""
    if row.formula_without_value:
        return Issue(
            "error",
            "formula_no_value",
            f"{indicator.label}: ô {row.value_ref} chứa công thức nhưng tệp không lưu kết quả "
            "tính (tệp được tạo bằng phần mềm khác Excel, hoặc chưa tính lại). Hãy mở tệp bằng "
            "Excel, nhấn F9 rồi lưu lại, hoặc ghi thẳng số vào ô.",
            sheet=sheet,
            cell=row.value_ref,
            indicator_code=indicator.code,
        )
    return merge_problem(row, indicator, sheet)


def clean_values(
    workbook: UnitWorkbook, catalogue: Catalogue, *, period: str, unit_code: str
) -> tuple[pd.DataFrame, list[Issue], int, int]:
    """(tidy figures, findings, rows read, the table's last row: `below_table.table_end`)."""
    sheet = workbook.data_sheet
    by_label = {match_key(i.label): i for i in catalogue.indicators}
    # Rows below the template's table are told once, never matched one by one.
    table_rows, below, end = split_rows(workbook.data_rows, catalogue)
    # Indicators some row names exactly: a loosely labelled row is never matched to them.
    taken = {row.code.strip().lower() for row in table_rows} & set(catalogue.codes)
    taken |= {by_label[k].code for row in table_rows if (k := match_key(row.label)) in by_label}
    found: dict[str, tuple[DataRow, object, bool]] = {}
    below_issue = below_table_issue(below, sheet)
    issues: list[Issue] = [below_issue] if below_issue else []
    duplicated: set[str] = set()
    rows_read = 0
    rows = table_rows
    matched: list[DataRow] = []  # rows matched to an indicator
    consumed: set[int] = set()  # rows whose figure a finding on the row above names
    for number, row in enumerate(rows):
        indicator, issue = _match_row(row, catalogue, by_label, taken)
        if issue:
            issues.append(dataclass_replace(issue, sheet=sheet))
        if indicator is None:
            if _is_blank_row(row) or _is_merged_heading(row) or row.row_number in consumed:
                continue  # a blank line, a section heading merged across the row, or named above
            if not (row.label or row.code):
                issues.append(unlabelled_row(row, sheet))
                continue
            shown = row.label or row.code
            issues.append(
                Issue(
                    "warning",
                    "unknown_row",
                    f"Dòng {row.row_number} (“{shown}”) không khớp chỉ tiêu nào trong danh mục nên "
                    "chưa được tính. Hãy ghi đúng mã chỉ tiêu ở cột “Mã chỉ tiêu”.",
                    sheet=sheet,
                    cell=row.value_ref,
                )
            )
            continue
        rows_read += 1
        if indicator.code in found:
            first = found[indicator.code][0]
            duplicated.add(indicator.code)
            issues.append(
                Issue(
                    "error",
                    "duplicate_row",
                    f"Chỉ tiêu “{indicator.label}” được ghi hai lần (ô {first.value_ref} và ô "
                    f"{row.value_ref}); chưa tính chỉ tiêu này. Hãy chỉ giữ một dòng.",
                    sheet=sheet,
                    cell=row.value_ref,
                    indicator_code=indicator.code,
                )
            )
            continue
        matched.append(row)
        cell_problem = _cell_problem(row, indicator, sheet)
        if cell_problem is not None:
            issues.append(cell_problem)
            if cell_problem.severity == "error":
                found[indicator.code] = (row, None, False)
                continue
        # Was the figure typed beside a value cell left empty, or holding 0 or "x"?
        if not (text_of(row.value) or row.error) or holds_no_figure(row, indicator):
            below = rows[number + 1] if number + 1 < len(rows) else None
            outside, named = figures_outside(row, indicator, catalogue, sheet, below)
            issues.extend(outside)
            consumed |= named
            if any(i.severity == "error" for i in outside):
                found[indicator.code] = (row, None, False)
                continue
        if row.error:
            issues.append(_excel_error_issue(row, indicator, sheet))
            found[indicator.code] = (row, EXCEL_ERROR, False)
            continue
        measure = catalogue.units_of_measure.reading(indicator, row.unit)
        if measure.status == "other":
            issues.append(
                Issue(
                    "error",
                    "measure_mismatch",
                    f"{indicator.label}: ô {row.unit_ref or row.value_ref} ghi đơn vị tính "
                    f"“{row.unit}”, khác đơn vị “{indicator.unit}” của chỉ tiêu, nên chưa tính "
                    f"số liệu ô {row.value_ref}. Hãy ghi số theo đơn vị “{indicator.unit}” và giữ "
                    "nguyên cột “Đơn vị tính” của biểu mẫu.",
                    sheet=sheet,
                    cell=row.unit_ref or row.value_ref,
                    indicator_code=indicator.code,
                )
            )
            found[indicator.code] = (row, None, False)
            continue
        try:
            parsed = parse_value(
                row.value, indicator.kind, number_format=row.number_format, scale=measure.scale
            )
            value, ok = parsed.value, True
            if parsed.note:
                issues.append(
                    Issue(
                        "warning",
                        "value_interpreted",
                        f"{indicator.label}: {parsed.note}",
                        sheet=sheet,
                        cell=row.value_ref,
                        indicator_code=indicator.code,
                    )
                )
            if measure.status == "scaled" and value is not None:
                issues.append(
                    Issue(
                        "warning",
                        "measure_scaled",
                        f"{indicator.label}: dòng {row.row_number} ghi đơn vị tính “{row.unit}” "
                        f"(ô {row.unit_ref}) nên số ở ô {row.value_ref} được hiểu là "
                        f"{format_number(value)} {indicator.unit}. Hãy kiểm tra lại; lần sau ghi "
                        f"số theo đơn vị “{indicator.unit}” của biểu mẫu.",
                        sheet=sheet,
                        cell=row.value_ref,
                        indicator_code=indicator.code,
                    )
                )
        except NumberParseError as exc:
            value, ok = None, False
            issues.append(
                Issue(
                    "error",
                    "not_a_number",
                    f"{indicator.label}: {exc.reason}",
                    sheet=sheet,
                    cell=row.value_ref,
                    indicator_code=indicator.code,
                )
            )
        found[indicator.code] = (row, value, ok)

    records = []
    for indicator in catalogue.indicators:
        if indicator.code in found:
            row, value, ok = found[indicator.code]
            cell = row.value_ref
        else:
            value, ok, cell = None, True, ""
            issues.append(
                Issue(
                    "warning",
                    "missing_row",
                    f"Thiếu dòng chỉ tiêu “{indicator.label}” ({indicator.code}); coi như chưa báo cáo. "
                    "Hãy dùng đủ các dòng của biểu mẫu.",
                    sheet=sheet,
                    indicator_code=indicator.code,
                )
            )
        # A cell the unit filled but that could not be read (an Excel error such as “#DIV/0!”,
        # text that is not a number, another unit of measure) was reported: it is listed as
        # left out of the totals, never as left blank.
        reported = value is not None or not ok
        if value is EXCEL_ERROR:
            value = None
        included = ok and value is not None and indicator.code not in duplicated
        records.append(
            {
                "period": period,
                "unit_code": unit_code,
                "indicator_code": indicator.code,
                "value": value if indicator.code not in duplicated else None,
                "reported": reported,
                "included": included,
                "source_file": workbook.path.name,
                "sheet": sheet,
                "cell": cell,
            }
        )
    named = {i.cell for i in issues if i.kind in ("figure_outside_cell", "number_outside_cell")}
    beside = numbers_beside_table(matched, sheet, named)
    if beside is not None:
        issues.append(beside)
    if not any(record["reported"] for record in records):
        issues.append(no_figures(matched, sheet))
    frame = pd.DataFrame.from_records(records, columns=list(VALUE_COLUMNS))
    frame["value"] = frame["value"].astype(object)
    return frame, issues, rows_read, end


def clean_unit(
    workbook: UnitWorkbook,
    catalogue: Catalogue,
    *,
    period: str,
    unit_code: str,
    units: Sequence[Unit] | None = None,
    unit_from: str = "theo tên tệp",
    period_from: str | None = None,
    group: str = DEFAULT_GROUP,
) -> CleanResult:
    """Clean one unit's workbook. With the period's `units`, a `Thông tin` sheet naming another
    unit than `unit_code` gets a warning; one naming another period than `period` is an error
    and none of the workbook's figures is `included`. Without a `Thông tin` sheet, a warning says the unit
    was taken from `unit_from` and the period from `period_from` (default: the period's folder).
    `group` is what the period's outline calls the groups models are filed under
    (`outline.model_group`), for the models' warnings."""
    values, value_issues, rows_read, table_last_row = clean_values(
        workbook, catalogue, period=period, unit_code=unit_code
    )
    models, model_issues = clean_models(
        workbook,
        period=period,
        unit_code=unit_code,
        programmes=programme_numbers(catalogue),
        group=group,
    )
    mismatch = declared_unit_mismatch(workbook, unit_code, units) if units else None
    known = is_period(period)
    if period_from is None:
        period_from = (
            f"theo thư mục của kỳ ({Period.parse(period).label()})"
            if known
            else "không xác định được"
        )
    missing_info = info_sheet_missing(workbook, unit_from=unit_from, period_from=period_from)
    period_issues = check_declared_period(workbook, period) if known else []
    if any(i.kind == "period_mismatch" for i in period_issues):
        values["included"] = False  # another period's figures: none counts in this period
    issues = [
        *fold_below(workbook.issues, workbook.data_sheet, table_last_row),
        *([missing_info] if missing_info else []),
        *period_issues,
        *([mismatch] if mismatch else []),
        *value_issues,
        *model_issues,
    ]
    return CleanResult(
        values=values,
        models=models,
        issues=tuple(issues),
        rows_read=rows_read,
        illustrative=is_illustrative(workbook),
    )


def nothing_read(
    catalogue: Catalogue, *, period: str, unit_code: str, source_file: str
) -> CleanResult:
    """The result for a workbook that could not be read: every indicator not reported."""
    values = pd.DataFrame.from_records(
        [
            {
                "period": period,
                "unit_code": unit_code,
                "indicator_code": indicator.code,
                "value": None,
                "reported": False,
                "included": False,
                "source_file": source_file,
                "sheet": "",
                "cell": "",
            }
            for indicator in catalogue.indicators
        ],
        columns=list(VALUE_COLUMNS),
    )
    values["value"] = values["value"].astype(object)
    return CleanResult(
        values=values, models=pd.DataFrame(columns=list(MODEL_COLUMNS)), issues=(), rows_read=0
    )
