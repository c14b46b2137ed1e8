"""Figures typed outside their value cell: beside it, inside a merge, or on the row below.

Pure: takes the rows `intake` read (`DataRow`, which keeps the row's `Ghi chú`, label and unit
cells and every cell outside the table's columns) and the indicator a row was matched to;
returns findings. A number found where the template has no place for it is never read as the
indicator's figure, and never dropped without a word: each finding names the cell, the value
and the indicator, and says which cell to move the number into.

- `figures_outside(row, indicator, …)`: a row whose value cell is empty, and a figure typed in
  its `Ghi chú`, in a column the template does not have (right of the table), in its label or
  its unit of measure, or in the value cell of an unlabelled row just below it. A cell that
  reads as a figure of the indicator's kind ("12", "12 cuộc", "1,5 triệu") is an error: the
  indicator counts as reported and left out of the totals (not as left blank). Text that only
  holds digits ("đã báo cáo từ tháng 3") is a warning.
- `merge_problem(row, indicator, sheet)`: a value cell inside a merged range. Merged within its
  own row from the value cell rightwards (E12:F12), the number is in E12 and is the row's: it is
  read, with a warning. Merged from a cell left of it (C12:E12), the row has no value cell of
  its own: an error. Merged over several rows: the number may belong to any of them: an error.
- `numbers_beside_table(rows, sheet, named)`: the other numbers outside the table's columns on
  indicator rows (beside a value that was read, or a second one beside an empty value cell):
  one warning for all of them, naming the first cells (they are not read).
- `no_figures(…)`: a file whose value column is empty throughout (an untouched template): an
  error, it cannot be sent as it is.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from baocao.config.catalog import Catalogue, Indicator
from baocao.errors import Issue
from baocao.intake import layout
from baocao.intake.format_numbers import format_number
from baocao.intake.numbers import NumberParseError, parse_value
from baocao.intake.read import DataRow
from baocao.intake.workbook import text_of

_DIGITS = re.compile(r"\d+")
_REF = re.compile(r"^([A-Z]+)(\d+)$")
_SHOWN = 12  # cells listed by name in one finding


def has_digit(value: Any) -> bool:
    """Whether a cell holds a number or text with a digit in it (a bool is no number)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return bool(_DIGITS.search(text_of(value)))


def figure_in(value: Any, kind: str) -> int | float | None:
    """The figure a cell holds when it reads as one of `kind` and has a digit; else None."""
    if not has_digit(value):
        return None
    try:
        return parse_value(value, kind, number_format=None).value
    except NumberParseError:
        return None


def shown(value: Any, limit: int = 60) -> str:
    """A cell's content as the unit typed it, for a message: numbers in Vietnamese notation."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value, decimals=2, trim=True)
    if isinstance(value, dt.date):  # also a datetime
        return value.strftime("%d/%m/%Y")
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _split(ref: str) -> tuple[str, int]:
    match = _REF.match(ref)
    return (match.group(1), int(match.group(2))) if match else ("", 0)


def is_unlabelled_figure(row: DataRow) -> bool:
    """A row with no code and no label whose value cell holds something with a digit."""
    return not row.code and not row.label and has_digit(row.value)


def _where(ref: str, header: str) -> str:
    if header:
        return f"ô {ref} (cột “{header}”, không thuộc biểu mẫu)"
    return f"ô {ref} (ngoài bảng số liệu)"


def _remainder(text: str, own: str) -> str:
    """`text` without the catalogue's own words `own` (a label, a unit) and the signs around."""
    text, own = text_of(text), text_of(own)
    if own and text.casefold().startswith(own.casefold()):
        text = text[len(own) :]
    return text.strip(" :;,.-–—=()")


