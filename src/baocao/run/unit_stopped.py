"""What the analyst is told when a unit's notebook could not finish: a cell over its time limit,
a kernel that died, a kernel that would not start.

In: the notebook as far as it ran (nbformat, papermill's record: each cell's
`metadata.papermill.start_time` says whether it started) and the unit, its file and the limit. Out: the step the notebook stopped
at, as the notebook's own headings name it, and one Vietnamese message saying what happened,
that the other units are not affected and what to do. Pure: reads no file.
"""

from __future__ import annotations

from baocao.config.settings import CELL_TIMEOUT_VARIABLE

SETUP_STEP = "bước chuẩn bị đầu sổ tay (nhận tham số, nạp thư viện)"
NOT_COUNTED = "Số liệu của đơn vị này chưa được tổng hợp; các đơn vị khác vẫn được xử lý."
ASK_TECHNICIAN = "nếu vẫn vậy, hãy gửi thông báo này cho người phụ trách kỹ thuật"


def stopped_cell(notebook) -> int | None:
    """Index of the last cell papermill started (the one running when the notebook stopped),
    or None when none started."""
    started = [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and cell.metadata.get("papermill", {}).get("start_time")
    ]
    return started[-1] if started else None


def _heading(cell) -> tuple[int, str] | None:
    """(level, text) of a markdown cell's first line when it is a heading."""
    first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
    level = len(first) - len(first.lstrip("#"))
    if cell.cell_type != "markdown" or not level or not first[level:].startswith(" "):
        return None
    return level, first[level:].strip()


def step_name(notebook, index: int | None) -> str:
    """Where cell `index` is, as the reviewer's page shows it: the step under the nearest
    heading above it (“bước “1. Đọc bảng tính””, a heading below the title) and its place
    among the code cells (“ô lệnh thứ 5”); cells before the first step are the setup."""
    if index is None:
        return "trước ô lệnh đầu tiên của sổ tay"
    number = sum(cell.cell_type == "code" for cell in notebook.cells[: index + 1])
    heading = None
    for cell in reversed(notebook.cells[:index]):
        heading = _heading(cell)
        if heading is not None:
            break
    step = f"bước “{heading[1]}”" if heading and heading[0] > 1 else SETUP_STEP
    return f"{step}, ô lệnh thứ {number}"


def timed_out_message(unit_name: str, source_file: str, step: str, seconds: int) -> str:
    """A unit's notebook stopped because one cell ran longer than `seconds`."""
    return (
        f"Sổ tay xử lý đơn vị {unit_name} (tệp {source_file}) bị dừng ở {step}: ô lệnh này "
        f"chạy quá {seconds} giây. {NOT_COUNTED} Hãy mở tệp kiểm tra (tệp quá lớn, có nhiều "
        f"dòng thừa hay bị hỏng?) rồi chạy lại; {ASK_TECHNICIAN} (giới hạn thời gian của một ô "
        f"lệnh đặt bằng biến môi trường {CELL_TIMEOUT_VARIABLE})."
    )


def died_message(unit_name: str, source_file: str, step: str) -> str:
    """The kernel running a unit's notebook died (out of memory, killed) during `step`."""
    return (
        f"Nhân Python chạy sổ tay xử lý đơn vị {unit_name} (tệp {source_file}) dừng đột ngột "
        f"ở {step} (máy hết bộ nhớ hoặc tiến trình bị tắt). {NOT_COUNTED} Hãy chạy lại; "
        f"{ASK_TECHNICIAN}."
    )


def not_run_message(unit_name: str, source_file: str, reason: str) -> str:
    """The notebook could not be run at all (its kernel did not start, …); `reason` is the
    technical cause, kept for the technician."""
    return (
        f"Không chạy được sổ tay xử lý đơn vị {unit_name} (tệp {source_file}). {NOT_COUNTED} "
        f"Hãy kiểm tra môi trường (make env) rồi chạy lại; {ASK_TECHNICIAN} (chi tiết kỹ "
        f"thuật: {reason})."
    )
