"""What a unit is told about its file: one row per problem, in words its clerk can act on.

In: a unit's findings as its status records them (`Issue.as_dict()`: severity, kind, message,
sheet, cell), the raw values of the cells they name, and the findings the analyst checked
(finding identity → her note). Out: `FeedbackRow`s (mức độ, sheet, ô, giá trị đọc được, vấn
đề, cách sửa, tình trạng), errors first, then in sheet order; and the head of the feedback
(what was read, the counts, one sentence saying what the unit should do). Pure: the workbook
that carries them is written by `run.feedback_book`, where they are placed by `run.feedback`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from baocao.base.keys import slugify
from baocao.base.numbers import format_number
from baocao.unit.findings import cell_key

SEVERITY_LABELS = {"error": "lỗi", "warning": "cảnh báo"}
OPEN = "mở"
CHECKED = "đã kiểm tra"
EMPTY_CELL = "(ô trống)"
SEEN_LIMIT = 120  # characters of a cell's text shown in the list

# A message's advice starts with one of these words ("… (ô E62). Hãy kiểm tra lại …").
_ADVICE = re.compile(r"(?<=[.!?…:;)])\s+(?=(?:Hãy|Nếu|Lần sau|Vui lòng|Đề nghị|Cần)\b)")

# What to do about a finding whose message says no more than the problem, by kind.
KIND_ADVICE = {
    "value_interpreted": "Nếu cách hiểu này đúng thì không cần sửa. Lần sau hãy ghi số đầy đủ, "
    "chỉ gồm chữ số (không ghi “triệu”, “tỷ”, “đ”) để tránh hiểu nhầm.",
    "label_fuzzy_match": "Nếu đúng là chỉ tiêu này thì không cần sửa. Lần sau hãy giữ nguyên "
    "tên chỉ tiêu như trong biểu mẫu.",
    "measure_scaled": "Nếu cách quy đổi này đúng thì không cần sửa. Lần sau hãy ghi số liệu "
    "theo đúng đơn vị tính của biểu mẫu.",
    "added_up_parts": "Không cần sửa. Lần sau hãy gửi một tệp chung cho cả đơn vị.",
}
ERROR_ADVICE = "Hãy sửa ô này theo đúng biểu mẫu rồi gửi lại cả tệp."
WARNING_ADVICE = (
    "Hãy kiểm tra lại số liệu ở ô này. Nếu số liệu đúng thì không cần sửa, chỉ cần báo lại "
    "cho Ban Thường trực; nếu sai, hãy sửa rồi gửi lại cả tệp."
)


@dataclass(frozen=True)
class FeedbackRow:
    """One problem as the unit is told it. `severity` is "error" or "warning" (`level` its
    Vietnamese word), `sheet` and `cell` where it is ("" when it concerns the whole file or
    sheet), `seen` the cell's value as the file holds it, `status` "mở" or
    "đã kiểm tra: <ghi chú>", `identity` the finding's identity (`finding_identity`)."""

    severity: str
    sheet: str
    cell: str
    seen: str
    problem: str
    fix: str
    status: str
    identity: str

    @property
    def level(self) -> str:
        return SEVERITY_LABELS.get(self.severity, self.severity)

    @property
    def checked(self) -> bool:
        return self.status != OPEN


