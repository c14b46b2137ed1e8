"""The console the `baocao` commands write to, and how a command fails.

In: the process's stdout and stderr, made UTF-8 on import (`_utf8_streams`). Out: the rich
`console`, the colour of each unit state (`STATE_STYLE`), `fail` (one Vietnamese line, then the
exit code) and `guarded`, which runs a command body so a user never sees a traceback (an
unexpected error is written to `baocao-loi.log` in the output folder); and what `baocao run`
prints: its plan (`print_plan`), its units (`print_units`) and its files (`print_files`).
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from baocao.config.paths import ProjectPaths
from baocao.errors import BaocaoError, Issue, Location
from baocao.report.render.formats import labels as format_labels
from baocao.run.set_aside import OTHER_FILE, UNKNOWN_UNIT
from baocao.unit.states import STATE_ERRORS, STATE_MISSING, STATE_VALID, STATE_WARNINGS


def _utf8_streams() -> None:
    """Vietnamese on any console and in any redirected output. Windows encodes a redirected
    stdout (`baocao run > nhat-ky.txt`, a pipe) in its ANSI code page, which has no "ệ"; rich
    writes to a real console through its Unicode API, and to a file or pipe through the
    stream, made UTF-8 here."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")


_utf8_streams()
console = Console(highlight=False)
STATE_STYLE = {
    STATE_VALID: "green",
    STATE_WARNINGS: "yellow",
    STATE_ERRORS: "red",
    STATE_MISSING: "magenta",
}


PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        "-p",
        metavar="KỲ",
        help="Kỳ báo cáo, ví dụ 2021-H1; mặc định là kỳ mới nhất có tệp trong data/raw/.",
    ),
]


def chosen_period(period: str | None, paths: ProjectPaths) -> str:
    """The period asked for; without `--period`, the latest with files, said in the command's
    first line with the reason (`run.submitted.default_period`)."""
    from baocao.config.periods import Period
    from baocao.run.submitted import default_period

    if period:
        return str(Period.parse(period))
    chosen, why = default_period(paths)
    console.print(f"Kỳ báo cáo: [bold]{chosen}[/] ({why}; chọn kỳ khác bằng --period)")
    return chosen


def issue_place(issue: Issue) -> str:
    """Where an issue is, as `validate` prints it before the message (“trang “Thông tin”, ô
    B1”); "" when there is no place, or when the message already begins with it (“Trang
    “Thông tin”, ô B1: …”), not to say it twice."""
    where = Location(sheet=issue.sheet, cell=issue.cell).describe()
    said = issue.message.casefold().startswith(where.casefold()) if where else False
    return "" if said else where


def fail(message: str, code: int = 2) -> None:
    """Print `message` (Vietnamese) as one red “Lỗi:” line and end the command with exit
    `code` (2: bad input or configuration; 130: interrupted)."""
    console.print(f"[bold red]Lỗi:[/] {message}")
    raise typer.Exit(code)


def write_error_log(text: str) -> str:
    """Write a traceback to `baocao-loi.log` in the output folder, or failing that (read-only
    folder, full disk) in the system's temporary folder; never raises. Returns where it went, or
    why it could not be written (Vietnamese)."""
    import tempfile

    from baocao.errors import os_reason

    try:
        folders = [ProjectPaths.default().output]
    except BaocaoError:
        folders = []
    reason = ""
    for folder in [*folders, Path(tempfile.gettempdir())]:
        log = Path(folder) / "baocao-loi.log"
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(text, encoding="utf-8")
            return f"chi tiết kỹ thuật đã ghi vào {log}"
        except OSError as exc:
            reason = reason or f"không ghi được {log}: {os_reason(exc)}"
    return f"không ghi được chi tiết kỹ thuật ({reason})"


