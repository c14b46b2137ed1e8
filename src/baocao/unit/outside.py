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
  holds digits ("đã báo cáo từ tháng 3") is a warning. A value cell holding 0, a dash or "x"
  beside a figure other than 0 is the same error (which of the two is right?). Not a figure:
  a phone number ("0912345678"), a formula's result of 0 (the unit's helper column), numbering
  left of the table.
- `merge_problem(row, indicator, sheet)`: a value cell inside a merged range. Merged within its
  own row from the value cell rightwards (E12:F12), the number is in E12 and is the row's: it is
  read, with a warning. Merged from a cell left of it (C12:E12), the row has no value cell of
  its own: an error. Merged over several rows: the number may belong to any of them: an error.
- `numbers_beside_table(rows, sheet, named)`: the other numbers outside the table's columns on
  indicator rows (beside a value that was read, or a second one beside an empty value cell):
  one warning for all of them, naming the first cells (they are not read). Text with digits
  ("Năm 2025") and formulas' results are not listed.
- `no_figures(…)`: a file whose value column is empty throughout (an untouched template): an
  error, it cannot be sent as it is.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from typing import Any, NamedTuple

from baocao.base.numbers import format_number
from baocao.config.catalog import Catalogue, Indicator
from baocao.errors import Issue
from baocao.intake import layout
from baocao.intake.numbers import KINDS, NumberParseError, parse_value
from baocao.intake.read import DataRow
from baocao.intake.workbook import text_of

_DIGITS = re.compile(r"\d+")
_REF = re.compile(r"^([A-Z]+)(\d+)$")
_SHOWN = 12  # cells listed by name in one finding
_PHONE = re.compile(r"0\d{8,}")


