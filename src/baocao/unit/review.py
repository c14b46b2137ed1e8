"""Small Vietnamese tables that the per-unit notebook shows its reviewer.

Each is a `ReviewTable`: a DataFrame that a notebook displays without pandas' 0, 1, 2 … row
index (HTML with cell values escaped, and the same as plain text), since its rows are the
reviewer's lines, not positions.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from baocao.base.numbers import format_number
from baocao.config.catalog import Catalogue
from baocao.errors import Issue
from baocao.intake.read import UnitWorkbook
from baocao.unit.findings import PAGE_LINES, more_line, over_limit, summarise

SEVERITY_LABEL = {"error": "Lỗi", "warning": "Cảnh báo"}
FILE_CONTENTS = {
    "values": "Số liệu đã làm sạch",
    "models": "Mô hình, cách làm hiệu quả",
    "validation": "Kết quả kiểm tra (Great Expectations)",
    "status": "Trạng thái của đơn vị",
}


class ReviewTable(pd.DataFrame):
    """A DataFrame shown without its row index (in a notebook and as text)."""

    @property
    def _constructor(self):
        return ReviewTable

    def _repr_html_(self) -> str:
        return self.to_html(index=False, border=0, classes="bang-so-tay", na_rep="")

    def __repr__(self) -> str:
        return self.to_string(index=False) if len(self) else " | ".join(self.columns)


def read_summary(workbook: UnitWorkbook | None, issues: tuple[Issue, ...]) -> pd.DataFrame:
    if workbook is None:
        rows = [("Đọc tệp", "không đọc được"), *(("Lỗi", i.message) for i in issues)]
    else:
        declared = workbook.info.get("unit")
        rows = [
            ("Tệp", workbook.path.name),
            ("Trang số liệu", workbook.data_sheet),
            ("Số dòng dưới tiêu đề", str(len(workbook.data_rows))),
            ("Trang mô hình", workbook.models_sheet or "không có"),
            ("Số mô hình", str(len(workbook.model_rows))),
            ("Đơn vị ghi trong tệp", str(declared[0]) if declared else "không ghi"),
        ]
    return ReviewTable(rows, columns=["Mục", "Nội dung"])


def cleaning_summary(values: pd.DataFrame) -> str:
    """One line on what cleaning found, e.g. "Khớp 53 chỉ tiêu của danh mục: 50 có số liệu,
    2 để trống, 1 không đọc được." (counts of indicators)."""
    reported = values["reported"].astype(bool)
    readable = reported & values["value"].notna()
    counts = [
        (int(readable.sum()), "có số liệu"),
        (int((~reported).sum()), "để trống"),
        (int((reported & ~readable).sum()), "không đọc được"),
    ]
    said = ", ".join(f"{n} {what}" for n, what in counts if n)
    return f"Khớp {len(values)} chỉ tiêu của danh mục: {said}."


def state_line(state: str, issues: tuple[Issue, ...] | list[Issue]) -> str:
    """The unit's state with what decided it: "Trạng thái: có lỗi — 2 lỗi, 1 cảnh báo"."""
    errors = sum(i.severity == "error" for i in issues)
    warnings = sum(i.severity == "warning" for i in issues)
    counts = ((errors, SEVERITY_LABEL["error"]), (warnings, SEVERITY_LABEL["warning"]))
    found = ", ".join(f"{n} {label.lower()}" for n, label in counts if n)
    return f"Trạng thái: {state} — {found or 'không có lỗi hay cảnh báo nào'}"


def figures_table(values: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Every indicator with the value read, its cell and whether it counts in the totals
    (shown after the checks: a figure that breaks an error rule does not count)."""
    rows = []
    for record in values.itertuples(index=False):
        indicator = catalogue.indicator(record.indicator_code)
        if record.value is None or pd.isna(record.value):
            shown = "—"
        else:
            shown = format_number(record.value, decimals=0 if indicator.whole else 1)
        rows.append(
            (
                indicator.code,
                indicator.label,
                indicator.unit,
                shown,
                record.cell or "",
                "có" if record.included else "không",
            )
        )
    return ReviewTable(
        rows, columns=["Mã", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ô", "Tính vào tổng"]
    )


def issues_table(issues: tuple[Issue, ...] | list[Issue]) -> pd.DataFrame:
    """One line per finding; findings repeating one message (same severity, kind, sheet) are one
    line with their cell span ("E12–E40") and "(lặp lại 29 lần)"; errors first beyond
    `PAGE_LINES` lines, and the rest counted on a last line."""
    kept, left_out = over_limit(summarise(issues), PAGE_LINES)
    rows = [(SEVERITY_LABEL[s.severity], s.sheet or "", s.place, s.shown_message) for s in kept]
    if left_out:
        rows.append(("", "", "", more_line(left_out, "tệp kết quả kiểm tra của đơn vị (.json)")))
    return ReviewTable(rows, columns=["Mức độ", "Trang", "Ô", "Nội dung"])


def files_table(files) -> ReviewTable:
    """The files the notebook wrote (`run.store.UnitFiles`), by name, with what each holds."""
    rows = [
        (Path(getattr(files, field)).name, content)
        for field, content in FILE_CONTENTS.items()
        if getattr(files, field, None) is not None
    ]
    return ReviewTable(rows, columns=["Tệp", "Nội dung"])
