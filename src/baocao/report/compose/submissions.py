"""What the units sent, as Markdown: status, issues and values frames in; sentences and tables out.

The sentence counting the units that sent figures (under Phụ lục I), and for the internal draft's
review of the data: each unit's submission (a table of the units needing attention only, so it
reads at any number of units), every error and warning with its place in the workbook, and the
figures left out of the totals because they break an error rule.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from baocao.config.catalog import Catalogue
from baocao.config.units import Unit
from baocao.errors import Issue
from baocao.intake.numbers import format_number
from baocao.report.compose.markdown import (
    NOT_REPORTED,
    format_cell,
    is_missing,
    is_truthy,
    md_escape,
    pipe_table,
    table_cell,
    unit_cell,
)
from baocao.unit.findings import ANNEX_LINES, Summary, more_line, over_limit, summarise
from baocao.unit.validate import STATE_MISSING, STATE_VALID

CHECKED = "checked"  # a warning the analyst checked (`config.checked`): shown apart, not open

SEVERITY_WORDS = {"error": "Lỗi", "warning": "Cảnh báo", CHECKED: "Đã kiểm tra"}


def status_markdown(
    status: pd.DataFrame, *, notebook_links: bool = False, without_notebook: Iterable[str] = ()
) -> str:
    """The units' submissions, readable at any number of units: a sentence counting them by
    state; the units that sent nothing, by name; a table (STT | Đơn vị | Tình trạng | Số dòng
    đã đọc | Lỗi | Cảnh báo) of the units with errors or warnings only; then the units whose
    file is valid, as one line of names. With `notebook_links`, a unit that sent a file links
    to its review notebook (in the table and in the line), except the units `without_notebook`
    (no notebook ran for them: a unit sent in parts is held, `run.parts`)."""
    unlinked = set(without_notebook)
    records = status.to_dict("records")
    missing = [r for r in records if r["state"] == STATE_MISSING]
    sent = [r for r in records if r["state"] != STATE_MISSING]
    flagged = [
        r
        for r in sent
        if _number(r.get("errors")) > 0
        or _number(r.get("warnings")) > 0
        or r["state"] != STATE_VALID
    ]
    clean = [r for r in sent if r not in flagged]
    counts = {}
    for r in sent:
        counts[str(r["state"])] = counts.get(str(r["state"]), 0) + 1
    by_state = ", ".join(f"{format_number(n)} {table_cell(state)}" for state, n in counts.items())
    text = f"Đã tiếp nhận tệp số liệu của {len(sent)}/{len(records)} đơn vị"
    text += f" ({by_state})." if by_state else "."
    lines = [text + "\n"]
    if missing:
        names = ", ".join(table_cell(r["unit_name"]) for r in missing)
        lines.append(f"Đơn vị chưa nộp tệp số liệu ({len(missing)}): {names}.\n")
    else:
        lines.append("Tất cả các đơn vị đã nộp tệp số liệu.\n")
    if flagged:
        header = ["STT", "Đơn vị", "Tình trạng", "Số dòng đã đọc", "Lỗi", "Cảnh báo"]
        rows = [
            [
                str(number),
                unit_cell(
                    str(r["unit_code"]),
                    r["unit_name"],
                    notebook_links and str(r["unit_code"]) not in unlinked,
                ),
                table_cell(r["state"]),
                format_cell(_number(r["rows_read"])),
                format_cell(_number(r["errors"])),
                format_cell(_number(r["warnings"])),
            ]
            for number, r in enumerate(flagged, start=1)
        ]
        lines.append(f"Đơn vị có lỗi hoặc cảnh báo ({len(flagged)}):\n")
        lines.append(pipe_table(header, rows, [4, 24, 12, 8, 6, 6], "cllrrr"))
    if clean:
        names = ", ".join(
            unit_cell(
                str(r["unit_code"]),
                r["unit_name"],
                notebook_links and str(r["unit_code"]) not in unlinked,
            )
            for r in clean
        )
        lines.append(f"Đơn vị có tệp số liệu hợp lệ ({len(clean)}): {names}.\n")
    return "\n".join(lines)


def set_aside_markdown(set_aside: Iterable[dict]) -> str:
    """The files the run set aside (internal draft; `run.set_aside.records`): a sentence
    counting them, then STT | Tệp | Đơn vị | Lý do; "" when there is none. Their messages (cell,
    what to do) are in the run's output and `baocao status`."""
    rows = [
        [
            str(number),
            table_cell(r.get("file") or ""),
            table_cell(r.get("unit_name") or "—"),
            table_cell(r.get("reason") or ""),
        ]
        for number, r in enumerate(set_aside, start=1)
    ]
    if not rows:
        return ""
    header = ["STT", "Tệp", "Đơn vị", "Lý do"]
    return f"Tệp không được dùng ({len(rows)}; chi tiết: lệnh “baocao status”):\n\n" + pipe_table(
        header, rows, [4, 26, 18, 40], "clll"
    )