def has_digit(value: Any) -> bool:
    """Whether a cell holds a number or text with a digit in it (a bool is no number)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return bool(_DIGITS.search(text_of(value)))


def _phone_like(value: Any) -> bool:
    """Text of nine or more digits led by a 0 ("0912345678", "0205.3812.345"): a telephone
    number or a code, never a figure (no figure is written with so long a leading zero)."""
    return isinstance(value, str) and bool(_PHONE.fullmatch(re.sub(r"[\s.]", "", value)))


def figure_in(value: Any, kind: str) -> int | float | None:
    """The figure a cell holds when it reads as one of `kind` and has a digit; else None."""
    if not has_digit(value) or _phone_like(value):
        return None
    try:
        return parse_value(value, kind, number_format=None).value
    except NumberParseError:
        return None


def is_number(value: Any) -> bool:
    """Whether a cell holds a number: a numeric cell (not a date, not TRUE/FALSE), or text that
    reads as a count, a sum of money or a percentage ("12", "12 cuộc", "1,5 triệu", "95%");
    not text that merely has digits in it ("Năm 2025", "Mục 1", "Nghị quyết 12/NQ-TW")."""
    if isinstance(value, (bool, dt.date, dt.time, dt.timedelta)):
        return False
    if isinstance(value, (int, float)):
        return True
    return any(figure_in(value, kind) is not None for kind in KINDS)


def holds_no_figure(row: DataRow, indicator: Indicator) -> bool:
    """Whether the value cell of `row` holds something typed that reads as zero or as no
    figure: 0, a dash, "không", "x", "chưa có"… (not an empty cell, not an unreadable one)."""
    if not text_of(row.value) or row.error:
        return False
    try:
        parsed = parse_value(row.value, indicator.kind, number_format=row.number_format)
    except NumberParseError:
        return False
    return parsed.value is None or parsed.value == 0


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
    """A row with no code and no label whose value cell holds something with a digit, typed
    (a formula's result, such as a total under the table, is no figure typed there)."""
    return not row.code and not row.label and not row.value_formula and has_digit(row.value)


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


class _Place(NamedTuple):
    """A cell of a row, other than its value cell, where a figure may have been typed."""

    ref: str
    content: Any  # the cell as typed
    candidate: Any  # what may be the figure: `content` without the catalogue's own words
    where: str  # the cell, described for a message
    header: str = ""  # the header of a column the template does not have, when it has one


def _candidates(
    row: DataRow, indicator: Indicator, catalogue: Catalogue, below: DataRow | None
) -> list[_Place]:
    """Each other place of `row` a figure may have been typed in."""
    found: list[_Place] = []
    note = row.note if isinstance(row.note_value, str) else row.note_value
    if row.note_ref and has_digit(note):
        found.append(
            _Place(row.note_ref, note, note, f"ô {row.note_ref} (cột “{layout.COL_NOTE}”)")
        )
    # A formula beside the table computing 0 from the empty value cell (a helper column) is
    # no figure; one with another result may be the figure, worked out there.
    beside = [
        (ref, value, header)
        for ref, value, header in row.beside
        if has_digit(value) and not (ref in row.beside_formulas and not figure_in(value, "money"))
    ]
    if beside:  # the first one; any further are in `numbers_beside_table`'s one warning
        ref, value, header = beside[0]
        found.append(_Place(ref, value, value, _where(ref, header), header))
    own = set(_DIGITS.findall(indicator.label))
    if row.label_ref and set(_DIGITS.findall(row.label)) - own:
        where = f"ô {row.label_ref} (cột “{layout.COL_LABEL}”)"
        remainder = _remainder(row.label, indicator.label)
        found.append(_Place(row.label_ref, row.label, remainder, where))
    if (
        row.unit_ref
        and set(_DIGITS.findall(row.unit)) - set(_DIGITS.findall(indicator.unit))
        and catalogue.units_of_measure.reading(indicator, row.unit).status == "other"
    ):
        where = f"ô {row.unit_ref} (cột “{layout.COL_UNIT}”)"
        found.append(_Place(row.unit_ref, row.unit, _remainder(row.unit, indicator.unit), where))
    if below is not None and is_unlabelled_figure(below):
        where = (
            f"ô {below.value_ref} ở dòng {below.row_number} ngay dưới (dòng không có mã và nội "
            "dung chỉ tiêu)"
        )
        found.append(_Place(below.value_ref, below.value, below.value, where))
    return found


def _is_numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _what_to_do(
    row: DataRow,
    place: _Place,
    figure: int | float | None,
    indicator: Indicator,
    below: DataRow | None,
) -> str:
    """What the unit does about a figure typed in `place`, as one or two sentences."""
    value_cell = f"ô {row.value_ref} (cột “{layout.COL_VALUE}”)"
    if figure is None:  # a number that does not read as one of the indicator's kind
        move = f"Hãy ghi số liệu của chỉ tiêu vào {value_cell}"
    else:
        number = format_number(figure, decimals=0 if indicator.whole else 2, trim=True)
        move = f"Hãy ghi số {number} vào {value_cell}"
    if below is not None and place.ref == below.value_ref:
        move += f" và xóa dòng {below.row_number}"
    elif place.ref in (row.label_ref, row.unit_ref):
        move += f" và trả ô {place.ref} về như biểu mẫu"
    else:
        move += f", xóa số ở ô {place.ref}"
    if text_of(row.value):  # the value cell says zero or not reported: which is right?
        move = (
            f"Nếu số liệu là số ở ô {place.ref}, {move[0].lower()}{move[1:]}; nếu số liệu đúng "
            f"là “{shown(row.value)}”, hãy xóa số ở ô {place.ref}"
        )
    elif place.header:  # a column the unit added and named: maybe another figure (last year)
        move = (
            f"Nếu đó là số liệu của chỉ tiêu kỳ này, {move[0].lower()}{move[1:]}; nếu là số "
            f"liệu khác, hãy xóa cột “{place.header}” (không thuộc biểu mẫu)"
        )
    return f"{move} rồi gửi lại."


def figures_outside(
    row: DataRow,
    indicator: Indicator,
    catalogue: Catalogue,
    sheet: str,
    below: DataRow | None = None,
) -> tuple[list[Issue], set[int]]:
    """Findings for `row`, whose value cell is empty or holds no figure (`holds_no_figure`: 0,
    a dash, "x"…), about figures typed in other cells of it (or in the value cell of `below`,
    an unlabelled row just under it), and the numbers of the rows whose content these findings
    account for. An error means the indicator has a figure the product did not read: count it
    as reported, and leave it out of the totals. Beside a value cell that holds no figure, only
    a figure (other than 0) is a finding, and not one in a column the unit added and titled:
    the unit wrote one thing and typed another."""
    issues: list[Issue] = []
    consumed: set[int] = set()
    typed = text_of(row.value)
    for place in _candidates(row, indicator, catalogue, below):
        figure = figure_in(place.candidate, indicator.kind)
        quoted = f"“{shown(place.content)}”"
        if typed and (figure is None or figure == 0 or place.header):
            # "0" or "x" in the value cell, and digits in a note, or a figure in a column the
            # unit titled (“Cùng kỳ năm 2025”): another figure, nothing in doubt.
            continue
        if below is not None and place.ref == below.value_ref:
            consumed.add(below.row_number)
        if figure is None and not _is_numeric(place.candidate):
            issues.append(
                Issue(
                    "warning",
                    "number_outside_cell",
                    f"{indicator.label}: ô số liệu {row.value_ref} để trống (coi như chưa báo "
                    f"cáo), còn {place.where} ghi {quoted}, có chữ số. Nếu trong đó có số liệu "
                    f"của chỉ tiêu, hãy ghi số vào ô {row.value_ref} (cột “{layout.COL_VALUE}”).",
                    sheet=sheet,
                    cell=place.ref,
                    indicator_code=indicator.code,
                )
            )
            continue
        value_cell = f"ghi “{shown(row.value)}”" if typed else "để trống"
        issues.append(
            Issue(
                "error",
                "figure_outside_cell",
                f"{indicator.label}: ô số liệu {row.value_ref} {value_cell}, còn {place.where} "
                f"ghi {quoted}; số này không được đọc nên chỉ tiêu bị loại khỏi tổng cộng. "
                + _what_to_do(row, place, figure, indicator, below),
                sheet=sheet,
                cell=place.ref,
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
    """One warning for the numbers (`is_number`: not text that merely has a digit, such as
    "Năm 2025") typed outside the table's columns on `rows` (the rows matched to an indicator;
    a formula's result there is the unit's own working), but for the cells `named` by another
    finding: they are not read; None when there are none."""
    cells = [
        (ref, value)
        for row in rows
        for ref, value, _ in row.beside
        if is_number(value) and ref not in named and ref not in row.beside_formulas
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
