"""The console the `baocao` commands write to, and how a command fails.

In: the process's stdout and stderr, made UTF-8 on import (`_utf8_streams`). Out: the rich
`console`, the colour of each unit state (`STATE_STYLE`), `fail` (one Vietnamese line, then the
exit code) and `guarded`, which runs a command body so a user never sees a traceback (an
unexpected error is written to `baocao-loi.log` in the output folder).
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import typer
from rich.console import Console

from baocao.config.paths import ProjectPaths
from baocao.errors import BaocaoError, Issue
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


def issue_place(issue: Issue) -> str:
    """Where an issue is, as `validate` prints it before the message (“trang “Thông tin”, ô
    B1”); "" when there is no place, or when the message already begins with it (“Trang
    “Thông tin”, ô B1: …”), not to say it twice."""
    where = ", ".join(
        x for x in (issue.sheet and f"trang “{issue.sheet}”", issue.cell and f"ô {issue.cell}") if x
    )
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