@dataclass(frozen=True)
class FeedbackHead:
    """What the feedback says before its list: the unit, its file and what was read."""

    period: str
    period_label: str  # "6 tháng đầu năm 2026"
    unit_code: str
    unit_name: str
    file_name: str
    made_on: date  # the day the file (this content) was first checked
    figures: int  # figures read from the data sheet
    sheets: tuple[str, ...]  # the file's sheets, in its order ((): it could not be opened)
    errors: int
    warnings: int
    checked: int = 0  # of the findings, those the analyst checked
    received: str = ""  # this version as the receipt ledger has it: "bản 2, nhận lúc 09:30 ngày …"
    locked: str = ""  # a locked unit's later file, received and not used, as the unit is told

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) lines of the head, in order."""
        sheets = ", ".join(f"“{name}”" for name in self.sheets)
        read = f"{format_number(self.figures)} số liệu; " + (
            f"các trang: {sheets}" if sheets else "không đọc được trang nào của tệp"
        )
        unit = f"{self.unit_name} (mã {self.unit_code})" if self.unit_code else self.unit_name
        counts = f"{format_number(self.errors)} lỗi, {format_number(self.warnings)} cảnh báo"
        if self.checked:
            counts += f" (trong đó {format_number(self.checked)} đã được kiểm tra)"
        return [
            ("Đơn vị", unit),
            ("Kỳ báo cáo", f"{self.period_label} ({self.period})"),
            ("Tệp đã nhận", self.file_name),
            *([("Nhận lúc", self.received)] if self.received else []),
            ("Ngày kiểm tra tệp", f"{self.made_on:%d/%m/%Y}"),
            ("Đã đọc", read),
            ("Kết quả kiểm tra", counts),
            *([("Số liệu đã chốt", self.locked)] if self.locked else []),
        ]

    def verdict(self) -> str:
        """One sentence: what the unit should do."""
        if self.errors:
            return (
                "Tệp có lỗi: số liệu có lỗi chưa được đưa vào tổng hợp. Đề nghị đơn vị xử lý "
                "các lỗi được liệt kê dưới đây rồi gửi lại cả tệp."
            )
        if self.warnings > self.checked:
            return (
                "Tệp đã được tiếp nhận. Đề nghị đơn vị xem các cảnh báo dưới đây: nếu số liệu "
                "đúng thì không cần sửa; nếu sai, hãy sửa rồi gửi lại cả tệp."
            )
        return "Tệp hợp lệ, không có gì cần sửa. Cảm ơn đơn vị đã gửi số liệu."


def finding_identity(unit_code: str, issue: Mapping[str, Any]) -> str:
    """A finding's identity, stable across runs while the finding is the same:
    "<unit>/<kind>/<sheet>!<cell>" (e.g. "06529/rule_not_above/Số liệu!E62"). The analyst's
    checked findings (`feedback_rows(checked=…)`) are keyed by it."""
    sheet, cell = _text(issue.get("sheet")), _text(issue.get("cell"))
    return f"{unit_code}/{_text(issue.get('kind'))}/{sheet}!{cell}"


def split_advice(message: str, kind: str = "", severity: str = "error") -> tuple[str, str]:
    """(problem, what to do) of a finding's message: the message's own advice (from its
    sentence beginning “Hãy”, “Nếu”, “Lần sau” …) when it has one, else the advice for its
    `kind` (`KIND_ADVICE`), else the advice for its severity."""
    message = unicodedata.normalize("NFC", message or "").strip()
    parts = _ADVICE.split(message, maxsplit=1)
    if len(parts) == 2 and parts[0].strip():
        return parts[0].strip(), parts[1].strip()
    advice = KIND_ADVICE.get(kind) or (ERROR_ADVICE if severity == "error" else WARNING_ADVICE)
    return message, advice


def shown_value(value: Any) -> str:
    """A cell's raw value as the list shows it: numbers the Vietnamese way (1.250.000; 0,5),
    dates as dd/mm/yyyy, text as written (cut at `SEEN_LIMIT` characters), "(ô trống)"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return EMPTY_CELL
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if isinstance(value, float) and value != value:  # NaN
            return EMPTY_CELL
        if float(value).is_integer():
            return format_number(int(value))
        return format_number(value, 6, trim=True)
    if isinstance(value, datetime):
        return (
            f"{value:%d/%m/%Y %H:%M}"
            if value.time() != datetime.min.time()
            else f"{value:%d/%m/%Y}"
        )
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    text = unicodedata.normalize("NFC", str(value))
    return text if len(text) <= SEEN_LIMIT else text[: SEEN_LIMIT - 1] + "…"


def feedback_rows(
    unit_code: str,
    issues: Iterable[Mapping[str, Any]],
    seen: Mapping[tuple[str, str], Any] | None = None,
    checked: Mapping[str, str] | None = None,
) -> list[FeedbackRow]:
    """One `FeedbackRow` per finding of `unit_code` (`Issue.as_dict()` records): errors
    first, then in sheet and cell order (the findings' order within a cell). `seen` maps
    (sheet, cell) to the cell's raw value (a cell not in it shows "" : not a cell's finding,
    or a file that could not be read). `checked` maps a finding's identity
    (`finding_identity`) to the analyst's note: such a row's status is "đã kiểm tra: <note>",
    every other's "mở"."""
    seen, checked = seen or {}, checked or {}
    sheets: dict[str, int] = {}
    rows = []
    for index, issue in enumerate(issues):
        severity = _text(issue.get("severity")) or "error"
        sheet, cell = _text(issue.get("sheet")), _text(issue.get("cell")).upper()
        sheets.setdefault(sheet, len(sheets))
        problem, fix = split_advice(_text(issue.get("message")), _text(issue.get("kind")), severity)
        identity = finding_identity(unit_code, issue)
        note = checked.get(identity)
        status = OPEN if note is None else (f"{CHECKED}: {note}" if note.strip() else CHECKED)
        value = shown_value(seen[(sheet, cell)]) if (sheet, cell) in seen else ""
        row = FeedbackRow(severity, sheet, cell, value, problem, fix, status, identity)
        rows.append(((severity != "error", sheets[sheet], cell_key(cell or None), index), row))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def feedback_file_name(unit_code: str, unit_short: str, period: str, suffix: str = ".xlsx") -> str:
    """The feedback file's name a clerk recognises: "phan-hoi-06529-loc-binh-2026-H1.xlsx"
    (the unit's short name without diacritics, its first words up to `NAME_IN_FILE`
    characters: the whole path must stay within Windows' 260 characters)."""
    name = slugify(unit_short) or "don-vi"
    while len(name) > NAME_IN_FILE and "-" in name:
        name = name.rsplit("-", 1)[0]
    return f"phan-hoi-{unit_code}-{name[:NAME_IN_FILE]}-{period}{suffix}"


NAME_IN_FILE = 24  # characters of the unit's name in its feedback file's name


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()
