"""Repeated findings as one line: the count in Vietnamese notation, the message untouched."""

from __future__ import annotations

from baocao.errors import Issue
from baocao.unit.findings import more_line, summarise


def test_a_repeated_finding_keeps_its_own_commas_and_counts_in_vietnamese():
    message = "Ô có chữ, không phải số: 1,5 triệu"
    issues = [
        Issue("warning", "not_a_number", message, "Số liệu", f"E{row}") for row in range(1, 1235)
    ]
    (line,) = summarise(issues)
    assert line.shown_message == "Ô có chữ, không phải số: 1,5 triệu (lặp lại 1.234 lần)"
    assert line.place == "E1–E1234"


def test_the_line_for_findings_left_out_counts_in_vietnamese():
    assert more_line(12345, "trang kiểm tra").startswith("… và 12.345 phát hiện khác")
