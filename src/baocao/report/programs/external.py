"""External programs (pandoc, Quarto, LibreOffice) run with a memory and a time bound.

Junk input once made pandoc grow past 12 GB per process and run for more than ten minutes, and
its failure reached the user as GHC's English "Heap exhausted … Use `+RTS -M`". Here every
external program runs:

- with a memory bound: pandoc (a GHC program) through its own runtime, `+RTS -M<n>m -RTS`
  (`pandoc_memory_args`); any other program through a resource limit set in the child before
  it starts (`memory_limit`: RLIMIT_DATA on Linux, RLIMIT_AS on other POSIX; nothing on
  Windows, which has no such limit without job objects);
- with a time bound (the child, and every process it started, is killed when it is over);
- failing as `ExternalError`, a Vietnamese message naming the program, the document it was
  making and what to do. Pandoc's own last error line is quoted only when the failure is
  neither memory nor time (e.g. a missing file), never a stack trace.

Bounds are in MB and seconds; `BAOCAO_PANDOC_MEMORY_MB`, `BAOCAO_EXTERNAL_MEMORY_MB` and
`BAOCAO_EXTERNAL_TIMEOUT` (seconds) override the defaults.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from baocao.errors import BaocaoError

# The sample report converts with pandoc at ~150 MB resident; 2 GB leaves room for a large
# province and stops junk long before it takes the machine.
PANDOC_MEMORY_MB = 2048
# Memory allocated (RLIMIT_DATA) by Quarto (deno, then pandoc under it) or LibreOffice: the
# sample report takes Quarto's deno a few hundred MB.
EXTERNAL_MEMORY_MB = 4096
TIMEOUT = 600  # seconds: the largest report converts in a few
# On Windows, no console window flashes up for each program.
NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)
# What GHC's runtime (pandoc) prints when its heap bound is reached; its exit status is 251.
GHC_HEAP_EXHAUSTED = ("Heap exhausted", "heap overflow")
GHC_HEAP_STATUS = 251
_OUT_OF_MEMORY = ("out of memory", "MemoryError", "bad_alloc", "Cannot allocate memory")


class ExternalError(BaocaoError):
    """An external program failed; `reason` is "memory", "time", "start" or "failed"."""

    def __init__(self, message: str, reason: str, detail: str = ""):
        super().__init__(message)
        self.reason = reason
        self.detail = detail  # the program's own last error line, for a technician


@dataclass(frozen=True)
class Bound:
    """How much memory (MB) and time (seconds) one run of a program may take."""

    memory_mb: int
    seconds: float


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def pandoc_bound() -> Bound:
    """The bound of one pandoc run (environment overrides read at each call)."""
    return Bound(
        int(_env_number("BAOCAO_PANDOC_MEMORY_MB", PANDOC_MEMORY_MB)),
        _env_number("BAOCAO_EXTERNAL_TIMEOUT", TIMEOUT),
    )


def external_bound(seconds: float = TIMEOUT) -> Bound:
    """The bound of one run of Quarto or LibreOffice (`seconds` unless overridden)."""
    return Bound(
        int(_env_number("BAOCAO_EXTERNAL_MEMORY_MB", EXTERNAL_MEMORY_MB)),
        _env_number("BAOCAO_EXTERNAL_TIMEOUT", seconds),
    )


def pandoc_memory_args(memory_mb: int) -> list[str]:
    """GHC runtime options bounding pandoc's heap to `memory_mb` MB."""
    return ["+RTS", f"-M{memory_mb}m", "-RTS"]


def memory_limit(memory_mb: int) -> Callable[[], None] | None:
    """A `preexec_fn` bounding the child's memory to `memory_mb` MB; None off POSIX.

    On Linux the bound is RLIMIT_DATA (since Linux 4.7 it counts every private writable
    mapping, i.e. what the program actually allocates), not RLIMIT_AS: Quarto's deno (V8)
    reserves a sandbox of address space far larger than it uses and dies at start under any
    RLIMIT_AS, even 64 GB. Elsewhere on POSIX, RLIMIT_AS."""
    if os.name == "posix":  # Windows has no such limit: nothing is bounded there
        import resource
        import sys

        which = resource.RLIMIT_DATA if sys.platform.startswith("linux") else resource.RLIMIT_AS
        size = memory_mb * 1024 * 1024

        def limit() -> None:
            resource.setrlimit(which, (size, size))

        return limit
    return None


