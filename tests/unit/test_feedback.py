"""The rows a unit is told: problem and advice apart, errors first, checked findings marked."""

from __future__ import annotations

import datetime as dt

from baocao.unit.feedback import (
    ERROR_ADVICE,
    KIND_ADVICE,
    FeedbackHead,
    feedback_file_name,
    feedback_rows,
    finding_identity,
    shown_value,
    split_advice,
)

RULE = {
    "severity": "error",
    "kind": "rule_not_above",
    "sheet": "Số liệu",
    "cell": "E62",
    "message": "Nợ quá hạn = 2.500.000.000 không được lớn hơn “Dư nợ” (2.000.000.000). Hãy kiểm "
    "tra lại hai số liệu này (ô E62 và ô E60).",
}
READ_AS = {
    "severity": "warning",
    "kind": "value_interpreted",
    "sheet": "Số liệu",
    "cell": "E10",
    "message": "Quỹ “Vì người nghèo” vận động được: “150 triệu” được hiểu là 150.000.000 đồng.",
}
NO_SHEET = {"severity": "warning", "kind": "models_sheet_missing", "message": "Không có trang."}


def test_a_message_is_split_into_the_problem_and_what_to_do():
    problem, fix = split_advice(RULE["message"], RULE["kind"], "error")
    assert problem.endswith("(2.000.000.000).") and fix.startswith("Hãy kiểm tra lại")
    # No advice of its own: the kind's, else the severity's.
    assert (
        split_advice(READ_AS["message"], READ_AS["kind"], "warning")[1]
        == KIND_ADVICE["value_interpreted"]
    )
    assert split_advice("Ô có lỗi #DIV/0!.", "excel_error", "error") == (
        "Ô có lỗi #DIV/0!.",
        ERROR_ADVICE,
    )


def test_rows_put_errors_first_show_the_value_seen_and_the_checked_ones():
    seen = {("Số liệu", "E62"): 2_500_000_000.0, ("Số liệu", "E10"): "150 triệu"}
    checked = {finding_identity("06529", READ_AS): "đã xác minh qua điện thoại với xã"}
    rows = feedback_rows("06529", [NO_SHEET, READ_AS, RULE], seen, checked)
    assert [(r.level, r.sheet, r.cell, r.seen) for r in rows] == [
        ("lỗi", "Số liệu", "E62", "2.500.000.000"),
        ("cảnh báo", "", "", ""),
        ("cảnh báo", "Số liệu", "E10", "150 triệu"),
    ]
    assert [r.status for r in rows] == [
        "mở",
        "mở",
        "đã kiểm tra: đã xác minh qua điện thoại với xã",
    ]
    assert rows[0].identity == "06529/rule_not_above/Số liệu!E62"
    # Without the mapping (the default), every finding is open.
    assert {r.status for r in feedback_rows("06529", [READ_AS, RULE], seen)} == {"mở"}


def test_values_are_shown_the_vietnamese_way():
    assert shown_value(1_250_000) == "1.250.000"
    assert shown_value(0.5) == "0,5"
    assert shown_value("") == shown_value(None) == "(ô trống)"
    assert shown_value(dt.datetime(2021, 3, 12)) == "12/03/2021"
    assert len(shown_value("x" * 500)) == 120


def test_the_head_says_what_was_read_and_what_to_do():
    head = FeedbackHead(
        "2026-H1", "6 tháng đầu năm 2026", "06529", "Xã Lộc Bình", "06529.xlsx",
        dt.date(2026, 7, 5), 53, ("Số liệu", "Mô hình"), errors=0, warnings=0,
    )  # fmt: skip
    lines = dict(head.lines())
    assert lines["Đã đọc"] == "53 số liệu; các trang: “Số liệu”, “Mô hình”"
    assert lines["Ngày kiểm tra tệp"] == "05/07/2026"
    assert "không có gì cần sửa" in head.verdict()
    assert "gửi lại cả tệp" in FeedbackHead(**{**head.__dict__, "errors": 1}).verdict()


def test_the_file_is_named_for_the_clerk():
    assert feedback_file_name("06529", "Lộc Bình", "2026-H1") == (
        "phan-hoi-06529-loc-binh-2026-H1.xlsx"
    )
    assert feedback_file_name("06004", "Quốc Khánh", "2026-H1", ".xlsm").endswith(
        "khanh-2026-H1.xlsm"
    )