def guarded(action):
    """Run a command body (`action()`, its result returned): our own errors print as one
    Vietnamese line, as do the operating system's (naming the file or folder); others are
    logged and said in one line."""
    from baocao.errors import KEPT, os_failure_message

    try:
        return action()
    except BaocaoError as error:
        fail(error.message)
    except KeyboardInterrupt:
        fail("Đã dừng theo yêu cầu. Kết quả của lần chạy trước vẫn được giữ nguyên.", 130)
    except typer.Exit:
        raise
    except Exception as error:
        if isinstance(error, OSError) and error.errno is not None:
            # A read-only folder, a full disk, a file held open: the user can act on it.
            fail(f"{os_failure_message(error)} {KEPT}")
        where = write_error_log(traceback.format_exc())
        fail(
            f"Lỗi ngoài dự kiến của chương trình; {where}. "
            "Hãy gửi tệp này cho người phụ trách kỹ thuật.",
            3,
        )


# The kinds of file a run leaves, as an office worker knows them.
FILE_KINDS = {**format_labels(), "xlsx": "Excel (.xlsx)"}


# Up to this many units the summary lists every unit; beyond it (65 communes, 168 units) only
# the units that need a look, so that their rows do not scroll away among the valid ones.
LIST_EVERY_UNIT_UP_TO = 20


def _set_aside(row) -> bool:
    """A unit's second file (`UnitOutcome.set_aside`): shown by its message, not as a unit."""
    return bool(getattr(row, "set_aside", False))


def _needs_a_look(row) -> bool:
    return row.state != STATE_VALID or bool(row.errors or row.warnings)


def _checked(row) -> str:
    """ " (+2 đã kiểm tra)" after a unit's open warnings, when the analyst checked some."""
    checked = getattr(row, "checked", 0)
    return f" (+{checked} đã kiểm tra)" if checked else ""


def summary_table(result) -> Table | None:
    """The run's units as a table: every unit, or for a large period the units that need a
    look (None when there are none)."""
    rows = [row for row in result.outcomes if not _set_aside(row)]
    title = f"Kết quả kỳ {result.period}"
    if len(rows) > LIST_EVERY_UNIT_UP_TO:
        rows = [row for row in rows if _needs_a_look(row)]
        title += ": các đơn vị cần xem"
        if not rows:
            return None
    table = Table(title=title, show_lines=False)
    for column in ("Mã", "Đơn vị", "Trạng thái", "Số dòng đọc", "Lỗi", "Cảnh báo", "Tệp"):
        # A long file name folds onto the next line rather than losing its end to "…".
        table.add_column(column, overflow="fold")
    for row in rows:
        style = STATE_STYLE.get(row.state, "")
        table.add_row(
            row.unit_code,
            row.unit_name,
            f"[{style}]{row.state}[/]",
            str(row.rows_read),
            str(row.errors),
            str(row.warnings) + _checked(row),
            row.source_file or "—",
        )
    return table


def state_counts(result) -> str:
    """ "65 đơn vị: 62 hợp lệ, 2 có cảnh báo, 1 chưa nộp" (states in the order of STATE_STYLE):
    units, not files; the files set aside (of no unit, a unit's second file…) are said apart,
    counted by their reason (`run.set_aside.aside_reason`)."""
    counts = {state: 0 for state in STATE_STYLE}
    units = [row for row in result.outcomes if row.unit_code != "?" and not _set_aside(row)]
    for row in units:
        counts[row.state] = counts.get(row.state, 0) + 1
    said = ", ".join(f"{n} {state}" for state, n in counts.items() if n)
    reasons: dict[str, int] = {}
    for row in result.outcomes:
        if row.unit_code == "?" or _set_aside(row):
            why = getattr(row, "why", "") or (UNKNOWN_UNIT if row.unit_code == "?" else OTHER_FILE)
            reasons[why] = reasons.get(why, 0) + 1
    files = "".join(
        f"; {n} tệp {why}" if why == UNKNOWN_UNIT else f"; {n} tệp không dùng vì {why}"
        for why, n in reasons.items()
    )
    return f"{len(units)} đơn vị: {said}{files}"