def _candidates(
    row: DataRow, indicator: Indicator, catalogue: Catalogue, below: DataRow | None
) -> list[tuple[str, Any, Any, str]]:
    """(cell, content, what may be the figure, where) for each other place of `row` a figure
    may have been typed in."""
    found: list[tuple[str, Any, Any, str]] = []
    note = row.note if isinstance(row.note_value, str) else row.note_value
    if row.note_ref and has_digit(note):
        found.append((row.note_ref, note, note, f"ô {row.note_ref} (cột “{layout.COL_NOTE}”)"))
    beside = [(ref, value, header) for ref, value, header in row.beside if has_digit(value)]
    if beside:  # the first one; any further are in `numbers_beside_table`'s one warning
        ref, value, header = beside[0]
        found.append((ref, value, value, _where(ref, header)))
    own = set(_DIGITS.findall(indicator.label))
    if row.label_ref and set(_DIGITS.findall(row.label)) - own:
        where = f"ô {row.label_ref} (cột “{layout.COL_LABEL}”)"
        found.append((row.label_ref, row.label, _remainder(row.label, indicator.label), where))
    if (
        row.unit_ref
        and set(_DIGITS.findall(row.unit)) - set(_DIGITS.findall(indicator.unit))
        and catalogue.units_of_measure.reading(indicator, row.unit).status == "other"
    ):
        where = f"ô {row.unit_ref} (cột “{layout.COL_UNIT}”)"
        found.append((row.unit_ref, row.unit, _remainder(row.unit, indicator.unit), where))
    if below is not None and is_unlabelled_figure(below):
        where = (
            f"ô {below.value_ref} ở dòng {below.row_number} ngay dưới (dòng không có mã và nội "
            "dung chỉ tiêu)"
        )
        found.append((below.value_ref, below.value, below.value, where))
    return found


def figures_outside(
    row: DataRow,
    indicator: Indicator,
    catalogue: Catalogue,
    sheet: str,
    below: DataRow | None = None,
) -> tuple[list[Issue], set[int]]:
    """Findings for `row`, whose value cell is empty, about figures typed in other cells of it
    (or in the value cell of `below`, an unlabelled row just under it), and the numbers of the
    rows whose content these findings account for. An error means the indicator has a figure
    the product did not read: count it as reported, and leave it out of the totals."""
    issues: list[Issue] = []
    consumed: set[int] = set()
    for ref, content, candidate, where in _candidates(row, indicator, catalogue, below):
        from_below = below is not None and ref == below.value_ref
        if from_below:
            consumed.add(below.row_number)
        figure = figure_in(candidate, indicator.kind)
        typed = f"“{shown(content)}”"
        if figure is None:
            issues.append(
                Issue(
                    "warning",
                    "number_outside_cell",
                    f"{indicator.label}: ô số liệu {row.value_ref} để trống (coi như chưa báo "
                    f"cáo), còn {where} ghi {typed}, có chữ số. Nếu trong đó có số liệu của chỉ "
                    f"tiêu, hãy ghi số vào ô {row.value_ref} (cột “{layout.COL_VALUE}”).",
                    sheet=sheet,
                    cell=ref,
                    indicator_code=indicator.code,
                )
            )
            continue
        number = format_number(figure, decimals=0 if indicator.whole else 2, trim=True)
        move = f"Hãy ghi số {number} vào ô {row.value_ref} (cột “{layout.COL_VALUE}”)"
        if from_below:
            move += f" và xóa dòng {below.row_number}"
        elif ref not in (row.label_ref, row.unit_ref):
            move += f", xóa số ở ô {ref}"
        else:
            move += f" và trả ô {ref} về như biểu mẫu"
        issues.append(
            Issue(
                "error",
                "figure_outside_cell",
                f"{indicator.label}: ô số liệu {row.value_ref} để trống, còn {where} ghi "
                f"{typed}; số này không được đọc nên chỉ tiêu bị loại khỏi tổng cộng. {move} "
                "rồi gửi lại.",
                sheet=sheet,
                cell=ref,
                indicator_code=indicator.code,
            )
        )
    return issues, consumed