def submission_summary(status: pd.DataFrame) -> str:
    """One sentence: how many units sent figures, and which did not."""
    missing = status[status["state"] == STATE_MISSING]
    sent = len(status) - len(missing)
    text = f"Đã tiếp nhận số liệu của {sent}/{len(status)} đơn vị."
    if len(missing):
        names = ", ".join(table_cell(name) for name in missing["unit_name"])
        text += f" Đơn vị chưa nộp báo cáo: {names}."
    return text + "\n"


def _number(value: object) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _place(sheet: object, cell: object) -> str:
    parts = []
    if not is_missing(sheet) and str(sheet).strip():
        parts.append(f"trang “{md_escape(sheet)}”")
    if not is_missing(cell) and str(cell).strip():
        parts.append(f"ô {md_escape(cell)}")
    return ", ".join(parts) or NOT_REPORTED


def _checked(record: dict) -> bool:
    note = record.get("checked_note")
    return not is_missing(note) and bool(str(note).strip())


def _severity(record: dict) -> str:
    return CHECKED if _checked(record) else str(record["severity"])


def _message(record: dict) -> str:
    message = "" if is_missing(record.get("message")) else str(record.get("message"))
    if _checked(record):
        message += f" Ghi chú kiểm tra: {str(record['checked_note']).strip()}"
    return message


def _summarised(frame: pd.DataFrame) -> list[tuple[str, Summary]]:
    """(unit code, summary) per unit in the frame's order: a unit's findings repeating one
    message are one line with their count and cell span (`unit.findings.summarise`)."""
    out = []
    for code, group in frame.groupby(frame["unit_code"].astype(str), sort=False):
        issues = [
            Issue(
                _severity(r),
                str(r.get("kind") or ""),
                _message(r),
                None if is_missing(r.get("sheet")) else str(r.get("sheet")),
                None if is_missing(r.get("cell")) else str(r.get("cell")),
            )
            for r in group.to_dict("records")
        ]
        kept, left_out = over_limit(summarise(issues), ANNEX_LINES)
        out.extend((code, summary) for summary in kept)
        if left_out:
            where = f"trang kiểm tra của đơn vị (notebooks/{code}.html)"
            out.append((code, Summary("", "", None, more_line(left_out, where), 1, "", "")))
    return out


def issues_markdown(issues: pd.DataFrame, status: pd.DataFrame, units: Iterable[Unit]) -> str:
    """Every error and warning of every unit (internal draft): STT | Đơn vị | Mức độ | Vị trí |
    Nội dung, errors first within a unit, then open warnings, then the warnings the analyst
    checked (“Đã kiểm tra”, with her note), a message repeated in one unit told once with its
    count and cell span, at most `ANNEX_LINES` lines a unit (the rest counted on one line);
    then the units with nothing to report."""
    units = tuple(units)
    short = {u.code: u.short for u in units}
    order = {u.code: i for i, u in enumerate(units)}
    if issues is None or issues.empty:
        return "Không đơn vị nào có lỗi hoặc cảnh báo.\n"
    frame = issues.copy()
    frame["_unit"] = frame["unit_code"].astype(str).map(lambda c: order.get(c, len(order)))
    rank = {"error": 0, "warning": 1, CHECKED: 2}
    frame["_severity"] = [rank.get(_severity(r), 1) for r in frame.to_dict("records")]
    frame = frame.sort_values(["_unit", "_severity"], kind="stable")
    rows = []
    for code, summary in _summarised(frame):
        rows.append(
            [
                str(len(rows) + 1),
                md_escape(short.get(code, code)),
                SEVERITY_WORDS.get(str(summary.severity), md_escape(summary.severity)),
                _place(summary.sheet, summary.place),
                md_escape(summary.shown_message),
            ]
        )
    text = pipe_table(
        ["STT", "Đơn vị", "Mức độ", "Vị trí", "Nội dung"], rows, [4, 12, 8, 12, 50], "cllll"
    )
    flagged = set(frame["unit_code"].astype(str))
    clean = [
        md_escape(short.get(str(r["unit_code"]), r["unit_name"]))
        for r in status.to_dict("records")
        if r["state"] != STATE_MISSING and str(r["unit_code"]) not in flagged
    ]
    if clean:
        text += f"\nĐơn vị không có lỗi, cảnh báo: {', '.join(clean)}.\n"
    return text