def print_plan(title: str, rows) -> None:
    """What `--explain` prints: one row per part (`report.render.plan.PeriodPlan.explained`)."""
    table = Table(title=title)
    for column in ("Phần", "Chạy lại?", "Lý do"):
        table.add_column(column)
    for what, will_run, reasons in rows:
        table.add_row(what, "[yellow]có[/]" if will_run else "[green]không[/]", "; ".join(reasons))
    console.print(table)


def print_units(result) -> None:
    """The units' table and counts, then every note and message of the run."""
    table = summary_table(result)
    if table is not None:
        console.print(table)
    console.print(state_counts(result))
    for note in result.notes:
        console.print(f"  [cyan]•[/] {note}")
    for message in result.narrative.get("messages", []):
        console.print(f"  [cyan]•[/] {message}")
    for reason in result.narrative.get("draft_reasons", []):
        console.print(f"  [bold yellow]• {reason}[/]")
    print_draft(result)
    for row in result.outcomes:
        for message in row.messages:
            console.print(f"  [red]•[/] {row.unit_name}: {message}")


def print_draft(result) -> None:
    """What the document to sign lacks, one line each (at most `DRAFT_LINES`), when it is a
    draft (`PeriodPlan.draft`)."""
    from baocao.report.narrative.draft import capped

    draft = list(getattr(result.plan, "draft", ()) or ())
    if not draft:
        return
    console.print("  [bold yellow]• Văn bản để ký là DỰ THẢO; còn thiếu:[/]")
    for line in capped(draft, DRAFT_LINES):
        console.print(f"    [yellow]– {line}[/]")


DRAFT_LINES = 10


def _role(profile: str, kind: str) -> str:
    """What a file of the run is, in the office's words: "Văn bản để ký (Word .docx)"."""
    from baocao.report.render.profiles import PROFILE_NAMES

    if kind == "xlsx":
        return f"Bảng số liệu các phụ lục, {FILE_KINDS[kind]}"
    return f"{PROFILE_NAMES[profile].capitalize()}, {FILE_KINDS.get(kind, kind)}"


def print_files(result) -> None:
    """Where the run's data, review pages, reports and manifest are, and how long it took."""
    from baocao.base.numbers import format_number
    from baocao.report.render.backends import BACKEND_NAMES
    from baocao.run.feedback import FEEDBACK_FOLDER

    console.print(f"Số liệu đã xử lý: [bold]{result.processed_dir}[/]")
    console.print(f"Sổ tay đã chạy của từng đơn vị: [bold]{result.output_dir / 'notebooks'}[/]")
    if (feedback := result.output_dir / FEEDBACK_FOLDER).is_dir():
        console.print(f"Phản hồi gửi lại từng đơn vị (tệp Excel): [bold]{feedback}[/]")
    withheld = set(result.plan.withheld) if result.plan is not None else set()
    if result.reports:
        console.print(f"Báo cáo (lập bằng {BACKEND_NAMES.get(result.backend, '')}):")
        for (profile, kind), report in result.reports.items():
            if profile not in withheld:
                console.print(f"  {_role(profile, kind)}: [bold]{report}[/]")
            elif report.is_file():
                console.print(
                    f"  {_role(profile, kind)}: không xuất bản lần này vì văn bản để ký còn là "
                    f"dự thảo; giữ nguyên trang của lần chạy trước: [bold]{report}[/]"
                )
            else:
                console.print(
                    f"  {_role(profile, kind)}: không xuất bản vì văn bản để ký còn là dự thảo "
                    "(chưa có trang nào)."
                )
    reused = sum(o.reused for o in result.outcomes)
    if reused:
        console.print(f"Dùng lại kết quả đã có của {reused} đơn vị không thay đổi.")
    if {profile for profile, _ in result.reports} - withheld and not result.rendered:
        console.print("Báo cáo không có gì thay đổi nên được giữ nguyên.")
    console.print(f"Nhật ký lần chạy: [bold]{result.manifest}[/] — mã lần chạy {result.run_id}")
    console.print(f"Thời gian: {format_number(result.seconds, 1)} giây")