def _seconds(seconds: float) -> str:
    return f"{seconds:g}".replace(".", ",")


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _last_line(stderr: str) -> str:
    """The program's own explanation: its last line starting with ERROR (Quarto ends with a
    WARN that says nothing), else its last line; terminal colour codes removed."""
    lines = [_ANSI.sub("", line).strip() for line in stderr.splitlines()]
    lines = [line for line in lines if line]
    errors = [line for line in lines if line.upper().startswith("ERROR")]
    return (errors or lines or [""])[-1][:200]


def _run_tree(command: list[str], seconds: float, **kwargs) -> subprocess.CompletedProcess:
    """`subprocess.run(command, capture_output=True, timeout=seconds)`, except that a program
    over its time is stopped with every process it started (LibreOffice's soffice starts
    another that would outlive it, holding its profile); raises `TimeoutExpired` then."""
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            _kill_tree(process.pid)
            process.kill()
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _kill_tree(pid: int) -> None:
    """Kill the processes `pid` started, children of children included (best effort)."""
    import psutil

    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.kill()


def run_bounded(
    command: Sequence[str],
    *,
    program: str,
    document: str,
    bound: Bound,
    ghc: bool = False,
    binary: bool = False,
    **kwargs,
) -> subprocess.CompletedProcess:
    """Run `command` (its output captured as text) within `bound`; `program` ("pandoc") and
    `document` ("báo cáo DOCX bản nội bộ") name it in messages. `ghc`: the program is a GHC
    program taking `+RTS` options (pandoc), bounded through its runtime, not a resource limit.
    `binary`: stdout is kept as bytes. Returns the finished process (exit status 0); raises
    `ExternalError` otherwise."""
    command = list(command)
    if ghc:
        command[1:1] = pandoc_memory_args(bound.memory_mb)
    elif (preexec := memory_limit(bound.memory_mb)) is not None:  # POSIX only
        kwargs["preexec_fn"] = preexec
    try:
        done = _run_tree(
            command,
            bound.seconds,
            creationflags=NO_WINDOW,
            **({} if binary else {"encoding": "utf-8", "errors": "replace"}),
            **kwargs,
        )
    except subprocess.TimeoutExpired:
        why = (
            "Hãy đóng mọi cửa sổ LibreOffice đang mở rồi chạy lại; nếu máy chậm, đặt biến môi "
            "trường BAOCAO_EXTERNAL_TIMEOUT (số giây) lớn hơn."
            if program == "LibreOffice"  # it waits on its own windows, not on our data
            else "Thường là do số liệu đầu vào quá lớn (ví dụ tệp của đơn vị có hàng nghìn dòng "
            "thừa): hãy xem cảnh báo trong trang kiểm tra của các đơn vị, sửa tệp rồi chạy lại."
        )
        raise ExternalError(
            f"{program} chạy quá {_seconds(bound.seconds)} giây khi lập {document} nên đã bị "
            f"dừng. {why}",
            "time",
        ) from None
    except OSError as exc:
        raise ExternalError(
            f"Không chạy được {program} để lập {document} ({exc.strerror or exc}). Hãy cài lại "
            "môi trường (make env) rồi chạy lại.",
            "start",
        ) from None
    if done.returncode == 0:
        return done
    stderr = done.stderr if isinstance(done.stderr, str) else done.stderr.decode("utf-8", "replace")
    detail = _last_line(stderr)
    out_of_memory = (ghc and done.returncode == GHC_HEAP_STATUS) or any(
        word in stderr for word in (*GHC_HEAP_EXHAUSTED, *_OUT_OF_MEMORY)
    )
    if out_of_memory or done.returncode in (-9, 137):  # killed: the kernel's OOM killer
        env = "BAOCAO_PANDOC_MEMORY_MB" if ghc else "BAOCAO_EXTERNAL_MEMORY_MB"
        raise ExternalError(
            f"{program} cần quá {bound.memory_mb} MB bộ nhớ khi lập {document} nên đã bị dừng. "
            "Thường là do số liệu đầu vào quá lớn (ví dụ tệp của đơn vị có hàng nghìn dòng "
            "thừa): hãy xem cảnh báo trong trang kiểm tra của các đơn vị, sửa tệp rồi chạy "
            f"lại; nếu số liệu đúng là lớn, đặt biến môi trường {env} lớn hơn.",
            "memory",
            detail,
        )
    quoted = f" Thông báo gốc của {program}: “{detail}”." if detail else ""
    raise ExternalError(
        f"{program} không lập được {document} (mã lỗi {done.returncode}).{quoted} Hãy chạy "
        "lại; nếu vẫn lỗi, gửi thông báo này cho người phụ trách kỹ thuật.",
        "failed",
        detail,
    )
