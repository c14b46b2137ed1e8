"""report/submissions.py: the units' submissions, issues and excluded figures of the internal
draft's review, escaped and readable at 65 units."""

from __future__ import annotations

import pandas as pd
from report_frames import CATALOGUE, CURRENT, UNITS, status_frame, values_frame

from baocao.report.compose.submissions import (
    excluded_markdown,
    issues_markdown,
    set_aside_markdown,
    status_markdown,
)


def test_status_links_only_units_that_sent_a_file():
    status = status_frame({"04": "chưa nộp"})
    text = status_markdown(status, notebook_links=True)
    assert "[Huyện An](notebooks/01.html)" in text
    assert "notebooks/04.html" not in text
    assert "notebooks/" not in status_markdown(status)


def test_a_unit_without_review_page_is_not_linked_and_files_set_aside_are_listed():
    # Unit 02 is held (sent in parts): "có lỗi" but no notebook ran, so no page to link to.
    status = status_frame({"02": "có lỗi"})
    text = status_markdown(status, notebook_links=True, without_notebook={"02"})
    assert "notebooks/02.html" not in text and "[Huyện An](notebooks/01.html)" in text
    listed = set_aside_markdown(
        [
            {"file": "BacSon.xlsx", "unit_name": "", "reason": "không xác định được đơn vị"},
            {"file": "x_*1*.xlsx", "unit_name": "Huyện Bình", "reason": "tệp của kỳ khác"},
        ]
    )
    assert listed.startswith("Tệp không được dùng (2; chi tiết: lệnh “baocao status”):")
    assert r"| 1 | BacSon\.xlsx | — | không xác định được đơn vị |" in listed
    assert r"| 2 | x\_\*1\*\.xlsx | Huyện Bình | tệp của kỳ khác |" in listed  # escaped
    assert set_aside_markdown([]) == ""


def test_issues_and_excluded_figures_are_listed_and_escaped():
    issues = pd.DataFrame(
        [
            {
                "unit_code": "02",
                "unit_name": "Huyện Bình",
                "severity": "warning",
                "kind": "k",
                "message": "Ô ghi “<b>12</b>”",
                "sheet": "Số liệu",
                "cell": "E7",
            },
            {
                "unit_code": "02",
                "unit_name": "Huyện Bình",
                "severity": "error",
                "kind": "k",
                "message": "Sai _quy tắc_",
                "sheet": None,
                "cell": None,
            },
        ]
    )
    text = issues_markdown(issues, status_frame({"04": "chưa nộp"}), UNITS)
    rows = text.splitlines()[2:4]
    assert rows[0].startswith("| 1 | Bình | Lỗi | – | Sai \\_quy tắc\\_ |")
    assert rows[1] == "| 2 | Bình | Cảnh báo | trang “Số liệu”, ô E7 | Ô ghi “\\<b\\>12\\</b\\>” |"
    assert "Đơn vị không có lỗi, cảnh báo: An, Cường." in text
    assert issues_markdown(issues.iloc[0:0], status_frame({}), UNITS).startswith("Không đơn vị")

    values = values_frame(CURRENT, excluded=frozenset({("03", "thanh")}))
    excluded = excluded_markdown(values, CATALOGUE, UNITS)
    assert "| 1 | Cường | Số vụ hòa giải thành | 120 | trang “Số liệu”, ô E16 |" in excluded
    clean = values_frame(CURRENT)
    assert excluded_markdown(clean, CATALOGUE, UNITS).startswith("Không có số liệu nào")


def test_a_checked_warning_is_listed_as_checked_with_its_note_after_the_open_ones():
    def found(cell, note=None):
        return {
            "unit_code": "02",
            "unit_name": "Huyện Bình",
            "severity": "warning",
            "kind": "rule_changed_from_earlier",
            "message": f"Số ở ô {cell} gấp 10 lần cùng kỳ năm trước",
            "sheet": "Số liệu",
            "cell": cell,
            "checked_note": note,
        }

    issues = pd.DataFrame([found("E7", "đã gọi điện xác minh"), found("E9")])
    rows = issues_markdown(issues, status_frame({}), UNITS).splitlines()[2:4]
    assert rows[0].startswith("| 1 | Bình | Cảnh báo | trang “Số liệu”, ô E9 |")
    assert rows[1] == (
        "| 2 | Bình | Đã kiểm tra | trang “Số liệu”, ô E7 | Số ở ô E7 gấp 10 lần cùng kỳ năm "
        "trước Ghi chú kiểm tra: đã gọi điện xác minh |"
    )


def test_status_at_65_units_lists_only_the_units_needing_attention():
    rows = [
        {
            "unit_code": f"S{i:04d}",
            "unit_name": f"Xã Thử Nghiệm {i}",
            "state": "hợp lệ",
            "rows_read": 40,
            "errors": 0,
            "warnings": 0,
        }
        for i in range(1, 66)
    ]
    rows[2].update(state="chưa nộp", rows_read=0)
    rows[9].update(state="có lỗi", errors=2)
    rows[40].update(state="có cảnh báo", warnings=1)
    text = status_markdown(pd.DataFrame(rows), notebook_links=True)
    table_rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(table_rows) == 3  # the header, the unit with errors, the unit with a warning
    assert "[Xã Thử Nghiệm 10](notebooks/S0010.html)" in table_rows[1]
    assert "[Xã Thử Nghiệm 41](notebooks/S0041.html)" in table_rows[2]
    assert "Đã tiếp nhận tệp số liệu của 64/65 đơn vị" in text
    assert "Đơn vị chưa nộp tệp số liệu (1): Xã Thử Nghiệm 3." in text
    assert "Đơn vị có tệp số liệu hợp lệ (62): [Xã Thử Nghiệm 1](notebooks/S0001.html)" in text
    assert "notebooks/S0003.html" not in text
    every = pd.DataFrame(rows).assign(state="hợp lệ", errors=0, warnings=0)
    calm = status_markdown(every)
    assert "| " not in calm and "Tất cả các đơn vị đã nộp tệp số liệu." in calm


def test_a_units_repeated_findings_are_one_line_and_its_lines_are_bounded():
    def issue(message, cell, severity="warning"):
        return {
            "unit_code": "02",
            "unit_name": "Huyện Bình",
            "severity": severity,
            "kind": "k",
            "message": message,
            "sheet": "Số liệu",
            "cell": cell,
        }

    repeated = [issue("Ô có chữ thừa", f"E{row}") for row in range(72, 5072)]
    distinct = [issue(f"Dòng {n} lạ", f"B{n}") for n in range(1, 41)]
    error = [issue("Sai quy tắc", "E9", "error")]
    text = issues_markdown(
        pd.DataFrame(repeated + distinct + error), status_frame({"04": "chưa nộp"}), UNITS
    )
    rows = [line for line in text.splitlines() if line.startswith("| ") and "Bình" in line]
    assert len(rows) == 31  # 30 lines, then one counting the rest
    assert rows[0] == "| 1 | Bình | Lỗi | trang “Số liệu”, ô E9 | Sai quy tắc |"
    assert rows[1].startswith("| 2 | Bình | Cảnh báo | trang “Số liệu”, ô E72–E5071 |")
    assert "Ô có chữ thừa (lặp lại 5" in rows[1] and "000 lần)" in rows[1]
    # 40 distinct lines + the repeated one + the error: 12 lines over, one finding each.
    assert "… và 12 phát hiện khác, không liệt kê ở đây: xem trang kiểm tra" in rows[-1]
    assert "notebooks/02\\.html" in rows[-1]  # escaped for Markdown