def merge_problem(row: DataRow, indicator: Indicator, sheet: str) -> Issue | None:
    """The finding for a value cell inside a merged range (`row.merged`), or None."""
    if not row.merged:
        return None
    first, _, last = row.merged.partition(":")
    first_col, first_row = _split(first)
    last_col, last_row = _split(last)
    if first_row != last_row:
        return Issue(
            "error",
            "merged_value_cell",
            f"{indicator.label}: ô {row.value_ref} nằm trong vùng ô gộp {row.merged} trải trên "
            f"nhiều dòng (dòng {first_row} đến {last_row}), nên không biết số liệu thuộc dòng "
            "nào; chưa tính chỉ tiêu này. Hãy bỏ gộp ô (Merge & Center) và ghi số riêng cho "
            "từng dòng.",
            sheet=sheet,
            cell=row.value_ref,
            indicator_code=indicator.code,
        )
    if first == row.value_ref:
        if not text_of(row.value):
            return None  # an empty value cell merged with its neighbours: nothing is read
        return Issue(
            "warning",
            "merged_value_cell",
            f"{indicator.label}: ô số liệu {row.value_ref} được gộp với ô bên phải trên cùng "
            f"dòng thành vùng {row.merged}; số “{shown(row.value)}” ghi trong vùng nằm ở ô "
            f"{row.value_ref} nên được nhận cho chỉ tiêu này. Hãy kiểm tra lại, rồi bỏ gộp ô "
            f"(Merge & Center) để cột “{layout.COL_NOTE}” dùng được riêng.",
            sheet=sheet,
            cell=row.value_ref,
            indicator_code=indicator.code,
        )
    cells = {row.label_ref: row.label, row.unit_ref: row.unit}
    cells.update({ref: value for ref, value, _ in row.beside})
    held = ""
    if text_of(cells.get(first, "")):
        held = f"; vùng gộp ghi “{shown(cells[first])}” ở ô {first}"
    return Issue(
        "error",
        "merged_value_cell",
        f"{indicator.label}: ô số liệu {row.value_ref} bị gộp vào vùng {row.merged}, bắt đầu "
        f"từ ô {first} ở cột bên trái, nên dòng {first_row} không còn ô số liệu riêng{held}; "
        f"chưa tính chỉ tiêu này. Hãy bỏ gộp ô (Merge & Center) và ghi số vào ô "
        f"{row.value_ref}.",
        sheet=sheet,
        cell=row.value_ref,
        indicator_code=indicator.code,
    )


def numbers_beside_table(
    rows: Sequence[DataRow], sheet: str, named: set[str] | frozenset[str] = frozenset()
) -> Issue | None:
    """One warning for the numbers outside the table's columns on `rows` (the rows matched to
    an indicator), but for the cells `named` by another finding: they are not read; None when
    there are none."""
    cells = [
        (ref, value)
        for row in rows
        for ref, value, _ in row.beside
        if has_digit(value) and ref not in named
    ]
    if not cells:
        return None
    listed = ", ".join(f"{ref} “{shown(value, 20)}”" for ref, value in cells[:_SHOWN])
    more = f" và {len(cells) - _SHOWN} ô khác" if len(cells) > _SHOWN else ""
    return Issue(
        "warning",
        "numbers_beside_table",
        f"{len(cells)} ô nằm ngoài các cột của biểu mẫu có số ({listed}{more}); các số này không "
        f"được đọc, số liệu của mỗi dòng là số ở cột “{layout.COL_VALUE}”. Nếu số ngoài bảng "
        f"mới là số đúng, hãy ghi nó vào cột “{layout.COL_VALUE}” của dòng đó; nếu không, hãy "
        "xóa các số ngoài bảng.",
        sheet=sheet,
        cell=cells[0][0],
    )


def no_figures(rows: Sequence[DataRow], sheet: str) -> Issue:
    """The error for a file whose value column holds nothing on any indicator row."""
    refs = [row.value_ref for row in rows]
    span = f" (ô {refs[0]} đến {refs[-1]})" if len(refs) > 1 else ""
    # Cells holding a "not reported" word ("x", "chưa có") are no figure either.
    state = "đều trống hoặc ghi là chưa có" if any(text_of(r.value) for r in rows) else "đều trống"
    return Issue(
        "error",
        "no_figures",
        f"Chưa có số liệu nào: mọi ô của cột “{layout.COL_VALUE}”{span} {state}, nên tệp "
        f"chưa thể gửi. Hãy ghi số liệu vào cột “{layout.COL_VALUE}” (ghi 0 nếu số liệu bằng "
        "0, để trống nếu không có số liệu) rồi lưu và gửi lại.",
        sheet=sheet,
        cell=refs[0] if refs else None,
    )


def unlabelled_row(row: DataRow, sheet: str) -> Issue:
    """The warning for a row with no code and no label whose value cell holds something."""
    return Issue(
        "warning",
        "unknown_row",
        f"Dòng {row.row_number} không có mã chỉ tiêu và nội dung, nhưng ô {row.value_ref} ghi "
        f"“{shown(row.value)}”; không biết đây là số liệu của chỉ tiêu nào nên số này chưa được "
        f"tính. Nếu là số liệu của một chỉ tiêu, hãy ghi vào ô “{layout.COL_VALUE}” của dòng "
        "chỉ tiêu đó rồi xóa dòng này.",
        sheet=sheet,
        cell=row.value_ref,
    )
