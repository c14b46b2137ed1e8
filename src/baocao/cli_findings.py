"""`baocao mark-checked`: the analyst marks a unit's warning as checked, with a short note.

It finds the unit's open warnings at a cell (or an indicator) in the period's processed status
and appends one entry per warning to `config/checked-<kỳ>.yml` (`config.checked`), keeping what
the file already says (comments included): the file stays hers, to read, edit or undo by hand.
The next `baocao run` shows those warnings as checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from baocao.cli_console import console, fail, guarded
from baocao.config.checked import checked_path, checked_state, load_checked, parse_checked
from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period
from baocao.errors import Issue

HEADER = (
    "# Cảnh báo đã kiểm tra của kỳ {period}: mỗi mục là một cảnh báo của một đơn vị, với ghi chú.\n"
    "# Cảnh báo được coi là đã kiểm tra khi đơn vị, loại kiểm tra (check), ô (cell) hoặc chỉ tiêu\n"
    "# (indicator) và số liệu (value) đều khớp; đơn vị gửi số khác thì cảnh báo lại hiện ra.\n"
    "# Có thể sửa tay hoặc thêm bằng lệnh: baocao mark-checked --period {period} --unit MÃ\n"
    '#   --cell Ô --note "ghi chú". Xóa một mục để bỏ đánh dấu.\n'
)


def entry_text(unit: str, issue: Issue, note: str) -> str:
    """One entry of the checked file, as YAML a person reads (strings quoted as JSON is)."""
    lines = [f"- unit: {json.dumps(unit)}", f"  check: {issue.kind}"]
    if issue.sheet:
        lines.append(f"  sheet: {json.dumps(issue.sheet, ensure_ascii=False)}")
    if issue.cell:
        lines.append(f"  cell: {issue.cell}")
    if issue.indicator_code:
        lines.append(f"  indicator: {issue.indicator_code}")
    if issue.value is not None:
        value = issue.value
        lines.append(f"  value: {int(value) if float(value).is_integer() else value}")
    else:
        lines.append(f"  message: {json.dumps(issue.message, ensure_ascii=False)}")
    lines.append(f"  note: {json.dumps(note, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def open_warnings(paths: ProjectPaths, period: str, unit: str) -> list[Issue]:
    """The unit's warnings not yet checked, as the last run left them (processed status)."""
    from baocao.run.store import read_unit_status

    status = read_unit_status(paths.processed_period(period), unit)
    if status is None:
        fail(
            f"Chưa có kết quả xử lý của đơn vị {unit} trong kỳ {period}. Hãy kiểm tra mã đơn "
            f"vị, hoặc chạy “baocao run --period {period}” trước."
        )
    issues = [Issue(**issue) for issue in status.get("issues") or []]
    marked = checked_state(issues, load_checked(paths.config, period), unit)
    return [i for i in marked if i.severity == "warning" and i.checked_note is None]


def mark_checked(
    period: Annotated[
        str, typer.Option("--period", "-p", metavar="KỲ", help="Kỳ báo cáo, ví dụ 2021-H1.")
    ],
    unit: Annotated[str, typer.Option("--unit", "-u", metavar="MÃ", help="Mã đơn vị.")],
    note: Annotated[
        str,
        typer.Option("--note", "-n", metavar="GHI_CHÚ", help="Ghi chú ngắn: đã kiểm tra thế nào."),
    ],
    cell: Annotated[
        str | None, typer.Option("--cell", "-c", metavar="Ô", help="Ô của cảnh báo, ví dụ E21.")
    ] = None,
    indicator: Annotated[
        str | None,
        typer.Option("--indicator", "-i", metavar="MÃ_CHỈ_TIÊU", help="Hoặc mã chỉ tiêu."),
    ] = None,
) -> None:
    """Đánh dấu cảnh báo của một đơn vị là đã kiểm tra, kèm ghi chú.

    Ghi vào config/checked-<kỳ>.yml (tệp của chuyên viên, có thể sửa tay). Lần chạy sau, cảnh
    báo hiện là “đã kiểm tra” cho đến khi đơn vị gửi số liệu khác."""

    def body():
        paths = ProjectPaths.default()
        chosen = str(Period.parse(period))
        if not (cell or indicator) or not note.strip():
            fail("Hãy cho biết ô (--cell) hoặc mã chỉ tiêu (--indicator), và ghi chú (--note).")
        warnings = open_warnings(paths, chosen, unit)
        chosen_ones = [
            i
            for i in warnings
            if (cell and str(i.cell or "").upper() == cell.strip().upper())
            or (indicator and i.indicator_code == indicator)
        ]
        if not chosen_ones:
            listed = "\n".join(
                f"  • ô {i.cell or '—'} ({i.indicator_code or i.kind}): {i.message}"
                for i in warnings
            )
            fail(
                f"Đơn vị {unit} không có cảnh báo chưa kiểm tra ở "
                f"{'ô ' + cell if cell else 'chỉ tiêu ' + str(indicator)} trong kỳ {chosen}."
                + (f" Các cảnh báo chưa kiểm tra:\n{listed}" if listed else "")
            )
        path = checked_path(paths.config, chosen)
        text = path.read_text(encoding="utf-8") if path.is_file() else HEADER.format(period=chosen)
        if text and not text.endswith("\n"):
            text += "\n"
        text += "".join(entry_text(unit, i, note.strip()) for i in chosen_ones)
        _write(path, text)
        for issue in chosen_ones:
            console.print(f"  [green]✓[/] ô {issue.cell or '—'}: {issue.message}")
        console.print(
            f"Đã ghi {len(chosen_ones)} cảnh báo đã kiểm tra vào [bold]{path}[/]. Chạy lại "
            f"“baocao run --period {chosen}” để cập nhật bảng kết quả và báo cáo."
        )

    guarded(body)


def _write(path: Path, text: str) -> None:
    """Write the file once it reads back as entries (`parse_checked` raises otherwise)."""
    from baocao.base.files import atomic_write_text

    parse_checked(text, f"config/{path.name}")
    atomic_write_text(path, text)