def excluded_markdown(values: pd.DataFrame, catalogue: Catalogue, units: Iterable[Unit]) -> str:
    """The figures left out of the totals because they break an error rule (internal draft):
    STT | Đơn vị | Chỉ tiêu | Số liệu đơn vị ghi | Vị trí."""
    short = {u.code: u.short for u in units}
    rows = []
    for row in values.to_dict("records"):
        if not is_truthy(row.get("reported")) or is_truthy(row.get("included")):
            continue
        code = str(row["indicator_code"])
        try:
            indicator = catalogue.indicator(code)
            label, kind = indicator.label, indicator.kind
        except KeyError:
            label, kind = code, "count"
        value = row.get("value")
        number = _number(value)
        if is_missing(value):  # unreadable: an Excel error value (#DIV/0!), text; see the errors
            shown = "không đọc được (xem lỗi ở ô này)"
        elif is_missing(number):
            shown = md_escape(value)
        elif kind == "money":  # the exact amount, as the unit wrote it
            shown = f"{format_number(number)} đồng"
        else:
            shown = format_cell(number, kind)
        rows.append(
            [
                str(len(rows) + 1),
                md_escape(short.get(str(row["unit_code"]), row["unit_code"])),
                table_cell(label),
                shown,
                _place(row.get("sheet"), row.get("cell")),
            ]
        )
    if not rows:
        return "Không có số liệu nào bị loại khỏi tổng cộng.\n"
    header = ["STT", "Đơn vị", "Chỉ tiêu", "Số liệu đơn vị ghi", "Vị trí"]
    return pipe_table(header, rows, [4, 14, 36, 10, 12], "cllrl")


def versions_markdown(receipts: dict, units: Iterable[Unit]) -> str:
    """The internal draft's record of the units' files (`run.received.write_receipts`): who
    sent after the deadline and by how many days; each unit that sent more than one version,
    with what changed cell by cell (“E13: 12 → 21”); the locked units and the later files not
    used. "" when nothing was recorded."""
    from datetime import date, datetime

    by_unit = (receipts or {}).get("units") or {}
    if not by_unit:
        return ""
    deadline = receipts.get("deadline")
    due = date.fromisoformat(deadline) if deadline else None
    names = {u.code: u.short for u in units}

    def name(code: str) -> str:
        base, _, part = code.partition("_phan")
        return md_escape(names.get(base, base) + (f" (phần {part})" if part else ""))

    lines = []
    if due is not None:
        late = []
        for code, unit in by_unit.items():
            versions = unit.get("versions") or []
            if versions:
                first = datetime.fromisoformat(versions[0]["received_at"]).date()
                if first > due:
                    late.append(f"{name(code)} ({(first - due).days} ngày)")
        said = f"muộn: {', '.join(late)}" if late else "không đơn vị nào nộp muộn"
        lines.append(f"Hạn nộp {due:%d/%m/%Y}; {said}.\n")
    rows = []
    for code, unit in by_unit.items():
        versions = unit.get("versions") or []
        if len(versions) < 2:
            continue
        for version in versions:
            when = datetime.fromisoformat(version["received_at"]).strftime("%H:%M %d/%m/%Y")
            changes = version.get("changes") or []
            what = "; ".join(changes) or version.get("error") or "bản đầu tiên"
            rows.append(
                [
                    str(len(rows) + 1),
                    name(code),
                    str(version["version"]),
                    when,
                    table_cell(version.get("file") or ""),
                    table_cell(what),
                ]
            )
    if rows:
        header = ["STT", "Đơn vị", "Bản", "Nhận lúc", "Tệp", "Thay đổi so với bản trước"]
        lines.append("Đơn vị gửi lại tệp, các ô thay đổi giữa các bản:\n")
        lines.append(pipe_table(header, rows, [4, 14, 4, 12, 20, 40], "clclll"))
    locked = [
        f"{name(code)} (bản {unit['lock'].get('version')})"
        if unit["lock"].get("version")
        else f"{name(code)} (chưa có tệp khi chốt)"
        for code, unit in by_unit.items()
        if unit.get("lock")
    ]
    if locked:
        lines.append(f"Số liệu đã chốt ({len(locked)}): {', '.join(locked)}.\n")
    lines += [f"{table_cell(unit['held'])}\n" for unit in by_unit.values() if unit.get("held")]
    return "\n".join(lines)
