"""What lies below the template's table: read once, told once, never matched row by row.

A unit's `Số liệu` table holds one row per section heading and indicator of the catalogue. A
file may carry thousands of rows under it (a pasted export, a list of names, junk): matching
each against the catalogue's labels cost 17 s a unit and gave one warning per row. Here the
table ends at `table_end`: the later of the last row naming an indicator exactly (by code or
label; rows a unit inserted into the table push it down) and the row where the template's table
ends counting from the header (a relabelled last row stays in it). Rows below it are never matched: those with a code
or a figure become ONE warning (`rows_below_table`) with their count and first and last cells,
and what the reader found in cells below it (legacy encodings, garbled text …) becomes one
finding per kind. Pure: rows and issues in, rows and issues out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace as dataclass_replace

from baocao.base.keys import match_key
from baocao.base.numbers import format_number
from baocao.config.catalog import Catalogue
from baocao.errors import Issue
from baocao.intake.read import DataRow
from baocao.intake.workbook import text_of
from baocao.unit.findings import cell_key, cell_span

KIND = "rows_below_table"


def template_rows(catalogue: Catalogue) -> int:
    """Rows of the template's table under its header: one per section heading and indicator."""
    return sum(1 + len(indicators) for indicators in catalogue.by_section().values() if indicators)


def table_end(rows: Sequence[DataRow], catalogue: Catalogue) -> int:
    """The 1-based row number of the table's last row (rows after it are below the table)."""
    if not rows:
        return 0
    labels = {match_key(i.label) for i in catalogue.indicators}
    last_named = max(
        (
            r.row_number
            for r in rows
            if r.code.strip().lower() in catalogue.codes
            or (r.label and match_key(r.label) in labels)
        ),
        default=0,
    )
    template_end = rows[0].row_number + template_rows(catalogue) - 1
    return max(last_named, template_end)


def has_content(row: DataRow) -> bool:
    """A row that would be an indicator's row if it were in the table: a code or a figure."""
    return bool(row.code or text_of(row.value))


def split_rows(
    rows: Sequence[DataRow], catalogue: Catalogue
) -> tuple[list[DataRow], list[DataRow], int]:
    """(the table's rows, the rows below it holding a code or a figure, the table's last row)."""
    end = table_end(rows, catalogue)
    table = [r for r in rows if r.row_number <= end]
    below = [r for r in rows if r.row_number > end and has_content(r)]
    return table, below, end


QUOTED_ROWS = 3  # up to this many rows below the table are quoted one by one


def _held(row: DataRow) -> str:
    """What a row below the table holds, as the unit sees it: its code and its figure."""
    parts = [f"mã “{row.code.strip()}”"] if row.code.strip() else []
    if text_of(row.value):
        parts.append(f"ô {row.value_ref}: “{text_of(row.value)}”")
    return ", ".join(parts)


def below_table_issue(below: Sequence[DataRow], sheet: str) -> Issue | None:
    """One warning for every row below the table holding a code or a figure; None if none."""
    if not below:
        return None
    first, last = below[0], below[-1]
    first_cell, last_cell = cell_span(r.value_ref for r in below)
    if len(below) <= QUOTED_ROWS:  # a few rows (a total under the table): say what they hold
        where = "; ".join(f"dòng {r.row_number} ({_held(r)})" for r in below)
    else:
        where = (
            f"từ dòng {first.row_number} đến dòng {last.row_number} "
            f"(ô {first_cell} đến ô {last_cell})"
        )
    return Issue(
        "warning",
        KIND,
        f"{format_number(len(below))} dòng có nội dung bên dưới bảng số liệu, {where}: "
        "các dòng này không thuộc chỉ tiêu nào của biểu mẫu nên không được đọc và không được "
        "tính. Hãy xóa hẳn các dòng thừa bên dưới bảng (ghi chú thì ghi vào cột “Ghi chú”) "
        "rồi gửi lại.",
        sheet=sheet,
        cell=first_cell,
    )


def _row_of(cell: str | None) -> int:
    return cell_key(cell)[0]


def fold_below(issues: Sequence[Issue], sheet: str, end: int) -> list[Issue]:
    """`issues` with those on cells of `sheet` below row `end` told once per kind, at the place
    of the first: "… (và 4.999 ô tương tự khác bên dưới bảng, đến ô C5071)"."""

    def below(issue: Issue) -> bool:
        return issue.sheet == sheet and bool(issue.cell) and _row_of(issue.cell) > end

    groups: dict[str, list[Issue]] = {}
    for issue in issues:
        if below(issue):
            groups.setdefault(issue.kind, []).append(issue)
    out = []
    for issue in issues:
        group = groups.get(issue.kind) if below(issue) else None
        if group is None or len(group) == 1:
            out.append(issue)
        elif issue is group[0]:
            _, last = cell_span(i.cell for i in group)
            more = format_number(len(group) - 1)
            message = f"{issue.message} (và {more} ô tương tự khác bên dưới bảng, đến ô {last})"
            out.append(dataclass_replace(issue, message=message))
    return out
